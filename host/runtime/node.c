/* `bttcd run` and `bttcd plugins list`. Run order (plugin.h "Lifecycle"): validate every
 * enabled plugin before any create; create in plugins.conf order; start; serve; on shutdown
 * stop in reverse, cancel pending work, destroy in reverse and release what each registered. */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

#include <bts/common.h>

#include "keys_cli_int.h"
#include "loader_int.h"
#include "log_int.h"
#include "net_int.h"
#include "services_int.h"
#include "setup_int.h"
#include "stor_node_int.h"

struct node_plugin {
    const struct conf_plugin *conf;
    char *path;
    struct loader_plugin *lp;
    struct bt_host_ctx *h;
    void *self;
    int is_created, is_started;
};

struct node {
    struct net *net;
    struct net_plugin_info *info; /* admin_plugins */
    struct config *cfg;
    struct plugin_dirs pd;
    struct host_rt rt;
    int has_rt;
    struct node_plugin *p;
    size_t n;
    struct stor_node storage; /* opened between create and start: plugins find it in start */
};

static int name_taken(void *arg, const char *name, const char **out_where)
{
    struct node *nd = arg;
    for (size_t i = 0; i < nd->n; i++) {
        if (nd->p[i].lp && strcmp(nd->p[i].lp->img.name, name) == 0) {
            *out_where = nd->p[i].lp->file;
            return 1;
        }
    }
    return 0;
}

/* Steps 1-7 for every enabled plugin, plus: the descriptor's name is the section's NAME.
 * Every refusal is printed, so one run shows all of them. */
static int load_all(struct node *nd)
{
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < nd->n; i++) {
        struct node_plugin *np = &nd->p[i];
        struct loader_refusal why;
        struct loader_plugin *lp = NULL;
        if (loader_open(np->path, name_taken, nd, &lp, &why) != BT_OK) {
            loader_print_refusal(stderr, np->path, &why);
            rc = CLI_EXIT_FAIL;
            continue;
        }
        np->lp = lp;
        if (strcmp(lp->img.name, np->conf->name) != 0) {
            snprintf(why.reason, sizeof(why.reason), "name mismatch");
            snprintf(why.detail, sizeof(why.detail),
                     "%s:%u has [plugin %s] but the plugin is named \"%s\"", nd->cfg->file,
                     np->conf->line, np->conf->name, lp->img.name);
            loader_print_refusal(stderr, np->path, &why);
            rc = CLI_EXIT_FAIL;
        }
    }
    return rc;
}

static void report_failure(struct node_plugin *np, const char *what, bt_status st)
{
    const char *msg = hctx_error(np->h);
    if (*msg)
        fprintf(stderr, "%s: %s failed: %s\n", np->path, what, msg);
    else
        fprintf(stderr, "%s: %s failed: %s\n", np->path, what, bts_status_str(st));
}

static int create_one(struct node *nd, struct node_plugin *np)
{
    const struct bt_plugin_desc *d = &np->lp->img.desc;
    np->h = hctx_new(&nd->rt, np->lp->img.name, np->conf, nd->cfg->file);
    if (!np->h) {
        fprintf(stderr, "%s: create failed: out of memory\n", np->path);
        return CLI_EXIT_FAIL;
    }
    hctx_clear_error(np->h);
    bt_status st = d->create(&services_table, np->h, &np->self);
    if (st != BT_OK) {
        report_failure(np, "create", st);
        return CLI_EXIT_FAIL;
    }
    np->is_created = 1;
    /* Every plugin is a service "<kind>/<name>" whose iface is the host's copy of its table. */
    char svc[128];
    snprintf(svc, sizeof(svc), "%s/%s", np->lp->img.kind->name, np->lp->img.name);
    st = registry_provide(&nd->rt.registry, np->h, svc, &np->lp->img.vtbl, np->self);
    if (st != BT_OK) {
        fprintf(stderr, "%s: create failed: cannot register service %s: %s\n", np->path, svc,
                bts_status_str(st));
        return CLI_EXIT_FAIL;
    }
    hlog(BT_LOG_INFO, "plugin created", "plugin=%s kind=%s version=%s file=\"%s\"",
         np->lp->img.name, np->lp->img.kind->name, np->lp->img.version, np->path);
    return CLI_EXIT_OK;
}

static int start_all(struct node *nd)
{
    nd->rt.phase = RT_PHASE_RUN;
    for (size_t i = 0; i < nd->n; i++) {
        struct node_plugin *np = &nd->p[i];
        const struct bt_plugin_desc *d = &np->lp->img.desc;
        if (BT_HAS(struct bt_plugin_desc, d, start)) {
            hctx_clear_error(np->h);
            bt_status st = d->start(np->self);
            if (st != BT_OK) {
                report_failure(np, "start", st);
                return CLI_EXIT_FAIL;
            }
        }
        np->is_started = 1;
    }
    return CLI_EXIT_OK;
}

/* The RPC transports, once every plugin has started (their methods and routes exist). */
static int start_net(const struct cli_opts *o, struct node *nd, const char *datadir)
{
    nd->info = calloc(nd->n ? nd->n : 1, sizeof(*nd->info));
    if (!nd->info) {
        fprintf(stderr, "bttcd: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < nd->n; i++) {
        struct loader_plugin *lp = nd->p[i].lp;
        nd->info[i] = (struct net_plugin_info){lp->img.name, lp->img.kind->name, lp->img.version,
                                               nd->p[i].path, &nd->p[i].h->mem_bytes};
    }
    struct net_opts no = o->net;
    const char *t = getenv("BTTCD_RPC_TEST");
    no.has_test_methods = t && strcmp(t, "1") == 0;
    char err[1024];
    if (net_start(nd->rt.loop.base, nd->rt.rpc, nd->rt.rest, datadir, &no, nd->info, nd->n,
                  &nd->net, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: rpc: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static void teardown(struct node *nd)
{
    net_stop(nd->net);
    nd->net = NULL;
    free(nd->info);
    for (size_t i = nd->n; i-- > 0;) {
        struct node_plugin *np = &nd->p[i];
        const struct bt_plugin_desc *d = np->lp ? &np->lp->img.desc : NULL;
        if (np->is_started && BT_HAS(struct bt_plugin_desc, d, stop))
            d->stop(np->self);
    }
    if (nd->has_rt)
        rt_quiesce(&nd->rt);
    stor_node_close(&nd->storage); /* before the backend plugin is destroyed */
    for (size_t i = nd->n; i-- > 0;) {
        struct node_plugin *np = &nd->p[i];
        if (np->is_created) {
            np->lp->img.desc.destroy(np->self);
            hlog(BT_LOG_DEBUG, "plugin destroyed", "plugin=%s", np->lp->img.name);
        }
        hctx_release(np->h);
    }
    for (size_t i = 0; i < nd->n; i++) {
        loader_close(nd->p[i].lp);
        free(nd->p[i].path);
    }
    free(nd->p);
    if (nd->has_rt) {
        signer_free(nd->rt.signer); /* wipes the unlocked keys */
        rt_free(&nd->rt);
    }
    paths_plugin_dirs_free(&nd->pd);
    config_free(nd->cfg);
}

/* Enabled sections, in file order, with their files resolved. */
static int collect(struct node *nd, int only_enabled)
{
    nd->p = calloc(nd->cfg->n_plugins ? nd->cfg->n_plugins : 1, sizeof(*nd->p));
    if (!nd->p) {
        fprintf(stderr, "bttcd: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < nd->cfg->n_plugins; i++) {
        const struct conf_plugin *pl = &nd->cfg->plugins[i];
        if (only_enabled && !pl->is_enabled)
            continue;
        struct node_plugin *np = &nd->p[nd->n];
        np->conf = pl;
        int rc = setup_resolve(nd->cfg, &nd->pd, pl, &np->path);
        if (rc != CLI_EXIT_OK)
            return rc;
        nd->n++;
    }
    return CLI_EXIT_OK;
}

static int prepare(const struct cli_opts *o, struct node *nd, char **out_datadir)
{
    int rc;
    if ((rc = setup_config(o, &nd->cfg)) != CLI_EXIT_OK ||
        (rc = setup_log(o, nd->cfg)) != CLI_EXIT_OK ||
        (rc = setup_plugin_dirs(o, nd->cfg, &nd->pd)) != CLI_EXIT_OK ||
        (rc = collect(nd, 1)) != CLI_EXIT_OK)
        return rc;
    char err[1024];
    char *dd = o->datadir         ? strdup(o->datadir)
               : nd->cfg->datadir ? strdup(nd->cfg->datadir)
                                  : paths_default_datadir(err, sizeof(err));
    if (!dd) {
        fprintf(stderr, "bttcd: datadir: %s\n",
                o->datadir || nd->cfg->datadir ? "out of memory" : err);
        return CLI_EXIT_FAIL;
    }
    bt_status st = paths_make_datadir(dd, out_datadir, err, sizeof(err));
    free(dd);
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: datadir %s\n", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static int open_storage(struct node *nd, const char *datadir)
{
    char err[2048];
    nd->storage.rt = &nd->rt;
    nd->storage.cfg = nd->cfg;
    nd->storage.pd = &nd->pd;
    bt_status st = stor_node_open(&nd->storage, datadir, 1, err, sizeof(err));
    if (st == BT_ENOTSUP) {
        hlog(BT_LOG_WARN, "running without storage", "reason=\"%s\"", err);
        stor_node_close(&nd->storage);
        return CLI_EXIT_OK;
    }
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: storage: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

int node_run(const struct cli_opts *o)
{
    struct node nd;
    memset(&nd, 0, sizeof(nd));
    char *datadir = NULL;
    int rc = prepare(o, &nd, &datadir);
    if (rc == CLI_EXIT_OK)
        rc = load_all(&nd);
    if (rc == CLI_EXIT_OK) {
        bt_status st = rt_init(&nd.rt, workers_default_count(), datadir);
        nd.has_rt = 1;
        if (st == BT_OK)
            st = loop_signals_install(&nd.rt.loop);
        if (st != BT_OK) {
            fprintf(stderr, "bttcd: cannot start the runtime: %s\n", bts_status_str(st));
            rc = CLI_EXIT_FAIL;
        }
    }
    if (rc == CLI_EXIT_OK) {
        char msg_none[1100];
        snprintf(msg_none, sizeof(msg_none), "no plugins enabled in %s", nd.cfg->file);
        hlog(BT_LOG_INFO, "starting", "version=%s abi=%d.%d config=\"%s\" datadir=\"%s\"",
             BTTCD_VERSION, BT_ABI_MAJOR, BT_ABI_MINOR, nd.cfg->file, datadir);
        for (size_t i = 0; i < nd.n && rc == CLI_EXIT_OK; i++)
            hlog(BT_LOG_INFO, "plugin loaded", "plugin=%s kind=%s version=%s file=\"%s\"",
                 nd.p[i].lp->img.name, nd.p[i].lp->img.kind->name, nd.p[i].lp->img.version,
                 nd.p[i].path);
        if (nd.n == 0)
            log_emit(BT_LOG_INFO, "component", "host", msg_none, NULL);
        /* Keys before create: plugins may look their addresses up there. */
        rc = keys_signer_start(o, nd.cfg, datadir, &nd.rt.signer);
        for (size_t i = 0; i < nd.n && rc == CLI_EXIT_OK; i++)
            rc = create_one(&nd, &nd.p[i]);
        if (rc == CLI_EXIT_OK)
            rc = open_storage(&nd, datadir);
        if (rc == CLI_EXIT_OK)
            rc = start_all(&nd);
        if (rc == CLI_EXIT_OK)
            rc = start_net(o, &nd, datadir);
    }
    if (rc == CLI_EXIT_OK) {
        hlog(BT_LOG_INFO, "bttcd ready", "plugins=%zu workers=%zu", nd.n, nd.rt.workers.n_threads);
        loop_run(&nd.rt.loop);
    } else if (nd.has_rt) {
        hlog(BT_LOG_ERROR, "startup failed", NULL);
    }
    teardown(&nd);
    free(datadir);
    if (rc == CLI_EXIT_OK)
        hlog(BT_LOG_INFO, "stopped", NULL);
    log_shutdown();
    return rc;
}

int node_plugins_list(const struct cli_opts *o)
{
    struct node nd;
    memset(&nd, 0, sizeof(nd));
    int rc;
    if ((rc = setup_config(o, &nd.cfg)) != CLI_EXIT_OK ||
        (rc = setup_log(o, nd.cfg)) != CLI_EXIT_OK ||
        (rc = setup_plugin_dirs(o, nd.cfg, &nd.pd)) != CLI_EXIT_OK ||
        (rc = collect(&nd, 0)) != CLI_EXIT_OK) {
        teardown(&nd);
        log_shutdown();
        return rc;
    }
    if (nd.n == 0)
        printf("no plugins in %s\n", nd.cfg->file);
    for (size_t i = 0; i < nd.n; i++) {
        struct node_plugin *np = &nd.p[i];
        struct loader_check c;
        printf("%s: %s file=%s ", np->conf->name, np->conf->is_enabled ? "enabled" : "disabled",
               np->path);
        if (loader_check_forked(np->path, &c) != BT_OK) {
            printf("refused: cannot check (fork failed)\n");
        } else if (!c.is_ok) {
            printf("refused: %s (%s)\n", c.why.reason, c.why.detail);
        } else if (strcmp(c.name, np->conf->name) != 0) {
            c.is_ok = 0;
            printf("refused: name mismatch (the plugin is named \"%s\")\n", c.name);
        } else {
            const struct loader_kind *k = loader_kind_find(c.kind);
            printf("ok kind=%s version=%s abi=%u.%u\n", k ? k->name : "?", c.version, c.abi_major,
                   c.abi_minor);
        }
        if (!c.is_ok && np->conf->is_enabled)
            rc = CLI_EXIT_FAIL;
    }
    teardown(&nd);
    log_shutdown();
    return rc;
}
