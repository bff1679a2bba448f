/* The host's keys: Ethereum keystore v3 files (Web3 Secret Storage definition), the keystore
 * directory of the datadir, and the signer that holds unlocked keys in locked memory and backs
 * the sign / key_address services. Private keys never leave this component except into the
 * signer's locked pages; plugins see addresses only (DESIGN.md §3, "signing by key id"). */
#ifndef BTTCD_KEYS_INT_H
#define BTTCD_KEYS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/abi.h>

/* --- keystore v3 files (keystore.c, scrypt.c) -------------------------------------------- */

/** Key derivation functions a keystore file may name. */
enum ks_kdf { KS_KDF_SCRYPT = 0, KS_KDF_PBKDF2 = 1 };

/** How ks_encrypt derives the file key. scrypt uses n, r, p; pbkdf2 uses c (HMAC-SHA256). */
struct ks_params {
    enum ks_kdf kdf;
    uint64_t n;
    uint32_t r, p;
    uint32_t c;
};

/** geth's StandardScryptN/P (n = 2^18, r = 8, p = 1: 256 MiB, about a second). */
extern const struct ks_params ks_params_standard;
/** geth's LightScryptN/P (n = 2^12, r = 8, p = 6: 4 MiB), for --lightkdf and tests. */
extern const struct ks_params ks_params_light;

/** The message of a wrong password (go-ethereum keystore.ErrDecrypt's text). */
#define KS_ERR_DECRYPT "could not decrypt key with given password"

/** Decrypt a keystore v3 JSON file: version 3, cipher aes-128-ctr, kdf scrypt or pbkdf2
 *  (prf hmac-sha256), MAC = keccak256(derived[16..32] || ciphertext). Member names are
 *  matched case-insensitively ("Crypto" as ethers writes it, "crypto" as geth and MetaMask
 *  do); hex may carry 0x and either case; unknown members ("x-ethers") are ignored. A
 *  plaintext shorter than 32 bytes is a key that lost its leading zero bytes (old writers;
 *  go-ethereum reads it as a number) and is left-padded. If the file has an address member,
 *  it must match the key. The password is used as given (bytes, no Unicode normalisation,
 *  as go-ethereum; ethers applies NFKC first, which changes nothing for ASCII).
 *  Returns: BT_OK; BT_EPERM (MAC mismatch: err is KS_ERR_DECRYPT); BT_ENOTSUP (version,
 *           cipher, kdf or prf not supported); BT_EINVAL (malformed, parameters out of range,
 *           invalid key, address mismatch); BT_ENOMEM. On failure out_seckey is zeroed and
 *           err holds one line.
 *  Out:     out_seckey: 32 bytes, a secret: wipe with explicit_bzero. out_addr: 20 bytes.
 *  Thread:  any. */
bt_status ks_decrypt(uint8_t out_seckey[32], uint8_t out_addr[20], const char *json,
                     size_t json_len, const char *password, size_t password_len, char *err,
                     size_t err_cap);

/** Encrypt a private key into a keystore v3 JSON text as geth writes it: address (lower-case
 *  hex, no 0x), crypto {cipher aes-128-ctr, random 16-byte iv, kdf with a random 32-byte salt
 *  and dklen 32, mac}, id (random UUID v4), version 3.
 *  Returns: BT_OK; BT_EINVAL (invalid key or parameters); BT_ENOMEM; BT_EIO (no randomness).
 *  Out:     *out_json: malloc'd NUL-terminated text (free()); NULL on failure.
 *  Thread:  any. */
bt_status ks_encrypt(char **out_json, const uint8_t seckey[32], const char *password,
                     size_t password_len, const struct ks_params *kp, char *err, size_t err_cap);

/** The address member of a keystore file, without decrypting (for listings).
 *  Returns: BT_OK, BT_EINVAL (not a JSON object, or no valid address member). */
bt_status ks_peek_address(uint8_t out_addr[20], const char *json, size_t json_len);

/** scrypt (RFC 7914) into out[out_len]. OpenSSL's EVP_KDF "SCRYPT" computes it; parameters
 *  that OpenSSL refuses although go-ethereum accepts them (N >= 2^(16 r), as the Web3 Secret
 *  Storage definition's own scrypt example with r = 1) go to ks_scrypt_portable.
 *  Returns: BT_OK, BT_EINVAL (n not a power of two >= 2, r or p zero, n * r * 128 over 1 GiB,
 *           p over 64), BT_ENOMEM. */
bt_status ks_scrypt(uint8_t *out, size_t out_len, const uint8_t *pw, size_t pw_len,
                    const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r, uint32_t p);
/** The same function computed here (PBKDF2 from OpenSSL, ROMix / BlockMix / Salsa20/8 as RFC
 *  7914 §3-§5 define them), for the parameters OpenSSL refuses. Exposed for the tests, which
 *  compare it with OpenSSL. Returns as ks_scrypt. */
bt_status ks_scrypt_portable(uint8_t *out, size_t out_len, const uint8_t *pw, size_t pw_len,
                             const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r,
                             uint32_t p);

/* --- addresses (address.c) --------------------------------------------------------------- */

/** Parse "0x" + 40 hex digits, any case (the 0x may be left out). Returns BT_OK or BT_EINVAL. */
bt_status keys_parse_address(uint8_t out[20], const char *s, size_t len);
/** Nonzero if `addr` is one of a comma/space separated list of addresses; *out_bad set to
 *  the first malformed item's offset + 1 (0: none). */
int keys_list_has(const char *list, const uint8_t addr[20], size_t *out_bad);

/* --- the keystore directory (keydir.c) --------------------------------------------------- */

/** One key file of a keystore directory. */
struct keydir_entry {
    uint8_t addr[20];
    char *path; /* owned */
};
/** Files of a keystore directory that name an address, sorted by file name (geth's
 *  UTC--<time>--<address> names sort by creation time). */
struct keydir_list {
    struct keydir_entry *v;
    size_t n;
};

/** "<datadir>/keystore", malloc'd (NULL: out of memory). */
char *keydir_path(const char *datadir);
/** Read the directory: every regular file whose JSON has an address member; others (and
 *  hidden files) are skipped. A missing directory is an empty list.
 *  Returns: BT_OK, BT_EIO (err: "<dir>: <reason>"), BT_ENOMEM. Free with keydir_list_free. */
bt_status keydir_scan(struct keydir_list *out, const char *dir, char *err, size_t err_cap);
void keydir_list_free(struct keydir_list *l);
/** The entries for addr: BT_OK (*out_entry set), BT_ENOTFOUND, BT_EEXIST (more than one file). */
bt_status keydir_find(const struct keydir_list *l, const uint8_t addr[20],
                      const struct keydir_entry **out_entry);
/** Write json as "<dir>/UTC--<ISO time, '-' for ':'>--<address hex>" with mode 0600, creating
 *  dir with mode 0700; the file appears complete (written to a temporary name, fsync'd,
 *  renamed). Returns: BT_OK (*out_path malloc'd), BT_EIO (err set), BT_ENOMEM. */
bt_status keydir_store(char **out_path, const char *dir, const uint8_t addr[20], const char *json,
                       char *err, size_t err_cap);
/** Read a small file (at most 1 MiB) into a malloc'd NUL-terminated buffer.
 *  Returns: BT_OK, BT_EIO (err: "<path>: <reason>"), BT_ERANGE (too big), BT_ENOMEM. */
bt_status keydir_read_file(char **out, size_t *out_len, const char *path, char *err,
                           size_t err_cap);

/* --- the signer (signer.c) --------------------------------------------------------------- */

struct signer;

/** A signer for the keys of a keystore directory (scanned now): every key there is known
 *  (key_address answers for it); none is unlocked yet. The secret keys of unlocked keys live
 *  in one anonymous mapping that is mlock'ed when RLIMIT_MEMLOCK allows (else a warning),
 *  excluded from core dumps, and wiped with explicit_bzero before it is unmapped.
 *  Returns: BT_OK, BT_EIO, BT_ENOMEM (err set). */
bt_status signer_new(struct signer **out, const char *keystore_dir, char *err, size_t err_cap);
/** Decrypt the key file of `addr` with password and keep the key.
 *  Returns: BT_OK; BT_ENOTFOUND (no file for addr); BT_EEXIST (several files); BT_EPERM
 *  (wrong password); others as ks_decrypt. err names the address and the reason. */
bt_status signer_unlock(struct signer *s, const uint8_t addr[20], const char *password,
                        size_t password_len, char *err, size_t err_cap);
/** Sign a 32-byte digest with key addr: r || s || v, v in {0, 1}, low s, RFC 6979 nonce.
 *  Returns: BT_OK, BT_ENOTFOUND (no such key), BT_EPERM (known but locked), BT_EINVAL.
 *  Thread:  any (one mutex). */
bt_status signer_sign(struct signer *s, uint8_t out_sig65[65], const uint8_t addr[20],
                      const uint8_t digest[32]);
/** BT_OK if addr is a known key (locked or not), else BT_ENOTFOUND; *out_is_unlocked set.
 *  Thread: any. */
bt_status signer_has(struct signer *s, const uint8_t addr[20], int *out_is_unlocked);
/** The directory the signer was made for (borrowed). */
const char *signer_dir(const struct signer *s);
/** Wipe and free; NULL is ignored. */
void signer_free(struct signer *s);

#endif /* BTTCD_KEYS_INT_H */
