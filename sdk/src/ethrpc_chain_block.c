/* bts/ethrpc.h bts_evmchain_get_block: the rootchain get_block entry of the EVM adapter, one
 * eth_getBlockByNumber. Delivery reads the span seed this way (PROTOCOL.md §4.5.2); the caller
 * decides whether the block is deep enough (heights), the adapter only reads it. */
#include <bts/ethrpc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethrpc_chain_int.h"

struct block_ctx {
    struct bts_evmchain *c;
    uint64_t number;
    bt_rootchain_block_fn cb;
    void *arg;
};

static void on_block(void *arg, bt_status st, const struct bts_ethrpc_block *b, const char *err)
{
    struct block_ctx *x = arg;
    struct bts_evmchain *c = x->c;
    char msg[128];
    /* A null result is an answer (the node is not there yet), not a failure of the node. */
    evm_note(c, st, err);
    if (st == BT_OK && !b) {
        st = BT_ENOTFOUND;
        snprintf(msg, sizeof(msg), "eth_getBlockByNumber: no block %llu (beyond the head)",
                 (unsigned long long)x->number);
        err = msg;
    } else if (st == BT_OK && b->number != x->number) {
        st = BT_EPROTO;
        snprintf(msg, sizeof(msg), "eth_getBlockByNumber: asked block %llu, got %llu",
                 (unsigned long long)x->number, (unsigned long long)b->number);
        err = msg;
        evm_note(c, st, err);
    }
    evm_set_err(c, st, err);
    struct bt_rootchain_block out = {.struct_size = sizeof(out)};
    if (st == BT_OK) {
        out.number = b->number;
        memcpy(out.hash, b->hash, 32);
        memcpy(out.parent_hash, b->parent_hash, 32);
        out.timestamp = b->timestamp;
    }
    x->cb(x->arg, st, st == BT_OK ? &out : NULL);
    free(x);
}

bt_status bts_evmchain_get_block(void *self, uint64_t number, bt_rootchain_block_fn cb, void *arg)
{
    struct bts_evmchain *c = self;
    if (c->stopped || !c->rpc) {
        c->host->set_error(c->hctx, "%s: get_block after stop", c->rules->name);
        return BT_ECANCELED;
    }
    struct block_ctx *x = calloc(1, sizeof(*x));
    if (!x)
        return BT_ENOMEM;
    x->c = c;
    x->number = number;
    x->cb = cb;
    x->arg = arg;
    bt_status st = bts_ethrpc_get_block(c->rpc, NULL, number, on_block, x);
    if (st != BT_OK) {
        free(x);
        c->host->set_error(c->hctx, "get_block: %s", bts_status_str(st));
    }
    return st;
}
