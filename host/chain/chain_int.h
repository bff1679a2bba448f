/* The chain (DESIGN.md §4): the canonical blocks in storage (headers, bodies, receipts, the
 * transaction lookup index, total difficulty, the head pointer), the import pipeline (consensus
 * verify -> EVM execute -> roots must match -> one atomic commit -> notify), block production
 * (consensus schedule/prepare -> txpool by price and nonce -> EVM -> consensus finalize and seal
 * -> the same commit), the transaction pool bound to the head state, and events for RPC
 * subscribers.
 *
 * This is the API the JSON-RPC methods (eth_*, txpool_*, debug_*), the "chain" service
 * offered to plugins (struct bt_chain_iface of abi/bt/consensus.h) and the `bttcd import` /
 * `export` commands are written against.
 *
 * Threading: every function here is Thread: loop (the host loop thread that opened the
 * chain), unless stated otherwise. Nothing here takes locks; the chain never calls back into
 * a subscriber from another thread. Block import and production run to completion inside the
 * call that starts them (sender recovery fans out to the worker pool and is waited for), so
 * between two calls the chain is always at a committed head.
 *
 * Ownership: the out-structs below (struct chain_header, chain_body, chain_receipts, chain_tx)
 * own their memory; release each with its *_free() (also after a failure: they are zeroed,
 * and freeing a zeroed one is a no-op). Decoded views inside them point into their own `rlp`
 * buffer. Pointers handed to event callbacks are borrowed for the duration of the callback.
 *
 * Storage: everything lives in stor_ns_chain (key layout in chaindb_int.h); trie nodes and code
 * in stor_ns_state (state_int.h). Each block is ONE stor_write: a SIGKILL at any point leaves
 * the previous head, or the new one, complete.
 *
 * Finding it: `bttcd run` opens the chain after storage and before the plugins start, and
 * registers it as the service "chain" (iface: chain_service_table, self: the struct chain). Host
 * code (the RPC methods) gets it with registry_find(&rt->registry, "chain", &iface, &self) and
 * uses self as the struct chain *; absent: the node runs without a chain (no genesis given).
 *
 * Private to the host. */
#ifndef BTTCD_CHAIN_INT_H
#define BTTCD_CHAIN_INT_H

#include <stdint.h>

#include <bt/consensus.h>
#include <bt/evm.h>

#include <bts/common.h>
#include <bts/header.h>
#include <bts/receipt.h>
#include <bts/tx.h>
#include <bts/u256.h>

#include "block_int.h"
#include "chainconfig_int.h"
#include "genesis_int.h"
#include "state_int.h"
#include "stor_int.h"
#include "txpool_int.h"

struct chain;
struct workers;
struct loop;

/* --- opening ------------------------------------------------------------------------------- */

/** A consensus engine as the chain drives it: a plugin's table and instance (service
 *  "consensus/<name>"), or a table linked into a test. */
struct chain_engine {
    const struct bt_consensus_vtbl *vt;
    void *self;
    /** Optional: the engine's last error message (hctx_error of its instance). */
    const char *(*error)(void *arg);
    void *error_arg;
};

/** What chain_open() needs. Every pointer is borrowed and must outlive the chain. */
struct chain_opts {
    struct stor *s;             /* the storage proxy (required) */
    const struct genesis *g;    /* genesis: written on first open, else compared (required) */
    struct block_exec exec;     /* the EVM (exec.cfg is ignored: the chain uses g->config) */
    struct chain_engine engine; /* consensus; vt NULL: no header rules, no production */
    struct workers *workers;    /* sender recovery fan-out; NULL: on the calling thread */
    struct loop *loop;          /* production timers; NULL: produce only when asked */
    struct txpool_config pool;  /* zeroed: txpool_config_default() */
    const char *journal_path;   /* txpool journal file; NULL: none. Every admitted transaction
                                   is appended at once (a SIGKILL keeps it); the file is
                                   rewritten with the live set at open, at close, and after a
                                   committed block once rejournal_ms have passed */
    uint64_t rejournal_ms;      /* 0: CHAIN_REJOURNAL_MS */
    uint32_t write_flags;       /* stor_write flags per block: BT_STORAGE_SYNC or 0 */
};

/** Default interval of the journal rewrite: geth's txpool.rejournal, 1 hour. */
#define CHAIN_REJOURNAL_MS 3600000u

/** Open the chain over `o->s`. On an empty store the genesis block (state allocation, header,
 *  empty body and receipts, canonical entry, TD, head) is written as one batch. On a store
 *  that has a head, the stored genesis hash must equal the hash of `o->g`.
 *  Returns: BT_OK; BT_ESTALE ("database contains incompatible genesis (have 0x.., new 0x..)");
 *           BT_ENOTFOUND (the genesis allocation is not bundled: use `bttcd init`); BT_EIO
 *           (the head points at a missing block: message); BT_ENOMEM; a storage error.
 *  Out:     out: the chain; free with chain_close(). err: a message on failure. */
bt_status chain_open(struct chain **out, const struct chain_opts *o, char *err, size_t err_cap);

/** Stop production timers, rotate the txpool journal, free everything (NULL ok). Storage is
 *  untouched: every block was committed when it was imported. */
void chain_close(struct chain *c);

/** The chain configuration (g->config of chain_open). */
const struct chaincfg *chain_config(const struct chain *c);

/* --- headers, bodies, receipts ------------------------------------------------------------- */

/** A header with its hash and canonical RLP. `h` points into `rlp` (extra). */
struct chain_header {
    struct bts_header h;
    uint8_t hash[32];
    uint8_t *rlp; /* malloc'd */
    size_t rlp_len;
};
void chain_header_free(struct chain_header *hd);

/** A block body: the transactions (decoded, pointing into `rlp`, hash set) with their senders.
 *  `rlp` is the body as stored: rlp([txs, uncles]) with txs in their block-item form. */
struct chain_body {
    struct bts_tx *txs;
    struct bt_address *senders; /* recovered at import; stored with the receipts */
    size_t n_txs;
    uint8_t *rlp;
    size_t rlp_len;
};
void chain_body_free(struct chain_body *b);

/** A log with the positions RPC reports (eth_getLogs, receipts). Data points into the owning
 *  chain_receipts. */
struct chain_log {
    struct bts_log log;
    struct bt_hash topics[4];
    uint32_t log_index; /* position among the block's logs */
};

/** A receipt with every derived field eth_getTransactionReceipt needs. */
struct chain_receipt {
    uint8_t type;   /* transaction type */
    uint8_t status; /* 1 success, 0 failure */
    uint64_t cumulative_gas;
    uint64_t gas_used;                   /* this transaction's */
    struct bts_u256 effective_gas_price; /* legacy/2930: gas price; 1559: min(cap, base + tip) */
    int has_contract;                    /* creation: the contract address */
    struct bt_address contract;
    struct bt_address from;
    int has_to;
    struct bt_address to;
    uint8_t bloom[BTS_BLOOM_LEN];
    struct bt_hash tx_hash;
    uint32_t tx_index;
    struct chain_log *logs; /* into the owning chain_receipts' log array */
    size_t n_logs;
    const uint8_t *rlp; /* consensus encoding (bts_receipt_encode), into the owner's storage */
    size_t rlp_len;
};

/** The receipts of one block (or the one receipt of chain_receipt_by_tx), with the block they
 *  belong to. */
struct chain_receipts {
    struct bt_hash block_hash;
    uint64_t block_number;
    struct chain_receipt *r;
    size_t n;
    struct chain_log *logs; /* every log of the block, in order */
    size_t n_logs;
    uint8_t *rlp; /* the stored record the views point into */
    size_t rlp_len;
};
void chain_receipts_free(struct chain_receipts *rs);

/** Number and hash of the head (the last committed canonical block). Never fails. */
void chain_head(const struct chain *c, uint64_t *out_number, uint8_t out_hash[32]);

/** The head header (borrowed: valid until the next block is committed). Never NULL. */
const struct chain_header *chain_head_header(const struct chain *c);

/** Canonical hash at `number`. Returns: BT_OK, BT_ENOTFOUND (above the head), storage errors. */
bt_status chain_canonical_hash(struct chain *c, uint64_t number, uint8_t out_hash[32]);

/** A header by hash (canonical or not) / by canonical number.
 *  Returns: BT_OK, BT_ENOTFOUND, BT_EIO (stored header damaged), BT_ENOMEM. */
bt_status chain_header_by_hash(struct chain *c, const uint8_t hash[32], struct chain_header *out);
bt_status chain_header_by_number(struct chain *c, uint64_t number, struct chain_header *out);

/** A body by block hash / by canonical number. Returns: as chain_header_by_hash. */
bt_status chain_body_by_hash(struct chain *c, const uint8_t hash[32], struct chain_body *out);
bt_status chain_body_by_number(struct chain *c, uint64_t number, struct chain_body *out);

/** The receipts of a block by hash / by canonical number, with every derived field (needs the
 *  header and body, which this reads too). Returns: as chain_header_by_hash. */
bt_status chain_receipts_by_hash(struct chain *c, const uint8_t hash[32],
                                 struct chain_receipts *out);
bt_status chain_receipts_by_number(struct chain *c, uint64_t number, struct chain_receipts *out);

/** Where a mined transaction is. */
struct chain_tx_loc {
    struct bt_hash block_hash;
    uint64_t block_number;
    uint32_t index;
};

/** Look up a transaction hash in the canonical chain (the txhash index).
 *  Returns: BT_OK, BT_ENOTFOUND (not mined; it may be in the pool: txpool_get), storage errors. */
bt_status chain_tx_lookup(struct chain *c, const uint8_t tx_hash[32], struct chain_tx_loc *out);

/** A mined transaction with its sender and location (eth_getTransactionByHash, ...ByBlock*).
 *  `tx` points into `raw`. */
struct chain_tx {
    struct bts_tx tx;
    struct bt_address from;
    struct chain_tx_loc loc;
    struct bts_u256 effective_gas_price; /* what the block charged (needs the base fee) */
    uint8_t *raw;                        /* network form (bts_tx_encode) */
    size_t raw_len;
};
void chain_tx_free(struct chain_tx *t);

/** By hash / by position in a block. Returns: BT_OK, BT_ENOTFOUND (unknown hash, block, or
 *  index past the end), storage errors, BT_ENOMEM. */
bt_status chain_tx_by_hash(struct chain *c, const uint8_t tx_hash[32], struct chain_tx *out);
bt_status chain_tx_by_block(struct chain *c, const uint8_t block_hash[32], uint32_t index,
                            struct chain_tx *out);

/** The receipt of a mined transaction: `out` holds exactly one receipt (out->r[0]); its logs
 *  carry block-wide log indexes. Returns: as chain_tx_lookup. */
bt_status chain_receipt_by_tx(struct chain *c, const uint8_t tx_hash[32],
                              struct chain_receipts *out);

/** Total difficulty up to and including block `hash`. Returns: BT_OK, BT_ENOTFOUND. */
bt_status chain_td(struct chain *c, const uint8_t hash[32], struct bts_u256 *out);

/** A whole block in geth's wire/export form rlp([header, [tx, ...], [uncle, ...]]) (what
 *  `bttcd export` writes and debug_getRawBlock answers). Out: malloc'd. */
bt_status chain_block_rlp(struct chain *c, uint64_t number, uint8_t **out, size_t *out_len);

/** The same from a header and a body in hand (a HEAD event's: body->rlp is the stored body
 *  record), without reading or decoding. Returns: BT_OK, BT_EIO (body record damaged),
 *  BT_ENOMEM. Out: malloc'd. */
bt_status chain_block_rlp_of(const struct chain_header *hd, const struct chain_body *body,
                             uint8_t **out, size_t *out_len);

/* --- state --------------------------------------------------------------------------------- */

/** The state after block `hash` (its header's state root), with BLOCKHASH answering from the
 *  canonical chain. Treat it as read-only: changes (eth_call, state overrides applied with
 *  state_apply/state_set_code) stay in its dirty layer; never state_commit() it.
 *  Returns: BT_OK, BT_ENOTFOUND (no such block), BT_ENOMEM.
 *  Out: out: free with state_free() (before chain_close). */
bt_status chain_state_at(struct chain *c, const uint8_t block_hash[32], struct state **out);

/* eth_getProof: state_prove_account, state_storage_root and state_prove_storage (state_int.h)
 * on a state from chain_state_at. */

/** A message to execute without a transaction (eth_call, eth_estimateGas, debug_traceCall). */
struct chain_msg {
    struct bt_address from; /* zero address when not given */
    int has_to;             /* 0: creation */
    struct bt_address to;
    uint64_t gas; /* 0: the block gas limit */
    struct bts_u256 gas_price;
    struct bts_u256 value;
    const uint8_t *data;
    size_t data_len;
    const uint8_t *access_list; /* RLP list as in a transaction; NULL: none */
    size_t access_list_len;
};

/** Execute `m` on `st` (from chain_state_at, possibly overridden) in the context of block
 *  `blk` (the block the call is "in": eth_call "latest" passes the head header; its number,
 *  time, gas limit, base fee, coinbase = the block's author) with BT_EVM_F_NO_CHECKS. The
 *  change set is applied to `st` (so a caller can chain calls), never committed.
 *  Returns: BT_OK (see out->outcome: BT_EVM_REVERT carries the revert data in output);
 *           BT_EINVAL (the EVM refused it: message in err, geth wording); BT_EIO; BT_ENOMEM.
 *  Out:     out: release with out->release(out) when not NULL, exactly once, on BT_OK.
 *  Estimation (binary search over `gas`) is left to RPC: it calls this on a fresh state each
 *  try. */
bt_status chain_call(struct chain *c, struct state *st, const struct bts_header *blk,
                     const struct chain_msg *m, struct bt_evm_result *out, char *err,
                     size_t err_cap);

/** The pending block, what the JSON-RPC "pending" tag reads (geth 1.10's miner pending block,
 *  built on request): the child of the head (number head + 1, time max(now, head time + 1),
 *  the head's gas limit and difficulty, the next base fee from London on, fees to the head's
 *  author as the likely next producer) holding the pool's pending transactions in production
 *  order (price and nonce, while they fit the gas limit; a sender whose transaction fails is
 *  left out with its later ones), executed on the head state. Not finalized by the engine (no
 *  system calls: at a sprint end those need Delivery's span) and not sealed: the hash is that
 *  of the unsealed header. With an empty pool the state equals the head's.
 *  Returns: BT_OK; storage or execution errors (message); BT_ENOMEM.
 *  Out:     out_st (read-only as chain_state_at; state_free), out_hd (roots, gas used and bloom
 *           filled; chain_header_free), out_body (txs with senders; chain_body_free); each may
 *           be NULL. */
bt_status chain_pending(struct chain *c, struct state **out_st, struct chain_header *out_hd,
                        struct chain_body *out_body, char *err, size_t err_cap);

/** The state just before transaction `index` of block `block_hash` (index = the number of
 *  transactions: after all of them, before finalize): the parent's state with the block's
 *  first `index` transactions re-executed, for debug_traceTransaction and for calls at a
 *  position inside a block. Read-only, as chain_state_at.
 *  Returns: BT_OK; BT_ENOTFOUND (no such block, the genesis block, or index past the end);
 *           an execution error (message). Out: out (state_free), out_header (the block's
 *           header: chain_header_free; also the block context for executing transaction
 *           `index` with block_exec_tx or chain_call). */
bt_status chain_state_before_tx(struct chain *c, const uint8_t block_hash[32], uint32_t index,
                                struct state **out, struct chain_header *out_header, char *err,
                                size_t err_cap);

/* --- the transaction pool ------------------------------------------------------------------ */

/** The pool (its reading functions: txpool_get, txpool_counts, txpool_nonce, txpool_foreach,
 *  txpool_status_json, txpool_content_json). Borrowed; do not add or reset through it: use
 *  chain_submit_tx so subscribers and production hear about it. */
struct txpool *chain_txpool(struct chain *c);

/** eth_sendRawTransaction: validate `raw` against the head state (txpool_add), journal it,
 *  notify CHAIN_EV_PENDING_TX subscribers when it became pending, and wake production.
 *  Returns: as txpool_add (name failures with txpool_strerror(): geth's strings, e.g.
 *           "nonce too low", "already known", "insufficient funds for gas * price + value").
 *  Out:     out: hash and class (may be NULL). */
bt_status chain_submit_tx(struct chain *c, const uint8_t *raw, size_t raw_len,
                          struct txpool_added *out);

/** Around a run of chain_submit_tx calls (an RPC batch, a peer's Transactions message): the
 *  journal gets their transactions in one write at chain_submit_end instead of one write
 *  each (a flood's 500-transaction batch made 500 write calls). Pairs nest; the outermost end
 *  writes. A crash inside the run loses that run's journal entries, never earlier ones.
 *  Returns (end): BT_OK; BT_EIO (the journal write failed; the pool keeps the transactions). */
void chain_submit_begin(struct chain *c);
bt_status chain_submit_end(struct chain *c);

/* --- import and production ----------------------------------------------------------------- */

/** The deepest reorg the chain makes: a heavier branch whose common ancestor with the head is
 *  more than this many blocks below the head (or whose own walk back to the canonical chain is
 *  longer) is stored as a side block and the head is kept, with a warning. 64 = Bttc's sprint
 *  window (PROTOCOL.md §2: sprint length 64): producers of one sprint may compete, a deeper
 *  fork is a different history that sync, not fork choice, has to settle. */
#define CHAIN_REORG_MAX_DEPTH 64

/** Import one block in wire form rlp([header, txs, uncles]) whose parent is stored: decode,
 *  consensus verify_header (with its parent), sender recovery (worker pool), EVM execution on
 *  the parent state (block_import_check: roots must match), engine finalize, ONE stor_write.
 *  - Parent = head: the block extends the chain (header, body, receipts, tx lookups, TD,
 *    canonical entry, head, trie nodes in the batch), txpool reset, engine on_head, HEAD event.
 *  - Parent elsewhere (a side branch, or an older canonical block): the block is stored by hash
 *    with its total difficulty (a side block). If its TD is greater than the head's (equal:
 *    the head stays, as geth) and the fork is at most CHAIN_REORG_MAX_DEPTH deep, the
 *    canonical chain switches to its branch in the same batch: canonical entries, transaction
 *    lookups (dropped ones deleted, the new branch's written) and the head. Then the txpool
 *    re-takes the dropped transactions the new branch does not carry, the engine's on_head gets
 *    the new head, a `chain reorg` line is logged, and subscribers get CHAIN_EV_REORG, one
 *    CHAIN_EV_REMOVED per dropped block and one CHAIN_EV_HEAD per new-branch block.
 *  A block already stored (canonical or side) is skipped (BT_OK, *out_skipped = 1).
 *  Returns: BT_OK; BT_EINVAL (invalid block: the message names the rule, e.g. "invalid merkle
 *           root (remote: .. local: ..)"; nothing was written); BT_ENOTFOUND ("unknown
 *           ancestor": the parent is not stored; sync has to fetch it first); BT_EBUSY (future
 *           block); BT_EIO (storage; nothing was written, the head is unchanged); BT_ENOMEM.
 *  Out:     out_skipped (may be NULL). */
bt_status chain_import(struct chain *c, const uint8_t *rlp, size_t rlp_len, int *out_skipped,
                       char *err, size_t err_cap);

/** Produce one block now on top of the head with the engine (prepare, pool transactions in
 *  price-and-nonce order that fit the gas limit, skipping a sender whose transaction fails,
 *  finalize, seal) and commit it like an import. `time` 0: the engine's choice (prepare).
 *  Returns: BT_OK; BT_ENOTSUP (no engine); BT_ENOTFOUND (engine: not authorised); the seal's
 *           error; storage errors. Out: out_hash (may be NULL). */
bt_status chain_produce(struct chain *c, uint64_t time, uint8_t *out_hash, char *err,
                        size_t err_cap);

/** Let the engine's schedule() drive production from now on: after every head and every new
 *  pending transaction the chain asks it when, and arms a loop timer (opts.loop required).
 *  Returns: BT_OK, BT_EINVAL (no loop or engine). */
bt_status chain_start_producing(struct chain *c);

/* --- events -------------------------------------------------------------------------------- */

enum chain_event_kind {
    CHAIN_EV_HEAD = 1,       /* a block was committed as the new head */
    CHAIN_EV_PENDING_TX = 2, /* a transaction entered the pool's pending set */
    CHAIN_EV_REORG = 3,      /* the canonical chain switched branch (chain_import) */
    CHAIN_EV_REMOVED = 4     /* a block left the canonical chain in a reorg: its logs are
                                reported as removed (geth RemovedLogsEvent) */
};

/** An event. Every pointer is borrowed for the callback. */
struct chain_event {
    enum chain_event_kind kind;
    /* CHAIN_EV_HEAD: the new head block with its receipts (logs carry every position); in a
     * reorg, each block of the new branch in turn (header is that block, not yet the head
     * for all but the last). CHAIN_EV_REMOVED: a dropped block, the same fields. */
    const struct chain_header *header;
    const struct chain_body *body;
    const struct chain_receipts *receipts;
    /* CHAIN_EV_PENDING_TX: the pooled transaction. */
    const struct txpool_tx *tx;
    /* CHAIN_EV_REORG: header is the new head; the old head and the last common block. The
     * REMOVED events of the dropped blocks follow (ascending), then the HEAD events of the new
     * branch (ascending). */
    uint64_t old_number;
    struct bt_hash old_hash;
    uint64_t ancestor_number;
};

typedef void (*chain_event_fn)(void *arg, const struct chain_event *ev);

/** Register a callback for every event (callers filter on kind). Callbacks run on the loop,
 *  synchronously after the commit (head) or the pool insertion (pending tx), in registration
 *  order; they must not import or produce blocks themselves (defer that).
 *  Returns: BT_OK, BT_ENOMEM. Out: out_id: for chain_unsubscribe (never 0). */
bt_status chain_subscribe(struct chain *c, chain_event_fn fn, void *arg, uint64_t *out_id);

/** Remove a callback (also from inside a callback). BT_OK or BT_ENOTFOUND. */
bt_status chain_unsubscribe(struct chain *c, uint64_t id);

/* --- sync status --------------------------------------------------------------------------- */

/** eth_syncing: is_syncing while a `bttcd import` (chain_import_file) or, later, a network sync
 *  runs; starting/current/highest as geth reports them. */
struct chain_sync {
    int is_syncing;
    uint64_t starting_block, current_block, highest_block;
};
void chain_sync_status(const struct chain *c, struct chain_sync *out);

/** Set what eth_syncing reports (the p2p sync: is_syncing, starting/current/highest block;
 *  current_block is taken from the head while is_syncing is 0). */
void chain_set_sync(struct chain *c, const struct chain_sync *s);

/** Import `n` consecutive blocks (wire form, as chain_import) in order with `bttcd import`'s
 *  pipeline (the senders of the next block are recovered while one executes). Stops at the
 *  first failure. Returns: as chain_import (err names the rule). Out: out_done: blocks imported
 *  or skipped as known before the failure (may be NULL). */
bt_status chain_import_blocks(struct chain *c, const uint8_t *const *blocks, const size_t *lens,
                              size_t n, size_t *out_done, char *err, size_t err_cap);

/** Counters for /metrics (bttcd_chain_*): since chain_open. */
struct chain_stats {
    uint64_t blocks_imported, blocks_produced, txs; /* txs: in committed blocks */
    uint64_t blocks_refused;                        /* imports that failed validation */
    uint64_t reorgs;                                /* canonical branch switches */
    double last_block_ms;  /* wall time of the last import or production, commit included */
    double total_block_ms; /* sum of those */
};
void chain_get_stats(const struct chain *c, struct chain_stats *out);

/* --- files (bttcd import / export) --------------------------------------------------------- */

/** Progress of chain_import_file, about once a second and at the end. */
typedef void (*chain_progress_fn)(void *arg, uint64_t blocks, uint64_t txs, uint64_t head,
                                  double elapsed_s, int is_done);

/** Import a file of concatenated block RLPs (geth `export` format; gzip not supported) block by
 *  block through chain_import(). Blocks at or below the head that are already stored are
 *  skipped, so an interrupted import resumes.
 *  Returns: BT_OK; BT_EIO (cannot read; truncated last block: message); chain_import's errors
 *  (message names the block number). */
bt_status chain_import_file(struct chain *c, const char *path, chain_progress_fn fn, void *arg,
                            char *err, size_t err_cap);

/** Write canonical blocks [from, to] (to beyond the head: the head) to `path` in the same
 *  format, replacing the file. Returns: BT_OK, BT_EIO (message), BT_ENOMEM. */
bt_status chain_export_file(struct chain *c, const char *path, uint64_t from, uint64_t to,
                            char *err, size_t err_cap);

/* --- the "chain" service for plugins ------------------------------------------------------- */

/** The table behind the service "chain" (self: the struct chain). */
extern const struct bt_chain_iface chain_service_table;

/** Fill the ABI view of a header (pointers borrowed from hd). */
void chain_bt_header(const struct chain_header *hd, struct bt_header *out);

#endif /* BTTCD_CHAIN_INT_H */
