/* Subscriptions: ids bound to a connection (struct rpc_sink) that host code pushes
 * eth_subscription notifications to; closing the connection drops them (geth rpc/subscription.go).
 */
#include "rpc_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dispatch_int.h"

struct rpc_sub {
    struct rpc_sub *next;
    struct rpc_sink *sink;
    char id[RPC_SUB_ID_MAX];
    rpc_sub_drop_fn on_drop;
    void *arg;
};

void rpc_sink_init(struct rpc_sink *sink, struct rpc_server *srv,
                   void (*send)(void *arg, const char *json, size_t len), void *arg)
{
    sink->srv = srv;
    sink->send = send;
    sink->arg = arg;
}

/* Unlink the first sub matching (sink, id or any id); returns it or NULL. */
static struct rpc_sub *sub_take(struct rpc_server *s, const struct rpc_sink *sink, const char *id)
{
    for (struct rpc_sub **pp = &s->subs; *pp; pp = &(*pp)->next) {
        struct rpc_sub *u = *pp;
        if ((sink && u->sink != sink) || (id && strcmp(u->id, id) != 0))
            continue;
        *pp = u->next;
        return u;
    }
    return NULL;
}

static void sub_drop(struct rpc_sub *u)
{
    if (u->on_drop)
        u->on_drop(u->arg);
    free(u);
}

void rpc_sink_close(struct rpc_sink *sink)
{
    if (!sink->srv)
        return;
    struct rpc_sub *u;
    while ((u = sub_take(sink->srv, sink, NULL)))
        sub_drop(u);
}

void rpc_subs_free_all(struct rpc_server *s)
{
    struct rpc_sub *u;
    while ((u = sub_take(s, NULL, NULL)))
        sub_drop(u);
}

bt_status rpc_sub_new(struct rpc_sink *sink, rpc_sub_drop_fn on_drop, void *arg,
                      char out_id[RPC_SUB_ID_MAX])
{
    out_id[0] = 0;
    struct rpc_sub *u = calloc(1, sizeof(*u));
    if (!u)
        return BT_ENOMEM;
    uint8_t b[16];
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
        free(u);
        return BT_EIO;
    }
    char hex[33];
    for (size_t i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", b[i]);
    const char *p = hex;
    while (*p == '0' && p[1]) /* geth rpc/subscription.go encodeID trims leading zeros */
        p++;
    snprintf(u->id, sizeof(u->id), "0x%s", p);
    u->sink = sink;
    u->on_drop = on_drop;
    u->arg = arg;
    u->next = sink->srv->subs;
    sink->srv->subs = u;
    memcpy(out_id, u->id, sizeof(u->id));
    return BT_OK;
}

bt_status rpc_sub_notify(struct rpc_server *s, const char *id, const char *result_json)
{
    struct rpc_sub *u = s->subs;
    while (u && strcmp(u->id, id) != 0)
        u = u->next;
    if (!u)
        return BT_ENOTFOUND;
    static const char fmt[] = "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{"
                              "\"subscription\":\"%s\",\"result\":%s}}";
    size_t n = sizeof(fmt) + strlen(id) + strlen(result_json);
    char *out = malloc(n);
    if (!out)
        return BT_ENOMEM;
    int len = snprintf(out, n, fmt, id, result_json);
    u->sink->send(u->sink->arg, out, (size_t)len);
    free(out);
    return BT_OK;
}

bt_status rpc_sub_cancel(struct rpc_sink *sink, const char *id)
{
    struct rpc_sub *u = sub_take(sink->srv, sink, id);
    if (!u)
        return BT_ENOTFOUND;
    sub_drop(u);
    return BT_OK;
}

size_t rpc_sub_count(const struct rpc_server *s)
{
    size_t n = 0;
    for (const struct rpc_sub *u = s->subs; u; u = u->next)
        n++;
    return n;
}

struct rpc_sink *rpc_call_sink(struct bt_rpc_call *call)
{
    struct rpc_sink *sink = rpc_call_peer(call)->sink;
    if (!sink)
        rpc_call_error(call, -32001, "notifications not supported", NULL);
    return sink;
}

void rpc_call_result_sub_id(struct bt_rpc_call *call, const char *id)
{
    char out[RPC_SUB_ID_MAX + 2];
    snprintf(out, sizeof(out), "\"%s\"", id);
    rpc_call_result(call, out);
}

void rpc_m_unsubscribe(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    const struct rpc_peer *peer = rpc_call_peer(call);
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    const char *id = json_string_value(json_array_get(p, 0));
    int ok = peer->sink && id && rpc_sub_cancel(peer->sink, id) == BT_OK;
    json_decref(p);
    rpc_call_result(call, ok ? "true" : "false");
}
