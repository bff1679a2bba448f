/* The checkpoint Merkle tree of Bttc (PROTOCOL.md §3.11, §5.4): a binary Keccak-256 tree over
 * per-block leaves, zero-padded to a power of two, with inclusion proofs as RootChain checks
 * them on exit. */
#ifndef BTS_MERKLE_H
#define BTS_MERKLE_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most leaves in one checkpoint tree: `bor_getRootHash` refuses longer ranges (§3.11). */
#define BTS_MERKLE_MAX_LEAVES 32768u
/** Depth of the deepest tree (2^15 leaves), hence the most siblings in a proof. */
#define BTS_MERKLE_MAX_DEPTH 15u

/** Compute a block's checkpoint leaf:
 *  keccak(word(number) ‖ word(timestamp) ‖ tx_root ‖ receipts_root).
 *  Out:    out:            32 bytes.
 *  In:     number, timestamp: the header fields; tx_root, receipts_root: 32 bytes each.
 *  Thread: any. Source: PROTOCOL.md §3.11 (bttcprotocol/bttc@v1.0.8:consensus/bor/api.go). */
BTS_API void bts_merkle_leaf(uint8_t out[32], uint64_t number, uint64_t timestamp,
                             const uint8_t tx_root[32], const uint8_t receipts_root[32])
    BT_NONNULL(1, 4, 5);

/** Compute the root of the checkpoint tree over `n_leaves` leaves. Leaves are padded with
 *  32 zero bytes up to the next power of two, then each level hashes keccak(left ‖ right)
 *  until one node remains; a single leaf is its own root. No allocation.
 *  Returns: BT_OK; BT_EINVAL if n_leaves is 0; BT_ERANGE if n_leaves > BTS_MERKLE_MAX_LEAVES.
 *  Out:    out_root:       32 bytes (untouched on error).
 *  In:     leaves:         n_leaves * 32 bytes, leaf i at leaves + 32 * i (see bts_merkle_leaf).
 *  Thread: any. Source: PROTOCOL.md §3.11 (xsleonard/go-merkle@v1.1.0 without leaf hashing). */
BTS_API bt_status bts_merkle_root(uint8_t out_root[32], const uint8_t *leaves,
                                  size_t n_leaves) BT_MUST_CHECK BT_NONNULL(1);

/** Build the inclusion proof of leaf `index`: the siblings from the leaf level upwards,
 *  concatenated 32-byte words (the `blockProof` item of an exit payload, PROTOCOL.md §5.4).
 *  Its length is 32 * log2(nextPow2(n_leaves)) bytes, at most 32 * BTS_MERKLE_MAX_DEPTH.
 *  Returns: BT_OK; BT_EINVAL if n_leaves is 0 or index >= n_leaves; BT_ERANGE if n_leaves >
 *           BTS_MERKLE_MAX_LEAVES, or if out_cap is too small (then *out_len is the size needed).
 *  Out:    out, out_cap:   caller buffer; out_len: bytes written (or needed).
 *  In:     leaves, n_leaves: as for bts_merkle_root; index: the leaf to prove.
 *  Thread: any. */
BTS_API bt_status bts_merkle_proof(uint8_t *out, size_t out_cap, size_t *out_len,
                                   const uint8_t *leaves, size_t n_leaves,
                                   size_t index) BT_MUST_CHECK BT_NONNULL(3);

/** Check that `leaf` sits at position `index` of the tree with root `root`, as RootChain's
 *  Merkle.checkMembership does: h = leaf; for each sibling p (bottom-up), h = keccak(h ‖ p) when
 *  the index is even, else keccak(p ‖ h), and the index halves; h must equal root.
 *  Returns: BT_OK (proven); BT_EINVAL if proof_len is not a multiple of 32 or
 *           index >= 2^(proof_len / 32); BT_EPROTO if the proof leads to another root.
 *  In:     root, leaf: 32 bytes; index: leaf position (block number minus range start);
 *          proof, proof_len: concatenated siblings (proof may be NULL when proof_len is 0).
 *  Thread: any. Source: bttcprotocol/contracts@0443fdc:contracts/common/lib/Merkle.sol. */
BTS_API bt_status bts_merkle_verify(const uint8_t root[32], const uint8_t leaf[32], uint64_t index,
                                    const uint8_t *proof, size_t proof_len) BT_MUST_CHECK
    BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* BTS_MERKLE_H */
