/* Key ranges: bytewise order, bound copies, containment and the seek clamps storage backends
 * apply before seeking. */
#include <bts/kvrange.h>
#include <bts/test.h>

#include <string.h>

#define K(s) (const uint8_t *)(s), strlen(s)

static void test_kvrange_cmp_prefix_first(void)
{
    CU_ASSERT(bts_kvrange_cmp(K("ab"), K("abc")) < 0);
    CU_ASSERT(bts_kvrange_cmp(K("abc"), K("ab")) > 0);
    CU_ASSERT(bts_kvrange_cmp(K("abc"), K("abc")) == 0);
    CU_ASSERT(bts_kvrange_cmp(NULL, 0, K("a")) < 0);
    CU_ASSERT(bts_kvrange_cmp(NULL, 0, NULL, 0) == 0);
    const uint8_t hi[] = {0xff}, lo[] = {0x01};
    CU_ASSERT(bts_kvrange_cmp(hi, 1, lo, 1) > 0); /* unsigned bytes */
}

static void test_kvrange_contains_half_open(void)
{
    struct bts_kvrange r = {0};
    CU_ASSERT(bts_kvrange_contains(&r, K("x")) == 1);
    CU_ASSERT_EQUAL(bts_kvrange_set(&r, K("b"), K("d")), BT_OK);
    CU_ASSERT(bts_kvrange_contains(&r, K("a")) == 0);
    CU_ASSERT(bts_kvrange_contains(&r, K("b")) == 1);
    CU_ASSERT(bts_kvrange_contains(&r, K("cz")) == 1);
    CU_ASSERT(bts_kvrange_contains(&r, K("d")) == 0);
    bts_kvrange_free(&r);
    CU_ASSERT(r.lower.is_set == 0 && r.upper.key == NULL);
    bts_kvrange_free(NULL);
}

static void test_kvrange_empty_key_bound_is_set(void)
{
    struct bts_kvrange r = {0};
    CU_ASSERT_EQUAL(bts_kvrange_set(&r, (const uint8_t *)"", 0, NULL, 0), BT_OK);
    CU_ASSERT(r.lower.is_set == 1 && r.lower.key != NULL && r.lower.len == 0);
    CU_ASSERT(r.upper.is_set == 0);
    bts_kvrange_free(&r);
}

static void test_kvrange_clamp_seek(void)
{
    struct bts_kvrange r = {0};
    CU_ASSERT_EQUAL(bts_kvrange_set(&r, K("b"), K("d")), BT_OK);
    const uint8_t *k = NULL;
    size_t kl = 0;
    bts_kvrange_clamp_seek(&r, &k, &kl);
    CU_ASSERT(kl == 1 && memcmp(k, "b", 1) == 0);
    k = (const uint8_t *)"a";
    kl = 1;
    bts_kvrange_clamp_seek(&r, &k, &kl);
    CU_ASSERT(k == r.lower.key);
    k = (const uint8_t *)"c";
    bts_kvrange_clamp_seek(&r, &k, &kl);
    CU_ASSERT(memcmp(k, "c", 1) == 0);
    bts_kvrange_free(&r);
}

static void test_kvrange_clamp_seek_prev(void)
{
    struct bts_kvrange r = {0};
    const uint8_t *k = NULL;
    size_t kl = 0;
    CU_ASSERT(bts_kvrange_clamp_seek_prev(&r, &k, &kl) == 0 && k == NULL);
    CU_ASSERT_EQUAL(bts_kvrange_set(&r, NULL, 0, K("d")), BT_OK);
    CU_ASSERT(bts_kvrange_clamp_seek_prev(&r, &k, &kl) == 1 && k == r.upper.key && kl == 1);
    k = (const uint8_t *)"d";
    CU_ASSERT(bts_kvrange_clamp_seek_prev(&r, &k, &kl) == 1 && k == r.upper.key);
    k = (const uint8_t *)"c";
    CU_ASSERT(bts_kvrange_clamp_seek_prev(&r, &k, &kl) == 0 && memcmp(k, "c", 1) == 0);
    bts_kvrange_free(&r);
}

BTS_TEST_SUITE("kvrange", NULL, NULL, BTS_TEST(test_kvrange_cmp_prefix_first),
               BTS_TEST(test_kvrange_contains_half_open),
               BTS_TEST(test_kvrange_empty_key_bound_is_set), BTS_TEST(test_kvrange_clamp_seek),
               BTS_TEST(test_kvrange_clamp_seek_prev));
