/* libFuzzer target for RLPx (bts/rlpx.h). The first byte selects: auth packet read by a fixed
 * recipient, ack packet read by a fixed initiator, frames read by a session with fixed
 * secrets, or the p2p Hello/Disconnect/msg-id decoders. Any success must be self-consistent. */
#include <bts/rlpx.h>
#include <bts/secp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_rlpx: %s\n", what);
        abort();
    }
}

static const uint8_t key_a[32] = {0x49, 0xa7, 0xb3, 0x7a, 1};
static const uint8_t key_b[32] = {0xb7, 0x1c, 0x71, 0xa6, 2};
static const uint8_t eph[32] = {0x86, 0x9d, 3};
static const uint8_t nonce[32] = {4};

static void handshake(int is_auth, const uint8_t *p, size_t n)
{
    struct bts_rlpx_handshake h;
    size_t used = 0;
    bt_status st;
    if (is_auth) {
        check(bts_rlpx_handshake_init_recipient(&h, key_b, eph, nonce) == BT_OK, "init");
        st = bts_rlpx_auth_read(&h, p, n, &used);
    } else {
        uint8_t pub[65];
        check(bts_secp_seckey_to_pubkey(pub, key_b) == BT_OK, "pubkey");
        check(bts_rlpx_handshake_init_initiator(&h, key_a, pub + 1, eph, nonce) == BT_OK, "init");
        st = bts_rlpx_ack_read(&h, p, n, &used);
    }
    check(st == BT_OK || st == BT_ERANGE || st == BT_EPROTO || st == BT_ENOMEM, "status");
    if (st == BT_OK)
        check(used <= n && used >= 2, "used");
    if (st == BT_ERANGE)
        check(used > n, "need");
    bts_rlpx_handshake_clear(&h);
}

static void frames(const uint8_t *p, size_t n)
{
    struct bts_rlpx_secrets sec;
    memset(&sec, 0x5a, sizeof(sec));
    bts_keccak_init(&sec.egress_mac);
    bts_keccak_init(&sec.ingress_mac);
    struct bts_rlpx_session *s;
    if (bts_rlpx_session_new(&s, &sec) != BT_OK)
        return;
    struct bts_buf out = BTS_BUF_INIT;
    while (n >= BTS_RLPX_HEADER_LEN) {
        size_t body, size;
        if (bts_rlpx_frame_read_header(s, p, &body, &size) != BT_OK)
            break;
        check(body == ((size + 15) & ~(size_t)15) + 16, "body len");
        p += BTS_RLPX_HEADER_LEN, n -= BTS_RLPX_HEADER_LEN;
        if (body > n)
            break;
        if (bts_rlpx_frame_read_body(s, p, body, &out) != BT_OK)
            break;
        p += body, n -= body;
    }
    bts_buf_free(&out);
    bts_rlpx_session_free(s);
}

static void p2p(const uint8_t *p, size_t n)
{
    struct bts_rlpx_hello h, h2;
    if (bts_rlpx_hello_decode(&h, p, n) == BT_OK) {
        check(h.client_id_len <= BTS_RLPX_CLIENT_ID_MAX && h.n_caps <= BTS_RLPX_MAX_CAPS, "hello");
        struct bts_buf b = BTS_BUF_INIT;
        check(bts_rlpx_hello_encode(&b, &h) == BT_OK, "hello encode");
        check(bts_rlpx_hello_decode(&h2, b.data, b.len) == BT_OK, "hello decode");
        check(h2.n_caps == h.n_caps && h2.version == h.version && !memcmp(h2.id, h.id, 64),
              "hello round trip");
        bts_buf_free(&b);
    }
    uint64_t r, code;
    if (bts_rlpx_disconnect_decode(&r, p, n) != BT_OK)
        check(r == 0, "reason not zeroed");
    const uint8_t *d;
    size_t dn;
    if (bts_rlpx_msg_split(&code, &d, &dn, p, n) == BT_OK)
        check(d >= p && d + dn == p + n, "split bounds");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] & 3) {
    case 0:
        handshake(1, data + 1, size - 1);
        break;
    case 1:
        handshake(0, data + 1, size - 1);
        break;
    case 2:
        frames(data + 1, size - 1);
        break;
    case 3:
        p2p(data + 1, size - 1);
        break;
    }
    return 0;
}
