/* Storage conformance: stats and compact, and for persistent backends reopening, read-only
 * opens, missing and unwritable paths, and the one-process-per-database lock. */
#include "conform_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fill(struct cf *t, struct bt_storage_db *db, uint32_t n, uint32_t flags)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t k[8], v[16];
        cf_key(k, i);
        cf_val(v, i, 7);
        if (cf_put(t, db, k, 8, v, 16, i + 1 == n ? flags : 0) != BT_OK)
            return 0;
    }
    return 1;
}

static int holds(struct cf *t, struct bt_storage_db *db, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t k[8], v[16];
        cf_key(k, i);
        cf_val(v, i, 7);
        if (!cf_expect(t, db, NULL, k, 8, v, 16, __LINE__))
            return 0;
    }
    return 1;
}

int cf_check_stats_compact(struct cf *t)
{
    int r = CF_FAIL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    CF_CHECK(t, fill(t, db, 1000, BT_STORAGE_SYNC), "fill");
    struct bt_storage_stats s = {.struct_size = sizeof(s)};
    CF_ST(t, t->v->stats(t->self, db, &s), BT_OK);
    CF_CHECK(t, s.approx_keys == 0 || (s.approx_keys >= 500 && s.approx_keys <= 2000),
             "approx_keys %llu for 1000 keys", (unsigned long long)s.approx_keys);
    CF_CHECK(t, s.approx_bytes < 1000000, "approx_bytes %llu for 24000 bytes",
             (unsigned long long)s.approx_bytes);
    if (t->c->flags & BTS_CONFORM_STORAGE_PERSISTENT)
        CF_CHECK(t, s.disk_bytes > 0, "disk_bytes is 0 after a synced write");
    CF_ST(t, t->v->compact(t->self, db, NULL), BT_OK);
    uint8_t lo[8], hi[8];
    cf_key(lo, 100);
    cf_key(hi, 200);
    struct bt_storage_range rg = {lo, 8, hi, 8};
    CF_ST(t, t->v->compact(t->self, db, &rg), BT_OK);
    CF_CHECK(t, holds(t, db, 1000), "data changed by compact");
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    return r;
}

int cf_check_reopen(struct cf *t)
{
    int r = CF_FAIL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    CF_CHECK(t, fill(t, db, 300, BT_STORAGE_SYNC), "fill");
    CF_ST(t, cf_put(t, db, "gone", 4, "x", 1, 0), BT_OK);
    CF_ST(t, cf_del(t, db, "gone", 4), BT_OK);
    t->v->close(t->self, db);
    db = cf_open(t, NULL, 0);
    CF_CHECK(t, db, "reopen without CREATE");
    CF_CHECK(t, holds(t, db, 300), "data lost across close/open");
    CF_EXPECT(t, db, NULL, "gone", 4, NULL, 0);
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    return r;
}

int cf_check_readonly(struct cf *t)
{
    int r = CF_FAIL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    CF_CHECK(t, fill(t, db, 10, BT_STORAGE_SYNC), "fill");
    t->v->close(t->self, db);
    db = cf_open(t, NULL, BT_STORAGE_OPEN_READONLY);
    CF_CHECK(t, db, "read-only open");
    CF_CHECK(t, holds(t, db, 10), "read-only open reads");
    CF_ST(t, cf_put(t, db, "w", 1, "w", 1, 0), BT_EPERM);
    CF_EXPECT(t, db, NULL, "w", 1, NULL, 0);
    r = CF_PASS;
fail:
    t->v->close(t->self, db);
    return r;
}

int cf_check_missing_path(struct cf *t)
{
    int r = CF_FAIL;
    char path[1200];
    struct stat st;
    struct bt_storage_db *db = (struct bt_storage_db *)&r; /* must come back NULL */
    cf_path(t, "absent", path, sizeof(path));
    CF_ST(t, cf_open_st(t, path, 0, &db), BT_ENOTFOUND);
    CF_CHECK(t, db == NULL, "*out_db not NULL after a failed open");
    db = (struct bt_storage_db *)&r;
    CF_ST(t, cf_open_st(t, path, BT_STORAGE_OPEN_READONLY, &db), BT_ENOTFOUND);
    CF_CHECK(t, db == NULL, "*out_db not NULL after a failed open");
    CF_CHECK(t, stat(path, &st) != 0, "a failed open without CREATE created %s", path);
    return CF_PASS;
fail:
    if (db && db != (struct bt_storage_db *)&r)
        t->v->close(t->self, db);
    return r;
}

static int refused(struct cf *t, const char *path)
{
    struct bt_storage_db *db = NULL;
    bt_status st = cf_open_st(t, path, BT_STORAGE_OPEN_CREATE, &db);
    CF_CHECK(t, st == BT_EIO || st == BT_EPERM, "open %s: %s, expected BT_EIO or BT_EPERM", path,
             bts_status_str(st));
    CF_CHECK(t, db == NULL, "*out_db not NULL after a failed open");
    CF_CHECK(t, !t->c->last_error || *cf_msg(t), "open %s failed without a message", path);
    printf("conform-storage %s: message: %s\n", t->name, cf_msg(t));
    return 1;
fail:
    if (db)
        t->v->close(t->self, db);
    return 0;
}

int cf_check_unwritable_path(struct cf *t)
{
    int r = CF_FAIL;
    char file[1200], path[1300], ro[1200];
    cf_path(t, "file", file, sizeof(file));
    int fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CF_CHECK(t, fd >= 0, "cannot create %s", file);
    close(fd);
    snprintf(path, sizeof(path), "%s/db", file); /* under a regular file: ENOTDIR, even as root */
    CF_CHECK(t, refused(t, path), "under a file");
    cf_path(t, "ro", ro, sizeof(ro));
    CF_CHECK(t, mkdir(ro, 0555) == 0 || errno == EEXIST, "mkdir %s", ro);
    chmod(ro, 0555);
    if (access(ro, W_OK) != 0) { /* root writes anywhere: then this half cannot be checked */
        snprintf(path, sizeof(path), "%s/db", ro);
        int ok = refused(t, path);
        chmod(ro, 0755);
        CF_CHECK(t, ok, "under a read-only directory");
    }
    r = CF_PASS;
fail:
    return r;
}

int cf_check_double_open(struct cf *t)
{
    int r = CF_FAIL;
    char path[1200];
    struct bt_storage_db *db2 = NULL;
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    cf_path(t, NULL, path, sizeof(path));
    CF_ST(t, cf_open_st(t, path, BT_STORAGE_OPEN_CREATE, &db2), BT_EBUSY);
    CF_CHECK(t, db2 == NULL, "*out_db not NULL after a failed open");
    CF_CHECK(t, !t->c->last_error || *cf_msg(t), "BT_EBUSY without a message");
    t->v->close(t->self, db);
    db = cf_open(t, NULL, 0);
    CF_CHECK(t, db, "open after close");
    r = CF_PASS;
fail:
    t->v->close(t->self, db2);
    t->v->close(t->self, db);
    return r;
}

/* The child opens the database, reports, and holds it until told to go. It leaves with
 * _exit() without closing: after fork() in a threaded process a library's background threads
 * are gone, and a close that waits for them would hang. */
static void child_hold(struct cf *t, const char *path, int ready_fd, int go_fd)
{
    struct bt_storage_db *db = NULL;
    uint8_t b = cf_open_st(t, path, 0, &db) == BT_OK ? 'y' : 'n';
    if (write(ready_fd, &b, 1) != 1)
        _exit(2);
    while (read(go_fd, &b, 1) < 0 && errno == EINTR)
        ;
    _exit(0);
}

int cf_check_locked_other_process(struct cf *t)
{
    int r = CF_FAIL, ready[2] = {-1, -1}, go[2] = {-1, -1};
    pid_t pid = -1;
    char path[1200];
    struct bt_storage_db *db = cf_open(t, NULL, BT_STORAGE_OPEN_CREATE);
    if (!db)
        return CF_FAIL;
    cf_path(t, NULL, path, sizeof(path));
    CF_CHECK(t, fill(t, db, 50, BT_STORAGE_SYNC), "fill");
    t->v->close(t->self, db);
    db = NULL;
    CF_CHECK(t, pipe(ready) == 0 && pipe(go) == 0, "pipe");
    fflush(NULL);
    pid = fork();
    CF_CHECK(t, pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0)
        child_hold(t, path, ready[1], go[0]);
    struct pollfd p = {.fd = ready[0], .events = POLLIN};
    uint8_t b = 0;
    CF_CHECK(t, poll(&p, 1, 30000) == 1 && read(ready[0], &b, 1) == 1, "child did not report");
    CF_CHECK(t, b == 'y', "the child process could not open %s", path);
    CF_ST(t, cf_open_st(t, path, BT_STORAGE_OPEN_CREATE, &db), BT_EBUSY);
    CF_CHECK(t, db == NULL, "*out_db not NULL after a failed open");
    CF_CHECK(t, !t->c->last_error || *cf_msg(t), "BT_EBUSY without a message");
    printf("conform-storage %s: message: %s\n", t->name, cf_msg(t));
    CF_ST(t, cf_open_st(t, path, BT_STORAGE_OPEN_READONLY, &db), BT_EBUSY);
    CF_CHECK(t, db == NULL, "*out_db not NULL after a failed open");
    CF_CHECK(t, write(go[1], "g", 1) == 1, "pipe write");
    int status = 0;
    CF_CHECK(t, waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
             "child status %d", status);
    pid = -1;
    db = cf_open(t, NULL, 0);
    CF_CHECK(t, db, "open after the other process left");
    CF_CHECK(t, holds(t, db, 50), "data changed by the refused opens");
    r = CF_PASS;
fail:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    for (int i = 0; i < 2; i++) {
        if (ready[i] >= 0)
            close(ready[i]);
        if (go[i] >= 0)
            close(go[i]);
    }
    t->v->close(t->self, db);
    return r;
}
