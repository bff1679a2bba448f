/* Checkpoint Merkle tree (PROTOCOL.md §3.11, §5.4): roots and proofs computed by recursion over
 * power-of-two subtrees, so the zero padding never needs to be materialised. */
#include <bts/merkle.h>

#include <string.h>

#include <bts/keccak.h>

static void hash_pair(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
    uint8_t both[64];
    memcpy(both, left, 32);
    memcpy(both + 32, right, 32);
    bts_keccak256(out, both, sizeof(both));
}

/* zero[k]: root of a subtree of 2^k zero leaves. A subtree entirely past the real leaves is all
 * padding, so its root comes from this table instead of 2^k - 1 hashes. */
static void zero_roots(uint8_t zero[BTS_MERKLE_MAX_DEPTH + 1][32])
{
    memset(zero[0], 0, 32);
    for (unsigned k = 1; k <= BTS_MERKLE_MAX_DEPTH; k++)
        hash_pair(zero[k], zero[k - 1], zero[k - 1]);
}

/* Root of the subtree of 2^level leaves starting at leaf `first`. Recursion depth <= 15. */
static void subtree_root(uint8_t out[32], const uint8_t *leaves, size_t n_leaves, size_t first,
                         unsigned level, uint8_t zero[BTS_MERKLE_MAX_DEPTH + 1][32])
{
    if (first >= n_leaves) {
        memcpy(out, zero[level], 32);
        return;
    }
    if (level == 0) {
        memcpy(out, leaves + 32 * first, 32);
        return;
    }
    uint8_t left[32], right[32];
    size_t half = (size_t)1 << (level - 1);
    subtree_root(left, leaves, n_leaves, first, level - 1, zero);
    subtree_root(right, leaves, n_leaves, first + half, level - 1, zero);
    hash_pair(out, left, right);
}

/* log2(nextPow2(n)) for 1 <= n <= BTS_MERKLE_MAX_LEAVES. */
static unsigned tree_depth(size_t n_leaves)
{
    unsigned depth = 0;
    while (((size_t)1 << depth) < n_leaves)
        depth++;
    return depth;
}

void bts_merkle_leaf(uint8_t out[32], uint64_t number, uint64_t timestamp,
                     const uint8_t tx_root[32], const uint8_t receipts_root[32])
{
    uint8_t data[128] = {0};
    for (unsigned i = 0; i < 8; i++) {
        data[31 - i] = (uint8_t)(number >> (8 * i));
        data[63 - i] = (uint8_t)(timestamp >> (8 * i));
    }
    memcpy(data + 64, tx_root, 32);
    memcpy(data + 96, receipts_root, 32);
    bts_keccak256(out, data, sizeof(data));
}

bt_status bts_merkle_root(uint8_t out_root[32], const uint8_t *leaves, size_t n_leaves)
{
    if (n_leaves == 0 || !leaves)
        return BT_EINVAL;
    if (n_leaves > BTS_MERKLE_MAX_LEAVES)
        return BT_ERANGE;
    uint8_t zero[BTS_MERKLE_MAX_DEPTH + 1][32];
    zero_roots(zero);
    subtree_root(out_root, leaves, n_leaves, 0, tree_depth(n_leaves), zero);
    return BT_OK;
}

bt_status bts_merkle_proof(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *leaves,
                           size_t n_leaves, size_t index)
{
    *out_len = 0;
    if (n_leaves == 0 || !leaves || index >= n_leaves)
        return BT_EINVAL;
    if (n_leaves > BTS_MERKLE_MAX_LEAVES)
        return BT_ERANGE;
    unsigned depth = tree_depth(n_leaves);
    *out_len = 32 * (size_t)depth;
    if (out_cap < *out_len || (depth > 0 && !out))
        return BT_ERANGE;
    uint8_t zero[BTS_MERKLE_MAX_DEPTH + 1][32];
    zero_roots(zero);
    /* The sibling at level k is the subtree of 2^k leaves next to the one holding `index`. */
    for (unsigned k = 0; k < depth; k++) {
        size_t sibling = ((index >> k) ^ 1) << k;
        subtree_root(out + 32 * k, leaves, n_leaves, sibling, k, zero);
    }
    return BT_OK;
}

bt_status bts_merkle_verify(const uint8_t root[32], const uint8_t leaf[32], uint64_t index,
                            const uint8_t *proof, size_t proof_len)
{
    if (proof_len % 32 != 0 || (proof_len > 0 && !proof))
        return BT_EINVAL;
    size_t depth = proof_len / 32;
    /* Merkle.sol: require(index < 2 ** proofHeight), computed in uint256. */
    if (depth < 64 && index >= ((uint64_t)1 << depth))
        return BT_EINVAL;
    uint8_t h[32];
    memcpy(h, leaf, 32);
    for (size_t k = 0; k < depth; k++) {
        if (index % 2 == 0)
            hash_pair(h, h, proof + 32 * k);
        else
            hash_pair(h, proof + 32 * k, h);
        index /= 2;
    }
    return memcmp(h, root, 32) == 0 ? BT_OK : BT_EPROTO;
}
