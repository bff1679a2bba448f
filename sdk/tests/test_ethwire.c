/* eth/66 messages: encodings of request-id messages as go-ethereum's eth/66 tests pin them
 * (request id 1111), Status and NewBlock round trips, every list-shaped message's shape checks
 * and limits, and the refusals. */
#include <bts/ethwire.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

#define H_DEADC0DE "00000000000000000000000000000000000000000000000000000000deadc0de"
#define H_FEEDBEEF "00000000000000000000000000000000000000000000000000000000feedbeef"

static void test_ethwire_get_headers_vectors(void)
{
    struct bts_eth_get_headers q;
    memset(&q, 0, sizeof(q));
    q.req_id = 1111;
    q.is_by_hash = 1;
    q.origin_hash[28] = 0xde, q.origin_hash[29] = 0xad, q.origin_hash[30] = 0xc0,
    q.origin_hash[31] = 0xde;
    q.amount = 5;
    q.skip = 5;
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_eth_get_headers_encode(&b, &q) == BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "e8820457e4a0" H_DEADC0DE "050580");
    struct bts_eth_get_headers d;
    CU_ASSERT_FATAL(bts_eth_get_headers_decode(&d, b.data, b.len) == BT_OK);
    CU_ASSERT(memcmp(&d, &q, sizeof(q)) == 0);

    memset(&q, 0, sizeof(q));
    q.req_id = 1111;
    q.origin_number = 9999;
    q.amount = 5;
    q.skip = 5;
    q.is_reverse = 1;
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_get_headers_encode(&b, &q) == BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "ca820457c682270f050501");
    CU_ASSERT_FATAL(bts_eth_get_headers_decode(&d, b.data, b.len) == BT_OK);
    CU_ASSERT(memcmp(&d, &q, sizeof(q)) == 0);
    bts_buf_free(&b);

    /* reverse = 2, a 20-byte origin, a missing field, trailing bytes: refused. */
    static const char *const bad[] = {"ca820457c682270f050502", "c9820457c582270f0505",
                                      "de820457da94" H_DEADC0DE "050580",
                                      "cb820457c682270f05058000"};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++) {
        size_t n;
        uint8_t *p = bts_test_unhex(bad[i], &n);
        if (!p)
            continue;
        CU_ASSERT_EQUAL(bts_eth_get_headers_decode(&d, p, n), BT_EPROTO);
        free(p);
    }
}

static void test_ethwire_hashes_vector(void)
{
    uint8_t h[64] = {0};
    h[28] = 0xde, h[29] = 0xad, h[30] = 0xc0, h[31] = 0xde;
    h[60] = 0xfe, h[61] = 0xed, h[62] = 0xbe, h[63] = 0xef;
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_eth_hashes_encode(&b, BTS_ETH_GET_BLOCK_BODIES, 1111, h, 2) == BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "f847820457f842a0" H_DEADC0DE "a0" H_FEEDBEEF);
    struct bts_eth_list l;
    CU_ASSERT_FATAL(bts_eth_list_decode(&l, BTS_ETH_GET_BLOCK_BODIES, b.data, b.len) == BT_OK);
    CU_ASSERT(l.req_id == 1111 && l.count == 2);
    CU_ASSERT_EQUAL(bts_eth_list_decode(&l, BTS_ETH_NEW_POOLED_TX_HASHES, b.data, b.len),
                    BT_EPROTO); /* no request id there: 1111 is not a hash */
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_hashes_encode(&b, BTS_ETH_NEW_POOLED_TX_HASHES, 0, h, 2) == BT_OK);
    CU_ASSERT_FATAL(bts_eth_list_decode(&l, BTS_ETH_NEW_POOLED_TX_HASHES, b.data, b.len) == BT_OK);
    CU_ASSERT_EQUAL(l.count, 2);
    CU_ASSERT_EQUAL(bts_eth_hashes_encode(&b, BTS_ETH_BLOCK_HEADERS, 0, h, 2), BT_EINVAL);
    bts_buf_free(&b);
}

static void test_ethwire_hash_limit(void)
{
    size_t n = BTS_ETH_MAX_HASHES + 1;
    uint8_t *h = calloc(n, 32);
    struct bts_buf b = BTS_BUF_INIT;
    struct bts_eth_list l;
    CU_ASSERT_FATAL(bts_eth_hashes_encode(&b, BTS_ETH_GET_POOLED_TXS, 7, h, n - 1) == BT_OK);
    CU_ASSERT_EQUAL(bts_eth_list_decode(&l, BTS_ETH_GET_POOLED_TXS, b.data, b.len), BT_OK);
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_hashes_encode(&b, BTS_ETH_GET_POOLED_TXS, 7, h, n) == BT_OK);
    CU_ASSERT_EQUAL(bts_eth_list_decode(&l, BTS_ETH_GET_POOLED_TXS, b.data, b.len), BT_EPROTO);
    CU_ASSERT_EQUAL(l.count, 0);
    bts_buf_free(&b);
    free(h);
}

static void test_ethwire_status_round_trip(void)
{
    struct bts_eth_status s, d;
    memset(&s, 0, sizeof(s));
    s.version = 66;
    s.network_id = 199;
    s.td[31] = 0x2a;
    memset(s.head, 0x11, 32);
    memset(s.genesis, 0x22, 32);
    s.fork_id.hash = 0xa9cb3ba5;
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_eth_status_encode(&b, &s) == BT_OK);
    /* [66, 199, 42, head, genesis, [a9cb3ba5, 0]] */
    BTS_ASSERT_HEX(b.data, b.len,
                   "f84d42"
                   "81c7"
                   "2a"
                   "a0"
                   "1111111111111111111111111111111111111111111111111111111111111111"
                   "a0"
                   "2222222222222222222222222222222222222222222222222222222222222222"
                   "c684a9cb3ba580");
    CU_ASSERT_FATAL(bts_eth_status_decode(&d, b.data, b.len) == BT_OK);
    CU_ASSERT(memcmp(&d, &s, sizeof(s)) == 0);
    for (size_t cut = 0; cut < b.len; cut++)
        CU_ASSERT_EQUAL(bts_eth_status_decode(&d, b.data, cut), BT_EPROTO);
    bts_buf_free(&b);
}

static void test_ethwire_list_shapes(void)
{
    /* Transactions: a legacy list and a typed string (0x01 || ...) pass; 0x80-led fails. */
    static const uint8_t legacy[] = {0xc3, 0x01, 0x02, 0x03};
    static const uint8_t typed[] = {0x83, 0x01, 0xc1, 0x80};
    static const uint8_t untyped[] = {0x82, 0x80, 0x80};
    const uint8_t *items[] = {legacy, typed};
    size_t lens[] = {sizeof(legacy), sizeof(typed)};
    struct bts_buf b = BTS_BUF_INIT;
    struct bts_eth_list l;
    CU_ASSERT_FATAL(bts_eth_list_encode(&b, BTS_ETH_TRANSACTIONS, 0, items, lens, 2) == BT_OK);
    CU_ASSERT(bts_eth_list_decode(&l, BTS_ETH_TRANSACTIONS, b.data, b.len) == BT_OK &&
              l.count == 2);
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_list_encode(&b, BTS_ETH_POOLED_TXS, 9, items, lens, 2) == BT_OK);
    CU_ASSERT(bts_eth_list_decode(&l, BTS_ETH_POOLED_TXS, b.data, b.len) == BT_OK &&
              l.req_id == 9 && l.count == 2);
    bts_buf_reset(&b);
    items[1] = untyped;
    lens[1] = sizeof(untyped);
    CU_ASSERT_FATAL(bts_eth_list_encode(&b, BTS_ETH_TRANSACTIONS, 0, items, lens, 2) == BT_OK);
    CU_ASSERT_EQUAL(bts_eth_list_decode(&l, BTS_ETH_TRANSACTIONS, b.data, b.len), BT_EPROTO);

    /* BlockBodies need [txs, uncles] lists; BlockHeaders and Receipts need lists. */
    static const uint8_t body[] = {0xc2, 0xc0, 0xc0};
    static const uint8_t not_body[] = {0xc2, 0xc0, 0x80};
    items[0] = body;
    lens[0] = sizeof(body);
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_list_encode(&b, BTS_ETH_BLOCK_BODIES, 3, items, lens, 1) == BT_OK);
    CU_ASSERT(bts_eth_list_decode(&l, BTS_ETH_BLOCK_BODIES, b.data, b.len) == BT_OK);
    CU_ASSERT(bts_eth_list_decode(&l, BTS_ETH_RECEIPTS, b.data, b.len) == BT_OK);
    CU_ASSERT(bts_eth_list_decode(&l, BTS_ETH_BLOCK_HEADERS, b.data, b.len) == BT_OK);
    items[0] = not_body;
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_list_encode(&b, BTS_ETH_BLOCK_BODIES, 3, items, lens, 1) == BT_OK);
    CU_ASSERT_EQUAL(bts_eth_list_decode(&l, BTS_ETH_BLOCK_BODIES, b.data, b.len), BT_EPROTO);
    CU_ASSERT_EQUAL(bts_eth_list_decode(&l, BTS_ETH_STATUS, b.data, b.len), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_eth_list_encode(&b, BTS_ETH_GET_RECEIPTS, 0, items, lens, 1), BT_EINVAL);

    /* NewBlockHashes pairs. */
    uint8_t h[32], got[32];
    memset(h, 0x5c, 32);
    struct bts_buf pair = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_eth_hash_number_encode(&pair, h, 123456) == BT_OK);
    const uint8_t *pitems[] = {pair.data};
    size_t plens[] = {pair.len};
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_list_encode(&b, BTS_ETH_NEW_BLOCK_HASHES, 0, pitems, plens, 1) ==
                    BT_OK);
    CU_ASSERT_FATAL(bts_eth_list_decode(&l, BTS_ETH_NEW_BLOCK_HASHES, b.data, b.len) == BT_OK);
    struct bts_rlp_iter it;
    uint64_t num;
    bts_rlp_iter_init(&it, &l.list);
    CU_ASSERT(bts_eth_hash_number_next(&it, got, &num) == BT_OK && num == 123456 &&
              !memcmp(got, h, 32));
    CU_ASSERT_EQUAL(bts_eth_hash_number_next(&it, got, &num), BT_ENOTFOUND);
    bts_buf_free(&pair);
    bts_buf_free(&b);
}

static void test_ethwire_new_block(void)
{
    static const uint8_t block[] = {0xc3, 0xc0, 0xc0, 0xc0};
    uint8_t td[32] = {0};
    td[30] = 1;
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_eth_new_block_encode(&b, block, sizeof(block), td) == BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "c7c3c0c0c0820100");
    struct bts_eth_new_block nb;
    CU_ASSERT_FATAL(bts_eth_new_block_decode(&nb, b.data, b.len) == BT_OK);
    CU_ASSERT(nb.block.raw_len == 4 && nb.header.raw_len == 1 && !memcmp(nb.td, td, 32));
    static const uint8_t bad_block[] = {0xc2, 0xc0, 0xc0};
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_eth_new_block_encode(&b, bad_block, sizeof(bad_block), td) == BT_OK);
    CU_ASSERT_EQUAL(bts_eth_new_block_decode(&nb, b.data, b.len), BT_EPROTO);
    bts_buf_free(&b);
    CU_ASSERT_STRING_EQUAL(bts_eth_msg_name(BTS_ETH_RECEIPTS), "Receipts");
    CU_ASSERT_STRING_EQUAL(bts_eth_msg_name(0x0b), "unknown");
}

static void test_ethwire_size_limit(void)
{
    /* A Transactions message one byte over 10 MiB is refused before any parsing. */
    size_t n = BTS_ETH_MAX_MSG + 1;
    uint8_t *p = calloc(1, n);
    struct bts_eth_list l;
    CU_ASSERT_EQUAL(bts_eth_list_decode(&l, BTS_ETH_TRANSACTIONS, p, n), BT_EPROTO);
    free(p);
}

BTS_TEST_SUITE("ethwire", NULL, NULL, BTS_TEST(test_ethwire_get_headers_vectors),
               BTS_TEST(test_ethwire_hashes_vector), BTS_TEST(test_ethwire_hash_limit),
               BTS_TEST(test_ethwire_status_round_trip), BTS_TEST(test_ethwire_list_shapes),
               BTS_TEST(test_ethwire_new_block), BTS_TEST(test_ethwire_size_limit));
