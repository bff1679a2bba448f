/* bts/ethrpc.h bts_ethrpc_fees: what the next block charges. EIP-1559 chains report a base fee in
 * eth_feeHistory (its last baseFeePerGas entry is the next block's); BSC keeps it at 0
 * (bnb-chain/bsc consensus/misc/eip1559), so there the legacy eth_gasPrice is the price. */
#include <bts/ethrpc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/json.h>

#include "ethrpc_int.h"

struct fees_ctx {
    struct bts_ethrpc *rpc;
    bts_ethrpc_fees_fn cb;
    void *arg;
    uint64_t base_fee;
    uint64_t reward; /* 50th percentile tip of the last block, 0 if none */
};

static void fees_on_gas_price(void *arg, bt_status st, uint64_t v, const char *err)
{
    struct fees_ctx *f = arg;
    f->cb(f->arg, st, 0, 0, v, err);
    free(f);
}

static void fees_on_tip(void *arg, bt_status st, uint64_t v, const char *err)
{
    struct fees_ctx *f = arg;
    if (st == BT_ECANCELED || (st != BT_OK && f->reward == 0)) {
        f->cb(f->arg, st, 1, f->base_fee, 0, err);
    } else {
        uint64_t tip = st == BT_OK && v > f->reward ? v : f->reward;
        f->cb(f->arg, BT_OK, 1, f->base_fee, tip, "");
    }
    free(f);
}

/* Parse eth_feeHistory's answer: 0 and *base = 0 when the chain has no base fee. */
static bt_status fees_parse(struct fees_ctx *f, const json_t *res, char *err, size_t cap)
{
    if (!json_is_object(res)) {
        ethrpc_errf(err, cap, "eth_feeHistory: answer is not an object");
        return BT_EPROTO;
    }
    const json_t *bases = json_object_get(res, "baseFeePerGas");
    if (!bases || json_is_null(bases) || (json_is_array(bases) && json_array_size(bases) == 0))
        return BT_OK;
    if (!json_is_array(bases)) {
        ethrpc_errf(err, cap, "eth_feeHistory: baseFeePerGas is not an array");
        return BT_EPROTO;
    }
    char sub[200];
    if (bts_json_as_u64(&f->base_fee, json_array_get(bases, json_array_size(bases) - 1), sub,
                        sizeof(sub)) != BT_OK) {
        ethrpc_errf(err, cap, "eth_feeHistory: baseFeePerGas: %s", sub);
        return BT_EPROTO;
    }
    const json_t *rw = json_object_get(res, "reward");
    if (json_is_array(rw) && json_array_size(rw) > 0) {
        const json_t *last = json_array_get(rw, json_array_size(rw) - 1);
        if (!json_is_array(last) || json_array_size(last) != 1 ||
            bts_json_as_u64(&f->reward, json_array_get(last, 0), sub, sizeof(sub)) != BT_OK) {
            ethrpc_errf(err, cap, "eth_feeHistory: reward is not [[quantity]]");
            return BT_EPROTO;
        }
    }
    return BT_OK;
}

static void fees_on_history(void *arg, const struct bts_ethrpc_reply *r)
{
    struct fees_ctx *f = arg;
    char err[512];
    bt_status st = BT_OK;
    if (r->st != BT_OK && r->st != BTS_ETHRPC_EREMOTE) {
        f->cb(f->arg, r->st, 0, 0, 0, r->err);
        free(f);
        return;
    }
    /* A node without eth_feeHistory (or refusing it) is a legacy-priced chain. */
    if (r->st == BT_OK)
        st = fees_parse(f, r->result, err, sizeof(err));
    if (st != BT_OK) {
        f->cb(f->arg, st, 0, 0, 0, err);
        free(f);
        return;
    }
    if (f->base_fee != 0)
        st = bts_ethrpc_u64(f->rpc, "eth_maxPriorityFeePerGas", fees_on_tip, f);
    else
        st = bts_ethrpc_u64(f->rpc, "eth_gasPrice", fees_on_gas_price, f);
    if (st != BT_OK) {
        snprintf(err, sizeof(err), "fees: cannot send: %s", bts_status_str(st));
        f->cb(f->arg, st, 0, 0, 0, err);
        free(f);
    }
}

bt_status bts_ethrpc_fees(struct bts_ethrpc *rpc, bts_ethrpc_fees_fn cb, void *arg)
{
    struct fees_ctx *f = calloc(1, sizeof(*f));
    json_t *p = json_pack("[ss[i]]", "0x1", "latest", 50);
    if (!f || !p) {
        free(f);
        json_decref(p);
        return BT_ENOMEM;
    }
    f->rpc = rpc;
    f->cb = cb;
    f->arg = arg;
    bt_status st = bts_ethrpc_request(rpc, "eth_feeHistory", p, fees_on_history, f);
    if (st != BT_OK)
        free(f);
    return st;
}
