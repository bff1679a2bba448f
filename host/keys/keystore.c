/* Keystore v3 files (the Web3 Secret Storage definition, ethereum.org; go-ethereum
 * accounts/keystore/passphrase.go is the reference reader): read the files geth, ethers and
 * MetaMask write, write them as geth does. Derived keys and plaintexts are wiped on every
 * path; nothing secret reaches an error message. */
#include "keys_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>

const struct ks_params ks_params_standard = {.kdf = KS_KDF_SCRYPT, .n = 1u << 18, .r = 8, .p = 1};
const struct ks_params ks_params_light = {.kdf = KS_KDF_SCRYPT, .n = 1u << 12, .r = 8, .p = 6};

#define DK_MAX      64
#define SALT_MAX    1024
#define PBKDF2_MAXC 10000000

static bt_status fail(char *err, size_t cap, bt_status st, const char *fmt, ...) BT_PRINTF(4, 5);
static bt_status fail(char *err, size_t cap, bt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return st;
}

/* Member `name` of obj, matched case-insensitively ("Crypto", "crypto"). */
static json_t *member(const json_t *obj, const char *name)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (strcasecmp(key, name) == 0)
            return v;
    }
    return NULL;
}

/* Hex string member into out[cap]: 0x allowed, either case, even length. *out_len set.
 * Returns 1, or 0 when absent, not a string or not hex. */
static int member_hex(const json_t *obj, const char *name, uint8_t *out, size_t cap,
                      size_t *out_len)
{
    const json_t *v = member(obj, name);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s)
        return 0;
    return bts_hex_decode(out, cap, out_len, s, json_string_length(v), 0) == BT_OK;
}

/* Non-negative integer member, or -1. */
static json_int_t member_uint(const json_t *obj, const char *name)
{
    const json_t *v = member(obj, name);
    return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

static const char *member_str(const json_t *obj, const char *name)
{
    const json_t *v = member(obj, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* AES-128-CTR: the same call encrypts and decrypts. */
static bt_status aes_ctr(uint8_t *out, const uint8_t *in, size_t len, const uint8_t key[16],
                         const uint8_t iv[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
                    EVP_EncryptUpdate(c, out, &n, in, (int)len) == 1 && (size_t)n == len;
    EVP_CIPHER_CTX_free(c);
    return ok ? BT_OK : BT_ENOMEM;
}

static void mac_of(uint8_t out[32], const uint8_t dk[32], const uint8_t *ct, size_t ct_len)
{
    struct bts_keccak k;
    bts_keccak_init(&k);
    bts_keccak_update(&k, dk + 16, 16);
    bts_keccak_update(&k, ct, ct_len);
    bts_keccak_final(&k, out);
}

/* The derived key of a file's kdf / kdfparams into dk[*out_dklen]. */
static bt_status derive(uint8_t dk[DK_MAX], size_t *out_dklen, const json_t *crypto, const char *pw,
                        size_t pw_len, char *err, size_t cap)
{
    const char *kdf = member_str(crypto, "kdf");
    const json_t *kp = member(crypto, "kdfparams");
    if (!kdf)
        return fail(err, cap, BT_EINVAL, "keystore: crypto.kdf missing");
    int is_scrypt = strcasecmp(kdf, "scrypt") == 0, is_pbkdf2 = strcasecmp(kdf, "pbkdf2") == 0;
    if (!is_scrypt && !is_pbkdf2)
        return fail(err, cap, BT_ENOTSUP, "keystore: unsupported kdf '%.40s' (scrypt or pbkdf2)",
                    kdf);
    if (!json_is_object(kp))
        return fail(err, cap, BT_EINVAL, "keystore: crypto.kdfparams missing");
    uint8_t salt[SALT_MAX];
    size_t salt_len;
    json_int_t dklen = member_uint(kp, "dklen");
    if (dklen < 32 || dklen > DK_MAX)
        return fail(err, cap, BT_EINVAL, "keystore: kdfparams.dklen must be 32..%d", DK_MAX);
    if (!member_hex(kp, "salt", salt, sizeof(salt), &salt_len))
        return fail(err, cap, BT_EINVAL, "keystore: kdfparams.salt missing or not hex");
    *out_dklen = (size_t)dklen;
    if (is_scrypt) {
        json_int_t n = member_uint(kp, "n"), r = member_uint(kp, "r"), p = member_uint(kp, "p");
        if (n < 0 || r < 0 || p < 0 || r > UINT32_MAX || p > UINT32_MAX ||
            ks_scrypt(dk, (size_t)dklen, (const uint8_t *)pw, pw_len, salt, salt_len, (uint64_t)n,
                      (uint32_t)r, (uint32_t)p) == BT_EINVAL)
            return fail(err, cap, BT_EINVAL,
                        "keystore: scrypt parameters out of range (n a power of 2, n*r*128 at "
                        "most 1 GiB, p at most 64)");
        return BT_OK;
    }
    const char *prf = member_str(kp, "prf");
    json_int_t c = member_uint(kp, "c");
    if (!prf || strcasecmp(prf, "hmac-sha256") != 0)
        return fail(err, cap, BT_ENOTSUP, "keystore: unsupported pbkdf2 prf '%.40s' (hmac-sha256)",
                    prf ? prf : "");
    if (c < 1 || c > PBKDF2_MAXC)
        return fail(err, cap, BT_EINVAL, "keystore: pbkdf2 c must be 1..%d", PBKDF2_MAXC);
    if (pw_len > 0x7fffffff || PKCS5_PBKDF2_HMAC(pw_len ? pw : "", (int)pw_len, salt, (int)salt_len,
                                                 (int)c, EVP_sha256(), (int)dklen, dk) != 1)
        return fail(err, cap, BT_ENOMEM, "keystore: pbkdf2 failed");
    return BT_OK;
}

static bt_status decrypt_obj(uint8_t seckey[32], uint8_t addr[20], const json_t *root,
                             const char *pw, size_t pw_len, char *err, size_t cap)
{
    json_int_t version = member_uint(root, "version");
    if (version < 0)
        return fail(err, cap, BT_EINVAL, "keystore: version missing (want 3)");
    if (version != 3)
        return fail(err, cap, BT_ENOTSUP, "keystore: unsupported version %lld (only 3)",
                    (long long)version);
    const json_t *crypto = member(root, "crypto");
    if (!json_is_object(crypto))
        return fail(err, cap, BT_EINVAL, "keystore: crypto object missing");
    const char *cipher = member_str(crypto, "cipher");
    if (!cipher || strcasecmp(cipher, "aes-128-ctr") != 0)
        return fail(err, cap, BT_ENOTSUP, "keystore: unsupported cipher '%.40s' (aes-128-ctr)",
                    cipher ? cipher : "");
    const json_t *cp = member(crypto, "cipherparams");
    uint8_t iv[16], ct[32], mac[32], want[32], dk[DK_MAX], plain[32];
    size_t iv_len = 0, ct_len = 0, mac_len = 0, dklen = 0;
    if (!json_is_object(cp) || !member_hex(cp, "iv", iv, sizeof(iv), &iv_len) || iv_len != 16)
        return fail(err, cap, BT_EINVAL, "keystore: cipherparams.iv must be 16 hex bytes");
    if (!member_hex(crypto, "ciphertext", ct, sizeof(ct), &ct_len) || ct_len == 0)
        return fail(err, cap, BT_EINVAL, "keystore: ciphertext must be 1..32 hex bytes");
    if (!member_hex(crypto, "mac", mac, sizeof(mac), &mac_len) || mac_len != 32)
        return fail(err, cap, BT_EINVAL, "keystore: mac must be 32 hex bytes");
    bt_status st = derive(dk, &dklen, crypto, pw, pw_len, err, cap);
    if (st == BT_OK) {
        mac_of(want, dk, ct, ct_len);
        if (CRYPTO_memcmp(want, mac, 32) != 0)
            st = fail(err, cap, BT_EPERM, KS_ERR_DECRYPT);
    }
    if (st == BT_OK && (st = aes_ctr(plain, ct, ct_len, dk, iv)) != BT_OK)
        fail(err, cap, st, "keystore: aes-128-ctr failed");
    if (st == BT_OK) {
        memset(seckey, 0, 32 - ct_len);
        memcpy(seckey + 32 - ct_len, plain, ct_len);
        if (bts_secp_seckey_to_address(addr, seckey) != BT_OK)
            st = fail(err, cap, BT_EINVAL, "keystore: the file holds an invalid private key");
    }
    explicit_bzero(dk, sizeof(dk));
    explicit_bzero(plain, sizeof(plain));
    if (st != BT_OK)
        return st;
    uint8_t claimed[20];
    const char *a = member_str(root, "address");
    if (a && keys_parse_address(claimed, a, strlen(a)) == BT_OK && memcmp(claimed, addr, 20)) {
        char have[BTS_HEX_EIP55_CAP], want_s[BTS_HEX_EIP55_CAP];
        bts_hex_format_eip55(have, addr);
        bts_hex_format_eip55(want_s, claimed);
        return fail(err, cap, BT_EINVAL, "keystore: key content mismatch: have %s, file says %s",
                    have, want_s);
    }
    return BT_OK;
}

bt_status ks_decrypt(uint8_t out_seckey[32], uint8_t out_addr[20], const char *json,
                     size_t json_len, const char *password, size_t password_len, char *err,
                     size_t err_cap)
{
    memset(out_seckey, 0, 32);
    memset(out_addr, 0, 20);
    json_error_t jerr;
    json_t *root = json_loadb(json, json_len, 0, &jerr);
    bt_status st;
    if (!json_is_object(root))
        st = fail(err, err_cap, BT_EINVAL, "keystore: not a JSON object: %s",
                  root ? "top level is not an object" : jerr.text);
    else
        st = decrypt_obj(out_seckey, out_addr, root, password, password_len, err, err_cap);
    json_decref(root);
    if (st != BT_OK) {
        explicit_bzero(out_seckey, 32);
        memset(out_addr, 0, 20);
    }
    return st;
}

bt_status ks_peek_address(uint8_t out_addr[20], const char *json, size_t json_len)
{
    json_t *root = json_loadb(json, json_len, 0, NULL);
    const char *a = json_is_object(root) ? member_str(root, "address") : NULL;
    bt_status st = a ? keys_parse_address(out_addr, a, strlen(a)) : BT_EINVAL;
    json_decref(root);
    return st;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = 0;
}

static json_t *kdfparams_json(const struct ks_params *kp, const uint8_t salt[32])
{
    char salt_hex[65];
    hex(salt_hex, salt, 32);
    switch (kp->kdf) {
    case KS_KDF_SCRYPT:
        return json_pack("{s:i, s:I, s:i, s:i, s:s}", "dklen", 32, "n", (json_int_t)kp->n, "p",
                         (int)kp->p, "r", (int)kp->r, "salt", salt_hex);
    case KS_KDF_PBKDF2:
        return json_pack("{s:i, s:i, s:s, s:s}", "c", (int)kp->c, "dklen", 32, "prf", "hmac-sha256",
                         "salt", salt_hex);
    }
    return NULL;
}

bt_status ks_encrypt(char **out_json, const uint8_t seckey[32], const char *password,
                     size_t password_len, const struct ks_params *kp, char *err, size_t err_cap)
{
    *out_json = NULL;
    uint8_t addr[20], salt[32], iv[16], uuid[16], dk[32], ct[32], mac[32];
    if (bts_secp_seckey_to_address(addr, seckey) != BT_OK)
        return fail(err, err_cap, BT_EINVAL, "keystore: invalid private key");
    if (RAND_bytes(salt, 32) != 1 || RAND_bytes(iv, 16) != 1 || RAND_bytes(uuid, 16) != 1)
        return fail(err, err_cap, BT_EIO, "keystore: no randomness (RAND_bytes failed)");
    bt_status st = BT_OK;
    switch (kp->kdf) {
    case KS_KDF_SCRYPT:
        st = ks_scrypt(dk, 32, (const uint8_t *)password, password_len, salt, 32, kp->n, kp->r,
                       kp->p);
        break;
    case KS_KDF_PBKDF2:
        st = kp->c >= 1 && kp->c <= PBKDF2_MAXC && password_len <= 0x7fffffff &&
                     PKCS5_PBKDF2_HMAC(password_len ? password : "", (int)password_len, salt, 32,
                                       (int)kp->c, EVP_sha256(), 32, dk) == 1
                 ? BT_OK
                 : BT_EINVAL;
        break;
    }
    if (st == BT_OK)
        st = aes_ctr(ct, seckey, 32, dk, iv);
    if (st == BT_OK)
        mac_of(mac, dk, ct, 32);
    explicit_bzero(dk, sizeof(dk));
    if (st != BT_OK)
        return fail(err, err_cap, st, "keystore: key derivation failed: %s", bts_status_str(st));
    /* RFC 4122 §4.4: version 4, variant 10. */
    uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
    uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
    char addr_hex[41], iv_hex[33], ct_hex[65], mac_hex[65], u[33], id[37];
    hex(addr_hex, addr, 20);
    hex(iv_hex, iv, 16);
    hex(ct_hex, ct, 32);
    hex(mac_hex, mac, 32);
    hex(u, uuid, 16);
    snprintf(id, sizeof(id), "%.8s-%.4s-%.4s-%.4s-%.12s", u, u + 8, u + 12, u + 16, u + 20);
    json_t *root =
        json_pack("{s:s, s:{s:s, s:s, s:{s:s}, s:s, s:o?, s:s}, s:s, s:i}", "address", addr_hex,
                  "crypto", "cipher", "aes-128-ctr", "ciphertext", ct_hex, "cipherparams", "iv",
                  iv_hex, "kdf", kp->kdf == KS_KDF_SCRYPT ? "scrypt" : "pbkdf2", "kdfparams",
                  kdfparams_json(kp, salt), "mac", mac_hex, "id", id, "version", 3);
    char *text = root ? json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    json_decref(root);
    if (!text)
        return fail(err, err_cap, BT_ENOMEM, "keystore: out of memory");
    *out_json = text;
    return BT_OK;
}
