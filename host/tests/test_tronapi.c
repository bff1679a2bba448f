/* The dev TRON API (host/tronapi) over a chain with the real EVM: request parsing (query strings,
 * bodies, transaction JSON and protobuf, the ROOTCHAINS.md §4.2 worked example), block and
 * account mapping, trigger answers, broadcast with every java-tron refusal (wrong key, stale
 * TaPoS, expired, replay, non-dev owner, malformed), execution as an EVM transaction and the
 * transaction info, and the /jsonrpc subset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/test.h>

#include "chain_testlib.h"
#include "genesis_int.h"
#include "stor_testlib.h"
#include "tronapi_priv.h"

/* --- parsing without a chain ------------------------------------------------------------------ */

/* ROOTCHAINS.md §4.2: the worked TriggerSmartContract (owner key 0x46..46). */
static const char ex_raw_hex[] =
    "0a0203e82208c0dfc0a0c8d75a7e40e0a499ffbc315a6d081f12690a31747970652e676f6f676c65617069732e63"
    "6f6d2f70726f746f636f6c2e54726967676572536d617274436f6e747261637412340a15419d8a62f656a8d1615c"
    "1294fd71e9cfb3e4855a4f1215418330108cfdd47544b398c15a3c252ad1d5a5566c2204ec7e48557080d095ffbc"
    "3190018084af5f";
static const char ex_txid[] = "ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1";
static const char ex_sig[] =
    "4025573db671eb95c00403d7ccc8d995851263db584197aef483860981050b03273fa977d5539c1c78191cf917e3"
    "9aa4132e33cc144fb3b6c0e4e9492c75fe7f1B";
static const char ex_json[] =
    "{\"visible\":false,\"txID\":\"ebdbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1"
    "\",\"raw_data\":{\"contract\":[{\"parameter\":{\"value\":{\"data\":\"ec7e4855\",\"owner_"
    "address\":\"419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f\",\"contract_address\":"
    "\"418330108cfdd47544b398c15a3c252ad1d5a5566c\"},\"type_url\":\"type.googleapis.com/"
    "protocol.TriggerSmartContract\"},\"type\":\"TriggerSmartContract\"}],\"ref_block_bytes\":"
    "\"03e8\",\"ref_block_hash\":\"c0dfc0a0c8d75a7e\",\"expiration\":1700000060000,\"fee_limit\":"
    "200000000,\"timestamp\":1700000000000}}";

static void hex_of(char *out, size_t cap, const uint8_t *p, size_t n)
{
    size_t len;
    CU_ASSERT_EQUAL_FATAL(bts_hex_encode(out, cap, &len, p, n, 0), BT_OK);
}

static void test_tronapi_params(void)
{
    char err[256];
    json_t *p =
        tronapi_params("value=41ab&visible=false&x=a%20b+c&flag", NULL, 0, err, sizeof(err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "value")), "41ab");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "x")), "a b c");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "flag")), "");
    json_decref(p);
    /* a body wins over the query; whitespace-only body is no body */
    p = tronapi_params("num=1", "{\"num\":5}", 9, err, sizeof(err));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(p, "num")), 5);
    json_decref(p);
    p = tronapi_params(NULL, " \n", 2, err, sizeof(err));
    CU_ASSERT(json_is_object(p) && json_object_size(p) == 0);
    json_decref(p);
    CU_ASSERT_PTR_NULL(tronapi_params(NULL, "[1]", 3, err, sizeof(err)));
    CU_ASSERT_PTR_NULL(tronapi_params(NULL, "{\"a\":", 5, err, sizeof(err)));
    CU_ASSERT_PTR_NULL(tronapi_params(NULL, "{\"a\":1,\"a\":2}", 13, err, sizeof(err)));
    int64_t v;
    p = json_pack("{s:s,s:i,s:s,s:i}", "a", "12", "b", 7, "c", "x1", "d", -1);
    CU_ASSERT(tronapi_get_i64(&v, p, "a", 0) == BT_OK && v == 12);
    CU_ASSERT(tronapi_get_i64(&v, p, "b", 0) == BT_OK && v == 7);
    CU_ASSERT(tronapi_get_i64(&v, p, "zz", 3) == BT_OK && v == 3);
    CU_ASSERT_EQUAL(tronapi_get_i64(&v, p, "c", 0), BT_EINVAL);
    CU_ASSERT_EQUAL(tronapi_get_i64(&v, p, "d", 0), BT_EINVAL);
    json_decref(p);
}

/* The worked example: JSON → canonical raw and txID; the protobuf form gives the same; the JSON
 * printed back has the same raw_data_hex. */
static void test_tronapi_tx_worked_example(void)
{
    char err[256], hex[600];
    json_error_t je;
    json_t *j = json_loads(ex_json, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    json_object_set_new(j, "signature", json_pack("[s]", ex_sig));
    struct tronapi_txin in;
    tronapi_txin_init(&in);
    bt_status st = tronapi_tx_from_json(&in, j, err, sizeof(err));
    if (st != BT_OK)
        fprintf(stderr, "tx_from_json: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(st, BT_OK);
    hex_of(hex, sizeof(hex), in.raw.data, in.raw.len);
    CU_ASSERT_STRING_EQUAL(hex, ex_raw_hex);
    hex_of(hex, sizeof(hex), in.txid, 32);
    CU_ASSERT_STRING_EQUAL(hex, ex_txid);
    CU_ASSERT_EQUAL(in.n_sigs, 1);
    uint8_t who[21], want[21];
    CU_ASSERT_EQUAL(bts_tron_sig_recover(who, in.txid, in.sigs[0]), BT_OK);
    CU_ASSERT_EQUAL(
        bts_tron_address_from_hex(want, "419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f", 42), BT_OK);
    CU_ASSERT_EQUAL(memcmp(who, want, 21), 0);
    /* protobuf: Transaction{raw_data, signature} */
    struct bts_buf wire;
    bts_buf_init(&wire);
    CU_ASSERT_EQUAL(bts_tron_tx_wrap(&wire, in.raw.data, in.raw.len,
                                     (const uint8_t(*)[BTS_TRON_SIG_LEN])in.sigs, 1),
                    BT_OK);
    struct tronapi_txin in2;
    tronapi_txin_init(&in2);
    CU_ASSERT_EQUAL(tronapi_tx_from_proto(&in2, wire.data, wire.len, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(in2.txid, in.txid, 32), 0);
    CU_ASSERT_EQUAL(in2.n_sigs, 1);
    /* printed back */
    json_t *out =
        tronapi_tx_json(in.raw.data, in.raw.len, (const uint8_t(*)[BTS_TRON_SIG_LEN])in.sigs, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(out, "raw_data_hex")), ex_raw_hex);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(out, "txID")), ex_txid);
    CU_ASSERT(json_is_false(json_object_get(out, "visible")));
    json_t *rd = json_object_get(out, "raw_data");
    CU_ASSERT_PTR_NULL(json_object_get(rd, "ref_block_num"));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(rd, "fee_limit")), 200000000);
    /* and it parses again to the same bytes */
    struct tronapi_txin in3;
    tronapi_txin_init(&in3);
    CU_ASSERT_EQUAL(tronapi_tx_from_json(&in3, out, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(in3.txid, in.txid, 32), 0);
    tronapi_txin_free(&in3);
    json_decref(out);
    tronapi_txin_free(&in2);
    bts_buf_free(&wire);
    tronapi_txin_free(&in);
    json_decref(j);
}

/* Edit the worked example with `edit` and expect a refusal. */
static void refused(void (*edit)(json_t *j), const char *want_msg)
{
    char err[256] = "";
    json_error_t je;
    json_t *j = json_loads(ex_json, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    edit(j);
    struct tronapi_txin in;
    tronapi_txin_init(&in);
    CU_ASSERT_EQUAL(tronapi_tx_from_json(&in, j, err, sizeof(err)), BT_EINVAL);
    if (!strstr(err, want_msg))
        fprintf(stderr, "message '%s' lacks '%s'\n", err, want_msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want_msg));
    tronapi_txin_free(&in);
    json_decref(j);
}

static json_t *raw_of(json_t *j)
{
    return json_object_get(j, "raw_data");
}
static json_t *value_of(json_t *j)
{
    return json_object_get(
        json_object_get(json_array_get(json_object_get(raw_of(j), "contract"), 0), "parameter"),
        "value");
}
static void e_txid(json_t *j)
{
    json_object_set_new(
        j, "txID", json_string("00dbf41afe9f6a0007c1c9f37fc6441768531e2aa21a30f6d064186b801ce9f1"));
}
static void e_two(json_t *j)
{
    json_t *cs = json_object_get(raw_of(j), "contract");
    json_array_append(cs, json_array_get(cs, 0));
}
static void e_type(json_t *j)
{
    json_object_set_new(json_array_get(json_object_get(raw_of(j), "contract"), 0), "type",
                        json_string("AccountCreateContract"));
}
/* a CreateSmartContract is taken from raw_data_hex, which must then decode as one */
static void e_create_nohex(json_t *j)
{
    json_object_set_new(json_array_get(json_object_get(raw_of(j), "contract"), 0), "type",
                        json_string("CreateSmartContract"));
    json_object_del(j, "raw_data_hex");
}
static void e_create(json_t *j)
{
    e_create_nohex(j);
    json_object_set_new(j, "raw_data_hex", json_string("0a0203e8"));
}
static void e_visible(json_t *j)
{
    json_object_set_new(j, "visible", json_true());
}
static void e_sig(json_t *j)
{
    json_object_set_new(j, "signature", json_pack("[s]", "abcd"));
}
static void e_refnum(json_t *j)
{
    json_object_set_new(raw_of(j), "ref_block_num", json_integer(1000));
}
static void e_owner(json_t *j)
{
    json_object_set_new(value_of(j), "owner_address",
                        json_string("a09d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"));
}
static void e_ref(json_t *j)
{
    json_object_set_new(raw_of(j), "ref_block_hash", json_string("c0dfc0a0"));
}
static void e_noraw(json_t *j)
{
    json_object_del(j, "raw_data");
}
static void e_neg(json_t *j)
{
    json_object_set_new(raw_of(j), "fee_limit", json_integer(-5));
}

static void test_tronapi_tx_json_refusals(void)
{
    refused(e_txid, "txID does not match");
    refused(e_two, "exactly one contract");
    refused(e_type, "not supported");
    refused(e_create, "not a canonical CreateSmartContract");
    refused(e_create_nohex, "needs raw_data_hex");
    refused(e_visible, "visible=true");
    refused(e_sig, "65 bytes");
    refused(e_refnum, "not supported");
    refused(e_owner, "owner_address");
    refused(e_ref, "ref_block");
    refused(e_noraw, "no raw_data");
    refused(e_neg, "fee_limit");
    /* protobuf: truncated, unknown field, raw twice, short signature */
    char err[256];
    struct tronapi_txin in;
    static const uint8_t trunc[] = {0x0a, 0x05, 0x01};
    static const uint8_t unknown[] = {0x1a, 0x00};
    static const uint8_t twice[] = {0x0a, 0x00, 0x0a, 0x00};
    static const uint8_t shortsig[] = {0x12, 0x01, 0x00};
    static const uint8_t varint_field[] = {0x08, 0x01};
    const uint8_t *cases[] = {trunc, unknown, twice, shortsig, varint_field};
    size_t lens[] = {sizeof(trunc), sizeof(unknown), sizeof(twice), sizeof(shortsig),
                     sizeof(varint_field)};
    for (size_t i = 0; i < 5; i++) {
        tronapi_txin_init(&in);
        CU_ASSERT_EQUAL(tronapi_tx_from_proto(&in, cases[i], lens[i], err, sizeof(err)), BT_EINVAL);
        tronapi_txin_free(&in);
    }
}

/* --- over a chain ------------------------------------------------------------------------------
 */

struct node {
    struct stl t;
    struct genesis g;
    struct ctl_engine e;
    struct chain *c;
    struct tronapi *api;
    uint8_t contract[20];
};

/* get() returns slot 0; set(uint256) stores and emits Set(uint256); anything else reverts. */
static void contract_initcode(struct bts_buf *b)
{
    uint8_t topic[32];
    char th[65];
    bts_keccak256(topic, "Set(uint256)", 12);
    hex_of(th, sizeof(th), topic, 32);
    char code[400];
    snprintf(code, sizeof(code),
             "605c80600b6000396000f3"
             "60003560e01c80636d4ce63c14601e57806360fe47b114602a5760008"
             "0fd5b60005460005260206000f35b600435806000556000527f%s60206000a100",
             th);
    CU_ASSERT_EQUAL_FATAL(bts_hex_decode_buf(b, code, strlen(code), 0), BT_OK);
}

static void produce(struct node *n)
{
    char err[512] = "";
    bt_status rc = chain_produce(n->c, 0, NULL, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "produce: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
}

static void node_open(struct node *n)
{
    memset(n, 0, sizeof(*n));
    stl_open(&n->t, "storage-memory");
    char err[512];
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&n->g, "dev", 4, err, sizeof(err)), BT_OK);
    ctl_engine_init(&n->e);
    struct chain_opts o;
    ctl_opts(&o, n->t.sn.s, &n->g, &n->e, &n->t.rt.workers);
    CU_ASSERT_EQUAL_FATAL(chain_open(&n->c, &o, err, sizeof(err)), BT_OK);
    /* deploy the contract from dev account 0 (nonce 0) in block 1 */
    uint8_t key[32];
    struct bts_buf init = BTS_BUF_INIT, tx = BTS_BUF_INIT;
    contract_initcode(&init);
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, 0), BT_OK);
    CU_ASSERT_EQUAL_FATAL(
        ctl_sign_tx(&tx, key, 0, 3000000000ULL, 200000, NULL, 0, init.data, init.len), BT_OK);
    struct txpool_added a;
    CU_ASSERT_EQUAL_FATAL(chain_submit_tx(n->c, tx.data, tx.len, &a), BT_OK);
    produce(n);
    struct chain_receipts rs;
    memset(&rs, 0, sizeof(rs));
    CU_ASSERT_EQUAL_FATAL(chain_receipt_by_tx(n->c, a.hash.bytes, &rs), BT_OK);
    CU_ASSERT_FATAL(rs.r[0].status == 1 && rs.r[0].has_contract);
    memcpy(n->contract, rs.r[0].contract.bytes, 20);
    chain_receipts_free(&rs);
    bts_buf_free(&init);
    bts_buf_free(&tx);
    struct tronapi_opts to = {n->c, 0, 4, n->t.sn.s};
    CU_ASSERT_EQUAL_FATAL(tronapi_new(&n->api, &to), BT_OK);
}

static void node_close(struct node *n)
{
    tronapi_free(n->api);
    chain_close(n->c);
    stl_close(&n->t);
    genesis_free(&n->g);
}

/* POST body to path; the answer parsed. */
static json_t *call(struct node *n, const char *path, const char *body)
{
    char *out = NULL;
    size_t len = 0;
    bt_status st = tronapi_handle(n->api, path, NULL, body, body ? strlen(body) : 0, &out, &len);
    CU_ASSERT_EQUAL_FATAL(st, BT_OK);
    json_error_t je;
    json_t *j = json_loadb(out, len, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    free(out);
    return j;
}

static void tron_hex(char out[BTS_TRON_HEX_CAP], const uint8_t evm[20])
{
    uint8_t a[21];
    bts_tron_address_from_evm(a, evm);
    bts_tron_address_to_hex(out, a);
}

static void test_tronapi_blocks_and_accounts(void)
{
    struct node n;
    node_open(&n);
    json_t *b = call(&n, "/wallet/getnowblock", NULL);
    const char *id = json_string_value(json_object_get(b, "blockID"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL(strncmp(id, "0000000000000001", 16), 0);
    uint8_t hash[32];
    uint64_t num;
    chain_head(n.c, &num, hash);
    char hh[65];
    hex_of(hh, sizeof(hh), hash, 32);
    CU_ASSERT_STRING_EQUAL(id + 16, hh + 16); /* bytes 8..31 of the EVM hash */
    json_t *raw = json_object_get(json_object_get(b, "block_header"), "raw_data");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(raw, "number")), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(raw, "timestamp")),
                    (json_int_t)chain_head_header(n.c)->h.time * 1000);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(raw, "version")), 30);
    /* the witness is the sealing key's address (the coinbase is zero), not 41 and zeros */
    char wh[BTS_TRON_HEX_CAP];
    tron_hex(wh, n.e.addr);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(raw, "witness_address")), wh);
    CU_ASSERT_PTR_NULL(json_object_get(b, "transactions")); /* none broadcast here */
    json_t *b0 = call(&n, "/walletsolidity/getblockbynum", "{\"num\":0}");
    CU_ASSERT_PTR_NULL(
        json_object_get(json_object_get(json_object_get(b0, "block_header"), "raw_data"),
                        "number")); /* zero omitted */
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(raw, "parentHash")),
                           json_string_value(json_object_get(b0, "blockID")));
    json_t *none = call(&n, "/wallet/getblockbynum", "{\"num\":99}");
    CU_ASSERT_EQUAL(json_object_size(none), 0);
    char body[200];
    snprintf(body, sizeof(body), "{\"value\":\"%s\"}", id);
    json_t *byid = call(&n, "/wallet/getblockbyid", body);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(byid, "blockID")), id);
    json_t *gb = call(&n, "/wallet/getblock", "{\"id_or_num\":\"0\",\"detail\":true}");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(gb, "blockID")),
                           json_string_value(json_object_get(b0, "blockID")));
    json_t *s64 = call(&n, "/wallet/getblock", "{\"int64_as_string\":true}");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(
            json_object_get(json_object_get(s64, "block_header"), "raw_data"), "number")),
        "1");
    /* accounts: dev account 1 untouched: 10,000 x 10^18 wei = 10^10 sun */
    struct bt_address a1;
    char a1h[BTS_TRON_HEX_CAP];
    CU_ASSERT_EQUAL(genesis_dev_address(&a1, 1), BT_OK);
    tron_hex(a1h, a1.bytes);
    snprintf(body, sizeof(body), "{\"address\":\"%s\"}", a1h);
    json_t *acct = call(&n, "/walletsolidity/getaccount", body);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(acct, "balance")), 10000000000LL);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(acct, "address")), a1h);
    json_t *unk = call(&n, "/wallet/getaccount",
                       "{\"address\":\"419d8a62f656a8d1615c1294fd71e9cfb3e4855a4f\"}");
    CU_ASSERT_EQUAL(json_object_size(unk), 0);
    json_t *bad = call(&n, "/wallet/getaccount", "{\"address\":\"0x12\"}");
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json_string_value(json_object_get(bad, "Error")), "IllegalArgumentException"));
    /* the contract */
    char ch[BTS_TRON_HEX_CAP];
    tron_hex(ch, n.contract);
    snprintf(body, sizeof(body), "value=%s", ch);
    char *out = NULL;
    size_t len;
    CU_ASSERT_EQUAL(tronapi_handle(n.api, "/wallet/getcontract", body, NULL, 0, &out, &len), BT_OK);
    json_error_t je;
    json_t *c = json_loads(out, 0, &je);
    free(out);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(c, "contract_address")), ch);
    CU_ASSERT_EQUAL(strlen(json_string_value(json_object_get(c, "bytecode"))), 184);
    /* unknown paths (and no solidity twin of a write) */
    CU_ASSERT_EQUAL(tronapi_handle(n.api, "/wallet/nope", NULL, NULL, 0, &out, &len), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(
        tronapi_handle(n.api, "/walletsolidity/broadcasthex", NULL, NULL, 0, &out, &len),
        BT_ENOTFOUND);
    /* solid_lag 1: walletsolidity and "finalized" trail the head by one block */
    struct tronapi *lagged = n.api;
    struct tronapi_opts lo = {n.c, 1, 4, NULL};
    CU_ASSERT_EQUAL_FATAL(tronapi_new(&n.api, &lo), BT_OK);
    json_t *sb = call(&n, "/walletsolidity/getnowblock", NULL);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(sb, "blockID")),
                           json_string_value(json_object_get(b0, "blockID")));
    json_decref(sb);
    sb = call(&n, "/walletsolidity/getblockbynum", "{\"num\":1}");
    CU_ASSERT_EQUAL(json_object_size(sb), 0);
    json_decref(sb);
    sb = call(&n, "/jsonrpc",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByNumber\",\"params\":["
              "\"finalized\",false]}");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(sb, "result"), "number")), "0x0");
    json_decref(sb);
    tronapi_free(n.api);
    n.api = lagged;
    json_t *params = call(&n, "/wallet/getchainparameters", NULL);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(params, "chainParameter")), 3);
    json_t *all[] = {b, b0, none, byid, gb, s64, acct, unk, bad, c, params};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        json_decref(all[i]);
    node_close(&n);
}

/* triggersmartcontract for set(v) from dev account `from`, signed with `key`. */
static json_t *signed_set(struct node *n, const uint8_t key[32], const uint8_t owner20[20],
                          unsigned v, void (*edit)(json_t *tx))
{
    char oh[BTS_TRON_HEX_CAP], chx[BTS_TRON_HEX_CAP], body[400];
    tron_hex(oh, owner20);
    tron_hex(chx, n->contract);
    snprintf(body, sizeof(body),
             "{\"owner_address\":\"%s\",\"contract_address\":\"%s\",\"function_selector\":"
             "\"set(uint256)\",\"parameter\":\"%064x\",\"fee_limit\":100000000}",
             oh, chx, v);
    json_t *r = call(n, "/wallet/triggersmartcontract", body);
    CU_ASSERT_FATAL(json_is_true(json_object_get(json_object_get(r, "result"), "result")));
    json_t *tx = json_incref(json_object_get(r, "transaction"));
    json_decref(r);
    char err[256];
    struct tronapi_txin in;
    tronapi_txin_init(&in);
    if (edit)
        edit(tx);
    CU_ASSERT_EQUAL_FATAL(tronapi_tx_from_json(&in, tx, err, sizeof(err)) == BT_OK || edit, 1);
    if (edit) { /* re-encode: new txID and raw_data_hex */
        json_object_del(tx, "txID");
        tronapi_txin_free(&in);
        tronapi_txin_init(&in);
        CU_ASSERT_EQUAL_FATAL(tronapi_tx_from_json(&in, tx, err, sizeof(err)), BT_OK);
        json_object_set_new(tx, "txID", tronapi_jhex(in.txid, 32));
    }
    uint8_t sig[65];
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, key, in.txid), BT_OK);
    json_object_set_new(tx, "signature", json_pack("[o]", tronapi_jhex(sig, 65)));
    tronapi_txin_free(&in);
    return tx;
}

static json_t *broadcast(struct node *n, json_t *tx)
{
    char *text = json_dumps(tx, JSON_COMPACT);
    json_t *r = call(n, "/wallet/broadcasttransaction", text);
    free(text);
    return r;
}

static void expect_refusal(json_t *r, const char *code, const char *msg)
{
    CU_ASSERT_PTR_NULL(json_object_get(r, "result"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "code")), code);
    const char *hex = json_string_value(json_object_get(r, "message"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(hex);
    char text[300];
    size_t len;
    CU_ASSERT_EQUAL_FATAL(
        bts_hex_decode((uint8_t *)text, sizeof(text) - 1, &len, hex, strlen(hex), 0), BT_OK);
    text[len] = '\0';
    if (!strstr(text, msg))
        fprintf(stderr, "message '%s' lacks '%s'\n", text, msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, msg));
}

static void e_stale(json_t *tx)
{
    json_object_set_new(json_object_get(tx, "raw_data"), "ref_block_hash",
                        json_string("0123456789abcdef"));
}
static void e_expired(json_t *tx)
{
    json_t *rd = json_object_get(tx, "raw_data");
    json_object_set_new(rd, "expiration", json_incref(json_object_get(rd, "timestamp")));
}
static void e_far(json_t *tx)
{
    json_t *rd = json_object_get(tx, "raw_data");
    json_object_set_new(
        rd, "expiration",
        json_integer(json_integer_value(json_object_get(rd, "timestamp")) + 25LL * 3600 * 1000));
}
static void e_fee(json_t *tx)
{
    json_object_set_new(json_object_get(tx, "raw_data"), "fee_limit",
                        json_integer(TRONAPI_MAX_FEE_LIMIT + 1));
}

static void test_tronapi_broadcast_and_info(void)
{
    struct node n;
    node_open(&n);
    uint8_t k0[32], k1[32], stranger[32], sa[20];
    struct bt_address a0;
    CU_ASSERT_EQUAL(genesis_dev_key(k0, 0), BT_OK);
    CU_ASSERT_EQUAL(genesis_dev_key(k1, 1), BT_OK);
    CU_ASSERT_EQUAL(genesis_dev_address(&a0, 0), BT_OK);
    memset(stranger, 0x46, 32);
    CU_ASSERT_EQUAL(bts_secp_seckey_to_address(sa, stranger), BT_OK);
    /* wrong key, stale TaPoS, expired (both sides), fee limit, non-dev owner */
    json_t *tx = signed_set(&n, k1, a0.bytes, 1, NULL), *r = broadcast(&n, tx);
    expect_refusal(r, "SIGERROR", "Validate signature error");
    json_decref(tx), json_decref(r);
    tx = signed_set(&n, k0, a0.bytes, 1, e_stale), r = broadcast(&n, tx);
    expect_refusal(r, "TAPOS_ERROR", "Tapos check error.");
    json_decref(tx), json_decref(r);
    tx = signed_set(&n, k0, a0.bytes, 1, e_expired), r = broadcast(&n, tx);
    expect_refusal(r, "TRANSACTION_EXPIRATION_ERROR", "Transaction expired");
    json_decref(tx), json_decref(r);
    tx = signed_set(&n, k0, a0.bytes, 1, e_far), r = broadcast(&n, tx);
    expect_refusal(r, "TRANSACTION_EXPIRATION_ERROR", "Transaction expired");
    json_decref(tx), json_decref(r);
    tx = signed_set(&n, k0, a0.bytes, 1, e_fee), r = broadcast(&n, tx);
    expect_refusal(r, "CONTRACT_VALIDATE_ERROR", "feeLimit");
    json_decref(tx), json_decref(r);
    tx = signed_set(&n, stranger, sa, 1, NULL), r = broadcast(&n, tx);
    expect_refusal(r, "CONTRACT_VALIDATE_ERROR", "not a dev account");
    json_decref(tx), json_decref(r);
    json_t *mal = call(&n, "/wallet/broadcasttransaction", "{\"raw_data\":{}}");
    CU_ASSERT_PTR_NOT_NULL(json_object_get(mal, "Error"));
    json_decref(mal);
    /* nothing reached the pool */
    size_t pend, queued;
    txpool_counts(chain_txpool(n.c), &pend, &queued);
    CU_ASSERT_EQUAL(pend + queued, 0);
    /* accepted: an EVM transaction from account 0 */
    tx = signed_set(&n, k0, a0.bytes, 42, NULL);
    r = broadcast(&n, tx);
    CU_ASSERT(json_is_true(json_object_get(r, "result")));
    CU_ASSERT_PTR_NULL(json_object_get(r, "code"));
    const char *txid = json_string_value(json_object_get(tx, "txID"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "txid")), txid);
    txpool_counts(chain_txpool(n.c), &pend, &queued);
    CU_ASSERT_EQUAL(pend, 1);
    char body[200];
    snprintf(body, sizeof(body), "{\"value\":\"%s\"}", txid);
    json_t *info = call(&n, "/walletsolidity/gettransactioninfobyid", body);
    CU_ASSERT_EQUAL(json_object_size(info), 0); /* not mined yet */
    json_decref(info);
    json_t *pending = call(&n, "/wallet/gettransactionbyid", body);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(pending, "txID")), txid);
    CU_ASSERT_PTR_NULL(json_object_get(pending, "ret"));
    json_decref(pending);
    /* replay, before and after mining */
    json_t *r2 = broadcast(&n, tx);
    expect_refusal(r2, "DUP_TRANSACTION_ERROR", "Dup transaction.");
    json_decref(r2);
    produce(&n);
    r2 = broadcast(&n, tx);
    expect_refusal(r2, "DUP_TRANSACTION_ERROR", "Dup transaction.");
    json_decref(r2);
    info = call(&n, "/walletsolidity/gettransactioninfobyid", body);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(info, "id")), txid);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(info, "blockNumber")), 2);
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_array_get(json_object_get(info, "contractResult"), 0)), "");
    json_t *rc = json_object_get(info, "receipt");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "result")), "SUCCESS");
    CU_ASSERT(json_integer_value(json_object_get(rc, "energy_usage_total")) > 21000);
    json_t *log = json_array_get(json_object_get(info, "log"), 0);
    char c20[41];
    hex_of(c20, sizeof(c20), n.contract, 20);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(log, "address")), c20);
    char want_data[65];
    snprintf(want_data, sizeof(want_data), "%064x", 42);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(log, "data")), want_data);
    CU_ASSERT_PTR_NULL(json_object_get(info, "result"));
    json_decref(info);
    json_t *mined = call(&n, "/walletsolidity/gettransactionbyid", body);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
                               json_array_get(json_object_get(mined, "ret"), 0), "contractRet")),
                           "SUCCESS");
    json_decref(mined);
    /* the block lists it in TRON form */
    json_t *blk = call(&n, "/wallet/getblockbynum", "{\"num\":2}");
    json_t *t0 = json_array_get(json_object_get(blk, "transactions"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t0, "txID")), txid);
    json_decref(blk);
    /* the state changed: get() = 42 through triggerconstantcontract */
    char oh[BTS_TRON_HEX_CAP], chx[BTS_TRON_HEX_CAP], q[300];
    tron_hex(oh, a0.bytes);
    tron_hex(chx, n.contract);
    snprintf(
        q, sizeof(q),
        "{\"owner_address\":\"%s\",\"contract_address\":\"%s\",\"function_selector\":\"get()\"}",
        oh, chx);
    json_t *cc = call(&n, "/wallet/triggerconstantcontract", q);
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_array_get(json_object_get(cc, "constant_result"), 0)), want_data);
    CU_ASSERT(json_integer_value(json_object_get(cc, "energy_used")) > 0);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(cc, "transaction"), "raw_data_hex"));
    json_decref(cc);
    /* /jsonrpc: logs name the TRON txID; writes do not exist */
    json_t *lg = call(&n, "/jsonrpc",
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{"
                      "\"fromBlock\":\"0x0\",\"toBlock\":\"latest\"}]}");
    json_t *l0 = json_array_get(json_object_get(lg, "result"), 0);
    char want_tx[70];
    snprintf(want_tx, sizeof(want_tx), "0x%s", txid);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(l0, "transactionHash")), want_tx);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(l0, "blockNumber")), "0x2");
    json_decref(lg);
    char rq[300];
    snprintf(rq, sizeof(rq),
             "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"eth_getTransactionReceipt\","
             "\"params\":[\"0x%s\"]}",
             txid);
    json_t *rcp = call(&n, "/jsonrpc", rq);
    json_t *rr = json_object_get(rcp, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rr, "status")), "0x1");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rr, "transactionHash")), want_tx);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rr, "effectiveGasPrice")), "0x1a4");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(rr, "logs")), 1);
    json_decref(rcp);
    rcp =
        call(&n, "/jsonrpc",
             "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"eth_getTransactionReceipt\","
             "\"params\":[\"0000000000000000000000000000000000000000000000000000000000000000\"]}");
    CU_ASSERT(json_is_null(json_object_get(rcp, "result")));
    json_decref(rcp);
    json_t *nope = call(&n, "/jsonrpc",
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_sendRawTransaction\","
                        "\"params\":[\"0x00\"]}");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(nope, "error"), "code")),
                    -32601);
    json_decref(nope);
    json_t *pend_tag = call(&n, "/jsonrpc",
                            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_getLogs\",\"params\":[{"
                            "\"fromBlock\":\"pending\"}]}");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(pend_tag, "error"), "code")),
                    -32602);
    json_decref(pend_tag);
    json_t *bn =
        call(&n, "/jsonrpc", "[{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"eth_blockNumber\"}]");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(bn, 0), "result")),
                           "0x2");
    json_decref(bn);
    /* a restart of the API: the record comes back from storage */
    tronapi_free(n.api);
    struct tronapi_opts ro = {n.c, 0, 4, n.t.sn.s};
    CU_ASSERT_EQUAL_FATAL(tronapi_new(&n.api, &ro), BT_OK);
    info = call(&n, "/wallet/gettransactioninfobyid", body);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(info, "blockNumber")), 2);
    json_decref(info);
    r2 = broadcast(&n, tx);
    expect_refusal(r2, "DUP_TRANSACTION_ERROR", "Dup transaction.");
    json_decref(r2);
    blk = call(&n, "/wallet/getblockbynum", "{\"num\":2}");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
                               json_array_get(json_object_get(blk, "transactions"), 0), "txID")),
                           txid);
    json_decref(blk);
    json_decref(tx);
    json_decref(r);
    node_close(&n);
}

/* broadcasthex: the full Return object, a transfer (TransferContract), and a revert's info. */
static void test_tronapi_broadcasthex_transfer_and_revert(void)
{
    struct node n;
    node_open(&n);
    uint8_t k0[32], id[32];
    struct bt_address a0, a3;
    CU_ASSERT_EQUAL(genesis_dev_key(k0, 0), BT_OK);
    CU_ASSERT_EQUAL(genesis_dev_address(&a0, 0), BT_OK);
    CU_ASSERT_EQUAL(genesis_dev_address(&a3, 3), BT_OK);
    const struct chain_header *head = chain_head_header(n.c);
    struct bts_tron_tx tx;
    memset(&tx, 0, sizeof(tx));
    tronapi_block_id(id, head->h.number, head->hash);
    bts_tron_tx_set_ref(&tx, id);
    tx.timestamp = (int64_t)head->h.time * 1000;
    tx.expiration = tx.timestamp + 60000;
    tx.type = BTS_TRON_TRANSFER_CONTRACT;
    bts_tron_address_from_evm(tx.owner, a0.bytes);
    bts_tron_address_from_evm(tx.to, a3.bytes);
    tx.amount = 5000000; /* 5 TRX */
    struct bts_buf raw = BTS_BUF_INIT, wire = BTS_BUF_INIT, hex = BTS_BUF_INIT;
    uint8_t txid[32], sig[1][65];
    CU_ASSERT_EQUAL_FATAL(bts_tron_tx_encode(&raw, &tx), BT_OK);
    CU_ASSERT_EQUAL(bts_tron_tx_id(txid, raw.data, raw.len), BT_OK);
    CU_ASSERT_EQUAL(bts_secp_sign(sig[0], k0, txid), BT_OK);
    sig[0][64] += 27; /* tronweb's v */
    CU_ASSERT_EQUAL(bts_tron_tx_wrap(&wire, raw.data, raw.len, (const uint8_t(*)[65])sig, 1),
                    BT_OK);
    CU_ASSERT_EQUAL(bts_buf_append_str(&hex, "{\"transaction\":\""), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_encode_buf(&hex, wire.data, wire.len, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_buf_append_str(&hex, "\"}"), BT_OK);
    json_t *r = call(&n, "/wallet/broadcasthex", (const char *)hex.data);
    CU_ASSERT(json_is_true(json_object_get(r, "result")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "code")), "SUCCESS");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "message")), "");
    CU_ASSERT(json_is_string(json_object_get(r, "transaction")));
    json_decref(r);
    r = call(&n, "/wallet/broadcasthex", (const char *)hex.data);
    CU_ASSERT(json_is_false(json_object_get(r, "result")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "code")), "DUP_TRANSACTION_ERROR");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "message")), "Dup transaction.");
    json_decref(r);
    r = call(&n, "/wallet/broadcasthex", "{\"transaction\":\"zz\"}");
    CU_ASSERT_PTR_NOT_NULL(json_object_get(r, "Error"));
    json_decref(r);
    /* a revert: selector 0xdeadbeef (the contract reverts), sent as a trigger */
    memset(&tx, 0, sizeof(tx));
    bts_tron_tx_set_ref(&tx, id);
    tx.timestamp = (int64_t)head->h.time * 1000 + 1;
    tx.expiration = tx.timestamp + 60000;
    tx.fee_limit = 50000000;
    tx.type = BTS_TRON_TRIGGER_SMART_CONTRACT;
    bts_tron_address_from_evm(tx.owner, a0.bytes);
    bts_tron_address_from_evm(tx.to, n.contract);
    static const uint8_t bad_sel[4] = {0xde, 0xad, 0xbe, 0xef};
    tx.data = bad_sel;
    tx.data_len = 4;
    uint8_t txid2[32];
    bts_buf_reset(&raw);
    bts_buf_reset(&wire);
    bts_buf_reset(&hex);
    CU_ASSERT_EQUAL_FATAL(bts_tron_tx_encode(&raw, &tx), BT_OK);
    CU_ASSERT_EQUAL(bts_tron_tx_id(txid2, raw.data, raw.len), BT_OK);
    CU_ASSERT_EQUAL(bts_secp_sign(sig[0], k0, txid2), BT_OK);
    CU_ASSERT_EQUAL(bts_tron_tx_wrap(&wire, raw.data, raw.len, (const uint8_t(*)[65])sig, 1),
                    BT_OK);
    CU_ASSERT_EQUAL(bts_buf_append_str(&hex, "{\"transaction\":\""), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_encode_buf(&hex, wire.data, wire.len, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_buf_append_str(&hex, "\"}"), BT_OK);
    r = call(&n, "/wallet/broadcasthex", (const char *)hex.data);
    CU_ASSERT(json_is_true(json_object_get(r, "result")));
    json_decref(r);
    produce(&n);
    /* the transfer arrived: 10,000 TRX + 5 */
    char body[200], ah[BTS_TRON_HEX_CAP], idh[65];
    tron_hex(ah, a3.bytes);
    snprintf(body, sizeof(body), "{\"address\":\"%s\"}", ah);
    json_t *acct = call(&n, "/wallet/getaccount", body);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(acct, "balance")), 10005000000LL);
    json_decref(acct);
    hex_of(idh, sizeof(idh), txid, 32);
    snprintf(body, sizeof(body), "{\"value\":\"%s\"}", idh);
    json_t *info = call(&n, "/wallet/gettransactioninfobyid", body);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(info, "blockNumber")), 2);
    CU_ASSERT_PTR_NULL(json_object_get(info, "contract_address"));
    json_decref(info);
    hex_of(idh, sizeof(idh), txid2, 32);
    snprintf(body, sizeof(body), "{\"value\":\"%s\"}", idh);
    info = call(&n, "/wallet/gettransactioninfobyid", body);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(info, "result")), "FAILED");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(info, "receipt"), "result")), "REVERT");
    CU_ASSERT(json_is_string(json_object_get(info, "resMessage")));
    json_decref(info);
    bts_buf_free(&raw);
    bts_buf_free(&wire);
    bts_buf_free(&hex);
    node_close(&n);
}

BTS_TEST_SUITE("tronapi", NULL, NULL, BTS_TEST(test_tronapi_params),
               BTS_TEST(test_tronapi_tx_worked_example), BTS_TEST(test_tronapi_tx_json_refusals),
               BTS_TEST(test_tronapi_blocks_and_accounts),
               BTS_TEST(test_tronapi_broadcast_and_info),
               BTS_TEST(test_tronapi_broadcasthex_transfer_and_revert));
