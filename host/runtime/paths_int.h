/* File-system helpers of the runtime: joining paths, the data directory, and finding plugin
 * files in the plugin search path. */
#ifndef BTTCD_PATHS_INT_H
#define BTTCD_PATHS_INT_H

#include <stddef.h>

#include <bt/abi.h>

/** "dir/rel", or a copy of rel when it is absolute. malloc'd; NULL on allocation failure. */
char *paths_join(const char *dir, const char *rel);
/** The directory part of `file` ("." when it has none). malloc'd. */
char *paths_dirname(const char *file);
/** `path` with a leading "~" or "~/" replaced by $HOME (other paths copied). Returns BT_OK
 *  (*out malloc'd), BT_EINVAL (err: HOME unset) or BT_ENOMEM. */
bt_status paths_expand_home(const char *path, char **out, char *err, size_t err_cap);
/** "$HOME/.bttcd". Returns NULL (err set) when HOME is unset. malloc'd. */
char *paths_default_datadir(char *err, size_t err_cap);
/** Create `dir` and its missing parents with mode 0700 and return its absolute path without a
 *  trailing slash. Returns BT_OK, BT_EIO (err: "<dir>: <reason>") or BT_ENOMEM. */
bt_status paths_make_datadir(const char *dir, char **out_abs, char *err, size_t err_cap);

/** Take the data directory: an exclusive flock on <dir>/LOCK (which then holds our pid), kept
 *  until *out_fd is closed or the process ends. Returns BT_OK, BT_EBUSY (err: "datadir X is
 *  in use by another bttcd (pid N)"), BT_EIO (err: "datadir X is not writable: ...") or
 *  BT_ENOMEM. */
bt_status paths_lock_datadir(const char *dir, int *out_fd, char *err, size_t err_cap);

/** The plugin search path used when no --plugin-dir is given: the config file's directory,
 *  then the build tree's plugin output directory when bttcd runs from the build tree, else
 *  the plugin directory of the installation bttcd runs from (<bindir>/../lib/bttcd/plugins).
 *  Each directory appears once. */
struct plugin_dirs {
    char **dirs;
    size_t n;
};
/** Fill `pd` with the default search path for a config in `config_dir`, for the executable
 *  `exe` (NULL: this process's, /proc/self/exe). BT_OK or BT_ENOMEM. */
bt_status paths_default_plugin_dirs(struct plugin_dirs *pd, const char *config_dir,
                                    const char *exe);
/** Append a copy of `dir` unless it is there already. BT_OK or BT_ENOMEM. */
bt_status paths_plugin_dirs_add(struct plugin_dirs *pd, const char *dir);
void paths_plugin_dirs_free(struct plugin_dirs *pd);

/** Resolve a plugins.conf path= value. A value with a '/' is taken as is when absolute, else
 *  relative to config_dir, then to each plugin dir. A bare name ("storage-leveldb") is
 *  "<dir>/<name>.so" in the first plugin dir that has it (a ".so" suffix is not doubled).
 *  Returns BT_OK (*out_path malloc'd), BT_ENOTFOUND (err lists where it looked, each place
 *  once), BT_EINVAL (err: "<path>: not a regular file (...)"), BT_ENOMEM. */
bt_status paths_resolve_plugin(const char *value, const char *config_dir,
                               const struct plugin_dirs *pd, char **out_path, char *err,
                               size_t err_cap);

#endif /* BTTCD_PATHS_INT_H */
