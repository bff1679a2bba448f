/* Blocking JSON-RPC over HTTP for the devnet orchestrator (libcurl easy: one request at a time,
 * from the supervisor's own thread) and the dev-key transactions that deploy the contracts.
 * The async SDK client (bts/ethrpc.h) needs a plugin host loop, which this command has not. */
#include "devnet_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/secp.h>
#include <bts/tx.h>
#include <bts/u256.h>

#include "jrpc_client.h"
#include "keys_int.h"

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct bts_buf *b = arg;
    return bts_buf_append(b, p, size * n) == BT_OK ? size * n : 0;
}

bt_status dn_http_get(const char *url, int timeout_ms, json_t **out_json, long *out_code, char *err,
                      size_t err_cap)
{
    *out_json = NULL;
    *out_code = 0;
    struct bts_buf resp;
    bts_buf_init(&resp);
    CURL *h = curl_easy_init();
    bt_status st = BT_EIO;
    if (h) {
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        CURLcode cc = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, out_code);
        if (cc != CURLE_OK)
            dn_fmt(err, err_cap, "%s: %s", url, curl_easy_strerror(cc));
        else
            st = BT_OK;
        curl_easy_cleanup(h);
    }
    if (st == BT_OK)
        *out_json = json_loadb((const char *)resp.data, resp.len, JSON_DECODE_ANY, NULL);
    bts_buf_free(&resp);
    return st;
}

bt_status dn_rpc(const char *url, const char *method, json_t *params, json_t **out_result,
                 int timeout_ms, char *err, size_t err_cap)
{
    *out_result = NULL;
    json_t *ans = NULL;
    json_t *req = json_pack("{s:i,s:s,s:s,s:o}", "id", 1, "jsonrpc", "2.0", "method", method,
                            "params", params ? params : json_array());
    bt_status st = jrpc_post(url, req, timeout_ms, &ans, err, err_cap);
    if (st == BT_OK)
        st = jrpc_take_result(ans, method, out_result, err, err_cap);
    json_decref(ans);
    return st;
}

static bt_status result_u64(const json_t *r, uint64_t *out, const char *what, char *err,
                            size_t err_cap)
{
    const char *s = json_string_value(r);
    if (!s || bts_hex_parse_u64(out, s, strlen(s)) != BT_OK) {
        dn_fmt(err, err_cap, "%s: not a quantity", what);
        return BT_EPROTO;
    }
    return BT_OK;
}

bt_status dn_rpc_u64(const char *url, const char *method, uint64_t *out, int timeout_ms, char *err,
                     size_t err_cap)
{
    json_t *r;
    bt_status st = dn_rpc(url, method, NULL, &r, timeout_ms, err, err_cap);
    if (st == BT_OK)
        st = result_u64(r, out, method, err, err_cap);
    json_decref(r);
    return st;
}

static json_t *hex_string(const uint8_t *p, size_t n)
{
    struct bts_buf b;
    bts_buf_init(&b);
    json_t *v = NULL;
    if (bts_hex_encode_buf(&b, p, n, BTS_HEX_0X) == BT_OK)
        v = json_stringn((const char *)b.data, b.len);
    bts_buf_free(&b);
    return v;
}

static bt_status result_bytes(const json_t *r, uint8_t **out, size_t *out_len, const char *what,
                              char *err, size_t err_cap)
{
    const char *s = json_string_value(r);
    struct bts_buf b;
    bts_buf_init(&b);
    if (!s || bts_hex_decode_buf(&b, s, strlen(s), BTS_HEX_0X) != BT_OK) {
        bts_buf_free(&b);
        dn_fmt(err, err_cap, "%s: not hex data", what);
        return BT_EPROTO;
    }
    *out = bts_buf_detach(&b, out_len);
    return BT_OK;
}

bt_status dn_rpc_call(const char *url, const uint8_t to[20], const uint8_t *data, size_t data_len,
                      uint8_t **out, size_t *out_len, char *err, size_t err_cap)
{
    *out = NULL;
    *out_len = 0;
    json_t *obj =
        json_pack("{s:o,s:o}", "to", hex_string(to, 20), "data", hex_string(data, data_len));
    json_t *r;
    bt_status st =
        dn_rpc(url, "eth_call", json_pack("[o,s]", obj, "latest"), &r, 5000, err, err_cap);
    if (st == BT_OK)
        st = result_bytes(r, out, out_len, "eth_call", err, err_cap);
    json_decref(r);
    return st;
}

bt_status dn_rpc_code_len(const char *url, const uint8_t addr[20], size_t *out_len, char *err,
                          size_t err_cap)
{
    json_t *r;
    uint8_t *code = NULL;
    bt_status st = dn_rpc(url, "eth_getCode", json_pack("[o,s]", hex_string(addr, 20), "latest"),
                          &r, 5000, err, err_cap);
    if (st == BT_OK)
        st = result_bytes(r, &code, out_len, "eth_getCode", err, err_cap);
    json_decref(r);
    free(code);
    return st;
}

bt_status dn_send_tx(const char *url, uint64_t chain_id, struct signer *sg, const uint8_t from[20],
                     uint64_t nonce, uint64_t gas_price, uint64_t gas, const uint8_t *to,
                     const uint8_t *data, size_t data_len, uint8_t out_hash[32], char *err,
                     size_t err_cap)
{
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.type = BTS_TX_LEGACY;
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(chain_id);
    tx.nonce = nonce;
    tx.gas_price = tx.gas_tip_cap = bts_u256_from_u64(gas_price);
    tx.gas = gas;
    if (to) {
        tx.has_to = 1;
        memcpy(tx.to.bytes, to, 20);
    }
    tx.data = data;
    tx.data_len = data_len;
    uint8_t digest[32], sig[65];
    bt_status st = bts_tx_signing_hash(digest, &tx);
    if (st == BT_OK)
        st = signer_sign(sg, sig, from, digest);
    if (st != BT_OK) {
        dn_fmt(err, err_cap, "signing: %s", bts_status_str(st));
        return st;
    }
    if ((st = bts_tx_set_signature(&tx, sig)) != BT_OK) {
        dn_fmt(err, err_cap, "signing: %s", bts_status_str(st));
        return st;
    }
    struct bts_buf raw;
    bts_buf_init(&raw);
    st = bts_tx_encode(&raw, &tx);
    if (st == BT_OK)
        bts_keccak256(out_hash, raw.data, raw.len);
    json_t *r = NULL;
    if (st == BT_OK)
        st = dn_rpc(url, "eth_sendRawTransaction", json_pack("[o]", hex_string(raw.data, raw.len)),
                    &r, 10000, err, err_cap);
    else
        dn_fmt(err, err_cap, "encoding: %s", bts_status_str(st));
    json_decref(r);
    bts_buf_free(&raw);
    return st;
}

bt_status dn_wait_receipt(const char *url, const uint8_t hash[32], int timeout_ms, char *err,
                          size_t err_cap)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        json_t *r = NULL;
        bt_status st = dn_rpc(url, "eth_getTransactionReceipt",
                              json_pack("[o]", hex_string(hash, 32)), &r, 5000, err, err_cap);
        if (st == BT_OK && json_is_object(r)) {
            uint64_t status = 0;
            st = result_u64(json_object_get(r, "status"), &status, "receipt status", err, err_cap);
            json_decref(r);
            if (st != BT_OK)
                return st;
            if (status != 1) {
                dn_fmt(err, err_cap, "transaction reverted (status 0)");
                return BT_EINVAL;
            }
            return BT_OK;
        }
        json_decref(r);
        clock_gettime(CLOCK_MONOTONIC, &t);
        long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms > timeout_ms) {
            dn_fmt(err, err_cap, "no receipt after %d ms", timeout_ms);
            return BT_ETIMEDOUT;
        }
        usleep(200 * 1000);
    }
}

void dn_create_address(uint8_t out[20], const uint8_t sender[20], uint64_t nonce)
{
    /* keccak(rlp([sender, nonce]))[12:] (Yellow Paper eq. 86). */
    uint8_t buf[64], h[32];
    size_t n = 0;
    uint8_t enc_nonce[9];
    size_t en = 0;
    if (nonce == 0) {
        enc_nonce[en++] = 0x80;
    } else if (nonce < 0x80) {
        enc_nonce[en++] = (uint8_t)nonce;
    } else {
        int bytes = 0;
        for (uint64_t x = nonce; x; x >>= 8)
            bytes++;
        enc_nonce[en++] = (uint8_t)(0x80 + bytes);
        for (int i = bytes - 1; i >= 0; i--)
            enc_nonce[en++] = (uint8_t)(nonce >> (8 * i));
    }
    buf[n++] = (uint8_t)(0xc0 + 21 + en);
    buf[n++] = 0x94;
    memcpy(buf + n, sender, 20);
    n += 20;
    memcpy(buf + n, enc_nonce, en);
    n += en;
    bts_keccak256(h, buf, n);
    memcpy(out, h + 12, 20);
}
