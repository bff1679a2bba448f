/* Reading Ethereum JSON-RPC hex values out of jansson trees (bts/json.h). The syntax rules are
 * bts/hex.h's; this file adds the type checks and messages that name the member, the problem
 * and the offending text. */
#include <bts/json.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

#include "hex_int.h"

/* Longest part of an offending value quoted in a message. */
#define JSON_QUOTE_MAX 24

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "real";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "unknown";
}

/* Write "<key>: <message>" into err (key may be NULL: no prefix). */
BT_PRINTF(4, 5)
static void json_err(char *err, size_t err_cap, const char *key, const char *fmt, ...)
{
    if (!err || err_cap == 0)
        return;
    int n = key ? snprintf(err, err_cap, "%s: ", key) : 0;
    if (n < 0 || (size_t)n >= err_cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, err_cap - (size_t)n, fmt, ap);
    va_end(ap);
}

/* A printable, bounded copy of s for messages: non-printable bytes become '?', long values end
 * in "...". */
static void json_quote(char out[JSON_QUOTE_MAX + 4], const char *s, size_t s_len)
{
    size_t n = s_len > JSON_QUOTE_MAX ? JSON_QUOTE_MAX : s_len;
    for (size_t i = 0; i < n; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"') ? s[i] : '?';
    if (s_len > JSON_QUOTE_MAX)
        memcpy(out + n, "...", 3), n += 3;
    out[n] = 0;
}

/* Report a syntax failure of `what` ("invalid hex quantity", ...) with the parser's reason. */
static void json_bad(char *err, size_t err_cap, const char *key, const char *what, const char *why,
                     const char *s, size_t s_len, size_t want_digits)
{
    char q[JSON_QUOTE_MAX + 4];
    json_quote(q, s, s_len);
    if (want_digits && strcmp(why, "wrong length") == 0)
        json_err(err, err_cap, key, "%s: wrong length, %zu hex digits instead of %zu (\"%s\")",
                 what, s_len - 2, want_digits, q);
    else
        json_err(err, err_cap, key, "%s: %s (\"%s\")", what, why, q);
}

static bt_status json_str(const char **s, size_t *n, const json_t *v, const char *key, char *err,
                          size_t err_cap)
{
    if (!json_is_string(v)) {
        json_err(err, err_cap, key, "expected a hex string, got %s",
                 v ? json_type_name(v) : "nothing");
        return BT_EINVAL;
    }
    *s = json_string_value(v);
    *n = json_string_length(v);
    return BT_OK;
}

static bt_status as_u64(uint64_t *out, const json_t *v, const char *key, char *err, size_t cap)
{
    const char *s, *why = "";
    size_t n;
    bt_status st = json_str(&s, &n, v, key, err, cap);
    if (st == BT_OK && (st = bts_hex_parse_u64_why_(out, s, n, &why)) != BT_OK)
        json_bad(err, cap, key, "invalid hex quantity", why, s, n, 0);
    return st;
}

static bt_status as_u256(uint8_t out[32], const json_t *v, const char *key, char *err, size_t cap)
{
    const char *s, *why = "";
    size_t n;
    bt_status st = json_str(&s, &n, v, key, err, cap);
    if (st == BT_OK && (st = bts_hex_parse_u256_why_(out, s, n, &why)) != BT_OK)
        json_bad(err, cap, key, "invalid hex quantity", why, s, n, 0);
    return st;
}

/* Check DATA syntax; *need receives the byte count. */
static bt_status data_check(size_t *need, const char **s, size_t *n, const json_t *v,
                            const char *key, char *err, size_t cap)
{
    const char *why = "";
    bt_status st = json_str(s, n, v, key, err, cap);
    if (st != BT_OK)
        return st;
    st = bts_hex_decode_why_(NULL, 0, need, *s, *n, BTS_HEX_0X, &why);
    if (st == BT_EINVAL) {
        json_bad(err, cap, key, "invalid hex data", why, *s, *n, 0);
        return st;
    }
    return BT_OK; /* BT_ERANGE here only says the empty output was too small */
}

static bt_status as_data(uint8_t **out, size_t *out_len, const json_t *v, const char *key,
                         char *err, size_t cap)
{
    const char *s;
    size_t n, need = 0;
    *out = NULL;
    *out_len = 0;
    bt_status st = data_check(&need, &s, &n, v, key, err, cap);
    if (st != BT_OK)
        return st;
    uint8_t *p = malloc(need ? need : 1);
    if (!p) {
        json_err(err, cap, key, "out of memory for %zu bytes", need);
        return BT_ENOMEM;
    }
    st = bts_hex_decode(p, need, &need, s, n, BTS_HEX_0X);
    if (st != BT_OK) { /* cannot happen: the syntax was checked above */
        free(p);
        json_err(err, cap, key, "internal error decoding hex data");
        return BT_EINTERNAL;
    }
    *out = p;
    *out_len = need;
    return BT_OK;
}

static bt_status as_data_buf(struct bts_buf *b, const json_t *v, const char *key, char *err,
                             size_t cap)
{
    const char *s;
    size_t n, need = 0;
    bt_status st = data_check(&need, &s, &n, v, key, err, cap);
    if (st != BT_OK)
        return st;
    st = bts_hex_decode_buf(b, s, n, BTS_HEX_0X);
    if (st != BT_OK)
        json_err(err, cap, key, "out of memory for %zu bytes", need);
    return st;
}

static bt_status as_fixed(uint8_t *out, size_t len, const char *what, const json_t *v,
                          const char *key, char *err, size_t cap)
{
    const char *s, *why = "";
    size_t n;
    bt_status st = json_str(&s, &n, v, key, err, cap);
    if (st == BT_OK && (st = bts_hex_decode_exact_why_(out, len, s, n, BTS_HEX_0X, &why)) != BT_OK)
        json_bad(err, cap, key, what, why, s, n, 2 * len);
    return st;
}

bt_status bts_json_as_u64(uint64_t *out, const json_t *v, char *err, size_t err_cap)
{
    return as_u64(out, v, NULL, err, err_cap);
}

bt_status bts_json_as_u256(uint8_t out[32], const json_t *v, char *err, size_t err_cap)
{
    return as_u256(out, v, NULL, err, err_cap);
}

bt_status bts_json_as_data(uint8_t **out, size_t *out_len, const json_t *v, char *err,
                           size_t err_cap)
{
    return as_data(out, out_len, v, NULL, err, err_cap);
}

bt_status bts_json_as_data_buf(struct bts_buf *b, const json_t *v, char *err, size_t err_cap)
{
    return as_data_buf(b, v, NULL, err, err_cap);
}

bt_status bts_json_as_address(uint8_t out[20], const json_t *v, char *err, size_t err_cap)
{
    return as_fixed(out, 20, "invalid address", v, NULL, err, err_cap);
}

bt_status bts_json_as_hash(uint8_t out[32], const json_t *v, char *err, size_t err_cap)
{
    return as_fixed(out, 32, "invalid hash", v, NULL, err, err_cap);
}

/* The member `key` of obj, or BT_ENOTFOUND for absent or null, BT_EINVAL for a non-object. */
static bt_status member(const json_t **out, const json_t *obj, const char *key, char *err,
                        size_t cap)
{
    if (!json_is_object(obj)) {
        json_err(err, cap, key, "expected an object holding it, got %s",
                 obj ? json_type_name(obj) : "nothing");
        return BT_EINVAL;
    }
    *out = json_object_get(obj, key);
    if (!*out || json_is_null(*out)) {
        json_err(err, cap, key, "missing");
        return BT_ENOTFOUND;
    }
    return BT_OK;
}

bt_status bts_json_get_u64(uint64_t *out, const json_t *obj, const char *key, char *err,
                           size_t err_cap)
{
    const json_t *v;
    bt_status st = member(&v, obj, key, err, err_cap);
    return st != BT_OK ? st : as_u64(out, v, key, err, err_cap);
}

bt_status bts_json_get_u256(uint8_t out[32], const json_t *obj, const char *key, char *err,
                            size_t err_cap)
{
    const json_t *v;
    bt_status st = member(&v, obj, key, err, err_cap);
    return st != BT_OK ? st : as_u256(out, v, key, err, err_cap);
}

bt_status bts_json_get_data(uint8_t **out, size_t *out_len, const json_t *obj, const char *key,
                            char *err, size_t err_cap)
{
    const json_t *v;
    *out = NULL;
    *out_len = 0;
    bt_status st = member(&v, obj, key, err, err_cap);
    return st != BT_OK ? st : as_data(out, out_len, v, key, err, err_cap);
}

bt_status bts_json_get_data_buf(struct bts_buf *b, const json_t *obj, const char *key, char *err,
                                size_t err_cap)
{
    const json_t *v;
    bt_status st = member(&v, obj, key, err, err_cap);
    return st != BT_OK ? st : as_data_buf(b, v, key, err, err_cap);
}

bt_status bts_json_get_address(uint8_t out[20], const json_t *obj, const char *key, char *err,
                               size_t err_cap)
{
    const json_t *v;
    bt_status st = member(&v, obj, key, err, err_cap);
    return st != BT_OK ? st : as_fixed(out, 20, "invalid address", v, key, err, err_cap);
}

bt_status bts_json_get_hash(uint8_t out[32], const json_t *obj, const char *key, char *err,
                            size_t err_cap)
{
    const json_t *v;
    bt_status st = member(&v, obj, key, err, err_cap);
    return st != BT_OK ? st : as_fixed(out, 32, "invalid hash", v, key, err, err_cap);
}
