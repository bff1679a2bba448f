/* The JSON-RPC HTTP server: a small HTTP/1.1 server over bufferevents (one request at a time
 * per connection, keep-alive, Content-Length bodies), so that a WebSocket upgrade can take the
 * connection over (evhttp cannot hand a connection back). The checks and their order follow
 * geth's node/rpcstack.go and rpc/http.go: WebSocket upgrade, vhosts, CORS, path, health GET,
 * method, size, content type, then the admin token and the dispatcher. */
#include "httpd_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "log_int.h"

#define HEAD_MAX     (64 * 1024)
#define IDLE_TIMEOUT 120 /* seconds; geth's default HTTP IdleTimeout */

static const char *reason_of(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Request Entity Too Large";
    case 415:
        return "Unsupported Media Type";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    default:
        return "Error";
    }
}

static void hconn_free(struct hconn *c)
{
    struct httpd *d = c->d;
    if (c->prev)
        c->prev->next = c->next;
    else if (d->conns == c)
        d->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    rpc_pending_cancel(&c->pending);
    rpc_sink_close(&c->sink);
    ws_free(c);
    bufferevent_free(c->bev);
    free(c->head);
    free(c);
}

void hconn_close(struct hconn *c, int after_flush)
{
    c->is_closing = 1;
    bufferevent_disable(c->bev, EV_READ);
    if (c->in_process)
        return; /* freed when processing unwinds */
    if (after_flush && evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
        return; /* freed by the write callback */
    hconn_free(c);
}

void hconn_respond(struct hconn *c, int status, const char *ctype, const char *extra,
                   const char *body, size_t len, int do_close)
{
    /* When nothing is queued, the response is written to the socket at once, and only what
     * the socket does not take goes to the bufferevent: most answers then cost one writev
     * and no epoll_ctl calls to arm and disarm the write event. */
    struct evbuffer *queued = bufferevent_get_output(c->bev);
    struct evbuffer *direct =
        status != 101 && evbuffer_get_length(queued) == 0 ? evbuffer_new() : NULL;
    struct evbuffer *out = direct ? direct : queued;
    evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n", status, reason_of(status));
    if (ctype)
        evbuffer_add_printf(out, "Content-Type: %s\r\n", ctype);
    if (extra)
        evbuffer_add(out, extra, strlen(extra));
    if (status != 101)
        evbuffer_add_printf(out, "Content-Length: %zu\r\n", len);
    if (do_close)
        evbuffer_add_printf(out, "Connection: close\r\n");
    evbuffer_add(out, "\r\n", 2);
    if (len)
        evbuffer_add(out, body, len);
    if (direct) {
        evbuffer_write(direct, bufferevent_getfd(c->bev)); /* errors: the bufferevent sees them */
        if (evbuffer_get_length(direct))
            evbuffer_add_buffer(queued, direct);
        evbuffer_free(direct);
    }
    free(c->head);
    c->head = NULL;
    c->has_head = 0;
    c->in_request = 0;
    if (do_close || !c->keep_alive)
        c->is_closing = 1;
}

/* http.Error: text/plain, the message and a newline. */
static void respond_error(struct hconn *c, int status, const char *msg, const char *extra,
                          int do_close)
{
    char body[256];
    int n = msg ? snprintf(body, sizeof(body), "%s\n", msg) : 0;
    hconn_respond(c, status, msg ? "text/plain; charset=utf-8" : NULL, extra, msg ? body : NULL,
                  (size_t)n, do_close);
}

/* --- request head ---------------------------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

/* Parse c->head in place. Returns 0 or -1 (malformed). */
static int parse_head(struct hconn *c)
{
    struct hreq *r = &c->req;
    memset(r, 0, sizeof(*r));
    r->clen = -1;
    char *save = NULL;
    char *line = strtok_r(c->head, "\r\n", &save);
    if (!line)
        return -1;
    char *sp1 = strchr(line, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || !sp2[8] || sp2[9])
        return -1;
    *sp1 = *sp2 = 0;
    r->method = line;
    r->target = sp1 + 1;
    r->minor = sp2[8] - '0';
    static const struct {
        const char *name;
        size_t off;
    } known[] = {
        {"host", offsetof(struct hreq, host)},
        {"content-type", offsetof(struct hreq, ctype)},
        {"origin", offsetof(struct hreq, origin)},
        {"authorization", offsetof(struct hreq, auth)},
        {"upgrade", offsetof(struct hreq, upgrade)},
        {"connection", offsetof(struct hreq, connection)},
        {"sec-websocket-key", offsetof(struct hreq, ws_key)},
        {"sec-websocket-version", offsetof(struct hreq, ws_version)},
        {"access-control-request-method", offsetof(struct hreq, ac_method)},
        {"access-control-request-headers", offsetof(struct hreq, ac_headers)},
        {"transfer-encoding", offsetof(struct hreq, te)},
    };
    while ((line = strtok_r(NULL, "\r\n", &save))) {
        char *colon = strchr(line, ':');
        if (!colon || colon == line)
            return -1;
        *colon = 0;
        char *val = trim(colon + 1);
        if (strcasecmp(line, "content-length") == 0) {
            char *end;
            long long v = strtoll(val, &end, 10);
            if (*val < '0' || *val > '9' || *end || v < 0)
                return -1;
            r->clen = v;
            continue;
        }
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            if (strcasecmp(line, known[i].name) == 0)
                *(const char **)((char *)r + known[i].off) = val;
    }
    return 0;
}

static int has_token(const char *list, const char *tok)
{
    if (!list)
        return 0;
    size_t n = strlen(tok);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && t[-1] == ' ')
            t--;
        if ((size_t)(t - p) == n && strncasecmp(p, tok, n) == 0)
            return 1;
        p = e;
    }
    return 0;
}

/* Transfer-Encoding: chunked (RFC 9112 §7.1). Returns 1 with the body copied to out (*out_len
 * bytes, malloc'd) and *consumed input bytes, 0 if incomplete, -1 if malformed, -2 if the body
 * exceeds max (0: no limit). Chunk extensions and trailers are skipped. */
static int chunked_decode(const char *in, size_t len, size_t max, char **out, size_t *out_len,
                          size_t *consumed)
{
    size_t pos = 0, total = 0;
    char *body = NULL;
    for (;;) {
        const char *eol = memchr(in + pos, '\n', len - pos);
        if (!eol)
            goto incomplete;
        char *end;
        unsigned long long n = strtoull(in + pos, &end, 16);
        if (end == in + pos || (*end != ';' && *end != '\r' && *end != '\n'))
            goto malformed;
        pos = (size_t)(eol - in) + 1;
        if (n == 0) {
            for (;;) { /* trailers up to an empty line */
                const char *e2 = memchr(in + pos, '\n', len - pos);
                if (!e2)
                    goto incomplete;
                size_t llen = (size_t)(e2 - (in + pos));
                pos = (size_t)(e2 - in) + 1;
                if (llen == 0 || (llen == 1 && in[pos - 2] == '\r'))
                    break;
            }
            *out = body ? body : malloc(1);
            *out_len = total;
            *consumed = pos;
            return *out ? 1 : -1;
        }
        if ((max && total + n > max) || n > (1ull << 32))
            goto too_large;
        if (len - pos < n + 2)
            goto incomplete;
        char *nb = realloc(body, total + (size_t)n + 1);
        if (!nb)
            goto malformed;
        body = nb;
        memcpy(body + total, in + pos, (size_t)n);
        total += (size_t)n;
        pos += (size_t)n;
        if (in[pos] == '\r')
            pos++;
        if (pos >= len || in[pos] != '\n')
            goto malformed;
        pos++;
    }
incomplete:
    free(body);
    return 0;
malformed:
    free(body);
    return -1;
too_large:
    free(body);
    return -2;
}

/* --- routing ------------------------------------------------------------------------------ */

static void on_rpc_done(void *arg, const char *json, size_t len)
{
    struct hconn *c = arg;
    char extra[512] = "";
    if (c->d->cfg.cors.n) {
        /* rs/cors handleActualRequest (geth's CORS handler). */
        size_t n = (size_t)snprintf(extra, sizeof(extra), "Vary: Origin\r\n");
        if (c->req.origin &&
            (net_list_has(&c->d->cfg.cors, "*") || net_list_has(&c->d->cfg.cors, c->req.origin)))
            snprintf(extra + n, sizeof(extra) - n, "Access-Control-Allow-Origin: %s\r\n",
                     net_list_has(&c->d->cfg.cors, "*") ? "*" : c->req.origin);
    }
    /* geth's json.Encoder ends the body with a newline. */
    char *body = json ? malloc(len + 1) : NULL;
    if (body) {
        memcpy(body, json, len);
        body[len] = '\n';
    }
    hconn_respond(c, 200, "application/json", extra, body, body ? len + 1 : 0, 0);
    free(body);
    if (!c->in_process) {
        if (c->is_closing)
            hconn_close(c, 1);
        else
            bufferevent_enable(c->bev, EV_READ);
    }
}

static int cors_preflight(struct hconn *c)
{
    struct hreq *r = &c->req;
    if (strcmp(r->method, "OPTIONS") != 0 || !r->ac_method)
        return 0;
    const struct net_list *cors = &c->d->cfg.cors;
    char extra[1024];
    size_t n = (size_t)snprintf(extra, sizeof(extra),
                                "Vary: Origin\r\nVary: Access-Control-Request-Method\r\n"
                                "Vary: Access-Control-Request-Headers\r\n");
    int ok_origin = r->origin && (net_list_has(cors, "*") || net_list_has(cors, r->origin));
    int ok_method = strcasecmp(r->ac_method, "POST") == 0 || strcasecmp(r->ac_method, "GET") == 0;
    if (ok_origin && ok_method) {
        n += (size_t)snprintf(extra + n, sizeof(extra) - n,
                              "Access-Control-Allow-Origin: %s\r\n"
                              "Access-Control-Allow-Methods: %s\r\n",
                              net_list_has(cors, "*") ? "*" : r->origin, r->ac_method);
        if (r->ac_headers && *r->ac_headers)
            n += (size_t)snprintf(extra + n, sizeof(extra) - n,
                                  "Access-Control-Allow-Headers: %.200s\r\n", r->ac_headers);
        snprintf(extra + n, sizeof(extra) - n, "Access-Control-Max-Age: 600\r\n");
    }
    hconn_respond(c, 200, NULL, extra, NULL, 0, 0);
    return 1;
}

static int content_type_ok(const char *ct)
{
    if (!ct)
        return 0;
    static const char *const ok[] = {"application/json", "application/json-rpc",
                                     "application/jsonrequest"};
    size_t n = strcspn(ct, ";");
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < 3; i++)
        if (strlen(ok[i]) == n && strncasecmp(ct, ok[i], n) == 0)
            return 1;
    return 0;
}

/* Authorization: Bearer <admin token>. Returns 1 admin, 0 none, -1 wrong token (answered). */
static int check_token(struct hconn *c)
{
    const char *a = c->req.auth;
    if (!a)
        return 0;
    if (strncasecmp(a, "Bearer ", 7) == 0 &&
        net_token_equal(a + 7, strlen(a + 7), c->d->cfg.token_hex))
        return 1;
    respond_error(c, 401, "invalid admin token", NULL, 0);
    return -1;
}

static void handle_request(struct hconn *c, const char *body, size_t len)
{
    struct hreq *r = &c->req;
    const struct httpd_cfg *cfg = &c->d->cfg;
    c->keep_alive =
        r->minor >= 1 ? !has_token(r->connection, "close") : has_token(r->connection, "keep-alive");
    if (cfg->serves_ws && has_token(r->upgrade, "websocket") &&
        has_token(r->connection, "upgrade")) {
        if (!net_origin_ok(&cfg->origins, r->origin)) {
            hlog(BT_LOG_WARN, "rejected websocket connection", "origin=\"%.200s\"", r->origin);
            respond_error(c, 403, "origin not allowed", NULL, 1);
            return;
        }
        int adm = check_token(c);
        if (adm < 0)
            return;
        if (strcmp(r->method, "GET") != 0 || !r->ws_key || !r->ws_version ||
            strcmp(r->ws_version, "13") != 0) {
            respond_error(c, 400, "bad websocket handshake", NULL, 1);
            return;
        }
        c->is_admin = adm;
        ws_upgrade(c);
        return;
    }
    if (!cfg->serves_http) {
        respond_error(c, 404, NULL, NULL, 0);
        return;
    }
    if (!net_vhost_ok(&cfg->vhosts, r->host)) {
        respond_error(c, 403, "invalid host specified", NULL, 0);
        return;
    }
    if (cfg->cors.n && cors_preflight(c))
        return;
    size_t plen = strcspn(r->target, "?");
    if (!(plen == 1 && r->target[0] == '/') && plen != 0) {
        respond_error(c, 404, NULL, NULL, 0);
        return;
    }
    if (strcmp(r->method, "GET") == 0 && len == 0 && !r->target[plen]) {
        respond_error(c, 200, NULL, NULL, 0); /* health check */
        return;
    }
    if (strcmp(r->method, "PUT") == 0 || strcmp(r->method, "DELETE") == 0) {
        respond_error(c, 405, "method not allowed", NULL, 0);
        return;
    }
    if (strcmp(r->method, "OPTIONS") != 0 && !content_type_ok(r->ctype)) {
        respond_error(c, 415, "invalid content type, only application/json is supported", NULL, 0);
        return;
    }
    int adm = check_token(c);
    if (adm < 0)
        return;
    struct rpc_peer peer = {"http", adm, NULL};
    rpc_handle_body(cfg->rpc, &peer, body, len, &c->pending, on_rpc_done, c);
}

/* Handle every complete request in the input, one at a time. */
static void process(struct hconn *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);
    c->in_process = 1;
    while (!c->is_closing && !c->in_request && !c->is_ws) {
        if (!c->has_head) {
            struct evbuffer_ptr p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
            if (p.pos < 0) {
                if (evbuffer_get_length(in) > HEAD_MAX)
                    respond_error(c, 431, "request header fields too large", NULL, 1);
                break;
            }
            size_t n = (size_t)p.pos + 4;
            free(c->head);
            c->head = malloc(n + 1);
            if (!c->head) {
                c->is_closing = 1;
                break;
            }
            evbuffer_remove(in, c->head, n);
            c->head[n] = 0;
            c->has_head = 1;
            if (parse_head(c) != 0) {
                respond_error(c, 400, "malformed HTTP request", NULL, 1);
                break;
            }
            if (c->req.te && strcasecmp(c->req.te, "chunked") != 0) {
                respond_error(c, 501, "unsupported transfer encoding", NULL, 1);
                break;
            }
            long long lim = (long long)c->d->cfg.max_body;
            if (lim && c->req.clen > lim) {
                char msg[96];
                snprintf(msg, sizeof(msg), "content length too large (%lld>%lld)", c->req.clen,
                         lim);
                respond_error(c, 413, msg, NULL, 1);
                break;
            }
        }
        size_t need = c->req.clen > 0 ? (size_t)c->req.clen : 0;
        char *body = NULL;
        if (c->req.te) {
            size_t have = evbuffer_get_length(in), used = 0;
            int rc = chunked_decode((const char *)evbuffer_pullup(in, -1), have, c->d->cfg.max_body,
                                    &body, &need, &used);
            if (rc == 0 && have > c->d->cfg.max_body + HEAD_MAX && c->d->cfg.max_body)
                rc = -2;
            if (rc == 0)
                break;
            if (rc < 0) {
                if (rc == -2)
                    respond_error(c, 413, "request body too large", NULL, 1);
                else
                    respond_error(c, 400, "malformed chunked body", NULL, 1);
                break;
            }
            evbuffer_drain(in, used);
        } else {
            if (evbuffer_get_length(in) < need)
                break;
            body = malloc(need + 1);
            if (!body) {
                c->is_closing = 1;
                break;
            }
            evbuffer_remove(in, body, need);
            body[need] = 0;
        }
        c->in_request = 1;
        handle_request(c, body, need);
        free(body);
        /* Answered later (an asynchronous method): stop reading until then. A request answered
         * at once leaves reading on, saving two epoll_ctl calls per request. */
        if (c->in_request)
            bufferevent_disable(c->bev, EV_READ);
    }
    c->in_process = 0;
    if (c->is_closing)
        hconn_close(c, 1);
    else if (c->is_ws && evbuffer_get_length(in) > 0)
        ws_on_read(c); /* frames that came right behind the handshake */
}

static void on_read(struct bufferevent *bev, void *arg)
{
    (void)bev;
    struct hconn *c = arg;
    if (c->is_ws)
        ws_on_read(c);
    else
        process(c);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    (void)bev;
    struct hconn *c = arg;
    if (c->is_ws) {
        ws_on_write(c);
        return;
    }
    if (c->is_closing && !c->in_process)
        hconn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev, (void)what;
    struct hconn *c = arg;
    c->is_closing = 1;
    if (!c->in_process)
        hconn_free(c); /* EOF, error or idle timeout */
}

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
                      int salen, void *arg)
{
    (void)lis, (void)sa, (void)salen;
    struct httpd *d = arg;
    struct bufferevent *bev;
    struct hconn *c = net_accept_conn(d->base, fd, sizeof(*c), &bev);
    if (!c)
        return;
    c->d = d;
    c->bev = bev;
    c->next = d->conns;
    if (d->conns)
        d->conns->prev = c;
    d->conns = c;
    struct timeval idle = {IDLE_TIMEOUT, 0};
    bufferevent_set_timeouts(bev, &idle, &idle);
    bufferevent_setcb(bev, on_read, on_write, on_event, c);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

bt_status httpd_start(struct event_base *base, struct httpd_cfg *cfg, const char *addr, int port,
                      struct httpd **out, uint16_t *out_port, char *err, size_t err_cap)
{
    *out = NULL;
    struct sockaddr_in6 s6;
    struct sockaddr_in s4;
    struct sockaddr *sa;
    int salen;
    memset(&s6, 0, sizeof(s6));
    memset(&s4, 0, sizeof(s4));
    if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
        s4.sin_family = AF_INET;
        s4.sin_port = htons((uint16_t)port);
        sa = (struct sockaddr *)&s4;
        salen = sizeof(s4);
    } else if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
        s6.sin6_family = AF_INET6;
        s6.sin6_port = htons((uint16_t)port);
        sa = (struct sockaddr *)&s6;
        salen = sizeof(s6);
    } else {
        snprintf(err, err_cap, "%s: not an IP address", addr);
        return BT_EIO;
    }
    struct httpd *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    d->cfg = *cfg;
    memset(cfg, 0, sizeof(*cfg)); /* the lists are ours now */
    d->base = base;
    d->lis = evconnlistener_new_bind(base, on_accept, d, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                     128, sa, salen);
    if (!d->lis) {
        snprintf(err, err_cap, "cannot listen on %s:%d", addr, port);
        httpd_stop(d);
        return BT_EIO;
    }
    *out_port = net_bound_port(evconnlistener_get_fd(d->lis));
    *out = d;
    return BT_OK;
}

void httpd_stop(struct httpd *d)
{
    if (!d)
        return;
    if (d->lis)
        evconnlistener_free(d->lis);
    while (d->conns)
        hconn_free(d->conns);
    net_list_free(&d->cfg.vhosts);
    net_list_free(&d->cfg.cors);
    net_list_free(&d->cfg.origins);
    free(d);
}
