/* Headers (bts/header.h): the PROTOCOL.md §7.6 Bor seal vector, the Ethereum mainnet genesis
 * header of BasicTests/genesishashestest.json, optional trailing fields, extraData layout
 * checks with their exact texts, and decoding errors. */
#include <bts/header.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/rlp.h>
#include <bts/secp.h>

static const char empty_uncles[] =
    "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";
static const char empty_root[] = "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";

static void unhex_to(uint8_t *out, const char *hex, size_t n)
{
    size_t len;
    uint8_t *p = bts_test_unhex(hex, &len);
    CU_ASSERT_FATAL(p != NULL && len == n);
    memcpy(out, p, n);
    free(p);
}

/* The §7.6 header: sprint-end block 63 with two validators; extra gets the seal of `extra`. */
static void vector_header(struct bts_header *h, uint8_t extra[32 + 80 + 65])
{
    memset(h, 0, sizeof(*h));
    memset(h->parent_hash.bytes, 0x11, 32);
    unhex_to(h->uncle_hash.bytes, empty_uncles, 32);
    memset(h->state_root.bytes, 0x22, 32);
    unhex_to(h->tx_root.bytes, empty_root, 32);
    unhex_to(h->receipt_root.bytes, empty_root, 32);
    h->difficulty = bts_u256_from_u64(2);
    h->number = 63;
    h->gas_limit = 20000000;
    h->time = 1638950126;
    memset(extra, 0, 32 + 80 + 65);
    memset(extra + 32, 0xaa, 20);
    extra[32 + 39] = 1;
    memset(extra + 72, 0xbb, 20);
    extra[72 + 39] = 1;
    h->extra = extra;
    h->extra_len = 32 + 80 + 65;
}

static void test_header_bor_seal_vector(void)
{
    struct bts_header h, back;
    uint8_t extra[32 + 80 + 65], digest[32], key[32], sig[65];
    vector_header(&h, extra);
    CU_ASSERT_EQUAL(bts_header_bor_seal_hash(digest, &h, 0), BT_OK);
    BTS_ASSERT_HEX(digest, 32, "16a36793a946f62f6260127043bb1a8635ad610292171631e3481eb83ec19e27");
    /* Without a baseFee the Jaipur flag changes nothing. */
    CU_ASSERT_EQUAL(bts_header_bor_seal_hash(sig, &h, BTS_HEADER_BOR_SEAL_F_BASE_FEE), BT_OK);
    CU_ASSERT(memcmp(sig, digest, 32) == 0);

    unhex_to(key, "8feff7dc90be293fd74c168f00f0029e8b82a9f926fee687d0df240b66b0b238", 32);
    CU_ASSERT_EQUAL(bts_secp_sign(sig, key, digest), BT_OK);
    BTS_ASSERT_HEX(sig, 65,
                   "89a7abfc466d4aeb8c171e20f26a1f614102486b73c999988a0fde0245e7892d6b2cdff5ffb05d2"
                   "33db738e04f36acec8c799da0c2f38f9baaa0e9446e309ce301");
    memcpy(extra + 32 + 80, sig, 65);

    struct bt_address signer;
    CU_ASSERT_EQUAL(bts_header_bor_signer(&signer, &h, 0), BT_OK);
    BTS_ASSERT_HEX(signer.bytes, 20, "0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d");

    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_header_encode(&b, &h), BT_OK);
    CU_ASSERT_EQUAL(b.len, 682);
    CU_ASSERT_EQUAL(bts_header_hash(digest, &h), BT_OK);
    BTS_ASSERT_HEX(digest, 32, "ac9289998b2eae20bd1271de90f8f10ea50ab7cde0b12deef0c77c598638c6dc");

    /* Decode the encoding back: same fields, same hash, same signer. */
    CU_ASSERT_EQUAL_FATAL(bts_header_decode(&back, b.data, b.len), BT_OK);
    CU_ASSERT_EQUAL(back.number, 63);
    CU_ASSERT_EQUAL(back.n_optional, 0);
    CU_ASSERT_EQUAL(back.extra_len, h.extra_len);
    CU_ASSERT_EQUAL(bts_header_hash(sig, &back), BT_OK);
    CU_ASSERT(memcmp(sig, digest, 32) == 0);
    CU_ASSERT_EQUAL(bts_header_bor_signer(&signer, &back, 0), BT_OK);
    BTS_ASSERT_HEX(signer.bytes, 20, "0fb0148652af2d7aa395ef7c6f2c1c91ffe09e0d");

    /* The validator bytes. */
    size_t k;
    struct bt_address a;
    struct bts_u256 power;
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(back.extra, back.extra_len, 63, 64, &k), BT_OK);
    CU_ASSERT_EQUAL(k, 2);
    CU_ASSERT_EQUAL(bts_header_bor_validator(back.extra, back.extra_len, 1, &a, &power), BT_OK);
    CU_ASSERT(a.bytes[0] == 0xbb && a.bytes[19] == 0xbb && power.w[0] == 1);
    CU_ASSERT_EQUAL(bts_header_bor_validator(back.extra, back.extra_len, 2, &a, &power), BT_ERANGE);
    bts_buf_free(&b);
}

static void test_header_mainnet_genesis(void)
{
    json_error_t err;
    json_t *j = json_load_file(bts_test_fixture("ethereum-tests/BasicTests/genesishashestest.json"),
                               0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    size_t n;
    uint8_t *block = bts_test_unhex(json_string_value(json_object_get(j, "genesis_rlp_hex")), &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(block);
    /* The block is [header, transactions, uncles]: take the header item. */
    struct bts_rlp_item top, hdr;
    struct bts_rlp_iter it;
    CU_ASSERT_EQUAL_FATAL(bts_rlp_decode(&top, block, n), BT_OK);
    bts_rlp_iter_init(&it, &top);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_iter_next(&it, &hdr), BT_OK);
    struct bts_header h;
    uint8_t hash[32];
    CU_ASSERT_EQUAL_FATAL(bts_header_decode(&h, hdr.raw, hdr.raw_len), BT_OK);
    CU_ASSERT_EQUAL(h.number, 0);
    CU_ASSERT_EQUAL(h.gas_limit, 5000);
    CU_ASSERT_EQUAL(h.difficulty.w[0], 0x400000000ull);
    BTS_ASSERT_HEX(h.state_root.bytes, 32,
                   json_string_value(json_object_get(j, "genesis_state_root")));
    BTS_ASSERT_HEX(h.nonce, 8, "0000000000000042");
    CU_ASSERT_EQUAL(bts_header_hash(hash, &h), BT_OK);
    BTS_ASSERT_HEX(hash, 32, json_string_value(json_object_get(j, "genesis_hash")));
    /* Not a Bor header: 32 bytes of extra carry no seal. */
    struct bt_address signer;
    CU_ASSERT_EQUAL(bts_header_bor_signer(&signer, &h, 0), BTS_HEADER_ESIGNATURE);
    free(block);
    json_decref(j);
}

static void test_header_optional_fields(void)
{
    struct bts_header h, back;
    uint8_t extra[32 + 80 + 65], d1[32], d2[32];
    vector_header(&h, extra);
    for (uint32_t n = 0; n <= BTS_HEADER_OPT_PARENT_BEACON_ROOT; n++) {
        struct bts_buf b = BTS_BUF_INIT;
        h.n_optional = n;
        h.base_fee = bts_u256_from_u64(n >= 1 ? 7 : 0);
        memset(h.withdrawals_root.bytes, n >= 2 ? 0x33 : 0, 32);
        h.blob_gas_used = n >= 3 ? 131072 : 0;
        h.excess_blob_gas = n >= 4 ? 5 : 0;
        memset(h.parent_beacon_root.bytes, n >= 5 ? 0x44 : 0, 32);
        CU_ASSERT_EQUAL(bts_header_encode(&b, &h), BT_OK);
        CU_ASSERT_EQUAL_FATAL(bts_header_decode(&back, b.data, b.len), BT_OK);
        CU_ASSERT_EQUAL(back.n_optional, n);
        CU_ASSERT(bts_u256_eq(&back.base_fee, &h.base_fee));
        CU_ASSERT_EQUAL(back.blob_gas_used, h.blob_gas_used);
        CU_ASSERT_EQUAL(back.excess_blob_gas, h.excess_blob_gas);
        CU_ASSERT(memcmp(back.parent_beacon_root.bytes, h.parent_beacon_root.bytes, 32) == 0);
        CU_ASSERT(memcmp(back.withdrawals_root.bytes, h.withdrawals_root.bytes, 32) == 0);
        /* Seal hash: later fields never enter; baseFee only with the Jaipur flag. */
        CU_ASSERT_EQUAL(bts_header_bor_seal_hash(d1, &h, 0), BT_OK);
        BTS_ASSERT_HEX(d1, 32, "16a36793a946f62f6260127043bb1a8635ad610292171631e3481eb83ec19e27");
        CU_ASSERT_EQUAL(bts_header_bor_seal_hash(d2, &h, BTS_HEADER_BOR_SEAL_F_BASE_FEE), BT_OK);
        CU_ASSERT_EQUAL(memcmp(d1, d2, 32) == 0, n == 0);
        bts_buf_free(&b);
    }
    struct bts_buf b = BTS_BUF_INIT;
    h.n_optional = 6;
    CU_ASSERT_EQUAL(bts_header_encode(&b, &h), BT_EINVAL);
    bts_buf_free(&b);
}

static void test_header_bor_extra_checks(void)
{
    static uint8_t extra[32 + 40 * 3 + 65];
    size_t k = 99;
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 31, 5, 64, &k), BTS_HEADER_EVANITY);
    CU_ASSERT_EQUAL(k, 0);
    CU_ASSERT_STRING_EQUAL(bts_header_strerror(BTS_HEADER_EVANITY),
                           "extra-data 32 byte vanity prefix missing");
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(NULL, 0, 5, 64, &k), BTS_HEADER_EVANITY);
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 96, 5, 64, &k), BTS_HEADER_ESIGNATURE);
    CU_ASSERT_STRING_EQUAL(bts_header_strerror(BTS_HEADER_ESIGNATURE),
                           "extra-data 65 byte signature suffix missing");
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 97, 5, 64, &k), BT_OK);
    CU_ASSERT_EQUAL(k, 0);
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 97 + 40, 5, 64, &k),
                    BTS_HEADER_EEXTRA_VALIDATORS);
    CU_ASSERT_STRING_EQUAL(bts_header_strerror(BTS_HEADER_EEXTRA_VALIDATORS),
                           "non-sprint-end block contains extra validator list");
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 97 + 40 * 3, 127, 64, &k), BT_OK);
    CU_ASSERT_EQUAL(k, 3);
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 97 + 41, 127, 64, &k),
                    BTS_HEADER_EVALIDATORS);
    CU_ASSERT_STRING_EQUAL(bts_header_strerror(BTS_HEADER_EVALIDATORS),
                           "invalid validator list on sprint end block");
    /* A sprint end with no validators is allowed by the layout (k = 0). */
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 97, 63, 64, &k), BT_OK);
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 97, UINT64_MAX, 64, &k), BT_OK);
    CU_ASSERT_EQUAL(bts_header_bor_extra_check(extra, 97, 5, 0, &k), BT_EINVAL);
}

static void test_header_decode_errors(void)
{
    struct bts_header h, back;
    uint8_t extra[32 + 80 + 65];
    struct bts_buf b = BTS_BUF_INIT;
    vector_header(&h, extra);
    CU_ASSERT_EQUAL(bts_header_encode(&b, &h), BT_OK);
    /* Too few fields: a list of 14 strings. */
    static const uint8_t short_list[15] = {0xce, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                           0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
    CU_ASSERT_EQUAL(bts_header_decode(&back, short_list, sizeof(short_list)), BTS_HEADER_EFIELDS);
    CU_ASSERT_EQUAL(bts_header_decode(&back, b.data, b.len - 1), BTS_RLP_ELEN_OVERFLOW);
    CU_ASSERT_EQUAL(bts_header_decode(&back, NULL, 0), BTS_RLP_ETRUNCATED);
    static const uint8_t str[] = {0x80};
    CU_ASSERT_EQUAL(bts_header_decode(&back, str, 1), BTS_RLP_EWRONG_TYPE);
    /* A 31-byte parent hash: shrink the first field and the list length. */
    uint8_t *p = b.data;
    CU_ASSERT_EQUAL(p[0], 0xf9);
    size_t len = ((size_t)p[1] << 8 | p[2]) - 1;
    p[1] = (uint8_t)(len >> 8);
    p[2] = (uint8_t)len;
    p[3] = 0x9f;
    memmove(p + 4, p + 5, b.len - 5);
    CU_ASSERT_EQUAL(bts_header_decode(&back, p, b.len - 1), BTS_RLP_EWRONG_SIZE);
    CU_ASSERT_EQUAL(back.number, 0);
    CU_ASSERT_STRING_EQUAL(bts_header_strerror(BTS_RLP_EWRONG_SIZE),
                           "rlp: fixed-size string has the wrong length");
    /* A seal that recovers no key: r = 0. */
    memset(extra + 32 + 80, 0, 65);
    struct bt_address a;
    CU_ASSERT_EQUAL(bts_header_bor_signer(&a, &h, 0), BTS_HEADER_ESEAL);
    bts_buf_free(&b);
}

BTS_TEST_SUITE("header", NULL, NULL, BTS_TEST(test_header_bor_seal_vector),
               BTS_TEST(test_header_mainnet_genesis), BTS_TEST(test_header_optional_fields),
               BTS_TEST(test_header_bor_extra_checks), BTS_TEST(test_header_decode_errors));
