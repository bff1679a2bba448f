/* Delivery bridge: root-chain events turned into Delivery messages (dlv_msg.h), as upstream's
 * processors do before broadcasting them (bttcprotocol/delivery@v1.0.9:bridge/setu/processor/
 * staking.go, clerk.go, fee.go, checkpoint.go, checkpointsync.go). Pure functions. */
#ifndef DLVB_MSGS_H
#define DLVB_MSGS_H

#include "dlv_msg.h"
#include "dlvb_event.h"
#include "dlvb_proposer.h"

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

#ifdef __cplusplus
}
#endif

#endif /* DLVB_MSGS_H */
