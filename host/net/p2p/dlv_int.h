/* The dlv/1 wire format (one message, code 0): RLP [topic-name, payload]. Pure codec, shared by
 * the node (dlv.c) and the fuzzer. */
#ifndef BTTCD_P2P_DLV_INT_H
#define BTTCD_P2P_DLV_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bts/buf.h>

/** Longest topic name on the wire (equals P2P_TOPIC_NAME_MAX). */
#define DLV_TOPIC_NAME_MAX 64

/** Append a dlv/1 message. Returns: BT_OK, BT_EINVAL (name empty or too long), BT_ENOMEM. */
bt_status dlv_encode(struct bts_buf *out, const char *name, size_t name_len, const uint8_t *payload,
                     size_t payload_len);

/** Decode a dlv/1 message; name and payload borrow from `in`.
 *  Returns: BT_OK, BT_EPROTO (malformed: not a list, name empty, over DLV_TOPIC_NAME_MAX or a
 *  list, payload missing or a list, RLP not canonical, nesting over 2). */
bt_status dlv_decode(const uint8_t *in, size_t in_len, const uint8_t **out_name,
                     size_t *out_name_len, const uint8_t **out_payload, size_t *out_payload_len);

#endif /* BTTCD_P2P_DLV_INT_H */
