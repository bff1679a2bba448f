/* secp256k1 wrappers (bts/secp.h). Verification and recovery run on libsecp256k1's static
 * context (no secret involved, no allocation); signing, key derivation and ECDH run on one
 * randomised context made once per process. Both are read-only after set-up, which is what
 * makes every function here callable from any thread (secp256k1.h: const context pointers). */
#define _DEFAULT_SOURCE /* explicit_bzero, getrandom under -std=c11 */
#include <bts/secp.h>

#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_recovery.h>

#include <bts/keccak.h>

/* The group order n and n/2, big-endian (SEC 2 section 2.4.1). */
static const uint8_t secp_n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                   0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
static const uint8_t secp_half_n[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

static pthread_once_t secp_once = PTHREAD_ONCE_INIT;
static secp256k1_context *secp_sign_ctx; /* written once under secp_once, then read-only */

static void secp_init(void)
{
    /* The static context is only safe after the self test (secp256k1.h). */
    secp256k1_selftest();
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!ctx)
        return;
    /* Blinding against side channels in signing and key derivation. It is hardening, not
     * correctness: without entropy the context still signs correctly, so a failed getrandom
     * leaves it unrandomised rather than unusable. */
    uint8_t seed[32];
    if (getrandom(seed, sizeof(seed), 0) == (ssize_t)sizeof(seed) &&
        !secp256k1_context_randomize(ctx, seed)) {
        explicit_bzero(seed, sizeof(seed));
        secp256k1_context_destroy(ctx);
        return;
    }
    explicit_bzero(seed, sizeof(seed));
    secp_sign_ctx = ctx;
}

/* The context for operations without secrets. */
static const secp256k1_context *secp_verify_ctx(void)
{
    pthread_once(&secp_once, secp_init);
    return secp256k1_context_static;
}

/* The context for operations with secrets; NULL when it could not be allocated. */
static const secp256k1_context *secp_secret_ctx(void)
{
    pthread_once(&secp_once, secp_init);
    return secp_sign_ctx;
}

/* 1 when the 32-byte big-endian scalar x satisfies 1 <= x <= max. */
static int scalar_in_range(const uint8_t x[32], const uint8_t max[32])
{
    static const uint8_t zero[32];
    return memcmp(x, zero, 32) != 0 && memcmp(x, max, 32) <= 0;
}

/* r, s in [1, n-1], i.e. 1 <= x < n. */
static int scalar_below_n(const uint8_t x[32])
{
    static const uint8_t zero[32];
    return memcmp(x, zero, 32) != 0 && memcmp(x, secp_n, 32) < 0;
}

static void address_of_point(uint8_t out_addr[20], const secp256k1_pubkey *pk)
{
    uint8_t pub[65], h[32];
    size_t len = sizeof(pub);
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, pub, &len, pk,
                                  SECP256K1_EC_UNCOMPRESSED);
    bts_keccak256(h, pub + 1, 64);
    memcpy(out_addr, h + 12, 20);
}

static bt_status parse_pubkey(secp256k1_pubkey *pk, const uint8_t *pubkey, size_t pubkey_len)
{
    if (pubkey_len != 33 && pubkey_len != 65)
        return BT_EINVAL;
    if (!secp256k1_ec_pubkey_parse(secp_verify_ctx(), pk, pubkey, pubkey_len))
        return BT_EINVAL;
    return BT_OK;
}

bt_status bts_secp_pubkey_to_address(uint8_t out_addr[20], const uint8_t *pubkey, size_t pubkey_len)
{
    secp256k1_pubkey pk;
    bt_status st = parse_pubkey(&pk, pubkey, pubkey_len);
    if (st != BT_OK) {
        memset(out_addr, 0, 20);
        return st;
    }
    address_of_point(out_addr, &pk);
    return BT_OK;
}

/* The point that signed digest with (r, s, recid), r and s already range-checked by the caller
 * for the rule it follows. */
static int recover_point(secp256k1_pubkey *pk, const uint8_t digest[32], const uint8_t r[32],
                         const uint8_t s[32], int recid)
{
    const secp256k1_context *ctx = secp_verify_ctx();
    uint8_t rs[64];
    memcpy(rs, r, 32);
    memcpy(rs + 32, s, 32);
    secp256k1_ecdsa_recoverable_signature sig;
    return secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, rs, recid) &&
           secp256k1_ecdsa_recover(ctx, pk, &sig, digest);
}

/* Common part of bts_secp_recover*: the Ethereum 65-byte form, go-ethereum crypto.Ecrecover
 * with ValidateSignatureValues. */
static bt_status recover65(secp256k1_pubkey *pk, const uint8_t digest[32], const uint8_t sig65[65],
                           uint32_t flags)
{
    uint8_t v = sig65[64];
    if (v >= 27)
        v -= 27;
    if (v > 1)
        return BT_EINVAL;
    const uint8_t *r = sig65, *s = sig65 + 32;
    if (!scalar_below_n(r) || !scalar_below_n(s))
        return BT_EINVAL;
    if ((flags & BTS_SECP_F_LOW_S) && memcmp(s, secp_half_n, 32) > 0)
        return BT_EINVAL;
    return recover_point(pk, digest, r, s, v) ? BT_OK : BT_EINVAL;
}

bt_status bts_secp_recover(uint8_t out_addr[20], const uint8_t digest[32], const uint8_t sig65[65],
                           uint32_t flags)
{
    secp256k1_pubkey pk;
    bt_status st = recover65(&pk, digest, sig65, flags);
    if (st != BT_OK) {
        memset(out_addr, 0, 20);
        return st;
    }
    address_of_point(out_addr, &pk);
    return BT_OK;
}

bt_status bts_secp_recover_pubkey(uint8_t out_pub65[65], const uint8_t digest[32],
                                  const uint8_t sig65[65], uint32_t flags)
{
    secp256k1_pubkey pk;
    bt_status st = recover65(&pk, digest, sig65, flags);
    if (st != BT_OK) {
        memset(out_pub65, 0, 65);
        return st;
    }
    size_t len = 65;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, out_pub65, &len, &pk,
                                  SECP256K1_EC_UNCOMPRESSED);
    return BT_OK;
}

bt_status bts_secp_ecrecover(uint8_t out_addr[20], const uint8_t hash[32], const uint8_t v[32],
                             const uint8_t r[32], const uint8_t s[32])
{
    static const uint8_t zero[31];
    secp256k1_pubkey pk;
    memset(out_addr, 0, 20);
    /* go-ethereum core/vm/contracts.go: v must be exactly 27 or 28 as a 256-bit word. */
    if (memcmp(v, zero, 31) != 0 || (v[31] != 27 && v[31] != 28))
        return BT_ENOTFOUND;
    if (!scalar_below_n(r) || !scalar_below_n(s))
        return BT_ENOTFOUND;
    if (!recover_point(&pk, hash, r, s, v[31] - 27))
        return BT_ENOTFOUND;
    address_of_point(out_addr, &pk);
    return BT_OK;
}

bt_status bts_secp_verify(const uint8_t *pubkey, size_t pubkey_len, const uint8_t digest[32],
                          const uint8_t sig64[64])
{
    secp256k1_pubkey pk;
    bt_status st = parse_pubkey(&pk, pubkey, pubkey_len);
    if (st != BT_OK)
        return st;
    if (!scalar_below_n(sig64) || !scalar_in_range(sig64 + 32, secp_half_n))
        return BT_EINVAL;
    const secp256k1_context *ctx = secp_verify_ctx();
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_compact(ctx, &sig, sig64))
        return BT_EINVAL;
    return secp256k1_ecdsa_verify(ctx, &sig, digest, &pk) ? BT_OK : BT_EINVAL;
}

bt_status bts_secp_sign(uint8_t out_sig65[65], const uint8_t seckey[32], const uint8_t digest[32])
{
    memset(out_sig65, 0, 65);
    const secp256k1_context *ctx = secp_secret_ctx();
    if (!ctx)
        return BT_ENOMEM;
    if (!secp256k1_ec_seckey_verify(ctx, seckey))
        return BT_EINVAL;
    /* NULL nonce function: RFC 6979 (secp256k1_nonce_function_rfc6979); the library returns
     * s in the lower half already. */
    secp256k1_ecdsa_recoverable_signature sig;
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, seckey, NULL, NULL))
        return BT_EINVAL;
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out_sig65, &recid, &sig);
    out_sig65[64] = (uint8_t)recid;
    return BT_OK;
}

static bt_status seckey_point(secp256k1_pubkey *pk, const uint8_t seckey[32])
{
    const secp256k1_context *ctx = secp_secret_ctx();
    if (!ctx)
        return BT_ENOMEM;
    return secp256k1_ec_pubkey_create(ctx, pk, seckey) ? BT_OK : BT_EINVAL;
}

bt_status bts_secp_seckey_to_pubkey(uint8_t out_pub65[65], const uint8_t seckey[32])
{
    secp256k1_pubkey pk;
    bt_status st = seckey_point(&pk, seckey);
    if (st != BT_OK) {
        memset(out_pub65, 0, 65);
        return st;
    }
    size_t len = 65;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, out_pub65, &len, &pk,
                                  SECP256K1_EC_UNCOMPRESSED);
    return BT_OK;
}

bt_status bts_secp_seckey_to_address(uint8_t out_addr[20], const uint8_t seckey[32])
{
    secp256k1_pubkey pk;
    bt_status st = seckey_point(&pk, seckey);
    if (st != BT_OK) {
        memset(out_addr, 0, 20);
        return st;
    }
    address_of_point(out_addr, &pk);
    return BT_OK;
}

/* secp256k1_ecdh hash callback returning the bare x coordinate: RLPx uses the unhashed shared
 * x (go-ethereum crypto/ecies GenerateShared), not libsecp256k1's default SHA-256 of the
 * compressed point. */
static int ecdh_copy_x(unsigned char *output, const unsigned char *x32, const unsigned char *y32,
                       void *data)
{
    (void)y32, (void)data;
    memcpy(output, x32, 32);
    return 1;
}

bt_status bts_secp_ecdh_x(uint8_t out_x[32], const uint8_t *pubkey, size_t pubkey_len,
                          const uint8_t seckey[32])
{
    memset(out_x, 0, 32);
    secp256k1_pubkey pk;
    bt_status st = parse_pubkey(&pk, pubkey, pubkey_len);
    if (st != BT_OK)
        return st;
    const secp256k1_context *ctx = secp_secret_ctx();
    if (!ctx)
        return BT_ENOMEM;
    if (!secp256k1_ecdh(ctx, out_x, &pk, seckey, ecdh_copy_x, NULL)) {
        explicit_bzero(out_x, 32);
        return BT_EINVAL;
    }
    return BT_OK;
}
