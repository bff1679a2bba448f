/* Transactions (bts/tx.h): the EIP-155 example, typed envelopes signed here and recovered,
 * block-body items, access-list walking, fork and BTTC rules, intrinsic gas and error paths. */
#include <bts/test.h>
#include <bts/tx.h>

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/secp.h>

/* EIP-155's worked example: nonce 9, 20 gwei, 21000 gas, to 0x35..35, 1 ether, chain id 1,
 * private key 0x46..46. */
static const char eip155_tx[] =
    "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0"
    "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb70330"
    "4b3800ccf555c9f3dc64214b297fb1966a3b6d83";

static const struct bts_tx_rules mainnet_london = {BT_EVM_LONDON, 1};
static const struct bts_tx_rules bttc = {BT_EVM_BERLIN, 199};

static void test_tx_eip155_example(void)
{
    size_t n;
    uint8_t *raw = bts_test_unhex(eip155_tx, &n), h[32], key[32];
    struct bts_tx tx;
    struct bt_address from;
    CU_ASSERT_EQUAL_FATAL(bts_tx_decode(&tx, raw, n), BT_OK);
    CU_ASSERT_EQUAL(tx.type, BTS_TX_LEGACY);
    CU_ASSERT_EQUAL(tx.nonce, 9);
    CU_ASSERT_EQUAL(tx.gas, 21000);
    CU_ASSERT(tx.has_chain_id && tx.chain_id.w[0] == 1);
    CU_ASSERT_EQUAL(tx.v.w[0], 37);
    CU_ASSERT_EQUAL(bts_tx_signing_hash(h, &tx), BT_OK);
    BTS_ASSERT_HEX(h, 32, "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
    CU_ASSERT_EQUAL(bts_tx_sender(&from, &tx, &mainnet_london), BT_OK);
    memset(key, 0x46, 32);
    uint8_t want[20];
    CU_ASSERT_EQUAL(bts_secp_seckey_to_address(want, key), BT_OK);
    CU_ASSERT(memcmp(from.bytes, want, 20) == 0);
    /* The same transaction on BTTC: signed for chain 1, so refused for chain 199. */
    CU_ASSERT_EQUAL(bts_tx_sender(&from, &tx, &bttc), BTS_TX_ECHAIN_ID);
    CU_ASSERT(from.bytes[0] == 0 && from.bytes[19] == 0);
    free(raw);
}

/* bts_tx_set_signature: signing EIP-155's example again (RFC 6979 nonces) gives its bytes back;
 * v without a chain id is 27/28; a bad recovery id or a chain id too wide is refused. */
static void test_tx_set_signature(void)
{
    size_t n;
    uint8_t *raw = bts_test_unhex(eip155_tx, &n), key[32], digest[32], sig[65];
    struct bts_tx tx;
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_tx_decode(&tx, raw, n), BT_OK);
    tx.v = tx.r = tx.s = bts_u256_from_u64(0);
    memset(key, 0x46, 32);
    CU_ASSERT_EQUAL_FATAL(bts_tx_signing_hash(digest, &tx), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, key, digest), BT_OK);
    CU_ASSERT_EQUAL(bts_tx_set_signature(&tx, sig), BT_OK);
    CU_ASSERT_EQUAL(tx.v.w[0], 37);
    CU_ASSERT_EQUAL_FATAL(bts_tx_encode(&b, &tx), BT_OK);
    CU_ASSERT(b.len == n && memcmp(b.data, raw, n) == 0);
    struct bts_tx wide = tx;
    wide.chain_id.w[3] = 1ull << 63;
    CU_ASSERT_EQUAL(bts_tx_set_signature(&wide, sig), BT_ERANGE);
    CU_ASSERT(bts_u256_eq(&wide.v, &tx.v));
    tx.has_chain_id = 0;
    CU_ASSERT_EQUAL(bts_tx_set_signature(&tx, sig), BT_OK);
    CU_ASSERT_EQUAL(tx.v.w[0], 27u + sig[64]);
    uint8_t rec = sig[64];
    sig[64] = 2;
    CU_ASSERT_EQUAL(bts_tx_set_signature(&tx, sig), BT_EINVAL);
    CU_ASSERT_EQUAL(tx.v.w[0], 27u + rec);
    bts_buf_free(&b);
    free(raw);
}

/* Sign `tx` in place with key 0x01..01-ish and return the signer's address. */
static void sign(struct bts_tx *tx, struct bt_address *out_addr)
{
    uint8_t key[32], digest[32], sig[65];
    memset(key, 0x11, 32);
    CU_ASSERT_EQUAL_FATAL(bts_tx_signing_hash(digest, tx), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, key, digest), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_tx_set_signature(tx, sig), BT_OK);
    CU_ASSERT_EQUAL(bts_secp_seckey_to_address(out_addr->bytes, key), BT_OK);
}

/* Encode, decode again and compare field by field; return the decoded copy's buffer. */
static void round_trip(const struct bts_tx *tx, struct bts_buf *b, struct bts_tx *out)
{
    CU_ASSERT_EQUAL_FATAL(bts_tx_encode(b, tx), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_tx_decode(out, b->data, b->len), BT_OK);
    CU_ASSERT_EQUAL(out->type, tx->type);
    CU_ASSERT_EQUAL(out->nonce, tx->nonce);
    CU_ASSERT_EQUAL(out->gas, tx->gas);
    CU_ASSERT(bts_u256_eq(&out->gas_price, &tx->gas_price));
    CU_ASSERT(bts_u256_eq(&out->gas_tip_cap, &tx->gas_tip_cap));
    CU_ASSERT(bts_u256_eq(&out->value, &tx->value));
    CU_ASSERT(bts_u256_eq(&out->v, &tx->v));
    CU_ASSERT_EQUAL(out->has_to, tx->has_to);
    CU_ASSERT_EQUAL(out->data_len, tx->data_len);
    uint8_t h[32];
    CU_ASSERT_EQUAL(bts_tx_hash(h, tx), BT_OK);
    CU_ASSERT(memcmp(h, out->hash.bytes, 32) == 0);
}

/* [[0xaa..aa, [0x01.., 0x02..]], [0xbb..bb, []]] */
static size_t access_list(uint8_t *out)
{
    struct bts_buf b = BTS_BUF_INIT;
    uint8_t a[20], k[32];
    size_t outer, t1, keys, t2, empty;
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &outer), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &t1), BT_OK);
    memset(a, 0xaa, 20);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, a, 20), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &keys), BT_OK);
    memset(k, 1, 32);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, k, 32), BT_OK);
    memset(k, 2, 32);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, k, 32), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, keys), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, t1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &t2), BT_OK);
    memset(a, 0xbb, 20);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, a, 20), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &empty), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, empty), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, t2), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, outer), BT_OK);
    memcpy(out, b.data, b.len);
    size_t n = b.len;
    bts_buf_free(&b);
    return n;
}

static void base_tx(struct bts_tx *tx, uint8_t type, uint64_t chain_id)
{
    memset(tx, 0, sizeof(*tx));
    tx->type = type;
    tx->has_chain_id = 1;
    tx->chain_id = bts_u256_from_u64(chain_id);
    tx->nonce = 7;
    tx->gas_price = bts_u256_from_u64(30000000000u);
    tx->gas_tip_cap =
        tx->type >= BTS_TX_DYNAMIC_FEE ? bts_u256_from_u64(2000000000u) : tx->gas_price;
    tx->gas = 100000;
    tx->has_to = 1;
    memset(tx->to.bytes, 0x42, 20);
    tx->value = bts_u256_from_u64(12345);
}

static void test_tx_typed_sign_recover_round_trip(void)
{
    static const uint8_t data[] = {0, 1, 2, 0, 0xff};
    uint8_t al[200];
    size_t al_len = access_list(al);
    for (uint8_t type = 0; type <= BTS_TX_BLOB; type++) {
        struct bts_tx tx, back;
        struct bt_address want, got;
        struct bts_buf b = BTS_BUF_INIT;
        base_tx(&tx, type, 1);
        tx.data = data;
        tx.data_len = sizeof(data);
        if (type != BTS_TX_LEGACY) {
            tx.access_list = al;
            tx.access_list_len = al_len;
            tx.n_access_addresses = 2;
            tx.n_access_keys = 2;
        }
        uint8_t blobs[2 + 2 * 33] = {0xf8, 66}; /* list of two 32-byte hashes */
        if (type == BTS_TX_BLOB) {
            for (int i = 0; i < 2; i++) {
                blobs[2 + 33 * i] = 0xa0;
                memset(blobs + 3 + 33 * i, 0x10 + i, 32);
                blobs[3 + 33 * i] = 0x01;
            }
            tx.blob_hashes = blobs;
            tx.blob_hashes_len = sizeof(blobs);
            tx.n_blob_hashes = 2;
            tx.blob_fee_cap = bts_u256_from_u64(3);
        }
        sign(&tx, &want);
        round_trip(&tx, &b, &back);
        CU_ASSERT_EQUAL(back.n_access_addresses, type ? 2u : 0u);
        CU_ASSERT_EQUAL(back.n_access_keys, type ? 2u : 0u);
        CU_ASSERT_EQUAL(b.data[0], type ? type : b.data[0]);
        uint64_t gas = 0;
        struct bts_tx_rules cancun = {BT_EVM_CANCUN, 1};
        CU_ASSERT_EQUAL(bts_tx_check(&back, &cancun, &gas), BT_OK);
        /* 21000 + 2 zero bytes x 4 + 3 non-zero x 16 (+ 2 x 2400 + 2 x 1900 typed) */
        CU_ASSERT_EQUAL(gas, 21000 + 8 + 48 + (type ? 8600 : 0));
        CU_ASSERT_EQUAL(bts_tx_sender(&got, &back, &cancun), BT_OK);
        CU_ASSERT(memcmp(got.bytes, want.bytes, 20) == 0);
        if (type == BTS_TX_BLOB) {
            uint8_t h[32];
            CU_ASSERT_EQUAL(bts_tx_blob_hash(&back, 1, h), BT_OK);
            CU_ASSERT(h[0] == 1 && h[31] == 0x11);
            CU_ASSERT_EQUAL(bts_tx_blob_hash(&back, 2, h), BT_ERANGE);
        }
        bts_buf_free(&b);
    }
}

static void test_tx_access_list_walk(void)
{
    uint8_t al[200];
    struct bts_tx tx;
    base_tx(&tx, BTS_TX_ACCESS_LIST, 1);
    tx.access_list = al;
    tx.access_list_len = access_list(al);
    size_t pos = 0, n_keys;
    const uint8_t *keys;
    struct bt_address a;
    CU_ASSERT_EQUAL(bts_tx_access_next(&tx, &pos, &a, &keys, &n_keys), BT_OK);
    CU_ASSERT(a.bytes[0] == 0xaa && n_keys == 2 && keys[0] == 0xa0 && keys[1] == 1 &&
              keys[33 + 1] == 2);
    CU_ASSERT_EQUAL(bts_tx_access_next(&tx, &pos, &a, &keys, &n_keys), BT_OK);
    CU_ASSERT(a.bytes[19] == 0xbb && n_keys == 0);
    CU_ASSERT_EQUAL(bts_tx_access_next(&tx, &pos, &a, &keys, &n_keys), BT_ENOTFOUND);
    pos = 0;
    tx.access_list_len = 0;
    CU_ASSERT_EQUAL(bts_tx_access_next(&tx, &pos, &a, &keys, &n_keys), BT_ENOTFOUND);
}

static void test_tx_block_item_forms(void)
{
    struct bts_tx tx, back;
    struct bt_address who;
    struct bts_buf item = BTS_BUF_INIT, plain = BTS_BUF_INIT;
    base_tx(&tx, BTS_TX_ACCESS_LIST, 199);
    sign(&tx, &who);
    CU_ASSERT_EQUAL(bts_tx_encode_block_item(&item, &tx), BT_OK);
    CU_ASSERT_EQUAL(bts_tx_encode(&plain, &tx), BT_OK);
    /* typed: an RLP string wrapping type || rlp */
    CU_ASSERT(item.data[0] == 0xb8 || (item.data[0] >= 0x80 && item.data[0] < 0xb8));
    CU_ASSERT_EQUAL(bts_tx_decode_block_item(&back, item.data, item.len), BT_OK);
    CU_ASSERT(memcmp(back.hash.bytes, (uint8_t[32]){0}, 32) != 0);
    uint8_t h[32];
    bts_keccak256(h, plain.data, plain.len);
    CU_ASSERT(memcmp(back.hash.bytes, h, 32) == 0);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &back, &bttc), BT_OK);
    /* legacy: the list itself */
    bts_buf_reset(&item);
    base_tx(&tx, BTS_TX_LEGACY, 199);
    sign(&tx, &who);
    CU_ASSERT_EQUAL(bts_tx_encode_block_item(&item, &tx), BT_OK);
    CU_ASSERT(item.data[0] >= 0xc0);
    CU_ASSERT_EQUAL(bts_tx_decode_block_item(&back, item.data, item.len), BT_OK);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &back, &bttc), BT_OK);
    /* a legacy list wrapped in a string is refused */
    bts_buf_reset(&plain);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&plain, item.data, item.len), BT_OK);
    CU_ASSERT_EQUAL(bts_tx_decode_block_item(&back, plain.data, plain.len), BTS_TX_ETYPE);
    bts_buf_free(&item);
    bts_buf_free(&plain);
}

static void test_tx_fork_types_and_bttc(void)
{
    CU_ASSERT(bts_tx_type_allowed(BT_EVM_ISTANBUL, 0));
    CU_ASSERT(!bts_tx_type_allowed(BT_EVM_ISTANBUL, 1));
    CU_ASSERT(bts_tx_type_allowed(BT_EVM_BERLIN, 1));
    CU_ASSERT(!bts_tx_type_allowed(BT_EVM_BERLIN, 2));
    CU_ASSERT(bts_tx_type_allowed(BT_EVM_LONDON, 2));
    CU_ASSERT(!bts_tx_type_allowed(BT_EVM_SHANGHAI, 3));
    CU_ASSERT(bts_tx_type_allowed(BT_EVM_CANCUN, 3));
    CU_ASSERT(!bts_tx_type_allowed(BT_EVM_CANCUN, 4));
    /* BTTC (Berlin, chain 199): type 2 refused by both checks; type 1 fine. */
    struct bts_tx tx;
    struct bt_address who;
    uint64_t gas;
    base_tx(&tx, BTS_TX_DYNAMIC_FEE, 199);
    sign(&tx, &who);
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &bttc, &gas), BTS_TX_ETYPE);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &tx, &bttc), BTS_TX_ETYPE);
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BTS_TX_ETYPE), "transaction type not supported");
    base_tx(&tx, BTS_TX_ACCESS_LIST, 199);
    sign(&tx, &who);
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &bttc, &gas), BT_OK);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &tx, &bttc), BT_OK);
}

static void test_tx_check_errors(void)
{
    struct bts_tx tx;
    uint64_t gas;
    struct bts_tx_rules shanghai = {BT_EVM_SHANGHAI, 1};
    base_tx(&tx, BTS_TX_DYNAMIC_FEE, 1);
    tx.gas_tip_cap = bts_u256_from_u64(30000000001u);
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &mainnet_london, &gas), BTS_TX_ETIP_ABOVE_FEE_CAP);
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BTS_TX_ETIP_ABOVE_FEE_CAP),
                           "max priority fee per gas higher than max fee per gas");
    base_tx(&tx, BTS_TX_LEGACY, 1);
    tx.nonce = UINT64_MAX;
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &mainnet_london, &gas), BTS_TX_ENONCE_MAX);
    base_tx(&tx, BTS_TX_LEGACY, 1);
    tx.gas = 20999;
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &mainnet_london, &gas), BTS_TX_EINTRINSIC);
    CU_ASSERT_EQUAL(gas, 21000);
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BTS_TX_EINTRINSIC), "intrinsic gas too low");
    base_tx(&tx, BTS_TX_LEGACY, 1);
    memset(tx.gas_price.w, 0xff, sizeof(tx.gas_price.w));
    tx.gas_tip_cap = tx.gas_price;
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &mainnet_london, &gas), BTS_TX_EFEE_OVERFLOW);
    tx.gas = 1;
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &mainnet_london, &gas), BTS_TX_EINTRINSIC);

    /* Creation: 53000 + initcode words from Shanghai, size limit from Shanghai. */
    static uint8_t code[BTS_TX_MAX_INITCODE_SIZE + 1];
    base_tx(&tx, BTS_TX_LEGACY, 1);
    tx.has_to = 0;
    tx.data = code;
    tx.data_len = 33;
    CU_ASSERT_EQUAL(bts_tx_intrinsic_gas(&tx, BT_EVM_PARIS, &gas), BT_OK);
    CU_ASSERT_EQUAL(gas, 53000 + 33 * 4);
    CU_ASSERT_EQUAL(bts_tx_intrinsic_gas(&tx, BT_EVM_SHANGHAI, &gas), BT_OK);
    CU_ASSERT_EQUAL(gas, 53000 + 33 * 4 + 2 * 2);
    tx.data_len = sizeof(code);
    tx.gas = 10000000;
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &shanghai, &gas), BTS_TX_EINITCODE_SIZE);
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &mainnet_london, &gas), BT_OK);
    /* Intrinsic gas overflow: more keys than 2^64 / 1900. */
    base_tx(&tx, BTS_TX_ACCESS_LIST, 1);
    tx.n_access_keys = SIZE_MAX / 2;
    CU_ASSERT_EQUAL(bts_tx_intrinsic_gas(&tx, BT_EVM_BERLIN, &gas), BTS_TX_EGAS_OVERFLOW);
    CU_ASSERT_EQUAL(gas, 0);
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BTS_TX_EGAS_OVERFLOW), "gas uint64 overflow");
}

static void test_tx_blob_rules(void)
{
    struct bts_tx tx, back;
    struct bt_address who;
    struct bts_buf b = BTS_BUF_INIT;
    struct bts_tx_rules cancun = {BT_EVM_CANCUN, 1};
    uint8_t blobs[34] = {0xe1, 0xa0};
    uint64_t gas;
    base_tx(&tx, BTS_TX_BLOB, 1);
    sign(&tx, &who);
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &cancun, &gas), BTS_TX_EBLOB_MISSING);
    tx.blob_hashes = blobs;
    tx.blob_hashes_len = sizeof(blobs);
    tx.n_blob_hashes = 1;
    CU_ASSERT_EQUAL(bts_tx_check(&tx, &cancun, &gas), BTS_TX_EBLOB_VERSION);
    /* no `to`: refused by decoding */
    tx.has_to = 0;
    CU_ASSERT_EQUAL(bts_tx_encode(&b, &tx), BT_OK);
    CU_ASSERT_EQUAL(bts_tx_decode(&back, b.data, b.len), BTS_TX_EBLOB_CREATE);
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BTS_TX_EBLOB_CREATE), "blob transaction of type create");
    bts_buf_free(&b);
}

static void test_tx_signature_errors(void)
{
    struct bts_tx tx;
    struct bt_address who;
    base_tx(&tx, BTS_TX_LEGACY, 1);
    sign(&tx, &who);
    struct bts_tx bad = tx;
    bad.v = bts_u256_from_u64(1);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &bad, &mainnet_london), BTS_TX_ESIG);
    bad.v = bts_u256_from_u64(29);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &bad, &mainnet_london), BTS_TX_ECHAIN_ID);
    bad = tx;
    bad.r = bts_u256_from_u64(0);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &bad, &mainnet_london), BTS_TX_ESIG);
    /* high s (n - s): EIP-2 */
    static const uint8_t n_be[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                     0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
                                     0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    struct bts_u256 n;
    bts_u256_load_be(&n, n_be);
    bad = tx;
    bts_u256_sub(&bad.s, &n, &tx.s);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &bad, &mainnet_london), BTS_TX_ESIG);
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BTS_TX_ESIG), "invalid transaction v, r, s values");
    /* typed: yParity 2 */
    base_tx(&tx, BTS_TX_ACCESS_LIST, 1);
    sign(&tx, &who);
    tx.v = bts_u256_from_u64(2);
    CU_ASSERT_EQUAL(bts_tx_sender(&who, &tx, &mainnet_london), BTS_TX_ESIG);
    /* another r: either no point recovers, or it recovers some other key, never the signer */
    struct bt_address real, got;
    base_tx(&tx, BTS_TX_ACCESS_LIST, 1);
    sign(&tx, &real);
    tx.r = bts_u256_from_u64(5);
    bt_status st = bts_tx_sender(&got, &tx, &mainnet_london);
    CU_ASSERT(st == BTS_TX_ESENDER || st == BT_OK);
    CU_ASSERT(memcmp(got.bytes, real.bytes, 20) != 0);
}

static void test_tx_decode_errors(void)
{
    struct bts_tx tx;
    static const uint8_t typed_short[] = {0x02};
    static const uint8_t bad_type[] = {0x05, 0xc0};
    static const uint8_t zero_type[] = {0x00, 0xc0};
    static const uint8_t empty_list[] = {0xc0};
    static const uint8_t typed_empty[] = {0x01, 0xc0};
    static const uint8_t trailing[] = {0x01, 0xc0, 0x00};
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, NULL, 0), BTS_TX_ESHORT);
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, typed_short, 1), BTS_TX_ESHORT);
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, bad_type, 2), BTS_TX_ETYPE);
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, zero_type, 2), BTS_TX_ETYPE);
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, empty_list, 1), BTS_TX_EFIELDS);
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, typed_empty, 2), BTS_TX_EFIELDS);
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, trailing, 3), BTS_RLP_ETRAILING);
    CU_ASSERT_EQUAL(tx.nonce, 0);
    /* `to` of 19 bytes, and a leading zero in the nonce, in the EIP-155 example */
    size_t n;
    uint8_t *raw = bts_test_unhex(eip155_tx, &n);
    raw[1] = 0x6b;  /* list length - 1 */
    raw[15] = 0x93; /* 19-byte to: the last byte joins value's header */
    CU_ASSERT_NOT_EQUAL(bts_tx_decode(&tx, raw, n - 1), BT_OK);
    free(raw);
    raw = bts_test_unhex(eip155_tx, &n);
    raw[2] = 0x00; /* nonce 9 written as 0x00: not canonical */
    CU_ASSERT_EQUAL(bts_tx_decode(&tx, raw, n), BTS_RLP_EINT_LEADING_ZERO);
    free(raw);
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BTS_RLP_EINT_LEADING_ZERO),
                           "rlp: leading zero in integer");
    CU_ASSERT_STRING_EQUAL(bts_tx_strerror(BT_ENOMEM), bts_status_str(BT_ENOMEM));
    struct bts_buf b = BTS_BUF_INIT;
    memset(&tx, 0, sizeof(tx));
    tx.type = 4;
    CU_ASSERT_EQUAL(bts_tx_encode(&b, &tx), BTS_TX_ETYPE);
    bts_buf_free(&b);
}

BTS_TEST_SUITE("tx", NULL, NULL, BTS_TEST(test_tx_eip155_example), BTS_TEST(test_tx_set_signature),
               BTS_TEST(test_tx_typed_sign_recover_round_trip), BTS_TEST(test_tx_access_list_walk),
               BTS_TEST(test_tx_block_item_forms), BTS_TEST(test_tx_fork_types_and_bttc),
               BTS_TEST(test_tx_check_errors), BTS_TEST(test_tx_blob_rules),
               BTS_TEST(test_tx_signature_errors), BTS_TEST(test_tx_decode_errors));
