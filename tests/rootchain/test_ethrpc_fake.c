/* bts/http.h + bts/ethrpc.h against a tiny in-process fake JSON-RPC server (libevent evhttp on
 * its own thread): range splitting, failover, retries, size cap, chain id check and hostile
 * answers. The client runs on the mock host (INLINE workers, fake clock for backoff). */
#include <bts/ethrpc.h>
#include <bts/mockhost.h>
#include <bts/test.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <jansson.h>

/* --- the fake server ----------------------------------------------------------------------- */

static struct event_base *srv_base;
static struct evhttp *srv_http;
static pthread_t srv_thread;
static unsigned srv_port;
static pthread_mutex_t srv_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t srv_log_limit;   /* eth_getLogs windows above this are refused (-32005) */
static int srv_fail_first;       /* answer 503 to this many requests first */
static const char *srv_override; /* answer every request with this body (id ignored) */
static uint64_t srv_chain = 1;
static int srv_requests, srv_log_requests;

static void srv_reply(struct evhttp_request *req, int code, const char *body)
{
    struct evbuffer *b = evbuffer_new();
    evbuffer_add(b, body, strlen(body));
    evhttp_send_reply(req, code, code == 200 ? "OK" : "ERR", b);
    evbuffer_free(b);
}

static json_t *srv_logs(uint64_t from, uint64_t to)
{
    json_t *a = json_array();
    for (uint64_t n = from; n <= to; n++) {
        char num[24], bh[67];
        snprintf(num, sizeof(num), "0x%llx", (unsigned long long)n);
        snprintf(bh, sizeof(bh), "0x%064llx", (unsigned long long)n + 1);
        json_array_append_new(
            a, json_pack("{s:s,s:[s],s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "address",
                         "0x00000000000000000000000000000000000000aa", "topics",
                         "0x00000000000000000000000000000000000000000000000000000000000000bb",
                         "data", "0x0102", "blockNumber", num, "blockHash", bh, "transactionHash",
                         bh, "transactionIndex", "0x0", "logIndex", "0x0", "removed", 0));
    }
    return a;
}

static void srv_handle(struct evhttp_request *req, void *arg)
{
    (void)arg;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    char *body = malloc(len + 1);
    evbuffer_remove(in, body, len);
    body[len] = 0;
    json_t *q = json_loads(body, 0, NULL);
    free(body);
    pthread_mutex_lock(&srv_mu);
    srv_requests++;
    int fail = srv_fail_first > 0 ? srv_fail_first-- : 0;
    const char *over = srv_override;
    pthread_mutex_unlock(&srv_mu);
    if (fail) {
        srv_reply(req, 503, "busy");
        json_decref(q);
        return;
    }
    if (over) {
        srv_reply(req, 200, over);
        json_decref(q);
        return;
    }
    json_int_t id = json_integer_value(json_object_get(q, "id"));
    const char *m = json_string_value(json_object_get(q, "method"));
    json_t *res = NULL, *err = NULL;
    if (!strcmp(m, "eth_chainId")) {
        res = json_sprintf("0x%llx", (unsigned long long)srv_chain);
    } else if (!strcmp(m, "eth_blockNumber")) {
        res = json_string("0x64");
    } else if (!strcmp(m, "eth_getLogs")) {
        json_t *f = json_array_get(json_object_get(q, "params"), 0);
        uint64_t from = strtoull(json_string_value(json_object_get(f, "fromBlock")), NULL, 16);
        uint64_t to = strtoull(json_string_value(json_object_get(f, "toBlock")), NULL, 16);
        srv_log_requests++;
        if (srv_log_limit && to - from + 1 > srv_log_limit)
            err = json_pack("{s:i,s:s}", "code", -32005, "message",
                            "query returned more than 10000 results");
        else
            res = srv_logs(from, to);
    } else {
        err = json_pack("{s:i,s:s}", "code", -32601, "message", "method not found");
    }
    json_t *a = json_pack("{s:s,s:I}", "jsonrpc", "2.0", "id", id);
    json_object_set_new(a, err ? "error" : "result", err ? err : res);
    char *s = json_dumps(a, JSON_COMPACT);
    srv_reply(req, 200, s);
    free(s);
    json_decref(a);
    json_decref(q);
}

static void *srv_run(void *arg)
{
    (void)arg;
    event_base_dispatch(srv_base);
    return NULL;
}

static int suite_init(void)
{
    evthread_use_pthreads();
    srv_base = event_base_new();
    srv_http = evhttp_new(srv_base);
    struct evhttp_bound_socket *s = evhttp_bind_socket_with_handle(srv_http, "127.0.0.1", 0);
    if (!s)
        return 1;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&ss, &sl);
    srv_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    evhttp_set_gencb(srv_http, srv_handle, NULL);
    return pthread_create(&srv_thread, NULL, srv_run, NULL) != 0;
}

static int suite_cleanup(void)
{
    event_base_loopbreak(srv_base);
    pthread_join(srv_thread, NULL);
    evhttp_free(srv_http);
    event_base_free(srv_base);
    return 0;
}

static void srv_reset(void)
{
    pthread_mutex_lock(&srv_mu);
    srv_log_limit = 0, srv_fail_first = 0, srv_override = NULL, srv_chain = 1;
    srv_requests = 0, srv_log_requests = 0;
    pthread_mutex_unlock(&srv_mu);
}

/* --- the client side ------------------------------------------------------------------------ */

struct fx {
    struct bts_mockhost *m;
    struct bts_ethrpc *rpc;
    char good[64], dead[64];
};

static void fx_open(struct fx *x, int dead_first, uint64_t chain, size_t cap)
{
    srv_reset();
    snprintf(x->good, sizeof(x->good), "http://127.0.0.1:%u", srv_port);
    snprintf(x->dead, sizeof(x->dead), "http://127.0.0.1:1");
    const char *urls[2] = {dead_first ? x->dead : x->good, x->good};
    x->m = bts_mockhost_new();
    bts_mockhost_use_log(x->m, BT_LOG_DEBUG);
    bts_mockhost_use_timers(x->m);
    bts_mockhost_use_defer(x->m);
    bts_mockhost_use_work(x->m, BTS_MOCK_WORK_INLINE);
    struct bts_ethrpc_conf c = {.http = {.urls = urls,
                                         .n_urls = dead_first ? 2 : 1,
                                         .timeout_ms = 2000,
                                         .max_response = cap},
                                .chain_id = chain};
    CU_ASSERT_EQUAL_FATAL(
        bts_ethrpc_new(&x->rpc, bts_mockhost_host(x->m), bts_mockhost_ctx(x->m), &c), BT_OK);
}

static void fx_close(struct fx *x)
{
    bts_ethrpc_free(x->rpc);
    bts_mockhost_free(x->m);
}

static void pump(struct fx *x, const int *done)
{
    for (int i = 0; i < 100000 && !*done; i++)
        if (bts_mockhost_run_deferred(x->m) == 0)
            bts_mockhost_advance(x->m, 10);
    CU_ASSERT_TRUE(*done);
}

struct res {
    int done;
    bt_status st;
    uint64_t v;
    size_t n;
    uint64_t blocks[64];
    char err[512];
};

static void on_u64(void *arg, bt_status st, uint64_t v, const char *err)
{
    struct res *r = arg;
    r->done = 1, r->st = st, r->v = v;
    snprintf(r->err, sizeof(r->err), "%s", err);
}

static void on_logs(void *arg, bt_status st, const struct bt_rootchain_log *l, size_t n,
                    const char *err)
{
    struct res *r = arg;
    r->done = 1, r->st = st, r->n = n;
    for (size_t i = 0; i < n && i < 64; i++) {
        r->blocks[i] = l[i].block_number;
        CU_ASSERT_EQUAL(l[i].data_len, 2);
        CU_ASSERT_EQUAL(l[i].data[1], 2);
    }
    snprintf(r->err, sizeof(r->err), "%s", err);
}

static const uint8_t addr_aa[1][20] = {{[19] = 0xaa}};

static void get_logs(struct fx *x, uint64_t from, uint64_t to, uint64_t max_range, struct res *r)
{
    struct bt_rootchain_filter f = {.struct_size = sizeof(f),
                                    .addresses = addr_aa,
                                    .n_addresses = 1,
                                    .from_block = from,
                                    .to_block = to};
    memset(r, 0, sizeof(*r));
    CU_ASSERT_EQUAL_FATAL(bts_ethrpc_get_logs(x->rpc, &f, max_range, on_logs, r), BT_OK);
    pump(x, &r->done);
}

static void test_ethrpc_logs_split_on_refusal(void)
{
    struct fx x;
    struct res r;
    fx_open(&x, 0, 0, 0);
    srv_log_limit = 3;
    get_logs(&x, 10, 29, 16, &r);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.n, 20);
    for (size_t i = 0; i < r.n; i++)
        CU_ASSERT_EQUAL(r.blocks[i], 10 + i);
    CU_ASSERT_TRUE(srv_log_requests > 7); /* refused windows were halved, then paged */
    srv_log_limit = 0;
    get_logs(&x, 10, 29, 0, &r); /* one query */
    CU_ASSERT_EQUAL(r.n, 20);
    fx_close(&x);
}

static void test_ethrpc_logs_one_block_refused(void)
{
    struct fx x;
    struct res r;
    fx_open(&x, 0, 0, 0);
    srv_override = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,\"message\":\"limit "
                   "exceeded\"}}";
    get_logs(&x, 5, 8, 4, &r);
    CU_ASSERT_EQUAL(r.st, BT_EPROTO); /* id 1 is not the id of every request: caught first */
    fx_close(&x);
}

static void test_ethrpc_failover_and_retry(void)
{
    struct fx x;
    struct res r = {0};
    fx_open(&x, 1, 1, 0);
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.v, 100);
    CU_ASSERT_STRING_EQUAL(bts_ethrpc_url(x.rpc), x.good);
    CU_ASSERT_EQUAL(bts_ethrpc_chain_id(x.rpc), 1);
    srv_fail_first = 1; /* 503 from the good one, refused by the dead one, then an answer */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    srv_fail_first = 100; /* every attempt fails: a clear error naming the status */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    CU_ASSERT_EQUAL(r.st, BT_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "eth_blockNumber: http://127.0.0.1:"));
    fx_close(&x);
}

static void test_ethrpc_wrong_chain_refused(void)
{
    struct fx x;
    struct res r = {0};
    fx_open(&x, 0, 56, 0);
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    CU_ASSERT_EQUAL(r.st, BTS_ETHRPC_ECHAIN);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "reports chain id 1, expected 56"));
    fx_close(&x);
}

static void test_ethrpc_hostile_answers(void)
{
    static const char *const bodies[] = {
        "",
        "[1,2",
        "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":\"0x1\"}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":\"0x1\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xzz\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":12}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10000000000000000\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}",
        NULL};
    for (int i = 0; bodies[i]; i++) {
        struct fx x;
        struct res r = {0};
        fx_open(&x, 0, 0, 0);
        srv_override = bodies[i];
        CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
        pump(&x, &r.done);
        CU_ASSERT_NOT_EQUAL(r.st, BT_OK);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "eth_blockNumber: "));
        fx_close(&x);
    }
}

static void test_ethrpc_response_cap(void)
{
    struct fx x;
    struct res r;
    fx_open(&x, 0, 0, 200);
    get_logs(&x, 0, 9, 0, &r);
    CU_ASSERT_EQUAL(r.st, BT_ERANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "larger than 200 bytes"));
    fx_close(&x);
}

static void test_ethrpc_parsers_reject_bad_fields(void)
{
    char err[256];
    struct bts_ethrpc_logs l;
    json_t *v = json_loads("[{\"address\":\"0x00000000000000000000000000000000000000aa\","
                           "\"topics\":[],\"data\":\"0x\",\"blockNumber\":\"0x1\",\"blockHash\":"
                           "\"0x01\",\"transactionHash\":\"0x01\",\"transactionIndex\":\"0x0\","
                           "\"logIndex\":\"0x0\"}]",
                           0, NULL);
    CU_ASSERT_EQUAL(bts_ethrpc_parse_logs(&l, v, err, sizeof(err)), BT_EPROTO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "log 0: blockHash"));
    bts_ethrpc_logs_free(&l);
    json_decref(v);
    struct bts_ethrpc_receipt rc;
    CU_ASSERT_EQUAL(bts_ethrpc_parse_receipt(&rc, json_null(), err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_TRUE(bts_ethrpc_is_range_error(0, "Log response size exceeded", 200));
    CU_ASSERT_TRUE(bts_ethrpc_is_range_error(0, "", 413));
    CU_ASSERT_FALSE(bts_ethrpc_is_range_error(-32000, "nonce too low", 200));
}

/* Every answer is counted once, by kind; an answer after a failed transfer is a reconnect. */
static void test_ethrpc_stats_by_kind(void)
{
    struct fx x;
    struct res r = {0};
    struct bts_ethrpc_stats k;
    fx_open(&x, 0, 0, 0);
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    srv_fail_first = 100; /* an outage: every attempt answered 503 */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    CU_ASSERT_EQUAL(r.st, BT_EIO);
    srv_fail_first = 0; /* back */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    srv_override = "[1,2"; /* truncated */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    bts_ethrpc_get_stats(x.rpc, &k);
    CU_ASSERT_EQUAL(k.requests, 4);
    CU_ASSERT_EQUAL(k.ok, 2);
    CU_ASSERT_EQUAL(k.err_transport, 1);
    CU_ASSERT_EQUAL(k.err_invalid, 1);
    CU_ASSERT_EQUAL(k.err_timeout + k.err_remote + k.err_chain + k.cancelled, 0);
    CU_ASSERT_EQUAL(k.reconnects, 1);
    fx_close(&x);
    fx_open(&x, 0, 56, 0); /* a node of another chain */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL(bts_ethrpc_u64(x.rpc, "eth_blockNumber", on_u64, &r), BT_OK);
    pump(&x, &r.done);
    bts_ethrpc_get_stats(x.rpc, &k);
    CU_ASSERT_EQUAL(k.err_chain, 1);
    fx_close(&x);
}

BTS_TEST_SUITE("ethrpc_fake", suite_init, suite_cleanup,
               BTS_TEST(test_ethrpc_logs_split_on_refusal),
               BTS_TEST(test_ethrpc_logs_one_block_refused),
               BTS_TEST(test_ethrpc_failover_and_retry), BTS_TEST(test_ethrpc_wrong_chain_refused),
               BTS_TEST(test_ethrpc_hostile_answers), BTS_TEST(test_ethrpc_response_cap),
               BTS_TEST(test_ethrpc_parsers_reject_bad_fields),
               BTS_TEST(test_ethrpc_stats_by_kind));
