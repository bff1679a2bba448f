/* Metrics (kept per instance and mirrored into the process registry that /metrics serves, as
 * bttcd_<plugin>_<name>), JSON-RPC methods
 * and REST routes (host/rpc, host/net/rest.c), p2p topics (host/net/p2p), and the services
 * this host build does not back yet: they check their arguments like the real ones will, then
 * answer BT_ENOTSUP (or do nothing, for the void entries), as host.h documents. */
#include "services_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_int.h"
#include "p2p_int.h"
#include "rest_int.h"
#include "rpc_int.h"

struct services_metric {
    struct services_metric *next;
    uint32_t id, type;
    char name[65];
    double *buckets;
    size_t n_buckets;
    double value; /* counter/gauge value; histogram sum */
    uint64_t count;
    struct metric *series; /* bttcd_<plugin>_<name> in metrics_global(); NULL: not exported */
};

/* The exported name: "bttcd_" + the plugin name with every character outside [a-z0-9_]
 * turned into '_' ("rootchain-tron" -> "rootchain_tron") + "_" + the metric's name, so two
 * plugins never share a family and the result is always a valid Prometheus name. */
static void metric_export_name(char *out, size_t cap, const char *plugin, const char *name)
{
    size_t n = (size_t)snprintf(out, cap, "bttcd_%s_%s", plugin, name);
    size_t plen = strlen(plugin);
    for (size_t i = 6; i < 6 + plen && i < n && i < cap; i++) {
        char c = out[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : '_';
    }
}

/* The series a plugin metric feeds in the process registry. A failure (ENOMEM, or a family of
 * that name with another kind) leaves the metric unexported: the plugin's own view through
 * metric_update/services_metric_value still works, so it is not an error for the caller. */
static struct metric *metric_export(const char *plugin, uint32_t type, const char *name,
                                    const char *help, const double *buckets, size_t n_buckets)
{
    struct metrics *reg = metrics_global();
    char full[160];
    metric_export_name(full, sizeof(full), plugin, name);
    if (!reg)
        return NULL;
    switch ((enum bt_metric_type)type) {
    case BT_METRIC_COUNTER:
        return metrics_counter(reg, full, NULL, help);
    case BT_METRIC_GAUGE:
        return metrics_gauge(reg, full, NULL, help);
    case BT_METRIC_HISTOGRAM:
        return n_buckets <= METRICS_MAX_BUCKETS
                   ? metrics_histogram(reg, full, NULL, help, buckets, n_buckets)
                   : NULL;
    }
    return NULL;
}

static int metric_name_ok(const char *s)
{
    size_t n = strnlen(s, 65);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static int buckets_ok(const double *b, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!(b[i] > b[i - 1]))
            return 0;
    return 1;
}

bt_status h_metric_register(struct bt_host_ctx *h, uint32_t type, const char *name,
                            const char *help, const double *buckets, size_t n_buckets,
                            uint32_t *out_id)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, type >= BT_METRIC_COUNTER && type <= BT_METRIC_HISTOGRAM);
    SERVICES_CHECK(h, name != NULL && metric_name_ok(name));
    SERVICES_CHECK(h, help != NULL);
    SERVICES_CHECK(h, out_id != NULL);
    SERVICES_CHECK(h, type != BT_METRIC_HISTOGRAM || (buckets != NULL && n_buckets > 0));
    SERVICES_CHECK(h, n_buckets == 0 || buckets_ok(buckets, n_buckets));
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    *out_id = 0;
    struct host_rt *rt = h->rt;
    pthread_mutex_lock(&rt->metrics_lock);
    for (struct services_metric *m = h->metrics; m; m = m->next) {
        if (strcmp(m->name, name) == 0) {
            pthread_mutex_unlock(&rt->metrics_lock);
            services_set_error(h, "metric %s is already registered", name);
            return BT_EEXIST;
        }
    }
    struct services_metric *m = calloc(1, sizeof(*m));
    if (m && n_buckets && !(m->buckets = malloc(n_buckets * sizeof(double)))) {
        free(m);
        m = NULL;
    }
    if (!m) {
        pthread_mutex_unlock(&rt->metrics_lock);
        return BT_ENOMEM;
    }
    if (n_buckets)
        memcpy(m->buckets, buckets, n_buckets * sizeof(double));
    m->n_buckets = n_buckets;
    m->type = type;
    m->series = metric_export(h->name, type, name, help, buckets, n_buckets);
    m->id = rt->next_metric_id++;
    memcpy(m->name, name, strlen(name) + 1);
    m->next = h->metrics;
    h->metrics = m;
    *out_id = m->id;
    pthread_mutex_unlock(&rt->metrics_lock);
    return BT_OK;
}

void h_metric_update(struct bt_host_ctx *h, uint32_t id, double v)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    pthread_mutex_lock(&h->rt->metrics_lock);
    struct services_metric *m = h->metrics;
    while (m && m->id != id)
        m = m->next;
    int is_bad = !m || (m->type == BT_METRIC_COUNTER && !(v >= 0));
    if (m && !is_bad) {
        if (m->type == BT_METRIC_GAUGE)
            m->value = v;
        else
            m->value += v;
        m->count++;
        /* Series are lock-free; updating under our lock keeps their order equal to ours. */
        if (m->type == BT_METRIC_GAUGE)
            metric_set(m->series, v);
        else if (m->type == BT_METRIC_HISTOGRAM)
            metric_observe(m->series, v);
        else
            metric_add_double(m->series, v);
    }
    pthread_mutex_unlock(&h->rt->metrics_lock);
    if (!m)
        services_misuse(h, __func__, "id was returned by metric_register");
    else if (is_bad)
        services_misuse(h, __func__, "counter increment >= 0");
}

bt_status services_metric_value(struct bt_host_ctx *h, uint32_t id, double *out_value,
                                uint64_t *out_count)
{
    bt_status st = BT_ENOTFOUND;
    pthread_mutex_lock(&h->rt->metrics_lock);
    for (struct services_metric *m = h->metrics; m; m = m->next) {
        if (m->id == id) {
            *out_value = m->value;
            *out_count = m->count;
            st = BT_OK;
            break;
        }
    }
    pthread_mutex_unlock(&h->rt->metrics_lock);
    return st;
}

void services_metric_each(struct bt_host_ctx *h,
                          int (*fn)(void *arg, const char *name, uint32_t type, double value,
                                    uint64_t count),
                          void *arg)
{
    pthread_mutex_lock(&h->rt->metrics_lock);
    size_t n = 0;
    for (struct services_metric *m = h->metrics; m; m = m->next)
        n++;
    /* Registration order (the list is newest first), outside the lock for the callback. */
    struct services_metric *copy = calloc(n ? n : 1, sizeof(*copy));
    size_t i = n;
    for (struct services_metric *m = h->metrics; m && copy; m = m->next)
        copy[--i] = *m;
    pthread_mutex_unlock(&h->rt->metrics_lock);
    for (i = 0; copy && i < n; i++)
        if (fn(arg, copy[i].name, copy[i].type, copy[i].value, copy[i].count))
            break;
    free(copy);
}

void services_metrics_release(struct bt_host_ctx *h)
{
    pthread_mutex_lock(&h->rt->metrics_lock);
    struct services_metric *m = h->metrics;
    h->metrics = NULL;
    pthread_mutex_unlock(&h->rt->metrics_lock);
    while (m) {
        struct services_metric *next = m->next;
        free(m->buckets);
        free(m);
        m = next;
    }
}

/* --- JSON-RPC methods and REST routes ------------------------------------------------------ */

bt_status h_rpc_register(struct bt_host_ctx *h, const char *method, bt_rpc_fn fn, void *arg)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, method != NULL);
    SERVICES_CHECK(h, fn != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    SERVICES_CHECK(h, *method && strlen(method) <= 127);
    /* DESIGN.md §5: admin methods need IPC or the admin token. */
    uint32_t flags = strncmp(method, "admin_", 6) == 0 ? RPC_F_ADMIN : 0;
    bt_status st = rpc_register(h->rt->rpc, h, method, flags, fn, arg);
    if (st == BT_EEXIST)
        services_set_error(h, "rpc method %s is already registered", method);
    return st;
}

void h_rpc_result(struct bt_host_ctx *h, struct bt_rpc_call *call, const char *json)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    SERVICES_CHECK_VOID(h, call != NULL);
    SERVICES_CHECK_VOID(h, json != NULL);
    SERVICES_CHECK_VOID(h, loop_on_thread(&h->rt->loop));
    const char *why = NULL;
    if (rpc_answer(h->rt->rpc, h, call, 0, 0, json, NULL, &why) != BT_OK)
        services_misuse(h, __func__, why);
}

void h_rpc_error(struct bt_host_ctx *h, struct bt_rpc_call *call, int32_t code, const char *message,
                 const char *data_json)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    SERVICES_CHECK_VOID(h, call != NULL);
    SERVICES_CHECK_VOID(h, message != NULL);
    SERVICES_CHECK_VOID(h, loop_on_thread(&h->rt->loop));
    const char *why = NULL;
    if (rpc_answer(h->rt->rpc, h, call, 1, code, message, data_json, &why) != BT_OK)
        services_misuse(h, __func__, why);
}

bt_status h_http_register(struct bt_host_ctx *h, const char *method, const char *pattern,
                          bt_http_fn fn, void *arg)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, method != NULL);
    SERVICES_CHECK(h, pattern != NULL);
    SERVICES_CHECK(h, fn != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    SERVICES_CHECK(h, strcmp(method, "GET") == 0 || strcmp(method, "POST") == 0);
    SERVICES_CHECK(h, rest_pattern_ok(pattern));
    bt_status st = rest_register(h->rt->rest, h, method, pattern, fn, arg);
    if (st == BT_EEXIST)
        services_set_error(h, "rest route %s %s is already registered", method, pattern);
    return st;
}

void h_http_reply(struct bt_host_ctx *h, struct bt_http_request *req, uint32_t status,
                  const char *content_type, const uint8_t *body, size_t body_len)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    SERVICES_CHECK_VOID(h, req != NULL);
    SERVICES_CHECK_VOID(h, body != NULL || body_len == 0);
    SERVICES_CHECK_VOID(h, status >= 100 && status <= 599);
    SERVICES_CHECK_VOID(h, loop_on_thread(&h->rt->loop));
    const char *why = NULL;
    if (rest_reply(h->rt->rest, h, req, status, content_type, body, body_len, &why) != BT_OK)
        services_misuse(h, __func__, why);
}

/* --- not backed yet ---------------------------------------------------------------------- */

static bt_status unsupported(struct bt_host_ctx *h, const char *what)
{
    services_set_error(h, "%s: not available in this host build yet", what);
    return BT_ENOTSUP;
}

bt_status h_topic_register(struct bt_host_ctx *h, const char *topic, size_t max_msg_size,
                           bt_topic_fn fn, void *arg, uint32_t *out_id)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, topic != NULL);
    SERVICES_CHECK(h, fn != NULL);
    SERVICES_CHECK(h, out_id != NULL);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    *out_id = 0;
    if (!h->rt->p2p)
        return unsupported(h, "topic_register (p2p is off)");
    bt_status st = p2p_topic_register(h->rt->p2p, h, topic, max_msg_size, fn, arg, out_id);
    if (st == BT_EEXIST)
        services_set_error(h, "topic %s is already registered", topic);
    else if (st == BT_EINVAL)
        services_set_error(h, "topic %s: name of 1..%d bytes, size 1..%u, at most %d topics", topic,
                           P2P_TOPIC_NAME_MAX, P2P_TOPIC_MSG_MAX, P2P_MAX_TOPICS);
    return st;
}

bt_status h_topic_send(struct bt_host_ctx *h, uint32_t topic_id, uint64_t peer, const uint8_t *msg,
                       size_t msg_len)
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, msg != NULL || msg_len == 0);
    SERVICES_CHECK(h, peer != 0);
    SERVICES_CHECK(h, loop_on_thread(&h->rt->loop));
    if (!h->rt->p2p)
        return unsupported(h, "topic_send (p2p is off)");
    bt_status st = p2p_topic_send(h->rt->p2p, h, topic_id, peer, msg, msg_len);
    if (st == BT_ENOTFOUND)
        services_set_error(h, "topic %u or peer %llu unknown", topic_id, (unsigned long long)peer);
    else if (st == BT_ERANGE)
        services_set_error(h, "message of %zu bytes is over the topic's limit", msg_len);
    return st;
}

void h_peer_penalise(struct bt_host_ctx *h, uint64_t peer, const char *reason)
{
    SERVICES_CHECK_VOID(h, h != NULL);
    SERVICES_CHECK_VOID(h, reason != NULL);
    SERVICES_CHECK_VOID(h, loop_on_thread(&h->rt->loop));
    if (h->rt->p2p) {
        char why[128];
        snprintf(why, sizeof(why), "%s: %s", h->name, reason);
        p2p_penalise(h->rt->p2p, peer, why);
    }
}
