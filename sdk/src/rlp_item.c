/* Typed reads of decoded RLP items (bts/rlp.h): canonical integers, fixed-size strings, and the
 * names of the RLP status sub-codes. */
#include <bts/rlp.h>

#include <string.h>

/* Shared rule for integers: a string, no leading zero byte (Yellow Paper appendix B encodes
 * integers as big-endian without leading zeros), at most `max` bytes. */
static bt_status check_int(const struct bts_rlp_item *it, size_t max)
{
    if (it->is_list)
        return BTS_RLP_EWRONG_TYPE;
    if (it->payload_len > 0 && it->payload[0] == 0)
        return BTS_RLP_EINT_LEADING_ZERO;
    if (it->payload_len > max)
        return BTS_RLP_EINT_OVERFLOW;
    return BT_OK;
}

bt_status bts_rlp_item_u64(const struct bts_rlp_item *it, uint64_t *out)
{
    *out = 0;
    bt_status st = check_int(it, 8);
    if (st != BT_OK)
        return st;
    uint64_t v = 0;
    for (size_t i = 0; i < it->payload_len; i++)
        v = v << 8 | it->payload[i];
    *out = v;
    return BT_OK;
}

bt_status bts_rlp_item_u256_be(const struct bts_rlp_item *it, uint8_t out[32])
{
    memset(out, 0, 32);
    bt_status st = check_int(it, 32);
    if (st != BT_OK)
        return st;
    if (it->payload_len)
        memcpy(out + 32 - it->payload_len, it->payload, it->payload_len);
    return BT_OK;
}

bt_status bts_rlp_item_fixed(const struct bts_rlp_item *it, void *out, size_t n)
{
    if (it->is_list)
        return BTS_RLP_EWRONG_TYPE;
    if (it->payload_len != n)
        return BTS_RLP_EWRONG_SIZE;
    if (n)
        memcpy(out, it->payload, n);
    return BT_OK;
}

bt_status bts_rlp_item_bytes(const struct bts_rlp_item *it, const uint8_t **out_p, size_t *out_len)
{
    if (it->is_list) {
        *out_p = NULL;
        *out_len = 0;
        return BTS_RLP_EWRONG_TYPE;
    }
    *out_p = it->payload;
    *out_len = it->payload_len;
    return BT_OK;
}

const char *bts_rlp_strerror(bt_status st)
{
    switch (st) {
    case BTS_RLP_ETRUNCATED:
        return "rlp: input ends inside an item header";
    case BTS_RLP_ETRAILING:
        return "rlp: trailing bytes after the item";
    case BTS_RLP_ESINGLE_BYTE:
        return "rlp: single byte below 0x80 must not have a header";
    case BTS_RLP_ENONCANON_LEN:
        return "rlp: non-canonical length (long form under 56 or leading zero)";
    case BTS_RLP_ELEN_OVERFLOW:
        return "rlp: length runs past the end of the input or list";
    case BTS_RLP_EINT_LEADING_ZERO:
        return "rlp: leading zero in integer";
    case BTS_RLP_ETOO_DEEP:
        return "rlp: lists nested too deep";
    case BTS_RLP_EWRONG_TYPE:
        return "rlp: list where a string was expected, or the reverse";
    case BTS_RLP_EWRONG_SIZE:
        return "rlp: fixed-size string has the wrong length";
    case BTS_RLP_EINT_OVERFLOW:
        return "rlp: integer too large for its type";
    }
    return bts_status_str(st);
}
