/* Bridge listener (dlvb_listener.h) against a fake adapter: windows of max_blocks up to the
 * confirmed height, events in order with the right kinds, progress stored only after a window
 * is accepted, restart from stored progress, adapter and callback failures retried from the
 * same window, logs from the wrong contract skipped, free while a call is in flight. */
#include <stdio.h>
#include <string.h>

#include <bts/test.h>

#include "dlvb_listener.h"
#include "dlvb_msgs.h"
#include "test_dlvbridge_fake.h"

static const uint8_t STAKING[20] = {0x51}, SENDER[20] = {0x52}, ROOTC[20] = {0x53};

/* --- a store in memory ------------------------------------------------------------------- */

struct mem_store {
    char key[64];
    uint64_t value;
    int has;
    int saves;
    int fail_save;
};

static bt_status ms_load(void *arg, const char *key, uint64_t *out)
{
    struct mem_store *s = arg;
    if (!s->has || strcmp(s->key, key) != 0)
        return BT_ENOTFOUND;
    *out = s->value;
    return BT_OK;
}

static bt_status ms_save(void *arg, const char *key, uint64_t value)
{
    struct mem_store *s = arg;
    if (s->fail_save) {
        s->fail_save--;
        return BT_EIO;
    }
    snprintf(s->key, sizeof(s->key), "%s", key);
    s->value = value;
    s->has = 1;
    s->saves++;
    return BT_OK;
}

/* --- the event sink ------------------------------------------------------------------------ */

struct sink {
    int n;
    enum dlvb_event_kind kinds[64];
    uint64_t blocks[64];
    uint64_t ids[64];
    int refuse_at; /* refuse the event with this ordinal (1-based; 0: never) */
    int seen;
    struct dlvb_listener *free_me; /* free the listener from inside the callback */
};

static bt_status on_event(void *arg, const struct dlvb_event *ev)
{
    struct sink *s = arg;
    s->seen++;
    if (s->free_me) {
        dlvb_listener_free(s->free_me);
        s->free_me = NULL;
        return BT_OK;
    }
    if (s->refuse_at && s->seen == s->refuse_at)
        return BT_EBUSY;
    CU_ASSERT_FATAL(s->n < 64);
    s->kinds[s->n] = ev->kind;
    s->blocks[s->n] = ev->block_number;
    s->ids[s->n] = ev->kind == DLVB_EV_STATE_SYNCED ? ev->u.state_synced.id : 0;
    s->n++;
    return BT_OK;
}

/* --- chain content ------------------------------------------------------------------------- */

static void add_state_synced(struct fake_rc *f, const uint8_t addr[20], uint64_t block,
                             uint32_t idx, uint64_t id)
{
    uint8_t topics[3][32];
    memcpy(topics[0], dlvb_event_topics[DLVB_EV_STATE_SYNCED], 32);
    bts_solabi_word_u64(topics[1], id);
    uint8_t rcv[20];
    memset(rcv, 0xcc, 20);
    bts_solabi_word_address(topics[2], rcv);
    uint8_t data[96] = {0};
    bts_solabi_word_u64(data, 32);
    bts_solabi_word_u64(data + 32, 2);
    data[64] = 0xbe;
    data[65] = 0xef;
    fake_add_log(f, addr, block, idx, (const uint8_t(*)[32])topics, 3, data, sizeof(data));
}

static void add_header_block(struct fake_rc *f, uint64_t block, uint32_t idx, uint64_t id)
{
    uint8_t topics[4][32] = {{0}};
    memcpy(topics[0], dlvb_event_topics[DLVB_EV_NEW_HEADER_BLOCK], 32);
    memset(topics[1] + 12, 0x0f, 20);
    bts_solabi_word_u64(topics[2], id);
    bts_solabi_word_u64(topics[3], 1);
    uint8_t data[96] = {0};
    bts_solabi_word_u64(data, (id / 10000 - 1) * 256);
    bts_solabi_word_u64(data + 32, (id / 10000) * 256 - 1);
    memset(data + 64, 0x77, 32);
    fake_add_log(f, ROOTC, block, idx, (const uint8_t(*)[32])topics, 4, data, sizeof(data));
}

static void add_topup(struct fake_rc *f, const uint8_t addr[20], uint64_t block, uint32_t idx)
{
    uint8_t topics[3][32] = {{0}};
    memcpy(topics[0], dlvb_event_topics[DLVB_EV_TOPUP_FEE], 32);
    memset(topics[1] + 12, 0x21, 20);
    bts_solabi_word_u64(topics[2], 5);
    fake_add_log(f, addr, block, idx, (const uint8_t(*)[32])topics, 3, NULL, 0);
}

static struct dlvb_listener_config tron_cfg(void)
{
    struct dlvb_listener_config c = {.name = "tron",
                                     .staking_info = STAKING,
                                     .state_sender = SENDER,
                                     .root_chain = ROOTC,
                                     .start_block = 100,
                                     .confirmations = 18,
                                     .max_blocks = 5};
    return c;
}

static void test_dlvbridge_listener_windows_and_order(void)
{
    struct fake_rc f = {.type = BT_ROOTCHAIN_TRON, .head = 138, .finalized = 125};
    add_state_synced(&f, SENDER, 101, 0, 1);
    add_header_block(&f, 101, 3, 10000);
    add_topup(&f, STAKING, 107, 1);
    add_state_synced(&f, SENDER, 112, 0, 2);
    add_state_synced(&f, SENDER, 119, 2, 3);  /* confirmed: 138 - 18 = 120 */
    add_state_synced(&f, SENDER, 121, 0, 4);  /* beyond the confirmed height */
    add_state_synced(&f, STAKING, 110, 4, 9); /* StateSynced shape from the wrong contract */
    struct mem_store ms = {0};
    struct dlvb_store store = {ms_load, ms_save, &ms};
    struct sink sk = {0};
    struct dlvb_listener_config cfg = tron_cfg();
    struct dlvb_listener *l = NULL;
    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, on_event, &sk) == BT_OK);
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    CU_ASSERT(dlvb_listener_poll(l) == BT_EBUSY);
    CU_ASSERT_EQUAL(sk.n, 0); /* nothing before the loop runs */
    fake_run(&f);
    /* windows 100-104, 105-109, 110-114, 115-119, 120 */
    CU_ASSERT_EQUAL_FATAL(f.n_ranges, 5);
    CU_ASSERT(f.ranges[0][0] == 100 && f.ranges[0][1] == 104);
    CU_ASSERT(f.ranges[3][0] == 115 && f.ranges[3][1] == 119);
    CU_ASSERT(f.ranges[4][0] == 120 && f.ranges[4][1] == 120);
    CU_ASSERT_EQUAL_FATAL(sk.n, 5);
    CU_ASSERT(sk.kinds[0] == DLVB_EV_STATE_SYNCED && sk.blocks[0] == 101 && sk.ids[0] == 1);
    CU_ASSERT(sk.kinds[1] == DLVB_EV_NEW_HEADER_BLOCK && sk.blocks[1] == 101);
    CU_ASSERT(sk.kinds[2] == DLVB_EV_TOPUP_FEE && sk.blocks[2] == 107);
    CU_ASSERT(sk.ids[3] == 2 && sk.ids[4] == 3);
    struct dlvb_listener_stats st;
    dlvb_listener_stats(l, &st);
    CU_ASSERT(st.has_last && st.last_block == 120 && st.target == 120);
    CU_ASSERT(st.rounds == 1 && st.windows == 5 && st.events == 5 && st.skipped == 1);
    CU_ASSERT(!st.busy && st.errors == 0);
    CU_ASSERT(ms.has && ms.value == 120 && ms.saves == 5);
    CU_ASSERT_STRING_EQUAL(ms.key, "tron-last-block");
    /* nothing new: a round with no window */
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    CU_ASSERT_EQUAL(f.n_ranges, 5);
    /* the chain grows: only the new blocks are read; the adapter's finalized height limits */
    f.head = 200;
    f.finalized = 122;
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    CU_ASSERT_EQUAL_FATAL(f.n_ranges, 6);
    CU_ASSERT(f.ranges[5][0] == 121 && f.ranges[5][1] == 122);
    CU_ASSERT(sk.n == 6 && sk.ids[5] == 4);
    dlvb_listener_free(l);
}

static void test_dlvbridge_listener_restart_from_store(void)
{
    struct fake_rc f = {.type = BT_ROOTCHAIN_ETH, .head = 60, .finalized = 60};
    for (uint64_t b = 10; b < 60; b += 10)
        add_state_synced(&f, SENDER, b, 1, b / 10);
    struct mem_store ms = {.key = "eth-last-block", .value = 25, .has = 1};
    struct dlvb_store store = {ms_load, ms_save, &ms};
    struct sink sk = {0};
    struct dlvb_listener_config cfg = {.name = "eth", .state_sender = SENDER, .root_chain = ROOTC};
    struct dlvb_listener *l = NULL;
    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, on_event, &sk) == BT_OK);
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    /* one window (default 1000 blocks) from 26 to the finalized 60 */
    CU_ASSERT_EQUAL_FATAL(f.n_ranges, 1);
    CU_ASSERT(f.ranges[0][0] == 26 && f.ranges[0][1] == 60);
    CU_ASSERT(sk.n == 3 && sk.ids[0] == 3 && sk.ids[2] == 5);
    CU_ASSERT_EQUAL(ms.value, 60);
    dlvb_listener_free(l);

    /* a second listener on the same store starts after 60: nothing to read */
    struct sink sk2 = {0};
    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, on_event, &sk2) == BT_OK);
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    CU_ASSERT(f.n_ranges == 1 && sk2.n == 0);
    dlvb_listener_free(l);
}

static void test_dlvbridge_listener_failures_retry_window(void)
{
    struct fake_rc f = {.type = BT_ROOTCHAIN_BSC, .head = 30, .finalized = 30};
    add_state_synced(&f, SENDER, 3, 0, 1);
    add_state_synced(&f, SENDER, 4, 0, 2);
    add_state_synced(&f, SENDER, 12, 0, 3);
    struct mem_store ms = {0};
    struct dlvb_store store = {ms_load, ms_save, &ms};
    struct sink sk = {0};
    struct dlvb_listener_config cfg = {
        .name = "bsc", .state_sender = SENDER, .root_chain = ROOTC, .max_blocks = 10};
    struct dlvb_listener *l = NULL;
    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, on_event, &sk) == BT_OK);
    struct dlvb_listener_stats st;

    /* the adapter refuses the heights call */
    f.refuse_next = 1;
    CU_ASSERT(dlvb_listener_poll(l) == BT_EIO);
    dlvb_listener_stats(l, &st);
    CU_ASSERT(!st.busy && st.errors == 1 && st.last_status == BT_EIO);
    CU_ASSERT(strstr(st.last_error, "heights") != NULL);

    /* heights answers an error */
    f.fail_next_cb = 1;
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    dlvb_listener_stats(l, &st);
    CU_ASSERT(!st.busy && st.errors == 2 && !st.has_last);

    /* get_logs fails (a range the node refuses): nothing stored */
    f.max_range = 5;
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    dlvb_listener_stats(l, &st);
    CU_ASSERT(st.errors == 3 && st.last_status == BT_ERANGE && !st.has_last && sk.n == 0);
    CU_ASSERT(strstr(st.last_error, "get_logs") != NULL);
    f.max_range = 0;

    /* the callback refuses the second event: the window 0-9 is redone next time */
    sk.refuse_at = 2;
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    dlvb_listener_stats(l, &st);
    CU_ASSERT(st.errors == 4 && st.last_status == BT_EBUSY && !st.has_last);
    CU_ASSERT(sk.n == 1 && ms.saves == 0);

    /* the store fails once */
    ms.fail_save = 1;
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    dlvb_listener_stats(l, &st);
    CU_ASSERT(st.errors == 5 && !st.has_last);

    /* then everything goes through: events of the replayed window come again (at least once) */
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    dlvb_listener_stats(l, &st);
    CU_ASSERT(st.has_last && st.last_block == 30 && st.errors == 5);
    CU_ASSERT_EQUAL(sk.ids[sk.n - 1], 3);
    CU_ASSERT_EQUAL(ms.value, 30);
    dlvb_listener_free(l);
}

static void test_dlvbridge_listener_free_in_flight(void)
{
    struct fake_rc f = {.type = BT_ROOTCHAIN_ETH, .head = 10, .finalized = 10};
    add_state_synced(&f, SENDER, 2, 0, 1);
    add_state_synced(&f, SENDER, 3, 0, 2);
    struct mem_store ms = {0};
    struct dlvb_store store = {ms_load, ms_save, &ms};
    struct sink sk = {0};
    struct dlvb_listener_config cfg = {.name = "eth", .state_sender = SENDER};
    struct dlvb_listener *l = NULL;
    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, on_event, &sk) == BT_OK);
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    dlvb_listener_free(l); /* heights still owed */
    fake_run(&f);
    CU_ASSERT(sk.n == 0 && f.n_ranges == 0);

    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, on_event, &sk) == BT_OK);
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_step(&f); /* heights answered; get_logs owed */
    dlvb_listener_free(l);
    fake_run(&f);
    CU_ASSERT(sk.n == 0 && ms.saves == 0);

    /* freed from inside the event callback */
    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, on_event, &sk) == BT_OK);
    sk.free_me = l;
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    CU_ASSERT(sk.seen == 1 && ms.saves == 0);

    /* bad configurations */
    struct dlvb_listener_config none = {.name = "x"};
    CU_ASSERT(dlvb_listener_new(&l, &fake_vtbl, &f, &none, &store, on_event, &sk) == BT_EINVAL);
    struct dlvb_listener_config noname = {.state_sender = SENDER};
    CU_ASSERT(dlvb_listener_new(&l, &fake_vtbl, &f, &noname, &store, on_event, &sk) == BT_EINVAL);
}

/* --- events to msgs ----------------------------------------------------------------------- */

struct msg_sink {
    int n;
    struct dlv_msg msgs[8];
};

static bt_status to_msg(void *arg, const struct dlvb_event *ev)
{
    struct msg_sink *s = arg;
    uint8_t from[20];
    memset(from, 0xf0, 20);
    CU_ASSERT_FATAL(s->n < 8);
    bt_status st = dlvb_event_to_msg(&s->msgs[s->n], ev, from, "199");
    if (st == BT_OK)
        s->n++;
    return st;
}

static void test_dlvbridge_listener_events_become_msgs(void)
{
    struct fake_rc f = {.type = BT_ROOTCHAIN_TRON, .head = 50, .finalized = 50};
    add_state_synced(&f, SENDER, 5, 2, 77);
    add_header_block(&f, 6, 0, 30000);
    add_topup(&f, STAKING, 7, 1);
    struct mem_store ms = {0};
    struct dlvb_store store = {ms_load, ms_save, &ms};
    struct msg_sink sk = {0};
    struct dlvb_listener_config cfg = tron_cfg();
    cfg.confirmations = 0;
    cfg.start_block = 0;
    struct dlvb_listener *l = NULL;
    CU_ASSERT_FATAL(dlvb_listener_new(&l, &fake_vtbl, &f, &cfg, &store, to_msg, &sk) == BT_OK);
    CU_ASSERT(dlvb_listener_poll(l) == BT_OK);
    fake_run(&f);
    CU_ASSERT_EQUAL_FATAL(sk.n, 3);
    const struct dlv_msg_event_record *r = &sk.msgs[0].u.record;
    CU_ASSERT_EQUAL(sk.msgs[0].type, DLV_MSG_EVENT_RECORD);
    CU_ASSERT(r->id == 77 && r->log.block_number == 5 && r->log.log_index == 2);
    CU_ASSERT(r->data_len == 2 && r->data[0] == 0xbe && r->data[1] == 0xef);
    CU_ASSERT(r->contract[0] == 0xcc && r->from[0] == 0xf0 && r->root == DLV_ROOT_TRON);
    CU_ASSERT_STRING_EQUAL(r->bor_chain_id, "199");
    const struct dlv_msg_checkpoint_ack *a = &sk.msgs[1].u.ack;
    CU_ASSERT_EQUAL(sk.msgs[1].type, DLV_MSG_CHECKPOINT_ACK);
    CU_ASSERT(a->number == 3 && a->start_block == 512 && a->end_block == 767);
    CU_ASSERT(a->proposer[0] == 0x0f && a->root_hash[0] == 0x77 && a->root == DLV_ROOT_TRON);
    CU_ASSERT_EQUAL(sk.msgs[2].type, DLV_MSG_TOPUP);
    CU_ASSERT(sk.msgs[2].u.topup.user[0] == 0x21 && sk.msgs[2].u.topup.fee[31] == 5);
    /* every msg passes the app's stateless checks and encodes */
    for (int i = 0; i < sk.n; i++) {
        char err[128] = "";
        CU_ASSERT(dlv_msg_validate(&sk.msgs[i], err, sizeof(err)) == BT_OK);
        json_t *j = NULL;
        CU_ASSERT(dlv_msg_to_json(&j, &sk.msgs[i]) == BT_OK);
        json_decref(j);
        dlv_msg_free(&sk.msgs[i]);
    }
    dlvb_listener_free(l);
}

BTS_TEST_SUITE("dlvbridge_listener", NULL, NULL,
               BTS_TEST(test_dlvbridge_listener_windows_and_order),
               BTS_TEST(test_dlvbridge_listener_restart_from_store),
               BTS_TEST(test_dlvbridge_listener_failures_retry_window),
               BTS_TEST(test_dlvbridge_listener_free_in_flight),
               BTS_TEST(test_dlvbridge_listener_events_become_msgs));
