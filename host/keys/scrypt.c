/* scrypt for keystore files: OpenSSL's EVP_KDF "SCRYPT" for every parameter set it takes, and
 * RFC 7914's ROMix here for the one it refuses: N >= 2^(128 r / 8). RFC 7914 §2 states that
 * bound, OpenSSL enforces it, go-ethereum (golang.org/x/crypto/scrypt) does not, and the Web3
 * Secret Storage definition's own scrypt example (n = 2^18, r = 1) breaks it. */
#include "keys_int.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

/* Work and memory bounds for files we are handed: geth's standard set needs 256 MiB. */
#define SCRYPT_MAX_MEM (1ull << 30)
#define SCRYPT_MAX_P   64u

static bt_status check_params(uint64_t n, uint32_t r, uint32_t p)
{
    if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0 || p > SCRYPT_MAX_P)
        return BT_EINVAL;
    if (n > SCRYPT_MAX_MEM / 128 / r)
        return BT_EINVAL;
    return BT_OK;
}

static bt_status pbkdf2_1(uint8_t *out, size_t out_len, const uint8_t *pw, size_t pw_len,
                          const uint8_t *salt, size_t salt_len)
{
    static const uint8_t empty[1];
    if (out_len > 0x7fffffff || pw_len > 0x7fffffff || salt_len > 0x7fffffff)
        return BT_EINVAL;
    int ok =
        PKCS5_PBKDF2_HMAC((const char *)(pw_len ? pw : empty), (int)pw_len, salt_len ? salt : empty,
                          (int)salt_len, 1, EVP_sha256(), (int)out_len, out);
    return ok == 1 ? BT_OK : BT_ENOMEM;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

/* Salsa20/8 core on 16 words, in place (RFC 7914 §3). */
static void salsa8(uint32_t b[16])
{
    uint32_t x[16];
    memcpy(x, b, sizeof(x));
    for (int i = 0; i < 8; i += 2) {
        x[4] ^= ROTL(x[0] + x[12], 7), x[8] ^= ROTL(x[4] + x[0], 9);
        x[12] ^= ROTL(x[8] + x[4], 13), x[0] ^= ROTL(x[12] + x[8], 18);
        x[9] ^= ROTL(x[5] + x[1], 7), x[13] ^= ROTL(x[9] + x[5], 9);
        x[1] ^= ROTL(x[13] + x[9], 13), x[5] ^= ROTL(x[1] + x[13], 18);
        x[14] ^= ROTL(x[10] + x[6], 7), x[2] ^= ROTL(x[14] + x[10], 9);
        x[6] ^= ROTL(x[2] + x[14], 13), x[10] ^= ROTL(x[6] + x[2], 18);
        x[3] ^= ROTL(x[15] + x[11], 7), x[7] ^= ROTL(x[3] + x[15], 9);
        x[11] ^= ROTL(x[7] + x[3], 13), x[15] ^= ROTL(x[11] + x[7], 18);
        x[1] ^= ROTL(x[0] + x[3], 7), x[2] ^= ROTL(x[1] + x[0], 9);
        x[3] ^= ROTL(x[2] + x[1], 13), x[0] ^= ROTL(x[3] + x[2], 18);
        x[6] ^= ROTL(x[5] + x[4], 7), x[7] ^= ROTL(x[6] + x[5], 9);
        x[4] ^= ROTL(x[7] + x[6], 13), x[5] ^= ROTL(x[4] + x[7], 18);
        x[11] ^= ROTL(x[10] + x[9], 7), x[8] ^= ROTL(x[11] + x[10], 9);
        x[9] ^= ROTL(x[8] + x[11], 13), x[10] ^= ROTL(x[9] + x[8], 18);
        x[12] ^= ROTL(x[15] + x[14], 7), x[13] ^= ROTL(x[12] + x[15], 9);
        x[14] ^= ROTL(x[13] + x[12], 13), x[15] ^= ROTL(x[14] + x[13], 18);
    }
    for (int i = 0; i < 16; i++)
        b[i] += x[i];
}

/* BlockMix (RFC 7914 §4): in and out are 2r blocks of 16 words; even outputs first. */
static void blockmix(uint32_t *out, const uint32_t *in, uint32_t r)
{
    uint32_t x[16];
    memcpy(x, &in[(2 * r - 1) * 16], sizeof(x));
    for (uint32_t i = 0; i < 2 * r; i++) {
        for (int k = 0; k < 16; k++)
            x[k] ^= in[i * 16 + k];
        salsa8(x);
        memcpy(&out[((i & 1) * r + i / 2) * 16], x, sizeof(x));
    }
}

/* ROMix (RFC 7914 §5) on one 128 r-byte block, with v holding n blocks. */
static void romix(uint8_t *block, uint32_t r, uint64_t n, uint32_t *v, uint32_t *x, uint32_t *y)
{
    size_t words = 32 * (size_t)r;
    for (size_t k = 0; k < words; k++)
        x[k] = le32(&block[4 * k]);
    for (uint64_t i = 0; i < n; i++) {
        memcpy(&v[i * words], x, words * 4);
        blockmix(y, x, r);
        memcpy(x, y, words * 4);
    }
    for (uint64_t i = 0; i < n; i++) {
        /* Integerify: the first 64 bits of the last 64-byte block, little-endian. */
        uint64_t j = ((uint64_t)x[(2 * r - 1) * 16 + 1] << 32 | x[(2 * r - 1) * 16]) & (n - 1);
        for (size_t k = 0; k < words; k++)
            x[k] ^= v[j * words + k];
        blockmix(y, x, r);
        memcpy(x, y, words * 4);
    }
    for (size_t k = 0; k < words; k++)
        put_le32(&block[4 * k], x[k]);
}

bt_status ks_scrypt_portable(uint8_t *out, size_t out_len, const uint8_t *pw, size_t pw_len,
                             const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r,
                             uint32_t p)
{
    if (check_params(n, r, p) != BT_OK)
        return BT_EINVAL;
    size_t blen = 128 * (size_t)r * p, words = 32 * (size_t)r;
    uint8_t *b = malloc(blen);
    uint32_t *v = malloc(n * words * 4), *x = malloc(words * 4), *y = malloc(words * 4);
    bt_status st = BT_ENOMEM;
    if (!b || !v || !x || !y)
        goto done;
    if ((st = pbkdf2_1(b, blen, pw, pw_len, salt, salt_len)) != BT_OK)
        goto done;
    for (uint32_t i = 0; i < p; i++)
        romix(&b[128 * (size_t)r * i], r, n, v, x, y);
    st = pbkdf2_1(out, out_len, pw, pw_len, b, blen);
done:
    /* Everything here derives from the password. */
    if (b)
        explicit_bzero(b, blen);
    if (v)
        explicit_bzero(v, n * words * 4);
    if (x)
        explicit_bzero(x, words * 4);
    if (y)
        explicit_bzero(y, words * 4);
    free(b);
    free(v);
    free(x);
    free(y);
    if (st != BT_OK)
        explicit_bzero(out, out_len);
    return st;
}

bt_status ks_scrypt(uint8_t *out, size_t out_len, const uint8_t *pw, size_t pw_len,
                    const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r, uint32_t p)
{
    if (check_params(n, r, p) != BT_OK)
        return BT_EINVAL;
    if (16 * r < 64 && n >= (1ull << (16 * r)))
        return ks_scrypt_portable(out, out_len, pw, pw_len, salt, salt_len, n, r, p);
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!ctx)
        return BT_ENOMEM;
    static uint8_t empty[1];
    uint64_t maxmem = SCRYPT_MAX_MEM + (1u << 20) + 128ull * r * p;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pw_len ? (void *)pw : empty,
                                          pw_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_len ? (void *)salt : empty,
                                          salt_len),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };
    int ok = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) {
        explicit_bzero(out, out_len);
        return BT_ENOMEM; /* parameters were checked: what is left is memory */
    }
    return BT_OK;
}
