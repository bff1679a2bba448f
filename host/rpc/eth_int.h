/* The Ethereum JSON-RPC methods (eth_*, net_*, txpool_*, debug_*) over the chain
 * (chain_int.h), with go-ethereum's answers: internal/ethapi (blocks, transactions, receipts,
 * calls), eth/filters (logs, filters, subscriptions), eth/gasprice. One area per file:
 * eth_util.c (arguments, block selection), eth_json.c (block/receipt/log objects),
 * eth_block.c, eth_state.c, eth_tx.c, eth_call.c, eth_logfilter.c (matching),
 * eth_filter.c (filters, eth_getLogs, subscriptions). Loop thread only. */
#ifndef BTTCD_ETH_INT_H
#define BTTCD_ETH_INT_H

#include <jansson.h>

#include "chain_int.h"
#include "rpc_int.h"

/** geth's defaults: --rpc.gascap 50,000,000; eth_getLogs range (geth has none; we refuse more
 *  than this many blocks with a clear error). */
#define ETH_RPC_GAS_CAP   50000000u
#define ETH_LOG_RANGE_MAX 10000u
/** Filters not polled for this long are removed (geth eth/filters: deadline 5 minutes). */
#define ETH_FILTER_TIMEOUT_S 300

struct eth_filters;
struct eth_subs;
struct metric;

/** The methods' shared context. */
struct eth_api {
    struct chain *c;
    struct rpc_server *srv;
    struct eth_filters *filters;
    struct eth_subs *subs;
    uint64_t chain_sub; /* chain_subscribe id */
    uint64_t log_range_max;
    uint64_t gas_cap;
    int64_t filter_timeout_s;
    uint64_t (*now_s)(void); /* monotonic seconds; tests replace it */
    struct stor *st;
    struct metric *m_head, *m_txs, *m_gas;
};

/** Register every method on `s` over chain `c` (both borrowed; they must outlive the API),
 *  subscribe to the chain's events (filters, eth_subscribe, head metrics) and add the chain,
 *  txpool and (when `st` is not NULL) storage series to the global metrics registry.
 *  Returns: BT_OK, BT_EEXIST (a name is taken), BT_ENOMEM. Out: out: free with eth_api_free
 *  (after the transports stopped; it removes the methods). */
bt_status eth_api_new(struct rpc_server *s, struct chain *c, struct stor *st, struct eth_api **out);
void eth_api_free(struct eth_api *api);

/* --- eth_util.c ---------------------------------------------------------------------------- */

/** For methods without parameters: 1 when params are absent or empty, else 0 after answering
 *  geth's -32602 "too many arguments, want at most 0". */
int eth_no_params(struct bt_rpc_call *call);
/** -32602 "invalid argument N: WHY" (geth's wording for a bad positional argument). */
void eth_bad_arg(struct bt_rpc_call *call, size_t idx, const char *why);
/** -32000 with `msg` (geth's default server error code). */
void eth_server_error(struct bt_rpc_call *call, const char *msg);

/** Block selection of argument `v` (hex number, "latest", "pending", "earliest", "safe",
 *  "finalized", or EIP-1898 {"blockHash": .., "requireCanonical": ..} / {"blockNumber": ..};
 *  absent / null: `dflt_latest` ? latest : error). On BT_OK *out holds the header. Answers the
 *  call itself on every failure: bad syntax -32602, unknown block -32000 "header not found"
 *  (geth), and returns non-BT_OK. `is_pending` (may be NULL) tells "pending" was asked. */
bt_status eth_block_arg(struct eth_api *api, struct bt_rpc_call *call, const json_t *params,
                        size_t idx, struct chain_header *out, int *is_pending);

/** Resolve a block number tag to a number without reading the header: returns BT_OK,
 *  BT_EINVAL (message in err). "latest"/"pending"/"safe"/"finalized" give the head. */
bt_status eth_block_number_of(struct eth_api *api, const json_t *v, uint64_t *out, char *err,
                              size_t err_cap);

json_t *eth_u256_json(const struct bts_u256 *v);

/* --- eth_json.c ---------------------------------------------------------------------------- */

/** The header fields of geth's RPCMarshalHeader (newHeads notifications and blocks):
 *  number, hash, parentHash, nonce, mixHash, sha3Uncles, logsBloom, stateRoot, miner,
 *  difficulty, extraData, gasLimit, gasUsed, timestamp, transactionsRoot, receiptsRoot, and
 *  baseFeePerGas, withdrawalsRoot, blobGasUsed, excessBlobGas, parentBeaconBlockRoot as the
 *  header has them. NULL on ENOMEM. */
json_t *ethjson_header(const struct chain_header *hd);
/** A block (geth RPCMarshalBlock): the header fields, totalDifficulty (td may be NULL: left
 *  out), size, transactions (hashes, or full objects when is_full), uncles [], withdrawals []
 *  from Shanghai. */
json_t *ethjson_block(const struct chain_header *hd, const struct chain_body *body,
                      const struct bts_u256 *td, int is_full);
/** A log object: address, topics, data, blockNumber, transactionHash, transactionIndex,
 *  blockHash, logIndex, removed. */
json_t *ethjson_log(const struct chain_log *l, const struct bt_hash *block_hash,
                    uint64_t block_number, const struct bt_hash *tx_hash, uint32_t tx_index,
                    int removed);
/** Receipt `i` of `rs` (geth MarshalReceipt): blockHash, blockNumber, contractAddress,
 *  cumulativeGasUsed, effectiveGasPrice, from, gasUsed, logs, logsBloom, status, to,
 *  transactionHash, transactionIndex, type. */
json_t *ethjson_receipt(const struct chain_receipts *rs, size_t i);

/* --- eth_callargs.c ------------------------------------------------------------------------ */

/** A call's arguments (geth TransactionArgs): the message, and what defaults depend on. */
struct eth_call_args {
    struct chain_msg m; /* data and access_list point into this struct's buffers */
    int has_gas, has_fee;
    struct bts_u256 max_fee, max_tip; /* maxFeePerGas, maxPriorityFeePerGas (has_fee) */
    uint8_t *data;
    struct bts_buf access; /* the access list as transaction RLP */
};

/** Read {from, to, gas, gasPrice | maxFeePerGas + maxPriorityFeePerGas, value, input | data,
 *  accessList}. Returns BT_OK, BT_EINVAL (message in err: geth's, e.g. "both gasPrice and
 *  (maxFeePerGas or maxPriorityFeePerGas) specified"), BT_ENOMEM. Free with
 *  eth_call_args_free (also after a failure). */
bt_status eth_call_args_parse(struct eth_call_args *a, const json_t *o, char *err, size_t err_cap);
void eth_call_args_free(struct eth_call_args *a);

/** Apply a state override {ADDR: {balance, nonce, code, state | stateDiff}} to `st` (geth
 *  StateOverride.Apply: "state" replaces the whole storage, "stateDiff" sets slots). NULL or
 *  JSON null: nothing. Returns BT_OK, BT_EINVAL (message in err), BT_ENOMEM, BT_EIO. */
bt_status eth_state_override(struct state *st, const json_t *ov, char *err, size_t err_cap);

/** Answer `call` with geth's revert error (eth_revert_error). */
void eth_reply_revert(struct bt_rpc_call *call, const uint8_t *out, size_t out_len);

/** The error geth answers for a reverted call: message "execution reverted" or, when the data
 *  is an ABI Error(string), "execution reverted: REASON"; code 3; data the revert bytes hex.
 *  Writes the message (NUL-terminated, truncated to cap) and returns the data JSON text
 *  ("\"0x..\""), malloc'd (NULL on ENOMEM). */
char *eth_revert_error(const uint8_t *out, size_t out_len, char *msg, size_t msg_cap);

struct structlog_cfg;
/** The struct logger's options from a tracer config object (argument `idx`); only the
 *  default tracer is served: another "tracer" answers -32000. Answers the call on failure. */
bt_status eth_trace_opts(struct bt_rpc_call *call, const json_t *opts, size_t idx,
                         struct structlog_cfg *out);

/* --- eth_logfilter.c ----------------------------------------------------------------------- */

/** A log filter's criteria (eth/filters FilterCriteria): addresses (OR; none = any) and up to
 *  4 topic positions, each an OR-list (none = wildcard). */
struct logfilter {
    uint8_t (*addrs)[20];
    size_t n_addrs;
    struct {
        uint8_t (*h)[32];
        size_t n;
    } topics[4];
    size_t n_topics;
    /* Block range: has_* 0 means the tag's default (from: latest, to: latest). */
    json_t *from_block, *to_block; /* borrowed references kept (json_incref'd) */
    int has_block_hash;
    uint8_t block_hash[32];
};

/** Parse `crit` ({"address": ADDR | [ADDR..], "topics": [null | T | [T..], ..],
 *  "fromBlock", "toBlock", "blockHash"}). Returns BT_OK, BT_EINVAL (message in err, geth's:
 *  "exceed max topics", "cannot specify both BlockHash and FromBlock/ToBlock, choose one or
 *  the other"), BT_ENOMEM. Free with logfilter_free. */
bt_status logfilter_parse(struct logfilter *f, const json_t *crit, char *err, size_t err_cap);
void logfilter_free(struct logfilter *f);
/** Whether a block with this bloom may hold matching logs (every address/topic position
 *  that is constrained has at least one member in the bloom). */
int logfilter_bloom_ok(const struct logfilter *f, const uint8_t bloom[256]);
/** Whether one log matches. */
int logfilter_match(const struct logfilter *f, const struct bts_log *log);

/* --- method registration per file ---------------------------------------------------------- */

bt_status eth_block_register(struct eth_api *api);
bt_status eth_fee_register(struct eth_api *api);
bt_status eth_state_register(struct eth_api *api);
bt_status eth_tx_register(struct eth_api *api);
bt_status eth_call_register(struct eth_api *api);
bt_status eth_filter_register(struct eth_api *api);
bt_status eth_debug_register(struct eth_api *api);
/** Filters and subscriptions hear chain events here. */
void eth_filter_on_event(struct eth_api *api, const struct chain_event *ev);
void eth_filter_free_all(struct eth_api *api);

#endif /* BTTCD_ETH_INT_H */
