/* struct statusd, shared by statusd.c (server, in-process refresh, status.json) and
 * status_poll.c (the other nodes and the basechains, over HTTP JSON-RPC). */
#ifndef BTTCD_STATUS_PRIV_H
#define BTTCD_STATUS_PRIV_H

#include "status_int.h"

#include "rpc_int.h"

struct evhttp;
struct evhttp_connection;
struct event;
struct json_t;

/** Samples of a basechain's checkpoint lag kept for the chart. */
#define STATUS_N_LAGS 64

/** One remote JSON-RPC endpoint polled every second: another node (kind PEER) or a basechain
 *  with its RootChain contract (kind ROOTCHAIN). */
enum status_remote_kind { STATUS_REMOTE_PEER, STATUS_REMOTE_ROOTCHAIN };

struct status_remote {
    enum status_remote_kind kind;
    char name[32];
    char url[256];
    char host[128];
    char path[128];
    int port;
    uint8_t root_chain[20]; /* ROOTCHAIN only */
    struct evhttp_connection *con;
    int in_flight;
    /* Last answer; has_* 0 until known. */
    int is_ok;          /* the last poll answered */
    char error[128];    /* why not, when !is_ok and polled at least once */
    int64_t last_ok_ms; /* when it last answered; 0: never */
    int has_head, has_peers, has_checkpoint;
    char hash[67]; /* PEER: its head's hash; "" unknown */
    uint64_t head, peers;
    uint64_t checkpoint_id;        /* RootChain.currentHeaderBlock(): 0 = none yet */
    uint64_t last_child;           /* RootChain.getLastChildBlock() */
    int64_t lag_ms[STATUS_N_LAGS]; /* sample times (ms), ring */
    int64_t lag[STATUS_N_LAGS];    /* Bttc head - last_child at that time */
    size_t n_lags, lag_next;
};

struct status_block {
    int is_set;
    uint64_t number, timestamp, txs;
    char hash[67];
};

struct statusd {
    struct event_base *base;
    struct rpc_server *rpc;
    struct evhttp *http;
    struct event *timer;
    struct rpc_pending pending;
    int local_in_flight;
    /* From the node itself (NULL / has_* 0: not known). */
    int has_head;
    struct status_block head;
    int has_peers;
    uint64_t peers;
    struct json_t *validators, *proposer, *delivery, *chain_id, *client, *span;
    char *name;                                  /* --status.name, or NULL */
    struct status_block blocks[STATUS_N_BLOCKS]; /* ring by number % STATUS_N_BLOCKS */
    int64_t started_ms;
    struct status_remote *remotes;
    size_t n_remotes;
};

/** Wall-clock milliseconds. */
int64_t status_now_ms(void);
/** Parse --status.peers / --status.rootchains into d->remotes. BT_OK, BT_EINVAL (err),
 *  BT_ENOMEM. */
bt_status status_remotes_parse(struct statusd *d, const char *peers, const char *rootchains,
                               char *err, size_t err_cap);
/** Poll every remote not already waiting for an answer. */
void status_remotes_poll(struct statusd *d);
/** Close the connections and free the list. */
void status_remotes_free(struct statusd *d);
/** Take a remote's answer (the body of an HTTP 200 to its batch): head, peers or the
 *  checkpoint views; anything else marks it not ok ("malformed answer"). Any bytes. */
void status_remote_apply(struct status_remote *r, const char *body, size_t len);
/** A JSON "0x..." quantity (or a plain integer) as a u64; 0 on success, -1 otherwise. */
int status_quantity(const struct json_t *v, uint64_t *out);

#endif /* BTTCD_STATUS_PRIV_H */
