/* The outside world as Delivery's side handlers see it (PROTOCOL.md §4.1 step 2): asynchronous
 * reads from the root chains (TRON, Ethereum, BSC) and from the local Bttc chain.
 *
 * The application owns the *rules* (which facts a message needs and how they must compare, see
 * dlv_side.c); the oracle only fetches facts. Each side message asks one to three queries; the
 * oracle answers each exactly once through the `done` callback, possibly before `query` returns
 * (a cache hit, a mock) or later on the loop thread. The application turns the answers into
 * Yes / No / Skip:
 *
 *   answer status    meaning                                        vote
 *   BT_OK            the fact was read (fields below)               compare: Yes if every
 *                                                                   fact matches, else Skip
 *   BT_ENOTFOUND     the fact definitively does not exist           Skip
 *                    (no receipt / log, header block unset, Bttc block absent)
 *   anything else    could not ask (node down, timeout, not yet     Skip
 *                    confirmed enough)
 *
 * A failed check is a Skip, never a No: upstream's side handlers answer every error with
 * ErrorSideTx, whose result is Skip (bttcprotocol/delivery@v1.0.9:common/error.go); the
 * outcome is the same (nothing applies without +2/3 Yes).
 *
 * Confirmations are the oracle's business: a receipt is answered only once it has the required
 * depth on its chain (ETH 6, TRON 18, BSC per chain info; §2), otherwise BT_EBUSY (→ Skip).
 * Implemented over the host's "rootchain/…" adapters and "chain" service by the bridge
 * (plugins/consensus-bttc/bridge), and by a mock in the tests. */
#ifndef DLV_ORACLE_H
#define DLV_ORACLE_H

#include <bts/common.h>

#include "dlv_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What to read. */
enum dlv_oracle_kind {
    /** Bttc head block number (local chain). In: nothing. Out: number. */
    DLV_Q_BTTC_HEAD = 1,
    /** bor_getRootHash(a, b) of the local Bttc chain (§3.11); BT_ENOTFOUND if block b is not
     *  there. In: a = start, b = end. Out: hash. */
    DLV_Q_BTTC_ROOT_HASH = 2,
    /** Hash of Ethereum block `a` (the span seed, §4.5.2), from the eth_rpc_url node.
     *  In: a. Out: hash. */
    DLV_Q_ETH_BLOCK_HASH = 3,
    /** RootChain.headerBlocks(a) (selector 0x41539d4a) on `root`; a = number × 10000.
     *  BT_ENOTFOUND when the entry is unset (createdAt 0). Out: header. */
    DLV_Q_HEADER_BLOCK = 4,
    /** The log at `log_index` of the confirmed receipt of `tx_hash` on `root`, in block `a` (the
     *  msg's block_number). BT_ENOTFOUND if the receipt or the index does not exist. Out: log
     *  (address, topics, data, block number). */
    DLV_Q_RECEIPT_LOG = 5,
    /** StakeManager.validatorNonce(a) (0xebde9f93) on `root` (ETH/BSC, staking sync §4.3.4).
     *  Out: number. */
    DLV_Q_VALIDATOR_NONCE = 6,
    /** TRON StakeManager.getCurrentSyncedCheckpoint(rootId) (0xd1c407ad) for root chain `a`
     *  (§4.7). Out: number. */
    DLV_Q_SYNCED_CHECKPOINT = 7,
};

/** A query. Fields not named by the kind are zero. */
struct dlv_oracle_query {
    enum dlv_oracle_kind kind;
    enum dlv_root root; /**< the root chain asked (0 for Bttc / Ethereum block hash) */
    uint64_t a;
    uint64_t b;
    uint8_t tx_hash[32]; /**< DLV_Q_RECEIPT_LOG */
    uint64_t log_index;  /**< DLV_Q_RECEIPT_LOG */
};

/** RootChain.headerBlocks(id) (§4.6.6). */
struct dlv_header_block {
    uint8_t root[32];
    uint64_t start;
    uint64_t end;
    uint64_t created_at;
    uint8_t proposer[20];
};

/** Most topics a log has. */
#define DLV_LOG_TOPICS_MAX 4

/** A receipt log. `data` is borrowed: valid only during the done callback. */
struct dlv_log {
    uint8_t address[20]; /**< emitting contract (TRON: the 20 bytes after 0x41) */
    uint8_t topics[DLV_LOG_TOPICS_MAX][32];
    size_t n_topics;
    const uint8_t *data;
    size_t data_len;
    uint64_t block_number; /**< the receipt's block number */
};

/** An answer. Only the fields of the query's kind are meaningful, and only when status is
 *  BT_OK. Borrowed for the duration of the callback. */
struct dlv_oracle_answer {
    bt_status status;
    uint64_t number;                /**< HEAD, VALIDATOR_NONCE, SYNCED_CHECKPOINT */
    uint8_t hash[32];               /**< BTTC_ROOT_HASH, ETH_BLOCK_HASH */
    struct dlv_header_block header; /**< HEADER_BLOCK */
    struct dlv_log log;             /**< RECEIPT_LOG */
};

/** Completion callback: called exactly once per accepted query, on the loop thread (or inside
 *  `query` itself). `arg` is the caller's. */
typedef void (*dlv_oracle_done_fn)(void *arg, const struct dlv_oracle_answer *a);

/** The oracle. A constant table plus an opaque `self`. */
struct dlv_oracle_iface {
    uint32_t struct_size; /**< sizeof(struct dlv_oracle_iface) as the implementer was built */
    /** Start a read. Mandatory.
     *  Returns: BT_OK (done will be called exactly once, maybe already); any error: the query
     *  was not accepted and done will not be called (the application votes Skip).
     *  In: q: borrowed for the call only. Thread: loop. */
    bt_status (*query)(void *self, const struct dlv_oracle_query *q, dlv_oracle_done_fn done,
                       void *arg);
    /** Forget every outstanding query: their done callbacks must not be called any more (the
     *  application is shutting down). Optional (NULL: the implementer never calls back after
     *  the application is freed, e.g. synchronous oracles). Thread: loop. */
    void (*cancel_all)(void *self);
};

#ifdef __cplusplus
}
#endif

#endif /* DLV_ORACLE_H */
