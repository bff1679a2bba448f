/* RLP encoder (bts/rlp.h): string and integer items, lists closed in place. Yellow Paper
 * appendix B: a payload under 56 bytes takes a one-byte header (0x80/0xc0 + length), a longer one
 * 0xb7/0xf7 + the byte count of its big-endian length, then that length. */
#include <bts/rlp.h>

#include <string.h>

/* Bytes needed for v in minimal big-endian (0 for v == 0). */
static size_t be_len(uint64_t v)
{
    size_t n = 0;
    while (v) {
        n++;
        v >>= 8;
    }
    return n;
}

/* Write v as exactly n big-endian bytes. */
static void put_be(uint8_t *dst, uint64_t v, size_t n)
{
    for (size_t i = n; i > 0; i--) {
        dst[i - 1] = (uint8_t)v;
        v >>= 8;
    }
}

/* Header for a payload of `len` bytes with short-form base `base` (0x80 strings, 0xc0 lists);
 * returns its size (1..9). */
static size_t put_header(uint8_t hdr[9], uint8_t base, size_t len)
{
    if (len < 56) {
        hdr[0] = (uint8_t)(base + len);
        return 1;
    }
    size_t ll = be_len(len);
    hdr[0] = (uint8_t)(base + 55 + ll);
    put_be(hdr + 1, len, ll);
    return 1 + ll;
}

static size_t header_len(size_t len)
{
    return len < 56 ? 1 : 1 + be_len(len);
}

size_t bts_rlp_bytes_len(const void *p, size_t n)
{
    if (n == 1 && ((const uint8_t *)p)[0] < 0x80)
        return 1;
    return header_len(n) + n;
}

size_t bts_rlp_list_len(size_t payload_len)
{
    return header_len(payload_len) + payload_len;
}

size_t bts_rlp_u64_len(uint64_t v)
{
    return v < 0x80 && v != 0 ? 1 : 1 + be_len(v);
}

bt_status bts_rlp_encode_bytes(struct bts_buf *out, const void *p, size_t n)
{
    if (n == 1 && ((const uint8_t *)p)[0] < 0x80)
        return bts_buf_append_byte(out, ((const uint8_t *)p)[0]);
    uint8_t hdr[9];
    size_t hl = put_header(hdr, 0x80, n);
    /* One reserve, so a failure leaves no half-written header behind. */
    bt_status st = bts_buf_reserve(out, hl + n);
    if (st != BT_OK)
        return st;
    memcpy(out->data + out->len, hdr, hl);
    if (n)
        memcpy(out->data + out->len + hl, p, n);
    out->len += hl + n;
    out->data[out->len] = 0;
    return BT_OK;
}

bt_status bts_rlp_encode_u64(struct bts_buf *out, uint64_t v)
{
    uint8_t be[8];
    size_t n = be_len(v);
    put_be(be, v, n);
    return bts_rlp_encode_bytes(out, be, n);
}

bt_status bts_rlp_encode_u256_be(struct bts_buf *out, const uint8_t v[32])
{
    size_t skip = 0;
    while (skip < 32 && v[skip] == 0)
        skip++;
    return bts_rlp_encode_bytes(out, v + skip, 32 - skip);
}

bt_status bts_rlp_encode_raw(struct bts_buf *out, const void *p, size_t n)
{
    return bts_buf_append(out, p, n);
}

bt_status bts_rlp_encode_list_header(struct bts_buf *out, size_t payload_len)
{
    uint8_t hdr[9];
    size_t hl = put_header(hdr, 0xc0, payload_len);
    return bts_buf_append(out, hdr, hl);
}

bt_status bts_rlp_list_begin(struct bts_buf *out, size_t *out_mark)
{
    /* Reserve the one header byte every short list needs, so the common case closes without
     * moving its payload. */
    *out_mark = out->len;
    return bts_buf_append_byte(out, 0xc0);
}

bt_status bts_rlp_list_end(struct bts_buf *out, size_t mark)
{
    if (mark >= out->len)
        return BT_EINVAL;
    size_t payload = out->len - mark - 1;
    uint8_t hdr[9];
    size_t hl = put_header(hdr, 0xc0, payload);
    if (hl > 1) {
        bt_status st = bts_buf_reserve(out, hl - 1);
        if (st != BT_OK)
            return st;
        memmove(out->data + mark + hl, out->data + mark + 1, payload);
        out->len += hl - 1;
        out->data[out->len] = 0;
    }
    memcpy(out->data + mark, hdr, hl);
    return BT_OK;
}
