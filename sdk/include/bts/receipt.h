/* Transaction receipts and logs: the consensus encoding of receipts (the values of the receipt
 * trie), the receipt bloom, the RLP and hash of a log list (the "logs" hash of state tests), and
 * the index keys of the transaction and receipt tries (go-ethereum DeriveSha).
 * Sources: Yellow Paper §4.3.1 (receipts, logs), EIP-658 (status), EIP-2718 (typed receipts).
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_RECEIPT_H
#define BTS_RECEIPT_H

#include <bts/bloom.h>
#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A log: rlp([address, [topic, ...], data]). Pointers are borrowed by every call. */
struct bts_log {
    struct bt_address address;
    const struct bt_hash *topics; /* n_topics entries (0..4 from LOG0..LOG4; any count encodes) */
    size_t n_topics;
    const uint8_t *data; /* may be NULL when data_len is 0 */
    size_t data_len;
};

/** A receipt from Byzantium on (status, not a post-state root). */
struct bts_receipt {
    uint8_t type;   /* the transaction's enum bts_tx_type */
    uint8_t status; /* 1 success, 0 failure (EIP-658) */
    uint64_t cumulative_gas;
    uint8_t bloom[BTS_BLOOM_LEN]; /* fill with bts_receipt_bloom() */
    const struct bts_log *logs;   /* may be NULL when n_logs is 0 */
    size_t n_logs;
};

/** Append rlp(log). Returns: BT_OK, BT_ENOMEM. Thread: any. */
BTS_API bt_status bts_log_encode(struct bts_buf *out, const struct bts_log *log) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Append rlp([log, ...]). Returns: BT_OK, BT_ENOMEM. Thread: any. */
BTS_API bt_status bts_logs_encode(struct bts_buf *out, const struct bts_log *logs,
                                  size_t n_logs) BT_MUST_CHECK BT_NONNULL(1);

/** keccak(rlp([log, ...])): the "logs" field of GeneralStateTests; no logs give keccak(0xc0) =
 *  1dcc4de8...49347.
 *  Returns: BT_OK, BT_ENOMEM. Out: out: 32 bytes. Thread: any. */
BTS_API bt_status bts_logs_hash(uint8_t out[32], const struct bts_log *logs,
                                size_t n_logs) BT_MUST_CHECK BT_NONNULL(1);

/** The bloom of a log list: every log's address and each of its topics added (data is not).
 *  Out: out: 256 bytes, overwritten. Thread: any. Source: go-ethereum core/types/bloom9.go. */
BTS_API void bts_receipt_bloom(uint8_t out[BTS_BLOOM_LEN], const struct bts_log *logs,
                               size_t n_logs) BT_NONNULL(1);

/** Append the consensus encoding: rlp([status, cumulativeGas, bloom, logs]) for legacy
 *  receipts, type || that RLP for typed ones. This is the value stored in the receipt trie and
 *  hashed into receiptsRoot; status is encoded as the integer 0 (0x80) or 1 (0x01).
 *  Returns: BT_OK, BT_ENOMEM, BT_EINVAL (type > 0x7f or status > 1: misuse). Thread: any.
 *  Source: EIP-2718 (receipt envelope), EIP-658. */
BTS_API bt_status bts_receipt_encode(struct bts_buf *out, const struct bts_receipt *r) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Largest key bts_receipt_index_key() writes (rlp of a 64-bit integer). */
#define BTS_INDEX_KEY_MAX 9

/** Trie key of item `index` of a block's transaction or receipt list: rlp(index) (0 is 0x80,
 *  1..127 one byte, larger values 0x80+n then n big-endian bytes). The values are the encoded
 *  transactions (bts_tx_encode) and receipts (bts_receipt_encode).
 *  Returns: the key length (1..9). Out: out: the key. Thread: any.
 *  Source: go-ethereum core/types/hashing.go (DeriveSha). */
BTS_API size_t bts_receipt_index_key(uint8_t out[BTS_INDEX_KEY_MAX], uint64_t index) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_RECEIPT_H */
