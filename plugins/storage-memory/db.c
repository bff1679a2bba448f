/* storage-memory: open/close, point reads, figures and the tombstone sweep. Each open makes a
 * new empty database: nothing outlives close (the path is ignored, as storage.h allows). */
#include "mem_int.h"

#include <stdlib.h>

bt_status mem_open(void *self, const struct bt_storage_open_opts *opts,
                   struct bt_storage_db **out_db)
{
    struct mem_plugin *pl = self;
    *out_db = NULL;
    struct bt_storage_db *db = calloc(1, sizeof(*db));
    if (!db || mem_list_init(&db->list) != 0) {
        free(db);
        pl->host->set_error(pl->hctx, "out of memory opening an in-memory database");
        return BT_ENOMEM;
    }
    db->pl = pl;
    pthread_rwlock_init(&db->lock, NULL);
    pthread_mutex_init(&db->snap_mu, NULL);
    db->snaps.next = db->snaps.prev = &db->snaps;
    atomic_init(&db->height_ctr, 0);
    db->is_readonly = (opts->flags & BT_STORAGE_OPEN_READONLY) != 0;
    *out_db = db;
    return BT_OK;
}

void mem_close(void *self, struct bt_storage_db *db)
{
    (void)self;
    if (!db)
        return;
    mem_list_free(&db->list);
    pthread_mutex_destroy(&db->snap_mu);
    pthread_rwlock_destroy(&db->lock);
    free(db);
}

static void value_release(struct bt_value *v)
{
    mem_ver_unref(v->opaque);
}

bt_status mem_get(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                  const uint8_t *key, size_t key_len, struct bt_value *out)
{
    (void)self;
    struct mem_ver *v = NULL;
    pthread_rwlock_rdlock(&db->lock);
    uint64_t seq = snap ? snap->seq : db->seq;
    struct mem_node *n = mem_list_ge(&db->list, key, key_len, NULL);
    if (n && bts_kvrange_cmp(n->key, n->key_len, key, key_len) == 0)
        v = mem_node_visible(n, seq);
    if (v)
        atomic_fetch_add(&v->refs, 1); /* no copy: the value lives until released */
    pthread_rwlock_unlock(&db->lock);
    if (!v) {
        *out = (struct bt_value){0};
        return BT_ENOTFOUND;
    }
    *out = (struct bt_value){.data = v->data, .len = v->len, .release = value_release, .opaque = v};
    return BT_OK;
}

bt_status mem_stats(void *self, struct bt_storage_db *db, struct bt_storage_stats *out)
{
    (void)self;
    pthread_rwlock_rdlock(&db->lock);
    out->approx_keys = db->n_keys;
    out->approx_bytes = db->n_bytes;
    pthread_rwlock_unlock(&db->lock);
    out->disk_bytes = 0;
    return BT_OK;
}

bt_status mem_compact(void *self, struct bt_storage_db *db, const struct bt_storage_range *range)
{
    /* Writes prune only the keys they touch; this sweeps every key, so versions and tombstones
     * kept for snapshots released since are freed. The range is a hint: we sweep it all. */
    (void)self, (void)range;
    struct mem_node *prev[MEM_MAX_HEIGHT];
    pthread_rwlock_wrlock(&db->lock);
    uint64_t oldest = mem_oldest_seq(db);
    if (oldest > db->seq)
        oldest = db->seq;
    for (int i = 0; i < MEM_MAX_HEIGHT; i++)
        prev[i] = db->list.head;
    struct mem_node *n = db->list.head->next[0];
    while (n) {
        struct mem_node *next = n->next[0];
        int height = n->height;
        mem_prune(db, n, prev, oldest); /* may free n */
        if (prev[0]->next[0] == n) {
            for (int i = 0; i < height; i++)
                prev[i] = n;
        }
        n = next;
    }
    pthread_rwlock_unlock(&db->lock);
    return BT_OK;
}
