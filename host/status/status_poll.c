/* The remotes of the status page, polled once a second over HTTP JSON-RPC (libevent's client,
 * on the loop): the other validators (--status.peers: head and peer count, so the page shows
 * every validator's health from one origin, no CORS) and the basechains (--status.rootchains:
 * head, and RootChain.currentHeaderBlock()/getLastChildBlock() for the last checkpoint and
 * its lag behind this node's Bttc head). An endpoint that does not answer keeps its last
 * known facts, marked not ok with the reason. */
#include "status_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

/* Seconds before a poll counts as unanswered. */
#define STATUS_POLL_TIMEOUT 2

static bt_status remote_url(struct status_remote *r, const char *url, char *err, size_t err_cap)
{
    struct evhttp_uri *u = evhttp_uri_parse(url);
    const char *scheme = u ? evhttp_uri_get_scheme(u) : NULL;
    const char *host = u ? evhttp_uri_get_host(u) : NULL;
    const char *path = u ? evhttp_uri_get_path(u) : NULL;
    int port = u ? evhttp_uri_get_port(u) : -1;
    bt_status st = BT_OK;
    if (!scheme || strcmp(scheme, "http") != 0 || !host || !*host ||
        strlen(host) >= sizeof(r->host) || strlen(url) >= sizeof(r->url) ||
        (path && strlen(path) >= sizeof(r->path))) {
        snprintf(err, err_cap, "%s: want an http://HOST[:PORT][/PATH] URL", url);
        st = BT_EINVAL;
    } else {
        snprintf(r->url, sizeof(r->url), "%s", url);
        snprintf(r->host, sizeof(r->host), "%s", host);
        snprintf(r->path, sizeof(r->path), "%s", path && *path ? path : "/");
        r->port = port > 0 ? port : 80;
    }
    if (u)
        evhttp_uri_free(u);
    return st;
}

/* One NAME=URL (peers) or NAME=URL=ROOTCHAIN (rootchains) entry. */
static bt_status remote_parse(struct status_remote *r, enum status_remote_kind kind,
                              const char *item, char *err, size_t err_cap)
{
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    const char *eq = strchr(item, '=');
    const char *last = strrchr(item, '=');
    int want_addr = kind == STATUS_REMOTE_ROOTCHAIN;
    if (!eq || eq == item || (size_t)(eq - item) >= sizeof(r->name) || (want_addr && last == eq)) {
        snprintf(err, err_cap, "'%s': want %s", item,
                 want_addr ? "NAME=URL=ROOTCHAIN" : "NAME=URL");
        return BT_EINVAL;
    }
    memcpy(r->name, item, (size_t)(eq - item));
    char url[256];
    size_t ulen = (size_t)((want_addr ? last : item + strlen(item)) - (eq + 1));
    if (ulen >= sizeof(url)) {
        snprintf(err, err_cap, "'%s': URL too long", item);
        return BT_EINVAL;
    }
    memcpy(url, eq + 1, ulen);
    url[ulen] = 0;
    if (want_addr &&
        (strlen(last + 1) != 42 ||
         bts_hex_decode_exact(r->root_chain, 20, last + 1, 40 + 2, BTS_HEX_0X) != BT_OK)) {
        snprintf(err, err_cap, "'%s': ROOTCHAIN is not a 0x-prefixed 20-byte address", item);
        return BT_EINVAL;
    }
    return remote_url(r, url, err, err_cap);
}

static bt_status parse_list(struct statusd *d, const char *csv, enum status_remote_kind kind,
                            char *err, size_t err_cap)
{
    if (!csv || !*csv)
        return BT_OK;
    char *copy = strdup(csv);
    if (!copy)
        return BT_ENOMEM;
    bt_status st = BT_OK;
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t && st == BT_OK; t = strtok_r(NULL, ",", &save)) {
        struct status_remote *nr = realloc(d->remotes, (d->n_remotes + 1) * sizeof(*nr));
        if (!nr) {
            st = BT_ENOMEM;
            break;
        }
        d->remotes = nr;
        st = remote_parse(&nr[d->n_remotes], kind, t, err, err_cap);
        if (st == BT_OK)
            d->n_remotes++;
    }
    free(copy);
    return st;
}

bt_status status_remotes_parse(struct statusd *d, const char *peers, const char *rootchains,
                               char *err, size_t err_cap)
{
    bt_status st = parse_list(d, peers, STATUS_REMOTE_PEER, err, err_cap);
    if (st == BT_OK)
        st = parse_list(d, rootchains, STATUS_REMOTE_ROOTCHAIN, err, err_cap);
    if (st == BT_ENOMEM)
        snprintf(err, err_cap, "out of memory");
    return st;
}

static json_t *result_of(json_t *answers, int id)
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

/* The low 64 bits of a one-word eth_call answer, when the high bits are zero. */
static int word_u64(const json_t *v, uint64_t *out)
{
    const char *s = json_string_value(v);
    if (!s || strlen(s) != 66 || strncmp(s, "0x", 2) != 0 || strspn(s + 2, "0") < 48)
        return -1;
    char tail[19] = "0x";
    memcpy(tail + 2, s + 50, 16);
    tail[18] = 0;
    json_t *t = json_string(tail);
    int rc = status_quantity(t, out);
    json_decref(t);
    return rc;
}

static void on_answer(struct evhttp_request *req, void *arg)
{
    struct status_remote *r = arg;
    r->in_flight = 0;
    int code = req ? evhttp_request_get_response_code(req) : 0;
    if (code != 200) {
        r->is_ok = 0;
        if (code)
            snprintf(r->error, sizeof(r->error), "HTTP %d", code);
        else
            snprintf(r->error, sizeof(r->error), "no answer");
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *body = (const char *)evbuffer_pullup(in, (ssize_t)len);
    status_remote_apply(r, body ? body : "", body ? len : 0);
}

void status_remote_apply(struct status_remote *r, const char *body, size_t len)
{
    json_t *answers = json_loadb(body, len, 0, NULL);
    uint64_t head, v, cp, child;
    r->is_ok = status_quantity(result_of(answers, 1), &head) == 0;
    if (!r->is_ok) {
        snprintf(r->error, sizeof(r->error), "malformed answer");
        json_decref(answers);
        return;
    }
    r->error[0] = 0;
    r->last_ok_ms = status_now_ms();
    r->has_head = 1;
    r->head = head;
    if (r->kind == STATUS_REMOTE_PEER) {
        r->has_peers = status_quantity(result_of(answers, 2), &v) == 0;
        r->peers = r->has_peers ? v : 0;
        const char *hash = json_string_value(json_object_get(result_of(answers, 3), "hash"));
        snprintf(r->hash, sizeof(r->hash), "%s", hash && strlen(hash) == 66 ? hash : "");
    } else if (word_u64(result_of(answers, 2), &cp) == 0 &&
               word_u64(result_of(answers, 3), &child) == 0) {
        r->has_checkpoint = 1;
        r->checkpoint_id = cp;
        r->last_child = child;
    }
    json_decref(answers);
}

/* A basechain's lag sample: this node's head minus the last checkpointed Bttc block. */
static void sample_lag(struct statusd *d, struct status_remote *r)
{
    if (r->kind != STATUS_REMOTE_ROOTCHAIN || !r->has_checkpoint || r->checkpoint_id == 0 ||
        !d->has_head)
        return;
    r->lag_ms[r->lag_next] = status_now_ms();
    r->lag[r->lag_next] =
        d->head.number >= r->last_child ? (int64_t)(d->head.number - r->last_child) : 0;
    r->lag_next = (r->lag_next + 1) % STATUS_N_LAGS;
    if (r->n_lags < STATUS_N_LAGS)
        r->n_lags++;
}

static void poll_one(struct statusd *d, struct status_remote *r)
{
    char body[768], addr[43] = "0x";
    for (int i = 0; i < 20; i++)
        snprintf(addr + 2 + 2 * i, 3, "%02x", r->root_chain[i]);
    if (r->kind == STATUS_REMOTE_PEER)
        snprintf(body, sizeof(body),
                 "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"net_peerCount\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_getBlockByNumber\","
                 "\"params\":[\"latest\",false]}]");
    else /* contracts/README.md: currentHeaderBlock() 0xec7e4855, getLastChildBlock() 0xb87e1b66 */
        snprintf(body, sizeof(body),
                 "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_call\",\"params\":[{\"to\":\"%s\","
                 "\"data\":\"0xec7e4855\"},\"latest\"]},"
                 "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_call\",\"params\":[{\"to\":\"%s\","
                 "\"data\":\"0xb87e1b66\"},\"latest\"]}]",
                 addr, addr);
    if (!r->con) {
        r->con = evhttp_connection_base_new(d->base, NULL, r->host, (uint16_t)r->port);
        if (!r->con)
            return;
        evhttp_connection_set_timeout(r->con, STATUS_POLL_TIMEOUT);
    }
    struct evhttp_request *req = evhttp_request_new(on_answer, r);
    if (!req)
        return;
    struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
    evhttp_add_header(oh, "Host", r->host);
    evhttp_add_header(oh, "Content-Type", "application/json");
    if (evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body)) != 0 ||
        evhttp_make_request(r->con, req, EVHTTP_REQ_POST, r->path) != 0)
        return; /* evhttp_make_request frees req on failure */
    r->in_flight = 1;
}

void status_remotes_poll(struct statusd *d)
{
    for (size_t i = 0; i < d->n_remotes; i++) {
        sample_lag(d, &d->remotes[i]);
        if (!d->remotes[i].in_flight)
            poll_one(d, &d->remotes[i]);
    }
}

void status_remotes_free(struct statusd *d)
{
    for (size_t i = 0; i < d->n_remotes; i++)
        if (d->remotes[i].con)
            evhttp_connection_free(d->remotes[i].con);
    free(d->remotes);
    d->remotes = NULL;
    d->n_remotes = 0;
}
