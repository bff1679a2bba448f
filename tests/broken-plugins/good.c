/* The good test plugin (kind rootchain, name test-good): a minimal valid table plus a create,
 * start, stop and destroy that use the host services a real plugin uses (config, memory,
 * logging, timers, deferred calls, the worker pool, the service registry), so `bttcd run`
 * exercises its success path end to end. Not for operators. */
#include <string.h>

#include "common.h"

struct good {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    uint64_t timer;
    unsigned ticks;
    char *greeting; /* from mem_alloc */
};

static void good_tick(void *arg)
{
    struct good *g = arg;
    g->ticks++;
    if (g->host->log_enabled(g->hctx, BT_LOG_DEBUG))
        g->host->log(g->hctx, BT_LOG_DEBUG, "tick", "n=%u", g->ticks);
}

static void good_work(void *arg)
{
    (void)arg; /* runs on a worker: nothing to touch but our own data */
}

static void good_work_done(void *arg, bt_status st)
{
    struct good *g = arg;
    g->host->log(g->hctx, BT_LOG_INFO, "work done", "status=%d", (int)st);
}

static void good_deferred(void *arg)
{
    struct good *g = arg;
    g->host->log(g->hctx, BT_LOG_INFO, "deferred call ran", NULL);
}

static bt_status good_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    *out_self = NULL;
    struct good *g = host->mem_alloc(hctx, sizeof(*g));
    if (!g)
        return BT_ENOMEM;
    memset(g, 0, sizeof(*g));
    g->host = host;
    g->hctx = hctx;
    struct bt_conf_entry e;
    const char *greeting = host->conf_get(hctx, "greeting", &e) == BT_OK ? e.value : "hello";
    size_t n = strlen(greeting) + 1;
    g->greeting = host->mem_alloc(hctx, n);
    if (!g->greeting) {
        host->mem_free(hctx, g);
        return BT_ENOMEM;
    }
    memcpy(g->greeting, greeting, n);
    size_t iter = 0;
    while (host->conf_next(hctx, &iter, &e) == BT_OK)
        host->log(hctx, BT_LOG_DEBUG, "config", "key=%s line=%u", e.key, e.line);
    host->log(hctx, BT_LOG_INFO, "created", "greeting=\"%s\" datadir=\"%s\"", g->greeting,
              host->datadir(hctx));
    *out_self = g;
    return BT_OK;
}

static bt_status good_start(void *self)
{
    struct good *g = self;
    const void *iface;
    void *found;
    bt_status st = g->host->service_find(g->hctx, "rootchain/test-good", &iface, &found);
    if (st != BT_OK || found != self) {
        g->host->set_error(g->hctx, "cannot find myself as rootchain/test-good");
        return BT_EINTERNAL;
    }
    if ((st = g->host->timer_add(g->hctx, 10, 10, good_tick, g, &g->timer)) != BT_OK ||
        (st = g->host->work_submit(g->hctx, good_work, good_work_done, g)) != BT_OK ||
        (st = g->host->defer(g->hctx, good_deferred, g)) != BT_OK)
        return st;
    g->host->log(g->hctx, BT_LOG_INFO, "started", NULL);
    return BT_OK;
}

static void good_stop(void *self)
{
    struct good *g = self;
    g->host->timer_del(g->hctx, g->timer);
    g->host->log(g->hctx, BT_LOG_INFO, "stopped", "ticks=%u", g->ticks);
}

static void good_destroy(void *self)
{
    struct good *g = self;
    if (!g)
        return;
    g->host->mem_free(g->hctx, g->greeting);
    g->host->mem_free(g->hctx, g);
}

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;

BT_PLUGIN_DEFINE(vtbl, .kind = BT_KIND_ROOTCHAIN, .name = "test-good", .version = "1.0.0",
                 .flags = BT_PLUGIN_F_UNLOAD_SAFE, .create = good_create, .start = good_start,
                 .stop = good_stop, .destroy = good_destroy);
