/* The RLPx session state machine without sockets: two sessions wired back to back complete
 * the EIP-8 handshake and Hello, negotiate capabilities, exchange Snappy-compressed messages
 * and Ping/Pong, and disconnect with a reason; and every refusal: garbage instead of an auth
 * packet, a frame over the limit, a Snappy header declaring more than the message limit
 * (refused before allocation), an unknown message id, no shared capability. */
#include "sess_int.h"

#include <bts/test.h>

#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>

#include <bts/enode.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static void test_rand(void *buf, size_t n)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        p[i] = (uint8_t)rng_state;
    }
}

struct side {
    struct sess s;
    struct sess_cfg cfg;
    uint8_t key[32], id[64];
    struct sess_cap caps[2];
    size_t n_hello, n_msg, n_pong;
    uint64_t last_code;
    uint8_t last[256];
    size_t last_len;
    int hello_reason; /* what on_hello answers */
};

static int on_hello(void *arg, struct sess *s)
{
    (void)s;
    struct side *sd = arg;
    sd->n_hello++;
    return sd->hello_reason;
}

static int on_msg(void *arg, struct sess *s, size_t cap, uint64_t code, const uint8_t *data,
                  size_t len)
{
    (void)s, (void)cap;
    struct side *sd = arg;
    sd->n_msg++;
    sd->last_code = code;
    sd->last_len = len < sizeof(sd->last) ? len : sizeof(sd->last);
    memcpy(sd->last, data, sd->last_len);
    return 0;
}

static void on_pong(void *arg, struct sess *s)
{
    (void)s;
    ((struct side *)arg)->n_pong++;
}

static void side_init(struct side *sd, uint8_t seed, const char *cap2)
{
    memset(sd, 0, sizeof(*sd));
    memset(sd->key, seed, 32);
    CU_ASSERT_EQUAL_FATAL(bts_enode_id_from_seckey(sd->id, sd->key), BT_OK);
    sd->caps[0] = (struct sess_cap){{"eth", 66}, 17, 1024};
    sd->caps[1] = (struct sess_cap){{"", 1}, 1, 4096};
    strcpy(sd->caps[1].cap.name, cap2);
    sd->cfg = (struct sess_cfg){sd->key, sd->id, "test/v1", 30303, sd->caps, 2, test_rand};
}

static bt_status start(struct side *a, struct side *b)
{
    struct sess_events ea = {on_hello, on_msg, on_pong, a}, eb = {on_hello, on_msg, on_pong, b};
    CU_ASSERT_EQUAL_FATAL(sess_init(&a->s, &a->cfg, &ea, b->id), BT_OK); /* a dials b */
    return sess_init(&b->s, &b->cfg, &eb, NULL);
}

/* Move queued bytes both ways until nothing moves. Returns the first failure. */
static bt_status pump(struct side *a, struct side *b)
{
    for (int round = 0; round < 16; round++) {
        int moved = 0;
        struct side *from[2] = {a, b}, *to[2] = {b, a};
        for (int k = 0; k < 2; k++) {
            if (from[k]->s.out.len == 0)
                continue;
            struct bts_buf tmp = from[k]->s.out;
            bts_buf_init(&from[k]->s.out);
            bt_status st = sess_feed(&to[k]->s, tmp.data, tmp.len);
            bts_buf_free(&tmp);
            moved = 1;
            if (st != BT_OK)
                return st;
        }
        if (!moved)
            break;
    }
    return BT_OK;
}

static void done(struct side *a, struct side *b)
{
    sess_free(&a->s);
    sess_free(&b->s);
}

static void test_p2p_sess_handshake_hello_messages(void)
{
    struct side a, b;
    side_init(&a, 1, "dlv");
    side_init(&b, 2, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(a.s.state, SESS_ACTIVE);
    CU_ASSERT_EQUAL(b.s.state, SESS_ACTIVE);
    CU_ASSERT_EQUAL(a.n_hello, 1);
    CU_ASSERT_EQUAL(b.n_hello, 1);
    CU_ASSERT_EQUAL(memcmp(b.s.remote_id, a.id, 64), 0); /* learnt from the auth packet */
    CU_ASSERT_STRING_EQUAL(b.s.remote_client, "test/v1");
    CU_ASSERT_EQUAL(a.s.n_shared, 2);
    CU_ASSERT(a.s.is_snappy && b.s.is_snappy);
    /* Shared caps are ordered by name: dlv (0x10, 1 id), eth (0x11..). */
    CU_ASSERT_STRING_EQUAL(a.s.shared[0].cap.name, "dlv");
    CU_ASSERT_EQUAL(a.s.shared[1].offset, 0x11);
    uint8_t msg[200];
    memset(msg, 0xab, sizeof(msg)); /* compressible: Snappy shrinks it on the wire */
    CU_ASSERT_EQUAL(sess_send(&a.s, (size_t)sess_find_cap(&a.s, "eth"), 3, msg, sizeof(msg)),
                    BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(b.n_msg, 1);
    CU_ASSERT_EQUAL(b.last_code, 3);
    CU_ASSERT_EQUAL(b.last_len, sizeof(msg));
    CU_ASSERT_EQUAL(memcmp(b.last, msg, sizeof(msg)), 0);
    /* Limits on our side: unknown code, over the capability's max, not active. */
    CU_ASSERT_EQUAL(sess_send(&a.s, 1, 17, msg, 1), BT_EINVAL);
    uint8_t *big = calloc(1, 1025);
    CU_ASSERT_EQUAL(sess_send(&a.s, 1, 3, big, 1025), BT_ERANGE);
    free(big);
    CU_ASSERT_EQUAL(sess_ping(&a.s), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(a.n_pong, 1);
    sess_disconnect(&a.s, BTS_RLPX_DISC_REQUESTED);
    CU_ASSERT_EQUAL(a.s.state, SESS_CLOSED);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(b.s.state, SESS_CLOSED);
    CU_ASSERT(b.s.has_disc && b.s.is_disc_remote);
    CU_ASSERT_EQUAL(b.s.disc_reason, BTS_RLPX_DISC_REQUESTED);
    CU_ASSERT_EQUAL(sess_send(&a.s, 1, 3, msg, 1), BT_EINVAL);
    done(&a, &b);
}

static void test_p2p_sess_no_shared_cap(void)
{
    struct side a, b;
    side_init(&a, 3, "aaa");
    side_init(&b, 4, "bbb");
    a.caps[0].cap.version = 65; /* eth/65 against eth/66: nothing in common */
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(a.s.state, SESS_CLOSED);
    CU_ASSERT_EQUAL(a.s.disc_reason, BTS_RLPX_DISC_USELESS_PEER);
    CU_ASSERT_EQUAL(a.n_hello, 0);
    done(&a, &b);
}

static void test_p2p_sess_hello_refused_by_owner(void)
{
    struct side a, b;
    side_init(&a, 5, "dlv");
    side_init(&b, 6, "dlv");
    b.hello_reason = BTS_RLPX_DISC_TOO_MANY_PEERS;
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(b.s.state, SESS_CLOSED);
    CU_ASSERT_EQUAL(a.s.state, SESS_CLOSED);
    CU_ASSERT(a.s.is_disc_remote);
    CU_ASSERT_EQUAL(a.s.disc_reason, BTS_RLPX_DISC_TOO_MANY_PEERS);
    done(&a, &b);
}

static void test_p2p_sess_garbage_auth(void)
{
    struct side a, b;
    side_init(&a, 7, "dlv");
    side_init(&b, 8, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    uint8_t junk[400];
    memset(junk, 0x42, sizeof(junk)); /* EIP-8 size prefix 0x4242: waits for 16962 bytes */
    CU_ASSERT_EQUAL(sess_feed(&b.s, junk, sizeof(junk)), BT_OK);
    CU_ASSERT_EQUAL(b.s.state, SESS_AUTH_WAIT);
    uint8_t *more = calloc(1, 17000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(more);
    CU_ASSERT_EQUAL(sess_feed(&b.s, more, 17000), BT_EPROTO); /* now complete: undecryptable */
    free(more);
    CU_ASSERT_EQUAL(b.s.state, SESS_CLOSED);
    CU_ASSERT_PTR_NOT_NULL(b.s.error);
    CU_ASSERT_EQUAL(b.s.out.len, 0); /* not framed: nothing to send */
    /* Anything after the close is ignored. */
    CU_ASSERT_EQUAL(sess_feed(&b.s, junk, 10), BT_OK);
    done(&a, &b);
}

/* A raw frame from a to b, bypassing a's own checks (as a hostile peer would). */
static void raw_frame(struct side *a, uint64_t code, const uint8_t *data, size_t len)
{
    struct bts_buf f;
    bts_buf_init(&f);
    CU_ASSERT_EQUAL(bts_rlpx_msg_build(&f, code, data, len), BT_OK);
    CU_ASSERT_EQUAL(bts_rlpx_frame_write(a->s.rs, &a->s.out, f.data, f.len), BT_OK);
    bts_buf_free(&f);
}

static void test_p2p_sess_snappy_length_checked(void)
{
    struct side a, b;
    side_init(&a, 9, "dlv");
    side_init(&b, 10, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    /* A Snappy varint header declaring 2^31 bytes, far over eth's 1024 in this test. */
    static const uint8_t bomb[] = {0x80, 0x80, 0x80, 0x80, 0x08, 0x00};
    raw_frame(&a, 0x11 + 3, bomb, sizeof(bomb));
    CU_ASSERT_EQUAL(pump(&a, &b), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(b.s.error, "message too large");
    CU_ASSERT_EQUAL(b.s.disc_reason, BTS_RLPX_DISC_PROTOCOL_ERROR);
    CU_ASSERT_EQUAL(b.n_msg, 0);
    done(&a, &b);
}

static void test_p2p_sess_bad_snappy_and_unknown_id(void)
{
    struct side a, b;
    side_init(&a, 11, "dlv");
    side_init(&b, 12, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    raw_frame(&a, 0x40, (const uint8_t *)"\x01\x00", 2); /* no capability uses 0x40 */
    CU_ASSERT_EQUAL(pump(&a, &b), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(b.s.error, "message id of no shared capability");
    done(&a, &b);
    side_init(&a, 13, "dlv");
    side_init(&b, 14, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    raw_frame(&a, 0x11, (const uint8_t *)"\x05\xff\xff", 3); /* declares 5, carries junk */
    CU_ASSERT_EQUAL(pump(&a, &b), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(b.s.error, "bad snappy data");
    done(&a, &b);
}

/* @ethereumjs/devp2p's Disconnect after a v5 Hello: RLP of the bare reason, not compressed.
 * It is a remote disconnect with that reason, not "bad snappy data" (which banned the peer);
 * the list form uncompressed and the compressed form keep working, and other messages stay
 * strict. */
static void test_p2p_sess_uncompressed_disconnect(void)
{
    static const struct {
        uint8_t data[4];
        size_t len;
        uint64_t reason;
    } cases[] = {
        {{0x08}, 1, 8}, /* ethereumjs: RLP.encode(reason), 8 = client quitting */
        {{0xc1, 0x04}, 2, BTS_RLPX_DISC_TOO_MANY_PEERS}, /* [reason] raw */
        {{0x80}, 1, 0},                                  /* reason 0, raw */
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(cases); i++) {
        struct side a, b;
        side_init(&a, (uint8_t)(21 + 2 * i), "dlv");
        side_init(&b, (uint8_t)(22 + 2 * i), "dlv");
        CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
        CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
        CU_ASSERT_EQUAL_FATAL(b.s.state, SESS_ACTIVE);
        raw_frame(&a, BTS_RLPX_MSG_DISCONNECT, cases[i].data, cases[i].len);
        CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
        CU_ASSERT_PTR_NULL(b.s.error);
        CU_ASSERT_EQUAL(b.s.state, SESS_CLOSED);
        CU_ASSERT(b.s.has_disc && b.s.is_disc_remote);
        CU_ASSERT_EQUAL(b.s.disc_reason, cases[i].reason);
        done(&a, &b);
    }
    /* Compressed [0x05] still decodes as compressed. */
    struct side a, b;
    side_init(&a, 31, "dlv");
    side_init(&b, 32, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    char z[64];
    size_t zl = sizeof(z);
    CU_ASSERT_EQUAL_FATAL(snappy_compress("\xc1\x05", 2, z, &zl), SNAPPY_OK);
    raw_frame(&a, BTS_RLPX_MSG_DISCONNECT, (const uint8_t *)z, zl);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(b.s.state, SESS_CLOSED);
    CU_ASSERT_EQUAL(b.s.disc_reason, 5);
    done(&a, &b);
    /* A Ping (0x02) that is not Snappy is still refused: only Disconnect is lenient. */
    side_init(&a, 33, "dlv");
    side_init(&b, 34, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    raw_frame(&a, BTS_RLPX_MSG_PING, (const uint8_t *)"\x08", 1);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(b.s.error, "bad snappy data");
    done(&a, &b);
}

static void test_p2p_sess_frame_limit(void)
{
    struct side a, b;
    side_init(&a, 15, "dlv");
    side_init(&b, 16, "dlv");
    CU_ASSERT_EQUAL_FATAL(start(&a, &b), BT_OK);
    CU_ASSERT_EQUAL(pump(&a, &b), BT_OK);
    size_t limit = sess_frame_limit(&b.s);
    CU_ASSERT(limit >= SESS_BASE_MSG_MAX && limit < 2 * SESS_BASE_MSG_MAX);
    uint8_t *big = calloc(1, limit + 100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    raw_frame(&a, 0x11, big, limit + 100); /* refused from the header, before its body */
    free(big);
    /* Only the header is delivered: the refusal must not wait for the body. */
    CU_ASSERT_EQUAL(sess_feed(&b.s, a.s.out.data, BTS_RLPX_HEADER_LEN), BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(b.s.error, "frame too large");
    done(&a, &b);
}

BTS_TEST_SUITE("p2p_sess", NULL, NULL, BTS_TEST(test_p2p_sess_handshake_hello_messages),
               BTS_TEST(test_p2p_sess_no_shared_cap),
               BTS_TEST(test_p2p_sess_hello_refused_by_owner), BTS_TEST(test_p2p_sess_garbage_auth),
               BTS_TEST(test_p2p_sess_snappy_length_checked),
               BTS_TEST(test_p2p_sess_bad_snappy_and_unknown_id),
               BTS_TEST(test_p2p_sess_uncompressed_disconnect),
               BTS_TEST(test_p2p_sess_frame_limit));
