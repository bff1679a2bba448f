/* bts_u256 conversions: big-endian words and short byte strings (PUSHn, CALLDATALOAD padding),
 * JSON-RPC QUANTITY hex and decimal text, including every error path. */
#include <bts/test.h>
#include <bts/u256.h>

#include <string.h>

#define MAX_DEC "115792089237316195423570985008687907853269984665640564039457584007913129639935"
#define MAX_HEX "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static void test_u256_text_load_store_be(void)
{
    uint8_t in[32], out[32];
    for (int i = 0; i < 32; i++)
        in[i] = (uint8_t)(i + 1);
    struct bts_u256 x;
    bts_u256_load_be(&x, in);
    CU_ASSERT_EQUAL(x.w[3], 0x0102030405060708ULL);
    CU_ASSERT_EQUAL(x.w[0], 0x191a1b1c1d1e1f20ULL);
    bts_u256_store_be(out, &x);
    CU_ASSERT(memcmp(in, out, 32) == 0);

    x = bts_u256_from_u64(0x1234);
    bts_u256_store_be(out, &x);
    BTS_ASSERT_HEX(out, 32, "0000000000000000000000000000000000000000000000000000000000001234");
}

static void test_u256_text_load_be_bytes(void)
{
    struct bts_u256 x = bts_u256_from_u64(99);
    bts_u256_load_be_bytes(&x, NULL, 0);
    CU_ASSERT(bts_u256_is_zero(&x));

    const uint8_t push1[] = {0x60};
    bts_u256_load_be_bytes(&x, push1, 1);
    CU_ASSERT(bts_u256_eq(&x, &(struct bts_u256){{0x60, 0, 0, 0}}));

    const uint8_t push2[] = {0x01, 0x00};
    bts_u256_load_be_bytes(&x, push2, 2);
    CU_ASSERT_EQUAL(x.w[0], 256);

    uint8_t b[33];
    memset(b, 0xff, sizeof(b));
    bts_u256_load_be_bytes(&x, b, 32);
    CU_ASSERT_EQUAL(x.w[0] & x.w[1] & x.w[2] & x.w[3], UINT64_MAX);
    /* 33 bytes: the value modulo 2^256, i.e. the last 32. */
    b[1] = 0x7f;
    bts_u256_load_be_bytes(&x, b, 33);
    CU_ASSERT_EQUAL(x.w[3], 0x7fffffffffffffffULL);

    const uint8_t nine[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    bts_u256_load_be_bytes(&x, nine, 9);
    CU_ASSERT(bts_u256_eq(&x, &(struct bts_u256){{0x0203040506070809ULL, 1, 0, 0}}));
}

static void test_u256_text_load_be_padded(void)
{
    struct bts_u256 x = bts_u256_from_u64(5);
    bts_u256_load_be_padded(&x, NULL, 0);
    CU_ASSERT(bts_u256_is_zero(&x));

    /* One byte of calldata left: it becomes the most significant byte. */
    const uint8_t one[] = {0x12};
    bts_u256_load_be_padded(&x, one, 1);
    CU_ASSERT(bts_u256_eq(&x, &(struct bts_u256){{0, 0, 0, 0x1200000000000000ULL}}));

    uint8_t b[40];
    for (int i = 0; i < 40; i++)
        b[i] = (uint8_t)i;
    bts_u256_load_be_padded(&x, b, 40); /* only the first 32 */
    CU_ASSERT_EQUAL(x.w[0], 0x18191a1b1c1d1e1fULL);
    bts_u256_load_be_padded(&x, b, 9);
    CU_ASSERT(
        bts_u256_eq(&x, &(struct bts_u256){{0, 0, 0x0800000000000000ULL, 0x0001020304050607ULL}}));
}

static void check_to_hex(struct bts_u256 x, const char *want)
{
    char buf[BTS_U256_HEX_MAX];
    size_t n = bts_u256_to_hex(buf, &x);
    CU_ASSERT_STRING_EQUAL(buf, want);
    CU_ASSERT_EQUAL(n, strlen(want));
}

static void test_u256_text_to_hex(void)
{
    check_to_hex(bts_u256_from_u64(0), "0x0");
    check_to_hex(bts_u256_from_u64(1), "0x1");
    check_to_hex(bts_u256_from_u64(0x400), "0x400");
    check_to_hex(bts_u256_from_u64(0x41), "0x41");
    check_to_hex((struct bts_u256){{0, 1, 0, 0}}, "0x10000000000000000");
    check_to_hex((struct bts_u256){{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}}, MAX_HEX);
    check_to_hex((struct bts_u256){{0, 0, 0, 1ULL << 63}},
                 "0x8000000000000000000000000000000000000000000000000000000000000000");
}

static void check_from_hex(const char *s, size_t len, bt_status want_st, uint64_t want_w0)
{
    struct bts_u256 x = bts_u256_from_u64(77);
    bt_status st = bts_u256_from_hex(&x, s, len);
    CU_ASSERT_EQUAL(st, want_st);
    if (st != want_st)
        fprintf(stderr, "from_hex(\"%.*s\"): %s\n", (int)len, s, bts_status_str(st));
    CU_ASSERT_EQUAL(x.w[0], want_w0);
    if (st != BT_OK)
        CU_ASSERT(bts_u256_is_zero(&x)); /* zeroed on error */
}

#define FROM_HEX(s, st, w0) check_from_hex(s, strlen(s), st, w0)

static void test_u256_text_from_hex(void)
{
    FROM_HEX("0x0", BT_OK, 0);
    FROM_HEX("0x41", BT_OK, 0x41);
    FROM_HEX("0x400", BT_OK, 0x400);
    FROM_HEX("0X1F", BT_OK, 0x1f);
    FROM_HEX("0xAbC", BT_OK, 0xabc);
    FROM_HEX(MAX_HEX, BT_OK, UINT64_MAX);
    FROM_HEX("0x1234567890abcdef1", BT_OK, 0x234567890abcdef1ULL);

    /* Malformed QUANTITYs (JSON-RPC spec: "0x" required, no leading zeros, "0x" is empty). */
    FROM_HEX("", BT_EINVAL, 0);
    FROM_HEX("0", BT_EINVAL, 0);
    FROM_HEX("0x", BT_EINVAL, 0);
    FROM_HEX("41", BT_EINVAL, 0);
    FROM_HEX("x41", BT_EINVAL, 0);
    FROM_HEX("0x0400", BT_EINVAL, 0);
    FROM_HEX("0x00", BT_EINVAL, 0);
    FROM_HEX("0xg", BT_EINVAL, 0);
    FROM_HEX("0x1g", BT_EINVAL, 0);
    FROM_HEX("0x 1", BT_EINVAL, 0);
    FROM_HEX("0x1 ", BT_EINVAL, 0);
    FROM_HEX("-0x1", BT_EINVAL, 0);
    FROM_HEX("0x-1", BT_EINVAL, 0);
    FROM_HEX("1x1", BT_EINVAL, 0);
    check_from_hex("0x1\0", 4, BT_EINVAL, 0); /* an embedded NUL is a character like any other */
    check_from_hex("0x12", 3, BT_OK, 1);      /* only len bytes are read */

    /* 65 significant digits: 2^256 and above. */
    FROM_HEX("0x10000000000000000000000000000000000000000000000000000000000000000", BT_ERANGE, 0);
    FROM_HEX("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", BT_ERANGE, 0);
    /* Bad characters are reported before the range. */
    FROM_HEX("0x1000000000000000000000000000000000000000000000000000000000000000z", BT_EINVAL, 0);
}

static void check_to_dec(struct bts_u256 x, const char *want)
{
    char buf[BTS_U256_DEC_MAX];
    size_t n = bts_u256_to_dec(buf, &x);
    CU_ASSERT_STRING_EQUAL(buf, want);
    CU_ASSERT_EQUAL(n, strlen(want));
}

static void test_u256_text_to_dec(void)
{
    check_to_dec(bts_u256_from_u64(0), "0");
    check_to_dec(bts_u256_from_u64(7), "7");
    check_to_dec(bts_u256_from_u64(9999999999999999999ULL), "9999999999999999999");
    check_to_dec(bts_u256_from_u64(10000000000000000000ULL), "10000000000000000000");
    check_to_dec(bts_u256_from_u64(UINT64_MAX), "18446744073709551615");
    check_to_dec((struct bts_u256){{0, 1, 0, 0}}, "18446744073709551616");
    check_to_dec((struct bts_u256){{0, 0, 0, 1ULL << 63}},
                 "57896044618658097711785492504343953926634992332820282019728792003956564819968");
    check_to_dec((struct bts_u256){{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}}, MAX_DEC);
    /* 10^38: a zero chunk in the middle must keep its 19 digits. */
    struct bts_u256 e38;
    CU_ASSERT_EQUAL(bts_u256_from_dec(&e38, "100000000000000000000000000000000000000", 39), BT_OK);
    check_to_dec(e38, "100000000000000000000000000000000000000");
}

static void check_from_dec(const char *s, bt_status want_st, uint64_t want_w0)
{
    struct bts_u256 x = bts_u256_from_u64(77);
    bt_status st = bts_u256_from_dec(&x, s, strlen(s));
    CU_ASSERT_EQUAL(st, want_st);
    if (st != want_st)
        fprintf(stderr, "from_dec(\"%s\"): %s\n", s, bts_status_str(st));
    CU_ASSERT_EQUAL(x.w[0], want_w0);
    if (st != BT_OK)
        CU_ASSERT(bts_u256_is_zero(&x));
}

static void test_u256_text_from_dec(void)
{
    check_from_dec("0", BT_OK, 0);
    check_from_dec("007", BT_OK, 7);
    check_from_dec("18446744073709551616", BT_OK, 0); /* 2^64: w[1] = 1 */
    check_from_dec(MAX_DEC, BT_OK, UINT64_MAX);
    check_from_dec("0000000000" MAX_DEC, BT_OK, UINT64_MAX);

    check_from_dec("", BT_EINVAL, 0);
    check_from_dec("-1", BT_EINVAL, 0);
    check_from_dec("+1", BT_EINVAL, 0);
    check_from_dec("1a", BT_EINVAL, 0);
    check_from_dec(" 1", BT_EINVAL, 0);
    check_from_dec("0x10", BT_EINVAL, 0);
    check_from_dec("1.5", BT_EINVAL, 0);

    /* 2^256 and above overflow; a bad character still wins over the overflow. */
    check_from_dec("115792089237316195423570985008687907853269984665640564039457584007913129639936",
                   BT_ERANGE, 0);
    check_from_dec(
        "1000000000000000000000000000000000000000000000000000000000000000000000000000000",
        BT_ERANGE, 0);
    check_from_dec("9999999999999999999999999999999999999999999999999999999999999999999999999999999"
                   "9999999999999999999999",
                   BT_ERANGE, 0);
    check_from_dec(
        "1000000000000000000000000000000000000000000000000000000000000000000000000000000x",
        BT_EINVAL, 0);
}

BTS_TEST_SUITE("u256_text", NULL, NULL, BTS_TEST(test_u256_text_load_store_be),
               BTS_TEST(test_u256_text_load_be_bytes), BTS_TEST(test_u256_text_load_be_padded),
               BTS_TEST(test_u256_text_to_hex), BTS_TEST(test_u256_text_from_hex),
               BTS_TEST(test_u256_text_to_dec), BTS_TEST(test_u256_text_from_dec));
