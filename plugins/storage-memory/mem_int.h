/* storage-memory internals: a skiplist of keys, each holding a chain of versions (MVCC), shared
 * by the plugin's topic files. Never included outside this plugin. */
#ifndef MEM_INT_H
#define MEM_INT_H

#include <bt/host.h>
#include <bt/storage.h>
#include <bts/kvrange.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* 4^16 keys before the top level stops paying off: far more than fits in memory. */
#define MEM_MAX_HEIGHT 16

/* One value of a key as of batch `seq`. Immutable once linked; freed when `refs` drops to 0
 * (one reference from the chain, one per bt_value handed out by get). */
struct mem_ver {
    struct mem_ver *older;
    uint64_t seq;
    atomic_uint refs;
    uint32_t is_del;
    size_t len;
    uint8_t data[];
};

/* A skiplist node: the key (stored after next[]) and its versions, newest first. */
struct mem_node {
    struct mem_ver *vers;
    const uint8_t *key;
    size_t key_len;
    int height;
    struct mem_node *next[];
};

struct mem_list {
    struct mem_node *head; /* sentinel of height MEM_MAX_HEIGHT, no key */
    int height;            /* levels in use */
};

/* Registered read views. A ring in creation order, so the first is the oldest: versions older
 * than what it sees can go. */
struct bt_storage_snapshot {
    struct bt_storage_snapshot *prev, *next;
    uint64_t seq;
};

/* The plugin instance: a factory of independent in-memory databases. */
struct mem_plugin {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
};

struct bt_storage_db {
    struct mem_plugin *pl;
    pthread_rwlock_t lock; /* readers: get, iterator moves; writer: write, compact */
    struct mem_list list;
    uint64_t seq; /* last applied batch */
    pthread_mutex_t snap_mu;
    struct bt_storage_snapshot snaps; /* ring sentinel */
    uint64_t n_keys, n_bytes;         /* latest state, for stats */
    atomic_uint_fast64_t height_ctr;  /* feeds node heights without taking the lock */
    int is_readonly;
};

struct bt_storage_iter {
    struct bt_storage_db *db;
    struct bt_storage_snapshot *own_snap; /* the implicit snapshot, or NULL */
    uint64_t seq;
    struct bts_kvrange range;
    struct mem_node *cur; /* NULL: not valid */
    struct mem_ver *ver;  /* cur's version visible at seq */
};

/* skiplist.c; callers hold db->lock (read for lookups, write for changes). */
int mem_list_init(struct mem_list *l);
void mem_list_free(struct mem_list *l);
struct mem_node *mem_list_ge(const struct mem_list *l, const uint8_t *key, size_t key_len,
                             struct mem_node **prev);
struct mem_node *mem_list_lt(const struct mem_list *l, const uint8_t *key, size_t key_len);
struct mem_node *mem_list_last(const struct mem_list *l);
int mem_height_for(uint64_t ctr);
struct mem_node *mem_node_new(const uint8_t *key, size_t key_len, int height);
void mem_list_link(struct mem_list *l, struct mem_node **prev, struct mem_node *n);
void mem_list_unlink(struct mem_list *l, struct mem_node **prev, struct mem_node *n);
void mem_ver_unref(struct mem_ver *v);
/* The version of n visible at seq (a tombstone reads as NULL). */
struct mem_ver *mem_node_visible(const struct mem_node *n, uint64_t seq);

/* snapshot.c */
bt_status mem_snapshot_new(void *self, struct bt_storage_db *db,
                           struct bt_storage_snapshot **out_snap);
void mem_snapshot_free(void *self, struct bt_storage_db *db, struct bt_storage_snapshot *snap);
uint64_t mem_oldest_seq(struct bt_storage_db *db);

/* db.c */
bt_status mem_open(void *self, const struct bt_storage_open_opts *opts,
                   struct bt_storage_db **out_db);
void mem_close(void *self, struct bt_storage_db *db);
bt_status mem_get(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                  const uint8_t *key, size_t key_len, struct bt_value *out);
bt_status mem_stats(void *self, struct bt_storage_db *db, struct bt_storage_stats *out);
bt_status mem_compact(void *self, struct bt_storage_db *db, const struct bt_storage_range *range);

/* write.c */
bt_status mem_write(void *self, struct bt_storage_db *db, const struct bt_storage_batch *batch);
/* Drop versions no snapshot can see; unlink the node if nothing is left. Write lock held. */
void mem_prune(struct bt_storage_db *db, struct mem_node *n, struct mem_node **prev,
               uint64_t oldest);

/* iter.c */
bt_status mem_iter_new(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                       const struct bt_storage_range *range, struct bt_storage_iter **out_it);
void mem_iter_seek(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
void mem_iter_seek_prev(struct bt_storage_iter *it, const uint8_t *key, size_t key_len);
void mem_iter_next(struct bt_storage_iter *it);
void mem_iter_prev(struct bt_storage_iter *it);
int mem_iter_valid(const struct bt_storage_iter *it);
void mem_iter_entry(const struct bt_storage_iter *it, const uint8_t **out_key, size_t *out_key_len,
                    const uint8_t **out_value, size_t *out_value_len);
bt_status mem_iter_status(const struct bt_storage_iter *it);
void mem_iter_free(struct bt_storage_iter *it);

#endif /* MEM_INT_H */
