/* The dispatcher's fast path for calls without parameters (host/rpc/fast.c): which requests
 * it takes, that it answers exactly as the handler does, and that everything it is not sure of
 * goes to the handler (ids jansson prints differently, escapes, key case, repeated or unknown
 * keys, parameters, batches, admin methods, methods without a fast path). */
#include "rpc_int.h"

#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

static struct rpc_server *srv;
static int n_fast, n_slow;
static const int owner_tag = 1;

static size_t fast_num(void *arg, char *out, size_t cap)
{
    (void)arg;
    n_fast++;
    return (size_t)snprintf(out, cap, "\"0x2a\"");
}

static void m_num(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    n_slow++;
    if (strcmp(call->params, "[]") != 0) {
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS, "too many arguments, want at most 0", NULL);
        return;
    }
    rpc_call_result(call, "\"0x2a\"");
}

static size_t fast_none(void *arg, char *out, size_t cap)
{
    (void)arg, (void)out, (void)cap;
    n_fast++;
    return 0; /* cannot: the handler answers */
}

static void on_done(void *arg, const char *json, size_t len)
{
    char **out = arg;
    free(*out);
    *out = json ? strndup(json, len) : NULL;
}

/* The answer to body; *out_fast: it came from the fast path. */
static char *ask(const char *body, int is_admin, int *out_fast)
{
    struct rpc_peer peer = {"test", is_admin, NULL};
    struct rpc_pending pending = {NULL};
    char *out = NULL;
    int f0 = n_fast, s0 = n_slow;
    rpc_handle_body(srv, &peer, body, strlen(body), &pending, on_done, &out);
    *out_fast = n_fast > f0 && n_slow == s0;
    return out;
}

static void expect(const char *body, int want_fast, const char *want)
{
    int is_fast;
    char *got = ask(body, 0, &is_fast);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    if (is_fast != want_fast || strcmp(got, want) != 0)
        fprintf(stderr, "body %s: fast %d, answer %s\n", body, is_fast, got);
    CU_ASSERT_EQUAL(is_fast, want_fast);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void setup(void)
{
    srv = rpc_server_new(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    void *owner = (void *)&owner_tag;
    CU_ASSERT_EQUAL(rpc_register(srv, owner, "t_num", 0, m_num, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(srv, owner, "t_slow", 0, m_num, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(srv, owner, "t_none", 0, m_num, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_register(srv, owner, "admin_num", RPC_F_ADMIN, m_num, NULL), BT_OK);
    CU_ASSERT_EQUAL(rpc_set_fast(srv, owner, "t_num", fast_num), BT_OK);
    CU_ASSERT_EQUAL(rpc_set_fast(srv, owner, "t_none", fast_none), BT_OK);
    CU_ASSERT_EQUAL(rpc_set_fast(srv, owner, "admin_num", fast_num), BT_OK);
}

#define RES(id) "{\"jsonrpc\":\"2.0\",\"id\":" id ",\"result\":\"0x2a\"}"

static void test_rpc_fast_takes_plain_calls(void)
{
    setup();
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\",\"params\":[]}", 1, RES("1"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\"}", 1, RES("1"));
    expect(" \r\n{ \"method\" : \"t_num\" , \"params\" : [ ] ,\"id\":\"a b/c\",\t\"jsonrpc\":"
           "\"2.0\" } trailing bytes are ignored",
           1, RES("\"a b/c\""));
    expect("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"t_num\"}", 1, RES("null"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":-7,\"method\":\"t_num\"}", 1, RES("-7"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"t_num\"}", 1, RES("0"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":123456789012345,\"method\":\"t_num\"}", 1,
           RES("123456789012345"));
    rpc_server_free(srv);
}

static void test_rpc_fast_leaves_the_rest_to_the_handler(void)
{
    setup();
    /* Ids jansson prints back differently, or may not take. */
    expect("{\"jsonrpc\":\"2.0\",\"id\":1.0,\"method\":\"t_num\"}", 0, RES("1.0"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1e2,\"method\":\"t_num\"}", 0, RES("100.0"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"t_num\"}", 0, RES("0"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1234567890123456,\"method\":\"t_num\"}", 0,
           RES("1234567890123456"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":\"\\u0041\",\"method\":\"t_num\"}", 0, RES("\"A\""));
    expect("{\"jsonrpc\":\"2.0\",\"id\":\"\xc3\xa9\",\"method\":\"t_num\"}", 0,
           RES("\"\xc3\xa9\""));
    /* Key case, repeated keys, other keys, escapes in the method name. */
    expect("{\"JSONRPC\":\"2.0\",\"id\":1,\"method\":\"t_num\"}", 0, RES("1"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"t_num\"}", 0, RES("2"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\",\"x\":1}", 0, RES("1"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_n\\u0075m\"}", 0, RES("1"));
    /* Parameters, null params, a batch. */
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\",\"params\":[1]}", 0,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"too many "
           "arguments, want at most 0\"}}");
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\",\"params\":null}", 0,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"too many "
           "arguments, want at most 0\"}}");
    expect("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\"}]", 0, "[" RES("1") "]");
    /* Not a call: a notification, a wrong version. */
    int is_fast;
    char *got = ask("{\"jsonrpc\":\"2.0\",\"method\":\"t_num\"}", 0, &is_fast);
    CU_ASSERT_PTR_NULL(got);
    expect("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"t_num\"}", 0,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"invalid "
           "request\"}}");
    /* No fast path, a fast path that declines, an admin method for a user and an admin. */
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_slow\"}", 0, RES("1"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_none\"}", 0, RES("1"));
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_num\"}", 0,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"the method "
           "admin_num does not exist/is not available\"}}");
    got = ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_num\"}", 1, &is_fast);
    CU_ASSERT_STRING_EQUAL(got, RES("1"));
    CU_ASSERT_EQUAL(is_fast, 1);
    free(got);
    /* Malformed. */
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\"", 0,
           "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse "
           "error\"}}");
    /* Someone else's method cannot get a fast path; a dropped owner's are gone. */
    CU_ASSERT_EQUAL(rpc_set_fast(srv, NULL, "t_num", fast_num), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(rpc_set_fast(srv, NULL, "nope", fast_num), BT_ENOTFOUND);
    rpc_drop_owner(srv, (void *)&owner_tag);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t_num\"}", 0,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"the method "
           "t_num does not exist/is not available\"}}");
    rpc_server_free(srv);
}

static void test_rpc_fast_streams(void)
{
    setup();
    /* rpc_handle_value (WebSocket, IPC) takes the fast path too. */
    struct rpc_peer peer = {"test", 0, NULL};
    struct rpc_pending pending = {NULL};
    char *out = NULL;
    int f0 = n_fast;
    const char *v = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"t_num\",\"params\":[]}";
    CU_ASSERT_EQUAL(rpc_handle_value(srv, &peer, v, strlen(v), &pending, on_done, &out), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, RES("5"));
    CU_ASSERT_EQUAL(n_fast, f0 + 1);
    free(out);
    rpc_server_free(srv);
}

BTS_TEST_SUITE("rpc_fast", NULL, NULL, BTS_TEST(test_rpc_fast_takes_plain_calls),
               BTS_TEST(test_rpc_fast_leaves_the_rest_to_the_handler),
               BTS_TEST(test_rpc_fast_streams));
