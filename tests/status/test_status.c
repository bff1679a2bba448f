/* The status page server (host/status) on a real loop: a dispatcher with stand-in eth_* and
 * bor_* methods (a chain at block 100, a block a second), a stand-in remote node and basechain
 * (an evhttp JSON-RPC server on the same loop, RootChain at checkpoint 10000 ending at Bttc
 * block 90), then /, /status.json, 404 and 405 fetched with libevent's client; and the option
 * errors. */
#include "status_priv.h"

#include "net_int.h"

#include <bts/test.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#define HEAD    100
#define HASH_AA "0x00000000000000000000000000000000000000000000000000000000000000aa"

static struct event_base *base;

static void block_json(char *out, size_t cap, uint64_t n)
{
    snprintf(out, cap,
             "{\"number\":\"0x%" PRIx64 "\",\"hash\":\"0x%064" PRIx64
             "\",\"timestamp\":\"0x%" PRIx64 "\",\"transactions\":[\"0x%064x\"]}",
             n, n + 1, 1000 + n + (n == 50), 7);
}

/* eth_getBlockByNumber ["latest"|"0x..", false]: blocks 0..HEAD, block 51 two seconds late. */
static void m_block(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    json_t *p = json_loadb(call->params, call->params_len, 0, NULL);
    const char *tag = json_string_value(json_array_get(p, 0));
    uint64_t n = HEAD;
    if (tag && strcmp(tag, "latest") != 0)
        n = strtoull(tag + 2, NULL, 16);
    char b[512];
    block_json(b, sizeof(b), n);
    rpc_call_result(call, n <= HEAD ? b : "null");
    json_decref(p);
}

static void m_fixed(void *arg, struct bt_rpc_call *call)
{
    rpc_call_result(call, arg);
}

/* The remote: eth_blockNumber 0x2a, net_peerCount 0x3, and the two RootChain views. */
static void on_remote(struct evhttp_request *req, void *arg)
{
    (void)arg;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    json_t *batch = json_loadb((const char *)evbuffer_pullup(in, (ssize_t)len), len, 0, NULL);
    json_t *out = json_array();
    size_t i;
    json_t *q;
    json_array_foreach(batch, i, q)
    {
        const char *m = json_string_value(json_object_get(q, "method"));
        const char *data = json_string_value(
            json_object_get(json_array_get(json_object_get(q, "params"), 0), "data"));
        if (strcmp(m, "eth_getBlockByNumber") == 0) {
            json_array_append_new(out,
                                  json_pack("{s:s,s:O,s:{s:s}}", "jsonrpc", "2.0", "id",
                                            json_object_get(q, "id"), "result", "hash", HASH_AA));
            continue;
        }
        const char *res =
            strcmp(m, "eth_blockNumber") == 0 ? "0x2a"
            : strcmp(m, "net_peerCount") == 0 ? "0x3"
            : data && strcmp(data, "0xec7e4855") == 0
                ? "0x0000000000000000000000000000000000000000000000000000000000002710"
                : "0x000000000000000000000000000000000000000000000000000000000000005a";
        json_array_append_new(out, json_pack("{s:s,s:O,s:s}", "jsonrpc", "2.0", "id",
                                             json_object_get(q, "id"), "result", res));
    }
    char *text = json_dumps(out, JSON_COMPACT);
    struct evbuffer *b = evbuffer_new();
    evbuffer_add(b, text, strlen(text));
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
    free(text);
    json_decref(out);
    json_decref(batch);
}

struct got {
    int code;
    char ctype[64];
    char *body;
};

static void on_got(struct evhttp_request *req, void *arg)
{
    struct got *g = arg;
    g->code = req ? evhttp_request_get_response_code(req) : 0;
    if (req) {
        const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
        snprintf(g->ctype, sizeof(g->ctype), "%s", ct ? ct : "");
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(in);
        g->body = calloc(1, len + 1);
        evbuffer_remove(in, g->body, len);
    }
    event_base_loopbreak(base);
}

static struct got fetch(uint16_t port, enum evhttp_cmd_type cmd, const char *path)
{
    struct got g = {0};
    struct evhttp_connection *c = evhttp_connection_base_new(base, NULL, "127.0.0.1", port);
    struct evhttp_request *req = evhttp_request_new(on_got, &g);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "127.0.0.1");
    evhttp_make_request(c, req, cmd, path);
    event_base_dispatch(base);
    evhttp_connection_free(c);
    return g;
}

static void run_for(int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
}

static void test_status_json_and_page(void)
{
    base = event_base_new();
    struct rpc_limits lim;
    rpc_limits_default(&lim);
    struct rpc_server *rpc = rpc_server_new(&lim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rpc);
    CU_ASSERT_EQUAL(rpc_register(rpc, NULL, "eth_getBlockByNumber", 0, m_block, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(rpc, NULL, "net_peerCount", 0, m_fixed, "\"0x1\""), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(rpc, NULL, "eth_chainId", 0, m_fixed, "\"0x539\""), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(rpc, NULL, "bor_getCurrentProposer", 0, m_fixed,
                                 "\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\""),
                    BT_OK);
    /* Remote node and basechain. */
    struct evhttp *remote = evhttp_new(base);
    evhttp_set_gencb(remote, on_remote, NULL);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(remote, "127.0.0.1", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bs);
    uint16_t rport = net_bound_port(evhttp_bound_socket_get_fd(bs));
    char peers[128], roots[256];
    snprintf(peers, sizeof(peers), "v1=http://127.0.0.1:%u,v2=http://127.0.0.1:1", rport);
    snprintf(roots, sizeof(roots),
             "eth=http://127.0.0.1:%u/=0x0165878a594ca255338adfa4d48449f69242eb8f", rport);
    struct status_opts o;
    status_opts_default(&o);
    CU_ASSERT_EQUAL(o.port, 8550);
    o.is_on = 1;
    o.port = 0;
    o.name = "v0";
    o.peers = peers;
    o.rootchains = roots;
    struct statusd *d = NULL;
    uint16_t port = 0;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(statusd_start(base, rpc, &o, &d, &port, err, sizeof(err)), BT_OK);
    CU_ASSERT_NOT_EQUAL(port, 0);
    run_for(1300); /* two ticks: the remotes answered, one lag sample taken after */

    struct got g = fetch(port, EVHTTP_REQ_GET, "/status.json");
    CU_ASSERT_EQUAL(g.code, 200);
    CU_ASSERT_STRING_EQUAL(g.ctype, "application/json");
    json_t *s = json_loads(g.body ? g.body : "", 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(s, "chain_id")), 1337);
    json_t *head = json_object_get(s, "head");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(head, "number")), HEAD);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(head, "txs")), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(s, "peers")), 1);
    json_t *blocks = json_object_get(s, "blocks");
    CU_ASSERT_EQUAL(json_array_size(blocks), STATUS_N_BLOCKS);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(blocks, 0), "number")),
                    HEAD - STATUS_N_BLOCKS + 1);
    /* Unknown facts are null, never made up: no validator set, span or Delivery here. */
    CU_ASSERT_TRUE(json_is_null(json_object_get(s, "validators")));
    CU_ASSERT_TRUE(json_is_null(json_object_get(s, "span")));
    CU_ASSERT_TRUE(json_is_null(json_object_get(s, "delivery")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s, "name")), "v0");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s, "proposer")),
                           "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    json_t *others = json_object_get(s, "others");
    CU_ASSERT_EQUAL_FATAL(json_array_size(others), 2);
    json_t *v1 = json_array_get(others, 0), *v2 = json_array_get(others, 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v1, "name")), "v1");
    CU_ASSERT_TRUE(json_is_true(json_object_get(v1, "ok")));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(v1, "head")), 42);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(v1, "peers")), 3);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v1, "hash")), HASH_AA);
    CU_ASSERT_TRUE(json_is_false(json_object_get(v2, "ok")));
    CU_ASSERT_TRUE(json_is_null(json_object_get(v2, "head")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v2, "error")), "no answer");
    json_t *eth = json_array_get(json_object_get(s, "basechains"), 0);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(eth, "checkpoint")), 10000);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(eth, "last_child_block")), 90);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(eth, "lag")), HEAD - 90);
    CU_ASSERT_TRUE(json_array_size(json_object_get(eth, "lags")) >= 1);
    json_decref(s);
    free(g.body);

    g = fetch(port, EVHTTP_REQ_GET, "/");
    CU_ASSERT_EQUAL(g.code, 200);
    CU_ASSERT_STRING_EQUAL(g.ctype, "text/html; charset=utf-8");
    CU_ASSERT_EQUAL(strlen(g.body ? g.body : ""), status_page_html_len);
    CU_ASSERT_PTR_NOT_NULL(strstr(g.body ? g.body : "", "status.json"));
    free(g.body);
    g = fetch(port, EVHTTP_REQ_GET, "/nope");
    CU_ASSERT_EQUAL(g.code, 404);
    free(g.body);
    g = fetch(port, EVHTTP_REQ_POST, "/status.json");
    CU_ASSERT_EQUAL(g.code, 405);
    free(g.body);

    statusd_stop(d);
    evhttp_free(remote);
    rpc_server_free(rpc);
    event_base_free(base);
}

static void test_status_bad_options(void)
{
    base = event_base_new();
    struct rpc_limits lim;
    rpc_limits_default(&lim);
    struct rpc_server *rpc = rpc_server_new(&lim);
    static const char *const bad_peers[] = {"v1", "=http://x", "v1=ftp://x", "v1=nope"};
    static const char *const bad_roots[] = {
        "eth=http://127.0.0.1:1", "eth=http://127.0.0.1:1=0x12",
        "eth=http://127.0.0.1:1=zz65878a594ca255338adfa4d48449f69242eb8f"};
    struct status_opts o;
    struct statusd *d = NULL;
    uint16_t port = 0;
    char err[256];
    for (size_t i = 0; i < sizeof(bad_peers) / sizeof(bad_peers[0]); i++) {
        status_opts_default(&o);
        o.port = 0;
        o.peers = bad_peers[i];
        CU_ASSERT_EQUAL(statusd_start(base, rpc, &o, &d, &port, err, sizeof(err)), BT_EINVAL);
        CU_ASSERT_PTR_NULL(d);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "want"));
    }
    for (size_t i = 0; i < sizeof(bad_roots) / sizeof(bad_roots[0]); i++) {
        status_opts_default(&o);
        o.port = 0;
        o.rootchains = bad_roots[i];
        CU_ASSERT_EQUAL(statusd_start(base, rpc, &o, &d, &port, err, sizeof(err)), BT_EINVAL);
        CU_ASSERT_PTR_NULL(d);
    }
    /* A port in use. */
    status_opts_default(&o);
    o.port = 0;
    CU_ASSERT_EQUAL_FATAL(statusd_start(base, rpc, &o, &d, &port, err, sizeof(err)), BT_OK);
    struct statusd *d2 = NULL;
    o.port = port;
    CU_ASSERT_EQUAL(statusd_start(base, rpc, &o, &d2, &port, err, sizeof(err)), BT_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot listen"));
    CU_ASSERT_PTR_NULL(d2);
    statusd_stop(d);
    statusd_stop(NULL);
    rpc_server_free(rpc);
    event_base_free(base);
}

BTS_TEST_SUITE("status", NULL, NULL, BTS_TEST(test_status_json_and_page),
               BTS_TEST(test_status_bad_options));
