/* Transaction pool core: validation, per-sender nonce queues, replacement, limits, eviction and
 * promotion/demotion on a new head. Rules and error strings: go-ethereum core/txpool
 * (validation.go, legacypool/legacypool.go, errors.go) and core/error.go. */
#include "txpool_priv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <bts/rlp.h>

/* --- errors -------------------------------------------------------------------------------- */

const char *txpool_strerror(bt_status st)
{
    static const char *const text[] = {
        "already known",
        "transaction underpriced",
        "replacement transaction underpriced",
        "exceeds block gas limit",
        "transaction type not supported",
        "txpool is full",
        "invalid sender",
        "oversized data",
        "nonce too low",
        "insufficient funds for gas * price + value",
        "intrinsic gas too low",
        "account limit exceeded",
    };
    unsigned sub = (unsigned)st >> 8;
    if (BT_STATUS_PRIMARY(st) == BT_EINVAL && sub >= 96 && sub < 96 + BTS_ARRAY_SIZE(text))
        return text[sub - 96];
    if (sub >= 32 && sub < 64)
        return bts_tx_strerror(st);
    return bts_rlp_strerror(st); /* RLP sub-codes, else the status name */
}

void txpool_config_default(struct txpool_config *out)
{
    out->price_limit = bts_u256_from_u64(1);
    out->price_bump = 10;
    out->account_slots = 64;
    out->global_slots = 4096 + 1024;
    out->global_queue = 1024;
    out->max_tx_size = 4 * 32 * 1024;
}

/* --- prices -------------------------------------------------------------------------------- */

int txpool_effective_tip(const struct txpool_tx *t, const struct txpool_head *head,
                         struct bts_u256 *out)
{
    if (!head->has_base_fee) {
        *out = t->tx.gas_tip_cap;
        return 0;
    }
    if (bts_u256_lt(&t->tx.gas_price, &head->base_fee)) {
        *out = bts_u256_from_u64(0);
        return -1;
    }
    bts_u256_sub(out, &t->tx.gas_price, &head->base_fee);
    if (bts_u256_lt(&t->tx.gas_tip_cap, out))
        *out = t->tx.gas_tip_cap;
    return 0;
}

int txpool_tip_cmp(const struct txpool *p, const struct txpool_tx *a, const struct txpool_tx *b)
{
    struct bts_u256 ta, tb;
    int pa = txpool_effective_tip(a, &p->head, &ta), pb = txpool_effective_tip(b, &p->head, &tb);
    if (pa != pb)
        return pa < pb ? -1 : 1;
    return bts_u256_cmp(&ta, &tb);
}

/* new >= old * (100 + bump) / 100, and strictly above old (go-ethereum list.Add). */
static int bumped(const struct bts_u256 *old, const struct bts_u256 *new_, uint32_t bump)
{
    if (!bts_u256_gt(new_, old))
        return 0;
    struct bts_u256 t, h = bts_u256_from_u64(100), f = bts_u256_from_u64(100u + bump);
    uint64_t wide[8];
    bts_u256_mul_full(wide, old, &f); /* old < 2^256, so old * 110 / 100 fits after division */
    if (wide[4]) /* only if old >= 2^256 / 1.1: a new value can never exceed the threshold */
        return 0;
    memcpy(t.w, wide, sizeof(t.w));
    bts_u256_div(&t, &t, &h);
    return !bts_u256_lt(new_, &t);
}

/* --- accounts -------------------------------------------------------------------------------- */

static void tx_free(struct txpool_tx *t)
{
    if (t) {
        free(t->raw);
        free(t);
    }
}

static void account_free(struct txpool_account *a)
{
    for (size_t i = 0; i < a->n; i++)
        tx_free(a->txs[i]);
    free(a->txs);
    free(a);
}

/* Recount the pending prefix and the pool totals after the account's list changed. Returns the
 * signed change in pending. */
static long account_resplit(struct txpool *p, struct txpool_account *a)
{
    size_t k = 0;
    while (k < a->n && a->txs[k]->tx.nonce == a->state_nonce + k)
        k++;
    long delta = (long)k - (long)a->n_pending;
    p->n_pending = p->n_pending - a->n_pending + k;
    p->n_queued = p->n_queued - (a->n - a->n_pending) + (a->n - k);
    a->n_pending = k;
    return delta;
}

/* Drop transaction i of the account (list and hash map; totals via resplit by the caller). */
static void account_drop(struct txpool *p, struct txpool_account *a, size_t i)
{
    struct txpool_tx *t = a->txs[i];
    if (i < a->n_pending) {
        p->n_pending--;
        a->n_pending--;
    } else {
        p->n_queued--;
    }
    txpool_map_del(&p->by_hash, t);
    memmove(&a->txs[i], &a->txs[i + 1], (a->n - i - 1) * sizeof(a->txs[0]));
    a->n--;
    tx_free(t);
}

static void account_remove_if_empty(struct txpool *p, struct txpool_account *a)
{
    if (a->n)
        return;
    txpool_map_del(&p->by_sender, a);
    account_free(a);
}

static bt_status account_get(struct txpool *p, const struct bt_address *addr,
                             struct txpool_account **out)
{
    struct txpool_account *a = txpool_map_get(&p->by_sender, addr->bytes);
    if (!a) {
        if (!(a = calloc(1, sizeof(*a))))
            return BT_ENOMEM;
        a->addr = *addr;
        bt_status st = p->state.account(p->state.ctx, addr, &a->state_nonce, &a->balance);
        if (st == BT_OK)
            st = txpool_map_put(&p->by_sender, a);
        if (st != BT_OK) {
            free(a);
            return st;
        }
    }
    *out = a;
    return BT_OK;
}

/* --- eviction -------------------------------------------------------------------------------- */

/* The cheapest evictable transaction of a class among senders other than `skip`: for pending
 * the last pending one of a sender, for queued the last queued one, so no sender's pending run
 * gets a hole. Ties evict the later arrival. */
static struct txpool_account *cheapest_tail(struct txpool *p, int pending,
                                            const struct txpool_account *skip, size_t *out_i)
{
    struct txpool_account *best = NULL;
    size_t best_i = 0;
    for (size_t s = 0; s < p->by_sender.cap; s++) {
        struct txpool_account *a = p->by_sender.slots[s];
        if (!a || a == skip)
            continue;
        size_t i;
        if (pending && a->n_pending)
            i = a->n_pending - 1;
        else if (!pending && a->n > a->n_pending)
            i = a->n - 1;
        else
            continue;
        if (best) {
            int c = txpool_tip_cmp(p, a->txs[i], best->txs[best_i]);
            if (c > 0 || (c == 0 && a->txs[i]->seq < best->txs[best_i]->seq))
                continue;
        }
        best = a;
        best_i = i;
    }
    *out_i = best_i;
    return best;
}

/* Bring both totals within their limits by evicting cheapest tails (after promotions). */
static void enforce_limits(struct txpool *p)
{
    size_t i;
    struct txpool_account *a;
    while (p->n_pending > p->cfg.global_slots && (a = cheapest_tail(p, 1, NULL, &i))) {
        account_drop(p, a, i);
        account_resplit(p, a);
        account_remove_if_empty(p, a);
    }
    while (p->n_queued > p->cfg.global_queue && (a = cheapest_tail(p, 0, NULL, &i))) {
        account_drop(p, a, i);
        account_remove_if_empty(p, a);
    }
}

/* Make room for `t` of class `pending` when that class is full. */
static bt_status make_room(struct txpool *p, struct txpool_account *self, const struct txpool_tx *t,
                           int pending)
{
    size_t total = pending ? p->n_pending : p->n_queued;
    size_t limit = pending ? p->cfg.global_slots : p->cfg.global_queue;
    if (total < limit)
        return BT_OK;
    size_t i;
    struct txpool_account *a = cheapest_tail(p, pending, self, &i);
    if (!a)
        return TXPOOL_EFULL;
    if (txpool_tip_cmp(p, t, a->txs[i]) <= 0)
        return TXPOOL_EUNDERPRICED;
    account_drop(p, a, i);
    account_remove_if_empty(p, a);
    return BT_OK;
}

/* --- add ----------------------------------------------------------------------------------- */

/* Stateless checks and decoding into t (go-ethereum ValidateTransaction order). */
static bt_status validate(struct txpool *p, struct txpool_tx *t)
{
    struct bts_tx_rules rules;
    uint64_t intrinsic;
    chaincfg_tx_rules(p->chain, p->head.number, p->head.time, &rules);
    if (!bts_tx_type_allowed(rules.fork, t->tx.type))
        return TXPOOL_ETYPE;
    if (t->tx.gas > p->head.gas_limit)
        return TXPOOL_EGAS_LIMIT;
    bt_status st = bts_tx_check(&t->tx, &rules, &intrinsic);
    if (st == BTS_TX_EINTRINSIC)
        return TXPOOL_EINTRINSIC;
    if (st != BT_OK)
        return st;
    if (!txpool_sender_cached(p, t->tx.hash.bytes, &rules, &t->from)) {
        st = bts_tx_sender(&t->from, &t->tx, &rules);
        if (st == BT_ENOMEM)
            return st;
        if (st != BT_OK)
            return TXPOOL_ESENDER;
        txpool_sender_remember(p, t->tx.hash.bytes, &rules, &t->from);
    }
    if (bts_u256_lt(&t->tx.gas_tip_cap, &p->cfg.price_limit))
        return TXPOOL_EUNDERPRICED;
    /* cost = gas x fee cap + value; bts_tx_check guaranteed the product fits. */
    struct bts_u256 gas = bts_u256_from_u64(t->tx.gas);
    bts_u256_mul(&t->cost, &gas, &t->tx.gas_price);
    if (bts_u256_add_carry(&t->cost, &t->cost, &t->tx.value))
        return TXPOOL_EFUNDS; /* above 2^256: no balance covers it */
    return BT_OK;
}

/* Position of nonce in the account's list (first index with txs[i].nonce >= nonce). */
static size_t find_nonce(const struct txpool_account *a, uint64_t nonce)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->txs[mid]->tx.nonce < nonce)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bt_status insert(struct txpool *p, struct txpool_account *a, struct txpool_tx *t,
                        struct txpool_added *out)
{
    size_t i = find_nonce(a, t->tx.nonce);
    bt_status st;
    if (i < a->n && a->txs[i]->tx.nonce == t->tx.nonce) {
        struct txpool_tx *old = a->txs[i];
        if (!bumped(&old->tx.gas_price, &t->tx.gas_price, p->cfg.price_bump) ||
            !bumped(&old->tx.gas_tip_cap, &t->tx.gas_tip_cap, p->cfg.price_bump))
            return TXPOOL_EREPLACE;
        if ((st = txpool_map_put(&p->by_hash, t)) != BT_OK)
            return st;
        txpool_map_del(&p->by_hash, old);
        a->txs[i] = t;
        tx_free(old);
        out->replaced = 1;
        out->is_pending = i < a->n_pending;
        return BT_OK;
    }
    if (a->n >= p->cfg.account_slots)
        return TXPOOL_EACCOUNT_LIMIT;
    int pending = t->tx.nonce == a->state_nonce + a->n_pending;
    if ((st = make_room(p, a, t, pending)) != BT_OK)
        return st;
    if (a->n == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 4;
        struct txpool_tx **txs = realloc(a->txs, ncap * sizeof(*txs));
        if (!txs)
            return BT_ENOMEM;
        a->txs = txs;
        a->cap = ncap;
    }
    if ((st = txpool_map_put(&p->by_hash, t)) != BT_OK)
        return st;
    /* make_room drops only other senders' transactions: i still holds. */
    memmove(&a->txs[i + 1], &a->txs[i], (a->n - i) * sizeof(a->txs[0]));
    a->txs[i] = t;
    a->n++;
    p->n_queued++; /* counted as queued, then resplit moves it */
    account_resplit(p, a);
    out->is_pending = i < a->n_pending;
    return BT_OK;
}

bt_status txpool_add(struct txpool *p, const uint8_t *raw, size_t raw_len, struct txpool_added *out)
{
    struct txpool_added dummy;
    struct txpool_account *a = NULL;
    bt_status st;
    if (!out)
        out = &dummy;
    memset(out, 0, sizeof(*out));
    if (raw_len > p->cfg.max_tx_size)
        return TXPOOL_EOVERSIZED;
    struct txpool_tx *t = calloc(1, sizeof(*t));
    if (!t || !(t->raw = malloc(raw_len ? raw_len : 1))) {
        free(t);
        return BT_ENOMEM;
    }
    memcpy(t->raw, raw, raw_len);
    t->raw_len = raw_len;
    if ((st = bts_tx_decode(&t->tx, t->raw, raw_len)) != BT_OK)
        goto fail;
    if (txpool_map_get(&p->by_hash, t->tx.hash.bytes)) {
        st = TXPOOL_EKNOWN;
        goto fail;
    }
    if ((st = validate(p, t)) != BT_OK || (st = account_get(p, &t->from, &a)) != BT_OK)
        goto fail;
    if (t->tx.nonce < a->state_nonce) {
        st = TXPOOL_ENONCE_LOW;
        goto fail;
    }
    if (bts_u256_lt(&a->balance, &t->cost)) {
        /* The balance is as of the sender's last refresh (txpool_reset_senders refreshes only
         * a block's senders): a payment received since may cover the cost. */
        uint64_t nonce;
        if ((st = p->state.account(p->state.ctx, &a->addr, &nonce, &a->balance)) != BT_OK)
            goto fail;
        if (bts_u256_lt(&a->balance, &t->cost)) {
            st = TXPOOL_EFUNDS;
            goto fail;
        }
    }
    t->seq = p->next_seq;
    if ((st = insert(p, a, t, out)) != BT_OK)
        goto fail;
    p->next_seq++;
    out->hash = t->tx.hash;
    if (p->journal_fd >= 0 && !p->replaying)
        (void)txpool_journal_append(p, t); /* a failed append costs only durability */
    enforce_limits(p);                     /* a filled gap may have promoted queued transactions */
    return BT_OK;
fail:
    if (a)
        account_remove_if_empty(p, a);
    tx_free(t);
    return st;
}

/* --- head changes ---------------------------------------------------------------------------- */

/* Re-read one sender's nonce and balance, drop what is stale or now invalid, re-split. The
 * account may be freed (emptied). */
static bt_status account_refresh(struct txpool *p, struct txpool_account *a,
                                 const struct bts_tx_rules *rules, struct txpool_reset_stats *out)
{
    uint64_t old_lo = a->state_nonce, old_hi = a->state_nonce + a->n_pending;
    bt_status st = p->state.account(p->state.ctx, &a->addr, &a->state_nonce, &a->balance);
    if (st != BT_OK)
        return st;
    for (size_t i = a->n; i-- > 0;) {
        const struct txpool_tx *t = a->txs[i];
        if (t->tx.nonce < a->state_nonce) {
            account_drop(p, a, i);
            out->dropped_stale++;
        } else if (bts_u256_lt(&a->balance, &t->cost) || t->tx.gas > p->head.gas_limit ||
                   !bts_tx_type_allowed(rules->fork, t->tx.type)) {
            /* go-ethereum demoteUnexecutables: unpayable or oversized now */
            account_drop(p, a, i);
            out->dropped_invalid++;
        }
    }
    account_resplit(p, a);
    /* Pending runs are [state nonce, state nonce + n_pending) before and after. */
    uint64_t new_lo = a->state_nonce, new_hi = a->state_nonce + a->n_pending;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t nonce = a->txs[i]->tx.nonce;
        int was = nonce >= old_lo && nonce < old_hi, is = nonce >= new_lo && nonce < new_hi;
        out->promoted += !was && is;
        out->demoted += was && !is;
    }
    account_remove_if_empty(p, a);
    return BT_OK;
}

bt_status txpool_reset(struct txpool *p, const struct txpool_head *head,
                       struct txpool_reset_stats *out)
{
    struct txpool_reset_stats dummy;
    struct txpool_account **accs = NULL;
    size_t n_accs = 0;
    struct bts_tx_rules rules;
    if (!out)
        out = &dummy;
    memset(out, 0, sizeof(*out));
    p->head = *head;
    chaincfg_tx_rules(p->chain, head->number, head->time, &rules);
    bt_status st = txpool_sorted_accounts(p, &accs, &n_accs);
    for (size_t k = 0; st == BT_OK && k < n_accs; k++)
        st = account_refresh(p, accs[k], &rules, out);
    free(accs);
    if (st == BT_OK)
        enforce_limits(p);
    return st;
}

bt_status txpool_reset_senders(struct txpool *p, const struct txpool_head *head,
                               const struct bt_address *senders, size_t n_senders,
                               struct txpool_reset_stats *out)
{
    struct txpool_reset_stats dummy;
    struct bts_tx_rules rules, old_rules;
    chaincfg_tx_rules(p->chain, head->number, head->time, &rules);
    chaincfg_tx_rules(p->chain, p->head.number, p->head.time, &old_rules);
    /* What every sender's transactions are checked against changed: the full pass. */
    if (head->gas_limit < p->head.gas_limit || rules.fork != old_rules.fork)
        return txpool_reset(p, head, out);
    if (!out)
        out = &dummy;
    memset(out, 0, sizeof(*out));
    p->head = *head;
    p->reset_gen++;
    bt_status st = BT_OK;
    for (size_t k = 0; st == BT_OK && k < n_senders; k++) {
        struct txpool_account *a = txpool_map_get(&p->by_sender, senders[k].bytes);
        if (!a || a->reset_gen == p->reset_gen)
            continue; /* not pooled, or a sender of several transactions already done */
        a->reset_gen = p->reset_gen;
        st = account_refresh(p, a, &rules, out);
    }
    if (st == BT_OK)
        enforce_limits(p);
    return st;
}

/* --- lifecycle and queries ----------------------------------------------------------------- */

bt_status txpool_new(struct txpool **out_pool, const struct txpool_config *cfg,
                     const struct chaincfg *chain, const struct txpool_state *state,
                     const struct txpool_head *head)
{
    struct txpool *p = calloc(1, sizeof(*p));
    *out_pool = NULL;
    if (!p)
        return BT_ENOMEM;
    p->cfg = *cfg;
    p->chain = chain;
    p->state = *state;
    p->head = *head;
    p->by_hash.key_off = offsetof(struct txpool_tx, tx.hash);
    p->by_hash.key_len = 32;
    p->by_sender.key_off = offsetof(struct txpool_account, addr);
    p->by_sender.key_len = 20;
    p->journal_fd = -1;
    bts_buf_init(&p->journal_buf);
    *out_pool = p;
    return BT_OK;
}

void txpool_free(struct txpool *p)
{
    if (!p)
        return;
    txpool_journal_close(p);
    for (size_t i = 0; i < p->by_sender.cap; i++) {
        if (p->by_sender.slots[i])
            account_free(p->by_sender.slots[i]);
    }
    free(p->by_sender.slots);
    free(p->by_hash.slots);
    free(p->senders);
    free(p);
}

const struct txpool_tx *txpool_get(const struct txpool *p, const uint8_t hash[32])
{
    return txpool_map_get(&p->by_hash, hash);
}

void txpool_counts(const struct txpool *p, size_t *out_pending, size_t *out_queued)
{
    *out_pending = p->n_pending;
    *out_queued = p->n_queued;
}

bt_status txpool_nonce(const struct txpool *p, const struct bt_address *addr, uint64_t *out)
{
    const struct txpool_account *a = txpool_map_get(&p->by_sender, addr->bytes);
    struct bts_u256 balance;
    if (a) {
        *out = a->state_nonce + a->n_pending;
        return BT_OK;
    }
    return p->state.account(p->state.ctx, addr, out, &balance);
}

static int cmp_account_ptr(const void *x, const void *y)
{
    const struct txpool_account *a = *(const struct txpool_account *const *)x;
    const struct txpool_account *b = *(const struct txpool_account *const *)y;
    return memcmp(a->addr.bytes, b->addr.bytes, 20);
}

bt_status txpool_sorted_accounts(const struct txpool *p, struct txpool_account ***out,
                                 size_t *out_n)
{
    size_t n = 0;
    *out = NULL;
    *out_n = 0;
    if (p->by_sender.n == 0)
        return BT_OK;
    struct txpool_account **v = malloc(p->by_sender.n * sizeof(*v));
    if (!v)
        return BT_ENOMEM;
    for (size_t i = 0; i < p->by_sender.cap; i++) {
        if (p->by_sender.slots[i])
            v[n++] = p->by_sender.slots[i];
    }
    qsort(v, n, sizeof(*v), cmp_account_ptr);
    *out = v;
    *out_n = n;
    return BT_OK;
}

bt_status txpool_foreach(const struct txpool *p, txpool_each_fn fn, void *arg)
{
    struct txpool_account **accs;
    size_t n;
    bt_status st = txpool_sorted_accounts(p, &accs, &n);
    for (size_t k = 0; st == BT_OK && k < n; k++) {
        for (size_t i = 0; st == BT_OK && i < accs[k]->n; i++)
            st = fn(arg, accs[k]->txs[i], i < accs[k]->n_pending);
    }
    free(accs);
    return st;
}
