/* libFuzzer target for discovery v4 packets (bts/discv4.h). Arbitrary bytes go through the
 * decoder; the first 32 bytes are also replaced by the correct hash so inputs reach the
 * signature and body decoding. A decoded packet re-encoded with a fixed key must decode to the
 * same body. */
#include <bts/discv4.h>
#include <bts/keccak.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_discv4: %s\n", what);
        abort();
    }
}

static void one(const uint8_t *pkt, size_t len)
{
    struct bts_discv4_packet p, q;
    if (bts_discv4_decode(&p, pkt, len) != BT_OK)
        return;
    check(p.type >= BTS_DISCV4_PING && p.type <= BTS_DISCV4_ENR_RESPONSE, "type");
    static const uint8_t key[32] = {1};
    struct bts_buf b = BTS_BUF_INIT;
    /* Addresses of odd sizes decode as ip_len 0, which re-encodes as the empty string. */
    bt_status st = bts_discv4_encode(&b, NULL, key, &p);
    check(st == BT_OK || st == BT_ERANGE, "re-encode");
    if (st == BT_OK) {
        check(bts_discv4_decode(&q, b.data, b.len) == BT_OK, "re-decode");
        check(q.type == p.type && q.expiration == p.expiration, "round trip");
        if (p.type != BTS_DISCV4_ENR_RESPONSE)
            check(memcmp(&q.u, &p.u, sizeof(p.u)) == 0, "body round trip");
    }
    bts_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size);
    if (size >= 98 && size <= BTS_DISCV4_MAX_PACKET) {
        uint8_t *fixed = malloc(size);
        memcpy(fixed, data, size);
        bts_keccak256(fixed, fixed + 32, size - 32);
        one(fixed, size);
        free(fixed);
    }
    return 0;
}
