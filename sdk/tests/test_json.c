/* JSON-RPC hex values in jansson trees: reading with messages for every failure, canonical
 * writing, and the read/write round trip. */
#include <bts/json.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

static json_t *obj_of(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    CU_ASSERT_PTR_NOT_NULL(j);
    return j;
}

static void test_json_u64_reads_and_messages(void)
{
    json_t *o = obj_of("{\"a\":\"0x400\",\"z\":\"0x0\",\"lz\":\"0x0400\",\"big\":"
                       "\"0x10000000000000000\",\"num\":1024,\"nul\":null,\"e\":\"0x\","
                       "\"np\":\"400\",\"bad\":\"0x4g\"}");
    char err[128];
    uint64_t v = 7;
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "a", err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(v, 1024);
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "z", err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(v, 0);
    v = 7;
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "lz", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "lz: invalid hex quantity: leading zero (\"0x0400\")");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "big", err, sizeof(err)), BT_ERANGE);
    CU_ASSERT_STRING_EQUAL(err,
                           "big: invalid hex quantity: exceeds 64 bits (\"0x10000000000000000\")");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "num", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "num: expected a hex string, got integer");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "nul", err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(err, "nul: missing");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "absent", err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(err, "absent: missing");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "e", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "e: invalid hex quantity: no digits (\"0x\")");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "np", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "np: invalid hex quantity: missing 0x prefix (\"400\")");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "bad", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "bad: invalid hex quantity: invalid hex digit (\"0x4g\")");
    CU_ASSERT_EQUAL(v, 7);
    /* value level: no member prefix */
    CU_ASSERT_EQUAL(bts_json_as_u64(&v, json_object_get(o, "lz"), err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "invalid hex quantity: leading zero (\"0x0400\")");
    CU_ASSERT_EQUAL(bts_json_as_u64(&v, NULL, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "expected a hex string, got nothing");
    json_decref(o);
}

static void test_json_not_an_object(void)
{
    json_t *a = obj_of("[\"0x1\"]");
    char err[64];
    uint64_t v;
    uint8_t h[32];
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, a, "x", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "x: expected an object holding it, got array");
    CU_ASSERT_EQUAL(bts_json_get_hash(h, NULL, "x", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "x: expected an object holding it, got nothing");
    CU_ASSERT_EQUAL(bts_json_set_u64(a, "x", 1), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_json_set_u256(a, "x", h), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_json_set_data(a, "x", NULL, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_json_set_address(a, "x", h), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_json_set_hash(a, "x", h), BT_EINVAL);
    json_decref(a);
}

static void test_json_type_names_in_messages(void)
{
    static const char *const doc[][2] = {
        {"{\"k\":{}}", "object"}, {"{\"k\":[]}", "array"},    {"{\"k\":1.5}", "real"},
        {"{\"k\":true}", "true"}, {"{\"k\":false}", "false"}, {"{\"k\":7}", "integer"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(doc); i++) {
        json_t *o = obj_of(doc[i][0]);
        char err[64], want[64];
        uint8_t a[20];
        CU_ASSERT_EQUAL(bts_json_get_address(a, o, "k", err, sizeof(err)), BT_EINVAL);
        snprintf(want, sizeof(want), "k: expected a hex string, got %s", doc[i][1]);
        CU_ASSERT_STRING_EQUAL(err, want);
        json_decref(o);
    }
}

static void test_json_u256(void)
{
    json_t *o = obj_of("{\"v\":\"0xde0b6b3a7640000\",\"lz\":\"0x00\",\"big\":"
                       "\"0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"}");
    char err[128];
    uint8_t v[32];
    CU_ASSERT_EQUAL(bts_json_get_u256(v, o, "v", err, sizeof(err)), BT_OK);
    BTS_ASSERT_HEX(v + 24, 8, "0de0b6b3a7640000");
    CU_ASSERT_EQUAL(bts_json_get_u256(v, o, "lz", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "lz: invalid hex quantity: leading zero (\"0x00\")");
    CU_ASSERT_EQUAL(bts_json_get_u256(v, o, "big", err, sizeof(err)), BT_ERANGE);
    /* long values are quoted in part */
    CU_ASSERT_STRING_EQUAL(
        err, "big: invalid hex quantity: exceeds 256 bits (\"0x1fffffffffffffffffffff...\")");
    CU_ASSERT_EQUAL(bts_json_get_u256(v, o, "none", err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_json_as_u256(v, json_object_get(o, "v"), NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_json_as_u256(v, o, err, sizeof(err)), BT_EINVAL);
    json_t *n = bts_json_new_u256(v);
    CU_ASSERT_STRING_EQUAL(json_string_value(n), "0xde0b6b3a7640000");
    json_decref(n);
    json_decref(o);
}

static void test_json_data_malloc_and_buf(void)
{
    json_t *o = obj_of("{\"d\":\"0xDEADbeef\",\"e\":\"0x\",\"odd\":\"0xabc\",\"np\":\"abcd\","
                       "\"bad\":\"0xzz\",\"ctl\":\"0x\\u0001\\\"\"}");
    char err[128];
    uint8_t *p = (uint8_t *)1;
    size_t n = 9;
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "d", err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(n, 4);
    BTS_ASSERT_HEX(p, 4, "deadbeef");
    free(p);
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "e", err, sizeof(err)), BT_OK);
    CU_ASSERT_PTR_NOT_NULL(p);
    CU_ASSERT_EQUAL(n, 0);
    free(p);
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "odd", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_STRING_EQUAL(err, "odd: invalid hex data: odd length (\"0xabc\")");
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "np", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "np: invalid hex data: missing 0x prefix (\"abcd\")");
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "bad", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "bad: invalid hex data: invalid hex digit (\"0xzz\")");
    /* control characters and quotes in the value are not copied into the message */
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "ctl", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "ctl: invalid hex data: invalid hex digit (\"0x??\")");
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "none", err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_EQUAL(bts_json_as_data(&p, &n, json_object_get(o, "d"), NULL, 0), BT_OK);
    free(p);

    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_json_get_data_buf(&b, o, "d", err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(bts_json_as_data_buf(&b, json_object_get(o, "d"), err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(b.len, 8);
    CU_ASSERT_EQUAL(bts_json_get_data_buf(&b, o, "odd", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_json_get_data_buf(&b, o, "none", err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_json_as_data_buf(&b, NULL, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_EQUAL(b.len, 8);
    BTS_ASSERT_HEX(b.data, 8, "deadbeefdeadbeef");
    bts_buf_free(&b);
    json_decref(o);
}

static void test_json_address_and_hash(void)
{
    json_t *o =
        obj_of("{\"a\":\"0x9D8A62f656a8d1615c1294fd71e9cfb3e4855a4f\","
               "\"short\":\"0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a\","
               "\"np\":\"9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f\","
               "\"h\":\"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\","
               "\"hq\":\"0x1\"}");
    char err[160];
    uint8_t a[20], h[32];
    CU_ASSERT_EQUAL(bts_json_get_address(a, o, "a", err, sizeof(err)), BT_OK);
    BTS_ASSERT_HEX(a, 20, "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    CU_ASSERT_EQUAL(bts_json_get_address(a, o, "short", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "short: invalid address: wrong length, 38 hex digits instead of 40 "
                                "(\"0x9d8a62f656a8d1615c1294...\")");
    CU_ASSERT_EQUAL(bts_json_get_address(a, o, "np", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "np: invalid address: missing 0x prefix "
                                "(\"9d8a62f656a8d1615c1294fd...\")");
    CU_ASSERT_EQUAL(bts_json_get_address(a, o, "none", err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_json_as_address(a, json_object_get(o, "a"), NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_json_get_hash(h, o, "h", err, sizeof(err)), BT_OK);
    BTS_ASSERT_HEX(h, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    CU_ASSERT_EQUAL(bts_json_get_hash(h, o, "hq", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "hq: invalid hash: odd length (\"0x1\")");
    CU_ASSERT_EQUAL(bts_json_get_hash(h, o, "a", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_json_get_hash(h, o, "none", err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_json_as_hash(h, json_object_get(o, "h"), NULL, 0), BT_OK);
    json_decref(o);
}

static void test_json_err_truncates_and_tolerates_null(void)
{
    json_t *o = obj_of("{\"a_rather_long_member_name\":\"0x00\"}");
    char err[16];
    uint64_t v;
    memset(err, 'x', sizeof(err));
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "a_rather_long_member_name", err, sizeof(err)),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(strlen(err), sizeof(err) - 1);
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "a_rather_long_member_name", err, 5), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "a_ra");
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "a_rather_long_member_name", NULL, 0), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "missing", NULL, 0), BT_ENOTFOUND);
    json_decref(o);
}

static void test_json_writers_round_trip(void)
{
    json_t *o = json_object();
    uint8_t u[32] = {0}, addr[20], hash[32], d[3] = {0, 1, 0xff};
    for (int i = 0; i < 20; i++)
        addr[i] = (uint8_t)(0xa0 + i);
    for (int i = 0; i < 32; i++)
        hash[i] = (uint8_t)i;
    u[31] = 1;
    CU_ASSERT_EQUAL(bts_json_set_u64(o, "n", 0), BT_OK);
    CU_ASSERT_EQUAL(bts_json_set_u64(o, "m", UINT64_MAX), BT_OK);
    CU_ASSERT_EQUAL(bts_json_set_u256(o, "u", u), BT_OK);
    CU_ASSERT_EQUAL(bts_json_set_data(o, "d", d, 3), BT_OK);
    CU_ASSERT_EQUAL(bts_json_set_data(o, "e", NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_json_set_address(o, "a", addr), BT_OK);
    CU_ASSERT_EQUAL(bts_json_set_hash(o, "h", hash), BT_OK);
    CU_ASSERT_EQUAL(bts_json_set_u64(o, "n", 16), BT_OK);       /* replaces */
    CU_ASSERT_EQUAL(bts_json_set_u64(o, "\xff", 1), BT_ENOMEM); /* invalid UTF-8 key: misuse */
    char *text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    CU_ASSERT_STRING_EQUAL(
        text, "{\"a\":\"0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3\",\"d\":\"0x0001ff\","
              "\"e\":\"0x\",\"h\":"
              "\"0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\","
              "\"m\":\"0xffffffffffffffff\",\"n\":\"0x10\",\"u\":\"0x1\"}");
    free(text);
    char err[64];
    uint64_t v;
    uint8_t u2[32], a2[20], h2[32], *p;
    size_t n;
    CU_ASSERT_EQUAL(bts_json_get_u64(&v, o, "m", err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    CU_ASSERT_EQUAL(bts_json_get_u256(u2, o, "u", err, sizeof(err)), BT_OK);
    CU_ASSERT(memcmp(u, u2, 32) == 0);
    CU_ASSERT_EQUAL(bts_json_get_address(a2, o, "a", err, sizeof(err)), BT_OK);
    CU_ASSERT(memcmp(addr, a2, 20) == 0);
    CU_ASSERT_EQUAL(bts_json_get_hash(h2, o, "h", err, sizeof(err)), BT_OK);
    CU_ASSERT(memcmp(hash, h2, 32) == 0);
    CU_ASSERT_EQUAL(bts_json_get_data(&p, &n, o, "d", err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT(memcmp(p, d, 3) == 0);
    free(p);
    json_decref(o);
    /* the new_* constructors on their own */
    json_t *j = bts_json_new_u64(255);
    CU_ASSERT_STRING_EQUAL(json_string_value(j), "0xff");
    json_decref(j);
    j = bts_json_new_data(NULL, 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(j), "0x");
    json_decref(j);
    CU_ASSERT_PTR_NULL(bts_json_new_data(d, SIZE_MAX / 2)); /* cannot be encoded */
}

BTS_TEST_SUITE("json", NULL, NULL, BTS_TEST(test_json_u64_reads_and_messages),
               BTS_TEST(test_json_not_an_object), BTS_TEST(test_json_type_names_in_messages),
               BTS_TEST(test_json_u256), BTS_TEST(test_json_data_malloc_and_buf),
               BTS_TEST(test_json_address_and_hash),
               BTS_TEST(test_json_err_truncates_and_tolerates_null),
               BTS_TEST(test_json_writers_round_trip));
