/* Transaction pool: per-sender nonce queues (pending: executable from the state nonce without a
 * gap; queued: the rest), replacement by price bump, per-account and global limits with
 * eviction of the cheapest, promotion/demotion on a new head, the price-and-nonce order block
 * production takes transactions in, and a journal so transactions survive a restart.
 * Modelled on go-ethereum core/txpool/legacypool (rules and error strings) and
 * core/types/transaction.go TransactionsByPriceAndNonce (ordering). Thread: loop only. */
#ifndef BTTCD_TXPOOL_INT_H
#define BTTCD_TXPOOL_INT_H

#include <bts/common.h>
#include <bts/tx.h>
#include <bts/u256.h>

#include "chainconfig_int.h"

/* --- status sub-codes (bits 8.., numbers 96..111; primary BT_EINVAL) ------------------------
 * txpool_strerror() gives go-ethereum's text (core/txpool/errors.go, core/error.go). */
#define TXPOOL_EKNOWN         (BT_EINVAL | (96 << 8))  /* "already known" */
#define TXPOOL_EUNDERPRICED   (BT_EINVAL | (97 << 8))  /* "transaction underpriced" */
#define TXPOOL_EREPLACE       (BT_EINVAL | (98 << 8))  /* "replacement transaction underpriced" */
#define TXPOOL_EGAS_LIMIT     (BT_EINVAL | (99 << 8))  /* "exceeds block gas limit" */
#define TXPOOL_ETYPE          (BT_EINVAL | (100 << 8)) /* "transaction type not supported" */
#define TXPOOL_EFULL          (BT_EINVAL | (101 << 8)) /* "txpool is full" */
#define TXPOOL_ESENDER        (BT_EINVAL | (102 << 8)) /* "invalid sender" */
#define TXPOOL_EOVERSIZED     (BT_EINVAL | (103 << 8)) /* "oversized data" */
#define TXPOOL_ENONCE_LOW     (BT_EINVAL | (104 << 8)) /* "nonce too low" */
#define TXPOOL_EFUNDS         (BT_EINVAL | (105 << 8)) /* "insufficient funds for gas * price + value" */
#define TXPOOL_EINTRINSIC     (BT_EINVAL | (106 << 8)) /* "intrinsic gas too low" */
#define TXPOOL_EACCOUNT_LIMIT (BT_EINVAL | (107 << 8)) /* "account limit exceeded" */

/** The message of a txpool_add() failure: go-ethereum's text for the codes above, the SDK's
 *  (bts_tx_strerror, bts_rlp_strerror) for decoding and other validity errors. Static text. */
const char *txpool_strerror(bt_status st);

/** Pool limits and prices. */
struct txpool_config {
    struct bts_u256 price_limit; /* minimum tip (legacy: gas price) accepted; geth default 1 */
    uint32_t price_bump;         /* replacement must raise fee cap and tip by this %; 10 */
    uint32_t account_slots;      /* transactions per sender, pending + queued; 64 */
    uint32_t global_slots;       /* pending transactions in all; 5120 (geth 4096 + 1024) */
    uint32_t global_queue;       /* queued transactions in all; 1024 */
    size_t max_tx_size;          /* raw bytes; geth txMaxSize 4 x 32 KiB = 131072 */
};

/** geth's defaults (core/txpool/legacypool DefaultConfig), per-account limit 64. */
void txpool_config_default(struct txpool_config *out);

/** The head state as the pool sees it: account nonce and balance. An absent account is nonce 0,
 *  balance 0 with BT_OK; any other status fails the pool operation that asked. */
struct txpool_state {
    bt_status (*account)(void *ctx, const struct bt_address *addr, uint64_t *out_nonce,
                         struct bts_u256 *out_balance);
    void *ctx;
};

/** The block the pool prepares for (the one after the head). */
struct txpool_head {
    uint64_t number; /* next block's number: decides the fork */
    uint64_t time;   /* next block's earliest time */
    uint64_t gas_limit;
    int has_base_fee; /* London and later */
    struct bts_u256 base_fee;
};

/** A pooled transaction. Borrowed from the pool: valid until the pool next changes. */
struct txpool_tx {
    uint8_t *raw; /* network form (legacy RLP list, or type || RLP) */
    size_t raw_len;
    struct bts_tx tx; /* decoded; points into raw */
    struct bt_address from;
    uint64_t seq;         /* arrival order, for ties */
    struct bts_u256 cost; /* gas x fee cap + value */
};

struct txpool;
struct txjournal;

/** Create a pool. `chain`, `state` and its ctx are borrowed and must outlive the pool.
 *  Returns: BT_OK, BT_ENOMEM. Out: out_pool (NULL on failure). */
bt_status txpool_new(struct txpool **out_pool, const struct txpool_config *cfg,
                     const struct chaincfg *chain, const struct txpool_state *state,
                     const struct txpool_head *head);

/** Free the pool (and close its journal). NULL is accepted. */
void txpool_free(struct txpool *p);

/** What txpool_add() did. */
struct txpool_added {
    struct bt_hash hash;
    int is_pending; /* executable now */
    int replaced;   /* took the place of a transaction with the same sender and nonce */
};

/** Validate and add a raw transaction (eth_sendRawTransaction), in go-ethereum's order:
 *  size, decoding, already known, type allowed by the fork of the next block, gas above the
 *  block gas limit, fee checks and intrinsic gas (bts_tx_check), sender, minimum tip, nonce
 *  below the state nonce, balance below gas x fee cap + value, then replacement (fee cap and
 *  tip both at least price_bump % higher) or a new slot (per-account limit; when the pending
 *  or queued total is full the cheapest sender-tail transaction of another sender, by
 *  effective tip, is evicted if the new one pays strictly more). Evicting only tails keeps
 *  every sender's nonces gap-free (geth may evict from the middle and demote the rest).
 *  Returns: BT_OK; the TXPOOL_E* codes; BTS_TX_* and RLP codes (decoding, tip above fee cap,
 *           initcode size, ...); BT_ENOMEM; a state view failure. Name them with
 *           txpool_strerror().
 *  Out:     out: filled on BT_OK (may be NULL). */
bt_status txpool_add(struct txpool *p, const uint8_t *raw, size_t raw_len,
                     struct txpool_added *out);

/** Counters of txpool_reset(). */
struct txpool_reset_stats {
    size_t dropped_stale;   /* nonce below the new state nonce (mined or replaced) */
    size_t dropped_invalid; /* unpayable, over the block gas limit, or type no longer allowed */
    size_t promoted;        /* queued -> pending */
    size_t demoted;         /* pending -> queued */
};

/** A block was imported: take the new head and re-read every sender's nonce and balance from
 *  the state view (which must now show the new head). Stale and invalid transactions are
 *  dropped, the rest re-split into pending and queued, then limits are enforced.
 *  Returns: BT_OK; a state view failure (the pool is then consistent but partly refreshed).
 *  Out: out: counts (may be NULL). */
bt_status txpool_reset(struct txpool *p, const struct txpool_head *head,
                       struct txpool_reset_stats *out);

/** A block was committed on the head: as txpool_reset, but only the block's `senders` (the
 *  accounts whose nonce went up or balance down; duplicates allowed) are re-read. Other
 *  accounts only gained (fees, transfers, state syncs): a cached balance too low for a new
 *  transaction is re-read by txpool_add. A lower gas limit or a new fork needs every sender
 *  re-checked: then it is txpool_reset. Not for reorgs (txpool_reset).
 *  Returns: as txpool_reset. Out: out: counts (may be NULL). */
bt_status txpool_reset_senders(struct txpool *p, const struct txpool_head *head,
                               const struct bt_address *senders, size_t n_senders,
                               struct txpool_reset_stats *out);

/** The sender cache (txpool_senders.c): the sender recovered earlier for the transaction with
 *  this hash under the same rules (fork, chain id), so the block import and a reorg's
 *  re-injection need not recover it again. Returns 1 and sets *out on a hit, else 0 (p NULL
 *  too). Thread: loop only. */
int txpool_sender_cached(const struct txpool *p, const uint8_t hash[32],
                         const struct bts_tx_rules *rules, struct bt_address *out);

/** Remember a recovered sender (a valid signature under `rules`). A full slot is replaced.
 *  Out of memory leaves the cache off. Thread: loop only. */
void txpool_sender_remember(struct txpool *p, const uint8_t hash[32],
                            const struct bts_tx_rules *rules, const struct bt_address *from);

/** A transaction by hash, or NULL. */
const struct txpool_tx *txpool_get(const struct txpool *p, const uint8_t hash[32]);

/** Pending and queued counts. */
void txpool_counts(const struct txpool *p, size_t *out_pending, size_t *out_queued);

/** The next nonce of a sender counting its pending transactions (eth_getTransactionCount
 *  "pending"). Returns: BT_OK, or a state view failure. */
bt_status txpool_nonce(const struct txpool *p, const struct bt_address *addr, uint64_t *out);

/** Walk every transaction: senders in address order, each sender's in nonce order.
 *  `is_pending` tells the class. A non-BT_OK return from fn stops the walk and is returned. */
typedef bt_status (*txpool_each_fn)(void *arg, const struct txpool_tx *tx, int is_pending);
bt_status txpool_foreach(const struct txpool *p, txpool_each_fn fn, void *arg);

/* --- price-and-nonce order (go-ethereum TransactionsByPriceAndNonce) -------------------------
 * A snapshot of the pending transactions: repeatedly the best-paying head among the senders,
 * each sender in nonce order. Ties go to the earlier arrival. The iterator borrows the pool's
 * transactions: do not change the pool while it is alive. */
struct txpool_iter;

/** Returns: BT_OK, BT_ENOMEM. Out: out_it (NULL on failure). */
bt_status txpool_iter_new(struct txpool_iter **out_it, const struct txpool *p);
/** The best transaction, or NULL when none is left. */
const struct txpool_tx *txpool_iter_peek(const struct txpool_iter *it);
/** The peeked transaction was taken: its sender's next nonce competes next. */
void txpool_iter_shift(struct txpool_iter *it);
/** Skip the peeked transaction's sender entirely (it failed, or does not fit the block). */
void txpool_iter_pop(struct txpool_iter *it);
/** Free; NULL is accepted. */
void txpool_iter_free(struct txpool_iter *it);

/* --- journal ------------------------------------------------------------------------------- */

/** Counters of txpool_journal_open(). */
struct txpool_journal_stats {
    size_t loaded;          /* records re-added */
    size_t rejected;        /* records the pool refused (mined meanwhile, invalid, ...) */
    size_t truncated_bytes; /* an incomplete or corrupt tail, cut off */
};

/** Attach a journal file: replay it into the pool (records the pool refuses are dropped), cut
 *  off an incomplete last record, rewrite it with the live set, and from then on append every
 *  added transaction. Format: go-ethereum's transactions.rlp, concatenated transactions in
 *  their block-body encoding (legacy as the RLP list, typed as an RLP string of type || RLP).
 *  Returns: BT_OK, BT_EIO (message in err), BT_ENOMEM. Out: out: counts (may be NULL). */
bt_status txpool_journal_open(struct txpool *p, const char *path, struct txpool_journal_stats *out,
                              char *err, size_t err_cap);

/** Rewrite the journal with the live set (geth does it hourly): write path.new, fsync, rename.
 *  Returns: BT_OK, BT_EIO (message), BT_ENOMEM, BT_EINVAL (no journal attached). */
bt_status txpool_journal_rotate(struct txpool *p, char *err, size_t err_cap);

/** Collect the journal appends of the adds that follow in memory until the matching
 *  txpool_journal_release, which writes them with one write() (a reorg re-adds thousands of
 *  transactions: one write() each cost more than the adds). Holds nest. Release before the
 *  adds are reported anywhere (an RPC answer, a peer): a kill before it loses them.
 *  Thread: the pool's. */
void txpool_journal_hold(struct txpool *p);

/** End a hold; the outermost writes what was collected.
 *  Returns: BT_OK, BT_EIO (the records are lost to the journal; the pool keeps them). */
bt_status txpool_journal_release(struct txpool *p);

/* --- RPC shapes ---------------------------------------------------------------------------- */

#include <jansson.h>

/** txpool_status: {"pending": "0x..", "queued": "0x.."}. NULL on ENOMEM. */
json_t *txpool_status_json(const struct txpool *p);

/** txpool_content: {"pending": {"<EIP-55 sender>": {"<nonce decimal>": tx}}, "queued": {...}},
 *  tx in eth_getTransactionByHash form for a transaction not yet in a block (go-ethereum
 *  internal/ethapi TxPoolAPI.Content). NULL on ENOMEM. */
json_t *txpool_content_json(const struct txpool *p);

#endif /* BTTCD_TXPOOL_INT_H */
