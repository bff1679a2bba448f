/* Bridge side-check oracle (dlvb_oracle.h, dlv_oracle.h) over fake adapters and a fake local
 * chain: each query kind, the confirmation rule for receipts, unset header blocks, refusals,
 * cancel_all and free with queries outstanding; staking events to their msgs. */
#include <string.h>

#include <bts/test.h>

#include "dlvb_msgs.h"
#include "dlvb_oracle.h"
#include "test_dlvbridge_fake.h"

static const uint8_t SENDER[20] = {0x52};

struct answers {
    int n;
    struct dlv_oracle_answer last;
    uint8_t data[64];
};

static void on_answer(void *arg, const struct dlv_oracle_answer *a)
{
    struct answers *x = arg;
    x->n++;
    x->last = *a;
    if (a->status == BT_OK && a->log.data_len && a->log.data_len <= sizeof(x->data)) {
        memcpy(x->data, a->log.data, a->log.data_len);
        x->last.log.data = x->data; /* the answer's data is borrowed */
    }
}

static bt_status loc_head(void *arg, uint64_t *out)
{
    (void)arg;
    *out = 700;
    return BT_OK;
}

static bt_status loc_root(void *arg, uint64_t start, uint64_t end, uint8_t out[32])
{
    (void)arg;
    memset(out, (int)(start + end), 32);
    return BT_OK;
}

struct rig {
    struct fake_rc tron, eth;
    struct dlvb_oracle *o;
};

static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof(*r));
    r->tron.type = BT_ROOTCHAIN_TRON;
    r->eth.type = BT_ROOTCHAIN_ETH;
    struct dlvb_oracle_chain c[2] = {
        {.root = DLV_ROOT_TRON, .vt = &fake_vtbl, .self = &r->tron},
        {.root = DLV_ROOT_ETH, .vt = &fake_vtbl, .self = &r->eth, .confirmations = 6},
    };
    memset(c[1].stake_manager, 0x5e, 20);
    struct dlvb_local loc = {loc_head, loc_root, NULL};
    CU_ASSERT_FATAL(dlvb_oracle_new(&r->o, c, 2, &loc) == BT_OK);
}

static bt_status ask(struct rig *r, const struct dlv_oracle_query *q, struct answers *a)
{
    memset(a, 0, sizeof(*a));
    bt_status st = dlvb_oracle_iface.query(r->o, q, on_answer, a);
    fake_run(&r->tron);
    fake_run(&r->eth);
    return st;
}

static void test_dlvbridge_oracle_local_and_headers(void)
{
    struct rig r;
    rig_init(&r);
    struct answers a;
    struct dlv_oracle_query q = {.kind = DLV_Q_BTTC_HEAD};
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_OK);
    CU_ASSERT_EQUAL(a.last.number, 700);
    q = (struct dlv_oracle_query){.kind = DLV_Q_BTTC_ROOT_HASH, .a = 256, .b = 511};
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_OK);
    CU_ASSERT_EQUAL(a.last.hash[0], (uint8_t)(256 + 511));
    q.b = 701; /* past the head */
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_ENOTFOUND);

    /* headerBlocks(20000) on TRON: set, then unset */
    r.tron.hb[2].start = 256;
    r.tron.hb[2].end = 511;
    r.tron.hb[2].created_at = 1700000000;
    memset(r.tron.hb[2].root, 0x99, 32);
    memset(r.tron.hb[2].proposer, 0x0f, 20);
    q = (struct dlv_oracle_query){.kind = DLV_Q_HEADER_BLOCK, .root = DLV_ROOT_TRON, .a = 20000};
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_OK);
    CU_ASSERT(a.last.header.start == 256 && a.last.header.end == 511);
    CU_ASSERT(a.last.header.root[0] == 0x99 && a.last.header.proposer[19] == 0x0f);
    CU_ASSERT_EQUAL(a.last.header.created_at, 1700000000);
    q.a = 30000;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_ENOTFOUND);
    /* an adapter failure is not "not found" (the app votes Skip) */
    r.tron.fail_next_cb = 1;
    q.a = 20000;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_EIO);
    /* refused synchronously: no answer, nothing pending */
    r.tron.refuse_next = 1;
    CU_ASSERT(ask(&r, &q, &a) == BT_EIO && a.n == 0);
    CU_ASSERT_EQUAL(dlvb_oracle_pending(r.o), 0);
    /* unknown root, no BSC configured */
    q.root = DLV_ROOT_BSC;
    CU_ASSERT(ask(&r, &q, &a) == BT_ENOTFOUND && a.n == 0);
    dlvb_oracle_free(r.o);
}

/* The span seed (PROTOCOL.md §4.5.2): the hash of a confirmed Ethereum block, through the
 * adapter of chain type Ethereum; not yet confirmed → BT_EBUSY; no Ethereum adapter: TRON's,
 * none of the two → BT_ENOTFOUND; an adapter built before get_block → BT_ENOTSUP; nothing is left
 * pending. */
static void test_dlvbridge_oracle_eth_block_hash(void)
{
    struct rig r;
    rig_init(&r);
    r.eth.head = 100;
    r.eth.finalized = 97;
    struct answers a;
    uint8_t want[32];
    struct dlv_oracle_query q = {.kind = DLV_Q_ETH_BLOCK_HASH, .a = 50};
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_OK);
    fake_block_hash(want, 50);
    CU_ASSERT(memcmp(a.last.hash, want, 32) == 0);
    CU_ASSERT_EQUAL(r.tron.n_q + r.tron.n_calls, 0); /* never TRON, which holds the staking */
    q.a = 94; /* head - 6: the deepest unconfirmed block is 95 */
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_OK);
    fake_block_hash(want, 94);
    CU_ASSERT(memcmp(a.last.hash, want, 32) == 0);
    q.a = 95; /* within the confirmations */
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_EBUSY);
    r.eth.head = 200;
    q.a = 98; /* deep enough by confirmations, above the finalized height */
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_EBUSY);
    q.a = 5000; /* beyond the head */
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_EBUSY);
    r.eth.fail_next_cb = 1; /* heights failed */
    q.a = 50;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_EIO);
    r.eth.refuse_next = 1;
    CU_ASSERT(ask(&r, &q, &a) == BT_EIO && a.n == 0);
    CU_ASSERT_EQUAL(dlvb_oracle_pending(r.o), 0);
    /* freed with the query outstanding: no answer, the memory goes with the last callback */
    memset(&a, 0, sizeof(a));
    CU_ASSERT(dlvb_oracle_iface.query(r.o, &q, on_answer, &a) == BT_OK);
    dlvb_oracle_free(r.o);
    fake_run(&r.eth);
    CU_ASSERT_EQUAL(a.n, 0);

    /* TRON only (a dev net without Ethereum): the seed comes from the TRON chain */
    struct fake_rc tron = {.type = BT_ROOTCHAIN_TRON, .head = 100, .finalized = 100};
    struct dlvb_oracle_chain c = {.root = DLV_ROOT_TRON, .vt = &fake_vtbl, .self = &tron};
    struct dlvb_local loc = {loc_head, loc_root, NULL};
    struct dlvb_oracle *o;
    CU_ASSERT_FATAL(dlvb_oracle_new(&o, &c, 1, &loc) == BT_OK);
    memset(&a, 0, sizeof(a));
    CU_ASSERT(dlvb_oracle_iface.query(o, &q, on_answer, &a) == BT_OK);
    fake_run(&tron);
    fake_block_hash(want, 50);
    CU_ASSERT(a.n == 1 && a.last.status == BT_OK && memcmp(a.last.hash, want, 32) == 0);
    CU_ASSERT_EQUAL(dlvb_oracle_pending(o), 0);
    dlvb_oracle_free(o);
    /* neither Ethereum nor TRON: nothing to ask */
    struct fake_rc bsc = {.type = BT_ROOTCHAIN_BSC, .head = 100, .finalized = 100};
    c = (struct dlvb_oracle_chain){.root = DLV_ROOT_BSC, .vt = &fake_vtbl, .self = &bsc};
    CU_ASSERT_FATAL(dlvb_oracle_new(&o, &c, 1, &loc) == BT_OK);
    memset(&a, 0, sizeof(a));
    CU_ASSERT(dlvb_oracle_iface.query(o, &q, on_answer, &a) == BT_ENOTFOUND && a.n == 0);
    dlvb_oracle_free(o);
    /* an Ethereum adapter whose table ends before get_block */
    struct fake_rc eth = {.type = BT_ROOTCHAIN_ETH, .head = 100, .finalized = 100};
    c = (struct dlvb_oracle_chain){.root = DLV_ROOT_ETH, .vt = &fake_vtbl_old, .self = &eth};
    CU_ASSERT_FATAL(dlvb_oracle_new(&o, &c, 1, &loc) == BT_OK);
    CU_ASSERT(dlvb_oracle_iface.query(o, &q, on_answer, &a) == BT_ENOTSUP && a.n == 0);
    CU_ASSERT_EQUAL(eth.n_q, 0);
    CU_ASSERT_EQUAL(dlvb_oracle_pending(o), 0);
    dlvb_oracle_free(o);
}

static void test_dlvbridge_oracle_receipt_logs(void)
{
    struct rig r;
    rig_init(&r);
    r.eth.head = 100;
    r.eth.finalized = 100;
    uint8_t topics[3][32] = {{0}};
    memcpy(topics[0], dlvb_event_topics[DLVB_EV_STATE_SYNCED], 32);
    bts_solabi_word_u64(topics[1], 9);
    uint8_t data[3] = {7, 8, 9};
    fake_add_log(&r.eth, SENDER, 90, 0, (const uint8_t(*)[32])topics, 3, data, 3);
    struct bt_rootchain_log *l =
        fake_add_log(&r.eth, SENDER, 94, 4, (const uint8_t(*)[32])topics, 3, data, 3);
    struct answers a;
    struct dlv_oracle_query q = {
        .kind = DLV_Q_RECEIPT_LOG, .root = DLV_ROOT_ETH, .a = 94, .log_index = 4};
    memcpy(q.tx_hash, l->tx_hash, 32);
    /* 100 - 6 = 94: confirmed */
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_OK);
    CU_ASSERT(a.last.log.block_number == 94 && a.last.log.n_topics == 3);
    CU_ASSERT(memcmp(a.last.log.address, SENDER, 20) == 0);
    CU_ASSERT(a.last.log.data_len == 3 && a.data[2] == 9);
    CU_ASSERT(memcmp(a.last.log.topics[0], topics[0], 32) == 0);
    CU_ASSERT(r.eth.ranges[r.eth.n_ranges - 1][0] == 94 &&
              r.eth.ranges[r.eth.n_ranges - 1][1] == 94);
    /* not deep enough: busy (Skip), nothing read */
    r.eth.head = 99;
    size_t nr = r.eth.n_ranges;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_EBUSY && r.eth.n_ranges == nr);
    /* beyond the adapter's finalized height */
    r.eth.head = 200;
    r.eth.finalized = 93;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_EBUSY);
    r.eth.finalized = 200;
    /* wrong index, wrong tx, wrong block */
    q.log_index = 5;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_ENOTFOUND);
    q.log_index = 4;
    q.tx_hash[3] ^= 1;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_ENOTFOUND);
    q.tx_hash[3] ^= 1;
    q.a = 90;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_ENOTFOUND);
    /* no block number: unknown to this node (Skip) until a listener noted the log */
    q.a = 0;
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_EBUSY);
    dlvb_oracle_note_log(r.o, DLV_ROOT_ETH, q.tx_hash, 4, 94);
    dlvb_oracle_note_log(r.o, DLV_ROOT_TRON, q.tx_hash, 4, 90); /* other chain */
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.n == 1 && a.last.status == BT_OK);
    CU_ASSERT_EQUAL(a.last.log.block_number, 94);
    for (uint64_t i = 0; i < 5000; i++) /* the ring forgets old notes */
        dlvb_oracle_note_log(r.o, DLV_ROOT_ETH, topics[0], i, 1);
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_EBUSY);
    /* a failing get_logs after heights */
    q.a = 94;
    memset(&a, 0, sizeof(a));
    CU_ASSERT(dlvb_oracle_iface.query(r.o, &q, on_answer, &a) == BT_OK);
    fake_step(&r.eth);
    r.eth.fail_next_cb = 1;
    fake_run(&r.eth);
    CU_ASSERT(a.n == 1 && a.last.status == BT_EIO);
    dlvb_oracle_free(r.o);
}

static void test_dlvbridge_oracle_views_and_cancel(void)
{
    struct rig r;
    rig_init(&r);
    struct answers a;
    r.eth.nonce = 12;
    struct dlv_oracle_query q = {.kind = DLV_Q_VALIDATOR_NONCE, .root = DLV_ROOT_ETH, .a = 3};
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_OK && a.last.number == 12);
    r.tron.synced = 4;
    q = (struct dlv_oracle_query){.kind = DLV_Q_SYNCED_CHECKPOINT, .a = 2};
    CU_ASSERT(ask(&r, &q, &a) == BT_OK && a.last.status == BT_OK && a.last.number == 4);

    /* cancel_all: owed callbacks are swallowed */
    memset(&a, 0, sizeof(a));
    CU_ASSERT(dlvb_oracle_iface.query(r.o, &q, on_answer, &a) == BT_OK);
    CU_ASSERT(dlvb_oracle_iface.query(r.o, &q, on_answer, &a) == BT_OK);
    CU_ASSERT_EQUAL(dlvb_oracle_pending(r.o), 2);
    dlvb_oracle_iface.cancel_all(r.o);
    fake_run(&r.tron);
    CU_ASSERT(a.n == 0 && dlvb_oracle_pending(r.o) == 0);
    /* free with queries outstanding: memory goes with the last callback */
    CU_ASSERT(dlvb_oracle_iface.query(r.o, &q, on_answer, &a) == BT_OK);
    dlvb_oracle_free(r.o);
    fake_run(&r.tron);
    CU_ASSERT_EQUAL(a.n, 0);

    /* bad setups */
    struct dlvb_oracle *o = NULL;
    struct dlvb_local loc = {loc_head, loc_root, NULL};
    struct dlvb_oracle_chain twice[2] = {{.root = DLV_ROOT_ETH, .vt = &fake_vtbl},
                                         {.root = DLV_ROOT_ETH, .vt = &fake_vtbl}};
    CU_ASSERT(dlvb_oracle_new(&o, twice, 2, &loc) == BT_EINVAL);
    twice[0].root = (enum dlv_root)9;
    CU_ASSERT(dlvb_oracle_new(&o, twice, 1, &loc) == BT_EINVAL);
    CU_ASSERT(dlvb_oracle_new(&o, NULL, 0, &loc) == BT_OK);
    dlvb_oracle_free(o);
}

/* --- staking events to msgs ------------------------------------------------------------- */

static void test_dlvbridge_oracle_staking_msgs(void)
{
    uint8_t me[20];
    memset(me, 0xf1, 20);
    struct dlvb_event ev = {
        .kind = DLVB_EV_STAKED, .root_type = BT_ROOTCHAIN_TRON, .block_number = 88, .log_index = 3};
    memset(ev.tx_hash, 0x31, 32);
    ev.u.staked.validator_id = 8;
    ev.u.staked.nonce = 1;
    ev.u.staked.activation_epoch = 4;
    ev.u.staked.amount[31] = 10;
    memset(ev.u.staked.pubkey, 0x44, 64);
    struct dlv_msg m;
    char err[128];
    CU_ASSERT_FATAL(dlvb_event_to_msg(&m, &ev, me, "199") == BT_OK);
    CU_ASSERT_EQUAL(m.type, DLV_MSG_VALIDATOR_JOIN);
    CU_ASSERT(m.u.join.id == 8 && m.u.join.nonce == 1 && m.u.join.activation_epoch == 4);
    CU_ASSERT(m.u.join.pub_key[0] == 0x04 && m.u.join.pub_key[64] == 0x44);
    CU_ASSERT(m.u.join.log.block_number == 88 && m.u.join.log.log_index == 3);
    CU_ASSERT(m.u.join.log.tx_hash[0] == 0x31 && m.u.join.from[0] == 0xf1);
    CU_ASSERT(dlv_msg_validate(&m, err, sizeof(err)) == BT_OK);
    dlv_msg_free(&m);

    ev.kind = DLVB_EV_UNSTAKE_INIT;
    memset(&ev.u, 0, sizeof(ev.u));
    ev.u.unstake.validator_id = 8;
    ev.u.unstake.nonce = 2;
    ev.u.unstake.deactivation_epoch = 9;
    CU_ASSERT_FATAL(dlvb_event_to_msg(&m, &ev, me, "199") == BT_OK);
    CU_ASSERT(m.type == DLV_MSG_VALIDATOR_EXIT && m.u.exit.deactivation_epoch == 9);
    CU_ASSERT(m.u.exit.nonce == 2 && m.u.exit.id == 8);
    dlv_msg_free(&m);

    ev.kind = DLVB_EV_SIGNER_CHANGE;
    memset(&ev.u, 0, sizeof(ev.u));
    ev.u.signer_change.validator_id = 8;
    ev.u.signer_change.nonce = 3;
    memset(ev.u.signer_change.pubkey, 0x55, 64);
    CU_ASSERT_FATAL(dlvb_event_to_msg(&m, &ev, me, "199") == BT_OK);
    CU_ASSERT(m.type == DLV_MSG_SIGNER_UPDATE && m.u.signer_update.nonce == 3);
    CU_ASSERT(m.u.signer_update.new_pub_key[0] == 0x04 && m.u.signer_update.new_pub_key[1] == 0x55);
    dlv_msg_free(&m);

    ev.kind = DLVB_EV_CHECKPOINT_SYNC_ACK;
    memset(&ev.u, 0, sizeof(ev.u));
    ev.u.sync_ack.root_id = 3;
    ev.u.sync_ack.checkpoint_id = 6;
    ev.u.sync_ack.start = 1000;
    ev.u.sync_ack.end = 1255;
    memset(ev.u.sync_ack.proposer, 0x0c, 20);
    CU_ASSERT_FATAL(dlvb_event_to_msg(&m, &ev, me, "199") == BT_OK);
    CU_ASSERT(m.type == DLV_MSG_CHECKPOINT_SYNC_ACK && m.u.ckpt_sync.root == DLV_ROOT_BSC);
    CU_ASSERT(m.u.ckpt_sync.number == 6 && m.u.ckpt_sync.start_block == 1000);
    CU_ASSERT(m.u.ckpt_sync.proposer[0] == 0x0c);
    dlv_msg_free(&m);
    ev.u.sync_ack.root_id = 7;
    CU_ASSERT(dlvb_event_to_msg(&m, &ev, me, "199") == BT_EINVAL);
    ev.root_type = BT_ROOTCHAIN_OTHER;
    CU_ASSERT(dlvb_event_to_msg(&m, &ev, me, "199") == BT_ENOTSUP);
}

BTS_TEST_SUITE("dlvbridge_oracle", NULL, NULL, BTS_TEST(test_dlvbridge_oracle_local_and_headers),
               BTS_TEST(test_dlvbridge_oracle_receipt_logs),
               BTS_TEST(test_dlvbridge_oracle_eth_block_hash),
               BTS_TEST(test_dlvbridge_oracle_views_and_cancel),
               BTS_TEST(test_dlvbridge_oracle_staking_msgs));
