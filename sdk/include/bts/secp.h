/* secp256k1 as Ethereum uses it, over libsecp256k1: addresses from keys, signature recovery
 * (transactions, block seals, the ECRECOVER precompile), verification, RFC 6979 signing for the
 * host's signer and the raw ECDH secret RLPx needs. One process-wide context, created once. */
#ifndef BTS_SECP_H
#define BTS_SECP_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flag for bts_secp_recover: reject s > n/2 (EIP-2, Homestead transaction rule; go-ethereum
 *  crypto.ValidateSignatureValues with homestead=true). Block seals and ECRECOVER accept high s. */
#define BTS_SECP_F_LOW_S (1u << 0)

/** Ethereum address of a public key: the last 20 bytes of keccak256 over the 64-byte
 *  uncompressed point (x || y, without the 0x04 prefix). Yellow Paper eq. 284 (A(pr)).
 *  Returns: BT_OK, BT_EINVAL (length not 33/65, or not a point on the curve).
 *  Out:     out_addr: 20 bytes.
 *  In:      pubkey, pubkey_len: SEC1 encoding, 33 bytes (compressed, 02/03) or 65 (04).
 *  Thread:  any. */
BTS_API bt_status bts_secp_pubkey_to_address(uint8_t out_addr[20], const uint8_t *pubkey,
                                             size_t pubkey_len) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Recover the signer's address from a 65-byte signature r || s || v over a 32-byte digest.
 *  r and s must lie in [1, n-1]; with BTS_SECP_F_LOW_S also s <= n/2 (EIP-2).
 *  Returns: BT_OK, BT_EINVAL (v not in {0, 1, 27, 28}, r or s out of range, high s with
 *           BTS_SECP_F_LOW_S, or no point recovers; out_addr is then zeroed).
 *  Out:     out_addr: 20 bytes.
 *  In:      digest: the 32-byte message hash (e.g. a transaction's signing hash).
 *           sig65:  r (32, big-endian) || s (32) || v (1): v in {0, 1} (go-ethereum) or 27/28.
 *           flags:  0 or BTS_SECP_F_LOW_S.
 *  Thread:  any. */
BTS_API bt_status bts_secp_recover(uint8_t out_addr[20], const uint8_t digest[32],
                                   const uint8_t sig65[65], uint32_t flags) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3);

/** As bts_secp_recover, but give the 65-byte uncompressed public key (0x04 || x || y), as
 *  devp2p node identities need (discv4 packets, RLPx auth).
 *  Returns: BT_OK, BT_EINVAL (as bts_secp_recover; out_pub65 zeroed).
 *  Out:     out_pub65: 65 bytes.
 *  In:      digest, sig65, flags: as bts_secp_recover.
 *  Thread:  any. */
BTS_API bt_status bts_secp_recover_pubkey(uint8_t out_pub65[65], const uint8_t digest[32],
                                          const uint8_t sig65[65], uint32_t flags) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3);

/** The ECRECOVER precompile (address 0x01, Yellow Paper appendix E; go-ethereum
 *  core/vm/contracts.go ecrecover): the inputs are the four 32-byte words of its input.
 *  v must be the word 27 or 28 (31 leading zero bytes); r and s in [1, n-1]; high s is
 *  accepted. Any failure is "not found", so the precompile returns empty output and still
 *  charges its gas.
 *  Returns: BT_OK, BT_ENOTFOUND (invalid input or no point recovers; out_addr zeroed).
 *  Out:     out_addr: 20 bytes (the precompile left-pads it to a 32-byte word).
 *  In:      hash, v, r, s: 32 bytes each, big-endian.
 *  Thread:  any. */
BTS_API bt_status bts_secp_ecrecover(uint8_t out_addr[20], const uint8_t hash[32],
                                     const uint8_t v[32], const uint8_t r[32],
                                     const uint8_t s[32]) BT_MUST_CHECK BT_NONNULL(1, 2, 3, 4, 5);

/** Verify a 64-byte signature r || s over a digest against a public key. As go-ethereum
 *  crypto.VerifySignature, a high s (s > n/2) is rejected, so malleated copies do not verify.
 *  Returns: BT_OK (valid), BT_EINVAL (bad key encoding, r or s out of range, high s, or the
 *           signature does not verify).
 *  In:      pubkey, pubkey_len: 33 or 65 bytes (SEC1). digest: 32 bytes. sig64: r || s.
 *  Thread:  any. */
BTS_API bt_status bts_secp_verify(const uint8_t *pubkey, size_t pubkey_len,
                                  const uint8_t digest[32], const uint8_t sig64[64]) BT_MUST_CHECK
    BT_NONNULL(1, 3, 4);

/** Sign a digest: deterministic nonce (RFC 6979, HMAC-SHA256), s normalised to the lower half
 *  (EIP-2), v = recovery id in {0, 1} (PROTOCOL.md conventions). For the host's signer only:
 *  plugins never see private keys and sign through host->sign. The SDK keeps no copy of the
 *  key; the caller wipes its own copies with explicit_bzero.
 *  Returns: BT_OK, BT_EINVAL (seckey is zero or >= n; out_sig65 zeroed), BT_ENOMEM (the
 *           process-wide signing context could not be allocated).
 *  Out:     out_sig65: r || s || v.
 *  In:      seckey: 32 bytes, big-endian. digest: 32 bytes.
 *  Thread:  any. */
BTS_API bt_status bts_secp_sign(uint8_t out_sig65[65], const uint8_t seckey[32],
                                const uint8_t digest[32]) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** The 65-byte uncompressed public key (0x04 || x || y) of a private key.
 *  Returns: BT_OK, BT_EINVAL (seckey zero or >= n; out zeroed), BT_ENOMEM.
 *  Thread:  any. Host signer/keystore only, as bts_secp_sign. */
BTS_API bt_status bts_secp_seckey_to_pubkey(uint8_t out_pub65[65],
                                            const uint8_t seckey[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** The Ethereum address of a private key (bts_secp_seckey_to_pubkey, then
 *  bts_secp_pubkey_to_address).
 *  Returns: BT_OK, BT_EINVAL (seckey zero or >= n; out zeroed), BT_ENOMEM.
 *  Thread:  any. Host signer/keystore only, as bts_secp_sign. */
BTS_API bt_status bts_secp_seckey_to_address(uint8_t out_addr[20],
                                             const uint8_t seckey[32]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Raw ECDH: the x coordinate of seckey * pubkey, unhashed, as RLPx (devp2p rlpx.md, "ecdh")
 *  and ECIES need. The result is a secret: wipe it with explicit_bzero after use.
 *  Returns: BT_OK, BT_EINVAL (bad public key, seckey zero or >= n; out zeroed), BT_ENOMEM.
 *  Out:     out_x: 32 bytes, big-endian.
 *  In:      pubkey, pubkey_len: 33 or 65 bytes (SEC1). seckey: 32 bytes.
 *  Thread:  any. */
BTS_API bt_status bts_secp_ecdh_x(uint8_t out_x[32], const uint8_t *pubkey, size_t pubkey_len,
                                  const uint8_t seckey[32]) BT_MUST_CHECK BT_NONNULL(1, 2, 4);

#ifdef __cplusplus
}
#endif

#endif /* BTS_SECP_H */
