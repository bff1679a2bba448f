/* Delivery state: overlays over an in-memory copy of the committed store (dlv_state.h). */
#include "dlv_state.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

void dlv_key_init(struct dlv_key *k, uint8_t table)
{
    memcpy(k->b, DLV_KEY_PREFIX, DLV_KEY_PREFIX_LEN);
    k->b[DLV_KEY_PREFIX_LEN] = table;
    k->n = DLV_KEY_PREFIX_LEN + 1;
}

void dlv_key_u8(struct dlv_key *k, uint8_t v)
{
    if (k->n < DLV_KEY_MAX)
        k->b[k->n++] = v;
}

void dlv_key_u64(struct dlv_key *k, uint64_t v)
{
    for (int i = 7; i >= 0; i--)
        dlv_key_u8(k, (uint8_t)(v >> (8 * i)));
}

void dlv_key_bytes(struct dlv_key *k, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dlv_key_u8(k, p[i]);
}

/* --- overlays --------------------------------------------------------------------------- */

struct loader {
    struct dlv_map *m;
    bt_status st;
};

static int load_visit(void *arg, const uint8_t *key, size_t key_len, const uint8_t *value,
                      size_t value_len)
{
    struct loader *l = arg;
    static const uint8_t empty[1];
    /* A put with an empty value must stay a put (non-NULL). */
    l->st = dlv_map_put(l->m, key, key_len, value ? value : empty, value_len);
    return l->st != BT_OK;
}

bt_status dlv_state_load(struct dlv_state *s, const struct dlv_kv_iface *kv, void *kv_self)
{
    memset(s, 0, sizeof *s);
    s->kv = kv;
    s->kv_self = kv_self;
    if (!kv)
        return BT_OK;
    struct loader l = {&s->committed, BT_OK};
    bt_status st =
        kv->iterate(kv_self, (const uint8_t *)DLV_KEY_PREFIX, DLV_KEY_PREFIX_LEN, load_visit, &l);
    if (st == BT_OK)
        st = l.st;
    if (st != BT_OK)
        dlv_state_free(s);
    return st;
}

void dlv_state_free(struct dlv_state *s)
{
    dlv_map_free(&s->committed);
    dlv_map_free(&s->block);
    dlv_map_free(&s->tx);
}

static bt_status lookup(const struct dlv_map *m, const struct dlv_key *k, const uint8_t **val,
                        size_t *val_len, int *found)
{
    struct dlv_map_ent *e = dlv_map_find(m, k->b, k->n);
    if (!e)
        return BT_ENOTFOUND;
    *found = 1;
    if (!e->val)
        return BT_ENOTFOUND; /* tombstone */
    *val = e->val;
    *val_len = e->val_len;
    return BT_OK;
}

bt_status dlv_state_get(struct dlv_state *s, const struct dlv_key *k, const uint8_t **val,
                        size_t *val_len)
{
    int found = 0;
    bt_status st = lookup(&s->tx, k, val, val_len, &found);
    if (found)
        return st;
    st = lookup(&s->block, k, val, val_len, &found);
    if (found)
        return st;
    return lookup(&s->committed, k, val, val_len, &found);
}

bt_status dlv_state_get_committed(const struct dlv_state *s, const struct dlv_key *k,
                                  const uint8_t **val, size_t *val_len)
{
    int found = 0;
    return lookup(&s->committed, k, val, val_len, &found);
}

bt_status dlv_state_put(struct dlv_state *s, const struct dlv_key *k, const uint8_t *val,
                        size_t val_len)
{
    static const uint8_t empty[1];
    return dlv_map_put(&s->tx, k->b, k->n, val ? val : empty, val_len);
}

bt_status dlv_state_del(struct dlv_state *s, const struct dlv_key *k)
{
    return dlv_map_put(&s->tx, k->b, k->n, NULL, 0);
}

static int has_prefix(const struct dlv_map_ent *e, const struct dlv_key *p)
{
    return e->key_len >= p->n && memcmp(e->key, p->b, p->n) == 0;
}

static bt_status overlay_range(struct dlv_map *dst, const struct dlv_map *src,
                               const struct dlv_key *p)
{
    for (size_t i = dlv_map_lower(src, p->b, p->n); i < src->n && has_prefix(&src->e[i], p); i++) {
        const struct dlv_map_ent *e = &src->e[i];
        bt_status st = dlv_map_put(dst, e->key, e->key_len, e->val, e->val_len);
        if (st != BT_OK)
            return st;
    }
    return BT_OK;
}

bt_status dlv_state_iter(struct dlv_state *s, const struct dlv_key *prefix, int committed_only,
                         dlv_state_visit_fn fn, void *arg)
{
    const struct dlv_map *c = &s->committed;
    if (committed_only || (s->block.n == 0 && s->tx.n == 0)) {
        for (size_t i = dlv_map_lower(c, prefix->b, prefix->n);
             i < c->n && has_prefix(&c->e[i], prefix); i++)
            if (fn(arg, c->e[i].key, c->e[i].key_len, c->e[i].val, c->e[i].val_len))
                break;
        return BT_OK;
    }
    /* Merge: copy the committed range, then overlay block and tx (tombstones shadow). The
     * ranges iterated in handlers are small (validators, accounts, a queue, a height). */
    struct dlv_map m = {0};
    bt_status st = overlay_range(&m, c, prefix);
    if (st == BT_OK)
        st = overlay_range(&m, &s->block, prefix);
    if (st == BT_OK)
        st = overlay_range(&m, &s->tx, prefix);
    for (size_t i = 0; st == BT_OK && i < m.n; i++)
        if (m.e[i].val && fn(arg, m.e[i].key, m.e[i].key_len, m.e[i].val, m.e[i].val_len))
            break;
    dlv_map_free(&m);
    return st;
}

static bt_status fold(struct dlv_map *dst, struct dlv_map *src, int drop_tombstones)
{
    for (size_t i = 0; i < src->n; i++) {
        struct dlv_map_ent *e = &src->e[i];
        if (!e->val && drop_tombstones) {
            dlv_map_erase(dst, e->key, e->key_len);
            continue;
        }
        bt_status st = dlv_map_put(dst, e->key, e->key_len, e->val, e->val_len);
        if (st != BT_OK)
            return st;
    }
    dlv_map_clear(src);
    return BT_OK;
}

bt_status dlv_state_tx_commit(struct dlv_state *s)
{
    return fold(&s->block, &s->tx, 0);
}

void dlv_state_tx_abort(struct dlv_state *s)
{
    dlv_map_clear(&s->tx);
}

void dlv_state_block_abort(struct dlv_state *s)
{
    dlv_map_clear(&s->tx);
    dlv_map_clear(&s->block);
}

static void put_be32(uint8_t out[4], size_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

void dlv_state_block_digest(const struct dlv_state *s, uint8_t out[32])
{
    struct bts_keccak k;
    bts_keccak_init(&k);
    for (size_t i = 0; i < s->block.n; i++) {
        const struct dlv_map_ent *e = &s->block.e[i];
        uint8_t len[4], flag = e->val != NULL;
        put_be32(len, e->key_len);
        bts_keccak_update(&k, len, 4);
        bts_keccak_update(&k, e->key, e->key_len);
        bts_keccak_update(&k, &flag, 1);
        put_be32(len, e->val_len);
        bts_keccak_update(&k, len, 4);
        if (e->val_len)
            bts_keccak_update(&k, e->val, e->val_len);
    }
    bts_keccak_final(&k, out);
}

bt_status dlv_state_block_commit(struct dlv_state *s, const struct dlv_kv_op *extra, size_t n_extra,
                                 dlv_state_sink_fn sink, void *sink_arg)
{
    size_t n = s->block.n + n_extra;
    struct dlv_kv_op *ops = calloc(n ? n : 1, sizeof *ops);
    if (!ops)
        return BT_ENOMEM;
    for (size_t i = 0; i < s->block.n; i++) {
        const struct dlv_map_ent *e = &s->block.e[i];
        ops[i] = (struct dlv_kv_op){e->key, e->key_len, e->val, e->val_len};
    }
    for (size_t i = 0; i < n_extra; i++)
        ops[s->block.n + i] = extra[i];
    bt_status st = BT_OK;
    if (sink)
        st = sink(sink_arg, ops, n);
    else if (s->kv)
        st = s->kv->write(s->kv_self, ops, n);
    free(ops);
    if (st != BT_OK)
        return st;
    /* The extra ops (meta) are mirrored into the committed copy as well. */
    for (size_t i = 0; i < n_extra && st == BT_OK; i++) {
        if (extra[i].value)
            st = dlv_map_put(&s->committed, extra[i].key, extra[i].key_len, extra[i].value,
                             extra[i].value_len);
        else
            dlv_map_erase(&s->committed, extra[i].key, extra[i].key_len);
    }
    if (st == BT_OK)
        st = fold(&s->committed, &s->block, 1);
    return st;
}

/* --- encodings --------------------------------------------------------------------------- */

bt_status dlv_w_u64(struct bts_buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (uint8_t)(v >> (56 - 8 * i));
    return bts_buf_append(b, x, 8);
}

bt_status dlv_w_bytes(struct bts_buf *b, const void *p, size_t n)
{
    return n ? bts_buf_append(b, p, n) : BT_OK;
}

bt_status dlv_w_var(struct bts_buf *b, const void *p, size_t n)
{
    uint8_t len[4];
    put_be32(len, n);
    bt_status st = bts_buf_append(b, len, 4);
    return st == BT_OK ? dlv_w_bytes(b, p, n) : st;
}

uint64_t dlv_r_u64(struct dlv_rd *r)
{
    if (r->bad || r->n < 8) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | r->p[i];
    r->p += 8;
    r->n -= 8;
    return v;
}

void dlv_r_bytes(struct dlv_rd *r, void *out, size_t n)
{
    if (r->bad || r->n < n) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
    r->n -= n;
}

const uint8_t *dlv_r_var(struct dlv_rd *r, size_t *len)
{
    uint8_t l[4];
    dlv_r_bytes(r, l, 4);
    size_t n = (size_t)l[0] << 24 | (size_t)l[1] << 16 | (size_t)l[2] << 8 | l[3];
    *len = 0;
    if (r->bad || r->n < n) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    r->n -= n;
    *len = n;
    return p;
}

static bt_status w_str(struct bts_buf *b, const char *s)
{
    return dlv_w_var(b, s, strlen(s));
}

static void r_str(struct dlv_rd *r, char *out, size_t cap)
{
    size_t n;
    const uint8_t *p = dlv_r_var(r, &n);
    if (!p || n >= cap) {
        r->bad = 1;
        out[0] = 0;
        return;
    }
    memcpy(out, p, n);
    out[n] = 0;
}

#define W(x)                                                                                       \
    do {                                                                                           \
        bt_status st_ = (x);                                                                       \
        if (st_ != BT_OK)                                                                          \
            return st_;                                                                            \
    } while (0)

bt_status dlv_validator_encode(struct bts_buf *b, const struct dlv_validator *v)
{
    W(dlv_w_u64(b, v->id));
    W(dlv_w_u64(b, v->start_epoch));
    W(dlv_w_u64(b, v->end_epoch));
    W(dlv_w_u64(b, v->nonce));
    W(dlv_w_u64(b, (uint64_t)v->power));
    W(dlv_w_bytes(b, v->pub_key, 65));
    W(dlv_w_bytes(b, v->signer, 20));
    W(w_str(b, v->last_updated));
    return dlv_w_bytes(b, &v->jailed, 1);
}

bt_status dlv_validator_decode(struct dlv_validator *v, const uint8_t *p, size_t n)
{
    struct dlv_rd r = {p, n, 0};
    v->id = dlv_r_u64(&r);
    v->start_epoch = dlv_r_u64(&r);
    v->end_epoch = dlv_r_u64(&r);
    v->nonce = dlv_r_u64(&r);
    v->power = (int64_t)dlv_r_u64(&r);
    dlv_r_bytes(&r, v->pub_key, 65);
    dlv_r_bytes(&r, v->signer, 20);
    r_str(&r, v->last_updated, sizeof v->last_updated);
    dlv_r_bytes(&r, &v->jailed, 1);
    return r.bad || r.n ? BT_EIO : BT_OK;
}

bt_status dlv_checkpoint_encode(struct bts_buf *b, const struct dlv_checkpoint *c)
{
    W(dlv_w_bytes(b, c->proposer, 20));
    W(dlv_w_u64(b, c->start_block));
    W(dlv_w_u64(b, c->end_block));
    W(dlv_w_bytes(b, c->root_hash, 32));
    W(w_str(b, c->bor_chain_id));
    return dlv_w_u64(b, c->timestamp);
}

bt_status dlv_checkpoint_decode(struct dlv_checkpoint *c, const uint8_t *p, size_t n)
{
    struct dlv_rd r = {p, n, 0};
    dlv_r_bytes(&r, c->proposer, 20);
    c->start_block = dlv_r_u64(&r);
    c->end_block = dlv_r_u64(&r);
    dlv_r_bytes(&r, c->root_hash, 32);
    r_str(&r, c->bor_chain_id, sizeof c->bor_chain_id);
    c->timestamp = dlv_r_u64(&r);
    return r.bad || r.n ? BT_EIO : BT_OK;
}

bt_status dlv_stake_record_encode(struct bts_buf *b, const struct dlv_stake_record *s)
{
    W(w_str(b, s->type));
    W(dlv_w_u64(b, s->id));
    W(dlv_w_u64(b, s->nonce));
    W(dlv_w_u64(b, (uint64_t)s->height));
    W(dlv_w_bytes(b, s->tx_hash, 32));
    return dlv_w_u64(b, s->timestamp);
}

bt_status dlv_stake_record_decode(struct dlv_stake_record *s, const uint8_t *p, size_t n)
{
    struct dlv_rd r = {p, n, 0};
    r_str(&r, s->type, sizeof s->type);
    s->id = dlv_r_u64(&r);
    s->nonce = dlv_r_u64(&r);
    s->height = (int64_t)dlv_r_u64(&r);
    dlv_r_bytes(&r, s->tx_hash, 32);
    s->timestamp = dlv_r_u64(&r);
    return r.bad || r.n ? BT_EIO : BT_OK;
}

bt_status dlv_valset_encode(struct bts_buf *b, const struct bts_valset *s)
{
    W(dlv_w_u64(b, s->n));
    W(dlv_w_u64(b, s->proposer == SIZE_MAX ? UINT64_MAX : (uint64_t)s->proposer));
    for (size_t i = 0; i < s->n; i++) {
        W(dlv_w_bytes(b, s->v[i].address, 20));
        W(dlv_w_u64(b, (uint64_t)s->v[i].power));
        W(dlv_w_u64(b, (uint64_t)s->v[i].priority));
    }
    return BT_OK;
}

bt_status dlv_valset_decode(struct bts_valset *s, const uint8_t *p, size_t n)
{
    struct dlv_rd r = {p, n, 0};
    uint64_t cnt = dlv_r_u64(&r), prop = dlv_r_u64(&r);
    if (r.bad || cnt > n / 36)
        return BT_EIO;
    bts_valset_free(s);
    bts_valset_init(s);
    if (cnt) {
        s->v = calloc(cnt, sizeof *s->v);
        if (!s->v)
            return BT_ENOMEM;
        s->cap = cnt;
    }
    s->n = cnt;
    s->total = 0;
    for (size_t i = 0; i < cnt; i++) {
        dlv_r_bytes(&r, s->v[i].address, 20);
        s->v[i].power = (int64_t)dlv_r_u64(&r);
        s->v[i].priority = (int64_t)dlv_r_u64(&r);
        s->total += s->v[i].power;
    }
    s->proposer = prop == UINT64_MAX ? SIZE_MAX : (size_t)prop;
    if (r.bad || r.n || (prop != UINT64_MAX && prop >= cnt)) {
        bts_valset_free(s);
        bts_valset_init(s);
        return BT_EIO;
    }
    return BT_OK;
}

bt_status dlv_span_encode(struct bts_buf *b, const struct dlv_span_rec *s)
{
    W(dlv_w_u64(b, s->id));
    W(dlv_w_u64(b, s->start_block));
    W(dlv_w_u64(b, s->end_block));
    W(w_str(b, s->bor_chain_id));
    struct bts_buf vs;
    bts_buf_init(&vs);
    bt_status st = dlv_valset_encode(&vs, &s->set);
    if (st == BT_OK)
        st = dlv_w_var(b, vs.data, vs.len);
    bts_buf_free(&vs);
    W(st);
    for (size_t i = 0; i < s->set.n; i++) {
        struct bts_buf one;
        bts_buf_init(&one);
        st = dlv_validator_encode(&one, &s->set_vals[i]);
        if (st == BT_OK)
            st = dlv_w_var(b, one.data, one.len);
        bts_buf_free(&one);
        W(st);
    }
    W(dlv_w_u64(b, s->n_producers));
    for (size_t i = 0; i < s->n_producers; i++) {
        struct bts_buf one;
        bts_buf_init(&one);
        st = dlv_validator_encode(&one, &s->producers[i]);
        if (st == BT_OK)
            st = dlv_w_var(b, one.data, one.len);
        bts_buf_free(&one);
        W(st);
    }
    return BT_OK;
}

void dlv_span_rec_free(struct dlv_span_rec *s)
{
    if (!s)
        return;
    bts_valset_free(&s->set);
    free(s->set_vals);
    free(s->producers);
    memset(s, 0, sizeof *s);
}

static bt_status read_vals(struct dlv_rd *r, struct dlv_validator **out, size_t n)
{
    *out = NULL;
    if (!n)
        return BT_OK;
    if (n > r->n / 4)
        return BT_EIO;
    *out = calloc(n, sizeof **out);
    if (!*out)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const uint8_t *p = dlv_r_var(r, &len);
        if (!p || dlv_validator_decode(&(*out)[i], p, len) != BT_OK)
            return BT_EIO;
    }
    return BT_OK;
}

bt_status dlv_span_decode(struct dlv_span_rec *s, const uint8_t *p, size_t n)
{
    memset(s, 0, sizeof *s);
    bts_valset_init(&s->set);
    struct dlv_rd r = {p, n, 0};
    s->id = dlv_r_u64(&r);
    s->start_block = dlv_r_u64(&r);
    s->end_block = dlv_r_u64(&r);
    r_str(&r, s->bor_chain_id, sizeof s->bor_chain_id);
    size_t vlen;
    const uint8_t *vp = dlv_r_var(&r, &vlen);
    bt_status st = vp ? dlv_valset_decode(&s->set, vp, vlen) : BT_EIO;
    if (st == BT_OK)
        st = read_vals(&r, &s->set_vals, s->set.n);
    if (st == BT_OK) {
        s->n_producers = (size_t)dlv_r_u64(&r);
        st = r.bad ? BT_EIO : read_vals(&r, &s->producers, s->n_producers);
    }
    if (st == BT_OK && (r.bad || r.n))
        st = BT_EIO;
    if (st != BT_OK)
        dlv_span_rec_free(s);
    return st;
}

bt_status dlv_record_encode(struct bts_buf *b, const struct dlv_record *r)
{
    W(dlv_w_u64(b, r->id));
    W(dlv_w_bytes(b, r->contract, 20));
    W(dlv_w_var(b, r->data, r->data_len));
    W(dlv_w_bytes(b, r->tx_hash, 32));
    W(dlv_w_u64(b, r->log_index));
    W(w_str(b, r->bor_chain_id));
    W(dlv_w_u64(b, r->record_time_ms));
    return dlv_w_u64(b, (uint64_t)r->root);
}

bt_status dlv_record_decode(struct dlv_record *out, const uint8_t *p, size_t n)
{
    memset(out, 0, sizeof *out);
    struct dlv_rd r = {p, n, 0};
    out->id = dlv_r_u64(&r);
    dlv_r_bytes(&r, out->contract, 20);
    size_t dl;
    const uint8_t *d = dlv_r_var(&r, &dl);
    dlv_r_bytes(&r, out->tx_hash, 32);
    out->log_index = dlv_r_u64(&r);
    r_str(&r, out->bor_chain_id, sizeof out->bor_chain_id);
    out->record_time_ms = dlv_r_u64(&r);
    out->root = (enum dlv_root)dlv_r_u64(&r);
    if (r.bad || r.n)
        return BT_EIO;
    if (dl) {
        out->data = malloc(dl);
        if (!out->data)
            return BT_ENOMEM;
        memcpy(out->data, d, dl);
        out->data_len = dl;
    }
    return BT_OK;
}

void dlv_record_free(struct dlv_record *r)
{
    if (!r)
        return;
    free(r->data);
    memset(r, 0, sizeof *r);
}
