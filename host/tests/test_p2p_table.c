/* The discovery table (host/net/p2p/table.c): bucket of a node by log distance (16 buckets,
 * nearer distances folded into the first), 16 entries a bucket with the live ones kept when
 * full, refresh of an entry's endpoint, removal, closest-first order, the entry to revalidate. */
#include "table_int.h"

#include <bts/test.h>

#include <string.h>

#include <bts/discv4.h>
#include <bts/keccak.h>

static const uint8_t self[64] = {1, 2, 3};

/* A node id (not necessarily a curve point: the table does not care) derived from i. */
static void node_of(struct bts_enode *n, uint32_t i)
{
    memset(n, 0, sizeof(*n));
    uint8_t seed[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
    bts_keccak256(n->id, seed, 4);
    bts_keccak256(n->id + 32, n->id, 32);
    n->ip_len = 4;
    n->ip[0] = 127;
    n->ip[3] = 1;
    n->udp_port = n->tcp_port = (uint16_t)(1000 + i);
}

static void test_p2p_table_buckets(void)
{
    static struct table t;
    table_init(&t, self);
    for (uint32_t i = 0; i < 200; i++) {
        struct bts_enode n;
        node_of(&n, i);
        unsigned d = bts_discv4_log_distance(self, n.id);
        size_t b = table_bucket_of(&t, n.id);
        CU_ASSERT(b < TABLE_BUCKETS);
        size_t want = d > 256 - TABLE_BUCKETS ? d - (256 - TABLE_BUCKETS) - 1 : 0;
        CU_ASSERT_EQUAL(b, want);
    }
}

static void test_p2p_table_add_full_remove(void)
{
    static struct table t;
    table_init(&t, self);
    size_t added = 0, full = 0;
    for (uint32_t i = 0; i < 2000; i++) {
        struct bts_enode n;
        node_of(&n, i);
        int r = table_add(&t, &n, 1000 + i);
        added += r == 1;
        full += r == -1;
    }
    CU_ASSERT_EQUAL(table_size(&t), added);
    CU_ASSERT(full > 0); /* half the ids fall in the last bucket: it fills up */
    CU_ASSERT(added <= TABLE_BUCKETS * TABLE_BUCKET_SIZE);
    for (size_t b = 0; b < TABLE_BUCKETS; b++)
        CU_ASSERT(t.count[b] <= TABLE_BUCKET_SIZE);
    /* Refresh: same id, new endpoint. */
    struct bts_enode n;
    node_of(&n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(table_find(&t, n.id));
    n.udp_port = 4242;
    CU_ASSERT_EQUAL(table_add(&t, &n, 99999), 0);
    CU_ASSERT_EQUAL(table_find(&t, n.id)->n.udp_port, 4242);
    size_t before = table_size(&t);
    CU_ASSERT_EQUAL(table_remove(&t, n.id), 1);
    CU_ASSERT_EQUAL(table_remove(&t, n.id), 0);
    CU_ASSERT_EQUAL(table_size(&t), before - 1);
    CU_ASSERT_PTR_NULL(table_find(&t, n.id));
    /* Ourselves: never added. */
    struct bts_enode me = {0};
    memcpy(me.id, self, 64);
    CU_ASSERT_EQUAL(table_add(&t, &me, 1), -1);
}

static void test_p2p_table_closest_and_check(void)
{
    static struct table t;
    table_init(&t, self);
    for (uint32_t i = 0; i < 100; i++) {
        struct bts_enode n;
        node_of(&n, i);
        (void)table_add(&t, &n, 5000 - i); /* node 99 was checked longest ago */
    }
    struct bts_enode target, out[16];
    node_of(&target, 7);
    size_t k = table_closest(&t, target.id, out, 16);
    CU_ASSERT_EQUAL(k, 16);
    CU_ASSERT_EQUAL(memcmp(out[0].id, target.id, 64), 0); /* distance 0 first */
    uint8_t th[32], prev[32], cur[32], h[32];
    bts_keccak256(th, target.id, 64);
    memset(prev, 0, 32);
    for (size_t i = 0; i < k; i++) {
        bts_keccak256(h, out[i].id, 64);
        for (int j = 0; j < 32; j++)
            cur[j] = h[j] ^ th[j];
        CU_ASSERT(memcmp(prev, cur, 32) <= 0);
        memcpy(prev, cur, 32);
    }
    struct table_entry *e = table_to_check(&t, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    size_t b = table_bucket_of(&t, e->n.id);
    for (size_t i = 0; i < t.count[b]; i++)
        CU_ASSERT(t.b[b][i].checked_ms >= e->checked_ms);
    static struct table empty;
    table_init(&empty, self);
    CU_ASSERT_PTR_NULL(table_to_check(&empty, 3));
    CU_ASSERT_EQUAL(table_closest(&empty, target.id, out, 16), 0);
}

BTS_TEST_SUITE("p2p_table", NULL, NULL, BTS_TEST(test_p2p_table_buckets),
               BTS_TEST(test_p2p_table_add_full_remove),
               BTS_TEST(test_p2p_table_closest_and_check));
