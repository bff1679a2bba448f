/* The span proposer policy (bridge/dlvb_span.h) against a fake oracle (answers at once, later,
 * refuses or fails) and a fake producer preview; plus the genesis "roots" keys the bridge reads
 * (root_chain, stake_manager: optional, written back only when set). */
#include <string.h>

#include <bts/test.h>

#include "dlv_app_int.h"
#include "dlvb_span.h"

/* --- fake oracle: DLV_Q_ETH_BLOCK_HASH answers hash = block number repeated ---------------- */

struct fake_oracle {
    bt_status refuse; /* returned by query (done never called) */
    bt_status answer; /* status of the answer */
    int deferred;     /* keep the query, answer in fake_flush */
    uint64_t asked;   /* block asked */
    int n_queries;
    dlv_oracle_done_fn done;
    void *done_arg;
};

static void fake_answer(struct fake_oracle *o)
{
    struct dlv_oracle_answer a;
    memset(&a, 0, sizeof a);
    a.status = o->answer;
    memset(a.hash, (int)(o->asked & 0xff), 32);
    dlv_oracle_done_fn done = o->done;
    o->done = NULL;
    done(o->done_arg, &a);
}

static bt_status fake_query(void *self, const struct dlv_oracle_query *q, dlv_oracle_done_fn done,
                            void *arg)
{
    struct fake_oracle *o = self;
    o->n_queries++;
    if (o->refuse != BT_OK)
        return o->refuse;
    CU_ASSERT(q->kind == DLV_Q_ETH_BLOCK_HASH);
    o->asked = q->a;
    o->done = done;
    o->done_arg = arg;
    if (!o->deferred)
        fake_answer(o);
    return BT_OK;
}

static const struct dlv_oracle_iface FAKE = {.struct_size = sizeof(struct dlv_oracle_iface),
                                             .query = fake_query};

/* --- fake preview: producers 0x11.., 0x22.. (and me when listed) ---------------------------- */

struct preview {
    int include_me;
    bt_status st;
    uint8_t seed[32];
    int calls;
};

static bt_status fake_preview(void *arg, const struct dlvb_span_state *s, const uint8_t seed[32],
                              uint8_t (*out)[20], size_t cap, size_t *out_n)
{
    struct preview *p = arg;
    (void)s;
    p->calls++;
    memcpy(p->seed, seed, 32);
    if (p->st != BT_OK)
        return p->st;
    CU_ASSERT(cap >= 3);
    memset(out[0], 0x11, 20);
    memset(out[1], 0x22, 20);
    *out_n = 2;
    if (p->include_me)
        memset(out[(*out_n)++], 0xaa, 20);
    return BT_OK;
}

struct outcome {
    int calls;
    bt_status st;
    int has_msg;
    struct dlv_msg m;
};

static void on_outcome(void *arg, bt_status st, const struct dlv_msg *m)
{
    struct outcome *o = arg;
    o->calls++;
    o->st = st;
    o->has_msg = m != NULL;
    if (m)
        o->m = *m; /* no owned memory in MsgProposeSpan */
}

static void state(struct dlvb_span_state *s)
{
    memset(s, 0, sizeof *s);
    s->last_id = 3;
    s->last_start = 256;
    s->last_end = 511;
    s->span_duration = 256;
    s->seed_block = 4;
    strcpy(s->bor_chain_id, "1337");
}

static void test_dlvbridge_span_due_and_msg(void)
{
    struct dlvb_span_state s;
    state(&s);
    CU_ASSERT(!dlvb_span_due(&s, 255));
    CU_ASSERT(dlvb_span_due(&s, 256) && dlvb_span_due(&s, 400) && dlvb_span_due(&s, 511));
    CU_ASSERT(!dlvb_span_due(&s, 512));
    uint8_t me[20], seed[32];
    memset(me, 0xaa, 20);
    memset(seed, 0x5e, 32);
    struct dlv_msg m;
    CU_ASSERT_FATAL(dlvb_span_msg(&m, &s, me, seed) == BT_OK);
    CU_ASSERT(m.type == DLV_MSG_PROPOSE_SPAN && m.u.span.span_id == 4);
    CU_ASSERT(m.u.span.start_block == 512 && m.u.span.end_block == 767);
    CU_ASSERT(strcmp(m.u.span.bor_chain_id, "1337") == 0);
    CU_ASSERT(memcmp(m.u.span.proposer, me, 20) == 0 && memcmp(m.u.span.seed, seed, 32) == 0);
    char err[96];
    CU_ASSERT(dlv_msg_validate(&m, err, sizeof err) == BT_OK);
    s.span_duration = 0;
    CU_ASSERT(dlvb_span_msg(&m, &s, me, seed) == BT_EINVAL);
    state(&s);
    s.bor_chain_id[0] = 0;
    CU_ASSERT(dlvb_span_msg(&m, &s, me, seed) == BT_EINVAL);
    state(&s);
    s.last_end = UINT64_MAX - 10;
    CU_ASSERT(dlvb_span_msg(&m, &s, me, seed) == BT_ERANGE);
    s.last_end = UINT64_MAX;
    CU_ASSERT(dlvb_span_msg(&m, &s, me, seed) == BT_ERANGE);
}

static void test_dlvbridge_span_check_proposes_when_producer(void)
{
    struct dlvb_span_state s;
    state(&s);
    uint8_t me[20];
    memset(me, 0xaa, 20);
    struct fake_oracle o = {.answer = BT_OK};
    struct preview p = {.include_me = 1};
    struct outcome out = {0};
    CU_ASSERT(dlvb_span_check(&s, 300, me, &FAKE, &o, fake_preview, &p, on_outcome, &out) == BT_OK);
    CU_ASSERT(o.asked == 4 && out.calls == 1 && out.st == BT_OK && out.has_msg);
    CU_ASSERT(p.calls == 1 && p.seed[0] == 4);
    CU_ASSERT(out.m.u.span.span_id == 4 && out.m.u.span.start_block == 512);
    CU_ASSERT(out.m.u.span.seed[31] == 4 && memcmp(out.m.u.span.proposer, me, 20) == 0);
    /* not a producer: answered without a msg */
    p.include_me = 0;
    memset(&out, 0, sizeof out);
    CU_ASSERT(dlvb_span_check(&s, 511, me, &FAKE, &o, fake_preview, &p, on_outcome, &out) == BT_OK);
    CU_ASSERT(out.calls == 1 && out.st == BT_OK && !out.has_msg);
}

static void test_dlvbridge_span_check_not_due_and_failures(void)
{
    struct dlvb_span_state s;
    state(&s);
    uint8_t me[20];
    memset(me, 0xaa, 20);
    struct fake_oracle o = {.answer = BT_OK};
    struct preview p = {.include_me = 1};
    struct outcome out = {0};
    /* head past the last span (or before it): not due, nothing asked */
    CU_ASSERT(dlvb_span_check(&s, 512, me, &FAKE, &o, fake_preview, &p, on_outcome, &out) ==
              BT_EBUSY);
    CU_ASSERT(dlvb_span_check(&s, 10, me, &FAKE, &o, fake_preview, &p, on_outcome, &out) ==
              BT_EBUSY);
    CU_ASSERT(o.n_queries == 0 && out.calls == 0);
    /* the oracle refuses (e.g. BT_ENOTSUP before the seed read exists): fn never called */
    o.refuse = BT_ENOTSUP;
    CU_ASSERT(dlvb_span_check(&s, 300, me, &FAKE, &o, fake_preview, &p, on_outcome, &out) ==
              BT_ENOTSUP);
    CU_ASSERT(out.calls == 0);
    /* the seed read fails later: fn with the failure, no preview */
    o.refuse = BT_OK;
    o.answer = BT_EIO;
    o.deferred = 1;
    CU_ASSERT(dlvb_span_check(&s, 300, me, &FAKE, &o, fake_preview, &p, on_outcome, &out) == BT_OK);
    CU_ASSERT(out.calls == 0);
    fake_answer(&o);
    CU_ASSERT(out.calls == 1 && out.st == BT_EIO && !out.has_msg && p.calls == 0);
    /* the preview fails: fn with its status */
    o.answer = BT_OK;
    o.deferred = 0;
    p.st = BT_ENOTFOUND;
    memset(&out, 0, sizeof out);
    CU_ASSERT(dlvb_span_check(&s, 300, me, &FAKE, &o, fake_preview, &p, on_outcome, &out) == BT_OK);
    CU_ASSERT(out.calls == 1 && out.st == BT_ENOTFOUND && !out.has_msg);
}

/* --- genesis: the contract keys of "roots" ------------------------------------------------- */

static void test_dlvbridge_span_genesis_root_contracts(void)
{
    const char *doc = "{\"chain_id\":\"delivery-t\",\"params\":{\"roots\":{"
                      "\"tron\":{\"staking_info\":\"0x1111111111111111111111111111111111111111\","
                      "\"state_sender\":\"0x2222222222222222222222222222222222222222\","
                      "\"root_chain\":\"0x3333333333333333333333333333333333333333\","
                      "\"stake_manager\":\"0x4444444444444444444444444444444444444444\"},"
                      "\"eth\":{\"root_chain\":\"0x5555555555555555555555555555555555555555\"}}}}";
    json_t *j = json_loads(doc, 0, NULL);
    CU_ASSERT_FATAL(j != NULL);
    struct dlv_params p;
    char err[96] = "";
    CU_ASSERT_FATAL(dlv_params_from_json(&p, j, err, sizeof err) == BT_OK);
    json_decref(j);
    CU_ASSERT(p.root[DLV_ROOT_TRON].root_chain[0] == 0x33);
    CU_ASSERT(p.root[DLV_ROOT_TRON].stake_manager[19] == 0x44);
    CU_ASSERT(p.root[DLV_ROOT_ETH].root_chain[0] == 0x55);
    CU_ASSERT(p.root[DLV_ROOT_ETH].stake_manager[0] == 0 && p.root[DLV_ROOT_ETH].enabled);
    /* written back only when set; parsed back equal */
    json_t *w = dlv_params_to_json(&p);
    CU_ASSERT_FATAL(w != NULL);
    const json_t *eth =
        json_object_get(json_object_get(json_object_get(w, "params"), "roots"), "eth");
    CU_ASSERT(json_object_get(eth, "root_chain") != NULL);
    CU_ASSERT(json_object_get(eth, "stake_manager") == NULL);
    struct dlv_params q;
    CU_ASSERT(dlv_params_from_json(&q, w, err, sizeof err) == BT_OK);
    CU_ASSERT(memcmp(&p, &q, sizeof p) == 0);
    json_decref(w);
    /* malformed address refused */
    j = json_loads(
        "{\"chain_id\":\"x\",\"params\":{\"roots\":{\"tron\":{\"root_chain\":\"0x12\"}}}}", 0,
        NULL);
    CU_ASSERT(dlv_params_from_json(&p, j, err, sizeof err) == BT_EINVAL);
    CU_ASSERT(strstr(err, "root_chain") != NULL);
    json_decref(j);
}

BTS_TEST_SUITE("dlvbridge_span", NULL, NULL, BTS_TEST(test_dlvbridge_span_due_and_msg),
               BTS_TEST(test_dlvbridge_span_check_proposes_when_producer),
               BTS_TEST(test_dlvbridge_span_check_not_due_and_failures),
               BTS_TEST(test_dlvbridge_span_genesis_root_contracts));
