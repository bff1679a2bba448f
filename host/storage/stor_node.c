/* The node's storage at start and stop: the datadir record over plugins.conf, recovery of an
 * interrupted swap, the backend plugin (already created by the node, or loaded here: a backend
 * need not be a [plugin] section, so `storage swap --to` can reach any installed backend), and
 * the "storage" service. */
#include "stor_node_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/common.h>

#include "log_int.h"
#include "registry_int.h"

struct stor_own {
    struct stor_own *next;
    struct loader_plugin *lp;
    struct bt_host_ctx *h;
    void *self;
    int is_created;
};

char *stor_node_path(const char *datadir, const char *backend, const char *path)
{
    if (strcmp(backend, "storage-memory") == 0)
        return strdup("");
    if (path)
        return paths_join(datadir, path);
    const char *tail = strncmp(backend, "storage-", 8) == 0 ? backend + 8 : backend;
    char rel[128];
    snprintf(rel, sizeof(rel), "%s-%s", STOR_DEFAULT_PATH, tail);
    return paths_join(datadir, rel);
}

bt_status stor_node_target(const struct config *cfg, const char *datadir, struct stor_record *out,
                           int *out_has_record, char *err, size_t err_cap)
{
    bt_status st = stor_record_read(datadir, out, err, err_cap);
    *out_has_record = st == BT_OK;
    if (st == BT_OK) {
        if (cfg && cfg->storage_backend && strcmp(cfg->storage_backend, out->backend) != 0)
            hlog(BT_LOG_WARN, "storage: plugins.conf backend ignored",
                 "config=%s record=%s hint=\"the datadir record wins; change backends with "
                 "'bttcd storage swap'\"",
                 cfg->storage_backend, out->backend);
        return BT_OK;
    }
    if (st != BT_ENOTFOUND)
        return st;
    const char *backend = cfg && cfg->storage_backend ? cfg->storage_backend : STOR_DEFAULT_BACKEND;
    char *p = stor_node_path(datadir, backend,
                             cfg && cfg->storage_path ? cfg->storage_path : STOR_DEFAULT_PATH);
    if (!p || strlen(p) >= sizeof(out->path)) {
        free(p);
        snprintf(err, err_cap, "storage path too long or out of memory");
        return BT_ENOMEM;
    }
    snprintf(out->backend, sizeof(out->backend), "%s", backend);
    snprintf(out->path, sizeof(out->path), "%s", p);
    free(p);
    return BT_OK;
}

static const struct conf_plugin *conf_section(const struct config *cfg, const char *name)
{
    for (size_t i = 0; cfg && i < cfg->n_plugins; i++)
        if (strcmp(cfg->plugins[i].name, name) == 0)
            return &cfg->plugins[i];
    return NULL;
}

/* Load, validate and create backend `name` here. */
static bt_status load_own(struct stor_node *sn, const char *name, char *err, size_t err_cap)
{
    const struct conf_plugin *pl = conf_section(sn->cfg, name);
    char *file = NULL;
    char perr[2048];
    bt_status st =
        paths_resolve_plugin(pl && pl->path ? pl->path : name, sn->cfg ? sn->cfg->dir : ".", sn->pd,
                             &file, perr, sizeof(perr));
    if (st != BT_OK) {
        snprintf(err, err_cap, "storage backend %s: %s", name, perr);
        return st;
    }
    struct stor_own *o = calloc(1, sizeof(*o));
    if (!o) {
        free(file);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    o->next = sn->own;
    sn->own = o;
    struct loader_refusal why;
    st = loader_open(file, NULL, NULL, &o->lp, &why);
    if (st != BT_OK) {
        snprintf(err, err_cap, "%s: refused: %s (%s)", file, why.reason, why.detail);
    } else if (o->lp->img.desc.kind != BT_KIND_STORAGE || strcmp(o->lp->img.name, name) != 0) {
        snprintf(err, err_cap, "%s: not the storage plugin %s (kind %s, name %s)", file, name,
                 o->lp->img.kind->name, o->lp->img.name);
        st = BT_EINVAL;
    } else if (!(o->h = hctx_new(sn->rt, name, pl, sn->cfg ? sn->cfg->file : NULL))) {
        snprintf(err, err_cap, "out of memory");
        st = BT_ENOMEM;
    } else {
        hctx_clear_error(o->h);
        st = o->lp->img.desc.create(&services_table, o->h, &o->self);
        if (st != BT_OK) {
            const char *m = hctx_error(o->h);
            snprintf(err, err_cap, "%s: create failed: %s", file, *m ? m : bts_status_str(st));
        }
        o->is_created = st == BT_OK;
    }
    if (st == BT_OK) {
        char svc[128];
        snprintf(svc, sizeof(svc), "storage/%s", name);
        st = registry_provide(&sn->rt->registry, o->h, svc, &o->lp->img.vtbl, o->self);
        if (st != BT_OK)
            snprintf(err, err_cap, "cannot register service %s: %s", svc, bts_status_str(st));
        else
            hlog(BT_LOG_INFO, "storage backend loaded by the proxy",
                 "plugin=%s version=%s file=\"%s\"", name, o->lp->img.version, file);
    }
    free(file);
    return st;
}

bt_status stor_node_backend(struct stor_node *sn, const char *name, const struct stor_backend **out,
                            char *err, size_t err_cap)
{
    *out = NULL;
    for (size_t i = 0; i < sn->n_backends; i++) {
        if (strcmp(sn->backends[i]->name, name) == 0) {
            *out = sn->backends[i];
            return BT_OK;
        }
    }
    if (sn->n_backends == sizeof(sn->backends) / sizeof(sn->backends[0])) {
        snprintf(err, err_cap, "too many storage backends");
        return BT_ERANGE;
    }
    if (!config_name_ok(name)) {
        snprintf(err, err_cap, "'%s' is not a plugin name", name);
        return BT_EINVAL;
    }
    char svc[128];
    snprintf(svc, sizeof(svc), "storage/%s", name);
    const void *iface;
    void *self;
    bt_status st = registry_find(&sn->rt->registry, svc, &iface, &self);
    if (st != BT_OK) {
        if ((st = load_own(sn, name, err, err_cap)) != BT_OK)
            return st;
        st = registry_find(&sn->rt->registry, svc, &iface, &self);
        if (st != BT_OK)
            return BT_EINTERNAL;
    }
    struct stor_backend *be = calloc(1, sizeof(*be));
    if (!be) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    snprintf(be->name, sizeof(be->name), "%s", name);
    be->vt = iface;
    be->self = self;
    for (struct stor_own *o = sn->own; o; o = o->next)
        if (o->is_created && strcmp(o->lp->img.name, name) == 0)
            be->h = o->h;
    sn->backends[sn->n_backends++] = be;
    *out = be;
    return BT_OK;
}

bt_status stor_node_open(struct stor_node *sn, const char *datadir, int is_service, char *err,
                         size_t err_cap)
{
    if (!(sn->datadir = strdup(datadir))) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    struct stor_record rec;
    int has_record;
    bt_status st = stor_node_target(sn->cfg, datadir, &rec, &has_record, err, err_cap);
    if (st == BT_OK)
        st = stor_recover(datadir, &rec, err, err_cap);
    const struct stor_backend *be = NULL;
    if (st == BT_OK) {
        st = stor_node_backend(sn, rec.backend, &be, err, err_cap);
        /* Nothing asked for storage and the default backend is not installed. */
        if (st == BT_ENOTFOUND && !has_record && !(sn->cfg && sn->cfg->storage_backend))
            st = BT_ENOTSUP;
    }
    if (st == BT_OK)
        st = stor_open(be, rec.path[0] ? rec.path : NULL, 1, &sn->s, err, err_cap);
    if (st == BT_OK && !has_record)
        st = stor_record_write(datadir, &rec, err, err_cap);
    if (st == BT_OK && is_service) {
        st = registry_provide(&sn->rt->registry, sn, "storage", &stor_service_table, sn->s);
        if (st != BT_OK)
            snprintf(err, err_cap, "cannot register service storage: %s", bts_status_str(st));
        sn->is_service = st == BT_OK;
        if (st == BT_OK && (st = stor_rpc_register(sn)) != BT_OK)
            snprintf(err, err_cap, "cannot register the admin_storage* methods: %s",
                     bts_status_str(st));
    }
    if (st == BT_OK)
        hlog(BT_LOG_INFO, "storage opened", "backend=%s path=\"%s\" record=%s", rec.backend,
             rec.path, has_record ? "datadir" : "new");
    return st;
}

void stor_node_close(struct stor_node *sn)
{
    stor_rpc_drop(sn);
    if (sn->is_service)
        registry_drop_owner(&sn->rt->registry, sn);
    sn->is_service = 0;
    stor_close(sn->s);
    sn->s = NULL;
    for (size_t i = 0; i < sn->n_backends; i++)
        free(sn->backends[i]);
    sn->n_backends = 0;
    while (sn->own) {
        struct stor_own *o = sn->own;
        sn->own = o->next;
        if (o->is_created)
            o->lp->img.desc.destroy(o->self);
        hctx_release(o->h);
        loader_close(o->lp);
        free(o);
    }
    free(sn->datadir);
    sn->datadir = NULL;
}
