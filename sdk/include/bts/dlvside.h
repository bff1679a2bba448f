/* Delivery side transactions (PROTOCOL.md §4.1, §4.2): the +2/3 vote tally, the validator
 * signatures a root-chain submission carries (filtered and sorted as the bridge does), and the
 * replay sequence numbers of root-chain events. Pure functions. */
#ifndef BTS_DLVSIDE_H
#define BTS_DLVSIDE_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A side-tx vote result (tendermint abci `SideTxResultType`). */
enum bts_dlvside_result {
    BTS_DLVSIDE_SKIP = 0,
    BTS_DLVSIDE_YES = 1,
    BTS_DLVSIDE_NO = 2,
};

/** Size of one submitted signature triple [r, s, v+27], three uint256 words. */
#define BTS_DLVSIDE_SIG_WORDS_LEN 96u
/** Unit of replay sequences: blockNumber × 100000 + logIndex (`DefaultLogIndexUnit`). */
#define BTS_DLVSIDE_LOG_INDEX_UNIT 100000u

/** The quorum `total*2/3 + 1` in Go int64 arithmetic, left to right (BeginSideBlock); the same
 *  shape as StakeManager.checkSignatures' ⌊2·stakers/3⌋+1 on head counts.
 *  Returns: BT_OK; BT_EINVAL if total < 0; BT_ERANGE if total*2 overflows int64.
 *  Out: out: the quorum. In: total: total voting power.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:app/side_tx_processor.go,
 *          bttcprotocol/contracts@0443fdc:contracts/staking/stakeManager/StakeManager.sol. */
BTS_API bt_status bts_dlvside_quorum(int64_t *out, int64_t total) BT_MUST_CHECK BT_NONNULL(1);

/** Decide a side tx from its tallied votes: Yes if yes >= quorum, else No if no >= quorum,
 *  else Skip (each validator must be counted once by the caller).
 *  Returns: BT_OK; BT_EINVAL if a power is negative or yes + no > total; BT_ERANGE as
 *           bts_dlvside_quorum.
 *  Out: out: the result. In: yes, no, total: voting powers.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:app/side_tx_processor.go. */
BTS_API bt_status bts_dlvside_tally(enum bts_dlvside_result *out, int64_t yes, int64_t no,
                                    int64_t total) BT_MUST_CHECK BT_NONNULL(1);

/** One precommit's side-tx vote as read from block H+2's LastCommit. */
struct bts_dlvside_vote {
    uint8_t validator[20]; /**< the vote's validator address */
    uint8_t tx_hash[32];   /**< sha256 of the tx */
    uint8_t result;        /**< enum bts_dlvside_result, raw */
    const uint8_t *sig;    /**< signature r ‖ s ‖ v (v in {0,1}); may be NULL if sig_len 0 */
    size_t sig_len;
};

/** Build the `sigs` argument of submitCheckpoint (and the other root-chain submissions) as the
 *  bridge does: keep votes whose tx_hash matches, sig_len == 65, result == Yes and whose
 *  signature over `digest` recovers to the vote's validator; sort them by that address
 *  ascending; emit each as r ‖ s ‖ word(v + 27) (v < 27 only). Duplicates are kept (the contract
 *  skips them).
 *  Returns: BT_OK; BT_ERANGE if out_cap is too small (*out_n then says how many triples are
 *           needed); BT_ENOMEM.
 *  Out:    out, out_cap: out_cap bytes for triples (96 each); out_n: number of triples.
 *  In:     votes, n: the commit's votes; tx_hash: 32 bytes; digest: keccak(0x01 ‖ sign data).
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:helper/util.go (GetSigs),
 *          bttcprotocol/delivery@v1.0.9:helper/query.go. */
BTS_API bt_status bts_dlvside_collect_sigs(uint8_t *out, size_t out_cap, size_t *out_n,
                                           const struct bts_dlvside_vote *votes, size_t n,
                                           const uint8_t tx_hash[32],
                                           const uint8_t digest[32]) BT_MUST_CHECK
    BT_NONNULL(3, 6, 7);

/** Replay sequence of a staking or topup event: block × 100000 + log_index.
 *  Returns: BT_OK; BT_ERANGE if it does not fit in uint64 (upstream uses big.Int).
 *  Out: out. In: block: root-chain block number; log_index: the log's index in the block.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:staking/side_handler.go,
 *          bttcprotocol/delivery@v1.0.9:topup/side_handler.go. */
BTS_API bt_status bts_dlvside_sequence(uint64_t *out, uint64_t block,
                                       uint64_t log_index) BT_MUST_CHECK BT_NONNULL(1);

/** Replay sequence of a clerk (state-sync) event: (block × 100000 + log_index) × 100 + root_id.
 *  Returns: BT_OK; BT_ERANGE if it does not fit in uint64.
 *  Out: out. In: block, log_index as above; root_id: the root chain's id.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:clerk/side_handler.go. */
BTS_API bt_status bts_dlvside_clerk_sequence(uint64_t *out, uint64_t block, uint64_t log_index,
                                             uint64_t root_id) BT_MUST_CHECK BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_DLVSIDE_H */
