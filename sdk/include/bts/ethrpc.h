/* Ethereum JSON-RPC client for basechain adapters (ROOTCHAINS.md §3), asynchronous on the host
 * loop over bts/http.h: JSON-RPC 2.0 framing with id matching and error objects, typed helpers
 * whose answers are validated field by field (a wrong type, a missing field or a wrong chain
 * id is a clear error, never a crash or a wrong value), and eth_getLogs paging that splits
 * ranges the node refuses. The pure parsers are public so fuzzers and tests reach them.
 *
 * Every asynchronous entry: Returns BT_OK (the callback runs exactly once, later, on the loop)
 * or an error (BT_ENOMEM, a host status; the callback never runs). Callbacks get `err`: ""
 * on BT_OK, else "<method>: <cause>" naming the URL or the offending value.
 * Thread: loop for every entry taking a struct bts_ethrpc; any for the parsers. */
#ifndef BTS_ETHRPC_H
#define BTS_ETHRPC_H

#include <jansson.h>

#include <bt/rootchain.h>

#include <bts/common.h>
#include <bts/http.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The node answered with a JSON-RPC error object (its code is in the reply). */
#define BTS_ETHRPC_EREMOTE (BT_EIO | (80 << 8))
/** eth_call / eth_estimateGas: execution reverted (code 3 or "execution reverted"). */
#define BTS_ETHRPC_EREVERT (BT_EIO | (81 << 8))
/** eth_chainId differs from the configured chain id. */
#define BTS_ETHRPC_ECHAIN (BT_EPROTO | (82 << 8))
/** eth_getLogs: the node refused a one-block range as too large. */
#define BTS_ETHRPC_ELOGLIMIT (BT_ERANGE | (83 << 8))

struct bts_ethrpc;

/** Client settings: the HTTP settings plus the chain id every endpoint must report (checked
 *  before the first call and again after any transport failure; 0: not checked). */
struct bts_ethrpc_conf {
    struct bts_http_conf http;
    uint64_t chain_id;
};

/** A block header as the adapters need it. */
struct bts_ethrpc_block {
    uint64_t number;
    uint8_t hash[32];
    uint8_t parent_hash[32];
    uint64_t timestamp; /* seconds */
    int has_base_fee;   /* baseFeePerGas present (London and later) */
    uint64_t base_fee;  /* wei; fits 64 bits on every chain we serve (checked) */
};

/** A list of logs; `data` of each points into storage owned by the struct. */
struct bts_ethrpc_logs {
    struct bt_rootchain_log *logs;
    size_t n_logs;
    uint8_t *arena; /* the data bytes of every log */
    size_t arena_len;
};

/** A transaction receipt. */
struct bts_ethrpc_receipt {
    uint8_t tx_hash[32];
    uint8_t block_hash[32];
    uint64_t block_number;
    uint32_t tx_index;
    int success; /* status 0x1 */
    uint64_t gas_used;
    uint64_t effective_gas_price; /* 0 if absent */
    struct bts_ethrpc_logs logs;
};

/** Raw reply of a call. Borrowed for the callback. */
struct bts_ethrpc_reply {
    bt_status st;         /* BT_OK, BTS_ETHRPC_EREMOTE, BTS_ETHRPC_EREVERT, BT_EPROTO (malformed
                             answer), BTS_ETHRPC_ECHAIN, transport codes of bts/http.h */
    const json_t *result; /* BT_OK: the "result" member (may be JSON null) */
    int64_t code;         /* error object's code (remote errors); else 0 */
    const json_t *data;   /* error object's "data" member or NULL */
    long http_status;
    const char *url;
    const char *err; /* "" on BT_OK */
};

typedef void (*bts_ethrpc_fn)(void *arg, const struct bts_ethrpc_reply *r);
typedef void (*bts_ethrpc_u64_fn)(void *arg, bt_status st, uint64_t v, const char *err);
typedef void (*bts_ethrpc_block_fn)(void *arg, bt_status st, const struct bts_ethrpc_block *b,
                                    const char *err); /* b NULL: no such block */
typedef void (*bts_ethrpc_bytes_fn)(void *arg, bt_status st, const uint8_t *out, size_t out_len,
                                    const char *err); /* EREVERT: out = revert data */
typedef void (*bts_ethrpc_logs_fn)(void *arg, bt_status st, const struct bt_rootchain_log *logs,
                                   size_t n_logs, const char *err);
typedef void (*bts_ethrpc_receipt_fn)(void *arg, bt_status st, const struct bts_ethrpc_receipt *r,
                                      const char *err); /* r NULL: not mined yet */
typedef void (*bts_ethrpc_fees_fn)(void *arg, bt_status st, int has_base_fee,
                                   uint64_t next_base_fee, uint64_t tip, const char *err);

/** Create a client. Returns: BT_OK, BT_EINVAL (no URL), BT_ENOMEM. Out: *out (bts_ethrpc_free).
 *  In: conf: copied. Thread: loop. */
BTS_API bt_status bts_ethrpc_new(struct bts_ethrpc **out, const struct bt_host *host,
                                 struct bt_host_ctx *hctx,
                                 const struct bts_ethrpc_conf *conf) BT_MUST_CHECK
    BT_NONNULL(1, 2, 4);
/** Free a client: pending calls are answered with BT_ECANCELED first. NULL is ignored. */
BTS_API void bts_ethrpc_free(struct bts_ethrpc *rpc);
/** The endpoint in use. */
BTS_API const char *bts_ethrpc_url(const struct bts_ethrpc *rpc) BT_NONNULL(1);
/** The chain id the endpoint reported last (0: not asked yet). */
BTS_API uint64_t bts_ethrpc_chain_id(const struct bts_ethrpc *rpc) BT_NONNULL(1);

/** Counters of one client since bts_ethrpc_new: every request answered is counted once in ok
 *  or one error kind. A reconnect is an answer after a failed transfer (outage, timeout). */
struct bts_ethrpc_stats {
    uint64_t requests;      /* requests accepted (bts_ethrpc_request and every helper) */
    uint64_t ok;            /* answered with a result (a revert counts: the node answered) */
    uint64_t err_transport; /* no HTTP answer: refused, reset, DNS (BT_EIO) */
    uint64_t err_timeout;   /* BT_ETIMEDOUT */
    uint64_t err_remote;    /* a JSON-RPC error object (BTS_ETHRPC_EREMOTE) */
    uint64_t err_invalid;   /* a malformed, truncated or oversized answer (BT_EPROTO, ...) */
    uint64_t err_chain;     /* the endpoint serves another chain (BTS_ETHRPC_ECHAIN) */
    uint64_t cancelled;     /* answered BT_ECANCELED by bts_ethrpc_free */
    uint64_t reconnects;    /* answers that ended an outage */
};
/** Copy the client's counters. Thread: loop. */
BTS_API void bts_ethrpc_get_stats(const struct bts_ethrpc *rpc, struct bts_ethrpc_stats *out)
    BT_NONNULL(1, 2);

/** Call `method` with `params` (a JSON array; the reference is stolen, NULL means []). */
BTS_API bt_status bts_ethrpc_request(struct bts_ethrpc *rpc, const char *method, json_t *params,
                                     bts_ethrpc_fn cb, void *arg) BT_MUST_CHECK BT_NONNULL(1, 2, 4);

/** eth_chainId, eth_blockNumber, eth_gasPrice, eth_maxPriorityFeePerGas. */
BTS_API bt_status bts_ethrpc_u64(struct bts_ethrpc *rpc, const char *method, bts_ethrpc_u64_fn cb,
                                 void *arg) BT_MUST_CHECK BT_NONNULL(1, 2, 3);
/** eth_getTransactionCount(addr, "pending"): the next nonce including the mempool. */
BTS_API bt_status bts_ethrpc_nonce(struct bts_ethrpc *rpc, const uint8_t addr[20],
                                   bts_ethrpc_u64_fn cb, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3);
/** eth_getBlockByNumber(tag, false); tag "latest", "finalized", "safe" or NULL for `number`. */
BTS_API bt_status bts_ethrpc_get_block(struct bts_ethrpc *rpc, const char *tag, uint64_t number,
                                       bts_ethrpc_block_fn cb, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 4);

/** A contract call: from may be NULL; value NULL means 0. */
struct bts_ethrpc_callmsg {
    const uint8_t *from; /* 20 bytes or NULL */
    const uint8_t *to;   /* 20 bytes */
    const uint8_t *data;
    size_t data_len;
    const uint8_t *value; /* 32 big-endian bytes or NULL */
};
/** eth_call(msg, block) with block 0 meaning "latest". A revert is BTS_ETHRPC_EREVERT with the
 *  revert data (if the node sent it) as output and the reason in err. */
BTS_API bt_status bts_ethrpc_call(struct bts_ethrpc *rpc, const struct bts_ethrpc_callmsg *msg,
                                  uint64_t block, bts_ethrpc_bytes_fn cb, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 2, 4);
/** eth_estimateGas(msg) ("latest"). A revert is BTS_ETHRPC_EREVERT. */
BTS_API bt_status bts_ethrpc_estimate_gas(struct bts_ethrpc *rpc,
                                          const struct bts_ethrpc_callmsg *msg,
                                          bts_ethrpc_u64_fn cb, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3);
/** Fee data for the next block: eth_feeHistory(1, "latest", [50]); has_base_fee is 0 when the
 *  chain has no (or a zero) base fee (BSC), then tip is eth_gasPrice. Otherwise tip is
 *  max(eth_maxPriorityFeePerGas, the 50th percentile reward). */
BTS_API bt_status bts_ethrpc_fees(struct bts_ethrpc *rpc, bts_ethrpc_fees_fn cb,
                                  void *arg) BT_MUST_CHECK BT_NONNULL(1, 2);
/** eth_sendRawTransaction(raw): out is the 32-byte hash the node reports, checked against
 *  keccak256(raw). */
BTS_API bt_status bts_ethrpc_send_raw(struct bts_ethrpc *rpc, const uint8_t *raw, size_t raw_len,
                                      bts_ethrpc_bytes_fn cb, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 2, 4);
/** eth_getTransactionReceipt(hash). */
BTS_API bt_status bts_ethrpc_get_receipt(struct bts_ethrpc *rpc, const uint8_t hash[32],
                                         bts_ethrpc_receipt_fn cb, void *arg) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3);
/** eth_getLogs over f->from_block..f->to_block in windows of at most max_range blocks (0:
 *  one query). A window the node refuses as too large (-32005, HTTP 413, "more than 10000
 *  results", "block range", "range too large", "limit exceeded", "response size") is halved
 *  and retried; windows grow again by a quarter after each success, up to max_range. Logs come
 *  back in (block, log index) order, every one checked to lie in its window and to match the
 *  filter's addresses and topics. */
BTS_API bt_status bts_ethrpc_get_logs(struct bts_ethrpc *rpc, const struct bt_rootchain_filter *f,
                                      uint64_t max_range, bts_ethrpc_logs_fn cb,
                                      void *arg) BT_MUST_CHECK BT_NONNULL(1, 2, 4);

/* --- pure parsers (Thread: any) ------------------------------------------------------------ */

/** Parse a JSON-RPC 2.0 response body whose id must be `id`.
 *  Returns: BT_OK (*out_result: new reference to "result", possibly JSON null),
 *           BTS_ETHRPC_EREMOTE or BTS_ETHRPC_EREVERT (*out_code, *out_result: new reference to
 *           the error's "data" or NULL; err: "<code> <message>"), BT_EPROTO (not JSON, not an
 *           object, wrong jsonrpc/id, neither result nor error), BT_ENOMEM.
 *  Out:     err, err_cap: message on failure. */
BTS_API bt_status bts_ethrpc_parse_reply(json_t **out_result, int64_t *out_code, const char *body,
                                         size_t body_len, uint64_t id, char *err,
                                         size_t err_cap) BT_MUST_CHECK BT_NONNULL(1, 2, 3);
/** A block object (v NULL: missing; number, hash, parentHash, timestamp required; baseFeePerGas
 * optional). Returns: BT_OK, BT_EPROTO (err names the field). */
BTS_API bt_status bts_ethrpc_parse_block(struct bts_ethrpc_block *out, const json_t *v, char *err,
                                         size_t err_cap) BT_MUST_CHECK BT_NONNULL(1);
/** An array of log objects. Returns: BT_OK, BT_EPROTO, BT_ENOMEM. Out: free with
 *  bts_ethrpc_logs_free (also after an error). */
BTS_API bt_status bts_ethrpc_parse_logs(struct bts_ethrpc_logs *out, const json_t *v, char *err,
                                        size_t err_cap) BT_MUST_CHECK BT_NONNULL(1);
BTS_API void bts_ethrpc_logs_free(struct bts_ethrpc_logs *l);
/** A receipt object (JSON null is BT_ENOTFOUND). Returns: BT_OK, BT_ENOTFOUND, BT_EPROTO,
 *  BT_ENOMEM. Out: free with bts_ethrpc_receipt_free (also after an error). */
BTS_API bt_status bts_ethrpc_parse_receipt(struct bts_ethrpc_receipt *out, const json_t *v,
                                           char *err, size_t err_cap) BT_MUST_CHECK BT_NONNULL(1);
BTS_API void bts_ethrpc_receipt_free(struct bts_ethrpc_receipt *r);
/** 1 if a refusal (JSON-RPC code, message, HTTP status) means "range or result too large". */
BTS_API int bts_ethrpc_is_range_error(int64_t code, const char *message, long http_status);

/* --- the EVM root-chain adapter (plugins/rootchain-ethereum, -bsc and third-party EVM chains) --
 * The whole struct bt_rootchain_vtbl behaviour for a JSON-RPC basechain; a plugin supplies its
 * rules (name, chain type, defaults) and a create; its table is bts_evmchain_vtbl, whose
 * `self` is the struct bts_evmchain. Config keys of the plugin's section (defaults from rules):
 *   url (list), chain_id (0: unchecked), confirmations, finalized_tag (bool), poll_interval,
 *   max_log_range, request_timeout, retries, root_chain, state_sender, stake_manager,
 *   staking_info (0x addresses or ""), signer (default key id), max_fee_gwei,
 *   fee_bump_percent (>= 10), gas_headroom_percent, tx_timeout, max_bumps, receipt_poll.
 * Heights: "finalized" tag when finalized_tag is on and the node serves it, else head -
 * confirmations; both never decrease. Sends: nonce from eth_getTransactionCount(pending) and a
 * local counter, gas from eth_estimateGas plus headroom, EIP-1559 fees where the chain has a
 * base fee else legacy eth_gasPrice (both capped by max_fee_gwei), EIP-155 chain id, signed by
 * host->sign, then tracked to a receipt with a fee bump (re-broadcast at the cap) every
 * tx_timeout, dropped after max_bumps + 2 timeouts. A receipt with status 0 is BT_OK with
 * tx_status REVERTED; a revert found by eth_estimateGas is BTS_ETHRPC_EREVERT.
 * Metrics (when the host has metric_register): counters bttcd_<plugin>_rpc_requests_total,
 * rpc_errors_{transport,timeout,remote,invalid,chain}_total and reconnects_total (from
 * bts_ethrpc_stats), gauges head and finalized; brought up to date on every answer and by
 * the status entry. */

/** Per-chain rules and defaults (strings as written in plugins.conf). url, chain_id,
 *  confirmations, poll_interval, max_log_range, tx_timeout and receipt_poll are required;
 *  finalized_tag may be NULL ("true"): "false" makes head - confirmations the finality rule. */
struct bts_evmchain_rules {
    const char *name;    /* plugin name, prefixes messages */
    uint32_t chain_type; /* enum bt_rootchain_type */
    const char *url, *chain_id, *confirmations, *poll_interval, *max_log_range, *tx_timeout,
        *receipt_poll;
    const char *finalized_tag;
};

struct bts_evmchain;

/** Parse the section and create the adapter (no I/O yet).
 *  Returns: BT_OK, BT_EINVAL (bad config; message via set_error), BT_ENOMEM. Thread: loop. */
BTS_API bt_status bts_evmchain_create(const struct bts_evmchain_rules *rules,
                                      const struct bt_host *host, struct bt_host_ctx *hctx,
                                      void **out_self) BT_MUST_CHECK BT_NONNULL(1, 2, 4);
/** Start polling heights every poll_interval. Thread: loop. */
BTS_API bt_status bts_evmchain_start(void *self) BT_NONNULL(1);
/** Stop polling; every pending request and send is answered with BT_ECANCELED. */
BTS_API void bts_evmchain_stop(void *self) BT_NONNULL(1);
/** Free (answers what is still pending with BT_ECANCELED). NULL is ignored. */
BTS_API void bts_evmchain_destroy(void *self);
/** The struct bt_rootchain_vtbl entries (see bt/rootchain.h), gathered in bts_evmchain_vtbl. */
BTS_API bt_status bts_evmchain_heights(void *self, bt_rootchain_heights_fn cb, void *arg);
BTS_API bt_status bts_evmchain_get_logs(void *self, const struct bt_rootchain_filter *f,
                                        bt_rootchain_logs_fn cb, void *arg);
BTS_API bt_status bts_evmchain_call(void *self, const uint8_t to[20], const uint8_t *data,
                                    size_t data_len, uint64_t block, bt_rootchain_call_fn cb,
                                    void *arg);
BTS_API bt_status bts_evmchain_send(void *self, const struct bt_rootchain_send_req *req,
                                    bt_rootchain_receipt_fn cb, void *arg);
BTS_API bt_status bts_evmchain_status(void *self, struct bt_rootchain_status *out);
BTS_API const char *bts_evmchain_error_message(void *self);
/** The get_block entry: eth_getBlockByNumber(number, false). Callback status BT_ENOTFOUND when
 *  the node has no such block yet (JSON null: beyond its head), BT_EPROTO when it answers
 *  another number; the hash is the node's "hash" field as served (keccak256 of the RLP header,
 *  PROTOCOL.md §4.5.2). */
BTS_API bt_status bts_evmchain_get_block(void *self, uint64_t number, bt_rootchain_block_fn cb,
                                         void *arg);
/** The chain_type entry: the chain type of the rules self was created with. */
BTS_API uint32_t bts_evmchain_chain_type(void *self);

/** The whole struct bt_rootchain_vtbl of an EVM root chain, every entry a bts_evmchain_* one
 *  (chain_type included): a plugin's table is this, and the plugin holds only its rules and a
 *  create that passes them to bts_evmchain_create:
 *    BT_PLUGIN_DEFINE(bts_evmchain_vtbl, .kind = BT_KIND_ROOTCHAIN, .create = my_create,
 *                     .start = bts_evmchain_start, .stop = bts_evmchain_stop,
 *                     .destroy = bts_evmchain_destroy, ...); */
BTS_API extern const struct bt_rootchain_vtbl bts_evmchain_vtbl;

#ifdef __cplusplus
}
#endif

#endif /* BTS_ETHRPC_H */
