/* Discovery v4 over UDP on the p2p port (ethereum/devp2p discv4.md; go-ethereum
 * p2p/discover/v4_udp.go for the bonding rules): Ping/Pong with the endpoint proof (a node
 * enters the table only after answering our Ping; FindNode is answered only to nodes that did),
 * FindNode/Neighbors for iterative lookups (alpha 3), expiry checks on every packet, table
 * refresh with a random target every 30 s and revalidation of the oldest entry every 5 s
 * (a node that stops answering is removed). Verified nodes are offered to the dialer. */
#include "p2p_priv.h"
#include "table_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bts/discv4.h>
#include <event2/event.h>

#include "log_int.h"

#define DISC_EXPIRE_S      20                  /* expiration we write into packets */
#define DISC_REPLY_MS      1000                /* how long we wait for a Pong or Neighbors */
#define DISC_BOND_MS       (24u * 3600 * 1000) /* go-ethereum bondExpiration */
#define DISC_TICK_MS       250
#define DISC_REFRESH_MS    30000
#define DISC_REVALIDATE_MS 5000
#define DISC_ALPHA         3
#define DISC_PENDING       512
#define DISC_BONDS         2048
#define DISC_NEIGHBORS_PER 12 /* per packet, to stay under 1280 bytes (go-ethereum: 12) */
#define DISC_MAX_BOOT      32

struct pending {
    int type;         /* BTS_DISCV4_PONG or BTS_DISCV4_NEIGHBORS expected; 0: free slot */
    uint8_t id[64];   /* from whom */
    uint8_t hash[32]; /* the Ping's hash (Pong) */
    uint64_t deadline_ms;
    struct bts_enode n; /* the node pinged */
    int is_revalidation;
};

struct bond {
    uint8_t id[64];
    uint64_t pong_rx_ms, ping_rx_ms, ping_tx_ms;
};

struct disc {
    struct p2p *p;
    int fd;
    struct event *ev_read, *ev_tick;
    struct table tab;
    struct pending pend[DISC_PENDING];
    struct bond bonds[DISC_BONDS];
    size_t n_bonds, next_bond;
    struct bts_enode boot[DISC_MAX_BOOT];
    size_t n_boot;
    uint8_t target[64]; /* current lookup */
    uint8_t asked[64][64];
    size_t n_asked;
    uint64_t lookup_until_ms, next_refresh_ms, next_revalidate_ms;
};

static uint64_t now_s(void)
{
    return (uint64_t)time(NULL);
}

static struct bond *bond_of(struct disc *d, const uint8_t id[64], int create)
{
    for (size_t i = 0; i < d->n_bonds; i++)
        if (memcmp(d->bonds[i].id, id, 64) == 0)
            return &d->bonds[i];
    if (!create)
        return NULL;
    struct bond *b;
    if (d->n_bonds < DISC_BONDS) {
        b = &d->bonds[d->n_bonds++];
    } else {
        b = &d->bonds[d->next_bond]; /* full: recycle round-robin */
        d->next_bond = (d->next_bond + 1) % DISC_BONDS;
    }
    memset(b, 0, sizeof(*b));
    memcpy(b->id, id, 64);
    return b;
}

static int is_bonded(struct disc *d, const uint8_t id[64], uint64_t now)
{
    struct bond *b = bond_of(d, id, 0);
    return b && b->pong_rx_ms && now - b->pong_rx_ms < DISC_BOND_MS;
}

static void ep_of(struct bts_discv4_endpoint *ep, const struct bts_enode *n)
{
    memset(ep, 0, sizeof(*ep));
    memcpy(ep->ip, n->ip, n->ip_len);
    ep->ip_len = n->ip_len;
    ep->udp_port = n->udp_port;
    ep->tcp_port = n->tcp_port;
}

static void send_to(struct disc *d, const struct bts_enode *to, struct bts_discv4_packet *pk,
                    uint8_t out_hash[32])
{
    if (to->ip_len != 4 || to->udp_port == 0)
        return; /* the socket is IPv4 */
    pk->expiration = now_s() + DISC_EXPIRE_S;
    struct bts_buf b;
    bts_buf_init(&b);
    if (bts_discv4_encode(&b, out_hash, d->p->seckey, pk) == BT_OK) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons(to->udp_port);
        memcpy(&sin.sin_addr, to->ip, 4);
        (void)sendto(d->fd, b.data, b.len, 0, (struct sockaddr *)&sin, sizeof(sin));
    }
    bts_buf_free(&b);
}

static struct pending *pend_slot(struct disc *d, uint64_t now)
{
    struct pending *oldest = &d->pend[0];
    for (size_t i = 0; i < DISC_PENDING; i++) {
        if (!d->pend[i].type || d->pend[i].deadline_ms < now)
            return &d->pend[i];
        if (d->pend[i].deadline_ms < oldest->deadline_ms)
            oldest = &d->pend[i];
    }
    return oldest;
}

static int ping_pending(const struct disc *d, const uint8_t id[64])
{
    for (size_t i = 0; i < DISC_PENDING; i++)
        if (d->pend[i].type == BTS_DISCV4_PONG && memcmp(d->pend[i].id, id, 64) == 0)
            return 1;
    return 0;
}

static void ping(struct disc *d, const struct bts_enode *n, int is_revalidation)
{
    uint64_t now = p2p_now_ms();
    if (ping_pending(d, n->id) || memcmp(n->id, d->p->id, 64) == 0)
        return;
    struct bts_discv4_packet pk;
    memset(&pk, 0, sizeof(pk));
    pk.type = BTS_DISCV4_PING;
    pk.u.ping.version = BTS_DISCV4_VERSION;
    memcpy(pk.u.ping.from.ip, d->p->ip, d->p->ip_len);
    pk.u.ping.from.ip_len = d->p->ip_len;
    pk.u.ping.from.udp_port = d->p->port;
    pk.u.ping.from.tcp_port = d->p->port;
    ep_of(&pk.u.ping.to, n);
    struct pending *pe = pend_slot(d, now);
    memset(pe, 0, sizeof(*pe));
    send_to(d, n, &pk, pe->hash);
    pe->type = BTS_DISCV4_PONG;
    memcpy(pe->id, n->id, 64);
    pe->deadline_ms = now + DISC_REPLY_MS;
    pe->n = *n;
    pe->is_revalidation = is_revalidation;
    bond_of(d, n->id, 1)->ping_tx_ms = now;
}

static void findnode(struct disc *d, const struct bts_enode *n, const uint8_t target[64])
{
    uint64_t now = p2p_now_ms();
    struct bts_discv4_packet pk;
    memset(&pk, 0, sizeof(pk));
    pk.type = BTS_DISCV4_FINDNODE;
    memcpy(pk.u.findnode.target, target, 64);
    struct pending *pe = pend_slot(d, now);
    memset(pe, 0, sizeof(*pe));
    send_to(d, n, &pk, NULL);
    pe->type = BTS_DISCV4_NEIGHBORS;
    memcpy(pe->id, n->id, 64);
    pe->deadline_ms = now + DISC_REPLY_MS;
    pe->n = *n;
}

/* The sender's endpoint as we saw it, with the TCP port it announced. */
static void node_from(struct bts_enode *n, const uint8_t id[64], const struct sockaddr_in *sa,
                      uint16_t tcp_port)
{
    memset(n, 0, sizeof(*n));
    memcpy(n->id, id, 64);
    memcpy(n->ip, &sa->sin_addr, 4);
    n->ip_len = 4;
    n->udp_port = ntohs(sa->sin_port);
    n->tcp_port = tcp_port;
}

static void on_ping(struct disc *d, const struct bts_discv4_packet *pk,
                    const struct sockaddr_in *sa)
{
    uint64_t now = p2p_now_ms();
    struct bts_enode from;
    node_from(&from, pk->node_id, sa, pk->u.ping.from.tcp_port);
    struct bts_discv4_packet r;
    memset(&r, 0, sizeof(r));
    r.type = BTS_DISCV4_PONG;
    ep_of(&r.u.pong.to, &from);
    memcpy(r.u.pong.ping_hash, pk->hash, 32);
    send_to(d, &from, &r, NULL);
    struct bond *b = bond_of(d, pk->node_id, 1);
    b->ping_rx_ms = now;
    if (!is_bonded(d, pk->node_id, now))
        ping(d, &from, 0); /* prove its endpoint before it can enter the table */
}

static void on_pong(struct disc *d, const struct bts_discv4_packet *pk,
                    const struct sockaddr_in *sa)
{
    uint64_t now = p2p_now_ms();
    for (size_t i = 0; i < DISC_PENDING; i++) {
        struct pending *pe = &d->pend[i];
        if (pe->type != BTS_DISCV4_PONG || memcmp(pe->id, pk->node_id, 64) != 0 ||
            memcmp(pe->hash, pk->u.pong.ping_hash, 32) != 0)
            continue;
        struct bts_enode n;
        node_from(&n, pk->node_id, sa, pe->n.tcp_port);
        pe->type = 0;
        bond_of(d, pk->node_id, 1)->pong_rx_ms = now;
        if (table_add(&d->tab, &n, now) == 1)
            hlog(BT_LOG_DEBUG, "discovery: node added", "addr=%u.%u.%u.%u:%u table=%zu", n.ip[0],
                 n.ip[1], n.ip[2], n.ip[3], n.udp_port, table_size(&d->tab));
        p2p_offer_node(d->p, &n);
        return;
    }
}

static void on_findnode(struct disc *d, const struct bts_discv4_packet *pk,
                        const struct sockaddr_in *sa)
{
    uint64_t now = p2p_now_ms();
    if (!is_bonded(d, pk->node_id, now))
        return; /* endpoint not proven: no amplification for a spoofed source */
    struct bts_enode to, close[TABLE_BUCKET_SIZE];
    node_from(&to, pk->node_id, sa, 0);
    size_t n = table_closest(&d->tab, pk->u.findnode.target, close, TABLE_BUCKET_SIZE);
    for (size_t off = 0; off < n || off == 0; off += DISC_NEIGHBORS_PER) {
        struct bts_discv4_packet r;
        memset(&r, 0, sizeof(r));
        r.type = BTS_DISCV4_NEIGHBORS;
        for (size_t i = off; i < n && i < off + DISC_NEIGHBORS_PER; i++) {
            struct bts_discv4_node *o = &r.u.neighbors.nodes[r.u.neighbors.n_nodes++];
            ep_of(&o->ep, &close[i]);
            memcpy(o->id, close[i].id, 64);
        }
        send_to(d, &to, &r, NULL);
        if (n == 0)
            break;
    }
}

static void on_neighbors(struct disc *d, const struct bts_discv4_packet *pk)
{
    uint64_t now = p2p_now_ms();
    int solicited = 0;
    for (size_t i = 0; i < DISC_PENDING && !solicited; i++) {
        if (d->pend[i].type == BTS_DISCV4_NEIGHBORS && d->pend[i].deadline_ms >= now &&
            memcmp(d->pend[i].id, pk->node_id, 64) == 0)
            solicited = 1; /* stays until the deadline: neighbors may come in several packets */
    }
    if (!solicited)
        return;
    for (size_t i = 0; i < pk->u.neighbors.n_nodes; i++) {
        const struct bts_discv4_node *o = &pk->u.neighbors.nodes[i];
        if (o->ep.ip_len != 4 || o->ep.udp_port == 0 || memcmp(o->id, d->p->id, 64) == 0)
            continue;
        if (table_find(&d->tab, o->id))
            continue;
        struct bts_enode n;
        memset(&n, 0, sizeof(n));
        memcpy(n.id, o->id, 64);
        memcpy(n.ip, o->ep.ip, 4);
        n.ip_len = 4;
        n.udp_port = o->ep.udp_port;
        n.tcp_port = o->ep.tcp_port;
        ping(d, &n, 0);
    }
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct disc *d = arg;
    for (int k = 0; k < 64; k++) { /* bounded per wakeup: the loop serves the rest */
        uint8_t buf[BTS_DISCV4_MAX_PACKET + 1];
        struct sockaddr_in sa;
        socklen_t sl = sizeof(sa);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl);
        if (n < 0)
            return;
        if (sa.sin_family != AF_INET || (size_t)n > BTS_DISCV4_MAX_PACKET)
            continue;
        struct bts_discv4_packet pk;
        if (bts_discv4_decode(&pk, buf, (size_t)n) != BT_OK)
            continue;
        if (pk.type != BTS_DISCV4_ENR_RESPONSE && bts_discv4_is_expired(pk.expiration, now_s()))
            continue;
        if (memcmp(pk.node_id, d->p->id, 64) == 0)
            continue;
        switch (pk.type) {
        case BTS_DISCV4_PING:
            on_ping(d, &pk, &sa);
            break;
        case BTS_DISCV4_PONG:
            on_pong(d, &pk, &sa);
            break;
        case BTS_DISCV4_FINDNODE:
            on_findnode(d, &pk, &sa);
            break;
        case BTS_DISCV4_NEIGHBORS:
            on_neighbors(d, &pk);
            break;
        default:
            break; /* ENR request/response: not served (EIP-868 is optional) */
        }
    }
}

static int was_asked(const struct disc *d, const uint8_t id[64])
{
    for (size_t i = 0; i < d->n_asked; i++)
        if (memcmp(d->asked[i], id, 64) == 0)
            return 1;
    return 0;
}

static void lookup_start(struct disc *d, const uint8_t target[64], uint64_t now)
{
    memcpy(d->target, target, 64);
    d->n_asked = 0;
    d->lookup_until_ms = now + 5000;
}

/* One lookup step: ask the closest nodes not asked yet (alpha of them) that are bonded. */
static void lookup_step(struct disc *d, uint64_t now)
{
    if (now > d->lookup_until_ms)
        return;
    size_t inflight = 0;
    for (size_t i = 0; i < DISC_PENDING; i++)
        inflight += d->pend[i].type == BTS_DISCV4_NEIGHBORS && d->pend[i].deadline_ms >= now;
    struct bts_enode close[TABLE_BUCKET_SIZE];
    size_t n = table_closest(&d->tab, d->target, close, TABLE_BUCKET_SIZE);
    for (size_t i = 0; i < n && inflight < DISC_ALPHA && d->n_asked < 64; i++) {
        if (was_asked(d, close[i].id))
            continue;
        /* The remote answers FindNode only if it has seen us answer its Ping (go-ethereum
         * ensureBond): without a Ping from it, ping it and give it a moment to ping back. */
        struct bond *b = bond_of(d, close[i].id, 1);
        if (!(b->ping_rx_ms && now - b->ping_rx_ms < DISC_BOND_MS)) {
            if (!b->ping_tx_ms || now - b->ping_tx_ms > DISC_BOND_MS) {
                ping(d, &close[i], 0);
                continue;
            }
            if (now - b->ping_tx_ms < DISC_REPLY_MS / 2)
                continue;
        }
        memcpy(d->asked[d->n_asked++], close[i].id, 64);
        findnode(d, &close[i], d->target);
        inflight++;
    }
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct disc *d = arg;
    uint64_t now = p2p_now_ms();
    for (size_t i = 0; i < DISC_PENDING; i++) {
        struct pending *pe = &d->pend[i];
        if (!pe->type || pe->deadline_ms >= now)
            continue;
        if (pe->type == BTS_DISCV4_PONG && pe->is_revalidation && table_remove(&d->tab, pe->id))
            hlog(BT_LOG_DEBUG, "discovery: node expired", "table=%zu", table_size(&d->tab));
        pe->type = 0;
    }
    if (now >= d->next_refresh_ms) {
        d->next_refresh_ms = now + DISC_REFRESH_MS;
        for (size_t i = 0; i < d->n_boot; i++)
            if (!table_find(&d->tab, d->boot[i].id))
                ping(d, &d->boot[i], 0);
        uint8_t target[64];
        if (table_size(&d->tab) < 4)
            memcpy(target, d->p->id, 64); /* self lookup fills the nearby buckets first */
        else
            p2p_rand(target, 64);
        lookup_start(d, target, now);
    }
    if (now >= d->next_revalidate_ms) {
        d->next_revalidate_ms = now + DISC_REVALIDATE_MS;
        uint32_t pick;
        p2p_rand(&pick, sizeof(pick));
        struct table_entry *e = table_to_check(&d->tab, pick);
        if (e && now - e->checked_ms > DISC_REVALIDATE_MS) {
            e->checked_ms = now;
            ping(d, &e->n, 1);
        }
    }
    lookup_step(d, now);
}

static bt_status parse_boot(struct disc *d, const char *csv)
{
    for (const char *s = csv; s && *s;) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        while (n > 0 && *s == ' ')
            s++, n--;
        while (n > 0 && s[n - 1] == ' ')
            n--;
        if (n > 0 && d->n_boot < DISC_MAX_BOOT) {
            struct bts_enode node;
            if (bts_enode_parse(&node, s, n) != BT_OK)
                return BT_EINVAL;
            d->boot[d->n_boot++] = node;
        }
        s = e ? e + 1 : NULL;
    }
    return BT_OK;
}

bt_status disc_start(struct p2p *p, int fd, struct disc **out, char *err, size_t err_cap)
{
    *out = NULL;
    struct disc *d = calloc(1, sizeof(*d));
    if (!d) {
        close(fd);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    d->p = p;
    d->fd = fd;
    table_init(&d->tab, p->id);
    if (parse_boot(d, p->o.bootnodes) != BT_OK) {
        snprintf(err, err_cap, "--bootnodes: invalid enode URL");
        disc_stop(d);
        return BT_EINVAL;
    }
    d->ev_read = event_new(p->base, fd, EV_READ | EV_PERSIST, on_read, d);
    d->ev_tick = event_new(p->base, -1, EV_PERSIST, on_tick, d);
    struct timeval tv = {0, DISC_TICK_MS * 1000};
    if (!d->ev_read || !d->ev_tick || event_add(d->ev_read, NULL) != 0 ||
        event_add(d->ev_tick, &tv) != 0) {
        snprintf(err, err_cap, "out of memory");
        disc_stop(d);
        return BT_ENOMEM;
    }
    *out = d;
    return BT_OK;
}

void disc_stop(struct disc *d)
{
    if (!d)
        return;
    if (d->ev_read)
        event_free(d->ev_read);
    if (d->ev_tick)
        event_free(d->ev_tick);
    if (d->fd >= 0)
        close(d->fd);
    free(d);
}

size_t disc_table_size(const struct disc *d)
{
    return d ? table_size(&d->tab) : 0;
}

size_t disc_nodes(const struct disc *d, struct bts_enode *out, size_t cap)
{
    size_t k = 0;
    for (size_t b = 0; d && b < TABLE_BUCKETS; b++)
        for (size_t i = 0; i < d->tab.count[b] && k < cap; i++)
            out[k++] = d->tab.b[b][i].n;
    return k;
}

int disc_has_node(const struct disc *d, const uint8_t id[64])
{
    return d && table_find((struct table *)&d->tab, id) != NULL;
}
