/* Keystore v3 files: every committed vector (ethers v6 output, a hand-built pbkdf2 file, a
 * MetaMask-style file, the Web3 Secret Storage definition's examples, go-ethereum's short-key
 * files) decrypts to its key and address; wrong passwords, corrupted MACs, unsupported and
 * malformed files fail with their messages; write -> read round trips; scrypt against RFC
 * 7914; the keystore directory's names and modes; addresses. */
#include "keys_int.h"

#include <bts/test.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <sys/stat.h>
#include <unistd.h>

static char vec_dir[1024];

static int suite_init(void)
{
    const char *src = getenv("BT_SOURCE_DIR");
    snprintf(vec_dir, sizeof(vec_dir), "%s/host/tests/data/keystore", src ? src : ".");
    return 0;
}

static char *read_vec(const char *name, size_t *out_len)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", vec_dir, name);
    return bts_test_read_file(path, out_len);
}

static void hex_of(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void test_keystore_decrypts_every_vector(void)
{
    char *idx = read_vec("index.json", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
    json_t *root = json_loads(idx, 0, NULL);
    free(idx);
    json_t *vecs = json_object_get(root, "vectors");
    CU_ASSERT_FATAL(json_array_size(vecs) >= 9);
    size_t i, n_ok = 0;
    json_t *v;
    json_array_foreach(vecs, i, v)
    {
        const char *file = json_string_value(json_object_get(v, "file"));
        const char *pw = json_string_value(json_object_get(v, "password"));
        const char *priv = json_string_value(json_object_get(v, "priv"));
        const char *addr = json_string_value(json_object_get(v, "address"));
        size_t len;
        char *text = read_vec(file, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        uint8_t key[32], a[20];
        char err[256] = "", got[65];
        bt_status st = ks_decrypt(key, a, text, len, pw, strlen(pw), err, sizeof(err));
        if (st != BT_OK)
            fprintf(stderr, "%s: %s\n", file, err);
        CU_ASSERT_EQUAL(st, BT_OK);
        hex_of(got, key, 32);
        CU_ASSERT_STRING_EQUAL(got, priv);
        BTS_ASSERT_HEX(a, 20, addr + 2);
        n_ok += st == BT_OK;
        free(text);
    }
    printf("\n  keystore vectors decrypted: %zu\n", n_ok);
    json_decref(root);
}

static void test_keystore_wrong_password(void)
{
    size_t len;
    char *text = read_vec("ethers-scrypt-n1024.json", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    uint8_t key[32], a[20];
    char err[256];
    CU_ASSERT_EQUAL(ks_decrypt(key, a, text, len, "correct horse", 13, err, sizeof(err)), BT_EPERM);
    CU_ASSERT_STRING_EQUAL(err, "could not decrypt key with given password");
    static const uint8_t zero[32];
    CU_ASSERT_EQUAL(memcmp(key, zero, 32), 0);
    free(text);
    text = read_vec("spec-pbkdf2.json", &len);
    CU_ASSERT_EQUAL(ks_decrypt(key, a, text, len, "", 0, err, sizeof(err)), BT_EPERM);
    CU_ASSERT_STRING_EQUAL(err, KS_ERR_DECRYPT);
    free(text);
}

/* Replace the first occurrence of `from` in a vector's text and decrypt it. */
static bt_status try_edit(const char *file, const char *pw, const char *from, const char *to,
                          char *err, size_t err_cap)
{
    size_t len;
    char *text = read_vec(file, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *at = strstr(text, from);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    size_t nf = strlen(from), nt = strlen(to);
    char *edited = malloc(len - nf + nt + 1);
    size_t pre = (size_t)(at - text);
    memcpy(edited, text, pre);
    memcpy(edited + pre, to, nt);
    memcpy(edited + pre + nt, at + nf, len - pre - nf + 1);
    uint8_t key[32], a[20];
    err[0] = 0;
    bt_status st = ks_decrypt(key, a, edited, strlen(edited), pw, strlen(pw), err, err_cap);
    free(edited);
    free(text);
    return st;
}

#define PW1 "correct horse battery staple"
#define PW4 "pbkdf2 password"

static void test_keystore_corrupted_mac_or_ciphertext(void)
{
    char err[256];
    /* metamask-style.json writes mac and ciphertext in upper case. */
    CU_ASSERT_EQUAL(
        try_edit("metamask-style.json", PW1, "\"mac\": \"C", "\"mac\": \"D", err, sizeof(err)),
        BT_EPERM);
    CU_ASSERT_STRING_EQUAL(err, KS_ERR_DECRYPT);
    CU_ASSERT_EQUAL(try_edit("metamask-style.json", PW1, "\"ciphertext\": \"3",
                             "\"ciphertext\": \"4", err, sizeof(err)),
                    BT_EPERM);
    CU_ASSERT_EQUAL(
        try_edit("pbkdf2-c4096.json", PW4, "\"c\": 4096", "\"c\": 4097", err, sizeof(err)),
        BT_EPERM);
    /* A MAC that is not 32 bytes is malformed, not a wrong password. */
    CU_ASSERT_EQUAL(
        try_edit("metamask-style.json", PW1, "\"mac\": \"C", "\"mac\": \"", err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "keystore: mac must be 32 hex bytes");
}

static void test_keystore_refuses_unsupported(void)
{
    char err[256];
    CU_ASSERT_EQUAL(try_edit("pbkdf2-c4096.json", PW4, "\"kdf\": \"pbkdf2\"",
                             "\"kdf\": \"argon2id\"", err, sizeof(err)),
                    BT_ENOTSUP);
    CU_ASSERT_STRING_EQUAL(err, "keystore: unsupported kdf 'argon2id' (scrypt or pbkdf2)");
    CU_ASSERT_EQUAL(
        try_edit("pbkdf2-c4096.json", PW4, "aes-128-ctr", "aes-128-cbc", err, sizeof(err)),
        BT_ENOTSUP);
    CU_ASSERT_STRING_EQUAL(err, "keystore: unsupported cipher 'aes-128-cbc' (aes-128-ctr)");
    CU_ASSERT_EQUAL(
        try_edit("pbkdf2-c4096.json", PW4, "hmac-sha256", "hmac-sha512", err, sizeof(err)),
        BT_ENOTSUP);
    CU_ASSERT_STRING_EQUAL(err, "keystore: unsupported pbkdf2 prf 'hmac-sha512' (hmac-sha256)");
    CU_ASSERT_EQUAL(
        try_edit("pbkdf2-c4096.json", PW4, "\"version\": 3", "\"version\": 1", err, sizeof(err)),
        BT_ENOTSUP);
    CU_ASSERT_STRING_EQUAL(err, "keystore: unsupported version 1 (only 3)");
}

static void test_keystore_refuses_malformed(void)
{
    char err[256];
    CU_ASSERT_EQUAL(try_edit("pbkdf2-c4096.json", PW4, "{", "[", err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_EQUAL(
        try_edit("pbkdf2-c4096.json", PW4, "\"version\": 3", "\"versio\": 3", err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_EQUAL(
        try_edit("pbkdf2-c4096.json", PW4, "\"iv\": \"", "\"iv\": \"00", err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "keystore: cipherparams.iv must be 16 hex bytes");
    CU_ASSERT_EQUAL(
        try_edit("pbkdf2-c4096.json", PW4, "\"dklen\": 32", "\"dklen\": 16", err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_EQUAL(try_edit("pbkdf2-c4096.json", PW4, "\"c\": 4096", "\"c\": 0", err, sizeof(err)),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(
        try_edit("metamask-style.json", PW1, "\"n\": 1024", "\"n\": 1000", err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_EQUAL(
        try_edit("metamask-style.json", PW1, "\"n\": 1024", "\"n\": 1073741824", err, sizeof(err)),
        BT_EINVAL);
    CU_ASSERT_EQUAL(try_edit("metamask-style.json", PW1, "\"p\": 1", "\"p\": 65", err, sizeof(err)),
                    BT_EINVAL);
    /* The address member must name the key inside. */
    CU_ASSERT_EQUAL(try_edit("pbkdf2-c4096.json", PW4, "\"address\": \"dc", "\"address\": \"dd",
                             err, sizeof(err)),
                    BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "key content mismatch"));
}

static void test_keystore_round_trip(void)
{
    uint8_t key[32], got[32], a[20], a2[20];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(0x11 * (i % 7) + 1);
    const struct ks_params pb = {.kdf = KS_KDF_PBKDF2, .c = 1000};
    const struct ks_params *sets[] = {&ks_params_light, &pb};
    for (size_t s = 0; s < 2; s++) {
        char *json = NULL, err[256];
        CU_ASSERT_EQUAL_FATAL(ks_encrypt(&json, key, "pw \xc3\xa4", 5, sets[s], err, sizeof(err)),
                              BT_OK);
        CU_ASSERT_EQUAL(ks_decrypt(got, a, json, strlen(json), "pw \xc3\xa4", 5, err, sizeof(err)),
                        BT_OK);
        CU_ASSERT_EQUAL(memcmp(got, key, 32), 0);
        CU_ASSERT_EQUAL(ks_peek_address(a2, json, strlen(json)), BT_OK);
        CU_ASSERT_EQUAL(memcmp(a, a2, 20), 0);
        CU_ASSERT_EQUAL(ks_decrypt(got, a, json, strlen(json), "pw", 2, err, sizeof(err)),
                        BT_EPERM);
        json_t *j = json_loads(json, 0, NULL);
        CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "version")), 3);
        const char *id = json_string_value(json_object_get(j, "id"));
        CU_ASSERT_EQUAL(strlen(id), 36);
        CU_ASSERT_EQUAL(id[14], '4'); /* UUID version 4 */
        CU_ASSERT_PTR_NOT_NULL(strchr("89ab", id[19]));
        const char *addr = json_string_value(json_object_get(j, "address"));
        CU_ASSERT_EQUAL(strlen(addr), 40);
        json_t *c = json_object_get(j, "crypto");
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(c, "cipher")), "aes-128-ctr");
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(c, "kdf")),
                               s == 0 ? "scrypt" : "pbkdf2");
        json_decref(j);
        free(json);
    }
    char *json = (char *)"x", err[256];
    static const uint8_t zero[32];
    CU_ASSERT_EQUAL(ks_encrypt(&json, zero, "p", 1, &pb, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NULL(json);
}

static void test_keystore_scrypt_rfc7914(void)
{
    /* RFC 7914 §12, vectors 1 and 2. */
    uint8_t out[64], out2[64];
    CU_ASSERT_EQUAL(ks_scrypt(out, 64, (const uint8_t *)"", 0, (const uint8_t *)"", 0, 16, 1, 1),
                    BT_OK);
    BTS_ASSERT_HEX(out, 64,
                   "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded09"
                   "48f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    CU_ASSERT_EQUAL(
        ks_scrypt_portable(out2, 64, (const uint8_t *)"", 0, (const uint8_t *)"", 0, 16, 1, 1),
        BT_OK);
    CU_ASSERT_EQUAL(memcmp(out, out2, 64), 0);
    CU_ASSERT_EQUAL(
        ks_scrypt(out, 64, (const uint8_t *)"password", 8, (const uint8_t *)"NaCl", 4, 1024, 8, 16),
        BT_OK);
    BTS_ASSERT_HEX(out, 64,
                   "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22"
                   "a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    CU_ASSERT_EQUAL(ks_scrypt_portable(out2, 64, (const uint8_t *)"password", 8,
                                       (const uint8_t *)"NaCl", 4, 1024, 8, 16),
                    BT_OK);
    CU_ASSERT_EQUAL(memcmp(out, out2, 64), 0);
    /* OpenSSL refuses n >= 2^(16 r); ks_scrypt still answers (the portable path). */
    CU_ASSERT_EQUAL(
        ks_scrypt(out, 32, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1, 1u << 16, 1, 1),
        BT_OK);
    CU_ASSERT_EQUAL(
        ks_scrypt(out, 32, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1, 1000, 8, 1),
        BT_EINVAL);
    CU_ASSERT_EQUAL(ks_scrypt(out, 32, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1, 16, 0, 1),
                    BT_EINVAL);
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[1200];
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static void test_keystore_dir_store_and_scan(void)
{
    char tmp[] = "/tmp/bttcd-keydir-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmp));
    char *dir = keydir_path(tmp), err[512];
    uint8_t addr1[20], addr2[20];
    memset(addr1, 0xaa, 20);
    memset(addr2, 0x11, 20);
    char *p1, *p2;
    CU_ASSERT_EQUAL_FATAL(keydir_store(&p1, dir, addr1,
                                       "{\"address\":\"" /* peekable */
                                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
                                       err, sizeof(err)),
                          BT_OK);
    CU_ASSERT_EQUAL_FATAL(
        keydir_store(&p2, dir, addr2,
                     "{\"address\":\"0x1111111111111111111111111111111111111111\"}", err,
                     sizeof(err)),
        BT_OK);
    struct stat st;
    CU_ASSERT_EQUAL(stat(dir, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
    CU_ASSERT_EQUAL(stat(p1, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    const char *base = strrchr(p1, '/') + 1;
    CU_ASSERT_EQUAL(strncmp(base, "UTC--", 5), 0);
    CU_ASSERT_EQUAL(strlen(base), strlen("UTC--2026-01-02T03-04-05.123456789Z--") + 40);
    CU_ASSERT_STRING_EQUAL(base + strlen(base) - 40, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    /* Files without an address, hidden files and backups are not keys. */
    char junk[1200];
    snprintf(junk, sizeof(junk), "%s/notes.txt", dir);
    FILE *f = fopen(junk, "w");
    fputs("not json", f);
    fclose(f);
    struct keydir_list l;
    CU_ASSERT_EQUAL_FATAL(keydir_scan(&l, dir, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(l.n, 2);
    CU_ASSERT_STRING_EQUAL(l.v[0].path, p1); /* created first: sorts first */
    const struct keydir_entry *e;
    CU_ASSERT_EQUAL(keydir_find(&l, addr2, &e), BT_OK);
    CU_ASSERT_STRING_EQUAL(e->path, p2);
    uint8_t other[20] = {1};
    CU_ASSERT_EQUAL(keydir_find(&l, other, &e), BT_ENOTFOUND);
    keydir_list_free(&l);
    /* A copy of a key file makes the address ambiguous. */
    char *text;
    size_t len;
    CU_ASSERT_EQUAL(keydir_read_file(&text, &len, p2, err, sizeof(err)), BT_OK);
    snprintf(junk, sizeof(junk), "%s/copy.json", dir);
    f = fopen(junk, "w");
    fputs(text, f);
    fclose(f);
    free(text);
    CU_ASSERT_EQUAL(keydir_scan(&l, dir, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(keydir_find(&l, addr2, &e), BT_EEXIST);
    keydir_list_free(&l);
    /* A missing directory is an empty keystore. */
    CU_ASSERT_EQUAL(keydir_scan(&l, "/nonexistent/keystore", err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT_EQUAL(keydir_read_file(&text, &len, "/nonexistent/k", err, sizeof(err)), BT_EIO);
    CU_ASSERT_STRING_EQUAL(err, "/nonexistent/k: No such file or directory");
    free(p1);
    free(p2);
    rm_tree(dir);
    free(dir);
    rmdir(tmp);
}

static void test_keystore_addresses(void)
{
    uint8_t a[20];
    const char *eip55 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    CU_ASSERT_EQUAL(keys_parse_address(a, eip55, strlen(eip55)), BT_OK);
    char out[BTS_HEX_EIP55_CAP];
    bts_hex_format_eip55(out, a);
    CU_ASSERT_STRING_EQUAL(out, eip55);
    CU_ASSERT_EQUAL(keys_parse_address(a, eip55 + 2, 40), BT_OK);
    CU_ASSERT_EQUAL(keys_parse_address(a, "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", 42), BT_OK);
    CU_ASSERT_EQUAL(keys_parse_address(a, eip55, 41), BT_EINVAL);
    CU_ASSERT_EQUAL(keys_parse_address(a, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", 42),
                    BT_EINVAL);
    size_t bad;
    CU_ASSERT_TRUE(keys_list_has("0x1111111111111111111111111111111111111111, "
                                 "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
                                 a, &bad));
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_FALSE(keys_list_has("0x1111111111111111111111111111111111111111,0x12", a, &bad));
    CU_ASSERT_EQUAL(bad, 44);
}

BTS_TEST_SUITE("keystore", suite_init, NULL, BTS_TEST(test_keystore_decrypts_every_vector),
               BTS_TEST(test_keystore_wrong_password),
               BTS_TEST(test_keystore_corrupted_mac_or_ciphertext),
               BTS_TEST(test_keystore_refuses_unsupported),
               BTS_TEST(test_keystore_refuses_malformed), BTS_TEST(test_keystore_round_trip),
               BTS_TEST(test_keystore_scrypt_rfc7914), BTS_TEST(test_keystore_dir_store_and_scan),
               BTS_TEST(test_keystore_addresses));
