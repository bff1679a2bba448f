/* The Delivery node: runs the BFT engine (bft/bft.h) for real (PROTOCOL.md §4, issue #13).
 *
 * It carries out the engine's actions over an environment (`struct dlv_env`: clock, timers,
 * dlv/1 topics, the signer by key id, storage, logs, metrics; dlv_host.c binds it to the host
 * services of <bt/host.h>, the unit tests to an in-memory network), builds and validates
 * Delivery blocks, keeps the mempool, the block store and the double-sign guard (WAL) in
 * storage, serves and performs block sync, and drives the application through dlv_abci.h.
 *
 * Topics (all on the dlv/1 capability; payloads below, integers big-endian):
 *   dlv/cons  one consensus message, bft_msg_encode_ext (with its precommit extension)
 *   dlv/part  a block part: hash[32] height[8] index[2] total[2] bytes (DLV_PART_SIZE max)
 *   dlv/tx    one Delivery tx (mempool gossip)
 *   dlv/sync  RLP [1, height] asks for a committed block; RLP [2, height, block, [votes]]
 *             answers with the block and its commit certificate (votes as on dlv/cons)
 *
 * Block (its keccak256 is the BFT value): RLP [height, time_ms, proposer(20),
 * last_app_hash(32), [tx...], last_round, [vote...]] where the votes are the commit
 * certificate of height-1 as on dlv/cons (empty at height 1).
 *
 * Storage keys (the plugin's namespace; the app uses "app/"):
 *   dlv/head      last committed height[8] ‖ app hash[32] ‖ block time_ms[8]
 *   dlv/b/<h8>    block h;  dlv/c/<h8>: its commit certificate (RLP list of votes)
 *   dlv/v/<h8>    validator set of height h (n × address[20] power[8] priority[8])
 *   dlv/u/<h8>    end_block(h)'s validator-set updates, applied to the set of h+2
 *   dlv/wal       the engine's guard record (+ our precommit extension blob)
 *   dlv/e/<h8><v4> double-sign evidence: RLP [vote, vote] as on dlv/cons
 * A commit writes dlv/b, dlv/c, dlv/head, dlv/v/<h+1>, dlv/u/<h> and the app's writes in one
 * synchronous batch: app state and block store cannot disagree after a crash. dlv/wal is
 * written (synchronously) before every signature.
 *
 * Validator sets: set(1) is the app's genesis set (bts_valset_new); set(h+1) is set(h) with
 * end_block(h-1)'s updates applied (Tendermint's H+2 delay), then incremented once (§4.4).
 *
 * Thread: one node is used from one thread (the host loop); every callback comes on it. */
#ifndef DLV_NODE_H
#define DLV_NODE_H

#include <stddef.h>
#include <stdint.h>

#include <bt/storage.h>
#include <bts/common.h>

#include "dlv_abci.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The dlv/1 topics the node uses. */
enum dlv_topic { DLV_TOPIC_CONS = 0, DLV_TOPIC_PART = 1, DLV_TOPIC_TX = 2, DLV_TOPIC_SYNC = 3 };
#define DLV_TOPIC_N 4
/** Peer id for "every dlv/1 peer" in dlv_env.send (equals BT_PEER_BROADCAST). */
#define DLV_PEER_ALL UINT64_MAX
/** Largest block part payload. */
#define DLV_PART_SIZE (16u * 1024u)
/** Largest block (and so largest dlv/sync answer, with a certificate). */
#define DLV_BLOCK_MAX (1024u * 1024u)
/** Topic names and their largest messages (for topic_register). */
extern const char *const dlv_topic_names[DLV_TOPIC_N];
extern const size_t dlv_topic_max[DLV_TOPIC_N];

/** Gauges and counters the node reports. */
enum dlv_metric {
    DLV_METRIC_HEIGHT = 0,    /* last committed height */
    DLV_METRIC_ROUND = 1,     /* current round */
    DLV_METRIC_VOTES = 2,     /* consensus messages received (counter) */
    DLV_METRIC_COMMIT_MS = 3, /* time from height start to commit (histogram) */
    DLV_METRIC_MEMPOOL = 4    /* txs in the mempool */
};
#define DLV_METRIC_N 5

/** What the node needs from its host. Every entry is mandatory except log and metric. */
struct dlv_env {
    void *self;
    uint64_t (*now_ms)(void *self);  /* monotonic */
    uint64_t (*wall_ms)(void *self); /* Unix epoch ms (block times) */
    /** One-shot timer: fn(arg) after delay_ms. */
    bt_status (*timer_add)(void *self, uint64_t delay_ms, void (*fn)(void *arg), void *arg,
                           uint64_t *out_id);
    void (*timer_del)(void *self, uint64_t id);
    /** Send on a topic to `peer` (DLV_PEER_ALL: every dlv/1 peer). Best effort. */
    bt_status (*send)(void *self, enum dlv_topic t, uint64_t peer, const uint8_t *msg, size_t len);
    /** Sign a 32-byte digest with the validator key (r ‖ s ‖ v, v in {0,1}). */
    bt_status (*sign)(void *self, const uint8_t digest[32], uint8_t out_sig[65]);
    /** Read a key: *out_val malloc'd (free()) on BT_OK; BT_ENOTFOUND; BT_EIO. */
    bt_status (*get)(void *self, const uint8_t *key, size_t key_len, uint8_t **out_val,
                     size_t *out_len);
    /** Apply ops atomically and durably (fsync'd) before returning BT_OK. */
    bt_status (*write)(void *self, const struct bt_storage_op *ops, size_t n);
    void (*log)(void *self, int level, const char *event, const char *fields); /* 0 error..3 */
    void (*metric)(void *self, enum dlv_metric m, double v);
};

/** Node configuration (strings borrowed for the node's life). */
struct dlv_node_config {
    const char *chain_id; /* e.g. "delivery-199": bound into every signature */
    int has_key;          /* 0: observer (follows and serves, never signs) */
    uint8_t address[20];  /* our validator address (the signer's key) */
    uint64_t propose_ms, propose_delta_ms, vote_ms, vote_delta_ms; /* 0: 3000,500,1000,500 */
    uint64_t rebroadcast_ms;                                       /* 0: 1000 */
    uint64_t commit_wait_ms;  /* pause after a commit before the next height (0: none) */
    size_t block_max_txs;     /* 0: 1000 */
    size_t block_max_bytes;   /* 0: 512 KiB (at most DLV_BLOCK_MAX / 2) */
    size_t mempool_max_txs;   /* 0: 5000 */
    size_t mempool_max_bytes; /* 0: 16 MiB */
};

struct dlv_node; /* opaque */

/** Create a node (no I/O yet). Returns: BT_OK, BT_EINVAL (NULL entries, no chain id),
 *  BT_ENOMEM. In: cfg, env, app copied (their self pointers must outlive the node). */
bt_status dlv_node_new(struct dlv_node **out, const struct dlv_node_config *cfg,
                       const struct dlv_env *env, const struct dlv_app *app) BT_MUST_CHECK;

/** Load the block store (first start: the app's genesis set), replay stored blocks the app
 *  has not committed, restore the WAL record and start consensus at the next height.
 *  Returns: BT_OK, BT_EIO (store unreadable, or app ahead of the store), BT_ENOMEM,
 *           BT_EINVAL (empty genesis set). */
bt_status dlv_node_start(struct dlv_node *n) BT_MUST_CHECK;

/** Stop (cancel timers); the node may be freed next. */
void dlv_node_stop(struct dlv_node *n);

/** Free a node (NULL ignored); stops it first. */
void dlv_node_free(struct dlv_node *n);

/** A message received on topic t from `peer`. Malformed ones are dropped (logged at debug). */
void dlv_node_on_topic(struct dlv_node *n, enum dlv_topic t, uint64_t peer, const uint8_t *msg,
                       size_t len);

/** Submit a tx locally (REST/RPC): check_tx, add to the mempool, gossip.
 *  Returns: BT_OK, BT_EEXIST (already known), BT_EINVAL (refused by check_tx or too big),
 *           BT_EIO (node not started),
 *           BT_ERANGE (mempool full), BT_ENOMEM, BT_EIO. */
bt_status dlv_node_submit_tx(struct dlv_node *n, const uint8_t *tx, size_t len) BT_MUST_CHECK;

/** Status for RPC, logs and tests. */
struct dlv_node_status {
    uint64_t height; /* last committed */
    uint8_t app_hash[32];
    uint64_t cur_height; /* being decided */
    int32_t round;
    size_t mempool_txs;
    int halted; /* 1: the app failed: the node stopped committing */
};
void dlv_node_status(const struct dlv_node *n, struct dlv_node_status *out);

/** The stored block of `height` and its certificate (malloc'd, free()).
 *  Returns: BT_OK, BT_ENOTFOUND, BT_EIO, BT_ENOMEM. */
bt_status dlv_node_block(struct dlv_node *n, uint64_t height, uint8_t **out_block, size_t *out_len,
                         uint8_t **out_cert, size_t *out_cert_len) BT_MUST_CHECK;

/* --- codecs (dlv_codec.c) ------------------------------------------------------------------ */

/** A decoded block; pointers borrow the encoding. */
struct dlv_block {
    uint64_t height, time_ms;
    uint8_t proposer[20];
    uint8_t last_app_hash[32];
    size_t n_txs;
    const uint8_t *txs_raw; /* the RLP list payload of txs (iterate with dlv_block_tx) */
    size_t txs_raw_len;
    int32_t last_round;
    const uint8_t *votes_raw; /* payload of the last commit's vote list */
    size_t votes_raw_len;
    size_t n_votes;
};

/** Decode a block strictly. Returns BT_OK, BT_EINVAL. */
bt_status dlv_block_decode(struct dlv_block *out, const uint8_t *in, size_t len) BT_MUST_CHECK;

/** Iterate a list payload (txs or votes): *pos starts at 0; BT_ENOTFOUND at the end. */
bt_status dlv_list_next(const uint8_t *raw, size_t raw_len, size_t *pos, const uint8_t **out,
                        size_t *out_len) BT_MUST_CHECK;

/** Encode the side results as a precommit extension blob (RLP list of [hash, result, sig]).
 *  n == 0 gives an empty blob (*out_len 0: no extension). Returns BT_OK, BT_EINVAL (n above
 *  DLV_SIDE_MAX), BT_ENOMEM. out holds BFT_EXT_MAX bytes. */
bt_status dlv_side_encode(const struct dlv_side_result *r, size_t n, uint8_t *out,
                          size_t *out_len) BT_MUST_CHECK;
/** Decode an extension blob strictly into at most DLV_SIDE_MAX results.
 *  Returns BT_OK, BT_EINVAL. */
bt_status dlv_side_decode(struct dlv_side_result *out, size_t *out_n, const uint8_t *in,
                          size_t len) BT_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif /* DLV_NODE_H */
