/* storage-lmdb: opening and closing environments, the per-directory process lock, and growing
 * the map when it fills. */
#include "lmdb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* LMDB allows several processes on one environment, but a datadir belongs to one node, so we
 * hold an exclusive flock on <path>/bttcd.lock. flock conflicts between two opens in one
 * process too; this list tells that case apart for the message. */
struct lmx_open_file {
    dev_t dev;
    ino_t ino;
};
static pthread_mutex_t lmx_open_mu = PTHREAD_MUTEX_INITIALIZER;
static struct lmx_open_file lmx_open_files[64];
static size_t lmx_n_open;

static int open_here(const struct stat *st)
{
    int found = 0;
    pthread_mutex_lock(&lmx_open_mu);
    for (size_t i = 0; i < lmx_n_open; i++)
        found |= lmx_open_files[i].dev == st->st_dev && lmx_open_files[i].ino == st->st_ino;
    pthread_mutex_unlock(&lmx_open_mu);
    return found;
}

static void open_files_add(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    pthread_mutex_lock(&lmx_open_mu);
    if (lmx_n_open < sizeof(lmx_open_files) / sizeof(lmx_open_files[0]))
        lmx_open_files[lmx_n_open++] = (struct lmx_open_file){st.st_dev, st.st_ino};
    pthread_mutex_unlock(&lmx_open_mu);
}

static void open_files_del(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    pthread_mutex_lock(&lmx_open_mu);
    for (size_t i = 0; i < lmx_n_open; i++) {
        if (lmx_open_files[i].dev == st.st_dev && lmx_open_files[i].ino == st.st_ino) {
            lmx_open_files[i] = lmx_open_files[--lmx_n_open];
            break;
        }
    }
    pthread_mutex_unlock(&lmx_open_mu);
}

static bt_status errno_status(int e)
{
    return e == EROFS ? BT_EPERM : BT_EIO;
}

static bt_status take_lock(struct lmx_plugin *pl, struct bt_storage_db *db)
{
    char file[4096];
    snprintf(file, sizeof(file), "%s/bttcd.lock", db->path);
    int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && db->is_readonly)
        fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        LMX_ERR(pl, "cannot open database %s: %s: %s", db->path, file, strerror(e));
        return errno_status(e);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        struct stat st;
        int here = fstat(fd, &st) == 0 && open_here(&st);
        close(fd);
        if (e != EWOULDBLOCK) {
            LMX_ERR(pl, "cannot lock database %s: %s", db->path, strerror(e));
            return BT_EIO;
        }
        if (here)
            LMX_ERR(pl, "database %s is already open in this process", db->path);
        else
            LMX_ERR(pl, "database %s is locked by another process", db->path);
        return BT_EBUSY;
    }
    db->lock_fd = fd;
    open_files_add(fd);
    return BT_OK;
}

/* Make sure the directory and its data file are there (or may be made). */
static bt_status check_path(struct lmx_plugin *pl, const char *path, int create)
{
    char file[4096];
    struct stat st;
    snprintf(file, sizeof(file), "%s/data.mdb", path);
    if (stat(file, &st) == 0)
        return BT_OK;
    int e = errno;
    if (!create && (e == ENOENT || e == ENOTDIR)) {
        LMX_ERR(pl, "no database at %s", path);
        return BT_ENOTFOUND;
    }
    if (e == ENOENT && (mkdir(path, 0755) == 0 || errno == EEXIST))
        return BT_OK;
    if (e == ENOENT)
        e = errno;
    LMX_ERR(pl, "cannot open database %s: %s", path, strerror(e));
    return errno_status(e);
}

static bt_status open_env(struct lmx_plugin *pl, struct bt_storage_db *db)
{
    unsigned flags = MDB_NOTLS | MDB_NOMETASYNC;
    if (pl->conf.no_sync)
        flags |= MDB_NOSYNC;
    if (db->is_readonly)
        flags |= MDB_RDONLY;
    int rc = mdb_env_create(&db->env);
    if (rc == 0)
        rc = mdb_env_set_mapsize(db->env, (size_t)pl->conf.map_size_mb << 20);
    if (rc == 0)
        rc = mdb_env_set_maxreaders(db->env, pl->conf.max_readers);
    if (rc == 0)
        rc = mdb_env_open(db->env, db->path, flags, 0644);
    MDB_txn *txn = NULL;
    if (rc == 0)
        rc = mdb_txn_begin(db->env, NULL, db->is_readonly ? MDB_RDONLY : 0, &txn);
    if (rc == 0)
        rc = mdb_dbi_open(txn, NULL, 0, &db->dbi);
    if (rc == 0) {
        rc = mdb_txn_commit(txn);
        txn = NULL;
    }
    if (txn)
        mdb_txn_abort(txn);
    if (rc == 0)
        return BT_OK;
    LMX_ERR(pl, "cannot open database %s: %s", db->path, mdb_strerror(rc));
    return rc == EROFS || rc == EACCES ? BT_EPERM : BT_EIO;
}

bt_status lmx_open(void *self, const struct bt_storage_open_opts *opts,
                   struct bt_storage_db **out_db)
{
    struct lmx_plugin *pl = self;
    *out_db = NULL;
    if (!opts->path || opts->path[0] != '/') {
        LMX_ERR(pl, "database path must be absolute: %s", opts->path ? opts->path : "(null)");
        return BT_EINVAL;
    }
    int is_ro = (opts->flags & BT_STORAGE_OPEN_READONLY) != 0;
    bt_status st = check_path(pl, opts->path, (opts->flags & BT_STORAGE_OPEN_CREATE) && !is_ro);
    if (st != BT_OK)
        return st;
    struct bt_storage_db *db = calloc(1, sizeof(*db));
    if (!db || !(db->path = strdup(opts->path))) {
        free(db);
        LMX_ERR(pl, "out of memory opening %s", opts->path);
        return BT_ENOMEM;
    }
    db->pl = pl;
    db->lock_fd = -1;
    db->is_readonly = is_ro;
    pthread_rwlock_init(&db->map_lock, NULL);
    pthread_mutex_init(&db->write_mu, NULL);
    pthread_mutex_init(&db->pool_mu, NULL);
    atomic_init(&db->map_gen, 0);
    st = take_lock(pl, db);
    if (st == BT_OK)
        st = open_env(pl, db);
    if (st != BT_OK) {
        lmx_close(self, db);
        return st;
    }
    *out_db = db;
    return BT_OK;
}

void lmx_close(void *self, struct bt_storage_db *db)
{
    (void)self;
    if (!db)
        return;
    for (size_t i = 0; i < db->n_pool; i++)
        mdb_txn_abort(db->pool[i]);
    if (db->env)
        mdb_env_close(db->env);
    if (db->lock_fd >= 0) {
        open_files_del(db->lock_fd);
        close(db->lock_fd); /* drops the flock */
    }
    pthread_mutex_destroy(&db->pool_mu);
    pthread_mutex_destroy(&db->write_mu);
    pthread_rwlock_destroy(&db->map_lock);
    free(db->path);
    free(db);
}

bt_status lmx_grow(struct bt_storage_db *db)
{
    MDB_envinfo info;
    pthread_rwlock_wrlock(&db->map_lock);
    mdb_env_info(db->env, &info);
    size_t size = info.me_mapsize * 2;
    /* LMDB wants no transaction active while it remaps (lmdb.h, mdb_env_set_mapsize). Reads
     * are kept out by map_lock; open snapshots only keep their reader slot, and cursors
     * re-seek when map_gen moves. */
    int rc = size > info.me_mapsize ? mdb_env_set_mapsize(db->env, size) : ENOMEM;
    if (rc == 0)
        atomic_fetch_add(&db->map_gen, 1);
    pthread_rwlock_unlock(&db->map_lock);
    if (rc != 0) {
        LMX_ERR(db->pl, "database %s: cannot grow the map to %zu bytes: %s", db->path, size,
                mdb_strerror(rc));
        return BT_ENOMEM;
    }
    return BT_OK;
}
