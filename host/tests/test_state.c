/* The state layer (host/chain/state*.c): roots against the independent genesis-alloc root,
 * change sets (code, storage, deletion, re-creation), the EVM view, and reload after commit. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/keccak.h>
#include <bts/test.h>
#include <bts/trie.h>

#include "genesis_int.h"
#include "state_int.h"
#include "stor_testlib.h"

static void parse_alloc(struct alloc *out, const char *json)
{
    json_error_t jerr;
    json_t *obj = json_loads(json, 0, &jerr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(alloc_parse(out, obj, "alloc", err, sizeof(err)), BT_OK);
    json_decref(obj);
}

static void alloc_root(const char *json, uint8_t out[32])
{
    struct alloc a = {0};
    parse_alloc(&a, json);
    CU_ASSERT_EQUAL(alloc_state_root(&a, out), BT_OK);
    alloc_free(&a);
}

static void addr_of(uint8_t out[20], uint8_t last)
{
    memset(out, 0, 20);
    out[19] = last;
}

static void word_of(uint8_t out[32], uint64_t v)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++)
        out[31 - i] = (uint8_t)(v >> (8 * i));
}

static void test_state_dev_genesis_root(void)
{
    struct genesis g;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g, "dev", 10, err, sizeof(err)), BT_OK);
    uint8_t want[32], have[32];
    CU_ASSERT_EQUAL(genesis_state_root(&g, want, err, sizeof(err)), BT_OK);
    struct stl t;
    stl_open(&t, "storage-memory");
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, NULL), BT_OK);
    CU_ASSERT_EQUAL(state_root(st, have), BT_OK);
    CU_ASSERT_EQUAL(memcmp(have, bts_trie_empty_root, 32), 0);
    CU_ASSERT_EQUAL(state_apply_alloc(st, &g.alloc), BT_OK);
    CU_ASSERT_EQUAL(state_root(st, have), BT_OK);
    CU_ASSERT_EQUAL(memcmp(have, want, 32), 0);
    state_free(st);
    stl_close(&t);
    genesis_free(&g);
}

#define ALLOC_AB                                                                                   \
    "{\"0x0000000000000000000000000000000000000001\": {\"balance\": \"1000\", \"nonce\": 3},"      \
    " \"0x0000000000000000000000000000000000000002\": {\"balance\": \"0x10\", \"code\": "          \
    "\"0x6001600055\", \"storage\": {\"0x01\": \"0x2a\", \"0x02\": \"0x0100\"}}}"

/* Change sets: A's fields, B created with code and two slots: the same as ALLOC_AB. */
static void apply_ab(struct state *st)
{
    static const uint8_t code[] = {0x60, 0x01, 0x60, 0x00, 0x55};
    struct bt_evm_storage_change sc[2];
    word_of(sc[0].key, 1);
    word_of(sc[0].value, 0x2a);
    word_of(sc[1].key, 2);
    word_of(sc[1].value, 0x100);
    struct bt_evm_account_change ch[2];
    memset(ch, 0, sizeof(ch));
    addr_of(ch[0].address, 1);
    ch[0].nonce = 3;
    word_of(ch[0].balance, 1000);
    addr_of(ch[1].address, 2);
    ch[1].flags = BT_EVM_ACCOUNT_CREATED | BT_EVM_ACCOUNT_CODE;
    word_of(ch[1].balance, 16);
    ch[1].code = code;
    ch[1].code_len = sizeof(code);
    ch[1].storage = sc;
    ch[1].n_storage = 2;
    struct bt_evm_result r = {.struct_size = sizeof(r), .changes = ch, .n_changes = 2};
    CU_ASSERT_EQUAL(state_apply(st, &r), BT_OK);
}

static void test_state_apply_matches_alloc_root(void)
{
    uint8_t want[32], have[32];
    alloc_root(ALLOC_AB, want);
    struct stl t;
    stl_open(&t, "storage-memory");
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, NULL), BT_OK);
    apply_ab(st);
    CU_ASSERT_EQUAL(state_root(st, have), BT_OK);
    CU_ASSERT_EQUAL(memcmp(have, want, 32), 0);

    /* The EVM view sees the applied changes. */
    uint8_t a2[20], key[32], val[32], bal[32], ch[32];
    uint64_t nonce = 9;
    addr_of(a2, 2);
    word_of(key, 2);
    CU_ASSERT_EQUAL(state_evm_iface.get_storage(st, a2, key, val), BT_OK);
    word_of(key, 0x100);
    CU_ASSERT_EQUAL(memcmp(val, key, 32), 0);
    CU_ASSERT_EQUAL(state_evm_iface.get_account(st, a2, &nonce, bal, ch), BT_OK);
    CU_ASSERT_EQUAL(nonce, 0);
    int has = 0;
    CU_ASSERT_EQUAL(state_evm_iface.has_storage(st, a2, &has), BT_OK);
    CU_ASSERT_EQUAL(has, 1);
    uint8_t a9[20];
    addr_of(a9, 9);
    CU_ASSERT_EQUAL(state_evm_iface.get_account(st, a9, &nonce, bal, ch), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(state_evm_iface.get_block_hash(st, 1, val), BT_ENOTFOUND);

    /* Zeroing slot 1 deletes it; destroying A removes it. */
    struct bt_evm_storage_change z;
    word_of(z.key, 1);
    memset(z.value, 0, 32);
    struct bt_evm_account_change c2[2];
    memset(c2, 0, sizeof(c2));
    addr_of(c2[0].address, 2);
    word_of(c2[0].balance, 16);
    c2[0].storage = &z;
    c2[0].n_storage = 1;
    addr_of(c2[1].address, 1);
    c2[1].flags = BT_EVM_ACCOUNT_DESTROYED;
    struct bt_evm_result r = {.struct_size = sizeof(r), .changes = c2, .n_changes = 2};
    CU_ASSERT_EQUAL(state_apply(st, &r), BT_OK);
    alloc_root("{\"0x0000000000000000000000000000000000000002\": {\"balance\": \"16\", \"code\": "
               "\"0x6001600055\", \"storage\": {\"0x02\": \"0x0100\"}}}",
               want);
    CU_ASSERT_EQUAL(state_root(st, have), BT_OK);
    CU_ASSERT_EQUAL(memcmp(have, want, 32), 0);
    state_free(st);
    stl_close(&t);
}

/* Commit on LevelDB with an extra op in the same batch, close, reopen, read everything back. */
static void test_state_commit_reload(void)
{
    uint8_t want[32], root[32], have[32];
    alloc_root(ALLOC_AB, want);
    struct stl t;
    stl_open(&t, "storage-leveldb");
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, NULL), BT_OK);
    apply_ab(st);
    struct stor_op head = {.type = BT_STORAGE_PUT,
                           .ns = &stor_ns_chain,
                           .key = (const uint8_t *)"head",
                           .key_len = 4,
                           .value = (const uint8_t *)"x",
                           .value_len = 1};
    CU_ASSERT_EQUAL(state_commit(st, &head, 1, BT_STORAGE_SYNC, root), BT_OK);
    CU_ASSERT_EQUAL(memcmp(root, want, 32), 0);
    /* Nothing changed: a second commit writes nothing but the extra op, same root. */
    CU_ASSERT_EQUAL(state_commit(st, NULL, 0, 0, have), BT_OK);
    CU_ASSERT_EQUAL(memcmp(have, want, 32), 0);
    state_free(st);
    stl_stop(&t);

    stl_open_in(&t, "storage-leveldb");
    CU_ASSERT(stl_has(t.sn.s, &stor_ns_chain, "head", "x"));
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, root), BT_OK);
    uint8_t a1[20], a2[20], bal[32], ch[32], key[32], val[32], w[32];
    uint64_t nonce = 0;
    addr_of(a1, 1);
    addr_of(a2, 2);
    CU_ASSERT_EQUAL(state_evm_iface.get_account(st, a1, &nonce, bal, ch), BT_OK);
    CU_ASSERT_EQUAL(nonce, 3);
    word_of(w, 1000);
    CU_ASSERT_EQUAL(memcmp(bal, w, 32), 0);
    struct bt_value code;
    CU_ASSERT_EQUAL(state_evm_iface.get_code(st, a2, &code), BT_OK);
    CU_ASSERT_EQUAL(code.len, 5);
    CU_ASSERT(code.len == 5 && code.data[0] == 0x60 && code.data[4] == 0x55);
    if (code.release)
        code.release(&code);
    word_of(key, 1);
    CU_ASSERT_EQUAL(state_evm_iface.get_storage(st, a2, key, val), BT_OK);
    word_of(w, 0x2a);
    CU_ASSERT_EQUAL(memcmp(val, w, 32), 0);
    CU_ASSERT_EQUAL(state_root(st, have), BT_OK);
    CU_ASSERT_EQUAL(memcmp(have, want, 32), 0);

    /* Re-creating B at the same address wipes its storage (CREATED). */
    struct bt_evm_account_change c = {0};
    addr_of(c.address, 2);
    c.flags = BT_EVM_ACCOUNT_CREATED | BT_EVM_ACCOUNT_CODE;
    word_of(c.balance, 16);
    c.code = (const uint8_t *)"\x60\x01\x60\x00\x55";
    c.code_len = 5;
    struct bt_evm_result r = {.struct_size = sizeof(r), .changes = &c, .n_changes = 1};
    CU_ASSERT_EQUAL(state_apply(st, &r), BT_OK);
    CU_ASSERT_EQUAL(state_evm_iface.get_storage(st, a2, key, val), BT_OK);
    memset(w, 0, 32);
    CU_ASSERT_EQUAL(memcmp(val, w, 32), 0);
    alloc_root("{\"0x0000000000000000000000000000000000000001\": {\"balance\": \"1000\", "
               "\"nonce\": 3}, \"0x0000000000000000000000000000000000000002\": {\"balance\": "
               "\"16\", \"code\": \"0x6001600055\"}}",
               want);
    CU_ASSERT_EQUAL(state_commit(st, NULL, 0, 0, have), BT_OK);
    CU_ASSERT_EQUAL(memcmp(have, want, 32), 0);
    state_free(st);
    stl_close(&t);
}

/* A root whose nodes are not in storage reads as an I/O failure, not as an empty account. */
static void test_state_missing_node_is_eio(void)
{
    struct stl t;
    stl_open(&t, "storage-memory");
    uint8_t bogus[32], a1[20], bal[32], ch[32];
    uint64_t nonce;
    memset(bogus, 0x77, 32);
    addr_of(a1, 1);
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, bogus), BT_OK);
    CU_ASSERT_EQUAL(state_evm_iface.get_account(st, a1, &nonce, bal, ch), BT_EIO);
    state_free(st);
    stl_close(&t);
}

BTS_TEST_SUITE("state", NULL, NULL, BTS_TEST(test_state_dev_genesis_root),
               BTS_TEST(test_state_apply_matches_alloc_root), BTS_TEST(test_state_commit_reload),
               BTS_TEST(test_state_missing_node_is_eio));
