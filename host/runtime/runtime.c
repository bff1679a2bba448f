/* The runtime and per-instance contexts: creation, misuse reports, per-thread messages, and
 * releasing what an instance registered once it is destroyed. */
#include "services_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_int.h"
#include "p2p_int.h"
#include "rest_int.h"
#include "rpc_int.h"

/* Bounded queue of the worker pool: full means the node is far behind, and BT_EBUSY tells the
 * plugin to back off instead of growing memory without limit. */
#define RT_WORK_QUEUE_CAP 4096
#define ERR_MAX           1024

struct services_err {
    struct services_err *next;
    pthread_t tid;
    char msg[ERR_MAX];
};

#ifdef BT_STRICT
static int is_strict = 1;
#else
static int is_strict = 0;
#endif
static unsigned long misuse_count;

void services_set_strict(int strict)
{
    is_strict = strict;
}

unsigned long services_misuse_count(void)
{
    return __atomic_load_n(&misuse_count, __ATOMIC_RELAXED);
}

bt_status rt_init(struct host_rt *rt, size_t n_workers, const char *datadir)
{
    memset(rt, 0, sizeof(*rt));
    pthread_mutex_init(&rt->metrics_lock, NULL);
    rt->next_metric_id = 1;
    rt->datadir = strdup(datadir);
    rt->rpc = rpc_server_new(NULL);
    rt->rest = rest_router_new();
    if (!rt->datadir || !rt->rpc || !rt->rest)
        return BT_ENOMEM;
    bt_status st = loop_init(&rt->loop);
    if (st != BT_OK)
        return st;
    return workers_start(&rt->workers, &rt->loop, n_workers ? n_workers : 1, RT_WORK_QUEUE_CAP);
}

void rt_quiesce(struct host_rt *rt)
{
    rt->phase = RT_PHASE_SHUTDOWN;
    workers_stop(&rt->workers);
    loop_drain(&rt->loop, 1);
}

void rt_free(struct host_rt *rt)
{
    workers_stop(&rt->workers);
    registry_drop_owner(&rt->registry, NULL);
    rpc_server_free(rt->rpc);
    rest_router_free(rt->rest);
    if (rt->loop.base)
        loop_free(&rt->loop);
    free(rt->datadir);
    pthread_mutex_destroy(&rt->metrics_lock);
    memset(rt, 0, sizeof(*rt));
}

struct bt_host_ctx *hctx_new(struct host_rt *rt, const char *name, const struct conf_plugin *conf,
                             const char *conf_file)
{
    struct bt_host_ctx *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->rt = rt;
    snprintf(h->name, sizeof(h->name), "%s", name);
    h->conf = conf;
    h->conf_file = conf_file;
    pthread_mutex_init(&h->err_lock, NULL);
    return h;
}

void hctx_release(struct bt_host_ctx *h)
{
    if (!h)
        return;
    struct host_rt *rt = h->rt;
    loop_timers_drop_owner(&rt->loop, h);
    loop_drop_owner(&rt->loop, h);
    registry_drop_owner(&rt->registry, h);
    if (rt->rpc)
        rpc_drop_owner(rt->rpc, h);
    if (rt->rest)
        rest_drop_owner(rt->rest, h);
    if (rt->p2p)
        p2p_topic_drop_owner(rt->p2p, h);
    services_metrics_release(h);
    size_t blocks = __atomic_load_n(&h->mem_blocks, __ATOMIC_RELAXED);
    /* Blocks left after destroy are the plugin's leak: worth a warning, not a crash. */
    char fields[128];
    snprintf(fields, sizeof(fields), "bytes=%zu blocks=%zu peak_bytes=%zu",
             __atomic_load_n(&h->mem_bytes, __ATOMIC_RELAXED), blocks,
             __atomic_load_n(&h->mem_peak, __ATOMIC_RELAXED));
    log_emit(blocks ? BT_LOG_WARN : BT_LOG_DEBUG, "plugin", h->name,
             blocks ? "memory not freed at destroy" : "memory at release", fields);
    struct services_err *e = h->errs;
    while (e) {
        struct services_err *next = e->next;
        free(e);
        e = next;
    }
    pthread_mutex_destroy(&h->err_lock);
    free(h);
}

/* The calling thread's slot, created on first use. NULL only when out of memory. */
static struct services_err *err_slot(struct bt_host_ctx *h)
{
    pthread_t self = pthread_self();
    pthread_mutex_lock(&h->err_lock);
    struct services_err *e = h->errs;
    while (e && !pthread_equal(e->tid, self))
        e = e->next;
    if (!e && (e = calloc(1, sizeof(*e)))) {
        e->tid = self;
        e->next = h->errs;
        h->errs = e;
    }
    pthread_mutex_unlock(&h->err_lock);
    return e;
}

static void set_error_v(struct bt_host_ctx *h, const char *fmt, va_list ap)
{
    struct services_err *e = err_slot(h);
    if (e)
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

void services_set_error(struct bt_host_ctx *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error_v(h, fmt, ap);
    va_end(ap);
}

const char *hctx_error(struct bt_host_ctx *h)
{
    struct services_err *e = err_slot(h);
    return e ? e->msg : "";
}

void hctx_clear_error(struct bt_host_ctx *h)
{
    struct services_err *e = err_slot(h);
    if (e)
        e->msg[0] = 0;
}

bt_status services_misuse(struct bt_host_ctx *h, const char *service, const char *what)
{
    __atomic_add_fetch(&misuse_count, 1, __ATOMIC_RELAXED);
    if (strncmp(service, "h_", 2) == 0)
        service += 2;
    char msg[256];
    snprintf(msg, sizeof(msg), "misuse: %s", what);
    char fields[96];
    snprintf(fields, sizeof(fields), "service=%s", service);
    log_emit(BT_LOG_ERROR, h ? "plugin" : "component", h ? h->name : "host", msg, fields);
    if (h)
        services_set_error(h, "misuse of %s: %s", service, what);
    if (is_strict)
        abort();
    return BT_EINVAL;
}
