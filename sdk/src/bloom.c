/* Log bloom (bts/bloom.h): three bits per item from its Keccak-256 (Yellow Paper §4.3.1). */
#include <bts/bloom.h>

#include <bts/keccak.h>

/* The three (byte index, mask) pairs an item sets. */
static void positions(const void *data, size_t len, size_t idx[3], uint8_t mask[3])
{
    uint8_t h[32];
    bts_keccak256(h, data, len);
    for (int i = 0; i < 3; i++) {
        unsigned bit = ((unsigned)h[2 * i] << 8 | h[2 * i + 1]) & 2047u;
        idx[i] = BTS_BLOOM_LEN - 1 - bit / 8;
        mask[i] = (uint8_t)(1u << (bit % 8));
    }
}

void bts_bloom_add(uint8_t bloom[BTS_BLOOM_LEN], const void *data, size_t len)
{
    size_t idx[3];
    uint8_t mask[3];
    positions(data, len, idx, mask);
    for (int i = 0; i < 3; i++)
        bloom[idx[i]] |= mask[i];
}

int bts_bloom_test(const uint8_t bloom[BTS_BLOOM_LEN], const void *data, size_t len)
{
    size_t idx[3];
    uint8_t mask[3];
    positions(data, len, idx, mask);
    for (int i = 0; i < 3; i++) {
        if (!(bloom[idx[i]] & mask[i]))
            return 0;
    }
    return 1;
}

void bts_bloom_or(uint8_t out[BTS_BLOOM_LEN], const uint8_t in[BTS_BLOOM_LEN])
{
    for (size_t i = 0; i < BTS_BLOOM_LEN; i++)
        out[i] |= in[i];
}
