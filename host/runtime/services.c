/* The services table plugins call: logging, messages, memory, config, clocks, timers, deferred
 * calls, the worker pool and the service registry. Metrics and the services not backed yet
 * live in services_more.c. Function names are h_<entry> so misuse reports name the entry. */
#include "services_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log_int.h"

/* --- logging and messages ---------------------------------------------------------------- */

static void h_log(struct bt_host_ctx *h, uint32_t level, const char *msg, const char *fmt, ...)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    SERVICES_CHECK_VOID(h, level <= BT_LOG_TRACE);
    SERVICES_CHECK_VOID(h, msg != NULL);
    va_list ap;
    va_start(ap, fmt);
    log_vemit(level, "plugin", h->name, msg, fmt, ap);
    va_end(ap);
}

static int h_log_enabled(struct bt_host_ctx *h, uint32_t level)
{
    (void)h;
    return log_enabled(level);
}

static void h_set_error(struct bt_host_ctx *h, const char *fmt, ...)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    SERVICES_CHECK_VOID(h, fmt != NULL);
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    services_set_error(h, "%s", buf);
}

static const char *h_last_error(struct bt_host_ctx *h)
{
    if (!h) {
        services_misuse(h, __func__, "h != NULL");
        return "";
    }
    return hctx_error(h);
}

/* --- memory: a 16-byte header before each block keeps its size and a tag ------------------ */

#define MEM_TAG  0x6d656d21u /* "mem!" */
#define MEM_DEAD 0xdeadbeefu

struct mem_hdr {
    size_t size;
    uint32_t tag;
    uint32_t pad;
};
_Static_assert(sizeof(struct mem_hdr) == 16, "keep blocks 16-byte aligned");

static void mem_account(struct bt_host_ctx *h, ptrdiff_t bytes, int blocks)
{
    size_t now = __atomic_add_fetch(&h->mem_bytes, (size_t)bytes, __ATOMIC_RELAXED);
    __atomic_add_fetch(&h->mem_blocks, (size_t)(ptrdiff_t)blocks, __ATOMIC_RELAXED);
    size_t peak = __atomic_load_n(&h->mem_peak, __ATOMIC_RELAXED);
    while (now > peak && !__atomic_compare_exchange_n(&h->mem_peak, &peak, now, 1, __ATOMIC_RELAXED,
                                                      __ATOMIC_RELAXED))
        ;
}

static void *h_mem_alloc(struct bt_host_ctx *h, size_t n)
{
    if (!h) {
        services_misuse(h, __func__, "h != NULL");
        return NULL;
    }
    if (n == 0 || n > SIZE_MAX - sizeof(struct mem_hdr))
        return NULL;
    struct mem_hdr *m = malloc(sizeof(*m) + n);
    if (!m) {
        services_set_error(h, "out of memory: %zu bytes", n);
        return NULL;
    }
    m->size = n;
    m->tag = MEM_TAG;
    mem_account(h, (ptrdiff_t)n, 1);
    return m + 1;
}

static struct mem_hdr *mem_header(struct bt_host_ctx *h, void *p, const char *service)
{
    struct mem_hdr *m = (struct mem_hdr *)p - 1;
    if (m->tag != MEM_TAG) {
        services_misuse(h, service, "p was allocated by mem_alloc and not freed yet");
        return NULL;
    }
    return m;
}

static void h_mem_free(struct bt_host_ctx *h, void *p)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    if (!p)
        return;
    struct mem_hdr *m = mem_header(h, p, __func__);
    if (!m)
        return;
    mem_account(h, -(ptrdiff_t)m->size, -1);
    m->tag = MEM_DEAD;
    free(m);
}

static void *h_mem_realloc(struct bt_host_ctx *h, void *p, size_t n)
{
    if (!h) {
        services_misuse(h, __func__, "h != NULL");
        return NULL;
    }
    if (!p)
        return h_mem_alloc(h, n);
    if (n == 0) {
        h_mem_free(h, p);
        return NULL;
    }
    struct mem_hdr *m = mem_header(h, p, __func__);
    if (!m || n > SIZE_MAX - sizeof(*m))
        return NULL;
    size_t old = m->size;
    struct mem_hdr *nm = realloc(m, sizeof(*m) + n);
    if (!nm) {
        services_set_error(h, "out of memory: %zu bytes", n);
        return NULL;
    }
    nm->size = n;
    mem_account(h, (ptrdiff_t)n - (ptrdiff_t)old, 0);
    return nm + 1;
}

/* --- configuration ----------------------------------------------------------------------- */

static void conf_fill(struct bt_host_ctx *h, const struct conf_entry *e, struct bt_conf_entry *out)
{
    out->key = e->key;
    out->value = e->value;
    out->file = h->conf_file;
    out->line = e->line;
}

static bt_status h_conf_get(struct bt_host_ctx *h, const char *key, struct bt_conf_entry *out)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, key != NULL);
    SERVICES_CHECK(h, out != NULL);
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; h->conf && i < h->conf->n_entries; i++) {
        if (strcmp(h->conf->entries[i].key, key) == 0) {
            conf_fill(h, &h->conf->entries[i], out);
            return BT_OK;
        }
    }
    return BT_ENOTFOUND;
}

static bt_status h_conf_next(struct bt_host_ctx *h, size_t *iter, struct bt_conf_entry *out)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, iter != NULL);
    SERVICES_CHECK(h, out != NULL);
    memset(out, 0, sizeof(*out));
    if (!h->conf || *iter >= h->conf->n_entries)
        return BT_ENOTFOUND;
    conf_fill(h, &h->conf->entries[*iter], out);
    (*iter)++;
    return BT_OK;
}

static const char *h_datadir(struct bt_host_ctx *h)
{
    if (!h) {
        services_misuse(h, __func__, "h != NULL");
        return "";
    }
    return h->rt->datadir;
}

/* --- time, timers, deferred calls, work -------------------------------------------------- */

static uint64_t clock_ms(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static uint64_t h_now_ms(struct bt_host_ctx *h)
{
    (void)h;
    return clock_ms(CLOCK_MONOTONIC);
}

static uint64_t h_wall_ms(struct bt_host_ctx *h)
{
    (void)h;
    return clock_ms(CLOCK_REALTIME);
}

static bt_status h_timer_add(struct bt_host_ctx *h, uint64_t delay_ms, uint64_t period_ms,
                             bt_timer_fn fn, void *arg, uint64_t *out_id)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, fn != NULL);
    SERVICES_CHECK(h, out_id != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    *out_id = 0;
    if (h->rt->phase == RT_PHASE_SHUTDOWN)
        return BT_ECANCELED;
    return loop_timer_add(&h->rt->loop, h, delay_ms, period_ms, fn, arg, out_id);
}

static bt_status h_timer_del(struct bt_host_ctx *h, uint64_t id)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    bt_status st = loop_timer_del(&h->rt->loop, h, id);
    if (st == BT_EINVAL)
        return services_misuse(h, __func__, "id was returned by timer_add");
    return st;
}

static bt_status h_defer(struct bt_host_ctx *h, bt_defer_fn fn, void *arg)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, fn != NULL);
    bt_status st = loop_post(&h->rt->loop, h, fn, NULL, arg, BT_OK);
    if (st == BT_ECANCELED)
        services_set_error(h, "defer: the node is shutting down");
    return st;
}

static bt_status h_work_submit(struct bt_host_ctx *h, bt_work_fn on_worker, bt_work_done_fn on_done,
                               void *arg)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, on_worker != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    bt_status st = workers_submit(&h->rt->workers, h, on_worker, on_done, arg);
    if (st == BT_EBUSY)
        services_set_error(h, "work_submit: queue full (%zu jobs)", h->rt->workers.cap);
    else if (st == BT_ECANCELED)
        services_set_error(h, "work_submit: the node is shutting down");
    return st;
}

/* --- service registry -------------------------------------------------------------------- */

static int service_name_ok(const char *s)
{
    size_t n = strnlen(s, 128);
    if (n == 0 || n > 127)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7f)
            return 0;
    return 1;
}

static bt_status h_service_provide(struct bt_host_ctx *h, const char *name, const void *iface,
                                   void *self)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, name != NULL);
    SERVICES_CHECK(h, iface != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    SERVICES_CHECK(h, service_name_ok(name));
    bt_status st = registry_provide(&h->rt->registry, h, name, iface, self);
    if (st == BT_EEXIST)
        services_set_error(h, "service %s is already provided", name);
    return st;
}

static bt_status h_service_find(struct bt_host_ctx *h, const char *name, const void **out_iface,
                                void **out_self)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, name != NULL);
    SERVICES_CHECK(h, out_iface != NULL);
    SERVICES_CHECK(h, out_self != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    *out_iface = NULL;
    *out_self = NULL;
    if (h->rt->phase == RT_PHASE_CREATE)
        return services_misuse(h, __func__, "called from create (look services up in start)");
    bt_status st = registry_find(&h->rt->registry, name, out_iface, out_self);
    if (st == BT_ENOTFOUND)
        services_set_error(h, "no service named %s", name);
    return st;
}

static void h_service_each(struct bt_host_ctx *h, const char *prefix,
                           int (*fn)(void *arg, const char *name, const void *iface, void *self),
                           void *arg)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    SERVICES_CHECK_VOID(h, prefix != NULL);
    SERVICES_CHECK_VOID(h, fn != NULL);
    SERVICES_CHECK_VOID(h, loop_on_thread(&h->rt->loop));
    registry_each(&h->rt->registry, prefix, fn, arg);
}

/* --- the table --------------------------------------------------------------------------- */

#ifndef BTTCD_VERSION
#define BTTCD_VERSION "0.0.0"
#endif

const struct bt_host services_table = {
    .struct_size = sizeof(struct bt_host),
    .abi_major = BT_ABI_MAJOR,
    .abi_minor = BT_ABI_MINOR,
    .host_version = BTTCD_VERSION,
    .log = h_log,
    .log_enabled = h_log_enabled,
    .set_error = h_set_error,
    .last_error = h_last_error,
    .mem_alloc = h_mem_alloc,
    .mem_realloc = h_mem_realloc,
    .mem_free = h_mem_free,
    .conf_get = h_conf_get,
    .conf_next = h_conf_next,
    .datadir = h_datadir,
    .now_ms = h_now_ms,
    .wall_ms = h_wall_ms,
    .timer_add = h_timer_add,
    .timer_del = h_timer_del,
    .defer = h_defer,
    .work_submit = h_work_submit,
    .metric_register = h_metric_register,
    .metric_update = h_metric_update,
    .rpc_register = h_rpc_register,
    .rpc_result = h_rpc_result,
    .rpc_error = h_rpc_error,
    .http_register = h_http_register,
    .http_reply = h_http_reply,
    .topic_register = h_topic_register,
    .topic_send = h_topic_send,
    .peer_penalise = h_peer_penalise,
    .service_provide = h_service_provide,
    .service_find = h_service_find,
    .service_each = h_service_each,
    .sign = h_sign,
    .key_address = h_key_address,
};
