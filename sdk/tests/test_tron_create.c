/* TRON CreateSmartContract: a transaction built and signed by tronweb 6.5.1
 * (transactionBuilder.createSmartContract with a fixed block header, key 0x46…46, ABI of a
 * constructor, a view and an event, bytecode 6080604052 and the constructor argument 7, name
 * "Demo") decodes, re-encodes byte for byte, hashes to tronweb's txID, its signature recovers the
 * owner, and the contract address is tronweb's genContractAddress value (java-tron
 * WalletUtil.generateContractAddress). */
#include <bts/tron.h>

#include <bts/hex.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

static const char *const RAW =
    "0a0203e82208c0dfc0a0c8d75a7e40e0a499ffbc315ae501081e12e0010a30747970652e676f6f676c6561706973"
    "2e636f6d2f70726f746f636f6c2e437265617465536d617274436f6e747261637412ab010a15419d8a62f656a8d1"
    "615c1294fd71e9cfb3e4855a4f1291010a15419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f1a440a12220c12"
    "01781a0775696e74323536300140030a141a036765742a091a0775696e74323536300240020a181a02486922100801"
    "120377686f1a0761646472657373300322256080604052000000000000000000000000000000000000000000000000"
    "000000000000000730643a0444656d6f4080ade2047080d095ffbc3190018094ebdc03";
static const char *const TXID = "c45842733f303c3504d05735c2d6931285edacefba14430eef7dde84fb1f4a21";
static const char *const ADDR = "4186bd7a8e9cfee45fe92c2fb156f22e2f050d3de2";
static const char *const OWNER = "419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f";
static const char *const SIG =
    "73eb20e70197de42dc5d85bdcd6d3d4b804f60ac4d816939d91e5599266939561c403d4f77e31fc9ed9d254f6683"
    "25a85c6a26a7fa980fb8d39fb0dde7ae9e871C";

static uint8_t *hexdup(const char *s, size_t *n)
{
    *n = strlen(s) / 2;
    uint8_t *p = malloc(*n + 1);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_FATAL(bts_hex_decode_exact(p, *n, s, strlen(s), 0) == BT_OK);
    return p;
}

static void test_tron_create_tronweb_known_answer(void)
{
    size_t n, sn;
    uint8_t *raw = hexdup(RAW, &n), *sig = hexdup(SIG, &sn);
    struct bts_tron_tx tx;
    struct bts_buf data = BTS_BUF_INIT, again = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_tron_tx_decode(&tx, &data, raw, n) == BT_OK);
    CU_ASSERT_EQUAL(tx.type, BTS_TRON_CREATE_SMART_CONTRACT);
    CU_ASSERT_EQUAL(tx.fee_limit, 1000000000);
    CU_ASSERT_EQUAL(tx.consume_user_resource_percent, 100);
    CU_ASSERT_EQUAL(tx.origin_energy_limit, 10000000);
    CU_ASSERT_EQUAL(tx.amount, 0);
    CU_ASSERT_EQUAL(tx.name_len, 4);
    CU_ASSERT(tx.name && memcmp(tx.name, "Demo", 4) == 0);
    CU_ASSERT_EQUAL(tx.data_len, 5 + 32);
    CU_ASSERT(tx.data && tx.data[0] == 0x60 && tx.data[36] == 7);
    CU_ASSERT_EQUAL(tx.abi_len, 68);
    CU_ASSERT(tx.abi && tx.abi[0] == 0x0a);
    char h[BTS_TRON_HEX_CAP];
    bts_tron_address_to_hex(h, tx.owner);
    CU_ASSERT_STRING_EQUAL(h, OWNER);
    bts_tron_address_to_hex(h, tx.origin);
    CU_ASSERT_STRING_EQUAL(h, OWNER);
    CU_ASSERT(bts_tron_tx_encode(&again, &tx) == BT_OK);
    CU_ASSERT(again.len == n && memcmp(again.data, raw, n) == 0);
    uint8_t id[32], want[32], who[BTS_TRON_ADDR_LEN], addr[BTS_TRON_ADDR_LEN];
    CU_ASSERT_FATAL(bts_tron_tx_id(id, raw, n) == BT_OK);
    CU_ASSERT_FATAL(bts_hex_decode_exact(want, 32, TXID, 64, 0) == BT_OK);
    CU_ASSERT(memcmp(id, want, 32) == 0);
    CU_ASSERT(bts_tron_sig_recover(who, id, sig) == BT_OK);
    CU_ASSERT(memcmp(who, tx.owner, BTS_TRON_ADDR_LEN) == 0);
    bts_tron_contract_address(addr, id, tx.owner);
    bts_tron_address_to_hex(h, addr);
    CU_ASSERT_STRING_EQUAL(h, ADDR);
    bts_buf_free(&again);
    bts_buf_free(&data);
    free(raw);
    free(sig);
}

static void test_tron_create_wrap_and_rules(void)
{
    size_t n;
    uint8_t *raw = hexdup(RAW, &n);
    struct bts_tron_tx tx;
    struct bts_buf data = BTS_BUF_INIT, out = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_tron_tx_decode(&tx, &data, raw, n) == BT_OK);
    uint8_t sig[BTS_TRON_SIG_LEN] = {0};
    const uint8_t(*sigs)[BTS_TRON_SIG_LEN] = (const uint8_t(*)[BTS_TRON_SIG_LEN])sig;
    CU_ASSERT(bts_tron_tx_wrap(&out, raw, n, sigs, 1) == BT_OK);
    CU_ASSERT(out.len > n);
    /* a create has no `to`; the create-only fields are refused on other types */
    struct bts_tron_tx bad = tx;
    bad.to[0] = BTS_TRON_PREFIX;
    bts_buf_reset(&out);
    CU_ASSERT(bts_tron_tx_encode(&out, &bad) == BT_EINVAL);
    bad = tx;
    bad.consume_user_resource_percent = 101;
    CU_ASSERT(bts_tron_tx_encode(&out, &bad) == BT_EINVAL);
    bad = tx;
    bad.type = BTS_TRON_TRIGGER_SMART_CONTRACT;
    memcpy(bad.to, tx.owner, BTS_TRON_ADDR_LEN);
    CU_ASSERT(bts_tron_tx_encode(&out, &bad) == BT_EINVAL);
    CU_ASSERT_EQUAL(out.len, 0);
    /* a create without ABI, name or origin round-trips too */
    struct bts_tron_tx plain = tx;
    plain.abi = NULL, plain.abi_len = 0, plain.name = NULL, plain.name_len = 0;
    memset(plain.origin, 0, sizeof(plain.origin));
    CU_ASSERT(bts_tron_tx_encode(&out, &plain) == BT_OK);
    struct bts_tron_tx back;
    struct bts_buf bd = BTS_BUF_INIT;
    CU_ASSERT(bts_tron_tx_decode(&back, &bd, out.data, out.len) == BT_OK);
    CU_ASSERT(back.abi == NULL && back.name == NULL && back.data_len == tx.data_len);
    /* an ABI java-tron cannot parse (a field it does not know) is refused both ways */
    static const uint8_t junk_abi[] = {0x10, 0x01};
    bad = tx;
    bad.abi = junk_abi, bad.abi_len = sizeof(junk_abi);
    bts_buf_reset(&out);
    CU_ASSERT(bts_tron_tx_encode(&out, &bad) == BT_EINVAL);
    /* truncated input */
    CU_ASSERT(bts_tron_tx_decode(&back, &bd, raw, n - 3) == BT_EINVAL);
    bts_buf_free(&bd);
    bts_buf_free(&out);
    bts_buf_free(&data);
    free(raw);
}

BTS_TEST_SUITE("tron_create", NULL, NULL, BTS_TEST(test_tron_create_tronweb_known_answer),
               BTS_TEST(test_tron_create_wrap_and_rules));
