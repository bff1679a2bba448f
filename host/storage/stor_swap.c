/* Hot swap of the storage backend while the node serves (DESIGN.md §6). Steps, each a short
 * loop callback or a worker job so the loop never blocks for long:
 *   start   write the intent (storage.swap), open the target, take a snapshot of the old
 *           database and start capturing commits, all at one commit boundary;
 *   copy    copy the snapshot in chunks (worker), reporting progress;
 *   capture apply what commits captured meanwhile, in rounds, without stopping them;
 *   pause   hold the commit lock at a batch boundary, apply the tail, take a snapshot on each
 *           side and from now on mirror every commit to the target too; release;
 *   verify  count and digest both snapshots (two workers) and compare;
 *   record  under the commit lock: write storage.record naming the target (the commit point);
 *   switch  then, still under it, make the target current;
 *   retire  wait for operations in flight on the old database, close it (its handles now
 *           answer BT_ESTALE), delete its files and the intent.
 * Any failure before the record aborts: the node stays on the old database, the target is
 * deleted. A crash anywhere is finished by stor_recover at the next start. */
#include "stor_core_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log_int.h"

/* A chunk is one backend batch: big enough to amortise a commit, small enough that a worker
 * job stays short. The tail is applied inside the pause once at most this many ops remain. */
#define CHUNK_KEYS  8192
#define CHUNK_BYTES (8u << 20)
#define TAIL_OPS    2048
#define CATCHUP_MAX 32
#define PROGRESS_MS 1000.0

struct stor_swap {
    struct stor *s;
    struct host_rt *rt;
    char *datadir;
    const struct stor_backend *to;
    struct stor_db *od, *nd; /* old (a reference) and new */
    struct stor_record from_rec, to_rec;
    stor_swap_fn fn;
    void *arg;
    struct bt_storage_snapshot *s0;            /* old, at the capture start: the copy source */
    struct bt_storage_iter *it;                /* over s0 */
    struct bt_storage_snapshot *v_old, *v_new; /* both sides at the pause */
    struct stor_digest dig_old, dig_new;
    bt_status st_old, st_new;
    int n_verify;
    int copy_done;
    struct bt_storage_op *ops; /* chunk buffer (worker) */
    uint8_t *buf;
    size_t buf_cap;
    double t_start, t_last;
    bt_status st; /* the worker's result */
    struct stor_swap_report rep;
};

static void step_failed(struct stor_swap *w, bt_status st, const char *fmt, ...) BT_PRINTF(3, 4);

static void report(struct stor_swap *w)
{
    struct stor_swap_report *r = &w->rep;
    r->elapsed_ms = stor_now_ms() - w->t_start;
    r->rate_keys_s = r->elapsed_ms > 0 ? (double)r->keys_copied * 1e3 / r->elapsed_ms : 0;
    r->eta_s = -1;
    if (r->keys_total_est > r->keys_copied && r->rate_keys_s > 0) {
        r->eta_s = (double)(r->keys_total_est - r->keys_copied) / r->rate_keys_s;
    } else if (r->keys_total_est == 0 && r->bytes_total_est > r->bytes_copied &&
               r->bytes_copied > 0 && r->elapsed_ms > 0) {
        double bytes_per_ms = (double)r->bytes_copied / r->elapsed_ms;
        r->eta_s = (double)(r->bytes_total_est - r->bytes_copied) / bytes_per_ms / 1e3;
    }
    if (w->fn)
        w->fn(w->arg, r);
}

static void submit(struct stor_swap *w, bt_work_fn job, bt_work_done_fn done)
{
    bt_status st = workers_submit(&w->rt->workers, w, job, done, w);
    if (st != BT_OK)
        step_failed(w, st, "cannot queue work: %s", bts_status_str(st));
}

/* --- end of a swap ------------------------------------------------------------------------ */

static void finish(struct stor_swap *w)
{
    struct stor_swap_report *r = &w->rep;
    r->is_done = 1;
    report(w);
    if (r->status == BT_OK) {
        char hex[65];
        stor_digest_hex(&r->digest, hex);
        hlog(BT_LOG_INFO, "storage swap done",
             "from=%s to=%s path=\"%s\" keys=%llu tail_ops=%llu ms=%.0f keys_per_s=%.0f "
             "pause_ms=%.2f max_commit_wait_ms=%.2f digest=%s",
             r->from, r->to, r->to_path, (unsigned long long)r->digest.n_keys,
             (unsigned long long)r->tail_ops, r->elapsed_ms, r->rate_keys_s, r->pause_ms,
             r->max_commit_wait_ms, hex);
    } else {
        hlog(BT_LOG_ERROR, "storage swap aborted", "from=%s to=%s err=%s", r->from, r->to,
             LOG_Q(r->error));
    }
    w->s->swap = NULL;
    db_unref(w->od);
    free(w->ops);
    free(w->buf);
    free(w->datadir);
    free(w);
}

static void free_handles(struct stor_swap *w)
{
    if (w->it)
        w->od->be->vt->iter_free(w->it);
    if (w->s0)
        w->od->be->vt->snapshot_free(w->od->be->self, w->od->db, w->s0);
    if (w->v_old)
        w->od->be->vt->snapshot_free(w->od->be->self, w->od->db, w->v_old);
    if (w->v_new)
        w->nd->be->vt->snapshot_free(w->nd->be->self, w->nd->db, w->v_new);
    w->it = NULL;
    w->s0 = w->v_old = w->v_new = NULL;
}

/* Abort before the record: the node stays on the old database; the target goes away. */
static void step_failed(struct stor_swap *w, bt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->rep.error, sizeof(w->rep.error), fmt, ap);
    va_end(ap);
    w->rep.status = st;
    struct stor *s = w->s;
    pthread_mutex_lock(&s->commit_lock);
    s->is_capturing = 0;
    s->mirror = NULL;
    s->is_measuring = 0;
    w->rep.max_commit_wait_ms = s->max_wait_ms;
    stor_log_clear(&s->log);
    pthread_mutex_unlock(&s->commit_lock);
    free_handles(w);
    if (w->nd) {
        db_retire_wait(w->nd);
        db_close_retired(w->nd);
        db_unref(w->nd);
        w->nd = NULL;
        if (stor_remove_tree(w->to_rec.path) != BT_OK)
            hlog(BT_LOG_WARN, "storage swap: cannot remove the target", "path=\"%s\"",
                 w->to_rec.path);
    }
    if (stor_intent_clear(w->datadir) != BT_OK)
        hlog(BT_LOG_WARN, "storage swap: cannot remove the intent file", "datadir=\"%s\"",
             w->datadir);
    finish(w);
}

/* --- retire ------------------------------------------------------------------------------- */

static void job_cleanup(void *arg)
{
    struct stor_swap *w = arg;
    w->st = stor_remove_tree(w->from_rec.path);
    if (w->st == BT_OK)
        w->st = stor_intent_clear(w->datadir);
}

static void done_cleanup(void *arg, bt_status st)
{
    struct stor_swap *w = arg;
    if (st != BT_OK || w->st != BT_OK)
        hlog(BT_LOG_WARN, "storage swap: old database not removed (the next start removes it)",
             "path=\"%s\"", w->from_rec.path);
    finish(w);
}

static void job_retire_wait(void *arg)
{
    struct stor_swap *w = arg;
    db_retire_wait(w->od);
}

static void done_retire(void *arg, bt_status st)
{
    struct stor_swap *w = arg;
    if (st != BT_OK) /* shutting down: wait here, the old database must close */
        db_retire_wait(w->od);
    db_close_retired(w->od);
    stor_crash_point(STOR_STEP_RETIRE);
    if (st != BT_OK) {
        finish(w); /* the intent stays: the next start deletes the old files */
        return;
    }
    bt_status sst = workers_submit(&w->rt->workers, w, job_cleanup, done_cleanup, w);
    if (sst != BT_OK)
        finish(w);
}

/* --- record and switch: one critical section, so no commit falls between them ---------- */

static void job_switch(void *arg)
{
    struct stor_swap *w = arg;
    struct stor *s = w->s;
    char err[512] = "";
    pthread_mutex_lock(&s->commit_lock);
    w->st = s->mirror_st;
    if (w->st != BT_OK) {
        snprintf(w->rep.error, sizeof(w->rep.error), "writing the target: %s",
                 bts_status_str(w->st));
    } else if ((w->st = stor_record_write(w->datadir, &w->to_rec, err, sizeof(err))) != BT_OK) {
        snprintf(w->rep.error, sizeof(w->rep.error), "record: %.480s", err);
    } else {
        stor_crash_point(STOR_STEP_RECORD);
        pthread_rwlock_wrlock(&s->cur_lock);
        s->cur = w->nd;
        __atomic_add_fetch(&s->generation, 1, __ATOMIC_SEQ_CST);
        pthread_rwlock_unlock(&s->cur_lock);
        s->mirror = NULL;
        s->is_measuring = 0;
        w->rep.max_commit_wait_ms = s->max_wait_ms;
    }
    pthread_mutex_unlock(&s->commit_lock);
}

static void done_switch(void *arg, bt_status st)
{
    struct stor_swap *w = arg;
    if (st != BT_OK || w->st != BT_OK) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", st != BT_OK ? "cancelled" : w->rep.error);
        step_failed(w, st != BT_OK ? st : w->st, "%s", msg);
        return;
    }
    /* The proxy owns the new database now and drops its reference to the old one; the swap
     * keeps its own until the end. */
    w->nd = NULL;
    db_unref(w->od);
    stor_crash_point(STOR_STEP_SWITCH);
    hlog(BT_LOG_INFO, "storage switched", "backend=%s path=\"%s\" generation=%llu", w->to->name,
         w->to_rec.path, (unsigned long long)stor_generation(w->s));
    w->rep.step = STOR_STEP_RETIRE;
    report(w);
    submit(w, job_retire_wait, done_retire);
}

/* --- verify ------------------------------------------------------------------------------- */

static void job_digest_old(void *arg)
{
    struct stor_swap *w = arg;
    w->st_old = stor_digest_db(w->od->be->vt, w->od->be->self, w->od->db, w->v_old, &w->dig_old);
}

static void job_digest_new(void *arg)
{
    struct stor_swap *w = arg;
    w->st_new = stor_digest_db(w->nd->be->vt, w->nd->be->self, w->nd->db, w->v_new, &w->dig_new);
}

static void done_digest(void *arg, bt_status st)
{
    struct stor_swap *w = arg;
    if (st != BT_OK) {
        w->st_old = w->st_old ? w->st_old : st;
        w->st_new = w->st_new ? w->st_new : st;
    }
    if (--w->n_verify > 0)
        return;
    w->od->be->vt->snapshot_free(w->od->be->self, w->od->db, w->v_old);
    w->nd->be->vt->snapshot_free(w->nd->be->self, w->nd->db, w->v_new);
    w->v_old = w->v_new = NULL;
    if (w->st_old != BT_OK || w->st_new != BT_OK) {
        step_failed(w, w->st_old ? w->st_old : w->st_new, "verify: reading %s: %s",
                    w->st_old ? "the old database" : "the target",
                    bts_status_str(w->st_old ? w->st_old : w->st_new));
        return;
    }
    if (w->dig_old.n_keys != w->dig_new.n_keys ||
        memcmp(w->dig_old.hash, w->dig_new.hash, 32) != 0) {
        char a[65], b[65];
        stor_digest_hex(&w->dig_old, a);
        stor_digest_hex(&w->dig_new, b);
        step_failed(w, BT_EIO, "verify: old has %llu keys digest %s, target %llu keys digest %s",
                    (unsigned long long)w->dig_old.n_keys, a, (unsigned long long)w->dig_new.n_keys,
                    b);
        return;
    }
    w->rep.digest = w->dig_old;
    stor_crash_point(STOR_STEP_VERIFY);
    w->rep.step = STOR_STEP_SWITCH;
    report(w);
    submit(w, job_switch, done_switch);
}

/* --- capture rounds and the pause ----------------------------------------------------------- */

static void job_catchup(void *arg)
{
    struct stor_swap *w = arg;
    struct stor *s = w->s;
    w->st = BT_OK;
    stor_crash_point(STOR_STEP_CAPTURE); /* copied; captured commits not applied yet */
    for (int round = 0;; round++) {
        pthread_mutex_lock(&s->commit_lock);
        if ((w->st = s->capture_st) != BT_OK) {
            pthread_mutex_unlock(&s->commit_lock);
            snprintf(w->rep.error, sizeof(w->rep.error), "capturing commits: %s",
                     bts_status_str(w->st));
            return;
        }
        if (s->log.n_ops <= TAIL_OPS || round >= CATCHUP_MAX)
            break; /* holding the lock: this is the pause */
        struct stor_log batch = s->log;
        memset(&s->log, 0, sizeof(s->log));
        pthread_mutex_unlock(&s->commit_lock);
        w->st = stor_log_apply(&batch, w->nd);
        w->rep.tail_ops += batch.n_ops;
        w->rep.tail_batches += batch.n_batches;
        stor_log_clear(&batch);
        if (w->st != BT_OK) {
            snprintf(w->rep.error, sizeof(w->rep.error), "applying captured commits: %s",
                     bts_status_str(w->st));
            return;
        }
        stor_crash_point(STOR_STEP_CAPTURE);
    }
    double t0 = stor_now_ms();
    stor_crash_point(STOR_STEP_PAUSE);
    w->st = stor_log_apply(&s->log, w->nd);
    w->rep.tail_ops += s->log.n_ops;
    w->rep.tail_batches += s->log.n_batches;
    stor_log_clear(&s->log);
    s->is_capturing = 0;
    if (w->st == BT_OK) {
        stor_crash_point(STOR_STEP_TAIL);
        w->st = w->od->be->vt->snapshot_new(w->od->be->self, w->od->db, &w->v_old);
    }
    if (w->st == BT_OK)
        w->st = w->nd->be->vt->snapshot_new(w->nd->be->self, w->nd->db, &w->v_new);
    if (w->st == BT_OK) {
        s->mirror = w->nd;
        s->mirror_st = BT_OK;
    } else {
        snprintf(w->rep.error, sizeof(w->rep.error), "applying the tail: %s",
                 bts_status_str(w->st));
    }
    w->rep.pause_ms = stor_now_ms() - t0;
    pthread_mutex_unlock(&s->commit_lock);
}

static void done_catchup(void *arg, bt_status st)
{
    struct stor_swap *w = arg;
    if (st != BT_OK || w->st != BT_OK) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", st != BT_OK ? "cancelled" : w->rep.error);
        step_failed(w, st != BT_OK ? st : w->st, "%s", msg);
        return;
    }
    w->rep.step = STOR_STEP_VERIFY;
    report(w);
    w->n_verify = 2;
    bt_status a = workers_submit(&w->rt->workers, w, job_digest_old, done_digest, w);
    bt_status b =
        a == BT_OK ? workers_submit(&w->rt->workers, w, job_digest_new, done_digest, w) : a;
    if (a != BT_OK) {
        step_failed(w, a, "cannot queue work: %s", bts_status_str(a));
    } else if (b != BT_OK) {
        w->n_verify = 1; /* the old side's digest still reports back; fail then */
        w->st_new = b;
    }
}

/* --- copy ----------------------------------------------------------------------------------- */

static void job_copy(void *arg)
{
    struct stor_swap *w = arg;
    const struct bt_storage_vtbl *ov = w->od->be->vt;
    size_t n = 0, used = 0;
    w->st = BT_OK;
    while (n < CHUNK_KEYS && used < CHUNK_BYTES && ov->iter_valid(w->it)) {
        const uint8_t *k, *v;
        size_t kl, vl;
        ov->iter_entry(w->it, &k, &kl, &v, &vl);
        if (used + kl + vl > w->buf_cap) {
            if (n > 0)
                break; /* the buffer holds this chunk's pointers: write first */
            uint8_t *nb = realloc(w->buf, kl + vl + 1);
            if (!nb) {
                w->st = BT_ENOMEM;
                return;
            }
            w->buf = nb;
            w->buf_cap = kl + vl + 1;
        }
        memcpy(w->buf + used, k, kl);
        if (vl)
            memcpy(w->buf + used + kl, v, vl);
        w->ops[n] = (struct bt_storage_op){.type = BT_STORAGE_PUT,
                                           .key = w->buf + used,
                                           .key_len = kl,
                                           .value = w->buf + used + kl,
                                           .value_len = vl};
        used += kl + vl;
        n++;
        ov->iter_next(w->it);
    }
    if (!ov->iter_valid(w->it)) {
        w->st = ov->iter_status(w->it);
        w->copy_done = 1;
    }
    if (w->st == BT_OK && n > 0) {
        struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = w->ops, .n_ops = n};
        w->st = w->nd->be->vt->write(w->nd->be->self, w->nd->db, &b);
        if (w->st == BT_OK) {
            w->rep.keys_copied += n;
            w->rep.bytes_copied += used;
        }
    }
    if (w->st != BT_OK) {
        /* The backend's message is kept per thread: read it on this worker. */
        const char *m = w->to->h ? hctx_error(w->to->h) : "";
        snprintf(w->rep.error, sizeof(w->rep.error), "copying to %s: %s", w->to->name,
                 *m ? m : bts_status_str(w->st));
    }
    if (w->st == BT_OK)
        stor_crash_point(STOR_STEP_COPY);
}

static void done_copy(void *arg, bt_status st)
{
    struct stor_swap *w = arg;
    if (st != BT_OK || w->st != BT_OK) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", st != BT_OK ? "cancelled" : w->rep.error);
        step_failed(w, st != BT_OK ? st : w->st, "%s", msg);
        return;
    }
    double now = stor_now_ms();
    if (w->copy_done || now - w->t_last >= PROGRESS_MS) {
        w->t_last = now;
        report(w);
        struct stor_swap_report *r = &w->rep;
        hlog(BT_LOG_INFO, "storage swap progress",
             "copied=%llu total_est=%llu keys_per_s=%.0f eta_s=%.1f",
             (unsigned long long)r->keys_copied, (unsigned long long)r->keys_total_est,
             r->rate_keys_s, r->eta_s);
    }
    if (!w->copy_done) {
        submit(w, job_copy, done_copy);
        return;
    }
    w->od->be->vt->iter_free(w->it);
    w->od->be->vt->snapshot_free(w->od->be->self, w->od->db, w->s0);
    w->it = NULL;
    w->s0 = NULL;
    w->rep.step = STOR_STEP_CAPTURE;
    report(w);
    submit(w, job_catchup, done_catchup);
}

/* --- start ---------------------------------------------------------------------------------- */

/* 0 if path does not exist or is an empty directory. */
static int path_in_use(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return errno != ENOENT;
    struct dirent *e;
    int used = 0;
    while (!used && (e = readdir(d)))
        used = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return used;
}

bt_status stor_swap_start(struct stor *s, struct host_rt *rt, const char *datadir,
                          const struct stor_backend *to, const char *to_path, stor_swap_fn on_event,
                          void *arg, char *err, size_t err_cap)
{
    if (s->swap) {
        snprintf(err, err_cap, "a swap is already running");
        return BT_EBUSY;
    }
    struct stor_db *od = s->cur;
    if (strcmp(od->path, to_path) == 0 && (to_path[0] || strcmp(od->be->name, to->name) == 0)) {
        snprintf(err, err_cap, "the target is the current database (%s %s)", od->be->name,
                 to_path[0] ? to_path : "(memory)");
        return BT_EINVAL;
    }
    if (to_path[0] &&
        (to_path[0] != '/' || strlen(to_path) >= sizeof(((struct stor_record *)0)->path))) {
        snprintf(err, err_cap, "target path must be absolute: %s", to_path);
        return BT_EINVAL;
    }
    if (to_path[0] && path_in_use(to_path)) {
        snprintf(err, err_cap, "target path %s exists and is not an empty directory", to_path);
        return BT_EEXIST;
    }
    struct stor_swap *w = calloc(1, sizeof(*w));
    if (!w || !(w->datadir = strdup(datadir)) || !(w->ops = malloc(CHUNK_KEYS * sizeof(*w->ops))) ||
        !(w->buf = malloc(CHUNK_BYTES))) {
        if (w) {
            free(w->datadir);
            free(w->ops);
        }
        free(w);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    w->buf_cap = CHUNK_BYTES;
    w->s = s;
    w->rt = rt;
    w->to = to;
    w->od = od;
    db_ref(od);
    w->fn = on_event;
    w->arg = arg;
    snprintf(w->from_rec.backend, sizeof(w->from_rec.backend), "%s", od->be->name);
    snprintf(w->from_rec.path, sizeof(w->from_rec.path), "%s", od->path);
    snprintf(w->to_rec.backend, sizeof(w->to_rec.backend), "%s", to->name);
    snprintf(w->to_rec.path, sizeof(w->to_rec.path), "%s", to_path);
    w->rep.from = w->from_rec.backend;
    w->rep.to = w->to_rec.backend;
    w->rep.to_path = w->to_rec.path;
    w->t_start = w->t_last = stor_now_ms();
    bt_status st = stor_intent_write(datadir, &w->from_rec, &w->to_rec, err, err_cap);
    if (st == BT_OK) {
        st = db_open(to, to_path[0] ? to_path : NULL, 1, &w->nd, err, err_cap);
        if (st != BT_OK) {
            stor_remove_tree(to_path);
            stor_intent_clear(datadir);
        }
    }
    if (st != BT_OK) {
        db_unref(od);
        free(w->ops);
        free(w->buf);
        free(w->datadir);
        free(w);
        return st;
    }
    struct bt_storage_stats stats = {.struct_size = sizeof(stats)};
    if (od->be->vt->stats(od->be->self, od->db, &stats) == BT_OK)
        w->rep.keys_total_est = stats.approx_keys, w->rep.bytes_total_est = stats.approx_bytes;
    /* One commit boundary: the snapshot and the first captured batch meet exactly here. */
    pthread_mutex_lock(&s->commit_lock);
    st = od->be->vt->snapshot_new(od->be->self, od->db, &w->s0);
    if (st == BT_OK) {
        s->is_capturing = 1;
        s->capture_st = BT_OK;
        s->is_measuring = 1;
        s->max_wait_ms = 0;
    }
    pthread_mutex_unlock(&s->commit_lock);
    s->swap = w;
    if (st == BT_OK)
        st = od->be->vt->iter_new(od->be->self, od->db, w->s0, NULL, &w->it);
    if (st != BT_OK) {
        snprintf(err, err_cap, "snapshot of %s: %s", od->be->name, bts_status_str(st));
        w->fn = NULL; /* the caller hears of it from the return value */
        step_failed(w, st, "%s", err);
        return st;
    }
    od->be->vt->iter_seek(w->it, NULL, 0);
    hlog(BT_LOG_INFO, "storage swap started", "from=%s from_path=\"%s\" to=%s to_path=\"%s\"",
         od->be->name, od->path, to->name, to_path);
    submit(w, job_copy, done_copy);
    return BT_OK;
}
