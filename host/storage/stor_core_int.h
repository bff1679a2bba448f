/* Inside the storage proxy: the open databases with their in-flight counts, the handle lists a
 * retirement empties, and the commit path's capture state that a swap drives. Shared by the
 * stor_*.c files only. */
#ifndef BTTCD_STOR_CORE_INT_H
#define BTTCD_STOR_CORE_INT_H

#include <pthread.h>

#include "stor_int.h"

/** A snapshot or iterator, linked into its database's list so retirement can free the
 *  backend object behind it. */
struct stor_handle {
    struct stor_handle *prev, *next;
    int is_iter;
    struct stor_db *d;
};

/** One open database. Operations on it run between db_enter and db_leave; retirement sets
 *  is_retired, waits until nothing is in flight, then frees every backend handle and closes.
 *  The struct itself lives until its last reference (proxy or handle) is dropped. */
struct stor_db {
    const struct stor_backend *be;
    struct bt_storage_db *db; /* NULL once closed */
    char *path;
    int active;     /* __atomic, seq_cst: operations in flight */
    int is_retired; /* __atomic, seq_cst */
    int refs;       /* __atomic */
    pthread_mutex_t lock;
    struct stor_handle *handles; /* under lock */
};

struct stor_snap {
    struct stor_handle h;
    struct bt_storage_snapshot *bs; /* NULL once retired */
};

struct stor_iter {
    struct stor_handle h;
    struct bt_storage_iter *bi; /* NULL once retired */
    struct stor_ns ns;
    uint8_t *kbuf; /* prefixed seek keys */
    size_t kbuf_cap;
};

/** One captured batch: backend ops pointing into the same allocation. */
struct stor_log_batch {
    struct stor_log_batch *next;
    size_t n_ops;
    struct bt_storage_op ops[];
};

struct stor_log {
    struct stor_log_batch *head, *tail;
    size_t n_batches, n_ops;
};

struct stor {
    pthread_rwlock_t cur_lock; /* cur may change only with this and commit_lock held */
    struct stor_db *cur;
    uint64_t generation; /* __atomic */
    pthread_mutex_t commit_lock;
    /* Under commit_lock: */
    int is_capturing;       /* append each committed batch to log */
    struct stor_log log;    /* captured since the swap's snapshot */
    bt_status capture_st;   /* first failure to capture (ENOMEM): the swap aborts */
    struct stor_db *mirror; /* after the pause: every commit also goes here */
    bt_status mirror_st;    /* first failure writing the mirror: the swap aborts */
    int is_measuring;
    double max_wait_ms;
    struct stor_swap *swap; /* loop thread */
};

/** Open `path` on `be` into a new stor_db (one reference). */
bt_status db_open(const struct stor_backend *be, const char *path, int create, struct stor_db **out,
                  char *err, size_t err_cap);
/** Begin an operation on d: 0 (and nothing entered) when d is retired. */
int db_enter(struct stor_db *d);
void db_leave(struct stor_db *d);
void db_ref(struct stor_db *d);
/** Drop a reference; the last one frees the struct (the database must be closed). */
void db_unref(struct stor_db *d);
/** Mark retired and wait for in-flight operations (may sleep: call from a worker when others
 *  run). Then db_close_retired frees every backend handle and closes (Thread: loop). */
void db_retire_wait(struct stor_db *d);
void db_close_retired(struct stor_db *d);
/** The current db with an operation entered (db_leave when done). */
struct stor_db *stor_cur_enter(struct stor *s);

/** Commit a batch whose keys already carry their prefixes (import). Like stor_write. */
bt_status stor_write_raw(struct stor *s, const struct bt_storage_batch *b);

/** Free every batch of a log. */
void stor_log_clear(struct stor_log *l);
/** Apply a log's batches in order to d. BT_OK or the first failure. */
bt_status stor_log_apply(const struct stor_log *l, struct stor_db *d);

#endif /* BTTCD_STOR_CORE_INT_H */
