/* dlv/1 message codec: RLP [topic-name (string, 1..P2P_TOPIC_NAME_MAX bytes), payload
 * (string)]. Extra list elements are ignored (EIP-8 forward compatibility, as devp2p asks of
 * every message); anything else is malformed. Pure: used by dlv.c and fuzz_dlv. */
#include "dlv_int.h"

#include <bts/rlp.h>

bt_status dlv_encode(struct bts_buf *out, const char *name, size_t name_len, const uint8_t *payload,
                     size_t payload_len)
{
    if (name_len == 0 || name_len > DLV_TOPIC_NAME_MAX)
        return BT_EINVAL;
    size_t mark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, name, name_len);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, payload_len ? payload : (const uint8_t *)"", payload_len);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    return st;
}

bt_status dlv_decode(const uint8_t *in, size_t in_len, const uint8_t **out_name,
                     size_t *out_name_len, const uint8_t **out_payload, size_t *out_payload_len)
{
    struct bts_rlp_item top, name, payload;
    struct bts_rlp_iter it;
    *out_name = *out_payload = NULL;
    *out_name_len = *out_payload_len = 0;
    /* Depth 2: extra elements may be lists, but nothing deeper is accepted. */
    if (bts_rlp_decode_max_depth(&top, in, in_len, 2) != BT_OK || !top.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&it, &top);
    if (bts_rlp_iter_next(&it, &name) != BT_OK || name.is_list || name.payload_len == 0 ||
        name.payload_len > DLV_TOPIC_NAME_MAX || bts_rlp_iter_next(&it, &payload) != BT_OK ||
        payload.is_list)
        return BT_EPROTO;
    *out_name = name.payload;
    *out_name_len = name.payload_len;
    *out_payload = payload.payload;
    *out_payload_len = payload.payload_len;
    return BT_OK;
}
