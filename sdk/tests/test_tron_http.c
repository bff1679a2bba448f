/* java-tron HTTP answers (ROOTCHAINS.md §1.6, §4.2 examples): blocks, constant calls, broadcast
 * outcomes, transaction infos; and the hostile shapes: truncated bodies, wrong types, wrong-chain
 * block ids, mismatched ids. */
#include <bts/tron_http.h>

#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

#define S(x) x, strlen(x)

static const char *const BLOCK =
    "{\"blockID\":\"00000000000003e8c0dfc0a0c8d75a7e0c0f5729f6b98567cd0b66599c4f63ac\","
    "\"block_header\":{\"raw_data\":{\"number\":1000,\"txTrieRoot\":\"00\","
    "\"witness_address\":\"41aa\",\"parentHash\":"
    "\"00000000000003e7000000000000000000000000000000000000000000000000\",\"version\":30,"
    "\"timestamp\":1700000000000},\"witness_signature\":\"00\"}}";

static void test_tron_http_block(void)
{
    struct bts_tron_block b;
    char err[200];
    CU_ASSERT_FATAL(bts_tron_parse_block(&b, S(BLOCK), err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(b.number, 1000);
    CU_ASSERT_EQUAL(b.timestamp_ms, 1700000000000ull);
    CU_ASSERT_EQUAL(b.id[7], 0xe8);
    CU_ASSERT_EQUAL(b.parent_id[7], 0xe7);
    CU_ASSERT(bts_tron_parse_block(&b, S("{}"), err, sizeof(err)) == BT_ENOTFOUND);
    /* int64_as_string=true prints numbers as strings. */
    const char *str =
        "{\"blockID\":\"0000000000000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
        "\"block_header\":{\"raw_data\":{\"timestamp\":\"1529891469000\"}}}";
    CU_ASSERT(bts_tron_parse_block(&b, S(str), err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(b.number, 0);
    CU_ASSERT_EQUAL(b.timestamp_ms, 1529891469000ull);
}

static void test_tron_http_block_hostile(void)
{
    struct bts_tron_block b;
    char err[200];
    /* Every truncation of a good body fails cleanly. */
    size_t n = strlen(BLOCK);
    for (size_t k = 0; k < n; k++)
        CU_ASSERT(bts_tron_parse_block(&b, BLOCK, k, err, sizeof(err)) == BT_EPROTO);
    /* An Ethereum-style hash whose first 8 bytes are not the number: not a TRON block. */
    const char *eth =
        "{\"blockID\":\"c0dfc0a0c8d75a7e00000000000003e80c0f5729f6b98567cd0b66599c4f63ac\","
        "\"block_header\":{\"raw_data\":{\"number\":1000,\"timestamp\":1,"
        "\"parentHash\":\"00000000000003e7000000000000000000000000000000000000000000000000\"}}}";
    CU_ASSERT(bts_tron_parse_block(&b, S(eth), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(strstr(err, "not a TRON block") != NULL);
    CU_ASSERT_EQUAL(b.number, 0);
    const char *neg =
        "{\"blockID\":\"0000000000000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
        "\"block_header\":{\"raw_data\":{\"number\":-1,\"timestamp\":1}}}";
    CU_ASSERT(bts_tron_parse_block(&b, S(neg), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_block(&b, S("[1,2]"), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_block(&b, S("{\"blockID\":7}"), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_block(&b,
                                   S("{\"Error\":\"class java.lang.NullPointerException : x\"}"),
                                   err, sizeof(err)) == BTS_TRON_EREMOTE);
    CU_ASSERT(strstr(err, "NullPointerException") != NULL);
    CU_ASSERT(bts_tron_parse_block(&b, S("{\"Error\":\"The key exceeds the frequency limit(15)\"}"),
                                   err, sizeof(err)) == BT_EBUSY);
    CU_ASSERT(bts_tron_parse_block(&b, NULL, 0, NULL, 0) == BT_EPROTO);
}

static void test_tron_http_constant(void)
{
    struct bts_buf out = BTS_BUF_INIT;
    uint64_t energy;
    char err[200];
    const char *ok = "{\"result\":{\"result\":true},\"energy_used\":235,\"constant_result\":"
                     "[\"0000000000000000000000000000000000000000000000000000000000000007\"],"
                     "\"transaction\":{\"ret\":[{}],\"visible\":false}}";
    CU_ASSERT(bts_tron_parse_constant(&out, &energy, S(ok), err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(out.len, 32);
    CU_ASSERT_EQUAL(out.data[31], 7);
    CU_ASSERT_EQUAL(energy, 235);
    const char *rev = "{\"result\":{\"result\":true,\"message\":"
                      "\"524556455254206f70636f6465206578656375746564\"},\"constant_result\":"
                      "[\"08c379a0\"],\"transaction\":{\"ret\":[{\"ret\":\"FAILED\"}]}}";
    CU_ASSERT(bts_tron_parse_constant(&out, &energy, S(rev), err, sizeof(err)) == BTS_TRON_EREVERT);
    CU_ASSERT(strstr(err, "REVERT opcode executed") != NULL);
    CU_ASSERT_EQUAL(out.len, 4);
    const char *val = "{\"result\":{\"code\":\"CONTRACT_VALIDATE_ERROR\",\"message\":"
                      "\"4e6f20636f6e7472616374\"}}";
    CU_ASSERT(bts_tron_parse_constant(&out, &energy, S(val), err, sizeof(err)) == BTS_TRON_EREMOTE);
    CU_ASSERT(strstr(err, "CONTRACT_VALIDATE_ERROR: No contract") != NULL);
    CU_ASSERT_EQUAL(out.len, 0);
    CU_ASSERT(bts_tron_parse_constant(&out, &energy, S("{\"result\":{\"result\":true}}"), err,
                                      sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_constant(
                  &out, &energy, S("{\"result\":{\"result\":true},\"constant_result\":[\"zz\"]}"),
                  err, sizeof(err)) == BT_EPROTO);
    size_t n = strlen(ok);
    for (size_t k = 0; k < n; k++)
        CU_ASSERT(bts_tron_parse_constant(&out, &energy, ok, k, err, sizeof(err)) == BT_EPROTO);
    bts_buf_free(&out);
}

static void test_tron_http_broadcast(void)
{
    struct bts_tron_broadcast b;
    char err[200];
    uint8_t id[32] = {0xeb, 0xdb};
    const char *ok = "{\"result\":true,\"txid\":"
                     "\"ebdb000000000000000000000000000000000000000000000000000000000000\"}";
    CU_ASSERT(bts_tron_parse_broadcast(&b, id, S(ok), err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(b.action, BTS_TRON_BCAST_ACCEPTED);
    CU_ASSERT(b.has_txid);
    id[1] = 0;
    CU_ASSERT(bts_tron_parse_broadcast(&b, id, S(ok), err, sizeof(err)) == BT_EPROTO);
    const char *hexok = "{\"result\":true,\"code\":\"SUCCESS\",\"message\":\"\",\"transaction\":"
                        "\"{}\",\"txid\":\"\"}";
    CU_ASSERT(bts_tron_parse_broadcast(&b, NULL, S(hexok), err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(b.action, BTS_TRON_BCAST_ACCEPTED);
    static const struct {
        const char *body;
        uint32_t action;
    } cases[] = {
        {"{\"code\":\"SIGERROR\",\"message\":\"56616c6964617465\"}", BTS_TRON_BCAST_FATAL},
        {"{\"result\":false,\"code\":\"TAPOS_ERROR\",\"message\":\"Tapos check error.\"}",
         BTS_TRON_BCAST_REBUILD},
        {"{\"code\":\"TRANSACTION_EXPIRATION_ERROR\"}", BTS_TRON_BCAST_REBUILD},
        {"{\"code\":\"DUP_TRANSACTION_ERROR\"}", BTS_TRON_BCAST_KNOWN},
        {"{\"result\":false,\"code\":\"OTHER_ERROR\",\"message\":\"Transaction already exists.\"}",
         BTS_TRON_BCAST_KNOWN},
        {"{\"code\":\"SERVER_BUSY\"}", BTS_TRON_BCAST_RETRY},
        {"{\"code\":\"NO_CONNECTION\"}", BTS_TRON_BCAST_RETRY},
        {"{\"code\":\"WHATEVER_NEW\"}", BTS_TRON_BCAST_FATAL},
        {"{\"result\":false,\"code\":\"SUCCESS\"}", BTS_TRON_BCAST_FATAL},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(cases); i++) {
        CU_ASSERT(bts_tron_parse_broadcast(&b, NULL, S(cases[i].body), err, sizeof(err)) == BT_OK);
        CU_ASSERT_EQUAL(b.action, cases[i].action);
    }
    CU_ASSERT(bts_tron_parse_broadcast(
                  &b, NULL, S("{\"code\":\"SIGERROR\",\"message\":\"56616c6964617465\"}"), err,
                  sizeof(err)) == BT_OK);
    CU_ASSERT_STRING_EQUAL(b.message, "Validate");
    CU_ASSERT(bts_tron_parse_broadcast(&b, NULL, S("{}"), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_broadcast(&b, NULL, S("{\"result\":\"yes\"}"), err, sizeof(err)) ==
              BT_EPROTO);
    CU_ASSERT(bts_tron_parse_broadcast(&b, NULL, S("{\"Error\":\"x\"}"), err, sizeof(err)) ==
              BTS_TRON_EREMOTE);
}

static const char *const INFO =
    "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
    "\"fee\":1000,\"blockNumber\":1001,\"blockTimeStamp\":1700000003000,"
    "\"contractResult\":[\"\"],\"contract_address\":\"418330108cfdd47544b398c15a3c252ad1d5a5566c\","
    "\"receipt\":{\"energy_usage_total\":2135,\"result\":\"SUCCESS\"},"
    "\"log\":[{\"address\":\"8330108cfdd47544b398c15a3c252ad1d5a5566c\",\"topics\":["
    "\"ba5de06d22af2685c6c7765f60067f7d2b08c2d29f53cdf14d67f6d1c9bfb527\","
    "\"0000000000000000000000000000000000000000000000000000000000002710\"],\"data\":\"0102\"},"
    "{\"address\":\"418330108cfdd47544b398c15a3c252ad1d5a5566c\",\"data\":\"\"}]}";

static void test_tron_http_txinfo(void)
{
    struct bts_tron_txinfo t;
    char err[200];
    uint8_t id[32] = {0xeb, 0xdb, 0xf4, 0x1a};
    CU_ASSERT(bts_tron_parse_txinfo(&t, NULL, S(INFO), err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(t.block_number, 1001);
    CU_ASSERT_EQUAL(t.energy_used, 2135);
    CU_ASSERT_EQUAL(t.fee, 1000);
    CU_ASSERT(!t.failed);
    CU_ASSERT_EQUAL_FATAL(t.n_logs, 2);
    CU_ASSERT_EQUAL(t.logs[0].n_topics, 2);
    CU_ASSERT_EQUAL(t.logs[0].address[0], 0x83);
    CU_ASSERT_EQUAL(t.logs[0].topics[1][31], 0x10);
    CU_ASSERT_EQUAL(t.logs[0].data_len, 2);
    CU_ASSERT_EQUAL(t.logs[0].data[1], 2);
    CU_ASSERT_EQUAL(t.logs[1].log_index, 1);
    CU_ASSERT_EQUAL(t.logs[1].block_number, 1001);
    CU_ASSERT_EQUAL(t.logs[1].address[0], 0x83);
    CU_ASSERT_EQUAL(t.logs[1].tx_hash[0], 0xeb);
    bts_tron_txinfo_free(&t);
    CU_ASSERT(bts_tron_parse_txinfo(&t, id, S(INFO), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_txinfo(&t, id, S("{}"), err, sizeof(err)) == BT_ENOTFOUND);
    const char *failed =
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":5,\"result\":\"FAILED\",\"resMessage\":\"5245564552540a\","
        "\"receipt\":{\"result\":\"REVERT\"},\"contractResult\":[\"\"]}";
    CU_ASSERT(bts_tron_parse_txinfo(&t, NULL, S(failed), err, sizeof(err)) == BT_OK);
    CU_ASSERT(t.failed);
    CU_ASSERT_STRING_EQUAL(t.receipt_result, "REVERT");
    CU_ASSERT_STRING_EQUAL(t.message, "REVERT?");
    bts_tron_txinfo_free(&t);
    const char *ooe =
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":5,\"receipt\":{\"result\":\"OUT_OF_ENERGY\"}}";
    CU_ASSERT(bts_tron_parse_txinfo(&t, NULL, S(ooe), err, sizeof(err)) == BT_OK);
    CU_ASSERT(t.failed);
    bts_tron_txinfo_free(&t);
}

static void test_tron_http_txinfo_hostile(void)
{
    struct bts_tron_txinfo t;
    char err[200];
    size_t n = strlen(INFO);
    for (size_t k = 0; k < n; k++) {
        CU_ASSERT(bts_tron_parse_txinfo(&t, NULL, INFO, k, err, sizeof(err)) == BT_EPROTO);
        CU_ASSERT_PTR_NULL(t.logs);
    }
    static const char *const bad[] = {
        "{\"id\":\"00\",\"blockNumber\":1}",
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\"}",
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":1,"
        "\"log\":[{\"address\":\"12\"}]}",
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":1,"
        "\"log\":[{\"address\":\"8330108cfdd47544b398c15a3c252ad1d5a5566c\",\"topics\":[\"1\","
        "\"2\","
        "\"3\",\"4\",\"5\"]}]}",
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":1,"
        "\"log\":[{\"address\":\"8330108cfdd47544b398c15a3c252ad1d5a5566c\",\"data\":\"abc\"}]}",
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":1,"
        "\"log\":{}}",
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":"
        "\"99999999999999999999\"}",
        "{\"id\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1\","
        "\"blockNumber\":1,"
        "\"receipt\":[]}",
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++) {
        CU_ASSERT(bts_tron_parse_txinfo(&t, NULL, S(bad[i]), err, sizeof(err)) == BT_EPROTO);
        CU_ASSERT(err[0] != 0);
    }
}

static void test_tron_http_txinfo_list(void)
{
    struct bts_tron_txinfo_list l;
    char err[200];
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_buf_printf(&b, "[%s,%s]", INFO, INFO) == BT_OK);
    CU_ASSERT(bts_tron_parse_txinfo_list(&l, 1001, (const char *)b.data, b.len, err, sizeof(err)) ==
              BT_OK);
    CU_ASSERT_EQUAL_FATAL(l.n, 2);
    CU_ASSERT_EQUAL(l.infos[1].n_logs, 2);
    CU_ASSERT_EQUAL(l.infos[1].logs[0].tx_index, 1);
    bts_tron_txinfo_list_free(&l);
    /* Another block's infos in the answer: refused. */
    CU_ASSERT(bts_tron_parse_txinfo_list(&l, 1002, (const char *)b.data, b.len, err, sizeof(err)) ==
              BT_EPROTO);
    CU_ASSERT(strstr(err, "[0]: blockNumber 1001") != NULL);
    CU_ASSERT_PTR_NULL(l.infos);
    for (size_t k = 0; k < b.len; k++)
        CU_ASSERT(bts_tron_parse_txinfo_list(&l, 1001, (const char *)b.data, k, err, sizeof(err)) ==
                  BT_EPROTO);
    bts_buf_free(&b);
    CU_ASSERT(bts_tron_parse_txinfo_list(&l, 5, S("[]"), err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT(bts_tron_parse_txinfo_list(&l, 5, S("{}"), err, sizeof(err)) == BT_OK);
    CU_ASSERT(bts_tron_parse_txinfo_list(&l, 5, S("{\"a\":1}"), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_txinfo_list(&l, 5, S("[1]"), err, sizeof(err)) == BT_EPROTO);
    CU_ASSERT(bts_tron_parse_txinfo_list(&l, 5, S("{\"Error\":\"x\"}"), err, sizeof(err)) ==
              BTS_TRON_EREMOTE);
}

BTS_TEST_SUITE("tron_http", NULL, NULL, BTS_TEST(test_tron_http_block),
               BTS_TEST(test_tron_http_block_hostile), BTS_TEST(test_tron_http_constant),
               BTS_TEST(test_tron_http_broadcast), BTS_TEST(test_tron_http_txinfo),
               BTS_TEST(test_tron_http_txinfo_hostile), BTS_TEST(test_tron_http_txinfo_list));
