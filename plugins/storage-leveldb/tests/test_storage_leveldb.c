/* storage-leveldb: the storage conformance suite against the built .so, plus config parsing
 * and the figures LevelDB gives. */
#include <bts/conform_storage.h>
#include <bts/test.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bt/plugin.h>

/* FIXME: a stand-in until sdk/mockhost lands on main; then bts_mockhost replaces it. */
static char th_err[1024];
static const char *th_conf_key, *th_conf_value;
static void th_set_error(struct bt_host_ctx *h, const char *fmt, ...)
{
    (void)h;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(th_err, sizeof(th_err), fmt, ap);
    va_end(ap);
}
static const char *th_last_error(void *arg)
{
    (void)arg;
    return th_err;
}
static bt_status th_conf_get(struct bt_host_ctx *h, const char *key, struct bt_conf_entry *out)
{
    (void)h;
    *out = (struct bt_conf_entry){0};
    if (!th_conf_key || strcmp(key, th_conf_key) != 0)
        return BT_ENOTFOUND;
    *out = (struct bt_conf_entry){key, th_conf_value, "plugins.conf", 2};
    return BT_OK;
}
static const struct bt_host th_host = {
    .struct_size = sizeof(struct bt_host), .set_error = th_set_error, .conf_get = th_conf_get};

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
    return desc->create(&th_host, NULL, &self) != BT_OK;
}

static int suite_cleanup(void)
{
    if (desc)
        desc->destroy(self);
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
                                    .last_error = th_last_error};
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run(&c, NULL, &r), BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    CU_ASSERT_EQUAL(r.n_skipped, 0);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

static void test_storage_leveldb_conf_refuses_bad_values(void)
{
    void *s = NULL;
    th_conf_key = "compression";
    th_conf_value = "zstd";
    CU_ASSERT_EQUAL(desc->create(&th_host, NULL, &s), BT_EINVAL);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(th_err,
                           "plugins.conf:2: compression: not one of snappy, none: \"zstd\"");
    th_conf_key = "cache_mb";
    th_conf_value = "12x";
    CU_ASSERT_EQUAL(desc->create(&th_host, NULL, &s), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(th_err, "cache_mb"));
    th_conf_value = "8";
    CU_ASSERT_EQUAL_FATAL(desc->create(&th_host, NULL, &s), BT_OK);
    desc->destroy(s);
    th_conf_key = NULL;
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
    CU_ASSERT_STRING_EQUAL(th_err, want);
    o.path = "relative/db";
    CU_ASSERT_EQUAL(vt->open(self, &o, &b), BT_EINVAL);
    vt->close(self, a);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

BTS_TEST_SUITE("storage-leveldb", suite_init, suite_cleanup,
               BTS_TEST(test_storage_leveldb_descriptor), BTS_TEST(test_storage_leveldb_conform),
               BTS_TEST(test_storage_leveldb_conf_refuses_bad_values),
               BTS_TEST(test_storage_leveldb_lock_message_names_path));
