/* dlv_kv_storage.h: get / write / prefix iteration through bt_storage_svc. */
#include "dlv_kv_storage.h"

#include <stdlib.h>
#include <string.h>

static bt_status st_get(void *self, const uint8_t *key, size_t key_len, struct bts_buf *out)
{
    struct dlv_kv_storage *s = self;
    struct bt_value v;
    memset(&v, 0, sizeof v);
    bt_status st = s->svc->get(s->svc_self, s->hctx, NULL, key, key_len, &v);
    if (st != BT_OK)
        return st;
    st = bts_buf_append(out, v.data, v.len);
    if (v.release)
        v.release(&v);
    return st;
}

static bt_status st_write(void *self, const struct dlv_kv_op *ops, size_t n)
{
    struct dlv_kv_storage *s = self;
    struct bt_storage_op *o = calloc(n ? n : 1, sizeof *o);
    if (!o)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        o[i].type = ops[i].value ? BT_STORAGE_PUT : BT_STORAGE_DELETE;
        o[i].key = ops[i].key;
        o[i].key_len = ops[i].key_len;
        o[i].value = ops[i].value;
        o[i].value_len = ops[i].value_len;
    }
    struct bt_storage_batch b = {sizeof b, o, n, BT_STORAGE_SYNC};
    bt_status st = s->svc->write(s->svc_self, s->hctx, &b);
    free(o);
    return st;
}

static bt_status st_iterate(void *self, const uint8_t *prefix, size_t prefix_len,
                            dlv_kv_visit_fn fn, void *arg)
{
    struct dlv_kv_storage *s = self;
    /* Range [prefix, prefix + 1): the prefix with its last non-0xff byte incremented. */
    uint8_t upper[256];
    size_t ul = prefix_len <= sizeof upper ? prefix_len : 0;
    if (prefix_len > sizeof upper)
        return BT_EINVAL;
    memcpy(upper, prefix, ul);
    while (ul && upper[ul - 1] == 0xff)
        ul--;
    if (ul)
        upper[ul - 1]++;
    struct bt_storage_range r = {prefix, prefix_len, ul ? upper : NULL, ul};
    struct bt_storage_svc_iter *it;
    bt_status st = s->svc->iter_new(s->svc_self, s->hctx, NULL, &r, &it);
    if (st != BT_OK)
        return st;
    st = s->svc->iter_seek(it, prefix, prefix_len);
    while (st == BT_OK && s->svc->iter_valid(it)) {
        const uint8_t *k, *v;
        size_t kl, vl;
        if ((st = s->svc->iter_entry(it, &k, &kl, &v, &vl)) != BT_OK)
            break;
        if (fn(arg, k, kl, v, vl))
            break;
        st = s->svc->iter_next(it);
    }
    if (st == BT_OK)
        st = s->svc->iter_status(it);
    s->svc->iter_free(it);
    return st;
}

static const struct dlv_kv_iface storage_iface = {
    .struct_size = sizeof(struct dlv_kv_iface),
    .get = st_get,
    .write = st_write,
    .iterate = st_iterate,
};

const struct dlv_kv_iface *dlv_kv_storage_iface(void)
{
    return &storage_iface;
}
