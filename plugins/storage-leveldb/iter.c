/* storage-leveldb: bounded iterators over LevelDB's. A LevelDB iterator already reads at the
 * sequence number current when it was made (its implicit snapshot), so concurrent writes never
 * disturb it; this file adds the [lower, upper) range and seek_prev. */
#include "ldb_int.h"

#include <stdlib.h>
#include <string.h>

static int cmp(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t n = a_len < b_len ? a_len : b_len;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return a_len < b_len ? -1 : a_len > b_len;
}

static int bound_copy(struct ldb_bound *b, const uint8_t *key, size_t len)
{
    if (!key)
        return 0;
    b->key = malloc(len ? len : 1);
    if (!b->key)
        return -1;
    if (len)
        memcpy(b->key, key, len);
    b->len = len;
    b->is_set = 1;
    return 0;
}

bt_status ldb_iter_new(void *self, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
                       const struct bt_storage_range *range, struct bt_storage_iter **out_it)
{
    struct ldb_plugin *pl = self;
    struct bt_storage_iter *it = calloc(1, sizeof(*it));
    *out_it = NULL;
    if (!it || (range && (bound_copy(&it->lower, range->lower, range->lower_len) != 0 ||
                          bound_copy(&it->upper, range->upper, range->upper_len) != 0))) {
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
    free(it->lower.key);
    free(it->upper.key);
    free(it);
}

static void clamp(struct bt_storage_iter *it)
{
    it->is_valid = leveldb_iter_valid(it->it);
    if (!it->is_valid)
        return;
    size_t kl;
    const char *k = leveldb_iter_key(it->it, &kl);
    if (it->upper.is_set && cmp(k, kl, it->upper.key, it->upper.len) >= 0)
        it->is_valid = 0;
    if (it->lower.is_set && cmp(k, kl, it->lower.key, it->lower.len) < 0)
        it->is_valid = 0;
}

void ldb_iter_seek(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    if (it->lower.is_set &&
        (!key || cmp((const char *)key, key_len, it->lower.key, it->lower.len) < 0)) {
        key = (const uint8_t *)it->lower.key;
        key_len = it->lower.len;
    }
    if (key)
        leveldb_iter_seek(it->it, (const char *)key, key_len);
    else
        leveldb_iter_seek_to_first(it->it);
    clamp(it);
}

void ldb_iter_seek_prev(struct bt_storage_iter *it, const uint8_t *key, size_t key_len)
{
    int exclusive = 0; /* the target itself is out (the upper bound) */
    if (it->upper.is_set &&
        (!key || cmp((const char *)key, key_len, it->upper.key, it->upper.len) >= 0)) {
        key = (const uint8_t *)it->upper.key;
        key_len = it->upper.len;
        exclusive = 1;
    }
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
            if (exclusive || cmp(k, kl, (const char *)key, key_len) != 0)
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
