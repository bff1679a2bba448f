/* Delivery bridge: events and proposals to Delivery messages (dlvb_msgs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlvb_msgs.h"
#include "dlvb_submit.h"

bt_status dlvb_root_of(enum dlv_root *out, uint32_t root_type)
{
    switch (root_type) {
    case BT_ROOTCHAIN_TRON:
        *out = DLV_ROOT_TRON;
        return BT_OK;
    case BT_ROOTCHAIN_ETH:
        *out = DLV_ROOT_ETH;
        return BT_OK;
    case BT_ROOTCHAIN_BSC:
        *out = DLV_ROOT_BSC;
        return BT_OK;
    default: /* a uint32_t from the adapter, not our enum */
        return BT_ENOTSUP;
    }
}

static bt_status chain_id(char out[DLV_CHAIN_ID_MAX + 1], const char *s)
{
    if (strlen(s) > DLV_CHAIN_ID_MAX)
        return BT_EINVAL;
    snprintf(out, DLV_CHAIN_ID_MAX + 1, "%s", s);
    return BT_OK;
}

static void log_ref(struct dlv_msg_log_ref *r, const struct dlvb_event *ev)
{
    memcpy(r->tx_hash, ev->tx_hash, 32);
    r->log_index = ev->log_index;
    r->block_number = ev->block_number;
}

static void pubkey65(uint8_t out[65], const uint8_t in[64])
{
    out[0] = 0x04;
    memcpy(out + 1, in, 64);
}

bt_status dlvb_event_to_msg(struct dlv_msg *out, const struct dlvb_event *ev,
                            const uint8_t from[20], const char *bor_chain_id)
{
    memset(out, 0, sizeof(*out));
    enum dlv_root root;
    bt_status st = dlvb_root_of(&root, ev->root_type);
    if (st != BT_OK)
        return st;
    switch (ev->kind) {
    case DLVB_EV_STAKED: {
        struct dlv_msg_validator_join *m = &out->u.join;
        out->type = DLV_MSG_VALIDATOR_JOIN;
        memcpy(m->from, from, 20);
        m->id = ev->u.staked.validator_id;
        m->activation_epoch = ev->u.staked.activation_epoch;
        memcpy(m->amount, ev->u.staked.amount, 32);
        pubkey65(m->pub_key, ev->u.staked.pubkey);
        log_ref(&m->log, ev);
        m->nonce = ev->u.staked.nonce;
        return BT_OK;
    }
    case DLVB_EV_UNSTAKE_INIT: {
        struct dlv_msg_validator_exit *m = &out->u.exit;
        out->type = DLV_MSG_VALIDATOR_EXIT;
        memcpy(m->from, from, 20);
        m->id = ev->u.unstake.validator_id;
        m->deactivation_epoch = ev->u.unstake.deactivation_epoch;
        log_ref(&m->log, ev);
        m->nonce = ev->u.unstake.nonce;
        return BT_OK;
    }
    case DLVB_EV_SIGNER_CHANGE: {
        struct dlv_msg_signer_update *m = &out->u.signer_update;
        out->type = DLV_MSG_SIGNER_UPDATE;
        memcpy(m->from, from, 20);
        m->id = ev->u.signer_change.validator_id;
        pubkey65(m->new_pub_key, ev->u.signer_change.pubkey);
        log_ref(&m->log, ev);
        m->nonce = ev->u.signer_change.nonce;
        return BT_OK;
    }
    case DLVB_EV_TOPUP_FEE: {
        struct dlv_msg_topup *m = &out->u.topup;
        out->type = DLV_MSG_TOPUP;
        memcpy(m->from, from, 20);
        memcpy(m->user, ev->u.topup.user, 20);
        memcpy(m->fee, ev->u.topup.fee, 32);
        log_ref(&m->log, ev);
        return BT_OK;
    }
    case DLVB_EV_CHECKPOINT_SYNC_ACK: {
        struct dlv_msg_checkpoint_sync *m = &out->u.ckpt_sync;
        enum dlv_root synced;
        if (ev->u.sync_ack.root_id > UINT32_MAX ||
            dlvb_root_of(&synced, (uint32_t)ev->u.sync_ack.root_id) != BT_OK) {
            memset(out, 0, sizeof(*out));
            return BT_EINVAL;
        }
        out->type = DLV_MSG_CHECKPOINT_SYNC_ACK;
        memcpy(m->from, from, 20);
        m->number = ev->u.sync_ack.checkpoint_id;
        memcpy(m->proposer, ev->u.sync_ack.proposer, 20);
        m->start_block = ev->u.sync_ack.start;
        m->end_block = ev->u.sync_ack.end;
        m->root = synced;
        return BT_OK;
    }
    case DLVB_EV_STATE_SYNCED: {
        struct dlv_msg_event_record *m = &out->u.record;
        if (chain_id(m->bor_chain_id, bor_chain_id) != BT_OK) {
            memset(out, 0, sizeof(*out));
            return BT_EINVAL;
        }
        if (ev->u.state_synced.data_len) {
            m->data = malloc(ev->u.state_synced.data_len);
            if (!m->data) {
                memset(out, 0, sizeof(*out));
                return BT_ENOMEM;
            }
            memcpy(m->data, ev->u.state_synced.data, ev->u.state_synced.data_len);
            m->data_len = ev->u.state_synced.data_len;
        }
        out->type = DLV_MSG_EVENT_RECORD;
        memcpy(m->from, from, 20);
        log_ref(&m->log, ev);
        memcpy(m->contract, ev->u.state_synced.receiver, 20);
        m->id = ev->u.state_synced.id;
        m->root = root;
        return BT_OK;
    }
    case DLVB_EV_NEW_HEADER_BLOCK: {
        struct dlv_msg_checkpoint_ack *m = &out->u.ack;
        out->type = DLV_MSG_CHECKPOINT_ACK;
        memcpy(m->from, from, 20);
        m->number = ev->u.header_block.header_block_id / DLVB_HEADER_BLOCK_STEP;
        memcpy(m->proposer, ev->u.header_block.proposer, 20);
        m->start_block = ev->u.header_block.start;
        m->end_block = ev->u.header_block.end;
        memcpy(m->root_hash, ev->u.header_block.root, 32);
        log_ref(&m->log, ev);
        m->log.block_number = 0; /* not part of MsgCheckpointAck */
        m->root = root;
        return BT_OK;
    }
    }
    return BT_EINVAL;
}

bt_status dlvb_proposal_to_msg(struct dlv_msg *out, const struct dlvb_proposal *p,
                               const uint8_t proposer[20], const char *bor_chain_id, uint64_t epoch)
{
    memset(out, 0, sizeof(*out));
    struct dlv_msg_checkpoint *m = &out->u.checkpoint;
    bt_status st = dlvb_root_of(&m->root, p->root_type);
    if (st == BT_OK)
        st = chain_id(m->bor_chain_id, bor_chain_id);
    if (st != BT_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    out->type = DLV_MSG_CHECKPOINT;
    memcpy(m->proposer, proposer, 20);
    m->start_block = p->start;
    m->end_block = p->end;
    memcpy(m->root_hash, p->root_hash, 32);
    memcpy(m->account_root_hash, p->account_root, 32);
    m->epoch = epoch;
    return BT_OK;
}

bt_status dlvb_sync_to_msg(struct dlv_msg *out, const struct dlvb_sync_proposal *p,
                           const uint8_t from[20])
{
    memset(out, 0, sizeof(*out));
    struct dlv_msg_checkpoint_sync *m = &out->u.ckpt_sync;
    bt_status st = dlvb_root_of(&m->root, p->root_type);
    if (st != BT_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    out->type = DLV_MSG_CHECKPOINT_SYNC;
    memcpy(m->from, from, 20);
    m->number = p->number;
    memcpy(m->proposer, p->proposer, 20);
    m->start_block = p->start;
    m->end_block = p->end;
    return BT_OK;
}

bt_status dlvb_msg_submit_kind(enum dlvb_submit_kind *out, const struct dlv_msg *m)
{
    switch (m->type) {
    case DLV_MSG_CHECKPOINT:
        *out = DLVB_SUBMIT_CHECKPOINT;
        return BT_OK;
    case DLV_MSG_CHECKPOINT_SYNC:
        *out = DLVB_SUBMIT_CHECKPOINT_SYNC;
        return BT_OK;
    case DLV_MSG_VALIDATOR_JOIN:
        *out = DLVB_SUBMIT_VALIDATOR_JOIN;
        return BT_OK;
    case DLV_MSG_VALIDATOR_EXIT:
        *out = DLVB_SUBMIT_VALIDATOR_EXIT;
        return BT_OK;
    case DLV_MSG_SIGNER_UPDATE:
        *out = DLVB_SUBMIT_SIGNER_UPDATE;
        return BT_OK;
    case DLV_MSG_STAKING_SYNC:
    case DLV_MSG_STAKING_SYNC_ACK:
    case DLV_MSG_TOPUP:
    case DLV_MSG_PROPOSE_SPAN:
    case DLV_MSG_CHECKPOINT_ACK:
    case DLV_MSG_CHECKPOINT_NOACK:
    case DLV_MSG_CHECKPOINT_SYNC_ACK:
    case DLV_MSG_EVENT_RECORD:
        return BT_ENOTSUP;
    }
    return BT_ENOTSUP;
}

bt_status dlvb_submit_msg(const struct dlv_msg *m, const uint8_t tx_hash[32],
                          const struct bts_dlvside_vote *votes, size_t n_votes,
                          const struct dlvb_submit_target *t, dlvb_submit_fn fn, void *arg)
{
    struct dlvb_submit_req req = {.vt = t->vt,
                                  .self = t->self,
                                  .key_id = t->key_id,
                                  .votes = votes,
                                  .n_votes = n_votes,
                                  .activation = t->activation};
    bt_status st = dlvb_msg_submit_kind(&req.kind, m);
    if (st != BT_OK)
        return st;
    struct bts_buf data = BTS_BUF_INIT;
    st = dlv_msg_side_sign_bytes(&data, m);
    if (st == BT_OK) {
        memcpy(req.to, t->to, 20);
        memcpy(req.tx_hash, tx_hash, 32);
        req.sign_data = data.data;
        req.sign_data_len = data.len;
        st = dlvb_submit(&req, fn, arg); /* copies what it keeps */
    }
    bts_buf_free(&data);
    return st;
}
