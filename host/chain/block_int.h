/* The block processor (DESIGN.md §4): runs a block's transactions through the EVM plugin on
 * the parent's state, builds the receipts (status, cumulative gas, logs, bloom) and derives
 * the transaction and receipt roots, gas used, bloom and state root of the header. Production
 * fills a header with them; import compares them with the header it was given.
 * Private to host/chain. */
#ifndef BTTCD_BLOCK_INT_H
#define BTTCD_BLOCK_INT_H

#include <bt/evm.h>

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/header.h>
#include <bts/tx.h>

#include "chainconfig_int.h"
#include "state_int.h"

/** What executes: the chain config and the EVM plugin's table and instance (from the service
 *  registry "evm/evm", or linked directly in tests). */
struct block_exec {
    const struct chaincfg *cfg;
    const struct bt_evm_vtbl *evm;
    void *evm_self;
    /** Optional: the EVM's last error text (host->last_error of its instance); NULL: none. */
    const char *(*evm_error)(void *arg);
    void *evm_error_arg;
    /** Optional: the end-of-block rules (consensus finalize: system calls, code swaps), run
     *  after the last transaction and before the roots are computed; NULL: none. A failure
     *  fails the block (message in err). */
    bt_status (*finalize)(void *arg, struct state *st, const struct bts_header *h, char *err,
                          size_t err_cap);
    void *finalize_arg;
    /** Optional, production only: a CLOCK_MONOTONIC time in ms (chain_now_ms) after which
     *  block_process runs no further transaction and ends the block with the ones run so far
     *  (go-ethereum's worker interrupts commitTransactions the same way); 0: none. */
    double stop_at_ms;
};

/** One executed transaction's receipt, as the chain stores and RPC reports it. */
struct block_receipt {
    uint64_t gas_used;
    uint32_t has_created;
    uint8_t created[20];
    uint8_t *rlp; /* consensus encoding (bts_receipt_encode), malloc'd */
    size_t rlp_len;
};

/** The receipts of a block. Zero-initialised is empty; free with block_receipts_free(). */
struct block_receipts {
    struct block_receipt *r;
    size_t n;
};

void block_receipts_free(struct block_receipts *rs);

/** Execute `n_txs` transactions (senders already recovered) on `st` (the state at the
 *  parent's root; changes are applied to it) in the block described by `h` (number, time,
 *  gas limit, difficulty, mix digest, base fee and the optional fields as the block has them)
 *  with fees paid to `fee_to` (the block's author on Bttc, PROTOCOL.md §3.10), then write
 *  gas_used, bloom, tx_root, receipt_root and state_root into `h`. With bx->stop_at_ms set,
 *  the block may end early: out->n says how many of the transactions it holds.
 *  Returns: BT_OK; BT_EINVAL (a transaction is invalid for this block: message names its index
 *           and the reason, e.g. "tx 2: nonce too low"; st is partly changed: discard it);
 *           BT_ENOMEM; BT_EIO (state read failure); the EVM's BT_ENOTSUP.
 *  Out:     out: the receipts (empty on failure).
 *  Thread:  the caller's; one block at a time per state. */
bt_status block_process(const struct block_exec *bx, struct state *st, struct bts_header *h,
                        const uint8_t fee_to[20], const struct bts_tx *txs,
                        const struct bt_address *senders, size_t n_txs, struct block_receipts *out,
                        char *err, size_t err_cap);

/** Import check: block_process() on a copy of `h` and comparison of gas used, bloom,
 *  receipt root, state root and transaction root with `h` (go-ethereum
 *  core/block_validator.go wording: "invalid gas used (remote: 1 local: 2)", "invalid merkle
 *  root (remote: 0x.. local: 0x..)", ...).
 *  Returns: as block_process, plus BT_EINVAL for a mismatch (message). */
bt_status block_import_check(const struct block_exec *bx, struct state *st,
                             const struct bts_header *h, const uint8_t fee_to[20],
                             const struct bts_tx *txs, const struct bt_address *senders,
                             size_t n_txs, struct block_receipts *out, char *err, size_t err_cap);

/** Execute one transaction (or an eth_call message with flags BT_EVM_F_NO_CHECKS) on `st` in
 *  the context of block `h` with fees to `fee_to`, without applying the change set.
 *  Returns: the EVM's status (BT_EINVAL: refused, message in err, geth wording); BT_ENOMEM.
 *  Out: out: on BT_OK release with out->release(out) (when not NULL). */
bt_status block_exec_tx(const struct block_exec *bx, struct state *st, const struct bts_header *h,
                        const uint8_t fee_to[20], const struct bts_tx *tx,
                        const struct bt_address *from, uint32_t flags, struct bt_evm_result *out,
                        char *err, size_t err_cap);

/** Root of a list under go-ethereum's DeriveSha: a trie of rlp(index) -> item. `items` is
 *  called for each index and appends item i to `buf`. Returns BT_OK, BT_ENOMEM, or items'
 *  failure. */
bt_status block_derive_root(size_t n, bt_status (*item)(void *arg, size_t i, struct bts_buf *buf),
                            void *arg, uint8_t out_root[32]);

/** The transaction root of a list of transactions (bts_tx_encode of each). */
bt_status block_tx_root(const struct bts_tx *txs, size_t n_txs, uint8_t out_root[32]);

#endif /* BTTCD_BLOCK_INT_H */
