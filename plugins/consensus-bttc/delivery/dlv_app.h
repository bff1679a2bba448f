/* The Delivery application (PROTOCOL.md §4): state, handlers and side-tx life cycle behind
 * plain functions with ABCI meaning. The node (dlvnode/) calls them in this order per height H:
 *
 *   dlv_app_begin_block(H, time, proposer, last commit)  tallies the side txs of H-2 (§4.1) and
 *                                                         runs their post-handlers
 *   dlv_app_deliver_tx(tx) ...                            cheap checks; side txs are stored
 *   dlv_app_end_block(H)        -> validator-set updates (§4.3.3)
 *   dlv_app_commit()            -> app hash of H; starts the side checks of H's side txs
 *                                  through the oracle (dlv_oracle.h)
 *   dlv_app_side_results(H)     -> this validator's votes on H's side txs, for its precommit
 *                                  of H+1
 *
 * Deterministic: the state after a height depends only on the genesis, the blocks and the
 * last commits; the oracle only influences this validator's own votes. No I/O except through
 * the store (dlv_kv.h), the oracle and the signer callback.
 *
 * App hash (documented deterministic hash, not a Merkle tree): with D(H) the keccak of the
 * block's state changes in key order (dlv_state.h),
 *     app_hash(H) = keccak(app_hash(H-1) ‖ be64(H) ‖ D(H)),  app_hash(0) = keccak of genesis
 *     changes (D(0)).
 * Two validators agree on app_hash(H) iff they applied the same changes at every height.
 *
 * Thread: one thread (the host loop) calls everything; oracle callbacks arrive on it too. */
#ifndef DLV_APP_H
#define DLV_APP_H

#include <bts/borspan.h>
#include <bts/common.h>
#include <bts/valset.h>

#include "dlv_kv.h"
#include "dlv_msg.h"
#include "dlv_oracle.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Signs a side-tx vote digest keccak(byte(result) ‖ side-sign bytes) with this validator's
 *  key (the host signer). Returns BT_OK and 65 bytes r ‖ s ‖ v (v in {0,1}). */
typedef bt_status (*dlv_sign_fn)(void *ctx, const uint8_t digest[32], uint8_t out_sig[65]);

/** How the application is opened. Borrowed for the call; the tables and selves must outlive
 *  the application. */
struct dlv_app_config {
    const struct dlv_kv_iface *kv; /**< the store; NULL: memory only (no persistence) */
    void *kv_self;
    const struct dlv_oracle_iface *oracle; /**< NULL: every side check answers Skip */
    void *oracle_self;
    dlv_sign_fn sign; /**< NULL: side results carry zero signatures */
    void *sign_ctx;
};

struct dlv_application; /* opaque */

/** Open the application over a store: loads the committed state (height 0 after a genesis,
 *  nothing at all on an empty store: then call dlv_app_init_genesis).
 *  Returns: BT_OK; BT_EIO (store unreadable or inconsistent); BT_ENOMEM.
 *  Out: *out: free with dlv_app_free. Thread: loop. */
bt_status dlv_app_open(struct dlv_application **out, const struct dlv_app_config *cfg) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Release the application (outstanding oracle queries are cancelled). NULL ignored. */
void dlv_app_free(struct dlv_application *a);

/** Write the initial state from a genesis JSON document and commit it as height 0 (see
 *  dlv_genesis.c for the shape: chain ids, params and dev intervals, root chains and their
 *  contracts, validators, span 0, dividend accounts).
 *  Returns: BT_OK; BT_EEXIST (the store already holds a state); BT_EINVAL (err says what);
 *  BT_EIO; BT_ENOMEM. Thread: loop. */
bt_status dlv_app_init_genesis(struct dlv_application *a, const char *json, size_t json_len,
                               char *err, size_t err_cap) BT_MUST_CHECK BT_NONNULL(1, 2);

/** The last committed height (0: genesis) and its app hash.
 *  Returns: BT_OK; BT_ENOTFOUND (no genesis yet). */
bt_status dlv_app_info(const struct dlv_application *a, uint64_t *out_height,
                       uint8_t out_hash[32]) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** The Delivery chain id string signed into txs ("delivery-199"). NULL before genesis. */
const char *dlv_app_chain_id(const struct dlv_application *a) BT_NONNULL(1);

/** Copy the current Delivery validator set (with proposer priorities: the checkpoint proposer
 *  is its proposer, §4.3.3) into `out` (initialised; overwritten).
 *  Returns: BT_OK, BT_ENOMEM, BT_ENOTFOUND (no genesis). */
bt_status dlv_app_valset(const struct dlv_application *a, struct bts_valset *out) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Mempool admission: decode, signature, ValidateBasic and the deliver-stage checks against
 *  the committed state (no state change).
 *  Returns: BT_OK; BT_EINVAL (refused; err says why). */
bt_status dlv_app_check_tx(struct dlv_application *a, const uint8_t *tx, size_t tx_len, char *err,
                           size_t err_cap) BT_MUST_CHECK BT_NONNULL(1);

/** A side-tx vote as carried in a precommit (§4.1 step 3). */
struct dlv_side_vote {
    uint8_t tx_hash[32];
    uint8_t result; /**< enum bts_dlvside_result */
};

/** One validator of the last commit: address, power, and its side votes (absent validators
 *  have n_side 0). Upstream counts the power of every validator of the last commit info into
 *  the total, voting or not. */
struct dlv_commit_val {
    uint8_t address[20];
    int64_t power;
    const struct dlv_side_vote *side;
    size_t n_side;
};

/** Begin block `height` at `time_ms` (block time, ms since the Unix epoch): tallies the side
 *  txs stored at height-2 against `last` (the precommits of height-1) and runs each post-handler
 *  with Yes / No / Skip (§4.1 step 4; heights <= 2 ignored): first the txs the votes name, in
 *  the order they first appear in `last` (vote order, then each vote's list), then the others
 *  in tx-hash order, as upstream.
 *  Returns: BT_OK; BT_EINVAL (height not last+1); BT_ENOMEM; BT_EIO. Errors are fatal. */
bt_status dlv_app_begin_block(struct dlv_application *a, uint64_t height, uint64_t time_ms,
                              const uint8_t proposer[20], const struct dlv_commit_val *last,
                              size_t n_last) BT_MUST_CHECK BT_NONNULL(1, 4);

/** Deliver one tx of the current block. *out_code: 0 applied, nonzero refused (state untouched
 *  by it; see DLV_CODE_*). A side tx that passes is stored for its votes.
 *  Returns: BT_OK; BT_ENOMEM / BT_EIO (fatal). */
bt_status dlv_app_deliver_tx(struct dlv_application *a, const uint8_t *tx, size_t tx_len,
                             uint32_t *out_code) BT_MUST_CHECK BT_NONNULL(1, 4);

/** Per-tx result codes of deliver_tx. */
enum dlv_code {
    DLV_CODE_OK = 0,
    DLV_CODE_DECODE = 1,  /**< not a tx / unknown message */
    DLV_CODE_SIG = 2,     /**< bad signature or signer */
    DLV_CODE_INVALID = 3, /**< ValidateBasic failed */
    DLV_CODE_REFUSED = 4, /**< the handler's rules refused it */
};

/** A validator-set change (power 0 removes), for the BFT engine. */
struct dlv_val_update {
    uint8_t address[20];
    int64_t power;
};

/** End block: validator-set maintenance (§4.3.3).
 *  Out: *out, *out_n: app-owned updates valid until the next call into the app.
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO. */
bt_status dlv_app_end_block(struct dlv_application *a, uint64_t height,
                            const struct dlv_val_update **out, size_t *out_n) BT_MUST_CHECK
    BT_NONNULL(1, 3, 4);

/** Commit the block: write its state changes and the meta record atomically (through `sink`
 *  when non-NULL, e.g. the node's commit batch; else the store), compute the app hash, and
 *  start the side checks of this height's side txs.
 *  Returns: BT_OK, BT_EIO, BT_ENOMEM (fatal). */
bt_status dlv_app_commit(struct dlv_application *a,
                         bt_status (*sink)(void *arg, const struct dlv_kv_op *ops, size_t n),
                         void *sink_arg, uint8_t out_hash[32]) BT_MUST_CHECK BT_NONNULL(1, 4);

/** This validator's results for the side txs committed at `height` (§4.1 steps 2–3): tx hash,
 *  result (Skip while the oracle has not answered), and the signature over
 *  keccak(byte(result) ‖ side-sign bytes) when the result is Yes and the message has side-sign
 *  bytes (zero otherwise).
 *  Out: up to cap entries; *out_n; *out_pending: how many are still being checked (may be
 *  NULL). Returns: BT_OK. */
struct dlv_side_answer {
    uint8_t tx_hash[32];
    uint8_t result;
    uint8_t sig[65];
};
bt_status dlv_app_side_results(struct dlv_application *a, uint64_t height,
                               struct dlv_side_answer *out, size_t cap, size_t *out_n,
                               size_t *out_pending) BT_MUST_CHECK BT_NONNULL(1, 5);

/** The span and event-record source (borspan.h, service BTS_SPAN_SOURCE_SERVICE) over the
 *  committed state: pass `a` as self. Spans not yet frozen answer BT_ENOTFOUND. */
const struct bts_span_source_iface *dlv_app_span_source(void);

#ifdef __cplusplus
}
#endif

#endif /* DLV_APP_H */
