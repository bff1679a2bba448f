/* `bttcd plugins check`: loader steps 1-7 in a forked child, so a plugin whose
 * bt_plugin_query crashes or hangs is refused instead of taking the caller down. */
#include "loader_int.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A bt_plugin_query that does not return within this many seconds is refused. */
#define CHECK_TIMEOUT_S 10

static void child(const char *file, int fd)
{
    /* Die by the signal itself (sanitizers would otherwise turn a crash into an exit code),
     * so the parent can name it. */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    alarm(CHECK_TIMEOUT_S);
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

static bt_status refuse_child(struct loader_check *out, int status)
{
    out->is_ok = 0;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        snprintf(out->why.reason, sizeof(out->why.reason), "timed out in bt_plugin_query");
        snprintf(out->why.detail, sizeof(out->why.detail), "no answer within %d s",
                 CHECK_TIMEOUT_S);
    } else if (WIFSIGNALED(status)) {
        snprintf(out->why.reason, sizeof(out->why.reason), "crashed in bt_plugin_query");
        snprintf(out->why.detail, sizeof(out->why.detail), "killed by signal %d, %s",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    } else {
        snprintf(out->why.reason, sizeof(out->why.reason), "crashed in bt_plugin_query");
        snprintf(out->why.detail, sizeof(out->why.detail), "exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return BT_OK;
}

bt_status loader_check_forked(const char *file, struct loader_check *out)
{
    memset(out, 0, sizeof(*out));
    int fds[2];
    if (pipe(fds) != 0)
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
    size_t got = 0;
    while (got < sizeof(*out)) {
        ssize_t n = read(fds[0], (char *)out + got, sizeof(*out) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got != sizeof(*out))
        return refuse_child(out, status);
    out->why.reason[sizeof(out->why.reason) - 1] = 0;
    out->why.detail[sizeof(out->why.detail) - 1] = 0;
    out->name[sizeof(out->name) - 1] = 0;
    out->version[sizeof(out->version) - 1] = 0;
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
