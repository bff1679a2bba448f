/* Multiplication-based bts_u256 operations (MUL, EXP, the 512-bit product behind MULMOD) and
 * the byte-level EVM operations BYTE and SIGNEXTEND (Yellow Paper appendix H). */
#include <bts/u256.h>

void bts_u256_mul(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
{
    /* Schoolbook, keeping only the low four limbs: 6 full products and 4 low halves. Each
     * step's sum a*b + r + carry is at most (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1. */
    uint64_t r[4] = {0, 0, 0, 0};
    /* Unrolled fully, r stays in registers (GCC keeps these loops rolled at -O2). */
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
#pragma GCC unroll 4
        for (int j = 0; i + j < 3; j++) {
            unsigned __int128 t = (unsigned __int128)a->w[i] * b->w[j] + r[i + j] + carry;
            r[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        r[3] += a->w[i] * b->w[3 - i] + carry;
    }
    for (int i = 0; i < 4; i++)
        out->w[i] = r[i];
}

void bts_u256_mul_full(uint64_t out[8], const struct bts_u256 *a, const struct bts_u256 *b)
{
    /* Column by column (product scanning): each column's products go into a three-limb
     * accumulator, so only three running limbs stay live instead of a whole row. The operands
     * are copied first: out may not overlap them, but the compiler cannot know that. */
    const struct bts_u256 x = *a, y = *b;
    uint64_t c0 = 0, c1 = 0, c2 = 0;
#pragma GCC unroll 7
    for (int k = 0; k < 7; k++) {
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) {
            if (k - i < 0 || k - i > 3)
                continue; /* folded away once unrolled */
            unsigned __int128 p = (unsigned __int128)x.w[i] * y.w[k - i];
            unsigned __int128 t = (unsigned __int128)c0 + (uint64_t)p;
            c0 = (uint64_t)t;
            t = (unsigned __int128)c1 + (uint64_t)(p >> 64) + (uint64_t)(t >> 64);
            c1 = (uint64_t)t;
            c2 += (uint64_t)(t >> 64);
        }
        out[k] = c0;
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    out[7] = c0;
}

/* out = a^2 mod 2^256: the cross products a[i]*a[j] (i < j) are computed once and doubled,
 * 6 multiplications instead of MUL's 10. */
static void u256_sqr(struct bts_u256 *out, const struct bts_u256 *a)
{
    const uint64_t *x = a->w;
    uint64_t r[4] = {0, 0, 0, 0};
    /* The cross terms that reach below 2^256: x0x1 at limb 1 (two limbs), x0x2 at limb 2 (two
     * limbs), x0x3 and x1x2 at limb 3 (low halves only). */
    unsigned __int128 t = (unsigned __int128)x[0] * x[1];
    r[1] = (uint64_t)t;
    t = (unsigned __int128)x[0] * x[2] + (uint64_t)(t >> 64);
    r[2] = (uint64_t)t;
    r[3] = (uint64_t)(t >> 64) + x[0] * x[3] + x[1] * x[2];
    /* Double the cross terms. */
    r[3] = (r[3] << 1) | (r[2] >> 63);
    r[2] = (r[2] << 1) | (r[1] >> 63);
    r[1] <<= 1;
    /* Add the squares x[0]^2 (limbs 0-1) and x[1]^2 (limbs 2-3). */
    unsigned __int128 s0 = (unsigned __int128)x[0] * x[0];
    unsigned __int128 s1 = (unsigned __int128)x[1] * x[1];
    r[0] = (uint64_t)s0;
    unsigned __int128 acc = (unsigned __int128)r[1] + (uint64_t)(s0 >> 64);
    r[1] = (uint64_t)acc;
    acc = (unsigned __int128)r[2] + (uint64_t)s1 + (uint64_t)(acc >> 64);
    r[2] = (uint64_t)acc;
    r[3] += (uint64_t)(s1 >> 64) + (uint64_t)(acc >> 64);
    for (int i = 0; i < 4; i++)
        out->w[i] = r[i];
}

void bts_u256_exp(struct bts_u256 *out, const struct bts_u256 *base,
                  const struct bts_u256 *exponent)
{
    unsigned n = bts_u256_bit_len(exponent);
    if (base->w[0] == 2 && (base->w[1] | base->w[2] | base->w[3]) == 0) {
        /* 2**e, the common Solidity idiom: a shift (0 once e >= 256). */
        struct bts_u256 one = bts_u256_from_u64(1);
        bts_u256_shl(out, &one, bts_u256_to_u64_sat(exponent));
        return;
    }
    /* Right-to-left square-and-multiply; exponent and out may alias, so read the exponent's
     * bits before out is written. */
    struct bts_u256 e = *exponent, r = bts_u256_from_u64(1), b = *base;
    for (unsigned i = 0; i < n; i++) {
        if ((e.w[i / 64] >> (i % 64)) & 1)
            bts_u256_mul(&r, &r, &b);
        if (i + 1 < n)
            u256_sqr(&b, &b);
    }
    *out = r;
}

void bts_u256_byte(struct bts_u256 *out, const struct bts_u256 *i, const struct bts_u256 *x)
{
    uint64_t idx = bts_u256_to_u64_sat(i);
    uint64_t v = 0;
    if (idx < 32) {
        /* Byte 0 is the most significant: it sits in limb 3 at bits 56..63. */
        unsigned k = 31u - (unsigned)idx;
        v = (x->w[k / 8] >> (8 * (k % 8))) & 0xff;
    }
    *out = bts_u256_from_u64(v);
}

void bts_u256_signextend(struct bts_u256 *out, const struct bts_u256 *b, const struct bts_u256 *x)
{
    uint64_t k = bts_u256_to_u64_sat(b);
    if (k >= 31) {
        *out = *x; /* bit 255 is already the sign: nothing to extend */
        return;
    }
    struct bts_u256 r = *x;
    unsigned bit = 8u * (unsigned)k + 7u, limb = bit / 64, off = bit % 64;
    /* Bits 0..off of the sign limb; 2 << 63 wraps to 0, so off == 63 keeps the whole limb. */
    uint64_t keep = ((uint64_t)2 << off) - 1;
    uint64_t fill = ((r.w[limb] >> off) & 1) ? UINT64_MAX : 0;
    r.w[limb] = (r.w[limb] & keep) | (fill & ~keep);
    for (unsigned i = limb + 1; i < 4; i++)
        r.w[i] = fill;
    *out = r;
}
