/* bench_rpc: JSON-RPC throughput of `bttcd run --dev` and ganache (npm, pinned in
 * bench/rpc/package-lock.json) side by side in one run, measured with wrk (Debian package):
 * eth_blockNumber and eth_getBalance over HTTP keep-alive. Prints requests/s per node and
 * method, the ratio bttcd / ganache, and each server's CPU time per request (from /proc, so
 * other load on the machine does not count against either; "CPU ratio" is ganache's CPU per
 * request over bttcd's: the throughput ratio on equally free cores). Every answer is checked once
 * before the load. Target (issue #7): >= 10x ganache. Both servers get the same wrk settings
 * (one thread, the same connections and duration, keep-alive, no pipelining). The last line is
 * the floor (floor.h): a minimal C server with a canned answer under the same load, what the
 * loopback TCP and the two syscalls per request cost; "wrk CPU" is the load generator's own
 * CPU per request (it bounds req/s on a two-core machine).
 *
 *   bench_rpc [--quick] [--seconds N] [--rounds N] [--connections N] [--bttcd PATH]
 *             [--ganache PATH]
 *
 * Every server and method gets a 2 s warm-up run first (ganache's JIT). --rounds N: every run
 * N times, interleaved; the table shows the best of each (highest req/s,
 * lowest CPU per request: the least disturbed by other load on a shared machine).
 *
 * --quick: 1 s per run, 4 connections (the CTest smoke run: checks that it works). Exit 77
 * when wrk is not installed; ganache missing only drops its column. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "floor.h"

#ifndef BTTCD_PATH
#define BTTCD_PATH "bttcd"
#endif
#ifndef GANACHE_PATH
#define GANACHE_PATH "ganache"
#endif

static const char *const ADDR0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

struct node {
    const char *name;
    pid_t pid;
    int port;
    char dir[64];
};

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* One HTTP POST with a JSON body over a fresh connection; the response body into out. */
static int post(int port, const char *body, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    char req[1024];
    int n = snprintf(req, sizeof(req),
                     "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     strlen(body), body);
    if (write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    ssize_t r;
    while (got + 1 < cap && (r = read(fd, out + got, cap - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = '\0';
    close(fd);
    char *b = strstr(out, "\r\n\r\n");
    if (!b)
        return -1;
    memmove(out, b + 4, strlen(b + 4) + 1);
    return 0;
}

static void body_of(char *out, size_t cap, const char *method)
{
    if (strcmp(method, "eth_getBalance") == 0)
        snprintf(out, cap,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"%s\","
                 "\"latest\"]}",
                 ADDR0);
    else
        snprintf(out, cap, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":[]}",
                 method);
}

static int wait_ready(struct node *n)
{
    char out[4096], body[256];
    body_of(body, sizeof(body), "eth_chainId");
    for (int i = 0; i < 600; i++) {
        int st;
        if (waitpid(n->pid, &st, WNOHANG) == n->pid) {
            n->pid = 0;
            return -1;
        }
        if (post(n->port, body, out, sizeof(out)) == 0 && strstr(out, "\"result\""))
            return 0;
        usleep(50000);
    }
    return -1;
}

static pid_t spawn_quiet(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        setpgid(0, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int start_bttcd(struct node *n, const char *path)
{
    n->name = "bttcd";
    n->port = free_port();
    snprintf(n->dir, sizeof(n->dir), "/tmp/bench-rpc-XXXXXX");
    if (!mkdtemp(n->dir))
        return -1;
    char conf[128], port[16];
    snprintf(conf, sizeof(conf), "%s/plugins.conf", n->dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fputs("# --dev adds evm and consensus-dev\n", f);
    fclose(f);
    snprintf(port, sizeof(port), "%d", n->port);
    char *argv[] = {(char *)path,  "run", "--dev",        "--config",    conf,   "--http",
                    "--http.port", port,  "--ipcdisable", "--log.level", "warn", NULL};
    n->pid = spawn_quiet(argv);
    return n->pid > 0 ? wait_ready(n) : -1;
}

/* ganache at its best for this load: its README's options, requests processed concurrently
 * (--chain.asyncRequestProcessing, its default, said explicitly) and logging off. */
static int start_ganache(struct node *n, const char *path)
{
    n->name = "ganache";
    n->port = free_port();
    char port[16];
    snprintf(port, sizeof(port), "%d", n->port);
    char *argv[] = {(char *)path,
                    "--port",
                    port,
                    "--chain.chainId",
                    "1337",
                    "--chain.asyncRequestProcessing",
                    "true",
                    "--logging.quiet",
                    "--wallet.mnemonic",
                    "test test test test test test test test test test test junk",
                    NULL};
    if (access(path, X_OK) != 0)
        return -1;
    n->pid = spawn_quiet(argv);
    return n->pid > 0 ? wait_ready(n) : -1;
}

/* The floor server (floor.h) in a child process on a free loopback port. */
static int start_floor(struct node *n)
{
    n->name = "floor";
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 128) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &len) != 0) {
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    n->port = ntohs(a.sin_port);
    n->pid = fork();
    if (n->pid == 0) {
        setpgid(0, 0);
        _exit(floor_serve(lfd));
    }
    close(lfd);
    return n->pid > 0 ? wait_ready(n) : -1;
}

static void stop(struct node *n)
{
    if (n->pid > 0) {
        kill(-n->pid, SIGTERM);
        kill(n->pid, SIGTERM);
        waitpid(n->pid, NULL, 0);
        n->pid = 0;
    }
    if (n->dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", n->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_rpc: could not remove %s\n", n->dir);
    }
}

/* utime + stime of a process (all its threads), seconds. ganache runs as a child of its
 * launcher script's process group leader: its node process is the spawned pid itself (execvp
 * of the npm shim runs node directly via the shebang). */
static double cpu_of(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return 0;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds of the waited-for children (wrk, through popen's shell). */
static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Run wrk against n with `method`; returns requests/s (0 on failure), the server's CPU per
 * request in *out_cpu_us and wrk's in *out_wrk_us (the client side of the same requests). */
static double run_wrk(const struct node *n, const char *method, int seconds, int conns,
                      double *out_cpu_us, double *out_wrk_us)
{
    char script[] = "/tmp/bench-rpc-wrk-XXXXXX";
    int fd = mkstemp(script);
    if (fd < 0)
        return 0;
    char body[256];
    body_of(body, sizeof(body), method);
    FILE *f = fdopen(fd, "w");
    fprintf(f,
            "wrk.method = \"POST\"\nwrk.body = '%s'\nwrk.headers[\"Content-Type\"] = "
            "\"application/json\"\n",
            body);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "wrk -t1 -c%d -d%ds -s %s http://127.0.0.1:%d/ 2>&1", conns, seconds,
             script, n->port);
    double cpu0 = cpu_of(n->pid), wrk0 = children_cpu();
    FILE *p = popen(cmd, "r");
    double rps = 0;
    long long total = 0, non2xx = 0;
    char line[512];
    while (p && fgets(line, sizeof(line), p)) {
        sscanf(line, "Requests/sec: %lf", &rps);
        sscanf(line, " %lld requests in", &total);
        sscanf(line, " Non-2xx or 3xx responses: %lld", &non2xx);
    }
    if (p)
        pclose(p);
    unlink(script);
    double cpu = cpu_of(n->pid) - cpu0, wrk = children_cpu() - wrk0;
    *out_cpu_us = total > 0 ? cpu * 1e6 / (double)total : 0;
    *out_wrk_us = total > 0 ? wrk * 1e6 / (double)total : 0;
    if (non2xx) {
        fprintf(stderr, "bench_rpc: %s %s: %lld non-2xx answers\n", n->name, method, non2xx);
        return 0;
    }
    return rps;
}

/* The answer each node must give before it is measured. */
static int check(const struct node *n, const char *method)
{
    char body[256], out[4096];
    body_of(body, sizeof(body), method);
    if (post(n->port, body, out, sizeof(out)) != 0)
        return -1;
    const char *want =
        strcmp(method, "eth_getBalance") == 0 ? "\"result\":\"0x" : "\"result\":\"0x";
    if (!strstr(out, want) || strstr(out, "\"error\"")) {
        fprintf(stderr, "bench_rpc: %s %s answered %s\n", n->name, method, out);
        return -1;
    }
    /* bttcd's dev accounts hold 10000 ETH = 0x21e19e0c9bab2400000; ganache's default 1000. */
    if (strcmp(n->name, "bttcd") == 0 && strcmp(method, "eth_getBalance") == 0 &&
        !strstr(out, "0x21e19e0c9bab2400000")) {
        fprintf(stderr, "bench_rpc: bttcd eth_getBalance answered %s\n", out);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int seconds = 5, conns = 16, quick = 0, rounds = 1;
    const char *bttcd = BTTCD_PATH, *ganache = GANACHE_PATH;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
        else if (strcmp(argv[i], "--connections") == 0 && i + 1 < argc)
            conns = atoi(argv[++i]);
        else if (strcmp(argv[i], "--bttcd") == 0 && i + 1 < argc)
            bttcd = argv[++i];
        else if (strcmp(argv[i], "--ganache") == 0 && i + 1 < argc)
            ganache = argv[++i];
        else {
            fprintf(stderr,
                    "usage: bench_rpc [--quick] [--seconds N] [--rounds N] [--connections N] "
                    "[--bttcd PATH] [--ganache PATH]\n");
            return 2;
        }
    }
    if (quick) {
        seconds = 1;
        conns = 4;
    }
    if (system("wrk --version >/dev/null 2>&1") == -1 || system("command -v wrk >/dev/null") != 0) {
        printf("SKIPPED: wrk is not installed (Debian package wrk)\n");
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
    struct node nodes[2];
    memset(nodes, 0, sizeof(nodes));
    if (start_bttcd(&nodes[0], bttcd) != 0) {
        fprintf(stderr, "bench_rpc: bttcd did not start (%s)\n", bttcd);
        stop(&nodes[0]);
        return 1;
    }
    int has_ganache = start_ganache(&nodes[1], ganache) == 0;
    if (!has_ganache) {
        fprintf(stderr,
                "bench_rpc: ganache not available at %s (npm ci in bench/rpc): bttcd only\n",
                ganache);
        stop(&nodes[1]);
    }
    /* The floor: what loopback TCP, the syscalls and wrk itself cost per request here. */
    struct node fl;
    memset(&fl, 0, sizeof(fl));
    int has_floor = start_floor(&fl) == 0;
    if (!has_floor)
        fprintf(stderr, "bench_rpc: the floor server did not start\n");
    static const char *const methods[] = {"eth_blockNumber", "eth_getBalance"};
    /* Best of the rounds per method and server (0 bttcd, 1 ganache, 2 floor): the highest
     * req/s and the lowest CPU per request, the least disturbed by other load. */
    double r[2][3] = {{0}}, cpu[2][3] = {{0}}, wrk[2][3] = {{0}};
    int rc = 0;
    /* Warm-up, not counted: ganache's JIT compiles its hot paths in the first seconds (cold, it
     * spends several times the CPU per request); bttcd's caches fill. */
    for (size_t m = 0; m < 2; m++)
        for (int k = 0; k < (has_ganache ? 2 : 1); k++) {
            double c, w;
            run_wrk(&nodes[k], methods[m], quick ? 1 : 2, conns, &c, &w);
        }
    for (int round = 0; round < rounds; round++) {
        for (size_t m = 0; m < 2; m++) {
            for (int k = 0; k < 3; k++) {
                if ((k == 1 && !has_ganache) || (k == 2 && (!has_floor || m > 0)))
                    continue;
                struct node *n = k == 2 ? &fl : &nodes[k];
                if (k < 2 && check(n, methods[m]) != 0) {
                    rc = 1;
                    continue;
                }
                double c, w, q = run_wrk(n, methods[m], seconds, conns, &c, &w);
                if (q <= 0) {
                    rc = 1;
                    continue;
                }
                if (rounds > 1)
                    fprintf(stderr, "round %d %-16s %-8s %9.0f req/s %7.2f us/req (wrk %.2f)\n",
                            round + 1, methods[m], n->name, q, c, w);
                if (q > r[m][k])
                    r[m][k] = q;
                if (cpu[m][k] == 0 || c < cpu[m][k]) {
                    cpu[m][k] = c;
                    wrk[m][k] = w;
                }
            }
        }
    }
    printf("RPC throughput, wrk -t1 -c%d -d%ds, HTTP/1.1 keep-alive, no pipelining, same machine, "
           "same run%s\n",
           conns, seconds, rounds > 1 ? ", best of the rounds" : "");
    printf("%-16s %12s %14s %7s %11s %13s %9s %11s\n", "method", "bttcd req/s", "ganache req/s",
           "ratio", "bttcd CPU", "ganache CPU", "CPU ratio", "wrk CPU");
    printf("%-16s %12s %14s %7s %11s %13s %9s %11s\n", "", "", "", "", "us/req", "us/req", "",
           "us/req");
    for (size_t m = 0; m < 2; m++) {
        if (r[m][1] > 0 && cpu[m][0] > 0)
            printf("%-16s %12.0f %14.0f %6.1fx %11.2f %13.2f %8.1fx %11.2f\n", methods[m], r[m][0],
                   r[m][1], r[m][0] / r[m][1], cpu[m][0], cpu[m][1], cpu[m][1] / cpu[m][0],
                   wrk[m][0]);
        else
            printf("%-16s %12.0f %14s %7s %11.2f %13s %9s %11.2f\n", methods[m], r[m][0], "-", "-",
                   cpu[m][0], "-", "-", wrk[m][0]);
    }
    if (has_floor && r[0][2] > 0) {
        printf("%-16s %12.0f %14s %7s %11.2f %13s %9s %11.2f\n", "floor (C epoll)", r[0][2], "", "",
               cpu[0][2], "", "", wrk[0][2]);
        if (cpu[0][1] > 0 && cpu[0][2] > 0)
            printf("floor: a minimal C server (one read() and one send() per request, canned "
                   "answer) needs %.2f us CPU per request: against ganache's %.2f for "
                   "eth_blockNumber no server here can pass %.1fx\n",
                   cpu[0][2], cpu[0][1], cpu[0][1] / cpu[0][2]);
    }
    stop(&fl);
    stop(&nodes[0]);
    if (has_ganache)
        stop(&nodes[1]);
    return rc;
}
