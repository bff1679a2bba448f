/* The status page server: GET / (the embedded page), GET /status.json (assembled from the
 * last refresh), and the one-second refresh of what this node knows, asked through the
 * in-process JSON-RPC dispatcher as a batch (the same answers an RPC client gets). */
#include "status_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "log_int.h"
#include "net_int.h"

/* Batch ids of the first refresh step. */
enum {
    Q_HEAD = 1,
    Q_PEERS,
    Q_VALIDATORS,
    Q_PROPOSER,
    Q_DELIVERY,
    Q_CHAIN_ID,
    Q_CLIENT,
    Q_SPAN,
    Q_ACCOUNTS
};

/* BorValidatorSet (0x…1000) getCurrentSpan(): contracts/README.md's selector table. */
static const char SPAN_CALL[] =
    "{\"to\":\"0x0000000000000000000000000000000000001000\",\"data\":\"0xaf26aa96\"}";

void status_opts_default(struct status_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->addr = "127.0.0.1";
    o->port = 8550;
}

int64_t status_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int status_quantity(const json_t *v, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    const char *s = json_string_value(v);
    if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2] || strlen(s) > 18)
        return -1;
    char *end;
    unsigned long long x = strtoull(s + 2, &end, 16);
    if (*end)
        return -1;
    *out = x;
    return 0;
}

/* The result of batch item `id`, or NULL (missing, or an error answer: not known). */
static json_t *batch_result(json_t *answers, int id)
{
    size_t i;
    json_t *a;
    json_array_foreach(answers, i, a)
    {
        if (json_integer_value(json_object_get(a, "id")) == id)
            return json_object_get(a, "result");
    }
    return NULL;
}

static void keep(json_t **slot, json_t *v)
{
    json_decref(*slot);
    *slot = v && !json_is_null(v) ? json_incref(v) : NULL;
}

/* A block object (eth_getBlockByNumber, hashes only) into b; 0 or -1 (not a block). */
static int block_parse(const json_t *o, struct status_block *b)
{
    const char *hash = json_string_value(json_object_get(o, "hash"));
    if (!json_is_object(o) || !hash || strlen(hash) != 66 ||
        status_quantity(json_object_get(o, "number"), &b->number) != 0 ||
        status_quantity(json_object_get(o, "timestamp"), &b->timestamp) != 0)
        return -1;
    b->txs = json_array_size(json_object_get(o, "transactions"));
    memcpy(b->hash, hash, 67);
    b->is_set = 1;
    return 0;
}

static void local_call(struct statusd *d, const char *body, rpc_done_fn done);

/* Step two: the blocks of the chart window this node has not read yet (a block replaced by a
 * reorg keeps its old time until it leaves the window: block times, not an explorer). */
static void on_blocks(void *arg, const char *json, size_t len)
{
    struct statusd *d = arg;
    d->local_in_flight = 0;
    json_t *answers = json ? json_loadb(json, len, 0, NULL) : NULL;
    size_t i;
    json_t *a;
    json_array_foreach(answers, i, a)
    {
        struct status_block b;
        if (block_parse(json_object_get(a, "result"), &b) == 0)
            d->blocks[b.number % STATUS_N_BLOCKS] = b;
    }
    json_decref(answers);
}

static void fetch_blocks(struct statusd *d)
{
    uint64_t top = d->head.number;
    uint64_t from = top >= STATUS_N_BLOCKS - 1 ? top - (STATUS_N_BLOCKS - 1) : 0;
    enum { ITEM_MAX = 128 }; /* one request below is at most 99 bytes */
    size_t cap = STATUS_N_BLOCKS * ITEM_MAX + 4;
    char *body = malloc(cap);
    if (!body)
        return;
    size_t n = 0, k = 0;
    body[n++] = '[';
    for (uint64_t x = from; x < top; x++) {
        const struct status_block *b = &d->blocks[x % STATUS_N_BLOCKS];
        if (b->is_set && b->number == x)
            continue;
        n += (size_t)snprintf(body + n, cap - n,
                              "%s{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":"
                              "\"eth_getBlockByNumber\",\"params\":[\"0x%" PRIx64 "\",false]}",
                              k ? "," : "", k + 1, x);
        k++;
    }
    body[n++] = ']';
    body[n] = 0;
    if (k)
        local_call(d, body, on_blocks);
    free(body);
}

/* Step one: head, peers, validators, proposer, Delivery, chain id, span. */
static void on_facts(void *arg, const char *json, size_t len)
{
    struct statusd *d = arg;
    d->local_in_flight = 0;
    json_t *answers = json ? json_loadb(json, len, 0, NULL) : NULL;
    struct status_block head;
    d->has_head = block_parse(batch_result(answers, Q_HEAD), &head) == 0;
    if (d->has_head) {
        d->head = head;
        d->blocks[head.number % STATUS_N_BLOCKS] = head;
    }
    d->has_peers = status_quantity(batch_result(answers, Q_PEERS), &d->peers) == 0;
    keep(&d->validators, batch_result(answers, Q_VALIDATORS));
    keep(&d->proposer, batch_result(answers, Q_PROPOSER));
    keep(&d->delivery, batch_result(answers, Q_DELIVERY));
    keep(&d->chain_id, batch_result(answers, Q_CHAIN_ID));
    keep(&d->client, batch_result(answers, Q_CLIENT));
    keep(&d->span, batch_result(answers, Q_SPAN));
    json_decref(answers);
    if (d->has_head)
        fetch_blocks(d);
}

static void local_call(struct statusd *d, const char *body, rpc_done_fn done)
{
    static const struct rpc_peer peer = {"status", 0, NULL};
    d->local_in_flight = 1;
    rpc_handle_body(d->rpc, &peer, body, strlen(body), &d->pending, done, d);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct statusd *d = arg;
    char body[1024];
    if (!d->local_in_flight) {
        snprintf(body, sizeof(body),
                 "[{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"eth_getBlockByNumber\","
                 "\"params\":[\"latest\",false]},"
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"net_peerCount\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"bor_getCurrentValidators\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"bor_getCurrentProposer\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"dlv_status\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"eth_chainId\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"web3_clientVersion\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"eth_call\",\"params\":[%s,"
                 "\"latest\"]}]",
                 Q_HEAD, Q_PEERS, Q_VALIDATORS, Q_PROPOSER, Q_DELIVERY, Q_CHAIN_ID, Q_CLIENT,
                 Q_SPAN, SPAN_CALL);
        local_call(d, body, on_facts);
    }
    status_remotes_poll(d);
}

/* A word of an eth_call answer as an integer, or JSON null (short or over 64 bits). */
static json_t *word_json(const json_t *hex, size_t word)
{
    const char *s = json_string_value(hex);
    if (!s || strncmp(s, "0x", 2) != 0 || strlen(s) < 2 + 64 * (word + 1))
        return json_null();
    const char *w = s + 2 + 64 * word;
    for (size_t i = 0; i < 48; i++)
        if (w[i] != '0')
            return json_null();
    char tail[17];
    memcpy(tail, w + 48, 16);
    tail[16] = 0;
    char *end;
    unsigned long long v = strtoull(tail, &end, 16);
    return *end || v > INT64_MAX ? json_null() : json_integer((json_int_t)v);
}

static json_t *opt_int(int has, uint64_t v)
{
    return has && v <= INT64_MAX ? json_integer((json_int_t)v) : json_null();
}

static json_t *opt_ref(json_t *v)
{
    return v ? json_incref(v) : json_null();
}

/* The chart window: consecutive blocks ending at the head, oldest first. */
static json_t *blocks_json(const struct statusd *d)
{
    json_t *a = json_array();
    if (!d->has_head)
        return a;
    uint64_t top = d->head.number;
    uint64_t from = top;
    while (from > 0 && top - (from - 1) < STATUS_N_BLOCKS) {
        const struct status_block *b = &d->blocks[(from - 1) % STATUS_N_BLOCKS];
        if (!b->is_set || b->number != from - 1)
            break;
        from--;
    }
    for (uint64_t x = from; x <= top; x++) {
        const struct status_block *b = &d->blocks[x % STATUS_N_BLOCKS];
        json_array_append_new(a, json_pack("{s:I,s:I,s:I}", "number", (json_int_t)b->number,
                                           "timestamp", (json_int_t)b->timestamp, "txs",
                                           (json_int_t)b->txs));
    }
    return a;
}

static json_t *remote_json(const struct status_remote *r)
{
    json_t *o = json_pack("{s:s,s:s,s:b,s:o,s:o}", "name", r->name, "url", r->url, "ok", r->is_ok,
                          "head", opt_int(r->has_head, r->head), "error",
                          r->error[0] ? json_string(r->error) : json_null());
    if (!o)
        return NULL;
    json_object_set_new(o, "last_ok_ms",
                        r->last_ok_ms ? json_integer((json_int_t)r->last_ok_ms) : json_null());
    if (r->kind == STATUS_REMOTE_PEER) {
        json_object_set_new(o, "peers", opt_int(r->has_peers, r->peers));
        json_object_set_new(o, "hash", r->hash[0] ? json_string(r->hash) : json_null());
        return o;
    }
    char rc[43] = "0x";
    for (int i = 0; i < 20; i++)
        snprintf(rc + 2 + 2 * i, 3, "%02x", r->root_chain[i]);
    json_object_set_new(o, "root_chain", json_string(rc));
    /* currentHeaderBlock() 0: no checkpoint yet (the first one is 10000). */
    int has_cp = r->has_checkpoint && r->checkpoint_id > 0;
    json_object_set_new(o, "checkpoint", opt_int(has_cp, r->checkpoint_id));
    json_object_set_new(o, "last_child_block", opt_int(has_cp, r->last_child));
    json_t *lags = json_array();
    for (size_t i = 0; i < r->n_lags; i++) {
        size_t k = (r->lag_next + STATUS_N_LAGS - r->n_lags + i) % STATUS_N_LAGS;
        json_array_append_new(lags, json_pack("{s:I,s:I}", "t", (json_int_t)r->lag_ms[k], "lag",
                                              (json_int_t)r->lag[k]));
    }
    json_object_set_new(o, "lag",
                        r->n_lags ? json_incref(json_object_get(
                                        json_array_get(lags, json_array_size(lags) - 1), "lag"))
                                  : json_null());
    json_object_set_new(o, "lags", lags);
    return o;
}

static char *status_json(const struct statusd *d)
{
    json_t *head = json_null();
    if (d->has_head)
        head = json_pack("{s:I,s:s,s:I,s:I}", "number", (json_int_t)d->head.number, "hash",
                         d->head.hash, "timestamp", (json_int_t)d->head.timestamp, "txs",
                         (json_int_t)d->head.txs);
    json_t *span = json_null();
    if (d->span)
        span = json_pack("{s:o,s:o,s:o}", "id", word_json(d->span, 0), "start_block",
                         word_json(d->span, 1), "end_block", word_json(d->span, 2));
    json_t *delivery = json_null();
    if (d->delivery)
        delivery = json_pack("{s:o,s:o}", "height", opt_ref(json_object_get(d->delivery, "height")),
                             "halted", opt_ref(json_object_get(d->delivery, "halted")));
    json_t *others = json_array(), *bases = json_array();
    for (size_t i = 0; i < d->n_remotes; i++)
        json_array_append_new(d->remotes[i].kind == STATUS_REMOTE_PEER ? others : bases,
                              remote_json(&d->remotes[i]));
    uint64_t cid = 0;
    int has_cid = status_quantity(d->chain_id, &cid) == 0; /* before cid is read below */
    json_t *o =
        json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "now_ms",
                  (json_int_t)status_now_ms(), "started_ms", (json_int_t)d->started_ms, "client",
                  opt_ref(d->client), "chain_id", opt_int(has_cid, cid), "head", head, "peers",
                  opt_int(d->has_peers, d->peers), "blocks", blocks_json(d), "proposer",
                  opt_ref(d->proposer), "validators", opt_ref(d->validators), "span", span,
                  "delivery", delivery, "others", others, "basechains", bases);
    if (o)
        json_object_set_new(o, "name", d->name ? json_string(d->name) : json_null());
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return text;
}

static void reply(struct evhttp_request *req, const char *ctype, const char *body, size_t len)
{
    struct evbuffer *b = evbuffer_new();
    if (!b || evbuffer_add(b, body, len) != 0) {
        if (b)
            evbuffer_free(b);
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
    evhttp_add_header(oh, "Content-Type", ctype);
    evhttp_add_header(oh, "Cache-Control", "no-store");
    evhttp_send_reply(req, HTTP_OK, "OK", b);
    evbuffer_free(b);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct statusd *d = arg;
    const char *uri = evhttp_request_get_uri(req);
    size_t plen = strcspn(uri, "?#");
    if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
        evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
        evhttp_send_error(req, 405, "Method Not Allowed");
    } else if ((plen == 1 && uri[0] == '/') || (plen == 11 && !strncmp(uri, "/index.html", 11))) {
        reply(req, "text/html; charset=utf-8", status_page_html, status_page_html_len);
    } else if (plen == 12 && strncmp(uri, "/status.json", 12) == 0) {
        char *text = status_json(d);
        if (text)
            reply(req, "application/json", text, strlen(text));
        else
            evhttp_send_error(req, HTTP_INTERNAL, NULL);
        free(text);
    } else {
        evhttp_send_error(req, HTTP_NOTFOUND, NULL);
    }
}

bt_status statusd_start(struct event_base *base, struct rpc_server *rpc,
                        const struct status_opts *o, struct statusd **out, uint16_t *out_port,
                        char *err, size_t err_cap)
{
    *out = NULL;
    struct statusd *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    d->base = base;
    d->rpc = rpc;
    d->started_ms = status_now_ms();
    if (o->name && !(d->name = strdup(o->name))) {
        free(d);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    bt_status st = status_remotes_parse(d, o->peers, o->rootchains, err, err_cap);
    if (st != BT_OK) {
        statusd_stop(d);
        return st;
    }
    d->http = evhttp_new(base);
    d->timer = event_new(base, -1, EV_PERSIST, on_tick, d);
    if (!d->http || !d->timer) {
        statusd_stop(d);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    /* POST gets through to answer 405 like other read-only paths (evhttp would say 501). */
    evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
    evhttp_set_max_body_size(d->http, 4096);
    evhttp_set_gencb(d->http, on_request, d);
    struct evhttp_bound_socket *bs =
        evhttp_bind_socket_with_handle(d->http, o->addr, (uint16_t)o->port);
    if (!bs) {
        snprintf(err, err_cap, "status page: cannot listen on %s:%d", o->addr, o->port);
        statusd_stop(d);
        return BT_EIO;
    }
    *out_port = net_bound_port(evhttp_bound_socket_get_fd(bs));
    const struct timeval one_second = {1, 0};
    event_add(d->timer, &one_second);
    on_tick(-1, 0, d);
    *out = d;
    return BT_OK;
}

void statusd_stop(struct statusd *d)
{
    if (!d)
        return;
    if (d->timer)
        event_free(d->timer);
    rpc_pending_cancel(&d->pending);
    if (d->http)
        evhttp_free(d->http);
    status_remotes_free(d);
    json_decref(d->validators);
    json_decref(d->proposer);
    json_decref(d->delivery);
    json_decref(d->chain_id);
    json_decref(d->client);
    json_decref(d->span);
    free(d->name);
    free(d);
}
