/* storage-memory: the storage conformance suite against the built .so, plus what is particular
 * to this backend (independent databases per open, exact stats, sweep after snapshots). */
#include <bts/conform_storage.h>
#include <bts/mockhost.h>
#include <bts/test.h>

#include <stdio.h>
#include <string.h>

#include <bt/plugin.h>

static struct bts_conform_storage_plugin plug;

static int suite_init(void)
{
    return bts_conform_storage_load(&plug, STORAGE_PLUGIN_PATH) != BT_OK;
}

static int suite_cleanup(void)
{
    bts_conform_storage_unload(&plug); /* dlcloses only an unload-safe plugin */
    return 0;
}

static void test_storage_memory_descriptor(void)
{
    CU_ASSERT_EQUAL(plug.desc->kind, BT_KIND_STORAGE);
    CU_ASSERT_STRING_EQUAL(plug.desc->name, "storage-memory");
    CU_ASSERT_EQUAL(plug.desc->vtbl_size, sizeof(struct bt_storage_vtbl));
    CU_ASSERT(plug.desc->flags & BT_PLUGIN_F_MULTI_INSTANCE);
}

static void test_storage_memory_conform(void)
{
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(
        bts_conform_storage_run_scratch(plug.vtbl, plug.self, plug.mock, "memory", 0, &r), BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    CU_ASSERT(r.n_passed >= 13);
}

static struct bt_storage_db *open_db(void)
{
    struct bt_storage_open_opts o = {
        .struct_size = sizeof(o), .path = "/nonexistent/x", .flags = BT_STORAGE_OPEN_CREATE};
    struct bt_storage_db *db = NULL;
    CU_ASSERT_EQUAL(plug.vtbl->open(plug.self, &o, &db), BT_OK);
    return db;
}

static bt_status put1(struct bt_storage_db *db, const char *k, const char *v, uint32_t type)
{
    struct bt_storage_op op = {type, (const uint8_t *)k, strlen(k), (const uint8_t *)v,
                               v ? strlen(v) : 0};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = &op, .n_ops = 1};
    return plug.vtbl->write(plug.self, db, &b);
}

static void test_storage_memory_opens_are_independent(void)
{
    struct bt_storage_db *a = open_db(), *b = open_db();
    CU_ASSERT_EQUAL(put1(a, "k", "a", BT_STORAGE_PUT), BT_OK);
    struct bt_value v;
    CU_ASSERT_EQUAL(plug.vtbl->get(plug.self, b, NULL, (const uint8_t *)"k", 1, &v), BT_ENOTFOUND);
    plug.vtbl->close(plug.self, a);
    plug.vtbl->close(plug.self, b);
}

static void test_storage_memory_stats_exact(void)
{
    struct bt_storage_db *db = open_db();
    struct bt_storage_snapshot *s = NULL;
    CU_ASSERT_EQUAL(put1(db, "a", "12345", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "bb", "1", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(plug.vtbl->snapshot_new(plug.self, db, &s), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "a", "1", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "bb", NULL, BT_STORAGE_DELETE), BT_OK);
    struct bt_storage_stats st = {.struct_size = sizeof(st)};
    CU_ASSERT_EQUAL(plug.vtbl->stats(plug.self, db, &st), BT_OK);
    CU_ASSERT_EQUAL(st.approx_keys, 1);
    CU_ASSERT_EQUAL(st.approx_bytes, 2);
    CU_ASSERT_EQUAL(st.disk_bytes, 0);
    /* The snapshot still sees the old values until it is freed; compact keeps them. */
    CU_ASSERT_EQUAL(plug.vtbl->compact(plug.self, db, NULL), BT_OK);
    struct bt_value v;
    CU_ASSERT_EQUAL_FATAL(plug.vtbl->get(plug.self, db, s, (const uint8_t *)"bb", 2, &v), BT_OK);
    CU_ASSERT_EQUAL(v.len, 1);
    v.release(&v);
    plug.vtbl->snapshot_free(plug.self, db, s);
    CU_ASSERT_EQUAL(plug.vtbl->compact(plug.self, db, NULL), BT_OK);
    CU_ASSERT_EQUAL(plug.vtbl->get(plug.self, db, NULL, (const uint8_t *)"bb", 2, &v),
                    BT_ENOTFOUND);
    plug.vtbl->close(plug.self, db);
}

static void test_storage_memory_value_outlives_overwrite(void)
{
    struct bt_storage_db *db = open_db();
    struct bt_value v;
    CU_ASSERT_EQUAL(put1(db, "k", "first", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL_FATAL(plug.vtbl->get(plug.self, db, NULL, (const uint8_t *)"k", 1, &v), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "k", "second", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "k", NULL, BT_STORAGE_DELETE), BT_OK);
    CU_ASSERT(v.len == 5 && memcmp(v.data, "first", 5) == 0);
    v.release(&v);
    plug.vtbl->close(plug.self, db);
}

static void test_storage_memory_readonly_refuses_writes(void)
{
    struct bt_storage_open_opts o = {.struct_size = sizeof(o), .flags = BT_STORAGE_OPEN_READONLY};
    struct bt_storage_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(plug.vtbl->open(plug.self, &o, &db), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "k", "v", BT_STORAGE_PUT), BT_EPERM);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(plug.mock), "database is read-only");
    plug.vtbl->close(plug.self, db);
}

BTS_TEST_SUITE("storage-memory", suite_init, suite_cleanup,
               BTS_TEST(test_storage_memory_descriptor), BTS_TEST(test_storage_memory_conform),
               BTS_TEST(test_storage_memory_opens_are_independent),
               BTS_TEST(test_storage_memory_stats_exact),
               BTS_TEST(test_storage_memory_value_outlives_overwrite),
               BTS_TEST(test_storage_memory_readonly_refuses_writes));
