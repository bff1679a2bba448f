/* Delivery bridge: one listener per root chain (upstream bridge/setu/listener). Each poll asks
 * the adapter for its heights, then fetches the logs of the configured StakingInfo, StateSender
 * and RootChain from the block after the last processed one up to the confirmed height, in
 * windows of max_blocks, decodes them (dlvb_event.h) and hands every event to a callback. All
 * adapter calls are asynchronous (abi/bt/rootchain.h): poll returns at once and the loop never
 * blocks. Progress (the last processed block) is saved through a small store interface only
 * after every event of the window was accepted by the callback (ROOTCHAINS.md §2.6: a crash
 * mid-window replays the window instead of dropping events; Delivery drops the duplicates by
 * their sequence, PROTOCOL.md §4.2). Thread: loop, for every function here. */
#ifndef DLVB_LISTENER_H
#define DLVB_LISTENER_H

#include "dlvb_event.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Persistent progress, by key (e.g. "tron-last-block", as upstream's bridge DB). */
struct dlvb_store {
    /** Read a value. Returns BT_OK, BT_ENOTFOUND (never saved), or an I/O error. */
    bt_status (*load)(void *arg, const char *key, uint64_t *out);
    /** Write a value durably. Returns BT_OK or an error (the window is then retried). */
    bt_status (*save)(void *arg, const char *key, uint64_t value);
    void *arg;
};

/** Listener settings. Addresses are 20-byte EVM form (TRON's 0x41 dropped); a NULL address
 *  leaves that contract out (ETH and BSC have no StakingInfo for the bridge). */
struct dlvb_listener_config {
    const char *name;            /**< chain name: progress key "<name>-last-block", logs */
    uint32_t root_type;          /**< enum bt_rootchain_type; 0: ask the adapter */
    const uint8_t *staking_info; /**< 20 bytes or NULL */
    const uint8_t *state_sender; /**< 20 bytes or NULL */
    const uint8_t *root_chain;   /**< 20 bytes or NULL */
    uint64_t start_block;        /**< first block to scan when no progress is stored */
    uint64_t confirmations;      /**< 0: the adapter's finalized height; else also at most
                                      head - confirmations (TRON 18, ETH 6 upstream) */
    uint64_t max_blocks;         /**< blocks per get_logs (0: 1000; TRON upstream 5) */
};

/** Receives one event; must copy what it keeps (state_synced.data is borrowed). Returning
 *  anything but BT_OK stops the window: progress is not saved and the next poll starts the
 *  same window again (events before the failing one are then delivered twice). */
typedef bt_status (*dlvb_event_fn)(void *arg, const struct dlvb_event *ev);

struct dlvb_listener;

/** Counters and state for logs, metrics and tests. */
struct dlvb_listener_stats {
    uint64_t last_block; /**< last processed block (valid if has_last) */
    int has_last;
    uint64_t target;       /**< confirmed height of the last round */
    uint64_t rounds;       /**< polls that ran to the target */
    uint64_t windows;      /**< get_logs windows completed */
    uint64_t events;       /**< events accepted by the callback */
    uint64_t skipped;      /**< logs that did not decode or came from the wrong contract */
    uint64_t errors;       /**< failed rounds (adapter, store or callback) */
    int busy;              /**< a round is in flight */
    bt_status last_status; /**< status of the last failed round (BT_OK if none) */
    char last_error[160];  /**< its message ("" if none) */
};

/** Create a listener over an adapter (vt, self: a "rootchain/<name>" service; borrowed, must
 *  outlive the listener). The configuration is copied; the stored progress is read here.
 *  Returns: BT_OK; BT_EINVAL (no contract address, no name, name over 48 bytes); BT_ENOMEM; a
 *           store load error.
 *  Out: out. In: as named. */
bt_status dlvb_listener_new(struct dlvb_listener **out, const struct bt_rootchain_vtbl *vt,
                            void *self, const struct dlvb_listener_config *cfg,
                            const struct dlvb_store *store, dlvb_event_fn fn,
                            void *arg) BT_MUST_CHECK BT_NONNULL(1, 2, 4, 5, 6);

/** Release a listener. A round in flight is abandoned: the object lives until the adapter's
 *  callback arrives (exactly once, per the ABI) and is freed then; fn is not called again. */
void dlvb_listener_free(struct dlvb_listener *l);

/** Start a round: heights, then windows of logs until the confirmed height is reached.
 *  Returns: BT_OK (started, or nothing to do is learnt later); BT_EBUSY (a round is in flight);
 *           the adapter's error when it refused the first call (the round is over). */
bt_status dlvb_listener_poll(struct dlvb_listener *l) BT_MUST_CHECK BT_NONNULL(1);

/** Current counters. */
void dlvb_listener_stats(const struct dlvb_listener *l, struct dlvb_listener_stats *out)
    BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_LISTENER_H */
