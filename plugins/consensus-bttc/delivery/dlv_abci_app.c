/* dlv_abci_app.h: struct dlv_app over struct dlv_application. */
#include "dlv_abci_app.h"

#include <stdlib.h>
#include <string.h>

struct dlv_abci_app {
    struct dlv_application *a;
    struct dlv_valset_update *updates;
    size_t cap_updates;
};

static bt_status w_info(void *self, uint64_t *out_height, uint8_t out_hash[32])
{
    struct dlv_abci_app *w = self;
    return dlv_app_info(w->a, out_height, out_hash) == BT_OK ? BT_OK : BT_EIO;
}

static bt_status w_valset(void *self, uint64_t height, struct bts_valset *out)
{
    (void)height;
    struct dlv_abci_app *w = self;
    bt_status st = dlv_app_valset(w->a, out);
    return st == BT_ENOTFOUND ? BT_EIO : st;
}

static bt_status w_check_tx(void *self, const uint8_t *tx, size_t tx_len)
{
    struct dlv_abci_app *w = self;
    return dlv_app_check_tx(w->a, tx, tx_len, NULL, 0) == BT_OK ? BT_OK : BT_EINVAL;
}

static bt_status w_begin_block(void *self, const struct dlv_block_info *b,
                               const struct dlv_last_commit *last)
{
    struct dlv_abci_app *w = self;
    size_t n = last ? last->n : 0, total_side = 0;
    for (size_t i = 0; i < n; i++)
        total_side += last->votes[i].side_n;
    struct dlv_commit_val *vals = calloc(n ? n : 1, sizeof *vals);
    struct dlv_side_vote *votes = calloc(total_side ? total_side : 1, sizeof *votes);
    if (!vals || !votes) {
        free(vals);
        free(votes);
        return BT_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct dlv_commit_vote *v = &last->votes[i];
        memcpy(vals[i].address, v->validator, 20);
        vals[i].power = v->power;
        vals[i].side = &votes[k];
        /* An absent precommit carries no side results but its power counts in the total. */
        vals[i].n_side = v->signed_block ? v->side_n : 0;
        for (size_t j = 0; j < vals[i].n_side; j++, k++) {
            memcpy(votes[k].tx_hash, v->side[j].tx_hash, 32);
            votes[k].result = v->side[j].result;
        }
    }
    bt_status st = dlv_app_begin_block(w->a, b->height, b->time_ms, b->proposer, vals, n);
    free(vals);
    free(votes);
    return st;
}

static bt_status w_deliver_tx(void *self, const uint8_t *tx, size_t tx_len, uint32_t *out_code)
{
    struct dlv_abci_app *w = self;
    return dlv_app_deliver_tx(w->a, tx, tx_len, out_code);
}

static bt_status w_end_block(void *self, uint64_t height,
                             const struct dlv_valset_update **out_updates, size_t *out_n)
{
    struct dlv_abci_app *w = self;
    const struct dlv_val_update *u;
    size_t n;
    *out_updates = NULL;
    *out_n = 0;
    bt_status st = dlv_app_end_block(w->a, height, &u, &n);
    if (st != BT_OK || n == 0)
        return st;
    if (n > w->cap_updates) {
        struct dlv_valset_update *nu = realloc(w->updates, n * sizeof *nu);
        if (!nu)
            return BT_ENOMEM;
        w->updates = nu;
        w->cap_updates = n;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(w->updates[i].address, u[i].address, 20);
        w->updates[i].power = u[i].power;
    }
    *out_updates = w->updates;
    *out_n = n;
    return BT_OK;
}

static bt_status to_batch(void *arg, const struct dlv_kv_op *ops, size_t n)
{
    struct dlv_batch *b = arg;
    for (size_t i = 0; i < n; i++) {
        bt_status st = ops[i].value ? dlv_batch_put(b, ops[i].key, ops[i].key_len, ops[i].value,
                                                    ops[i].value_len)
                                    : dlv_batch_del(b, ops[i].key, ops[i].key_len);
        if (st != BT_OK)
            return st;
    }
    return BT_OK;
}

static bt_status w_commit(void *self, struct dlv_batch *batch, uint8_t out_app_hash[32])
{
    struct dlv_abci_app *w = self;
    return dlv_app_commit(w->a, to_batch, batch, out_app_hash);
}

static bt_status w_side_results(void *self, uint64_t height, struct dlv_side_result *out,
                                size_t cap, size_t *out_n)
{
    struct dlv_abci_app *w = self;
    struct dlv_side_answer ans[DLV_SIDE_MAX];
    size_t n = 0;
    if (cap > DLV_SIDE_MAX)
        cap = DLV_SIDE_MAX;
    bt_status st = dlv_app_side_results(w->a, height, ans, cap, &n, NULL);
    if (st != BT_OK)
        return BT_EIO;
    for (size_t i = 0; i < n; i++) {
        memcpy(out[i].tx_hash, ans[i].tx_hash, 32);
        out[i].result = ans[i].result;
        memcpy(out[i].sig, ans[i].sig, DLV_SIG_LEN);
    }
    *out_n = n;
    return BT_OK;
}

bt_status dlv_abci_app_new(struct dlv_abci_app **out, struct dlv_application *a,
                           struct dlv_app *out_table)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return BT_ENOMEM;
    (*out)->a = a;
    memset(out_table, 0, sizeof *out_table);
    out_table->self = *out;
    out_table->info = w_info;
    out_table->valset = w_valset;
    out_table->check_tx = w_check_tx;
    out_table->begin_block = w_begin_block;
    out_table->deliver_tx = w_deliver_tx;
    out_table->end_block = w_end_block;
    out_table->commit = w_commit;
    out_table->side_results = w_side_results;
    return BT_OK;
}

void dlv_abci_app_free(struct dlv_abci_app *w)
{
    if (!w)
        return;
    free(w->updates);
    free(w);
}
