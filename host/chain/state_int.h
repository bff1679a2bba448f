/* The world state of one block being executed (DESIGN.md §4): accounts in a secure
 * Merkle-Patricia trie whose nodes live in the storage proxy's state namespace, a storage trie
 * per account, code by hash, and an in-memory dirty layer that the EVM reads through
 * struct bt_evm_state_iface and that takes the EVM's change sets. state_commit() writes every
 * new trie node and code together with the caller's own operations (header, body, receipts,
 * head) as ONE storage batch, so a block is atomic.
 * Key layout in stor_ns_state: a trie node under its 32-byte keccak; code under 'c' || keccak.
 * Private to host/chain. */
#ifndef BTTCD_STATE_INT_H
#define BTTCD_STATE_INT_H

#include <bt/evm.h>

#include <bts/buf.h>
#include <bts/common.h>

#include "alloc_int.h"
#include "stor_int.h"

/** Prefix byte of code keys in stor_ns_state (node keys are bare 32-byte hashes). */
#define STATE_CODE_PREFIX 'c'

struct state;

/** Hash of an ancestor block for BLOCKHASH: BT_OK or BT_ENOTFOUND (zero). */
typedef bt_status (*state_block_hash_fn)(void *arg, uint64_t number, uint8_t out_hash[32]);

/** Open the state at `root` (NULL or bts_trie_empty_root: empty) over storage `s` (borrowed:
 *  must outlive the state). Nothing is read until an account is asked for.
 *  Returns: BT_OK, BT_ENOMEM. Out: out: free with state_free(). */
bt_status state_new(struct state **out, struct stor *s, const uint8_t *root);

/** Free the state and its uncommitted changes. NULL ok. */
void state_free(struct state *st);

/** Where BLOCKHASH answers come from (default: none, every block hash is zero). */
void state_set_block_hash_fn(struct state *st, state_block_hash_fn fn, void *arg);

/** The EVM's view of `st` (state_ctx: the struct state). The view includes every change
 *  applied so far. Thread: one caller at a time (reads fill the state's cache); the host runs
 *  a block's transactions one after another. */
extern const struct bt_evm_state_iface state_evm_iface;

/** Apply the change set of an executed transaction (abi/bt/evm.h flags: destroyed and
 *  touched-empty accounts are deleted with their storage, created ones lose prior storage,
 *  code is set by hash, storage slots of value zero are deleted).
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO (a stored node is missing or damaged). On failure the
 *  state is partly changed: discard it. */
bt_status state_apply(struct state *st, const struct bt_evm_result *r);

/** Write a genesis-style allocation (accounts with nonce, balance, code, storage) over the
 *  state. Returns: as state_apply. */
bt_status state_apply_alloc(struct state *st, const struct alloc *a);

/** Replace the code of an account, creating it if absent (Bor blockAlloc, consensus
 *  finalize). Returns: as state_apply. */
bt_status state_set_code(struct state *st, const uint8_t addr[20], const uint8_t *code,
                         size_t code_len);

/** The state root with every change applied so far (Yellow Paper §4.1, appendix D).
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO. Out: out_root: 32 bytes. */
bt_status state_root(struct state *st, uint8_t out_root[32]);

/** Write the state's new trie nodes and code plus the caller's `extra` operations (borrowed;
 *  any namespace) in one atomic stor_write (flags: BT_STORAGE_SYNC or 0). After BT_OK the
 *  state stays usable, with the committed state as its base.
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO, or stor_write's error (nothing written; the tries
 *  consider their nodes sent, so discard the state and rebuild it from the parent root).
 *  Out: out_root: the state root (NULL allowed). */
bt_status state_commit(struct state *st, const struct stor_op *extra, size_t n_extra,
                       uint32_t flags, uint8_t *out_root);

/* --- proofs (eth_getProof, EIP-1186; state_proof.c) ---------------------------------------
 * Only on a state without uncommitted changes (chain_state_at, before any call or override):
 * the proofs are read from the stored trie nodes. */

/** Append the account proof of `addr`: an RLP list of the trie nodes from the root towards
 *  keccak(addr) (bts_trie_prove), proving presence or absence.
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO (a node is missing). */
bt_status state_prove_account(struct state *st, const uint8_t addr[20], struct bts_buf *out);

/** The storage root of `addr` (the empty trie's root for no account or no storage).
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO. */
bt_status state_storage_root(struct state *st, const uint8_t addr[20], uint8_t out_root[32]);

/** Append the storage proof of slot `key` of `addr` (the empty list for no account).
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO. */
bt_status state_prove_storage(struct state *st, const uint8_t addr[20], const uint8_t key[32],
                              struct bts_buf *out);

#endif /* BTTCD_STATE_INT_H */
