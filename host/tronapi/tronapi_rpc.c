/* POST /jsonrpc of the dev TRON API with java-tron's semantics (ROOTCHAINS.md §1.7, §4.3):
 * chain id from block 0's id, block hashes = 0x + block id, timestamps in seconds, eth_getLogs
 * with 20-byte addresses only and a 5000-block range cap, eth_call on "latest" only; writes and
 * nonces do not exist. */
#include "tronapi_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

#define MAX_BLOCK_RANGE 5000
#define MAX_RESULTS     10000

struct rpcerr {
    int code;
    char msg[160];
};

static json_t *err(struct rpcerr *e, int code, const char *msg)
{
    e->code = code;
    snprintf(e->msg, sizeof(e->msg), "%s", msg);
    return NULL;
}

static json_t *qty(uint64_t v)
{
    char s[BTS_HEX_U64_CAP];
    size_t len;
    return bts_hex_format_u64(s, sizeof(s), &len, v) == BT_OK ? json_stringn(s, len) : NULL;
}

static json_t *data0x(const void *p, size_t n)
{
    char *s = malloc(2 * n + 3);
    size_t len;
    json_t *j = s && bts_hex_encode(s, 2 * n + 3, &len, p, n, BTS_HEX_0X) == BT_OK
                    ? json_stringn(s, len)
                    : NULL;
    free(s);
    return j;
}

static uint64_t head_of(struct tronapi *t)
{
    uint64_t n;
    uint8_t h[32];
    chain_head(t->o.chain, &n, h);
    return n;
}

/* A block tag or number. 0: refused (e set). */
static int block_tag(struct tronapi *t, const json_t *v, uint64_t *out, struct rpcerr *e)
{
    const char *s = json_string_value(v);
    if (!v || json_is_null(v) || (s && strcmp(s, "latest") == 0)) {
        *out = head_of(t);
    } else if (s && strcmp(s, "earliest") == 0) {
        *out = 0;
    } else if (s && strcmp(s, "finalized") == 0) {
        *out = tronapi_solid_head(t);
    } else if (s && strcmp(s, "pending") == 0) {
        err(e, -32602, "TAG pending not supported");
        return 0;
    } else if (!s || bts_hex_parse_u64(out, s, strlen(s)) != BT_OK) {
        err(e, -32602, "invalid block number");
        return 0;
    }
    return 1;
}

static json_t *block_by_number(struct tronapi *t, const json_t *params, struct rpcerr *e)
{
    uint64_t n;
    if (!block_tag(t, json_array_get(params, 0), &n, e))
        return NULL;
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    if (chain_header_by_number(t->o.chain, n, &hd) != BT_OK) {
        chain_header_free(&hd);
        return json_null();
    }
    uint8_t id[32], pid[32], zero[256] = {0};
    tronapi_block_id(id, n, hd.hash);
    tronapi_block_id(pid, n ? n - 1 : 0, hd.h.parent_hash.bytes);
    json_t *o =
        json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:[]}", "number", qty(n), "hash",
                  data0x(id, 32), "parentHash", data0x(pid, 32), "timestamp", qty(hd.h.time),
                  "miner", data0x(hd.h.coinbase.bytes, 20), "gasLimit", qty(hd.h.gas_limit),
                  "gasUsed", qty(hd.h.gas_used), "logsBloom", data0x(zero, 256), "transactionsRoot",
                  data0x(hd.h.tx_root.bytes, 32), "transactions");
    chain_header_free(&hd);
    return o;
}

static int match_addr(const struct tronapi *t, const json_t *addrs, const uint8_t evm[20])
{
    const uint8_t *a = tronapi_to_tron(t, evm); /* filters name the TRON view */
    if (!addrs || json_is_null(addrs))
        return 1;
    size_t n = json_is_array(addrs) ? json_array_size(addrs) : 1;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_is_array(addrs) ? json_array_get(addrs, i) : addrs);
        uint8_t x[20];
        if (s && bts_hex_decode_exact(x, 20, s, strlen(s), 0) == BT_OK && memcmp(x, a, 20) == 0)
            return 1;
    }
    return 0;
}

static int match_topics(const json_t *topics, const struct bts_log *l)
{
    for (size_t i = 0; i < json_array_size(topics); i++) {
        const json_t *w = json_array_get(topics, i);
        if (json_is_null(w))
            continue;
        if (i >= l->n_topics)
            return 0;
        int any = 0;
        size_t n = json_is_array(w) ? json_array_size(w) : 1;
        for (size_t j = 0; j < n && !any; j++) {
            const char *s = json_string_value(json_is_array(w) ? json_array_get(w, j) : w);
            uint8_t h[32];
            any = s && bts_hex_decode_exact(h, 32, s, strlen(s), 0) == BT_OK &&
                  memcmp(h, l->topics[i].bytes, 32) == 0;
        }
        if (!any)
            return 0;
    }
    return 1;
}

/* An EVM transaction hash as TRON names it: 0x + the TRON txID when broadcast here. */
static json_t *tx_name(struct tronapi *t, const uint8_t evm[32])
{
    const struct tronapi_rec *r = tronapi_rec_by_evm(t, evm);
    return data0x(r ? r->txid : evm, 32);
}

/* One log in eth_getLogs / receipt form (TRON: blockHash = 0x + block id, transactionHash =
 * 0x + txID, logIndex counted within the block). */
static json_t *log_json(struct tronapi *t, const struct chain_log *cl, uint64_t n,
                        const uint8_t id[32], const struct chain_receipt *r)
{
    json_t *tp = json_array();
    for (size_t k = 0; tp && k < cl->log.n_topics; k++) {
        struct bt_hash w = cl->log.topics[k];
        tronapi_rewrite_words(t, w.bytes, 32, 0);
        json_array_append_new(tp, data0x(w.bytes, 32));
    }
    uint8_t *d = malloc(cl->log.data_len + 1);
    if (!d) {
        json_decref(tp);
        return NULL;
    }
    if (cl->log.data_len)
        memcpy(d, cl->log.data, cl->log.data_len);
    tronapi_rewrite_words(t, d, cl->log.data_len, 0);
    json_t *dj = data0x(d, cl->log.data_len);
    free(d);
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "address",
                     data0x(tronapi_to_tron(t, cl->log.address.bytes), 20), "topics", tp, "data",
                     dj, "blockNumber", qty(n), "blockHash", data0x(id, 32), "transactionHash",
                     tx_name(t, r->tx_hash.bytes), "transactionIndex", qty(r->tx_index), "logIndex",
                     qty(cl->log_index), "removed", 0);
}

static json_t *get_logs(struct tronapi *t, const json_t *params, struct rpcerr *e)
{
    const json_t *f = json_array_get(params, 0);
    if (!json_is_object(f))
        return err(e, -32602, "invalid filter");
    const json_t *addrs = json_object_get(f, "address");
    size_t na = json_is_array(addrs) ? json_array_size(addrs) : 1;
    for (size_t i = 0; addrs && !json_is_null(addrs) && i < na; i++) {
        const char *s = json_string_value(json_is_array(addrs) ? json_array_get(addrs, i) : addrs);
        uint8_t x[20];
        if (!s || bts_hex_decode_exact(x, 20, s, strlen(s), 0) != BT_OK)
            return err(e, -32602, "invalid address");
    }
    const json_t *topics = json_object_get(f, "topics");
    if (topics && !json_is_null(topics) && !json_is_array(topics))
        return err(e, -32602, "invalid topics");
    uint64_t from, to, head = head_of(t);
    if (json_object_get(f, "blockHash"))
        return err(e, -32602, "blockHash filters are not supported by the dev TRON API");
    if (!block_tag(t, json_object_get(f, "fromBlock"), &from, e) ||
        !block_tag(t, json_object_get(f, "toBlock"), &to, e))
        return NULL;
    if (from > to)
        return err(e, -32602, "please verify: fromBlock <= toBlock");
    if (to > head)
        to = head;
    if (to >= from && to - from > MAX_BLOCK_RANGE)
        return err(e, -32602, "exceed max block range: 5000");
    json_t *out = json_array();
    for (uint64_t n = from; out && n <= to; n++) {
        struct chain_receipts rs;
        memset(&rs, 0, sizeof(rs));
        if (chain_receipts_by_number(t->o.chain, n, &rs) != BT_OK)
            continue;
        uint8_t id[32];
        tronapi_block_id(id, n, rs.block_hash.bytes);
        for (size_t i = 0; out && i < rs.n; i++)
            for (size_t j = 0; out && j < rs.r[i].n_logs; j++) {
                const struct chain_log *cl = &rs.r[i].logs[j];
                if (!match_addr(t, addrs, cl->log.address.bytes) || !match_topics(topics, &cl->log))
                    continue;
                json_t *lo = log_json(t, cl, n, id, &rs.r[i]);
                if (!lo || json_array_append_new(out, lo) != 0) {
                    json_decref(out);
                    out = NULL;
                }
            }
        chain_receipts_free(&rs);
        if (out && json_array_size(out) > MAX_RESULTS) {
            json_decref(out);
            return err(e, -32005, "query returned more than 10000 results");
        }
    }
    return out;
}

/* eth_getTransactionReceipt(txID): null until mined; status from the EVM receipt, zero bloom,
 * gasUsed = energy, effectiveGasPrice = the energy price in sun (java-tron TransactionReceipt). */
static json_t *get_receipt(struct tronapi *t, const json_t *params, struct rpcerr *e)
{
    const char *s = json_string_value(json_array_get(params, 0));
    uint8_t txid[32];
    if (s && strncmp(s, "0x", 2) == 0)
        s += 2;
    if (!s || bts_hex_decode_exact(txid, 32, s, strlen(s), 0) != BT_OK)
        return err(e, -32602, "invalid hash value");
    const struct tronapi_rec *rec = tronapi_rec_by_txid(t, txid);
    struct chain_receipts rs;
    memset(&rs, 0, sizeof(rs));
    if (!rec || chain_receipt_by_tx(t->o.chain, rec->evm_hash.bytes, &rs) != BT_OK)
        return json_null();
    const struct chain_receipt *r = &rs.r[0];
    uint8_t id[32], zero[256] = {0};
    tronapi_block_id(id, rs.block_number, rs.block_hash.bytes);
    json_t *logs = json_array();
    for (size_t i = 0; logs && i < r->n_logs; i++)
        json_array_append_new(logs, log_json(t, &r->logs[i], rs.block_number, id, r));
    json_t *o = json_pack(
        "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:n,s:o,s:o,s:s}", "transactionHash",
        data0x(txid, 32), "blockHash", data0x(id, 32), "blockNumber", qty(rs.block_number),
        "transactionIndex", qty(r->tx_index), "from", data0x(r->from.bytes, 20), "to",
        r->has_to ? data0x(tronapi_to_tron(t, r->to.bytes), 20) : json_null(), "cumulativeGasUsed",
        qty(r->cumulative_gas), "gasUsed", qty(r->gas_used), "effectiveGasPrice",
        qty(TRONAPI_ENERGY_FEE), "logsBloom", data0x(zero, 256), "contractAddress", "logs", logs,
        "status", qty(r->status == 1 ? 1 : 0), "type", "0x0");
    chain_receipts_free(&rs);
    return o;
}

/* 0x-hex of return data with EVM addresses of CreateSmartContract-made contracts shown as
 * their TRON-view addresses (tronapi_alias.c). */
static json_t *tron_view(const struct tronapi *t, const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n + 1);
    if (!c)
        return NULL;
    if (n)
        memcpy(c, p, n);
    tronapi_rewrite_words(t, c, n, 0);
    json_t *j = data0x(c, n);
    free(c);
    return j;
}

static json_t *eth_call(struct tronapi *t, const json_t *params, struct rpcerr *e)
{
    const json_t *c = json_array_get(params, 0);
    const json_t *tag = json_array_get(params, 1);
    const char *ts = json_string_value(tag);
    if (tag && !json_is_null(tag) && (!ts || strcmp(ts, "latest") != 0))
        return err(e, -32602,
                   ts && strncmp(ts, "0x", 2) == 0
                       ? "QUANTITY not supported, just support TAG as latest"
                       : "TAG [earliest | pending | finalized] not supported");
    const char *to = json_string_value(json_object_get(c, "to"));
    const char *from = json_string_value(json_object_get(c, "from"));
    const char *d = json_string_value(json_object_get(c, "data"));
    struct chain_msg m;
    memset(&m, 0, sizeof(m));
    if (!to || bts_hex_decode_exact(m.to.bytes, 20, to, strlen(to), 0) != BT_OK ||
        (from && bts_hex_decode_exact(m.from.bytes, 20, from, strlen(from), 0) != BT_OK))
        return err(e, -32602, "invalid address");
    m.has_to = 1;
    memcpy(m.to.bytes, tronapi_to_evm(t, m.to.bytes), 20);
    struct bts_buf data;
    bts_buf_init(&data);
    if (d && bts_hex_decode_buf(&data, d, strlen(d), 0) != BT_OK) {
        bts_buf_free(&data);
        return err(e, -32602, "invalid data");
    }
    tronapi_rewrite_words(t, data.data, data.len, 1);
    m.data = data.data;
    m.data_len = data.len;
    const struct chain_header *hd = chain_head_header(t->o.chain);
    struct state *st = NULL;
    struct bt_evm_result r;
    char msg[256] = "";
    memset(&r, 0, sizeof(r));
    json_t *ans = NULL;
    if (chain_state_at(t->o.chain, hd->hash, &st) != BT_OK) {
        err(e, -32000, "state not available");
    } else if (chain_call(t->o.chain, st, &hd->h, &m, &r, msg, sizeof(msg)) != BT_OK) {
        err(e, -32000, msg[0] ? msg : "call failed");
    } else {
        if (r.outcome == BT_EVM_SUCCESS)
            ans = tron_view(t, r.output, r.output_len);
        else
            err(e, -32000,
                r.outcome == BT_EVM_REVERT ? "REVERT opcode executed" : "execution failed");
        if (r.release)
            r.release(&r);
    }
    state_free(st);
    bts_buf_free(&data);
    return ans;
}

static json_t *one(struct tronapi *t, const json_t *req)
{
    const char *method = json_string_value(json_object_get(req, "method"));
    const json_t *params = json_object_get(req, "params");
    json_t *id = json_object_get(req, "id");
    struct rpcerr e = {0, ""};
    json_t *res = NULL;
    if (!method) {
        err(&e, -32600, "invalid request");
    } else if (strcmp(method, "eth_chainId") == 0 || strcmp(method, "net_version") == 0) {
        uint8_t h[32];
        if (chain_canonical_hash(t->o.chain, 0, h) == BT_OK) {
            uint64_t v =
                (uint64_t)h[28] << 24 | (uint64_t)h[29] << 16 | (uint64_t)h[30] << 8 | h[31];
            res = qty(v);
        }
    } else if (strcmp(method, "eth_blockNumber") == 0) {
        res = qty(head_of(t));
    } else if (strcmp(method, "eth_getBlockByNumber") == 0) {
        res = block_by_number(t, params, &e);
    } else if (strcmp(method, "eth_getLogs") == 0) {
        res = get_logs(t, params, &e);
    } else if (strcmp(method, "eth_getTransactionReceipt") == 0) {
        res = get_receipt(t, params, &e);
    } else if (strcmp(method, "eth_call") == 0) {
        res = eth_call(t, params, &e);
    } else {
        char m[160];
        snprintf(m, sizeof(m), "the method %.100s does not exist/is not available", method);
        err(&e, -32601, m);
    }
    json_t *o = json_pack("{s:s,s:O}", "jsonrpc", "2.0", "id", id ? id : json_null());
    if (!o) {
        json_decref(res);
        return NULL;
    }
    if (res)
        json_object_set_new(o, "result", res);
    else
        json_object_set_new(o, "error",
                            json_pack("{s:i,s:s,s:s}", "code", e.code ? e.code : -32000, "message",
                                      e.msg[0] ? e.msg : "internal error", "data", "{}"));
    return o;
}

json_t *tronapi_jsonrpc(struct tronapi *t, const json_t *req)
{
    if (!json_is_array(req))
        return one(t, req);
    json_t *out = json_array();
    for (size_t i = 0; out && i < json_array_size(req) && i < 100; i++)
        if (json_array_append_new(out, one(t, json_array_get(req, i))) != 0) {
            json_decref(out);
            out = NULL;
        }
    return out;
}
