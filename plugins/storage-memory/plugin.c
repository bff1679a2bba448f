/* storage-memory: an ordered in-memory store (skiplist + versioned entries) for tests, devnets
 * and as the reference the other backends are checked against. Descriptor and lifecycle. */
#include "mem_int.h"

#include <stdlib.h>

#include <bt/plugin.h>

static bt_status mem_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    struct mem_plugin *pl = calloc(1, sizeof(*pl));
    *out_self = pl;
    if (!pl)
        return BT_ENOMEM;
    pl->host = host;
    pl->hctx = hctx;
    return BT_OK;
}

static void mem_destroy(void *self)
{
    free(self);
}

static const struct bt_storage_vtbl mem_vtbl = {
    .struct_size = sizeof(struct bt_storage_vtbl),
    .open = mem_open,
    .close = mem_close,
    .get = mem_get,
    .write = mem_write,
    .snapshot_new = mem_snapshot_new,
    .snapshot_free = mem_snapshot_free,
    .iter_new = mem_iter_new,
    .iter_seek = mem_iter_seek,
    .iter_seek_prev = mem_iter_seek_prev,
    .iter_next = mem_iter_next,
    .iter_prev = mem_iter_prev,
    .iter_valid = mem_iter_valid,
    .iter_entry = mem_iter_entry,
    .iter_status = mem_iter_status,
    .iter_free = mem_iter_free,
    .stats = mem_stats,
    .compact = mem_compact,
};

BT_PLUGIN_DEFINE(mem_vtbl, .kind = BT_KIND_STORAGE,
                 .flags = BT_PLUGIN_F_MULTI_INSTANCE | BT_PLUGIN_F_UNLOAD_SAFE,
                 .name = "storage-memory", .version = "1.0.0", .create = mem_create,
                 .destroy = mem_destroy);
