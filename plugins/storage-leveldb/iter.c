/* storage-leveldb: bounded iterators over LevelDB's. A LevelDB iterator already reads at the
 * sequence number current when it was made (its implicit snapshot), so concurrent writes never
 * disturb it; this file adds the [lower, upper) range and seek_prev. */
#include "ldb_int.h"

#include <stdlib.h>

bt_status ldb_iter_new(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                       const struct bt_storage_range *range, struct bt_storage_iter **out_it)
{
    struct ldb_plugin *pl = self;
    struct bt_storage_iter *it = calloc(1, sizeof(*it));
    *out_it = NULL;
    if (!it || (range && bts_kvrange_set(&it->range, range->lower, range->lower_len, range->upper,
                                         range->upper_len) != BT_OK)) {
        ldb_iter_free(it);
        LDB_ERR(pl, "out of memory creating an iterator on %s", db->path);
        return BT_ENOMEM;
    }
    it->ro = leveldb_readoptions_create();
    if (snap)
        leveldb_readoptions_set_snapshot(it->ro, snap->snap);
    leveldb_readoptions_set_fill_cache(it->ro, 0); /* scans would evict the hot blocks */
    it->it = leveldb_create_iterator(db->ldb, it->ro);
    *out_it = it;
    return BT_OK;
}

void ldb_iter_free(struct bt_storage_iter *it)
{
    if (!it)
        return;
    if (it->it)
        leveldb_iter_destroy(it->it);
    if (it->ro)
        leveldb_readoptions_destroy(it->ro);
    bts_kvrange_free(&it->range);
    free(it);
}

static void clamp(struct bt_storage_iter *it)
{
    it->is_valid = leveldb_iter_valid(it->it);
    if (!it->is_valid)
        return;
    size_t kl;
    const char *k = leveldb_iter_key(it->it, &kl);
    it->is_valid = bts_kvrange_contains(&it->range, (const uint8_t *)k, kl);
}

void ldb_iter_seek(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    bts_kvrange_clamp_seek(&it->range, &key, &key_len);
    if (key)
        leveldb_iter_seek(it->it, (const char *)key, key_len);
    else
        leveldb_iter_seek_to_first(it->it);
    clamp(it);
}

void ldb_iter_seek_prev(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    /* exclusive: the target itself is out (the upper bound) */
    int exclusive = bts_kvrange_clamp_seek_prev(&it->range, &key, &key_len);
    if (!key) {
        leveldb_iter_seek_to_last(it->it);
    } else {
        /* The last key <= target: seek to the first >= target, step back unless it is equal. */
        leveldb_iter_seek(it->it, (const char *)key, key_len);
        if (!leveldb_iter_valid(it->it)) {
            leveldb_iter_seek_to_last(it->it);
        } else {
            size_t kl;
            const char *k = leveldb_iter_key(it->it, &kl);
            if (exclusive || bts_kvrange_cmp((const uint8_t *)k, kl, key, key_len) != 0)
                leveldb_iter_prev(it->it);
        }
    }
    clamp(it);
}

void ldb_iter_next(struct bt_storage_iter *it)
{
    if (!it->is_valid)
        return;
    leveldb_iter_next(it->it);
    clamp(it);
}

void ldb_iter_prev(struct bt_storage_iter *it)
{
    if (!it->is_valid)
        return;
    leveldb_iter_prev(it->it);
    clamp(it);
}

int ldb_iter_valid(const struct bt_storage_iter *it)
{
    return it->is_valid;
}

void ldb_iter_entry(const struct bt_storage_iter *it, const uint8_t **out_key, size_t *out_key_len,
                    const uint8_t **out_value, size_t *out_value_len)
{
    if (!it->is_valid) {
        *out_key = *out_value = NULL;
        *out_key_len = *out_value_len = 0;
        return;
    }
    *out_key = (const uint8_t *)leveldb_iter_key(it->it, out_key_len);
    *out_value = (const uint8_t *)leveldb_iter_value(it->it, out_value_len);
}

bt_status ldb_iter_status(const struct bt_storage_iter *it)
{
    char *err = NULL;
    leveldb_iter_get_error(it->it, &err);
    if (!err)
        return BT_OK;
    leveldb_free(err); /* FIXME: no hctx here to leave the text with; the status says EIO */
    return BT_EIO;
}
