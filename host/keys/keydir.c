/* The keystore directory, <datadir>/keystore, laid out as go-ethereum's: one JSON file per
 * key, named UTC--<time>--<address>, mode 0600 in a 0700 directory. Listing reads only the
 * address member of each file; nothing is decrypted here. */
#include "keys_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FILE_MAX (1u << 20)

char *keydir_path(const char *datadir)
{
    size_t n = strlen(datadir);
    char *p = malloc(n + sizeof("/keystore"));
    if (p)
        snprintf(p, n + sizeof("/keystore"), "%s/keystore", datadir);
    return p;
}

bt_status keydir_read_file(char **out, size_t *out_len, const char *path, char *err, size_t err_cap)
{
    *out = NULL;
    *out_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat stt;
    if (fd < 0 || fstat(fd, &stt) != 0) {
        snprintf(err, err_cap, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return BT_EIO;
    }
    if (!S_ISREG(stt.st_mode) || stt.st_size > FILE_MAX) {
        snprintf(err, err_cap, "%s: %s", path,
                 S_ISREG(stt.st_mode) ? "too big for a key file (max 1 MiB)" : "not a file");
        close(fd);
        return S_ISREG(stt.st_mode) ? BT_ERANGE : BT_EIO;
    }
    size_t cap = (size_t)stt.st_size + 1, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return BT_ENOMEM;
    }
    ssize_t n;
    while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, err_cap, "%s: %s", path, strerror(errno));
            explicit_bzero(buf, cap);
            free(buf);
            close(fd);
            return BT_EIO;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return BT_OK;
}

void keydir_list_free(struct keydir_list *l)
{
    for (size_t i = 0; l->v && i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct keydir_entry *)a)->path, ((const struct keydir_entry *)b)->path);
}

bt_status keydir_scan(struct keydir_list *out, const char *dir, char *err, size_t err_cap)
{
    out->v = NULL;
    out->n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return BT_OK;
        snprintf(err, err_cap, "%s: %s", dir, strerror(errno));
        return BT_EIO;
    }
    size_t cap = 0;
    bt_status st = BT_OK;
    struct dirent *de;
    while (st == BT_OK && (de = readdir(d)) != NULL) {
        /* geth skips editor backups and hidden files the same way. */
        size_t nl = strlen(de->d_name);
        if (de->d_name[0] == '.' || (nl && de->d_name[nl - 1] == '~'))
            continue;
        size_t plen = strlen(dir) + nl + 2;
        char *path = malloc(plen), *text = NULL, e2[16];
        size_t len;
        uint8_t addr[20];
        if (!path) {
            st = BT_ENOMEM;
            break;
        }
        snprintf(path, plen, "%s/%s", dir, de->d_name);
        if (keydir_read_file(&text, &len, path, e2, sizeof(e2)) != BT_OK ||
            ks_peek_address(addr, text, len) != BT_OK) {
            free(text);
            free(path);
            continue;
        }
        free(text);
        if (out->n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            struct keydir_entry *nv = realloc(out->v, ncap * sizeof(*nv));
            if (!nv) {
                free(path);
                st = BT_ENOMEM;
                break;
            }
            out->v = nv;
            cap = ncap;
        }
        memcpy(out->v[out->n].addr, addr, 20);
        out->v[out->n++].path = path;
    }
    closedir(d);
    if (st != BT_OK) {
        keydir_list_free(out);
        snprintf(err, err_cap, "%s: out of memory", dir);
        return st;
    }
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), by_path);
    return BT_OK;
}

bt_status keydir_find(const struct keydir_list *l, const uint8_t addr[20],
                      const struct keydir_entry **out_entry)
{
    *out_entry = NULL;
    for (size_t i = 0; i < l->n; i++) {
        if (memcmp(l->v[i].addr, addr, 20) != 0)
            continue;
        if (*out_entry)
            return BT_EEXIST;
        *out_entry = &l->v[i];
    }
    return *out_entry ? BT_OK : BT_ENOTFOUND;
}

static bt_status make_dir(const char *dir, char *err, size_t err_cap)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, err_cap, "%s: cannot create: %s", dir, strerror(errno));
        return BT_EIO;
    }
    struct stat stt;
    if (stat(dir, &stt) != 0 || !S_ISDIR(stt.st_mode)) {
        snprintf(err, err_cap, "%s: not a directory", dir);
        return BT_EIO;
    }
    return BT_OK;
}

static bt_status write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return BT_EIO;
        s += w;
        n -= (size_t)w;
    }
    return BT_OK;
}

bt_status keydir_store(char **out_path, const char *dir, const uint8_t addr[20], const char *json,
                       char *err, size_t err_cap)
{
    *out_path = NULL;
    bt_status st = make_dir(dir, err, err_cap);
    if (st != BT_OK)
        return st;
    /* geth's keyFileName: UTC--2016-03-22T12-57-55.920751759Z--<address hex>. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40], name[128];
    strftime(when, sizeof(when), "%Y-%m-%dT%H-%M-%S", &tm);
    int n = snprintf(name, sizeof(name), "UTC--%s.%09ldZ--", when, (long)ts.tv_nsec);
    for (size_t i = 0; i < 20; i++)
        n += snprintf(name + n, sizeof(name) - (size_t)n, "%02x", addr[i]);
    size_t plen = strlen(dir) + strlen(name) + 16;
    char *path = malloc(plen), *tmp = malloc(plen);
    if (!path || !tmp) {
        free(path);
        free(tmp);
        return BT_ENOMEM;
    }
    snprintf(path, plen, "%s/%s", dir, name);
    snprintf(tmp, plen, "%s/.%s.tmp", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, json, strlen(json)) != BT_OK || write_all(fd, "\n", 1) != BT_OK ||
        fsync(fd) != 0) {
        snprintf(err, err_cap, "%s: cannot write: %s", tmp, strerror(errno));
        st = BT_EIO;
    }
    if (fd >= 0 && close(fd) != 0 && st == BT_OK) {
        snprintf(err, err_cap, "%s: cannot write: %s", tmp, strerror(errno));
        st = BT_EIO;
    }
    if (st == BT_OK && rename(tmp, path) != 0) {
        snprintf(err, err_cap, "%s: cannot rename: %s", path, strerror(errno));
        st = BT_EIO;
    }
    if (st != BT_OK) {
        if (fd >= 0)
            unlink(tmp);
        free(path);
        free(tmp);
        return st;
    }
    free(tmp);
    *out_path = path;
    return BT_OK;
}
