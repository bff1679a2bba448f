/* The "storage" service: how a plugin keeps its own data (consensus snapshots, adapter
 * cursors) through the host's storage proxy (DESIGN.md §2, §6). A plugin never opens a
 * backend itself; it finds this table from start() on:
 *
 *   const struct bt_storage_svc *svc; void *self;
 *   if (host->service_find(hctx, "storage", (const void **)&svc, &self) == BT_OK &&
 *       BT_HAS(struct bt_storage_svc, svc, write))
 *       st = svc->write(self, hctx, &batch);
 *
 * Every call that touches data takes the caller's own hctx: the proxy puts the plugin's keys
 * in a namespace of its own (derived from the plugin name), so a plugin sees only its keys and
 * cannot reach the host's or another plugin's. Keys and values follow <bt/storage.h>; a key
 * may be at most BT_STORAGE_KEY_MAX - BT_STORAGE_SVC_NS_MAX bytes.
 *
 * Hot swap: the operator may move the node to another backend while it runs. Writes
 * acknowledged before, during and after a swap are never lost, and reads and writes through
 * this table keep working across it (the proxy routes them). Only handles (snapshots and
 * iterators) belong to one backend database: once a swap retires it they answer BT_ESTALE,
 * and the plugin makes new ones.
 *
 * The service is absent (service_find returns BT_ENOTFOUND) when the node runs without
 * storage. Growth: entries are only ever appended; test them with BT_HAS. */
#ifndef BT_STORAGE_SERVICE_H
#define BT_STORAGE_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <bt/abi.h>
#include <bt/host.h>
#include <bt/storage.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest namespace prefix the proxy adds to a plugin's keys. */
#define BT_STORAGE_SVC_NS_MAX 65

/** Opaque handles of the service. They belong to the backend database current when they were
 *  made and answer BT_ESTALE after a hot swap retired it (free them and make new ones). */
struct bt_storage_svc_snap;
struct bt_storage_svc_iter;

/** The table behind service "storage" (self: the proxy). Every entry is mandatory in 1.0. */
struct bt_storage_svc {
    uint32_t struct_size; /* sizeof(struct bt_storage_svc) as the host was built */

    /* --- ABI 1.0 --- */

    /** Read a key of the caller's namespace, at snap (NULL: the latest data).
     *  Returns: BT_OK, BT_ENOTFOUND (out left empty), BT_EIO, BT_EINVAL (key too long),
     *           BT_ESTALE (snap from a retired database).
     *  Args:    self: the service's self; h: the caller's own hctx.
     *  Out:     out: the value; call out->release(out) exactly once on BT_OK.
     *  In:      key, key_len: borrowed for the call.
     *  Thread:  any. */
    bt_status (*get)(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                     const uint8_t *key, size_t key_len, struct bt_value *out);
    /** Apply a batch to the caller's namespace atomically (batch->flags: BT_STORAGE_SYNC).
     *  BT_OK means acknowledged: the write survives a crash of the process and a hot swap.
     *  A commit may wait a few milliseconds while a swap pauses commits at a batch boundary.
     *  Returns: BT_OK, BT_EINVAL (a key too long: nothing applied), BT_EIO, BT_ENOMEM,
     *           BT_EPERM (read-only database).
     *  In:      batch: borrowed for the call.
     *  Thread:  any (batches from several threads are serialised by the proxy). */
    bt_status (*write)(void *self, struct bt_host_ctx *h, const struct bt_storage_batch *batch);
    /** A consistent read view of the caller's namespace: later writes are invisible through it.
     *  Returns: BT_OK, BT_ENOMEM, BT_EIO.
     *  Out:     *out_snap: free with snapshot_free; NULL on failure.
     *  Thread:  any. */
    bt_status (*snapshot_new)(void *self, struct bt_host_ctx *h,
                              struct bt_storage_svc_snap **out_snap);
    /** Release a snapshot; NULL ignored; fine on a stale one. Free its iterators first.
     *  Thread: any. */
    void (*snapshot_free)(void *self, struct bt_storage_svc_snap *snap);
    /** An iterator over the caller's namespace within range (NULL: all; bounds are the
     *  plugin's own keys, without the namespace), at snap (NULL: an implicit snapshot taken
     *  now). A given snap must outlive the iterator. It starts unpositioned: seek first.
     *  Returns: BT_OK, BT_ENOMEM, BT_EIO, BT_EINVAL, BT_ESTALE.
     *  Out:     *out_it: free with iter_free; NULL on failure.
     *  Thread:  any; one iterator is used by one thread at a time. */
    bt_status (*iter_new)(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                          const struct bt_storage_range *range,
                          struct bt_storage_svc_iter **out_it);
    /** Position at the first key >= key (NULL: the first key).
     *  Returns: BT_OK, BT_ESTALE. Thread: the iterator's. */
    bt_status (*iter_seek)(struct bt_storage_svc_iter *it, const uint8_t *key, size_t key_len);
    /** Position at the last key <= key (NULL: the last key).
     *  Returns: BT_OK, BT_ESTALE. Thread: the iterator's. */
    bt_status (*iter_seek_prev)(struct bt_storage_svc_iter *it, const uint8_t *key, size_t key_len);
    /** Move forward; no effect when not valid. Returns: BT_OK, BT_ESTALE.
     *  Thread: the iterator's. */
    bt_status (*iter_next)(struct bt_storage_svc_iter *it);
    /** Move backward; no effect when not valid. Returns: BT_OK, BT_ESTALE.
     *  Thread: the iterator's. */
    bt_status (*iter_prev)(struct bt_storage_svc_iter *it);
    /** Nonzero when positioned on an entry (0 once stale). Thread: the iterator's. */
    int (*iter_valid)(struct bt_storage_svc_iter *it);
    /** The current entry: the key without the namespace, and the value, both borrowed until the
     *  iterator moves or is freed. Returns: BT_OK, BT_ESTALE. Thread: the iterator's. */
    bt_status (*iter_entry)(struct bt_storage_svc_iter *it, const uint8_t **out_key,
                            size_t *out_key_len, const uint8_t **out_value, size_t *out_value_len);
    /** BT_OK, the I/O error that ended the iteration early, or BT_ESTALE.
     *  Thread: the iterator's. */
    bt_status (*iter_status)(struct bt_storage_svc_iter *it);
    /** Free an iterator; NULL ignored; fine on a stale one. Thread: the iterator's. */
    void (*iter_free)(struct bt_storage_svc_iter *it);

    /* --- ABI 1.x additions go here, never above --- */
};

#ifdef __cplusplus
}
#endif

#endif /* BT_STORAGE_SERVICE_H */
