/* Tracing (abi/bt/evm.h struct bt_evm_tracer): what the traced interpreter (interp_body.h with
 * INTERP_TRACED) reports per instruction, in the shape of geth's struct logger: the state
 * before the instruction, the slot an SLOAD reads or an SSTORE writes, and geth's error texts
 * (go-ethereum core/vm/errors.go, interpreter.go). Only executions with a tracer come here. */
#include "evm_int.h"

#include <stdio.h>
#include <stdlib.h>

int evm_trace_setup(struct evm_ctx *c, const struct bt_evm_tracer *t)
{
    c->tracer = t;
    if (t && !c->tr_stack) {
        c->tr_stack = malloc(sizeof(*c->tr_stack) * EVM_STACK_MAX);
        if (!c->tr_stack) {
            c->tracer = NULL;
            return 0;
        }
    }
    return 1;
}

int evm_trace_step(struct evm_ctx *c, const struct evm_msg *m, const struct evm_scratch *sc,
                   uint64_t pc, uint8_t op, int64_t gas, const struct bts_u256 *stack,
                   const struct bts_u256 *sp, size_t msize)
{
    struct bt_evm_step s;
    memset(&s, 0, sizeof(s));
    s.struct_size = sizeof(s);
    s.op = op;
    s.pc = pc;
    s.gas = gas > 0 ? (uint64_t)gas : 0;
    s.refund = c->refund > 0 ? (uint64_t)c->refund : 0;
    s.depth = (uint32_t)m->depth + 1;
    memcpy(s.address, m->recipient, 20);
    size_t n = (size_t)(sp - stack);
    for (size_t i = 0; i < n; i++)
        bts_u256_store_be(c->tr_stack[i], &stack[i]);
    s.stack = (const uint8_t(*)[32])c->tr_stack;
    s.stack_len = n;
    s.memory = msize ? sc->mem : NULL;
    s.memory_len = msize;
    s.return_data = sc->ret_len ? sc->ret : NULL;
    s.return_data_len = sc->ret_len;
    if (op == 0x54 && n >= 1) { /* SLOAD: the value it will load (geth reads the state) */
        struct evm_account *a = evm_acct(c, m->recipient);
        struct evm_slot *slot = a ? evm_slot(c, a, &sp[-1]) : NULL;
        if (!slot)
            return 0;
        s.storage_op = BT_EVM_STEP_SLOAD;
        memcpy(s.storage_key, c->tr_stack[n - 1], 32);
        bts_u256_store_be(s.storage_value, &slot->cur);
    } else if (op == 0x55 && n >= 2) {
        s.storage_op = BT_EVM_STEP_SSTORE;
        memcpy(s.storage_key, c->tr_stack[n - 1], 32);
        memcpy(s.storage_value, c->tr_stack[n - 2], 32);
    }
    c->tracer->step(c->tracer->ctx, &s);
    return 1;
}

const char *evm_trace_undefined(struct evm_ctx *c, uint8_t op)
{
    snprintf(c->tr_msg, sizeof(c->tr_msg), "invalid opcode: opcode %#x not defined", op);
    return c->tr_msg;
}

const char *evm_trace_check(struct evm_ctx *c, uint8_t op, int64_t n)
{
    if (c->tab.req[op] == 0xffff)
        return op == 0xfe ? "invalid opcode: INVALID" : evm_trace_undefined(c, op);
    if (n < c->tab.req[op]) {
        snprintf(c->tr_msg, sizeof(c->tr_msg), "stack underflow (%lld <=> %u)", (long long)n,
                 (unsigned)c->tab.req[op]);
        return c->tr_msg;
    }
    if (n + c->tab.grow[op] > EVM_STACK_MAX) {
        snprintf(c->tr_msg, sizeof(c->tr_msg), "stack limit reached %lld (%d)", (long long)n,
                 EVM_STACK_MAX - (c->tab.grow[op] > 0 ? c->tab.grow[op] : 0));
        return c->tr_msg;
    }
    return NULL;
}
