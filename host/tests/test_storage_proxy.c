/* The storage proxy: namespaces keep host areas and plugins apart, the "storage" service scopes
 * each plugin to its own keys, the datadir record pins the backend, snapshots and iterators. */
#include "stor_testlib.h"

static void test_storage_proxy_namespaces_isolated(void)
{
    struct stl t;
    stl_open(&t, "storage-memory");
    struct stor *s = t.sn.s;
    CU_ASSERT_EQUAL(stl_put(s, &stor_ns_chain, "k", "chain"), BT_OK);
    CU_ASSERT_EQUAL(stl_put(s, &stor_ns_state, "k", "state"), BT_OK);
    CU_ASSERT_EQUAL(stl_put(s, &stor_ns_state, "k2", "state2"), BT_OK);
    struct stor_ns pa, pb;
    CU_ASSERT_EQUAL(stor_ns_plugin(&pa, "plugin-a"), BT_OK);
    CU_ASSERT_EQUAL(stor_ns_plugin(&pb, "plugin-a2"), BT_OK);
    CU_ASSERT_EQUAL(stor_ns_plugin(&pb, "Bad"), BT_EINVAL);
    CU_ASSERT_EQUAL(stor_ns_plugin(&pb, "plugin-a2"), BT_OK);
    CU_ASSERT_EQUAL(stl_put(s, &pa, "k", "a"), BT_OK);
    CU_ASSERT_EQUAL(stl_put(s, &pb, "k", "b"), BT_OK);
    CU_ASSERT_TRUE(stl_has(s, &stor_ns_chain, "k", "chain"));
    CU_ASSERT_TRUE(stl_has(s, &stor_ns_state, "k", "state"));
    CU_ASSERT_TRUE(stl_has(s, &pa, "k", "a"));
    CU_ASSERT_TRUE(stl_has(s, &pb, "k", "b"));
    CU_ASSERT_TRUE(stl_has(s, &stor_ns_chain, "k2", NULL));
    CU_ASSERT_TRUE(stl_has(s, &stor_ns_txpool, "k", NULL));
    /* An iterator sees its namespace only, keys without the prefix, in both directions. */
    struct stor_iter *it;
    CU_ASSERT_EQUAL_FATAL(stor_iter_new(s, &stor_ns_state, NULL, NULL, &it), BT_OK);
    const char *want[] = {"k", "k2"};
    size_t n = 0;
    for (stor_iter_seek(it, NULL, 0); stor_iter_valid(it); stor_iter_next(it), n++) {
        const uint8_t *k, *v;
        size_t kl, vl;
        CU_ASSERT_EQUAL(stor_iter_entry(it, &k, &kl, &v, &vl), BT_OK);
        CU_ASSERT_TRUE(n < 2 && kl == strlen(want[n]) && memcmp(k, want[n], kl) == 0);
    }
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(stor_iter_seek_prev(it, NULL, 0), BT_OK);
    CU_ASSERT_TRUE(stor_iter_valid(it));
    CU_ASSERT_EQUAL(stor_iter_status(it), BT_OK);
    stor_iter_free(it);
    /* Plugin "plugin-a" must not see "plugin-a2" although one name prefixes the other. */
    CU_ASSERT_EQUAL_FATAL(stor_iter_new(s, &pa, NULL, NULL, &it), BT_OK);
    n = 0;
    for (stor_iter_seek(it, NULL, 0); stor_iter_valid(it); stor_iter_next(it))
        n++;
    CU_ASSERT_EQUAL(n, 1);
    stor_iter_free(it);
    /* Keys longer than the backend limit minus the prefix are refused, nothing applied. */
    uint8_t big[BT_STORAGE_KEY_MAX];
    memset(big, 'x', sizeof(big));
    struct stor_op ops[2] = {
        {.type = BT_STORAGE_PUT, .ns = &stor_ns_chain, .key = (const uint8_t *)"z", .key_len = 1},
        {.type = BT_STORAGE_PUT, .ns = &stor_ns_chain, .key = big, .key_len = sizeof(big)}};
    CU_ASSERT_EQUAL(stor_write(s, ops, 2, 0), BT_EINVAL);
    CU_ASSERT_TRUE(stl_has(s, &stor_ns_chain, "z", NULL));
    CU_ASSERT_EQUAL(stor_write(s, ops, 1, BT_STORAGE_SYNC), BT_OK);
    CU_ASSERT_TRUE(stl_has(s, &stor_ns_chain, "z", ""));
    stl_close(&t);
}

static void test_storage_proxy_service_scopes_plugins(void)
{
    struct stl t;
    stl_open(&t, "storage-memory");
    const struct bt_storage_svc *svc;
    void *self;
    CU_ASSERT_EQUAL_FATAL(registry_find(&t.rt.registry, "storage", (const void **)&svc, &self),
                          BT_OK);
    CU_ASSERT_EQUAL(svc->struct_size, sizeof(struct bt_storage_svc));
    struct bt_host_ctx *ha = hctx_new(&t.rt, "consensus-a", NULL, NULL);
    struct bt_host_ctx *hb = hctx_new(&t.rt, "consensus-b", NULL, NULL);
    struct bt_storage_op op = {.type = BT_STORAGE_PUT,
                               .key = (const uint8_t *)"span",
                               .key_len = 4,
                               .value = (const uint8_t *)"A",
                               .value_len = 1};
    struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = &op, .n_ops = 1};
    CU_ASSERT_EQUAL(svc->write(self, ha, &b), BT_OK);
    struct bt_value v;
    CU_ASSERT_EQUAL(svc->get(self, hb, NULL, (const uint8_t *)"span", 4, &v), BT_ENOTFOUND);
    CU_ASSERT_EQUAL_FATAL(svc->get(self, ha, NULL, (const uint8_t *)"span", 4, &v), BT_OK);
    CU_ASSERT_TRUE(v.len == 1 && v.data[0] == 'A');
    if (v.release)
        v.release(&v);
    /* The host's namespaces do not see it either. */
    CU_ASSERT_TRUE(stl_has(t.sn.s, &stor_ns_consensus, "span", NULL));
    /* A snapshot taken before a later write keeps the old view. */
    struct bt_storage_svc_snap *snap;
    CU_ASSERT_EQUAL_FATAL(svc->snapshot_new(self, ha, &snap), BT_OK);
    op.value = (const uint8_t *)"B";
    CU_ASSERT_EQUAL(svc->write(self, ha, &b), BT_OK);
    CU_ASSERT_EQUAL_FATAL(svc->get(self, ha, snap, (const uint8_t *)"span", 4, &v), BT_OK);
    CU_ASSERT_TRUE(v.len == 1 && v.data[0] == 'A');
    if (v.release)
        v.release(&v);
    struct bt_storage_svc_iter *it;
    CU_ASSERT_EQUAL_FATAL(svc->iter_new(self, hb, NULL, NULL, &it), BT_OK);
    CU_ASSERT_EQUAL(svc->iter_seek(it, NULL, 0), BT_OK);
    CU_ASSERT_FALSE(svc->iter_valid(it)); /* consensus-b has nothing */
    svc->iter_free(it);
    CU_ASSERT_EQUAL_FATAL(svc->iter_new(self, ha, snap, NULL, &it), BT_OK);
    CU_ASSERT_EQUAL(svc->iter_seek(it, NULL, 0), BT_OK);
    CU_ASSERT_TRUE(svc->iter_valid(it));
    const uint8_t *k, *val;
    size_t kl, vl;
    CU_ASSERT_EQUAL(svc->iter_entry(it, &k, &kl, &val, &vl), BT_OK);
    CU_ASSERT_TRUE(kl == 4 && memcmp(k, "span", 4) == 0 && vl == 1 && val[0] == 'A');
    svc->iter_free(it);
    svc->snapshot_free(self, snap);
    hctx_release(ha);
    hctx_release(hb);
    stl_close(&t);
}

static void test_storage_proxy_record_pins_backend(void)
{
    struct stl t;
    stl_open(&t, "storage-leveldb");
    CU_ASSERT_STRING_EQUAL(stor_backend_name(t.sn.s), "storage-leveldb");
    CU_ASSERT_EQUAL(stl_put(t.sn.s, &stor_ns_meta, "version", "1"), BT_OK);
    struct stor_record r;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(stor_record_read(t.dir, &r, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(r.backend, "storage-leveldb");
    char want[512];
    snprintf(want, sizeof(want), "%s/chaindata", t.dir);
    CU_ASSERT_STRING_EQUAL(r.path, want);
    stl_stop(&t);
    /* A later plugins.conf saying lmdb is ignored: the record wins, the data is there. */
    stl_open_in(&t, "storage-lmdb");
    CU_ASSERT_STRING_EQUAL(stor_backend_name(t.sn.s), "storage-leveldb");
    CU_ASSERT_TRUE(stl_has(t.sn.s, &stor_ns_meta, "version", "1"));
    struct stor_digest d;
    CU_ASSERT_EQUAL(stor_digest(t.sn.s, &d), BT_OK);
    CU_ASSERT_EQUAL(d.n_keys, 1);
    stl_close(&t);
}

static void test_storage_proxy_unknown_backend(void)
{
    struct stl t;
    memset(&t, 0, sizeof(t));
    snprintf(t.dir, sizeof(t.dir), "/tmp/bttcd-stor-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(t.dir));
    t.cfg.file = "test.conf";
    t.cfg.dir = ".";
    t.cfg.storage_backend = "storage-nope";
    CU_ASSERT_EQUAL_FATAL(rt_init(&t.rt, 1, t.dir), BT_OK);
    CU_ASSERT_EQUAL_FATAL(paths_default_plugin_dirs(&t.pd, ".", NULL), BT_OK);
    t.sn.rt = &t.rt;
    t.sn.cfg = &t.cfg;
    t.sn.pd = &t.pd;
    char err[2048];
    CU_ASSERT_EQUAL(stor_node_open(&t.sn, t.dir, 1, err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "storage-nope"));
    /* A non-storage plugin named as backend is refused. */
    const struct stor_backend *be;
    CU_ASSERT_EQUAL(stor_node_backend(&t.sn, "rootchain-template", &be, err, sizeof(err)),
                    BT_EINVAL);
    stl_close(&t);
}

BTS_TEST_SUITE("storage_proxy", NULL, NULL, BTS_TEST(test_storage_proxy_namespaces_isolated),
               BTS_TEST(test_storage_proxy_service_scopes_plugins),
               BTS_TEST(test_storage_proxy_record_pins_backend),
               BTS_TEST(test_storage_proxy_unknown_backend));
