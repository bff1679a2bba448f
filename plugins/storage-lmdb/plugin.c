/* storage-lmdb: the storage table over LMDB. Descriptor and lifecycle; one instance may have
 * several databases (environments) open. */
#include "lmdb_int.h"

#include <stdlib.h>

#include <bt/plugin.h>

static void lmx_destroy(void *self)
{
    free(self);
}

static bt_status lmx_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    struct lmx_plugin *pl = calloc(1, sizeof(*pl));
    *out_self = NULL;
    if (!pl)
        return BT_ENOMEM;
    pl->host = host;
    pl->hctx = hctx;
    bt_status st = lmx_conf_load(pl);
    if (st != BT_OK) {
        lmx_destroy(pl);
        return st;
    }
    *out_self = pl;
    return BT_OK;
}

static const struct bt_storage_vtbl lmx_vtbl = {
    .struct_size = sizeof(struct bt_storage_vtbl),
    .open = lmx_open,
    .close = lmx_close,
    .get = lmx_get,
    .write = lmx_write,
    .snapshot_new = lmx_snapshot_new,
    .snapshot_free = lmx_snapshot_free,
    .iter_new = lmx_iter_new,
    .iter_seek = lmx_iter_seek,
    .iter_seek_prev = lmx_iter_seek_prev,
    .iter_next = lmx_iter_next,
    .iter_prev = lmx_iter_prev,
    .iter_valid = lmx_iter_valid,
    .iter_entry = lmx_iter_entry,
    .iter_status = lmx_iter_status,
    .iter_free = lmx_iter_free,
    .stats = lmx_stats,
    .compact = lmx_compact,
};

BT_PLUGIN_DEFINE(lmx_vtbl, .kind = BT_KIND_STORAGE,
                 .flags = BT_PLUGIN_F_MULTI_INSTANCE | BT_PLUGIN_F_UNLOAD_SAFE,
                 .name = "storage-lmdb", .version = "1.0.0", .create = lmx_create,
                 .destroy = lmx_destroy);
