/* The node's storage: which backend to open ([storage] of plugins.conf, then the datadir's
 * record, which wins), finding the backend plugin ("storage/<name>" in the service registry,
 * else loaded by the proxy itself), crash recovery of an interrupted swap, and the "storage"
 * service for plugins. Used by `bttcd run` and the offline `bttcd storage` commands. */
#ifndef BTTCD_STOR_NODE_INT_H
#define BTTCD_STOR_NODE_INT_H

#include <bt/storage_service.h>

#include "config_int.h"
#include "loader_int.h"
#include "paths_int.h"
#include "services_int.h"
#include "stor_int.h"

/** The table behind the "storage" service (self: the struct stor). */
extern const struct bt_storage_svc stor_service_table;

/** Default [storage] values. */
#define STOR_DEFAULT_BACKEND "storage-leveldb"
#define STOR_DEFAULT_PATH    "chaindata"

struct stor_own; /* a backend plugin the proxy loaded itself */
struct stor_rpc; /* the admin_storage* methods (stor_rpc.c) */

struct stor_node {
    struct host_rt *rt;
    const struct config *cfg;
    const struct plugin_dirs *pd;
    char *datadir;
    struct stor *s;
    struct stor_backend *backends[8]; /* found or loaded, by name; owned */
    size_t n_backends;
    struct stor_own *own; /* loaded by the proxy: destroyed at close */
    int is_service;       /* "storage" registered */
    struct stor_rpc *rpc; /* with is_service: the admin_storage* methods */
};

/** The database the datadir opens: the record, else [storage] of cfg (defaults above), with
 *  the path made absolute against datadir. *out_has_record tells which. BT_OK or BT_EINVAL
 *  (damaged record: err). */
bt_status stor_node_target(const struct config *cfg, const char *datadir, struct stor_record *out,
                           int *out_has_record, char *err, size_t err_cap);

/** Absolute path of a database for `backend`: "" for storage-memory, else `path` (relative to
 *  datadir) or, when NULL, <datadir>/chaindata-<backend without "storage-">. malloc'd. */
char *stor_node_path(const char *datadir, const char *backend, const char *path);

/** Find backend `name`: a plugin of plugins.conf already created (service "storage/<name>"),
 *  or load <plugin dir>/<name>.so now, create it (with its [plugin NAME] keys if the section
 *  exists) and register it. Thread: loop. BT_OK, BT_ENOTFOUND (no such plugin, err), BT_EINVAL
 *  (not a storage plugin, err), or the create error. */
bt_status stor_node_backend(struct stor_node *sn, const char *name, const struct stor_backend **out,
                            char *err, size_t err_cap);

/** Recover an interrupted swap, open the datadir's database and pin the choice in the record.
 *  With is_service, also offer the "storage" service. The struct must be zeroed with rt, cfg,
 *  pd set. Returns BT_OK or an error with err set (the caller prints it); BT_ENOTSUP when
 *  plugins.conf has no [storage] section, the datadir no record and the default backend is not
 *  installed (the node then runs without storage). */
bt_status stor_node_open(struct stor_node *sn, const char *datadir, int is_service, char *err,
                         size_t err_cap);
/** Register the admin JSON-RPC methods on sn->rt->rpc (docs/operator.md "Storage over
 *  JSON-RPC"): admin_storageSwap, admin_storageSwapStatus, admin_storageSwapSubscribe,
 *  admin_storageSwapUnsubscribe, admin_storageStats, admin_storageVerify, and with
 *  BTTCD_STORAGE_TEST=1 the test_storage* methods. Called by stor_node_open with is_service.
 *  BT_OK, BT_ENOMEM, BT_EEXIST. Thread: loop. */
bt_status stor_rpc_register(struct stor_node *sn);
/** Stop the test writer, end the subscriptions, remove the methods. NULL-safe on sn->rpc. */
void stor_rpc_drop(struct stor_node *sn);

/** Close the database and destroy the backends the proxy loaded itself. */
void stor_node_close(struct stor_node *sn);

#endif /* BTTCD_STOR_NODE_INT_H */
