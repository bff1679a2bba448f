/* Internals shared by chain.c (open, reads, state, pool, events), chain_import.c (import,
 * production, commit) and chain_file.c (import/export files, the plugin service). Not for other
 * users: they see chain_int.h. */
#ifndef BTTCD_CHAIN_PRIV_H
#define BTTCD_CHAIN_PRIV_H

#include "chain_int.h"
#include "chaindb_int.h"

struct chain_prep;

struct chain_sub {
    uint64_t id;
    chain_event_fn fn;
    void *arg;
};

struct chain {
    struct chain_opts o;
    const struct chaincfg *cfg;
    struct block_exec bx;
    struct chain_header head; /* the committed head */
    struct bts_u256 head_td;
    uint8_t genesis_hash[32];
    /* The state at the head: blocks execute on it (after a commit it is based on the new
     * head; after a failure it is rebuilt from the head root), and the pool reads it. */
    struct state *work;
    struct txpool *pool;
    struct txpool_state pool_state;
    struct chain_sub *subs;
    size_t n_subs, cap_subs;
    uint64_t next_sub_id;
    struct chain_sync sync;
    int is_producing;         /* chain_start_producing was called */
    uint64_t timer_id;        /* armed production timer (0: none) */
    uint64_t timer_due;       /* wall-clock ms it fires at */
    uint32_t n_produce_fails; /* production attempts failed in a row (retry pacing, logs) */
    struct chain_stats stats;
    double rejournal_at; /* monotonic ms of the last journal rewrite */
    int fail_next_write; /* tests: the next side/reorg batch fails as a storage error would */
};

/* --- shared by import and production (chain_import.c) --- */

/** The engine's last message for a failure, else the status name. */
const char *chain_engine_error(const struct chain *c, bt_status st);
/** The engine's view of an in-memory header: its RLP is encoded into buf and hashed; out
 *  points into buf and h (both must outlive it). BT_OK, BT_ENOMEM. */
bt_status chain_engine_header(const struct bts_header *h, struct bts_buf *buf,
                              struct bt_header *out);
/** block_exec.finalize: the engine's finalize with the state ops (system calls, set code). */
bt_status chain_finalize_cb(void *arg, struct state *st, const struct bts_header *h, char *err,
                            size_t err_cap);
/** The fee recipient of a sealed header by the engine's author(), else its coinbase. */
bt_status chain_author_of(struct chain *c, const struct bts_header *h, uint8_t out[20]);
/** Write a processed block as the new head (one batch with the trie nodes) and run the
 *  after-commit steps. txs_raw: the RLP list of the body's transactions. */
bt_status chain_commit_block(struct chain *c, const struct bts_header *h, const uint8_t *txs_raw,
                             size_t txs_raw_len, const struct bts_tx *txs,
                             const struct bt_address *senders, size_t n_txs,
                             const struct block_receipts *rs, uint8_t out_hash[32], char *err,
                             size_t err_cap);

/** The pool's pending transactions that fit a gas limit, best first (chain_produce.c). */
struct chain_pick {
    struct bts_tx *txs; /* borrowed from the pool: valid until it changes */
    struct bt_address *senders;
    size_t n, cap;
};
/** Take the pool's transactions in price-and-nonce order while they fit `gas_limit`.
 *  BT_OK, BT_ENOMEM. Free p->txs and p->senders. */
bt_status chain_pick_txs(struct chain *c, uint64_t gas_limit, struct chain_pick *p);
/** Drop transaction `bad` and every later one of the same sender (their nonces now gap). */
void chain_pick_drop(struct chain_pick *p, size_t bad);
/** EIP-1559 base fee of the child of `p`; the first London block takes the initial 1 gwei. */
struct bts_u256 chain_next_base_fee(const struct bts_header *p, int parent_london);

/** Monotonic milliseconds. */
double chain_now_ms(void);

/** Set a message. */
void chain_msg(char *err, size_t err_cap, const char *fmt, ...) BT_PRINTF(3, 4);

/** Rebuild the working state from the head root. BT_OK, BT_ENOMEM. */
bt_status chain_work_reset(struct chain *c);

/** The txpool's view of the next block (after the head). */
void chain_pool_head(const struct chain *c, struct txpool_head *out);

/** After a commit: make `hd` (taken over) the head, reset the pool, tell the engine, emit the
 *  HEAD event, re-arm production. body (senders filled; NULL: every pooled sender is re-read
 *  and the event read back from the store) and rcs (NULL: the event is read back): the block
 *  as the event carries it, borrowed. */
void chain_after_commit(struct chain *c, struct chain_header *hd, const struct bts_u256 *td,
                        const struct chain_body *body, const struct chain_receipts *rcs);

/** Emit a block event (HEAD or REMOVED) for the stored block `hash` with its body (senders
 *  filled) and receipts. Nothing is emitted when the block cannot be read. */
void chain_emit_block(struct chain *c, enum chain_event_kind kind, const uint8_t hash[32]);

/** Import a prepared block whose parent is not the head (chain_reorg.c): stored as a side
 *  block, or made the head by a reorg when its total difficulty is greater. */
bt_status chain_import_side(struct chain *c, struct chain_prep *p, int *out_skipped, char *err,
                            size_t err_cap);

/** Rewrite the txpool journal when opts.rejournal_ms have passed since the last time (called
 *  after every committed head). */
void chain_rejournal_due(struct chain *c);

/** Emit an event to every subscriber. */
void chain_emit(struct chain *c, const struct chain_event *ev);

/** Re-arm the production timer from the engine's schedule(). */
void chain_reschedule(struct chain *c);

/** The fee recipient of `h`: the engine's author (a sealed header), else the coinbase.
 *  Returns BT_OK. */
bt_status chain_fee_to(struct chain *c, const struct bts_header *h, uint8_t out[20]);

/** Sender recovery of txs[0..n) under `rules`, fanned out to the worker pool.
 *  Returns: BT_OK; BT_EINVAL (message: "tx 3: invalid sender"). */
bt_status chain_recover_senders(struct chain *c, const struct bts_tx *txs, size_t n,
                                const struct bts_tx_rules *rules, struct bt_address *out, char *err,
                                size_t err_cap);

struct chain_rec; /* a sender recovery in flight (chain_prep.c) */

/** A block decoded for import, its senders recovered (or being recovered) on the worker pool.
 *  Views point into the caller's RLP, which must outlive it. */
struct chain_prep {
    struct bts_header h;
    uint8_t hash[32];
    const uint8_t *header_rlp;
    size_t header_rlp_len;
    const uint8_t *txs_raw; /* the transaction list item */
    size_t txs_raw_len;
    int has_uncles;
    int is_known; /* already the canonical block at its number: nothing was prepared */
    struct bts_tx *txs;
    struct bt_address *senders;
    uint8_t *is_cached; /* per tx: its sender came from the pool's sender cache */
    size_t n;
    struct bts_tx_rules rules;
    struct txpool *pool; /* the chain's: its sender cache learns the recovered senders */
    struct chain_rec *rec;
};

/** Decode `rlp` and start its sender recovery: with is_async every share goes to the pool and
 *  the call returns at once (the caller may execute another block meanwhile); else the caller's
 *  thread takes a share in chain_prep_wait.
 *  Returns: BT_OK, BT_EINVAL (malformed block: message), BT_ENOMEM. On failure p is freed. */
bt_status chain_prep_start(struct chain *c, const uint8_t *rlp, size_t rlp_len, int is_async,
                           struct chain_prep *p, char *err, size_t err_cap);
/** Wait for the senders. Returns BT_OK or BT_EINVAL ("tx 3: invalid sender"). */
bt_status chain_prep_wait(struct chain_prep *p, char *err, size_t err_cap);
/** Before executing an imported block (chain_import.c, chain_reorg.c): the engine's header
 *  check against `parent`, the end of sender recovery, and the author (out_author, who gets
 *  the fees). Returns BT_OK or the failing step's status with its message in err. */
bt_status chain_verify_prepared(struct chain *c, struct chain_prep *p,
                                const struct chain_header *parent, uint8_t out_author[20],
                                char *err, size_t err_cap);
/** Wait for work in flight and free. Zeroed p is fine. */
void chain_prep_free(struct chain_prep *p);
/** Import a prepared block (chain_import after decoding). Frees nothing. */
bt_status chain_import_prep(struct chain *c, struct chain_prep *p, int *out_skipped, char *err,
                            size_t err_cap);

#endif /* BTTCD_CHAIN_PRIV_H */
