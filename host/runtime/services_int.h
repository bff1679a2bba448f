/* The struct bt_host implementation: the runtime the services act on (loop, workers,
 * registry, metrics) and the per-instance context (struct bt_host_ctx) that names the caller,
 * scopes its config, accounts its memory and owns what it registers. */
#ifndef BTTCD_SERVICES_INT_H
#define BTTCD_SERVICES_INT_H

#include <pthread.h>
#include <stddef.h>

#include <bt/host.h>

#include "config_int.h"
#include "loop_int.h"
#include "registry_int.h"
#include "workers_int.h"

/** Lifecycle phase, for the rules of plugin.h (service_find only from start on). */
enum rt_phase { RT_PHASE_CREATE = 0, RT_PHASE_RUN = 1, RT_PHASE_SHUTDOWN = 2 };

struct services_metric;
struct services_err;
struct rpc_server;
struct rest_router;
struct signer;
struct p2p;

/** The process runtime behind the services table. */
struct host_rt {
    struct loop loop;
    struct workers workers;
    struct registry registry;
    char *datadir; /* absolute, owned */
    enum rt_phase phase;
    pthread_mutex_t metrics_lock;
    uint32_t next_metric_id;
    struct rpc_server *rpc;   /* JSON-RPC methods (host/rpc), served by host/net */
    struct rest_router *rest; /* REST routes (host/net/rest.c) */
    struct signer *signer;    /* host/keys: backs sign and key_address; NULL: no keys */
    struct p2p *p2p;          /* host/net/p2p: backs the p2p topics; NULL: p2p not running */
};

struct bt_host_ctx {
    struct host_rt *rt;
    char name[64];                          /* plugin name: log prefix and misuse reports */
    const struct conf_plugin *conf;         /* its [plugin NAME] section, or NULL */
    const char *conf_file;                  /* plugins.conf path as given */
    size_t mem_bytes, mem_peak, mem_blocks; /* __atomic accessed */
    pthread_mutex_t err_lock;
    struct services_err *errs;       /* one message slot per thread */
    struct services_metric *metrics; /* under rt->metrics_lock */
};

/** The one services table of the process. */
extern const struct bt_host services_table;

/** Set up loop, workers (n_workers threads) and registry; takes a copy of datadir.
 *  Returns BT_OK, BT_ENOMEM or BT_EIO. */
bt_status rt_init(struct host_rt *rt, size_t n_workers, const char *datadir);
/** Shutdown step: stop the workers (cancelling queued jobs) and run every result and deferred
 *  call still queued, then refuse new ones. Instances still exist (destroy comes after). */
void rt_quiesce(struct host_rt *rt);
/** Free the runtime (after every context was released). */
void rt_free(struct host_rt *rt);

/** A context for instance `name`; conf may be NULL. NULL on allocation failure. */
struct bt_host_ctx *hctx_new(struct host_rt *rt, const char *name, const struct conf_plugin *conf,
                             const char *conf_file);
/** After destroy: drop the instance's timers, services, queued calls, metrics and messages,
 *  log its memory figures (debug; warn if blocks remain) and free the context. NULL ok. */
void hctx_release(struct bt_host_ctx *h);
/** The message slot of the calling thread: "" if none. */
const char *hctx_error(struct bt_host_ctx *h);
/** Empty the calling thread's message (before a call into the plugin). */
void hctx_clear_error(struct bt_host_ctx *h);

/** Misuse handling: strict (abort) by default in BT_STRICT builds; tests turn it off to
 *  count reports. */
void services_set_strict(int is_strict);
unsigned long services_misuse_count(void);

/** Metrics kept (not served yet): value of metric `id` of h, for the tests. BT_ENOTFOUND if
 *  unknown. For histograms *out_value is the sum and *out_count the number of observations. */
bt_status services_metric_value(struct bt_host_ctx *h, uint32_t id, double *out_value,
                                uint64_t *out_count);
/** Internal to services*.c: report misuse and return BT_EINVAL (or abort when strict). */
bt_status services_misuse(struct bt_host_ctx *h, const char *service, const char *what);
/** Internal to services*.c: leave a message for last_error on the calling thread. */
void services_set_error(struct bt_host_ctx *h, const char *fmt, ...) BT_PRINTF(2, 3);
/** Internal: free h's metrics. */
void services_metrics_release(struct bt_host_ctx *h);

/** Entries defined in services_more.c (metrics, RPC and REST routes, services not backed
 *  yet); h_sign and h_key_address in host/keys/services_keys.c. */
bt_status h_metric_register(struct bt_host_ctx *h, uint32_t type, const char *name,
                            const char *help, const double *buckets, size_t n_buckets,
                            uint32_t *out_id);
void h_metric_update(struct bt_host_ctx *h, uint32_t id, double v);
bt_status h_rpc_register(struct bt_host_ctx *h, const char *method, bt_rpc_fn fn, void *arg);
void h_rpc_result(struct bt_host_ctx *h, struct bt_rpc_call *call, const char *json);
void h_rpc_error(struct bt_host_ctx *h, struct bt_rpc_call *call, int32_t code, const char *message,
                 const char *data_json);
bt_status h_http_register(struct bt_host_ctx *h, const char *method, const char *pattern,
                          bt_http_fn fn, void *arg);
void h_http_reply(struct bt_host_ctx *h, struct bt_http_request *req, uint32_t status,
                  const char *content_type, const uint8_t *body, size_t body_len);
bt_status h_topic_register(struct bt_host_ctx *h, const char *topic, size_t max_msg_size,
                           bt_topic_fn fn, void *arg, uint32_t *out_id);
bt_status h_topic_send(struct bt_host_ctx *h, uint32_t topic_id, uint64_t peer, const uint8_t *msg,
                       size_t msg_len);
void h_peer_penalise(struct bt_host_ctx *h, uint64_t peer, const char *reason);
bt_status h_sign(struct bt_host_ctx *h, uint8_t out_sig65[65], const char *key_id,
                 const uint8_t digest[32]);
bt_status h_key_address(struct bt_host_ctx *h, const char *key_id, uint8_t out_addr[20]);

#define SERVICES_CHECK(h, cond)                                                                    \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return services_misuse((h), __func__, #cond);                                          \
    } while (0)
#define SERVICES_CHECK_VOID(h, cond)                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            services_misuse((h), __func__, #cond);                                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#endif /* BTTCD_SERVICES_INT_H */
