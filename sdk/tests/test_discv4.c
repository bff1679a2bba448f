/* Discovery v4 known answers: the five EIP-8 "RLPx Discovery Protocol" packets (signed with
 * key b71c71a6...), which must decode with extra list elements and trailing data; round trips
 * of every packet type; and the refusals (bad hash, bad signature, unknown type, size). */
#include <bts/discv4.h>
#include <bts/secp.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

#define NODE_KEY "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"

static const char PING1[] =
    "e9614ccfd9fc3e74360018522d30e1419a143407ffcce748de3e22116b7e8dc92ff74788c0b6663a"
    "aa3d67d641936511c8f8d6ad8698b820a7cf9e1be7155e9a241f556658c55428ec0563514365799a"
    "4be2be5a685a80971ddcfa80cb422cdd0101ec04cb847f000001820cfa8215a8d790000000000000"
    "000000000000000000018208ae820d058443b9a3550102";
static const char PING2[] =
    "577be4349c4dd26768081f58de4c6f375a7a22f3f7adda654d1428637412c3d7fe917cadc56d4e5e"
    "7ffae1dbe3efffb9849feb71b262de37977e7c7a44e677295680e9e38ab26bee2fcbae207fba3ff3"
    "d74069a50b902a82c9903ed37cc993c50001f83e82022bd79020010db83c4d001500000000abcdef"
    "12820cfa8215a8d79020010db885a308d313198a2e037073488208ae82823a8443b9a355c5010203"
    "040531b9019afde696e582a78fa8d95ea13ce3297d4afb8ba6433e4154caa5ac6431af1b80ba7602"
    "3fa4090c408f6b4bc3701562c031041d4702971d102c9ab7fa5eed4cd6bab8f7af956f7d565ee191"
    "7084a95398b6a21eac920fe3dd1345ec0a7ef39367ee69ddf092cbfe5b93e5e568ebc491983c09c7"
    "6d922dc3";
static const char PONG[] =
    "09b2428d83348d27cdf7064ad9024f526cebc19e4958f0fdad87c15eb598dd61d08423e0bf66b206"
    "9869e1724125f820d851c136684082774f870e614d95a2855d000f05d1648b2d5945470bc187c2d2"
    "216fbe870f43ed0909009882e176a46b0102f846d79020010db885a308d313198a2e037073488208"
    "ae82823aa0fbc914b16819237dcd8801d7e53f69e9719adecb3cc0e790c57e91ca4461c9548443b9"
    "a355c6010203c2040506a0c969a58f6f9095004c0177a6b47f451530cab38966a25cca5cb58f0555"
    "42124e";
static const char FINDNODE[] =
    "c7c44041b9f7c7e41934417ebac9a8e1a4c6298f74553f2fcfdcae6ed6fe53163eb3d2b52e39fe91"
    "831b8a927bf4fc222c3902202027e5e9eb812195f95d20061ef5cd31d502e47ecb61183f74a504fe"
    "04c51e73df81f25c4d506b26db4517490103f84eb840ca634cae0d49acb401d8a4c6b6fe8c55b70d"
    "115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44e9e6d569fc56be0081290476"
    "7bf5ccd1fc7f8443b9a35582999983999999280dc62cc8255c73471e0a61da0c89acdc0e035e260a"
    "dd7fc0c04ad9ebf3919644c91cb247affc82b69bd2ca235c71eab8e49737c937a2c396";
static const char NEIGHBOURS[] =
    "c679fc8fe0b8b12f06577f2e802d34f6fa257e6137a995f6f4cbfc9ee50ed3710faf6e66f932c4c8"
    "d81d64343f429651328758b47d3dbc02c4042f0fff6946a50f4a49037a72bb550f3a7872363a83e1"
    "b9ee6469856c24eb4ef80b7535bcf99c0004f9015bf90150f84d846321163782115c82115db84031"
    "55e1427f85f10a5c9a7755877748041af1bcd8d474ec065eb33df57a97babf54bfd2103575fa8291"
    "15d224c523596b401065a97f74010610fce76382c0bf32f84984010203040101b840312c55512422"
    "cf9b8a4097e9a6ad79402e87a15ae909a4bfefa22398f03d20951933beea1e4dfa6f968212385e82"
    "9f04c2d314fc2d4e255e0d3bc08792b069dbf8599020010db83c4d001500000000abcdef12820d05"
    "820d05b84038643200b172dcfef857492156971f0e6aa2c538d8b74010f8e140811d53b98c765dd2"
    "d96126051913f44582e8c199ad7c6d6819e9a56483f637feaac9448aacf8599020010db885a308d3"
    "13198a2e037073488203e78203e8b8408dcab8618c3253b558d459da53bd8fa68935a719aff8b811"
    "197101a4b2b47dd2d47295286fc00cc081bb542d760717d1bdd6bec2c37cd72eca367d6dd3b9df73"
    "8443b9a355010203b525a138aa34383fec3d2719a0";

static void node_key(uint8_t k[32], uint8_t id[64])
{
    size_t n;
    uint8_t *p = bts_test_unhex(NODE_KEY, &n), pub[65];
    CU_ASSERT_FATAL(p && n == 32);
    memcpy(k, p, 32);
    free(p);
    CU_ASSERT_FATAL(bts_secp_seckey_to_pubkey(pub, k) == BT_OK);
    memcpy(id, pub + 1, 64);
}

static void decode_vector(const char *hex, struct bts_discv4_packet *out, uint8_t **keep)
{
    size_t n;
    uint8_t k[32], id[64];
    node_key(k, id);
    *keep = bts_test_unhex(hex, &n);
    CU_ASSERT_FATAL(*keep != NULL);
    CU_ASSERT_EQUAL_FATAL(bts_discv4_decode(out, *keep, n), BT_OK);
    CU_ASSERT(memcmp(out->node_id, id, 64) == 0);
    CU_ASSERT(memcmp(out->hash, *keep, 32) == 0);
    CU_ASSERT_EQUAL(out->expiration, 1136239445u);
}

static void test_discv4_ping_v4_extra(void)
{
    struct bts_discv4_packet p;
    uint8_t *raw;
    decode_vector(PING1, &p, &raw);
    CU_ASSERT_EQUAL(p.type, BTS_DISCV4_PING);
    CU_ASSERT_EQUAL(p.u.ping.version, 4);
    CU_ASSERT_EQUAL(p.u.ping.from.ip_len, 4);
    BTS_ASSERT_HEX(p.u.ping.from.ip, 4, "7f000001");
    CU_ASSERT_EQUAL(p.u.ping.from.udp_port, 3322);
    CU_ASSERT_EQUAL(p.u.ping.from.tcp_port, 5544);
    CU_ASSERT_EQUAL(p.u.ping.to.ip_len, 16);
    BTS_ASSERT_HEX(p.u.ping.to.ip, 16, "00000000000000000000000000000001");
    CU_ASSERT_EQUAL(p.u.ping.to.udp_port, 2222);
    CU_ASSERT_EQUAL(p.u.ping.to.tcp_port, 3333);
    CU_ASSERT(p.u.ping.has_enr_seq && p.u.ping.enr_seq == 1); /* the "01" extra element */
    free(raw);
}

static void test_discv4_ping_v555_extra_and_trailing(void)
{
    struct bts_discv4_packet p;
    uint8_t *raw;
    decode_vector(PING2, &p, &raw);
    CU_ASSERT_EQUAL(p.type, BTS_DISCV4_PING);
    CU_ASSERT_EQUAL(p.u.ping.version, 555);
    BTS_ASSERT_HEX(p.u.ping.from.ip, 16, "20010db83c4d001500000000abcdef12");
    CU_ASSERT_EQUAL(p.u.ping.from.udp_port, 3322);
    BTS_ASSERT_HEX(p.u.ping.to.ip, 16, "20010db885a308d313198a2e03707348");
    CU_ASSERT_EQUAL(p.u.ping.to.tcp_port, 33338);
    CU_ASSERT_FALSE(p.u.ping.has_enr_seq); /* a list sits where enr-seq would be */
    free(raw);
}

static void test_discv4_pong_extra_and_trailing(void)
{
    struct bts_discv4_packet p;
    uint8_t *raw;
    decode_vector(PONG, &p, &raw);
    CU_ASSERT_EQUAL(p.type, BTS_DISCV4_PONG);
    BTS_ASSERT_HEX(p.u.pong.to.ip, 16, "20010db885a308d313198a2e03707348");
    CU_ASSERT_EQUAL(p.u.pong.to.udp_port, 2222);
    CU_ASSERT_EQUAL(p.u.pong.to.tcp_port, 33338);
    BTS_ASSERT_HEX(p.u.pong.ping_hash, 32,
                   "fbc914b16819237dcd8801d7e53f69e9719adecb3cc0e790c57e91ca4461c954");
    free(raw);
}

static void test_discv4_findnode_extra_and_trailing(void)
{
    struct bts_discv4_packet p;
    uint8_t *raw;
    decode_vector(FINDNODE, &p, &raw);
    CU_ASSERT_EQUAL(p.type, BTS_DISCV4_FINDNODE);
    BTS_ASSERT_HEX(p.u.findnode.target, 64,
                   "ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138"
                   "7574077f301b421bc84df7266c44e9e6d569fc56be00812904767bf5ccd1fc7f");
    free(raw);
}

static void test_discv4_neighbours_extra_and_trailing(void)
{
    struct bts_discv4_packet p;
    uint8_t *raw;
    decode_vector(NEIGHBOURS, &p, &raw);
    CU_ASSERT_EQUAL(p.type, BTS_DISCV4_NEIGHBORS);
    CU_ASSERT_EQUAL_FATAL(p.u.neighbors.n_nodes, 4);
    BTS_ASSERT_HEX(p.u.neighbors.nodes[0].ep.ip, 4, "63211637");
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[0].ep.udp_port, 4444);
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[0].ep.tcp_port, 4445);
    BTS_ASSERT_HEX(p.u.neighbors.nodes[0].id, 4, "3155e142");
    BTS_ASSERT_HEX(p.u.neighbors.nodes[1].ep.ip, 4, "01020304");
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[1].ep.udp_port, 1);
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[1].ep.tcp_port, 1);
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[2].ep.ip_len, 16);
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[2].ep.udp_port, 3333);
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[3].ep.udp_port, 999);
    CU_ASSERT_EQUAL(p.u.neighbors.nodes[3].ep.tcp_port, 1000);
    BTS_ASSERT_HEX(p.u.neighbors.nodes[3].id, 4, "8dcab861");
    free(raw);
}

static void round_trip(struct bts_discv4_packet *in)
{
    uint8_t k[32], id[64], hash[32];
    node_key(k, id);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_discv4_encode(&b, hash, k, in) == BT_OK);
    struct bts_discv4_packet out;
    CU_ASSERT_FATAL(bts_discv4_decode(&out, b.data, b.len) == BT_OK);
    CU_ASSERT(memcmp(out.hash, hash, 32) == 0);
    CU_ASSERT(memcmp(out.node_id, id, 64) == 0);
    CU_ASSERT_EQUAL(out.type, in->type);
    CU_ASSERT_EQUAL(out.expiration, in->expiration);
    if (in->type != BTS_DISCV4_ENR_RESPONSE)
        CU_ASSERT(memcmp(&out.u, &in->u, sizeof(in->u)) == 0);
    /* Every single-byte corruption is refused (hash or signature or data). */
    for (size_t i = 0; i < b.len; i += 5) {
        b.data[i] ^= 0x80;
        CU_ASSERT_NOT_EQUAL(bts_discv4_decode(&out, b.data, b.len), BT_OK);
        b.data[i] ^= 0x80;
    }
    bts_buf_free(&b);
}

static void test_discv4_round_trip_all_types(void)
{
    struct bts_discv4_packet p;
    memset(&p, 0, sizeof(p));
    p.type = BTS_DISCV4_PING;
    p.expiration = 1700000000;
    p.u.ping.version = 4;
    p.u.ping.from.ip_len = 4;
    memcpy(p.u.ping.from.ip, "\x0a\x00\x00\x01", 4);
    p.u.ping.from.udp_port = 30303;
    p.u.ping.from.tcp_port = 30303;
    p.u.ping.to.ip_len = 16;
    p.u.ping.to.ip[15] = 1;
    p.u.ping.to.udp_port = 30304;
    p.u.ping.has_enr_seq = 1;
    p.u.ping.enr_seq = 7;
    round_trip(&p);

    memset(&p, 0, sizeof(p));
    p.type = BTS_DISCV4_PONG;
    p.expiration = 5;
    memset(p.u.pong.ping_hash, 0x42, 32);
    p.u.pong.to.ip_len = 4;
    round_trip(&p);

    memset(&p, 0, sizeof(p));
    p.type = BTS_DISCV4_FINDNODE;
    p.expiration = 99;
    memset(p.u.findnode.target, 0x17, 64);
    round_trip(&p);

    memset(&p, 0, sizeof(p));
    p.type = BTS_DISCV4_NEIGHBORS;
    p.expiration = 1;
    p.u.neighbors.n_nodes = 12; /* as many as go-ethereum packs into one packet */
    for (size_t i = 0; i < 12; i++) {
        p.u.neighbors.nodes[i].ep.ip_len = 16;
        memset(p.u.neighbors.nodes[i].ep.ip, (int)i, 16);
        p.u.neighbors.nodes[i].ep.udp_port = (uint16_t)(1000 + i);
        p.u.neighbors.nodes[i].ep.tcp_port = (uint16_t)(2000 + i);
        memset(p.u.neighbors.nodes[i].id, (int)(0x80 + i), 64);
    }
    round_trip(&p);

    memset(&p, 0, sizeof(p));
    p.type = BTS_DISCV4_ENR_REQUEST;
    p.expiration = 12345;
    round_trip(&p);

    static const uint8_t enr[] = {0xc3, 0x01, 0x02, 0x03};
    memset(&p, 0, sizeof(p));
    p.type = BTS_DISCV4_ENR_RESPONSE;
    memset(p.u.enr_response.request_hash, 0x99, 32);
    p.u.enr_response.enr = enr;
    p.u.enr_response.enr_len = sizeof(enr);
    uint8_t k[32], id[64];
    node_key(k, id);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_discv4_encode(&b, NULL, k, &p) == BT_OK);
    struct bts_discv4_packet out;
    CU_ASSERT_FATAL(bts_discv4_decode(&out, b.data, b.len) == BT_OK);
    CU_ASSERT(out.u.enr_response.enr_len == 4 && !memcmp(out.u.enr_response.enr, enr, 4));
    bts_buf_free(&b);
}

static void test_discv4_refusals(void)
{
    uint8_t k[32], id[64];
    node_key(k, id);
    struct bts_discv4_packet p, out;
    memset(&p, 0, sizeof(p));
    p.type = 9;
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_discv4_encode(&b, NULL, k, &p), BT_EINVAL);
    p.type = BTS_DISCV4_NEIGHBORS;
    p.u.neighbors.n_nodes = BTS_DISCV4_MAX_NEIGHBORS + 1;
    CU_ASSERT_EQUAL(bts_discv4_encode(&b, NULL, k, &p), BT_EINVAL);
    p.u.neighbors.n_nodes = BTS_DISCV4_MAX_NEIGHBORS; /* 16 IPv6 nodes exceed 1280 bytes */
    for (size_t i = 0; i < BTS_DISCV4_MAX_NEIGHBORS; i++)
        p.u.neighbors.nodes[i].ep.ip_len = 16;
    CU_ASSERT_EQUAL(bts_discv4_encode(&b, NULL, k, &p), BT_ERANGE);
    CU_ASSERT_EQUAL(b.len, 0);

    /* Shorter than a header, or cut (the hash no longer matches): refused. */
    memset(&p, 0, sizeof(p));
    p.type = BTS_DISCV4_ENR_REQUEST;
    CU_ASSERT_FATAL(bts_discv4_encode(&b, NULL, k, &p) == BT_OK);
    CU_ASSERT_EQUAL(bts_discv4_decode(&out, b.data, 97), BT_EPROTO);
    CU_ASSERT_EQUAL(bts_discv4_decode(&out, b.data, b.len - 1), BT_EPROTO); /* hash */
    bts_buf_free(&b);
    CU_ASSERT_EQUAL(bts_discv4_decode(&out, (const uint8_t *)"", 0), BT_EPROTO);

    CU_ASSERT(bts_discv4_is_expired(99, 100));
    CU_ASSERT(!bts_discv4_is_expired(100, 100));
    CU_ASSERT_EQUAL(bts_discv4_log_distance(id, id), 0);
    uint8_t other[64];
    memset(other, 1, 64);
    CU_ASSERT(bts_discv4_log_distance(id, other) > 200); /* random hashes: ~256 */
}

BTS_TEST_SUITE("discv4", NULL, NULL, BTS_TEST(test_discv4_ping_v4_extra),
               BTS_TEST(test_discv4_ping_v555_extra_and_trailing),
               BTS_TEST(test_discv4_pong_extra_and_trailing),
               BTS_TEST(test_discv4_findnode_extra_and_trailing),
               BTS_TEST(test_discv4_neighbours_extra_and_trailing),
               BTS_TEST(test_discv4_round_trip_all_types), BTS_TEST(test_discv4_refusals));
