/* The IPC endpoint: a Unix socket <datadir>/bttcd.ipc, mode 0600 (geth's convention), carrying
 * a stream of JSON values in each direction (newlines optional). Peers have full admin
 * rights: whoever can open the socket owns the node's files anyway. */
#include "net_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

struct iconn {
    struct ipcd *d;
    struct bufferevent *bev;
    struct iconn *next, *prev;
    struct rpc_pending pending;
    struct rpc_sink sink;
    int in_process, is_closing;
};

struct ipcd {
    struct rpc_server *rpc;
    struct evconnlistener *lis;
    char *path;
    struct iconn *conns;
};

static void iconn_free(struct iconn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        c->d->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    rpc_pending_cancel(&c->pending);
    rpc_sink_close(&c->sink);
    bufferevent_free(c->bev);
    free(c);
}

static void iconn_close(struct iconn *c)
{
    c->is_closing = 1;
    bufferevent_disable(c->bev, EV_READ);
    if (!c->in_process && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
        iconn_free(c);
}

/* Answers and notifications, each followed by a newline as geth's encoder writes them. */
static void ipc_send(void *arg, const char *json, size_t len)
{
    struct iconn *c = arg;
    if (!json || c->is_closing)
        return;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    evbuffer_add(out, json, len);
    evbuffer_add(out, "\n", 1);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct iconn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    const struct rpc_limits *lim = rpc_server_limits(c->d->rpc);
    struct rpc_peer peer = {"ipc", 1, &c->sink};
    c->in_process = 1;
    while (!c->is_closing) {
        size_t len = evbuffer_get_length(in), end;
        if (len == 0)
            break;
        const char *buf = (const char *)evbuffer_pullup(in, -1);
        int rc = rpc_stream_next(buf, len, 0, &end);
        if (rc == 0 && end == 0) {
            evbuffer_drain(in, len); /* whitespace only */
            break;
        }
        if (rc == 0 && (!lim->max_request || len <= lim->max_request))
            break; /* wait for the rest */
        if (rc != 1) {
            ipc_send(c,
                     "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                     "\"message\":\"parse error\"}}",
                     75);
            c->is_closing = 1;
            break;
        }
        char *value = malloc(end);
        if (!value) {
            c->is_closing = 1;
            break;
        }
        evbuffer_remove(in, value, end);
        if (rpc_handle_value(c->d->rpc, &peer, value, end, &c->pending, ipc_send, c) != BT_OK)
            c->is_closing = 1; /* geth closes the connection after a parse error */
        free(value);
    }
    c->in_process = 0;
    if (c->is_closing)
        iconn_close(c);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    (void)bev;
    struct iconn *c = arg;
    if (c->is_closing && !c->in_process)
        iconn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev, (void)what;
    struct iconn *c = arg;
    if (!c->in_process)
        iconn_free(c);
    else
        c->is_closing = 1;
}

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
                      int salen, void *arg)
{
    (void)sa, (void)salen;
    struct ipcd *d = arg;
    struct bufferevent *bev;
    struct iconn *c = net_accept_conn(evconnlistener_get_base(lis), fd, sizeof(*c), &bev);
    if (!c)
        return;
    c->d = d;
    c->bev = bev;
    c->next = d->conns;
    if (d->conns)
        d->conns->prev = c;
    d->conns = c;
    rpc_sink_init(&c->sink, d->rpc, ipc_send, c);
    bufferevent_setcb(bev, on_read, on_write, on_event, c);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

bt_status ipcd_start(struct event_base *base, struct rpc_server *rpc, const char *path,
                     struct ipcd **out, char *err, size_t err_cap)
{
    *out = NULL;
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        snprintf(err, err_cap, "%s: path too long for a Unix socket (max %zu bytes)", path,
                 sizeof(sun.sun_path) - 1);
        return BT_EIO;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    struct ipcd *d = calloc(1, sizeof(*d));
    if (!d || !(d->path = strdup(path))) {
        free(d);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    d->rpc = rpc;
    /* A socket file left by a crashed node is replaced, as geth does. */
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, err_cap, "%s: cannot remove: %s", path, strerror(errno));
        goto fail;
    }
    mode_t old = umask(0177); /* created 0600 from the start: no window with wider rights */
    d->lis = evconnlistener_new_bind(base, on_accept, d, LEV_OPT_CLOSE_ON_FREE, 16,
                                     (struct sockaddr *)&sun, sizeof(sun));
    int e = errno;
    umask(old);
    if (!d->lis) {
        snprintf(err, err_cap, "%s: cannot listen: %s", path, strerror(e));
        goto fail;
    }
    chmod(path, 0600);
    *out = d;
    return BT_OK;
fail:
    free(d->path);
    free(d);
    return BT_EIO;
}

void ipcd_stop(struct ipcd *d)
{
    if (!d)
        return;
    if (d->lis) {
        evconnlistener_free(d->lis);
        unlink(d->path);
    }
    while (d->conns)
        iconn_free(d->conns);
    free(d->path);
    free(d);
}
