/* Internals shared by the dispatcher's files (dispatch.c, subs.c, builtin.c). */
#ifndef BTTCD_DISPATCH_INT_H
#define BTTCD_DISPATCH_INT_H

#include "rpc_int.h"

struct metric;

struct rpc_method {
    char *name;
    void *owner; /* hctx, or NULL for the host */
    uint32_t flags;
    bt_rpc_fn fn;
    void *arg;
    /* Series of the global registry (live as long as it): calls, error answers, latency. */
    struct metric *m_calls, *m_errors, *m_time;
    rpc_fast_fn fast; /* NULL: none (rpc_set_fast) */
};

struct rpc_sub;

struct rpc_server {
    struct rpc_limits lim;
    struct rpc_method *methods; /* sorted by name */
    size_t n_methods, cap_methods;
    struct rpc_call *calls; /* every unanswered call */
    struct rpc_sub *subs;
    size_t n_fast; /* methods with a fast path */
};

struct rpc_slot {
    char *text; /* the response object, or NULL (notification, or not answered yet) */
};

struct rpc_req {
    struct rpc_server *srv;
    struct rpc_peer peer;
    struct rpc_pending *pending; /* the connection's list, while linked */
    struct rpc_req *next, *prev;
    rpc_done_fn done;
    void *arg;
    struct rpc_slot *slots;
    size_t n_slots;
    size_t n_waiting; /* calls not answered yet */
    size_t resp_bytes;
    size_t limit_slot; /* the slot whose result crossed max_batch_resp */
    int is_batch, is_dispatching, is_cancelled, is_too_large;
};

struct rpc_call {
    struct bt_rpc_call pub; /* pub.host_private == this */
    struct rpc_call *next, *prev;
    struct rpc_server *srv;
    struct rpc_req *req; /* NULL: notification, or its connection went away */
    size_t slot;
    void *owner;
    struct rpc_peer peer;
    char *id_text, *method, *params;
    int is_linked, is_answered, in_handler;
    struct metric *m_errors, *m_time; /* the method's series (NULL: none) */
    uint64_t t0_ns;                   /* CLOCK_MONOTONIC at dispatch */
};

/** The response object for an error, malloc'd (NULL on ENOMEM). */
char *rpc_error_text(const char *id, int32_t code, const char *message, const char *data);
void rpc_req_unlink(struct rpc_req *r);
/** Register web3_clientVersion, web3_sha3, rpc_modules. */
bt_status rpc_builtin_register(struct rpc_server *s);
/** The method registered as name, or NULL. */
struct rpc_method *rpc_method_find(struct rpc_server *s, const char *name);
/** fast.c: when text is one plain call without parameters to a method with a fast path that
 *  peer may call, answer it through done (before returning) and return 1; else 0, nothing
 *  done. */
int rpc_fast_try(struct rpc_server *s, const struct rpc_peer *peer, const char *text, size_t len,
                 rpc_done_fn done, void *arg);
/** Drop every subscription (server teardown). */
void rpc_subs_free_all(struct rpc_server *s);

#endif /* BTTCD_DISPATCH_INT_H */
