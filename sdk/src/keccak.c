/* Keccak-f[1600] and the Keccak-256 sponge (rate 136 bytes, padding 0x01 .. 0x80). */
#include <bts/keccak.h>

#include <string.h>

#define KECCAK_RATE 136

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

static const unsigned keccak_rot[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                        25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

static inline uint64_t rol64(uint64_t x, unsigned n)
{
    return n ? (x << n) | (x >> (64 - n)) : x;
}

static void keccak_f1600(uint64_t a[25])
{
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d[5], b[25];
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++)
            d[x] = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++)
            a[i] ^= d[i % 5];
        /* rho and pi: B[y, 2x+3y] = rot(A[x, y]) */
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rol64(a[x + 5 * y], keccak_rot[x + 5 * y]);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        a[0] ^= keccak_rc[round];
    }
}

static inline void xor_byte(uint64_t a[25], size_t pos, uint8_t v)
{
    a[pos / 8] ^= (uint64_t)v << (8 * (pos % 8));
}

void bts_keccak_init(struct bts_keccak *k)
{
    memset(k, 0, sizeof(*k));
}

void bts_keccak_update(struct bts_keccak *k, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len--) {
        xor_byte(k->a, k->pos++, *p++);
        if (k->pos == KECCAK_RATE) {
            keccak_f1600(k->a);
            k->pos = 0;
        }
    }
}

void bts_keccak_final(struct bts_keccak *k, uint8_t out[32])
{
    xor_byte(k->a, k->pos, 0x01);
    xor_byte(k->a, KECCAK_RATE - 1, 0x80);
    keccak_f1600(k->a);
    for (size_t i = 0; i < 32; i++)
        out[i] = (uint8_t)(k->a[i / 8] >> (8 * (i % 8)));
}

void bts_keccak256(uint8_t out[32], const void *data, size_t len)
{
    struct bts_keccak k;
    bts_keccak_init(&k);
    bts_keccak_update(&k, data, len);
    bts_keccak_final(&k, out);
}
