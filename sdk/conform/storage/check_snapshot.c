/* Storage conformance: snapshot isolation and iterator stability while a writer thread runs. */
#include "conform_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

enum { SN_KEYS = 1000, SN_BATCHES = 150, SN_OPS = 40 };

struct churn {
    struct cf *t;
    struct bt_storage_db *db;
    atomic_int done;
    atomic_int stop;
    atomic_int err;
};

/* Writer: overwrite even keys (prefilled), delete some, insert odd ones between them. */
static void *churn_writer(void *arg)
{
    struct churn *c = arg;
    uint8_t keys[SN_OPS][8], vals[SN_OPS][16];
    struct bt_storage_op ops[SN_OPS];
    uint32_t x = 12345;
    for (uint32_t b = 1; b <= SN_BATCHES && !atomic_load(&c->stop); b++) {
        for (uint32_t i = 0; i < SN_OPS; i++) {
            x = x * 1103515245u + 12345u;
            uint32_t idx = (x >> 8) % (2 * SN_KEYS);
            cf_key(keys[i], idx);
            cf_val(vals[i], idx, b);
            ops[i] = (struct bt_storage_op){BT_STORAGE_PUT, keys[i], 8, vals[i], 16};
            if ((x >> 4) % 3 == 0)
                ops[i].type = BT_STORAGE_DELETE;
        }
        struct bt_storage_batch bt = {.struct_size = sizeof(bt), .ops = ops, .n_ops = SN_OPS};
        if (c->t->v->write(c->t->self, c->db, &bt) != BT_OK)
            atomic_store(&c->err, 1);
    }
    atomic_store(&c->done, 1);
    return NULL;
}

static int prefill(struct cf *t, struct bt_storage_db *db)
{
    uint8_t keys[SN_KEYS][8], vals[SN_KEYS][16];
    struct bt_storage_op ops[SN_KEYS];
    for (uint32_t i = 0; i < SN_KEYS; i++) {
        cf_key(keys[i], 2 * i);
        cf_val(vals[i], 2 * i, 0);
        ops[i] = (struct bt_storage_op){BT_STORAGE_PUT, keys[i], 8, vals[i], 16};
    }
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = ops, .n_ops = SN_KEYS};
    return t->v->write(t->self, db, &b) == BT_OK;
}

/* Walk `it` in one direction: exactly the prefilled keys, in order, with generation 0. */
static int walk_original(struct cf *t, struct bt_storage_iter *it, int backward)
{
    uint32_t n = 0;
    if (backward)
        t->v->iter_seek_prev(it, NULL, 0);
    else
        t->v->iter_seek(it, NULL, 0);
    for (; t->v->iter_valid(it); n++) {
        uint32_t want = backward ? SN_KEYS - 1 - n : n;
        uint8_t wk[8], wv[16];
        cf_key(wk, 2 * want);
        cf_val(wv, 2 * want, 0);
        const uint8_t *k, *v;
        size_t kl, vl;
        t->v->iter_entry(it, &k, &kl, &v, &vl);
        CF_CHECK(t, n < SN_KEYS, "more entries than the snapshot holds");
        CF_CHECK(t, kl == 8 && memcmp(k, wk, 8) == 0, "%s entry %u is not key %u",
                 backward ? "backward" : "forward", n, 2 * want);
        CF_CHECK(t, vl == 16 && memcmp(v, wv, 16) == 0, "entry %u has a later value", n);
        if (backward)
            t->v->iter_prev(it);
        else
            t->v->iter_next(it);
    }
    CF_CHECK(t, n == SN_KEYS, "saw %u entries, the snapshot holds %u", n, SN_KEYS);
    CF_ST(t, t->v->iter_status(it), BT_OK);
    return 1;
fail:
    return 0;
}

static int run_churn(struct cf *t, int use_snapshot)
{
    int r = CF_FAIL, started = 0;
    struct churn c = {.t = t};
    struct bt_storage_snapshot *s = NULL;
    struct bt_storage_iter *it = NULL;
    pthread_t th;
    c.db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!c.db)
        return CF_FAIL;
    CF_CHECK(t, prefill(t, c.db), "prefill failed");
    if (use_snapshot)
        CF_ST(t, t->v->snapshot_new(t->self, c.db, &s), BT_OK);
    CF_ST(t, t->v->iter_new(t->self, c.db, s, NULL, &it), BT_OK);
    CF_CHECK(t, pthread_create(&th, NULL, churn_writer, &c) == 0, "pthread_create");
    started = 1;
    for (uint32_t pass = 0; !atomic_load(&c.done) || pass < 2; pass++) {
        CF_CHECK(t, walk_original(t, it, pass & 1), "pass %u", pass);
        if (!s)
            continue;
        for (uint32_t i = 0; i < 2 * SN_KEYS; i += 7) {
            uint8_t k[8], v[16];
            cf_key(k, i);
            cf_val(v, i, 0);
            CF_EXPECT(t, c.db, s, k, 8, i % 2 ? NULL : v, 16);
        }
    }
    CF_CHECK(t, !atomic_load(&c.err), "a concurrent write failed");
    /* The latest state did move on. */
    CF_EXPECT(t, c.db, NULL, "nope", 4, NULL, 0);
    r = CF_PASS;
fail:
    atomic_store(&c.stop, 1);
    if (started)
        pthread_join(th, NULL);
    t->v->iter_free(it);
    if (s)
        t->v->snapshot_free(t->self, c.db, s);
    t->v->close(t->self, c.db);
    return r;
}

int cf_check_snapshot_isolation(struct cf *t)
{
    return run_churn(t, 1);
}

int cf_check_iter_concurrent(struct cf *t)
{
    return run_churn(t, 0);
}
