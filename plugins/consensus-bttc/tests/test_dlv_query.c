/* Delivery REST answers (delivery/dlv_query.h): upstream's envelope and JSON shapes, checked
 * field by field and by the producer half's own parsers (bts_span_parse_json,
 * bts_event_list_parse_json); error statuses; the route registration on a host's REST service. */
#include "test_dlv_util.h"

#include "dlv_app_int.h"
#include "dlv_rest.h"

static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(json_object_size(o), n);
    void *it = json_object_iter(o);
    for (size_t i = 0; i < n && it; i++, it = json_object_iter_next(o, it))
        CU_ASSERT_STRING_EQUAL(json_object_iter_key(it), keys[i]);
}

static const char *const V_KEYS[] = {"ID",     "startEpoch", "endEpoch",     "nonce",  "power",
                                     "pubKey", "signer",     "last_updated", "jailed", "accum"};

static void test_dlv_query_span_shape(void)
{
    struct tchain c;
    tchain_init(&c);
    struct bts_buf b;
    uint32_t status;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(dlv_query(c.app, "/bor/span/0", "", &status, &b), BT_OK);
    CU_ASSERT_EQUAL(status, 200);
    json_t *doc = json_loadb((const char *)b.data, b.len, 0, NULL);
    static const char *const env[] = {"height", "result"};
    assert_keys(doc, env, 2);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "height")), "0");
    json_t *r = json_object_get(doc, "result");
    static const char *const span_keys[] = {"span_id",       "start_block",        "end_block",
                                            "validator_set", "selected_producers", "bor_chain_id"};
    assert_keys(r, span_keys, 6);
    json_t *vset = json_object_get(r, "validator_set");
    static const char *const vs_keys[] = {"validators", "proposer"};
    assert_keys(vset, vs_keys, 2);
    assert_keys(json_array_get(json_object_get(vset, "validators"), 0), V_KEYS, 10);
    assert_keys(json_object_get(vset, "proposer"), V_KEYS, 10);
    json_t *v0 = json_object_get(vset, "proposer");
    CU_ASSERT_EQUAL(strlen(json_string_value(json_object_get(v0, "pubKey"))), 2 + 130);
    CU_ASSERT_TRUE(json_is_false(json_object_get(v0, "jailed")));
    json_decref(doc);
    /* The producer half parses it as Bttc does. */
    struct bts_span sp;
    char err[128];
    CU_ASSERT_EQUAL(bts_span_parse_json(&sp, (const char *)b.data, b.len, err, sizeof err), BT_OK);
    CU_ASSERT_EQUAL(sp.end_block, 255);
    CU_ASSERT_EQUAL(sp.n_validators, 1);
    CU_ASSERT_EQUAL(sp.n_producers, 1);
    CU_ASSERT(memcmp(sp.producers[0].signer, tkeys[0].addr, 20) == 0);
    CU_ASSERT_STRING_EQUAL(sp.chain_id, "1029");
    bts_span_free(&sp);
    bts_buf_free(&b);
    tchain_free(&c);
}

static void test_dlv_query_records_shape(void)
{
    struct tchain c;
    tchain_init(&c);
    tchain_empty(&c, 2);
    struct bts_buf tx[3];
    t_record(&c, &tx[0], DLV_ROOT_TRON, 7, 0x61, 10, "a");
    t_record(&c, &tx[1], DLV_ROOT_ETH, 7, 0x62, 11, "bb");
    t_record(&c, &tx[2], DLV_ROOT_TRON, 8, 0x63, 12, "");
    tchain_block(&c, tx, 3, NULL, NULL);
    tchain_empty(&c, 2);
    for (int i = 0; i < 3; i++)
        bts_buf_free(&tx[i]);
    struct bts_buf b;
    uint32_t status;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(dlv_query(c.app, "/clerk/event-record/list",
                              "from-id=1&to-time=9999999999&limit=2", &status, &b),
                    BT_OK);
    CU_ASSERT_EQUAL(status, 200);
    json_t *doc = json_loadb((const char *)b.data, b.len, 0, NULL);
    json_t *r = json_object_get(doc, "result");
    CU_ASSERT_EQUAL(json_array_size(r), 2); /* limit */
    static const char *const rec_keys[] = {"id",          "contract",       "data",
                                           "tx_hash",     "log_index",      "bor_chain_id",
                                           "record_time", "root_chain_type"};
    assert_keys(json_array_get(r, 0), rec_keys, 8);
    json_decref(doc);
    struct bts_event_list el = {0};
    char err[128];
    CU_ASSERT_EQUAL(bts_event_list_parse_json(&el, (const char *)b.data, b.len, err, sizeof err),
                    BT_OK);
    CU_ASSERT_EQUAL(el.n, 2);
    CU_ASSERT_EQUAL(el.v[0].id, 1);
    CU_ASSERT_EQUAL(el.v[0].record_time,
                    (int64_t)(c.time_ms / 1000)); /* applied at the last height */
    bts_event_list_free(&el);
    bts_buf_reset(&b);
    /* page form, and one record by id */
    CU_ASSERT_EQUAL(dlv_query(c.app, "/clerk/event-record/list", "page=2&limit=2", &status, &b),
                    BT_OK);
    doc = json_loadb((const char *)b.data, b.len, 0, NULL);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "result")), 1);
    json_decref(doc);
    json_t *d;
    int empty = 0; /* ids follow the post-handlers' (tx-hash) order: find the empty payload */
    for (int id = 1; id <= 3; id++) {
        char p[40];
        snprintf(p, sizeof p, "/clerk/event-record/%d", id);
        r = t_get(c.app, p, NULL, 200, &d);
        empty += strcmp(json_string_value(json_object_get(r, "data")), "0x") == 0;
        json_decref(d);
    }
    CU_ASSERT_EQUAL(empty, 1);
    t_get(c.app, "/clerk/event-record/4", NULL, 404, &d);
    json_decref(d);
    bts_buf_free(&b);
    tchain_free(&c);
}

static void test_dlv_query_errors_and_misc(void)
{
    struct tchain c;
    tchain_init(&c);
    json_t *d, *r;
    r = t_get(c.app, "/bor/span/abc", NULL, 400, &d);
    CU_ASSERT_PTR_NOT_NULL(r);
    json_decref(d);
    t_get(c.app, "/bor/span/99", NULL, 404, &d);
    json_decref(d);
    t_get(c.app, "/no/such/route", NULL, 404, &d);
    json_decref(d);
    t_get(c.app, "/checkpoints/doge/1", NULL, 400, &d);
    json_decref(d);
    t_get(c.app, "/checkpoints/latest/tron", NULL, 404, &d);
    json_decref(d);
    t_get(c.app, "/clerk/event-record/list", "from-id=1", 400, &d);
    json_decref(d);
    r = t_get(c.app, "/checkpoints/count/eth", NULL, 200, &d);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "result")), 0);
    json_decref(d);
    r = t_get(c.app, "/staking/totalpower", NULL, 200, &d);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "result")), 1);
    json_decref(d);
    r = t_get(c.app, "/staking/current-proposer", NULL, 200, &d);
    assert_keys(r, V_KEYS, 10);
    json_decref(d);
    r = t_get(c.app, "/staking/validator/1", NULL, 200, &d);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "ID")), 1);
    json_decref(d);
    t_get(c.app, "/staking/validator/2", NULL, 404, &d);
    json_decref(d);
    char path[80];
    size_t n;
    strcpy(path, "/topup/dividend-account/");
    CU_ASSERT_EQUAL(bts_hex_encode(path + strlen(path), 43, &n, tkeys[5].addr, 20, BTS_HEX_0X),
                    BT_OK);
    r = t_get(c.app, path, NULL, 200, &d);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "feeAmount")), "5");
    json_decref(d);
    struct dlv_msg m;
    t_checkpoint_msg(&m, 0, 0, 255, 1, DLV_ROOT_TRON);
    char want[67];
    CU_ASSERT_EQUAL(
        bts_hex_encode(want, sizeof want, &n, m.u.checkpoint.account_root_hash, 32, BTS_HEX_0X),
        BT_OK);
    r = t_get(c.app, "/topup/dividend-account-root", NULL, 200, &d);
    CU_ASSERT_STRING_EQUAL(json_string_value(r), want);
    json_decref(d);
    r = t_get(c.app, "/bor/params", NULL, 200, &d);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "span_duration")), 64);
    json_decref(d);
    /* Go's RFC 3339 with trailing fraction zeros dropped. */
    char t[40];
    dlv_format_time(t, 1638958821471ull);
    CU_ASSERT_STRING_EQUAL(t, "2021-12-08T10:20:21.471Z");
    dlv_format_time(t, 1500);
    CU_ASSERT_STRING_EQUAL(t, "1970-01-01T00:00:01.5Z");
    dlv_format_time(t, 2000);
    CU_ASSERT_STRING_EQUAL(t, "1970-01-01T00:00:02Z");
    tchain_free(&c);
}

/* A host with only the REST entries, recording registrations and replies. */
static size_t n_routes;
static bt_http_fn route_fn[64];
static void *route_arg[64];
static char route_pat[64][64];
static uint32_t last_status;
static char last_body[4096];

static bt_status fake_register(struct bt_host_ctx *h, const char *method, const char *pattern,
                               bt_http_fn fn, void *arg)
{
    (void)h;
    CU_ASSERT_STRING_EQUAL(method, "GET");
    if (n_routes == 64)
        return BT_ENOMEM;
    snprintf(route_pat[n_routes], 64, "%s", pattern);
    route_fn[n_routes] = fn;
    route_arg[n_routes++] = arg;
    return BT_OK;
}

static void fake_reply(struct bt_host_ctx *h, struct bt_http_request *req, uint32_t status,
                       const char *ct, const uint8_t *body, size_t len)
{
    (void)h;
    (void)req;
    CU_ASSERT_STRING_EQUAL(ct, "application/json");
    last_status = status;
    snprintf(last_body, sizeof last_body, "%.*s", (int)len, (const char *)body);
}

static const char *serve_query = ""; /* the query string of the next serve_get */

static void serve_get(const char *pattern, const char *path)
{
    struct bt_http_request req;
    memset(&req, 0, sizeof req);
    req.struct_size = sizeof req;
    req.method = "GET";
    req.path = path;
    req.query = serve_query;
    last_status = 0;
    for (size_t i = 0; i < n_routes; i++)
        if (strcmp(route_pat[i], pattern) == 0)
            route_fn[i](route_arg[i], &req);
}

static void test_dlv_query_rest_registration(void)
{
    struct tchain c;
    tchain_init(&c);
    struct bt_host host;
    memset(&host, 0, sizeof host);
    host.struct_size = sizeof host;
    CU_ASSERT_EQUAL(dlv_rest_register(&host, NULL, c.app), BT_ENOTSUP);
    host.http_register = fake_register;
    host.http_reply = fake_reply;
    n_routes = 0;
    CU_ASSERT_EQUAL(dlv_rest_register(&host, NULL, c.app), BT_OK);
    size_t want = 0;
    while (dlv_query_routes[want])
        want++;
    CU_ASSERT_EQUAL(n_routes, want);
    serve_get("/bor/span/{id}", "/bor/span/0");
    CU_ASSERT_EQUAL(last_status, 200);
    CU_ASSERT(strncmp(last_body, "{\"height\":\"0\",\"result\":{\"span_id\":0,", 36) == 0);
    /* The seed comes from the oracle: Ethereum block 1 for span 1. */
    serve_get("/bor/next-span-seed", "/bor/next-span-seed");
    CU_ASSERT_EQUAL(last_status, 200);
    uint8_t h1[32];
    char hex[67], body[128];
    size_t n;
    t_eth_hash(h1, 1);
    CU_ASSERT_EQUAL(bts_hex_encode(hex, sizeof hex, &n, h1, 32, BTS_HEX_0X), BT_OK);
    snprintf(body, sizeof body, "{\"height\":\"0\",\"result\":\"%s\"}", hex);
    CU_ASSERT_STRING_EQUAL(last_body, body);
    c.oracle->down = 1;
    serve_get("/bor/next-span-seed", "/bor/next-span-seed");
    CU_ASSERT_EQUAL(last_status, 503);
    /* /clerk/isoldtx: argument errors at once, the rest through the oracle. */
    serve_query = "logindex=x&txhash=0x01&rootchaintype=tron";
    serve_get("/clerk/isoldtx", "/clerk/isoldtx");
    CU_ASSERT_EQUAL(last_status, 400);
    CU_ASSERT_STRING_EQUAL(last_body, "{\"error\":\"'x' is not a valid uint64\"}");
    serve_query =
        "logindex=1&txhash=0x0101010101010101010101010101010101010101010101010101010101010101&"
        "rootchaintype=tron";
    serve_get("/clerk/isoldtx", "/clerk/isoldtx"); /* the oracle is down */
    CU_ASSERT_EQUAL(last_status, 500);
    c.oracle->down = 0;
    serve_get("/clerk/isoldtx", "/clerk/isoldtx"); /* no such log */
    CU_ASSERT_EQUAL(last_status, 500);
    CU_ASSERT(strstr(last_body, "Transaction is not confirmed yet") != NULL);
    toracle_add_log(c.oracle, DLV_ROOT_TRON, 0x01, 1, 900);
    serve_get("/clerk/isoldtx", "/clerk/isoldtx"); /* on TRON, not processed here */
    CU_ASSERT_EQUAL(last_status, 404);
    CU_ASSERT_STRING_EQUAL(last_body, "{\"error\":\"No sequence found\"}");
    serve_query = "";
    tchain_free(&c);
}

BTS_TEST_SUITE("dlv_query", NULL, NULL, BTS_TEST(test_dlv_query_span_shape),
               BTS_TEST(test_dlv_query_records_shape), BTS_TEST(test_dlv_query_errors_and_misc),
               BTS_TEST(test_dlv_query_rest_registration));
