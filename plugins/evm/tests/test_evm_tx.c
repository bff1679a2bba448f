/* Whole-transaction behaviour of the EVM: gas accounting of small programs, REVERT, geth's
 * error wording for invalid transactions, system calls, and BTTC's synthetic transfer and fee
 * logs (PROTOCOL.md §3.10) checked byte by byte against hand-computed values. */
#include "memstate.h"

#include <bts/test.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const uint8_t A[20] = {0xa9, 0x4f, 0x53, 0x74, 0xfc, 0xe5, 0xed, 0xbc, 0x8e, 0x2a,
                              0x86, 0x97, 0xc1, 0x53, 0x31, 0x67, 0x7e, 0x6e, 0xbf, 0x0b};
static const uint8_t B[20] = {0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
                              0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb};
static const uint8_t CB[20] = {0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
                               0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc};

static void setup(struct bt_evm_block *blk, struct bt_evm_tx *tx, uint64_t gas, uint64_t price,
                  uint64_t value)
{
    memset(blk, 0, sizeof(*blk));
    blk->struct_size = sizeof(*blk);
    blk->number = 10;
    blk->gas_limit = 30000000;
    blk->chain_id = 199;
    memcpy(blk->coinbase, CB, 20);
    memset(tx, 0, sizeof(*tx));
    tx->struct_size = sizeof(*tx);
    tx->has_to = 1;
    memcpy(tx->from, A, 20);
    memcpy(tx->to, B, 20);
    tx->gas_limit = gas;
    for (int i = 0; i < 8; i++) {
        tx->gas_price[31 - i] = (uint8_t)(price >> (8 * i));
        tx->value[31 - i] = (uint8_t)(value >> (8 * i));
    }
}

static void word(uint8_t out[32], uint64_t v)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++)
        out[31 - i] = (uint8_t)(v >> (8 * i));
}

static bt_status run(struct ms_state *s, const struct bt_evm_block *blk, const struct bt_evm_tx *tx,
                     uint32_t fork, uint32_t flags, struct bt_evm_result *r, char *err)
{
    struct bt_evm_config cfg = {.struct_size = sizeof(cfg), .fork = fork, .flags = flags};
    return evm_execute(&ms_iface, s, blk, tx, &cfg, r, err, 256);
}

static const struct bt_evm_account_change *change_of(const struct bt_evm_result *r,
                                                     const uint8_t addr[20])
{
    for (size_t i = 0; i < r->n_changes; i++) {
        if (memcmp(r->changes[i].address, addr, 20) == 0)
            return &r->changes[i];
    }
    return NULL;
}

static void test_evm_tx_sstore_gas(void)
{
    /* PUSH1 2 PUSH1 3 ADD PUSH1 0 SSTORE STOP */
    static const uint8_t code[] = {0x60, 0x02, 0x60, 0x03, 0x01, 0x60, 0x00, 0x55, 0x00};
    struct ms_state s = {0};
    ms_add(&s, A, 1000000000, NULL, 0);
    ms_add(&s, B, 0, code, sizeof(code));
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    setup(&blk, &tx, 100000, 1, 0);
    struct bt_evm_result r;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(run(&s, &blk, &tx, BT_EVM_BERLIN, 0, &r, err), BT_OK);
    CU_ASSERT_EQUAL(r.outcome, BT_EVM_SUCCESS);
    /* 21000 + 4 x 3 + SSTORE 0 -> 5 on a cold slot: 20000 + 2100 */
    CU_ASSERT_EQUAL(r.gas_used, 21000 + 12 + 22100);
    const struct bt_evm_account_change *b = change_of(&r, B);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL_FATAL(b->n_storage, 1);
    CU_ASSERT_EQUAL(b->storage[0].value[31], 5);
    r.release(&r);

    /* Istanbul prices the same store at 20000 with no cold surcharge. */
    CU_ASSERT_EQUAL_FATAL(run(&s, &blk, &tx, BT_EVM_ISTANBUL, 0, &r, err), BT_OK);
    CU_ASSERT_EQUAL(r.gas_used, 21000 + 12 + 20000);
    r.release(&r);
}

static void test_evm_tx_revert_returns_data_and_gas(void)
{
    /* PUSH1 0x2a PUSH1 0 MSTORE PUSH1 32 PUSH1 0 REVERT */
    static const uint8_t code[] = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xfd};
    struct ms_state s = {0};
    ms_add(&s, A, 1000000000, NULL, 0);
    ms_add(&s, B, 0, code, sizeof(code));
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    setup(&blk, &tx, 100000, 1, 0);
    struct bt_evm_result r;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(run(&s, &blk, &tx, BT_EVM_BERLIN, 0, &r, err), BT_OK);
    CU_ASSERT_EQUAL(r.outcome, BT_EVM_REVERT);
    CU_ASSERT_EQUAL(r.gas_used, 21000 + 3 + 3 + 3 + 3 + 3 + 3); /* memory: one word, 3 */
    CU_ASSERT_EQUAL_FATAL(r.output_len, 32);
    CU_ASSERT_EQUAL(r.output[31], 0x2a);
    r.release(&r);
}

static void test_evm_tx_invalid_opcode_burns_gas(void)
{
    static const uint8_t code[] = {0xfe};
    struct ms_state s = {0};
    ms_add(&s, A, 1000000000, NULL, 0);
    ms_add(&s, B, 0, code, sizeof(code));
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    setup(&blk, &tx, 50000, 1, 0);
    struct bt_evm_result r;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(run(&s, &blk, &tx, BT_EVM_BERLIN, 0, &r, err), BT_OK);
    CU_ASSERT_EQUAL(r.outcome, BT_EVM_FAILURE);
    CU_ASSERT_EQUAL(r.gas_used, 50000);
    r.release(&r);
}

static void test_evm_tx_error_wording(void)
{
    struct ms_state s = {0};
    ms_add(&s, A, 100000, NULL, 0)->nonce = 1;
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    struct bt_evm_result r;
    char err[256];
    setup(&blk, &tx, 21000, 1, 0);
    CU_ASSERT_EQUAL(run(&s, &blk, &tx, BT_EVM_BERLIN, 0, &r, err), BT_EINVAL);
    CU_ASSERT_EQUAL(strncmp(err, "nonce too low: address 0x", 25), 0);
    CU_ASSERT_EQUAL(
        strcasecmp(err + 23, "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b, tx: 0 state: 1"), 0);
    CU_ASSERT_PTR_NULL(r.release);

    tx.nonce = 1;
    tx.gas_limit = 20000;
    CU_ASSERT_EQUAL(run(&s, &blk, &tx, BT_EVM_BERLIN, 0, &r, err), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "intrinsic gas too low: have 20000, want 21000");

    setup(&blk, &tx, 21000, 10, 1);
    tx.nonce = 1;
    CU_ASSERT_EQUAL(run(&s, &blk, &tx, BT_EVM_BERLIN, 0, &r, err), BT_EINVAL);
    CU_ASSERT_EQUAL(strncmp(err, "insufficient funds for gas * price + value: address 0x", 54), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, " have 100000 want 210001"));
}

static void test_evm_tx_bttc_logs(void)
{
    struct ms_state s = {0};
    ms_add(&s, A, 1000000, NULL, 0);
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    setup(&blk, &tx, 21000, 2, 1000);
    struct bt_evm_result r;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(run(&s, &blk, &tx, BT_EVM_BERLIN, BT_EVM_F_BTTC_LOGS, &r, err), BT_OK);
    CU_ASSERT_EQUAL(r.gas_used, 21000);
    CU_ASSERT_EQUAL_FATAL(r.n_logs, 2);
    static const uint8_t mrc20[20] = {[18] = 0x10, [19] = 0x10};
    uint8_t w[32];
    /* Transfer log: A pays 1000 to B after buying 21000 gas at 2 (balance 1000000 - 42000). */
    const struct bt_evm_log *l = &r.logs[0];
    CU_ASSERT_EQUAL(memcmp(l->address, mrc20, 20), 0);
    CU_ASSERT_EQUAL(l->n_topics, 4);
    BTS_ASSERT_HEX(l->topics[0], 32,
                   "e6497e3ee548a3372136af2fcb0696db31fc6cf20260707645068bd3fe97f3c4");
    BTS_ASSERT_HEX(l->topics[1], 32,
                   "0000000000000000000000000000000000000000000000000000000000001010");
    CU_ASSERT_EQUAL(memcmp(l->topics[2] + 12, A, 20), 0);
    CU_ASSERT_EQUAL(memcmp(l->topics[3] + 12, B, 20), 0);
    CU_ASSERT_EQUAL_FATAL(l->data_len, 160);
    word(w, 1000);
    CU_ASSERT_EQUAL(memcmp(l->data, w, 32), 0);
    word(w, 958000); /* from before */
    CU_ASSERT_EQUAL(memcmp(l->data + 32, w, 32), 0);
    word(w, 0); /* to before */
    CU_ASSERT_EQUAL(memcmp(l->data + 64, w, 32), 0);
    word(w, 957000); /* from after */
    CU_ASSERT_EQUAL(memcmp(l->data + 96, w, 32), 0);
    word(w, 1000); /* to after */
    CU_ASSERT_EQUAL(memcmp(l->data + 128, w, 32), 0);
    /* Fee log: 21000 x 2 = 42000 to the coinbase; inputs read before the gas purchase. */
    l = &r.logs[1];
    BTS_ASSERT_HEX(l->topics[0], 32,
                   "4dfe1bbbcf077ddc3e01291eea2d5c70c2b422b415d95645b9adcfd678cb1d63");
    CU_ASSERT_EQUAL(memcmp(l->topics[3] + 12, CB, 20), 0);
    word(w, 42000);
    CU_ASSERT_EQUAL(memcmp(l->data, w, 32), 0);
    word(w, 1000000);
    CU_ASSERT_EQUAL(memcmp(l->data + 32, w, 32), 0);
    word(w, 0);
    CU_ASSERT_EQUAL(memcmp(l->data + 64, w, 32), 0);
    word(w, 958000);
    CU_ASSERT_EQUAL(memcmp(l->data + 96, w, 32), 0);
    word(w, 42000);
    CU_ASSERT_EQUAL(memcmp(l->data + 128, w, 32), 0);
    const struct bt_evm_account_change *cb = change_of(&r, CB);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cb);
    word(w, 42000);
    CU_ASSERT_EQUAL(memcmp(cb->balance, w, 32), 0);
    r.release(&r);

    /* Without the flag: no synthetic logs. */
    CU_ASSERT_EQUAL_FATAL(run(&s, &blk, &tx, BT_EVM_BERLIN, 0, &r, err), BT_OK);
    CU_ASSERT_EQUAL(r.n_logs, 0);
    r.release(&r);
}

static void test_evm_tx_system_call(void)
{
    static const uint8_t code[] = {0x60, 0x01, 0x60, 0x00, 0x55, 0x00};
    struct ms_state s = {0};
    ms_add(&s, B, 0, code, sizeof(code));
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    setup(&blk, &tx, (1ull << 63) - 1, 0, 0);
    memset(tx.from, 0xff, 20);
    tx.from[19] = 0xfe;
    struct bt_evm_result r;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(
        run(&s, &blk, &tx, BT_EVM_BERLIN, BT_EVM_F_SYSTEM_CALL | BT_EVM_F_BTTC_LOGS, &r, err),
        BT_OK);
    CU_ASSERT_EQUAL(r.outcome, BT_EVM_SUCCESS);
    CU_ASSERT_EQUAL(r.n_logs, 0);
    CU_ASSERT_PTR_NULL(change_of(&r, tx.from)); /* no nonce change, no fee */
    CU_ASSERT_PTR_NULL(change_of(&r, CB));
    CU_ASSERT_PTR_NOT_NULL(change_of(&r, B));
    r.release(&r);
}

/* 1025 nested frames (the depth limit) on a worker thread with a small stack: execute() must
 * move to a thread with enough stack instead of overflowing (tx.c, EVM_STACK_NEED). Every
 * frame increments slot 0 and calls itself with all its gas; the call from depth 1024 fails. */
struct deep_run {
    bt_status st;
    uint32_t outcome;
    uint8_t slot0[32];
    int n_storage;
};

static void *deep_thread(void *p)
{
    static const uint8_t code[] = {0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x60,
                                   0x00, 0x80, 0x80, 0x80, 0x80, 0x30, 0x5a, 0xf1, 0x00};
    struct deep_run *d = p;
    struct ms_state s = {0};
    ms_add(&s, A, 1000000000, NULL, 0);
    ms_add(&s, B, 0, code, sizeof(code));
    struct bt_evm_block blk;
    struct bt_evm_tx tx;
    setup(&blk, &tx, 1000000000000ull, 0, 0); /* 63/64 and ~330 gas per level */
    blk.gas_limit = tx.gas_limit;
    struct bt_evm_result r;
    char err[256];
    d->st = run(&s, &blk, &tx, BT_EVM_LONDON, 0, &r, err);
    if (d->st != BT_OK)
        return NULL;
    d->outcome = r.outcome;
    const struct bt_evm_account_change *b = change_of(&r, B);
    d->n_storage = b ? (int)b->n_storage : -1;
    if (b && b->n_storage == 1)
        memcpy(d->slot0, b->storage[0].value, 32);
    r.release(&r);
    return NULL;
}

static void test_evm_tx_depth_limit_small_stack(void)
{
    struct deep_run d;
    memset(&d, 0, sizeof(d));
    pthread_attr_t a;
    pthread_t th;
    CU_ASSERT_EQUAL_FATAL(pthread_attr_init(&a), 0);
    CU_ASSERT_EQUAL_FATAL(pthread_attr_setstacksize(&a, 256u << 10), 0);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&th, &a, deep_thread, &d), 0);
    pthread_attr_destroy(&a);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL_FATAL(d.st, BT_OK);
    CU_ASSERT_EQUAL(d.outcome, BT_EVM_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(d.n_storage, 1);
    uint8_t want[32];
    word(want, 1025);
    CU_ASSERT_EQUAL(memcmp(d.slot0, want, 32), 0);
}

/* One engine shared by threads (as the plugin instance is): cached analyses and pooled
 * contexts must give every execution the same result. */
struct shared_run {
    struct evm_engine *eng;
    int bad;
};

static void *shared_thread(void *p)
{
    /* PUSH1 2 PUSH1 3 ADD PUSH1 0 SSTORE STOP */
    static const uint8_t code[] = {0x60, 0x02, 0x60, 0x03, 0x01, 0x60, 0x00, 0x55, 0x00};
    struct shared_run *x = p;
    for (int i = 0; i < 200; i++) {
        struct ms_state s = {0};
        ms_add(&s, A, 1000000000, NULL, 0);
        ms_add(&s, B, 0, code, sizeof(code));
        struct bt_evm_block blk;
        struct bt_evm_tx tx;
        setup(&blk, &tx, 100000, 1, 0);
        struct bt_evm_config cfg = {.struct_size = sizeof(cfg),
                                    .fork = i % 2 ? BT_EVM_BERLIN : BT_EVM_ISTANBUL};
        struct bt_evm_result r;
        char err[256];
        if (evm_execute_in(x->eng, &ms_iface, &s, &blk, &tx, &cfg, &r, err, sizeof(err)) != BT_OK) {
            x->bad++;
            continue;
        }
        uint64_t want = 21000 + 12 + (i % 2 ? 22100 : 20000);
        if (r.outcome != BT_EVM_SUCCESS || r.gas_used != want)
            x->bad++;
        r.release(&r);
    }
    return NULL;
}

static void test_evm_tx_engine_shared_by_threads(void)
{
    struct evm_engine *eng = evm_engine_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(eng);
    struct shared_run runs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        runs[i].eng = eng;
        runs[i].bad = 0;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, shared_thread, &runs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CU_ASSERT_EQUAL(runs[i].bad, 0);
    }
    evm_engine_free(eng);
}

BTS_TEST_SUITE("evm_tx", NULL, NULL, BTS_TEST(test_evm_tx_sstore_gas),
               BTS_TEST(test_evm_tx_revert_returns_data_and_gas),
               BTS_TEST(test_evm_tx_invalid_opcode_burns_gas), BTS_TEST(test_evm_tx_error_wording),
               BTS_TEST(test_evm_tx_bttc_logs), BTS_TEST(test_evm_tx_system_call),
               BTS_TEST(test_evm_tx_depth_limit_small_stack),
               BTS_TEST(test_evm_tx_engine_shared_by_threads));
