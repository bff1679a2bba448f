/* The JSON-RPC 2.0 dispatcher every transport (IPC, HTTP, WebSocket) feeds: the method table
 * (plugins through host->rpc_register, host code through rpc_register), request parsing with
 * go-ethereum's edge-case behaviour (rpc/json.go, rpc/handler.go), batches, asynchronous
 * answers, and subscriptions bound to a connection. Loop thread only. */
#ifndef BTTCD_RPC_INT_H
#define BTTCD_RPC_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/host.h>

/* JSON-RPC error codes used by the host (geth rpc/errors.go). */
#define RPC_ERR_PARSE          (-32700)
#define RPC_ERR_INVALID_REQ    (-32600)
#define RPC_ERR_NO_METHOD      (-32601)
#define RPC_ERR_INVALID_PARAMS (-32602)
#define RPC_ERR_INTERNAL       (-32603)
#define RPC_ERR_SERVER         (-32000)
#define RPC_ERR_TOO_LARGE      (-32003)

/** Method flags. RPC_F_ADMIN: served only to admin peers (IPC, or HTTP/WS with the admin
 *  token); plugin methods get it when their name starts with "admin_". */
enum { RPC_F_ADMIN = 1u << 0 };

/** Limits; 0 disables one. Defaults (rpc_limits_default) are geth's: 5 MB request, 1000
 *  batch items, 25 MB batch response. */
struct rpc_limits {
    size_t max_request;    /* bytes of one request body / stream value */
    size_t max_batch;      /* items in a batch */
    size_t max_batch_resp; /* bytes of results in one batch response */
};
void rpc_limits_default(struct rpc_limits *out);

struct rpc_server;
struct rpc_req;
struct rpc_call;
struct rpc_sink;

/** A connection able to receive subscription notifications (WS, IPC). The transport owns
 *  it, fills send/arg, and calls rpc_sink_close before freeing it. */
struct rpc_sink {
    void (*send)(void *arg, const char *json, size_t len);
    void *arg;
    struct rpc_server *srv; /* set by rpc_sink_init */
};
void rpc_sink_init(struct rpc_sink *sink, struct rpc_server *srv,
                   void (*send)(void *arg, const char *json, size_t len), void *arg);
/** Drop every subscription of the sink (their on_drop callbacks run). */
void rpc_sink_close(struct rpc_sink *sink);

/** Who sends a request. */
struct rpc_peer {
    const char *transport; /* "ipc", "http", "ws", "test": logs */
    int is_admin;          /* may call RPC_F_ADMIN methods */
    struct rpc_sink *sink; /* NULL: no subscriptions (HTTP) */
};

/** Requests still waiting for asynchronous answers, per connection. */
struct rpc_pending {
    struct rpc_req *head;
};

/** Receives the complete response text of a request (not NUL-terminated; borrowed for the
 *  call), or json == NULL when nothing is to be sent (notifications only). */
typedef void (*rpc_done_fn)(void *arg, const char *json, size_t len);

/** A new dispatcher with the built-in methods (web3_*, rpc_modules). NULL on ENOMEM. */
struct rpc_server *rpc_server_new(const struct rpc_limits *lim);
/** Free the dispatcher. Pending requests are dropped without answers (shutdown). NULL ok. */
void rpc_server_free(struct rpc_server *s);
const struct rpc_limits *rpc_server_limits(const struct rpc_server *s);
/** Replace the limits (before the transports start). */
void rpc_server_set_limits(struct rpc_server *s, const struct rpc_limits *lim);

/** Register `method` for `owner` (a plugin's hctx, or NULL for the host). Handlers answer with
 *  rpc_call_result/rpc_call_error (host) or host->rpc_result/rpc_error (plugins).
 *  Returns BT_OK, BT_EEXIST, BT_EINVAL (empty name or over 127 bytes), BT_ENOMEM. */
bt_status rpc_register(struct rpc_server *s, void *owner, const char *method, uint32_t flags,
                       bt_rpc_fn fn, void *arg);
/** Remove owner's methods; its calls still pending are answered with -32000 "method handler
 *  went away" (the plugin was destroyed without answering). */
void rpc_drop_owner(struct rpc_server *s, void *owner);

/** Handle one HTTP body: the first JSON value in it (geth reads one value and ignores the
 *  rest); an empty body sends nothing. done runs exactly once unless the request is cancelled
 *  with rpc_pending_cancel first; it may run before this returns. */
void rpc_handle_body(struct rpc_server *s, const struct rpc_peer *peer, const char *body,
                     size_t len, struct rpc_pending *pending, rpc_done_fn done, void *arg);

/** Stream framing (IPC, attach): finds where the first JSON value in a buffer ends, without
 *  validating it (the parser does). Returns 1 with *out_end set (the value and the whitespace
 *  before it are buf[0..*out_end)), 0 if more bytes are needed (a number at the end of the
 *  buffer is complete only when is_eof; *out_end is 0 when only whitespace was seen, else
 *  nonzero), -1 on a byte that cannot start a value. */
int rpc_stream_next(const char *buf, size_t len, int is_eof, size_t *out_end);
/** Handle one complete JSON value from a stream (IPC): like rpc_handle_body, but a value that
 *  is not valid JSON answers a parse error and returns BT_EPROTO (geth then closes the
 *  connection); BT_OK otherwise. */
bt_status rpc_handle_value(struct rpc_server *s, const struct rpc_peer *peer, const char *value,
                           size_t len, struct rpc_pending *pending, rpc_done_fn done, void *arg);

/** Answer every pending request of a closed connection: their done callbacks never run;
 *  their calls stay valid until the handlers answer (the answers are then discarded). */
void rpc_pending_cancel(struct rpc_pending *p);

/** A method's fast path for calls without parameters: writes the result JSON text (compact,
 *  exactly what its handler answers for no parameters) to out (cap bytes, NUL-terminated) and
 *  returns its length; 0 when it cannot (the call then goes to the handler). Loop thread. */
typedef size_t (*rpc_fast_fn)(void *arg, char *out, size_t cap);
/** Give `method`, registered by `owner`, a fast path (its arg is the method's): requests that
 *  are one plain call object without parameters skip the JSON parser (host/rpc/fast.c).
 *  Returns BT_OK, or BT_ENOTFOUND (no such method of owner's). */
bt_status rpc_set_fast(struct rpc_server *s, void *owner, const char *method, rpc_fast_fn fn);

/* --- calls, for host-side handlers ------------------------------------------------------- */

/** Answer with result JSON text (copied; must be valid JSON). */
void rpc_call_result(struct bt_rpc_call *call, const char *json);
struct json_t;
/** Answer with `v` as the result (its reference is stolen; NULL, or a value that cannot be
 *  serialised, answers -32603 "out of memory"). */
void rpc_call_result_json(struct bt_rpc_call *call, struct json_t *v);
/** Answer with an error; data_json may be NULL. */
void rpc_call_error(struct bt_rpc_call *call, int32_t code, const char *message,
                    const char *data_json);
/** The peer that sent the call (valid while the call is pending). */
const struct rpc_peer *rpc_call_peer(const struct bt_rpc_call *call);
struct rpc_server *rpc_call_server(const struct bt_rpc_call *call);

/** Back end of host->rpc_result / rpc_error: checks that `call` is pending and that owner
 *  registered its method. Returns BT_OK or BT_EINVAL (misuse: not pending, answered twice,
 *  someone else's call, result not JSON) with a reason in *out_why. */
bt_status rpc_answer(struct rpc_server *s, void *owner, struct bt_rpc_call *call, int is_error,
                     int32_t code, const char *text, const char *data_json, const char **out_why);

/** web3_clientVersion's answer: "bttcd/v<version>/linux-<arch>/<compiler><version>". */
extern const char rpc_client_version[];

struct json_t;
/** Parse a call's params as geth does for positional arguments: null or absent reads as [];
 *  not an array: -32602 "non-array args"; more than n_max: "too many arguments, want at most
 *  N"; fewer than n_required: "missing value for required argument N". On error the call is
 *  answered already. Returns BT_OK (*out: a new reference to the array) or an error. */
bt_status rpc_params(struct bt_rpc_call *call, size_t n_max, size_t n_required,
                     struct json_t **out);

/* --- subscriptions ----------------------------------------------------------------------- */

/** Called once when a subscription ends (unsubscribe, connection closed, server freed). */
typedef void (*rpc_sub_drop_fn)(void *arg);

/** Length of a subscription id with its NUL ("0x" + up to 32 hex digits). */
#define RPC_SUB_ID_MAX 35

/** Create a subscription on `sink` (geth's ids: 0x + 16 random bytes in hex, leading zeros
 *  trimmed). Returns BT_OK, BT_ENOMEM. */
bt_status rpc_sub_new(struct rpc_sink *sink, rpc_sub_drop_fn on_drop, void *arg,
                      char out_id[RPC_SUB_ID_MAX]);
/** Push {"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":ID,
 *  "result":RESULT}} to the subscription's connection. Returns BT_OK, BT_ENOTFOUND. */
bt_status rpc_sub_notify(struct rpc_server *s, const char *id, const char *result_json);
/** End a subscription (eth_unsubscribe); only the sink that created it may. BT_OK or
 *  BT_ENOTFOUND. */
bt_status rpc_sub_cancel(struct rpc_sink *sink, const char *id);
/** The subscription sink of the connection that sent `call`, for a *_subscribe handler.
 *  Returns it, or NULL after answering the call with -32001 "notifications not supported"
 *  (HTTP has no sink). */
struct rpc_sink *rpc_call_sink(struct bt_rpc_call *call);
/** Answer a *_subscribe call with the new subscription's id (a JSON string). */
void rpc_call_result_sub_id(struct bt_rpc_call *call, const char *id);
/** A whole *_unsubscribe handler (arg unused): params [id]; answers true if the calling
 *  connection's subscription `id` was ended, else false (geth's eth_unsubscribe). */
void rpc_m_unsubscribe(void *arg, struct bt_rpc_call *call);
/** Number of live subscriptions (tests). */
size_t rpc_sub_count(const struct rpc_server *s);

/* --- introspection (rpc_modules, tests) -------------------------------------------------- */

/** Visit registered methods in name order that `peer` may call. */
void rpc_each_method(const struct rpc_server *s, const struct rpc_peer *peer,
                     void (*fn)(void *arg, const char *method), void *arg);

#endif /* BTTCD_RPC_INT_H */
