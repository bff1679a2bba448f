/* The p2p node: TCP listener and UDP socket on one port, the dial scheduler (static and
 * trusted nodes always, discovered nodes while outbound slots are free, with backoff), the
 * peer limits (max peers, inbound share by dial ratio as go-ethereum p2p/server.go), bans with
 * a logged reason. Propagation helpers are in propagate.c. */
#include "p2p_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "log_int.h"
#include "rpc_int.h"

void p2p_opts_default(struct p2p_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->is_enabled = 1;
    o->listen_addr = "0.0.0.0";
    o->port = 30303;
    o->max_peers = 50;
    o->dial_ratio = 3;
    o->chain = "dev";
}

uint64_t p2p_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void p2p_rand(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            abort(); /* no entropy: nothing safe to do (keys and nonces come from here) */
        }
        p += r;
        n -= (size_t)r;
    }
}

/* --- bans ---------------------------------------------------------------------------------- */

int p2p_is_banned(struct p2p *p, const uint8_t id[64])
{
    uint64_t now = p2p_now_ms();
    for (struct p2p_ban **bp = &p->bans; *bp;) {
        struct p2p_ban *b = *bp;
        if (b->until_ms <= now) {
            *bp = b->next;
            free(b);
            continue;
        }
        if (memcmp(b->id, id, 64) == 0)
            return 1;
        bp = &b->next;
    }
    return 0;
}

void p2p_ban(struct p2p *p, const uint8_t id[64], const char *reason)
{
    if (p2p_is_banned(p, id))
        return;
    struct p2p_ban *b = calloc(1, sizeof(*b));
    if (!b)
        return;
    memcpy(b->id, id, 64);
    b->until_ms = p2p_now_ms() + P2P_BAN_MS;
    snprintf(b->reason, sizeof(b->reason), "%s", reason);
    b->next = p->bans;
    p->bans = b;
    p->n_banned++;
    p2p_metrics_banned(b->reason);
    char hex[17];
    for (int i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    hlog(BT_LOG_WARN, "peer banned", "id=%s reason=%s minutes=%u", hex, LOG_Q(b->reason),
         P2P_BAN_MS / 60000);
}

struct p2p_peer *p2p_find_peer(struct p2p *p, uint64_t id)
{
    for (struct p2p_peer *pe = p->peers; pe; pe = pe->next)
        if (pe->id == id && !pe->is_closing)
            return pe;
    return NULL;
}

void p2p_penalise(struct p2p *p, uint64_t peer, const char *reason)
{
    struct p2p_peer *pe = p2p_find_peer(p, peer);
    if (pe)
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, reason);
}

/* --- dialling ------------------------------------------------------------------------------ */

static struct p2p_dialee *find_dialee(struct p2p *p, const uint8_t id[64])
{
    for (struct p2p_dialee *d = p->dialees; d; d = d->next)
        if (memcmp(d->node.id, id, 64) == 0)
            return d;
    return NULL;
}

static int is_connected_to(const struct p2p *p, const uint8_t id[64])
{
    for (const struct p2p_peer *pe = p->peers; pe; pe = pe->next)
        if (!pe->is_closing && memcmp(pe->sess.remote_id, id, 64) == 0)
            return 1;
    return 0;
}

static struct p2p_dialee *add_dialee(struct p2p *p, const struct bts_enode *n)
{
    struct p2p_dialee *d = find_dialee(p, n->id);
    if (d)
        return d;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->node = *n;
    d->backoff_ms = P2P_BACKOFF_MIN_MS;
    d->next = p->dialees;
    p->dialees = d;
    return d;
}

void p2p_offer_node(struct p2p *p, const struct bts_enode *n)
{
    if (n->tcp_port == 0 || memcmp(n->id, p->id, 64) == 0)
        return;
    size_t count = 0;
    for (struct p2p_dialee *d = p->dialees; d; d = d->next)
        count++;
    if (count < 4u * (size_t)p->o.max_peers + 64) /* candidates kept: bounded */
        add_dialee(p, n);
}

static void dial(struct p2p *p, struct p2p_dialee *d, uint64_t now)
{
    d->next_ms = now + d->backoff_ms;
    d->backoff_ms = d->backoff_ms * 2 > P2P_BACKOFF_MAX_MS ? P2P_BACKOFF_MAX_MS : d->backoff_ms * 2;
    if (is_connected_to(p, d->node.id))
        return;
    struct p2p_peer *pe = peer_new(p, -1, &d->node);
    if (!pe) {
        p2p_metrics_dial(0);
        return;
    }
    d->is_pending = 1;
    pe->is_static = d->is_static;
    pe->is_trusted = d->is_trusted;
}

static void dial_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct p2p *p = arg;
    uint64_t now = p2p_now_ms();
    int ratio = p->o.dial_ratio > 0 ? p->o.dial_ratio : 3;
    size_t max_out = (size_t)(p->o.max_peers / ratio);
    if (max_out == 0 && p->o.max_peers > 0)
        max_out = 1;
    for (struct p2p_dialee *d = p->dialees; d; d = d->next) {
        if (d->is_pending || now < d->next_ms || p->n_pending_dials >= P2P_MAX_PENDING_DIALS)
            continue;
        if (is_connected_to(p, d->node.id)) {
            d->backoff_ms = P2P_BACKOFF_MIN_MS; /* connected: reset the backoff */
            continue;
        }
        if (p2p_is_banned(p, d->node.id) && !d->is_trusted)
            continue;
        if (!d->is_static && !d->is_trusted &&
            (p->n_outbound >= max_out || p->n_ready >= (size_t)p->o.max_peers))
            continue;
        dial(p, d, now);
    }
}

bt_status p2p_add_peer(struct p2p *p, const char *url, int is_trusted)
{
    struct bts_enode n;
    if (bts_enode_parse(&n, url, strlen(url)) != BT_OK)
        return BT_EINVAL;
    struct p2p_dialee *d = add_dialee(p, &n);
    if (!d)
        return BT_ENOMEM;
    d->is_static = 1;
    d->is_trusted |= is_trusted;
    d->next_ms = 0;
    d->backoff_ms = P2P_BACKOFF_MIN_MS;
    dial_tick(-1, 0, p);
    return BT_OK;
}

bt_status p2p_remove_peer(struct p2p *p, const char *url, int is_trusted_only)
{
    struct bts_enode n;
    if (bts_enode_parse(&n, url, strlen(url)) != BT_OK)
        return BT_EINVAL;
    for (struct p2p_dialee **dd = &p->dialees; *dd; dd = &(*dd)->next) {
        struct p2p_dialee *d = *dd;
        if (memcmp(d->node.id, n.id, 64) != 0)
            continue;
        if (is_trusted_only) {
            d->is_trusted = 0;
        } else {
            *dd = d->next;
            free(d);
        }
        break;
    }
    for (struct p2p_peer *pe = p->peers; pe; pe = pe->next) {
        if (pe->is_closing || memcmp(pe->sess.remote_id, n.id, 64) != 0)
            continue;
        if (is_trusted_only)
            pe->is_trusted = 0;
        else
            peer_close(pe, BTS_RLPX_DISC_REQUESTED, "removed by admin_removePeer");
    }
    return BT_OK;
}

/* Parse a comma-separated enode list; every entry must parse. */
static bt_status add_list(struct p2p *p, const char *csv, int is_static, int is_trusted,
                          const char *what, char *err, size_t err_cap)
{
    if (!csv)
        return BT_OK;
    const char *s = csv;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        while (n > 0 && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n > 0) {
            struct bts_enode node;
            if (bts_enode_parse(&node, s, n) != BT_OK) {
                snprintf(err, err_cap, "%s: invalid enode URL '%.*s'", what,
                         (int)(n > 200 ? 200 : n), s);
                return BT_EINVAL;
            }
            if (is_static || is_trusted) {
                struct p2p_dialee *d = add_dialee(p, &node);
                if (!d)
                    return BT_ENOMEM;
                d->is_static |= is_static;
                d->is_trusted |= is_trusted;
            }
        }
        if (!e)
            break;
        s = e + 1;
    }
    return BT_OK;
}

/* --- listener ------------------------------------------------------------------------------ */

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int sl,
                      void *arg)
{
    (void)l, (void)sa, (void)sl;
    struct p2p *p = arg;
    /* Connections still in their handshake are bounded too: a flood of TCP connects cannot
     * exhaust memory (each is at most SESS_HANDSHAKE_MAX bytes of input until it proves a key). */
    if (p->n_conns >= 2u * (size_t)p->o.max_peers + 16) {
        evutil_closesocket(fd);
        return;
    }
    peer_new(p, fd, NULL);
}

static bt_status bind_sockets(struct p2p *p, char *err, size_t err_cap, int *out_udp)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    if (inet_pton(AF_INET, p->o.listen_addr, &sin.sin_addr) != 1) {
        snprintf(err, err_cap, "--p2p.addr: '%s' is not an IPv4 address", p->o.listen_addr);
        return BT_EINVAL;
    }
    sin.sin_port = htons((uint16_t)p->o.port);
    p->lis =
        evconnlistener_new_bind(p->base, on_accept, p, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                128, (struct sockaddr *)&sin, sizeof(sin));
    if (!p->lis) {
        int e = errno;
        snprintf(err, err_cap, "p2p: cannot listen on %s:%d: %s", p->o.listen_addr, p->o.port,
                 strerror(e));
        return e == EADDRINUSE ? BT_EBUSY : BT_EIO;
    }
    struct sockaddr_in got;
    socklen_t gl = sizeof(got);
    getsockname(evconnlistener_get_fd(p->lis), (struct sockaddr *)&got, &gl);
    p->port = ntohs(got.sin_port);
    *out_udp = -1;
    if (p->o.is_nodiscover)
        return BT_OK;
    int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sin.sin_port = htons(p->port);
    if (u < 0 || bind(u, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        int e = errno;
        snprintf(err, err_cap, "p2p: cannot bind UDP %s:%u: %s", p->o.listen_addr, p->port,
                 strerror(e));
        if (u >= 0)
            close(u);
        return e == EADDRINUSE ? BT_EBUSY : BT_EIO;
    }
    *out_udp = u;
    return BT_OK;
}

/* Own copies of the option strings (the caller's may be argv or temporary). */
static bt_status copy_opts(struct p2p *p, const struct p2p_opts *o)
{
    p->o = *o;
    const char **fields[] = {&p->o.listen_addr,   &p->o.bootnodes, &p->o.static_nodes,
                             &p->o.trusted_nodes, &p->o.chain,     &p->o.client_id};
    size_t total = 0;
    for (size_t i = 0; i < BTS_ARRAY_SIZE(fields); i++)
        total += *fields[i] ? strlen(*fields[i]) + 1 : 0;
    p->strs = malloc(total + 1);
    if (!p->strs)
        return BT_ENOMEM;
    char *w = p->strs;
    for (size_t i = 0; i < BTS_ARRAY_SIZE(fields); i++) {
        if (!*fields[i])
            continue;
        size_t n = strlen(*fields[i]) + 1;
        memcpy(w, *fields[i], n);
        *fields[i] = w;
        w += n;
    }
    if (!p->o.listen_addr)
        p->o.listen_addr = "0.0.0.0";
    if (p->o.max_peers < 0)
        p->o.max_peers = 0;
    return BT_OK;
}

static bt_status make_enode(struct p2p *p)
{
    struct bts_enode n;
    memset(&n, 0, sizeof(n));
    memcpy(n.id, p->id, 64);
    struct in_addr a;
    if (inet_pton(AF_INET, p->o.listen_addr, &a) != 1 || a.s_addr == htonl(INADDR_ANY))
        a.s_addr = htonl(INADDR_LOOPBACK);
    memcpy(n.ip, &a, 4);
    n.ip_len = 4;
    memcpy(p->ip, &a, 4);
    p->ip_len = 4;
    n.tcp_port = p->port;
    n.udp_port = p->o.is_nodiscover ? 0 : p->port;
    size_t len;
    return bts_enode_format(p->enode, sizeof(p->enode), &len, &n);
}

bt_status p2p_start(struct event_base *base, const struct p2p_opts *o, const uint8_t seckey[32],
                    const struct p2p_chain *chain, const struct p2p_backend *backend,
                    struct rpc_server *rpc, struct p2p **out, char *err, size_t err_cap)
{
    *out = NULL;
    p2p_metrics_init();
    struct p2p *p = calloc(1, sizeof(*p));
    if (!p || copy_opts(p, o) != BT_OK) {
        free(p);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    p->base = base;
    p->chain = *chain;
    p->backend = *backend;
    p->rpc = rpc;
    memcpy(p->seckey, seckey, 32);
    bt_status st = bts_enode_id_from_seckey(p->id, seckey);
    if (st != BT_OK) {
        snprintf(err, err_cap, "p2p: invalid node key");
        p2p_stop(p);
        return st;
    }
    snprintf(p->client_id, sizeof(p->client_id), "%s",
             p->o.client_id ? p->o.client_id : "bttcd/v" BTTCD_VERSION "/linux");
    p->caps[P2P_CAP_ETH] =
        (struct sess_cap){{"eth", BTS_ETH_VERSION}, BTS_ETH_PROTO_LEN, BTS_ETH_MAX_MSG};
    p->caps[P2P_CAP_DLV] = (struct sess_cap){{"dlv", 1}, 1, 0};
    p2p_update_dlv_limit(p);
    p->scfg = (struct sess_cfg){p->seckey, p->id, p->client_id, 0, p->caps, P2P_N_CAPS, p2p_rand};
    int udp = -1;
    st = add_list(p, p->o.static_nodes, 1, 0, "--p2p.static", err, err_cap);
    if (st == BT_OK)
        st = add_list(p, p->o.trusted_nodes, 0, 1, "--p2p.trusted", err, err_cap);
    if (st == BT_OK)
        st = add_list(p, p->o.bootnodes, 0, 0, "--bootnodes", err, err_cap);
    if (st == BT_OK)
        st = bind_sockets(p, err, err_cap, &udp);
    p->scfg.listen_port = p->port;
    if (st == BT_OK)
        st = make_enode(p);
    if (st == BT_OK && udp >= 0)
        st = disc_start(p, udp, &p->disc, err, err_cap);
    else if (udp >= 0)
        close(udp);
    if (st == BT_OK) {
        p->dial_timer = event_new(base, -1, EV_PERSIST, dial_tick, p);
        struct timeval tv = {P2P_DIAL_TICK_MS / 1000, (P2P_DIAL_TICK_MS % 1000) * 1000};
        if (!p->dial_timer || event_add(p->dial_timer, &tv) != 0)
            st = BT_ENOMEM;
    }
    if (st == BT_OK && rpc)
        st = p2p_rpc_register(p);
    if (st != BT_OK) {
        if (!err[0])
            snprintf(err, err_cap, "p2p: %s", bts_status_str(st));
        p2p_stop(p);
        return st;
    }
    char gh[65];
    for (int i = 0; i < 32; i++)
        snprintf(gh + 2 * i, 3, "%02x", p->chain.genesis[i]);
    hlog(BT_LOG_INFO, "p2p started", "enode=%s discovery=%d maxpeers=%d network=%llu genesis=0x%s",
         p->enode, !p->o.is_nodiscover, p->o.max_peers, (unsigned long long)p->chain.network_id,
         gh);
    dial_tick(-1, 0, p);
    *out = p;
    return BT_OK;
}

void p2p_stop(struct p2p *p)
{
    if (!p)
        return;
    while (p->peers) {
        struct p2p_peer *pe = p->peers;
        if (!pe->is_closing) {
            sess_disconnect(&pe->sess, BTS_RLPX_DISC_QUITTING);
            if (pe->sess.out.len && pe->bev) { /* best effort: one write attempt */
                evutil_socket_t fd = bufferevent_getfd(pe->bev);
                if (fd >= 0)
                    (void)!write(fd, pe->sess.out.data, pe->sess.out.len);
            }
        }
        peer_free(pe);
    }
    disc_stop(p->disc);
    if (p->dial_timer)
        event_free(p->dial_timer);
    if (p->lis)
        evconnlistener_free(p->lis);
    while (p->dialees) {
        struct p2p_dialee *d = p->dialees;
        p->dialees = d->next;
        free(d);
    }
    while (p->bans) {
        struct p2p_ban *b = p->bans;
        p->bans = b->next;
        free(b);
    }
    if (p->rpc)
        rpc_drop_owner(p->rpc, p);
    volatile uint8_t *k = p->seckey;
    for (size_t i = 0; i < 32; i++)
        k[i] = 0;
    free(p->strs);
    free(p);
}

const char *p2p_enode(const struct p2p *p)
{
    return p->enode;
}

uint16_t p2p_port(const struct p2p *p)
{
    return p->port;
}

size_t p2p_peer_count(const struct p2p *p)
{
    return p->n_ready;
}
