/* Import (chain_int.h): consensus verify -> the senders recovered on the worker pool (chain_prep.c)
 * -> EVM (block_import_check) with the engine's finalize -> one atomic batch -> pool reset, engine
 * on_head, events. The commit and the engine glue are shared with production (chain_produce.c).
 * Sources: go-ethereum core/blockchain.go (insertChain: verify, process, validate, write). */
#include "chain_priv.h"

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "log_int.h"

/* --- engine glue ----------------------------------------------------------------------------- */

const char *chain_engine_error(const struct chain *c, bt_status st)
{
    const char *m = c->o.engine.error ? c->o.engine.error(c->o.engine.error_arg) : NULL;
    return m && *m ? m : bts_status_str(st);
}

/* The engine's view (struct bt_header) of an in-memory header: its RLP goes into buf, which
 * with h must outlive out. */
bt_status chain_engine_header(const struct bts_header *h, struct bts_buf *buf,
                              struct bt_header *out)
{
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    bts_buf_reset(buf);
    bt_status rc = bts_header_encode(buf, h);
    if (rc != BT_OK)
        return rc;
    hd.h = *h;
    hd.rlp = buf->data;
    hd.rlp_len = buf->len;
    bts_keccak256(hd.hash, buf->data, buf->len);
    chain_bt_header(&hd, out);
    return BT_OK;
}

struct fin_ctx {
    struct chain *c;
    struct state *st;
    const struct bts_header *h;
};

static void value_free(struct bt_value *v)
{
    free(v->opaque);
    v->opaque = NULL;
}

static bt_status op_system_call(void *state, const uint8_t to[20], const uint8_t *data,
                                size_t data_len, uint64_t gas, struct bt_value *output,
                                uint32_t *out_reverted)
{
    struct fin_ctx *f = state;
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.gas = gas;
    tx.has_to = 1;
    memcpy(tx.to.bytes, to, 20);
    tx.data = data;
    tx.data_len = data_len;
    struct bt_address from;
    memset(from.bytes, 0xff, 20);
    from.bytes[19] = 0xfe; /* PROTOCOL.md §3.6: the system address 0xff..fe */
    struct bt_evm_result r;
    char err[256];
    bt_status rc = block_exec_tx(&f->c->bx, f->st, f->h, f->h->coinbase.bytes, &tx, &from,
                                 BT_EVM_F_SYSTEM_CALL, &r, err, sizeof(err));
    if (rc != BT_OK)
        return BT_EIO;
    if (out_reverted)
        *out_reverted = r.outcome != BT_EVM_SUCCESS;
    rc = state_apply(f->st, &r);
    if (output) {
        memset(output, 0, sizeof(*output));
        uint8_t *copy = rc == BT_OK ? malloc(r.output_len ? r.output_len : 1) : NULL;
        if (copy) {
            if (r.output_len)
                memcpy(copy, r.output, r.output_len);
            output->data = copy;
            output->len = r.output_len;
            output->opaque = copy;
            output->release = value_free;
        } else if (rc == BT_OK) {
            rc = BT_ENOMEM;
        }
    }
    if (r.release)
        r.release(&r);
    return rc;
}

static bt_status op_set_code(void *state, const uint8_t addr[20], const uint8_t *code,
                             size_t code_len)
{
    struct fin_ctx *f = state;
    return state_set_code(f->st, addr, code, code_len);
}

static const struct bt_block_state_ops fin_ops = {sizeof(struct bt_block_state_ops), op_system_call,
                                                  op_set_code};

bt_status chain_finalize_cb(void *arg, struct state *st, const struct bts_header *h, char *err,
                            size_t err_cap)
{
    struct chain *c = arg;
    if (!c->o.engine.vt)
        return BT_OK;
    struct bts_buf b = BTS_BUF_INIT;
    struct bt_header bh;
    bt_status rc = chain_engine_header(h, &b, &bh);
    if (rc == BT_OK) {
        struct fin_ctx f = {c, st, h};
        rc = c->o.engine.vt->finalize(c->o.engine.self, &bh, &fin_ops, &f);
        if (rc != BT_OK)
            chain_msg(err, err_cap, "finalize: %s", chain_engine_error(c, rc));
    }
    bts_buf_free(&b);
    return rc;
}

/* The fee recipient: the engine's author of `h` (sealed), else its coinbase. */
bt_status chain_author_of(struct chain *c, const struct bts_header *h, uint8_t out[20])
{
    memcpy(out, h->coinbase.bytes, 20);
    if (!c->o.engine.vt)
        return BT_OK;
    struct bts_buf b = BTS_BUF_INIT;
    struct bt_header bh;
    bt_status rc = chain_engine_header(h, &b, &bh);
    if (rc == BT_OK)
        rc = c->o.engine.vt->author(c->o.engine.self, &bh, out);
    bts_buf_free(&b);
    return rc;
}

/* --- commit ---------------------------------------------------------------------------------- */

/* Write a processed block as the new head (one batch with the trie nodes) and run the after-
 * commit steps. txs_raw: the RLP list of the body's transactions. */
bt_status chain_commit_block(struct chain *c, const struct bts_header *h, const uint8_t *txs_raw,
                             size_t txs_raw_len, const struct bts_tx *txs,
                             const struct bt_address *senders, size_t n_txs,
                             const struct block_receipts *rs, uint8_t out_hash[32], char *err,
                             size_t err_cap)
{
    struct bts_buf hdr = BTS_BUF_INIT, body = BTS_BUF_INIT, rec = BTS_BUF_INIT;
    struct chaindb_batch b = {0};
    const struct stor_op *ops;
    size_t n_ops;
    uint8_t hash[32];
    struct bts_u256 td;
    bts_u256_add(&td, &c->head_td, &h->difficulty);
    bt_status rc = bts_header_encode(&hdr, h);
    if (rc == BT_OK)
        rc = chaindb_body_encode(&body, txs_raw, txs_raw_len, NULL, 0);
    if (rc == BT_OK)
        rc = chaindb_receipts_record(&rec, rs, senders);
    if (rc == BT_OK) {
        bts_keccak256(hash, hdr.data, hdr.len);
        struct chaindb_block blk = {hash,     h->number, hdr.data, hdr.len, body.data, body.len,
                                    rec.data, rec.len,   txs,      n_txs,   &td};
        rc = chaindb_add_block(&b, &blk);
    }
    if (rc == BT_OK)
        rc = chaindb_batch_ops(&b, &ops, &n_ops);
    if (rc == BT_OK) {
        rc = state_commit(c->work, ops, n_ops, c->o.write_flags, NULL);
        if (rc != BT_OK) {
            chain_msg(err, err_cap, "commit: %s", bts_status_str(rc));
            chain_work_reset(c);
        }
    }
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    if (rc == BT_OK) {
        size_t len;
        uint8_t *raw = bts_buf_detach(&hdr, &len);
        /* The block is stored: a failure to keep it in memory re-reads the head instead. */
        if (raw && chaindb_header_decode(&hd, raw, len) == BT_OK) {
            if (out_hash)
                memcpy(out_hash, hash, 32);
            /* The HEAD event from the block in hand, not re-read and re-decoded from the store
             * (a 4,000-transfer block costs milliseconds to decode). The body is a view of the
             * caller's transactions; the receipts are decoded from the record just written. */
            struct chain_body view = {(struct bts_tx *)txs, NULL, n_txs, body.data, body.len};
            struct chain_receipts rcs;
            int has_rcs = 0;
            if (c->n_subs) {
                size_t rec_len;
                uint8_t *rec_raw = bts_buf_detach(&rec, &rec_len);
                has_rcs =
                    rec_raw && chaindb_receipts_decode(&rcs, rec_raw, rec_len, &hd, &view) == BT_OK;
            }
            view.senders = (struct bt_address *)senders;
            chain_after_commit(c, &hd, &td, &view, has_rcs ? &rcs : NULL);
            if (has_rcs)
                chain_receipts_free(&rcs);
        } else {
            rc = BT_ENOMEM;
        }
    }
    bts_buf_free(&hdr);
    bts_buf_free(&body);
    bts_buf_free(&rec);
    chaindb_batch_free(&b);
    return rc;
}

void chain_after_commit(struct chain *c, struct chain_header *hd, const struct bts_u256 *td,
                        const struct chain_body *body, const struct chain_receipts *rcs)
{
    chain_header_free(&c->head);
    c->head = *hd;
    c->head_td = *td;
    struct txpool_head ph;
    chain_pool_head(c, &ph);
    struct txpool_reset_stats rs;
    /* A child of the old head: only its senders' nonces and balances went the pool's way. */
    bt_status prc = body ? txpool_reset_senders(c->pool, &ph, body->senders, body->n_txs, &rs)
                         : txpool_reset(c->pool, &ph, &rs);
    if (prc != BT_OK)
        hlog(BT_LOG_WARN, "txpool reset failed", "number=%llu", (unsigned long long)hd->h.number);
    struct bt_header bh;
    chain_bt_header(&c->head, &bh);
    if (c->o.engine.vt && BT_HAS(struct bt_consensus_vtbl, c->o.engine.vt, on_head) &&
        c->o.engine.vt->on_head)
        c->o.engine.vt->on_head(c->o.engine.self, &bh);
    chain_rejournal_due(c);
    if (c->n_subs && body && rcs) {
        struct chain_event ev = {
            .kind = CHAIN_EV_HEAD, .header = &c->head, .body = body, .receipts = rcs};
        chain_emit(c, &ev);
    } else if (c->n_subs) {
        chain_emit_block(c, CHAIN_EV_HEAD, c->head.hash);
    }
    chain_reschedule(c);
}

void chain_emit_block(struct chain *c, enum chain_event_kind kind, const uint8_t hash[32])
{
    struct chain_header hd;
    struct chain_body body;
    struct chain_receipts rcs;
    int is_head = memcmp(hash, c->head.hash, 32) == 0;
    if (!is_head && chain_header_by_hash(c, hash, &hd) != BT_OK)
        return;
    if (chain_body_by_hash(c, hash, &body) == BT_OK) {
        if (chain_receipts_by_hash(c, hash, &rcs) == BT_OK) {
            /* Senders come with the receipts; the body read above has none. */
            for (size_t i = 0; i < rcs.n && i < body.n_txs; i++)
                body.senders[i] = rcs.r[i].from;
            struct chain_event ev = {
                .kind = kind, .header = is_head ? &c->head : &hd, .body = &body, .receipts = &rcs};
            chain_emit(c, &ev);
            chain_receipts_free(&rcs);
        }
        chain_body_free(&body);
    }
    if (!is_head)
        chain_header_free(&hd);
}

/* --- import ---------------------------------------------------------------------------------- */

static bt_status import_prep(struct chain *c, struct chain_prep *p, int *out_skipped, char *err,
                             size_t err_cap);

bt_status chain_import_prep(struct chain *c, struct chain_prep *p, int *out_skipped, char *err,
                            size_t err_cap)
{
    double t0 = chain_now_ms();
    int skipped = 0;
    bt_status rc = import_prep(c, p, &skipped, err, err_cap);
    if (out_skipped)
        *out_skipped = skipped;
    if (rc == BT_OK && !skipped) {
        double ms = chain_now_ms() - t0;
        c->stats.blocks_imported++;
        c->stats.txs += p->n;
        c->stats.last_block_ms = ms;
        c->stats.total_block_ms += ms;
    } else if (rc == BT_EINVAL) {
        c->stats.blocks_refused++;
    }
    return rc;
}

/* The checks every imported block passes before execution, on the canonical head or on a
 * side branch: the engine verifies the header against `parent` (seal included), the sender
 * recovery started by chain_prep finishes, and the engine names the block's author (who gets
 * the fees). */
bt_status chain_verify_prepared(struct chain *c, struct chain_prep *p,
                                const struct chain_header *parent, uint8_t out_author[20],
                                char *err, size_t err_cap)
{
    const struct bts_header *h = &p->h;
    bt_status rc;
    if (c->o.engine.vt) {
        struct chain_header hd = {
            .h = *h, .rlp = (uint8_t *)p->header_rlp, .rlp_len = p->header_rlp_len};
        memcpy(hd.hash, p->hash, 32);
        struct bt_header bh, bp;
        chain_bt_header(&hd, &bh);
        chain_bt_header(parent, &bp);
        rc = c->o.engine.vt->verify_header(c->o.engine.self, &bh, &bp, BT_VERIFY_SEAL);
        if (rc != BT_OK) {
            chain_msg(err, err_cap, "block %llu: %s", (unsigned long long)h->number,
                      chain_engine_error(c, rc));
            return rc;
        }
    }
    if ((rc = chain_prep_wait(p, err, err_cap)) != BT_OK)
        return rc;
    if ((rc = chain_author_of(c, h, out_author)) != BT_OK)
        chain_msg(err, err_cap, "block %llu: author: %s", (unsigned long long)h->number,
                  chain_engine_error(c, rc));
    return rc;
}

static bt_status import_prep(struct chain *c, struct chain_prep *p, int *out_skipped, char *err,
                             size_t err_cap)
{
    if (out_skipped)
        *out_skipped = 0;
    const struct bts_header *h = &p->h;
    if (p->is_known) {
        if (out_skipped)
            *out_skipped = 1;
        return BT_OK;
    }
    /* Not on the head: a side block, perhaps a reorg (chain_reorg.c). */
    if (h->number != c->head.h.number + 1 || memcmp(h->parent_hash.bytes, c->head.hash, 32) != 0)
        return chain_import_side(c, p, out_skipped, err, err_cap);
    if (p->has_uncles) {
        chain_msg(err, err_cap, "block %llu: uncles not allowed", (unsigned long long)h->number);
        return BT_EINVAL;
    }
    bt_status rc;
    uint8_t to[20];
    if ((rc = chain_verify_prepared(c, p, &c->head, to, err, err_cap)) != BT_OK)
        return rc;
    struct block_receipts rs = {0};
    c->bx.finalize = chain_finalize_cb;
    c->bx.finalize_arg = c;
    rc = block_import_check(&c->bx, c->work, h, to, p->txs, p->senders, p->n, &rs, err, err_cap);
    if (rc != BT_OK) {
        chain_work_reset(c); /* the working state saw part of the block: rebuild it */
        return rc;
    }
    rc = chain_commit_block(c, h, p->txs_raw, p->txs_raw_len, p->txs, p->senders, p->n, &rs, NULL,
                            err, err_cap);
    block_receipts_free(&rs);
    return rc;
}

bt_status chain_import(struct chain *c, const uint8_t *rlp, size_t rlp_len, int *out_skipped,
                       char *err, size_t err_cap)
{
    if (out_skipped)
        *out_skipped = 0;
    struct chain_prep p;
    bt_status rc = chain_prep_start(c, rlp, rlp_len, 0, &p, err, err_cap);
    if (rc != BT_OK)
        return rc;
    rc = chain_import_prep(c, &p, out_skipped, err, err_cap);
    chain_prep_free(&p);
    return rc;
}
