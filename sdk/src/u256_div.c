/* Division for bts_u256 and the EVM operations built on it (DIV, MOD, SDIV, SMOD, ADDMOD,
 * MULMOD). Long division is Knuth's Algorithm D (TAOCP vol. 2, 4.3.1) on 64-bit limbs, with
 * the quotient steps done by multiplying with precomputed reciprocals instead of dividing
 * (Moller and Granlund, "Improved division by invariant integers", IEEE Trans. Computers 2011:
 * algorithm 4 for one-limb divisors, algorithms 5 and 6 for the 3-by-2 steps otherwise), so a
 * whole division costs one hardware division, for the reciprocal. */
#include <bts/u256.h>

#include "u256_barrett.h"

/* Numerators have at most 8 limbs (the 512-bit MULMOD product), divisors at most 4. */
#define U256_MAX_ULEN 8

/* Number of limbs up to and including the most significant non-zero one (0 for zero). */
static int sig_limbs(const uint64_t *w, int n)
{
    while (n > 0 && w[n - 1] == 0)
        n--;
    return n;
}

/* floor((2^128 - 1) / d) - 2^64 for a normalised d (top bit set): the value fits 64 bits. */
static uint64_t reciprocal_2by1(uint64_t d)
{
    return (uint64_t)((((unsigned __int128)~d << 64) | UINT64_MAX) / d);
}

/* (u1:u0) / d for a normalised d with u1 < d, v = reciprocal_2by1(d). Returns the quotient and
 * stores the remainder; algorithm 4 of Moller and Granlund. The second correction is rare. */
static inline uint64_t div_2by1(uint64_t *out_r, uint64_t u1, uint64_t u0, uint64_t d, uint64_t v)
{
    unsigned __int128 q = (unsigned __int128)v * u1 + (((unsigned __int128)u1 << 64) | u0);
    uint64_t q1 = (uint64_t)(q >> 64) + 1, q0 = (uint64_t)q;
    uint64_t r = u0 - q1 * d;
    if (r > q0) {
        q1--;
        r += d;
    }
    if (r >= d) {
        q1++;
        r -= d;
    }
    *out_r = r;
    return q1;
}

/* (u2:u1:u0) / (d1:d0) for a normalised d1 with (u2:u1) < (d1:d0), v = reciprocal_3by2(d1, d0).
 * Returns the quotient limb and stores the two-limb remainder; algorithm 5 of Moller and
 * Granlund: one multiplication estimates the quotient, which is off by at most one. */
static inline uint64_t div_3by2(uint64_t *out_r1, uint64_t *out_r0, uint64_t u2, uint64_t u1,
                                uint64_t u0, uint64_t d1, uint64_t d0, uint64_t v)
{
    unsigned __int128 q = (unsigned __int128)v * u2 + (((unsigned __int128)u2 << 64) | u1);
    uint64_t q1 = (uint64_t)(q >> 64), q0 = (uint64_t)q;
    uint64_t r1 = u1 - q1 * d1;
    unsigned __int128 d = ((unsigned __int128)d1 << 64) | d0;
    unsigned __int128 r = (((unsigned __int128)r1 << 64) | u0) - (unsigned __int128)d0 * q1 - d;
    q1++;
    /* This correction happens about half the time, so a branch would be mispredicted about as
     * often: select with a mask instead (the second one below is rare). */
    uint64_t mask = (uint64_t)0 - (uint64_t)((uint64_t)(r >> 64) >= q0);
    q1 += mask;
    r += d & (((unsigned __int128)mask << 64) | mask);
    if (__builtin_expect(r >= d, 0)) {
        q1++;
        r -= d;
    }
    *out_r1 = (uint64_t)(r >> 64);
    *out_r0 = (uint64_t)r;
    return q1;
}

/* floor((2^192 - 1) / (d1:d0)) - 2^64 for a normalised d1: algorithm 6 of Moller and Granlund,
 * which refines the one-limb reciprocal of d1 by the contribution of d0. */
static uint64_t reciprocal_3by2(uint64_t d1, uint64_t d0)
{
    uint64_t v = reciprocal_2by1(d1);
    uint64_t p = d1 * v + d0;
    if (p < d0) { /* carry */
        v--;
        if (p >= d1) {
            v--;
            p -= d1;
        }
        p -= d1;
    }
    unsigned __int128 t = (unsigned __int128)v * d0;
    uint64_t t1 = (uint64_t)(t >> 64), t0 = (uint64_t)t;
    p += t1;
    if (p < t1) { /* carry */
        v--;
        if (p > d1 || (p == d1 && t0 >= d0))
            v--;
    }
    return v;
}

/* rp[0..n-1] -= q * dp[0..n-1]; returns the limb still to be subtracted above rp[n-1] (the
 * product's high limb plus the borrow; at most 2^64 - 1). */
static uint64_t submul_1(uint64_t *rp, const uint64_t *dp, int n, uint64_t q)
{
    uint64_t cy = 0;
    for (int i = 0; i < n; i++) {
        unsigned __int128 p = (unsigned __int128)q * dp[i] + cy;
        uint64_t pl = (uint64_t)p, t = rp[i];
        cy = (uint64_t)(p >> 64) + (t < pl);
        rp[i] = t - pl;
    }
    return cy;
}

/* rp[0..n-1] += dp[0..n-1]; the carry out is dropped (it cancels an earlier borrow). */
static void addback(uint64_t *rp, const uint64_t *dp, int n)
{
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t s = rp[i] + dp[i];
        uint64_t c = s < dp[i];
        rp[i] = s + carry;
        carry = c | (rp[i] < s);
    }
}

/* Algorithm D proper: divide un[0..ulen] (normalised, un[ulen] < dn[n-1]) by dn[0..n-1]
 * (n >= 2, top bit of dn[n-1] set, v = reciprocal_3by2 of its top two limbs). Writes
 * q[0..ulen-n] when q is not NULL and leaves the normalised remainder in un[0..n-1]. Each
 * quotient limb comes from dividing the top three limbs by the top two (exact when n == 2,
 * else at most one too big, fixed by one add-back), as in GMP's schoolbook division. */
static inline void knuth_d(uint64_t *q, uint64_t *un, int ulen, const uint64_t *dn, int n,
                           uint64_t v)
{
    const uint64_t d1 = dn[n - 1], d0 = dn[n - 2];
    for (int j = ulen - n; j >= 0; j--) {
        uint64_t *u = un + j; /* the window u[0..n] being reduced */
        uint64_t u2 = u[n], u1 = u[n - 1], u0 = u[n - 2], qhat;
        if (u2 == d1 && u1 == d0) {
            /* div_3by2 needs (u2:u1) < (d1:d0). Here the window is at least (2^64 - 1) d
             * (its top limbs equal d's and d >= 2^(64(n-1)) > the rest), so the digit is
             * exactly 2^64 - 1. */
            qhat = UINT64_MAX;
            uint64_t cy = submul_1(u, dn, n, qhat);
            (void)cy; /* equals u[n]: the window's top limb becomes 0 */
            u[n] = 0;
        } else {
            uint64_t r1, r0;
            qhat = div_3by2(&r1, &r0, u2, u1, u0, d1, d0, v);
            uint64_t cy = submul_1(u, dn, n - 2, qhat);
            uint64_t borrow = r0 < cy;
            r0 -= cy;
            uint64_t neg = r1 < borrow;
            r1 -= borrow;
            u[n - 2] = r0;
            u[n - 1] = r1;
            u[n] = 0;
            if (neg) {
                qhat--; /* probability about 2 / 2^64 */
                addback(u, dn, n);
            }
        }
        if (q)
            q[j] = qhat;
    }
}

/* q = u / d and r = u mod d for u of ulen limbs (1..8, ulen >= ctx->dlen) and the divisor
 * prepared in ctx. Writes q[0..ulen-dlen] (when q is not NULL) and r[0..dlen-1]. */
static inline __attribute__((always_inline)) void
udivrem_prepared(uint64_t *q, uint64_t *r, const uint64_t *u, int ulen,
                 const struct bts_u256_modctx *ctx)
{
    uint64_t un[U256_MAX_ULEN + 1];
    const unsigned s = ctx->shift;
    const int dlen = ctx->dlen;

    if (s == 0) {
        for (int i = 0; i < ulen; i++)
            un[i] = u[i];
        un[ulen] = 0;
    } else {
        un[ulen] = u[ulen - 1] >> (64 - s);
        for (int i = ulen - 1; i > 0; i--)
            un[i] = (u[i] << s) | (u[i - 1] >> (64 - s));
        un[0] = u[0] << s;
    }

    if (dlen == 1) {
        uint64_t rem = un[ulen];
        for (int i = ulen - 1; i >= 0; i--) {
            uint64_t qi = div_2by1(&rem, rem, un[i], ctx->dn[0], ctx->v);
            if (q)
                q[i] = qi;
        }
        un[0] = rem;
    } else if (dlen == 4) {
        /* the 256-bit moduli of field arithmetic: a constant length lets the compiler unroll */
        knuth_d(q, un, ulen, ctx->dn, 4, ctx->v);
    } else {
        knuth_d(q, un, ulen, ctx->dn, dlen, ctx->v);
    }

    for (int i = 0; i < dlen - 1; i++)
        r[i] = s ? (un[i] >> s) | (un[i + 1] << (64 - s)) : un[i];
    r[dlen - 1] = un[dlen - 1] >> s;
}

/* Fills ctx for the divisor d of dlen limbs (1..4, d[dlen-1] != 0): the shift that sets the
 * top bit, the shifted divisor and the reciprocal of its top limb(s). This costs the only
 * hardware division of a whole long division, which is why MULMOD with a fixed modulus keeps
 * it in a bts_u256_modctx. */
static void prepare(struct bts_u256_modctx *ctx, const uint64_t *d, int dlen)
{
    unsigned s = (unsigned)__builtin_clzll(d[dlen - 1]);
    for (int i = 0; i < 4; i++)
        ctx->m.w[i] = i < dlen ? d[i] : 0;
    for (int i = 0; i < 4; i++)
        ctx->dn[i] = 0;
    /* shift by 64 - 0 would be undefined, hence the two branches */
    if (s == 0) {
        for (int i = 0; i < dlen; i++)
            ctx->dn[i] = d[i];
    } else {
        for (int i = dlen - 1; i > 0; i--)
            ctx->dn[i] = (d[i] << s) | (d[i - 1] >> (64 - s));
        ctx->dn[0] = d[0] << s;
    }
    ctx->shift = s;
    ctx->dlen = dlen;
    ctx->v = dlen == 1 ? reciprocal_2by1(ctx->dn[0])
                       : reciprocal_3by2(ctx->dn[dlen - 1], ctx->dn[dlen - 2]);
    for (int i = 0; i < 5; i++)
        ctx->mu[i] = 0;
#ifdef BTS_U256_HAVE_ADX_KERNEL
    ctx->adx = !cpu_has_adx() ? 0 : dlen == 4 && d[3] < (1ull << 62) ? 2 : 1;
#else
    ctx->adx = 0;
#endif
    if (dlen == 4) {
        /* Barrett's mu = floor((2^512 - 1) / m): floor(2^512 / m) unless m divides 2^512, and
         * one less then, which mulmod_barrett's final subtractions absorb. */
        uint64_t ones[8], r[4];
        for (int i = 0; i < 8; i++)
            ones[i] = UINT64_MAX;
        udivrem_prepared(ctx->mu, r, ones, 8, ctx);
    }
}

/* q = u / d and r = u mod d for u of ulen limbs (1..8) and d of dlen limbs (1..4, ulen >= dlen,
 * d[dlen-1] != 0). Writes q[0..ulen-dlen] (when q is not NULL) and r[0..dlen-1]. */
static void udivrem(uint64_t *q, uint64_t *r, const uint64_t *u, int ulen, const uint64_t *d,
                    int dlen)
{
    struct bts_u256_modctx ctx;
    prepare(&ctx, d, dlen);
    udivrem_prepared(q, r, u, ulen, &ctx);
}

void bts_u256_divmod(struct bts_u256 *out_q, struct bts_u256 *out_r, const struct bts_u256 *a,
                     const struct bts_u256 *b)
{
    struct bts_u256 q = {{0, 0, 0, 0}}, r = {{0, 0, 0, 0}};
    int dlen = sig_limbs(b->w, 4);
    if (dlen == 0) {
        /* x / 0 = x mod 0 = 0 (Yellow Paper appendix H). */
    } else if (bts_u256_lt(a, b)) {
        r = *a;
    } else if ((a->w[2] | a->w[3]) == 0) {
        /* Both below 2^128: the compiler's 128-bit division (one hardware divide for the
         * common 64-bit case) beats normalising for Algorithm D. */
        unsigned __int128 x = ((unsigned __int128)a->w[1] << 64) | a->w[0];
        unsigned __int128 y = ((unsigned __int128)b->w[1] << 64) | b->w[0];
        unsigned __int128 qq = x / y, rr = x - qq * y;
        q.w[0] = (uint64_t)qq;
        q.w[1] = (uint64_t)(qq >> 64);
        r.w[0] = (uint64_t)rr;
        r.w[1] = (uint64_t)(rr >> 64);
    } else {
        udivrem(q.w, r.w, a->w, sig_limbs(a->w, 4), b->w, dlen);
    }
    if (out_q)
        *out_q = q;
    if (out_r)
        *out_r = r;
}

void bts_u256_div(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
{
    bts_u256_divmod(out, NULL, a, b);
}

void bts_u256_mod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
{
    bts_u256_divmod(NULL, out, a, b);
}

/* |a| as an unsigned value; |-2^255| = 2^255 is representable, which is what makes SDIV's
 * overflow case come out as -2^255 without a special case. */
static struct bts_u256 u256_abs(const struct bts_u256 *a)
{
    struct bts_u256 r = *a;
    if (bts_u256_is_neg(a))
        bts_u256_neg(&r, a);
    return r;
}

void bts_u256_sdiv(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
{
    int neg = bts_u256_is_neg(a) != bts_u256_is_neg(b);
    struct bts_u256 ua = u256_abs(a), ub = u256_abs(b);
    bts_u256_divmod(out, NULL, &ua, &ub); /* b == 0 gives 0, and -0 == 0 */
    if (neg)
        bts_u256_neg(out, out);
}

void bts_u256_smod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
{
    int neg = bts_u256_is_neg(a); /* the sign follows the dividend */
    struct bts_u256 ua = u256_abs(a), ub = u256_abs(b);
    bts_u256_divmod(NULL, out, &ua, &ub);
    if (neg)
        bts_u256_neg(out, out);
}

/* ctx made current for m != 0: refilled only when m differs from what it was prepared for. */
static inline void ctx_for(struct bts_u256_modctx *ctx, const struct bts_u256 *m)
{
    if (ctx->dlen == 0 || !bts_u256_eq(&ctx->m, m))
        prepare(ctx, m->w, sig_limbs(m->w, 4));
}

/* out = u mod m for u of ulen limbs (0..8), m current in ctx. */
static inline void reduce(struct bts_u256 *out, const uint64_t *u, int ulen,
                          struct bts_u256_modctx *ctx)
{
    struct bts_u256 r = {{0, 0, 0, 0}};
    if (ulen < ctx->dlen) {
        for (int i = 0; i < ulen; i++) /* u < 2^(64 ulen) <= m */
            r.w[i] = u[i];
    } else if (ulen <= 2) {
        /* Both below 2^128: the compiler's 128-bit remainder (one hardware divide for a 64-bit
         * modulus) beats normalising. */
        unsigned __int128 x = ((unsigned __int128)(ulen > 1 ? u[1] : 0) << 64) | u[0];
        unsigned __int128 y = ((unsigned __int128)ctx->m.w[1] << 64) | ctx->m.w[0];
        unsigned __int128 rr = x % y;
        r.w[0] = (uint64_t)rr;
        r.w[1] = (uint64_t)(rr >> 64);
    } else {
        udivrem_prepared(NULL, r.w, u, ulen, ctx);
    }
    *out = r;
}

void bts_u256_addmod_ctx(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b,
                         const struct bts_u256 *m, struct bts_u256_modctx *ctx)
{
    if (bts_u256_is_zero(m)) {
        *out = bts_u256_from_u64(0);
        return;
    }
    struct bts_u256 s;
    uint64_t carry = bts_u256_add_carry(&s, a, b);
    if (bts_u256_lt(a, m) && bts_u256_lt(b, m)) {
        /* Reduced operands (the usual case in field arithmetic): a + b < 2m, so at most one
         * subtraction, and a carry out of bit 255 means the true sum is >= m. */
        if (carry || !bts_u256_lt(&s, m))
            bts_u256_sub(&s, &s, m);
        *out = s;
        return;
    }
    ctx_for(ctx, m);
    if (ctx->dlen == 4) {
        /* A 256-bit modulus (field code adding unreduced values): reduce the operands with the
         * MULMOD kernel, x * 1 mod m, then add as above; cheaper than dividing the sum. */
        static const uint64_t one[4] = {1, 0, 0, 0};
        struct bts_u256 x = *a, y = *b;
        if (!bts_u256_lt(&x, m))
            mulmod_barrett(x.w, x.w, one, ctx);
        if (!bts_u256_lt(&y, m))
            mulmod_barrett(y.w, y.w, one, ctx);
        carry = bts_u256_add_carry(&s, &x, &y);
        if (carry || !bts_u256_lt(&s, m))
            bts_u256_sub(&s, &s, m);
        *out = s;
        return;
    }
    /* The 257-bit sum: divide up to five limbs. */
    uint64_t u[5] = {s.w[0], s.w[1], s.w[2], s.w[3], carry};
    reduce(out, u, sig_limbs(u, 5), ctx);
}

/* bts_u256_mulmod_ctx when m is not the 256-bit modulus ctx holds. Out of line, so that the
 * common case below saves no registers and ends in a tail call of the kernel. */
static __attribute__((noinline)) void mulmod_other(struct bts_u256 *out, const struct bts_u256 *a,
                                                   const struct bts_u256 *b,
                                                   const struct bts_u256 *m,
                                                   struct bts_u256_modctx *ctx)
{
    if (bts_u256_is_zero(m)) {
        *out = bts_u256_from_u64(0);
        return;
    }
    ctx_for(ctx, m);
    if (ctx->dlen == 4) {
        mulmod_barrett(out->w, a->w, b->w, ctx);
        return;
    }
    uint64_t p[8];
    if ((a->w[1] | a->w[2] | a->w[3] | b->w[1] | b->w[2] | b->w[3]) == 0) {
        /* 64-bit operands: a 128-bit product, no 512-bit multiplication */
        unsigned __int128 x = (unsigned __int128)a->w[0] * b->w[0];
        p[0] = (uint64_t)x;
        p[1] = (uint64_t)(x >> 64);
        p[2] = p[3] = p[4] = p[5] = p[6] = p[7] = 0;
    } else {
        bts_u256_mul_full(p, a, b);
    }
    reduce(out, p, sig_limbs(p, 8), ctx);
}

void bts_u256_mulmod_ctx(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b,
                         const struct bts_u256 *m, struct bts_u256_modctx *ctx)
{
    if (ctx->dlen == 4 && bts_u256_eq(&ctx->m, m)) {
        /* the field-arithmetic case: the same 256-bit modulus as last time */
        mulmod_barrett(out->w, a->w, b->w, ctx);
        return;
    }
    mulmod_other(out, a, b, m, ctx);
}

void bts_u256_addmod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b,
                     const struct bts_u256 *m)
{
    struct bts_u256_modctx ctx = {.dlen = 0};
    bts_u256_addmod_ctx(out, a, b, m, &ctx);
}

void bts_u256_mulmod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b,
                     const struct bts_u256 *m)
{
    struct bts_u256_modctx ctx = {.dlen = 0};
    bts_u256_mulmod_ctx(out, a, b, m, &ctx);
}
