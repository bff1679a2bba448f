/* RLPx handshake known answers: every EIP-8 test vector (auth and ack in the legacy and EIP-8
 * forms, the derived aes/mac secrets and B's ingress MAC after "foo"), plus round trips and
 * the error paths of ECIES and packet reading. */
#include <bts/rlpx.h>
#include <bts/secp.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

/* EIP-8 "RLPx Handshake" test values. */
#define KEY_A   "49a7b37aa6f6645917e7b807e9d1c00d4fa71f18343b0d4122a4d2df64dd6fee"
#define KEY_B   "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"
#define EPH_A   "869d6ecf5211f1cc60418a13b9d870b22959d0c16f02bec714c960dd2298a32d"
#define EPH_B   "e238eb8e04fee6511ab04c6dd3c89ce097b11f25d584863ac2b6d5b35b1847e4"
#define NONCE_A "7e968bba13b6c50e2c4cd7f241cc0d64d1ac25c7f5952df231ac6a2bda8ee5d6"
#define NONCE_B "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd"

static const char AUTH1[] =
    "048ca79ad18e4b0659fab4853fe5bc58eb83992980f4c9cc147d2aa31532efd29a3d3dc6a3d89eaf"
    "913150cfc777ce0ce4af2758bf4810235f6e6ceccfee1acc6b22c005e9e3a49d6448610a58e98744"
    "ba3ac0399e82692d67c1f58849050b3024e21a52c9d3b01d871ff5f210817912773e610443a9ef14"
    "2e91cdba0bd77b5fdf0769b05671fc35f83d83e4d3b0b000c6b2a1b1bba89e0fc51bf4e460df3105"
    "c444f14be226458940d6061c296350937ffd5e3acaceeaaefd3c6f74be8e23e0f45163cc7ebd7622"
    "0f0128410fd05250273156d548a414444ae2f7dea4dfca2d43c057adb701a715bf59f6fb66b2d1d2"
    "0f2c703f851cbf5ac47396d9ca65b6260bd141ac4d53e2de585a73d1750780db4c9ee4cd4d225173"
    "a4592ee77e2bd94d0be3691f3b406f9bba9b591fc63facc016bfa8";
static const char AUTH2[] =
    "01b304ab7578555167be8154d5cc456f567d5ba302662433674222360f08d5f1534499d3678b513b"
    "0fca474f3a514b18e75683032eb63fccb16c156dc6eb2c0b1593f0d84ac74f6e475f1b8d56116b84"
    "9634a8c458705bf83a626ea0384d4d7341aae591fae42ce6bd5c850bfe0b999a694a49bbbaf3ef6c"
    "da61110601d3b4c02ab6c30437257a6e0117792631a4b47c1d52fc0f8f89caadeb7d02770bf999cc"
    "147d2df3b62e1ffb2c9d8c125a3984865356266bca11ce7d3a688663a51d82defaa8aad69da39ab6"
    "d5470e81ec5f2a7a47fb865ff7cca21516f9299a07b1bc63ba56c7a1a892112841ca44b6e0034dee"
    "70c9adabc15d76a54f443593fafdc3b27af8059703f88928e199cb122362a4b35f62386da7caad09"
    "c001edaeb5f8a06d2b26fb6cb93c52a9fca51853b68193916982358fe1e5369e249875bb8d0d0ec3"
    "6f917bc5e1eafd5896d46bd61ff23f1a863a8a8dcd54c7b109b771c8e61ec9c8908c733c0263440e"
    "2aa067241aaa433f0bb053c7b31a838504b148f570c0ad62837129e547678c5190341e4f1693956c"
    "3bf7678318e2d5b5340c9e488eefea198576344afbdf66db5f51204a6961a63ce072c8926c";
static const char AUTH3[] =
    "01b8044c6c312173685d1edd268aa95e1d495474c6959bcdd10067ba4c9013df9e40ff45f5bfd6f7"
    "2471f93a91b493f8e00abc4b80f682973de715d77ba3a005a242eb859f9a211d93a347fa64b597bf"
    "280a6b88e26299cf263b01b8dfdb712278464fd1c25840b995e84d367d743f66c0e54a586725b7bb"
    "f12acca27170ae3283c1073adda4b6d79f27656993aefccf16e0d0409fe07db2dc398a1b7e8ee93b"
    "cd181485fd332f381d6a050fba4c7641a5112ac1b0b61168d20f01b479e19adf7fdbfa0905f63352"
    "bfc7e23cf3357657455119d879c78d3cf8c8c06375f3f7d4861aa02a122467e069acaf513025ff19"
    "6641f6d2810ce493f51bee9c966b15c5043505350392b57645385a18c78f14669cc4d960446c1757"
    "1b7c5d725021babbcd786957f3d17089c084907bda22c2b2675b4378b114c601d858802a55345a15"
    "116bc61da4193996187ed70d16730e9ae6b3bb8787ebcaea1871d850997ddc08b4f4ea668fbf3740"
    "7ac044b55be0908ecb94d4ed172ece66fd31bfdadf2b97a8bc690163ee11f5b575a4b44e36e2bfb2"
    "f0fce91676fd64c7773bac6a003f481fddd0bae0a1f31aa27504e2a533af4cef3b623f4791b2cca6"
    "d490";
static const char ACK1[] =
    "049f8abcfa9c0dc65b982e98af921bc0ba6e4243169348a236abe9df5f93aa69d99cadddaa387662"
    "b0ff2c08e9006d5a11a278b1b3331e5aaabf0a32f01281b6f4ede0e09a2d5f585b26513cb794d963"
    "5a57563921c04a9090b4f14ee42be1a5461049af4ea7a7f49bf4c97a352d39c8d02ee4acc416388c"
    "1c66cec761d2bc1c72da6ba143477f049c9d2dde846c252c111b904f630ac98e51609b3b1f58168d"
    "dca6505b7196532e5f85b259a20c45e1979491683fee108e9660edbf38f3add489ae73e3dda2c71b"
    "d1497113d5c755e942d1";
static const char ACK2[] =
    "01ea0451958701280a56482929d3b0757da8f7fbe5286784beead59d95089c217c9b917788989470"
    "b0e330cc6e4fb383c0340ed85fab836ec9fb8a49672712aeabbdfd1e837c1ff4cace34311cd7f4de"
    "05d59279e3524ab26ef753a0095637ac88f2b499b9914b5f64e143eae548a1066e14cd2f4bd7f814"
    "c4652f11b254f8a2d0191e2f5546fae6055694aed14d906df79ad3b407d94692694e259191cde171"
    "ad542fc588fa2b7333313d82a9f887332f1dfc36cea03f831cb9a23fea05b33deb999e85489e645f"
    "6aab1872475d488d7bd6c7c120caf28dbfc5d6833888155ed69d34dbdc39c1f299be1057810f34fb"
    "e754d021bfca14dc989753d61c413d261934e1a9c67ee060a25eefb54e81a4d14baff922180c395d"
    "3f998d70f46f6b58306f969627ae364497e73fc27f6d17ae45a413d322cb8814276be6ddd13b885b"
    "201b943213656cde498fa0e9ddc8e0b8f8a53824fbd82254f3e2c17e8eaea009c38b4aa0a3f306e8"
    "797db43c25d68e86f262e564086f59a2fc60511c42abfb3057c247a8a8fe4fb3ccbadde17514b7ac"
    "8000cdb6a912778426260c47f38919a91f25f4b5ffb455d6aaaf150f7e5529c100ce62d6d92826a7"
    "1778d809bdf60232ae21ce8a437eca8223f45ac37f6487452ce626f549b3b5fdee26afd2072e4bc7"
    "5833c2464c805246155289f4";
static const char ACK3[] =
    "01f004076e58aae772bb101ab1a8e64e01ee96e64857ce82b1113817c6cdd52c09d26f7b90981cd7"
    "ae835aeac72e1573b8a0225dd56d157a010846d888dac7464baf53f2ad4e3d584531fa203658fab0"
    "3a06c9fd5e35737e417bc28c1cbf5e5dfc666de7090f69c3b29754725f84f75382891c561040ea1d"
    "dc0d8f381ed1b9d0d4ad2a0ec021421d847820d6fa0ba66eaf58175f1b235e851c7e2124069fbc20"
    "2888ddb3ac4d56bcbd1b9b7eab59e78f2e2d400905050f4a92dec1c4bdf797b3fc9b2f8e84a482f3"
    "d800386186712dae00d5c386ec9387a5e9c9a1aca5a573ca91082c7d68421f388e79127a5177d4f8"
    "590237364fd348c9611fa39f78dcdceee3f390f07991b7b47e1daa3ebcb6ccc9607811cb17ce51f1"
    "c8c2c5098dbdd28fca547b3f58c01a424ac05f869f49c6a34672ea2cbbc558428aa1fe48bbfd6115"
    "8b1b735a65d99f21e70dbc020bfdface9f724a0d1fb5895db971cc81aa7608baa0920abb0a565c9c"
    "436e2fd13323428296c86385f2384e408a31e104670df0791d93e743a3a5194ee6b076fb6323ca59"
    "3011b7348c16cf58f66b9633906ba54a2ee803187344b394f75dd2e663a57b956cb830dd7a908d4f"
    "39a2336a61ef9fda549180d4ccde21514d117b6c6fd07a9102b5efe710a32af4eeacae2cb3b1dec0"
    "35b9593b48b9d3ca4c13d245d5f04169b0b1";

static void unhex32(uint8_t out[32], const char *hex)
{
    size_t n;
    uint8_t *p = bts_test_unhex(hex, &n);
    CU_ASSERT_FATAL(p && n == 32);
    memcpy(out, p, 32);
    free(p);
}

static void id_of(uint8_t out[64], const char *seckey_hex)
{
    uint8_t k[32], pub[65];
    unhex32(k, seckey_hex);
    CU_ASSERT_FATAL(bts_secp_seckey_to_pubkey(pub, k) == BT_OK);
    memcpy(out, pub + 1, 64);
}

static void recipient_b(struct bts_rlpx_handshake *h)
{
    uint8_t k[32], e[32], n[32];
    unhex32(k, KEY_B);
    unhex32(e, EPH_B);
    unhex32(n, NONCE_B);
    CU_ASSERT_FATAL(bts_rlpx_handshake_init_recipient(h, k, e, n) == BT_OK);
}

static void initiator_a(struct bts_rlpx_handshake *h)
{
    uint8_t k[32], e[32], n[32], idb[64];
    unhex32(k, KEY_A);
    unhex32(e, EPH_A);
    unhex32(n, NONCE_A);
    id_of(idb, KEY_B);
    CU_ASSERT_FATAL(bts_rlpx_handshake_init_initiator(h, k, idb, e, n) == BT_OK);
}

/* B reads one of A's auth packets: identity, ephemeral key, nonce and version must come out. */
static void check_auth(const char *hex, int eip8, uint64_t version)
{
    struct bts_rlpx_handshake h;
    recipient_b(&h);
    size_t len, used = 0;
    uint8_t *pkt = bts_test_unhex(hex, &len);
    CU_ASSERT_FATAL(pkt != NULL);
    CU_ASSERT_EQUAL_FATAL(bts_rlpx_auth_read(&h, pkt, len, &used), BT_OK);
    CU_ASSERT_EQUAL(used, len);
    CU_ASSERT_EQUAL(h.is_eip8, eip8);
    CU_ASSERT_EQUAL(h.remote_version, version);
    uint8_t ida[64], epha[64], nonce[32];
    id_of(ida, KEY_A);
    id_of(epha, EPH_A);
    unhex32(nonce, NONCE_A);
    CU_ASSERT(memcmp(h.remote_id, ida, 64) == 0);
    CU_ASSERT(memcmp(h.remote_eph_pub, epha, 64) == 0);
    CU_ASSERT(memcmp(h.remote_nonce, nonce, 32) == 0);
    CU_ASSERT(h.auth.len == len && memcmp(h.auth.data, pkt, len) == 0);
    /* Any shorter prefix is incomplete, never an error or a success. */
    for (size_t cut = 0; cut < len; cut += 37) {
        struct bts_rlpx_handshake h2;
        recipient_b(&h2);
        CU_ASSERT_EQUAL(bts_rlpx_auth_read(&h2, pkt, cut, &used), BT_ERANGE);
        CU_ASSERT(used > cut && used <= len);
        bts_rlpx_handshake_clear(&h2);
    }
    free(pkt);
    bts_rlpx_handshake_clear(&h);
}

static void test_rlpx_auth1_legacy(void)
{
    check_auth(AUTH1, 0, 4);
}

static void test_rlpx_auth2_eip8(void)
{
    check_auth(AUTH2, 1, 4);
}

static void test_rlpx_auth3_eip8_v56_extra(void)
{
    check_auth(AUTH3, 1, 56);
}

static void check_ack(const char *hex, int eip8, uint64_t version)
{
    struct bts_rlpx_handshake h;
    initiator_a(&h);
    size_t len, used = 0;
    uint8_t *pkt = bts_test_unhex(hex, &len);
    CU_ASSERT_FATAL(pkt != NULL);
    CU_ASSERT_EQUAL_FATAL(bts_rlpx_ack_read(&h, pkt, len, &used), BT_OK);
    CU_ASSERT_EQUAL(used, len);
    CU_ASSERT_EQUAL(h.remote_version, version);
    (void)eip8;
    uint8_t ephb[64], nonce[32];
    id_of(ephb, EPH_B);
    unhex32(nonce, NONCE_B);
    CU_ASSERT(memcmp(h.remote_eph_pub, ephb, 64) == 0);
    CU_ASSERT(memcmp(h.remote_nonce, nonce, 32) == 0);
    free(pkt);
    bts_rlpx_handshake_clear(&h);
}

static void test_rlpx_ack1_legacy(void)
{
    check_ack(ACK1, 0, 4);
}

static void test_rlpx_ack2_eip8(void)
{
    check_ack(ACK2, 1, 4);
}

static void test_rlpx_ack3_eip8_v57_extra(void)
{
    check_ack(ACK3, 1, 57);
}

/* EIP-8: B's secrets for (Auth2, Ack2), and B's ingress MAC after "foo". A derives the same
 * secrets, and A's egress MAC equals B's ingress MAC. */
static void test_rlpx_secrets_vector(void)
{
    struct bts_rlpx_handshake b, a;
    struct bts_rlpx_secrets sb, sa;
    size_t auth_len, ack_len, used;
    uint8_t *auth = bts_test_unhex(AUTH2, &auth_len), *ack = bts_test_unhex(ACK2, &ack_len);
    recipient_b(&b);
    CU_ASSERT_FATAL(bts_rlpx_auth_read(&b, auth, auth_len, &used) == BT_OK);
    CU_ASSERT_FATAL(bts_buf_append(&b.ack, ack, ack_len) == BT_OK); /* B sent Ack2 */
    CU_ASSERT_FATAL(bts_rlpx_secrets_derive(&sb, &b) == BT_OK);
    BTS_ASSERT_HEX(sb.aes, 32, "80e8632c05fed6fc2a13b0f8d31a3cf645366239170ea067065aba8e28bac487");
    BTS_ASSERT_HEX(sb.mac, 32, "2ea74ec5dae199227dff1af715362700e989d889d7a493cb0639691efb8e5f98");
    struct bts_keccak k = sb.ingress_mac;
    uint8_t d[32], d2[32];
    bts_keccak_update(&k, "foo", 3);
    bts_keccak_final(&k, d);
    BTS_ASSERT_HEX(d, 32, "0c7ec6340062cc46f5e9f1e3cf86f8c8c403c5a0964f5df0ebd34a75ddc86db5");

    initiator_a(&a);
    CU_ASSERT_FATAL(bts_buf_append(&a.auth, auth, auth_len) == BT_OK); /* A sent Auth2 */
    CU_ASSERT_FATAL(bts_rlpx_ack_read(&a, ack, ack_len, &used) == BT_OK);
    CU_ASSERT_FATAL(bts_rlpx_secrets_derive(&sa, &a) == BT_OK);
    CU_ASSERT(memcmp(sa.aes, sb.aes, 32) == 0);
    CU_ASSERT(memcmp(sa.mac, sb.mac, 32) == 0);
    k = sa.egress_mac;
    bts_keccak_update(&k, "foo", 3);
    bts_keccak_final(&k, d2);
    CU_ASSERT(memcmp(d, d2, 32) == 0);
    free(auth);
    free(ack);
    bts_rlpx_handshake_clear(&a);
    bts_rlpx_handshake_clear(&b);
}

/* A full handshake between two fresh parties, in both formats, then frames both ways. */
static void handshake_round_trip(int legacy)
{
    struct bts_rlpx_handshake a, b;
    struct bts_rlpx_seal_rand r1, r2;
    memset(&r1, 0, sizeof(r1));
    memset(&r2, 0, sizeof(r2));
    uint8_t pad[150];
    memset(pad, 0xab, sizeof(pad));
    memset(r1.ecies_seckey, 0x11, 32);
    memset(r1.iv, 0x22, 16);
    r1.pad = pad;
    r1.pad_len = sizeof(pad);
    memset(r2.ecies_seckey, 0x33, 32);
    memset(r2.iv, 0x44, 16);
    initiator_a(&a);
    recipient_b(&b);
    struct bts_buf wire = BTS_BUF_INIT;
    size_t used;
    CU_ASSERT_FATAL(bts_rlpx_auth_make(&a, &wire, &r1, legacy) == BT_OK);
    CU_ASSERT_EQUAL(wire.len, legacy ? BTS_RLPX_AUTH_LEGACY_LEN : 2 + 169 + 150 + 113);
    CU_ASSERT_FATAL(bts_rlpx_auth_read(&b, wire.data, wire.len, &used) == BT_OK);
    CU_ASSERT_EQUAL(used, wire.len);
    CU_ASSERT_EQUAL(b.is_eip8, !legacy);
    CU_ASSERT(memcmp(b.remote_id, a.remote_id, 64) != 0); /* B learnt A's id, not its own */
    bts_buf_reset(&wire);
    CU_ASSERT_FATAL(bts_rlpx_ack_make(&b, &wire, &r2) == BT_OK);
    if (legacy)
        CU_ASSERT_EQUAL(wire.len, BTS_RLPX_ACK_LEGACY_LEN);
    CU_ASSERT_FATAL(bts_rlpx_ack_read(&a, wire.data, wire.len, &used) == BT_OK);
    struct bts_rlpx_secrets sa, sb;
    CU_ASSERT_FATAL(bts_rlpx_secrets_derive(&sa, &a) == BT_OK);
    CU_ASSERT_FATAL(bts_rlpx_secrets_derive(&sb, &b) == BT_OK);
    CU_ASSERT(memcmp(sa.aes, sb.aes, 32) == 0 && memcmp(sa.mac, sb.mac, 32) == 0);

    struct bts_rlpx_session *ea, *eb;
    CU_ASSERT_FATAL(bts_rlpx_session_new(&ea, &sa) == BT_OK);
    CU_ASSERT_FATAL(bts_rlpx_session_new(&eb, &sb) == BT_OK);
    for (size_t n = 0; n < 70; n += 7) {
        uint8_t msg[70];
        for (size_t i = 0; i < n; i++)
            msg[i] = (uint8_t)(i * 13 + n);
        struct bts_rlpx_session *tx = n % 2 ? ea : eb, *rx = n % 2 ? eb : ea;
        bts_buf_reset(&wire);
        CU_ASSERT_FATAL(bts_rlpx_frame_write(tx, &wire, msg, n) == BT_OK);
        size_t body_len, size;
        CU_ASSERT_FATAL(bts_rlpx_frame_read_header(rx, wire.data, &body_len, &size) == BT_OK);
        CU_ASSERT_EQUAL(size, n);
        CU_ASSERT_EQUAL(BTS_RLPX_HEADER_LEN + body_len, wire.len);
        struct bts_buf got = BTS_BUF_INIT;
        CU_ASSERT_FATAL(bts_rlpx_frame_read_body(rx, wire.data + 32, body_len, &got) == BT_OK);
        CU_ASSERT(got.len == n && memcmp(got.data, msg, n) == 0);
        bts_buf_free(&got);
    }
    bts_rlpx_session_free(ea);
    bts_rlpx_session_free(eb);
    bts_buf_free(&wire);
    bts_rlpx_handshake_clear(&a);
    bts_rlpx_handshake_clear(&b);
}

static void test_rlpx_handshake_round_trip_eip8(void)
{
    handshake_round_trip(0);
}

static void test_rlpx_handshake_round_trip_legacy(void)
{
    handshake_round_trip(1);
}

static void test_rlpx_ecies_round_trip_and_tamper(void)
{
    uint8_t kb[32], idb[64], eph[32], iv[16], ct[200], pt[200];
    unhex32(kb, KEY_B);
    id_of(idb, KEY_B);
    memset(eph, 7, 32);
    memset(iv, 9, 16);
    const char *msg = "the quick brown fox";
    size_t n = strlen(msg), ct_len, pt_len;
    CU_ASSERT_EQUAL(bts_rlpx_ecies_encrypt(ct, 10, &ct_len, idb, (const uint8_t *)msg, n,
                                           (const uint8_t *)"ad", 2, eph, iv),
                    BT_ERANGE);
    CU_ASSERT_EQUAL(ct_len, n + BTS_RLPX_ECIES_OVERHEAD);
    CU_ASSERT_FATAL(bts_rlpx_ecies_encrypt(ct, sizeof(ct), &ct_len, idb, (const uint8_t *)msg, n,
                                           (const uint8_t *)"ad", 2, eph, iv) == BT_OK);
    CU_ASSERT_FATAL(bts_rlpx_ecies_decrypt(pt, sizeof(pt), &pt_len, kb, ct, ct_len,
                                           (const uint8_t *)"ad", 2) == BT_OK);
    CU_ASSERT(pt_len == n && memcmp(pt, msg, n) == 0);
    /* Wrong authdata, any flipped byte, truncation: refused. */
    CU_ASSERT_EQUAL(
        bts_rlpx_ecies_decrypt(pt, sizeof(pt), &pt_len, kb, ct, ct_len, (const uint8_t *)"ae", 2),
        BT_EPROTO);
    for (size_t i = 0; i < ct_len; i += 11) {
        ct[i] ^= 0x01;
        CU_ASSERT_NOT_EQUAL(bts_rlpx_ecies_decrypt(pt, sizeof(pt), &pt_len, kb, ct, ct_len,
                                                   (const uint8_t *)"ad", 2),
                            BT_OK);
        ct[i] ^= 0x01;
    }
    CU_ASSERT_EQUAL(bts_rlpx_ecies_decrypt(pt, sizeof(pt), &pt_len, kb, ct, 112, NULL, 0),
                    BT_EPROTO);
}

static void test_rlpx_auth_garbage_refused(void)
{
    struct bts_rlpx_handshake h;
    recipient_b(&h);
    uint8_t junk[400];
    memset(junk, 0x5a, sizeof(junk));
    junk[0] = 0x01; /* size prefix 0x0100 + 2 = 258 bytes */
    junk[1] = 0x00;
    size_t used;
    CU_ASSERT_EQUAL(bts_rlpx_auth_read(&h, junk, sizeof(junk), &used), BT_EPROTO);
    CU_ASSERT_EQUAL(h.auth.len, 0);
    /* An initiator cannot read auth, a recipient cannot read ack. */
    CU_ASSERT_EQUAL(bts_rlpx_ack_read(&h, junk, sizeof(junk), &used), BT_EINVAL);
    struct bts_rlpx_secrets s;
    CU_ASSERT_EQUAL(bts_rlpx_secrets_derive(&s, &h), BT_EINVAL);
    bts_rlpx_handshake_clear(&h);
}

BTS_TEST_SUITE("rlpx", NULL, NULL, BTS_TEST(test_rlpx_auth1_legacy), BTS_TEST(test_rlpx_auth2_eip8),
               BTS_TEST(test_rlpx_auth3_eip8_v56_extra), BTS_TEST(test_rlpx_ack1_legacy),
               BTS_TEST(test_rlpx_ack2_eip8), BTS_TEST(test_rlpx_ack3_eip8_v57_extra),
               BTS_TEST(test_rlpx_secrets_vector), BTS_TEST(test_rlpx_handshake_round_trip_eip8),
               BTS_TEST(test_rlpx_handshake_round_trip_legacy),
               BTS_TEST(test_rlpx_ecies_round_trip_and_tamper),
               BTS_TEST(test_rlpx_auth_garbage_refused));
