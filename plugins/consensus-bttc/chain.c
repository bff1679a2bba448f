/* consensus-bttc: reading headers and the genesis contracts through the host's "chain" service
 * (PROTOCOL.md §3.8: eth_call with gas 2^63-1 against a given block). */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/solabi.h>

#include "bttc_int.h"

#define SYS_GAS ((uint64_t)INT64_MAX)

static const uint8_t SEL_GET_BOR_VALIDATORS[4] = {0x0c, 0x35, 0xb1, 0xcb};
static const uint8_t SEL_GET_CURRENT_SPAN[4] = {0xaf, 0x26, 0xaa, 0x96};
static const uint8_t SEL_LAST_STATE_ID[4] = {0x54, 0x07, 0xca, 0x67};

bt_status bttc_hdr_from_rlp(struct bttc_hdr *out, const uint8_t *rlp, size_t len)
{
    memset(out, 0, sizeof(*out));
    out->rlp = malloc(len ? len : 1);
    if (!out->rlp)
        return BT_ENOMEM;
    memcpy(out->rlp, rlp, len);
    out->rlp_len = len;
    bt_status st = bts_header_decode(&out->h, out->rlp, len);
    if (st != BT_OK) {
        bttc_hdr_free(out);
        return BT_EINVAL;
    }
    bts_keccak256(out->hash, out->rlp, len);
    return BT_OK;
}

void bttc_hdr_free(struct bttc_hdr *h)
{
    free(h->rlp);
    memset(h, 0, sizeof(*h));
}

static bt_status from_value(struct bttc *b, bt_status st, struct bt_value *v, struct bttc_hdr *out)
{
    if (st != BT_OK)
        return st;
    st = bttc_hdr_from_rlp(out, v->data, v->len);
    if (v->release)
        v->release(v);
    if (st == BT_EINVAL)
        return bttc_fail(b, BT_EINVAL, "chain service returned a header that does not decode");
    return st;
}

bt_status bttc_header_by_hash(struct bttc *b, const uint8_t hash[32], struct bttc_hdr *out)
{
    memset(out, 0, sizeof(*out)); /* bttc_hdr_free is safe on every outcome */
    struct bt_value v = {0};
    if (!b->chain)
        return BT_ENOTFOUND;
    return from_value(b, b->chain->header_by_hash(b->chain_self, hash, &v), &v, out);
}

bt_status bttc_header_by_number(struct bttc *b, uint64_t number, struct bttc_hdr *out)
{
    memset(out, 0, sizeof(*out));
    struct bt_value v = {0};
    if (!b->chain)
        return BT_ENOTFOUND;
    return from_value(b, b->chain->header_by_number(b->chain_self, number, &v), &v, out);
}

/* eth_call of the validator-set or state-receiver contract; the output is copied into *out. */
static bt_status call(struct bttc *b, const uint8_t block_hash[32], const uint8_t to[20],
                      const uint8_t *data, size_t len, struct bts_buf *out)
{
    if (!b->chain)
        return BT_ENOTFOUND;
    struct bt_value v = {0};
    uint32_t reverted = 0;
    bt_status st =
        b->chain->call(b->chain_self, block_hash, NULL, to, data, len, SYS_GAS, &v, &reverted);
    if (st != BT_OK)
        return st;
    st = reverted ? BT_EPROTO : bts_buf_append(out, v.data, v.len);
    if (v.release)
        v.release(&v);
    return st;
}

static int cmp_val(const void *a, const void *b)
{
    return memcmp(((const struct bts_validator *)a)->address,
                  ((const struct bts_validator *)b)->address, 20);
}

bt_status bttc_call_validators(struct bttc *b, const uint8_t block_hash[32], uint64_t number,
                               struct bts_validator **out, size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    uint8_t data[36] = {0};
    memcpy(data, SEL_GET_BOR_VALIDATORS, 4);
    for (int i = 0; i < 8; i++)
        data[35 - i] = (uint8_t)(number >> (8 * i));
    struct bts_buf r;
    bts_buf_init(&r);
    bt_status st = call(b, block_hash, b->p.validator_contract, data, sizeof(data), &r);
    if (st != BT_OK) {
        bts_buf_free(&r);
        if (st == BT_EPROTO)
            return bttc_fail(b, BT_EPROTO, "getBorValidators(%llu) reverted",
                             (unsigned long long)number);
        return st;
    }
    struct bts_solabi_type *t = NULL;
    struct bts_solabi_value *v = NULL;
    st = bts_solabi_type_parse(&t, "(address[],uint256[])", 21);
    if (st == BT_OK)
        st = bts_solabi_decode(&v, t, r.data, r.len);
    bts_buf_free(&r);
    if (st == BT_OK && v->items[0].n_items != v->items[1].n_items)
        st = BT_EINVAL;
    size_t n = st == BT_OK ? v->items[0].n_items : 0;
    struct bts_validator *list = NULL;
    if (st == BT_OK && n) {
        list = calloc(n, sizeof(*list));
        if (!list)
            st = BT_ENOMEM;
    }
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        memcpy(list[i].address, v->items[0].items[i].word + 12, 20);
        const uint8_t *w = v->items[1].items[i].word;
        uint64_t p = 0;
        for (int k = 24; k < 32; k++)
            p = p << 8 | w[k];
        list[i].power = (int64_t)p; /* big.Int.Int64: the low 64 bits */
    }
    bts_solabi_value_free(v);
    bts_solabi_type_free(t);
    if (st != BT_OK) {
        free(list);
        if (st == BT_ENOMEM)
            return st;
        return bttc_fail(b, BT_EPROTO, "getBorValidators(%llu): undecodable answer",
                         (unsigned long long)number);
    }
    if (n)
        qsort(list, n, sizeof(*list), cmp_val);
    *out = list;
    *out_n = n;
    return BT_OK;
}

static bt_status words(struct bttc *b, const uint8_t block_hash[32], const uint8_t to[20],
                       const uint8_t sel[4], uint64_t *out, size_t n, const char *what)
{
    struct bts_buf r;
    bts_buf_init(&r);
    bt_status st = call(b, block_hash, to, sel, 4, &r);
    if (st == BT_OK && r.len < 32 * n)
        st = BT_EPROTO;
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        const uint8_t *w = r.data + 32 * i;
        for (int k = 0; k < 24; k++)
            if (w[k])
                st = BT_EPROTO;
        uint64_t x = 0;
        for (int k = 24; k < 32; k++)
            x = x << 8 | w[k];
        out[i] = x;
    }
    bts_buf_free(&r);
    if (st == BT_EPROTO)
        return bttc_fail(b, st, "%s: reverted or undecodable answer", what);
    return st;
}

bt_status bttc_call_current_span(struct bttc *b, const uint8_t block_hash[32], uint64_t *out_id,
                                 uint64_t *out_start, uint64_t *out_end)
{
    uint64_t w[3];
    bt_status st =
        words(b, block_hash, b->p.validator_contract, SEL_GET_CURRENT_SPAN, w, 3, "getCurrentSpan");
    if (st == BT_OK) {
        *out_id = w[0];
        *out_start = w[1];
        *out_end = w[2];
    }
    return st;
}

bt_status bttc_call_last_state_id(struct bttc *b, const uint8_t block_hash[32], uint64_t *out)
{
    return words(b, block_hash, b->p.state_receiver, SEL_LAST_STATE_ID, out, 1, "lastStateId");
}
