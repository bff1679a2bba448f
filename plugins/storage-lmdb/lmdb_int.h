/* storage-lmdb internals shared by the plugin's topic files. Never included elsewhere.
 * Keys are stored with one prefix byte (LMDB refuses empty keys; the prefix keeps memcmp
 * order), so the longest user key is 510 bytes = BT_STORAGE_KEY_MAX. */
#ifndef LMDB_INT_H
#define LMDB_INT_H

#include <bt/host.h>
#include <bt/storage.h>
#include <bts/kvrange.h>

#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define LMX_KEY_PREFIX 0x6bu /* any constant byte works */
#define LMX_KEY_MAX    BT_STORAGE_KEY_MAX
#define LMX_POOL_MAX   16 /* idle read transactions kept for get() */

/* plugins.conf keys (README.md). */
struct lmx_conf {
    uint64_t map_size_mb; /* initial map; doubled when full */
    uint32_t max_readers; /* concurrent snapshots + iterators + gets */
    bool no_sync;         /* MDB_NOSYNC (devnets, benches): a power cut may corrupt */
};

struct lmx_plugin {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct lmx_conf conf;
};

struct bt_storage_db {
    struct lmx_plugin *pl;
    MDB_env *env;
    MDB_dbi dbi;
    char *path;
    int lock_fd; /* holds the flock that keeps other processes out */
    int is_readonly;
    /* Growing the map remaps it, so nothing may touch the map meanwhile: every read or write
     * holds this for reading, the resize for writing. */
    pthread_rwlock_t map_lock;
    atomic_uint_fast64_t map_gen; /* bumped by each resize: cursors then re-seek */
    pthread_mutex_t write_mu;     /* one writer; resizes happen under it */
    pthread_mutex_t pool_mu;
    MDB_txn *pool[LMX_POOL_MAX]; /* reset read transactions */
    size_t n_pool;
};

/* A read transaction. LMDB lets one transaction serve one thread at a time; mu makes a
 * snapshot shared by several threads safe. MDB_NOTLS lets it move between threads. */
struct bt_storage_snapshot {
    MDB_txn *txn;
    pthread_mutex_t mu;
};

struct bt_storage_iter {
    struct bt_storage_db *db;
    struct bt_storage_snapshot *snap;
    struct bt_storage_snapshot *own_snap; /* snap when made for this iterator */
    MDB_cursor *cur;
    uint64_t gen; /* map_gen the cursor was last positioned in */
    struct bts_kvrange range;
    int is_valid;
    bt_status status;
    /* The current entry, copied out of the map: a resize may unmap it at any time. */
    uint8_t *key, *val;
    size_t key_len, val_len, key_cap, val_cap;
};

#define LMX_ERR(pl, ...) (pl)->host->set_error((pl)->hctx, __VA_ARGS__)

/* Encode a user key (truncated to LMX_KEY_MAX) into buf; returns 1 if it was truncated. */
int lmx_key(uint8_t buf[LMX_KEY_MAX + 1], const uint8_t *key, size_t key_len, MDB_val *out);

/* conf.c */
bt_status lmx_conf_load(struct lmx_plugin *pl);

/* env.c */
bt_status lmx_open(void *self, const struct bt_storage_open_opts *opts,
                   struct bt_storage_db **out_db);
void lmx_close(void *self, struct bt_storage_db *db);
/* Double the map. Called with write_mu held and no write transaction. */
bt_status lmx_grow(struct bt_storage_db *db);

/* rw.c */
bt_status lmx_get(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                  const uint8_t *key, size_t key_len, struct bt_value *out);
bt_status lmx_write(void *self, struct bt_storage_db *db, const struct bt_storage_batch *batch);
bt_status lmx_snapshot_new(void *self, struct bt_storage_db *db,
                           struct bt_storage_snapshot **out_snap);
void lmx_snapshot_free(void *self, struct bt_storage_db *db, struct bt_storage_snapshot *snap);
bt_status lmx_stats(void *self, struct bt_storage_db *db, struct bt_storage_stats *out);
bt_status lmx_compact(void *self, struct bt_storage_db *db, const struct bt_storage_range *range);

/* iter.c */
bt_status lmx_iter_new(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                       const struct bt_storage_range *range, struct bt_storage_iter **out_it);
void lmx_iter_seek(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
void lmx_iter_seek_prev(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
void lmx_iter_next(struct bt_storage_iter *it);
void lmx_iter_prev(struct bt_storage_iter *it);
int lmx_iter_valid(const struct bt_storage_iter *it);
void lmx_iter_entry(const struct bt_storage_iter *it, const uint8_t **out_key, size_t *out_key_len,
                    const uint8_t **out_value, size_t *out_value_len);
bt_status lmx_iter_status(const struct bt_storage_iter *it);
void lmx_iter_free(struct bt_storage_iter *it);

#endif /* LMDB_INT_H */
