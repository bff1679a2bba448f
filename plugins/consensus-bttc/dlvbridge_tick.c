/* dlvbridge.h: the periodic checks — checkpoint no-ack (§4.6.8), checkpoint sync ETH/BSC →
 * TRON (§4.7) and the span proposer (§4.5.1 "Bridge policy", bridge/dlvb_span.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

#include "bttc_int.h"
#include "dlv_app_int.h"
#include "dlv_query.h"
#include "dlvb_msgs.h"
#include "dlvb_span.h"
#include "dlvbridge.h"

/* --- no-ack ------------------------------------------------------------------------------------
 */

/* Whether this validator is in the current Delivery validator set. */
static int in_valset(struct bttc_dlvb *x)
{
    struct bts_valset vs;
    bts_valset_init(&vs);
    int yes =
        x->has_key && dlv_app_valset(x->app, &vs) == BT_OK && bts_valset_find(&vs, x->me) >= 0;
    bts_valset_free(&vs);
    return yes;
}

/* Due (dlvb_noack_due): any validator of the current set sends it, also at the first due time
 * (no checkpoint yet): upstream v1.0.9 asks util.IsValidator, not the next proposers
 * (bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpoint.go handleCheckpointNoAck,
 * bridge/setu/util/common.go IsValidator). The app takes the first and refuses the others
 * within the buffer time ("too many no-acks"). */
static void on_noack(void *arg, bt_status st, int due, uint64_t count)
{
    struct bttc_dlvb_call *c = arg;
    struct bttc_dlvb *x = c->x;
    enum dlv_root root = c->root;
    bttc_dlvb_call_end(c);
    if (!x || st != BT_OK || !due || !x->started)
        return;
    if (!in_valset(x))
        return;
    struct dlv_msg m;
    memset(&m, 0, sizeof m);
    m.type = DLV_MSG_CHECKPOINT_NOACK;
    memcpy(m.u.noack.from, x->me, 20);
    st = bttc_dlvb_send(x, &m);
    /* refused by check_tx: another validator's no-ack came first */
    x->host->log(x->hctx, st == BT_OK ? BT_LOG_INFO : BT_LOG_DEBUG, "bridge checkpoint no-ack",
                 "root=%s count=%llu status=%d", dlv_root_name(root), (unsigned long long)count,
                 (int)st);
}

/* The RootChain the no-ack reads: TRON's (upstream v1.0.9 getLatestTronCheckpointTime,
 * bridge/setu/processor/troncheckpoint.go), or, on a network without TRON (an ETH-only dev
 * net), the first root with a RootChain: the Delivery handler then sees no TRON checkpoint, so
 * only this timer's reading paces the no-acks. */
static struct bttc_dlvb_root *noack_root(struct bttc_dlvb *x, const uint8_t **out_rc)
{
    static const uint8_t zero[20];
    struct bttc_dlvb_root *tron = bttc_dlvb_root_of(x, DLV_ROOT_TRON);
    if (tron) {
        *out_rc = x->app->p.root[DLV_ROOT_TRON].root_chain;
        return memcmp(*out_rc, zero, 20) ? tron : NULL;
    }
    for (size_t i = 0; i < x->n_roots; i++) {
        *out_rc = x->app->p.root[x->roots[i].root].root_chain;
        if (memcmp(*out_rc, zero, 20))
            return &x->roots[i];
    }
    return NULL;
}

void bttc_dlvb_noack_tick(void *arg)
{
    struct bttc_dlvb *x = arg;
    const uint8_t *rc = NULL;
    struct bttc_dlvb_root *tron = noack_root(x, &rc);
    if (!tron)
        return;
    uint64_t last_noack = 0;
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_LAST_NOACK);
    if (dlv_get_u64(x->app, &k, &last_noack, 1) != BT_OK)
        last_noack = 0;
    /* on_noack ends a call record (it used to get the bridge itself, which it then freed: every
     * validator crashed at the first checkpoint_poll_interval); the record also lets an answer
     * that comes after the bridge is freed find it gone. */
    struct bttc_dlvb_call *call = bttc_dlvb_call_new(x, tron->root);
    if (!call)
        return;
    bt_status st = dlvb_noack_check(
        tron->ad.vt, tron->ad.self, rc, x->host->wall_ms(x->hctx) / 1000, last_noack,
        x->noack_wait_ms / 1000, x->app->p.checkpoint_buffer_time, on_noack, call);
    if (st != BT_OK) {
        bttc_dlvb_call_end(call);
        x->host->log(x->hctx, BT_LOG_DEBUG, "bridge no-ack check refused", "status=%d", (int)st);
    }
}

/* --- checkpoint sync ETH/BSC → TRON ------------------------------------------------------------
 */

static void on_sync(void *arg, bt_status st, const struct dlvb_sync_proposal *p)
{
    struct bttc_dlvb_call *c = arg;
    struct bttc_dlvb *x = c->x;
    bttc_dlvb_call_end(c);
    if (!x || st != BT_OK || !p || !x->started)
        return;
    struct dlv_msg m;
    if ((st = dlvb_sync_to_msg(&m, p, x->me)) == BT_OK)
        st = bttc_dlvb_send(x, &m);
    enum dlv_root r;
    if (dlvb_root_of(&r, p->root_type) != BT_OK)
        r = DLV_ROOT_ETH; /* only for the log line */
    x->host->log(x->hctx, st == BT_OK ? BT_LOG_INFO : BT_LOG_DEBUG,
                 st == BT_OK ? "bridge checkpoint sync proposed" : "bridge checkpoint sync skipped",
                 "root=%s number=%llu start=%llu end=%llu status=%d", dlv_root_name(r),
                 (unsigned long long)p->number, (unsigned long long)p->start,
                 (unsigned long long)p->end, (int)st);
    dlv_msg_free(&m);
}

void bttc_dlvb_sync_tick(void *arg)
{
    struct bttc_dlvb *x = arg;
    struct bttc_dlvb_root *tron = bttc_dlvb_root_of(x, DLV_ROOT_TRON);
    const uint8_t *sm = x->app->p.root[DLV_ROOT_TRON].stake_manager;
    if (!tron || !memcmp(sm, (const uint8_t[20]){0}, 20) || !bttc_dlvb_is_proposer(x, 1))
        return;
    uint64_t now = x->host->wall_ms(x->hctx) / 1000;
    for (size_t i = 0; i < x->n_roots; i++) {
        struct bttc_dlvb_root *r = &x->roots[i];
        const uint8_t *rc = x->app->p.root[r->root].root_chain;
        if (r->root == DLV_ROOT_TRON || !memcmp(rc, (const uint8_t[20]){0}, 20))
            continue;
        struct dlv_checkpoint c;
        if (dlv_get_checkpoint(x->app, DLV_T_SYNC_BUFFER, r->root, 0, &c, 1) == BT_OK &&
            c.timestamp + x->app->p.checkpoint_buffer_time / 5 > now)
            continue; /* a young sync is still buffered */
        struct dlvb_sync_req q = {.tron_vt = tron->ad.vt,
                                  .tron_self = tron->ad.self,
                                  .vt = r->ad.vt,
                                  .self = r->ad.self,
                                  .root_type = r->ad.chain_type};
        memcpy(q.tron_stake_manager, sm, 20);
        memcpy(q.root_chain, rc, 20);
        struct bttc_dlvb_call *call = bttc_dlvb_call_new(x, r->root);
        if (!call)
            return;
        bt_status st = dlvb_sync_check(&q, on_sync, call);
        if (st != BT_OK)
            bttc_dlvb_call_end(call);
        if (st != BT_OK)
            x->host->log(x->hctx, BT_LOG_DEBUG, "bridge checkpoint sync refused",
                         "root=%s status=%d", dlv_root_name(r->root), (int)st);
    }
}

/* --- spans -------------------------------------------------------------------------------------
 */

/* /bor/prepare-next-span over the committed state with the seed: the producers' signers. */
static bt_status preview(void *arg, const struct dlvb_span_state *s, const uint8_t seed[32],
                         uint8_t (*out)[20], size_t cap, size_t *out_n)
{
    struct bttc_dlvb *x = arg;
    char q[160];
    snprintf(q, sizeof q, "span_id=%llu&start_block=%llu&chain_id=%s",
             (unsigned long long)(s->last_id + 1), (unsigned long long)(s->last_end + 1),
             s->bor_chain_id);
    uint32_t status = 0;
    struct bts_buf body = BTS_BUF_INIT;
    bt_status st = dlv_query_prepare_span(x->app, q, seed, &status, &body);
    json_t *j = st == BT_OK && status == 200
                    ? json_loadb((const char *)body.data, body.len, 0, NULL)
                    : NULL;
    bts_buf_free(&body);
    if (st != BT_OK)
        return st;
    const json_t *prods = json_object_get(json_object_get(j, "result"), "selected_producers");
    if (!json_is_array(prods)) {
        json_decref(j);
        return BT_EIO;
    }
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(prods) && n < cap; i++) {
        const char *sg = json_string_value(json_object_get(json_array_get(prods, i), "signer"));
        if (sg && bts_hex_parse_address(out[n], sg, strlen(sg)) == BT_OK)
            n++;
    }
    json_decref(j);
    *out_n = n;
    return BT_OK;
}

static void on_span(void *arg, bt_status st, const struct dlv_msg *m)
{
    struct bttc_dlvb *x = arg;
    if (!x->started)
        return;
    if (st != BT_OK) {
        x->host->log(x->hctx, BT_LOG_WARN, "bridge span not proposed", "status=%d", (int)st);
        return;
    }
    if (!m)
        return; /* not a producer of the next span */
    st = bttc_dlvb_send(x, m);
    char seed[67];
    size_t n;
    if (bts_hex_encode(seed, sizeof seed, &n, m->u.span.seed, 32, BTS_HEX_0X) != BT_OK)
        seed[0] = 0;
    if (st == BT_OK && x->m_spans)
        x->host->metric_update(x->hctx, x->m_spans, 1);
    x->host->log(x->hctx, st == BT_OK ? BT_LOG_INFO : BT_LOG_DEBUG,
                 st == BT_OK ? "bridge span proposed" : "bridge span skipped",
                 "span_id=%llu start=%llu end=%llu seed=%s status=%d",
                 (unsigned long long)m->u.span.span_id, (unsigned long long)m->u.span.start_block,
                 (unsigned long long)m->u.span.end_block, seed, (int)st);
}

void bttc_dlvb_span_tick(void *arg)
{
    struct bttc_dlvb *x = arg;
    struct dlv_span_rec last;
    memset(&last, 0, sizeof last);
    if (!x->oracle || dlv_latest_span(x->app, &last, 1) != BT_OK)
        return;
    struct dlvb_span_state s = {.last_id = last.id,
                                .last_start = last.start_block,
                                .last_end = last.end_block,
                                .span_duration = x->app->p.span_duration,
                                .seed_block = dlv_query_seed_block(x->app)};
    snprintf(s.bor_chain_id, sizeof s.bor_chain_id, "%s", x->app->p.bor_chain_id);
    dlv_span_rec_free(&last);
    uint64_t head = x->head;
    uint8_t hash[32];
    if (!head && x->b->chain)
        (void)x->b->chain->head(x->b->chain_self, &head, hash);
    bt_status st =
        dlvb_span_check(&s, head, x->me, &dlvb_oracle_iface, x->oracle, preview, x, on_span, x);
    if (st != BT_OK && st != BT_EBUSY)
        x->host->log(x->hctx, BT_LOG_DEBUG, "bridge span check refused", "status=%d", (int)st);
}
