/* An in-memory world state for the EVM tools (`bttcd evm statetest`, `bttcd evm run`, the
 * benchmark): a genesis-style allocation (host/chain/alloc_int.h: accounts sorted by address,
 * slots sorted by key) behind struct bt_evm_state_iface, changed by the EVM's change sets; its
 * root is alloc_state_root (the SDK trie). Nothing is persisted. Private to the host. */
#ifndef BTTCD_MEMSTATE_INT_H
#define BTTCD_MEMSTATE_INT_H

#include <bt/evm.h>

#include "alloc_int.h"

/** Code hashes remembered by code buffer: get_account answers the code hash, and hashing a
 *  20 KiB contract on every call would cost more than running a short transaction. */
#define MEMSTATE_HASHES 4

/** A state: the allocation plus the code-hash memo. Zero-initialised is empty. Set accounts up
 *  (memstate_account) before the first execute; later changes go through memstate_apply, which
 *  forgets the memo. */
struct memstate {
    struct alloc a;
    struct {
        const uint8_t *code;
        size_t len;
        uint8_t hash[32];
    } hashes[MEMSTATE_HASHES];
    unsigned next_hash;
};

/** The EVM's view of a state (state_ctx: the struct memstate). BLOCKHASH answers keccak256 of
 *  the block number in decimal, as the ethereum/tests reference runners do
 *  (fixtures/README.md). Thread: one execution at a time per state. */
extern const struct bt_evm_state_iface memstate_iface;

/** Apply an executed transaction's change set (abi/bt/evm.h flags: destroyed and
 *  touched-empty accounts are removed, created ones lose prior storage, zero slots are
 *  deleted). Returns: BT_OK, BT_ENOMEM (the state is then partly changed). */
bt_status memstate_apply(struct memstate *m, const struct bt_evm_result *r);

/** A state holding a deep copy of `src` (dst is overwritten, not freed).
 *  Returns: BT_OK, BT_ENOMEM (dst empty). */
bt_status memstate_copy(struct memstate *dst, const struct alloc *src);

/** Free the state's accounts; leaves it empty. */
void memstate_free(struct memstate *m);

/** The account of `addr`, added (zero nonce and balance, no code) when absent.
 *  Returns NULL on allocation failure. The pointer is valid until the next change. */
struct alloc_account *memstate_account(struct alloc *a, const uint8_t addr[20]);

#endif /* BTTCD_MEMSTATE_INT_H */
