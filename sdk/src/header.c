/* Header codec (bts/header.h): strict decoding of the 15 mandatory and 0..5 optional fields,
 * encoding, the block hash, and the error names of the header sub-codes. */
#include <bts/header.h>

#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "header_int.h"

#define N_MANDATORY 15
#define N_OPTIONAL  5

/* Nesting: a header is one flat list. */
#define HEADER_MAX_DEPTH 1

const char *bts_header_strerror(bt_status st)
{
    switch (st) {
    case BTS_HEADER_EFIELDS:
        return "rlp: header has the wrong number of fields";
    case BTS_HEADER_EVANITY:
        return "extra-data 32 byte vanity prefix missing";
    case BTS_HEADER_ESIGNATURE:
        return "extra-data 65 byte signature suffix missing";
    case BTS_HEADER_EEXTRA_VALIDATORS:
        return "non-sprint-end block contains extra validator list";
    case BTS_HEADER_EVALIDATORS:
        return "invalid validator list on sprint end block";
    case BTS_HEADER_ESEAL:
        return "recovery failed";
    }
    return bts_rlp_strerror(st);
}

static bt_status read_u256(const struct bts_rlp_item *it, struct bts_u256 *out)
{
    uint8_t be[32];
    bt_status st = bts_rlp_item_u256_be(it, be);
    bts_u256_load_be(out, be);
    return st;
}

/* Field i (0-based, mandatory then optional) of the header list. */
static bt_status read_field(size_t i, const struct bts_rlp_item *it, struct bts_header *h)
{
    switch (i) {
    case 0:
        return bts_rlp_item_fixed(it, h->parent_hash.bytes, 32);
    case 1:
        return bts_rlp_item_fixed(it, h->uncle_hash.bytes, 32);
    case 2:
        return bts_rlp_item_fixed(it, h->coinbase.bytes, 20);
    case 3:
        return bts_rlp_item_fixed(it, h->state_root.bytes, 32);
    case 4:
        return bts_rlp_item_fixed(it, h->tx_root.bytes, 32);
    case 5:
        return bts_rlp_item_fixed(it, h->receipt_root.bytes, 32);
    case 6:
        return bts_rlp_item_fixed(it, h->bloom, 256);
    case 7:
        return read_u256(it, &h->difficulty);
    case 8:
        return bts_rlp_item_u64(it, &h->number);
    case 9:
        return bts_rlp_item_u64(it, &h->gas_limit);
    case 10:
        return bts_rlp_item_u64(it, &h->gas_used);
    case 11:
        return bts_rlp_item_u64(it, &h->time);
    case 12:
        return bts_rlp_item_bytes(it, &h->extra, &h->extra_len);
    case 13:
        return bts_rlp_item_fixed(it, h->mix_hash.bytes, 32);
    case 14:
        return bts_rlp_item_fixed(it, h->nonce, 8);
    case 15:
        return read_u256(it, &h->base_fee);
    case 16:
        return bts_rlp_item_fixed(it, h->withdrawals_root.bytes, 32);
    case 17:
        return bts_rlp_item_u64(it, &h->blob_gas_used);
    case 18:
        return bts_rlp_item_u64(it, &h->excess_blob_gas);
    default: /* 19: the list count was checked before */
        return bts_rlp_item_fixed(it, h->parent_beacon_root.bytes, 32);
    }
}

bt_status bts_header_decode(struct bts_header *out, const uint8_t *in, size_t in_len)
{
    struct bts_rlp_item list, it;
    struct bts_rlp_iter iter;
    size_t n = 0;
    memset(out, 0, sizeof(*out));
    bt_status st = bts_rlp_decode_max_depth(&list, in, in_len, HEADER_MAX_DEPTH);
    if (st == BT_OK && !list.is_list)
        st = BTS_RLP_EWRONG_TYPE;
    if (st == BT_OK)
        st = bts_rlp_list_count(&list, &n);
    if (st == BT_OK && (n < N_MANDATORY || n > N_MANDATORY + N_OPTIONAL))
        st = BTS_HEADER_EFIELDS;
    if (st == BT_OK)
        bts_rlp_iter_init(&iter, &list);
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        st = bts_rlp_iter_next(&iter, &it);
        if (st == BT_OK)
            st = read_field(i, &it, out);
    }
    if (st != BT_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    out->n_optional = (uint32_t)(n - N_MANDATORY);
    return BT_OK;
}

static bt_status put_u256(struct bts_buf *out, const struct bts_u256 *v)
{
    uint8_t be[32];
    bts_u256_store_be(be, v);
    return bts_rlp_encode_u256_be(out, be);
}

bt_status header_put_fields(struct bts_buf *out, const struct bts_header *h, size_t extra_len,
                            uint32_t n_optional)
{
    bt_status st = BT_OK;
#define PUT(expr)                                                                                  \
    do {                                                                                           \
        if (st == BT_OK)                                                                           \
            st = (expr);                                                                           \
    } while (0)
    PUT(bts_rlp_encode_bytes(out, h->parent_hash.bytes, 32));
    PUT(bts_rlp_encode_bytes(out, h->uncle_hash.bytes, 32));
    PUT(bts_rlp_encode_bytes(out, h->coinbase.bytes, 20));
    PUT(bts_rlp_encode_bytes(out, h->state_root.bytes, 32));
    PUT(bts_rlp_encode_bytes(out, h->tx_root.bytes, 32));
    PUT(bts_rlp_encode_bytes(out, h->receipt_root.bytes, 32));
    PUT(bts_rlp_encode_bytes(out, h->bloom, 256));
    PUT(put_u256(out, &h->difficulty));
    PUT(bts_rlp_encode_u64(out, h->number));
    PUT(bts_rlp_encode_u64(out, h->gas_limit));
    PUT(bts_rlp_encode_u64(out, h->gas_used));
    PUT(bts_rlp_encode_u64(out, h->time));
    PUT(bts_rlp_encode_bytes(out, h->extra, extra_len));
    PUT(bts_rlp_encode_bytes(out, h->mix_hash.bytes, 32));
    PUT(bts_rlp_encode_bytes(out, h->nonce, 8));
    if (n_optional >= BTS_HEADER_OPT_BASE_FEE)
        PUT(put_u256(out, &h->base_fee));
    if (n_optional >= BTS_HEADER_OPT_WITHDRAWALS_ROOT)
        PUT(bts_rlp_encode_bytes(out, h->withdrawals_root.bytes, 32));
    if (n_optional >= BTS_HEADER_OPT_BLOB_GAS_USED)
        PUT(bts_rlp_encode_u64(out, h->blob_gas_used));
    if (n_optional >= BTS_HEADER_OPT_EXCESS_BLOB_GAS)
        PUT(bts_rlp_encode_u64(out, h->excess_blob_gas));
    if (n_optional >= BTS_HEADER_OPT_PARENT_BEACON_ROOT)
        PUT(bts_rlp_encode_bytes(out, h->parent_beacon_root.bytes, 32));
#undef PUT
    return st;
}

bt_status bts_header_encode(struct bts_buf *out, const struct bts_header *h)
{
    size_t mark;
    if (h->n_optional > N_OPTIONAL)
        return BT_EINVAL;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = header_put_fields(out, h, h->extra_len, h->n_optional);
    return st == BT_OK ? bts_rlp_list_end(out, mark) : st;
}

bt_status bts_header_hash(uint8_t out[32], const struct bts_header *h)
{
    struct bts_buf b = BTS_BUF_INIT;
    bt_status st = bts_header_encode(&b, h);
    if (st == BT_OK)
        bts_keccak256(out, b.data, b.len);
    bts_buf_free(&b);
    return st;
}
