/* Ethereum JSON-RPC values in jansson trees: hex QUANTITY (u64, u256), DATA, 20-byte addresses
 * and 32-byte hashes, read with the strict rules of bts/hex.h and written in canonical form.
 *
 * Reading comes in two shapes: bts_json_as_* takes a json_t value, bts_json_get_* an object
 * member. Every reader takes `err, err_cap`: on failure it writes a NUL-terminated lowercase
 * message there (truncated to fit; err may be NULL when err_cap is 0) naming the member, the
 * problem and the offending text, e.g.
 *     gasPrice: invalid hex quantity: leading zero ("0x0400")
 * Writers return a new reference (bts_json_new_*) or set an object member (bts_json_set_*). */
#ifndef BTS_JSON_H
#define BTS_JSON_H

#include <jansson.h>

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Read a QUANTITY string as a u64 (bts_hex_parse_u64 rules).
 *  Returns: BT_OK; BT_EINVAL (not a string, or bad syntax); BT_ERANGE (more than 64 bits).
 *           *out untouched on error.
 *  Args:    err, err_cap: receives the message on failure. In: v: borrowed. Thread: any. */
BTS_API bt_status bts_json_as_u64(uint64_t *out, const json_t *v, char *err,
                                  size_t err_cap) BT_MUST_CHECK;

/** Read a QUANTITY string of at most 256 bits as 32 big-endian bytes (bts_hex_parse_u256).
 *  Returns: BT_OK, BT_EINVAL, BT_ERANGE; out untouched on error. Thread: any. */
BTS_API bt_status bts_json_as_u256(uint8_t out[32], const json_t *v, char *err,
                                   size_t err_cap) BT_MUST_CHECK;

/** Read a DATA string ("0x" + even number of digits) into a malloc'd block.
 *  Returns: BT_OK; BT_EINVAL (not a string, bad syntax); BT_ENOMEM.
 *  Out:     *out: malloc'd, free() it; never NULL on success (a 1-byte block for "0x");
 *           NULL on error. *out_len: number of bytes (0 on error). Thread: any. */
BTS_API bt_status bts_json_as_data(uint8_t **out, size_t *out_len, const json_t *v, char *err,
                                   size_t err_cap) BT_MUST_CHECK;

/** Read a DATA string and append its bytes to a buffer.
 *  Returns: BT_OK; BT_EINVAL, BT_ENOMEM (buffer unchanged). Thread: any (buffer is the
 *  caller's). */
BTS_API bt_status bts_json_as_data_buf(struct bts_buf *b, const json_t *v, char *err,
                                       size_t err_cap) BT_MUST_CHECK;

/** Read an address: "0x" + exactly 40 hex digits, any case, EIP-55 not checked
 *  (bts_hex_parse_address). Returns: BT_OK, BT_EINVAL (out untouched). Thread: any. */
BTS_API bt_status bts_json_as_address(uint8_t out[20], const json_t *v, char *err,
                                      size_t err_cap) BT_MUST_CHECK;

/** Read a hash: "0x" + exactly 64 hex digits (bts_hex_parse_hash).
 *  Returns: BT_OK, BT_EINVAL (out untouched). Thread: any. */
BTS_API bt_status bts_json_as_hash(uint8_t out[32], const json_t *v, char *err,
                                   size_t err_cap) BT_MUST_CHECK;

/** The bts_json_as_* readers applied to member `key` of object `obj`. A member that is absent
 *  or JSON null gives BT_ENOTFOUND (message "<key>: missing"), so optional fields are one
 *  status check; `obj` not being an object gives BT_EINVAL. Other errors as the value readers,
 *  with the message prefixed by "<key>: ". Thread: any. */
BTS_API bt_status bts_json_get_u64(uint64_t *out, const json_t *obj, const char *key, char *err,
                                   size_t err_cap) BT_MUST_CHECK;
BTS_API bt_status bts_json_get_u256(uint8_t out[32], const json_t *obj, const char *key, char *err,
                                    size_t err_cap) BT_MUST_CHECK;
BTS_API bt_status bts_json_get_data(uint8_t **out, size_t *out_len, const json_t *obj,
                                    const char *key, char *err, size_t err_cap) BT_MUST_CHECK;
BTS_API bt_status bts_json_get_data_buf(struct bts_buf *b, const json_t *obj, const char *key,
                                        char *err, size_t err_cap) BT_MUST_CHECK;
BTS_API bt_status bts_json_get_address(uint8_t out[20], const json_t *obj, const char *key,
                                       char *err, size_t err_cap) BT_MUST_CHECK;
BTS_API bt_status bts_json_get_hash(uint8_t out[32], const json_t *obj, const char *key, char *err,
                                    size_t err_cap) BT_MUST_CHECK;

/** New JSON strings in canonical JSON-RPC form: QUANTITY without leading zeros ("0x0" for
 *  zero), DATA / address / hash as "0x" + lowercase digits (addresses are not EIP-55 cased,
 *  as go-ethereum sends them).
 *  Returns: a new reference (json_decref it), or NULL when out of memory. Thread: any. */
BTS_API json_t *bts_json_new_u64(uint64_t v);
BTS_API json_t *bts_json_new_u256(const uint8_t v[32]);
/** data may be NULL when len is 0. */
BTS_API json_t *bts_json_new_data(const void *data, size_t len);
BTS_API json_t *bts_json_new_address(const uint8_t addr[20]);
BTS_API json_t *bts_json_new_hash(const uint8_t hash[32]);

/** Set member `key` of `obj` to the canonical string (replacing any old value).
 *  Returns: BT_OK; BT_EINVAL (obj is not an object); BT_ENOMEM (also returned for a key that
 *           is not valid UTF-8, which is misuse). In: key: NUL-terminated UTF-8.
 *  Thread:  any (obj is the caller's). */
BTS_API bt_status bts_json_set_u64(json_t *obj, const char *key, uint64_t v) BT_MUST_CHECK;
BTS_API bt_status bts_json_set_u256(json_t *obj, const char *key,
                                    const uint8_t v[32]) BT_MUST_CHECK;
BTS_API bt_status bts_json_set_data(json_t *obj, const char *key, const void *data,
                                    size_t len) BT_MUST_CHECK;
BTS_API bt_status bts_json_set_address(json_t *obj, const char *key,
                                       const uint8_t addr[20]) BT_MUST_CHECK;
BTS_API bt_status bts_json_set_hash(json_t *obj, const char *key,
                                    const uint8_t hash[32]) BT_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif /* BTS_JSON_H */
