/* Integration: rootchain-ethereum and rootchain-bsc through the conformance suite against real
 * anvil nodes (npm @foundry-rs/anvil, pinned in package-lock.json), each started on a free
 * loopback port and stopped after: Ethereum as chain 1 (EIP-1559 fees, "finalized" tag), BSC as
 * chain 56 with a zero base fee (legacy gas price) and the confirmations rule. Exit 77 (skipped,
 * loudly) when anvil is not installed. */
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

static pid_t spawn_anvil(unsigned port, const char *chain_id, const char *base_fee)
{
    char p[16];
    snprintf(p, sizeof(p), "%u", port);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* the npm wrapper spawns the real binary: stop the whole group */
        int null = open("/dev/null", O_RDWR); /* never hold the test's output pipes open */
        if (null >= 0) {
            dup2(null, 0), dup2(null, 1), dup2(null, 2);
            close(null);
        }
        execl(ANVIL_PATH, "anvil", "--host", "127.0.0.1", "--port", p, "--chain-id", chain_id,
              "--base-fee", base_fee, "--silent", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300 && pid > 0; i++) {
        if (anvil_port_open(port))
            return pid;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (pid > 0) {
        kill(-pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
    return -1;
}

static int run(const char *plugin, const char *chain_id, const char *base_fee,
               const char *const *conf)
{
    unsigned port = anvil_free_port();
    pid_t pid = spawn_anvil(port, chain_id, base_fee);
    if (pid < 0) {
        fprintf(stderr, "cannot start anvil on port %u\n", port);
        return 1;
    }
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
    struct bts_conform_rootchain c = {.plugin_path = plugin,
                                      .url = url,
                                      .chain_id = strtoull(chain_id, NULL, 10),
                                      .seckey = anvil_key,
                                      .conf = conf};
    struct bts_conform_rootchain_result r;
    printf("== %s against anvil (chain %s, base fee %s) at %s\n", plugin, chain_id, base_fee, url);
    fflush(stdout);
    bt_status st = bts_conform_rootchain_run(&c, getenv("BT_CONFORM_ONLY"), &r);
    kill(-pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return st != BT_OK || r.n_failed != 0;
}

int main(void)
{
    if (access(ANVIL_PATH, X_OK) != 0) {
        fprintf(stderr, "SKIPPED: %s missing: run `npm ci` in tests/rootchain (scripts/setup)\n",
                ANVIL_PATH);
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
    static const char *const bsc_conf[] = {"finalized_tag", "false", "confirmations", "2", NULL};
    int fails = run(ETH_PLUGIN, "1", "1000000000", NULL);
    fails += run(BSC_PLUGIN, "56", "0", bsc_conf);
    return fails ? 1 : 0;
}
