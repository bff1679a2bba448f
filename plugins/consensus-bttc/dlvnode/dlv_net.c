/* The node's dlv/1 topics (formats in dlv_node.h): consensus messages with their precommit
 * extensions, block parts, mempool gossip and block sync (request/response). */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "dlv_store.h"

const char *const dlv_topic_names[DLV_TOPIC_N] = {"dlv/cons", "dlv/part", "dlv/tx", "dlv/sync"};
const size_t dlv_topic_max[DLV_TOPIC_N] = {BFT_WIRE_MAX, 44 + DLV_PART_SIZE, DLV_TX_MAX,
                                           2 * DLV_BLOCK_MAX};

bt_status dlv_net_encode_vote(struct dlv_node *n, const struct bft_msg *m, struct bts_buf *b)
{
    static const uint8_t zero[32];
    uint8_t out[BFT_WIRE_MAX];
    size_t len;
    const struct dlv_blob *x = NULL;
    if (memcmp(m->ext_hash, zero, 32) != 0 && !(x = dlv_blob_find(n, m->ext_hash)))
        return BT_ENOTFOUND; /* a blob we never had: cannot relay that vote */
    bt_status st = bft_msg_encode_ext(m, x ? x->p : NULL, x ? x->len : 0, out, sizeof out, &len);
    if (st == BT_OK)
        st = bts_buf_append(b, out, len);
    return st;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void dlv_net_send_parts(struct dlv_node *n, const struct dlv_cand *c)
{
    size_t total = (c->len + DLV_PART_SIZE - 1) / DLV_PART_SIZE;
    uint8_t *m = malloc(44 + DLV_PART_SIZE);
    if (!m || total == 0 || total > 0xffff) {
        free(m);
        return;
    }
    for (size_t i = 0; i < total; i++) {
        size_t off = i * DLV_PART_SIZE;
        size_t len = c->len - off < DLV_PART_SIZE ? c->len - off : DLV_PART_SIZE;
        memcpy(m, c->hash, 32);
        for (int k = 0; k < 8; k++)
            m[32 + k] = (uint8_t)(c->height >> (56 - 8 * k));
        put16(m + 40, (uint16_t)i);
        put16(m + 42, (uint16_t)total);
        memcpy(m + 44, c->p + off, len);
        (void)n->env.send(n->env.self, DLV_TOPIC_PART, DLV_PEER_ALL, m, 44 + len);
    }
    free(m);
}

static void on_part(struct dlv_node *n, const uint8_t *msg, size_t len)
{
    if (len <= 44)
        return;
    uint64_t h = dlv_get_be64(msg + 32);
    size_t idx = (size_t)msg[40] << 8 | msg[41], total = (size_t)msg[42] << 8 | msg[43];
    size_t dl = len - 44;
    if (h != n->height + 1 || total == 0 || idx >= total || total > DLV_BLOCK_MAX / DLV_PART_SIZE ||
        (idx + 1 < total && dl != DLV_PART_SIZE) || dlv_cand_find(n, msg))
        return;
    struct dlv_parts *p = NULL, *old = &n->parts[0];
    for (size_t i = 0; i < DLV_MAX_PARTS && !p; i++) {
        if (n->parts[i].buf && !memcmp(n->parts[i].hash, msg, 32))
            p = &n->parts[i];
        else if (n->parts[i].last_ms < old->last_ms)
            old = &n->parts[i];
    }
    if (p && p->total != total)
        return;
    if (!p) { /* start a new one in the least recently used slot */
        p = old;
        free(p->have);
        free(p->buf);
        memset(p, 0, sizeof *p);
        p->have = calloc(total, 1);
        p->buf = malloc(total * DLV_PART_SIZE);
        if (!p->have || !p->buf) {
            free(p->have);
            free(p->buf);
            memset(p, 0, sizeof *p);
            return;
        }
        memcpy(p->hash, msg, 32);
        p->height = h;
        p->total = (uint16_t)total;
    }
    p->last_ms = n->env.now_ms(n->env.self) + 1;
    if (p->have[idx])
        return;
    p->have[idx] = 1;
    p->got++;
    memcpy(p->buf + idx * DLV_PART_SIZE, msg + 44, dl);
    if (idx + 1 == total)
        p->last_len = dl;
    if (p->got < p->total)
        return;
    size_t blen = (total - 1) * DLV_PART_SIZE + p->last_len;
    uint8_t hash[32];
    bts_keccak256(hash, p->buf, blen);
    if (!memcmp(hash, p->hash, 32)) {
        dlv_cand_add(n, h, hash, p->buf, blen);
        free(p->have);
        free(p->buf);
        memset(p, 0, sizeof *p);
        dlv_node_block_ready(n, hash);
    } else { /* someone sent a bad part: start over */
        free(p->have);
        free(p->buf);
        memset(p, 0, sizeof *p);
    }
}

void dlv_net_sync_request(struct dlv_node *n, uint64_t peer, uint64_t height)
{
    struct bts_buf b;
    size_t mark;
    uint64_t now = n->env.now_ms(n->env.self);
    if (n->sync_req_ms && now < n->sync_req_ms + 300)
        return; /* one question at a time is plenty */
    n->sync_req_ms = now;
    bts_buf_init(&b);
    if (bts_rlp_list_begin(&b, &mark) == BT_OK && bts_rlp_encode_u64(&b, 1) == BT_OK &&
        bts_rlp_encode_u64(&b, height) == BT_OK && bts_rlp_list_end(&b, mark) == BT_OK)
        (void)n->env.send(n->env.self, DLV_TOPIC_SYNC, peer, b.data, b.len);
    bts_buf_free(&b);
}

void dlv_net_sync_serve(struct dlv_node *n, uint64_t peer, uint64_t height)
{
    uint8_t *blk, *cert;
    size_t bl, cl;
    struct bts_buf b;
    size_t mark;
    if (height == 0 || height > n->height ||
        dlv_node_block(n, height, &blk, &bl, &cert, &cl) != BT_OK)
        return;
    bts_buf_init(&b);
    if (bts_rlp_list_begin(&b, &mark) == BT_OK && bts_rlp_encode_u64(&b, 2) == BT_OK &&
        bts_rlp_encode_u64(&b, height) == BT_OK && bts_rlp_encode_bytes(&b, blk, bl) == BT_OK &&
        bts_rlp_encode_raw(&b, cert, cl) == BT_OK && bts_rlp_list_end(&b, mark) == BT_OK)
        (void)n->env.send(n->env.self, DLV_TOPIC_SYNC, peer, b.data, b.len);
    bts_buf_free(&b);
    free(blk);
    free(cert);
}

/* A committed block and its certificate from a peer: decide our height with it. */
static void on_sync_answer(struct dlv_node *n, uint64_t peer, uint64_t h, const uint8_t *blk,
                           size_t bl, const struct bts_rlp_item *cert)
{
    uint8_t hash[32];
    struct bft_msg *votes;
    size_t nv = 0, pos = 0, len;
    const uint8_t *p;
    if (h != n->height + 1 || !cert->is_list)
        return;
    bts_keccak256(hash, blk, bl);
    votes = calloc(BFT_MAX_VALIDATORS, sizeof *votes);
    if (!votes)
        return;
    while (nv < BFT_MAX_VALIDATORS &&
           dlv_list_next(cert->payload, cert->payload_len, &pos, &p, &len) == BT_OK) {
        const uint8_t *ext;
        size_t el;
        if (bft_msg_decode_ext(&votes[nv], p, len, &ext, &el) != BT_OK ||
            memcmp(votes[nv].value, hash, 32) != 0)
            goto out;
        if (el)
            dlv_blob_add(n, h, votes[nv].ext_hash, ext, el);
        nv++;
    }
    /* The certificate decides first (the engine checks it); only a block it names is kept,
     * so answers from a lying peer cannot push real candidates out of the cache. */
    if (n->e) {
        struct bft_actions out = {.n = 0};
        if (bft_engine_on_commit_cert(n->e, votes, nv, &out) == BT_OK)
            dlv_node_run(n, &out); /* COMMIT without the block: a pending commit */
    }
    if (n->pend_commit && n->pend_h == h && !memcmp(n->pend_v, hash, 32)) {
        dlv_cand_add(n, h, hash, blk, bl);
        dlv_node_block_ready(n, hash);
    }
    if (n->height == h) /* committed: next_height asks this peer for the next one */
        n->sync_peer = peer;
out:
    free(votes);
}

static void on_sync(struct dlv_node *n, uint64_t peer, const uint8_t *msg, size_t len)
{
    struct bts_rlp_item top, a, b, c, d;
    struct bts_rlp_iter it;
    uint64_t kind, h;
    const uint8_t *blk;
    size_t bl;
    if (bts_rlp_decode_max_depth(&top, msg, len, 3) != BT_OK || !top.is_list)
        return;
    bts_rlp_iter_init(&it, &top);
    if (bts_rlp_iter_next(&it, &a) != BT_OK || bts_rlp_item_u64(&a, &kind) != BT_OK ||
        bts_rlp_iter_next(&it, &b) != BT_OK || bts_rlp_item_u64(&b, &h) != BT_OK)
        return;
    if (kind == 1 && bts_rlp_iter_next(&it, &c) == BT_ENOTFOUND)
        dlv_net_sync_serve(n, peer, h);
    else if (kind == 2 && bts_rlp_iter_next(&it, &c) == BT_OK &&
             bts_rlp_item_bytes(&c, &blk, &bl) == BT_OK && bts_rlp_iter_next(&it, &d) == BT_OK)
        on_sync_answer(n, peer, h, blk, bl, &d);
}

static void on_cons(struct dlv_node *n, uint64_t peer, const uint8_t *msg, size_t len)
{
    struct bft_msg m;
    const uint8_t *ext;
    size_t el;
    if (bft_msg_decode_ext(&m, msg, len, &ext, &el) != BT_OK)
        return;
    if (n->env.metric)
        n->env.metric(n->env.self, DLV_METRIC_VOTES, 1);
    if (m.height > n->peer_top)
        n->peer_top = m.height;
    if (m.height > n->height + 1) { /* others are ahead: ask for what we lack */
        dlv_net_sync_request(n, peer, n->height + 1);
        return;
    }
    if (el)
        dlv_blob_add(n, m.height, m.ext_hash, ext, el);
    if (!n->e) {
        if (n->pend_commit) /* decided, block still missing: keep asking (rate-limited) */
            dlv_net_sync_request(n, peer, n->pend_h);
        return;
    }
    struct bft_actions out = {.n = 0};
    n->cur_peer = peer;
    (void)bft_engine_on_message(n->e, &m, &out);
    dlv_node_run(n, &out);
    n->cur_peer = 0;
}

static void on_tx(struct dlv_node *n, const uint8_t *tx, size_t len)
{
    bt_status st = dlv_node_submit_tx(n, tx, len); /* known or refused txs die here */
    (void)st;
}

bt_status dlv_node_submit_tx(struct dlv_node *n, const uint8_t *tx, size_t len)
{
    uint8_t h[32];
    if (!n->started)
        return BT_EIO;
    if (len == 0 || len > DLV_TX_MAX)
        return BT_EINVAL;
    bts_keccak256(h, tx, len);
    if (dlv_mempool_has(&n->mp, h))
        return BT_EEXIST;
    bt_status st = n->app.check_tx(n->app.self, tx, len);
    if (st != BT_OK)
        return st;
    st = dlv_mempool_add(&n->mp, tx, len);
    if (st != BT_OK)
        return st;
    if (n->env.metric)
        n->env.metric(n->env.self, DLV_METRIC_MEMPOOL, (double)n->mp.n);
    (void)n->env.send(n->env.self, DLV_TOPIC_TX, DLV_PEER_ALL, tx, len);
    return BT_OK;
}

void dlv_node_on_topic(struct dlv_node *n, enum dlv_topic t, uint64_t peer, const uint8_t *msg,
                       size_t len)
{
    if (!n->started || n->halted || len > dlv_topic_max[t])
        return;
    switch (t) {
    case DLV_TOPIC_CONS:
        on_cons(n, peer, msg, len);
        break;
    case DLV_TOPIC_PART:
        on_part(n, msg, len);
        break;
    case DLV_TOPIC_TX:
        on_tx(n, msg, len);
        break;
    case DLV_TOPIC_SYNC:
        on_sync(n, peer, msg, len);
        break;
    }
}
