/* evm: the EVM plugin (kind BT_KIND_EVM, DESIGN.md §2, abi/bt/evm.h). Executions share only
 * the instance's engine (analysed-code cache and context pool, both locked), so one instance
 * serves any number of worker threads at once. */
#include "evm_int.h"

#include <bt/host.h>
#include <bt/plugin.h>
#include <bts/log.h>

#include <stdlib.h>

struct evm_plugin {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct evm_engine *eng;
};

static bt_status evm_plugin_execute(void *self, const struct bt_evm_state_iface *state,
                                    void *state_ctx, const struct bt_evm_block *block,
                                    const struct bt_evm_tx *tx, const struct bt_evm_config *cfg,
                                    struct bt_evm_result *out)
{
    struct evm_plugin *p = self;
    char err[256];
    bt_status st =
        evm_execute_in(p ? p->eng : NULL, state, state_ctx, block, tx, cfg, out, err, sizeof(err));
    if (st != BT_OK && p && p->host && p->host->set_error)
        p->host->set_error(p->hctx, "%s", err);
    return st;
}

static const struct bt_evm_vtbl evm_vtbl = {
    .struct_size = sizeof(struct bt_evm_vtbl),
    .execute = evm_plugin_execute,
};

static bt_status evm_plugin_create(const struct bt_host *host, struct bt_host_ctx *hctx,
                                   void **out_self)
{
    struct evm_plugin *p = calloc(1, sizeof(*p));
    if (!p)
        return BT_ENOMEM;
    p->eng = evm_engine_new();
    if (!p->eng) {
        free(p);
        return BT_ENOMEM;
    }
    bts_plugin_init(host);
    p->host = host;
    p->hctx = hctx;
    *out_self = p;
    return BT_OK;
}

static void evm_plugin_destroy(void *self)
{
    struct evm_plugin *p = self;
    if (p)
        evm_engine_free(p->eng);
    free(p);
}

BT_PLUGIN_DEFINE(evm_vtbl, .kind = BT_KIND_EVM, .name = "evm", .version = "0.1.0",
                 .create = evm_plugin_create, .destroy = evm_plugin_destroy);
