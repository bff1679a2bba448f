/* Private helpers of the wire decoders (discv4.c, ethwire.c, rlpx_p2p.c; never installed):
 * read the next item of an RLP list where any malformation is the peer's protocol error. */
#ifndef BTS_RLP_WIRE_INT_H
#define BTS_RLP_WIRE_INT_H

#include <bts/rlp.h>

/** The next item of the list. Returns: BT_OK; BT_EPROTO (no more items, or a bad header). */
bt_status rlp_wire_next(struct bts_rlp_iter *it, struct bts_rlp_item *item);

/** The next item as a canonical u64 (bts_rlp_item_u64). Returns: BT_OK, BT_EPROTO. */
bt_status rlp_wire_next_u64(struct bts_rlp_iter *it, uint64_t *out);

/** The next item as a string of exactly n bytes (bts_rlp_item_fixed) into out.
 *  Returns: BT_OK, BT_EPROTO. */
bt_status rlp_wire_next_fixed(struct bts_rlp_iter *it, void *out, size_t n);

#endif /* BTS_RLP_WIRE_INT_H */
