/* Addresses as operators and plugins write them: key ids ("0x" + 40 hex digits, any case, no
 * checksum check, as geth's --unlock) and comma-separated lists (unlock =, signer_keys =). */
#include "keys_int.h"

#include <ctype.h>
#include <string.h>

#include <bts/hex.h>

bt_status keys_parse_address(uint8_t out[20], const char *s, size_t len)
{
    return bts_hex_decode_exact(out, 20, s, len, 0);
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
