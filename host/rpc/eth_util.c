/* Shared pieces of the eth_* methods: answering, argument errors, and which block a call is
 * about (go-ethereum rpc/types.go BlockNumber and BlockNumberOrHash). */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/json.h>

int eth_no_params(struct bt_rpc_call *call)
{
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return 0;
    json_decref(p);
    return 1;
}

void eth_bad_arg(struct bt_rpc_call *call, size_t idx, const char *why)
{
    char msg[400];
    snprintf(msg, sizeof(msg), "invalid argument %zu: %s", idx, why);
    rpc_call_error(call, RPC_ERR_INVALID_PARAMS, msg, NULL);
}

void eth_server_error(struct bt_rpc_call *call, const char *msg)
{
    rpc_call_error(call, RPC_ERR_SERVER, msg, NULL);
}

json_t *eth_u256_json(const struct bts_u256 *v)
{
    uint8_t be[32];
    bts_u256_store_be(be, v);
    return bts_json_new_u256(be);
}

bt_status eth_block_number_of(struct eth_api *api, const json_t *v, uint64_t *out, char *err,
                              size_t err_cap)
{
    uint64_t head;
    uint8_t hh[32];
    chain_head(api->c, &head, hh);
    if (!v || json_is_null(v)) {
        *out = head;
        return BT_OK;
    }
    if (!json_is_string(v)) {
        snprintf(err, err_cap, "json: cannot unmarshal %s into Go value of type string",
                 json_is_number(v)   ? "number"
                 : json_is_object(v) ? "object"
                                     : "non-string");
        return BT_EINVAL;
    }
    const char *s = json_string_value(v);
    if (strcmp(s, "latest") == 0 || strcmp(s, "pending") == 0 || strcmp(s, "safe") == 0 ||
        strcmp(s, "finalized") == 0) {
        *out = head;
        return BT_OK;
    }
    if (strcmp(s, "earliest") == 0) {
        *out = 0;
        return BT_OK;
    }
    if (bts_json_as_u64(out, v, err, err_cap) != BT_OK)
        return BT_EINVAL;
    return BT_OK;
}

/* A string of 66 characters is a block hash (geth BlockNumberOrHash.UnmarshalJSON). */
static bt_status by_hash(struct eth_api *api, struct bt_rpc_call *call, const json_t *hv,
                         size_t idx, int require_canonical, struct chain_header *out)
{
    uint8_t h[32];
    char err[200];
    if (bts_json_as_hash(h, hv, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, idx, err);
        return BT_EINVAL;
    }
    bt_status rc = chain_header_by_hash(api->c, h, out);
    if (rc == BT_OK && require_canonical) {
        uint8_t ch[32];
        if (chain_canonical_hash(api->c, out->h.number, ch) != BT_OK || memcmp(ch, h, 32) != 0) {
            chain_header_free(out);
            eth_server_error(call, "hash is not currently canonical");
            return BT_ENOTFOUND;
        }
    }
    if (rc != BT_OK)
        eth_server_error(call,
                         rc == BT_ENOTFOUND ? "header for hash not found" : bts_status_str(rc));
    return rc;
}

bt_status eth_block_arg(struct eth_api *api, struct bt_rpc_call *call, const json_t *params,
                        size_t idx, struct chain_header *out, int *is_pending)
{
    memset(out, 0, sizeof(*out));
    const json_t *v = json_array_get(params, idx);
    if (is_pending)
        *is_pending = json_is_string(v) && strcmp(json_string_value(v), "pending") == 0;
    if (json_is_object(v)) {
        const json_t *bh = json_object_get(v, "blockHash");
        const json_t *bn = json_object_get(v, "blockNumber");
        if (bh && bn) {
            eth_bad_arg(call, idx,
                        "cannot specify both BlockHash and BlockNumber, choose one or "
                        "the other");
            return BT_EINVAL;
        }
        if (bh)
            return by_hash(api, call, bh, idx, json_is_true(json_object_get(v, "requireCanonical")),
                           out);
        if (!bn) {
            eth_bad_arg(call, idx, "invalid block number or hash");
            return BT_EINVAL;
        }
        v = bn;
    } else if (json_is_string(v) && json_string_length(v) == 66) {
        return by_hash(api, call, v, idx, 0, out);
    }
    uint64_t n;
    char err[200];
    if (eth_block_number_of(api, v, &n, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, idx, err);
        return BT_EINVAL;
    }
    bt_status rc = chain_header_by_number(api->c, n, out);
    if (rc != BT_OK)
        eth_server_error(call, rc == BT_ENOTFOUND ? "header not found" : bts_status_str(rc));
    return rc;
}
