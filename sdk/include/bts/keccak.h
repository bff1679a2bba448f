/* Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not FIPS-202 SHA3-256
 * (0x06). Hand-written because OpenSSL 3.0 exposes no legacy Keccak (DESIGN.md §7). */
#ifndef BTS_KECCAK_H
#define BTS_KECCAK_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Incremental Keccak-256 state. Plain data: copy it to fork a hash. */
struct bts_keccak {
    uint64_t a[25];
    size_t pos; /* bytes absorbed into the current 136-byte block */
};

/** Reset to the empty-message state. */
BTS_API void bts_keccak_init(struct bts_keccak *k);
/** Absorb `len` bytes (data may be NULL when len == 0). */
BTS_API void bts_keccak_update(struct bts_keccak *k, const void *data, size_t len);
/** Pad, squeeze 32 bytes into out and leave the state unusable until bts_keccak_init. */
BTS_API void bts_keccak_final(struct bts_keccak *k, uint8_t out[32]);
/** One-shot Keccak-256 of `len` bytes. Thread: any. Source: Keccak reference, Ethereum
 *  yellow paper appendix (KEC). */
BTS_API void bts_keccak256(uint8_t out[32], const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* BTS_KECCAK_H */
