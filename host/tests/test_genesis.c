/* Genesis: geth-style files, presets (dev determinism, Bttc constants), the header defaults,
 * state roots cross-checked against ethereum-tests, and geth's mainnet genesis hash. */
#include "genesis_int.h"

#include <bts/hex.h>
#include <bts/test.h>
#include <bts/trie.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void data_path(char *out, size_t cap, const char *name)
{
    const char *src = getenv("BT_SOURCE_DIR");
    snprintf(out, cap, "%s/host/tests/data/chain/%s", src ? src : ".", name);
}

static void expect_error(const char *text, const char *want)
{
    struct genesis g;
    char err[512] = "";
    bt_status st = genesis_parse(&g, text, strlen(text), err, sizeof(err));
    CU_ASSERT(st == BT_EINVAL || st == BT_ERANGE);
    if (strcmp(err, want) != 0)
        fprintf(stderr, "\n  genesis: %s\n  got:  %s\n  want: %s\n", text, err, want);
    CU_ASSERT_STRING_EQUAL(err, want);
    genesis_free(&g);
}

#define CFG                                                                                        \
    "\"config\":{\"chainId\":5,\"homesteadBlock\":0,\"eip150Block\":0,\"eip155Block\":0,"          \
    "\"eip158Block\":0,\"byzantiumBlock\":0,\"constantinopleBlock\":0,"                            \
    "\"petersburgBlock\":0,\"istanbulBlock\":0}"

/* ethereum/tests' mainnet genesis (BasicTests/genesishashestest.json): the header assembled
 * from geth's mainnet genesis fields and the fixture's state root hashes to the fixture's
 * genesis hash. The 8893-account mainnet alloc is not in the fixtures, so the state root is
 * taken as given; roots computed from allocations are checked below against state tests. */
static void test_genesis_mainnet_ethereum_hash(void)
{
    char *text = bts_test_read_file(
        bts_test_fixture("ethereum-tests/BasicTests/genesishashestest.json"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    json_t *fx = json_loads(text, 0, NULL);
    free(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
    size_t n;
    uint8_t root[32];
    const char *root_hex = json_string_value(json_object_get(fx, "genesis_state_root"));
    CU_ASSERT_EQUAL_FATAL(bts_hex_decode(root, 32, &n, root_hex, strlen(root_hex), 0), BT_OK);

    struct genesis g;
    memset(&g, 0, sizeof(g));
    CU_ASSERT_EQUAL_FATAL(chaincfg_preset(&g.config, CHAINCFG_MAINNET), BT_OK);
    g.config.berlin_block = 12244000; /* geth mainnet: pre-London at block 0 */
    g.config.has_bor = 0;
    g.nonce = 0x42;
    g.gas_limit = 5000;
    g.has_difficulty = 1;
    g.difficulty = bts_u256_from_u64(0x400000000ull);
    uint8_t extra[32];
    const char *ex = "11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa";
    CU_ASSERT_EQUAL_FATAL(bts_hex_decode(extra, 32, &n, ex, 64, 0), BT_OK);
    g.extra = extra;
    g.extra_len = 32;
    struct bts_header h;
    genesis_header(&g, root, &h);
    uint8_t hash[32];
    CU_ASSERT_EQUAL_FATAL(bts_header_hash(hash, &h), BT_OK);
    BTS_ASSERT_HEX(hash, 32, json_string_value(json_object_get(fx, "genesis_hash")));
    struct bts_buf rlp = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_header_encode(&rlp, &h), BT_OK);
    /* The fixture's block RLP is [header, [], []]: the header follows the 3-byte list head. */
    const char *blk = json_string_value(json_object_get(fx, "genesis_rlp_hex"));
    CU_ASSERT(strlen(blk) == 2 * (rlp.len + 3 + 2));
    CU_ASSERT(strncasecmp(blk + 6, "f90214", 6) == 0);
    bts_buf_free(&rlp);
    g.extra = NULL;
    genesis_free(&g);
    json_decref(fx);
}

/* Every state test post-state of a transaction that fails validation keeps the pre-state, so
 * its "hash" is the state root of the "pre" allocation (the coinbase is absent from "pre"
 * and, being empty, is removed again under EIP-158). */
static void check_state_test(const char *rel)
{
    char *text = bts_test_read_file(bts_test_fixture(rel), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    json_t *fx = json_loads(text, 0, NULL);
    free(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
    const char *name;
    json_t *t;
    int checked = 0;
    json_object_foreach(fx, name, t)
    {
        struct alloc a;
        char err[256] = "";
        CU_ASSERT_EQUAL_FATAL(alloc_parse(&a, json_object_get(t, "pre"), "pre", err, sizeof(err)),
                              BT_OK);
        uint8_t root[32];
        CU_ASSERT_EQUAL_FATAL(alloc_state_root(&a, root), BT_OK);
        json_t *posts = json_object_get(json_object_get(t, "post"), "Cancun");
        size_t i;
        json_t *p;
        json_array_foreach(posts, i, p)
        {
            if (!json_object_get(p, "expectException"))
                continue;
            BTS_ASSERT_HEX(root, 32, json_string_value(json_object_get(p, "hash")) + 2);
            checked++;
        }
        alloc_free(&a);
    }
    CU_ASSERT(checked > 0);
    json_decref(fx);
}

static void test_genesis_alloc_roots_match_state_tests(void)
{
    check_state_test("ethereum-tests/GeneralStateTests/stEIP1559/outOfFunds.json");
    check_state_test("ethereum-tests/GeneralStateTests/stEIP1559/lowGasLimit.json"); /* storage */
}

static void test_genesis_empty_alloc_root(void)
{
    struct alloc a = {0};
    uint8_t root[32];
    CU_ASSERT_EQUAL_FATAL(alloc_state_root(&a, root), BT_OK);
    BTS_ASSERT_HEX(root, 32, "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
}

static void test_genesis_file(void)
{
    char path[512], err[512] = "";
    data_path(path, sizeof(path), "genesis-small.json");
    struct genesis g;
    CU_ASSERT_EQUAL_FATAL(genesis_load_file(&g, path, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(g.config.chain_id, 4242);
    CU_ASSERT_EQUAL(g.nonce, 0x42);
    CU_ASSERT_EQUAL(g.timestamp, 0x5ce28211);
    CU_ASSERT_EQUAL(g.gas_limit, 10000000);
    CU_ASSERT_EQUAL(g.extra_len, 32);
    CU_ASSERT_EQUAL_FATAL(g.alloc.n, 2);
    /* Sorted by address: 0x...1000 first. */
    const struct alloc_account *c = &g.alloc.accounts[0];
    CU_ASSERT_EQUAL(c->nonce, 1);
    CU_ASSERT_EQUAL(c->code_len, 6);
    CU_ASSERT_EQUAL_FATAL(c->n_storage, 2);
    CU_ASSERT_EQUAL(c->storage[0].value.bytes[31], 0x2a);
    CU_ASSERT_EQUAL(c->storage[1].key.bytes[31], 0x01);
    char dec[BTS_U256_DEC_MAX];
    bts_u256_to_dec(dec, &g.alloc.accounts[1].balance);
    CU_ASSERT_STRING_EQUAL(dec, "1000000000000000000000");
    CU_ASSERT_FALSE(g.has_expected_hash);

    uint8_t h1[32], h2[32];
    struct bts_header h;
    CU_ASSERT_EQUAL_FATAL(genesis_hash(&g, h1, &h, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(h.n_optional, BTS_HEADER_OPT_NONE); /* Berlin: no base fee */
    CU_ASSERT_EQUAL(h.difficulty.w[0], 1);
    CU_ASSERT_EQUAL(h.nonce[7], 0x42);
    BTS_ASSERT_HEX(h.tx_root.bytes, 32,
                   "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    BTS_ASSERT_HEX(h.uncle_hash.bytes, 32,
                   "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
    /* A zero storage value is not stored: dropping it gives the same root. */
    uint8_t r1[32], r2[32];
    CU_ASSERT_EQUAL_FATAL(genesis_state_root(&g, r1, err, sizeof(err)), BT_OK);
    g.alloc.accounts[0].n_storage = 1;
    CU_ASSERT_EQUAL_FATAL(genesis_state_root(&g, r2, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(r1, r2, 32), 0);
    CU_ASSERT_EQUAL_FATAL(genesis_hash(&g, h2, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(h1, h2, 32), 0);
    genesis_free(&g);

    data_path(path, sizeof(path), "no-such-genesis.json");
    CU_ASSERT_EQUAL(genesis_load_file(&g, path, err, sizeof(err)), BT_EIO);
    CU_ASSERT(strstr(err, "no-such-genesis.json: cannot open") != NULL);
    genesis_free(&g);
}

static void test_genesis_defaults(void)
{
    /* go-ethereum Genesis.ToBlock defaults: gas limit 4712388, difficulty 131072; London adds
     * the 1 gwei base fee. */
    const char *text = "{\"config\":{\"chainId\":5,\"homesteadBlock\":0,\"eip150Block\":0,"
                       "\"eip155Block\":0,\"eip158Block\":0,\"byzantiumBlock\":0,"
                       "\"constantinopleBlock\":0,\"petersburgBlock\":0,\"istanbulBlock\":0,"
                       "\"berlinBlock\":0,\"londonBlock\":0},\"alloc\":{}}";
    struct genesis g;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(genesis_parse(&g, text, strlen(text), err, sizeof(err)), BT_OK);
    uint8_t hash[32];
    struct bts_header h;
    CU_ASSERT_EQUAL_FATAL(genesis_hash(&g, hash, &h, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(h.gas_limit, 4712388);
    CU_ASSERT_EQUAL(h.difficulty.w[0], 131072);
    CU_ASSERT_EQUAL(h.n_optional, BTS_HEADER_OPT_BASE_FEE);
    CU_ASSERT_EQUAL(h.base_fee.w[0], 1000000000);
    BTS_ASSERT_HEX(h.state_root.bytes, 32,
                   "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    genesis_free(&g);
}

static void test_genesis_dev_preset(void)
{
    struct genesis g1, g2;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g1, "dev", GENESIS_DEV_ACCOUNTS, err, sizeof(err)),
                          BT_OK);
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g2, "dev", GENESIS_DEV_ACCOUNTS, err, sizeof(err)),
                          BT_OK);
    CU_ASSERT_EQUAL(g1.config.chain_id, 1337);
    CU_ASSERT_EQUAL(g1.alloc.n, GENESIS_DEV_ACCOUNTS);
    CU_ASSERT_FALSE(g1.has_expected_hash);
    uint8_t a[32], b[32];
    struct bts_header h;
    CU_ASSERT_EQUAL_FATAL(genesis_hash(&g1, a, &h, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL_FATAL(genesis_hash(&g2, b, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(a, b, 32), 0);
    CU_ASSERT_EQUAL(h.n_optional, BTS_HEADER_OPT_PARENT_BEACON_ROOT); /* Cancun at 0 */
    CU_ASSERT_EQUAL(h.gas_limit, 30000000);
    CU_ASSERT(bts_u256_is_zero(&h.difficulty));
    BTS_ASSERT_HEX(h.withdrawals_root.bytes, 32,
                   "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

    /* The anvil/hardhat accounts of "test test ... junk" (m/44'/60'/0'/0/i), as both print
     * them at start. */
    uint8_t key[32];
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, 0), BT_OK);
    BTS_ASSERT_HEX(key, 32, "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    struct bt_address addr;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_address(&addr, 0), BT_OK);
    BTS_ASSERT_HEX(addr.bytes, 20, "f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, 1), BT_OK);
    BTS_ASSERT_HEX(key, 32, "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    CU_ASSERT_EQUAL_FATAL(genesis_dev_address(&addr, 2), BT_OK);
    BTS_ASSERT_HEX(addr.bytes, 20, "3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    const struct alloc_account *acc = alloc_find(&g1.alloc, &addr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(acc);
    char dec[BTS_U256_DEC_MAX];
    bts_u256_to_dec(dec, &acc->balance);
    CU_ASSERT_STRING_EQUAL(dec, "10000000000000000000000");
    genesis_free(&g1);
    genesis_free(&g2);

    /* A different account count is a different chain. */
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g1, "dev", 3, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL_FATAL(genesis_hash(&g1, b, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(a, b, 32), 0);
    genesis_free(&g1);
    CU_ASSERT_EQUAL(genesis_preset(&g1, "dev", GENESIS_DEV_ACCOUNTS_MAX + 1, err, sizeof(err)),
                    BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "dev accounts: 1001 requested, at most 1000");
    genesis_free(&g1);
}

static void test_genesis_dev_keys_valid(void)
{
    for (uint32_t i = 0; i < GENESIS_DEV_ACCOUNTS_MAX; i++) {
        struct bt_address a;
        CU_ASSERT_EQUAL_FATAL(genesis_dev_address(&a, i), BT_OK);
    }
}

static void test_genesis_bttc_presets(void)
{
    struct genesis g;
    char err[256] = "";
    uint8_t hash[32];
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g, "mainnet", 0, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(g.config.chain_id, 199);
    CU_ASSERT(g.has_expected_hash);
    BTS_ASSERT_HEX(g.expected_hash.bytes, 32,
                   "021eb3b7c4161d91f6f92632ebe6e28aa440dd23e3016c086d0fad4b119fcdc1");
    CU_ASSERT_EQUAL(g.timestamp, 0x5ce28211);
    CU_ASSERT_EQUAL(g.gas_limit, 0x989680);
    CU_ASSERT_EQUAL(genesis_hash(&g, hash, NULL, err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(err, "chain id 199: the genesis allocation is not bundled; initialise "
                                "with `bttcd init --genesis FILE`");
    genesis_free(&g);

    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g, "donau", 0, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(g.config.chain_id, 1029);
    BTS_ASSERT_HEX(g.expected_hash.bytes, 32,
                   "9b0a7d8dcbdef00594103f1addbe206daa55f2e422ace24419b7680b3fb34cf5");
    /* A file claiming to be Donau with another allocation is refused by hash. */
    g.is_alloc_known = 1;
    CU_ASSERT_EQUAL(genesis_hash(&g, hash, NULL, err, sizeof(err)), BT_ESTALE);
    CU_ASSERT(strstr(err,
                     "differs from the network's "
                     "0x9b0a7d8dcbdef00594103f1addbe206daa55f2e422ace24419b7680b3fb34cf5") != NULL);
    genesis_free(&g);

    CU_ASSERT_EQUAL(genesis_preset(&g, "ropsten", 0, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "chain \"ropsten\": unknown (want dev, devnet, donau or mainnet)");
    genesis_free(&g);
}

static void test_genesis_errors(void)
{
    expect_error("{", "genesis.json:1:1: string or '}' expected near end of file");
    expect_error("[]", "genesis: not a JSON object");
    expect_error("{}", "config: missing");
    expect_error("{\"config\":{}}", "config.chainId: missing");
    expect_error("{" CFG ",\"gasLimit\":\"0xfffffffffffffffff\"}",
                 "gasLimit: number above 2^64 - 1");
    expect_error("{" CFG ",\"nonce\":\"abc\"}", "nonce: invalid number \"abc\"");
    expect_error("{" CFG ",\"extraData\":\"0x123\"}", "extraData: odd number of hex digits");
    expect_error("{" CFG ",\"extraData\":\"0xzz\"}", "extraData: invalid hex string");
    expect_error("{" CFG ",\"difficulty\":{}}",
                 "difficulty: not a number (want an integer, a decimal string or a 0x hex "
                 "string)");
    expect_error("{" CFG ",\"mixHash\":7}", "mixHash: not a hex string");
    expect_error("{" CFG ",\"coinbase\":\"0x12\"}",
                 "coinbase: invalid address \"0x12\" (want 40 hex digits)");
    expect_error("{" CFG ",\"excessBlobGas\":\"0x1\"}", "excessBlobGas: only 0 is supported");
    expect_error("{" CFG ",\"alloc\":[]}", "alloc: not an object");
    expect_error("{" CFG ",\"alloc\":{\"0x0000000000000000000000000000000000000001\":{}}}",
                 "alloc.0x0000000000000000000000000000000000000001.balance: missing");
    expect_error("{" CFG ",\"alloc\":{\"0x0000000000000000000000000000000000000001\":{"
                 "\"balance\":\"1\",\"storage\":{\"0x01\":5}}}}",
                 "alloc.0x0000000000000000000000000000000000000001.storage.0x01: not a hex "
                 "string");
    expect_error("{" CFG ",\"alloc\":{\"0x0000000000000000000000000000000000000001\":{"
                 "\"balance\":\"1\",\"code\":\"0x0\"}}}",
                 "alloc.0x0000000000000000000000000000000000000001.code: odd number of hex "
                 "digits");
    expect_error("{" CFG ",\"alloc\":{\"0x0000000000000000000000000000000000000001\":{"
                 "\"balance\":\"1\"},\"0000000000000000000000000000000000000001\":{"
                 "\"balance\":\"2\"}}}",
                 "alloc: duplicate address 0x0000000000000000000000000000000000000001");
    expect_error("{" CFG ",\"alloc\":{\"0x0000000000000000000000000000000000000001\":{"
                 "\"balance\":\"1\",\"storage\":{\"0x01\":\"0x1\",\"0x0001\":\"0x2\"}}}}",
                 "alloc.0x0000000000000000000000000000000000000001.storage: duplicate storage "
                 "key");
}

BTS_TEST_SUITE("genesis", NULL, NULL, BTS_TEST(test_genesis_mainnet_ethereum_hash),
               BTS_TEST(test_genesis_alloc_roots_match_state_tests),
               BTS_TEST(test_genesis_empty_alloc_root), BTS_TEST(test_genesis_file),
               BTS_TEST(test_genesis_defaults), BTS_TEST(test_genesis_dev_preset),
               BTS_TEST(test_genesis_dev_keys_valid), BTS_TEST(test_genesis_bttc_presets),
               BTS_TEST(test_genesis_errors));
