/* storage-memory: the storage conformance suite against the built .so, plus what is particular
 * to this backend (independent databases per open, exact stats, sweep after snapshots). */
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

static int suite_cleanup(void)
{
    if (desc)
        desc->destroy(self);
    bts_mockhost_free(mock);
    if (dl)
        dlclose(dl);
    return 0;
}

static void test_storage_memory_descriptor(void)
{
    CU_ASSERT_EQUAL(desc->kind, BT_KIND_STORAGE);
    CU_ASSERT_STRING_EQUAL(desc->name, "storage-memory");
    CU_ASSERT_EQUAL(desc->vtbl_size, sizeof(struct bt_storage_vtbl));
    CU_ASSERT(desc->flags & BT_PLUGIN_F_MULTI_INSTANCE);
}

static void test_storage_memory_conform(void)
{
    char dir[256];
    CU_ASSERT_FATAL(bts_conform_storage_mkscratch(dir, sizeof(dir), "memory") == BT_OK);
    struct bts_conform_storage c = {
        .vtbl = vt, .self = self, .scratch_dir = dir, .last_error = mock_error, .arg = mock};
    struct bts_conform_result r;
    CU_ASSERT_EQUAL(bts_conform_storage_run(&c, NULL, &r), BT_OK);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    CU_ASSERT(r.n_passed >= 13);
    CU_ASSERT_EQUAL(bts_conform_storage_rmtree(dir), BT_OK);
}

static struct bt_storage_db *open_db(void)
{
    struct bt_storage_open_opts o = {
        .struct_size = sizeof(o), .path = "/nonexistent/x", .flags = BT_STORAGE_OPEN_CREATE};
    struct bt_storage_db *db = NULL;
    CU_ASSERT_EQUAL(vt->open(self, &o, &db), BT_OK);
    return db;
}

static bt_status put1(struct bt_storage_db *db, const char *k, const char *v, uint32_t type)
{
    struct bt_storage_op op = {type, (const uint8_t *)k, strlen(k), (const uint8_t *)v,
                               v ? strlen(v) : 0};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = &op, .n_ops = 1};
    return vt->write(self, db, &b);
}

static void test_storage_memory_opens_are_independent(void)
{
    struct bt_storage_db *a = open_db(), *b = open_db();
    CU_ASSERT_EQUAL(put1(a, "k", "a", BT_STORAGE_PUT), BT_OK);
    struct bt_value v;
    CU_ASSERT_EQUAL(vt->get(self, b, NULL, (const uint8_t *)"k", 1, &v), BT_ENOTFOUND);
    vt->close(self, a);
    vt->close(self, b);
}

static void test_storage_memory_stats_exact(void)
{
    struct bt_storage_db *db = open_db();
    struct bt_storage_snapshot *s = NULL;
    CU_ASSERT_EQUAL(put1(db, "a", "12345", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "bb", "1", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(vt->snapshot_new(self, db, &s), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "a", "1", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "bb", NULL, BT_STORAGE_DELETE), BT_OK);
    struct bt_storage_stats st = {.struct_size = sizeof(st)};
    CU_ASSERT_EQUAL(vt->stats(self, db, &st), BT_OK);
    CU_ASSERT_EQUAL(st.approx_keys, 1);
    CU_ASSERT_EQUAL(st.approx_bytes, 2);
    CU_ASSERT_EQUAL(st.disk_bytes, 0);
    /* The snapshot still sees the old values until it is freed; compact keeps them. */
    CU_ASSERT_EQUAL(vt->compact(self, db, NULL), BT_OK);
    struct bt_value v;
    CU_ASSERT_EQUAL_FATAL(vt->get(self, db, s, (const uint8_t *)"bb", 2, &v), BT_OK);
    CU_ASSERT_EQUAL(v.len, 1);
    v.release(&v);
    vt->snapshot_free(self, db, s);
    CU_ASSERT_EQUAL(vt->compact(self, db, NULL), BT_OK);
    CU_ASSERT_EQUAL(vt->get(self, db, NULL, (const uint8_t *)"bb", 2, &v), BT_ENOTFOUND);
    vt->close(self, db);
}

static void test_storage_memory_value_outlives_overwrite(void)
{
    struct bt_storage_db *db = open_db();
    struct bt_value v;
    CU_ASSERT_EQUAL(put1(db, "k", "first", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL_FATAL(vt->get(self, db, NULL, (const uint8_t *)"k", 1, &v), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "k", "second", BT_STORAGE_PUT), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "k", NULL, BT_STORAGE_DELETE), BT_OK);
    CU_ASSERT(v.len == 5 && memcmp(v.data, "first", 5) == 0);
    v.release(&v);
    vt->close(self, db);
}

static void test_storage_memory_readonly_refuses_writes(void)
{
    struct bt_storage_open_opts o = {.struct_size = sizeof(o), .flags = BT_STORAGE_OPEN_READONLY};
    struct bt_storage_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(vt->open(self, &o, &db), BT_OK);
    CU_ASSERT_EQUAL(put1(db, "k", "v", BT_STORAGE_PUT), BT_EPERM);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(mock), "database is read-only");
    vt->close(self, db);
}

BTS_TEST_SUITE("storage-memory", suite_init, suite_cleanup,
               BTS_TEST(test_storage_memory_descriptor), BTS_TEST(test_storage_memory_conform),
               BTS_TEST(test_storage_memory_opens_are_independent),
               BTS_TEST(test_storage_memory_stats_exact),
               BTS_TEST(test_storage_memory_value_outlives_overwrite),
               BTS_TEST(test_storage_memory_readonly_refuses_writes));
