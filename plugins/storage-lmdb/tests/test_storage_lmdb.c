/* storage-lmdb: the storage conformance suite against the built .so (with the default map and
 * with a 1 MiB map that must grow), config parsing, and growth under open readers. */
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
                                    .last_error = th_last_error};
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run(&c, NULL, &r), BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    CU_ASSERT_EQUAL(r.n_skipped, 0);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

static void test_storage_lmdb_conf_refuses_bad_values(void)
{
    void *s = NULL;
    th_conf_key = "map_size_mb";
    th_conf_value = "0";
    CU_ASSERT_EQUAL(desc->create(&th_host, NULL, &s), BT_EINVAL);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(th_err,
                           "plugins.conf:2: map_size_mb: not a number in 1..67108864: \"0\"");
    th_conf_value = "12x";
    CU_ASSERT_EQUAL(desc->create(&th_host, NULL, &s), BT_EINVAL);
    th_conf_value = "-1";
    CU_ASSERT_EQUAL(desc->create(&th_host, NULL, &s), BT_EINVAL);
    th_conf_value = "8";
    CU_ASSERT_EQUAL_FATAL(desc->create(&th_host, NULL, &s), BT_OK);
    desc->destroy(s);
    th_conf_key = NULL;
}

/* The whole suite again with a 1 MiB map: every large value and busy check forces growth. */
static void test_storage_lmdb_conform_small_map(void)
{
    char dir[256];
    void *small = NULL;
    th_conf_key = "map_size_mb";
    th_conf_value = "1";
    CU_ASSERT_EQUAL_FATAL(desc->create(&th_host, NULL, &small), BT_OK);
    th_conf_key = NULL;
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "lmdb-small") == BT_OK);
    struct bts_conform_storage c = {.vtbl = vt,
                                    .self = small,
                                    .scratch_dir = dir,
                                    .flags = BTS_CONFORM_STORAGE_PERSISTENT,
                                    .last_error = th_last_error};
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run(&c, NULL, &r), BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    desc->destroy(small);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

static void test_storage_lmdb_grows_under_open_iterator(void)
{
    char dir[256], path[300];
    void *small = NULL;
    th_conf_key = "map_size_mb";
    th_conf_value = "1";
    CU_ASSERT_EQUAL_FATAL(desc->create(&th_host, NULL, &small), BT_OK);
    th_conf_key = NULL;
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
    CU_ASSERT_STRING_EQUAL(th_err, want);
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
