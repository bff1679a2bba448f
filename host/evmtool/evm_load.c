/* Loading the EVM plugin for the tools (evmtool_int.h): the same loader checks and the same
 * services table as `bttcd run`, one instance, no node around it. */
#include "evmtool_int.h"

#include <stdlib.h>
#include <string.h>

#include <bts/common.h>

#include "paths_int.h"

uint32_t evmtool_fork_of(const char *name)
{
    static const struct {
        const char *name;
        uint32_t fork;
    } forks[] = {{"Istanbul", BT_EVM_ISTANBUL}, {"Berlin", BT_EVM_BERLIN},
                 {"London", BT_EVM_LONDON},     {"Paris", BT_EVM_PARIS},
                 {"Merge", BT_EVM_PARIS},       {"Shanghai", BT_EVM_SHANGHAI},
                 {"Cancun", BT_EVM_CANCUN}};
    for (size_t i = 0; i < sizeof(forks) / sizeof(forks[0]); i++) {
        if (!strcmp(name, forks[i].name))
            return forks[i].fork;
    }
    return 0;
}

bt_status evmtool_evm_open(struct evmtool_evm *e, const char *file, const char *const *dirs,
                           size_t n_dirs, char *err, size_t err_cap)
{
    memset(e, 0, sizeof(*e));
    struct plugin_dirs pd = {0};
    bt_status st = BT_OK;
    for (size_t i = 0; st == BT_OK && i < n_dirs; i++)
        st = paths_plugin_dirs_add(&pd, dirs[i]);
    if (st == BT_OK && !n_dirs)
        st = paths_default_plugin_dirs(&pd, ".", NULL);
    char *path = NULL;
    if (st == BT_OK)
        st = paths_resolve_plugin(file ? file : "evm", ".", &pd, &path, err, err_cap);
    else
        snprintf(err, err_cap, "out of memory");
    paths_plugin_dirs_free(&pd);
    if (st != BT_OK)
        return st;
    struct loader_refusal why;
    st = loader_open(path, NULL, NULL, &e->lp, &why);
    if (st != BT_OK) {
        snprintf(err, err_cap, "%s: refused: %s (%s)", path, why.reason, why.detail);
    } else if (e->lp->img.desc.kind != BT_KIND_EVM) {
        snprintf(err, err_cap, "%s: not an EVM plugin (kind %s)", path, e->lp->img.kind->name);
        st = BT_EINVAL;
    } else if ((st = rt_init(&e->rt, 1, ".")) != BT_OK) {
        snprintf(err, err_cap, "cannot set up the runtime: %s", bts_status_str(st));
    } else if ((e->has_rt = 1, !(e->h = hctx_new(&e->rt, e->lp->img.name, NULL, NULL)))) {
        snprintf(err, err_cap, "out of memory");
        st = BT_ENOMEM;
    } else {
        hctx_clear_error(e->h);
        st = e->lp->img.desc.create(&services_table, e->h, &e->self);
        if (st != BT_OK) {
            const char *m = hctx_error(e->h);
            snprintf(err, err_cap, "%s: create failed: %s", path, *m ? m : bts_status_str(st));
            e->self = NULL;
        } else {
            e->vt = &e->lp->img.vtbl.evm;
        }
    }
    free(path);
    return st;
}

void evmtool_evm_close(struct evmtool_evm *e)
{
    if (e->self)
        e->lp->img.desc.destroy(e->self);
    e->self = NULL;
    hctx_release(e->h);
    e->h = NULL;
    if (e->has_rt) {
        rt_quiesce(&e->rt);
        rt_free(&e->rt);
    }
    e->has_rt = 0;
    loader_close(e->lp);
    e->lp = NULL;
    e->vt = NULL;
}

const char *evmtool_evm_error(struct evmtool_evm *e)
{
    return e->h ? hctx_error(e->h) : "";
}
