/* The "storage" service: how a plugin keeps its own data (consensus snapshots, adapter
 * cursors) through the host's storage proxy. Find it from start() on:
 *   const struct bt_storage_svc *svc; void *self;
 *   host->service_find(hctx, "storage", (const void **)&svc, &self);
 *   svc->write(self, hctx, &batch);
 * Every call takes the caller's own hctx: the proxy puts the plugin's keys in a namespace of
 * its own (derived from the plugin name), so a plugin sees only its keys and cannot reach the
 * host's or another plugin's. Keys and values follow <bt/storage.h>; a key may be at most
 * BT_STORAGE_KEY_MAX - BT_STORAGE_SVC_NS_MAX bytes.
 *
 * This table is written in the ABI's style (struct_size first, growth at the end, fixed-width
 * types) so that it can move to abi/bt/ unchanged; until then it is the host's. */
#ifndef BT_STORAGE_SVC_H
#define BT_STORAGE_SVC_H

#include <bt/host.h>
#include <bt/storage.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest namespace prefix the proxy adds to a plugin's keys. */
#define BT_STORAGE_SVC_NS_MAX 65

/** Opaque handles of the service; they belong to the backend database current when made and
 *  answer BT_ESTALE after a hot swap retired it (make a new one). */
struct bt_storage_svc_snap;
struct bt_storage_svc_iter;

struct bt_storage_svc {
    uint32_t struct_size;
    /** Read a key of the caller's namespace, at snap (NULL: latest).
     *  Returns: BT_OK, BT_ENOTFOUND, BT_EIO, BT_EINVAL (key too long), BT_ESTALE.
     *  Out: out: release exactly once on BT_OK. Thread: any. */
    bt_status (*get)(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                     const uint8_t *key, size_t key_len, struct bt_value *out);
    /** Apply a batch to the caller's namespace atomically (flags: BT_STORAGE_SYNC). BT_OK means
     *  acknowledged: it survives a crash and a hot swap. Returns: BT_OK, BT_EINVAL, BT_EIO,
     *  BT_ENOMEM, BT_EPERM. Thread: any. */
    bt_status (*write)(void *self, struct bt_host_ctx *h, const struct bt_storage_batch *batch);
    /** A read view. Returns: BT_OK, BT_ENOMEM, BT_EIO. Thread: any. */
    bt_status (*snapshot_new)(void *self, struct bt_host_ctx *h,
                              struct bt_storage_svc_snap **out_snap);
    /** NULL ignored; fine on a stale snapshot. Free its iterators first. Thread: any. */
    void (*snapshot_free)(void *self, struct bt_storage_svc_snap *snap);
    /** An iterator over the caller's namespace within range (NULL: all; bounds are the
     *  plugin's own keys), at snap (NULL: now). Starts unpositioned. Returns: BT_OK, BT_ENOMEM,
     *  BT_EIO, BT_EINVAL, BT_ESTALE. Thread: any; one thread at a time per iterator. */
    bt_status (*iter_new)(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                          const struct bt_storage_range *range,
                          struct bt_storage_svc_iter **out_it);
    /** First key >= key / last key <= key (NULL: first / last). BT_OK or BT_ESTALE. */
    bt_status (*iter_seek)(struct bt_storage_svc_iter *it, const uint8_t *key, size_t key_len);
    bt_status (*iter_seek_prev)(struct bt_storage_svc_iter *it, const uint8_t *key, size_t key_len);
    /** Move. BT_OK or BT_ESTALE. */
    bt_status (*iter_next)(struct bt_storage_svc_iter *it);
    bt_status (*iter_prev)(struct bt_storage_svc_iter *it);
    /** Nonzero on an entry. */
    int (*iter_valid)(struct bt_storage_svc_iter *it);
    /** The entry (key without the namespace), borrowed until the iterator moves or is freed.
     *  BT_OK or BT_ESTALE. */
    bt_status (*iter_entry)(struct bt_storage_svc_iter *it, const uint8_t **out_key,
                            size_t *out_key_len, const uint8_t **out_value, size_t *out_value_len);
    /** BT_OK, the I/O error that ended the iteration, or BT_ESTALE. */
    bt_status (*iter_status)(struct bt_storage_svc_iter *it);
    /** NULL ignored. */
    void (*iter_free)(struct bt_storage_svc_iter *it);
    /* Additions go here, never above. */
};

#ifdef __cplusplus
}
#endif

#endif /* BT_STORAGE_SVC_H */
