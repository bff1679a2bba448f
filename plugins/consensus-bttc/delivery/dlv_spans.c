/* Spans (PROTOCOL.md §4.5): FreezeSet — select the next producers with the shared sdk
 * selection (bts_dlvspan_select_producers) and store the span with the current validator set. */
#include <stdlib.h>
#include <string.h>

#include <bts/dlvspan.h>

#include "dlv_app_int.h"

/* The sdk selection switches algorithm at the mainnet constant; a network configured with
 * another switch height (dev genesis) is mapped onto it. */
static uint64_t selection_height(const struct dlv_application *a, uint64_t h)
{
    if (h >= a->p.new_select_height)
        return h > BTS_DLVSPAN_NEW_SELECT_HEIGHT ? h : BTS_DLVSPAN_NEW_SELECT_HEIGHT;
    return h < BTS_DLVSPAN_NEW_SELECT_HEIGHT ? h : BTS_DLVSPAN_NEW_SELECT_HEIGHT - 1;
}

bt_status dlv_build_span(struct dlv_application *a, const struct dlv_msg_propose_span *m,
                         const uint8_t seed[32], uint64_t height, int committed,
                         struct dlv_span_rec *out)
{
    struct dlv_validator *cur = NULL;
    size_t n = 0;
    struct dlv_span_rec s;
    memset(&s, 0, sizeof s);
    bts_valset_init(&s.set);
    bt_status st = dlv_current_validators(a, &cur, &n, committed);
    /* spanEligible = current and not exiting (§4.3.1). */
    size_t ne = 0;
    for (size_t i = 0; st == BT_OK && i < n; i++)
        if (cur[i].end_epoch == 0)
            cur[ne++] = cur[i];
    struct bts_dlvspan_val *vals = NULL, *prod = NULL;
    size_t np = 0;
    if (st == BT_OK && ne == 0)
        st = BT_EINVAL;
    if (st == BT_OK && (!(vals = calloc(ne, sizeof *vals)) || !(prod = calloc(ne, sizeof *prod))))
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < ne; i++) {
        vals[i].id = cur[i].id;
        vals[i].power = cur[i].power;
        memcpy(vals[i].signer, cur[i].signer, 20);
    }
    if (st == BT_OK)
        st = bts_dlvspan_select_producers(prod, ne, &np, seed, vals, ne, a->p.producer_count,
                                          selection_height(a, height));
    if (st == BT_OK && np && !(s.producers = calloc(np, sizeof *s.producers)))
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < np; i++) {
        size_t j = 0;
        while (j < ne && cur[j].id != prod[i].id)
            j++;
        s.producers[i] = cur[j < ne ? j : 0];
        s.producers[i].power = prod[i].power;
    }
    s.n_producers = np;
    /* The span carries the current Delivery validator set, accums included. */
    if (st == BT_OK)
        st = dlv_get_valset(a, &s.set, committed);
    if (st == BT_OK && s.set.n && !(s.set_vals = calloc(s.set.n, sizeof *s.set_vals)))
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < s.set.n; i++)
        st = dlv_get_validator(a, s.set.v[i].address, &s.set_vals[i], committed);
    if (st == BT_OK) {
        s.id = m->span_id;
        s.start_block = m->start_block;
        s.end_block = m->end_block;
        memcpy(s.bor_chain_id, m->bor_chain_id, sizeof s.bor_chain_id);
    }
    free(vals);
    free(prod);
    free(cur);
    if (st != BT_OK) {
        dlv_span_rec_free(&s);
        return st;
    }
    *out = s;
    return BT_OK;
}

bt_status dlv_freeze_span(struct dlv_application *a, const struct dlv_msg_propose_span *m,
                          const uint8_t seed[32])
{
    struct dlv_span_rec s;
    bt_status st = dlv_build_span(a, m, seed, a->cur_height, 0, &s);
    if (st != BT_OK)
        return st;
    st = dlv_put_span(a, &s);
    dlv_span_rec_free(&s);
    if (st == BT_OK) {
        struct dlv_key k;
        uint64_t last_eth = 0;
        dlv_key_init(&k, DLV_T_LAST_ETH);
        if (dlv_get_u64(a, &k, &last_eth, 0) != BT_OK)
            last_eth = 0;
        st = dlv_put_u64(a, &k, last_eth + 1);
    }
    return st;
}
