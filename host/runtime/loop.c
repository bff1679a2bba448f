/* The host loop: libevent base, cross-thread inbox and timers. Threads other than the loop
 * only ever touch the inbox (under its mutex) and event_active(), which libevent makes safe
 * once evthread_use_pthreads() has run. */
#include "loop_int.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

struct loop_item {
    struct loop_item *next;
    void *owner;
    bt_defer_fn fn;
    bt_work_done_fn done;
    void *arg;
    bt_status st;
};

struct loop_timer {
    struct loop_timer *next;
    struct loop *loop;
    void *owner;
    uint64_t id;
    uint64_t period_ms;
    bt_timer_fn fn;
    void *arg;
    struct event *ev;
    int is_firing, is_deleted;
};

static void run_item(struct loop_item *it)
{
    if (it->fn)
        it->fn(it->arg);
    else
        it->done(it->arg, it->st);
    free(it);
}

/* Run what is queued now; items posted meanwhile wait for the next activation, so one busy
 * poster cannot starve timers and I/O. */
static void inbox_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct loop *l = arg;
    pthread_mutex_lock(&l->inbox_lock);
    struct loop_item *batch = l->head;
    l->head = l->tail = NULL;
    pthread_mutex_unlock(&l->inbox_lock);
    while (batch) {
        struct loop_item *next = batch->next;
        run_item(batch);
        batch = next;
    }
}

static void use_pthreads(void)
{
    evthread_use_pthreads();
}

bt_status loop_init(struct loop *l)
{
    memset(l, 0, sizeof(*l));
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, use_pthreads);
    l->thread = pthread_self();
    l->next_timer_id = 1;
    pthread_mutex_init(&l->inbox_lock, NULL);
    l->base = event_base_new();
    if (!l->base)
        goto fail;
    l->inbox_ev = event_new(l->base, -1, 0, inbox_cb, l);
    if (!l->inbox_ev)
        goto fail;
    return BT_OK;
fail:
    loop_free(l);
    return BT_ENOMEM;
}

void loop_free(struct loop *l)
{
    loop_timers_drop_owner(l, NULL);
    struct loop_item *it = l->head;
    while (it) {
        struct loop_item *next = it->next;
        free(it);
        it = next;
    }
    l->head = l->tail = NULL;
    for (size_t i = 0; i < 3; i++)
        if (l->sig_ev[i])
            event_free(l->sig_ev[i]);
    if (l->inbox_ev)
        event_free(l->inbox_ev);
    if (l->base)
        event_base_free(l->base);
    pthread_mutex_destroy(&l->inbox_lock);
    memset(l, 0, sizeof(*l));
}

int loop_on_thread(const struct loop *l)
{
    return pthread_equal(pthread_self(), l->thread);
}

void loop_run(struct loop *l)
{
    event_base_dispatch(l->base);
}

void loop_stop(struct loop *l)
{
    event_base_loopbreak(l->base);
}

bt_status loop_post(struct loop *l, void *owner, bt_defer_fn fn, bt_work_done_fn done, void *arg,
                    bt_status st)
{
    struct loop_item *it = calloc(1, sizeof(*it));
    if (!it)
        return BT_ENOMEM;
    it->owner = owner;
    it->fn = fn;
    it->done = done;
    it->arg = arg;
    it->st = st;
    pthread_mutex_lock(&l->inbox_lock);
    if (l->is_closed) {
        pthread_mutex_unlock(&l->inbox_lock);
        free(it);
        return BT_ECANCELED;
    }
    if (l->tail)
        l->tail->next = it;
    else
        l->head = it;
    l->tail = it;
    pthread_mutex_unlock(&l->inbox_lock);
    event_active(l->inbox_ev, EV_READ, 1);
    return BT_OK;
}

void loop_drain(struct loop *l, int close)
{
    for (;;) {
        pthread_mutex_lock(&l->inbox_lock);
        struct loop_item *it = l->head;
        if (it) {
            l->head = it->next;
            if (!l->head)
                l->tail = NULL;
        } else if (close) {
            l->is_closed = 1;
        }
        pthread_mutex_unlock(&l->inbox_lock);
        if (!it)
            return;
        run_item(it);
    }
}

void loop_drop_owner(struct loop *l, void *owner)
{
    pthread_mutex_lock(&l->inbox_lock);
    struct loop_item **pp = &l->head;
    l->tail = NULL;
    while (*pp) {
        struct loop_item *it = *pp;
        if (it->owner == owner) {
            *pp = it->next;
            free(it);
        } else {
            l->tail = it;
            pp = &it->next;
        }
    }
    pthread_mutex_unlock(&l->inbox_lock);
}

/* --- timers ------------------------------------------------------------------------------ */

static void timer_unlink_free(struct loop_timer *t)
{
    struct loop_timer **pp = &t->loop->timers;
    while (*pp && *pp != t)
        pp = &(*pp)->next;
    if (*pp)
        *pp = t->next;
    event_free(t->ev);
    free(t);
}

static void ms_to_tv(uint64_t ms, struct timeval *tv)
{
    tv->tv_sec = (time_t)(ms / 1000);
    tv->tv_usec = (suseconds_t)((ms % 1000) * 1000);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct loop_timer *t = arg;
    t->is_firing = 1;
    t->fn(t->arg);
    t->is_firing = 0;
    /* fn may have deleted its own timer: free it only now that fn has returned. */
    if (t->is_deleted || t->period_ms == 0) {
        timer_unlink_free(t);
        return;
    }
    struct timeval tv;
    ms_to_tv(t->period_ms, &tv);
    event_add(t->ev, &tv);
}

bt_status loop_timer_add(struct loop *l, void *owner, uint64_t delay_ms, uint64_t period_ms,
                         bt_timer_fn fn, void *arg, uint64_t *out_id)
{
    struct loop_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return BT_ENOMEM;
    t->ev = evtimer_new(l->base, timer_cb, t);
    if (!t->ev) {
        free(t);
        return BT_ENOMEM;
    }
    t->loop = l;
    t->owner = owner;
    t->id = l->next_timer_id++;
    t->period_ms = period_ms;
    t->fn = fn;
    t->arg = arg;
    struct timeval tv;
    ms_to_tv(delay_ms, &tv);
    event_add(t->ev, &tv);
    t->next = l->timers;
    l->timers = t;
    *out_id = t->id;
    return BT_OK;
}

bt_status loop_timer_del(struct loop *l, void *owner, uint64_t id)
{
    if (id == 0 || id >= l->next_timer_id)
        return BT_EINVAL;
    for (struct loop_timer *t = l->timers; t; t = t->next) {
        if (t->id != id || t->owner != owner || t->is_deleted)
            continue;
        event_del(t->ev);
        if (t->is_firing)
            t->is_deleted = 1;
        else
            timer_unlink_free(t);
        return BT_OK;
    }
    return BT_ENOTFOUND;
}

void loop_timers_drop_owner(struct loop *l, void *owner)
{
    struct loop_timer **pp = &l->timers;
    while (*pp) {
        struct loop_timer *t = *pp;
        if (owner && t->owner != owner) {
            pp = &t->next;
            continue;
        }
        if (t->is_firing) {
            event_del(t->ev);
            t->is_deleted = 1;
            pp = &t->next;
            continue;
        }
        *pp = t->next;
        event_free(t->ev);
        free(t);
    }
}
