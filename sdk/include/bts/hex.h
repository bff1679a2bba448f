/* Hex codecs: plain byte strings, Ethereum JSON-RPC QUANTITY and DATA values, fixed-size
 * addresses and hashes, and EIP-55 checksummed addresses. Every parser is strict: it takes the
 * exact string (pointer and length, no NUL needed), accepts nothing around it, and never reads
 * past s_len. Encoders write lowercase digits. */
#ifndef BTS_HEX_H
#define BTS_HEX_H

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flag for the byte-string codecs. Encoding: write a "0x" prefix. Decoding: require a "0x"
 *  (or "0X") prefix, the JSON-RPC DATA rule; without the flag the prefix is optional. */
#define BTS_HEX_0X 1u

/** Capacity (with the NUL) that always fits a formatted u64 QUANTITY: "0x" + 16 digits. */
#define BTS_HEX_U64_CAP 19
/** Capacity (with the NUL) that always fits a formatted u256 QUANTITY: "0x" + 64 digits. */
#define BTS_HEX_U256_CAP 67
/** Capacity of an EIP-55 address string: "0x" + 40 digits + NUL. */
#define BTS_HEX_EIP55_CAP 43

/** Encode bytes as lowercase hex, NUL-terminated.
 *  Returns: BT_OK; BT_ERANGE when out_cap is too small (nothing written, *out_len = the
 *           out_cap needed, i.e. string length + 1).
 *  Out:     out, out_cap: receives the string; *out_len: its length without the NUL.
 *  In:      data, data_len: the bytes (data may be NULL when data_len is 0);
 *           flags: 0 or BTS_HEX_0X to prefix "0x".
 *  Thread:  any. */
BTS_API bt_status bts_hex_encode(char *out, size_t out_cap, size_t *out_len, const void *data,
                                 size_t data_len, unsigned flags) BT_MUST_CHECK;

/** Append the lowercase hex of data (optionally "0x"-prefixed) to a buffer.
 *  Returns: BT_OK, BT_ENOMEM (buffer unchanged).
 *  In:      data, data_len: the bytes (data may be NULL when data_len is 0); flags: 0 or
 *           BTS_HEX_0X. Thread: any (the buffer is the caller's). */
BTS_API bt_status bts_hex_encode_buf(struct bts_buf *b, const void *data, size_t data_len,
                                     unsigned flags) BT_MUST_CHECK;

/** Decode a hex byte string into a caller buffer. Digits may be upper or lower case; the
 *  number of digits must be even ("0x" alone is the empty string).
 *  Returns: BT_OK; BT_EINVAL (missing required prefix, odd length, non-hex character: nothing
 *           written); BT_ERANGE when the string is valid but out_cap is too small (nothing
 *           written, *out_len = bytes needed).
 *  Out:     out, out_cap: the bytes (out may be NULL when out_cap is 0); *out_len: their number.
 *  In:      s, s_len: the string (no NUL needed); flags: 0 (prefix optional) or BTS_HEX_0X
 *           (prefix required, JSON-RPC DATA: ethereum/execution-apis src/schemas/base-types.yaml
 *           `bytes`). Thread: any. */
BTS_API bt_status bts_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *s,
                                 size_t s_len, unsigned flags) BT_MUST_CHECK;

/** Decode a hex byte string and append the bytes to a buffer. Same syntax as bts_hex_decode.
 *  Returns: BT_OK, BT_EINVAL (buffer unchanged), BT_ENOMEM (buffer unchanged). */
BTS_API bt_status bts_hex_decode_buf(struct bts_buf *b, const char *s, size_t s_len,
                                     unsigned flags) BT_MUST_CHECK;

/** Decode a hex string of exactly n bytes (2n digits) into out.
 *  Returns: BT_OK, BT_EINVAL (syntax as bts_hex_decode, or any other length: out untouched).
 *  Out:     out: n bytes. In: s, s_len; flags: 0 or BTS_HEX_0X as for bts_hex_decode. */
BTS_API bt_status bts_hex_decode_exact(uint8_t *out, size_t n, const char *s, size_t s_len,
                                       unsigned flags) BT_MUST_CHECK;

/** Parse a JSON-RPC QUANTITY into a u64: "0x" prefix required, at least one digit, no leading
 *  zero ("0x0" is zero), at most 16 digits (ethereum/execution-apis base-types.yaml `uint64`;
 *  ethereum.org JSON-RPC "hex value encoding"). Upper-case digits and "0X" are accepted, as
 *  go-ethereum's hexutil does.
 *  Returns: BT_OK, BT_EINVAL (syntax), BT_ERANGE (more than 16 digits). *out untouched on error.
 *  Thread: any. */
BTS_API bt_status bts_hex_parse_u64(uint64_t *out, const char *s, size_t s_len) BT_MUST_CHECK;

/** Format a u64 as a JSON-RPC QUANTITY ("0x0", "0x1a", ...), NUL-terminated.
 *  Returns: BT_OK; BT_ERANGE when out_cap is too small (*out_len = the out_cap needed;
 *           BTS_HEX_U64_CAP always fits). Out: *out_len = string length without the NUL. */
BTS_API bt_status bts_hex_format_u64(char *out, size_t out_cap, size_t *out_len,
                                     uint64_t v) BT_MUST_CHECK;

/** Parse a JSON-RPC QUANTITY of at most 256 bits into 32 big-endian bytes. Rules as
 *  bts_hex_parse_u64 with at most 64 digits (execution-apis `uint256`).
 *  Returns: BT_OK, BT_EINVAL (syntax), BT_ERANGE (more than 64 digits). out untouched on error. */
BTS_API bt_status bts_hex_parse_u256(uint8_t out[32], const char *s, size_t s_len) BT_MUST_CHECK;

/** Format 32 big-endian bytes as a JSON-RPC QUANTITY (no leading zeros, "0x0" for zero).
 *  Returns: BT_OK; BT_ERANGE when out_cap is too small (*out_len = the out_cap needed;
 *           BTS_HEX_U256_CAP always fits). */
BTS_API bt_status bts_hex_format_u256(char *out, size_t out_cap, size_t *out_len,
                                      const uint8_t v[32]) BT_MUST_CHECK;

/** Parse a 20-byte address as JSON-RPC sends it: "0x" + exactly 40 hex digits, any case. The
 *  EIP-55 checksum is NOT checked (nodes send lowercase); use bts_hex_parse_eip55 for input
 *  typed by people.
 *  Returns: BT_OK, BT_EINVAL. Thread: any. */
BTS_API bt_status bts_hex_parse_address(uint8_t out[20], const char *s, size_t s_len) BT_MUST_CHECK;

/** Parse a 32-byte hash: "0x" + exactly 64 hex digits, any case.
 *  Returns: BT_OK, BT_EINVAL. Thread: any. */
BTS_API bt_status bts_hex_parse_hash(uint8_t out[32], const char *s, size_t s_len) BT_MUST_CHECK;

/** Format an address with the EIP-55 mixed-case checksum: "0x" + 40 digits whose letters are
 *  upper case where the matching nibble of keccak256(lowercase hex) is >= 8 (ethereum/EIPs
 *  EIPS/eip-55.md). Out: out: 42 characters and a NUL. Thread: any. */
BTS_API void bts_hex_format_eip55(char out[BTS_HEX_EIP55_CAP], const uint8_t addr[20]);

/** Parse an address and check its EIP-55 checksum: "0x" + 40 hex digits; all-lowercase and
 *  all-uppercase strings carry no checksum and are accepted, mixed case must match EIP-55.
 *  Returns: BT_OK, BT_EINVAL (syntax or bad checksum; out untouched). Thread: any. */
BTS_API bt_status bts_hex_parse_eip55(uint8_t out[20], const char *s, size_t s_len) BT_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif /* BTS_HEX_H */
