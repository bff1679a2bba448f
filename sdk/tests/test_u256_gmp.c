/* bts_u256 against GMP: every operation on all pairs of edge values and on tens of thousands of
 * random, edge-biased operands (the model lives in u256_ref.h, shared with the fuzz target).
 * The seed is fixed for reproducibility; BT_U256_SEED=<n> picks another. */
#include <bts/test.h>
#include <bts/u256.h>

#include <stdio.h>
#include <stdlib.h>

#include "u256_ref.h"

#define N_RANDOM 20000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: fast, deterministic, good enough to spread operands. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static int suite_init(void)
{
    const char *s = getenv("BT_U256_SEED");
    if (s && *s)
        rng_state = strtoull(s, NULL, 0) | 1;
    printf("\nu256 gmp: seed 0x%llx\n", (unsigned long long)rng_state);
    return 0;
}

/* Limb values that stress carries and Knuth D's quotient estimate (top limbs equal, add-back). */
static const uint64_t limb_edges[] = {0,
                                      1,
                                      2,
                                      UINT64_MAX,
                                      UINT64_MAX - 1,
                                      1ULL << 63,
                                      (1ULL << 63) - 1,
                                      (1ULL << 63) + 1,
                                      0xffffffffULL,
                                      0x100000000ULL};

static struct bts_u256 edge_value(unsigned k)
{
    struct bts_u256 x = bts_u256_from_u64(0), one = bts_u256_from_u64(1);
    switch (k % 16) {
    case 0:
        break;
    case 1:
        x = one;
        break;
    case 2:
        x = bts_u256_from_u64(2);
        break;
    case 3:
        bts_u256_not(&x, &x); /* max, -1 */
        break;
    case 4:
        bts_u256_shl(&x, &one, 255); /* 2^255 = -2^255 */
        break;
    case 5:
        bts_u256_shl(&x, &one, 255);
        bts_u256_sub(&x, &x, &one); /* 2^255 - 1, the largest positive */
        break;
    case 6:
        bts_u256_shl(&x, &one, 255);
        bts_u256_add(&x, &x, &one); /* -2^255 + 1 */
        break;
    case 7:
        bts_u256_not(&x, &x);
        bts_u256_sub(&x, &x, &one); /* -2 */
        break;
    case 8:
        x = bts_u256_from_u64(UINT64_MAX);
        break;
    case 9:
        x.w[1] = 1; /* 2^64 */
        break;
    case 10:
        x.w[2] = 1; /* 2^128 */
        break;
    case 11:
        x.w[3] = 1; /* 2^192 */
        break;
    case 12:
        x.w[0] = x.w[1] = UINT64_MAX; /* 2^128 - 1 */
        break;
    case 13:
        x = bts_u256_from_u64(255);
        break;
    case 14:
        x = bts_u256_from_u64(256);
        break;
    case 15:
        x = bts_u256_from_u64(31);
        break;
    }
    return x;
}

static struct bts_u256 random_value(void)
{
    struct bts_u256 x, one = bts_u256_from_u64(1);
    for (int i = 0; i < 4; i++)
        x.w[i] = rng();
    switch (rng() % 10) {
    case 0:
        return edge_value((unsigned)rng());
    case 1: /* 2^k, 2^k - 1, 2^k + 1 */
        bts_u256_shl(&x, &one, rng() % 256);
        if (rng() & 1)
            bts_u256_sub(&x, &x, &one);
        else if (rng() & 1)
            bts_u256_add(&x, &x, &one);
        return x;
    case 2: /* small, often a valid shift / index / byte count */
        return bts_u256_from_u64(rng() % 300);
    case 3: /* a random bit length */
        bts_u256_shr(&x, &x, rng() % 256);
        return x;
    case 4: /* limbs from the edge table */
        for (int i = 0; i < 4; i++)
            x.w[i] = rng() % 3 ? limb_edges[rng() % BTS_ARRAY_SIZE(limb_edges)] : rng();
        return x;
    case 5: /* small negative */
        x = bts_u256_from_u64(rng() % 1000);
        bts_u256_neg(&x, &x);
        return x;
    case 6: /* a random value with a random number of limbs */
        for (int i = (int)(rng() % 4) + 1; i < 4; i++)
            x.w[i] = 0;
        return x;
    default:
        return x;
    }
}

static void check(const struct bts_u256 *a, const struct bts_u256 *b, const struct bts_u256 *c,
                  unsigned *failures)
{
    char why[1024];
    if (u256_ref_check(why, sizeof(why), a, b, c)) {
        if (*failures < 10)
            fprintf(stderr, "u256 gmp mismatch: %s\n", why);
        (*failures)++;
    }
}

static void test_u256_gmp_edge_pairs(void)
{
    unsigned failures = 0, n = 0;
    for (unsigned i = 0; i < 16; i++) {
        for (unsigned j = 0; j < 16; j++) {
            for (unsigned k = 0; k < 16; k++) {
                struct bts_u256 a = edge_value(i), b = edge_value(j), c = edge_value(k);
                check(&a, &b, &c, &failures);
                n++;
            }
        }
    }
    printf("u256 gmp: %u edge triples, %u mismatches\n", n, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_u256_gmp_random(void)
{
    unsigned failures = 0;
    for (unsigned i = 0; i < N_RANDOM; i++) {
        struct bts_u256 a = random_value(), b = random_value(), c = random_value();
        check(&a, &b, &c, &failures);
    }
    printf("u256 gmp: %u random triples, %u mismatches\n", N_RANDOM, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

/* Divisions where the divisor's top limb equals the numerator's, and numerators just below a
 * multiple of the divisor: the quotient-estimate corrections of Algorithm D. */
static void test_u256_gmp_division_corners(void)
{
    unsigned failures = 0, n = 0;
    for (unsigned i = 0; i < N_RANDOM / 4; i++) {
        struct bts_u256 b = random_value(), a, q = random_value(), c = random_value();
        a = b;
        a.w[0] = rng();
        if (rng() & 1) {
            /* a = q * b - small */
            struct bts_u256 small = bts_u256_from_u64(rng() % 3);
            bts_u256_mul(&a, &q, &b);
            bts_u256_sub(&a, &a, &small);
        }
        check(&a, &b, &c, &failures);
        check(&c, &a, &b, &failures); /* a as ADDMOD/MULMOD modulus */
        n += 2;
    }
    printf("u256 gmp: %u division corner triples, %u mismatches\n", n, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

/* MULMOD and ADDMOD with the moduli EVM code really uses (secp256k1 p and n, BN254 p and r). */
static void test_u256_gmp_field_moduli(void)
{
    static const char *const moduli[] = {
        "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
        "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001"};
    unsigned failures = 0, n = 0;
    for (size_t m = 0; m < BTS_ARRAY_SIZE(moduli); m++) {
        struct bts_u256 mod;
        CU_ASSERT_EQUAL_FATAL(bts_u256_from_hex(&mod, moduli[m], strlen(moduli[m])), BT_OK);
        for (unsigned i = 0; i < N_RANDOM / 8; i++) {
            struct bts_u256 a = random_value(), b = random_value();
            if (rng() & 1) {
                bts_u256_mod(&a, &a, &mod); /* reduced operands: ADDMOD's fast path */
                bts_u256_mod(&b, &b, &mod);
            }
            check(&a, &b, &mod, &failures);
            n++;
        }
    }
    printf("u256 gmp: %u field triples, %u mismatches\n", n, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

BTS_TEST_SUITE("u256_gmp", suite_init, NULL, BTS_TEST(test_u256_gmp_edge_pairs),
               BTS_TEST(test_u256_gmp_random), BTS_TEST(test_u256_gmp_division_corners),
               BTS_TEST(test_u256_gmp_field_moduli));
