/* The per-peer known-hash set (p2p_known_has/p2p_known_add, propagate.c): the last P2P_KNOWN
 * distinct hashes are members, the oldest is evicted first, and the index stays right under
 * many evictions with colliding probe runs. */
#include <bts/keccak.h>
#include <bts/test.h>
#include <stdlib.h>
#include <string.h>

#include "p2p_priv.h"

static void hash_of(uint32_t i, uint8_t out[32])
{
    uint8_t seed[4] = {(uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), (uint8_t)(i >> 24)};
    bts_keccak256(out, seed, sizeof(seed));
}

static void test_p2p_known_evicts_oldest(void)
{
    struct p2p_known *k = calloc(1, sizeof(*k));
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    uint8_t h[32];
    for (uint32_t i = 0; i < P2P_KNOWN; i++) {
        hash_of(i, h);
        p2p_known_add(k, h);
        p2p_known_add(k, h); /* again: no second entry */
    }
    CU_ASSERT_EQUAL(k->n, P2P_KNOWN);
    for (uint32_t i = 0; i < P2P_KNOWN; i++) {
        hash_of(i, h);
        CU_ASSERT(p2p_known_has(k, h));
    }
    hash_of(P2P_KNOWN, h);
    CU_ASSERT(!p2p_known_has(k, h));
    p2p_known_add(k, h);
    CU_ASSERT(p2p_known_has(k, h));
    hash_of(0, h);
    CU_ASSERT(!p2p_known_has(k, h)); /* the oldest went */
    hash_of(1, h);
    CU_ASSERT(p2p_known_has(k, h));
    free(k);
}

/* Keys chosen to share home slots (same low bits), so deletions shift probe runs. */
static void test_p2p_known_collisions(void)
{
    struct p2p_known *k = calloc(1, sizeof(*k));
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    uint8_t h[32];
    const uint32_t total = 4 * P2P_KNOWN;
    for (uint32_t i = 0; i < total; i++) {
        memset(h, 0, sizeof(h));
        uint64_t key = ((uint64_t)(i + 1) << 32) | (i % 7); /* seven home slots */
        memcpy(h, &key, 8);
        p2p_known_add(k, h);
        if (i % 257 == 0 || i + 1 == total) {
            /* Exactly the last P2P_KNOWN keys are members. */
            for (uint32_t j = i >= 2 * P2P_KNOWN ? i - 2 * P2P_KNOWN : 0; j <= i; j++) {
                uint64_t kj = ((uint64_t)(j + 1) << 32) | (j % 7);
                memset(h, 0, sizeof(h));
                memcpy(h, &kj, 8);
                CU_ASSERT_EQUAL(p2p_known_has(k, h), i - j < P2P_KNOWN);
            }
        }
    }
    free(k);
}

BTS_TEST_SUITE("p2p_known", NULL, NULL, BTS_TEST(test_p2p_known_evicts_oldest),
               BTS_TEST(test_p2p_known_collisions));
