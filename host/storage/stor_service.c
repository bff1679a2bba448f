/* The "storage" service table (<bt/storage_service.h>): the proxy's API with the namespace
 * taken from the caller's hctx, so each plugin reaches only its own keys. */
#include <bt/storage_service.h>

#include <stdlib.h>

#include "stor_core_int.h"

/* The service's handles are the proxy's; the casts only rename them for the plugin side. */
#define SNAP(p) ((struct stor_snap *)(p))
#define ITER(p) ((struct stor_iter *)(p))

static bt_status svc_ns(struct bt_host_ctx *h, struct stor_ns *ns)
{
    if (!h)
        return services_misuse(h, "storage", "h != NULL");
    return stor_ns_plugin(ns, h->name);
}

static bt_status svc_get(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                         const uint8_t *key, size_t key_len, struct bt_value *out)
{
    struct stor_ns ns;
    bt_status st = svc_ns(h, &ns);
    if (st != BT_OK)
        return st;
    return stor_get(self, &ns, (const struct stor_snap *)snap, key, key_len, out);
}

static bt_status svc_write(void *self, struct bt_host_ctx *h, const struct bt_storage_batch *batch)
{
    struct stor_ns ns;
    bt_status st = svc_ns(h, &ns);
    if (st != BT_OK)
        return st;
    if (!batch || (batch->n_ops && !batch->ops))
        return services_misuse(h, "storage.write", "batch && ops");
    struct stor_op *ops = malloc((batch->n_ops ? batch->n_ops : 1) * sizeof(*ops));
    if (!ops)
        return BT_ENOMEM;
    for (size_t i = 0; i < batch->n_ops; i++) {
        const struct bt_storage_op *o = &batch->ops[i];
        ops[i] = (struct stor_op){.type = o->type,
                                  .ns = &ns,
                                  .key = o->key,
                                  .key_len = o->key_len,
                                  .value = o->value,
                                  .value_len = o->value_len};
    }
    st = stor_write(self, ops, batch->n_ops, batch->flags);
    free(ops);
    return st;
}

static bt_status svc_snapshot_new(void *self, struct bt_host_ctx *h,
                                  struct bt_storage_svc_snap **out)
{
    (void)h;
    struct stor_snap *sn = NULL;
    bt_status st = stor_snapshot_new(self, &sn);
    *out = (struct bt_storage_svc_snap *)sn;
    return st;
}

static void svc_snapshot_free(void *self, struct bt_storage_svc_snap *snap)
{
    (void)self;
    stor_snapshot_free(SNAP(snap));
}

static bt_status svc_iter_new(void *self, struct bt_host_ctx *h,
                              const struct bt_storage_svc_snap *snap,
                              const struct bt_storage_range *range,
                              struct bt_storage_svc_iter **out)
{
    *out = NULL;
    struct stor_ns ns;
    bt_status st = svc_ns(h, &ns);
    if (st != BT_OK)
        return st;
    struct stor_iter *it = NULL;
    st = stor_iter_new(self, &ns, (const struct stor_snap *)snap, range, &it);
    *out = (struct bt_storage_svc_iter *)it;
    return st;
}

static bt_status svc_iter_seek(struct bt_storage_svc_iter *it, const uint8_t *key, size_t key_len)
{
    return stor_iter_seek(ITER(it), key, key_len);
}

static bt_status svc_iter_seek_prev(struct bt_storage_svc_iter *it, const uint8_t *key,
                                    size_t key_len)
{
    return stor_iter_seek_prev(ITER(it), key, key_len);
}

static bt_status svc_iter_next(struct bt_storage_svc_iter *it)
{
    return stor_iter_next(ITER(it));
}

static bt_status svc_iter_prev(struct bt_storage_svc_iter *it)
{
    return stor_iter_prev(ITER(it));
}

static int svc_iter_valid(struct bt_storage_svc_iter *it)
{
    return stor_iter_valid(ITER(it));
}

static bt_status svc_iter_entry(struct bt_storage_svc_iter *it, const uint8_t **k, size_t *kl,
                                const uint8_t **v, size_t *vl)
{
    return stor_iter_entry(ITER(it), k, kl, v, vl);
}

static bt_status svc_iter_status(struct bt_storage_svc_iter *it)
{
    return stor_iter_status(ITER(it));
}

static void svc_iter_free(struct bt_storage_svc_iter *it)
{
    stor_iter_free(ITER(it));
}

const struct bt_storage_svc stor_service_table = {
    .struct_size = sizeof(struct bt_storage_svc),
    .get = svc_get,
    .write = svc_write,
    .snapshot_new = svc_snapshot_new,
    .snapshot_free = svc_snapshot_free,
    .iter_new = svc_iter_new,
    .iter_seek = svc_iter_seek,
    .iter_seek_prev = svc_iter_seek_prev,
    .iter_next = svc_iter_next,
    .iter_prev = svc_iter_prev,
    .iter_valid = svc_iter_valid,
    .iter_entry = svc_iter_entry,
    .iter_status = svc_iter_status,
    .iter_free = svc_iter_free,
};
