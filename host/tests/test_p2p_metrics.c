/* The p2p series of /metrics and the admin RPC shapes, over a real loopback connection between
 * two in-process nodes: peers by direction, ingress/egress bytes by protocol and message (Hello,
 * Status), dials, the handshake histogram; dropped peers by disconnect reason and bans by
 * reason; admin_peers and admin_nodeInfo members in go-ethereum's shapes, net_peerCount,
 * admin_removePeer. Both nodes share the process registry, so counts are the two nodes' sum. */
#include "p2p_testlib.h"

#include <stdio.h>

#include "metrics_int.h"
#include "rpc_int.h"

static struct event_base *base;

static int init(void)
{
    p2p_metrics_init(); /* the series exist (zero) before the first node starts */
    base = event_base_new();
    return base ? 0 : 1;
}

static int clean(void)
{
    event_base_free(base);
    return 0;
}

/* The value of the series `key` (name{labels}) in the rendered registry; -1 when absent. */
static double series(const char *key)
{
    size_t len;
    char *text = metrics_render(metrics_global(), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    double v = -1;
    size_t kl = strlen(key);
    for (const char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
            v = strtod(line + kl + 1, NULL);
            break;
        }
    }
    free(text);
    return v;
}

static struct tnode a, b;

static int connected(void *arg)
{
    (void)arg;
    return p2p_peer_count(a.p) == 1 && p2p_peer_count(b.p) == 1;
}

static int none(void *arg)
{
    (void)arg;
    return p2p_peer_count(a.p) == 0 && p2p_peer_count(b.p) == 0 && a.p->n_conns == 0 &&
           b.p->n_conns == 0;
}

static void up(void)
{
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 41, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 42, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL(p2p_add_peer(b.p, p2p_enode(a.p), 0), BT_OK);
    CU_ASSERT_FATAL(run_until(base, connected, NULL, 5000));
}

static void down(void)
{
    tnode_stop(&a);
    tnode_stop(&b);
}

static void test_p2p_metrics_connect_traffic(void)
{
    double dials = series("bttcd_p2p_dials_total{result=\"connected\"}");
    up();
    CU_ASSERT_EQUAL(series("bttcd_p2p_peers{direction=\"inbound\"}"), 1.0);
    CU_ASSERT_EQUAL(series("bttcd_p2p_peers{direction=\"outbound\"}"), 1.0);
    CU_ASSERT_EQUAL(series("bttcd_p2p_dials_total{result=\"connected\"}"), dials + 1);
    /* Each side sent and received one Hello and one Status. */
    CU_ASSERT(series("bttcd_p2p_ingress_bytes_total{proto=\"p2p\",msg=\"Hello\"}") > 0);
    CU_ASSERT(series("bttcd_p2p_egress_bytes_total{proto=\"p2p\",msg=\"Hello\"}") > 0);
    CU_ASSERT(series("bttcd_p2p_ingress_bytes_total{proto=\"eth\",msg=\"Status\"}") > 0);
    CU_ASSERT(series("bttcd_p2p_egress_bytes_total{proto=\"eth\",msg=\"Status\"}") > 0);
    CU_ASSERT(series("bttcd_p2p_ingress_messages_total{proto=\"eth\",msg=\"Status\"}") >= 2);
    /* Ingress and egress meter the same frames: the sums agree once both are idle. */
    CU_ASSERT_EQUAL(series("bttcd_p2p_ingress_bytes_total{proto=\"eth\",msg=\"Status\"}"),
                    series("bttcd_p2p_egress_bytes_total{proto=\"eth\",msg=\"Status\"}"));
    CU_ASSERT(series("bttcd_p2p_handshake_seconds_count") >= 2);
    /* Series with no traffic yet are there (zero) for dashboards. */
    CU_ASSERT_EQUAL(series("bttcd_p2p_ingress_bytes_total{proto=\"eth\",msg=\"NewBlock\"}"), 0.0);
    CU_ASSERT(series("bttcd_p2p_dropped_peers_total{reason=\"too many peers\"}") >= 0);
    CU_ASSERT(series("bttcd_p2p_sync_target_block") >= 0);

    /* A ban: dropped by its devp2p reason, banned by ours. */
    double sub = series("bttcd_p2p_dropped_peers_total{reason=\"subprotocol error\"}");
    struct p2p_peer *pa = first_peer(a.p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pa);
    peer_misbehave(pa, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "test \"violation\"");
    CU_ASSERT(run_until(base, none, NULL, 3000));
    CU_ASSERT_EQUAL(series("bttcd_p2p_peers{direction=\"inbound\"}"), 0.0);
    CU_ASSERT_EQUAL(series("bttcd_p2p_peers{direction=\"outbound\"}"), 0.0);
    /* a dropped b with the reason; b saw a's Disconnect with the same reason. */
    CU_ASSERT_EQUAL(series("bttcd_p2p_dropped_peers_total{reason=\"subprotocol error\"}"), sub + 2);
    CU_ASSERT_EQUAL(series("bttcd_p2p_banned_peers_total{reason=\"test \\\"violation\\\"\"}"), 1.0);
    CU_ASSERT(series("bttcd_p2p_egress_bytes_total{proto=\"p2p\",msg=\"Disconnect\"}") > 0);
    down();
}

static double failed;

static int dial_failed(void *arg)
{
    (void)arg;
    return series("bttcd_p2p_dials_total{result=\"failed\"}") > failed;
}

static void test_p2p_metrics_failed_dial(void)
{
    failed = series("bttcd_p2p_dials_total{result=\"failed\"}");
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 43, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 44, NULL, NULL), BT_OK);
    char url[BTS_ENODE_URL_MAX];
    snprintf(url, sizeof(url), "%s", p2p_enode(a.p));
    tnode_stop(&a); /* nobody listens there any more */
    CU_ASSERT_EQUAL(p2p_add_peer(b.p, url, 0), BT_OK);
    CU_ASSERT(run_until(base, dial_failed, NULL, 3000));
    CU_ASSERT(series("bttcd_p2p_dials_total{result=\"failed\"}") >= failed + 1);
    tnode_stop(&b);
}

/* --- RPC shapes ------------------------------------------------------------------------------ */

struct got {
    char *text;
};

static void on_done(void *arg, const char *json, size_t len)
{
    struct got *g = arg;
    free(g->text);
    g->text = NULL;
    if (json) {
        g->text = malloc(len + 1);
        memcpy(g->text, json, len);
        g->text[len] = 0;
    }
}

static struct rpc_server *srv;
static struct rpc_pending pending;

/* The "result" of method(params) as admin (or user), or NULL (error); caller decrefs. */
static json_t *call(int is_admin, const char *method, const char *params)
{
    static const struct rpc_peer user = {"test", 0, NULL}, admin = {"test", 1, NULL};
    char body[1024];
    snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
             method, params);
    struct got g = {NULL};
    rpc_handle_body(srv, is_admin ? &admin : &user, body, strlen(body), &pending, on_done, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.text);
    json_t *resp = json_loads(g.text, 0, NULL);
    free(g.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resp);
    json_t *res = json_incref(json_object_get(resp, "result"));
    json_decref(resp);
    return res;
}

static int is_hex32(json_t *v)
{
    const char *s = json_string_value(v);
    return s && strlen(s) == 66 && strncmp(s, "0x", 2) == 0;
}

static void test_p2p_metrics_admin_rpc(void)
{
    memset(&pending, 0, sizeof(pending));
    srv = rpc_server_new(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    up();
    a.p->rpc = srv;
    CU_ASSERT_EQUAL_FATAL(p2p_rpc_register(a.p), BT_OK);

    json_t *n = call(0, "net_peerCount", "[]");
    CU_ASSERT_STRING_EQUAL(json_string_value(n), "0x1");
    json_decref(n);
    CU_ASSERT_PTR_NULL(call(0, "admin_peers", "[]")); /* admin only */

    json_t *peers = call(1, "admin_peers", "[]");
    CU_ASSERT_FATAL(json_is_array(peers) && json_array_size(peers) == 1);
    json_t *pe = json_array_get(peers, 0);
    /* enode://<b's public key>@127.0.0.1:<its listen port from Hello> */
    const char *en = json_string_value(json_object_get(pe, "enode")), *at = strchr(en, '@');
    CU_ASSERT_FATAL(at != NULL);
    CU_ASSERT_NSTRING_EQUAL(en, p2p_enode(b.p), (size_t)(at - en) + 1);
    char want_port[16];
    snprintf(want_port, sizeof(want_port), ":%u", p2p_port(b.p));
    CU_ASSERT_PTR_NOT_NULL(strstr(at, want_port));
    CU_ASSERT_EQUAL(strlen(json_string_value(json_object_get(pe, "id"))), 64);
    CU_ASSERT(strncmp(json_string_value(json_object_get(pe, "name")), "bttcd/", 6) == 0);
    json_t *caps = json_object_get(pe, "caps");
    CU_ASSERT(json_is_array(caps) && json_array_size(caps) >= 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(caps, 0)), "eth/66");
    json_t *net = json_object_get(pe, "network");
    CU_ASSERT(strncmp(json_string_value(json_object_get(net, "localAddress")), "127.0.0.1:", 10) ==
              0);
    char want_local[32];
    snprintf(want_local, sizeof(want_local), "127.0.0.1:%u", p2p_port(a.p));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(net, "localAddress")), want_local);
    CU_ASSERT(strncmp(json_string_value(json_object_get(net, "remoteAddress")), "127.0.0.1:", 10) ==
              0);
    CU_ASSERT(json_is_true(json_object_get(net, "inbound")));
    CU_ASSERT(json_is_false(json_object_get(net, "trusted")));
    CU_ASSERT(json_is_false(json_object_get(net, "static")));
    json_t *eth = json_object_get(json_object_get(pe, "protocols"), "eth");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(eth, "version")), 66);
    CU_ASSERT(json_is_integer(json_object_get(eth, "difficulty")));
    CU_ASSERT(is_hex32(json_object_get(eth, "head")));
    json_decref(peers);

    /* admin_nodeInfo's p2p members (the node's method adds name; p2p_node_info the rest). */
    json_t *info = json_object();
    p2p_node_info(a.p, info);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(info, "enode")), p2p_enode(a.p));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(info, "ports"), "listener")),
                    p2p_port(a.p));
    json_t *ieth = json_object_get(json_object_get(info, "protocols"), "eth");
    CU_ASSERT(json_is_integer(json_object_get(ieth, "network")));
    CU_ASSERT(is_hex32(json_object_get(ieth, "genesis")));
    CU_ASSERT(is_hex32(json_object_get(ieth, "head")));
    json_decref(info);

    /* admin_removePeer: disconnected with "disconnect requested"; a bad URL is an error. */
    double req = series("bttcd_p2p_dropped_peers_total{reason=\"disconnect requested\"}");
    CU_ASSERT_PTR_NULL(call(1, "admin_removePeer", "[\"enode://nope\"]"));
    char params[BTS_ENODE_URL_MAX + 8];
    snprintf(params, sizeof(params), "[\"%s\"]", p2p_enode(b.p));
    json_t *ok = call(1, "admin_removePeer", params);
    CU_ASSERT(json_is_true(ok));
    json_decref(ok);
    CU_ASSERT(run_until(base, none, NULL, 3000));
    CU_ASSERT(series("bttcd_p2p_dropped_peers_total{reason=\"disconnect requested\"}") >= req + 2);
    CU_ASSERT_FALSE(p2p_is_banned(b.p, a.p->id)); /* a requested disconnect is no ban */
    ok = call(1, "admin_removeTrustedPeer", params);
    CU_ASSERT(json_is_true(ok));
    json_decref(ok);

    down();
    rpc_pending_cancel(&pending);
    rpc_server_free(srv);
    srv = NULL;
}

BTS_TEST_SUITE("p2p_metrics", init, clean, BTS_TEST(test_p2p_metrics_connect_traffic),
               BTS_TEST(test_p2p_metrics_failed_dial), BTS_TEST(test_p2p_metrics_admin_rpc));
