/* `--chain devnet` genesis: Bttc chain config, the genesis contracts' code equal to the compiled
 * artifacts, and span 0 in the validator set's storage, checked by running the real contract
 * code through the EVM: getCurrentSpan() = (0, 0, 255), getBorValidators(n) = the first dev
 * accounts with power 1, lastStateId() = 0, and a system call commitSpan for span 1 (PROTOCOL.md
 * §3.7, payload built by the SDK) that moves getCurrentSpan() to (1, 256, 6655). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/borspan.h>
#include <bts/hex.h>
#include <bts/test.h>

#include "evm_int.h"
#include "genesis_int.h"
#include "state_int.h"
#include "stor_testlib.h"

static struct genesis g;

static int init_suite(void)
{
    char err[256];
    return genesis_preset(&g, "devnet", 6, err, sizeof(err)) != BT_OK;
}

static int clean_suite(void)
{
    genesis_free(&g);
    return 0;
}

static void test_genesis_devnet_config(void)
{
    CU_ASSERT_EQUAL(g.config.chain_id, 1337);
    CU_ASSERT(g.config.has_bor);
    CU_ASSERT_EQUAL(g.config.bor.sprint, 64);
    CU_ASSERT_EQUAL(g.config.london_block, CHAINCFG_NEVER);
    CU_ASSERT_EQUAL(g.alloc.n, 6 + 3);
    CU_ASSERT(g.is_alloc_known);
    uint8_t h1[32], h2[32];
    char err[256];
    CU_ASSERT_EQUAL(genesis_hash(&g, h1, NULL, err, sizeof(err)), BT_OK);
    struct genesis g2;
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g2, "devnet", 6, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(genesis_hash(&g2, h2, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(h1, h2, 32), 0);
    genesis_free(&g2);
    CU_ASSERT_EQUAL(genesis_preset(&g2, "devnet", 0, err, sizeof(err)), BT_EINVAL);
    genesis_free(&g2);
}

/* contracts/build/berlin/<name>.json next to this source tree; NULL when not there. */
static char *artifact_code(const char *name)
{
    char path[512];
    const char *here = __FILE__;
    const char *cut = strstr(here, "host/tests/");
    if (!cut)
        return NULL;
    snprintf(path, sizeof(path), "%.*scontracts/build/berlin/%s.json", (int)(cut - here), here,
             name);
    json_t *j = json_load_file(path, 0, NULL);
    if (!j)
        return NULL;
    const char *s = json_string_value(json_object_get(j, "deployedBytecode"));
    char *out = s ? strdup(s[0] == '0' && s[1] == 'x' ? s + 2 : s) : NULL;
    json_decref(j);
    return out;
}

static void test_genesis_devnet_code_matches_artifacts(void)
{
    static const struct {
        const char *name;
        const char *hex;
    } C[] = {{"BorValidatorSet", genesis_devnet_validator_set_hex},
             {"StateReceiver", genesis_devnet_state_receiver_hex},
             {"MRC20", genesis_devnet_mrc20_hex}};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(C); i++) {
        char *want = artifact_code(C[i].name);
        if (!want) {
            fprintf(stderr, "skipped: contracts/build/berlin/%s.json not found\n", C[i].name);
            continue;
        }
        CU_ASSERT_STRING_EQUAL(C[i].hex, want);
        free(want);
    }
}

/* --- running the contracts ------------------------------------------------------------------ */

static struct bt_evm_result R;
static char EVM_ERR[256];

/* Execute a call from `from` at block `number`; the result stays in R (release after use). */
static void exec(struct state *st, const uint8_t from[20], uint16_t to_low, const uint8_t *data,
                 size_t len, uint64_t number, uint32_t flags)
{
    struct bt_evm_block blk = {.struct_size = sizeof(blk),
                               .number = number,
                               .timestamp = g.timestamp + 2 * number,
                               .gas_limit = 30000000,
                               .chain_id = 1337};
    struct bt_evm_tx tx = {.struct_size = sizeof(tx), .has_to = 1, .gas_limit = 10000000};
    memcpy(tx.from, from, 20);
    tx.to[18] = (uint8_t)(to_low >> 8);
    tx.to[19] = (uint8_t)to_low;
    tx.data = data;
    tx.data_len = len;
    struct bt_evm_config cfg = {.struct_size = sizeof(cfg), .fork = BT_EVM_BERLIN, .flags = flags};
    memset(&R, 0, sizeof(R));
    CU_ASSERT_EQUAL_FATAL(
        evm_execute(&state_evm_iface, st, &blk, &tx, &cfg, &R, EVM_ERR, sizeof(EVM_ERR)), BT_OK);
}

static uint64_t out_word(size_t i)
{
    CU_ASSERT_FATAL(R.output_len >= 32 * (i + 1));
    uint64_t v = 0;
    for (int k = 24; k < 32; k++)
        v = v << 8 | R.output[32 * i + k];
    return v;
}

static void release(void)
{
    if (R.release)
        R.release(&R);
}

static void test_genesis_devnet_span0_in_state(void)
{
    struct stl t;
    struct state *st;
    stl_open(&t, "storage-memory");
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(state_apply_alloc(st, &g.alloc), BT_OK);
    static const uint8_t zero[20];
    exec(st, zero, 0x1000, (const uint8_t *)"\xaf\x26\xaa\x96", 4, 1, BT_EVM_F_NO_CHECKS);
    CU_ASSERT_EQUAL(out_word(0), 0);
    CU_ASSERT_EQUAL(out_word(1), 0);
    CU_ASSERT_EQUAL(out_word(2), 255);
    release();
    for (uint64_t n = 1; n <= 300; n += 299) {
        uint8_t call[36] = {0x0c, 0x35, 0xb1, 0xcb};
        call[35] = (uint8_t)n;
        call[34] = (uint8_t)(n >> 8);
        exec(st, zero, 0x1000, call, sizeof(call), 1, BT_EVM_F_NO_CHECKS);
        CU_ASSERT_EQUAL(out_word(2), GENESIS_DEVNET_VALIDATORS);
        for (uint32_t i = 0; i < GENESIS_DEVNET_VALIDATORS; i++) {
            struct bt_address a;
            CU_ASSERT_EQUAL(genesis_dev_address(&a, i), BT_OK);
            CU_ASSERT_EQUAL(memcmp(R.output + 32 * (3 + i) + 12, a.bytes, 20), 0);
            CU_ASSERT_EQUAL(out_word(3 + GENESIS_DEVNET_VALIDATORS + 1 + i), 1);
        }
        release();
    }
    exec(st, zero, 0x1001, (const uint8_t *)"\x54\x07\xca\x67", 4, 1, BT_EVM_F_NO_CHECKS);
    CU_ASSERT_EQUAL(out_word(0), 0);
    release();

    /* commitSpan(1, 256, 6655, ...) by the system address at block 192 */
    struct bts_span_validator v[2] = {{.id = 1, .power = 1}, {.id = 2, .power = 1}};
    struct bt_address a0, a1;
    CU_ASSERT_EQUAL(genesis_dev_address(&a0, 0), BT_OK);
    CU_ASSERT_EQUAL(genesis_dev_address(&a1, 1), BT_OK);
    memcpy(v[0].signer, a0.bytes, 20);
    memcpy(v[1].signer, a1.bytes, 20);
    struct bts_span s = {.id = 1, .start_block = 256, .end_block = 6655};
    strcpy(s.chain_id, "1337");
    s.validators = v;
    s.n_validators = 2;
    s.producers = v;
    s.n_producers = 2;
    struct bts_buf data;
    bts_buf_init(&data);
    CU_ASSERT_EQUAL_FATAL(bts_span_commit_calldata(&data, &s), BT_OK);
    uint8_t sys[20];
    memset(sys, 0xff, 20);
    sys[19] = 0xfe;
    exec(st, sys, 0x1000, data.data, data.len, 192, BT_EVM_F_SYSTEM_CALL);
    CU_ASSERT_EQUAL(R.outcome, BT_EVM_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(state_apply(st, &R), BT_OK);
    release();
    /* a second commit of span 1 reverts ("Invalid span id") */
    exec(st, sys, 0x1000, data.data, data.len, 193, BT_EVM_F_SYSTEM_CALL);
    CU_ASSERT_NOT_EQUAL(R.outcome, BT_EVM_SUCCESS);
    release();
    bts_buf_free(&data);
    exec(st, zero, 0x1000, (const uint8_t *)"\xaf\x26\xaa\x96", 4, 300, BT_EVM_F_NO_CHECKS);
    CU_ASSERT_EQUAL(out_word(0), 1);
    CU_ASSERT_EQUAL(out_word(1), 256);
    CU_ASSERT_EQUAL(out_word(2), 6655);
    release();
    uint8_t call[36] = {0x0c, 0x35, 0xb1, 0xcb};
    call[34] = 0x01; /* 300 */
    call[35] = 0x2c;
    exec(st, zero, 0x1000, call, sizeof(call), 300, BT_EVM_F_NO_CHECKS);
    CU_ASSERT_EQUAL(out_word(2), 2);
    release();
    state_free(st);
    stl_close(&t);
}

BTS_TEST_SUITE("genesis_devnet", init_suite, clean_suite, BTS_TEST(test_genesis_devnet_config),
               BTS_TEST(test_genesis_devnet_code_matches_artifacts),
               BTS_TEST(test_genesis_devnet_span0_in_state));
