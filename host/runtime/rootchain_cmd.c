/* `bttcd rootchain status`: a short-lived runtime holding only the enabled rootchain adapters.
 * Each is created and started exactly as `run` would (same services table, same plugins.conf
 * section), asked for its heights once, then stopped; what it reports through status() and
 * the host metrics it registered (requests, errors by kind, reconnects...) is printed. */
#include "rootchain_cmd_int.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/common.h>

#include "loader_int.h"
#include "log_int.h"
#include "services_int.h"
#include "setup_int.h"

/* Every adapter answers within this or is reported as silent; their own request timeouts and
 * retries normally end far sooner. */
#define RC_DEADLINE_MS 60000

struct rc_cmd;

struct rc_adapter {
    struct rc_cmd *cmd;
    const struct conf_plugin *conf;
    char *path;
    struct loader_plugin *lp;
    struct bt_host_ctx *h;
    void *self;
    int is_created, is_started;
    int answered; /* heights callback ran */
    bt_status st;
    uint64_t head, finalized;
    char error[1024]; /* a refusal, a create/start failure or the heights error */
    struct bt_rootchain_status s;
    int has_status;
};

struct rc_cmd {
    struct config *cfg;
    struct plugin_dirs pd;
    struct host_rt rt;
    int has_rt;
    struct rc_adapter *a;
    size_t n;
    size_t pending;
};

static const struct bt_rootchain_vtbl *vt(const struct rc_adapter *a)
{
    return &a->lp->img.vtbl.rootchain;
}

static void on_heights(void *arg, bt_status st, uint64_t head, uint64_t finalized)
{
    struct rc_adapter *a = arg;
    struct rc_cmd *c = a->cmd;
    a->answered = 1;
    a->st = st;
    a->head = head;
    a->finalized = finalized;
    if (st != BT_OK) {
        const char *m = vt(a)->error_message(a->self);
        snprintf(a->error, sizeof(a->error), "%s", m && *m ? m : bts_status_str(st));
    }
    if (c->pending && --c->pending == 0)
        loop_stop(&c->rt.loop);
}

static void on_deadline(void *arg)
{
    struct rc_cmd *c = arg;
    loop_stop(&c->rt.loop);
}

/* Enabled sections whose plugin is a rootchain adapter, checked in a child first. */
static int collect(struct rc_cmd *c)
{
    c->a = calloc(c->cfg->n_plugins ? c->cfg->n_plugins : 1, sizeof(*c->a));
    if (!c->a)
        return CLI_EXIT_FAIL;
    for (size_t i = 0; i < c->cfg->n_plugins; i++) {
        const struct conf_plugin *pl = &c->cfg->plugins[i];
        if (!pl->is_enabled)
            continue;
        char *path = NULL;
        int rc = setup_resolve(c->cfg, &c->pd, pl, &path);
        if (rc != CLI_EXIT_OK)
            return rc;
        struct loader_check k;
        if (loader_check_forked(path, &k) != BT_OK) {
            k.is_ok = 0;
            k.kind = BT_KIND_ROOTCHAIN; /* unknown: show it rather than hide a failure */
            snprintf(k.why.reason, sizeof(k.why.reason), "cannot check");
            snprintf(k.why.detail, sizeof(k.why.detail), "fork failed");
        }
        if (k.is_ok && k.kind != BT_KIND_ROOTCHAIN) {
            free(path);
            continue;
        }
        struct rc_adapter *a = &c->a[c->n++];
        a->cmd = c;
        a->conf = pl;
        a->path = path;
        if (!k.is_ok)
            snprintf(a->error, sizeof(a->error), "refused: %s (%s)", k.why.reason, k.why.detail);
    }
    return CLI_EXIT_OK;
}

static void start_one(struct rc_cmd *c, struct rc_adapter *a)
{
    struct loader_refusal why;
    if (loader_open(a->path, NULL, NULL, &a->lp, &why) != BT_OK) {
        snprintf(a->error, sizeof(a->error), "refused: %s (%s)", why.reason, why.detail);
        return;
    }
    if (strcmp(a->lp->img.name, a->conf->name) != 0) {
        snprintf(a->error, sizeof(a->error), "refused: name mismatch ([plugin %s], plugin \"%s\")",
                 a->conf->name, a->lp->img.name);
        return;
    }
    a->h = hctx_new(&c->rt, a->lp->img.name, a->conf, c->cfg->file);
    if (!a->h) {
        snprintf(a->error, sizeof(a->error), "out of memory");
        return;
    }
    const struct bt_plugin_desc *d = &a->lp->img.desc;
    hctx_clear_error(a->h);
    bt_status st = d->create(&services_table, a->h, &a->self);
    if (st != BT_OK) {
        snprintf(a->error, sizeof(a->error), "create: %s",
                 *hctx_error(a->h) ? hctx_error(a->h) : bts_status_str(st));
        return;
    }
    a->is_created = 1;
    if (BT_HAS(struct bt_plugin_desc, d, start)) {
        hctx_clear_error(a->h);
        st = d->start(a->self);
        if (st != BT_OK) {
            snprintf(a->error, sizeof(a->error), "start: %s",
                     *hctx_error(a->h) ? hctx_error(a->h) : bts_status_str(st));
            return;
        }
    }
    a->is_started = 1;
    hctx_clear_error(a->h);
    st = vt(a)->heights(a->self, on_heights, a);
    if (st != BT_OK) {
        snprintf(a->error, sizeof(a->error), "heights: %s",
                 *hctx_error(a->h) ? hctx_error(a->h) : bts_status_str(st));
        return;
    }
    c->pending++;
}

/* The adapter's own metrics, as "name": value pairs (the bttcd_<plugin>_ prefix left out). */
static int add_metric(void *arg, const char *name, uint32_t type, double value, uint64_t count)
{
    (void)type, (void)count;
    json_object_set_new(arg, name, json_real(value));
    return 0;
}

static json_t *adapter_json(const struct rc_adapter *a)
{
    int ok = a->answered && a->st == BT_OK;
    json_t *o = json_object(), *m = json_object();
    if (!o || !m) {
        json_decref(o);
        json_decref(m);
        return NULL;
    }
    json_object_set_new(o, "name", json_string(a->conf->name));
    json_object_set_new(o, "ok", json_boolean(ok));
    if (a->lp)
        json_object_set_new(o, "chain_type",
                            json_integer(a->is_created ? vt(a)->chain_type(a->self) : 0));
    if (a->has_status) {
        json_object_set_new(o, "head", json_integer((json_int_t)a->s.head));
        json_object_set_new(o, "finalized", json_integer((json_int_t)a->s.finalized));
        json_object_set_new(o, "lag", json_integer((json_int_t)(a->s.head - a->s.finalized)));
        json_object_set_new(o, "last_ok_ms", json_integer((json_int_t)a->s.last_ok_ms));
        json_object_set_new(o, "url", json_string(a->s.url ? a->s.url : ""));
        json_object_set_new(o, "last_error", json_string(a->s.last_error ? a->s.last_error : ""));
    }
    json_object_set_new(o, "error", json_string(ok ? "" : a->error));
    if (a->h)
        services_metric_each(a->h, add_metric, m);
    json_object_set_new(o, "metrics", m);
    return o;
}

static void print_table(const struct rc_cmd *c, json_t *rows)
{
    printf("%-22s %-5s %12s %12s %6s  %s\n", "ADAPTER", "CHAIN", "HEAD", "FINALIZED", "LAG",
           "LAST ERROR");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const struct rc_adapter *a = &c->a[i];
        const char *err = json_string_value(json_object_get(r, "error"));
        const char *last = json_string_value(json_object_get(r, "last_error"));
        if (!a->has_status) {
            printf("%-22s %-5s %12s %12s %6s  %s\n", a->conf->name, "-", "-", "-", "-", err);
            continue;
        }
        char chain[16];
        snprintf(chain, sizeof(chain), "%" PRId64,
                 (int64_t)json_integer_value(json_object_get(r, "chain_type")));
        printf("%-22s %-5s %12" PRIu64 " %12" PRIu64 " %6" PRIu64 "  %s\n", a->conf->name, chain,
               a->s.head, a->s.finalized, a->s.head - a->s.finalized,
               err && *err ? err : (last && *last ? last : "-"));
        printf("  url=%s", a->s.url ? a->s.url : "");
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(r, "metrics"), k, v)
        {
            /* The table shows counters shortly (rpc_errors_timeout_total: errors_timeout);
             * the heights gauges are the columns already. */
            size_t kl = strlen(k), skip = strncmp(k, "rpc_", 4) == 0 ? 4 : 0;
            int is_total = kl > 6 && strcmp(k + kl - 6, "_total") == 0;
            if (!strcmp(k, "head") || !strcmp(k, "finalized"))
                continue;
            printf(" %.*s=%.0f", (int)(kl - skip - (is_total ? 6 : 0)), k + skip,
                   json_real_value(v));
        }
        printf("\n");
    }
}

static void teardown(struct rc_cmd *c)
{
    for (size_t i = c->n; i-- > 0;) {
        struct rc_adapter *a = &c->a[i];
        if (a->is_started && BT_HAS(struct bt_plugin_desc, &a->lp->img.desc, stop))
            a->lp->img.desc.stop(a->self);
    }
    if (c->has_rt)
        rt_quiesce(&c->rt);
    for (size_t i = c->n; i-- > 0;) {
        struct rc_adapter *a = &c->a[i];
        if (a->is_created)
            a->lp->img.desc.destroy(a->self);
        hctx_release(a->h);
    }
    for (size_t i = 0; i < c->n; i++) {
        loader_close(c->a[i].lp);
        free(c->a[i].path);
    }
    free(c->a);
    if (c->has_rt)
        rt_free(&c->rt);
    paths_plugin_dirs_free(&c->pd);
    config_free(c->cfg);
}

int rootchain_status_cmd(const struct cli_opts *o)
{
    struct rc_cmd c;
    memset(&c, 0, sizeof(c));
    int rc = setup_config(o, &c.cfg);
    if (rc != CLI_EXIT_OK)
        return rc;
    setup_log_console(o, c.cfg); /* status prints; it never writes the log file */
    if ((rc = setup_plugin_dirs(o, c.cfg, &c.pd)) != CLI_EXIT_OK ||
        (rc = collect(&c)) != CLI_EXIT_OK) {
        teardown(&c);
        log_shutdown();
        return rc;
    }
    char err[256];
    char *dd = o->datadir       ? strdup(o->datadir)
               : c.cfg->datadir ? strdup(c.cfg->datadir)
                                : paths_default_datadir(err, sizeof(err));
    bt_status st = rt_init(&c.rt, 2, dd ? dd : ".");
    free(dd);
    c.has_rt = 1;
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: cannot start the runtime: %s\n", bts_status_str(st));
        teardown(&c);
        log_shutdown();
        return CLI_EXIT_FAIL;
    }
    c.rt.phase = RT_PHASE_RUN;
    for (size_t i = 0; i < c.n; i++)
        if (!c.a[i].error[0])
            start_one(&c, &c.a[i]);
    uint64_t timer = 0;
    if (c.pending &&
        loop_timer_add(&c.rt.loop, NULL, RC_DEADLINE_MS, 0, on_deadline, &c, &timer) == BT_OK)
        loop_run(&c.rt.loop);
    json_t *rows = json_array();
    for (size_t i = 0; i < c.n && rows; i++) {
        struct rc_adapter *a = &c.a[i];
        if (a->is_created && vt(a)->status) {
            memset(&a->s, 0, sizeof(a->s));
            a->s.struct_size = sizeof(a->s);
            a->has_status = vt(a)->status(a->self, &a->s) == BT_OK;
        }
        if (a->is_started && !a->answered && !a->error[0])
            snprintf(a->error, sizeof(a->error), "no answer within %d s", RC_DEADLINE_MS / 1000);
        if (!(a->answered && a->st == BT_OK))
            rc = CLI_EXIT_FAIL;
        json_array_append_new(rows, adapter_json(a));
    }
    if (!rows) {
        rc = CLI_EXIT_FAIL;
    } else if (o->is_json) {
        char *text = json_dumps(rows, JSON_INDENT(2));
        if (text)
            printf("%s\n", text);
        free(text);
    } else if (c.n == 0) {
        printf("no rootchain plugins enabled in %s\n", c.cfg->file);
    } else {
        print_table(&c, rows);
    }
    json_decref(rows);
    teardown(&c);
    log_shutdown();
    return rc;
}
