/* Base58, Base58Check and TRON addresses: Bitcoin Core's base58 vectors, every address vector of
 * ROOTCHAINS.md §5 (#3-#7, #14) and §2.5, and each way an address can be wrong. */
#include <bts/test.h>
#include <bts/tron.h>

#include <stdlib.h>
#include <string.h>

#define S(lit) (lit), (sizeof(lit) - 1)

/* bitcoin/bitcoin src/test/data/base58_encode_decode.json */
static const char *const b58_vectors[][2] = {
    {"", ""},
    {"61", "2g"},
    {"626262", "a3gV"},
    {"636363", "aPEr"},
    {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
    {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
    {"516b6fcd0f", "ABnLTmg"},
    {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
    {"572e4794", "3EFU7m"},
    {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
    {"10c8511e", "Rt5zm"},
    {"00000000000000000000", "1111111111"},
};

/* ROOTCHAINS.md §5 #3, #4, #5, #7 (owner), #14 and §2.5 (mainnet contracts). */
static const char *const tron_vectors[][2] = {
    {"TQLCsShbQNXMTVCjprY64qZmEA4rBarpQp", "419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"},
    {"TMVQGm1qAQYVdetCeGRRkTWYYrLXuHK2HC", "417e5f4552091a69125d5dfcb7b8c2659029395bdf"},
    {"TXvRyjomvtNWSKvNouTvAedRGD4w9RXLZD", "41f0cc5a2a84cd0f68ed1667070934542d673acbd8"},
    {"TXEphLzyv5jFwvjzwMok9UoehaSn294ZhN", "41e94ead5f4ca072a25b2e5500934709f1aee3c64b"},
    {"TYvEkK4fJ8aGVwLTxX6Qyw48ewD6BAvbYv", "41fbbb1a37f9fbc18a3e2b8fd8c0823251cd3b8ee8"},
    {"T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb", "410000000000000000000000000000000000000000"},
    {"TMvs6n9qy1R13CPd1AfxhW41GBG21NSXNj", "418330108cfdd47544b398c15a3c252ad1d5a5566c"},
    {"TJVjaUrn6PNpCDYLvdRTXmwBULND2a9AkS", "415d8702466692a9174667821741b7e7799a0a0560"},
    {"TEpjT8xbAe3FPCPFziqFfEjLVXaw9NbGXj", "41353e4da7c074be2ff9e3e692eaeb1e65f0f32e10"},
    {"TCtZg6ELHBZb1FzntFw6WP1aotvq5px1Nn", "4120078df1672790b2963e8c4e5e527dd1225c3430"},
};

static void test_tron_base58_vectors(void)
{
    for (size_t i = 0; i < BTS_ARRAY_SIZE(b58_vectors); i++) {
        size_t n, m;
        uint8_t *raw = bts_test_unhex(b58_vectors[i][0], &n);
        char txt[64];
        uint8_t back[64];
        CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
        CU_ASSERT_EQUAL(bts_base58_encode(txt, sizeof(txt), &m, raw, n), BT_OK);
        CU_ASSERT_STRING_EQUAL(txt, b58_vectors[i][1]);
        CU_ASSERT_EQUAL(m, strlen(b58_vectors[i][1]));
        CU_ASSERT_EQUAL(bts_base58_decode(back, sizeof(back), &m, txt, strlen(txt)), BT_OK);
        CU_ASSERT_EQUAL(m, n);
        CU_ASSERT(memcmp(back, raw, n) == 0);
        free(raw);
    }
}

static void test_tron_base58_rejects_non_alphabet(void)
{
    static const char *const bad[] = {"0", "O", "I", "l", " 2g", "2g ", "2g\n", "+", "2\xff"};
    uint8_t out[8];
    size_t n;
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++)
        CU_ASSERT_EQUAL(bts_base58_decode(out, sizeof(out), &n, bad[i], strlen(bad[i])), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_base58_decode(out, sizeof(out), &n, "2\0g", 3), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_base58_decode(NULL, 0, &n, "", 0), BT_OK);
    CU_ASSERT_EQUAL(n, 0);
}

static void test_tron_base58_too_small_reports_exact_need(void)
{
    const uint8_t d[3] = {0, 0x62, 0x62};
    char txt[8];
    uint8_t out[3];
    size_t n = 0;
    CU_ASSERT_EQUAL(bts_base58_encode(txt, 4, &n, d, 3), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 5); /* "18Qp" + NUL */
    CU_ASSERT_EQUAL(bts_base58_encode(txt, 5, &n, d, 3), BT_OK);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(bts_base58_encode(txt, 0, &n, NULL, 0), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 1);
    memset(out, 0x55, sizeof(out));
    CU_ASSERT_EQUAL(bts_base58_decode(out, 2, &n, S("1a3gV")), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(out[0], 0x55);
    CU_ASSERT_EQUAL(bts_base58_decode(out, 3, &n, txt, 4), BT_OK);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT(memcmp(out, d, 3) == 0);
}

static void test_tron_base58_large_input_uses_heap(void)
{
    size_t len = 300, n, m;
    uint8_t *d = malloc(len), *back = malloc(len);
    char *txt = malloc(2 * len);
    CU_ASSERT_FATAL(d && back && txt);
    for (size_t i = 0; i < len; i++)
        d[i] = (uint8_t)(i * 31 + 7);
    d[0] = 0;
    CU_ASSERT_EQUAL(bts_base58_encode(txt, 2 * len, &n, d, len), BT_OK);
    CU_ASSERT_EQUAL(txt[0], '1');
    CU_ASSERT_EQUAL(bts_base58_decode(back, len, &m, txt, n), BT_OK);
    CU_ASSERT_EQUAL(m, len);
    CU_ASSERT(memcmp(back, d, len) == 0);
    CU_ASSERT_EQUAL(bts_base58check_encode(txt, 2 * len, &n, d, len), BT_OK);
    CU_ASSERT_EQUAL(bts_base58check_decode(back, len, &m, txt, n), BT_OK);
    CU_ASSERT_EQUAL(m, len);
    CU_ASSERT(memcmp(back, d, len) == 0);
    free(d);
    free(back);
    free(txt);
}

static void test_tron_base58check_round_trip_and_errors(void)
{
    const uint8_t p[3] = {0, 1, 2};
    char txt[32];
    uint8_t out[8];
    size_t n, m;
    CU_ASSERT_EQUAL(bts_base58check_encode(txt, sizeof(txt), &n, p, 3), BT_OK);
    CU_ASSERT_EQUAL(txt[0], '1');
    CU_ASSERT_EQUAL(bts_base58check_decode(out, sizeof(out), &m, txt, n), BT_OK);
    CU_ASSERT_EQUAL(m, 3);
    CU_ASSERT(memcmp(out, p, 3) == 0);
    /* payload too big for out: the needed size, nothing written */
    CU_ASSERT_EQUAL(bts_base58check_decode(out, 2, &m, txt, n), BT_ERANGE);
    CU_ASSERT_EQUAL(m, 3);
    /* empty payload: four checksum bytes only */
    CU_ASSERT_EQUAL(bts_base58check_encode(txt, sizeof(txt), &n, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_base58check_decode(NULL, 0, &m, txt, n), BT_OK);
    CU_ASSERT_EQUAL(m, 0);
    CU_ASSERT_EQUAL(bts_base58check_encode(txt, 3, &n, p, 3), BT_ERANGE);
    /* fewer than four bytes */
    CU_ASSERT_EQUAL(bts_base58check_decode(out, sizeof(out), &m, S("")), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_base58check_decode(out, sizeof(out), &m, S("111")), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_base58check_decode(out, sizeof(out), &m, S("2g")), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_base58check_decode(out, sizeof(out), &m, S("0abc")), BT_EINVAL);
    /* bad checksum: ROOTCHAINS.md §5 #6 */
    CU_ASSERT_EQUAL(
        bts_base58check_decode(out, sizeof(out), &m, S("TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUs")),
        BT_EINVAL);
}

static void test_tron_address_known_answers(void)
{
    for (size_t i = 0; i < BTS_ARRAY_SIZE(tron_vectors); i++) {
        const char *b58 = tron_vectors[i][0], *hex = tron_vectors[i][1];
        uint8_t a[BTS_TRON_ADDR_LEN], b[BTS_TRON_ADDR_LEN], evm[20];
        char txt[BTS_TRON_BASE58_CAP], htxt[BTS_TRON_HEX_CAP];
        CU_ASSERT_EQUAL_FATAL(bts_tron_address_from_base58(a, b58, strlen(b58)), BT_OK);
        BTS_ASSERT_HEX(a, BTS_TRON_ADDR_LEN, hex);
        CU_ASSERT_EQUAL(bts_tron_address_from_hex(b, hex, strlen(hex)), BT_OK);
        CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
        CU_ASSERT_EQUAL(bts_tron_address_to_base58(txt, a), BT_OK);
        CU_ASSERT_STRING_EQUAL(txt, b58);
        bts_tron_address_to_hex(htxt, a);
        CU_ASSERT_STRING_EQUAL(htxt, hex);
        CU_ASSERT_EQUAL(bts_tron_address_parse(b, b58, strlen(b58)), BT_OK);
        CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
        CU_ASSERT_EQUAL(bts_tron_address_parse(b, hex, strlen(hex)), BT_OK);
        CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
        CU_ASSERT_EQUAL(bts_tron_address_to_evm(evm, a), BT_OK);
        BTS_ASSERT_HEX(evm, 20, hex + 2);
        bts_tron_address_from_evm(b, evm);
        CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
    }
}

/* ROOTCHAINS.md §5 #3: the EVM address 0x9d8a... and TRON TQLCs... are the same key. */
static void test_tron_address_evm_form(void)
{
    uint8_t evm[20], a[BTS_TRON_ADDR_LEN];
    char txt[BTS_TRON_BASE58_CAP];
    uint8_t *e = bts_test_unhex("9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    memcpy(evm, e, 20);
    free(e);
    bts_tron_address_from_evm(a, evm);
    CU_ASSERT_EQUAL(bts_tron_address_to_base58(txt, a), BT_OK);
    CU_ASSERT_STRING_EQUAL(txt, "TQLCsShbQNXMTVCjprY64qZmEA4rBarpQp");
    /* in place: the EVM address already sits at a + 1 */
    memcpy(a + 1, evm, 20);
    bts_tron_address_from_evm(a, a + 1);
    CU_ASSERT_EQUAL(a[0], 0x41);
    CU_ASSERT(memcmp(a + 1, evm, 20) == 0);
}

/* ROOTCHAINS.md §5 #6 (tronweb #isAddress) */
static void test_tron_address_isaddress_vectors(void)
{
    uint8_t a[BTS_TRON_ADDR_LEN];
    char txt[BTS_TRON_BASE58_CAP];
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, S("TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUG")),
                    BT_OK);
    CU_ASSERT_EQUAL(a[0], 0x41);
    CU_ASSERT_EQUAL(bts_tron_address_to_base58(txt, a), BT_OK);
    CU_ASSERT_STRING_EQUAL(txt, "TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUG");
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, S("TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUs")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_parse(a, S("TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUs")), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_from_hex(a, S("4165cfbd57fa4f20687b2c33f84c4f9017e5895d49")),
                    BT_OK);
    BTS_ASSERT_HEX(a, 21, "4165cfbd57fa4f20687b2c33f84c4f9017e5895d49");
    CU_ASSERT_EQUAL(bts_tron_address_parse(a, S("4165CFBD57FA4F20687B2C33F84C4F9017E5895D49")),
                    BT_OK);
    CU_ASSERT_EQUAL(bts_tron_address_from_hex(a, S("0x65cfbd57fa4f20687b2c33f84c4f9017e5895d49")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_parse(a, S("0x65cfbd57fa4f20687b2c33f84c4f9017e5895d49")),
                    BT_EINVAL);
}

static void test_tron_address_rejects_wrong_forms(void)
{
    uint8_t a[BTS_TRON_ADDR_LEN], keep[BTS_TRON_ADDR_LEN];
    char txt[48];
    size_t n;
    memset(a, 0x33, sizeof(a));
    memcpy(keep, a, sizeof(a));
    /* one character short or long */
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, S("TQLCsShbQNXMTVCjprY64qZmEA4rBarpQ")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, S("TQLCsShbQNXMTVCjprY64qZmEA4rBarpQpp")),
                    BT_EINVAL);
    /* a non-alphabet character ('0' for 'Q') */
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, S("T0LCsShbQNXMTVCjprY64qZmEA4rBarpQp")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, S("")), BT_EINVAL);
    /* valid Base58Check, 34 characters, but 21 bytes with prefix 0x00 */
    uint8_t p[22];
    memset(p, 0xff, sizeof(p));
    p[0] = 0;
    CU_ASSERT_EQUAL(bts_base58check_encode(txt, sizeof(txt), &n, p, 21), BT_OK);
    CU_ASSERT_EQUAL_FATAL(n, 34);
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, txt, n), BT_EINVAL);
    /* valid Base58Check, 34 characters, but a 22-byte payload */
    memset(p, 0x5a, sizeof(p));
    p[0] = 0;
    p[1] = 0;
    p[2] = 1;
    CU_ASSERT_EQUAL(bts_base58check_encode(txt, sizeof(txt), &n, p, 22), BT_OK);
    CU_ASSERT_EQUAL_FATAL(n, 34);
    CU_ASSERT_EQUAL(bts_tron_address_from_base58(a, txt, n), BT_EINVAL);
    /* hex: wrong prefix byte, length, digits */
    CU_ASSERT_EQUAL(bts_tron_address_from_hex(a, S("429d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_from_hex(a, S("419d8a62f656a8d1615c1294fd71e9cfb3e4855a")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_from_hex(a, S("419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f00")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_tron_address_from_hex(a, S("419d8a62f656a8d1615c1294fd71e9cfb3e4855a4g")),
                    BT_EINVAL);
    CU_ASSERT(memcmp(a, keep, sizeof(a)) == 0);
    /* formatting and EVM conversion refuse a wrong prefix */
    uint8_t bad[BTS_TRON_ADDR_LEN] = {0xa0};
    uint8_t evm[20] = {7};
    CU_ASSERT_EQUAL(bts_tron_address_to_base58(txt, bad), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(txt, "");
    CU_ASSERT_EQUAL(bts_tron_address_to_evm(evm, bad), BT_EINVAL);
    CU_ASSERT_EQUAL(evm[0], 7);
    bts_tron_address_to_hex(txt, bad);
    CU_ASSERT_STRING_EQUAL(txt, "a0"
                                "0000000000000000000000000000000000000000");
}

BTS_TEST_SUITE("tron", NULL, NULL, BTS_TEST(test_tron_base58_vectors),
               BTS_TEST(test_tron_base58_rejects_non_alphabet),
               BTS_TEST(test_tron_base58_too_small_reports_exact_need),
               BTS_TEST(test_tron_base58_large_input_uses_heap),
               BTS_TEST(test_tron_base58check_round_trip_and_errors),
               BTS_TEST(test_tron_address_known_answers), BTS_TEST(test_tron_address_evm_form),
               BTS_TEST(test_tron_address_isaddress_vectors),
               BTS_TEST(test_tron_address_rejects_wrong_forms));
