/* The chain's pool front (eth_sendRawTransaction), events for subscribers, sync status,
 * counters and the ABI view of headers (chain_int.h). */
#include "chain_priv.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log_int.h"

/* --- pool ------------------------------------------------------------------------------------ */

struct txpool *chain_txpool(struct chain *c)
{
    return c->pool;
}

bt_status chain_submit_tx(struct chain *c, const uint8_t *raw, size_t raw_len,
                          struct txpool_added *out)
{
    struct txpool_added a;
    bt_status rc = txpool_add(c->pool, raw, raw_len, &a);
    if (rc != BT_OK)
        return rc;
    if (out)
        *out = a;
    if (a.is_pending) {
        const struct txpool_tx *t = txpool_get(c->pool, a.hash.bytes);
        struct chain_event ev = {.kind = CHAIN_EV_PENDING_TX, .tx = t};
        if (t)
            chain_emit(c, &ev);
        chain_reschedule(c);
    }
    return BT_OK;
}

void chain_submit_begin(struct chain *c)
{
    txpool_journal_hold(c->pool);
}

bt_status chain_submit_end(struct chain *c)
{
    return txpool_journal_release(c->pool);
}

void chain_rejournal_due(struct chain *c)
{
    if (!c->o.journal_path)
        return;
    double now = chain_now_ms();
    uint64_t every = c->o.rejournal_ms ? c->o.rejournal_ms : CHAIN_REJOURNAL_MS;
    if (now - c->rejournal_at < (double)every)
        return;
    c->rejournal_at = now;
    char err[256] = "";
    if (txpool_journal_rotate(c->pool, err, sizeof(err)) != BT_OK)
        hlog(BT_LOG_WARN, "txpool journal rewrite failed", "err=%s", LOG_Q(err));
}

/* --- events and sync ------------------------------------------------------------------------- */

bt_status chain_subscribe(struct chain *c, chain_event_fn fn, void *arg, uint64_t *out_id)
{
    if (c->n_subs == c->cap_subs) {
        size_t cap = c->cap_subs ? 2 * c->cap_subs : 4;
        struct chain_sub *s = realloc(c->subs, cap * sizeof(*s));
        if (!s)
            return BT_ENOMEM;
        c->subs = s;
        c->cap_subs = cap;
    }
    c->subs[c->n_subs] = (struct chain_sub){c->next_sub_id++, fn, arg};
    *out_id = c->subs[c->n_subs++].id;
    return BT_OK;
}

bt_status chain_unsubscribe(struct chain *c, uint64_t id)
{
    for (size_t i = 0; i < c->n_subs; i++) {
        if (c->subs[i].id == id) {
            memmove(&c->subs[i], &c->subs[i + 1], (c->n_subs - i - 1) * sizeof(*c->subs));
            c->n_subs--;
            return BT_OK;
        }
    }
    return BT_ENOTFOUND;
}

void chain_emit(struct chain *c, const struct chain_event *ev)
{
    /* By id, so a callback may unsubscribe itself (or another) while we walk. */
    uint64_t last = 0;
    for (;;) {
        struct chain_sub *next = NULL;
        for (size_t i = 0; i < c->n_subs; i++)
            if (c->subs[i].id > last && (!next || c->subs[i].id < next->id))
                next = &c->subs[i];
        if (!next)
            return;
        last = next->id;
        next->fn(next->arg, ev);
    }
}

double chain_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void chain_get_stats(const struct chain *c, struct chain_stats *out)
{
    *out = c->stats;
}

void chain_sync_status(const struct chain *c, struct chain_sync *out)
{
    *out = c->sync;
    if (!out->is_syncing)
        out->current_block = c->head.h.number;
}

void chain_bt_header(const struct chain_header *hd, struct bt_header *out)
{
    const struct bts_header *h = &hd->h;
    memset(out, 0, sizeof(*out));
    out->struct_size = sizeof(*out);
    memcpy(out->hash, hd->hash, 32);
    memcpy(out->parent_hash, h->parent_hash.bytes, 32);
    memcpy(out->uncle_hash, h->uncle_hash.bytes, 32);
    memcpy(out->coinbase, h->coinbase.bytes, 20);
    memcpy(out->state_root, h->state_root.bytes, 32);
    memcpy(out->tx_root, h->tx_root.bytes, 32);
    memcpy(out->receipt_root, h->receipt_root.bytes, 32);
    memcpy(out->bloom, h->bloom, 256);
    bts_u256_store_be(out->difficulty, &h->difficulty);
    out->number = h->number;
    out->gas_limit = h->gas_limit;
    out->gas_used = h->gas_used;
    out->time = h->time;
    out->extra = h->extra;
    out->extra_len = h->extra_len;
    memcpy(out->mix_digest, h->mix_hash.bytes, 32);
    memcpy(out->nonce, h->nonce, 8);
    out->has_base_fee = h->n_optional >= BTS_HEADER_OPT_BASE_FEE;
    bts_u256_store_be(out->base_fee, &h->base_fee);
    out->rlp = hd->rlp;
    out->rlp_len = hd->rlp_len;
}
