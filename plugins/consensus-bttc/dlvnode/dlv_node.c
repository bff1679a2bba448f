/* The Delivery node: lifecycle, the engine's actions, block building and validation, the
 * commit into the application and the block store (see dlv_node.h for formats and keys). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/secp.h>

#include "dlv_node_int.h"
#include "dlv_store.h"

void dlv_node_log(struct dlv_node *n, int level, const char *event, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    if (!n->env.log)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    n->env.log(n->env.self, level, event, buf);
}

static void metric(struct dlv_node *n, enum dlv_metric m, double v)
{
    if (n->env.metric)
        n->env.metric(n->env.self, m, v);
}

uint64_t dlv_cur_height(const struct dlv_node *n)
{
    return n->height + 1;
}

/* --- blobs and candidate blocks ------------------------------------------------------------ */

const struct dlv_blob *dlv_blob_find(const struct dlv_node *n, const uint8_t hash[32])
{
    for (size_t i = 0; i < n->n_blobs; i++)
        if (!memcmp(n->blobs[i].hash, hash, 32))
            return &n->blobs[i];
    return NULL;
}

void dlv_blob_add(struct dlv_node *n, uint64_t height, const uint8_t hash[32], const uint8_t *p,
                  size_t len)
{
    if (dlv_blob_find(n, hash) || len == 0)
        return;
    struct dlv_blob *b;
    if (n->n_blobs < DLV_MAX_BLOBS) {
        b = &n->blobs[n->n_blobs++];
    } else { /* a ring once full: the oldest blob goes */
        b = &n->blobs[n->blob_next];
        n->blob_next = (n->blob_next + 1) % DLV_MAX_BLOBS;
        free(b->p);
    }
    b->p = malloc(len);
    b->len = b->p ? len : 0;
    if (b->p)
        memcpy(b->p, p, len);
    b->height = height;
    memcpy(b->hash, hash, 32);
}

const struct dlv_cand *dlv_cand_find(const struct dlv_node *n, const uint8_t hash[32])
{
    for (size_t i = 0; i < DLV_MAX_CANDS; i++)
        if (n->cands[i].p && !memcmp(n->cands[i].hash, hash, 32))
            return &n->cands[i];
    return NULL;
}

void dlv_cand_add(struct dlv_node *n, uint64_t height, const uint8_t hash[32], const uint8_t *p,
                  size_t len)
{
    if (dlv_cand_find(n, hash) || height <= n->height)
        return;
    struct dlv_cand *c = NULL;
    for (size_t i = 0; i < DLV_MAX_CANDS && !c; i++)
        if (!n->cands[i].p)
            c = &n->cands[i];
    if (!c) {
        c = &n->cands[n->cand_next];
        n->cand_next = (n->cand_next + 1) % DLV_MAX_CANDS;
        free(c->p);
    }
    c->p = malloc(len);
    c->len = c->p ? len : 0;
    if (c->p)
        memcpy(c->p, p, len);
    c->height = height;
    memcpy(c->hash, hash, 32);
}

static void prune(struct dlv_node *n)
{
    for (size_t i = 0; i < DLV_MAX_CANDS; i++)
        if (n->cands[i].p && n->cands[i].height <= n->height) {
            free(n->cands[i].p);
            memset(&n->cands[i], 0, sizeof n->cands[i]);
        }
    for (size_t i = 0; i < DLV_MAX_PENDING; i++)
        if (n->pend_valid[i].h <= n->height)
            n->pend_valid[i].used = 0;
}

/* --- engine callbacks ------------------------------------------------------------------------ */

static bt_status cb_sign(void *ctx, const uint8_t *bytes, size_t len, uint8_t sig[BFT_SIG_LEN])
{
    struct dlv_node *n = ctx;
    uint8_t d[32];
    bts_keccak256(d, bytes, len);
    return n->env.sign(n->env.self, d, sig);
}

static int cb_verify(void *ctx, uint32_t index, const uint8_t address[20], const uint8_t *bytes,
                     size_t len, const uint8_t sig[BFT_SIG_LEN])
{
    uint8_t d[32], a[20];
    (void)ctx, (void)index;
    bts_keccak256(d, bytes, len);
    return bts_secp_recover(a, d, sig, BTS_SECP_F_LOW_S) == BT_OK && !memcmp(a, address, 20);
}

static bt_status cb_wal(void *ctx, const struct bft_wal_rec *rec)
{
    struct dlv_node *n = ctx;
    const struct dlv_blob *b = dlv_blob_find(n, rec->last[BFT_PRECOMMIT - 1].ext_hash);
    return dlv_store_wal_write(n, rec, b ? b->p : NULL, b ? b->len : 0);
}

static void cb_ext(void *ctx, uint64_t height, uint8_t out_hash[32])
{
    struct dlv_node *n = ctx;
    struct dlv_side_result r[DLV_SIDE_MAX];
    uint8_t blob[BFT_EXT_MAX];
    size_t k = 0, len = 0;
    memset(out_hash, 0, 32);
    if (!n->app.side_results || height < 2 ||
        n->app.side_results(n->app.self, height - 1, r, DLV_SIDE_MAX, &k) != BT_OK || k == 0 ||
        k > DLV_SIDE_MAX || dlv_side_encode(r, k, blob, &len) != BT_OK || len == 0)
        return;
    bts_keccak256(out_hash, blob, len);
    dlv_blob_add(n, height, out_hash, blob, len);
}

/* --- engine lifecycle ------------------------------------------------------------------------ */

static void timer_fire(void *arg)
{
    struct dlv_timer *t = arg;
    struct dlv_node *n = t->n;
    if (t->prev)
        t->prev->next = t->next;
    else
        n->timers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    enum bft_timer k = t->t;
    uint64_t h = t->h;
    int32_t r = t->r;
    free(t);
    if (!n->e)
        return;
    struct bft_actions out = {.n = 0};
    (void)bft_engine_on_timeout(n->e, k, h, r, &out);
    dlv_node_run(n, &out);
}

static void timers_clear(struct dlv_node *n)
{
    while (n->timers) {
        struct dlv_timer *t = n->timers;
        n->timers = t->next;
        n->env.timer_del(n->env.self, t->id);
        free(t);
    }
}

static void engine_start(struct dlv_node *n)
{
    struct bft_config cfg = {.chain_id = n->cfg.chain_id,
                             .self = n->self,
                             .propose_base_ms = n->cfg.propose_ms,
                             .propose_delta_ms = n->cfg.propose_delta_ms,
                             .prevote_base_ms = n->cfg.vote_ms,
                             .prevote_delta_ms = n->cfg.vote_delta_ms,
                             .precommit_base_ms = n->cfg.vote_ms,
                             .precommit_delta_ms = n->cfg.vote_delta_ms,
                             .rebroadcast_ms = n->cfg.rebroadcast_ms,
                             .sign = cb_sign,
                             .verify = cb_verify,
                             .wal_write = cb_wal,
                             .ext = cb_ext,
                             .ctx = n};
    struct bft_wal_rec rec;
    struct bft_msg *pol = NULL;
    int has = dlv_store_wal_read(n, &rec, &pol) == BT_OK;
    bft_engine_free(n->e);
    n->e = NULL;
    n->gen++;
    if (bft_engine_init(&n->e, &cfg, n->height + 1, &n->set, has ? &rec : NULL) != BT_OK) {
        free(pol);
        n->halted = 1;
        dlv_node_log(n, 0, "dlv_engine_init_failed", "height=%llu",
                     (unsigned long long)(n->height + 1));
        return;
    }
    free(pol);
    n->height_start_ms = n->env.now_ms(n->env.self);
    struct bft_actions out = {.n = 0};
    (void)bft_engine_start(n->e, &out);
    dlv_node_run(n, &out);
}

static void next_height(void *arg)
{
    struct dlv_node *n = arg;
    n->next_timer = 0;
    if (n->started && !n->halted && !n->e && !n->pend_commit)
        engine_start(n);
    /* Still behind after a synced block: ask for the next one now that the engine can take
     * its certificate (asked earlier, the answer could come before this timer and be lost). */
    if (n->e && n->sync_peer && n->height + 1 < n->peer_top) {
        n->sync_req_ms = 0;
        dlv_net_sync_request(n, n->sync_peer, n->height + 1);
    }
}

/* --- blocks ---------------------------------------------------------------------------------- */

static void build_block(struct dlv_node *n, uint64_t h, int32_t r)
{
    struct dlv_block_hdr hdr;
    struct bts_buf txs, blk;
    uint8_t *cert = NULL, hash[32];
    size_t cert_len = 0;
    memset(&hdr, 0, sizeof hdr);
    hdr.height = h;
    uint64_t now = n->env.wall_ms(n->env.self);
    hdr.time_ms = now > n->last_time ? now : n->last_time + 1;
    memcpy(hdr.proposer, n->cfg.address, 20);
    memcpy(hdr.last_app_hash, n->app_hash, 32);
    bts_buf_init(&txs);
    bts_buf_init(&blk);
    if (h > 1 && dlv_store_get(n, "dlv/c/", h - 1, &cert, &cert_len) != BT_OK) {
        dlv_node_log(n, 1, "dlv_no_last_commit", "height=%llu", (unsigned long long)h);
        return;
    }
    struct bts_rlp_item top;
    const uint8_t *votes = NULL;
    size_t votes_len = 0;
    if (cert) {
        if (bts_rlp_decode(&top, cert, cert_len) != BT_OK || !top.is_list) {
            free(cert);
            return;
        }
        votes = top.payload;
        votes_len = top.payload_len;
        hdr.last_round = n->last_round;
    }
    size_t ntx = 0;
    for (size_t i = 0; i < n->mp.n && ntx < n->cfg.block_max_txs;) {
        const struct dlv_mp_tx *t = &n->mp.v[i];
        /* A tx admitted at an earlier height may no longer pass (e.g. a MsgCheckpoint once
         * another checkpoint is buffered): every other validator would refuse the whole block
         * (block_valid), round after round. Drop it, as Tendermint's mempool recheck after a
         * commit does. */
        if (n->app.check_tx(n->app.self, t->tx, t->len) != BT_OK) {
            uint8_t th[32];
            memcpy(th, t->hash, 32);
            dlv_mempool_remove(&n->mp, th);
            continue;
        }
        if (txs.len + t->len + 8 > n->cfg.block_max_bytes)
            break;
        if (bts_rlp_encode_bytes(&txs, t->tx, t->len) != BT_OK)
            break;
        ntx++;
        i++;
    }
    if (dlv_block_encode(&blk, &hdr, txs.data, txs.len, votes, votes_len) == BT_OK) {
        bts_keccak256(hash, blk.data, blk.len);
        dlv_cand_add(n, h, hash, blk.data, blk.len);
        struct bft_actions out = {.n = 0};
        (void)bft_engine_on_value(n->e, h, r, hash, &out);
        dlv_node_run(n, &out);
    }
    free(cert);
    bts_buf_free(&txs);
    bts_buf_free(&blk);
}

/* Validity of a proposed block for the current height (the VALIDATE question). */
static int block_valid(struct dlv_node *n, const struct dlv_cand *c)
{
    struct dlv_block b;
    if (dlv_block_decode(&b, c->p, c->len) != BT_OK || b.height != n->height + 1 ||
        memcmp(b.last_app_hash, n->app_hash, 32) != 0 || bts_valset_find(&n->set, b.proposer) < 0 ||
        (n->height > 0 && b.time_ms <= n->last_time) || b.n_txs > n->cfg.block_max_txs ||
        b.time_ms > n->env.wall_ms(n->env.self) + DLV_MAX_CLOCK_AHEAD_MS)
        return 0;
    size_t pos = 0;
    const uint8_t *tx;
    size_t len;
    bt_status st;
    while ((st = dlv_list_next(b.txs_raw, b.txs_raw_len, &pos, &tx, &len)) == BT_OK)
        if (len == 0 || len > DLV_TX_MAX || n->app.check_tx(n->app.self, tx, len) != BT_OK)
            return 0;
    if (st != BT_ENOTFOUND)
        return 0;
    if (n->height == 0)
        return 1;
    uint8_t prev[32];
    return dlv_store_block_hash(n, n->height, prev) == BT_OK &&
           dlv_store_cert_ok(n, n->height, prev, b.last_round, b.votes_raw, b.votes_raw_len) ==
               BT_OK;
}

static void answer_valid(struct dlv_node *n, uint64_t h, int32_t r, const uint8_t v[32])
{
    const struct dlv_cand *c = dlv_cand_find(n, v);
    if (!c) {
        for (size_t i = 0; i < DLV_MAX_PENDING; i++)
            if (!n->pend_valid[i].used) {
                n->pend_valid[i].used = 1;
                n->pend_valid[i].h = h;
                n->pend_valid[i].r = r;
                memcpy(n->pend_valid[i].v, v, 32);
                return;
            }
        return; /* too many open questions: the propose timer moves the round on */
    }
    int ok = c->height == h && block_valid(n, c);
    if (!ok)
        dlv_node_log(n, 1, "dlv_invalid_block", "height=%llu round=%d", (unsigned long long)h, r);
    struct bft_actions out = {.n = 0};
    (void)bft_engine_on_valid(n->e, h, r, v, ok, &out);
    dlv_node_run(n, &out);
}

void dlv_node_block_ready(struct dlv_node *n, const uint8_t hash[32])
{
    if (n->pend_commit && !memcmp(n->pend_v, hash, 32)) {
        const struct dlv_cand *c = dlv_cand_find(n, hash);
        if (c &&
            dlv_store_apply(n, c->p, c->len, n->pend_r, n->pend_cert, n->pend_cert_len) == BT_OK) {
            n->pend_commit = 0;
            free(n->pend_cert);
            n->pend_cert = NULL;
            prune(n);
            /* the next height starts from a timer (Tendermint's timeout_commit), never inside
             * this call chain: a lone validator would otherwise recurse height after height.
             * A node catching up (peers are heights ahead) waits for no late precommits: the
             * wait would cap its sync at one height per timeout_commit, about the rate the
             * others commit at, so a restarted validator would never catch up. */
            uint64_t wait = n->height + 1 < n->peer_top ? 0 : n->cfg.commit_wait_ms;
            if (n->env.timer_add(n->env.self, wait, next_height, n, &n->next_timer) != BT_OK)
                engine_start(n);
        }
        return;
    }
    for (size_t i = 0; i < DLV_MAX_PENDING && n->e; i++)
        if (n->pend_valid[i].used && !memcmp(n->pend_valid[i].v, hash, 32)) {
            n->pend_valid[i].used = 0;
            answer_valid(n, n->pend_valid[i].h, n->pend_valid[i].r, hash);
        }
}

static void on_commit(struct dlv_node *n, const struct bft_action *a)
{
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    if (dlv_store_cert_encode(n, a->cert, a->cert_n, &cert, &cert_len) != BT_OK) {
        n->halted = 1;
        return;
    }
    bft_engine_free(n->e); /* the node restarts it at the next height with the next set */
    n->e = NULL;
    n->gen++;
    timers_clear(n);
    metric(n, DLV_METRIC_COMMIT_MS, (double)(n->env.now_ms(n->env.self) - n->height_start_ms));
    n->pend_commit = 1;
    n->pend_h = a->height;
    n->pend_r = a->round;
    memcpy(n->pend_v, a->value, 32);
    free(n->pend_cert);
    n->pend_cert = cert;
    n->pend_cert_len = cert_len;
    if (dlv_cand_find(n, a->value))
        dlv_node_block_ready(n, a->value);
    else /* decided without the block: fetch it from whoever has it */
        dlv_net_sync_request(n, DLV_PEER_ALL, a->height);
}

void dlv_node_run(struct dlv_node *n, struct bft_actions *out)
{
    uint64_t gen = n->gen;
    for (size_t i = 0; i < out->n && n->gen == gen && n->e; i++) {
        const struct bft_action *a = &out->a[i];
        switch (a->kind) {
        case BFT_ACT_BROADCAST: {
            struct bts_buf b;
            bts_buf_init(&b);
            if (a->msg.type == BFT_PROPOSAL && (int32_t)a->msg.validator == n->self) {
                const struct dlv_cand *c = dlv_cand_find(n, a->msg.value);
                if (c)
                    dlv_net_send_parts(n, c); /* the block before the proposal naming it */
            }
            if (dlv_net_encode_vote(n, &a->msg, &b) == BT_OK)
                (void)n->env.send(n->env.self, DLV_TOPIC_CONS, DLV_PEER_ALL, b.data, b.len);
            bts_buf_free(&b);
            break;
        }
        case BFT_ACT_TIMER: {
            struct dlv_timer *t = calloc(1, sizeof *t);
            if (!t)
                break;
            t->n = n;
            t->t = a->timer;
            t->h = a->height;
            t->r = a->round;
            if (n->env.timer_add(n->env.self, a->delay_ms, timer_fire, t, &t->id) != BT_OK) {
                free(t);
                break;
            }
            t->next = n->timers;
            if (n->timers)
                n->timers->prev = t;
            n->timers = t;
            metric(n, DLV_METRIC_ROUND, a->round);
            break;
        }
        case BFT_ACT_GET_VALUE:
            build_block(n, a->height, a->round);
            break;
        case BFT_ACT_VALIDATE:
            answer_valid(n, a->height, a->round, a->value);
            break;
        case BFT_ACT_COMMIT:
            on_commit(n, a);
            return;
        case BFT_ACT_EVIDENCE:
            dlv_node_log(n, 1, "dlv_double_sign_evidence", "height=%llu round=%d validator=%u",
                         (unsigned long long)a->height, a->round, a->validator);
            (void)dlv_store_evidence(n, &a->msg, &a->msg2);
            break;
        case BFT_ACT_CATCHUP:
            if (n->cur_peer)
                dlv_net_sync_serve(n, n->cur_peer, a->height);
            break;
        }
    }
}

/* --- API ------------------------------------------------------------------------------------- */

bt_status dlv_node_new(struct dlv_node **out, const struct dlv_node_config *cfg,
                       const struct dlv_env *env, const struct dlv_app *app)
{
    *out = NULL;
    if (!cfg || !env || !app || !cfg->chain_id || !env->now_ms || !env->wall_ms ||
        !env->timer_add || !env->timer_del || !env->send || !env->sign || !env->get ||
        !env->write || !app->info || !app->valset || !app->check_tx || !app->begin_block ||
        !app->deliver_tx || !app->end_block || !app->commit)
        return BT_EINVAL;
    struct dlv_node *n = calloc(1, sizeof *n);
    if (!n)
        return BT_ENOMEM;
    n->cfg = *cfg;
    n->env = *env;
    n->app = *app;
#define DEF(f, v)                                                                                  \
    if (!n->cfg.f)                                                                                 \
    n->cfg.f = v
    DEF(propose_ms, 3000);
    DEF(propose_delta_ms, 500);
    DEF(vote_ms, 1000);
    DEF(vote_delta_ms, 500);
    DEF(rebroadcast_ms, 1000);
    DEF(block_max_txs, 1000);
    DEF(block_max_bytes, 512u * 1024u);
    DEF(mempool_max_txs, 5000);
    DEF(mempool_max_bytes, 16u * 1024u * 1024u);
#undef DEF
    if (n->cfg.block_max_bytes > DLV_BLOCK_MAX / 2)
        n->cfg.block_max_bytes = DLV_BLOCK_MAX / 2;
    bts_valset_init(&n->set);
    dlv_mempool_init(&n->mp, n->cfg.mempool_max_txs, n->cfg.mempool_max_bytes);
    n->self = -1;
    *out = n;
    return BT_OK;
}

bt_status dlv_node_start(struct dlv_node *n)
{
    bt_status st = dlv_store_load(n);
    if (st != BT_OK)
        return st;
    n->started = 1;
    engine_start(n);
    return n->halted ? BT_EIO : BT_OK;
}

void dlv_node_stop(struct dlv_node *n)
{
    if (!n)
        return;
    timers_clear(n);
    if (n->next_timer)
        n->env.timer_del(n->env.self, n->next_timer);
    n->next_timer = 0;
    bft_engine_free(n->e);
    n->e = NULL;
    n->gen++;
    n->started = 0;
}

void dlv_node_free(struct dlv_node *n)
{
    if (!n)
        return;
    dlv_node_stop(n);
    for (size_t i = 0; i < n->n_blobs; i++)
        free(n->blobs[i].p);
    for (size_t i = 0; i < DLV_MAX_CANDS; i++)
        free(n->cands[i].p);
    for (size_t i = 0; i < DLV_MAX_PARTS; i++) {
        free(n->parts[i].have);
        free(n->parts[i].buf);
    }
    free(n->pend_cert);
    bts_valset_free(&n->set);
    dlv_mempool_free(&n->mp);
    free(n);
}

void dlv_node_status(const struct dlv_node *n, struct dlv_node_status *out)
{
    memset(out, 0, sizeof *out);
    out->height = n->height;
    memcpy(out->app_hash, n->app_hash, 32);
    out->cur_height = n->height + 1;
    if (n->e) {
        uint64_t h;
        enum bft_step s;
        bft_engine_status(n->e, &h, &out->round, &s);
    }
    out->mempool_txs = n->mp.n;
    out->halted = n->halted;
}

bt_status dlv_node_block(struct dlv_node *n, uint64_t height, uint8_t **out_block, size_t *out_len,
                         uint8_t **out_cert, size_t *out_cert_len)
{
    *out_block = *out_cert = NULL;
    bt_status st = dlv_store_get(n, "dlv/b/", height, out_block, out_len);
    if (st == BT_OK)
        st = dlv_store_get(n, "dlv/c/", height, out_cert, out_cert_len);
    if (st != BT_OK) {
        free(*out_block);
        *out_block = NULL;
    }
    return st;
}
