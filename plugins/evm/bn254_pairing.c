/* The BN254 pairing check of precompile 0x08 (EIP-197): for k pairs (P_i in G1, Q_i in G2),
 * is prod e(P_i, Q_i) == 1? The optimal ate pairing (Vercauteren, "Optimal Pairings", 2010):
 * a Miller loop over 6u+2 with u = 4965661367192848881, two extra lines through the Frobenius
 * images of Q, one shared final exponentiation to (p^12 - 1) / r.
 *
 * G2 lives on the D-type twist E': y^2 = x^3 + 3/xi over Fp2; psi(x, y) = (x w^2, y w^3) maps
 * it into E(Fp12). A line through twist points T, T' with slope l (in Fp2), evaluated at
 * P = (xP, yP), is then yP - l xP w + (l xT - yT) w^3: sparse in Fp12 (w^3 = v w). Vertical
 * lines and constant factors lie in Fp6 and vanish in the final exponentiation, so they are
 * left out. The Miller loop keeps T affine (one Fp2 inversion per step): the precompile's
 * price (34000 gas per pair) leaves room for clarity. */
#include "bn254_field.h"
#include "precompiles.h"

#include <string.h>

/* 6u + 2, 65 bits */
static const uint64_t ATE_LOOP[2] = {0x9d797039be763ba8ull, 0x1ull};
/* Exponents (computed with Python's integers): (p^6 + 1) / r for the final exponentiation
 * after the easy part f^(p^6 - 1); (p - 1) / 3 and (p - 1) / 2 for the Frobenius constants. */
static const uint64_t E_FINAL[20] = {
    0x5250a54036e3f812ull, 0xa5635f1596789051ull, 0xd1138bf54d5bd1d4ull, 0xa8ce2533be36c7a2ull,
    0x94f69f6b84e09bf6ull, 0x42ad1f5e50ef3644ull, 0x0fcc420e48c3454cull, 0x758e4408ecc9952cull,
    0xc901bf1887c6042cull, 0xa733cd65b14bb3b5ull, 0xdf6d76bdcf51b0d8ull, 0xca64c0fd82eb59e1ull,
    0x1d2e5726e39276a1ull, 0xc2d1ea74a391cae9ull, 0x07409206c82d647eull, 0x051c6d1aa5afdd17ull,
    0xb37f601919667af5ull, 0x150e578c5084015bull, 0xfbdea556c23998e4ull, 0x000fd14cc52f5b83ull};
static const uint64_t E_P1_3[4] = {0x69602eb24829a9c2ull, 0xdd2b2385cd7b4384ull,
                                   0xe81ac1e7808072c9ull, 0x10216f7ba065e00dull};
static const uint64_t E_P1_2[4] = {0x9e10460b6c3e7ea3ull, 0xcbc0b548b438e546ull,
                                   0xdc2822db40c0ac2eull, 0x183227397098d014ull};

struct g2a { /* affine twist point */
    struct fp2 x, y;
    int inf;
};

struct g2j { /* Jacobian twist point, Z == 0 at infinity */
    struct fp2 x, y, z;
};

static void xi(struct fp2 *r)
{
    fp_set_u64(&r->a, 9);
    fp_set_u64(&r->b, 1);
}

/* b' = 3 / xi */
static void twist_b(struct fp2 *r)
{
    struct fp2 x, three;
    struct fp t;
    xi(&x);
    fp2_inv(&x, &x);
    fp_set_u64(&t, 3);
    fp2_set_fp(&three, &t);
    fp2_mul(r, &x, &three);
}

/* --- G2 subgroup check: [r]Q == O (Jacobian, a = 0) ----------------------------------------- */

/* dbl-2009-l (Explicit-Formulas Database, "g1p" a=0 Jacobian doubling) */
static void g2j_dbl(struct g2j *t)
{
    struct fp2 a, b, c, d, e, f, s;
    fp2_sqr(&a, &t->x);
    fp2_sqr(&b, &t->y);
    fp2_sqr(&c, &b);
    fp2_add(&s, &t->x, &b);
    fp2_sqr(&s, &s);
    fp2_sub(&s, &s, &a);
    fp2_sub(&s, &s, &c);
    fp2_add(&d, &s, &s);
    fp2_add(&e, &a, &a);
    fp2_add(&e, &e, &a);
    fp2_sqr(&f, &e);
    struct fp2 x3, y3, z3;
    fp2_sub(&x3, &f, &d);
    fp2_sub(&x3, &x3, &d);
    fp2_sub(&s, &d, &x3);
    fp2_mul(&y3, &e, &s);
    fp2_add(&c, &c, &c);
    fp2_add(&c, &c, &c);
    fp2_add(&c, &c, &c);
    fp2_sub(&y3, &y3, &c);
    fp2_mul(&z3, &t->y, &t->z);
    fp2_add(&z3, &z3, &z3);
    t->x = x3;
    t->y = y3;
    t->z = z3;
}

/* t += q (q affine, not infinity): madd-2007-bl */
static void g2j_add_affine(struct g2j *t, const struct g2a *q)
{
    if (fp2_is_zero(&t->z)) {
        t->x = q->x;
        t->y = q->y;
        fp_set_u64(&t->z.a, 1);
        memset(&t->z.b, 0, sizeof(t->z.b));
        return;
    }
    struct fp2 z1z1, u2, s2, h, hh, i, j, rr, v, tmp;
    fp2_sqr(&z1z1, &t->z);
    fp2_mul(&u2, &q->x, &z1z1);
    fp2_mul(&s2, &q->y, &t->z);
    fp2_mul(&s2, &s2, &z1z1);
    fp2_sub(&h, &u2, &t->x);
    fp2_sub(&rr, &s2, &t->y);
    if (fp2_is_zero(&h)) {
        if (fp2_is_zero(&rr))
            g2j_dbl(t);
        else
            memset(&t->z, 0, sizeof(t->z)); /* t == -q */
        return;
    }
    fp2_sqr(&hh, &h);
    fp2_add(&i, &hh, &hh);
    fp2_add(&i, &i, &i);
    fp2_mul(&j, &h, &i);
    fp2_add(&rr, &rr, &rr);
    fp2_mul(&v, &t->x, &i);
    struct fp2 x3, y3, z3;
    fp2_sqr(&x3, &rr);
    fp2_sub(&x3, &x3, &j);
    fp2_sub(&x3, &x3, &v);
    fp2_sub(&x3, &x3, &v);
    fp2_sub(&tmp, &v, &x3);
    fp2_mul(&y3, &rr, &tmp);
    fp2_mul(&tmp, &t->y, &j);
    fp2_add(&tmp, &tmp, &tmp);
    fp2_sub(&y3, &y3, &tmp);
    fp2_add(&z3, &t->z, &h);
    fp2_sqr(&z3, &z3);
    fp2_sub(&z3, &z3, &z1z1);
    fp2_sub(&z3, &z3, &hh);
    t->x = x3;
    t->y = y3;
    t->z = z3;
}

static int g2_in_subgroup(const struct g2a *q)
{
    struct g2j t;
    memset(&t, 0, sizeof(t));
    for (int i = 255; i >= 0; i--) {
        if (!fp2_is_zero(&t.z))
            g2j_dbl(&t);
        if ((bn254_r[i / 64] >> (i % 64)) & 1)
            g2j_add_affine(&t, q);
    }
    return fp2_is_zero(&t.z);
}

/* --- input ----------------------------------------------------------------------------------- */

/* 128 bytes x.im | x.re | y.im | y.re (EIP-197 encodes a i + b as (a, b)). 0 on a coordinate
 * >= p, a point off the twist, or a point outside the order-r subgroup. */
static int g2_load(struct g2a *q, const uint8_t in[128])
{
    if (!fp_from_be(&q->x.b, in) || !fp_from_be(&q->x.a, in + 32) ||
        !fp_from_be(&q->y.b, in + 64) || !fp_from_be(&q->y.a, in + 96))
        return 0;
    q->inf = fp2_is_zero(&q->x) && fp2_is_zero(&q->y);
    if (q->inf)
        return 1;
    struct fp2 l, r, b;
    fp2_sqr(&l, &q->y);
    fp2_sqr(&r, &q->x);
    fp2_mul(&r, &r, &q->x);
    twist_b(&b);
    fp2_add(&r, &r, &b);
    return fp2_eq(&l, &r) && g2_in_subgroup(q);
}

/* --- Miller loop ----------------------------------------------------------------------------- */

/* f *= the line of slope l through t, at P */
static void mul_line(struct fp12 *f, const struct fp2 *l, const struct g2a *t, const struct fp *px,
                     const struct fp *py)
{
    struct fp12 line;
    memset(&line, 0, sizeof(line));
    fp2_set_fp(&line.c0.c0, py);
    fp2_mul_fp(&line.c1.c0, l, px);
    fp2_neg(&line.c1.c0, &line.c1.c0);
    fp2_mul(&line.c1.c1, l, &t->x);
    fp2_sub(&line.c1.c1, &line.c1.c1, &t->y);
    fp12_mul(f, f, &line);
}

/* t = 2t, f *= tangent at t */
static void step_dbl(struct fp12 *f, struct g2a *t, const struct fp *px, const struct fp *py)
{
    if (t->inf)
        return;
    if (fp2_is_zero(&t->y)) { /* vertical tangent: the line is in Fp6 */
        t->inf = 1;
        return;
    }
    struct fp2 l, num, den, x3, y3;
    fp2_sqr(&num, &t->x);
    fp2_add(&den, &num, &num);
    fp2_add(&num, &den, &num); /* 3 x^2 */
    fp2_add(&den, &t->y, &t->y);
    fp2_inv(&den, &den);
    fp2_mul(&l, &num, &den);
    mul_line(f, &l, t, px, py);
    fp2_sqr(&x3, &l);
    fp2_sub(&x3, &x3, &t->x);
    fp2_sub(&x3, &x3, &t->x);
    fp2_sub(&y3, &t->x, &x3);
    fp2_mul(&y3, &y3, &l);
    fp2_sub(&y3, &y3, &t->y);
    t->x = x3;
    t->y = y3;
}

/* t = t + q, f *= line through t and q */
static void step_add(struct fp12 *f, struct g2a *t, const struct g2a *q, const struct fp *px,
                     const struct fp *py)
{
    if (t->inf) {
        *t = *q;
        return;
    }
    struct fp2 dx, dy, l, x3, y3;
    fp2_sub(&dx, &q->x, &t->x);
    fp2_sub(&dy, &q->y, &t->y);
    if (fp2_is_zero(&dx)) {
        if (fp2_is_zero(&dy))
            step_dbl(f, t, px, py);
        else
            t->inf = 1; /* t == -q: vertical line */
        return;
    }
    fp2_inv(&dx, &dx);
    fp2_mul(&l, &dy, &dx);
    mul_line(f, &l, t, px, py);
    fp2_sqr(&x3, &l);
    fp2_sub(&x3, &x3, &t->x);
    fp2_sub(&x3, &x3, &q->x);
    fp2_sub(&y3, &t->x, &x3);
    fp2_mul(&y3, &y3, &l);
    fp2_sub(&y3, &y3, &t->y);
    t->x = x3;
    t->y = y3;
}

/* f *= f_{6u+2,Q}(P) * l_{T,pi(Q)}(P) * l_{T',-pi^2(Q)}(P). g12, g13: xi^((p-1)/3),
 * xi^((p-1)/2); pi(x, y) = (conj(x) g12, conj(y) g13) and pi^2(x, y) = (x |g12|^2,
 * y |g13|^2) on the twist. */
static void miller(struct fp12 *f, const struct fp *px, const struct fp *py, const struct g2a *q,
                   const struct fp2 *g12, const struct fp2 *g13)
{
    struct g2a t = *q;
    for (int i = 63; i >= 0; i--) { /* bit 64 is the leading one */
        fp12_sqr(f, f);
        step_dbl(f, &t, px, py);
        if ((ATE_LOOP[i / 64] >> (i % 64)) & 1)
            step_add(f, &t, q, px, py);
    }
    struct g2a q1, q2;
    struct fp2 c, n12, n13;
    q1.inf = q2.inf = 0;
    fp2_conj(&c, &q->x);
    fp2_mul(&q1.x, &c, g12);
    fp2_conj(&c, &q->y);
    fp2_mul(&q1.y, &c, g13);
    fp2_conj(&c, g12);
    fp2_mul(&n12, &c, g12);
    fp2_conj(&c, g13);
    fp2_mul(&n13, &c, g13);
    fp2_mul(&q2.x, &q->x, &n12);
    fp2_mul(&q2.y, &q->y, &n13);
    fp2_neg(&q2.y, &q2.y);
    step_add(f, &t, &q1, px, py);
    step_add(f, &t, &q2, px, py);
}

int evm_bn254_g2_mul(uint8_t out[128], const uint8_t q[128], const uint8_t s[32])
{
    struct g2a a;
    if (!g2_load(&a, q))
        return 0;
    memset(out, 0, 128);
    if (a.inf)
        return 1;
    struct g2j t;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < 256; i++) {
        if (!fp2_is_zero(&t.z))
            g2j_dbl(&t);
        if ((s[i / 8] >> (7 - i % 8)) & 1)
            g2j_add_affine(&t, &a);
    }
    if (fp2_is_zero(&t.z))
        return 1;
    struct fp2 zi, zi2, x, y;
    fp2_inv(&zi, &t.z);
    fp2_sqr(&zi2, &zi);
    fp2_mul(&x, &t.x, &zi2);
    fp2_mul(&zi2, &zi2, &zi);
    fp2_mul(&y, &t.y, &zi2);
    fp_to_be(out, &x.b);
    fp_to_be(out + 32, &x.a);
    fp_to_be(out + 64, &y.b);
    fp_to_be(out + 96, &y.a);
    return 1;
}

int evm_bn254_pairing(const uint8_t *in, size_t k)
{
    struct fp12 f, g;
    struct fp2 x, g12, g13;
    fp12_one(&f);
    xi(&x);
    fp2_pow(&g12, &x, E_P1_3, 4);
    fp2_pow(&g13, &x, E_P1_2, 4);
    int any = 0;
    for (size_t i = 0; i < k; i++) {
        const uint8_t *p = in + 192 * i;
        struct fp px, py;
        int pinf;
        struct g2a q;
        if (!bn254_g1_load(&px, &py, &pinf, p) || !g2_load(&q, p + 64))
            return -1;
        if (pinf || q.inf)
            continue; /* e(O, Q) = e(P, O) = 1 */
        fp12_one(&g);
        miller(&g, &px, &py, &q, &g12, &g13);
        fp12_mul(&f, &f, &g);
        any = 1;
    }
    if (!any)
        return 1;
    /* easy part: f^(p^6 - 1) = conj(f) / f; then the rest, (p^6 + 1) / r */
    fp12_inv(&g, &f);
    fp12_conj(&f, &f);
    fp12_mul(&f, &f, &g);
    fp12_pow(&f, &f, E_FINAL, 20);
    return fp12_is_one(&f);
}
