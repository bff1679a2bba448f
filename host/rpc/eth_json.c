/* Blocks, receipts and logs as JSON-RPC objects in go-ethereum's shapes
 * (internal/ethapi/api.go RPCMarshalHeader, RPCMarshalBlock, MarshalReceipt;
 * core/types/log.go). Quantities without leading zeros, data as lowercase hex. */
#include "eth_int.h"

#include <string.h>

#include <bts/json.h>
#include <bts/rlp.h>

#include "txjson_int.h"

/* Set a member, taking the reference; returns nonzero when v is NULL or setting failed. */
static int put(json_t *o, const char *k, json_t *v)
{
    return !v || json_object_set_new(o, k, v) != 0;
}

json_t *ethjson_header(const struct chain_header *hd)
{
    const struct bts_header *h = &hd->h;
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = put(o, "number", bts_json_new_u64(h->number));
    bad |= put(o, "hash", bts_json_new_hash(hd->hash));
    bad |= put(o, "parentHash", bts_json_new_hash(h->parent_hash.bytes));
    bad |= put(o, "nonce", bts_json_new_data(h->nonce, 8));
    bad |= put(o, "mixHash", bts_json_new_hash(h->mix_hash.bytes));
    bad |= put(o, "sha3Uncles", bts_json_new_hash(h->uncle_hash.bytes));
    bad |= put(o, "logsBloom", bts_json_new_data(h->bloom, sizeof(h->bloom)));
    bad |= put(o, "stateRoot", bts_json_new_hash(h->state_root.bytes));
    bad |= put(o, "miner", bts_json_new_address(h->coinbase.bytes));
    bad |= put(o, "difficulty", eth_u256_json(&h->difficulty));
    bad |= put(o, "extraData", bts_json_new_data(h->extra, h->extra_len));
    bad |= put(o, "gasLimit", bts_json_new_u64(h->gas_limit));
    bad |= put(o, "gasUsed", bts_json_new_u64(h->gas_used));
    bad |= put(o, "timestamp", bts_json_new_u64(h->time));
    bad |= put(o, "transactionsRoot", bts_json_new_hash(h->tx_root.bytes));
    bad |= put(o, "receiptsRoot", bts_json_new_hash(h->receipt_root.bytes));
    if (h->n_optional >= BTS_HEADER_OPT_BASE_FEE)
        bad |= put(o, "baseFeePerGas", eth_u256_json(&h->base_fee));
    if (h->n_optional >= BTS_HEADER_OPT_WITHDRAWALS_ROOT)
        bad |= put(o, "withdrawalsRoot", bts_json_new_hash(h->withdrawals_root.bytes));
    if (h->n_optional >= BTS_HEADER_OPT_BLOB_GAS_USED)
        bad |= put(o, "blobGasUsed", bts_json_new_u64(h->blob_gas_used));
    if (h->n_optional >= BTS_HEADER_OPT_EXCESS_BLOB_GAS)
        bad |= put(o, "excessBlobGas", bts_json_new_u64(h->excess_blob_gas));
    if (h->n_optional >= BTS_HEADER_OPT_PARENT_BEACON_ROOT)
        bad |= put(o, "parentBeaconBlockRoot", bts_json_new_hash(h->parent_beacon_root.bytes));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Payload length of the RLP list at p (its header skipped). */
static size_t list_payload(const uint8_t *p, size_t n)
{
    if (n == 0)
        return 0;
    if (p[0] >= 0xc0 && p[0] <= 0xf7)
        return n - 1;
    if (p[0] > 0xf7)
        return n - 1 - (size_t)(p[0] - 0xf7);
    return n;
}

json_t *ethjson_block(const struct chain_header *hd, const struct chain_body *body,
                      const struct bts_u256 *td, int is_full)
{
    json_t *o = ethjson_header(hd);
    if (!o)
        return NULL;
    /* rlp([header, txs, uncles]); the stored body is rlp([txs, uncles]). */
    size_t size = bts_rlp_list_len(hd->rlp_len + list_payload(body->rlp, body->rlp_len));
    int bad = put(o, "size", bts_json_new_u64(size));
    if (td)
        bad |= put(o, "totalDifficulty", eth_u256_json(td));
    json_t *txs = json_array();
    struct txjson_block where = {.number = hd->h.number};
    memcpy(where.hash.bytes, hd->hash, 32);
    where.has_base_fee = hd->h.n_optional >= BTS_HEADER_OPT_BASE_FEE;
    where.base_fee = hd->h.base_fee;
    for (size_t i = 0; txs && !bad && i < body->n_txs; i++) {
        where.index = i;
        json_t *t = is_full ? txjson_new(&body->txs[i], &body->senders[i], &where)
                            : bts_json_new_hash(body->txs[i].hash.bytes);
        bad |= !t || json_array_append_new(txs, t) != 0;
    }
    bad |= put(o, "transactions", txs);
    bad |= put(o, "uncles", json_array());
    if (hd->h.n_optional >= BTS_HEADER_OPT_WITHDRAWALS_ROOT)
        bad |= put(o, "withdrawals", json_array());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *ethjson_log(const struct chain_log *l, const struct bt_hash *block_hash,
                    uint64_t block_number, const struct bt_hash *tx_hash, uint32_t tx_index,
                    int removed)
{
    json_t *o = json_object(), *topics = json_array();
    int bad = !o || !topics;
    for (size_t i = 0; !bad && i < l->log.n_topics; i++)
        bad |= json_array_append_new(topics, bts_json_new_hash(l->log.topics[i].bytes)) != 0;
    if (bad) {
        json_decref(o);
        json_decref(topics);
        return NULL;
    }
    bad |= put(o, "address", bts_json_new_address(l->log.address.bytes));
    bad |= put(o, "topics", topics);
    bad |= put(o, "data", bts_json_new_data(l->log.data, l->log.data_len));
    bad |= put(o, "blockNumber", bts_json_new_u64(block_number));
    bad |= put(o, "transactionHash", bts_json_new_hash(tx_hash->bytes));
    bad |= put(o, "transactionIndex", bts_json_new_u64(tx_index));
    bad |= put(o, "blockHash", bts_json_new_hash(block_hash->bytes));
    bad |= put(o, "logIndex", bts_json_new_u64(l->log_index));
    bad |= put(o, "removed", json_boolean(removed));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *ethjson_receipt(const struct chain_receipts *rs, size_t i)
{
    const struct chain_receipt *r = &rs->r[i];
    json_t *o = json_object(), *logs = json_array();
    int bad = !o || !logs;
    for (size_t k = 0; !bad && k < r->n_logs; k++) {
        json_t *l = ethjson_log(&r->logs[k], &rs->block_hash, rs->block_number, &r->tx_hash,
                                r->tx_index, 0);
        bad |= !l || json_array_append_new(logs, l) != 0;
    }
    if (bad) {
        json_decref(o);
        json_decref(logs);
        return NULL;
    }
    bad |= put(o, "blockHash", bts_json_new_hash(rs->block_hash.bytes));
    bad |= put(o, "blockNumber", bts_json_new_u64(rs->block_number));
    bad |= put(o, "contractAddress",
               r->has_contract ? bts_json_new_address(r->contract.bytes) : json_null());
    bad |= put(o, "cumulativeGasUsed", bts_json_new_u64(r->cumulative_gas));
    bad |= put(o, "effectiveGasPrice", eth_u256_json(&r->effective_gas_price));
    bad |= put(o, "from", bts_json_new_address(r->from.bytes));
    bad |= put(o, "gasUsed", bts_json_new_u64(r->gas_used));
    bad |= put(o, "logs", logs);
    bad |= put(o, "logsBloom", bts_json_new_data(r->bloom, sizeof(r->bloom)));
    bad |= put(o, "status", bts_json_new_u64(r->status));
    bad |= put(o, "to", r->has_to ? bts_json_new_address(r->to.bytes) : json_null());
    bad |= put(o, "transactionHash", bts_json_new_hash(r->tx_hash.bytes));
    bad |= put(o, "transactionIndex", bts_json_new_u64(r->tx_index));
    bad |= put(o, "type", bts_json_new_u64(r->type));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
