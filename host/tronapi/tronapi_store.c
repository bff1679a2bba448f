/* The accepted TRON transactions of the dev TRON API: in memory (looked up by txID and by EVM
 * hash) and in storage, so lookups and the duplicate check survive a restart (record layout in
 * tronapi_int.h). */
#include "tronapi_priv.h"

#include <stdlib.h>
#include <string.h>

#include "stor_int.h"

#define REC_PREFIX 'T'

static bt_status add_mem(struct tronapi *t, const uint8_t txid[32], const struct bt_hash *evm,
                         const uint8_t *raw, size_t raw_len,
                         const uint8_t (*sigs)[BTS_TRON_SIG_LEN], size_t n_sigs)
{
    if (t->n_recs == t->cap_recs) {
        size_t cap = t->cap_recs ? 2 * t->cap_recs : 16;
        void *v = realloc(t->recs, cap * sizeof(*t->recs));
        if (!v)
            return BT_ENOMEM;
        t->recs = v;
        t->cap_recs = cap;
    }
    struct tronapi_rec *r = &t->recs[t->n_recs];
    memset(r, 0, sizeof(*r));
    r->raw = malloc(raw_len ? raw_len : 1);
    r->sigs = malloc(n_sigs ? n_sigs * sizeof(*r->sigs) : 1);
    if (!r->raw || !r->sigs) {
        free(r->raw);
        free(r->sigs);
        return BT_ENOMEM;
    }
    memcpy(r->txid, txid, 32);
    r->evm_hash = *evm;
    memcpy(r->raw, raw, raw_len);
    r->raw_len = raw_len;
    if (n_sigs)
        memcpy(r->sigs, sigs, n_sigs * sizeof(*r->sigs));
    r->n_sigs = n_sigs;
    t->n_recs++;
    return BT_OK;
}

bt_status tronapi_rec_add(struct tronapi *t, const uint8_t txid[32], const struct bt_hash *evm,
                          const uint8_t *raw, size_t raw_len,
                          const uint8_t (*sigs)[BTS_TRON_SIG_LEN], size_t n_sigs)
{
    if (n_sigs > 255)
        return BT_EINVAL;
    if (t->o.s) {
        uint8_t key[33];
        size_t len = 32 + 1 + n_sigs * BTS_TRON_SIG_LEN + raw_len;
        uint8_t *val = malloc(len);
        if (!val)
            return BT_ENOMEM;
        key[0] = REC_PREFIX;
        memcpy(key + 1, txid, 32);
        memcpy(val, evm->bytes, 32);
        val[32] = (uint8_t)n_sigs;
        if (n_sigs)
            memcpy(val + 33, sigs, n_sigs * BTS_TRON_SIG_LEN);
        memcpy(val + 33 + n_sigs * BTS_TRON_SIG_LEN, raw, raw_len);
        struct stor_op op = {BT_STORAGE_PUT, &stor_ns_chain, key, sizeof(key), val, len};
        bt_status st = stor_write(t->o.s, &op, 1, 0);
        free(val);
        if (st != BT_OK)
            return st;
    }
    /* a known txID executed again (its first EVM transaction was lost): the new EVM hash */
    struct tronapi_rec *old = (struct tronapi_rec *)tronapi_rec_by_txid(t, txid);
    if (old) {
        old->evm_hash = *evm;
        return BT_OK;
    }
    return add_mem(t, txid, evm, raw, raw_len, sigs, n_sigs);
}

bt_status tronapi_rec_load(struct tronapi *t)
{
    if (!t->o.s)
        return BT_OK;
    static const uint8_t lo[1] = {REC_PREFIX}, hi[1] = {REC_PREFIX + 1};
    struct bt_storage_range range = {lo, 1, hi, 1};
    struct stor_iter *it = NULL;
    bt_status st = stor_iter_new(t->o.s, &stor_ns_chain, NULL, &range, &it);
    if (st == BT_OK)
        st = stor_iter_seek(it, NULL, 0);
    while (st == BT_OK && stor_iter_valid(it)) {
        const uint8_t *k, *v;
        size_t kl, vl;
        st = stor_iter_entry(it, &k, &kl, &v, &vl);
        if (st != BT_OK)
            break;
        if (kl != 33 || vl < 33 || vl < 33 + (size_t)v[32] * BTS_TRON_SIG_LEN) {
            st = BT_EIO;
            break;
        }
        struct bt_hash evm;
        memcpy(evm.bytes, v, 32);
        size_t n = v[32], off = 33 + n * BTS_TRON_SIG_LEN;
        st = add_mem(t, k + 1, &evm, v + off, vl - off,
                     (const uint8_t(*)[BTS_TRON_SIG_LEN])(v + 33), n);
        if (st == BT_OK)
            st = stor_iter_next(it);
    }
    if (st == BT_OK)
        st = stor_iter_status(it);
    stor_iter_free(it);
    return st;
}
