/* Keccak-f[1600] and the Keccak-256 sponge (rate 136 bytes, padding 0x01 .. 0x80).
 *
 * Speed comes from three things. The 25 lanes live in local variables for a whole run of blocks,
 * and a round is written out in full (KECCAK_ROUND), two rounds per loop turn, so the lanes
 * alternate between the a* and e* sets with no copying. Full 136-byte blocks are absorbed straight
 * from the input with 64-bit little-endian loads. And the lanes are kept in "lane-complemented"
 * form inside the permutation (Keccak team, "Keccak implementation overview" §2.2): six lanes
 * (1, 2, 8, 12, 17, 20) are stored inverted, which turns chi's 25 NOTs per round into 5, the rest
 * becoming AND or OR. Which operation each lane needs was found by exhaustive search over the
 * 2^3 bit cases of every chi output, given the known inversion of its inputs after theta, rho and
 * pi; sdk/tests/test_keccak_ref.c checks the result against a plain reference. */
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

#define ROL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

static inline uint64_t load64_le(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8); /* one unaligned load on x86-64 and arm64 */
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
#endif
}

/* One round from lanes A0..A24 into E0..E24 (index x + 5y). Theta, then per output row y the
 * five lanes rho and pi bring there (row y takes A[(3y + x') mod 5, x'] for x' = 0..4), then chi
 * in the complemented form (n<y> is the row's one NOT), and iota on lane 0. */
#define KECCAK_ROUND(A, E, rc)                                                                     \
    do {                                                                                           \
        uint64_t c0 = A##0 ^ A##5 ^ A##10 ^ A##15 ^ A##20;                                         \
        uint64_t c1 = A##1 ^ A##6 ^ A##11 ^ A##16 ^ A##21;                                         \
        uint64_t c2 = A##2 ^ A##7 ^ A##12 ^ A##17 ^ A##22;                                         \
        uint64_t c3 = A##3 ^ A##8 ^ A##13 ^ A##18 ^ A##23;                                         \
        uint64_t c4 = A##4 ^ A##9 ^ A##14 ^ A##19 ^ A##24;                                         \
        uint64_t d0 = c4 ^ ROL64(c1, 1);                                                           \
        uint64_t d1 = c0 ^ ROL64(c2, 1);                                                           \
        uint64_t d2 = c1 ^ ROL64(c3, 1);                                                           \
        uint64_t d3 = c2 ^ ROL64(c4, 1);                                                           \
        uint64_t d4 = c3 ^ ROL64(c0, 1);                                                           \
        /* row 0 */                                                                                \
        uint64_t b0_0 = A##0 ^ d0;                                                                 \
        uint64_t b0_1 = ROL64(A##6 ^ d1, 44);                                                      \
        uint64_t b0_2 = ROL64(A##12 ^ d2, 43);                                                     \
        uint64_t b0_3 = ROL64(A##18 ^ d3, 21);                                                     \
        uint64_t b0_4 = ROL64(A##24 ^ d4, 14);                                                     \
        uint64_t n0 = ~b0_2;                                                                       \
        E##0 = (b0_0 ^ (b0_1 | b0_2)) ^ (rc);                                                      \
        E##1 = b0_1 ^ (n0 | b0_3);                                                                 \
        E##2 = b0_2 ^ (b0_3 & b0_4);                                                               \
        E##3 = b0_3 ^ (b0_4 | b0_0);                                                               \
        E##4 = b0_4 ^ (b0_0 & b0_1);                                                               \
        /* row 1 */                                                                                \
        uint64_t b1_0 = ROL64(A##3 ^ d3, 28);                                                      \
        uint64_t b1_1 = ROL64(A##9 ^ d4, 20);                                                      \
        uint64_t b1_2 = ROL64(A##10 ^ d0, 3);                                                      \
        uint64_t b1_3 = ROL64(A##16 ^ d1, 45);                                                     \
        uint64_t b1_4 = ROL64(A##22 ^ d2, 61);                                                     \
        uint64_t n1 = ~b1_4;                                                                       \
        E##5 = b1_0 ^ (b1_1 | b1_2);                                                               \
        E##6 = b1_1 ^ (b1_2 & b1_3);                                                               \
        E##7 = b1_2 ^ (b1_3 | n1);                                                                 \
        E##8 = b1_3 ^ (b1_4 | b1_0);                                                               \
        E##9 = b1_4 ^ (b1_0 & b1_1);                                                               \
        /* row 2 */                                                                                \
        uint64_t b2_0 = ROL64(A##1 ^ d1, 1);                                                       \
        uint64_t b2_1 = ROL64(A##7 ^ d2, 6);                                                       \
        uint64_t b2_2 = ROL64(A##13 ^ d3, 25);                                                     \
        uint64_t b2_3 = ROL64(A##19 ^ d4, 8);                                                      \
        uint64_t b2_4 = ROL64(A##20 ^ d0, 18);                                                     \
        uint64_t n2 = ~b2_3;                                                                       \
        E##10 = b2_0 ^ (b2_1 | b2_2);                                                              \
        E##11 = b2_1 ^ (b2_2 & b2_3);                                                              \
        E##12 = b2_2 ^ (n2 & b2_4);                                                                \
        E##13 = n2 ^ (b2_4 | b2_0);                                                                \
        E##14 = b2_4 ^ (b2_0 & b2_1);                                                              \
        /* row 3 */                                                                                \
        uint64_t b3_0 = ROL64(A##4 ^ d4, 27);                                                      \
        uint64_t b3_1 = ROL64(A##5 ^ d0, 36);                                                      \
        uint64_t b3_2 = ROL64(A##11 ^ d1, 10);                                                     \
        uint64_t b3_3 = ROL64(A##17 ^ d2, 15);                                                     \
        uint64_t b3_4 = ROL64(A##23 ^ d3, 56);                                                     \
        uint64_t n3 = ~b3_3;                                                                       \
        E##15 = b3_0 ^ (b3_1 & b3_2);                                                              \
        E##16 = b3_1 ^ (b3_2 | b3_3);                                                              \
        E##17 = b3_2 ^ (n3 | b3_4);                                                                \
        E##18 = n3 ^ (b3_4 & b3_0);                                                                \
        E##19 = b3_4 ^ (b3_0 | b3_1);                                                              \
        /* row 4 */                                                                                \
        uint64_t b4_0 = ROL64(A##2 ^ d2, 62);                                                      \
        uint64_t b4_1 = ROL64(A##8 ^ d3, 55);                                                      \
        uint64_t b4_2 = ROL64(A##14 ^ d4, 39);                                                     \
        uint64_t b4_3 = ROL64(A##15 ^ d0, 41);                                                     \
        uint64_t b4_4 = ROL64(A##21 ^ d1, 2);                                                      \
        uint64_t n4 = ~b4_1;                                                                       \
        E##20 = b4_0 ^ (n4 & b4_2);                                                                \
        E##21 = n4 ^ (b4_2 | b4_3);                                                                \
        E##22 = b4_2 ^ (b4_3 & b4_4);                                                              \
        E##23 = b4_3 ^ (b4_4 | b4_0);                                                              \
        E##24 = b4_4 ^ (b4_0 & b4_1);                                                              \
    } while (0)

#define KECCAK_DECLARE(S)                                                                          \
    uint64_t S##0, S##1, S##2, S##3, S##4, S##5, S##6, S##7, S##8, S##9, S##10, S##11, S##12,      \
        S##13, S##14, S##15, S##16, S##17, S##18, S##19, S##20, S##21, S##22, S##23, S##24

#define KECCAK_LOAD(S, st)                                                                         \
    S##0 = st[0], S##1 = ~st[1], S##2 = ~st[2], S##3 = st[3], S##4 = st[4], S##5 = st[5],          \
    S##6 = st[6], S##7 = st[7], S##8 = ~st[8], S##9 = st[9], S##10 = st[10], S##11 = st[11],       \
    S##12 = ~st[12], S##13 = st[13], S##14 = st[14], S##15 = st[15], S##16 = st[16],               \
    S##17 = ~st[17], S##18 = st[18], S##19 = st[19], S##20 = ~st[20], S##21 = st[21],              \
    S##22 = st[22], S##23 = st[23], S##24 = st[24]

#define KECCAK_STORE(S, st)                                                                        \
    st[0] = S##0, st[1] = ~S##1, st[2] = ~S##2, st[3] = S##3, st[4] = S##4, st[5] = S##5,          \
    st[6] = S##6, st[7] = S##7, st[8] = ~S##8, st[9] = S##9, st[10] = S##10, st[11] = S##11,       \
    st[12] = ~S##12, st[13] = S##13, st[14] = S##14, st[15] = S##15, st[16] = S##16,               \
    st[17] = ~S##17, st[18] = S##18, st[19] = S##19, st[20] = ~S##20, st[21] = S##21,              \
    st[22] = S##22, st[23] = S##23, st[24] = S##24

/* Keccak-f[1600] on a state in memory (standard, non-complemented form). */
static void keccak_permute(uint64_t st[25])
{
    KECCAK_DECLARE(a);
    KECCAK_DECLARE(e);
    KECCAK_LOAD(a, st);
    for (int r = 0; r < 24; r += 2) {
        KECCAK_ROUND(a, e, keccak_rc[r]);
        KECCAK_ROUND(e, a, keccak_rc[r + 1]);
    }
    KECCAK_STORE(a, st);
}

/* XOR each of n_blocks (>= 1) 136-byte blocks at p into the state and permute after each. */
static void keccak_absorb(uint64_t st[25], const uint8_t *p, size_t n_blocks)
{
    KECCAK_DECLARE(a);
    KECCAK_DECLARE(e);
    KECCAK_LOAD(a, st);
    for (; n_blocks; n_blocks--, p += KECCAK_RATE) {
        /* The first 17 lanes are the rate; lanes 1, 2, 8 and 12 are stored inverted, and
         * XOR commutes with that. */
        a0 ^= load64_le(p), a1 ^= load64_le(p + 8), a2 ^= load64_le(p + 16);
        a3 ^= load64_le(p + 24), a4 ^= load64_le(p + 32), a5 ^= load64_le(p + 40);
        a6 ^= load64_le(p + 48), a7 ^= load64_le(p + 56), a8 ^= load64_le(p + 64);
        a9 ^= load64_le(p + 72), a10 ^= load64_le(p + 80), a11 ^= load64_le(p + 88);
        a12 ^= load64_le(p + 96), a13 ^= load64_le(p + 104), a14 ^= load64_le(p + 112);
        a15 ^= load64_le(p + 120), a16 ^= load64_le(p + 128);
        for (int r = 0; r < 24; r += 2) {
            KECCAK_ROUND(a, e, keccak_rc[r]);
            KECCAK_ROUND(e, a, keccak_rc[r + 1]);
        }
    }
    KECCAK_STORE(a, st);
}

/* The state as bytes in lane order, little-endian, for the partial-block paths. */
static inline void xor_bytes(uint64_t a[25], size_t pos, const uint8_t *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint8_t *s = (uint8_t *)a + pos;
    for (size_t i = 0; i < n; i++)
        s[i] ^= p[i];
#else
    for (size_t i = 0; i < n; i++, pos++)
        a[pos / 8] ^= (uint64_t)p[i] << (8 * (pos % 8));
#endif
}

static void squeeze32(uint8_t out[32], const uint64_t a[25])
{
    for (size_t i = 0; i < 32; i++)
        out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

void bts_keccak_init(struct bts_keccak *k)
{
    memset(k, 0, sizeof(*k));
}

void bts_keccak_update(struct bts_keccak *k, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (len == 0)
        return; /* data may be NULL, and NULL + 0 is undefined */
    if (k->pos) {
        size_t take = KECCAK_RATE - k->pos;
        if (take > len)
            take = len;
        xor_bytes(k->a, k->pos, p, take);
        k->pos += take;
        p += take;
        len -= take;
        if (k->pos < KECCAK_RATE)
            return;
        keccak_permute(k->a);
        k->pos = 0;
    }
    size_t n_blocks = len / KECCAK_RATE;
    if (n_blocks) {
        keccak_absorb(k->a, p, n_blocks);
        p += n_blocks * KECCAK_RATE;
        len -= n_blocks * KECCAK_RATE;
    }
    if (len) {
        xor_bytes(k->a, 0, p, len);
        k->pos = len;
    }
}

void bts_keccak_final(struct bts_keccak *k, uint8_t out[32])
{
    const uint8_t one = 0x01, last = 0x80;
    xor_bytes(k->a, k->pos, &one, 1);
    xor_bytes(k->a, KECCAK_RATE - 1, &last, 1);
    keccak_permute(k->a);
    squeeze32(out, k->a);
}

void bts_keccak256(uint8_t out[32], const void *data, size_t len)
{
    /* One-shot: full blocks straight from the input, then the padded tail as one more block,
     * with no byte-wise XOR into the state at all. */
    uint64_t st[25] = {0};
    uint8_t tail[KECCAK_RATE];
    const uint8_t *p = data;
    size_t n_blocks = len / KECCAK_RATE, rest = len % KECCAK_RATE;
    memset(tail, 0, sizeof(tail));
    if (rest)
        memcpy(tail, p + n_blocks * KECCAK_RATE, rest);
    tail[rest] = 0x01;
    tail[KECCAK_RATE - 1] |= 0x80;
    if (n_blocks)
        keccak_absorb(st, p, n_blocks);
    keccak_absorb(st, tail, 1);
    squeeze32(out, st);
}
