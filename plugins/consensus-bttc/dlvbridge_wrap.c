/* dlvbridge.h: the wrap of the node's application table — the commit hook that keeps each
 * height's last commit with its side signatures and this validator's own side msgs, and after
 * the commit of H+2 hands the ones tallied Yes to the submitter (dlvbridge_tx.c). */
#include <stdlib.h>
#include <string.h>

#include <bts/hash.h>

#include "dlvb_msgs.h"
#include "dlvbridge.h"

/* --- the application table wrap: the commit hook -------------------------------------------- */

static bt_status w_info(void *self, uint64_t *h, uint8_t hash[32])
{
    struct bttc_dlvb *x = self;
    return x->inner.info(x->inner.self, h, hash);
}

static bt_status w_valset(void *self, uint64_t height, struct bts_valset *out)
{
    struct bttc_dlvb *x = self;
    return x->inner.valset(x->inner.self, height, out);
}

static bt_status w_check_tx(void *self, const uint8_t *tx, size_t len)
{
    struct bttc_dlvb *x = self;
    return x->inner.check_tx(x->inner.self, tx, len);
}

/* Keep the last commit with its signatures: the app's tally drops them, the submission needs
 * them (PROTOCOL.md §4.1: the sigs of block H+2's last commit). */
static bt_status keep_votes(struct bttc_dlvb *x, const struct dlv_last_commit *last)
{
    size_t n = 0;
    x->total_power = 0;
    for (size_t i = 0; last && i < last->n; i++) {
        n += last->votes[i].signed_block ? last->votes[i].side_n : 0;
        x->total_power += last->votes[i].power;
    }
    if (n > x->cap_votes) {
        struct bts_dlvside_vote *v = realloc(x->votes, n * sizeof *v);
        if (v)
            x->votes = v;
        uint8_t(*s)[65] = realloc(x->vote_sigs, n * 65);
        if (s)
            x->vote_sigs = s;
        int64_t *p = realloc(x->vote_power, n * sizeof *p);
        if (p)
            x->vote_power = p;
        if (!v || !s || !p)
            return BT_ENOMEM;
        x->cap_votes = n;
    }
    size_t k = 0;
    for (size_t i = 0; last && i < last->n; i++) {
        const struct dlv_commit_vote *cv = &last->votes[i];
        for (size_t j = 0; cv->signed_block && j < cv->side_n; j++, k++) {
            memcpy(x->votes[k].validator, cv->validator, 20);
            memcpy(x->votes[k].tx_hash, cv->side[j].tx_hash, 32);
            x->votes[k].result = cv->side[j].result;
            memcpy(x->vote_sigs[k], cv->side[j].sig, 65);
            x->votes[k].sig = x->vote_sigs[k];
            x->votes[k].sig_len = 65;
            x->vote_power[k] = cv->power;
        }
    }
    x->n_votes = k;
    return BT_OK;
}

static bt_status w_begin_block(void *self, const struct dlv_block_info *bi,
                               const struct dlv_last_commit *last)
{
    struct bttc_dlvb *x = self;
    x->cur_height = bi->height;
    if (keep_votes(x, last) != BT_OK)
        x->n_votes = 0; /* no submission this height; the app's tally is unaffected */
    return x->inner.begin_block(x->inner.self, bi, last);
}

/* Whether this validator must carry a committed side msg to a root chain: it proposed the
 * checkpoint, or sent the checkpoint sync / staking msg (upstream: the tx's proposer). */
static int mine_to_submit(const struct bttc_dlvb *x, const struct dlv_msg *m)
{
    enum dlvb_submit_kind k;
    if (dlvb_msg_submit_kind(&k, m) != BT_OK)
        return 0;
    const uint8_t *who = dlv_msg_signer(m);
    return who && memcmp(who, x->me, 20) == 0;
}

static bt_status w_deliver_tx(void *self, const uint8_t *tx, size_t len, uint32_t *out_code)
{
    struct bttc_dlvb *x = self;
    bt_status st = x->inner.deliver_tx(x->inner.self, tx, len, out_code);
    if (st != BT_OK || *out_code != 0 || !x->has_key || !x->started)
        return st;
    struct dlv_tx t;
    if (dlv_tx_decode(&t, tx, len, NULL, 0) != BT_OK)
        return st;
    if (dlv_msg_is_side(t.msg.type) &&
        (mine_to_submit(x, &t.msg) || bttc_dlvb_stake_keep(x, &t.msg))) {
        struct bttc_dlvb_pending *p = calloc(1, sizeof *p);
        if (p && bts_sha256(p->tx_hash, tx, len) != BT_OK) {
            free(p);
            p = NULL;
        }
        if (p) {
            p->height = x->cur_height;
            p->msg = t.msg; /* ownership moves */
            memset(&t.msg, 0, sizeof t.msg);
            p->next = x->pending;
            x->pending = p;
        }
    }
    dlv_tx_free(&t);
    return st;
}

static bt_status w_end_block(void *self, uint64_t height, const struct dlv_valset_update **u,
                             size_t *n)
{
    struct bttc_dlvb *x = self;
    return x->inner.end_block(x->inner.self, height, u, n);
}

static bt_status w_commit(void *self, struct dlv_batch *batch, uint8_t out_hash[32])
{
    struct bttc_dlvb *x = self;
    bt_status st = x->inner.commit(x->inner.self, batch, out_hash);
    if (st == BT_OK && x->started)
        bttc_dlvb_after_commit(x);
    return st;
}

static bt_status w_side_results(void *self, uint64_t height, struct dlv_side_result *out,
                                size_t cap, size_t *out_n)
{
    struct bttc_dlvb *x = self;
    return x->inner.side_results(x->inner.self, height, out, cap, out_n);
}

void bttc_dlvb_wrap(struct bttc_dlvb *x, struct dlv_app *table)
{
    x->inner = *table;
    table->self = x;
    table->info = w_info;
    table->valset = w_valset;
    table->check_tx = w_check_tx;
    table->begin_block = w_begin_block;
    table->deliver_tx = w_deliver_tx;
    table->end_block = w_end_block;
    table->commit = w_commit;
    table->side_results = x->inner.side_results ? w_side_results : NULL;
}
