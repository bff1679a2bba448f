/* `bttcd run` and `bttcd plugins list`. Run order (plugin.h "Lifecycle"): validate every
 * enabled plugin before any create (first in a child process, then in this one); create in
 * plugins.conf order; start; serve; on shutdown stop in reverse, cancel pending work, destroy
 * in reverse and release what each registered. Once the logger is set up, every reason for
 * a failed start is a field of a logged error event, never a raw line of its own. */
#include "node_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bts/common.h>

#include "eth_int.h"
#include "keys_cli_int.h"
#include "loader_int.h"
#include "log_int.h"
#include "net_int.h"
#include "node_chain_int.h"
#include "p2p_int.h"
#include "services_int.h"
#include "setup_int.h"
#include "status_int.h"
#include "stor_node_int.h"
#include "tronapi_node_int.h"

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
    struct statusd *status;       /* --status.page (NULL: off) */
    struct eth_api *eth;          /* the eth_* methods, when there is a chain */
    struct net_plugin_info *info; /* admin_plugins */
    struct config *cfg;
    struct plugin_dirs pd;
    struct host_rt rt;
    int has_rt;
    struct node_plugin *p;
    size_t n;
    struct stor_node storage; /* opened between create and start: plugins find it in start */
    struct node_chain chain;  /* opened after storage: plugins find "chain" in start */
    char *dev_tmpdir;         /* --dev without --datadir: removed at exit */
    struct tronapi *tronapi;  /* --tron-api.port: the dev TRON API (NULL: off) */
    int lock_fd;              /* <datadir>/LOCK, held while the node runs; -1: none */
    size_t n_refused;         /* plugins refused by load_all */
    char fail[2048];          /* logfmt fields of the first startup failure ("" if none) */
    char fail_text[1024];     /* the same reason as one plain line, for stderr */
    /* The p2p node's chain backend: genesis-only until the chain core provides one. */
    struct p2p_backend *p2p_backend;
    struct p2p_link *p2p_link; /* the chain serving eth/66, once it is open */
};

/* Remember the first startup failure: `fields` for the log event, `text` for stderr. */
static void node_fail(struct node *nd, const char *text, const char *fmt, ...) BT_PRINTF(3, 4);
static void node_fail(struct node *nd, const char *text, const char *fmt, ...)
{
    if (nd->fail[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(nd->fail, sizeof(nd->fail), fmt, ap);
    va_end(ap);
    log_escape_text(nd->fail_text, sizeof(nd->fail_text), text);
}

/* The error event of a failed start. When the log goes to a file, stderr gets the reason
 * too: whoever started the node sees why it stopped. */
static void report_startup_failure(struct node *nd)
{
    if (nd->n_refused && !nd->fail[0]) {
        char text[64];
        snprintf(text, sizeof(text), "%zu plugin%s refused", nd->n_refused,
                 nd->n_refused == 1 ? "" : "s");
        node_fail(nd, text, "refused=%zu", nd->n_refused);
    }
    hlog(BT_LOG_ERROR, "startup failed", "%s", nd->fail);
    if (log_to_file())
        fprintf(stderr, "bttcd: startup failed: %s\n",
                nd->fail_text[0] ? nd->fail_text : "see the log file");
}

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

static void log_refusal(struct node *nd, const char *file, const struct loader_refusal *why)
{
    char qfile[1100], qreason[200], qdetail[1100];
    log_quote(qfile, sizeof(qfile), file);
    log_quote(qreason, sizeof(qreason), why->reason);
    log_quote(qdetail, sizeof(qdetail), why->detail);
    hlog(BT_LOG_ERROR, "plugin refused", "file=%s reason=%s detail=%s", qfile, qreason, qdetail);
    nd->n_refused++;
}

/* Steps 1-7 for every enabled plugin, plus: the descriptor's name is the section's NAME.
 * Each file is first checked in a child (as `plugins check` does): a plugin that crashes,
 * exits or hangs while loading or describing itself is refused there, and only files the
 * child accepted are loaded into this process. Every refusal is logged, so one run shows
 * all of them. */
static int load_all(struct node *nd)
{
    int rc = CLI_EXIT_OK;
    /* All checks at once (loader_check_forked_n): one wait instead of one per plugin. */
    const char **files = calloc(nd->n ? nd->n : 1, sizeof(*files));
    struct loader_check *checks = calloc(nd->n ? nd->n : 1, sizeof(*checks));
    for (size_t i = 0; files && i < nd->n; i++)
        files[i] = nd->p[i].path;
    if (!files || !checks || loader_check_forked_n(files, nd->n, checks) != BT_OK) {
        free(files);
        free(checks);
        node_fail(nd, "out of memory", "step=load err=\"out of memory\"");
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < nd->n; i++) {
        struct node_plugin *np = &nd->p[i];
        struct loader_check c = checks[i];
        struct loader_refusal why;
        if (c.is_ok && strcmp(c.name, np->conf->name) != 0) {
            c.is_ok = 0;
            snprintf(c.why.reason, sizeof(c.why.reason), "name mismatch");
            snprintf(c.why.detail, sizeof(c.why.detail),
                     "%s:%u has [plugin %s] but the plugin is named \"%s\"", nd->cfg->file,
                     np->conf->line, np->conf->name, c.name);
        }
        if (!c.is_ok) {
            log_refusal(nd, np->path, &c.why);
            rc = CLI_EXIT_FAIL;
            continue;
        }
        struct loader_plugin *lp = NULL;
        if (loader_open(np->path, name_taken, nd, &lp, &why) != BT_OK) {
            log_refusal(nd, np->path, &why);
            rc = CLI_EXIT_FAIL;
            continue;
        }
        np->lp = lp;
    }
    free(files);
    free(checks);
    return rc;
}

/* A plugin's config error (BT_EINVAL with a "<plugins.conf>:" message, as bts_conf_parse
 * leaves) is a plugins.conf error like the host's own: exit status 2. */
static int failure_status(const struct node *nd, bt_status st, const char *msg)
{
    size_t fn = strlen(nd->cfg->file);
    if (st == BT_EINVAL && strncmp(msg, nd->cfg->file, fn) == 0 && msg[fn] == ':')
        return CLI_EXIT_USAGE;
    return CLI_EXIT_FAIL;
}

static int report_failure(struct node *nd, struct node_plugin *np, const char *what, bt_status st)
{
    const char *msg = hctx_error(np->h);
    if (!*msg)
        msg = bts_status_str(st);
    char qfile[1100], qerr[1100], text[1024];
    log_quote(qfile, sizeof(qfile), np->path);
    log_quote(qerr, sizeof(qerr), msg);
    int rc = failure_status(nd, st, msg);
    if (rc == CLI_EXIT_USAGE)
        snprintf(text, sizeof(text), "%s", msg);
    else
        snprintf(text, sizeof(text), "%s: %s failed: %s", np->path, what, msg);
    node_fail(nd, text, "plugin=%s step=%s file=%s err=%s", np->lp->img.name, what, qfile, qerr);
    return rc;
}

static int create_one(struct node *nd, struct node_plugin *np)
{
    const struct bt_plugin_desc *d = &np->lp->img.desc;
    np->h = hctx_new(&nd->rt, np->lp->img.name, np->conf, nd->cfg->file);
    if (!np->h) {
        node_fail(nd, "out of memory", "plugin=%s step=create err=\"out of memory\"",
                  np->lp->img.name);
        return CLI_EXIT_FAIL;
    }
    hctx_clear_error(np->h);
    bt_status st = d->create(&services_table, np->h, &np->self);
    if (st != BT_OK)
        return report_failure(nd, np, "create", st);
    np->is_created = 1;
    /* Every plugin is a service "<kind>/<name>" whose iface is the host's copy of its table. */
    char svc[128];
    snprintf(svc, sizeof(svc), "%s/%s", np->lp->img.kind->name, np->lp->img.name);
    st = registry_provide(&nd->rt.registry, np->h, svc, &np->lp->img.vtbl, np->self);
    if (st != BT_OK) {
        node_fail(nd, "cannot register the plugin's service",
                  "plugin=%s step=create err=\"cannot register service %s: %s\"", np->lp->img.name,
                  svc, bts_status_str(st));
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
            if (st != BT_OK)
                return report_failure(nd, np, "start", st);
        }
        np->is_started = 1;
    }
    return CLI_EXIT_OK;
}

static void node_info_p2p(void *arg, struct json_t *obj)
{
    p2p_node_info(arg, obj);
}

/* The devp2p node, before the plugins are created (they register their topics in create or
 * start). Off with --maxpeers 0 --nodiscover. When the default port is taken (another node,
 * or a test running in parallel) the node runs without p2p and says so; a port given with
 * --p2p.port must be free. */
static int start_p2p(const struct cli_opts *o, struct node *nd, const char *datadir)
{
    if (!o->p2p.is_enabled || (o->p2p.max_peers == 0 && o->p2p.is_nodiscover))
        return CLI_EXIT_OK;
    char err[1024] = "";
    uint8_t key[32];
    struct p2p_chain chain;
    struct bts_buf header;
    bts_buf_init(&header);
    bt_status st = p2p_nodekey_load(datadir, key, err, sizeof(err));
    if (st == BT_OK)
        st = p2p_chain_load(o->genesis      ? o->genesis
                            : o->chain_name ? o->chain_name
                            : o->is_dev     ? "dev"
                                            : o->p2p.chain,
                            &chain, &header, err, sizeof(err));
    if (st == BT_OK) {
        nd->p2p_backend = p2p_genesis_backend_new(chain.genesis, header.data, header.len);
        st = nd->p2p_backend ? BT_OK : BT_ENOMEM;
    }
    if (st == BT_OK)
        st = p2p_start(nd->rt.loop.base, &o->p2p, key, &chain, nd->p2p_backend, nd->rt.rpc,
                       &nd->rt.p2p, err, sizeof(err));
    explicit_bzero(key, sizeof(key));
    bts_buf_free(&header);
    if (st == BT_EBUSY && !o->has_p2p_port) {
        char qerr[1100];
        log_quote(qerr, sizeof(qerr), err);
        hlog(BT_LOG_WARN, "running without p2p", "err=%s", qerr);
        return CLI_EXIT_OK;
    }
    if (st != BT_OK) {
        char qerr[1100], text[1100];
        log_quote(qerr, sizeof(qerr), err[0] ? err : bts_status_str(st));
        snprintf(text, sizeof(text), "p2p: %s", err[0] ? err : bts_status_str(st));
        node_fail(nd, text, "step=p2p err=%s", qerr);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Once the chain is open, it serves eth/66 (its genesis replaces the preliminary identity,
 * which came from the same --genesis/--chain/--dev choice) and syncs from peers. */
static int attach_p2p(const struct cli_opts *o, struct node *nd)
{
    if (!nd->rt.p2p || !nd->chain.c || o->cmd != CLI_CMD_RUN)
        return CLI_EXIT_OK;
    bt_status st = p2p_attach_chain(nd->rt.p2p, nd->chain.c, &nd->p2p_link);
    if (st != BT_OK) {
        node_fail(nd, "p2p: cannot serve the chain", "step=p2p err=\"%s\"", bts_status_str(st));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* The RPC transports, once every plugin has started (their methods and routes exist). */
static int start_net(const struct cli_opts *o, struct node *nd, const char *datadir)
{
    nd->info = calloc(nd->n ? nd->n : 1, sizeof(*nd->info));
    if (!nd->info) {
        node_fail(nd, "out of memory", "step=rpc err=\"out of memory\"");
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < nd->n; i++) {
        struct loader_plugin *lp = nd->p[i].lp;
        nd->info[i] = (struct net_plugin_info){lp->img.name, lp->img.kind->name, lp->img.version,
                                               nd->p[i].path, &nd->p[i].h->mem_bytes};
    }
    if (nd->chain.c) {
        bt_status st = eth_api_new(nd->rt.rpc, nd->chain.c, nd->storage.s, &nd->eth);
        if (st != BT_OK) {
            node_fail(nd, "cannot register the eth_* methods", "step=rpc err=\"eth methods: %s\"",
                      bts_status_str(st));
            return CLI_EXIT_FAIL;
        }
    }
    struct net_opts no = o->net;
    if (nd->rt.p2p) {
        no.node_info = node_info_p2p;
        no.node_info_arg = nd->rt.p2p;
    }
    const char *t = getenv("BTTCD_RPC_TEST");
    no.has_test_methods = t && strcmp(t, "1") == 0;
    char err[1024];
    if (net_start(nd->rt.loop.base, nd->rt.rpc, nd->rt.rest, datadir, &no, nd->info, nd->n,
                  &nd->net, err, sizeof(err)) != BT_OK) {
        char qerr[1100], text[1100];
        log_quote(qerr, sizeof(qerr), err);
        snprintf(text, sizeof(text), "rpc: %s", err);
        node_fail(nd, text, "step=rpc err=%s", qerr);
        return CLI_EXIT_FAIL;
    }
    uint16_t bound = 0;
    if (o->status.is_on && statusd_start(nd->rt.loop.base, nd->rt.rpc, &o->status, &nd->status,
                                         &bound, err, sizeof(err)) != BT_OK) {
        char qerr[1100], text[1100];
        log_quote(qerr, sizeof(qerr), err);
        snprintf(text, sizeof(text), "status page: %s", err);
        node_fail(nd, text, "step=status err=%s", qerr);
        return CLI_EXIT_FAIL;
    }
    if (nd->status)
        hlog(BT_LOG_INFO, "status page", "url=http://%s:%u/", o->status.addr, bound);
    return CLI_EXIT_OK;
}

static void teardown(struct node *nd)
{
    statusd_stop(nd->status); /* its in-process calls go before the methods */
    nd->status = NULL;
    net_stop(nd->net);
    nd->net = NULL;
    eth_api_free(nd->eth); /* before the chain closes */
    nd->eth = NULL;
    tronapi_free(nd->tronapi);
    nd->tronapi = NULL;
    free(nd->info);
    for (size_t i = nd->n; i-- > 0;) {
        struct node_plugin *np = &nd->p[i];
        const struct bt_plugin_desc *d = np->lp ? &np->lp->img.desc : NULL;
        if (np->is_started && BT_HAS(struct bt_plugin_desc, d, stop))
            d->stop(np->self);
    }
    if (nd->has_rt)
        rt_quiesce(&nd->rt);
    p2p_detach_chain(nd->p2p_link); /* before the chain closes */
    nd->p2p_link = NULL;
    node_chain_close(&nd->chain);
    stor_node_close(&nd->storage); /* before the backend plugin is destroyed */
    for (size_t i = nd->n; i-- > 0;) {
        struct node_plugin *np = &nd->p[i];
        if (np->is_created) {
            np->lp->img.desc.destroy(np->self);
            hlog(BT_LOG_DEBUG, "plugin destroyed", "plugin=%s", np->lp->img.name);
        }
        hctx_release(np->h);
    }
    if (nd->has_rt) {
        p2p_stop(nd->rt.p2p); /* after the plugins: their topics went with their contexts */
        nd->rt.p2p = NULL;
    }
    p2p_genesis_backend_free(nd->p2p_backend);
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
    if (nd->lock_fd >= 0)
        close(nd->lock_fd);
}

/* Enabled sections (or all, for list), in file order, with their files resolved. A disabled
 * section's file may be missing (list shows it so): its path stays NULL. */
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
        if (!pl->is_enabled) {
            char err[2048];
            const char *value = pl->path ? pl->path : pl->name;
            bt_status st =
                paths_resolve_plugin(value, nd->cfg->dir, &nd->pd, &np->path, err, sizeof(err));
            if (st == BT_ENOMEM) {
                fprintf(stderr, "bttcd: out of memory\n");
                return CLI_EXIT_FAIL;
            }
            nd->n++;
            continue;
        }
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
    /* --dev runs without a plugins.conf too (then only its own plugins are loaded). */
    int is_dev_bare = o->is_dev && !o->has_config && access(o->config, F_OK) != 0;
    if ((!is_dev_bare && (rc = setup_config(o, &nd->cfg)) != CLI_EXIT_OK) ||
        (o->is_dev && (rc = node_dev_setup(o, &nd->cfg, &nd->dev_tmpdir)) != CLI_EXIT_OK) ||
        (rc = setup_log(o, nd->cfg)) != CLI_EXIT_OK ||
        (rc = setup_plugin_dirs(o, nd->cfg, &nd->pd)) != CLI_EXIT_OK ||
        (rc = collect(nd, 1)) != CLI_EXIT_OK)
        return rc;
    char err[1024];
    char *dd = o->datadir         ? strdup(o->datadir)
               : nd->cfg->datadir ? strdup(nd->cfg->datadir)
                                  : paths_default_datadir(err, sizeof(err));
    bt_status st = BT_ENOMEM;
    if (dd) {
        st = paths_make_datadir(dd, out_datadir, err, sizeof(err));
        free(dd);
    } else if (o->datadir || nd->cfg->datadir) {
        snprintf(err, sizeof(err), "out of memory");
    }
    /* One node per data directory: two would corrupt each other's databases. */
    if (st == BT_OK)
        st = paths_lock_datadir(*out_datadir, &nd->lock_fd, err, sizeof(err));
    if (st != BT_OK) {
        char qerr[1100];
        log_quote(qerr, sizeof(qerr), err);
        node_fail(nd, err, "step=datadir err=%s", qerr);
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
        hlog(BT_LOG_WARN, "running without storage", "reason=%s", LOG_Q(err));
        stor_node_close(&nd->storage);
        return CLI_EXIT_OK;
    }
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: storage: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* The chain over the opened storage, driving the created evm and consensus plugins. */
static int open_chain(const struct cli_opts *o, struct node *nd, const char *datadir)
{
    struct node_chain_plugins pl;
    memset(&pl, 0, sizeof(pl));
    for (size_t i = 0; i < nd->n; i++) {
        struct node_plugin *np = &nd->p[i];
        const char *kind = np->lp->img.kind->name;
        if (!np->is_created)
            continue;
        if (strcmp(kind, "evm") == 0 && !pl.evm) {
            pl.evm = &np->lp->img.vtbl.evm;
            pl.evm_self = np->self;
            pl.evm_h = np->h;
        } else if (strcmp(kind, "consensus") == 0 && !pl.cons) {
            pl.cons = &np->lp->img.vtbl.consensus;
            pl.cons_self = np->self;
            pl.cons_h = np->h;
        }
    }
    char err[1024] = "";
    int rc = node_chain_open(&nd->chain, o, &nd->rt, nd->storage.s, datadir, &pl, err, sizeof(err));
    if (rc != CLI_EXIT_OK) {
        char qerr[1100];
        log_quote(qerr, sizeof(qerr), err);
        node_fail(nd, err, "step=chain err=%s", qerr);
    }
    return rc;
}

static double tv_ms(const struct timeval *t)
{
    return (double)t->tv_sec * 1000.0 + (double)t->tv_usec / 1000.0;
}

int node_run(const struct cli_opts *o)
{
    struct node nd;
    memset(&nd, 0, sizeof(nd));
    nd.lock_fd = -1;
    char *datadir = NULL;
    int rc = prepare(o, &nd, &datadir), is_done = 0;
    if (rc == CLI_EXIT_OK)
        rc = load_all(&nd);
    if (rc == CLI_EXIT_OK) {
        bt_status st = rt_init(&nd.rt, workers_default_count(), datadir);
        nd.has_rt = 1;
        if (st == BT_OK)
            st = loop_signals_install(&nd.rt.loop);
        if (st != BT_OK) {
            char text[128];
            snprintf(text, sizeof(text), "cannot start the runtime: %s", bts_status_str(st));
            node_fail(&nd, text, "step=runtime err=\"%s\"", bts_status_str(st));
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
        if (rc == CLI_EXIT_OK && o->is_dev)
            rc = node_dev_unlock(nd.cfg, nd.rt.signer);
        if (rc != CLI_EXIT_OK)
            node_fail(&nd, "signer: keys not unlocked", "step=signer");
        if (rc == CLI_EXIT_OK)
            rc = start_p2p(o, &nd, datadir);
        for (size_t i = 0; i < nd.n && rc == CLI_EXIT_OK; i++)
            rc = create_one(&nd, &nd.p[i]);
        if (rc == CLI_EXIT_OK)
            rc = open_storage(&nd, datadir);
        if (rc == CLI_EXIT_OK)
            rc = open_chain(o, &nd, datadir);
        if (rc == CLI_EXIT_OK)
            rc = attach_p2p(o, &nd);
        if (rc == CLI_EXIT_OK)
            rc = start_all(&nd);
        if (rc == CLI_EXIT_OK)
            rc = node_chain_after_start(&nd.chain, o, &is_done);
        if (rc == CLI_EXIT_OK && !is_done)
            rc = start_net(o, &nd, datadir);
        if (rc == CLI_EXIT_OK && !is_done && o->has_tron_api)
            rc = tronapi_node_start(o, nd.rt.loop.base, nd.chain.c, nd.storage.s, &nd.tronapi);
    }
    if (rc == CLI_EXIT_OK && !is_done) {
        /* The start's CPU (the plugin checks' children apart): what bench/devnet's start time
         * is made of when the machine is busy and wall time says little. */
        struct rusage self, kids;
        getrusage(RUSAGE_SELF, &self);
        getrusage(RUSAGE_CHILDREN, &kids);
        hlog(BT_LOG_INFO, "bttcd ready",
             "plugins=%zu workers=%zu start_cpu_ms=%.1f checks_cpu_ms=%.1f", nd.n,
             nd.rt.workers.n_threads, tv_ms(&self.ru_utime) + tv_ms(&self.ru_stime),
             tv_ms(&kids.ru_utime) + tv_ms(&kids.ru_stime));
        loop_run(&nd.rt.loop);
    } else if (nd.fail[0] || nd.n_refused) {
        report_startup_failure(&nd);
    }
    teardown(&nd);
    free(datadir);
    if (nd.dev_tmpdir) {
        stor_remove_tree(nd.dev_tmpdir);
        free(nd.dev_tmpdir);
    }
    if (rc == CLI_EXIT_OK)
        hlog(BT_LOG_INFO, "stopped", NULL);
    log_shutdown();
    return rc;
}

int node_plugins_list(const struct cli_opts *o)
{
    struct node nd;
    memset(&nd, 0, sizeof(nd));
    nd.lock_fd = -1;
    int rc;
    if ((rc = setup_config(o, &nd.cfg)) == CLI_EXIT_OK)
        setup_log_console(o, nd.cfg); /* list prints; it never writes the log file */
    if (rc != CLI_EXIT_OK || (rc = setup_plugin_dirs(o, nd.cfg, &nd.pd)) != CLI_EXIT_OK ||
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
        if (!np->path) {
            printf("%s: disabled, not found (%s)\n", np->conf->name,
                   np->conf->path ? np->conf->path : np->conf->name);
            continue;
        }
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
