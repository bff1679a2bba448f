/* Engine internals shared by bft_engine.c (the rules) and bft_round.c (per-round vote books). */
#ifndef BTTC_BFT_INT_H
#define BTTC_BFT_INT_H

#include "bft.h"

/* Rounds kept per height. A round beyond the window takes the slot of the least useful one
 * (bft_round.c); forgetting votes can only cost liveness, never safety, since safety rests on
 * our own lock and the guard. */
#define BFT_SLOTS 24

/* Power for one value (or nil) among one round's votes of one type. */
struct bft_tally {
    uint8_t value[32];
    uint8_t has_value;
    int64_t power;
};

/* What one round of the current height has collected. Arrays have n entries (allocated once). */
struct bft_slot {
    int32_t round; /* -1: free */
    int has_prop;
    int prop_valid; /* 0: not asked, 2: asked, 1: valid, -1: invalid */
    int prop_evidence;
    struct bft_msg prop;
    struct bft_msg *votes[2]; /* [0]: prevotes, [1]: precommits, by validator index */
    uint8_t *have[2];         /* 0: none, 1: stored, 2: stored and equivocation reported */
    struct bft_msg *extra[2]; /* an equivocator's further values (2n at most, 2 each) */
    size_t extra_n[2];
    struct bft_tally *tally[2]; /* 3n entries */
    size_t tally_n[2];
    int64_t any[2];  /* power of all votes of the type */
    uint8_t *sender; /* validators heard from in this round (any message) */
    int64_t senders; /* their power */
    int fired_prevote_timer, fired_precommit_timer, fired_l36;
};

/* Our own signed messages of one round (kept apart from the slots, which may be taken over:
 * re-sending an old prevote is what lets others check a proof of lock). */
#define BFT_OWN_ROUNDS 64
struct bft_own {
    int32_t round; /* -1: empty */
    uint8_t have[3];
    struct bft_msg m[3]; /* by type - 1 */
};

struct bft_engine {
    struct bft_config cfg;
    struct bts_valset base;    /* this height's set; priorities set for round 0 */
    struct bts_valset scratch; /* rotation copy (same capacity: no allocation) */
    uint32_t n;
    int64_t total;
    uint64_t height;
    int32_t round;
    enum bft_step step;
    int32_t locked_round, valid_round;
    uint8_t locked_value[32], valid_value[32];
    struct bft_wal_rec guard;
    int32_t prop_cache_round;
    uint32_t prop_cache;
    struct bft_slot slots[BFT_SLOTS];
    struct bft_own own[BFT_OWN_ROUNDS]; /* ring by round */
    struct bft_msg *cert;               /* precommits of the last decision */
    struct bft_msg *lock_pol;           /* the lock's prevotes (3n at most) */
    size_t lock_pol_n;
    size_t cert_n;
};

/* bft_engine.c: append an action (NULL and overflow counted when the list is full) */
struct bft_action *bft_push(struct bft_actions *out, enum bft_action_kind kind);

/* bft_gossip.c */
void bft_own_reset(struct bft_engine *e);
void bft_own_keep(struct bft_engine *e, const struct bft_msg *m);
/* Re-send our messages of the rounds that matter and relay the votes others may lack. */
void bft_rebroadcast(struct bft_engine *e, struct bft_actions *out);

/* bft_round.c */
bt_status bft_slots_alloc(struct bft_engine *e);
void bft_slots_free(struct bft_engine *e);
void bft_slots_reset(struct bft_engine *e);
struct bft_slot *bft_slot_find(struct bft_engine *e, int32_t round);
/* The slot of `round`, taking one over if needed; NULL when the round is not worth a slot. */
struct bft_slot *bft_slot_get(struct bft_engine *e, int32_t round);
/* Store a vote. Returns 1 if stored, 0 if a duplicate, -1 if it conflicts with the stored one
 * (*out_prev is then the stored vote, and *out_first tells if this is the first report). A
 * conflicting vote still counts for its value (up to 3 values per validator): quorum
 * intersection makes that safe (two +2/3 sets share more than 1/3 of the power, so an honest
 * validator), and it lets every honest validator rebuild a proof of lock that was formed
 * with an equivocator's vote. */
int bft_slot_add_vote(struct bft_engine *e, struct bft_slot *s, const struct bft_msg *m,
                      const struct bft_msg **out_prev, int *out_first);
void bft_slot_add_sender(struct bft_engine *e, struct bft_slot *s, uint32_t v);
int64_t bft_slot_power(const struct bft_slot *s, int idx, int has_value, const uint8_t value[32]);
/* A value with more than 2/3 of `idx` votes in s, or NULL. */
const struct bft_tally *bft_slot_quorum_value(const struct bft_engine *e, const struct bft_slot *s,
                                              int idx);
int bft_two_thirds(const struct bft_engine *e, int64_t p);
int bft_one_third(const struct bft_engine *e, int64_t p);

#endif /* BTTC_BFT_INT_H */
