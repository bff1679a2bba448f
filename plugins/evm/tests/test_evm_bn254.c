/* The BN254 pairing check (precompile 0x08, EIP-197) on inputs built from the generators: the
 * public state tests only have true outcomes, so the false ones, non-degeneracy, bilinearity in
 * both arguments and input validation are checked here. */
#include "precompiles.h"

#include <bts/test.h>

#include <string.h>

/* G1 generator (1, 2); G2 generator of EIP-197 (x.im | x.re | y.im | y.re) */
static const uint8_t G2[128] = {
    0x19, 0x8e, 0x93, 0x93, 0x92, 0x0d, 0x48, 0x3a, 0x72, 0x60, 0xbf, 0xb7, 0x31, 0xfb, 0x5d, 0x25,
    0xf1, 0xaa, 0x49, 0x33, 0x35, 0xa9, 0xe7, 0x12, 0x97, 0xe4, 0x85, 0xb7, 0xae, 0xf3, 0x12, 0xc2,
    0x18, 0x00, 0xde, 0xef, 0x12, 0x1f, 0x1e, 0x76, 0x42, 0x6a, 0x00, 0x66, 0x5e, 0x5c, 0x44, 0x79,
    0x67, 0x43, 0x22, 0xd4, 0xf7, 0x5e, 0xda, 0xdd, 0x46, 0xde, 0xbd, 0x5c, 0xd9, 0x92, 0xf6, 0xed,
    0x09, 0x06, 0x89, 0xd0, 0x58, 0x5f, 0xf0, 0x75, 0xec, 0x9e, 0x99, 0xad, 0x69, 0x0c, 0x33, 0x95,
    0xbc, 0x4b, 0x31, 0x33, 0x70, 0xb3, 0x8e, 0xf3, 0x55, 0xac, 0xda, 0xdc, 0xd1, 0x22, 0x97, 0x5b,
    0x12, 0xc8, 0x5e, 0xa5, 0xdb, 0x8c, 0x6d, 0xeb, 0x4a, 0xab, 0x71, 0x80, 0x8d, 0xcb, 0x40, 0x8f,
    0xe3, 0xd1, 0xe7, 0x69, 0x0c, 0x43, 0xd3, 0x7b, 0x4c, 0xe6, 0xcc, 0x01, 0x66, 0xfa, 0x7d, 0xaa};

static void scalar(uint8_t s[32], uint64_t v)
{
    memset(s, 0, 32);
    for (int i = 0; i < 8; i++)
        s[31 - i] = (uint8_t)(v >> (8 * i));
}

/* [v]G1 through ECMUL (bn254.c); -[v]G1 as [r - v]G1. */
static void g1_mul(uint8_t out[64], uint64_t v, int neg)
{
    static const uint8_t r_minus[32] = {0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29,
                                        0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
                                        0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9, 0x70, 0x91,
                                        0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01};
    uint8_t g1[64] = {0}, s[32];
    g1[31] = 1;
    g1[63] = 2;
    scalar(s, v);
    if (neg) { /* s = r - v */
        unsigned borrow = 0;
        for (int i = 31; i >= 0; i--) {
            int d = (int)r_minus[i] - (int)s[i] - (int)borrow;
            borrow = d < 0;
            s[i] = (uint8_t)(d + (borrow ? 256 : 0));
        }
    }
    CU_ASSERT_FATAL(evm_bn254_mul(out, g1, s));
}

static void g2_mul(uint8_t out[128], uint64_t v)
{
    uint8_t s[32];
    scalar(s, v);
    CU_ASSERT_FATAL(evm_bn254_g2_mul(out, G2, s));
}

static void pair(uint8_t *in, uint64_t a, int neg, uint64_t b)
{
    g1_mul(in, a, neg);
    g2_mul(in + 64, b);
}

static void test_evm_bn254_pairing_outcomes(void)
{
    uint8_t in[3 * 192] = {0};
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 0), 1); /* empty product */
    pair(in, 1, 0, 1);
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 1), 0); /* e(G1, G2) != 1: non-degenerate */
    pair(in + 192, 1, 1, 1);
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 2), 1); /* e(G1, G2) e(-G1, G2) */
    /* e(6 G1, 5 G2) e(-30 G1, G2) == 1 needs bilinearity in both arguments */
    pair(in, 6, 0, 5);
    pair(in + 192, 30, 1, 1);
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 2), 1);
    pair(in + 192, 31, 1, 1);
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 2), 0);
    /* e(2 G1, 3 G2) e(G1, 4 G2) e(-10 G1, G2) */
    pair(in, 2, 0, 3);
    pair(in + 192, 1, 0, 4);
    pair(in + 384, 10, 1, 1);
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 3), 1);
    /* pairs with a point at infinity count as one */
    memset(in + 384, 0, 64);
    pair(in, 1, 0, 1);
    pair(in + 192, 1, 1, 1);
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 3), 1);
}

static void test_evm_bn254_pairing_rejects_bad_points(void)
{
    uint8_t in[192];
    pair(in, 1, 0, 1);
    in[63] ^= 1; /* G1 off the curve */
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 1), -1);
    pair(in, 1, 0, 1);
    in[191] ^= 1; /* G2 off the twist */
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 1), -1);
    pair(in, 1, 0, 1);
    memset(in + 64, 0xff, 32); /* coordinate >= p */
    CU_ASSERT_EQUAL(evm_bn254_pairing(in, 1), -1);
    /* [r]G2 is infinity: the subgroup check accepts G2 and its multiples */
    uint8_t out[128];
    static const uint8_t r[32] = {0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45,
                                  0xb6, 0x81, 0x81, 0x58, 0x5d, 0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9,
                                  0x70, 0x91, 0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01};
    CU_ASSERT_FATAL(evm_bn254_g2_mul(out, G2, r));
    static const uint8_t zero[128] = {0};
    CU_ASSERT_EQUAL(memcmp(out, zero, 128), 0);
}

BTS_TEST_SUITE("evm_bn254", NULL, NULL, BTS_TEST(test_evm_bn254_pairing_outcomes),
               BTS_TEST(test_evm_bn254_pairing_rejects_bad_points));
