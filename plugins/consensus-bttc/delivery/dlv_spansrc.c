/* The in-process span and event-record source (borspan.h `bttc/span-source`) over the
 * application's committed state, so the producer half reads spans and records without REST. */
#include <stdlib.h>
#include <string.h>

#include "dlv_app_int.h"

static void to_span_val(struct bts_span_validator *o, const struct dlv_validator *v, int64_t accum)
{
    o->id = v->id;
    o->power = v->power;
    memcpy(o->signer, v->signer, 20);
    o->accum = accum;
}

static bt_status src_span(void *self, uint64_t id, struct bts_span *out)
{
    struct dlv_application *a = self;
    struct dlv_span_rec s;
    memset(out, 0, sizeof *out);
    if (!a->have_genesis)
        return BT_ENOTFOUND;
    bt_status st = dlv_get_span(a, id, &s, 1);
    if (st != BT_OK)
        return st == BT_ENOTFOUND ? BT_ENOTFOUND : BT_EIO;
    out->id = s.id;
    out->start_block = s.start_block;
    out->end_block = s.end_block;
    memcpy(out->chain_id, s.bor_chain_id, sizeof out->chain_id);
    out->validators = calloc(s.set.n ? s.set.n : 1, sizeof *out->validators);
    out->producers = calloc(s.n_producers ? s.n_producers : 1, sizeof *out->producers);
    if (!out->validators || !out->producers) {
        dlv_span_rec_free(&s);
        bts_span_free(out);
        return BT_ENOMEM;
    }
    for (size_t i = 0; i < s.set.n; i++)
        to_span_val(&out->validators[i], &s.set_vals[i], s.set.v[i].priority);
    out->n_validators = s.set.n;
    for (size_t i = 0; i < s.n_producers; i++) {
        long idx = bts_valset_find(&s.set, s.producers[i].signer);
        to_span_val(&out->producers[i], &s.producers[i], idx >= 0 ? s.set.v[idx].priority : 0);
    }
    out->n_producers = s.n_producers;
    dlv_span_rec_free(&s);
    return BT_OK;
}

static bt_status src_records(void *self, uint64_t from_id, int64_t to_time,
                             struct bts_event_list *out)
{
    struct dlv_application *a = self;
    if (!a->have_genesis)
        return BT_OK;
    for (uint64_t id = from_id ? from_id : 1;; id++) {
        struct dlv_record r;
        if (dlv_get_record(a, id, &r, 1) != BT_OK)
            break;
        if ((int64_t)(r.record_time_ms / 1000) >= to_time) {
            dlv_record_free(&r);
            break;
        }
        struct bts_event_record e;
        memset(&e, 0, sizeof e);
        e.id = r.id;
        memcpy(e.contract, r.contract, 20);
        e.data = r.data;
        e.data_len = r.data_len;
        memcpy(e.tx_hash, r.tx_hash, 32);
        e.log_index = r.log_index;
        memcpy(e.chain_id, r.bor_chain_id, sizeof e.chain_id);
        e.record_time = (int64_t)(r.record_time_ms / 1000);
        bt_status st = bts_event_list_push(out, &e);
        dlv_record_free(&r);
        if (st != BT_OK)
            return st;
    }
    return BT_OK;
}

static const struct bts_span_source_iface span_source = {
    .struct_size = sizeof(struct bts_span_source_iface),
    .span = src_span,
    .event_records = src_records,
};

const struct bts_span_source_iface *dlv_app_span_source(void)
{
    return &span_source;
}
