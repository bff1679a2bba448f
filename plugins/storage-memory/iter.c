/* storage-memory: iterators. Each reads at a registered snapshot, so the versions and nodes it
 * stands on stay alive while writers continue; every move takes the read lock briefly and
 * continues from the current node (never freed while visible to a live snapshot). */
#include "mem_int.h"

#include <stdlib.h>

bt_status mem_iter_new(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                       const struct bt_storage_range *range, struct bt_storage_iter **out_it)
{
    struct mem_plugin *pl = self;
    *out_it = NULL;
    struct bt_storage_iter *it = calloc(1, sizeof(*it));
    if (!it)
        goto oom;
    it->db = db;
    if (range && bts_kvrange_set(&it->range, range->lower, range->lower_len, range->upper,
                                 range->upper_len) != BT_OK)
        goto oom;
    if (snap) {
        it->seq = snap->seq;
    } else {
        if (mem_snapshot_new(self, db, &it->own_snap) != BT_OK)
            goto oom;
        it->seq = it->own_snap->seq;
    }
    *out_it = it;
    return BT_OK;
oom:
    mem_iter_free(it);
    pl->host->set_error(pl->hctx, "out of memory creating an iterator");
    return BT_ENOMEM;
}

void mem_iter_free(struct bt_storage_iter *it)
{
    if (!it)
        return;
    mem_snapshot_free(it->db->pl, it->db, it->own_snap);
    bts_kvrange_free(&it->range);
    free(it);
}

/* Land on the first visible node from n onwards, within the upper bound. Read lock held. */
static void land_fwd(struct bt_storage_iter *it, struct mem_node *n)
{
    struct mem_ver *v = NULL;
    while (n && !(v = mem_node_visible(n, it->seq)))
        n = n->next[0];
    if (n && it->range.upper.is_set &&
        bts_kvrange_cmp(n->key, n->key_len, it->range.upper.key, it->range.upper.len) >= 0)
        n = NULL;
    it->cur = n;
    it->ver = n ? v : NULL;
}

/* Land on the last visible node from n backwards, within the lower bound. Read lock held. */
static void land_back(struct bt_storage_iter *it, struct mem_node *n)
{
    struct mem_ver *v = NULL;
    while (n && !(v = mem_node_visible(n, it->seq)))
        n = mem_list_lt(&it->db->list, n->key, n->key_len);
    if (n && it->range.lower.is_set &&
        bts_kvrange_cmp(n->key, n->key_len, it->range.lower.key, it->range.lower.len) < 0)
        n = NULL;
    it->cur = n;
    it->ver = n ? v : NULL;
}

void mem_iter_seek(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    bts_kvrange_clamp_seek(&it->range, &key, &key_len);
    pthread_rwlock_rdlock(&it->db->lock);
    if (key)
        land_fwd(it, mem_list_ge(&it->db->list, key, key_len, NULL));
    else
        land_fwd(it, it->db->list.head->next[0]);
    pthread_rwlock_unlock(&it->db->lock);
}

void mem_iter_seek_prev(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    const struct mem_list *l = &it->db->list;
    pthread_rwlock_rdlock(&it->db->lock);
    struct mem_node *n;
    if (bts_kvrange_clamp_seek_prev(&it->range, &key, &key_len)) {
        n = mem_list_lt(l, key, key_len); /* the upper bound is out: the last key below it */
    } else if (!key) {
        n = mem_list_last(l);
    } else {
        n = mem_list_ge(l, key, key_len, NULL);
        if (!n || bts_kvrange_cmp(n->key, n->key_len, key, key_len) != 0)
            n = mem_list_lt(l, key, key_len);
    }
    land_back(it, n);
    pthread_rwlock_unlock(&it->db->lock);
}

void mem_iter_next(struct bt_storage_iter *it)
{
    if (!it->cur)
        return;
    pthread_rwlock_rdlock(&it->db->lock);
    land_fwd(it, it->cur->next[0]);
    pthread_rwlock_unlock(&it->db->lock);
}

void mem_iter_prev(struct bt_storage_iter *it)
{
    if (!it->cur)
        return;
    pthread_rwlock_rdlock(&it->db->lock);
    land_back(it, mem_list_lt(&it->db->list, it->cur->key, it->cur->key_len));
    pthread_rwlock_unlock(&it->db->lock);
}

int mem_iter_valid(const struct bt_storage_iter *it)
{
    return it->cur != NULL;
}

void mem_iter_entry(const struct bt_storage_iter *it, const uint8_t **out_key, size_t *out_key_len,
                    const uint8_t **out_value, size_t *out_value_len)
{
    *out_key = it->cur ? it->cur->key : NULL;
    *out_key_len = it->cur ? it->cur->key_len : 0;
    *out_value = it->ver ? it->ver->data : NULL;
    *out_value_len = it->ver ? it->ver->len : 0;
}

bt_status mem_iter_status(const struct bt_storage_iter *it)
{
    (void)it;
    return BT_OK;
}
