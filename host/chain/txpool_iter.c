/* Pending transactions in block-production order: a heap of each sender's next transaction by
 * effective tip (ties: earlier arrival), each sender in nonce order. go-ethereum
 * core/types/transaction.go (TransactionsByPriceAndNonce) / miner/ordering.go. */
#include "txpool_priv.h"

#include <stdlib.h>

struct iter_run {
    struct txpool_tx *const *txs; /* a sender's pending run, borrowed from the pool */
    size_t n, next;
};

struct txpool_iter {
    const struct txpool *p;
    struct iter_run *runs;
    size_t *heap; /* indexes into runs; runs[heap[0]] holds the best head */
    size_t n_heap;
};

/* Whether run a's head goes before run b's. */
static int before(const struct txpool_iter *it, size_t a, size_t b)
{
    const struct txpool_tx *ta = it->runs[a].txs[it->runs[a].next];
    const struct txpool_tx *tb = it->runs[b].txs[it->runs[b].next];
    int c = txpool_tip_cmp(it->p, ta, tb);
    return c > 0 || (c == 0 && ta->seq < tb->seq);
}

static void sift_down(struct txpool_iter *it, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < it->n_heap && before(it, it->heap[l], it->heap[best]))
            best = l;
        if (r < it->n_heap && before(it, it->heap[r], it->heap[best]))
            best = r;
        if (best == i)
            return;
        size_t t = it->heap[i];
        it->heap[i] = it->heap[best];
        it->heap[best] = t;
        i = best;
    }
}

bt_status txpool_iter_new(struct txpool_iter **out_it, const struct txpool *p)
{
    struct txpool_iter *it = calloc(1, sizeof(*it));
    struct txpool_account **accs = NULL;
    size_t n = 0;
    *out_it = NULL;
    if (!it)
        return BT_ENOMEM;
    it->p = p;
    bt_status st = txpool_sorted_accounts(p, &accs, &n);
    if (st == BT_OK && n) {
        it->runs = calloc(n, sizeof(*it->runs));
        it->heap = calloc(n, sizeof(*it->heap));
        if (!it->runs || !it->heap)
            st = BT_ENOMEM;
    }
    for (size_t k = 0; st == BT_OK && k < n; k++) {
        if (!accs[k]->n_pending)
            continue;
        it->runs[it->n_heap].txs = accs[k]->txs;
        it->runs[it->n_heap].n = accs[k]->n_pending;
        it->heap[it->n_heap] = it->n_heap;
        it->n_heap++;
    }
    free(accs);
    if (st != BT_OK) {
        txpool_iter_free(it);
        return st;
    }
    for (size_t i = it->n_heap / 2; i-- > 0;)
        sift_down(it, i);
    *out_it = it;
    return BT_OK;
}

const struct txpool_tx *txpool_iter_peek(const struct txpool_iter *it)
{
    if (!it->n_heap)
        return NULL;
    const struct iter_run *r = &it->runs[it->heap[0]];
    return r->txs[r->next];
}

void txpool_iter_pop(struct txpool_iter *it)
{
    if (!it->n_heap)
        return;
    it->heap[0] = it->heap[--it->n_heap];
    sift_down(it, 0);
}

void txpool_iter_shift(struct txpool_iter *it)
{
    if (!it->n_heap)
        return;
    struct iter_run *r = &it->runs[it->heap[0]];
    if (++r->next == r->n) {
        txpool_iter_pop(it);
        return;
    }
    sift_down(it, 0);
}

void txpool_iter_free(struct txpool_iter *it)
{
    if (!it)
        return;
    free(it->runs);
    free(it->heap);
    free(it);
}
