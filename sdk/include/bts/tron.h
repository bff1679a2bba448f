/* TRON codecs: Base58 and Base58Check with the Bitcoin alphabet, and TRON addresses in their four
 * forms: "T..." Base58Check text, 21 raw bytes (0x41 ‖ 20), 42-digit hex ("41..."), and the
 * 20-byte EVM address the TVM uses (ROOTCHAINS.md §1.1). */
#ifndef BTS_TRON_H
#define BTS_TRON_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The first byte of every TRON address on public networks (java-tron Constant.java). */
#define BTS_TRON_PREFIX 0x41
/** Bytes of a raw TRON address: the prefix and the 20-byte EVM address. */
#define BTS_TRON_ADDR_LEN 21
/** Capacity of a Base58Check TRON address string: always 34 characters, plus the NUL. */
#define BTS_TRON_BASE58_CAP 35
/** Capacity of a hex TRON address string: 42 lowercase digits ("41..."), plus the NUL. */
#define BTS_TRON_HEX_CAP 43

/** Encode bytes in Base58 (alphabet 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz;
 *  each leading zero byte becomes a '1'), NUL-terminated. Quadratic in data_len: meant for
 *  addresses and keys, not bulk data.
 *  Returns: BT_OK; BT_ERANGE when out_cap is too small (*out_len = the out_cap needed, exact);
 *           BT_ENOMEM.
 *  Out:     out, out_cap: the text; *out_len: its length without the NUL.
 *  In:      data, data_len (data may be NULL when data_len is 0). Thread: any. */
BTS_API bt_status bts_base58_encode(char *out, size_t out_cap, size_t *out_len, const void *data,
                                    size_t data_len) BT_MUST_CHECK;

/** Decode Base58 text. Every character must be in the alphabet (no whitespace, no '0', 'O',
 *  'I', 'l'); each leading '1' becomes a zero byte; "" decodes to no bytes.
 *  Returns: BT_OK; BT_EINVAL (bad character); BT_ERANGE when out_cap is too small (nothing
 *           written; *out_len = bytes needed, exact); BT_ENOMEM.
 *  Out:     out, out_cap: the bytes (out may be NULL when out_cap is 0); *out_len: their number.
 *  In:      s, s_len: the text (no NUL needed). Thread: any. */
BTS_API bt_status bts_base58_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *s,
                                    size_t s_len) BT_MUST_CHECK;

/** Base58Check: Base58 of payload ‖ first 4 bytes of sha256(sha256(payload)).
 *  Returns, Out: as bts_base58_encode (also BT_EINTERNAL if hashing fails).
 *  In:      payload, payload_len. Thread: any. */
BTS_API bt_status bts_base58check_encode(char *out, size_t out_cap, size_t *out_len,
                                         const void *payload, size_t payload_len) BT_MUST_CHECK;

/** Decode Base58Check text and verify its 4-byte checksum; out receives the payload only.
 *  Returns: BT_OK; BT_EINVAL (bad character, fewer than 4 bytes, checksum mismatch); BT_ERANGE
 *           (out_cap too small; *out_len = payload bytes needed); BT_ENOMEM, BT_EINTERNAL.
 *  Out:     out, out_cap; *out_len: payload length. In: s, s_len. Thread: any. */
BTS_API bt_status bts_base58check_decode(uint8_t *out, size_t out_cap, size_t *out_len,
                                         const char *s, size_t s_len) BT_MUST_CHECK;

/** Parse a "T..." address: Base58Check whose payload is exactly 21 bytes starting with 0x41
 *  (tronweb isAddressValid / decode58Check).
 *  Returns: BT_OK, BT_EINVAL (bad character, checksum, length or prefix; out untouched).
 *  Out:     out: 21 raw bytes. In: s, s_len. Thread: any. */
BTS_API bt_status bts_tron_address_from_base58(uint8_t out[BTS_TRON_ADDR_LEN], const char *s,
                                               size_t s_len) BT_MUST_CHECK;

/** Format a raw address as "T..." (34 characters and a NUL).
 *  Returns: BT_OK, BT_EINVAL (addr[0] is not 0x41; out set to ""). Thread: any. */
BTS_API bt_status bts_tron_address_to_base58(char out[BTS_TRON_BASE58_CAP],
                                             const uint8_t addr[BTS_TRON_ADDR_LEN]) BT_MUST_CHECK;

/** Parse the hex form TRON's HTTP API uses: exactly 42 hex digits (either case, no "0x")
 *  whose first byte is 0x41.
 *  Returns: BT_OK, BT_EINVAL (out untouched). Thread: any. */
BTS_API bt_status bts_tron_address_from_hex(uint8_t out[BTS_TRON_ADDR_LEN], const char *s,
                                            size_t s_len) BT_MUST_CHECK;

/** Format a raw address as 42 lowercase hex digits and a NUL. Any prefix byte is written as
 *  it is (the hex form is also how a bad address gets logged). Thread: any. */
BTS_API void bts_tron_address_to_hex(char out[BTS_TRON_HEX_CAP],
                                     const uint8_t addr[BTS_TRON_ADDR_LEN]);

/** Parse either text form: 42 hex digits ("41...") or Base58Check ("T...").
 *  Returns: BT_OK, BT_EINVAL (out untouched). Thread: any. */
BTS_API bt_status bts_tron_address_parse(uint8_t out[BTS_TRON_ADDR_LEN], const char *s,
                                         size_t s_len) BT_MUST_CHECK;

/** The raw TRON address of a 20-byte EVM address: 0x41 ‖ evm. Thread: any. */
BTS_API void bts_tron_address_from_evm(uint8_t out[BTS_TRON_ADDR_LEN], const uint8_t evm[20]);

/** The 20-byte EVM address of a raw TRON address (drops the 0x41).
 *  Returns: BT_OK, BT_EINVAL (addr[0] is not 0x41; out untouched). Thread: any. */
BTS_API bt_status bts_tron_address_to_evm(uint8_t out[20],
                                          const uint8_t addr[BTS_TRON_ADDR_LEN]) BT_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif /* BTS_TRON_H */
