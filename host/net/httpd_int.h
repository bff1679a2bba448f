/* Internals of the HTTP/WebSocket server shared by httpd.c (HTTP/1.1) and ws.c (frames). */
#ifndef BTTCD_HTTPD_INT_H
#define BTTCD_HTTPD_INT_H

#include "net_int.h"

#include <wslay/wslay.h>

struct event;

struct httpd {
    struct httpd_cfg cfg;
    struct event_base *base;
    struct evconnlistener *lis;
    struct hconn *conns;
};

/** The parts of a request head the server looks at (values point into hconn.in). */
struct hreq {
    const char *method, *target;
    int minor; /* HTTP/1.minor */
    const char *host, *ctype, *origin, *auth, *upgrade, *connection, *ws_key, *ws_version,
        *ac_method, *ac_headers, *te;
    long long clen; /* -1: no Content-Length */
};

/* A connection serves plain HTTP/1.1 on its socket with two events and its own buffers (one
 * read() and one write() per request: a bufferevent costs an ioctl(FIONREAD) per read), and
 * turns into a bufferevent for wslay when it upgrades to WebSocket. */
struct hconn {
    struct httpd *d;
    int fd;
    struct event *ev_read, *ev_write; /* plain HTTP (NULL once a bufferevent took over) */
    struct bufferevent *bev;          /* WebSocket: owns fd */
    struct hconn *next, *prev;
    struct rpc_pending pending;
    struct rpc_sink sink;
    /* Input: bytes [in_off, in_len) of in are not consumed yet; the current request's head is
     * parsed in place there (req points into it), so in moves only while no request is open. */
    char *in;
    size_t in_off, in_len, in_cap;
    size_t scanned;  /* bytes after in_off known to hold no end of head */
    size_t head_len; /* of the parsed head (has_head) */
    /* Output not written yet: [out_off, out_len) of out. */
    char *out;
    size_t out_off, out_len, out_cap;
    struct hreq req;
    int has_head, in_request, in_process, keep_alive, is_closing, is_ws, is_admin, is_reading,
        is_writing;
    wslay_event_context_ptr ws;
};
/* --- httpd.c: connections ------------------------------------------------------------ */

/** Queue a complete HTTP response (written when the current read is handled, or at once by
 *  hconn_resume); close after it when do_close. extra: "Name: v\r\n"... or NULL. The request
 *  is over: c->req is not to be used after. */
void hconn_respond(struct hconn *c, int status, const char *ctype, const char *extra,
                   const char *body, size_t len, int do_close);
/** Queue a 200 application/json response: json (len bytes, none: an empty body) and the
 *  newline geth's encoder writes after it. */
void hconn_respond_json(struct hconn *c, const char *extra, const char *json, size_t len);
/** After an asynchronous answer was queued outside the read handling: write it, then read
 *  and handle the next requests (or close). May free c. */
void hconn_resume(struct hconn *c);
/** Close now, or once the output is flushed when is_closing is already set by a caller that
 *  just queued the last bytes. Frees c when possible (not while in_process). */
void hconn_close(struct hconn *c, int after_flush);
/** Move the connection onto a bufferevent (for wslay): queued output and the bytes behind the
 *  current request go with it. BT_OK or BT_ENOMEM (nothing changed). */
bt_status hconn_to_bev(struct hconn *c);

/* --- httpd_route.c ---------------------------------------------------------------------- */

/** Answer the parsed request c->req with body (len bytes; not NUL-terminated): upgrade,
 *  checks, then the dispatcher. */
void httpd_route(struct hconn *c, const char *body, size_t len);
/** geth's http.Error: status with msg and a newline as text/plain (msg NULL: no body). */
void httpd_respond_error(struct hconn *c, int status, const char *msg, const char *extra,
                         int do_close);

/* --- httpd_parse.c ---------------------------------------------------------------------- */

/** Parse a request head (NUL-terminated, modified in place: r's strings point into it).
 *  Returns 0, or -1 when malformed. */
int httpd_parse_head(struct hreq *r, char *head);
/** 1 when the comma-separated header value list (NULL ok) holds tok, case-insensitively. */
int httpd_has_token(const char *list, const char *tok);
/** Transfer-Encoding: chunked (RFC 9112 §7.1). Returns 1 with the body copied to *out
 *  (*out_len bytes, malloc'd) and *consumed input bytes, 0 if incomplete, -1 if malformed,
 *  -2 if the body exceeds max (0: no limit). Chunk extensions and trailers are skipped. */
int httpd_chunked_decode(const char *in, size_t len, size_t max, char **out, size_t *out_len,
                         size_t *consumed);

/** Switch c to WebSocket: answer 101 and start framing. BT_OK or BT_ENOMEM (closed). */
bt_status ws_upgrade(struct hconn *c);
/** Bytes arrived on a WebSocket connection. */
void ws_on_read(struct hconn *c);
/** Output drained on a WebSocket connection. */
void ws_on_write(struct hconn *c);
/** Release the framing state. */
void ws_free(struct hconn *c);

#endif /* BTTCD_HTTPD_INT_H */
