/* Traced executions for debug_traceTransaction and debug_traceCall: the chain's own execution
 * paths (chain_call, block_exec_tx) with a per-instruction tracer (abi/bt/evm.h struct
 * bt_evm_tracer) put into every EVM call. The EVM table is wrapped for the call, so the
 * chain's code runs unchanged. Private to the host. Thread: loop. */
#ifndef BTTCD_CHAIN_TRACE_INT_H
#define BTTCD_CHAIN_TRACE_INT_H

#include "chain_int.h"

/** chain_call() with `tracer` in the EVM configuration. Returns and Out: as chain_call. */
bt_status chain_trace_call(struct chain *c, struct state *st, const struct bts_header *blk,
                           const struct chain_msg *m, const struct bt_evm_tracer *tracer,
                           struct bt_evm_result *out, char *err, size_t err_cap);

/** Re-execute mined transaction `tx_hash`: the state after its block's parent, the block's
 *  earlier transactions applied, then the transaction itself with `tracer` (geth
 *  debug_traceTransaction's replay).
 *  Returns: BT_OK (*out: the traced execution's result; release it); BT_ENOTFOUND (not mined);
 *           BT_EINVAL (a replayed transaction was refused: message); BT_EIO; BT_ENOMEM. */
bt_status chain_trace_tx(struct chain *c, const uint8_t tx_hash[32],
                         const struct bt_evm_tracer *tracer, struct bt_evm_result *out, char *err,
                         size_t err_cap);

#endif /* BTTCD_CHAIN_TRACE_INT_H */
