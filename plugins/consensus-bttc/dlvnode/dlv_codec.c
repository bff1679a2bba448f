/* Delivery node codecs: blocks, precommit extensions (side-tx results), list iteration. All
 * strict RLP (bts_rlp_decode checks canonical form), so one block has one encoding and hash. */
#include <string.h>

#include <bts/buf.h>
#include <bts/rlp.h>

#include "bft.h"
#include "dlv_node.h"
#include "dlv_node_int.h"

bt_status dlv_list_next(const uint8_t *raw, size_t raw_len, size_t *pos, const uint8_t **out,
                        size_t *out_len)
{
    struct bts_rlp_item it;
    if (*pos >= raw_len)
        return BT_ENOTFOUND;
    if (bts_rlp_decode_prefix(&it, raw + *pos, raw_len - *pos) != BT_OK || it.is_list)
        return BT_EINVAL;
    *out = it.payload;
    *out_len = it.payload_len;
    *pos += it.raw_len;
    return BT_OK;
}

static bt_status next_u64(struct bts_rlp_iter *it, uint64_t *v)
{
    struct bts_rlp_item item;
    if (bts_rlp_iter_next(it, &item) != BT_OK || bts_rlp_item_u64(&item, v) != BT_OK)
        return BT_EINVAL;
    return BT_OK;
}

static bt_status next_fixed(struct bts_rlp_iter *it, uint8_t *out, size_t n)
{
    struct bts_rlp_item item;
    if (bts_rlp_iter_next(it, &item) != BT_OK || bts_rlp_item_fixed(&item, out, n) != BT_OK)
        return BT_EINVAL;
    return BT_OK;
}

/* A list of byte strings: count them (every item must be a string). */
static bt_status next_strings(struct bts_rlp_iter *it, const uint8_t **raw, size_t *raw_len,
                              size_t *n)
{
    struct bts_rlp_item item;
    const uint8_t *p;
    size_t len, pos = 0;
    *n = 0;
    if (bts_rlp_iter_next(it, &item) != BT_OK || !item.is_list)
        return BT_EINVAL;
    *raw = item.payload;
    *raw_len = item.payload_len;
    bt_status st;
    while ((st = dlv_list_next(item.payload, item.payload_len, &pos, &p, &len)) == BT_OK)
        ++*n;
    return st == BT_ENOTFOUND ? BT_OK : BT_EINVAL;
}

bt_status dlv_block_decode(struct dlv_block *out, const uint8_t *in, size_t len)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it;
    uint64_t round;
    memset(out, 0, sizeof *out);
    if (len == 0 || len > DLV_BLOCK_MAX || bts_rlp_decode_max_depth(&top, in, len, 2) != BT_OK ||
        !top.is_list)
        return BT_EINVAL;
    bts_rlp_iter_init(&it, &top);
    if (next_u64(&it, &out->height) != BT_OK || out->height == 0 ||
        next_u64(&it, &out->time_ms) != BT_OK || next_fixed(&it, out->proposer, 20) != BT_OK ||
        next_fixed(&it, out->last_app_hash, 32) != BT_OK ||
        next_strings(&it, &out->txs_raw, &out->txs_raw_len, &out->n_txs) != BT_OK ||
        next_u64(&it, &round) != BT_OK || round >= BFT_MAX_ROUND ||
        next_strings(&it, &out->votes_raw, &out->votes_raw_len, &out->n_votes) != BT_OK ||
        bts_rlp_iter_next(&it, &item) != BT_ENOTFOUND)
        return BT_EINVAL;
    out->last_round = (int32_t)round;
    if ((out->height == 1) != (out->n_votes == 0))
        return BT_EINVAL; /* height 1 has no last commit; every other height has one */
    return BT_OK;
}

bt_status dlv_block_encode(struct bts_buf *b, const struct dlv_block_hdr *h, const uint8_t *txs_raw,
                           size_t txs_raw_len, const uint8_t *votes_raw, size_t votes_raw_len)
{
    size_t mark;
    bt_status st = bts_rlp_list_begin(b, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, h->height);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, h->time_ms);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(b, h->proposer, 20);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(b, h->last_app_hash, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_list_header(b, txs_raw_len);
    if (st == BT_OK)
        st = bts_rlp_encode_raw(b, txs_raw, txs_raw_len);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(b, (uint64_t)h->last_round);
    if (st == BT_OK)
        st = bts_rlp_encode_list_header(b, votes_raw_len);
    if (st == BT_OK)
        st = bts_rlp_encode_raw(b, votes_raw, votes_raw_len);
    if (st == BT_OK)
        st = bts_rlp_list_end(b, mark);
    return st;
}

bt_status dlv_side_encode(const struct dlv_side_result *r, size_t n, uint8_t *out, size_t *out_len)
{
    struct bts_buf b;
    size_t mark;
    *out_len = 0;
    if (n > DLV_SIDE_MAX)
        return BT_EINVAL;
    if (n == 0)
        return BT_OK;
    bts_buf_init(&b);
    bt_status st = bts_rlp_list_begin(&b, &mark);
    for (size_t i = 0; i < n && st == BT_OK; i++) {
        size_t m2;
        st = bts_rlp_list_begin(&b, &m2);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(&b, r[i].tx_hash, 32);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(&b, r[i].result);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(&b, r[i].sig, DLV_SIG_LEN);
        if (st == BT_OK)
            st = bts_rlp_list_end(&b, m2);
    }
    if (st == BT_OK)
        st = bts_rlp_list_end(&b, mark);
    if (st == BT_OK && b.len > BFT_EXT_MAX)
        st = BT_EINVAL;
    if (st == BT_OK) {
        memcpy(out, b.data, b.len);
        *out_len = b.len;
    }
    bts_buf_free(&b);
    return st;
}

bt_status dlv_side_decode(struct dlv_side_result *out, size_t *out_n, const uint8_t *in, size_t len)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it;
    bt_status st;
    *out_n = 0;
    if (len == 0 || len > BFT_EXT_MAX || bts_rlp_decode_max_depth(&top, in, len, 2) != BT_OK ||
        !top.is_list)
        return BT_EINVAL;
    bts_rlp_iter_init(&it, &top);
    while ((st = bts_rlp_iter_next(&it, &item)) == BT_OK) {
        struct bts_rlp_iter e;
        struct bts_rlp_item x;
        uint64_t res;
        if (*out_n == DLV_SIDE_MAX || !item.is_list)
            return BT_EINVAL;
        struct dlv_side_result *r = &out[*out_n];
        bts_rlp_iter_init(&e, &item);
        if (next_fixed(&e, r->tx_hash, 32) != BT_OK || next_u64(&e, &res) != BT_OK || res > 2 ||
            next_fixed(&e, r->sig, DLV_SIG_LEN) != BT_OK ||
            bts_rlp_iter_next(&e, &x) != BT_ENOTFOUND)
            return BT_EINVAL;
        r->result = (uint8_t)res;
        ++*out_n;
    }
    return st == BT_ENOTFOUND && *out_n > 0 ? BT_OK : BT_EINVAL;
}
