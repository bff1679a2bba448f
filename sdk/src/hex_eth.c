/* Ethereum's hex forms (bts/hex.h): JSON-RPC QUANTITY as u64 and u256, fixed-size addresses and
 * hashes, and EIP-55 checksummed addresses. Rules: ethereum/execution-apis
 * src/schemas/base-types.yaml and ethereum.org "JSON-RPC API: hex value encoding". */
#include <bts/hex.h>

#include <string.h>

#include <bts/keccak.h>

#include "hex_int.h"

/* Syntax of a QUANTITY: "0x", 1..max_digits digits, no leading zero unless the value is "0x0".
 * On success *digits and *n give the digits. */
static bt_status quantity_check(const char **digits, size_t *n, const char *s, size_t s_len,
                                size_t max_digits, const char **why)
{
    if (!bts_hex_has_prefix_(s, s_len)) {
        *why = "missing 0x prefix";
        return BT_EINVAL;
    }
    if (s_len == 2) {
        *why = "no digits";
        return BT_EINVAL;
    }
    for (size_t i = 2; i < s_len; i++) {
        if (bts_hex_digit_(s[i]) < 0) {
            *why = "invalid hex digit";
            return BT_EINVAL;
        }
    }
    if (s_len > 3 && s[2] == '0') {
        *why = "leading zero";
        return BT_EINVAL;
    }
    if (s_len - 2 > max_digits) {
        *why = max_digits == 16 ? "exceeds 64 bits" : "exceeds 256 bits";
        return BT_ERANGE;
    }
    *digits = s + 2;
    *n = s_len - 2;
    return BT_OK;
}

bt_status bts_hex_parse_u64_why_(uint64_t *out, const char *s, size_t s_len, const char **why)
{
    const char *d, *dummy;
    size_t n;
    bt_status st = quantity_check(&d, &n, s, s_len, 16, why ? why : &dummy);
    if (st != BT_OK)
        return st;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 4 | (uint64_t)bts_hex_digit_(d[i]);
    *out = v;
    return BT_OK;
}

bt_status bts_hex_parse_u64(uint64_t *out, const char *s, size_t s_len)
{
    return bts_hex_parse_u64_why_(out, s, s_len, NULL);
}

bt_status bts_hex_parse_u256_why_(uint8_t out[32], const char *s, size_t s_len, const char **why)
{
    const char *d, *dummy;
    size_t n;
    bt_status st = quantity_check(&d, &n, s, s_len, 64, why ? why : &dummy);
    if (st != BT_OK)
        return st;
    /* Right-align: the last digit is the low nibble of out[31]. */
    memset(out, 0, 32);
    for (size_t i = 0; i < n; i++) {
        size_t nib = n - 1 - i; /* nibble index from the least significant end */
        int v = bts_hex_digit_(d[i]);
        out[31 - nib / 2] |= (uint8_t)(nib % 2 ? v << 4 : v);
    }
    return BT_OK;
}

bt_status bts_hex_parse_u256(uint8_t out[32], const char *s, size_t s_len)
{
    return bts_hex_parse_u256_why_(out, s, s_len, NULL);
}

/* Writes "0x" and the nibbles of v (big-endian bytes) from the first non-zero one. */
static bt_status quantity_format(char *out, size_t out_cap, size_t *out_len, const uint8_t *v,
                                 size_t v_len)
{
    size_t first = 0, n_nib = 2 * v_len;
    while (first < n_nib - 1 && ((v[first / 2] >> (first % 2 ? 0 : 4)) & 15) == 0)
        first++;
    size_t len = 2 + n_nib - first;
    if (out_cap < len + 1) {
        *out_len = len + 1;
        return BT_ERANGE;
    }
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = first; i < n_nib; i++)
        out[2 + i - first] = bts_hex_lower_[(v[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[len] = 0;
    *out_len = len;
    return BT_OK;
}

bt_status bts_hex_format_u64(char *out, size_t out_cap, size_t *out_len, uint64_t v)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(v >> (56 - 8 * i));
    return quantity_format(out, out_cap, out_len, be, sizeof(be));
}

bt_status bts_hex_format_u256(char *out, size_t out_cap, size_t *out_len, const uint8_t v[32])
{
    return quantity_format(out, out_cap, out_len, v, 32);
}

bt_status bts_hex_parse_address(uint8_t out[20], const char *s, size_t s_len)
{
    return bts_hex_decode_exact(out, 20, s, s_len, BTS_HEX_0X);
}

bt_status bts_hex_parse_hash(uint8_t out[32], const char *s, size_t s_len)
{
    return bts_hex_decode_exact(out, 32, s, s_len, BTS_HEX_0X);
}

void bts_hex_format_eip55(char out[BTS_HEX_EIP55_CAP], const uint8_t addr[20])
{
    uint8_t h[32];
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 20; i++) {
        out[2 + 2 * i] = bts_hex_lower_[addr[i] >> 4];
        out[3 + 2 * i] = bts_hex_lower_[addr[i] & 15];
    }
    out[42] = 0;
    /* EIP-55: hash the 40 lowercase ASCII digits, not the 20 bytes. */
    bts_keccak256(h, out + 2, 40);
    for (int i = 0; i < 40; i++) {
        int nib = (h[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        char *c = &out[2 + i];
        if (*c >= 'a' && nib >= 8)
            *c = (char)(*c - 'a' + 'A');
    }
}

bt_status bts_hex_parse_eip55_why_(uint8_t out[20], const char *s, size_t s_len, const char **why)
{
    uint8_t a[20];
    char want[BTS_HEX_EIP55_CAP];
    const char *dummy;
    if (!why)
        why = &dummy;
    bt_status st = bts_hex_decode_exact_why_(a, 20, s, s_len, BTS_HEX_0X, why);
    if (st != BT_OK)
        return st;
    int has_lower = 0, has_upper = 0;
    for (size_t i = 2; i < s_len; i++) {
        has_lower |= s[i] >= 'a' && s[i] <= 'f';
        has_upper |= s[i] >= 'A' && s[i] <= 'F';
    }
    if (has_lower && has_upper) {
        bts_hex_format_eip55(want, a);
        if (memcmp(want + 2, s + 2, 40) != 0) {
            *why = "bad eip-55 checksum";
            return BT_EINVAL;
        }
    }
    memcpy(out, a, 20);
    return BT_OK;
}

bt_status bts_hex_parse_eip55(uint8_t out[20], const char *s, size_t s_len)
{
    return bts_hex_parse_eip55_why_(out, s, s_len, NULL);
}
