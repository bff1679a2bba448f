/* The swap's on-disk protocol in the datadir. storage.record names the backend and path the
 * node opens; it is replaced atomically (temp file, fsync, rename, fsync of the directory) and
 * its rename is the commit point of a swap. storage.swap is written before a swap creates its
 * target and names both sides; at start, if it is still there, the side the record does not
 * name is deleted (a half-copied target, or an old backend already replaced), then the intent. */
#include "stor_int.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log_int.h"

#define RECORD_FILE "storage.record"
#define INTENT_FILE "storage.swap"

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write text to <datadir>/<name> atomically and durably. */
static bt_status write_atomic(const char *datadir, const char *name, const char *text, char *err,
                              size_t err_cap)
{
    char tmp[4200], dst[4200];
    snprintf(tmp, sizeof(tmp), "%s/%s.tmp", datadir, name);
    snprintf(dst, sizeof(dst), "%s/%s", datadir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto fail;
    size_t n = strlen(text), off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        close(fd);
        goto fail;
    }
    close(fd);
    if (rename(tmp, dst) != 0 || fsync_dir(datadir) != 0)
        goto fail;
    return BT_OK;
fail:
    snprintf(err, err_cap, "%s: %s", dst, strerror(errno));
    unlink(tmp);
    return BT_EIO;
}

/* Find "key=value" in text; copies value into out. 1 if found. */
static int field(const char *text, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, kl) != 0 || l[kl] != '=')
            continue;
        const char *v = l + kl + 1, *e = strchr(v, '\n');
        size_t n = e ? (size_t)(e - v) : strlen(v);
        if (n >= cap)
            return 0;
        memcpy(out, v, n);
        out[n] = 0;
        return 1;
    }
    return 0;
}

static bt_status read_small(const char *datadir, const char *name, char *buf, size_t cap, char *err,
                            size_t err_cap)
{
    char p[4200];
    snprintf(p, sizeof(p), "%s/%s", datadir, name);
    FILE *f = fopen(p, "r");
    if (!f) {
        if (errno == ENOENT)
            return BT_ENOTFOUND;
        snprintf(err, err_cap, "%s: %s", p, strerror(errno));
        return BT_EIO;
    }
    size_t n = fread(buf, 1, cap - 1, f);
    int bad = ferror(f) || n == cap - 1;
    fclose(f);
    buf[n] = 0;
    if (bad) {
        snprintf(err, err_cap, "%s: unreadable or too long", p);
        return BT_EINVAL;
    }
    return BT_OK;
}

static bt_status parse_side(const char *text, const char *prefix, struct stor_record *out)
{
    char kb[32], kp[32];
    snprintf(kb, sizeof(kb), "%sbackend", prefix);
    snprintf(kp, sizeof(kp), "%spath", prefix);
    memset(out, 0, sizeof(*out));
    if (!field(text, kb, out->backend, sizeof(out->backend)) || !out->backend[0] ||
        !field(text, kp, out->path, sizeof(out->path)))
        return BT_EINVAL;
    return BT_OK;
}

bt_status stor_record_read(const char *datadir, struct stor_record *out, char *err, size_t err_cap)
{
    char buf[16384];
    memset(out, 0, sizeof(*out));
    bt_status st = read_small(datadir, RECORD_FILE, buf, sizeof(buf), err, err_cap);
    if (st != BT_OK)
        return st;
    if (parse_side(buf, "", out) != BT_OK) {
        snprintf(err, err_cap, "%s/%s: damaged (needs backend= and path= lines)", datadir,
                 RECORD_FILE);
        return BT_EINVAL;
    }
    return BT_OK;
}

bt_status stor_record_write(const char *datadir, const struct stor_record *r, char *err,
                            size_t err_cap)
{
    char text[8400];
    snprintf(text, sizeof(text),
             "# bttcd storage record: the backend this datadir opens (written by bttcd)\n"
             "backend=%s\npath=%s\n",
             r->backend, r->path);
    return write_atomic(datadir, RECORD_FILE, text, err, err_cap);
}

bt_status stor_intent_write(const char *datadir, const struct stor_record *from,
                            const struct stor_record *to, char *err, size_t err_cap)
{
    char text[8400 * 2];
    snprintf(text, sizeof(text),
             "# bttcd storage swap in progress (written by bttcd)\n"
             "from.backend=%s\nfrom.path=%s\nto.backend=%s\nto.path=%s\n",
             from->backend, from->path, to->backend, to->path);
    return write_atomic(datadir, INTENT_FILE, text, err, err_cap);
}

bt_status stor_intent_clear(const char *datadir)
{
    char p[4200];
    snprintf(p, sizeof(p), "%s/%s", datadir, INTENT_FILE);
    if (unlink(p) != 0 && errno != ENOENT)
        return BT_EIO;
    return fsync_dir(datadir) == 0 ? BT_OK : BT_EIO;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)f;
    return (flag == FTW_DP ? rmdir(p) : unlink(p)) == 0 || errno == ENOENT ? 0 : -1;
}

bt_status stor_remove_tree(const char *path)
{
    if (!path[0])
        return BT_OK;
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? BT_OK : BT_EIO;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? BT_OK : BT_EIO;
}

static int same_side(const struct stor_record *a, const struct stor_record *b)
{
    return strcmp(a->backend, b->backend) == 0 && strcmp(a->path, b->path) == 0;
}

bt_status stor_recover(const char *datadir, const struct stor_record *cur, char *err,
                       size_t err_cap)
{
    char buf[16384];
    bt_status st = read_small(datadir, INTENT_FILE, buf, sizeof(buf), err, err_cap);
    if (st == BT_ENOTFOUND)
        return BT_OK;
    struct stor_record from, to;
    if (st == BT_OK &&
        (parse_side(buf, "from.", &from) != BT_OK || parse_side(buf, "to.", &to) != BT_OK)) {
        snprintf(err, err_cap, "%s/%s: damaged; remove it after checking which database is whole",
                 datadir, INTENT_FILE);
        return BT_EINVAL;
    }
    if (st != BT_OK)
        return st;
    /* The record decides: the side it names is whole, the other is a leftover. */
    const struct stor_record *drop = same_side(cur, &to) ? &from : &to;
    if (same_side(drop, cur) || strcmp(drop->path, cur->path) == 0) {
        snprintf(err, err_cap, "%s/%s: names the open database %s as leftover", datadir,
                 INTENT_FILE, cur->path);
        return BT_EINVAL;
    }
    hlog(BT_LOG_INFO, "storage swap recovery",
         "keep=%s path=\"%s\" drop=%s drop_path=\"%s\" reason=%s", cur->backend, cur->path,
         drop->backend, drop->path,
         drop == &to ? "swap-not-committed" : "swap-committed-old-backend-left");
    if (stor_remove_tree(drop->path) != BT_OK) {
        snprintf(err, err_cap, "cannot remove %s: %s", drop->path, strerror(errno));
        return BT_EIO;
    }
    if (stor_intent_clear(datadir) != BT_OK) {
        snprintf(err, err_cap, "cannot remove %s/%s: %s", datadir, INTENT_FILE, strerror(errno));
        return BT_EIO;
    }
    return BT_OK;
}
