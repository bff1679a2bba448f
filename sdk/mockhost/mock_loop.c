/* The mock's loop services: a fake clock, timers fired by bts_mockhost_advance(), the defer
 * queue and the worker pool, all run by hand from the test's thread. */
#include <string.h>

#include "mockhost_int.h"

#define WALL_BASE_MS 1767225600000ull /* 2026-01-01T00:00:00Z */
#define RUN_LIMIT    1000000          /* callbacks per advance/run: a self-feeding loop fails */

static uint64_t mk_now_ms(struct bt_host_ctx *h)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_NOW_MS, &st);
    return m ? m->now : 0;
}

static uint64_t mk_wall_ms(struct bt_host_ctx *h)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_WALL_MS, &st);
    return m ? WALL_BASE_MS + m->now : 0;
}

static bt_status mk_timer_add(struct bt_host_ctx *h, uint64_t delay_ms, uint64_t period_ms,
                              bt_timer_fn fn, void *arg, uint64_t *out_id)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_TIMER_ADD, &st);
    if (!m)
        return st;
    if (!fn || !out_id) {
        bts_mk_fail(m, "misuse: timer_add with a NULL %s", fn ? "out_id" : "fn");
        return BT_EINVAL;
    }
    bts_mk_lock(m);
    struct mock_timer *t = MOCK_PUSH(m->timers);
    t->id = m->next_timer_id++;
    t->due = m->now + delay_ms;
    t->period = period_ms;
    t->fn = fn;
    t->arg = arg;
    *out_id = t->id;
    bts_mk_unlock(m);
    return BT_OK;
}

static size_t find_timer(const struct bts_mockhost *m, uint64_t id)
{
    for (size_t i = 0; i < m->timers.n; i++)
        if (m->timers.v[i].id == id)
            return i;
    return SIZE_MAX;
}

static void drop_timer(struct bts_mockhost *m, size_t i)
{
    memmove(&m->timers.v[i], &m->timers.v[i + 1], (m->timers.n - i - 1) * sizeof(*m->timers.v));
    m->timers.n--;
}

static bt_status mk_timer_del(struct bt_host_ctx *h, uint64_t id)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_TIMER_DEL, &st);
    if (!m)
        return st;
    bts_mk_lock(m);
    size_t i = find_timer(m, id);
    if (i != SIZE_MAX)
        drop_timer(m, i);
    bts_mk_unlock(m);
    return i == SIZE_MAX ? BT_ENOTFOUND : BT_OK;
}

size_t bts_mockhost_advance(struct bts_mockhost *m, uint64_t ms)
{
    uint64_t target = m->now + ms;
    size_t fired = 0;
    for (;;) {
        bts_mk_lock(m);
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < m->timers.n; i++)
            if (m->timers.v[i].due <= target &&
                (best == SIZE_MAX || m->timers.v[i].due < m->timers.v[best].due))
                best = i; /* ties keep insertion order: the earlier timer fires first */
        if (best == SIZE_MAX || fired == RUN_LIMIT) {
            m->now = target;
            bts_mk_unlock(m);
            break;
        }
        struct mock_timer t = m->timers.v[best];
        m->now = t.due;
        if (t.period) {
            /* Re-armed before the call, so the callback may timer_del its own id. */
            m->timers.v[best].due = t.due + t.period;
        } else {
            drop_timer(m, best);
        }
        bts_mk_unlock(m);
        t.fn(t.arg);
        fired++;
    }
    if (fired == RUN_LIMIT)
        bts_mk_fail(m, "misuse: timers fired %d times in one advance: a zero-period loop?",
                    RUN_LIMIT);
    return fired;
}

size_t bts_mockhost_timer_count(const struct bts_mockhost *m)
{
    return m->timers.n;
}

uint64_t bts_mockhost_now(const struct bts_mockhost *m)
{
    return m->now;
}

void bts_mockhost_use_timers(struct bts_mockhost *m)
{
    bts_mockhost_use(m, BTS_MOCK_NOW_MS);
    bts_mockhost_use(m, BTS_MOCK_WALL_MS);
    bts_mockhost_use(m, BTS_MOCK_TIMER_ADD);
    bts_mockhost_use(m, BTS_MOCK_TIMER_DEL);
}

/* --- defer and work ------------------------------------------------------------------------- */

static bt_status mk_defer(struct bt_host_ctx *h, bt_defer_fn fn, void *arg)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_DEFER, &st);
    if (!m)
        return st;
    if (!fn) {
        bts_mk_fail(m, "misuse: defer with a NULL fn");
        return BT_EINVAL;
    }
    bts_mk_lock(m);
    *MOCK_PUSH(m->deferred) = (struct mock_call){.fn = fn, .arg = arg};
    bts_mk_unlock(m);
    return BT_OK;
}

size_t bts_mockhost_run_deferred(struct bts_mockhost *m)
{
    size_t ran = 0;
    for (; ran < RUN_LIMIT; ran++) {
        bts_mk_lock(m);
        if (m->deferred.n == 0) {
            bts_mk_unlock(m);
            return ran;
        }
        struct mock_call c = m->deferred.v[0];
        memmove(&m->deferred.v[0], &m->deferred.v[1], (m->deferred.n - 1) * sizeof(*m->deferred.v));
        m->deferred.n--;
        bts_mk_unlock(m);
        if (c.done)
            c.done(c.arg, c.st);
        else
            c.fn(c.arg);
    }
    bts_mk_fail(m, "misuse: %d deferred calls in one run: a call that defers itself?", RUN_LIMIT);
    return ran;
}

void bts_mockhost_use_defer(struct bts_mockhost *m)
{
    bts_mockhost_use(m, BTS_MOCK_DEFER);
}

static bt_status mk_work_submit(struct bt_host_ctx *h, bt_work_fn on_worker,
                                bt_work_done_fn on_done, void *arg)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_WORK_SUBMIT, &st);
    if (!m)
        return st;
    if (!on_worker) {
        bts_mk_fail(m, "misuse: work_submit with a NULL on_worker");
        return BT_EINVAL;
    }
    if (m->work_mode == BTS_MOCK_WORK_INLINE) {
        on_worker(arg);
        if (on_done) {
            bts_mk_lock(m);
            *MOCK_PUSH(m->deferred) = (struct mock_call){.done = on_done, .arg = arg, .st = BT_OK};
            bts_mk_unlock(m);
        }
        return BT_OK;
    }
    bts_mk_lock(m);
    *MOCK_PUSH(m->jobs) = (struct mock_call){.worker = on_worker, .done = on_done, .arg = arg};
    bts_mk_unlock(m);
    return BT_OK;
}

/* Take the first queued job, or return 0. */
static int pop_job(struct bts_mockhost *m, struct mock_call *out)
{
    bts_mk_lock(m);
    int any = m->jobs.n > 0;
    if (any) {
        *out = m->jobs.v[0];
        memmove(&m->jobs.v[0], &m->jobs.v[1], (m->jobs.n - 1) * sizeof(*m->jobs.v));
        m->jobs.n--;
    }
    bts_mk_unlock(m);
    return any;
}

size_t bts_mockhost_run_work(struct bts_mockhost *m)
{
    struct mock_call c;
    size_t n = 0;
    while (pop_job(m, &c)) {
        c.worker(c.arg);
        if (c.done)
            c.done(c.arg, BT_OK);
        n++;
    }
    return n;
}

size_t bts_mockhost_cancel_work(struct bts_mockhost *m)
{
    struct mock_call c;
    size_t n = 0;
    while (pop_job(m, &c)) {
        if (c.done)
            c.done(c.arg, BT_ECANCELED);
        n++;
    }
    return n;
}

void bts_mockhost_use_work(struct bts_mockhost *m, uint32_t mode)
{
    if (mode != BTS_MOCK_WORK_INLINE && mode != BTS_MOCK_WORK_QUEUED) {
        bts_mk_fail(m, "misuse: use_work mode %u", mode);
        return;
    }
    m->work_mode = mode;
    bts_mockhost_use(m, BTS_MOCK_WORK_SUBMIT);
}

void bts_mk_install_loop(struct bt_host *t)
{
    t->now_ms = mk_now_ms;
    t->wall_ms = mk_wall_ms;
    t->timer_add = mk_timer_add;
    t->timer_del = mk_timer_del;
    t->defer = mk_defer;
    t->work_submit = mk_work_submit;
}
