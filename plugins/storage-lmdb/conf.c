/* storage-lmdb: the plugins.conf keys (README.md), parsed by the SDK's key table. */
#include "lmdb_int.h"

#include <bts/conf.h>

/* 64 GiB: the map is address space and a sparse file, and it doubles when full. */
static const struct bts_conf_key lmx_conf_keys[] = {
    {"map_size_mb", BTS_CONF_U64, offsetof(struct lmx_conf, map_size_mb), "65536",
     "initial map size (MiB), doubled when full", NULL},
    {"max_readers", BTS_CONF_U32, offsetof(struct lmx_conf, max_readers), "1024",
     "concurrent read transactions", NULL},
    {"no_sync", BTS_CONF_BOOL, offsetof(struct lmx_conf, no_sync), "false",
     "MDB_NOSYNC: fast, but a power cut may corrupt the database", NULL},
    BTS_CONF_END};

/* Bounds the table cannot say: refuse them naming the line, as bts_conf_parse does. */
static bt_status check_range(struct lmx_plugin *pl, const char *key, uint64_t v, uint64_t min,
                             uint64_t max)
{
    struct bt_conf_entry e;
    if (v >= min && v <= max)
        return BT_OK;
    if (pl->host->conf_get(pl->hctx, key, &e) == BT_OK)
        LMX_ERR(pl, "%s:%u: %s: out of range %llu..%llu: \"%s\"", e.file, e.line, key,
                (unsigned long long)min, (unsigned long long)max, e.value);
    else
        LMX_ERR(pl, "%s: out of range %llu..%llu", key, (unsigned long long)min,
                (unsigned long long)max);
    return BT_EINVAL;
}

bt_status lmx_conf_load(struct lmx_plugin *pl)
{
    bt_status st = bts_conf_parse(pl->host, pl->hctx, lmx_conf_keys, &pl->conf);
    if (st == BT_OK)
        st = check_range(pl, "map_size_mb", pl->conf.map_size_mb, 1, (uint64_t)1 << 26);
    if (st == BT_OK)
        st = check_range(pl, "max_readers", pl->conf.max_readers, 16, 65536);
    return st;
}
