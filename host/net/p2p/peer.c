/* One peer's connection: a libevent bufferevent pumping bytes through the session state
 * machine (sess.c), a one-second tick for the handshake deadline, keepalive Pings and the read
 * timeout, the peer checks after Hello (self, duplicate, ban, peer limits), the message rate
 * limit, and an orderly close that flushes the Disconnect before the socket goes. */
#include "p2p_priv.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log_int.h"

static void short_id(char out[17], const uint8_t id[64])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hex[id[i] >> 4];
        out[2 * i + 1] = hex[id[i] & 15];
    }
    out[16] = 0;
}

/* Move what the session queued to the socket. */
static void flush(struct p2p_peer *pe)
{
    if (pe->sess.out.len == 0)
        return;
    if (bufferevent_write(pe->bev, pe->sess.out.data, pe->sess.out.len) != 0)
        pe->sess.error = "out of memory";
    bts_buf_reset(&pe->sess.out);
}

void peer_free(struct p2p_peer *pe)
{
    struct p2p *p = pe->p2p;
    for (struct p2p_peer **pp = &p->peers; *pp; pp = &(*pp)->next) {
        if (*pp == pe) {
            *pp = pe->next;
            break;
        }
    }
    if (pe->is_counted) {
        p->n_ready--;
        p2p_metrics_peer(pe->is_inbound, -1);
    }
    p->n_conns--;
    if (pe->is_inbound)
        p->n_inbound--;
    else
        p->n_outbound--;
    if (!pe->is_inbound && !pe->is_connected && p->n_pending_dials)
        p->n_pending_dials--;
    for (struct p2p_dialee *d = p->dialees; d; d = d->next)
        if (!pe->is_inbound && d->is_pending && memcmp(d->node.id, pe->sess.remote_id, 64) == 0)
            d->is_pending = 0;
    p->stats.wire_in += pe->sess.bytes_in;
    p->stats.wire_out += pe->sess.bytes_out;
    if (pe->timer)
        event_free(pe->timer);
    if (pe->bev)
        bufferevent_free(pe->bev);
    sess_free(&pe->sess);
    free(pe);
}

/* Reap a closing peer from its tick, once the Disconnect is flushed (or after a second). */
static void reap_soon(struct p2p_peer *pe)
{
    event_active(pe->timer, EV_TIMEOUT, 0);
}

void peer_close(struct p2p_peer *pe, uint64_t reason, const char *why)
{
    if (pe->is_closing)
        return;
    sess_disconnect(&pe->sess, reason);
    flush(pe);
    pe->is_closing = 1;
    pe->started_ms = p2p_now_ms(); /* the flush deadline counts from here */
    if (pe->is_counted) {
        pe->is_counted = 0;
        pe->p2p->n_ready--;
        p2p_metrics_peer(pe->is_inbound, -1);
    }
    char sid[17];
    short_id(sid, pe->sess.remote_id);
    uint64_t r = pe->sess.has_disc ? pe->sess.disc_reason : reason;
    hlog(BT_LOG_DEBUG, "peer disconnected",
         "peer=%llu id=%s addr=%s inbound=%d by=%s reason=%s why=%s", (unsigned long long)pe->id,
         sid, pe->addr, pe->is_inbound, pe->sess.is_disc_remote ? "remote" : "local",
         LOG_Q(bts_rlpx_reason_str(r)), LOG_Q(why));
    pe->p2p->n_dropped++;
    pe->p2p->stats.dropped[r < P2P_STAT_REASONS ? r : P2P_STAT_REASONS]++;
    p2p_metrics_dropped(r);
    bufferevent_disable(pe->bev, EV_READ);
    if (evbuffer_get_length(bufferevent_get_output(pe->bev)) == 0)
        reap_soon(pe);
}

void peer_misbehave(struct p2p_peer *pe, uint64_t reason, const char *why)
{
    char sid[17];
    short_id(sid, pe->sess.remote_id);
    hlog(BT_LOG_WARN, "peer misbehaved", "peer=%llu id=%s addr=%s reason=%s",
         (unsigned long long)pe->id, sid, pe->addr, LOG_Q(why));
    if (!pe->is_trusted)
        p2p_ban(pe->p2p, pe->sess.remote_id, why);
    peer_close(pe, reason, why);
}

bt_status peer_send(struct p2p_peer *pe, int cap, uint64_t code, const uint8_t *data, size_t len)
{
    if (pe->is_closing || cap < 0)
        return BT_EINVAL;
    bt_status st = sess_send(&pe->sess, (size_t)cap, code, data, len);
    if (st == BT_OK) {
        p2p_stat_msg(pe->p2p, pe, cap, code, len, 1);
        flush(pe);
        if (evbuffer_get_length(bufferevent_get_output(pe->bev)) > P2P_MAX_OUTQ)
            peer_close(pe, BTS_RLPX_DISC_NETWORK_ERROR, "send queue full");
    }
    return st;
}

void peer_set_ready(struct p2p_peer *pe)
{
    if (pe->is_ready)
        return;
    pe->is_ready = 1;
    pe->is_counted = 1;
    pe->p2p->n_ready++;
    p2p_metrics_peer(pe->is_inbound, 1);
    p2p_metrics_handshake(p2p_now_ms() - pe->started_ms);
    char sid[17];
    short_id(sid, pe->sess.remote_id);
    hlog(BT_LOG_INFO, "peer connected", "peer=%llu id=%s addr=%s inbound=%d client=\"%s\"",
         (unsigned long long)pe->id, sid, pe->addr, pe->is_inbound, pe->sess.remote_client);
}

/* --- session events ------------------------------------------------------------------------ */

static int max_inbound(const struct p2p *p)
{
    int ratio = p->o.dial_ratio > 0 ? p->o.dial_ratio : 3;
    return p->o.max_peers - p->o.max_peers / ratio;
}

static int on_hello(void *arg, struct sess *s)
{
    struct p2p_peer *pe = arg;
    struct p2p *p = pe->p2p;
    if (memcmp(s->remote_id, p->id, 64) == 0)
        return BTS_RLPX_DISC_SELF;
    for (struct p2p_dialee *d = p->dialees; d; d = d->next)
        if (d->is_trusted && memcmp(d->node.id, s->remote_id, 64) == 0)
            pe->is_trusted = 1;
    if (!pe->is_trusted && p2p_is_banned(p, s->remote_id))
        return BTS_RLPX_DISC_USELESS_PEER;
    for (struct p2p_peer *o = p->peers; o; o = o->next)
        if (o != pe && !o->is_closing && o->sess.state == SESS_ACTIVE &&
            memcmp(o->sess.remote_id, s->remote_id, 64) == 0)
            return BTS_RLPX_DISC_ALREADY_CONNECTED;
    if (!pe->is_trusted) {
        if (p->n_ready >= (size_t)p->o.max_peers)
            return BTS_RLPX_DISC_TOO_MANY_PEERS;
        size_t in = 0;
        for (struct p2p_peer *o = p->peers; o; o = o->next)
            in += o->is_counted && o->is_inbound;
        if (pe->is_inbound && in >= (size_t)max_inbound(p))
            return BTS_RLPX_DISC_TOO_MANY_PEERS;
    }
    pe->eth_cap = sess_find_cap(s, "eth");
    pe->dlv_cap = sess_find_cap(s, "dlv");
    if (pe->eth_cap >= 0) {
        if (eth_start(pe) != BT_OK)
            return BTS_RLPX_DISC_NETWORK_ERROR;
        return 0; /* ready once their Status checks out */
    }
    peer_set_ready(pe);
    return 0;
}

/* Token bucket: P2P_RATE_BURST messages, refilled at P2P_RATE_PER_SEC. */
static int rate_ok(struct p2p_peer *pe)
{
    uint64_t now = p2p_now_ms();
    pe->tokens += (double)(now - pe->tokens_ms) * P2P_RATE_PER_SEC / 1000.0;
    if (pe->tokens > P2P_RATE_BURST)
        pe->tokens = P2P_RATE_BURST;
    pe->tokens_ms = now;
    if (pe->tokens < 1.0)
        return 0;
    pe->tokens -= 1.0;
    return 1;
}

static int on_msg(void *arg, struct sess *s, size_t cap, uint64_t code, const uint8_t *data,
                  size_t len)
{
    (void)s;
    struct p2p_peer *pe = arg;
    if (pe->is_closing)
        return 0;
    p2p_stat_msg(pe->p2p, pe, (int)cap, code, len, 0);
    if (!rate_ok(pe) && !pe->is_trusted) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "message rate limit");
        return 0;
    }
    if ((int)cap == pe->eth_cap)
        return eth_on_msg(pe, code, data, len);
    if ((int)cap == pe->dlv_cap)
        return dlv_on_msg(pe, code, data, len);
    return BTS_RLPX_DISC_PROTOCOL_ERROR;
}

static void on_wire(void *arg, struct sess *s, uint64_t code, size_t wire_len, int is_out)
{
    (void)arg;
    p2p_metrics_wire(s, code, wire_len, is_out);
}

static void on_pong(void *arg, struct sess *s)
{
    (void)s;
    struct p2p_peer *pe = arg;
    pe->n_pongs++;
}

/* --- socket events ------------------------------------------------------------------------- */

static void after_feed(struct p2p_peer *pe, bt_status st)
{
    flush(pe);
    if (pe->is_closing)
        return;
    /* A peer that sends (Pings, requests) without reading our answers is dropped before its
     * backlog grows past P2P_MAX_OUTQ. */
    if (evbuffer_get_length(bufferevent_get_output(pe->bev)) > P2P_MAX_OUTQ) {
        peer_close(pe, BTS_RLPX_DISC_NETWORK_ERROR, "send queue full");
        return;
    }
    if (st == BT_EPROTO) {
        peer_misbehave(pe, BTS_RLPX_DISC_PROTOCOL_ERROR, pe->sess.error ? pe->sess.error : "");
    } else if (st != BT_OK) {
        peer_close(pe, BTS_RLPX_DISC_NETWORK_ERROR, bts_status_str(st));
    } else if (pe->sess.state == SESS_CLOSED) {
        const char *why = pe->sess.is_disc_remote ? "remote disconnect"
                          : pe->sess.error        ? pe->sess.error
                                                  : "local";
        peer_close(pe, pe->sess.disc_reason, why);
    }
}

static void read_cb(struct bufferevent *bev, void *arg)
{
    struct p2p_peer *pe = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    pe->last_recv_ms = p2p_now_ms();
    uint8_t chunk[16384];
    while (!pe->is_closing && evbuffer_get_length(in) > 0) {
        int n = evbuffer_remove(in, chunk, sizeof(chunk));
        if (n <= 0)
            break;
        bt_status st = sess_feed(&pe->sess, chunk, (size_t)n);
        after_feed(pe, st);
    }
    if (pe->is_closing)
        evbuffer_drain(in, evbuffer_get_length(in));
}

static void write_cb(struct bufferevent *bev, void *arg)
{
    (void)bev;
    struct p2p_peer *pe = arg;
    if (pe->is_closing)
        reap_soon(pe);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    struct p2p_peer *pe = arg;
    if (what & BEV_EVENT_CONNECTED) {
        pe->is_connected = 1;
        p2p_metrics_dial(1);
        if (pe->p2p->n_pending_dials)
            pe->p2p->n_pending_dials--;
        return;
    }
    if (pe->is_closing) {
        reap_soon(pe);
        return;
    }
    pe->sess.state = SESS_CLOSED; /* the socket is gone: nothing more can be sent */
    if (!pe->is_inbound && !pe->is_connected)
        p2p_metrics_dial(0);
    peer_close(pe, BTS_RLPX_DISC_NETWORK_ERROR,
               (what & BEV_EVENT_EOF) ? "connection closed" : "connection error");
    reap_soon(pe);
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct p2p_peer *pe = arg;
    uint64_t now = p2p_now_ms();
    if (pe->is_closing) {
        if (evbuffer_get_length(bufferevent_get_output(pe->bev)) == 0 ||
            now - pe->started_ms > 1000)
            peer_free(pe);
        return;
    }
    if (!pe->is_ready && now - pe->started_ms > P2P_HANDSHAKE_MS) {
        peer_close(pe, BTS_RLPX_DISC_READ_TIMEOUT, "handshake timeout");
        return;
    }
    if (now - pe->last_recv_ms > P2P_IDLE_MS) {
        peer_close(pe, BTS_RLPX_DISC_READ_TIMEOUT, "read timeout");
        return;
    }
    if (pe->sess.state == SESS_ACTIVE && now - pe->ping_sent_ms >= P2P_PING_MS) {
        pe->ping_sent_ms = now;
        if (sess_ping(&pe->sess) == BT_OK)
            flush(pe);
    }
}

static void addr_of(struct p2p_peer *pe, const struct sockaddr *sa)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
        memcpy(pe->ip, &s4->sin_addr, 4);
        pe->ip_len = 4;
        port = ntohs(s4->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
        memcpy(pe->ip, &s6->sin6_addr, 16);
        pe->ip_len = 16;
        port = ntohs(s6->sin6_port);
    }
    snprintf(pe->addr, sizeof(pe->addr), "%s:%u", ip, port);
}

static socklen_t sockaddr_of(struct sockaddr_storage *ss, const struct bts_enode *n)
{
    memset(ss, 0, sizeof(*ss));
    if (n->ip_len == 4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(n->tcp_port);
        memcpy(&s4->sin_addr, n->ip, 4);
        return sizeof(*s4);
    }
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(n->tcp_port);
    memcpy(&s6->sin6_addr, n->ip, 16);
    return sizeof(*s6);
}

struct p2p_peer *peer_new(struct p2p *p, int fd, const struct bts_enode *dial)
{
    struct p2p_peer *pe = calloc(1, sizeof(*pe));
    if (!pe) {
        if (fd >= 0)
            evutil_closesocket(fd);
        return NULL;
    }
    pe->p2p = p;
    pe->id = ++p->next_peer_id;
    pe->is_inbound = dial == NULL;
    pe->eth_cap = pe->dlv_cap = -1;
    pe->started_ms = pe->last_recv_ms = pe->tokens_ms = p2p_now_ms();
    pe->ping_sent_ms = pe->started_ms;
    pe->tokens = P2P_RATE_BURST;
    pe->bev = bufferevent_socket_new(p->base, dial ? -1 : fd, BEV_OPT_CLOSE_ON_FREE);
    pe->timer = event_new(p->base, -1, EV_PERSIST, tick, pe);
    pe->next = p->peers;
    p->peers = pe;
    p->n_conns++;
    if (pe->is_inbound)
        p->n_inbound++;
    else
        p->n_outbound++;
    if (!pe->is_inbound)
        p->n_pending_dials++;
    struct sess_events ev = {on_hello, on_msg, on_pong, pe};
    if (!pe->bev || !pe->timer ||
        sess_init(&pe->sess, &p->scfg, &ev, dial ? dial->id : NULL) != BT_OK) {
        if (!pe->bev && fd >= 0)
            evutil_closesocket(fd);
        peer_free(pe);
        return NULL;
    }
    pe->sess.on_wire = on_wire;
    struct timeval sec = {1, 0};
    event_add(pe->timer, &sec);
    bufferevent_setcb(pe->bev, read_cb, write_cb, event_cb, pe);
    /* libevent moves at most 16 KiB per socket per loop pass by default: a 1 MB flood block
     * then took 64 passes to leave (or arrive), each pass perhaps an RPC batch or an import
     * long, and reached the next producers seconds after its slot, so backups sealed rival
     * blocks. One pass moves what the kernel has. */
    bufferevent_set_max_single_read(pe->bev, P2P_MAX_SINGLE_IO);
    bufferevent_set_max_single_write(pe->bev, P2P_MAX_SINGLE_IO);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (dial) {
        memcpy(pe->sess.remote_id, dial->id, 64);
        sl = sockaddr_of(&ss, dial);
        addr_of(pe, (struct sockaddr *)&ss);
        flush(pe); /* the auth packet waits in the output buffer until connected */
        if (bufferevent_socket_connect(pe->bev, (struct sockaddr *)&ss, (int)sl) != 0) {
            peer_free(pe);
            return NULL;
        }
    } else {
        pe->is_connected = 1;
        if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
            addr_of(pe, (struct sockaddr *)&ss);
    }
    bufferevent_enable(pe->bev, EV_READ | EV_WRITE);
    return pe;
}
