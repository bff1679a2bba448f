/* bts_u256_addmod_ctx / bts_u256_mulmod_ctx against GMP (the model in u256_ref.h): the divisor
 * cache must give exactly ADDMOD/MULMOD whatever the sequence of moduli, so every check runs
 * with a cache that is kept across many calls and moduli (refilled on change), with a fresh
 * one, and through the cache-less bts_u256_addmod/mulmod. Moduli cover 1..4 limbs and every
 * normalisation shift; m = 0, 1, 2^256 - 1, a * b < m and field primes are all exercised. The
 * seed is fixed for reproducibility; BT_U256_SEED=<n> picks another. */
#include <bts/test.h>
#include <bts/u256.h>

#include <stdio.h>
#include <stdlib.h>

#include "u256_ref.h"

#define N_RANDOM 20000

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

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
    printf("\nu256 modctx: seed 0x%llx\n", (unsigned long long)rng_state);
    return 0;
}

/* A limb biased towards carry and quotient-estimate edges. */
static uint64_t edge_limb(void)
{
    static const uint64_t edges[] = {
        0, 1, 2, UINT64_MAX, UINT64_MAX - 1, 1ULL << 63, (1ULL << 63) - 1};
    uint64_t r = rng();
    if ((r & 3) == 0)
        return edges[(r >> 8) % BTS_ARRAY_SIZE(edges)];
    return rng();
}

/* A value of `limbs` significant limbs (0..4) whose top limb has a random bit length, so
 * every normalisation shift appears. */
static struct bts_u256 value_of(unsigned limbs)
{
    struct bts_u256 x = bts_u256_from_u64(0);
    for (unsigned i = 0; i < limbs; i++)
        x.w[i] = edge_limb();
    if (limbs) {
        unsigned bits = 1 + (unsigned)(rng() % 64);
        uint64_t top = x.w[limbs - 1];
        if (bits < 64)
            top &= (1ULL << bits) - 1;
        x.w[limbs - 1] = top | (1ULL << (bits - 1)); /* non-zero, exactly `bits` long */
    }
    return x;
}

static struct bts_u256 random_value(void)
{
    return value_of((unsigned)(rng() % 5));
}

static struct bts_u256_modctx shared_ctx; /* kept across all checks, zero = empty at start */

/* Checks (a + b) mod m and (a * b) mod m through the shared cache, a fresh cache and the
 * cache-less functions, and with the portable MULMOD kernel forced; counts mismatches (the first
 * few are printed). */
static void check(const struct bts_u256 *a, const struct bts_u256 *b, const struct bts_u256 *m,
                  unsigned *failures)
{
    static const enum ref_op ops[] = {REF_ADDMOD, REF_MULMOD};
    for (size_t k = 0; k < BTS_ARRAY_SIZE(ops); k++) {
        struct bts_u256 want, got[5];
        struct bts_u256_modctx fresh = {.dlen = 0};
        ref_eval(&want, ops[k], a, b, m);
        if (ops[k] == REF_ADDMOD) {
            bts_u256_addmod_ctx(&got[0], a, b, m, &shared_ctx);
            bts_u256_addmod_ctx(&got[1], a, b, m, &fresh);
            bts_u256_addmod(&got[2], a, b, m);
            got[3] = got[4] = got[2];
        } else {
            bts_u256_mulmod_ctx(&got[0], a, b, m, &shared_ctx);
            bts_u256_mulmod_ctx(&got[1], a, b, m, &fresh);
            bts_u256_mulmod(&got[2], a, b, m);
            /* every kernel the cache may pick (x86-64: ADX, ADX for m < 2^254, portable) */
            int adx = fresh.adx;
            fresh.adx = adx == 2 ? 1 : adx;
            bts_u256_mulmod_ctx(&got[3], a, b, m, &fresh);
            fresh.adx = 0;
            bts_u256_mulmod_ctx(&got[4], a, b, m, &fresh);
        }
        for (int i = 0; i < 5; i++) {
            char why[1024];
            if (ref_differs(why, sizeof(why), ref_op_names[ops[k]], &got[i], &want, a, b, m)) {
                if (++*failures <= 5)
                    printf("u256 modctx: variant %d: %s\n", i, why);
            }
        }
    }
}

/* m = 0, 1, 2, 2^256 - 1, 2^64, 2^128 - 1, 2^192 and the like against edge operands. */
static void test_u256_modctx_edge_moduli(void)
{
    struct bts_u256 max;
    bts_u256_not(&max, &(struct bts_u256){{0, 0, 0, 0}});
    const struct bts_u256 moduli[] = {
        {{0, 0, 0, 0}},
        {{1, 0, 0, 0}},
        {{2, 0, 0, 0}},
        {{3, 0, 0, 0}},
        {{UINT64_MAX, 0, 0, 0}},
        {{0, 1, 0, 0}},
        {{UINT64_MAX, UINT64_MAX, 0, 0}},
        {{0, 0, 1, 0}},
        {{1, 0, 0, 1}},
        {{0, 0, 0, 1ULL << 63}},
        {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX >> 1}},
        /* around 2^254, where the x86-64 kernel switches to its mod-2^256 variant */
        {{UINT64_MAX, UINT64_MAX, UINT64_MAX, (1ULL << 62) - 1}},
        {{0, 0, 0, 1ULL << 62}},
        {{1, 0, 0, 1ULL << 62}},
        {{0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
          0x30644e72e131a029ULL}}, /* BN254's field prime */
        max,
    };
    const struct bts_u256 operands[] = {
        {{0, 0, 0, 0}},
        {{1, 0, 0, 0}},
        {{UINT64_MAX, 0, 0, 0}},
        {{UINT64_MAX, UINT64_MAX, 0, 0}},
        {{0, 0, 0, 1ULL << 63}},
        max,
        {{UINT64_MAX - 1, UINT64_MAX, UINT64_MAX, UINT64_MAX}},
    };
    unsigned failures = 0, n = 0;
    for (size_t i = 0; i < BTS_ARRAY_SIZE(moduli); i++) {
        for (size_t j = 0; j < BTS_ARRAY_SIZE(operands); j++) {
            for (size_t k = 0; k < BTS_ARRAY_SIZE(operands); k++) {
                check(&operands[j], &operands[k], &moduli[i], &failures);
                struct bts_u256 below = moduli[i]; /* m - 1, the largest reduced operand */
                bts_u256_sub(&below, &below, &(struct bts_u256){{1, 0, 0, 0}});
                check(&below, &operands[k], &moduli[i], &failures);
                check(&below, &below, &moduli[i], &failures);
                n += 3;
            }
        }
    }
    printf("u256 modctx: %u edge-modulus triples, %u mismatches\n", n, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

/* Random operands and moduli of every length; the modulus often repeats, as in field code,
 * so the shared cache is both reused and refilled. */
static void test_u256_modctx_random(void)
{
    unsigned failures = 0;
    struct bts_u256 m = value_of(4);
    for (unsigned i = 0; i < N_RANDOM; i++) {
        if (rng() % 8 == 0)
            m = random_value();
        struct bts_u256 a = random_value(), b = random_value();
        check(&a, &b, &m, &failures);
    }
    printf("u256 modctx: %u random triples, %u mismatches\n", N_RANDOM, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

/* Operands reduced below m (ADDMOD's one-subtraction path, MULMOD's product < m^2), products
 * below m (no division at all), and a 4-limb m whose top limb is small next to one whose top
 * limb is 0 (3 limbs), with operands whose product has exactly as many limbs as m. */
static void test_u256_modctx_reduced_and_small_products(void)
{
    unsigned failures = 0, n = 0;
    for (unsigned i = 0; i < N_RANDOM / 4; i++) {
        unsigned limbs = 1 + (unsigned)(rng() % 4);
        struct bts_u256 m = value_of(limbs), a = random_value(), b = random_value();
        bts_u256_mod(&a, &a, &m);
        bts_u256_mod(&b, &b, &m);
        check(&a, &b, &m, &failures);
        /* a * b < m: operands of at most half m's length */
        unsigned half = (limbs * 64 - 1) / 2;
        struct bts_u256 x = value_of(4), y = value_of(4);
        bts_u256_shr(&x, &x, 256 - half / 2 - 1);
        bts_u256_shr(&y, &y, 256 - half / 2 - 1);
        check(&x, &y, &m, &failures);
        /* product as long as m */
        struct bts_u256 p = value_of(limbs > 1 ? limbs / 2 : 1),
                        q = value_of(limbs > 1 ? (limbs + 1) / 2 : 1);
        check(&p, &q, &m, &failures);
        n += 3;
    }
    printf("u256 modctx: %u reduced/small-product triples, %u mismatches\n", n, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

/* MULMOD/ADDMOD chains under the moduli EVM code really uses (secp256k1 p and n, BN254 p and
 * r), lazily reduced operands (up to a few multiples of m) included, cache kept throughout. */
static void test_u256_modctx_field_chains(void)
{
    static const char *const moduli[] = {
        "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
        "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001"};
    unsigned failures = 0, n = 0;
    for (size_t k = 0; k < BTS_ARRAY_SIZE(moduli); k++) {
        struct bts_u256 m;
        CU_ASSERT_EQUAL_FATAL(bts_u256_from_hex(&m, moduli[k], strlen(moduli[k])), BT_OK);
        struct bts_u256 acc = value_of(4);
        bts_u256_mod(&acc, &acc, &m);
        for (unsigned i = 0; i < N_RANDOM / 8; i++) {
            struct bts_u256 b = value_of(4), lazy = acc;
            if (rng() & 1)
                bts_u256_mod(&b, &b, &m);
            for (uint64_t j = rng() % 4; j > 0; j--)
                bts_u256_add(&lazy, &lazy, &m); /* acc + j m, may wrap for big m */
            check(&lazy, &b, &m, &failures);
            bts_u256_mulmod_ctx(&acc, &acc, &b, &m, &shared_ctx);
            n++;
        }
    }
    printf("u256 modctx: %u field chain triples, %u mismatches\n", n, failures);
    CU_ASSERT_EQUAL(failures, 0);
}

BTS_TEST_SUITE("u256_modctx", suite_init, NULL, BTS_TEST(test_u256_modctx_edge_moduli),
               BTS_TEST(test_u256_modctx_random),
               BTS_TEST(test_u256_modctx_reduced_and_small_products),
               BTS_TEST(test_u256_modctx_field_chains));
