/* Hex byte strings (bts/hex.h): encode into caller buffers or a bts_buf, strict decode with an
 * optional or required "0x". The Ethereum-specific forms live in hex_eth.c. */
#include <bts/hex.h>

#include <string.h>

#include "hex_int.h"

#define D(c, v) [c] = (v) + 1
const uint8_t bts_hex_digit_tab_[256] = {
    D('0', 0),  D('1', 1),  D('2', 2),  D('3', 3),  D('4', 4),  D('5', 5),  D('6', 6),  D('7', 7),
    D('8', 8),  D('9', 9),  D('a', 10), D('b', 11), D('c', 12), D('d', 13), D('e', 14), D('f', 15),
    D('A', 10), D('B', 11), D('C', 12), D('D', 13), D('E', 14), D('F', 15),
};
#undef D

const char bts_hex_lower_[16] = "0123456789abcdef";

static void hex_write(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = bts_hex_lower_[p[i] >> 4];
        out[2 * i + 1] = bts_hex_lower_[p[i] & 15];
    }
}

bt_status bts_hex_encode(char *out, size_t out_cap, size_t *out_len, const void *data,
                         size_t data_len, unsigned flags)
{
    size_t pre = (flags & BTS_HEX_0X) ? 2 : 0;
    if (data_len > (SIZE_MAX - pre - 1) / 2)
        return BT_ERANGE; /* cannot even say how much is needed */
    size_t len = pre + 2 * data_len;
    if (out_cap < len + 1) {
        *out_len = len + 1;
        return BT_ERANGE;
    }
    if (pre) {
        out[0] = '0';
        out[1] = 'x';
    }
    if (data_len)
        hex_write(out + pre, data, data_len);
    out[len] = 0;
    *out_len = len;
    return BT_OK;
}

bt_status bts_hex_encode_buf(struct bts_buf *b, const void *data, size_t data_len, unsigned flags)
{
    size_t pre = (flags & BTS_HEX_0X) ? 2 : 0;
    if (data_len > (SIZE_MAX - pre - 1) / 2)
        return BT_ENOMEM;
    size_t len = pre + 2 * data_len;
    if (len == 0)
        return BT_OK; /* an unallocated buffer's data is the read-only "" */
    bt_status st = bts_buf_reserve(b, len);
    if (st != BT_OK)
        return st;
    char *p = (char *)b->data + b->len;
    if (pre) {
        p[0] = '0';
        p[1] = 'x';
    }
    if (data_len)
        hex_write(p + pre, data, data_len);
    b->len += len;
    b->data[b->len] = 0;
    return BT_OK;
}

/* Checks the syntax and returns the digits (after any prefix) in *digits, *n_digits. */
static bt_status hex_check(const char **digits, size_t *n_digits, const char *s, size_t s_len,
                           unsigned flags, const char **why)
{
    size_t pre = bts_hex_has_prefix_(s, s_len) ? 2 : 0;
    if (!pre && (flags & BTS_HEX_0X)) {
        *why = "missing 0x prefix";
        return BT_EINVAL;
    }
    size_t n = s_len - pre;
    if (n % 2) {
        *why = "odd length";
        return BT_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (bts_hex_digit_(s[pre + i]) < 0) {
            *why = "invalid hex digit";
            return BT_EINVAL;
        }
    }
    *digits = s + pre;
    *n_digits = n;
    return BT_OK;
}

static void hex_read(uint8_t *out, const char *digits, size_t n_bytes)
{
    for (size_t i = 0; i < n_bytes; i++)
        out[i] = (uint8_t)(bts_hex_digit_(digits[2 * i]) << 4 | bts_hex_digit_(digits[2 * i + 1]));
}

bt_status bts_hex_decode_why_(uint8_t *out, size_t out_cap, size_t *out_len, const char *s,
                              size_t s_len, unsigned flags, const char **why)
{
    const char *dummy, *digits;
    size_t n;
    if (!why)
        why = &dummy;
    bt_status st = hex_check(&digits, &n, s, s_len, flags, why);
    if (st != BT_OK)
        return st;
    *out_len = n / 2;
    if (n / 2 > out_cap) {
        *why = "output buffer too small";
        return BT_ERANGE;
    }
    hex_read(out, digits, n / 2);
    return BT_OK;
}

bt_status bts_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *s, size_t s_len,
                         unsigned flags)
{
    return bts_hex_decode_why_(out, out_cap, out_len, s, s_len, flags, NULL);
}

bt_status bts_hex_decode_buf(struct bts_buf *b, const char *s, size_t s_len, unsigned flags)
{
    const char *why, *digits;
    size_t n;
    bt_status st = hex_check(&digits, &n, s, s_len, flags, &why);
    if (st != BT_OK)
        return st;
    if (n == 0)
        return BT_OK; /* an unallocated buffer's data is the read-only "" */
    st = bts_buf_reserve(b, n / 2);
    if (st != BT_OK)
        return st;
    hex_read(b->data + b->len, digits, n / 2);
    b->len += n / 2;
    b->data[b->len] = 0;
    return BT_OK;
}

bt_status bts_hex_decode_exact_why_(uint8_t *out, size_t n, const char *s, size_t s_len,
                                    unsigned flags, const char **why)
{
    const char *dummy, *digits;
    size_t n_digits;
    if (!why)
        why = &dummy;
    bt_status st = hex_check(&digits, &n_digits, s, s_len, flags, why);
    if (st != BT_OK)
        return st;
    if (n_digits / 2 != n) {
        *why = "wrong length";
        return BT_EINVAL;
    }
    hex_read(out, digits, n);
    return BT_OK;
}

bt_status bts_hex_decode_exact(uint8_t *out, size_t n, const char *s, size_t s_len, unsigned flags)
{
    return bts_hex_decode_exact_why_(out, n, s, s_len, flags, NULL);
}
