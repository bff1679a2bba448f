/* Fork choice and reorgs (host/chain/chain_reorg.c): two nodes build competing branches from the
 * same genesis with an engine of configurable difficulty; one imports the other's blocks. The
 * head switches only on a greater total difficulty; canonical entries, transaction lookups and
 * receipts follow the new branch; the pool gets the dropped transactions back; subscribers get
 * the REORG, REMOVED (with the dropped logs) and HEAD events; a reopen keeps the new head; a
 * failed storage batch leaves the old chain whole; reorgs deeper than the limit are refused.
 * Also the txpool journal surviving a SIGKILL and its periodic rewrite. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bts/rlp.h>
#include <bts/test.h>

#include "chain_priv.h"
#include "chain_testlib.h"
#include "genesis_int.h"
#include "stor_testlib.h"

/* --- an engine with a difficulty of our choice ----------------------------------------------- */

struct rg_engine {
    struct ctl_engine e; /* first: the ctl_* functions take it */
    uint64_t difficulty;
    int n_on_head;
    uint8_t last_head[32];
};

static bt_status rg_prepare(void *self, const struct bt_header *parent, struct bt_header_draft *d)
{
    struct rg_engine *r = self;
    bt_status rc = ctl_prepare(self, parent, d);
    memset(d->difficulty, 0, 32);
    for (int i = 0; i < 8; i++)
        d->difficulty[31 - i] = (uint8_t)(r->difficulty >> (8 * i));
    return rc;
}

static void rg_on_head(void *self, const struct bt_header *head)
{
    struct rg_engine *r = self;
    r->n_on_head++;
    memcpy(r->last_head, head->hash, 32);
}

static const struct bt_consensus_vtbl rg_vtbl = {sizeof(struct bt_consensus_vtbl),
                                                 ctl_verify,
                                                 ctl_schedule,
                                                 rg_prepare,
                                                 ctl_finalize,
                                                 ctl_seal,
                                                 ctl_author,
                                                 rg_on_head};

/* --- a node ---------------------------------------------------------------------------------- */

struct node {
    struct stl t;
    struct genesis g;
    struct rg_engine e;
    struct chain *c;
    const char *journal;
    uint64_t rejournal_ms;
};

static void node_open_chain(struct node *n)
{
    struct chain_opts o;
    ctl_opts(&o, n->t.sn.s, &n->g, &n->e.e, &n->t.rt.workers);
    o.engine.vt = &rg_vtbl;
    o.journal_path = n->journal;
    o.rejournal_ms = n->rejournal_ms;
    char err[512] = "";
    bt_status rc = chain_open(&n->c, &o, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "chain_open: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
}

/* Storage in a fresh datadir: a new temporary one, or `dir` (created). */
static void node_init_in(struct node *n, const char *dir)
{
    memset(n, 0, sizeof(*n));
    if (dir) {
        snprintf(n->t.dir, sizeof(n->t.dir), "%s", dir);
        CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
        stl_open_in(&n->t, "storage-memory");
    } else {
        stl_open(&n->t, "storage-memory");
    }
    char err[256];
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&n->g, "dev", 4, err, sizeof(err)), BT_OK);
    ctl_engine_init(&n->e.e);
    n->e.difficulty = 1;
}

static void node_init(struct node *n)
{
    node_init_in(n, NULL);
}

static void node_open(struct node *n)
{
    node_init(n);
    node_open_chain(n);
}

static void node_close(struct node *n)
{
    chain_close(n->c);
    stl_close(&n->t);
    genesis_free(&n->g);
}

static const uint8_t to_addr[20] = {[19] = 0x42};

/* Init code that emits LOG1(topic 0x77) and deploys nothing. */
static const uint8_t log_init[] = {0x60, 0x77, 0x60, 0x00, 0x60, 0x00, 0xa1, 0x00};

/* A transfer (or with is_log the LOG1 creation) from dev account `acct`, submitted. */
static struct bt_hash submit(struct node *n, uint32_t acct, uint64_t nonce, int is_log)
{
    uint8_t key[32];
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, acct), BT_OK);
    bt_status rc =
        is_log
            ? ctl_sign_tx(&b, key, nonce, 1000000000, 100000, NULL, 0, log_init, sizeof(log_init))
            : ctl_sign_tx(&b, key, nonce, 1000000000, 21000, to_addr, 1000 + acct, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
    struct txpool_added a;
    memset(&a, 0, sizeof(a));
    rc = chain_submit_tx(n->c, b.data, b.len, &a);
    if (rc != BT_OK)
        fprintf(stderr, "submit: %s\n", txpool_strerror(rc));
    CU_ASSERT_EQUAL(rc, BT_OK);
    bts_buf_free(&b);
    return a.hash;
}

static void produce(struct node *n, uint64_t difficulty, uint8_t out_hash[32])
{
    char err[512] = "";
    n->e.difficulty = difficulty;
    bt_status rc = chain_produce(n->c, 0, out_hash, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "produce: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
}

/* Import block `number` of `from` into `to`. */
static bt_status import_from(struct node *to, struct node *from, uint64_t number, int *out_skipped,
                             char *err, size_t err_cap)
{
    uint8_t *raw;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(chain_block_rlp(from->c, number, &raw, &len), BT_OK);
    bt_status rc = chain_import(to->c, raw, len, out_skipped, err, err_cap);
    free(raw);
    return rc;
}

static void import_ok(struct node *to, struct node *from, uint64_t number)
{
    char err[512] = "";
    int skipped = -1;
    bt_status rc = import_from(to, from, number, &skipped, err, sizeof(err));
    if (rc != BT_OK)
        fprintf(stderr, "import %llu: %s\n", (unsigned long long)number, err);
    CU_ASSERT_EQUAL(rc, BT_OK);
    CU_ASSERT_EQUAL(skipped, 0);
}

static void head_is(struct node *n, uint64_t number, const uint8_t hash[32])
{
    uint64_t num;
    uint8_t h[32];
    chain_head(n->c, &num, h);
    CU_ASSERT_EQUAL(num, number);
    CU_ASSERT_EQUAL(memcmp(h, hash, 32), 0);
}

static void canonical_is(struct node *n, uint64_t number, const uint8_t hash[32])
{
    uint8_t h[32];
    CU_ASSERT_EQUAL_FATAL(chain_canonical_hash(n->c, number, h), BT_OK);
    CU_ASSERT_EQUAL(memcmp(h, hash, 32), 0);
}

/* --- events ---------------------------------------------------------------------------------- */

struct evrec {
    enum chain_event_kind kind[32];
    uint64_t number[32];
    size_t n_logs[32];
    size_t n;
    uint64_t old_number, ancestor;
};

static void on_event(void *arg, const struct chain_event *ev)
{
    struct evrec *r = arg;
    if (ev->kind == CHAIN_EV_PENDING_TX || r->n == 32)
        return;
    r->kind[r->n] = ev->kind;
    r->number[r->n] = ev->header->h.number;
    r->n_logs[r->n] = ev->receipts ? ev->receipts->n_logs : 0;
    if (ev->kind == CHAIN_EV_REORG) {
        r->old_number = ev->old_number;
        r->ancestor = ev->ancestor_number;
    }
    r->n++;
}

/* --- tests ----------------------------------------------------------------------------------- */

static void test_chain_reorg_heavier_branch_wins(void)
{
    struct node a, b;
    node_open(&a);
    node_open(&b);
    uint8_t a1[32], a2[32], b1[32], b2[32], b3[32];
    /* A: 1a = {acct0 transfer, acct1 LOG1 creation}, 2a = {acct2 transfer}; TD 2. */
    struct bt_hash shared = submit(&a, 0, 0, 0);
    struct bt_hash logtx = submit(&a, 1, 0, 1);
    produce(&a, 1, a1);
    struct bt_hash only_a = submit(&a, 2, 0, 0);
    produce(&a, 1, a2);
    /* B: 1b = {acct0 transfer (the same signed tx), acct3 transfer}, 2b empty, 3b empty. */
    struct bt_hash shared_b = submit(&b, 0, 0, 0);
    CU_ASSERT_EQUAL(memcmp(shared.bytes, shared_b.bytes, 32), 0);
    struct bt_hash only_b = submit(&b, 3, 0, 0);
    produce(&b, 1, b1);
    produce(&b, 1, b2);
    produce(&b, 1, b3);
    CU_ASSERT_NOT_EQUAL(memcmp(a1, b1, 32), 0);

    struct evrec ev;
    memset(&ev, 0, sizeof(ev));
    uint64_t sub;
    CU_ASSERT_EQUAL_FATAL(chain_subscribe(a.c, on_event, &ev, &sub), BT_OK);
    int on_head_before = a.e.n_on_head;

    /* 1b: lighter (TD 1 < 2): stored as a side block, the head stays. */
    import_ok(&a, &b, 1);
    head_is(&a, 2, a2);
    canonical_is(&a, 1, a1);
    struct chain_header hd;
    CU_ASSERT_EQUAL(chain_header_by_hash(a.c, b1, &hd), BT_OK);
    chain_header_free(&hd);
    struct bts_u256 td;
    CU_ASSERT_EQUAL(chain_td(a.c, b1, &td), BT_OK);
    struct bts_u256 one = bts_u256_from_u64(1);
    CU_ASSERT(bts_u256_eq(&td, &one));
    struct chain_tx_loc loc;
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, only_b.bytes, &loc), BT_ENOTFOUND);
    /* Importing it again: known. */
    int skipped = 0;
    char err[512] = "";
    CU_ASSERT_EQUAL(import_from(&a, &b, 1, &skipped, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(skipped, 1);
    /* 2b: the same TD (2 = 2): geth keeps the current head. */
    import_ok(&a, &b, 2);
    head_is(&a, 2, a2);
    CU_ASSERT_EQUAL(ev.n, 0);
    CU_ASSERT_EQUAL(a.e.n_on_head, on_head_before);

    /* 3b: heavier (3 > 2): the chain switches to b's branch. */
    import_ok(&a, &b, 3);
    head_is(&a, 3, b3);
    canonical_is(&a, 1, b1);
    canonical_is(&a, 2, b2);
    canonical_is(&a, 3, b3);
    CU_ASSERT_EQUAL(a.e.n_on_head, on_head_before + 1);
    CU_ASSERT_EQUAL(memcmp(a.e.last_head, b3, 32), 0);
    struct chain_stats stats;
    chain_get_stats(a.c, &stats);
    CU_ASSERT_EQUAL(stats.reorgs, 1);
    /* Lookups: the shared tx now in 1b, b's own in 1b, a's own gone. */
    CU_ASSERT_EQUAL_FATAL(chain_tx_lookup(a.c, shared.bytes, &loc), BT_OK);
    CU_ASSERT_EQUAL(memcmp(loc.block_hash.bytes, b1, 32), 0);
    CU_ASSERT_EQUAL_FATAL(chain_tx_lookup(a.c, only_b.bytes, &loc), BT_OK);
    CU_ASSERT_EQUAL(memcmp(loc.block_hash.bytes, b1, 32), 0);
    CU_ASSERT_EQUAL(loc.index, 1);
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, only_a.bytes, &loc), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, logtx.bytes, &loc), BT_ENOTFOUND);
    /* Receipts by number follow the canonical chain: byte-equal with b's. */
    struct chain_receipts ra, rb;
    CU_ASSERT_EQUAL_FATAL(chain_receipts_by_number(a.c, 1, &ra), BT_OK);
    CU_ASSERT_EQUAL_FATAL(chain_receipts_by_number(b.c, 1, &rb), BT_OK);
    CU_ASSERT_EQUAL(ra.rlp_len, rb.rlp_len);
    CU_ASSERT_EQUAL(memcmp(ra.rlp, rb.rlp, ra.rlp_len), 0);
    CU_ASSERT_EQUAL(memcmp(ra.block_hash.bytes, b1, 32), 0);
    chain_receipts_free(&ra);
    chain_receipts_free(&rb);
    struct chain_receipts rone;
    CU_ASSERT_EQUAL(chain_receipt_by_tx(a.c, only_a.bytes, &rone), BT_ENOTFOUND);
    /* The old blocks stay readable by hash (side blocks now). */
    CU_ASSERT_EQUAL(chain_header_by_hash(a.c, a2, &hd), BT_OK);
    chain_header_free(&hd);
    /* The state is b's. */
    CU_ASSERT_EQUAL(memcmp(chain_head_header(a.c)->h.state_root.bytes,
                           chain_head_header(b.c)->h.state_root.bytes, 32),
                    0);
    /* The pool got back what b's branch does not carry, not the shared one. */
    struct txpool *pool = chain_txpool(a.c);
    CU_ASSERT_PTR_NOT_NULL(txpool_get(pool, logtx.bytes));
    CU_ASSERT_PTR_NOT_NULL(txpool_get(pool, only_a.bytes));
    CU_ASSERT_PTR_NULL(txpool_get(pool, shared.bytes));
    size_t pending, queued;
    txpool_counts(pool, &pending, &queued);
    CU_ASSERT_EQUAL(pending, 2);
    /* Events: REORG, REMOVED 1a (its log) and 2a, HEAD 1b, 2b, 3b. */
    CU_ASSERT_EQUAL_FATAL(ev.n, 6);
    CU_ASSERT_EQUAL(ev.kind[0], CHAIN_EV_REORG);
    CU_ASSERT_EQUAL(ev.number[0], 3);
    CU_ASSERT_EQUAL(ev.old_number, 2);
    CU_ASSERT_EQUAL(ev.ancestor, 0);
    CU_ASSERT_EQUAL(ev.kind[1], CHAIN_EV_REMOVED);
    CU_ASSERT_EQUAL(ev.number[1], 1);
    CU_ASSERT_EQUAL(ev.n_logs[1], 1);
    CU_ASSERT_EQUAL(ev.kind[2], CHAIN_EV_REMOVED);
    CU_ASSERT_EQUAL(ev.number[2], 2);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(ev.kind[3 + i], CHAIN_EV_HEAD);
        CU_ASSERT_EQUAL(ev.number[3 + i], (uint64_t)(i + 1));
    }
    /* The next block carries the re-injected transactions. */
    uint8_t a4[32];
    produce(&a, 1, a4);
    struct chain_body body;
    CU_ASSERT_EQUAL_FATAL(chain_body_by_number(a.c, 4, &body), BT_OK);
    CU_ASSERT_EQUAL(body.n_txs, 2);
    chain_body_free(&body);
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, only_a.bytes, &loc), BT_OK);
    CU_ASSERT_EQUAL(loc.block_number, 4);
    /* Reopen: the new head is the stored one. */
    chain_close(a.c);
    node_open_chain(&a);
    head_is(&a, 4, a4);
    canonical_is(&a, 1, b1);
    node_close(&a);
    node_close(&b);
}

static void test_chain_reorg_to_shorter_heavier_branch(void)
{
    struct node a, b;
    node_open(&a);
    node_open(&b);
    uint8_t h[32], b1[32];
    struct bt_hash t[3];
    for (uint32_t i = 0; i < 3; i++) {
        t[i] = submit(&a, i, 0, 0);
        produce(&a, 1, h);
    }
    produce(&b, 5, b1); /* one block heavier than a's three */
    import_ok(&a, &b, 1);
    head_is(&a, 1, b1);
    uint8_t x[32];
    CU_ASSERT_EQUAL(chain_canonical_hash(a.c, 2, x), BT_ENOTFOUND);
    struct chain_header hd;
    CU_ASSERT_EQUAL(chain_header_by_number(a.c, 3, &hd), BT_ENOTFOUND);
    struct chain_tx_loc loc;
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(chain_tx_lookup(a.c, t[i].bytes, &loc), BT_ENOTFOUND);
        CU_ASSERT_PTR_NOT_NULL(txpool_get(chain_txpool(a.c), t[i].bytes));
    }
    /* The stored canonical entries above the new head are gone after a reopen too. */
    chain_close(a.c);
    node_open_chain(&a);
    head_is(&a, 1, b1);
    CU_ASSERT_EQUAL(chain_canonical_hash(a.c, 2, x), BT_ENOTFOUND);
    struct bts_u256 td;
    CU_ASSERT_EQUAL(chain_td(a.c, b1, &td), BT_OK);
    struct bts_u256 five = bts_u256_from_u64(5);
    CU_ASSERT(bts_u256_eq(&td, &five));
    /* Back: a's old branch grows heavier (4 + 2 > 5) on top of its stored side blocks. */
    chain_close(b.c);
    stl_close(&b.t);
    genesis_free(&b.g);
    memset(&b, 0, sizeof(b));
    node_open(&b);
    for (uint32_t i = 0; i < 3; i++) {
        submit(&b, i, 0, 0);
        produce(&b, 1, h);
    }
    uint8_t b4[32];
    produce(&b, 3, b4); /* b now holds a's old three blocks plus one: TD 6 */
    import_ok(&a, &b, 4);
    head_is(&a, 4, b4);
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, t[2].bytes, &loc), BT_OK);
    CU_ASSERT_EQUAL(loc.block_number, 3);
    CU_ASSERT_PTR_NULL(txpool_get(chain_txpool(a.c), t[0].bytes));
    node_close(&a);
    node_close(&b);
}

static void test_chain_reorg_failed_write_keeps_old_chain(void)
{
    struct node a, b;
    node_open(&a);
    node_open(&b);
    uint8_t a1[32], b1[32], b2[32];
    struct bt_hash ta = submit(&a, 0, 0, 0);
    produce(&a, 1, a1);
    submit(&b, 1, 0, 0);
    produce(&b, 1, b1);
    produce(&b, 1, b2);
    import_ok(&a, &b, 1); /* side */
    struct stor_digest before, after;
    CU_ASSERT_EQUAL(stor_digest(a.t.sn.s, &before), BT_OK);
    a.c->fail_next_write = 1;
    char err[512] = "";
    CU_ASSERT_EQUAL(import_from(&a, &b, 2, NULL, err, sizeof(err)), BT_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "commit"));
    CU_ASSERT_EQUAL(stor_digest(a.t.sn.s, &after), BT_OK);
    CU_ASSERT_EQUAL(before.n_keys, after.n_keys);
    CU_ASSERT_EQUAL(memcmp(before.hash, after.hash, 32), 0);
    head_is(&a, 1, a1);
    canonical_is(&a, 1, a1);
    struct chain_tx_loc loc;
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, ta.bytes, &loc), BT_OK);
    /* The store is the old chain: a reopen agrees, and the import then goes through. */
    chain_close(a.c);
    node_open_chain(&a);
    head_is(&a, 1, a1);
    import_ok(&a, &b, 2);
    head_is(&a, 2, b2);
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, ta.bytes, &loc), BT_ENOTFOUND);
    node_close(&a);
    node_close(&b);
}

static void test_chain_reorg_refusals(void)
{
    struct node a, b;
    node_open(&a);
    node_open(&b);
    uint8_t h[32], b1[32];
    for (int i = 0; i < CHAIN_REORG_MAX_DEPTH + 2; i++)
        produce(&a, 1, h);
    produce(&b, 1000, b1);
    /* Heavier, but the fork is 66 blocks deep: stored, the head stays. */
    import_ok(&a, &b, 1);
    head_is(&a, CHAIN_REORG_MAX_DEPTH + 2, h);
    struct chain_header hd;
    CU_ASSERT_EQUAL(chain_header_by_hash(a.c, b1, &hd), BT_OK);
    chain_header_free(&hd);
    /* A block whose parent is unknown. */
    uint8_t b2[32];
    produce(&b, 1, b2);
    produce(&b, 1, b2);
    char err[512] = "";
    CU_ASSERT_EQUAL(import_from(&a, &b, 3, NULL, err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown ancestor"));
    /* A side block sealed by another key is refused before it is executed. */
    chain_close(b.c);
    stl_close(&b.t);
    genesis_free(&b.g);
    node_init(&b);
    memset(b.e.e.key, 0x22, 32);
    CU_ASSERT_EQUAL_FATAL(bts_secp_seckey_to_address(b.e.e.addr, b.e.e.key), BT_OK);
    node_open_chain(&b);
    produce(&b, 1, b2);
    CU_ASSERT_EQUAL(import_from(&a, &b, 1, NULL, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unauthorized signer"));
    node_close(&a);
    node_close(&b);
}

/* A reorg on LevelDB, then the whole node stopped and started again on the same datadir. */
static void test_chain_reorg_restart_leveldb(void)
{
    struct node a, b;
    memset(&a, 0, sizeof(a));
    stl_open(&a.t, "storage-leveldb");
    char err[256];
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&a.g, "dev", 4, err, sizeof(err)), BT_OK);
    ctl_engine_init(&a.e.e);
    node_open_chain(&a);
    node_open(&b);
    uint8_t h[32], b1[32], b2[32];
    struct bt_hash ta = submit(&a, 0, 0, 1);
    produce(&a, 1, h);
    struct bt_hash tb = submit(&b, 1, 0, 0);
    produce(&b, 1, b1);
    produce(&b, 1, b2);
    import_ok(&a, &b, 1);
    import_ok(&a, &b, 2);
    head_is(&a, 2, b2);
    chain_close(a.c);
    stl_stop(&a.t);
    stl_open_in(&a.t, "storage-leveldb");
    node_open_chain(&a);
    head_is(&a, 2, b2);
    canonical_is(&a, 1, b1);
    struct chain_tx_loc loc;
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, tb.bytes, &loc), BT_OK);
    CU_ASSERT_EQUAL(memcmp(loc.block_hash.bytes, b1, 32), 0);
    CU_ASSERT_EQUAL(chain_tx_lookup(a.c, ta.bytes, &loc), BT_ENOTFOUND);
    struct bts_u256 td;
    CU_ASSERT_EQUAL(chain_td(a.c, h, &td), BT_OK); /* the old block stays, by hash */
    node_close(&a);
    node_close(&b);
}

/* --- the txpool journal ---------------------------------------------------------------------- */

static off_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static void test_chain_journal_survives_sigkill(void)
{
    char dir[] = "/tmp/bttcd-journal-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/transactions.rlp", dir);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        /* The node: three transactions admitted, then killed without closing anything. */
        struct node n;
        char data[160];
        snprintf(data, sizeof(data), "%s/killed", dir);
        node_init_in(&n, data);
        n.journal = path;
        node_open_chain(&n);
        for (uint32_t i = 0; i < 3; i++)
            submit(&n, i, 0, 0);
        raise(SIGKILL);
        _exit(1);
    }
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    struct node n;
    node_init(&n);
    n.journal = path;
    n.rejournal_ms = 1; /* rewrite after every block */
    node_open_chain(&n);
    size_t pending, queued;
    txpool_counts(chain_txpool(n.c), &pending, &queued);
    CU_ASSERT_EQUAL(pending, 3);
    CU_ASSERT(file_size(path) > 0);
    /* Mined: the rewrite after the block leaves an empty journal. */
    uint8_t h[32];
    usleep(2000);
    produce(&n, 1, h);
    CU_ASSERT_EQUAL(file_size(path), 0);
    submit(&n, 3, 0, 0);
    CU_ASSERT(file_size(path) > 0);
    node_close(&n);
    stl_rm(dir); /* with the killed node's datadir */
}

/* chain_submit_begin/end: a run of submissions is journaled in one write at the end. */
static void test_chain_journal_submit_run(void)
{
    char dir[] = "/tmp/bttcd-journal-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/transactions.rlp", dir);
    struct node n;
    node_init(&n);
    n.journal = path;
    node_open_chain(&n);
    off_t before = file_size(path);
    chain_submit_begin(n.c);
    chain_submit_begin(n.c); /* nested: the outer end writes */
    submit(&n, 0, 0, 0);
    submit(&n, 1, 0, 0);
    CU_ASSERT_EQUAL(chain_submit_end(n.c), BT_OK);
    CU_ASSERT_EQUAL(file_size(path), before);
    CU_ASSERT_EQUAL(chain_submit_end(n.c), BT_OK);
    off_t two = file_size(path);
    CU_ASSERT(two > before);
    submit(&n, 2, 0, 0); /* outside a run: at once */
    CU_ASSERT(file_size(path) > two);
    node_close(&n);
    /* Reopened, the pool has all three from the journal. */
    node_init(&n);
    n.journal = path;
    node_open_chain(&n);
    size_t pending, queued;
    txpool_counts(chain_txpool(n.c), &pending, &queued);
    CU_ASSERT_EQUAL(pending, 3);
    node_close(&n);
    stl_rm(dir);
}

BTS_TEST_SUITE("chain_reorg", NULL, NULL, BTS_TEST(test_chain_reorg_heavier_branch_wins),
               BTS_TEST(test_chain_reorg_to_shorter_heavier_branch),
               BTS_TEST(test_chain_reorg_failed_write_keeps_old_chain),
               BTS_TEST(test_chain_reorg_refusals), BTS_TEST(test_chain_reorg_restart_leveldb),
               BTS_TEST(test_chain_journal_survives_sigkill),
               BTS_TEST(test_chain_journal_submit_run));
