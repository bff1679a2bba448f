/* The p2p RPC methods, with go-ethereum's shapes (p2p/server.go NodeInfo/PeerInfo,
 * node/api.go): admin_peers, admin_addPeer, admin_removePeer, admin_addTrustedPeer,
 * admin_removeTrustedPeer (admin only), net_peerCount
 * and net_listening; p2p_node_info fills admin_nodeInfo's p2p members, plus "p2pStats" (ours:
 * peers, drops by reason, messages and bytes by type). */
#include "p2p_priv.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bts/keccak.h>
#include <event2/bufferevent.h>
#include <jansson.h>

#include "rpc_int.h"

static void hex(char *out, const uint8_t *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

/* Quantity as geth prints big.Int difficulty: a JSON number when it fits, else a string. */
static json_t *td_json(const uint8_t td[32])
{
    for (int i = 0; i < 24; i++)
        if (td[i])
            return json_string("overflow"); /* beyond 2^64: not reached by Bttc */
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | td[i];
    return json_integer((json_int_t)v);
}

/* Counters: peers, connections, drops by reason, and messages/bytes by type (non-zero only). */
static json_t *stats_json(const struct p2p *p)
{
    json_t *drops = json_object(), *in = json_object(), *out = json_object();
    for (size_t r = 0; r <= P2P_STAT_REASONS; r++)
        if (p->stats.dropped[r])
            json_object_set_new(drops, r < P2P_STAT_REASONS ? bts_rlpx_reason_str(r) : "other",
                                json_integer((json_int_t)p->stats.dropped[r]));
    for (size_t c = 0; c < P2P_N_CAPS; c++) {
        for (uint64_t k = 0; k < P2P_STAT_CODES; k++) {
            char name[48];
            snprintf(name, sizeof(name), "%s/%s", p->caps[c].cap.name,
                     c == P2P_CAP_ETH ? bts_eth_msg_name(k) : "Topic");
            if (p->stats.msgs_in[c][k])
                json_object_set_new(in, name,
                                    json_pack("{s:I,s:I}", "msgs",
                                              (json_int_t)p->stats.msgs_in[c][k], "bytes",
                                              (json_int_t)p->stats.bytes_in[c][k]));
            if (p->stats.msgs_out[c][k])
                json_object_set_new(out, name,
                                    json_pack("{s:I,s:I}", "msgs",
                                              (json_int_t)p->stats.msgs_out[c][k], "bytes",
                                              (json_int_t)p->stats.bytes_out[c][k]));
        }
    }
    uint64_t wire_in = p->stats.wire_in, wire_out = p->stats.wire_out;
    for (const struct p2p_peer *pe = p->peers; pe; pe = pe->next)
        wire_in += pe->sess.bytes_in, wire_out += pe->sess.bytes_out;
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:I,s:I,s:I}", "peers",
                     (json_int_t)p->n_ready, "connections", (json_int_t)p->n_conns, "inbound",
                     (json_int_t)p->n_inbound, "outbound", (json_int_t)p->n_outbound, "dropped",
                     (json_int_t)p->n_dropped, "droppedByReason", drops, "messagesIn", in,
                     "messagesOut", out, "bytesIn", (json_int_t)wire_in, "bytesOut",
                     (json_int_t)wire_out, "banned", (json_int_t)p->n_banned);
}

void p2p_node_info(const struct p2p *p, json_t *obj)
{
    char idh[65], gh[67] = "0x", hh[67] = "0x", ip[INET_ADDRSTRLEN] = "";
    uint8_t h[32];
    bts_keccak256(h, p->id, 64);
    hex(idh, h, 32);
    hex(gh + 2, p->chain.genesis, 32);
    struct p2p_head head;
    memset(&head, 0, sizeof(head));
    p->backend.head(p->backend.self, &head);
    hex(hh + 2, head.hash, 32);
    inet_ntop(AF_INET, p->ip, ip, sizeof(ip));
    char listen[80];
    snprintf(listen, sizeof(listen), "%s:%u", p->o.listen_addr, p->port);
    json_object_set_new(obj, "id", json_string(idh));
    json_object_set_new(obj, "enode", json_string(p->enode));
    json_object_set_new(obj, "ip", json_string(ip));
    json_object_set_new(obj, "listenAddr", json_string(listen));
    json_object_set_new(obj, "ports",
                        json_pack("{s:i,s:i}", "discovery", p->o.is_nodiscover ? 0 : (int)p->port,
                                  "listener", (int)p->port));
    json_t *eth = json_pack("{s:I,s:o,s:s,s:s}", "network", (json_int_t)p->chain.network_id,
                            "difficulty", td_json(head.td), "genesis", gh, "head", hh);
    json_object_set_new(obj, "protocols",
                        json_pack("{s:o,s:{s:i}}", "eth", eth, "dlv", "version", 1));
    json_object_set_new(obj, "p2pStats", stats_json(p));
}

static json_t *peer_json(const struct p2p_peer *pe)
{
    struct bts_enode n;
    memset(&n, 0, sizeof(n));
    memcpy(n.id, pe->sess.remote_id, 64);
    memcpy(n.ip, pe->ip, pe->ip_len ? pe->ip_len : 4);
    n.ip_len = pe->ip_len ? pe->ip_len : 4;
    n.tcp_port = n.udp_port = (uint16_t)pe->sess.remote_port;
    char url[BTS_ENODE_URL_MAX] = "";
    size_t ul;
    if (bts_enode_format(url, sizeof(url), &ul, &n) != BT_OK)
        url[0] = 0;
    uint8_t h[32];
    char idh[65];
    bts_keccak256(h, pe->sess.remote_id, 64);
    hex(idh, h, 32);
    json_t *caps = json_array();
    for (size_t i = 0; i < pe->sess.n_remote_caps; i++) {
        char c[32];
        snprintf(c, sizeof(c), "%s/%u", pe->sess.remote_caps[i].name,
                 pe->sess.remote_caps[i].version);
        json_array_append_new(caps, json_string(c));
    }
    json_t *protos = json_object();
    if (pe->has_status) {
        char hh[67] = "0x";
        hex(hh + 2, pe->status.head, 32);
        json_object_set_new(protos, "eth",
                            json_pack("{s:i,s:o,s:s}", "version", BTS_ETH_VERSION, "difficulty",
                                      td_json(pe->status.td), "head", hh));
    }
    if (pe->dlv_cap >= 0)
        json_object_set_new(protos, "dlv", json_pack("{s:i}", "version", 1));
    /* network.localAddress: our end of the socket, as geth's conn.LocalAddr(). */
    char local[64] = "";
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    evutil_socket_t fd = pe->bev ? bufferevent_getfd(pe->bev) : -1;
    if (fd >= 0 && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        char ip[INET6_ADDRSTRLEN] = "";
        if (ss.ss_family == AF_INET) {
            const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
            snprintf(local, sizeof(local), "%s:%u", ip, ntohs(a->sin_port));
        } else if (ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
            snprintf(local, sizeof(local), "[%s]:%u", ip, ntohs(a->sin6_port));
        }
    }
    return json_pack("{s:s,s:s,s:s,s:o,s:{s:s,s:s,s:b,s:b,s:b},s:o,s:{s:I,s:I}}", "enode", url,
                     "id", idh, "name", pe->sess.remote_client, "caps", caps, "network",
                     "localAddress", local, "remoteAddress", pe->addr, "inbound", pe->is_inbound,
                     "trusted", pe->is_trusted, "static", pe->is_static, "protocols", protos,
                     "traffic", "in", (json_int_t)pe->sess.bytes_in, "out",
                     (json_int_t)pe->sess.bytes_out);
}

json_t *p2p_peers_json(const struct p2p *p)
{
    json_t *a = json_array();
    for (const struct p2p_peer *pe = p->peers; pe; pe = pe->next)
        if (pe->is_ready && !pe->is_closing)
            json_array_append_new(a, peer_json(pe));
    return a;
}

static void m_peers(void *arg, struct bt_rpc_call *call)
{
    json_t *prm;
    if (rpc_params(call, 0, 0, &prm) != BT_OK)
        return;
    json_decref(prm);
    rpc_call_result_json(call, p2p_peers_json(arg));
}

static void add_peer(struct p2p *p, struct bt_rpc_call *call, int is_trusted)
{
    json_t *prm;
    if (rpc_params(call, 1, 1, &prm) != BT_OK)
        return;
    const char *url = json_string_value(json_array_get(prm, 0));
    bt_status st = url ? p2p_add_peer(p, url, is_trusted) : BT_EINVAL;
    json_decref(prm);
    if (st == BT_EINVAL)
        rpc_call_error(call, RPC_ERR_SERVER, "invalid enode", NULL);
    else if (st != BT_OK)
        rpc_call_error(call, RPC_ERR_INTERNAL, bts_status_str(st), NULL);
    else
        rpc_call_result(call, "true");
}

static void remove_peer(struct p2p *p, struct bt_rpc_call *call, int is_trusted_only)
{
    json_t *prm;
    if (rpc_params(call, 1, 1, &prm) != BT_OK)
        return;
    const char *url = json_string_value(json_array_get(prm, 0));
    bt_status st = url ? p2p_remove_peer(p, url, is_trusted_only) : BT_EINVAL;
    json_decref(prm);
    if (st != BT_OK)
        rpc_call_error(call, RPC_ERR_SERVER, "invalid enode", NULL);
    else
        rpc_call_result(call, "true");
}

static void m_remove_peer(void *arg, struct bt_rpc_call *call)
{
    remove_peer(arg, call, 0);
}

static void m_remove_trusted(void *arg, struct bt_rpc_call *call)
{
    remove_peer(arg, call, 1);
}

static void m_add_peer(void *arg, struct bt_rpc_call *call)
{
    add_peer(arg, call, 0);
}

static void m_add_trusted(void *arg, struct bt_rpc_call *call)
{
    add_peer(arg, call, 1);
}

static void m_peer_count(void *arg, struct bt_rpc_call *call)
{
    json_t *prm;
    if (rpc_params(call, 0, 0, &prm) != BT_OK)
        return;
    json_decref(prm);
    char v[32];
    snprintf(v, sizeof(v), "\"0x%zx\"", p2p_peer_count(arg));
    rpc_call_result(call, v);
}

static void m_listening(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    json_t *prm;
    if (rpc_params(call, 0, 0, &prm) != BT_OK)
        return;
    json_decref(prm);
    rpc_call_result(call, "true");
}

bt_status p2p_rpc_register(struct p2p *p)
{
    static const struct {
        const char *name;
        uint32_t flags;
        bt_rpc_fn fn;
    } m[] = {{"admin_peers", RPC_F_ADMIN, m_peers},
             {"admin_addPeer", RPC_F_ADMIN, m_add_peer},
             {"admin_addTrustedPeer", RPC_F_ADMIN, m_add_trusted},
             {"admin_removePeer", RPC_F_ADMIN, m_remove_peer},
             {"admin_removeTrustedPeer", RPC_F_ADMIN, m_remove_trusted},
             {"net_peerCount", 0, m_peer_count},
             {"net_listening", 0, m_listening}};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(m); i++) {
        bt_status st = rpc_register(p->rpc, p, m[i].name, m[i].flags, m[i].fn, p);
        if (st != BT_OK)
            return st;
    }
    return BT_OK;
}
