/* Delivery application life cycle (dlv_app.h): open, begin/deliver/end/commit, the side-tx
 * store and tally of PROTOCOL.md §4.1, validator-set maintenance of §4.3.3. */
#include <stdlib.h>
#include <string.h>

#include <bts/hash.h>
#include <bts/keccak.h>

#include "dlv_app_int.h"

static void meta_key(struct dlv_key *k)
{
    dlv_key_init(k, DLV_T_META);
}

static bt_status resume_checks(struct dlv_application *a);

bt_status dlv_app_open(struct dlv_application **out, const struct dlv_app_config *cfg)
{
    *out = NULL;
    struct dlv_application *a = calloc(1, sizeof *a);
    if (!a)
        return BT_ENOMEM;
    a->oracle = cfg->oracle;
    a->oracle_self = cfg->oracle_self;
    a->sign = cfg->sign;
    a->sign_ctx = cfg->sign_ctx;
    bt_status st = dlv_state_load(&a->st, cfg->kv, cfg->kv_self);
    if (st != BT_OK) {
        free(a);
        return st;
    }
    struct dlv_key k;
    meta_key(&k);
    const uint8_t *v;
    size_t n;
    st = dlv_state_get(&a->st, &k, &v, &n);
    if (st == BT_OK) {
        struct dlv_rd r = {v, n, 0};
        a->height = dlv_r_u64(&r);
        dlv_r_bytes(&r, a->app_hash, 32);
        st = r.bad || r.n ? BT_EIO : dlv_app_load_params(a);
        a->have_genesis = st == BT_OK;
    } else if (st == BT_ENOTFOUND) {
        st = BT_OK;
    }
    /* The votes this validator still owes: the side txs of the last committed height (its
     * precommit of height+1 carries them), checked again after a restart. */
    if (st == BT_OK && a->have_genesis && a->height > 2)
        st = resume_checks(a);
    if (st != BT_OK) {
        dlv_app_free(a);
        return st;
    }
    *out = a;
    return BT_OK;
}

void dlv_app_free(struct dlv_application *a)
{
    if (!a)
        return;
    if (a->oracle && a->oracle->cancel_all)
        a->oracle->cancel_all(a->oracle_self);
    dlv_side_free_all(a);
    dlv_state_free(&a->st);
    free(a->updates);
    free(a->block_side);
    free(a);
}

bt_status dlv_app_info(const struct dlv_application *a, uint64_t *out_height, uint8_t out_hash[32])
{
    if (!a->have_genesis)
        return BT_ENOTFOUND;
    *out_height = a->height;
    memcpy(out_hash, a->app_hash, 32);
    return BT_OK;
}

const char *dlv_app_chain_id(const struct dlv_application *a)
{
    return a->have_genesis ? a->p.chain_id : NULL;
}

bt_status dlv_app_valset(const struct dlv_application *a, struct bts_valset *out)
{
    if (!a->have_genesis)
        return BT_ENOTFOUND;
    return dlv_get_valset((struct dlv_application *)a, out, 1);
}

/* Decode, verify and validate a tx; the deliver-stage handler runs in the tx overlay, which
 * the caller commits or aborts. */
static uint32_t run_tx(struct dlv_application *a, const uint8_t *tx, size_t tx_len,
                       struct dlv_tx *out, char *err, size_t err_cap)
{
    if (dlv_tx_decode(out, tx, tx_len, err, err_cap) != BT_OK)
        return DLV_CODE_DECODE;
    if (dlv_tx_verify(out, a->p.chain_id) != BT_OK) {
        if (err && err_cap)
            strncpy(err, "tx: bad signature or signer", err_cap - 1), err[err_cap - 1] = 0;
        return DLV_CODE_SIG;
    }
    if (dlv_msg_validate(&out->msg, err, err_cap) != BT_OK)
        return DLV_CODE_INVALID;
    if (dlv_handle(a, &out->msg, err, err_cap) != BT_OK)
        return DLV_CODE_REFUSED;
    return DLV_CODE_OK;
}

bt_status dlv_app_check_tx(struct dlv_application *a, const uint8_t *tx, size_t tx_len, char *err,
                           size_t err_cap)
{
    if (err && err_cap)
        err[0] = 0;
    if (!a->have_genesis || (!tx && tx_len))
        return BT_EINVAL;
    struct dlv_tx t;
    uint32_t code = run_tx(a, tx, tx_len, &t, err, err_cap);
    dlv_state_tx_abort(&a->st);
    dlv_tx_free(&t);
    return code == DLV_CODE_OK ? BT_OK : BT_EINVAL;
}

static void side_key(struct dlv_key *k, uint64_t height, const uint8_t *hash)
{
    dlv_key_init(k, DLV_T_SIDE_TX);
    dlv_key_u64(k, height);
    if (hash)
        dlv_key_bytes(k, hash, 32);
}

/* --- side-tx tally (§4.1 step 4) ---------------------------------------------------------- */

struct stored_tx {
    uint8_t hash[32];
    uint8_t *bytes;
    size_t len;
};

struct stored_list {
    struct stored_tx *v;
    size_t n, cap;
    bt_status st;
};

static int collect_side(void *arg, const uint8_t *key, size_t key_len, const uint8_t *val,
                        size_t val_len)
{
    struct stored_list *l = arg;
    if (key_len != DLV_KEY_PREFIX_LEN + 1 + 8 + 32) {
        l->st = BT_EIO;
        return 1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct stored_tx *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            l->st = BT_ENOMEM;
            return 1;
        }
        l->v = nv;
        l->cap = cap;
    }
    struct stored_tx *t = &l->v[l->n];
    memcpy(t->hash, key + key_len - 32, 32);
    t->bytes = malloc(val_len ? val_len : 1);
    if (!t->bytes) {
        l->st = BT_ENOMEM;
        return 1;
    }
    memcpy(t->bytes, val, val_len);
    t->len = val_len;
    l->n++;
    return 0;
}

static void tally(const uint8_t hash[32], const struct dlv_commit_val *last, size_t n_last,
                  int64_t *yes, int64_t *no)
{
    *yes = *no = 0;
    for (size_t i = 0; i < n_last; i++) {
        /* Each validator counted once: its first vote for the tx. */
        for (size_t j = 0; j < last[i].n_side; j++) {
            if (memcmp(last[i].side[j].tx_hash, hash, 32) != 0)
                continue;
            if (last[i].side[j].result == BTS_DLVSIDE_YES)
                *yes += last[i].power;
            else if (last[i].side[j].result == BTS_DLVSIDE_NO)
                *no += last[i].power;
            break;
        }
    }
}

static bt_status run_post(struct dlv_application *a, const struct stored_tx *t,
                          enum bts_dlvside_result r)
{
    struct dlv_tx tx;
    if (dlv_tx_decode(&tx, t->bytes, t->len, NULL, 0) != BT_OK)
        return BT_OK; /* stored by us after decoding: cannot happen; nothing to apply */
    bt_status st = dlv_post(a, &tx.msg, t->hash, r);
    dlv_tx_free(&tx);
    if (st == BT_ENOMEM || st == BT_EIO) {
        dlv_state_tx_abort(&a->st);
        return st;
    }
    if (st != BT_OK) {
        dlv_state_tx_abort(&a->st); /* refused by the post-handler: no effect */
        return BT_OK;
    }
    return dlv_state_tx_commit(&a->st);
}

/* Remove a stored side tx of H - 2 and run its post-handler with the tally of the votes. */
static bt_status post_one(struct dlv_application *a, const struct stored_tx *t,
                          const struct dlv_commit_val *last, size_t n_last, int64_t total)
{
    struct dlv_key tk;
    bt_status st;
    side_key(&tk, a->cur_height - 2, t->hash);
    if ((st = dlv_state_del(&a->st, &tk)) != BT_OK || (st = dlv_state_tx_commit(&a->st)) != BT_OK)
        return st;
    int64_t yes, no;
    enum bts_dlvside_result r = BTS_DLVSIDE_SKIP;
    tally(t->hash, last, n_last, &yes, &no);
    /* No validators in the last commit (upstream returns early): everything is Skip. */
    if (total > 0 && bts_dlvside_tally(&r, yes, no, total) != BT_OK)
        r = BTS_DLVSIDE_SKIP;
    return run_post(a, t, r);
}

/* Post-handling order (§4.1 step 4): the side txs named by the last commit's votes, in the
 * order they first appear there (commit order of the votes, then each vote's own list, as
 * tendermint's getBeginSideBlockData builds BeginSideBlock's list), then the stored ones no
 * vote names, in store (tx hash) order (bttcprotocol/delivery@v1.0.9:app/side_tx_processor.go
 * BeginSideBlocker). The order matters: post-handlers of one height see each other's effects
 * (sequence numbers, ack counts, validator updates). */
static bt_status begin_side(struct dlv_application *a, const struct dlv_commit_val *last,
                            size_t n_last)
{
    if (a->cur_height <= 2)
        return BT_OK;
    int64_t total = 0;
    for (size_t i = 0; i < n_last; i++)
        total += last[i].power > 0 ? last[i].power : 0;
    struct dlv_key k;
    side_key(&k, a->cur_height - 2, NULL);
    struct stored_list l = {0};
    bt_status st = dlv_state_iter(&a->st, &k, 0, collect_side, &l);
    if (st == BT_OK)
        st = l.st;
    uint8_t *done = st == BT_OK && l.n ? calloc(l.n, 1) : NULL;
    if (st == BT_OK && l.n && !done)
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < n_last; i++)
        for (size_t j = 0; st == BT_OK && j < last[i].n_side; j++)
            for (size_t t = 0; t < l.n; t++) {
                if (done[t] || memcmp(l.v[t].hash, last[i].side[j].tx_hash, 32) != 0)
                    continue;
                done[t] = 1;
                st = post_one(a, &l.v[t], last, n_last, total);
                break;
            }
    for (size_t t = 0; st == BT_OK && t < l.n; t++)
        if (!done[t])
            st = post_one(a, &l.v[t], last, n_last, total);
    free(done);
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i].bytes);
    free(l.v);
    return st;
}

bt_status dlv_app_begin_block(struct dlv_application *a, uint64_t height, uint64_t time_ms,
                              const uint8_t proposer[20], const struct dlv_commit_val *last,
                              size_t n_last)
{
    if (!a->have_genesis || a->in_block || height != a->height + 1 || (!last && n_last))
        return BT_EINVAL;
    a->in_block = 1;
    a->cur_height = height;
    a->cur_time_ms = time_ms;
    memcpy(a->cur_proposer, proposer, 20);
    a->n_block_side = 0;
    a->n_updates = 0;
    bt_status st = begin_side(a, last, n_last);
    if (st != BT_OK) {
        dlv_state_block_abort(&a->st);
        a->in_block = 0;
    }
    return st;
}

bt_status dlv_app_deliver_tx(struct dlv_application *a, const uint8_t *tx, size_t tx_len,
                             uint32_t *out_code)
{
    *out_code = DLV_CODE_DECODE;
    if (!a->in_block)
        return BT_EINVAL;
    if (!tx && tx_len)
        return BT_OK;
    struct dlv_tx t;
    uint32_t code = run_tx(a, tx, tx_len, &t, NULL, 0);
    bt_status st = BT_OK;
    if (code == DLV_CODE_OK && dlv_msg_is_side(t.msg.type) && a->cur_height > 2) {
        /* Stored for its votes (upstream PostDeliverTxHandler: heights <= 2 are not stored). */
        uint8_t hash[32];
        struct dlv_key k;
        st = bts_sha256(hash, tx, tx_len);
        side_key(&k, a->cur_height, hash);
        if (st == BT_OK)
            st = dlv_state_put(&a->st, &k, tx, tx_len);
        if (st == BT_OK && a->n_block_side == a->cap_block_side) {
            size_t cap = a->cap_block_side ? 2 * a->cap_block_side : 8;
            uint8_t(*nv)[32] = realloc(a->block_side, cap * 32);
            if (!nv)
                st = BT_ENOMEM;
            else {
                a->block_side = nv;
                a->cap_block_side = cap;
            }
        }
        if (st == BT_OK)
            memcpy(a->block_side[a->n_block_side++], hash, 32);
    }
    if (code == DLV_CODE_OK && st == BT_OK)
        st = dlv_state_tx_commit(&a->st);
    else
        dlv_state_tx_abort(&a->st);
    dlv_tx_free(&t);
    *out_code = code;
    return st;
}

/* --- end block (§4.3.3) ---------------------------------------------------------------- */

bt_status dlv_app_end_block(struct dlv_application *a, uint64_t height,
                            const struct dlv_val_update **out, size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    if (!a->in_block || height != a->cur_height)
        return BT_EINVAL;
    struct bts_valset vs;
    bts_valset_init(&vs);
    struct dlv_validator *all = NULL;
    size_t n = 0;
    bt_status st = dlv_get_valset(a, &vs, 0);
    if (st == BT_OK)
        st = dlv_list_validators(a, &all, &n, 0);
    uint64_t acks = dlv_ack_count(a, DLV_ROOT_TRON, 0);
    struct bts_validator *ch = NULL;
    size_t nch = 0;
    if (st == BT_OK && n && !(ch = calloc(n, sizeof *ch)))
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        long idx = bts_valset_find(&vs, all[i].signer);
        int cur = dlv_val_is_current(&all[i], acks);
        if (idx >= 0 && !cur) {
            memcpy(ch[nch].address, all[i].signer, 20);
            ch[nch++].power = 0;
        } else if (cur && (idx < 0 || vs.v[idx].power != all[i].power)) {
            memcpy(ch[nch].address, all[i].signer, 20);
            ch[nch++].power = all[i].power;
        }
    }
    if (st == BT_OK && nch) {
        st = bts_valset_update(&vs, ch, nch, 1);
        if (st == BT_OK)
            st = bts_valset_increment(&vs, 1);
        if (st == BT_OK)
            st = dlv_put_valset(a, &vs);
        if (st == BT_OK)
            st = dlv_state_tx_commit(&a->st);
        else
            dlv_state_tx_abort(&a->st);
        if (st == BT_OK) {
            struct dlv_val_update *u = realloc(a->updates, nch * sizeof *u);
            if (!u)
                st = BT_ENOMEM;
            else {
                a->updates = u;
                for (size_t i = 0; i < nch; i++) {
                    memcpy(u[i].address, ch[i].address, 20);
                    u[i].power = ch[i].power;
                }
                a->n_updates = nch;
                *out = u;
                *out_n = nch;
            }
        }
    }
    free(ch);
    free(all);
    bts_valset_free(&vs);
    return st;
}

/* --- commit ----------------------------------------------------------------------------- */

bt_status dlv_app_commit_height(struct dlv_application *a, uint64_t height,
                                bt_status (*sink)(void *, const struct dlv_kv_op *, size_t),
                                void *sink_arg)
{
    uint8_t d[32], buf[32 + 8 + 32], hash[32], meta[40];
    dlv_state_block_digest(&a->st, d);
    memcpy(buf, height == 0 ? (const uint8_t[32]){0} : a->app_hash, 32);
    for (int i = 0; i < 8; i++)
        buf[32 + i] = (uint8_t)(height >> (56 - 8 * i));
    memcpy(buf + 40, d, 32);
    bts_keccak256(hash, buf, sizeof buf);
    for (int i = 0; i < 8; i++)
        meta[i] = (uint8_t)(height >> (56 - 8 * i));
    memcpy(meta + 8, hash, 32);
    struct dlv_key k;
    meta_key(&k);
    struct dlv_kv_op op = {k.b, k.n, meta, sizeof meta};
    bt_status st = dlv_state_block_commit(&a->st, &op, 1, sink, sink_arg);
    if (st != BT_OK)
        return st;
    a->height = height;
    memcpy(a->app_hash, hash, 32);
    return BT_OK;
}

static int cmp_hash(const void *x, const void *y)
{
    return memcmp(x, y, 32);
}

bt_status dlv_app_commit(struct dlv_application *a,
                         bt_status (*sink)(void *arg, const struct dlv_kv_op *ops, size_t n),
                         void *sink_arg, uint8_t out_hash[32])
{
    if (!a->in_block)
        return BT_EINVAL;
    bt_status st = dlv_state_tx_commit(&a->st);
    if (st == BT_OK)
        st = dlv_app_commit_height(a, a->cur_height, sink, sink_arg);
    if (st != BT_OK)
        return st;
    a->in_block = 0;
    memcpy(out_hash, a->app_hash, 32);
    /* This validator's side checks of the side txs just committed (§4.1 step 2). */
    if (a->n_block_side)
        qsort(a->block_side, a->n_block_side, 32, cmp_hash);
    for (size_t i = 0; i < a->n_block_side; i++) {
        if (i && memcmp(a->block_side[i], a->block_side[i - 1], 32) == 0)
            continue;
        struct dlv_key k;
        const uint8_t *v;
        size_t n;
        struct dlv_tx tx;
        side_key(&k, a->height, a->block_side[i]);
        if (dlv_state_get_committed(&a->st, &k, &v, &n) != BT_OK ||
            dlv_tx_decode(&tx, v, n, NULL, 0) != BT_OK)
            continue;
        st = dlv_side_start(a, a->height, a->block_side[i], &tx.msg);
        dlv_tx_free(&tx);
        if (st != BT_OK)
            return st;
    }
    a->n_block_side = 0;
    if (a->height > 8)
        dlv_side_prune(a, a->height - 8);
    return BT_OK;
}

struct resume {
    struct dlv_application *a;
    bt_status st;
};

static int resume_visit(void *arg, const uint8_t *key, size_t key_len, const uint8_t *val,
                        size_t val_len)
{
    struct resume *r = arg;
    struct dlv_tx tx;
    if (key_len != DLV_KEY_PREFIX_LEN + 1 + 8 + 32 ||
        dlv_tx_decode(&tx, val, val_len, NULL, 0) != BT_OK)
        return 0;
    r->st = dlv_side_start(r->a, r->a->height, key + key_len - 32, &tx.msg);
    dlv_tx_free(&tx);
    return r->st != BT_OK;
}

static bt_status resume_checks(struct dlv_application *a)
{
    struct dlv_key k;
    side_key(&k, a->height, NULL);
    struct resume r = {a, BT_OK};
    bt_status st = dlv_state_iter(&a->st, &k, 1, resume_visit, &r);
    return st == BT_OK ? r.st : st;
}

bt_status dlv_app_side_results(struct dlv_application *a, uint64_t height,
                               struct dlv_side_answer *out, size_t cap, size_t *out_n,
                               size_t *out_pending)
{
    size_t n = 0, pending = 0;
    /* Checks are kept newest first; report in tx-hash order (the order they were started). */
    size_t total = 0;
    for (struct dlv_check *c = a->checks; c; c = c->next)
        total += c->height == height;
    for (size_t want = total; want > 0; want--) {
        size_t idx = 0;
        for (struct dlv_check *c = a->checks; c; c = c->next) {
            if (c->height != height)
                continue;
            if (++idx != want)
                continue;
            if (!c->done)
                pending++;
            if (n < cap && out) {
                memcpy(out[n].tx_hash, c->tx_hash, 32);
                out[n].result = c->done ? c->result : BTS_DLVSIDE_SKIP;
                memcpy(out[n].sig, c->done ? c->sig : (const uint8_t[65]){0}, 65);
                n++;
            }
        }
    }
    *out_n = n;
    if (out_pending)
        *out_pending = pending;
    return BT_OK;
}
