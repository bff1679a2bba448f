/* The 2048-bit log bloom of headers and receipts: each added item sets three bits taken from
 * keccak256(item). Source: Yellow Paper §4.3.1 (M3:2048); go-ethereum core/types/bloom9.go.
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_BLOOM_H
#define BTS_BLOOM_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of a bloom in bytes. */
#define BTS_BLOOM_LEN 256

/** Add an item (a log's address or one topic): for i in 0, 2, 4, the 11 low bits of the
 *  big-endian pair keccak(item)[i], [i+1] index a bit, counted from the last byte's lowest bit.
 *  In: data, len: the item (data may be NULL when len == 0). Thread: any (one bloom per
 *  thread). */
BTS_API void bts_bloom_add(uint8_t bloom[BTS_BLOOM_LEN], const void *data, size_t len)
    BT_NONNULL(1);

/** 1 if every bit the item would set is set (the item may be present), else 0 (absent).
 *  Thread: any. */
BTS_API int bts_bloom_test(const uint8_t bloom[BTS_BLOOM_LEN], const void *data, size_t len)
    BT_NONNULL(1);

/** out |= in: a block's bloom is the union of its receipts' blooms. Thread: any. */
BTS_API void bts_bloom_or(uint8_t out[BTS_BLOOM_LEN], const uint8_t in[BTS_BLOOM_LEN])
    BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* BTS_BLOOM_H */
