/* An in-memory world state for the EVM tools (`bttcd evm statetest`, `bttcd evm run`, the
 * benchmark): a genesis-style allocation (host/chain/alloc_int.h: accounts sorted by address,
 * slots sorted by key) behind struct bt_evm_state_iface, changed by the EVM's change sets; its
 * root is alloc_state_root (the SDK trie). Nothing is persisted. Private to the host. */
#ifndef BTTCD_MEMSTATE_INT_H
#define BTTCD_MEMSTATE_INT_H

#include <bt/evm.h>

#include "alloc_int.h"

/** The EVM's view of an allocation (state_ctx: the struct alloc). BLOCKHASH answers
 *  keccak256 of the block number in decimal, as the ethereum/tests reference runners do
 *  (fixtures/README.md). Thread: one execution at a time per allocation. */
extern const struct bt_evm_state_iface memstate_iface;

/** Apply an executed transaction's change set (abi/bt/evm.h flags: destroyed and
 *  touched-empty accounts are removed, created ones lose prior storage, zero slots are
 *  deleted). Returns: BT_OK, BT_ENOMEM (the allocation is then partly changed). */
bt_status memstate_apply(struct alloc *a, const struct bt_evm_result *r);

/** Deep copy of `src` into `dst` (which is overwritten, not freed).
 *  Returns: BT_OK, BT_ENOMEM (dst empty). */
bt_status memstate_copy(struct alloc *dst, const struct alloc *src);

/** The account of `addr`, added (zero nonce and balance, no code) when absent.
 *  Returns NULL on allocation failure. The pointer is valid until the next change. */
struct alloc_account *memstate_account(struct alloc *a, const uint8_t addr[20]);

#endif /* BTTCD_MEMSTATE_INT_H */
