/* Internals of the HTTP/WebSocket server shared by httpd.c (HTTP/1.1) and ws.c (frames). */
#ifndef BTTCD_HTTPD_INT_H
#define BTTCD_HTTPD_INT_H

#include "net_int.h"

#include <wslay/wslay.h>

struct httpd {
    struct httpd_cfg cfg;
    struct event_base *base;
    struct evconnlistener *lis;
    struct hconn *conns;
};

/** The parts of a request head the server looks at (values point into hconn.head). */
struct hreq {
    const char *method, *target;
    int minor; /* HTTP/1.minor */
    const char *host, *ctype, *origin, *auth, *upgrade, *connection, *ws_key, *ws_version,
        *ac_method, *ac_headers, *te;
    long long clen; /* -1: no Content-Length */
};

struct hconn {
    struct httpd *d;
    struct bufferevent *bev;
    struct hconn *next, *prev;
    struct rpc_pending pending;
    struct rpc_sink sink;
    char *head; /* the current request head, NUL-separated in place */
    struct hreq req;
    int has_head, in_request, in_process, keep_alive, is_closing, is_ws, is_admin;
    wslay_event_context_ptr ws;
};

/** Queue a complete HTTP response; close after it when do_close. extra: "Name: v\r\n"... */
void hconn_respond(struct hconn *c, int status, const char *ctype, const char *extra,
                   const char *body, size_t len, int do_close);
/** Close now, or once the output is flushed when is_closing is already set by a caller that
 *  just queued the last bytes. Frees c when possible (not while in_process). */
void hconn_close(struct hconn *c, int after_flush);

/** Switch c to WebSocket: answer 101 and start framing. BT_OK or BT_ENOMEM (closed). */
bt_status ws_upgrade(struct hconn *c);
/** Bytes arrived on a WebSocket connection. */
void ws_on_read(struct hconn *c);
/** Output drained on a WebSocket connection. */
void ws_on_write(struct hconn *c);
/** Release the framing state. */
void ws_free(struct hconn *c);

#endif /* BTTCD_HTTPD_INT_H */
