/* bttcd plugin ABI: storage backends (kind BT_KIND_STORAGE), DESIGN.md §2 and §6.
 * An ordered key-value store with atomic write batches, iterators and snapshots. Keys and values
 * are arbitrary bytes (empty allowed) compared with memcmp order, shorter first on a tie.
 * The host reaches storage only through its storage proxy, which adds namespaces and hot-swap;
 * a backend knows nothing of either. One plugin instance is a backend factory: it may have
 * several databases open at once (the old and the new one during a swap).
 * Every backend accepts keys of 0..BT_STORAGE_KEY_MAX bytes and values of at least 64 MiB; a
 * backend may refuse longer keys (write then fails with BT_EINVAL; LMDB's limit is 511). */
#ifndef BT_STORAGE_H
#define BT_STORAGE_H

#include <bt/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The longest key every backend must accept. */
#define BT_STORAGE_KEY_MAX 510

/** Opaque handles, defined by the plugin. */
struct bt_storage_db;
struct bt_storage_snapshot;
struct bt_storage_iter;

/** Options for open. `path` is absolute (the host resolves it against the datadir); backends
 *  that keep nothing on disk ignore it. */
struct bt_storage_open_opts {
    uint32_t struct_size;
    const char *path;
    uint32_t flags; /* enum bt_storage_open_flags */
};

enum bt_storage_open_flags {
    BT_STORAGE_OPEN_CREATE = 1u << 0,   /* create if missing */
    BT_STORAGE_OPEN_READONLY = 1u << 1, /* refuse writes with BT_EPERM */
};

/** One operation of a write batch. */
enum bt_storage_op_type { BT_STORAGE_PUT = 1, BT_STORAGE_DELETE = 2 };
struct bt_storage_op {
    uint32_t type; /* enum bt_storage_op_type */
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value; /* PUT only */
    size_t value_len;
};

/** A write batch: applied atomically (all or nothing, also across a crash), in order (a later op
 *  on the same key wins). */
struct bt_storage_batch {
    uint32_t struct_size;
    const struct bt_storage_op *ops;
    size_t n_ops;
    uint32_t flags; /* enum bt_storage_write_flags */
};

enum bt_storage_write_flags {
    BT_STORAGE_SYNC = 1u << 0 /* durable on return (fsync or equivalent) */
};

/** Iterator bounds: keys k with lower <= k < upper; a NULL bound is open. Borrowed for the call
 *  to iter_new only (the backend copies them). */
struct bt_storage_range {
    const uint8_t *lower;
    size_t lower_len;
    const uint8_t *upper;
    size_t upper_len;
};

/** Figures for `bttcd storage stats` and metrics; 0 where unknown. */
struct bt_storage_stats {
    uint32_t struct_size;
    uint64_t approx_keys;
    uint64_t approx_bytes; /* logical size of keys + values */
    uint64_t disk_bytes;   /* bytes on disk (0 for memory) */
};

/** The storage table. Entries marked "Thread: any" may be called concurrently from the loop
 *  and worker threads on the same db; the backend synchronises. */
struct bt_storage_vtbl {
    uint32_t struct_size; /* sizeof(struct bt_storage_vtbl) as built */

    /** Open (or create) a database.
     *  Returns: BT_OK, BT_ENOTFOUND (no database at path and no CREATE flag), BT_EIO (path
     *  unusable, with a message naming it), BT_EBUSY (locked by another process or already open
     *  in this one), BT_EPERM (read-only filesystem and no READONLY flag).
     *  Out: *out_db on success, NULL on failure. Thread: loop. */
    bt_status (*open)(void *self, const struct bt_storage_open_opts *opts,
                      struct bt_storage_db **out_db);
    /** Close a database; every snapshot and iterator of it must be freed first. NULL is
     *  ignored. Thread: loop. */
    void (*close)(void *self, struct bt_storage_db *db);

    /** Read the value of a key, from `snap` if non-NULL, else the latest state.
     *  Returns: BT_OK, BT_ENOTFOUND (out zeroed), BT_EIO.
     *  Out: out: call out->release(out) exactly once. Thread: any. */
    bt_status (*get)(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                     const uint8_t *key, size_t key_len, struct bt_value *out);
    /** Apply a batch atomically. Returns: BT_OK, BT_EIO, BT_EPERM (read-only), BT_ENOMEM,
     *  BT_EINVAL (a key longer than the backend takes, see BT_STORAGE_KEY_MAX; nothing applied).
     *  Thread: any (batches from several threads are serialised by the backend). */
    bt_status (*write)(void *self, struct bt_storage_db *db, const struct bt_storage_batch *batch);

    /** A consistent read view: later writes are invisible through it. Out: *out_snap.
     *  Thread: any. */
    bt_status (*snapshot_new)(void *self, struct bt_storage_db *db,
                              struct bt_storage_snapshot **out_snap);
    /** Release a snapshot; NULL ignored. Thread: any. */
    void (*snapshot_free)(void *self, struct bt_storage_db *db, struct bt_storage_snapshot *snap);

    /** An iterator over `range` (NULL: everything) of `snap` (NULL: an implicit snapshot taken
     *  now, so concurrent writes never disturb it). A given `snap` must outlive the iterator.
     *  It starts unpositioned: call a seek first.
     *  Thread: any; one iterator is used by one thread at a time. */
    bt_status (*iter_new)(void *self, struct bt_storage_db *db,
                          const struct bt_storage_snapshot *snap,
                          const struct bt_storage_range *range, struct bt_storage_iter **out_it);
    /** Position at the first key >= key (clamped to the range); key NULL: the first key. */
    void (*iter_seek)(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
    /** Position at the last key <= key (clamped to the range); key NULL: the last key. */
    void (*iter_seek_prev)(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
    /** Move forward / backward; no effect when not valid. */
    void (*iter_next)(struct bt_storage_iter *it);
    void (*iter_prev)(struct bt_storage_iter *it);
    /** Nonzero when positioned on an entry. */
    int (*iter_valid)(const struct bt_storage_iter *it);
    /** Key and value of the current entry, borrowed until the iterator moves or is freed. */
    void (*iter_entry)(const struct bt_storage_iter *it, const uint8_t **out_key,
                       size_t *out_key_len, const uint8_t **out_value, size_t *out_value_len);
    /** BT_OK, or the I/O error that ended iteration early (iter_valid then returns 0). */
    bt_status (*iter_status)(const struct bt_storage_iter *it);
    /** Free an iterator; NULL ignored. */
    void (*iter_free)(struct bt_storage_iter *it);

    /** Fill figures. Thread: any. */
    bt_status (*stats)(void *self, struct bt_storage_db *db, struct bt_storage_stats *out);
    /** Hint: compact the key range (NULL bounds: everything). May do nothing. May block: the
     *  host calls it from a worker. Thread: any. */
    bt_status (*compact)(void *self, struct bt_storage_db *db,
                         const struct bt_storage_range *range);
    /* ABI 1.x additions go here, never above. */
};

#ifdef __cplusplus
}
#endif

#endif /* BT_STORAGE_H */
