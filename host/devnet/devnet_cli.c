/* `bttcd devnet [up] | down | status`: options, and the supervisor's sequence (basechains,
 * contracts, validators' files, validators, live status until Ctrl-C). */
#define _XOPEN_SOURCE 700
#include "devnet_int.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include <bts/hex.h>

#include "genesis_int.h"
#include "keys_int.h"

enum dn_cmd { DN_UP, DN_DOWN, DN_STATUS, DN_RESTART, DN_STOP, DN_ADD_VALIDATOR, DN_UNSTAKE };

struct dn_opts {
    enum dn_cmd cmd;
    uint32_t n_val;
    const char *dir;
    const char *rootchains;
    const char *eth_url, *bsc_url;
    int is_fresh, is_no_tui, is_json, is_no_delivery, wants_help;
    char *names[DN_N_CHAINS + DN_MAX_VALIDATORS]; /* restart / stop */
    size_t n_names;
    uint32_t unstake_n; /* `unstake N` */
};

static const char *const helps[] = {
    "Usage: bttcd devnet [up] [--validators N] [--dir DIR] [--rootchains tron,bsc,eth]\n"
    "                         [--eth-url URL] [--bsc-url URL] [--fresh] [--no-tui]\n"
    "                         [--no-delivery]\n"
    "       bttcd devnet down [--dir DIR]\n"
    "       bttcd devnet status [--dir DIR] [--json]\n"
    "       bttcd devnet restart|stop NAME... [--dir DIR]\n"
    "       bttcd devnet add-validator [--dir DIR]\n"
    "       bttcd devnet unstake N [--dir DIR]\n\n"
    "A whole local BTTC network in one command, for development (docs/devnet.md):\n"
    "  1. basechains: a `bttcd run --dev` node per basechain (TRON with the dev TRON API,\n"
    "     chain ids: eth 31337, bsc 97, tron 0xcd8690dc), or the URLs given for eth/bsc;\n"
    "  2. the root contracts (contracts/build) deployed on each, every validator staked;\n"
    "  3. N validators (dev accounts 0..N-1 as signers), each a `bttcd run` with\n"
    "     consensus-bttc, evm, storage-leveldb and the rootchain adapters, p2p on loopback,\n"
    "     running Delivery (from DIR/delivery-genesis.json; needs tron) with a REST server;\n"
    "  4. a live status table until Ctrl-C, which stops every process, and a status page\n"
    "     in the browser (served by validator 0, URL printed when ready).\n"
    "Everything lives in DIR (default ./devnet); a second start resumes the same network,\n"
    "--fresh deletes DIR first. The keys are PUBLIC development keys.\n\n"
    "Options:\n"
    "  --validators N    validators (default 4, at most 32)\n"
    "  --dir DIR         the devnet's directory (default ./devnet)\n"
    "  --rootchains LIST basechains to use, comma-separated: tron, bsc, eth (default all)\n"
    "  --eth-url URL     use this Ethereum JSON-RPC (anvil, a node) instead of starting one\n"
    "                    (eth must be in --rootchains)\n"
    "  --bsc-url URL     same for BSC\n"
    "  --fresh           delete the devnet of DIR first (refused while its supervisor runs)\n"
    "  --no-tui          no live table: print a ready line, then only process exits\n"
    "  --no-delivery     a new network without Delivery: spans from DIR/spans.json\n"
    "                    (16,384 blocks; with Delivery, Bttc needs Delivery's span\n"
    "                    proposals after span 0)\n"
    "Exit status: 0 after Ctrl-C / `devnet down`, 1 when a step fails (the message names\n"
    "it and the log under DIR/logs), 2 for a usage error.\n",
    "Usage: bttcd devnet down [--dir DIR]\n\n"
    "Stop the devnet of DIR: SIGTERM to the supervisor (which stops its validators, then its\n"
    "basechains, SIGKILL after 10 s), then to any process left in DIR/run/*.pid. The data\n"
    "stays: `bttcd devnet` resumes it.\n",
    "Usage: bttcd devnet status [--dir DIR] [--json]\n\n"
    "Print the status of the devnet of DIR once: per validator its health, head, hash,\n"
    "peers, Delivery height and endpoints (JSON-RPC, WS, Delivery REST); the current Bttc span\n"
    "and Delivery's latest span with their producers; per basechain its head, staked\n"
    "validators, last checkpoint (RootChain.currentHeaderBlock, getLastChildBlock), the\n"
    "checkpoints Delivery acknowledged and the state syncs (StateSender.counter) not yet in\n"
    "Delivery; the development keys. A fact that is not known prints \"-\" (\"down\" for a\n"
    "basechain that is down); --json prints the same as one JSON object, unknown facts as\n"
    "null with the reason under \"missing\". Exit status 1 when DIR holds no devnet.\n",
    "Usage: bttcd devnet restart NAME... [--dir DIR]\n\n"
    "Restart processes of the running devnet of DIR: NAME is a validator (v0, v1, ...) or a\n"
    "basechain the devnet runs (tron, bsc, eth). The supervisor stops the process if it runs\n"
    "(SIGTERM, SIGKILL after 10 s) and starts it again with the same command line: same\n"
    "ports, datadir and keys, so a validator catches up over p2p and a basechain comes back\n"
    "at the URL the validators use. Also the way to bring back a process that crashed or was\n"
    "killed (the supervisor does not restart children on its own). Waits until the process\n"
    "answers JSON-RPC (90 s). Exit status 0 when every NAME answers, 1 otherwise (no\n"
    "supervisor runs DIR: 'bttcd devnet' starts the whole network), 2 for an unknown NAME.\n",
    "Usage: bttcd devnet stop NAME... [--dir DIR]\n\n"
    "Stop processes of the running devnet of DIR (NAME as for 'devnet restart'): SIGTERM,\n"
    "SIGKILL after 10 s. The rest of the network keeps running; 'bttcd devnet restart NAME'\n"
    "starts it again, 'bttcd devnet down' stops everything.\n",
    "Usage: bttcd devnet add-validator [--dir DIR]\n\n"
    "Add the next validator vN (dev account N) to the running devnet of DIR: its keystore,\n"
    "node key, datadir and plugins.conf as the first start makes them; 200 DEV from dev\n"
    "account 0 and stakeFor(100 DEV) from its own key on TRON's StakeManager (mirrored on\n"
    "bsc/eth); then the supervisor starts its bttcd. Delivery admits it from the Staked event\n"
    "(MsgValidatorJoin) and the next span proposed makes it a producer. Needs a running\n"
    "devnet with Delivery (tron). Exit status 1 when a step fails.\n",
    "Usage: bttcd devnet unstake N [--dir DIR]\n\n"
    "Validator vN calls StakeManager.unstake on TRON (and bsc/eth): UnstakeInit sets its\n"
    "deactivation epoch to the current epoch + 1, Delivery records it (MsgValidatorExit) and\n"
    "removes it from the validator set once the next TRON checkpoint is acknowledged; spans\n"
    "proposed after that do not pick it. Its process keeps running. Exit status 2 for a\n"
    "validator number the devnet does not have, 1 when a step fails.\n"};

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "bttcd devnet: %s%s\nTry 'bttcd devnet --help'.\n", msg, arg ? arg : "");
    return 2;
}

/* "tron,bsc,eth" (any non-empty subset): enabled[c] set per named basechain. Returns 0, or a
 * usage error (printed) for an unknown name or an empty list. */
static int parse_rootchains(const char *list, int enabled[DN_N_CHAINS])
{
    char buf[64];
    int n = 0;
    memset(enabled, 0, sizeof(int) * DN_N_CHAINS);
    if (strlen(list) >= sizeof(buf))
        return usage("--rootchains: want a list of tron, bsc, eth, not ", list);
    dn_fmt(buf, sizeof(buf), "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int c = strcmp(t, "tron") == 0  ? DN_TRON
                : strcmp(t, "bsc") == 0 ? DN_BSC
                : strcmp(t, "eth") == 0 ? DN_ETH
                                        : -1;
        if (c < 0)
            return usage("--rootchains: unknown basechain ", t);
        enabled[c] = 1;
        n++;
    }
    if (n == 0)
        return usage("--rootchains: name at least one of tron, bsc, eth", NULL);
    return 0;
}

static int parse(int argc, char **argv, struct dn_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->n_val = 4;
    o->dir = "devnet";
    o->rootchains = "tron,bsc,eth";
    int has_cmd = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = strcmp(a, "--validators") == 0 || strcmp(a, "--dir") == 0 ||
                    strcmp(a, "--rootchains") == 0 || strcmp(a, "--eth-url") == 0 ||
                    strcmp(a, "--bsc-url") == 0;
        if (takes && !val)
            return usage("option needs a value: ", a);
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->wants_help = 1;
        } else if (strcmp(a, "--validators") == 0) {
            char *end;
            unsigned long n = strtoul(val, &end, 10);
            if (*end || n < 1 || n > DN_MAX_VALIDATORS || *val < '0' || *val > '9')
                return usage("--validators: want 1..32, not ", val);
            o->n_val = (uint32_t)n;
        } else if (strcmp(a, "--dir") == 0) {
            o->dir = val;
        } else if (strcmp(a, "--rootchains") == 0) {
            o->rootchains = val;
        } else if (strcmp(a, "--eth-url") == 0) {
            o->eth_url = val;
        } else if (strcmp(a, "--bsc-url") == 0) {
            o->bsc_url = val;
        } else if (strcmp(a, "--fresh") == 0) {
            o->is_fresh = 1;
        } else if (strcmp(a, "--no-tui") == 0) {
            o->is_no_tui = 1;
        } else if (strcmp(a, "--no-delivery") == 0) {
            o->is_no_delivery = 1;
        } else if (strcmp(a, "--json") == 0) {
            o->is_json = 1;
        } else if (a[0] == '-') {
            return usage("unknown option ", a);
        } else if (!has_cmd &&
                   (strcmp(a, "up") == 0 || strcmp(a, "down") == 0 || strcmp(a, "status") == 0 ||
                    strcmp(a, "restart") == 0 || strcmp(a, "stop") == 0)) {
            o->cmd = a[0] == 'u'                ? DN_UP
                     : a[0] == 'd'              ? DN_DOWN
                     : strcmp(a, "status") == 0 ? DN_STATUS
                     : strcmp(a, "stop") == 0   ? DN_STOP
                                                : DN_RESTART;
            has_cmd = 1;
        } else if (!has_cmd && strcmp(a, "add-validator") == 0) {
            o->cmd = DN_ADD_VALIDATOR;
            has_cmd = 1;
        } else if (!has_cmd && (strcmp(a, "unstake") == 0 || strcmp(a, "remove-validator") == 0)) {
            o->cmd = DN_UNSTAKE;
            has_cmd = 2; /* wants N */
        } else if (has_cmd == 2) {
            char *end;
            unsigned long n = strtoul(a, &end, 10);
            if (*end || *a < '0' || *a > '9' || n >= DN_MAX_VALIDATORS)
                return usage("unstake: want a validator number (0..31), not ", a);
            o->unstake_n = (uint32_t)n;
            has_cmd = 1;
        } else if ((o->cmd == DN_RESTART || o->cmd == DN_STOP) && has_cmd == 1) {
            if (o->n_names == sizeof(o->names) / sizeof(o->names[0]))
                return usage("too many names: ", a);
            o->names[o->n_names++] = argv[i];
        } else {
            return usage("unexpected argument ", a);
        }
        if (takes)
            i++;
    }
    if (o->is_json && o->cmd != DN_STATUS)
        return usage("--json belongs to 'devnet status'", NULL);
    if ((o->cmd == DN_RESTART || o->cmd == DN_STOP) && !o->n_names && !o->wants_help)
        return usage("name the processes: v0, v1, ..., tron, bsc, eth", NULL);
    if (has_cmd == 2 && !o->wants_help)
        return usage("unstake: which validator? (bttcd devnet unstake N)", NULL);
    int enabled[DN_N_CHAINS];
    if (parse_rootchains(o->rootchains, enabled) != 0)
        return 2;
    /* A URL for a basechain the list leaves out would be silently unused. */
    if (o->eth_url && !enabled[DN_ETH])
        return usage("--eth-url: eth is not in --rootchains ", o->rootchains);
    if (o->bsc_url && !enabled[DN_BSC])
        return usage("--bsc-url: bsc is not in --rootchains ", o->rootchains);
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static volatile sig_atomic_t g_stop, g_adopt;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        g_adopt = 1; /* `devnet add-validator` recorded a validator: start it */
    else
        g_stop = 1;
}

/* Resolve DIR (created) and this executable. */
static int resolve(struct devnet *d, const char *dir, int create)
{
    ssize_t n = readlink("/proc/self/exe", d->exe, sizeof(d->exe) - 1);
    if (n <= 0) {
        fprintf(stderr, "bttcd devnet: /proc/self/exe: %s\n", strerror(errno));
        return -1;
    }
    d->exe[n] = '\0';
    if (create && dn_mkdir(dir) != 0) {
        fprintf(stderr, "bttcd devnet: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char *abs = realpath(dir, NULL);
    if (!abs) {
        fprintf(stderr, "bttcd devnet: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    dn_fmt(d->dir, sizeof(d->dir), "%s", abs);
    free(abs);
    struct stat sb;
    if (stat(d->dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "bttcd devnet: --dir %s: not a directory\n", dir);
        return -1;
    }
    return 0;
}

/* A new network only goes into an empty directory: `--dir ~` by mistake must not scatter a
 * devnet among the user's files (the same rule as --fresh, which deletes only a devnet). */
static int dir_is_empty(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dp);
    return n == 0;
}

static int take_port(int *used, size_t *n_used)
{
    int p = dn_free_port(used, *n_used);
    used[(*n_used)++] = p;
    return p;
}

/* A new network: chains, ports, validators. */
static int plan(struct devnet *d, const struct dn_opts *o)
{
    int used[2 * DN_N_CHAINS + 4 * DN_MAX_VALIDATORS];
    size_t n_used = 0;
    d->n_val = o->n_val;
    d->is_delivery_off = o->is_no_delivery;
    int enabled[DN_N_CHAINS];
    if (parse_rootchains(o->rootchains, enabled) != 0)
        return 2;
    for (int c = 0; c < DN_N_CHAINS; c++)
        d->base[c].is_enabled = enabled[c];
    static const uint64_t ids[] = {DN_TRON_CHAIN_ID, DN_BSC_CHAIN_ID, DN_ETH_CHAIN_ID};
    for (int c = 0; c < DN_N_CHAINS; c++) {
        struct dn_base *b = &d->base[c];
        const char *url = c == DN_ETH ? o->eth_url : c == DN_BSC ? o->bsc_url : NULL;
        if (!b->is_enabled)
            continue;
        b->chain_id = ids[c];
        if (url) {
            b->is_external = 1;
            dn_fmt(b->url, sizeof(b->url), "%s", url);
            continue;
        }
        b->http_port = take_port(used, &n_used);
        if (c == DN_TRON)
            b->tron_api_port = take_port(used, &n_used);
        dn_fmt(b->url, sizeof(b->url), "http://127.0.0.1:%d", b->http_port);
    }
    for (uint32_t i = 0; i < d->n_val; i++) {
        struct dn_val *v = &d->val[i];
        struct bt_address a;
        if (genesis_dev_address(&a, i) != BT_OK)
            return 1;
        memcpy(v->addr, a.bytes, 20);
        bts_hex_format_eip55(v->addr_hex, v->addr);
        v->http_port = take_port(used, &n_used);
        v->ws_port = take_port(used, &n_used);
        v->p2p_port = take_port(used, &n_used);
        v->rest_port = take_port(used, &n_used);
    }
    for (size_t i = 0; i < n_used; i++)
        if (!used[i]) {
            fprintf(stderr, "bttcd devnet: no free loopback port\n");
            return 1;
        }
    return 0;
}

/* A devnet made before Delivery has no REST ports: pick them now (saved with the state). */
static int fill_rest_ports(struct devnet *d)
{
    int used[2 * DN_N_CHAINS + 5 * DN_MAX_VALIDATORS]; /* the known ports, then the new ones */
    size_t n_used = 0;
    for (int c = 0; c < DN_N_CHAINS; c++) {
        used[n_used++] = d->base[c].http_port;
        used[n_used++] = d->base[c].tron_api_port;
    }
    for (uint32_t i = 0; i < d->n_val; i++) {
        used[n_used++] = d->val[i].http_port;
        used[n_used++] = d->val[i].ws_port;
        used[n_used++] = d->val[i].p2p_port;
        used[n_used++] = d->val[i].rest_port;
    }
    for (uint32_t i = 0; i < d->n_val; i++)
        if (!d->val[i].rest_port && !(d->val[i].rest_port = take_port(used, &n_used))) {
            fprintf(stderr, "bttcd devnet: no free loopback port\n");
            return -1;
        }
    return 0;
}

static int fail(struct devnet *d, const char *step, const char *err)
{
    fprintf(stderr, "bttcd devnet: %s: %s\n", step, err);
    fprintf(stderr, "bttcd devnet: the next start resumes %s as it is; --fresh starts over\n",
            d->dir);
    dn_stop_all(d, 10000);
    char path[4200];
    dn_fmt(path, sizeof(path), "%s/run/devnet.pid", d->dir);
    unlink(path);
    return 1;
}

static int external_ready(struct devnet *d, enum dn_chain c, char *err, size_t cap)
{
    uint64_t id = 0;
    if (dn_rpc_u64(d->base[c].url, "eth_chainId", &id, 5000, err, cap) != BT_OK)
        return -1;
    d->base[c].chain_id = id;
    return 0;
}

static int up(struct devnet *d, const struct dn_opts *o)
{
    char err[1024], cdir[4096];
    if (dn_pid_alive(d, "devnet")) {
        fprintf(stderr,
                "bttcd devnet: the devnet of %s runs already (pid %ld): 'bttcd devnet "
                "status --dir %s', or 'bttcd devnet down --dir %s'\n",
                d->dir, (long)dn_pid_alive(d, "devnet"), d->dir, d->dir);
        return 1;
    }
    const char *contracts = dn_contracts_dir(d->exe, cdir, sizeof(cdir), err, sizeof(err));
    bt_status st = dn_state_load(d, err, sizeof(err));
    int is_new = st == BT_ENOTFOUND;
    if (st != BT_OK && !is_new) {
        fprintf(stderr, "bttcd devnet: %s (start over with --fresh)\n", err);
        return 1;
    }
    if (is_new && !dir_is_empty(d->dir)) {
        fprintf(stderr,
                "bttcd devnet: %s is not empty and holds no devnet: choose a new or empty "
                "directory with --dir\n",
                d->dir);
        return 1;
    }
    if (is_new && plan(d, o) != 0)
        return 2;
    if (!is_new && fill_rest_ports(d) != 0)
        return 1;
    if (!is_new && o->is_no_delivery && !d->is_delivery_off)
        fprintf(stderr, "bttcd devnet: resuming %s with Delivery on (--fresh to change)\n", d->dir);
    if (!is_new && o->n_val != d->n_val && o->n_val != 4)
        fprintf(stderr, "bttcd devnet: resuming %s with its %u validators (--fresh to change)\n",
                d->dir, d->n_val);
    if (!contracts && (is_new || !d->base[DN_TRON].is_deployed)) {
        fprintf(stderr, "bttcd devnet: %s\n", err);
        return 1;
    }
    char path[4200];
    dn_fmt(path, sizeof(path), "%s/run", d->dir);
    dn_mkdir(path);
    dn_fmt(path, sizeof(path), "%s/run/devnet.pid", d->dir);
    if (!d->status_port) { /* validator 0's status page: a port none of the others use */
        int used[2 * DN_N_CHAINS + 3 * DN_MAX_VALIDATORS];
        size_t n_used = 0;
        for (int c = 0; c < DN_N_CHAINS; c++)
            used[n_used++] = d->base[c].http_port, used[n_used++] = d->base[c].tron_api_port;
        for (uint32_t i = 0; i < d->n_val; i++)
            used[n_used++] = d->val[i].http_port, used[n_used++] = d->val[i].ws_port,
            used[n_used++] = d->val[i].p2p_port;
        d->status_port = dn_free_port(used, n_used);
    }
    char pid[32];
    dn_fmt(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (dn_write_file(path, pid, 0, err, sizeof(err)) != 0 || dn_state_save(d, err, sizeof(err)))
        return fail(d, "state", err);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    dn_ctl_clear(d);
    printf("bttcd devnet: %s network in %s (%u validator%s)\n", is_new ? "a new" : "resuming the",
           d->dir, d->n_val, d->n_val == 1 ? "" : "s");
    fflush(stdout);
    /* Basechains: start them all, then wait for each. */
    for (int c = 0; c < DN_N_CHAINS && !g_stop; c++)
        if (d->base[c].is_enabled && !d->base[c].is_external &&
            dn_start_base(d, (enum dn_chain)c, err, sizeof(err)) != BT_OK)
            return fail(d, dn_chain_names[c], err);
    for (int c = 0; c < DN_N_CHAINS && !g_stop; c++) {
        struct dn_base *b = &d->base[c];
        if (!b->is_enabled)
            continue;
        int rc = b->is_external ? external_ready(d, (enum dn_chain)c, err, sizeof(err))
                 : dn_wait_base(d, (enum dn_chain)c, err, sizeof(err)) == BT_OK ? 0
                                                                                : -1;
        if (rc != 0)
            return fail(d, dn_chain_names[c], err);
        printf("basechain %s: %s (chain id %llu)\n", dn_chain_names[c], b->url,
               (unsigned long long)b->chain_id);
        fflush(stdout);
    }
    if (!g_stop && dn_setup_signer(d, err, sizeof(err)) != BT_OK)
        return fail(d, "keystore", err);
    for (int c = 0; c < DN_N_CHAINS && !g_stop; c++) {
        struct dn_base *b = &d->base[c];
        size_t n = 0;
        if (b->is_enabled && b->is_deployed &&
            (dn_rpc_code_len(b->url, b->addr[DN_C_ROOT_CHAIN], &n, err, sizeof(err)) != BT_OK ||
             n == 0))
            return fail(d, dn_chain_names[c],
                        "the recorded RootChain has no code: the basechain lost its state "
                        "(start over with --fresh)");
    }
    int was_deployed[DN_N_CHAINS];
    for (int c = 0; c < DN_N_CHAINS; c++)
        was_deployed[c] = d->base[c].is_deployed;
    enum dn_chain failed = DN_TRON;
    if (!g_stop && dn_deploy(d, contracts, &failed, err, sizeof(err)) != BT_OK)
        return fail(d, dn_chain_names[failed], err);
    for (int c = 0; c < DN_N_CHAINS && !g_stop; c++) {
        struct dn_base *b = &d->base[c];
        if (!b->is_enabled || was_deployed[c])
            continue;
        char h[43];
        (c == DN_TRON ? dn_tron_hex : dn_addr_hex)(h, b->addr[DN_C_ROOT_CHAIN]);
        printf("basechain %s: contracts deployed (RootChain %s), %u validators staked\n",
               dn_chain_names[c], h, d->n_val);
    }
    fflush(stdout);
    if (!g_stop && dn_state_save(d, err, sizeof(err)) != BT_OK)
        return fail(d, "state", err);
    if (!g_stop && (dn_setup_validators(d, err, sizeof(err)) != BT_OK ||
                    dn_state_save(d, err, sizeof(err)) != BT_OK))
        return fail(d, "validators", err);
    if (!g_stop && dn_write_dlv_genesis(d, err, sizeof(err)) != BT_OK)
        return fail(d, "delivery genesis", err);
    for (uint32_t i = 0; i < d->n_val && !g_stop; i++)
        if (dn_start_validator(d, i, err, sizeof(err)) != BT_OK)
            return fail(d, "validator", err);
    for (uint32_t i = 0; i < d->n_val && !g_stop; i++)
        if (dn_wait_validator(d, i, err, sizeof(err)) != BT_OK)
            return fail(d, "validator", err);
    if (!g_stop && (dn_deploy_child(d, contracts, err, sizeof(err)) != BT_OK ||
                    dn_state_save(d, err, sizeof(err)) != BT_OK))
        return fail(d, "bttc", err);
    if (!g_stop) {
        printf("bttcd devnet: ready; Bttc JSON-RPC %s://127.0.0.1:%d (chain id %d); Ctrl-C or "
               "'bttcd devnet down' stops it\n",
               "http", d->val[0].http_port, DN_BTTC_CHAIN_ID);
        if (dn_has_delivery(d))
            printf("bttcd devnet: Delivery runs in every validator; v0's REST "
                   "http://127.0.0.1:%d (e.g. /bor/latest-span)\n",
                   d->val[0].rest_port);
        else
            printf("bttcd devnet: %s; spans come from %s/spans.json\n", dn_delivery_off_reason(d),
                   d->dir);
        if (d->status_port)
            printf("bttcd devnet: status page http://127.0.0.1:%d/\n", d->status_port);
        fflush(stdout);
    }
    int is_tty = !o->is_no_tui && isatty(1);
    while (!g_stop) {
        dn_reap(d);
        dn_serve_requests(d);
        if (g_adopt) {
            g_adopt = 0;
            if (dn_adopt_validators(d, err, sizeof(err)) != BT_OK)
                fprintf(stderr, "bttcd devnet: starting an added validator: %s\n", err);
        }
        if (is_tty) {
            json_t *s = dn_status_json(d);
            dn_status_print(d, s, 1);
            json_decref(s);
            /* the exits dn_reap printed were cleared with the screen: repeat them */
            for (size_t k = 0; k < d->n_procs; k++)
                if (d->procs[k].has_exited)
                    printf("EXITED: %s (see %s/logs/%s.log)\n", d->procs[k].name, d->dir,
                           d->procs[k].name);
            fflush(stdout);
        }
        for (int k = 0; k < 10 && !g_stop; k++)
            usleep(100 * 1000);
    }
    printf("bttcd devnet: stopping\n");
    fflush(stdout);
    dn_stop_all(d, 10000);
    unlink(path);
    /* Say what is there: someone may have deleted the directory meanwhile. */
    dn_fmt(path, sizeof(path), "%s/%s", d->dir, DN_STATE_FILE);
    if (access(path, F_OK) == 0)
        printf("bttcd devnet: stopped (data kept in %s)\n", d->dir);
    else
        printf("bttcd devnet: stopped (%s no longer holds the devnet: its data is gone)\n", d->dir);
    return 0;
}

static int fresh(struct devnet *d)
{
    char path[4200];
    /* Deleting under a running supervisor would leave its terminal saying "data kept". */
    pid_t sup = dn_pid_alive(d, "devnet");
    if (sup) {
        fprintf(stderr,
                "bttcd devnet: --fresh: the devnet of %s runs (supervisor pid %ld): stop it "
                "first (Ctrl-C in its terminal, or 'bttcd devnet down --dir %s'); nothing "
                "deleted\n",
                d->dir, (long)sup, d->dir);
        return -1;
    }
    dn_fmt(path, sizeof(path), "%s/%s", d->dir, DN_STATE_FILE);
    int has_state = access(path, F_OK) == 0;
    if (!has_state && rmdir(d->dir) != 0 && errno != ENOENT) {
        if (errno == ENOTEMPTY || errno == EEXIST)
            fprintf(stderr, "bttcd devnet: --fresh: %s holds no %s: not deleting it\n", d->dir,
                    DN_STATE_FILE);
        else
            fprintf(stderr, "bttcd devnet: --fresh: %s: %s\n", d->dir, strerror(errno));
        return -1;
    }
    if (has_state) {
        dn_down(d, 10000, 1);
        if (nftw(d->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
            fprintf(stderr, "bttcd devnet: --fresh: cannot delete %s: %s\n", d->dir,
                    strerror(errno));
            return -1;
        }
    }
    return 0;
}

int devnet_main(int argc, char **argv)
{
    struct dn_opts o;
    int rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (o.wants_help) {
        fputs(helps[o.cmd], stdout);
        return 0;
    }
    struct devnet *d = calloc(1, sizeof(*d));
    if (!d)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (o.cmd == DN_UP) {
        rc = resolve(d, o.dir, 1);
        if (rc == 0 && o.is_fresh) {
            rc = fresh(d) == 0 ? resolve(d, o.dir, 1) : -1;
        }
        rc = rc == 0 ? up(d, &o) : 1;
        signer_free(d->signer); /* wipes the unlocked dev keys */
    } else if (resolve(d, o.dir, 0) != 0) {
        rc = 1;
    } else if (o.cmd == DN_DOWN) {
        rc = dn_down(d, 10000, 0);
    } else if (o.cmd == DN_RESTART || o.cmd == DN_STOP) {
        rc = dn_ctl(d, o.cmd == DN_STOP, o.names, o.n_names, 90000);
    } else if (o.cmd == DN_ADD_VALIDATOR) {
        rc = dn_add_validator(d);
        signer_free(d->signer);
    } else if (o.cmd == DN_UNSTAKE) {
        rc = dn_unstake(d, o.unstake_n);
        signer_free(d->signer);
    } else {
        char err[1024];
        bt_status st = dn_state_load(d, err, sizeof(err));
        if (st != BT_OK) {
            fprintf(stderr, "bttcd devnet: %s\n",
                    st == BT_ENOTFOUND ? "no devnet in this directory (bttcd devnet starts one)"
                                       : err);
            rc = 1;
        } else {
            json_t *s = dn_status_json(d);
            if (o.is_json) {
                char *t = json_dumps(s, JSON_INDENT(2));
                printf("%s\n", t ? t : "{}");
                free(t);
            } else {
                dn_status_print(d, s, 0);
            }
            json_decref(s);
        }
    }
    curl_global_cleanup();
    free(d);
    return rc;
}
