/* bttcd plugin ABI: the services table the host hands to every plugin instance (DESIGN.md §3).
 * One constant table for the whole process (`const struct bt_host *`), plus one opaque
 * `struct bt_host_ctx *` per plugin instance that names the caller: the host prefixes its logs,
 * scopes its config section, accounts its memory and releases what it registered.
 *
 * Conventions for every entry below:
 *  - Unless stated, every pointer argument must be non-NULL; misuse (NULL where forbidden,
 *    unknown ids) is a plugin bug: the host logs "misuse: ..." naming the plugin and returns
 *    BT_EINVAL (aborts in strict builds).
 *  - "Thread: loop" entries may only be called on the host loop thread (where every plugin
 *    entry point runs unless its header says otherwise); "Thread: any" entries are safe from
 *    worker threads too.
 *  - Borrowed inputs are valid for the call only; the host copies what it keeps.
 *  - Services a host build does not back yet return BT_ENOTSUP; this ABI 1.0 draft lists them
 *    in the comment of each entry ("Not yet backed: ..."). The current bttcd backs every
 *    entry except the /metrics endpoint (p2p topics answer BT_ENOTSUP only when the node
 *    runs without p2p). */
#ifndef BT_HOST_H
#define BT_HOST_H

#include <bt/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque per-instance context. Valid from create until destroy returns. */
struct bt_host_ctx;

/** Log levels, most severe first. */
enum bt_log_level {
    BT_LOG_ERROR = 0,
    BT_LOG_WARN = 1,
    BT_LOG_INFO = 2,
    BT_LOG_DEBUG = 3,
    BT_LOG_TRACE = 4
};

/** One key of the plugin's own plugins.conf section. All strings are owned by the host and
 *  valid until the instance is destroyed. `file`/`line` let plugins name the line in errors
 *  ("plugins.conf:12: cache_mb: not a number"). */
struct bt_conf_entry {
    const char *key;
    const char *value;
    const char *file;
    uint32_t line;
};

/** Callback types. Every callback runs on the host loop thread unless its name says worker. */
typedef void (*bt_timer_fn)(void *arg);
typedef void (*bt_defer_fn)(void *arg);
typedef void (*bt_work_fn)(void *arg); /* runs on a worker thread */
typedef void (*bt_work_done_fn)(void *arg,
                                bt_status st); /* loop thread; st: BT_OK or BT_ECANCELED */

/** Metric types (Prometheus). */
enum bt_metric_type { BT_METRIC_COUNTER = 1, BT_METRIC_GAUGE = 2, BT_METRIC_HISTOGRAM = 3 };

/** An in-flight JSON-RPC call handed to a registered method. The handler answers exactly once
 *  with rpc_result or rpc_error, either before it returns or later on the loop thread (async);
 *  the call object stays valid until then. `params` is the raw JSON of the "params" member
 *  ("[]" when absent), NUL-terminated. */
struct bt_rpc_call {
    uint32_t struct_size;
    const char *method;
    const char *params;
    size_t params_len;
    void *host_private; /* the host's; do not touch */
};
typedef void (*bt_rpc_fn)(void *arg, struct bt_rpc_call *call);

/** An in-flight REST request (Delivery's API). `path_params` holds the values of `{name}`
 *  segments of the registered pattern in order; `query` is the raw query string ("" if none).
 *  Answer exactly once with http_reply. */
struct bt_http_request {
    uint32_t struct_size;
    const char *method;
    const char *path;
    const char *query;
    const char *const *path_params;
    size_t n_path_params;
    const uint8_t *body;
    size_t body_len;
    void *host_private;
};
typedef void (*bt_http_fn)(void *arg, struct bt_http_request *req);

/** A message received on a p2p topic. `peer` identifies the sender for replies and penalties
 *  (0 never names a peer). */
typedef void (*bt_topic_fn)(void *arg, uint64_t peer, const uint8_t *msg, size_t msg_len);

/** Special peer ids for topic_send. */
#define BT_PEER_BROADCAST UINT64_MAX

/** The services table. Its layout is pinned by abi/tests (offsets never change within a major
 *  version); entries appended by a later minor are tested with BT_HAS(struct bt_host, h, x). */
struct bt_host {
    uint32_t struct_size; /* sizeof(struct bt_host) as the host was built */
    uint16_t abi_major;   /* BT_ABI_MAJOR of the host */
    uint16_t abi_minor;   /* BT_ABI_MINOR of the host */
    const char *host_version;

    /* --- logging --------------------------------------------------------------------------- */

    /** Log one line. `msg` is a short constant event name; `fmt` formats logfmt fields
     *  ("key=value key2=value2") and may be NULL. The host adds ts, level and plugin=<name>.
     *  Thread: any. */
    void (*log)(struct bt_host_ctx *h, uint32_t level, const char *msg, const char *fmt, ...)
        BT_PRINTF(4, 5);
    /** Nonzero if a line at `level` would be written: hot paths skip formatting otherwise.
     *  Thread: any. */
    int (*log_enabled)(struct bt_host_ctx *h, uint32_t level);

    /* --- errors ---------------------------------------------------------------------------- */

    /** Leave a message for the failing call that is about to return an error. The host copies
     *  it at once (at most 1 KiB kept); lower case, no trailing period, name the value that
     *  caused it. Thread: any (kept per thread). */
    void (*set_error)(struct bt_host_ctx *h, const char *fmt, ...) BT_PRINTF(2, 3);
    /** The message left by the last failing host service called by this instance on this
     *  thread, or "" if none. Valid until the next host call from the same thread. Thread: any. */
    const char *(*last_error)(struct bt_host_ctx *h);

    /* --- memory ---------------------------------------------------------------------------- */

    /** Allocate, accounted to this instance (a per-plugin figure in metrics). Returns NULL on
     *  failure or when n == 0. Free only with mem_free. Thread: any. */
    void *(*mem_alloc)(struct bt_host_ctx *h, size_t n);
    /** Resize a block from mem_alloc (realloc semantics; p may be NULL). Thread: any. */
    void *(*mem_realloc)(struct bt_host_ctx *h, void *p, size_t n);
    /** Free a block from mem_alloc/mem_realloc; NULL is ignored. Thread: any. */
    void (*mem_free)(struct bt_host_ctx *h, void *p);

    /* --- configuration --------------------------------------------------------------------- */

    /** Read `key` from this plugin's own [plugin NAME] section.
     *  Returns: BT_OK, BT_ENOTFOUND (out zeroed). The host-level keys `path` and `enabled` are
     *  not visible here. Thread: any. */
    bt_status (*conf_get)(struct bt_host_ctx *h, const char *key, struct bt_conf_entry *out);
    /** Iterate the section's keys in file order: start with *iter = 0; returns BT_ENOTFOUND
     *  after the last one. Lets a plugin refuse keys it does not know. Thread: any. */
    bt_status (*conf_next)(struct bt_host_ctx *h, size_t *iter, struct bt_conf_entry *out);
    /** The node's data directory (absolute path, no trailing slash), valid for the process
     *  lifetime. Plugins resolve relative paths from their config against it. Thread: any. */
    const char *(*datadir)(struct bt_host_ctx *h);

    /* --- time, timers, deferred work and the worker pool ----------------------------------- */

    /** Milliseconds on the host's monotonic clock (a simulated clock under tests). Thread: any. */
    uint64_t (*now_ms)(struct bt_host_ctx *h);
    /** Wall-clock time in milliseconds since the Unix epoch. Thread: any. */
    uint64_t (*wall_ms)(struct bt_host_ctx *h);
    /** Run fn(arg) on the loop after delay_ms, then every period_ms if period_ms > 0.
     *  *out_id (never 0) cancels it with timer_del. Thread: loop. */
    bt_status (*timer_add)(struct bt_host_ctx *h, uint64_t delay_ms, uint64_t period_ms,
                           bt_timer_fn fn, void *arg, uint64_t *out_id);
    /** Cancel a timer; a timer that already fired once-only is BT_ENOTFOUND. Thread: loop. */
    bt_status (*timer_del)(struct bt_host_ctx *h, uint64_t id);
    /** Run fn(arg) on the loop thread soon, after the current callback returns. Thread: any
     *  (the one way for worker code to get back to the loop). */
    bt_status (*defer)(struct bt_host_ctx *h, bt_defer_fn fn, void *arg);
    /** Run on_worker(arg) on a pool thread, then on_done(arg, st) on the loop. on_done runs
     *  with BT_ECANCELED (and on_worker not at all) if the node shuts down first. on_done may be
     *  NULL. Thread: loop. */
    bt_status (*work_submit)(struct bt_host_ctx *h, bt_work_fn on_worker, bt_work_done_fn on_done,
                             void *arg);

    /* --- metrics (Prometheus /metrics) ----------------------------------------------------- */

    /** Register a metric named bttcd_<plugin>_<name> ([a-z0-9_]+). Histograms take ascending
     *  bucket bounds (copied). *out_id is used with metric_* below. Thread: loop.
     *  Served on /metrics as bttcd_<plugin>_<name> (plugin name with [^a-z0-9_] as `_`). */
    bt_status (*metric_register)(struct bt_host_ctx *h, uint32_t type, const char *name,
                                 const char *help, const double *buckets, size_t n_buckets,
                                 uint32_t *out_id);
    /** Counter: add v (>= 0); gauge: set to v; histogram: observe v. Thread: any. */
    void (*metric_update)(struct bt_host_ctx *h, uint32_t id, double v);

    /* --- routes: JSON-RPC methods and REST paths ------------------------------------------- */

    /** Serve JSON-RPC `method` (e.g. "bor_getSnapshot") on every RPC transport. A method name
     *  can be registered once per process (BT_EEXIST). Thread: loop. */
    bt_status (*rpc_register)(struct bt_host_ctx *h, const char *method, bt_rpc_fn fn, void *arg);
    /** Answer a call with the JSON text of its result (copied). Thread: loop. */
    void (*rpc_result)(struct bt_host_ctx *h, struct bt_rpc_call *call, const char *json);
    /** Answer a call with a JSON-RPC error; data_json may be NULL. Thread: loop. */
    void (*rpc_error)(struct bt_host_ctx *h, struct bt_rpc_call *call, int32_t code,
                      const char *message, const char *data_json);
    /** Serve a REST route on the Delivery REST server: method "GET"/"POST", pattern like
     *  "/bor/span/{id}". Thread: loop. */
    bt_status (*http_register)(struct bt_host_ctx *h, const char *method, const char *pattern,
                               bt_http_fn fn, void *arg);
    /** Answer a REST request (body copied). Thread: loop. */
    void (*http_reply)(struct bt_host_ctx *h, struct bt_http_request *req, uint32_t status,
                       const char *content_type, const uint8_t *body, size_t body_len);

    /* --- p2p topics (carried in the dlv/1 capability) -------------------------------------- */

    /** Receive messages of `topic` (e.g. "dlv/vote"), at most max_msg_size bytes each (larger
     *  ones drop and penalise the peer). *out_id names the topic in topic_send. Thread: loop.
     *  BT_EEXIST (name taken), BT_EINVAL (name over 64 bytes, size 0 or over 4 MiB, more than
     *  64 topics), BT_ENOTSUP (the node runs without p2p). */
    bt_status (*topic_register)(struct bt_host_ctx *h, const char *topic, size_t max_msg_size,
                                bt_topic_fn fn, void *arg, uint32_t *out_id);
    /** Send a message to one peer or BT_PEER_BROADCAST (copied). Thread: loop. */
    bt_status (*topic_send)(struct bt_host_ctx *h, uint32_t topic_id, uint64_t peer,
                            const uint8_t *msg, size_t msg_len);
    /** Report a peer for misbehaviour; the host decides on a ban. Thread: loop. */
    void (*peer_penalise)(struct bt_host_ctx *h, uint64_t peer, const char *reason);

    /* --- service registry ------------------------------------------------------------------ */

    /** Offer an interface under `name` (e.g. "span-source", "delivery"): `iface` is a static
     *  table whose first member is its uint32_t struct_size, `self` its instance. Plugins are
     *  registered automatically as "<kind>/<name>" ("rootchain/rootchain-tron") with their kind
     *  table as iface. BT_EEXIST if the name is taken. Released when the provider is destroyed.
     *  Thread: loop. */
    bt_status (*service_provide)(struct bt_host_ctx *h, const char *name, const void *iface,
                                 void *self);
    /** Look up a service by name. Only from start() on (services appear during create).
     *  Returns: BT_OK, BT_ENOTFOUND. Thread: loop. */
    bt_status (*service_find)(struct bt_host_ctx *h, const char *name, const void **out_iface,
                              void **out_self);
    /** Visit every service whose name starts with `prefix` ("rootchain/" lists every
     *  basechain adapter) in registration order; stop early by returning nonzero from fn.
     *  Thread: loop. */
    void (*service_each)(struct bt_host_ctx *h, const char *prefix,
                         int (*fn)(void *arg, const char *name, const void *iface, void *self),
                         void *arg);

    /* --- signer (private keys stay in the host's keystore) --------------------------------- */

    /** Sign a 32-byte digest with the key `key_id` (its address: "0x" and 40 hex digits, any
     *  case; keys have no aliases): out_sig65 = r(32) || s(32) || v(1), v in {0,1}, low-s.
     *  Returns: BT_OK, BT_ENOTFOUND (no such key), BT_EPERM (locked), BT_EBUSY. Thread: any. */
    bt_status (*sign)(struct bt_host_ctx *h, uint8_t out_sig65[65], const char *key_id,
                      const uint8_t digest[32]);
    /** The 20-byte address of key `key_id` (an address, as for sign). Returns: BT_OK,
     *  BT_ENOTFOUND. Thread: any. */
    bt_status (*key_address)(struct bt_host_ctx *h, const char *key_id, uint8_t out_addr[20]);

    /* ABI 1.x additions go here, never above. */
};

#ifdef __cplusplus
}
#endif

#endif /* BT_HOST_H */
