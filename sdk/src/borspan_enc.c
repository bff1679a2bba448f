/* bts/borspan.h: the commitSpan / commitState payloads (PROTOCOL.md §3.7, §3.9, §7.7). */
#include <bts/borspan.h>

#include <string.h>

#include <bts/rlp.h>

static const uint8_t SEL_COMMIT_SPAN[4] = {0x23, 0xc2, 0xa2, 0xb4};
static const uint8_t SEL_COMMIT_STATE[4] = {0x19, 0x49, 0x4a, 0x17};

bt_status bts_span_validator_bytes(struct bts_buf *out, const struct bts_span_validator *v,
                                   size_t n)
{
    size_t outer, inner;
    bt_status st = bts_rlp_list_begin(out, &outer);
    for (size_t i = 0; i < n && st == BT_OK; i++) {
        if (v[i].power < 0)
            return BT_EINVAL;
        st = bts_rlp_list_begin(out, &inner);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(out, v[i].id);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(out, (uint64_t)v[i].power);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(out, v[i].signer, 20);
        if (st == BT_OK)
            st = bts_rlp_list_end(out, inner);
    }
    if (st == BT_OK)
        st = bts_rlp_list_end(out, outer);
    return st;
}

static bt_status put_word_u64(struct bts_buf *out, uint64_t x)
{
    uint8_t w[32] = {0};
    for (int i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(x >> (8 * i));
    return bts_buf_append(out, w, 32);
}

/* ABI tail of a `bytes` argument: length word, then the bytes zero-padded to 32. */
static bt_status put_bytes_tail(struct bts_buf *out, const uint8_t *p, size_t n)
{
    static const uint8_t zero[32];
    bt_status st = put_word_u64(out, n);
    if (st == BT_OK && n)
        st = bts_buf_append(out, p, n);
    if (st == BT_OK && n % 32)
        st = bts_buf_append(out, zero, 32 - n % 32);
    return st;
}

static size_t padded(size_t n)
{
    return (n + 31) / 32 * 32;
}

bt_status bts_span_commit_calldata(struct bts_buf *out, const struct bts_span *s)
{
    struct bts_buf vb, pb;
    bts_buf_init(&vb);
    bts_buf_init(&pb);
    bt_status st = bts_span_validator_bytes(&vb, s->validators, s->n_validators);
    if (st == BT_OK)
        st = bts_span_validator_bytes(&pb, s->producers, s->n_producers);
    /* commitSpan(uint256,uint256,uint256,bytes,bytes): 5 head words, offsets from the args. */
    if (st == BT_OK)
        st = bts_buf_append(out, SEL_COMMIT_SPAN, 4);
    if (st == BT_OK)
        st = put_word_u64(out, s->id);
    if (st == BT_OK)
        st = put_word_u64(out, s->start_block);
    if (st == BT_OK)
        st = put_word_u64(out, s->end_block);
    if (st == BT_OK)
        st = put_word_u64(out, 5 * 32);
    if (st == BT_OK)
        st = put_word_u64(out, 5 * 32 + 32 + padded(vb.len));
    if (st == BT_OK)
        st = put_bytes_tail(out, vb.data, vb.len);
    if (st == BT_OK)
        st = put_bytes_tail(out, pb.data, pb.len);
    bts_buf_free(&vb);
    bts_buf_free(&pb);
    return st;
}

bt_status bts_event_record_bytes(struct bts_buf *out, const struct bts_event_record *r)
{
    size_t mark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, r->id);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, r->contract, 20);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, r->data, r->data_len);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, r->tx_hash, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, r->log_index);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, r->chain_id, strlen(r->chain_id));
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    return st;
}

bt_status bts_event_commit_calldata(struct bts_buf *out, const struct bts_event_record *r)
{
    struct bts_buf rb;
    bts_buf_init(&rb);
    bt_status st = bts_event_record_bytes(&rb, r);
    if (st == BT_OK)
        st = bts_buf_append(out, SEL_COMMIT_STATE, 4);
    if (st == BT_OK)
        st = put_word_u64(out, (uint64_t)r->record_time);
    if (st == BT_OK)
        st = put_word_u64(out, 64);
    if (st == BT_OK)
        st = put_bytes_tail(out, rb.data, rb.len);
    bts_buf_free(&rb);
    return st;
}
