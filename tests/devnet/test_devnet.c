/* host/devnet pieces that need no running process: CREATE addresses, the state file, the
 * validators' files (genesis JSON equal to the preset code's block, span file, plugins.conf,
 * keystore, node key), the genesis with given producers, artifact lookup, free ports. */
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/borspan.h>
#include <bts/hex.h>
#include <bts/secp.h>

#include "devnet_int.h"
#include "genesis_int.h"
#include "keys_int.h"

static char g_tmp[64];

static int suite_init(void)
{
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/bttcd-devnet-test-XXXXXX");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int suite_clean(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_devnet_create_address_hardhat(void)
{
    /* The first two contracts dev account 0 creates on hardhat/anvil. */
    struct bt_address a0;
    uint8_t out[20];
    CU_ASSERT_FATAL(genesis_dev_address(&a0, 0) == BT_OK);
    dn_create_address(out, a0.bytes, 0);
    BTS_ASSERT_HEX(out, 20, "5fbdb2315678afecb367f032d93f642f64180aa3");
    dn_create_address(out, a0.bytes, 1);
    BTS_ASSERT_HEX(out, 20, "e7f1725e7734ce288f8367e1bb143e90bb3f0512");
}

static void make_devnet(struct devnet *d, const char *sub, uint32_t n)
{
    memset(d, 0, sizeof(*d));
    snprintf(d->dir, sizeof(d->dir), "%s/%s", g_tmp, sub);
    CU_ASSERT_FATAL(dn_mkdir(d->dir) == 0);
    d->n_val = n;
    for (uint32_t i = 0; i < n; i++) {
        struct bt_address a;
        CU_ASSERT_FATAL(genesis_dev_address(&a, i) == BT_OK);
        memcpy(d->val[i].addr, a.bytes, 20);
        bts_hex_format_eip55(d->val[i].addr_hex, a.bytes);
        d->val[i].http_port = 20000 + (int)i;
        d->val[i].ws_port = 21000 + (int)i;
        d->val[i].p2p_port = 22000 + (int)i;
    }
    for (int c = 0; c < DN_N_CHAINS; c++) {
        struct dn_base *b = &d->base[c];
        b->is_enabled = c != DN_BSC;
        b->chain_id = 100 + (uint64_t)c;
        b->http_port = 23000 + c;
        b->tron_api_port = c == DN_TRON ? 24000 : 0;
        snprintf(b->url, sizeof(b->url), "http://127.0.0.1:%d", b->http_port);
        b->is_deployed = c == DN_TRON;
        for (int k = 0; k < DN_N_CONTRACTS; k++)
            memset(b->addr[k], 0x10 + k, 20);
    }
}

static void test_devnet_state_roundtrip(void)
{
    struct devnet *d = calloc(1, sizeof(*d)), *e = calloc(1, sizeof(*e));
    char err[512];
    make_devnet(d, "state", 3);
    snprintf(d->val[1].enode, sizeof(d->val[1].enode), "enode://ab@127.0.0.1:22001");
    CU_ASSERT_FATAL(dn_state_save(d, err, sizeof(err)) == BT_OK);
    snprintf(e->dir, sizeof(e->dir), "%s", d->dir);
    CU_ASSERT_FATAL(dn_state_load(e, err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(e->n_val, 3);
    CU_ASSERT_EQUAL(e->val[2].p2p_port, 22002);
    CU_ASSERT_STRING_EQUAL(e->val[1].enode, "enode://ab@127.0.0.1:22001");
    CU_ASSERT_STRING_EQUAL(e->val[0].addr_hex, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    CU_ASSERT(e->base[DN_TRON].is_enabled && e->base[DN_TRON].is_deployed);
    CU_ASSERT_EQUAL(e->base[DN_TRON].tron_api_port, 24000);
    CU_ASSERT(!e->base[DN_BSC].is_enabled);
    CU_ASSERT(e->base[DN_ETH].is_enabled && !e->base[DN_ETH].is_deployed);
    CU_ASSERT(memcmp(e->base[DN_TRON].addr, d->base[DN_TRON].addr, sizeof(d->base[0].addr)) == 0);
    CU_ASSERT_STRING_EQUAL(e->base[DN_ETH].url, d->base[DN_ETH].url);
    free(d);
    free(e);
}

static void test_devnet_state_errors(void)
{
    struct devnet *d = calloc(1, sizeof(*d));
    char err[512] = "", path[4200];
    make_devnet(d, "bad", 1);
    CU_ASSERT_EQUAL(dn_state_load(d, err, sizeof(err)), BT_ENOTFOUND);
    snprintf(path, sizeof(path), "%s/%s", d->dir, DN_STATE_FILE);
    CU_ASSERT_FATAL(dn_write_file(path, "{\"validators\":2,\"nodes\":[]}", 0, err, sizeof(err)) ==
                    0);
    CU_ASSERT_EQUAL(dn_state_load(d, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT(strstr(err, "not a devnet state file") != NULL);
    CU_ASSERT_FATAL(dn_write_file(path, "{", 0, err, sizeof(err)) == 0);
    CU_ASSERT_EQUAL(dn_state_load(d, err, sizeof(err)), BT_EINVAL);
    free(d);
}

static void test_devnet_genesis_default_unchanged(void)
{
    /* genesis_devnet(n) is genesis_devnet_signers with the first four dev accounts. */
    struct genesis a, b, c;
    struct bt_address s[4];
    uint8_t ha[32], hb[32], hc[32];
    char err[256];
    for (uint32_t i = 0; i < 4; i++)
        CU_ASSERT_FATAL(genesis_dev_address(&s[i], i) == BT_OK);
    CU_ASSERT_FATAL(genesis_devnet(&a, 10, err, sizeof(err)) == BT_OK);
    CU_ASSERT_FATAL(genesis_devnet_signers(&b, 10, s, 4, err, sizeof(err)) == BT_OK);
    CU_ASSERT_FATAL(genesis_devnet_signers(&c, 10, s, 3, err, sizeof(err)) == BT_OK);
    CU_ASSERT(genesis_hash(&a, ha, NULL, err, sizeof(err)) == BT_OK);
    CU_ASSERT(genesis_hash(&b, hb, NULL, err, sizeof(err)) == BT_OK);
    CU_ASSERT(genesis_hash(&c, hc, NULL, err, sizeof(err)) == BT_OK);
    CU_ASSERT(memcmp(ha, hb, 32) == 0);
    CU_ASSERT(memcmp(ha, hc, 32) != 0);
    genesis_free(&a);
    genesis_free(&b);
    genesis_free(&c);
    CU_ASSERT_EQUAL(genesis_devnet_signers(&a, 10, s, 0, err, sizeof(err)), BT_EINVAL);
    genesis_free(&a);
}

static char *read_all(const char *path)
{
    char *t = NULL, err[256];
    size_t n = 0;
    return keydir_read_file(&t, &n, path, err, sizeof(err)) == BT_OK ? t : NULL;
}

static void test_devnet_setup_files(void)
{
    struct devnet *d = calloc(1, sizeof(*d));
    char err[512], path[4300];
    make_devnet(d, "setup", 5);
    CU_ASSERT_FATAL(dn_setup_validators(d, err, sizeof(err)) == BT_OK);
    /* the genesis: 5 producers, the preset code's block */
    struct genesis g, want;
    struct bt_address s[5];
    uint8_t hg[32], hw[32];
    for (uint32_t i = 0; i < 5; i++)
        memcpy(s[i].bytes, d->val[i].addr, 20);
    snprintf(path, sizeof(path), "%s/bttc-genesis.json", d->dir);
    CU_ASSERT_FATAL(genesis_load_file(&g, path, err, sizeof(err)) == BT_OK);
    CU_ASSERT_FATAL(genesis_devnet_signers(&want, 10, s, 5, err, sizeof(err)) == BT_OK);
    CU_ASSERT(genesis_hash(&g, hg, NULL, err, sizeof(err)) == BT_OK);
    CU_ASSERT(genesis_hash(&want, hw, NULL, err, sizeof(err)) == BT_OK);
    CU_ASSERT(memcmp(hg, hw, 32) == 0);
    CU_ASSERT_EQUAL(g.config.chain_id, DN_BTTC_CHAIN_ID);
    CU_ASSERT(g.config.has_bor && g.config.bor.sprint == DN_SPRINT &&
              g.config.bor.period == DN_PERIOD);
    genesis_free(&g);
    genesis_free(&want);
    /* spans: consecutive, 5 producers each */
    snprintf(path, sizeof(path), "%s/spans.json", d->dir);
    json_t *spans = json_load_file(path, 0, NULL);
    CU_ASSERT_FATAL(json_is_array(spans));
    CU_ASSERT_EQUAL(json_array_size(spans), DN_SPAN_COUNT);
    for (size_t k = 0; k < json_array_size(spans); k += 21) {
        char *t = json_dumps(json_array_get(spans, k), JSON_COMPACT);
        struct bts_span sp;
        char sub[200];
        CU_ASSERT_FATAL(bts_span_parse_json(&sp, t, strlen(t), sub, sizeof(sub)) == BT_OK);
        CU_ASSERT_EQUAL(sp.id, k);
        CU_ASSERT_EQUAL(sp.start_block, k * DN_SPAN_LEN);
        CU_ASSERT_EQUAL(sp.end_block, k * DN_SPAN_LEN + DN_SPAN_LEN - 1);
        CU_ASSERT_EQUAL(sp.n_producers, 5);
        bts_span_free(&sp);
        free(t);
    }
    json_decref(spans);
    /* plugins.conf of v4: signer, span file, the enabled adapters only */
    snprintf(path, sizeof(path), "%s/nodes/v4/plugins.conf", d->dir);
    char *conf = read_all(path);
    CU_ASSERT_FATAL(conf != NULL);
    CU_ASSERT(strstr(conf, "chain = devnet") != NULL);
    CU_ASSERT(strstr(conf, "signer = 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65") != NULL);
    CU_ASSERT(strstr(conf, "[plugin rootchain-tron]") != NULL);
    CU_ASSERT(strstr(conf, "root_chain = 411616161616161616161616161616161616161616") != NULL);
    CU_ASSERT(strstr(conf, "[plugin rootchain-ethereum]") != NULL);
    CU_ASSERT(strstr(conf, "[plugin rootchain-bsc]") == NULL);
    CU_ASSERT(strstr(conf, "development only") != NULL);
    free(conf);
    /* keystore: dev key 4 under the empty password; node key and enode */
    snprintf(path, sizeof(path), "%s/nodes/v4/keystore", d->dir);
    struct keydir_list l;
    const struct keydir_entry *ent = NULL;
    CU_ASSERT_FATAL(keydir_scan(&l, path, err, sizeof(err)) == BT_OK);
    CU_ASSERT_FATAL(keydir_find(&l, d->val[4].addr, &ent) == BT_OK);
    keydir_list_free(&l);
    CU_ASSERT(strncmp(d->val[4].enode, "enode://", 8) == 0);
    CU_ASSERT(strstr(d->val[4].enode, "@127.0.0.1:22004") != NULL);
    /* a second run keeps the node keys (same enodes) and writes no second key file */
    char enode[200];
    snprintf(enode, sizeof(enode), "%s", d->val[4].enode);
    CU_ASSERT_FATAL(dn_setup_validators(d, err, sizeof(err)) == BT_OK);
    CU_ASSERT_STRING_EQUAL(enode, d->val[4].enode);
    CU_ASSERT_FATAL(keydir_scan(&l, path, err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(l.n, 1);
    keydir_list_free(&l);
    free(d);
}

static void test_devnet_signer_dev_keys(void)
{
    struct devnet *d = calloc(1, sizeof(*d));
    char err[512];
    make_devnet(d, "signer", 3);
    CU_ASSERT_FATAL(dn_setup_signer(d, err, sizeof(err)) == BT_OK);
    uint8_t digest[32], sig[65], back[20];
    memset(digest, 0x5a, sizeof(digest));
    for (uint32_t i = 0; i < 3; i++) {
        int is_unlocked = 0;
        CU_ASSERT(signer_has(d->signer, d->val[i].addr, &is_unlocked) == BT_OK && is_unlocked);
        CU_ASSERT_FATAL(signer_sign(d->signer, sig, d->val[i].addr, digest) == BT_OK);
        CU_ASSERT(bts_secp_recover(back, digest, sig, 0) == BT_OK);
        CU_ASSERT(memcmp(back, d->val[i].addr, 20) == 0);
    }
    signer_free(d->signer);
    /* a second setup finds the keys and writes no new file */
    CU_ASSERT_FATAL(dn_setup_signer(d, err, sizeof(err)) == BT_OK);
    signer_free(d->signer);
    char kd[4200];
    struct keydir_list l;
    snprintf(kd, sizeof(kd), "%s/keystore", d->dir);
    CU_ASSERT_FATAL(keydir_scan(&l, kd, err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(l.n, 3);
    keydir_list_free(&l);
    free(d);
}

static void test_devnet_contracts_dir(void)
{
    char buf[4096], err[512];
    setenv("BTTCD_CONTRACTS_DIR", "/nonexistent-bttcd", 1);
    CU_ASSERT(dn_contracts_dir("/usr/bin/bttcd", buf, sizeof(buf), err, sizeof(err)) == NULL);
    CU_ASSERT(strstr(err, "BTTCD_CONTRACTS_DIR") != NULL);
    unsetenv("BTTCD_CONTRACTS_DIR");
    const char *dir = dn_contracts_dir("/usr/bin/bttcd", buf, sizeof(buf), err, sizeof(err));
    CU_ASSERT(dir != NULL); /* the source tree's contracts/build (compile-time path) */
}

static void test_devnet_free_port(void)
{
    int used[2];
    used[0] = dn_free_port(NULL, 0);
    CU_ASSERT(used[0] > 0);
    used[1] = dn_free_port(used, 1);
    CU_ASSERT(used[1] > 0 && used[1] != used[0]);
}

/* add-validator / unstake refuse a directory without a devnet, a devnet whose supervisor does
 * not run, and (with a supervisor pid file of a live non-bttcd process) change nothing. */
static void test_devnet_addval_refusals(void)
{
    struct devnet *d = calloc(1, sizeof(*d));
    char err[512], path[4300];
    make_devnet(d, "addval", 2);
    CU_ASSERT_EQUAL(dn_add_validator(d), 1); /* no devnet.json */
    CU_ASSERT_EQUAL(dn_unstake(d, 0), 1);
    CU_ASSERT_FATAL(dn_state_save(d, err, sizeof(err)) == BT_OK);
    snprintf(path, sizeof(path), "%s/run", d->dir);
    CU_ASSERT_FATAL(dn_mkdir(path) == 0);
    snprintf(path, sizeof(path), "%s/run/devnet.pid", d->dir);
    /* pid 1 lives but is not this bttcd: not a running supervisor */
    CU_ASSERT_FATAL(dn_write_file(path, "1\n", 0, err, sizeof(err)) == 0);
    CU_ASSERT_EQUAL(dn_add_validator(d), 1);
    CU_ASSERT_EQUAL(dn_unstake(d, 5), 1); /* not running comes before the number */
    struct devnet *e = calloc(1, sizeof(*e));
    snprintf(e->dir, sizeof(e->dir), "%s", d->dir);
    CU_ASSERT_FATAL(dn_state_load(e, err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(e->n_val, 2); /* nothing recorded */
    snprintf(path, sizeof(path), "%s/nodes/v2", d->dir);
    CU_ASSERT(access(path, F_OK) != 0);
    free(d);
    free(e);
}

BTS_TEST_SUITE("devnet", suite_init, suite_clean, BTS_TEST(test_devnet_create_address_hardhat),
               BTS_TEST(test_devnet_state_roundtrip), BTS_TEST(test_devnet_state_errors),
               BTS_TEST(test_devnet_genesis_default_unchanged), BTS_TEST(test_devnet_setup_files),
               BTS_TEST(test_devnet_signer_dev_keys), BTS_TEST(test_devnet_contracts_dir),
               BTS_TEST(test_devnet_free_port), BTS_TEST(test_devnet_addval_refusals));
