/* Starting and stopping the transports for `bttcd run`: the admin token, the admin_* methods,
 * IPC (always, unless --ipcdisable), HTTP (--http), WebSocket (--ws; on the HTTP server when
 * the ports are equal), and the REST server (when a plugin registered a route). */
#include "net_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_int.h"
#include "metrics_int.h"
#include "rest_int.h"

void net_opts_default(struct net_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->http_addr = "127.0.0.1";
    o->http_port = 8545;
    o->http_vhosts = "localhost";
    o->ws_addr = "127.0.0.1";
    o->ws_port = 8546;
    o->rest_addr = "127.0.0.1";
    o->rest_port = 1317;
    o->metrics_addr = "127.0.0.1";
    o->metrics_port = 6060; /* geth's --metrics.port */
    rpc_limits_default(&o->lim);
}

static bt_status http_cfg(struct net *n, const struct net_opts *o, struct httpd_cfg *cfg,
                          int serves_http, int serves_ws)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = serves_http ? "http" : "ws";
    cfg->serves_http = serves_http;
    cfg->serves_ws = serves_ws;
    cfg->token_hex = n->token_hex;
    cfg->rpc = n->rpc;
    cfg->max_body = o->lim.max_request;
    if (net_list_parse(serves_http ? o->http_vhosts : NULL, &cfg->vhosts) != BT_OK ||
        net_list_parse(serves_http ? o->http_cors : NULL, &cfg->cors) != BT_OK ||
        net_list_parse(serves_ws ? o->ws_origins : NULL, &cfg->origins) != BT_OK) {
        net_list_free(&cfg->vhosts);
        net_list_free(&cfg->cors);
        net_list_free(&cfg->origins);
        return BT_ENOMEM;
    }
    return BT_OK;
}

static bt_status start_http(struct net *n, const struct net_opts *o, int serves_http, int serves_ws,
                            struct httpd **out, char *err, size_t err_cap)
{
    struct httpd_cfg cfg;
    if (http_cfg(n, o, &cfg, serves_http, serves_ws) != BT_OK) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    const char *addr = serves_http ? o->http_addr : o->ws_addr;
    int port = serves_http ? o->http_port : o->ws_port;
    uint16_t bound = 0;
    bt_status st = httpd_start(n->base, &cfg, addr, port, out, &bound, err, err_cap);
    net_list_free(&cfg.vhosts);
    net_list_free(&cfg.cors);
    net_list_free(&cfg.origins);
    if (st != BT_OK)
        return st;
    int is_v6 = strchr(addr, ':') != NULL;
    if (serves_http)
        hlog(BT_LOG_INFO, "http server", "addr=%s%s%s:%u cors=\"%s\" vhosts=\"%s\"",
             is_v6 ? "[" : "", addr, is_v6 ? "]" : "", bound, o->http_cors ? o->http_cors : "",
             o->http_vhosts ? o->http_vhosts : "");
    if (serves_ws)
        hlog(BT_LOG_INFO, "ws server", "addr=%s%s%s:%u origins=\"%s\"", is_v6 ? "[" : "", addr,
             is_v6 ? "]" : "", bound, o->ws_origins ? o->ws_origins : "");
    return BT_OK;
}

bt_status net_start(struct event_base *base, struct rpc_server *rpc, struct rest_router *rest,
                    const char *datadir, const struct net_opts *o,
                    const struct net_plugin_info *plugins, size_t n_plugins, struct net **out,
                    char *err, size_t err_cap)
{
    *out = NULL;
    struct net *n = calloc(1, sizeof(*n));
    if (!n || !(n->datadir = strdup(datadir))) {
        free(n);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    n->base = base;
    n->rpc = rpc;
    n->rest = rest;
    n->plugins = plugins;
    n->n_plugins = n_plugins;
    n->node_info = o->node_info;
    n->node_info_arg = o->node_info_arg;
    *out = n;
    rpc_server_set_limits(rpc, &o->lim);
    bt_status st = net_token_load(datadir, n->token_hex, err, err_cap);
    if (st != BT_OK)
        return st;
    if ((st = net_admin_register(n, o->has_test_methods)) != BT_OK) {
        snprintf(err, err_cap, "cannot register the admin methods: %s",
                 st == BT_EEXIST ? "a plugin took one of their names" : "out of memory");
        return st;
    }
    if (!o->is_ipc_off) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/bttcd.ipc", datadir);
        if ((st = ipcd_start(base, rpc, path, &n->ipc, err, err_cap)) != BT_OK)
            return st;
        hlog(BT_LOG_INFO, "ipc server", "path=\"%s\"", path);
    }
    int ws_on_http = o->is_http && o->is_ws && o->ws_port == o->http_port && o->ws_port != 0 &&
                     strcmp(o->ws_addr, o->http_addr) == 0;
    if (o->is_http && (st = start_http(n, o, 1, ws_on_http, &n->http, err, err_cap)) != BT_OK)
        return st;
    if (o->is_ws && !ws_on_http && (st = start_http(n, o, 0, 1, &n->ws, err, err_cap)) != BT_OK)
        return st;
    if (o->is_metrics) {
        uint16_t bound = 0;
        if ((st = metricsd_start(base, metrics_global(), o->metrics_addr, o->metrics_port,
                                 &n->metrics, &bound, err, err_cap)) != BT_OK)
            return st;
        hlog(BT_LOG_INFO, "metrics server", "addr=%s:%u path=/metrics", o->metrics_addr, bound);
    }
    if (rest_route_count(rest) > 0) {
        uint16_t bound = 0;
        if ((st = rest_server_start(rest, base, o->rest_addr, (uint16_t)o->rest_port, &bound, err,
                                    err_cap)) != BT_OK)
            return st;
        hlog(BT_LOG_INFO, "rest server", "addr=%s:%u routes=%zu", o->rest_addr, bound,
             rest_route_count(rest));
    }
    return BT_OK;
}

void net_stop(struct net *n)
{
    if (!n)
        return;
    httpd_stop(n->http);
    httpd_stop(n->ws);
    ipcd_stop(n->ipc);
    metricsd_stop(n->metrics);
    rpc_drop_owner(n->rpc, n);
    explicit_bzero(n->token_hex, sizeof(n->token_hex));
    free(n->datadir);
    free(n);
}
