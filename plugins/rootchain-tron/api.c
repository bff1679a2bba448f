/* rootchain-tron: the java-tron HTTP endpoints (ROOTCHAINS.md §1.6) and the /jsonrpc client,
 * over libbtsdk's asynchronous HTTP client (failover, per-attempt timeouts, retries with
 * backoff on the host's worker pool and timers), plus the bookkeeping every request shares:
 * last error, last success and the metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/log.h>

#include "tron_int.h"

static const char *const ep_path[TRON_EP_COUNT] = {
    [TRON_EP_NOWBLOCK] = "/wallet/getnowblock",
    [TRON_EP_SOLID_NOWBLOCK] = "/walletsolidity/getnowblock",
    [TRON_EP_CONSTANT] = "/wallet/triggerconstantcontract",
    [TRON_EP_BROADCAST] = "/wallet/broadcasthex",
    [TRON_EP_TXINFO] = "/wallet/gettransactioninfobyid",
    [TRON_EP_BLOCK_BY_NUM] = "/wallet/getblockbynum",
    [TRON_EP_INFOS_BY_NUM] = "/wallet/gettransactioninfobyblocknum",
};

/* base URLs + path, a trailing '/' of the base dropped. */
static char **join_urls(const struct bts_conf_list *l, const char *path)
{
    char **u = calloc(l->n_items, sizeof(char *));
    if (!u)
        return NULL;
    for (size_t i = 0; i < l->n_items; i++) {
        const char *b = l->items[i];
        size_t n = strlen(b);
        while (n && b[n - 1] == '/')
            n--;
        struct bts_buf s = BTS_BUF_INIT;
        if (bts_buf_printf(&s, "%.*s%s", (int)n, b, path) != BT_OK) {
            for (size_t k = 0; k < i; k++)
                free(u[k]);
            free(u);
            return NULL;
        }
        u[i] = (char *)bts_buf_detach(&s, NULL);
    }
    return u;
}

static void free_urls(char **u, size_t n)
{
    for (size_t i = 0; u && i < n; i++)
        free(u[i]);
    free(u);
}

bt_status tron_api_open(struct tron *t)
{
    const struct tron_conf *f = &t->conf;
    char hdr[300];
    const char *hdrs[1] = {hdr};
    size_t n_hdrs = 0;
    if (f->api_key[0]) { /* TronGrid wants it on every request (ROOTCHAINS.md §1.9) */
        snprintf(hdr, sizeof(hdr), "TRON-PRO-API-KEY: %s", f->api_key);
        n_hdrs = 1;
    }
    uint32_t timeout =
        (uint32_t)(f->request_timeout_ms > UINT32_MAX ? UINT32_MAX : f->request_timeout_ms);
    bt_status st = BT_OK;
    for (int e = 0; e < TRON_EP_COUNT && st == BT_OK; e++) {
        const struct bts_conf_list *base =
            e == TRON_EP_SOLID_NOWBLOCK && f->solidity_urls.n_items ? &f->solidity_urls : &f->urls;
        char **urls = join_urls(base, ep_path[e]);
        if (!urls)
            return BT_ENOMEM;
        struct bts_http_conf hc = {.urls = (const char *const *)urls,
                                   .n_urls = base->n_items,
                                   .headers = hdrs,
                                   .n_headers = n_hdrs,
                                   .timeout_ms = timeout,
                                   .attempts = f->retries};
        st = bts_http_new(&t->ep[e], t->host, t->hctx, &hc);
        free_urls(urls, base->n_items);
    }
    if (st != BT_OK)
        return st;
    const struct bts_conf_list *jb = f->jsonrpc_urls.n_items ? &f->jsonrpc_urls : &f->urls;
    char **urls = f->jsonrpc_urls.n_items ? NULL : join_urls(jb, "/jsonrpc");
    if (!f->jsonrpc_urls.n_items && !urls)
        return BT_ENOMEM;
    struct bts_ethrpc_conf rc = {
        .http = {.urls = (const char *const *)(urls ? urls : jb->items),
                 .n_urls = jb->n_items,
                 .headers = hdrs,
                 .n_headers = n_hdrs,
                 .timeout_ms = timeout,
                 .attempts = f->retries},
        .chain_id = f->chain_id,
    };
    st = bts_ethrpc_new(&t->rpc, t->host, t->hctx, &rc);
    free_urls(urls, jb->n_items);
    return st;
}

void tron_api_close(struct tron *t)
{
    /* Each free answers that client's pending requests with BT_ECANCELED. */
    for (int e = 0; e < TRON_EP_COUNT; e++) {
        struct bts_http *c = t->ep[e];
        t->ep[e] = NULL;
        bts_http_free(c);
    }
    struct bts_ethrpc *rpc = t->rpc;
    t->rpc = NULL;
    bts_ethrpc_free(rpc);
}

struct post_ctx {
    struct tron *t;
    tron_reply_fn cb;
    void *arg;
};

static void on_http(void *arg, const struct bts_http_resp *r)
{
    struct post_ctx *p = arg;
    struct tron *t = p->t;
    tron_reply_fn cb = p->cb;
    void *cb_arg = p->arg;
    free(p);
    if (r->st != BT_OK) {
        if (r->st != BT_ECANCELED)
            t->down = 1;
        tron_note(t, r->st, r->error);
        cb(cb_arg, r->st, NULL, 0, r->error);
        return;
    }
    /* an answer after a transport failure: the node is back (an outage ended) */
    if (t->down) {
        t->down = 0;
        t->reconnects++;
        if (t->has_metric)
            t->host->metric_update(t->hctx, t->metric[TRON_M_RECONNECTS], 1);
        BTS_INFO(t->hctx, "node reachable again", "url=%s reconnects=%llu", r->url,
                 (unsigned long long)t->reconnects);
    }
    /* java-tron answers 200 even for errors (§1.6); anything else is a proxy or a wrong URL. */
    if (r->http_status != 200) {
        /* 404: this node does not serve the endpoint (a fullnode port has no /walletsolidity). */
        bt_status st = r->http_status == 404 ? BT_ENOTSUP : BT_EIO;
        char err[300];
        snprintf(err, sizeof(err), "%s: http status %ld", r->url, r->http_status);
        tron_note(t, st, err);
        cb(cb_arg, st, NULL, 0, err);
        return;
    }
    cb(cb_arg, BT_OK, (const char *)r->body, r->body_len, "");
}

bt_status tron_post(struct tron *t, enum tron_ep ep, const char *json, tron_reply_fn cb, void *arg)
{
    if (t->stopped || !t->ep[ep])
        return BT_ECANCELED;
    struct post_ctx *p = malloc(sizeof(*p));
    if (!p)
        return BT_ENOMEM;
    p->t = t;
    p->cb = cb;
    p->arg = arg;
    bt_status st = bts_http_post(t->ep[ep], (const uint8_t *)json, strlen(json), on_http, p);
    if (st != BT_OK)
        free(p);
    return st;
}

void tron_note(struct tron *t, bt_status st, const char *err)
{
    if (st == BT_OK || st == BT_ENOTFOUND || st == BTS_TRON_EREVERT) {
        t->last_ok_ms = t->host->wall_ms(t->hctx);
        return;
    }
    if (st == BT_ECANCELED)
        return;
    snprintf(t->last_err, sizeof(t->last_err), "%s", err);
    if (t->has_metric)
        t->host->metric_update(t->hctx, t->metric[st == BT_EPROTO ? TRON_M_BAD : TRON_M_ERRORS], 1);
    if (st == BT_EPROTO)
        BTS_WARN(t->hctx, "bad answer", "err=\"%s\"", err);
}

void tron_set_err(struct tron *t, bt_status st, const char *err)
{
    if (st == BT_OK)
        t->err[0] = 0;
    else
        snprintf(t->err, sizeof(t->err), "rootchain-tron: %s",
                 st == BT_ECANCELED && !*err ? "cancelled by shutdown" : err);
}

void tron_saw_head(struct tron *t, const struct bts_tron_block *b)
{
    if (b->number >= t->head_block.number) {
        t->head_block = *b;
        t->head_seen_ms = t->host->now_ms(t->hctx);
    }
    if (b->number > t->head) {
        t->head = b->number;
        if (t->has_metric)
            t->host->metric_update(t->hctx, t->metric[TRON_M_HEAD], (double)t->head);
    }
}
