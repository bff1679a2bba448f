/* Log bloom (bts/bloom.h): go-ethereum's bloom9_test vectors (100 items hash to c8d3ca65...,
 * positives and negatives) and the bit layout of one item. */
#include <bts/bloom.h>
#include <bts/test.h>

#include <stdio.h>
#include <string.h>

#include <bts/keccak.h>

static void test_bloom_extensive_vector(void)
{
    uint8_t b[BTS_BLOOM_LEN] = {0}, h[32];
    char item[64];
    for (int i = 0; i < 100; i++) {
        int n = snprintf(item, sizeof(item), "xxxxxxxxxx data %d yyyyyyyyyyyyyy", i);
        bts_bloom_add(b, item, (size_t)n);
    }
    bts_keccak256(h, b, sizeof(b));
    BTS_ASSERT_HEX(h, 32, "c8d3ca65cdb4874300a9e39475508f23ed6da09fdbc487f89a2dcf50b09eb263");
}

static void test_bloom_positive_negative(void)
{
    static const char *pos[] = {"testtest", "test", "hallo", "other"};
    static const char *neg[] = {"tes", "lo"};
    uint8_t b[BTS_BLOOM_LEN] = {0};
    for (size_t i = 0; i < 4; i++)
        bts_bloom_add(b, pos[i], strlen(pos[i]));
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT(bts_bloom_test(b, pos[i], strlen(pos[i])));
    for (size_t i = 0; i < 2; i++)
        CU_ASSERT(!bts_bloom_test(b, neg[i], strlen(neg[i])));
}

/* One item sets at most three bits, exactly where its hash says. */
static void test_bloom_bit_layout(void)
{
    uint8_t b[BTS_BLOOM_LEN] = {0}, h[32], want[BTS_BLOOM_LEN] = {0};
    bts_bloom_add(b, NULL, 0);
    bts_keccak256(h, NULL, 0);
    for (int i = 0; i < 3; i++) {
        unsigned bit = ((unsigned)h[2 * i] << 8 | h[2 * i + 1]) & 2047u;
        want[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
    CU_ASSERT(memcmp(b, want, sizeof(b)) == 0);
    uint8_t u[BTS_BLOOM_LEN] = {0};
    bts_bloom_or(u, b);
    bts_bloom_or(u, b);
    CU_ASSERT(memcmp(u, b, sizeof(b)) == 0);
    CU_ASSERT(bts_bloom_test(u, NULL, 0));
}

BTS_TEST_SUITE("bloom", NULL, NULL, BTS_TEST(test_bloom_extensive_vector),
               BTS_TEST(test_bloom_positive_negative), BTS_TEST(test_bloom_bit_layout));
