/* storage-memory: atomic write batches. Everything a batch needs is allocated before the lock
 * is taken, so a batch either fails before touching the list or applies completely. */
#include "mem_int.h"

#include <stdlib.h>
#include <string.h>

struct mem_prep {
    struct mem_ver *ver;
    struct mem_node *node; /* used only if the key is new */
};

static void prep_free(struct mem_prep *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        mem_ver_unref(p[i].ver);
        free(p[i].node);
    }
    free(p);
}

static bt_status prepare(struct bt_storage_db *db, const struct bt_storage_batch *b,
                         struct mem_prep **out)
{
    struct mem_prep *p = calloc(b->n_ops ? b->n_ops : 1, sizeof(*p));
    if (!p)
        return BT_ENOMEM;
    for (size_t i = 0; i < b->n_ops; i++) {
        const struct bt_storage_op *op = &b->ops[i];
        int is_del = op->type == BT_STORAGE_DELETE;
        size_t len = is_del ? 0 : op->value_len;
        struct mem_ver *v = malloc(sizeof(*v) + len);
        if (!v)
            goto fail;
        v->older = NULL;
        v->seq = 0;
        atomic_init(&v->refs, 1);
        v->is_del = (uint32_t)is_del;
        v->len = len;
        if (len)
            memcpy(v->data, op->value, len);
        p[i].ver = v;
        if (!is_del) {
            int h = mem_height_for(atomic_fetch_add(&db->height_ctr, 1));
            p[i].node = mem_node_new(op->key, op->key_len, h);
            if (!p[i].node)
                goto fail;
        }
    }
    *out = p;
    return BT_OK;
fail:
    prep_free(p, b->n_ops);
    return BT_ENOMEM;
}

void mem_prune(struct bt_storage_db *db, struct mem_node *n, struct mem_node **prev,
               uint64_t oldest)
{
    /* Keep every version newer than the oldest live snapshot, plus the newest one it sees;
     * a version shadowed by a later op of the same batch is visible to nobody. */
    for (struct mem_ver *v = n->vers; v; v = v->older) {
        while (v->older && v->older->seq == v->seq) {
            struct mem_ver *x = v->older;
            v->older = x->older;
            mem_ver_unref(x);
        }
        if (v->seq <= oldest) {
            struct mem_ver *x = v->older;
            v->older = NULL;
            while (x) {
                struct mem_ver *y = x->older;
                mem_ver_unref(x);
                x = y;
            }
            break;
        }
    }
    /* A lone tombstone nobody can see past: the key is gone for every reader. No iterator sits
     * on this node, since its snapshot (>= oldest) sees the tombstone. */
    if (n->vers->is_del && !n->vers->older && n->vers->seq <= oldest)
        mem_list_unlink(&db->list, prev, n);
}

static void apply(struct bt_storage_db *db, const struct bt_storage_op *op, struct mem_prep *p,
                  uint64_t seq, uint64_t oldest)
{
    struct mem_node *prev[MEM_MAX_HEIGHT];
    struct mem_node *n = mem_list_ge(&db->list, op->key, op->key_len, prev);
    if (!n || bts_kvrange_cmp(n->key, n->key_len, op->key, op->key_len) != 0) {
        if (p->ver->is_del)
            return; /* deleting a missing key: nothing to record */
        n = p->node;
        p->node = NULL;
        mem_list_link(&db->list, prev, n);
    }
    if (n->vers && !n->vers->is_del) {
        db->n_keys--;
        db->n_bytes -= n->key_len + n->vers->len;
    }
    struct mem_ver *v = p->ver;
    p->ver = NULL;
    v->seq = seq;
    v->older = n->vers;
    n->vers = v;
    if (!v->is_del) {
        db->n_keys++;
        db->n_bytes += n->key_len + v->len;
    }
    mem_prune(db, n, prev, oldest);
}

bt_status mem_write(void *self, struct bt_storage_db *db, const struct bt_storage_batch *batch)
{
    struct mem_plugin *pl = self;
    if (db->is_readonly) {
        pl->host->set_error(pl->hctx, "database is read-only");
        return BT_EPERM;
    }
    for (size_t i = 0; i < batch->n_ops; i++) {
        uint32_t t = batch->ops[i].type;
        if (t != BT_STORAGE_PUT && t != BT_STORAGE_DELETE) {
            pl->host->set_error(pl->hctx, "batch op %zu: unknown type %u", i, t);
            return BT_EINVAL;
        }
    }
    struct mem_prep *p = NULL;
    bt_status st = prepare(db, batch, &p);
    if (st != BT_OK) {
        pl->host->set_error(pl->hctx, "out of memory preparing a batch of %zu ops", batch->n_ops);
        return st;
    }
    pthread_rwlock_wrlock(&db->lock);
    uint64_t seq = db->seq + 1;
    uint64_t oldest = mem_oldest_seq(db);
    if (oldest > seq)
        oldest = seq;
    for (size_t i = 0; i < batch->n_ops; i++)
        apply(db, &batch->ops[i], &p[i], seq, oldest);
    db->seq = seq;
    pthread_rwlock_unlock(&db->lock);
    prep_free(p, batch->n_ops);
    return BT_OK;
}
