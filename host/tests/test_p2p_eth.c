/* eth/66 request handlers against an in-memory chain backend, over a real loopback
 * connection between two in-process nodes: GetBlockHeaders by number and by hash, with skip,
 * reverse, the chain's ends and the 1024 cap; GetBlockBodies and GetReceipts with unknown
 * hashes skipped; GetPooledTransactions; request ids echoed; Transactions handed to the
 * backend; a malformed request gets the peer banned. */
#include "p2p_testlib.h"

static struct event_base *base;
static struct tnode a, b;
static struct memchain *ma, *mb;
static uint64_t next_req = 100;

static int init(void)
{
    base = event_base_new();
    return base ? 0 : 1;
}

static int clean(void)
{
    event_base_free(base);
    return 0;
}

static int connected(void *arg)
{
    (void)arg;
    return p2p_peer_count(a.p) == 1 && p2p_peer_count(b.p) == 1;
}

static void up(void)
{
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    ma = memchain_new();
    mb = memchain_new();
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 21, NULL, &ma->b), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 22, NULL, &mb->b), BT_OK);
    CU_ASSERT_EQUAL(p2p_add_peer(b.p, p2p_enode(a.p), 0), BT_OK);
    CU_ASSERT_FATAL(run_until(base, connected, NULL, 5000));
}

static void down(void)
{
    tnode_stop(&a);
    tnode_stop(&b);
    memchain_free(ma);
    memchain_free(mb);
}

static int answered(void *arg)
{
    return mb->last_req == *(uint64_t *)arg;
}

/* Send a request from b and wait for the answer with its id. */
static void ask(int code, const struct bts_buf *msg, uint64_t req)
{
    struct p2p_peer *pb = first_peer(b.p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
    mb->last_req = 0;
    CU_ASSERT_EQUAL(peer_send(pb, pb->eth_cap, (uint64_t)code, msg->data, msg->len), BT_OK);
    CU_ASSERT(run_until(base, answered, &req, 3000));
}

static void headers(int by_hash, uint64_t origin, uint64_t amount, uint64_t skip, int reverse)
{
    struct bts_eth_get_headers q = {0};
    q.req_id = ++next_req;
    q.is_by_hash = by_hash;
    if (by_hash)
        memcpy(q.origin_hash, ma->hash[origin < MEMCHAIN_N ? origin : 0], 32);
    q.origin_number = origin;
    q.amount = amount;
    q.skip = skip;
    q.is_reverse = reverse;
    struct bts_buf m;
    bts_buf_init(&m);
    CU_ASSERT_EQUAL(bts_eth_get_headers_encode(&m, &q), BT_OK);
    ask(BTS_ETH_GET_BLOCK_HEADERS, &m, q.req_id);
    bts_buf_free(&m);
    CU_ASSERT_EQUAL(mb->last_code, BTS_ETH_BLOCK_HEADERS);
}

static void expect_numbers(const uint64_t *want, size_t n)
{
    CU_ASSERT_EQUAL(mb->last_count, n);
    CU_ASSERT_EQUAL(mb->n_numbers, n);
    for (size_t i = 0; i < n && i < mb->n_numbers; i++)
        CU_ASSERT_EQUAL(mb->numbers[i], want[i]);
}

static void test_p2p_eth_get_headers(void)
{
    up();
    headers(0, 10, 5, 2, 0);
    expect_numbers((const uint64_t[]){10, 13, 16, 19, 22}, 5);
    headers(0, 50, 3, 0, 1);
    expect_numbers((const uint64_t[]){50, 49, 48}, 3);
    headers(1, 100, 2, 0, 0);
    expect_numbers((const uint64_t[]){100, 101}, 2);
    headers(1, 7, 3, 1, 1);
    expect_numbers((const uint64_t[]){7, 5, 3}, 3);
    headers(0, 2, 10, 0, 1); /* stops at genesis */
    expect_numbers((const uint64_t[]){2, 1, 0}, 3);
    headers(0, 195, 10, 0, 0); /* stops at the head */
    expect_numbers((const uint64_t[]){195, 196, 197, 198, 199}, 5);
    headers(0, 0, 5000, 0, 0); /* more than the chain and over the 1024 cap */
    CU_ASSERT_EQUAL(mb->last_count, MEMCHAIN_N);
    headers(0, 5000, 1, 0, 0); /* unknown origin: empty answer */
    CU_ASSERT_EQUAL(mb->last_count, 0);
    headers(0, 3, 0, 0, 0);
    CU_ASSERT_EQUAL(mb->last_count, 0);
    headers(0, 0, 3, UINT64_MAX, 0); /* step overflows: only the origin */
    expect_numbers((const uint64_t[]){0}, 1);
    down();
}

static void hashes(int code, const uint8_t *hs, size_t n, int want_resp, size_t want_count)
{
    struct bts_buf m;
    bts_buf_init(&m);
    uint64_t req = ++next_req;
    CU_ASSERT_EQUAL(bts_eth_hashes_encode(&m, code, req, hs, n), BT_OK);
    ask(code, &m, req);
    bts_buf_free(&m);
    CU_ASSERT_EQUAL(mb->last_code, want_resp);
    CU_ASSERT_EQUAL(mb->last_count, want_count);
}

static int b_txs(void *arg)
{
    (void)arg;
    return mb->n_txs > 0;
}

static void test_p2p_eth_bodies_receipts_pooled(void)
{
    up();
    uint8_t hs[3 * 32];
    memcpy(hs, ma->hash[5], 32);
    memset(hs + 32, 0xee, 32); /* unknown: skipped */
    memcpy(hs + 64, ma->hash[7], 32);
    hashes(BTS_ETH_GET_BLOCK_BODIES, hs, 3, BTS_ETH_BLOCK_BODIES, 2);
    hashes(BTS_ETH_GET_RECEIPTS, hs, 3, BTS_ETH_RECEIPTS, 2);
    /* PooledTransactions go to the backend's on_tx: only hash 5 is in a's pool. */
    struct bts_buf m;
    bts_buf_init(&m);
    CU_ASSERT_EQUAL(bts_eth_hashes_encode(&m, BTS_ETH_GET_POOLED_TXS, 77, hs, 3), BT_OK);
    struct p2p_peer *pb = first_peer(b.p);
    CU_ASSERT_EQUAL(peer_send(pb, pb->eth_cap, BTS_ETH_GET_POOLED_TXS, m.data, m.len), BT_OK);
    bts_buf_free(&m);
    CU_ASSERT(run_until(base, b_txs, NULL, 3000));
    CU_ASSERT_EQUAL(mb->n_txs, 1);
    hashes(BTS_ETH_GET_BLOCK_BODIES, hs, 0, BTS_ETH_BLOCK_BODIES, 0);
    down();
}

static int txs_in(void *arg)
{
    return ma->n_txs >= *(size_t *)arg;
}

static int banned(void *arg)
{
    (void)arg;
    return a.p->n_banned > 0 && a.p->n_conns == 0;
}

static void test_p2p_eth_transactions_and_bad_request(void)
{
    up();
    static const uint8_t tx1[] = {0xc1, 0x01}, tx2[] = {0x02, 0xaa}; /* legacy; typed (as string) */
    struct bts_buf t2, m;
    bts_buf_init(&t2);
    bts_buf_init(&m);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&t2, tx2, sizeof(tx2)), BT_OK);
    const uint8_t *items[] = {tx1, t2.data};
    size_t lens[] = {sizeof(tx1), t2.len};
    CU_ASSERT_EQUAL(bts_eth_list_encode(&m, BTS_ETH_TRANSACTIONS, 0, items, lens, 2), BT_OK);
    struct p2p_peer *pb = first_peer(b.p);
    CU_ASSERT_EQUAL(peer_send(pb, pb->eth_cap, BTS_ETH_TRANSACTIONS, m.data, m.len), BT_OK);
    size_t want = 2;
    CU_ASSERT(run_until(base, txs_in, &want, 3000));
    /* a remembers both as known by b: no echo of them to b. */
    struct p2p_peer *pa = first_peer(a.p);
    uint8_t h[32];
    bts_keccak256(h, tx2, sizeof(tx2));
    CU_ASSERT(p2p_known_has(&pa->known_txs, h));
    /* A malformed GetBlockHeaders: a bans b. */
    static const uint8_t bad[] = {0xc3, 0x01, 0xc1, 0x80};
    CU_ASSERT_EQUAL(peer_send(pb, pb->eth_cap, BTS_ETH_GET_BLOCK_HEADERS, bad, sizeof(bad)), BT_OK);
    CU_ASSERT(run_until(base, banned, NULL, 3000));
    CU_ASSERT(p2p_is_banned(a.p, b.p->id));
    bts_buf_free(&t2);
    bts_buf_free(&m);
    down();
}

static int got_block(void *arg)
{
    (void)arg;
    struct p2p_peer *pb = first_peer(b.p);
    return pb && pb->known_blocks.n > 0;
}

static void test_p2p_eth_announce_block(void)
{
    up();
    /* One peer: sqrt(1) = 1 gets the full block. */
    static const uint8_t td[32] = {[31] = 9};
    struct bts_buf blk;
    bts_buf_init(&blk);
    size_t mark;
    CU_ASSERT_FATAL(bts_rlp_list_begin(&blk, &mark) == BT_OK &&
                    bts_rlp_encode_raw(&blk, ma->hdr[9], ma->hdr_len[9]) == BT_OK &&
                    bts_rlp_encode_raw(&blk, "\xc0\xc0", 2) == BT_OK &&
                    bts_rlp_list_end(&blk, mark) == BT_OK);
    p2p_announce_block(a.p, ma->hash[9], 9, blk.data, blk.len, td);
    CU_ASSERT(run_until(base, got_block, NULL, 3000));
    CU_ASSERT(p2p_known_has(&first_peer(b.p)->known_blocks, ma->hash[9]));
    /* A second announcement of the same block is not sent again to a peer that knows it. */
    uint64_t before = first_peer(a.p)->sess.msgs_out;
    p2p_announce_block(a.p, ma->hash[9], 9, blk.data, blk.len, td);
    CU_ASSERT_EQUAL(first_peer(a.p)->sess.msgs_out, before);
    bts_buf_free(&blk);
    down();
}

BTS_TEST_SUITE("p2p_eth", init, clean, BTS_TEST(test_p2p_eth_get_headers),
               BTS_TEST(test_p2p_eth_bodies_receipts_pooled),
               BTS_TEST(test_p2p_eth_transactions_and_bad_request),
               BTS_TEST(test_p2p_eth_announce_block));
