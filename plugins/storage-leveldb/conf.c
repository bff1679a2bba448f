/* storage-leveldb: the plugins.conf keys (README.md) and the shared cache and bloom filter
 * built from them. */
#include "ldb_int.h"

#include <stdlib.h>
#include <string.h>

/* FIXME: a stand-in for bts_conf_parse (sdk/include/bts/conf.h) until it lands on main. */
struct ldb_key {
    const char *name;
    size_t offset;
    uint32_t def;
};
static const struct ldb_key ldb_keys[] = {
    {"cache_mb", offsetof(struct ldb_conf, cache_mb), 64},
    {"write_buffer_mb", offsetof(struct ldb_conf, write_buffer_mb), 16},
    {"bloom_bits", offsetof(struct ldb_conf, bloom_bits), 10},
    {"max_open_files", offsetof(struct ldb_conf, max_open_files), 1000},
};

static bt_status read_u32(struct ldb_plugin *pl, const struct ldb_key *k)
{
    uint32_t *field = (uint32_t *)((char *)&pl->conf + k->offset);
    struct bt_conf_entry e;
    *field = k->def;
    if (!pl->host->conf_get || pl->host->conf_get(pl->hctx, k->name, &e) != BT_OK)
        return BT_OK;
    char *end = NULL;
    unsigned long v = strtoul(e.value, &end, 10);
    if (!*e.value || *end || v > UINT32_MAX) {
        LDB_ERR(pl, "%s:%u: %s: not a number: \"%s\"", e.file, e.line, k->name, e.value);
        return BT_EINVAL;
    }
    *field = (uint32_t)v;
    return BT_OK;
}

bt_status ldb_conf_load(struct ldb_plugin *pl)
{
    for (size_t i = 0; i < sizeof(ldb_keys) / sizeof(ldb_keys[0]); i++) {
        bt_status st = read_u32(pl, &ldb_keys[i]);
        if (st != BT_OK)
            return st;
    }
    struct bt_conf_entry e;
    pl->conf.compression = 0;
    if (pl->host->conf_get && pl->host->conf_get(pl->hctx, "compression", &e) == BT_OK) {
        if (strcmp(e.value, "snappy") == 0) {
            pl->conf.compression = 0;
        } else if (strcmp(e.value, "none") == 0) {
            pl->conf.compression = 1;
        } else {
            LDB_ERR(pl, "%s:%u: compression: not one of snappy, none: \"%s\"", e.file, e.line,
                    e.value);
            return BT_EINVAL;
        }
    }
    return BT_OK;
}
