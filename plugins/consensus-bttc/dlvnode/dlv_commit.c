/* Committing a block: the application's begin/deliver/end/commit, then one atomic storage batch
 * with the app's writes, the block, its certificate, the head and the next validator set; and
 * the start-up rule that reconciles app and store. */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "dlv_store.h"

static bt_status put_h(struct dlv_batch *b, const char *prefix, uint64_t h, const uint8_t *v,
                       size_t len)
{
    uint8_t key[16];
    size_t l = strlen(prefix);
    memcpy(key, prefix, l);
    dlv_put_be64(key + l, h);
    return dlv_batch_add(b, BT_STORAGE_PUT, key, l + 8, v, len);
}

/* Validator sets as stored (dlv_store.c has the reader; this is the writer's twin). */
static bt_status put_set(struct dlv_batch *b, uint64_t h, const struct bts_valset *s)
{
    uint8_t *p = malloc(s->n * 36 + 1);
    if (!p)
        return BT_ENOMEM;
    for (size_t i = 0; i < s->n; i++) {
        memcpy(p + 36 * i, s->v[i].address, 20);
        dlv_put_be64(p + 36 * i + 20, (uint64_t)s->v[i].power);
        dlv_put_be64(p + 36 * i + 28, (uint64_t)s->v[i].priority);
    }
    bt_status st = put_h(b, "dlv/v/", h, p, s->n * 36);
    free(p);
    return st;
}

/* set(h+1) = set(h) with end_block(h-1)'s updates, incremented once (dlv_node.h). */
static bt_status next_set(struct dlv_node *n, uint64_t h, struct bts_valset *out)
{
    uint8_t *u = NULL;
    size_t len = 0;
    bt_status st = bts_valset_copy(out, &n->set);
    if (st != BT_OK)
        return st;
    if (h > 1) {
        st = dlv_store_get(n, "dlv/u/", h - 1, &u, &len);
        if (st == BT_ENOTFOUND)
            st = BT_OK, len = 0;
        if (st != BT_OK)
            return st;
    }
    if (len % 28) {
        free(u);
        return BT_EIO;
    }
    if (len) {
        struct bts_validator *c = calloc(len / 28, sizeof *c);
        if (!c) {
            free(u);
            return BT_ENOMEM;
        }
        for (size_t i = 0; i < len / 28; i++) {
            memcpy(c[i].address, u + 28 * i, 20);
            c[i].power = (int64_t)dlv_get_be64(u + 28 * i + 20);
        }
        st = bts_valset_update(out, c, len / 28, 1);
        free(c);
    }
    free(u);
    if (st == BT_OK)
        st = bts_valset_increment(out, 1);
    return st;
}

/* The last commit as begin_block sees it: every validator of set(h-1), with its vote. */
static bt_status last_commit(struct dlv_node *n, const struct dlv_block *b,
                             struct dlv_commit_vote **out_v, struct dlv_side_result **out_r,
                             size_t *out_n)
{
    struct bts_valset s;
    *out_v = NULL;
    *out_r = NULL;
    *out_n = 0;
    if (b->height == 1)
        return BT_OK;
    bts_valset_init(&s);
    uint8_t *p;
    size_t len;
    bt_status st = dlv_store_get(n, "dlv/v/", b->height - 1, &p, &len);
    if (st != BT_OK)
        return BT_EIO;
    size_t cnt = len / 36;
    struct dlv_commit_vote *v = calloc(cnt + 1, sizeof *v);
    struct dlv_side_result *r = calloc(cnt * DLV_SIDE_MAX + 1, sizeof *r);
    if (!v || !r) {
        free(p);
        free(v);
        free(r);
        return BT_ENOMEM;
    }
    for (size_t i = 0; i < cnt; i++) {
        memcpy(v[i].validator, p + 36 * i, 20);
        v[i].power = (int64_t)dlv_get_be64(p + 36 * i + 20);
        v[i].side = r + i * DLV_SIDE_MAX;
    }
    free(p);
    size_t pos = 0;
    const uint8_t *vp;
    size_t vl;
    while (dlv_list_next(b->votes_raw, b->votes_raw_len, &pos, &vp, &vl) == BT_OK) {
        struct bft_msg m;
        const uint8_t *ext;
        size_t ext_len;
        if (bft_msg_decode_ext(&m, vp, vl, &ext, &ext_len) != BT_OK || m.validator >= cnt)
            continue; /* checked when the block was validated */
        struct dlv_commit_vote *cv = &v[m.validator];
        cv->signed_block = 1;
        if (ext_len &&
            dlv_side_decode((struct dlv_side_result *)cv->side, &cv->side_n, ext, ext_len) != BT_OK)
            cv->side_n = 0;
    }
    *out_v = v;
    *out_r = r;
    *out_n = cnt;
    return BT_OK;
}

bt_status dlv_store_apply(struct dlv_node *n, const uint8_t *block, size_t len, int32_t round,
                          const uint8_t *cert, size_t cert_len)
{
    struct dlv_block b;
    struct dlv_block_info bi;
    struct dlv_commit_vote *votes = NULL;
    struct dlv_side_result *res = NULL;
    struct dlv_last_commit lc;
    struct dlv_batch batch;
    struct bts_valset ns;
    const struct dlv_valset_update *up = NULL;
    size_t up_n = 0, nv = 0;
    uint8_t app_hash[32];
    bt_status st = dlv_block_decode(&b, block, len);
    if (st != BT_OK || b.height != n->height + 1)
        return BT_EINVAL;
    dlv_batch_init(&batch);
    bts_valset_init(&ns);
    memset(&bi, 0, sizeof bi);
    bi.height = b.height;
    bi.time_ms = b.time_ms;
    memcpy(bi.proposer, b.proposer, 20);
    bts_keccak256(bi.hash, block, len);
    memcpy(bi.last_app_hash, b.last_app_hash, 32);
    st = last_commit(n, &b, &votes, &res, &nv);
    memset(&lc, 0, sizeof lc);
    lc.height = b.height - 1;
    lc.round = b.last_round;
    lc.votes = votes;
    lc.n = nv;
    if (st == BT_OK)
        st = n->app.begin_block(n->app.self, &bi, &lc);
    size_t pos = 0;
    const uint8_t *tx;
    size_t tl;
    while (st == BT_OK && dlv_list_next(b.txs_raw, b.txs_raw_len, &pos, &tx, &tl) == BT_OK) {
        uint32_t code = 0;
        st = n->app.deliver_tx(n->app.self, tx, tl, &code);
    }
    if (st == BT_OK)
        st = n->app.end_block(n->app.self, b.height, &up, &up_n);
    if (st == BT_OK) {
        uint8_t *u = malloc(up_n * 28 + 1);
        if (!u)
            st = BT_ENOMEM;
        for (size_t i = 0; u && i < up_n; i++) {
            memcpy(u + 28 * i, up[i].address, 20);
            dlv_put_be64(u + 28 * i + 20, (uint64_t)up[i].power);
        }
        if (st == BT_OK && up_n)
            st = put_h(&batch, "dlv/u/", b.height, u, up_n * 28);
        free(u);
    }
    if (st == BT_OK)
        st = n->app.commit(n->app.self, &batch, app_hash);
    if (st == BT_OK)
        st = next_set(n, b.height, &ns);
    if (st == BT_OK)
        st = put_set(&batch, b.height + 1, &ns);
    if (st == BT_OK)
        st = put_h(&batch, "dlv/b/", b.height, block, len);
    if (st == BT_OK)
        st = put_h(&batch, "dlv/c/", b.height, cert, cert_len);
    uint8_t head[8 + 32 + 8 + 4];
    dlv_put_be64(head, b.height);
    memcpy(head + 8, app_hash, 32);
    dlv_put_be64(head + 40, b.time_ms);
    for (int i = 0; i < 4; i++)
        head[48 + i] = (uint8_t)((uint32_t)round >> (24 - 8 * i));
    if (st == BT_OK)
        st = dlv_batch_add(&batch, BT_STORAGE_PUT, (const uint8_t *)"dlv/head", 8, head,
                           sizeof head);
    if (st == BT_OK)
        st = n->env.write(n->env.self, batch.ops, batch.n);
    if (st == BT_OK) {
        n->height = b.height;
        memcpy(n->app_hash, app_hash, 32);
        n->last_time = b.time_ms;
        n->last_round = round;
        bts_valset_free(&n->set);
        n->set = ns;
        bts_valset_init(&ns);
        n->self = n->cfg.has_key ? (int32_t)bts_valset_find(&n->set, n->cfg.address) : -1;
        pos = 0;
        while (dlv_list_next(b.txs_raw, b.txs_raw_len, &pos, &tx, &tl) == BT_OK) {
            uint8_t h[32];
            bts_keccak256(h, tx, tl);
            dlv_mempool_remove(&n->mp, h);
        }
        if (n->env.metric) {
            n->env.metric(n->env.self, DLV_METRIC_HEIGHT, (double)n->height);
            n->env.metric(n->env.self, DLV_METRIC_MEMPOOL, (double)n->mp.n);
        }
        dlv_node_log(n, 2, "dlv_commit", "height=%llu round=%d txs=%zu app_hash=%02x%02x%02x%02x",
                     (unsigned long long)b.height, round, b.n_txs, app_hash[0], app_hash[1],
                     app_hash[2], app_hash[3]);
    } else {
        n->halted = 1; /* the app may hold half a block: stop rather than fork */
        dlv_node_log(n, 0, "dlv_commit_failed", "height=%llu status=%d",
                     (unsigned long long)b.height, (int)st);
    }
    free(votes);
    free(res);
    bts_valset_free(&ns);
    dlv_batch_free(&batch);
    return st;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bt_status dlv_store_load(struct dlv_node *n)
{
    uint8_t *p;
    size_t len;
    uint64_t app_h = 0;
    uint8_t app_hash[32];
    bt_status st = n->env.get(n->env.self, (const uint8_t *)"dlv/head", 8, &p, &len);
    if (st == BT_ENOTFOUND) { /* first start: the genesis set */
        struct bts_valset g;
        struct dlv_batch b;
        bts_valset_init(&g);
        st = n->app.valset(n->app.self, 1, &g);
        if (st == BT_OK) {
            if (g.n == 0)
                st = BT_EINVAL;
            else
                st = bts_valset_new(&n->set, g.v, g.n);
        }
        bts_valset_free(&g);
        if (st != BT_OK)
            return st;
        dlv_batch_init(&b);
        st = put_set(&b, 1, &n->set);
        if (st == BT_OK)
            st = n->env.write(n->env.self, b.ops, b.n);
        dlv_batch_free(&b);
        n->height = 0;
    } else if (st == BT_OK) {
        if (len != 52) {
            free(p);
            return BT_EIO;
        }
        n->height = dlv_get_be64(p);
        memcpy(n->app_hash, p + 8, 32);
        n->last_time = dlv_get_be64(p + 40);
        n->last_round = (int32_t)rd32(p + 48);
        free(p);
        st = dlv_store_set_load(n, n->height + 1, &n->set);
    }
    if (st != BT_OK)
        return st;
    n->self = n->cfg.has_key ? (int32_t)bts_valset_find(&n->set, n->cfg.address) : -1;
    st = n->app.info(n->app.self, &app_h, app_hash);
    if (st != BT_OK)
        return st;
    if (app_h > n->height) {
        dlv_node_log(n, 0, "dlv_app_ahead_of_store", "app=%llu store=%llu",
                     (unsigned long long)app_h, (unsigned long long)n->height);
        return BT_EIO;
    }
    if (app_h < n->height) {
        /* An app keeping state outside the commit batch lost its last commits: replay them
         * from the block store (the store keeps them; the writes are idempotent). */
        uint64_t top = n->height;
        dlv_node_log(n, 1, "dlv_replay", "from=%llu to=%llu", (unsigned long long)(app_h + 1),
                     (unsigned long long)top);
        n->height = app_h;
        memcpy(n->app_hash, app_hash, 32);
        st = dlv_store_set_load(n, app_h + 1, &n->set);
        while (st == BT_OK && n->height < top) {
            uint8_t *blk, *cert;
            size_t bl, cl;
            st = dlv_node_block(n, n->height + 1, &blk, &bl, &cert, &cl);
            if (st != BT_OK)
                break;
            struct dlv_block nb;
            uint8_t *hd;
            size_t hl;
            int32_t r = 0;
            /* the round of height k is in block k+1 (or the head for the top one) */
            if (n->height + 1 < top &&
                dlv_store_get(n, "dlv/b/", n->height + 2, &hd, &hl) == BT_OK) {
                if (dlv_block_decode(&nb, hd, hl) == BT_OK)
                    r = nb.last_round;
                free(hd);
            } else {
                r = n->last_round;
            }
            int32_t keep = n->last_round;
            st = dlv_store_apply(n, blk, bl, r, cert, cl);
            if (n->height == top)
                n->last_round = keep;
            free(blk);
            free(cert);
        }
    } else if (n->height > 0 && memcmp(app_hash, n->app_hash, 32) != 0) {
        dlv_node_log(n, 0, "dlv_app_hash_mismatch", "height=%llu", (unsigned long long)n->height);
        return BT_EIO;
    }
    return st;
}
