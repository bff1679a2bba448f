/* Paths: joins, the data directory (created 0700) and the plugin search path. */
#include "paths_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef BT_BUILD_PLUGIN_DIR
#define BT_BUILD_PLUGIN_DIR ""
#endif
#ifndef BT_INSTALL_PLUGIN_DIR
#define BT_INSTALL_PLUGIN_DIR "/usr/local/lib/bttcd/plugins"
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

bt_status paths_plugin_dirs_add(struct plugin_dirs *pd, const char *dir)
{
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

bt_status paths_default_plugin_dirs(struct plugin_dirs *pd, const char *config_dir)
{
    const char *defaults[] = {config_dir, BT_BUILD_PLUGIN_DIR, BT_INSTALL_PLUGIN_DIR};
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        if (!defaults[i] || !*defaults[i])
            continue;
        if (paths_plugin_dirs_add(pd, defaults[i]) != BT_OK)
            return BT_ENOMEM;
    }
    return BT_OK;
}

void paths_plugin_dirs_free(struct plugin_dirs *pd)
{
    for (size_t i = 0; i < pd->n; i++)
        free(pd->dirs[i]);
    free(pd->dirs);
    pd->dirs = NULL;
    pd->n = 0;
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Try dir/rel; on a hit hand the joined path over. */
static bt_status try_dir(const char *dir, const char *rel, char **out_path)
{
    char *p = paths_join(dir, rel);
    if (!p)
        return BT_ENOMEM;
    if (is_file(p)) {
        *out_path = p;
        return BT_OK;
    }
    free(p);
    return BT_ENOTFOUND;
}

bt_status paths_resolve_plugin(const char *value, const char *config_dir,
                               const struct plugin_dirs *pd, char **out_path, char *err,
                               size_t err_cap)
{
    *out_path = NULL;
    bt_status st;
    if (value[0] == '/') {
        if (!is_file(value)) {
            snprintf(err, err_cap, "%s: no such file", value);
            return BT_ENOTFOUND;
        }
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
    if (has_slash && (st = try_dir(config_dir, rel, out_path)) != BT_ENOTFOUND)
        return st;
    for (size_t i = 0; i < pd->n; i++)
        if ((st = try_dir(pd->dirs[i], rel, out_path)) != BT_ENOTFOUND)
            return st;
    /* Name every place searched: the operator's next step is to fix one of them. */
    size_t off = (size_t)snprintf(err, err_cap, "%s not found in ", rel);
    if (has_slash && off < err_cap)
        off += (size_t)snprintf(err + off, err_cap - off, "%s", config_dir);
    for (size_t i = 0; i < pd->n && off < err_cap; i++)
        off += (size_t)snprintf(err + off, err_cap - off, "%s%s", (i || has_slash) ? ", " : "",
                                pd->dirs[i]);
    return BT_ENOTFOUND;
}
