/* geth's struct logger over the EVM tracer hook (structlog_int.h). Entries are built as JSON
 * while tracing: `step` opens an entry with pc, op, gas and depth and keeps the rest of the
 * state (stack, return data, memory, storage, refund) aside; `step_result` adds gasCost and
 * error and then the rest, so the members come in geth's order (logger.StructLogRes). */
#include "structlog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/hex.h>

/* One slot the transaction read or wrote, per contract (geth keeps a map per address). */
struct sl_slot {
    uint8_t addr[20];
    uint8_t key[32];
    uint8_t val[32];
};

struct structlog {
    struct structlog_cfg cfg;
    struct bt_evm_tracer tracer;
    json_t *logs;         /* the entries */
    json_t *cur;          /* the entry waiting for its step_result (borrowed from logs) */
    json_t *rest;         /* its members after "error" */
    uint64_t n_seen;      /* steps so far (limit) */
    struct bts_buf slots; /* struct sl_slot records */
    int oom;              /* an allocation failed while tracing: the result is BT_ENOMEM */
};

static const char *const op_names[256] = {
    [0x00] = "STOP",
    [0x01] = "ADD",
    [0x02] = "MUL",
    [0x03] = "SUB",
    [0x04] = "DIV",
    [0x05] = "SDIV",
    [0x06] = "MOD",
    [0x07] = "SMOD",
    [0x08] = "ADDMOD",
    [0x09] = "MULMOD",
    [0x0a] = "EXP",
    [0x0b] = "SIGNEXTEND",
    [0x10] = "LT",
    [0x11] = "GT",
    [0x12] = "SLT",
    [0x13] = "SGT",
    [0x14] = "EQ",
    [0x15] = "ISZERO",
    [0x16] = "AND",
    [0x17] = "OR",
    [0x18] = "XOR",
    [0x19] = "NOT",
    [0x1a] = "BYTE",
    [0x1b] = "SHL",
    [0x1c] = "SHR",
    [0x1d] = "SAR",
    [0x20] = "KECCAK256",
    [0x30] = "ADDRESS",
    [0x31] = "BALANCE",
    [0x32] = "ORIGIN",
    [0x33] = "CALLER",
    [0x34] = "CALLVALUE",
    [0x35] = "CALLDATALOAD",
    [0x36] = "CALLDATASIZE",
    [0x37] = "CALLDATACOPY",
    [0x38] = "CODESIZE",
    [0x39] = "CODECOPY",
    [0x3a] = "GASPRICE",
    [0x3b] = "EXTCODESIZE",
    [0x3c] = "EXTCODECOPY",
    [0x3d] = "RETURNDATASIZE",
    [0x3e] = "RETURNDATACOPY",
    [0x3f] = "EXTCODEHASH",
    [0x40] = "BLOCKHASH",
    [0x41] = "COINBASE",
    [0x42] = "TIMESTAMP",
    [0x43] = "NUMBER",
    [0x44] = "DIFFICULTY",
    [0x45] = "GASLIMIT",
    [0x46] = "CHAINID",
    [0x47] = "SELFBALANCE",
    [0x48] = "BASEFEE",
    [0x49] = "BLOBHASH",
    [0x4a] = "BLOBBASEFEE",
    [0x50] = "POP",
    [0x51] = "MLOAD",
    [0x52] = "MSTORE",
    [0x53] = "MSTORE8",
    [0x54] = "SLOAD",
    [0x55] = "SSTORE",
    [0x56] = "JUMP",
    [0x57] = "JUMPI",
    [0x58] = "PC",
    [0x59] = "MSIZE",
    [0x5a] = "GAS",
    [0x5b] = "JUMPDEST",
    [0x5c] = "TLOAD",
    [0x5d] = "TSTORE",
    [0x5e] = "MCOPY",
    [0x5f] = "PUSH0",
    [0xa0] = "LOG0",
    [0xa1] = "LOG1",
    [0xa2] = "LOG2",
    [0xa3] = "LOG3",
    [0xa4] = "LOG4",
    [0xf0] = "CREATE",
    [0xf1] = "CALL",
    [0xf2] = "CALLCODE",
    [0xf3] = "RETURN",
    [0xf4] = "DELEGATECALL",
    [0xf5] = "CREATE2",
    [0xfa] = "STATICCALL",
    [0xfd] = "REVERT",
    [0xfe] = "INVALID",
    [0xff] = "SELFDESTRUCT",
};

const char *structlog_op_name(uint8_t op, char buf[32])
{
    if (op >= 0x60 && op <= 0x7f) {
        snprintf(buf, 32, "PUSH%d", op - 0x5f);
        return buf;
    }
    if (op >= 0x80 && op <= 0x8f) {
        snprintf(buf, 32, "DUP%d", op - 0x7f);
        return buf;
    }
    if (op >= 0x90 && op <= 0x9f) {
        snprintf(buf, 32, "SWAP%d", op - 0x8f);
        return buf;
    }
    if (op_names[op])
        return op_names[op];
    snprintf(buf, 32, "opcode %#x not defined", op);
    return buf;
}

/* Take a new reference into an object; remembers a failure instead of returning it (the
 * callbacks cannot fail). */
static void put(struct structlog *sl, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        sl->oom = 1;
}

static json_t *hex_string(const uint8_t *p, size_t n, unsigned flags)
{
    size_t cap = 2 * n + 3, len;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    json_t *v = NULL;
    if (bts_hex_encode(s, cap, &len, p, n, flags) == BT_OK)
        v = json_stringn(s, len);
    free(s);
    return v;
}

static json_t *stack_json(const struct bt_evm_step *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->stack_len; i++) {
        char q[BTS_HEX_U256_CAP];
        size_t len;
        if (bts_hex_format_u256(q, sizeof(q), &len, s->stack[i]) != BT_OK ||
            json_array_append_new(a, json_stringn(q, len)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *memory_json(const struct bt_evm_step *s)
{
    json_t *a = json_array();
    for (size_t o = 0; a && o + 32 <= s->memory_len; o += 32) {
        if (json_array_append_new(a, hex_string(s->memory + o, 32, 0)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Record the slot of an SLOAD/SSTORE and return every slot of that contract so far. */
static json_t *storage_json(struct structlog *sl, const struct bt_evm_step *s)
{
    struct sl_slot *slots = (struct sl_slot *)sl->slots.data;
    size_t n = sl->slots.len / sizeof(*slots), i;
    for (i = 0; i < n; i++) {
        if (!memcmp(slots[i].addr, s->address, 20) && !memcmp(slots[i].key, s->storage_key, 32))
            break;
    }
    if (i == n) {
        struct sl_slot add;
        memcpy(add.addr, s->address, 20);
        memcpy(add.key, s->storage_key, 32);
        if (bts_buf_append(&sl->slots, &add, sizeof(add)) != BT_OK)
            return NULL;
        slots = (struct sl_slot *)sl->slots.data;
        n++;
    }
    memcpy(slots[i].val, s->storage_value, 32);
    json_t *o = json_object();
    for (size_t k = 0; o && k < n; k++) {
        if (memcmp(slots[k].addr, s->address, 20) != 0)
            continue;
        char key[65];
        size_t len;
        json_t *v = hex_string(slots[k].val, 32, 0);
        if (bts_hex_encode(key, sizeof(key), &len, slots[k].key, 32, 0) != BT_OK ||
            json_object_set_new(o, key, v) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static void on_step(void *ctx, const struct bt_evm_step *s)
{
    struct structlog *sl = ctx;
    sl->cur = NULL;
    if (sl->cfg.limit && sl->n_seen >= sl->cfg.limit) {
        /* geth stops recording but keeps its storage view current */
        if (s->storage_op != BT_EVM_STEP_NO_STORAGE && !sl->cfg.disable_storage)
            json_decref(storage_json(sl, s));
        return;
    }
    sl->n_seen++;
    char nb[32];
    json_t *e = json_object(), *rest = json_object();
    if (!e || !rest || json_array_append_new(sl->logs, e) != 0) {
        json_decref(rest);
        sl->oom = 1;
        return;
    }
    put(sl, e, "pc", json_integer((json_int_t)s->pc));
    put(sl, e, "op", json_string(structlog_op_name((uint8_t)s->op, nb)));
    put(sl, e, "gas", json_integer((json_int_t)s->gas));
    put(sl, e, "gasCost", json_integer(0));
    put(sl, e, "depth", json_integer((json_int_t)s->depth));
    if (!sl->cfg.disable_stack)
        put(sl, rest, "stack", stack_json(s));
    if (sl->cfg.enable_return_data && s->return_data_len)
        put(sl, rest, "returnData", hex_string(s->return_data, s->return_data_len, BTS_HEX_0X));
    if (sl->cfg.enable_memory)
        put(sl, rest, "memory", memory_json(s));
    if (s->storage_op != BT_EVM_STEP_NO_STORAGE && !sl->cfg.disable_storage)
        put(sl, rest, "storage", storage_json(sl, s));
    if (s->refund)
        put(sl, rest, "refund", json_integer((json_int_t)s->refund));
    sl->cur = e;
    json_decref(sl->rest);
    sl->rest = rest;
}

static void on_step_result(void *ctx, uint64_t gas_cost, const char *error)
{
    struct structlog *sl = ctx;
    if (!sl->cur)
        return;
    put(sl, sl->cur, "gasCost", json_integer((json_int_t)gas_cost));
    if (error)
        put(sl, sl->cur, "error", json_string(error));
    if (sl->rest && json_object_update(sl->cur, sl->rest) != 0)
        sl->oom = 1;
    json_decref(sl->rest);
    sl->rest = NULL;
    sl->cur = NULL;
}

static bt_status bool_opt(int *out, const json_t *opts, const char *name, char *err, size_t err_cap)
{
    const json_t *v = json_object_get(opts, name);
    if (!v || json_is_null(v))
        return BT_OK;
    if (!json_is_boolean(v)) {
        snprintf(err, err_cap, "%s: not a boolean", name);
        return BT_EINVAL;
    }
    *out = json_is_true(v);
    return BT_OK;
}

bt_status structlog_cfg_from_json(struct structlog_cfg *out, const json_t *opts, char *err,
                                  size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (!opts || json_is_null(opts))
        return BT_OK;
    if (!json_is_object(opts)) {
        snprintf(err, err_cap, "tracer options: not an object");
        return BT_EINVAL;
    }
    bt_status st = bool_opt(&out->enable_memory, opts, "enableMemory", err, err_cap);
    if (st == BT_OK)
        st = bool_opt(&out->disable_stack, opts, "disableStack", err, err_cap);
    if (st == BT_OK)
        st = bool_opt(&out->disable_storage, opts, "disableStorage", err, err_cap);
    if (st == BT_OK)
        st = bool_opt(&out->enable_return_data, opts, "enableReturnData", err, err_cap);
    const json_t *lim = json_object_get(opts, "limit");
    if (st == BT_OK && lim && !json_is_null(lim)) {
        if (!json_is_integer(lim) || json_integer_value(lim) < 0) {
            snprintf(err, err_cap, "limit: not a non-negative integer");
            return BT_EINVAL;
        }
        out->limit = (uint64_t)json_integer_value(lim);
    }
    return st;
}

bt_status structlog_new(struct structlog **out, const struct structlog_cfg *cfg)
{
    *out = NULL;
    struct structlog *sl = calloc(1, sizeof(*sl));
    if (!sl)
        return BT_ENOMEM;
    if (cfg)
        sl->cfg = *cfg;
    bts_buf_init(&sl->slots);
    sl->logs = json_array();
    if (!sl->logs) {
        free(sl);
        return BT_ENOMEM;
    }
    sl->tracer.struct_size = sizeof(sl->tracer);
    sl->tracer.ctx = sl;
    sl->tracer.step = on_step;
    sl->tracer.step_result = on_step_result;
    *out = sl;
    return BT_OK;
}

const struct bt_evm_tracer *structlog_tracer(struct structlog *sl)
{
    return &sl->tracer;
}

bt_status structlog_result(struct structlog *sl, const struct bt_evm_result *r, json_t **out)
{
    *out = NULL;
    if (sl->oom)
        return BT_ENOMEM;
    int failed = r->outcome != BT_EVM_SUCCESS;
    json_t *o = json_object();
    if (!o)
        return BT_ENOMEM;
    put(sl, o, "gas", json_integer((json_int_t)r->gas_used));
    put(sl, o, "failed", json_boolean(failed));
    if (r->outcome == BT_EVM_FAILURE)
        put(sl, o, "returnValue", json_string(""));
    else
        put(sl, o, "returnValue", hex_string(r->output, r->output_len, 0));
    put(sl, o, "structLogs", json_incref(sl->logs));
    if (sl->oom) {
        json_decref(o);
        return BT_ENOMEM;
    }
    *out = o;
    return BT_OK;
}

void structlog_free(struct structlog *sl)
{
    if (!sl)
        return;
    json_decref(sl->logs);
    json_decref(sl->rest);
    bts_buf_free(&sl->slots);
    free(sl);
}

bt_status structlog_execute(const struct bt_evm_vtbl *evm, void *self,
                            const struct bt_evm_state_iface *state, void *state_ctx,
                            const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                            const struct bt_evm_config *cfg, const struct structlog_cfg *lcfg,
                            json_t **out_json, struct bt_evm_result *out_result)
{
    *out_json = NULL;
    if (out_result)
        memset(out_result, 0, sizeof(*out_result));
    struct structlog *sl;
    bt_status st = structlog_new(&sl, lcfg);
    if (st != BT_OK)
        return st;
    struct bt_evm_config tc = {.struct_size = sizeof(tc),
                               .fork = cfg->fork,
                               .flags = cfg->flags,
                               .tracer = structlog_tracer(sl)};
    struct bt_evm_result r;
    st = evm->execute(self, state, state_ctx, block, tx, &tc, &r);
    if (st == BT_OK) {
        st = structlog_result(sl, &r, out_json);
        if (st == BT_OK && out_result)
            *out_result = r;
        else
            r.release(&r);
    }
    structlog_free(sl);
    return st;
}
