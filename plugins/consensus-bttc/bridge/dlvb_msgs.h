/* Delivery bridge: root-chain events turned into Delivery messages (dlv_msg.h), as upstream's
 * processors do before broadcasting them (bttcprotocol/delivery@v1.0.9:bridge/setu/processor/
 * staking.go, clerk.go, fee.go, checkpoint.go, checkpointsync.go). Pure functions. */
#ifndef DLVB_MSGS_H
#define DLVB_MSGS_H

#include "dlv_msg.h"
#include "dlvb_event.h"
#include "dlvb_proposer.h"
#include "dlvb_submit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The Delivery root id of an adapter's chain type (TRON 1, ETH 2, BSC 3; the same numbers).
 *  Returns: BT_OK; BT_ENOTSUP (a third-party chain Delivery v1.0.9 has no id for). */
bt_status dlvb_root_of(enum dlv_root *out, uint32_t root_type) BT_MUST_CHECK BT_NONNULL(1);

/** Build the message an event yields: Staked → MsgValidatorJoin (pub_key 0x04 ‖ key),
 *  UnstakeInit → MsgValidatorExit, SignerChange → MsgSignerUpdate, TopUpFee → MsgTopup,
 *  CheckpointSyncAck → MsgCheckpointSyncAck, StateSynced → MsgEventRecord (data copied),
 *  NewHeaderBlock → MsgCheckpointAck (number = headerBlockId / 10000). Each carries the log's
 *  tx hash, log index and block number. Whether the app still needs it (an ack for a checkpoint
 *  already acked, a record already stored) is the caller's check, as upstream's.
 *  Returns: BT_OK; BT_ENOTSUP (chain without a Delivery id); BT_EINVAL (sync ack for an unknown
 *           root id; chain id string too long); BT_ENOMEM.
 *  Out: out: free with dlv_msg_free. In: ev; from: this validator's address; bor_chain_id:
 *  the Bttc chain id string ("199"). Thread: any. */
bt_status dlvb_event_to_msg(struct dlv_msg *out, const struct dlvb_event *ev,
                            const uint8_t from[20], const char *bor_chain_id) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3, 4);

/** Build MsgCheckpoint from a proposal (dlvb_proposer.h).
 *  Returns: BT_OK; BT_ENOTSUP (root without a Delivery id); BT_EINVAL (chain id too long).
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpoint.go
 *  (createAndSendCheckpointToHeimdall). */
bt_status dlvb_proposal_to_msg(struct dlv_msg *out, const struct dlvb_proposal *p,
                               const uint8_t proposer[20], const char *bor_chain_id,
                               uint64_t epoch) BT_MUST_CHECK BT_NONNULL(1, 2, 3, 4);

/** Build MsgCheckpointSync from a sync proposal (dlvb_sync_check).
 *  Returns: BT_OK; BT_ENOTSUP (root without a Delivery id). Thread: any. */
bt_status dlvb_sync_to_msg(struct dlv_msg *out, const struct dlvb_sync_proposal *p,
                           const uint8_t from[20]) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** Which submission carries a committed side msg to a root chain: MsgCheckpoint →
 *  submitCheckpoint (its root's RootChain), MsgCheckpointSync → submitCheckpointSync (TRON
 *  StakeManager), MsgValidatorJoin / MsgValidatorExit / MsgSignerUpdate → the staking-sync entry
 *  points of the ETH/BSC StakeManagers (§4.3.4 replays the original msg and its votes).
 *  Returns: BT_OK; BT_ENOTSUP (a msg no root chain takes). Thread: any. */
bt_status dlvb_msg_submit_kind(enum dlvb_submit_kind *out, const struct dlv_msg *m) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Where a submission goes: the adapter, the contract and the signer key. */
struct dlvb_submit_target {
    const struct bt_rootchain_vtbl *vt;
    void *self;
    uint8_t to[20];      /**< RootChain or StakeManager, per dlvb_msg_submit_kind */
    const char *key_id;  /**< this validator's key in the host signer */
    uint64_t activation; /**< checkpoints: the chain's first checkpointed block */
};

/** Submit a committed side msg with the votes of block H+2 (§4.6.5): its side-sign bytes
 *  (dlv_msg_side_sign_bytes) become the `data`, then as dlvb_submit.
 *  Returns: as dlvb_submit, plus BT_ENOTSUP (dlvb_msg_submit_kind) and the sign-bytes errors.
 *  In: m; tx_hash: sha256 of the committed tx; votes, n_votes; t; fn, arg. Thread: loop. */
bt_status dlvb_submit_msg(const struct dlv_msg *m, const uint8_t tx_hash[32],
                          const struct bts_dlvside_vote *votes, size_t n_votes,
                          const struct dlvb_submit_target *t, dlvb_submit_fn fn,
                          void *arg) BT_MUST_CHECK BT_NONNULL(1, 2, 5, 6);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_MSGS_H */
