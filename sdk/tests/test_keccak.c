/* Keccak-256 known answers (Ethereum's empty-string hash, short and multi-block inputs). */
#include <bts/keccak.h>
#include <bts/test.h>

#include <string.h>

static void test_keccak_empty(void)
{
    uint8_t h[32];
    bts_keccak256(h, NULL, 0);
    BTS_ASSERT_HEX(h, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

static void test_keccak_abc(void)
{
    uint8_t h[32];
    bts_keccak256(h, "abc", 3);
    BTS_ASSERT_HEX(h, 32, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

static void test_keccak_incremental_matches_oneshot(void)
{
    uint8_t msg[1000], a[32], b[32];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    bts_keccak256(a, msg, sizeof(msg));
    struct bts_keccak k;
    bts_keccak_init(&k);
    for (size_t i = 0; i < sizeof(msg); i += 37)
        bts_keccak_update(&k, msg + i, sizeof(msg) - i < 37 ? sizeof(msg) - i : 37);
    bts_keccak_final(&k, b);
    CU_ASSERT(memcmp(a, b, 32) == 0);
}

static void test_keccak_selector_transfer(void)
{
    uint8_t h[32];
    const char *sig = "transfer(address,uint256)";
    bts_keccak256(h, sig, strlen(sig));
    BTS_ASSERT_HEX(h, 4, "a9059cbb");
}

BTS_TEST_SUITE("keccak", NULL, NULL, BTS_TEST(test_keccak_empty), BTS_TEST(test_keccak_abc),
               BTS_TEST(test_keccak_incremental_matches_oneshot),
               BTS_TEST(test_keccak_selector_transfer));
