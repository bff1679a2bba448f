/* storage-lmdb: the storage conformance suite against the built .so (with the default map and
 * with a 1 MiB map that must grow), config parsing, and growth under open readers. */
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

static void test_storage_lmdb_descriptor(void)
{
    CU_ASSERT_EQUAL(plug.desc->kind, BT_KIND_STORAGE);
    CU_ASSERT_STRING_EQUAL(plug.desc->name, "storage-lmdb");
    CU_ASSERT(plug.desc->flags & BT_PLUGIN_F_UNLOAD_SAFE);
}

static void test_storage_lmdb_conform(void)
{
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run_scratch(plug.vtbl, plug.self, plug.mock, "lmdb",
                                                    BTS_CONFORM_STORAGE_PERSISTENT, &r),
                    BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    CU_ASSERT_EQUAL(r.n_skipped, 0);
}

static void test_storage_lmdb_conf_refuses_bad_values(void)
{
    struct bts_mockhost *m;
    void *s;
    CU_ASSERT_EQUAL(bts_conform_storage_create(&plug, "map_size_mb", "0", &m, &s), BT_EINVAL);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m),
                           "plugins.conf:2: map_size_mb: out of range 1..67108864: \"0\"");
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(bts_conform_storage_create(&plug, "map_size_mb", "12x", &m, &s), BT_EINVAL);
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(bts_conform_storage_create(&plug, "no_sync", "maybe", &m, &s), BT_EINVAL);
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL_FATAL(bts_conform_storage_create(&plug, "no_sync", "yes", &m, &s), BT_OK);
    plug.desc->destroy(s);
    bts_mockhost_free(m);
}

/* The whole suite again with a 1 MiB map: every large value and busy check forces growth. */
static void test_storage_lmdb_conform_small_map(void)
{
    void *small = NULL;
    struct bts_mockhost *m;
    CU_ASSERT_EQUAL_FATAL(bts_conform_storage_create(&plug, "map_size_mb", "1", &m, &small), BT_OK);
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run_scratch(plug.vtbl, small, m, "lmdb-small",
                                                    BTS_CONFORM_STORAGE_PERSISTENT, &r),
                    BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    plug.desc->destroy(small);
    bts_mockhost_free(m);
}

static void test_storage_lmdb_grows_under_open_iterator(void)
{
    char dir[256], path[300];
    void *small = NULL;
    struct bts_mockhost *m;
    CU_ASSERT_EQUAL_FATAL(bts_conform_storage_create(&plug, "map_size_mb", "1", &m, &small), BT_OK);
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "lmdb-grow") == BT_OK);
    snprintf(path, sizeof(path), "%s/db", dir);
    struct bt_storage_open_opts o = {
        .struct_size = sizeof(o), .path = path, .flags = BT_STORAGE_OPEN_CREATE};
    struct bt_storage_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(plug.vtbl->open(small, &o, &db), BT_OK);
    static uint8_t val[4096];
    struct bt_storage_op op = {BT_STORAGE_PUT, (const uint8_t *)"a", 1, val, sizeof(val)};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = &op, .n_ops = 1};
    CU_ASSERT_EQUAL(plug.vtbl->write(small, db, &b), BT_OK);
    op.key = (const uint8_t *)"b";
    CU_ASSERT_EQUAL(plug.vtbl->write(small, db, &b), BT_OK);
    struct bt_storage_iter *it = NULL;
    CU_ASSERT_EQUAL_FATAL(plug.vtbl->iter_new(small, db, NULL, NULL, &it), BT_OK);
    plug.vtbl->iter_seek(it, NULL, 0);
    CU_ASSERT_FATAL(plug.vtbl->iter_valid(it));
    /* 2000 x 4 KiB = 8 MiB into a 1 MiB map: several remaps while the iterator stands. */
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t k[5] = {'c', (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        op.key = k;
        op.key_len = sizeof(k);
        CU_ASSERT_EQUAL_FATAL(plug.vtbl->write(small, db, &b), BT_OK);
    }
    plug.vtbl->iter_next(it);
    CU_ASSERT_FATAL(plug.vtbl->iter_valid(it));
    const uint8_t *k, *v;
    size_t kl, vl;
    plug.vtbl->iter_entry(it, &k, &kl, &v, &vl);
    CU_ASSERT(kl == 1 && k[0] == 'b' && vl == sizeof(val));
    plug.vtbl->iter_next(it);
    CU_ASSERT_FALSE(plug.vtbl->iter_valid(it)); /* the implicit snapshot predates the 2000 keys */
    CU_ASSERT_EQUAL(plug.vtbl->iter_status(it), BT_OK);
    plug.vtbl->iter_free(it);
    struct bt_storage_stats st = {.struct_size = sizeof(st)};
    CU_ASSERT_EQUAL(plug.vtbl->stats(small, db, &st), BT_OK);
    CU_ASSERT_EQUAL(st.approx_keys, 2002);
    plug.vtbl->close(small, db);
    plug.desc->destroy(small);
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

static void test_storage_lmdb_lock_message_names_path(void)
{
    char dir[256], path[300];
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "lmdb") == BT_OK);
    snprintf(path, sizeof(path), "%s/db", dir);
    struct bt_storage_open_opts o = {
        .struct_size = sizeof(o), .path = path, .flags = BT_STORAGE_OPEN_CREATE};
    struct bt_storage_db *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(plug.vtbl->open(plug.self, &o, &a), BT_OK);
    CU_ASSERT_EQUAL(plug.vtbl->open(plug.self, &o, &b), BT_EBUSY);
    char want[400];
    snprintf(want, sizeof(want), "database %s is already open in this process", path);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(plug.mock), want);
    o.path = "relative/db";
    CU_ASSERT_EQUAL(plug.vtbl->open(plug.self, &o, &b), BT_EINVAL);
    plug.vtbl->close(plug.self, a);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

BTS_TEST_SUITE("storage-lmdb", suite_init, suite_cleanup, BTS_TEST(test_storage_lmdb_descriptor),
               BTS_TEST(test_storage_lmdb_conform),
               BTS_TEST(test_storage_lmdb_conf_refuses_bad_values),
               BTS_TEST(test_storage_lmdb_conform_small_map),
               BTS_TEST(test_storage_lmdb_grows_under_open_iterator),
               BTS_TEST(test_storage_lmdb_lock_message_names_path));
