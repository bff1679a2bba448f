/* 256-bit unsigned integers with the EVM's arithmetic (Yellow Paper appendix H, "0s: Stop and
 * Arithmetic Operations", "10s: Comparison & Bitwise Logic Operations"): the interpreter's hot
 * path. The small operations are static inline here so the interpreter loop can inline them;
 * multiplication, division, modular arithmetic, EXP, BYTE, SIGNEXTEND and text live in
 * sdk/src/u256_*.c.
 *
 * Conventions for the whole header:
 *  - Values are plain data: four 64-bit limbs, w[0] the least significant. Signed operations
 *    read a value as two's complement (bit 255 is the sign), as the EVM does.
 *  - Every function is pure and total: Thread: any, no allocation, no failure unless it returns
 *    bt_status. Arithmetic wraps modulo 2^256 unless stated.
 *  - Outputs come first and may alias any input (`bts_u256_add(&x, &x, &y)` is fine).
 *  - Unless explicitly stated, pointer arguments must not be NULL. */
#ifndef BTS_U256_H
#define BTS_U256_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A 256-bit unsigned integer, w[0] least significant ("little-endian limbs"). The wire and
 *  ABI form is 32 big-endian bytes (struct bt_u256): convert with bts_u256_load_be and
 *  bts_u256_store_be. */
struct bts_u256 {
    uint64_t w[4];
};

/** Buffer sizes, NUL included, for bts_u256_to_hex ("0x" + 64 digits) and bts_u256_to_dec
 *  (78 digits: 2^256 - 1 = 1.15e77). */
#define BTS_U256_HEX_MAX 67
#define BTS_U256_DEC_MAX 79

/* --- construction and conversion -------------------------------------------------------------- */

/** The value v. */
static inline struct bts_u256 bts_u256_from_u64(uint64_t v)
{
    struct bts_u256 r = {{v, 0, 0, 0}};
    return r;
}

/** 1 if a < 2^64 (it converts to uint64_t without loss), else 0. */
static inline int bts_u256_fits_u64(const struct bts_u256 *a)
{
    return (a->w[1] | a->w[2] | a->w[3]) == 0;
}

/** a if it fits in 64 bits, else UINT64_MAX. Use it to turn an EVM operand into a count
 *  (shift amounts, byte indices, memory offsets) where every value >= 2^64 acts alike. */
static inline uint64_t bts_u256_to_u64_sat(const struct bts_u256 *a)
{
    return bts_u256_fits_u64(a) ? a->w[0] : UINT64_MAX;
}

/** Convert to uint64_t.
 *  Returns: BT_OK, BT_ERANGE (a >= 2^64; *out set to UINT64_MAX).
 *  Out:     out: the value. */
BTS_API bt_status bts_u256_to_u64(uint64_t *out, const struct bts_u256 *a) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/* Big-endian 64-bit load and store; compilers turn these shapes into one bswap'd move. */
static inline uint64_t bts_u256_be64_(const uint8_t *p)
{
    return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40) |
           ((uint64_t)p[3] << 32) | ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
           ((uint64_t)p[6] << 8) | (uint64_t)p[7];
}

static inline void bts_u256_put_be64_(uint8_t *p, uint64_t v)
{
    p[0] = (uint8_t)(v >> 56);
    p[1] = (uint8_t)(v >> 48);
    p[2] = (uint8_t)(v >> 40);
    p[3] = (uint8_t)(v >> 32);
    p[4] = (uint8_t)(v >> 24);
    p[5] = (uint8_t)(v >> 16);
    p[6] = (uint8_t)(v >> 8);
    p[7] = (uint8_t)v;
}

/** Load 32 big-endian bytes (EVM word, MLOAD, struct bt_u256). */
static inline void bts_u256_load_be(struct bts_u256 *out, const uint8_t in[32])
{
    uint64_t w3 = bts_u256_be64_(in), w2 = bts_u256_be64_(in + 8);
    uint64_t w1 = bts_u256_be64_(in + 16), w0 = bts_u256_be64_(in + 24);
    out->w[0] = w0;
    out->w[1] = w1;
    out->w[2] = w2;
    out->w[3] = w3;
}

/** Store as 32 big-endian bytes (MSTORE, struct bt_u256). */
static inline void bts_u256_store_be(uint8_t out[32], const struct bts_u256 *a)
{
    uint64_t w0 = a->w[0], w1 = a->w[1], w2 = a->w[2], w3 = a->w[3]; /* out may overlap a */
    bts_u256_put_be64_(out, w3);
    bts_u256_put_be64_(out + 8, w2);
    bts_u256_put_be64_(out + 16, w1);
    bts_u256_put_be64_(out + 24, w0);
}

/** Load a big-endian byte string of any length, right-aligned (PUSHn immediates, RLP and ABI
 *  integers): the value of the bytes modulo 2^256, so when len > 32 only the last 32 count.
 *  In: data, len: data may be NULL when len == 0 (value 0). */
BTS_API void bts_u256_load_be_bytes(struct bts_u256 *out, const uint8_t *data, size_t len)
    BT_NONNULL(1);

/** Load up to 32 bytes left-aligned, padding on the right with zeros: the EVM's view of a word
 *  read past the end of calldata or code (CALLDATALOAD; PUSHn truncated by the end of code).
 *  Only the first 32 bytes are used when len > 32.
 *  In: data, len: data may be NULL when len == 0 (value 0). */
BTS_API void bts_u256_load_be_padded(struct bts_u256 *out, const uint8_t *data, size_t len)
    BT_NONNULL(1);

/* --- addition and subtraction ----------------------------------------------------------------- */

/* GCC (12) turns neither __builtin_add_overflow chains nor __int128 sums into add/adc, so on
 * x86-64 the carry chains are written in assembly: 4 instructions instead of about 30. Define
 * BTS_U256_NO_ASM to get the portable C everywhere. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(BTS_U256_NO_ASM)
#define BTS_U256_X86_ASM_ 1
#endif

/** out = a + b mod 2^256. Returns the carry out of bit 255 (0 or 1). */
static inline uint64_t bts_u256_add_carry(struct bts_u256 *out, const struct bts_u256 *a,
                                          const struct bts_u256 *b)
{
    uint64_t r0 = a->w[0], r1 = a->w[1], r2 = a->w[2], r3 = a->w[3], c;
#ifdef BTS_U256_X86_ASM_
    unsigned char cf;
    /* Early-clobber outputs: r0 is written while b's limbs are still being read. */
    __asm__("addq %5, %0\n\tadcq %6, %1\n\tadcq %7, %2\n\tadcq %8, %3"
            : "+&r"(r0), "+&r"(r1), "+&r"(r2), "+&r"(r3), "=@ccc"(cf)
            : "rm"(b->w[0]), "rm"(b->w[1]), "rm"(b->w[2]), "rm"(b->w[3]));
    c = cf;
#else
    c = __builtin_add_overflow(r0, b->w[0], &r0);
    c = __builtin_add_overflow(r1, b->w[1], &r1) | __builtin_add_overflow(r1, c, &r1);
    c = __builtin_add_overflow(r2, b->w[2], &r2) | __builtin_add_overflow(r2, c, &r2);
    c = __builtin_add_overflow(r3, b->w[3], &r3) | __builtin_add_overflow(r3, c, &r3);
#endif
    out->w[0] = r0;
    out->w[1] = r1;
    out->w[2] = r2;
    out->w[3] = r3;
    return c;
}

/** out = a + b mod 2^256 (ADD). */
static inline void bts_u256_add(struct bts_u256 *out, const struct bts_u256 *a,
                                const struct bts_u256 *b)
{
    (void)bts_u256_add_carry(out, a, b);
}

/** out = a - b mod 2^256. Returns the borrow (1 when a < b, else 0). */
static inline uint64_t bts_u256_sub_borrow(struct bts_u256 *out, const struct bts_u256 *a,
                                           const struct bts_u256 *b)
{
    uint64_t r0 = a->w[0], r1 = a->w[1], r2 = a->w[2], r3 = a->w[3], c;
#ifdef BTS_U256_X86_ASM_
    unsigned char cf;
    __asm__("subq %5, %0\n\tsbbq %6, %1\n\tsbbq %7, %2\n\tsbbq %8, %3"
            : "+&r"(r0), "+&r"(r1), "+&r"(r2), "+&r"(r3), "=@ccc"(cf)
            : "rm"(b->w[0]), "rm"(b->w[1]), "rm"(b->w[2]), "rm"(b->w[3]));
    c = cf;
#else
    c = __builtin_sub_overflow(r0, b->w[0], &r0);
    c = __builtin_sub_overflow(r1, b->w[1], &r1) | __builtin_sub_overflow(r1, c, &r1);
    c = __builtin_sub_overflow(r2, b->w[2], &r2) | __builtin_sub_overflow(r2, c, &r2);
    c = __builtin_sub_overflow(r3, b->w[3], &r3) | __builtin_sub_overflow(r3, c, &r3);
#endif
    out->w[0] = r0;
    out->w[1] = r1;
    out->w[2] = r2;
    out->w[3] = r3;
    return c;
}

/** out = a - b mod 2^256 (SUB). */
static inline void bts_u256_sub(struct bts_u256 *out, const struct bts_u256 *a,
                                const struct bts_u256 *b)
{
    (void)bts_u256_sub_borrow(out, a, b);
}

/* --- predicates and comparison ---------------------------------------------------------------- */

/** 1 if a == 0 (ISZERO), else 0. */
static inline int bts_u256_is_zero(const struct bts_u256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

/** 1 if bit 255 is set (negative in two's complement), else 0. */
static inline int bts_u256_is_neg(const struct bts_u256 *a)
{
    return (int)(a->w[3] >> 63);
}

/** 1 if a == b (EQ), else 0. */
static inline int bts_u256_eq(const struct bts_u256 *a, const struct bts_u256 *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) |
            (a->w[3] ^ b->w[3])) == 0;
}

/** 1 if a < b unsigned (LT), else 0. */
static inline int bts_u256_lt(const struct bts_u256 *a, const struct bts_u256 *b)
{
    struct bts_u256 t; /* the borrow out of a - b (a sub/sbb chain on x86-64) */
    return (int)bts_u256_sub_borrow(&t, a, b);
}

/** 1 if a > b unsigned (GT), else 0. */
static inline int bts_u256_gt(const struct bts_u256 *a, const struct bts_u256 *b)
{
    return bts_u256_lt(b, a);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (unsigned). */
static inline int bts_u256_cmp(const struct bts_u256 *a, const struct bts_u256 *b)
{
    for (int i = 3; i >= 0; i--) {
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    }
    return 0;
}

/** 1 if a < b as two's complement signed values (SLT), else 0. */
static inline int bts_u256_slt(const struct bts_u256 *a, const struct bts_u256 *b)
{
    int an = bts_u256_is_neg(a), bn = bts_u256_is_neg(b);
    /* Same sign: two's complement order equals unsigned order. */
    return an != bn ? an : bts_u256_lt(a, b);
}

/** 1 if a > b as two's complement signed values (SGT), else 0. */
static inline int bts_u256_sgt(const struct bts_u256 *a, const struct bts_u256 *b)
{
    return bts_u256_slt(b, a);
}

/** Number of significant bits: 0 for 0, 256 when bit 255 is set. */
static inline unsigned bts_u256_bit_len(const struct bts_u256 *a)
{
    for (int i = 3; i >= 0; i--) {
        if (a->w[i])
            return 64u * (unsigned)i + 64u - (unsigned)__builtin_clzll(a->w[i]);
    }
    return 0;
}

/** Number of significant bytes, 0..32: the "byte size of the exponent" that EXP charges for
 *  (Yellow Paper appendix G, G_expbyte; EIP-160). */
static inline unsigned bts_u256_byte_len(const struct bts_u256 *a)
{
    return (bts_u256_bit_len(a) + 7u) / 8u;
}

/* --- negation and bitwise --------------------------------------------------------------------- */

/** out = -a mod 2^256 (two's complement negation). */
static inline void bts_u256_neg(struct bts_u256 *out, const struct bts_u256 *a)
{
    struct bts_u256 zero = {{0, 0, 0, 0}};
    bts_u256_sub(out, &zero, a);
}

/** out = a & b (AND). */
static inline void bts_u256_and(struct bts_u256 *out, const struct bts_u256 *a,
                                const struct bts_u256 *b)
{
    uint64_t r0 = a->w[0] & b->w[0], r1 = a->w[1] & b->w[1];
    uint64_t r2 = a->w[2] & b->w[2], r3 = a->w[3] & b->w[3];
    out->w[0] = r0;
    out->w[1] = r1;
    out->w[2] = r2;
    out->w[3] = r3;
}

/** out = a | b (OR). */
static inline void bts_u256_or(struct bts_u256 *out, const struct bts_u256 *a,
                               const struct bts_u256 *b)
{
    uint64_t r0 = a->w[0] | b->w[0], r1 = a->w[1] | b->w[1];
    uint64_t r2 = a->w[2] | b->w[2], r3 = a->w[3] | b->w[3];
    out->w[0] = r0;
    out->w[1] = r1;
    out->w[2] = r2;
    out->w[3] = r3;
}

/** out = a ^ b (XOR). */
static inline void bts_u256_xor(struct bts_u256 *out, const struct bts_u256 *a,
                                const struct bts_u256 *b)
{
    uint64_t r0 = a->w[0] ^ b->w[0], r1 = a->w[1] ^ b->w[1];
    uint64_t r2 = a->w[2] ^ b->w[2], r3 = a->w[3] ^ b->w[3];
    out->w[0] = r0;
    out->w[1] = r1;
    out->w[2] = r2;
    out->w[3] = r3;
}

/** out = ~a (NOT). */
static inline void bts_u256_not(struct bts_u256 *out, const struct bts_u256 *a)
{
    out->w[0] = ~a->w[0];
    out->w[1] = ~a->w[1];
    out->w[2] = ~a->w[2];
    out->w[3] = ~a->w[3];
}

/* --- shifts (EIP-145) ------------------------------------------------------------------------- */

/** out = a << n mod 2^256 (SHL); 0 when n >= 256. For an EVM shift operand s pass
 *  bts_u256_to_u64_sat(&s). Source: EIP-145. */
static inline void bts_u256_shl(struct bts_u256 *out, const struct bts_u256 *a, uint64_t n)
{
    uint64_t x0 = a->w[0], x1 = a->w[1], x2 = a->w[2], x3 = a->w[3];
    if (n >= 256) {
        x0 = x1 = x2 = x3 = 0;
    } else {
        switch (n / 64) { /* whole limbs first */
        case 3:
            x3 = x0, x2 = x1 = x0 = 0;
            break;
        case 2:
            x3 = x1, x2 = x0, x1 = x0 = 0;
            break;
        case 1:
            x3 = x2, x2 = x1, x1 = x0, x0 = 0;
            break;
        }
        /* Then the bits: (y >> 1) >> (63 - k) is y >> (64 - k) without the undefined shift
         * by 64 when k == 0. */
        unsigned k = (unsigned)(n % 64), rk = 63 - k;
        x3 = (x3 << k) | ((x2 >> 1) >> rk);
        x2 = (x2 << k) | ((x1 >> 1) >> rk);
        x1 = (x1 << k) | ((x0 >> 1) >> rk);
        x0 <<= k;
    }
    out->w[0] = x0;
    out->w[1] = x1;
    out->w[2] = x2;
    out->w[3] = x3;
}

/** out = a >> n, logical (SHR); 0 when n >= 256. Source: EIP-145. */
static inline void bts_u256_shr(struct bts_u256 *out, const struct bts_u256 *a, uint64_t n)
{
    uint64_t x0 = a->w[0], x1 = a->w[1], x2 = a->w[2], x3 = a->w[3];
    if (n >= 256) {
        x0 = x1 = x2 = x3 = 0;
    } else {
        switch (n / 64) {
        case 3:
            x0 = x3, x1 = x2 = x3 = 0;
            break;
        case 2:
            x0 = x2, x1 = x3, x2 = x3 = 0;
            break;
        case 1:
            x0 = x1, x1 = x2, x2 = x3, x3 = 0;
            break;
        }
        unsigned k = (unsigned)(n % 64), rk = 63 - k;
        x0 = (x0 >> k) | ((x1 << 1) << rk);
        x1 = (x1 >> k) | ((x2 << 1) << rk);
        x2 = (x2 >> k) | ((x3 << 1) << rk);
        x3 >>= k;
    }
    out->w[0] = x0;
    out->w[1] = x1;
    out->w[2] = x2;
    out->w[3] = x3;
}

/** out = a >> n, arithmetic (SAR): the sign bit fills the vacated bits, so n >= 256 gives 0
 *  for a non-negative a and all ones (-1) for a negative one. Source: EIP-145. */
static inline void bts_u256_sar(struct bts_u256 *out, const struct bts_u256 *a, uint64_t n)
{
    /* floor(a / 2^n) == ~(~a >> n) for negative a: flip, shift logically, flip back. */
    uint64_t m = (uint64_t)0 - (a->w[3] >> 63);
    struct bts_u256 t = {{a->w[0] ^ m, a->w[1] ^ m, a->w[2] ^ m, a->w[3] ^ m}};
    bts_u256_shr(&t, &t, n);
    out->w[0] = t.w[0] ^ m;
    out->w[1] = t.w[1] ^ m;
    out->w[2] = t.w[2] ^ m;
    out->w[3] = t.w[3] ^ m;
}

/* --- multiplication, division, modular arithmetic (sdk/src/u256_arith.c, u256_div.c) ---------- */

/** out = a * b mod 2^256 (MUL). */
BTS_API void bts_u256_mul(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
    BT_NONNULL(1, 2, 3);

/** The full 512-bit product a * b, out[0] least significant. out must not overlap a or b. */
BTS_API void bts_u256_mul_full(uint64_t out[8], const struct bts_u256 *a, const struct bts_u256 *b)
    BT_NONNULL(1, 2, 3);

/** Unsigned division with remainder: q = floor(a / b), r = a mod b; both 0 when b == 0 (the
 *  EVM's DIV and MOD rule, Yellow Paper appendix H).
 *  Out: out_q, out_r: either may be NULL when not wanted; they must not be the same object. */
BTS_API void bts_u256_divmod(struct bts_u256 *out_q, struct bts_u256 *out_r,
                             const struct bts_u256 *a, const struct bts_u256 *b) BT_NONNULL(3, 4);

/** out = floor(a / b), 0 when b == 0 (DIV). */
BTS_API void bts_u256_div(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
    BT_NONNULL(1, 2, 3);

/** out = a mod b, 0 when b == 0 (MOD). */
BTS_API void bts_u256_mod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
    BT_NONNULL(1, 2, 3);

/** Signed division truncating toward zero (SDIV): 0 when b == 0, and -2^255 / -1 = -2^255 (the
 *  one overflow wraps). Source: Yellow Paper appendix H. */
BTS_API void bts_u256_sdiv(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
    BT_NONNULL(1, 2, 3);

/** Signed remainder (SMOD): sign(a) * (|a| mod |b|), so the sign follows the dividend; 0 when
 *  b == 0. Source: Yellow Paper appendix H. */
BTS_API void bts_u256_smod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
    BT_NONNULL(1, 2, 3);

/** out = (a + b) mod m computed on the full 257-bit sum (ADDMOD); 0 when m == 0. */
BTS_API void bts_u256_addmod(struct bts_u256 *out, const struct bts_u256 *a,
                             const struct bts_u256 *b, const struct bts_u256 *m)
    BT_NONNULL(1, 2, 3, 4);

/** out = (a * b) mod m computed on the full 512-bit product (MULMOD); 0 when m == 0. */
BTS_API void bts_u256_mulmod(struct bts_u256 *out, const struct bts_u256 *a,
                             const struct bts_u256 *b, const struct bts_u256 *m)
    BT_NONNULL(1, 2, 3, 4);

/** Divisor state kept between ADDMOD/MULMOD calls with the same modulus (field arithmetic
 *  reduces by one prime over and over): the modulus it was prepared for, shifted so its top bit
 *  is set, and the reciprocal of its top limbs, whose computation is the only hardware division
 *  of a reduction. Zero-initialise before first use (= empty); the _ctx functions refill it
 *  whenever the modulus differs. Plain data, no resources: copy or discard freely. Fields are
 *  private to the SDK. */
struct bts_u256_modctx {
    struct bts_u256 m; /* the modulus prepared for (valid when dlen != 0) */
    uint64_t dn[4];    /* m << shift */
    uint64_t v;        /* reciprocal of dn's top limb (dlen 1) or top two limbs (Moller-Granlund) */
    uint64_t mu[5];    /* floor((2^512 - 1) / m) when dlen == 4 (Barrett), else 0 */
    unsigned shift;    /* leading zero bits of m's top limb */
    int dlen;          /* significant limbs of m, 0 = empty */
    int adx;           /* MULMOD kernel: 0 portable, 1 x86-64 BMI2/ADX, 2 the same for m < 2^254 */
};

/** bts_u256_addmod with a divisor cache: out = (a + b) mod m on the full 257-bit sum (ADDMOD);
 *  0 when m == 0. Operands already below m take one add and at most one subtraction; others a
 *  division by the prepared m.
 *  Args: ctx: zero-initialised or used before (with any modulus); updated when m changes.
 *  Thread: ctx must not be shared between threads without locking.
 *  Source: Yellow Paper appendix H (ADDMOD). */
BTS_API void bts_u256_addmod_ctx(struct bts_u256 *out, const struct bts_u256 *a,
                                 const struct bts_u256 *b, const struct bts_u256 *m,
                                 struct bts_u256_modctx *ctx) BT_NONNULL(1, 2, 3, 4, 5);

/** bts_u256_mulmod with a divisor cache: out = (a * b) mod m on the full 512-bit product
 *  (MULMOD); 0 when m == 0. Same result as bts_u256_mulmod; repeated calls with the same m skip
 *  normalising m and computing its reciprocal.
 *  Args: ctx: zero-initialised or used before (with any modulus); updated when m changes.
 *  Thread: ctx must not be shared between threads without locking.
 *  Source: Yellow Paper appendix H (MULMOD). */
BTS_API void bts_u256_mulmod_ctx(struct bts_u256 *out, const struct bts_u256 *a,
                                 const struct bts_u256 *b, const struct bts_u256 *m,
                                 struct bts_u256_modctx *ctx) BT_NONNULL(1, 2, 3, 4, 5);

/** out = base^exponent mod 2^256 (EXP), by square-and-multiply; 0^0 = 1. */
BTS_API void bts_u256_exp(struct bts_u256 *out, const struct bts_u256 *base,
                          const struct bts_u256 *exponent) BT_NONNULL(1, 2, 3);

/** out = byte i of x counted from the most significant end (BYTE): (x >> (8 * (31 - i))) & 0xff,
 *  0 when i >= 32. */
BTS_API void bts_u256_byte(struct bts_u256 *out, const struct bts_u256 *i, const struct bts_u256 *x)
    BT_NONNULL(1, 2, 3);

/** Sign-extend x from its low (b + 1) bytes (SIGNEXTEND): bit 8b+7 is copied into every bit
 *  above it; x unchanged when b >= 31. */
BTS_API void bts_u256_signextend(struct bts_u256 *out, const struct bts_u256 *b,
                                 const struct bts_u256 *x) BT_NONNULL(1, 2, 3);

/* --- text (sdk/src/u256_text.c) --------------------------------------------------------------- */

/** Format as an Ethereum JSON-RPC QUANTITY: "0x" and the lowercase hex digits without leading
 *  zeros; zero is "0x0". Source: ethereum.org JSON-RPC spec, "Hex value encoding".
 *  Returns: the length written, excluding the terminating NUL (3..66).
 *  Out:     out: BTS_U256_HEX_MAX bytes. */
BTS_API size_t bts_u256_to_hex(char out[BTS_U256_HEX_MAX], const struct bts_u256 *a)
    BT_NONNULL(1, 2);

/** Parse a JSON-RPC QUANTITY: "0x" (or "0X") followed by 1..64 hex digits of either case, with
 *  no leading zero except in "0x0". Nothing else is accepted (no sign, space or NUL).
 *  Returns: BT_OK, BT_EINVAL (no prefix, no digits, leading zero, non-hex character),
 *           BT_ERANGE (well-formed but >= 2^256). On error *out is 0.
 *  In:      s, len: the text, not necessarily NUL-terminated. */
BTS_API bt_status bts_u256_from_hex(struct bts_u256 *out, const char *s, size_t len) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Format in decimal, without leading zeros ("0" for zero).
 *  Returns: the length written, excluding the terminating NUL (1..78).
 *  Out:     out: BTS_U256_DEC_MAX bytes. */
BTS_API size_t bts_u256_to_dec(char out[BTS_U256_DEC_MAX], const struct bts_u256 *a)
    BT_NONNULL(1, 2);

/** Parse 1 or more decimal digits (leading zeros allowed; no sign, space or prefix).
 *  Returns: BT_OK, BT_EINVAL (empty or a non-digit), BT_ERANGE (all digits but >= 2^256).
 *           On error *out is 0.
 *  In:      s, len: the text, not necessarily NUL-terminated. */
BTS_API bt_status bts_u256_from_dec(struct bts_u256 *out, const char *s, size_t len) BT_MUST_CHECK
    BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* BTS_U256_H */
