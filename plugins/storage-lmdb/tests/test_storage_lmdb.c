/* storage-lmdb: the storage conformance suite against the built .so (with the default map and
 * with a 1 MiB map that must grow), config parsing, and growth under open readers. */
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
    if (dl)
        dlclose(dl); /* the descriptor says unload-safe */
    return 0;
}

static void test_storage_lmdb_descriptor(void)
{
    CU_ASSERT_EQUAL(desc->kind, BT_KIND_STORAGE);
    CU_ASSERT_STRING_EQUAL(desc->name, "storage-lmdb");
    CU_ASSERT(desc->flags & BT_PLUGIN_F_UNLOAD_SAFE);
}

static void test_storage_lmdb_conform(void)
{
    char dir[256];
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "lmdb") == BT_OK);
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

static void test_storage_lmdb_conf_refuses_bad_values(void)
{
    struct bts_mockhost *m;
    void *s;
    CU_ASSERT_EQUAL(create_with("map_size_mb", "0", &m, &s), BT_EINVAL);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m),
                           "plugins.conf:2: map_size_mb: out of range 1..67108864: \"0\"");
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(create_with("map_size_mb", "12x", &m, &s), BT_EINVAL);
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(create_with("no_sync", "maybe", &m, &s), BT_EINVAL);
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL_FATAL(create_with("no_sync", "yes", &m, &s), BT_OK);
    desc->destroy(s);
    bts_mockhost_free(m);
}

/* The whole suite again with a 1 MiB map: every large value and busy check forces growth. */
static void test_storage_lmdb_conform_small_map(void)
{
    char dir[256];
    void *small = NULL;
    struct bts_mockhost *m;
    CU_ASSERT_EQUAL_FATAL(create_with("map_size_mb", "1", &m, &small), BT_OK);
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "lmdb-small") == BT_OK);
    struct bts_conform_storage c = {.vtbl = vt,
                                    .self = small,
                                    .scratch_dir = dir,
                                    .flags = BTS_CONFORM_STORAGE_PERSISTENT,
                                    .last_error = mock_error,
                                    .arg = m};
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run(&c, NULL, &r), BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    desc->destroy(small);
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

static void test_storage_lmdb_grows_under_open_iterator(void)
{
    char dir[256], path[300];
    void *small = NULL;
    struct bts_mockhost *m;
    CU_ASSERT_EQUAL_FATAL(create_with("map_size_mb", "1", &m, &small), BT_OK);
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "lmdb-grow") == BT_OK);
    snprintf(path, sizeof(path), "%s/db", dir);
    struct bt_storage_open_opts o = {
        .struct_size = sizeof(o), .path = path, .flags = BT_STORAGE_OPEN_CREATE};
    struct bt_storage_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(vt->open(small, &o, &db), BT_OK);
    static uint8_t val[4096];
    struct bt_storage_op op = {BT_STORAGE_PUT, (const uint8_t *)"a", 1, val, sizeof(val)};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = &op, .n_ops = 1};
    CU_ASSERT_EQUAL(vt->write(small, db, &b), BT_OK);
    op.key = (const uint8_t *)"b";
    CU_ASSERT_EQUAL(vt->write(small, db, &b), BT_OK);
    struct bt_storage_iter *it = NULL;
    CU_ASSERT_EQUAL_FATAL(vt->iter_new(small, db, NULL, NULL, &it), BT_OK);
    vt->iter_seek(it, NULL, 0);
    CU_ASSERT_FATAL(vt->iter_valid(it));
    /* 2000 x 4 KiB = 8 MiB into a 1 MiB map: several remaps while the iterator stands. */
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t k[5] = {'c', (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        op.key = k;
        op.key_len = sizeof(k);
        CU_ASSERT_EQUAL_FATAL(vt->write(small, db, &b), BT_OK);
    }
    vt->iter_next(it);
    CU_ASSERT_FATAL(vt->iter_valid(it));
    const uint8_t *k, *v;
    size_t kl, vl;
    vt->iter_entry(it, &k, &kl, &v, &vl);
    CU_ASSERT(kl == 1 && k[0] == 'b' && vl == sizeof(val));
    vt->iter_next(it);
    CU_ASSERT_FALSE(vt->iter_valid(it)); /* the implicit snapshot predates the 2000 keys */
    CU_ASSERT_EQUAL(vt->iter_status(it), BT_OK);
    vt->iter_free(it);
    struct bt_storage_stats st = {.struct_size = sizeof(st)};
    CU_ASSERT_EQUAL(vt->stats(small, db, &st), BT_OK);
    CU_ASSERT_EQUAL(st.approx_keys, 2002);
    vt->close(small, db);
    desc->destroy(small);
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

BTS_TEST_SUITE("storage-lmdb", suite_init, suite_cleanup, BTS_TEST(test_storage_lmdb_descriptor),
               BTS_TEST(test_storage_lmdb_conform),
               BTS_TEST(test_storage_lmdb_conf_refuses_bad_values),
               BTS_TEST(test_storage_lmdb_conform_small_map),
               BTS_TEST(test_storage_lmdb_grows_under_open_iterator),
               BTS_TEST(test_storage_lmdb_lock_message_names_path));
