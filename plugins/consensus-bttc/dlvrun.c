/* The real Delivery application in the plugin ("delivery = on", "delivery_app = delivery"):
 * the application (delivery/dlv_app.h) over the host "storage" service, initialised from the
 * delivery_genesis file on first start, run by the Delivery node (dlvnode/dlv_host.h) through
 * the ABCI adapter, its REST routes on the host's REST server, and its committed spans and
 * event records offered as service "bttc/span-source" (the producer half reads them in
 * process). The bridge (dlvbridge.h over bridge/) is the application's oracle, follows the
 * root chains, proposes and submits checkpoints and relays state syncs ("bridge = off": side
 * checks answer Skip). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/borspan.h>

#include "bttc_int.h"
#include "dlv_abci_app.h"
#include "dlv_app.h"
#include "dlv_host.h"
#include "dlv_kv_storage.h"
#include "dlv_rest.h"
#include "dlvbridge.h"

struct bttc_dlv {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    char key_id[48];
    int has_key;
    struct dlv_kv_storage kvs;
    struct dlv_application *app;
    struct dlv_abci_app *abci;
    struct dlv_host *node;
    struct bttc_dlvb *bridge; /* NULL: bridge = off */
};

/* --- bttc/span-source: forwards to the application once it is open ------------------------- */

static bt_status src_span(void *self, uint64_t id, struct bts_span *out)
{
    struct bttc_dlv *d = self;
    if (!d->app)
        return BT_EBUSY; /* provided at create, opened at start */
    return dlv_app_span_source()->span(d->app, id, out);
}

static bt_status src_events(void *self, uint64_t from_id, int64_t to_time,
                            struct bts_event_list *out)
{
    struct bttc_dlv *d = self;
    if (!d->app)
        return BT_EBUSY;
    return dlv_app_span_source()->event_records(d->app, from_id, to_time, out);
}

static const struct bts_span_source_iface DLV_SRC = {
    .struct_size = sizeof(struct bts_span_source_iface),
    .span = src_span,
    .event_records = src_events,
};

/* Side-tx vote signatures with the validator key (the host signer; the key stays there). */
static bt_status sign_digest(void *ctx, const uint8_t digest[32], uint8_t out_sig[65])
{
    struct bttc_dlv *d = ctx;
    if (!d->has_key)
        return BT_ENOTSUP;
    return d->host->sign(d->hctx, out_sig, d->key_id, digest);
}

bt_status bttc_dlv_create(struct bttc *b, const struct dlv_host_config *dc)
{
    struct bttc_dlv *d = calloc(1, sizeof(*d));
    if (!d)
        return BT_ENOMEM;
    d->host = b->host;
    d->hctx = b->hctx;
    d->has_key = dc->has_key;
    snprintf(d->key_id, sizeof(d->key_id), "%s", dc->key_id);
    b->dlvapp = d;
    bt_status st = b->host->service_provide(b->hctx, BTS_SPAN_SOURCE_SERVICE, &DLV_SRC, d);
    if (st != BT_OK)
        return bttc_fail(b, st, "delivery: cannot provide %s", BTS_SPAN_SOURCE_SERVICE);
    return BT_OK;
}

/* First start: the genesis file becomes height 0 of the application's store. */
static bt_status init_genesis(struct bttc *b, struct bttc_dlv *d, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bttc_fail(b, BT_EIO, "delivery_genesis: %s: cannot open", path);
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    bt_status st = BT_OK;
    do {
        if (len + 4096 > cap) {
            char *nb = realloc(buf, cap = cap * 2 + 4096);
            if (!nb) {
                st = BT_ENOMEM;
                break;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    char err[256] = "";
    if (st == BT_OK && (st = dlv_app_init_genesis(d->app, buf, len, err, sizeof(err))) != BT_OK)
        bttc_fail(b, st, "delivery_genesis: %s: %s", path, err);
    free(buf);
    return st;
}

bt_status bttc_dlv_start(struct bttc *b, const struct dlv_host_config *dc)
{
    struct bttc_dlv *d = b->dlvapp;
    if (!b->stor)
        return bttc_fail(b, BT_ENOTSUP, "delivery: no storage service");
    d->kvs.svc = b->stor;
    d->kvs.svc_self = b->stor_self;
    d->kvs.hctx = b->hctx;
    struct dlv_app_config ac = {
        .kv = dlv_kv_storage_iface(), .kv_self = &d->kvs, .sign = sign_digest, .sign_ctx = d};
    bt_status st = bttc_dlvb_new(&d->bridge, b, d->key_id, d->has_key);
    if (st != BT_OK)
        return st;
    if (d->bridge) {
        ac.oracle = &bttc_dlvb_oracle_iface;
        ac.oracle_self = d->bridge;
    }
    st = dlv_app_open(&d->app, &ac);
    if (st != BT_OK)
        return bttc_fail(b, st, "delivery: cannot open the application's store");
    uint64_t h;
    uint8_t hash[32];
    if (dlv_app_info(d->app, &h, hash) == BT_ENOTFOUND) {
        if (!dc->genesis[0])
            return bttc_fail(b, BT_EINVAL, "delivery_genesis: missing");
        if ((st = init_genesis(b, d, dc->genesis)) != BT_OK)
            return st;
    }
    struct dlv_app table;
    if ((st = dlv_abci_app_new(&d->abci, d->app, &table)) != BT_OK)
        return st;
    if (d->bridge)
        bttc_dlvb_wrap(d->bridge, &table);
    st = dlv_host_new(&d->node, b->host, b->hctx, dc, dlv_app_chain_id(d->app), &table);
    if (st != BT_OK)
        return st;
    if ((st = dlv_rest_register(b->host, b->hctx, d->app)) != BT_OK)
        return bttc_fail(b, st, "delivery: REST routes not registered");
    dlv_host_rpc_register(d->node);
    if ((st = dlv_host_start(d->node)) != BT_OK)
        return st;
    if (d->bridge &&
        (st = bttc_dlvb_start(d->bridge, d->app, &d->kvs, dlv_host_node(d->node))) != BT_OK)
        return bttc_fail(b, st, "delivery: the bridge did not start");
    return BT_OK;
}

void bttc_dlv_on_head(struct bttc *b, uint64_t number)
{
    if (b->dlvapp)
        bttc_dlvb_on_head(b->dlvapp->bridge, number);
}

void bttc_dlv_stop(struct bttc *b)
{
    if (b->dlvapp) {
        bttc_dlvb_stop(b->dlvapp->bridge);
        dlv_host_stop(b->dlvapp->node);
    }
}

void bttc_dlv_free(struct bttc *b)
{
    struct bttc_dlv *d = b->dlvapp;
    if (!d)
        return;
    dlv_host_free(d->node);
    dlv_abci_app_free(d->abci);
    dlv_app_free(d->app);
    bttc_dlvb_free(d->bridge); /* after the app: its cancel_all reaches the bridge's oracle */
    free(d);
    b->dlvapp = NULL;
}
