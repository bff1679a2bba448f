/* The service registry: provide, find, prefix walks in registration order, duplicates, and
 * release by owner. */
#include "registry_int.h"

#include <bts/test.h>

#include <stdio.h>
#include <string.h>

static const struct {
    uint32_t struct_size;
} iface_a = {4}, iface_b = {4};
static int owner1, owner2, self1, self2;

struct walk {
    char names[8][64];
    size_t n, stop_after;
};

static int collect(void *arg, const char *name, const void *iface, void *self)
{
    (void)iface, (void)self;
    struct walk *w = arg;
    snprintf(w->names[w->n++], 64, "%s", name);
    return w->stop_after && w->n >= w->stop_after;
}

static void test_registry_provide_and_find(void)
{
    struct registry r = {0};
    const void *iface;
    void *self;
    CU_ASSERT_EQUAL(registry_find(&r, "chain", &iface, &self), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(iface);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner1, "rootchain/rootchain-tron", &iface_a, &self1),
                    BT_OK);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner2, "chain", &iface_b, &self2), BT_OK);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner2, "chain", &iface_a, &self1), BT_EEXIST);
    CU_ASSERT_EQUAL(registry_find(&r, "chain", &iface, &self), BT_OK);
    CU_ASSERT_PTR_EQUAL(iface, &iface_b);
    CU_ASSERT_PTR_EQUAL(self, &self2);
    CU_ASSERT_EQUAL(registry_find(&r, "rootchain/rootchain-tron", &iface, &self), BT_OK);
    CU_ASSERT_PTR_EQUAL(self, &self1);
    CU_ASSERT_EQUAL(registry_find(&r, "rootchain/", &iface, &self), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(registry_count(&r), 2);
    registry_drop_owner(&r, NULL);
    CU_ASSERT_EQUAL(registry_count(&r), 0);
}

static void test_registry_each_prefix_in_order(void)
{
    struct registry r = {0};
    CU_ASSERT_EQUAL(registry_provide(&r, &owner1, "rootchain/rootchain-tron", &iface_a, NULL),
                    BT_OK);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner1, "storage/storage-lmdb", &iface_a, NULL), BT_OK);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner2, "rootchain/rootchain-bsc", &iface_b, NULL),
                    BT_OK);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner2, "rootchain/rootchain-ethereum", &iface_b, NULL),
                    BT_OK);
    struct walk w = {0};
    registry_each(&r, "rootchain/", collect, &w);
    CU_ASSERT_EQUAL_FATAL(w.n, 3);
    CU_ASSERT_STRING_EQUAL(w.names[0], "rootchain/rootchain-tron");
    CU_ASSERT_STRING_EQUAL(w.names[1], "rootchain/rootchain-bsc");
    CU_ASSERT_STRING_EQUAL(w.names[2], "rootchain/rootchain-ethereum");
    memset(&w, 0, sizeof(w));
    w.stop_after = 2;
    registry_each(&r, "", collect, &w);
    CU_ASSERT_EQUAL(w.n, 2);
    memset(&w, 0, sizeof(w));
    registry_each(&r, "evm/", collect, &w);
    CU_ASSERT_EQUAL(w.n, 0);
    registry_drop_owner(&r, NULL);
}

static void test_registry_drop_owner(void)
{
    struct registry r = {0};
    CU_ASSERT_EQUAL(registry_provide(&r, &owner1, "a", &iface_a, NULL), BT_OK);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner2, "b", &iface_a, NULL), BT_OK);
    CU_ASSERT_EQUAL(registry_provide(&r, &owner1, "c", &iface_a, NULL), BT_OK);
    registry_drop_owner(&r, &owner1);
    CU_ASSERT_EQUAL(registry_count(&r), 1);
    const void *iface;
    void *self;
    CU_ASSERT_EQUAL(registry_find(&r, "a", &iface, &self), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(registry_find(&r, "b", &iface, &self), BT_OK);
    /* The tail is still right: a new entry lands after "b". */
    CU_ASSERT_EQUAL(registry_provide(&r, &owner1, "a", &iface_a, NULL), BT_OK);
    struct walk w = {0};
    registry_each(&r, "", collect, &w);
    CU_ASSERT_EQUAL_FATAL(w.n, 2);
    CU_ASSERT_STRING_EQUAL(w.names[1], "a");
    registry_drop_owner(&r, NULL);
}

BTS_TEST_SUITE("registry", NULL, NULL, BTS_TEST(test_registry_provide_and_find),
               BTS_TEST(test_registry_each_prefix_in_order), BTS_TEST(test_registry_drop_owner));
