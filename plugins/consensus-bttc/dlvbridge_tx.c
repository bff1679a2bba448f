/* dlvbridge.h: what the bridge sends — events as msgs, checkpoint proposals, no-acks, checkpoint
 * syncs and spans into the Delivery mempool, and committed side msgs to the root chains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/dlvside.h>
#include <bts/hex.h>

#include "bttc_int.h"
#include "dlv_app_int.h"
#include "dlv_query.h"
#include "dlvb_msgs.h"
#include "dlvb_span.h"
#include "dlvbridge.h"

static void hex32(char out[67], const uint8_t b[32])
{
    size_t n;
    if (bts_hex_encode(out, 67, &n, b, 32, BTS_HEX_0X) != BT_OK)
        out[0] = 0;
}

static void metric(struct bttc_dlvb *x, uint32_t id)
{
    if (id)
        x->host->metric_update(x->hctx, id, 1);
}

bt_status bttc_dlvb_send(struct bttc_dlvb *x, const struct dlv_msg *m)
{
    if (!x->has_key || !x->node)
        return BT_ENOTSUP;
    const char *chain_id = dlv_app_chain_id(x->app);
    uint8_t digest[32];
    struct dlv_tx tx;
    memset(&tx, 0, sizeof tx);
    bt_status st = chain_id ? dlv_tx_digest(digest, m, chain_id) : BT_EINVAL;
    if (st == BT_OK)
        st = x->host->sign(x->hctx, tx.sig, x->key_id, digest);
    if (st != BT_OK)
        return st;
    tx.msg = *m; /* borrowed: not freed here */
    memcpy(tx.from, x->me, 20);
    struct bts_buf buf = BTS_BUF_INIT;
    if ((st = dlv_tx_encode(&buf, &tx)) == BT_OK)
        st = dlv_node_submit_tx(x->node, buf.data, buf.len);
    bts_buf_free(&buf);
    return st;
}

/* --- root-chain events ----------------------------------------------------------------------- */

/* A relayed event is sent again this often until the app applies it (a side tx is decided two
 * heights, about 2 s, after its block), and forgotten after RELAY_TRIES sends. */
#define RELAY_RETRY_MS 10000
#define RELAY_TRIES    30
#define RELAY_MAX      4096

static void relay_keep(struct bttc_dlvb *x, enum dlv_root root, const struct dlvb_event *ev,
                       const struct dlv_msg *m)
{
    for (struct bttc_dlvb_relay *q = x->relays; q; q = q->next)
        if (q->log_index == ev->log_index && !memcmp(q->tx_hash, ev->tx_hash, 32))
            return; /* already followed */
    if (x->n_relays >= RELAY_MAX)
        return;
    struct bttc_dlvb_relay *q = calloc(1, sizeof *q);
    if (!q)
        return;
    if (dlv_msg_copy(&q->msg, m) != BT_OK) {
        free(q);
        return;
    }
    memcpy(q->tx_hash, ev->tx_hash, 32);
    q->log_index = ev->log_index;
    q->root = root;
    q->tries = 1;
    q->next_ms = x->host->now_ms(x->hctx) + RELAY_RETRY_MS;
    q->next = x->relays;
    x->relays = q;
    x->n_relays++;
}

void bttc_dlvb_relay_tick(void *arg)
{
    struct bttc_dlvb *x = arg;
    uint64_t now = x->host->now_ms(x->hctx);
    for (struct bttc_dlvb_relay **pp = &x->relays; *pp;) {
        struct bttc_dlvb_relay *q = *pp;
        if (now < q->next_ms) {
            pp = &q->next;
            continue;
        }
        /* BT_EEXIST: still in the mempool, wait; any other refusal is check_tx's: the app has
         * it (acked, record or sequence stored) or it went stale, so stop following it */
        bt_status st = bttc_dlvb_send(x, &q->msg);
        int keep = (st == BT_OK || st == BT_EEXIST) && q->tries < RELAY_TRIES;
        if (st == BT_OK) {
            char tx[67];
            hex32(tx, q->tx_hash);
            q->tries++;
            x->host->log(x->hctx, BT_LOG_INFO, "bridge event re-relayed",
                         "root=%s type=%s log_index=%u tx=%s tries=%u", dlv_root_name(q->root),
                         dlv_msg_type_name(q->msg.type), q->log_index, tx, q->tries);
        }
        q->next_ms = now + RELAY_RETRY_MS;
        if (keep) {
            pp = &q->next;
            continue;
        }
        *pp = q->next;
        x->n_relays--;
        dlv_msg_free(&q->msg);
        free(q);
    }
}

void bttc_dlvb_relay_free(struct bttc_dlvb *x)
{
    while (x->relays) {
        struct bttc_dlvb_relay *q = x->relays;
        x->relays = q->next;
        dlv_msg_free(&q->msg);
        free(q);
    }
    x->n_relays = 0;
}

bt_status bttc_dlvb_on_event(void *arg, const struct dlvb_event *ev)
{
    struct bttc_dlvb_root *r = arg;
    struct bttc_dlvb *x = r->x;
    char tx[67];
    hex32(tx, ev->tx_hash);
    if (x->oracle)
        dlvb_oracle_note_log(x->oracle, r->root, ev->tx_hash, ev->log_index, ev->block_number);
    struct dlv_msg m;
    bt_status st = dlvb_event_to_msg(&m, ev, x->me, x->app->p.bor_chain_id);
    if (st == BT_ENOMEM)
        return st; /* the window is retried */
    if (st != BT_OK) {
        x->host->log(x->hctx, BT_LOG_WARN, "bridge event dropped",
                     "root=%s event=%s block=%llu log_index=%u tx=%s status=%d",
                     dlv_root_name(r->root), dlvb_event_name(ev->kind),
                     (unsigned long long)ev->block_number, ev->log_index, tx, (int)st);
        return BT_OK;
    }
    st = bttc_dlvb_send(x, &m);
    const char *type = dlv_msg_type_name(m.type);
    if (st == BT_OK || st == BT_EEXIST)
        relay_keep(x, r->root, ev, &m);
    if (st == BT_OK) {
        metric(x, x->m_events);
        x->host->log(x->hctx, BT_LOG_INFO, "bridge event relayed",
                     "root=%s event=%s block=%llu log_index=%u tx=%s type=%s",
                     dlv_root_name(r->root), dlvb_event_name(ev->kind),
                     (unsigned long long)ev->block_number, ev->log_index, tx, type);
    } else {
        /* check_tx refused it: the app has it already (acked, record stored) or it is stale */
        x->host->log(x->hctx, BT_LOG_DEBUG, "bridge event skipped",
                     "root=%s event=%s block=%llu log_index=%u tx=%s type=%s status=%d",
                     dlv_root_name(r->root), dlvb_event_name(ev->kind),
                     (unsigned long long)ev->block_number, ev->log_index, tx, type, (int)st);
    }
    dlv_msg_free(&m);
    return BT_OK;
}

/* --- checkpoint proposals -------------------------------------------------------------------- */

/* A proposal for the same start is not sent again for this long (the first one may still be on
 * its way through the side-tx vote, which buffers it only at H+2). */
#define RESEND_MS 20000

void bttc_dlvb_on_proposal(void *arg, const struct dlvb_proposal *p)
{
    struct bttc_dlvb *x = arg;
    enum dlv_root r;
    if (dlvb_root_of(&r, p->root_type) != BT_OK)
        return;
    uint64_t now = x->host->now_ms(x->hctx);
    if (x->sent_start[r] == p->start + 1 && now - x->sent_at[r] < RESEND_MS)
        return;
    struct dlv_msg m;
    uint64_t epoch = dlv_ack_count(x->app, DLV_ROOT_TRON, 1) + 1;
    bt_status st = dlvb_proposal_to_msg(&m, p, x->me, x->app->p.bor_chain_id, epoch);
    if (st == BT_OK)
        st = bttc_dlvb_send(x, &m);
    char root[67];
    hex32(root, p->root_hash);
    if (st == BT_OK) {
        x->sent_start[r] = p->start + 1;
        x->sent_at[r] = now;
        metric(x, x->m_proposed);
    }
    x->host->log(x->hctx, st == BT_OK ? BT_LOG_INFO : BT_LOG_WARN,
                 st == BT_OK ? "bridge checkpoint proposed" : "bridge checkpoint not proposed",
                 "root=%s start=%llu end=%llu root_hash=%s epoch=%llu status=%d", dlv_root_name(r),
                 (unsigned long long)p->start, (unsigned long long)p->end, root,
                 (unsigned long long)epoch, (int)st);
    dlv_msg_free(&m);
}

/* --- calls in flight -------------------------------------------------------------------------- */

struct bttc_dlvb_call *bttc_dlvb_call_new(struct bttc_dlvb *x, enum dlv_root root)
{
    struct bttc_dlvb_call *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->x = x;
    c->root = root;
    c->next = x->calls;
    if (x->calls)
        x->calls->prev = &c->next;
    c->prev = &x->calls;
    x->calls = c;
    return c;
}

/* Unlink (when the bridge still exists) and free. */
void bttc_dlvb_call_end(struct bttc_dlvb_call *c)
{
    if (c->x) {
        *c->prev = c->next;
        if (c->next)
            c->next->prev = c->prev;
    }
    dlv_msg_free(&c->msg);
    free(c);
}

/* --- submission after the commit of H+2 ------------------------------------------------------- */

static const char *outcome_name(enum dlvb_submit_outcome o)
{
    switch (o) {
    case DLVB_SUBMIT_LANDED:
        return "landed";
    case DLVB_SUBMIT_NOT_NEEDED:
        return "not_needed";
    case DLVB_SUBMIT_REVERTED:
        return "reverted";
    case DLVB_SUBMIT_DROPPED:
        return "dropped";
    case DLVB_SUBMIT_FAILED:
        return "failed";
    }
    return "?";
}

static void on_submitted(void *arg, bt_status st, enum dlvb_submit_outcome outcome,
                         const struct bt_rootchain_receipt *rc)
{
    struct bttc_dlvb_call *c = arg;
    struct bttc_dlvb *x = c->x;
    if (x) {
        char tx[67] = "", root_hash[67] = "none";
        if (rc)
            hex32(tx, rc->tx_hash);
        uint64_t start = 0, end = 0;
        if (c->msg.type == DLV_MSG_CHECKPOINT) {
            start = c->msg.u.checkpoint.start_block;
            end = c->msg.u.checkpoint.end_block;
            /* Two checkpoints may cover one range (a rejected one and the honest retry): the
             * root tells them apart in the log. */
            hex32(root_hash, c->msg.u.checkpoint.root_hash);
        } else if (c->msg.type == DLV_MSG_CHECKPOINT_SYNC) {
            start = c->msg.u.ckpt_sync.start_block;
            end = c->msg.u.ckpt_sync.end_block;
        }
        if (outcome == DLVB_SUBMIT_LANDED && c->msg.type == DLV_MSG_CHECKPOINT)
            metric(x, x->m_submitted);
        x->host->log(
            x->hctx,
            outcome == DLVB_SUBMIT_LANDED || outcome == DLVB_SUBMIT_NOT_NEEDED ? BT_LOG_INFO
                                                                               : BT_LOG_WARN,
            c->msg.type == DLV_MSG_CHECKPOINT ? "bridge checkpoint submitted"
                                              : "bridge msg submitted",
            "root=%s type=%s start=%llu end=%llu root_hash=%s outcome=%s tx=%s block=%llu "
            "status=%d",
            dlv_root_name(c->root), dlv_msg_type_name(c->msg.type), (unsigned long long)start,
            (unsigned long long)end, root_hash, outcome_name(outcome), tx[0] ? tx : "none",
            rc ? (unsigned long long)rc->block_number : 0ull, (int)st);
    }
    bttc_dlvb_call_end(c);
}

/* The tally of a side tx from the kept last commit, as the app's (§4.1 step 4). */
static enum bts_dlvside_result tally(const struct bttc_dlvb *x, const uint8_t tx_hash[32])
{
    int64_t yes = 0, no = 0;
    for (size_t i = 0; i < x->n_votes; i++) {
        if (memcmp(x->votes[i].tx_hash, tx_hash, 32) != 0)
            continue;
        if (x->votes[i].result == BTS_DLVSIDE_YES)
            yes += x->vote_power[i];
        else if (x->votes[i].result == BTS_DLVSIDE_NO)
            no += x->vote_power[i];
    }
    enum bts_dlvside_result r = BTS_DLVSIDE_SKIP;
    if (bts_dlvside_tally(&r, yes, no, x->total_power) != BT_OK)
        return BTS_DLVSIDE_SKIP;
    return r;
}

/* Submit one committed side msg to every root chain that takes it. */
static void submit_one(struct bttc_dlvb *x, const struct bttc_dlvb_pending *p)
{
    enum dlvb_submit_kind kind;
    if (dlvb_msg_submit_kind(&kind, &p->msg) != BT_OK)
        return;
    for (size_t i = 0; i < x->n_roots; i++) {
        struct bttc_dlvb_root *r = &x->roots[i];
        const struct dlv_root_params *rp = &x->app->p.root[r->root];
        struct dlvb_submit_target t = {.vt = r->ad.vt,
                                       .self = r->ad.self,
                                       .key_id = x->key_id,
                                       .activation = rp->activation_height};
        switch (kind) {
        case DLVB_SUBMIT_CHECKPOINT:
            if (r->root != p->msg.u.checkpoint.root)
                continue;
            memcpy(t.to, rp->root_chain, 20);
            break;
        case DLVB_SUBMIT_CHECKPOINT_SYNC:
            if (r->root != DLV_ROOT_TRON)
                continue;
            memcpy(t.to, rp->stake_manager, 20);
            break;
        case DLVB_SUBMIT_VALIDATOR_JOIN:
        case DLVB_SUBMIT_VALIDATOR_EXIT:
        case DLVB_SUBMIT_SIGNER_UPDATE:
            if (r->root == DLV_ROOT_TRON) /* the staking chain itself needs no sync */
                continue;
            memcpy(t.to, rp->stake_manager, 20);
            break;
        }
        if (!memcmp(t.to, (const uint8_t[20]){0}, 20)) {
            x->host->log(x->hctx, BT_LOG_WARN, "bridge submit skipped",
                         "root=%s type=%s reason=\"no contract address in the genesis roots\"",
                         dlv_root_name(r->root), dlv_msg_type_name(p->msg.type));
            continue;
        }
        struct bttc_dlvb_call *c = bttc_dlvb_call_new(x, r->root);
        if (!c || dlv_msg_copy(&c->msg, &p->msg) != BT_OK) {
            if (c)
                bttc_dlvb_call_end(c);
            return;
        }
        bt_status st =
            dlvb_submit_msg(&p->msg, p->tx_hash, x->votes, x->n_votes, &t, on_submitted, c);
        if (st != BT_OK) {
            x->host->log(x->hctx, BT_LOG_WARN, "bridge submit refused", "root=%s type=%s status=%d",
                         dlv_root_name(r->root), dlv_msg_type_name(p->msg.type), (int)st);
            bttc_dlvb_call_end(c);
        }
    }
}

void bttc_dlvb_after_commit(struct bttc_dlvb *x)
{
    /* side txs of H-2 were tallied in this height's begin_block */
    for (struct bttc_dlvb_pending **pp = &x->pending; *pp;) {
        struct bttc_dlvb_pending *p = *pp;
        if (p->height + 2 > x->cur_height) {
            pp = &p->next;
            continue;
        }
        if (p->height + 2 == x->cur_height) {
            enum bts_dlvside_result res = tally(x, p->tx_hash);
            char h[67];
            hex32(h, p->tx_hash);
            x->host->log(x->hctx, BT_LOG_INFO, "bridge side tx decided",
                         "type=%s height=%llu tx=%s result=%s", dlv_msg_type_name(p->msg.type),
                         (unsigned long long)p->height, h,
                         res == BTS_DLVSIDE_YES  ? "yes"
                         : res == BTS_DLVSIDE_NO ? "no"
                                                 : "skip");
            if (!bttc_dlvb_stake_decided(x, p, res == BTS_DLVSIDE_YES) && res == BTS_DLVSIDE_YES)
                submit_one(x, p);
        }
        *pp = p->next;
        dlv_msg_free(&p->msg);
        free(p);
    }
    /* acks: the committed count per root */
    for (size_t i = 0; i < x->n_roots; i++) {
        struct bttc_dlvb_root *r = &x->roots[i];
        uint64_t n = dlv_ack_count(x->app, r->root, 1);
        for (; r->acks < n; r->acks++) {
            metric(x, x->m_acked);
            struct dlv_checkpoint c;
            memset(&c, 0, sizeof c);
            (void)dlv_get_checkpoint(x->app, DLV_T_CKPT, r->root, r->acks + 1, &c, 1);
            x->host->log(x->hctx, BT_LOG_INFO, "bridge checkpoint acked",
                         "root=%s number=%llu start=%llu end=%llu height=%llu",
                         dlv_root_name(r->root), (unsigned long long)(r->acks + 1),
                         (unsigned long long)c.start_block, (unsigned long long)c.end_block,
                         (unsigned long long)x->cur_height);
        }
    }
}
