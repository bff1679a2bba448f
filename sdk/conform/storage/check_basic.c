/* Storage conformance: key order, empty keys and values, long keys and large values. */
#include "conform_int.h"

#include <stdlib.h>
#include <string.h>

struct cf_bkey {
    const char *k;
    size_t len;
};

/* Already in memcmp order, shorter first on a tie (storage.h); inserted shuffled. */
static const struct cf_bkey cf_sorted[] = {
    {"", 0},         {"\x00", 1},         {"\x00\x00", 2}, {"\x00\x00\x00", 3}, {"\x00\x01", 2},
    {"\x00\xff", 2}, {"\x01", 1},         {"a", 1},        {"a\x00", 2},        {"aa", 2},
    {"ab", 2},       {"abc", 3},          {"b", 1},        {"\x7f", 1},         {"\x7f\xff", 2},
    {"\x80", 1},     {"\x80\x00", 2},     {"\xfe\xff", 2}, {"\xff", 1},         {"\xff\x00", 2},
    {"\xff\xff", 2}, {"\xff\xff\xff", 3},
};
#define CF_N_SORTED (sizeof(cf_sorted) / sizeof(cf_sorted[0]))

static int walk_matches(struct cf *t, struct bt_storage_db *db, int backward)
{
    struct bt_storage_iter *it = NULL;
    size_t i = 0;
    CF_ST(t, t->v->iter_new(t->self, db, NULL, NULL, &it), BT_OK);
    CF_CHECK(t, !t->v->iter_valid(it), "a new iterator must start unpositioned");
    if (backward)
        t->v->iter_seek_prev(it, NULL, 0);
    else
        t->v->iter_seek(it, NULL, 0);
    for (; t->v->iter_valid(it); i++) {
        CF_CHECK(t, i < CF_N_SORTED, "more entries than written");
        const struct cf_bkey *want = &cf_sorted[backward ? CF_N_SORTED - 1 - i : i];
        const uint8_t *k, *v;
        size_t kl, vl;
        t->v->iter_entry(it, &k, &kl, &v, &vl);
        CF_CHECK(t, kl == want->len && (!kl || memcmp(k, want->k, kl) == 0),
                 "%s entry %zu: got a %zu-byte key, expected the %zu-byte key #%zu",
                 backward ? "backward" : "forward", i, kl, want->len,
                 backward ? CF_N_SORTED - 1 - i : i);
        CF_CHECK(t, vl == kl + 1 && v[0] == 'v' && (!kl || memcmp(v + 1, k, kl) == 0),
                 "entry %zu: wrong value", i);
        if (backward)
            t->v->iter_prev(it);
        else
            t->v->iter_next(it);
    }
    CF_CHECK(t, i == CF_N_SORTED, "iterated %zu entries, wrote %zu", i, (size_t)CF_N_SORTED);
    CF_ST(t, t->v->iter_status(it), BT_OK);
    t->v->iter_free(it);
    return 1;
fail:
    t->v->iter_free(it);
    return 0;
}

int cf_check_order(struct cf *t)
{
    int r = CF_FAIL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    /* Insert in a scrambled order: every 7th index modulo a prime-sized walk. */
    for (size_t n = 0, i = 0; n < CF_N_SORTED; n++, i = (i + 7) % CF_N_SORTED) {
        uint8_t val[8] = {'v'};
        memcpy(val + 1, cf_sorted[i].k, cf_sorted[i].len);
        CF_ST(t, cf_put(t, db, cf_sorted[i].k, cf_sorted[i].len, val, cf_sorted[i].len + 1, 0),
              BT_OK);
    }
    CF_CHECK(t, walk_matches(t, db, 0), "forward order");
    CF_CHECK(t, walk_matches(t, db, 1), "backward order");
    CF_EXPECT(t, db, NULL, "\x00\x02", 2, NULL, 0);
    CF_EXPECT(t, db, NULL, "\xff\xff\xff", 3, "v\xff\xff\xff", 4);
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    return r;
}

int cf_check_empty(struct cf *t)
{
    int r = CF_FAIL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    CF_EXPECT(t, db, NULL, "", 0, NULL, 0);
    CF_ST(t, cf_put(t, db, "", 0, "empty-key", 9, 0), BT_OK);
    CF_ST(t, cf_put(t, db, "k", 1, "", 0, 0), BT_OK);
    CF_ST(t, cf_put(t, db, "k2", 2, NULL, 0, 0), BT_OK);
    CF_EXPECT(t, db, NULL, "", 0, "empty-key", 9);
    CF_EXPECT(t, db, NULL, "k", 1, "", 0);
    CF_EXPECT(t, db, NULL, "k2", 2, "", 0);
    CF_ST(t, cf_put(t, db, "", 0, "", 0, 0), BT_OK);
    CF_EXPECT(t, db, NULL, "", 0, "", 0);
    CF_ST(t, cf_del(t, db, "", 0), BT_OK);
    CF_EXPECT(t, db, NULL, "", 0, NULL, 0);
    CF_EXPECT(t, db, NULL, "k", 1, "", 0);
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    return r;
}

int cf_check_long_key(struct cf *t)
{
    int r = CF_FAIL;
    uint8_t k1[BT_STORAGE_KEY_MAX], k2[BT_STORAGE_KEY_MAX];
    memset(k1, 0xab, sizeof(k1));
    memcpy(k2, k1, sizeof(k2));
    k2[BT_STORAGE_KEY_MAX - 1] = 0xac;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    CF_ST(t, cf_put(t, db, k1, sizeof(k1), "one", 3, 0), BT_OK);
    CF_ST(t, cf_put(t, db, k2, sizeof(k2), "two", 3, 0), BT_OK);
    CF_EXPECT(t, db, NULL, k1, sizeof(k1), "one", 3);
    CF_EXPECT(t, db, NULL, k2, sizeof(k2), "two", 3);
    CF_EXPECT(t, db, NULL, k1, sizeof(k1) - 1, NULL, 0);
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    return r;
}

static int large_one(struct cf *t, struct bt_storage_db *db, size_t len, uint8_t tag)
{
    uint8_t *big = malloc(len);
    struct bt_storage_iter *it = NULL;
    CF_CHECK(t, big != NULL, "out of memory for a %zu-byte value", len);
    for (size_t i = 0; i < len; i++)
        big[i] = (uint8_t)(i * 31 + (i >> 12) + tag);
    CF_ST(t, cf_put(t, db, &tag, 1, big, len, 0), BT_OK);
    CF_EXPECT(t, db, NULL, &tag, 1, big, len);
    CF_ST(t, t->v->iter_new(t->self, db, NULL, NULL, &it), BT_OK);
    t->v->iter_seek(it, &tag, 1);
    CF_CHECK(t, t->v->iter_valid(it), "iterator misses the large value");
    const uint8_t *k, *v;
    size_t kl, vl;
    t->v->iter_entry(it, &k, &kl, &v, &vl);
    CF_CHECK(t, kl == 1 && k[0] == tag && vl == len && memcmp(v, big, len) == 0,
             "iterator returns %zu bytes for a %zu-byte value", vl, len);
    t->v->iter_free(it);
    free(big);
    return 1;
fail:
    t->v->iter_free(it);
    free(big);
    return 0;
}

int cf_check_large_values(struct cf *t)
{
    int r = CF_FAIL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    CF_CHECK(t, large_one(t, db, (16u << 20) + 1, 1), "16 MiB + 1 value");
    CF_CHECK(t, large_one(t, db, 64u << 20, 2), "64 MiB value");
    CF_CHECK(t, large_one(t, db, (16u << 20) - 1, 1), "overwrite with 16 MiB - 1");
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    return r;
}
