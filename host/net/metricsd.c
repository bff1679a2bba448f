/* The Prometheus endpoint (--metrics): GET /metrics on its own address and port (geth's
 * --metrics.addr / --metrics.port, default 127.0.0.1:6060), answering the host registry's
 * text exposition. Runs on the loop (evhttp); rendering takes the registry mutex briefly. */
#include "net_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "metrics_int.h"

struct metricsd {
    struct evhttp *http;
    struct metrics *m;
};

static void on_request(struct evhttp_request *req, void *arg)
{
    struct metricsd *d = arg;
    const char *uri = evhttp_request_get_uri(req);
    struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    size_t plen = strcspn(uri, "?");
    if (plen != 8 || strncmp(uri, "/metrics", 8) != 0) {
        evhttp_send_error(req, HTTP_NOTFOUND, NULL);
        return;
    }
    if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
        evhttp_send_error(req, 405, "Method Not Allowed");
        return;
    }
    size_t len = 0;
    char *text = metrics_render(d->m, &len);
    struct evbuffer *b = evbuffer_new();
    if (!text || !b || evbuffer_add(b, text, len) != 0) {
        free(text);
        if (b)
            evbuffer_free(b);
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    free(text);
    evhttp_add_header(oh, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    evhttp_send_reply(req, HTTP_OK, "OK", b);
    evbuffer_free(b);
}

bt_status metricsd_start(struct event_base *base, struct metrics *m, const char *addr, int port,
                         struct metricsd **out, uint16_t *out_port, char *err, size_t err_cap)
{
    *out = NULL;
    struct metricsd *d = calloc(1, sizeof(*d));
    if (!d || !(d->http = evhttp_new(base))) {
        free(d);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    d->m = m;
    evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(d->http, on_request, d);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(d->http, addr, (uint16_t)port);
    if (!bs) {
        snprintf(err, err_cap, "metrics: cannot listen on %s:%d", addr, port);
        evhttp_free(d->http);
        free(d);
        return BT_EIO;
    }
    *out_port = net_bound_port(evhttp_bound_socket_get_fd(bs));
    *out = d;
    return BT_OK;
}

void metricsd_stop(struct metricsd *d)
{
    if (!d)
        return;
    evhttp_free(d->http);
    free(d);
}
