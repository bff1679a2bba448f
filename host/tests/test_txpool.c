/* txpool: every validation rule with geth's error string, replacement, limits and eviction,
 * promotion/demotion on a new head, price-and-nonce order, the journal across a restart
 * (including a truncated last record), and the txpool_status/content shapes. Transactions are
 * signed here with the dev keys. */
#include "genesis_int.h"
#include "txpool_int.h"

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- a state view over a small table ------------------------------------------------------- */

struct acct {
    struct bt_address addr;
    uint64_t nonce;
    struct bts_u256 balance;
};
static struct acct accts[8];
static size_t n_accts;

static bt_status view_account(void *ctx, const struct bt_address *addr, uint64_t *out_nonce,
                              struct bts_u256 *out_balance)
{
    (void)ctx;
    for (size_t i = 0; i < n_accts; i++) {
        if (memcmp(accts[i].addr.bytes, addr->bytes, 20) == 0) {
            *out_nonce = accts[i].nonce;
            *out_balance = accts[i].balance;
            return BT_OK;
        }
    }
    *out_nonce = 0;
    *out_balance = bts_u256_from_u64(0);
    return BT_OK;
}

static const struct txpool_state view = {view_account, NULL};

#define ETHER 1000000000000000000ull

/* Dev accounts 0..7 funded with 10 ether each (fits in 64 bits), nonce 0. */
static void reset_state(void)
{
    n_accts = 8;
    for (uint32_t i = 0; i < n_accts; i++) {
        CU_ASSERT_EQUAL_FATAL(genesis_dev_address(&accts[i].addr, i), BT_OK);
        accts[i].nonce = 0;
        accts[i].balance = bts_u256_from_u64(10 * ETHER);
    }
}

/* --- signed transactions ------------------------------------------------------------------- */

struct spec {
    uint32_t key;
    uint8_t type;
    uint64_t nonce;
    uint64_t price; /* gas price, or fee cap */
    uint64_t tip;   /* types 2: tip */
    uint64_t gas;
    uint64_t value;
    uint64_t chain_id;
    size_t data_len;
};

static uint8_t raw_buf[256 * 1024];
static size_t raw_len;

/* Sign and encode into raw_buf/raw_len; returns the hash. */
static struct bt_hash sign(struct spec s)
{
    struct bts_tx tx;
    static uint8_t data[200 * 1024];
    memset(&tx, 0, sizeof(tx));
    tx.type = s.type;
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(s.chain_id ? s.chain_id : 1337);
    tx.nonce = s.nonce;
    tx.gas_price = bts_u256_from_u64(s.price);
    tx.gas_tip_cap = bts_u256_from_u64(s.type >= 2 ? s.tip : s.price);
    tx.gas = s.gas ? s.gas : 21000;
    tx.has_to = 1;
    tx.to.bytes[19] = 0x42;
    tx.value = bts_u256_from_u64(s.value);
    tx.data = data;
    tx.data_len = s.data_len;
    uint8_t digest[32], key[32], sig[65];
    CU_ASSERT_EQUAL_FATAL(bts_tx_signing_hash(digest, &tx), BT_OK);
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, s.key), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, key, digest), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_tx_set_signature(&tx, sig), BT_OK);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_tx_encode(&b, &tx), BT_OK);
    CU_ASSERT_FATAL(b.len <= sizeof(raw_buf));
    memcpy(raw_buf, b.data, b.len);
    raw_len = b.len;
    struct bt_hash h;
    bts_keccak256(h.bytes, b.data, b.len);
    bts_buf_free(&b);
    return h;
}

static struct chaincfg dev_cfg, bttc_cfg;
static struct txpool_head dev_head = {1, 0, 30000000, 1, {{7, 0, 0, 0}}}; /* base fee 7 wei */
static struct txpool_head bttc_head = {1, 0, 10000000, 0, {{0}}};

static struct txpool *new_pool(const struct txpool_config *cfg)
{
    struct txpool_config def;
    struct txpool *p;
    txpool_config_default(&def);
    CU_ASSERT_EQUAL_FATAL(txpool_new(&p, cfg ? cfg : &def, &dev_cfg, &view, &dev_head), BT_OK);
    return p;
}

/* Add spec s; expect status want (and its text). */
static void add_expect(struct txpool *p, struct spec s, bt_status want, const char *text)
{
    sign(s);
    bt_status st = txpool_add(p, raw_buf, raw_len, NULL);
    if (st != want)
        fprintf(stderr, "\n  got %s, want %s\n", txpool_strerror(st), text);
    CU_ASSERT_EQUAL(st, want);
    CU_ASSERT_STRING_EQUAL(txpool_strerror(st), text);
}

static int init_suite(void)
{
    if (chaincfg_preset(&dev_cfg, CHAINCFG_DEV) || chaincfg_preset(&bttc_cfg, CHAINCFG_MAINNET))
        return 1;
    return 0;
}

static int clean_suite(void)
{
    chaincfg_free(&dev_cfg);
    chaincfg_free(&bttc_cfg);
    return 0;
}

static void counts(struct txpool *p, size_t want_pending, size_t want_queued)
{
    size_t pe, qu;
    txpool_counts(p, &pe, &qu);
    CU_ASSERT_EQUAL(pe, want_pending);
    CU_ASSERT_EQUAL(qu, want_queued);
}

/* --- tests ----------------------------------------------------------------------------------- */

static void test_txpool_errors(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    uint8_t junk[3] = {0xc2, 0x01, 0x02};
    CU_ASSERT_EQUAL(BT_STATUS_PRIMARY(txpool_add(p, junk, sizeof(junk), NULL)), BT_EINVAL);
    add_expect(p, (struct spec){.key = 0, .type = 2, .price = 1000, .tip = 10, .data_len = 131072},
               TXPOOL_EOVERSIZED, "oversized data");
    add_expect(p, (struct spec){.key = 0, .gas = 30000001, .price = 100}, TXPOOL_EGAS_LIMIT,
               "exceeds block gas limit");
    add_expect(p, (struct spec){.key = 0, .gas = 20999, .price = 100}, TXPOOL_EINTRINSIC,
               "intrinsic gas too low");
    add_expect(p, (struct spec){.key = 0, .price = 100, .chain_id = 5}, TXPOOL_ESENDER,
               "invalid sender");
    add_expect(p, (struct spec){.key = 0, .type = 2, .price = 100, .tip = 0}, TXPOOL_EUNDERPRICED,
               "transaction underpriced");
    add_expect(p, (struct spec){.key = 0, .type = 2, .price = 10, .tip = 11},
               BTS_TX_ETIP_ABOVE_FEE_CAP, "max priority fee per gas higher than max fee per gas");
    add_expect(p, (struct spec){.key = 0, .price = 1000, .value = 10 * ETHER}, TXPOOL_EFUNDS,
               "insufficient funds for gas * price + value");
    add_expect(p, (struct spec){.key = 0, .price = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 0, .price = 100}, TXPOOL_EKNOWN, "already known");
    accts[1].nonce = 5;
    add_expect(p, (struct spec){.key = 1, .nonce = 4, .price = 100}, TXPOOL_ENONCE_LOW,
               "nonce too low");
    counts(p, 1, 0);
    txpool_free(p);

    /* Bttc runs Berlin: a type-2 transaction is not supported (PROTOCOL.md §3.10). */
    struct txpool_config cfg;
    txpool_config_default(&cfg);
    CU_ASSERT_EQUAL_FATAL(txpool_new(&p, &cfg, &bttc_cfg, &view, &bttc_head), BT_OK);
    add_expect(p, (struct spec){.key = 0, .type = 2, .price = 100, .tip = 1, .chain_id = 199},
               TXPOOL_ETYPE, "transaction type not supported");
    add_expect(p, (struct spec){.key = 0, .type = 1, .price = 100, .chain_id = 199}, BT_OK, "ok");
    counts(p, 1, 0);
    txpool_free(p);
    CU_ASSERT_STRING_EQUAL(txpool_strerror(TXPOOL_EACCOUNT_LIMIT), "account limit exceeded");
    CU_ASSERT_STRING_EQUAL(txpool_strerror(TXPOOL_EFULL), "txpool is full");
    reset_state();
}

static void test_txpool_replacement(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    struct txpool_added a;
    add_expect(p, (struct spec){.key = 0, .price = 100}, BT_OK, "ok");
    /* +9% is not enough, +10% is (geth's default price bump). */
    add_expect(p, (struct spec){.key = 0, .price = 109}, TXPOOL_EREPLACE,
               "replacement transaction underpriced");
    struct bt_hash h = sign((struct spec){.key = 0, .price = 110});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, &a), BT_OK);
    CU_ASSERT(a.replaced);
    CU_ASSERT(a.is_pending);
    CU_ASSERT_PTR_NOT_NULL(txpool_get(p, h.bytes));
    counts(p, 1, 0);

    /* EIP-1559: both fee cap and tip must rise by 10%. */
    add_expect(p, (struct spec){.key = 1, .type = 2, .price = 1000, .tip = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 1, .type = 2, .price = 2000, .tip = 105}, TXPOOL_EREPLACE,
               "replacement transaction underpriced");
    add_expect(p, (struct spec){.key = 1, .type = 2, .price = 1050, .tip = 200}, TXPOOL_EREPLACE,
               "replacement transaction underpriced");
    add_expect(p, (struct spec){.key = 1, .type = 2, .price = 1100, .tip = 110}, BT_OK, "ok");
    counts(p, 2, 0);
    txpool_free(p);
}

static void test_txpool_pending_and_queued(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    struct txpool_added a;
    sign((struct spec){.key = 0, .nonce = 0, .price = 100});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, &a), BT_OK);
    CU_ASSERT(a.is_pending);
    sign((struct spec){.key = 0, .nonce = 2, .price = 100});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, &a), BT_OK);
    CU_ASSERT_FALSE(a.is_pending);
    counts(p, 1, 1);
    uint64_t nonce;
    CU_ASSERT_EQUAL(txpool_nonce(p, &accts[0].addr, &nonce), BT_OK);
    CU_ASSERT_EQUAL(nonce, 1);
    /* Filling the gap promotes nonce 2. */
    sign((struct spec){.key = 0, .nonce = 1, .price = 100});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, &a), BT_OK);
    CU_ASSERT(a.is_pending);
    counts(p, 3, 0);
    CU_ASSERT_EQUAL(txpool_nonce(p, &accts[0].addr, &nonce), BT_OK);
    CU_ASSERT_EQUAL(nonce, 3);
    CU_ASSERT_EQUAL(txpool_nonce(p, &accts[3].addr, &nonce), BT_OK);
    CU_ASSERT_EQUAL(nonce, 0);
    txpool_free(p);
}

static void test_txpool_limits_and_eviction(void)
{
    reset_state();
    struct txpool_config cfg;
    txpool_config_default(&cfg);
    cfg.account_slots = 3;
    cfg.global_slots = 3;
    cfg.global_queue = 2;
    struct txpool *p = new_pool(&cfg);
    for (uint64_t n = 0; n < 3; n++)
        add_expect(p, (struct spec){.key = 0, .nonce = n, .price = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 0, .nonce = 3, .price = 100}, TXPOOL_EACCOUNT_LIMIT,
               "account limit exceeded");
    txpool_free(p);

    cfg.account_slots = 64;
    p = new_pool(&cfg);
    for (uint64_t n = 0; n < 3; n++)
        add_expect(p, (struct spec){.key = 0, .nonce = n, .price = 100}, BT_OK, "ok");
    /* Pending is full and only the sender's own transactions could go. */
    add_expect(p, (struct spec){.key = 0, .nonce = 3, .price = 500}, TXPOOL_EFULL,
               "txpool is full");
    /* Another sender: equal price is underpriced, higher evicts sender 0's tail (nonce 2). */
    add_expect(p, (struct spec){.key = 1, .price = 100}, TXPOOL_EUNDERPRICED,
               "transaction underpriced");
    struct bt_hash tail = sign((struct spec){.key = 0, .nonce = 2, .price = 100});
    CU_ASSERT_PTR_NOT_NULL(txpool_get(p, tail.bytes));
    add_expect(p, (struct spec){.key = 1, .price = 101}, BT_OK, "ok");
    CU_ASSERT_PTR_NULL(txpool_get(p, tail.bytes));
    counts(p, 3, 0);
    /* Queued class: limit 2; the cheapest queued tail of another sender goes. */
    add_expect(p, (struct spec){.key = 2, .nonce = 5, .price = 50}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 3, .nonce = 5, .price = 60}, BT_OK, "ok");
    counts(p, 3, 2);
    add_expect(p, (struct spec){.key = 4, .nonce = 5, .price = 40}, TXPOOL_EUNDERPRICED,
               "transaction underpriced");
    struct bt_hash q = sign((struct spec){.key = 2, .nonce = 5, .price = 50});
    add_expect(p, (struct spec){.key = 4, .nonce = 5, .price = 70}, BT_OK, "ok");
    CU_ASSERT_PTR_NULL(txpool_get(p, q.bytes));
    counts(p, 3, 2);
    txpool_free(p);
}

static void test_txpool_effective_tip_eviction(void)
{
    /* With base fee 7: fee cap 100/tip 50 pays 50; legacy 40 pays 33; fee cap 6 pays nothing. */
    reset_state();
    struct txpool_config cfg;
    txpool_config_default(&cfg);
    cfg.global_slots = 2;
    struct txpool *p = new_pool(&cfg);
    add_expect(p, (struct spec){.key = 0, .type = 2, .price = 100, .tip = 50}, BT_OK, "ok");
    struct bt_hash cheap = sign((struct spec){.key = 1, .price = 40});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    /* Legacy 45 pays 38 > 33: evicts sender 1. */
    add_expect(p, (struct spec){.key = 2, .price = 45}, BT_OK, "ok");
    CU_ASSERT_PTR_NULL(txpool_get(p, cheap.bytes));
    txpool_free(p);
}

static void test_txpool_reset_promote_demote(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    for (uint64_t n = 0; n < 4; n++)
        add_expect(p, (struct spec){.key = 0, .nonce = n, .price = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 1, .nonce = 1, .price = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 2, .nonce = 0, .price = 100, .value = 5 * ETHER}, BT_OK,
               "ok");
    add_expect(p, (struct spec){.key = 2, .nonce = 1, .price = 100}, BT_OK, "ok");
    counts(p, 6, 1);

    /* Block imported: sender 0 had nonces 0, 1 mined; sender 1's nonce 0 arrived elsewhere
     * (its nonce 1 becomes executable); sender 2 spent most of its balance, so its nonce 0
     * cannot pay and nonce 1 loses its place in line. */
    accts[0].nonce = 2;
    accts[1].nonce = 1;
    accts[2].balance = bts_u256_from_u64(1 * ETHER);
    struct txpool_reset_stats rs;
    struct txpool_head next = dev_head;
    next.number = 2;
    CU_ASSERT_EQUAL_FATAL(txpool_reset(p, &next, &rs), BT_OK);
    CU_ASSERT_EQUAL(rs.dropped_stale, 2);
    CU_ASSERT_EQUAL(rs.dropped_invalid, 1);
    CU_ASSERT_EQUAL(rs.promoted, 1);
    CU_ASSERT_EQUAL(rs.demoted, 1);
    counts(p, 3, 1);
    uint64_t nonce;
    CU_ASSERT_EQUAL(txpool_nonce(p, &accts[0].addr, &nonce), BT_OK);
    CU_ASSERT_EQUAL(nonce, 4);
    CU_ASSERT_EQUAL(txpool_nonce(p, &accts[2].addr, &nonce), BT_OK);
    CU_ASSERT_EQUAL(nonce, 0);

    /* A lower block gas limit drops what no longer fits. */
    add_expect(p, (struct spec){.key = 3, .gas = 100000, .price = 100}, BT_OK, "ok");
    next.gas_limit = 50000;
    CU_ASSERT_EQUAL_FATAL(txpool_reset(p, &next, &rs), BT_OK);
    CU_ASSERT_EQUAL(rs.dropped_invalid, 1);
    counts(p, 3, 1);
    txpool_free(p);
    reset_state();
}

/* A block on the head: only its senders are re-read; an account whose balance went up since
 * its last refresh gets a transaction the cached balance would refuse; a lower gas limit still
 * re-checks every sender. */
static void test_txpool_reset_senders(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    for (uint64_t n = 0; n < 3; n++)
        add_expect(p, (struct spec){.key = 0, .nonce = n, .price = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 1, .nonce = 0, .price = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 1, .nonce = 1, .price = 100}, BT_OK, "ok");
    counts(p, 5, 0);

    /* Block 2 mined sender 0's nonces 0 and 1 (listed twice, as a block lists a sender once per
     * transaction); sender 1's state moved too, but it is not a sender of the block: kept. */
    accts[0].nonce = 2;
    accts[1].nonce = 2;
    struct bt_address senders[3] = {accts[0].addr, accts[0].addr, accts[5].addr};
    struct txpool_reset_stats rs;
    struct txpool_head next = dev_head;
    next.number = 2;
    CU_ASSERT_EQUAL_FATAL(txpool_reset_senders(p, &next, senders, 3, &rs), BT_OK);
    CU_ASSERT_EQUAL(rs.dropped_stale, 2);
    CU_ASSERT_EQUAL(rs.dropped_invalid, 0);
    counts(p, 3, 0);
    uint64_t nonce;
    CU_ASSERT_EQUAL(txpool_nonce(p, &accts[0].addr, &nonce), BT_OK);
    CU_ASSERT_EQUAL(nonce, 3);

    /* Sender 0's cached balance (10 ether) is below a 15-ether transfer until it is re-read. */
    accts[0].balance = bts_u256_from_u64(17 * ETHER);
    add_expect(p, (struct spec){.key = 0, .nonce = 3, .price = 100, .value = 15 * ETHER}, BT_OK,
               "ok");
    accts[0].balance = bts_u256_from_u64(1 * ETHER); /* spent elsewhere: seen at the next pass */

    /* A lower gas limit: every sender re-read (sender 1's stale nonces 0 and 1 go, sender 0's
     * transactions no longer paid for go). */
    next.number = 3;
    next.gas_limit = 25000;
    CU_ASSERT_EQUAL_FATAL(txpool_reset_senders(p, &next, NULL, 0, &rs), BT_OK);
    CU_ASSERT_EQUAL(rs.dropped_stale, 2);
    CU_ASSERT_EQUAL(rs.dropped_invalid, 1);
    counts(p, 1, 0);
    txpool_free(p);
    reset_state();
}

static void test_txpool_price_and_nonce_order(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    /* Sender 0: nonce 0 cheap, nonce 1 expensive: nonce order wins within a sender. */
    struct bt_hash a0 = sign((struct spec){.key = 0, .nonce = 0, .price = 20});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    struct bt_hash a1 = sign((struct spec){.key = 0, .nonce = 1, .price = 100});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    struct bt_hash b0 = sign((struct spec){.key = 1, .nonce = 0, .price = 50});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    struct bt_hash c0 = sign((struct spec){.key = 2, .nonce = 0, .price = 50}); /* later: after b */
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    /* 1559 with fee cap 1000, tip 30: pays 30 at base fee 7. */
    struct bt_hash d0 =
        sign((struct spec){.key = 3, .type = 2, .nonce = 0, .price = 1000, .tip = 30});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    sign((struct spec){.key = 4, .nonce = 3, .price = 999}); /* queued: never offered */
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);

    /* Effective tips at base fee 7: a0 13, a1 93, b0 43, c0 43, d0 30. */
    const struct bt_hash *want[] = {&b0, &c0, &d0, &a0, &a1};
    struct txpool_iter *it;
    CU_ASSERT_EQUAL_FATAL(txpool_iter_new(&it, p), BT_OK);
    for (size_t i = 0; i < BTS_ARRAY_SIZE(want); i++) {
        const struct txpool_tx *t = txpool_iter_peek(it);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_EQUAL(memcmp(t->tx.hash.bytes, want[i]->bytes, 32), 0);
        txpool_iter_shift(it);
    }
    CU_ASSERT_PTR_NULL(txpool_iter_peek(it));
    txpool_iter_free(it);

    /* pop skips a sender's remaining transactions. */
    CU_ASSERT_EQUAL_FATAL(txpool_iter_new(&it, p), BT_OK);
    size_t n = 0;
    for (const struct txpool_tx *t; (t = txpool_iter_peek(it)) != NULL; n++) {
        if (memcmp(t->tx.hash.bytes, a0.bytes, 32) == 0)
            txpool_iter_pop(it);
        else
            txpool_iter_shift(it);
    }
    CU_ASSERT_EQUAL(n, 4); /* b0, c0, d0, a0 (a1 skipped) */
    txpool_iter_free(it);
    txpool_free(p);
}

static void test_txpool_journal_restart(void)
{
    reset_state();
    char dir[] = "/tmp/bttcd-txpool-XXXXXX", path[128], err[256] = "";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/transactions.rlp", dir);
    struct txpool *p = new_pool(NULL);
    struct txpool_journal_stats js;
    CU_ASSERT_EQUAL_FATAL(txpool_journal_open(p, path, &js, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(js.loaded, 0);
    add_expect(p, (struct spec){.key = 0, .nonce = 0, .price = 100}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 0, .nonce = 2, .price = 100}, BT_OK, "ok");
    struct bt_hash typed = sign((struct spec){.key = 1, .type = 2, .price = 100, .tip = 10});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    add_expect(p, (struct spec){.key = 1, .type = 2, .price = 100, .tip = 10}, TXPOOL_EKNOWN,
               "already known");
    /* A replacement is journalled too; replay keeps the later one. */
    struct bt_hash repl = sign((struct spec){.key = 0, .nonce = 0, .price = 200});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    txpool_free(p); /* "crash": nothing rotated since */

    /* Half a record at the end, as a crash mid-write leaves it. */
    sign((struct spec){.key = 2, .price = 100});
    FILE *f = fopen(path, "ab");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(raw_buf, 1, raw_len / 2, f), raw_len / 2);
    fclose(f);

    /* Restart: sender 0's nonce 0 was mined meanwhile. */
    accts[0].nonce = 1;
    p = new_pool(NULL);
    CU_ASSERT_EQUAL_FATAL(txpool_journal_open(p, path, &js, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(js.loaded, 2);   /* sender 0 nonce 2, sender 1's typed tx */
    CU_ASSERT_EQUAL(js.rejected, 2); /* both nonce-0 versions: nonce too low */
    CU_ASSERT_EQUAL(js.truncated_bytes, raw_len / 2);
    CU_ASSERT_PTR_NOT_NULL(txpool_get(p, typed.bytes));
    CU_ASSERT_PTR_NULL(txpool_get(p, repl.bytes));
    counts(p, 1, 1);
    /* Rotation rewrote the live set; appends continue after it. */
    add_expect(p, (struct spec){.key = 3, .price = 100}, BT_OK, "ok");
    CU_ASSERT_EQUAL(txpool_journal_rotate(p, err, sizeof(err)), BT_OK);
    txpool_free(p);

    p = new_pool(NULL);
    CU_ASSERT_EQUAL_FATAL(txpool_journal_open(p, path, &js, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(js.loaded, 3);
    CU_ASSERT_EQUAL(js.rejected, 0);
    CU_ASSERT_EQUAL(js.truncated_bytes, 0);
    counts(p, 2, 1);
    txpool_free(p);

    /* Unreadable location. */
    p = new_pool(NULL);
    CU_ASSERT_EQUAL(txpool_journal_rotate(p, err, sizeof(err)), BT_EINVAL);
    snprintf(path, sizeof(path), "%s/missing-dir/transactions.rlp", dir);
    CU_ASSERT_EQUAL(txpool_journal_open(p, path, &js, err, sizeof(err)), BT_EIO);
    CU_ASSERT(strstr(err, "cannot create") != NULL);
    txpool_free(p);

    snprintf(path, sizeof(path), "%s/transactions.rlp", dir);
    unlink(path);
    rmdir(dir);
    reset_state();
}

static off_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* Held appends reach the file only at the outermost release, all of them; a rotation while
 * held writes them with the live set (not twice). */
static void test_txpool_journal_hold(void)
{
    reset_state();
    char dir[] = "/tmp/bttcd-txpool-XXXXXX", path[128], err[256] = "";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/transactions.rlp", dir);
    struct txpool *p = new_pool(NULL);
    CU_ASSERT_EQUAL_FATAL(txpool_journal_open(p, path, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(file_size(path), 0);
    txpool_journal_hold(p);
    txpool_journal_hold(p);
    for (uint64_t n = 0; n < 3; n++)
        add_expect(p, (struct spec){.key = 0, .nonce = n, .price = 100}, BT_OK, "ok");
    CU_ASSERT_EQUAL(file_size(path), 0);
    CU_ASSERT_EQUAL(txpool_journal_release(p), BT_OK);
    CU_ASSERT_EQUAL(file_size(path), 0); /* the outer hold still holds */
    CU_ASSERT_EQUAL(txpool_journal_release(p), BT_OK);
    off_t three = file_size(path);
    CU_ASSERT(three > 0);
    add_expect(p, (struct spec){.key = 1, .price = 100}, BT_OK, "ok"); /* unheld: at once */
    CU_ASSERT(file_size(path) > three);

    txpool_journal_hold(p);
    add_expect(p, (struct spec){.key = 2, .price = 100}, BT_OK, "ok");
    CU_ASSERT_EQUAL(txpool_journal_rotate(p, err, sizeof(err)), BT_OK);
    off_t rotated = file_size(path);
    CU_ASSERT_EQUAL(txpool_journal_release(p), BT_OK);
    CU_ASSERT_EQUAL(file_size(path), rotated);
    txpool_free(p);

    struct txpool_journal_stats js;
    p = new_pool(NULL);
    CU_ASSERT_EQUAL_FATAL(txpool_journal_open(p, path, &js, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(js.loaded, 5);
    CU_ASSERT_EQUAL(js.rejected, 0);
    txpool_free(p);
    unlink(path);
    rmdir(dir);
    reset_state();
}

static void test_txpool_json(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    add_expect(p, (struct spec){.key = 0, .nonce = 0, .price = 100, .value = 5}, BT_OK, "ok");
    add_expect(p, (struct spec){.key = 0, .nonce = 7, .price = 100}, BT_OK, "ok");
    struct bt_hash h = sign((struct spec){.key = 1, .type = 2, .price = 1000, .tip = 3});
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);

    json_t *st = txpool_status_json(p);
    char *s = json_dumps(st, JSON_SORT_KEYS | JSON_COMPACT);
    CU_ASSERT_STRING_EQUAL(s, "{\"pending\":\"0x2\",\"queued\":\"0x1\"}");
    free(s);
    json_decref(st);

    json_t *c = txpool_content_json(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    char a0[BTS_HEX_EIP55_CAP], a1[BTS_HEX_EIP55_CAP];
    bts_hex_format_eip55(a0, accts[0].addr.bytes);
    bts_hex_format_eip55(a1, accts[1].addr.bytes);
    CU_ASSERT_STRING_EQUAL(a0, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    json_t *pend = json_object_get(c, "pending"), *queued = json_object_get(c, "queued");
    CU_ASSERT_EQUAL(json_object_size(pend), 2);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(pend, a0), "0"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(queued, a0), "7"));
    json_t *tx = json_object_get(json_object_get(pend, a1), "0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
    CU_ASSERT(json_is_null(json_object_get(tx, "blockHash")));
    CU_ASSERT(json_is_null(json_object_get(tx, "transactionIndex")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "type")), "0x2");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "gasPrice")), "0x3e8");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "maxFeePerGas")), "0x3e8");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "maxPriorityFeePerGas")), "0x3");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "chainId")), "0x539");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "from")),
                           "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "to")),
                           "0x0000000000000000000000000000000000000042");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "input")), "0x");
    CU_ASSERT(json_is_array(json_object_get(tx, "accessList")));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(tx, "yParity"));
    char hh[67];
    size_t n;
    CU_ASSERT_EQUAL(bts_hex_encode(hh, sizeof(hh), &n, h.bytes, 32, BTS_HEX_0X), BT_OK);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tx, "hash")), hh);
    json_t *legacy = json_object_get(json_object_get(pend, a0), "0");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(legacy, "value")), "0x5");
    CU_ASSERT_PTR_NULL(json_object_get(legacy, "maxFeePerGas"));
    CU_ASSERT_PTR_NULL(json_object_get(legacy, "accessList"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(legacy, "chainId")), "0x539");
    json_decref(c);
    txpool_free(p);
}

/* The sender cache: a transaction the pool took in has its sender remembered under the pool's
 * rules (what a block import of it then looks up); other rules or another hash miss; a
 * remembered sender is what the pool's next add of that hash uses. */
static void test_txpool_sender_cache(void)
{
    reset_state();
    struct txpool *p = new_pool(NULL);
    struct bts_tx_rules rules, other;
    chaincfg_tx_rules(&dev_cfg, dev_head.number, dev_head.time, &rules);
    struct bt_address from, want;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_address(&want, 2), BT_OK);
    struct bt_hash h = sign((struct spec){.key = 2, .price = 100});
    CU_ASSERT_FALSE(txpool_sender_cached(p, h.bytes, &rules, &from));
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, NULL), BT_OK);
    CU_ASSERT_TRUE(txpool_sender_cached(p, h.bytes, &rules, &from));
    CU_ASSERT_EQUAL(memcmp(from.bytes, want.bytes, 20), 0);
    other = rules;
    other.chain_id++;
    CU_ASSERT_FALSE(txpool_sender_cached(p, h.bytes, &other, &from));
    other = rules;
    other.fork--;
    CU_ASSERT_FALSE(txpool_sender_cached(p, h.bytes, &other, &from));
    struct bt_hash h2 = h;
    h2.bytes[31] ^= 1; /* the same slot, another transaction */
    CU_ASSERT_FALSE(txpool_sender_cached(p, h2.bytes, &rules, &from));
    /* A remembered (here deliberately wrong) sender is used as is: the cache is trusted, so only
     * recovered senders may go in. */
    struct bt_hash h3 = sign((struct spec){.key = 3, .nonce = 1, .price = 100});
    txpool_sender_remember(p, h3.bytes, &rules, &want);
    struct txpool_added a;
    CU_ASSERT_EQUAL(txpool_add(p, raw_buf, raw_len, &a), BT_OK);
    const struct txpool_tx *t = txpool_get(p, h3.bytes);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(memcmp(t->from.bytes, want.bytes, 20), 0);
    CU_ASSERT_FALSE(txpool_sender_cached(NULL, h.bytes, &rules, &from));
    txpool_free(p);
}

BTS_TEST_SUITE("txpool", init_suite, clean_suite, BTS_TEST(test_txpool_errors),
               BTS_TEST(test_txpool_replacement), BTS_TEST(test_txpool_pending_and_queued),
               BTS_TEST(test_txpool_limits_and_eviction),
               BTS_TEST(test_txpool_effective_tip_eviction),
               BTS_TEST(test_txpool_reset_promote_demote), BTS_TEST(test_txpool_reset_senders),
               BTS_TEST(test_txpool_price_and_nonce_order), BTS_TEST(test_txpool_journal_restart),
               BTS_TEST(test_txpool_journal_hold), BTS_TEST(test_txpool_json),
               BTS_TEST(test_txpool_sender_cache));
