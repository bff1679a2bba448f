/* `bttcd devnet restart|stop NAME...`: one process of a running devnet, by name (v0, v1, ...,
 * tron, bsc, eth). The processes are the supervisor's children (process group, parent-death
 * signal, reaped by it), so the command does not start them itself: it leaves a request file
 * DIR/run/NAME.restart (or NAME.stop) that the supervisor's loop picks up within a second; the
 * supervisor answers in DIR/run/NAME.done ("ok PID" or "error: why") and the command then waits
 * for the restarted process to answer JSON-RPC. A restarted process gets the same command line:
 * same ports, datadir and keys, so a basechain comes back where the validators' adapters and the
 * status expect it. */
#include "devnet_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Which process NAME is: 0..n_val-1 for a validator, or -(c+1) for basechain c run here.
 * Returns 0, or -1 with err for a name this devnet has no process for. */
static int lookup(const struct devnet *d, const char *name, long *out, char *err, size_t err_cap)
{
    if (name[0] == 'v' && name[1] >= '0' && name[1] <= '9') {
        char *end;
        unsigned long i = strtoul(name + 1, &end, 10);
        if (*end || i >= d->n_val || (name[1] == '0' && name[2])) {
            dn_fmt(err, err_cap, "%s: this devnet has validators v0..v%u", name, d->n_val - 1);
            return -1;
        }
        *out = (long)i;
        return 0;
    }
    for (int c = 0; c < DN_N_CHAINS; c++) {
        if (strcmp(name, dn_chain_names[c]) != 0)
            continue;
        if (!d->base[c].is_enabled) {
            dn_fmt(err, err_cap, "%s: not a basechain of this devnet", name);
            return -1;
        }
        if (d->base[c].is_external) {
            dn_fmt(err, err_cap, "%s: an external node (%s), not run by the devnet", name,
                   d->base[c].url);
            return -1;
        }
        *out = -(long)(c + 1);
        return 0;
    }
    dn_fmt(err, err_cap, "%s: want a validator (v0, v1, ...) or a basechain (tron, bsc, eth)",
           name);
    return -1;
}

static void req_path(const struct devnet *d, const char *name, const char *kind, char *out,
                     size_t cap)
{
    dn_fmt(out, cap, "%s/run/%s.%s", d->dir, name, kind);
}

static struct dn_proc *find_proc(struct devnet *d, const char *name)
{
    for (size_t i = 0; i < d->n_procs; i++)
        if (strcmp(d->procs[i].name, name) == 0)
            return &d->procs[i];
    return NULL;
}

/* SIGTERM, SIGKILL after timeout_ms; the child is reaped here (its exit is not reported as a
 * crash: it was asked for). */
static void stop_child(struct devnet *d, struct dn_proc *p, int timeout_ms)
{
    int status = 0;
    if (p->has_exited)
        return;
    kill(p->pid, SIGTERM);
    long t0 = now_ms();
    for (;;) {
        pid_t r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid || (r < 0 && errno == ECHILD))
            break;
        if (now_ms() - t0 > timeout_ms) {
            fprintf(stderr, "bttcd devnet: %s did not stop within %d s: SIGKILL\n", p->name,
                    timeout_ms / 1000);
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
            break;
        }
        usleep(50 * 1000);
    }
    p->has_exited = 1;
    p->status = status;
    char path[4200];
    req_path(d, p->name, "pid", path, sizeof(path));
    unlink(path);
}

/* Serve one request; the answer goes to NAME.done. */
static void serve(struct devnet *d, const char *name, int is_stop)
{
    char err[1024] = "", answer[1100], path[4200];
    long which = 0;
    if (lookup(d, name, &which, err, sizeof(err)) == 0) {
        struct dn_proc *p = find_proc(d, name);
        if (p)
            stop_child(d, p, 10000);
        bt_status st = BT_OK;
        if (!is_stop)
            st = which >= 0 ? dn_start_validator(d, (uint32_t)which, err, sizeof(err))
                            : dn_start_base(d, (enum dn_chain)(-which - 1), err, sizeof(err));
        p = find_proc(d, name);
        if (st == BT_OK)
            dn_fmt(answer, sizeof(answer), "ok %ld\n", is_stop || !p ? 0L : (long)p->pid);
        else
            dn_fmt(answer, sizeof(answer), "error: %s\n", err);
        if (st != BT_OK)
            fprintf(stderr, "bttcd devnet: %s: restart failed: %s\n", name, err);
        else
            fprintf(stderr, "bttcd devnet: %s %s (bttcd devnet %s)\n", name,
                    is_stop ? "stopped" : "restarted", is_stop ? "stop" : "restart");
    } else {
        dn_fmt(answer, sizeof(answer), "error: %s\n", err);
    }
    req_path(d, name, "done", path, sizeof(path));
    dn_write_file(path, answer, 0, err, sizeof(err));
}

void dn_ctl_clear(struct devnet *d)
{
    char path[4200];
    for (uint32_t i = 0; i < d->n_val + DN_N_CHAINS; i++) {
        char name[16];
        if (i < d->n_val)
            dn_fmt(name, sizeof(name), "v%u", i);
        else
            dn_fmt(name, sizeof(name), "%s", dn_chain_names[i - d->n_val]);
        static const char *const kinds[] = {"restart", "stop", "done"};
        for (int k = 0; k < 3; k++) {
            req_path(d, name, kinds[k], path, sizeof(path));
            unlink(path);
        }
    }
}

void dn_serve_requests(struct devnet *d)
{
    char names[DN_N_CHAINS + DN_MAX_VALIDATORS][16];
    size_t k = 0;
    for (uint32_t i = 0; i < d->n_val; i++)
        dn_fmt(names[k++], 16, "v%u", i);
    for (int c = 0; c < DN_N_CHAINS; c++)
        dn_fmt(names[k++], 16, "%s", dn_chain_names[c]);
    for (size_t i = 0; i < k; i++) {
        for (int is_stop = 0; is_stop < 2; is_stop++) {
            char path[4200];
            req_path(d, names[i], is_stop ? "stop" : "restart", path, sizeof(path));
            if (unlink(path) == 0) /* taken: a second request meanwhile makes a new file */
                serve(d, names[i], is_stop);
        }
    }
}

/* The JSON-RPC URL of process `which` (see lookup). */
static void proc_url(const struct devnet *d, long which, char *out, size_t cap)
{
    if (which >= 0)
        dn_fmt(out, cap, "http://127.0.0.1:%d", d->val[which].http_port);
    else
        dn_fmt(out, cap, "%s", d->base[-which - 1].url);
}

/* One name: request, answer, then (restart) JSON-RPC answering. Returns 0 or 1. */
static int ctl_one(struct devnet *d, const char *name, long which, int is_stop, int timeout_ms)
{
    char path[4200], done[4200], err[1024];
    req_path(d, name, "done", done, sizeof(done));
    unlink(done);
    req_path(d, name, is_stop ? "stop" : "restart", path, sizeof(path));
    if (dn_write_file(path, "", 0, err, sizeof(err)) != 0) {
        fprintf(stderr, "bttcd devnet: %s\n", err);
        return 1;
    }
    long t0 = now_ms();
    FILE *f = NULL;
    while (!(f = fopen(done, "r"))) {
        if (!dn_pid_alive(d, "devnet") || now_ms() - t0 > timeout_ms) {
            unlink(path);
            fprintf(stderr, "bttcd devnet: %s: the supervisor did not answer\n", name);
            return 1;
        }
        usleep(100 * 1000);
    }
    char line[1100] = "";
    if (!fgets(line, sizeof(line), f))
        line[0] = '\0';
    fclose(f);
    unlink(done);
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "ok ", 3) != 0) {
        fprintf(stderr, "bttcd devnet: %s: %s\n", name, *line ? line : "no answer");
        return 1;
    }
    long pid = strtol(line + 3, NULL, 10);
    if (is_stop) {
        printf("devnet at %s: %s stopped\n", d->dir, name);
        return 0;
    }
    char url[300];
    proc_url(d, which, url, sizeof(url));
    for (;;) {
        uint64_t h;
        if (dn_rpc_u64(url, "eth_blockNumber", &h, 1000, err, sizeof(err)) == BT_OK) {
            printf("devnet at %s: %s restarted (pid %ld), %s answers (block %llu)\n", d->dir, name,
                   pid, url, (unsigned long long)h);
            return 0;
        }
        if (kill((pid_t)pid, 0) != 0) {
            fprintf(stderr, "bttcd devnet: %s exited after its restart: see %s/logs/%s.log\n", name,
                    d->dir, name);
            return 1;
        }
        if (now_ms() - t0 > timeout_ms) {
            fprintf(stderr, "bttcd devnet: %s: no JSON-RPC answer at %s after %d s (%s)\n", name,
                    url, timeout_ms / 1000, err);
            return 1;
        }
        usleep(100 * 1000);
    }
}

int dn_ctl(struct devnet *d, int is_stop, char *const *names, size_t n_names, int timeout_ms)
{
    char err[1024];
    bt_status st = dn_state_load(d, err, sizeof(err));
    if (st != BT_OK) {
        fprintf(stderr, "bttcd devnet: %s\n",
                st == BT_ENOTFOUND ? "no devnet in this directory (bttcd devnet starts one)" : err);
        return 1;
    }
    long which[DN_N_CHAINS + DN_MAX_VALIDATORS];
    if (n_names > DN_N_CHAINS + DN_MAX_VALIDATORS) {
        fprintf(stderr, "bttcd devnet: too many names\n");
        return 2;
    }
    for (size_t i = 0; i < n_names; i++)
        if (lookup(d, names[i], &which[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "bttcd devnet: %s\nTry 'bttcd devnet %s --help'.\n", err,
                    is_stop ? "stop" : "restart");
            return 2;
        }
    if (!dn_pid_alive(d, "devnet")) {
        fprintf(stderr,
                "bttcd devnet: no supervisor runs the devnet of %s: 'bttcd devnet --dir %s' "
                "starts every process of it\n",
                d->dir, d->dir);
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < n_names; i++)
        rc |= ctl_one(d, names[i], which[i], is_stop, timeout_ms);
    return rc;
}
