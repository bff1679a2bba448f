/* `bttcd bridge` without processes: the devnet state reader (URLs and addresses taken, flags
 * winning, a missing basechain named), dev keys by address, and the usage errors of the
 * command line (exit status 2 before any network use). The round trip is tests/bridge. */
#include "bridge_int.h"

#include <bts/hex.h>
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "genesis_int.h"

static char tmp[64];

static void make_tmp(void)
{
    snprintf(tmp, sizeof(tmp), "/tmp/bttcd-test-bridge-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmp));
}

static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static const char STATE[] =
    "{\"validators\":1,\"nodes\":[{\"http_port\":41234}],\"basechains\":{\"eth\":{\"url\":"
    "\"http://127.0.0.1:5000\",\"contracts\":{\"RootChain\":"
    "\"0x1111111111111111111111111111111111111111\",\"ERC20Predicate\":"
    "\"0x2222222222222222222222222222222222222222\",\"DepositManager\":"
    "\"0x3333333333333333333333333333333333333333\",\"TestToken\":"
    "\"0x4444444444444444444444444444444444444444\"}}}}";

static void test_bridge_devnet_defaults(void)
{
    make_tmp();
    char path[128], err[256] = "";
    snprintf(path, sizeof(path), "%s/devnet.json", tmp);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(STATE, f);
    fclose(f);
    struct br_ctx c;
    memset(&c, 0, sizeof(c));
    snprintf(c.root_name, sizeof(c.root_name), "eth");
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, tmp, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(c.root_url, "http://127.0.0.1:5000");
    CU_ASSERT_STRING_EQUAL(c.bttc_url, "http://127.0.0.1:41234");
    CU_ASSERT(c.has_root_chain && c.has_predicate && c.has_deposit_manager && c.has_root_token);
    CU_ASSERT_EQUAL(c.root_chain[0], 0x11);
    CU_ASSERT_EQUAL(c.predicate[19], 0x22);
    CU_ASSERT_EQUAL(c.deposit_manager[0], 0x33);
    CU_ASSERT_EQUAL(c.root_token[0], 0x44);
    /* flags win */
    memset(&c, 0, sizeof(c));
    snprintf(c.root_name, sizeof(c.root_name), "eth");
    snprintf(c.root_url, sizeof(c.root_url), "http://given");
    c.has_root_chain = 1;
    memset(c.root_chain, 0xab, 20);
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, tmp, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(c.root_url, "http://given");
    CU_ASSERT_EQUAL(c.root_chain[0], 0xab);
    /* a basechain the devnet does not run */
    snprintf(c.root_name, sizeof(c.root_name), "bsc");
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, tmp, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT(strstr(err, "no basechain 'bsc'") != NULL);
    /* --dir without a state file is an error; the implicit ./devnet is not */
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/none", tmp);
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, sub, err, sizeof(err)), BT_EINVAL);
    char cwd[4096];
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
    CU_ASSERT_EQUAL_FATAL(chdir(tmp), 0);
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, NULL, err, sizeof(err)), BT_ENOTFOUND);
    /* a malformed file */
    f = fopen(path, "w");
    fputs("{", f);
    fclose(f);
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, tmp, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_EQUAL(chdir(cwd), 0);
    rm_tmp();
}

/* tron: transactions through the dev TRON API (its port in the state file), reads on its
 * /jsonrpc; --root-rpc and --tron-api win; another root chain gets no TRON API. */
static void test_bridge_devnet_tron_api(void)
{
    make_tmp();
    char path[128], err[256] = "";
    snprintf(path, sizeof(path), "%s/devnet.json", tmp);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("{\"nodes\":[{\"http_port\":41234}],\"basechains\":{\"tron\":{\"url\":"
          "\"http://127.0.0.1:5000\",\"tron_api_port\":5001,\"contracts\":{}},\"eth\":{"
          "\"url\":\"http://127.0.0.1:6000\",\"tron_api_port\":6001,\"contracts\":{}}}}",
          f);
    fclose(f);
    struct br_ctx c;
    memset(&c, 0, sizeof(c));
    snprintf(c.root_name, sizeof(c.root_name), "tron");
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, tmp, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(c.tron_api, "http://127.0.0.1:5001");
    CU_ASSERT_STRING_EQUAL(c.root_url, "http://127.0.0.1:5001/jsonrpc");
    CU_ASSERT(br_is_tron_api(&c, c.root_url));
    CU_ASSERT(!br_is_tron_api(&c, c.bttc_url));
    memset(&c, 0, sizeof(c));
    snprintf(c.root_name, sizeof(c.root_name), "tron");
    snprintf(c.root_url, sizeof(c.root_url), "http://given");
    snprintf(c.tron_api, sizeof(c.tron_api), "http://api");
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, tmp, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(c.root_url, "http://given");
    CU_ASSERT_STRING_EQUAL(c.tron_api, "http://api");
    memset(&c, 0, sizeof(c));
    snprintf(c.root_name, sizeof(c.root_name), "eth");
    CU_ASSERT_EQUAL(br_devnet_defaults(&c, tmp, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(c.tron_api, "");
    CU_ASSERT_STRING_EQUAL(c.root_url, "http://127.0.0.1:6000");
    CU_ASSERT(!br_is_tron_api(&c, c.root_url));
    rm_tmp();
}

static void test_bridge_dev_key_of(void)
{
    struct bt_address a;
    uint8_t key[32], want[32];
    CU_ASSERT_FATAL(genesis_dev_address(&a, 3) == BT_OK);
    CU_ASSERT_EQUAL(br_dev_key_of(a.bytes, key), BT_OK);
    CU_ASSERT_FATAL(genesis_dev_key(want, 3) == BT_OK);
    CU_ASSERT(memcmp(key, want, 32) == 0);
    memset(a.bytes, 0x5a, 20);
    CU_ASSERT_EQUAL(br_dev_key_of(a.bytes, key), BT_ENOTFOUND);
}

static int run(const char *const *args)
{
    char *argv[16];
    int n = 0;
    while (args[n] && n < 15) {
        argv[n] = (char *)args[n];
        n++;
    }
    argv[n] = NULL;
    return bridge_main(n, argv);
}

static void test_bridge_usage_errors(void)
{
    make_tmp();
    char cwd[4096];
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
    CU_ASSERT_EQUAL_FATAL(chdir(tmp), 0); /* no ./devnet here */
    static const char *const none[] = {"bridge", NULL};
    static const char *const unknown_cmd[] = {"bridge", "teleport", NULL};
    static const char *const unknown_opt[] = {"bridge", "deposit", "--fast", NULL};
    static const char *const bad_key[] = {"bridge", "withdraw", "--key", "dev99", NULL};
    static const char *const bad_from[] = {"bridge", "withdraw", "--from",
                                           "0x5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", NULL};
    static const char *const bad_amount[] = {"bridge", "withdraw", "--amount", "0", NULL};
    static const char *const no_value[] = {"bridge", "deposit", "--token", NULL};
    static const char *const bad_chain[] = {"bridge", "deposit", "--rootchain", "btc", NULL};
    static const char *const no_tx[] = {"bridge", "exit-payload", NULL};
    static const char *const no_urls[] = {
        "bridge", "exit-payload", "--tx",
        "0x1111111111111111111111111111111111111111111111111111111111111111", NULL};
    static const char *const no_token[] = {"bridge", "withdraw", "--amount", "5", NULL};
    static const char *const no_rpc[] = {"bridge",   "withdraw",
                                         "--amount", "5",
                                         "--token",  "0x1111111111111111111111111111111111111111",
                                         NULL};
    static const char *const *const cases[] = {none,     unknown_cmd, unknown_opt, bad_key,
                                               bad_from, bad_amount,  no_value,    bad_chain,
                                               no_tx,    no_urls,     no_token,    no_rpc};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(cases); i++) {
        int rc = run(cases[i]);
        if (rc != 2)
            printf("case %zu: exit %d\n", i, rc);
        CU_ASSERT_EQUAL(rc, 2);
    }
    static const char *const missing_dir[] = {"bridge", "withdraw", "--dir", "/nonexistent/x",
                                              NULL};
    CU_ASSERT_EQUAL(run(missing_dir), 1);
    CU_ASSERT_EQUAL(chdir(cwd), 0);
    rm_tmp();
}

BTS_TEST_SUITE("bridge", NULL, NULL, BTS_TEST(test_bridge_devnet_defaults),
               BTS_TEST(test_bridge_devnet_tron_api), BTS_TEST(test_bridge_dev_key_of),
               BTS_TEST(test_bridge_usage_errors));
