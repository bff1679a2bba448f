/* Production (chain_int.h): the engine's prepare, the pool's transactions in price-and-nonce
 * order that fit the gas limit (a sender whose transaction the EVM refuses is left out with its
 * later ones), the engine's finalize and seal, then the commit imports use; and the production
 * timer driven by the engine's schedule().
 * Sources: go-ethereum miner/worker.go (commitTransactions), consensus/misc/eip1559 (CalcBaseFee).
 */
#include "chain_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bts/hex.h>
#include <bts/rlp.h>
#include <bts/trie.h>

#include "log_int.h"
#include "loop_int.h"

/* keccak(rlp([])): the uncle hash of every block we produce. */
static const uint8_t empty_uncle_hash[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

/* --- production ------------------------------------------------------------------------------ */

/* EIP-1559 base fee of the child of `p` (elasticity 2, denominator 8); the first London block
 * takes the initial 1 gwei. */
struct bts_u256 chain_next_base_fee(const struct bts_header *p, int parent_london)
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

static bt_status pick_add(struct chain_pick *p, const struct txpool_tx *t)
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

bt_status chain_pick_txs(struct chain *c, uint64_t gas_limit, struct chain_pick *p)
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

void chain_pick_drop(struct chain_pick *p, size_t bad)
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

static bt_status produce(struct chain *c, uint64_t time, int is_timed, uint8_t *out_hash,
                         size_t *out_n, char *err, size_t err_cap);

/* Production's share of the time between the parent's slot and ours: a block sealed on the
 * timer stops taking transactions once this much has gone (and never before
 * PRODUCE_BUDGET_MIN_MS), so it reaches the next producers and is imported there before the
 * next slot, and before a backup's slot for the same height (one period later on Bttc). A
 * flood's 10,000-transfer block took seconds to build and as long to import on every peer:
 * backups sealed rival blocks meanwhile and the chain spent its time in reorgs. */
#define PRODUCE_BUDGET_PCT    40
#define PRODUCE_BUDGET_MIN_MS 200
/* A backup's slot is seconds later than the in-turn one, but its block must be as quick to
 * import as any. */
#define PRODUCE_BUDGET_MAX_MS 1000

static bt_status produce_stats(struct chain *c, uint64_t time, int is_timed, uint8_t *out_hash,
                               char *err, size_t err_cap)
{
    double t0 = chain_now_ms();
    size_t n = 0;
    bt_status rc = produce(c, time, is_timed, out_hash, &n, err, err_cap);
    if (rc == BT_OK) {
        double ms = chain_now_ms() - t0;
        c->stats.blocks_produced++;
        c->stats.txs += n;
        c->stats.last_block_ms = ms;
        c->stats.total_block_ms += ms;
    }
    return rc;
}

bt_status chain_produce(struct chain *c, uint64_t time, uint8_t *out_hash, char *err,
                        size_t err_cap)
{
    return produce_stats(c, time, 0, out_hash, err, err_cap);
}

static bt_status produce(struct chain *c, uint64_t time, int is_timed, uint8_t *out_hash,
                         size_t *out_n, char *err, size_t err_cap)
{
    double t0 = chain_now_ms();
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
        chain_msg(err, err_cap, "prepare: %s", chain_engine_error(c, rc));
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
        h.base_fee = chain_next_base_fee(ph, ph->n_optional >= BTS_HEADER_OPT_BASE_FEE);
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
    struct chain_pick p = {0};
    struct block_receipts rs = {0};
    if ((rc = chain_engine_header(&h, &b, &bp)) == BT_OK) {
        rc = c->o.engine.vt->seal(c->o.engine.self, &bp, extra, h.extra_len);
        if (rc == BT_OK)
            rc = chain_author_of(c, &h, to);
        if (rc != BT_OK)
            chain_msg(err, err_cap, "seal: %s", chain_engine_error(c, rc));
    }
    if (rc == BT_OK)
        rc = chain_pick_txs(c, h.gas_limit, &p);
    c->bx.finalize = chain_finalize_cb;
    c->bx.finalize_arg = c;
    if (is_timed) {
        double gap = h.time > ph->time ? (double)(h.time - ph->time) * 1000.0 : 0;
        double budget = gap * PRODUCE_BUDGET_PCT / 100.0;
        budget = budget > PRODUCE_BUDGET_MAX_MS ? PRODUCE_BUDGET_MAX_MS : budget;
        c->bx.stop_at_ms = t0 + (budget > PRODUCE_BUDGET_MIN_MS ? budget : PRODUCE_BUDGET_MIN_MS);
    }
    /* A transaction the EVM refuses (its sender's balance went to an earlier one, ...) is
     * dropped with its sender's later ones, and the block is built again. */
    while (rc == BT_OK) {
        rc = block_process(&c->bx, c->work, &h, to, p.txs, p.senders, p.n, &rs, err, err_cap);
        if (rc == BT_OK) {
            if (rs.n < p.n)
                hlog(BT_LOG_DEBUG, "block cut at its time budget", "number=%llu txs=%zu of=%zu",
                     (unsigned long long)h.number, rs.n, p.n);
            p.n = rs.n; /* the time budget may have ended it early */
            break;
        }
        chain_work_reset(c);
        size_t bad;
        if (rc != BT_EINVAL || sscanf(err, "tx %zu:", &bad) != 1 || bad >= p.n)
            break;
        hlog(BT_LOG_DEBUG, "dropping transaction from block", "index=%zu err=%s", bad, LOG_Q(err));
        chain_pick_drop(&p, bad);
        rc = BT_OK;
    }
    c->bx.stop_at_ms = 0; /* imports and pending blocks run whole */
    if (rc == BT_OK && (rc = chain_engine_header(&h, &b, &bp)) == BT_OK) {
        rc = c->o.engine.vt->seal(c->o.engine.self, &bp, extra, h.extra_len);
        if (rc != BT_OK) {
            chain_msg(err, err_cap, "seal: %s", chain_engine_error(c, rc));
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
        rc = chain_commit_block(c, &h, txl.data, txl.len, p.txs, p.senders, n, &rs, hash, err,
                                err_cap);
        if (rc == BT_OK) {
            char hx[67] = "";
            size_t hl;
            if (bts_hex_encode(hx, sizeof(hx), &hl, hash, 32, BTS_HEX_0X) != BT_OK)
                hx[0] = '\0';
            hlog(BT_LOG_INFO, "block sealed", "number=%llu txs=%zu gas=%llu hash=%s",
                 (unsigned long long)h.number, n, (unsigned long long)h.gas_used, hx);
            if (out_hash)
                memcpy(out_hash, hash, 32);
            *out_n = n;
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

/* A failed production is tried again after this pause; BT_EBUSY (the engine fetching data)
 * is quiet for the first PRODUCE_BUSY_QUIET attempts (~2 s), then every failure warns once
 * per PRODUCE_WARN_EVERY attempts (~10 s). */
#define PRODUCE_RETRY_MS   250
#define PRODUCE_BUSY_QUIET 8
#define PRODUCE_WARN_EVERY 40

static void produce_timer(void *arg)
{
    struct chain *c = arg;
    c->timer_id = 0;
    /* The timer was armed for the head of its time; the head may have changed since (an
     * imported block, a reorg) and chain_reschedule keeps an earlier timer. Ask the engine
     * again for the current head: not our turn, or not yet (a backup's later slot), means
     * no block now. */
    if (c->o.engine.vt && c->o.engine.vt->schedule) {
        size_t pending = 0, queued = 0;
        txpool_counts(c->pool, &pending, &queued);
        struct bt_header bp;
        chain_bt_header(&c->head, &bp);
        uint64_t when;
        if (c->o.engine.vt->schedule(c->o.engine.self, &bp, pending, &when) != BT_OK)
            return;
        if (when > now_ms() + 5) {
            chain_reschedule(c);
            return;
        }
    }
    char err[512] = "";
    bt_status rc = produce_stats(c, 0, 1, NULL, err, sizeof(err));
    if (rc == BT_OK) {
        c->n_produce_fails = 0;
        return;
    }
    /* The engine may be waiting for data (Bttc answers BT_EBUSY while a span or state-sync
     * records are fetched, for as long as Delivery is unreachable): try again after a pause,
     * not at once in a loop, and say so at warn level only now and then. A short wait for a
     * fetch is normal and logged at debug level. */
    uint32_t n = ++c->n_produce_fails;
    int busy = rc == BT_EBUSY && n < PRODUCE_BUSY_QUIET;
    hlog(!busy && (n == 1 || n == PRODUCE_BUSY_QUIET || n % PRODUCE_WARN_EVERY == 0) ? BT_LOG_WARN
                                                                                     : BT_LOG_DEBUG,
         "block production failed", "err=%s attempts=%u", LOG_Q(err), n);
    chain_reschedule(c);
    if (c->timer_id && c->timer_due < now_ms() + PRODUCE_RETRY_MS) {
        loop_timer_del(c->o.loop, c, c->timer_id);
        c->timer_id = 0;
    }
    if (!c->timer_id && c->is_producing &&
        loop_timer_add(c->o.loop, c, PRODUCE_RETRY_MS, 0, produce_timer, c, &c->timer_id) == BT_OK)
        c->timer_due = now_ms() + PRODUCE_RETRY_MS;
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
