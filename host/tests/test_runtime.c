/* The services table on a real runtime: timers (once, periodic, deleted from their own
 * callback), defer from any thread, work_submit with results on the loop and cancellation at
 * shutdown, per-instance memory, messages, config, metrics, misuse reports, unsupported
 * services, and release of everything an instance registered. */
#include "metrics_int.h"
#include "services_int.h"

#include <bts/test.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct host_rt rt;
static const struct bt_host *H = &services_table;

static struct bt_host_ctx *start_rt(size_t n_workers)
{
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt, n_workers, "/tmp"), BT_OK);
    rt.phase = RT_PHASE_RUN;
    struct bt_host_ctx *h = hctx_new(&rt, "test-plugin", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    return h;
}

static void stop_rt(struct bt_host_ctx *h)
{
    rt_quiesce(&rt);
    hctx_release(h);
    rt_free(&rt);
}

static void stop_loop(void *arg)
{
    (void)arg;
    loop_stop(&rt.loop);
}

/* Run the loop until a timer of `ms` stops it. */
static void run_for(struct bt_host_ctx *h, uint64_t ms)
{
    uint64_t id;
    CU_ASSERT_EQUAL(H->timer_add(h, ms, 0, stop_loop, NULL, &id), BT_OK);
    loop_run(&rt.loop);
}

struct ticks {
    struct bt_host_ctx *h;
    int n, max;
    uint64_t id;
    char order[16];
    size_t n_order;
};

static void tick(void *arg)
{
    struct ticks *t = arg;
    t->n++;
    if (t->max && t->n == t->max)
        CU_ASSERT_EQUAL(H->timer_del(t->h, t->id), BT_OK); /* from its own callback */
}

static void mark_a(void *arg)
{
    struct ticks *t = arg;
    t->order[t->n_order++] = 'a';
}

static void mark_b(void *arg)
{
    struct ticks *t = arg;
    t->order[t->n_order++] = 'b';
}

/* The timers of test_runtime_timers. They are added from one loop callback, where every
 * delay counts from the loop's time of that iteration: added one after the other from outside
 * the loop, a thread preempted between two adds (a loaded machine, ASan) shifts the later
 * one's deadline and the firing order with it. */
struct timer_case {
    struct ticks once, periodic, order;
    uint64_t id_once, id_check;
    int sentinel; /* the 40 ms timer fired: so would have the deleted 30 ms one */
};

static void set_flag(void *arg)
{
    *(int *)arg = 1;
}

static void arm_timers(void *arg)
{
    struct timer_case *c = arg;
    struct bt_host_ctx *h = c->once.h;
    uint64_t id_a, id_b, id_unused, id_sentinel;
    CU_ASSERT_EQUAL(H->timer_add(h, 5, 0, tick, &c->once, &c->id_once), BT_OK);
    CU_ASSERT_NOT_EQUAL(c->id_once, 0);
    CU_ASSERT_EQUAL(H->timer_add(h, 1, 2, tick, &c->periodic, &c->periodic.id), BT_OK);
    CU_ASSERT_EQUAL(H->timer_add(h, 20, 0, mark_b, &c->order, &id_b), BT_OK);
    CU_ASSERT_EQUAL(H->timer_add(h, 10, 0, mark_a, &c->order, &id_a), BT_OK);
    CU_ASSERT_EQUAL(H->timer_add(h, 30, 0, tick, &c->once, &id_unused), BT_OK);
    CU_ASSERT_EQUAL(H->timer_del(h, id_unused), BT_OK);
    CU_ASSERT_EQUAL(H->timer_add(h, 40, 0, set_flag, &c->sentinel, &id_sentinel), BT_OK);
}

/* Stops the loop once every timer above has had its turn, however late the loop ran. */
static void check_timers(void *arg)
{
    struct timer_case *c = arg;
    if (c->sentinel && c->once.n >= 1 && c->periodic.n >= 3 && c->order.n_order >= 2)
        loop_stop(&rt.loop);
}

static void test_runtime_timers(void)
{
    struct bt_host_ctx *h = start_rt(1);
    struct timer_case c = {.once = {.h = h}, .periodic = {.h = h, .max = 3}, .order = {.h = h}};
    uint64_t id_arm, id_cap;
    CU_ASSERT_EQUAL(H->timer_add(h, 0, 0, arm_timers, &c, &id_arm), BT_OK);
    CU_ASSERT_EQUAL(H->timer_add(h, 5, 5, check_timers, &c, &c.id_check), BT_OK);
    /* A bound for a broken runtime (then the asserts below fail), not a deadline. */
    CU_ASSERT_EQUAL(H->timer_add(h, 30000, 0, stop_loop, NULL, &id_cap), BT_OK);
    loop_run(&rt.loop);
    CU_ASSERT_EQUAL(c.sentinel, 1);
    CU_ASSERT_EQUAL(c.once.n, 1);
    CU_ASSERT_EQUAL(c.periodic.n, 3);
    CU_ASSERT_EQUAL(c.order.n_order, 2);
    CU_ASSERT_EQUAL(memcmp(c.order.order, "ab", 2), 0);
    /* A once-only timer that fired, or one deleted already, is gone. */
    CU_ASSERT_EQUAL(H->timer_del(h, c.id_once), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(H->timer_del(h, c.periodic.id), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(H->timer_del(h, c.id_check), BT_OK);
    CU_ASSERT_EQUAL(H->timer_del(h, id_cap), BT_OK);
    stop_rt(h);
}

struct work {
    struct bt_host_ctx *h;
    pthread_t loop_thread, worker_thread;
    int ran, done;
    bt_status st;
    int deferred;
    int sleep_ms;
    atomic_int started; /* set by the worker before it sleeps */
};

static void deferred(void *arg)
{
    struct work *w = arg;
    CU_ASSERT_TRUE(pthread_equal(pthread_self(), w->loop_thread));
    w->deferred++;
}

static void on_worker(void *arg)
{
    struct work *w = arg;
    w->worker_thread = pthread_self();
    atomic_store(&w->started, 1);
    if (w->sleep_ms)
        usleep((useconds_t)w->sleep_ms * 1000);
    w->ran = 1;
    /* defer is Thread: any: the worker's way back to the loop. */
    CU_ASSERT_EQUAL(H->defer(w->h, deferred, w), BT_OK);
}

static void on_done(void *arg, bt_status st)
{
    struct work *w = arg;
    CU_ASSERT_TRUE(pthread_equal(pthread_self(), w->loop_thread));
    w->done++;
    w->st = st;
}

/* Stops the loop once every job's on_done and deferred call have run (both on the loop). */
static void check_work(void *arg)
{
    const struct work *w = arg;
    for (size_t i = 0; i < 8; i++) {
        if (w[i].done < 1 || w[i].deferred < (i == 0 ? 2 : 1))
            return;
    }
    loop_stop(&rt.loop);
}

static void test_runtime_work_and_defer(void)
{
    struct bt_host_ctx *h = start_rt(2);
    struct work w[8];
    memset(w, 0, sizeof(w));
    for (size_t i = 0; i < 8; i++) {
        w[i].h = h;
        w[i].loop_thread = pthread_self();
        CU_ASSERT_EQUAL(H->work_submit(h, on_worker, on_done, &w[i]), BT_OK);
    }
    CU_ASSERT_EQUAL(H->defer(h, deferred, &w[0]), BT_OK);
    /* Until all have come back, not a fixed 100 ms (too short on a loaded machine under ASan);
     * the 30 s timer only bounds a broken runtime (then the asserts below fail). */
    uint64_t id_check, id_cap;
    CU_ASSERT_EQUAL(H->timer_add(h, 1, 1, check_work, w, &id_check), BT_OK);
    CU_ASSERT_EQUAL(H->timer_add(h, 30000, 0, stop_loop, NULL, &id_cap), BT_OK);
    loop_run(&rt.loop);
    CU_ASSERT_EQUAL(H->timer_del(h, id_check), BT_OK);
    CU_ASSERT_EQUAL(H->timer_del(h, id_cap), BT_OK);
    for (size_t i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL(w[i].ran, 1);
        CU_ASSERT_EQUAL(w[i].done, 1);
        CU_ASSERT_EQUAL(w[i].st, BT_OK);
        CU_ASSERT_FALSE(pthread_equal(w[i].worker_thread, w[i].loop_thread));
        CU_ASSERT_EQUAL(w[i].deferred, i == 0 ? 2 : 1);
    }
    stop_rt(h);
}

/* Jobs still queued at shutdown get on_done(BT_ECANCELED) and never run; the running one
 * finishes; afterwards work_submit and defer refuse. */
static void test_runtime_work_cancelled_at_shutdown(void)
{
    struct bt_host_ctx *h = start_rt(1);
    struct work w[3];
    memset(w, 0, sizeof(w));
    for (size_t i = 0; i < 3; i++) {
        w[i].h = h;
        w[i].loop_thread = pthread_self();
        w[i].sleep_ms = i == 0 ? 100 : 0;
        CU_ASSERT_EQUAL(H->work_submit(h, on_worker, on_done, &w[i]), BT_OK);
    }
    /* Wait until the single worker has picked up w[0] (a fixed sleep races on a loaded
     * machine), so w[1] and w[2] are certainly still queued at shutdown. */
    for (int i = 0; i < 5000 && !atomic_load(&w[0].started); i++)
        usleep(1000);
    CU_ASSERT_FATAL(atomic_load(&w[0].started));
    rt_quiesce(&rt);
    CU_ASSERT_EQUAL(w[0].ran, 1);
    CU_ASSERT_EQUAL(w[0].done, 1);
    CU_ASSERT_EQUAL(w[0].st, BT_OK);
    for (size_t i = 1; i < 3; i++) {
        CU_ASSERT_EQUAL(w[i].ran, 0);
        CU_ASSERT_EQUAL(w[i].done, 1);
        CU_ASSERT_EQUAL(w[i].st, BT_ECANCELED);
    }
    CU_ASSERT_EQUAL(H->work_submit(h, on_worker, on_done, &w[1]), BT_ECANCELED);
    CU_ASSERT_EQUAL(H->defer(h, deferred, &w[1]), BT_ECANCELED);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "defer: the node is shutting down");
    uint64_t id;
    CU_ASSERT_EQUAL(H->timer_add(h, 1, 0, stop_loop, NULL, &id), BT_ECANCELED);
    hctx_release(h);
    rt_free(&rt);
}

static int fired;

static void count_fire(void *arg)
{
    (void)arg;
    fired++;
}

/* After an instance is released its timers, queued calls and services are gone. */
static void test_runtime_release_drops_registrations(void)
{
    struct bt_host_ctx *h = start_rt(1);
    struct bt_host_ctx *victim = hctx_new(&rt, "victim", NULL, NULL);
    static const uint32_t iface = 4;
    uint64_t id;
    fired = 0;
    CU_ASSERT_EQUAL(H->timer_add(victim, 5, 5, count_fire, NULL, &id), BT_OK);
    CU_ASSERT_EQUAL(H->defer(victim, count_fire, NULL), BT_OK);
    CU_ASSERT_EQUAL(H->service_provide(victim, "victim-svc", &iface, NULL), BT_OK);
    CU_ASSERT_EQUAL(H->service_provide(h, "victim-svc", &iface, NULL), BT_EEXIST);
    hctx_release(victim);
    run_for(h, 30);
    CU_ASSERT_EQUAL(fired, 0);
    const void *got;
    void *self;
    CU_ASSERT_EQUAL(H->service_find(h, "victim-svc", &got, &self), BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "no service named victim-svc");
    CU_ASSERT_EQUAL(H->service_provide(h, "victim-svc", &iface, NULL), BT_OK);
    CU_ASSERT_EQUAL(H->service_find(h, "victim-svc", &got, &self), BT_OK);
    CU_ASSERT_PTR_EQUAL(got, &iface);
    stop_rt(h);
}

static void test_runtime_memory_accounting(void)
{
    struct bt_host_ctx *h = start_rt(1);
    CU_ASSERT_PTR_NULL(H->mem_alloc(h, 0));
    char *a = H->mem_alloc(h, 100);
    char *b = H->mem_alloc(h, 28);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL((uintptr_t)a % 16, 0);
    CU_ASSERT_EQUAL(h->mem_bytes, 128);
    CU_ASSERT_EQUAL(h->mem_blocks, 2);
    memset(a, 1, 100);
    a = H->mem_realloc(h, a, 1000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(a[99], 1);
    CU_ASSERT_EQUAL(h->mem_bytes, 1028);
    CU_ASSERT_EQUAL(h->mem_peak, 1028);
    H->mem_free(h, a);
    H->mem_free(h, NULL);
    CU_ASSERT_PTR_NULL(H->mem_realloc(h, b, 0)); /* frees */
    char *c = H->mem_realloc(h, NULL, 10);
    CU_ASSERT_EQUAL(h->mem_bytes, 10);
    H->mem_free(h, c);
    CU_ASSERT_EQUAL(h->mem_bytes, 0);
    CU_ASSERT_EQUAL(h->mem_blocks, 0);
    CU_ASSERT_EQUAL(h->mem_peak, 1028);
    stop_rt(h);
}

static void *read_error(void *arg)
{
    return (void *)H->last_error(arg);
}

static void test_runtime_errors_per_thread(void)
{
    struct bt_host_ctx *h = start_rt(1);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "");
    H->set_error(h, "key too long: %d bytes, max %d", 300, 255);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "key too long: 300 bytes, max 255");
    CU_ASSERT_STRING_EQUAL(hctx_error(h), "key too long: 300 bytes, max 255");
    pthread_t t;
    void *other = NULL;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, read_error, h), 0);
    pthread_join(t, &other);
    CU_ASSERT_STRING_EQUAL((const char *)other, "");
    char big[2000];
    memset(big, 'e', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    H->set_error(h, "%s", big);
    CU_ASSERT_EQUAL(strlen(H->last_error(h)), 1023); /* at most 1 KiB kept */
    hctx_clear_error(h);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "");
    stop_rt(h);
}

static void test_runtime_config_access(void)
{
    struct conf_entry entries[2] = {{"cache_mb", "256", 7}, {"path", "chaindata", 8}};
    struct conf_plugin pl = {.name = "storage-x", .entries = entries, .n_entries = 2};
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt, 1, "/var/lib/bttcd"), BT_OK);
    struct bt_host_ctx *h = hctx_new(&rt, "storage-x", &pl, "plugins.conf");
    struct bt_conf_entry e;
    CU_ASSERT_EQUAL(H->conf_get(h, "path", &e), BT_OK);
    CU_ASSERT_STRING_EQUAL(e.value, "chaindata");
    CU_ASSERT_STRING_EQUAL(e.file, "plugins.conf");
    CU_ASSERT_EQUAL(e.line, 8);
    CU_ASSERT_EQUAL(H->conf_get(h, "nope", &e), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(e.value);
    size_t iter = 0;
    CU_ASSERT_EQUAL(H->conf_next(h, &iter, &e), BT_OK);
    CU_ASSERT_STRING_EQUAL(e.key, "cache_mb");
    CU_ASSERT_EQUAL(H->conf_next(h, &iter, &e), BT_OK);
    CU_ASSERT_STRING_EQUAL(e.key, "path");
    CU_ASSERT_EQUAL(H->conf_next(h, &iter, &e), BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(H->datadir(h), "/var/lib/bttcd");
    CU_ASSERT(H->now_ms(h) > 0 && H->wall_ms(h) > 1700000000000ull);
    CU_ASSERT_EQUAL(H->struct_size, sizeof(struct bt_host));
    CU_ASSERT_EQUAL(H->abi_major, BT_ABI_MAJOR);
    stop_rt(h);
}

static void test_runtime_metrics_kept(void)
{
    struct bt_host_ctx *h = start_rt(1);
    uint32_t c, g, g2, hist;
    static const double bounds[] = {1, 5, 10};
    CU_ASSERT_EQUAL(H->metric_register(h, BT_METRIC_COUNTER, "blocks_total", "blocks", NULL, 0, &c),
                    BT_OK);
    CU_ASSERT_EQUAL(H->metric_register(h, BT_METRIC_GAUGE, "peers", "peers", NULL, 0, &g), BT_OK);
    CU_ASSERT_EQUAL(H->metric_register(h, BT_METRIC_HISTOGRAM, "import_ms", "ms", bounds, 3, &hist),
                    BT_OK);
    CU_ASSERT_EQUAL(H->metric_register(h, BT_METRIC_GAUGE, "peers", "again", NULL, 0, &g2),
                    BT_EEXIST);
    H->metric_update(h, c, 2);
    H->metric_update(h, c, 3);
    H->metric_update(h, hist, 4);
    H->metric_update(h, hist, 6);
    double v;
    uint64_t n;
    CU_ASSERT_EQUAL(services_metric_value(h, c, &v, &n), BT_OK);
    CU_ASSERT(v == 5 && n == 2);
    CU_ASSERT_EQUAL(services_metric_value(h, hist, &v, &n), BT_OK);
    CU_ASSERT(v == 10 && n == 2);
    H->metric_update(h, g, 7);
    /* The same values reach /metrics as bttcd_<plugin>_<name>. */
    size_t len = 0;
    char *text = metrics_render(metrics_global(), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char want[128];
    snprintf(want, sizeof(want), "bttcd_%s_blocks_total 5\n", h->name);
    for (char *p = want + 6; *p && p < want + 6 + strlen(h->name); p++)
        if (*p == '-')
            *p = '_';
    CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "_import_ms_bucket{le=\"5\"} 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "_import_ms_count 2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "_peers 7\n"));
    free(text);
    stop_rt(h);
}

static void rpc_fn(void *arg, struct bt_rpc_call *call)
{
    (void)arg, (void)call;
}

static void http_fn(void *arg, struct bt_http_request *req)
{
    (void)arg, (void)req;
}

static void topic_fn(void *arg, uint64_t peer, const uint8_t *msg, size_t msg_len)
{
    (void)arg, (void)peer, (void)msg, (void)msg_len;
}

static void test_runtime_unsupported_services(void)
{
    struct bt_host_ctx *h = start_rt(1);
    uint8_t sig[65], digest[32] = {0}, addr[20];
    uint32_t id;
    /* sign and key_address are backed (host/keys, test_keystore_signer.c): no keystore here. */
    CU_ASSERT_EQUAL(H->sign(h, sig, "0xabc", digest), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(H->key_address(h, "0x0000000000000000000000000000000000000001", addr),
                    BT_ENOTFOUND);
    CU_ASSERT_EQUAL(H->rpc_register(h, "bor_getAuthor", rpc_fn, NULL),
                    BT_OK); /* backed: host/rpc */
    CU_ASSERT_EQUAL(H->http_register(h, "GET", "/bor/span/{id}", http_fn, NULL),
                    BT_OK); /* backed: host/net/rest.c */
    CU_ASSERT_EQUAL(H->topic_register(h, "dlv/vote", 1024, topic_fn, NULL, &id), BT_ENOTSUP);
    CU_ASSERT_EQUAL(H->topic_send(h, 1, BT_PEER_BROADCAST, digest, 32), BT_ENOTSUP);
    H->peer_penalise(h, 7, "spam");
    stop_rt(h);
}

static void test_runtime_misuse_is_reported(void)
{
    struct bt_host_ctx *h = start_rt(1);
    services_set_strict(0);
    unsigned long before = services_misuse_count();
    uint64_t id;
    struct bt_conf_entry e;
    CU_ASSERT_EQUAL(H->timer_add(h, 1, 0, NULL, NULL, &id), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "misuse of timer_add: fn != NULL");
    CU_ASSERT_EQUAL(H->conf_get(h, NULL, &e), BT_EINVAL);
    CU_ASSERT_EQUAL(H->conf_get(NULL, "k", &e), BT_EINVAL);
    CU_ASSERT_EQUAL(H->timer_del(h, 999999), BT_EINVAL); /* never issued */
    CU_ASSERT_EQUAL(H->service_provide(h, "has space", &id, NULL), BT_EINVAL);
    H->metric_update(h, 4242, 1);
    char *q = H->mem_alloc(h, 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    memset(q, 0, 64);
    H->mem_free(h, q + 32); /* not the start of a block: caught by the tag check */
    H->mem_free(h, q);
    rt.phase = RT_PHASE_CREATE;
    const void *iface;
    void *self;
    CU_ASSERT_EQUAL(H->service_find(h, "chain", &iface, &self), BT_EINVAL);
    rt.phase = RT_PHASE_RUN;
    CU_ASSERT_EQUAL(services_misuse_count() - before, 8);
#ifdef BT_STRICT
    services_set_strict(1);
#endif
    stop_rt(h);
}

BTS_TEST_SUITE("runtime", NULL, NULL, BTS_TEST(test_runtime_timers),
               BTS_TEST(test_runtime_work_and_defer),
               BTS_TEST(test_runtime_work_cancelled_at_shutdown),
               BTS_TEST(test_runtime_release_drops_registrations),
               BTS_TEST(test_runtime_memory_accounting), BTS_TEST(test_runtime_errors_per_thread),
               BTS_TEST(test_runtime_config_access), BTS_TEST(test_runtime_metrics_kept),
               BTS_TEST(test_runtime_unsupported_services),
               BTS_TEST(test_runtime_misuse_is_reported));
