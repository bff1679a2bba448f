/* libFuzzer target for every eth/66 decoder (bts/ethwire.h): the first byte picks the message
 * code, the rest is the message. Decoded values re-encode and decode to the same values. */
#include <bts/ethwire.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_ethwire: %s\n", what);
        abort();
    }
}

static void status(const uint8_t *p, size_t n)
{
    struct bts_eth_status s, t;
    if (bts_eth_status_decode(&s, p, n) != BT_OK)
        return;
    struct bts_buf b = BTS_BUF_INIT;
    check(bts_eth_status_encode(&b, &s) == BT_OK, "status encode");
    check(bts_eth_status_decode(&t, b.data, b.len) == BT_OK, "status decode");
    check(memcmp(&s, &t, sizeof(s)) == 0, "status round trip");
    bts_buf_free(&b);
}

static void get_headers(const uint8_t *p, size_t n)
{
    struct bts_eth_get_headers q, r;
    if (bts_eth_get_headers_decode(&q, p, n) != BT_OK)
        return;
    struct bts_buf b = BTS_BUF_INIT;
    check(bts_eth_get_headers_encode(&b, &q) == BT_OK, "get_headers encode");
    check(bts_eth_get_headers_decode(&r, b.data, b.len) == BT_OK, "get_headers decode");
    check(memcmp(&q, &r, sizeof(q)) == 0, "get_headers round trip");
    bts_buf_free(&b);
}

static void new_block(const uint8_t *p, size_t n)
{
    struct bts_eth_new_block nb, nb2;
    if (bts_eth_new_block_decode(&nb, p, n) != BT_OK)
        return;
    check(nb.block.raw >= p && nb.block.raw + nb.block.raw_len <= p + n, "block bounds");
    struct bts_buf b = BTS_BUF_INIT;
    check(bts_eth_new_block_encode(&b, nb.block.raw, nb.block.raw_len, nb.td) == BT_OK, "nb enc");
    check(bts_eth_new_block_decode(&nb2, b.data, b.len) == BT_OK, "nb dec");
    check(memcmp(nb.td, nb2.td, 32) == 0, "nb td");
    bts_buf_free(&b);
}

static void list(int code, const uint8_t *p, size_t n)
{
    struct bts_eth_list l;
    bt_status st = bts_eth_list_decode(&l, code, p, n);
    if (st != BT_OK) {
        check(l.count == 0 && l.list.raw == NULL, "not zeroed");
        return;
    }
    size_t count = 0;
    struct bts_rlp_iter it;
    struct bts_rlp_item item;
    bts_rlp_iter_init(&it, &l.list);
    while (bts_rlp_iter_next(&it, &item) == BT_OK)
        count++;
    check(count == l.count, "count");
    if (code == BTS_ETH_NEW_BLOCK_HASHES) {
        uint8_t h[32];
        uint64_t num;
        bts_rlp_iter_init(&it, &l.list);
        while ((st = bts_eth_hash_number_next(&it, h, &num)) == BT_OK)
            ;
        check(st == BT_ENOTFOUND, "hash/number walk");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int code = data[0] & 0x1f;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    switch (code) {
    case BTS_ETH_STATUS:
        status(p, n);
        break;
    case BTS_ETH_GET_BLOCK_HEADERS:
        get_headers(p, n);
        break;
    case BTS_ETH_NEW_BLOCK:
        new_block(p, n);
        break;
    default:
        list(code, p, n);
        break;
    }
    return 0;
}
