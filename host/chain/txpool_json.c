/* txpool_status and txpool_content results, go-ethereum internal/ethapi TxPoolAPI. */
#include "txpool_priv.h"

#include <inttypes.h>
#include <stdio.h>

#include <bts/hex.h>
#include <bts/json.h>

#include "txjson_int.h"

json_t *txpool_status_json(const struct txpool *p)
{
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "pending", bts_json_new_u64(p->n_pending)) ||
        json_object_set_new(o, "queued", bts_json_new_u64(p->n_queued))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

struct content_ctx {
    json_t *pending, *queued;
};

static bt_status content_one(void *arg, const struct txpool_tx *t, int is_pending)
{
    struct content_ctx *c = arg;
    json_t *cls = is_pending ? c->pending : c->queued;
    /* geth keys senders by their checksummed address and nonces by decimal text. */
    char addr[BTS_HEX_EIP55_CAP], nonce[24];
    bts_hex_format_eip55(addr, t->from.bytes);
    json_t *per = json_object_get(cls, addr);
    if (!per) {
        per = json_object();
        if (!per || json_object_set_new(cls, addr, per))
            return BT_ENOMEM;
    }
    snprintf(nonce, sizeof(nonce), "%" PRIu64, t->tx.nonce);
    json_t *tx = txjson_new(&t->tx, &t->from, NULL);
    if (!tx || json_object_set_new(per, nonce, tx))
        return BT_ENOMEM;
    return BT_OK;
}

json_t *txpool_content_json(const struct txpool *p)
{
    struct content_ctx c = {json_object(), json_object()};
    json_t *o = json_object();
    if (!o || !c.pending || !c.queued || txpool_foreach(p, content_one, &c) != BT_OK ||
        json_object_set(o, "pending", c.pending) || json_object_set(o, "queued", c.queued)) {
        json_decref(o);
        o = NULL;
    }
    json_decref(c.pending);
    json_decref(c.queued);
    return o;
}
