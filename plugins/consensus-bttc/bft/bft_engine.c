/* The Tendermint rules (arXiv 1807.04938, Algorithm 1; line numbers below refer to it) over the
 * vote books of bft_round.c, plus the double-sign guard and equivocation evidence. */
#include <stdlib.h>
#include <string.h>

#include "bft_int.h"

struct bft_action *bft_push(struct bft_actions *out, enum bft_action_kind kind)
{
    if (out->n >= BFT_MAX_ACTIONS) {
        out->overflow++;
        return NULL;
    }
    struct bft_action *a = &out->a[out->n++];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    return a;
}

static void timer(struct bft_engine *e, struct bft_actions *out, enum bft_timer t, int32_t round)
{
    uint64_t base = 0, delta = 0;
    switch (t) {
    case BFT_TIMER_PROPOSE:
        base = e->cfg.propose_base_ms, delta = e->cfg.propose_delta_ms;
        break;
    case BFT_TIMER_PREVOTE:
        base = e->cfg.prevote_base_ms, delta = e->cfg.prevote_delta_ms;
        break;
    case BFT_TIMER_PRECOMMIT:
        base = e->cfg.precommit_base_ms, delta = e->cfg.precommit_delta_ms;
        break;
    case BFT_TIMER_REBROADCAST:
        base = e->cfg.rebroadcast_ms;
        break;
    }
    struct bft_action *a = bft_push(out, BFT_ACT_TIMER);
    if (a) {
        a->timer = t;
        a->height = e->height;
        a->round = round;
        a->delay_ms = base + (uint64_t)round * delta;
    }
}

uint32_t bft_engine_proposer(struct bft_engine *e, int32_t round)
{
    if (round == e->prop_cache_round)
        return e->prop_cache;
    /* Round r's proposer: the height's set rotated r more times, on a copy whose array was
     * sized at init (no allocation). */
    memcpy(e->scratch.v, e->base.v, e->n * sizeof *e->base.v);
    e->scratch.n = e->base.n;
    e->scratch.total = e->base.total;
    e->scratch.proposer = e->base.proposer;
    if (round > 0 && bts_valset_increment(&e->scratch, (uint32_t)round) != BT_OK)
        return 0; /* cannot happen for a non-empty set */
    e->prop_cache_round = round;
    e->prop_cache = (uint32_t)bts_valset_proposer(&e->scratch);
    return e->prop_cache;
}

static int key_cmp(uint64_t h1, int32_t r1, int t1, uint64_t h2, int32_t r2, int t2)
{
    if (h1 != h2)
        return h1 < h2 ? -1 : 1;
    if (r1 != r2)
        return r1 < r2 ? -1 : 1;
    return t1 == t2 ? 0 : (t1 < t2 ? -1 : 1);
}

static int verify(struct bft_engine *e, const struct bft_msg *m)
{
    uint8_t sb[BFT_MSG_MAX];
    size_t n;
    if (bft_msg_sign_bytes(e->cfg.chain_id, m, sb, &n) != BT_OK)
        return 0;
    return e->cfg.verify(e->cfg.ctx, m->validator, e->base.v[m->validator].address, sb, n, m->sig);
}

static void evidence(struct bft_actions *out, const struct bft_msg *a, const struct bft_msg *b)
{
    struct bft_action *x = bft_push(out, BFT_ACT_EVIDENCE);
    if (x) {
        x->height = a->height;
        x->round = a->round;
        x->validator = a->validator;
        x->msg = *a;
        x->msg2 = *b;
    }
}

/* Store a message (ours or verified) in its round. Returns 0 when it was dropped. */
static int store(struct bft_engine *e, const struct bft_msg *m, struct bft_actions *out)
{
    struct bft_slot *s = bft_slot_get(e, m->round);
    if (!s)
        return 0;
    if (m->type == BFT_PROPOSAL) {
        if (s->has_prop) {
            if ((s->prop.has_value != m->has_value || memcmp(s->prop.value, m->value, 32)) &&
                !s->prop_evidence) {
                s->prop_evidence = 1;
                evidence(out, &s->prop, m);
            }
            return 0;
        }
        s->has_prop = 1;
        s->prop = *m;
        s->prop_valid = 0;
        bft_slot_add_sender(e, s, m->validator);
        return 1;
    }
    const struct bft_msg *prev = NULL;
    int first = 0;
    int r = bft_slot_add_vote(e, s, m, &prev, &first);
    if (r < 0 && first)
        evidence(out, prev, m);
    return r > 0;
}

/* Sign and send one of our messages, after the guard allows it and its record is durable. */
static void sign_send(struct bft_engine *e, uint8_t type, int32_t pol, int has_value,
                      const uint8_t value[32], struct bft_actions *out)
{
    struct bft_msg m;
    uint8_t sb[BFT_MSG_MAX];
    size_t n;
    if (e->cfg.self < 0)
        return;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.height = e->height;
    m.round = e->round;
    m.pol_round = pol;
    m.has_value = (uint8_t)(has_value != 0);
    if (has_value)
        memcpy(m.value, value, 32);
    m.validator = (uint32_t)e->cfg.self;
    struct bft_wal_sig *g = &e->guard.last[type - 1];
    int c = key_cmp(m.height, m.round, 0, g->height, g->round, 0);
    if (type == BFT_PRECOMMIT && has_value) {
        if (g->height && c == 0)
            memcpy(m.ext_hash, g->ext_hash, 32); /* the very bytes signed before the restart */
        else if (e->cfg.ext)
            e->cfg.ext(e->cfg.ctx, m.height, m.ext_hash);
    }
    if (g->height && c < 0)
        return; /* behind what we already signed of this type */
    if (g->height && c == 0 &&
        (g->has_value != m.has_value || (m.has_value && memcmp(g->value, m.value, 32))))
        return; /* the one conflicting signature the guard exists to prevent */
    if (c != 0 || !g->height) {
        struct bft_wal_rec rec = e->guard;
        struct bft_wal_sig *r = &rec.last[type - 1];
        r->height = m.height;
        r->round = m.round;
        r->has_value = m.has_value;
        memcpy(r->value, m.value, 32);
        memcpy(r->ext_hash, m.ext_hash, 32);
        rec.lock_height = e->height;
        rec.locked_round = e->locked_round;
        memcpy(rec.locked_value, e->locked_value, 32);
        rec.lock_pol = e->lock_pol;
        rec.lock_pol_n = e->locked_round >= 0 ? e->lock_pol_n : 0;
        if (e->cfg.wal_write(e->cfg.ctx, &rec) != BT_OK)
            return; /* not durable: stay silent */
        e->guard = rec;
    }
    if (bft_msg_sign_bytes(e->cfg.chain_id, &m, sb, &n) != BT_OK ||
        e->cfg.sign(e->cfg.ctx, sb, n, m.sig) != BT_OK)
        return;
    store(e, &m, out);
    bft_own_keep(e, &m);
    if (type == BFT_PROPOSAL) {
        struct bft_slot *s = bft_slot_find(e, m.round);
        if (s && s->prop.validator == m.validator)
            s->prop_valid = 1; /* our own value came from the application */
    }
    struct bft_action *a = bft_push(out, BFT_ACT_BROADCAST);
    if (a)
        a->msg = m;
}

static void run_rules(struct bft_engine *e, struct bft_actions *out);

/* Keep the prevotes for the locked value of slot s: the lock's proof, for the WAL. */
static void keep_pol(struct bft_engine *e, const struct bft_slot *s)
{
    e->lock_pol_n = 0;
    for (uint32_t i = 0; i < e->n; i++)
        if (s->have[0][i] && s->votes[0][i].has_value &&
            !memcmp(s->votes[0][i].value, e->locked_value, 32))
            e->lock_pol[e->lock_pol_n++] = s->votes[0][i];
    for (size_t i = 0; i < s->extra_n[0]; i++)
        if (s->extra[0][i].has_value && !memcmp(s->extra[0][i].value, e->locked_value, 32))
            e->lock_pol[e->lock_pol_n++] = s->extra[0][i];
}

static void start_round(struct bft_engine *e, int32_t round, struct bft_actions *out)
{
    e->round = round;
    e->step = BFT_STEP_PROPOSE;
    if (round > 0 && e->cfg.self >= 0 &&
        (e->guard.round_height != e->height || e->guard.round_entered < round)) {
        /* Remember the round: a validator restarted behind the round its peers moved to with
         * it could leave too few of them in either round to go on. Best effort: a failed
         * write costs liveness after a crash, never safety. */
        struct bft_wal_rec rec = e->guard;
        rec.lock_pol = e->lock_pol;
        rec.lock_pol_n =
            e->guard.lock_height == e->height && e->locked_round >= 0 ? e->lock_pol_n : 0;
        rec.round_height = e->height;
        rec.round_entered = round;
        if (e->cfg.wal_write(e->cfg.ctx, &rec) == BT_OK)
            e->guard = rec;
    }
    if (e->cfg.self >= 0 && bft_engine_proposer(e, round) == (uint32_t)e->cfg.self) {
        const struct bft_wal_sig *g = &e->guard.last[BFT_PROPOSAL - 1];
        if (g->height == e->height && g->round == round)
            sign_send(e, BFT_PROPOSAL, -1, 1, g->value, out); /* the same value again */
        else if (e->valid_round >= 0 && e->valid_round < round)
            sign_send(e, BFT_PROPOSAL, e->valid_round, 1, e->valid_value, out);
        else {
            struct bft_action *a = bft_push(out, BFT_ACT_GET_VALUE);
            if (a) {
                a->height = e->height;
                a->round = round;
            }
        }
    }
    /* Every validator arms the propose timer (the paper: non-proposers only), so a proposer
     * whose application never answers still moves on. */
    timer(e, out, BFT_TIMER_PROPOSE, round);
}

static void new_height(struct bft_engine *e, struct bft_actions *out)
{
    e->height++;
    /* Tendermint rotates the set once per height (PROTOCOL.md §4.4). */
    if (bts_valset_increment(&e->base, 1) != BT_OK)
        return;
    e->prop_cache_round = -1;
    e->locked_round = e->valid_round = -1;
    e->lock_pol_n = 0;
    memset(e->locked_value, 0, 32);
    memset(e->valid_value, 0, 32);
    e->round = 0;
    bft_slots_reset(e);
    bft_own_reset(e);
    if (e->cfg.rebroadcast_ms)
        timer(e, out, BFT_TIMER_REBROADCAST, 0);
    start_round(e, 0, out);
}

/* Decide `value` at the current height (lines 49-54) with `cert` as its proof, then move on. */
static void commit(struct bft_engine *e, int32_t round, const uint8_t value[32],
                   struct bft_actions *out)
{
    struct bft_action *a = bft_push(out, BFT_ACT_COMMIT);
    if (a) {
        a->height = e->height;
        a->round = round;
        memcpy(a->value, value, 32);
        a->cert = e->cert;
        a->cert_n = e->cert_n;
    }
    new_height(e, out);
}

static void decide(struct bft_engine *e, struct bft_slot *s, const struct bft_tally *t,
                   struct bft_actions *out)
{
    uint8_t v[32];
    memcpy(v, t->value, 32);
    e->cert_n = 0;
    for (uint32_t i = 0; i < e->n; i++)
        if (s->have[1][i] && s->votes[1][i].has_value && memcmp(s->votes[1][i].value, v, 32) == 0)
            e->cert[e->cert_n++] = s->votes[1][i];
    /* an equivocator's vote for v counted in the tally (one per validator: n at most) */
    for (size_t i = 0; i < s->extra_n[1] && e->cert_n < e->n; i++)
        if (s->extra[1][i].has_value && memcmp(s->extra[1][i].value, v, 32) == 0)
            e->cert[e->cert_n++] = s->extra[1][i];
    commit(e, s->round, v, out);
}

bt_status bft_engine_on_commit_cert(struct bft_engine *e, const struct bft_msg *cert, size_t n,
                                    struct bft_actions *out)
{
    int64_t power = 0;
    if (n == 0 || n > e->n || cert[0].type != BFT_PRECOMMIT || !cert[0].has_value)
        return BT_EINVAL;
    if (cert[0].height != e->height)
        return BT_OK; /* not (or no longer) the height we are deciding */
    for (size_t i = 0; i < n; i++) {
        const struct bft_msg *m = &cert[i];
        if (m->type != BFT_PRECOMMIT || m->height != e->height || m->round != cert[0].round ||
            !m->has_value || memcmp(m->value, cert[0].value, 32) != 0 || m->validator >= e->n)
            return BT_EINVAL;
        for (size_t j = 0; j < i; j++)
            if (cert[j].validator == m->validator)
                return BT_EINVAL;
        power += e->base.v[m->validator].power;
    }
    if (!bft_two_thirds(e, power))
        return BT_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!verify(e, &cert[i]))
            return BT_EPROTO;
    uint8_t v[32];
    memcpy(v, cert[0].value, 32);
    memcpy(e->cert, cert, n * sizeof *cert);
    e->cert_n = n;
    commit(e, cert[0].round, v, out);
    run_rules(e, out);
    return BT_OK;
}

static void prevote(struct bft_engine *e, int has, const uint8_t v[32], struct bft_actions *out)
{
    e->step = BFT_STEP_PREVOTE;
    sign_send(e, BFT_PREVOTE, -1, has, v, out);
}

static int can_vote_for(struct bft_engine *e, const struct bft_slot *s, int32_t pol)
{
    if (s->prop_valid != 1)
        return 0;
    if (e->locked_round < 0 || memcmp(e->locked_value, s->prop.value, 32) == 0)
        return 1;
    return pol >= 0 && e->locked_round <= pol;
}

/* Apply every rule that holds until none does. Each either changes the step or sets a
 * once-only flag, so the loop ends. */
static void run_rules(struct bft_engine *e, struct bft_actions *out)
{
    for (int guard = 0; guard < 64; guard++) {
        struct bft_slot *s = bft_slot_find(e, e->round);
        /* lines 49-54: a decision in any round */
        for (size_t i = 0; i < BFT_SLOTS; i++) {
            struct bft_slot *c = &e->slots[i];
            const struct bft_tally *t = c->round >= 0 ? bft_slot_quorum_value(e, c, 1) : NULL;
            if (t) {
                decide(e, c, t, out);
                goto again;
            }
        }
        /* lines 55-56: f+1 power in a higher round */
        for (size_t i = 0; i < BFT_SLOTS; i++) {
            struct bft_slot *c = &e->slots[i];
            if (c->round > e->round && bft_one_third(e, c->senders)) {
                start_round(e, c->round, out);
                goto again;
            }
        }
        if (!s)
            return;
        if (e->step == BFT_STEP_PROPOSE && s->has_prop &&
            (s->prop_valid == 1 || s->prop_valid == -1)) {
            int32_t pol = s->prop.pol_round;
            if (pol < 0) { /* lines 22-27 */
                prevote(e, can_vote_for(e, s, -1), s->prop.value, out);
                continue;
            }
            struct bft_slot *ps = bft_slot_find(e, pol); /* lines 28-33 */
            if (ps && bft_two_thirds(e, bft_slot_power(ps, 0, 1, s->prop.value))) {
                prevote(e, can_vote_for(e, s, pol), s->prop.value, out);
                continue;
            }
        }
        if (e->step == BFT_STEP_PREVOTE && !s->fired_prevote_timer &&
            bft_two_thirds(e, s->any[0])) { /* lines 34-35 */
            s->fired_prevote_timer = 1;
            timer(e, out, BFT_TIMER_PREVOTE, e->round);
        }
        if (e->step >= BFT_STEP_PREVOTE && !s->fired_l36 && s->has_prop && s->prop_valid == 1 &&
            bft_two_thirds(e, bft_slot_power(s, 0, 1, s->prop.value))) { /* lines 36-43 */
            s->fired_l36 = 1;
            if (e->step == BFT_STEP_PREVOTE) {
                e->locked_round = e->round;
                memcpy(e->locked_value, s->prop.value, 32);
                keep_pol(e, s);
                e->step = BFT_STEP_PRECOMMIT;
                sign_send(e, BFT_PRECOMMIT, -1, 1, s->prop.value, out);
            }
            e->valid_round = e->round;
            memcpy(e->valid_value, s->prop.value, 32);
            continue;
        }
        if (e->step == BFT_STEP_PREVOTE && bft_two_thirds(e, bft_slot_power(s, 0, 0, NULL))) {
            e->step = BFT_STEP_PRECOMMIT; /* lines 44-46 */
            sign_send(e, BFT_PRECOMMIT, -1, 0, NULL, out);
            continue;
        }
        if (!s->fired_precommit_timer && bft_two_thirds(e, s->any[1])) { /* lines 47-48 */
            s->fired_precommit_timer = 1;
            timer(e, out, BFT_TIMER_PRECOMMIT, e->round);
        }
        return;
    again:;
    }
}

static void ask_valid(struct bft_engine *e, struct bft_slot *s, struct bft_actions *out)
{
    if (!s || !s->has_prop || s->prop_valid != 0)
        return;
    s->prop_valid = 2;
    struct bft_action *a = bft_push(out, BFT_ACT_VALIDATE);
    if (a) {
        a->height = e->height;
        a->round = s->round;
        memcpy(a->value, s->prop.value, 32);
    }
}

bt_status bft_engine_on_message(struct bft_engine *e, const struct bft_msg *m,
                                struct bft_actions *out)
{
    if (m->validator >= e->n || m->round < 0 || (uint32_t)m->round >= BFT_MAX_ROUND ||
        m->type < BFT_PROPOSAL || m->type > BFT_PRECOMMIT)
        return BT_EINVAL;
    if ((int32_t)m->validator == e->cfg.self)
        return BT_OK; /* our own, echoed back: we already hold it */
    if (m->height != e->height) {
        if (m->height < e->height && verify(e, m)) {
            struct bft_action *a = bft_push(out, BFT_ACT_CATCHUP);
            if (a) {
                a->validator = m->validator;
                a->height = m->height;
            }
        }
        return BT_OK;
    }
    if (m->type == BFT_PROPOSAL && (bft_engine_proposer(e, m->round) != m->validator ||
                                    !m->has_value || m->pol_round >= m->round || m->pol_round < -1))
        return BT_EINVAL;
    if (m->type != BFT_PROPOSAL && m->pol_round != -1)
        return BT_EINVAL;
    if (!verify(e, m))
        return BT_EPROTO;
    if (store(e, m, out) && m->type == BFT_PROPOSAL)
        ask_valid(e, bft_slot_find(e, m->round), out);
    run_rules(e, out);
    return BT_OK;
}

bt_status bft_engine_on_timeout(struct bft_engine *e, enum bft_timer t, uint64_t height,
                                int32_t round, struct bft_actions *out)
{
    if (height != e->height)
        return BT_OK;
    switch (t) {
    case BFT_TIMER_PROPOSE: /* lines 57-60 */
        if (round == e->round && e->step == BFT_STEP_PROPOSE)
            prevote(e, 0, NULL, out);
        break;
    case BFT_TIMER_PREVOTE: /* lines 61-64 */
        if (round == e->round && e->step == BFT_STEP_PREVOTE) {
            e->step = BFT_STEP_PRECOMMIT;
            sign_send(e, BFT_PRECOMMIT, -1, 0, NULL, out);
        }
        break;
    case BFT_TIMER_PRECOMMIT: /* lines 65-67 */
        if (round == e->round && round + 1 < (int32_t)BFT_MAX_ROUND)
            start_round(e, round + 1, out);
        break;
    case BFT_TIMER_REBROADCAST:
        bft_rebroadcast(e, out);
        timer(e, out, BFT_TIMER_REBROADCAST, 0);
        return BT_OK;
    }
    run_rules(e, out);
    return BT_OK;
}

bt_status bft_engine_on_value(struct bft_engine *e, uint64_t height, int32_t round,
                              const uint8_t value[32], struct bft_actions *out)
{
    struct bft_slot *s = bft_slot_find(e, round);
    if (height != e->height || round != e->round || e->step != BFT_STEP_PROPOSE ||
        e->cfg.self < 0 || bft_engine_proposer(e, round) != (uint32_t)e->cfg.self ||
        (s && s->has_prop))
        return BT_OK;
    sign_send(e, BFT_PROPOSAL, -1, 1, value, out);
    run_rules(e, out);
    return BT_OK;
}

bt_status bft_engine_on_valid(struct bft_engine *e, uint64_t height, int32_t round,
                              const uint8_t value[32], int ok, struct bft_actions *out)
{
    struct bft_slot *s = height == e->height ? bft_slot_find(e, round) : NULL;
    if (!s || !s->has_prop || memcmp(s->prop.value, value, 32) != 0 || s->prop_valid == 1 ||
        s->prop_valid == -1)
        return BT_OK;
    s->prop_valid = ok ? 1 : -1;
    run_rules(e, out);
    return BT_OK;
}

bt_status bft_engine_init(struct bft_engine **out_e, const struct bft_config *cfg, uint64_t height,
                          const struct bts_valset *set, const struct bft_wal_rec *wal)
{
    *out_e = NULL;
    if (!cfg->chain_id || !cfg->sign || !cfg->verify || !cfg->wal_write || height == 0 ||
        set->n == 0 || set->n > BFT_MAX_VALIDATORS || cfg->self < -1 ||
        (cfg->self >= 0 && (size_t)cfg->self >= set->n))
        return BT_EINVAL;
    struct bft_engine *e = calloc(1, sizeof *e);
    if (!e)
        return BT_ENOMEM;
    e->cfg = *cfg;
    e->n = (uint32_t)set->n;
    e->total = 0;
    for (size_t i = 0; i < set->n; i++)
        e->total += set->v[i].power;
    e->base.v = malloc(set->n * sizeof *set->v);
    e->scratch.v = malloc(set->n * sizeof *set->v);
    e->cert = calloc(set->n, sizeof *e->cert);
    e->lock_pol = calloc(3 * set->n, sizeof *e->lock_pol);
    for (size_t i = 0; i < BFT_SLOTS; i++)
        e->slots[i].round = -1;
    if (!e->base.v || !e->scratch.v || !e->cert || !e->lock_pol || bft_slots_alloc(e) != BT_OK) {
        bft_engine_free(e);
        return BT_ENOMEM;
    }
    memcpy(e->base.v, set->v, set->n * sizeof *set->v);
    e->base.n = e->base.cap = e->scratch.cap = set->n;
    e->base.total = set->total;
    e->base.proposer = set->proposer;
    e->height = height;
    e->locked_round = e->valid_round = -1;
    e->prop_cache_round = -1;
    bft_own_reset(e);
    if (wal) {
        e->guard = *wal;
        if (wal->lock_height == height && wal->locked_round >= 0) {
            e->locked_round = wal->locked_round;
            memcpy(e->locked_value, wal->locked_value, 32);
            if (wal->lock_pol && wal->lock_pol_n <= 3 * (size_t)e->n) {
                memcpy(e->lock_pol, wal->lock_pol, wal->lock_pol_n * sizeof *e->lock_pol);
                e->lock_pol_n = wal->lock_pol_n;
            }
            /* the lock was also the valid value then (line 42): propose it again */
            e->valid_round = wal->locked_round;
            memcpy(e->valid_value, wal->locked_value, 32);
        }
    }
    *out_e = e;
    return BT_OK;
}

bt_status bft_engine_start(struct bft_engine *e, struct bft_actions *out)
{
    const struct bft_wal_sig *g = e->guard.last;
    int32_t r = 0;
    for (int k = 0; k < 3; k++)
        if (g[k].height == e->height && g[k].round > r)
            r = g[k].round;
    if (e->guard.round_height == e->height && e->guard.round_entered > r)
        r = e->guard.round_entered;
    if (e->cfg.rebroadcast_ms)
        timer(e, out, BFT_TIMER_REBROADCAST, 0);
    start_round(e, r, out);
    /* the restored lock's proof goes back into its round (checked like any vote) */
    for (size_t i = 0; i < e->lock_pol_n; i++) {
        const struct bft_msg *m = &e->lock_pol[i];
        if (m->type == BFT_PREVOTE && m->height == e->height && m->round == e->locked_round &&
            m->validator < e->n && verify(e, m))
            store(e, m, out);
    }
    /* After a restart at this height, sign the recorded votes again (the guard allows exactly
     * that): peers may never have seen them, and a validator stuck short of +2/3 may need
     * precisely them. Then resume at the step they reached in this round. */
    for (int k = BFT_PREVOTE - 1; k < 3; k++) {
        if (g[k].height != e->height)
            continue;
        int32_t cur = e->round;
        uint8_t v[32];
        memcpy(v, g[k].value, 32);
        e->round = g[k].round;
        sign_send(e, (uint8_t)(k + 1), -1, g[k].has_value, v, out);
        e->round = cur;
        if (g[k].round == r)
            e->step = k + 1 == BFT_PREVOTE ? BFT_STEP_PREVOTE : BFT_STEP_PRECOMMIT;
    }
    run_rules(e, out);
    return BT_OK;
}

void bft_engine_free(struct bft_engine *e)
{
    if (!e)
        return;
    bft_slots_free(e);
    free(e->base.v);
    free(e->scratch.v);
    free(e->cert);
    free(e->lock_pol);
    free(e);
}

void bft_engine_status(const struct bft_engine *e, uint64_t *out_height, int32_t *out_round,
                       enum bft_step *out_step)
{
    *out_height = e->height;
    *out_round = e->round;
    *out_step = e->step;
}

int32_t bft_engine_locked(const struct bft_engine *e, uint8_t out_value[32])
{
    memcpy(out_value, e->locked_value, 32);
    return e->locked_round;
}
