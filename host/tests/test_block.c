/* The block processor (host/chain/block.c) with the real EVM (evm_core linked): value
 * transfers and contract deployments on the dev genesis, roots against an independent
 * computation, determinism, logs and bloom, and import refusing wrong roots. */
#include <stdlib.h>
#include <string.h>

#include <bts/bloom.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/test.h>
#include <bts/trie.h>

#include "block_int.h"
#include "evm_int.h"
#include "genesis_int.h"
#include "state_int.h"
#include "stor_testlib.h"

/* --- the EVM, linked directly, behind its plugin table ------------------------------------ */

static char evm_err[256];

static bt_status t_execute(void *self, const struct bt_evm_state_iface *state, void *state_ctx,
                           const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                           const struct bt_evm_config *cfg, struct bt_evm_result *out)
{
    (void)self;
    evm_err[0] = '\0';
    return evm_execute(state, state_ctx, block, tx, cfg, out, evm_err, sizeof(evm_err));
}

static const char *t_error(void *arg)
{
    (void)arg;
    return evm_err;
}

static const struct bt_evm_vtbl t_vtbl = {sizeof(struct bt_evm_vtbl), t_execute};

/* --- fixture: the dev genesis committed to storage ------------------------------------------ */

static struct genesis g;
static struct block_exec bx;
static uint8_t genesis_root[32];
static const uint8_t fee_to[20] = {0xfe, 0xe0};

/* Transactions: raw bytes kept alive for the decoded structs that point into them. */
#define MAX_TXS 20
static uint8_t raws[MAX_TXS][1024];
static struct bts_tx txs[MAX_TXS];
static struct bt_address senders[MAX_TXS];
static uint8_t sign_to[20] = {[19] = 0x42}; /* `to` of the next signed transaction */

static void sign_tx(size_t i, uint32_t key, uint8_t type, uint64_t nonce, int has_to,
                    uint64_t value, const uint8_t *data, size_t data_len, uint64_t gas)
{
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.type = type;
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(1337);
    tx.nonce = nonce;
    tx.gas_price = bts_u256_from_u64(2000000000); /* 2 gwei: fee cap for type 2 */
    tx.gas_tip_cap = bts_u256_from_u64(type == 2 ? 500000000 : 2000000000);
    tx.gas = gas;
    tx.has_to = has_to;
    memcpy(tx.to.bytes, sign_to, 20);
    tx.value = bts_u256_from_u64(value);
    tx.data = data;
    tx.data_len = data_len;
    uint8_t digest[32], sk[32], sig[65];
    CU_ASSERT_EQUAL_FATAL(bts_tx_signing_hash(digest, &tx), BT_OK);
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(sk, key), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, sk, digest), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_tx_set_signature(&tx, sig), BT_OK);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_tx_encode(&b, &tx), BT_OK);
    CU_ASSERT_FATAL(b.len <= sizeof(raws[i]));
    memcpy(raws[i], b.data, b.len);
    CU_ASSERT_EQUAL_FATAL(bts_tx_decode(&txs[i], raws[i], b.len), BT_OK);
    bts_buf_free(&b);
    struct bts_tx_rules rules = {.fork = BT_EVM_CANCUN, .chain_id = 1337};
    CU_ASSERT_EQUAL_FATAL(bts_tx_sender(&senders[i], &txs[i], &rules), BT_OK);
}

/* init: SSTORE(0, 42); return 6001600055 (PUSH1 1 PUSH1 0 SSTORE). */
static const uint8_t init_store[] = {0x60, 0x2a, 0x60, 0x00, 0x55, 0x64, 0x60, 0x01, 0x60, 0x00,
                                     0x55, 0x60, 0x00, 0x52, 0x60, 0x05, 0x60, 0x1b, 0xf3};
/* init: return 60076000 6000a1 (LOG1 with topic 7, no data). */
static const uint8_t init_log[] = {0x66, 0x60, 0x07, 0x60, 0x00, 0x60, 0x00, 0xa1,
                                   0x60, 0x00, 0x52, 0x60, 0x07, 0x60, 0x19, 0xf3};

/* The header of block 1 on the dev genesis. */
static void child_header(struct bts_header *h)
{
    memset(h, 0, sizeof(*h));
    h->number = 1;
    h->time = g.timestamp + 1;
    h->gas_limit = 30000000;
    h->difficulty = bts_u256_from_u64(0);
    h->n_optional = BTS_HEADER_OPT_PARENT_BEACON_ROOT;
    h->base_fee = bts_u256_from_u64(1000000000);
}

static void open_state(struct stl *t, struct state **st)
{
    stl_open(t, "storage-memory");
    CU_ASSERT_EQUAL_FATAL(state_new(st, t->sn.s, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(state_apply_alloc(*st, &g.alloc), BT_OK);
    uint8_t root[32];
    CU_ASSERT_EQUAL_FATAL(state_commit(*st, NULL, 0, 0, root), BT_OK);
    CU_ASSERT_EQUAL(memcmp(root, genesis_root, 32), 0);
}

static int init_suite(void)
{
    char err[256];
    if (genesis_preset(&g, "dev", 4, err, sizeof(err)) != BT_OK ||
        genesis_state_root(&g, genesis_root, err, sizeof(err)) != BT_OK)
        return 1;
    bx.cfg = &g.config;
    bx.evm = &t_vtbl;
    bx.evm_error = t_error;
    return 0;
}

static int clean_suite(void)
{
    genesis_free(&g);
    return 0;
}

/* Three transfers (legacy, EIP-2930, EIP-1559) and two deployments. */
static size_t block1_txs(void)
{
    sign_tx(0, 0, 0, 0, 1, 1000, NULL, 0, 21000);
    sign_tx(1, 1, 1, 0, 1, 2000, NULL, 0, 21000);
    sign_tx(2, 2, 2, 0, 1, 3000, NULL, 0, 21000);
    sign_tx(3, 0, 0, 1, 0, 0, init_store, sizeof(init_store), 200000);
    sign_tx(4, 3, 0, 0, 0, 0, init_log, sizeof(init_log), 200000);
    return 5;
}

static void test_block_transfers_root_matches_alloc(void)
{
    struct stl t;
    struct state *st;
    open_state(&t, &st);
    sign_tx(0, 0, 0, 0, 1, 1000, NULL, 0, 21000);
    sign_tx(1, 1, 2, 0, 1, 2000, NULL, 0, 21000);
    struct bts_header h;
    child_header(&h);
    struct block_receipts rs;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(
        block_process(&bx, st, &h, fee_to, txs, senders, 2, &rs, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(h.gas_used, 42000);
    CU_ASSERT_EQUAL(rs.n, 2);

    /* Independently: the genesis allocation with the balances moved by hand. Legacy at 2 gwei
     * pays the fee recipient (2 - 1) gwei a gas; type 2 tips 0.5 gwei; base fee is burnt. */
    struct alloc want = {0};
    for (size_t i = 0; i < g.alloc.n; i++)
        CU_ASSERT_EQUAL(
            alloc_add_balance(&want, &g.alloc.accounts[i].addr, &g.alloc.accounts[i].balance),
            BT_OK);
    struct bts_u256 fee, v;
    for (size_t i = 0; i < want.n; i++) {
        struct alloc_account *a = &want.accounts[i];
        int k = memcmp(a->addr.bytes, senders[0].bytes, 20) == 0   ? 0
                : memcmp(a->addr.bytes, senders[1].bytes, 20) == 0 ? 1
                                                                   : -1;
        if (k < 0)
            continue;
        a->nonce = 1;
        fee = bts_u256_from_u64(21000ull * (k == 0 ? 2000000000ull : 1500000000ull) +
                                (k == 0 ? 1000 : 2000));
        bts_u256_sub(&a->balance, &a->balance, &fee);
    }
    struct bt_address to = {{0}}, feeacc;
    to.bytes[19] = 0x42;
    memcpy(feeacc.bytes, fee_to, 20);
    v = bts_u256_from_u64(3000);
    CU_ASSERT_EQUAL(alloc_add_balance(&want, &to, &v), BT_OK);
    v = bts_u256_from_u64(21000ull * 1000000000ull + 21000ull * 500000000ull);
    CU_ASSERT_EQUAL(alloc_add_balance(&want, &feeacc, &v), BT_OK);
    uint8_t root[32];
    CU_ASSERT_EQUAL(alloc_state_root(&want, root), BT_OK);
    CU_ASSERT_EQUAL(memcmp(root, h.state_root.bytes, 32), 0);
    alloc_free(&want);
    block_receipts_free(&rs);
    state_free(st);
    stl_close(&t);
}

static void run_block1(struct bts_header *h, struct block_receipts *rs)
{
    struct stl t;
    struct state *st;
    open_state(&t, &st);
    size_t n = block1_txs();
    child_header(h);
    char err[256] = "";
    bt_status rc = block_process(&bx, st, h, fee_to, txs, senders, n, rs, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "block_process: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
    state_free(st);
    stl_close(&t);
}

static void test_block_deploy_deterministic(void)
{
    struct bts_header a, b;
    struct block_receipts ra, rb;
    run_block1(&a, &ra);
    run_block1(&b, &rb);
    CU_ASSERT_EQUAL(ra.n, 5);
    CU_ASSERT(ra.r[3].has_created && ra.r[4].has_created);
    CU_ASSERT(a.gas_used > 3 * 21000 + 2 * 53000);
    CU_ASSERT_EQUAL(memcmp(a.state_root.bytes, b.state_root.bytes, 32), 0);
    CU_ASSERT_EQUAL(memcmp(a.receipt_root.bytes, b.receipt_root.bytes, 32), 0);
    CU_ASSERT_EQUAL(memcmp(a.tx_root.bytes, b.tx_root.bytes, 32), 0);
    CU_ASSERT(memcmp(a.tx_root.bytes, bts_trie_empty_root, 32) != 0);
    uint8_t ha[32], hb[32];
    CU_ASSERT_EQUAL(bts_header_hash(ha, &a), BT_OK);
    CU_ASSERT_EQUAL(bts_header_hash(hb, &b), BT_OK);
    CU_ASSERT_EQUAL(memcmp(ha, hb, 32), 0);
    block_receipts_free(&ra);
    block_receipts_free(&rb);
}

/* Import: the produced header passes on a fresh state; a wrong root is refused. Then block 2
 * calls the log contract: the log shows in the bloom. */
static void test_block_import_checks_roots(void)
{
    struct bts_header h;
    struct block_receipts rs;
    run_block1(&h, &rs);
    uint8_t log_addr[20];
    memcpy(log_addr, rs.r[4].created, 20);
    block_receipts_free(&rs);

    struct stl t;
    struct state *st;
    char err[256] = "";
    open_state(&t, &st);
    size_t n = block1_txs();
    CU_ASSERT_EQUAL(block_import_check(&bx, st, &h, fee_to, txs, senders, n, &rs, err, sizeof(err)),
                    BT_OK);
    block_receipts_free(&rs);
    uint8_t root1[32];
    CU_ASSERT_EQUAL(state_commit(st, NULL, 0, 0, root1), BT_OK);
    CU_ASSERT_EQUAL(memcmp(root1, h.state_root.bytes, 32), 0);

    /* Block 2 on the committed state: call the log contract. */
    struct bts_header h2;
    child_header(&h2);
    h2.number = 2;
    h2.time++;
    memcpy(sign_to, log_addr, 20);
    sign_tx(1, 1, 0, 1, 1, 0, NULL, 0, 100000);
    memset(sign_to, 0, 20);
    sign_to[19] = 0x42;
    struct state *st2;
    CU_ASSERT_EQUAL_FATAL(state_new(&st2, t.sn.s, root1), BT_OK);
    CU_ASSERT_EQUAL(
        block_process(&bx, st2, &h2, fee_to, &txs[1], &senders[1], 1, &rs, err, sizeof(err)),
        BT_OK);
    uint8_t topic[32] = {0};
    topic[31] = 7;
    CU_ASSERT(bts_bloom_test(h2.bloom, topic, 32));
    CU_ASSERT(bts_bloom_test(h2.bloom, log_addr, 20));
    block_receipts_free(&rs);
    state_free(st2);
    state_free(st);

    /* A wrong state root is refused with geth's wording. */
    struct bts_header bad = h;
    bad.state_root.bytes[0] ^= 1;
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, genesis_root), BT_OK);
    n = block1_txs();
    CU_ASSERT_EQUAL(
        block_import_check(&bx, st, &bad, fee_to, txs, senders, n, &rs, err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid merkle root"));
    CU_ASSERT_EQUAL(rs.n, 0);
    state_free(st);

    /* So are a wrong receipt root and a wrong gas used. */
    bad = h;
    bad.receipt_root.bytes[5] ^= 1;
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, genesis_root), BT_OK);
    CU_ASSERT_EQUAL(
        block_import_check(&bx, st, &bad, fee_to, txs, senders, n, &rs, err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid receipt root hash"));
    state_free(st);
    bad = h;
    bad.gas_used++;
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, genesis_root), BT_OK);
    CU_ASSERT_EQUAL(
        block_import_check(&bx, st, &bad, fee_to, txs, senders, n, &rs, err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid gas used"));
    state_free(st);
    stl_close(&t);
}

/* An invalid transaction (a replayed nonce) fails the block with the EVM's geth wording. */
static void test_block_invalid_tx(void)
{
    struct stl t;
    struct state *st;
    open_state(&t, &st);
    sign_tx(0, 0, 0, 0, 1, 1, NULL, 0, 21000);
    sign_tx(1, 0, 0, 0, 1, 1, NULL, 0, 21000);
    struct bts_header h;
    child_header(&h);
    struct block_receipts rs;
    char err[256] = "";
    CU_ASSERT_EQUAL(block_process(&bx, st, &h, fee_to, txs, senders, 2, &rs, err, sizeof(err)),
                    BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tx 1: nonce too low"));
    CU_ASSERT_EQUAL(rs.n, 0);
    state_free(st);

    /* Over the block's gas limit. */
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, genesis_root), BT_OK);
    h.gas_limit = 30000;
    CU_ASSERT_EQUAL(block_process(&bx, st, &h, fee_to, txs, senders, 2, &rs, err, sizeof(err)),
                    BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tx 1: gas limit reached"));
    state_free(st);
    stl_close(&t);
}

/* Production's deadline (block_exec.stop_at_ms): a block built after it passed ends after the
 * first 16 transactions (checked every 16), roots over those; an import runs them all. */
static void test_block_stop_at_deadline(void)
{
    for (size_t i = 0; i < MAX_TXS; i++)
        sign_tx(i, (uint32_t)(i % 4), 0, i / 4, 1, 1, NULL, 0, 21000);
    struct stl t;
    struct state *st;
    char err[256] = "";
    struct block_receipts rs;
    struct bts_header full, cut, first16;
    open_state(&t, &st);
    child_header(&full);
    CU_ASSERT_EQUAL_FATAL(
        block_process(&bx, st, &full, fee_to, txs, senders, MAX_TXS, &rs, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(rs.n, MAX_TXS);
    block_receipts_free(&rs);
    state_free(st);

    struct block_exec late = bx;
    late.stop_at_ms = 1; /* long past */
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, genesis_root), BT_OK);
    child_header(&cut);
    CU_ASSERT_EQUAL_FATAL(
        block_process(&late, st, &cut, fee_to, txs, senders, MAX_TXS, &rs, err, sizeof(err)),
        BT_OK);
    CU_ASSERT_EQUAL(rs.n, 16);
    CU_ASSERT_EQUAL(cut.gas_used, 16 * 21000);
    block_receipts_free(&rs);
    state_free(st);

    /* The same as a block of just those 16. */
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, genesis_root), BT_OK);
    child_header(&first16);
    CU_ASSERT_EQUAL_FATAL(
        block_process(&bx, st, &first16, fee_to, txs, senders, 16, &rs, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(cut.tx_root.bytes, first16.tx_root.bytes, 32), 0);
    CU_ASSERT_EQUAL(memcmp(cut.receipt_root.bytes, first16.receipt_root.bytes, 32), 0);
    CU_ASSERT_EQUAL(memcmp(cut.state_root.bytes, first16.state_root.bytes, 32), 0);
    block_receipts_free(&rs);
    state_free(st);

    /* An import ignores the deadline: the full block checks out. */
    CU_ASSERT_EQUAL_FATAL(state_new(&st, t.sn.s, genesis_root), BT_OK);
    CU_ASSERT_EQUAL(
        block_import_check(&late, st, &full, fee_to, txs, senders, MAX_TXS, &rs, err, sizeof(err)),
        BT_OK);
    CU_ASSERT_EQUAL(rs.n, MAX_TXS);
    block_receipts_free(&rs);
    state_free(st);
    stl_close(&t);
}

BTS_TEST_SUITE("block", init_suite, clean_suite, BTS_TEST(test_block_transfers_root_matches_alloc),
               BTS_TEST(test_block_deploy_deterministic), BTS_TEST(test_block_import_checks_roots),
               BTS_TEST(test_block_invalid_tx), BTS_TEST(test_block_stop_at_deadline));
