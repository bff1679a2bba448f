/* Helpers of the in-process p2p suites: nodes on one event base on loopback, run until a
 * condition holds (or a deadline passes), and an in-memory chain backend of synthetic
 * headers. */
#ifndef BTTCD_P2P_TESTLIB_H
#define BTTCD_P2P_TESTLIB_H

#include <bts/test.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include <bts/enode.h>
#include <bts/keccak.h>

#include "p2p_priv.h"

struct tnode {
    struct p2p *p;
    uint8_t key[32];
    struct p2p_chain chain;
    struct p2p_backend *be;
};

static inline void tnode_key(struct tnode *t, uint8_t seed)
{
    memset(t->key, seed, 32);
    t->key[31] ^= 0x5a;
}

/* Start a node on a free loopback port with the dev chain (unless t->chain is set). */
static inline bt_status tnode_start(struct event_base *base, struct tnode *t, uint8_t seed,
                                    const struct p2p_opts *o_in, const struct p2p_backend *be)
{
    struct p2p_opts o;
    if (o_in) {
        o = *o_in;
    } else {
        p2p_opts_default(&o);
        o.is_nodiscover = 1;
    }
    o.listen_addr = "127.0.0.1";
    o.port = 0;
    tnode_key(t, seed);
    char err[256] = "";
    if (t->chain.network_id == 0) {
        struct bts_buf h;
        bts_buf_init(&h);
        CU_ASSERT_EQUAL_FATAL(p2p_chain_load("dev", &t->chain, &h, err, sizeof(err)), BT_OK);
        t->be = p2p_genesis_backend_new(t->chain.genesis, h.data, h.len);
        bts_buf_free(&h);
    }
    bt_status st =
        p2p_start(base, &o, t->key, &t->chain, be ? be : t->be, NULL, &t->p, err, sizeof(err));
    if (st != BT_OK)
        fprintf(stderr, "tnode_start: %s\n", err);
    return st;
}

static inline void tnode_stop(struct tnode *t)
{
    p2p_stop(t->p);
    t->p = NULL;
    p2p_genesis_backend_free(t->be);
    t->be = NULL;
}

static void tick_noop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what, (void)arg;
}

/* Run the loop until cond(arg) or ms milliseconds. Returns cond's last answer. */
static inline int run_until(struct event_base *base, int (*cond)(void *), void *arg, int ms)
{
    struct event *ev = event_new(base, -1, EV_PERSIST, tick_noop, NULL);
    struct timeval tv = {0, 10000};
    event_add(ev, &tv);
    uint64_t end = p2p_now_ms() + (uint64_t)ms;
    int ok = 0;
    while (!(ok = cond(arg)) && p2p_now_ms() < end)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(ev);
    return ok;
}

static inline struct p2p_peer *first_peer(struct p2p *p)
{
    for (struct p2p_peer *pe = p->peers; pe; pe = pe->next)
        if (!pe->is_closing)
            return pe;
    return NULL;
}

/* --- in-memory chain: headers [number, parent-hash, "hdr"] ------------------------------- */

#define MEMCHAIN_N 200

struct memchain {
    struct p2p_backend b;
    uint8_t *hdr[MEMCHAIN_N];
    size_t hdr_len[MEMCHAIN_N];
    uint8_t hash[MEMCHAIN_N][32];
    /* responses received (the requesting side) */
    int last_code;
    uint64_t last_req;
    size_t last_count;
    uint64_t numbers[64];
    size_t n_numbers;
    size_t n_txs;
};

static inline void mc_head(void *self, struct p2p_head *out)
{
    struct memchain *m = self;
    memset(out, 0, sizeof(*out));
    out->number = MEMCHAIN_N - 1;
    memcpy(out->hash, m->hash[MEMCHAIN_N - 1], 32);
    out->td[31] = MEMCHAIN_N;
}

static inline bt_status mc_by_number(void *self, uint64_t n, struct bts_buf *out)
{
    struct memchain *m = self;
    if (n >= MEMCHAIN_N)
        return BT_ENOTFOUND;
    return bts_buf_append(out, m->hdr[n], m->hdr_len[n]);
}

static inline bt_status mc_by_hash(void *self, const uint8_t h[32], struct bts_buf *out,
                                   uint64_t *num)
{
    struct memchain *m = self;
    for (size_t i = 0; i < MEMCHAIN_N; i++) {
        if (memcmp(m->hash[i], h, 32) == 0) {
            *num = i;
            return bts_buf_append(out, m->hdr[i], m->hdr_len[i]);
        }
    }
    return BT_ENOTFOUND;
}

static inline bt_status mc_body(void *self, const uint8_t h[32], struct bts_buf *out)
{
    uint64_t n;
    struct bts_buf tmp;
    bts_buf_init(&tmp);
    bt_status st = mc_by_hash(self, h, &tmp, &n);
    bts_buf_free(&tmp);
    if (st != BT_OK)
        return st;
    /* [[legacy tx [n]], []] */
    const uint8_t body[5] = {0xc4, 0xc2, 0xc1, (uint8_t)(n < 0x80 && n ? n : 0x80), 0xc0};
    return bts_buf_append(out, body, 5);
}

static inline bt_status mc_receipts(void *self, const uint8_t h[32], struct bts_buf *out)
{
    uint64_t n;
    struct bts_buf tmp;
    bts_buf_init(&tmp);
    bt_status st = mc_by_hash(self, h, &tmp, &n);
    bts_buf_free(&tmp);
    if (st != BT_OK)
        return st;
    static const uint8_t r[] = {0xc0};
    return bts_buf_append(out, r, 1);
}

/* The pool holds one transaction, under the hash of block 5 (any 32 bytes do). */
static inline bt_status mc_pooled(void *self, const uint8_t h[32], struct bts_buf *out)
{
    struct memchain *m = self;
    static const uint8_t tx[] = {0xc1, 0x05};
    if (memcmp(h, m->hash[5], 32) != 0)
        return BT_ENOTFOUND;
    return bts_buf_append(out, tx, sizeof(tx));
}

static inline void mc_response(void *self, uint64_t peer, int code, const struct bts_eth_list *l)
{
    (void)peer;
    struct memchain *m = self;
    m->last_code = code;
    m->last_req = l->req_id;
    m->last_count = l->count;
    m->n_numbers = 0;
    if (code != BTS_ETH_BLOCK_HEADERS)
        return;
    struct bts_rlp_iter it, hi;
    struct bts_rlp_item h, f;
    bts_rlp_iter_init(&it, &l->list);
    while (m->n_numbers < 64 && bts_rlp_iter_next(&it, &h) == BT_OK) {
        bts_rlp_iter_init(&hi, &h);
        uint64_t v = UINT64_MAX;
        if (bts_rlp_iter_next(&hi, &f) == BT_OK && bts_rlp_item_u64(&f, &v) == BT_OK)
            m->numbers[m->n_numbers++] = v;
    }
}

static inline bt_status mc_on_tx(void *self, uint64_t peer, const uint8_t *tx, size_t len)
{
    (void)peer, (void)tx, (void)len;
    ((struct memchain *)self)->n_txs++;
    return BT_OK;
}

static inline struct memchain *memchain_new(void)
{
    struct memchain *m = calloc(1, sizeof(*m));
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    uint8_t parent[32] = {0};
    for (size_t i = 0; i < MEMCHAIN_N; i++) {
        struct bts_buf b;
        bts_buf_init(&b);
        size_t mark;
        CU_ASSERT_FATAL(
            bts_rlp_list_begin(&b, &mark) == BT_OK && bts_rlp_encode_u64(&b, i) == BT_OK &&
            bts_rlp_encode_bytes(&b, parent, 32) == BT_OK &&
            bts_rlp_encode_bytes(&b, "hdr", 3) == BT_OK && bts_rlp_list_end(&b, mark) == BT_OK);
        bts_keccak256(m->hash[i], b.data, b.len);
        memcpy(parent, m->hash[i], 32);
        m->hdr[i] = bts_buf_detach(&b, &m->hdr_len[i]);
    }
    m->b = (struct p2p_backend){m,           mc_head,     mc_by_number, mc_by_hash, mc_body,
                                mc_receipts, mc_pooled,   NULL,         mc_on_tx,   NULL,
                                NULL,        mc_response, NULL,         NULL};
    return m;
}

static inline void memchain_free(struct memchain *m)
{
    for (size_t i = 0; i < MEMCHAIN_N; i++)
        free(m->hdr[i]);
    free(m);
}

#endif /* BTTCD_P2P_TESTLIB_H */
