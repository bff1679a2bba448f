/* WebSocket connections (RFC 6455) on the HTTP server: the 101 handshake, then wslay frames
 * over the connection's bufferevent. Each text or binary message is one JSON-RPC request
 * (geth's websocket codec reads one JSON value per message); answers and subscription
 * notifications go out as text messages. */
#include "httpd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

static ssize_t ws_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    (void)flags;
    struct hconn *c = user;
    int n = evbuffer_remove(bufferevent_get_input(c->bev), buf, len);
    if (n <= 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    return n;
}

static ssize_t ws_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    (void)flags;
    struct hconn *c = user;
    if (evbuffer_add(bufferevent_get_output(c->bev), data, len) != 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

static int ws_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    (void)ctx, (void)user;
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

/* Flush queued frames; close when both directions are done. */
static void ws_pump(struct hconn *c)
{
    if (c->is_closing)
        return;
    if (wslay_event_send(c->ws) != 0 ||
        (!wslay_event_want_read(c->ws) && !wslay_event_want_write(c->ws)))
        hconn_close(c, 1);
}

static void ws_queue(struct hconn *c, const char *json, size_t len)
{
    if (c->is_closing)
        return;
    struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)json, len};
    wslay_event_queue_msg(c->ws, &m);
    if (!c->in_process)
        ws_pump(c);
}

static void ws_sink_send(void *arg, const char *json, size_t len)
{
    ws_queue(arg, json, len);
}

static void ws_done(void *arg, const char *json, size_t len)
{
    if (json)
        ws_queue(arg, json, len);
}

static void ws_on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *m,
                      void *user)
{
    struct hconn *c = user;
    if (m->opcode != WSLAY_TEXT_FRAME && m->opcode != WSLAY_BINARY_FRAME)
        return; /* control frames: wslay answers pings and closes itself */
    struct rpc_peer peer = {"ws", c->is_admin, &c->sink};
    size_t end;
    const char *text = (const char *)m->msg;
    int rc = rpc_stream_next(text, m->msg_length, 1, &end);
    if (rc != 1 ||
        rpc_handle_value(c->d->cfg.rpc, &peer, text, end, &c->pending, ws_done, c) != BT_OK) {
        if (rc != 1)
            ws_done(c,
                    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":"
                    "\"parse error\"}}",
                    75);
        /* geth ends the connection after a parse error. */
        wslay_event_queue_close(ctx, WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA, NULL, 0);
    }
}

bt_status ws_upgrade(struct hconn *c)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char src[256];
    snprintf(src, sizeof(src), "%.200s%s", c->req.ws_key, guid);
    unsigned char sha[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)src, strlen(src), sha);
    char accept[64];
    EVP_EncodeBlock((unsigned char *)accept, sha, SHA_DIGEST_LENGTH);
    static const struct wslay_event_callbacks cbs = {ws_recv, ws_send, ws_genmask, NULL,
                                                     NULL,    NULL,    ws_on_msg};
    if (wslay_event_context_server_init(&c->ws, &cbs, c) != 0) {
        c->ws = NULL;
        hconn_close(c, 0);
        return BT_ENOMEM;
    }
    size_t lim = c->d->cfg.max_body;
    if (lim)
        wslay_event_config_set_max_recv_msg_length(c->ws, lim);
    char extra[256];
    snprintf(extra, sizeof(extra),
             "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n", accept);
    c->keep_alive = 1;
    hconn_respond(c, 101, NULL, extra, NULL, 0, 0);
    c->is_ws = 1;
    c->in_request = 0;
    rpc_sink_init(&c->sink, c->d->cfg.rpc, ws_sink_send, c);
    bufferevent_enable(c->bev, EV_READ);
    return BT_OK;
}

void ws_on_read(struct hconn *c)
{
    c->in_process = 1;
    int rc = wslay_event_recv(c->ws);
    c->in_process = 0;
    if (c->is_closing) {
        hconn_close(c, 1);
        return;
    }
    if (rc != 0) {
        hconn_close(c, 0);
        return;
    }
    ws_pump(c);
}

void ws_on_write(struct hconn *c)
{
    if (c->is_closing) {
        hconn_close(c, 0);
        return;
    }
    ws_pump(c);
}

void ws_free(struct hconn *c)
{
    if (c->ws)
        wslay_event_context_free(c->ws);
    c->ws = NULL;
}
