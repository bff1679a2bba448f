/* `bttcd run --dev` (node_chain_int.h): the plugins a development chain needs, an ephemeral
 * datadir unless --datadir is given (as geth --dev), a password-less signer key created on the
 * first start, and the pre-funded anvil/hardhat accounts printed at start. */
#include "node_chain_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <bts/hex.h>
#include <bts/secp.h>

#include "log_int.h"
#include "paths_int.h"
#include "setup_int.h"

static struct conf_plugin *find_section(struct config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_plugins; i++)
        if (strcmp(cfg->plugins[i].name, name) == 0)
            return &cfg->plugins[i];
    return NULL;
}

/* The section `name`, appended (enabled, no keys) when plugins.conf lacks it. */
static struct conf_plugin *ensure_section(struct config *cfg, const char *name)
{
    struct conf_plugin *pl = find_section(cfg, name);
    if (pl)
        return pl;
    struct conf_plugin *v = realloc(cfg->plugins, (cfg->n_plugins + 1) * sizeof(*v));
    if (!v)
        return NULL;
    cfg->plugins = v;
    pl = &v[cfg->n_plugins];
    memset(pl, 0, sizeof(*pl));
    if (!(pl->name = strdup(name)))
        return NULL;
    pl->is_enabled = 1;
    cfg->n_plugins++;
    return pl;
}

/* Set key=value unless the section has the key already. 0 or -1 (out of memory). */
static int ensure_key(struct conf_plugin *pl, const char *key, const char *value)
{
    for (size_t i = 0; i < pl->n_entries; i++)
        if (strcmp(pl->entries[i].key, key) == 0)
            return 0;
    struct conf_entry *v = realloc(pl->entries, (pl->n_entries + 1) * sizeof(*v));
    if (!v)
        return -1;
    pl->entries = v;
    v[pl->n_entries] = (struct conf_entry){strdup(key), strdup(value), 0};
    if (!v[pl->n_entries].key || !v[pl->n_entries].value) {
        free(v[pl->n_entries].key);
        free(v[pl->n_entries].value);
        return -1;
    }
    pl->n_entries++;
    return 0;
}

/* The dev signer: the address in <datadir>/dev-signer, else a new random key stored in the
 * keystore with an empty password (development only: anyone with the datadir can sign). */
static int dev_signer(const char *datadir, char out_addr[43])
{
    char *file = paths_join(datadir, NODE_DEV_SIGNER_FILE), err[1024];
    char *text = NULL;
    size_t len = 0;
    uint8_t addr[20];
    if (!file)
        return CLI_EXIT_FAIL;
    if (keydir_read_file(&text, &len, file, err, sizeof(err)) == BT_OK) {
        while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
            text[--len] = '\0';
        int ok = keys_parse_address(addr, text, len) == BT_OK;
        free(text);
        if (!ok) {
            setup_error("bttcd: %s: not an address", file);
            free(file);
            return CLI_EXIT_FAIL;
        }
        bts_hex_format_eip55(out_addr, addr);
        free(file);
        return CLI_EXIT_OK;
    }
    uint8_t key[32];
    char *json = NULL, *dir = keydir_path(datadir), *path = NULL;
    int rc = CLI_EXIT_FAIL;
    do {
        if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
            continue;
    } while (bts_secp_seckey_to_address(addr, key) != BT_OK);
    if (dir && ks_encrypt(&json, key, "", 0, &ks_params_light, err, sizeof(err)) == BT_OK &&
        keydir_store(&path, dir, addr, json, err, sizeof(err)) == BT_OK) {
        bts_hex_format_eip55(out_addr, addr);
        FILE *f = fopen(file, "w");
        if (f && fprintf(f, "%s\n", out_addr) > 0 && fclose(f) == 0) {
            f = NULL;
            rc = CLI_EXIT_OK;
            hlog(BT_LOG_WARN, "created the dev signer key",
                 "address=%s keyfile=\"%s\" password=\"\" note=\"development only: the key has "
                 "no password\"",
                 out_addr, path);
        } else {
            snprintf(err, sizeof(err), "%s: %s", file, strerror(errno));
        }
        if (f)
            fclose(f);
    }
    if (rc != CLI_EXIT_OK)
        setup_error("bttcd: dev signer: %s", err);
    explicit_bzero(key, sizeof(key));
    free(json);
    free(dir);
    free(path);
    free(file);
    return rc;
}

static struct config *empty_config(void)
{
    struct config *c = calloc(1, sizeof(*c));
    if (c && (!(c->file = strdup("(--dev defaults)")) || !(c->dir = strdup(".")))) {
        config_free(c);
        c = NULL;
    }
    return c;
}

int node_dev_setup(const struct cli_opts *o, struct config **cfgp, char **out_tmpdir)
{
    *out_tmpdir = NULL;
    if (!*cfgp && !(*cfgp = empty_config()))
        return CLI_EXIT_FAIL;
    struct config *cfg = *cfgp;
    const char *datadir = o->datadir;
    if (!datadir) {
        /* geth --dev without --datadir: nothing survives the process. */
        char tmpl[] = "/tmp/bttcd-dev-XXXXXX";
        if (!mkdtemp(tmpl)) {
            setup_error("bttcd: --dev: cannot make a temporary datadir: %s", strerror(errno));
            return CLI_EXIT_FAIL;
        }
        if (!(*out_tmpdir = strdup(tmpl)))
            return CLI_EXIT_FAIL;
        free(cfg->datadir);
        cfg->datadir = strdup(tmpl);
        if (!cfg->storage_backend)
            cfg->storage_backend = strdup("storage-memory");
        if (!cfg->datadir || !cfg->storage_backend)
            return CLI_EXIT_FAIL;
        datadir = *out_tmpdir;
    } else if (mkdir(datadir, 0700) != 0 && errno != EEXIST) {
        setup_error("bttcd: %s: %s", datadir, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    char signer[43], period[24];
    uint8_t follow[20];
    if (o->dev_follow) {
        /* A follower: the producer's signer verifies the seals; no key of our own. */
        if (keys_parse_address(follow, o->dev_follow, strlen(o->dev_follow)) != BT_OK) {
            setup_error("bttcd: --dev.follow: not an address: \"%s\"", o->dev_follow);
            return CLI_EXIT_USAGE;
        }
        bts_hex_format_eip55(signer, follow);
    } else {
        int rc = dev_signer(datadir, signer);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    snprintf(period, sizeof(period), "%llu", (unsigned long long)o->dev_period);
    struct conf_plugin *evm = ensure_section(cfg, "evm");
    struct conf_plugin *cons = evm ? ensure_section(cfg, "consensus-dev") : NULL;
    if (!cons || ensure_key(cons, "signer", signer) || ensure_key(cons, "period", period) ||
        (o->dev_follow && ensure_key(cons, "follow", "1")))
        return CLI_EXIT_FAIL;
    return CLI_EXIT_OK;
}

int node_dev_unlock(const struct config *cfg, struct signer *sg)
{
    const struct conf_plugin *pl = find_section((struct config *)cfg, "consensus-dev");
    for (size_t i = 0; pl && i < pl->n_entries; i++)
        if (strcmp(pl->entries[i].key, "follow") == 0 && strcmp(pl->entries[i].value, "0") != 0)
            return CLI_EXIT_OK; /* verify-only: no key to unlock */
    for (size_t i = 0; pl && i < pl->n_entries; i++) {
        if (strcmp(pl->entries[i].key, "signer") != 0)
            continue;
        uint8_t addr[20];
        char err[1024];
        int is_unlocked = 0;
        const char *v = pl->entries[i].value;
        if (keys_parse_address(addr, v, strlen(v)) != BT_OK)
            return CLI_EXIT_OK; /* the plugin reports it */
        if (signer_has(sg, addr, &is_unlocked) == BT_OK && is_unlocked)
            return CLI_EXIT_OK;
        if (signer_unlock(sg, addr, "", 0, err, sizeof(err)) != BT_OK) {
            setup_error("bttcd: --dev: signer %s: %s (give --unlock and --password-file for a "
                        "key with a password)",
                        v, err);
            return CLI_EXIT_FAIL;
        }
        return CLI_EXIT_OK;
    }
    return CLI_EXIT_OK;
}

void node_dev_print_accounts(uint32_t n)
{
    printf("\nDevelopment accounts (bttcd --dev)\n"
           "==================================\n"
           "WARNING: these are the PUBLIC test keys of anvil and hardhat (mnemonic \"test test "
           "test\ntest test test test test test test test junk\", m/44'/60'/0'/0/i). Anyone can "
           "spend\nfrom them on any network: use them for development only.\n\n");
    for (uint32_t i = 0; i < n; i++) {
        uint8_t key[32];
        struct bt_address a;
        char addr[BTS_HEX_EIP55_CAP], hex[67];
        size_t hl;
        if (genesis_dev_key(key, i) != BT_OK || genesis_dev_address(&a, i) != BT_OK ||
            bts_hex_encode(hex, sizeof(hex), &hl, key, 32, BTS_HEX_0X) != BT_OK)
            break;
        bts_hex_format_eip55(addr, a.bytes);
        printf("(%u) %s (%d ETH)\n    private key: %s\n", i, addr, GENESIS_DEV_BALANCE_ETHER, hex);
        explicit_bzero(key, sizeof(key));
        explicit_bzero(hex, sizeof(hex));
    }
    printf("\n");
    fflush(stdout);
}
