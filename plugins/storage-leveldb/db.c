/* storage-leveldb: open/close with the error mapping storage.h asks for, point reads, write
 * batches and snapshots. LevelDB itself is thread-safe for all of these. */
#include "ldb_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Map a failed leveldb_open to a status and a message naming the path. LevelDB reports the
 * LOCK file's fcntl failure as "IO error: lock <path>/LOCK: <strerror>" and a second open in
 * this process as "... already held by process" (util/env_posix.cc). */
static bt_status open_error(struct ldb_plugin *pl, const char *path, const char *err)
{
    if (strstr(err, "/LOCK") && (strstr(err, "already held") || strstr(err, "unavailable"))) {
        if (strstr(err, "already held"))
            LDB_ERR(pl, "database %s is already open in this process", path);
        else
            LDB_ERR(pl, "database %s is locked by another process", path);
        return BT_EBUSY;
    }
    LDB_ERR(pl, "cannot open database %s: %s", path, err);
    return strstr(err, "Read-only file system") ? BT_EPERM : BT_EIO;
}

/* Without CREATE a database must already be there: checked before LevelDB runs, since it
 * makes the directory even when it then refuses to create the database. */
static bt_status check_exists(struct ldb_plugin *pl, const char *path)
{
    char cur[4096];
    struct stat st;
    snprintf(cur, sizeof(cur), "%s/CURRENT", path);
    if (stat(cur, &st) == 0)
        return BT_OK;
    if (errno == ENOENT || errno == ENOTDIR) {
        LDB_ERR(pl, "no database at %s", path);
        return BT_ENOTFOUND;
    }
    LDB_ERR(pl, "cannot open database %s: %s", path, strerror(errno));
    return BT_EIO;
}

static leveldb_options_t *make_options(struct ldb_plugin *pl, int create)
{
    leveldb_options_t *o = leveldb_options_create();
    leveldb_options_set_create_if_missing(o, (unsigned char)create);
    leveldb_options_set_cache(o, pl->cache);
    if (pl->bloom)
        leveldb_options_set_filter_policy(o, pl->bloom);
    leveldb_options_set_write_buffer_size(o, (size_t)pl->conf.write_buffer_mb << 20);
    leveldb_options_set_max_open_files(o, (int)pl->conf.max_open_files);
    leveldb_options_set_compression(o, pl->conf.compression == 0 ? leveldb_snappy_compression
                                                                 : leveldb_no_compression);
    return o;
}

bt_status ldb_open(void *self, const struct bt_storage_open_opts *opts,
                   struct bt_storage_db **out_db)
{
    struct ldb_plugin *pl = self;
    *out_db = NULL;
    if (!opts->path || opts->path[0] != '/') {
        LDB_ERR(pl, "database path must be absolute: %s", opts->path ? opts->path : "(null)");
        return BT_EINVAL;
    }
    int create =
        (opts->flags & BT_STORAGE_OPEN_CREATE) && !(opts->flags & BT_STORAGE_OPEN_READONLY);
    if (!create) {
        bt_status st = check_exists(pl, opts->path);
        if (st != BT_OK)
            return st;
    }
    struct bt_storage_db *db = calloc(1, sizeof(*db));
    if (!db || !(db->path = strdup(opts->path))) {
        free(db);
        LDB_ERR(pl, "out of memory opening %s", opts->path);
        return BT_ENOMEM;
    }
    db->pl = pl;
    db->is_readonly = (opts->flags & BT_STORAGE_OPEN_READONLY) != 0;
    leveldb_options_t *o = make_options(pl, create);
    char *err = NULL;
    db->ldb = leveldb_open(o, opts->path, &err);
    leveldb_options_destroy(o); /* the DB keeps its own copy */
    if (err) {
        bt_status st = open_error(pl, opts->path, err);
        leveldb_free(err);
        ldb_close(self, db);
        return st;
    }
    db->ro = leveldb_readoptions_create();
    db->w_async = leveldb_writeoptions_create();
    db->w_sync = leveldb_writeoptions_create();
    leveldb_writeoptions_set_sync(db->w_sync, 1);
    *out_db = db;
    return BT_OK;
}

void ldb_close(void *self, struct bt_storage_db *db)
{
    (void)self;
    if (!db)
        return;
    if (db->ldb)
        leveldb_close(db->ldb);
    if (db->ro)
        leveldb_readoptions_destroy(db->ro);
    if (db->w_async)
        leveldb_writeoptions_destroy(db->w_async);
    if (db->w_sync)
        leveldb_writeoptions_destroy(db->w_sync);
    free(db->path);
    free(db);
}

static void value_release(struct bt_value *v)
{
    leveldb_free(v->opaque);
}

bt_status ldb_get(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                  const uint8_t *key, size_t key_len, struct bt_value *out)
{
    struct ldb_plugin *pl = self;
    char *err = NULL;
    size_t len = 0;
    char *val =
        leveldb_get(db->ldb, snap ? snap->ro : db->ro, (const char *)key, key_len, &len, &err);
    *out = (struct bt_value){0};
    if (err) {
        LDB_ERR(pl, "read from %s: %s", db->path, err);
        leveldb_free(err);
        return BT_EIO;
    }
    /* A found empty value comes back as malloc(0), which glibc makes a unique non-NULL
     * pointer; NULL means not found (db/c.cc). */
    if (!val)
        return BT_ENOTFOUND;
    *out = (struct bt_value){
        .data = (const uint8_t *)val, .len = len, .release = value_release, .opaque = val};
    return BT_OK;
}

bt_status ldb_write(void *self, struct bt_storage_db *db, const struct bt_storage_batch *batch)
{
    struct ldb_plugin *pl = self;
    if (db->is_readonly) {
        LDB_ERR(pl, "database %s is open read-only", db->path);
        return BT_EPERM;
    }
    for (size_t i = 0; i < batch->n_ops; i++) {
        uint32_t t = batch->ops[i].type;
        if (t != BT_STORAGE_PUT && t != BT_STORAGE_DELETE) {
            LDB_ERR(pl, "batch op %zu: unknown type %u", i, t);
            return BT_EINVAL;
        }
    }
    leveldb_writebatch_t *wb = leveldb_writebatch_create();
    for (size_t i = 0; i < batch->n_ops; i++) {
        const struct bt_storage_op *op = &batch->ops[i];
        if (op->type == BT_STORAGE_PUT)
            leveldb_writebatch_put(wb, (const char *)op->key, op->key_len, (const char *)op->value,
                                   op->value_len);
        else
            leveldb_writebatch_delete(wb, (const char *)op->key, op->key_len);
    }
    char *err = NULL;
    leveldb_write(db->ldb, (batch->flags & BT_STORAGE_SYNC) ? db->w_sync : db->w_async, wb, &err);
    leveldb_writebatch_destroy(wb);
    if (err) {
        LDB_ERR(pl, "write to %s: %s", db->path, err);
        leveldb_free(err);
        return BT_EIO;
    }
    return BT_OK;
}

bt_status ldb_snapshot_new(void *self, struct bt_storage_db *db,
                           struct bt_storage_snapshot **out_snap)
{
    (void)self;
    struct bt_storage_snapshot *s = malloc(sizeof(*s));
    *out_snap = s;
    if (!s)
        return BT_ENOMEM;
    s->snap = leveldb_create_snapshot(db->ldb);
    s->ro = leveldb_readoptions_create();
    leveldb_readoptions_set_snapshot(s->ro, s->snap);
    return BT_OK;
}

void ldb_snapshot_free(void *self, struct bt_storage_db *db, struct bt_storage_snapshot *snap)
{
    (void)self;
    if (!snap)
        return;
    leveldb_readoptions_destroy(snap->ro);
    leveldb_release_snapshot(db->ldb, snap->snap);
    free(snap);
}
