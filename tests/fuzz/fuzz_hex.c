/* Fuzz every hex parser of bts/hex.h with the input as a string, and check round trips: what
 * parses must format back to the same text (modulo case and the "0X" spelling), and arbitrary
 * bytes and integers must survive format-then-parse. abort() on any mismatch. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/hex.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

/* Case-insensitive equality of n bytes. */
static int same_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

static void fuzz_bytes(const char *s, size_t n)
{
    for (unsigned flags = 0; flags <= BTS_HEX_0X; flags++) {
        uint8_t *out = malloc(n / 2 + 1);
        size_t len = 0, len2 = 0;
        CHECK(out);
        bt_status st = bts_hex_decode(out, n / 2 + 1, &len, s, n, flags);
        CHECK(st == BT_OK || st == BT_EINVAL);
        struct bts_buf b = BTS_BUF_INIT;
        bt_status st2 = bts_hex_decode_buf(&b, s, n, flags);
        CHECK(st2 == st || st2 == BT_ENOMEM);
        if (st == BT_OK) {
            size_t pre = n - 2 * len;
            CHECK(pre == 0 || pre == 2);
            CHECK(b.len == len && (len == 0 || memcmp(b.data, out, len) == 0));
            char *txt = malloc(2 * len + 3);
            CHECK(txt);
            CHECK(bts_hex_encode(txt, 2 * len + 3, &len2, out, len, BTS_HEX_0X) == BT_OK);
            CHECK(len2 == 2 * len + 2 && same_ci(txt + 2, s + pre, 2 * len));
            /* too small by one: BT_ERANGE with the exact need */
            if (len) {
                CHECK(bts_hex_decode(out, len - 1, &len2, s, n, flags) == BT_ERANGE);
                CHECK(len2 == len);
            }
            uint8_t fixed[64];
            if (len <= sizeof(fixed)) {
                CHECK(bts_hex_decode_exact(fixed, len, s, n, flags) == BT_OK);
                CHECK(len == 0 || memcmp(fixed, out, len) == 0);
            }
            free(txt);
        }
        bts_buf_free(&b);
        free(out);
    }
}

static void fuzz_quantities(const char *s, size_t n)
{
    uint64_t v;
    char txt[BTS_HEX_U256_CAP];
    size_t len;
    bt_status st = bts_hex_parse_u64(&v, s, n);
    CHECK(st == BT_OK || st == BT_EINVAL || st == BT_ERANGE);
    if (st == BT_OK) {
        CHECK(bts_hex_format_u64(txt, sizeof(txt), &len, v) == BT_OK);
        CHECK(len == n && same_ci(txt, s, n)); /* canonical form is unique */
    }
    uint8_t u[32];
    st = bts_hex_parse_u256(u, s, n);
    CHECK(st == BT_OK || st == BT_EINVAL || st == BT_ERANGE);
    if (st == BT_OK) {
        CHECK(bts_hex_format_u256(txt, sizeof(txt), &len, u) == BT_OK);
        CHECK(len == n && same_ci(txt, s, n));
    }
}

static void fuzz_fixed(const char *s, size_t n)
{
    uint8_t a[20], h[32];
    char txt[BTS_HEX_EIP55_CAP + 24];
    size_t len;
    if (bts_hex_parse_address(a, s, n) == BT_OK) {
        CHECK(n == 42);
        CHECK(bts_hex_encode(txt, sizeof(txt), &len, a, 20, BTS_HEX_0X) == BT_OK);
        CHECK(same_ci(txt, s, n));
    }
    if (bts_hex_parse_hash(h, s, n) == BT_OK) {
        CHECK(n == 66);
        CHECK(bts_hex_encode(txt, sizeof(txt), &len, h, 32, BTS_HEX_0X) == BT_OK);
        CHECK(same_ci(txt, s, n));
    }
    if (bts_hex_parse_eip55(a, s, n) == BT_OK) {
        int lower = 0, upper = 0;
        for (size_t i = 2; i < n; i++) {
            lower |= islower((unsigned char)s[i]);
            upper |= isupper((unsigned char)s[i]);
        }
        bts_hex_format_eip55(txt, a);
        if (lower && upper)
            CHECK(memcmp(txt + 2, s + 2, 40) == 0);
        CHECK(bts_hex_parse_eip55(h, txt, 42) == BT_OK && memcmp(h, a, 20) == 0);
    }
}

/* Arbitrary bytes and integers through format-then-parse. */
static void fuzz_round_trips(const uint8_t *d, size_t n)
{
    char *txt = malloc(2 * n + 3);
    uint8_t *back = malloc(n + 1);
    size_t len, len2;
    CHECK(txt && back);
    CHECK(bts_hex_encode(txt, 2 * n + 3, &len, d, n, 0) == BT_OK && len == 2 * n);
    CHECK(bts_hex_decode(back, n, &len2, txt, len, 0) == BT_OK && len2 == n);
    CHECK(n == 0 || memcmp(back, d, n) == 0);
    CHECK(bts_hex_encode(txt, 2 * n + 3, &len, d, n, BTS_HEX_0X) == BT_OK);
    CHECK(bts_hex_decode(back, n, &len2, txt, len, BTS_HEX_0X) == BT_OK && len2 == n);
    CHECK(n == 0 || memcmp(back, d, n) == 0);
    free(txt);
    free(back);

    uint64_t v = 0, w;
    for (size_t i = 0; i < n && i < 8; i++)
        v = v << 8 | d[i];
    char q[BTS_HEX_U256_CAP];
    CHECK(bts_hex_format_u64(q, sizeof(q), &len, v) == BT_OK);
    CHECK(bts_hex_parse_u64(&w, q, len) == BT_OK && w == v);
    uint8_t u[32] = {0}, u2[32];
    memcpy(u + 32 - (n < 32 ? n : 32), d, n < 32 ? n : 32);
    CHECK(bts_hex_format_u256(q, sizeof(q), &len, u) == BT_OK);
    CHECK(bts_hex_parse_u256(u2, q, len) == BT_OK && memcmp(u, u2, 32) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    fuzz_bytes(s, size);
    fuzz_quantities(s, size);
    fuzz_fixed(s, size);
    fuzz_round_trips(data, size);
    return 0;
}
