/* Transactions as JSON-RPC objects, go-ethereum internal/ethapi/api.go newRPCTransaction. */
#include "txjson_int.h"

#include <string.h>

#include <bts/json.h>

static json_t *u256_json(const struct bts_u256 *v)
{
    uint8_t be[32];
    bts_u256_store_be(be, v);
    return bts_json_new_u256(be);
}

/* [{"address": .., "storageKeys": [..]}] */
static json_t *access_list_json(const struct bts_tx *tx)
{
    json_t *list = json_array();
    size_t pos = 0;
    struct bt_address addr;
    const uint8_t *keys;
    size_t n_keys;
    while (list && bts_tx_access_next(tx, &pos, &addr, &keys, &n_keys) == BT_OK) {
        json_t *e = json_object(), *ks = json_array();
        int bad = !e || !ks || json_object_set_new(e, "address", bts_json_new_address(addr.bytes));
        for (size_t i = 0; !bad && i < n_keys; i++)
            bad = json_array_append_new(ks, bts_json_new_hash(keys + 33 * i + 1));
        if (!bad)
            bad = json_object_set(e, "storageKeys", ks) || json_array_append(list, e);
        json_decref(ks);
        json_decref(e);
        if (bad) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *blob_hashes_json(const struct bts_tx *tx)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < tx->n_blob_hashes; i++) {
        uint8_t h[32];
        if (bts_tx_blob_hash(tx, i, h) != BT_OK || json_array_append_new(a, bts_json_new_hash(h))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Set o[key] = v, taking v; returns nonzero on failure (v NULL means out of memory). */
static int put(json_t *o, const char *key, json_t *v)
{
    return !v || json_object_set_new(o, key, v) != 0;
}

json_t *txjson_new(const struct bts_tx *tx, const struct bt_address *from,
                   const struct txjson_block *blk)
{
    json_t *o = json_object();
    int bad = !o;
    int typed = tx->type != BTS_TX_LEGACY, fee_market = tx->type >= BTS_TX_DYNAMIC_FEE;
    struct bts_u256 price = tx->gas_price;
    if (fee_market && blk && blk->has_base_fee) {
        /* Mined: the effective price, base fee + min(tip, fee cap - base fee). */
        struct bts_u256 room;
        bts_u256_sub(&room, &tx->gas_price, &blk->base_fee);
        bts_u256_add(&price, &blk->base_fee,
                     bts_u256_lt(&tx->gas_tip_cap, &room) ? &tx->gas_tip_cap : &room);
    }
    bad = bad || put(o, "blockHash", blk ? bts_json_new_hash(blk->hash.bytes) : json_null());
    bad = bad || put(o, "blockNumber", blk ? bts_json_new_u64(blk->number) : json_null());
    bad = bad || put(o, "from", bts_json_new_address(from->bytes));
    bad = bad || put(o, "gas", bts_json_new_u64(tx->gas));
    bad = bad || put(o, "gasPrice", u256_json(&price));
    if (fee_market) {
        bad = bad || put(o, "maxFeePerGas", u256_json(&tx->gas_price));
        bad = bad || put(o, "maxPriorityFeePerGas", u256_json(&tx->gas_tip_cap));
    }
    if (tx->type == BTS_TX_BLOB) {
        bad = bad || put(o, "maxFeePerBlobGas", u256_json(&tx->blob_fee_cap));
        bad = bad || put(o, "blobVersionedHashes", blob_hashes_json(tx));
    }
    bad = bad || put(o, "hash", bts_json_new_hash(tx->hash.bytes));
    bad = bad || put(o, "input", bts_json_new_data(tx->data, tx->data_len));
    bad = bad || put(o, "nonce", bts_json_new_u64(tx->nonce));
    bad = bad || put(o, "to", tx->has_to ? bts_json_new_address(tx->to.bytes) : json_null());
    bad = bad || put(o, "transactionIndex", blk ? bts_json_new_u64(blk->index) : json_null());
    bad = bad || put(o, "value", u256_json(&tx->value));
    bad = bad || put(o, "type", bts_json_new_u64(tx->type));
    if (typed)
        bad = bad || put(o, "accessList", access_list_json(tx));
    if (tx->has_chain_id)
        bad = bad || put(o, "chainId", u256_json(&tx->chain_id));
    bad = bad || put(o, "v", u256_json(&tx->v));
    bad = bad || put(o, "r", u256_json(&tx->r));
    bad = bad || put(o, "s", u256_json(&tx->s));
    if (typed)
        bad = bad || put(o, "yParity", u256_json(&tx->v));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
