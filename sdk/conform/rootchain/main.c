/* btsdk-conform-rootchain: run the root-chain conformance suite (bts/conform_rootchain.h) on an
 * adapter .so against a live JSON-RPC node, from the command line. Installed with the SDK so a
 * third-party adapter is checked exactly as bttcd's own are.
 *
 *   btsdk-conform-rootchain PLUGIN.so URL CHAIN_ID KEYFILE [--only NAME] [KEY=VALUE...]
 *
 * KEYFILE holds the hex private key of an account funded on the node (a test key: the suite
 * deploys a contract and sends transactions with it); KEY=VALUE pairs are extra settings of
 * the plugin's section. Exit status: 0 every check passed, 1 a check failed or the plugin does
 * not load, 2 usage error. */
#include <bts/conform_rootchain.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

static int usage(void)
{
    fputs("usage: btsdk-conform-rootchain PLUGIN.so URL CHAIN_ID KEYFILE [--only NAME] "
          "[KEY=VALUE...]\n",
          stderr);
    return 2;
}

static int read_key(const char *path, uint8_t key[32])
{
    char text[200] = "";
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "btsdk-conform-rootchain: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = 0;
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        text[--n] = 0;
    const char *h =
        (n > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) ? text + 2 : text;
    size_t got = 0;
    if (strlen(h) != 64 || bts_hex_decode(key, 32, &got, h, 64, 0) != BT_OK || got != 32) {
        fprintf(stderr, "btsdk-conform-rootchain: %s: not 64 hex digits\n", path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return usage();
    char *end;
    errno = 0;
    unsigned long long chain = strtoull(argv[3], &end, 10);
    if (*end || errno || argv[3][0] < '0' || argv[3][0] > '9')
        return usage();
    uint8_t key[32];
    if (read_key(argv[4], key) != 0)
        return 2;
    const char *only = NULL;
    const char **conf = calloc((size_t)argc * 2 + 1, sizeof(*conf));
    char **owned = calloc((size_t)argc + 1, sizeof(*owned));
    if (!conf || !owned)
        return 1;
    size_t n = 0;
    for (int i = 5; i < argc; i++) {
        if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            only = argv[++i];
            continue;
        }
        char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            free(conf);
            free(owned);
            return usage();
        }
        owned[i] = strdup(argv[i]);
        if (!owned[i])
            return 1;
        owned[i][eq - argv[i]] = 0;
        conf[n++] = owned[i];
        conf[n++] = owned[i] + (eq - argv[i]) + 1;
    }
    conf[n] = NULL;
    signal(SIGPIPE, SIG_IGN);
    struct bts_conform_rootchain c = {
        .plugin_path = argv[1], .url = argv[2], .chain_id = chain, .seckey = key, .conf = conf};
    struct bts_conform_rootchain_result r;
    bt_status st = bts_conform_rootchain_run(&c, only, &r);
    for (int i = 0; i < argc; i++)
        free(owned[i]);
    free(owned);
    free(conf);
    return st == BT_OK && r.n_failed == 0 ? 0 : 1;
}
