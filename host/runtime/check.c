/* Loader steps 1-7 in a forked child (`plugins check`, `plugins list`, and `run` before it
 * loads anything in-process), so a plugin whose ELF constructors or bt_plugin_query crash,
 * exit or hang is refused instead of taking the caller down. */
#include "loader_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A check that does not answer within this many seconds is refused (BTTCD_CHECK_TIMEOUT
 * overrides it, so the tests of a hanging plugin stay fast). */
#define CHECK_TIMEOUT_S 10

static int check_timeout_ms(void)
{
    const char *e = getenv("BTTCD_CHECK_TIMEOUT");
    char *end;
    long s = e ? strtol(e, &end, 10) : 0;
    if (!e || !*e || *end || s < 1 || s > 3600)
        s = CHECK_TIMEOUT_S;
    return (int)s * 1000;
}

static bt_status refuse(struct loader_check *out, const char *reason, const char *detail)
{
    out->is_ok = 0;
    snprintf(out->why.reason, sizeof(out->why.reason), "%s", reason);
    snprintf(out->why.detail, sizeof(out->why.detail), "%s", detail);
    return BT_OK;
}

/* What can be said without dlopen: dlopen would block on a FIFO, and its texts for a
 * directory or a text file ("file too short", "Is a directory") mislead. */
static int precheck(const char *file, struct loader_check *out)
{
    struct stat st;
    if (stat(file, &st) != 0) {
        refuse(out, "cannot load", strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        refuse(out, "not a regular file",
               S_ISDIR(st.st_mode)    ? "a directory"
               : S_ISFIFO(st.st_mode) ? "a FIFO"
               : S_ISSOCK(st.st_mode) ? "a socket"
                                      : "a device");
        return -1;
    }
    unsigned char magic[4] = {0};
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        refuse(out, "cannot load", strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, magic, sizeof(magic));
    close(fd);
    if (n != (ssize_t)sizeof(magic) || memcmp(magic,
                                              "\x7f"
                                              "ELF",
                                              4) != 0) {
        refuse(out, "not a shared library", "not an ELF file");
        return -1;
    }
    return 0;
}

/* A plugin that calls exit() in the child must not run the handlers this process registered
 * (or the sanitizers' leak check over the parent's heap): end at once with its status. */
static void child_on_exit(int status, void *arg)
{
    (void)arg;
    _exit(status);
}

static void child(const char *file, int fd)
{
    on_exit(child_on_exit, NULL);
    /* Die by the signal itself (sanitizers would otherwise turn a crash into an exit code),
     * so the parent can name it. */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    /* Whatever the plugin prints (constructors, bt_plugin_query) is not ours to show: it
     * would pass for our own output ("x.so: ok ..."). */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        close(null);
    }
    struct loader_check res;
    memset(&res, 0, sizeof(res));
    struct loader_plugin *lp = NULL;
    if (loader_open(file, NULL, NULL, &lp, &res.why) == BT_OK) {
        res.is_ok = 1;
        res.kind = lp->img.desc.kind;
        res.abi_major = lp->img.desc.abi_major;
        res.abi_minor = lp->img.desc.abi_minor;
        memcpy(res.name, lp->img.name, sizeof(res.name));
        memcpy(res.version, lp->img.version, sizeof(res.version));
    }
    ssize_t n = write(fd, &res, sizeof(res));
    /* _exit: no atexit handlers, no leak report, nothing of the parent's state flushed twice. */
    _exit(n == (ssize_t)sizeof(res) ? 0 : 3);
}

static bt_status refuse_child(struct loader_check *out, int status, int timed_out, int timeout_ms)
{
    char detail[128];
    if (timed_out) {
        snprintf(detail, sizeof(detail), "no answer within %d s", timeout_ms / 1000);
        return refuse(out, "timed out in bt_plugin_query", detail);
    }
    if (WIFSIGNALED(status)) {
        snprintf(detail, sizeof(detail), "killed by signal %d, %s", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
        return refuse(out, "crashed in bt_plugin_query", detail);
    }
    snprintf(detail, sizeof(detail), "exit status %d",
             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return refuse(out, "exited in bt_plugin_query", detail);
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Read the child's answer until it is whole, the pipe closes or the deadline passes.
 * Returns the bytes read; *out_timed_out says why it stopped short. */
static size_t read_answer(int fd, struct loader_check *out, int timeout_ms, int *out_timed_out)
{
    size_t got = 0;
    int64_t deadline = now_ms() + timeout_ms;
    *out_timed_out = 0;
    while (got < sizeof(*out)) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            *out_timed_out = 1;
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (r == 0)
            continue;
        ssize_t n = read(fd, (char *)out + got, sizeof(*out) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

bt_status loader_check_forked(const char *file, struct loader_check *out)
{
    memset(out, 0, sizeof(*out));
    if (precheck(file, out) != 0)
        return BT_OK;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return BT_EIO;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return BT_EIO;
    }
    if (pid == 0) {
        close(fds[0]);
        child(file, fds[1]);
    }
    close(fds[1]);
    int timeout_ms = check_timeout_ms(), timed_out;
    size_t got = read_answer(fds[0], out, timeout_ms, &timed_out);
    close(fds[0]);
    /* The parent decides the timeout and kills: a plugin may block or ignore any signal the
     * child could arm for itself, but not SIGKILL. */
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got != sizeof(*out) || timed_out)
        return refuse_child(out, status, timed_out, timeout_ms);
    out->why.reason[sizeof(out->why.reason) - 1] = 0;
    out->why.detail[sizeof(out->why.detail) - 1] = 0;
    out->name[sizeof(out->name) - 1] = 0;
    out->version[sizeof(out->version) - 1] = 0;
    return BT_OK;
}

bt_status loader_check_forked_n(const char *const *files, size_t n, struct loader_check *out)
{
    pid_t *pids = calloc(n ? n : 1, sizeof(*pids));
    int *fds = calloc(n ? n : 1, sizeof(*fds));
    if (!pids || !fds) {
        free(pids);
        free(fds);
        return BT_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        fds[i] = -1;
        memset(&out[i], 0, sizeof(out[i]));
        if (precheck(files[i], &out[i]) != 0)
            continue;
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) {
            refuse(&out[i], "cannot check", strerror(errno));
            continue;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            refuse(&out[i], "cannot check", "fork failed");
            close(p[0]);
            close(p[1]);
            continue;
        }
        if (pid == 0) {
            close(p[0]); /* the read ends of earlier checks stay open here: harmless */
            child(files[i], p[1]);
        }
        close(p[1]); /* before the next fork: only child i holds the write end of pipe i */
        pids[i] = pid;
        fds[i] = p[0];
    }
    int timeout_ms = check_timeout_ms();
    int64_t deadline = now_ms() + timeout_ms;
    for (size_t i = 0; i < n; i++) {
        if (fds[i] < 0)
            continue;
        int64_t left = deadline - now_ms();
        int timed_out;
        struct loader_check *c = &out[i];
        size_t got = read_answer(fds[i], c, left > 0 ? (int)left : 1, &timed_out);
        close(fds[i]);
        if (timed_out)
            kill(pids[i], SIGKILL);
        int status = 0;
        while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
            ;
        if (got != sizeof(*c) || timed_out) {
            memset(c, 0, sizeof(*c));
            refuse_child(c, status, timed_out, timeout_ms);
            continue;
        }
        c->why.reason[sizeof(c->why.reason) - 1] = 0;
        c->why.detail[sizeof(c->why.detail) - 1] = 0;
        c->name[sizeof(c->name) - 1] = 0;
        c->version[sizeof(c->version) - 1] = 0;
    }
    free(pids);
    free(fds);
    return BT_OK;
}

int loader_check_files(char *const *files, size_t n_files, FILE *out)
{
    int rc = 0;
    struct loader_check *seen = calloc(n_files ? n_files : 1, sizeof(*seen));
    if (!seen) {
        fprintf(stderr, "bttcd: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n_files; i++) {
        struct loader_check *c = &seen[i];
        if (loader_check_forked(files[i], c) != BT_OK) {
            fprintf(out, "%s: refused: cannot check (fork failed: %s)\n", files[i],
                    strerror(errno));
            rc = 1;
            continue;
        }
        for (size_t j = 0; c->is_ok && j < i; j++) {
            if (seen[j].is_ok && strcmp(seen[j].name, c->name) == 0) {
                c->is_ok = 0;
                snprintf(c->why.reason, sizeof(c->why.reason), "duplicate name");
                snprintf(c->why.detail, sizeof(c->why.detail), "\"%s\" is already loaded from %s",
                         c->name, files[j]);
            }
        }
        if (!c->is_ok) {
            loader_print_refusal(out, files[i], &c->why);
            rc = 1;
            continue;
        }
        const struct loader_kind *k = loader_kind_find(c->kind);
        fprintf(out, "%s: ok kind=%s name=%s version=%s abi=%u.%u\n", files[i], k ? k->name : "?",
                c->name, c->version, c->abi_major, c->abi_minor);
    }
    free(seen);
    return rc;
}
