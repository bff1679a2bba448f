/* Blocking JSON-RPC over HTTP (libcurl easy) for `bttcd bridge`, and dev-key transactions:
 * legacy EIP-155, chain id, nonce and gas price asked from the node, the gas estimated first so
 * that a call the contract would refuse fails with its revert reason before anything is sent.
 * The transfer and the answer rules are the host's one client (net/jrpc_client.h). */
#include "bridge_int.h"
#include "jrpc_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/solabi.h>
#include <bts/tx.h>
#include <bts/u256.h>

#define RPC_TIMEOUT_MS 30000

bt_status br_rpc(const char *url, const char *method, json_t *params, json_t **out, char *err,
                 size_t err_cap)
{
    *out = NULL;
    json_t *ans = NULL;
    json_t *req = json_pack("{s:i,s:s,s:s,s:o}", "id", 1, "jsonrpc", "2.0", "method", method,
                            "params", params ? params : json_array());
    bt_status st = jrpc_post(url, req, RPC_TIMEOUT_MS, &ans, err, err_cap);
    if (st == BT_OK)
        st = jrpc_take_result(ans, method, out, err, err_cap);
    json_decref(ans);
    return st;
}

bt_status br_rpc_batch(const char *url, const char *method, json_t *params_list, json_t **out,
                       char *err, size_t err_cap)
{
    *out = NULL;
    size_t n = json_array_size(params_list);
    json_t *req = json_array(), *ans = NULL, *res = json_array();
    for (size_t i = 0; req && i < n; i++)
        json_array_append_new(req, json_pack("{s:I,s:s,s:s,s:O}", "id", (json_int_t)i, "jsonrpc",
                                             "2.0", "method", method, "params",
                                             json_array_get(params_list, i)));
    json_decref(params_list);
    bt_status st = res ? jrpc_post(url, req, RPC_TIMEOUT_MS, &ans, err, err_cap) : BT_ENOMEM;
    if (st == BT_OK && (!json_is_array(ans) || json_array_size(ans) != n)) {
        snprintf(err, err_cap, "%s: the batch answer has not %zu members", method, n);
        st = BT_EPROTO;
    }
    for (size_t i = 0; st == BT_OK && i < n; i++)
        json_array_append_new(res, json_null());
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        json_t *a = json_array_get(ans, i), *r = NULL;
        json_int_t id = json_integer_value(json_object_get(a, "id"));
        if (id < 0 || (size_t)id >= n) {
            snprintf(err, err_cap, "%s: a batch answer has a bad id", method);
            st = BT_EPROTO;
        } else if ((st = jrpc_take_result(a, method, &r, err, err_cap)) == BT_OK) {
            json_array_set_new(res, (size_t)id, r);
        }
    }
    json_decref(ans);
    if (st == BT_OK)
        *out = res;
    else
        json_decref(res);
    return st;
}

json_t *br_hex_json(const uint8_t *p, size_t n)
{
    struct bts_buf b;
    bts_buf_init(&b);
    json_t *v = NULL;
    if (bts_hex_encode_buf(&b, p, n, BTS_HEX_0X) == BT_OK)
        v = json_stringn((const char *)b.data, b.len);
    bts_buf_free(&b);
    return v;
}

int br_json_u64(const json_t *o, const char *key, uint64_t *out)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && bts_hex_parse_u64(out, s, strlen(s)) == BT_OK ? 0 : -1;
}

int br_json_hash(const json_t *o, const char *key, uint8_t out[32])
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && bts_hex_parse_hash(out, s, strlen(s)) == BT_OK ? 0 : -1;
}

static bt_status result_u64(const char *url, const char *method, json_t *params, uint64_t *out,
                            char *err, size_t err_cap)
{
    json_t *r = NULL;
    bt_status st = br_rpc(url, method, params, &r, err, err_cap);
    const char *s = json_string_value(r);
    if (st == BT_OK && (!s || bts_hex_parse_u64(out, s, strlen(s)) != BT_OK)) {
        snprintf(err, err_cap, "%s: not a quantity", method);
        st = BT_EPROTO;
    }
    json_decref(r);
    return st;
}

bt_status br_call(const char *url, const uint8_t to[20], const uint8_t *data, size_t len,
                  uint8_t **out, size_t *out_len, char *err, size_t err_cap)
{
    *out = NULL;
    *out_len = 0;
    json_t *obj = json_pack("{s:o,s:o}", "to", br_hex_json(to, 20), "data", br_hex_json(data, len));
    json_t *r = NULL;
    bt_status st = br_rpc(url, "eth_call", json_pack("[o,s]", obj, "latest"), &r, err, err_cap);
    const char *s = json_string_value(r);
    struct bts_buf b;
    bts_buf_init(&b);
    if (st == BT_OK && (!s || bts_hex_decode_buf(&b, s, strlen(s), BTS_HEX_0X) != BT_OK)) {
        snprintf(err, err_cap, "eth_call: not hex data");
        st = BT_EPROTO;
    }
    if (st == BT_OK)
        *out = bts_buf_detach(&b, out_len);
    bts_buf_free(&b);
    json_decref(r);
    return st;
}

bt_status br_call_words(const char *url, const uint8_t to[20], const char *sig,
                        const uint8_t (*args)[32], size_t n_args, uint8_t (*out)[32], size_t n_out,
                        char *err, size_t err_cap)
{
    uint8_t data[4 + 32 * 4], *res = NULL;
    size_t n = 0;
    if (n_args > 4 || bts_solabi_selector(data, sig) != BT_OK)
        return BT_EINVAL;
    for (size_t i = 0; i < n_args; i++)
        memcpy(data + 4 + 32 * i, args[i], 32);
    bt_status st = br_call(url, to, data, 4 + 32 * n_args, &res, &n, err, err_cap);
    if (st == BT_OK && n < 32 * n_out) {
        snprintf(err, err_cap, "%s: %zu bytes answered (no contract at that address?)", sig, n);
        st = BT_EPROTO;
    }
    for (size_t i = 0; st == BT_OK && i < n_out; i++)
        memcpy(out[i], res + 32 * i, 32);
    free(res);
    return st;
}

/* Wait for the receipt of `hash`. */
static bt_status wait_receipt(const char *url, const uint8_t hash[32], json_t **out, char *err,
                              size_t err_cap)
{
    for (int i = 0; i < 600; i++) {
        json_t *r = NULL;
        bt_status st = br_rpc(url, "eth_getTransactionReceipt",
                              json_pack("[o]", br_hex_json(hash, 32)), &r, err, err_cap);
        if (st != BT_OK)
            return st;
        if (json_is_object(r)) {
            *out = r;
            return BT_OK;
        }
        json_decref(r);
        usleep(100 * 1000);
    }
    snprintf(err, err_cap, "no receipt after 60 s (is the chain producing blocks?)");
    return BT_ETIMEDOUT;
}

int br_is_tron_api(const struct br_ctx *ctx, const char *url)
{
    return strcmp(ctx->root_name, "tron") == 0 && ctx->tron_api[0] &&
           strcmp(url, ctx->root_url) == 0;
}

bt_status br_transact(const struct br_ctx *ctx, const char *url, const uint8_t to[20],
                      const uint8_t *data, size_t len, uint8_t out_hash[32], json_t **out_receipt,
                      char *err, size_t err_cap)
{
    *out_receipt = NULL;
    if (br_is_tron_api(ctx, url))
        return br_tron_transact(ctx, to, data, len, out_hash, out_receipt, err, err_cap);
    uint64_t chain_id = 0, nonce = 0, gas_price = 0, gas = 0;
    char from_hex[43];
    size_t hl;
    if (bts_hex_encode(from_hex, sizeof(from_hex), &hl, ctx->from, 20, BTS_HEX_0X) != BT_OK)
        return BT_EINTERNAL;
    bt_status st = result_u64(url, "eth_chainId", NULL, &chain_id, err, err_cap);
    if (st == BT_OK)
        st = result_u64(url, "eth_getTransactionCount", json_pack("[s,s]", from_hex, "pending"),
                        &nonce, err, err_cap);
    if (st == BT_OK)
        st = result_u64(url, "eth_gasPrice", NULL, &gas_price, err, err_cap);
    if (st == BT_OK) {
        json_t *call = json_pack("{s:s,s:o,s:o}", "from", from_hex, "to", br_hex_json(to, 20),
                                 "data", br_hex_json(data, len));
        st = result_u64(url, "eth_estimateGas", json_pack("[o]", call), &gas, err, err_cap);
    }
    if (st != BT_OK)
        return st;
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.type = BTS_TX_LEGACY;
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(chain_id);
    tx.nonce = nonce;
    tx.gas_price = tx.gas_tip_cap = bts_u256_from_u64(gas_price ? gas_price : 1000000000u);
    tx.gas = gas + gas / 4 + 10000; /* estimates are exact for these calls; leave headroom */
    tx.has_to = 1;
    memcpy(tx.to.bytes, to, 20);
    tx.data = data;
    tx.data_len = len;
    uint8_t digest[32], sig[65];
    st = bts_tx_signing_hash(digest, &tx);
    if (st == BT_OK)
        st = bts_secp_sign(sig, ctx->key, digest);
    if (st != BT_OK) {
        snprintf(err, err_cap, "signing: %s", bts_status_str(st));
        return st;
    }
    if ((st = bts_tx_set_signature(&tx, sig)) != BT_OK) {
        snprintf(err, err_cap, "signing: %s", bts_status_str(st));
        return st;
    }
    struct bts_buf raw;
    bts_buf_init(&raw);
    json_t *r = NULL;
    st = bts_tx_encode(&raw, &tx);
    if (st == BT_OK) {
        bts_keccak256(out_hash, raw.data, raw.len);
        st = br_rpc(url, "eth_sendRawTransaction", json_pack("[o]", br_hex_json(raw.data, raw.len)),
                    &r, err, err_cap);
    }
    json_decref(r);
    bts_buf_free(&raw);
    if (st == BT_OK)
        st = wait_receipt(url, out_hash, out_receipt, err, err_cap);
    uint64_t status = 0;
    if (st == BT_OK && (br_json_u64(*out_receipt, "status", &status) != 0 || status != 1)) {
        snprintf(err, err_cap, "the transaction reverted (status 0)");
        st = BT_EINVAL;
    }
    return st;
}
