/* storage-lmdb: point reads, write batches (one write transaction each, so a batch is atomic
 * also across a crash), snapshots (read transactions) and figures. */
#include "lmdb_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int lmx_key(uint8_t buf[LMX_KEY_MAX + 1], const uint8_t *key, size_t key_len, MDB_val *out)
{
    int cut = key_len > LMX_KEY_MAX;
    if (cut)
        key_len = LMX_KEY_MAX;
    buf[0] = LMX_KEY_PREFIX;
    if (key_len)
        memcpy(buf + 1, key, key_len);
    out->mv_data = buf;
    out->mv_size = key_len + 1;
    return cut;
}

/* A reset read transaction from the pool, renewed; or a new one. map_lock held. */
static int pool_take(struct bt_storage_db *db, MDB_txn **out)
{
    MDB_txn *txn = NULL;
    pthread_mutex_lock(&db->pool_mu);
    if (db->n_pool)
        txn = db->pool[--db->n_pool];
    pthread_mutex_unlock(&db->pool_mu);
    if (txn) {
        int rc = mdb_txn_renew(txn);
        if (rc == 0) {
            *out = txn;
            return 0;
        }
        mdb_txn_abort(txn);
    }
    return mdb_txn_begin(db->env, NULL, MDB_RDONLY, out);
}

static void pool_give(struct bt_storage_db *db, MDB_txn *txn)
{
    mdb_txn_reset(txn);
    pthread_mutex_lock(&db->pool_mu);
    if (db->n_pool < LMX_POOL_MAX) {
        db->pool[db->n_pool++] = txn;
        txn = NULL;
    }
    pthread_mutex_unlock(&db->pool_mu);
    if (txn)
        mdb_txn_abort(txn);
}

static void value_release(struct bt_value *v)
{
    free(v->opaque);
}

bt_status lmx_get(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                  const uint8_t *key, size_t key_len, struct bt_value *out)
{
    struct lmx_plugin *pl = self;
    *out = (struct bt_value){0};
    uint8_t kb[LMX_KEY_MAX + 1];
    MDB_val k, v;
    if (lmx_key(kb, key, key_len, &k))
        return BT_ENOTFOUND; /* too long to have been stored */
    struct bt_storage_snapshot *s = (struct bt_storage_snapshot *)snap;
    MDB_txn *txn = NULL;
    uint8_t *copy = NULL;
    pthread_rwlock_rdlock(&db->map_lock);
    int rc;
    if (s) {
        pthread_mutex_lock(&s->mu);
        txn = s->txn;
        rc = 0;
    } else {
        rc = pool_take(db, &txn);
    }
    if (rc == 0)
        rc = mdb_get(txn, db->dbi, &k, &v);
    /* Copy out: the map may be remapped by a resize once map_lock is released. */
    if (rc == 0 && (copy = malloc(v.mv_size ? v.mv_size : 1)) != NULL && v.mv_size)
        memcpy(copy, v.mv_data, v.mv_size);
    if (s)
        pthread_mutex_unlock(&s->mu);
    else if (txn)
        pool_give(db, txn);
    pthread_rwlock_unlock(&db->map_lock);
    if (rc == MDB_NOTFOUND)
        return BT_ENOTFOUND;
    if (rc != 0) {
        LMX_ERR(pl, "read from %s: %s", db->path, mdb_strerror(rc));
        return rc == MDB_READERS_FULL ? BT_EBUSY : BT_EIO;
    }
    if (!copy) {
        LMX_ERR(pl, "out of memory reading a %zu-byte value", v.mv_size);
        return BT_ENOMEM;
    }
    *out =
        (struct bt_value){.data = copy, .len = v.mv_size, .release = value_release, .opaque = copy};
    return BT_OK;
}

/* Apply every op in one write transaction. map_lock (read) and write_mu held. */
static int apply(struct bt_storage_db *db, const struct bt_storage_batch *batch)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(db->env, NULL, 0, &txn);
    for (size_t i = 0; rc == 0 && i < batch->n_ops; i++) {
        const struct bt_storage_op *op = &batch->ops[i];
        uint8_t kb[LMX_KEY_MAX + 1];
        MDB_val k, v = {op->value_len, (void *)op->value};
        lmx_key(kb, op->key, op->key_len, &k);
        if (op->type == BT_STORAGE_PUT) {
            rc = mdb_put(txn, db->dbi, &k, &v, 0);
        } else {
            rc = mdb_del(txn, db->dbi, &k, NULL);
            if (rc == MDB_NOTFOUND)
                rc = 0;
        }
    }
    if (rc == 0)
        return mdb_txn_commit(txn);
    if (txn)
        mdb_txn_abort(txn);
    return rc;
}

static bt_status check_batch(struct lmx_plugin *pl, struct bt_storage_db *db,
                             const struct bt_storage_batch *batch)
{
    if (db->is_readonly) {
        LMX_ERR(pl, "database %s is open read-only", db->path);
        return BT_EPERM;
    }
    for (size_t i = 0; i < batch->n_ops; i++) {
        const struct bt_storage_op *op = &batch->ops[i];
        if (op->type != BT_STORAGE_PUT && op->type != BT_STORAGE_DELETE) {
            LMX_ERR(pl, "batch op %zu: unknown type %u", i, op->type);
            return BT_EINVAL;
        }
        if (op->key_len > LMX_KEY_MAX) {
            LMX_ERR(pl, "batch op %zu: key too long: %zu bytes, max %d", i, op->key_len,
                    LMX_KEY_MAX);
            return BT_EINVAL;
        }
    }
    return BT_OK;
}

bt_status lmx_write(void *self, struct bt_storage_db *db, const struct bt_storage_batch *batch)
{
    struct lmx_plugin *pl = self;
    bt_status st = check_batch(pl, db, batch);
    if (st != BT_OK)
        return st;
    pthread_mutex_lock(&db->write_mu);
    int rc;
    for (;;) {
        pthread_rwlock_rdlock(&db->map_lock);
        rc = apply(db, batch);
        pthread_rwlock_unlock(&db->map_lock);
        if (rc != MDB_MAP_FULL)
            break;
        st = lmx_grow(db); /* the batch was aborted whole: grow and run it again */
        if (st != BT_OK)
            break;
    }
    if (rc == 0 && (batch->flags & BT_STORAGE_SYNC))
        rc = mdb_env_sync(db->env, 1);
    pthread_mutex_unlock(&db->write_mu);
    if (st != BT_OK)
        return st;
    if (rc != 0) {
        LMX_ERR(pl, "write to %s: %s", db->path, mdb_strerror(rc));
        return BT_EIO;
    }
    return BT_OK;
}

bt_status lmx_snapshot_new(void *self, struct bt_storage_db *db,
                           struct bt_storage_snapshot **out_snap)
{
    struct lmx_plugin *pl = self;
    struct bt_storage_snapshot *s = calloc(1, sizeof(*s));
    *out_snap = NULL;
    if (!s)
        return BT_ENOMEM;
    pthread_rwlock_rdlock(&db->map_lock); /* txn_begin reads the meta pages in the map */
    int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &s->txn);
    pthread_rwlock_unlock(&db->map_lock);
    if (rc != 0) {
        free(s);
        LMX_ERR(pl, "snapshot of %s: %s", db->path, mdb_strerror(rc));
        return rc == MDB_READERS_FULL ? BT_EBUSY : BT_EIO;
    }
    pthread_mutex_init(&s->mu, NULL);
    *out_snap = s;
    return BT_OK;
}

void lmx_snapshot_free(void *self, struct bt_storage_db *db, struct bt_storage_snapshot *snap)
{
    (void)self, (void)db;
    if (!snap)
        return;
    mdb_txn_abort(snap->txn);
    pthread_mutex_destroy(&snap->mu);
    free(snap);
}

bt_status lmx_stats(void *self, struct bt_storage_db *db, struct bt_storage_stats *out)
{
    (void)self;
    MDB_stat ms;
    pthread_rwlock_rdlock(&db->map_lock);
    int rc = mdb_env_stat(db->env, &ms);
    pthread_rwlock_unlock(&db->map_lock);
    if (rc != 0)
        return BT_EIO;
    out->approx_keys = ms.ms_entries;
    /* Pages in use: keys and values plus B-tree overhead. */
    out->approx_bytes =
        (uint64_t)(ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages) * ms.ms_psize;
    char file[4096];
    struct stat st;
    snprintf(file, sizeof(file), "%s/data.mdb", db->path);
    out->disk_bytes = stat(file, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0; /* sparse file */
    return BT_OK;
}

bt_status lmx_compact(void *self, struct bt_storage_db *db, const struct bt_storage_range *range)
{
    /* LMDB reuses freed pages itself and has no compaction to hint at. */
    (void)self, (void)db, (void)range;
    return BT_OK;
}
