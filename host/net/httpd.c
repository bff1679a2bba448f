/* The JSON-RPC HTTP server: a small HTTP/1.1 server on libevent (keep-alive, pipelining,
 * Content-Length and chunked bodies, one request at a time per connection), which hands a
 * connection over to WebSocket framing on upgrade (evhttp cannot hand a connection back).
 * Plain HTTP runs on a read and a write event with the connection's own buffers: a request
 * costs one read() and one send() (a bufferevent adds an ioctl(FIONREAD) to every read, and
 * epoll_ctl calls when its write event is armed and disarmed). The write event is armed only
 * when the socket did not take a whole answer. Routing: httpd_route.c; framing:
 * httpd_parse.c; WebSocket: ws.c. */
#include "httpd_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#define HEAD_MAX     (64 * 1024)
#define IDLE_TIMEOUT 120   /* seconds; geth's default HTTP IdleTimeout */
#define IN_FIRST     16384 /* first input buffer; a read wants at least IN_MIN free */
#define IN_MIN       4096
#define BUF_KEEP     (256 * 1024) /* larger buffers are released once empty */

static const struct timeval idle = {IDLE_TIMEOUT, 0};

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
    if (c->bev) {
        bufferevent_free(c->bev); /* closes fd */
    } else {
        if (c->ev_read)
            event_free(c->ev_read);
        if (c->ev_write)
            event_free(c->ev_write);
        close(c->fd);
    }
    free(c->in);
    free(c->out);
    free(c);
}

static void reading(struct hconn *c, int on)
{
    if (c->bev || c->is_reading == on)
        return;
    if (on)
        event_add(c->ev_read, &idle);
    else
        event_del(c->ev_read);
    c->is_reading = on;
}

static int has_output(const struct hconn *c)
{
    return c->bev ? evbuffer_get_length(bufferevent_get_output(c->bev)) > 0
                  : c->out_len > c->out_off;
}

/* Write the queued answers; arm the write event for what the socket does not take. A failed
 * send drops the output and closes the connection (the caller frees it). */
static void flush(struct hconn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0) {
            c->is_closing = 1;
            c->out_off = c->out_len;
            break;
        }
        c->out_off += (size_t)n;
    }
    if (c->out_off == c->out_len) {
        c->out_off = c->out_len = 0;
        if (c->out_cap > BUF_KEEP) {
            free(c->out);
            c->out = NULL;
            c->out_cap = 0;
        }
        if (c->is_writing) {
            event_del(c->ev_write);
            c->is_writing = 0;
        }
    } else if (!c->is_writing) {
        event_add(c->ev_write, &idle);
        c->is_writing = 1;
    }
}

void hconn_close(struct hconn *c, int after_flush)
{
    c->is_closing = 1;
    if (c->bev)
        bufferevent_disable(c->bev, EV_READ);
    else
        reading(c, 0);
    if (c->in_process)
        return; /* freed when processing unwinds */
    if (after_flush && !c->bev)
        flush(c);
    if (after_flush && has_output(c))
        return; /* freed by the write callback */
    hconn_free(c);
}

/* Room for n more output bytes. 0, or -1 out of memory. */
static int out_reserve(struct hconn *c, size_t n)
{
    if (c->out_cap - c->out_len >= n)
        return 0;
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap - c->out_len < n)
        cap *= 2;
    char *p = realloc(c->out, cap);
    if (!p)
        return -1;
    c->out = p;
    c->out_cap = cap;
    return 0;
}

static void out_add(struct hconn *c, const char *s, size_t n)
{
    if (n) { /* s may be NULL then */
        memcpy(c->out + c->out_len, s, n);
        c->out_len += n;
    }
}

/* Queue one response: status line, headers, body and (is_nl) a newline after it. */
static void respond(struct hconn *c, int status, const char *ctype, const char *extra,
                    const char *body, size_t len, int is_nl, int do_close)
{
    char head[256];
    size_t hn =
        (size_t)snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n", status, reason_of(status));
    if (ctype)
        hn += (size_t)snprintf(head + hn, sizeof(head) - hn, "Content-Type: %s\r\n", ctype);
    size_t extra_len = extra ? strlen(extra) : 0;
    char tail[64];
    size_t tn = 0;
    if (status != 101)
        tn = (size_t)snprintf(tail, sizeof(tail), "Content-Length: %zu\r\n", len + !!is_nl);
    if (!c->keep_alive)
        do_close = 1; /* the request asked for it: say so (Go's net/http does) */
    tn += (size_t)snprintf(tail + tn, sizeof(tail) - tn, "%s\r\n",
                           do_close ? "Connection: close\r\n" : "");
    if (c->bev) { /* the 101 of a WebSocket upgrade */
        struct evbuffer *out = bufferevent_get_output(c->bev);
        evbuffer_add(out, head, hn);
        if (extra_len)
            evbuffer_add(out, extra, extra_len);
        evbuffer_add(out, tail, tn);
        if (len)
            evbuffer_add(out, body, len);
    } else if (out_reserve(c, hn + extra_len + tn + len + 1) == 0) {
        out_add(c, head, hn);
        out_add(c, extra, extra_len);
        out_add(c, tail, tn);
        out_add(c, body, len);
        if (is_nl)
            out_add(c, "\n", 1);
    } else {
        do_close = 1; /* out of memory: the client sees the connection end */
    }
    c->has_head = 0;
    c->in_request = 0;
    if (do_close)
        c->is_closing = 1;
}

void hconn_respond(struct hconn *c, int status, const char *ctype, const char *extra,
                   const char *body, size_t len, int do_close)
{
    respond(c, status, ctype, extra, body, len, 0, do_close);
}

void hconn_respond_json(struct hconn *c, const char *extra, const char *json, size_t len)
{
    respond(c, 200, "application/json", extra, json, len, len > 0, 0);
}

/* --- plain HTTP input ------------------------------------------------------------------- */

static const size_t req_strings[] = {
    offsetof(struct hreq, method),    offsetof(struct hreq, target),
    offsetof(struct hreq, host),      offsetof(struct hreq, ctype),
    offsetof(struct hreq, origin),    offsetof(struct hreq, auth),
    offsetof(struct hreq, upgrade),   offsetof(struct hreq, connection),
    offsetof(struct hreq, ws_key),    offsetof(struct hreq, ws_version),
    offsetof(struct hreq, ac_method), offsetof(struct hreq, ac_headers),
    offsetof(struct hreq, te),
};
#define N_REQ_STRINGS (sizeof(req_strings) / sizeof(req_strings[0]))

/* The parsed head's strings as offsets into c->in (SIZE_MAX: absent), to be restored after
 * the input moved: a head may wait in the buffer for the rest of its body. */
static void req_save(struct hconn *c, size_t offs[N_REQ_STRINGS])
{
    for (size_t i = 0; i < N_REQ_STRINGS; i++) {
        const char *p = *(const char **)((char *)&c->req + req_strings[i]);
        offs[i] = p ? (size_t)(p - c->in) : SIZE_MAX;
    }
}

static void req_restore(struct hconn *c, const size_t offs[N_REQ_STRINGS], size_t shift)
{
    for (size_t i = 0; i < N_REQ_STRINGS; i++)
        *(const char **)((char *)&c->req + req_strings[i]) =
            offs[i] == SIZE_MAX ? NULL : c->in + offs[i] - shift;
}

/* At least IN_MIN free bytes at the end of the input. 0, or -1 out of memory. */
static int in_make_room(struct hconn *c)
{
    if (c->in_off == c->in_len && !c->has_head)
        c->in_off = c->in_len = 0;
    if (c->in_cap - c->in_len >= IN_MIN)
        return 0;
    size_t offs[N_REQ_STRINGS];
    if (c->has_head)
        req_save(c, offs);
    size_t shift = c->in_off;
    if (shift) {
        memmove(c->in, c->in + shift, c->in_len - shift);
        c->in_len -= shift;
        c->in_off = 0;
    }
    int rc = 0;
    if (c->in_cap - c->in_len < IN_MIN) {
        size_t cap = c->in_cap ? c->in_cap * 2 : IN_FIRST;
        char *p = realloc(c->in, cap);
        if (p) {
            c->in = p;
            c->in_cap = cap;
        } else {
            rc = -1;
        }
    }
    if (c->has_head)
        req_restore(c, offs, shift);
    return rc;
}

/* Handle every complete request in the input, one at a time; write the answers at once. */
static void process(struct hconn *c)
{
    c->in_process = 1;
    while (!c->is_closing && !c->in_request && !c->is_ws) {
        char *buf = c->in + c->in_off;
        size_t have = c->in_len - c->in_off;
        if (!c->has_head) {
            size_t from = c->scanned > 3 ? c->scanned - 3 : 0;
            const char *end = from < have ? memmem(buf + from, have - from, "\r\n\r\n", 4) : NULL;
            if (!end) {
                c->scanned = have;
                if (have > HEAD_MAX)
                    httpd_respond_error(c, 431, "request header fields too large", NULL, 1);
                break;
            }
            c->scanned = 0;
            c->head_len = (size_t)(end - buf) + 4;
            buf[c->head_len - 1] = 0; /* the head's last '\n': a C string for the parser */
            c->has_head = 1;
            if (httpd_parse_head(&c->req, buf) != 0) {
                httpd_respond_error(c, 400, "malformed HTTP request", NULL, 1);
                break;
            }
            if (c->req.te && strcasecmp(c->req.te, "chunked") != 0) {
                httpd_respond_error(c, 501, "unsupported transfer encoding", NULL, 1);
                break;
            }
            long long lim = (long long)c->d->cfg.max_body;
            if (lim && c->req.clen > lim) {
                char msg[96];
                snprintf(msg, sizeof(msg), "content length too large (%lld>%lld)", c->req.clen,
                         lim);
                httpd_respond_error(c, 413, msg, NULL, 1);
                break;
            }
        }
        const char *body_in = buf + c->head_len;
        size_t have_body = have - c->head_len, need = c->req.clen > 0 ? (size_t)c->req.clen : 0;
        size_t used = need;
        char *chunked = NULL;
        if (c->req.te) {
            int rc = httpd_chunked_decode(body_in, have_body, c->d->cfg.max_body, &chunked, &need,
                                          &used);
            if (rc == 0 && have_body > c->d->cfg.max_body + HEAD_MAX && c->d->cfg.max_body)
                rc = -2;
            if (rc == 0)
                break;
            if (rc < 0) {
                if (rc == -2)
                    httpd_respond_error(c, 413, "request body too large", NULL, 1);
                else
                    httpd_respond_error(c, 400, "malformed chunked body", NULL, 1);
                break;
            }
            body_in = chunked;
        } else if (have_body < need) {
            break;
        }
        /* Consumed; the bytes stay where they are until the request is answered (the input
         * moves only in on_read, and reading is off while a request is open). */
        c->in_off += c->head_len + used;
        c->has_head = 0;
        c->in_request = 1;
        httpd_route(c, body_in, need);
        free(chunked);
    }
    c->in_process = 0;
    if (!c->bev)
        flush(c);
    if (c->is_closing)
        hconn_close(c, 1);
    else if (c->is_ws && evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
        ws_on_read(c); /* frames that came right behind the handshake */
    else if (c->in_request)
        reading(c, 0); /* answered later (an asynchronous method): stop reading until then */
}

void hconn_resume(struct hconn *c)
{
    if (!c->bev)
        flush(c);
    if (c->is_closing) {
        hconn_close(c, 1);
        return;
    }
    reading(c, 1);
    if (c->in_len > c->in_off)
        process(c); /* requests pipelined behind the asynchronous one */
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    struct hconn *c = arg;
    if (what & EV_TIMEOUT) {
        hconn_free(c); /* idle */
        return;
    }
    if (in_make_room(c) != 0) {
        hconn_free(c);
        return;
    }
    ssize_t n = read(fd, c->in + c->in_len, c->in_cap - c->in_len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        hconn_close(c, 1); /* EOF or error: what is queued still goes out */
        return;
    }
    c->in_len += (size_t)n;
    process(c);
}

static void on_write(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    struct hconn *c = arg;
    if (what & EV_TIMEOUT) {
        hconn_free(c);
        return;
    }
    flush(c);
    if (c->is_closing && !has_output(c))
        hconn_free(c);
}

/* --- WebSocket: a bufferevent over the same socket ---------------------------------------- */

static void on_bev_read(struct bufferevent *bev, void *arg)
{
    (void)bev;
    ws_on_read(arg);
}

static void on_bev_write(struct bufferevent *bev, void *arg)
{
    (void)bev;
    struct hconn *c = arg;
    if (c->is_ws)
        ws_on_write(c);
    else if (c->is_closing && !c->in_process)
        hconn_free(c);
}

static void on_bev_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev, (void)what;
    struct hconn *c = arg;
    c->is_closing = 1;
    if (!c->in_process)
        hconn_free(c); /* EOF, error or idle timeout */
}

bt_status hconn_to_bev(struct hconn *c)
{
    struct bufferevent *bev = bufferevent_socket_new(c->d->base, c->fd, BEV_OPT_CLOSE_ON_FREE);
    if (!bev)
        return BT_ENOMEM;
    /* Answers queued before the upgrade go first; bytes behind the upgrade request are the
     * first frames (a bufferevent's input is frozen at its end: only it adds there). */
    struct evbuffer *in = bufferevent_get_input(bev);
    evbuffer_unfreeze(in, 0);
    int rc = evbuffer_add(in, c->in + c->in_off, c->in_len - c->in_off);
    evbuffer_freeze(in, 0);
    if (rc != 0 || evbuffer_add(bufferevent_get_output(bev), c->out + c->out_off,
                                c->out_len - c->out_off) != 0) {
        bufferevent_setfd(bev, -1); /* fd stays ours: hconn_free closes it */
        bufferevent_free(bev);
        return BT_ENOMEM;
    }
    c->out_off = c->out_len = 0;
    c->in_off = c->in_len; /* c->in stays: c->req points into it */
    event_free(c->ev_read);
    event_free(c->ev_write);
    c->ev_read = c->ev_write = NULL;
    c->is_reading = c->is_writing = 0;
    c->bev = bev;
    bufferevent_set_timeouts(bev, &idle, &idle);
    bufferevent_setcb(bev, on_bev_read, on_bev_write, on_bev_event, c);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
    return BT_OK;
}

/* --- server ------------------------------------------------------------------------------- */

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
                      int salen, void *arg)
{
    (void)lis, (void)sa, (void)salen;
    struct httpd *d = arg;
    struct hconn *c = calloc(1, sizeof(*c));
    if (c) {
        c->ev_read = event_new(d->base, fd, EV_READ | EV_PERSIST, on_read, c);
        c->ev_write = event_new(d->base, fd, EV_WRITE | EV_PERSIST, on_write, c);
    }
    if (!c || !c->ev_read || !c->ev_write) {
        if (c && c->ev_read)
            event_free(c->ev_read);
        if (c && c->ev_write)
            event_free(c->ev_write);
        free(c);
        evutil_closesocket(fd);
        return;
    }
    /* Answers are whole: send each at once rather than wait for the client's ACK. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->d = d;
    c->fd = fd;
    c->next = d->conns;
    if (d->conns)
        d->conns->prev = c;
    d->conns = c;
    reading(c, 1);
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
