/* The trie against every case of ethereum/tests TrieTests: plain and secure roots (in order and
 * in any order), hex-encoded secure tries and next/prev iteration. Each case is also committed,
 * reloaded from the store and proven key by key. */
#include <bts/trie.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

/* "0x.." is hex, anything else is the ASCII bytes (the TrieTests convention). */
static uint8_t *fixture_bytes(const char *s, size_t *out_len)
{
    if (s[0] == '0' && s[1] == 'x') {
        uint8_t *b = bts_test_unhex(s, out_len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        return b;
    }
    *out_len = strlen(s);
    uint8_t *b = malloc(*out_len + 1);
    memcpy(b, s, *out_len + 1);
    return b;
}

static json_t *load_fixture(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "ethereum-tests/TrieTests/%s", name);
    json_error_t err;
    json_t *root = json_load_file(bts_test_fixture(rel), 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    return root;
}

/* One operation of a case: value NULL means delete. */
struct op {
    uint8_t *key, *val;
    size_t key_len, val_len;
};

static size_t case_ops(json_t *in, struct op **out)
{
    size_t n = json_is_array(in) ? json_array_size(in) : json_object_size(in);
    struct op *ops = calloc(n ? n : 1, sizeof(*ops));
    size_t i = 0;
    if (json_is_array(in)) {
        json_t *pair;
        json_array_foreach(in, i, pair)
        {
            json_t *v = json_array_get(pair, 1);
            ops[i].key = fixture_bytes(json_string_value(json_array_get(pair, 0)), &ops[i].key_len);
            if (json_is_string(v))
                ops[i].val = fixture_bytes(json_string_value(v), &ops[i].val_len);
        }
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(in, k, v)
        {
            ops[i].key = fixture_bytes(k, &ops[i].key_len);
            if (json_is_string(v))
                ops[i].val = fixture_bytes(json_string_value(v), &ops[i].val_len);
            i++;
        }
    }
    *out = ops;
    return n;
}

static void free_ops(struct op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ops[i].key);
        free(ops[i].val);
    }
    free(ops);
}

static void apply(struct bts_trie *t, const struct op *op)
{
    CU_ASSERT_EQUAL(bts_trie_put(t, op->key, op->key_len, op->val, op->val ? op->val_len : 0),
                    BT_OK);
}

/* The last write of each key decides the final content. */
static int is_last_write(const struct op *ops, size_t n, size_t i)
{
    for (size_t j = i + 1; j < n; j++)
        if (ops[j].key_len == ops[i].key_len && !memcmp(ops[j].key, ops[i].key, ops[i].key_len))
            return 0;
    return 1;
}

/* Commit, reopen from the store, compare every value and every proof. */
static void check_reload(const struct op *ops, size_t n, uint32_t flags, const uint8_t *root)
{
    struct bts_trie_memstore *ms;
    struct bts_trie *t, *r;
    uint8_t got[32];
    CU_ASSERT_EQUAL_FATAL(bts_trie_memstore_new(&ms), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, bts_trie_memstore_store(ms), NULL, flags), BT_OK);
    for (size_t i = 0; i < n; i++)
        apply(t, &ops[i]);
    CU_ASSERT_EQUAL(bts_trie_commit(t, got), BT_OK);
    CU_ASSERT(memcmp(got, root, 32) == 0);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&r, bts_trie_memstore_store(ms), root, flags), BT_OK);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *v, *pv;
        size_t vl, pvl;
        struct bts_buf proof = BTS_BUF_INIT;
        if (!is_last_write(ops, n, i))
            continue;
        bt_status want = ops[i].val && ops[i].val_len ? BT_OK : BT_ENOTFOUND;
        CU_ASSERT_EQUAL(bts_trie_get(r, ops[i].key, ops[i].key_len, &v, &vl), want);
        CU_ASSERT_EQUAL(bts_trie_prove(r, ops[i].key, ops[i].key_len, &proof), BT_OK);
        CU_ASSERT_EQUAL(bts_trie_verify_proof(root, flags, ops[i].key, ops[i].key_len, proof.data,
                                              proof.len, &pv, &pvl),
                        want);
        if (want == BT_OK) {
            CU_ASSERT(vl == ops[i].val_len && memcmp(v, ops[i].val, vl) == 0);
            CU_ASSERT(pvl == vl && memcmp(pv, v, vl) == 0);
        }
        bts_buf_free(&proof);
    }
    CU_ASSERT_EQUAL(bts_trie_root(r, got), BT_OK);
    CU_ASSERT(memcmp(got, root, 32) == 0);
    bts_trie_free(r);
    bts_trie_free(t);
    bts_trie_memstore_free(ms);
}

/* Run every case of a root-test file; any-order files also run reversed. Returns the count. */
static size_t run_root_file(const char *name, uint32_t flags, int any_order)
{
    json_t *file = load_fixture(name);
    const char *case_name;
    json_t *tc;
    size_t cases = 0;
    json_object_foreach(file, case_name, tc)
    {
        struct op *ops;
        size_t n = case_ops(json_object_get(tc, "in"), &ops);
        size_t root_len;
        uint8_t *want = bts_test_unhex(json_string_value(json_object_get(tc, "root")), &root_len);
        CU_ASSERT_FATAL(want && root_len == 32);
        for (int pass = 0; pass < (any_order ? 2 : 1); pass++) {
            struct bts_trie *t;
            uint8_t got[32];
            CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, flags), BT_OK);
            for (size_t i = 0; i < n; i++)
                apply(t, &ops[pass ? n - 1 - i : i]);
            CU_ASSERT_EQUAL(bts_trie_root(t, got), BT_OK);
            if (memcmp(got, want, 32) != 0)
                printf("\n%s/%s (pass %d): root mismatch\n", name, case_name, pass);
            CU_ASSERT(memcmp(got, want, 32) == 0);
            bts_trie_free(t);
        }
        check_reload(ops, n, flags, want);
        free(want);
        free_ops(ops, n);
        cases++;
    }
    json_decref(file);
    printf("\n  %s: %zu cases ", name, cases);
    return cases;
}

static void test_trie_fixture_trietest(void)
{
    CU_ASSERT_EQUAL(run_root_file("trietest.json", 0, 0), 5);
}

static void test_trie_fixture_anyorder(void)
{
    CU_ASSERT_EQUAL(run_root_file("trieanyorder.json", 0, 1), 7);
}

static void test_trie_fixture_secure(void)
{
    CU_ASSERT_EQUAL(run_root_file("trietest_secureTrie.json", BTS_TRIE_SECURE, 0), 3);
}

static void test_trie_fixture_anyorder_secure(void)
{
    CU_ASSERT_EQUAL(run_root_file("trieanyorder_secureTrie.json", BTS_TRIE_SECURE, 1), 7);
}

static void test_trie_fixture_hex_secure(void)
{
    CU_ASSERT_EQUAL(run_root_file("hex_encoded_securetrie_test.json", BTS_TRIE_SECURE, 1), 3);
}

/* Each test is [key, prev, next]: the greatest key below and the least key above ("" = none). */
static void test_trie_fixture_nextprev(void)
{
    json_t *file = load_fixture("trietestnextprev.json");
    const char *case_name;
    json_t *tc;
    size_t checks = 0;
    json_object_foreach(file, case_name, tc)
    {
        struct bts_trie *t;
        size_t i;
        json_t *k, *row;
        CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
        json_array_foreach(json_object_get(tc, "in"), i, k)
        {
            const char *s = json_string_value(k);
            CU_ASSERT_EQUAL(
                bts_trie_put(t, (const uint8_t *)s, strlen(s), (const uint8_t *)s, strlen(s)),
                BT_OK);
        }
        json_array_foreach(json_object_get(tc, "tests"), i, row)
        {
            const char *key = json_string_value(json_array_get(row, 0));
            const char *prev = json_string_value(json_array_get(row, 1));
            const char *next = json_string_value(json_array_get(row, 2));
            const uint8_t *gk, *gv;
            size_t gkl, gvl;
            bt_status st =
                bts_trie_get_prev(t, (const uint8_t *)key, strlen(key), &gk, &gkl, &gv, &gvl);
            CU_ASSERT_EQUAL(st, *prev ? BT_OK : BT_ENOTFOUND);
            CU_ASSERT(!*prev || (gkl == strlen(prev) && !memcmp(gk, prev, gkl)));
            /* next: the first key >= key that is not key itself */
            struct bts_trie_iter *it;
            CU_ASSERT_EQUAL_FATAL(bts_trie_iter_new(&it, t, (const uint8_t *)key, strlen(key)),
                                  BT_OK);
            st = bts_trie_iter_next(it, &gk, &gkl, &gv, &gvl);
            if (st == BT_OK && gkl == strlen(key) && !memcmp(gk, key, gkl))
                st = bts_trie_iter_next(it, &gk, &gkl, &gv, &gvl);
            CU_ASSERT_EQUAL(st, *next ? BT_OK : BT_ENOTFOUND);
            CU_ASSERT(!*next || (gkl == strlen(next) && !memcmp(gk, next, gkl)));
            bts_trie_iter_free(it);
            checks++;
        }
        bts_trie_free(t);
    }
    json_decref(file);
    printf("\n  trietestnextprev.json: %zu checks ", checks);
    CU_ASSERT_EQUAL(checks, 12);
}

BTS_TEST_SUITE("trie_fixtures", NULL, NULL, BTS_TEST(test_trie_fixture_trietest),
               BTS_TEST(test_trie_fixture_anyorder), BTS_TEST(test_trie_fixture_secure),
               BTS_TEST(test_trie_fixture_anyorder_secure), BTS_TEST(test_trie_fixture_hex_secure),
               BTS_TEST(test_trie_fixture_nextprev));
