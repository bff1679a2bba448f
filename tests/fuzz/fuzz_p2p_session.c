/* libFuzzer target for the host's RLPx session state machine (host/net/p2p/sess.c), the part
 * that meets a hostile peer first. The harness plays the peer with the SDK's primitives, so
 * every frame it sends authenticates and the fuzzer reaches past the MACs:
 *   byte 0 % 4 == 0: the rest is raw handshake input to a fresh recipient (auth parsing,
 *                    size prefix, incremental feeding);
 *   byte 0 % 4 == 1: a valid Hello, then fuzzed frames (Snappy on: p2p v5);
 *   byte 0 % 4 == 2: fuzzed frames before any Hello;
 *   byte 0 % 4 == 3: as 1, after a real EIP-8 handshake through the session.
 * Modes 1 and 2 start from secrets derived once (a handshake per input would cost ~50x the
 * exec rate); the session is put in its post-handshake state as start_framing leaves it.
 * A fuzzed frame is [code][flags][len lo][len hi] then len bytes; flags bit 0: Snappy-compress
 * the bytes (a well-formed compressed message), bit 1: feed the frame in two pieces, bit 2:
 * the session answers the message with a disconnect. Checks: no crash or leak, buffered
 * input stays bounded, a closed session stays closed. */
#include "sess_int.h"

#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/enode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_p2p_session: %s\n", what);
        abort();
    }
}

static uint64_t rng;

static void det_rand(void *buf, size_t n)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        p[i] = (uint8_t)(rng >> 33);
    }
}

static const uint8_t our_key[32] = {0x11, 0x22, 0x33, 1};
static const uint8_t peer_key[32] = {0x44, 0x55, 0x66, 2};
static uint8_t our_id[64], peer_id[64];
static struct sess_cap caps[2] = {{{"eth", 66}, 17, 1u << 20}, {{"dlv", 1}, 1, 4096}};
static struct sess_cfg cfg;
static int ready;
static int disconnect_next;
static volatile uint8_t sink;

static int on_msg(void *arg, struct sess *s, size_t cap, uint64_t code, const uint8_t *d,
                  size_t len)
{
    (void)arg, (void)s, (void)cap, (void)code;
    uint8_t x = 0;
    for (size_t i = 0; i < len; i++) /* touch every byte: the sanitizer sees any overrun */
        x ^= d[i];
    sink = x;
    return disconnect_next ? BTS_RLPX_DISC_SUBPROTOCOL_ERROR : 0;
}

static int on_hello(void *arg, struct sess *s)
{
    (void)arg;
    check(s->n_shared <= BTS_RLPX_MAX_CAPS, "too many shared caps");
    return 0;
}

static struct bts_rlpx_secrets sec_ours, sec_peer;

/* One handshake with the SDK on both sides, for the secrets of modes 1 and 2. */
static void derive_once(void)
{
    struct bts_rlpx_handshake hi, hr;
    uint8_t eph_i[32] = {0x31, 7}, eph_r[32] = {0x32, 8}, n_i[32] = {5}, n_r[32] = {6};
    check(bts_rlpx_handshake_init_initiator(&hi, peer_key, our_id, eph_i, n_i) == BT_OK, "hi");
    check(bts_rlpx_handshake_init_recipient(&hr, our_key, eph_r, n_r) == BT_OK, "hr");
    struct bts_rlpx_seal_rand r = {{0x55, 4}, {1}, NULL, 0};
    struct bts_buf auth, ack;
    bts_buf_init(&auth);
    bts_buf_init(&ack);
    size_t used;
    check(bts_rlpx_auth_make(&hi, &auth, &r, 0) == BT_OK, "auth");
    check(bts_rlpx_auth_read(&hr, auth.data, auth.len, &used) == BT_OK, "auth read");
    check(bts_rlpx_ack_make(&hr, &ack, &r) == BT_OK, "ack");
    check(bts_rlpx_ack_read(&hi, ack.data, ack.len, &used) == BT_OK, "ack read");
    check(bts_rlpx_secrets_derive(&sec_peer, &hi) == BT_OK, "peer secrets");
    check(bts_rlpx_secrets_derive(&sec_ours, &hr) == BT_OK, "our secrets");
    bts_buf_free(&auth);
    bts_buf_free(&ack);
    bts_rlpx_handshake_clear(&hi);
    bts_rlpx_handshake_clear(&hr);
}

static void setup(void)
{
    if (ready)
        return;
    check(bts_enode_id_from_seckey(our_id, our_key) == BT_OK, "our id");
    check(bts_enode_id_from_seckey(peer_id, peer_key) == BT_OK, "peer id");
    cfg = (struct sess_cfg){our_key, our_id, "fuzz/1", 30303, caps, 2, det_rand};
    derive_once();
    ready = 1;
}

/* Modes 1 and 2: the state start_framing leaves (framed, waiting for the peer's Hello). */
static struct bts_rlpx_session *fast_framing(struct sess *s)
{
    struct bts_rlpx_session *ps = NULL;
    bts_rlpx_handshake_clear(&s->hs);
    check(bts_rlpx_session_new(&s->rs, &sec_ours) == BT_OK, "our session");
    check(bts_rlpx_session_new(&ps, &sec_peer) == BT_OK, "peer session");
    memcpy(s->remote_id, peer_id, 64);
    s->state = SESS_HELLO_WAIT;
    return ps;
}

static void feed(struct sess *s, const uint8_t *p, size_t n)
{
    int was_closed = s->state == SESS_CLOSED;
    (void)sess_feed(s, p, n);
    check(!was_closed || s->state == SESS_CLOSED, "closed session reopened");
    check(s->in.len <= SESS_HANDSHAKE_MAX + 16 + sess_frame_limit(s) + BTS_RLPX_HEADER_LEN,
          "unbounded input buffer");
    bts_buf_reset(&s->out);
}

/* The peer side: complete the handshake with s (recipient). Returns the peer's session. */
static struct bts_rlpx_session *peer_handshake(struct sess *s)
{
    struct bts_rlpx_handshake h;
    uint8_t eph[32] = {0x77, 3}, nonce[32] = {9};
    check(bts_rlpx_handshake_init_initiator(&h, peer_key, our_id, eph, nonce) == BT_OK, "init");
    struct bts_rlpx_seal_rand r = {{0x55, 4}, {1}, NULL, 0};
    struct bts_buf auth;
    bts_buf_init(&auth);
    check(bts_rlpx_auth_make(&h, &auth, &r, 0) == BT_OK, "auth");
    check(sess_feed(s, auth.data, auth.len) == BT_OK, "auth refused");
    bts_buf_free(&auth);
    size_t used = 0;
    check(bts_rlpx_ack_read(&h, s->out.data, s->out.len, &used) == BT_OK, "ack");
    bts_buf_reset(&s->out); /* our Hello is not read: the peer does not need it */
    struct bts_rlpx_secrets sec;
    struct bts_rlpx_session *ps = NULL;
    check(bts_rlpx_secrets_derive(&sec, &h) == BT_OK, "secrets");
    check(bts_rlpx_session_new(&ps, &sec) == BT_OK, "session");
    bts_rlpx_handshake_clear(&h);
    return ps;
}

static void send_frame(struct sess *s, struct bts_rlpx_session *ps, uint64_t code, const uint8_t *p,
                       size_t n, int flags)
{
    struct bts_buf f, wire;
    bts_buf_init(&f);
    bts_buf_init(&wire);
    if ((flags & 1) && n < 65536) {
        size_t cl = snappy_max_compressed_length(n);
        char *c = malloc(cl ? cl : 1);
        check(c && snappy_compress((const char *)p, n, c, &cl) == SNAPPY_OK, "compress");
        check(bts_rlpx_msg_build(&f, code, (const uint8_t *)c, cl) == BT_OK, "build");
        free(c);
    } else {
        check(bts_rlpx_msg_build(&f, code, p, n) == BT_OK, "build");
    }
    check(bts_rlpx_frame_write(ps, &wire, f.data, f.len) == BT_OK, "frame");
    disconnect_next = (flags & 4) != 0;
    if ((flags & 2) && wire.len > 1) {
        feed(s, wire.data, wire.len / 2);
        feed(s, wire.data + wire.len / 2, wire.len - wire.len / 2);
    } else {
        feed(s, wire.data, wire.len);
    }
    bts_buf_free(&f);
    bts_buf_free(&wire);
}

static void send_hello(struct sess *s, struct bts_rlpx_session *ps)
{
    struct bts_rlpx_hello h;
    memset(&h, 0, sizeof(h));
    h.version = 5;
    h.client_id = (const uint8_t *)"peer";
    h.client_id_len = 4;
    h.n_caps = 2;
    h.caps[0] = caps[0].cap;
    h.caps[1] = caps[1].cap;
    memcpy(h.id, peer_id, 64);
    struct bts_buf b;
    bts_buf_init(&b);
    check(bts_rlpx_hello_encode(&b, &h) == BT_OK, "hello");
    send_frame(s, ps, BTS_RLPX_MSG_HELLO, b.data, b.len, 0);
    bts_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    setup();
    rng = 1;
    struct sess s;
    struct sess_events ev = {on_hello, on_msg, NULL, NULL};
    check(sess_init(&s, &cfg, &ev, NULL) == BT_OK, "sess_init");
    int mode = data[0] % 4;
    data++, size--;
    if (mode == 0) {
        size_t half = size / 2;
        feed(&s, data, half);
        feed(&s, data + half, size - half);
        sess_free(&s);
        return 0;
    }
    struct bts_rlpx_session *ps = mode == 3 ? peer_handshake(&s) : fast_framing(&s);
    if (mode != 2) {
        send_hello(&s, ps);
        check(s.state == SESS_ACTIVE && s.is_snappy, "hello not accepted");
    }
    while (size >= 4 && s.state != SESS_CLOSED) {
        uint64_t code = data[0];
        int flags = data[1];
        size_t n = (size_t)data[2] | (size_t)data[3] << 8;
        data += 4, size -= 4;
        if (n > size)
            n = size;
        send_frame(&s, ps, code, data, n, flags);
        data += n, size -= n;
    }
    if (s.state == SESS_ACTIVE)
        check(sess_ping(&s) == BT_OK, "ping");
    bts_rlpx_session_free(ps);
    sess_free(&s);
    return 0;
}
