/* Private to plugins/rootchain-tron: the adapter instance, its java-tron HTTP endpoints and the
 * pieces shared by reads (reads.c) and sends (send.c). */
#ifndef TRON_INT_H
#define TRON_INT_H

#include <bt/host.h>
#include <bt/rootchain.h>

#include <bts/conf.h>
#include <bts/ethrpc.h>
#include <bts/http.h>
#include <bts/tron.h>
#include <bts/tron_http.h>

/** plugins.conf section, parsed by the key table in plugin.c. */
struct tron_conf {
    struct bts_conf_list urls, solidity_urls, jsonrpc_urls;
    uint64_t chain_id, confirmations, poll_ms, max_log_range, request_timeout_ms;
    uint32_t retries;
    int use_solidity;
    char *api_key;
    char *root_chain, *state_sender, *stake_manager, *staking_info, *call_owner, *signer;
    uint64_t fee_limit, max_fee_limit, expiration_ms, receipt_poll_ms, rebroadcast_ms;
    uint32_t max_rebuilds;
    uint32_t logs_via; /* enum tron_logs_via */
    int dry_run;
};

/** Where logs come from: /jsonrpc eth_getLogs (Delivery's path), or block by block over HTTP. */
enum tron_logs_via { TRON_LOGS_JSONRPC = 0, TRON_LOGS_HTTP = 1 };

/** The java-tron HTTP endpoints the adapter posts to (one bts_http client each, over the
 *  configured base URLs, so each keeps its own failover preference). */
enum tron_ep {
    TRON_EP_NOWBLOCK = 0,   /* /wallet/getnowblock */
    TRON_EP_SOLID_NOWBLOCK, /* /walletsolidity/getnowblock (solidity_url) */
    TRON_EP_CONSTANT,       /* /wallet/triggerconstantcontract */
    TRON_EP_BROADCAST,      /* /wallet/broadcasthex */
    TRON_EP_TXINFO,         /* /wallet/gettransactioninfobyid */
    TRON_EP_BLOCK_BY_NUM,   /* /wallet/getblockbynum (get_block; logs_via = http) */
    TRON_EP_INFOS_BY_NUM,   /* /wallet/gettransactioninfobyblocknum (logs_via = http) */
    TRON_EP_COUNT
};

/** Metrics (bttcd_rootchain-tron_<name>): counters of failed requests and of answers refused
 *  by validation, and gauges of the heights. */
enum tron_metric {
    TRON_M_ERRORS = 0, /* transport failures, timeouts, HTTP errors, node error objects */
    TRON_M_BAD,        /* answers that failed validation (truncated, hostile, wrong chain) */
    TRON_M_HEAD,
    TRON_M_FINALIZED,
    TRON_M_RECONNECTS, /* answers after a transport failure (an outage ended) */
    TRON_M_COUNT
};

struct tron_send;

struct tron {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct bts_conf_key keys[32];
    struct tron_conf conf;
    struct bts_http *ep[TRON_EP_COUNT];
    struct bts_ethrpc *rpc; /* /jsonrpc: eth_getLogs (Delivery's log path, ROOTCHAINS.md §2.1) */
    uint8_t call_owner[BTS_TRON_ADDR_LEN];
    uint32_t metric[TRON_M_COUNT];
    int has_metric;
    uint64_t timer;
    int stopped, polling;
    int solid_missing; /* the solidity URL answered 404: finalized = head - confirmations */
    int chain_ok;      /* chain_id checked against the genesis block id (until an outage) */
    uint64_t head, finalized, last_ok_ms;
    uint64_t reconnects;              /* TRON_M_RECONNECTS */
    int down;                         /* the last transfer failed at the transport level */
    struct bts_tron_block head_block; /* newest head seen: the TaPoS reference of sends */
    uint64_t head_seen_ms;            /* now_ms when head_block was read */
    struct tron_send *sends;
    char err[512];      /* message of the failing status last passed to a callback */
    char last_err[512]; /* last failure of any request (status) */
    char status_url[512];
};

/** Answer of one endpoint request: st BT_OK with the body (HTTP 200), else a transport,
 *  timeout or HTTP status failure with err naming the URL. Borrowed for the callback. */
typedef void (*tron_reply_fn)(void *arg, bt_status st, const char *body, size_t body_len,
                              const char *err);

/** POST json (a JSON object text) to endpoint ep. Returns BT_OK (cb runs exactly once, later)
 *  or an error (cb never runs). */
bt_status tron_post(struct tron *t, enum tron_ep ep, const char *json, tron_reply_fn cb, void *arg);

/** Record the outcome of a request or a parse: last_ok_ms on success; else last_err, and the
 *  error or bad-answer counter (BT_ENOTFOUND, BT_ECANCELED and reverts count as answers). */
void tron_note(struct tron *t, bt_status st, const char *err);
/** Set the message that goes with a failing callback status (error_message). */
void tron_set_err(struct tron *t, bt_status st, const char *err);
/** Take a new head block: heights never go back (failover to a lagging node). */
void tron_saw_head(struct tron *t, const struct bts_tron_block *b);

/** Create and free the endpoint clients (plugin.c). */
bt_status tron_api_open(struct tron *t);
void tron_api_close(struct tron *t);

/** A contract call: owner and contract as raw 0x41 addresses, call_value in sun. Borrowed. */
struct tron_call {
    const uint8_t *owner, *to; /* BTS_TRON_ADDR_LEN bytes each */
    int64_t amount;
    const uint8_t *data;
    size_t data_len;
};
/** Append the wallet/triggerconstantcontract request of a call to out (build.c). */
bt_status tron_call_body(struct bts_buf *out, const struct tron_call *c);

/** A signed transaction ready for wallet/broadcasthex. */
struct tron_built {
    char *body;         /* {"transaction":"<hex>"}: owned, free() it */
    uint8_t id[32];     /* txID */
    int64_t expiration; /* chain ms */
};
/** Build a TriggerSmartContract on reference block ref (expiration = its time + `expiration`),
 *  sign its txID with key_id through host->sign and check the signature recovers to the owner
 *  (build.c). Returns: BT_OK, the signer's status, BT_EPROTO (a signature of another key),
 *  BT_EINVAL, BT_ENOMEM; err says which step failed. */
bt_status tron_build_signed(struct tron *t, const struct tron_call *c, const char *key_id,
                            int64_t fee_limit, const struct bts_tron_block *ref,
                            struct tron_built *out, char *err, size_t cap);

/** The rootchain table entries (reads.c, send.c). */
bt_status tron_heights(void *self, bt_rootchain_heights_fn cb, void *arg);
bt_status tron_get_logs(void *self, const struct bt_rootchain_filter *f, bt_rootchain_logs_fn cb,
                        void *arg);
bt_status tron_call(void *self, const uint8_t to[20], const uint8_t *data, size_t data_len,
                    uint64_t block, bt_rootchain_call_fn cb, void *arg);
bt_status tron_send(void *self, const struct bt_rootchain_send_req *req, bt_rootchain_receipt_fn cb,
                    void *arg);
/** One block over wallet/getblockbynum: hash = blockID (reads.c). */
bt_status tron_get_block(void *self, uint64_t number, bt_rootchain_block_fn cb, void *arg);
/** get_logs block by block over the HTTP API (logs_http.c); the filter is copied. */
bt_status tron_get_logs_http(struct tron *t, const struct bt_rootchain_filter *f,
                             bt_rootchain_logs_fn cb, void *arg);
/** The poll timer's tick (reads.c). */
void tron_poll(void *arg);
/** Answer every send waiting on a timer with BT_ECANCELED (send.c). */
void tron_send_cancel_all(struct tron *t);

#endif
