/* Integration (issue 10 "Real peers in the tests"): the root-chain conformance suite of
 * test_anvil.c, with `bttcd run --dev` as the root chain instead of anvil. rootchain-ethereum
 * runs against the dev chain as it is (chain id 1337, London base fee); rootchain-bsc against a
 * dev node started with a BSC-like genesis (chain id 97, the BSC testnet, base fee 0 so fees
 * fall back to the legacy gas price, the anvil account 0 funded), once on the confirmations
 * rule as in test_anvil.c and once on the adapter's defaults ("finalized" tag). Each node is
 * ephemeral (no
 * --datadir), on free loopback ports, without p2p, and stopped after its suite; its log goes
 * to a temporary file printed when something fails. */
#include <bts/conform_rootchain.h>

#include "anvil_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* BSC-like chain for bttcd --dev: every fork of the dev preset at genesis, chain id 97 and a
 * zero base fee (BSC keeps baseFeePerGas at 0; small blocks keep it there). */
static const char bsc_genesis[] =
    "{\"config\":{\"chainId\":97,\"homesteadBlock\":0,\"eip150Block\":0,\"eip155Block\":0,"
    "\"eip158Block\":0,\"byzantiumBlock\":0,\"constantinopleBlock\":0,\"petersburgBlock\":0,"
    "\"istanbulBlock\":0,\"berlinBlock\":0,\"londonBlock\":0,\"terminalTotalDifficulty\":0,"
    "\"shanghaiTime\":0,\"cancunTime\":0},"
    "\"gasLimit\":\"30000000\",\"difficulty\":\"0\",\"timestamp\":\"0\",\"baseFeePerGas\":\"0\","
    "\"alloc\":{\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\":"
    "{\"balance\":\"0x21e19e0c9bab2400000\"}}}\n";

static void dump_log(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    fprintf(stderr, "---- bttcd log %s\n", path);
    while (f && fgets(line, sizeof(line), f))
        fputs(line, stderr);
    if (f)
        fclose(f);
    fprintf(stderr, "----\n");
}

/* Start bttcd --dev on a free HTTP port (genesis: NULL for the dev preset). The node writes
 * its output to log. Returns the pid (a process group of its own) or -1. */
static pid_t bttcd_start(unsigned port, const char *genesis, const char *log, const char *dir)
{
    char p[16];
    snprintf(p, sizeof(p), "%u", port);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (chdir(dir) != 0) /* no plugins.conf there: --dev loads only its own plugins */
            _exit(126);
        int null = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (null >= 0 && out >= 0) {
            dup2(null, 0), dup2(out, 1), dup2(out, 2);
            close(null), close(out);
        }
        const char *argv[24] = {"bttcd",       "run",       "--dev",        "--http",
                                "--http.addr", "127.0.0.1", "--http.port",  p,
                                "--maxpeers",  "0",         "--nodiscover", "--ipcdisable",
                                NULL};
        size_t n = 12;
        if (genesis)
            argv[n++] = "--genesis", argv[n++] = genesis;
        argv[n] = NULL;
        execv(BTTCD, (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 600 && pid > 0; i++) {
        if (anvil_port_open(port))
            return pid;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return -1;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (pid > 0) {
        kill(-pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
    return -1;
}

static int run(const char *plugin, uint64_t chain_id, const char *genesis, const char *log,
               const char *dir, const char *const *conf)
{
    unsigned port = anvil_free_port();
    pid_t pid = bttcd_start(port, genesis, log, dir);
    if (pid < 0) {
        fprintf(stderr, "cannot start bttcd --dev on port %u\n", port);
        dump_log(log);
        return 1;
    }
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
    struct bts_conform_rootchain c = {
        .plugin_path = plugin, .url = url, .chain_id = chain_id, .seckey = anvil_key, .conf = conf};
    struct bts_conform_rootchain_result r = {0};
    printf("== %s against bttcd --dev (chain %llu%s%s) at %s\n", plugin,
           (unsigned long long)chain_id, genesis ? ", BSC-like genesis" : "",
           conf ? ", confirmations rule" : "", url);
    fflush(stdout);
    bt_status st = bts_conform_rootchain_run(&c, getenv("BT_CONFORM_ONLY"), &r);
    kill(-pid, SIGTERM);
    int ws = 0;
    waitpid(pid, &ws, 0);
    int bad = st != BT_OK || r.n_failed != 0;
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        fprintf(stderr, "bttcd did not stop cleanly (status 0x%x)\n", ws);
        bad = 1;
    }
    if (bad)
        dump_log(log);
    return bad;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    char dir[] = "/tmp/bt-rcdev-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char genesis[96], log_eth[96], log_bsc[96];
    snprintf(genesis, sizeof(genesis), "%s/bsc-genesis.json", dir);
    snprintf(log_eth, sizeof(log_eth), "%s/eth.log", dir);
    snprintf(log_bsc, sizeof(log_bsc), "%s/bsc.log", dir);
    FILE *f = fopen(genesis, "w");
    if (!f || fputs(bsc_genesis, f) < 0 || fclose(f) != 0) {
        perror(genesis);
        return 1;
    }
    /* BSC twice: on the confirmations rule as in test_anvil.c, then on the adapter's own
     * defaults (the "finalized" tag, which bttcd serves). */
    static const char *const bsc_conf[] = {"finalized_tag", "false", "confirmations", "2", NULL};
    int fails = run(ETH_PLUGIN, 1337, NULL, log_eth, dir, NULL);
    fails += run(BSC_PLUGIN, 97, genesis, log_bsc, dir, bsc_conf);
    fails += run(BSC_PLUGIN, 97, genesis, log_bsc, dir, NULL);
    unlink(genesis), unlink(log_eth), unlink(log_bsc);
    rmdir(dir);
    return fails ? 1 : 0;
}
