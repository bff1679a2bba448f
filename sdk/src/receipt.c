/* Receipt and log encoding (bts/receipt.h): the receipt trie's values and keys, the receipt bloom
 * and the logs hash of state tests. */
#include <bts/receipt.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

bt_status bts_log_encode(struct bts_buf *out, const struct bts_log *log)
{
    size_t mark, tmark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, log->address.bytes, 20);
    if (st == BT_OK)
        st = bts_rlp_list_begin(out, &tmark);
    for (size_t i = 0; st == BT_OK && i < log->n_topics; i++)
        st = bts_rlp_encode_bytes(out, log->topics[i].bytes, 32);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, tmark);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, log->data, log->data_len);
    return st == BT_OK ? bts_rlp_list_end(out, mark) : st;
}

bt_status bts_logs_encode(struct bts_buf *out, const struct bts_log *logs, size_t n_logs)
{
    size_t mark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    for (size_t i = 0; st == BT_OK && i < n_logs; i++)
        st = bts_log_encode(out, &logs[i]);
    return st == BT_OK ? bts_rlp_list_end(out, mark) : st;
}

bt_status bts_logs_hash(uint8_t out[32], const struct bts_log *logs, size_t n_logs)
{
    struct bts_buf b = BTS_BUF_INIT;
    bt_status st = bts_logs_encode(&b, logs, n_logs);
    if (st == BT_OK)
        bts_keccak256(out, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

void bts_receipt_bloom(uint8_t out[BTS_BLOOM_LEN], const struct bts_log *logs, size_t n_logs)
{
    for (size_t i = 0; i < BTS_BLOOM_LEN; i++)
        out[i] = 0;
    for (size_t i = 0; i < n_logs; i++) {
        bts_bloom_add(out, logs[i].address.bytes, 20);
        for (size_t t = 0; t < logs[i].n_topics; t++)
            bts_bloom_add(out, logs[i].topics[t].bytes, 32);
    }
}

bt_status bts_receipt_encode(struct bts_buf *out, const struct bts_receipt *r)
{
    size_t mark;
    bt_status st = BT_OK;
    if (r->type > 0x7f || r->status > 1)
        return BT_EINVAL;
    if (r->type != 0)
        st = bts_buf_append_byte(out, r->type);
    if (st == BT_OK)
        st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, r->status);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, r->cumulative_gas);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, r->bloom, BTS_BLOOM_LEN);
    if (st == BT_OK)
        st = bts_logs_encode(out, r->logs, r->n_logs);
    return st == BT_OK ? bts_rlp_list_end(out, mark) : st;
}

size_t bts_receipt_index_key(uint8_t out[BTS_INDEX_KEY_MAX], uint64_t index)
{
    if (index == 0) {
        out[0] = 0x80;
        return 1;
    }
    if (index < 0x80) {
        out[0] = (uint8_t)index;
        return 1;
    }
    size_t n = 0;
    for (uint64_t v = index; v; v >>= 8)
        n++;
    out[0] = (uint8_t)(0x80 + n);
    for (size_t i = 0; i < n; i++)
        out[1 + i] = (uint8_t)(index >> (8 * (n - 1 - i)));
    return 1 + n;
}
