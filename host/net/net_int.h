/* The node's RPC transports (DESIGN.md §5): IPC (a Unix socket in the datadir, full admin
 * rights), HTTP and WebSocket (one small HTTP/1.1 server over libevent bufferevents, wslay for
 * WebSocket frames), the admin token, and the admin_* methods. All of them feed the one
 * dispatcher (host/rpc) on the host loop. */
#ifndef BTTCD_NET_INT_H
#define BTTCD_NET_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/abi.h>

#include "rpc_int.h"

struct event_base;
struct evconnlistener;
struct bufferevent;
struct rest_router;
struct json_t;

/** Command-line settings of the transports. Lists are comma-separated ("" or NULL: empty). */
struct net_opts {
    int is_http;              /* --http */
    const char *http_addr;    /* default 127.0.0.1 */
    int http_port;            /* default 8545; 0: any free port */
    const char *http_cors;    /* --http.corsdomain */
    const char *http_vhosts;  /* --http.vhosts, default "localhost" */
    int is_ws;                /* --ws */
    const char *ws_addr;      /* default 127.0.0.1 */
    int ws_port;              /* default 8546; the HTTP server serves WS too when equal */
    const char *ws_origins;   /* --ws.origins */
    const char *rest_addr;    /* default 127.0.0.1 */
    int rest_port;            /* default 1317 */
    int is_ipc_off;           /* --ipcdisable */
    int is_metrics;           /* --metrics */
    const char *metrics_addr; /* default 127.0.0.1 */
    int metrics_port;         /* default 6060; 0: any free port */
    int has_test_methods;     /* BTTCD_RPC_TEST=1: the test_* subscription methods */
    /** Adds members to admin_nodeInfo's object (host/net/p2p: enode, ports, protocols);
     *  NULL: none. */
    void (*node_info)(void *arg, struct json_t *obj);
    void *node_info_arg;
    struct rpc_limits lim;
};
/** Fill the defaults above. */
void net_opts_default(struct net_opts *o);

/** What admin_plugins reports about one plugin (strings borrowed for the node's life). */
struct net_plugin_info {
    const char *name, *kind, *version, *file;
    const size_t *mem_bytes; /* read atomically */
};

struct net;

/** Create the admin token if needed, register the admin_* methods, and open the enabled
 *  servers, logging one line each ("ipc server" path=..., "http server" addr=HOST:PORT,
 *  "ws server", "rest server"). Returns BT_OK, or BT_EIO/BT_ENOMEM with a message in err. */
bt_status net_start(struct event_base *base, struct rpc_server *rpc, struct rest_router *rest,
                    const char *datadir, const struct net_opts *o,
                    const struct net_plugin_info *plugins, size_t n_plugins, struct net **out,
                    char *err, size_t err_cap);
/** Close every server and connection (pending requests are dropped). NULL ok. */
void net_stop(struct net *n);

/* --- shared by the transports ------------------------------------------------------------ */

struct bufferevent;

/** For a connection a listener accepted: a zeroed connection struct of conn_size bytes and, in
 *  *out_bev, a bufferevent on base owning fd (BEV_OPT_CLOSE_ON_FREE). Returns the struct (free
 *  it with free()), or NULL out of memory, fd then closed and nothing left allocated. */
void *net_accept_conn(struct event_base *base, int fd, size_t conn_size,
                      struct bufferevent **out_bev);

/** The port a bound socket listens on (0 if unknown). */
uint16_t net_bound_port(int fd);

/** Admin token: <datadir>/admin.token, 64 hex digits and a newline, mode 0600, created at
 *  first start from 32 random bytes. out_hex gets the digits. BT_OK or BT_EIO (err). */
bt_status net_token_load(const char *datadir, char out_hex[65], char *err, size_t err_cap);
/** Constant-time comparison of a presented token with the real one. */
int net_token_equal(const char *presented, size_t len, const char *token_hex);

/** Register admin_plugins and admin_nodeInfo (and the test_* methods when asked). */
bt_status net_admin_register(struct net *n, int has_test_methods);

/** A comma-separated list, lower-cased and trimmed. */
struct net_list {
    char **items;
    size_t n;
};
bt_status net_list_parse(const char *csv, struct net_list *out);
void net_list_free(struct net_list *l);
int net_list_has(const struct net_list *l, const char *s);

/** geth's vhost rule (node/rpcstack.go virtualHostHandler): no Host, an IP address, "*" or a
 *  listed name passes. */
int net_vhost_ok(const struct net_list *vhosts, const char *host);
/** geth's WebSocket origin rule (wsHandshakeValidator): no Origin passes; "*" passes all;
 *  an empty list allows http://localhost (and http://<hostname>); a rule without scheme or
 *  port matches any. */
int net_origin_ok(const struct net_list *origins, const char *origin);

/** One HTTP/WS server. */
struct httpd_cfg {
    const char *name; /* "http" or "ws": logs */
    int serves_http, serves_ws;
    struct net_list vhosts, cors, origins;
    const char *token_hex;
    struct rpc_server *rpc;
    size_t max_body;
};
struct httpd;
/** Listen on addr:port (0: any) and serve. *out_port gets the bound port. The cfg is copied
 *  (lists are taken over). Returns BT_OK or BT_EIO (err). */
bt_status httpd_start(struct event_base *base, struct httpd_cfg *cfg, const char *addr, int port,
                      struct httpd **out, uint16_t *out_port, char *err, size_t err_cap);
void httpd_stop(struct httpd *h);

/** The IPC server at path (a stale socket file is replaced), mode 0600. */
struct ipcd;
bt_status ipcd_start(struct event_base *base, struct rpc_server *rpc, const char *path,
                     struct ipcd **out, char *err, size_t err_cap);
void ipcd_stop(struct ipcd *d);

/** The Prometheus endpoint: GET /metrics on addr:port (0: any) answers metrics_render(m).
 *  *out_port gets the bound port. Returns BT_OK, BT_ENOMEM or BT_EIO (err). */
struct metrics;
struct metricsd;
bt_status metricsd_start(struct event_base *base, struct metrics *m, const char *addr, int port,
                         struct metricsd **out, uint16_t *out_port, char *err, size_t err_cap);
void metricsd_stop(struct metricsd *d);

/** Connect to the IPC socket at path (SOCK_CLOEXEC). Returns the fd, or -1 (errno set; a
 *  path too long for a Unix socket gives ENAMETOOLONG). */
int net_ipc_connect(const char *path);

/** `bttcd attach`: path of the socket, the --exec text or NULL (then stdin). Returns the exit
 *  status. */
int net_attach(const char *ipc_path, const char *exec);

#endif /* BTTCD_NET_INT_H */
