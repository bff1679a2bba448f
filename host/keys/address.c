/* Addresses as operators and plugins write them: key ids ("0x" + 40 hex digits, any case),
 * EIP-55 checksummed output, and comma-separated address lists (unlock =, signer_keys =). */
#include "keys_int.h"

#include <ctype.h>
#include <string.h>

#include <bts/keccak.h>

int keys_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bt_status keys_parse_address(uint8_t out[20], const char *s, size_t len)
{
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2, len -= 2;
    if (len != 40)
        return BT_EINVAL;
    for (size_t i = 0; i < 20; i++) {
        int hi = keys_hexval((unsigned char)s[2 * i]),
            lo = keys_hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return BT_EINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return BT_OK;
}

/* EIP-55: a hex letter is upper case when the matching nibble of keccak256(lower-case hex) is
 * 8 or more. */
void keys_format_address(char out[43], const uint8_t addr[20])
{
    static const char digits[] = "0123456789abcdef";
    char lower[40];
    for (size_t i = 0; i < 20; i++) {
        lower[2 * i] = digits[addr[i] >> 4];
        lower[2 * i + 1] = digits[addr[i] & 15];
    }
    uint8_t h[32];
    bts_keccak256(h, lower, sizeof(lower));
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < 40; i++) {
        int nib = i % 2 ? h[i / 2] & 15 : h[i / 2] >> 4;
        out[2 + i] = nib >= 8 ? (char)toupper((unsigned char)lower[i]) : lower[i];
    }
    out[42] = 0;
}

int keys_list_has(const char *list, const uint8_t addr[20], size_t *out_bad)
{
    int has = 0;
    *out_bad = 0;
    const char *p = list;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        size_t n = 0;
        while (p[n] && p[n] != ',' && !isspace((unsigned char)p[n]))
            n++;
        uint8_t a[20];
        if (keys_parse_address(a, p, n) != BT_OK) {
            if (!*out_bad)
                *out_bad = (size_t)(p - list) + 1;
        } else if (memcmp(a, addr, 20) == 0) {
            has = 1;
        }
        p += n;
    }
    return has;
}
