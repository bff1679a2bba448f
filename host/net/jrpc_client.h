/* A blocking JSON-RPC 2.0 client over HTTP POST (libcurl easy), for the host's command-line
 * tools that talk to nodes from outside the event loop (`bttcd devnet`, `bttcd bridge`). One
 * copy of the transfer and of the answer rules, so both tools report the same errors. */
#ifndef BTTCD_JRPC_CLIENT_H
#define BTTCD_JRPC_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include <bt/abi.h>

/** POST `req` (a request object or a batch array) as JSON to `url` and parse the answer.
 *  Returns: BT_OK with *out = the parsed answer (caller owns it); BT_EIO when the transfer
 *  fails, the status is not HTTP 200 or the body is not JSON (err names the url and why);
 *  BT_ENOMEM. Args: req is consumed (decref'd) in every case, NULL gives BT_ENOMEM;
 *  timeout_ms bounds the whole transfer. Thread: any, blocking; curl_global_init done by the
 *  caller's process. Rules: JSON-RPC 2.0 over HTTP as geth serves it. */
bt_status jrpc_post(const char *url, json_t *req, int timeout_ms, json_t **out, char *err,
                    size_t err_cap);

/** The `result` of one answer object: BT_OK with *out a new reference; BT_EPROTO with err
 *  "METHOD: MESSAGE" for an `error` member, or "METHOD: no result in the answer". `ans` is
 *  borrowed. Rules: JSON-RPC 2.0 §5 (exactly one of result / error). */
bt_status jrpc_take_result(json_t *ans, const char *method, json_t **out, char *err,
                           size_t err_cap);

#endif
