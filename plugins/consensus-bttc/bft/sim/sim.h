/* Deterministic simulation of Delivery's BFT engine: N = 3f+1 validators in one process under a
 * seeded simulated clock and network (delays, reordering, duplication, loss, partitions and
 * heals), f Byzantine (equivocating, silent, or sending malformed and stale messages), honest
 * validators crashed and restarted from their WAL record. Every run checks safety (no two honest
 * validators commit different values at a height), liveness (after the last heal all honest
 * validators reach the target height within a bound), no double signing (no honest validator
 * signs two values for one (height, round, type), crashes included) and that evidence only ever
 * names Byzantine validators. A run depends on nothing but its seed. */
#ifndef BTTC_BFT_SIM_H
#define BTTC_BFT_SIM_H

#include <stddef.h>
#include <stdint.h>

struct sim_opts {
    uint64_t seed;
    uint32_t heights; /* heights every honest validator must commit after the heal (>= 1) */
    uint32_t f;       /* Byzantine validators (n = 3f + 1, f <= 21); 0: 1 or 2 by the seed */
    int calm;         /* 1: no partition, loss, crash or misbehaviour (Byzantine ones silent) */
    int verbose;      /* 1: trace commits, crashes and phases to stderr; 2: every message */
};

struct sim_result {
    int ok;              /* 1: every check passed */
    char why[256];       /* the first violation */
    uint32_t n, f;       /* validators, Byzantine ones */
    uint64_t commits;    /* honest commits (validator x height) */
    uint64_t top_height; /* highest committed height */
    uint64_t sim_ms;     /* simulated time at the end */
    uint64_t heal_ms;    /* when the network healed */
    uint64_t events, msgs, dropped, malformed;
    uint64_t crashes, evidence, max_round;
};

/* Run one seed. Returns 1 when every check passed (r->ok), 0 otherwise (r->why says why). */
int sim_run(const struct sim_opts *o, struct sim_result *r);

/* --- sim_net.c: the seeded generator and the event queue -------------------------------- */

struct sim_rng {
    uint64_t s;
};
uint64_t sim_rand(struct sim_rng *g);
/* Uniform in [0, n) (n > 0). */
uint64_t sim_below(struct sim_rng *g, uint64_t n);

enum sim_ev_kind { SIM_EV_DELIVER, SIM_EV_TIMER, SIM_EV_CRASH, SIM_EV_RESTART, SIM_EV_CERT };

struct sim_event {
    uint64_t t, seq;
    enum sim_ev_kind kind;
    uint32_t node, from;
    uint32_t epoch; /* TIMER: the node's life it belongs to */
    int timer;
    uint64_t height;
    int32_t round;
    uint16_t len;
    uint8_t bytes[200];
};

struct sim_queue {
    struct sim_event *h;
    size_t n, cap;
    uint64_t seq;
};

int sim_queue_push(struct sim_queue *q, const struct sim_event *ev); /* 0: out of memory */
int sim_queue_pop(struct sim_queue *q, struct sim_event *out);       /* 0: empty */
void sim_queue_free(struct sim_queue *q);

#endif /* BTTC_BFT_SIM_H */
