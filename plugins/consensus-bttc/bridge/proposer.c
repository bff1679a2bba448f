/* Delivery bridge: the checkpoint proposer (dlvb_proposer.h). Per root chain one check at a
 * time: last header block (async) → range → local root hash → proposal. */
#include <stdlib.h>
#include <string.h>

#include <bts/dlvckpt.h>

#include "dlvb_proposer.h"

#define MAX_CHAINS 16u

struct slot {
    struct dlvb_proposer *p;
    struct dlvb_proposer_chain c;
    int busy;
    uint64_t head, now; /* of the check in flight */
};

struct dlvb_proposer {
    struct slot slots[MAX_CHAINS];
    size_t n;
    uint64_t buffer_time;
    uint64_t unit, max_len, confirmations; /* §4.6.1 lengths */
    struct dlvb_local local;
    struct dlvb_app_view app;
    dlvb_propose_fn fn;
    void *arg;
    size_t in_flight;
    int dead;
    struct dlvb_proposer_stats st;
};

bt_status dlvb_proposer_new(struct dlvb_proposer **out, const struct dlvb_proposer_chain *chains,
                            size_t n, uint64_t buffer_time, const struct dlvb_local *local,
                            const struct dlvb_app_view *app, dlvb_propose_fn fn, void *arg)
{
    *out = NULL;
    if (n == 0 || n > MAX_CHAINS)
        return BT_EINVAL;
    struct dlvb_proposer *p = calloc(1, sizeof(*p));
    if (!p)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        p->slots[i].p = p;
        p->slots[i].c = chains[i];
    }
    p->n = n;
    p->buffer_time = buffer_time;
    p->unit = BTS_DLVCKPT_UNIT;
    p->max_len = BTS_DLVCKPT_MAX_SPAN + 1;
    p->confirmations = BTS_DLVCKPT_CONFIRMATIONS;
    p->local = *local;
    p->app = *app;
    p->fn = fn;
    p->arg = arg;
    *out = p;
    return BT_OK;
}

bt_status dlvb_proposer_set_range(struct dlvb_proposer *p, uint64_t unit, uint64_t max_len,
                                  uint64_t confirmations)
{
    if (unit == 0 || max_len == 0 || unit > max_len || max_len > UINT64_MAX / 2)
        return BT_EINVAL;
    p->unit = unit;
    p->max_len = max_len;
    p->confirmations = confirmations;
    return BT_OK;
}

/* §4.6.1 with the proposer's lengths: bts_dlvckpt_next_range with unit, cap, depth and forced
 * age taken from p (that function has upstream's constants). */
static int next_range(const struct dlvb_proposer *p, uint64_t *out_start, uint64_t *out_end,
                      uint64_t head, const struct bts_dlvckpt_last *last, uint64_t now,
                      uint64_t activation)
{
    uint64_t confirmed = head > p->confirmations ? head - p->confirmations : 0;
    uint64_t start = last->end == 0 ? 0 : last->end + 1;
    uint64_t end = 0;
    int have_diff = confirmed + 1 > start;
    uint64_t diff = have_diff ? confirmed - start + 1 : 0;
    if (have_diff) {
        uint64_t e = diff - diff % p->unit;
        if (e > 0)
            e -= 1;
        if (e > p->max_len - 1)
            e = p->max_len - 1;
        end = start + e;
    }
    if (end == 0 || end == start || diff < p->unit) {
        if (now > last->created_at && now - last->created_at > 2 * p->max_len)
            end = confirmed;
    }
    if (start == 0 && activation != 0) {
        start += activation;
        end += activation;
    }
    *out_start = start;
    *out_end = end;
    return end != 0 && start < end;
}

void dlvb_proposer_free(struct dlvb_proposer *p)
{
    if (!p)
        return;
    if (p->in_flight) {
        p->dead = 1;
        return;
    }
    free(p);
}

void dlvb_proposer_stats(const struct dlvb_proposer *p, struct dlvb_proposer_stats *out)
{
    *out = p->st;
}

static void fail(struct dlvb_proposer *p, bt_status st)
{
    p->st.errors++;
    p->st.last_status = st;
}

static int is_base_chain(uint32_t root_type)
{
    return root_type == BT_ROOTCHAIN_TRON || root_type == BT_ROOTCHAIN_ETH;
}

/* The last header block arrived: choose the range and propose. */
static void on_last(void *arg, bt_status st, uint64_t header_id, const struct dlvb_header_block *hb)
{
    (void)header_id;
    struct slot *s = arg;
    struct dlvb_proposer *p = s->p;
    s->busy = 0;
    p->in_flight--;
    if (p->dead) {
        if (p->in_flight == 0)
            free(p);
        return;
    }
    if (st != BT_OK) {
        fail(p, st);
        return;
    }
    struct bts_dlvckpt_last last = {.end = hb->end, .created_at = hb->created_at};
    struct dlvb_proposal pr = {.root_type = s->c.root_type};
    uint64_t activation = is_base_chain(s->c.root_type) ? 0 : s->c.activation;
    if (!next_range(p, &pr.start, &pr.end, s->head, &last, s->now, activation)) {
        p->st.skipped_range++;
        return;
    }
    st = p->local.root_hash(p->local.arg, pr.start, pr.end, pr.root_hash);
    if (st == BT_OK)
        st = p->app.account_root(p->app.arg, pr.account_root);
    if (st != BT_OK) {
        fail(p, st);
        return;
    }
    p->st.proposals++;
    p->fn(p->arg, &pr);
}

bt_status dlvb_proposer_on_head(struct dlvb_proposer *p, uint64_t head, uint64_t now)
{
    if (!p->app.is_proposer(p->app.arg))
        return BT_OK;
    if (head <= p->confirmations)
        return BT_OK;
    uint64_t confirmed = head - p->confirmations;
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = &p->slots[i];
        if (s->busy)
            continue;
        if (!is_base_chain(s->c.root_type) && confirmed < s->c.activation)
            continue; /* extra root chain not active yet */
        uint64_t ts = 0;
        /* a buffered checkpoint blocks until it is buffer_time old (timestamp 0: stale) */
        if (p->app.buffered(p->app.arg, s->c.root_type, &ts) && ts != 0 &&
            !(now > ts && now - ts >= p->buffer_time)) {
            p->st.skipped_buffer++;
            continue;
        }
        s->busy = 1;
        s->head = head;
        s->now = now;
        p->in_flight++;
        bt_status st = dlvb_read_last_header(s->c.vt, s->c.self, s->c.root_chain, on_last, s);
        if (st != BT_OK) {
            s->busy = 0;
            p->in_flight--;
            fail(p, st);
        }
    }
    return BT_OK;
}
