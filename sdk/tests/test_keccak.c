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

/* ROOTCHAINS.md §5 #9, #10 and the §2.5 selector and topic table. */
static void test_keccak_rootchain_selectors(void)
{
    static const char *const v[][2] = {
        {"get_dy_underlying(int128,int128,uint256)", "07211ef7"},
        {"currentHeaderBlock()", "ec7e4855"},
        {"getLastChildBlock()", "b87e1b66"},
        {"headerBlocks(uint256)", "41539d4a"},
        {"submitCheckpoint(bytes,uint256[3][])", "4e43e495"},
        {"NewHeaderBlock(address,uint256,uint256,uint256,uint256,bytes32)",
         "ba5de06d22af2685c6c7765f60067f7d2b08c2d29f53cdf14d67f6d1c9bfb527"},
        {"StateSynced(uint256,address,bytes)",
         "103fed9db65eac19c4d870f49ab7520fe03b99f1838e5996caf47e9e43308392"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(v); i++) {
        uint8_t h[32];
        bts_keccak256(h, v[i][0], strlen(v[i][0]));
        BTS_ASSERT_HEX(h, strlen(v[i][1]) / 2, v[i][1]);
    }
}

BTS_TEST_SUITE("keccak", NULL, NULL, BTS_TEST(test_keccak_rootchain_selectors),
               BTS_TEST(test_keccak_empty), BTS_TEST(test_keccak_abc),
               BTS_TEST(test_keccak_incremental_matches_oneshot),
               BTS_TEST(test_keccak_selector_transfer));
