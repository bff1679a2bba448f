/* enode URLs (go-ethereum's urlv4 shape; the id is the EIP-8 vectors' key B) and node key text:
 * parse/format round trips, the refusals, and node ids derived from keys. */
#include <bts/enode.h>
#include <bts/test.h>

#include <string.h>

#define ID_HEX                                                                                     \
    "ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44" \
    "e9"                                                                                           \
    "e6d569fc56be00812904767bf5ccd1fc7f"

static void round_trip(const char *url, uint8_t ip_len, uint16_t tcp, uint16_t udp)
{
    struct bts_enode n;
    CU_ASSERT_EQUAL_FATAL(bts_enode_parse(&n, url, strlen(url)), BT_OK);
    CU_ASSERT_EQUAL(n.ip_len, ip_len);
    CU_ASSERT_EQUAL(n.tcp_port, tcp);
    CU_ASSERT_EQUAL(n.udp_port, udp);
    BTS_ASSERT_HEX(n.id, 64, ID_HEX);
    char out[BTS_ENODE_URL_MAX];
    size_t len;
    CU_ASSERT_FATAL(bts_enode_format(out, sizeof(out), &len, &n) == BT_OK);
    CU_ASSERT_STRING_EQUAL(out, url);
    CU_ASSERT_EQUAL(len, strlen(url));
    CU_ASSERT_EQUAL(bts_enode_format(out, 10, &len, &n), BT_ERANGE);
    CU_ASSERT_EQUAL(len, strlen(url));
}

static void test_enode_round_trips(void)
{
    round_trip("enode://" ID_HEX "@127.0.0.1:52150?discport=22334", 4, 52150, 22334);
    round_trip("enode://" ID_HEX "@127.0.0.1:30303", 4, 30303, 30303);
    round_trip("enode://" ID_HEX "@[::1]:30303", 16, 30303, 30303);
    round_trip("enode://" ID_HEX "@[2001:db8::7]:0?discport=30301", 16, 0, 30301);
}

static void test_enode_refusals(void)
{
    static const char *const bad[] = {
        "enode://" ID_HEX,                              /* no host */
        "enode://" ID_HEX "@127.0.0.1",                 /* no port */
        "enode://" ID_HEX "@127.0.0.1:65536",           /* port range */
        "enode://" ID_HEX "@127.0.0.1:03",              /* leading zero */
        "enode://" ID_HEX "@example.org:30303",         /* host names are not resolved */
        "enode://" ID_HEX "@[::1:30303",                /* unclosed bracket */
        "enode://" ID_HEX "@127.0.0.1:30303?foo=1",     /* unknown query */
        "enode://" ID_HEX "@127.0.0.1:30303?discport=", /* empty discport */
        "enode://" ID_HEX "@1.2.3:30303",               /* bad IPv4 */
        "enode://" ID_HEX "@::1:30303",                 /* IPv6 without brackets */
        "enr://" ID_HEX "@127.0.0.1:30303",             /* scheme */
        "enode://" ID_HEX "00@127.0.0.1:30303",         /* id too long */
        "enode://zz" ID_HEX "@127.0.0.1:3",             /* not hex */
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(bad); i++) {
        struct bts_enode n;
        CU_ASSERT_EQUAL(bts_enode_parse(&n, bad[i], strlen(bad[i])), BT_EINVAL);
        CU_ASSERT_EQUAL(n.ip_len, 0);
    }
    /* A 64-byte id that is not a curve point. */
    char url[300];
    strcpy(url, "enode://");
    for (int i = 0; i < 128; i++)
        strcat(url, "0");
    strcat(url, "@127.0.0.1:1");
    struct bts_enode n;
    CU_ASSERT_EQUAL(bts_enode_parse(&n, url, strlen(url)), BT_EINVAL);
}

static void test_enode_nodekey(void)
{
    /* The EIP-8 discovery key and its public key (RLPx handshake vector "Static Key B"). */
    const char *text = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291\n";
    uint8_t k[32], id[64], id2[64];
    CU_ASSERT_FATAL(bts_enode_nodekey_parse(k, text, strlen(text)) == BT_OK);
    char back[65];
    bts_enode_nodekey_format(back, k);
    CU_ASSERT_EQUAL(memcmp(back, text, 64), 0);
    CU_ASSERT_FATAL(bts_enode_id_from_seckey(id, k) == BT_OK);
    BTS_ASSERT_HEX(id, 8, "ca634cae0d49acb4"); /* the EIP-8 findnode target is this key */
    CU_ASSERT_FATAL(bts_enode_id_from_pubkey(id2, id, 64) == BT_OK);
    CU_ASSERT(memcmp(id, id2, 64) == 0);
    uint8_t zero[32] = {0};
    CU_ASSERT_EQUAL(bts_enode_id_from_seckey(id, zero), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_enode_nodekey_parse(k, text, 63), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_enode_nodekey_parse(k, "0x1234", 6), BT_EINVAL);
    const char *zeros = "0000000000000000000000000000000000000000000000000000000000000000";
    CU_ASSERT_EQUAL(bts_enode_nodekey_parse(k, zeros, 64), BT_EINVAL);
    CU_ASSERT_EQUAL(bts_enode_id_from_pubkey(id2, id, 33), BT_EINVAL);
}

BTS_TEST_SUITE("enode", NULL, NULL, BTS_TEST(test_enode_round_trips), BTS_TEST(test_enode_refusals),
               BTS_TEST(test_enode_nodekey));
