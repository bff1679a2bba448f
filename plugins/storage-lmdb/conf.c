/* storage-lmdb: the plugins.conf keys (README.md). */
#include "lmdb_int.h"

#include <stdlib.h>
#include <string.h>

/* FIXME: a stand-in for bts_conf_parse (sdk/include/bts/conf.h) until it lands on main. */
struct lmx_key {
    const char *name;
    uint64_t *u64;
    uint32_t *u32;
    uint64_t def, min, max;
};

static bt_status read_num(struct lmx_plugin *pl, const struct lmx_key *k)
{
    struct bt_conf_entry e;
    uint64_t v = k->def;
    if (pl->host->conf_get && pl->host->conf_get(pl->hctx, k->name, &e) == BT_OK) {
        char *end = NULL;
        unsigned long long x = strtoull(e.value, &end, 10);
        if (!*e.value || *end || e.value[0] == '-' || x < k->min || x > k->max) {
            LMX_ERR(pl, "%s:%u: %s: not a number in %llu..%llu: \"%s\"", e.file, e.line, k->name,
                    (unsigned long long)k->min, (unsigned long long)k->max, e.value);
            return BT_EINVAL;
        }
        v = x;
    }
    if (k->u64)
        *k->u64 = v;
    else
        *k->u32 = (uint32_t)v;
    return BT_OK;
}

bt_status lmx_conf_load(struct lmx_plugin *pl)
{
    /* 64 GiB: the map is virtual address space and a sparse file, and it doubles when full. */
    const struct lmx_key keys[] = {
        {"map_size_mb", &pl->conf.map_size_mb, NULL, 65536, 1, (uint64_t)1 << 26},
        {"max_readers", NULL, &pl->conf.max_readers, 1024, 16, 65536},
        {"no_sync", NULL, &pl->conf.no_sync, 0, 0, 1},
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        bt_status st = read_num(pl, &keys[i]);
        if (st != BT_OK)
            return st;
    }
    return BT_OK;
}
