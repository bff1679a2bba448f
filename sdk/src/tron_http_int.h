/* Private to sdk/src/tron_http_*.c: the helpers every java-tron answer parser shares. Each
 * failing helper writes "<field>: <cause>" to err (when err_cap > 0) and returns the status. */
#ifndef TRON_HTTP_INT_H
#define TRON_HTTP_INT_H

#include <jansson.h>

#include <bts/common.h>

/** Format err and return st. */
bt_status th_fail(char *err, size_t cap, bt_status st, const char *fmt, ...) BT_PRINTF(4, 5);
/** A message for logs: hex-decoded when it is hex, non-printable bytes as '?'. */
void th_clean_text(char *out, size_t cap, const char *s);
/** Parse a body that must be a JSON object (new reference in *out). BT_EPROTO otherwise. */
bt_status th_load(json_t **out, const char *body, size_t len, char *err, size_t cap);
/** {"Error":...}: BTS_TRON_EREMOTE, or BT_EBUSY for TronGrid's rate limiter; else BT_OK. */
bt_status th_check_error(const json_t *o, char *err, size_t cap);
/** An int64 >= 0 as a JSON number or decimal string; BT_ENOTFOUND when absent. */
bt_status th_get_u64(uint64_t *out, const json_t *o, const char *key, char *err, size_t cap);
/** A hex string of exactly n bytes. */
bt_status th_get_hex_exact(uint8_t *out, size_t n, const json_t *o, const char *key, char *err,
                           size_t cap);

#endif
