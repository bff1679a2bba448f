/* Delivery bridge: what the proposer sends to the root chains (PROTOCOL.md §4.6.5, §4.7,
 * §4.3.4) and the read-only calls around it (§5.1, §5.2). The call data builders and decoders
 * are pure; dlvb_submit runs the asynchronous "check the chain still needs it, send, wait for a
 * receipt" sequence through a rootchain adapter (abi/bt/rootchain.h). */
#ifndef DLVB_SUBMIT_H
#define DLVB_SUBMIT_H

#include <bt/rootchain.h>
#include <bts/buf.h>
#include <bts/common.h>
#include <bts/dlvside.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Selectors (PROTOCOL.md §7.8, ROOTCHAINS.md §2.5). */
extern const uint8_t dlvb_sel_submit_checkpoint[4];      /* 4e43e495 RootChain */
extern const uint8_t dlvb_sel_submit_checkpoint_sync[4]; /* d2ada573 StakeManager (TRON) */
extern const uint8_t dlvb_sel_validator_join[4];         /* d1fb3d90 StakeManager (ETH/BSC) */
extern const uint8_t dlvb_sel_validator_exit[4];         /* aa6cdb94 */
extern const uint8_t dlvb_sel_signer_update[4];          /* b3f958b9 */
extern const uint8_t dlvb_sel_current_header_block[4];   /* ec7e4855 RootChain */
extern const uint8_t dlvb_sel_header_blocks[4];          /* 41539d4a RootChain */
extern const uint8_t dlvb_sel_get_last_child_block[4];   /* b87e1b66 RootChain */
extern const uint8_t dlvb_sel_validator_nonce[4];        /* ebde9f93 StakeManager */
extern const uint8_t dlvb_sel_synced_checkpoint[4];      /* d1c407ad StakeManager (TRON) */

/** Header-block id step of RootChain (`child_chain_block_interval`, MAX_DEPOSITS). */
#define DLVB_HEADER_BLOCK_STEP 10000u

/** Append `selector ‖ abi.encode(bytes data, uint256[3][] sigs)`: word(0x40) ‖
 *  word(0x60 + padded data) ‖ word(len) ‖ data zero-padded to 32 ‖ word(k) ‖ the k triples as
 *  given (96 bytes each, e.g. from dlvb_collect_sigs). Shared by submitCheckpoint,
 *  submitCheckpointSync and the staking-sync entry points.
 *  Returns: BT_OK; BT_ENOMEM (out unchanged); BT_ERANGE (sizes overflow).
 *  In/Out: out: appended. In: selector; data, data_len; sigs, n_sigs (sigs may be NULL if 0).
 *  Thread: any. Source: PROTOCOL.md §5.1 ("ABI encoding of the submission"). */
bt_status dlvb_calldata_submit(struct bts_buf *out, const uint8_t selector[4], const uint8_t *data,
                               size_t data_len, const uint8_t *sigs, size_t n_sigs) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Call data of a view taking nothing (n_args 0) or one uint256: selector ‖ [word(arg)].
 *  Returns the length written (4 or 36). Out: out: 36 bytes. Thread: any. */
size_t dlvb_calldata_view(uint8_t out[36], const uint8_t selector[4], int has_arg, uint64_t arg)
    BT_NONNULL(1, 2);

/** RootChain.headerBlocks(id) as returned: (bytes32 root, uint256 start, uint256 end, uint256
 *  createdAt, address proposer). */
struct dlvb_header_block {
    uint8_t root[32];
    uint64_t start, end, created_at;
    uint8_t proposer[20];
};

/** Decode headerBlocks' output (160 bytes or more).
 *  Returns: BT_OK; BT_EINVAL (short, dirty address word); BT_ERANGE (a number over 2^64-1).
 *  Thread: any. */
bt_status dlvb_decode_header_block(struct dlvb_header_block *out, const uint8_t *output,
                                   size_t len) BT_MUST_CHECK BT_NONNULL(1);

/** Decode a single uint256 output that must fit in 64 bits.
 *  Returns: BT_OK; BT_EINVAL (shorter than 32 bytes); BT_ERANGE. Thread: any. */
bt_status dlvb_decode_u64(uint64_t *out, const uint8_t *output, size_t len) BT_MUST_CHECK
    BT_NONNULL(1);

/** Build the `sigs` of a submission from block H+2's side-tx votes (PROTOCOL.md §4.1): votes
 *  for `tx_hash` with result Yes, a 65-byte signature over keccak(0x01 ‖ sign_data) that
 *  recovers to the vote's validator; ascending by validator; [r, s, v+27] triples
 *  (bts_dlvside_collect_sigs does the filtering).
 *  Returns: BT_OK; BT_ENOMEM.
 *  Out: out: the triples are appended (96 bytes each); out_n: how many.
 *  In: votes, n_votes; tx_hash: 32 bytes; sign_data, sign_len: the msg's side-sign bytes.
 *  Thread: any. Source: bttcprotocol/delivery@v1.0.9:helper/util.go (GetSigs). */
bt_status dlvb_collect_sigs(struct bts_buf *out, size_t *out_n,
                            const struct bts_dlvside_vote *votes, size_t n_votes,
                            const uint8_t tx_hash[32], const uint8_t *sign_data,
                            size_t sign_len) BT_MUST_CHECK BT_NONNULL(1, 2, 5);

/** What a submission carries. */
enum dlvb_submit_kind {
    DLVB_SUBMIT_CHECKPOINT = 1,      /* RootChain.submitCheckpoint, 224-byte data (§4.6.5) */
    DLVB_SUBMIT_CHECKPOINT_SYNC = 2, /* TRON StakeManager.submitCheckpointSync, 160 bytes (§4.7) */
    DLVB_SUBMIT_VALIDATOR_JOIN = 3,  /* ETH/BSC StakeManager.validatorJoin (§4.3.4) */
    DLVB_SUBMIT_VALIDATOR_EXIT = 4,
    DLVB_SUBMIT_SIGNER_UPDATE = 5,
};

/** How a submission ended. */
enum dlvb_submit_outcome {
    DLVB_SUBMIT_LANDED = 1,     /* receipt with status success */
    DLVB_SUBMIT_NOT_NEEDED = 2, /* the chain is already past it (or not there yet): not sent */
    DLVB_SUBMIT_REVERTED = 3,   /* mined, reverted */
    DLVB_SUBMIT_DROPPED = 4,    /* the adapter gave up on the transaction */
    DLVB_SUBMIT_FAILED = 5,     /* a read or the send failed (see the status) */
};

/** A submission. Borrowed for the call to dlvb_submit (it copies what it keeps). */
struct dlvb_submit_req {
    enum dlvb_submit_kind kind;
    const struct bt_rootchain_vtbl *vt; /**< adapter of the target chain (outlives the send) */
    void *self;
    uint8_t to[20];           /**< RootChain (checkpoint) or StakeManager (the others) */
    const char *key_id;       /**< host signer key (the validator's address) */
    const uint8_t *sign_data; /**< the msg's side-sign bytes, passed as `data` */
    size_t sign_data_len;
    uint8_t tx_hash[32];                  /**< Delivery tx the votes are for */
    const struct bts_dlvside_vote *votes; /**< H+2's last commit */
    size_t n_votes;
    uint64_t activation; /**< CHECKPOINT: start of the chain's first checkpoint */
    uint64_t gas_limit;  /**< 0: estimate */
    uint64_t fee_limit;  /**< TRON fee limit in sun; 0: adapter default */
};

/** Final answer of dlvb_submit: once, on the loop. `receipt` is borrowed, NULL unless the
 *  transaction was mined (LANDED, REVERTED). */
typedef void (*dlvb_submit_fn)(void *arg, bt_status st, enum dlvb_submit_outcome outcome,
                               const struct bt_rootchain_receipt *receipt);

/** Submit to a root chain: build the sigs and the call data, read the chain's progress
 *  (CHECKPOINT: getLastChildBlock()+1 == start, or 0 and start == activation; SYNC:
 *  getCurrentSyncedCheckpoint(rootId)+1 == n; staking: validatorNonce(id) < nonce), and when it
 *  still needs the data, send through the adapter and wait for the receipt.
 *  Returns: BT_OK (fn will run exactly once); BT_EINVAL (data length wrong for the kind);
 *           BT_ENOTFOUND (no valid Yes signature: nothing to send); BT_ENOMEM; the adapter's
 *           refusal of the first call. fn is not called when this fails.
 *  In: req; fn, arg. Thread: loop. Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/
 *      checkpoint.go (shouldSendCheckpoint), checkpointsync.go, staking.go; helper/tx.go. */
bt_status dlvb_submit(const struct dlvb_submit_req *req, dlvb_submit_fn fn, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_SUBMIT_H */
