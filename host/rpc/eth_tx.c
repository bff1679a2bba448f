/* Transactions: eth_sendRawTransaction, eth_getTransactionByHash (mined, else pooled),
 * eth_getTransactionByBlock{Hash,Number}AndIndex, eth_getTransactionReceipt, txpool_status,
 * txpool_content. go-ethereum internal/ethapi/api.go (TransactionAPI) and TxPoolAPI. */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/json.h>

#include "txjson_int.h"

static void m_send_raw(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    uint8_t *raw = NULL;
    size_t len = 0;
    char err[200];
    if (bts_json_as_data(&raw, &len, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        json_decref(p);
        return;
    }
    json_decref(p);
    struct txpool_added added;
    bt_status rc = chain_submit_tx(api->c, raw, len, &added);
    free(raw);
    if (rc != BT_OK) {
        eth_server_error(call, txpool_strerror(rc));
        return;
    }
    rpc_call_result_json(call, bts_json_new_hash(added.hash.bytes));
}

static json_t *mined_json(struct eth_api *api, struct chain_tx *t)
{
    struct txjson_block where = {.number = t->loc.block_number, .index = t->loc.index};
    where.hash = t->loc.block_hash;
    struct chain_header hd;
    if (chain_header_by_hash(api->c, t->loc.block_hash.bytes, &hd) == BT_OK) {
        where.has_base_fee = hd.h.n_optional >= BTS_HEADER_OPT_BASE_FEE;
        where.base_fee = hd.h.base_fee;
        chain_header_free(&hd);
    }
    return txjson_new(&t->tx, &t->from, &where);
}

static void m_tx_by_hash(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    uint8_t h[32];
    char err[200];
    bt_status rc = bts_json_as_hash(h, json_array_get(p, 0), err, sizeof(err));
    json_decref(p);
    if (rc != BT_OK) {
        eth_bad_arg(call, 0, err);
        return;
    }
    struct chain_tx t;
    rc = chain_tx_by_hash(api->c, h, &t);
    if (rc == BT_OK) {
        rpc_call_result_json(call, mined_json(api, &t));
        chain_tx_free(&t);
        return;
    }
    chain_tx_free(&t);
    const struct txpool_tx *pt = txpool_get(chain_txpool(api->c), h);
    if (pt)
        rpc_call_result_json(call, txjson_new(&pt->tx, &pt->from, NULL));
    else if (rc == BT_ENOTFOUND)
        rpc_call_result(call, "null");
    else
        eth_server_error(call, bts_status_str(rc));
}

static void tx_by_block(struct eth_api *api, struct bt_rpc_call *call, int by_hash)
{
    json_t *p;
    if (rpc_params(call, 2, 2, &p) != BT_OK)
        return;
    uint8_t h[32];
    uint64_t idx, n;
    char err[200];
    if (by_hash) {
        if (bts_json_as_hash(h, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
            eth_bad_arg(call, 0, err);
            goto out;
        }
    } else {
        if (eth_block_number_of(api, json_array_get(p, 0), &n, err, sizeof(err)) != BT_OK) {
            eth_bad_arg(call, 0, err);
            goto out;
        }
        if (chain_canonical_hash(api->c, n, h) != BT_OK) {
            rpc_call_result(call, "null");
            goto out;
        }
    }
    if (bts_json_as_u64(&idx, json_array_get(p, 1), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 1, err);
        goto out;
    }
    struct chain_tx t;
    if (idx <= UINT32_MAX && chain_tx_by_block(api->c, h, (uint32_t)idx, &t) == BT_OK)
        rpc_call_result_json(call, mined_json(api, &t));
    else
        rpc_call_result(call, "null");
    chain_tx_free(&t);
out:
    json_decref(p);
}

static void m_tx_by_block_hash(void *arg, struct bt_rpc_call *call)
{
    tx_by_block(arg, call, 1);
}

static void m_tx_by_block_number(void *arg, struct bt_rpc_call *call)
{
    tx_by_block(arg, call, 0);
}

static void m_receipt(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    uint8_t h[32];
    char err[200];
    bt_status rc = bts_json_as_hash(h, json_array_get(p, 0), err, sizeof(err));
    json_decref(p);
    if (rc != BT_OK) {
        eth_bad_arg(call, 0, err);
        return;
    }
    struct chain_receipts rs;
    rc = chain_receipt_by_tx(api->c, h, &rs);
    if (rc == BT_OK && rs.n == 1)
        rpc_call_result_json(call, ethjson_receipt(&rs, 0));
    else if (rc == BT_ENOTFOUND || rc == BT_OK)
        rpc_call_result(call, "null");
    else
        eth_server_error(call, bts_status_str(rc));
    chain_receipts_free(&rs);
}

static void m_pool_status(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    rpc_call_result_json(call, txpool_status_json(chain_txpool(api->c)));
}

static void m_pool_content(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    rpc_call_result_json(call, txpool_content_json(chain_txpool(api->c)));
}

bt_status eth_tx_register(struct eth_api *api)
{
    static const struct {
        const char *name;
        bt_rpc_fn fn;
    } m[] = {
        {"eth_sendRawTransaction", m_send_raw},
        {"eth_getTransactionByHash", m_tx_by_hash},
        {"eth_getTransactionByBlockHashAndIndex", m_tx_by_block_hash},
        {"eth_getTransactionByBlockNumberAndIndex", m_tx_by_block_number},
        {"eth_getTransactionReceipt", m_receipt},
        {"txpool_status", m_pool_status},
        {"txpool_content", m_pool_content},
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        bt_status rc = rpc_register(api->srv, api, m[i].name, 0, m[i].fn, api);
        if (rc != BT_OK)
            return rc;
    }
    return BT_OK;
}
