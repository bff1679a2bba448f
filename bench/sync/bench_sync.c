/* Sync of a chain of transfers from one local bttcd node to another, side by side with
 * `bttcd import` of the same blocks in the same run (issue #11: sync >= 80% of import speed).
 *   bench_sync BTTCD CHAIN_GEN [N_BLOCKS [TXS_PER_BLOCK]]   (default 10000 x 10)
 * 1. chain_gen writes N blocks of transfers (and a datadir holding the key that sealed them);
 * 2. `bttcd --dev --datadir A import` of them: wall time from its own summary line, CPU time of
 *    the process (wait4);
 * 3. node A serves them (`bttcd run --dev --datadir A`), node B (`--dev.follow`, its own
 *    LevelDB datadir like A's) starts from scratch with A as static peer: wall time from its
 *    "sync started" to its "sync done" log line, CPU time of the whole process.
 * Prints blocks/s and transactions/s of both, and the ratio sync / import. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* Run argv with stderr into `log` (a file path; NULL: inherited); return the child's pid. */
static pid_t spawn(char *const argv[], const char *log)
{
    fflush(stdout); /* or the child's freopen writes our buffer a second time */
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = log ? freopen(log, "w", stderr) : stderr;
        if (!f)
            _exit(127);
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int wait_child(pid_t pid, struct rusage *ru)
{
    int st = 0;
    while (wait4(pid, &st, 0, ru) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    while (s) {
        size_t k = fread(s + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0)
            break;
        if (n + 1 == cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) {
                free(s);
                s = NULL;
            }
            s = t;
        }
    }
    fclose(f);
    if (s)
        s[n] = 0;
    return s;
}

/* Poll `path` until it holds `what` (then copy the rest of that line into out) or timeout. */
static int wait_log(const char *path, const char *what, char *out, size_t out_cap, double secs)
{
    double until = now_s() + secs;
    while (now_s() < until) {
        char *s = slurp(path), *p = s ? strstr(s, what) : NULL;
        if (p) {
            if (out) {
                size_t k = strcspn(p, "\n");
                snprintf(out, out_cap, "%.*s", (int)k, p);
            }
            free(s);
            return 0;
        }
        free(s);
        usleep(20000);
    }
    return -1;
}

/* The log line's timestamp "ts=...T12:34:56.789Z" as seconds of the day. */
static double line_ts(const char *log, const char *what)
{
    const char *p = strstr(log, what);
    if (!p)
        return -1;
    while (p > log && p[-1] != '\n')
        p--;
    const char *t = strchr(p, 'T');
    int h, m;
    double s;
    if (!t || sscanf(t + 1, "%d:%d:%lfZ", &h, &m, &s) != 3)
        return -1;
    return h * 3600.0 + m * 60.0 + s;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_sync BTTCD CHAIN_GEN [N_BLOCKS [TXS_PER_BLOCK]]\n");
        return 2;
    }
    char *bttcd = argv[1], *gen = argv[2];
    const char *nb = argc > 3 ? argv[3] : "10000", *per = argc > 4 ? argv[4] : "10";
    long n = atol(nb), k = atol(per);
    char dir[] = "/tmp/bench-sync-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char a[300], b[300], file[300], alog[300], blog[300], ilog[300], line[1024];
    snprintf(a, sizeof(a), "%s/a", dir);
    snprintf(b, sizeof(b), "%s/b", dir);
    snprintf(file, sizeof(file), "%s/chain.rlp", dir);
    snprintf(alog, sizeof(alog), "%s/a.log", dir);
    snprintf(blog, sizeof(blog), "%s/b.log", dir);
    snprintf(ilog, sizeof(ilog), "%s/import.log", dir);
    struct rusage ru;
    int rc = 1;
    printf("bench_sync: %ld blocks x %ld transfers\n", n, k);
    fflush(stdout);
    char *g[] = {gen, a, file, (char *)nb, (char *)per, NULL};
    if (wait_child(spawn(g, NULL), &ru) != 0) {
        fprintf(stderr, "chain_gen failed\n");
        return 1;
    }
    char *im[] = {bttcd, "--dev", "--datadir", a, "import", file, NULL};
    if (wait_child(spawn(im, ilog), &ru) != 0) {
        fprintf(stderr, "import failed (see %s)\n", ilog);
        return 1;
    }
    double import_cpu = cpu_s(&ru), import_wall = 0;
    char *il = slurp(ilog), *p = il ? strstr(il, "imported: ") : NULL;
    if (!p || !(p = strstr(p, "head ")) || !(p = strchr(p, ',')) ||
        sscanf(p + 1, "%lf s", &import_wall) != 1) {
        fprintf(stderr, "import: no summary line\n");
        free(il);
        return 1;
    }
    free(il);

    char signer[64] = "";
    snprintf(line, sizeof(line), "%s/dev-signer", a);
    FILE *sf = fopen(line, "r");
    if (!sf || !fgets(signer, sizeof(signer), sf))
        return 1;
    fclose(sf);
    signer[strcspn(signer, "\r\n")] = 0;
    char *ra[] = {bttcd,          "run",        "--dev",     "--datadir",  a,
                  "--nodiscover", "--p2p.addr", "127.0.0.1", "--p2p.port", "0",
                  "--ipcdisable", NULL};
    pid_t pa = spawn(ra, alog), pb = -1;
    char enode[300] = "";
    if (wait_log(alog, "enode=enode://", line, sizeof(line), 30) != 0) {
        fprintf(stderr, "node A did not start (see %s)\n", alog);
        goto out;
    }
    snprintf(enode, sizeof(enode), "%.*s", (int)strcspn(line + 6, " "), line + 6);
    if (wait_log(alog, "msg=\"bttcd ready\"", NULL, 0, 30) != 0)
        goto out;
    char *rb[] = {bttcd,        "run", "--dev",        "--dev.follow", signer,
                  "--datadir",  b,     "--nodiscover", "--p2p.addr",   "127.0.0.1",
                  "--p2p.port", "0",   "--p2p.static", enode,          "--ipcdisable",
                  NULL};
    pb = spawn(rb, blog);
    if (wait_log(blog, "msg=\"sync done\"", NULL, 0, 3600) != 0) {
        fprintf(stderr, "node B did not sync (see %s)\n", blog);
        goto out;
    }
    kill(pb, SIGTERM);
    wait_child(pb, &ru);
    pb = -1;
    double sync_cpu = cpu_s(&ru);
    char *bl = slurp(blog);
    double t0 = bl ? line_ts(bl, "msg=\"sync started\"") : -1,
           t1 = bl ? line_ts(bl, "msg=\"sync done\"") : -1;
    free(bl);
    if (t0 < 0 || t1 < t0) {
        fprintf(stderr, "node B: no sync lines\n");
        goto out;
    }
    double sync_wall = t1 - t0;
    printf("| run | wall s | blocks/s | tx/s | process CPU s | blocks per CPU s |\n"
           "|---|---:|---:|---:|---:|---:|\n");
    printf("| bttcd import | %.2f | %.0f | %.0f | %.2f | %.0f |\n", import_wall,
           (double)n / import_wall, (double)(n * k) / import_wall, import_cpu,
           (double)n / import_cpu);
    printf("| p2p sync | %.2f | %.0f | %.0f | %.2f | %.0f |\n", sync_wall, (double)n / sync_wall,
           (double)(n * k) / sync_wall, sync_cpu, (double)n / sync_cpu);
    printf("sync / import speed: %.0f%% (wall), %.0f%% (CPU)\n", 100.0 * import_wall / sync_wall,
           100.0 * import_cpu / sync_cpu);
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("peak RSS of the largest child: %ld KiB\n", ru.ru_maxrss);
    rc = 0;
out:
    if (pb > 0) {
        kill(pb, SIGTERM);
        wait_child(pb, &ru);
    }
    kill(pa, SIGTERM);
    wait_child(pa, &ru);
    char *rm[] = {"/bin/rm", "-rf", dir, NULL};
    wait_child(spawn(rm, NULL), &ru);
    return rc;
}
