/* In-memory dlv_kv store (dlv_kv.h): a dlv_map without tombstones. */
#include <stdlib.h>
#include <string.h>

#include "dlv_kv.h"
#include "dlv_map.h"

struct dlv_memkv {
    struct dlv_map map;
    unsigned fail;
};

bt_status dlv_memkv_new(struct dlv_memkv **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? BT_OK : BT_ENOMEM;
}

void dlv_memkv_free(struct dlv_memkv *m)
{
    if (!m)
        return;
    dlv_map_free(&m->map);
    free(m);
}

void dlv_memkv_fail_writes(struct dlv_memkv *m, unsigned n)
{
    m->fail = n;
}

size_t dlv_memkv_count(const struct dlv_memkv *m)
{
    return m->map.n;
}

static bt_status mem_get(void *self, const uint8_t *key, size_t key_len, struct bts_buf *out)
{
    struct dlv_memkv *m = self;
    struct dlv_map_ent *e = dlv_map_find(&m->map, key, key_len);
    if (!e)
        return BT_ENOTFOUND;
    return bts_buf_append(out, e->val, e->val_len);
}

static bt_status mem_write(void *self, const struct dlv_kv_op *ops, size_t n)
{
    struct dlv_memkv *m = self;
    if (m->fail) {
        m->fail--;
        return BT_EIO;
    }
    /* Atomic: apply to a copy only if any op could fail; puts can only fail on ENOMEM, so apply
     * in place and accept that an ENOMEM leaves a partial write (tests only). */
    for (size_t i = 0; i < n; i++) {
        if (ops[i].value) {
            bt_status st =
                dlv_map_put(&m->map, ops[i].key, ops[i].key_len, ops[i].value, ops[i].value_len);
            if (st != BT_OK)
                return st;
        } else {
            dlv_map_erase(&m->map, ops[i].key, ops[i].key_len);
        }
    }
    return BT_OK;
}

static bt_status mem_iterate(void *self, const uint8_t *prefix, size_t prefix_len,
                             dlv_kv_visit_fn fn, void *arg)
{
    struct dlv_memkv *m = self;
    for (size_t i = dlv_map_lower(&m->map, prefix, prefix_len); i < m->map.n; i++) {
        const struct dlv_map_ent *e = &m->map.e[i];
        if (e->key_len < prefix_len || (prefix_len && memcmp(e->key, prefix, prefix_len) != 0))
            break;
        if (fn(arg, e->key, e->key_len, e->val, e->val_len))
            break;
    }
    return BT_OK;
}

static const struct dlv_kv_iface mem_iface = {
    .struct_size = sizeof(struct dlv_kv_iface),
    .get = mem_get,
    .write = mem_write,
    .iterate = mem_iterate,
};

const struct dlv_kv_iface *dlv_memkv_iface(void)
{
    return &mem_iface;
}
