/* geth's struct logger (host/evmtool/structlog.c) over the real EVM (evm_core linked) and the
 * in-memory state (host/evmtool/memstate.c): step shapes, CALL costs and depths, storage maps,
 * errors, revert data, options, and that tracing does not change what the EVM computes. */
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

#include "evm_int.h"
#include "memstate_int.h"
#include "structlog_int.h"

static char evm_err[256];

static bt_status t_execute(void *self, const struct bt_evm_state_iface *state, void *state_ctx,
                           const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                           const struct bt_evm_config *cfg, struct bt_evm_result *out)
{
    (void)self;
    return evm_execute(state, state_ctx, block, tx, cfg, out, evm_err, sizeof(evm_err));
}

static const struct bt_evm_vtbl t_vtbl = {.struct_size = sizeof(struct bt_evm_vtbl),
                                          .execute = t_execute};

static const uint8_t from[20] = {0xf0, [19] = 0x01};
static const uint8_t addr_a[20] = {0xaa, [19] = 0x0a};
static const uint8_t addr_b[20] = {0xbb, [19] = 0x0b};

/* B: SSTORE 7 at slot 1, SLOAD slot 1, STOP. */
static const uint8_t code_b[] = {0x60, 0x07, 0x60, 0x01, 0x55, 0x60, 0x01, 0x54, 0x00};

static void put_code(struct alloc *s, const uint8_t addr[20], const uint8_t *code, size_t len)
{
    struct alloc_account *a = memstate_account(s, addr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a->code = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a->code);
    memcpy(a->code, code, len);
    a->code_len = len;
}

/* A funded sender, A with `code`, B; a London call of A with 200000 gas. */
static void setup(struct memstate *m, const uint8_t *code, size_t len, struct bt_evm_block *blk,
                  struct bt_evm_tx *tx, struct bt_evm_config *cfg)
{
    memset(m, 0, sizeof(*m));
    struct alloc *s = &m->a;
    struct alloc_account *f = memstate_account(s, from);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    f->balance = bts_u256_from_u64(1000000000000ull);
    put_code(s, addr_a, code, len);
    put_code(s, addr_b, code_b, sizeof(code_b));
    *blk = (struct bt_evm_block){
        .struct_size = sizeof(*blk), .number = 1, .gas_limit = 10000000, .chain_id = 1};
    *tx = (struct bt_evm_tx){.struct_size = sizeof(*tx), .has_to = 1, .gas_limit = 200000};
    memcpy(tx->from, from, 20);
    memcpy(tx->to, addr_a, 20);
    *cfg = (struct bt_evm_config){.struct_size = sizeof(*cfg), .fork = BT_EVM_LONDON};
}

/* Trace a call of A (code `code`). */
static bt_status trace(const uint8_t *code, size_t len, const struct structlog_cfg *lc,
                       json_t **out, struct bt_evm_result *res)
{
    struct memstate s;
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    struct bt_evm_config cfg;
    setup(&s, code, len, &blk, &tx, &cfg);
    bt_status st =
        structlog_execute(&t_vtbl, NULL, &memstate_iface, &s, &blk, &tx, &cfg, lc, out, res);
    memstate_free(&s);
    return st;
}

static json_t *step(json_t *j, size_t i)
{
    return json_array_get(json_object_get(j, "structLogs"), i);
}

static json_int_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

#define SLOT1 "0000000000000000000000000000000000000000000000000000000000000001"
#define VAL7  "0000000000000000000000000000000000000000000000000000000000000007"

/* A: CALL(gas 0xffff, B, 0, 0, 0, 0, 0), STOP. */
static const uint8_t code_call[] = {0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60,
                                    0x00, 0x73, 0xbb, 0,    0,    0,    0,    0,    0,
                                    0,    0,    0,    0,    0,    0,    0,    0,    0,
                                    0,    0,    0,    0x0b, 0x61, 0xff, 0xff, 0xf1, 0x00};

static void test_structlog_call_depth_cost_storage(void)
{
    json_t *j = NULL;
    struct bt_evm_result r;
    CU_ASSERT_EQUAL_FATAL(trace(code_call, sizeof(code_call), NULL, &j, &r), BT_OK);
    json_t *logs = json_object_get(j, "structLogs");
    CU_ASSERT_EQUAL(json_array_size(logs), 15);
    CU_ASSERT_FALSE(json_is_true(json_object_get(j, "failed")));
    CU_ASSERT_EQUAL(num(j, "gas"), (json_int_t)r.gas_used);
    json_t *call = step(j, 7);
    CU_ASSERT_STRING_EQUAL(str(call, "op"), "CALL");
    /* cold B (2600) plus the 0xffff handed over (geth's gasCost of a CALL) */
    CU_ASSERT_EQUAL(num(call, "gasCost"), 2600 + 0xffff);
    CU_ASSERT_EQUAL(num(call, "depth"), 1);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(call, "stack")), 7);
    json_t *b0 = step(j, 8);
    CU_ASSERT_EQUAL(num(b0, "depth"), 2);
    CU_ASSERT_EQUAL(num(b0, "gas"), 0xffff);
    CU_ASSERT_EQUAL(num(b0, "pc"), 0);
    json_t *sstore = step(j, 10), *sload = step(j, 12);
    CU_ASSERT_STRING_EQUAL(str(sstore, "op"), "SSTORE");
    CU_ASSERT_EQUAL(num(sstore, "gasCost"), 22100); /* cold slot, zero to non-zero */
    CU_ASSERT_STRING_EQUAL(str(json_object_get(sstore, "storage"), SLOT1), VAL7);
    CU_ASSERT_STRING_EQUAL(str(sload, "op"), "SLOAD");
    CU_ASSERT_EQUAL(num(sload, "gasCost"), 100);
    CU_ASSERT_STRING_EQUAL(str(json_object_get(sload, "storage"), SLOT1), VAL7);
    CU_ASSERT_PTR_NULL(json_object_get(step(j, 9), "storage")); /* only SLOAD/SSTORE */
    json_t *last = step(j, 14);
    CU_ASSERT_STRING_EQUAL(str(last, "op"), "STOP");
    CU_ASSERT_EQUAL(num(last, "depth"), 1);
    /* stack words are minimal 0x-hex, bottom first */
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(json_object_get(call, "stack"), 6)),
                           "0xffff");
    CU_ASSERT_PTR_NULL(json_object_get(call, "memory")); /* geth's default: no memory */
    json_decref(j);
    r.release(&r);
}

static void test_structlog_invalid_jump(void)
{
    static const uint8_t code[] = {0x60, 0x05, 0x56}; /* PUSH1 5, JUMP */
    json_t *j = NULL;
    CU_ASSERT_EQUAL_FATAL(trace(code, sizeof(code), NULL, &j, NULL), BT_OK);
    CU_ASSERT_TRUE(json_is_true(json_object_get(j, "failed")));
    CU_ASSERT_STRING_EQUAL(str(j, "returnValue"), "");
    CU_ASSERT_EQUAL(num(j, "gas"), 200000); /* everything consumed */
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "structLogs")), 2);
    CU_ASSERT_STRING_EQUAL(str(step(j, 1), "error"), "invalid jump destination");
    CU_ASSERT_EQUAL(num(step(j, 1), "gasCost"), 8);
    CU_ASSERT_PTR_NULL(json_object_get(step(j, 0), "error"));
    json_decref(j);
}

static void test_structlog_revert_and_underflow(void)
{
    /* MSTORE 0xaa at 0, REVERT(0, 32) */
    static const uint8_t rev[] = {0x60, 0xaa, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xfd};
    json_t *j = NULL;
    CU_ASSERT_EQUAL_FATAL(trace(rev, sizeof(rev), NULL, &j, NULL), BT_OK);
    CU_ASSERT_TRUE(json_is_true(json_object_get(j, "failed")));
    CU_ASSERT_STRING_EQUAL(str(j, "returnValue"),
                           "00000000000000000000000000000000000000000000000000000000000000aa");
    CU_ASSERT_PTR_NULL(json_object_get(step(j, 5), "error")); /* REVERT is not a step error */
    json_decref(j);
    static const uint8_t under[] = {0x60, 0x01, 0x01}; /* PUSH1 1, ADD */
    CU_ASSERT_EQUAL_FATAL(trace(under, sizeof(under), NULL, &j, NULL), BT_OK);
    CU_ASSERT_STRING_EQUAL(str(step(j, 1), "error"), "stack underflow (1 <=> 2)");
    json_decref(j);
    static const uint8_t undef[] = {0x0c};
    CU_ASSERT_EQUAL_FATAL(trace(undef, sizeof(undef), NULL, &j, NULL), BT_OK);
    CU_ASSERT_STRING_EQUAL(str(step(j, 0), "op"), "opcode 0xc not defined");
    CU_ASSERT_STRING_EQUAL(str(step(j, 0), "error"), "invalid opcode: opcode 0xc not defined");
    json_decref(j);
}

static void test_structlog_options(void)
{
    struct structlog_cfg lc;
    char err[128];
    json_t *o =
        json_loads("{\"enableMemory\": true, \"limit\": 3, \"disableStack\": true}", 0, NULL);
    CU_ASSERT_EQUAL_FATAL(structlog_cfg_from_json(&lc, o, err, sizeof(err)), BT_OK);
    json_decref(o);
    CU_ASSERT_EQUAL(lc.limit, 3);
    static const uint8_t code[] = {0x60, 0xaa, 0x60, 0x00, 0x52, 0x60, 0x01, 0x00};
    json_t *j = NULL;
    CU_ASSERT_EQUAL_FATAL(trace(code, sizeof(code), &lc, &j, NULL), BT_OK);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "structLogs")), 3);
    CU_ASSERT_PTR_NULL(json_object_get(step(j, 0), "stack"));
    CU_ASSERT_EQUAL(json_array_size(json_object_get(step(j, 2), "memory")), 0);
    json_decref(j);
    lc.limit = 0;
    CU_ASSERT_EQUAL_FATAL(trace(code, sizeof(code), &lc, &j, NULL), BT_OK);
    json_t *mem = json_object_get(step(j, 3), "memory"); /* after the MSTORE */
    CU_ASSERT_EQUAL(json_array_size(mem), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(mem, 0)),
                           "00000000000000000000000000000000000000000000000000000000000000aa");
    json_decref(j);
    o = json_loads("{\"enableMemory\": 1}", 0, NULL);
    CU_ASSERT_EQUAL(structlog_cfg_from_json(&lc, o, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "enableMemory: not a boolean");
    json_decref(o);
    CU_ASSERT_EQUAL(structlog_cfg_from_json(&lc, NULL, err, sizeof(err)), BT_OK);
}

/* Traced and untraced executions compute the same result. */
static void test_structlog_same_result(void)
{
    json_t *j = NULL;
    struct bt_evm_result traced;
    CU_ASSERT_EQUAL_FATAL(trace(code_call, sizeof(code_call), NULL, &j, &traced), BT_OK);
    json_decref(j);
    struct memstate s;
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    struct bt_evm_config cfg;
    setup(&s, code_call, sizeof(code_call), &blk, &tx, &cfg);
    struct bt_evm_result plain;
    CU_ASSERT_EQUAL_FATAL(t_execute(NULL, &memstate_iface, &s, &blk, &tx, &cfg, &plain), BT_OK);
    CU_ASSERT_EQUAL(plain.gas_used, traced.gas_used);
    CU_ASSERT_EQUAL(plain.outcome, traced.outcome);
    CU_ASSERT_EQUAL(plain.n_changes, traced.n_changes);
    plain.release(&plain);
    traced.release(&traced);
    memstate_free(&s);
}

BTS_TEST_SUITE("structlog", NULL, NULL, BTS_TEST(test_structlog_call_depth_cost_storage),
               BTS_TEST(test_structlog_invalid_jump), BTS_TEST(test_structlog_revert_and_underflow),
               BTS_TEST(test_structlog_options), BTS_TEST(test_structlog_same_result));
