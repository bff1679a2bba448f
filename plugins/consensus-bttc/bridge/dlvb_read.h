/* Delivery bridge: asynchronous read-only calls on root-chain contracts through an adapter
 * (abi/bt/rootchain.h `call` at the latest block): RootChain's last and numbered header blocks
 * and single-uint256 views (validatorNonce, getCurrentSyncedCheckpoint, getLastChildBlock).
 * Every function: Thread: loop; returns BT_OK and then calls fn exactly once later, or returns
 * the adapter's refusal (BT_ENOMEM) and never calls fn. */
#ifndef DLVB_READ_H
#define DLVB_READ_H

#include "dlvb_submit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A header block read: st BT_OK and hb valid (borrowed), or the failure (hb NULL). header_id
 *  is the RootChain id (a multiple of 10000; 0 before the first checkpoint, when hb is all
 *  zero as the contract's empty slot). */
typedef void (*dlvb_header_fn)(void *arg, bt_status st, uint64_t header_id,
                               const struct dlvb_header_block *hb);
/** A single number read (st BT_OK) or its failure. */
typedef void (*dlvb_u64_fn)(void *arg, bt_status st, uint64_t value);

/** headerBlocks(currentHeaderBlock()) on `root_chain`: the last checkpoint of that chain.
 *  Source: bttcprotocol/delivery@v1.0.9:bridge/setu/processor/checkpoint.go (getCurrentCheckpoint).
 */
bt_status dlvb_read_last_header(const struct bt_rootchain_vtbl *vt, void *self,
                                const uint8_t root_chain[20], dlvb_header_fn fn,
                                void *arg) BT_MUST_CHECK BT_NONNULL(1, 3, 4);

/** headerBlocks(header_id) on `root_chain`. */
bt_status dlvb_read_header(const struct bt_rootchain_vtbl *vt, void *self,
                           const uint8_t root_chain[20], uint64_t header_id, dlvb_header_fn fn,
                           void *arg) BT_MUST_CHECK BT_NONNULL(1, 3, 5);

/** A view returning one uint256 that must fit 64 bits: selector with no argument (has_arg 0)
 *  or one uint256 argument. */
bt_status dlvb_read_u64(const struct bt_rootchain_vtbl *vt, void *self, const uint8_t to[20],
                        const uint8_t selector[4], int has_arg, uint64_t argument, dlvb_u64_fn fn,
                        void *arg) BT_MUST_CHECK BT_NONNULL(1, 3, 4, 7);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_READ_H */
