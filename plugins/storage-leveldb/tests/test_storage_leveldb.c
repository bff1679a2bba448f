/* storage-leveldb: the storage conformance suite against the built .so, plus config parsing
 * and the figures LevelDB gives. */
#include <bts/conform_storage.h>
#include <bts/mockhost.h>
#include <bts/test.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <bt/plugin.h>

static struct bts_mockhost *mock;

static const char *mock_error(void *arg)
{
    return bts_mockhost_error(arg);
}

/* A second instance, configured with key = value (key NULL: defaults). */
static bt_status create_with(const char *key, const char *value, struct bts_mockhost **out_m,
                             void **out_self);

static void *dl;
static const struct bt_plugin_desc *desc;
static const struct bt_storage_vtbl *vt;
static void *self;

static int suite_init(void)
{
    dl = dlopen(STORAGE_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    bt_plugin_query_fn q = (bt_plugin_query_fn)dlsym(dl, BT_PLUGIN_QUERY_SYMBOL);
    desc = q ? q() : NULL;
    if (!desc)
        return 1;
    vt = desc->vtbl;
    mock = bts_mockhost_new();
    bts_mockhost_use_conf(mock);
    return desc->create(bts_mockhost_host(mock), bts_mockhost_ctx(mock), &self) != BT_OK;
}

static bt_status create_with(const char *key, const char *value, struct bts_mockhost **out_m,
                             void **out_self)
{
    *out_self = NULL;
    *out_m = bts_mockhost_new();
    bts_mockhost_use_conf(*out_m);
    if (key)
        bts_mockhost_conf_set(*out_m, key, value);
    return desc->create(bts_mockhost_host(*out_m), bts_mockhost_ctx(*out_m), out_self);
}

static int suite_cleanup(void)
{
    if (desc)
        desc->destroy(self);
    bts_mockhost_free(mock);
    /* LevelDB's Env thread stays: never dlclose (the descriptor says not unload-safe). */
    return 0;
}

static void test_storage_leveldb_descriptor(void)
{
    CU_ASSERT_EQUAL(desc->kind, BT_KIND_STORAGE);
    CU_ASSERT_STRING_EQUAL(desc->name, "storage-leveldb");
    CU_ASSERT_FALSE(desc->flags & BT_PLUGIN_F_UNLOAD_SAFE);
}

static void test_storage_leveldb_conform(void)
{
    char dir[256];
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "leveldb") == BT_OK);
    struct bts_conform_storage c = {.vtbl = vt,
                                    .self = self,
                                    .scratch_dir = dir,
                                    .flags = BTS_CONFORM_STORAGE_PERSISTENT,
                                    .last_error = mock_error,
                                    .arg = mock};
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run(&c, NULL, &r), BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    CU_ASSERT_EQUAL(r.n_skipped, 0);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

static void test_storage_leveldb_conf_refuses_bad_values(void)
{
    struct bts_mockhost *m;
    void *s;
    CU_ASSERT_EQUAL(create_with("compression", "zstd", &m, &s), BT_EINVAL);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(m), "plugins.conf:2: compression"));
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(create_with("cache_mb", "12x", &m, &s), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(m), "cache_mb"));
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(create_with("cache_size", "8", &m, &s), BT_EINVAL); /* unknown key */
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL_FATAL(create_with("compression", "none", &m, &s), BT_OK);
    desc->destroy(s);
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
    CU_ASSERT_EQUAL_FATAL(vt->open(self, &o, &a), BT_OK);
    CU_ASSERT_EQUAL(vt->open(self, &o, &b), BT_EBUSY);
    char want[400];
    snprintf(want, sizeof(want), "database %s is already open in this process", path);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(mock), want);
    o.path = "relative/db";
    CU_ASSERT_EQUAL(vt->open(self, &o, &b), BT_EINVAL);
    vt->close(self, a);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

BTS_TEST_SUITE("storage-leveldb", suite_init, suite_cleanup,
               BTS_TEST(test_storage_leveldb_descriptor), BTS_TEST(test_storage_leveldb_conform),
               BTS_TEST(test_storage_leveldb_conf_refuses_bad_values),
               BTS_TEST(test_storage_leveldb_lock_message_names_path));
