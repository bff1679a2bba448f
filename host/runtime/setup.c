/* What `run` and `plugins list` share: reading plugins.conf, applying the log settings
 * (command line over file over defaults) and resolving every plugin's file. */
#include "setup_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log_int.h"

void setup_error(const char *fmt, ...)
{
    char raw[4096], text[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* Values from the command line or the config may hold newlines or terminal escapes: one
     * error stays one harmless line. */
    log_escape_text(text, sizeof(text), raw);
    fprintf(stderr, "%s\n", text);
}

int setup_config(const struct cli_opts *o, struct config **out_cfg)
{
    char err[1024];
    bt_status st = config_load(o->config, out_cfg, err, sizeof(err));
    if (st == BT_ENOTFOUND) {
        setup_error("%s (give another file with --config FILE)", err);
        return CLI_EXIT_USAGE;
    }
    if (st != BT_OK) {
        setup_error("%s", err);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static void set_level_format(const struct cli_opts *o, const struct config *cfg)
{
    if (o->has_log_level)
        log_set_level(o->log_level);
    else if (cfg && cfg->has_log_level)
        log_set_level(cfg->log_level);
    if (o->has_log_format)
        log_set_format(o->log_format);
    else if (cfg && cfg->has_log_format)
        log_set_format(cfg->log_format);
}

int setup_log(const struct cli_opts *o, const struct config *cfg)
{
    set_level_format(o, cfg);
    const char *file = o->log_file ? o->log_file : cfg ? cfg->log_file : NULL;
    if (file) {
        char err[256];
        if (log_set_file(file, err, sizeof(err)) != BT_OK) {
            setup_error("bttcd: log file %s: %s", file, err);
            return CLI_EXIT_USAGE;
        }
    }
    return CLI_EXIT_OK;
}

void setup_log_console(const struct cli_opts *o, const struct config *cfg)
{
    set_level_format(o, cfg);
}

int setup_plugin_dirs(const struct cli_opts *o, const struct config *cfg, struct plugin_dirs *pd)
{
    memset(pd, 0, sizeof(*pd));
    /* A mistyped --plugin-dir would otherwise surface as "not found" for every plugin. */
    for (size_t i = 0; i < o->n_plugin_dirs; i++) {
        struct stat st;
        const char *d = o->plugin_dirs[i];
        int rc = stat(d, &st);
        if (rc != 0 || !S_ISDIR(st.st_mode)) {
            setup_error("bttcd: --plugin-dir %s: %s", d,
                        rc == 0           ? "not a directory"
                        : errno == ENOENT ? "no such directory"
                                          : strerror(errno));
            fputs("Try 'bttcd --help' for the commands and options.\n", stderr);
            return CLI_EXIT_USAGE;
        }
    }
    bt_status st = BT_OK;
    if (o->n_plugin_dirs == 0)
        st = paths_default_plugin_dirs(pd, cfg->dir, NULL);
    for (size_t i = 0; st == BT_OK && i < o->n_plugin_dirs; i++)
        st = paths_plugin_dirs_add(pd, o->plugin_dirs[i]);
    if (st != BT_OK) {
        fprintf(stderr, "bttcd: out of memory\n");
        paths_plugin_dirs_free(pd);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

int setup_resolve(const struct config *cfg, const struct plugin_dirs *pd,
                  const struct conf_plugin *pl, char **out_path)
{
    char err[2048];
    const char *value = pl->path ? pl->path : pl->name;
    if (paths_resolve_plugin(value, cfg->dir, pd, out_path, err, sizeof(err)) != BT_OK) {
        setup_error("%s:%u: [plugin %s] path: %s", cfg->file,
                    pl->path_line ? pl->path_line : pl->line, pl->name, err);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}
