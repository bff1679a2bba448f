/* The signer behind the services table: keys from a keystore directory unlocked with their
 * passwords; sign (recovered with libsecp256k1 itself, low s, v in {0, 1}, deterministic) and
 * key_address through struct bt_host; locked, unknown and malformed key ids; a plugin's
 * signer_keys allow-list; signing from several threads; password files; [signer] config. */
#include "keys_cli_int.h"
#include "services_int.h"

#include <bts/test.h>

#include <dirent.h>
#include <pthread.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bts/keccak.h>
#include <bts/secp.h>

static const struct bt_host *H = &services_table;
static char vec_dir[1024], tmp[64], kdir[128];

#define ADDR1 "0x43ea7cceb62fd7251123f859db6fec93c8902bf6" /* ethers-scrypt-n1024.json */
#define ADDR4 "0xDC33E6F82D82C815938CA8F1C03A730DD0F3D340" /* pbkdf2-c4096.json */
#define ADDR2 "0x2311f34dc1076fcb013493c05be1742e9ae655d1" /* ethers-scrypt-utf8.json */

static void copy_vec(const char *name)
{
    char src[1200], dst[1200];
    snprintf(src, sizeof(src), "%s/%s", vec_dir, name);
    snprintf(dst, sizeof(dst), "%s/%s", kdir, name);
    size_t len;
    char *text = bts_test_read_file(src, &len);
    FILE *f = fopen(dst, "w");
    fwrite(text, 1, len, f);
    fclose(f);
    free(text);
}

static int suite_init(void)
{
    const char *src = getenv("BT_SOURCE_DIR");
    snprintf(vec_dir, sizeof(vec_dir), "%s/host/tests/data/keystore", src ? src : ".");
    snprintf(tmp, sizeof(tmp), "/tmp/bttcd-signer-XXXXXX");
    if (!mkdtemp(tmp))
        return 1;
    snprintf(kdir, sizeof(kdir), "%s/keystore", tmp);
    return 0;
}

static int suite_cleanup(void)
{
    DIR *d = opendir(kdir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        char p[1200];
        snprintf(p, sizeof(p), "%s/%s", kdir, de->d_name);
        if (de->d_name[0] != '.')
            unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(kdir);
    char pw[128];
    snprintf(pw, sizeof(pw), "%s/pw", tmp);
    unlink(pw);
    snprintf(pw, sizeof(pw), "%s/plugins.conf", tmp);
    unlink(pw);
    rmdir(tmp);
    return 0;
}

static void addr_of(uint8_t out[20], const char *s)
{
    CU_ASSERT_EQUAL_FATAL(keys_parse_address(out, s, strlen(s)), BT_OK);
}

/* A signer with keys 1 and 4 unlocked and key 2 known but locked. */
static struct signer *make_signer(void)
{
    mkdir(kdir, 0700);
    copy_vec("ethers-scrypt-n1024.json");
    copy_vec("pbkdf2-c4096.json");
    copy_vec("ethers-scrypt-utf8.json");
    struct signer *s;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(signer_new(&s, kdir, err, sizeof(err)), BT_OK);
    uint8_t a[20];
    addr_of(a, ADDR1);
    CU_ASSERT_EQUAL(signer_unlock(s, a, "correct horse battery staple", 28, err, sizeof(err)),
                    BT_OK);
    addr_of(a, ADDR4);
    CU_ASSERT_EQUAL(signer_unlock(s, a, "pbkdf2 password", 15, err, sizeof(err)), BT_OK);
    addr_of(a, ADDR2);
    CU_ASSERT_EQUAL(signer_unlock(s, a, "wrong", 5, err, sizeof(err)), BT_EPERM);
    CU_ASSERT_STRING_EQUAL(err, "cannot unlock 0x2311F34dC1076fCB013493C05be1742e9ae655D1: could "
                                "not decrypt key with given password");
    uint8_t none[20] = {9};
    CU_ASSERT_EQUAL(signer_unlock(s, none, "x", 1, err, sizeof(err)), BT_ENOTFOUND);
    return s;
}

/* Recover with libsecp256k1 directly (not through the SDK wrapper under test). */
static void recover(uint8_t out_addr[20], const uint8_t sig[65], const uint8_t digest[32])
{
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pub;
    uint8_t ser[65];
    size_t ser_len = 65;
    CU_ASSERT_FATAL(sig[64] <= 1);
    CU_ASSERT_FATAL(secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, sig, sig[64]));
    CU_ASSERT_FATAL(secp256k1_ecdsa_recover(ctx, &pub, &rs, digest));
    secp256k1_ec_pubkey_serialize(ctx, ser, &ser_len, &pub, SECP256K1_EC_UNCOMPRESSED);
    uint8_t h[32];
    bts_keccak256(h, ser + 1, 64);
    memcpy(out_addr, h + 12, 20);
    /* Low s: normalising changes nothing. */
    secp256k1_ecdsa_signature plain, norm;
    secp256k1_ecdsa_recoverable_signature_convert(ctx, &plain, &rs);
    CU_ASSERT_EQUAL(secp256k1_ecdsa_signature_normalize(ctx, &norm, &plain), 0);
    secp256k1_context_destroy(ctx);
}

static void test_keystore_signer_signs_through_services(void)
{
    struct host_rt rt;
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt, 1, tmp), BT_OK);
    rt.phase = RT_PHASE_RUN;
    rt.signer = make_signer();
    struct bt_host_ctx *h = hctx_new(&rt, "consensus-dev", NULL, NULL);
    uint8_t digest[32], sig[65], sig2[65], a[20], want[20];
    bts_keccak256(digest, "bttcd", 5);
    const char *ids[] = {ADDR1, ADDR4, "0x43EA7CCEB62FD7251123F859DB6FEC93C8902BF6"};
    for (size_t i = 0; i < 3; i++) {
        addr_of(want, ids[i]);
        CU_ASSERT_EQUAL(H->sign(h, sig, ids[i], digest), BT_OK);
        recover(a, sig, digest);
        CU_ASSERT_EQUAL(memcmp(a, want, 20), 0);
        CU_ASSERT_EQUAL(H->sign(h, sig2, ids[i], digest), BT_OK);
        CU_ASSERT_EQUAL(memcmp(sig, sig2, 65), 0); /* RFC 6979: deterministic */
        CU_ASSERT_EQUAL(H->key_address(h, ids[i], a), BT_OK);
        CU_ASSERT_EQUAL(memcmp(a, want, 20), 0);
    }
    /* Known but locked: an address, but no signature. */
    CU_ASSERT_EQUAL(H->sign(h, sig, ADDR2, digest), BT_EPERM);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "key 0x2311F34dC1076fCB013493C05be1742e9ae655D1 is "
                                             "locked (unlock it with [signer] unlock or --unlock)");
    static const uint8_t zero[65];
    CU_ASSERT_EQUAL(memcmp(sig, zero, 65), 0);
    CU_ASSERT_EQUAL(H->key_address(h, ADDR2, a), BT_OK);
    /* Unknown and malformed ids. */
    CU_ASSERT_EQUAL(H->sign(h, sig, "0x0000000000000000000000000000000000000001", digest),
                    BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(H->last_error(h),
                           "no key 0x0000000000000000000000000000000000000001 in the keystore");
    CU_ASSERT_EQUAL(H->key_address(h, "0x0000000000000000000000000000000000000001", a),
                    BT_ENOTFOUND);
    CU_ASSERT_EQUAL(memcmp(a, zero, 20), 0);
    CU_ASSERT_EQUAL(H->sign(h, sig, "validator", digest), BT_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(H->last_error(h),
                           "key id 'validator' is not an address (0x and 40 hex digits)");
    /* Misuse is reported, not a runtime condition. */
    services_set_strict(0);
    unsigned long before = services_misuse_count();
    CU_ASSERT_EQUAL(H->sign(h, sig, NULL, digest), BT_EINVAL);
    CU_ASSERT_EQUAL(H->key_address(h, ADDR1, NULL), BT_EINVAL);
    CU_ASSERT_EQUAL(services_misuse_count(), before + 2);
    rt_quiesce(&rt);
    hctx_release(h);
    signer_free(rt.signer);
    rt_free(&rt);
}

static void test_keystore_signer_allow_list(void)
{
    struct host_rt rt;
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt, 1, tmp), BT_OK);
    rt.signer = make_signer();
    struct conf_plugin conf = {.name = (char *)"rootchain-tron", .signer_keys = (char *)ADDR4};
    struct bt_host_ctx *h = hctx_new(&rt, "rootchain-tron", &conf, "plugins.conf");
    uint8_t digest[32] = {1}, sig[65], a[20];
    CU_ASSERT_EQUAL(H->sign(h, sig, ADDR4, digest), BT_OK);
    CU_ASSERT_EQUAL(H->sign(h, sig, ADDR1, digest), BT_EPERM);
    CU_ASSERT_STRING_EQUAL(H->last_error(h), "key 0x43ea7cCeb62fD7251123f859dB6Fec93C8902BF6 is "
                                             "not in signer_keys of [plugin rootchain-tron]");
    CU_ASSERT_EQUAL(H->key_address(h, ADDR4, a), BT_OK);
    CU_ASSERT_EQUAL(H->key_address(h, ADDR1, a), BT_ENOTFOUND); /* host.h: OK or NOTFOUND */
    /* No signer at all: every key is unknown. */
    signer_free(rt.signer);
    rt.signer = NULL;
    CU_ASSERT_EQUAL(H->sign(h, sig, ADDR4, digest), BT_ENOTFOUND);
    rt_quiesce(&rt);
    hctx_release(h);
    rt_free(&rt);
}

struct signing_thread {
    struct bt_host_ctx *h;
    int n_ok;
};

static void *sign_many(void *arg)
{
    struct signing_thread *t = arg;
    for (int i = 0; i < 50; i++) {
        uint8_t digest[32] = {(uint8_t)i, 7}, sig[65], a[20], want[20];
        const char *id = i % 2 ? ADDR1 : ADDR4;
        if (t->h->rt->signer && H->sign(t->h, sig, id, digest) == BT_OK &&
            bts_secp_recover(a, digest, sig, BTS_SECP_F_LOW_S) == BT_OK &&
            keys_parse_address(want, id, strlen(id)) == BT_OK && memcmp(a, want, 20) == 0)
            t->n_ok++;
    }
    return NULL;
}

static void test_keystore_signer_any_thread(void)
{
    struct host_rt rt;
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt, 1, tmp), BT_OK);
    rt.signer = make_signer();
    struct bt_host_ctx *h = hctx_new(&rt, "evm", NULL, NULL);
    pthread_t th[4];
    struct signing_thread ts[4];
    for (int i = 0; i < 4; i++) {
        ts[i] = (struct signing_thread){.h = h};
        pthread_create(&th[i], NULL, sign_many, &ts[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CU_ASSERT_EQUAL(ts[i].n_ok, 50);
    }
    rt_quiesce(&rt);
    hctx_release(h);
    signer_free(rt.signer);
    rt_free(&rt);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void test_keystore_signer_password_files(void)
{
    char path[128], err[512], *pw;
    size_t len;
    snprintf(path, sizeof(path), "%s/pw", tmp);
    write_file(path, "first\r\nsecond\nthird");
    const char *want[] = {"first", "second", "third", "third"};
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(pw_from_file(&pw, &len, path, i, err, sizeof(err)), BT_OK);
        CU_ASSERT_STRING_EQUAL(pw, want[i]);
        CU_ASSERT_EQUAL(len, strlen(want[i]));
        pw_free(pw, len);
    }
    write_file(path, "\n");
    CU_ASSERT_EQUAL(pw_from_file(&pw, &len, path, 0, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(len, 0); /* an empty password is a password */
    pw_free(pw, len);
    write_file(path, "");
    CU_ASSERT_EQUAL(pw_from_file(&pw, &len, path, 0, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no password in the file"));
    CU_ASSERT_EQUAL(pw_from_file(&pw, &len, "/nonexistent/pw", 0, err, sizeof(err)), BT_EIO);
}

static void expect_conf(const char *text, bt_status want, const char *want_err)
{
    char path[128], err[1024];
    snprintf(path, sizeof(path), "%s/plugins.conf", tmp);
    write_file(path, text);
    struct config *cfg = NULL;
    CU_ASSERT_EQUAL(config_load(path, &cfg, err, sizeof(err)), want);
    if (want_err) {
        const char *colon = strstr(err, "plugins.conf:");
        CU_ASSERT_PTR_NOT_NULL_FATAL(colon);
        CU_ASSERT_STRING_EQUAL(colon + strlen("plugins.conf:"), want_err);
    }
    if (cfg && want == BT_OK) {
        CU_ASSERT_STRING_EQUAL(cfg->signer_unlock, ADDR1 ", " ADDR4);
        CU_ASSERT_PTR_NOT_NULL(strstr(cfg->signer_password_file, "/secrets/pw"));
        CU_ASSERT_STRING_EQUAL(cfg->plugins[0].signer_keys, ADDR4);
        CU_ASSERT_EQUAL(cfg->plugins[0].n_entries, 1); /* signer_keys is the host's */
    }
    config_free(cfg);
}

static void test_keystore_signer_config(void)
{
    expect_conf("[signer]\nunlock = " ADDR1 ", " ADDR4 "\npassword_file = secrets/pw\n"
                "[plugin consensus-dev]\nsigner_keys = " ADDR4 "\nperiod = 2\n",
                BT_OK, NULL);
    expect_conf("[signer]\nunlock = " ADDR1 ",0xabc\n", BT_EINVAL,
                "2: unlock: '0xabc' is not an address (0x and 40 hex digits)");
    expect_conf("[signer]\nkeys = x\n", BT_EINVAL,
                "2: unknown key 'keys' in [signer] (expected unlock, password_file)");
    expect_conf("[signer]\n[signer]\n", BT_EINVAL,
                "2: duplicate section [signer] (first at line 1)");
    expect_conf("[plugin a]\nsigner_keys = nope\n", BT_EINVAL,
                "2: signer_keys: 'nope' is not an address (0x and 40 hex digits)");
}

BTS_TEST_SUITE("keystore_signer", suite_init, suite_cleanup,
               BTS_TEST(test_keystore_signer_signs_through_services),
               BTS_TEST(test_keystore_signer_allow_list), BTS_TEST(test_keystore_signer_any_thread),
               BTS_TEST(test_keystore_signer_password_files),
               BTS_TEST(test_keystore_signer_config));
