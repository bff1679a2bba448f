/* bttcd keys new|import|list, and the signer that `bttcd run` starts with. Every command finds
 * the data directory as `run` does (--datadir, else [node] datadir, else ~/.bttcd); the
 * plugins.conf is read when given or present, and is optional otherwise. */
#include "keys_cli_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <bt/host.h>
#include <bts/hex.h>
#include <bts/secp.h>

#include "log_int.h"
#include "paths_int.h"
#include "setup_int.h"

struct keys_env {
    struct config *cfg; /* NULL: no plugins.conf */
    char *datadir;
    char *keydir;
};

static void env_free(struct keys_env *e)
{
    config_free(e->cfg);
    free(e->datadir);
    free(e->keydir);
    log_shutdown();
}

static int env_open(const struct cli_opts *o, struct keys_env *e)
{
    memset(e, 0, sizeof(*e));
    int rc;
    if ((o->has_config || access(o->config, F_OK) == 0) &&
        (rc = setup_config(o, &e->cfg)) != CLI_EXIT_OK)
        return rc;
    if ((rc = setup_log(o, e->cfg)) != CLI_EXIT_OK)
        return rc;
    char err[1024];
    const char *given = o->datadir ? o->datadir : e->cfg ? e->cfg->datadir : NULL;
    char *dd = given ? strdup(given) : paths_default_datadir(err, sizeof(err));
    if (!dd) {
        fprintf(stderr, "bttcd: datadir: %s\n", given ? "out of memory" : err);
        return CLI_EXIT_FAIL;
    }
    bt_status st = paths_make_datadir(dd, &e->datadir, err, sizeof(err));
    free(dd);
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: datadir %s\n", err);
        return CLI_EXIT_FAIL;
    }
    if (!(e->keydir = keydir_path(e->datadir))) {
        fprintf(stderr, "bttcd: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static const char *pw_file_of(const struct cli_opts *o, const struct config *cfg)
{
    return o->password_file ? o->password_file : cfg ? cfg->signer_password_file : NULL;
}

/* A password for a new key file: the file's first line, else asked twice. */
static int new_password(const struct cli_opts *o, const struct keys_env *e, char **pw,
                        size_t *pw_len)
{
    char err[1024];
    const char *file = pw_file_of(o, e->cfg);
    if (file) {
        if (pw_from_file(pw, pw_len, file, 0, err, sizeof(err)) == BT_OK)
            return CLI_EXIT_OK;
        fprintf(stderr, "bttcd: password file %s\n", err);
        return CLI_EXIT_FAIL;
    }
    char *again = NULL;
    size_t again_len = 0;
    bt_status st = pw_prompt(pw, pw_len, "Password for the new key: ");
    if (st == BT_OK)
        st = pw_prompt(&again, &again_len, "Repeat the password: ");
    int rc = CLI_EXIT_OK;
    if (st == BT_ENOTSUP) {
        fprintf(stderr, "bttcd: no terminal to ask for a password: give --password-file FILE\n");
        rc = CLI_EXIT_FAIL;
    } else if (st != BT_OK) {
        fprintf(stderr, "bttcd: no password read\n");
        rc = CLI_EXIT_FAIL;
    } else if (*pw_len != again_len || memcmp(*pw, again, again_len) != 0) {
        fprintf(stderr, "bttcd: the passwords do not match\n");
        rc = CLI_EXIT_FAIL;
    }
    pw_free(again, again_len);
    if (rc != CLI_EXIT_OK) {
        pw_free(*pw, *pw_len);
        *pw = NULL;
    }
    return rc;
}

/* Encrypt and store a key unless the keystore has it already; print address and file. */
static int store_key(const struct cli_opts *o, const struct keys_env *e, const uint8_t key[32],
                     const char *pw, size_t pw_len)
{
    uint8_t addr[20];
    char a[BTS_HEX_EIP55_CAP], err[1024];
    if (bts_secp_seckey_to_address(addr, key) != BT_OK) {
        fprintf(stderr, "bttcd: not a valid secp256k1 private key\n");
        return CLI_EXIT_FAIL;
    }
    bts_hex_format_eip55(a, addr);
    struct keydir_list l;
    if (keydir_scan(&l, e->keydir, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: keystore %s\n", err);
        return CLI_EXIT_FAIL;
    }
    const struct keydir_entry *have;
    int is_dup = keydir_find(&l, addr, &have) != BT_ENOTFOUND;
    if (is_dup)
        fprintf(stderr, "bttcd: key %s is already in the keystore: %s\n", a, have->path);
    keydir_list_free(&l);
    if (is_dup)
        return CLI_EXIT_FAIL;
    char *json = NULL, *path = NULL;
    const struct ks_params *kp = o->is_lightkdf ? &ks_params_light : &ks_params_standard;
    bt_status st = ks_encrypt(&json, key, pw, pw_len, kp, err, sizeof(err));
    if (st == BT_OK)
        st = keydir_store(&path, e->keydir, addr, json, err, sizeof(err));
    free(json);
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    printf("address: %s\nfile:    %s\n", a, path);
    free(path);
    return CLI_EXIT_OK;
}

int keys_cmd_new(const struct cli_opts *o)
{
    struct keys_env e;
    int rc = env_open(o, &e);
    char *pw = NULL;
    size_t pw_len = 0;
    if (rc == CLI_EXIT_OK)
        rc = new_password(o, &e, &pw, &pw_len);
    if (rc == CLI_EXIT_OK) {
        uint8_t key[32], addr[20];
        /* A random 32-byte string is a valid key but with probability ~2^-128. */
        do {
            if (RAND_bytes(key, 32) != 1) {
                fprintf(stderr, "bttcd: no randomness (RAND_bytes failed)\n");
                rc = CLI_EXIT_FAIL;
                break;
            }
        } while (bts_secp_seckey_to_address(addr, key) != BT_OK);
        if (rc == CLI_EXIT_OK)
            rc = store_key(o, &e, key, pw, pw_len);
        explicit_bzero(key, sizeof(key));
    }
    pw_free(pw, pw_len);
    env_free(&e);
    return rc;
}

/* 64 hex digits, 0x allowed, surrounding white space ignored. */
static bt_status parse_hex_key(uint8_t key[32], const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    return bts_hex_decode_exact(key, 32, s, len, 0);
}

/* The password of a keystore file being imported: the file's first line, else asked once. */
static int file_password(const struct cli_opts *o, const struct keys_env *e, const char *what,
                         char **pw, size_t *pw_len)
{
    char err[1024], prompt[1200];
    const char *file = pw_file_of(o, e->cfg);
    if (file) {
        if (pw_from_file(pw, pw_len, file, 0, err, sizeof(err)) == BT_OK)
            return CLI_EXIT_OK;
        fprintf(stderr, "bttcd: password file %s\n", err);
        return CLI_EXIT_FAIL;
    }
    snprintf(prompt, sizeof(prompt), "Password of %s: ", what);
    bt_status st = pw_prompt(pw, pw_len, prompt);
    if (st == BT_OK)
        return CLI_EXIT_OK;
    fprintf(stderr, "bttcd: %s\n",
            st == BT_ENOTSUP ? "no terminal to ask for a password: give --password-file FILE"
                             : "no password read");
    return CLI_EXIT_FAIL;
}

int keys_cmd_import(const struct cli_opts *o)
{
    struct keys_env e;
    int rc = env_open(o, &e);
    if (rc != CLI_EXIT_OK) {
        env_free(&e);
        return rc;
    }
    const char *file = o->files[0];
    char *text = NULL, *pw = NULL, err[1024];
    size_t len = 0, pw_len = 0;
    uint8_t key[32], addr[20];
    if (keydir_read_file(&text, &len, file, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: keys import: %s\n", err);
        rc = CLI_EXIT_FAIL;
    } else if (parse_hex_key(key, text, len) == BT_OK) {
        rc = new_password(o, &e, &pw, &pw_len);
        if (rc == CLI_EXIT_OK)
            rc = store_key(o, &e, key, pw, pw_len);
    } else if (ks_peek_address(addr, text, len) == BT_OK || strchr(text, '{')) {
        rc = file_password(o, &e, file, &pw, &pw_len);
        if (rc == CLI_EXIT_OK &&
            ks_decrypt(key, addr, text, len, pw, pw_len, err, sizeof(err)) != BT_OK) {
            fprintf(stderr, "bttcd: keys import: %s: %s\n", file, err);
            rc = CLI_EXIT_FAIL;
        }
        /* Re-encrypted under the same password, in geth's layout and our KDF settings. */
        if (rc == CLI_EXIT_OK)
            rc = store_key(o, &e, key, pw, pw_len);
    } else {
        fprintf(stderr,
                "bttcd: keys import: %s: neither a keystore JSON file nor a hex private key "
                "(64 hex digits)\n",
                file);
        rc = CLI_EXIT_FAIL;
    }
    explicit_bzero(key, sizeof(key));
    if (text)
        explicit_bzero(text, len);
    free(text);
    pw_free(pw, pw_len);
    env_free(&e);
    return rc;
}

int keys_cmd_list(const struct cli_opts *o)
{
    struct keys_env e;
    int rc = env_open(o, &e);
    struct keydir_list l = {0};
    char err[1024];
    if (rc == CLI_EXIT_OK && keydir_scan(&l, e.keydir, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: keystore %s\n", err);
        rc = CLI_EXIT_FAIL;
    }
    if (rc == CLI_EXIT_OK && l.n == 0)
        printf("no keys in %s\n", e.keydir);
    for (size_t i = 0; rc == CLI_EXIT_OK && i < l.n; i++) {
        char a[BTS_HEX_EIP55_CAP];
        bts_hex_format_eip55(a, l.v[i].addr);
        printf("%s %s\n", a, l.v[i].path);
    }
    keydir_list_free(&l);
    env_free(&e);
    return rc;
}

/* Unlock item i of the list (a validated address). */
static int unlock_one(struct signer *s, const char *pw_file, size_t i, const uint8_t addr[20])
{
    char a[BTS_HEX_EIP55_CAP], err[1024], prompt[80];
    bts_hex_format_eip55(a, addr);
    char *pw = NULL;
    size_t pw_len = 0;
    bt_status st;
    if (pw_file) {
        st = pw_from_file(&pw, &pw_len, pw_file, i, err, sizeof(err));
        if (st != BT_OK) {
            fprintf(stderr, "bttcd: signer: password file %s\n", err);
            return CLI_EXIT_FAIL;
        }
    } else {
        snprintf(prompt, sizeof(prompt), "Password for %s: ", a);
        st = pw_prompt(&pw, &pw_len, prompt);
        if (st != BT_OK) {
            fprintf(stderr,
                    "bttcd: signer: no password for %s: give [signer] password_file or "
                    "--password-file FILE\n",
                    a);
            return CLI_EXIT_FAIL;
        }
    }
    st = signer_unlock(s, addr, pw, pw_len, err, sizeof(err));
    pw_free(pw, pw_len);
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: signer: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    hlog(BT_LOG_INFO, "key unlocked", "address=%s", a);
    return CLI_EXIT_OK;
}

int keys_signer_start(const struct cli_opts *o, const struct config *cfg, const char *datadir,
                      struct signer **out)
{
    *out = NULL;
    const char *list = o->unlock ? o->unlock : cfg ? cfg->signer_unlock : NULL;
    uint8_t none[20] = {0};
    size_t bad = 0;
    if (list && (keys_list_has(list, none, &bad), bad)) {
        fprintf(stderr, "bttcd: --unlock: '%.*s' is not an address (0x and 40 hex digits)\n",
                (int)strcspn(list + bad - 1, ", \t"), list + bad - 1);
        return CLI_EXIT_USAGE;
    }
    char *dir = keydir_path(datadir), err[1024];
    struct signer *s = NULL;
    if (!dir || signer_new(&s, dir, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: signer: %s\n", dir ? err : "out of memory");
        free(dir);
        return CLI_EXIT_FAIL;
    }
    free(dir);
    int rc = CLI_EXIT_OK;
    const char *p = list ? list : "";
    for (size_t i = 0; rc == CLI_EXIT_OK && *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        uint8_t addr[20];
        if (n && keys_parse_address(addr, p, n) == BT_OK)
            rc = unlock_one(s, pw_file_of(o, cfg), i++, addr);
        p += n;
    }
    if (rc != CLI_EXIT_OK) {
        signer_free(s);
        return rc;
    }
    *out = s;
    return CLI_EXIT_OK;
}
