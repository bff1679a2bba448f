/* RLP (Recursive Length Prefix), the serialisation of Ethereum and BTTC: an encoder that appends
 * to a struct bts_buf and a strict, canonical, zero-copy decoder. Source of every rule: Yellow
 * Paper appendix B; the canonical-form checks match go-ethereum's rlp package (rlp/decode.go).
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_RLP_H
#define BTS_RLP_H

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- status sub-codes ---------------------------------------------------------------------
 * Every decoding error has its own sub-code in bits 8.. (STYLE.md "Status codes"), so
 * BT_STATUS_PRIMARY() of each is BT_EINVAL (BT_ERANGE for an integer too large for its
 * destination). bts_rlp_strerror() names them. */

/** The input ends inside an item's header (no byte at all, or long-form length bytes missing). */
#define BTS_RLP_ETRUNCATED (BT_EINVAL | (1 << 8))
/** Bytes follow the single top-level item. */
#define BTS_RLP_ETRAILING (BT_EINVAL | (2 << 8))
/** A one-byte string below 0x80 written with a header (0x81 0x05): it must be the byte itself. */
#define BTS_RLP_ESINGLE_BYTE (BT_EINVAL | (3 << 8))
/** Non-canonical length: long form used for a payload shorter than 56 bytes, or a length with a
 *  leading zero byte. */
#define BTS_RLP_ENONCANON_LEN (BT_EINVAL | (4 << 8))
/** A declared payload length runs past the end of the input or of the enclosing list (or does not
 *  fit in size_t). */
#define BTS_RLP_ELEN_OVERFLOW (BT_EINVAL | (5 << 8))
/** An integer item starts with a zero byte (0 is the empty string 0x80, never 0x00). */
#define BTS_RLP_EINT_LEADING_ZERO (BT_EINVAL | (6 << 8))
/** Lists nest deeper than the allowed depth. */
#define BTS_RLP_ETOO_DEEP (BT_EINVAL | (7 << 8))
/** A list where a string was required, or a string where a list was required. */
#define BTS_RLP_EWRONG_TYPE (BT_EINVAL | (8 << 8))
/** A fixed-size string (address, hash) has another length. */
#define BTS_RLP_EWRONG_SIZE (BT_EINVAL | (9 << 8))
/** An integer is too large for its destination (more than 8 bytes for u64, 32 for u256). */
#define BTS_RLP_EINT_OVERFLOW (BT_ERANGE | (10 << 8))

/** Default nesting limit of bts_rlp_decode(): lists inside lists, counting the outermost. Far
 *  above anything Ethereum or BTTC produces, low enough that callers walking the tree
 *  recursively stay within their stack. */
#define BTS_RLP_MAX_DEPTH 1024

/** Name of an RLP sub-code ("rlp: leading zero in integer", ...). For any other status it
 *  returns bts_status_str(st). Never NULL; static text, never freed. Thread: any. */
BTS_API const char *bts_rlp_strerror(bt_status st);

/* --- encoder ------------------------------------------------------------------------------
 * Every encoder call appends to `out` and returns BT_OK or BT_ENOMEM; on BT_ENOMEM `out` may hold
 * a partial item and should be discarded. Thread: any (one buffer per thread). */

/** Append a string item: a single byte < 0x80 as itself, else a header and the bytes.
 *  Returns: BT_OK, BT_ENOMEM.
 *  In:      p, n: the bytes (p may be NULL when n == 0). */
BTS_API bt_status bts_rlp_encode_bytes(struct bts_buf *out, const void *p, size_t n) BT_MUST_CHECK
    BT_NONNULL(1);

/** Append an unsigned integer: minimal big-endian bytes as a string, 0 as 0x80.
 *  Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_rlp_encode_u64(struct bts_buf *out, uint64_t v) BT_MUST_CHECK BT_NONNULL(1);

/** Append a 256-bit unsigned integer given as 32 big-endian bytes (struct bt_u256 layout):
 *  leading zero bytes are stripped, 0 becomes 0x80.
 *  Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_rlp_encode_u256_be(struct bts_buf *out, const uint8_t v[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Append an item that is already RLP (a cached sub-tree, a trie node), unchanged. The bytes are
 *  not checked: the caller vouches that they are exactly one valid item.
 *  Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_rlp_encode_raw(struct bts_buf *out, const void *p, size_t n) BT_MUST_CHECK
    BT_NONNULL(1);

/** Append a list header for a payload of `payload_len` bytes that the caller appends next
 *  (for when the size is known in advance; otherwise use bts_rlp_list_begin/end).
 *  Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_rlp_encode_list_header(struct bts_buf *out, size_t payload_len) BT_MUST_CHECK
    BT_NONNULL(1);

/** Open a list: items appended to `out` until the matching bts_rlp_list_end() become its
 *  payload. Lists nest (keep one mark per open list). Appends a one-byte placeholder, so the
 *  buffer is not valid RLP until the list is closed.
 *  Returns: BT_OK, BT_ENOMEM.
 *  Out:     out_mark: opaque position to pass to bts_rlp_list_end(). */
BTS_API bt_status bts_rlp_list_begin(struct bts_buf *out, size_t *out_mark) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Close the list opened at `mark`: write its header in front of everything appended since.
 *  Lists shorter than 56 bytes are finished in place; longer ones move their payload by the
 *  extra header bytes (1..8), so N nested long lists cost N moves of the inner bytes (fine for
 *  transactions, blocks, trie nodes; for deep structures of known size use
 *  bts_rlp_encode_list_header()).
 *  Returns: BT_OK, BT_ENOMEM, BT_EINVAL (mark does not lie within `out`: misuse). */
BTS_API bt_status bts_rlp_list_end(struct bts_buf *out, size_t mark) BT_MUST_CHECK BT_NONNULL(1);

/** Encoded size of a string item of `n` bytes at `p` (p is read only when n == 1).
 *  Thread: any. */
BTS_API size_t bts_rlp_bytes_len(const void *p, size_t n);

/** Encoded size of a list whose items take `payload_len` bytes. Thread: any. */
BTS_API size_t bts_rlp_list_len(size_t payload_len);

/** Encoded size of bts_rlp_encode_u64(v). Thread: any. */
BTS_API size_t bts_rlp_u64_len(uint64_t v);

/* --- decoder ------------------------------------------------------------------------------
 * Zero copy: items point into the caller's input, which must outlive them. */

/** One decoded item. `raw` is the whole encoding (header and payload), `payload` the string's
 *  bytes or the list's concatenated items. */
struct bts_rlp_item {
    const uint8_t *payload;
    size_t payload_len;
    const uint8_t *raw;
    size_t raw_len;
    int is_list; /* 1: list, 0: string */
};

/** Position inside a list's payload. Plain data: copy it to remember a position. */
struct bts_rlp_iter {
    const uint8_t *p; /* next item; NULL: initialised from a string (iteration fails) */
    size_t left;      /* payload bytes not yet consumed */
};

/** Decode exactly one item that spans the whole input, and check the whole tree strictly (every
 *  nested header canonical and inside its parent, nesting <= BTS_RLP_MAX_DEPTH). After BT_OK,
 *  iterating any nested list of `out` can only end with BT_ENOTFOUND.
 *  Returns: BT_OK, BTS_RLP_ETRUNCATED (also for empty input), BTS_RLP_ETRAILING,
 *           BTS_RLP_ESINGLE_BYTE, BTS_RLP_ENONCANON_LEN, BTS_RLP_ELEN_OVERFLOW, BTS_RLP_ETOO_DEEP,
 *           BT_ENOMEM (nesting deeper than 64 needs a heap stack).
 *  Out:     out: the top item, pointing into `in`; zeroed on failure.
 *  In:      in, in_len: borrowed; must outlive `out` and everything taken from it.
 *  Thread:  any. Source: Yellow Paper appendix B. */
BTS_API bt_status bts_rlp_decode(struct bts_rlp_item *out, const uint8_t *in,
                                 size_t in_len) BT_MUST_CHECK BT_NONNULL(1);

/** bts_rlp_decode() with a caller-chosen nesting limit: `max_depth` is the largest number of
 *  lists that may enclose one another (0: only a string is accepted; "[[]]" needs 2).
 *  Returns and arguments: as bts_rlp_decode(). */
BTS_API bt_status bts_rlp_decode_max_depth(struct bts_rlp_item *out, const uint8_t *in,
                                           size_t in_len, size_t max_depth) BT_MUST_CHECK
    BT_NONNULL(1);

/** Check that `in` is exactly one canonical item with nesting <= max_depth, without recursion
 *  (an explicit stack, so a depth bomb of nested lists costs heap bounded by max_depth, never
 *  call stack). bts_rlp_decode_max_depth() without the item.
 *  Returns: as bts_rlp_decode_max_depth(). Thread: any. */
BTS_API bt_status bts_rlp_validate(const uint8_t *in, size_t in_len,
                                   size_t max_depth) BT_MUST_CHECK;

/** Decode the single item at the start of `in` (header checked strictly, nested items not
 *  looked at) and report its size, for streams of concatenated items.
 *  Returns: BT_OK and the same header errors as bts_rlp_decode() except BTS_RLP_ETRAILING.
 *  Out:     out: the item (raw_len is how far to advance); zeroed on failure. */
BTS_API bt_status bts_rlp_decode_prefix(struct bts_rlp_item *out, const uint8_t *in,
                                        size_t in_len) BT_MUST_CHECK BT_NONNULL(1);

/** Start iterating the items of `list`. If `list` is a string, bts_rlp_iter_next() fails with
 *  BTS_RLP_EWRONG_TYPE. */
BTS_API void bts_rlp_iter_init(struct bts_rlp_iter *it, const struct bts_rlp_item *list)
    BT_NONNULL(1, 2);

/** Take the next item of the list. Each header is checked strictly (so iteration is safe even
 *  over a list that did not come from bts_rlp_decode()); nested lists are not descended.
 *  Returns: BT_OK, BT_ENOTFOUND (no more items; `out` zeroed), BTS_RLP_EWRONG_TYPE, and the
 *           header errors of bts_rlp_decode() (the iterator then stays at the bad item).
 *  Thread:  any (one iterator per thread). */
BTS_API bt_status bts_rlp_iter_next(struct bts_rlp_iter *it, struct bts_rlp_item *out) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Count the items of `list` (each header checked as by bts_rlp_iter_next()).
 *  Returns: BT_OK, BTS_RLP_EWRONG_TYPE, header errors. Out: out_n (0 on failure). */
BTS_API bt_status bts_rlp_list_count(const struct bts_rlp_item *list, size_t *out_n) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Read a canonical unsigned integer: a string of at most 8 bytes without a leading zero byte
 *  (0 is the empty string).
 *  Returns: BT_OK, BTS_RLP_EWRONG_TYPE, BTS_RLP_EINT_LEADING_ZERO, BTS_RLP_EINT_OVERFLOW.
 *  Out:     out: the value (0 on failure). Source: Yellow Paper appendix B (BE without leading
 *           zeros); go-ethereum rejects 0x00 as an integer too. */
BTS_API bt_status bts_rlp_item_u64(const struct bts_rlp_item *it, uint64_t *out) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Read a canonical 256-bit unsigned integer (string of at most 32 bytes, no leading zero) into
 *  32 big-endian bytes (struct bt_u256 layout).
 *  Returns: BT_OK, BTS_RLP_EWRONG_TYPE, BTS_RLP_EINT_LEADING_ZERO, BTS_RLP_EINT_OVERFLOW.
 *  Out:     out: the value, left-padded with zeros (all zero on failure). */
BTS_API bt_status bts_rlp_item_u256_be(const struct bts_rlp_item *it, uint8_t out[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Copy a string of exactly `n` bytes (20: address, 32: hash, 256: bloom) into `out`.
 *  Returns: BT_OK, BTS_RLP_EWRONG_TYPE, BTS_RLP_EWRONG_SIZE. Out: out (untouched on failure). */
BTS_API bt_status bts_rlp_item_fixed(const struct bts_rlp_item *it, void *out,
                                     size_t n) BT_MUST_CHECK BT_NONNULL(1);

/** Borrow a string item's bytes (any length).
 *  Returns: BT_OK, BTS_RLP_EWRONG_TYPE (out_p NULL, out_len 0).
 *  Out:     out_p, out_len: pointer into the decoded input. */
BTS_API bt_status bts_rlp_item_bytes(const struct bts_rlp_item *it, const uint8_t **out_p,
                                     size_t *out_len) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

#ifdef __cplusplus
}
#endif

#endif /* BTS_RLP_H */
