/* Receipts and logs (bts/receipt.h): log and receipt RLP built by hand, the empty logs hash,
 * the receipt bloom, typed envelopes and the DeriveSha index keys. */
#include <bts/receipt.h>
#include <bts/test.h>

#include <string.h>

#include <bts/keccak.h>

static void test_receipt_logs_hash_empty(void)
{
    uint8_t h[32];
    CU_ASSERT_EQUAL(bts_logs_hash(h, NULL, 0), BT_OK);
    BTS_ASSERT_HEX(h, 32, "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
}

static void test_receipt_log_encoding(void)
{
    struct bt_hash topics[2];
    memset(topics[0].bytes, 0x01, 32);
    memset(topics[1].bytes, 0x02, 32);
    static const uint8_t data[] = {0xde, 0xad};
    struct bts_log log = {{{0}}, topics, 2, data, 2};
    memset(log.address.bytes, 0xaa, 20);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_log_encode(&b, &log), BT_OK);
    /* [addr(21), [t0(33), t1(33)] (1+66 = 68 with f842 header), data(3)] = 21 + 68 + 3 = 92 */
    uint8_t want[2 + 92], *p = want;
    *p++ = 0xf8;
    *p++ = 92;
    *p++ = 0x94;
    memset(p, 0xaa, 20), p += 20;
    *p++ = 0xf8;
    *p++ = 66;
    *p++ = 0xa0;
    memset(p, 0x01, 32), p += 32;
    *p++ = 0xa0;
    memset(p, 0x02, 32), p += 32;
    *p++ = 0x82;
    *p++ = 0xde;
    *p++ = 0xad;
    CU_ASSERT_EQUAL(b.len, sizeof(want));
    CU_ASSERT(memcmp(b.data, want, sizeof(want)) == 0);

    /* logs hash = keccak(list header || log) */
    uint8_t h[32], w[32], list[2 + sizeof(want)] = {0xf8, (uint8_t)sizeof(want)};
    memcpy(list + 2, want, sizeof(want));
    bts_keccak256(w, list, sizeof(list));
    CU_ASSERT_EQUAL(bts_logs_hash(h, &log, 1), BT_OK);
    CU_ASSERT(memcmp(h, w, 32) == 0);
    bts_buf_free(&b);
}

static void test_receipt_bloom_and_encoding(void)
{
    struct bt_hash topic;
    memset(topic.bytes, 0x07, 32);
    struct bts_log log = {{{0}}, &topic, 1, NULL, 0};
    memset(log.address.bytes, 0x10, 20);
    struct bts_receipt r = {0};
    r.status = 1;
    r.cumulative_gas = 21000;
    r.logs = &log;
    r.n_logs = 1;
    bts_receipt_bloom(r.bloom, &log, 1);
    CU_ASSERT(bts_bloom_test(r.bloom, log.address.bytes, 20));
    CU_ASSERT(bts_bloom_test(r.bloom, topic.bytes, 32));
    unsigned bits = 0;
    for (size_t i = 0; i < BTS_BLOOM_LEN; i++)
        bits += (unsigned)__builtin_popcount(r.bloom[i]);
    CU_ASSERT(bits >= 1 && bits <= 6);

    struct bts_buf legacy = BTS_BUF_INIT, typed = BTS_BUF_INIT, logs = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_receipt_encode(&legacy, &r), BT_OK);
    /* f9 len | 01 | 82 5208 | b9 0100 bloom | logs */
    CU_ASSERT_EQUAL(bts_logs_encode(&logs, &log, 1), BT_OK);
    size_t payload = 1 + 3 + 3 + 256 + logs.len;
    CU_ASSERT_EQUAL(legacy.len, 3 + payload);
    CU_ASSERT(legacy.data[0] == 0xf9 && legacy.data[3] == 0x01 && legacy.data[4] == 0x82 &&
              legacy.data[5] == 0x52 && legacy.data[6] == 0x08);
    CU_ASSERT(memcmp(legacy.data + 3 + 7, r.bloom, 256) == 0);
    CU_ASSERT(memcmp(legacy.data + legacy.len - logs.len, logs.data, logs.len) == 0);

    r.type = 2;
    r.status = 0;
    CU_ASSERT_EQUAL(bts_receipt_encode(&typed, &r), BT_OK);
    CU_ASSERT_EQUAL(typed.len, legacy.len + 1);
    CU_ASSERT(typed.data[0] == 0x02 && typed.data[1] == 0xf9 && typed.data[4] == 0x80);

    struct bts_buf bad = BTS_BUF_INIT;
    r.status = 2;
    CU_ASSERT_EQUAL(bts_receipt_encode(&bad, &r), BT_EINVAL);
    r.status = 1;
    r.type = 0x80;
    CU_ASSERT_EQUAL(bts_receipt_encode(&bad, &r), BT_EINVAL);
    bts_buf_free(&legacy);
    bts_buf_free(&typed);
    bts_buf_free(&logs);
    bts_buf_free(&bad);
}

static void test_receipt_index_keys(void)
{
    uint8_t k[BTS_INDEX_KEY_MAX];
    CU_ASSERT_EQUAL(bts_receipt_index_key(k, 0), 1);
    CU_ASSERT_EQUAL(k[0], 0x80);
    CU_ASSERT_EQUAL(bts_receipt_index_key(k, 1), 1);
    CU_ASSERT_EQUAL(k[0], 0x01);
    CU_ASSERT_EQUAL(bts_receipt_index_key(k, 127), 1);
    CU_ASSERT_EQUAL(k[0], 0x7f);
    CU_ASSERT_EQUAL(bts_receipt_index_key(k, 128), 2);
    BTS_ASSERT_HEX(k, 2, "8180");
    CU_ASSERT_EQUAL(bts_receipt_index_key(k, 0x1234), 3);
    BTS_ASSERT_HEX(k, 3, "821234");
    CU_ASSERT_EQUAL(bts_receipt_index_key(k, UINT64_MAX), 9);
    BTS_ASSERT_HEX(k, 9, "88ffffffffffffffff");
}

BTS_TEST_SUITE("receipt", NULL, NULL, BTS_TEST(test_receipt_logs_hash_empty),
               BTS_TEST(test_receipt_log_encoding), BTS_TEST(test_receipt_bloom_and_encoding),
               BTS_TEST(test_receipt_index_keys));
