/* Go math/rand, bit-exact: every PROTOCOL.md §7.2 stream, the rngCooked transcription checks of
 * §4.5.4, Go's well-known seed-1 Intn(100) sequence, the bounded draws' edge cases and the
 * error paths. */
#include <bts/gorand.h>

#include <string.h>

#include <bts/keccak.h>
#include <bts/test.h>

#include "../src/gorand_int.h"

static void expect3(int64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    struct bts_gorand r;
    bts_gorand_seed(&r, seed);
    CU_ASSERT_EQUAL(bts_gorand_uint64(&r), a);
    CU_ASSERT_EQUAL(bts_gorand_uint64(&r), b);
    CU_ASSERT_EQUAL(bts_gorand_uint64(&r), c);
}

/* §7.2, all rows. */
static void test_gorand_uint64_vectors(void)
{
    expect3(1, UINT64_C(5577006791947779410), UINT64_C(8674665223082153551),
            UINT64_C(15352856648520921629));
    expect3(0, UINT64_C(8717895732742165505), UINT64_C(2259404117704393152),
            UINT64_C(6050128673802995827));
    expect3(2147483647, UINT64_C(8717895732742165505), UINT64_C(2259404117704393152),
            UINT64_C(6050128673802995827));
    expect3(89482311, UINT64_C(8717895732742165505), UINT64_C(2259404117704393152),
            UINT64_C(6050128673802995827));
    expect3(-1, UINT64_C(12868334305193165484), UINT64_C(9773543399016688047),
            UINT64_C(3094056749125766625));
    expect3(INT64_C(-8116705742843825340), UINT64_C(11956308515654849195),
            UINT64_C(14446465919729569016), UINT64_C(1646000636806764410));
}

/* §4.5.4: the transcription checks (first/last entries, 300 negatives, keccak of be64s). */
static void test_gorand_cooked_table(void)
{
    CU_ASSERT_EQUAL(bts_gorand_cooked_[0], INT64_C(-4181792142133755926));
    CU_ASSERT_EQUAL(bts_gorand_cooked_[1], INT64_C(-4576982950128230565));
    CU_ASSERT_EQUAL(bts_gorand_cooked_[2], INT64_C(1395769623340756751));
    CU_ASSERT_EQUAL(bts_gorand_cooked_[3], INT64_C(5333664234075297259));
    CU_ASSERT_EQUAL(bts_gorand_cooked_[604], INT64_C(8382142935188824023));
    CU_ASSERT_EQUAL(bts_gorand_cooked_[605], INT64_C(9103922860780351547));
    CU_ASSERT_EQUAL(bts_gorand_cooked_[606], INT64_C(4152330101494654406));
    int neg = 0;
    struct bts_keccak k;
    bts_keccak_init(&k);
    for (int i = 0; i < BTS_GORAND_LEN; i++) {
        uint64_t u = (uint64_t)bts_gorand_cooked_[i];
        uint8_t be[8];
        for (int b = 0; b < 8; b++)
            be[b] = (uint8_t)(u >> (56 - 8 * b));
        bts_keccak_update(&k, be, 8);
        neg += bts_gorand_cooked_[i] < 0;
    }
    uint8_t h[32];
    bts_keccak_final(&k, h);
    CU_ASSERT_EQUAL(neg, 300);
    BTS_ASSERT_HEX(h, 32, "717f25af1ebf4aa8afd46e3328bec6030827de25ab572a6f59bc8b651b7646e8");
}

/* Seeds congruent modulo 2^31-1 give one stream; reseeding restarts it. */
static void test_gorand_seed_reduction(void)
{
    struct bts_gorand a, b;
    bts_gorand_seed(&a, 5);
    bts_gorand_seed(&b, 5 + 2147483647LL * 3);
    for (int i = 0; i < 1000; i++)
        CU_ASSERT_EQUAL(bts_gorand_uint64(&a), bts_gorand_uint64(&b));
    bts_gorand_seed(&b, -2147483647LL + 5); /* -M+5 ≡ 5 */
    bts_gorand_seed(&a, 5);
    CU_ASSERT_EQUAL(bts_gorand_uint64(&a), bts_gorand_uint64(&b));
    bts_gorand_seed(&a, INT64_MIN);
    bts_gorand_seed(&b, INT64_MAX);
    CU_ASSERT_NOT_EQUAL(bts_gorand_uint64(&a), bts_gorand_uint64(&b));
}

/* Go's documented playground output: rand.Seed(1); rand.Intn(100) ten times. Also Int63 and
 * Int31 relations to Uint64. */
static void test_gorand_intn_seed1(void)
{
    static const int64_t want[] = {81, 87, 47, 59, 81, 18, 25, 40, 56, 0};
    struct bts_gorand r;
    bts_gorand_seed(&r, 1);
    for (size_t i = 0; i < BTS_ARRAY_SIZE(want); i++) {
        int64_t v = -1;
        CU_ASSERT_EQUAL_FATAL(bts_gorand_intn(&r, &v, 100), BT_OK);
        CU_ASSERT_EQUAL(v, want[i]);
    }
    bts_gorand_seed(&r, 1);
    CU_ASSERT_EQUAL(bts_gorand_int63(&r), INT64_C(5577006791947779410));
    CU_ASSERT_EQUAL(bts_gorand_int31(&r), (int32_t)(INT64_C(8674665223082153551) >> 32));
    /* 15352856648520921629 has the top bit set: Int63 clears it. */
    CU_ASSERT_EQUAL(bts_gorand_int63(&r),
                    (int64_t)(UINT64_C(15352856648520921629) & (uint64_t)INT64_MAX));
}

/* Bounded draws: power-of-two masks, the rejection path, the 31/63-bit split of Intn. */
static void test_gorand_bounded(void)
{
    struct bts_gorand r, s;
    bts_gorand_seed(&r, 1);
    bts_gorand_seed(&s, 1);
    int64_t v;
    int32_t w;
    CU_ASSERT_EQUAL(bts_gorand_int63n(&r, &v, 1024), BT_OK);
    CU_ASSERT_EQUAL(v, INT64_C(5577006791947779410) & 1023);
    CU_ASSERT_EQUAL(bts_gorand_int31n(&r, &w, 1 << 30), BT_OK);
    CU_ASSERT_EQUAL(w, (int32_t)(INT64_C(8674665223082153551) >> 32) & ((1 << 30) - 1));
    /* n = 1: always 0, one draw consumed. */
    CU_ASSERT_EQUAL(bts_gorand_int63n(&r, &v, 1), BT_OK);
    CU_ASSERT_EQUAL(v, 0);
    /* n just above 2^62: about half the Int63 values are rejected; results stay in range and
     * follow v % n of the first accepted draw. */
    int64_t n = (INT64_C(1) << 62) + 1;
    for (int i = 0; i < 200; i++) {
        CU_ASSERT_EQUAL(bts_gorand_int63n(&r, &v, n), BT_OK);
        CU_ASSERT(v >= 0 && v < n);
    }
    /* Intn above 2^31-1 uses Int63n, at or below uses Int31n. */
    bts_gorand_seed(&r, 7);
    bts_gorand_seed(&s, 7);
    CU_ASSERT_EQUAL(bts_gorand_intn(&r, &v, INT64_C(1) << 40), BT_OK);
    int64_t v2;
    CU_ASSERT_EQUAL(bts_gorand_int63n(&s, &v2, INT64_C(1) << 40), BT_OK);
    CU_ASSERT_EQUAL(v, v2);
    CU_ASSERT_EQUAL(bts_gorand_intn(&r, &v, INT32_MAX), BT_OK);
    CU_ASSERT_EQUAL(bts_gorand_int31n(&s, &w, INT32_MAX), BT_OK);
    CU_ASSERT_EQUAL(v, w);
}

static void test_gorand_errors(void)
{
    struct bts_gorand r, s;
    bts_gorand_seed(&r, 3);
    bts_gorand_seed(&s, 3);
    int64_t v = 42;
    int32_t w = 42;
    CU_ASSERT_EQUAL(bts_gorand_int63n(&r, &v, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_gorand_int63n(&r, &v, -5), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_gorand_int31n(&r, &w, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_gorand_int31n(&r, &w, INT32_MIN), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_gorand_intn(&r, &v, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_gorand_intn(&r, &v, INT64_MIN), BT_EINVAL);
    CU_ASSERT_EQUAL(v, 42);
    CU_ASSERT_EQUAL(w, 42);
    /* Nothing was drawn. */
    CU_ASSERT_EQUAL(bts_gorand_uint64(&r), bts_gorand_uint64(&s));
}

static void swap_u32(void *ctx, size_t i, size_t j)
{
    uint32_t *a = ctx, t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void count_swaps(void *ctx, size_t i, size_t j)
{
    (void)i;
    (void)j;
    ++*(size_t *)ctx;
}

/* Shuffle: a permutation, deterministic per seed, n-1 swaps, Lemire draws (i = 1 always takes
 * one Uint32 draw and j in {0, 1}). */
static void test_gorand_shuffle(void)
{
    struct bts_gorand r;
    uint32_t a[50], b[50];
    for (uint32_t i = 0; i < 50; i++)
        a[i] = b[i] = i;
    bts_gorand_seed(&r, 99);
    CU_ASSERT_EQUAL(bts_gorand_shuffle(&r, 50, swap_u32, a), BT_OK);
    bts_gorand_seed(&r, 99);
    CU_ASSERT_EQUAL(bts_gorand_shuffle(&r, 50, swap_u32, b), BT_OK);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
    uint8_t seen[50] = {0};
    int moved = 0;
    for (uint32_t i = 0; i < 50; i++) {
        CU_ASSERT_FATAL(a[i] < 50);
        seen[a[i]]++;
        moved += a[i] != i;
    }
    for (int i = 0; i < 50; i++)
        CU_ASSERT_EQUAL(seen[i], 1);
    CU_ASSERT(moved > 0);
    size_t swaps = 0;
    CU_ASSERT_EQUAL(bts_gorand_shuffle(&r, 50, count_swaps, &swaps), BT_OK);
    CU_ASSERT_EQUAL(swaps, 49);
    swaps = 0;
    CU_ASSERT_EQUAL(bts_gorand_shuffle(&r, 1, count_swaps, &swaps), BT_OK);
    CU_ASSERT_EQUAL(bts_gorand_shuffle(&r, 0, count_swaps, &swaps), BT_OK);
    CU_ASSERT_EQUAL(swaps, 0);
    /* n = 2: j = (Uint32 * 2) >> 32, i.e. the top bit of the 32-bit draw. */
    struct bts_gorand s;
    bts_gorand_seed(&r, 1);
    bts_gorand_seed(&s, 1);
    uint32_t two[2] = {0, 1};
    CU_ASSERT_EQUAL(bts_gorand_shuffle(&r, 2, swap_u32, two), BT_OK);
    uint32_t u32 = (uint32_t)(bts_gorand_int63(&s) >> 31);
    CU_ASSERT_EQUAL(two[0], (u32 >> 31) ? 0u : 1u);
}

BTS_TEST_SUITE("gorand", NULL, NULL, {"uint64 §7.2 vectors", test_gorand_uint64_vectors},
               {"rngCooked transcription", test_gorand_cooked_table},
               {"seed reduction mod 2^31-1", test_gorand_seed_reduction},
               {"Intn(100) seed 1", test_gorand_intn_seed1}, {"bounded draws", test_gorand_bounded},
               {"errors", test_gorand_errors}, {"shuffle", test_gorand_shuffle});
