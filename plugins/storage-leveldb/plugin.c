/* storage-leveldb: the storage table over LevelDB's C API (<leveldb/c.h>). Descriptor and
 * lifecycle; one instance may have several databases open (storage.h). */
#include "ldb_int.h"

#include <stdlib.h>

#include <bt/plugin.h>

static void ldb_destroy(void *self)
{
    struct ldb_plugin *pl = self;
    if (!pl)
        return;
    if (pl->bloom)
        leveldb_filterpolicy_destroy(pl->bloom);
    if (pl->cache)
        leveldb_cache_destroy(pl->cache);
    free(pl);
}

static bt_status ldb_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    struct ldb_plugin *pl = calloc(1, sizeof(*pl));
    *out_self = NULL;
    if (!pl)
        return BT_ENOMEM;
    pl->host = host;
    pl->hctx = hctx;
    bt_status st = ldb_conf_load(pl);
    if (st != BT_OK) {
        ldb_destroy(pl);
        return st;
    }
    pl->cache = leveldb_cache_create_lru((size_t)pl->conf.cache_mb << 20);
    if (pl->conf.bloom_bits)
        pl->bloom = leveldb_filterpolicy_create_bloom((int)pl->conf.bloom_bits);
    *out_self = pl;
    return BT_OK;
}

static const struct bt_storage_vtbl ldb_vtbl = {
    .struct_size = sizeof(struct bt_storage_vtbl),
    .open = ldb_open,
    .close = ldb_close,
    .get = ldb_get,
    .write = ldb_write,
    .snapshot_new = ldb_snapshot_new,
    .snapshot_free = ldb_snapshot_free,
    .iter_new = ldb_iter_new,
    .iter_seek = ldb_iter_seek,
    .iter_seek_prev = ldb_iter_seek_prev,
    .iter_next = ldb_iter_next,
    .iter_prev = ldb_iter_prev,
    .iter_valid = ldb_iter_valid,
    .iter_entry = ldb_iter_entry,
    .iter_status = ldb_iter_status,
    .iter_free = ldb_iter_free,
    .stats = ldb_stats,
    .compact = ldb_compact,
};

/* Not BT_PLUGIN_F_UNLOAD_SAFE: LevelDB's default Env starts a background thread that never
 * exits. */
BT_PLUGIN_DEFINE(ldb_vtbl, .kind = BT_KIND_STORAGE, .flags = BT_PLUGIN_F_MULTI_INSTANCE,
                 .name = "storage-leveldb", .version = "1.0.0", .create = ldb_create,
                 .destroy = ldb_destroy);
