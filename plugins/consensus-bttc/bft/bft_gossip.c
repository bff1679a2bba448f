/* What the engine re-sends and relays on its rebroadcast timer, until p2p gossip carries votes
 * itself: our own signed messages (kept per round apart from the vote books) and others' votes
 * a lagging validator may need. Part of the pure engine: only appends actions. */
#include <string.h>

#include "bft_int.h"

void bft_own_reset(struct bft_engine *e)
{
    for (size_t i = 0; i < BFT_OWN_ROUNDS; i++) {
        e->own[i].round = -1;
        memset(e->own[i].have, 0, sizeof e->own[i].have);
    }
}

void bft_own_keep(struct bft_engine *e, const struct bft_msg *m)
{
    struct bft_own *o = &e->own[(uint32_t)m->round % BFT_OWN_ROUNDS];
    if (o->round != m->round) {
        o->round = m->round;
        memset(o->have, 0, sizeof o->have);
    }
    o->have[m->type - 1] = 1;
    o->m[m->type - 1] = *m;
}

static void resend_round(struct bft_engine *e, int32_t round, struct bft_actions *out)
{
    struct bft_own *o = &e->own[(uint32_t)round % BFT_OWN_ROUNDS];
    struct bft_action *a;
    if (o->round != round)
        return;
    for (int k = 0; k < 3; k++)
        if (o->have[k] && (a = bft_push(out, BFT_ACT_BROADCAST)))
            a->msg = o->m[k];
}

/* Relay the prevotes of our proof of lock (valid round, valid value), others' included, a few
 * per call: with them a validator that saw other votes of an equivocator can check the proof
 * of lock a proposal claims (Tendermint gossips others' votes for the same reason). */
static void relay_pol(struct bft_engine *e, struct bft_actions *out)
{
    struct bft_slot *s = e->valid_round >= 0 ? bft_slot_find(e, e->valid_round) : NULL;
    struct bft_action *a;
    if (!s)
        return;
    for (uint32_t i = 0; i < e->n; i++)
        if (s->have[0][i] && s->votes[0][i].has_value &&
            !memcmp(s->votes[0][i].value, e->valid_value, 32) && out->n + 8 < BFT_MAX_ACTIONS &&
            (a = bft_push(out, BFT_ACT_BROADCAST)))
            a->msg = s->votes[0][i];
    for (size_t i = 0; i < s->extra_n[0]; i++)
        if (s->extra[0][i].has_value && !memcmp(s->extra[0][i].value, e->valid_value, 32) &&
            out->n + 8 < BFT_MAX_ACTIONS && (a = bft_push(out, BFT_ACT_BROADCAST)))
            a->msg = s->extra[0][i];
}

/* Relay the precommits we hold for the round before ours: whoever is still there may lack
 * exactly those (an equivocator's included) to reach the +2/3 that ends its round. */
static void relay_last_precommits(struct bft_engine *e, struct bft_actions *out)
{
    struct bft_slot *s = e->round > 0 ? bft_slot_find(e, e->round - 1) : NULL;
    struct bft_action *a;
    if (!s)
        return;
    for (uint32_t i = 0; i < e->n; i++)
        if (s->have[1][i] && out->n + 8 < BFT_MAX_ACTIONS && (a = bft_push(out, BFT_ACT_BROADCAST)))
            a->msg = s->votes[1][i];
    for (size_t i = 0; i < s->extra_n[1]; i++)
        if (out->n + 8 < BFT_MAX_ACTIONS && (a = bft_push(out, BFT_ACT_BROADCAST)))
            a->msg = s->extra[1][i];
}

/* Re-send what we signed in the current round, in the latest earlier round we spoke in (a
 * validator still there may miss exactly our vote to reach the +2/3 that lets it follow), and
 * in the rounds a proof of lock may need: our locked and valid rounds and the current
 * proposal's pol_round (Tendermint's gossip sends the POL prevotes the same way). */
void bft_rebroadcast(struct bft_engine *e, struct bft_actions *out)
{
    struct bft_slot *cur = bft_slot_find(e, e->round);
    int32_t rounds[5];
    size_t nr = 0;
    if (e->cfg.self < 0)
        return;
    int32_t prev = -1;
    for (size_t i = 0; i < BFT_OWN_ROUNDS; i++)
        if (e->own[i].round >= 0 && e->own[i].round < e->round && e->own[i].round > prev)
            prev = e->own[i].round;
    rounds[nr++] = e->round;
    rounds[nr++] = prev;
    rounds[nr++] = e->locked_round;
    rounds[nr++] = e->valid_round;
    rounds[nr++] = cur && cur->has_prop ? cur->prop.pol_round : -1;
    for (size_t i = 0; i < nr; i++) {
        int dup = rounds[i] < 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = rounds[j] == rounds[i];
        if (!dup)
            resend_round(e, rounds[i], out);
    }
    relay_pol(e, out);
    relay_last_precommits(e, out);
}
