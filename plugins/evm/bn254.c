/* BN254 (alt_bn128) G1 arithmetic for the ECADD and ECMUL precompiles (EIP-196): the curve
 * y^2 = x^3 + 3 over Fp in Jacobian coordinates on the Montgomery field of bn254_field.c, with
 * (0, 0) as the encoding of the point at infinity. Doubling dbl-2009-l and mixed addition
 * madd-2007-bl (Explicit-Formulas Database, a = 0). G1 has cofactor 1: on the curve is in the
 * group. */
#include "bn254_field.h"
#include "precompiles.h"

#include <string.h>

struct g1j {
    struct fp x, y, z; /* z == 0 at infinity */
};

int bn254_g1_load(struct fp *x, struct fp *y, int *inf, const uint8_t in[64])
{
    if (!fp_from_be(x, in) || !fp_from_be(y, in + 32))
        return 0;
    *inf = fp_is_zero(x) && fp_is_zero(y);
    if (*inf)
        return 1;
    struct fp l, r, b;
    fp_mul(&l, y, y);
    fp_mul(&r, x, x);
    fp_mul(&r, &r, x);
    fp_set_u64(&b, 3);
    fp_add(&r, &r, &b);
    return fp_eq(&l, &r);
}

static void g1j_dbl(struct g1j *t)
{
    struct fp a, b, c, d, e, f, s, x3, y3, z3;
    fp_mul(&a, &t->x, &t->x);
    fp_mul(&b, &t->y, &t->y);
    fp_mul(&c, &b, &b);
    fp_add(&s, &t->x, &b);
    fp_mul(&s, &s, &s);
    fp_sub(&s, &s, &a);
    fp_sub(&s, &s, &c);
    fp_add(&d, &s, &s);
    fp_add(&e, &a, &a);
    fp_add(&e, &e, &a);
    fp_mul(&f, &e, &e);
    fp_sub(&x3, &f, &d);
    fp_sub(&x3, &x3, &d);
    fp_sub(&s, &d, &x3);
    fp_mul(&y3, &e, &s);
    fp_add(&c, &c, &c);
    fp_add(&c, &c, &c);
    fp_add(&c, &c, &c);
    fp_sub(&y3, &y3, &c);
    fp_mul(&z3, &t->y, &t->z);
    fp_add(&z3, &z3, &z3);
    t->x = x3;
    t->y = y3;
    t->z = z3;
}

/* t += (qx, qy), an affine point that is not infinity */
static void g1j_add_affine(struct g1j *t, const struct fp *qx, const struct fp *qy)
{
    if (fp_is_zero(&t->z)) {
        t->x = *qx;
        t->y = *qy;
        fp_set_u64(&t->z, 1);
        return;
    }
    struct fp z1z1, u2, s2, h, hh, i, j, rr, v, tmp, x3, y3, z3;
    fp_mul(&z1z1, &t->z, &t->z);
    fp_mul(&u2, qx, &z1z1);
    fp_mul(&s2, qy, &t->z);
    fp_mul(&s2, &s2, &z1z1);
    fp_sub(&h, &u2, &t->x);
    fp_sub(&rr, &s2, &t->y);
    if (fp_is_zero(&h)) {
        if (fp_is_zero(&rr))
            g1j_dbl(t);
        else
            memset(&t->z, 0, sizeof(t->z)); /* t == -q */
        return;
    }
    fp_mul(&hh, &h, &h);
    fp_add(&i, &hh, &hh);
    fp_add(&i, &i, &i);
    fp_mul(&j, &h, &i);
    fp_add(&rr, &rr, &rr);
    fp_mul(&v, &t->x, &i);
    fp_mul(&x3, &rr, &rr);
    fp_sub(&x3, &x3, &j);
    fp_sub(&x3, &x3, &v);
    fp_sub(&x3, &x3, &v);
    fp_sub(&tmp, &v, &x3);
    fp_mul(&y3, &rr, &tmp);
    fp_mul(&tmp, &t->y, &j);
    fp_add(&tmp, &tmp, &tmp);
    fp_sub(&y3, &y3, &tmp);
    fp_add(&z3, &t->z, &h);
    fp_mul(&z3, &z3, &z3);
    fp_sub(&z3, &z3, &z1z1);
    fp_sub(&z3, &z3, &hh);
    t->x = x3;
    t->y = y3;
    t->z = z3;
}

static void g1j_store(uint8_t out[64], const struct g1j *t)
{
    memset(out, 0, 64);
    if (fp_is_zero(&t->z))
        return;
    struct fp zi, zi2, x, y;
    fp_inv(&zi, &t->z);
    fp_mul(&zi2, &zi, &zi);
    fp_mul(&x, &t->x, &zi2);
    fp_mul(&zi2, &zi2, &zi);
    fp_mul(&y, &t->y, &zi2);
    fp_to_be(out, &x);
    fp_to_be(out + 32, &y);
}

int evm_bn254_add(uint8_t out[64], const uint8_t p1[64], const uint8_t p2[64])
{
    struct fp x1, y1, x2, y2;
    int inf1, inf2;
    if (!bn254_g1_load(&x1, &y1, &inf1, p1) || !bn254_g1_load(&x2, &y2, &inf2, p2))
        return 0;
    struct g1j t;
    memset(&t, 0, sizeof(t));
    if (!inf1)
        g1j_add_affine(&t, &x1, &y1);
    if (!inf2)
        g1j_add_affine(&t, &x2, &y2);
    g1j_store(out, &t);
    return 1;
}

int evm_bn254_mul(uint8_t out[64], const uint8_t p[64], const uint8_t s[32])
{
    struct fp x, y;
    int inf;
    if (!bn254_g1_load(&x, &y, &inf, p))
        return 0;
    struct g1j t;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < 256 && !inf; i++) { /* the scalar is used unreduced, as EIP-196 says */
        if (!fp_is_zero(&t.z))
            g1j_dbl(&t);
        if ((s[i / 8] >> (7 - i % 8)) & 1)
            g1j_add_affine(&t, &x, &y);
    }
    g1j_store(out, &t);
    return 1;
}
