/* RLP list readers for the devp2p wire decoders: one place that maps every decoding failure of
 * a peer's message to BT_EPROTO. */
#include "rlp_wire_int.h"

bt_status rlp_wire_next(struct bts_rlp_iter *it, struct bts_rlp_item *item)
{
    return bts_rlp_iter_next(it, item) == BT_OK ? BT_OK : BT_EPROTO;
}

bt_status rlp_wire_next_u64(struct bts_rlp_iter *it, uint64_t *out)
{
    struct bts_rlp_item item;
    if (rlp_wire_next(it, &item) != BT_OK || bts_rlp_item_u64(&item, out) != BT_OK)
        return BT_EPROTO;
    return BT_OK;
}

bt_status rlp_wire_next_fixed(struct bts_rlp_iter *it, void *out, size_t n)
{
    struct bts_rlp_item item;
    if (rlp_wire_next(it, &item) != BT_OK || bts_rlp_item_fixed(&item, out, n) != BT_OK)
        return BT_EPROTO;
    return BT_OK;
}
