/* TRON transactions: known answers of ROOTCHAINS.md §5 #7 (tronweb's signed TransferContract) and
 * #8 (the §4.2 TriggerSmartContract), the TaPoS reference, canonical decoding, wrapping for
 * broadcasthex and signature recovery with v in {0,1} and {27,28}. */
#include <bts/tron.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

/* §4.2 worked example. */
static const char *const RAW8 =
    "0a0203e82208c0dfc0a0c8d75a7e40e0a499ffbc315a6d081f12690a31747970652e676f6f676c65617069732e"
    "636f6d2f70726f746f636f6c2e54726967676572536d617274436f6e747261637412340a15419d8a62f656a8d1"
    "615c1294fd71e9cfb3e4855a4f1215418330108cfdd47544b398c15a3c252ad1d5a5566c2204ec7e4855708"
    "0d095ffbc3190018084af5f";
static const char *const TXID8 = "ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1";
static const char *const SIG8 =
    "4025573db671eb95c00403d7ccc8d995851263db584197aef483860981050b03273fa977d5539c1c78191cf917e3"
    "9aa4132e33cc144fb3b6c0e4e9492c75fe7f1B";

static void hex(uint8_t *out, size_t n, const char *s)
{
    CU_ASSERT_FATAL(bts_hex_decode_exact(out, n, s, strlen(s), 0) == BT_OK);
}

static uint8_t *hexdup(const char *s, size_t *n)
{
    *n = strlen(s) / 2;
    uint8_t *p = malloc(*n + 1);
    hex(p, *n, s);
    return p;
}

static void example8(struct bts_tron_tx *tx)
{
    static const uint8_t data[4] = {0xec, 0x7e, 0x48, 0x55}; /* currentHeaderBlock() */
    uint8_t id[32];
    memset(tx, 0, sizeof(*tx));
    hex(id, 32, "00000000000003e8c0dfc0a0c8d75a7e0c0f5729f6b98567cd0b66599c4f63ac");
    bts_tron_tx_set_ref(tx, id);
    tx->expiration = 1700000060000;
    tx->timestamp = 1700000000000;
    tx->fee_limit = 200000000;
    tx->type = BTS_TRON_TRIGGER_SMART_CONTRACT;
    hex(tx->owner, 21, "419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    hex(tx->to, 21, "418330108cfdd47544b398c15a3c252ad1d5a5566c");
    tx->data = data;
    tx->data_len = 4;
}

static void test_tron_tx_trigger_known_answer(void)
{
    struct bts_tron_tx tx;
    example8(&tx);
    struct bts_buf raw = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_tron_tx_encode(&raw, &tx) == BT_OK);
    size_t n;
    uint8_t *want = hexdup(RAW8, &n);
    CU_ASSERT_EQUAL(raw.len, n);
    CU_ASSERT(raw.len == n && memcmp(raw.data, want, n) == 0);
    uint8_t id[32];
    CU_ASSERT(bts_tron_tx_id(id, raw.data, raw.len) == BT_OK);
    BTS_ASSERT_HEX(id, 32, TXID8);
    free(want);
    bts_buf_free(&raw);
}

static void test_tron_tx_transfer_known_answer(void)
{
    /* §5 #7: tronweb SIGNED_HEX_TRANSACTION's raw data; our encoder must reproduce its txID. */
    struct bts_tron_tx tx = {0};
    hex(tx.ref_block_bytes, 2, "380a");
    hex(tx.ref_block_hash, 8, "30202d4c1473d466");
    tx.expiration = 1625641645784;
    tx.timestamp = 1625638027633;
    tx.type = BTS_TRON_TRANSFER_CONTRACT;
    hex(tx.owner, 21, "41fbbb1a37f9fbc18a3e2b8fd8c0823251cd3b8ee8");
    hex(tx.to, 21, "41af4852489314e72ffae825238c52d0e1ffff1ead");
    tx.amount = 1000000;
    struct bts_buf raw = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_tron_tx_encode(&raw, &tx) == BT_OK);
    uint8_t id[32];
    CU_ASSERT(bts_tron_tx_id(id, raw.data, raw.len) == BT_OK);
    BTS_ASSERT_HEX(id, 32, "04d6b2fc0de48335e3f159ca8b33fffb366fe01d3fcd159dd50e8c5d7fce296b");
    /* And it decodes back to the same fields. */
    struct bts_tron_tx back;
    struct bts_buf data = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_tron_tx_decode(&back, &data, raw.data, raw.len) == BT_OK);
    CU_ASSERT_EQUAL(back.type, BTS_TRON_TRANSFER_CONTRACT);
    CU_ASSERT_EQUAL(back.amount, 1000000);
    CU_ASSERT_EQUAL(back.expiration, 1625641645784);
    CU_ASSERT(memcmp(back.owner, tx.owner, 21) == 0 && memcmp(back.to, tx.to, 21) == 0);
    CU_ASSERT_EQUAL(back.data_len, 0);
    bts_buf_free(&data);
    bts_buf_free(&raw);
}

static void test_tron_tx_signature_recovers_owner(void)
{
    uint8_t id[32], sig[65], addr[21];
    hex(id, 32, TXID8);
    hex(sig, 65, SIG8); /* tronweb's v = 0x1B, upper case */
    CU_ASSERT(bts_tron_sig_recover(addr, id, sig) == BT_OK);
    BTS_ASSERT_HEX(addr, 21, "419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    sig[64] = 0; /* java-tron / go-ethereum form */
    CU_ASSERT(bts_tron_sig_recover(addr, id, sig) == BT_OK);
    BTS_ASSERT_HEX(addr, 21, "419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    sig[64] = 5;
    CU_ASSERT(bts_tron_sig_recover(addr, id, sig) == BT_EINVAL);
    /* RFC 6979 with the §5 #3 key reproduces tronweb's r and s. */
    uint8_t key[32], mine[65];
    memset(key, 0x46, sizeof(key));
    CU_ASSERT_FATAL(bts_secp_sign(mine, key, id) == BT_OK);
    hex(sig, 65, SIG8);
    CU_ASSERT(memcmp(mine, sig, 64) == 0);
    CU_ASSERT_EQUAL(mine[64], 0);
}

static void test_tron_tx_wrap_matches_broadcasthex(void)
{
    size_t n;
    uint8_t *raw = hexdup(RAW8, &n);
    uint8_t sig[1][65];
    hex(sig[0], 65, SIG8);
    struct bts_buf out = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_tron_tx_wrap(&out, raw, n, (const uint8_t(*)[65])sig, 1) == BT_OK);
    /* §4.2: "0a9101" ‖ raw_data_hex ‖ "1241" ‖ signature. */
    CU_ASSERT_EQUAL(out.len, 3 + n + 2 + 65);
    CU_ASSERT(out.data[0] == 0x0a && out.data[1] == 0x91 && out.data[2] == 0x01);
    CU_ASSERT(memcmp(out.data + 3, raw, n) == 0);
    CU_ASSERT(out.data[3 + n] == 0x12 && out.data[4 + n] == 0x41);
    CU_ASSERT(memcmp(out.data + 5 + n, sig[0], 65) == 0);
    bts_buf_reset(&out);
    CU_ASSERT(bts_tron_tx_wrap(&out, raw, n - 1, NULL, 0) == BT_EINVAL);
    bts_buf_free(&out);
    free(raw);
}

static void test_tron_tx_decode_round_trip_and_canonical(void)
{
    size_t n;
    uint8_t *raw = hexdup(RAW8, &n);
    struct bts_tron_tx tx;
    struct bts_buf data = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_tron_tx_decode(&tx, &data, raw, n) == BT_OK);
    CU_ASSERT_EQUAL(tx.type, BTS_TRON_TRIGGER_SMART_CONTRACT);
    CU_ASSERT_EQUAL(tx.fee_limit, 200000000);
    CU_ASSERT_EQUAL(tx.data_len, 4);
    BTS_ASSERT_HEX(tx.data, 4, "ec7e4855");
    BTS_ASSERT_HEX(tx.ref_block_bytes, 2, "03e8");
    /* Truncated anywhere: refused, never read past the end -- except where the cut falls
     * between the trailing timestamp / fee_limit fields, which leaves a valid shorter tx. */
    int whole = 0;
    for (size_t k = 0; k < n; k++) {
        if (bts_tron_tx_decode(&tx, &data, raw, k) != BT_OK)
            continue;
        whole++;
        CU_ASSERT_EQUAL(tx.fee_limit, 0);
    }
    CU_ASSERT_EQUAL(whole, 2);
    /* A ref_block_num (field 3) is legal protobuf but not canonical for java-tron builders. */
    uint8_t *more = malloc(n + 2);
    memcpy(more, raw, 4); /* 0a 02 03 e8 */
    more[4] = 0x18;
    more[5] = 0x05;
    memcpy(more + 6, raw + 4, n - 4);
    CU_ASSERT(bts_tron_tx_decode(&tx, &data, more, n + 2) == BT_EINVAL);
    /* Fields out of order (expiration before ref_block_bytes): same message, not canonical. */
    uint8_t *swap = malloc(n);
    size_t exp_at = 4 + 10; /* after 0a0203e8 and 2208 + 8 bytes */
    CU_ASSERT_EQUAL_FATAL(raw[exp_at], 0x40);
    size_t exp_len = 7; /* 40 + 6-byte varint */
    memcpy(swap, raw + exp_at, exp_len);
    memcpy(swap + exp_len, raw, exp_at);
    memcpy(swap + exp_at + exp_len, raw + exp_at + exp_len, n - exp_at - exp_len);
    CU_ASSERT(bts_tron_tx_decode(&tx, &data, swap, n) == BT_EINVAL);
    CU_ASSERT_EQUAL(data.len, 0);
    free(swap);
    free(more);
    bts_buf_free(&data);
    free(raw);
}

static void test_tron_tx_encode_rejects_bad_fields(void)
{
    struct bts_tron_tx tx;
    struct bts_buf out = BTS_BUF_INIT;
    example8(&tx);
    tx.type = 30;
    CU_ASSERT(bts_tron_tx_encode(&out, &tx) == BT_EINVAL);
    example8(&tx);
    tx.expiration = 0;
    CU_ASSERT(bts_tron_tx_encode(&out, &tx) == BT_EINVAL);
    example8(&tx);
    tx.fee_limit = -1;
    CU_ASSERT(bts_tron_tx_encode(&out, &tx) == BT_EINVAL);
    example8(&tx);
    tx.to[0] = 0xa0; /* testnet prefix: not used by any public network */
    CU_ASSERT(bts_tron_tx_encode(&out, &tx) == BT_EINVAL);
    example8(&tx);
    tx.type = BTS_TRON_TRANSFER_CONTRACT; /* a transfer carries no data */
    CU_ASSERT(bts_tron_tx_encode(&out, &tx) == BT_EINVAL);
    CU_ASSERT_EQUAL(out.len, 0);
    bts_buf_free(&out);
}

static void test_tron_tx_ref_from_block_id(void)
{
    struct bts_tron_tx tx = {0};
    uint8_t id[32];
    hex(id, 32, "0000000001c9a1b2f1f2f3f4f5f6f7f8aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    bts_tron_tx_set_ref(&tx, id);
    BTS_ASSERT_HEX(tx.ref_block_bytes, 2, "a1b2");
    BTS_ASSERT_HEX(tx.ref_block_hash, 8, "f1f2f3f4f5f6f7f8");
}

/* §5 #9, #10 (and §2.5's submitCheckpoint): the selectors a TRON adapter puts in `data`. */
static void test_tron_tx_selectors(void)
{
    static const struct {
        const char *sig, *sel;
    } v[] = {
        {"get_dy_underlying(int128,int128,uint256)", "07211ef7"},
        {"currentHeaderBlock()", "ec7e4855"},
        {"getLastChildBlock()", "b87e1b66"},
        {"submitCheckpoint(bytes,uint256[3][])", "4e43e495"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(v); i++) {
        uint8_t h[32];
        bts_keccak256(h, v[i].sig, strlen(v[i].sig));
        BTS_ASSERT_HEX(h, 4, v[i].sel);
    }
}

BTS_TEST_SUITE("tron_tx", NULL, NULL, BTS_TEST(test_tron_tx_trigger_known_answer),
               BTS_TEST(test_tron_tx_transfer_known_answer),
               BTS_TEST(test_tron_tx_signature_recovers_owner),
               BTS_TEST(test_tron_tx_wrap_matches_broadcasthex),
               BTS_TEST(test_tron_tx_decode_round_trip_and_canonical),
               BTS_TEST(test_tron_tx_encode_rejects_bad_fields),
               BTS_TEST(test_tron_tx_ref_from_block_id), BTS_TEST(test_tron_tx_selectors));
