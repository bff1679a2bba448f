/* admin_plugins and admin_nodeInfo (admin-only: IPC or the admin token; the p2p node adds its
 * members to nodeInfo through net_opts.node_info), and the test_*
 * subscription methods that exercise the subscription mechanism before eth_subscribe exists
 * (registered only when BTTCD_RPC_TEST=1). */
#include "net_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

static void m_plugins(void *arg, struct bt_rpc_call *call)
{
    struct net *n = arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    json_t *list = json_array();
    for (size_t i = 0; i < n->n_plugins; i++) {
        const struct net_plugin_info *pi = &n->plugins[i];
        size_t mem = pi->mem_bytes ? __atomic_load_n(pi->mem_bytes, __ATOMIC_RELAXED) : 0;
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:I}", "name", pi->name, "kind",
                                              pi->kind, "version", pi->version, "file", pi->file,
                                              "memory", (json_int_t)mem));
    }
    rpc_call_result_json(call, list);
}

static void m_node_info(void *arg, struct bt_rpc_call *call)
{
    struct net *n = arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    json_t *obj = json_pack("{s:s,s:s}", "name", rpc_client_version, "datadir", n->datadir);
    if (obj && n->node_info)
        n->node_info(n->node_info_arg, obj);
    rpc_call_result_json(call, obj);
}

/* --- test subscriptions: test_subscribe([count, interval_ms]) pushes 1..count ---------------- */

struct tsub {
    struct rpc_server *rpc;
    struct event *ev;
    char id[RPC_SUB_ID_MAX];
    uint64_t sent, count;
    struct timeval every;
};

static void tsub_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct tsub *t = arg;
    char v[32];
    snprintf(v, sizeof(v), "%llu", (unsigned long long)++t->sent);
    rpc_sub_notify(t->rpc, t->id, v);
    if (t->sent < t->count)
        evtimer_add(t->ev, &t->every);
}

static void tsub_drop(void *arg)
{
    struct tsub *t = arg;
    event_free(t->ev);
    free(t);
}

static void m_test_subscribe(void *arg, struct bt_rpc_call *call)
{
    struct net *n = arg;
    struct rpc_sink *sink = rpc_call_sink(call);
    if (!sink)
        return;
    json_t *p;
    if (rpc_params(call, 2, 2, &p) != BT_OK)
        return;
    json_int_t count = json_integer_value(json_array_get(p, 0));
    json_int_t ms = json_integer_value(json_array_get(p, 1));
    json_decref(p);
    if (count < 1 || count > 1000 || ms < 0 || ms > 60000) {
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS, "want [count 1..1000, interval_ms 0..60000]",
                       NULL);
        return;
    }
    struct tsub *t = calloc(1, sizeof(*t));
    if (t)
        t->ev = evtimer_new(n->base, tsub_tick, t);
    if (!t || !t->ev || rpc_sub_new(sink, tsub_drop, t, t->id) != BT_OK) {
        if (t && t->ev)
            event_free(t->ev);
        free(t);
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    t->rpc = n->rpc;
    t->count = (uint64_t)count;
    t->every.tv_sec = (time_t)(ms / 1000);
    t->every.tv_usec = (suseconds_t)(ms % 1000) * 1000;
    rpc_call_result_sub_id(call, t->id); /* the id goes out before the first notification */
    evtimer_add(t->ev, &t->every);
}

bt_status net_admin_register(struct net *n, int has_test_methods)
{
    bt_status st = rpc_register(n->rpc, n, "admin_plugins", RPC_F_ADMIN, m_plugins, n);
    if (st == BT_OK)
        st = rpc_register(n->rpc, n, "admin_nodeInfo", RPC_F_ADMIN, m_node_info, n);
    if (st == BT_OK && has_test_methods)
        st = rpc_register(n->rpc, n, "test_subscribe", 0, m_test_subscribe, n);
    if (st == BT_OK && has_test_methods)
        st = rpc_register(n->rpc, n, "test_unsubscribe", 0, rpc_m_unsubscribe, n);
    return st;
}
