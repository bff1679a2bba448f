/* The chain (host/chain/chain*.c) with the real EVM linked in and an in-memory engine of the
 * consensus-dev shape: the stored records read back, production from the pool in price and
 * nonce order, import of produced blocks into a second chain (same roots), refusal of a block
 * with a wrong state root with nothing written, head handling (reorgs: test_chain_reorg.c), events,
 * calls, genesis checks and the export/import files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/rlp.h>
#include <bts/test.h>
#include <bts/trie.h>

#include "chain_testlib.h"
#include "genesis_int.h"
#include "stor_testlib.h"

/* A node under test: storage, genesis (dev, 4 accounts), engine, chain. */
struct node {
    struct stl t;
    struct genesis g;
    struct ctl_engine e;
    struct chain *c;
};

static void node_open_chain(struct node *n)
{
    struct chain_opts o;
    ctl_opts(&o, n->t.sn.s, &n->g, &n->e, &n->t.rt.workers);
    char err[512] = "";
    bt_status rc = chain_open(&n->c, &o, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "chain_open: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
}

static void node_open(struct node *n)
{
    memset(n, 0, sizeof(*n));
    stl_open(&n->t, "storage-memory");
    char err[256];
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&n->g, "dev", 4, err, sizeof(err)), BT_OK);
    ctl_engine_init(&n->e);
    node_open_chain(n);
}

static void node_close(struct node *n)
{
    chain_close(n->c);
    stl_close(&n->t);
    genesis_free(&n->g);
}

static uint8_t to_addr[20] = {[19] = 0x42};

/* Submit a transfer from dev account `acct`. */
static struct bt_hash submit(struct node *n, uint32_t acct, uint64_t nonce, uint64_t price,
                             bt_status want)
{
    uint8_t key[32];
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, acct), BT_OK);
    CU_ASSERT_EQUAL_FATAL(ctl_sign_tx(&b, key, nonce, price, 21000, to_addr, 1000 + acct, NULL, 0),
                          BT_OK);
    struct txpool_added a;
    memset(&a, 0, sizeof(a));
    bt_status rc = chain_submit_tx(n->c, b.data, b.len, &a);
    if (rc != want)
        fprintf(stderr, "submit: %s\n", txpool_strerror(rc));
    CU_ASSERT_EQUAL(rc, want);
    bts_buf_free(&b);
    return a.hash;
}

static void produce(struct node *n, uint8_t out_hash[32])
{
    char err[512] = "";
    bt_status rc = chain_produce(n->c, 0, out_hash, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "produce: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
}

static void test_chain_genesis_and_reopen(void)
{
    struct node n;
    node_open(&n);
    uint64_t num;
    uint8_t hash[32], want[32];
    chain_head(n.c, &num, hash);
    CU_ASSERT_EQUAL(num, 0);
    char err[256];
    CU_ASSERT_EQUAL(genesis_hash(&n.g, want, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(hash, want, 32), 0);
    struct bts_u256 td;
    CU_ASSERT_EQUAL(chain_td(n.c, hash, &td), BT_OK);
    CU_ASSERT(bts_u256_is_zero(&td)); /* the dev genesis is post-merge: difficulty 0 */
    /* The genesis account state is readable through a state at the block. */
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(chain_state_at(n.c, hash, &st), BT_OK);
    struct bt_address a0;
    CU_ASSERT_EQUAL(genesis_dev_address(&a0, 0), BT_OK);
    uint64_t nonce;
    uint8_t bal[32], ch[32];
    CU_ASSERT_EQUAL(state_evm_iface.get_account(st, a0.bytes, &nonce, bal, ch), BT_OK);
    CU_ASSERT_EQUAL(bal[31 - 9], 0x02); /* 10^22 = 0x021e19e0c9bab2400000 */
    state_free(st);
    submit(&n, 0, 0, 2000000000, BT_OK);
    produce(&n, hash);
    chain_close(n.c);
    /* Reopen: same head; the journal-less pool starts empty. */
    node_open_chain(&n);
    chain_head(n.c, &num, want);
    CU_ASSERT_EQUAL(num, 1);
    CU_ASSERT_EQUAL(memcmp(hash, want, 32), 0);
    CU_ASSERT_EQUAL(chain_head_header(n.c)->h.number, 1);
    chain_close(n.c);
    /* Another genesis over the same store is refused. */
    struct genesis g2;
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&g2, "dev", 5, err, sizeof(err)), BT_OK);
    struct chain_opts o;
    ctl_opts(&o, n.t.sn.s, &g2, &n.e, NULL);
    CU_ASSERT_EQUAL(chain_open(&n.c, &o, err, sizeof(err)), BT_ESTALE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "incompatible genesis"));
    genesis_free(&g2);
    node_open_chain(&n);
    node_close(&n);
}

static void test_chain_records_round_trip(void)
{
    struct node n;
    node_open(&n);
    struct bt_hash t0 = submit(&n, 0, 0, 2000000000, BT_OK);
    struct bt_hash t1 = submit(&n, 1, 0, 3000000000, BT_OK);
    uint8_t hash[32];
    produce(&n, hash);
    struct chain_header hd, hd2;
    CU_ASSERT_EQUAL_FATAL(chain_header_by_number(n.c, 1, &hd), BT_OK);
    CU_ASSERT_EQUAL(memcmp(hd.hash, hash, 32), 0);
    CU_ASSERT_EQUAL(hd.h.gas_used, 42000);
    CU_ASSERT_EQUAL_FATAL(chain_header_by_hash(n.c, hash, &hd2), BT_OK);
    CU_ASSERT_EQUAL(hd.rlp_len, hd2.rlp_len);
    CU_ASSERT_EQUAL(memcmp(hd.rlp, hd2.rlp, hd.rlp_len), 0);
    uint8_t canon[32];
    CU_ASSERT_EQUAL(chain_canonical_hash(n.c, 1, canon), BT_OK);
    CU_ASSERT_EQUAL(memcmp(canon, hash, 32), 0);
    CU_ASSERT_EQUAL(chain_canonical_hash(n.c, 2, canon), BT_ENOTFOUND);
    struct chain_body body;
    CU_ASSERT_EQUAL_FATAL(chain_body_by_number(n.c, 1, &body), BT_OK);
    CU_ASSERT_EQUAL_FATAL(body.n_txs, 2);
    /* Higher price first. */
    CU_ASSERT_EQUAL(memcmp(body.txs[0].hash.bytes, t1.bytes, 32), 0);
    CU_ASSERT_EQUAL(memcmp(body.txs[1].hash.bytes, t0.bytes, 32), 0);
    struct chain_receipts rs;
    CU_ASSERT_EQUAL_FATAL(chain_receipts_by_hash(n.c, hash, &rs), BT_OK);
    CU_ASSERT_EQUAL_FATAL(rs.n, 2);
    CU_ASSERT_EQUAL(rs.block_number, 1);
    CU_ASSERT_EQUAL(rs.r[0].status, 1);
    CU_ASSERT_EQUAL(rs.r[0].gas_used, 21000);
    CU_ASSERT_EQUAL(rs.r[1].cumulative_gas, 42000);
    CU_ASSERT_EQUAL(rs.r[1].tx_index, 1);
    CU_ASSERT_EQUAL(memcmp(rs.r[1].tx_hash.bytes, t0.bytes, 32), 0);
    struct bt_address a1;
    CU_ASSERT_EQUAL(genesis_dev_address(&a1, 1), BT_OK);
    CU_ASSERT_EQUAL(memcmp(rs.r[0].from.bytes, a1.bytes, 20), 0);
    CU_ASSERT(rs.r[0].has_to);
    CU_ASSERT_FALSE(rs.r[0].has_contract);
    uint64_t price;
    CU_ASSERT_EQUAL(bts_u256_to_u64(&price, &rs.r[0].effective_gas_price), BT_OK);
    CU_ASSERT_EQUAL(price, 3000000000u);
    chain_receipts_free(&rs);
    /* Lookups. */
    struct chain_tx_loc loc;
    CU_ASSERT_EQUAL_FATAL(chain_tx_lookup(n.c, t0.bytes, &loc), BT_OK);
    CU_ASSERT_EQUAL(loc.block_number, 1);
    CU_ASSERT_EQUAL(loc.index, 1);
    CU_ASSERT_EQUAL(memcmp(loc.block_hash.bytes, hash, 32), 0);
    struct chain_tx tx;
    CU_ASSERT_EQUAL_FATAL(chain_tx_by_hash(n.c, t1.bytes, &tx), BT_OK);
    CU_ASSERT_EQUAL(tx.loc.index, 0);
    CU_ASSERT_EQUAL(memcmp(tx.from.bytes, a1.bytes, 20), 0);
    CU_ASSERT_EQUAL(memcmp(tx.tx.hash.bytes, t1.bytes, 32), 0);
    chain_tx_free(&tx);
    CU_ASSERT_EQUAL(chain_tx_by_block(n.c, hash, 2, &tx), BT_ENOTFOUND);
    CU_ASSERT_EQUAL_FATAL(chain_receipt_by_tx(n.c, t0.bytes, &rs), BT_OK);
    CU_ASSERT_EQUAL(rs.n, 1);
    CU_ASSERT_EQUAL(rs.r[0].tx_index, 1);
    CU_ASSERT_EQUAL(rs.r[0].cumulative_gas, 42000);
    chain_receipts_free(&rs);
    uint8_t unknown[32] = {1};
    CU_ASSERT_EQUAL(chain_tx_lookup(n.c, unknown, &loc), BT_ENOTFOUND);
    chain_header_free(&hd2);
    CU_ASSERT_EQUAL(chain_header_by_hash(n.c, unknown, &hd2), BT_ENOTFOUND);
    struct bts_u256 td;
    CU_ASSERT_EQUAL(chain_td(n.c, hash, &td), BT_OK);
    CU_ASSERT(bts_u256_eq(&td, &(struct bts_u256){{1, 0, 0, 0}}));
    /* The whole block in export form decodes to [header, txs, uncles]. */
    uint8_t *raw;
    size_t raw_len;
    CU_ASSERT_EQUAL_FATAL(chain_block_rlp(n.c, 1, &raw, &raw_len), BT_OK);
    struct bts_rlp_item top;
    size_t cnt;
    CU_ASSERT_EQUAL(bts_rlp_decode(&top, raw, raw_len), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_count(&top, &cnt), BT_OK);
    CU_ASSERT_EQUAL(cnt, 3);
    free(raw);
    chain_header_free(&hd);
    chain_header_free(&hd2);
    chain_body_free(&body);
    /* The pool forgot the mined transactions. */
    size_t p, q;
    txpool_counts(chain_txpool(n.c), &p, &q);
    CU_ASSERT_EQUAL(p + q, 0);
    node_close(&n);
}

/* Blocks take the pool's transactions by price, each sender in nonce order. */
static void test_chain_production_price_nonce_order(void)
{
    struct node n;
    node_open(&n);
    struct bt_hash h[6];
    h[0] = submit(&n, 0, 0, 1000000000, BT_OK); /* A0 1 gwei */
    h[1] = submit(&n, 0, 1, 9000000000, BT_OK); /* A1 9 gwei: behind A0 by nonce */
    h[2] = submit(&n, 1, 0, 5000000000, BT_OK); /* B0 5 */
    h[3] = submit(&n, 1, 1, 2000000000, BT_OK); /* B1 2 */
    h[4] = submit(&n, 2, 0, 3000000000, BT_OK); /* C0 3 */
    h[5] = submit(&n, 0, 3, 9000000000, BT_OK); /* A3: queued (gap) */
    uint8_t hash[32];
    produce(&n, hash);
    struct chain_body body;
    CU_ASSERT_EQUAL_FATAL(chain_body_by_hash(n.c, hash, &body), BT_OK);
    CU_ASSERT_EQUAL_FATAL(body.n_txs, 5);
    /* B0 5, C0 3, B1 2, A0 1, A1 9. */
    static const int want[5] = {2, 4, 3, 0, 1};
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(memcmp(body.txs[i].hash.bytes, h[want[i]].bytes, 32), 0);
    chain_body_free(&body);
    size_t p, q;
    txpool_counts(chain_txpool(n.c), &p, &q);
    CU_ASSERT_EQUAL(p, 0);
    CU_ASSERT_EQUAL(q, 1);
    /* Errors come with geth's words. */
    submit(&n, 0, 0, 1000000000, TXPOOL_ENONCE_LOW);
    CU_ASSERT_STRING_EQUAL(txpool_strerror(TXPOOL_ENONCE_LOW), "nonce too low");
    /* An empty block is fine too. */
    produce(&n, hash);
    CU_ASSERT_EQUAL(chain_head_header(n.c)->h.number, 2);
    node_close(&n);
}

/* Every produced block imports into a second node with the same genesis: same hashes, roots. */
static void test_chain_import_produced_blocks(void)
{
    struct node a, b;
    node_open(&a);
    node_open(&b);
    for (int blk = 0; blk < 4; blk++) {
        for (uint32_t acct = 0; acct < 4; acct++) {
            for (int k = 0; k <= blk % 3; k++) {
                struct bt_address ad;
                uint64_t nonce;
                CU_ASSERT_EQUAL_FATAL(genesis_dev_address(&ad, acct), BT_OK);
                CU_ASSERT_EQUAL_FATAL(txpool_nonce(chain_txpool(a.c), &ad, &nonce), BT_OK);
                submit(&a, acct, nonce, 1000000000 + acct, BT_OK);
            }
        }
        uint8_t hash[32];
        produce(&a, hash);
    }
    uint64_t na;
    uint8_t ha[32];
    chain_head(a.c, &na, ha);
    CU_ASSERT_EQUAL(na, 4);
    for (uint64_t i = 1; i <= na; i++) {
        uint8_t *raw;
        size_t len;
        CU_ASSERT_EQUAL_FATAL(chain_block_rlp(a.c, i, &raw, &len), BT_OK);
        char err[512] = "";
        int skipped = -1;
        bt_status rc = chain_import(b.c, raw, len, &skipped, err, sizeof(err));
        if (rc != BT_OK)
            fprintf(stderr, "import %llu: %s\n", (unsigned long long)i, err);
        CU_ASSERT_EQUAL(rc, BT_OK);
        CU_ASSERT_EQUAL(skipped, 0);
        /* The same block again is known. */
        CU_ASSERT_EQUAL(chain_import(b.c, raw, len, &skipped, err, sizeof(err)), BT_OK);
        CU_ASSERT_EQUAL(skipped, 1);
        free(raw);
    }
    struct chain_stats sa, sb;
    chain_get_stats(a.c, &sa);
    chain_get_stats(b.c, &sb);
    CU_ASSERT_EQUAL(sa.blocks_produced, 4);
    CU_ASSERT_EQUAL(sb.blocks_imported, 4);
    CU_ASSERT_EQUAL(sa.txs, sb.txs);
    CU_ASSERT(sb.total_block_ms >= sb.last_block_ms);
    uint64_t nb;
    uint8_t hb[32];
    chain_head(b.c, &nb, hb);
    CU_ASSERT_EQUAL(nb, na);
    CU_ASSERT_EQUAL(memcmp(ha, hb, 32), 0);
    CU_ASSERT_EQUAL(memcmp(chain_head_header(a.c)->h.state_root.bytes,
                           chain_head_header(b.c)->h.state_root.bytes, 32),
                    0);
    /* Receipts derived on the importing side match. */
    struct chain_receipts ra, rb;
    CU_ASSERT_EQUAL_FATAL(chain_receipts_by_number(a.c, 2, &ra), BT_OK);
    CU_ASSERT_EQUAL_FATAL(chain_receipts_by_number(b.c, 2, &rb), BT_OK);
    CU_ASSERT_EQUAL(ra.n, rb.n);
    CU_ASSERT_EQUAL(ra.rlp_len, rb.rlp_len);
    CU_ASSERT_EQUAL(memcmp(ra.rlp, rb.rlp, ra.rlp_len), 0);
    chain_receipts_free(&ra);
    chain_receipts_free(&rb);
    node_close(&a);
    node_close(&b);
}

/* Re-seal a block's header with one field changed and return the block RLP. */
static void tamper(struct node *n, const uint8_t *raw, size_t len, int what, struct bts_buf *out)
{
    struct bts_rlp_item top, hi, txl, unc;
    struct bts_rlp_iter it;
    CU_ASSERT_EQUAL_FATAL(bts_rlp_decode(&top, raw, len), BT_OK);
    bts_rlp_iter_init(&it, &top);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_iter_next(&it, &hi), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_iter_next(&it, &txl), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_iter_next(&it, &unc), BT_OK);
    struct bts_header h;
    CU_ASSERT_EQUAL_FATAL(bts_header_decode(&h, hi.raw, hi.raw_len), BT_OK);
    uint8_t extra[CTL_EXTRA_LEN];
    memcpy(extra, h.extra, CTL_EXTRA_LEN);
    h.extra = extra;
    if (what == 0)
        h.state_root.bytes[0] ^= 1;
    else
        h.number += 1;
    uint8_t digest[32], sig[65];
    CU_ASSERT_EQUAL_FATAL(bts_header_bor_seal_hash(digest, &h, 0), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_secp_sign(sig, n->e.key, digest), BT_OK);
    memcpy(extra + 32, sig, 65);
    struct bts_buf hb = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_header_encode(&hb, &h), BT_OK);
    bts_buf_reset(out);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_encode_list_header(out, hb.len + txl.raw_len + unc.raw_len),
                          BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_encode_raw(out, hb.data, hb.len), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_encode_raw(out, txl.raw, txl.raw_len), BT_OK);
    CU_ASSERT_EQUAL_FATAL(bts_rlp_encode_raw(out, unc.raw, unc.raw_len), BT_OK);
    bts_buf_free(&hb);
}

static void test_chain_refuses_wrong_state_root(void)
{
    struct node a, b;
    node_open(&a);
    node_open(&b);
    submit(&a, 0, 0, 1000000000, BT_OK);
    uint8_t hash[32];
    produce(&a, hash);
    uint8_t *raw;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(chain_block_rlp(a.c, 1, &raw, &len), BT_OK);
    struct bts_buf bad = BTS_BUF_INIT;
    tamper(&a, raw, len, 0, &bad);
    struct stor_digest before, after;
    CU_ASSERT_EQUAL(stor_digest(b.t.sn.s, &before), BT_OK);
    char err[512] = "";
    CU_ASSERT_EQUAL(chain_import(b.c, bad.data, bad.len, NULL, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid merkle root"));
    CU_ASSERT_EQUAL(stor_digest(b.t.sn.s, &after), BT_OK);
    CU_ASSERT_EQUAL(before.n_keys, after.n_keys);
    CU_ASSERT_EQUAL(memcmp(before.hash, after.hash, 32), 0); /* nothing written */
    CU_ASSERT_EQUAL(chain_head_header(b.c)->h.number, 0);
    /* A known parent but the wrong number (side blocks and reorgs: test_chain_reorg.c). */
    tamper(&a, raw, len, 1, &bad);
    CU_ASSERT_EQUAL(chain_import(b.c, bad.data, bad.len, NULL, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid number"));
    /* A forged seal: unauthorized. */
    struct ctl_engine saved = a.e;
    memset(a.e.key, 0x22, 32);
    tamper(&a, raw, len, 0, &bad);
    a.e = saved;
    CU_ASSERT_EQUAL(chain_import(b.c, bad.data, bad.len, NULL, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unauthorized signer"));
    /* The untouched block still imports afterwards (the working state was rebuilt). */
    CU_ASSERT_EQUAL(chain_import(b.c, raw, len, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(chain_head_header(b.c)->h.number, 1);
    /* Garbage. */
    static const uint8_t junk[3] = {0xc2, 0x80, 0x80};
    CU_ASSERT_EQUAL(chain_import(b.c, junk, sizeof(junk), NULL, err, sizeof(err)), BT_EINVAL);
    free(raw);
    bts_buf_free(&bad);
    node_close(&a);
    node_close(&b);
}

struct evlog {
    int heads, pending, logs_seen;
    uint64_t last_number;
    size_t last_receipts;
};

static void on_event(void *arg, const struct chain_event *ev)
{
    struct evlog *l = arg;
    if (ev->kind == CHAIN_EV_HEAD) {
        l->heads++;
        l->last_number = ev->header->h.number;
        l->last_receipts = ev->receipts->n;
        CU_ASSERT_EQUAL(ev->body->n_txs, ev->receipts->n);
    } else if (ev->kind == CHAIN_EV_PENDING_TX) {
        l->pending++;
        CU_ASSERT_PTR_NOT_NULL(ev->tx);
    }
}

static void test_chain_events_and_call(void)
{
    struct node n;
    node_open(&n);
    struct evlog l = {0};
    uint64_t id, id2;
    CU_ASSERT_EQUAL(chain_subscribe(n.c, on_event, &l, &id), BT_OK);
    CU_ASSERT_EQUAL(chain_subscribe(n.c, on_event, &l, &id2), BT_OK);
    CU_ASSERT_EQUAL(chain_unsubscribe(n.c, id2), BT_OK);
    CU_ASSERT_EQUAL(chain_unsubscribe(n.c, id2), BT_ENOTFOUND);
    submit(&n, 0, 0, 1000000000, BT_OK);
    submit(&n, 0, 2, 1000000000, BT_OK); /* queued: no pending event */
    CU_ASSERT_EQUAL(l.pending, 1);
    uint8_t hash[32];
    produce(&n, hash);
    CU_ASSERT_EQUAL(l.heads, 1);
    CU_ASSERT_EQUAL(l.last_number, 1);
    CU_ASSERT_EQUAL(l.last_receipts, 1);
    struct chain_sync sy;
    chain_sync_status(n.c, &sy);
    CU_ASSERT_FALSE(sy.is_syncing);
    CU_ASSERT_EQUAL(sy.current_block, 1);
    /* A call: deploy-free, run code that returns 42 through a creation message
     * (PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN as init code). */
    static const uint8_t init[] = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(chain_state_at(n.c, hash, &st), BT_OK);
    struct chain_msg m;
    memset(&m, 0, sizeof(m));
    m.data = init;
    m.data_len = sizeof(init);
    m.gas = 100000;
    struct bt_evm_result r;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(chain_call(n.c, st, &chain_head_header(n.c)->h, &m, &r, err, sizeof(err)),
                          BT_OK);
    CU_ASSERT_EQUAL(r.outcome, BT_EVM_SUCCESS);
    CU_ASSERT(r.has_created);
    if (r.release)
        r.release(&r);
    state_free(st);
    chain_unsubscribe(n.c, id);
    node_close(&n);
}

/* export FILE then import FILE into a fresh node; importing the same file again skips all. */
static void test_chain_files(void)
{
    struct node a, b;
    node_open(&a);
    node_open(&b);
    for (int i = 0; i < 3; i++) {
        submit(&a, (uint32_t)i, 0, 1000000000, BT_OK);
        uint8_t h[32];
        produce(&a, h);
    }
    char path[300];
    snprintf(path, sizeof(path), "%s/blocks.rlp", a.t.dir);
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(chain_export_file(a.c, path, 1, 100, err, sizeof(err)), BT_OK);
    bt_status rc = chain_import_file(b.c, path, NULL, NULL, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "import: %s\n", err);
    CU_ASSERT_EQUAL(rc, BT_OK);
    CU_ASSERT_EQUAL(chain_head_header(b.c)->h.number, 3);
    CU_ASSERT_EQUAL(memcmp(chain_head_header(a.c)->hash, chain_head_header(b.c)->hash, 32), 0);
    CU_ASSERT_EQUAL(chain_import_file(b.c, path, NULL, NULL, err, sizeof(err)), BT_OK);
    /* A truncated file stops with a message after the complete blocks. */
    FILE *f = fopen(path, "r+b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fclose(f);
    CU_ASSERT_EQUAL(truncate(path, sz - 5), 0);
    CU_ASSERT_EQUAL(chain_import_file(b.c, path, NULL, NULL, err, sizeof(err)), BT_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
    CU_ASSERT_EQUAL(chain_import_file(b.c, "/nonexistent/x", NULL, NULL, err, sizeof(err)), BT_EIO);
    node_close(&a);
    node_close(&b);
}

/* A transaction the pool accepted but the block cannot pay (its sender's balance went to the
 * sender's previous one) is left out with its sender's later ones; the rest is sealed. */
static void test_chain_production_drops_unpayable(void)
{
    struct node n;
    node_open(&n);
    /* 21000 x 4.7e17 wei = 9870 ether each: both fit the 10000 ether balance alone. */
    struct bt_hash a0 = submit(&n, 0, 0, 470000000000000000u, BT_OK);
    submit(&n, 0, 1, 470000000000000000u, BT_OK);
    struct bt_hash b0 = submit(&n, 1, 0, 1000000000, BT_OK);
    uint8_t hash[32];
    produce(&n, hash);
    struct chain_body body;
    CU_ASSERT_EQUAL_FATAL(chain_body_by_hash(n.c, hash, &body), BT_OK);
    CU_ASSERT_EQUAL_FATAL(body.n_txs, 2);
    CU_ASSERT_EQUAL(memcmp(body.txs[0].hash.bytes, a0.bytes, 32), 0);
    CU_ASSERT_EQUAL(memcmp(body.txs[1].hash.bytes, b0.bytes, 32), 0);
    chain_body_free(&body);
    /* The pool dropped the unpayable one on the new head. */
    size_t p, q;
    txpool_counts(chain_txpool(n.c), &p, &q);
    CU_ASSERT_EQUAL(p + q, 0);
    node_close(&n);
}

/* The "chain" service as a plugin sees it. */
static void test_chain_service_table(void)
{
    struct node n;
    node_open(&n);
    submit(&n, 0, 0, 1000000000, BT_OK);
    uint8_t hash[32];
    produce(&n, hash);
    const struct bt_chain_iface *ci = &chain_service_table;
    CU_ASSERT_EQUAL(ci->struct_size, sizeof(struct bt_chain_iface));
    uint64_t num;
    uint8_t h[32];
    CU_ASSERT_EQUAL(ci->head(n.c, &num, h), BT_OK);
    CU_ASSERT_EQUAL(num, 1);
    CU_ASSERT_EQUAL(memcmp(h, hash, 32), 0);
    struct bt_value v;
    CU_ASSERT_EQUAL_FATAL(ci->header_by_number(n.c, 1, &v), BT_OK);
    uint8_t vh[32];
    bts_keccak256(vh, v.data, v.len);
    CU_ASSERT_EQUAL(memcmp(vh, hash, 32), 0);
    v.release(&v);
    CU_ASSERT_EQUAL_FATAL(ci->header_by_hash(n.c, hash, &v), BT_OK);
    v.release(&v);
    CU_ASSERT_EQUAL(ci->header_by_number(n.c, 9, &v), BT_ENOTFOUND);
    /* A call to an account without code succeeds with empty output. */
    uint32_t reverted = 9;
    CU_ASSERT_EQUAL_FATAL(ci->call(n.c, hash, NULL, to_addr, NULL, 0, 100000, &v, &reverted),
                          BT_OK);
    CU_ASSERT_EQUAL(reverted, 0);
    CU_ASSERT_EQUAL(v.len, 0);
    v.release(&v);
    uint8_t unknown[32] = {7};
    CU_ASSERT_EQUAL(ci->call(n.c, unknown, NULL, to_addr, NULL, 0, 100000, &v, &reverted),
                    BT_ENOTFOUND);
    node_close(&n);
}

/* eth_getProof material: the account proof verifies against the block's state root. */
static void test_chain_state_proofs(void)
{
    struct node n;
    node_open(&n);
    submit(&n, 0, 0, 1000000000, BT_OK);
    uint8_t hash[32];
    produce(&n, hash);
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(chain_state_at(n.c, hash, &st), BT_OK);
    struct bt_address a0;
    CU_ASSERT_EQUAL(genesis_dev_address(&a0, 0), BT_OK);
    struct bts_buf pr = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(state_prove_account(st, a0.bytes, &pr), BT_OK);
    const uint8_t *v;
    size_t vlen;
    CU_ASSERT_EQUAL(bts_trie_verify_proof(chain_head_header(n.c)->h.state_root.bytes,
                                          BTS_TRIE_SECURE, a0.bytes, 20, pr.data, pr.len, &v,
                                          &vlen),
                    BT_OK);
    CU_ASSERT(vlen > 0);
    uint8_t root[32], key[32] = {0};
    CU_ASSERT_EQUAL(state_storage_root(st, a0.bytes, root), BT_OK);
    CU_ASSERT_EQUAL(memcmp(root, bts_trie_empty_root, 32), 0);
    bts_buf_reset(&pr);
    CU_ASSERT_EQUAL(state_prove_storage(st, a0.bytes, key, &pr), BT_OK);
    CU_ASSERT(pr.len >= 1);
    bts_buf_free(&pr);
    state_free(st);
    /* Replaying the block's only transaction gives the block's own state root. */
    struct chain_header hd;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(chain_state_before_tx(n.c, hash, 1, &st, &hd, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(state_root(st, root), BT_OK);
    CU_ASSERT_EQUAL(memcmp(root, hd.h.state_root.bytes, 32), 0);
    state_free(st);
    chain_header_free(&hd);
    CU_ASSERT_EQUAL_FATAL(chain_state_before_tx(n.c, hash, 0, &st, &hd, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(state_root(st, root), BT_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(root, hd.h.state_root.bytes, 32), 0);
    state_free(st);
    chain_header_free(&hd);
    CU_ASSERT_EQUAL(chain_state_before_tx(n.c, hash, 2, &st, &hd, err, sizeof(err)), BT_ENOTFOUND);
    node_close(&n);
}

/* An engine whose finalize installs code with set_code and runs it as a system call (what
 * consensus-bttc's commitSpan/commitState do): both production and import run it. */
static const uint8_t sys_addr[20] = {[18] = 0x10, [19] = 0x99};
static size_t sys_output_len;
static uint8_t sys_output_last;

static bt_status sys_finalize(void *self, const struct bt_header *h,
                              const struct bt_block_state_ops *ops, void *state)
{
    (void)self, (void)h;
    /* CALLER PUSH1 0 SSTORE; return the word 42 */
    static const uint8_t code[] = {0x33, 0x60, 0x00, 0x55, 0x60, 0x2a, 0x60,
                                   0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
    bt_status rc = ops->set_code(state, sys_addr, code, sizeof(code));
    struct bt_value out;
    uint32_t reverted = 1;
    if (rc == BT_OK)
        rc = ops->system_call(state, sys_addr, NULL, 0, 1000000, &out, &reverted);
    if (rc == BT_OK) {
        CU_ASSERT_EQUAL(reverted, 0);
        sys_output_len = out.len;
        sys_output_last = out.len ? out.data[out.len - 1] : 0;
        out.release(&out);
    }
    return rc;
}

static void test_chain_finalize_system_call(void)
{
    struct bt_consensus_vtbl vt = ctl_engine_vtbl;
    vt.finalize = sys_finalize;
    struct node a, b;
    node_open(&a);
    node_open(&b);
    chain_close(a.c);
    chain_close(b.c);
    struct chain_opts o;
    char err[512] = "";
    ctl_opts(&o, a.t.sn.s, &a.g, &a.e, NULL);
    o.engine.vt = &vt;
    CU_ASSERT_EQUAL_FATAL(chain_open(&a.c, &o, err, sizeof(err)), BT_OK);
    ctl_opts(&o, b.t.sn.s, &b.g, &b.e, NULL);
    o.engine.vt = &vt;
    CU_ASSERT_EQUAL_FATAL(chain_open(&b.c, &o, err, sizeof(err)), BT_OK);
    submit(&a, 0, 0, 1000000000, BT_OK);
    uint8_t hash[32];
    produce(&a, hash);
    CU_ASSERT_EQUAL(sys_output_len, 32);
    CU_ASSERT_EQUAL(sys_output_last, 0x2a);
    struct state *st;
    CU_ASSERT_EQUAL_FATAL(chain_state_at(a.c, hash, &st), BT_OK);
    uint8_t key[32] = {0}, val[32];
    CU_ASSERT_EQUAL(state_evm_iface.get_storage(st, sys_addr, key, val), BT_OK);
    static const uint8_t sys_word[32] = {[12] = 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff,        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff,        0xff, 0xff, 0xff, 0xff, 0xfe};
    CU_ASSERT_EQUAL(memcmp(val, sys_word, 32), 0);
    state_free(st);
    uint8_t *raw;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(chain_block_rlp(a.c, 1, &raw, &len), BT_OK);
    CU_ASSERT_EQUAL(chain_import(b.c, raw, len, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(memcmp(chain_head_header(b.c)->hash, hash, 32), 0);
    free(raw);
    node_close(&a);
    node_close(&b);
}

BTS_TEST_SUITE("chain", NULL, NULL, BTS_TEST(test_chain_genesis_and_reopen),
               BTS_TEST(test_chain_records_round_trip),
               BTS_TEST(test_chain_production_price_nonce_order),
               BTS_TEST(test_chain_import_produced_blocks),
               BTS_TEST(test_chain_refuses_wrong_state_root), BTS_TEST(test_chain_events_and_call),
               BTS_TEST(test_chain_files), BTS_TEST(test_chain_production_drops_unpayable),
               BTS_TEST(test_chain_service_table), BTS_TEST(test_chain_state_proofs),
               BTS_TEST(test_chain_finalize_system_call));
