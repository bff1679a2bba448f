/* Asynchronous HTTP POST client for basechain adapters (DESIGN.md §3 "Threads": HTTPS to a
 * basechain goes through work_submit). Each attempt is one blocking libcurl easy transfer on the
 * host's worker pool; its result comes back on the loop, so a slow or dead endpoint never blocks
 * the node and no new host service (fd watching) is needed. On top of that: several URLs with
 * failover, retries with exponential backoff and jitter (host timers), per-attempt timeouts, a
 * response size cap and messages that name the URL and the cause. */
#ifndef BTS_HTTP_H
#define BTS_HTTP_H

#include <bt/host.h>

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bts_http;

/** Client settings. Strings are copied by bts_http_new. */
struct bts_http_conf {
    const char *const *urls; /* endpoints in order of preference; at least one */
    size_t n_urls;
    const char *const *headers; /* extra "Name: value" lines (e.g. an API key); may be NULL */
    size_t n_headers;
    uint32_t timeout_ms;     /* whole-transfer limit of one attempt; 0: 10000 */
    uint32_t attempts;       /* tries per request over all URLs; 0: 2 x n_urls (at least 3) */
    uint32_t backoff_ms;     /* delay before the 2nd try, doubled each try (+-25% jitter); 0: 200 */
    uint32_t backoff_max_ms; /* cap of the delay; 0: 5000 */
    size_t max_response;     /* larger bodies fail with BT_ERANGE; 0: 32 MiB */
};

/** Outcome of one request. Borrowed for the callback. */
struct bts_http_resp {
    bt_status st;        /* BT_OK (an HTTP answer arrived; see http_status), BT_EIO (transport),
                            BT_ETIMEDOUT, BT_ERANGE (body over max_response), BT_ENOMEM,
                            BT_ECANCELED (client freed) */
    long http_status;    /* 0 when no answer arrived */
    const uint8_t *body; /* NUL-terminated; never NULL ("" when none) */
    size_t body_len;
    const char *url;   /* the endpoint that answered (or failed last) */
    const char *error; /* "" on BT_OK; else "<url>: <cause>" naming the last failure */
    uint32_t attempts; /* transfers made */
};

typedef void (*bts_http_done_fn)(void *arg, const struct bts_http_resp *resp);

/** Create a client. Retried: transport failures, timeouts, HTTP 429 and 5xx (the next try goes
 *  to the next URL). Any other HTTP status is an answer and is handed to the callback.
 *  Returns: BT_OK, BT_EINVAL (no URL), BT_ENOMEM.
 *  Args:    host, hctx: the plugin's (timers, work_submit, now_ms on the loop).
 *  Out:     *out: free with bts_http_free. In: conf: borrowed (copied).
 *  Thread:  loop. */
BTS_API bt_status bts_http_new(struct bts_http **out, const struct bt_host *host,
                               struct bt_host_ctx *hctx,
                               const struct bts_http_conf *conf) BT_MUST_CHECK BT_NONNULL(1, 2, 4);

/** Free a client. Every request not yet answered is answered now with BT_ECANCELED; transfers
 *  still running on a worker finish there and are discarded. NULL is ignored. Thread: loop. */
BTS_API void bts_http_free(struct bts_http *c);

/** POST `body` (Content-Type: application/json) and call cb once on the loop with the outcome.
 *  Returns: BT_OK (cb will run exactly once, never before this returns), BT_ENOMEM, or the
 *           status of timer_add/work_submit (then cb never runs).
 *  In:      body, body_len: copied.
 *  Thread:  loop. */
BTS_API bt_status bts_http_post(struct bts_http *c, const uint8_t *body, size_t body_len,
                                bts_http_done_fn cb, void *arg) BT_MUST_CHECK BT_NONNULL(1, 4);

/** GET `path` (appended to each endpoint URL as given, e.g. "/bor/span/5") and call cb once
 *  on the loop with the outcome; retries and failover as bts_http_post (REST clients, e.g. of
 *  Delivery's API, PROTOCOL.md §4.9).
 *  Returns: as bts_http_post. In: path: copied. Thread: loop. */
BTS_API bt_status bts_http_get(struct bts_http *c, const char *path, bts_http_done_fn cb,
                               void *arg) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** The URL the next request goes to first (the last one that answered). Thread: loop. */
BTS_API const char *bts_http_current_url(const struct bts_http *c) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_HTTP_H */
