/* The commit batch: the application's state writes and the node's block store writes, applied
 * by the node in one atomic storage batch (dlv_abci.h, dlv_node.h). */
#include <stdlib.h>
#include <string.h>

#include "dlv_node_int.h"

void dlv_batch_init(struct dlv_batch *b)
{
    memset(b, 0, sizeof *b);
}

void dlv_batch_free(struct dlv_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free((void *)b->ops[i].key);
        free((void *)b->ops[i].value);
    }
    free(b->ops);
    memset(b, 0, sizeof *b);
}

static void *dup(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    if (c && n)
        memcpy(c, p, n);
    return c;
}

bt_status dlv_batch_add(struct dlv_batch *b, uint32_t type, const uint8_t *key, size_t key_len,
                        const uint8_t *value, size_t value_len)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct bt_storage_op *o = realloc(b->ops, cap * sizeof *o);
        if (!o)
            return BT_ENOMEM;
        b->ops = o;
        b->cap = cap;
    }
    struct bt_storage_op *op = &b->ops[b->n];
    memset(op, 0, sizeof *op);
    op->type = type;
    op->key = dup(key, key_len);
    op->key_len = key_len;
    if (type == BT_STORAGE_PUT) {
        op->value = dup(value, value_len);
        op->value_len = value_len;
    }
    if (!op->key || (type == BT_STORAGE_PUT && !op->value)) {
        free((void *)op->key);
        free((void *)op->value);
        return BT_ENOMEM;
    }
    b->n++;
    return BT_OK;
}

/* The app's keys must stay out of the node's "dlv/" space. */
static int app_key_ok(const uint8_t *key, size_t key_len)
{
    return key && key_len > 0 && key_len <= 400 && !(key_len >= 4 && !memcmp(key, "dlv/", 4));
}

bt_status dlv_batch_put(struct dlv_batch *b, const uint8_t *key, size_t key_len,
                        const uint8_t *value, size_t value_len)
{
    if (!b || !app_key_ok(key, key_len) || (value_len && !value))
        return BT_EINVAL;
    return dlv_batch_add(b, BT_STORAGE_PUT, key, key_len, value, value_len);
}

bt_status dlv_batch_del(struct dlv_batch *b, const uint8_t *key, size_t key_len)
{
    if (!b || !app_key_ok(key, key_len))
        return BT_EINVAL;
    return dlv_batch_add(b, BT_STORAGE_DELETE, key, key_len, NULL, 0);
}
