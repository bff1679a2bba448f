/* Private: the BN254 (alt_bn128) field tower for the pairing precompile (EIP-197).
 *   Fp   = Z / pZ, elements in Montgomery form (R = 2^256) on four 64-bit limbs
 *   Fp2  = Fp[i] / (i^2 + 1)
 *   Fp6  = Fp2[v] / (v^3 - xi), xi = 9 + i
 *   Fp12 = Fp6[w] / (w^2 - v)
 * Source: EIP-197 (curve and twist), Beuchat et al., "High-Speed Software Implementation of
 * the Optimal Ate Pairing over Barreto-Naehrig Curves" (2010) for the tower. Not constant
 * time: every input is public. */
#ifndef EVM_BN254_FIELD_H
#define EVM_BN254_FIELD_H

#include <stdint.h>

#pragma GCC visibility push(hidden)

struct fp {
    uint64_t l[4]; /* little-endian limbs, Montgomery form, always < p */
};
struct fp2 {
    struct fp a, b; /* a + b i */
};
struct fp6 {
    struct fp2 c0, c1, c2; /* c0 + c1 v + c2 v^2 */
};
struct fp12 {
    struct fp6 c0, c1; /* c0 + c1 w */
};

/* Fp. fp_from_be fails (returns 0) when the 32-byte big-endian value is >= p. */
int fp_from_be(struct fp *out, const uint8_t in[32]);
void fp_to_be(uint8_t out[32], const struct fp *a);
void fp_set_u64(struct fp *out, uint64_t v);
void fp_add(struct fp *r, const struct fp *a, const struct fp *b);
void fp_sub(struct fp *r, const struct fp *a, const struct fp *b);
void fp_neg(struct fp *r, const struct fp *a);
void fp_mul(struct fp *r, const struct fp *a, const struct fp *b);
void fp_inv(struct fp *r, const struct fp *a); /* 0 -> 0 */
int fp_is_zero(const struct fp *a);
int fp_eq(const struct fp *a, const struct fp *b);

/* Fp2 */
void fp2_set_fp(struct fp2 *r, const struct fp *a);
void fp2_add(struct fp2 *r, const struct fp2 *a, const struct fp2 *b);
void fp2_sub(struct fp2 *r, const struct fp2 *a, const struct fp2 *b);
void fp2_neg(struct fp2 *r, const struct fp2 *a);
void fp2_conj(struct fp2 *r, const struct fp2 *a);
void fp2_mul(struct fp2 *r, const struct fp2 *a, const struct fp2 *b);
void fp2_sqr(struct fp2 *r, const struct fp2 *a);
void fp2_mul_fp(struct fp2 *r, const struct fp2 *a, const struct fp *b);
void fp2_mul_xi(struct fp2 *r, const struct fp2 *a);
void fp2_inv(struct fp2 *r, const struct fp2 *a);
int fp2_is_zero(const struct fp2 *a);
int fp2_eq(const struct fp2 *a, const struct fp2 *b);
/* a^e for a little-endian exponent of n limbs */
void fp2_pow(struct fp2 *r, const struct fp2 *a, const uint64_t *e, int n);

/* Fp12 (Fp6 is internal to bn254_field.c) */
void fp12_one(struct fp12 *r);
void fp12_mul(struct fp12 *r, const struct fp12 *a, const struct fp12 *b);
void fp12_sqr(struct fp12 *r, const struct fp12 *a);
void fp12_inv(struct fp12 *r, const struct fp12 *a);
void fp12_conj(struct fp12 *r, const struct fp12 *a); /* the p^6 Frobenius */
int fp12_is_one(const struct fp12 *a);
void fp12_pow(struct fp12 *r, const struct fp12 *a, const uint64_t *e, int n);

/* A G1 point from 64 bytes x | y (EIP-196; (0, 0) is infinity, *inf set): 0 on a coordinate
 * >= p or a point off y^2 = x^3 + 3. bn254.c. */
int bn254_g1_load(struct fp *x, struct fp *y, int *inf, const uint8_t in[64]);

/* The field constants, as plain integers (little-endian limbs). */
extern const uint64_t bn254_p[4];
extern const uint64_t bn254_r[4];

#pragma GCC visibility pop

#endif
