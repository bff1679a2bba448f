/* rootchain-template through its ABI, as bttcd drives it: dlopen the built .so, validate the
 * descriptor, then create/start/stop/destroy against the mock host. Copy this file with the
 * template: the asserts on behaviour that is "yours to write" are the ones to replace. */
#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bts/mockhost.h>
#include <bts/test.h>

#include <dlfcn.h>
#include <string.h>

static void *so;
static const struct bt_plugin_desc *desc;
static const struct bt_rootchain_vtbl *vt;

static int suite_init(void)
{
    so = dlopen(TPL_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        fprintf(stderr, "dlopen %s: %s\n", TPL_PLUGIN_PATH, dlerror());
        return 1;
    }
    bt_plugin_query_fn q = (bt_plugin_query_fn)(uintptr_t)dlsym(so, BT_PLUGIN_QUERY_SYMBOL);
    desc = q ? q() : NULL;
    vt = desc ? desc->vtbl : NULL;
    return vt ? 0 : 1;
}

static int suite_cleanup(void)
{
    return so ? dlclose(so) : 0;
}

/* A mock with what the template needs: log, config, timers, defer. */
static struct bts_mockhost *mock(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_use_log(m, BT_LOG_DEBUG);
    bts_mockhost_use_conf(m);
    bts_mockhost_use_timers(m);
    bts_mockhost_use_defer(m);
    return m;
}

static bt_status create(struct bts_mockhost *m, void **self)
{
    return desc->create(bts_mockhost_host(m), bts_mockhost_ctx(m), self);
}

struct heights {
    int calls;
    bt_status st;
    uint64_t head, finalized;
};

static void on_heights(void *arg, bt_status st, uint64_t head, uint64_t finalized)
{
    struct heights *h = arg;
    h->calls++;
    h->st = st;
    h->head = head;
    h->finalized = finalized;
}

static void test_template_descriptor_is_valid(void)
{
    CU_ASSERT_EQUAL(desc->struct_size, sizeof(struct bt_plugin_desc));
    CU_ASSERT_EQUAL(desc->magic, BT_PLUGIN_MAGIC);
    CU_ASSERT_EQUAL(desc->abi_major, BT_ABI_MAJOR);
    CU_ASSERT_EQUAL(desc->kind, BT_KIND_ROOTCHAIN);
    CU_ASSERT_STRING_EQUAL(desc->name, "rootchain-template");
    CU_ASSERT_EQUAL(desc->vtbl_size, vt->struct_size);
    CU_ASSERT_PTR_NOT_NULL(desc->destroy);
    CU_ASSERT_EQUAL(vt->chain_type(NULL), BT_ROOTCHAIN_OTHER);
    /* libbtsdk is linked in, but bt_plugin_query stays the only export. */
    CU_ASSERT_PTR_NULL(dlsym(so, "bts_conf_parse"));
    CU_ASSERT_PTR_NULL(dlsym(so, "bts_plugin_init"));
}

static void test_template_polls_and_reports_heights(void)
{
    struct bts_mockhost *m = mock();
    void *self;
    struct heights h = {0};
    bts_mockhost_conf_set(m, "poll_interval", "500ms");
    bts_mockhost_conf_set(m, "confirmations", "2");
    CU_ASSERT_EQUAL_FATAL(create(m, &self), BT_OK);
    CU_ASSERT_EQUAL_FATAL(desc->start(self), BT_OK);
    CU_ASSERT_EQUAL(
        bts_mockhost_log_find(m, "msg=\"started\" url=http://127.0.0.1:8545 poll_ms=500"), 1);
    CU_ASSERT_EQUAL(bts_mockhost_advance(m, 2000), 4);
    CU_ASSERT_EQUAL(vt->heights(self, on_heights, &h), BT_OK);
    CU_ASSERT_EQUAL(h.calls, 0); /* answers come later, on the loop */
    bts_mockhost_run_deferred(m);
    CU_ASSERT_EQUAL(h.calls, 1);
    CU_ASSERT_EQUAL(h.st, BT_OK);
    CU_ASSERT_EQUAL(h.head, 4);
    CU_ASSERT_EQUAL(h.finalized, 2);
    struct bt_rootchain_status s;
    CU_ASSERT_EQUAL(vt->status(self, &s), BT_OK);
    CU_ASSERT_EQUAL(s.head, 4);
    CU_ASSERT_STRING_EQUAL(s.url, "http://127.0.0.1:8545");
    CU_ASSERT_EQUAL(s.last_ok_ms, bts_mockhost_host(m)->wall_ms(bts_mockhost_ctx(m)));
    desc->stop(self);
    CU_ASSERT_EQUAL(bts_mockhost_timer_count(m), 0);
    CU_ASSERT_EQUAL(bts_mockhost_advance(m, 5000), 0);
    desc->destroy(self);
    bts_mockhost_free(m);
}

static void test_template_finalized_never_underflows(void)
{
    struct bts_mockhost *m = mock();
    void *self;
    struct heights h = {0};
    bts_mockhost_conf_set(m, "confirmations", "10");
    CU_ASSERT_EQUAL_FATAL(create(m, &self), BT_OK);
    CU_ASSERT_EQUAL_FATAL(desc->start(self), BT_OK);
    bts_mockhost_advance(m, 3000); /* default 1s: 3 polls */
    CU_ASSERT_EQUAL(vt->heights(self, on_heights, &h), BT_OK);
    bts_mockhost_run_deferred(m);
    CU_ASSERT_EQUAL(h.head, 3);
    CU_ASSERT_EQUAL(h.finalized, 0);
    desc->stop(self);
    desc->destroy(self);
    bts_mockhost_free(m);
}

struct answer {
    int calls;
    bt_status st;
};

static void on_logs(void *arg, bt_status st, const struct bt_rootchain_log *logs, size_t n)
{
    (void)logs, (void)n;
    ((struct answer *)arg)->calls++;
    ((struct answer *)arg)->st = st;
}

static void on_call(void *arg, bt_status st, const uint8_t *out, size_t out_len)
{
    (void)out, (void)out_len;
    ((struct answer *)arg)->calls++;
    ((struct answer *)arg)->st = st;
}

static void on_receipt(void *arg, bt_status st, const struct bt_rootchain_receipt *r)
{
    (void)r;
    ((struct answer *)arg)->calls++;
    ((struct answer *)arg)->st = st;
}

static void test_template_unwritten_ops_answer_enotsup(void)
{
    struct bts_mockhost *m = mock();
    void *self;
    struct answer a = {0}, b = {0}, c = {0};
    uint8_t to[20] = {0};
    struct bt_rootchain_filter f = {.struct_size = sizeof(f)};
    struct bt_rootchain_send_req req = {.struct_size = sizeof(req), .key_id = "k"};
    CU_ASSERT_EQUAL_FATAL(create(m, &self), BT_OK);
    CU_ASSERT_EQUAL(vt->get_logs(self, &f, on_logs, &a), BT_OK);
    bts_mockhost_run_deferred(m);
    CU_ASSERT_EQUAL(a.calls, 1);
    CU_ASSERT_EQUAL(a.st, BT_ENOTSUP);
    CU_ASSERT_STRING_EQUAL(vt->error_message(self),
                           "rootchain-template: get_logs is yours to write");
    CU_ASSERT_EQUAL(vt->call(self, to, NULL, 0, 0, on_call, &b), BT_OK);
    CU_ASSERT_EQUAL(vt->send(self, &req, on_receipt, &c), BT_OK);
    bts_mockhost_run_deferred(m);
    CU_ASSERT_EQUAL(b.st, BT_ENOTSUP);
    CU_ASSERT_EQUAL(c.st, BT_ENOTSUP);
    CU_ASSERT_STRING_EQUAL(vt->error_message(self), "rootchain-template: send is yours to write");
    desc->destroy(self); /* never started: destroy alone must do */
    bts_mockhost_free(m);
}

static void on_block(void *arg, bt_status st, const struct bt_rootchain_block *b)
{
    CU_ASSERT_PTR_NULL(b); /* never BT_OK here */
    ((struct answer *)arg)->calls++;
    ((struct answer *)arg)->st = st;
}

/* get_block: beyond the head BT_ENOTFOUND (the rule of every adapter), a block the chain has
 * is the part to write. */
static void test_template_get_block_beyond_head_is_enotfound(void)
{
    struct bts_mockhost *m = mock();
    void *self;
    struct answer a = {0}, b = {0};
    CU_ASSERT_EQUAL_FATAL(create(m, &self), BT_OK);
    CU_ASSERT_EQUAL_FATAL(desc->start(self), BT_OK);
    bts_mockhost_advance(m, 2000); /* 2 polls: head 2 */
    CU_ASSERT_FATAL(BT_HAS(struct bt_rootchain_vtbl, vt, get_block));
    CU_ASSERT_EQUAL(vt->get_block(self, 3, on_block, &a), BT_OK);
    bts_mockhost_run_deferred(m);
    CU_ASSERT_EQUAL(a.calls, 1);
    CU_ASSERT_EQUAL(a.st, BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(vt->error_message(self),
                           "rootchain-template: get_block: no block 3 (beyond the head)");
    CU_ASSERT_EQUAL(vt->get_block(self, 2, on_block, &b), BT_OK);
    bts_mockhost_run_deferred(m);
    CU_ASSERT_EQUAL(b.calls, 1);
    CU_ASSERT_EQUAL(b.st, BT_ENOTSUP);
    CU_ASSERT_STRING_EQUAL(vt->error_message(self),
                           "rootchain-template: get_block is yours to write");
    desc->stop(self);
    desc->destroy(self);
    bts_mockhost_free(m);
}

static void test_template_stop_cancels_pending_requests(void)
{
    struct bts_mockhost *m = mock();
    void *self;
    struct heights h = {0};
    CU_ASSERT_EQUAL_FATAL(create(m, &self), BT_OK);
    CU_ASSERT_EQUAL_FATAL(desc->start(self), BT_OK);
    CU_ASSERT_EQUAL(vt->heights(self, on_heights, &h), BT_OK);
    desc->stop(self);
    CU_ASSERT_EQUAL(h.calls, 1);
    CU_ASSERT_EQUAL(h.st, BT_ECANCELED);
    CU_ASSERT_EQUAL(vt->heights(self, on_heights, &h), BT_ECANCELED);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "rootchain-template: heights after stop");
    bts_mockhost_run_deferred(m); /* the scheduled flush finds nothing left */
    CU_ASSERT_EQUAL(h.calls, 1);
    desc->destroy(self);
    bts_mockhost_free(m);
}

static void test_template_refuses_bad_config(void)
{
    struct bts_mockhost *m = mock();
    void *self = &self;
    bts_mockhost_conf_set(m, "url", "http://127.0.0.1:8545");
    bts_mockhost_conf_set(m, "poll_intervall", "1s");
    CU_ASSERT_EQUAL(create(m, &self), BT_EINVAL);
    CU_ASSERT_PTR_NULL(self);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "plugins.conf:3: poll_intervall: unknown key");
    bts_mockhost_free(m);

    m = mock();
    bts_mockhost_conf_set(m, "poll_interval", "0");
    CU_ASSERT_EQUAL(create(m, &self), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "poll_interval: must be more than 0");
    bts_mockhost_free(m);
}

/* Fail each allocation of create in turn: every one must give BT_ENOMEM and leak nothing
 * (bts_mockhost_free fails the test on a leak). */
static void test_template_create_survives_every_allocation_failure(void)
{
    for (uint32_t nth = 1;; nth++) {
        struct bts_mockhost *m = mock();
        void *self;
        bts_mockhost_fault(m, BTS_MOCK_MEM_ALLOC, nth, BT_ENOMEM, BTS_MOCK_FAULT_ONCE);
        bt_status st = create(m, &self);
        int hit = bts_mockhost_fault_hits(m, BTS_MOCK_MEM_ALLOC) > 0;
        CU_ASSERT_EQUAL(st, hit ? BT_ENOMEM : BT_OK);
        if (st == BT_OK)
            desc->destroy(self);
        bts_mockhost_free(m);
        if (!hit)
            break;
    }
}

static void test_template_start_reports_timer_failure(void)
{
    struct bts_mockhost *m = mock();
    void *self;
    CU_ASSERT_EQUAL_FATAL(create(m, &self), BT_OK);
    bts_mockhost_fault(m, BTS_MOCK_TIMER_ADD, 1, BT_EBUSY, BTS_MOCK_FAULT_ONCE);
    CU_ASSERT_EQUAL(desc->start(self), BT_EBUSY);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m),
                           "rootchain-template: cannot arm the poll timer: busy");
    desc->destroy(self);
    bts_mockhost_free(m);
}

static void test_template_heights_reports_defer_failure(void)
{
    struct bts_mockhost *m = mock();
    void *self;
    struct heights h = {0};
    CU_ASSERT_EQUAL_FATAL(create(m, &self), BT_OK);
    bts_mockhost_fault(m, BTS_MOCK_DEFER, 1, BT_EBUSY, BTS_MOCK_FAULT_ONCE);
    CU_ASSERT_EQUAL(vt->heights(self, on_heights, &h), BT_EBUSY);
    CU_ASSERT_EQUAL(h.calls, 0); /* an error return schedules no callback */
    CU_ASSERT_EQUAL(vt->heights(self, on_heights, &h), BT_OK);
    bts_mockhost_run_deferred(m);
    CU_ASSERT_EQUAL(h.calls, 1);
    desc->destroy(self);
    bts_mockhost_free(m);
}

BTS_TEST_SUITE("template", suite_init, suite_cleanup, BTS_TEST(test_template_descriptor_is_valid),
               BTS_TEST(test_template_polls_and_reports_heights),
               BTS_TEST(test_template_finalized_never_underflows),
               BTS_TEST(test_template_unwritten_ops_answer_enotsup),
               BTS_TEST(test_template_get_block_beyond_head_is_enotfound),
               BTS_TEST(test_template_stop_cancels_pending_requests),
               BTS_TEST(test_template_refuses_bad_config),
               BTS_TEST(test_template_create_survives_every_allocation_failure),
               BTS_TEST(test_template_start_reports_timer_failure),
               BTS_TEST(test_template_heights_reports_defer_failure));
