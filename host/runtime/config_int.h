/* plugins.conf: which plugins the node loads, in order, with their settings, plus the host's
 * own [node], [log], [signer] and [storage] sections. INI parsed by libinih; every error is one
 * line
 * "<file>:<line>: <reason>" (docs/operator.md lists the format). */
#ifndef BTTCD_CONFIG_INT_H
#define BTTCD_CONFIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/abi.h>

#include "log_int.h"

/** One plugin-owned key of a [plugin NAME] section (handed over with conf_get/conf_next). */
struct conf_entry {
    char *key;
    char *value;
    uint32_t line;
};

/** One [plugin NAME] section. */
struct conf_plugin {
    char *name;                 /* NAME from the header: must equal the descriptor's name */
    uint32_t line;              /* line of the section header */
    char *path;                 /* path= value as written; NULL: the NAME itself */
    uint32_t path_line;         /* 0 when path= is absent */
    int is_enabled;             /* enabled= (default yes) */
    char *signer_keys;          /* signer_keys= (host key): the only keys it may use; NULL: all */
    struct conf_entry *entries; /* every other key, in file order */
    size_t n_entries;
};

/** A parsed plugins.conf. Strings are owned; free with config_free. */
struct config {
    char *file;        /* the path as given (used in messages) */
    char *dir;         /* its directory ("." if none): base of relative paths */
    char *datadir;     /* [node] datadir, resolved against dir; NULL if absent */
    int has_log_level; /* [log] level given */
    uint32_t log_level;
    int has_log_format; /* [log] format given */
    enum log_format log_format;
    char *log_file;              /* [log] file, resolved against dir; NULL if absent */
    char *signer_unlock;         /* [signer] unlock: addresses, comma-separated; NULL if absent */
    char *signer_password_file;  /* [signer] password_file, resolved against dir; NULL if absent */
    char *storage_backend;       /* [storage] backend; NULL if absent */
    char *storage_path;          /* [storage] path as written (relative: to the datadir) */
    struct conf_plugin *plugins; /* in file order */
    size_t n_plugins;
};

/** Largest plugins.conf read. */
#define CONFIG_MAX_BYTES (1024 * 1024)

/** Parse `file`. Returns BT_OK (*out_cfg set), BT_ENOTFOUND (cannot open), BT_EINVAL (bad
 *  content, not a regular file, larger than CONFIG_MAX_BYTES) or BT_ENOMEM; on failure err
 *  holds the one-line message without a newline: "<file>:<line>: <reason>", "<file>: cannot
 *  open: <errno text>" or "<file>: not a regular file". Path values ([node] datadir, [log]
 *  file, [signer] password_file) have "~" expanded and are resolved against the file's
 *  directory. */
bt_status config_load(const char *file, struct config **out_cfg, char *err, size_t err_cap);
/** Free a config; NULL is ignored. */
void config_free(struct config *cfg);

/** Nonzero if `s` is a well-formed plugin name: [a-z][a-z0-9-]{0,62}. */
int config_name_ok(const char *s);

#endif /* BTTCD_CONFIG_INT_H */
