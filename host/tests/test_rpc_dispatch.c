/* The JSON-RPC dispatcher against geth's behaviour (rpc/handler.go, rpc/json.go): parse errors,
 * invalid requests, unknown methods, invalid params, batches (empty, mixed, too large, response
 * too large), notifications, id types, admin methods, asynchronous answers, cancellation,
 * misuse, subscriptions, and the services-table entries plugins use. Exact JSON texts. */
#include "rpc_int.h"

#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

#include "services_int.h"

static struct rpc_server *srv;
static struct bt_rpc_call *held[8];
static size_t n_held;

struct got {
    int n_done;
    char *text; /* last response, NULL for none */
};

static void on_done(void *arg, const char *json, size_t len)
{
    struct got *g = arg;
    g->n_done++;
    free(g->text);
    g->text = NULL;
    if (json) {
        g->text = malloc(len + 1);
        memcpy(g->text, json, len);
        g->text[len] = 0;
    }
}

static void m_echo(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    rpc_call_result(call, call->params);
}

static void m_hold(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    held[n_held++] = call;
}

static void m_big(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    rpc_call_result(call, "\"0123456789\"");
}

static void m_error(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    rpc_call_error(call, 3, "execution reverted", "\"0x08c379a0\"");
}

static const struct rpc_peer user = {"test", 0, NULL};
static const struct rpc_peer admin = {"test", 1, NULL};
static struct rpc_pending pending;

static void setup(const struct rpc_limits *lim)
{
    srv = rpc_server_new(lim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "test_echo", 0, m_echo, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "test_hold", 0, m_hold, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "test_big", 0, m_big, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "test_error", 0, m_error, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "admin_secret", RPC_F_ADMIN, m_echo, NULL), BT_OK);
    n_held = 0;
    memset(&pending, 0, sizeof(pending));
}

static void teardown(void)
{
    rpc_pending_cancel(&pending);
    rpc_server_free(srv);
    srv = NULL;
}

/* The response to `body` from `peer`, or NULL for none; checks done ran exactly once. */
static char *ask(const struct rpc_peer *peer, const char *body)
{
    struct got g = {0};
    rpc_handle_body(srv, peer, body, strlen(body), &pending, on_done, &g);
    CU_ASSERT_EQUAL(g.n_done, 1);
    return g.text;
}

static void ask_eq(const struct rpc_peer *peer, const char *body, const char *want, int line)
{
    char *got = ask(peer, body);
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0)) {
        fprintf(stderr, "\n  line %d\n  body: %s\n  got:  %s\n  want: %s\n", line, body,
                got ? got : "(none)", want ? want : "(none)");
        CU_FAIL("response differs");
    }
    free(got);
}

#define ASK_EQ(peer, body, want) ask_eq((peer), (body), (want), __LINE__)

static const char *const NONE = NULL;

static void test_rpc_dispatch_parse_error(void)
{
    setup(NULL);
    const char *want = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":"
                       "\"parse error\"}}";
    ASK_EQ(&user, "{", want);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_echo\"", want);
    ASK_EQ(&user, "[1,2", want);
    ASK_EQ(&user, "}", want);
    ASK_EQ(&user, "{\"a\" 1}", want);
    ASK_EQ(&user, "nul", want);
    /* An empty body is not an error: nothing is written (io.EOF in geth). */
    ASK_EQ(&user, "", NONE);
    ASK_EQ(&user, " \r\n\t", NONE);
    teardown();
}

static void test_rpc_dispatch_invalid_request(void)
{
    setup(NULL);
    const char *null_id = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                          "\"message\":\"invalid request\"}}";
    const char *id1 = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,"
                      "\"message\":\"invalid request\"}}";
    ASK_EQ(&user, "1", null_id);
    ASK_EQ(&user, "\"x\"", null_id);
    ASK_EQ(&user, "null", null_id);
    ASK_EQ(&user, "{}", null_id);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"test_echo\"}", null_id);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"test_echo\"}", null_id);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1}", id1);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", id1);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", id1);
    ASK_EQ(&user, "{\"id\":1,\"method\":\"test_echo\"}", id1);
    ASK_EQ(&user, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"test_echo\"}", id1);
    ASK_EQ(&user, "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"test_echo\"}", id1);
    /* A message without a method and without an id has nothing to answer to but null. */
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\"}", null_id);
    teardown();
}

static void test_rpc_dispatch_method_not_found(void)
{
    setup(NULL);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"foo_bar\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"error\":{\"code\":-32601,\"message\":\"the "
           "method foo_bar does not exist/is not available\"}}");
    /* The method name is escaped in the message. */
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"a\\\"b\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":\"the "
           "method a\\\"b does not exist/is not available\"}}");
    /* Notifications of unknown methods get no answer. */
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"method\":\"foo_bar\"}", NONE);
    teardown();
}

static void test_rpc_dispatch_results_and_ids(void)
{
    setup(NULL);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_echo\",\"params\":[1, \"a\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1,\"a\"]}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":\"x-1\",\"method\":\"test_echo\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":\"x-1\",\"result\":[]}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"test_echo\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":[]}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":-7,\"method\":\"test_echo\",\"params\":null}",
           "{\"jsonrpc\":\"2.0\",\"id\":-7,\"result\":null}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"test_echo\",\"params\":{}}",
           "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":{}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"test_echo\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":true,\"result\":[]}");
    /* Go's decoder matches member names case-insensitively; the last duplicate wins. */
    ASK_EQ(&user, "{\"JSONRPC\":\"2.0\",\"Id\":5,\"METHOD\":\"test_echo\",\"id\":6}",
           "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":[]}");
    /* Errors with data, and everything after the first value of a body is ignored. */
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test_error\"} trailing",
           "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":3,\"message\":\"execution "
           "reverted\",\"data\":\"0x08c379a0\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\"}", NONE);
    teardown();
}

static void test_rpc_dispatch_batches(void)
{
    setup(NULL);
    ASK_EQ(&user, "[]",
           "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"empty "
           "batch\"}}");
    ASK_EQ(&user, " [ ] ",
           "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"empty "
           "batch\"}}");
    ASK_EQ(&user,
           "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_echo\",\"params\":[1]},"
           "{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\"},1,"
           "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"nope\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":2}]",
           "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1]},"
           "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid "
           "request\"}},"
           "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"error\":{\"code\":-32601,\"message\":\"the method "
           "nope does not exist/is not available\"}},"
           "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32600,\"message\":\"invalid "
           "request\"}}]");
    /* Only notifications: no body at all. */
    ASK_EQ(
        &user,
        "[{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\"},{\"jsonrpc\":\"2.0\",\"method\":\"x\"}]",
        NONE);
    ASK_EQ(&user, "[null]",
           "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid "
           "request\"}}]");
    teardown();
}

static void test_rpc_dispatch_batch_limits(void)
{
    struct rpc_limits lim = {.max_request = 1000, .max_batch = 2, .max_batch_resp = 25};
    setup(&lim);
    /* Too many items: one error in an array, with the id of the first call. */
    ASK_EQ(&user,
           "[{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\"},{\"jsonrpc\":\"2.0\",\"id\":7,"
           "\"method\":\"test_echo\"},{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"test_echo\"}]",
           "[{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32600,\"message\":\"batch too "
           "large\"}}]");
    ASK_EQ(&user, "[1,2,3]",
           "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch "
           "too large\"}}]");
    teardown();
    lim.max_batch = 10;
    setup(&lim);
    /* Results of 12 bytes each: the third crosses 25 and keeps its result; later calls get
     * "response too large". */
    ASK_EQ(&user,
           "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_big\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test_big\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test_big\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"test_big\"},"
           "{\"jsonrpc\":\"2.0\",\"method\":\"test_big\"}]",
           "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0123456789\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0123456789\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0123456789\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32003,\"message\":\"response too "
           "large\"}}]");
    teardown();
}

static void test_rpc_dispatch_admin_methods(void)
{
    setup(NULL);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_secret\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"the method "
           "admin_secret does not exist/is not available\"}}");
    ASK_EQ(&admin, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_secret\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc_modules\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"rpc\":\"1.0\",\"test\":\"1.0\","
           "\"web3\":\"1.0\"}}");
    ASK_EQ(&admin, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc_modules\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"admin\":\"1.0\",\"rpc\":\"1.0\","
           "\"test\":\"1.0\",\"web3\":\"1.0\"}}");
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "test_echo", 0, m_echo, NULL), BT_EEXIST);
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "", 0, m_echo, NULL), BT_EINVAL);
    teardown();
}

static void test_rpc_dispatch_builtins(void)
{
    setup(NULL);
    char want[256];
    snprintf(want, sizeof(want), "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"%s\"}",
             rpc_client_version);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_clientVersion\"}", want);
    CU_ASSERT_EQUAL(strncmp(rpc_client_version, "bttcd/v", 7), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(rpc_client_version, "/linux-"));
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_clientVersion\",\"params\":[1]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"too many "
           "arguments, want at most 0\"}}");
    ASK_EQ(&user,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x68656c6c6f\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
           "\"0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8\"}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
           "\"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\"}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"missing "
           "value for required argument 0\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":\"0x\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"non-array "
           "args\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"68\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"invalid "
           "argument 0: json: cannot unmarshal hex string without 0x prefix into Go value of "
           "type hexutil.Bytes\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x6\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"invalid "
           "argument 0: json: cannot unmarshal hex string of odd length into Go value of type "
           "hexutil.Bytes\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0xzz\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"invalid "
           "argument 0: json: cannot unmarshal invalid hex string into Go value of type "
           "hexutil.Bytes\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[7]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"invalid "
           "argument 0: json: cannot unmarshal non-string into Go value of type "
           "hexutil.Bytes\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x\",1]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"too many "
           "arguments, want at most 1\"}}");
    teardown();
}

static void test_rpc_dispatch_async_answers(void)
{
    setup(NULL);
    struct got g = {0};
    const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_hold\"},"
                       "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test_echo\"},"
                       "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test_hold\"}]";
    rpc_handle_body(srv, &user, body, strlen(body), &pending, on_done, &g);
    CU_ASSERT_EQUAL(g.n_done, 0);
    CU_ASSERT_EQUAL_FATAL(n_held, 2);
    CU_ASSERT_STRING_EQUAL(held[0]->method, "test_hold");
    CU_ASSERT_STRING_EQUAL(held[0]->params, "[]");
    rpc_call_result(held[1], "\"late\"");
    CU_ASSERT_EQUAL(g.n_done, 0);
    rpc_call_error(held[0], -32000, "first", NULL);
    CU_ASSERT_EQUAL(g.n_done, 1);
    CU_ASSERT_STRING_EQUAL(g.text, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
                                   "\"message\":\"first\"}},"
                                   "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[]},"
                                   "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"late\"}]");
    CU_ASSERT_PTR_NULL(pending.head);
    /* Answered twice, or a call never issued: misuse, reported, nothing sent. */
    const char *why = NULL;
    CU_ASSERT_EQUAL(rpc_answer(srv, NULL, held[0], 0, 0, "1", NULL, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "call is pending (not answered already)");
    CU_ASSERT_EQUAL(g.n_done, 1);
    free(g.text);
    teardown();
}

static void test_rpc_dispatch_cancel_and_drop(void)
{
    setup(NULL);
    struct got g = {0};
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_hold\"}";
    rpc_handle_body(srv, &user, body, strlen(body), &pending, on_done, &g);
    CU_ASSERT_PTR_NOT_NULL(pending.head);
    /* The connection goes away: done never runs, the call stays valid until answered. */
    rpc_pending_cancel(&pending);
    CU_ASSERT_PTR_NULL(pending.head);
    CU_ASSERT_EQUAL_FATAL(n_held, 1);
    rpc_call_result(held[0], "1");
    CU_ASSERT_EQUAL(g.n_done, 0);
    /* A plugin that goes away with calls pending: they are answered for it. */
    int owner;
    CU_ASSERT_EQUAL(rpc_register(srv, &owner, "plug_hold", 0, m_hold, NULL), BT_OK);
    body = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"plug_hold\"}";
    rpc_handle_body(srv, &user, body, strlen(body), &pending, on_done, &g);
    CU_ASSERT_EQUAL(n_held, 2);
    /* Someone else's call is misuse. */
    const char *why = NULL;
    CU_ASSERT_EQUAL(rpc_answer(srv, NULL, held[1], 0, 0, "1", NULL, &why), BT_EINVAL);
    CU_ASSERT_EQUAL(rpc_answer(srv, &owner, held[1], 0, 0, "{bad", NULL, &why), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(why, "result is valid JSON text");
    rpc_drop_owner(srv, &owner);
    CU_ASSERT_EQUAL(g.n_done, 1);
    CU_ASSERT_STRING_EQUAL(g.text, "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32000,"
                                   "\"message\":\"method handler went away\"}}");
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"plug_hold\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"the method "
           "plug_hold does not exist/is not available\"}}");
    free(g.text);
    /* Unanswered calls at shutdown are freed with the server (sanitizer build: no leak). */
    rpc_handle_body(srv, &user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_hold\"}", 47,
                    &pending, on_done, &g);
    teardown();
}

static void test_rpc_dispatch_stream_framing(void)
{
    size_t end;
    CU_ASSERT_EQUAL(rpc_stream_next("", 0, 0, &end), 0);
    CU_ASSERT_EQUAL(end, 0);
    CU_ASSERT_EQUAL(rpc_stream_next("  \n", 3, 0, &end), 0);
    CU_ASSERT_EQUAL(end, 0);
    CU_ASSERT_EQUAL(rpc_stream_next(" {\"a\":\"}\"}{", 11, 0, &end), 1);
    CU_ASSERT_EQUAL(end, 10);
    CU_ASSERT_EQUAL(rpc_stream_next("[1,[2]", 6, 0, &end), 0);
    CU_ASSERT_NOT_EQUAL(end, 0);
    CU_ASSERT_EQUAL(rpc_stream_next("\"a\\\"b\" x", 8, 0, &end), 1);
    CU_ASSERT_EQUAL(end, 6);
    CU_ASSERT_EQUAL(rpc_stream_next("123", 3, 0, &end), 0);
    CU_ASSERT_EQUAL(rpc_stream_next("123", 3, 1, &end), 1);
    CU_ASSERT_EQUAL(end, 3);
    CU_ASSERT_EQUAL(rpc_stream_next("12 ", 3, 0, &end), 1);
    CU_ASSERT_EQUAL(end, 2);
    CU_ASSERT_EQUAL(rpc_stream_next("}", 1, 0, &end), -1);
}

struct sink_log {
    int n_sent, n_dropped;
    char last[512];
};

static void sink_send(void *arg, const char *json, size_t len)
{
    struct sink_log *l = arg;
    l->n_sent++;
    snprintf(l->last, sizeof(l->last), "%.*s", (int)len, json);
}

static void sub_dropped(void *arg)
{
    struct sink_log *l = arg;
    l->n_dropped++;
}

static void test_rpc_dispatch_subscriptions(void)
{
    setup(NULL);
    struct sink_log log = {0};
    struct rpc_sink sink;
    rpc_sink_init(&sink, srv, sink_send, &log);
    char id1[RPC_SUB_ID_MAX], id2[RPC_SUB_ID_MAX];
    CU_ASSERT_EQUAL(rpc_sub_new(&sink, sub_dropped, &log, id1), BT_OK);
    CU_ASSERT_EQUAL(rpc_sub_new(&sink, sub_dropped, &log, id2), BT_OK);
    CU_ASSERT_EQUAL(strncmp(id1, "0x", 2), 0);
    CU_ASSERT_STRING_NOT_EQUAL(id1, id2);
    CU_ASSERT_EQUAL(rpc_sub_count(srv), 2);
    CU_ASSERT_EQUAL(rpc_sub_notify(srv, id1, "{\"n\":1}"), BT_OK);
    char want[256];
    snprintf(want, sizeof(want),
             "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":"
             "\"%s\",\"result\":{\"n\":1}}}",
             id1);
    CU_ASSERT_STRING_EQUAL(log.last, want);
    CU_ASSERT_EQUAL(rpc_sub_cancel(&sink, id1), BT_OK);
    CU_ASSERT_EQUAL(log.n_dropped, 1);
    CU_ASSERT_EQUAL(rpc_sub_cancel(&sink, id1), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(rpc_sub_notify(srv, id1, "1"), BT_ENOTFOUND);
    rpc_sink_close(&sink); /* the connection closes: its subscriptions go */
    CU_ASSERT_EQUAL(log.n_dropped, 2);
    CU_ASSERT_EQUAL(rpc_sub_count(srv), 0);
    CU_ASSERT_EQUAL(log.n_sent, 1);
    teardown();
}

/* --- through the services table, as a plugin --------------------------------------------- */

static struct bt_rpc_call *plugin_call;

static void plugin_method(void *arg, struct bt_rpc_call *call)
{
    struct bt_host_ctx *h = arg;
    if (strcmp(call->params, "[\"now\"]") == 0) {
        services_table.rpc_result(h, call, "\"sync\"");
        services_table.rpc_result(h, call, "\"twice\""); /* misuse: answered already */
    } else {
        plugin_call = call;
    }
}

static void test_rpc_dispatch_services_table(void)
{
    struct host_rt rt;
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt, 1, "/tmp"), BT_OK);
    rt.phase = RT_PHASE_RUN;
    struct bt_host_ctx *h = hctx_new(&rt, "test-plugin", NULL, NULL);
    const struct bt_host *H = &services_table;
    services_set_strict(0);
    unsigned long misuse0 = services_misuse_count();
    srv = rt.rpc;
    memset(&pending, 0, sizeof(pending));
    CU_ASSERT_EQUAL(H->rpc_register(h, "plug_do", plugin_method, h), BT_OK);
    CU_ASSERT_EQUAL(H->rpc_register(h, "plug_do", plugin_method, h), BT_EEXIST);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "rpc method plug_do is already registered");
    CU_ASSERT_EQUAL(H->rpc_register(h, "admin_plug", plugin_method, h), BT_OK);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"plug_do\",\"params\":[\"now\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"sync\"}");
    CU_ASSERT_EQUAL(services_misuse_count(), misuse0 + 1);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"admin_plug\",\"params\":[\"now\"]}",
           "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":\"the method "
           "admin_plug does not exist/is not available\"}}");
    struct got g = {0};
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"plug_do\"}";
    rpc_handle_body(srv, &user, body, strlen(body), &pending, on_done, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plugin_call);
    H->rpc_error(h, plugin_call, -32000, "later", "{\"x\":1}");
    CU_ASSERT_STRING_EQUAL(g.text, "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32000,"
                                   "\"message\":\"later\",\"data\":{\"x\":1}}}");
    H->rpc_error(h, plugin_call, -32000, "again", NULL);
    CU_ASSERT_EQUAL(services_misuse_count(), misuse0 + 2);
    free(g.text);
    /* Releasing the instance removes its methods. */
    rt_quiesce(&rt);
    hctx_release(h);
    ASK_EQ(&user, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"plug_do\"}",
           "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32601,\"message\":\"the method "
           "plug_do does not exist/is not available\"}}");
    srv = NULL;
    rt_free(&rt);
#ifdef BT_STRICT
    services_set_strict(1);
#endif
}

BTS_TEST_SUITE("rpc_dispatch", NULL, NULL, BTS_TEST(test_rpc_dispatch_parse_error),
               BTS_TEST(test_rpc_dispatch_invalid_request),
               BTS_TEST(test_rpc_dispatch_method_not_found),
               BTS_TEST(test_rpc_dispatch_results_and_ids), BTS_TEST(test_rpc_dispatch_batches),
               BTS_TEST(test_rpc_dispatch_batch_limits), BTS_TEST(test_rpc_dispatch_admin_methods),
               BTS_TEST(test_rpc_dispatch_builtins), BTS_TEST(test_rpc_dispatch_async_answers),
               BTS_TEST(test_rpc_dispatch_cancel_and_drop),
               BTS_TEST(test_rpc_dispatch_stream_framing),
               BTS_TEST(test_rpc_dispatch_subscriptions),
               BTS_TEST(test_rpc_dispatch_services_table));
