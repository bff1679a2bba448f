/* bts_u256 conversions: uint64_t, big-endian byte strings of any length, JSON-RPC QUANTITY hex
 * and decimal text. */
#include <bts/u256.h>

#include <string.h>

/* 10^19, the largest power of ten below 2^64: decimal text is handled 19 digits at a time. */
#define U256_DEC_CHUNK 10000000000000000000ULL

bt_status bts_u256_to_u64(uint64_t *out, const struct bts_u256 *a)
{
    *out = bts_u256_to_u64_sat(a);
    return bts_u256_fits_u64(a) ? BT_OK : BT_ERANGE;
}

void bts_u256_load_be_bytes(struct bts_u256 *out, const uint8_t *data, size_t len)
{
    uint8_t word[32] = {0};
    if (len > 32) {
        data += len - 32; /* modulo 2^256: the leading bytes are dropped */
        len = 32;
    }
    if (len)
        memcpy(word + 32 - len, data, len);
    bts_u256_load_be(out, word);
}

void bts_u256_load_be_padded(struct bts_u256 *out, const uint8_t *data, size_t len)
{
    uint8_t word[32] = {0};
    if (len > 32)
        len = 32;
    if (len)
        memcpy(word, data, len);
    bts_u256_load_be(out, word);
}

size_t bts_u256_to_hex(char out[BTS_U256_HEX_MAX], const struct bts_u256 *a)
{
    static const char digits[] = "0123456789abcdef";
    unsigned n = (bts_u256_bit_len(a) + 3) / 4;
    if (n == 0)
        n = 1; /* "0x0": QUANTITY zero has one digit */
    out[0] = '0';
    out[1] = 'x';
    for (unsigned i = 0; i < n; i++) {
        unsigned nib = n - 1 - i; /* nibble index from the least significant end */
        out[2 + i] = digits[(a->w[nib / 16] >> (4 * (nib % 16))) & 0xf];
    }
    out[2 + n] = '\0';
    return 2 + n;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bt_status bts_u256_from_hex(struct bts_u256 *out, const char *s, size_t len)
{
    *out = bts_u256_from_u64(0);
    /* QUANTITY rules (as go-ethereum's hexutil.DecodeBig applies them): prefix required, at
     * least one digit, no leading zero except for "0x0". */
    if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return BT_EINVAL;
    const char *d = s + 2;
    size_t n = len - 2;
    if (n > 1 && d[0] == '0')
        return BT_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (hex_value(d[i]) < 0)
            return BT_EINVAL;
    }
    if (n > 64)
        return BT_ERANGE; /* no leading zeros, so more than 64 digits is >= 2^256 */
    for (size_t i = 0; i < n; i++) {
        size_t nib = n - 1 - i;
        out->w[nib / 16] |= (uint64_t)hex_value(d[i]) << (4 * (nib % 16));
    }
    return BT_OK;
}

/* a = a / d in place for 0 < d < 2^64; returns a mod d. Formatting is not hot, so a plain
 * 128-by-64 division per limb is fine. */
static uint64_t divrem_u64(struct bts_u256 *a, uint64_t d)
{
    uint64_t rem = 0;
    for (int i = 3; i >= 0; i--) {
        unsigned __int128 cur = ((unsigned __int128)rem << 64) | a->w[i];
        a->w[i] = (uint64_t)(cur / d);
        rem = (uint64_t)(cur % d);
    }
    return rem;
}

size_t bts_u256_to_dec(char out[BTS_U256_DEC_MAX], const struct bts_u256 *a)
{
    /* Digits come out least significant first, 19 per chunk, into the tail of a scratch
     * buffer; then the significant part is moved to the front. */
    char tmp[5 * 19];
    size_t pos = sizeof(tmp);
    struct bts_u256 x = *a;
    do {
        uint64_t chunk = divrem_u64(&x, U256_DEC_CHUNK);
        int last = bts_u256_is_zero(&x);
        for (int k = 0; k < 19; k++) {
            tmp[--pos] = (char)('0' + chunk % 10);
            chunk /= 10;
            if (last && chunk == 0)
                break; /* no leading zeros in the top chunk */
        }
    } while (!bts_u256_is_zero(&x));
    size_t n = sizeof(tmp) - pos;
    memcpy(out, tmp + pos, n);
    out[n] = '\0';
    return n;
}

bt_status bts_u256_from_dec(struct bts_u256 *out, const char *s, size_t len)
{
    struct bts_u256 x = bts_u256_from_u64(0);
    *out = x;
    if (len == 0)
        return BT_EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return BT_EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        /* x = 10 x + digit; a carry out of the top limb means the value left 256 bits. */
        uint64_t carry = (uint64_t)(s[i] - '0');
        for (int k = 0; k < 4; k++) {
            unsigned __int128 t = (unsigned __int128)x.w[k] * 10 + carry;
            x.w[k] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        if (carry)
            return BT_ERANGE;
    }
    *out = x;
    return BT_OK;
}
