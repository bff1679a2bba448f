/* consensus-bttc as a client of Delivery's REST API (PROTOCOL.md §4.9, delivery_url=): a small
 * loopback server answers in upstream's shapes; the client retries a failed span every 5 s,
 * pages event records by 50, treats 204 as the end, and finalize commits what it served. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bttc_test.h"

static struct {
    int fd;
    uint16_t port;
    pthread_t th;
    pthread_mutex_t mu;
    char paths[32][160];
    int n_paths;
    int span_failures; /* answer /bor/span/1 with 500 this many times first */
    int stop;
} SRV;

static const char SPAN1[] =
    "{\"height\":\"7\",\"result\":{\"span_id\":1,\"start_block\":16,\"end_block\":31,"
    "\"bor_chain_id\":\"1337\",\"validator_set\":{\"validators\":[{\"ID\":1,\"power\":2,"
    "\"signer\":\"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"accum\":0}],\"proposer\":null},"
    "\"selected_producers\":[{\"ID\":1,\"power\":2,\"signer\":"
    "\"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"accum\":0}]}}";

static void append_record(struct bts_buf *b, unsigned id)
{
    CU_ASSERT(bts_buf_printf(b,
                             "%s{\"id\":%u,\"contract\":\"0xcccccccccccccccccccccccccccccccccccc"
                             "cccc\",\"data\":\"0x01\",\"tx_hash\":\"0x%064u\",\"log_index\":%u,"
                             "\"bor_chain_id\":\"1337\",\"record_time\":"
                             "\"2020-01-01T00:00:00Z\",\"root_chain_type\":\"eth\"}",
                             b->len > 30 ? "," : "", id, id, id) == BT_OK);
}

static void reply(int c, int status, const char *body)
{
    char head[256];
    snprintf(head, sizeof(head),
             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n",
             status, strlen(body));
    if (write(c, head, strlen(head)) < 0 || write(c, body, strlen(body)) < 0)
        return;
}

static void *srv_main(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(SRV.fd, NULL, NULL);
        if (c < 0 || SRV.stop) {
            if (c >= 0)
                close(c);
            return NULL;
        }
        char req[2048];
        ssize_t n = read(c, req, sizeof(req) - 1);
        req[n > 0 ? n : 0] = 0;
        char path[160] = "";
        sscanf(req, "GET %159s", path);
        pthread_mutex_lock(&SRV.mu);
        if (SRV.n_paths < 32)
            snprintf(SRV.paths[SRV.n_paths++], 160, "%s", path);
        int fail = strcmp(path, "/bor/span/1") == 0 && SRV.span_failures > 0;
        if (fail)
            SRV.span_failures--;
        pthread_mutex_unlock(&SRV.mu);
        unsigned from = 0;
        if (fail) {
            reply(c, 500, "{\"error\":\"not yet\"}");
        } else if (strcmp(path, "/bor/span/1") == 0) {
            reply(c, 200, SPAN1);
        } else if (sscanf(path, "/clerk/event-record/list?from-id=%u", &from) == 1) {
            if (from > 51) {
                reply(c, 204, "");
            } else {
                struct bts_buf b;
                bts_buf_init(&b);
                CU_ASSERT(bts_buf_append_str(&b, "{\"height\":\"9\",\"result\":[") == BT_OK);
                unsigned last = from == 1 ? 50 : 51;
                for (unsigned id = from; id <= last; id++)
                    append_record(&b, id);
                CU_ASSERT(bts_buf_append_str(&b, "]}") == BT_OK);
                CU_ASSERT(bts_buf_append_byte(&b, 0) == BT_OK);
                reply(c, 200, (const char *)b.data);
                bts_buf_free(&b);
            }
        } else {
            reply(c, 404, "{}");
        }
        close(c);
    }
}

static void srv_start(int span_failures)
{
    memset(&SRV, 0, sizeof(SRV));
    pthread_mutex_init(&SRV.mu, NULL);
    SRV.span_failures = span_failures;
    SRV.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CU_ASSERT_FATAL(bind(SRV.fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    socklen_t len = sizeof(a);
    CU_ASSERT_FATAL(getsockname(SRV.fd, (struct sockaddr *)&a, &len) == 0);
    SRV.port = ntohs(a.sin_port);
    CU_ASSERT_FATAL(listen(SRV.fd, 8) == 0);
    CU_ASSERT_FATAL(pthread_create(&SRV.th, NULL, srv_main, NULL) == 0);
}

static void srv_stop(void)
{
    SRV.stop = 1;
    int c = socket(AF_INET, SOCK_STREAM, 0); /* wake accept */
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(SRV.port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(c, (struct sockaddr *)&a, sizeof(a)) != 0)
        CU_FAIL("wake");
    close(c);
    pthread_join(SRV.th, NULL);
    close(SRV.fd);
    pthread_mutex_destroy(&SRV.mu);
}

static struct fixture F;

static unsigned N_SYSCALLS;

static bt_status count_syscall(void *state, const uint8_t to[20], const uint8_t *data,
                               size_t data_len, uint64_t gas, struct bt_value *output,
                               uint32_t *out_reverted)
{
    (void)state;
    (void)data;
    (void)gas;
    (void)output;
    CU_ASSERT_EQUAL(to[19], 0x00); /* only commitSpan here */
    CU_ASSERT_EQUAL(memcmp(data, "\x23\xc2\xa2\xb4", 4), 0);
    CU_ASSERT_TRUE(data_len > 4);
    *out_reverted = 0;
    N_SYSCALLS++;
    return BT_OK;
}

static const struct bt_block_state_ops OPS = {.struct_size = sizeof(struct bt_block_state_ops),
                                              .system_call = count_syscall};

static void teardown(void)
{
    bttc_destroy(F.b);
    F.b = NULL;
    bts_mockhost_run_deferred(F.m); /* transfers that were in flight finish and are freed */
    fixture_free(&F);
    srv_stop();
}

static void start_rest(void)
{
    memset(&F, 0, sizeof(F));
    F.m = bts_mockhost_new();
    fixture_conf(&F);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/", SRV.port);
    bts_mockhost_conf_set(F.m, "delivery_url", url);
    bts_mockhost_use_work(F.m, BTS_MOCK_WORK_INLINE);
    bts_mockhost_use_defer(F.m);
    fixture_start(&F, 1);
    fixture_started(&F, 1);
    CU_ASSERT_PTR_EQUAL_FATAL(F.b->src, &bttc_rest_iface);
}

static void test_bttc_rest_span_retries_every_5s(void)
{
    srv_start(1);
    start_rest();
    struct bts_span s;
    CU_ASSERT_EQUAL(F.b->src->span(F.b->src_self, 1, &s), BT_EBUSY);
    bts_mockhost_run_deferred(F.m); /* the 500 arrives: a retry timer is armed */
    CU_ASSERT_EQUAL(F.b->src->span(F.b->src_self, 1, &s), BT_EBUSY);
    CU_ASSERT_EQUAL(bts_mockhost_log_find(F.m, "retrying in 5s"), 1);
    CU_ASSERT_EQUAL(bts_mockhost_advance(F.m, 4999), 0);
    CU_ASSERT_EQUAL(bts_mockhost_advance(F.m, 1), 1);
    bts_mockhost_run_deferred(F.m);
    CU_ASSERT_EQUAL_FATAL(F.b->src->span(F.b->src_self, 1, &s), BT_OK);
    CU_ASSERT_EQUAL(s.end_block, 31);
    CU_ASSERT_STRING_EQUAL(s.chain_id, "1337");
    bts_span_free(&s);
    CU_ASSERT_EQUAL(SRV.n_paths, 2);
    CU_ASSERT_STRING_EQUAL(SRV.paths[1], "/bor/span/1");
    /* finalize at block 12 commits the span it served */
    int order[FC_KEYS];
    tk_sorted(3, order);
    for (int i = 0; i < 12; i++)
        fc_add_block(&F, order[0], 2, 3);
    F.c->span[2] = 15;
    F.c->last_state_id = 100; /* nothing to sync: the records request below stays empty */
    struct bttc_hdr k;
    struct bt_header h;
    abi_of(&h, &k, F.c->rlp[12], F.c->len[12]);
    /* the span is there; the records request for ids > 100 is sent (EBUSY) and answered 204 */
    CU_ASSERT_EQUAL(bttc_vtbl.finalize(F.b, &h, &OPS, NULL), BT_EBUSY);
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(F.m), "being fetched"));
    bts_mockhost_run_deferred(F.m);
    N_SYSCALLS = 0;
    CU_ASSERT_EQUAL(bttc_vtbl.finalize(F.b, &h, &OPS, NULL), BT_OK);
    CU_ASSERT_EQUAL(N_SYSCALLS, 1);
    bttc_hdr_free(&k);
    teardown();
}

static void test_bttc_rest_event_records_paged(void)
{
    srv_start(0);
    start_rest();
    struct bts_event_list l = {0};
    CU_ASSERT_EQUAL(F.b->src->event_records(F.b->src_self, 1, 1700000000, &l), BT_EBUSY);
    bts_mockhost_run_deferred(F.m); /* page 1 (50) then page 2 (1) */
    CU_ASSERT_EQUAL_FATAL(F.b->src->event_records(F.b->src_self, 1, 1700000000, &l), BT_OK);
    CU_ASSERT_EQUAL(l.n, 51);
    CU_ASSERT_EQUAL(l.v[50].id, 51);
    CU_ASSERT_EQUAL(l.v[50].log_index, 51);
    CU_ASSERT_STRING_EQUAL(SRV.paths[0],
                           "/clerk/event-record/list?from-id=1&to-time=1700000000&limit=50");
    CU_ASSERT_STRING_EQUAL(SRV.paths[1],
                           "/clerk/event-record/list?from-id=51&to-time=1700000000&limit=50");
    bts_event_list_free(&l);
    /* 204: no records */
    CU_ASSERT_EQUAL(F.b->src->event_records(F.b->src_self, 60, 1700000000, &l), BT_EBUSY);
    bts_mockhost_run_deferred(F.m);
    CU_ASSERT_EQUAL(F.b->src->event_records(F.b->src_self, 60, 1700000000, &l), BT_OK);
    CU_ASSERT_EQUAL(l.n, 0);
    /* a request abandoned for another: its late answer is dropped, not mixed in */
    CU_ASSERT_EQUAL(F.b->src->event_records(F.b->src_self, 1, 1700000001, &l), BT_EBUSY);
    CU_ASSERT_EQUAL(F.b->src->event_records(F.b->src_self, 70, 1700000001, &l), BT_EBUSY);
    bts_mockhost_run_deferred(F.m);
    CU_ASSERT_EQUAL(F.b->src->event_records(F.b->src_self, 70, 1700000001, &l), BT_OK);
    CU_ASSERT_EQUAL(l.n, 0);
    teardown();
}

BTS_TEST_SUITE("bttc_rest", NULL, NULL, BTS_TEST(test_bttc_rest_span_retries_every_5s),
               BTS_TEST(test_bttc_rest_event_records_paged));
