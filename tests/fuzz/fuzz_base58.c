/* Fuzz Base58, Base58Check and the TRON address parsers (bts/tron.h). Base58 text and byte
 * strings are in one-to-one correspondence, so whatever decodes must encode back to the exact
 * input; arbitrary bytes must survive encode-then-decode. abort() on any mismatch. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bts/tron.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

/* Base58 is quadratic; longer inputs only slow the fuzzer down without new paths. */
#define MAX_INPUT 1024

static void fuzz_decode(const char *s, size_t n)
{
    uint8_t *out = malloc(n + 1);
    char *txt = malloc(2 * n + 8);
    size_t len, len2;
    CHECK(out && txt);
    bt_status st = bts_base58_decode(out, n + 1, &len, s, n);
    CHECK(st == BT_OK || st == BT_EINVAL);
    if (st == BT_OK) {
        CHECK(len <= n);
        CHECK(bts_base58_encode(txt, 2 * n + 8, &len2, out, len) == BT_OK);
        CHECK(len2 == n && memcmp(txt, s, n) == 0);
        if (len) {
            CHECK(bts_base58_decode(out, len - 1, &len2, s, n) == BT_ERANGE && len2 == len);
        }
    }
    st = bts_base58check_decode(out, n + 1, &len, s, n);
    CHECK(st == BT_OK || st == BT_EINVAL);
    if (st == BT_OK) {
        CHECK(bts_base58check_encode(txt, 2 * n + 8, &len2, out, len) == BT_OK);
        CHECK(len2 == n && memcmp(txt, s, n) == 0);
    }
    free(out);
    free(txt);
}

static void fuzz_address(const char *s, size_t n)
{
    uint8_t a[BTS_TRON_ADDR_LEN], b[BTS_TRON_ADDR_LEN], evm[20];
    char txt[BTS_TRON_BASE58_CAP], hex[BTS_TRON_HEX_CAP];
    if (bts_tron_address_from_base58(a, s, n) == BT_OK) {
        CHECK(n == 34 && a[0] == BTS_TRON_PREFIX);
        CHECK(bts_tron_address_to_base58(txt, a) == BT_OK && memcmp(txt, s, n) == 0);
        CHECK(bts_tron_address_to_evm(evm, a) == BT_OK);
        bts_tron_address_from_evm(b, evm);
        CHECK(memcmp(a, b, sizeof(a)) == 0);
        bts_tron_address_to_hex(hex, a);
        CHECK(bts_tron_address_parse(b, hex, 42) == BT_OK && memcmp(a, b, sizeof(a)) == 0);
    }
    if (bts_tron_address_from_hex(a, s, n) == BT_OK) {
        CHECK(n == 42 && a[0] == BTS_TRON_PREFIX);
        bts_tron_address_to_hex(hex, a);
        for (size_t i = 0; i < n; i++)
            CHECK(hex[i] == tolower((unsigned char)s[i]));
        CHECK(bts_tron_address_to_base58(txt, a) == BT_OK);
        CHECK(bts_tron_address_parse(b, txt, 34) == BT_OK && memcmp(a, b, sizeof(a)) == 0);
    }
    bt_status st = bts_tron_address_parse(a, s, n);
    CHECK(st == BT_OK || st == BT_EINVAL);
}

static void fuzz_encode(const uint8_t *d, size_t n)
{
    char *txt = malloc(2 * n + 8);
    uint8_t *back = malloc(n + 4);
    size_t len, len2;
    CHECK(txt && back);
    CHECK(bts_base58_encode(txt, 2 * n + 8, &len, d, n) == BT_OK);
    CHECK(bts_base58_decode(back, n, &len2, txt, len) == BT_OK && len2 == n);
    CHECK(n == 0 || memcmp(back, d, n) == 0);
    CHECK(bts_base58check_encode(txt, 2 * n + 8, &len, d, n) == BT_OK);
    CHECK(bts_base58check_decode(back, n, &len2, txt, len) == BT_OK && len2 == n);
    CHECK(n == 0 || memcmp(back, d, n) == 0);
    /* any 21 bytes with the TRON prefix make a valid address */
    if (n >= 20) {
        uint8_t a[BTS_TRON_ADDR_LEN], b[BTS_TRON_ADDR_LEN];
        char t[BTS_TRON_BASE58_CAP];
        bts_tron_address_from_evm(a, d);
        CHECK(bts_tron_address_to_base58(t, a) == BT_OK && strlen(t) == 34 && t[0] == 'T');
        CHECK(bts_tron_address_from_base58(b, t, 34) == BT_OK && memcmp(a, b, sizeof(a)) == 0);
    }
    free(txt);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    fuzz_decode((const char *)data, size);
    fuzz_address((const char *)data, size);
    fuzz_encode(data, size);
    return 0;
}
