/* The "p2p" capability: the EIP-8 Hello vector (version 55, extra list elements), Hello round
 * trip and refusals, Disconnect forms, message-id split/build and capability negotiation. */
#include <bts/rlpx.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

static const char HELLO[] =
    "f87137916b6e6574682f76302e39312f706c616e39cdc5836574683dc6846d6f726b1682270fb840"
    "fda1cff674c90c9a197539fe3dfb53086ace64f83ed7c6eabec741f7f381cc803e52ab2cd55d5569"
    "bce4347107a310dfd5f88a010cd2ffd1005ca406f1842877c883666f6f836261720304";

static void test_rlpx_hello_eip8_vector(void)
{
    size_t n;
    uint8_t *p = bts_test_unhex(HELLO, &n);
    struct bts_rlpx_hello h;
    CU_ASSERT_FATAL(bts_rlpx_hello_decode(&h, p, n) == BT_OK);
    CU_ASSERT_EQUAL(h.version, 55);
    CU_ASSERT(h.client_id_len == 17 && !memcmp(h.client_id, "kneth/v0.91/plan9", 17));
    CU_ASSERT_EQUAL_FATAL(h.n_caps, 2);
    CU_ASSERT_STRING_EQUAL(h.caps[0].name, "eth");
    CU_ASSERT_EQUAL(h.caps[0].version, 61);
    CU_ASSERT_STRING_EQUAL(h.caps[1].name, "mork");
    CU_ASSERT_EQUAL(h.caps[1].version, 22);
    CU_ASSERT_EQUAL(h.listen_port, 9999);
    BTS_ASSERT_HEX(h.id, 4, "fda1cff6");
    /* Re-encoding drops the extra elements; decoding that gives the same Hello. */
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_rlpx_hello_encode(&b, &h) == BT_OK);
    struct bts_rlpx_hello h2;
    CU_ASSERT_FATAL(bts_rlpx_hello_decode(&h2, b.data, b.len) == BT_OK);
    CU_ASSERT(h2.n_caps == 2 && h2.listen_port == 9999 && !memcmp(h2.id, h.id, 64));
    CU_ASSERT(b.len < n);
    bts_buf_free(&b);
    /* Truncations are refused. */
    for (size_t cut = 0; cut < n - 7; cut += 3)
        CU_ASSERT_EQUAL(bts_rlpx_hello_decode(&h2, p, cut), BT_EPROTO);
    free(p);
}

static void test_rlpx_hello_refusals(void)
{
    struct bts_rlpx_hello h;
    memset(&h, 0, sizeof(h));
    h.version = 5;
    h.n_caps = 1;
    strcpy(h.caps[0].name, "");
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_rlpx_hello_encode(&b, &h), BT_EINVAL);
    h.n_caps = BTS_RLPX_MAX_CAPS + 1;
    CU_ASSERT_EQUAL(bts_rlpx_hello_encode(&b, &h), BT_EINVAL);
    /* 33 caps on the wire: refused by the decoder. */
    h.n_caps = BTS_RLPX_MAX_CAPS;
    for (size_t i = 0; i < h.n_caps; i++) {
        strcpy(h.caps[i].name, "cap");
        h.caps[i].version = (uint32_t)i;
    }
    CU_ASSERT_FATAL(bts_rlpx_hello_encode(&b, &h) == BT_OK);
    struct bts_rlpx_hello d;
    CU_ASSERT_EQUAL(bts_rlpx_hello_decode(&d, b.data, b.len), BT_OK);
    bts_buf_free(&b);
    /* [5, "", [["toolongname", 1]], 0, id]: a 9-character name. */
    static const char long_name[] =
        "f8540580cecd8b746f6f6c6f6e676e616d650180b840"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000";
    size_t n;
    uint8_t *p = bts_test_unhex(long_name, &n);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(bts_rlpx_hello_decode(&d, p, n), BT_EPROTO);
    free(p);
}

static void test_rlpx_disconnect_forms(void)
{
    struct bts_buf b = BTS_BUF_INIT;
    uint64_t r;
    CU_ASSERT_FATAL(bts_rlpx_disconnect_encode(&b, BTS_RLPX_DISC_TOO_MANY_PEERS) == BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "c104");
    CU_ASSERT(bts_rlpx_disconnect_decode(&r, b.data, b.len) == BT_OK && r == 4);
    bts_buf_free(&b);
    CU_ASSERT(bts_rlpx_disconnect_decode(&r, (const uint8_t *)"\x08", 1) == BT_OK && r == 8);
    CU_ASSERT(bts_rlpx_disconnect_decode(&r, (const uint8_t *)"\xc0", 1) == BT_OK && r == 0);
    CU_ASSERT(bts_rlpx_disconnect_decode(&r, (const uint8_t *)"\xc1\xc0", 2) == BT_EPROTO);
    CU_ASSERT_STRING_EQUAL(bts_rlpx_reason_str(BTS_RLPX_DISC_TOO_MANY_PEERS), "too many peers");
    CU_ASSERT_STRING_EQUAL(bts_rlpx_reason_str(0x10), "subprotocol error");
    CU_ASSERT_STRING_EQUAL(bts_rlpx_reason_str(0x0c), "unknown reason");
}

static void test_rlpx_msg_split_build(void)
{
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_rlpx_msg_build(&b, BTS_RLPX_MSG_PING, (const uint8_t *)"\xc0", 1) == BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "02c0");
    uint64_t code;
    const uint8_t *d;
    size_t n;
    CU_ASSERT(bts_rlpx_msg_split(&code, &d, &n, b.data, b.len) == BT_OK && code == 2 && n == 1);
    bts_buf_reset(&b);
    CU_ASSERT_FATAL(bts_rlpx_msg_build(&b, 0x80, NULL, 0) == BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "8180");
    CU_ASSERT(bts_rlpx_msg_split(&code, &d, &n, b.data, b.len) == BT_OK && code == 0x80);
    bts_buf_free(&b);
    CU_ASSERT_EQUAL(bts_rlpx_msg_split(&code, &d, &n, (const uint8_t *)"", 0), BT_EPROTO);
    CU_ASSERT_EQUAL(bts_rlpx_msg_split(&code, &d, &n, (const uint8_t *)"\x00", 1), BT_EPROTO);
}

static void test_rlpx_caps_negotiate(void)
{
    static const struct bts_rlpx_cap local[] = {{"eth", 66}, {"eth", 65}, {"dlv", 1}, {"snap", 1}};
    static const uint64_t lengths[] = {17, 17, 8, 8};
    static const struct bts_rlpx_cap remote[] = {{"snap", 2}, {"eth", 65}, {"eth", 66}, {"dlv", 1}};
    struct bts_rlpx_shared_cap out[BTS_RLPX_MAX_CAPS];
    size_t n;
    CU_ASSERT_FATAL(bts_rlpx_caps_negotiate(out, &n, local, lengths, 4, remote, 4) == BT_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(out[0].cap.name, "dlv");
    CU_ASSERT_EQUAL(out[0].offset, 0x10);
    CU_ASSERT_STRING_EQUAL(out[1].cap.name, "eth");
    CU_ASSERT_EQUAL(out[1].cap.version, 66);
    CU_ASSERT_EQUAL(out[1].offset, 0x18);
    CU_ASSERT_FATAL(bts_rlpx_caps_negotiate(out, &n, local, lengths, 4, remote, 0) == BT_OK);
    CU_ASSERT_EQUAL(n, 0);
}

BTS_TEST_SUITE("rlpx_p2p", NULL, NULL, BTS_TEST(test_rlpx_hello_eip8_vector),
               BTS_TEST(test_rlpx_hello_refusals), BTS_TEST(test_rlpx_disconnect_forms),
               BTS_TEST(test_rlpx_msg_split_build), BTS_TEST(test_rlpx_caps_negotiate));
