/* Checkpoint Merkle tree: every PROTOCOL.md §7.4 vector, proofs of every leaf, tampering and the
 * argument limits. */
#include <bts/merkle.h>

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/test.h>

/* §7.4: timestamp(n) = 1638950000 + 2n, txRoot = receiptsRoot = the empty-trie root. */
static const char *const EMPTY_ROOT =
    "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";

static void vector_leaf(uint8_t out[32], uint64_t n)
{
    uint8_t *root = bts_test_unhex(EMPTY_ROOT, NULL);
    bts_merkle_leaf(out, n, 1638950000u + 2 * n, root, root);
    free(root);
}

/* Leaves of blocks first..last (inclusive), malloc'd. */
static uint8_t *range_leaves(uint64_t first, uint64_t last)
{
    size_t n = (size_t)(last - first + 1);
    uint8_t *leaves = malloc(32 * n);
    for (size_t i = 0; i < n; i++)
        vector_leaf(leaves + 32 * i, first + i);
    return leaves;
}

static void test_merkle_leaf_vectors(void)
{
    uint8_t leaf[32];
    vector_leaf(leaf, 0);
    BTS_ASSERT_HEX(leaf, 32, "454f5b992c77c3cd9ba394baba4c819221a2ae91b42c67f0caa8229261243912");
    vector_leaf(leaf, 1);
    BTS_ASSERT_HEX(leaf, 32, "7fd515cc36759b47789da58853945df9e6ca00be17790c79d5232eb68e4b2b68");
}

static const struct {
    uint64_t first, last;
    const char *root;
} RANGES[] = {
    {0, 0, "454f5b992c77c3cd9ba394baba4c819221a2ae91b42c67f0caa8229261243912"},
    {1, 1, "7fd515cc36759b47789da58853945df9e6ca00be17790c79d5232eb68e4b2b68"},
    {0, 1, "5be2d50b0dca6833a32c05fa554fb63b400df58f43254ddb0e6412b8a4947647"},
    {0, 2, "ecadef8035ebf9a319cbde76d15e7b08465c0ae35d2f931bd954a5327db80b33"},
    {1, 3, "beddd2cd9f617bbb94f67cb4ee07b0b60ff90df43414a89e51f4a769f706575a"},
    {0, 255, "155f6ab0fa491d21bba5646453326f4a404e72aceca9c60b3b87021d52a2cec0"},
    {256, 511, "95bfeccdc2e16d78d5a3ee9753b758b799206b83e2478d4324d2be1bad181fe7"},
};

static void test_merkle_root_vectors(void)
{
    for (size_t i = 0; i < BTS_ARRAY_SIZE(RANGES); i++) {
        uint8_t *leaves = range_leaves(RANGES[i].first, RANGES[i].last);
        uint8_t root[32];
        size_t n = (size_t)(RANGES[i].last - RANGES[i].first + 1);
        CU_ASSERT_EQUAL(bts_merkle_root(root, leaves, n), BT_OK);
        BTS_ASSERT_HEX(root, 32, RANGES[i].root);
        free(leaves);
    }
}

/* Every leaf of every vector range proves against the vector root and fails elsewhere. */
static void test_merkle_proof_round_trip(void)
{
    for (size_t r = 0; r < BTS_ARRAY_SIZE(RANGES); r++) {
        size_t n = (size_t)(RANGES[r].last - RANGES[r].first + 1);
        uint8_t *leaves = range_leaves(RANGES[r].first, RANGES[r].last);
        uint8_t *want = bts_test_unhex(RANGES[r].root, NULL);
        for (size_t i = 0; i < n; i++) {
            uint8_t proof[32 * BTS_MERKLE_MAX_DEPTH];
            size_t len = 0;
            CU_ASSERT_EQUAL_FATAL(bts_merkle_proof(proof, sizeof(proof), &len, leaves, n, i),
                                  BT_OK);
            size_t depth = 0;
            while (((size_t)1 << depth) < n)
                depth++;
            CU_ASSERT_EQUAL(len, 32 * depth);
            CU_ASSERT_EQUAL(bts_merkle_verify(want, leaves + 32 * i, i, proof, len), BT_OK);
            if (len == 0)
                continue;
            /* Wrong position, flipped sibling bit, truncated proof. */
            CU_ASSERT_EQUAL(bts_merkle_verify(want, leaves + 32 * i, i ^ 1, proof, len), BT_EPROTO);
            proof[len - 1] ^= 1;
            CU_ASSERT_EQUAL(bts_merkle_verify(want, leaves + 32 * i, i, proof, len), BT_EPROTO);
            proof[len - 1] ^= 1;
            CU_ASSERT_NOT_EQUAL(bts_merkle_verify(want, leaves + 32 * i, i, proof, len - 32),
                                BT_OK);
        }
        free(want);
        free(leaves);
    }
}

/* Reference: materialise the padding and hash level by level. */
static void naive_root(uint8_t out[32], const uint8_t *leaves, size_t n)
{
    size_t width = 1;
    while (width < n)
        width *= 2;
    uint8_t *level = calloc(width, 32);
    memcpy(level, leaves, 32 * n);
    for (; width > 1; width /= 2)
        for (size_t i = 0; i < width / 2; i++)
            bts_keccak256(level + 32 * i, level + 64 * i, 64);
    memcpy(out, level, 32);
    free(level);
}

static void test_merkle_root_matches_naive(void)
{
    uint8_t *leaves = range_leaves(1000, 1000 + 1100 - 1);
    static const size_t sizes[] = {1, 2, 3, 5, 7, 8, 9, 31, 33, 100, 513, 1024, 1025, 1100};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(sizes); i++) {
        uint8_t a[32], b[32];
        CU_ASSERT_EQUAL(bts_merkle_root(a, leaves, sizes[i]), BT_OK);
        naive_root(b, leaves, sizes[i]);
        CU_ASSERT(memcmp(a, b, 32) == 0);
    }
    free(leaves);
}

static void test_merkle_limits(void)
{
    uint8_t root[32], proof[32 * BTS_MERKLE_MAX_DEPTH], leaf[32] = {0};
    size_t len = 99;
    uint8_t *leaves = calloc(BTS_MERKLE_MAX_LEAVES + 1, 32);
    CU_ASSERT_EQUAL(bts_merkle_root(root, leaves, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_merkle_root(root, leaves, BTS_MERKLE_MAX_LEAVES + 1), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_merkle_root(root, leaves, BTS_MERKLE_MAX_LEAVES), BT_OK);
    /* An all-zero tree of 2^15 leaves: 15 levels of zero hashes. */
    uint8_t z[32] = {0};
    for (int k = 0; k < 15; k++) {
        uint8_t two[64] = {0};
        memcpy(two, z, 32);
        memcpy(two + 32, z, 32);
        bts_keccak256(z, two, 64);
    }
    CU_ASSERT(memcmp(root, z, 32) == 0);

    CU_ASSERT_EQUAL(bts_merkle_proof(proof, sizeof(proof), &len, leaves, 3, 3), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_merkle_proof(proof, sizeof(proof), &len, leaves, 0, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(
        bts_merkle_proof(proof, sizeof(proof), &len, leaves, BTS_MERKLE_MAX_LEAVES + 1, 0),
        BT_ERANGE);
    CU_ASSERT_EQUAL(bts_merkle_proof(proof, 63, &len, leaves, 3, 0), BT_ERANGE);
    CU_ASSERT_EQUAL(len, 64);
    CU_ASSERT_EQUAL(bts_merkle_proof(proof, sizeof(proof), &len, leaves, BTS_MERKLE_MAX_LEAVES,
                                     BTS_MERKLE_MAX_LEAVES - 1),
                    BT_OK);
    CU_ASSERT_EQUAL(len, 32 * BTS_MERKLE_MAX_DEPTH);
    CU_ASSERT_EQUAL(bts_merkle_verify(root, leaf, BTS_MERKLE_MAX_LEAVES - 1, proof, len), BT_OK);
    free(leaves);

    /* One leaf: an empty proof, index must be 0. */
    CU_ASSERT_EQUAL(bts_merkle_proof(NULL, 0, &len, leaf, 1, 0), BT_OK);
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_EQUAL(bts_merkle_verify(leaf, leaf, 0, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_merkle_verify(leaf, leaf, 1, NULL, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_merkle_verify(leaf, leaf, 0, proof, 31), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_merkle_verify(leaf, leaf, 4, proof, 64), BT_EINVAL);
}

BTS_TEST_SUITE("merkle", NULL, NULL, BTS_TEST(test_merkle_leaf_vectors),
               BTS_TEST(test_merkle_root_vectors), BTS_TEST(test_merkle_proof_round_trip),
               BTS_TEST(test_merkle_root_matches_naive), BTS_TEST(test_merkle_limits));
