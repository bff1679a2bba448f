/* The devnet's processes: basechain dev nodes and validators are `bttcd run` children of the
 * supervisor (this bttcd, /proc/self/exe), each in its own process group (Ctrl-C reaches only
 * the supervisor, which stops them in order) and with SIGTERM as parent-death signal (a killed
 * supervisor leaves nothing behind). Pid files DIR/run/NAME.pid let `devnet down` and
 * `devnet status` find them; a pid counts only while /proc/PID/exe is this bttcd. */
#include "devnet_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "genesis_int.h"

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void pid_file(const struct devnet *d, const char *name, char *out, size_t cap)
{
    dn_fmt(out, cap, "%s/run/%s.pid", d->dir, name);
}

pid_t dn_pid_alive(const struct devnet *d, const char *name)
{
    char path[4200], buf[32], exe[4096], link[64];
    pid_file(d, name, path, sizeof(path));
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    long pid = 0;
    if (fgets(buf, sizeof(buf), f))
        pid = strtol(buf, NULL, 10);
    fclose(f);
    if (pid <= 0 || kill((pid_t)pid, 0) != 0)
        return 0;
    dn_fmt(link, sizeof(link), "/proc/%ld/exe", pid);
    ssize_t n = readlink(link, exe, sizeof(exe) - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    /* A bttcd rebuilt or reinstalled under a running devnet: its processes run the old file,
     * which the kernel shows as "PATH (deleted)"; they are still this devnet's. */
    static const char deleted[] = " (deleted)";
    size_t len = strlen(exe), dl = sizeof(deleted) - 1;
    if (len > dl && strcmp(exe + len - dl, deleted) == 0)
        exe[len - dl] = '\0';
    return strcmp(exe, d->exe) == 0 ? (pid_t)pid : 0;
}

static void write_pid(const struct devnet *d, const char *name, pid_t pid)
{
    char path[4200], txt[32], err[256];
    dn_fmt(path, sizeof(path), "%s/run", d->dir);
    dn_mkdir(path);
    pid_file(d, name, path, sizeof(path));
    dn_fmt(txt, sizeof(txt), "%ld\n", (long)pid);
    if (dn_write_file(path, txt, 0, err, sizeof(err)) != 0)
        fprintf(stderr, "bttcd devnet: %s\n", err);
}

/* fork + exec this bttcd with argv, output appended to DIR/logs/NAME.log, cwd `cwd`. */
static bt_status spawn(struct devnet *d, const char *name, const char *cwd, char **argv, char *err,
                       size_t err_cap)
{
    char logs[4200], log[4300];
    dn_path(d, logs, sizeof(logs), "logs", NULL);
    dn_mkdir(logs);
    dn_fmt(log, sizeof(log), "%s/%s.log", logs, name);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        dn_fmt(err, err_cap, "%s: %s", log, strerror(errno));
        return BT_EIO;
    }
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd);
        dn_fmt(err, err_cap, "fork: %s", strerror(errno));
        return BT_EIO;
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (chdir(cwd) != 0)
            _exit(127);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        execv(d->exe, argv);
        _exit(127);
    }
    close(fd);
    /* A restarted process (devnet_ctl.c) takes its old slot: the table stays one per name. */
    struct dn_proc *p = NULL;
    for (size_t i = 0; i < d->n_procs && !p; i++)
        if (strcmp(d->procs[i].name, name) == 0)
            p = &d->procs[i];
    if (!p)
        p = &d->procs[d->n_procs++];
    memset(p, 0, sizeof(*p));
    dn_fmt(p->name, sizeof(p->name), "%s", name);
    p->pid = pid;
    write_pid(d, name, pid);
    return BT_OK;
}

/* The basechain's genesis: every fork through Cancun at 0 (TRON's too: its dev chain runs the
 * berlin artifacts unchanged), dev accounts funded. BSC keeps a zero base fee as BSC does. */
static bt_status base_genesis(const struct devnet *d, enum dn_chain c, const char *path, char *err,
                              size_t err_cap)
{
    if (access(path, F_OK) == 0)
        return BT_OK;
    json_t *alloc = json_object();
    uint32_t n = d->n_val > GENESIS_DEV_ACCOUNTS ? d->n_val : GENESIS_DEV_ACCOUNTS;
    for (uint32_t i = 0; i < n; i++) {
        struct bt_address a;
        char h[43];
        if (genesis_dev_address(&a, i) != BT_OK)
            break;
        dn_addr_hex(h, a.bytes);
        json_object_set_new(alloc, h, json_pack("{s:s}", "balance", "0x21e19e0c9bab2400000"));
    }
    json_t *g = json_pack(
        "{s:{s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i},s:s,s:s,s:s,s:s,s:o}",
        "config", "chainId", (json_int_t)d->base[c].chain_id, "homesteadBlock", 0, "eip150Block", 0,
        "eip155Block", 0, "eip158Block", 0, "byzantiumBlock", 0, "constantinopleBlock", 0,
        "petersburgBlock", 0, "istanbulBlock", 0, "berlinBlock", 0, "londonBlock", 0,
        "terminalTotalDifficulty", 0, "shanghaiTime", 0, "cancunTime", 0, "gasLimit", "0x1c9c380",
        "difficulty", "0x0", "timestamp", "0x0", "baseFeePerGas",
        c == DN_BSC ? "0x0" : "0x3b9aca00", "alloc", alloc);
    char *text = g ? json_dumps(g, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    json_decref(g);
    int rc = text ? dn_write_file(path, text, 0, err, err_cap) : -1;
    free(text);
    return rc == 0 ? BT_OK : BT_EIO;
}

/* Wait until url answers eth_blockNumber while the child lives. */
static bt_status wait_rpc(struct devnet *d, const char *name, const char *url, int timeout_ms,
                          char *err, size_t err_cap)
{
    long t0 = now_ms();
    struct dn_proc *p = NULL;
    for (size_t i = 0; i < d->n_procs; i++)
        if (strcmp(d->procs[i].name, name) == 0)
            p = &d->procs[i];
    if (!p || p->has_exited) {
        dn_fmt(err, err_cap, "%s is not running", name);
        return BT_EIO;
    }
    for (;;) {
        uint64_t h;
        char e[256];
        if (dn_rpc_u64(url, "eth_blockNumber", &h, 1000, e, sizeof(e)) == BT_OK)
            return BT_OK;
        int status;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            p->has_exited = 1;
            p->status = status;
            dn_fmt(err, err_cap, "%s exited at start (status %d): see %s/logs/%s.log", name,
                   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), d->dir, name);
            return BT_EIO;
        }
        if (now_ms() - t0 > timeout_ms) {
            dn_fmt(err, err_cap, "%s: no JSON-RPC answer at %s after %d s (%s)", name, url,
                   timeout_ms / 1000, e);
            return BT_ETIMEDOUT;
        }
        usleep(100 * 1000);
    }
}

bt_status dn_start_base(struct devnet *d, enum dn_chain c, char *err, size_t err_cap)
{
    const char *name = dn_chain_names[c];
    char bdir[4200], dd[4300], gen[4300], port[16], tport[16];
    dn_path(d, bdir, sizeof(bdir), "basechains", NULL);
    dn_mkdir(bdir);
    dn_fmt(dd, sizeof(dd), "%s/%s", bdir, name);
    dn_fmt(gen, sizeof(gen), "%s/%s-genesis.json", bdir, name);
    if (dn_mkdir(dd) != 0) {
        dn_fmt(err, err_cap, "%s: %s", dd, strerror(errno));
        return BT_EIO;
    }
    bt_status st = base_genesis(d, c, gen, err, err_cap);
    if (st != BT_OK)
        return st;
    dn_fmt(port, sizeof(port), "%d", d->base[c].http_port);
    dn_fmt(tport, sizeof(tport), "%d", d->base[c].tron_api_port);
    char *argv[32] = {d->exe,
                      "run",
                      "--dev",
                      "--genesis",
                      gen,
                      "--datadir",
                      dd,
                      "--http",
                      "--http.port",
                      port,
                      "--dev.period",
                      "1",
                      "--ipcdisable",
                      "--nodiscover",
                      "--maxpeers",
                      "0"};
    int n = 0;
    while (argv[n])
        n++;
    if (c == DN_TRON) {
        argv[n++] = "--tron-api.port";
        argv[n++] = tport;
    }
    argv[n] = NULL;
    return spawn(d, name, dd, argv, err, err_cap);
}

bt_status dn_wait_base(struct devnet *d, enum dn_chain c, char *err, size_t err_cap)
{
    return wait_rpc(d, dn_chain_names[c], d->base[c].url, 60000, err, err_cap);
}

/* --status.page for validator 0: its port, the other validators' JSON-RPC, the basechains'
 * JSON-RPC with their RootChain. Returns the number of argv entries set (at most 10). */
static int status_args(const struct devnet *d, char **argv, char *sp, size_t sp_cap, char *peers,
                       size_t peers_cap, char *roots, size_t roots_cap)
{
    int n = 0;
    dn_fmt(sp, sp_cap, "%d", d->status_port);
    argv[n++] = "--status.page";
    argv[n++] = "--status.name";
    argv[n++] = "v0";
    argv[n++] = "--status.port";
    argv[n++] = sp;
    for (uint32_t k = 1; k < d->n_val; k++) {
        size_t len = strlen(peers);
        dn_fmt(peers + len, peers_cap - len, "%sv%u=http://127.0.0.1:%d", len ? "," : "", k,
               d->val[k].http_port);
    }
    for (int c = 0; c < DN_N_CHAINS; c++) {
        const struct dn_base *b = &d->base[c];
        char h[43];
        size_t len = strlen(roots);
        if (!b->is_enabled || !b->is_deployed)
            continue;
        dn_addr_hex(h, b->addr[DN_C_ROOT_CHAIN]);
        dn_fmt(roots + len, roots_cap - len, "%s%s=%s=%s", len ? "," : "", dn_chain_names[c],
               b->url, h);
    }
    if (*peers) {
        argv[n++] = "--status.peers";
        argv[n++] = peers;
    }
    if (*roots) {
        argv[n++] = "--status.rootchains";
        argv[n++] = roots;
    }
    return n;
}

bt_status dn_start_validator(struct devnet *d, uint32_t i, char *err, size_t err_cap)
{
    char name[16], vdir[4200], conf[4300], gen[4200], hp[16], wp[16], pp[16], rp[16];
    char statics[DN_MAX_VALIDATORS * 200] = "";
    dn_fmt(name, sizeof(name), "v%u", i);
    dn_fmt(vdir, sizeof(vdir), "%s/nodes/v%u", d->dir, i);
    dn_fmt(conf, sizeof(conf), "%s/plugins.conf", vdir);
    dn_path(d, gen, sizeof(gen), "bttc-genesis.json", NULL);
    dn_fmt(hp, sizeof(hp), "%d", d->val[i].http_port);
    dn_fmt(wp, sizeof(wp), "%d", d->val[i].ws_port);
    dn_fmt(pp, sizeof(pp), "%d", d->val[i].p2p_port);
    dn_fmt(rp, sizeof(rp), "%d", d->val[i].rest_port);
    for (uint32_t k = 0; k < d->n_val; k++) {
        if (k == i)
            continue;
        if (*statics)
            strcat(statics, ",");
        strcat(statics, d->val[k].enode);
    }
    /* --genesis alone names the chain of both the node and p2p (--p2p.chain is deprecated). */
    char *argv[40] = {
        d->exe,       "run",    "--config",    conf,        "--datadir",   vdir,        "--genesis",
        gen,          "--http", "--http.port", hp,          "--ws",        "--ws.port", wp,
        "--p2p.port", pp,       "--p2p.addr",  "127.0.0.1", "--nodiscover"};
    int n = 0;
    while (argv[n])
        n++;
    if (dn_has_delivery(d)) { /* Delivery's REST server (§4.9) */
        argv[n++] = "--rest.port";
        argv[n++] = rp;
    }
    if (*statics) {
        argv[n++] = "--p2p.static";
        argv[n++] = statics;
    }
    char sp[16], peers[DN_MAX_VALIDATORS * 48] = "", roots[DN_N_CHAINS * 340] = "";
    if (i == 0 && d->status_port) /* the status page (host/status), about the whole network */
        n += status_args(d, argv + n, sp, sizeof(sp), peers, sizeof(peers), roots, sizeof(roots));
    argv[n] = NULL;
    return spawn(d, name, vdir, argv, err, err_cap);
}

bt_status dn_wait_validator(struct devnet *d, uint32_t i, char *err, size_t err_cap)
{
    char name[16], url[64];
    dn_fmt(name, sizeof(name), "v%u", i);
    dn_fmt(url, sizeof(url), "http://127.0.0.1:%d", d->val[i].http_port);
    return wait_rpc(d, name, url, 60000, err, err_cap);
}

static const char *exit_text(int status, char *buf, size_t cap)
{
    if (WIFEXITED(status))
        dn_fmt(buf, cap, "exit status %d", WEXITSTATUS(status));
    else
        dn_fmt(buf, cap, "signal %d", WTERMSIG(status));
    return buf;
}

size_t dn_reap(struct devnet *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n_procs; i++) {
        struct dn_proc *p = &d->procs[i];
        int status;
        if (p->has_exited || waitpid(p->pid, &status, WNOHANG) != p->pid)
            continue;
        char t[64], path[4200];
        p->has_exited = 1;
        p->status = status;
        pid_file(d, p->name, path, sizeof(path));
        unlink(path);
        fprintf(stderr, "bttcd devnet: %s (pid %ld) exited: %s; its log: %s/logs/%s.log\n", p->name,
                (long)p->pid, exit_text(status, t, sizeof(t)), d->dir, p->name);
        n++;
    }
    return n;
}

void dn_stop_all(struct devnet *d, int timeout_ms)
{
    /* Validators first (they talk to the basechains), then the basechains. */
    for (int pass = 0; pass < 2; pass++) {
        int any = 0;
        for (size_t i = 0; i < d->n_procs; i++) {
            struct dn_proc *p = &d->procs[i];
            int is_val = p->name[0] == 'v';
            if (p->has_exited || is_val != (pass == 0))
                continue;
            kill(p->pid, SIGTERM);
            any = 1;
        }
        long t0 = now_ms();
        while (any) {
            any = 0;
            for (size_t i = 0; i < d->n_procs; i++) {
                struct dn_proc *p = &d->procs[i];
                int status;
                if (p->has_exited)
                    continue;
                if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
                    p->has_exited = 1;
                    p->status = status;
                    continue;
                }
                if ((p->name[0] == 'v') != (pass == 0))
                    continue;
                any = 1;
                if (now_ms() - t0 > timeout_ms) {
                    fprintf(stderr, "bttcd devnet: %s did not stop within %d s: SIGKILL\n", p->name,
                            timeout_ms / 1000);
                    kill(p->pid, SIGKILL);
                    waitpid(p->pid, &status, 0);
                    p->has_exited = 1;
                    p->status = status;
                }
            }
            if (any)
                usleep(50 * 1000);
        }
    }
    for (size_t i = 0; i < d->n_procs; i++) {
        char path[4200];
        pid_file(d, d->procs[i].name, path, sizeof(path));
        unlink(path);
    }
}

/* Stop a process that is not our child: SIGTERM, poll, SIGKILL. */
static void stop_foreign(pid_t pid, int timeout_ms)
{
    kill(pid, SIGTERM);
    long t0 = now_ms();
    while (kill(pid, 0) == 0) {
        char st[64], path[64], state = 0;
        dn_fmt(path, sizeof(path), "/proc/%ld/stat", (long)pid);
        FILE *f = fopen(path, "r");
        if (f && fgets(st, sizeof(st), f)) {
            const char *rp = strrchr(st, ')');
            state = rp && rp[1] ? rp[2] : 0;
        }
        if (f)
            fclose(f);
        if (state == 'Z') /* a zombie waits for its parent: it is stopped */
            break;
        if (now_ms() - t0 > timeout_ms) {
            kill(pid, SIGKILL);
            break;
        }
        usleep(50 * 1000);
    }
}

int dn_down(struct devnet *d, int timeout_ms, int is_quiet)
{
    int n = 0;
    pid_t sup = dn_pid_alive(d, "devnet");
    if (sup) {
        /* The supervisor stops its children itself (twice the child timeout: two passes). */
        stop_foreign(sup, 2 * timeout_ms + 2000);
        n++;
    }
    char names[DN_N_CHAINS + DN_MAX_VALIDATORS][16];
    size_t k = 0;
    for (uint32_t i = 0; i < DN_MAX_VALIDATORS; i++)
        dn_fmt(names[k++], 16, "v%u", i);
    for (int c = 0; c < DN_N_CHAINS; c++)
        dn_fmt(names[k++], 16, "%s", dn_chain_names[c]);
    for (size_t i = 0; i < k; i++) {
        pid_t pid = dn_pid_alive(d, names[i]);
        if (pid) {
            stop_foreign(pid, timeout_ms);
            n++;
        }
        char path[4200];
        pid_file(d, names[i], path, sizeof(path));
        unlink(path);
    }
    char path[4200];
    pid_file(d, "devnet", path, sizeof(path));
    unlink(path);
    if (!is_quiet)
        printf("devnet at %s: %s\n", d->dir, n ? "stopped" : "was not running");
    return 0;
}
