/* consensus-bttc: the Delivery bridge (bridge/, library dlv_bridge) wired into the plugin's
 * Delivery application (dlvrun.c). One struct bttc_dlvb per node with `delivery = on`:
 *  - an oracle proxy handed to the application at open (side checks vote Yes/No once the
 *    adapters are found at start);
 *  - per "rootchain/<name>" adapter: a listener polled by a host timer (bridge_poll_tron 3s,
 *    bridge_poll_eth 1m, bridge_poll_bsc 10s), whose events become signed msgs in the mempool;
 *  - the checkpoint proposer on every Bttc head, the no-ack and checkpoint-sync timers
 *    (checkpoint_poll_interval 30m), the span proposer (span_poll_interval 1m);
 *  - a wrap of the node's application table that sees each height's side txs and last commit,
 *    and submits this validator's committed side msgs (+2/3 Yes) with the H+2 votes to the
 *    root chain (dlvb_submit_msg).
 * Config ([plugin consensus-bttc]): bridge = on|off (default on), the intervals above
 * (durations "500ms", "3s", "1m", "1h"; a bare number is seconds), bridge_noack_wait (30m),
 * bridge_tron_confirmations (18; a dev TRON chain without reorgs can use 1 or 2).
 * Logs one logfmt line per action ("bridge event relayed", "bridge checkpoint proposed",
 * "bridge checkpoint submitted", "bridge checkpoint acked", "bridge span proposed", ...) and
 * counts them in bttcd_consensus_bttc_bridge_* metrics. Thread: loop (everything). */
#ifndef BTTC_DLVBRIDGE_H
#define BTTC_DLVBRIDGE_H

#include <bt/host.h>

#include "dlv_abci.h"
#include "dlv_app.h"
#include "dlv_kv_storage.h"
#include "dlv_node.h"
#include "dlvb_adapters.h"
#include "dlvb_listener.h"
#include "dlvb_oracle.h"
#include "dlvb_proposer.h"

struct bttc;

/** Whether `key` is one of the bridge's config keys (bttc.c accepts them). */
int bttc_dlvb_conf_key(const char *key);

/** Parse a duration: "<n>ms", "<n>s", "<n>m", "<n>h" or a bare number of seconds.
 *  Returns: BT_OK; BT_EINVAL (empty, junk, zero, overflow). */
bt_status bttc_dlvb_duration(const char *s, uint64_t *out_ms) BT_MUST_CHECK BT_NONNULL(1, 2);

#define BTTC_DLVB_ROOTS 8

struct bttc_dlvb;

/** One adapter the bridge follows. */
struct bttc_dlvb_root {
    struct bttc_dlvb *x;
    struct dlvb_adapter ad;
    enum dlv_root root;
    struct dlvb_listener *l;
    uint64_t timer;
    uint64_t poll_ms;
    bt_status last_poll;
    uint64_t errors;     /* listener errors already counted */
    uint64_t err_log_ms; /* when the last one was logged (at most one a minute) */
    uint64_t acks;       /* ack count last seen in the committed state */
};

/** A side tx of this validator waiting for its tally at height + 2. */
struct bttc_dlvb_pending {
    struct bttc_dlvb_pending *next;
    uint64_t height;
    uint8_t tx_hash[32];
    struct dlv_msg msg;
};

/** An event msg this validator relayed, sent again until the app has applied it: a side msg
 *  the tally left at Skip (the oracle saw it unconfirmed, or the precommit's side results were
 *  full) is never sent again by anyone else. Keyed by (tx hash, log index). */
/** A staking change decided Yes, kept for its replay to ETH/BSC (dlvbridge_stake.c): the msg
 *  and the H+2 votes for its tx (sigs owned in `sigs`). */
struct bttc_dlvb_staked {
    struct bttc_dlvb_staked *next;
    uint8_t tx_hash[32];
    struct dlv_msg msg;
    struct bts_dlvside_vote *votes;
    uint8_t (*sigs)[65];
    size_t n_votes;
};

struct bttc_dlvb_relay {
    struct bttc_dlvb_relay *next;
    uint8_t tx_hash[32];
    uint32_t log_index;
    enum dlv_root root;
    unsigned tries;
    uint64_t next_ms; /* the next send, monotonic ms */
    struct dlv_msg msg;
};

/** An asynchronous call in flight (submit, no-ack, sync); x NULL once the bridge is gone. */
struct bttc_dlvb_call {
    struct bttc_dlvb_call *next, **prev;
    struct bttc_dlvb *x;
    enum dlv_root root;
    struct dlv_msg msg;
};

struct bttc_dlvb {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct bttc *b;
    int enabled, has_key, started;
    char key_id[48];
    uint8_t me[20];
    uint64_t poll_ms[DLV_ROOT_COUNT], ckpt_ms, span_ms, noack_wait_ms;
    uint64_t tron_conf;                   /* TRON confirmations of listener and oracle (18) */
    uint64_t start_block[DLV_ROOT_COUNT]; /* listener's first block without stored progress */
    uint64_t stake_ms;                    /* staking-sync poll (§4.3.4) */

    struct dlv_application *app;
    struct dlv_node *node;
    struct dlv_kv_storage *kvs;
    struct dlv_app inner; /* the wrapped table */

    struct bttc_dlvb_root roots[BTTC_DLVB_ROOTS];
    size_t n_roots;
    struct dlvb_oracle *oracle;
    struct dlvb_proposer *proposer;
    struct dlvb_chain_local chain_src;
    struct dlvb_local local;
    uint64_t t_noack, t_sync, t_span;
    uint64_t head;
    uint64_t prop_errors;  /* proposer errors already counted */
    bt_status prop_logged; /* status of the last logged proposer error */
    uint64_t prop_log_ms;  /* when it was logged */

    /* commit hook */
    struct bttc_dlvb_pending *pending;
    struct bts_dlvside_vote *votes; /* last commit of the current height, sigs in vote_sigs */
    uint8_t (*vote_sigs)[65];
    int64_t *vote_power;
    size_t n_votes, cap_votes;
    int64_t total_power;
    uint64_t cur_height;

    /* proposal de-duplication: last sent start per root and when (ms) */
    uint64_t sent_start[DLV_ROOT_COUNT], sent_at[DLV_ROOT_COUNT];

    struct bttc_dlvb_call *calls;
    struct bttc_dlvb_relay *relays; /* relayed events not yet applied */
    size_t n_relays;
    uint64_t t_relay;
    struct bttc_dlvb_staked *staked; /* decided staking changes, newest first */
    size_t n_staked;
    uint64_t t_stake;
    uint32_t m_events, m_proposed, m_submitted, m_acked, m_spans;
};

/** Create (from dlvrun.c's start, before the application opens): read the config, register
 *  metrics. *out is NULL (and BT_OK) when the bridge is off.
 *  Returns: BT_OK; BT_EINVAL (bad config value, host error set); BT_ENOMEM. */
bt_status bttc_dlvb_new(struct bttc_dlvb **out, struct bttc *b, const char *key_id,
                        int has_key) BT_MUST_CHECK;

/** The oracle table to give the application (self: the bridge). Queries answer "not accepted"
 *  until bttc_dlvb_start found the adapters. */
extern const struct dlv_oracle_iface bttc_dlvb_oracle_iface;

/** Wrap the node's application table (copied inside; *table then points to the wrap). Call
 *  before dlv_host_new. */
void bttc_dlvb_wrap(struct bttc_dlvb *x, struct dlv_app *table) BT_NONNULL(1, 2);

/** Start: adapters, listeners, oracle, proposer, timers. app, kvs and node are borrowed.
 *  Returns: BT_OK (also with no adapter: logged); BT_ENOMEM. */
bt_status bttc_dlvb_start(struct bttc_dlvb *x, struct dlv_application *app,
                          struct dlv_kv_storage *kvs, struct dlv_node *node) BT_MUST_CHECK;

/** A new Bttc head. */
void bttc_dlvb_on_head(struct bttc_dlvb *x, uint64_t number);

/** Stop the timers (NULL ignored). */
void bttc_dlvb_stop(struct bttc_dlvb *x);

/** Free (after the application: its cancel_all reaches the oracle). NULL ignored. */
void bttc_dlvb_free(struct bttc_dlvb *x);

/* dlvbridge_tx.c: sending, the commit hook, and the periodic checks. */

/** Sign `m` with the validator key and hand it to the mempool. `what` names it in logs.
 *  Returns: BT_OK; BT_ENOTSUP (no key); BT_EINVAL (refused by check_tx: the app has it
 *  already or it is invalid); the signer's error. */
bt_status bttc_dlvb_send(struct bttc_dlvb *x, const struct dlv_msg *m) BT_MUST_CHECK;
/** A call in flight, linked into x->calls (NULL: no memory); bttc_dlvb_call_end unlinks it
 *  (when the bridge still exists) and frees it with its msg. */
struct bttc_dlvb_call *bttc_dlvb_call_new(struct bttc_dlvb *x, enum dlv_root root);
void bttc_dlvb_call_end(struct bttc_dlvb_call *c);
/** After the wrapped commit of the current height: submissions of side msgs tallied Yes, ack
 *  counts (dlvbridge_tx.c). */
void bttc_dlvb_after_commit(struct bttc_dlvb *x);
/** Listener callback (arg: struct bttc_dlvb_root). */
bt_status bttc_dlvb_on_event(void *arg, const struct dlvb_event *ev);
/** Proposer callback (arg: the bridge). */
void bttc_dlvb_on_proposal(void *arg, const struct dlvb_proposal *p);
/** Timers (arg: the bridge). */
void bttc_dlvb_noack_tick(void *arg);
void bttc_dlvb_sync_tick(void *arg);
void bttc_dlvb_span_tick(void *arg);
/** Send again the relayed events whose retry time came; forget those the app refuses (it
 *  applied them, or they are stale) and those tried too often (dlvbridge_tx.c). */
void bttc_dlvb_relay_tick(void *arg);
/** Free the relay list. */
void bttc_dlvb_relay_free(struct bttc_dlvb *x);
/** Staking sync (dlvbridge_stake.c, PROTOCOL.md §4.3.4): whether the commit hook keeps a
 *  side msg as pending (every staking change; this validator's MsgStakingSync); what to do
 *  with a pending msg at H+2 (returns 1 when it was a staking msg: not for submit_one); the
 *  queue poll (timer, arg: the bridge); free the kept changes. */
int bttc_dlvb_stake_keep(const struct bttc_dlvb *x, const struct dlv_msg *m);
int bttc_dlvb_stake_decided(struct bttc_dlvb *x, const struct bttc_dlvb_pending *p, int yes);
void bttc_dlvb_stake_tick(void *arg);
void bttc_dlvb_stake_free(struct bttc_dlvb *x);
int bttc_dlvb_is_proposer(struct bttc_dlvb *x, uint64_t next_count);
/** The adapter of a root, or NULL. */
struct bttc_dlvb_root *bttc_dlvb_root_of(struct bttc_dlvb *x, enum dlv_root r);

#endif /* BTTC_DLVBRIDGE_H */
