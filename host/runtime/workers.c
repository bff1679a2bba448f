/* Worker pool: plain pthreads around one mutex-protected FIFO. Results never run on a worker:
 * they are posted to the loop inbox, where plugins expect every callback. */
#include "workers_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log_int.h"

struct workers_job {
    struct workers_job *next;
    void *owner;
    bt_work_fn on_worker;
    bt_work_done_fn on_done;
    void *arg;
};

static void finish(struct workers *w, struct workers_job *j, bt_status st)
{
    if (j->on_done && loop_post(w->loop, j->owner, NULL, j->on_done, j->arg, st) != BT_OK)
        hlog(BT_LOG_ERROR, "work result lost", "reason=\"cannot post to the loop\"");
    free(j);
}

static void *worker_main(void *arg)
{
    struct workers *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->is_stopping)
            pthread_cond_wait(&w->cv, &w->lock);
        if (!w->head)
            break; /* stopping and nothing left that was not cancelled */
        struct workers_job *j = w->head;
        w->head = j->next;
        if (!w->head)
            w->tail = NULL;
        w->n_queued--;
        pthread_mutex_unlock(&w->lock);
        j->on_worker(j->arg);
        finish(w, j, BT_OK);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

size_t workers_default_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

bt_status workers_start(struct workers *w, struct loop *loop, size_t n_threads, size_t cap)
{
    memset(w, 0, sizeof(*w));
    w->loop = loop;
    w->cap = cap;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->threads = calloc(n_threads, sizeof(*w->threads));
    if (!w->threads)
        return BT_ENOMEM;
    for (size_t i = 0; i < n_threads; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
            workers_stop(w);
            return BT_EIO;
        }
        w->n_threads++;
    }
    return BT_OK;
}

bt_status workers_submit(struct workers *w, void *owner, bt_work_fn on_worker,
                         bt_work_done_fn on_done, void *arg)
{
    struct workers_job *j = calloc(1, sizeof(*j));
    if (!j)
        return BT_ENOMEM;
    j->owner = owner;
    j->on_worker = on_worker;
    j->on_done = on_done;
    j->arg = arg;
    pthread_mutex_lock(&w->lock);
    bt_status st = w->is_stopping ? BT_ECANCELED : w->n_queued >= w->cap ? BT_EBUSY : BT_OK;
    if (st == BT_OK) {
        if (w->tail)
            w->tail->next = j;
        else
            w->head = j;
        w->tail = j;
        w->n_queued++;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->lock);
    if (st != BT_OK)
        free(j);
    return st;
}

void workers_stop(struct workers *w)
{
    if (!w->loop)
        return;
    pthread_mutex_lock(&w->lock);
    w->is_stopping = 1;
    struct workers_job *cancelled = w->head;
    w->head = w->tail = NULL;
    w->n_queued = 0;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->lock);
    while (cancelled) {
        struct workers_job *next = cancelled->next;
        finish(w, cancelled, BT_ECANCELED);
        cancelled = next;
    }
    for (size_t i = 0; i < w->n_threads; i++)
        pthread_join(w->threads[i], NULL);
    free(w->threads);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->lock);
    w->threads = NULL;
    w->n_threads = 0;
    w->loop = NULL;
}
