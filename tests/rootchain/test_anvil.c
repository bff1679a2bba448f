/* Integration: rootchain-ethereum and rootchain-bsc through the conformance suite against real
 * anvil nodes (npm @foundry-rs/anvil, pinned in package-lock.json), each started on a free
 * loopback port and stopped after: Ethereum as chain 1 (EIP-1559 fees, "finalized" tag), BSC as
 * chain 56 with a zero base fee (legacy gas price) and the confirmations rule. Exit 77 (skipped,
 * loudly) when anvil is not installed. */
#include <bts/conform_rootchain.h>

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

/* anvil's first dev account (public test key of every anvil/hardhat node). */
static const uint8_t anvil_key[32] = {
    0xac, 0x09, 0x74, 0xbe, 0xc3, 0x9a, 0x17, 0xe3, 0x6b, 0xa4, 0xa6, 0xb4, 0xd2, 0x38, 0xff, 0x94,
    0x4b, 0xac, 0xb4, 0x78, 0xcb, 0xed, 0x5e, 0xfc, 0xae, 0x78, 0x4d, 0x7b, 0xf4, 0xf2, 0xff, 0x80};

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    unsigned port = 0;
    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
        !getsockname(fd, (struct sockaddr *)&a, &al))
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int port_open(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static pid_t anvil_start(unsigned port, const char *chain_id, const char *base_fee)
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
        if (port_open(port))
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
    unsigned port = free_port();
    pid_t pid = anvil_start(port, chain_id, base_fee);
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
