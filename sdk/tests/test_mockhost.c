/* The mock host itself: traps, always-real services, opt-in behaviours, fault countdowns and
 * posing as an older minor. Failures are captured by a handler here instead of failing. */
#include <bts/mockhost.h>
#include <bts/test.h>

#include <string.h>

struct seen {
    unsigned n;
    char last[512];
};

static void capture(void *arg, const char *what)
{
    struct seen *s = arg;
    s->n++;
    snprintf(s->last, sizeof(s->last), "%s", what);
}

static struct bts_mockhost *new_captured(struct seen *s)
{
    memset(s, 0, sizeof(*s));
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_on_failure(m, capture, s);
    return m;
}

static void test_mockhost_traps_name_the_service(void)
{
    struct seen s;
    struct bts_mockhost *m = new_captured(&s);
    const struct bt_host *h = bts_mockhost_host(m);
    uint8_t sig[65], digest[32] = {0};
    CU_ASSERT_EQUAL(h->sign(bts_mockhost_ctx(m), sig, "k", digest), BT_EINTERNAL);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.last, "unexpected host call: sign");
    struct bt_conf_entry e;
    CU_ASSERT_EQUAL(h->conf_get(bts_mockhost_ctx(m), "x", &e), BT_EINTERNAL);
    CU_ASSERT_STRING_EQUAL(s.last, "unexpected host call: conf_get");
    CU_ASSERT_EQUAL(bts_mockhost_calls(m, BTS_MOCK_SIGN), 1);
    CU_ASSERT_EQUAL(bts_mockhost_failures(m), 2);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_svc_name(BTS_MOCK_KEY_ADDRESS), "key_address");
    bts_mockhost_free(m);
}

static void test_mockhost_table_is_complete(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    CU_ASSERT_EQUAL(h->struct_size, sizeof(struct bt_host));
    CU_ASSERT_EQUAL(h->abi_major, BT_ABI_MAJOR);
    /* Every entry after host_version is a function pointer and must be set. */
    const char *p = (const char *)h + offsetof(struct bt_host, log);
    for (size_t off = 0; off + sizeof(void (*)(void)) <= sizeof(*h) - offsetof(struct bt_host, log);
         off += sizeof(void (*)(void))) {
        void (*fn)(void);
        memcpy(&fn, p + off, sizeof(fn));
        CU_ASSERT_PTR_NOT_NULL(fn);
    }
    bts_mockhost_free(m);
}

static void test_mockhost_memory_is_accounted(void)
{
    struct seen s;
    struct bts_mockhost *m = new_captured(&s);
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    char *a = h->mem_alloc(c, 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    memset(a, 'x', 10);
    CU_ASSERT_PTR_NULL(h->mem_alloc(c, 0));
    a = h->mem_realloc(c, a, 100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(a[9], 'x');
    void *b = h->mem_realloc(c, NULL, 5);
    CU_ASSERT_EQUAL(bts_mockhost_mem_blocks(m), 2);
    CU_ASSERT_EQUAL(bts_mockhost_mem_bytes(m), 105);
    h->mem_free(c, b);
    h->mem_free(c, NULL);
    CU_ASSERT_EQUAL(s.n, 0);
    int on_stack;
    h->mem_free(c, &on_stack);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT(strstr(s.last, "misuse: mem_free") != NULL);
    /* `a` is leaked on purpose: free must name it. */
    bts_mockhost_free(m);
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_STRING_EQUAL(s.last, "leak: 1 block(s), 100 byte(s) from mem_alloc not freed");
}

static void test_mockhost_fault_once_fails_only_the_nth_call(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    bts_mockhost_fault(m, BTS_MOCK_MEM_ALLOC, 2, BT_ENOMEM, BTS_MOCK_FAULT_ONCE);
    void *a = h->mem_alloc(c, 8);
    void *b = h->mem_alloc(c, 8);
    CU_ASSERT_STRING_EQUAL(h->last_error(c), "injected fault: mem_alloc");
    void *d = h->mem_alloc(c, 8);
    CU_ASSERT_STRING_EQUAL(h->last_error(c), "");
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_PTR_NOT_NULL(d);
    CU_ASSERT_EQUAL(bts_mockhost_fault_hits(m, BTS_MOCK_MEM_ALLOC), 1);
    h->mem_free(c, a);
    h->mem_free(c, d);
    bts_mockhost_free(m);
}

static void test_mockhost_fault_persist_fails_every_later_call(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    struct bt_conf_entry e;
    bts_mockhost_conf_set(m, "url", "http://x");
    bts_mockhost_fault(m, BTS_MOCK_CONF_GET, 2, BT_ENOTFOUND, BTS_MOCK_FAULT_PERSIST);
    CU_ASSERT_EQUAL(h->conf_get(c, "url", &e), BT_OK);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(h->conf_get(c, "url", &e), BT_ENOTFOUND);
        CU_ASSERT_PTR_NULL(e.value);
    }
    CU_ASSERT_EQUAL(bts_mockhost_fault_hits(m, BTS_MOCK_CONF_GET), 3);
    bts_mockhost_fault_clear(m, BTS_MOCK_CONF_GET);
    CU_ASSERT_EQUAL(h->conf_get(c, "url", &e), BT_OK);
    bts_mockhost_free(m);
}

static void test_mockhost_fault_on_trapped_service_is_expected(void)
{
    struct seen s;
    struct bts_mockhost *m = new_captured(&s);
    uint8_t sig[65], digest[32] = {0};
    bts_mockhost_fault(m, BTS_MOCK_SIGN, 1, BT_EBUSY, BTS_MOCK_FAULT_ONCE);
    CU_ASSERT_EQUAL(bts_mockhost_host(m)->sign(bts_mockhost_ctx(m), sig, "k", digest), BT_EBUSY);
    CU_ASSERT_EQUAL(s.n, 0);
    bts_mockhost_fault(m, BTS_MOCK_LOG, 1, BT_EIO, BTS_MOCK_FAULT_ONCE);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.last, "misuse: fault injection on log: it cannot fail");
    bts_mockhost_free(m);
}

static void test_mockhost_poses_as_older_minor(void)
{
    struct seen s;
    struct bts_mockhost *m = new_captured(&s);
    const struct bt_host *h = bts_mockhost_host(m);
    CU_ASSERT(BT_HAS(struct bt_host, h, sign));
    bts_mockhost_set_struct_size(m, offsetof(struct bt_host, sign));
    CU_ASSERT(!BT_HAS(struct bt_host, h, sign));
    CU_ASSERT(!BT_HAS(struct bt_host, h, key_address));
    CU_ASSERT(BT_HAS(struct bt_host, h, service_each));
    uint8_t sig[65], digest[32] = {0};
    CU_ASSERT_EQUAL(h->sign(bts_mockhost_ctx(m), sig, "k", digest), BT_EINTERNAL);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT(strncmp(s.last, "host call beyond struct_size: sign", 34) == 0);
    bts_mockhost_free(m);
}

struct ticks {
    struct bts_mockhost *m;
    uint64_t at[8];
    unsigned n;
    uint64_t self_id;
};

static void on_tick(void *arg)
{
    struct ticks *t = arg;
    if (t->n < 8)
        t->at[t->n] = bts_mockhost_host(t->m)->now_ms(bts_mockhost_ctx(t->m));
    if (++t->n == 3)
        CU_ASSERT_EQUAL(bts_mockhost_host(t->m)->timer_del(bts_mockhost_ctx(t->m), t->self_id),
                        BT_OK);
}

static void test_mockhost_timers_fire_on_the_fake_clock(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    bts_mockhost_use_timers(m);
    struct ticks per = {.m = m}, once = {.m = m};
    uint64_t t0 = h->now_ms(c), once_id;
    CU_ASSERT_EQUAL(h->wall_ms(c) - t0, 1767225600000ull);
    CU_ASSERT_EQUAL(h->timer_add(c, 100, 100, on_tick, &per, &per.self_id), BT_OK);
    CU_ASSERT_EQUAL(h->timer_add(c, 150, 0, on_tick, &once, &once_id), BT_OK);
    CU_ASSERT_NOT_EQUAL(per.self_id, 0);
    CU_ASSERT_EQUAL(bts_mockhost_advance(m, 99), 0);
    CU_ASSERT_EQUAL(bts_mockhost_advance(m, 1), 1);
    CU_ASSERT_EQUAL(bts_mockhost_advance(m, 1000), 3); /* 150 once, 200, 300 then self-del */
    CU_ASSERT_EQUAL(per.n, 3);
    CU_ASSERT_EQUAL(per.at[0], t0 + 100);
    CU_ASSERT_EQUAL(per.at[2], t0 + 300);
    CU_ASSERT_EQUAL(once.n, 1);
    CU_ASSERT_EQUAL(once.at[0], t0 + 150);
    CU_ASSERT_EQUAL(bts_mockhost_now(m), t0 + 1100);
    CU_ASSERT_EQUAL(bts_mockhost_timer_count(m), 0);
    CU_ASSERT_EQUAL(h->timer_del(c, once_id), BT_ENOTFOUND);
    bts_mockhost_free(m);
}

static unsigned order[8], n_order;

static void record2(void *arg)
{
    order[n_order++] = 2;
    (void)arg;
}

static void record1(void *arg)
{
    struct bts_mockhost *m = arg;
    order[n_order++] = 1;
    CU_ASSERT_EQUAL(bts_mockhost_host(m)->defer(bts_mockhost_ctx(m), record2, NULL), BT_OK);
}

static void test_mockhost_defer_runs_in_order_when_asked(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_use_defer(m);
    n_order = 0;
    CU_ASSERT_EQUAL(bts_mockhost_host(m)->defer(bts_mockhost_ctx(m), record1, m), BT_OK);
    CU_ASSERT_EQUAL(n_order, 0);
    CU_ASSERT_EQUAL(bts_mockhost_run_deferred(m), 2);
    CU_ASSERT_EQUAL(n_order, 2);
    CU_ASSERT_EQUAL(order[0], 1);
    CU_ASSERT_EQUAL(order[1], 2);
    bts_mockhost_free(m);
}

struct job {
    int worked, done;
    bt_status st;
};

static void job_work(void *arg)
{
    ((struct job *)arg)->worked++;
}

static void job_done(void *arg, bt_status st)
{
    struct job *j = arg;
    j->done++;
    j->st = st;
}

static void test_mockhost_work_inline_and_queued(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    struct job a = {0}, b = {0}, d = {0};
    bts_mockhost_use_work(m, BTS_MOCK_WORK_INLINE);
    CU_ASSERT_EQUAL(h->work_submit(c, job_work, job_done, &a), BT_OK);
    CU_ASSERT_EQUAL(a.worked, 1);
    CU_ASSERT_EQUAL(a.done, 0); /* on_done comes back on the loop, later */
    CU_ASSERT_EQUAL(bts_mockhost_run_deferred(m), 1);
    CU_ASSERT_EQUAL(a.done, 1);
    CU_ASSERT_EQUAL(a.st, BT_OK);
    bts_mockhost_use_work(m, BTS_MOCK_WORK_QUEUED);
    CU_ASSERT_EQUAL(h->work_submit(c, job_work, job_done, &b), BT_OK);
    CU_ASSERT_EQUAL(h->work_submit(c, job_work, job_done, &d), BT_OK);
    CU_ASSERT_EQUAL(b.worked, 0);
    CU_ASSERT_EQUAL(bts_mockhost_run_work(m), 2);
    CU_ASSERT_EQUAL(b.worked + b.done + d.worked + d.done, 4);
    CU_ASSERT_EQUAL(h->work_submit(c, job_work, job_done, &b), BT_OK);
    CU_ASSERT_EQUAL(bts_mockhost_cancel_work(m), 1);
    CU_ASSERT_EQUAL(b.worked, 1);
    CU_ASSERT_EQUAL(b.st, BT_ECANCELED);
    bts_mockhost_free(m);
}

static void test_mockhost_conf_section_in_file_order(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    struct bt_conf_entry e;
    size_t it = 0;
    bts_mockhost_use_conf(m);
    CU_ASSERT_EQUAL(h->conf_next(c, &it, &e), BT_ENOTFOUND);
    bts_mockhost_conf_set(m, "a", "1");
    bts_mockhost_conf_set(m, "b", "2");
    CU_ASSERT_EQUAL(h->conf_get(c, "b", &e), BT_OK);
    CU_ASSERT_STRING_EQUAL(e.value, "2");
    CU_ASSERT_STRING_EQUAL(e.file, "plugins.conf");
    CU_ASSERT_EQUAL(e.line, 3);
    CU_ASSERT_EQUAL(h->conf_get(c, "zz", &e), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(e.key);
    it = 0;
    CU_ASSERT_EQUAL(h->conf_next(c, &it, &e), BT_OK);
    CU_ASSERT_STRING_EQUAL(e.key, "a");
    CU_ASSERT_EQUAL(h->conf_next(c, &it, &e), BT_OK);
    CU_ASSERT_STRING_EQUAL(e.key, "b");
    CU_ASSERT_EQUAL(h->conf_next(c, &it, &e), BT_ENOTFOUND);
    bts_mockhost_set_datadir(m, "/data");
    CU_ASSERT_STRING_EQUAL(h->datadir(c), "/data");
    bts_mockhost_free(m);
}

static int count_each(void *arg, const char *name, const void *iface, void *self)
{
    (void)name, (void)iface, (void)self;
    ++*(int *)arg;
    return 0;
}

static void test_mockhost_service_registry(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    static const uint32_t iface = 4;
    int self = 0, n = 0;
    CU_ASSERT_EQUAL(bts_mockhost_service_add(m, "rootchain/tron", &iface, &self), BT_OK);
    CU_ASSERT_EQUAL(h->service_provide(c, "rootchain/bsc", &iface, NULL), BT_OK);
    CU_ASSERT_EQUAL(h->service_provide(c, "rootchain/bsc", &iface, NULL), BT_EEXIST);
    CU_ASSERT_EQUAL(h->service_provide(c, "chain", &iface, NULL), BT_OK);
    const void *got;
    void *got_self;
    CU_ASSERT_EQUAL(h->service_find(c, "rootchain/tron", &got, &got_self), BT_OK);
    CU_ASSERT_PTR_EQUAL(got, &iface);
    CU_ASSERT_PTR_EQUAL(got_self, &self);
    CU_ASSERT_EQUAL(h->service_find(c, "nope", &got, &got_self), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(got);
    h->service_each(c, "rootchain/", count_each, &n);
    CU_ASSERT_EQUAL(n, 2);
    bts_mockhost_free(m);
}

static bt_status test_sign(void *arg, uint8_t out_sig65[65], const char *key_id,
                           const uint8_t digest[32])
{
    ++*(int *)arg;
    if (strcmp(key_id, "0xabc") != 0)
        return BT_ENOTFOUND;
    memcpy(out_sig65, digest, 32);
    memset(out_sig65 + 32, 0x11, 33);
    return BT_OK;
}

static void test_mockhost_signer_is_programmable(void)
{
    struct seen s;
    struct bts_mockhost *m = new_captured(&s);
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    int calls = 0;
    uint8_t sig[65], digest[32], addr[20];
    memset(digest, 0x42, sizeof(digest));
    bts_mockhost_set_signer(m, test_sign, NULL, &calls);
    CU_ASSERT_EQUAL(h->sign(c, sig, "0xabc", digest), BT_OK);
    CU_ASSERT_EQUAL(sig[0], 0x42);
    CU_ASSERT_EQUAL(sig[64], 0x11);
    CU_ASSERT_EQUAL(h->sign(c, sig, "other", digest), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(calls, 2);
    CU_ASSERT_EQUAL(h->key_address(c, "0xabc", addr), BT_EINTERNAL); /* still a trap */
    CU_ASSERT_STRING_EQUAL(s.last, "unexpected host call: key_address");
    bts_mockhost_free(m);
}

static void test_mockhost_log_records_enabled_lines(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    bts_mockhost_use_log(m, BT_LOG_INFO);
    CU_ASSERT(h->log_enabled(c, BT_LOG_WARN));
    CU_ASSERT(!h->log_enabled(c, BT_LOG_DEBUG));
    h->log(c, BT_LOG_WARN, "rpc retry", "attempt=%u", 3u);
    h->log(c, BT_LOG_DEBUG, "noise", NULL);
    h->log(c, BT_LOG_INFO, "started", NULL);
    CU_ASSERT_EQUAL(bts_mockhost_log_count(m), 2);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_log_line(m, 0), "level=warn msg=\"rpc retry\" attempt=3");
    CU_ASSERT_STRING_EQUAL(bts_mockhost_log_line(m, 1), "level=info msg=\"started\"");
    CU_ASSERT_PTR_NULL(bts_mockhost_log_line(m, 2));
    CU_ASSERT_EQUAL(bts_mockhost_log_find(m, "msg="), 2);
    bts_mockhost_free(m);
}

static void test_mockhost_metrics(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    const struct bt_host *h = bts_mockhost_host(m);
    struct bt_host_ctx *c = bts_mockhost_ctx(m);
    uint32_t cnt, g;
    double v;
    bts_mockhost_use_metrics(m);
    CU_ASSERT_EQUAL(h->metric_register(c, BT_METRIC_COUNTER, "polls", "x", NULL, 0, &cnt), BT_OK);
    CU_ASSERT_EQUAL(h->metric_register(c, BT_METRIC_GAUGE, "head", "x", NULL, 0, &g), BT_OK);
    CU_ASSERT_EQUAL(h->metric_register(c, BT_METRIC_GAUGE, "head", "x", NULL, 0, &g), BT_EEXIST);
    h->metric_update(c, cnt, 2);
    h->metric_update(c, cnt, 3);
    h->metric_update(c, g, 7);
    h->metric_update(c, g, 9);
    CU_ASSERT_EQUAL(bts_mockhost_metric(m, "polls", &v), BT_OK);
    CU_ASSERT_DOUBLE_EQUAL(v, 5, 0);
    CU_ASSERT_EQUAL(bts_mockhost_metric(m, "head", &v), BT_OK);
    CU_ASSERT_DOUBLE_EQUAL(v, 9, 0);
    CU_ASSERT_EQUAL(bts_mockhost_metric(m, "none", &v), BT_ENOTFOUND);
    bts_mockhost_free(m);
}

static void test_mockhost_set_error_is_kept(void)
{
    struct bts_mockhost *m = bts_mockhost_new();
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "");
    bts_mockhost_host(m)->set_error(bts_mockhost_ctx(m), "key too long: %d bytes", 300);
    CU_ASSERT_STRING_EQUAL(bts_mockhost_error(m), "key too long: 300 bytes");
    bts_mockhost_free(m);
}

BTS_TEST_SUITE("mockhost", NULL, NULL, BTS_TEST(test_mockhost_traps_name_the_service),
               BTS_TEST(test_mockhost_table_is_complete),
               BTS_TEST(test_mockhost_memory_is_accounted),
               BTS_TEST(test_mockhost_fault_once_fails_only_the_nth_call),
               BTS_TEST(test_mockhost_fault_persist_fails_every_later_call),
               BTS_TEST(test_mockhost_fault_on_trapped_service_is_expected),
               BTS_TEST(test_mockhost_poses_as_older_minor),
               BTS_TEST(test_mockhost_timers_fire_on_the_fake_clock),
               BTS_TEST(test_mockhost_defer_runs_in_order_when_asked),
               BTS_TEST(test_mockhost_work_inline_and_queued),
               BTS_TEST(test_mockhost_conf_section_in_file_order),
               BTS_TEST(test_mockhost_service_registry),
               BTS_TEST(test_mockhost_signer_is_programmable),
               BTS_TEST(test_mockhost_log_records_enabled_lines), BTS_TEST(test_mockhost_metrics),
               BTS_TEST(test_mockhost_set_error_is_kept));
