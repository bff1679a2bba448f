/* The worker pool behind host->work_submit: N pthreads, a bounded FIFO, results posted back to
 * the loop inbox. */
#ifndef BTTCD_WORKERS_INT_H
#define BTTCD_WORKERS_INT_H

#include <pthread.h>
#include <stddef.h>

#include <bt/host.h>

#include "loop_int.h"

struct workers_job;

struct workers {
    struct loop *loop;
    pthread_t *threads;
    size_t n_threads;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    struct workers_job *head, *tail; /* under lock */
    size_t n_queued, cap;
    int is_stopping;
};

/** Start n_threads workers with room for `cap` queued jobs. BT_OK, BT_ENOMEM or BT_EIO. */
bt_status workers_start(struct workers *w, struct loop *loop, size_t n_threads, size_t cap);
/** Queue on_worker(arg); then on_done(arg, BT_OK) is posted to the loop (if non-NULL).
 *  Returns BT_OK, BT_EBUSY (queue full), BT_ECANCELED (stopping) or BT_ENOMEM. */
bt_status workers_submit(struct workers *w, void *owner, bt_work_fn on_worker,
                         bt_work_done_fn on_done, void *arg);
/** Stop: queued jobs are cancelled (on_done(arg, BT_ECANCELED) posted to the loop), running
 *  ones finish, threads are joined. Safe on a pool that never started. */
void workers_stop(struct workers *w);
/** Number of cores, at least 1. */
size_t workers_default_count(void);

#endif /* BTTCD_WORKERS_INT_H */
