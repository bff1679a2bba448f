/* The Delivery node inside bttcd: binds dlv_node (dlv_node.h) to the host services of
 * <bt/host.h> — host timers for the BFT timers, the host signer by key id (the validator key
 * never enters the plugin), the four dlv/1 topics through topic_register/topic_send, the
 * "storage" service (the plugin's consensus namespace) for the block store and the WAL, logs
 * and metrics (bttcd_<plugin>_delivery_height, _round, _votes_total, _commit_ms, _mempool).
 *
 * Config keys of the plugin's section (consensus-bttc), all optional:
 *   delivery = on | off                 run the Delivery node (default off)
 *   delivery_key = 0x<40 hex>           keystore address of the validator key (absent:
 *                                       observer: follows, serves sync, never signs)
 *   delivery_app = delivery | kv        the application: the Delivery application (default;
 *                                       wired by the plugin, ../dlvrun.c) or the kv stand-in
 *                                       (dlv_kvapp.h, for tests)
 *   delivery_genesis = <file>           (relative to the datadir) kv: JSON {"chain_id": "...",
 *                                       "validators": [{"address": "0x..", "power": N}, ...]},
 *                                       the set the app reports for height 1; delivery: the
 *                                       application's genesis (delivery/dlv_genesis.c)
 *   delivery_timeout_propose_ms = 3000  (and _delta 500) Tendermint's timeout_propose
 *   delivery_timeout_vote_ms = 1000     (and _delta 500) timeout_prevote / timeout_precommit
 *   delivery_timeout_commit_ms = 0      pause between a commit and the next height
 *
 * Thread: loop (every entry and every callback). */
#ifndef DLV_HOST_H
#define DLV_HOST_H

#include <bt/host.h>
#include <bts/valset.h>

#include "dlv_node.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The parsed config keys above. */
struct dlv_host_config {
    int enabled;
    int has_key;
    int app_kv; /* delivery_app = kv (the stand-in); default: delivery (the real application) */
    char key_id[43]; /* "0x" + 40 hex */
    char genesis[512];
    uint64_t propose_ms, propose_delta_ms, vote_ms, vote_delta_ms, commit_ms;
};

/** Read the keys from the plugin's section. Returns: BT_OK; BT_EINVAL (a bad value: the
 *  host's set_error names the key). */
bt_status dlv_host_config_read(const struct bt_host *host, struct bt_host_ctx *hctx,
                               struct dlv_host_config *out) BT_MUST_CHECK;

/** Load a genesis file: chain id (copied into chain_id, cap bytes) and the validator set
 *  (bts_valset_new of the list). Returns: BT_OK, BT_EIO (unreadable), BT_EINVAL (bad JSON,
 *  address or power, empty list). */
bt_status dlv_genesis_load(const char *path, char *chain_id, size_t cap,
                           struct bts_valset *out) BT_MUST_CHECK;

struct dlv_host; /* opaque */

/** Create the binding and its node. Call from the plugin's start() (services exist then).
 *  Returns: BT_OK; BT_ENOTSUP (no storage service or no p2p); BT_ENOTFOUND (delivery_key not
 *  in the keystore); BT_EINVAL; BT_ENOMEM. In: cfg copied; chain_id and app borrowed for the
 *  binding's life. */
bt_status dlv_host_new(struct dlv_host **out, const struct bt_host *host, struct bt_host_ctx *hctx,
                       const struct dlv_host_config *cfg, const char *chain_id,
                       const struct dlv_app *app) BT_MUST_CHECK;

/** Start the node (load the store, start consensus). Returns as dlv_node_start. */
bt_status dlv_host_start(struct dlv_host *d) BT_MUST_CHECK;

/** The node (for RPC/REST: status, submit_tx, blocks). */
struct dlv_node *dlv_host_node(struct dlv_host *d);

/** Register the JSON-RPC methods dlv_status (height, appHash, round, mempool, halted) and
 *  dlv_submitTx (["<tx bytes as a string>"]: into the mempool after check_tx). A failure is
 *  logged, not returned (the node runs without them). Thread: loop. */
void dlv_host_rpc_register(struct dlv_host *d);

/** Run the node with the key-value stand-in app (dlv_kvapp.h; "delivery_app = kv"): the
 *  genesis file gives the chain id and set, the app's state is read from storage, and the
 *  JSON-RPC methods dlv_status (→ {height, appHash, round, mempool, halted}) and
 *  dlv_submitTx (["key=value"] → true) are registered. Then starts the node.
 *  Returns: as dlv_host_new and dlv_host_start; BT_EINVAL (genesis missing or malformed). */
bt_status dlv_host_run_kv(struct dlv_host **out, const struct bt_host *host,
                          struct bt_host_ctx *hctx,
                          const struct dlv_host_config *cfg) BT_MUST_CHECK;

/** Stop the node (timers cancelled; topic messages and RPC calls arriving later are ignored
 *  or answered from the last state). The host keeps topic and RPC registrations until the
 *  plugin is destroyed, so free the binding only then. NULL ignored. Call from stop(). */
void dlv_host_stop(struct dlv_host *d);

/** Stop and free (NULL ignored). Call from the plugin's destroy(). */
void dlv_host_free(struct dlv_host *d);

#ifdef __cplusplus
}
#endif

#endif /* DLV_HOST_H */
