/* dlvbridge.h: the staking sync to ETH/BSC (PROTOCOL.md §4.3.4, F7). Each TRON join, exit and
 * signer change applied by Delivery is queued per non-TRON root; the current proposer polls
 * the queue head against that root's StakeManager.validatorNonce(id):
 *   root nonce >= head nonce  -> MsgStakingSyncAck (pops the head);
 *   root nonce <  head nonce  -> MsgStakingSync (marks the head; refused within the buffer);
 * and once its MsgStakingSync is decided Yes it replays the ORIGINAL msg to the root: the
 * msg's side-sign bytes with the side-tx signatures of its block H+2 (validatorJoin / Exit /
 * signerUpdate). Upstream fetches that tx and those votes from its stores
 * (bttcprotocol/delivery@v1.0.9:bridge/setu/processor/staking.go: checkStakingSyncAck,
 * checkAndSendStakingSync, createAndSendStakingSyncToRootChain); here every validator keeps
 * them in memory when the staking msg is decided (below), so a validator started after the
 * change cannot replay it — another proposer that saw it does. */
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

#include "bttc_int.h"
#include "dlv_app_int.h"
#include "dlvb_msgs.h"
#include "dlvb_read.h"
#include "dlvb_submit.h"
#include "dlvbridge.h"

/* Decided staking msgs kept for a replay; the oldest is dropped beyond this (a change waits
 * in the queue only until the roots have it). */
#define STAKED_MAX 256

static int is_change(enum dlv_msg_type t)
{
    return t == DLV_MSG_VALIDATOR_JOIN || t == DLV_MSG_VALIDATOR_EXIT || t == DLV_MSG_SIGNER_UPDATE;
}

static void id_nonce(const struct dlv_msg *m, uint64_t *id, uint64_t *nonce)
{
    *id = *nonce = 0;
    if (m->type == DLV_MSG_VALIDATOR_JOIN) {
        *id = m->u.join.id;
        *nonce = m->u.join.nonce;
    } else if (m->type == DLV_MSG_VALIDATOR_EXIT) {
        *id = m->u.exit.id;
        *nonce = m->u.exit.nonce;
    } else if (m->type == DLV_MSG_SIGNER_UPDATE) {
        *id = m->u.signer_update.id;
        *nonce = m->u.signer_update.nonce;
    }
}

int bttc_dlvb_stake_keep(const struct bttc_dlvb *x, const struct dlv_msg *m)
{
    if (is_change(m->type))
        return 1; /* whoever relayed it: every validator keeps the votes */
    if (m->type != DLV_MSG_STAKING_SYNC)
        return 0;
    const uint8_t *who = dlv_msg_signer(m);
    return who && memcmp(who, x->me, 20) == 0;
}

static void staked_free(struct bttc_dlvb_staked *s)
{
    dlv_msg_free(&s->msg);
    free(s->votes);
    free(s->sigs);
    free(s);
}

void bttc_dlvb_stake_free(struct bttc_dlvb *x)
{
    while (x->staked) {
        struct bttc_dlvb_staked *s = x->staked;
        x->staked = s->next;
        staked_free(s);
    }
    x->n_staked = 0;
}

/* Keep a decided staking change with its H+2 votes (those for its tx only). */
static void keep(struct bttc_dlvb *x, const struct bttc_dlvb_pending *p)
{
    struct bttc_dlvb_staked *s = calloc(1, sizeof *s);
    size_t n = 0;
    for (size_t i = 0; i < x->n_votes; i++)
        n += memcmp(x->votes[i].tx_hash, p->tx_hash, 32) == 0;
    if (!s || !n || dlv_msg_copy(&s->msg, &p->msg) != BT_OK) {
        free(s);
        return;
    }
    s->votes = calloc(n, sizeof *s->votes);
    s->sigs = calloc(n, sizeof *s->sigs);
    if (!s->votes || !s->sigs) {
        staked_free(s);
        return;
    }
    for (size_t i = 0; i < x->n_votes; i++) {
        if (memcmp(x->votes[i].tx_hash, p->tx_hash, 32) != 0)
            continue;
        size_t len = x->votes[i].sig_len < 65 ? x->votes[i].sig_len : 65; /* keep_votes: 65 */
        s->votes[s->n_votes] = x->votes[i];
        memcpy(s->sigs[s->n_votes], x->votes[i].sig, len);
        s->votes[s->n_votes].sig = s->sigs[s->n_votes];
        s->votes[s->n_votes].sig_len = len;
        s->n_votes++;
    }
    memcpy(s->tx_hash, p->tx_hash, 32);
    s->next = x->staked;
    x->staked = s;
    if (++x->n_staked > STAKED_MAX) { /* drop the oldest (the list's tail) */
        struct bttc_dlvb_staked **pp = &x->staked;
        while ((*pp)->next)
            pp = &(*pp)->next;
        staked_free(*pp);
        *pp = NULL;
        x->n_staked--;
    }
}

static struct bttc_dlvb_staked *find(struct bttc_dlvb *x, const uint8_t tx_hash[32], uint64_t id,
                                     uint64_t nonce)
{
    for (struct bttc_dlvb_staked *s = x->staked; s; s = s->next)
        if (!memcmp(s->tx_hash, tx_hash, 32))
            return s;
    for (struct bttc_dlvb_staked *s = x->staked; s; s = s->next) {
        uint64_t i, n;
        id_nonce(&s->msg, &i, &n);
        if (i == id && n == nonce)
            return s;
    }
    return NULL;
}

static void on_replayed(void *arg, bt_status st, enum dlvb_submit_outcome outcome,
                        const struct bt_rootchain_receipt *rc)
{
    struct bttc_dlvb_call *c = arg;
    struct bttc_dlvb *x = c->x;
    if (x) {
        char tx[67] = "none";
        size_t n;
        if (rc && bts_hex_encode(tx, sizeof tx, &n, rc->tx_hash, 32, BTS_HEX_0X) != BT_OK)
            tx[0] = 0;
        uint64_t id, nonce;
        id_nonce(&c->msg, &id, &nonce);
        x->host->log(x->hctx,
                     outcome == DLVB_SUBMIT_LANDED || outcome == DLVB_SUBMIT_NOT_NEEDED
                         ? BT_LOG_INFO
                         : BT_LOG_WARN,
                     "bridge staking sync submitted",
                     "root=%s type=%s id=%llu nonce=%llu outcome=%d tx=%s status=%d",
                     dlv_root_name(c->root), dlv_msg_type_name(c->msg.type), (unsigned long long)id,
                     (unsigned long long)nonce, (int)outcome, tx, (int)st);
    }
    bttc_dlvb_call_end(c);
}

/* This validator's MsgStakingSync was decided Yes: replay the original msg to its root. */
static void replay(struct bttc_dlvb *x, const struct dlv_msg_staking_sync *m)
{
    struct bttc_dlvb_root *r = bttc_dlvb_root_of(x, m->root);
    const uint8_t *sm = x->app->p.root[m->root].stake_manager;
    struct dlv_stake_record rec;
    uint8_t none[32] = {0};
    const uint8_t *tx_hash = none;
    if (dlv_stake_queue_head(x->app, m->root, &rec, NULL, 1) == BT_OK && rec.id == m->id &&
        rec.nonce == m->nonce)
        tx_hash = rec.tx_hash;
    struct bttc_dlvb_staked *s = find(x, tx_hash, m->id, m->nonce);
    if (!r || !s || !memcmp(sm, (const uint8_t[20]){0}, 20)) {
        x->host->log(x->hctx, BT_LOG_WARN, "bridge staking sync not replayed",
                     "root=%s id=%llu nonce=%llu reason=\"%s\"", dlv_root_name(m->root),
                     (unsigned long long)m->id, (unsigned long long)m->nonce,
                     !s ? "original msg and votes not kept here" : "no adapter or stake manager");
        return;
    }
    struct dlvb_submit_target t = {.vt = r->ad.vt, .self = r->ad.self, .key_id = x->key_id};
    memcpy(t.to, sm, 20);
    struct bttc_dlvb_call *c = bttc_dlvb_call_new(x, m->root);
    if (!c || dlv_msg_copy(&c->msg, &s->msg) != BT_OK) {
        if (c)
            bttc_dlvb_call_end(c);
        return;
    }
    bt_status st = dlvb_submit_msg(&s->msg, s->tx_hash, s->votes, s->n_votes, &t, on_replayed, c);
    if (st != BT_OK) {
        x->host->log(x->hctx, BT_LOG_WARN, "bridge staking sync refused",
                     "root=%s id=%llu nonce=%llu status=%d", dlv_root_name(m->root),
                     (unsigned long long)m->id, (unsigned long long)m->nonce, (int)st);
        bttc_dlvb_call_end(c);
    }
}

int bttc_dlvb_stake_decided(struct bttc_dlvb *x, const struct bttc_dlvb_pending *p, int yes)
{
    if (is_change(p->msg.type)) {
        if (yes)
            keep(x, p);
        return 1; /* to the roots only through the queue (MsgStakingSync) */
    }
    if (p->msg.type != DLV_MSG_STAKING_SYNC)
        return 0;
    if (yes)
        replay(x, &p->msg.u.staking_sync);
    return 1;
}

/* --- the poll: ack or sync the queue head ----------------------------------------------------- */

static void send_sync(struct bttc_dlvb *x, enum dlv_msg_type type, enum dlv_root root,
                      const struct dlv_stake_record *rec, uint64_t root_nonce)
{
    struct dlv_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    memcpy(m.u.staking_sync.from, x->me, 20);
    m.u.staking_sync.id = rec->id;
    m.u.staking_sync.nonce = rec->nonce;
    m.u.staking_sync.root = root;
    bt_status st = bttc_dlvb_send(x, &m);
    x->host->log(x->hctx, st == BT_OK ? BT_LOG_INFO : BT_LOG_DEBUG,
                 type == DLV_MSG_STAKING_SYNC_ACK ? "bridge staking sync ack"
                                                  : "bridge staking sync",
                 "root=%s type=%s id=%llu nonce=%llu root_nonce=%llu status=%d",
                 dlv_root_name(root), rec->type, (unsigned long long)rec->id,
                 (unsigned long long)rec->nonce, (unsigned long long)root_nonce, (int)st);
}

static void on_nonce(void *arg, bt_status st, uint64_t root_nonce)
{
    struct bttc_dlvb_call *c = arg;
    struct bttc_dlvb *x = c->x;
    enum dlv_root root = c->root;
    uint64_t id = c->msg.u.staking_sync.id, nonce = c->msg.u.staking_sync.nonce;
    bttc_dlvb_call_end(c);
    if (!x || !x->started)
        return;
    if (st != BT_OK) {
        x->host->log(x->hctx, BT_LOG_DEBUG, "bridge staking nonce unread", "root=%s status=%d",
                     dlv_root_name(root), (int)st);
        return;
    }
    struct dlv_stake_record rec;
    if (dlv_stake_queue_head(x->app, root, &rec, NULL, 1) != BT_OK || rec.id != id ||
        rec.nonce != nonce)
        return; /* the head moved meanwhile */
    if (root_nonce >= rec.nonce) {
        send_sync(x, DLV_MSG_STAKING_SYNC_ACK, root, &rec, root_nonce);
        return;
    }
    uint64_t now = x->host->wall_ms(x->hctx) / 1000;
    if (rec.timestamp != 0 && now >= rec.timestamp &&
        now - rec.timestamp < x->app->p.staking_buffer_time)
        return; /* a sync is under way: wait for it to land (or the buffer to pass) */
    if (!find(x, rec.tx_hash, rec.id, rec.nonce)) {
        x->host->log(x->hctx, BT_LOG_DEBUG, "bridge staking sync skipped",
                     "root=%s id=%llu nonce=%llu reason=\"original votes not kept here\"",
                     dlv_root_name(root), (unsigned long long)rec.id,
                     (unsigned long long)rec.nonce);
        return;
    }
    send_sync(x, DLV_MSG_STAKING_SYNC, root, &rec, root_nonce);
}

void bttc_dlvb_stake_tick(void *arg)
{
    struct bttc_dlvb *x = arg;
    if (!x->started || !bttc_dlvb_is_proposer(x, 1))
        return;
    for (size_t i = 0; i < x->n_roots; i++) {
        struct bttc_dlvb_root *r = &x->roots[i];
        const uint8_t *sm = x->app->p.root[r->root].stake_manager;
        struct dlv_stake_record rec;
        if (r->root == DLV_ROOT_TRON || !memcmp(sm, (const uint8_t[20]){0}, 20) ||
            dlv_stake_queue_head(x->app, r->root, &rec, NULL, 1) != BT_OK)
            continue;
        struct bttc_dlvb_call *c = bttc_dlvb_call_new(x, r->root);
        if (!c)
            return;
        c->msg.type = DLV_MSG_STAKING_SYNC; /* only id and nonce: no allocations to free */
        c->msg.u.staking_sync.id = rec.id;
        c->msg.u.staking_sync.nonce = rec.nonce;
        c->msg.u.staking_sync.root = r->root;
        bt_status st = dlvb_read_u64(r->ad.vt, r->ad.self, sm, dlvb_sel_validator_nonce, 1, rec.id,
                                     on_nonce, c);
        if (st != BT_OK) {
            bttc_dlvb_call_end(c);
            x->host->log(x->hctx, BT_LOG_DEBUG, "bridge staking nonce refused", "root=%s status=%d",
                         dlv_root_name(r->root), (int)st);
        }
    }
}
