/* Blocks that do not extend the head (chain_int.h, chain_import): a block whose parent is
 * stored but is not the head is executed on its parent's state and stored as a side block with
 * its total difficulty; when that TD is greater than the head's (ties keep the head, as geth's
 * fork choice does) the canonical chain switches to its branch. The new block's records and
 * trie nodes, the rewritten canonical entries, the transaction lookups of both branches and the
 * head go out as ONE storage batch: a crash leaves the old chain or the new one, whole.
 * Afterwards: the txpool re-takes the dropped transactions that the new branch does not carry,
 * the engine hears of the new head, subscribers get one REORG event, the dropped blocks
 * (REMOVED: their logs are reported with removed: true) and the new branch's blocks (HEAD), in
 * ascending order.
 *
 * State of side blocks: trie nodes are never pruned (state_commit only PUTs, nothing deletes
 * stor_ns_state keys), so every stored block's state root stays readable and a side block's
 * parent state is always there.
 *
 * Sources: go-ethereum core/blockchain.go (writeBlockWithState: TD comparison; reorg: common
 * ancestor, rewritten canonical entries and lookups, deleted logs, "Chain reorg detected";
 * core/txpool reset: dropped transactions re-injected). */
#include "chain_priv.h"

#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>

#include "log_int.h"

static void hex32(char out[67], const uint8_t h[32])
{
    size_t n;
    if (bts_hex_encode(out, 67, &n, h, 32, BTS_HEX_0X) != BT_OK)
        out[0] = '\0';
}

/* --- BLOCKHASH on a side branch -------------------------------------------------------------- */

struct side_ctx {
    struct chain *c;
    uint64_t parent_number;
    uint8_t parent_hash[32];
};

static int is_canonical(struct chain *c, uint64_t number, const uint8_t hash[32])
{
    uint8_t have[32];
    return chain_canonical_hash(c, number, have) == BT_OK && memcmp(have, hash, 32) == 0;
}

/* The ancestors of a side block: walk its branch back until it meets the canonical chain,
 * which answers from there. */
static bt_status side_block_hash(void *arg, uint64_t number, uint8_t out_hash[32])
{
    struct side_ctx *s = arg;
    if (number > s->parent_number)
        return BT_ENOTFOUND;
    uint8_t h[32];
    uint64_t n = s->parent_number;
    memcpy(h, s->parent_hash, 32);
    for (;;) {
        if (is_canonical(s->c, n, h))
            return chain_canonical_hash(s->c, number, out_hash);
        if (n == number) {
            memcpy(out_hash, h, 32);
            return BT_OK;
        }
        struct chain_header hd;
        bt_status rc = chain_header_by_hash(s->c, h, &hd);
        if (rc != BT_OK)
            return rc;
        memcpy(h, hd.h.parent_hash.bytes, 32);
        chain_header_free(&hd);
        n--;
    }
}

/* --- the two branches ------------------------------------------------------------------------ */

/* A block of either branch. The new block itself has no stored body: txs point at the
 * prepared ones. */
struct branch_blk {
    uint8_t hash[32];
    uint64_t number;
    struct chain_body body; /* stored blocks */
    const struct bts_tx *txs;
    size_t n_txs;
};

struct reorg {
    struct branch_blk *added; /* ascending; the last is the new block */
    size_t n_added;
    struct branch_blk *dropped; /* ascending: ancestor + 1 .. old head */
    size_t n_dropped;
    uint64_t ancestor;
    struct bt_hash *added_txs; /* sorted hashes of the new branch's transactions */
    size_t n_added_txs;
    size_t n_dropped_txs;
};

static void reorg_free(struct reorg *r)
{
    for (size_t i = 0; i < r->n_added; i++)
        chain_body_free(&r->added[i].body);
    for (size_t i = 0; i < r->n_dropped; i++)
        chain_body_free(&r->dropped[i].body);
    free(r->added);
    free(r->dropped);
    free(r->added_txs);
    memset(r, 0, sizeof(*r));
}

static int hash_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

static int in_new_branch(const struct reorg *r, const uint8_t hash[32])
{
    return r->n_added_txs && bsearch(hash, r->added_txs, r->n_added_txs, 32, hash_cmp) != NULL;
}

/* Find the branch of the new block back to the canonical chain (at most CHAIN_REORG_MAX_DEPTH
 * blocks) and the canonical blocks above the common ancestor.
 * Returns: BT_OK; BT_ERANGE (deeper than the limit); storage errors; BT_ENOMEM. */
static bt_status reorg_plan(struct chain *c, const struct chain_prep *p,
                            const struct chain_header *parent, struct reorg *r)
{
    memset(r, 0, sizeof(*r));
    size_t cap = CHAIN_REORG_MAX_DEPTH + 1;
    if (!(r->added = calloc(cap, sizeof(*r->added))))
        return BT_ENOMEM;
    /* Walk back from the new block, newest first; reversed below. */
    struct branch_blk *b = &r->added[r->n_added++];
    memcpy(b->hash, p->hash, 32);
    b->number = p->h.number;
    b->txs = p->txs;
    b->n_txs = p->n;
    uint8_t h[32];
    memcpy(h, parent->hash, 32);
    uint64_t n = parent->h.number;
    bt_status rc = BT_OK;
    while (!is_canonical(c, n, h)) {
        if (r->n_added == cap)
            return BT_ERANGE;
        b = &r->added[r->n_added++];
        memcpy(b->hash, h, 32);
        b->number = n;
        struct chain_header hd;
        if ((rc = chain_body_by_hash(c, h, &b->body)) != BT_OK ||
            (rc = chain_header_by_hash(c, h, &hd)) != BT_OK)
            return rc;
        b->txs = b->body.txs;
        b->n_txs = b->body.n_txs;
        memcpy(h, hd.h.parent_hash.bytes, 32);
        chain_header_free(&hd);
        n--;
    }
    r->ancestor = n;
    for (size_t i = 0; i < r->n_added / 2; i++) {
        struct branch_blk t = r->added[i];
        r->added[i] = r->added[r->n_added - 1 - i];
        r->added[r->n_added - 1 - i] = t;
    }
    uint64_t depth = c->head.h.number - r->ancestor;
    if (depth > CHAIN_REORG_MAX_DEPTH)
        return BT_ERANGE;
    if (depth && !(r->dropped = calloc(depth, sizeof(*r->dropped))))
        return BT_ENOMEM;
    for (uint64_t k = r->ancestor + 1; k <= c->head.h.number; k++) {
        b = &r->dropped[r->n_dropped++];
        b->number = k;
        if ((rc = chain_canonical_hash(c, k, b->hash)) != BT_OK ||
            (rc = chain_body_by_hash(c, b->hash, &b->body)) != BT_OK)
            return rc;
        b->txs = b->body.txs;
        b->n_txs = b->body.n_txs;
        r->n_dropped_txs += b->n_txs;
    }
    size_t n_txs = 0;
    for (size_t i = 0; i < r->n_added; i++)
        n_txs += r->added[i].n_txs;
    if (n_txs && !(r->added_txs = malloc(n_txs * sizeof(*r->added_txs))))
        return BT_ENOMEM;
    for (size_t i = 0; i < r->n_added; i++)
        for (size_t k = 0; k < r->added[i].n_txs; k++)
            r->added_txs[r->n_added_txs++] = r->added[i].txs[k].hash;
    if (r->n_added_txs)
        qsort(r->added_txs, r->n_added_txs, 32, hash_cmp);
    return BT_OK;
}

/* The canonical part of the batch: entries and lookups of the new branch, the old entries above
 * the new head and the lookups of dropped transactions the new branch does not carry, the
 * head. */
static bt_status reorg_batch(struct chain *c, const struct reorg *r, struct chaindb_batch *b)
{
    uint8_t k[CHAINDB_KEY_MAX];
    bt_status rc = BT_OK;
    for (size_t i = 0; rc == BT_OK && i < r->n_dropped; i++) {
        const struct branch_blk *d = &r->dropped[i];
        for (size_t t = 0; rc == BT_OK && t < d->n_txs; t++)
            if (!in_new_branch(r, d->txs[t].hash.bytes))
                rc = chaindb_del(b, k, chaindb_key_hash(k, CHAINDB_LOOKUP, d->txs[t].hash.bytes));
    }
    const struct branch_blk *top = &r->added[r->n_added - 1];
    for (uint64_t n = top->number + 1; rc == BT_OK && n <= c->head.h.number; n++)
        rc = chaindb_del(b, k, chaindb_key_number(k, n));
    for (size_t i = 0; rc == BT_OK && i < r->n_added; i++)
        rc = chaindb_add_canonical(b, r->added[i].number, r->added[i].hash, r->added[i].txs,
                                   r->added[i].n_txs);
    return rc == BT_OK ? chaindb_put(b, chaindb_key_head, 1, top->hash, 32) : rc;
}

/* --- after the commit ------------------------------------------------------------------------ */

/* The dropped transactions that the new branch does not carry go back into the pool, oldest
 * block first (so each sender's nonces arrive in order). Returns how many it took. */
static size_t reinject(struct chain *c, const struct reorg *r)
{
    size_t n = 0;
    struct bts_buf raw = BTS_BUF_INIT;
    txpool_journal_hold(c->pool); /* one journal write for the lot */
    for (size_t i = 0; i < r->n_dropped; i++) {
        const struct branch_blk *d = &r->dropped[i];
        for (size_t t = 0; t < d->n_txs; t++) {
            if (in_new_branch(r, d->txs[t].hash.bytes))
                continue;
            bts_buf_reset(&raw);
            struct txpool_added a;
            if (bts_tx_encode(&raw, &d->txs[t]) != BT_OK ||
                txpool_add(c->pool, raw.data, raw.len, &a) != BT_OK)
                continue; /* no longer valid on the new chain (or out of memory) */
            n++;
            const struct txpool_tx *pt = a.is_pending ? txpool_get(c->pool, a.hash.bytes) : NULL;
            if (pt) {
                struct chain_event ev = {.kind = CHAIN_EV_PENDING_TX, .tx = pt};
                chain_emit(c, &ev);
            }
        }
    }
    bts_buf_free(&raw);
    if (txpool_journal_release(c->pool) != BT_OK)
        hlog(BT_LOG_WARN, "txpool journal write failed", "reinjected=%zu", n);
    return n;
}

static void reorg_after(struct chain *c, struct chain_header *hd, const struct bts_u256 *td,
                        const struct reorg *r)
{
    uint64_t old_number = c->head.h.number;
    struct bt_hash old_hash;
    memcpy(old_hash.bytes, c->head.hash, 32);
    chain_header_free(&c->head);
    c->head = *hd;
    c->head_td = *td;
    if (chain_work_reset(c) != BT_OK)
        hlog(BT_LOG_ERROR, "chain reorg: cannot open the new head state", "number=%llu",
             (unsigned long long)c->head.h.number);
    struct txpool_head ph;
    chain_pool_head(c, &ph);
    if (txpool_reset(c->pool, &ph, NULL) != BT_OK)
        hlog(BT_LOG_WARN, "txpool reset failed", "number=%llu",
             (unsigned long long)c->head.h.number);
    size_t back = reinject(c, r);
    chain_rejournal_due(c);
    char oh[67], nh[67];
    hex32(oh, old_hash.bytes);
    hex32(nh, c->head.hash);
    /* geth: "Chain reorg detected" at Info, Warn from a depth of 64 on (never here: refused). */
    hlog(BT_LOG_INFO, "chain reorg",
         "number=%llu hash=%s old_number=%llu old_hash=%s ancestor=%llu depth=%llu drop=%zu "
         "add=%zu drop_txs=%zu add_txs=%zu reinjected=%zu",
         (unsigned long long)c->head.h.number, nh, (unsigned long long)old_number, oh,
         (unsigned long long)r->ancestor, (unsigned long long)(old_number - r->ancestor),
         r->n_dropped, r->n_added, r->n_dropped_txs, r->n_added_txs, back);
    c->stats.reorgs++;
    struct bt_header bh;
    chain_bt_header(&c->head, &bh);
    if (c->o.engine.vt && BT_HAS(struct bt_consensus_vtbl, c->o.engine.vt, on_head) &&
        c->o.engine.vt->on_head)
        c->o.engine.vt->on_head(c->o.engine.self, &bh);
    if (c->n_subs) {
        struct chain_event ev = {.kind = CHAIN_EV_REORG,
                                 .header = &c->head,
                                 .old_number = old_number,
                                 .old_hash = old_hash,
                                 .ancestor_number = r->ancestor};
        chain_emit(c, &ev);
        for (size_t i = 0; i < r->n_dropped; i++)
            chain_emit_block(c, CHAIN_EV_REMOVED, r->dropped[i].hash);
        for (size_t i = 0; i < r->n_added; i++)
            chain_emit_block(c, CHAIN_EV_HEAD, r->added[i].hash);
    }
    chain_reschedule(c);
}

/* --- import ---------------------------------------------------------------------------------- */

/* Records of the new block (and, for a reorg, the canonical rewrite) with the side state's
 * nodes, one batch; then the after-commit steps. */
static bt_status side_commit(struct chain *c, const struct chain_prep *p, struct state *st,
                             const struct block_receipts *rs, const struct bts_u256 *td,
                             const struct reorg *r, char *err, size_t err_cap)
{
    struct bts_buf hdr = BTS_BUF_INIT, body = BTS_BUF_INIT, rec = BTS_BUF_INIT;
    struct chaindb_batch b = {0};
    const struct stor_op *ops;
    size_t n_ops;
    bt_status rc = bts_header_encode(&hdr, &p->h);
    if (rc == BT_OK)
        rc = chaindb_body_encode(&body, p->txs_raw, p->txs_raw_len, NULL, 0);
    if (rc == BT_OK)
        rc = chaindb_receipts_record(&rec, rs, p->senders);
    if (rc == BT_OK) {
        struct chaindb_block blk = {p->hash,  p->h.number, hdr.data, hdr.len, body.data, body.len,
                                    rec.data, rec.len,     p->txs,   p->n,    td};
        rc = chaindb_add_records(&b, &blk);
    }
    if (rc == BT_OK && r)
        rc = reorg_batch(c, r, &b);
    if (rc == BT_OK)
        rc = chaindb_batch_ops(&b, &ops, &n_ops);
    if (rc == BT_OK) {
        if (c->fail_next_write) {
            c->fail_next_write = 0;
            rc = BT_EIO; /* test hook: the storage refused the batch, nothing was written */
        } else {
            rc = state_commit(st, ops, n_ops, c->o.write_flags, NULL);
        }
        if (rc != BT_OK)
            chain_msg(err, err_cap, "commit: %s", bts_status_str(rc));
    }
    struct chain_header hd;
    if (rc == BT_OK && r) {
        size_t len;
        uint8_t *raw = bts_buf_detach(&hdr, &len);
        if (raw && chaindb_header_decode(&hd, raw, len) == BT_OK)
            reorg_after(c, &hd, td, r);
        else
            rc = BT_ENOMEM; /* stored; the next open reads the head back */
    }
    bts_buf_free(&hdr);
    bts_buf_free(&body);
    bts_buf_free(&rec);
    chaindb_batch_free(&b);
    return rc;
}

bt_status chain_import_side(struct chain *c, struct chain_prep *p, int *out_skipped, char *err,
                            size_t err_cap)
{
    const struct bts_header *h = &p->h;
    struct bts_u256 td;
    if (chain_td(c, p->hash, &td) == BT_OK) {
        *out_skipped = 1; /* a side block stored before */
        return BT_OK;
    }
    struct chain_header parent;
    bt_status rc = chain_header_by_hash(c, h->parent_hash.bytes, &parent);
    if (rc == BT_ENOTFOUND) {
        char ph[67];
        hex32(ph, h->parent_hash.bytes);
        chain_msg(err, err_cap, "unknown ancestor (block %llu, parent %s, head %llu)",
                  (unsigned long long)h->number, ph, (unsigned long long)c->head.h.number);
        return BT_ENOTFOUND;
    }
    if (rc != BT_OK) {
        chain_msg(err, err_cap, "block %llu: reading the parent: %s", (unsigned long long)h->number,
                  bts_status_str(rc));
        return rc;
    }
    struct state *st = NULL;
    struct block_receipts rs = {0};
    struct reorg r;
    memset(&r, 0, sizeof(r));
    struct bts_u256 ptd;
    if (parent.h.number + 1 != h->number) {
        chain_msg(err, err_cap, "block %llu: invalid number (parent %llu)",
                  (unsigned long long)h->number, (unsigned long long)parent.h.number);
        rc = BT_EINVAL;
        goto out;
    }
    if (p->has_uncles) {
        chain_msg(err, err_cap, "block %llu: uncles not allowed", (unsigned long long)h->number);
        rc = BT_EINVAL;
        goto out;
    }
    if ((rc = chain_td(c, parent.hash, &ptd)) != BT_OK) {
        chain_msg(err, err_cap, "block %llu: no total difficulty of the parent: %s",
                  (unsigned long long)h->number, bts_status_str(rc));
        goto out;
    }
    uint8_t to[20];
    if ((rc = chain_verify_prepared(c, p, &parent, to, err, err_cap)) != BT_OK)
        goto out;
    /* The parent's state: its trie nodes were written with it and are never pruned. */
    struct side_ctx sc = {c, parent.h.number, {0}};
    memcpy(sc.parent_hash, parent.hash, 32);
    if ((rc = state_new(&st, c->o.s, parent.h.state_root.bytes)) != BT_OK)
        goto out;
    state_set_block_hash_fn(st, side_block_hash, &sc);
    c->bx.finalize = chain_finalize_cb;
    c->bx.finalize_arg = c;
    if ((rc = block_import_check(&c->bx, st, h, to, p->txs, p->senders, p->n, &rs, err, err_cap)) !=
        BT_OK)
        goto out;
    bts_u256_add(&td, &ptd, &h->difficulty);
    int is_heavier = bts_u256_gt(&td, &c->head_td);
    if (is_heavier) {
        rc = reorg_plan(c, p, &parent, &r);
        if (rc == BT_ERANGE) {
            char nh[67];
            hex32(nh, p->hash);
            hlog(BT_LOG_WARN, "chain reorg refused: too deep, keeping the head",
                 "number=%llu hash=%s head=%llu limit=%d", (unsigned long long)h->number, nh,
                 (unsigned long long)c->head.h.number, CHAIN_REORG_MAX_DEPTH);
            is_heavier = 0;
        } else if (rc != BT_OK) {
            chain_msg(err, err_cap, "block %llu: reorg: %s", (unsigned long long)h->number,
                      bts_status_str(rc));
            goto out;
        }
    }
    rc = side_commit(c, p, st, &rs, &td, is_heavier ? &r : NULL, err, err_cap);
    if (rc == BT_OK && !is_heavier) {
        char nh[67];
        hex32(nh, p->hash);
        hlog(BT_LOG_DEBUG, "side block stored", "number=%llu hash=%s head=%llu",
             (unsigned long long)h->number, nh, (unsigned long long)c->head.h.number);
    }
out:
    reorg_free(&r);
    block_receipts_free(&rs);
    state_free(st);
    chain_header_free(&parent);
    return rc;
}
