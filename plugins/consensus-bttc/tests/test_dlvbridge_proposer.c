/* Bridge checkpoint proposer (dlvb_proposer.h) over fake adapters: the §4.6.1 range per root
 * chain from the chain's last header block (fresh, short, forced, full), the buffer rule, the
 * extra-chain activation, read failures and free in flight; the no-ack rule (§4.6.8); the
 * local root hash over a "chain" service against the §7.4 vector; proposals as MsgCheckpoint. */
#include <string.h>

#include <bts/header.h>
#include <bts/test.h>

#include "dlvb_msgs.h"
#include "dlvb_proposer.h"
#include "test_dlvbridge_fake.h"

#define NOW 1700000000u

/* --- app view and local chain fakes ------------------------------------------------------- */

struct app {
    int proposer;
    int buffered[4];
    uint64_t buffer_ts[4];
    int root_calls;
    bt_status local_st;
    struct dlvb_proposal got[8];
    int n_got;
};

static int app_is_proposer(void *arg)
{
    return ((struct app *)arg)->proposer;
}

static int app_buffered(void *arg, uint32_t root_type, uint64_t *out_time)
{
    struct app *a = arg;
    CU_ASSERT_FATAL(root_type < 4);
    *out_time = a->buffer_ts[root_type];
    return a->buffered[root_type];
}

static bt_status app_account_root(void *arg, uint8_t out[32])
{
    (void)arg;
    memset(out, 0xac, 32);
    return BT_OK;
}

static bt_status loc_head(void *arg, uint64_t *out)
{
    (void)arg;
    *out = 5000;
    return BT_OK;
}

static bt_status loc_root(void *arg, uint64_t start, uint64_t end, uint8_t out[32])
{
    struct app *a = arg;
    a->root_calls++;
    if (a->local_st != BT_OK)
        return a->local_st;
    memset(out, 0, 32);
    bts_solabi_word_u64(out, start ^ (end << 20));
    out[0] = 0x01; /* never zero */
    return BT_OK;
}

static void on_proposal(void *arg, const struct dlvb_proposal *p)
{
    struct app *a = arg;
    CU_ASSERT_FATAL(a->n_got < 8);
    a->got[a->n_got++] = *p;
}

struct rig {
    struct fake_rc tron, eth, bsc;
    struct app app;
    struct dlvb_proposer *p;
};

/* bsc_activation 0: no BSC chain (an inactive extra root is not given to the proposer) */
static void rig_init(struct rig *r, uint64_t bsc_activation)
{
    memset(r, 0, sizeof(*r));
    r->tron.type = BT_ROOTCHAIN_TRON;
    r->eth.type = BT_ROOTCHAIN_ETH;
    r->bsc.type = BT_ROOTCHAIN_BSC;
    r->app.proposer = 1;
    struct dlvb_proposer_chain c[3] = {
        {.root_type = BT_ROOTCHAIN_TRON, .vt = &fake_vtbl, .self = &r->tron},
        {.root_type = BT_ROOTCHAIN_ETH, .vt = &fake_vtbl, .self = &r->eth},
        {.root_type = BT_ROOTCHAIN_BSC,
         .vt = &fake_vtbl,
         .self = &r->bsc,
         .activation = bsc_activation},
    };
    memset(c[0].root_chain, 0x01, 20);
    memset(c[1].root_chain, 0x02, 20);
    memset(c[2].root_chain, 0x03, 20);
    struct dlvb_local loc = {loc_head, loc_root, &r->app};
    struct dlvb_app_view av = {app_is_proposer, app_buffered, app_account_root, &r->app};
    CU_ASSERT_FATAL(dlvb_proposer_new(&r->p, c, bsc_activation ? 3 : 2, 1000, &loc, &av,
                                      on_proposal, &r->app) == BT_OK);
}

static void rig_run(struct rig *r)
{
    fake_run(&r->tron);
    fake_run(&r->eth);
    fake_run(&r->bsc);
}

/* Set the chain's last checkpoint: header block 10000*k with [start, end] created at t. */
static void last_ckpt(struct fake_rc *f, uint64_t k, uint64_t start, uint64_t end, uint64_t t)
{
    f->current_header = k * 10000;
    f->hb[k].start = start;
    f->hb[k].end = end;
    f->hb[k].created_at = t;
    memset(f->hb[k].root, 0x11, 32);
}

static struct dlvb_proposal *find(struct app *a, uint32_t root_type)
{
    for (int i = 0; i < a->n_got; i++)
        if (a->got[i].root_type == root_type)
            return &a->got[i];
    return NULL;
}

static void test_dlvbridge_proposer_ranges(void)
{
    struct rig r;
    rig_init(&r, 2000);
    /* fresh TRON; ETH last checkpoint 0..255 a minute ago; BSC not active yet */
    last_ckpt(&r.eth, 1, 0, 255, NOW - 60);
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT_EQUAL_FATAL(r.app.n_got, 1);
    struct dlvb_proposal *t = find(&r.app, BT_ROOTCHAIN_TRON);
    CU_ASSERT_FATAL(t != NULL);
    CU_ASSERT(t->start == 0 && t->end == 255 && t->account_root[0] == 0xac && t->root_hash[0]);
    CU_ASSERT_EQUAL(r.bsc.n_calls, 0);
    struct dlvb_proposer_stats st;
    dlvb_proposer_stats(r.p, &st);
    CU_ASSERT(st.proposals == 1 && st.skipped_range == 1 && st.errors == 0);

    /* ETH's last checkpoint is old: the short range is forced to the confirmed head */
    r.app.n_got = 0;
    last_ckpt(&r.eth, 1, 0, 255, NOW - 3000);
    last_ckpt(&r.tron, 1, 0, 255, NOW - 60);
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT_EQUAL_FATAL(r.app.n_got, 1);
    t = find(&r.app, BT_ROOTCHAIN_ETH);
    CU_ASSERT_FATAL(t != NULL);
    CU_ASSERT(t->start == 256 && t->end == 290);

    /* a long way behind: capped at 1024 blocks (BSC is active by now too) */
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 5000, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT_EQUAL_FATAL(r.app.n_got, 3);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON)->start == 256);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON)->end == 1279);

    /* BSC active from 2000: its first checkpoint starts at the activation height */
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 2300, NOW) == BT_OK);
    rig_run(&r);
    t = find(&r.app, BT_ROOTCHAIN_BSC);
    CU_ASSERT_FATAL(t != NULL);
    CU_ASSERT_EQUAL(t->start, 2000);
    CU_ASSERT(t->end > t->start);

    /* not the proposer: nothing read */
    size_t calls = r.tron.n_calls;
    r.app.proposer = 0;
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 5000, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(r.app.n_got == 0 && r.tron.n_calls == calls);
    /* a head within the confirmations: nothing */
    r.app.proposer = 1;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 10, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(r.app.n_got == 0 && r.tron.n_calls == calls);
    dlvb_proposer_free(r.p);
}

static void test_dlvbridge_proposer_buffer_and_failures(void)
{
    struct rig r;
    rig_init(&r, 0); /* no BSC */
    /* a young buffered checkpoint on TRON blocks it; an old one or timestamp 0 does not */
    r.app.buffered[BT_ROOTCHAIN_TRON] = 1;
    r.app.buffer_ts[BT_ROOTCHAIN_TRON] = NOW - 999;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(r.app.n_got == 1 && find(&r.app, BT_ROOTCHAIN_ETH) != NULL);
    CU_ASSERT_EQUAL(r.tron.n_calls, 0);
    struct dlvb_proposer_stats st;
    dlvb_proposer_stats(r.p, &st);
    CU_ASSERT_EQUAL(st.skipped_buffer, 1);
    r.app.buffer_ts[BT_ROOTCHAIN_TRON] = NOW - 1000;
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON) != NULL);
    r.app.buffer_ts[BT_ROOTCHAIN_TRON] = NOW + 50; /* in the future: still blocks */
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON) == NULL);
    r.app.buffer_ts[BT_ROOTCHAIN_TRON] = 0;
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON) != NULL);
    r.app.buffered[BT_ROOTCHAIN_TRON] = 0;

    /* a check in flight is not started twice */
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    CU_ASSERT(dlvb_proposer_on_head(r.p, 301, NOW) == BT_OK);
    CU_ASSERT_EQUAL(r.tron.n_q, 1);
    rig_run(&r);
    CU_ASSERT_EQUAL(r.app.n_got, 2);

    /* failures: refused read, failing read, local root hash error */
    r.app.n_got = 0;
    r.tron.refuse_next = 1;
    r.eth.fail_next_cb = 1;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    dlvb_proposer_stats(r.p, &st);
    CU_ASSERT(r.app.n_got == 0 && st.errors == 2);
    r.app.local_st = BT_ENOTFOUND;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    dlvb_proposer_stats(r.p, &st);
    CU_ASSERT(r.app.n_got == 0 && st.errors == 4 && st.last_status == BT_ENOTFOUND);
    r.app.local_st = BT_OK;

    /* free while reads are in flight */
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    dlvb_proposer_free(r.p);
    rig_run(&r);
    CU_ASSERT_EQUAL(r.app.n_got, 0);

    struct dlvb_proposer *p = NULL;
    struct dlvb_local loc = {loc_head, loc_root, &r.app};
    struct dlvb_app_view av = {app_is_proposer, app_buffered, app_account_root, &r.app};
    struct dlvb_proposer_chain c = {0};
    CU_ASSERT(dlvb_proposer_new(&p, &c, 0, 1000, &loc, &av, on_proposal, &r.app) == BT_EINVAL);
}

static void test_dlvbridge_proposer_noack(void)
{
    uint64_t n = 99;
    /* no checkpoint yet: due, one proposer */
    CU_ASSERT(dlvb_noack_due(&n, NOW, 0, 0, 1800, 1000) == 1 && n == 1);
    /* last checkpoint younger than the wait: not due */
    CU_ASSERT(dlvb_noack_due(&n, NOW, NOW - 1799, 0, 1800, 1000) == 0 && n == 0);
    /* old enough: floor(age / wait) proposers */
    CU_ASSERT(dlvb_noack_due(&n, NOW, NOW - 1800, 0, 1800, 1000) == 1 && n == 1);
    CU_ASSERT(dlvb_noack_due(&n, NOW, NOW - 5500, 0, 1800, 1000) == 1 && n == 3);
    /* a recent no-ack holds the next one back for the buffer time */
    CU_ASSERT(dlvb_noack_due(&n, NOW, NOW - 5500, NOW - 999, 1800, 1000) == 0 && n == 3);
    CU_ASSERT(dlvb_noack_due(&n, NOW, NOW - 5500, NOW - 1000, 1800, 1000) == 1);
    CU_ASSERT(dlvb_noack_due(&n, NOW, NOW - 5500, NOW + 10, 1800, 1000) == 0);
    /* checkpoint time in the future: not due */
    CU_ASSERT(dlvb_noack_due(&n, NOW, NOW + 100, 0, 1800, 1000) == 0);
}

struct noack_ans {
    int calls, due;
    bt_status st;
    uint64_t count;
};

static void on_noack(void *arg, bt_status st, int due, uint64_t count)
{
    struct noack_ans *a = arg;
    a->calls++;
    a->st = st;
    a->due = due;
    a->count = count;
}

static void test_dlvbridge_proposer_noack_check(void)
{
    struct fake_rc tron = {.type = BT_ROOTCHAIN_TRON};
    uint8_t rc[20];
    memset(rc, 0x01, 20);
    struct noack_ans a = {0};
    /* fresh chain: due, one proposer */
    CU_ASSERT_FATAL(dlvb_noack_check(&fake_vtbl, &tron, rc, NOW, 0, 1800, 1000, on_noack, &a) ==
                    BT_OK);
    CU_ASSERT_EQUAL(a.calls, 0);
    fake_run(&tron);
    CU_ASSERT(a.calls == 1 && a.st == BT_OK && a.due && a.count == 1);
    /* last TRON checkpoint 1 h ago: due for the next 2 proposers */
    last_ckpt(&tron, 3, 512, 767, NOW - 3600);
    CU_ASSERT_FATAL(dlvb_noack_check(&fake_vtbl, &tron, rc, NOW, 0, 1800, 1000, on_noack, &a) ==
                    BT_OK);
    fake_run(&tron);
    CU_ASSERT(a.calls == 2 && a.due && a.count == 2);
    /* ten minutes ago: not due */
    last_ckpt(&tron, 3, 512, 767, NOW - 600);
    CU_ASSERT_FATAL(dlvb_noack_check(&fake_vtbl, &tron, rc, NOW, 0, 1800, 1000, on_noack, &a) ==
                    BT_OK);
    fake_run(&tron);
    CU_ASSERT(a.calls == 3 && !a.due);
    /* a failing read is reported; a refused one is not called back */
    tron.fail_next_cb = 1;
    CU_ASSERT_FATAL(dlvb_noack_check(&fake_vtbl, &tron, rc, NOW, 0, 1800, 1000, on_noack, &a) ==
                    BT_OK);
    fake_run(&tron);
    CU_ASSERT(a.calls == 4 && a.st == BT_EIO && !a.due);
    tron.refuse_next = 1;
    CU_ASSERT(dlvb_noack_check(&fake_vtbl, &tron, rc, NOW, 0, 1800, 1000, on_noack, &a) == BT_EIO);
    fake_run(&tron);
    CU_ASSERT_EQUAL(a.calls, 4);
}

struct sync_ans {
    int calls, has;
    bt_status st;
    struct dlvb_sync_proposal p;
};

static void on_sync(void *arg, bt_status st, const struct dlvb_sync_proposal *p)
{
    struct sync_ans *a = arg;
    a->calls++;
    a->st = st;
    a->has = p != NULL;
    if (p)
        a->p = *p;
}

static void test_dlvbridge_proposer_checkpoint_sync(void)
{
    struct fake_rc tron = {.type = BT_ROOTCHAIN_TRON}, eth = {.type = BT_ROOTCHAIN_ETH};
    struct dlvb_sync_req r = {.tron_vt = &fake_vtbl,
                              .tron_self = &tron,
                              .vt = &fake_vtbl,
                              .self = &eth,
                              .root_type = BT_ROOTCHAIN_ETH};
    memset(r.tron_stake_manager, 0x5e, 20);
    memset(r.root_chain, 0x02, 20);
    /* ETH has checkpoints 1 and 2; TRON has synced 1: propose 2 */
    last_ckpt(&eth, 1, 0, 255, NOW - 100);
    last_ckpt(&eth, 2, 256, 511, NOW - 50);
    memset(eth.hb[2].proposer, 0x0a, 20);
    tron.synced = 1;
    struct sync_ans a = {0};
    CU_ASSERT_FATAL(dlvb_sync_check(&r, on_sync, &a) == BT_OK);
    fake_run(&tron);
    fake_run(&eth);
    CU_ASSERT(a.calls == 1 && a.st == BT_OK && a.has);
    CU_ASSERT(a.p.number == 2 && a.p.start == 256 && a.p.end == 511 && a.p.proposer[0] == 0x0a);
    CU_ASSERT(a.p.root_type == BT_ROOTCHAIN_ETH);
    uint8_t me[20] = {7};
    struct dlv_msg m;
    CU_ASSERT_FATAL(dlvb_sync_to_msg(&m, &a.p, me) == BT_OK);
    CU_ASSERT(m.type == DLV_MSG_CHECKPOINT_SYNC && m.u.ckpt_sync.number == 2);
    CU_ASSERT(m.u.ckpt_sync.root == DLV_ROOT_ETH && m.u.ckpt_sync.from[0] == 7);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT(dlv_msg_side_sign_bytes(&b, &m) == BT_OK && b.len == 160);
    bts_buf_free(&b);
    dlv_msg_free(&m);
    /* all synced: nothing to propose */
    tron.synced = 2;
    CU_ASSERT_FATAL(dlvb_sync_check(&r, on_sync, &a) == BT_OK);
    fake_run(&tron);
    fake_run(&eth);
    CU_ASSERT(a.calls == 2 && a.st == BT_OK && !a.has);
    /* failures on either chain */
    tron.fail_next_cb = 1;
    CU_ASSERT_FATAL(dlvb_sync_check(&r, on_sync, &a) == BT_OK);
    fake_run(&tron);
    CU_ASSERT(a.calls == 3 && a.st == BT_EIO);
    eth.refuse_next = 1;
    tron.synced = 0;
    CU_ASSERT_FATAL(dlvb_sync_check(&r, on_sync, &a) == BT_OK);
    fake_run(&tron);
    fake_run(&eth);
    CU_ASSERT(a.calls == 4 && a.st == BT_EIO && !a.has);
    tron.refuse_next = 1;
    CU_ASSERT(dlvb_sync_check(&r, on_sync, &a) == BT_EIO);
    CU_ASSERT_EQUAL(a.calls, 4);
}

/* --- local root hash over a "chain" service ------------------------------------------------ */

struct chain {
    uint64_t head;
    int missing; /* header_by_number of this number fails (0: none) */
};

static void release_buf(struct bt_value *v)
{
    free((void *)v->data);
}

static bt_status ch_head(void *self, uint64_t *out, uint8_t hash[32])
{
    *out = ((struct chain *)self)->head;
    memset(hash, 0, 32);
    return BT_OK;
}

static bt_status ch_by_number(void *self, uint64_t n, struct bt_value *out)
{
    struct chain *c = self;
    if (n > c->head || (c->missing && n == (uint64_t)c->missing))
        return BT_ENOTFOUND;
    struct bts_header h;
    memset(&h, 0, sizeof(h));
    static const char *empty = "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
    for (int i = 0; i < 32; i++) {
        unsigned x = 0;
        sscanf(empty + 2 * i, "%2x", &x);
        h.tx_root.bytes[i] = h.receipt_root.bytes[i] = (uint8_t)x;
    }
    h.number = n;
    h.time = 1638950000 + 2 * n;
    h.gas_limit = 20000000;
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(bts_header_encode(&b, &h) == BT_OK);
    size_t len = 0;
    out->data = bts_buf_detach(&b, &len);
    out->len = len;
    out->release = release_buf;
    return BT_OK;
}

static void test_dlvbridge_proposer_local_root_hash(void)
{
    struct chain c = {.head = 600};
    struct bt_chain_iface iface = {
        .struct_size = sizeof(iface), .head = ch_head, .header_by_number = ch_by_number};
    struct dlvb_chain_local cl = {&iface, &c};
    struct dlvb_local loc;
    dlvb_chain_local_init(&loc, &cl);
    uint64_t head = 0;
    CU_ASSERT(loc.head(loc.arg, &head) == BT_OK && head == 600);
    uint8_t root[32];
    CU_ASSERT_FATAL(loc.root_hash(loc.arg, 0, 255, root) == BT_OK);
    BTS_ASSERT_HEX(root, 32, "155f6ab0fa491d21bba5646453326f4a404e72aceca9c60b3b87021d52a2cec0");
    CU_ASSERT_FATAL(loc.root_hash(loc.arg, 256, 511, root) == BT_OK);
    BTS_ASSERT_HEX(root, 32, "95bfeccdc2e16d78d5a3ee9753b758b799206b83e2478d4324d2be1bad181fe7");
    CU_ASSERT_FATAL(loc.root_hash(loc.arg, 1, 3, root) == BT_OK);
    BTS_ASSERT_HEX(root, 32, "beddd2cd9f617bbb94f67cb4ee07b0b60ff90df43414a89e51f4a769f706575a");
    CU_ASSERT(loc.root_hash(loc.arg, 500, 601, root) == BT_EINVAL);
    CU_ASSERT(loc.root_hash(loc.arg, 5, 4, root) == BT_EINVAL);
    CU_ASSERT(loc.root_hash(loc.arg, 0, 32768, root) == BT_EINVAL);
    c.missing = 7;
    CU_ASSERT(loc.root_hash(loc.arg, 0, 10, root) == BT_ENOTFOUND);
}

static void test_dlvbridge_proposer_msg(void)
{
    struct dlvb_proposal p = {.root_type = BT_ROOTCHAIN_ETH, .start = 256, .end = 511};
    memset(p.root_hash, 0x12, 32);
    memset(p.account_root, 0x34, 32);
    uint8_t me[20];
    memset(me, 0x0d, 20);
    struct dlv_msg m;
    CU_ASSERT_FATAL(dlvb_proposal_to_msg(&m, &p, me, "199", 3) == BT_OK);
    CU_ASSERT_EQUAL(m.type, DLV_MSG_CHECKPOINT);
    CU_ASSERT(m.u.checkpoint.start_block == 256 && m.u.checkpoint.end_block == 511);
    CU_ASSERT(m.u.checkpoint.epoch == 3 && m.u.checkpoint.root == DLV_ROOT_ETH);
    CU_ASSERT(m.u.checkpoint.proposer[0] == 0x0d && m.u.checkpoint.root_hash[0] == 0x12);
    char err[128];
    CU_ASSERT(dlv_msg_validate(&m, err, sizeof(err)) == BT_OK);
    /* its side-sign bytes are the 224 bytes the root chain takes */
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_FATAL(dlv_msg_side_sign_bytes(&b, &m) == BT_OK);
    CU_ASSERT_EQUAL(b.len, 224);
    uint64_t start = 0;
    CU_ASSERT(bts_solabi_word_to_u64(&start, b.data + 32) == BT_OK && start == 256);
    bts_buf_free(&b);
    dlv_msg_free(&m);
    p.root_type = BT_ROOTCHAIN_OTHER;
    CU_ASSERT(dlvb_proposal_to_msg(&m, &p, me, "199", 3) == BT_ENOTSUP);
    p.root_type = BT_ROOTCHAIN_TRON;
    CU_ASSERT(dlvb_proposal_to_msg(&m, &p, me, "12345678901234567890123456789012", 3) == BT_EINVAL);
}

/* A dev net's genesis lengths (avg 16, max 64, 2 confirmations): a checkpoint every 16 blocks
 * instead of 256, and a BSC listed from block 0 gets one too. */
static void test_dlvbridge_proposer_dev_lengths(void)
{
    struct rig r;
    rig_init(&r, 0);
    CU_ASSERT(dlvb_proposer_set_range(r.p, 0, 64, 2) == BT_EINVAL);
    CU_ASSERT(dlvb_proposer_set_range(r.p, 65, 64, 2) == BT_EINVAL);
    CU_ASSERT(dlvb_proposer_set_range(r.p, 16, 0, 2) == BT_EINVAL);
    CU_ASSERT(dlvb_proposer_set_range(r.p, 16, 64, 2) == BT_OK);
    last_ckpt(&r.eth, 1, 0, 15, NOW - 60);
    last_ckpt(&r.tron, 1, 0, 15, NOW - 60);
    CU_ASSERT(dlvb_proposer_on_head(r.p, 32, NOW) == BT_OK); /* 16..30 is short */
    rig_run(&r);
    CU_ASSERT_EQUAL(r.app.n_got, 0);
    CU_ASSERT(dlvb_proposer_on_head(r.p, 33, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT_EQUAL_FATAL(r.app.n_got, 2);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON)->start == 16);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON)->end == 31);
    /* capped at 64 blocks; forced after 2 x 64 s */
    r.app.n_got = 0;
    last_ckpt(&r.eth, 1, 0, 15, NOW - 60);
    last_ckpt(&r.tron, 1, 0, 15, NOW - 129);
    CU_ASSERT(dlvb_proposer_on_head(r.p, 1000, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_ETH)->start == 16);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_ETH)->end == 79);
    r.app.n_got = 0;
    CU_ASSERT(dlvb_proposer_on_head(r.p, 30, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_ETH) == NULL);     /* 16..28: short, young */
    CU_ASSERT(find(&r.app, BT_ROOTCHAIN_TRON)->end == 28); /* short, forced */
    dlvb_proposer_free(r.p);

    /* BSC listed with activation 0: checkpointed from block 0 like TRON and ETH */
    struct dlvb_proposer_chain c = {
        .root_type = BT_ROOTCHAIN_BSC, .vt = &fake_vtbl, .self = &r.bsc};
    memset(c.root_chain, 0x03, 20);
    struct dlvb_local loc = {loc_head, loc_root, &r.app};
    struct dlvb_app_view av = {app_is_proposer, app_buffered, app_account_root, &r.app};
    r.app.n_got = 0;
    CU_ASSERT_FATAL(dlvb_proposer_new(&r.p, &c, 1, 1000, &loc, &av, on_proposal, &r.app) == BT_OK);
    CU_ASSERT(dlvb_proposer_on_head(r.p, 300, NOW) == BT_OK);
    rig_run(&r);
    CU_ASSERT_EQUAL_FATAL(r.app.n_got, 1);
    CU_ASSERT(r.app.got[0].start == 0 && r.app.got[0].end == 255);
    dlvb_proposer_free(r.p);
}

BTS_TEST_SUITE("dlvbridge_proposer", NULL, NULL, BTS_TEST(test_dlvbridge_proposer_ranges),
               BTS_TEST(test_dlvbridge_proposer_dev_lengths),
               BTS_TEST(test_dlvbridge_proposer_buffer_and_failures),
               BTS_TEST(test_dlvbridge_proposer_noack),
               BTS_TEST(test_dlvbridge_proposer_noack_check),
               BTS_TEST(test_dlvbridge_proposer_checkpoint_sync),
               BTS_TEST(test_dlvbridge_proposer_local_root_hash),
               BTS_TEST(test_dlvbridge_proposer_msg));
