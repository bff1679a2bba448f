/* storage-lmdb: iterators are cursors under a read transaction (the given snapshot or one made
 * for the iterator), with the [lower, upper) range applied here. Each entry is copied out of
 * the map, and a cursor re-seeks to its key when a resize has remapped the map since its last
 * move. */
#include "lmdb_int.h"

#include <stdlib.h>
#include <string.h>

bt_status lmx_iter_new(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                       const struct bt_storage_range *range, struct bt_storage_iter **out_it)
{
    struct lmx_plugin *pl = self;
    *out_it = NULL;
    struct bt_storage_iter *it = calloc(1, sizeof(*it));
    if (!it || (range && bts_kvrange_set(&it->range, range->lower, range->lower_len, range->upper,
                                         range->upper_len) != BT_OK)) {
        lmx_iter_free(it);
        LMX_ERR(pl, "out of memory creating an iterator on %s", db->path);
        return BT_ENOMEM;
    }
    it->db = db;
    it->snap = (struct bt_storage_snapshot *)snap;
    if (!snap) {
        bt_status st = lmx_snapshot_new(self, db, &it->own_snap);
        if (st != BT_OK) {
            lmx_iter_free(it);
            return st;
        }
        it->snap = it->own_snap;
    }
    pthread_rwlock_rdlock(&db->map_lock);
    pthread_mutex_lock(&it->snap->mu);
    int rc = mdb_cursor_open(it->snap->txn, db->dbi, &it->cur);
    it->gen = atomic_load(&db->map_gen);
    pthread_mutex_unlock(&it->snap->mu);
    pthread_rwlock_unlock(&db->map_lock);
    if (rc != 0) {
        it->cur = NULL;
        lmx_iter_free(it);
        LMX_ERR(pl, "iterator on %s: %s", db->path, mdb_strerror(rc));
        return BT_EIO;
    }
    *out_it = it;
    return BT_OK;
}

void lmx_iter_free(struct bt_storage_iter *it)
{
    if (!it)
        return;
    if (it->cur)
        mdb_cursor_close(it->cur);
    if (it->own_snap)
        lmx_snapshot_free(it->db->pl, it->db, it->own_snap);
    bts_kvrange_free(&it->range);
    free(it->key);
    free(it->val);
    free(it);
}

static int grow_copy(uint8_t **buf, size_t *cap, const void *src, size_t len)
{
    if (!*buf || len > *cap) { /* never NULL once valid, even for an empty key */
        uint8_t *nb = realloc(*buf, len ? len : 1);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = len ? len : 1;
    }
    if (len)
        memcpy(*buf, src, len);
    return 0;
}

/* Take the result of a cursor op: check the bounds, copy the entry. */
static void land(struct bt_storage_iter *it, int rc, const MDB_val *k, const MDB_val *v)
{
    it->is_valid = 0;
    if (rc == MDB_NOTFOUND)
        return;
    if (rc != 0) {
        it->status = BT_EIO;
        return;
    }
    const uint8_t *key = (const uint8_t *)k->mv_data + 1; /* strip the prefix byte */
    size_t key_len = k->mv_size - 1;
    if (!bts_kvrange_contains(&it->range, key, key_len))
        return;
    if (grow_copy(&it->key, &it->key_cap, key, key_len) != 0 ||
        grow_copy(&it->val, &it->val_cap, v->mv_data, v->mv_size) != 0) {
        it->status = BT_ENOMEM;
        return;
    }
    it->key_len = key_len;
    it->val_len = v->mv_size;
    it->is_valid = 1;
}

/* Lock the map and the transaction; renew the cursor if the map moved. Returns nonzero if the
 * cursor lost its position (the caller re-seeks to it->key). */
static int enter(struct bt_storage_iter *it)
{
    pthread_rwlock_rdlock(&it->db->map_lock);
    pthread_mutex_lock(&it->snap->mu);
    uint64_t gen = atomic_load(&it->db->map_gen);
    if (gen == it->gen)
        return 0;
    mdb_cursor_renew(it->snap->txn, it->cur);
    it->gen = gen;
    return 1;
}

static void leave(struct bt_storage_iter *it)
{
    pthread_mutex_unlock(&it->snap->mu);
    pthread_rwlock_unlock(&it->db->map_lock);
}

static void seek_ge(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    uint8_t kb[LMX_KEY_MAX + 1];
    MDB_val k, v;
    if (!key) {
        int rc = mdb_cursor_get(it->cur, &k, &v, MDB_FIRST);
        land(it, rc, &k, &v);
        return;
    }
    int cut = lmx_key(kb, key, key_len, &k);
    MDB_val want = k;
    int rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
    /* A key longer than any stored one: its cut form sorts before it, so step over it. */
    if (rc == 0 && cut && bts_kvrange_cmp(k.mv_data, k.mv_size, want.mv_data, want.mv_size) == 0)
        rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);
    land(it, rc, &k, &v);
}

/* Position on the last key <= key (< key if exclusive); key NULL: the last key. */
static void seek_le(struct bt_storage_iter *it, const uint8_t *key, size_t key_len, int exclusive)
{
    uint8_t kb[LMX_KEY_MAX + 1];
    MDB_val k, v;
    int rc;
    if (!key) {
        rc = mdb_cursor_get(it->cur, &k, &v, MDB_LAST);
        land(it, rc, &k, &v);
        return;
    }
    if (lmx_key(kb, key, key_len, &k))
        exclusive = 0; /* the cut key sorts below the long one: it qualifies itself */
    MDB_val want = k;
    rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(it->cur, &k, &v, MDB_LAST);
    else if (rc == 0 &&
             (exclusive || bts_kvrange_cmp(k.mv_data, k.mv_size, want.mv_data, want.mv_size) != 0))
        rc = mdb_cursor_get(it->cur, &k, &v, MDB_PREV);
    land(it, rc, &k, &v);
}

void lmx_iter_seek(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    bts_kvrange_clamp_seek(&it->range, &key, &key_len);
    enter(it);
    seek_ge(it, key, key_len);
    leave(it);
}

void lmx_iter_seek_prev(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    int exclusive = bts_kvrange_clamp_seek_prev(&it->range, &key, &key_len);
    enter(it);
    seek_le(it, key, key_len, exclusive);
    leave(it);
}

static void step(struct bt_storage_iter *it, MDB_cursor_op op)
{
    if (!it->is_valid)
        return;
    MDB_val k, v;
    if (enter(it)) {
        /* The cursor lost its pages to a resize: find the current key again. It is still
         * there, since the transaction's view does not change. */
        uint8_t kb[LMX_KEY_MAX + 1];
        lmx_key(kb, it->key, it->key_len, &k);
        int rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_KEY);
        if (rc != 0) {
            land(it, rc == MDB_NOTFOUND ? MDB_BAD_TXN : rc, &k, &v);
            leave(it);
            return;
        }
    }
    int rc = mdb_cursor_get(it->cur, &k, &v, op);
    land(it, rc, &k, &v);
    leave(it);
}

void lmx_iter_next(struct bt_storage_iter *it)
{
    step(it, MDB_NEXT);
}

void lmx_iter_prev(struct bt_storage_iter *it)
{
    step(it, MDB_PREV);
}

int lmx_iter_valid(const struct bt_storage_iter *it)
{
    return it->is_valid;
}

void lmx_iter_entry(const struct bt_storage_iter *it, const uint8_t **out_key, size_t *out_key_len,
                    const uint8_t **out_value, size_t *out_value_len)
{
    *out_key = it->is_valid ? it->key : NULL;
    *out_key_len = it->is_valid ? it->key_len : 0;
    *out_value = it->is_valid ? it->val : NULL;
    *out_value_len = it->is_valid ? it->val_len : 0;
}

bt_status lmx_iter_status(const struct bt_storage_iter *it)
{
    return it->status;
}
