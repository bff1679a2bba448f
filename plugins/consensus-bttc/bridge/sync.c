/* Delivery bridge: the checkpoint-sync check, ETH/BSC → TRON (dlvb_proposer.h, PROTOCOL.md
 * §4.7): TRON's synced index for R, then R's next header block. */
#include <stdlib.h>
#include <string.h>

#include "dlvb_proposer.h"

struct sync_ctx {
    struct dlvb_sync_req r;
    uint64_t number;
    dlvb_sync_fn fn;
    void *arg;
};

static void finish(struct sync_ctx *c, bt_status st, const struct dlvb_sync_proposal *p)
{
    c->fn(c->arg, st, p);
    free(c);
}

static void on_header(void *arg, bt_status st, uint64_t id, const struct dlvb_header_block *hb)
{
    (void)id;
    struct sync_ctx *c = arg;
    if (st != BT_OK || hb->end == 0) {
        finish(c, st, NULL);
        return;
    }
    struct dlvb_sync_proposal p = {
        .root_type = c->r.root_type, .number = c->number, .start = hb->start, .end = hb->end};
    memcpy(p.proposer, hb->proposer, 20);
    finish(c, BT_OK, &p);
}

static void on_synced(void *arg, bt_status st, uint64_t synced)
{
    struct sync_ctx *c = arg;
    if (st == BT_OK && (synced + 1 == 0 || synced + 1 > UINT64_MAX / DLVB_HEADER_BLOCK_STEP))
        st = BT_ERANGE;
    if (st == BT_OK) {
        c->number = synced + 1;
        st = dlvb_read_header(c->r.vt, c->r.self, c->r.root_chain,
                              c->number * DLVB_HEADER_BLOCK_STEP, on_header, c);
    }
    if (st != BT_OK)
        finish(c, st, NULL);
}

bt_status dlvb_sync_check(const struct dlvb_sync_req *r, dlvb_sync_fn fn, void *arg)
{
    if (!r->tron_vt || !r->vt)
        return BT_EINVAL;
    struct sync_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return BT_ENOMEM;
    c->r = *r;
    c->fn = fn;
    c->arg = arg;
    bt_status st = dlvb_read_u64(r->tron_vt, r->tron_self, r->tron_stake_manager,
                                 dlvb_sel_synced_checkpoint, 1, r->root_type, on_synced, c);
    if (st != BT_OK)
        free(c);
    return st;
}
