/* Delivery transactions and messages (PROTOCOL.md §4.3.2, §4.3.4, §4.5.1, §4.6.2, §4.6.7, §4.6.8,
 * §4.7, §4.8): the thirteen message kinds as C structs, their amino-JSON codec
 * `{"type":"checkpoint/MsgCheckpoint","value":{...}}` with upstream's field names, the side-sign
 * bytes each message contributes to a side-tx vote, and the transaction envelope
 *
 *     {"msg":<msg JSON>,"from":"0x<20 bytes>","sig":"0x<65 bytes r‖s‖v, v in {0,1}>"}
 *
 * signed by `from` over keccak(chain_id_string ‖ canonical msg JSON). The canonical form of a
 * message is what dlv_msg_canonical() writes: jansson JSON_COMPACT|JSON_SORT_KEYS of the amino
 * object (sorted keys, no spaces), which is the shape of upstream's sdk.MustSortJSON sign bytes.
 *
 * Amino JSON rules kept here (bttcprotocol/delivery@v1.0.9:*\/types/msg.go, go-amino JSON):
 * uint64 fields and sdk.Int amounts are decimal *strings* ("12"); addresses, hashes, public keys
 * and byte strings are lowercase 0x-hex; chain ids and root-chain types are plain strings.
 * Decoding also accepts JSON numbers for integers and any hex case. */
#ifndef DLV_MSG_H
#define DLV_MSG_H

#include <jansson.h>

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Root-chain type ids (bttcprotocol/delivery@v1.0.9:types/chaintype.go). The JSON names are
 *  "tron", "eth", "bsc". */
enum dlv_root {
    DLV_ROOT_TRON = 1,
    DLV_ROOT_ETH = 2,
    DLV_ROOT_BSC = 3,
};
/** Number of root chains + 1 (arrays indexed by enum dlv_root). */
#define DLV_ROOT_COUNT 4

/** Message kinds. The amino names are in the comments. */
enum dlv_msg_type {
    DLV_MSG_VALIDATOR_JOIN = 1,       /**< staking/MsgValidatorJoin */
    DLV_MSG_VALIDATOR_EXIT = 2,       /**< staking/MsgValidatorExit */
    DLV_MSG_SIGNER_UPDATE = 3,        /**< staking/MsgSignerUpdate */
    DLV_MSG_STAKING_SYNC = 4,         /**< staking/MsgStakingSync */
    DLV_MSG_STAKING_SYNC_ACK = 5,     /**< staking/MsgStakingSyncAck */
    DLV_MSG_TOPUP = 6,                /**< topup/MsgTopup */
    DLV_MSG_PROPOSE_SPAN = 7,         /**< bor/MsgProposeSpan */
    DLV_MSG_CHECKPOINT = 8,           /**< checkpoint/MsgCheckpoint */
    DLV_MSG_CHECKPOINT_ACK = 9,       /**< checkpoint/MsgCheckpointACK */
    DLV_MSG_CHECKPOINT_NOACK = 10,    /**< checkpoint/MsgCheckpointNoACK */
    DLV_MSG_CHECKPOINT_SYNC = 11,     /**< checkpoint/MsgCheckpointSync */
    DLV_MSG_CHECKPOINT_SYNC_ACK = 12, /**< checkpoint/MsgCheckpointSyncAck */
    DLV_MSG_EVENT_RECORD = 13,        /**< cosmos-sdk/MsgEventRecord */
};
#define DLV_MSG_TYPE_MAX 13

/** Longest chain-id string kept ("199", "1029"). */
#define DLV_CHAIN_ID_MAX 31
/** Largest event-record data accepted by the decoder (bytes). */
#define DLV_EVENT_DATA_MAX (1u << 20)

/** The reference to the root-chain log a message was built from (staking, topup, ack, clerk). */
struct dlv_msg_log_ref {
    uint8_t tx_hash[32];   /**< "tx_hash" */
    uint64_t log_index;    /**< "log_index" */
    uint64_t block_number; /**< "block_number" (not in MsgCheckpointAck) */
};

/** staking/MsgValidatorJoin: {from, id, activationEpoch, amount, pub_key, tx_hash, log_index,
 *  block_number, nonce}. */
struct dlv_msg_validator_join {
    uint8_t from[20];
    uint64_t id;
    uint64_t activation_epoch;
    uint8_t amount[32];  /**< sdk.Int, big-endian */
    uint8_t pub_key[65]; /**< uncompressed 0x04 ‖ X ‖ Y */
    struct dlv_msg_log_ref log;
    uint64_t nonce;
};

/** staking/MsgValidatorExit: {from, id, deactivationEpoch, tx_hash, log_index, block_number,
 *  nonce}. */
struct dlv_msg_validator_exit {
    uint8_t from[20];
    uint64_t id;
    uint64_t deactivation_epoch;
    struct dlv_msg_log_ref log;
    uint64_t nonce;
};

/** staking/MsgSignerUpdate: {from, id, pubKey, tx_hash, log_index, block_number, nonce}. */
struct dlv_msg_signer_update {
    uint8_t from[20];
    uint64_t id;
    uint8_t new_pub_key[65];
    struct dlv_msg_log_ref log;
    uint64_t nonce;
};

/** staking/MsgStakingSync and staking/MsgStakingSyncAck: {from, id, nonce, root}. */
struct dlv_msg_staking_sync {
    uint8_t from[20];
    uint64_t id;
    uint64_t nonce;
    enum dlv_root root; /**< "root": "eth" or "bsc" */
};

/** topup/MsgTopup: {from_address, user, fee, tx_hash, log_index, block_number}. */
struct dlv_msg_topup {
    uint8_t from[20]; /**< "from_address" */
    uint8_t user[20];
    uint8_t fee[32]; /**< sdk.Int, big-endian */
    struct dlv_msg_log_ref log;
};

/** bor/MsgProposeSpan: {span_id, proposer, start_block, end_block, bor_chain_id, seed}. */
struct dlv_msg_propose_span {
    uint64_t span_id;
    uint8_t proposer[20];
    uint64_t start_block;
    uint64_t end_block;
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
    uint8_t seed[32];
};

/** checkpoint/MsgCheckpoint: {proposer, start_block, end_block, root_hash, account_root_hash,
 *  bor_chain_id, epoch, root_chain_type}. */
struct dlv_msg_checkpoint {
    uint8_t proposer[20];
    uint64_t start_block;
    uint64_t end_block;
    uint8_t root_hash[32];
    uint8_t account_root_hash[32];
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
    uint64_t epoch;
    enum dlv_root root;
};

/** checkpoint/MsgCheckpointACK: {from, number, proposer, start_block, end_block, root_hash,
 *  tx_hash, log_index, root_chain_type}. `log.block_number` is unused (not in the JSON). */
struct dlv_msg_checkpoint_ack {
    uint8_t from[20];
    uint64_t number; /**< header-block id / 10000 */
    uint8_t proposer[20];
    uint64_t start_block;
    uint64_t end_block;
    uint8_t root_hash[32];
    struct dlv_msg_log_ref log;
    enum dlv_root root;
};

/** checkpoint/MsgCheckpointNoACK: {from}. */
struct dlv_msg_checkpoint_noack {
    uint8_t from[20];
};

/** checkpoint/MsgCheckpointSync and checkpoint/MsgCheckpointSyncAck: {from, Number, proposer,
 *  start_block, end_block, root_chain_type} (note the capital "Number", as upstream). */
struct dlv_msg_checkpoint_sync {
    uint8_t from[20];
    uint64_t number; /**< checkpoint index on the non-TRON root chain */
    uint8_t proposer[20];
    uint64_t start_block;
    uint64_t end_block;
    enum dlv_root root;
};

/** cosmos-sdk/MsgEventRecord: {from, tx_hash, log_index, block_number, contract_address, data,
 *  id, bor_chain_id, root_chain_type}. Owns `data` (malloc'd; NULL when data_len is 0). */
struct dlv_msg_event_record {
    uint8_t from[20];
    struct dlv_msg_log_ref log;
    uint8_t contract[20];
    uint8_t *data;
    size_t data_len;
    uint64_t id; /**< the StateSender counter on that root chain */
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
    enum dlv_root root;
};

/** A message: kind plus the member of `u` that kind names. Free with dlv_msg_free (only the
 *  event record owns memory). */
struct dlv_msg {
    enum dlv_msg_type type;
    union {
        struct dlv_msg_validator_join join;
        struct dlv_msg_validator_exit exit;
        struct dlv_msg_signer_update signer_update;
        struct dlv_msg_staking_sync staking_sync; /**< STAKING_SYNC and STAKING_SYNC_ACK */
        struct dlv_msg_topup topup;
        struct dlv_msg_propose_span span;
        struct dlv_msg_checkpoint checkpoint;
        struct dlv_msg_checkpoint_ack ack;
        struct dlv_msg_checkpoint_noack noack;
        struct dlv_msg_checkpoint_sync ckpt_sync; /**< CHECKPOINT_SYNC and CHECKPOINT_SYNC_ACK */
        struct dlv_msg_event_record record;
    } u;
};

/** A signed Delivery transaction. Owns its msg (dlv_tx_free). */
struct dlv_tx {
    struct dlv_msg msg;
    uint8_t from[20]; /**< signer address: keccak(pubkey64)[12:] */
    uint8_t sig[65];  /**< r ‖ s ‖ v, v in {0,1} */
};

/** The amino name of a kind ("staking/MsgValidatorJoin"), or NULL for an unknown value.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:*\/types/codec.go. */
const char *dlv_msg_type_name(enum dlv_msg_type t);

/** Whether a kind is a side message (needs validator votes before it applies, §4.1): every kind
 *  but MsgCheckpointNoACK. Thread: any. Source: bttcprotocol/delivery@v1.0.9:*\/side_handler.go. */
int dlv_msg_is_side(enum dlv_msg_type t);

/** The root-chain JSON name of a type ("tron", "eth", "bsc"), NULL if out of range.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:types/chaintype.go. */
const char *dlv_root_name(enum dlv_root r);

/** Parse a root-chain name. Returns: BT_OK; BT_EINVAL (unknown name). Thread: any. */
bt_status dlv_root_parse(enum dlv_root *out, const char *s) BT_MUST_CHECK BT_NONNULL(1, 2);

/** The address that must sign a message's tx (upstream GetSigners: `from`, `from_address` or
 *  `proposer` for MsgCheckpoint / MsgProposeSpan). Thread: any. */
const uint8_t *dlv_msg_signer(const struct dlv_msg *m) BT_NONNULL(1);

/** Stateless checks of a message (upstream ValidateBasic): non-zero ids / from, checkpoint
 *  `root_hash != 0` and `start < end`, known root chains where required.
 *  Returns: BT_OK; BT_EINVAL (err names the rule). Thread: any. */
bt_status dlv_msg_validate(const struct dlv_msg *m, char *err, size_t err_cap) BT_MUST_CHECK
    BT_NONNULL(1);

/** Build the amino JSON object {"type":NAME,"value":{...}} of a message.
 *  Returns: BT_OK; BT_EINVAL (unknown kind or root); BT_ENOMEM.
 *  Out: *out: new reference (json_decref it). Thread: any. */
bt_status dlv_msg_to_json(json_t **out, const struct dlv_msg *m) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Parse the amino JSON object of a message. Unknown members are ignored, missing ones refused.
 *  Returns: BT_OK; BT_EINVAL (err: "<type>.<field>: <problem>"); BT_ERANGE (a number beyond 64
 *  bits, data beyond DLV_EVENT_DATA_MAX); BT_ENOMEM.
 *  Out: out: free with dlv_msg_free (zeroed on error). In: j: borrowed. Thread: any. */
bt_status dlv_msg_from_json(struct dlv_msg *out, const json_t *j, char *err,
                            size_t err_cap) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Append the canonical JSON text of a message (JSON_COMPACT|JSON_SORT_KEYS, no trailing NUL):
 *  the bytes that are signed. Returns: BT_OK, BT_EINVAL, BT_ENOMEM. Thread: any. */
bt_status dlv_msg_canonical(struct bts_buf *out, const struct dlv_msg *m) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Append the side-sign bytes of a message (the `data` signed into side-tx votes, §4.1 step 3):
 *  MsgCheckpoint 224 bytes (§4.6.3), MsgCheckpointSync 160 bytes (§4.7), join 6 words
 *  (id, nonce, 10^18, activationEpoch, 0, signer), exit 3 words (id, nonce, deactivationEpoch),
 *  signer update 3 words (id, nonce, newSigner); nothing for the other kinds.
 *  Returns: BT_OK; BT_EINVAL (bad chain id string or pubkey); BT_ENOMEM. Thread: any.
 *  Source: bttcprotocol/delivery@v1.0.9:staking/types/msg.go, checkpoint/types/msg.go. */
bt_status dlv_msg_side_sign_bytes(struct bts_buf *out, const struct dlv_msg *m) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Release what a message owns and zero it. NULL ignored. Thread: any. */
void dlv_msg_free(struct dlv_msg *m);

/** Deep copy. Returns: BT_OK, BT_ENOMEM (dst zeroed). Thread: any. */
bt_status dlv_msg_copy(struct dlv_msg *dst, const struct dlv_msg *src) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** The digest a tx signs: keccak(chain_id ‖ canonical msg JSON).
 *  Returns: BT_OK, BT_EINVAL, BT_ENOMEM. Thread: any. */
bt_status dlv_tx_digest(uint8_t out[32], const struct dlv_msg *m,
                        const char *chain_id) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** Sign a message into a tx with a secp256k1 secret key; `from` is set to the key's address.
 *  For tests and tools: the node signs dlv_tx_digest through the host signer instead.
 *  Returns: BT_OK; BT_EINVAL (bad key, message); BT_ENOMEM.
 *  Out: out: owns a copy of m (dlv_tx_free). Thread: any. */
bt_status dlv_tx_sign(struct dlv_tx *out, const struct dlv_msg *m, const char *chain_id,
                      const uint8_t seckey[32]) BT_MUST_CHECK BT_NONNULL(1, 2, 3, 4);

/** Check a tx's signature: the key recovered from `sig` over dlv_tx_digest is `from`, and `from`
 *  is the message's signer (dlv_msg_signer).
 *  Returns: BT_OK; BT_EINVAL (bad signature, signer mismatch). Thread: any. */
bt_status dlv_tx_verify(const struct dlv_tx *tx, const char *chain_id) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Encode a tx as its JSON envelope (JSON_COMPACT|JSON_SORT_KEYS): the bytes carried in a
 *  Delivery block and hashed with sha256 into the side-tx hash (§4.1).
 *  Returns: BT_OK, BT_EINVAL, BT_ENOMEM. Thread: any. */
bt_status dlv_tx_encode(struct bts_buf *out, const struct dlv_tx *tx) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Decode a tx envelope from bytes (signature not checked; see dlv_tx_verify).
 *  Returns: BT_OK; BT_EINVAL (malformed: err says where); BT_ERANGE; BT_ENOMEM.
 *  Out: out: dlv_tx_free (zeroed on error). Thread: any. */
bt_status dlv_tx_decode(struct dlv_tx *out, const uint8_t *data, size_t len, char *err,
                        size_t err_cap) BT_MUST_CHECK BT_NONNULL(1);

/** Release a tx's message and zero it. NULL ignored. Thread: any. */
void dlv_tx_free(struct dlv_tx *tx);

#ifdef __cplusplus
}
#endif

#endif /* DLV_MSG_H */
