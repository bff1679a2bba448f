/* Delivery bridge (upstream bridge/setu): the root-chain events a validator turns into Delivery
 * messages, decoded from adapter logs (abi/bt/rootchain.h) into typed structs. Topics are the
 * keccak of the canonical event signatures of bttcprotocol/contracts@0443fdc (PROTOCOL.md
 * §4.3.2, §4.6.7, §4.7, §4.8, §7.8). Pure functions. */
#ifndef DLVB_EVENT_H
#define DLVB_EVENT_H

#include <bt/rootchain.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The events the bridge consumes. Values index dlvb_event_topics. */
enum dlvb_event_kind {
    DLVB_EV_STAKED = 0,              /* StakingInfo (TRON) → MsgValidatorJoin */
    DLVB_EV_UNSTAKE_INIT = 1,        /* StakingInfo (TRON) → MsgValidatorExit */
    DLVB_EV_SIGNER_CHANGE = 2,       /* StakingInfo (TRON) → MsgSignerUpdate */
    DLVB_EV_TOPUP_FEE = 3,           /* StakingInfo (TRON) → topup */
    DLVB_EV_CHECKPOINT_SYNC_ACK = 4, /* StakingInfo (TRON) → MsgCheckpointSyncAck */
    DLVB_EV_STATE_SYNCED = 5,        /* StateSender (every chain) → MsgEventRecord */
    DLVB_EV_NEW_HEADER_BLOCK = 6,    /* RootChain (every chain) → MsgCheckpointAck */
};
#define DLVB_EV_COUNT 7u

/** Which configured contract must have emitted an event of a kind. */
enum dlvb_contract_role {
    DLVB_ROLE_STAKING_INFO = 0,
    DLVB_ROLE_STATE_SENDER = 1,
    DLVB_ROLE_ROOT_CHAIN = 2,
};
#define DLVB_ROLE_COUNT 3u

/** topic0 of each kind (keccak of the event signature), indexed by enum dlvb_event_kind. */
extern const uint8_t dlvb_event_topics[DLVB_EV_COUNT][32];

/** A decoded event. Integer fields that are uint256 on chain are either uint64 (ids, nonces,
 *  epochs, block numbers: refused with BT_ERANGE above 2^64-1) or kept as 32-byte words
 *  (amounts). Signer public keys are the 64-byte x ‖ y form StakeManager logs (no 0x04). */
struct dlvb_event {
    enum dlvb_event_kind kind;
    uint32_t root_type;    /**< enum bt_rootchain_type of the chain it was read from */
    uint8_t contract[20];  /**< emitter */
    uint64_t block_number; /**< root-chain block */
    uint32_t log_index;    /**< index of the log in its block */
    uint8_t tx_hash[32];   /**< root-chain transaction */
    union {
        struct {
            uint8_t signer[20];
            uint64_t validator_id, nonce, activation_epoch;
            uint8_t amount[32], total[32];
            uint8_t pubkey[64];
        } staked;
        struct {
            uint8_t user[20];
            uint64_t validator_id, nonce, deactivation_epoch;
            uint8_t amount[32];
        } unstake;
        struct {
            uint64_t validator_id, nonce;
            uint8_t old_signer[20], new_signer[20];
            uint8_t pubkey[64];
        } signer_change;
        struct {
            uint8_t user[20];
            uint8_t fee[32];
        } topup;
        struct {
            uint8_t proposer[20];
            uint64_t root_id;       /**< the synced root chain's id (chainId) */
            uint64_t checkpoint_id; /**< checkpoint index n (not a header-block id) */
            uint64_t start, end;
        } sync_ack;
        struct {
            uint64_t id;          /**< the StateSender's own counter */
            uint8_t receiver[20]; /**< contractAddress */
            const uint8_t *data;  /**< borrowed from the log (valid for its callback) */
            size_t data_len;
        } state_synced;
        struct {
            uint8_t proposer[20];
            uint64_t header_block_id; /**< 10000, 20000, ...: checkpoint number × 10000 */
            uint8_t reward[32];
            uint64_t start, end;
            uint8_t root[32];
        } header_block;
    } u;
};

/** The kind whose topic0 is `topic0`.
 *  Returns: BT_OK; BT_ENOTFOUND (not an event the bridge consumes).
 *  Out: out. In: topic0: 32 bytes. Thread: any. */
bt_status dlvb_event_kind_of(enum dlvb_event_kind *out, const uint8_t topic0[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** The contract role that must emit `kind`. Thread: any. */
enum dlvb_contract_role dlvb_event_role(enum dlvb_event_kind kind);

/** Short name of a kind ("Staked", "StateSynced", ...), for logs. Thread: any. */
const char *dlvb_event_name(enum dlvb_event_kind kind);

/** Decode one log into an event: topic count, clean address words, uint64 ranges, the dynamic
 *  `bytes` member's offset and length (inside the data, 64-byte public keys) are all checked;
 *  trailing data is tolerated as go-ethereum's unpacker does.
 *  Returns: BT_OK; BT_ENOTFOUND (topic0 unknown or no topics); BT_EINVAL (malformed);
 *           BT_ERANGE (an id, nonce, epoch or block field above 2^64-1).
 *  Out:     out: filled on BT_OK; state_synced.data borrows from log->data.
 *  In:      log: borrowed; root_type: the chain it came from.
 *  Thread:  any. Source: bttcprotocol/contracts@0443fdc:contracts/staking/StakingInfo.sol,
 *           .../root/RootChain.sol, .../root/stateSyncer/StateSender.sol;
 *           bttcprotocol/delivery@v1.0.9:bridge/setu/listener/tron.go, rootchain.go. */
bt_status dlvb_event_decode(struct dlvb_event *out, const struct bt_rootchain_log *log,
                            uint32_t root_type) BT_MUST_CHECK BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_EVENT_H */
