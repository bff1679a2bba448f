/* The eth_* methods over a real chain (memory storage, the EVM linked in, the in-memory dev
 * engine): JSON shapes of blocks, transactions and receipts as geth sends them, account
 * state with "pending", calls with reverts and state overrides, estimateGas, logs, filters
 * with expiry, subscriptions, txpool errors, the log filter matching rules, the "pending" block
 * and the removed logs of a reorg. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/rlp.h>
#include <bts/test.h>
#include <bts/trie.h>

#include "chain_testlib.h"
#include "eth_int.h"
#include "genesis_int.h"
#include "metrics_int.h"
#include "stor_testlib.h"

struct node {
    struct stl t;
    struct genesis g;
    struct ctl_engine e;
    struct chain *c;
    struct rpc_server *srv;
    struct eth_api *api;
};

static struct node N;
static struct rpc_pending pending;
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
    return fake_now;
}

/* Notifications pushed to the test connection. */
static char *notes[16];
static size_t n_notes;

static void sink_send(void *arg, const char *json, size_t len)
{
    (void)arg;
    if (n_notes < 16)
        notes[n_notes++] = strndup(json, len);
}

static struct rpc_sink sink;

static void node_open(void)
{
    memset(&N, 0, sizeof(N));
    stl_open(&N.t, "storage-memory");
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&N.g, "dev", 4, err, sizeof(err)), BT_OK);
    ctl_engine_init(&N.e);
    struct chain_opts o;
    ctl_opts(&o, N.t.sn.s, &N.g, &N.e, &N.t.rt.workers);
    CU_ASSERT_EQUAL_FATAL(chain_open(&N.c, &o, err, sizeof(err)), BT_OK);
    N.srv = rpc_server_new(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(N.srv);
    CU_ASSERT_EQUAL_FATAL(eth_api_new(N.srv, N.c, N.t.sn.s, &N.api), BT_OK);
    N.api->now_s = fake_clock;
    fake_now = 1000;
    rpc_sink_init(&sink, N.srv, sink_send, NULL);
    memset(&pending, 0, sizeof(pending));
}

static void node_close(void)
{
    rpc_sink_close(&sink);
    rpc_pending_cancel(&pending);
    eth_api_free(N.api);
    rpc_server_free(N.srv);
    chain_close(N.c);
    stl_close(&N.t);
    genesis_free(&N.g);
    for (size_t i = 0; i < n_notes; i++)
        free(notes[i]);
    n_notes = 0;
}

struct got {
    char *text;
};

static void on_done(void *arg, const char *json, size_t len)
{
    struct got *g = arg;
    g->text = json ? strndup(json, len) : NULL;
}

/* Call `method` with params (JSON text) over a WS-like peer; returns the parsed response. */
static json_t *rpc(const char *method, const char *params_fmt, ...)
    __attribute__((format(printf, 2, 3)));
static json_t *rpc(const char *method, const char *params_fmt, ...)
{
    char params[4096], body[4600];
    va_list ap;
    va_start(ap, params_fmt);
    vsnprintf(params, sizeof(params), params_fmt, ap);
    va_end(ap);
    snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
             method, params);
    struct rpc_peer peer = {"test", 0, &sink};
    struct got g = {0};
    rpc_handle_body(N.srv, &peer, body, strlen(body), &pending, on_done, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.text);
    json_t *v = json_loads(g.text, 0, NULL);
    if (!v)
        fprintf(stderr, "bad response: %s\n", g.text);
    free(g.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    return v;
}

static const char *res_str(json_t *r)
{
    const char *s = json_string_value(json_object_get(r, "result"));
    if (!s) {
        char *t = json_dumps(r, 0);
        fprintf(stderr, "no string result: %s\n", t);
        free(t);
    }
    return s ? s : "";
}

static int err_code(json_t *r)
{
    return (int)json_integer_value(json_object_get(json_object_get(r, "error"), "code"));
}

static const char *err_msg(json_t *r)
{
    const char *s = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
    return s ? s : "";
}

static void hex20(char out[43], const uint8_t a[20])
{
    size_t n;
    CU_ASSERT_EQUAL(bts_hex_encode(out, 43, &n, a, 20, BTS_HEX_0X), BT_OK);
}

/* Sign with dev account `acct` and send through eth_sendRawTransaction. */
static json_t *send_tx(uint32_t acct, uint64_t nonce, const uint8_t *to20, uint64_t value,
                       const uint8_t *data, size_t data_len, uint64_t gas)
{
    uint8_t key[32];
    struct bts_buf b = BTS_BUF_INIT, h = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, acct), BT_OK);
    CU_ASSERT_EQUAL_FATAL(ctl_sign_tx(&b, key, nonce, 2000000000, gas, to20, value, data, data_len),
                          BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_hex_encode_buf(&h, b.data, b.len, BTS_HEX_0X), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_buf_append(&h, "", 1), BT_OK);
    json_t *r = rpc("eth_sendRawTransaction", "[\"%s\"]", (char *)h.data);
    bts_buf_free(&b);
    bts_buf_free(&h);
    return r;
}

static void produce(void)
{
    char err[512] = "";
    bt_status rc = chain_produce(N.c, 0, NULL, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "produce: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
}

static const uint8_t to_addr[20] = {[19] = 0x42};

/* Init code emitting LOG1(topic 0x..77, data 32 bytes of 0xaa at the end) then stopping. */
static const uint8_t log_init[] = {0x60, 0xaa, 0x60, 0x00, 0x52, /* mstore(0, 0xaa) */
                                   0x7f, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,
                                   0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,
                                   0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,
                                   0x77, 0x77, 0x77, 0x77, 0x77, 0x77,  /* push32 topic */
                                   0x60, 0x20, 0x60, 0x00, 0xa1, 0x00}; /* log1(0, 32); stop */

static const char topic77[] = "0x7777777777777777777777777777777777777777777777777777777777777777";

/* Init code reverting with Error("nope"). */
static const uint8_t revert_init[] = {
    0x7f, 0x08, 0xc3, 0x79, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* push32 */
    0x60, 0x00, 0x52,                                              /* mstore(0) */
    0x60, 0x20, 0x60, 0x04, 0x52,                                  /* mstore(4, 32) */
    0x60, 0x04, 0x60, 0x24, 0x52,                                  /* mstore(36, 4) */
    0x7f, 'n',  'o',  'p',  'e',  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* push32 */
    0x60, 0x44, 0x52,                                              /* mstore(68) */
    0x60, 0x64, 0x60, 0x00, 0xfd};                                 /* revert(0,100) */

static void test_eth_rpc_chain_basics(void)
{
    node_open();
    json_t *r = rpc("eth_chainId", "[]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x539");
    json_decref(r);
    r = rpc("net_version", "[]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "1337");
    json_decref(r);
    r = rpc("eth_blockNumber", "[]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x0");
    json_decref(r);
    /* params null: the handlers, not the fast paths (host/rpc/fast.c); the same answers. */
    r = rpc("eth_chainId", "null");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x539");
    json_decref(r);
    r = rpc("net_version", "null");
    CU_ASSERT_STRING_EQUAL(res_str(r), "1337");
    json_decref(r);
    r = rpc("eth_syncing", "[]");
    CU_ASSERT(json_is_false(json_object_get(r, "result")));
    json_decref(r);
    r = rpc("eth_accounts", "[]");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "result")), 0);
    json_decref(r);
    r = rpc("net_listening", "[]");
    CU_ASSERT(json_is_true(json_object_get(r, "result")));
    json_decref(r);
    r = rpc("net_peerCount", "[]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x0");
    json_decref(r);
    r = rpc("eth_chainId", "[1]");
    CU_ASSERT_EQUAL(err_code(r), -32602);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "too many arguments, want at most 0");
    json_decref(r);
    /* geth's positional-argument errors (-32602). */
    r = rpc("eth_getBalance", "[]");
    CU_ASSERT_EQUAL(err_code(r), -32602);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "missing value for required argument 0");
    json_decref(r);
    r = rpc("eth_getBalance", "{\"a\": 1}");
    CU_ASSERT_STRING_EQUAL(err_msg(r), "non-array args");
    json_decref(r);
    r = rpc("eth_getTransactionReceipt", "[\"0x12\"]");
    CU_ASSERT_EQUAL(err_code(r), -32602);
    CU_ASSERT(strncmp(err_msg(r), "invalid argument 0: ", 20) == 0);
    json_decref(r);
    r = rpc("eth_getBlockByNumber", "[\"0x0\", 1]");
    CU_ASSERT_STRING_EQUAL(err_msg(r), "invalid argument 1: json: cannot unmarshal non-bool into "
                                       "Go value of type bool");
    json_decref(r);
    /* The genesis block in geth's shape. */
    r = rpc("eth_getBlockByNumber", "[\"0x0\", false]");
    json_t *b = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "number")), "0x0");
    CU_ASSERT_EQUAL(json_string_length(json_object_get(b, "hash")), 66);
    CU_ASSERT_EQUAL(json_string_length(json_object_get(b, "logsBloom")), 2 + 512);
    CU_ASSERT_EQUAL(json_string_length(json_object_get(b, "nonce")), 18);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(b, "baseFeePerGas"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(b, "totalDifficulty"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(b, "size"));
    CU_ASSERT(json_is_array(json_object_get(b, "transactions")));
    CU_ASSERT(json_is_array(json_object_get(b, "uncles")));
    json_decref(r);
    r = rpc("eth_getBlockByNumber", "[\"0x10\", false]");
    CU_ASSERT(json_is_null(json_object_get(r, "result")));
    json_decref(r);
    r = rpc("eth_getBlockByNumber", "[\"latest\"]");
    CU_ASSERT_EQUAL(err_code(r), -32602);
    json_decref(r);
    r = rpc("eth_getBalance", "[\"0x0000000000000000000000000000000000000042\", \"0x99\"]");
    CU_ASSERT_EQUAL(err_code(r), -32000);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "header not found");
    json_decref(r);
    r = rpc("eth_getBalance", "[\"0x42\", \"latest\"]");
    CU_ASSERT_EQUAL(err_code(r), -32602);
    json_decref(r);
    node_close();
}

static void test_eth_rpc_transactions_and_receipts(void)
{
    node_open();
    struct bt_address a0;
    CU_ASSERT_EQUAL(genesis_dev_address(&a0, 0), BT_OK);
    char from[43];
    hex20(from, a0.bytes);
    json_t *r = send_tx(0, 0, to_addr, 5, NULL, 0, 21000);
    char txh[67];
    snprintf(txh, sizeof(txh), "%s", res_str(r));
    CU_ASSERT_EQUAL(strlen(txh), 66);
    json_decref(r);
    /* Pending: visible in the pool, nonce "pending" counts it, "latest" does not. */
    r = rpc("eth_getTransactionByHash", "[\"%s\"]", txh);
    CU_ASSERT(json_is_null(json_object_get(json_object_get(r, "result"), "blockHash")));
    json_decref(r);
    r = rpc("eth_getTransactionCount", "[\"%s\", \"pending\"]", from);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x1");
    json_decref(r);
    r = rpc("eth_getTransactionCount", "[\"%s\", \"latest\"]", from);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x0");
    json_decref(r);
    r = rpc("txpool_status", "[]");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(r, "result"), "pending")), "0x1");
    json_decref(r);
    r = rpc("eth_getTransactionReceipt", "[\"%s\"]", txh);
    CU_ASSERT(json_is_null(json_object_get(r, "result")));
    json_decref(r);
    /* Same nonce again: geth's "already known"; then mined. */
    r = send_tx(0, 0, to_addr, 5, NULL, 0, 21000);
    CU_ASSERT_EQUAL(err_code(r), -32000);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "already known");
    json_decref(r);
    produce();
    r = send_tx(0, 0, to_addr, 6, NULL, 0, 21000);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "nonce too low");
    json_decref(r);
    r = rpc("eth_getTransactionReceipt", "[\"%s\"]", txh);
    json_t *rc = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "status")), "0x1");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "gasUsed")), "0x5208");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "cumulativeGasUsed")), "0x5208");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "blockNumber")), "0x1");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "transactionIndex")), "0x0");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "from")), from);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "to")),
                           "0x0000000000000000000000000000000000000042");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rc, "type")), "0x0");
    CU_ASSERT(json_is_null(json_object_get(rc, "contractAddress")));
    CU_ASSERT_EQUAL(json_array_size(json_object_get(rc, "logs")), 0);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(rc, "effectiveGasPrice"));
    char bh[67];
    snprintf(bh, sizeof(bh), "%s", json_string_value(json_object_get(rc, "blockHash")));
    json_decref(r);
    /* The mined transaction, three ways. */
    r = rpc("eth_getTransactionByHash", "[\"%s\"]", txh);
    json_t *t = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t, "blockHash")), bh);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t, "value")), "0x5");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t, "chainId")), "0x539");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t, "nonce")), "0x0");
    json_decref(r);
    r = rpc("eth_getTransactionByBlockHashAndIndex", "[\"%s\", \"0x0\"]", bh);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(r, "result"), "hash")),
                           txh);
    json_decref(r);
    r = rpc("eth_getTransactionByBlockNumberAndIndex", "[\"latest\", \"0x0\"]");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(r, "result"), "hash")),
                           txh);
    json_decref(r);
    r = rpc("eth_getTransactionByBlockNumberAndIndex", "[\"latest\", \"0x1\"]");
    CU_ASSERT(json_is_null(json_object_get(r, "result")));
    json_decref(r);
    r = rpc("eth_getBlockTransactionCountByHash", "[\"%s\"]", bh);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x1");
    json_decref(r);
    r = rpc("eth_getUncleCountByBlockNumber", "[\"0x1\"]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x0");
    json_decref(r);
    r = rpc("eth_getBlockByHash", "[\"%s\", true]", bh);
    t = json_array_get(json_object_get(json_object_get(r, "result"), "transactions"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t, "hash")), txh);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t, "from")), from);
    json_decref(r);
    r = rpc("eth_getBalance", "[\"0x0000000000000000000000000000000000000042\", \"latest\"]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x5");
    json_decref(r);
    r = rpc("eth_getBalance", "[\"0x0000000000000000000000000000000000000042\", \"earliest\"]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x0");
    json_decref(r);
    r = rpc("eth_getBalance",
            "[\"0x0000000000000000000000000000000000000042\", "
            "{\"blockHash\": \"%s\"}]",
            bh);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x5");
    json_decref(r);
    /* eth_getProof: the account proof verifies against the block's state root. */
    r = rpc("eth_getProof", "[\"%s\", [\"0x0\"], \"latest\"]", from);
    json_t *pr = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(pr, "nonce")), "0x1");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(pr, "storageHash")),
                           "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(pr, "codeHash")),
                           "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    json_t *sp0 = json_array_get(json_object_get(pr, "storageProof"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(sp0, "key")), "0x0");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(sp0, "value")), "0x0");
    {
        struct bts_buf pl = BTS_BUF_INIT;
        size_t mark, i;
        json_t *node;
        CU_ASSERT_EQUAL_FATAL(bts_rlp_list_begin(&pl, &mark), BT_OK);
        json_array_foreach(json_object_get(pr, "accountProof"), i, node)
        {
            const char *h = json_string_value(node);
            CU_ASSERT_EQUAL(bts_hex_decode_buf(&pl, h, strlen(h), BTS_HEX_0X), BT_OK);
        }
        CU_ASSERT_EQUAL_FATAL(bts_rlp_list_end(&pl, mark), BT_OK);
        const struct bts_header *head = &chain_head_header(N.c)->h;
        const uint8_t *val;
        size_t val_len;
        CU_ASSERT_EQUAL(bts_trie_verify_proof(head->state_root.bytes, BTS_TRIE_SECURE, a0.bytes, 20,
                                              pl.data, pl.len, &val, &val_len),
                        BT_OK);
        bts_buf_free(&pl);
    }
    json_decref(r);
    r = rpc("eth_getProof", "[\"%s\", [\"0xzz\"], \"latest\"]", from);
    CU_ASSERT_EQUAL(err_code(r), -32602);
    json_decref(r);
    r = rpc("eth_feeHistory", "[\"0x2\", \"latest\", [50]]");
    json_t *fh = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(fh, "oldestBlock")), "0x0");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(fh, "baseFeePerGas")), 3);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(fh, "gasUsedRatio")), 2);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(fh, "reward")), 2);
    json_decref(r);
    r = rpc("eth_gasPrice", "[]");
    CU_ASSERT(strncmp(res_str(r), "0x", 2) == 0);
    json_decref(r);
    r = rpc("eth_maxPriorityFeePerGas", "[]");
    CU_ASSERT(strncmp(res_str(r), "0x", 2) == 0);
    json_decref(r);
    node_close();
}

static void test_eth_rpc_call_revert_override(void)
{
    node_open();
    char code[400], over[600];
    size_t n;
    CU_ASSERT_EQUAL(
        bts_hex_encode(code, sizeof(code), &n, revert_init, sizeof(revert_init), BTS_HEX_0X),
        BT_OK);
    json_t *r = rpc("eth_call", "[{\"data\": \"%s\"}, \"latest\"]", code);
    CU_ASSERT_EQUAL(err_code(r), 3);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "execution reverted: nope");
    const char *data = json_string_value(json_object_get(json_object_get(r, "error"), "data"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    CU_ASSERT(strncmp(data, "0x08c379a0", 10) == 0);
    CU_ASSERT_EQUAL(strlen(data), 2 + 200);
    json_decref(r);
    r = rpc("eth_estimateGas", "[{\"data\": \"%s\"}]", code);
    CU_ASSERT_EQUAL(err_code(r), 3);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "execution reverted: nope");
    json_decref(r);
    /* The same code as an account's code through a state override: a call to it reverts. */
    /* Runtime = the init code (it reverts either way). */
    snprintf(over, sizeof(over),
             "{\"0x0000000000000000000000000000000000000099\": {\"code\": "
             "\"%s\", \"balance\": \"0x10\"}}",
             code);
    r = rpc("eth_call",
            "[{\"to\": \"0x0000000000000000000000000000000000000099\"}, \"latest\", %s]", over);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "execution reverted: nope");
    json_decref(r);
    /* A call to an account without code returns 0x; a plain transfer estimates 21000. */
    r = rpc("eth_call", "[{\"to\": \"0x0000000000000000000000000000000000000042\"}]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x");
    json_decref(r);
    struct bt_address a0;
    char from[43];
    CU_ASSERT_EQUAL(genesis_dev_address(&a0, 0), BT_OK);
    hex20(from, a0.bytes);
    r = rpc("eth_estimateGas",
            "[{\"from\": \"%s\", \"to\": "
            "\"0x0000000000000000000000000000000000000042\", \"value\": \"0x1\"}]",
            from);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x5208");
    json_decref(r);
    /* Creation with a log: more than 21000, and it really suffices. */
    CU_ASSERT_EQUAL(bts_hex_encode(code, sizeof(code), &n, log_init, sizeof(log_init), BTS_HEX_0X),
                    BT_OK);
    r = rpc("eth_estimateGas", "[{\"from\": \"%s\", \"data\": \"%s\"}]", from, code);
    uint64_t est = 0;
    CU_ASSERT_EQUAL(bts_hex_parse_u64(&est, res_str(r), strlen(res_str(r))), BT_OK);
    CU_ASSERT(est > 53000);
    json_decref(r);
    r = send_tx(0, 0, NULL, 0, log_init, sizeof(log_init), est);
    CU_ASSERT_PTR_NULL(json_object_get(r, "error"));
    json_decref(r);
    produce();
    r = rpc("eth_getTransactionCount", "[\"%s\", \"latest\"]", from);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x1");
    json_decref(r);
    /* Overridden balance and storage are seen by calls; the stored state is unchanged. */
    r = rpc("eth_call", "[{\"to\": \"0x0000000000000000000000000000000000000042\", \"data\": "
                        "\"0x\"}, \"latest\", {\"0x0000000000000000000000000000000000000042\": "
                        "{\"stateDiff\": {\"0x01\": \"0x02\"}}}]");
    CU_ASSERT_EQUAL(err_code(r), -32602); /* storage keys are 32-byte hashes */
    json_decref(r);
    r = rpc("eth_call", "[{\"gasPrice\": \"0x1\", \"maxFeePerGas\": \"0x1\"}]");
    CU_ASSERT_EQUAL(err_code(r), -32602);
    json_decref(r);
    node_close();
}

/* A contract with one storage slot: eth_getStorageAt and a storage proof that verifies. */
static void test_eth_rpc_storage_proof(void)
{
    node_open();
    static const uint8_t sstore_init[] = {0x60, 0x2a, 0x60, 0x01, 0x55, 0x00}; /* sstore(1, 42) */
    json_t *r = send_tx(2, 0, NULL, 0, sstore_init, sizeof(sstore_init), 100000);
    char txh[67];
    snprintf(txh, sizeof(txh), "%s", res_str(r));
    json_decref(r);
    produce();
    r = rpc("eth_getTransactionReceipt", "[\"%s\"]", txh);
    char ca[43];
    snprintf(ca, sizeof(ca), "%s",
             json_string_value(json_object_get(json_object_get(r, "result"), "contractAddress")));
    json_decref(r);
    CU_ASSERT_EQUAL_FATAL(strlen(ca), 42);
    r = rpc("eth_getStorageAt", "[\"%s\", \"0x1\", \"latest\"]", ca);
    CU_ASSERT_STRING_EQUAL(res_str(r),
                           "0x000000000000000000000000000000000000000000000000000000000000002a");
    json_decref(r);
    r = rpc("eth_getProof", "[\"%s\", [\"0x01\", \"0x2\"], \"latest\"]", ca);
    json_t *pr = json_object_get(r, "result");
    json_t *s0 = json_array_get(json_object_get(pr, "storageProof"), 0);
    json_t *s1 = json_array_get(json_object_get(pr, "storageProof"), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s0, "key")), "0x01");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s0, "value")), "0x2a");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(s1, "value")), "0x0");
    uint8_t root[32], key[32] = {[31] = 1};
    const char *sh = json_string_value(json_object_get(pr, "storageHash"));
    CU_ASSERT_EQUAL_FATAL(bts_hex_parse_hash(root, sh, strlen(sh)), BT_OK);
    struct bts_buf pl = BTS_BUF_INIT;
    size_t mark, i;
    json_t *node;
    CU_ASSERT_EQUAL_FATAL(bts_rlp_list_begin(&pl, &mark), BT_OK);
    json_array_foreach(json_object_get(s0, "proof"), i, node)
    {
        const char *h = json_string_value(node);
        CU_ASSERT_EQUAL(bts_hex_decode_buf(&pl, h, strlen(h), BTS_HEX_0X), BT_OK);
    }
    CU_ASSERT_EQUAL_FATAL(bts_rlp_list_end(&pl, mark), BT_OK);
    const uint8_t *val;
    size_t val_len;
    CU_ASSERT_EQUAL(
        bts_trie_verify_proof(root, BTS_TRIE_SECURE, key, 32, pl.data, pl.len, &val, &val_len),
        BT_OK);
    CU_ASSERT(val_len == 1 && val[0] == 0x2a);
    bts_buf_free(&pl);
    json_decref(r);
    node_close();
}

static void test_eth_rpc_revert_text(void)
{
    char msg[128];
    static const uint8_t only_sel[] = {0x08, 0xc3, 0x79, 0xa0};
    char *d = eth_revert_error(only_sel, 4, msg, sizeof(msg));
    CU_ASSERT_STRING_EQUAL(msg, "execution reverted");
    CU_ASSERT_STRING_EQUAL(d, "\"0x08c379a0\"");
    free(d);
    d = eth_revert_error(NULL, 0, msg, sizeof(msg));
    CU_ASSERT_STRING_EQUAL(msg, "execution reverted");
    CU_ASSERT_STRING_EQUAL(d, "\"0x\"");
    free(d);
    uint8_t buf[100] = {0x08, 0xc3, 0x79, 0xa0};
    buf[4 + 31] = 0x20;
    buf[4 + 63] = 3;
    memcpy(buf + 68, "abc", 3);
    d = eth_revert_error(buf, sizeof(buf), msg, sizeof(msg));
    CU_ASSERT_STRING_EQUAL(msg, "execution reverted: abc");
    free(d);
    buf[4 + 63] = 200; /* length past the end: not decoded */
    d = eth_revert_error(buf, sizeof(buf), msg, sizeof(msg));
    CU_ASSERT_STRING_EQUAL(msg, "execution reverted");
    free(d);
    buf[4 + 31] = 0xff; /* offset past the end */
    buf[4 + 63] = 3;
    d = eth_revert_error(buf, sizeof(buf), msg, sizeof(msg));
    CU_ASSERT_STRING_EQUAL(msg, "execution reverted");
    free(d);
}

static void test_eth_rpc_logs_filters_subs(void)
{
    node_open();
    json_t *r = rpc("eth_newBlockFilter", "[]");
    char bf[40], lf[40], pf[40], sub_heads[40], sub_logs[40];
    snprintf(bf, sizeof(bf), "%s", res_str(r));
    json_decref(r);
    r = rpc("eth_newFilter", "[{\"topics\": [\"%s\"]}]", topic77);
    snprintf(lf, sizeof(lf), "%s", res_str(r));
    json_decref(r);
    r = rpc("eth_newPendingTransactionFilter", "[]");
    snprintf(pf, sizeof(pf), "%s", res_str(r));
    json_decref(r);
    r = rpc("eth_subscribe", "[\"newHeads\"]");
    snprintf(sub_heads, sizeof(sub_heads), "%s", res_str(r));
    json_decref(r);
    r = rpc("eth_subscribe", "[\"logs\", {\"topics\": [null, null]}]");
    snprintf(sub_logs, sizeof(sub_logs), "%s", res_str(r));
    json_decref(r);
    char sub_log77[40], sub_pend[40];
    r = rpc("eth_subscribe", "[\"logs\", {\"topics\": [\"%s\"]}]", topic77);
    snprintf(sub_log77, sizeof(sub_log77), "%s", res_str(r));
    json_decref(r);
    r = rpc("eth_subscribe", "[\"newPendingTransactions\"]");
    snprintf(sub_pend, sizeof(sub_pend), "%s", res_str(r));
    json_decref(r);
    r = rpc("eth_subscribe", "[\"nope\"]");
    CU_ASSERT_STRING_EQUAL(err_msg(r), "no \"nope\" subscription in eth namespace");
    json_decref(r);
    r = send_tx(1, 0, NULL, 0, log_init, sizeof(log_init), 200000);
    char txh[67];
    snprintf(txh, sizeof(txh), "%s", res_str(r));
    json_decref(r);
    produce();
    /* newPendingTransactions: the hash; newHeads: the header; logs on topic 0x77..: the log;
     * logs with two topic wildcards: nothing (the log has one topic). */
    CU_ASSERT_EQUAL(n_notes, 3);
    int seen_pend = 0, seen_head = 0, seen_log = 0;
    for (size_t i = 0; i < n_notes; i++) {
        json_t *note = json_loads(notes[i], 0, NULL);
        json_t *pr = json_object_get(note, "params"), *res = json_object_get(pr, "result");
        const char *id = json_string_value(json_object_get(pr, "subscription"));
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(note, "method")),
                               "eth_subscription");
        if (strcmp(id, sub_pend) == 0) {
            seen_pend++;
            CU_ASSERT_STRING_EQUAL(json_string_value(res), txh);
        } else if (strcmp(id, sub_heads) == 0) {
            seen_head++;
            CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "number")), "0x1");
        } else if (strcmp(id, sub_log77) == 0) {
            seen_log++;
            CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "transactionHash")), txh);
        } else {
            CU_FAIL("notification for an unexpected subscription");
        }
        json_decref(note);
    }
    CU_ASSERT(seen_pend == 1 && seen_head == 1 && seen_log == 1);
    r = rpc("eth_getFilterChanges", "[\"%s\"]", bf);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "result")), 1);
    json_decref(r);
    r = rpc("eth_getFilterChanges", "[\"%s\"]", bf);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "result")), 0);
    json_decref(r);
    r = rpc("eth_getFilterChanges", "[\"%s\"]", pf);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(json_object_get(r, "result"), 0)), txh);
    json_decref(r);
    r = rpc("eth_getFilterChanges", "[\"%s\"]", lf);
    json_t *l = json_array_get(json_object_get(r, "result"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(l, "transactionHash")), txh);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(json_object_get(l, "topics"), 0)),
                           topic77);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(l, "logIndex")), "0x0");
    CU_ASSERT(json_is_false(json_object_get(l, "removed")));
    json_decref(r);
    r = rpc("eth_getFilterLogs", "[\"%s\"]", lf);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "result")), 1);
    json_decref(r);
    /* The struct logger over the mined transaction and over a call. */
    r = rpc("debug_traceTransaction", "[\"%s\"]", txh);
    json_t *tr = json_object_get(r, "result");
    json_t *steps = json_object_get(tr, "structLogs");
    CU_ASSERT_EQUAL(json_array_size(steps),
                    8); /* PUSH1 PUSH1 MSTORE PUSH32 PUSH1 PUSH1 LOG1 STOP */
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(steps, 0), "op")),
                           "PUSH1");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(steps, 6), "op")),
                           "LOG1");
    CU_ASSERT(json_is_false(json_object_get(tr, "failed")));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(tr, "gas")), 54699);
    json_decref(r);
    r = rpc("debug_traceTransaction", "[\"%s\", {\"tracer\": \"callTracer\"}]", txh);
    CU_ASSERT_EQUAL(err_code(r), -32000);
    json_decref(r);
    r = rpc("debug_traceTransaction", "[\"%s\"]", topic77);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "transaction not found");
    json_decref(r);
    {
        char code[400];
        size_t n;
        CU_ASSERT_EQUAL(
            bts_hex_encode(code, sizeof(code), &n, revert_init, sizeof(revert_init), BTS_HEX_0X),
            BT_OK);
        r = rpc("debug_traceCall", "[{\"data\": \"%s\"}, \"latest\", {\"disableStack\": true}]",
                code);
        tr = json_object_get(r, "result");
        CU_ASSERT(json_is_true(json_object_get(tr, "failed")));
        CU_ASSERT(strncmp(json_string_value(json_object_get(tr, "returnValue")), "08c379a0", 8) ==
                  0);
        steps = json_object_get(tr, "structLogs");
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
                                   json_array_get(steps, json_array_size(steps) - 1), "op")),
                               "REVERT");
        CU_ASSERT_PTR_NULL(json_object_get(json_array_get(steps, 0), "stack"));
        json_decref(r);
    }
    /* eth_getLogs: topic OR-lists, wildcards, address, ranges and the limit. */
    r = rpc("eth_getLogs", "[{\"fromBlock\": \"0x0\", \"topics\": [[\"0x%064x\", \"%s\"]]}]", 1,
            topic77);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "result")), 1);
    json_decref(r);
    r = rpc("eth_getLogs", "[{\"fromBlock\": \"0x0\", \"topics\": [\"0x%064x\"]}]", 1);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "result")), 0);
    json_decref(r);
    r = rpc(
        "eth_getLogs",
        "[{\"fromBlock\": \"0x0\", \"address\": \"0x0000000000000000000000000000000000000001\"}]");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "result")), 0);
    json_decref(r);
    r = rpc("eth_getLogs", "[{\"fromBlock\": \"0x1\", \"toBlock\": \"0x0\"}]");
    CU_ASSERT_STRING_EQUAL(err_msg(r), "invalid block range params");
    json_decref(r);
    N.api->log_range_max = 1;
    r = rpc("eth_getLogs", "[{\"fromBlock\": \"0x0\", \"toBlock\": \"latest\"}]");
    CU_ASSERT_EQUAL(err_code(r), -32000);
    CU_ASSERT(strncmp(err_msg(r), "block range too large: 2 blocks", 31) == 0);
    json_decref(r);
    r = rpc("eth_getLogs", "[{\"fromBlock\": \"0x0\", \"blockHash\": \"%s\"}]", topic77);
    CU_ASSERT_EQUAL(err_code(r), -32602);
    json_decref(r);
    r = rpc("eth_getLogs", "[{\"topics\": [null, null, null, null, null]}]");
    CU_ASSERT_STRING_EQUAL(err_msg(r), "invalid argument 0: exceed max topics");
    json_decref(r);
    /* Expiry: five minutes without a poll. */
    fake_now += ETH_FILTER_TIMEOUT_S + 1;
    r = rpc("eth_getFilterChanges", "[\"%s\"]", bf);
    CU_ASSERT_STRING_EQUAL(err_msg(r), "filter not found");
    json_decref(r);
    r = rpc("eth_uninstallFilter", "[\"%s\"]", lf);
    CU_ASSERT(json_is_false(json_object_get(r, "result")));
    json_decref(r);
    r = rpc("eth_unsubscribe", "[\"%s\"]", sub_logs);
    CU_ASSERT(json_is_true(json_object_get(r, "result")));
    json_decref(r);
    /* The chain gauges reached the registry. */
    char *m = metrics_render(metrics_global(), NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "bttcd_chain_head_block 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "bttcd_txpool_pending 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "# TYPE bttcd_chain_blocks_produced_total counter\n"
                                     "bttcd_chain_blocks_produced_total 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "bttcd_chain_block_seconds_last "));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "bttcd_rpc_requests_total{method=\"eth_getLogs\"}"));
    free(m);
    node_close();
}

static void test_eth_rpc_logfilter_rules(void)
{
    struct logfilter f;
    char err[200];
    struct bt_hash t[3];
    memset(t, 0, sizeof(t));
    t[0].bytes[0] = 1;
    t[1].bytes[0] = 2;
    t[2].bytes[0] = 3;
    struct bts_log log = {.topics = t, .n_topics = 2};
    log.address.bytes[19] = 9;
    json_t *c = json_loads("{\"address\": [\"0x0000000000000000000000000000000000000009\", "
                           "\"0x0000000000000000000000000000000000000008\"], \"topics\": [null, "
                           "[\"0x02000000000000000000000000000000000000000000000000000000000000"
                           "00\", \"0x0300000000000000000000000000000000000000000000000000000000"
                           "000000\"]]}",
                           0, NULL);
    CU_ASSERT_EQUAL_FATAL(logfilter_parse(&f, c, err, sizeof(err)), BT_OK);
    CU_ASSERT(logfilter_match(&f, &log));
    log.n_topics = 1; /* fewer topics than constrained positions */
    CU_ASSERT(!logfilter_match(&f, &log));
    log.n_topics = 2;
    log.address.bytes[19] = 7;
    CU_ASSERT(!logfilter_match(&f, &log));
    log.address.bytes[19] = 9;
    uint8_t bloom[256];
    bts_receipt_bloom(bloom, &log, 1);
    CU_ASSERT(logfilter_bloom_ok(&f, bloom));
    memset(bloom, 0, sizeof(bloom));
    CU_ASSERT(!logfilter_bloom_ok(&f, bloom));
    logfilter_free(&f);
    json_decref(c);
    /* Empty criteria match everything; a bare address string works; errors. */
    CU_ASSERT_EQUAL(logfilter_parse(&f, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT(logfilter_match(&f, &log));
    CU_ASSERT(logfilter_bloom_ok(&f, bloom));
    logfilter_free(&f);
    c = json_loads("{\"address\": \"0x0000000000000000000000000000000000000009\", \"topics\": "
                   "[[]]}",
                   0, NULL);
    CU_ASSERT_EQUAL(logfilter_parse(&f, c, err, sizeof(err)), BT_OK);
    CU_ASSERT(logfilter_match(&f, &log));
    logfilter_free(&f);
    json_decref(c);
    c = json_loads("{\"topics\": [\"0x12\"]}", 0, NULL);
    CU_ASSERT_EQUAL(logfilter_parse(&f, c, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "invalid topic(s)");
    json_decref(c);
    c = json_loads("{\"blockHash\": \"0x0100000000000000000000000000000000000000000000000000000000"
                   "000000\", \"toBlock\": \"latest\"}",
                   0, NULL);
    CU_ASSERT_EQUAL(logfilter_parse(&f, c, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "cannot specify both BlockHash and FromBlock/ToBlock, choose one "
                                "or the other");
    json_decref(c);
}

/* "pending": the pending block (head + the pool's pending transactions executed). */
static void test_eth_rpc_pending_block(void)
{
    node_open();
    char to[43];
    hex20(to, to_addr);
    json_t *r = send_tx(0, 0, to_addr, 5, NULL, 0, 21000);
    json_decref(r);
    r = rpc("eth_getBalance", "[\"%s\", \"latest\"]", to);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x0");
    json_decref(r);
    r = rpc("eth_getBalance", "[\"%s\", \"pending\"]", to);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x5");
    json_decref(r);
    /* A contract (state override) returning BALANCE(0x42): the block tag decides. */
    static const char bal_call[] = "{\"to\": \"0x0000000000000000000000000000000000000099\"}";
    static const char bal_code[] = "{\"0x0000000000000000000000000000000000000099\": "
                                   "{\"code\": \"0x60423160005260206000f3\"}}";
    r = rpc("eth_call", "[%s, \"latest\", %s]", bal_call, bal_code);
    CU_ASSERT_STRING_EQUAL(res_str(r),
                           "0x0000000000000000000000000000000000000000000000000000000000000000");
    json_decref(r);
    r = rpc("eth_call", "[%s, \"pending\", %s]", bal_call, bal_code);
    CU_ASSERT_STRING_EQUAL(res_str(r),
                           "0x0000000000000000000000000000000000000000000000000000000000000005");
    json_decref(r);
    r = rpc("eth_estimateGas", "[%s, \"pending\", %s]", bal_call, bal_code);
    CU_ASSERT(strncmp(res_str(r), "0x", 2) == 0);
    json_decref(r);
    /* The pending block: number head + 1, the transaction, hash/nonce/miner null. */
    r = rpc("eth_getBlockByNumber", "[\"pending\", false]");
    json_t *b = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "number")), "0x1");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "transactions")), 1);
    CU_ASSERT(json_is_null(json_object_get(b, "hash")));
    CU_ASSERT(json_is_null(json_object_get(b, "miner")));
    CU_ASSERT(json_is_null(json_object_get(b, "nonce")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "gasUsed")), "0x5208");
    json_decref(r);
    r = rpc("eth_getBlockTransactionCountByNumber", "[\"pending\"]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x1");
    json_decref(r);
    produce();
    r = rpc("eth_getBlockByNumber", "[\"pending\", true]");
    b = json_object_get(r, "result");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "number")), "0x2");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "transactions")), 0);
    json_decref(r);
    r = rpc("eth_getBalance", "[\"%s\", \"pending\"]", to);
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x5");
    json_decref(r);
    node_close();
}

/* A reorg: the dropped block's logs reach log filters and subscriptions with removed: true;
 * the dropped transaction is pending again. */
static void test_eth_rpc_reorg_removed_logs(void)
{
    node_open();
    json_t *r = rpc("eth_newFilter", "[{\"topics\": [\"%s\"]}]", topic77);
    char lf[40], sub[40];
    snprintf(lf, sizeof(lf), "%s", res_str(r));
    json_decref(r);
    r = rpc("eth_subscribe", "[\"logs\", {}]");
    snprintf(sub, sizeof(sub), "%s", res_str(r));
    json_decref(r);
    r = send_tx(1, 0, NULL, 0, log_init, sizeof(log_init), 200000);
    char txh[67];
    snprintf(txh, sizeof(txh), "%s", res_str(r));
    json_decref(r);
    produce();
    r = rpc("eth_getFilterChanges", "[\"%s\"]", lf);
    json_t *res = json_object_get(r, "result");
    CU_ASSERT_EQUAL_FATAL(json_array_size(res), 1);
    CU_ASSERT(json_is_false(json_object_get(json_array_get(res, 0), "removed")));
    json_decref(r);
    /* Another chain from the same genesis builds two empty blocks: heavier (TD 2 > 1). */
    struct stl t2;
    struct genesis g2;
    struct ctl_engine e2;
    struct chain *c2;
    char err[512] = "";
    stl_open(&t2, "storage-memory");
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g2, "dev", 4, err, sizeof(err)), BT_OK);
    ctl_engine_init(&e2);
    struct chain_opts o;
    ctl_opts(&o, t2.sn.s, &g2, &e2, &t2.rt.workers);
    CU_ASSERT_EQUAL_FATAL(chain_open(&c2, &o, err, sizeof(err)), BT_OK);
    for (uint64_t k = 1; k <= 2; k++) {
        CU_ASSERT_EQUAL_FATAL(chain_produce(c2, 0, NULL, err, sizeof(err)), BT_OK);
        uint8_t *raw;
        size_t len;
        CU_ASSERT_EQUAL_FATAL(chain_block_rlp(c2, k, &raw, &len), BT_OK);
        bt_status rc = chain_import(N.c, raw, len, NULL, err, sizeof(err));
        if (rc != BT_OK)
            fprintf(stderr, "import: %s\n", err);
        CU_ASSERT_EQUAL(rc, BT_OK);
        free(raw);
    }
    chain_close(c2);
    stl_close(&t2);
    genesis_free(&g2);
    r = rpc("eth_blockNumber", "[]");
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x2");
    json_decref(r);
    r = rpc("eth_blockNumber", "null"); /* the handler, not the fast path: the same answer */
    CU_ASSERT_STRING_EQUAL(res_str(r), "0x2");
    json_decref(r);
    r = rpc("eth_getFilterChanges", "[\"%s\"]", lf);
    res = json_object_get(r, "result");
    CU_ASSERT_EQUAL_FATAL(json_array_size(res), 1);
    json_t *l = json_array_get(res, 0);
    CU_ASSERT(json_is_true(json_object_get(l, "removed")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(l, "transactionHash")), txh);
    json_decref(r);
    /* The subscription: the log, then the same log removed. */
    int n_added = 0, n_removed = 0;
    for (size_t i = 0; i < n_notes; i++) {
        json_t *note = json_loads(notes[i], 0, NULL);
        json_t *pr = json_object_get(note, "params");
        if (strcmp(json_string_value(json_object_get(pr, "subscription")), sub) == 0) {
            json_t *rm = json_object_get(json_object_get(pr, "result"), "removed");
            n_added += json_is_false(rm);
            n_removed += json_is_true(rm) && n_added == 1;
        }
        json_decref(note);
    }
    CU_ASSERT_EQUAL(n_added, 1);
    CU_ASSERT_EQUAL(n_removed, 1);
    /* Unmined again: pending, no receipt. */
    r = rpc("eth_getTransactionByHash", "[\"%s\"]", txh);
    CU_ASSERT(json_is_null(json_object_get(json_object_get(r, "result"), "blockHash")));
    json_decref(r);
    r = rpc("eth_getTransactionReceipt", "[\"%s\"]", txh);
    CU_ASSERT(json_is_null(json_object_get(r, "result")));
    json_decref(r);
    node_close();
}

BTS_TEST_SUITE("eth_rpc", NULL, NULL, BTS_TEST(test_eth_rpc_chain_basics),
               BTS_TEST(test_eth_rpc_transactions_and_receipts),
               BTS_TEST(test_eth_rpc_call_revert_override), BTS_TEST(test_eth_rpc_revert_text),
               BTS_TEST(test_eth_rpc_storage_proof), BTS_TEST(test_eth_rpc_logs_filters_subs),
               BTS_TEST(test_eth_rpc_logfilter_rules), BTS_TEST(test_eth_rpc_pending_block),
               BTS_TEST(test_eth_rpc_reorg_removed_logs));
