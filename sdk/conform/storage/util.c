/* Storage conformance suite: helpers to open databases and read, write and compare keys. */
#include "conform_int.h"

#include <string.h>

void cf_path(const struct cf *t, const char *sub, char *out, size_t cap)
{
    if (sub)
        snprintf(out, cap, "%s/%s", t->dir, sub);
    else
        snprintf(out, cap, "%s/db", t->dir);
}

bt_status cf_open_st(struct cf *t, const char *path, uint32_t flags, struct bt_storage_db **out)
{
    struct bt_storage_open_opts o = {.struct_size = sizeof(o), .path = path, .flags = flags};
    return t->v->open(t->self, &o, out);
}

struct bt_storage_db *cf_open(struct cf *t, const char *sub, uint32_t flags)
{
    char path[1200];
    cf_path(t, sub, path, sizeof(path));
    struct bt_storage_db *db = NULL;
    bt_status st = cf_open_st(t, path, flags, &db);
    if (st != BT_OK || !db) {
        cf_fail(t, __FILE__, __LINE__, "open %s: %s (%s)", path, bts_status_str(st), cf_msg(t));
        return NULL;
    }
    return db;
}

bt_status cf_put(struct cf *t, struct bt_storage_db *db, const void *k, size_t kl, const void *v,
                 size_t vl, uint32_t flags)
{
    struct bt_storage_op op = {
        .type = BT_STORAGE_PUT, .key = k, .key_len = kl, .value = v, .value_len = vl};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = &op, .n_ops = 1, .flags = flags};
    return t->v->write(t->self, db, &b);
}

bt_status cf_del(struct cf *t, struct bt_storage_db *db, const void *k, size_t kl)
{
    struct bt_storage_op op = {.type = BT_STORAGE_DELETE, .key = k, .key_len = kl};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = &op, .n_ops = 1};
    return t->v->write(t->self, db, &b);
}

int cf_expect(struct cf *t, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
              const void *k, size_t kl, const void *v, size_t vl, int line)
{
    struct bt_value out = {.data = (const uint8_t *)"x", .len = 99};
    bt_status st = t->v->get(t->self, db, snap, k, kl, &out);
    int ok;
    if (!v) {
        ok = st == BT_ENOTFOUND && out.len == 0 && out.data == NULL && out.release == NULL;
        if (!ok)
            cf_fail(t, __FILE__, line,
                    "get of a %zu-byte key: %s, len %zu; expected not found "
                    "with out zeroed",
                    kl, bts_status_str(st), out.len);
    } else {
        ok = st == BT_OK && out.len == vl && (vl == 0 || memcmp(out.data, v, vl) == 0);
        if (!ok)
            cf_fail(t, __FILE__, line, "get of a %zu-byte key: %s, len %zu; expected %zu bytes", kl,
                    bts_status_str(st), out.len, vl);
    }
    if (st == BT_OK && out.release)
        out.release(&out);
    return ok;
}

void cf_key(uint8_t out[8], uint32_t i)
{
    memcpy(out, "key", 4);
    out[4] = (uint8_t)(i >> 24);
    out[5] = (uint8_t)(i >> 16);
    out[6] = (uint8_t)(i >> 8);
    out[7] = (uint8_t)i;
}

void cf_val(uint8_t out[16], uint32_t i, uint32_t gen)
{
    for (int j = 0; j < 4; j++) {
        out[j] = (uint8_t)(i >> (24 - 8 * j));
        out[4 + j] = (uint8_t)(gen >> (24 - 8 * j));
        out[8 + j] = (uint8_t)((i * 2654435761u) >> (24 - 8 * j));
        out[12 + j] = (uint8_t)((gen * 40503u + 7) >> (24 - 8 * j));
    }
}
