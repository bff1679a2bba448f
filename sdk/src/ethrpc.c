/* bts/ethrpc.h: JSON-RPC 2.0 framing over bts/http.h, the chain id check, and the typed helpers
 * (ROOTCHAINS.md §3 table). Each helper parses and validates its answer before calling back. */
#include <bts/ethrpc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/json.h>
#include <bts/keccak.h>

#include "ethrpc_int.h"

struct bts_ethrpc {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct bts_http *http;
    uint64_t want_chain; /* 0: not checked */
    uint64_t seen_chain;
    int verified; /* the current endpoint reported want_chain */
    int closing;
    int down; /* the last transfer failed: the next answer counts as a reconnect */
    uint64_t next_id;
    struct bts_ethrpc_stats stats;
};

struct rpc_req {
    struct bts_ethrpc *rpc;
    uint64_t id;
    char method[48];
    json_t *params;
    bts_ethrpc_fn cb;
    void *arg;
    int verifying; /* the HTTP call in flight is the eth_chainId check */
};

static void rpc_req_free(struct rpc_req *q)
{
    json_decref(q->params);
    free(q);
}

static bt_status rpc_send(struct rpc_req *q);

/* Count the outcome by kind (bts_ethrpc_stats), then answer the caller and free the request. */
static void rpc_answer(struct rpc_req *q, const struct bts_ethrpc_reply *r)
{
    struct bts_ethrpc_stats *k = &q->rpc->stats;
    bt_status p = BT_STATUS_PRIMARY(r->st);
    if (r->st == BT_OK || r->st == BTS_ETHRPC_EREVERT)
        k->ok++;
    else if (r->st == BT_ECANCELED)
        k->cancelled++;
    else if (r->st == BTS_ETHRPC_EREMOTE)
        k->err_remote++;
    else if (r->st == BTS_ETHRPC_ECHAIN)
        k->err_chain++;
    else if (p == BT_ETIMEDOUT)
        k->err_timeout++;
    else if (p == BT_EIO)
        k->err_transport++;
    else
        k->err_invalid++;
    q->cb(q->arg, r);
    rpc_req_free(q);
}

static void rpc_fail(struct rpc_req *q, bt_status st, const char *url, long http_status,
                     const char *err)
{
    struct bts_ethrpc_reply r = {
        .st = st, .http_status = http_status, .url = url ? url : "", .err = err};
    rpc_answer(q, &r);
}

static void rpc_on_http(void *arg, const struct bts_http_resp *h)
{
    struct rpc_req *q = arg;
    struct bts_ethrpc *rpc = q->rpc;
    const char *method = q->verifying ? "eth_chainId" : q->method;
    char err[512], sub[400];
    if (h->st != BT_OK && h->st != BT_ECANCELED)
        rpc->down = 1;
    else if (h->st == BT_OK && rpc->down) {
        rpc->down = 0; /* the endpoint answers again after an outage */
        rpc->stats.reconnects++;
    }
    if (h->st != BT_OK) {
        rpc->verified = 0; /* an outage or failover: re-check the chain id next time */
        snprintf(err, sizeof(err), "%s: %s", method, h->error);
        rpc_fail(q, h->st, h->url, h->http_status, err);
        return;
    }
    json_t *res = NULL;
    int64_t code = 0;
    bt_status st = bts_ethrpc_parse_reply(&res, &code, (const char *)h->body, h->body_len, q->id,
                                          sub, sizeof(sub));
    if (st == BT_EPROTO && (h->http_status < 200 || h->http_status > 299))
        snprintf(sub, sizeof(sub), "http status %ld", h->http_status);
    if (st != BT_OK) {
        ethrpc_errf(err, sizeof(err), "%s: %s: %s", method, h->url, sub);
        struct bts_ethrpc_reply r = {.st = st,
                                     .code = code,
                                     .data = res,
                                     .http_status = h->http_status,
                                     .url = h->url,
                                     .err = err};
        rpc_answer(q, &r);
        json_decref(res);
        return;
    }
    if (q->verifying) {
        uint64_t chain;
        if (bts_json_as_u64(&chain, res, sub, sizeof(sub)) != BT_OK) {
            ethrpc_errf(err, sizeof(err), "eth_chainId: %s: %s", h->url, sub);
            json_decref(res);
            rpc_fail(q, BT_EPROTO, h->url, h->http_status, err);
            return;
        }
        json_decref(res);
        rpc->seen_chain = chain;
        if (chain != rpc->want_chain) {
            snprintf(err, sizeof(err), "%s: %s reports chain id %llu, expected %llu", q->method,
                     h->url, (unsigned long long)chain, (unsigned long long)rpc->want_chain);
            rpc_fail(q, BTS_ETHRPC_ECHAIN, h->url, h->http_status, err);
            return;
        }
        rpc->verified = 1;
        q->verifying = 0;
        st = rpc_send(q);
        if (st != BT_OK) {
            snprintf(err, sizeof(err), "%s: cannot send: %s", q->method, bts_status_str(st));
            rpc_fail(q, st, h->url, 0, err);
        }
        return;
    }
    if (!strcmp(q->method, "eth_chainId") && json_is_string(res)) {
        uint64_t chain;
        if (bts_json_as_u64(&chain, res, NULL, 0) == BT_OK)
            rpc->seen_chain = chain;
    }
    struct bts_ethrpc_reply r = {
        .st = BT_OK, .result = res, .http_status = h->http_status, .url = h->url, .err = ""};
    rpc_answer(q, &r);
    json_decref(res);
}

/* Frame and post the request (or the chain id check in front of it). */
static bt_status rpc_send(struct rpc_req *q)
{
    struct bts_ethrpc *rpc = q->rpc;
    q->verifying = rpc->want_chain && !rpc->verified;
    q->id = ++rpc->next_id;
    json_t *msg = json_pack("{s:s, s:I, s:s, s:O}", "jsonrpc", "2.0", "id", (json_int_t)q->id,
                            "method", q->verifying ? "eth_chainId" : q->method, "params",
                            q->verifying ? json_array() : q->params);
    if (!msg)
        return BT_ENOMEM;
    if (q->verifying) /* json_pack's O took a reference to the fresh [] too; drop ours */
        json_decref(json_object_get(msg, "params"));
    char *body = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!body)
        return BT_ENOMEM;
    bt_status st = bts_http_post(rpc->http, (const uint8_t *)body, strlen(body), rpc_on_http, q);
    free(body);
    return st;
}

bt_status bts_ethrpc_request(struct bts_ethrpc *rpc, const char *method, json_t *params,
                             bts_ethrpc_fn cb, void *arg)
{
    if (!params)
        params = json_array();
    if (!params)
        return BT_ENOMEM;
    if (rpc->closing || strlen(method) >= sizeof(((struct rpc_req *)0)->method)) {
        json_decref(params);
        return rpc->closing ? BT_ECANCELED : BT_EINVAL;
    }
    struct rpc_req *q = calloc(1, sizeof(*q));
    if (!q) {
        json_decref(params);
        return BT_ENOMEM;
    }
    q->rpc = rpc;
    strcpy(q->method, method);
    q->params = params;
    q->cb = cb;
    q->arg = arg;
    bt_status st = rpc_send(q);
    if (st != BT_OK)
        rpc_req_free(q);
    else
        rpc->stats.requests++;
    return st;
}

bt_status bts_ethrpc_new(struct bts_ethrpc **out, const struct bt_host *host,
                         struct bt_host_ctx *hctx, const struct bts_ethrpc_conf *conf)
{
    *out = NULL;
    struct bts_ethrpc *rpc = calloc(1, sizeof(*rpc));
    if (!rpc)
        return BT_ENOMEM;
    bt_status st = bts_http_new(&rpc->http, host, hctx, &conf->http);
    if (st != BT_OK) {
        free(rpc);
        return st;
    }
    rpc->host = host;
    rpc->hctx = hctx;
    rpc->want_chain = conf->chain_id;
    *out = rpc;
    return BT_OK;
}

void bts_ethrpc_free(struct bts_ethrpc *rpc)
{
    if (!rpc)
        return;
    rpc->closing = 1;
    bts_http_free(rpc->http); /* answers every pending request with BT_ECANCELED */
    free(rpc);
}

const char *bts_ethrpc_url(const struct bts_ethrpc *rpc)
{
    return bts_http_current_url(rpc->http);
}

uint64_t bts_ethrpc_chain_id(const struct bts_ethrpc *rpc)
{
    return rpc->seen_chain;
}

void bts_ethrpc_get_stats(const struct bts_ethrpc *rpc, struct bts_ethrpc_stats *out)
{
    *out = rpc->stats;
}

/* --- typed helpers ------------------------------------------------------------------------- */

/* One context for every typed helper; `kind` says which callback and parser apply. */
enum rpc_kind { K_U64 = 1, K_BLOCK, K_CALL, K_SEND, K_RECEIPT };

struct rpc_typed {
    enum rpc_kind kind;
    union {
        bts_ethrpc_u64_fn u64;
        bts_ethrpc_block_fn block;
        bts_ethrpc_bytes_fn bytes;
        bts_ethrpc_receipt_fn receipt;
    } cb;
    void *arg;
    const char *method;
    int has_number; /* K_BLOCK by number: the answer must carry it */
    uint64_t number;
    uint8_t hash[32]; /* K_SEND: keccak of raw; K_RECEIPT: the hash asked for */
};

static void typed_fail(struct rpc_typed *t, bt_status st, const char *err, const uint8_t *data,
                       size_t data_len)
{
    switch (t->kind) {
    case K_U64:
        t->cb.u64(t->arg, st, 0, err);
        break;
    case K_BLOCK:
        t->cb.block(t->arg, st, NULL, err);
        break;
    case K_CALL:
    case K_SEND:
        t->cb.bytes(t->arg, st, data, data_len, err);
        break;
    case K_RECEIPT:
        t->cb.receipt(t->arg, st, NULL, err);
        break;
    }
}

static void typed_on_reply(void *arg, const struct bts_ethrpc_reply *r)
{
    struct rpc_typed *t = arg;
    char sub[300], err[512];
    if (r->st != BT_OK) {
        uint8_t *data = NULL;
        size_t data_len = 0;
        /* A revert carries its data (Error(string), custom errors) as a hex string. */
        if (r->st == BTS_ETHRPC_EREVERT && r->data &&
            bts_json_as_data(&data, &data_len, r->data, NULL, 0) != BT_OK)
            data = NULL, data_len = 0;
        typed_fail(t, r->st, r->err, data, data_len);
        free(data);
        free(t);
        return;
    }
    bt_status st = BT_EPROTO;
    switch (t->kind) {
    case K_U64: {
        uint64_t v;
        st = bts_json_as_u64(&v, r->result, sub, sizeof(sub));
        if (st == BT_OK) {
            t->cb.u64(t->arg, BT_OK, v, "");
            goto done;
        }
        break;
    }
    case K_BLOCK: {
        struct bts_ethrpc_block b;
        if (json_is_null(r->result)) {
            t->cb.block(t->arg, BT_OK, NULL, "");
            goto done;
        }
        st = bts_ethrpc_parse_block(&b, r->result, sub, sizeof(sub));
        if (st == BT_OK && t->has_number && b.number != t->number) {
            snprintf(sub, sizeof(sub), "asked for block %llu, got %llu",
                     (unsigned long long)t->number, (unsigned long long)b.number);
            st = BT_EPROTO;
        }
        if (st == BT_OK) {
            t->cb.block(t->arg, BT_OK, &b, "");
            goto done;
        }
        break;
    }
    case K_CALL: {
        uint8_t *out = NULL;
        size_t out_len = 0;
        st = bts_json_as_data(&out, &out_len, r->result, sub, sizeof(sub));
        if (st == BT_OK) {
            t->cb.bytes(t->arg, BT_OK, out, out_len, "");
            free(out);
            goto done;
        }
        break;
    }
    case K_SEND: {
        uint8_t h[32];
        st = bts_json_as_hash(h, r->result, sub, sizeof(sub));
        if (st == BT_OK && memcmp(h, t->hash, 32) != 0) {
            snprintf(sub, sizeof(sub), "node reports a hash that is not keccak256 of the raw tx");
            st = BT_EPROTO;
        }
        if (st == BT_OK) {
            t->cb.bytes(t->arg, BT_OK, h, 32, "");
            goto done;
        }
        break;
    }
    case K_RECEIPT: {
        struct bts_ethrpc_receipt rc;
        st = bts_ethrpc_parse_receipt(&rc, r->result, sub, sizeof(sub));
        if (st == BT_ENOTFOUND) {
            t->cb.receipt(t->arg, BT_OK, NULL, "");
            goto done;
        }
        if (st == BT_OK && memcmp(rc.tx_hash, t->hash, 32) != 0) {
            snprintf(sub, sizeof(sub), "receipt of another transaction");
            st = BT_EPROTO;
        }
        if (st == BT_OK) {
            t->cb.receipt(t->arg, BT_OK, &rc, "");
            bts_ethrpc_receipt_free(&rc);
            goto done;
        }
        bts_ethrpc_receipt_free(&rc);
        break;
    }
    }
    if (st != BT_ENOMEM)
        st = BT_EPROTO;
    ethrpc_errf(err, sizeof(err), "%s: %s: %s", t->method, r->url, sub);
    typed_fail(t, st, err, NULL, 0);
done:
    free(t);
}

static bt_status typed_request(struct bts_ethrpc *rpc, const char *method, json_t *params,
                               struct rpc_typed *t)
{
    t->method = method;
    bt_status st = bts_ethrpc_request(rpc, method, params, typed_on_reply, t);
    if (st != BT_OK)
        free(t);
    return st;
}

static struct rpc_typed *typed_new(enum rpc_kind kind, void *arg)
{
    struct rpc_typed *t = calloc(1, sizeof(*t));
    if (t) {
        t->kind = kind;
        t->arg = arg;
    }
    return t;
}

bt_status bts_ethrpc_u64(struct bts_ethrpc *rpc, const char *method, bts_ethrpc_u64_fn cb,
                         void *arg)
{
    struct rpc_typed *t = typed_new(K_U64, arg);
    if (!t)
        return BT_ENOMEM;
    t->cb.u64 = cb;
    return typed_request(rpc, method, NULL, t);
}

bt_status bts_ethrpc_nonce(struct bts_ethrpc *rpc, const uint8_t addr[20], bts_ethrpc_u64_fn cb,
                           void *arg)
{
    struct rpc_typed *t = typed_new(K_U64, arg);
    json_t *p = json_pack("[os]", bts_json_new_address(addr), "pending");
    if (!t || !p) {
        free(t);
        json_decref(p);
        return BT_ENOMEM;
    }
    t->cb.u64 = cb;
    return typed_request(rpc, "eth_getTransactionCount", p, t);
}

bt_status bts_ethrpc_get_block(struct bts_ethrpc *rpc, const char *tag, uint64_t number,
                               bts_ethrpc_block_fn cb, void *arg)
{
    struct rpc_typed *t = typed_new(K_BLOCK, arg);
    json_t *p = json_pack("[ob]", tag ? json_string(tag) : bts_json_new_u64(number), 0);
    if (!t || !p) {
        free(t);
        json_decref(p);
        return BT_ENOMEM;
    }
    t->cb.block = cb;
    t->has_number = tag == NULL;
    t->number = number;
    return typed_request(rpc, "eth_getBlockByNumber", p, t);
}

static json_t *callmsg_json(const struct bts_ethrpc_callmsg *m)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if ((m->from && bts_json_set_address(o, "from", m->from) != BT_OK) ||
        bts_json_set_address(o, "to", m->to) != BT_OK ||
        bts_json_set_data(o, "data", m->data, m->data_len) != BT_OK ||
        (m->value && bts_json_set_u256(o, "value", m->value) != BT_OK)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

bt_status bts_ethrpc_call(struct bts_ethrpc *rpc, const struct bts_ethrpc_callmsg *msg,
                          uint64_t block, bts_ethrpc_bytes_fn cb, void *arg)
{
    struct rpc_typed *t = typed_new(K_CALL, arg);
    json_t *p = json_pack("[oo]", callmsg_json(msg),
                          block ? bts_json_new_u64(block) : json_string("latest"));
    if (!t || !p) {
        free(t);
        json_decref(p);
        return BT_ENOMEM;
    }
    t->cb.bytes = cb;
    return typed_request(rpc, "eth_call", p, t);
}

bt_status bts_ethrpc_estimate_gas(struct bts_ethrpc *rpc, const struct bts_ethrpc_callmsg *msg,
                                  bts_ethrpc_u64_fn cb, void *arg)
{
    struct rpc_typed *t = typed_new(K_U64, arg);
    json_t *p = json_pack("[o]", callmsg_json(msg));
    if (!t || !p) {
        free(t);
        json_decref(p);
        return BT_ENOMEM;
    }
    t->cb.u64 = cb;
    return typed_request(rpc, "eth_estimateGas", p, t);
}

bt_status bts_ethrpc_send_raw(struct bts_ethrpc *rpc, const uint8_t *raw, size_t raw_len,
                              bts_ethrpc_bytes_fn cb, void *arg)
{
    struct rpc_typed *t = typed_new(K_SEND, arg);
    json_t *p = json_pack("[o]", bts_json_new_data(raw, raw_len));
    if (!t || !p) {
        free(t);
        json_decref(p);
        return BT_ENOMEM;
    }
    t->cb.bytes = cb;
    bts_keccak256(t->hash, raw, raw_len);
    return typed_request(rpc, "eth_sendRawTransaction", p, t);
}

bt_status bts_ethrpc_get_receipt(struct bts_ethrpc *rpc, const uint8_t hash[32],
                                 bts_ethrpc_receipt_fn cb, void *arg)
{
    struct rpc_typed *t = typed_new(K_RECEIPT, arg);
    json_t *p = json_pack("[o]", bts_json_new_hash(hash));
    if (!t || !p) {
        free(t);
        json_decref(p);
        return BT_ENOMEM;
    }
    t->cb.receipt = cb;
    memcpy(t->hash, hash, 32);
    return typed_request(rpc, "eth_getTransactionReceipt", p, t);
}
