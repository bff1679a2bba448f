/* fuzz_evm: random bytecode on an almost empty state. The first byte picks the fork, the rest
 * is the code of the called contract; gas is bounded so every run ends quickly. The EVM must
 * never crash, hang or leak, and its result must be self-consistent. */
#include "tests/memstate.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        r.release(&r);
    } else if (st != BT_ENOTSUP) {
        abort(); /* the transaction itself is always valid */
    }
    return 0;
}
