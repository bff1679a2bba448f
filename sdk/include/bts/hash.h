/* SHA-256, double SHA-256 and RIPEMD-160 one-shot digests over OpenSSL 3's EVP interface.
 * Keccak-256, which OpenSSL 3.0 lacks, is in bts/keccak.h. */
#ifndef BTS_HASH_H
#define BTS_HASH_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** SHA-256 (FIPS 180-4) of `len` bytes. TRON's txID is sha256(raw_data) (ROOTCHAINS.md §1.3).
 *  Returns: BT_OK; BT_EINTERNAL if OpenSSL fails (out zeroed).
 *  Out:     out: 32 bytes. In: data, len (data may be NULL when len is 0).
 *  Thread:  any. */
BTS_API bt_status bts_sha256(uint8_t out[32], const void *data, size_t len) BT_MUST_CHECK;

/** sha256(sha256(data)), the Base58Check checksum hash (ROOTCHAINS.md §1.1).
 *  Returns, Out, In, Thread: as bts_sha256. */
BTS_API bt_status bts_sha256d(uint8_t out[32], const void *data, size_t len) BT_MUST_CHECK;

/** RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996) of `len` bytes, the hash behind Ethereum's
 *  precompile 0x03. OpenSSL 3.0.0-3.0.6 keep it in the legacy provider only; this function
 *  fetches it from the default provider and, if absent there, from a private library context
 *  with the legacy provider loaded (the process-wide providers are left untouched).
 *  Returns: BT_OK; BT_ENOTSUP (no provider offers RIPEMD-160), BT_EINTERNAL (OpenSSL
 *           failed); out zeroed on error. Out: out: 20 bytes. In: data, len. Thread: any. */
BTS_API bt_status bts_ripemd160(uint8_t out[20], const void *data, size_t len) BT_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif /* BTS_HASH_H */
