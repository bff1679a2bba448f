/* Transactions against ethereum-tests/TransactionTests (all 14 folders): for every fork the SDK
 * supports (Istanbul .. Cancun; "Merge" would mean Paris), decode txbytes, run the intrinsic
 * checks and sender recovery under chain id 1, and compare with the expected hash, sender and
 * intrinsic gas, or expect a rejection. Prints pass counts per fork. */
#include <bts/test.h>
#include <bts/tx.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const struct {
    const char *name;
    uint32_t fork;
} forks[] = {
    {"Istanbul", BT_EVM_ISTANBUL}, {"Berlin", BT_EVM_BERLIN}, {"London", BT_EVM_LONDON},
    {"Paris", BT_EVM_PARIS},       {"Merge", BT_EVM_PARIS},   {"Shanghai", BT_EVM_SHANGHAI},
    {"Cancun", BT_EVM_CANCUN},
};

static unsigned n_run[BTS_ARRAY_SIZE(forks)], n_pass[BTS_ARRAY_SIZE(forks)];

static uint64_t hex_u64(const char *s)
{
    return strtoull(s, NULL, 16);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

/* One (test, fork) case; returns 1 on pass and prints why otherwise. */
static int run_case(const char *name, const uint8_t *raw, size_t raw_len, uint32_t fork,
                    const json_t *want)
{
    struct bts_tx tx;
    struct bt_address sender;
    struct bts_tx_rules rules = {fork, 1};
    uint64_t intrinsic = 0;
    const char *exc = json_string_value(json_object_get(want, "exception"));
    /* go-ethereum's pool order: the signature before the gas checks. */
    bt_status st = bts_tx_decode(&tx, raw, raw_len);
    if (st == BT_OK)
        st = bts_tx_sender(&sender, &tx, &rules);
    if (st == BT_OK)
        st = bts_tx_check(&tx, &rules, &intrinsic);
    if (exc) {
        if (st != BT_OK)
            return 1;
        printf("  %s fork %u: accepted, want %s\n", name, fork, exc);
        return 0;
    }
    if (st != BT_OK) {
        printf("  %s fork %u: rejected (%s)\n", name, fork, bts_tx_strerror(st));
        return 0;
    }
    char got_hash[67] = "0x", got_sender[43] = "0x";
    hex(got_hash + 2, tx.hash.bytes, 32);
    hex(got_sender + 2, sender.bytes, 20);
    const char *want_hash = json_string_value(json_object_get(want, "hash"));
    const char *want_sender = json_string_value(json_object_get(want, "sender"));
    uint64_t want_gas = hex_u64(json_string_value(json_object_get(want, "intrinsicGas")));
    if (!want_hash || strcmp(want_hash, got_hash) || !want_sender ||
        strcmp(want_sender, got_sender) || want_gas != intrinsic) {
        printf("  %s fork %u: hash %s sender %s gas %llu, want %s %s %llu\n", name, fork, got_hash,
               got_sender, (unsigned long long)intrinsic, want_hash, want_sender,
               (unsigned long long)want_gas);
        return 0;
    }
    /* Round trip: a decoded transaction re-encodes to its input and hashes the same way. */
    struct bts_buf b = BTS_BUF_INIT;
    uint8_t h[32];
    CU_ASSERT_EQUAL(bts_tx_encode(&b, &tx), BT_OK);
    CU_ASSERT(b.len == raw_len && memcmp(b.data, raw, raw_len) == 0);
    CU_ASSERT_EQUAL(bts_tx_hash(h, &tx), BT_OK);
    CU_ASSERT(memcmp(h, tx.hash.bytes, 32) == 0);
    bts_buf_free(&b);
    return 1;
}

static void run_file(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err), *test;
    const char *name;
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    json_object_foreach(root, name, test)
    {
        size_t raw_len = 0;
        const char *txhex = json_string_value(json_object_get(test, "txbytes"));
        uint8_t *raw = bts_test_unhex(txhex, &raw_len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
        json_t *results = json_object_get(test, "result");
        for (size_t f = 0; f < BTS_ARRAY_SIZE(forks); f++) {
            json_t *want = json_object_get(results, forks[f].name);
            if (!want)
                continue;
            n_run[f]++;
            n_pass[f] += (unsigned)run_case(name, raw, raw_len, forks[f].fork, want);
        }
        free(raw);
    }
    json_decref(root);
}

static void test_tx_fixtures_all_forks(void)
{
    char pattern[4096];
    glob_t g;
    snprintf(pattern, sizeof(pattern), "%s/*/*.json",
             bts_test_fixture("ethereum-tests/TransactionTests"));
    CU_ASSERT_EQUAL_FATAL(glob(pattern, 0, NULL, &g), 0);
    printf("\n  %zu TransactionTests files\n", (size_t)g.gl_pathc);
    for (size_t i = 0; i < g.gl_pathc; i++)
        run_file(g.gl_pathv[i]);
    globfree(&g);
    unsigned total_run = 0, total_pass = 0;
    for (size_t f = 0; f < BTS_ARRAY_SIZE(forks); f++) {
        if (!n_run[f])
            continue;
        printf("  %-9s %u/%u\n", forks[f].name, n_pass[f], n_run[f]);
        total_run += n_run[f];
        total_pass += n_pass[f];
    }
    printf("  total     %u/%u\n", total_pass, total_run);
    CU_ASSERT(total_run > 0);
    CU_ASSERT_EQUAL(total_pass, total_run);
}

BTS_TEST_SUITE("tx_fixtures", NULL, NULL, BTS_TEST(test_tx_fixtures_all_forks));
