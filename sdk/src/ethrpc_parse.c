/* bts/ethrpc.h parsers: JSON-RPC 2.0 replies, blocks, logs and receipts, validated field by
 * field (ethereum/execution-apis src/schemas/{block,receipt,filter}.yaml). Pure functions: the
 * fuzz target feeds them arbitrary bodies. */
#include <bts/ethrpc.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/json.h>

#include "ethrpc_int.h"

void ethrpc_errf(char *err, size_t err_cap, const char *fmt, ...)
{
    if (!err || !err_cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_cap, fmt, ap);
    va_end(ap);
    /* Remote text lands in logs: keep it on one printable line. */
    for (char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f || *p == '"')
            *p = '\'';
}

int ethrpc_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == needle[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static int ethrpc_id_matches(const json_t *v, uint64_t id)
{
    if (json_is_integer(v))
        return json_integer_value(v) >= 0 && (uint64_t)json_integer_value(v) == id;
    if (json_is_string(v)) {
        char want[24];
        snprintf(want, sizeof(want), "%llu", (unsigned long long)id);
        return strcmp(json_string_value(v), want) == 0;
    }
    return 0;
}

bt_status bts_ethrpc_parse_reply(json_t **out_result, int64_t *out_code, const char *body,
                                 size_t body_len, uint64_t id, char *err, size_t err_cap)
{
    *out_result = NULL;
    *out_code = 0;
    json_error_t je;
    json_t *root = json_loadb(body, body_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        ethrpc_errf(err, err_cap, "answer is not JSON: %s at byte %d", je.text, je.position);
        return BT_EPROTO;
    }
    bt_status st = BT_EPROTO;
    if (!json_is_object(root)) {
        ethrpc_errf(err, err_cap, "answer is not a JSON-RPC object");
        goto out;
    }
    const json_t *ver = json_object_get(root, "jsonrpc");
    if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0) {
        ethrpc_errf(err, err_cap, "answer has no \"jsonrpc\": \"2.0\"");
        goto out;
    }
    if (!ethrpc_id_matches(json_object_get(root, "id"), id)) {
        ethrpc_errf(err, err_cap, "answer id does not match request id %llu",
                    (unsigned long long)id);
        goto out;
    }
    const json_t *e = json_object_get(root, "error");
    if (e && !json_is_null(e)) {
        const json_t *code = json_object_get(e, "code");
        const json_t *msg = json_object_get(e, "message");
        if (!json_is_object(e) || !json_is_integer(code) || !json_is_string(msg)) {
            ethrpc_errf(err, err_cap, "malformed error object");
            goto out;
        }
        *out_code = json_integer_value(code);
        const char *m = json_string_value(msg);
        ethrpc_errf(err, err_cap, "error %lld: %.300s", (long long)*out_code, m);
        st = (*out_code == 3 || ethrpc_contains_ci(m, "execution reverted")) ? BTS_ETHRPC_EREVERT
                                                                             : BTS_ETHRPC_EREMOTE;
        json_t *data = json_object_get(e, "data");
        if (data)
            *out_result = json_incref(data);
        goto out;
    }
    json_t *res = json_object_get(root, "result");
    if (!res) {
        ethrpc_errf(err, err_cap, "answer has neither result nor error");
        goto out;
    }
    *out_result = json_incref(res);
    st = BT_OK;
out:
    json_decref(root);
    return st;
}

/* A required member: every reader error becomes BT_EPROTO with the reader's message. */
static bt_status req(bt_status st)
{
    return st == BT_OK ? BT_OK : st == BT_ENOMEM ? BT_ENOMEM : BT_EPROTO;
}

static bt_status get_u32(uint32_t *out, const json_t *o, const char *key, char *err, size_t cap)
{
    uint64_t v;
    bt_status st = bts_json_get_u64(&v, o, key, err, cap);
    if (st != BT_OK)
        return req(st);
    if (v > UINT32_MAX) {
        ethrpc_errf(err, cap, "%s: value %llu too large", key, (unsigned long long)v);
        return BT_EPROTO;
    }
    *out = (uint32_t)v;
    return BT_OK;
}

bt_status bts_ethrpc_parse_block(struct bts_ethrpc_block *out, const json_t *v, char *err,
                                 size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(v)) {
        ethrpc_errf(err, err_cap, "block is not an object");
        return BT_EPROTO;
    }
    bt_status st;
    if ((st = req(bts_json_get_u64(&out->number, v, "number", err, err_cap))) != BT_OK ||
        (st = req(bts_json_get_hash(out->hash, v, "hash", err, err_cap))) != BT_OK ||
        (st = req(bts_json_get_hash(out->parent_hash, v, "parentHash", err, err_cap))) != BT_OK ||
        (st = req(bts_json_get_u64(&out->timestamp, v, "timestamp", err, err_cap))) != BT_OK)
        return st;
    uint8_t fee[32];
    st = bts_json_get_u256(fee, v, "baseFeePerGas", err, err_cap);
    if (st == BT_ENOTFOUND)
        return BT_OK;
    if (st != BT_OK)
        return req(st);
    for (int i = 0; i < 24; i++)
        if (fee[i]) {
            ethrpc_errf(err, err_cap, "baseFeePerGas: above 2^64 wei");
            return BT_EPROTO;
        }
    out->has_base_fee = 1;
    for (int i = 24; i < 32; i++)
        out->base_fee = out->base_fee << 8 | fee[i];
    return BT_OK;
}

void bts_ethrpc_logs_free(struct bts_ethrpc_logs *l)
{
    if (!l)
        return;
    free(l->logs);
    free(l->arena);
    memset(l, 0, sizeof(*l));
}

/* One log object; its data is appended to `arena` and data holds the offset until fixed up. */
static bt_status parse_log(struct bt_rootchain_log *lg, struct bts_buf *arena, const json_t *o,
                           char *err, size_t cap)
{
    bt_status st;
    memset(lg, 0, sizeof(*lg));
    if (!json_is_object(o)) {
        ethrpc_errf(err, cap, "log is not an object");
        return BT_EPROTO;
    }
    const json_t *removed = json_object_get(o, "removed");
    if (removed && !json_is_false(removed) && !json_is_null(removed)) {
        ethrpc_errf(err, cap, "removed: log of a re-orged block");
        return BT_EPROTO;
    }
    if ((st = req(bts_json_get_address(lg->address, o, "address", err, cap))) != BT_OK ||
        (st = req(bts_json_get_u64(&lg->block_number, o, "blockNumber", err, cap))) != BT_OK ||
        (st = req(bts_json_get_hash(lg->block_hash, o, "blockHash", err, cap))) != BT_OK ||
        (st = req(bts_json_get_hash(lg->tx_hash, o, "transactionHash", err, cap))) != BT_OK ||
        (st = get_u32(&lg->tx_index, o, "transactionIndex", err, cap)) != BT_OK ||
        (st = get_u32(&lg->log_index, o, "logIndex", err, cap)) != BT_OK)
        return st;
    const json_t *topics = json_object_get(o, "topics");
    if (!json_is_array(topics) || json_array_size(topics) > 4) {
        ethrpc_errf(err, cap, "topics: not an array of at most 4 hashes");
        return BT_EPROTO;
    }
    lg->n_topics = (uint32_t)json_array_size(topics);
    for (size_t i = 0; i < lg->n_topics; i++) {
        char sub[96];
        if (bts_json_as_hash(lg->topics[i], json_array_get(topics, i), sub, sizeof(sub)) != BT_OK) {
            ethrpc_errf(err, cap, "topics[%zu]: %s", i, sub);
            return BT_EPROTO;
        }
    }
    size_t off = arena->len;
    if ((st = req(bts_json_get_data_buf(arena, o, "data", err, cap))) != BT_OK)
        return st;
    lg->data = (const uint8_t *)(uintptr_t)off;
    lg->data_len = arena->len - off;
    return BT_OK;
}

/* Turn the offsets left by parse_log into pointers into the final arena. */
static void fix_data(struct bt_rootchain_log *logs, size_t n, const uint8_t *base)
{
    for (size_t i = 0; i < n; i++)
        logs[i].data = base + (uintptr_t)logs[i].data;
}

static bt_status parse_log_array(struct bts_ethrpc_logs *out, const json_t *v, char *err,
                                 size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_array(v)) {
        ethrpc_errf(err, err_cap, "logs: not an array");
        return BT_EPROTO;
    }
    size_t n = json_array_size(v);
    if (n == 0)
        return BT_OK;
    out->logs = calloc(n, sizeof(*out->logs));
    if (!out->logs)
        return BT_ENOMEM;
    struct bts_buf arena;
    bts_buf_init(&arena);
    for (size_t i = 0; i < n; i++) {
        char sub[200];
        bt_status st = parse_log(&out->logs[i], &arena, json_array_get(v, i), sub, sizeof(sub));
        if (st != BT_OK) {
            ethrpc_errf(err, err_cap, "log %zu: %s", i, sub);
            bts_buf_free(&arena);
            out->n_logs = 0;
            return st;
        }
        out->n_logs = i + 1;
    }
    out->arena_len = arena.len;
    out->arena = bts_buf_detach(&arena, NULL);
    if (!out->arena)
        return BT_ENOMEM;
    fix_data(out->logs, out->n_logs, out->arena);
    return BT_OK;
}

bt_status bts_ethrpc_parse_logs(struct bts_ethrpc_logs *out, const json_t *v, char *err,
                                size_t err_cap)
{
    return parse_log_array(out, v, err, err_cap);
}

void bts_ethrpc_receipt_free(struct bts_ethrpc_receipt *r)
{
    if (!r)
        return;
    bts_ethrpc_logs_free(&r->logs);
}

bt_status bts_ethrpc_parse_receipt(struct bts_ethrpc_receipt *out, const json_t *v, char *err,
                                   size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (json_is_null(v))
        return BT_ENOTFOUND;
    if (!json_is_object(v)) {
        ethrpc_errf(err, err_cap, "receipt is not an object");
        return BT_EPROTO;
    }
    bt_status st;
    uint64_t status;
    if ((st = req(bts_json_get_hash(out->tx_hash, v, "transactionHash", err, err_cap))) != BT_OK ||
        (st = req(bts_json_get_hash(out->block_hash, v, "blockHash", err, err_cap))) != BT_OK ||
        (st = req(bts_json_get_u64(&out->block_number, v, "blockNumber", err, err_cap))) != BT_OK ||
        (st = get_u32(&out->tx_index, v, "transactionIndex", err, err_cap)) != BT_OK ||
        (st = req(bts_json_get_u64(&status, v, "status", err, err_cap))) != BT_OK ||
        (st = req(bts_json_get_u64(&out->gas_used, v, "gasUsed", err, err_cap))) != BT_OK)
        return st;
    if (status > 1) {
        ethrpc_errf(err, err_cap, "status: %llu is neither 0x0 nor 0x1",
                    (unsigned long long)status);
        return BT_EPROTO;
    }
    out->success = (int)status;
    st = bts_json_get_u64(&out->effective_gas_price, v, "effectiveGasPrice", err, err_cap);
    if (st != BT_OK && st != BT_ENOTFOUND)
        return req(st);
    st = parse_log_array(&out->logs, json_object_get(v, "logs"), err, err_cap);
    if (st != BT_OK)
        return st;
    for (size_t i = 0; i < out->logs.n_logs; i++)
        if (out->logs.logs[i].block_number != out->block_number ||
            memcmp(out->logs.logs[i].tx_hash, out->tx_hash, 32) != 0) {
            ethrpc_errf(err, err_cap, "logs[%zu]: block or transaction differs from the receipt",
                        i);
            return BT_EPROTO;
        }
    return BT_OK;
}

int bts_ethrpc_is_range_error(int64_t code, const char *message, long http_status)
{
    static const char *const needles[] = {"more than",      "block range",   "range too large",
                                          "limit exceeded", "response size", "exceed max",
                                          "too many",       "query timeout", "range is too"};
    if (http_status == 413 || code == -32005)
        return 1;
    if (!message)
        return 0;
    for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
        if (ethrpc_contains_ci(message, needles[i]))
            return 1;
    return 0;
}
