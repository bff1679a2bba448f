/* Delivery REST routes on the host's REST server (dlv_rest.h). */
#include "dlv_rest.h"

#include <stdlib.h>
#include <string.h>

#include "dlv_app_int.h"
#include "dlv_query.h"

static void reply(struct dlv_application *a, struct bt_http_request *req, uint32_t status,
                  const struct bts_buf *body)
{
    a->rest_host->http_reply(a->rest_hctx, req, status, "application/json", body->data, body->len);
}

static void reply_error(struct dlv_application *a, struct bt_http_request *req, uint32_t status,
                        const char *msg)
{
    struct bts_buf b;
    bts_buf_init(&b);
    if (bts_buf_printf(&b, "{\"error\":\"%s\"}", msg) == BT_OK)
        reply(a, req, status, &b);
    else
        a->rest_host->http_reply(a->rest_hctx, req, 500, "application/json", NULL, 0);
    bts_buf_free(&b);
}

struct seed_wait {
    struct dlv_application *a;
    struct bt_http_request *req;
    char *query; /* /bor/prepare-next-span: its query string; NULL: /bor/next-span-seed */
};

static void on_seed(void *arg, const struct dlv_oracle_answer *ans)
{
    struct seed_wait *w = arg;
    struct bts_buf b;
    bts_buf_init(&b);
    uint32_t status = 200;
    if (ans->status == BT_OK &&
        (w->query ? dlv_query_prepare_span(w->a, w->query, ans->hash, &status, &b)
                  : dlv_query_seed_answer(w->a, ans->hash, &b)) == BT_OK)
        reply(w->a, w->req, status, &b);
    else
        reply_error(w->a, w->req, 503, "Ethereum block hash unavailable");
    bts_buf_free(&b);
    free(w->query);
    free(w);
}

struct oldtx_wait {
    struct dlv_application *a;
    struct bt_http_request *req;
    struct dlv_oracle_query q;
};

static void on_oldtx(void *arg, const struct dlv_oracle_answer *ans)
{
    struct oldtx_wait *w = arg;
    struct bts_buf b;
    uint32_t status = 500;
    bts_buf_init(&b);
    if (dlv_query_isoldtx_answer(w->a, &w->q, ans, &status, &b) == BT_OK)
        reply(w->a, w->req, status, &b);
    else
        reply_error(w->a, w->req, 500, "out of memory");
    bts_buf_free(&b);
    free(w);
}

/* /clerk/isoldtx: the tx's block comes from the root chain (the oracle), the answer from the
 * committed clerk sequences. */
static void serve_oldtx(struct dlv_application *a, struct bt_http_request *req)
{
    struct oldtx_wait *w = calloc(1, sizeof *w);
    struct bts_buf b;
    uint32_t status = 0;
    bts_buf_init(&b);
    if (!w || dlv_query_isoldtx_start(a, req->query, &w->q, &status, &b) != BT_OK) {
        reply_error(a, req, 500, "out of memory");
    } else if (status) {
        reply(a, req, status, &b);
    } else if (!a->oracle) {
        reply_error(a, req, 500,
                    "Transaction is not confirmed yet. Please wait for sometime "
                    "and try again");
    } else {
        w->a = a;
        w->req = req;
        if (a->oracle->query(a->oracle_self, &w->q, on_oldtx, w) == BT_OK)
            w = NULL; /* answered (maybe already) by on_oldtx */
        else
            reply_error(a, req, 500,
                        "Transaction is not confirmed yet. Please wait for "
                        "sometime and try again");
    }
    free(w);
    bts_buf_free(&b);
}

static void serve(void *arg, struct bt_http_request *req)
{
    struct dlv_application *a = arg;
    if (strcmp(req->path, "/clerk/isoldtx") == 0 && a->have_genesis) {
        serve_oldtx(a, req);
        return;
    }
    int seed = strcmp(req->path, "/bor/next-span-seed") == 0;
    int prepare = strcmp(req->path, "/bor/prepare-next-span") == 0;
    if ((seed || prepare) && a->have_genesis && a->oracle) {
        struct seed_wait *w = calloc(1, sizeof *w);
        struct dlv_oracle_query q;
        memset(&q, 0, sizeof q);
        q.kind = DLV_Q_ETH_BLOCK_HASH;
        q.a = dlv_query_seed_block(a);
        if (w && (!prepare || (w->query = strdup(req->query ? req->query : "")))) {
            w->a = a;
            w->req = req;
            if (a->oracle->query(a->oracle_self, &q, on_seed, w) == BT_OK)
                return;
        }
        if (w)
            free(w->query);
        free(w);
        reply_error(a, req, 503, "Ethereum block hash unavailable");
        return;
    }
    struct bts_buf b;
    uint32_t status = 500;
    bts_buf_init(&b);
    if (dlv_query(a, req->path, req->query, &status, &b) == BT_OK)
        reply(a, req, status, &b);
    else
        reply_error(a, req, 500, "out of memory");
    bts_buf_free(&b);
}

bt_status dlv_rest_register(const struct bt_host *host, struct bt_host_ctx *hctx,
                            struct dlv_application *a)
{
    if (!BT_HAS(struct bt_host, host, http_reply) || !host->http_register || !host->http_reply)
        return BT_ENOTSUP;
    a->rest_host = host;
    a->rest_hctx = hctx;
    for (size_t i = 0; dlv_query_routes[i]; i++) {
        bt_status st = host->http_register(hctx, "GET", dlv_query_routes[i], serve, a);
        if (st != BT_OK)
            return st;
    }
    return BT_OK;
}
