/* Delivery state store (delivery/dlv_kv.h, dlv_state.h): the in-memory store, the block and tx
 * overlays (reads, tombstones, merged iteration, abort), the change digest, the record
 * encodings and their refusal of corrupt bytes, and an app refusing a corrupt store. */
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

#include "dlv_app.h"
#include "dlv_kv_storage.h"
#include "dlv_state.h"

static int count_visit(void *arg, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    (void)k;
    (void)kl;
    (void)v;
    (void)vl;
    (*(int *)arg)++;
    return 0;
}

static void test_dlv_store_memkv(void)
{
    struct dlv_memkv *m;
    CU_ASSERT_EQUAL_FATAL(dlv_memkv_new(&m), BT_OK);
    const struct dlv_kv_iface *kv = dlv_memkv_iface();
    struct dlv_kv_op ops[3] = {
        {(const uint8_t *)"app/b", 5, (const uint8_t *)"2", 1},
        {(const uint8_t *)"app/a", 5, (const uint8_t *)"", 0},
        {(const uint8_t *)"other", 5, (const uint8_t *)"x", 1},
    };
    CU_ASSERT_EQUAL(kv->write(m, ops, 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_memkv_count(m), 3);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(kv->get(m, (const uint8_t *)"app/b", 5, &b), BT_OK);
    CU_ASSERT_EQUAL(b.len, 1);
    CU_ASSERT_EQUAL(kv->get(m, (const uint8_t *)"app/c", 5, &b), BT_ENOTFOUND);
    int n = 0;
    CU_ASSERT_EQUAL(kv->iterate(m, (const uint8_t *)"app/", 4, count_visit, &n), BT_OK);
    CU_ASSERT_EQUAL(n, 2);
    struct dlv_kv_op del = {(const uint8_t *)"app/a", 5, NULL, 0};
    dlv_memkv_fail_writes(m, 1);
    CU_ASSERT_EQUAL(kv->write(m, &del, 1), BT_EIO);
    CU_ASSERT_EQUAL(dlv_memkv_count(m), 3);
    CU_ASSERT_EQUAL(kv->write(m, &del, 1), BT_OK);
    CU_ASSERT_EQUAL(dlv_memkv_count(m), 2);
    bts_buf_free(&b);
    dlv_memkv_free(m);
}

static void test_dlv_store_overlays(void)
{
    struct dlv_memkv *m;
    CU_ASSERT_EQUAL_FATAL(dlv_memkv_new(&m), BT_OK);
    struct dlv_state s;
    CU_ASSERT_EQUAL_FATAL(dlv_state_load(&s, dlv_memkv_iface(), m), BT_OK);
    struct dlv_key k1, k2, p;
    dlv_key_init(&k1, DLV_T_SPAN);
    dlv_key_u64(&k1, 1);
    dlv_key_init(&k2, DLV_T_SPAN);
    dlv_key_u64(&k2, 2);
    dlv_key_init(&p, DLV_T_SPAN);
    const uint8_t *v;
    size_t vl;
    CU_ASSERT_EQUAL(dlv_state_put(&s, &k1, (const uint8_t *)"one", 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_state_get(&s, &k1, &v, &vl), BT_OK);
    dlv_state_tx_abort(&s);
    CU_ASSERT_EQUAL(dlv_state_get(&s, &k1, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(dlv_state_put(&s, &k1, (const uint8_t *)"one", 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_state_put(&s, &k2, (const uint8_t *)"two", 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_state_tx_commit(&s), BT_OK);
    uint8_t d1[32], d2[32];
    dlv_state_block_digest(&s, d1);
    CU_ASSERT_EQUAL(dlv_state_block_commit(&s, NULL, 0, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL(dlv_memkv_count(m), 2);
    CU_ASSERT_EQUAL(dlv_state_get_committed(&s, &k2, &v, &vl), BT_OK);
    /* Delete in the tx overlay shadows the committed value in reads and iteration. */
    CU_ASSERT_EQUAL(dlv_state_del(&s, &k1), BT_OK);
    CU_ASSERT_EQUAL(dlv_state_get(&s, &k1, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(dlv_state_get_committed(&s, &k1, &v, &vl), BT_OK);
    int n = 0;
    CU_ASSERT_EQUAL(dlv_state_iter(&s, &p, 0, count_visit, &n), BT_OK);
    CU_ASSERT_EQUAL(n, 1);
    n = 0;
    CU_ASSERT_EQUAL(dlv_state_iter(&s, &p, 1, count_visit, &n), BT_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(dlv_state_tx_commit(&s), BT_OK);
    dlv_state_block_digest(&s, d2);
    CU_ASSERT(memcmp(d1, d2, 32) != 0);
    /* A failing store keeps the committed copy unchanged. */
    dlv_memkv_fail_writes(m, 1);
    CU_ASSERT_EQUAL(dlv_state_block_commit(&s, NULL, 0, NULL, NULL), BT_EIO);
    CU_ASSERT_EQUAL(dlv_state_get_committed(&s, &k1, &v, &vl), BT_OK);
    CU_ASSERT_EQUAL(dlv_state_block_commit(&s, NULL, 0, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL(dlv_state_get_committed(&s, &k1, &v, &vl), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(dlv_memkv_count(m), 1);
    dlv_state_free(&s);
    /* Reload sees what was written. */
    CU_ASSERT_EQUAL_FATAL(dlv_state_load(&s, dlv_memkv_iface(), m), BT_OK);
    CU_ASSERT_EQUAL(dlv_state_get(&s, &k2, &v, &vl), BT_OK);
    CU_ASSERT_EQUAL(vl, 3);
    dlv_state_free(&s);
    dlv_memkv_free(m);
}

static void test_dlv_store_encodings(void)
{
    struct dlv_validator v, w;
    memset(&v, 0, sizeof v);
    v.id = 9;
    v.power = 1;
    v.end_epoch = 4;
    v.pub_key[0] = 4;
    v.signer[19] = 7;
    strcpy(v.last_updated, "50000003");
    v.jailed = 1;
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(dlv_validator_encode(&b, &v), BT_OK);
    memset(&w, 0, sizeof w);
    CU_ASSERT_EQUAL(dlv_validator_decode(&w, b.data, b.len), BT_OK);
    CU_ASSERT(memcmp(&v, &w, sizeof v) == 0); /* both zero-filled before */
    for (size_t cut = 0; cut < b.len; cut += 7)
        CU_ASSERT_EQUAL(dlv_validator_decode(&w, b.data, cut), BT_EIO);
    bts_buf_reset(&b);
    struct bts_valset s, t;
    bts_valset_init(&s);
    bts_valset_init(&t);
    struct bts_validator list[3] = {{{1}, 1, 0}, {{2}, 1, 0}, {{3}, 2, 0}};
    CU_ASSERT_EQUAL(bts_valset_new(&s, list, 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_valset_encode(&b, &s), BT_OK);
    CU_ASSERT_EQUAL(dlv_valset_decode(&t, b.data, b.len), BT_OK);
    CU_ASSERT_EQUAL(t.n, 3);
    CU_ASSERT_EQUAL(t.total, 4);
    CU_ASSERT_EQUAL(t.v[2].priority, s.v[2].priority);
    CU_ASSERT_EQUAL(dlv_valset_decode(&t, b.data, b.len - 1), BT_EIO);
    bts_valset_free(&s);
    bts_valset_free(&t);
    bts_buf_reset(&b);
    struct dlv_record r, q;
    memset(&r, 0, sizeof r);
    r.id = 3;
    r.data = (uint8_t *)"xyz";
    r.data_len = 3;
    r.root = DLV_ROOT_BSC;
    strcpy(r.bor_chain_id, "199");
    r.record_time_ms = 123456;
    CU_ASSERT_EQUAL(dlv_record_encode(&b, &r), BT_OK);
    CU_ASSERT_EQUAL(dlv_record_decode(&q, b.data, b.len), BT_OK);
    CU_ASSERT_EQUAL(q.data_len, 3);
    CU_ASSERT(memcmp(q.data, "xyz", 3) == 0);
    CU_ASSERT_EQUAL(q.root, DLV_ROOT_BSC);
    CU_ASSERT_EQUAL(q.record_time_ms, 123456);
    dlv_record_free(&q);
    CU_ASSERT_EQUAL(dlv_record_decode(&q, b.data, b.len + 0 - 2), BT_EIO);
    dlv_record_free(&q);
    bts_buf_free(&b);
}

static void test_dlv_store_corrupt_meta_refused(void)
{
    struct dlv_memkv *m;
    CU_ASSERT_EQUAL_FATAL(dlv_memkv_new(&m), BT_OK);
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_META);
    struct dlv_kv_op op = {k.b, k.n, (const uint8_t *)"short", 5};
    CU_ASSERT_EQUAL(dlv_memkv_iface()->write(m, &op, 1), BT_OK);
    struct dlv_application *a = NULL;
    struct dlv_app_config cfg = {dlv_memkv_iface(), m, NULL, NULL, NULL, NULL};
    CU_ASSERT_EQUAL(dlv_app_open(&a, &cfg), BT_EIO);
    CU_ASSERT_PTR_NULL(a);
    dlv_memkv_free(m);
}

/* A storage service over an in-memory store, as the host's proxy would serve the plugin's
 * namespace (abi/bt/storage_service.h). */
struct fake_iter {
    uint8_t **k, **v;
    size_t *kl, *vl;
    size_t n, pos;
};

static void release_value(struct bt_value *v)
{
    free(v->opaque);
}

static bt_status fs_get(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                        const uint8_t *key, size_t key_len, struct bt_value *out)
{
    (void)h;
    (void)snap;
    struct bts_buf b;
    bts_buf_init(&b);
    bt_status st = dlv_memkv_iface()->get(self, key, key_len, &b);
    if (st != BT_OK) {
        bts_buf_free(&b);
        return st;
    }
    size_t n;
    out->opaque = bts_buf_detach(&b, &n);
    out->data = out->opaque;
    out->len = n;
    out->release = release_value;
    return BT_OK;
}

static bt_status fs_write(void *self, struct bt_host_ctx *h, const struct bt_storage_batch *b)
{
    (void)h;
    struct dlv_kv_op ops[64];
    CU_ASSERT_FATAL(b->n_ops <= 64);
    CU_ASSERT(b->flags & BT_STORAGE_SYNC);
    for (size_t i = 0; i < b->n_ops; i++)
        ops[i] = (struct dlv_kv_op){b->ops[i].key, b->ops[i].key_len,
                                    b->ops[i].type == BT_STORAGE_PUT
                                        ? (b->ops[i].value ? b->ops[i].value : (const uint8_t *)"")
                                        : NULL,
                                    b->ops[i].value_len};
    return dlv_memkv_iface()->write(self, ops, b->n_ops);
}

struct collect {
    struct fake_iter *it;
    const struct bt_storage_range *r;
};

static int fs_collect(void *arg, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    struct collect *c = arg;
    struct fake_iter *it = c->it;
    if (c->r->upper && dlv_key_cmp(k, kl, c->r->upper, c->r->upper_len) >= 0)
        return 1;
    it->k = realloc(it->k, (it->n + 1) * sizeof *it->k);
    it->v = realloc(it->v, (it->n + 1) * sizeof *it->v);
    it->kl = realloc(it->kl, (it->n + 1) * sizeof *it->kl);
    it->vl = realloc(it->vl, (it->n + 1) * sizeof *it->vl);
    it->k[it->n] = malloc(kl + 1);
    memcpy(it->k[it->n], k, kl);
    it->v[it->n] = malloc(vl + 1);
    if (vl)
        memcpy(it->v[it->n], v, vl);
    it->kl[it->n] = kl;
    it->vl[it->n] = vl;
    it->n++;
    return 0;
}

static bt_status fs_iter_new(void *self, struct bt_host_ctx *h,
                             const struct bt_storage_svc_snap *snap,
                             const struct bt_storage_range *range, struct bt_storage_svc_iter **out)
{
    (void)h;
    (void)snap;
    struct fake_iter *it = calloc(1, sizeof *it);
    struct collect c = {it, range};
    /* Everything from the lower bound on (memkv iterates by prefix: use the empty prefix). */
    CU_ASSERT_EQUAL(dlv_memkv_iface()->iterate(self, (const uint8_t *)"", 0, fs_collect, &c),
                    BT_OK);
    it->pos = it->n;
    *out = (struct bt_storage_svc_iter *)it;
    return BT_OK;
}

static bt_status fs_seek(struct bt_storage_svc_iter *i, const uint8_t *key, size_t key_len)
{
    struct fake_iter *it = (struct fake_iter *)i;
    it->pos = 0;
    while (it->pos < it->n && dlv_key_cmp(it->k[it->pos], it->kl[it->pos], key, key_len) < 0)
        it->pos++;
    return BT_OK;
}

static bt_status fs_next(struct bt_storage_svc_iter *i)
{
    struct fake_iter *it = (struct fake_iter *)i;
    if (it->pos < it->n)
        it->pos++;
    return BT_OK;
}

static int fs_valid(struct bt_storage_svc_iter *i)
{
    struct fake_iter *it = (struct fake_iter *)i;
    return it->pos < it->n;
}

static bt_status fs_entry(struct bt_storage_svc_iter *i, const uint8_t **k, size_t *kl,
                          const uint8_t **v, size_t *vl)
{
    struct fake_iter *it = (struct fake_iter *)i;
    *k = it->k[it->pos];
    *kl = it->kl[it->pos];
    *v = it->v[it->pos];
    *vl = it->vl[it->pos];
    return BT_OK;
}

static bt_status fs_status(struct bt_storage_svc_iter *i)
{
    (void)i;
    return BT_OK;
}

static void fs_free(struct bt_storage_svc_iter *i)
{
    struct fake_iter *it = (struct fake_iter *)i;
    for (size_t j = 0; j < it->n; j++) {
        free(it->k[j]);
        free(it->v[j]);
    }
    free(it->k);
    free(it->v);
    free(it->kl);
    free(it->vl);
    free(it);
}

static void test_dlv_store_over_storage_service(void)
{
    struct dlv_memkv *m;
    CU_ASSERT_EQUAL_FATAL(dlv_memkv_new(&m), BT_OK);
    struct bt_storage_svc svc;
    memset(&svc, 0, sizeof svc);
    svc.struct_size = sizeof svc;
    svc.get = fs_get;
    svc.write = fs_write;
    svc.iter_new = fs_iter_new;
    svc.iter_seek = fs_seek;
    svc.iter_next = fs_next;
    svc.iter_valid = fs_valid;
    svc.iter_entry = fs_entry;
    svc.iter_status = fs_status;
    svc.iter_free = fs_free;
    struct dlv_kv_storage ks = {&svc, m, NULL};
    const struct dlv_kv_iface *kv = dlv_kv_storage_iface();
    struct dlv_kv_op ops[3] = {
        {(const uint8_t *)"app/\x01", 5, (const uint8_t *)"a", 1},
        {(const uint8_t *)"app/\xff", 5, (const uint8_t *)"b", 1},
        {(const uint8_t *)"apq", 3, (const uint8_t *)"c", 1},
    };
    CU_ASSERT_EQUAL(kv->write(&ks, ops, 3), BT_OK);
    int n = 0;
    CU_ASSERT_EQUAL(kv->iterate(&ks, (const uint8_t *)"app/", 4, count_visit, &n), BT_OK);
    CU_ASSERT_EQUAL(n, 2);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(kv->get(&ks, (const uint8_t *)"apq", 3, &b), BT_OK);
    CU_ASSERT_EQUAL(b.len, 1);
    CU_ASSERT_EQUAL(kv->get(&ks, (const uint8_t *)"zzz", 3, &b), BT_ENOTFOUND);
    bts_buf_free(&b);
    struct dlv_kv_op del = {(const uint8_t *)"apq", 3, NULL, 0};
    CU_ASSERT_EQUAL(kv->write(&ks, &del, 1), BT_OK);
    CU_ASSERT_EQUAL(dlv_memkv_count(m), 2);
    /* A state written through it loads back through it. */
    struct dlv_state s;
    CU_ASSERT_EQUAL_FATAL(dlv_state_load(&s, kv, &ks), BT_OK);
    CU_ASSERT_EQUAL(s.committed.n, 2);
    dlv_state_free(&s);
    dlv_memkv_free(m);
}

BTS_TEST_SUITE("dlv_store", NULL, NULL, BTS_TEST(test_dlv_store_memkv),
               BTS_TEST(test_dlv_store_overlays), BTS_TEST(test_dlv_store_encodings),
               BTS_TEST(test_dlv_store_corrupt_meta_refused),
               BTS_TEST(test_dlv_store_over_storage_service));
