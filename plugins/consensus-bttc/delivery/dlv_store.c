/* Typed access to Delivery's state records (keys in dlv_state.h). */
#include <stdlib.h>
#include <string.h>

#include "dlv_app_int.h"

static bt_status get_raw(struct dlv_application *a, const struct dlv_key *k, const uint8_t **v,
                         size_t *n, int committed)
{
    return committed ? dlv_state_get_committed(&a->st, k, v, n) : dlv_state_get(&a->st, k, v, n);
}

bt_status dlv_get_u64(struct dlv_application *a, const struct dlv_key *k, uint64_t *out,
                      int committed)
{
    const uint8_t *v;
    size_t n;
    bt_status st = get_raw(a, k, &v, &n, committed);
    if (st != BT_OK)
        return st;
    struct dlv_rd r = {v, n, 0};
    *out = dlv_r_u64(&r);
    return r.bad || r.n ? BT_EIO : BT_OK;
}

bt_status dlv_put_u64(struct dlv_application *a, const struct dlv_key *k, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (uint8_t)(v >> (56 - 8 * i));
    return dlv_state_put(&a->st, k, x, 8);
}

static bt_status put_buf(struct dlv_application *a, const struct dlv_key *k, struct bts_buf *b,
                         bt_status st)
{
    if (st == BT_OK)
        st = dlv_state_put(&a->st, k, b->data, b->len);
    bts_buf_free(b);
    return st;
}

bt_status dlv_get_validator(struct dlv_application *a, const uint8_t signer[20],
                            struct dlv_validator *v, int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_VALIDATOR);
    dlv_key_bytes(&k, signer, 20);
    const uint8_t *p;
    size_t n;
    bt_status st = get_raw(a, &k, &p, &n, committed);
    return st == BT_OK ? dlv_validator_decode(v, p, n) : st;
}

bt_status dlv_get_validator_by_id(struct dlv_application *a, uint64_t id, struct dlv_validator *v,
                                  int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_VAL_ID);
    dlv_key_u64(&k, id);
    const uint8_t *p;
    size_t n;
    bt_status st = get_raw(a, &k, &p, &n, committed);
    if (st != BT_OK)
        return st;
    if (n != 20)
        return BT_EIO;
    uint8_t signer[20];
    memcpy(signer, p, 20);
    return dlv_get_validator(a, signer, v, committed);
}

bt_status dlv_put_validator(struct dlv_application *a, const struct dlv_validator *v)
{
    struct dlv_key k;
    struct bts_buf b;
    bts_buf_init(&b);
    dlv_key_init(&k, DLV_T_VALIDATOR);
    dlv_key_bytes(&k, v->signer, 20);
    bt_status st = put_buf(a, &k, &b, dlv_validator_encode(&b, v));
    if (st != BT_OK)
        return st;
    dlv_key_init(&k, DLV_T_VAL_ID);
    dlv_key_u64(&k, v->id);
    return dlv_state_put(&a->st, &k, v->signer, 20);
}

struct vlist {
    struct dlv_validator *v;
    size_t n, cap;
    bt_status st;
};

static int collect_val(void *arg, const uint8_t *key, size_t key_len, const uint8_t *val,
                       size_t val_len)
{
    (void)key;
    (void)key_len;
    struct vlist *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct dlv_validator *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            l->st = BT_ENOMEM;
            return 1;
        }
        l->v = nv;
        l->cap = cap;
    }
    if ((l->st = dlv_validator_decode(&l->v[l->n], val, val_len)) != BT_OK)
        return 1;
    l->n++;
    return 0;
}

bt_status dlv_list_validators(struct dlv_application *a, struct dlv_validator **out, size_t *n,
                              int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_VALIDATOR);
    struct vlist l = {0};
    bt_status st = dlv_state_iter(&a->st, &k, committed, collect_val, &l);
    if (st == BT_OK)
        st = l.st;
    if (st != BT_OK) {
        free(l.v);
        *out = NULL;
        *n = 0;
        return st;
    }
    *out = l.v;
    *n = l.n;
    return BT_OK;
}

int dlv_val_is_current(const struct dlv_validator *v, uint64_t ack_count)
{
    uint64_t epoch = ack_count + 1;
    return !v->jailed && v->start_epoch <= epoch && (v->end_epoch == 0 || v->end_epoch > epoch) &&
           v->power > 0;
}

bt_status dlv_current_validators(struct dlv_application *a, struct dlv_validator **out, size_t *n,
                                 int committed)
{
    bt_status st = dlv_list_validators(a, out, n, committed);
    if (st != BT_OK)
        return st;
    uint64_t acks = dlv_ack_count(a, DLV_ROOT_TRON, committed);
    size_t j = 0;
    for (size_t i = 0; i < *n; i++)
        if (dlv_val_is_current(&(*out)[i], acks))
            (*out)[j++] = (*out)[i];
    *n = j;
    return BT_OK;
}

bt_status dlv_get_valset(struct dlv_application *a, struct bts_valset *out, int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_VALSET);
    const uint8_t *p;
    size_t n;
    bt_status st = get_raw(a, &k, &p, &n, committed);
    return st == BT_OK ? dlv_valset_decode(out, p, n) : st;
}

bt_status dlv_put_valset(struct dlv_application *a, const struct bts_valset *s)
{
    struct dlv_key k;
    struct bts_buf b;
    bts_buf_init(&b);
    dlv_key_init(&k, DLV_T_VALSET);
    return put_buf(a, &k, &b, dlv_valset_encode(&b, s));
}

uint64_t dlv_ack_count(struct dlv_application *a, enum dlv_root r, int committed)
{
    struct dlv_key k;
    uint64_t v = 0;
    dlv_key_init(&k, DLV_T_ACK_COUNT);
    dlv_key_u8(&k, (uint8_t)r);
    if (dlv_get_u64(a, &k, &v, committed) != BT_OK)
        v = 0;
    return v;
}

static void ckpt_key(struct dlv_key *k, uint8_t table, enum dlv_root r, uint64_t number)
{
    dlv_key_init(k, table);
    dlv_key_u8(k, (uint8_t)r);
    if (table == DLV_T_CKPT)
        dlv_key_u64(k, number);
}

bt_status dlv_get_checkpoint(struct dlv_application *a, uint8_t table, enum dlv_root r,
                             uint64_t number, struct dlv_checkpoint *c, int committed)
{
    struct dlv_key k;
    ckpt_key(&k, table, r, number);
    const uint8_t *p;
    size_t n;
    bt_status st = get_raw(a, &k, &p, &n, committed);
    return st == BT_OK ? dlv_checkpoint_decode(c, p, n) : st;
}

bt_status dlv_put_checkpoint(struct dlv_application *a, uint8_t table, enum dlv_root r,
                             uint64_t number, const struct dlv_checkpoint *c)
{
    struct dlv_key k;
    struct bts_buf b;
    bts_buf_init(&b);
    ckpt_key(&k, table, r, number);
    return put_buf(a, &k, &b, dlv_checkpoint_encode(&b, c));
}

bt_status dlv_del_checkpoint(struct dlv_application *a, uint8_t table, enum dlv_root r)
{
    struct dlv_key k;
    ckpt_key(&k, table, r, 0);
    return dlv_state_del(&a->st, &k);
}

bt_status dlv_get_span(struct dlv_application *a, uint64_t id, struct dlv_span_rec *out,
                       int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_SPAN);
    dlv_key_u64(&k, id);
    const uint8_t *p;
    size_t n;
    bt_status st = get_raw(a, &k, &p, &n, committed);
    return st == BT_OK ? dlv_span_decode(out, p, n) : st;
}

bt_status dlv_put_span(struct dlv_application *a, const struct dlv_span_rec *s)
{
    struct dlv_key k;
    struct bts_buf b;
    bts_buf_init(&b);
    dlv_key_init(&k, DLV_T_SPAN);
    dlv_key_u64(&k, s->id);
    bt_status st = put_buf(a, &k, &b, dlv_span_encode(&b, s));
    if (st != BT_OK)
        return st;
    dlv_key_init(&k, DLV_T_LATEST_SPAN);
    return dlv_put_u64(a, &k, s->id);
}

bt_status dlv_latest_span(struct dlv_application *a, struct dlv_span_rec *out, int committed)
{
    struct dlv_key k;
    uint64_t id;
    dlv_key_init(&k, DLV_T_LATEST_SPAN);
    bt_status st = dlv_get_u64(a, &k, &id, committed);
    return st == BT_OK ? dlv_get_span(a, id, out, committed) : st;
}

bt_status dlv_get_record(struct dlv_application *a, uint64_t id, struct dlv_record *out,
                         int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_RECORD);
    dlv_key_u64(&k, id);
    const uint8_t *p;
    size_t n;
    bt_status st = get_raw(a, &k, &p, &n, committed);
    return st == BT_OK ? dlv_record_decode(out, p, n) : st;
}

int dlv_has_sequence(struct dlv_application *a, uint8_t module, uint64_t seq)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_SEQUENCE);
    dlv_key_u8(&k, module);
    dlv_key_u64(&k, seq);
    const uint8_t *p;
    size_t n;
    return dlv_state_get(&a->st, &k, &p, &n) == BT_OK;
}

bt_status dlv_set_sequence(struct dlv_application *a, uint8_t module, uint64_t seq)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_SEQUENCE);
    dlv_key_u8(&k, module);
    dlv_key_u64(&k, seq);
    return dlv_state_put(&a->st, &k, (const uint8_t *)"", 0);
}

struct qhead {
    struct dlv_stake_record *out;
    struct dlv_key *key;
    bt_status st;
};

static int first_visit(void *arg, const uint8_t *key, size_t key_len, const uint8_t *val,
                       size_t val_len)
{
    struct qhead *q = arg;
    q->st = dlv_stake_record_decode(q->out, val, val_len);
    if (q->key && key_len <= DLV_KEY_MAX) {
        memcpy(q->key->b, key, key_len);
        q->key->n = key_len;
    }
    return 1;
}

bt_status dlv_stake_queue_head(struct dlv_application *a, enum dlv_root r,
                               struct dlv_stake_record *out, struct dlv_key *out_key, int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_STAKE_QUEUE);
    dlv_key_u8(&k, (uint8_t)r);
    struct qhead q = {out, out_key, BT_ENOTFOUND};
    bt_status st = dlv_state_iter(&a->st, &k, committed, first_visit, &q);
    return st == BT_OK ? q.st : st;
}

bt_status dlv_stake_queue_push(struct dlv_application *a, const struct dlv_stake_record *rec)
{
    for (int r = DLV_ROOT_ETH; r <= DLV_ROOT_BSC; r++) {
        if (!a->p.root[r].enabled)
            continue;
        struct dlv_key k;
        uint64_t seq = 0;
        dlv_key_init(&k, DLV_T_STAKE_QSEQ);
        dlv_key_u8(&k, (uint8_t)r);
        if (dlv_get_u64(a, &k, &seq, 0) != BT_OK)
            seq = 0;
        bt_status st = dlv_put_u64(a, &k, seq + 1);
        if (st != BT_OK)
            return st;
        dlv_key_init(&k, DLV_T_STAKE_QUEUE);
        dlv_key_u8(&k, (uint8_t)r);
        dlv_key_u64(&k, seq);
        struct bts_buf b;
        bts_buf_init(&b);
        if ((st = put_buf(a, &k, &b, dlv_stake_record_encode(&b, rec))) != BT_OK)
            return st;
    }
    return BT_OK;
}

struct alist {
    struct bts_dlvckpt_account *v;
    size_t n, cap;
    bt_status st;
};

static int collect_acct(void *arg, const uint8_t *key, size_t key_len, const uint8_t *val,
                        size_t val_len)
{
    struct alist *l = arg;
    if (key_len != DLV_KEY_PREFIX_LEN + 1 + 20 || val_len != 32) {
        l->st = BT_EIO;
        return 1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct bts_dlvckpt_account *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            l->st = BT_ENOMEM;
            return 1;
        }
        l->v = nv;
        l->cap = cap;
    }
    memcpy(l->v[l->n].user, key + DLV_KEY_PREFIX_LEN + 1, 20);
    memcpy(l->v[l->n].fee, val, 32);
    l->n++;
    return 0;
}

bt_status dlv_list_accounts(struct dlv_application *a, struct bts_dlvckpt_account **out, size_t *n,
                            int committed)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_DIVIDEND);
    struct alist l = {0};
    bt_status st = dlv_state_iter(&a->st, &k, committed, collect_acct, &l);
    if (st == BT_OK)
        st = l.st;
    if (st != BT_OK) {
        free(l.v);
        l.v = NULL;
        l.n = 0;
    }
    *out = l.v;
    *n = l.n;
    return st;
}

bt_status dlv_account_root(struct dlv_application *a, uint8_t out[32], int committed)
{
    struct bts_dlvckpt_account *acc;
    size_t n;
    bt_status st = dlv_list_accounts(a, &acc, &n, committed);
    if (st == BT_OK)
        st = bts_dlvckpt_account_root(out, acc, n);
    free(acc);
    return st;
}
