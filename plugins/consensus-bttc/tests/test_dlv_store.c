/* Delivery state store (delivery/dlv_kv.h, dlv_state.h): the in-memory store, the block and tx
 * overlays (reads, tombstones, merged iteration, abort), the change digest, the record
 * encodings and their refusal of corrupt bytes, and an app refusing a corrupt store. */
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

#include "dlv_app.h"
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

BTS_TEST_SUITE("dlv_store", NULL, NULL, BTS_TEST(test_dlv_store_memkv),
               BTS_TEST(test_dlv_store_overlays), BTS_TEST(test_dlv_store_encodings),
               BTS_TEST(test_dlv_store_corrupt_meta_refused));
