/* Key ranges for storage iterators: the bound copies and seek clamping that every backend's
 * iterator applies, kept here once. */
#include <bts/kvrange.h>

#include <stdlib.h>
#include <string.h>

int bts_kvrange_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    size_t n = a_len < b_len ? a_len : b_len;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return a_len < b_len ? -1 : a_len > b_len;
}

static int bound_copy(struct bts_kvbound *b, const uint8_t *key, size_t len)
{
    if (!key)
        return 0;
    b->key = malloc(len ? len : 1); /* never NULL once set, even for the empty key */
    if (!b->key)
        return -1;
    if (len)
        memcpy(b->key, key, len);
    b->len = len;
    b->is_set = 1;
    return 0;
}

bt_status bts_kvrange_set(struct bts_kvrange *r, const uint8_t *lower, size_t lower_len,
                          const uint8_t *upper, size_t upper_len)
{
    if (bound_copy(&r->lower, lower, lower_len) != 0 ||
        bound_copy(&r->upper, upper, upper_len) != 0)
        return BT_ENOMEM;
    return BT_OK;
}

void bts_kvrange_free(struct bts_kvrange *r)
{
    if (!r)
        return;
    free(r->lower.key);
    free(r->upper.key);
    memset(r, 0, sizeof(*r));
}

int bts_kvrange_contains(const struct bts_kvrange *r, const uint8_t *key, size_t key_len)
{
    if (r->upper.is_set && bts_kvrange_cmp(key, key_len, r->upper.key, r->upper.len) >= 0)
        return 0;
    if (r->lower.is_set && bts_kvrange_cmp(key, key_len, r->lower.key, r->lower.len) < 0)
        return 0;
    return 1;
}

void bts_kvrange_clamp_seek(const struct bts_kvrange *r, const uint8_t **key, size_t *key_len)
{
    if (r->lower.is_set &&
        (!*key || bts_kvrange_cmp(*key, *key_len, r->lower.key, r->lower.len) < 0)) {
        *key = r->lower.key;
        *key_len = r->lower.len;
    }
}

int bts_kvrange_clamp_seek_prev(const struct bts_kvrange *r, const uint8_t **key, size_t *key_len)
{
    if (r->upper.is_set &&
        (!*key || bts_kvrange_cmp(*key, *key_len, r->upper.key, r->upper.len) >= 0)) {
        *key = r->upper.key;
        *key_len = r->upper.len;
        return 1;
    }
    return 0;
}
