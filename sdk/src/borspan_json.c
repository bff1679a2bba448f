/* bts/borspan.h: Delivery's span and event-record JSON (Go encoding/json output: integers are
 * JSON numbers; decimal strings are accepted too, as some gateways quote them). */
#include <bts/borspan.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/json.h>

BT_PRINTF(3, 4)
static bt_status fail(char *err, size_t errcap, const char *fmt, ...)
{
    if (err && errcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errcap, fmt, ap);
        va_end(ap);
    }
    return BT_EINVAL;
}

/* A signed integer member: JSON integer or decimal string. */
static bt_status get_i64(int64_t *out, const json_t *obj, const char *key, int64_t min, char *err,
                         size_t errcap)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return fail(err, errcap, "%s: missing", key);
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!*s || (!isdigit((unsigned char)*s) && *s != '-'))
            return fail(err, errcap, "%s: not a decimal number", key);
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (*end || errno)
            return fail(err, errcap, "%s: not a decimal number", key);
        *out = (int64_t)x;
    } else {
        return fail(err, errcap, "%s: not a number", key);
    }
    if (*out < min)
        return fail(err, errcap, "%s: %" PRId64 " is negative", key, *out);
    return BT_OK;
}

static bt_status get_u64(uint64_t *out, const json_t *obj, const char *key, char *err,
                         size_t errcap)
{
    const json_t *v = json_object_get(obj, key);
    if (v && json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        errno = 0;
        if (!isdigit((unsigned char)*s))
            return fail(err, errcap, "%s: not a decimal number", key);
        unsigned long long x = strtoull(s, &end, 10);
        if (*end || errno)
            return fail(err, errcap, "%s: not a decimal number", key);
        *out = (uint64_t)x;
        return BT_OK;
    }
    int64_t x;
    bt_status st = get_i64(&x, obj, key, 0, err, errcap);
    if (st == BT_OK)
        *out = (uint64_t)x;
    return st;
}

static bt_status get_str(char *out, size_t cap, const json_t *obj, const char *key, char *err,
                         size_t errcap)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || !json_is_string(v))
        return fail(err, errcap, "%s: missing or not a string", key);
    if (json_string_length(v) >= cap)
        return fail(err, errcap, "%s: longer than %zu bytes", key, cap - 1);
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return BT_OK;
}

static bt_status parse_validator(struct bts_span_validator *out, const json_t *o, char *err,
                                 size_t errcap)
{
    if (!json_is_object(o))
        return fail(err, errcap, "not an object");
    bt_status st = get_u64(&out->id, o, "ID", err, errcap);
    if (st == BT_OK)
        st = get_i64(&out->power, o, "power", 0, err, errcap);
    if (st == BT_OK && bts_json_get_address(out->signer, o, "signer", err, errcap) != BT_OK)
        st = BT_EINVAL;
    out->accum = 0;
    if (st == BT_OK && json_object_get(o, "accum"))
        st = get_i64(&out->accum, o, "accum", INT64_MIN, err, errcap);
    return st;
}

static bt_status parse_validators(struct bts_span_validator **out, size_t *out_n, const json_t *a,
                                  const char *what, char *err, size_t errcap)
{
    *out = NULL;
    *out_n = 0;
    if (!json_is_array(a))
        return fail(err, errcap, "%s: missing or not an array", what);
    size_t n = json_array_size(a);
    if (n == 0)
        return BT_OK;
    struct bts_span_validator *v = calloc(n, sizeof(*v));
    if (!v)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char sub[160] = "";
        if (parse_validator(&v[i], json_array_get(a, i), sub, sizeof(sub)) != BT_OK) {
            free(v);
            return fail(err, errcap, "%s[%zu]: %s", what, i, sub);
        }
    }
    *out = v;
    *out_n = n;
    return BT_OK;
}

/* The REST envelope {"height": "...", "result": X} or X itself. */
static const json_t *unwrap(const json_t *root)
{
    const json_t *r = json_is_object(root) ? json_object_get(root, "result") : NULL;
    return r && json_object_get(root, "height") ? r : root;
}

static bt_status parse_span_obj(struct bts_span *out, const json_t *o, char *err, size_t errcap)
{
    if (!json_is_object(o))
        return fail(err, errcap, "span: not an object");
    bt_status st = get_u64(&out->id, o, "span_id", err, errcap);
    if (st == BT_OK)
        st = get_u64(&out->start_block, o, "start_block", err, errcap);
    if (st == BT_OK)
        st = get_u64(&out->end_block, o, "end_block", err, errcap);
    if (st == BT_OK)
        st = get_str(out->chain_id, sizeof(out->chain_id), o, "bor_chain_id", err, errcap);
    if (st != BT_OK)
        return st;
    const json_t *vs = json_object_get(o, "validator_set");
    st = parse_validators(&out->validators, &out->n_validators,
                          json_is_object(vs) ? json_object_get(vs, "validators") : NULL,
                          "validator_set.validators", err, errcap);
    if (st == BT_OK)
        st = parse_validators(&out->producers, &out->n_producers,
                              json_object_get(o, "selected_producers"), "selected_producers", err,
                              errcap);
    return st;
}

bt_status bts_span_parse_json(struct bts_span *out, const char *json, size_t json_len, char *err,
                              size_t errcap)
{
    memset(out, 0, sizeof(*out));
    if (!json)
        return fail(err, errcap, "no input");
    json_error_t je;
    json_t *root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return fail(err, errcap, "not JSON: %s", je.text);
    bt_status st = parse_span_obj(out, unwrap(root), err, errcap);
    json_decref(root);
    if (st != BT_OK)
        bts_span_free(out);
    return st;
}

void bts_span_free(struct bts_span *s)
{
    if (!s)
        return;
    free(s->validators);
    free(s->producers);
    memset(s, 0, sizeof(*s));
}

static bt_status dup_list(struct bts_span_validator **dst, const struct bts_span_validator *src,
                          size_t n)
{
    *dst = NULL;
    if (n == 0)
        return BT_OK;
    *dst = malloc(n * sizeof(*src));
    if (!*dst)
        return BT_ENOMEM;
    memcpy(*dst, src, n * sizeof(*src));
    return BT_OK;
}

bt_status bts_span_copy(struct bts_span *dst, const struct bts_span *src)
{
    *dst = *src;
    dst->validators = dst->producers = NULL;
    if (dup_list(&dst->validators, src->validators, src->n_validators) != BT_OK ||
        dup_list(&dst->producers, src->producers, src->n_producers) != BT_OK) {
        bts_span_free(dst);
        return BT_ENOMEM;
    }
    return BT_OK;
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bt_status bts_borspan_parse_time(int64_t *out, const char *s, size_t len)
{
    int y, mo, d, h, mi, se;
    if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':' || digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
        return BT_EINVAL;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return BT_EINVAL;
    size_t i = 19;
    if (i < len && s[i] == '.') {
        i++;
        size_t f = i;
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
        if (i == f || i - f > 9)
            return BT_EINVAL;
    }
    int64_t off = 0;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh, om;
        if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return BT_EINVAL;
        off = (int64_t)(oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return BT_EINVAL;
    }
    if (i != len)
        return BT_EINVAL;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    return BT_OK;
}

static bt_status parse_record(struct bts_event_record *r, const json_t *o, char *err, size_t errcap)
{
    memset(r, 0, sizeof(*r));
    if (!json_is_object(o))
        return fail(err, errcap, "not an object");
    bt_status st = get_u64(&r->id, o, "id", err, errcap);
    if (st == BT_OK && bts_json_get_address(r->contract, o, "contract", err, errcap) != BT_OK)
        st = BT_EINVAL;
    if (st == BT_OK && bts_json_get_hash(r->tx_hash, o, "tx_hash", err, errcap) != BT_OK)
        st = BT_EINVAL;
    if (st == BT_OK)
        st = get_u64(&r->log_index, o, "log_index", err, errcap);
    if (st == BT_OK)
        st = get_str(r->chain_id, sizeof(r->chain_id), o, "bor_chain_id", err, errcap);
    if (st != BT_OK)
        return st;
    const json_t *t = json_object_get(o, "record_time");
    if (!json_is_string(t) || bts_borspan_parse_time(&r->record_time, json_string_value(t),
                                                     json_string_length(t)) != BT_OK)
        return fail(err, errcap, "record_time: not an RFC 3339 time");
    st = bts_json_get_data(&r->data, &r->data_len, o, "data", err, errcap);
    if (st == BT_ENOTFOUND)
        st = BT_EINVAL;
    return st;
}

bt_status bts_event_list_push(struct bts_event_list *l, const struct bts_event_record *rec)
{
    struct bts_event_record *v = realloc(l->v, (l->n + 1) * sizeof(*v));
    if (!v)
        return BT_ENOMEM;
    l->v = v;
    struct bts_event_record *r = &v[l->n];
    *r = *rec;
    r->data = malloc(rec->data_len ? rec->data_len : 1);
    if (!r->data)
        return BT_ENOMEM;
    if (rec->data_len)
        memcpy(r->data, rec->data, rec->data_len);
    l->n++;
    return BT_OK;
}

bt_status bts_event_list_parse_json(struct bts_event_list *out, const char *json, size_t json_len,
                                    char *err, size_t errcap)
{
    if (!json)
        return fail(err, errcap, "no input");
    json_error_t je;
    json_t *root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return fail(err, errcap, "not JSON: %s", je.text);
    const json_t *a = unwrap(root);
    bt_status st = BT_OK;
    if (json_is_null(a))
        goto out;
    if (!json_is_array(a)) {
        st = fail(err, errcap, "event records: not an array");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(a) && st == BT_OK; i++) {
        struct bts_event_record r;
        char sub[160] = "";
        st = parse_record(&r, json_array_get(a, i), sub, sizeof(sub));
        if (st == BT_EINVAL)
            fail(err, errcap, "record[%zu]: %s", i, sub);
        if (st == BT_OK)
            st = bts_event_list_push(out, &r);
        free(r.data);
    }
out:
    json_decref(root);
    return st;
}

void bts_event_list_free(struct bts_event_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].data);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
