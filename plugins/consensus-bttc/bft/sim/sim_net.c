/* The simulation's randomness (splitmix64: tiny, seedable, identical everywhere) and its event
 * queue (a binary min-heap ordered by time, then insertion order, so equal times replay in the
 * same order). */
#include <stdlib.h>

#include "sim.h"

uint64_t sim_rand(struct sim_rng *g)
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t sim_below(struct sim_rng *g, uint64_t n)
{
    return sim_rand(g) % n;
}

static int before(const struct sim_event *a, const struct sim_event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

int sim_queue_push(struct sim_queue *q, const struct sim_event *ev)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 1024;
        struct sim_event *h = realloc(q->h, cap * sizeof *h);
        if (!h)
            return 0;
        q->h = h;
        q->cap = cap;
    }
    size_t i = q->n++;
    q->h[i] = *ev;
    q->h[i].seq = q->seq++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&q->h[i], &q->h[p]))
            break;
        struct sim_event tmp = q->h[p];
        q->h[p] = q->h[i];
        q->h[i] = tmp;
        i = p;
    }
    return 1;
}

int sim_queue_pop(struct sim_queue *q, struct sim_event *out)
{
    if (q->n == 0)
        return 0;
    *out = q->h[0];
    q->h[0] = q->h[--q->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->n && before(&q->h[l], &q->h[m]))
            m = l;
        if (r < q->n && before(&q->h[r], &q->h[m]))
            m = r;
        if (m == i)
            break;
        struct sim_event tmp = q->h[m];
        q->h[m] = q->h[i];
        q->h[i] = tmp;
        i = m;
    }
    return 1;
}

void sim_queue_free(struct sim_queue *q)
{
    free(q->h);
    q->h = NULL;
    q->n = q->cap = 0;
}
