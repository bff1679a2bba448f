/* Delivery bridge: the no-ack rule and its periodic check against TRON (dlvb_proposer.h). */
#include <stdlib.h>

#include "dlvb_proposer.h"

int dlvb_noack_due(uint64_t *out_count, uint64_t now, uint64_t last_created_at, uint64_t last_noack,
                   uint64_t wait, uint64_t buffer_time)
{
    uint64_t count = 0;
    if (last_created_at == 0)
        count = 1; /* no checkpoint yet */
    else if (wait && now >= last_created_at && now - last_created_at >= wait)
        count = (now - last_created_at) / wait;
    *out_count = count;
    if (count == 0)
        return 0;
    if (last_noack != 0 && (now < last_noack || now - last_noack < buffer_time))
        return 0; /* one no-ack per buffer time */
    return 1;
}

struct noack_ctx {
    uint64_t now, last_noack, wait, buffer_time;
    dlvb_noack_fn fn;
    void *arg;
};

static void on_last(void *arg, bt_status st, uint64_t header_id, const struct dlvb_header_block *hb)
{
    (void)header_id;
    struct noack_ctx *c = arg;
    uint64_t count = 0;
    int due = 0;
    if (st == BT_OK)
        due =
            dlvb_noack_due(&count, c->now, hb->created_at, c->last_noack, c->wait, c->buffer_time);
    c->fn(c->arg, st, due, count);
    free(c);
}

bt_status dlvb_noack_check(const struct bt_rootchain_vtbl *vt, void *self,
                           const uint8_t tron_root_chain[20], uint64_t now, uint64_t last_noack,
                           uint64_t wait, uint64_t buffer_time, dlvb_noack_fn fn, void *arg)
{
    struct noack_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return BT_ENOMEM;
    *c = (struct noack_ctx){now, last_noack, wait, buffer_time, fn, arg};
    bt_status st = dlvb_read_last_header(vt, self, tron_root_chain, on_last, c);
    if (st != BT_OK)
        free(c);
    return st;
}
