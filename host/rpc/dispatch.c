/* The JSON-RPC dispatcher: method table, request classification and batches as geth's
 * rpc/handler.go and rpc/json.go do them, and the life of a call until it is answered. A call
 * is answered exactly once, now or later on the loop; the request it belongs to sends its
 * response when its last call is answered. */
#include "rpc_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "dispatch_int.h"
#include "metrics_int.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Request counts, error answers and latency by method (geth exports rpc/duration timers;
 * these are their Prometheus shapes). */
static void method_metrics(struct rpc_method *m)
{
    struct metrics *reg = metrics_global();
    char esc[300], labels[320];
    metrics_label_escape(esc, sizeof(esc), m->name);
    snprintf(labels, sizeof(labels), "method=\"%s\"", esc);
    m->m_calls = metrics_counter(reg, "bttcd_rpc_requests_total", labels,
                                 "JSON-RPC calls dispatched, by method");
    m->m_errors = metrics_counter(reg, "bttcd_rpc_errors_total", labels,
                                  "JSON-RPC calls answered with an error, by method");
    m->m_time = metrics_histogram(reg, "bttcd_rpc_duration_seconds", labels,
                                  "JSON-RPC call latency from dispatch to answer, by method",
                                  metrics_seconds_buckets, metrics_seconds_n_buckets);
}

void rpc_limits_default(struct rpc_limits *out)
{
    out->max_request = 5u * 1024 * 1024;     /* geth rpc/http.go maxRequestContentLength */
    out->max_batch = 1000;                   /* geth node/defaults.go BatchRequestLimit */
    out->max_batch_resp = 25u * 1000 * 1000; /* geth BatchResponseMaxSize */
}

struct rpc_server *rpc_server_new(const struct rpc_limits *lim)
{
    struct rpc_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (lim)
        s->lim = *lim;
    else
        rpc_limits_default(&s->lim);
    if (rpc_builtin_register(s) != BT_OK) {
        rpc_server_free(s);
        return NULL;
    }
    return s;
}

static void call_free(struct rpc_call *c)
{
    free(c->id_text);
    free(c->method);
    free(c->params);
    free(c);
}

static void call_unlink(struct rpc_server *s, struct rpc_call *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        s->calls = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->next = c->prev = NULL;
    c->is_linked = 0;
}

static void req_free(struct rpc_req *r)
{
    for (size_t i = 0; i < r->n_slots; i++)
        free(r->slots[i].text);
    free(r->slots);
    free(r);
}

void rpc_server_free(struct rpc_server *s)
{
    if (!s)
        return;
    rpc_subs_free_all(s);
    /* Shutdown: nobody will answer any more; free requests and calls without answers. */
    while (s->calls) {
        struct rpc_call *c = s->calls;
        call_unlink(s, c);
        struct rpc_req *r = c->req;
        if (r && --r->n_waiting == 0 && !r->is_dispatching) {
            if (r->pending)
                rpc_req_unlink(r);
            req_free(r);
        }
        if (!c->in_handler)
            call_free(c);
    }
    for (size_t i = 0; i < s->n_methods; i++)
        free(s->methods[i].name);
    free(s->methods);
    free(s);
}

const struct rpc_limits *rpc_server_limits(const struct rpc_server *s)
{
    return &s->lim;
}

void rpc_server_set_limits(struct rpc_server *s, const struct rpc_limits *lim)
{
    s->lim = *lim;
}

/* --- method table: sorted by name, binary search ------------------------------------------ */

static size_t method_pos(const struct rpc_server *s, const char *name, int *out_found)
{
    size_t lo = 0, hi = s->n_methods;
    *out_found = 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->methods[mid].name, name);
        if (c == 0) {
            *out_found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bt_status rpc_register(struct rpc_server *s, void *owner, const char *method, uint32_t flags,
                       bt_rpc_fn fn, void *arg)
{
    size_t n = strlen(method);
    if (n == 0 || n > 127)
        return BT_EINVAL;
    int found;
    size_t pos = method_pos(s, method, &found);
    if (found)
        return BT_EEXIST;
    if (s->n_methods == s->cap_methods) {
        size_t cap = s->cap_methods ? s->cap_methods * 2 : 32;
        struct rpc_method *m = realloc(s->methods, cap * sizeof(*m));
        if (!m)
            return BT_ENOMEM;
        s->methods = m;
        s->cap_methods = cap;
    }
    char *name = strdup(method);
    if (!name)
        return BT_ENOMEM;
    memmove(&s->methods[pos + 1], &s->methods[pos], (s->n_methods - pos) * sizeof(*s->methods));
    s->methods[pos] = (struct rpc_method){name, owner, flags, fn, arg, NULL, NULL, NULL, NULL};
    method_metrics(&s->methods[pos]);
    s->n_methods++;
    return BT_OK;
}

struct rpc_method *rpc_method_find(struct rpc_server *s, const char *name)
{
    int found;
    size_t pos = method_pos(s, name, &found);
    return found ? &s->methods[pos] : NULL;
}

void rpc_drop_owner(struct rpc_server *s, void *owner)
{
    size_t out = 0;
    for (size_t i = 0; i < s->n_methods; i++) {
        if (s->methods[i].owner == owner) {
            free(s->methods[i].name);
            s->n_fast -= s->methods[i].fast != NULL;
        } else {
            s->methods[out++] = s->methods[i];
        }
    }
    s->n_methods = out;
    struct rpc_call *c = s->calls;
    while (c) {
        struct rpc_call *next = c->next;
        if (c->owner == owner)
            rpc_answer(s, owner, &c->pub, 1, RPC_ERR_SERVER, "method handler went away", NULL,
                       NULL);
        c = next;
    }
}

static int may_call(const struct rpc_method *m, const struct rpc_peer *peer)
{
    return !(m->flags & RPC_F_ADMIN) || peer->is_admin;
}

void rpc_each_method(const struct rpc_server *s, const struct rpc_peer *peer,
                     void (*fn)(void *arg, const char *method), void *arg)
{
    for (size_t i = 0; i < s->n_methods; i++)
        if (may_call(&s->methods[i], peer))
            fn(arg, s->methods[i].name);
}

/* --- response texts ------------------------------------------------------------------------ */

/* geth's jsonrpcMessage field order: jsonrpc, id, then error or result. */
static char *resp_result(const char *id, const char *result)
{
    size_t n = strlen(id) + strlen(result) + 40;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}", id, result);
    return out;
}

char *rpc_error_text(const char *id, int32_t code, const char *message, const char *data)
{
    json_t *js = json_string(message);
    if (!js)
        js = json_string("invalid error message");
    char *msg = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
    json_decref(js);
    if (!msg)
        return NULL;
    size_t n = strlen(id) + strlen(msg) + (data ? strlen(data) : 0) + 80;
    char *out = malloc(n);
    if (out && data)
        snprintf(out, n,
                 "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":%d,\"message\":%s,"
                 "\"data\":%s}}",
                 id, (int)code, msg, data);
    else if (out)
        snprintf(out, n, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":%d,\"message\":%s}}",
                 id, (int)code, msg);
    free(msg);
    return out;
}

/* Compact JSON text, or NULL if it is not JSON. */
static char *compact(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!v)
        return NULL;
    char *out = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(v);
    return out;
}

/* --- requests ------------------------------------------------------------------------------ */

void rpc_req_unlink(struct rpc_req *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        r->pending->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->next = r->prev = NULL;
    r->pending = NULL;
}

/* Every slot is filled: send the response and free the request. */
static void req_finish(struct rpc_req *r)
{
    if (r->pending)
        rpc_req_unlink(r);
    if (r->is_cancelled) {
        req_free(r);
        return;
    }
    if (!r->is_batch) {
        char *t = r->n_slots ? r->slots[0].text : NULL;
        r->done(r->arg, t, t ? strlen(t) : 0);
        req_free(r);
        return;
    }
    size_t total = 2;
    for (size_t i = 0; i < r->n_slots; i++)
        if (r->slots[i].text)
            total += strlen(r->slots[i].text) + 1;
    char *out = total > 2 ? malloc(total + 1) : NULL;
    if (total > 2 && !out) {
        char *e = rpc_error_text("null", RPC_ERR_INTERNAL, "out of memory", NULL);
        r->done(r->arg, e, e ? strlen(e) : 0);
        free(e);
    } else if (out) {
        size_t len = 0;
        out[len++] = '[';
        for (size_t i = 0; i < r->n_slots; i++) {
            if (!r->slots[i].text)
                continue;
            if (len > 1)
                out[len++] = ',';
            size_t n = strlen(r->slots[i].text);
            memcpy(out + len, r->slots[i].text, n);
            len += n;
        }
        out[len++] = ']';
        out[len] = 0;
        r->done(r->arg, out, len);
        free(out);
    } else {
        r->done(r->arg, NULL, 0); /* a batch of notifications only: no body */
    }
    req_free(r);
}

static void req_slot_set(struct rpc_req *r, size_t slot, char *text)
{
    r->slots[slot].text = text;
}

bt_status rpc_answer(struct rpc_server *s, void *owner, struct bt_rpc_call *pub, int is_error,
                     int32_t code, const char *text, const char *data_json, const char **out_why)
{
    const char *why_dummy;
    if (!out_why)
        out_why = &why_dummy;
    struct rpc_call *c = s->calls;
    while (c && &c->pub != pub)
        c = c->next;
    if (!c) {
        *out_why = "call is pending (not answered already)";
        return BT_EINVAL;
    }
    if (c->owner != owner) {
        *out_why = "call was made to a method this instance registered";
        return BT_EINVAL;
    }
    char *body = NULL, *data = NULL;
    if (!is_error && !(body = compact(text))) {
        *out_why = "result is valid JSON text";
        return BT_EINVAL;
    }
    if (is_error && data_json && !(data = compact(data_json))) {
        *out_why = "error data is valid JSON text";
        return BT_EINVAL;
    }
    call_unlink(s, c);
    c->is_answered = 1;
    if (is_error)
        metric_add(c->m_errors, 1);
    metric_observe(c->m_time, (double)(now_ns() - c->t0_ns) / 1e9);
    struct rpc_req *r = c->req;
    if (r) {
        char *resp;
        if (r->is_too_large && r->is_batch && c->slot > r->limit_slot) {
            resp = rpc_error_text(c->id_text, RPC_ERR_TOO_LARGE, "response too large", NULL);
        } else if (is_error) {
            resp = rpc_error_text(c->id_text, code, text, data);
        } else {
            resp = resp_result(c->id_text, body);
            /* geth handler.go: once the results of a batch pass the limit, later calls get
             * "response too large"; the call that crossed it keeps its result. */
            r->resp_bytes += strlen(body);
            if (r->is_batch && s->lim.max_batch_resp && r->resp_bytes > s->lim.max_batch_resp &&
                !r->is_too_large) {
                r->is_too_large = 1;
                r->limit_slot = c->slot;
            }
        }
        if (!resp)
            resp = rpc_error_text(c->id_text, RPC_ERR_INTERNAL, "out of memory", NULL);
        req_slot_set(r, c->slot, resp);
        if (--r->n_waiting == 0 && !r->is_dispatching)
            req_finish(r);
    }
    free(body);
    free(data);
    if (!c->in_handler)
        call_free(c);
    return BT_OK;
}

void rpc_call_result(struct bt_rpc_call *call, const char *json)
{
    struct rpc_call *c = call->host_private;
    rpc_answer(c->srv, c->owner, call, 0, 0, json, NULL, NULL);
}

void rpc_call_result_json(struct bt_rpc_call *call, struct json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    if (text)
        rpc_call_result(call, text);
    else
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
    free(text);
}

void rpc_call_error(struct bt_rpc_call *call, int32_t code, const char *message,
                    const char *data_json)
{
    struct rpc_call *c = call->host_private;
    rpc_answer(c->srv, c->owner, call, 1, code, message, data_json, NULL);
}

const struct rpc_peer *rpc_call_peer(const struct bt_rpc_call *call)
{
    const struct rpc_call *c = call->host_private;
    return &c->peer;
}

struct rpc_server *rpc_call_server(const struct bt_rpc_call *call)
{
    const struct rpc_call *c = call->host_private;
    return c->srv;
}

void rpc_pending_cancel(struct rpc_pending *p)
{
    while (p->head) {
        struct rpc_req *r = p->head;
        rpc_req_unlink(r);
        /* Its calls live on until answered, detached from the request. */
        for (struct rpc_call *c = r->srv->calls; c; c = c->next)
            if (c->req == r)
                c->req = NULL;
        req_free(r);
    }
}

/* --- messages: geth's jsonrpcMessage decoding (case-insensitive keys, last one wins, a
 * member of the wrong type reads as absent) ------------------------------------------------ */

static json_t *member(json_t *obj, const char *key)
{
    json_t *found = NULL;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        if (strcasecmp(k, key) == 0)
            found = v;
    }
    return found;
}

/* Fill slot `slot` of r for message msg. */
static void dispatch_one(struct rpc_req *r, size_t slot, json_t *msg)
{
    struct rpc_server *s = r->srv;
    json_t *ver = json_is_object(msg) ? member(msg, "jsonrpc") : NULL;
    json_t *id = json_is_object(msg) ? member(msg, "id") : NULL;
    json_t *jm = json_is_object(msg) ? member(msg, "method") : NULL;
    int has_ver = json_is_string(ver) && strcmp(json_string_value(ver), "2.0") == 0;
    int has_id = id && !json_is_object(id) && !json_is_array(id);
    const char *method = json_is_string(jm) ? json_string_value(jm) : "";
    char *id_text = has_id ? json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    if (has_id && !id_text) {
        req_slot_set(r, slot, rpc_error_text("null", RPC_ERR_INTERNAL, "out of memory", NULL));
        return;
    }
    int is_notif = has_ver && !id && *method;
    int is_call = has_ver && has_id && *method;
    if (!is_notif && !is_call) {
        req_slot_set(r, slot,
                     rpc_error_text(has_id ? id_text : "null", RPC_ERR_INVALID_REQ,
                                    "invalid request", NULL));
        free(id_text);
        return;
    }
    if (is_call && r->is_too_large) {
        req_slot_set(r, slot,
                     rpc_error_text(id_text, RPC_ERR_TOO_LARGE, "response too large", NULL));
        free(id_text);
        return;
    }
    int found;
    size_t pos = method_pos(s, method, &found);
    if (!found || !may_call(&s->methods[pos], &r->peer)) {
        if (is_call) {
            char msg_text[200];
            snprintf(msg_text, sizeof(msg_text),
                     "the method %.127s does not exist/is not available", method);
            req_slot_set(r, slot, rpc_error_text(id_text, RPC_ERR_NO_METHOD, msg_text, NULL));
        }
        free(id_text);
        return;
    }
    const struct rpc_method *m = &s->methods[pos];
    json_t *params = member(msg, "params");
    struct rpc_call *c = calloc(1, sizeof(*c));
    char *ptext = params ? json_dumps(params, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("[]");
    char *mname = strdup(method);
    if (!c || !ptext || !mname) {
        free(c);
        free(ptext);
        free(mname);
        if (is_call)
            req_slot_set(r, slot, rpc_error_text(id_text, RPC_ERR_INTERNAL, "out of memory", NULL));
        free(id_text);
        return;
    }
    c->srv = s;
    c->owner = m->owner;
    c->m_errors = m->m_errors;
    c->m_time = m->m_time;
    c->t0_ns = now_ns();
    metric_add(m->m_calls, 1);
    c->peer = r->peer;
    c->id_text = id_text;
    c->method = mname;
    c->params = ptext;
    c->pub.struct_size = sizeof(c->pub);
    c->pub.method = c->method;
    c->pub.params = c->params;
    c->pub.params_len = strlen(c->params);
    c->pub.host_private = c;
    if (is_call) {
        c->req = r;
        c->slot = slot;
        r->n_waiting++;
    }
    c->next = s->calls;
    if (s->calls)
        s->calls->prev = c;
    s->calls = c;
    c->is_linked = 1;
    c->in_handler = 1;
    m->fn(m->arg, &c->pub);
    c->in_handler = 0;
    if (c->is_answered)
        call_free(c);
}

static struct rpc_req *req_new(struct rpc_server *s, const struct rpc_peer *peer, size_t n_slots,
                               int is_batch, rpc_done_fn done, void *arg)
{
    struct rpc_req *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->slots = calloc(n_slots ? n_slots : 1, sizeof(*r->slots));
    if (!r->slots) {
        free(r);
        return NULL;
    }
    r->srv = s;
    r->peer = *peer;
    r->n_slots = n_slots;
    r->is_batch = is_batch;
    r->done = done;
    r->arg = arg;
    return r;
}

/* A reply that does not depend on any handler. */
static void reply_now(rpc_done_fn done, void *arg, const char *prefix, int32_t code,
                      const char *message, const char *id, const char *suffix)
{
    char *e = rpc_error_text(id, code, message, NULL);
    if (!e) {
        done(arg, NULL, 0);
        return;
    }
    size_t n = strlen(prefix) + strlen(e) + strlen(suffix) + 1;
    char *out = malloc(n);
    if (out) {
        snprintf(out, n, "%s%s%s", prefix, e, suffix);
        done(arg, out, strlen(out));
    }
    free(out);
    free(e);
}

/* geth handler.go respondWithBatchTooLarge: one error in an array, with the id of the first
 * call of the batch. */
static void reply_batch_too_large(json_t *batch, rpc_done_fn done, void *arg)
{
    char *id = NULL;
    size_t i;
    json_t *msg;
    json_array_foreach(batch, i, msg)
    {
        if (!json_is_object(msg))
            continue;
        json_t *ver = member(msg, "jsonrpc"), *jid = member(msg, "id"), *m = member(msg, "method");
        if (json_is_string(ver) && strcmp(json_string_value(ver), "2.0") == 0 && jid &&
            !json_is_object(jid) && !json_is_array(jid) && json_is_string(m) &&
            *json_string_value(m)) {
            id = json_dumps(jid, JSON_ENCODE_ANY | JSON_COMPACT);
            break;
        }
    }
    reply_now(done, arg, "[", RPC_ERR_INVALID_REQ, "batch too large", id ? id : "null", "]");
    free(id);
}

static void dispatch_value(struct rpc_server *s, const struct rpc_peer *peer, json_t *v,
                           struct rpc_pending *pending, rpc_done_fn done, void *arg)
{
    int is_batch = json_is_array(v);
    size_t n = is_batch ? json_array_size(v) : 1;
    if (is_batch && n == 0) {
        reply_now(done, arg, "", RPC_ERR_INVALID_REQ, "empty batch", "null", "");
        return;
    }
    if (is_batch && s->lim.max_batch && n > s->lim.max_batch) {
        reply_batch_too_large(v, done, arg);
        return;
    }
    struct rpc_req *r = req_new(s, peer, n, is_batch, done, arg);
    if (!r) {
        reply_now(done, arg, "", RPC_ERR_INTERNAL, "out of memory", "null", "");
        return;
    }
    r->is_dispatching = 1;
    /* Link first: a handler may close the connection (cancelling this request). */
    r->pending = pending;
    r->next = pending->head;
    if (pending->head)
        pending->head->prev = r;
    pending->head = r;
    for (size_t i = 0; i < n; i++)
        dispatch_one(r, i, is_batch ? json_array_get(v, i) : v);
    r->is_dispatching = 0;
    if (r->n_waiting == 0)
        req_finish(r);
}

static bt_status handle_text(struct rpc_server *s, const struct rpc_peer *peer, const char *text,
                             size_t len, struct rpc_pending *pending, rpc_done_fn done, void *arg)
{
    json_error_t err;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!v) {
        reply_now(done, arg, "", RPC_ERR_PARSE, "parse error", "null", "");
        return BT_EPROTO;
    }
    dispatch_value(s, peer, v, pending, done, arg);
    json_decref(v);
    return BT_OK;
}

void rpc_handle_body(struct rpc_server *s, const struct rpc_peer *peer, const char *body,
                     size_t len, struct rpc_pending *pending, rpc_done_fn done, void *arg)
{
    if (rpc_fast_try(s, peer, body, len, done, arg))
        return;
    size_t end;
    int rc = rpc_stream_next(body, len, 1, &end);
    if (rc == 0 && end == 0) {
        done(arg, NULL, 0); /* empty body: io.EOF in geth, nothing is written */
        return;
    }
    if (rc != 1) {
        reply_now(done, arg, "", RPC_ERR_PARSE, "parse error", "null", "");
        return;
    }
    handle_text(s, peer, body, end, pending, done, arg);
}

bt_status rpc_handle_value(struct rpc_server *s, const struct rpc_peer *peer, const char *value,
                           size_t len, struct rpc_pending *pending, rpc_done_fn done, void *arg)
{
    if (rpc_fast_try(s, peer, value, len, done, arg))
        return BT_OK;
    return handle_text(s, peer, value, len, pending, done, arg);
}
