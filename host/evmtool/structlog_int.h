/* geth's "struct logger" (go-ethereum eth/tracers/logger StructLogger; the default tracer of
 * debug_traceTransaction and debug_traceCall) over the EVM plugin's tracer hook
 * (abi/bt/evm.h struct bt_evm_tracer). It turns the per-instruction callbacks into geth's JSON:
 *   {"gas": N, "failed": bool, "returnValue": "<hex, no 0x>",
 *    "structLogs": [{"pc": N, "op": "PUSH1", "gas": N, "gasCost": N, "depth": N,
 *                    "error": "..."?, "stack": ["0x1", ...]?, "returnData": "0x.."?,
 *                    "memory": ["<64 hex>", ...]?, "storage": {"<64 hex>": "<64 hex>"}?,
 *                    "refund": N?}, ...]}
 * Field names, order and formats as geth's logger.StructLogRes / ExecutionResult: stack words as
 * minimal 0x-hex (bottom first), memory as 32-byte chunks of bare hex, storage as bare 64-digit
 * hex (only on SLOAD/SSTORE steps: every slot of the executing contract this transaction has
 * read or written so far, as geth accumulates them), refund only when non-zero, error only on a
 * failing step. Used by `bttcd evm run --trace`; the RPC's debug_trace* call the same functions.
 * Private to the host. */
#ifndef BTTCD_STRUCTLOG_INT_H
#define BTTCD_STRUCTLOG_INT_H

#include <jansson.h>

#include <bt/evm.h>

#include <bts/common.h>

/** geth's logger.Config: what each entry carries. Zero-initialised is geth's default (stack and
 *  storage on, memory and return data off, no limit). */
struct structlog_cfg {
    int enable_memory;      /* "enableMemory" */
    int disable_stack;      /* "disableStack" */
    int disable_storage;    /* "disableStorage" */
    int enable_return_data; /* "enableReturnData" */
    uint64_t limit;         /* "limit": keep at most this many entries; 0: all */
};

/** Read geth's tracer options object (the second parameter of debug_traceTransaction, e.g.
 *  {"enableMemory": true, "limit": 100}); unknown members are ignored as geth's decoder does.
 *  `opts` may be NULL or JSON null (defaults).
 *  Returns: BT_OK, BT_EINVAL (a member of the wrong type: message "<name>: ..." in err).
 *  Out: out: filled (defaults for absent members). */
bt_status structlog_cfg_from_json(struct structlog_cfg *out, const json_t *opts, char *err,
                                  size_t err_cap);

struct structlog;

/** A new, empty logger. Returns: BT_OK, BT_ENOMEM. Out: out: free with structlog_free().
 *  In: cfg: copied; NULL gives the defaults. */
bt_status structlog_new(struct structlog **out, const struct structlog_cfg *cfg);

/** The tracer to put in struct bt_evm_config.tracer for ONE execute() call. It points into
 *  `sl` (valid until structlog_free). Thread: the callbacks run on the EVM's thread; use the
 *  logger from one execution at a time. */
const struct bt_evm_tracer *structlog_tracer(struct structlog *sl);

/** geth's ExecutionResult for the traced execution: gas = r->gas_used (the receipt's, after
 *  refunds), failed = outcome is not success, returnValue = the output in bare hex (the revert
 *  data on REVERT, empty on other failures, as current geth), structLogs = the entries.
 *  Returns: BT_OK, BT_ENOMEM (the logger ran out of memory while tracing or now).
 *  Out: out: a new reference (json_decref it). In: r: the result of the execute() call that
 *  used structlog_tracer(sl) (borrowed). */
bt_status structlog_result(struct structlog *sl, const struct bt_evm_result *r, json_t **out);

/** Free the logger and its entries. NULL ok. */
void structlog_free(struct structlog *sl);

/** One traced transaction in one call: execute `tx` through the EVM table `evm` (instance
 *  `self`) with `cfg` plus a struct logger configured by `lcfg`, and build geth's JSON.
 *  This is what debug_traceTransaction (after replaying the block's earlier transactions on
 *  the state) and debug_traceCall (with BT_EVM_F_NO_CHECKS in cfg->flags) need.
 *  Returns: execute()'s status: BT_OK (the transaction was included: *out_json set and, when
 *           out_result is non-NULL, *out_result holds the result for the caller to apply and
 *           release, else it is released here); BT_EINVAL (invalid transaction: nothing traced,
 *           no result); BT_ENOTSUP, BT_EIO; BT_ENOMEM (also when the trace itself ran out).
 *  In: everything borrowed; cfg->tracer is ignored (the logger's is used).
 *  Thread: the caller's (the EVM may use a helper thread of its own, see abi/bt/evm.h). */
bt_status structlog_execute(const struct bt_evm_vtbl *evm, void *self,
                            const struct bt_evm_state_iface *state, void *state_ctx,
                            const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                            const struct bt_evm_config *cfg, const struct structlog_cfg *lcfg,
                            json_t **out_json, struct bt_evm_result *out_result);

/** geth's name of an opcode ("PUSH1", "KECCAK256", "opcode 0xc not defined" for undefined
 *  ones: go-ethereum core/vm/opcodes.go). The text is static, or in `buf` (16 bytes) for
 *  undefined opcodes. */
const char *structlog_op_name(uint8_t op, char buf[32]);

#endif /* BTTCD_STRUCTLOG_INT_H */
