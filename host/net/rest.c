/* REST routes for plugins (host->http_register): a list of (method, pattern) matched segment
 * by segment, on an evhttp server. Requests are owned (evhttp_request_own) while a plugin
 * holds them, so an answer after the client left is simply dropped by libevent. */
#include "net_int.h"
#include "rest_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define REST_MAX_SEGS 32

struct rest_route {
    struct rest_route *next;
    void *owner;
    char method[8];
    char *pattern;
    bt_http_fn fn;
    void *arg;
};

struct rest_req {
    struct bt_http_request pub; /* pub.host_private == this */
    struct rest_req *next;
    void *owner;
    struct evhttp_request *ev;
    char *path, *query;
    char *params[REST_MAX_SEGS];
    size_t n_params;
    uint8_t *body;
};

struct rest_router {
    struct rest_route *routes; /* in registration order */
    struct rest_req *pending;
    struct evhttp *http;
};

struct rest_router *rest_router_new(void)
{
    return calloc(1, sizeof(struct rest_router));
}

static void req_free(struct rest_req *q)
{
    for (size_t i = 0; i < q->n_params; i++)
        free(q->params[i]);
    free(q->path);
    free(q->query);
    free(q->body);
    free(q);
}

void rest_router_free(struct rest_router *r)
{
    if (!r)
        return;
    if (r->http)
        evhttp_free(r->http);
    while (r->pending) {
        struct rest_req *q = r->pending;
        r->pending = q->next;
        req_free(q);
    }
    while (r->routes) {
        struct rest_route *rt = r->routes;
        r->routes = rt->next;
        free(rt->pattern);
        free(rt);
    }
    free(r);
}

static int seg_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '~' || c == '-';
}

int rest_pattern_ok(const char *p)
{
    if (*p != '/')
        return 0;
    if (!p[1])
        return 1;
    size_t n_segs = 0;
    while (*p == '/') {
        p++;
        if (++n_segs > REST_MAX_SEGS)
            return 0;
        if (*p == '{') {
            p++;
            const char *s = p;
            while (seg_char_ok(*p))
                p++;
            if (p == s || *p != '}')
                return 0;
            p++;
        } else {
            const char *s = p;
            while (seg_char_ok(*p))
                p++;
            if (p == s)
                return 0;
        }
    }
    return *p == 0;
}

bt_status rest_register(struct rest_router *r, void *owner, const char *method, const char *pattern,
                        bt_http_fn fn, void *arg)
{
    struct rest_route **pp = &r->routes;
    for (; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->method, method) == 0 && strcmp((*pp)->pattern, pattern) == 0)
            return BT_EEXIST;
    struct rest_route *rt = calloc(1, sizeof(*rt));
    if (!rt || !(rt->pattern = strdup(pattern))) {
        free(rt);
        return BT_ENOMEM;
    }
    snprintf(rt->method, sizeof(rt->method), "%s", method);
    rt->owner = owner;
    rt->fn = fn;
    rt->arg = arg;
    *pp = rt;
    return BT_OK;
}

size_t rest_route_count(const struct rest_router *r)
{
    size_t n = 0;
    for (const struct rest_route *rt = r->routes; rt; rt = rt->next)
        n++;
    return n;
}

static void send_text(struct evhttp_request *ev, int code, const char *reason, const char *ctype,
                      const void *body, size_t len)
{
    struct evbuffer *b = evbuffer_new();
    if (b && len)
        evbuffer_add(b, body, len);
    evhttp_add_header(evhttp_request_get_output_headers(ev), "Content-Type", ctype);
    evhttp_send_reply(ev, code, reason, b);
    if (b)
        evbuffer_free(b);
}

static void req_unlink(struct rest_router *r, struct rest_req *q)
{
    for (struct rest_req **pp = &r->pending; *pp; pp = &(*pp)->next) {
        if (*pp == q) {
            *pp = q->next;
            return;
        }
    }
}

void rest_drop_owner(struct rest_router *r, void *owner)
{
    struct rest_route **pp = &r->routes;
    while (*pp) {
        struct rest_route *rt = *pp;
        if (rt->owner == owner) {
            *pp = rt->next;
            free(rt->pattern);
            free(rt);
        } else {
            pp = &rt->next;
        }
    }
    struct rest_req **qq = &r->pending;
    while (*qq) {
        struct rest_req *q = *qq;
        if (q->owner != owner) {
            qq = &q->next;
            continue;
        }
        *qq = q->next;
        static const char msg[] = "{\"error\":\"handler went away\"}";
        send_text(q->ev, 503, "Service Unavailable", "application/json", msg, sizeof(msg) - 1);
        req_free(q);
    }
}

bt_status rest_reply(struct rest_router *r, void *owner, struct bt_http_request *req,
                     uint32_t status, const char *content_type, const uint8_t *body,
                     size_t body_len, const char **out_why)
{
    struct rest_req *q = r->pending;
    while (q && &q->pub != req)
        q = q->next;
    if (!q) {
        *out_why = "req is pending (not answered already)";
        return BT_EINVAL;
    }
    if (q->owner != owner) {
        *out_why = "req was made to a route this instance registered";
        return BT_EINVAL;
    }
    req_unlink(r, q);
    send_text(q->ev, (int)status, NULL, content_type ? content_type : "application/json", body,
              body_len);
    req_free(q);
    return BT_OK;
}

/* Match path segments against a pattern; fills q->params. */
static int match(const char *pattern, char **segs, size_t n_segs, struct rest_req *q)
{
    size_t i = 0;
    const char *p = pattern;
    if (strcmp(p, "/") == 0)
        return n_segs == 0;
    while (*p == '/') {
        p++;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (i >= n_segs)
            return 0;
        if (*p == '{') {
            q->params[q->n_params++] = segs[i];
        } else if (strlen(segs[i]) != len || strncmp(segs[i], p, len) != 0) {
            return 0;
        }
        i++;
        p += len;
    }
    return i == n_segs;
}

static void on_request(struct evhttp_request *ev, void *arg)
{
    struct rest_router *r = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(ev);
    const char *method = cmd == EVHTTP_REQ_GET ? "GET" : cmd == EVHTTP_REQ_POST ? "POST" : "";
    char *segs[REST_MAX_SEGS];
    size_t n_segs = 0;
    char *copy = path ? strdup(path) : NULL;
    int too_many = 0;
    for (char *save = NULL, *t = copy ? strtok_r(copy, "/", &save) : NULL; t;
         t = strtok_r(NULL, "/", &save)) {
        if (n_segs == REST_MAX_SEGS) {
            too_many = 1;
            break;
        }
        segs[n_segs++] = evhttp_uridecode(t, 0, NULL);
    }
    int path_found = 0;
    struct rest_req *q = calloc(1, sizeof(*q));
    struct rest_route *hit = NULL;
    for (struct rest_route *rt = r->routes; q && rt && !too_many && !hit; rt = rt->next) {
        q->n_params = 0;
        if (!match(rt->pattern, segs, n_segs, q))
            continue;
        path_found = 1;
        if (strcmp(rt->method, method) == 0)
            hit = rt;
    }
    /* The captured parameters stay with q; every other segment is freed here. */
    for (size_t i = 0; i < n_segs; i++) {
        int kept = 0;
        for (size_t j = 0; hit && j < q->n_params; j++)
            kept |= q->params[j] == segs[i];
        if (!kept)
            free(segs[i]);
    }
    free(copy);
    if (!hit) {
        if (q)
            q->n_params = 0;
        free(q);
        static const char nf[] = "{\"error\":\"not found\"}";
        static const char na[] = "{\"error\":\"method not allowed\"}";
        if (path_found)
            send_text(ev, 405, "Method Not Allowed", "application/json", na, sizeof(na) - 1);
        else
            send_text(ev, 404, "Not Found", "application/json", nf, sizeof(nf) - 1);
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(ev);
    size_t blen = evbuffer_get_length(in);
    q->body = malloc(blen + 1);
    q->path = strdup(path ? path : "/");
    q->query = strdup(query ? query : "");
    if (!q->body || !q->path || !q->query) {
        req_free(q);
        send_text(ev, 500, "Internal Server Error", "text/plain", "out of memory", 13);
        return;
    }
    evbuffer_remove(in, q->body, blen);
    q->ev = ev;
    q->owner = hit->owner;
    q->pub.struct_size = sizeof(q->pub);
    q->pub.method = hit->method;
    q->pub.path = q->path;
    q->pub.query = q->query;
    q->pub.path_params = (const char *const *)q->params;
    q->pub.n_path_params = q->n_params;
    q->pub.body = q->body;
    q->pub.body_len = blen;
    q->pub.host_private = q;
    q->next = r->pending;
    r->pending = q;
    evhttp_request_own(ev);
    hit->fn(hit->arg, &q->pub);
}

bt_status rest_server_start(struct rest_router *r, struct event_base *base, const char *addr,
                            uint16_t port, uint16_t *out_port, char *err, size_t err_cap)
{
    r->http = evhttp_new(base);
    if (!r->http) {
        snprintf(err, err_cap, "out of memory");
        return BT_EIO;
    }
    evhttp_set_allowed_methods(r->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(r->http, 5 * 1024 * 1024);
    evhttp_set_gencb(r->http, on_request, r);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(r->http, addr, port);
    if (!bs) {
        snprintf(err, err_cap, "cannot listen on %s:%u", addr, port);
        evhttp_free(r->http);
        r->http = NULL;
        return BT_EIO;
    }
    *out_port = net_bound_port(evhttp_bound_socket_get_fd(bs));
    return BT_OK;
}
