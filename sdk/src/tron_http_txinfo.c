/* bts/tron_http.h: transaction infos (receipts), one (gettransactioninfobyid) or a block's list
 * (gettransactioninfobyblocknum), ROOTCHAINS.md §1.6 item 6. */
#include <bts/tron_http.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/hex.h>

#include "tron_http_int.h"

void bts_tron_txinfo_free(struct bts_tron_txinfo *t)
{
    free(t->logs);
    free(t->arena);
    t->logs = NULL;
    t->arena = NULL;
    t->n_logs = 0;
}

static bt_status parse_logs(struct bts_tron_txinfo *out, const json_t *a, char *err, size_t cap)
{
    if (!a)
        return BT_OK;
    if (!json_is_array(a))
        return th_fail(err, cap, BT_EPROTO, "log: not an array");
    size_t n = json_array_size(a), total = 0;
    if (n == 0)
        return BT_OK;
    /* First pass: check and size the data, so one arena holds it all. */
    for (size_t i = 0; i < n; i++) {
        const json_t *d = json_object_get(json_array_get(a, i), "data");
        if (d && !json_is_string(d))
            return th_fail(err, cap, BT_EPROTO, "log[%zu].data: not a string", i);
        size_t dl = d ? json_string_length(d) : 0;
        if (dl % 2)
            return th_fail(err, cap, BT_EPROTO, "log[%zu].data: odd hex", i);
        total += dl / 2;
    }
    out->logs = calloc(n, sizeof(*out->logs));
    out->arena = malloc(total ? total : 1);
    if (!out->logs || !out->arena)
        return th_fail(err, cap, BT_ENOMEM, "out of memory");
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *l = json_array_get(a, i);
        struct bt_rootchain_log *g = &out->logs[i];
        if (!json_is_object(l))
            return th_fail(err, cap, BT_EPROTO, "log[%zu]: not an object", i);
        const json_t *ad = json_object_get(l, "address");
        const char *as = json_string_value(ad);
        size_t al = json_string_length(ad);
        /* java-tron stores 20 bytes (LogInfo.buildLog); tolerate the 41-prefixed form. */
        if (as && al == 42 && (as[0] == '4' && as[1] == '1')) {
            as += 2;
            al -= 2;
        }
        if (!as || bts_hex_decode_exact(g->address, 20, as, al, 0) != BT_OK)
            return th_fail(err, cap, BT_EPROTO, "log[%zu].address: not a 20-byte hex address", i);
        const json_t *tp = json_object_get(l, "topics");
        if (tp && (!json_is_array(tp) || json_array_size(tp) > 4))
            return th_fail(err, cap, BT_EPROTO, "log[%zu].topics: not an array of at most 4", i);
        for (size_t k = 0; k < json_array_size(tp); k++) {
            const json_t *t = json_array_get(tp, k);
            if (!json_is_string(t) || bts_hex_decode_exact(g->topics[k], 32, json_string_value(t),
                                                           json_string_length(t), 0) != BT_OK)
                return th_fail(err, cap, BT_EPROTO, "log[%zu].topics[%zu]: not 32 hex bytes", i, k);
        }
        g->n_topics = (uint32_t)json_array_size(tp);
        const json_t *d = json_object_get(l, "data");
        size_t dl = 0;
        if (d && bts_hex_decode(out->arena + used, total - used, &dl, json_string_value(d),
                                json_string_length(d), 0) != BT_OK)
            return th_fail(err, cap, BT_EPROTO, "log[%zu].data: not hex", i);
        g->data = out->arena + used;
        g->data_len = dl;
        used += dl;
        g->block_number = out->block_number;
        memcpy(g->tx_hash, out->id, 32);
        g->log_index = (uint32_t)i;
    }
    out->n_logs = n;
    return BT_OK;
}

/* One TransactionInfo object (not {}); on failure *out is freed by the caller. */
static bt_status txinfo_from_json(struct bts_tron_txinfo *out, const json_t *o,
                                  const uint8_t *expect_id, char *err, size_t err_cap)
{
    bt_status st;
    if (!json_is_object(o))
        return th_fail(err, err_cap, BT_EPROTO, "transaction info: not an object");
    if ((st = th_get_hex_exact(out->id, 32, o, "id", err, err_cap)) != BT_OK)
        return st;
    if (expect_id && memcmp(out->id, expect_id, 32) != 0)
        return th_fail(err, err_cap, BT_EPROTO, "id: not the transaction asked for");
    st = th_get_u64(&out->block_number, o, "blockNumber", err, err_cap);
    if (st == BT_ENOTFOUND)
        st = th_fail(err, err_cap, BT_EPROTO, "blockNumber: missing");
    if (st != BT_OK)
        return st;
    const char *keys[] = {"blockTimeStamp", "fee"};
    uint64_t *dst[] = {&out->block_time_ms, &out->fee};
    for (size_t i = 0; i < 2; i++) {
        st = th_get_u64(dst[i], o, keys[i], err, err_cap);
        if (st != BT_OK && st != BT_ENOTFOUND)
            return st;
    }
    const json_t *rc = json_object_get(o, "receipt");
    if (rc && !json_is_object(rc))
        return th_fail(err, err_cap, BT_EPROTO, "receipt: not an object");
    st = th_get_u64(&out->energy_used, rc, "energy_usage_total", err, err_cap);
    if (st != BT_OK && st != BT_ENOTFOUND)
        return st;
    const json_t *rr = json_object_get(rc, "result");
    if (rr && !json_is_string(rr))
        return th_fail(err, err_cap, BT_EPROTO, "receipt.result: not a string");
    if (rr)
        th_clean_text(out->receipt_result, sizeof(out->receipt_result), json_string_value(rr));
    const json_t *res = json_object_get(o, "result");
    if (res && !json_is_string(res))
        return th_fail(err, err_cap, BT_EPROTO, "result: not a string");
    /* Absent result means SUCESS (sic, Tron.proto); receipt.result other than SUCCESS/DEFAULT
     * also means the call failed (java-tron's eth_getTransactionReceipt status rule, §1.7). */
    out->failed = (res && strcmp(json_string_value(res), "SUCESS") != 0) ||
                  (out->receipt_result[0] && strcmp(out->receipt_result, "SUCCESS") != 0 &&
                   strcmp(out->receipt_result, "DEFAULT") != 0);
    const json_t *rm = json_object_get(o, "resMessage");
    if (json_is_string(rm))
        th_clean_text(out->message, sizeof(out->message), json_string_value(rm));
    return parse_logs(out, json_object_get(o, "log"), err, err_cap);
}

bt_status bts_tron_parse_txinfo(struct bts_tron_txinfo *out, const uint8_t *expect_id,
                                const char *body, size_t body_len, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (err_cap)
        err[0] = 0;
    json_t *o;
    bt_status st = th_load(&o, body, body_len, err, err_cap);
    if (st != BT_OK)
        return st;
    if ((st = th_check_error(o, err, err_cap)) == BT_OK) {
        if (json_object_size(o) == 0)
            st = th_fail(err, err_cap, BT_ENOTFOUND, "not in a block yet");
        else
            st = txinfo_from_json(out, o, expect_id, err, err_cap);
    }
    json_decref(o);
    if (st != BT_OK) {
        bts_tron_txinfo_free(out);
        memset(out, 0, sizeof(*out));
    }
    return st;
}

void bts_tron_txinfo_list_free(struct bts_tron_txinfo_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        bts_tron_txinfo_free(&l->infos[i]);
    free(l->infos);
    l->infos = NULL;
    l->n = 0;
}

bt_status bts_tron_parse_txinfo_list(struct bts_tron_txinfo_list *out, uint64_t block,
                                     const char *body, size_t body_len, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (err_cap)
        err[0] = 0;
    if (!body)
        return th_fail(err, err_cap, BT_EPROTO, "empty answer");
    json_error_t je;
    json_t *v = json_loadb(body, body_len, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return th_fail(err, err_cap, BT_EPROTO, "not JSON: %s at byte %d", je.text, je.position);
    bt_status st = BT_OK;
    if (json_is_object(v)) { /* {} for a block without transactions, or an error object */
        if ((st = th_check_error(v, err, err_cap)) == BT_OK && json_object_size(v) != 0)
            st = th_fail(err, err_cap, BT_EPROTO, "expected a list of transaction infos");
        goto done;
    }
    if (!json_is_array(v)) {
        st = th_fail(err, err_cap, BT_EPROTO, "expected a list of transaction infos");
        goto done;
    }
    size_t n = json_array_size(v);
    if (n && !(out->infos = calloc(n, sizeof(*out->infos)))) {
        st = th_fail(err, err_cap, BT_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        out->n = i + 1;
        char e2[200] = "";
        st = txinfo_from_json(&out->infos[i], json_array_get(v, i), NULL, e2, sizeof(e2));
        if (st == BT_OK && out->infos[i].block_number != block)
            st = th_fail(e2, sizeof(e2), BT_EPROTO, "blockNumber %llu, asked for %llu",
                         (unsigned long long)out->infos[i].block_number, (unsigned long long)block);
        if (st != BT_OK) {
            th_fail(err, err_cap, st, "[%zu]: %s", i, e2);
            goto done;
        }
        for (size_t k = 0; k < out->infos[i].n_logs; k++)
            out->infos[i].logs[k].tx_index = (uint32_t)i;
    }
done:
    json_decref(v);
    if (st != BT_OK)
        bts_tron_txinfo_list_free(out);
    return st;
}
