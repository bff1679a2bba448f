/* dlvb_span.h: the span proposer policy. */
#include <stdlib.h>
#include <string.h>

#include "dlvb_span.h"

/* Producers a span can hold: producer_count is 11 upstream; a preview beyond this is refused. */
#define SPAN_PRODUCERS_MAX 128

int dlvb_span_due(const struct dlvb_span_state *s, uint64_t head)
{
    return s->last_start <= head && head <= s->last_end;
}

bt_status dlvb_span_msg(struct dlv_msg *out, const struct dlvb_span_state *s,
                        const uint8_t proposer[20], const uint8_t seed[32])
{
    memset(out, 0, sizeof *out);
    size_t cl = strnlen(s->bor_chain_id, sizeof s->bor_chain_id);
    if (s->span_duration == 0 || cl == 0 || cl > DLV_CHAIN_ID_MAX)
        return BT_EINVAL;
    if (s->last_id == UINT64_MAX || s->last_end == UINT64_MAX ||
        s->last_end + 1 > UINT64_MAX - (s->span_duration - 1))
        return BT_ERANGE;
    out->type = DLV_MSG_PROPOSE_SPAN;
    struct dlv_msg_propose_span *p = &out->u.span;
    p->span_id = s->last_id + 1;
    memcpy(p->proposer, proposer, 20);
    p->start_block = s->last_end + 1;
    p->end_block = p->start_block + s->span_duration - 1;
    memcpy(p->bor_chain_id, s->bor_chain_id, cl);
    memcpy(p->seed, seed, 32);
    return BT_OK;
}

/* One check waiting for its seed. */
struct span_check {
    struct dlvb_span_state s;
    uint8_t me[20];
    dlvb_span_producers_fn preview;
    void *preview_arg;
    dlvb_span_fn fn;
    void *arg;
};

static void on_seed(void *arg, const struct dlv_oracle_answer *a)
{
    struct span_check *c = arg;
    bt_status st = a->status;
    struct dlv_msg m;
    int mine = 0;
    if (st == BT_OK) {
        uint8_t(*prod)[20] = calloc(SPAN_PRODUCERS_MAX, 20);
        size_t n = 0;
        st = prod ? c->preview(c->preview_arg, &c->s, a->hash, prod, SPAN_PRODUCERS_MAX, &n)
                  : BT_ENOMEM;
        for (size_t i = 0; st == BT_OK && i < n && i < SPAN_PRODUCERS_MAX; i++)
            mine |= memcmp(prod[i], c->me, 20) == 0;
        free(prod);
        if (st == BT_OK && mine)
            st = dlvb_span_msg(&m, &c->s, c->me, a->hash);
    }
    c->fn(c->arg, st, st == BT_OK && mine ? &m : NULL);
    if (st == BT_OK && mine)
        dlv_msg_free(&m);
    free(c);
}

bt_status dlvb_span_check(const struct dlvb_span_state *s, uint64_t head, const uint8_t me[20],
                          const struct dlv_oracle_iface *oracle, void *oracle_self,
                          dlvb_span_producers_fn preview, void *preview_arg, dlvb_span_fn fn,
                          void *arg)
{
    if (!dlvb_span_due(s, head))
        return BT_EBUSY;
    struct span_check *c = calloc(1, sizeof *c);
    if (!c)
        return BT_ENOMEM;
    c->s = *s;
    memcpy(c->me, me, 20);
    c->preview = preview;
    c->preview_arg = preview_arg;
    c->fn = fn;
    c->arg = arg;
    struct dlv_oracle_query q = {.kind = DLV_Q_ETH_BLOCK_HASH, .a = s->seed_block};
    bt_status st = oracle->query(oracle_self, &q, on_seed, c);
    if (st != BT_OK)
        free(c); /* not accepted: done is never called */
    return st;
}
