/* Chain and block methods: eth_chainId, eth_blockNumber, eth_syncing, eth_accounts, net_*,
 * eth_getBlockBy{Number,Hash}, eth_getBlockTransactionCountBy*, eth_getUncleCountBy*.
 * Source: go-ethereum internal/ethapi/api.go. Fees: eth_fee.c. */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/json.h>

/* A quantity as a JSON string ("0x1a"), the text bts_json_new_u64 gives: length or 0. */
static size_t quantity_text(uint64_t v, char *out, size_t cap)
{
    size_t n;
    if (cap < BTS_HEX_U64_CAP + 2 || bts_hex_format_u64(out + 1, cap - 2, &n, v) != BT_OK)
        return 0;
    out[0] = '"';
    out[n + 1] = '"';
    out[n + 2] = 0;
    return n + 2;
}

/* Fast paths (rpc_set_fast): the results without parameters, also used by the handlers. */
static size_t fast_chain_id(void *arg, char *out, size_t cap)
{
    struct eth_api *api = arg;
    return quantity_text(chain_config(api->c)->chain_id, out, cap);
}

static size_t fast_block_number(void *arg, char *out, size_t cap)
{
    struct eth_api *api = arg;
    uint64_t n;
    uint8_t h[32];
    chain_head(api->c, &n, h);
    return quantity_text(n, out, cap);
}

static size_t fast_net_version(void *arg, char *out, size_t cap)
{
    struct eth_api *api = arg;
    int n = snprintf(out, cap, "\"%llu\"", (unsigned long long)chain_config(api->c)->chain_id);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void answer_fast(struct eth_api *api, struct bt_rpc_call *call, rpc_fast_fn fn)
{
    char out[64];
    if (!eth_no_params(call))
        return;
    if (fn(api, out, sizeof(out)))
        rpc_call_result(call, out);
    else
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
}

static void m_chain_id(void *arg, struct bt_rpc_call *call)
{
    answer_fast(arg, call, fast_chain_id);
}

static void m_block_number(void *arg, struct bt_rpc_call *call)
{
    answer_fast(arg, call, fast_block_number);
}

static void m_syncing(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    if (!eth_no_params(call))
        return;
    struct chain_sync s;
    chain_sync_status(api->c, &s);
    if (!s.is_syncing) {
        rpc_call_result(call, "false");
        return;
    }
    json_t *o = json_object();
    if (o && (bts_json_set_u64(o, "startingBlock", s.starting_block) != BT_OK ||
              bts_json_set_u64(o, "currentBlock", s.current_block) != BT_OK ||
              bts_json_set_u64(o, "highestBlock", s.highest_block) != BT_OK)) {
        json_decref(o);
        o = NULL;
    }
    rpc_call_result_json(call, o);
}

static void m_accounts(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    if (eth_no_params(call))
        rpc_call_result(call, "[]"); /* no keys are unlocked for RPC signing */
}

static void m_net_version(void *arg, struct bt_rpc_call *call)
{
    answer_fast(arg, call, fast_net_version);
}

static void m_net_listening(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    if (eth_no_params(call))
        rpc_call_result(call, "true");
}

static void m_net_peer_count(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    if (eth_no_params(call))
        rpc_call_result(call, "\"0x0\""); /* p2p off */
}

/* Blocks: unknown numbers and hashes answer null (geth). */
static void reply_block(struct eth_api *api, struct bt_rpc_call *call, struct chain_header *hd,
                        int is_full)
{
    struct chain_body body;
    struct bts_u256 td;
    bt_status rc = chain_body_by_hash(api->c, hd->hash, &body);
    if (rc != BT_OK) {
        chain_header_free(hd);
        eth_server_error(call, bts_status_str(rc));
        return;
    }
    /* The stored body has no senders: they are kept with the receipts. */
    struct chain_receipts rs;
    if (is_full && body.n_txs && body.senders &&
        chain_receipts_by_hash(api->c, hd->hash, &rs) == BT_OK) {
        for (size_t i = 0; i < rs.n && i < body.n_txs; i++)
            body.senders[i] = rs.r[i].from;
        chain_receipts_free(&rs);
    }
    int has_td = chain_td(api->c, hd->hash, &td) == BT_OK;
    rpc_call_result_json(call, ethjson_block(hd, &body, has_td ? &td : NULL, is_full));
    chain_body_free(&body);
    chain_header_free(hd);
}

static int full_flag(struct bt_rpc_call *call, json_t *p)
{
    const json_t *f = json_array_get(p, 1);
    if (!json_is_boolean(f)) {
        eth_bad_arg(call, 1, "json: cannot unmarshal non-bool into Go value of type bool");
        return -1;
    }
    return json_is_true(f);
}

/* The header a block-number argument names, or not found (answered null). */
static int header_by_number_arg(struct eth_api *api, struct bt_rpc_call *call, json_t *p,
                                struct chain_header *hd)
{
    uint64_t n;
    char err[200];
    if (eth_block_number_of(api, json_array_get(p, 0), &n, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        return -1;
    }
    if (chain_header_by_number(api->c, n, hd) != BT_OK) {
        rpc_call_result(call, "null");
        return -1;
    }
    return 0;
}

static int header_by_hash_arg(struct eth_api *api, struct bt_rpc_call *call, json_t *p,
                              struct chain_header *hd)
{
    uint8_t h[32];
    char err[200];
    if (bts_json_as_hash(h, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        return -1;
    }
    if (chain_header_by_hash(api->c, h, hd) != BT_OK) {
        rpc_call_result(call, "null");
        return -1;
    }
    return 0;
}

/* "pending": the pending block (chain_pending), with hash, nonce and miner null and no total
 * difficulty, as geth 1.10 shows its miner's pending block. */
static void reply_pending_block(struct eth_api *api, struct bt_rpc_call *call, int is_full)
{
    struct chain_header hd;
    struct chain_body body;
    char err[300] = "";
    bt_status rc = chain_pending(api->c, NULL, &hd, &body, err, sizeof(err));
    if (rc != BT_OK) {
        eth_server_error(call, err[0] ? err : bts_status_str(rc));
        return;
    }
    json_t *b = ethjson_block(&hd, &body, NULL, is_full);
    if (b) {
        json_object_set_new(b, "hash", json_null());
        json_object_set_new(b, "nonce", json_null());
        json_object_set_new(b, "miner", json_null());
    }
    rpc_call_result_json(call, b);
    chain_header_free(&hd);
    chain_body_free(&body);
}

static void m_block_by_number(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 2, 2, &p) != BT_OK)
        return;
    int full = full_flag(call, p);
    const char *tag = json_string_value(json_array_get(p, 0));
    if (full >= 0 && tag && strcmp(tag, "pending") == 0)
        reply_pending_block(api, call, full);
    else if (full >= 0 && header_by_number_arg(api, call, p, &hd) == 0)
        reply_block(api, call, &hd, full);
    json_decref(p);
}

static void m_block_by_hash(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 2, 2, &p) != BT_OK)
        return;
    int full = full_flag(call, p);
    if (full >= 0 && header_by_hash_arg(api, call, p, &hd) == 0)
        reply_block(api, call, &hd, full);
    json_decref(p);
}

static void reply_tx_count(struct eth_api *api, struct bt_rpc_call *call, struct chain_header *hd)
{
    struct chain_body body;
    if (chain_body_by_hash(api->c, hd->hash, &body) == BT_OK)
        rpc_call_result_json(call, bts_json_new_u64(body.n_txs));
    else
        rpc_call_result(call, "null");
    chain_body_free(&body);
    chain_header_free(hd);
}

/* The methods whose one parameter names a block (by number or tag, or by hash): look the header
 * up, answer null for an unknown block, else let `reply` answer (it frees the header). */
static void with_block_arg(void *arg, struct bt_rpc_call *call, int by_hash,
                           void (*reply)(struct eth_api *, struct bt_rpc_call *,
                                         struct chain_header *))
{
    struct eth_api *api = arg;
    json_t *p;
    struct chain_header hd = {0};
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    int found = by_hash ? header_by_hash_arg(api, call, p, &hd) == 0
                        : header_by_number_arg(api, call, p, &hd) == 0;
    if (found)
        reply(api, call, &hd);
    json_decref(p);
}

/* Bttc blocks have no uncles: "0x0" for a known block (null otherwise, as geth). */
static void reply_no_uncles(struct eth_api *api, struct bt_rpc_call *call, struct chain_header *hd)
{
    (void)api;
    rpc_call_result(call, "\"0x0\"");
    chain_header_free(hd);
}

static void m_count_by_number(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    /* "pending": the pending block's count (geth 1.10: its miner's pending block). */
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    const char *tag = json_string_value(json_array_get(p, 0));
    int is_pending = tag && strcmp(tag, "pending") == 0;
    json_decref(p);
    if (!is_pending) {
        with_block_arg(arg, call, 0, reply_tx_count);
        return;
    }
    struct chain_body body;
    char err[300] = "";
    bt_status rc = chain_pending(api->c, NULL, NULL, &body, err, sizeof(err));
    if (rc != BT_OK) {
        eth_server_error(call, err[0] ? err : bts_status_str(rc));
        return;
    }
    rpc_call_result_json(call, bts_json_new_u64(body.n_txs));
    chain_body_free(&body);
}

static void m_count_by_hash(void *arg, struct bt_rpc_call *call)
{
    with_block_arg(arg, call, 1, reply_tx_count);
}

static void m_uncles_by_number(void *arg, struct bt_rpc_call *call)
{
    with_block_arg(arg, call, 0, reply_no_uncles);
}

static void m_uncles_by_hash(void *arg, struct bt_rpc_call *call)
{
    with_block_arg(arg, call, 1, reply_no_uncles);
}

bt_status eth_block_register(struct eth_api *api)
{
    static const struct {
        const char *name;
        bt_rpc_fn fn;
    } m[] = {
        {"eth_chainId", m_chain_id},
        {"eth_blockNumber", m_block_number},
        {"eth_syncing", m_syncing},
        {"eth_accounts", m_accounts},
        {"net_version", m_net_version},
        {"net_listening", m_net_listening},
        {"net_peerCount", m_net_peer_count},
        {"eth_getBlockByNumber", m_block_by_number},
        {"eth_getBlockByHash", m_block_by_hash},
        {"eth_getBlockTransactionCountByNumber", m_count_by_number},
        {"eth_getBlockTransactionCountByHash", m_count_by_hash},
        {"eth_getUncleCountByBlockNumber", m_uncles_by_number},
        {"eth_getUncleCountByBlockHash", m_uncles_by_hash},
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        bt_status rc = rpc_register(api->srv, api, m[i].name, 0, m[i].fn, api);
        /* With p2p running, host/net/p2p serves net_listening and net_peerCount with live
         * values; these constant answers are for a node without p2p. */
        if (rc == BT_EEXIST && strncmp(m[i].name, "net_", 4) == 0)
            continue;
        if (rc != BT_OK)
            return rc;
    }
    /* The most frequent polls skip the JSON parser (net_version only where it is ours). */
    rpc_set_fast(api->srv, api, "eth_blockNumber", fast_block_number);
    rpc_set_fast(api->srv, api, "eth_chainId", fast_chain_id);
    rpc_set_fast(api->srv, api, "net_version", fast_net_version);
    return BT_OK;
}
