/* Solidity contract ABI codec (docs.soliditylang.org "Contract ABI Specification"): type
 * strings, selectors and event topics, encoding and strict decoding of values, revert reasons.
 * Used by the root-chain adapters (StateSender, StakingInfo, RootChain calls and events) and by
 * the genesis system contracts. Named solabi to keep it apart from the plugin ABI in abi/. */
#ifndef BTS_SOLABI_H
#define BTS_SOLABI_H

#include <stdbool.h>

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- types ------------------------------------------------------------------------------- */

/** What a type (and a value of it) is. */
enum bts_solabi_kind {
    BTS_SOLABI_UINT = 1,    /* uintN, N = 8..256 step 8 ("uint" = uint256) */
    BTS_SOLABI_INT,         /* intN ("int" = int256) */
    BTS_SOLABI_ADDRESS,     /* address (encoded as uint160) */
    BTS_SOLABI_BOOL,        /* bool (encoded as uint8 restricted to 0, 1) */
    BTS_SOLABI_FIXED_BYTES, /* bytesN, N = 1..32 */
    BTS_SOLABI_BYTES,       /* bytes */
    BTS_SOLABI_STRING,      /* string (UTF-8 by convention; not checked) */
    BTS_SOLABI_ARRAY,       /* T[k], k >= 1 */
    BTS_SOLABI_DYN_ARRAY,   /* T[] */
    BTS_SOLABI_TUPLE        /* (T1,...,Tn) */
};

/** Deepest nesting of arrays and tuples a type may have (each [] / [k] / () is one level). It
 *  bounds the recursion of every function here. */
#define BTS_SOLABI_MAX_DEPTH 32

/** Largest static encoding (head size) of any type, and largest static part of a dynamic
 *  tuple or T[k], in bytes (1 GiB), so size arithmetic never overflows. uint256[k] may have k
 *  up to 2^25. */
#define BTS_SOLABI_MAX_STATIC ((size_t)1 << 30)

/** A parsed type. Read-only for callers; made by bts_solabi_type_parse or
 *  bts_solabi_sig_parse and released with bts_solabi_type_free. */
struct bts_solabi_type {
    enum bts_solabi_kind kind;
    uint16_t bits;                  /* UINT/INT: N in bits; FIXED_BYTES: N in bytes; else 0 */
    size_t array_len;               /* ARRAY: k; else 0 */
    struct bts_solabi_type *elem;   /* ARRAY, DYN_ARRAY: element type; else NULL */
    struct bts_solabi_type *fields; /* TUPLE: n_fields types, contiguous; else NULL */
    size_t n_fields;
    bool is_dynamic;  /* bytes, string, T[], and T[k] / tuples holding a dynamic type */
    uint8_t depth;    /* 0 for scalars, bytes and string; 1 + deepest child otherwise */
    size_t head_size; /* bytes taken in an enclosing head: 32 if dynamic, else the static size */
};

/** Parse a type string: uintN, intN, uint, int, address, bool, bytesN, bytes, string, T[k],
 *  T[], "(T1,...,Tn)" and any nesting of these, without spaces. The empty tuple "()" (an empty
 *  argument list) is allowed only as the whole type, and k >= 1: zero-sized types nested
 *  in others would let a short input decode into unboundedly many values.
 *  Returns: BT_OK, BT_EINVAL (syntax, unknown type, N or k out of range, nesting deeper than
 *           BTS_SOLABI_MAX_DEPTH, static size over BTS_SOLABI_MAX_STATIC), BT_ENOMEM.
 *  Out:     out_type: the type (free with bts_solabi_type_free); NULL on failure.
 *  In:      str, str_len: the type text (not NUL-terminated necessarily).
 *  Thread:  any. */
BTS_API bt_status bts_solabi_type_parse(struct bts_solabi_type **out_type, const char *str,
                                        size_t str_len) BT_MUST_CHECK BT_NONNULL(1);

/** Release a type from bts_solabi_type_parse or bts_solabi_sig_parse. NULL does nothing. */
BTS_API void bts_solabi_type_free(struct bts_solabi_type *type);

/** Append the canonical form of a type (uint256 for uint, no spaces), as used in signatures.
 *  Returns: BT_OK, BT_ENOMEM (out unchanged). */
BTS_API bt_status bts_solabi_type_format(struct bts_buf *out,
                                         const struct bts_solabi_type *type) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Parse a function or event signature "name(T1,...,Tn)": name is [A-Za-z_$][A-Za-z0-9_$]*,
 *  the argument list as in bts_solabi_type_parse. Types are canonicalised before hashing, so
 *  "f(uint)" hashes as "f(uint256)".
 *  Returns: BT_OK, BT_EINVAL (bad name or argument list), BT_ENOMEM.
 *  Out:     out_hash: keccak256 of the canonical signature: its first 4 bytes are the function
 *                     selector, all 32 the event's topic 0.
 *           out_args: if not NULL, the argument tuple type (free with bts_solabi_type_free).
 *  In:      sig, sig_len: the signature text.
 *  Thread:  any. Source: Solidity ABI spec, "Function Selector" and "Events". */
BTS_API bt_status bts_solabi_sig_parse(uint8_t out_hash[32], struct bts_solabi_type **out_args,
                                       const char *sig, size_t sig_len) BT_MUST_CHECK
    BT_NONNULL(1, 3);

/** Function selector of a NUL-terminated signature: "transfer(address,uint256)" -> a9059cbb.
 *  Returns: BT_OK, BT_EINVAL (as bts_solabi_sig_parse), BT_ENOMEM. Thread: any. */
BTS_API bt_status bts_solabi_selector(uint8_t out_selector[4], const char *sig) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Event topic 0 of a NUL-terminated event signature (non-anonymous events), e.g.
 *  "Transfer(address,address,uint256)" -> ddf252ad...
 *  Returns: BT_OK, BT_EINVAL, BT_ENOMEM. Thread: any. */
BTS_API bt_status bts_solabi_event_topic(uint8_t out_topic[32], const char *sig) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/* --- values ------------------------------------------------------------------------------ */

/** A value of some type, as a tree. Which fields mean something depends on kind:
 *  - UINT, INT, ADDRESS, BOOL, FIXED_BYTES: `word` is the 32-byte ABI word: big-endian,
 *    zero-extended (uintN, address: 12 zero bytes then the 20 bytes, bool: 0 or 1),
 *    sign-extended two's complement (intN), or left-aligned and zero-padded (bytesN).
 *  - BYTES, STRING: `data`, `len` (data may be NULL when len is 0).
 *  - ARRAY, DYN_ARRAY, TUPLE: `items`, `n_items` (elements or fields in order).
 *  Values built by the caller (the bts_solabi_val_* setters on caller storage) are owned by
 *  the caller and only borrowed by the encoder. Values made by bts_solabi_decode are one
 *  allocation released with bts_solabi_value_free; their `data` points into the decoded input,
 *  which must outlive them. */
struct bts_solabi_value {
    enum bts_solabi_kind kind;
    uint8_t word[32];
    const uint8_t *data;
    size_t len;
    struct bts_solabi_value *items;
    size_t n_items;
};

/** Setters filling a caller-owned value (everything else zeroed). They cannot fail; whether
 *  the value fits its type (uint8 holding 300, bytes4 holding 5 bytes) is checked by
 *  bts_solabi_encode. Thread: any. */
BTS_API void bts_solabi_val_uint(struct bts_solabi_value *v, uint64_t x) BT_NONNULL(1);
/** A uintN or intN from a full 32-byte big-endian word (kind is UINT or INT). */
BTS_API void bts_solabi_val_word(struct bts_solabi_value *v, enum bts_solabi_kind kind,
                                 const uint8_t word[32]) BT_NONNULL(1, 3);
BTS_API void bts_solabi_val_int(struct bts_solabi_value *v, int64_t x) BT_NONNULL(1);
BTS_API void bts_solabi_val_bool(struct bts_solabi_value *v, bool b) BT_NONNULL(1);
BTS_API void bts_solabi_val_address(struct bts_solabi_value *v, const uint8_t addr[20])
    BT_NONNULL(1, 2);
/** bytesN: copies min(n, 32) bytes left-aligned. */
BTS_API void bts_solabi_val_fixed_bytes(struct bts_solabi_value *v, const void *p, size_t n)
    BT_NONNULL(1);
/** bytes: borrows p (n bytes) until the value is no longer used. */
BTS_API void bts_solabi_val_bytes(struct bts_solabi_value *v, const void *p, size_t n)
    BT_NONNULL(1);
/** string: borrows the NUL-terminated s (without its NUL). */
BTS_API void bts_solabi_val_string(struct bts_solabi_value *v, const char *s) BT_NONNULL(1, 2);
/** ARRAY, DYN_ARRAY or TUPLE over n caller-owned items (borrowed). */
BTS_API void bts_solabi_val_list(struct bts_solabi_value *v, enum bts_solabi_kind kind,
                                 struct bts_solabi_value *items, size_t n) BT_NONNULL(1);

/** Deep equality: same kinds, words, byte contents and items. Thread: any. */
BTS_API bool bts_solabi_value_equal(const struct bts_solabi_value *a,
                                    const struct bts_solabi_value *b) BT_NONNULL(1, 2);

/** Release a value tree made by bts_solabi_decode. NULL does nothing. Never call it on
 *  caller-built values. */
BTS_API void bts_solabi_value_free(struct bts_solabi_value *v);

/* --- encoding ---------------------------------------------------------------------------- */

/** Append enc(value) per the ABI spec ("Formal Specification of the Encoding"): a tuple gives
 *  its heads then tails with offsets relative to its start, bytes/string give length + data
 *  padded to 32, and so on. For abi.encode(a, b, ...) or call arguments use a tuple type; a
 *  bare dynamic type (e.g. "bytes") is encoded without the leading offset word.
 *  Returns: BT_OK, BT_EINVAL (the value does not match the type: kind, item count, a word that
 *           does not fit uintN/intN/address/bool/bytesN, NULL data with len > 0; out is left
 *           as it was), BT_ENOMEM (out left as it was).
 *  In/Out:  out: the encoding is appended.
 *  In:      type, value: borrowed.
 *  Thread:  any. */
BTS_API bt_status bts_solabi_encode(struct bts_buf *out, const struct bts_solabi_type *type,
                                    const struct bts_solabi_value *value) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3);

/** Append call data: the 4-byte selector, then bts_solabi_encode(args_type, args).
 *  Returns: as bts_solabi_encode (on failure out is left as it was). Thread: any. */
BTS_API bt_status bts_solabi_encode_call(struct bts_buf *out, const uint8_t selector[4],
                                         const struct bts_solabi_type *args_type,
                                         const struct bts_solabi_value *args) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3, 4);

/** Fast path for calls whose arguments are all static scalars: append selector || words.
 *  The caller builds the words with the bts_solabi_word_* helpers (or bts_solabi_val_*).
 *  Returns: BT_OK, BT_ENOMEM (out left as it was). Thread: any. */
BTS_API bt_status bts_solabi_encode_call_words(struct bts_buf *out, const uint8_t selector[4],
                                               const uint8_t (*words)[32],
                                               size_t n_words) BT_MUST_CHECK BT_NONNULL(1, 2);

/** A word holding an unsigned integer (uintN, also offsets and lengths). */
BTS_API void bts_solabi_word_u64(uint8_t out[32], uint64_t x) BT_NONNULL(1);
/** A word holding an address (12 zero bytes, then the 20 bytes). */
BTS_API void bts_solabi_word_address(uint8_t out[32], const uint8_t addr[20]) BT_NONNULL(1, 2);
/** Read a word as an unsigned 64-bit integer.
 *  Returns: BT_OK, BT_ERANGE (the value is 2^64 or more; *out unchanged). */
BTS_API bt_status bts_solabi_word_to_u64(uint64_t *out, const uint8_t word[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/* --- decoding ---------------------------------------------------------------------------- */

/** Decode enc(value) of a type from data (the inverse of bts_solabi_encode; for call data skip
 *  the 4-byte selector first). Strict on values and bounds, lenient where Solidity's own
 *  decoder is: every offset and length must stay inside data, uintN/intN/address/bool/bytesN
 *  words must be clean (no dirty high bits, correct sign extension, bool 0/1, zero padding
 *  of bytesN); offsets may point anywhere inside data and trailing bytes after the encoding
 *  are ignored; the zero padding after bytes/string contents is neither required nor checked
 *  (as go-ethereum and solc). Memory is bounded by the input: an array length is checked
 *  against the bytes left before anything is allocated, and the whole tree may hold at most
 *  (data_len / 32) * (type->depth + 1) + 1 values, which every encoding without shared tails
 *  meets, so offsets that alias one tail many times cannot blow memory up.
 *  Returns: BT_OK, BT_EINVAL (malformed input: out of bounds, dirty value, tree too large),
 *           BT_ENOMEM, BT_EINTERNAL (the filling pass disagreed with the counting pass: a bug).
 *  Out:     out_value: the value tree (free with bts_solabi_value_free); NULL on failure.
 *           BYTES/STRING data points into `data`.
 *  In:      type: borrowed. data, data_len: the encoding, borrowed (must outlive the tree).
 *  Thread:  any. */
BTS_API bt_status bts_solabi_decode(struct bts_solabi_value **out_value,
                                    const struct bts_solabi_type *type, const uint8_t *data,
                                    size_t data_len) BT_MUST_CHECK BT_NONNULL(1, 2);

/* --- revert data ------------------------------------------------------------------------- */

/** The two revert payloads Solidity emits itself. */
enum bts_solabi_revert_kind {
    BTS_SOLABI_REVERT_ERROR = 1, /* Error(string), selector 08c379a0: require/revert("...") */
    BTS_SOLABI_REVERT_PANIC      /* Panic(uint256), selector 4e487b71: assert, overflow, ... */
};

/** A decoded revert payload. */
struct bts_solabi_revert {
    enum bts_solabi_revert_kind kind;
    const uint8_t *reason; /* ERROR: the message bytes, pointing into the input; else NULL */
    size_t reason_len;
    uint8_t panic_code[32]; /* PANIC: the code word (0x01 assert, 0x11 overflow, ...) */
};

/** Decode EVM revert output as Error(string) or Panic(uint256). The caller builds the message
 *  ("execution reverted: <reason>", go-ethereum's form) from the parts.
 *  Returns: BT_OK, BT_ENOTFOUND (empty output, a custom error or anything else: no reason),
 *           BT_EINVAL (the selector matches but the rest is malformed, as bts_solabi_decode).
 *  Out:     out: filled on BT_OK; reason borrows from data.
 *  In:      data, data_len: the revert output.
 *  Thread:  any. Source: Solidity docs "Error handling: Assert, Require, Revert and
 *           Exceptions" (panic codes). */
BTS_API bt_status bts_solabi_decode_revert(struct bts_solabi_revert *out, const uint8_t *data,
                                           size_t data_len) BT_MUST_CHECK BT_NONNULL(1);

/** The Solidity description of a panic code word ("arithmetic underflow or overflow" for
 *  0x11, as go-ethereum's panicReasons), or NULL for codes Solidity does not define.
 *  Thread: any. Returns a static string. */
BTS_API const char *bts_solabi_panic_str(const uint8_t code[32]) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_SOLABI_H */
