/* Internals shared by chain.c (open, reads, state, pool, events), chain_import.c (import,
 * production, commit) and chain_file.c (import/export files, the plugin service). Not for other
 * users: they see chain_int.h. */
#ifndef BTTCD_CHAIN_PRIV_H
#define BTTCD_CHAIN_PRIV_H

#include "chain_int.h"
#include "chaindb_int.h"

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
    int is_producing;   /* chain_start_producing was called */
    uint64_t timer_id;  /* armed production timer (0: none) */
    uint64_t timer_due; /* wall-clock ms it fires at */
    int in_block;       /* an import or production is running (no re-entry from events) */
};

/** Set a message. */
void chain_msg(char *err, size_t err_cap, const char *fmt, ...) BT_PRINTF(3, 4);

/** Rebuild the working state from the head root. BT_OK, BT_ENOMEM. */
bt_status chain_work_reset(struct chain *c);

/** The txpool's view of the next block (after the head). */
void chain_pool_head(const struct chain *c, struct txpool_head *out);

/** After a commit: make `hd` (taken over) the head, reset the pool, tell the engine, emit the
 *  HEAD event, re-arm production. */
void chain_after_commit(struct chain *c, struct chain_header *hd, const struct bts_u256 *td);

/** Emit an event to every subscriber. */
void chain_emit(struct chain *c, const struct chain_event *ev);

/** Re-arm the production timer from the engine's schedule(). */
void chain_reschedule(struct chain *c);

/** Sender recovery of txs[0..n) under `rules`, fanned out to the worker pool.
 *  Returns: BT_OK; BT_EINVAL (message: "tx 3: invalid sender"). */
bt_status chain_recover_senders(struct chain *c, const struct bts_tx *txs, size_t n,
                                const struct bts_tx_rules *rules, struct bt_address *out, char *err,
                                size_t err_cap);

#endif /* BTTCD_CHAIN_PRIV_H */
