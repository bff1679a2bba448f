/* Base58 and Base58Check with the Bitcoin alphabet (bts/tron.h). Plain schoolbook base
 * conversion: the inputs are addresses and keys, tens of bytes, where it beats anything clever. */
#include <bts/tron.h>

#include <stdlib.h>
#include <string.h>

#include <bts/hash.h>

static const char b58_alphabet[59] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Character -> digit value + 1; 0 means "not in the alphabet". */
static const uint8_t b58_value_tab[256] = {
#define V(c, v) [c] = (v) + 1
    V('1', 0),  V('2', 1),  V('3', 2),  V('4', 3),  V('5', 4),  V('6', 5),  V('7', 6),  V('8', 7),
    V('9', 8),  V('A', 9),  V('B', 10), V('C', 11), V('D', 12), V('E', 13), V('F', 14), V('G', 15),
    V('H', 16), V('J', 17), V('K', 18), V('L', 19), V('M', 20), V('N', 21), V('P', 22), V('Q', 23),
    V('R', 24), V('S', 25), V('T', 26), V('U', 27), V('V', 28), V('W', 29), V('X', 30), V('Y', 31),
    V('Z', 32), V('a', 33), V('b', 34), V('c', 35), V('d', 36), V('e', 37), V('f', 38), V('g', 39),
    V('h', 40), V('i', 41), V('j', 42), V('k', 43), V('m', 44), V('n', 45), V('o', 46), V('p', 47),
    V('q', 48), V('r', 49), V('s', 50), V('t', 51), V('u', 52), V('v', 53), V('w', 54), V('x', 55),
    V('y', 56), V('z', 57),
#undef V
};

/* Scratch memory: on the stack for address-sized work, on the heap beyond. */
struct b58_scratch {
    uint8_t stack[128];
    uint8_t *p;
};

static uint8_t *scratch_get(struct b58_scratch *sc, size_t n)
{
    sc->p = n <= sizeof(sc->stack) ? sc->stack : malloc(n);
    if (sc->p)
        memset(sc->p, 0, n);
    return sc->p;
}

static void scratch_put(struct b58_scratch *sc)
{
    if (sc->p != sc->stack)
        free(sc->p);
}

bt_status bts_base58_encode(char *out, size_t out_cap, size_t *out_len, const void *data,
                            size_t data_len)
{
    const uint8_t *p = data;
    size_t zeros = 0;
    while (zeros < data_len && p[zeros] == 0)
        zeros++;
    size_t rest = data_len - zeros;
    if (rest > (SIZE_MAX - 2) / 138)
        return BT_ENOMEM;
    /* log(256)/log(58) = 1.3657 < 1.38: enough base-58 digits for `rest` bytes. */
    size_t size = rest * 138 / 100 + 1;
    struct b58_scratch sc;
    uint8_t *dig = scratch_get(&sc, size);
    if (!dig)
        return BT_ENOMEM;
    size_t high = size; /* digits [high, size) are in use, most significant first */
    for (size_t i = zeros; i < data_len; i++) {
        unsigned carry = p[i];
        size_t j = size;
        while (j > high || carry) {
            j--;
            carry += 256u * dig[j];
            dig[j] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        high = j;
    }
    size_t k = high;
    while (k < size && dig[k] == 0)
        k++;
    size_t len = zeros + (size - k);
    if (out_cap < len + 1) {
        scratch_put(&sc);
        *out_len = len + 1;
        return BT_ERANGE;
    }
    memset(out, '1', zeros);
    for (size_t i = k; i < size; i++)
        out[zeros + i - k] = b58_alphabet[dig[i]];
    out[len] = 0;
    *out_len = len;
    scratch_put(&sc);
    return BT_OK;
}

/* Decode into scratch: on success the value is *ones zero bytes followed by buf[*first..size). */
static bt_status b58_decode_raw(struct b58_scratch *sc, size_t *ones, size_t *first, size_t *size,
                                const char *s, size_t s_len)
{
    for (size_t i = 0; i < s_len; i++)
        if (!b58_value_tab[(unsigned char)s[i]])
            return BT_EINVAL;
    size_t z = 0;
    while (z < s_len && s[z] == '1')
        z++;
    size_t rest = s_len - z;
    if (rest > (SIZE_MAX - 2) / 733)
        return BT_ENOMEM;
    /* log(58)/log(256) = 0.7322 < 0.733. */
    size_t n = rest * 733 / 1000 + 1;
    uint8_t *buf = scratch_get(sc, n);
    if (!buf)
        return BT_ENOMEM;
    size_t high = n;
    for (size_t i = z; i < s_len; i++) {
        unsigned carry = b58_value_tab[(unsigned char)s[i]] - 1u;
        size_t j = n;
        while (j > high || carry) {
            j--;
            carry += 58u * buf[j];
            buf[j] = (uint8_t)carry;
            carry >>= 8;
        }
        high = j;
    }
    size_t k = high;
    while (k < n && buf[k] == 0)
        k++;
    *ones = z;
    *first = k;
    *size = n;
    return BT_OK;
}

bt_status bts_base58_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *s,
                            size_t s_len)
{
    struct b58_scratch sc;
    size_t ones, first, size;
    bt_status st = b58_decode_raw(&sc, &ones, &first, &size, s, s_len);
    if (st != BT_OK)
        return st;
    size_t len = ones + size - first;
    *out_len = len;
    if (len > out_cap) {
        st = BT_ERANGE;
    } else if (len) { /* out may be NULL when nothing is written */
        memset(out, 0, ones);
        memcpy(out + ones, sc.p + first, size - first);
    }
    scratch_put(&sc);
    return st;
}

bt_status bts_base58check_encode(char *out, size_t out_cap, size_t *out_len, const void *payload,
                                 size_t payload_len)
{
    if (payload_len > SIZE_MAX - 4)
        return BT_ENOMEM;
    struct b58_scratch sc;
    uint8_t *tmp = scratch_get(&sc, payload_len + 4);
    if (!tmp)
        return BT_ENOMEM;
    uint8_t h[32];
    bt_status st = bts_sha256d(h, payload, payload_len);
    if (st == BT_OK) {
        if (payload_len)
            memcpy(tmp, payload, payload_len);
        memcpy(tmp + payload_len, h, 4);
        st = bts_base58_encode(out, out_cap, out_len, tmp, payload_len + 4);
    }
    scratch_put(&sc);
    return st;
}

bt_status bts_base58check_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *s,
                                 size_t s_len)
{
    struct b58_scratch sc;
    size_t ones, first, size;
    bt_status st = b58_decode_raw(&sc, &ones, &first, &size, s, s_len);
    if (st != BT_OK)
        return st;
    size_t len = ones + size - first;
    if (len < 4) {
        scratch_put(&sc);
        return BT_EINVAL;
    }
    /* The leading zero bytes are not stored in the scratch: rebuild payload ‖ checksum. */
    struct b58_scratch whole;
    uint8_t *w = scratch_get(&whole, len);
    if (!w) {
        scratch_put(&sc);
        return BT_ENOMEM;
    }
    memcpy(w + ones, sc.p + first, size - first);
    scratch_put(&sc);
    uint8_t h[32];
    st = bts_sha256d(h, w, len - 4);
    if (st == BT_OK && memcmp(h, w + len - 4, 4) != 0)
        st = BT_EINVAL;
    if (st == BT_OK) {
        *out_len = len - 4;
        if (len - 4 > out_cap)
            st = BT_ERANGE;
        else if (len > 4)
            memcpy(out, w, len - 4);
    }
    scratch_put(&whole);
    return st;
}
