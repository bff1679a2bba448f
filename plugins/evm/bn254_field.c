/* The BN254 field tower (bn254_field.h): Montgomery multiplication on 64-bit limbs (CIOS,
 * Koc, Acar, Kaliski, "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996),
 * Karatsuba in Fp2 and Fp12, schoolbook in Fp6. The constants were computed with Python's
 * integers from p and r (EIP-197) and are cross-checked by the unit tests. */
#include "bn254_field.h"

#include <string.h>

typedef unsigned __int128 u128;

const uint64_t bn254_p[4] = {0x3c208c16d87cfd47ull, 0x97816a916871ca8dull, 0xb85045b68181585dull,
                             0x30644e72e131a029ull};
const uint64_t bn254_r[4] = {0x43e1f593f0000001ull, 0x2833e84879b97091ull, 0xb85045b68181585dull,
                             0x30644e72e131a029ull};
/* -p^-1 mod 2^64 */
static const uint64_t P_INV = 0x87d20782e4866389ull;
/* R mod p (Montgomery 1) and R^2 mod p, R = 2^256 */
static const struct fp ONE = {
    {0xd35d438dc58f0d9dull, 0x0a78eb28f5c70b3dull, 0x666ea36f7879462cull, 0x0e0a77c19a07df2full}};
static const struct fp R2 = {
    {0xf32cfc5b538afa89ull, 0xb5e71911d44501fbull, 0x47ab1eff0a417ff6ull, 0x06d89f71cab8351full}};
/* p - 2, the exponent of Fermat inversion */
static const uint64_t E_PM2[4] = {0x3c208c16d87cfd45ull, 0x97816a916871ca8dull,
                                  0xb85045b68181585dull, 0x30644e72e131a029ull};

/* --- Fp -------------------------------------------------------------------------------------- */

/* a >= p for a value below 2^256 */
static int geq_p(const uint64_t a[4])
{
    for (int i = 3; i >= 0; i--) {
        if (a[i] != bn254_p[i])
            return a[i] > bn254_p[i];
    }
    return 1;
}

/* r = a - p (the caller knows a >= p, or a carried out of 2^256) */
static void sub_p(uint64_t r[4], const uint64_t a[4])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 d = (u128)a[i] - bn254_p[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

void fp_add(struct fp *r, const struct fp *a, const struct fp *b)
{
    uint64_t t[4], carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 s = (u128)a->l[i] + b->l[i] + carry;
        t[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    if (carry || geq_p(t))
        sub_p(t, t);
    memcpy(r->l, t, sizeof(t));
}

void fp_sub(struct fp *r, const struct fp *a, const struct fp *b)
{
    uint64_t t[4], borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 d = (u128)a->l[i] - b->l[i] - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    if (borrow) { /* add p back */
        uint64_t carry = 0;
        for (int i = 0; i < 4; i++) {
            u128 s = (u128)t[i] + bn254_p[i] + carry;
            t[i] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
    }
    memcpy(r->l, t, sizeof(t));
}

void fp_neg(struct fp *r, const struct fp *a)
{
    static const struct fp zero = {{0, 0, 0, 0}};
    fp_sub(r, &zero, a);
}

void fp_mul(struct fp *r, const struct fp *a, const struct fp *b)
{
    uint64_t t[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        uint64_t c = 0;
        for (int j = 0; j < 4; j++) {
            u128 x = (u128)a->l[j] * b->l[i] + t[j] + c;
            t[j] = (uint64_t)x;
            c = (uint64_t)(x >> 64);
        }
        u128 x = (u128)t[4] + c;
        t[4] = (uint64_t)x;
        t[5] = (uint64_t)(x >> 64);
        uint64_t m = t[0] * P_INV;
        x = (u128)m * bn254_p[0] + t[0];
        c = (uint64_t)(x >> 64);
        for (int j = 1; j < 4; j++) {
            x = (u128)m * bn254_p[j] + t[j] + c;
            t[j - 1] = (uint64_t)x;
            c = (uint64_t)(x >> 64);
        }
        x = (u128)t[4] + c;
        t[3] = (uint64_t)x;
        t[4] = t[5] + (uint64_t)(x >> 64);
    }
    if (t[4] || geq_p(t))
        sub_p(t, t);
    memcpy(r->l, t, 4 * sizeof(uint64_t));
}

int fp_is_zero(const struct fp *a)
{
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0;
}

int fp_eq(const struct fp *a, const struct fp *b)
{
    return memcmp(a->l, b->l, sizeof(a->l)) == 0;
}

void fp_inv(struct fp *r, const struct fp *a)
{
    struct fp acc = ONE;
    for (int i = 255; i >= 0; i--) {
        fp_mul(&acc, &acc, &acc);
        if ((E_PM2[i / 64] >> (i % 64)) & 1)
            fp_mul(&acc, &acc, a);
    }
    *r = acc;
}

void fp_set_u64(struct fp *out, uint64_t v)
{
    struct fp x = {{v, 0, 0, 0}};
    fp_mul(out, &x, &R2);
}

int fp_from_be(struct fp *out, const uint8_t in[32])
{
    struct fp x;
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w = w << 8 | in[(3 - i) * 8 + k];
        x.l[i] = w;
    }
    if (geq_p(x.l))
        return 0;
    fp_mul(out, &x, &R2);
    return 1;
}

void fp_to_be(uint8_t out[32], const struct fp *a)
{
    static const struct fp one_plain = {{1, 0, 0, 0}};
    struct fp x;
    fp_mul(&x, a, &one_plain); /* leave Montgomery form */
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 8; k++)
            out[(3 - i) * 8 + k] = (uint8_t)(x.l[i] >> (56 - 8 * k));
    }
}

/* --- Fp2 ------------------------------------------------------------------------------------- */

void fp2_set_fp(struct fp2 *r, const struct fp *a)
{
    r->a = *a;
    memset(&r->b, 0, sizeof(r->b));
}

void fp2_add(struct fp2 *r, const struct fp2 *x, const struct fp2 *y)
{
    fp_add(&r->a, &x->a, &y->a);
    fp_add(&r->b, &x->b, &y->b);
}

void fp2_sub(struct fp2 *r, const struct fp2 *x, const struct fp2 *y)
{
    fp_sub(&r->a, &x->a, &y->a);
    fp_sub(&r->b, &x->b, &y->b);
}

void fp2_neg(struct fp2 *r, const struct fp2 *x)
{
    fp_neg(&r->a, &x->a);
    fp_neg(&r->b, &x->b);
}

void fp2_conj(struct fp2 *r, const struct fp2 *x)
{
    r->a = x->a;
    fp_neg(&r->b, &x->b);
}

void fp2_mul(struct fp2 *r, const struct fp2 *x, const struct fp2 *y)
{
    struct fp t0, t1, s0, s1, t2;
    fp_mul(&t0, &x->a, &y->a);
    fp_mul(&t1, &x->b, &y->b);
    fp_add(&s0, &x->a, &x->b);
    fp_add(&s1, &y->a, &y->b);
    fp_mul(&t2, &s0, &s1);
    fp_sub(&r->a, &t0, &t1); /* i^2 = -1 */
    fp_sub(&t2, &t2, &t0);
    fp_sub(&r->b, &t2, &t1);
}

void fp2_sqr(struct fp2 *r, const struct fp2 *x)
{
    struct fp s, d, ab;
    fp_add(&s, &x->a, &x->b);
    fp_sub(&d, &x->a, &x->b);
    fp_mul(&ab, &x->a, &x->b);
    fp_mul(&r->a, &s, &d);
    fp_add(&r->b, &ab, &ab);
}

void fp2_mul_fp(struct fp2 *r, const struct fp2 *x, const struct fp *y)
{
    fp_mul(&r->a, &x->a, y);
    fp_mul(&r->b, &x->b, y);
}

/* (a + b i)(9 + i) = (9a - b) + (a + 9b) i */
void fp2_mul_xi(struct fp2 *r, const struct fp2 *x)
{
    struct fp a8, b8, a9, b9;
    fp_add(&a8, &x->a, &x->a);
    fp_add(&a8, &a8, &a8);
    fp_add(&a8, &a8, &a8);
    fp_add(&a9, &a8, &x->a);
    fp_add(&b8, &x->b, &x->b);
    fp_add(&b8, &b8, &b8);
    fp_add(&b8, &b8, &b8);
    fp_add(&b9, &b8, &x->b);
    struct fp ra, rb;
    fp_sub(&ra, &a9, &x->b);
    fp_add(&rb, &x->a, &b9);
    r->a = ra;
    r->b = rb;
}

void fp2_inv(struct fp2 *r, const struct fp2 *x)
{
    struct fp t0, t1, n;
    fp_mul(&t0, &x->a, &x->a);
    fp_mul(&t1, &x->b, &x->b);
    fp_add(&n, &t0, &t1);
    fp_inv(&n, &n);
    fp_mul(&r->a, &x->a, &n);
    fp_mul(&t1, &x->b, &n);
    fp_neg(&r->b, &t1);
}

int fp2_is_zero(const struct fp2 *x)
{
    return fp_is_zero(&x->a) && fp_is_zero(&x->b);
}

int fp2_eq(const struct fp2 *x, const struct fp2 *y)
{
    return fp_eq(&x->a, &y->a) && fp_eq(&x->b, &y->b);
}

void fp2_pow(struct fp2 *r, const struct fp2 *x, const uint64_t *e, int n)
{
    struct fp2 acc;
    fp2_set_fp(&acc, &ONE);
    for (int i = 64 * n - 1; i >= 0; i--) {
        fp2_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            fp2_mul(&acc, &acc, x);
    }
    *r = acc;
}

/* --- Fp6 ------------------------------------------------------------------------------------- */

static void fp6_add(struct fp6 *r, const struct fp6 *x, const struct fp6 *y)
{
    fp2_add(&r->c0, &x->c0, &y->c0);
    fp2_add(&r->c1, &x->c1, &y->c1);
    fp2_add(&r->c2, &x->c2, &y->c2);
}

static void fp6_sub(struct fp6 *r, const struct fp6 *x, const struct fp6 *y)
{
    fp2_sub(&r->c0, &x->c0, &y->c0);
    fp2_sub(&r->c1, &x->c1, &y->c1);
    fp2_sub(&r->c2, &x->c2, &y->c2);
}

static void fp6_neg(struct fp6 *r, const struct fp6 *x)
{
    fp2_neg(&r->c0, &x->c0);
    fp2_neg(&r->c1, &x->c1);
    fp2_neg(&r->c2, &x->c2);
}

/* v^3 = xi: c0 = a0b0 + xi(a1b2 + a2b1), c1 = a0b1 + a1b0 + xi a2b2, c2 = a0b2 + a1b1 + a2b0 */
static void fp6_mul(struct fp6 *r, const struct fp6 *x, const struct fp6 *y)
{
    struct fp2 t, u, c0, c1, c2;
    fp2_mul(&t, &x->c1, &y->c2);
    fp2_mul(&u, &x->c2, &y->c1);
    fp2_add(&t, &t, &u);
    fp2_mul_xi(&t, &t);
    fp2_mul(&u, &x->c0, &y->c0);
    fp2_add(&c0, &t, &u);

    fp2_mul(&t, &x->c2, &y->c2);
    fp2_mul_xi(&t, &t);
    fp2_mul(&u, &x->c0, &y->c1);
    fp2_add(&t, &t, &u);
    fp2_mul(&u, &x->c1, &y->c0);
    fp2_add(&c1, &t, &u);

    fp2_mul(&t, &x->c0, &y->c2);
    fp2_mul(&u, &x->c1, &y->c1);
    fp2_add(&t, &t, &u);
    fp2_mul(&u, &x->c2, &y->c0);
    fp2_add(&c2, &t, &u);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* x * v = (xi c2, c0, c1) */
static void fp6_mul_v(struct fp6 *r, const struct fp6 *x)
{
    struct fp2 t;
    fp2_mul_xi(&t, &x->c2);
    r->c2 = x->c1;
    r->c1 = x->c0;
    r->c0 = t;
}

static void fp6_inv(struct fp6 *r, const struct fp6 *x)
{
    struct fp2 c0, c1, c2, t, u;
    fp2_sqr(&c0, &x->c0); /* c0 = a0^2 - xi a1 a2 */
    fp2_mul(&t, &x->c1, &x->c2);
    fp2_mul_xi(&t, &t);
    fp2_sub(&c0, &c0, &t);
    fp2_sqr(&c1, &x->c2); /* c1 = xi a2^2 - a0 a1 */
    fp2_mul_xi(&c1, &c1);
    fp2_mul(&t, &x->c0, &x->c1);
    fp2_sub(&c1, &c1, &t);
    fp2_sqr(&c2, &x->c1); /* c2 = a1^2 - a0 a2 */
    fp2_mul(&t, &x->c0, &x->c2);
    fp2_sub(&c2, &c2, &t);
    fp2_mul(&t, &x->c2, &c1); /* n = a0 c0 + xi (a2 c1 + a1 c2) */
    fp2_mul(&u, &x->c1, &c2);
    fp2_add(&t, &t, &u);
    fp2_mul_xi(&t, &t);
    fp2_mul(&u, &x->c0, &c0);
    fp2_add(&t, &t, &u);
    fp2_inv(&t, &t);
    fp2_mul(&r->c0, &c0, &t);
    fp2_mul(&r->c1, &c1, &t);
    fp2_mul(&r->c2, &c2, &t);
}

/* --- Fp12 ------------------------------------------------------------------------------------ */

void fp12_one(struct fp12 *r)
{
    memset(r, 0, sizeof(*r));
    r->c0.c0.a = ONE;
}

void fp12_mul(struct fp12 *r, const struct fp12 *x, const struct fp12 *y)
{
    struct fp6 t0, t1, s0, s1, c1;
    fp6_mul(&t0, &x->c0, &y->c0);
    fp6_mul(&t1, &x->c1, &y->c1);
    fp6_add(&s0, &x->c0, &x->c1);
    fp6_add(&s1, &y->c0, &y->c1);
    fp6_mul(&c1, &s0, &s1);
    fp6_sub(&c1, &c1, &t0);
    fp6_sub(&r->c1, &c1, &t1);
    fp6_mul_v(&t1, &t1); /* w^2 = v */
    fp6_add(&r->c0, &t0, &t1);
}

void fp12_sqr(struct fp12 *r, const struct fp12 *x)
{
    fp12_mul(r, x, x);
}

void fp12_inv(struct fp12 *r, const struct fp12 *x)
{
    struct fp6 t0, t1;
    fp6_mul(&t0, &x->c0, &x->c0); /* (c0 + c1 w)^-1 = (c0 - c1 w) / (c0^2 - c1^2 v) */
    fp6_mul(&t1, &x->c1, &x->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &x->c0, &t0);
    fp6_mul(&t1, &x->c1, &t0);
    fp6_neg(&r->c1, &t1);
}

void fp12_conj(struct fp12 *r, const struct fp12 *x)
{
    r->c0 = x->c0;
    fp6_neg(&r->c1, &x->c1);
}

int fp12_is_one(const struct fp12 *x)
{
    struct fp12 one;
    fp12_one(&one);
    return memcmp(&one, x, sizeof(one)) == 0;
}

void fp12_pow(struct fp12 *r, const struct fp12 *x, const uint64_t *e, int n)
{
    struct fp12 acc;
    fp12_one(&acc);
    for (int i = 64 * n - 1; i >= 0; i--) {
        fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            fp12_mul(&acc, &acc, x);
    }
    *r = acc;
}
