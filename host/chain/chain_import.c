/* Import and production (chain_int.h): consensus verify -> sender recovery on the worker pool ->
 * EVM (block_import_check / block_process) with the engine's finalize -> one atomic batch ->
 * pool reset, engine on_head, events; production takes the pool's transactions in price-and-nonce
 * order and seals through the engine.
 * Sources: go-ethereum core/blockchain.go (insertChain: verify, process, validate, write),
 * miner/worker.go (commitTransactions: skip a failing sender, stop at the gas limit),
 * consensus/misc/eip1559 (CalcBaseFee). */
#include "chain_priv.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/trie.h>

#include "log_int.h"
#include "loop_int.h"
#include "workers_int.h"

/* keccak(rlp([])): the uncle hash of every block we produce. */
static const uint8_t empty_uncle_hash[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

/* --- engine glue ----------------------------------------------------------------------------- */

static const char *engine_error(const struct chain *c, bt_status st)
{
    const char *m = c->o.engine.error ? c->o.engine.error(c->o.engine.error_arg) : NULL;
    return m && *m ? m : bts_status_str(st);
}

/* A struct chain_header view of an in-memory header (rlp in buf). */
static bt_status header_view(const struct bts_header *h, struct bts_buf *buf,
                             struct chain_header *out)
{
    memset(out, 0, sizeof(*out));
    bts_buf_reset(buf);
    bt_status rc = bts_header_encode(buf, h);
    if (rc != BT_OK)
        return rc;
    out->h = *h;
    out->rlp = buf->data;
    out->rlp_len = buf->len;
    bts_keccak256(out->hash, buf->data, buf->len);
    return BT_OK;
}

struct fin_ctx {
    struct chain *c;
    struct state *st;
    const struct bts_header *h;
};

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
    if (output)
        memset(output, 0, sizeof(*output)); /* the output is not kept (callers ignore it) */
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

static bt_status finalize_cb(void *arg, struct state *st, const struct bts_header *h, char *err,
                             size_t err_cap)
{
    struct chain *c = arg;
    if (!c->o.engine.vt)
        return BT_OK;
    struct bts_buf b = BTS_BUF_INIT;
    struct chain_header hd;
    bt_status rc = header_view(h, &b, &hd);
    if (rc == BT_OK) {
        struct bt_header bh;
        chain_bt_header(&hd, &bh);
        struct fin_ctx f = {c, st, h};
        rc = c->o.engine.vt->finalize(c->o.engine.self, &bh, &fin_ops, &f);
        if (rc != BT_OK)
            chain_msg(err, err_cap, "finalize: %s", engine_error(c, rc));
    }
    bts_buf_free(&b);
    return rc;
}

/* The fee recipient: the engine's author of `h` (sealed), else its coinbase. */
static bt_status author_of(struct chain *c, const struct bts_header *h, uint8_t out[20])
{
    memcpy(out, h->coinbase.bytes, 20);
    if (!c->o.engine.vt)
        return BT_OK;
    struct bts_buf b = BTS_BUF_INIT;
    struct chain_header hd;
    bt_status rc = header_view(h, &b, &hd);
    if (rc == BT_OK) {
        struct bt_header bh;
        chain_bt_header(&hd, &bh);
        rc = c->o.engine.vt->author(c->o.engine.self, &bh, out);
    }
    bts_buf_free(&b);
    return rc;
}

/* --- commit ---------------------------------------------------------------------------------- */

/* Write a processed block as the new head (one batch with the trie nodes) and run the after-
 * commit steps. txs_raw: the RLP list of the body's transactions. */
static bt_status commit_block(struct chain *c, const struct bts_header *h, const uint8_t *txs_raw,
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
            chain_after_commit(c, &hd, &td);
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

void chain_after_commit(struct chain *c, struct chain_header *hd, const struct bts_u256 *td)
{
    chain_header_free(&c->head);
    c->head = *hd;
    c->head_td = *td;
    struct txpool_head ph;
    chain_pool_head(c, &ph);
    struct txpool_reset_stats rs;
    if (txpool_reset(c->pool, &ph, &rs) != BT_OK)
        hlog(BT_LOG_WARN, "txpool reset failed", "number=%llu", (unsigned long long)hd->h.number);
    struct bt_header bh;
    chain_bt_header(&c->head, &bh);
    if (c->o.engine.vt && BT_HAS(struct bt_consensus_vtbl, c->o.engine.vt, on_head) &&
        c->o.engine.vt->on_head)
        c->o.engine.vt->on_head(c->o.engine.self, &bh);
    if (c->n_subs) {
        struct chain_body body;
        struct chain_receipts rcs;
        if (chain_body_by_hash(c, c->head.hash, &body) == BT_OK) {
            if (chain_receipts_by_hash(c, c->head.hash, &rcs) == BT_OK) {
                /* Senders come with the receipts; the body read above has none. */
                for (size_t i = 0; i < rcs.n && i < body.n_txs; i++)
                    body.senders[i] = rcs.r[i].from;
                struct chain_event ev = {
                    .kind = CHAIN_EV_HEAD, .header = &c->head, .body = &body, .receipts = &rcs};
                chain_emit(c, &ev);
                chain_receipts_free(&rcs);
            }
            chain_body_free(&body);
        }
    }
    chain_reschedule(c);
}

/* --- import ---------------------------------------------------------------------------------- */

bt_status chain_import_prep(struct chain *c, struct chain_prep *p, int *out_skipped, char *err,
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
    if (h->number != c->head.h.number + 1 || memcmp(h->parent_hash.bytes, c->head.hash, 32) != 0) {
        chain_msg(err, err_cap, "unknown ancestor (block %llu, head %llu)",
                  (unsigned long long)h->number, (unsigned long long)c->head.h.number);
        return BT_ENOTFOUND;
    }
    if (p->has_uncles) {
        chain_msg(err, err_cap, "block %llu: uncles not allowed", (unsigned long long)h->number);
        return BT_EINVAL;
    }
    bt_status rc;
    if (c->o.engine.vt) {
        struct chain_header hd = {
            .h = *h, .rlp = (uint8_t *)p->header_rlp, .rlp_len = p->header_rlp_len};
        memcpy(hd.hash, p->hash, 32);
        struct bt_header bh, bp;
        chain_bt_header(&hd, &bh);
        chain_bt_header(&c->head, &bp);
        rc = c->o.engine.vt->verify_header(c->o.engine.self, &bh, &bp, BT_VERIFY_SEAL);
        if (rc != BT_OK) {
            chain_msg(err, err_cap, "block %llu: %s", (unsigned long long)h->number,
                      engine_error(c, rc));
            return rc;
        }
    }
    if ((rc = chain_prep_wait(p, err, err_cap)) != BT_OK)
        return rc;
    uint8_t to[20];
    if ((rc = author_of(c, h, to)) != BT_OK) {
        chain_msg(err, err_cap, "block %llu: author: %s", (unsigned long long)h->number,
                  engine_error(c, rc));
        return rc;
    }
    struct block_receipts rs = {0};
    c->bx.finalize = finalize_cb;
    c->bx.finalize_arg = c;
    rc = block_import_check(&c->bx, c->work, h, to, p->txs, p->senders, p->n, &rs, err, err_cap);
    if (rc != BT_OK) {
        chain_work_reset(c); /* the working state saw part of the block: rebuild it */
        return rc;
    }
    rc = commit_block(c, h, p->txs_raw, p->txs_raw_len, p->txs, p->senders, p->n, &rs, NULL, err,
                      err_cap);
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

/* --- production ------------------------------------------------------------------------------ */

/* EIP-1559 base fee of the child of `p` (elasticity 2, denominator 8); the first London block
 * takes the initial 1 gwei. */
static struct bts_u256 next_base_fee(const struct bts_header *p, int parent_london)
{
    if (!parent_london)
        return bts_u256_from_u64(1000000000);
    uint64_t target = p->gas_limit / 2;
    struct bts_u256 fee = p->base_fee, d, t, q;
    if (p->gas_used == target || target == 0)
        return fee;
    uint64_t diff = p->gas_used > target ? p->gas_used - target : target - p->gas_used;
    struct bts_u256 dv = bts_u256_from_u64(diff), tv = bts_u256_from_u64(target * 8);
    bts_u256_mul(&t, &fee, &dv);
    bts_u256_div(&q, &t, &tv);
    if (p->gas_used > target) {
        struct bts_u256 one = bts_u256_from_u64(1);
        d = bts_u256_lt(&q, &one) ? one : q;
        bts_u256_add(&fee, &fee, &d);
    } else {
        if (bts_u256_lt(&fee, &q))
            fee = bts_u256_from_u64(0);
        else
            bts_u256_sub(&fee, &fee, &q);
    }
    return fee;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The pool's pending transactions that fit the gas limit, best first. */
struct pick {
    struct bts_tx *txs;
    struct bt_address *senders;
    size_t n, cap;
};

static bt_status pick_add(struct pick *p, const struct txpool_tx *t)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        struct bts_tx *x = realloc(p->txs, cap * sizeof(*x));
        if (!x)
            return BT_ENOMEM;
        p->txs = x;
        struct bt_address *s = realloc(p->senders, cap * sizeof(*s));
        if (!s)
            return BT_ENOMEM;
        p->senders = s;
        p->cap = cap;
    }
    p->txs[p->n] = t->tx;
    p->senders[p->n++] = t->from;
    return BT_OK;
}

static bt_status pick_txs(struct chain *c, uint64_t gas_limit, struct pick *p)
{
    struct txpool_iter *it;
    bt_status rc = txpool_iter_new(&it, c->pool);
    if (rc != BT_OK)
        return rc;
    uint64_t gas = 0;
    const struct txpool_tx *t;
    while (rc == BT_OK && (t = txpool_iter_peek(it)) != NULL) {
        if (t->tx.gas > gas_limit - gas) {
            txpool_iter_pop(it);
            continue;
        }
        gas += t->tx.gas;
        rc = pick_add(p, t);
        txpool_iter_shift(it);
    }
    txpool_iter_free(it);
    return rc;
}

/* Drop transaction `bad` and every later one of the same sender (their nonces now gap). */
static void pick_drop(struct pick *p, size_t bad)
{
    struct bt_address who = p->senders[bad];
    size_t w = bad;
    for (size_t r = bad; r < p->n; r++) {
        if (memcmp(p->senders[r].bytes, who.bytes, 20) == 0)
            continue;
        p->txs[w] = p->txs[r];
        p->senders[w++] = p->senders[r];
    }
    p->n = w;
}

bt_status chain_produce(struct chain *c, uint64_t time, uint8_t *out_hash, char *err,
                        size_t err_cap)
{
    if (!c->o.engine.vt) {
        chain_msg(err, err_cap, "no consensus engine");
        return BT_ENOTSUP;
    }
    const struct bts_header *ph = &c->head.h;
    uint8_t extra[1024];
    struct bt_header_draft d = {
        .struct_size = sizeof(d), .extra = extra, .extra_cap = sizeof(extra)};
    struct bt_header bp;
    chain_bt_header(&c->head, &bp);
    bt_status rc = c->o.engine.vt->prepare(c->o.engine.self, &bp, &d);
    if (rc != BT_OK) {
        chain_msg(err, err_cap, "prepare: %s", engine_error(c, rc));
        return rc;
    }
    struct bts_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.parent_hash.bytes, c->head.hash, 32);
    memcpy(h.uncle_hash.bytes, empty_uncle_hash, 32);
    memcpy(h.coinbase.bytes, d.coinbase, 20);
    bts_u256_load_be(&h.difficulty, d.difficulty);
    h.number = ph->number + 1;
    h.gas_limit = d.gas_limit ? d.gas_limit : ph->gas_limit;
    h.time = time ? time : d.time;
    if (h.time <= ph->time)
        h.time = ph->time + 1;
    h.extra = extra;
    h.extra_len = d.extra_len;
    memcpy(h.mix_hash.bytes, d.mix_digest, 32);
    memcpy(h.nonce, d.nonce, 8);
    uint32_t fork = chaincfg_fork_at(c->cfg, h.number, h.time);
    if (fork >= BT_EVM_LONDON) {
        h.n_optional = BTS_HEADER_OPT_BASE_FEE;
        h.base_fee = next_base_fee(ph, ph->n_optional >= BTS_HEADER_OPT_BASE_FEE);
    }
    if (fork >= BT_EVM_SHANGHAI) {
        h.n_optional = BTS_HEADER_OPT_WITHDRAWALS_ROOT;
        memcpy(h.withdrawals_root.bytes, bts_trie_empty_root, 32);
    }
    if (fork >= BT_EVM_CANCUN)
        h.n_optional = BTS_HEADER_OPT_PARENT_BEACON_ROOT;
    /* The author (fee recipient) signs the header: seal a copy once to learn it. */
    uint8_t to[20];
    struct bts_buf b = BTS_BUF_INIT;
    struct chain_header hd;
    struct pick p = {0};
    struct block_receipts rs = {0};
    if ((rc = header_view(&h, &b, &hd)) == BT_OK) {
        chain_bt_header(&hd, &bp);
        rc = c->o.engine.vt->seal(c->o.engine.self, &bp, extra, h.extra_len);
        if (rc == BT_OK)
            rc = author_of(c, &h, to);
        if (rc != BT_OK)
            chain_msg(err, err_cap, "seal: %s", engine_error(c, rc));
    }
    if (rc == BT_OK)
        rc = pick_txs(c, h.gas_limit, &p);
    c->bx.finalize = finalize_cb;
    c->bx.finalize_arg = c;
    /* A transaction the EVM refuses (its sender's balance went to an earlier one, ...) is
     * dropped with its sender's later ones, and the block is built again. */
    while (rc == BT_OK) {
        rc = block_process(&c->bx, c->work, &h, to, p.txs, p.senders, p.n, &rs, err, err_cap);
        if (rc == BT_OK)
            break;
        chain_work_reset(c);
        size_t bad;
        if (rc != BT_EINVAL || sscanf(err, "tx %zu:", &bad) != 1 || bad >= p.n)
            break;
        hlog(BT_LOG_DEBUG, "dropping transaction from block", "index=%zu err=\"%s\"", bad, err);
        pick_drop(&p, bad);
        rc = BT_OK;
    }
    if (rc == BT_OK && (rc = header_view(&h, &b, &hd)) == BT_OK) {
        chain_bt_header(&hd, &bp);
        rc = c->o.engine.vt->seal(c->o.engine.self, &bp, extra, h.extra_len);
        if (rc != BT_OK) {
            chain_msg(err, err_cap, "seal: %s", engine_error(c, rc));
            chain_work_reset(c);
        }
    }
    struct bts_buf txl = BTS_BUF_INIT;
    if (rc == BT_OK) {
        size_t mark;
        rc = bts_rlp_list_begin(&txl, &mark);
        for (size_t k = 0; rc == BT_OK && k < p.n; k++)
            rc = bts_tx_encode_block_item(&txl, &p.txs[k]);
        if (rc == BT_OK)
            rc = bts_rlp_list_end(&txl, mark);
        if (rc != BT_OK)
            chain_work_reset(c);
    }
    uint8_t hash[32];
    if (rc == BT_OK) {
        size_t n = p.n;
        rc = commit_block(c, &h, txl.data, txl.len, p.txs, p.senders, n, &rs, hash, err, err_cap);
        if (rc == BT_OK) {
            char hx[67] = "";
            size_t hl;
            if (bts_hex_encode(hx, sizeof(hx), &hl, hash, 32, BTS_HEX_0X) != BT_OK)
                hx[0] = '\0';
            hlog(BT_LOG_INFO, "block sealed", "number=%llu txs=%zu gas=%llu hash=%s",
                 (unsigned long long)h.number, n, (unsigned long long)h.gas_used, hx);
            if (out_hash)
                memcpy(out_hash, hash, 32);
        }
    }
    bts_buf_free(&txl);
    bts_buf_free(&b);
    block_receipts_free(&rs);
    free(p.txs);
    free(p.senders);
    return rc;
}

/* --- scheduling ------------------------------------------------------------------------------ */

static void produce_timer(void *arg)
{
    struct chain *c = arg;
    c->timer_id = 0;
    char err[512] = "";
    bt_status rc = chain_produce(c, 0, NULL, err, sizeof(err));
    if (rc != BT_OK) {
        hlog(BT_LOG_WARN, "block production failed", "err=\"%s\"", err);
        chain_reschedule(c);
    }
}

void chain_reschedule(struct chain *c)
{
    if (!c->is_producing || !c->o.loop || !c->o.engine.vt)
        return;
    size_t pending = 0, queued = 0;
    txpool_counts(c->pool, &pending, &queued);
    struct bt_header bp;
    chain_bt_header(&c->head, &bp);
    uint64_t when;
    if (c->o.engine.vt->schedule(c->o.engine.self, &bp, pending, &when) != BT_OK)
        return; /* nothing to do until the next head or transaction */
    uint64_t now = now_ms();
    if (c->timer_id) {
        if (c->timer_due <= when)
            return;
        loop_timer_del(c->o.loop, c, c->timer_id);
        c->timer_id = 0;
    }
    uint64_t delay = when > now ? when - now : 0;
    if (loop_timer_add(c->o.loop, c, delay, 0, produce_timer, c, &c->timer_id) == BT_OK)
        c->timer_due = now + delay;
    else
        c->timer_id = 0;
}

bt_status chain_start_producing(struct chain *c)
{
    if (!c->o.loop || !c->o.engine.vt)
        return BT_EINVAL;
    c->is_producing = 1;
    chain_reschedule(c);
    return BT_OK;
}
