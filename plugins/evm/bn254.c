/* BN254 (alt_bn128) G1 arithmetic for the ECADD and ECMUL precompiles (EIP-196): the curve
 * y^2 = x^3 + 3 over F_p, affine coordinates with (0, 0) as the point at infinity. GMP does the
 * field arithmetic; these precompiles are priced far above their cost, so clarity wins here.
 * The pairing check (EIP-197) is in bn254_pairing.c. */
#include "precompiles.h"

#include <gmp.h>
#include <string.h>

static const char bn_p_hex[] = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

struct g1 {
    mpz_t x, y;
    int inf;
};

static void g1_init(struct g1 *a)
{
    mpz_inits(a->x, a->y, NULL);
    a->inf = 1;
}

static void g1_clear(struct g1 *a)
{
    mpz_clears(a->x, a->y, NULL);
}

/* Decode 64 bytes; 0 when a coordinate is >= p or the point is not on the curve. */
static int g1_load(struct g1 *a, const uint8_t in[64], const mpz_t p)
{
    mpz_import(a->x, 32, 1, 1, 0, 0, in);
    mpz_import(a->y, 32, 1, 1, 0, 0, in + 32);
    if (mpz_cmp(a->x, p) >= 0 || mpz_cmp(a->y, p) >= 0)
        return 0;
    if (mpz_sgn(a->x) == 0 && mpz_sgn(a->y) == 0) {
        a->inf = 1;
        return 1;
    }
    a->inf = 0;
    mpz_t l, r;
    mpz_inits(l, r, NULL);
    mpz_mul(l, a->y, a->y);
    mpz_mod(l, l, p);
    mpz_powm_ui(r, a->x, 3, p);
    mpz_add_ui(r, r, 3);
    mpz_mod(r, r, p);
    int ok = mpz_cmp(l, r) == 0;
    mpz_clears(l, r, NULL);
    return ok;
}

static void g1_store(uint8_t out[64], const struct g1 *a)
{
    memset(out, 0, 64);
    if (a->inf)
        return;
    size_t n = 0;
    mpz_export(out + 32 - (mpz_sizeinbase(a->x, 256)), &n, 1, 1, 0, 0, a->x);
    mpz_export(out + 64 - (mpz_sizeinbase(a->y, 256)), &n, 1, 1, 0, 0, a->y);
    if (mpz_sgn(a->x) == 0)
        out[31] = 0;
    if (mpz_sgn(a->y) == 0)
        out[63] = 0;
}

/* r = a + b (r may alias a or b). */
static void g1_add(struct g1 *r, const struct g1 *a, const struct g1 *b, const mpz_t p)
{
    if (a->inf) {
        mpz_set(r->x, b->x);
        mpz_set(r->y, b->y);
        r->inf = b->inf;
        return;
    }
    if (b->inf) {
        mpz_set(r->x, a->x);
        mpz_set(r->y, a->y);
        r->inf = a->inf;
        return;
    }
    mpz_t lam, t, x3, y3;
    mpz_inits(lam, t, x3, y3, NULL);
    if (mpz_cmp(a->x, b->x) == 0) {
        mpz_add(t, a->y, b->y);
        mpz_mod(t, t, p);
        if (mpz_sgn(t) == 0) { /* a = -b */
            r->inf = 1;
            mpz_set_ui(r->x, 0);
            mpz_set_ui(r->y, 0);
            mpz_clears(lam, t, x3, y3, NULL);
            return;
        }
        /* doubling: lam = 3x^2 / 2y */
        mpz_mul(lam, a->x, a->x);
        mpz_mul_ui(lam, lam, 3);
        mpz_mul_ui(t, a->y, 2);
        mpz_invert(t, t, p);
        mpz_mul(lam, lam, t);
    } else {
        mpz_sub(lam, b->y, a->y);
        mpz_sub(t, b->x, a->x);
        mpz_mod(t, t, p);
        mpz_invert(t, t, p);
        mpz_mul(lam, lam, t);
    }
    mpz_mod(lam, lam, p);
    mpz_mul(x3, lam, lam);
    mpz_sub(x3, x3, a->x);
    mpz_sub(x3, x3, b->x);
    mpz_mod(x3, x3, p);
    mpz_sub(y3, a->x, x3);
    mpz_mul(y3, y3, lam);
    mpz_sub(y3, y3, a->y);
    mpz_mod(y3, y3, p);
    mpz_set(r->x, x3);
    mpz_set(r->y, y3);
    r->inf = 0;
    mpz_clears(lam, t, x3, y3, NULL);
}

int evm_bn254_add(uint8_t out[64], const uint8_t p1[64], const uint8_t p2[64])
{
    mpz_t p;
    mpz_init_set_str(p, bn_p_hex, 16);
    struct g1 a, b;
    g1_init(&a);
    g1_init(&b);
    int ok = g1_load(&a, p1, p) && g1_load(&b, p2, p);
    if (ok) {
        g1_add(&a, &a, &b, p);
        g1_store(out, &a);
    }
    g1_clear(&a);
    g1_clear(&b);
    mpz_clear(p);
    return ok;
}

int evm_bn254_mul(uint8_t out[64], const uint8_t pt[64], const uint8_t s[32])
{
    mpz_t p, k;
    mpz_init_set_str(p, bn_p_hex, 16);
    mpz_init(k);
    mpz_import(k, 32, 1, 1, 0, 0, s);
    struct g1 a, acc;
    g1_init(&a);
    g1_init(&acc);
    int ok = g1_load(&a, pt, p);
    if (ok) {
        for (long i = (long)mpz_sizeinbase(k, 2) - 1; i >= 0 && mpz_sgn(k); i--) {
            g1_add(&acc, &acc, &acc, p);
            if (mpz_tstbit(k, (mp_bitcnt_t)i))
                g1_add(&acc, &acc, &a, p);
        }
        g1_store(out, &acc);
    }
    g1_clear(&a);
    g1_clear(&acc);
    mpz_clears(p, k, NULL);
    return ok;
}
