/* The withdrawal (exit) proof of BTTC (PROTOCOL.md §5.4): the RLP payload a root-chain
 * ERC20Predicate / WithdrawManager takes to release tokens burnt on Bttc, the pieces it is made
 * of (the receipt's Merkle-Patricia proof in the block's receipt trie, the block's position in a
 * checkpoint tree of §3.11, see bts/merkle.h) and the contract-side checks re-implemented, so a
 * payload can be verified before it costs a transaction.
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_EXITPROOF_H
#define BTS_EXITPROOF_H

#include <jansson.h>

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest branch mask written by bts_exit_branch_mask: 0x00 ‖ rlp(index) of a 64-bit index. */
#define BTS_EXIT_MASK_MAX 10
/** The predicate refuses log indexes from this one on ("Supporting a max of 10 logs"). */
#define BTS_EXIT_MAX_LOG_INDEX 10u

/** Items 0..9 of the exit payload (PROTOCOL.md §5.4 table). Pointers are borrowed (after
 *  bts_exit_payload_decode they point into the decoded input). */
struct bts_exit_payload {
    uint64_t header_number;       /* RootChain header-block id (10000 * k) */
    const uint8_t *block_proof;   /* checkpoint Merkle siblings, bottom-up, 32 bytes each */
    size_t block_proof_len;       /* may be 0 (a one-block checkpoint) */
    uint64_t block_number;        /* the Bttc block holding the burn */
    uint64_t block_time;          /* its timestamp, seconds */
    uint8_t tx_root[32];          /* its transactionsRoot */
    uint8_t receipt_root[32];     /* its receiptsRoot */
    const uint8_t *receipt;       /* consensus receipt encoding (bts_receipt_encode form) */
    size_t receipt_len;           /* > 0 */
    const uint8_t *receipt_proof; /* RLP list of the trie nodes, root first */
    size_t receipt_proof_len;     /* > 0 */
    const uint8_t *branch_mask;   /* hex-prefix path: 0x00 ‖ rlp(tx index) */
    size_t branch_mask_len;       /* 1..32 */
    uint64_t log_index;           /* log of the receipt to exit with */
};

/** The burn a receipt log announces: ChildERC20's
 *  Withdraw(address indexed token, address indexed from, uint256 amount, uint256, uint256). */
struct bts_exit_burn {
    uint8_t child_token[20]; /* the log's emitter */
    uint8_t root_token[20];  /* topic 1 */
    uint8_t exitor[20];      /* topic 2: who burnt, the only account allowed to exit */
    uint8_t amount[32];      /* data[0:32], big-endian */
};

/** topic0 of Withdraw(address,address,uint256,uint256,uint256) (PROTOCOL.md §5.4). */
extern BTS_API const uint8_t bts_exit_withdraw_topic[32];

/** Append the exit payload: rlp([headerNumber, blockProof, blockNumber, blockTime, txRoot,
 *  receiptRoot, receipt, receiptProof, branchMask, logIndex]). The roots are written as 32-byte
 *  strings (as the JS bridge test and matic.js do; the contract reads them as uints), the
 *  receipt, proof and mask as byte strings, the numbers as canonical RLP integers.
 *  Returns: BT_OK; BT_ENOMEM; BT_EINVAL (receipt, receipt_proof or branch_mask empty, or
 *           block_proof_len not a multiple of 32).
 *  Out:    out: appended.
 *  Thread: any. Source: PROTOCOL.md §5.4 (bttcprotocol/contracts@0443fdc:
 *          contracts/root/withdrawManager/WithdrawManager.sol). */
BTS_API bt_status bts_exit_payload_encode(struct bts_buf *out,
                                          const struct bts_exit_payload *p) BT_MUST_CHECK;

/** Decode an exit payload (items 0..9; items 10 and 11, tx and txProof, are allowed and
 *  ignored). Integers must be canonical and fit 64 bits; the roots are strings of at most 32
 *  bytes read as big-endian integers, as the contract's toUint does.
 *  Returns: BT_OK; BT_EPROTO (not an RLP list of at least 10 items, or an item of the wrong
 *           kind or size).
 *  Out:    out: pointers into `in` (zeroed on failure).
 *  In:     in, in_len: borrowed; must outlive `out`.
 *  Thread: any. */
BTS_API bt_status bts_exit_payload_decode(struct bts_exit_payload *out, const uint8_t *in,
                                          size_t in_len) BT_MUST_CHECK;

/** The branch mask (the MPT path item) of receipt `tx_index`: the hex-prefix encoding of the
 *  trie key rlp(tx_index) with an even-length, non-leaf flag, i.e. 0x00 ‖ rlp(tx_index).
 *  Returns: its length (2..10). Out: out. Thread: any.
 *  Source: bttcprotocol/contracts@0443fdc:contracts/common/lib/MerklePatriciaProof.sol (the
 *  path is read through the hex-prefix decoder), Yellow Paper appendix C. */
BTS_API size_t bts_exit_branch_mask(uint8_t out[BTS_EXIT_MASK_MAX], uint64_t tx_index);

/** Build a block's receipt trie (key rlp(i) → receipts[i]), check that its root is
 *  `receipts_root`, and append the proof of receipt `index`: an RLP list of the node encodings
 *  from the root down (bts_trie_prove).
 *  Returns: BT_OK; BT_EINVAL (n is 0, index >= n, or an empty receipt); BT_EPROTO (the rebuilt
 *           root differs from receipts_root: a receipt is not in its consensus form, or one is
 *           missing or extra); BT_ENOMEM.
 *  Out:    out_proof: appended on BT_OK only.
 *  In:     receipts, receipt_lens: n consensus receipt encodings of the block, in order.
 *  Thread: any. Source: go-ethereum core/types/hashing.go (DeriveSha). */
BTS_API bt_status bts_exit_receipt_proof(struct bts_buf *out_proof, const uint8_t *const *receipts,
                                         const size_t *receipt_lens, size_t n, size_t index,
                                         const uint8_t receipts_root[32]) BT_MUST_CHECK;

/** Verify a value's Merkle-Patricia proof exactly as the root chain's MerklePatriciaProof.verify
 *  does: the path is the hex-prefix decoded `mask` (empty → refused); every proof node must hash
 *  (keccak of its RLP) to the reference of its parent, starting from `root`; branch nodes
 *  consume one nibble (or hold the value at slot 16 when the path is used up), extension and
 *  leaf nodes their hex-prefix part; the value must sit where the path ends. Nodes embedded in
 *  their parent (shorter than 32 bytes) are not followed, as on chain.
 *  Returns: BT_OK (proven); BT_EPROTO (any check fails, or malformed input).
 *  In:     value, mask, proof (RLP list of nodes): byte strings; root: 32 bytes.
 *  Thread: any. Source:
 * bttcprotocol/contracts@0443fdc:contracts/common/lib/MerklePatriciaProof.sol. */
BTS_API bt_status bts_exit_mpt_verify(const uint8_t *value, size_t value_len, const uint8_t *mask,
                                      size_t mask_len, const uint8_t *proof, size_t proof_len,
                                      const uint8_t root[32]) BT_MUST_CHECK;

/** Run WithdrawManager's inclusion checks on a payload against a checkpoint (header block)
 *  read from RootChain.headerBlocks(p->header_number): the receipt proof (bts_exit_mpt_verify),
 *  block_number >= checkpoint_start, the block's leaf (bts_merkle_leaf) at index
 *  block_number - checkpoint_start under checkpoint_root (bts_merkle_verify), the branch mask
 *  at most 32 bits, block_number < 2^95.
 *  Returns: BT_OK; BT_EPROTO with *out_why naming the failed check (the contract's revert
 *           reason, e.g. "INVALID_RECEIPT_MERKLE_PROOF").
 *  Out:    out_why: static string, "" on BT_OK; may be NULL.
 *  Thread: any. Source:
 * bttcprotocol/contracts@0443fdc:contracts/root/withdrawManager/WithdrawManager.sol. */
BTS_API bt_status bts_exit_payload_verify(const struct bts_exit_payload *p,
                                          const uint8_t checkpoint_root[32],
                                          uint64_t checkpoint_start,
                                          const char **out_why) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Read log `log_index` of a consensus receipt (legacy, or typed: type byte ‖ RLP) as a
 *  Withdraw burn, as ERC20Predicate does: three topics, topic0 bts_exit_withdraw_topic, data of
 *  at least 32 bytes.
 *  Returns: BT_OK; BT_ENOTFOUND (the receipt has no log `log_index`); BT_EINVAL (that log is
 *           not a Withdraw burn); BT_EPROTO (the receipt is malformed).
 *  Out:    out: filled on BT_OK.
 *  Thread: any. Source:
 * bttcprotocol/contracts@0443fdc:contracts/root/predicates/ERC20Predicate.sol. */
BTS_API bt_status bts_exit_burn_log(struct bts_exit_burn *out, const uint8_t *receipt,
                                    size_t receipt_len, uint64_t log_index) BT_MUST_CHECK;

/** Re-encode a JSON-RPC receipt object (eth_getTransactionReceipt) in its consensus form, the
 *  value of the receipt trie: fields type (absent: legacy), status, cumulativeGasUsed,
 *  logsBloom and logs[] (address, topics, data) are used.
 *  Returns: BT_OK; BT_EPROTO (a field missing or malformed; err names it); BT_ENOMEM.
 *  Out:    out: appended on BT_OK; err: message (may be NULL when err_cap is 0).
 *  Thread: any. Source: EIP-2718, EIP-658, go-ethereum core/types/receipt.go. */
BTS_API bt_status bts_exit_receipt_from_json(struct bts_buf *out, const json_t *receipt, char *err,
                                             size_t err_cap) BT_MUST_CHECK BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* BTS_EXITPROOF_H */
