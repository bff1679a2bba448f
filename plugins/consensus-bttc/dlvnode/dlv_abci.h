/* The application interface the Delivery node drives (ABCI-like; PROTOCOL.md §4, §4.1).
 *
 * The node (dlvnode/dlv_node.h) runs the BFT engine, the block store, the mempool and block
 * sync; the application (delivery/: msgs, handlers, staking, spans, checkpoints, clerk) owns
 * Delivery's state. The node calls the application through `struct dlv_app`, a table of
 * function pointers plus an opaque `self`, in this order per committed height H:
 *
 *   begin_block(H, time, proposer, last_commit)   last_commit: the certificate of H-1, with
 *                                                  each precommit's side-tx results (§4.1)
 *   deliver_tx(tx) ... for every tx of the block, in block order
 *   end_block(H)        -> validator-set updates taking effect at H+2 (Tendermint's rule)
 *   commit(batch)       -> app hash of H; the app adds its state writes to `batch`, which the
 *                          node writes together with block H and its certificate in one atomic
 *                          storage batch (so app state and block store never disagree)
 *   side_results(H)     -> the side-tx results of H's side txs, which this validator puts into
 *                          its precommit of H+1 (they reach begin_block of H+2)
 *
 * and outside a block: check_tx (mempool admission, also run on the txs of a proposed block
 * before the node prevotes for it), info (last committed height and app hash: restart), and
 * valset (the validator set of the next height, priorities ignored by the node).
 *
 * Side-tx results: a tx whose effect depends on a basechain (a "side tx", §4.1) is checked by
 * each validator against its own adapter between deliver_tx and its precommit of the next
 * height; the app answers them through side_results, synchronously: a result not ready yet is
 * reported as Skip (the app may delay nothing; the node never waits).
 *
 * Errors: a failing begin_block/deliver_tx/end_block/commit is fatal for the node (it stops
 * committing and logs, since continuing would fork from the honest validators: Tendermint
 * panics in the same place). deliver_tx's per-tx `code` is not an error: a tx that fails its
 * handler is still part of the block (code != 0 recorded, state untouched by it).
 *
 * Thread: every entry is called on the host loop thread, one at a time, never re-entered.
 * Ownership: every pointer argument is borrowed for the call; out-values described per entry. */
#ifndef DLV_ABCI_H
#define DLV_ABCI_H

#include <stddef.h>
#include <stdint.h>

#include <bts/common.h>
#include <bts/valset.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of a side-tx result's signature (r ‖ s ‖ v, v in {0,1}). */
#define DLV_SIG_LEN 65
/** Largest tx the node accepts (mempool, blocks). */
#define DLV_TX_MAX (64u * 1024u)
/** Most side-tx results one precommit carries (the extension's hard cap). */
#define DLV_SIDE_MAX 16

/** One side-tx result as carried in a precommit extension (§4.1 step 3): the tx's hash
 *  (sha256 of the tx bytes, as upstream's tx hash), the result (enum bts_dlvside_result:
 *  0 Skip, 1 Yes, 2 No) and the validator's signature over the side-sign bytes of that tx (for
 *  checkpoints the 224 bytes of §4.6.3; all-zero when the tx type has no side-sign bytes or the
 *  result is not Yes). */
struct dlv_side_result {
    uint8_t tx_hash[32];
    uint8_t result;
    uint8_t sig[DLV_SIG_LEN];
};

/** One precommit of the last commit as begin_block sees it. `signed_block` is 0 for a
 *  validator of the set whose precommit is absent from the certificate (then side_n is 0):
 *  the app sees the whole set in order, as upstream's LastCommitInfo. */
struct dlv_commit_vote {
    uint8_t validator[20];
    int64_t power;
    uint8_t signed_block;
    const struct dlv_side_result *side; /* side_n entries, borrowed for the call */
    size_t side_n;
};

/** The last commit handed to begin_block: the certificate of height-1 (empty at height 1). */
struct dlv_last_commit {
    uint64_t height; /* height the votes are for (0: none) */
    int32_t round;
    const struct dlv_commit_vote *votes; /* one per validator of that height's set, by address */
    size_t n;
};

/** The block header fields the app sees in begin_block. */
struct dlv_block_info {
    uint64_t height;
    uint64_t time_ms;          /* proposer's wall clock (ms since the Unix epoch), monotonic */
    uint8_t proposer[20];      /* the proposer's address */
    uint8_t hash[32];          /* the block hash (the BFT value) */
    uint8_t last_app_hash[32]; /* app hash after height-1 (zero at height 1) */
};

/** Writes the app adds to the commit batch. Keys are in the plugin's storage namespace; the
 *  app uses keys below "app/" (the node owns "dlv/"). Opaque: the node's (dlv_batch.c). */
struct dlv_batch;

/** Add a put of key -> value to the commit batch (both copied; a later op on a key wins).
 *  Returns: BT_OK, BT_EINVAL (key empty or longer than 400 bytes), BT_ENOMEM.
 *  Thread: the caller of commit. */
bt_status dlv_batch_put(struct dlv_batch *b, const uint8_t *key, size_t key_len,
                        const uint8_t *value, size_t value_len) BT_MUST_CHECK;

/** Add a delete of key to the commit batch. Returns: as dlv_batch_put. */
bt_status dlv_batch_del(struct dlv_batch *b, const uint8_t *key, size_t key_len) BT_MUST_CHECK;

/** A validator-set change from end_block: power 0 removes (bts_valset_update semantics). */
struct dlv_valset_update {
    uint8_t address[20];
    int64_t power;
};

/** The application table. Every entry is mandatory unless marked optional. */
struct dlv_app {
    void *self;

    /** The last committed height (0: none) and its app hash, read at node start. If the app's
     *  height is below the node's block store height (an app that keeps its state outside the
     *  commit batch crashed between the two), the node replays the stored blocks above it;
     *  above it is a fatal inconsistency (BT_EIO from dlv_node_start).
     *  Returns: BT_OK, BT_EIO. */
    bt_status (*info)(void *self, uint64_t *out_height, uint8_t out_app_hash[32]);

    /** The validator set that votes at height `height`, copied into out (an initialised set,
     *  overwritten). The node asks once, for height 1, on its first start (empty block store);
     *  from then on it tracks the set itself, applying end_block's updates of H at H+2
     *  (Tendermint's delay) and keeping the §4.4 priorities in its block store, so priorities
     *  given here are ignored.
     *  Returns: BT_OK, BT_ENOMEM, BT_EIO. */
    bt_status (*valset)(void *self, uint64_t height, struct bts_valset *out);

    /** Admission check of a tx (mempool; the txs of a proposed block): decode, signature,
     *  basic validity against the committed state. Cheap and side-effect free.
     *  Returns: BT_OK (admissible); BT_EINVAL (refused: malformed, bad signature, invalid);
     *           BT_EIO (the app cannot answer now: the tx is dropped, not penalised). */
    bt_status (*check_tx)(void *self, const uint8_t *tx, size_t tx_len);

    /** Start block `b->height`. `last` holds the precommits (with side results) of height-1;
     *  the app tallies the side txs of height-2 from them (§4.1).
     *  Returns: BT_OK, or an error (fatal for the node). */
    bt_status (*begin_block)(void *self, const struct dlv_block_info *b,
                             const struct dlv_last_commit *last);

    /** Run one tx of the current block. *out_code: 0 success, else the handler's code (the tx
     *  stays in the block, its effects are discarded by the app).
     *  Returns: BT_OK, or an error (fatal). */
    bt_status (*deliver_tx)(void *self, const uint8_t *tx, size_t tx_len, uint32_t *out_code);

    /** End block `height`. *out_updates: the validator-set changes (app-owned, valid until
     *  commit returns; NULL with *out_n 0 when none).
     *  Returns: BT_OK, or an error (fatal). */
    bt_status (*end_block)(void *self, uint64_t height,
                           const struct dlv_valset_update **out_updates, size_t *out_n);

    /** Commit the block: add the state writes to `batch` (the node writes them atomically with
     *  the block and its certificate, BT_STORAGE_SYNC) and return the app hash. After commit
     *  returns, the app's reads must see the new state even before the batch is on disk (the
     *  node writes it before any other app call).
     *  Returns: BT_OK, BT_ENOMEM, or an error (fatal). */
    bt_status (*commit)(void *self, struct dlv_batch *batch, uint8_t out_app_hash[32]);

    /** The side-tx results this validator signs for the side txs of committed height `height`
     *  (into its precommit of height+1). Up to `cap` entries into out (at most DLV_SIDE_MAX);
     *  results not decided yet are left out or reported as Skip.
     *  Optional (NULL: no side txs).
     *  Returns: BT_OK (*out_n set), BT_EIO. */
    bt_status (*side_results)(void *self, uint64_t height, struct dlv_side_result *out, size_t cap,
                              size_t *out_n);
};

#ifdef __cplusplus
}
#endif

#endif /* DLV_ABCI_H */
