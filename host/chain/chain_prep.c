/* Blocks prepared for import (chain_priv.h): decoding and sender recovery, which fans out to
 * the worker pool and may run while the loop thread executes the previous block (the import
 * file pipeline keeps one block in preparation). */
#include "chain_priv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "workers_int.h"

enum { REC_MAX_JOBS = 16, REC_MIN_PER_JOB = 32 };

struct rec_job {
    struct chain_rec *r;
    size_t lo, hi;
    size_t bad; /* first failing index, or SIZE_MAX */
};

struct chain_rec {
    pthread_mutex_t m;
    pthread_cond_t cv;
    size_t left; /* submitted jobs not finished */
    const struct bts_tx *txs;
    const uint8_t *skip; /* per tx: sender known already (NULL: none) */
    struct bt_address *out;
    struct bts_tx_rules rules;
    struct rec_job jobs[REC_MAX_JOBS];
    size_t n_jobs;
};

static void rec_run(struct rec_job *j)
{
    j->bad = SIZE_MAX;
    for (size_t i = j->lo; i < j->hi; i++) {
        if (j->r->skip && j->r->skip[i])
            continue;
        if (bts_tx_sender(&j->r->out[i], &j->r->txs[i], &j->r->rules) != BT_OK) {
            j->bad = i;
            return;
        }
    }
}

static void rec_work(void *arg)
{
    struct rec_job *j = arg;
    rec_run(j);
    pthread_mutex_lock(&j->r->m);
    j->r->left--;
    pthread_cond_signal(&j->r->cv);
    pthread_mutex_unlock(&j->r->m);
}

/* Start recovering txs[0..n): every share on the pool (is_async), or all but the first, which
 * the caller runs in chain_rec_wait. Shares the pool refuses run here at once. */
static bt_status rec_start(struct chain *c, struct chain_rec **out, const struct bts_tx *txs,
                           size_t n, const struct bts_tx_rules *rules, struct bt_address *senders,
                           const uint8_t *skip, int is_async)
{
    struct chain_rec *r = calloc(1, sizeof(*r));
    if (!r)
        return BT_ENOMEM;
    pthread_mutex_init(&r->m, NULL);
    pthread_cond_init(&r->cv, NULL);
    r->txs = txs;
    r->skip = skip;
    r->out = senders;
    r->rules = *rules;
    size_t n_jobs = 1;
    if (c->o.workers && n >= 2 * REC_MIN_PER_JOB) {
        n_jobs = c->o.workers->n_threads + (is_async ? 0 : 1);
        if (n_jobs > REC_MAX_JOBS)
            n_jobs = REC_MAX_JOBS;
        if (n_jobs > n / REC_MIN_PER_JOB)
            n_jobs = n / REC_MIN_PER_JOB;
        if (n_jobs == 0)
            n_jobs = 1;
    }
    r->n_jobs = n_jobs;
    for (size_t k = 0; k < n_jobs; k++)
        r->jobs[k] = (struct rec_job){r, n * k / n_jobs, n * (k + 1) / n_jobs, SIZE_MAX};
    size_t first = is_async && c->o.workers && n >= 2 * REC_MIN_PER_JOB ? 0 : 1;
    if (first == 1)
        r->jobs[0].bad = SIZE_MAX - 1; /* marks "run by the waiter" */
    for (size_t k = first; k < n_jobs; k++) {
        pthread_mutex_lock(&r->m);
        r->left++;
        pthread_mutex_unlock(&r->m);
        if (workers_submit(c->o.workers, c, rec_work, NULL, &r->jobs[k]) != BT_OK) {
            pthread_mutex_lock(&r->m);
            r->left--;
            pthread_mutex_unlock(&r->m);
            rec_run(&r->jobs[k]);
        }
    }
    *out = r;
    return BT_OK;
}

/* Finish: run the waiter's share, wait for the pool's, free. Returns BT_OK or BT_EINVAL with
 * the first bad index. */
static bt_status rec_wait(struct chain_rec *r, char *err, size_t err_cap)
{
    if (r->jobs[0].bad == SIZE_MAX - 1)
        rec_run(&r->jobs[0]);
    pthread_mutex_lock(&r->m);
    while (r->left)
        pthread_cond_wait(&r->cv, &r->m);
    pthread_mutex_unlock(&r->m);
    bt_status rc = BT_OK;
    for (size_t k = 0; k < r->n_jobs && rc == BT_OK; k++) {
        if (r->jobs[k].bad != SIZE_MAX) {
            chain_msg(err, err_cap, "tx %zu: invalid sender", r->jobs[k].bad);
            rc = BT_EINVAL;
        }
    }
    pthread_mutex_destroy(&r->m);
    pthread_cond_destroy(&r->cv);
    free(r);
    return rc;
}

bt_status chain_recover_senders(struct chain *c, const struct bts_tx *txs, size_t n,
                                const struct bts_tx_rules *rules, struct bt_address *out, char *err,
                                size_t err_cap)
{
    struct chain_rec *r;
    bt_status rc = rec_start(c, &r, txs, n, rules, out, NULL, 0);
    return rc == BT_OK ? rec_wait(r, err, err_cap) : rc;
}

/* --- prepared blocks ------------------------------------------------------------------------- */

bt_status chain_prep_start(struct chain *c, const uint8_t *rlp, size_t rlp_len, int is_async,
                           struct chain_prep *p, char *err, size_t err_cap)
{
    memset(p, 0, sizeof(*p));
    struct bts_rlp_item top, hi, txl, unc, it;
    struct bts_rlp_iter i;
    if (bts_rlp_decode(&top, rlp, rlp_len) != BT_OK || !top.is_list) {
        chain_msg(err, err_cap, "block: malformed RLP");
        return BT_EINVAL;
    }
    bts_rlp_iter_init(&i, &top);
    if (bts_rlp_iter_next(&i, &hi) != BT_OK || bts_rlp_iter_next(&i, &txl) != BT_OK ||
        bts_rlp_iter_next(&i, &unc) != BT_OK || !txl.is_list || !unc.is_list) {
        chain_msg(err, err_cap, "block: not [header, transactions, uncles]");
        return BT_EINVAL;
    }
    bt_status rc = bts_header_decode(&p->h, hi.raw, hi.raw_len);
    if (rc != BT_OK) {
        chain_msg(err, err_cap, "header: %s", bts_header_strerror(rc));
        return BT_EINVAL;
    }
    p->header_rlp = hi.raw;
    p->header_rlp_len = hi.raw_len;
    p->txs_raw = txl.raw;
    p->txs_raw_len = txl.raw_len;
    p->has_uncles = unc.payload_len != 0;
    bts_keccak256(p->hash, hi.raw, hi.raw_len);
    uint8_t have[32];
    if (p->h.number <= c->head.h.number && chain_canonical_hash(c, p->h.number, have) == BT_OK &&
        memcmp(have, p->hash, 32) == 0) {
        p->is_known = 1; /* nothing more to prepare */
        return BT_OK;
    }
    size_t n = 0;
    if (bts_rlp_list_count(&txl, &n) != BT_OK) {
        chain_msg(err, err_cap, "block %llu: malformed transaction list",
                  (unsigned long long)p->h.number);
        return BT_EINVAL;
    }
    if (n && (!(p->txs = calloc(n, sizeof(*p->txs))) ||
              !(p->senders = calloc(n, sizeof(*p->senders))) || !(p->is_cached = calloc(n, 1)))) {
        chain_prep_free(p);
        return BT_ENOMEM;
    }
    bts_rlp_iter_init(&i, &txl);
    for (size_t k = 0; k < n; k++) {
        if (bts_rlp_iter_next(&i, &it) != BT_OK ||
            (rc = bts_tx_decode_block_item(&p->txs[k], it.raw, it.raw_len)) != BT_OK) {
            chain_msg(err, err_cap, "block %llu: tx %zu: %s", (unsigned long long)p->h.number, k,
                      bts_tx_strerror(rc));
            chain_prep_free(p);
            return BT_EINVAL;
        }
    }
    p->n = n;
    chaincfg_tx_rules(c->cfg, p->h.number, p->h.time, &p->rules);
    p->pool = c->pool;
    /* Transactions this node has seen (its pool took them in, or a reorg moved them) need no
     * second recovery: under a flood that is nearly all of a block. */
    size_t n_cached = 0;
    for (size_t k = 0; k < n; k++)
        n_cached += p->is_cached[k] =
            (uint8_t)txpool_sender_cached(c->pool, p->txs[k].hash.bytes, &p->rules, &p->senders[k]);
    if (n_cached == n)
        return BT_OK;
    if ((rc = rec_start(c, &p->rec, p->txs, n, &p->rules, p->senders, p->is_cached, is_async)) !=
        BT_OK) {
        chain_prep_free(p);
        return rc;
    }
    return BT_OK;
}

bt_status chain_prep_wait(struct chain_prep *p, char *err, size_t err_cap)
{
    if (!p->rec)
        return BT_OK;
    bt_status rc = rec_wait(p->rec, err, err_cap);
    p->rec = NULL;
    /* Remember them: a reorg that puts these transactions back in the pool finds them. */
    for (size_t k = 0; rc == BT_OK && p->pool && k < p->n; k++)
        if (!p->is_cached[k])
            txpool_sender_remember(p->pool, p->txs[k].hash.bytes, &p->rules, &p->senders[k]);
    return rc;
}

void chain_prep_free(struct chain_prep *p)
{
    if (p->rec)
        chain_prep_wait(p, NULL, 0); /* the pool's shares write into senders: let them end */
    free(p->txs);
    free(p->senders);
    free(p->is_cached);
    memset(p, 0, sizeof(*p));
}
