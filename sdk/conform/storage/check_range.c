/* Storage conformance: iterator ranges and seeks in both directions. Keys are cf_key(0, 2, ...,
 * 198), so every odd index falls between two keys. */
#include "conform_int.h"

#include <string.h>

enum { RG_N = 100 };

/* Is `it` on cf_key(want)? want < 0: must be invalid. */
static int at(struct cf *t, struct bt_storage_iter *it, int want, int line)
{
    int valid = t->v->iter_valid(it);
    const uint8_t *k = NULL, *v = NULL;
    size_t kl = 0, vl = 0;
    if (valid)
        t->v->iter_entry(it, &k, &kl, &v, &vl);
    uint32_t got = kl == 8 ? (uint32_t)k[6] << 8 | k[7] : UINT32_MAX;
    if (want < 0 && !valid)
        return 1;
    uint8_t wk[8];
    cf_key(wk, (uint32_t)(want < 0 ? 0 : want));
    if (want >= 0 && valid && kl == 8 && memcmp(k, wk, 8) == 0 && vl == 16)
        return 1;
    if (want < 0)
        cf_fail(t, __FILE__, line, "iterator on key %u, expected invalid", got);
    else if (!valid)
        cf_fail(t, __FILE__, line, "iterator invalid, expected key %d", want);
    else
        cf_fail(t, __FILE__, line, "iterator on key %u (%zu bytes), expected key %d", got, kl,
                want);
    return 0;
}
#define CF_AT(t, it, want) CF_CHECK(t, at((t), (it), (want), __LINE__), "see above")

static struct bt_storage_db *rg_open(struct cf *t)
{
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return NULL;
    for (uint32_t i = 0; i < RG_N; i++) {
        uint8_t k[8], v[16];
        cf_key(k, 2 * i);
        cf_val(v, 2 * i, 0);
        if (cf_put(t, db, k, 8, v, 16, 0) != BT_OK) {
            cf_fail(t, __FILE__, __LINE__, "put failed");
            t->v->close(t->self, db);
            return NULL;
        }
    }
    return db;
}

/* A new iterator over [lo, hi) (negative: open bound). */
static struct bt_storage_iter *rg_iter(struct cf *t, struct bt_storage_db *db, int lo, int hi,
                                       uint8_t lk[8], uint8_t hk[8])
{
    struct bt_storage_range r = {0};
    struct bt_storage_iter *it = NULL;
    if (lo >= 0) {
        cf_key(lk, (uint32_t)lo);
        r.lower = lk;
        r.lower_len = 8;
    }
    if (hi >= 0) {
        cf_key(hk, (uint32_t)hi);
        r.upper = hk;
        r.upper_len = 8;
    }
    if (t->v->iter_new(t->self, db, NULL, &r, &it) != BT_OK)
        cf_fail(t, __FILE__, __LINE__, "iter_new failed");
    return it;
}

static void seek_i(struct cf *t, struct bt_storage_iter *it, uint32_t i, int backward)
{
    uint8_t k[8];
    cf_key(k, i);
    if (backward)
        t->v->iter_seek_prev(it, k, 8);
    else
        t->v->iter_seek(it, k, 8); /* k is borrowed for the call only: reused right after */
    memset(k, 0xee, sizeof(k));
}

int cf_check_range_forward(struct cf *t)
{
    int r = CF_FAIL;
    uint8_t lk[8], hk[8];
    struct bt_storage_iter *it = NULL;
    struct bt_storage_db *db = rg_open(t);
    if (!db)
        return CF_FAIL;
    it = rg_iter(t, db, 20, 80, lk, hk);
    CF_CHECK(t, it, "iter_new");
    memset(lk, 0, 8); /* bounds are copied by iter_new */
    memset(hk, 0xff, 8);
    t->v->iter_seek(it, NULL, 0);
    for (int i = 20; i < 80; i += 2, t->v->iter_next(it))
        CF_AT(t, it, i);
    CF_AT(t, it, -1);
    t->v->iter_next(it);
    CF_AT(t, it, -1);
    t->v->iter_prev(it); /* no effect when not valid */
    CF_AT(t, it, -1);
    seek_i(t, it, 21, 0);
    CF_AT(t, it, 22);
    seek_i(t, it, 5, 0);
    CF_AT(t, it, 20);
    seek_i(t, it, 20, 0);
    CF_AT(t, it, 20);
    seek_i(t, it, 78, 0);
    CF_AT(t, it, 78);
    seek_i(t, it, 79, 0);
    CF_AT(t, it, -1);
    seek_i(t, it, 80, 0);
    CF_AT(t, it, -1);
    t->v->iter_seek(it, (const uint8_t *)"z", 1);
    CF_AT(t, it, -1);
    t->v->iter_seek(it, (const uint8_t *)"", 0);
    CF_AT(t, it, 20);
    t->v->iter_free(it);

    it = rg_iter(t, db, -1, -1, lk, hk);
    t->v->iter_seek(it, NULL, 0);
    CF_AT(t, it, 0);
    seek_i(t, it, 199, 0);
    CF_AT(t, it, -1);
    seek_i(t, it, 197, 0);
    CF_AT(t, it, 198);
    t->v->iter_free(it);

    it = rg_iter(t, db, 150, -1, lk, hk);
    uint32_t n = 0;
    for (t->v->iter_seek(it, NULL, 0); t->v->iter_valid(it); t->v->iter_next(it))
        n++;
    CF_CHECK(t, n == 25, "[150, end) holds %u keys, expected 25", n);
    t->v->iter_free(it);

    it = rg_iter(t, db, -1, 10, lk, hk);
    n = 0;
    for (t->v->iter_seek(it, NULL, 0); t->v->iter_valid(it); t->v->iter_next(it))
        n++;
    CF_CHECK(t, n == 5, "[start, 10) holds %u keys, expected 5", n);
    t->v->iter_free(it);

    it = rg_iter(t, db, 40, 40, lk, hk);
    t->v->iter_seek(it, NULL, 0);
    CF_AT(t, it, -1);
    t->v->iter_seek_prev(it, NULL, 0);
    CF_AT(t, it, -1);
    r = CF_PASS;
fail:
    t->v->iter_free(it);
    t->v->close(t->self, db);
    return r;
}

int cf_check_range_backward(struct cf *t)
{
    int r = CF_FAIL;
    uint8_t lk[8], hk[8];
    struct bt_storage_iter *it = NULL;
    struct bt_storage_db *db = rg_open(t);
    if (!db)
        return CF_FAIL;
    it = rg_iter(t, db, 20, 80, lk, hk);
    CF_CHECK(t, it, "iter_new");
    t->v->iter_seek_prev(it, NULL, 0);
    for (int i = 78; i >= 20; i -= 2, t->v->iter_prev(it))
        CF_AT(t, it, i);
    CF_AT(t, it, -1);
    t->v->iter_prev(it);
    CF_AT(t, it, -1);
    t->v->iter_next(it);
    CF_AT(t, it, -1);
    seek_i(t, it, 79, 1);
    CF_AT(t, it, 78);
    seek_i(t, it, 78, 1);
    CF_AT(t, it, 78);
    seek_i(t, it, 80, 1);
    CF_AT(t, it, 78);
    seek_i(t, it, 200, 1);
    CF_AT(t, it, 78);
    seek_i(t, it, 21, 1);
    CF_AT(t, it, 20);
    seek_i(t, it, 20, 1);
    CF_AT(t, it, 20);
    seek_i(t, it, 19, 1);
    CF_AT(t, it, -1);
    t->v->iter_seek_prev(it, (const uint8_t *)"", 0);
    CF_AT(t, it, -1);
    /* Direction changes. */
    seek_i(t, it, 40, 0);
    t->v->iter_prev(it);
    CF_AT(t, it, 38);
    t->v->iter_next(it);
    CF_AT(t, it, 40);
    t->v->iter_next(it);
    CF_AT(t, it, 42);
    seek_i(t, it, 41, 1);
    CF_AT(t, it, 40);
    t->v->iter_next(it);
    CF_AT(t, it, 42);
    t->v->iter_free(it);

    it = rg_iter(t, db, -1, -1, lk, hk);
    t->v->iter_seek_prev(it, NULL, 0);
    CF_AT(t, it, 198);
    seek_i(t, it, 0, 1);
    CF_AT(t, it, 0);
    t->v->iter_prev(it);
    CF_AT(t, it, -1);
    t->v->iter_seek_prev(it, (const uint8_t *)"a", 1);
    CF_AT(t, it, -1);
    t->v->iter_seek_prev(it, (const uint8_t *)"z", 1);
    CF_AT(t, it, 198);
    uint32_t n = 0;
    for (; t->v->iter_valid(it); t->v->iter_prev(it))
        n++;
    CF_CHECK(t, n == RG_N, "backward over everything: %u keys, expected %u", n, RG_N);
    r = CF_PASS;
fail:
    t->v->iter_free(it);
    t->v->close(t->self, db);
    return r;
}
