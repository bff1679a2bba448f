/* The BFT engine (bft/bft.h) on hand-built scenarios: a happy path with 4 validators, a lock
 * kept across rounds, an offline proposer, nil prevotes, a round skip on f+1 messages, a
 * restart from the WAL record that refuses a conflicting signature, equivocation evidence, and
 * the strict dlv/1 decoder. */
#include <string.h>

#include <bts/keccak.h>
#include <bts/test.h>

#include "bft.h"

#define N 4

static struct bts_valset set;
static uint8_t secrets[N][32];
static struct bft_wal_rec wal[N];
static int wal_writes[N];

static void mac(uint32_t i, const uint8_t *b, size_t n, uint8_t sig[BFT_SIG_LEN])
{
    struct bts_keccak k;
    memset(sig, 0, BFT_SIG_LEN);
    bts_keccak_init(&k);
    bts_keccak_update(&k, secrets[i], 32);
    bts_keccak_update(&k, b, n);
    bts_keccak_final(&k, sig);
}

static bt_status t_sign(void *ctx, const uint8_t *b, size_t n, uint8_t sig[BFT_SIG_LEN])
{
    mac((uint32_t)(uintptr_t)ctx, b, n, sig);
    return BT_OK;
}

static int t_verify(void *ctx, uint32_t index, const uint8_t address[20], const uint8_t *b,
                    size_t n, const uint8_t sig[BFT_SIG_LEN])
{
    uint8_t want[BFT_SIG_LEN];
    (void)ctx;
    (void)address;
    mac(index, b, n, want);
    return memcmp(want, sig, BFT_SIG_LEN) == 0;
}

static bt_status t_wal(void *ctx, const struct bft_wal_rec *rec)
{
    uint32_t i = (uint32_t)(uintptr_t)ctx;
    wal[i] = *rec;
    wal[i].lock_pol = NULL; /* borrowed for the call only; these tests do not keep it */
    wal[i].lock_pol_n = 0;
    wal_writes[i]++;
    return BT_OK;
}

static void setup_set(void)
{
    struct bts_validator v[N];
    memset(v, 0, sizeof v);
    for (uint32_t i = 0; i < N; i++) {
        v[i].address[0] = (uint8_t)(0x10 * (i + 1));
        v[i].power = 10;
        memset(secrets[i], (int)i + 1, 32);
    }
    bts_valset_init(&set);
    CU_ASSERT_EQUAL_FATAL(bts_valset_new(&set, v, N), BT_OK);
    memset(wal, 0, sizeof wal);
    memset(wal_writes, 0, sizeof wal_writes);
}

static struct bft_engine *mk(uint32_t i, const struct bft_wal_rec *w)
{
    struct bft_config cfg = {
        .chain_id = "delivery-test",
        .self = (int32_t)i,
        .propose_base_ms = 300,
        .propose_delta_ms = 100,
        .prevote_base_ms = 100,
        .prevote_delta_ms = 50,
        .precommit_base_ms = 100,
        .precommit_delta_ms = 50,
        .sign = t_sign,
        .verify = t_verify,
        .wal_write = t_wal,
        .ctx = (void *)(uintptr_t)i,
    };
    struct bft_engine *e = NULL;
    CU_ASSERT_EQUAL(bft_engine_init(&e, &cfg, 1, &set, w), BT_OK);
    return e;
}

/* A message from validator `from`, signed with its key. */
static struct bft_msg msg(uint8_t type, uint32_t from, int32_t round, int has, uint8_t fill,
                          int32_t pol)
{
    struct bft_msg m;
    uint8_t sb[BFT_MSG_MAX];
    size_t n;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.height = 1;
    m.round = round;
    m.pol_round = pol;
    m.has_value = (uint8_t)has;
    if (has)
        memset(m.value, fill, 32);
    m.validator = from;
    CU_ASSERT_EQUAL(bft_msg_sign_bytes("delivery-test", &m, sb, &n), BT_OK);
    mac(from, sb, n, m.sig);
    return m;
}

/* The broadcast of `type` among the actions, or NULL. */
static const struct bft_msg *sent(const struct bft_actions *a, uint8_t type)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->a[i].kind == BFT_ACT_BROADCAST && a->a[i].msg.type == type)
            return &a->a[i].msg;
    return NULL;
}

static const struct bft_action *find(const struct bft_actions *a, enum bft_action_kind k)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->a[i].kind == k)
            return &a->a[i];
    return NULL;
}

/* Answer the application questions of `a` (values 0xAA.., every value valid) into `out`. */
static void answer(struct bft_engine *e, const struct bft_actions *a, struct bft_actions *out)
{
    uint8_t v[32];
    for (size_t i = 0; i < a->n; i++) {
        if (a->a[i].kind == BFT_ACT_GET_VALUE) {
            memset(v, 0xAA, 32);
            (void)bft_engine_on_value(e, a->a[i].height, a->a[i].round, v, out);
        }
        if (a->a[i].kind == BFT_ACT_VALIDATE)
            (void)bft_engine_on_valid(e, a->a[i].height, a->a[i].round, a->a[i].value, 1, out);
    }
}

/* A tiny synchronous network of N engines (NULL: offline). Messages go everywhere at once;
 * when nothing is in flight, the earliest pending timer fires. */
struct tnet {
    struct bft_engine *e[N];
    struct bft_msg q[4096];
    uint32_t qfrom[4096];
    size_t qh, qt;
    struct bft_action timers[512];
    uint64_t tat[512];
    size_t nt;
    uint64_t now;
    int commits[N];
    uint8_t value[N][32];
};

static void tnet_apply(struct tnet *t, uint32_t i, struct bft_actions *a)
{
    struct bft_actions more = {.n = 0};
    CU_ASSERT_EQUAL(a->overflow, 0);
    for (size_t k = 0; k < a->n; k++) {
        struct bft_action *x = &a->a[k];
        if (x->kind == BFT_ACT_BROADCAST && t->qt < 4096) {
            t->q[t->qt] = x->msg;
            t->qfrom[t->qt++] = i;
        }
        if (x->kind == BFT_ACT_TIMER && t->nt < 512) {
            t->timers[t->nt] = *x;
            t->tat[t->nt] = t->now + x->delay_ms;
            t->timers[t->nt].validator = i;
            t->nt++;
        }
        if (x->kind == BFT_ACT_COMMIT && x->height == 1) {
            t->commits[i]++;
            memcpy(t->value[i], x->value, 32);
        }
    }
    answer(t->e[i], a, &more);
    if (more.n)
        tnet_apply(t, i, &more);
}

static void tnet_run(struct tnet *t, int steps)
{
    for (int s = 0; s < steps; s++) {
        if (t->qh < t->qt) {
            struct bft_msg m = t->q[t->qh];
            uint32_t from = t->qfrom[t->qh++];
            for (uint32_t j = 0; j < N; j++) {
                struct bft_actions a = {.n = 0};
                if (j == from || !t->e[j])
                    continue;
                (void)bft_engine_on_message(t->e[j], &m, &a);
                tnet_apply(t, j, &a);
            }
            continue;
        }
        if (t->nt == 0)
            return;
        size_t b = 0;
        for (size_t k = 1; k < t->nt; k++)
            if (t->tat[k] < t->tat[b])
                b = k;
        struct bft_action x = t->timers[b];
        t->now = t->tat[b];
        t->timers[b] = t->timers[--t->nt];
        t->tat[b] = t->tat[t->nt];
        struct bft_actions a = {.n = 0};
        (void)bft_engine_on_timeout(t->e[x.validator], x.timer, x.height, x.round, &a);
        tnet_apply(t, x.validator, &a);
    }
}

static struct tnet *tnet_new(int offline)
{
    static struct tnet t;
    memset(&t, 0, sizeof t);
    for (uint32_t i = 0; i < N; i++)
        t.e[i] = (int)i == offline ? NULL : mk(i, NULL);
    for (uint32_t i = 0; i < N; i++) {
        struct bft_actions a = {.n = 0};
        if (t.e[i]) {
            CU_ASSERT_EQUAL(bft_engine_start(t.e[i], &a), BT_OK);
            tnet_apply(&t, i, &a);
        }
    }
    return &t;
}

static void tnet_free(struct tnet *t)
{
    for (uint32_t i = 0; i < N; i++)
        bft_engine_free(t->e[i]);
    bts_valset_free(&set);
}

static void test_bft_engine_happy_path_four(void)
{
    setup_set();
    struct tnet *t = tnet_new(-1);
    tnet_run(t, 2000);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t h;
        int32_t r;
        enum bft_step st;
        CU_ASSERT_EQUAL(t->commits[i], 1);
        CU_ASSERT_EQUAL(memcmp(t->value[i], t->value[0], 32), 0);
        bft_engine_status(t->e[i], &h, &r, &st);
        CU_ASSERT(h >= 2);
    }
    CU_ASSERT_EQUAL(t->value[0][0], 0xAA);
    tnet_free(t);
}

static void test_bft_engine_offline_proposer_next_round_commits(void)
{
    setup_set();
    struct bft_engine *probe = mk(0, NULL);
    uint32_t p0 = bft_engine_proposer(probe, 0), p1 = bft_engine_proposer(probe, 1);
    bft_engine_free(probe);
    CU_ASSERT_NOT_EQUAL(p0, p1);
    struct tnet *t = tnet_new((int)p0);
    tnet_run(t, 4000);
    for (uint32_t i = 0; i < N; i++)
        if (i != p0)
            CU_ASSERT_EQUAL(t->commits[i], 1);
    CU_ASSERT(t->now >= 300); /* a propose timeout had to pass */
    tnet_free(t);
}

/* Drive engine `me` (not proposer of rounds 0 and 1) to lock v=0x11 in round 0. */
static uint32_t other_than(struct bft_engine *e, int32_t r0, int32_t r1)
{
    for (uint32_t i = 0; i < N; i++)
        if (i != bft_engine_proposer(e, r0) && i != bft_engine_proposer(e, r1))
            return i;
    return 0;
}

static void feed(struct bft_engine *e, struct bft_msg m, struct bft_actions *a)
{
    struct bft_actions more = {.n = 0};
    CU_ASSERT_EQUAL(bft_engine_on_message(e, &m, a), BT_OK);
    answer(e, a, &more);
    for (size_t i = 0; i < more.n && a->n < BFT_MAX_ACTIONS; i++)
        a->a[a->n++] = more.a[i];
}

static void test_bft_engine_locked_value_kept(void)
{
    setup_set();
    struct bft_engine *probe = mk(0, NULL);
    uint32_t me = other_than(probe, 0, 1);
    bft_engine_free(probe);
    struct bft_engine *e = mk(me, NULL);
    struct bft_actions a = {.n = 0};
    CU_ASSERT_EQUAL(bft_engine_start(e, &a), BT_OK);
    uint32_t p0 = bft_engine_proposer(e, 0), p1 = bft_engine_proposer(e, 1);
    a.n = 0;
    feed(e, msg(BFT_PROPOSAL, p0, 0, 1, 0x11, -1), &a);
    CU_ASSERT_PTR_NOT_NULL(sent(&a, BFT_PREVOTE));
    a.n = 0;
    for (uint32_t i = 0, k = 0; i < N && k < 2; i++)
        if (i != me) {
            feed(e, msg(BFT_PREVOTE, i, 0, 1, 0x11, -1), &a);
            k++;
        }
    const struct bft_msg *pc = sent(&a, BFT_PRECOMMIT);
    CU_ASSERT_FATAL(pc != NULL);
    CU_ASSERT(pc->has_value && pc->value[0] == 0x11);
    uint8_t lv[32];
    CU_ASSERT_EQUAL(bft_engine_locked(e, lv), 0);
    CU_ASSERT_EQUAL(lv[0], 0x11);
    /* the others precommit nil; the precommit timeout moves us to round 1 */
    a.n = 0;
    for (uint32_t i = 0, k = 0; i < N && k < 2; i++)
        if (i != me) {
            feed(e, msg(BFT_PRECOMMIT, i, 0, 0, 0, -1), &a);
            k++;
        }
    CU_ASSERT_PTR_NOT_NULL(find(&a, BFT_ACT_TIMER));
    a.n = 0;
    CU_ASSERT_EQUAL(bft_engine_on_timeout(e, BFT_TIMER_PRECOMMIT, 1, 0, &a), BT_OK);
    uint64_t h;
    int32_t r;
    enum bft_step st;
    bft_engine_status(e, &h, &r, &st);
    CU_ASSERT_EQUAL(r, 1);
    /* round 1 proposes another value without a proof of lock: we prevote nil */
    a.n = 0;
    feed(e, msg(BFT_PROPOSAL, p1, 1, 1, 0x22, -1), &a);
    const struct bft_msg *pv = sent(&a, BFT_PREVOTE);
    CU_ASSERT_FATAL(pv != NULL);
    CU_ASSERT_EQUAL(pv->has_value, 0);
    CU_ASSERT_EQUAL(bft_engine_locked(e, lv), 0);
    CU_ASSERT_EQUAL(lv[0], 0x11);
    bft_engine_free(e);
    bts_valset_free(&set);
}

static void test_bft_engine_nil_prevotes_change_round(void)
{
    setup_set();
    struct bft_engine *e = mk(0, NULL);
    struct bft_actions a = {.n = 0};
    CU_ASSERT_EQUAL(bft_engine_start(e, &a), BT_OK);
    a.n = 0;
    CU_ASSERT_EQUAL(bft_engine_on_timeout(e, BFT_TIMER_PROPOSE, 1, 0, &a), BT_OK);
    CU_ASSERT_PTR_NOT_NULL(sent(&a, BFT_PREVOTE)); /* nil after the propose timeout */
    a.n = 0;
    for (uint32_t i = 1; i < 3; i++)
        feed(e, msg(BFT_PREVOTE, i, 0, 0, 0, -1), &a);
    const struct bft_msg *pc = sent(&a, BFT_PRECOMMIT);
    CU_ASSERT_FATAL(pc != NULL);
    CU_ASSERT_EQUAL(pc->has_value, 0);
    a.n = 0;
    for (uint32_t i = 1; i < 3; i++)
        feed(e, msg(BFT_PRECOMMIT, i, 0, 0, 0, -1), &a);
    const struct bft_action *tm = find(&a, BFT_ACT_TIMER);
    CU_ASSERT_FATAL(tm != NULL);
    CU_ASSERT_EQUAL(tm->timer, BFT_TIMER_PRECOMMIT);
    a.n = 0;
    CU_ASSERT_EQUAL(bft_engine_on_timeout(e, BFT_TIMER_PRECOMMIT, 1, 0, &a), BT_OK);
    uint64_t h;
    int32_t r;
    enum bft_step st;
    bft_engine_status(e, &h, &r, &st);
    CU_ASSERT_EQUAL(h, 1);
    CU_ASSERT_EQUAL(r, 1);
    CU_ASSERT_EQUAL(st, BFT_STEP_PROPOSE);
    tm = find(&a, BFT_ACT_TIMER);
    CU_ASSERT_FATAL(tm != NULL);
    CU_ASSERT_EQUAL(tm->delay_ms, 400); /* base 300 + 1 * delta 100 */
    bft_engine_free(e);
    bts_valset_free(&set);
}

static void test_bft_engine_f_plus_one_higher_round_skips(void)
{
    setup_set();
    struct bft_engine *e = mk(0, NULL);
    struct bft_actions a = {.n = 0};
    CU_ASSERT_EQUAL(bft_engine_start(e, &a), BT_OK);
    uint64_t h;
    int32_t r;
    enum bft_step st;
    a.n = 0;
    feed(e, msg(BFT_PREVOTE, 1, 5, 0, 0, -1), &a);
    bft_engine_status(e, &h, &r, &st);
    CU_ASSERT_EQUAL(r, 0); /* 1/4 of the power: not yet */
    feed(e, msg(BFT_PRECOMMIT, 2, 5, 0, 0, -1), &a);
    bft_engine_status(e, &h, &r, &st);
    CU_ASSERT_EQUAL(r, 5);
    bft_engine_free(e);
    bts_valset_free(&set);
}

static void test_bft_engine_restart_refuses_conflict(void)
{
    setup_set();
    struct bft_engine *probe = mk(0, NULL);
    uint32_t me = other_than(probe, 0, 0);
    uint32_t p0 = bft_engine_proposer(probe, 0);
    bft_engine_free(probe);
    struct bft_engine *e = mk(me, NULL);
    struct bft_actions a = {.n = 0};
    CU_ASSERT_EQUAL(bft_engine_start(e, &a), BT_OK);
    a.n = 0;
    feed(e, msg(BFT_PROPOSAL, p0, 0, 1, 0x11, -1), &a);
    const struct bft_msg *pv = sent(&a, BFT_PREVOTE);
    CU_ASSERT_FATAL(pv != NULL && pv->has_value);
    CU_ASSERT_EQUAL(wal[me].last[BFT_PREVOTE - 1].height, 1);
    CU_ASSERT_EQUAL(wal[me].last[BFT_PREVOTE - 1].value[0], 0x11);
    bft_engine_free(e); /* killed */

    /* restarted from the record: the proposer equivocates with another value, then time
     * passes; neither may make us sign a second prevote at (1, 0) */
    struct bft_wal_rec rec = wal[me];
    e = mk(me, &rec);
    a.n = 0;
    CU_ASSERT_EQUAL(bft_engine_start(e, &a), BT_OK);
    a.n = 0;
    feed(e, msg(BFT_PROPOSAL, p0, 0, 1, 0x22, -1), &a);
    CU_ASSERT_PTR_NULL(sent(&a, BFT_PREVOTE));
    a.n = 0;
    CU_ASSERT_EQUAL(bft_engine_on_timeout(e, BFT_TIMER_PROPOSE, 1, 0, &a), BT_OK);
    CU_ASSERT_PTR_NULL(sent(&a, BFT_PREVOTE));
    /* the restarted engine still moves on: nil precommit at (1, 0) is a later step */
    a.n = 0;
    for (uint32_t i = 0, k = 0; i < N && k < 3; i++)
        if (i != me) {
            feed(e, msg(BFT_PREVOTE, i, 0, 0, 0, -1), &a);
            k++;
        }
    CU_ASSERT_PTR_NOT_NULL(sent(&a, BFT_PRECOMMIT));
    bft_engine_free(e);
    bts_valset_free(&set);
}

static void test_bft_engine_equivocation_evidence(void)
{
    setup_set();
    struct bft_engine *e = mk(0, NULL);
    struct bft_actions a = {.n = 0};
    CU_ASSERT_EQUAL(bft_engine_start(e, &a), BT_OK);
    a.n = 0;
    feed(e, msg(BFT_PREVOTE, 2, 0, 1, 0x33, -1), &a);
    feed(e, msg(BFT_PREVOTE, 2, 0, 1, 0x33, -1), &a); /* a duplicate is no evidence */
    CU_ASSERT_PTR_NULL(find(&a, BFT_ACT_EVIDENCE));
    feed(e, msg(BFT_PREVOTE, 2, 0, 0, 0, -1), &a);
    const struct bft_action *ev = find(&a, BFT_ACT_EVIDENCE);
    CU_ASSERT_FATAL(ev != NULL);
    CU_ASSERT_EQUAL(ev->msg.validator, 2);
    CU_ASSERT_EQUAL(ev->msg.value[0], 0x33);
    CU_ASSERT_EQUAL(ev->msg2.has_value, 0);
    /* a forged signature is refused */
    struct bft_msg m = msg(BFT_PREVOTE, 3, 0, 1, 0x44, -1);
    m.sig[0] ^= 1;
    a.n = 0;
    CU_ASSERT_EQUAL(bft_engine_on_message(e, &m, &a), BT_EPROTO);
    /* a proposal from a validator that is not the proposer is refused */
    uint32_t np = (bft_engine_proposer(e, 0) + 1) % N;
    m = msg(BFT_PROPOSAL, np, 0, 1, 0x55, -1);
    CU_ASSERT_EQUAL(bft_engine_on_message(e, &m, &a), BT_EINVAL);
    bft_engine_free(e);
    bts_valset_free(&set);
}

static void test_bft_engine_commit_certificate(void)
{
    setup_set();
    struct bft_engine *e = mk(0, NULL);
    struct bft_actions a = {.n = 0};
    struct bft_msg cert[3];
    CU_ASSERT_EQUAL(bft_engine_start(e, &a), BT_OK);
    for (uint32_t i = 0; i < 3; i++)
        cert[i] = msg(BFT_PRECOMMIT, i + 1, 2, 1, 0x66, -1);
    a.n = 0;
    /* too little power, a repeated validator, a forged signature: refused */
    CU_ASSERT_EQUAL(bft_engine_on_commit_cert(e, cert, 2, &a), BT_EINVAL);
    struct bft_msg dup[3] = {cert[0], cert[1], cert[1]};
    CU_ASSERT_EQUAL(bft_engine_on_commit_cert(e, dup, 3, &a), BT_EINVAL);
    struct bft_msg bad[3] = {cert[0], cert[1], cert[2]};
    bad[2].sig[1] ^= 1;
    CU_ASSERT_EQUAL(bft_engine_on_commit_cert(e, bad, 3, &a), BT_EPROTO);
    CU_ASSERT_PTR_NULL(find(&a, BFT_ACT_COMMIT));
    /* 3 of 4 for one value in one round decide the height */
    CU_ASSERT_EQUAL(bft_engine_on_commit_cert(e, cert, 3, &a), BT_OK);
    const struct bft_action *c = find(&a, BFT_ACT_COMMIT);
    CU_ASSERT_FATAL(c != NULL);
    CU_ASSERT_EQUAL(c->height, 1);
    CU_ASSERT_EQUAL(c->round, 2);
    CU_ASSERT_EQUAL(c->value[0], 0x66);
    CU_ASSERT_EQUAL(c->cert_n, 3);
    uint64_t h;
    int32_t r;
    enum bft_step st;
    bft_engine_status(e, &h, &r, &st);
    CU_ASSERT_EQUAL(h, 2);
    /* a message of the old height asks for a catch-up */
    a.n = 0;
    feed(e, msg(BFT_PREVOTE, 3, 0, 0, 0, -1), &a);
    c = find(&a, BFT_ACT_CATCHUP);
    CU_ASSERT_FATAL(c != NULL);
    CU_ASSERT_EQUAL(c->validator, 3);
    CU_ASSERT_EQUAL(c->height, 1);
    bft_engine_free(e);
    bts_valset_free(&set);
}

static void test_bft_msg_roundtrip_and_strict(void)
{
    struct bft_msg m, d;
    uint8_t enc[BFT_MSG_MAX], bad[BFT_MSG_MAX + 8];
    size_t n;
    memset(&m, 0, sizeof m);
    m.type = BFT_PROPOSAL;
    m.height = 77;
    m.round = 3;
    m.pol_round = 1;
    m.has_value = 1;
    memset(m.value, 0x5a, 32);
    m.validator = 2;
    memset(m.sig, 0x7e, BFT_SIG_LEN);
    CU_ASSERT_EQUAL(bft_msg_encode(&m, enc, &n), BT_OK);
    CU_ASSERT_EQUAL(bft_msg_decode(&d, enc, n), BT_OK);
    CU_ASSERT_EQUAL(memcmp(&d, &m, sizeof m), 0);
    /* trailing byte, truncation, oversize */
    memcpy(bad, enc, n);
    bad[n] = 0;
    CU_ASSERT_EQUAL(bft_msg_decode(&d, bad, n + 1), BT_EINVAL);
    CU_ASSERT_EQUAL(bft_msg_decode(&d, enc, n - 1), BT_EINVAL);
    CU_ASSERT_EQUAL(bft_msg_decode(&d, bad, BFT_MSG_MAX + 1), BT_EINVAL);
    CU_ASSERT_EQUAL(bft_msg_decode(&d, NULL, 0), BT_EINVAL);
    /* a vote with a proof-of-lock round, a proposal without a value, pol >= round */
    m.type = BFT_PREVOTE;
    CU_ASSERT_EQUAL(bft_msg_encode(&m, enc, &n), BT_EINVAL);
    m.type = BFT_PROPOSAL;
    m.has_value = 0;
    CU_ASSERT_EQUAL(bft_msg_encode(&m, enc, &n), BT_EINVAL);
    m.has_value = 1;
    m.pol_round = 3;
    CU_ASSERT_EQUAL(bft_msg_encode(&m, enc, &n), BT_EINVAL);
    m.pol_round = -1;
    m.height = 0;
    CU_ASSERT_EQUAL(bft_msg_encode(&m, enc, &n), BT_EINVAL);
    /* a non-canonical integer (leading zero) in the height */
    static const uint8_t lz[] = {0xc6, 0x02, 0x82, 0x00, 0x01, 0x80, 0x80};
    CU_ASSERT_EQUAL(bft_msg_decode(&d, lz, sizeof lz), BT_EINVAL);
}

BTS_TEST_SUITE("bft_engine", NULL, NULL, BTS_TEST(test_bft_engine_happy_path_four),
               BTS_TEST(test_bft_engine_offline_proposer_next_round_commits),
               BTS_TEST(test_bft_engine_locked_value_kept),
               BTS_TEST(test_bft_engine_nil_prevotes_change_round),
               BTS_TEST(test_bft_engine_f_plus_one_higher_round_skips),
               BTS_TEST(test_bft_engine_restart_refuses_conflict),
               BTS_TEST(test_bft_engine_equivocation_evidence),
               BTS_TEST(test_bft_engine_commit_certificate),
               BTS_TEST(test_bft_msg_roundtrip_and_strict));
