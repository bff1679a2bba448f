/* Descriptor validation: in-process fake descriptors fed straight to loader_validate, one
 * refusal reason per case, the check order, and the host-owned copies. */
#include "loader_int.h"

#include <bts/test.h>

#include <stdio.h>
#include <string.h>

/* Stand-in entries: validation only tests them for NULL, nothing ever calls them. */
static void fake_fn(void)
{
}

/* A table of `kind` with every entry non-NULL. */
static void fill_table(union loader_vtbl *t, const struct loader_kind *k)
{
    memset(t, 0, sizeof(*t));
    void (*fn)(void) = fake_fn;
    for (size_t off = sizeof(void *); off + sizeof(fn) <= k->host_size; off += sizeof(fn))
        memcpy((char *)t + off, &fn, sizeof(fn));
    t->struct_size = (uint32_t)k->host_size;
}

static bt_status fake_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out)
{
    (void)host, (void)hctx;
    *out = NULL;
    return BT_OK;
}

static void fake_destroy(void *self)
{
    (void)self;
}

static union loader_vtbl table;
static struct bt_plugin_desc desc;

static void make_valid(uint32_t kind)
{
    const struct loader_kind *k = loader_kind_find(kind);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    fill_table(&table, k);
    memset(&desc, 0, sizeof(desc));
    desc.struct_size = sizeof(desc);
    desc.magic = BT_PLUGIN_MAGIC;
    desc.abi_major = BT_ABI_MAJOR;
    desc.abi_minor = BT_ABI_MINOR;
    desc.kind = kind;
    desc.vtbl_size = table.struct_size;
    desc.name = "fake-plugin";
    desc.version = "1.2.3";
    desc.vtbl = &table;
    desc.create = fake_create;
    desc.destroy = fake_destroy;
}

static void expect_refusal(const struct bt_plugin_desc *d, const char *reason, const char *detail)
{
    struct loader_image img;
    struct loader_refusal why;
    memset(&why, 0, sizeof(why));
    CU_ASSERT_EQUAL(loader_validate(d, NULL, NULL, &img, &why), BT_EINVAL);
    if (strcmp(why.reason, reason) != 0 || strcmp(why.detail, detail) != 0)
        fprintf(stderr, "\n  got:  %s (%s)\n  want: %s (%s)\n", why.reason, why.detail, reason,
                detail);
    CU_ASSERT_STRING_EQUAL(why.reason, reason);
    CU_ASSERT_STRING_EQUAL(why.detail, detail);
}

static void test_loader_accepts_every_kind(void)
{
    static const uint32_t kinds[] = {BT_KIND_STORAGE, BT_KIND_EVM, BT_KIND_CONSENSUS,
                                     BT_KIND_ROOTCHAIN};
    for (size_t i = 0; i < 4; i++) {
        make_valid(kinds[i]);
        struct loader_image img;
        struct loader_refusal why;
        CU_ASSERT_EQUAL(loader_validate(&desc, NULL, NULL, &img, &why), BT_OK);
        CU_ASSERT_EQUAL(img.kind->kind, kinds[i]);
    }
}

static void test_loader_refuses_null_descriptor(void)
{
    expect_refusal(NULL, "no descriptor", "bt_plugin_query returned NULL");
}

static void test_loader_refuses_bad_size_and_magic(void)
{
    char detail[128];
    make_valid(BT_KIND_EVM);
    desc.struct_size = 8;
    snprintf(detail, sizeof(detail), "struct_size 8, expected %zu..4096", LOADER_DESC_SIZE_1_0);
    expect_refusal(&desc, "bad descriptor size", detail);
    desc.struct_size = 4097;
    snprintf(detail, sizeof(detail), "struct_size 4097, expected %zu..4096", LOADER_DESC_SIZE_1_0);
    expect_refusal(&desc, "bad descriptor size", detail);
    /* Size first: with a bad size the magic is not even read. */
    desc.magic = 0;
    expect_refusal(&desc, "bad descriptor size", detail);
    make_valid(BT_KIND_EVM);
    desc.magic = 0x12345678;
    desc.abi_major = 7; /* magic is checked before the major */
    expect_refusal(&desc, "bad magic", "0x12345678, expected 0x42545450");
}

static void test_loader_refuses_wrong_major(void)
{
    make_valid(BT_KIND_STORAGE);
    desc.abi_major = 0;
    desc.abi_minor = 9;
    desc.kind = 77; /* the major is checked before the kind */
    expect_refusal(&desc, "wrong ABI major", "plugin built for ABI 0.9, host is 1.0");
    desc.abi_major = 2;
    expect_refusal(&desc, "wrong ABI major", "plugin built for ABI 2.9, host is 1.0");
}

static void test_loader_refuses_unknown_kind(void)
{
    make_valid(BT_KIND_STORAGE);
    desc.kind = 0;
    expect_refusal(&desc, "unknown kind",
                   "kind 0; this host knows 1 storage, 2 evm, 3 consensus, 4 rootchain");
    desc.kind = 5;
    expect_refusal(&desc, "unknown kind",
                   "kind 5; this host knows 1 storage, 2 evm, 3 consensus, 4 rootchain");
}

static void test_loader_refuses_bad_tables(void)
{
    char detail[128];
    make_valid(BT_KIND_STORAGE);
    const struct loader_kind *k = loader_kind_find(BT_KIND_STORAGE);
    desc.vtbl = NULL;
    expect_refusal(&desc, "missing kind table", "vtbl is NULL");
    make_valid(BT_KIND_STORAGE);
    desc.vtbl_size = table.struct_size = (uint32_t)k->size_1_0 - 8;
    snprintf(detail, sizeof(detail), "vtbl_size %zu, storage 1.0 needs at least %zu",
             k->size_1_0 - 8, k->size_1_0);
    expect_refusal(&desc, "kind table too small", detail);
    make_valid(BT_KIND_STORAGE);
    desc.vtbl_size = 5000;
    expect_refusal(&desc, "kind table too large", "vtbl_size 5000, max 4096");
    make_valid(BT_KIND_STORAGE);
    table.struct_size -= 8;
    snprintf(detail, sizeof(detail), "vtbl_size %zu but vtbl->struct_size %zu", k->host_size,
             k->host_size - 8);
    expect_refusal(&desc, "kind table size mismatch", detail);
}

/* Every mandatory entry of every kind, set to NULL in turn, is named in the refusal. */
static void test_loader_refuses_each_missing_entry(void)
{
    static const uint32_t kinds[] = {BT_KIND_STORAGE, BT_KIND_EVM, BT_KIND_CONSENSUS,
                                     BT_KIND_ROOTCHAIN};
    size_t total = 0;
    for (size_t i = 0; i < 4; i++) {
        const struct loader_kind *k = loader_kind_find(kinds[i]);
        for (size_t j = 0; j < k->n_mandatory; j++) {
            make_valid(kinds[i]);
            memset((char *)&table + k->mandatory[j].offset, 0, sizeof(void *));
            char detail[128];
            snprintf(detail, sizeof(detail), "%s.%s is NULL", k->name, k->mandatory[j].name);
            expect_refusal(&desc, "missing mandatory function", detail);
            total++;
        }
    }
    CU_ASSERT_EQUAL(total, 17 + 1 + 6 + 7);
    /* 1.0 entries the table does not list are exactly the optional ones: consensus on_head. */
    make_valid(BT_KIND_CONSENSUS);
    table.consensus.on_head = NULL;
    struct loader_image img;
    struct loader_refusal why;
    CU_ASSERT_EQUAL(loader_validate(&desc, NULL, NULL, &img, &why), BT_OK);
    CU_ASSERT_PTR_NULL(img.vtbl.consensus.on_head);
    /* A root-chain adapter built before get_block was appended (table ending at error_message)
     * loads, and the copy says the entry is absent even if the bytes behind its table are not
     * zero. */
    make_valid(BT_KIND_ROOTCHAIN);
    desc.vtbl_size = table.struct_size = (uint32_t)offsetof(struct bt_rootchain_vtbl, get_block);
    CU_ASSERT_EQUAL(loader_validate(&desc, NULL, NULL, &img, &why), BT_OK);
    CU_ASSERT_FALSE(BT_HAS(struct bt_rootchain_vtbl, &img.vtbl.rootchain, get_block));
    CU_ASSERT_PTR_NULL(img.vtbl.rootchain.get_block);
}

static void test_loader_refuses_bad_names_and_versions(void)
{
    const char *name_rule = "must be a lower-case letter, then letters, digits or '-', at most 63";
    char detail[256], long_name[80];
    make_valid(BT_KIND_EVM);
    desc.name = NULL;
    expect_refusal(&desc, "bad name", "name is NULL");
    static const char *const bad[] = {"", "Upper", "9lives", "under_score", "sp ace", "-dash"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        desc.name = bad[i];
        snprintf(detail, sizeof(detail), "\"%s\": %s", bad[i], name_rule);
        expect_refusal(&desc, "bad name", detail);
    }
    desc.name = "tab\there";
    snprintf(detail, sizeof(detail), "\"tab\\x09here\": %s", name_rule);
    expect_refusal(&desc, "bad name", detail);
    memset(long_name, 'a', 64);
    long_name[64] = 0;
    desc.name = long_name;
    snprintf(detail, sizeof(detail), "\"%.63s...\": %s", long_name, name_rule);
    expect_refusal(&desc, "bad name", detail);
    /* Bad table beats bad name: the order of STYLE.md. */
    desc.vtbl = NULL;
    expect_refusal(&desc, "missing kind table", "vtbl is NULL");

    make_valid(BT_KIND_EVM);
    desc.version = NULL;
    expect_refusal(&desc, "bad version", "version is NULL");
    desc.version = "";
    expect_refusal(&desc, "bad version", "\"\": must be 1 to 63 printable characters, no spaces");
    desc.version = "1.0 beta";
    expect_refusal(&desc, "bad version",
                   "\"1.0 beta\": must be 1 to 63 printable characters, no spaces");
    desc.version = "1.0.0-rc.1+build.5";
    struct loader_image img;
    struct loader_refusal why;
    CU_ASSERT_EQUAL(loader_validate(&desc, NULL, NULL, &img, &why), BT_OK);
}

static int taken_if_fake(void *arg, const char *name, const char **out_where)
{
    (*(int *)arg)++;
    *out_where = "/plugins/first.so";
    return strcmp(name, "fake-plugin") == 0;
}

static void test_loader_refuses_duplicate_and_missing_lifecycle(void)
{
    int calls = 0;
    struct loader_image img;
    struct loader_refusal why;
    make_valid(BT_KIND_ROOTCHAIN);
    CU_ASSERT_EQUAL(loader_validate(&desc, taken_if_fake, &calls, &img, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why.reason, "duplicate name");
    CU_ASSERT_STRING_EQUAL(why.detail, "\"fake-plugin\" is already loaded from /plugins/first.so");
    CU_ASSERT_EQUAL(calls, 1);
    desc.create = NULL;
    expect_refusal(&desc, "missing mandatory function", "create is NULL");
    make_valid(BT_KIND_ROOTCHAIN);
    desc.destroy = NULL;
    expect_refusal(&desc, "missing mandatory function", "destroy is NULL");
    /* start and stop are optional. */
    make_valid(BT_KIND_ROOTCHAIN);
    CU_ASSERT_EQUAL(loader_validate(&desc, NULL, NULL, &img, &why), BT_OK);
}

/* A plugin built against a later minor: bigger descriptor and table. The host copies what it
 * knows, and the copies' sizes say so, so BT_HAS never reads past them. */
static void test_loader_copies_newer_minor(void)
{
    static struct {
        struct bt_rootchain_vtbl t;
        void (*extra[4])(void);
    } big;
    static struct {
        struct bt_plugin_desc d;
        uint64_t extra[8];
    } bigd;
    make_valid(BT_KIND_ROOTCHAIN);
    memcpy(&big.t, &table.rootchain, sizeof(big.t));
    big.t.struct_size = sizeof(big);
    for (size_t i = 0; i < 4; i++)
        big.extra[i] = fake_fn;
    memcpy(&bigd.d, &desc, sizeof(desc));
    bigd.d.struct_size = sizeof(bigd);
    bigd.d.abi_minor = 3;
    bigd.d.vtbl = &big;
    bigd.d.vtbl_size = sizeof(big);
    char name[] = "newer-plugin";
    bigd.d.name = name;
    struct loader_image img;
    struct loader_refusal why;
    CU_ASSERT_EQUAL_FATAL(loader_validate(&bigd.d, NULL, NULL, &img, &why), BT_OK);
    CU_ASSERT_EQUAL(img.desc.struct_size, sizeof(struct bt_plugin_desc));
    CU_ASSERT_EQUAL(img.vtbl.struct_size, sizeof(struct bt_rootchain_vtbl));
    CU_ASSERT_EQUAL(img.desc.vtbl_size, sizeof(struct bt_rootchain_vtbl));
    CU_ASSERT_PTR_EQUAL(img.desc.vtbl, &img.vtbl);
    CU_ASSERT_EQUAL(img.desc.abi_minor, 3);
    CU_ASSERT_PTR_EQUAL(img.vtbl.rootchain.send, big.t.send);
    CU_ASSERT_TRUE(BT_HAS(struct bt_rootchain_vtbl, &img.vtbl.rootchain, error_message));
    /* The host keeps its own copy of the strings. */
    name[0] = 'X';
    CU_ASSERT_STRING_EQUAL(img.name, "newer-plugin");
    CU_ASSERT_PTR_EQUAL(img.desc.name, img.name);
    CU_ASSERT_STRING_EQUAL(img.desc.version, "1.2.3");
}

static void test_loader_kind_table(void)
{
    const struct loader_kind *k = loader_kind_find(BT_KIND_STORAGE);
    CU_ASSERT_STRING_EQUAL(k->name, "storage");
    CU_ASSERT_EQUAL(k->size_1_0, sizeof(struct bt_storage_vtbl));
    CU_ASSERT_EQUAL(loader_kind_find(BT_KIND_EVM)->size_1_0, sizeof(struct bt_evm_vtbl));
    CU_ASSERT_EQUAL(loader_kind_find(BT_KIND_CONSENSUS)->size_1_0,
                    sizeof(struct bt_consensus_vtbl));
    /* get_block was appended after the first tables: adapters without it still load. */
    CU_ASSERT_EQUAL(loader_kind_find(BT_KIND_ROOTCHAIN)->size_1_0,
                    offsetof(struct bt_rootchain_vtbl, get_block));
    CU_ASSERT_EQUAL(loader_kind_find(BT_KIND_ROOTCHAIN)->host_size,
                    sizeof(struct bt_rootchain_vtbl));
    CU_ASSERT_PTR_NULL(loader_kind_find(0));
    CU_ASSERT_EQUAL(LOADER_DESC_SIZE_1_0, sizeof(struct bt_plugin_desc));
}

static void test_loader_open_refuses_missing_file(void)
{
    struct loader_plugin *lp = (struct loader_plugin *)1;
    struct loader_refusal why;
    CU_ASSERT_EQUAL(loader_open("/nonexistent/x.so", NULL, NULL, &lp, &why), BT_EINVAL);
    CU_ASSERT_PTR_NULL(lp);
    CU_ASSERT_STRING_EQUAL(why.reason, "cannot load");
    CU_ASSERT_STRING_EQUAL(why.detail, "cannot open shared object file: No such file or directory");
}

BTS_TEST_SUITE("loader", NULL, NULL, BTS_TEST(test_loader_accepts_every_kind),
               BTS_TEST(test_loader_refuses_null_descriptor),
               BTS_TEST(test_loader_refuses_bad_size_and_magic),
               BTS_TEST(test_loader_refuses_wrong_major),
               BTS_TEST(test_loader_refuses_unknown_kind), BTS_TEST(test_loader_refuses_bad_tables),
               BTS_TEST(test_loader_refuses_each_missing_entry),
               BTS_TEST(test_loader_refuses_bad_names_and_versions),
               BTS_TEST(test_loader_refuses_duplicate_and_missing_lifecycle),
               BTS_TEST(test_loader_copies_newer_minor), BTS_TEST(test_loader_kind_table),
               BTS_TEST(test_loader_open_refuses_missing_file));
