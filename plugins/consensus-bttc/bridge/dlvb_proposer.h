/* Delivery bridge: the checkpoint proposer's policy (PROTOCOL.md §4.6.1) and the no-ack rule
 * (§4.6.8). On every new Bttc head, when this validator is the checkpoint proposer, for each
 * root chain without a young buffered checkpoint: read the chain's last header block, choose
 * the range (sdk dlvckpt), compute root_hash = bor_getRootHash(start, end) on the local chain
 * and hand a proposal (the fields of MsgCheckpoint) to a callback. Thread: loop. */
#ifndef DLVB_PROPOSER_H
#define DLVB_PROPOSER_H

#include <bt/consensus.h>

#include "dlvb_read.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The local Bttc chain as the bridge needs it. Both entries synchronous (local reads). */
struct dlvb_local {
    /** Number of the current head. Returns BT_OK or an error. */
    bt_status (*head)(void *arg, uint64_t *out_number);
    /** bor_getRootHash(start, end) as 32 bytes (PROTOCOL.md §3.11). Returns BT_OK, BT_EINVAL
     *  (range refused: start > end, over 2^15 blocks, end past head), BT_ENOTFOUND. */
    bt_status (*root_hash)(void *arg, uint64_t start, uint64_t end, uint8_t out[32]);
    void *arg;
};

/** A dlvb_local over the host's "chain" service (abi/bt/consensus.h): headers read one by one
 *  and hashed with the SDK's checkpoint tree. The plugin may prefer its own cached
 *  bttc_root_hash; this one serves tests and a bridge running without the producer half. */
struct dlvb_chain_local {
    const struct bt_chain_iface *iface;
    void *self;
};
/** Fill `out` with entries reading through `c` (borrowed, must outlive out). Thread: loop. */
void dlvb_chain_local_init(struct dlvb_local *out, struct dlvb_chain_local *c) BT_NONNULL(1, 2);

/** What the proposer reads from the Delivery application state. */
struct dlvb_app_view {
    /** Nonzero if this validator is the current checkpoint proposer (validatorSet.proposer). */
    int (*is_proposer)(void *arg);
    /** Nonzero if a checkpoint is buffered for root_type; *out_time: its timestamp (s). */
    int (*buffered)(void *arg, uint32_t root_type, uint64_t *out_time);
    /** The dividend-account root (§4.6.4). */
    bt_status (*account_root)(void *arg, uint8_t out[32]);
    void *arg;
};

/** One root chain the proposer checkpoints to. */
struct dlvb_proposer_chain {
    uint32_t root_type;                 /**< enum bt_rootchain_type */
    const struct bt_rootchain_vtbl *vt; /**< its adapter (borrowed) */
    void *self;
    uint8_t root_chain[20]; /**< RootChain address */
    uint64_t activation;    /**< extra chains: first checkpointed Bttc block (0 for
                                 TRON and ETH; 0 on another chain: from block 0, as the
                                 Delivery handler takes start == activation height; a chain
                                 not active is not given to the proposer) */
};

/** The fields of the MsgCheckpoint to propose (proposer, bor_chain_id and epoch are the app's). */
struct dlvb_proposal {
    uint32_t root_type;
    uint64_t start, end;
    uint8_t root_hash[32];
    uint8_t account_root[32];
};
typedef void (*dlvb_propose_fn)(void *arg, const struct dlvb_proposal *p);

struct dlvb_proposer_stats {
    uint64_t proposals, skipped_buffer, skipped_range, errors;
    bt_status last_status;
};

struct dlvb_proposer;

/** Create a proposer over n chains (copied; adapters borrowed). buffer_time: seconds a buffered
 *  checkpoint blocks a new one (`checkpoint_buffer_time`, 1000 on mainnet; short on dev nets).
 *  Returns: BT_OK, BT_EINVAL (n 0 or over 16), BT_ENOMEM. */
bt_status dlvb_proposer_new(struct dlvb_proposer **out, const struct dlvb_proposer_chain *chains,
                            size_t n, uint64_t buffer_time, const struct dlvb_local *local,
                            const struct dlvb_app_view *app, dlvb_propose_fn fn,
                            void *arg) BT_MUST_CHECK BT_NONNULL(1, 2, 5, 6, 7);

/** The range rule's lengths (§4.6.1): `unit` the length a range is cut to a multiple of and
 *  `max_len` its cap (Delivery's avg_checkpoint_length / max_checkpoint_length, 256 / 1024
 *  upstream), `confirmations` the Bttc depth of the confirmed head (10 upstream; Delivery's
 *  bttc_confirmations). The forced range comes after 2 × max_len seconds. A new proposer uses
 *  the upstream values; a dev net with short lengths sets its genesis values here so a
 *  checkpoint comes within a minute. Returns: BT_OK, BT_EINVAL (unit or max_len 0, unit over
 *  max_len). Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpoint.go
 *  (nextExpectedCheckpoint, which reads the first two from the checkpoint params). */
bt_status dlvb_proposer_set_range(struct dlvb_proposer *p, uint64_t unit, uint64_t max_len,
                                  uint64_t confirmations) BT_NONNULL(1);

/** Release; reads in flight finish without calling fn, then the memory goes. */
void dlvb_proposer_free(struct dlvb_proposer *p);

/** A new Bttc head `head` at wall-clock `now` (s): start the per-chain checks (chains with a
 *  check still in flight are left alone). Returns BT_OK; nothing happens unless is_proposer.
 *  Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpoint.go
 *  (sendCheckpointToHeimdall, nextExpectedCheckpoint), troncheckpoint.go. */
bt_status dlvb_proposer_on_head(struct dlvb_proposer *p, uint64_t head, uint64_t now) BT_NONNULL(1);

void dlvb_proposer_stats(const struct dlvb_proposer *p, struct dlvb_proposer_stats *out)
    BT_NONNULL(1, 2);

/** The no-ack rule, run every `checkpoint_poll_interval`: with the last TRON header block
 *  created at `last_created_at` (0: none yet) and the last no-ack at `last_noack` (0: none),
 *  a no-ack is due when there is no checkpoint, or the last is at least `wait` seconds old
 *  (no_ack_wait_time, 1800); and the last no-ack is not younger than `buffer_time`.
 *  *out_count is how many proposers in line may send it (1, or floor(age / wait)): the caller
 *  sends when it is among the next *out_count proposers.
 *  Returns 1 when due, else 0. Thread: any. Source: bttcprotocol/delivery@v1.0.9:bridge/setu/
 *  processor/checkpoint.go (checkIfNoAckIsRequired, handleCheckpointNoAck). */
int dlvb_noack_due(uint64_t *out_count, uint64_t now, uint64_t last_created_at, uint64_t last_noack,
                   uint64_t wait, uint64_t buffer_time) BT_NONNULL(1);

/** Answer of dlvb_noack_check: st BT_OK and due/count as dlvb_noack_due, or the read failure. */
typedef void (*dlvb_noack_fn)(void *arg, bt_status st, int due, uint64_t count);

/** The periodic no-ack check (every `checkpoint_poll_interval`): read TRON's last header block
 *  (`headerBlocks(currentHeaderBlock())` on its RootChain) and apply dlvb_noack_due with its
 *  createdAt. The caller sends MsgCheckpointNoAck when due and this validator is among the next
 *  `count` proposers.
 *  Returns: BT_OK (fn runs once, later); the adapter's refusal (fn not called). Thread: loop.
 *  Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpoint.go
 *  (handleCheckpointNoAck). */
bt_status dlvb_noack_check(const struct bt_rootchain_vtbl *vt, void *self,
                           const uint8_t tron_root_chain[20], uint64_t now, uint64_t last_noack,
                           uint64_t wait, uint64_t buffer_time, dlvb_noack_fn fn,
                           void *arg) BT_MUST_CHECK BT_NONNULL(1, 3, 8);

/** Checkpoint sync (§4.7): the TRON StakeManager and one non-TRON root chain R. */
struct dlvb_sync_req {
    const struct bt_rootchain_vtbl *tron_vt; /**< TRON adapter */
    void *tron_self;
    uint8_t tron_stake_manager[20];
    const struct bt_rootchain_vtbl *vt; /**< R's adapter */
    void *self;
    uint8_t root_chain[20]; /**< R's RootChain */
    uint32_t root_type;     /**< R's chain type (its root id) */
};

/** The MsgCheckpointSync to propose: R's checkpoint `number` (index, not header-block id). */
struct dlvb_sync_proposal {
    uint32_t root_type;
    uint64_t number, start, end;
    uint8_t proposer[20];
};

/** Answer of dlvb_sync_check: st BT_OK and p the proposal, or p NULL when R has no checkpoint
 *  past the synced one; or the read failure (p NULL). */
typedef void (*dlvb_sync_fn)(void *arg, bt_status st, const struct dlvb_sync_proposal *p);

/** The periodic checkpoint-sync check (every half checkpoint interval; the caller skips roots
 *  whose sync buffer is younger than buffer_time / 5): n = TRON
 *  StakeManager.getCurrentSyncedCheckpoint(rootId(R)) + 1, then R.headerBlocks(n × 10000); a
 *  set entry (end != 0) is proposed.
 *  Returns: BT_OK (fn runs once, later); the adapter's refusal; BT_ENOMEM. Thread: loop.
 *  Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpointsync.go
 *  (handleCheckpointSync). */
bt_status dlvb_sync_check(const struct dlvb_sync_req *r, dlvb_sync_fn fn, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_PROPOSER_H */
