/* Traced executions (chain_trace_int.h). The EVM table the chain uses is swapped for a
 * wrapper that adds the tracer to each execute() call's configuration, for the duration of
 * one call; loop-thread only, like every chain function, so nothing else runs meanwhile.
 * Replay order as go-ethereum eth/tracers/api.go traceTx (stateAtTransaction). */
#include "chain_trace_int.h"

#include <string.h>

#include "chain_priv.h"

struct wrap {
    const struct bt_evm_vtbl *inner;
    void *inner_self;
    const struct bt_evm_tracer *tracer;
};

static bt_status wrap_execute(void *self, const struct bt_evm_state_iface *state, void *state_ctx,
                              const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                              const struct bt_evm_config *cfg, struct bt_evm_result *out)
{
    const struct wrap *w = self;
    struct bt_evm_config traced = *cfg;
    traced.struct_size = sizeof(traced);
    traced.tracer = w->tracer;
    return w->inner->execute(w->inner_self, state, state_ctx, block, tx, &traced, out);
}

static const struct bt_evm_vtbl wrap_vtbl = {sizeof(struct bt_evm_vtbl), wrap_execute};

bt_status chain_trace_call(struct chain *c, struct state *st, const struct bts_header *blk,
                           const struct chain_msg *m, const struct bt_evm_tracer *tracer,
                           struct bt_evm_result *out, char *err, size_t err_cap)
{
    struct wrap w = {c->bx.evm, c->bx.evm_self, tracer};
    struct block_exec saved = c->bx;
    c->bx.evm = &wrap_vtbl;
    c->bx.evm_self = &w;
    bt_status rc = chain_call(c, st, blk, m, out, err, err_cap);
    c->bx = saved;
    return rc;
}

/* The fee recipient of a mined block: its author by the engine (as the chain executed it),
 * else the coinbase. */
static void author(struct chain *c, const struct chain_header *hd, uint8_t out[20])
{
    memcpy(out, hd->h.coinbase.bytes, 20);
    if (!c->o.engine.vt || hd->h.number == 0)
        return;
    struct bt_header bh;
    uint8_t a[20];
    chain_bt_header(hd, &bh);
    if (c->o.engine.vt->author(c->o.engine.self, &bh, a) == BT_OK)
        memcpy(out, a, 20);
}

bt_status chain_trace_tx(struct chain *c, const uint8_t tx_hash[32],
                         const struct bt_evm_tracer *tracer, struct bt_evm_result *out, char *err,
                         size_t err_cap)
{
    struct chain_tx t;
    struct chain_header hd;
    struct state *st = NULL;
    memset(out, 0, sizeof(*out));
    memset(&hd, 0, sizeof(hd));
    bt_status rc = chain_tx_by_hash(c, tx_hash, &t);
    if (rc == BT_OK)
        rc = chain_state_before_tx(c, t.loc.block_hash.bytes, t.loc.index, &st, &hd, err, err_cap);
    if (rc == BT_OK) {
        uint8_t to[20];
        author(c, &hd, to);
        struct wrap w = {c->bx.evm, c->bx.evm_self, tracer};
        struct block_exec bx = c->bx;
        bx.evm = &wrap_vtbl;
        bx.evm_self = &w;
        rc = block_exec_tx(&bx, st, &hd.h, to, &t.tx, &t.from, 0, out, err, err_cap);
    }
    state_free(st);
    chain_header_free(&hd);
    chain_tx_free(&t);
    return rc;
}
