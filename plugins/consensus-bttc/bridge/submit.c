/* Delivery bridge: one submission to a root chain (dlvb_submit.h): a read-only progress check,
 * then the adapter's send, which tracks the transaction to a receipt itself. */
#include <stdlib.h>
#include <string.h>

#include <bts/dlvckpt.h>
#include <bts/solabi.h>

#include "dlvb_submit.h"

struct submission {
    enum dlvb_submit_kind kind;
    const struct bt_rootchain_vtbl *vt;
    void *self;
    uint8_t to[20];
    char *key_id;
    struct bts_buf calldata;
    uint64_t expect; /* start (checkpoint), n (sync) or nonce (staking) */
    uint64_t activation;
    uint64_t gas_limit, fee_limit;
    dlvb_submit_fn fn;
    void *arg;
};

static void finish(struct submission *s, bt_status st, enum dlvb_submit_outcome oc,
                   const struct bt_rootchain_receipt *r)
{
    s->fn(s->arg, st, oc, r);
    bts_buf_free(&s->calldata);
    free(s->key_id);
    free(s);
}

static void on_receipt(void *arg, bt_status st, const struct bt_rootchain_receipt *r)
{
    struct submission *s = arg;
    if (st != BT_OK || !r) {
        finish(s, st != BT_OK ? st : BT_EPROTO, DLVB_SUBMIT_FAILED, NULL);
        return;
    }
    switch ((enum bt_rootchain_tx_status)r->tx_status) {
    case BT_ROOTCHAIN_TX_SUCCESS:
        finish(s, BT_OK, DLVB_SUBMIT_LANDED, r);
        return;
    case BT_ROOTCHAIN_TX_REVERTED:
        finish(s, BT_EPROTO, DLVB_SUBMIT_REVERTED, r);
        return;
    case BT_ROOTCHAIN_TX_DROPPED:
        finish(s, BT_EIO, DLVB_SUBMIT_DROPPED, NULL);
        return;
    }
    finish(s, BT_EPROTO, DLVB_SUBMIT_FAILED, NULL);
}

/* Does the chain still need this submission, given the value its view returned? */
static int needed(const struct submission *s, uint64_t v)
{
    switch (s->kind) {
    case DLVB_SUBMIT_CHECKPOINT:
        /* v = getLastChildBlock(); 0 before the first checkpoint */
        return (v == 0 && s->expect == s->activation) || (v + 1 == s->expect && v + 1 != 0);
    case DLVB_SUBMIT_CHECKPOINT_SYNC:
        return v + 1 == s->expect && v + 1 != 0; /* v = getCurrentSyncedCheckpoint(rootId) */
    case DLVB_SUBMIT_VALIDATOR_JOIN:
    case DLVB_SUBMIT_VALIDATOR_EXIT:
    case DLVB_SUBMIT_SIGNER_UPDATE:
        return v < s->expect; /* v = validatorNonce(id) */
    }
    return 0;
}

static void on_view(void *arg, bt_status st, const uint8_t *out, size_t len)
{
    struct submission *s = arg;
    uint64_t v = 0;
    if (st == BT_OK)
        st = dlvb_decode_u64(&v, out, len);
    if (st != BT_OK) {
        finish(s, st, DLVB_SUBMIT_FAILED, NULL);
        return;
    }
    if (!needed(s, v)) {
        finish(s, BT_OK, DLVB_SUBMIT_NOT_NEEDED, NULL);
        return;
    }
    struct bt_rootchain_send_req req = {
        .struct_size = sizeof(req),
        .key_id = s->key_id,
        .data = s->calldata.data,
        .data_len = s->calldata.len,
        .gas_limit = s->gas_limit,
        .fee_limit = s->fee_limit,
    };
    memcpy(req.to, s->to, 20);
    st = s->vt->send(s->self, &req, on_receipt, s);
    if (st != BT_OK)
        finish(s, st, DLVB_SUBMIT_FAILED, NULL);
}

static bt_status data_word(uint64_t *out, const struct dlvb_submit_req *r, size_t i)
{
    if (r->sign_data_len < 32 * (i + 1))
        return BT_EINVAL;
    return bts_solabi_word_to_u64(out, r->sign_data + 32 * i) == BT_OK ? BT_OK : BT_EINVAL;
}

/* The selector, the view to ask first (selector and argument) and the expected value. */
static bt_status plan(const struct dlvb_submit_req *r, const uint8_t **sel, uint8_t view[36],
                      size_t *view_len, uint64_t *expect)
{
    uint64_t a = 0, b = 0;
    switch (r->kind) {
    case DLVB_SUBMIT_CHECKPOINT:
        if (r->sign_data_len != BTS_DLVCKPT_SIGN_LEN || data_word(expect, r, 1) != BT_OK)
            return BT_EINVAL;
        *sel = dlvb_sel_submit_checkpoint;
        *view_len = dlvb_calldata_view(view, dlvb_sel_get_last_child_block, 0, 0);
        return BT_OK;
    case DLVB_SUBMIT_CHECKPOINT_SYNC:
        if (r->sign_data_len != BTS_DLVCKPT_SYNC_SIGN_LEN || data_word(expect, r, 3) != BT_OK ||
            data_word(&a, r, 4) != BT_OK)
            return BT_EINVAL;
        *sel = dlvb_sel_submit_checkpoint_sync;
        *view_len = dlvb_calldata_view(view, dlvb_sel_synced_checkpoint, 1, a);
        return BT_OK;
    case DLVB_SUBMIT_VALIDATOR_JOIN:
    case DLVB_SUBMIT_VALIDATOR_EXIT:
    case DLVB_SUBMIT_SIGNER_UPDATE:
        if (data_word(&a, r, 0) != BT_OK || data_word(&b, r, 1) != BT_OK)
            return BT_EINVAL;
        *sel = r->kind == DLVB_SUBMIT_VALIDATOR_JOIN   ? dlvb_sel_validator_join
               : r->kind == DLVB_SUBMIT_VALIDATOR_EXIT ? dlvb_sel_validator_exit
                                                       : dlvb_sel_signer_update;
        *expect = b;
        *view_len = dlvb_calldata_view(view, dlvb_sel_validator_nonce, 1, a);
        return BT_OK;
    }
    return BT_EINVAL;
}

bt_status dlvb_submit(const struct dlvb_submit_req *req, dlvb_submit_fn fn, void *arg)
{
    const uint8_t *sel = NULL;
    uint8_t view[36];
    size_t view_len = 0;
    uint64_t expect = 0;
    if (!req->vt || !req->key_id || (!req->sign_data && req->sign_data_len))
        return BT_EINVAL;
    bt_status st = plan(req, &sel, view, &view_len, &expect);
    if (st != BT_OK)
        return st;
    struct submission *s = calloc(1, sizeof(*s));
    if (!s)
        return BT_ENOMEM;
    bts_buf_init(&s->calldata);
    struct bts_buf sigs = BTS_BUF_INIT;
    size_t n_sigs = 0;
    st = dlvb_collect_sigs(&sigs, &n_sigs, req->votes, req->n_votes, req->tx_hash, req->sign_data,
                           req->sign_data_len);
    if (st == BT_OK && n_sigs == 0)
        st = BT_ENOTFOUND;
    if (st == BT_OK)
        st = dlvb_calldata_submit(&s->calldata, sel, req->sign_data, req->sign_data_len, sigs.data,
                                  n_sigs);
    bts_buf_free(&sigs);
    if (st == BT_OK && !(s->key_id = strdup(req->key_id)))
        st = BT_ENOMEM;
    if (st != BT_OK) {
        bts_buf_free(&s->calldata);
        free(s->key_id);
        free(s);
        return st;
    }
    s->kind = req->kind;
    s->vt = req->vt;
    s->self = req->self;
    memcpy(s->to, req->to, 20);
    s->expect = expect;
    s->activation = req->activation;
    s->gas_limit = req->gas_limit;
    s->fee_limit = req->fee_limit;
    s->fn = fn;
    s->arg = arg;
    st = req->vt->call(req->self, req->to, view, view_len, 0, on_view, s);
    if (st != BT_OK) {
        bts_buf_free(&s->calldata);
        free(s->key_id);
        free(s);
    }
    return st;
}
