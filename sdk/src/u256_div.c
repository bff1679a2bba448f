/* Division for bts_u256 and the EVM operations built on it (DIV, MOD, SDIV, SMOD, ADDMOD,
 * MULMOD). Long division is Knuth's Algorithm D (TAOCP vol. 2, 4.3.1) on 64-bit limbs; each
 * 128-by-64 quotient step multiplies by a precomputed reciprocal of the divisor instead of
 * dividing (Moller and Granlund, "Improved division by invariant integers", IEEE Trans.
 * Computers 2011, algorithm 4), so a 256-by-64 division costs one hardware division. */
#include <bts/u256.h>

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

/* Subtract qhat * dn[0..n-1] from un[0..n]; returns the final borrow (1: qhat was too big). */
static uint64_t submul(uint64_t *un, const uint64_t *dn, int n, uint64_t qhat)
{
    uint64_t borrow = 0, carry = 0;
    for (int i = 0; i <= n; i++) {
        uint64_t p = carry;
        if (i < n) {
            unsigned __int128 t = (unsigned __int128)qhat * dn[i] + carry;
            p = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        uint64_t d = un[i] - p;
        uint64_t b = un[i] < p;
        un[i] = d - borrow;
        borrow = b | (d < borrow);
    }
    return borrow;
}

/* un[0..n] += dn[0..n-1], dropping the carry out of un[n] (it cancels the earlier borrow). */
static void addback(uint64_t *un, const uint64_t *dn, int n)
{
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t s = un[i] + dn[i];
        uint64_t c = s < dn[i];
        un[i] = s + carry;
        carry = c | (un[i] < s);
    }
    un[n] += carry;
}

/* Algorithm D proper: divide un[0..ulen] (normalised, un[ulen] < dn[n-1]) by dn[0..n-1]
 * (n >= 2, top bit of dn[n-1] set, v its reciprocal). Writes q[0..ulen-n] when q is not NULL
 * and leaves the normalised remainder in un[0..n-1]. */
static void knuth_d(uint64_t *q, uint64_t *un, int ulen, const uint64_t *dn, int n, uint64_t v)
{
    const uint64_t d1 = dn[n - 1], d0 = dn[n - 2];
    for (int j = ulen - n; j >= 0; j--) {
        uint64_t u2 = un[j + n], u1 = un[j + n - 1], u0 = un[j + n - 2];
        uint64_t qhat, rhat;
        int rhat_big; /* rhat >= 2^64: the refinement test below cannot succeed */
        if (u2 == d1) {
            /* The 2-by-1 quotient would be 2^64 or more; start from 2^64 - 1, whose remainder
             * is (u2:u1) - (2^64 - 1) * d1 = u1 + d1. */
            qhat = UINT64_MAX;
            rhat = u1 + d1;
            rhat_big = rhat < u1;
        } else {
            qhat = div_2by1(&rhat, u2, u1, d1, v);
            rhat_big = 0;
        }
        /* Knuth's test with the second divisor limb: at most two decrements, after which qhat
         * is exact or one too big. */
        while (!rhat_big) {
            unsigned __int128 p = (unsigned __int128)qhat * d0;
            uint64_t ph = (uint64_t)(p >> 64), pl = (uint64_t)p;
            if (ph < rhat || (ph == rhat && pl <= u0))
                break;
            qhat--;
            rhat += d1;
            rhat_big = rhat < d1;
        }
        if (submul(un + j, dn, n, qhat)) {
            qhat--; /* probability about 2 / 2^64 */
            addback(un + j, dn, n);
        }
        if (q)
            q[j] = qhat;
    }
}

/* q = u / d and r = u mod d for u of ulen limbs (1..8) and d of dlen limbs (1..4, ulen >= dlen,
 * d[dlen-1] != 0). Writes q[0..ulen-dlen] and r[0..dlen-1]; either may be NULL. */
static void udivrem(uint64_t *q, uint64_t *r, const uint64_t *u, int ulen, const uint64_t *d,
                    int dlen)
{
    uint64_t un[U256_MAX_ULEN + 1], dn[4];
    unsigned s = (unsigned)__builtin_clzll(d[dlen - 1]);

    /* Normalise: shift both left so the divisor's top bit is set (shift by 64 - 0 would be
     * undefined, hence the two branches). */
    if (s == 0) {
        for (int i = 0; i < dlen; i++)
            dn[i] = d[i];
        for (int i = 0; i < ulen; i++)
            un[i] = u[i];
        un[ulen] = 0;
    } else {
        for (int i = dlen - 1; i > 0; i--)
            dn[i] = (d[i] << s) | (d[i - 1] >> (64 - s));
        dn[0] = d[0] << s;
        un[ulen] = u[ulen - 1] >> (64 - s);
        for (int i = ulen - 1; i > 0; i--)
            un[i] = (u[i] << s) | (u[i - 1] >> (64 - s));
        un[0] = u[0] << s;
    }

    uint64_t v = reciprocal_2by1(dn[dlen - 1]);
    if (dlen == 1) {
        uint64_t rem = un[ulen];
        for (int i = ulen - 1; i >= 0; i--) {
            uint64_t qi = div_2by1(&rem, rem, un[i], dn[0], v);
            if (q)
                q[i] = qi;
        }
        un[0] = rem;
    } else {
        knuth_d(q, un, ulen, dn, dlen, v);
    }

    if (!r)
        return;
    for (int i = 0; i < dlen - 1; i++)
        r[i] = s ? (un[i] >> s) | (un[i + 1] << (64 - s)) : un[i];
    r[dlen - 1] = un[dlen - 1] >> s;
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
    } else if (dlen == 1 && bts_u256_fits_u64(a)) {
        q.w[0] = a->w[0] / b->w[0];
        r.w[0] = a->w[0] % b->w[0];
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

void bts_u256_addmod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b,
                     const struct bts_u256 *m)
{
    if (bts_u256_is_zero(m)) {
        *out = bts_u256_from_u64(0);
        return;
    }
    struct bts_u256 s;
    if (bts_u256_lt(a, m) && bts_u256_lt(b, m)) {
        /* Reduced operands (the usual case in field arithmetic): a + b < 2m, so at most one
         * subtraction, and a carry out of bit 255 means the true sum is >= m. */
        uint64_t carry = bts_u256_add_carry(&s, a, b);
        if (carry || !bts_u256_lt(&s, m))
            bts_u256_sub(&s, &s, m);
        *out = s;
        return;
    }
    uint64_t carry = bts_u256_add_carry(&s, a, b);
    if (!carry) {
        bts_u256_mod(out, &s, m);
        return;
    }
    /* The 257-bit sum: divide five limbs. */
    uint64_t u[5] = {s.w[0], s.w[1], s.w[2], s.w[3], 1};
    struct bts_u256 r = {{0, 0, 0, 0}};
    udivrem(NULL, r.w, u, 5, m->w, sig_limbs(m->w, 4));
    *out = r;
}

void bts_u256_mulmod(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b,
                     const struct bts_u256 *m)
{
    if (bts_u256_is_zero(m)) {
        *out = bts_u256_from_u64(0);
        return;
    }
    uint64_t p[8];
    bts_u256_mul_full(p, a, b);
    int ulen = sig_limbs(p, 8);
    struct bts_u256 r = {{0, 0, 0, 0}};
    if (ulen <= 4) {
        struct bts_u256 lo = {{p[0], p[1], p[2], p[3]}};
        bts_u256_mod(out, &lo, m);
        return;
    }
    udivrem(NULL, r.w, p, ulen, m->w, sig_limbs(m->w, 4));
    *out = r;
}
