/* storage-leveldb: the storage conformance suite against the built .so, plus config parsing
 * and the figures LevelDB gives. */
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

static void test_storage_leveldb_descriptor(void)
{
    CU_ASSERT_EQUAL(plug.desc->kind, BT_KIND_STORAGE);
    CU_ASSERT_STRING_EQUAL(plug.desc->name, "storage-leveldb");
    CU_ASSERT_FALSE(plug.desc->flags & BT_PLUGIN_F_UNLOAD_SAFE);
}

static void test_storage_leveldb_conform(void)
{
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run_scratch(plug.vtbl, plug.self, plug.mock, "leveldb",
                                                    BTS_CONFORM_STORAGE_PERSISTENT, &r),
                    BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    CU_ASSERT_EQUAL(r.n_skipped, 0);
}

static void test_storage_leveldb_conf_refuses_bad_values(void)
{
    struct bts_mockhost *m;
    void *s;
    CU_ASSERT_EQUAL(bts_conform_storage_create(&plug, "compression", "zstd", &m, &s), BT_EINVAL);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(m), "plugins.conf:2: compression"));
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(bts_conform_storage_create(&plug, "cache_mb", "12x", &m, &s), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(m), "cache_mb"));
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(bts_conform_storage_create(&plug, "cache_size", "8", &m, &s),
                    BT_EINVAL); /* unknown key */
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL_FATAL(bts_conform_storage_create(&plug, "compression", "none", &m, &s), BT_OK);
    plug.desc->destroy(s);
    bts_mockhost_free(m);
}

static void test_storage_leveldb_lock_message_names_path(void)
{
    char dir[256], path[300];
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "leveldb") == BT_OK);
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

BTS_TEST_SUITE("storage-leveldb", suite_init, suite_cleanup,
               BTS_TEST(test_storage_leveldb_descriptor), BTS_TEST(test_storage_leveldb_conform),
               BTS_TEST(test_storage_leveldb_conf_refuses_bad_values),
               BTS_TEST(test_storage_leveldb_lock_message_names_path));
