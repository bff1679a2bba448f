/* Storage conformance: write batches (order, atomicity, refusal) and deletes. */
#include "conform_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

int cf_check_batch_order(struct cf *t)
{
    enum { N = 1000 };
    int r = CF_FAIL;
    uint8_t(*keys)[8] = malloc(sizeof(uint8_t[8]) * (N + 1));
    uint8_t(*vals)[16] = malloc(sizeof(uint8_t[16]) * 3 * N);
    struct bt_storage_op *ops = calloc(3 * N, sizeof(*ops));
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    CF_CHECK(t, keys && vals && ops && db, "setup failed");
    size_t n = 0;
    for (uint32_t i = 0; i <= N; i++)
        cf_key(keys[i], i);
    for (uint32_t i = 0; i < N; i++) { /* generation 0 for every key */
        cf_val(vals[n], i, 0);
        ops[n] = (struct bt_storage_op){BT_STORAGE_PUT, keys[i], 8, vals[n], 16};
        n++;
    }
    for (uint32_t i = 0; i < N / 2; i++) { /* generation 1 wins for the first half */
        cf_val(vals[n], i, 1);
        ops[n] = (struct bt_storage_op){BT_STORAGE_PUT, keys[i], 8, vals[n], 16};
        n++;
    }
    for (uint32_t i = 100; i < 200; i++) /* then 100..199 are deleted */
        ops[n++] = (struct bt_storage_op){.type = BT_STORAGE_DELETE, .key = keys[i], .key_len = 8};
    cf_val(vals[n], 150, 2); /* and 150 comes back */
    ops[n] = (struct bt_storage_op){BT_STORAGE_PUT, keys[150], 8, vals[n], 16};
    n++;
    ops[n++] = (struct bt_storage_op){.type = BT_STORAGE_DELETE, .key = keys[N], .key_len = 8};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = ops, .n_ops = n};
    CF_ST(t, t->v->write(t->self, db, &b), BT_OK);
    for (uint32_t i = 0; i <= N; i++) {
        uint8_t want[16];
        uint32_t gen = i < N / 2 ? 1 : 0;
        if (i == 150)
            gen = 2;
        cf_val(want, i, gen);
        int gone = (i >= 100 && i < 200 && i != 150) || i == N;
        CF_EXPECT(t, db, NULL, keys[i], 8, gone ? NULL : want, 16);
    }
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    free(keys);
    free(vals);
    free(ops);
    return r;
}

int cf_check_batch_refused(struct cf *t)
{
    int r = CF_FAIL;
    uint8_t *huge = calloc(1, 100000);
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    CF_CHECK(t, huge && db, "setup failed");
    CF_ST(t, cf_put(t, db, "a", 1, "old", 3, 0), BT_OK);
    struct bt_storage_op bad[] = {
        {BT_STORAGE_PUT, (const uint8_t *)"a", 1, (const uint8_t *)"new", 3},
        {BT_STORAGE_PUT, (const uint8_t *)"b", 1, (const uint8_t *)"b", 1},
        {99, (const uint8_t *)"c", 1, NULL, 0},
    };
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = bad, .n_ops = 3};
    bt_status st = t->v->write(t->self, db, &b);
    CF_CHECK(t, st == BT_EINVAL, "a batch with op type 99: %s, expected BT_EINVAL",
             bts_status_str(st));
    CF_EXPECT(t, db, NULL, "a", 1, "old", 3);
    CF_EXPECT(t, db, NULL, "b", 1, NULL, 0);
    /* A key far beyond BT_STORAGE_KEY_MAX: taken, or refused with nothing applied. */
    struct bt_storage_op big[] = {
        {BT_STORAGE_PUT, (const uint8_t *)"c", 1, (const uint8_t *)"c", 1},
        {BT_STORAGE_PUT, huge, 100000, (const uint8_t *)"h", 1},
    };
    b.ops = big;
    b.n_ops = 2;
    st = t->v->write(t->self, db, &b);
    CF_CHECK(t, st == BT_OK || st == BT_EINVAL, "a 100000-byte key: %s", bts_status_str(st));
    CF_EXPECT(t, db, NULL, "c", 1, st == BT_OK ? "c" : NULL, 1);
    if (st == BT_OK)
        CF_EXPECT(t, db, NULL, huge, 100000, "h", 1);
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    free(huge);
    return r;
}

enum { ATOM_KEYS = 200, ATOM_GENS = 60 };

struct atom_ctx {
    struct cf *t;
    struct bt_storage_db *db;
    atomic_int done;
    atomic_int err;
};

static void *atom_writer(void *arg)
{
    struct atom_ctx *a = arg;
    struct bt_storage_op ops[ATOM_KEYS];
    uint8_t keys[ATOM_KEYS][8], vals[ATOM_KEYS][16];
    for (uint32_t gen = 1; gen <= ATOM_GENS && !atomic_load(&a->err); gen++) {
        for (uint32_t i = 0; i < ATOM_KEYS; i++) {
            cf_key(keys[i], i);
            cf_val(vals[i], i, gen);
            ops[i] = (struct bt_storage_op){BT_STORAGE_PUT, keys[i], 8, vals[i], 16};
        }
        struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = ops, .n_ops = ATOM_KEYS};
        if (a->t->v->write(a->t->self, a->db, &b) != BT_OK)
            atomic_store(&a->err, 1);
    }
    atomic_store(&a->done, 1);
    return NULL;
}

/* One pass through an implicit-snapshot iterator: every key present with one generation. */
static int atom_scan(struct atom_ctx *a, uint32_t *out_gen)
{
    struct cf *t = a->t;
    struct bt_storage_iter *it = NULL;
    uint32_t n = 0, gen = UINT32_MAX;
    CF_ST(t, t->v->iter_new(t->self, a->db, NULL, NULL, &it), BT_OK);
    for (t->v->iter_seek(it, NULL, 0); t->v->iter_valid(it); t->v->iter_next(it), n++) {
        const uint8_t *k, *v;
        size_t kl, vl;
        t->v->iter_entry(it, &k, &kl, &v, &vl);
        CF_CHECK(t, vl == 16, "value of %zu bytes", vl);
        uint32_t g = (uint32_t)v[4] << 24 | (uint32_t)v[5] << 16 | (uint32_t)v[6] << 8 | v[7];
        if (gen == UINT32_MAX)
            gen = g;
        CF_CHECK(t, g == gen,
                 "entry %u of one scan is from batch %u, entry 0 from batch %u: "
                 "a batch was seen half applied",
                 n, g, gen);
    }
    CF_CHECK(t, n == ATOM_KEYS, "scan saw %u keys, expected %u", n, ATOM_KEYS);
    t->v->iter_free(it);
    *out_gen = gen;
    return 1;
fail:
    t->v->iter_free(it);
    return 0;
}

int cf_check_batch_atomic_concurrent(struct cf *t)
{
    int r = CF_FAIL, started = 0;
    struct atom_ctx a = {.t = t};
    pthread_t th;
    a.db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!a.db)
        return CF_FAIL;
    for (uint32_t i = 0; i < ATOM_KEYS; i++) {
        uint8_t k[8], v[16];
        cf_key(k, i);
        cf_val(v, i, 0);
        CF_ST(t, cf_put(t, a.db, k, 8, v, 16, 0), BT_OK);
    }
    CF_CHECK(t, pthread_create(&th, NULL, atom_writer, &a) == 0, "pthread_create");
    started = 1;
    uint32_t scans = 0, last = 0;
    while (!atomic_load(&a.done) || scans < 3) {
        uint32_t gen;
        CF_CHECK(t, atom_scan(&a, &gen), "scan %u", scans);
        CF_CHECK(t, gen >= last, "generation went back from %u to %u", last, gen);
        last = gen;
        /* Point reads through one snapshot agree too. */
        struct bt_storage_snapshot *s = NULL;
        CF_ST(t, t->v->snapshot_new(t->self, a.db, &s), BT_OK);
        uint8_t k0[8], k1[8];
        struct bt_value v0, v1;
        cf_key(k0, 0);
        cf_key(k1, ATOM_KEYS - 1);
        bt_status s0 = t->v->get(t->self, a.db, s, k0, 8, &v0);
        bt_status s1 = t->v->get(t->self, a.db, s, k1, 8, &v1);
        int same = s0 == BT_OK && s1 == BT_OK && memcmp(v0.data + 4, v1.data + 4, 4) == 0;
        if (s0 == BT_OK && v0.release)
            v0.release(&v0);
        if (s1 == BT_OK && v1.release)
            v1.release(&v1);
        t->v->snapshot_free(t->self, a.db, s);
        CF_CHECK(t, same, "first and last key read through one snapshot differ in batch");
        scans++;
    }
    CF_CHECK(t, !atomic_load(&a.err), "a concurrent write failed");
    r = CF_PASS;
fail:
    atomic_store(&a.err, 1);
    if (started)
        pthread_join(th, NULL);
    t->v->close(t->self, a.db);
    return r;
}

int cf_check_delete(struct cf *t)
{
    int r = CF_FAIL;
    struct bt_storage_snapshot *s = NULL;
    struct bt_storage_iter *it = NULL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    CF_ST(t, cf_put(t, db, "k1", 2, "1", 1, 0), BT_OK);
    CF_ST(t, cf_put(t, db, "k2", 2, "2", 1, 0), BT_OK);
    CF_ST(t, cf_put(t, db, "k3", 2, "3", 1, 0), BT_OK);
    CF_ST(t, t->v->snapshot_new(t->self, db, &s), BT_OK);
    CF_ST(t, cf_del(t, db, "k2", 2), BT_OK);
    CF_EXPECT(t, db, NULL, "k2", 2, NULL, 0);
    CF_EXPECT(t, db, s, "k2", 2, "2", 1);
    CF_ST(t, cf_del(t, db, "k2", 2), BT_OK);
    CF_ST(t, cf_del(t, db, "nope", 4), BT_OK);
    CF_ST(t, t->v->iter_new(t->self, db, NULL, NULL, &it), BT_OK);
    const uint8_t *k, *v;
    size_t kl, vl;
    t->v->iter_seek(it, (const uint8_t *)"k2", 2);
    CF_CHECK(t, t->v->iter_valid(it), "seek onto a deleted key finds nothing");
    t->v->iter_entry(it, &k, &kl, &v, &vl);
    CF_CHECK(t, kl == 2 && memcmp(k, "k3", 2) == 0, "seek onto a deleted key must land after it");
    t->v->iter_prev(it);
    CF_CHECK(t, t->v->iter_valid(it), "prev lost");
    t->v->iter_entry(it, &k, &kl, &v, &vl);
    CF_CHECK(t, kl == 2 && memcmp(k, "k1", 2) == 0, "prev must skip the deleted key");
    t->v->iter_seek_prev(it, (const uint8_t *)"k2", 2);
    t->v->iter_entry(it, &k, &kl, &v, &vl);
    CF_CHECK(t, t->v->iter_valid(it) && kl == 2 && memcmp(k, "k1", 2) == 0,
             "seek_prev onto a deleted key must land before it");
    t->v->iter_free(it);
    it = NULL;
    CF_ST(t, cf_put(t, db, "k2", 2, "again", 5, 0), BT_OK);
    CF_EXPECT(t, db, NULL, "k2", 2, "again", 5);
    CF_EXPECT(t, db, s, "k2", 2, "2", 1);
    r = CF_PASS;
fail:
    t->v->iter_free(it);
    if (s)
        t->v->snapshot_free(t->self, db, s);
    t->v->close(t->self, db);
    return r;
}
