/* Spans and state-sync records: PROTOCOL.md §7.7 payloads and §7.8 selectors, the REST JSON of
 * §4.9 (envelope, strings for numbers, every malformed field), RFC 3339 times. */
#include <bts/borspan.h>

#include <stdlib.h>
#include <string.h>

#include <bts/solabi.h>
#include <bts/test.h>

static void fill(uint8_t *p, uint8_t b, size_t n)
{
    memset(p, b, n);
}

static void test_borspan_producer_bytes_vector(void)
{
    struct bts_span_validator v[2] = {{.id = 1, .power = 2}, {.id = 3, .power = 1}};
    fill(v[0].signer, 0xaa, 20);
    fill(v[1].signer, 0xbb, 20);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL_FATAL(bts_span_validator_bytes(&b, v, 2), BT_OK);
    BTS_ASSERT_HEX(
        b.data, b.len,
        "f0d7010294aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad7030194bbbbbbbbbbbbbbbbbbbbbbb"
        "bbbbbbbbbbbbbbbbb");
    bts_buf_reset(&b);
    v[0].power = -1;
    CU_ASSERT_EQUAL(bts_span_validator_bytes(&b, v, 2), BT_EINVAL);
    bts_buf_free(&b);
}

static struct bts_event_record vector_record(uint8_t *data)
{
    struct bts_event_record r = {.id = 1, .data = data, .data_len = 2, .record_time = 1638950000};
    data[0] = 1;
    data[1] = 2;
    fill(r.contract, 0xcc, 20);
    fill(r.tx_hash, 0xdd, 32);
    strcpy(r.chain_id, "199");
    return r;
}

static void test_borspan_record_bytes_vector(void)
{
    uint8_t data[2];
    struct bts_event_record r = vector_record(data);
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL_FATAL(bts_event_record_bytes(&b, &r), BT_OK);
    static const char *const want =
        "f83f0194cccccccccccccccccccccccccccccccccccccccc820102a0dddddddddddddddddddddddddddddddd"
        "dddddddddddddddddddddddddddddddd8083313939";
    BTS_ASSERT_HEX(b.data, b.len, want);
    struct bts_buf c;
    bts_buf_init(&c);
    CU_ASSERT_EQUAL_FATAL(bts_event_commit_calldata(&c, &r), BT_OK);
    CU_ASSERT_EQUAL_FATAL(c.len, 4 + 32 * 3 + 96);
    char head[4 * 2 + 64 * 3 + 1];
    strcpy(head, "19494a17");
    strcat(head, "0000000000000000000000000000000000000000000000000000000061b06470");
    strcat(head, "0000000000000000000000000000000000000000000000000000000000000040");
    strcat(head, "0000000000000000000000000000000000000000000000000000000000000041");
    BTS_ASSERT_HEX(c.data, 100, head);
    CU_ASSERT_EQUAL(memcmp(c.data + 100, b.data, b.len), 0);
    for (size_t i = 100 + b.len; i < c.len; i++)
        CU_ASSERT_EQUAL(c.data[i], 0);
    bts_buf_free(&b);
    bts_buf_free(&c);
}

static void test_borspan_commit_span_layout(void)
{
    struct bts_span_validator v[2] = {{.id = 1, .power = 2}, {.id = 3, .power = 1}};
    fill(v[0].signer, 0xaa, 20);
    fill(v[1].signer, 0xbb, 20);
    struct bts_span s = {.id = 1, .start_block = 256, .end_block = 6655};
    s.validators = v;
    s.n_validators = 2;
    s.producers = v;
    s.n_producers = 1;
    struct bts_buf c;
    bts_buf_init(&c);
    CU_ASSERT_EQUAL_FATAL(bts_span_commit_calldata(&c, &s), BT_OK);
    /* decode back with the general ABI codec */
    struct bts_solabi_type *t = NULL;
    uint8_t sel[4];
    CU_ASSERT_EQUAL_FATAL(
        bts_solabi_selector(sel, "commitSpan(uint256,uint256,uint256,bytes,bytes)"), BT_OK);
    CU_ASSERT_EQUAL(memcmp(c.data, sel, 4), 0);
    BTS_ASSERT_HEX(sel, 4, "23c2a2b4");
    CU_ASSERT_EQUAL_FATAL(bts_solabi_type_parse(&t, "(uint256,uint256,uint256,bytes,bytes)", 37),
                          BT_OK);
    struct bts_solabi_value *val = NULL;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_decode(&val, t, c.data + 4, c.len - 4), BT_OK);
    CU_ASSERT_EQUAL(val->items[1].word[30], 1); /* 256 */
    CU_ASSERT_EQUAL(val->items[3].len, 0x31);
    CU_ASSERT_EQUAL(val->items[4].len, 0x19);
    BTS_ASSERT_HEX(val->items[4].data, val->items[4].len,
                   "d8d7010294aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    bts_solabi_value_free(val);
    bts_solabi_type_free(t);
    bts_buf_free(&c);
}

static void test_borspan_selectors(void)
{
    static const struct {
        const char *sig, *sel;
    } V[] = {
        {"commitSpan(uint256,uint256,uint256,bytes,bytes)", "23c2a2b4"},
        {"commitState(uint256,bytes)", "19494a17"},
        {"getBorValidators(uint256)", "0c35b1cb"},
        {"getCurrentSpan()", "af26aa96"},
        {"lastStateId()", "5407ca67"},
        {"onStateReceive(uint256,bytes)", "26c53bea"},
        {"submitCheckpoint(bytes,uint256[3][])", "4e43e495"},
        {"currentHeaderBlock()", "ec7e4855"},
        {"getLastChildBlock()", "b87e1b66"},
        {"headerBlocks(uint256)", "41539d4a"},
        {"submitCheckpointSync(bytes,uint256[3][])", "d2ada573"},
        {"validatorNonce(uint256)", "ebde9f93"},
        {"getCurrentSyncedCheckpoint(uint256)", "d1c407ad"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(V); i++) {
        uint8_t sel[4];
        CU_ASSERT_EQUAL_FATAL(bts_solabi_selector(sel, V[i].sig), BT_OK);
        BTS_ASSERT_HEX(sel, 4, V[i].sel);
    }
}

static const char SPAN_JSON[] =
    "{\"height\":\"100\",\"result\":{\"span_id\":5,\"start_block\":25856,\"end_block\":\"32255\","
    "\"bor_chain_id\":\"199\",\"validator_set\":{\"validators\":["
    "{\"ID\":3,\"startEpoch\":0,\"endEpoch\":0,\"nonce\":1,\"power\":1,\"pubKey\":\"0x04\","
    "\"signer\":\"0x4c95aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"last_updated\":\"\","
    "\"jailed\":false,\"accum\":-6},"
    "{\"ID\":4,\"power\":2,\"signer\":\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"accum\":6}],"
    "\"proposer\":null},\"selected_producers\":[{\"ID\":4,\"power\":1,"
    "\"signer\":\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"accum\":0}]}}";

static void test_borspan_parse_span(void)
{
    struct bts_span s;
    char err[200];
    CU_ASSERT_EQUAL_FATAL(bts_span_parse_json(&s, SPAN_JSON, strlen(SPAN_JSON), err, sizeof(err)),
                          BT_OK);
    CU_ASSERT_EQUAL(s.id, 5);
    CU_ASSERT_EQUAL(s.start_block, 25856);
    CU_ASSERT_EQUAL(s.end_block, 32255);
    CU_ASSERT_STRING_EQUAL(s.chain_id, "199");
    CU_ASSERT_EQUAL_FATAL(s.n_validators, 2);
    CU_ASSERT_EQUAL(s.validators[0].id, 3);
    CU_ASSERT_EQUAL(s.validators[0].accum, -6);
    CU_ASSERT_EQUAL(s.validators[0].signer[0], 0x4c);
    CU_ASSERT_EQUAL(s.validators[1].power, 2);
    CU_ASSERT_EQUAL_FATAL(s.n_producers, 1);
    CU_ASSERT_EQUAL(s.producers[0].id, 4);
    struct bts_span c;
    CU_ASSERT_EQUAL_FATAL(bts_span_copy(&c, &s), BT_OK);
    CU_ASSERT_EQUAL(c.producers[0].id, 4);
    CU_ASSERT_PTR_NOT_EQUAL(c.producers, s.producers);
    bts_span_free(&c);
    bts_span_free(&s);
}

static void test_borspan_parse_span_errors(void)
{
    static const struct {
        const char *json, *msg;
    } BAD[] = {
        {"nope", "not JSON"},
        {"[]", "span: not an object"},
        {"{\"start_block\":1}", "span_id: missing"},
        {"{\"span_id\":1,\"start_block\":-1}", "start_block: -1 is negative"},
        {"{\"span_id\":1,\"start_block\":1,\"end_block\":\"x\"}", "end_block: not a decimal"},
        {"{\"span_id\":1,\"start_block\":1,\"end_block\":2,\"bor_chain_id\":5}", "bor_chain_id"},
        {"{\"span_id\":1,\"start_block\":1,\"end_block\":2,\"bor_chain_id\":\"199\"}",
         "validator_set.validators: missing"},
        {"{\"span_id\":1,\"start_block\":1,\"end_block\":2,\"bor_chain_id\":\"199\","
         "\"validator_set\":{\"validators\":[{\"ID\":1,\"power\":1,\"signer\":\"0x12\"}]},"
         "\"selected_producers\":[]}",
         "validator_set.validators[0]: signer"},
        {"{\"span_id\":1,\"start_block\":1,\"end_block\":2,\"bor_chain_id\":\"199\","
         "\"validator_set\":{\"validators\":[]},\"selected_producers\":[{\"ID\":1,\"power\":-2,"
         "\"signer\":\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}]}",
         "selected_producers[0]: power: -2 is negative"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(BAD); i++) {
        struct bts_span s;
        char err[200] = "";
        CU_ASSERT_EQUAL(bts_span_parse_json(&s, BAD[i].json, strlen(BAD[i].json), err, sizeof(err)),
                        BT_EINVAL);
        if (!strstr(err, BAD[i].msg))
            fprintf(stderr, "case %zu: got \"%s\", want \"%s\"\n", i, err, BAD[i].msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, BAD[i].msg));
        CU_ASSERT_PTR_NULL(s.validators);
    }
}

static void test_borspan_parse_records(void)
{
    static const char J[] =
        "{\"height\":\"9\",\"result\":[{\"id\":1,\"contract\":"
        "\"0xcccccccccccccccccccccccccccccccccccccccc\",\"data\":\"0x0102\",\"tx_hash\":"
        "\"0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\",\"log_index\":0,"
        "\"bor_chain_id\":\"199\",\"record_time\":\"2021-12-08T10:20:00.123456789Z\","
        "\"root_chain_type\":\"tron\"}]}";
    struct bts_event_list l = {0};
    char err[200] = "";
    CU_ASSERT_EQUAL_FATAL(bts_event_list_parse_json(&l, J, strlen(J), err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_EQUAL(l.v[0].id, 1);
    CU_ASSERT_EQUAL(l.v[0].record_time, 1638958800);
    CU_ASSERT_EQUAL(l.v[0].data_len, 2);
    uint8_t data[2];
    struct bts_event_record want = vector_record(data);
    struct bts_buf a, b;
    bts_buf_init(&a);
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(bts_event_record_bytes(&a, &l.v[0]), BT_OK);
    CU_ASSERT_EQUAL(bts_event_record_bytes(&b, &want), BT_OK);
    CU_ASSERT_EQUAL(a.len, b.len);
    CU_ASSERT_EQUAL(memcmp(a.data, b.data, a.len), 0);
    bts_buf_free(&a);
    bts_buf_free(&b);
    static const char NUL_RESULT[] = "{\"height\":\"1\",\"result\":null}";
    CU_ASSERT_EQUAL(bts_event_list_parse_json(&l, NUL_RESULT, strlen(NUL_RESULT), err, sizeof(err)),
                    BT_OK);
    CU_ASSERT_EQUAL(l.n, 1);
    CU_ASSERT_EQUAL(bts_event_list_parse_json(&l, "[{\"id\":2}]", 10, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "record[0]: contract"));
    CU_ASSERT_EQUAL(bts_event_list_parse_json(&l, "{}", 2, err, sizeof(err)), BT_EINVAL);
    bts_event_list_free(&l);
    CU_ASSERT_EQUAL(l.n, 0);
}

static void test_borspan_time(void)
{
    int64_t t;
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "1970-01-01T00:00:00Z", 20), BT_OK);
    CU_ASSERT_EQUAL(t, 0);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "2021-12-08T10:07:21.471374Z", 27), BT_OK);
    CU_ASSERT_EQUAL(t, 1638958041);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "2021-12-08T12:07:21+02:00", 25), BT_OK);
    CU_ASSERT_EQUAL(t, 1638958041);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "1969-12-31T23:59:59Z", 20), BT_OK);
    CU_ASSERT_EQUAL(t, -1);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "2021-13-08T10:07:21Z", 20), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "2021-12-08 10:07:21Z", 20), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "2021-12-08T10:07:21.Z", 21), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "2021-12-08T10:07:21", 19), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_borspan_parse_time(&t, "2021-12-08T10:07:21Zx", 21), BT_EINVAL);
}

BTS_TEST_SUITE("borspan", NULL, NULL, BTS_TEST(test_borspan_producer_bytes_vector),
               BTS_TEST(test_borspan_record_bytes_vector),
               BTS_TEST(test_borspan_commit_span_layout), BTS_TEST(test_borspan_selectors),
               BTS_TEST(test_borspan_parse_span), BTS_TEST(test_borspan_parse_span_errors),
               BTS_TEST(test_borspan_parse_records), BTS_TEST(test_borspan_time));
