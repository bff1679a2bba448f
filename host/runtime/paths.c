/* Paths: joins, the data directory (created 0700) and the plugin search path. */
#include "paths_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set by host/CMakeLists.txt: where the build tree's bttcd and plugins are, and the installed
 * plugin directory relative to the installed bttcd (so `cmake --install --prefix P` works
 * for any P). */
#ifndef BT_BUILD_BIN_DIR
#define BT_BUILD_BIN_DIR ""
#endif
#ifndef BT_BUILD_PLUGIN_DIR
#define BT_BUILD_PLUGIN_DIR ""
#endif
#ifndef BT_INSTALL_PLUGIN_RELDIR
#define BT_INSTALL_PLUGIN_RELDIR "../lib/bttcd/plugins"
#endif

char *paths_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir)
        return strdup(rel);
    size_t dn = strlen(dir);
    while (dn > 1 && dir[dn - 1] == '/')
        dn--;
    size_t rn = strlen(rel);
    char *out = malloc(dn + 1 + rn + 1);
    if (!out)
        return NULL;
    memcpy(out, dir, dn);
    out[dn] = '/';
    memcpy(out + dn + 1, rel, rn + 1);
    return out;
}

char *paths_dirname(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return strdup(".");
    if (slash == file)
        return strdup("/");
    return strndup(file, (size_t)(slash - file));
}

bt_status paths_expand_home(const char *path, char **out, char *err, size_t err_cap)
{
    *out = NULL;
    if (path[0] == '~' && (path[1] == 0 || path[1] == '/')) {
        const char *home = getenv("HOME");
        if (!home || !*home) {
            snprintf(err, err_cap, "%s: HOME is not set, so ~ cannot be expanded", path);
            return BT_EINVAL;
        }
        *out = path[1] && path[2] ? paths_join(home, path + 2) : strdup(home);
    } else {
        *out = strdup(path);
    }
    if (!*out) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    return BT_OK;
}

char *paths_default_datadir(char *err, size_t err_cap)
{
    const char *home = getenv("HOME");
    if (!home || !*home) {
        snprintf(err, err_cap, "HOME is not set: give --datadir DIR");
        return NULL;
    }
    char *out = paths_join(home, ".bttcd");
    if (!out)
        snprintf(err, err_cap, "out of memory");
    return out;
}

/* mkdir -p with 0700 for every directory it creates; existing ones keep their mode. */
static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

bt_status paths_make_datadir(const char *dir, char **out_abs, char *err, size_t err_cap)
{
    *out_abs = NULL;
    char *tmp = strdup(dir);
    if (!tmp) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    int rc = mkdirs(tmp);
    free(tmp);
    struct stat st;
    if (rc != 0 || stat(dir, &st) != 0) {
        snprintf(err, err_cap, "%s: %s", dir, strerror(errno));
        return BT_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, err_cap, "%s: not a directory", dir);
        return BT_EIO;
    }
    char *abs = realpath(dir, NULL);
    if (!abs) {
        snprintf(err, err_cap, "%s: %s", dir, strerror(errno));
        return BT_EIO;
    }
    *out_abs = abs;
    return BT_OK;
}

bt_status paths_lock_datadir(const char *dir, int *out_fd, char *err, size_t err_cap)
{
    *out_fd = -1;
    char *path = paths_join(dir, "LOCK");
    if (!path) {
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    /* An existing read-only directory would fail much later, in a plugin's first write. */
    int fd = access(dir, W_OK | X_OK) == 0
                 ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)
                 : -1;
    if (fd < 0) {
        snprintf(err, err_cap, "datadir %s is not writable: %s", dir, strerror(errno));
        free(path);
        return BT_EIO;
    }
    free(path);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
        pid[n > 0 ? n : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        close(fd);
        if (e == EWOULDBLOCK) {
            snprintf(err, err_cap, "datadir %s is in use by another bttcd (pid %s)", dir,
                     *pid ? pid : "unknown");
            return BT_EBUSY;
        }
        snprintf(err, err_cap, "datadir %s: cannot lock: %s", dir, strerror(e));
        return BT_EIO;
    }
    /* The pid is for the message above; the lock itself is the flock, released by the
     * kernel however this process ends. */
    char pid[32];
    int pn = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)pn, 0) != pn) {
        snprintf(err, err_cap, "datadir %s is not writable: %s", dir, strerror(errno));
        close(fd);
        return BT_EIO;
    }
    *out_fd = fd;
    return BT_OK;
}

bt_status paths_plugin_dirs_add(struct plugin_dirs *pd, const char *dir)
{
    for (size_t i = 0; i < pd->n; i++)
        if (strcmp(pd->dirs[i], dir) == 0)
            return BT_OK; /* searched once, named once */
    char **nd = realloc(pd->dirs, (pd->n + 1) * sizeof(*nd));
    if (!nd)
        return BT_ENOMEM;
    pd->dirs = nd;
    nd[pd->n] = strdup(dir);
    if (!nd[pd->n])
        return BT_ENOMEM;
    pd->n++;
    return BT_OK;
}

/* "a/bin/../lib" -> "a/lib": the directory named in messages should read as one. Only for
 * absolute paths; ".." above "/" stays at "/". */
static void normalize(char *p)
{
    char *out = p, *s = p;
    while (*s) {
        while (*s == '/')
            s++;
        char *seg = s;
        while (*s && *s != '/')
            s++;
        size_t n = (size_t)(s - seg);
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (out > p && *--out != '/')
                ;
            continue;
        }
        *out++ = '/';
        memmove(out, seg, n);
        out += n;
    }
    if (out == p)
        *out++ = '/';
    *out = 0;
}

bt_status paths_default_plugin_dirs(struct plugin_dirs *pd, const char *config_dir, const char *exe)
{
    if (paths_plugin_dirs_add(pd, config_dir) != BT_OK)
        return BT_ENOMEM;
    char *real = realpath(exe ? exe : "/proc/self/exe", NULL);
    if (!real)
        return BT_OK; /* no executable to be relative to: the config dir only */
    *strrchr(real, '/') = 0;
    char *build_bin = *BT_BUILD_BIN_DIR ? realpath(BT_BUILD_BIN_DIR, NULL) : NULL;
    bt_status st;
    if (build_bin && strcmp(build_bin, *real ? real : "/") == 0) {
        st = paths_plugin_dirs_add(pd, BT_BUILD_PLUGIN_DIR);
    } else {
        char *inst = paths_join(*real ? real : "/", BT_INSTALL_PLUGIN_RELDIR);
        if (inst && inst[0] == '/')
            normalize(inst);
        st = inst ? paths_plugin_dirs_add(pd, inst) : BT_ENOMEM;
        free(inst);
    }
    free(build_bin);
    free(real);
    return st;
}

void paths_plugin_dirs_free(struct plugin_dirs *pd)
{
    for (size_t i = 0; i < pd->n; i++)
        free(pd->dirs[i]);
    free(pd->dirs);
    pd->dirs = NULL;
    pd->n = 0;
}

/* BT_OK: a regular file; BT_ENOTFOUND: nothing there; BT_EINVAL: something else (err says
 * what: a directory named like a plugin is a mistake worth naming, not "not found"). */
static bt_status check_file(const char *p, char *err, size_t err_cap)
{
    struct stat st;
    if (stat(p, &st) != 0)
        return BT_ENOTFOUND;
    if (S_ISREG(st.st_mode))
        return BT_OK;
    snprintf(err, err_cap, "%s: not a regular file (%s)", p,
             S_ISDIR(st.st_mode) ? "a directory" : "a device, FIFO or socket");
    return BT_EINVAL;
}

/* Try dir/rel; on a hit hand the joined path over. */
static bt_status try_dir(const char *dir, const char *rel, char **out_path, char *err,
                         size_t err_cap)
{
    char *p = paths_join(dir, rel);
    if (!p)
        return BT_ENOMEM;
    bt_status st = check_file(p, err, err_cap);
    if (st == BT_OK)
        *out_path = p;
    else
        free(p);
    return st;
}

bt_status paths_resolve_plugin(const char *value, const char *config_dir,
                               const struct plugin_dirs *pd, char **out_path, char *err,
                               size_t err_cap)
{
    *out_path = NULL;
    bt_status st;
    if (value[0] == '/') {
        if ((st = check_file(value, err, err_cap)) == BT_ENOTFOUND)
            snprintf(err, err_cap, "%s: no such file", value);
        if (st != BT_OK)
            return st;
        *out_path = strdup(value);
        return *out_path ? BT_OK : BT_ENOMEM;
    }
    char rel[PATH_MAX];
    int has_slash = strchr(value, '/') != NULL;
    size_t vn = strlen(value);
    if (has_slash || (vn > 3 && strcmp(value + vn - 3, ".so") == 0))
        snprintf(rel, sizeof(rel), "%s", value);
    else
        snprintf(rel, sizeof(rel), "%s.so", value);
    if (has_slash && (st = try_dir(config_dir, rel, out_path, err, err_cap)) != BT_ENOTFOUND)
        return st;
    for (size_t i = 0; i < pd->n; i++)
        if ((st = try_dir(pd->dirs[i], rel, out_path, err, err_cap)) != BT_ENOTFOUND)
            return st;
    /* Name every place searched, each once: the operator's next step is to fix one. */
    size_t off = (size_t)snprintf(err, err_cap, "%s not found in ", rel);
    int named = 0;
    if (has_slash && off < err_cap) {
        off += (size_t)snprintf(err + off, err_cap - off, "%s", config_dir);
        named = 1;
    }
    for (size_t i = 0; i < pd->n && off < err_cap; i++) {
        if (has_slash && strcmp(pd->dirs[i], config_dir) == 0)
            continue;
        off += (size_t)snprintf(err + off, err_cap - off, "%s%s", named ? ", " : "", pd->dirs[i]);
        named = 1;
    }
    return BT_ENOTFOUND;
}
