/* ECIES as RLPx uses it (devp2p rlpx.md "ECIES Encryption"): secp256k1 ECDH, the NIST SP
 * 800-56 concatenation KDF over SHA-256, AES-128-CTR and HMAC-SHA-256 with authenticated data
 * (EIP-8 puts the packet's size prefix there). Also the small OpenSSL helpers rlpx_*.c share. */
#include <bts/rlpx.h>

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <bts/hash.h>
#include <bts/secp.h>

#include "rlpx_int.h"

bt_status rlpx_aes_ctr(uint8_t *out, const uint8_t *key, size_t key_len, const uint8_t iv[16],
                       const uint8_t *in, size_t len)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c)
        return BT_ENOMEM;
    const EVP_CIPHER *cipher = key_len == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
    int n = 0, fin = 0, ok = EVP_EncryptInit_ex(c, cipher, NULL, key, iv) == 1;
    /* EVP lengths are int: feed at most 1 GiB at a time (ECIES messages are < 64 KiB). */
    size_t done = 0;
    while (ok && done < len) {
        size_t step = len - done > (1u << 30) ? (1u << 30) : len - done;
        ok = EVP_EncryptUpdate(c, out + done, &n, in + done, (int)step) == 1;
        done += step;
    }
    if (ok)
        ok = EVP_EncryptFinal_ex(c, out + len, &fin) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? BT_OK : BT_EINTERNAL;
}

/* HMAC-SHA-256 over up to three pieces. */
static bt_status ecies_hmac(uint8_t out[32], const uint8_t key[32], const uint8_t *a, size_t a_len,
                            const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    bt_status st = BT_ENOMEM;
    if (!ctx)
        goto done;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    size_t out_len = 0;
    st = BT_EINTERNAL;
    if (EVP_MAC_init(ctx, key, 32, params) != 1 || EVP_MAC_update(ctx, a, a_len) != 1 ||
        EVP_MAC_update(ctx, b, b_len) != 1 || (c_len && EVP_MAC_update(ctx, c, c_len) != 1) ||
        EVP_MAC_final(ctx, out, &out_len, 32) != 1 || out_len != 32)
        goto done;
    st = BT_OK;
done:
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return st;
}

/* Shared secret -> kE (16) || kM' = SHA-256(kM) (32). The KDF needs one SHA-256 block:
 * SHA-256(counter=1 as u32be || Z), no other-info (go-ethereum crypto/ecies concatKDF with
 * s1 empty). */
static bt_status ecies_keys(uint8_t ke[16], uint8_t km[32], const uint8_t z[32])
{
    uint8_t in[36] = {0, 0, 0, 1}, k[32];
    memcpy(in + 4, z, 32);
    bt_status st = bts_sha256(k, in, sizeof(in));
    if (st == BT_OK) {
        memcpy(ke, k, 16);
        st = bts_sha256(km, k + 16, 16);
    }
    explicit_bzero(in, sizeof(in));
    explicit_bzero(k, sizeof(k));
    return st;
}

void rlpx_pub65(uint8_t out[65], const uint8_t id[64])
{
    out[0] = 0x04;
    memcpy(out + 1, id, 64);
}

bt_status bts_rlpx_ecies_encrypt(uint8_t *out, size_t out_cap, size_t *out_len,
                                 const uint8_t remote_id[64], const uint8_t *msg, size_t msg_len,
                                 const uint8_t *authdata, size_t authdata_len,
                                 const uint8_t eph_seckey[32], const uint8_t iv[16])
{
    size_t need = msg_len + BTS_RLPX_ECIES_OVERHEAD;
    *out_len = need;
    if (need < msg_len || out_cap < need)
        return BT_ERANGE;
    uint8_t pub[65], z[32], ke[16], km[32];
    rlpx_pub65(pub, remote_id);
    bt_status st = bts_secp_ecdh_x(z, pub, sizeof(pub), eph_seckey);
    if (st == BT_OK)
        st = bts_secp_seckey_to_pubkey(out, eph_seckey);
    if (st == BT_OK)
        st = ecies_keys(ke, km, z);
    if (st == BT_OK) {
        memcpy(out + 65, iv, 16);
        st = rlpx_aes_ctr(out + 81, ke, 16, iv, msg, msg_len);
    }
    if (st == BT_OK)
        st = ecies_hmac(out + 81 + msg_len, km, out + 65, 16 + msg_len, authdata, authdata_len,
                        NULL, 0);
    explicit_bzero(z, sizeof(z));
    explicit_bzero(ke, sizeof(ke));
    explicit_bzero(km, sizeof(km));
    if (st != BT_OK)
        memset(out, 0, need);
    return st;
}

bt_status bts_rlpx_ecies_decrypt(uint8_t *out, size_t out_cap, size_t *out_len,
                                 const uint8_t seckey[32], const uint8_t *ct, size_t ct_len,
                                 const uint8_t *authdata, size_t authdata_len)
{
    *out_len = 0;
    if (ct_len < BTS_RLPX_ECIES_OVERHEAD || ct[0] != 0x04)
        return BT_EPROTO;
    size_t n = ct_len - BTS_RLPX_ECIES_OVERHEAD;
    *out_len = n;
    if (out_cap < n)
        return BT_ERANGE;
    uint8_t z[32], ke[16], km[32], tag[32];
    bt_status st = bts_secp_ecdh_x(z, ct, 65, seckey);
    if (st == BT_EINVAL) {
        /* A bad point R is the peer's fault; a bad seckey is ours (check it apart). */
        uint8_t pub[65];
        st = bts_secp_seckey_to_pubkey(pub, seckey) == BT_OK ? BT_EPROTO : BT_EINVAL;
    }
    if (st == BT_OK)
        st = ecies_keys(ke, km, z);
    if (st == BT_OK)
        st = ecies_hmac(tag, km, ct + 65, 16 + n, authdata, authdata_len, NULL, 0);
    if (st == BT_OK && CRYPTO_memcmp(tag, ct + 81 + n, 32) != 0)
        st = BT_EPROTO;
    if (st == BT_OK)
        st = rlpx_aes_ctr(out, ke, 16, ct + 65, ct + 81, n);
    explicit_bzero(z, sizeof(z));
    explicit_bzero(ke, sizeof(ke));
    explicit_bzero(km, sizeof(km));
    if (st != BT_OK) {
        *out_len = 0;
    }
    return st;
}
