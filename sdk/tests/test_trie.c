/* Trie operations: empty trie, overwrite, deletion back to empty, iteration order and seek,
 * predecessor lookup, argument errors, and a random differential run against a sorted array. */
#include <bts/trie.h>

#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* Reference: a sorted array of (key, value), small and obviously right. */
struct ref_entry {
    uint8_t key[8], val[48];
    size_t key_len, val_len;
};

struct ref {
    struct ref_entry e[4096]; /* more than the 2801 possible keys */
    size_t n;
};

static int key_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t m = al < bl ? al : bl;
    int c = m ? memcmp(a, b, m) : 0;
    return c ? c : (al > bl) - (al < bl);
}

/* Index of the first entry >= key. */
static size_t ref_lower(const struct ref *r, const uint8_t *k, size_t kl)
{
    size_t i = 0;
    while (i < r->n && key_cmp(r->e[i].key, r->e[i].key_len, k, kl) < 0)
        i++;
    return i;
}

static void ref_put(struct ref *r, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    size_t i = ref_lower(r, k, kl);
    int found = i < r->n && key_cmp(r->e[i].key, r->e[i].key_len, k, kl) == 0;
    if (vl == 0) {
        if (found) {
            memmove(&r->e[i], &r->e[i + 1], (r->n - i - 1) * sizeof(r->e[0]));
            r->n--;
        }
        return;
    }
    if (!found) {
        memmove(&r->e[i + 1], &r->e[i], (r->n - i) * sizeof(r->e[0]));
        r->n++;
        memcpy(r->e[i].key, k, kl);
        r->e[i].key_len = kl;
    }
    memcpy(r->e[i].val, v, vl);
    r->e[i].val_len = vl;
}

/* Keys from a tiny alphabet, so they share prefixes and differ at every nibble position. */
static size_t random_key(uint8_t *k)
{
    static const uint8_t alphabet[] = {0x00, 0x01, 0x10, 0x11, 0x1f, 0xf1, 0xff};
    size_t kl = rnd(5);
    for (size_t i = 0; i < kl; i++)
        k[i] = alphabet[rnd(sizeof(alphabet))];
    return kl;
}

static void assert_same(struct bts_trie *t, const struct ref *r)
{
    struct bts_trie_iter *it;
    const uint8_t *k, *v;
    size_t kl, vl, i = 0;
    CU_ASSERT_EQUAL_FATAL(bts_trie_iter_new(&it, t, NULL, 0), BT_OK);
    while (bts_trie_iter_next(it, &k, &kl, &v, &vl) == BT_OK) {
        CU_ASSERT_FATAL(i < r->n);
        CU_ASSERT(key_cmp(k, kl, r->e[i].key, r->e[i].key_len) == 0);
        CU_ASSERT(vl == r->e[i].val_len && memcmp(v, r->e[i].val, vl) == 0);
        i++;
    }
    CU_ASSERT_EQUAL(i, r->n);
    bts_trie_iter_free(it);
    /* The root must not depend on history: rebuild from the reference in another order. */
    struct bts_trie *fresh;
    uint8_t a[32], b[32];
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&fresh, NULL, NULL, 0), BT_OK);
    for (size_t j = r->n; j-- > 0;)
        CU_ASSERT_EQUAL(
            bts_trie_put(fresh, r->e[j].key, r->e[j].key_len, r->e[j].val, r->e[j].val_len), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, a), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(fresh, b), BT_OK);
    CU_ASSERT(memcmp(a, b, 32) == 0);
    bts_trie_free(fresh);
}

static void test_trie_empty(void)
{
    struct bts_trie *t;
    uint8_t root[32];
    const uint8_t *k, *v;
    size_t kl, vl, count = 9;
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
    BTS_ASSERT_HEX(root, 32, "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    CU_ASSERT_EQUAL(bts_trie_get(t, (const uint8_t *)"a", 1, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(bts_trie_delete(t, (const uint8_t *)"a", 1), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get_prev(t, (const uint8_t *)"a", 1, &k, &kl, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_trie_count(t, &count), BT_OK);
    CU_ASSERT_EQUAL(count, 0);
    bts_trie_free(t);
    bts_trie_free(NULL);
    /* Opening the empty root needs no store. */
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, bts_trie_empty_root, BTS_TRIE_SECURE), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
    CU_ASSERT(memcmp(root, bts_trie_empty_root, 32) == 0);
    bts_trie_free(t);
}

static void test_trie_overwrite_and_empty_key(void)
{
    struct bts_trie *t;
    const uint8_t *v;
    size_t vl;
    uint8_t r1[32], r2[32];
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"dog", 3, (const uint8_t *)"puppy", 5), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_put(t, NULL, 0, (const uint8_t *)"root", 4), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, r1), BT_OK);
    /* Same value again: nothing changes. */
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"dog", 3, (const uint8_t *)"puppy", 5), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, r2), BT_OK);
    CU_ASSERT(memcmp(r1, r2, 32) == 0);
    /* Same length, then another length. */
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"dog", 3, (const uint8_t *)"kitty", 5), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get(t, (const uint8_t *)"dog", 3, &v, &vl), BT_OK);
    CU_ASSERT(vl == 5 && memcmp(v, "kitty", 5) == 0);
    CU_ASSERT_EQUAL(
        bts_trie_put(t, (const uint8_t *)"dog", 3, (const uint8_t *)"a much longer value", 19),
        BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get(t, (const uint8_t *)"dog", 3, &v, &vl), BT_OK);
    CU_ASSERT(vl == 19 && memcmp(v, "a much longer value", 19) == 0);
    CU_ASSERT_EQUAL(bts_trie_get(t, NULL, 0, &v, &vl), BT_OK);
    CU_ASSERT(vl == 4 && memcmp(v, "root", 4) == 0);
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"dog", 3, (const uint8_t *)"puppy", 5), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, r2), BT_OK);
    CU_ASSERT(memcmp(r1, r2, 32) == 0);
    /* Empty value deletes, as in go-ethereum. */
    CU_ASSERT_EQUAL(bts_trie_put(t, NULL, 0, (const uint8_t *)"", 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get(t, NULL, 0, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_trie_delete(t, (const uint8_t *)"dog", 3), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, r2), BT_OK);
    CU_ASSERT(memcmp(r2, bts_trie_empty_root, 32) == 0);
    bts_trie_free(t);
}

static void test_trie_delete_back_to_empty(void)
{
    for (int secure = 0; secure < 2; secure++) {
        struct bts_trie *t;
        uint8_t keys[600][32], root[32];
        CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, secure ? BTS_TRIE_SECURE : 0), BT_OK);
        for (size_t i = 0; i < 600; i++) {
            for (size_t j = 0; j < 32; j++)
                keys[i][j] = (uint8_t)rnd(256);
            keys[i][0] = (uint8_t)(i % 3); /* a few long shared prefixes too */
            CU_ASSERT_EQUAL(bts_trie_put(t, keys[i], 1 + i % 32, keys[i], 32), BT_OK);
        }
        CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
        for (size_t i = 0; i < 600; i++) {
            size_t at = (i * 7919) % 600; /* another order than insertion */
            CU_ASSERT_EQUAL(bts_trie_delete(t, keys[at], 1 + at % 32), BT_OK);
            if (i % 97 == 0)
                CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
        }
        CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
        CU_ASSERT(memcmp(root, bts_trie_empty_root, 32) == 0);
        bts_trie_free(t);
    }
}

static void test_trie_iteration_order_and_seek(void)
{
    static const char *const keys[] = {"", "a", "ab", "abc", "abd", "b", "ba", "c"};
    struct bts_trie *t;
    struct bts_trie_iter *it;
    const uint8_t *k, *v;
    size_t kl, vl, n = BTS_ARRAY_SIZE(keys);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
    for (size_t i = n; i-- > 0;)
        CU_ASSERT_EQUAL(
            bts_trie_put(t, (const uint8_t *)keys[i], strlen(keys[i]), (const uint8_t *)"v", 1),
            BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_trie_iter_new(&it, t, NULL, 0), BT_OK);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL_FATAL(bts_trie_iter_next(it, &k, &kl, &v, &vl), BT_OK);
        CU_ASSERT(kl == strlen(keys[i]) && memcmp(k, keys[i], kl) == 0);
    }
    CU_ASSERT_EQUAL(bts_trie_iter_next(it, &k, &kl, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_trie_iter_next(it, &k, &kl, &v, &vl), BT_ENOTFOUND);
    bts_trie_iter_free(it);
    /* seek: start between, on and past keys */
    static const struct {
        const char *start, *first;
    } seeks[] = {{"", ""},     {"a", "a"}, {"aa", "ab"}, {"abc", "abc"}, {"abca", "abd"},
                 {"abz", "b"}, {"b", "b"}, {"bb", "c"},  {"c", "c"},     {"d", NULL}};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(seeks); i++) {
        CU_ASSERT_EQUAL_FATAL(
            bts_trie_iter_new(&it, t, (const uint8_t *)seeks[i].start, strlen(seeks[i].start)),
            BT_OK);
        bt_status st = bts_trie_iter_next(it, &k, &kl, &v, &vl);
        if (seeks[i].first) {
            CU_ASSERT_EQUAL(st, BT_OK);
            CU_ASSERT(kl == strlen(seeks[i].first) && memcmp(k, seeks[i].first, kl) == 0);
        } else {
            CU_ASSERT_EQUAL(st, BT_ENOTFOUND);
        }
        bts_trie_iter_free(it);
    }
    /* predecessor */
    CU_ASSERT_EQUAL(bts_trie_get_prev(t, (const uint8_t *)"", 0, &k, &kl, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_trie_get_prev(t, (const uint8_t *)"a", 1, &k, &kl, &v, &vl), BT_OK);
    CU_ASSERT_EQUAL(kl, 0);
    CU_ASSERT_EQUAL(bts_trie_get_prev(t, (const uint8_t *)"abcz", 4, &k, &kl, &v, &vl), BT_OK);
    CU_ASSERT(kl == 3 && memcmp(k, "abc", 3) == 0);
    CU_ASSERT_EQUAL(bts_trie_get_prev(t, (const uint8_t *)"zz", 2, &k, &kl, &v, &vl), BT_OK);
    CU_ASSERT(kl == 1 && memcmp(k, "c", 1) == 0);
    bts_trie_free(t);
}

static void test_trie_random_against_reference(void)
{
    static struct ref r;
    struct bts_trie *t;
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
    r.n = 0;
    for (int round = 0; round < 4000; round++) {
        uint8_t k[8], v[48];
        size_t kl = random_key(k), vl = rnd(3) == 0 ? 0 : 1 + rnd(40);
        for (size_t i = 0; i < vl; i++)
            v[i] = (uint8_t)rnd(256);
        CU_ASSERT_EQUAL(bts_trie_put(t, k, kl, v, vl), BT_OK);
        ref_put(&r, k, kl, v, vl);
        /* look a random key up, and its predecessor */
        const uint8_t *gv, *gk;
        size_t gvl, gkl, ql = random_key(k);
        size_t i = ref_lower(&r, k, ql);
        int present = i < r.n && key_cmp(r.e[i].key, r.e[i].key_len, k, ql) == 0;
        CU_ASSERT_EQUAL(bts_trie_get(t, k, ql, &gv, &gvl), present ? BT_OK : BT_ENOTFOUND);
        if (present)
            CU_ASSERT(gvl == r.e[i].val_len && memcmp(gv, r.e[i].val, gvl) == 0);
        CU_ASSERT_EQUAL(bts_trie_get_prev(t, k, ql, &gk, &gkl, &gv, &gvl),
                        i > 0 ? BT_OK : BT_ENOTFOUND);
        if (i > 0)
            CU_ASSERT(key_cmp(gk, gkl, r.e[i - 1].key, r.e[i - 1].key_len) == 0);
        if (round % 250 == 0)
            assert_same(t, &r);
    }
    assert_same(t, &r);
    bts_trie_free(t);
}

/* Values past the pool's size classes take the malloc path. */
static void test_trie_large_values(void)
{
    static uint8_t big[5000];
    struct bts_trie *t;
    const uint8_t *v;
    size_t vl;
    uint8_t r1[32], r2[32];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 31);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"k1", 2, big, sizeof(big)), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"k2", 2, big, 1500), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, r1), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get(t, (const uint8_t *)"k1", 2, &v, &vl), BT_OK);
    CU_ASSERT(vl == sizeof(big) && memcmp(v, big, vl) == 0);
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"k1", 2, big, 10), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_put(t, (const uint8_t *)"k1", 2, big, sizeof(big)), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, r2), BT_OK);
    CU_ASSERT(memcmp(r1, r2, 32) == 0);
    CU_ASSERT_EQUAL(bts_trie_delete(t, (const uint8_t *)"k2", 2), BT_OK);
    bts_trie_free(t);
}

static void test_trie_argument_errors(void)
{
    struct bts_trie *t = (struct bts_trie *)&rng;
    struct bts_trie_iter *it;
    uint8_t big[BTS_TRIE_MAX_KEY_LEN + 1] = {0}, root[32] = {1};
    const uint8_t *k, *v;
    size_t kl, vl;
    struct bts_buf proof = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_trie_new(&t, NULL, NULL, 0x80), BT_EINVAL);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_EQUAL(bts_trie_new(&t, NULL, root, 0), BT_EINVAL); /* non-empty root, no store */
    struct bts_trie_store half = {NULL, NULL, NULL};
    CU_ASSERT_EQUAL(bts_trie_new(&t, &half, NULL, 0), BT_EINVAL);
    CU_ASSERT_EQUAL_FATAL(bts_trie_new(&t, NULL, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_put(t, big, sizeof(big), big, 1), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_trie_put(t, big, 1, big, (size_t)BTS_TRIE_MAX_VALUE_LEN + 1), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_trie_get(t, big, sizeof(big), &v, &vl), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_trie_delete(t, big, sizeof(big)), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_trie_prove(t, big, sizeof(big), &proof), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_trie_iter_new(&it, t, big, sizeof(big)), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_trie_get_prev(t, big, sizeof(big), &k, &kl, &v, &vl), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_trie_commit(t, root), BT_EINVAL); /* no store */
    /* The longest key works. */
    CU_ASSERT_EQUAL(bts_trie_put(t, big, BTS_TRIE_MAX_KEY_LEN, big, 1), BT_OK);
    big[BTS_TRIE_MAX_KEY_LEN - 1] = 1;
    CU_ASSERT_EQUAL(bts_trie_put(t, big, BTS_TRIE_MAX_KEY_LEN, big, 1), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_get(t, big, BTS_TRIE_MAX_KEY_LEN, &v, &vl), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_prove(t, big, BTS_TRIE_MAX_KEY_LEN, &proof), BT_OK);
    CU_ASSERT_EQUAL(bts_trie_root(t, root), BT_OK);
    CU_ASSERT_EQUAL(
        bts_trie_verify_proof(root, 0, big, BTS_TRIE_MAX_KEY_LEN, proof.data, proof.len, &v, &vl),
        BT_OK);
    CU_ASSERT_EQUAL(
        bts_trie_verify_proof(root, 0, big, sizeof(big), proof.data, proof.len, &v, &vl),
        BT_EINVAL);
    CU_ASSERT_EQUAL(bts_trie_verify_proof(root, 0x80, big, 1, proof.data, proof.len, &v, &vl),
                    BT_EINVAL);
    bts_buf_free(&proof);
    bts_trie_free(t);
}

BTS_TEST_SUITE("trie", NULL, NULL, BTS_TEST(test_trie_empty),
               BTS_TEST(test_trie_overwrite_and_empty_key),
               BTS_TEST(test_trie_delete_back_to_empty),
               BTS_TEST(test_trie_iteration_order_and_seek),
               BTS_TEST(test_trie_random_against_reference), BTS_TEST(test_trie_large_values),
               BTS_TEST(test_trie_argument_errors));
