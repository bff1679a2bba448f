/* fuzz_evm: random bytecode on an almost empty state. The first byte picks the fork, the rest
 * is the code of the called contract; gas is bounded so every run ends quickly. The EVM must
 * never crash, hang or leak, and its result must be self-consistent. Inputs of odd length also
 * run through the traced interpreter (abi/bt/evm.h tracer), which must report step and
 * step_result in turn and compute exactly the untraced result. */
#include "tests/memstate.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The tracer's protocol: one step_result after each step, before the next step. */
struct tcheck {
    int open;
    uint64_t steps;
};

static void t_step(void *ctx, const struct bt_evm_step *s)
{
    struct tcheck *t = ctx;
    if (t->open || s->depth < 1 || s->depth > 1025 || s->stack_len > 1024 || s->memory_len % 32)
        abort();
    t->open = 1;
    t->steps++;
}

static void t_step_result(void *ctx, uint64_t gas_cost, const char *error)
{
    struct tcheck *t = ctx;
    (void)gas_cost;
    (void)error;
    if (!t->open)
        abort();
    t->open = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const uint8_t from[20] = {0xaa, [19] = 0x01}, to[20] = {0xbb, [19] = 0x02};
    struct ms_state s = {0};
    ms_add(&s, from, 1000000000000ull, NULL, 0);
    ms_add(&s, to, 1000, data + 1, size - 1);
    struct bt_evm_block blk = {
        .struct_size = sizeof(blk), .number = 100, .gas_limit = 10000000, .chain_id = 1};
    struct bt_evm_tx tx = {.struct_size = sizeof(tx), .has_to = 1, .gas_limit = 300000};
    memcpy(tx.from, from, 20);
    memcpy(tx.to, to, 20);
    tx.gas_price[31] = 1;
    tx.value[31] = (uint8_t)(data[0] >> 3);
    struct bt_evm_config cfg = {
        .struct_size = sizeof(cfg), .fork = 1u + data[0] % 6u, .flags = BT_EVM_F_BTTC_LOGS};
    struct bt_evm_result r;
    char err[256];
    /* One engine for the whole run, as in the plugin: pooled contexts and cached analyses must
     * not carry anything from one input to the next. */
    static struct evm_engine *eng;
    if (!eng && !(eng = evm_engine_new()))
        abort();
    bt_status st = evm_execute_in(eng, &ms_iface, &s, &blk, &tx, &cfg, &r, err, sizeof(err));
    if (st == BT_OK) {
        if (r.gas_used > tx.gas_limit || r.outcome > BT_EVM_FAILURE)
            abort();
    } else if (st != BT_ENOTSUP) {
        abort(); /* the transaction itself is always valid */
    }
    if (size % 2 == 1) {
        struct tcheck tc = {0};
        struct bt_evm_tracer tr = {
            .struct_size = sizeof(tr), .ctx = &tc, .step = t_step, .step_result = t_step_result};
        cfg.tracer = &tr;
        struct bt_evm_result t;
        bt_status tst = evm_execute_in(eng, &ms_iface, &s, &blk, &tx, &cfg, &t, err, sizeof(err));
        if (tst != st || tc.open)
            abort();
        if (tst == BT_OK) {
            if (t.gas_used != r.gas_used || t.outcome != r.outcome ||
                t.output_len != r.output_len || t.n_logs != r.n_logs ||
                t.n_changes != r.n_changes ||
                (t.output_len && memcmp(t.output, r.output, t.output_len) != 0))
                abort();
            t.release(&t);
        }
    }
    if (st == BT_OK)
        r.release(&r);
    return 0;
}
