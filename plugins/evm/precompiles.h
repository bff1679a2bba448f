/* Private: the arithmetic behind the heavier precompiles. */
#ifndef EVM_PRECOMPILES_H
#define EVM_PRECOMPILES_H

#include <stddef.h>
#include <stdint.h>

/* BLAKE2b compression F (EIP-152): h (64 bytes, 8 little-endian words) updated in out. */
void evm_blake2f(uint8_t out[64], uint32_t rounds, const uint8_t h[64], const uint8_t m[128],
                 const uint8_t t[16], int final);

/* BN254 (alt_bn128) G1 addition and scalar multiplication (EIP-196): 1 on success with the
 * 64-byte point in out, 0 on invalid input (a coordinate >= p, or not on the curve). */
int evm_bn254_add(uint8_t out[64], const uint8_t p1[64], const uint8_t p2[64]);
int evm_bn254_mul(uint8_t out[64], const uint8_t p[64], const uint8_t s[32]);

/* BN254 pairing check (EIP-197) of k (G1, G2) pairs of 192 bytes (bn254_pairing.c): 1 if
 * the product of pairings is one, 0 if not, -1 on invalid input (a coordinate >= p, a point
 * off its curve, a G2 point outside the order-r subgroup). */
int evm_bn254_pairing(const uint8_t *in, size_t k);
/* [s]Q on G2, encoded as for the pairing (tests build their inputs with it): 1 on success,
 * 0 if q is not a valid G2 point. */
int evm_bn254_g2_mul(uint8_t out[128], const uint8_t q[128], const uint8_t s[32]);

#endif
