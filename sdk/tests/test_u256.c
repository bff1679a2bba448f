/* bts_u256 arithmetic on hand-checked vectors: each EVM operation at 0, 1, max, 2^255, -1 and
 * the limb boundaries, with the Yellow Paper appendix H special cases (x/0, SDIV overflow,
 * SMOD sign, 257/512-bit ADDMOD/MULMOD, shifts >= 256, BYTE and SIGNEXTEND out of range). */
#include <bts/test.h>
#include <bts/u256.h>

#include <string.h>

#define MAX   "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define MAXM1 "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
#define MIN   "0x8000000000000000000000000000000000000000000000000000000000000000"
#define MINP1 "0x8000000000000000000000000000000000000000000000000000000000000001"
#define SMAX  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

/* The value of a QUANTITY literal (bts_u256_from_hex is tested in test_u256_text.c). */
static struct bts_u256 h(const char *s)
{
    struct bts_u256 x;
    CU_ASSERT_EQUAL_FATAL(bts_u256_from_hex(&x, s, strlen(s)), BT_OK);
    return x;
}

/* -v for a small v. */
static struct bts_u256 neg(uint64_t v)
{
    struct bts_u256 x = bts_u256_from_u64(v);
    bts_u256_neg(&x, &x);
    return x;
}

typedef void (*binop)(struct bts_u256 *, const struct bts_u256 *, const struct bts_u256 *);

#define CHECK_BIN(fn, a, b, want) check_bin(fn, #fn, h(a), h(b), h(want), __LINE__)

static void check_bin(binop fn, const char *name, struct bts_u256 a, struct bts_u256 b,
                      struct bts_u256 want, int line)
{
    struct bts_u256 got;
    fn(&got, &a, &b);
    if (!bts_u256_eq(&got, &want)) {
        char g[BTS_U256_HEX_MAX], w[BTS_U256_HEX_MAX];
        bts_u256_to_hex(g, &got);
        bts_u256_to_hex(w, &want);
        fprintf(stderr, "line %d: %s: got %s want %s\n", line, name, g, w);
    }
    CU_ASSERT(bts_u256_eq(&got, &want));
}

static void test_u256_add_sub_wrap(void)
{
    CHECK_BIN(bts_u256_add, MAX, "0x1", "0x0");
    CHECK_BIN(bts_u256_add, MAX, MAX, MAXM1);
    CHECK_BIN(bts_u256_add, "0xffffffffffffffff", "0x1", "0x10000000000000000");
    CHECK_BIN(bts_u256_add, SMAX, "0x1", MIN);
    CHECK_BIN(bts_u256_add, "0x0", "0x0", "0x0");
    CHECK_BIN(bts_u256_sub, "0x0", "0x1", MAX);
    CHECK_BIN(bts_u256_sub, "0x100000000000000000000000000000000", "0x1",
              "0xffffffffffffffffffffffffffffffff");
    CHECK_BIN(bts_u256_sub, MIN, "0x1", SMAX);
    CHECK_BIN(bts_u256_sub, "0x5", "0x5", "0x0");

    struct bts_u256 a = h(MAX), b = h("0x1"), r;
    CU_ASSERT_EQUAL(bts_u256_add_carry(&r, &a, &b), 1);
    CU_ASSERT_EQUAL(bts_u256_add_carry(&r, &b, &b), 0);
    CU_ASSERT_EQUAL(bts_u256_sub_borrow(&r, &b, &a), 1);
    CU_ASSERT_EQUAL(bts_u256_sub_borrow(&r, &a, &b), 0);
    bts_u256_neg(&r, &b);
    CU_ASSERT(bts_u256_eq(&r, &a));
    bts_u256_neg(&r, &r);
    CU_ASSERT(bts_u256_eq(&r, &b));
    /* The output may be an input. */
    r = h(MAX);
    bts_u256_add(&r, &r, &r);
    CU_ASSERT(
        bts_u256_eq(&r, &(struct bts_u256){{UINT64_MAX - 1, UINT64_MAX, UINT64_MAX, UINT64_MAX}}));
}

static void test_u256_mul(void)
{
    CHECK_BIN(bts_u256_mul, MAX, MAX, "0x1");
    CHECK_BIN(bts_u256_mul, MAX, "0x2", MAXM1);
    CHECK_BIN(bts_u256_mul, MIN, "0x2", "0x0");
    CHECK_BIN(bts_u256_mul, "0x10000000000000000", "0x10000000000000000",
              "0x100000000000000000000000000000000");
    CHECK_BIN(bts_u256_mul, "0x100000000000000000000000000000000",
              "0x100000000000000000000000000000000", "0x0");
    CHECK_BIN(bts_u256_mul, "0x10", "0x10", "0x100");
    CHECK_BIN(bts_u256_mul, "0x0", MAX, "0x0");
    CHECK_BIN(bts_u256_mul, "0xffffffffffffffff", "0xffffffffffffffff",
              "0xfffffffffffffffe0000000000000001");

    struct bts_u256 a = h(MAX);
    uint64_t full[8];
    bts_u256_mul_full(full, &a, &a); /* (2^256 - 1)^2 = 2^512 - 2^257 + 1 */
    static const uint64_t want[8] = {1,          0,          0,         0, UINT64_MAX - 1,
                                     UINT64_MAX, UINT64_MAX, UINT64_MAX};
    CU_ASSERT(memcmp(full, want, sizeof(want)) == 0);
}

static void test_u256_div_mod(void)
{
    CHECK_BIN(bts_u256_div, MAX, "0x0", "0x0"); /* x / 0 = 0 */
    CHECK_BIN(bts_u256_mod, MAX, "0x0", "0x0"); /* x mod 0 = 0 */
    CHECK_BIN(bts_u256_div, "0x0", "0x0", "0x0");
    CHECK_BIN(bts_u256_div, MAX, "0x1", MAX);
    CHECK_BIN(bts_u256_div, MAX, MAX, "0x1");
    CHECK_BIN(bts_u256_div, "0xa", "0x3", "0x3");
    CHECK_BIN(bts_u256_mod, "0xa", "0x3", "0x1");
    CHECK_BIN(bts_u256_div, "0x3", "0xa", "0x0");
    CHECK_BIN(bts_u256_mod, "0x3", "0xa", "0x3");
    CHECK_BIN(bts_u256_div, MIN, "0x2",
              "0x4000000000000000000000000000000000000000000000000000000000000000");
    CHECK_BIN(bts_u256_div, MAX, "0x100000000000000000000000000000000",
              "0xffffffffffffffffffffffffffffffff");
    CHECK_BIN(bts_u256_mod, MAX, "0x100000000000000000000000000000000",
              "0xffffffffffffffffffffffffffffffff");
    /* (x^4 - 1) / (x + 1) = x^3 - x^2 + x - 1 exactly, for x = 2^64. */
    CHECK_BIN(bts_u256_div, MAX, "0x10000000000000001",
              "0xffffffffffffffff0000000000000000ffffffffffffffff");
    CHECK_BIN(bts_u256_mod, MAX, "0x10000000000000001", "0x0");
    /* A one-limb divisor of a four-limb numerator, and a divisor with its top bit set. */
    CHECK_BIN(bts_u256_div, MAX, "0x3",
              "0x5555555555555555555555555555555555555555555555555555555555555555");
    CHECK_BIN(bts_u256_mod, MAXM1, MAX, MAXM1);
    CHECK_BIN(bts_u256_div, MAX, MIN, "0x1");
    CHECK_BIN(bts_u256_mod, MAX, MIN, SMAX);

    struct bts_u256 a = h("0x64"), b = h("0x7"), q, r;
    bts_u256_divmod(&q, &r, &a, &b);
    CU_ASSERT(bts_u256_eq(&q, &(struct bts_u256){{14, 0, 0, 0}}));
    CU_ASSERT(bts_u256_eq(&r, &(struct bts_u256){{2, 0, 0, 0}}));
    bts_u256_divmod(&q, NULL, &a, &b); /* either output may be NULL */
    CU_ASSERT_EQUAL(q.w[0], 14);
    bts_u256_divmod(NULL, &r, &a, &b);
    CU_ASSERT_EQUAL(r.w[0], 2);
    bts_u256_div(&a, &a, &b); /* in place */
    CU_ASSERT_EQUAL(a.w[0], 14);
}

static void test_u256_sdiv_smod(void)
{
    struct bts_u256 m10 = neg(10), p3 = bts_u256_from_u64(3), m3 = neg(3),
                    p10 = bts_u256_from_u64(10);
    struct bts_u256 r, want;

    /* -2^255 / -1 overflows and wraps to -2^255 (Yellow Paper appendix H). */
    CHECK_BIN(bts_u256_sdiv, MIN, MAX, MIN);
    CHECK_BIN(bts_u256_smod, MIN, MAX, "0x0");
    CHECK_BIN(bts_u256_sdiv, MAX, "0x0", "0x0");
    CHECK_BIN(bts_u256_smod, MAX, "0x0", "0x0");
    CHECK_BIN(bts_u256_sdiv, MIN, "0x1", MIN);
    CHECK_BIN(bts_u256_sdiv, SMAX, MAX, MINP1);
    CHECK_BIN(bts_u256_sdiv, MIN, MIN, "0x1");

    /* Truncation toward zero: -10 / 3 = -3, 10 / -3 = -3, -10 / -3 = 3. */
    bts_u256_sdiv(&r, &m10, &p3);
    CU_ASSERT(bts_u256_eq(&r, &m3));
    bts_u256_sdiv(&r, &p10, &m3);
    CU_ASSERT(bts_u256_eq(&r, &m3));
    bts_u256_sdiv(&r, &m10, &m3);
    CU_ASSERT(bts_u256_eq(&r, &p3));
    /* The remainder's sign follows the dividend: -10 % 3 = -1, 10 % -3 = 1, -10 % -3 = -1. */
    bts_u256_smod(&r, &m10, &p3);
    want = neg(1);
    CU_ASSERT(bts_u256_eq(&r, &want));
    bts_u256_smod(&r, &p10, &m3);
    want = bts_u256_from_u64(1);
    CU_ASSERT(bts_u256_eq(&r, &want));
    bts_u256_smod(&r, &m10, &m3);
    want = neg(1);
    CU_ASSERT(bts_u256_eq(&r, &want));
}

typedef void (*ternop)(struct bts_u256 *, const struct bts_u256 *, const struct bts_u256 *,
                       const struct bts_u256 *);

static void check_tern(ternop fn, const char *a, const char *b, const char *m, const char *want)
{
    struct bts_u256 x = h(a), y = h(b), z = h(m), w = h(want), got;
    fn(&got, &x, &y, &z);
    CU_ASSERT(bts_u256_eq(&got, &w));
}

static void test_u256_addmod_mulmod(void)
{
    /* Modulus 0 gives 0. */
    check_tern(bts_u256_addmod, "0x5", "0x6", "0x0", "0x0");
    check_tern(bts_u256_mulmod, "0x5", "0x6", "0x0", "0x0");
    /* 257-bit sums: 2 (2^256 - 1) mod 3 = 0 (a wrapped sum would give 2); 2^256 mod 10 = 6. */
    check_tern(bts_u256_addmod, MAX, MAX, "0x3", "0x0");
    check_tern(bts_u256_addmod, MAX, "0x1", "0xa", "0x6");
    check_tern(bts_u256_addmod, MAX, MAX, MAX, "0x0");
    check_tern(bts_u256_addmod, MAXM1, "0x1", MAX, "0x0");
    check_tern(bts_u256_addmod, MAXM1, "0x2", MAX, "0x1");
    check_tern(bts_u256_addmod, "0x1", "0x2", MAX, "0x3");
    check_tern(bts_u256_addmod, "0x4", "0x5", "0x7", "0x2");
    /* 512-bit products: (2^256 - 1)^2 mod 12 = 9 (a wrapped product would give 1). */
    check_tern(bts_u256_mulmod, MAX, MAX, "0xc", "0x9");
    check_tern(bts_u256_mulmod, MAX, MAX, MAX, "0x0");
    check_tern(bts_u256_mulmod, MIN, "0x2", MAX, "0x1");
    check_tern(bts_u256_mulmod, "0x4", "0x5", "0x7", "0x6");
    check_tern(bts_u256_mulmod, MAX, MAX, "0x1", "0x0");
    check_tern(bts_u256_mulmod, "0x100000000000000000000000000000000",
               "0x100000000000000000000000000000000", "0x10000000000000001", "0x1");

    /* The output may alias the modulus. */
    struct bts_u256 a = h(MAX), m = h("0xc");
    bts_u256_mulmod(&m, &a, &a, &m);
    CU_ASSERT_EQUAL(m.w[0], 9);
}

static void test_u256_exp(void)
{
    CHECK_BIN(bts_u256_exp, "0x2", "0xff", MIN);
    CHECK_BIN(bts_u256_exp, "0x2", "0x100", "0x0");
    CHECK_BIN(bts_u256_exp, "0x2", MAX, "0x0");
    CHECK_BIN(bts_u256_exp, "0x0", "0x0", "0x1"); /* 0^0 = 1, as the EVM defines it */
    CHECK_BIN(bts_u256_exp, "0x0", "0x5", "0x0");
    CHECK_BIN(bts_u256_exp, "0x3", "0x0", "0x1");
    CHECK_BIN(bts_u256_exp, MAX, "0x2", "0x1");
    CHECK_BIN(bts_u256_exp, MAX, "0x3", MAX); /* (-1)^3 = -1 */
    CHECK_BIN(bts_u256_exp, MAX, MAX, MAX);
    CHECK_BIN(bts_u256_exp, "0xa", "0x12", "0xde0b6b3a7640000"); /* 10^18 */
    CHECK_BIN(bts_u256_exp, "0x100", "0x1f",
              "0x100000000000000000000000000000000000000000000000000000000000000"); /* 2^248 */
    CHECK_BIN(bts_u256_exp, "0x100000000000000000000000000000001", "0x2",
              "0x200000000000000000000000000000001");
    CHECK_BIN(bts_u256_exp, "0x3", "0x4", "0x51");
}

static void test_u256_shifts(void)
{
    /* EIP-145's own examples: SHL/SHR/SAR(shift, value). */
    struct bts_u256 one = bts_u256_from_u64(1), min = h(MIN), max = h(MAX), r;
    bts_u256_shl(&r, &one, 1);
    CU_ASSERT_EQUAL(r.w[0], 2);
    bts_u256_shl(&r, &one, 255);
    CU_ASSERT(bts_u256_eq(&r, &min));
    bts_u256_shl(&r, &one, 256);
    CU_ASSERT(bts_u256_is_zero(&r));
    bts_u256_shl(&r, &max, 0);
    CU_ASSERT(bts_u256_eq(&r, &max));
    bts_u256_shl(&r, &max, 1);
    CU_ASSERT(
        bts_u256_eq(&r, &(struct bts_u256){{UINT64_MAX - 1, UINT64_MAX, UINT64_MAX, UINT64_MAX}}));
    bts_u256_shl(&r, &max, 64);
    CU_ASSERT(bts_u256_eq(&r, &(struct bts_u256){{0, UINT64_MAX, UINT64_MAX, UINT64_MAX}}));
    bts_u256_shl(&r, &max, UINT64_MAX);
    CU_ASSERT(bts_u256_is_zero(&r));

    bts_u256_shr(&r, &min, 1);
    CU_ASSERT(bts_u256_eq(&r, &(struct bts_u256){{0, 0, 0, 1ULL << 62}}));
    bts_u256_shr(&r, &min, 255);
    CU_ASSERT(bts_u256_eq(&r, &one));
    bts_u256_shr(&r, &min, 256);
    CU_ASSERT(bts_u256_is_zero(&r));
    bts_u256_shr(&r, &max, 192);
    CU_ASSERT(bts_u256_eq(&r, &(struct bts_u256){{UINT64_MAX, 0, 0, 0}}));
    bts_u256_shr(&r, &max, 193);
    CU_ASSERT(bts_u256_eq(&r, &(struct bts_u256){{UINT64_MAX >> 1, 0, 0, 0}}));

    struct bts_u256 smax = h(SMAX), m16 = neg(16), want;
    bts_u256_sar(&r, &min, 1);
    want = h("0xc000000000000000000000000000000000000000000000000000000000000000");
    CU_ASSERT(bts_u256_eq(&r, &want));
    bts_u256_sar(&r, &min, 255);
    CU_ASSERT(bts_u256_eq(&r, &max));
    bts_u256_sar(&r, &min, 256);
    CU_ASSERT(bts_u256_eq(&r, &max));
    bts_u256_sar(&r, &max, 1000);
    CU_ASSERT(bts_u256_eq(&r, &max));
    bts_u256_sar(&r, &smax, 254);
    CU_ASSERT(bts_u256_eq(&r, &one));
    bts_u256_sar(&r, &smax, 255);
    CU_ASSERT(bts_u256_is_zero(&r));
    bts_u256_sar(&r, &smax, 256);
    CU_ASSERT(bts_u256_is_zero(&r));
    bts_u256_sar(&r, &m16, 4);
    CU_ASSERT(bts_u256_eq(&r, &max)); /* -16 >> 4 = -1 */
    bts_u256_sar(&r, &m16, 2);
    want = neg(4);
    CU_ASSERT(bts_u256_eq(&r, &want));

    /* A u256 shift operand of 2^64 or more saturates instead of wrapping. */
    struct bts_u256 big = h("0x10000000000000000");
    bts_u256_shl(&r, &one, bts_u256_to_u64_sat(&big));
    CU_ASSERT(bts_u256_is_zero(&r));
}

static void test_u256_byte_signextend(void)
{
    const char *x = "0x102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
    CHECK_BIN(bts_u256_byte, "0x0", x, "0x1");
    CHECK_BIN(bts_u256_byte, "0x1", x, "0x2");
    CHECK_BIN(bts_u256_byte, "0x7", x, "0x8");
    CHECK_BIN(bts_u256_byte, "0x8", x, "0x9");
    CHECK_BIN(bts_u256_byte, "0x1f", x, "0x20");
    CHECK_BIN(bts_u256_byte, "0x20", x, "0x0");
    CHECK_BIN(bts_u256_byte, "0x10000000000000000", x, "0x0"); /* not 2^64 mod 2^64 = 0 */
    CHECK_BIN(bts_u256_byte, MAX, x, "0x0");
    CHECK_BIN(bts_u256_byte, "0x0", MAX, "0xff");

    CHECK_BIN(bts_u256_signextend, "0x0", "0xff", MAX);
    CHECK_BIN(bts_u256_signextend, "0x0", "0x7f", "0x7f");
    CHECK_BIN(bts_u256_signextend, "0x0", "0x12347f", "0x7f");
    CHECK_BIN(bts_u256_signextend, "0x0", "0x1234ff", MAX);
    CHECK_BIN(bts_u256_signextend, "0x1", "0x80ff",
              "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80ff");
    CHECK_BIN(bts_u256_signextend, "0x7", "0x8000000000000000",
              "0xffffffffffffffffffffffffffffffffffffffffffffffff8000000000000000");
    CHECK_BIN(bts_u256_signextend, "0x7", "0x17fffffffffffffff", "0x7fffffffffffffff");
    CHECK_BIN(bts_u256_signextend, "0x8", "0x80ffffffffffffffff",
              "0xffffffffffffffffffffffffffffffffffffffffffffff80ffffffffffffffff");
    CHECK_BIN(bts_u256_signextend, "0x1e",
              "0x80000000000000000000000000000000000000000000000000000000000000",
              "0xff80000000000000000000000000000000000000000000000000000000000000");
    CHECK_BIN(bts_u256_signextend, "0x1e", SMAX, MAX);
    CHECK_BIN(bts_u256_signextend, "0x1f", SMAX, SMAX);
    CHECK_BIN(bts_u256_signextend, "0x1f", MIN, MIN);
    CHECK_BIN(bts_u256_signextend, MAX, "0x80", "0x80");
    CHECK_BIN(bts_u256_signextend, "0x10000000000000000", "0x80", "0x80");
}

static void test_u256_compare(void)
{
    struct bts_u256 zero = bts_u256_from_u64(0), one = bts_u256_from_u64(1), max = h(MAX),
                    min = h(MIN), smax = h(SMAX), m2 = neg(2);
    CU_ASSERT(bts_u256_lt(&zero, &max));
    CU_ASSERT(!bts_u256_lt(&max, &zero));
    CU_ASSERT(!bts_u256_lt(&one, &one));
    CU_ASSERT(bts_u256_gt(&max, &zero));
    CU_ASSERT(bts_u256_lt(&smax, &min));
    CU_ASSERT(bts_u256_eq(&max, &max));
    CU_ASSERT(!bts_u256_eq(&max, &min));
    CU_ASSERT_EQUAL(bts_u256_cmp(&zero, &one), -1);
    CU_ASSERT_EQUAL(bts_u256_cmp(&max, &min), 1);
    CU_ASSERT_EQUAL(bts_u256_cmp(&min, &min), 0);
    /* Signed: -1 < 0, the largest positive > the most negative, -2 < -1. */
    CU_ASSERT(bts_u256_slt(&max, &zero));
    CU_ASSERT(!bts_u256_slt(&zero, &max));
    CU_ASSERT(bts_u256_sgt(&smax, &min));
    CU_ASSERT(bts_u256_slt(&min, &smax));
    CU_ASSERT(bts_u256_slt(&m2, &max));
    CU_ASSERT(!bts_u256_sgt(&m2, &max));
    CU_ASSERT(!bts_u256_slt(&min, &min));
    /* Limbs differing in opposite directions: the most significant decides. */
    struct bts_u256 a = {{UINT64_MAX, 0, 0, 1}}, b = {{0, 0, 0, 2}};
    CU_ASSERT(bts_u256_lt(&a, &b));
    CU_ASSERT(!bts_u256_lt(&b, &a));
}

static void test_u256_sizes_and_u64(void)
{
    struct bts_u256 zero = bts_u256_from_u64(0), max = h(MAX), min = h(MIN);
    struct bts_u256 p64 = h("0x10000000000000000"), b255 = h("0xff"), b256 = h("0x100");
    CU_ASSERT(bts_u256_is_zero(&zero));
    CU_ASSERT(!bts_u256_is_zero(&min));
    CU_ASSERT(bts_u256_is_neg(&min));
    CU_ASSERT(!bts_u256_is_neg(&b255));
    CU_ASSERT_EQUAL(bts_u256_bit_len(&zero), 0);
    CU_ASSERT_EQUAL(bts_u256_bit_len(&b255), 8);
    CU_ASSERT_EQUAL(bts_u256_bit_len(&b256), 9);
    CU_ASSERT_EQUAL(bts_u256_bit_len(&p64), 65);
    CU_ASSERT_EQUAL(bts_u256_bit_len(&max), 256);
    CU_ASSERT_EQUAL(bts_u256_byte_len(&zero), 0);
    CU_ASSERT_EQUAL(bts_u256_byte_len(&b255), 1);
    CU_ASSERT_EQUAL(bts_u256_byte_len(&b256), 2);
    CU_ASSERT_EQUAL(bts_u256_byte_len(&p64), 9);
    CU_ASSERT_EQUAL(bts_u256_byte_len(&min), 32);

    uint64_t v = 7;
    struct bts_u256 u = bts_u256_from_u64(UINT64_MAX);
    CU_ASSERT(bts_u256_fits_u64(&u));
    CU_ASSERT_EQUAL(bts_u256_to_u64(&v, &u), BT_OK);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    CU_ASSERT(!bts_u256_fits_u64(&p64));
    CU_ASSERT_EQUAL(bts_u256_to_u64(&v, &p64), BT_ERANGE);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    CU_ASSERT_EQUAL(bts_u256_to_u64_sat(&p64), UINT64_MAX);
    CU_ASSERT_EQUAL(bts_u256_to_u64_sat(&b256), 256);
    struct bts_u256 hi = {{5, 0, 0, 1}};
    CU_ASSERT_EQUAL(bts_u256_to_u64(&v, &hi), BT_ERANGE);
}

static void test_u256_bitwise(void)
{
    struct bts_u256 a = h("0xff00ff00"), b = h("0xff00ff0"), r, max = h(MAX);
    bts_u256_and(&r, &a, &b);
    CU_ASSERT_EQUAL(r.w[0], 0x0f000f00);
    bts_u256_or(&r, &a, &b);
    CU_ASSERT_EQUAL(r.w[0], 0xfff0fff0);
    bts_u256_xor(&r, &a, &b);
    CU_ASSERT_EQUAL(r.w[0], 0xf0f0f0f0);
    bts_u256_xor(&r, &max, &max);
    CU_ASSERT(bts_u256_is_zero(&r));
    bts_u256_not(&r, &r);
    CU_ASSERT(bts_u256_eq(&r, &max));
    bts_u256_not(&r, &a);
    CU_ASSERT(
        bts_u256_eq(&r, &(struct bts_u256){{~0xff00ff00ULL, UINT64_MAX, UINT64_MAX, UINT64_MAX}}));
}

BTS_TEST_SUITE("u256", NULL, NULL, BTS_TEST(test_u256_add_sub_wrap), BTS_TEST(test_u256_mul),
               BTS_TEST(test_u256_div_mod), BTS_TEST(test_u256_sdiv_smod),
               BTS_TEST(test_u256_addmod_mulmod), BTS_TEST(test_u256_exp),
               BTS_TEST(test_u256_shifts), BTS_TEST(test_u256_byte_signextend),
               BTS_TEST(test_u256_compare), BTS_TEST(test_u256_sizes_and_u64),
               BTS_TEST(test_u256_bitwise));
