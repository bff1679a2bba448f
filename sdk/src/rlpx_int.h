/* Private helpers shared by the rlpx_*.c files (never installed). */
#ifndef BTS_RLPX_INT_H
#define BTS_RLPX_INT_H

#include <bts/rlpx.h>

/** AES-CTR (AES-128 when key_len is 16, else AES-256) of `len` bytes from `in` to `out`.
 *  Returns: BT_OK, BT_ENOMEM, BT_EINTERNAL. */
bt_status rlpx_aes_ctr(uint8_t *out, const uint8_t *key, size_t key_len, const uint8_t iv[16],
                       const uint8_t *in, size_t len);

/** 0x04 || id: the SEC1 uncompressed form of a 64-byte node id. */
void rlpx_pub65(uint8_t out[65], const uint8_t id[64]);

#endif /* BTS_RLPX_INT_H */
