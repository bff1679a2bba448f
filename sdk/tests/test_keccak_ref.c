/* The fast Keccak-256 (sdk/src/keccak.c: unrolled, lane-complemented, block-wise absorb) against
 * the project's original plain implementation, kept here as a slow reference: block boundaries,
 * every length up to 1000 bytes with random data, and random incremental splits. */
#include <bts/keccak.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

/* --- slow reference: byte-at-a-time sponge over a loop-form Keccak-f[1600] ----------------- */

#define REF_RATE 136

static const uint64_t ref_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

static const unsigned ref_rot[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                     25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

static uint64_t ref_rol(uint64_t x, unsigned n)
{
    return n ? (x << n) | (x >> (64 - n)) : x;
}

static void ref_f1600(uint64_t a[25])
{
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d[5], b[25];
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++)
            d[x] = c[(x + 4) % 5] ^ ref_rol(c[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++)
            a[i] ^= d[i % 5];
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = ref_rol(a[x + 5 * y], ref_rot[x + 5 * y]);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        a[0] ^= ref_rc[round];
    }
}

static void ref_xor_byte(uint64_t a[25], size_t pos, uint8_t v)
{
    a[pos / 8] ^= (uint64_t)v << (8 * (pos % 8));
}

static void ref_keccak256(uint8_t out[32], const uint8_t *p, size_t len)
{
    uint64_t a[25] = {0};
    size_t pos = 0;
    while (len--) {
        ref_xor_byte(a, pos++, *p++);
        if (pos == REF_RATE) {
            ref_f1600(a);
            pos = 0;
        }
    }
    ref_xor_byte(a, pos, 0x01);
    ref_xor_byte(a, REF_RATE - 1, 0x80);
    ref_f1600(a);
    for (size_t i = 0; i < 32; i++)
        out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

/* --- helpers ---------------------------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so a failure reproduces */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
}

/* Compare one-shot, incremental (random chunks) and the reference on p[0..len). */
static int agrees(const uint8_t *p, size_t len)
{
    uint8_t want[32], one[32], inc[32];
    ref_keccak256(want, p, len);
    bts_keccak256(one, p, len);
    struct bts_keccak k;
    bts_keccak_init(&k);
    for (size_t off = 0; off < len;) {
        size_t n = (size_t)(rng() % 300);
        if (n > len - off)
            n = len - off;
        bts_keccak_update(&k, p + off, n);
        off += n;
    }
    bts_keccak_final(&k, inc);
    return memcmp(want, one, 32) == 0 && memcmp(want, inc, 32) == 0;
}

/* --- tests --------------------------------------------------------------------------------------
 */

static void test_keccak_ref_known_answers(void)
{
    uint8_t h[32];
    ref_keccak256(h, NULL, 0);
    BTS_ASSERT_HEX(h, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    bts_keccak256(h, NULL, 0);
    BTS_ASSERT_HEX(h, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    ref_keccak256(h, (const uint8_t *)"abc", 3);
    BTS_ASSERT_HEX(h, 32, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    bts_keccak256(h, "abc", 3);
    BTS_ASSERT_HEX(h, 32, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

static void test_keccak_ref_block_boundaries(void)
{
    uint8_t buf[3 * REF_RATE + 4];
    fill(buf, sizeof(buf));
    static const size_t lens[] = {0,   1,   7,   8,   9,   31,  32,  33,  134, 135,
                                  136, 137, 271, 272, 273, 407, 408, 409, 410};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(lens); i++) {
        CU_ASSERT(agrees(buf, lens[i]));
        /* unaligned start: the 64-bit loads must not care */
        CU_ASSERT(agrees(buf + 1, lens[i]));
    }
}

static void test_keccak_ref_padding_bytes_in_message(void)
{
    /* Messages made of the padding bytes themselves, at the boundary lengths. */
    uint8_t buf[REF_RATE + 1];
    for (int v = 0; v < 3; v++) {
        memset(buf, v == 0 ? 0x00 : v == 1 ? 0x01 : 0x80, sizeof(buf));
        CU_ASSERT(agrees(buf, 135));
        CU_ASSERT(agrees(buf, 136));
        CU_ASSERT(agrees(buf, 137));
    }
}

static void test_keccak_ref_all_lengths_to_1000(void)
{
    uint8_t *buf = malloc(1001);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    unsigned bad = 0;
    for (size_t len = 0; len <= 1000; len++) {
        fill(buf, len + 1);
        bad += !agrees(buf + (len & 1), len);
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(buf);
}

static void test_keccak_ref_state_copy_forks(void)
{
    uint8_t msg[300], a[32], b[32], want[32];
    fill(msg, sizeof(msg));
    struct bts_keccak k, fork;
    bts_keccak_init(&k);
    bts_keccak_update(&k, msg, 100);
    fork = k;
    bts_keccak_update(&k, msg + 100, 200);
    bts_keccak_final(&k, a);
    bts_keccak_update(&fork, msg + 100, 50);
    bts_keccak_final(&fork, b);
    ref_keccak256(want, msg, 300);
    CU_ASSERT(memcmp(a, want, 32) == 0);
    ref_keccak256(want, msg, 150);
    CU_ASSERT(memcmp(b, want, 32) == 0);
    /* update with nothing is a no-op, also with a NULL pointer */
    bts_keccak_init(&k);
    bts_keccak_update(&k, NULL, 0);
    bts_keccak_final(&k, a);
    BTS_ASSERT_HEX(a, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

BTS_TEST_SUITE("keccak_ref", NULL, NULL, BTS_TEST(test_keccak_ref_known_answers),
               BTS_TEST(test_keccak_ref_block_boundaries),
               BTS_TEST(test_keccak_ref_padding_bytes_in_message),
               BTS_TEST(test_keccak_ref_all_lengths_to_1000),
               BTS_TEST(test_keccak_ref_state_copy_forks));
