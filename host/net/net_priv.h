/* struct net, shared by net.c (servers) and admin.c (admin_* and test_* methods). */
#ifndef BTTCD_NET_PRIV_H
#define BTTCD_NET_PRIV_H

#include "net_int.h"

struct net {
    struct event_base *base;
    struct rpc_server *rpc;
    struct rest_router *rest;
    char *datadir;
    char token_hex[65];
    const struct net_plugin_info *plugins;
    size_t n_plugins;
    struct ipcd *ipc;
    struct httpd *http, *ws;
    struct metricsd *metrics;
    int has_rest;
    void (*node_info)(void *arg, struct json_t *obj); /* net_opts.node_info */
    void *node_info_arg;
};

#endif /* BTTCD_NET_PRIV_H */
