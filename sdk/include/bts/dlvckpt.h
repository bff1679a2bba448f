/* Delivery checkpoints (PROTOCOL.md §4.6): the proposer's range choice per root chain, the
 * 224-byte side-sign data of MsgCheckpoint (and the 160-byte one of MsgCheckpointSync, §4.7),
 * and the dividend-account root carried in every checkpoint. Pure functions. */
#ifndef BTS_DLVCKPT_H
#define BTS_DLVCKPT_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of MsgCheckpoint's side-sign data: seven 32-byte words. */
#define BTS_DLVCKPT_SIGN_LEN 224u
/** Size of MsgCheckpointSync's side-sign data: five words. */
#define BTS_DLVCKPT_SYNC_SIGN_LEN 160u
/** Blocks a checkpoint range is a multiple of (before the -1), and its cap (1024 blocks). */
#define BTS_DLVCKPT_UNIT     256u
#define BTS_DLVCKPT_MAX_SPAN 1023u
/** Bttc confirmations the proposer waits for (`maticchain_tx_confirmations`). */
#define BTS_DLVCKPT_CONFIRMATIONS 10u
/** Seconds after which a short range is forced to the confirmed head (2048 s). */
#define BTS_DLVCKPT_FORCE_AFTER 2048u

/** The last checkpoint on one root chain as `headerBlocks(currentHeaderBlock())` returns it. */
struct bts_dlvckpt_last {
    uint64_t end;        /**< last checkpointed Bttc block, 0 if none */
    uint64_t created_at; /**< its createdAt (root-chain block time, seconds) */
};

/** Choose the next checkpoint range for one root chain as the proposer's bridge does:
 *  confirmed = head - 10; start = last.end ? last.end + 1 : 0; the range is the largest
 *  multiple of 256 blocks (minus one) up to 1024 that is confirmed; when that is empty or
 *  shorter than 256 blocks and the last checkpoint is older than 2048 s, the range runs to the
 *  confirmed head (forced). For an extra root chain (not TRON/ETH) whose start is 0, start and
 *  end are shifted by `activation`. Arithmetic is uint64 as upstream, except that a head of 10 or
 * less and a confirmed head below the start give no range (upstream would wrap). Returns: 1 when a
 * checkpoint [*out_start, *out_end] should be proposed (start < end), 0 otherwise (outputs still
 * written, for logging). Out:    out_start, out_end. In:     head: Bttc head number; last: the root
 * chain's last checkpoint; now: wall-clock seconds; activation: the chain's activation height (0
 * for TRON and ETH). Thread: any. Source:
 * bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpoint.go (nextExpectedCheckpoint),
 * .../troncheckpoint.go. */
BTS_API int bts_dlvckpt_next_range(uint64_t *out_start, uint64_t *out_end, uint64_t head,
                                   const struct bts_dlvckpt_last *last, uint64_t now,
                                   uint64_t activation) BT_NONNULL(1, 2, 4);

/** Build MsgCheckpoint's side-sign data: word(proposer) ‖ word(start) ‖ word(end) ‖ root ‖
 *  account_root ‖ word(bor_chain_id) ‖ word(epoch), words big-endian, left-padded.
 *  Out:    out: BTS_DLVCKPT_SIGN_LEN bytes.
 *  In:     proposer: 20 bytes; root, account_root: 32 bytes; the rest as named
 *          (bor_chain_id is the decimal chain-id string parsed, 199 on mainnet).
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:checkpoint/types/msg.go (GetSideSignBytes). */
BTS_API void bts_dlvckpt_sign_data(uint8_t out[BTS_DLVCKPT_SIGN_LEN], const uint8_t proposer[20],
                                   uint64_t start, uint64_t end, const uint8_t root[32],
                                   const uint8_t account_root[32], uint64_t bor_chain_id,
                                   uint64_t epoch) BT_NONNULL(1, 2, 5, 6);

/** Build MsgCheckpointSync's side-sign data (§4.7): word(proposer) ‖ word(start) ‖ word(end) ‖
 *  word(number) ‖ word(root_id), number being the checkpoint index (not header-block id).
 *  Out:    out: BTS_DLVCKPT_SYNC_SIGN_LEN bytes. In: proposer: 20 bytes; the rest as named.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:checkpoint/types/msg.go. */
BTS_API void bts_dlvckpt_sync_sign_data(uint8_t out[BTS_DLVCKPT_SYNC_SIGN_LEN],
                                        const uint8_t proposer[20], uint64_t start, uint64_t end,
                                        uint64_t number, uint64_t root_id) BT_NONNULL(1, 2);

/** The digest validators sign and RootChain recomputes: keccak(0x01 ‖ data).
 *  Out:    out: 32 bytes. In: data, data_len: side-sign data (data may be NULL if 0).
 *  Thread: any. Source: bttcprotocol/contracts@0443fdc:contracts/root/RootChain.sol;
 *          bttcprotocol/delivery@v1.0.9:app/side_tx_processor.go (vote byte Yes = 1). */
BTS_API void bts_dlvckpt_sign_digest(uint8_t out[32], const uint8_t *data, size_t data_len)
    BT_NONNULL(1);

/** One dividend account: user address and fee amount as a 32-byte big-endian word (the decimal
 *  `feeAmount` string, parsed). */
struct bts_dlvckpt_account {
    uint8_t user[20];
    uint8_t fee[32];
};

/** Compute the dividend-account root (cbergoon/merkletree shape): leaves
 *  keccak(word(user) ‖ fee); an odd leaf count duplicates the last leaf; on each level a lone
 *  last node pairs with itself; stop at the level of exactly two nodes. One account gives
 *  keccak(leaf ‖ leaf). Accounts must already be sorted by user address (the caller's store
 *  order); they are not re-sorted. Allocates one level temporarily.
 *  Returns: BT_OK; BT_EINVAL if n is 0 (upstream refuses an empty tree); BT_ENOMEM.
 *  Out:    out_root: 32 bytes (untouched on error). In: accts, n.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:types/dividend-account.go,
 *          bttcprotocol/delivery@v1.0.9:checkpoint/types/merkel.go,
 *          cbergoon/merkletree@v0.2.0:merkle_tree.go. */
BTS_API bt_status bts_dlvckpt_account_root(uint8_t out_root[32],
                                           const struct bts_dlvckpt_account *accts,
                                           size_t n) BT_MUST_CHECK BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_DLVCKPT_H */
