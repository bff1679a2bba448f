/* The status page (`run --status.page`): a small HTTP server on its own port answering GET /
 * with a static page embedded at build time (host/status/status.html) and GET /status.json
 * with what this node knows about the network, refreshed every second on the loop: the Bttc
 * head and the last STATUS_N_BLOCKS block times (in-process JSON-RPC, the same methods as any
 * client), peers, the current validators and proposer, Delivery's height (dlv_status, when
 * Delivery runs in this node), the other validators' heads (polled over their JSON-RPC, listed
 * with --status.peers) and each basechain's head and last checkpoint (--status.rootchains). */
#ifndef BTTCD_STATUS_INT_H
#define BTTCD_STATUS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/abi.h>

/** Blocks kept for the block-time chart. */
#define STATUS_N_BLOCKS 64

/** Command-line settings (strings borrowed from argv). */
struct status_opts {
    int is_on;              /* --status.page */
    const char *addr;       /* --status.addr, default 127.0.0.1 */
    const char *name;       /* --status.name: this node's name on the page; NULL: none */
    int port;               /* --status.port, default 8550; 0: any free port */
    const char *peers;      /* --status.peers NAME=URL,...: other nodes' JSON-RPC; NULL: none */
    const char *rootchains; /* --status.rootchains NAME=URL=ROOTCHAIN,...; NULL: none */
};
/** Fill the defaults above. */
void status_opts_default(struct status_opts *o);

struct event_base;
struct rpc_server;
struct statusd;

/** Start serving on o->addr:o->port and refreshing every second. *out_port gets the bound
 *  port. Returns BT_OK, BT_EINVAL (a malformed --status.peers/--status.rootchains entry; err),
 *  BT_ENOMEM or BT_EIO (cannot listen; err). Thread: loop. */
bt_status statusd_start(struct event_base *base, struct rpc_server *rpc,
                        const struct status_opts *o, struct statusd **out, uint16_t *out_port,
                        char *err, size_t err_cap);
/** Stop serving; pending in-process calls and peer requests are dropped. NULL ok. */
void statusd_stop(struct statusd *d);

/** The embedded page (generated from host/status/status.html at build time). */
extern const char status_page_html[];
extern const size_t status_page_html_len;

#endif /* BTTCD_STATUS_INT_H */
