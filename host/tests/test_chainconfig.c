/* Chain config: geth-style "config" objects (good, and each error naming its field), the
 * presets, and the fork of a block. */
#include "chainconfig_int.h"

#include <bts/test.h>

#include <stdio.h>
#include <string.h>

/* The forks bttcd needs at 0, as a JSON fragment. */
#define BASE_FORKS                                                                                 \
    "\"homesteadBlock\":0,\"eip150Block\":0,\"eip155Block\":0,\"eip158Block\":0,"                  \
    "\"byzantiumBlock\":0,\"constantinopleBlock\":0,\"petersburgBlock\":0,\"istanbulBlock\":0"

#define BOR                                                                                        \
    "\"bor\":{\"period\":2,\"producerDelay\":6,\"sprint\":64,\"backupMultiplier\":2,"              \
    "\"validatorContract\":\"0x0000000000000000000000000000000000001000\","                        \
    "\"stateReceiverContract\":\"0x0000000000000000000000000000000000001001\""

static bt_status parse(const char *text, struct chaincfg *c, char *err, size_t err_cap)
{
    json_error_t jerr;
    json_t *obj = json_loads(text, 0, &jerr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
    bt_status st = chaincfg_parse(c, obj, err, err_cap);
    json_decref(obj);
    return st;
}

static void expect_error(const char *text, const char *want)
{
    struct chaincfg c;
    char err[512] = "";
    bt_status st = parse(text, &c, err, sizeof(err));
    CU_ASSERT_EQUAL(st, BT_EINVAL);
    if (strcmp(err, want) != 0)
        fprintf(stderr, "\n  config: %s\n  got:  %s\n  want: %s\n", text, err, want);
    CU_ASSERT_STRING_EQUAL(err, want);
    chaincfg_free(&c);
}

static void test_chainconfig_dev_style(void)
{
    struct chaincfg c;
    char err[256] = "";
    const char *text = "{\"chainId\":1337," BASE_FORKS ",\"muirGlacierBlock\":0,\"berlinBlock\":0,"
                       "\"londonBlock\":0,\"arrowGlacierBlock\":0,\"grayGlacierBlock\":0,"
                       "\"terminalTotalDifficulty\":0,\"terminalTotalDifficultyPassed\":true,"
                       "\"shanghaiTime\":0,\"cancunTime\":1700000000,\"ethash\":{}}";
    CU_ASSERT_EQUAL_FATAL(parse(text, &c, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(c.chain_id, 1337);
    CU_ASSERT_EQUAL(c.network_id, 1337);
    CU_ASSERT_EQUAL(c.berlin_block, 0);
    CU_ASSERT_EQUAL(c.london_block, 0);
    CU_ASSERT(c.has_ttd);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 0, 0), BT_EVM_SHANGHAI);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 5, 1699999999), BT_EVM_SHANGHAI);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 5, 1700000000), BT_EVM_CANCUN);
    CU_ASSERT_FALSE(chaincfg_bttc_logs(&c));
    CU_ASSERT_FALSE(chaincfg_is_sprint_end(&c, 63));
    chaincfg_free(&c);
}

static void test_chainconfig_fork_blocks(void)
{
    struct chaincfg c;
    char err[256] = "";
    /* Petersburg null means "with Constantinople" (go-ethereum IsPetersburg). */
    const char *text = "{\"chainId\":\"0x10\",\"homesteadBlock\":0,\"eip150Block\":0,"
                       "\"eip155Block\":0,\"eip158Block\":0,\"byzantiumBlock\":0,"
                       "\"constantinopleBlock\":0,\"petersburgBlock\":null,\"istanbulBlock\":0,"
                       "\"berlinBlock\":10,\"londonBlock\":20}";
    CU_ASSERT_EQUAL_FATAL(parse(text, &c, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(c.chain_id, 16);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 0, 0), BT_EVM_ISTANBUL);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 9, 0), BT_EVM_ISTANBUL);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 10, 0), BT_EVM_BERLIN);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 20, 0), BT_EVM_LONDON);
    struct bts_tx_rules r;
    chaincfg_tx_rules(&c, 15, 0, &r);
    CU_ASSERT_EQUAL(r.fork, BT_EVM_BERLIN);
    CU_ASSERT_EQUAL(r.chain_id, 16);
    chaincfg_free(&c);
}

static void test_chainconfig_bor(void)
{
    struct chaincfg c;
    char err[256] = "";
    const char *text =
        "{\"chainId\":199," BASE_FORKS ",\"muirGlacierBlock\":0,\"berlinBlock\":0," BOR
        ",\"overrideStateSyncRecords\":{\"200\":5,\"100\":0},"
        "\"blockAlloc\":{\"841500\":{\"0000000000000000000000000000000000001010\":"
        "{\"balance\":\"0x0\",\"code\":\"0x6001\"}}}}}";
    CU_ASSERT_EQUAL_FATAL(parse(text, &c, err, sizeof(err)), BT_OK);
    CU_ASSERT(c.has_bor);
    CU_ASSERT(chaincfg_bttc_logs(&c));
    CU_ASSERT_EQUAL(c.bor.period, 2);
    CU_ASSERT_EQUAL(c.bor.producer_delay, 6);
    CU_ASSERT_EQUAL(c.bor.sprint, 64);
    CU_ASSERT_EQUAL(c.bor.backup_multiplier, 2);
    CU_ASSERT_EQUAL(c.bor.validator_contract.bytes[18], 0x10);
    CU_ASSERT_EQUAL(c.bor.state_receiver_contract.bytes[19], 0x01);
    CU_ASSERT_EQUAL_FATAL(c.bor.n_overrides, 2);
    CU_ASSERT_EQUAL(c.bor.overrides[0].block, 100);
    CU_ASSERT_EQUAL(c.bor.overrides[1].count, 5);
    CU_ASSERT_PTR_NULL(chaincfg_block_alloc(&c, 841499));
    const struct alloc *a = chaincfg_block_alloc(&c, 841500);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL_FATAL(a->n, 1);
    CU_ASSERT_EQUAL(a->accounts[0].code_len, 2);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 1000000, 0), BT_EVM_BERLIN);
    CU_ASSERT(chaincfg_is_sprint_end(&c, 63));
    CU_ASSERT_FALSE(chaincfg_is_sprint_end(&c, 64));
    chaincfg_free(&c);
}

static void test_chainconfig_presets(void)
{
    struct chaincfg c;
    CU_ASSERT_EQUAL_FATAL(chaincfg_preset(&c, CHAINCFG_DEV), BT_OK);
    CU_ASSERT_EQUAL(c.chain_id, 1337);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 0, 0), BT_EVM_CANCUN);
    CU_ASSERT_FALSE(chaincfg_bttc_logs(&c));
    chaincfg_free(&c);

    CU_ASSERT_EQUAL_FATAL(chaincfg_preset(&c, CHAINCFG_MAINNET), BT_OK);
    CU_ASSERT_EQUAL(c.chain_id, 199);
    CU_ASSERT_EQUAL(c.network_id, 199);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 0, 0), BT_EVM_BERLIN);
    CU_ASSERT_EQUAL(chaincfg_fork_at(&c, 50000000, 2000000000), BT_EVM_BERLIN);
    CU_ASSERT(chaincfg_bttc_logs(&c));
    CU_ASSERT_EQUAL(c.bor.sprint, 64);
    CU_ASSERT_EQUAL(c.bor.n_overrides, 0);
    chaincfg_free(&c);

    CU_ASSERT_EQUAL_FATAL(chaincfg_preset(&c, CHAINCFG_DONAU), BT_OK);
    CU_ASSERT_EQUAL(c.chain_id, 1029);
    CU_ASSERT_EQUAL(c.bor.n_overrides, 9);
    CU_ASSERT_EQUAL(c.bor.validator_contract.bytes[18], 0x10);
    CU_ASSERT_EQUAL(c.bor.validator_contract.bytes[19], 0x00);
    chaincfg_free(&c);

    CU_ASSERT_EQUAL(chaincfg_preset(&c, (enum chaincfg_preset)7), BT_EINVAL);
}

static void test_chainconfig_errors(void)
{
    expect_error("[]", "config: not an object");
    expect_error("{}", "config.chainId: missing");
    expect_error("{\"chainId\":-1}", "config.chainId: negative number");
    expect_error("{\"chainId\":\"0xzz\"}", "config.chainId: invalid number \"0xzz\"");
    expect_error("{\"chainId\":true}", "config.chainId: not a number (want an integer, a "
                                       "decimal string or a 0x hex string)");
    expect_error("{\"chainId\":0}", "config.chainId: must be > 0");
    expect_error("{\"chainId\":1,\"homesteadBlock\":0}",
                 "config.eip150Block: missing, must be 0 (bttcd runs Istanbul and later rules "
                 "only)");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"istanbulBlock\":5}",
                 "config.istanbulBlock: must be 0 (bttcd runs Istanbul and later rules only)");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"berlinBlock\":\"0\"}",
                 "config.berlinBlock: not a non-negative integer");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"berlinBlock\":10,\"londonBlock\":5}",
                 "config: unsupported fork ordering: berlinBlock enabled at 10, but londonBlock "
                 "enabled at 5");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"londonBlock\":5}",
                 "config: unsupported fork ordering: berlinBlock not enabled, but londonBlock "
                 "enabled at 5");
    expect_error("{\"chainId\":1,\"daoForkBlock\":0," BASE_FORKS "}",
                 "config.daoForkBlock: the DAO fork is not supported");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"berlinBlock\":0,\"londonBlock\":0,"
                 "\"terminalTotalDifficulty\":58750000000}",
                 "config.terminalTotalDifficulty: only 0 (merged at genesis) is supported");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"berlinBlock\":0,\"londonBlock\":0,"
                 "\"shanghaiTime\":0}",
                 "config.shanghaiTime: needs londonBlock and terminalTotalDifficulty 0");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"berlinBlock\":0,\"londonBlock\":0,"
                 "\"terminalTotalDifficulty\":0,\"cancunTime\":0}",
                 "config: unsupported fork ordering: shanghaiTime not enabled, but cancunTime "
                 "enabled at 0");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"berlinBlock\":0,\"londonBlock\":0,"
                 "\"terminalTotalDifficulty\":0,\"shanghaiTime\":-1}",
                 "config.shanghaiTime: negative number");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"clique\":{\"period\":5}}",
                 "config.clique: the clique engine is not supported");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"bor\":7}", "config.bor: not an object");
    expect_error("{\"chainId\":1," BASE_FORKS "," BOR ",\"jaipurBlock\":0}}",
                 "config.bor.jaipurBlock: not supported (BTTC v1.0.8 has no such fork)");
    expect_error("{\"chainId\":1," BASE_FORKS "," BOR ",\"sprint\":0}}",
                 "config.bor.sprint: must be > 0");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"bor\":{\"sprint\":64}}",
                 "config.bor.validatorContract: missing");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"bor\":{\"sprint\":64,\"validatorContract\":"
                 "\"0x1000\",\"stateReceiverContract\":\"0x1001\"}}",
                 "config.bor.validatorContract: invalid address \"0x1000\" (want 40 hex digits)");
    expect_error("{\"chainId\":1," BASE_FORKS "," BOR ",\"period\":\"two\"}}",
                 "config.bor.period: invalid number \"two\"");
    expect_error("{\"chainId\":1," BASE_FORKS "," BOR ",\"overrideStateSyncRecords\":{\"x\":1}}}",
                 "config.bor.overrideStateSyncRecords: key \"x\" is not a block number");
    expect_error("{\"chainId\":1," BASE_FORKS "," BOR ",\"blockAlloc\":{\"5\":{\"0x01\":{}}}}}",
                 "config.bor.blockAlloc.5.0x01: invalid address \"0x01\" (want 40 hex digits)");
    expect_error("{\"chainId\":1," BASE_FORKS "," BOR
                 ",\"blockAlloc\":{\"5\":{\"0000000000000000000000000000000000001010\":{}}}}}",
                 "config.bor.blockAlloc.5.0000000000000000000000000000000000001010.balance: "
                 "missing");
    expect_error("{\"chainId\":1," BASE_FORKS ",\"berlinBlock\":0,\"londonBlock\":0," BOR "}}",
                 "config.londonBlock: not supported together with \"bor\" (BTTC runs Berlin)");
}

BTS_TEST_SUITE("chainconfig", NULL, NULL, BTS_TEST(test_chainconfig_dev_style),
               BTS_TEST(test_chainconfig_fork_blocks), BTS_TEST(test_chainconfig_bor),
               BTS_TEST(test_chainconfig_presets), BTS_TEST(test_chainconfig_errors));
