/* storage-leveldb: the plugins.conf keys (README.md), parsed by the SDK's key table. */
#include "ldb_int.h"

#include <bts/conf.h>

static const char *const ldb_compressions[] = {"snappy", "none", NULL};

static const struct bts_conf_key ldb_conf_keys[] = {
    {"cache_mb", BTS_CONF_U32, offsetof(struct ldb_conf, cache_mb), "64", "LRU block cache (MiB)",
     NULL},
    {"write_buffer_mb", BTS_CONF_U32, offsetof(struct ldb_conf, write_buffer_mb), "16",
     "memtable size before a flush (MiB)", NULL},
    {"bloom_bits", BTS_CONF_U32, offsetof(struct ldb_conf, bloom_bits), "10",
     "bloom filter bits per key; 0: none", NULL},
    {"compression", BTS_CONF_ENUM, offsetof(struct ldb_conf, compression), "snappy",
     "block compression", ldb_compressions},
    {"max_open_files", BTS_CONF_U32, offsetof(struct ldb_conf, max_open_files), "1000",
     "table files kept open", NULL},
    BTS_CONF_END};

bt_status ldb_conf_load(struct ldb_plugin *pl)
{
    return bts_conf_parse(pl->host, pl->hctx, ldb_conf_keys, &pl->conf);
}
