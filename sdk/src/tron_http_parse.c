/* bts/tron_http.h: java-tron HTTP answers -> checked C values (ROOTCHAINS.md §1.6): the shared
 * helpers, blocks, constant calls and broadcasts (transaction infos: tron_http_txinfo.c). The
 * body comes from a node we do not trust: every field is type-checked and bounded, and anything
 * unexpected becomes BT_EPROTO with the field's name. */
#include <bts/tron_http.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/hex.h>

#include "tron_http_int.h"

bt_status th_fail(char *err, size_t cap, bt_status st, const char *fmt, ...)
{
    if (cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Text for a message: hex-decoded when it is hex (visible=false prints bytes as hex), then
 * anything outside printable ASCII replaced, so a hostile node cannot inject control bytes into
 * our logs. */
void th_clean_text(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s), o = 0;
    uint8_t tmp[256];
    size_t tlen = 0;
    const uint8_t *src = (const uint8_t *)s;
    if (n && n % 2 == 0 && n / 2 <= sizeof(tmp) &&
        bts_hex_decode(tmp, sizeof(tmp), &tlen, s, n, 0) == BT_OK) {
        src = tmp;
        n = tlen;
    }
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        out[o++] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
    if (cap)
        out[o] = 0;
}

bt_status th_load(json_t **out, const char *body, size_t len, char *err, size_t cap)
{
    *out = NULL;
    if (!body)
        return th_fail(err, cap, BT_EPROTO, "empty answer");
    json_error_t je;
    json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return th_fail(err, cap, BT_EPROTO, "not JSON: %s at byte %d", je.text, je.position);
    if (!json_is_object(v)) {
        json_decref(v);
        return th_fail(err, cap, BT_EPROTO, "answer is not a JSON object");
    }
    *out = v;
    return BT_OK;
}

/* {"Error":"..."}: java-tron's error shape (Util.printErrorMsg); TronGrid's rate limiter uses it
 * too ("The key exceeds the frequency limit", ROOTCHAINS.md §1.9). */
bt_status th_check_error(const json_t *o, char *err, size_t cap)
{
    const json_t *e = json_object_get(o, "Error");
    if (!e)
        return BT_OK;
    char text[256];
    th_clean_text(text, sizeof(text), json_is_string(e) ? json_string_value(e) : "(not a string)");
    bt_status st = strstr(text, "frequency limit") ? BT_EBUSY : BTS_TRON_EREMOTE;
    return th_fail(err, cap, st, "node error: %s", text);
}

/* An int64 field printed as a JSON number or (int64_as_string) a decimal string; must be >= 0.
 * BT_ENOTFOUND when absent (proto3 default 0). */
bt_status th_get_u64(uint64_t *out, const json_t *o, const char *key, char *err, size_t cap)
{
    *out = 0;
    const json_t *v = json_object_get(o, key);
    if (!v)
        return BT_ENOTFOUND;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0)
            return th_fail(err, cap, BT_EPROTO, "%s: negative (%lld)", key, (long long)i);
        *out = (uint64_t)i;
        return BT_OK;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (n == 0 || n > 19)
            return th_fail(err, cap, BT_EPROTO, "%s: not an int64", key);
        uint64_t x = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return th_fail(err, cap, BT_EPROTO, "%s: not an int64", key);
            x = x * 10 + (uint64_t)(s[i] - '0');
        }
        if (x > INT64_MAX)
            return th_fail(err, cap, BT_EPROTO, "%s: above int64", key);
        *out = x;
        return BT_OK;
    }
    return th_fail(err, cap, BT_EPROTO, "%s: not a number", key);
}

bt_status th_get_hex_exact(uint8_t *out, size_t n, const json_t *o, const char *key, char *err,
                           size_t cap)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return th_fail(err, cap, BT_EPROTO, "%s: %s", key, v ? "not a string" : "missing");
    if (bts_hex_decode_exact(out, n, json_string_value(v), json_string_length(v), 0) != BT_OK)
        return th_fail(err, cap, BT_EPROTO, "%s: not %zu hex bytes", key, n);
    return BT_OK;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

bt_status bts_tron_parse_block(struct bts_tron_block *out, const char *body, size_t body_len,
                               char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (err_cap)
        err[0] = 0;
    json_t *o;
    bt_status st = th_load(&o, body, body_len, err, err_cap);
    if (st != BT_OK)
        return st;
    if ((st = th_check_error(o, err, err_cap)) != BT_OK)
        goto done;
    if (json_object_size(o) == 0) {
        st = th_fail(err, err_cap, BT_ENOTFOUND, "no such block");
        goto done;
    }
    if ((st = th_get_hex_exact(out->id, 32, o, "blockID", err, err_cap)) != BT_OK)
        goto done;
    const json_t *raw = json_object_get(json_object_get(o, "block_header"), "raw_data");
    if (!json_is_object(raw)) {
        st = th_fail(err, err_cap, BT_EPROTO, "block_header.raw_data: missing");
        goto done;
    }
    /* number is omitted for block 0 (proto3 default). */
    st = th_get_u64(&out->number, raw, "number", err, err_cap);
    if (st != BT_OK && st != BT_ENOTFOUND)
        goto done;
    if (be64(out->id) != out->number) {
        st = th_fail(err, err_cap, BT_EPROTO,
                     "blockID does not start with the block number %llu: not a TRON block",
                     (unsigned long long)out->number);
        goto done;
    }
    st = th_get_u64(&out->timestamp_ms, raw, "timestamp", err, err_cap);
    if (st == BT_ENOTFOUND)
        st = th_fail(err, err_cap, BT_EPROTO, "timestamp: missing");
    if (st != BT_OK)
        goto done;
    if (out->number > 0) {
        if ((st = th_get_hex_exact(out->parent_id, 32, raw, "parentHash", err, err_cap)) != BT_OK)
            goto done;
        if (be64(out->parent_id) != out->number - 1) {
            st = th_fail(err, err_cap, BT_EPROTO, "parentHash is not block %llu",
                         (unsigned long long)out->number - 1);
            goto done;
        }
    }
    st = BT_OK;
done:
    json_decref(o);
    if (st != BT_OK)
        memset(out, 0, sizeof(*out));
    return st;
}

bt_status bts_tron_parse_constant(struct bts_buf *out, uint64_t *out_energy, const char *body,
                                  size_t body_len, char *err, size_t err_cap)
{
    bts_buf_reset(out);
    *out_energy = 0;
    if (err_cap)
        err[0] = 0;
    json_t *o;
    bt_status st = th_load(&o, body, body_len, err, err_cap);
    if (st != BT_OK)
        return st;
    if ((st = th_check_error(o, err, err_cap)) != BT_OK)
        goto done;
    const json_t *res = json_object_get(o, "result");
    if (!json_is_object(res)) {
        st = th_fail(err, err_cap, BT_EPROTO, "result: missing");
        goto done;
    }
    const json_t *code = json_object_get(res, "code");
    const json_t *msg = json_object_get(res, "message");
    char text[256] = "";
    if (msg && !json_is_string(msg)) {
        st = th_fail(err, err_cap, BT_EPROTO, "result.message: not a string");
        goto done;
    }
    if (msg)
        th_clean_text(text, sizeof(text), json_string_value(msg));
    if (code && (!json_is_string(code) || strcmp(json_string_value(code), "SUCCESS") != 0)) {
        char c[40];
        th_clean_text(c, sizeof(c), json_is_string(code) ? json_string_value(code) : "?");
        st = th_fail(err, err_cap, BTS_TRON_EREMOTE, "%s: %s", c, text);
        goto done;
    }
    if (!json_is_true(json_object_get(res, "result"))) {
        st = th_fail(err, err_cap, BTS_TRON_EREMOTE, "result.result is not true%s%s",
                     text[0] ? ": " : "", text);
        goto done;
    }
    st = th_get_u64(out_energy, o, "energy_used", err, err_cap);
    if (st != BT_OK && st != BT_ENOTFOUND)
        goto done;
    const json_t *cr = json_object_get(o, "constant_result");
    if (cr && !json_is_array(cr)) {
        st = th_fail(err, err_cap, BT_EPROTO, "constant_result: not an array");
        goto done;
    }
    const json_t *r0 = json_array_get(cr, 0);
    if (r0) {
        if (!json_is_string(r0) ||
            bts_hex_decode_buf(out, json_string_value(r0), json_string_length(r0), 0) != BT_OK) {
            st = th_fail(err, err_cap, BT_EPROTO, "constant_result[0]: not hex");
            goto done;
        }
    }
    const json_t *ret0 =
        json_array_get(json_object_get(json_object_get(o, "transaction"), "ret"), 0);
    const json_t *rr = json_object_get(ret0, "ret");
    int failed = json_is_string(rr) && !strcmp(json_string_value(rr), "FAILED");
    if (msg || failed) {
        st = th_fail(err, err_cap, BTS_TRON_EREVERT, "execution reverted%s%s", text[0] ? ": " : "",
                     text);
        goto done;
    }
    if (!r0) {
        st = th_fail(err, err_cap, BT_EPROTO, "constant_result: missing");
        goto done;
    }
    st = BT_OK;
done:
    json_decref(o);
    if (st != BT_OK && st != BTS_TRON_EREVERT)
        bts_buf_reset(out);
    return st;
}

/* Return.code names (api.proto) and what a sender does about each (§1.6 item 5). */
static const struct {
    const char *name;
    uint32_t action;
} bcast_codes[] = {
    {"SUCCESS", BTS_TRON_BCAST_ACCEPTED},
    {"SIGERROR", BTS_TRON_BCAST_FATAL},
    {"CONTRACT_VALIDATE_ERROR", BTS_TRON_BCAST_FATAL},
    {"CONTRACT_EXE_ERROR", BTS_TRON_BCAST_FATAL},
    {"BANDWITH_ERROR", BTS_TRON_BCAST_FATAL},
    {"DUP_TRANSACTION_ERROR", BTS_TRON_BCAST_KNOWN},
    {"TAPOS_ERROR", BTS_TRON_BCAST_REBUILD},
    {"TOO_BIG_TRANSACTION_ERROR", BTS_TRON_BCAST_FATAL},
    {"TRANSACTION_EXPIRATION_ERROR", BTS_TRON_BCAST_REBUILD},
    {"SERVER_BUSY", BTS_TRON_BCAST_RETRY},
    {"NO_CONNECTION", BTS_TRON_BCAST_RETRY},
    {"NOT_ENOUGH_EFFECTIVE_CONNECTION", BTS_TRON_BCAST_RETRY},
    {"BLOCK_UNSOLIDIFIED", BTS_TRON_BCAST_RETRY},
    {"OTHER_ERROR", BTS_TRON_BCAST_FATAL},
};

bt_status bts_tron_parse_broadcast(struct bts_tron_broadcast *out, const uint8_t *expect_txid,
                                   const char *body, size_t body_len, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (err_cap)
        err[0] = 0;
    json_t *o;
    bt_status st = th_load(&o, body, body_len, err, err_cap);
    if (st != BT_OK)
        return st;
    if ((st = th_check_error(o, err, err_cap)) != BT_OK)
        goto done;
    const json_t *res = json_object_get(o, "result");
    const json_t *code = json_object_get(o, "code");
    const json_t *msg = json_object_get(o, "message");
    const json_t *txid = json_object_get(o, "txid");
    if ((res && !json_is_boolean(res)) || (code && !json_is_string(code)) ||
        (msg && !json_is_string(msg)) || (txid && !json_is_string(txid))) {
        st = th_fail(err, err_cap, BT_EPROTO, "result, code, message or txid of the wrong type");
        goto done;
    }
    if (!res && !code) {
        st = th_fail(err, err_cap, BT_EPROTO, "neither result nor code");
        goto done;
    }
    if (txid && json_string_length(txid)) {
        if (bts_hex_decode_exact(out->txid, 32, json_string_value(txid), json_string_length(txid),
                                 0) != BT_OK) {
            st = th_fail(err, err_cap, BT_EPROTO, "txid: not 32 hex bytes");
            goto done;
        }
        out->has_txid = 1;
        if (expect_txid && memcmp(out->txid, expect_txid, 32) != 0) {
            st = th_fail(err, err_cap, BT_EPROTO, "txid: not the transaction sent");
            goto done;
        }
    }
    if (msg)
        th_clean_text(out->message, sizeof(out->message), json_string_value(msg));
    snprintf(out->code, sizeof(out->code), "%s", code ? json_string_value(code) : "SUCCESS");
    if (json_is_true(res)) {
        out->action = BTS_TRON_BCAST_ACCEPTED;
    } else {
        out->action = BTS_TRON_BCAST_FATAL;
        for (size_t i = 0; i < BTS_ARRAY_SIZE(bcast_codes); i++)
            if (!strcmp(out->code, bcast_codes[i].name))
                out->action = bcast_codes[i].action;
        /* result false with code SUCCESS is not a success. */
        if (out->action == BTS_TRON_BCAST_ACCEPTED)
            out->action = BTS_TRON_BCAST_FATAL;
        /* Wallet.broadcastTransaction: "Transaction already exists." comes with result false. */
        if (strstr(out->message, "already exists") || strstr(out->message, "Dup transaction"))
            out->action = BTS_TRON_BCAST_KNOWN;
    }
    th_clean_text(out->code, sizeof(out->code), out->code);
    st = BT_OK;
done:
    json_decref(o);
    if (st != BT_OK)
        memset(out, 0, sizeof(*out));
    return st;
}
