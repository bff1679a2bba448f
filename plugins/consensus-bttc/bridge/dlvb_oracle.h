/* Delivery bridge: the side-check oracle (delivery/dlv_oracle.h) over the rootchain adapters
 * and the local Bttc chain. It fetches facts; the application compares them:
 *  - DLV_Q_BTTC_HEAD, DLV_Q_BTTC_ROOT_HASH: from the dlvb_local table, answered at once
 *    (root hash: BT_ENOTFOUND when block b is past the head).
 *  - DLV_Q_HEADER_BLOCK: RootChain.headerBlocks(a) on that root; createdAt 0 → BT_ENOTFOUND.
 *  - DLV_Q_RECEIPT_LOG: the adapter ABI has no receipt-by-hash read, so the query's `a` must
 *    carry the message's block_number: the block is first checked confirmed (at or below the
 *    adapter's finalized height and, when the chain has confirmations set, head − confirmations
 *    (ETH 6, TRON 18, BSC per chain info; PROTOCOL.md §4.8, §6.2); else BT_EBUSY → Skip), then
 *    its logs are read and the one with tx_hash and log_index (index within the block, as
 *    go-ethereum's Log.Index) is answered; none → BT_ENOTFOUND. With a = 0 the block is looked
 *    up among the logs the node's own listeners delivered (dlvb_oracle_note_log); not there →
 *    BT_EBUSY (this node has not seen it yet: Skip).
 *  - DLV_Q_VALIDATOR_NONCE: StakeManager.validatorNonce(a) on that root's stake manager.
 *  - DLV_Q_SYNCED_CHECKPOINT: TRON StakeManager.getCurrentSyncedCheckpoint(a).
 *  - DLV_Q_ETH_BLOCK_HASH: the hash of Ethereum block a (the span seed, PROTOCOL.md §4.5.2)
 *    through the adapter of chain type Ethereum (BT_ENOTFOUND if none is configured; BT_ENOTSUP
 *    if its table predates get_block), once the block is confirmed as for DLV_Q_RECEIPT_LOG
 *    (else BT_EBUSY → Skip); a block beyond the Ethereum head is BT_EBUSY by the same rule.
 * Thread: loop. */
#ifndef DLVB_ORACLE_H
#define DLVB_ORACLE_H

#include "dlv_oracle.h"
#include "dlvb_proposer.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One root chain as the oracle reads it. */
struct dlvb_oracle_chain {
    enum dlv_root root;
    const struct bt_rootchain_vtbl *vt; /**< borrowed, outlives the oracle */
    void *self;
    uint8_t root_chain[20];    /**< RootChain */
    uint8_t stake_manager[20]; /**< StakeManager (TRON: checkpoint sync; ETH/BSC: staking sync) */
    uint64_t confirmations;    /**< receipt depth on top of the adapter's finalized height */
};

struct dlvb_oracle;

/** The table to hand to the application with a dlvb_oracle as self. */
extern const struct dlv_oracle_iface dlvb_oracle_iface;

/** Create an oracle over n chains (copied) and the local chain (copied; its arg borrowed).
 *  Returns: BT_OK; BT_EINVAL (n over DLV_ROOT_COUNT, a root twice or out of range); BT_ENOMEM. */
bt_status dlvb_oracle_new(struct dlvb_oracle **out, const struct dlvb_oracle_chain *chains,
                          size_t n, const struct dlvb_local *local) BT_MUST_CHECK BT_NONNULL(1, 4);

/** Release: outstanding queries are cancelled (their done callbacks are not called); the
 *  memory goes when the last adapter callback has arrived. */
void dlvb_oracle_free(struct dlvb_oracle *o);

/** Remember where a root-chain log is (what the listener delivered), so DLV_Q_RECEIPT_LOG
 *  queries without a block number can still be answered. Keeps the last 4096 notes. */
void dlvb_oracle_note_log(struct dlvb_oracle *o, enum dlv_root root, const uint8_t tx_hash[32],
                          uint64_t log_index, uint64_t block_number) BT_NONNULL(1, 3);

/** Queries started and still waiting for an adapter. */
size_t dlvb_oracle_pending(const struct dlvb_oracle *o) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_ORACLE_H */
