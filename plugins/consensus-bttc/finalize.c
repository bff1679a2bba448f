/* consensus-bttc: end-of-block rules (PROTOCOL.md §3.6): at a sprint start commitSpan when the
 * span changes (§3.7) then commitState for the state-sync records (§3.9), as system calls; then
 * BlockAlloc code swaps. No block reward. */
#include <stdlib.h>
#include <string.h>

#include <bts/log.h>

#include "bttc_int.h"

#define SYS_GAS ((uint64_t)INT64_MAX)

int bttc_need_commit_span(const struct bttc_params *p, uint64_t span_end, uint64_t number)
{
    if (span_end == 0)
        return 1;
    return span_end > p->sprint && span_end - p->sprint + 1 == number;
}

static bt_status syscall(struct bttc *b, const struct bt_block_state_ops *ops, void *state,
                         const uint8_t to[20], const struct bts_buf *data, const char *what,
                         uint64_t number)
{
    uint32_t reverted = 0;
    bt_status st = ops->system_call(state, to, data->data, data->len, SYS_GAS, NULL, &reverted);
    if (st != BT_OK)
        return bttc_fail(b, st, "%s at block %llu: state failure", what,
                         (unsigned long long)number);
    if (reverted) /* upstream swallows the revert (§3.6) */
        b->host->log(b->hctx, BT_LOG_WARN, "system call reverted", "call=%s number=%llu", what,
                     (unsigned long long)number);
    return BT_OK;
}

static bt_status commit_span(struct bttc *b, const struct bts_header *h,
                             const struct bt_block_state_ops *ops, void *state)
{
    uint64_t id, start, end;
    bt_status st = bttc_call_current_span(b, h->parent_hash.bytes, &id, &start, &end);
    if (st != BT_OK)
        return st;
    if (!bttc_need_commit_span(&b->p, end, h->number))
        return BT_OK;
    if (!b->src)
        return bttc_fail(b, BT_ENOTFOUND, "span %llu needed at block %llu but no span source",
                         (unsigned long long)(id + 1), (unsigned long long)h->number);
    struct bts_span s;
    st = b->src->span(b->src_self, id + 1, &s);
    if (st != BT_OK)
        return bttc_fail(b, st, "span %llu needed at block %llu: %s", (unsigned long long)(id + 1),
                         (unsigned long long)h->number,
                         st == BT_EBUSY ? "being fetched" : bts_status_str(st));
    if (strcmp(s.chain_id, b->p.chain_id_str) != 0) {
        st = bttc_fail(b, BT_EPROTO, "span %llu is for chain %s, not %s", (unsigned long long)s.id,
                       s.chain_id, b->p.chain_id_str);
        bts_span_free(&s);
        return st;
    }
    struct bts_buf data;
    bts_buf_init(&data);
    st = bts_span_commit_calldata(&data, &s);
    if (st == BT_OK)
        st = syscall(b, ops, state, b->p.validator_contract, &data, "commitSpan", h->number);
    /* Once per span and block: a block whose finalize waits for records is built again. */
    if (st == BT_OK && (b->span_logged_id != s.id || b->span_logged_at != h->number)) {
        b->span_logged_id = s.id;
        b->span_logged_at = h->number;
        b->host->log(b->hctx, BT_LOG_INFO, "span committed",
                     "span=%llu start=%llu end=%llu number=%llu", (unsigned long long)s.id,
                     (unsigned long long)s.start_block, (unsigned long long)s.end_block,
                     (unsigned long long)h->number);
    }
    bts_buf_free(&data);
    bts_span_free(&s);
    return st;
}

/* sort.SliceStable by id: records with equal ids keep the order Delivery sent them in (the
 * first is committed, later ones are skipped as already seen), so ties break on position. */
struct rec_pos {
    uint64_t id;
    size_t pos;
};

static int cmp_rec(const void *a, const void *b)
{
    const struct rec_pos *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bt_status sort_stable(struct bts_event_list *l)
{
    if (l->n < 2)
        return BT_OK;
    struct rec_pos *k = malloc(l->n * sizeof(*k));
    struct bts_event_record *v = malloc(l->n * sizeof(*v));
    if (!k || !v) {
        free(k);
        free(v);
        return BT_ENOMEM;
    }
    for (size_t i = 0; i < l->n; i++) {
        k[i].id = l->v[i].id;
        k[i].pos = i;
    }
    qsort(k, l->n, sizeof(*k), cmp_rec);
    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[k[i].pos];
    free(l->v);
    l->v = v;
    free(k);
    return BT_OK;
}

static bt_status commit_states(struct bttc *b, const struct bts_header *h,
                               const struct bt_block_state_ops *ops, void *state)
{
    uint64_t last;
    bt_status st = bttc_call_last_state_id(b, h->parent_hash.bytes, &last);
    if (st != BT_OK)
        return st;
    struct bttc_hdr from;
    st = bttc_header_by_number(b, h->number - b->p.sprint, &from);
    if (st != BT_OK)
        return bttc_fail(b, st, "header %llu needed for state sync",
                         (unsigned long long)(h->number - b->p.sprint));
    int64_t to = (int64_t)from.h.time;
    bttc_hdr_free(&from);
    if (!b->src)
        return BT_OK; /* upstream's WithoutHeimdall: no state sync */
    struct bts_event_list recs = {0};
    st = b->src->event_records(b->src_self, last + 1, to, &recs);
    if (st != BT_OK)
        return bttc_fail(b, st, "state-sync records from %llu needed at block %llu: %s",
                         (unsigned long long)(last + 1), (unsigned long long)h->number,
                         st == BT_EBUSY ? "being fetched" : bts_status_str(st));
    st = sort_stable(&recs);
    size_t n = recs.n;
    for (size_t i = 0; i < b->p.n_overrides; i++)
        if (b->p.override_keys[i] == h->number && b->p.override_vals[i] < n)
            n = (size_t)b->p.override_vals[i];
    for (size_t i = 0; i < n && st == BT_OK; i++) {
        const struct bts_event_record *r = &recs.v[i];
        if (r->id <= last)
            continue;
        if (r->id != last + 1 || strcmp(r->chain_id, b->p.chain_id_str) != 0 ||
            !(r->record_time < to)) {
            b->host->log(b->hctx, BT_LOG_WARN, "state sync record refused",
                         "id=%llu want=%llu chain=%s record_time=%lld to=%lld",
                         (unsigned long long)r->id, (unsigned long long)(last + 1),
                         BTS_LOG_Q(r->chain_id), (long long)r->record_time, (long long)to);
            break;
        }
        struct bts_buf data;
        bts_buf_init(&data);
        st = bts_event_commit_calldata(&data, r);
        if (st == BT_OK)
            st = syscall(b, ops, state, b->p.state_receiver, &data, "commitState", h->number);
        bts_buf_free(&data);
        last++;
    }
    bts_event_list_free(&recs);
    return st;
}

bt_status bttc_finalize(void *self, const struct bt_header *abi_h,
                        const struct bt_block_state_ops *ops, void *state)
{
    struct bttc *b = self;
    struct bttc_hdr hd;
    if (!abi_h->rlp || bttc_hdr_from_rlp(&hd, abi_h->rlp, abi_h->rlp_len) != BT_OK) {
        /* During production the header is not encoded yet: work from the decoded fields. */
        memset(&hd, 0, sizeof(hd));
        hd.h.number = abi_h->number;
        memcpy(hd.h.parent_hash.bytes, abi_h->parent_hash, 32);
        hd.h.time = abi_h->time;
    }
    bt_status st = BT_OK;
    if (hd.h.number > 0 && hd.h.number % b->p.sprint == 0) {
        st = commit_span(b, &hd.h, ops, state);
        if (st == BT_OK)
            st = commit_states(b, &hd.h, ops, state);
    }
    for (size_t i = 0; st == BT_OK && i < b->p.n_allocs; i++) {
        const struct bttc_alloc *a = &b->p.allocs[i];
        if (a->number == hd.h.number)
            st = ops->set_code(state, a->address, a->code, a->code_len);
    }
    bttc_hdr_free(&hd);
    return st;
}
