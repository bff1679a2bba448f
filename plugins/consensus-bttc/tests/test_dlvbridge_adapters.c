/* Bridge adapter discovery (dlvb_adapters.h) on the mock host's service registry: every
 * "rootchain/<name>" service with a complete table is listed with its chain type, other services
 * and tables from an older, shorter ABI are left out, a small output array is BT_ERANGE. */
#include <string.h>

#include <bts/mockhost.h>
#include <bts/test.h>

#include "dlvb_adapters.h"
#include "test_dlvbridge_fake.h"

static void test_dlvbridge_adapters_found_by_type(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_use_services(m);
    struct fake_rc tron = {.type = BT_ROOTCHAIN_TRON}, eth = {.type = BT_ROOTCHAIN_ETH},
                   old = {.type = BT_ROOTCHAIN_BSC};
    /* a table from before `send` existed: too short for the bridge */
    static struct bt_rootchain_vtbl short_vt;
    short_vt = fake_vtbl;
    short_vt.struct_size = (uint32_t)offsetof(struct bt_rootchain_vtbl, send);
    CU_ASSERT(bts_mockhost_service_add(m, "rootchain/rootchain-tron", &fake_vtbl, &tron) == BT_OK);
    CU_ASSERT(bts_mockhost_service_add(m, "span-source", &fake_vtbl, NULL) == BT_OK);
    CU_ASSERT(bts_mockhost_service_add(m, "rootchain/rootchain-ethereum", &fake_vtbl, &eth) ==
              BT_OK);
    CU_ASSERT(bts_mockhost_service_add(m, "rootchain/old-bsc", &short_vt, &old) == BT_OK);
    const struct bt_host *host = bts_mockhost_host(m);
    struct bt_host_ctx *h = bts_mockhost_ctx(m);
    struct dlvb_adapter list[4];
    size_t n = 0;
    CU_ASSERT_FATAL(dlvb_adapters_find(host, h, list, 4, &n) == BT_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(list[0].name, "rootchain-tron");
    CU_ASSERT(list[0].chain_type == BT_ROOTCHAIN_TRON && list[0].self == &tron);
    CU_ASSERT_STRING_EQUAL(list[1].name, "rootchain-ethereum");
    CU_ASSERT(list[1].vt == &fake_vtbl && list[1].chain_type == BT_ROOTCHAIN_ETH);
    CU_ASSERT(dlvb_adapters_by_type(list, n, BT_ROOTCHAIN_ETH) == &list[1]);
    CU_ASSERT(dlvb_adapters_by_type(list, n, BT_ROOTCHAIN_BSC) == NULL);
    CU_ASSERT(dlvb_adapters_find(host, h, list, 1, &n) == BT_ERANGE && n == 2);
    CU_ASSERT(dlvb_adapters_find(host, h, NULL, 0, &n) == BT_ERANGE && n == 2);
    bts_mockhost_free(m);
}

BTS_TEST_SUITE("dlvbridge_adapters", NULL, NULL, BTS_TEST(test_dlvbridge_adapters_found_by_type));
