/* The dev TRON API server: routing of /wallet/..., /walletsolidity/... and /jsonrpc to the
 * handlers, java-tron's answer conventions (HTTP 200 with JSON, errors in the body), and the evhttp
 * glue. */
#include "tronapi_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "net_int.h"

struct route {
    const char *name; /* after /wallet/ or /walletsolidity/ */
    tronapi_fn fn;
    int has_solid; /* also served under /walletsolidity/ */
};

static const struct route routes[] = {
    {"getnowblock", tronapi_getnowblock, 1},
    {"getblockbynum", tronapi_getblockbynum, 1},
    {"getblock", tronapi_getblock, 1},
    {"getblockbyid", tronapi_getblockbyid, 1},
    {"getaccount", tronapi_getaccount, 1},
    {"getcontract", tronapi_getcontract, 0},
    {"getchainparameters", tronapi_getchainparameters, 0},
    {"triggerconstantcontract", tronapi_triggerconstant, 1},
    {"triggersmartcontract", tronapi_triggersmart, 0},
    {"broadcasttransaction", tronapi_broadcasttransaction, 0},
    {"broadcasthex", tronapi_broadcasthex, 0},
    {"gettransactionbyid", tronapi_gettransactionbyid, 1},
    {"gettransactioninfobyid", tronapi_gettransactioninfobyid, 1},
};

json_t *tronapi_jhex_view(const struct tronapi *t, const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n + 1);
    if (!c)
        return NULL;
    if (n)
        memcpy(c, p, n);
    tronapi_rewrite_words(t, c, n, 0);
    json_t *j = tronapi_jhex(c, n);
    free(c);
    return j;
}

json_t *tronapi_error(const char *msg)
{
    char text[512];
    snprintf(text, sizeof(text), "class java.lang.IllegalArgumentException : %s", msg);
    return json_pack("{s:s}", "Error", text);
}

json_t *tronapi_result_error(const char *code, const char *msg)
{
    json_t *m = tronapi_jhex(msg, strlen(msg));
    return m ? json_pack("{s:{s:s,s:o}}", "result", "code", code, "message", m) : NULL;
}

void tronapi_block_id(uint8_t out[32], uint64_t number, const uint8_t hash[32])
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(number >> (56 - 8 * i));
    memcpy(out + 8, hash + 8, 24);
}

uint64_t tronapi_solid_head(struct tronapi *t)
{
    uint64_t head;
    uint8_t hash[32];
    chain_head(t->o.chain, &head, hash);
    return head > t->o.solid_lag ? head - t->o.solid_lag : 0;
}

const struct tronapi_rec *tronapi_rec_by_txid(const struct tronapi *t, const uint8_t txid[32])
{
    for (size_t i = 0; i < t->n_recs; i++)
        if (memcmp(t->recs[i].txid, txid, 32) == 0)
            return &t->recs[i];
    return NULL;
}

const struct tronapi_rec *tronapi_rec_by_evm(const struct tronapi *t, const uint8_t hash[32])
{
    for (size_t i = 0; i < t->n_recs; i++)
        if (memcmp(t->recs[i].evm_hash.bytes, hash, 32) == 0)
            return &t->recs[i];
    return NULL;
}

bt_status tronapi_new(struct tronapi **out, const struct tronapi_opts *o)
{
    struct tronapi *t = calloc(1, sizeof(*t));
    if (!t)
        return BT_ENOMEM;
    t->o = *o;
    bt_status st = tronapi_rec_load(t);
    for (size_t i = 0; st == BT_OK && i < t->n_recs; i++)
        st = tronapi_alias_of_rec(t, i);
    if (st != BT_OK) {
        tronapi_free(t);
        return st;
    }
    *out = t;
    return BT_OK;
}

void tronapi_free(struct tronapi *t)
{
    if (!t)
        return;
    if (t->http)
        evhttp_free(t->http);
    for (size_t i = 0; i < t->n_recs; i++) {
        free(t->recs[i].raw);
        free(t->recs[i].sigs);
    }
    free(t->recs);
    free(t->alias);
    free(t->dev);
    free(t);
}

/* int64_as_string=true: every integer but the int32 `version` prints as a string. */
static void int64_as_string(json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;
    void *tmp;
    if (json_is_object(j)) {
        json_object_foreach_safe(j, tmp, k, v)
        {
            if (json_is_integer(v) && strcmp(k, "version") != 0) {
                char s[32];
                snprintf(s, sizeof(s), "%lld", (long long)json_integer_value(v));
                json_object_set_new(j, k, json_string(s));
            } else {
                int64_as_string(v);
            }
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) int64_as_string(v);
    }
}

static int is_true(const json_t *v)
{
    const char *s = json_string_value(v);
    return json_is_true(v) || (s && strcmp(s, "true") == 0);
}

bt_status tronapi_handle(struct tronapi *t, const char *path, const char *query, const char *body,
                         size_t body_len, char **out, size_t *out_len)
{
    const struct route *hit = NULL;
    int is_solid = 0, is_rpc = 0;
    const char *name = NULL;
    if (strncmp(path, "/wallet/", 8) == 0)
        name = path + 8;
    else if (strncmp(path, "/walletsolidity/", 16) == 0)
        name = path + 16, is_solid = 1;
    else if (strcmp(path, "/jsonrpc") == 0)
        is_rpc = 1;
    for (size_t i = 0; name && i < sizeof(routes) / sizeof(routes[0]) && !hit; i++)
        if (strcmp(routes[i].name, name) == 0 && (!is_solid || routes[i].has_solid))
            hit = &routes[i];
    if (!hit && !is_rpc)
        return BT_ENOTFOUND;
    char err[256];
    json_t *ans;
    if (is_rpc) {
        json_error_t je;
        json_t *req = json_loadb(body ? body : "", body_len, 0, &je);
        ans = req ? tronapi_jsonrpc(t, req)
                  : json_pack("{s:s,s:n,s:{s:i,s:s}}", "jsonrpc", "2.0", "id", "error", "code",
                              -32700, "message", "parse error");
        json_decref(req);
    } else {
        json_t *params = tronapi_params(query, body, body_len, err, sizeof(err));
        if (!params) {
            ans = tronapi_error(err);
        } else {
            ans = hit->fn(t, params, is_solid);
            if (ans && is_true(json_object_get(params, "int64_as_string")))
                int64_as_string(ans);
            json_decref(params);
        }
    }
    if (!ans)
        return BT_ENOMEM;
    *out = json_dumps(ans, JSON_COMPACT);
    json_decref(ans);
    if (!*out)
        return BT_ENOMEM;
    *out_len = strlen(*out);
    return BT_OK;
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *body,
                  size_t len)
{
    struct evbuffer *b = evbuffer_new();
    if (!b) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/json; charset=utf-8");
    evbuffer_add(b, body, len);
    evhttp_send_reply(req, code, reason, b);
    evbuffer_free(b);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct tronapi *t = arg;
    const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
    const char *path = u ? evhttp_uri_get_path(u) : NULL;
    const char *query = u ? evhttp_uri_get_query(u) : NULL;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t blen = evbuffer_get_length(in);
    char *body = malloc(blen + 1), *out = NULL;
    size_t out_len = 0;
    if (!body) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    evbuffer_remove(in, body, blen);
    body[blen] = '\0';
    /* trailing slashes are accepted as java-tron's servlet mapping does */
    char p[128];
    snprintf(p, sizeof(p), "%s", path && *path ? path : "/");
    size_t pl = strlen(p);
    while (pl > 1 && p[pl - 1] == '/')
        p[--pl] = '\0';
    bt_status st = tronapi_handle(t, p, query, body, blen, &out, &out_len);
    free(body);
    if (st == BT_OK)
        reply(req, 200, "OK", out, out_len);
    else if (st == BT_ENOTFOUND)
        reply(req, 404, "Not Found", "{}", 2);
    else
        evhttp_send_error(req, 500, NULL);
    free(out);
}

bt_status tronapi_listen(struct tronapi *t, struct event_base *base, const char *addr,
                         uint16_t port, uint16_t *out_port, char *err, size_t err_cap)
{
    t->http = evhttp_new(base);
    if (!t->http) {
        snprintf(err, err_cap, "out of memory");
        return BT_EIO;
    }
    evhttp_set_allowed_methods(t->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
    evhttp_set_max_body_size(t->http, 2 * TRONAPI_MAX_TX_BYTES + 4096);
    evhttp_set_gencb(t->http, on_request, t);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(t->http, addr, port);
    if (!bs) {
        snprintf(err, err_cap, "cannot listen on %s:%u", addr, port);
        evhttp_free(t->http);
        t->http = NULL;
        return BT_EIO;
    }
    *out_port = net_bound_port(evhttp_bound_socket_get_fd(bs));
    return BT_OK;
}
