/* Per-round vote books of the BFT engine: a fixed set of slots allocated once, reused across
 * heights, so the steady state never allocates. */
#include <stdlib.h>
#include <string.h>

#include "bft_int.h"

int bft_two_thirds(const struct bft_engine *e, int64_t p)
{
    return p * 3 > e->total * 2; /* total <= INT64_MAX / 8: no overflow */
}

int bft_one_third(const struct bft_engine *e, int64_t p)
{
    return p * 3 > e->total;
}

bt_status bft_slots_alloc(struct bft_engine *e)
{
    for (size_t i = 0; i < BFT_SLOTS; i++) {
        struct bft_slot *s = &e->slots[i];
        for (int k = 0; k < 2; k++) {
            s->votes[k] = calloc(e->n, sizeof *s->votes[k]);
            s->have[k] = calloc(e->n, 1);
            s->tally[k] = calloc(3 * (size_t)e->n, sizeof *s->tally[k]);
            s->extra[k] = calloc(2 * (size_t)e->n, sizeof *s->extra[k]);
            if (!s->votes[k] || !s->have[k] || !s->tally[k] || !s->extra[k])
                return BT_ENOMEM;
        }
        s->sender = calloc(e->n, 1);
        if (!s->sender)
            return BT_ENOMEM;
        s->round = -1;
    }
    return BT_OK;
}

void bft_slots_free(struct bft_engine *e)
{
    for (size_t i = 0; i < BFT_SLOTS; i++) {
        struct bft_slot *s = &e->slots[i];
        for (int k = 0; k < 2; k++) {
            free(s->votes[k]);
            free(s->have[k]);
            free(s->tally[k]);
            free(s->extra[k]);
        }
        free(s->sender);
    }
}

static void slot_clear(struct bft_engine *e, struct bft_slot *s, int32_t round)
{
    s->round = round;
    s->has_prop = 0;
    s->prop_valid = 0;
    s->prop_evidence = 0;
    for (int k = 0; k < 2; k++) {
        memset(s->have[k], 0, e->n);
        s->tally_n[k] = 0;
        s->extra_n[k] = 0;
        s->any[k] = 0;
    }
    memset(s->sender, 0, e->n);
    s->senders = 0;
    s->fired_prevote_timer = s->fired_precommit_timer = s->fired_l36 = 0;
}

void bft_slots_reset(struct bft_engine *e)
{
    for (size_t i = 0; i < BFT_SLOTS; i++)
        if (e->slots[i].round >= 0)
            slot_clear(e, &e->slots[i], -1);
}

struct bft_slot *bft_slot_find(struct bft_engine *e, int32_t round)
{
    for (size_t i = 0; i < BFT_SLOTS; i++)
        if (e->slots[i].round == round)
            return &e->slots[i];
    return NULL;
}

/* Rounds that must stay: the current one, the lock, the valid value and the current proposal's
 * proof-of-lock round. */
static int pinned(struct bft_engine *e, int32_t r)
{
    if (r == e->round || r == e->locked_round || r == e->valid_round)
        return 1;
    struct bft_slot *cur = bft_slot_find(e, e->round);
    return cur && cur->has_prop && cur->prop.pol_round == r;
}

struct bft_slot *bft_slot_get(struct bft_engine *e, int32_t round)
{
    struct bft_slot *s = bft_slot_find(e, round), *old = NULL, *far = NULL;
    if (s)
        return s;
    for (size_t i = 0; i < BFT_SLOTS; i++) {
        struct bft_slot *c = &e->slots[i];
        if (c->round < 0) {
            slot_clear(e, c, round);
            return c;
        }
        if (pinned(e, c->round))
            continue;
        if (c->round < e->round && (!old || c->round < old->round))
            old = c; /* the oldest past round goes first */
        if (c->round > e->round && (!far || c->round > far->round))
            far = c; /* then the furthest future round */
    }
    if (!old && round < e->round)
        return NULL; /* a past round does not displace future ones */
    s = old ? old : (far && far->round > round ? far : NULL);
    if (s)
        slot_clear(e, s, round);
    return s;
}

void bft_slot_add_sender(struct bft_engine *e, struct bft_slot *s, uint32_t v)
{
    if (!s->sender[v]) {
        s->sender[v] = 1;
        s->senders += e->base.v[v].power;
    }
}

static int same_value(int ha, const uint8_t *a, int hb, const uint8_t *b)
{
    return ha == hb && (!ha || memcmp(a, b, 32) == 0);
}

static void tally_add(struct bft_slot *s, int k, const struct bft_msg *m, int64_t pw)
{
    for (size_t i = 0; i < s->tally_n[k]; i++) {
        struct bft_tally *t = &s->tally[k][i];
        if (same_value(t->has_value, t->value, m->has_value, m->value)) {
            t->power += pw;
            return;
        }
    }
    /* one entry per counted vote at most: 3n entries always suffice */
    struct bft_tally *t = &s->tally[k][s->tally_n[k]++];
    t->has_value = m->has_value;
    memcpy(t->value, m->value, 32);
    t->power = pw;
}

int bft_slot_add_vote(struct bft_engine *e, struct bft_slot *s, const struct bft_msg *m,
                      const struct bft_msg **out_prev, int *out_first)
{
    int k = m->type == BFT_PRECOMMIT;
    uint32_t v = m->validator;
    int64_t pw = e->base.v[v].power;
    if (s->have[k][v]) {
        const struct bft_msg *prev = &s->votes[k][v];
        if (same_value(prev->has_value, prev->value, m->has_value, m->value))
            return 0;
        int mine = 0;
        for (size_t i = 0; i < s->extra_n[k]; i++) {
            const struct bft_msg *x = &s->extra[k][i];
            if (x->validator != v)
                continue;
            if (same_value(x->has_value, x->value, m->has_value, m->value))
                return 0;
            mine++;
        }
        *out_prev = prev;
        *out_first = s->have[k][v] == 1;
        s->have[k][v] = 2;
        if (mine < 2 && s->extra_n[k] < 2 * (size_t)e->n) {
            s->extra[k][s->extra_n[k]++] = *m;
            tally_add(s, k, m, pw);
        }
        return -1;
    }
    s->votes[k][v] = *m;
    s->have[k][v] = 1;
    s->any[k] += pw;
    bft_slot_add_sender(e, s, v);
    tally_add(s, k, m, pw);
    return 1;
}

int64_t bft_slot_power(const struct bft_slot *s, int idx, int has_value, const uint8_t value[32])
{
    for (size_t i = 0; i < s->tally_n[idx]; i++) {
        const struct bft_tally *t = &s->tally[idx][i];
        if (same_value(t->has_value, t->value, has_value, value))
            return t->power;
    }
    return 0;
}

const struct bft_tally *bft_slot_quorum_value(const struct bft_engine *e, const struct bft_slot *s,
                                              int idx)
{
    for (size_t i = 0; i < s->tally_n[idx]; i++)
        if (s->tally[idx][i].has_value && bft_two_thirds(e, s->tally[idx][i].power))
            return &s->tally[idx][i];
    return NULL;
}
