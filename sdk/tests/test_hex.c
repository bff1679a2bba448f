/* Hex codecs: byte strings, JSON-RPC QUANTITY/DATA, fixed sizes and EIP-55, every error path. */
#include <bts/hex.h>
#include <bts/test.h>

#include <string.h>

#include "../src/hex_int.h" /* the reasons behind each rejection */

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_hex_encode_plain_and_prefixed(void)
{
    char out[16];
    size_t n = 0;
    const uint8_t d[3] = {0x00, 0xab, 0xff};
    CU_ASSERT_EQUAL(bts_hex_encode(out, sizeof(out), &n, d, 3, 0), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "00abff");
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_EQUAL(bts_hex_encode(out, sizeof(out), &n, d, 3, BTS_HEX_0X), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "0x00abff");
    CU_ASSERT_EQUAL(n, 8);
    CU_ASSERT_EQUAL(bts_hex_encode(out, sizeof(out), &n, NULL, 0, BTS_HEX_0X), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "0x");
    CU_ASSERT_EQUAL(bts_hex_encode(out, 1, &n, NULL, 0, 0), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "");
}

static void test_hex_encode_too_small_reports_need(void)
{
    char out[8];
    size_t n = 0;
    const uint8_t d[4] = {1, 2, 3, 4};
    memset(out, 'z', sizeof(out));
    CU_ASSERT_EQUAL(bts_hex_encode(out, 8, &n, d, 4, 0), BT_ERANGE); /* needs 9 with NUL */
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_EQUAL(out[0], 'z');
    CU_ASSERT_EQUAL(bts_hex_encode(out, 0, &n, NULL, 0, 0), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(bts_hex_encode(out, 8, &n, d, 3, BTS_HEX_0X), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_EQUAL(bts_hex_encode(out, 8, &n, d, 2, BTS_HEX_0X), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "0x0102");
    CU_ASSERT_EQUAL(bts_hex_encode(out, 8, &n, d, SIZE_MAX / 2, 0), BT_ERANGE);
}

static void test_hex_encode_buf_appends(void)
{
    struct bts_buf b = BTS_BUF_INIT;
    const uint8_t d[2] = {0xde, 0xad};
    CU_ASSERT_EQUAL(bts_hex_encode_buf(&b, d, 2, BTS_HEX_0X), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_encode_buf(&b, d, 1, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_encode_buf(&b, NULL, 0, 0), BT_OK);
    CU_ASSERT_STRING_EQUAL((char *)b.data, "0xdeadde");
    CU_ASSERT_EQUAL(b.len, 8);
    CU_ASSERT_EQUAL(bts_hex_encode_buf(&b, d, SIZE_MAX / 2, 0), BT_ENOMEM);
    CU_ASSERT_EQUAL(b.len, 8);
    bts_buf_free(&b);
}

static void test_hex_decode_optional_prefix(void)
{
    uint8_t out[4];
    size_t n = 99;
    CU_ASSERT_EQUAL(bts_hex_decode(out, 4, &n, S("0xDeadBEEF"), 0), BT_OK);
    CU_ASSERT_EQUAL(n, 4);
    BTS_ASSERT_HEX(out, 4, "deadbeef");
    CU_ASSERT_EQUAL(bts_hex_decode(out, 4, &n, S("0X0102"), 0), BT_OK);
    CU_ASSERT_EQUAL(n, 2);
    BTS_ASSERT_HEX(out, 2, "0102");
    CU_ASSERT_EQUAL(bts_hex_decode(out, 4, &n, S("a0b1"), 0), BT_OK);
    BTS_ASSERT_HEX(out, 2, "a0b1");
    CU_ASSERT_EQUAL(bts_hex_decode(NULL, 0, &n, S(""), 0), BT_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(bts_hex_decode(NULL, 0, &n, S("0x"), 0), BT_OK);
    CU_ASSERT_EQUAL(n, 0);
}

static void test_hex_decode_rejects_bad_input(void)
{
    uint8_t out[8];
    size_t n;
    const char *why = NULL;
    CU_ASSERT_EQUAL(bts_hex_decode_why_(out, 8, &n, S("abc"), 0, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "odd length");
    CU_ASSERT_EQUAL(bts_hex_decode_why_(out, 8, &n, S("0x0"), 0, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "odd length");
    CU_ASSERT_EQUAL(bts_hex_decode_why_(out, 8, &n, S("0xzz"), 0, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "invalid hex digit");
    CU_ASSERT_EQUAL(bts_hex_decode(out, 8, &n, S("0x0x"), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode(out, 8, &n, S(" 0x00"), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode(out, 8, &n, S("0x00 "), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode(out, 8, &n, S("0g"), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode(out, 8, &n,
                                   "00\0"
                                   "0",
                                   4, 0),
                    BT_EINVAL);
    /* the length bounds the read: a valid prefix of a longer string is accepted */
    CU_ASSERT_EQUAL(bts_hex_decode(out, 8, &n, "0xabZZ", 4, 0), BT_OK);
    CU_ASSERT_EQUAL(n, 1);
}

static void test_hex_decode_data_requires_prefix(void)
{
    uint8_t out[4];
    size_t n;
    const char *why = NULL;
    CU_ASSERT_EQUAL(bts_hex_decode_why_(out, 4, &n, S("abcd"), BTS_HEX_0X, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "missing 0x prefix");
    CU_ASSERT_EQUAL(bts_hex_decode(out, 4, &n, S(""), BTS_HEX_0X), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode(out, 4, &n, S("0"), BTS_HEX_0X), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode(out, 4, &n, S("0x"), BTS_HEX_0X), BT_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(bts_hex_decode(out, 4, &n, S("0xabcd"), BTS_HEX_0X), BT_OK);
    BTS_ASSERT_HEX(out, 2, "abcd");
}

static void test_hex_decode_too_small_reports_need(void)
{
    uint8_t out[2] = {0x55, 0x55};
    size_t n = 0;
    const char *why = NULL;
    CU_ASSERT_EQUAL(bts_hex_decode_why_(out, 1, &n, S("0x0102"), 0, &why), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_STRING_EQUAL(why, "output buffer too small");
    CU_ASSERT_EQUAL(out[0], 0x55);
    /* syntax is checked before size: a bad string is EINVAL even with no room */
    CU_ASSERT_EQUAL(bts_hex_decode(out, 0, &n, S("0x01zz"), 0), BT_EINVAL);
}

static void test_hex_decode_buf_appends_and_keeps_on_error(void)
{
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S("0x4142"), BTS_HEX_0X), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S("43"), 0), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S("0x"), 0), BT_OK);
    CU_ASSERT_EQUAL(b.len, 3);
    CU_ASSERT_STRING_EQUAL((char *)b.data, "ABC");
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S("434"), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S("44"), BTS_HEX_0X), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S("4x"), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(b.len, 3);
    CU_ASSERT_STRING_EQUAL((char *)b.data, "ABC");
    bts_buf_free(&b);
}

static void test_hex_decode_exact_lengths(void)
{
    uint8_t out[3] = {9, 9, 9};
    const char *why = NULL;
    CU_ASSERT_EQUAL(bts_hex_decode_exact(out, 3, S("010203"), 0), BT_OK);
    BTS_ASSERT_HEX(out, 3, "010203");
    CU_ASSERT_EQUAL(bts_hex_decode_exact(out, 3, S("0x0a0b0c"), BTS_HEX_0X), BT_OK);
    BTS_ASSERT_HEX(out, 3, "0a0b0c");
    CU_ASSERT_EQUAL(bts_hex_decode_exact_why_(out, 3, S("0102"), 0, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "wrong length");
    CU_ASSERT_EQUAL(bts_hex_decode_exact(out, 3, S("01020304"), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode_exact(out, 3, S("0102030"), 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode_exact(out, 3, S("010203"), BTS_HEX_0X), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_decode_exact(out, 3, S("01020g"), 0), BT_EINVAL);
    BTS_ASSERT_HEX(out, 3, "0a0b0c");
}

static void test_hex_u64_parse_rules(void)
{
    uint64_t v = 7;
    const char *why = NULL;
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0x0")), BT_OK);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0x1")), BT_OK);
    CU_ASSERT_EQUAL(v, 1);
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0x41")), BT_OK);
    CU_ASSERT_EQUAL(v, 65);
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0x400")), BT_OK);
    CU_ASSERT_EQUAL(v, 1024);
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0XaBc")), BT_OK);
    CU_ASSERT_EQUAL(v, 0xabc);
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0xffffffffffffffff")), BT_OK);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    v = 7;
    CU_ASSERT_EQUAL(bts_hex_parse_u64_why_(&v, S("0x"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "no digits");
    CU_ASSERT_EQUAL(bts_hex_parse_u64_why_(&v, S("0x0400"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "leading zero");
    CU_ASSERT_EQUAL(bts_hex_parse_u64_why_(&v, S("0x00"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "leading zero");
    CU_ASSERT_EQUAL(bts_hex_parse_u64_why_(&v, S("ff"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "missing 0x prefix");
    CU_ASSERT_EQUAL(bts_hex_parse_u64_why_(&v, S(""), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "missing 0x prefix");
    CU_ASSERT_EQUAL(bts_hex_parse_u64_why_(&v, S("0x1g"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "invalid hex digit");
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0x-1")), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("0x 1")), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&v, S("1")), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_parse_u64_why_(&v, S("0x10000000000000000"), &why), BT_ERANGE);
    CU_ASSERT_STRING_EQUAL(why, "exceeds 64 bits");
    CU_ASSERT_EQUAL(v, 7);
}

static void test_hex_u64_format(void)
{
    char out[BTS_HEX_U64_CAP];
    size_t n;
    CU_ASSERT_EQUAL(bts_hex_format_u64(out, sizeof(out), &n, 0), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "0x0");
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(bts_hex_format_u64(out, sizeof(out), &n, 1024), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "0x400");
    CU_ASSERT_EQUAL(bts_hex_format_u64(out, sizeof(out), &n, UINT64_MAX), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "0xffffffffffffffff");
    CU_ASSERT_EQUAL(n, 18);
    CU_ASSERT_EQUAL(bts_hex_format_u64(out, 5, &n, 0x1000), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_EQUAL(bts_hex_format_u64(out, 3, &n, 0), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(bts_hex_format_u64(out, 4, &n, 0), BT_OK);
}

static void test_hex_u64_round_trip(void)
{
    uint64_t vals[] = {0, 1, 15, 16, 255, 256, 0x123456789abcdefULL, UINT64_MAX - 1, UINT64_MAX};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(vals); i++) {
        char s[BTS_HEX_U64_CAP];
        size_t n;
        uint64_t back = 0;
        CU_ASSERT_EQUAL(bts_hex_format_u64(s, sizeof(s), &n, vals[i]), BT_OK);
        CU_ASSERT_EQUAL(bts_hex_parse_u64(&back, s, n), BT_OK);
        CU_ASSERT_EQUAL(back, vals[i]);
    }
}

static void test_hex_u256_parse_and_format(void)
{
    uint8_t v[32], w[32];
    char s[BTS_HEX_U256_CAP];
    size_t n;
    CU_ASSERT_EQUAL(bts_hex_parse_u256(v, S("0x0")), BT_OK);
    memset(w, 0, 32);
    CU_ASSERT(memcmp(v, w, 32) == 0);
    CU_ASSERT_EQUAL(bts_hex_format_u256(s, sizeof(s), &n, v), BT_OK);
    CU_ASSERT_STRING_EQUAL(s, "0x0");
    CU_ASSERT_EQUAL(bts_hex_parse_u256(v, S("0xabc")), BT_OK);
    BTS_ASSERT_HEX(v + 29, 3, "000abc");
    CU_ASSERT_EQUAL(bts_hex_format_u256(s, sizeof(s), &n, v), BT_OK);
    CU_ASSERT_STRING_EQUAL(s, "0xabc");
    CU_ASSERT_EQUAL(n, 5);
    const char *max = "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    CU_ASSERT_EQUAL(bts_hex_parse_u256(v, max, strlen(max)), BT_OK);
    memset(w, 0xff, 32);
    CU_ASSERT(memcmp(v, w, 32) == 0);
    CU_ASSERT_EQUAL(bts_hex_format_u256(s, sizeof(s), &n, v), BT_OK);
    CU_ASSERT_STRING_EQUAL(s, max);
    CU_ASSERT_EQUAL(n, 66);
    /* 1 ETH in wei */
    CU_ASSERT_EQUAL(bts_hex_parse_u256(v, S("0xde0b6b3a7640000")), BT_OK);
    BTS_ASSERT_HEX(v + 24, 8, "0de0b6b3a7640000");
    CU_ASSERT_EQUAL(bts_hex_format_u256(s, 5, &n, v), BT_ERANGE);
    CU_ASSERT_EQUAL(n, 18);
}

static void test_hex_u256_rejects(void)
{
    uint8_t v[32];
    memset(v, 0x77, 32);
    const char *why = NULL;
    const char *too_long = "0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    CU_ASSERT_EQUAL(bts_hex_parse_u256_why_(v, too_long, strlen(too_long), &why), BT_ERANGE);
    CU_ASSERT_STRING_EQUAL(why, "exceeds 256 bits");
    CU_ASSERT_EQUAL(bts_hex_parse_u256_why_(v, S("0x01"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "leading zero");
    CU_ASSERT_EQUAL(bts_hex_parse_u256_why_(v, S("0x"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "no digits");
    CU_ASSERT_EQUAL(bts_hex_parse_u256_why_(v, S("12"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "missing 0x prefix");
    CU_ASSERT_EQUAL(bts_hex_parse_u256_why_(v, S("0x1h"), &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "invalid hex digit");
    CU_ASSERT_EQUAL(v[0], 0x77);
    CU_ASSERT_EQUAL(v[31], 0x77);
}

static void test_hex_address_and_hash_exact(void)
{
    uint8_t a[20], h[32];
    CU_ASSERT_EQUAL(bts_hex_parse_address(a, S("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")),
                    BT_OK);
    BTS_ASSERT_HEX(a, 20, "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    CU_ASSERT_EQUAL(bts_hex_parse_address(a, S("0x9D8A62F656A8D1615C1294FD71E9CFB3E4855A4F")),
                    BT_OK);
    CU_ASSERT_EQUAL(bts_hex_parse_address(a, S("9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_parse_address(a, S("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_parse_address(a, S("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f00")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_parse_address(a, S("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4g")),
                    BT_EINVAL);
    const char *hs = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
    CU_ASSERT_EQUAL(bts_hex_parse_hash(h, hs, strlen(hs)), BT_OK);
    BTS_ASSERT_HEX(h, 32, hs + 2);
    CU_ASSERT_EQUAL(bts_hex_parse_hash(h, hs, strlen(hs) - 2), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_hex_parse_hash(h, hs + 2, strlen(hs) - 2), BT_EINVAL);
}

/* ethereum/EIPs EIPS/eip-55.md test cases */
static const char *const eip55_ok[] = {
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0x27b1fdb04752bbc536007a920d24acb045561c26", "0xde709f2102306220921060314715629080e2fb77",
};

static void test_hex_eip55_format_matches_spec(void)
{
    for (size_t i = 0; i < BTS_ARRAY_SIZE(eip55_ok); i++) {
        uint8_t a[20];
        char s[BTS_HEX_EIP55_CAP];
        CU_ASSERT_EQUAL_FATAL(bts_hex_parse_eip55(a, eip55_ok[i], 42), BT_OK);
        bts_hex_format_eip55(s, a);
        /* the all-lower and all-upper vectors are themselves already checksummed forms */
        if (i < 6)
            CU_ASSERT_STRING_EQUAL(s, eip55_ok[i]);
    }
}

static void test_hex_eip55_validation(void)
{
    uint8_t a[20];
    memset(a, 0x11, 20);
    const char *why = NULL;
    /* case of one letter flipped */
    CU_ASSERT_EQUAL(
        bts_hex_parse_eip55_why_(a, S("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"), &why),
        BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "bad eip-55 checksum");
    CU_ASSERT_EQUAL(bts_hex_parse_eip55(a, S("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(a[0], 0x11);
    /* all lower / all upper carry no checksum */
    CU_ASSERT_EQUAL(bts_hex_parse_eip55(a, S("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_parse_eip55(a, S("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")), BT_OK);
    BTS_ASSERT_HEX(a, 20, "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    CU_ASSERT_EQUAL(
        bts_hex_parse_eip55_why_(a, S("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"), &why),
        BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "wrong length");
    CU_ASSERT_EQUAL(
        bts_hex_parse_eip55_why_(a, S("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), &why),
        BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "missing 0x prefix");
}

/* Found by fuzz_hex: nothing to add must not write the NUL into the static empty buffer. */
static void test_hex_buf_empty_on_unallocated_buffer(void)
{
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S(""), 0), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_decode_buf(&b, S("0x"), BTS_HEX_0X), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_encode_buf(&b, NULL, 0, 0), BT_OK);
    CU_ASSERT_EQUAL(b.len, 0);
    CU_ASSERT_EQUAL(b.cap, 0);
    CU_ASSERT_STRING_EQUAL((char *)b.data, "");
    bts_buf_free(&b);
}

BTS_TEST_SUITE("hex", NULL, NULL, BTS_TEST(test_hex_buf_empty_on_unallocated_buffer),
               BTS_TEST(test_hex_encode_plain_and_prefixed),
               BTS_TEST(test_hex_encode_too_small_reports_need),
               BTS_TEST(test_hex_encode_buf_appends), BTS_TEST(test_hex_decode_optional_prefix),
               BTS_TEST(test_hex_decode_rejects_bad_input),
               BTS_TEST(test_hex_decode_data_requires_prefix),
               BTS_TEST(test_hex_decode_too_small_reports_need),
               BTS_TEST(test_hex_decode_buf_appends_and_keeps_on_error),
               BTS_TEST(test_hex_decode_exact_lengths), BTS_TEST(test_hex_u64_parse_rules),
               BTS_TEST(test_hex_u64_format), BTS_TEST(test_hex_u64_round_trip),
               BTS_TEST(test_hex_u256_parse_and_format), BTS_TEST(test_hex_u256_rejects),
               BTS_TEST(test_hex_address_and_hash_exact),
               BTS_TEST(test_hex_eip55_format_matches_spec), BTS_TEST(test_hex_eip55_validation));
