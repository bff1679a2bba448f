/* Delivery bridge: decoding root-chain logs into typed events (dlvb_event.h). The layouts are
 * the events' ABI encodings: indexed arguments in topics 1..3, the rest ABI-encoded in data. */
#include <string.h>

#include "dlvb_event.h"

const uint8_t dlvb_event_topics[DLVB_EV_COUNT][32] = {
    /* Staked(address,uint256,uint256,uint256,uint256,uint256,bytes) */
    [DLVB_EV_STAKED] = {0x68, 0xc1, 0x3e, 0x41, 0x25, 0xb9, 0x83, 0xd7, 0xe2, 0xd6, 0x11,
                        0x42, 0x46, 0xf4, 0x43, 0xe5, 0x67, 0xec, 0x6c, 0x4e, 0xe5, 0xb4,
                        0xd4, 0xa7, 0xef, 0x61, 0x00, 0xb1, 0x40, 0x2b, 0xfd, 0x84},
    /* UnstakeInit(address,uint256,uint256,uint256,uint256) */
    [DLVB_EV_UNSTAKE_INIT] = {0x69, 0xb2, 0x88, 0xbb, 0x79, 0xcd, 0x53, 0x86, 0xc9, 0xfe, 0x0a,
                              0xf0, 0x60, 0xf6, 0x50, 0xe8, 0x23, 0xbc, 0xdf, 0xa9, 0x6a, 0x44,
                              0xcd, 0xc0, 0x7f, 0x86, 0x2d, 0xb0, 0x60, 0xf5, 0x71, 0x20},
    /* SignerChange(uint256,uint256,address,address,bytes) */
    [DLVB_EV_SIGNER_CHANGE] = {0x08, 0x60, 0x44, 0xc0, 0x61, 0x2a, 0x8c, 0x96, 0x5d, 0x4c, 0xcc,
                               0xd9, 0x07, 0xf0, 0xd5, 0x88, 0xe4, 0x0a, 0xd6, 0x84, 0x38, 0xbd,
                               0x4c, 0x12, 0x74, 0xca, 0xc6, 0x0f, 0x4c, 0x3a, 0x9d, 0x1f},
    /* TopUpFee(address,uint256) */
    [DLVB_EV_TOPUP_FEE] = {0x2c, 0x3b, 0xb5, 0x45, 0x8e, 0x3d, 0xd6, 0x71, 0xc3, 0x19, 0x74,
                           0xc4, 0xca, 0x8e, 0x8e, 0xbc, 0x2c, 0xdd, 0x89, 0x2a, 0xe8, 0x60,
                           0x23, 0x74, 0xd9, 0xa6, 0xf7, 0x89, 0xb0, 0x0c, 0x6b, 0x94},
    /* CheckpointSyncAck(address,uint256,uint256,uint256,uint256) */
    [DLVB_EV_CHECKPOINT_SYNC_ACK] = {0xdf, 0xdf, 0x26, 0x91, 0x44, 0xf7, 0x4a, 0x4d,
                                     0x5a, 0x44, 0x87, 0xda, 0xe4, 0xae, 0x7d, 0x89,
                                     0xa0, 0x76, 0x40, 0x33, 0x56, 0x8a, 0x90, 0x03,
                                     0xb6, 0x74, 0x65, 0x91, 0xfd, 0xbb, 0x69, 0x6c},
    /* StateSynced(uint256,address,bytes) */
    [DLVB_EV_STATE_SYNCED] = {0x10, 0x3f, 0xed, 0x9d, 0xb6, 0x5e, 0xac, 0x19, 0xc4, 0xd8, 0x70,
                              0xf4, 0x9a, 0xb7, 0x52, 0x0f, 0xe0, 0x3b, 0x99, 0xf1, 0x83, 0x8e,
                              0x59, 0x96, 0xca, 0xf4, 0x7e, 0x9e, 0x43, 0x30, 0x83, 0x92},
    /* NewHeaderBlock(address,uint256,uint256,uint256,uint256,bytes32) */
    [DLVB_EV_NEW_HEADER_BLOCK] = {0xba, 0x5d, 0xe0, 0x6d, 0x22, 0xaf, 0x26, 0x85, 0xc6, 0xc7, 0x76,
                                  0x5f, 0x60, 0x06, 0x7f, 0x7d, 0x2b, 0x08, 0xc2, 0xd2, 0x9f, 0x53,
                                  0xcd, 0xf1, 0x4d, 0x67, 0xf6, 0xd1, 0xc9, 0xbf, 0xb5, 0x27},
};

bt_status dlvb_event_kind_of(enum dlvb_event_kind *out, const uint8_t topic0[32])
{
    for (unsigned k = 0; k < DLVB_EV_COUNT; k++)
        if (memcmp(dlvb_event_topics[k], topic0, 32) == 0) {
            *out = (enum dlvb_event_kind)k;
            return BT_OK;
        }
    return BT_ENOTFOUND;
}

enum dlvb_contract_role dlvb_event_role(enum dlvb_event_kind kind)
{
    switch (kind) {
    case DLVB_EV_STAKED:
    case DLVB_EV_UNSTAKE_INIT:
    case DLVB_EV_SIGNER_CHANGE:
    case DLVB_EV_TOPUP_FEE:
    case DLVB_EV_CHECKPOINT_SYNC_ACK:
        return DLVB_ROLE_STAKING_INFO;
    case DLVB_EV_STATE_SYNCED:
        return DLVB_ROLE_STATE_SENDER;
    case DLVB_EV_NEW_HEADER_BLOCK:
        return DLVB_ROLE_ROOT_CHAIN;
    }
    return DLVB_ROLE_ROOT_CHAIN;
}

const char *dlvb_event_name(enum dlvb_event_kind kind)
{
    switch (kind) {
    case DLVB_EV_STAKED:
        return "Staked";
    case DLVB_EV_UNSTAKE_INIT:
        return "UnstakeInit";
    case DLVB_EV_SIGNER_CHANGE:
        return "SignerChange";
    case DLVB_EV_TOPUP_FEE:
        return "TopUpFee";
    case DLVB_EV_CHECKPOINT_SYNC_ACK:
        return "CheckpointSyncAck";
    case DLVB_EV_STATE_SYNCED:
        return "StateSynced";
    case DLVB_EV_NEW_HEADER_BLOCK:
        return "NewHeaderBlock";
    }
    return "?";
}

/* --- word readers -------------------------------------------------------------------------- */

static bt_status word_u64(uint64_t *out, const uint8_t w[32])
{
    for (int i = 0; i < 24; i++)
        if (w[i])
            return BT_ERANGE;
    uint64_t x = 0;
    for (int i = 24; i < 32; i++)
        x = (x << 8) | w[i];
    *out = x;
    return BT_OK;
}

/* An address word must carry 12 zero bytes, as Solidity's decoder requires. */
static bt_status word_addr(uint8_t out[20], const uint8_t w[32])
{
    for (int i = 0; i < 12; i++)
        if (w[i])
            return BT_EINVAL;
    memcpy(out, w + 12, 20);
    return BT_OK;
}

/* Head word i of the data; BT_EINVAL when the data is too short. */
static const uint8_t *head(const struct bt_rootchain_log *l, size_t i)
{
    if (!l->data || l->data_len < 32 * (i + 1))
        return NULL;
    return l->data + 32 * i;
}

static bt_status head_u64(uint64_t *out, const struct bt_rootchain_log *l, size_t i)
{
    const uint8_t *w = head(l, i);
    return w ? word_u64(out, w) : BT_EINVAL;
}

static bt_status head_word(uint8_t out[32], const struct bt_rootchain_log *l, size_t i)
{
    const uint8_t *w = head(l, i);
    if (!w)
        return BT_EINVAL;
    memcpy(out, w, 32);
    return BT_OK;
}

/* The `bytes` member whose offset sits in head word i: offset and length inside the data. */
static bt_status head_bytes(const uint8_t **p, size_t *n, const struct bt_rootchain_log *l,
                            size_t i)
{
    uint64_t off = 0, len = 0;
    const uint8_t *w = head(l, i);
    if (!w || word_u64(&off, w) != BT_OK)
        return BT_EINVAL;
    if (off > l->data_len || l->data_len - off < 32)
        return BT_EINVAL;
    if (word_u64(&len, l->data + off) != BT_OK || len > l->data_len - off - 32)
        return BT_EINVAL;
    *p = l->data + off + 32;
    *n = (size_t)len;
    return BT_OK;
}

static bt_status pubkey64(uint8_t out[64], const struct bt_rootchain_log *l, size_t i)
{
    const uint8_t *p = NULL;
    size_t n = 0;
    bt_status st = head_bytes(&p, &n, l, i);
    if (st != BT_OK)
        return st;
    if (n != 64)
        return BT_EINVAL;
    memcpy(out, p, 64);
    return BT_OK;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        bt_status st_ = (x);                                                                       \
        if (st_ != BT_OK)                                                                          \
            return st_;                                                                            \
    } while (0)

/* Number of topics each kind has (topic0 plus its indexed arguments). */
static const uint32_t n_topics[DLVB_EV_COUNT] = {
    [DLVB_EV_STAKED] = 4,           [DLVB_EV_UNSTAKE_INIT] = 4,        [DLVB_EV_SIGNER_CHANGE] = 4,
    [DLVB_EV_TOPUP_FEE] = 3,        [DLVB_EV_CHECKPOINT_SYNC_ACK] = 4, [DLVB_EV_STATE_SYNCED] = 3,
    [DLVB_EV_NEW_HEADER_BLOCK] = 4,
};

bt_status dlvb_event_decode(struct dlvb_event *out, const struct bt_rootchain_log *log,
                            uint32_t root_type)
{
    memset(out, 0, sizeof(*out));
    enum dlvb_event_kind kind;
    if (log->n_topics == 0 || dlvb_event_kind_of(&kind, log->topics[0]) != BT_OK)
        return BT_ENOTFOUND;
    if (log->n_topics != n_topics[kind])
        return BT_EINVAL;
    out->kind = kind;
    out->root_type = root_type;
    memcpy(out->contract, log->address, 20);
    out->block_number = log->block_number;
    out->log_index = log->log_index;
    memcpy(out->tx_hash, log->tx_hash, 32);
    const uint8_t(*t)[32] = log->topics;
    switch (kind) {
    case DLVB_EV_STAKED:
        TRY(word_addr(out->u.staked.signer, t[1]));
        TRY(word_u64(&out->u.staked.validator_id, t[2]));
        TRY(word_u64(&out->u.staked.activation_epoch, t[3]));
        TRY(head_u64(&out->u.staked.nonce, log, 0));
        TRY(head_word(out->u.staked.amount, log, 1));
        TRY(head_word(out->u.staked.total, log, 2));
        TRY(pubkey64(out->u.staked.pubkey, log, 3));
        break;
    case DLVB_EV_UNSTAKE_INIT:
        TRY(word_addr(out->u.unstake.user, t[1]));
        TRY(word_u64(&out->u.unstake.validator_id, t[2]));
        memcpy(out->u.unstake.amount, t[3], 32);
        TRY(head_u64(&out->u.unstake.nonce, log, 0));
        TRY(head_u64(&out->u.unstake.deactivation_epoch, log, 1));
        break;
    case DLVB_EV_SIGNER_CHANGE:
        TRY(word_u64(&out->u.signer_change.validator_id, t[1]));
        TRY(word_addr(out->u.signer_change.old_signer, t[2]));
        TRY(word_addr(out->u.signer_change.new_signer, t[3]));
        TRY(head_u64(&out->u.signer_change.nonce, log, 0));
        TRY(pubkey64(out->u.signer_change.pubkey, log, 1));
        break;
    case DLVB_EV_TOPUP_FEE:
        TRY(word_addr(out->u.topup.user, t[1]));
        memcpy(out->u.topup.fee, t[2], 32);
        break;
    case DLVB_EV_CHECKPOINT_SYNC_ACK:
        TRY(word_addr(out->u.sync_ack.proposer, t[1]));
        TRY(word_u64(&out->u.sync_ack.root_id, t[2]));
        TRY(word_u64(&out->u.sync_ack.checkpoint_id, t[3]));
        TRY(head_u64(&out->u.sync_ack.start, log, 0));
        TRY(head_u64(&out->u.sync_ack.end, log, 1));
        break;
    case DLVB_EV_STATE_SYNCED:
        TRY(word_u64(&out->u.state_synced.id, t[1]));
        TRY(word_addr(out->u.state_synced.receiver, t[2]));
        TRY(head_bytes(&out->u.state_synced.data, &out->u.state_synced.data_len, log, 0));
        break;
    case DLVB_EV_NEW_HEADER_BLOCK:
        TRY(word_addr(out->u.header_block.proposer, t[1]));
        TRY(word_u64(&out->u.header_block.header_block_id, t[2]));
        memcpy(out->u.header_block.reward, t[3], 32);
        TRY(head_u64(&out->u.header_block.start, log, 0));
        TRY(head_u64(&out->u.header_block.end, log, 1));
        TRY(head_word(out->u.header_block.root, log, 2));
        break;
    }
    return BT_OK;
}
