/* The host loop: one libevent event_base on the main thread, an inbox that other threads post
 * to (deferred calls and worker results), timers, and the process signals. */
#ifndef BTTCD_LOOP_INT_H
#define BTTCD_LOOP_INT_H

#include <pthread.h>
#include <stdint.h>

#include <bt/host.h>

struct event;
struct event_base;
struct loop_item;
struct loop_timer;

struct loop {
    struct event_base *base;
    pthread_t thread; /* the loop thread: the one that called loop_init */
    struct event *inbox_ev;
    pthread_mutex_t inbox_lock;
    struct loop_item *head, *tail; /* FIFO, under inbox_lock */
    int is_closed;                 /* no more posts accepted (shutdown) */
    struct loop_timer *timers;     /* loop thread only */
    uint64_t next_timer_id;
    struct event *sig_ev[3]; /* SIGINT, SIGTERM, SIGHUP */
    int n_stop_signals;      /* SIGINT/SIGTERM received */
};

/** Create the event base (pthreads-aware) and the inbox; the caller's thread becomes the loop
 *  thread. Returns BT_OK or BT_ENOMEM. */
bt_status loop_init(struct loop *l);
/** Free everything; pending items and timers are dropped without running. */
void loop_free(struct loop *l);
/** Nonzero on the loop thread. */
int loop_on_thread(const struct loop *l);
/** Run until loop_stop (or until nothing is left to wait for). */
void loop_run(struct loop *l);
/** Make loop_run return after the current callback. */
void loop_stop(struct loop *l);

/** Queue fn(arg) (a defer) or done(arg, st) (a worker result) to run on the loop; `owner`
 *  tags the item for loop_drop_owner. Thread: any. Returns BT_OK, BT_ENOMEM, BT_ECANCELED
 *  (loop closed). Exactly one of fn and done is non-NULL. */
bt_status loop_post(struct loop *l, void *owner, bt_defer_fn fn, bt_work_done_fn done, void *arg,
                    bt_status st);
/** Shutdown: refuse further posts when is_closed, and run what is queued now (items posted by
 *  those items run too). */
void loop_drain(struct loop *l, int close);
/** Forget queued items of `owner` without running them. */
void loop_drop_owner(struct loop *l, void *owner);

/** Timers (loop thread only). Ids are never 0 and never reused. loop_timer_del returns
 *  BT_ENOTFOUND for a timer that already ended or belongs to another owner, BT_EINVAL for an
 *  id never issued. */
bt_status loop_timer_add(struct loop *l, void *owner, uint64_t delay_ms, uint64_t period_ms,
                         bt_timer_fn fn, void *arg, uint64_t *out_id);
bt_status loop_timer_del(struct loop *l, void *owner, uint64_t id);
/** Cancel every timer of `owner`. */
void loop_timers_drop_owner(struct loop *l, void *owner);

/** SIGINT/SIGTERM: log "shutting down" and stop the loop; a second one exits at once (130);
 *  SIGHUP reopens the log file. SIGPIPE is ignored. Returns BT_OK or BT_ENOMEM. */
bt_status loop_signals_install(struct loop *l);

#endif /* BTTCD_LOOP_INT_H */
