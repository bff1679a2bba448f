/* storage-leveldb internals shared by the plugin's topic files. Never included elsewhere. */
#ifndef LDB_INT_H
#define LDB_INT_H

#include <bt/host.h>
#include <bt/storage.h>
#include <bts/kvrange.h>

#include <leveldb/c.h>

/* plugins.conf keys (README.md). */
struct ldb_conf {
    uint32_t cache_mb;        /* LRU block cache shared by the instance's databases */
    uint32_t write_buffer_mb; /* memtable size before a flush to level 0 */
    uint32_t bloom_bits;      /* bits per key of the bloom filter; 0: none */
    uint32_t compression;     /* 0: snappy, 1: none (conf.c) */
    uint32_t max_open_files;
};

/* The instance: config, and the cache and filter every database it opens shares (they must
 * outlive those databases, so they live here). */
struct ldb_plugin {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct ldb_conf conf;
    leveldb_cache_t *cache;
    leveldb_filterpolicy_t *bloom;
};

struct bt_storage_db {
    struct ldb_plugin *pl;
    leveldb_t *ldb;
    char *path;
    int is_readonly;
    leveldb_readoptions_t *ro;                /* latest state */
    leveldb_writeoptions_t *w_async, *w_sync; /* BT_STORAGE_SYNC picks w_sync */
};

struct bt_storage_snapshot {
    const leveldb_snapshot_t *snap;
    leveldb_readoptions_t *ro; /* reads at snap */
};

struct bt_storage_iter {
    leveldb_iterator_t *it;
    leveldb_readoptions_t *ro;
    struct bts_kvrange range;
    int is_valid; /* leveldb's iterator is valid and inside the bounds */
};

#define LDB_ERR(pl, ...) (pl)->host->set_error((pl)->hctx, __VA_ARGS__)

/* conf.c */
bt_status ldb_conf_load(struct ldb_plugin *pl);

/* db.c */
bt_status ldb_open(void *self, const struct bt_storage_open_opts *opts,
                   struct bt_storage_db **out_db);
void ldb_close(void *self, struct bt_storage_db *db);
bt_status ldb_get(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                  const uint8_t *key, size_t key_len, struct bt_value *out);
bt_status ldb_write(void *self, struct bt_storage_db *db, const struct bt_storage_batch *batch);
bt_status ldb_snapshot_new(void *self, struct bt_storage_db *db,
                           struct bt_storage_snapshot **out_snap);
void ldb_snapshot_free(void *self, struct bt_storage_db *db, struct bt_storage_snapshot *snap);

/* stats.c */
bt_status ldb_stats(void *self, struct bt_storage_db *db, struct bt_storage_stats *out);
bt_status ldb_compact(void *self, struct bt_storage_db *db, const struct bt_storage_range *range);

/* iter.c */
bt_status ldb_iter_new(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                       const struct bt_storage_range *range, struct bt_storage_iter **out_it);
void ldb_iter_seek(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
void ldb_iter_seek_prev(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
void ldb_iter_next(struct bt_storage_iter *it);
void ldb_iter_prev(struct bt_storage_iter *it);
int ldb_iter_valid(const struct bt_storage_iter *it);
void ldb_iter_entry(const struct bt_storage_iter *it, const uint8_t **out_key, size_t *out_key_len,
                    const uint8_t **out_value, size_t *out_value_len);
bt_status ldb_iter_status(const struct bt_storage_iter *it);
void ldb_iter_free(struct bt_storage_iter *it);

#endif /* LDB_INT_H */
