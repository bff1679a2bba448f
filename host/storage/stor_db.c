/* One open backend database inside the proxy: in-flight counting, references, and retirement
 * (the step of a swap after which the old database's handles answer BT_ESTALE). */
#include "stor_core_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double stor_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

bt_status db_open(const struct stor_backend *be, const char *path, int create, struct stor_db **out,
                  char *err, size_t err_cap)
{
    *out = NULL;
    struct stor_db *d = calloc(1, sizeof(*d));
    if (!d || !(d->path = strdup(path ? path : ""))) {
        free(d);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    d->be = be;
    d->refs = 1;
    pthread_mutex_init(&d->lock, NULL);
    struct bt_storage_open_opts o = {
        .struct_size = sizeof(o), .path = path, .flags = create ? BT_STORAGE_OPEN_CREATE : 0};
    if (be->h)
        hctx_clear_error(be->h);
    bt_status st = be->vt->open(be->self, &o, &d->db);
    if (st != BT_OK) {
        /* The backend left its message with the host (set_error); the caller adds it. */
        const char *msg = be->h ? hctx_error(be->h) : "";
        snprintf(err, err_cap, "%s: cannot open %s: %s", be->name, path ? path : "(memory)",
                 *msg ? msg : bts_status_str(st));
        d->db = NULL;
        db_unref(d);
        return st;
    }
    *out = d;
    return BT_OK;
}

int db_enter(struct stor_db *d)
{
    __atomic_add_fetch(&d->active, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&d->is_retired, __ATOMIC_SEQ_CST)) {
        db_leave(d);
        return 0;
    }
    return 1;
}

void db_leave(struct stor_db *d)
{
    __atomic_sub_fetch(&d->active, 1, __ATOMIC_SEQ_CST);
}

void db_ref(struct stor_db *d)
{
    __atomic_add_fetch(&d->refs, 1, __ATOMIC_SEQ_CST);
}

void db_unref(struct stor_db *d)
{
    if (!d || __atomic_sub_fetch(&d->refs, 1, __ATOMIC_SEQ_CST) != 0)
        return;
    pthread_mutex_destroy(&d->lock);
    free(d->path);
    free(d);
}

void db_retire_wait(struct stor_db *d)
{
    /* Dekker-style with db_enter: we store is_retired then read active; an operation adds to
     * active then reads is_retired. One of the two sees the other. */
    __atomic_store_n(&d->is_retired, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&d->active, __ATOMIC_SEQ_CST) != 0)
        usleep(100);
}

void db_close_retired(struct stor_db *d)
{
    const struct bt_storage_vtbl *vt = d->be->vt;
    pthread_mutex_lock(&d->lock);
    /* Iterators first: a backend iterator may read through its snapshot. */
    for (int pass = 0; pass < 2; pass++) {
        for (struct stor_handle *h = d->handles; h; h = h->next) {
            if (pass == 0 && h->is_iter) {
                struct stor_iter *it = (struct stor_iter *)h;
                vt->iter_free(it->bi);
                it->bi = NULL;
            } else if (pass == 1 && !h->is_iter) {
                struct stor_snap *sn = (struct stor_snap *)h;
                vt->snapshot_free(d->be->self, d->db, sn->bs);
                sn->bs = NULL;
            }
        }
    }
    if (d->db)
        vt->close(d->be->self, d->db);
    d->db = NULL;
    pthread_mutex_unlock(&d->lock);
}

const char *stor_step_name(enum stor_step step)
{
    static const char *const names[STOR_STEP_N] = {
        [STOR_STEP_COPY] = "copy",     [STOR_STEP_CAPTURE] = "capture",
        [STOR_STEP_PAUSE] = "pause",   [STOR_STEP_TAIL] = "tail",
        [STOR_STEP_VERIFY] = "verify", [STOR_STEP_RECORD] = "record",
        [STOR_STEP_SWITCH] = "switch", [STOR_STEP_RETIRE] = "retire",
    };
    return step < STOR_STEP_N ? names[step] : "?";
}

void stor_crash_point(enum stor_step step)
{
    /* Test-only: the crash matrix of tests/storage-swap kills the node at each step. */
    const char *at = getenv("BTTCD_TEST_CRASH_AT");
    if (at && strcmp(at, stor_step_name(step)) == 0)
        raise(SIGKILL);
}
