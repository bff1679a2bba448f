/* Shared steps of the commands that read plugins.conf. Each prints its own error line and
 * returns an exit status (CLI_EXIT_*). */
#ifndef BTTCD_SETUP_INT_H
#define BTTCD_SETUP_INT_H

#include "cli_int.h"
#include "config_int.h"
#include "paths_int.h"

/** Print one error line on stderr, control characters escaped (a "\n" in fmt itself is
 *  escaped too: give a second line with a second call). */
void setup_error(const char *fmt, ...) BT_PRINTF(1, 2);
/** Load o->config. */
int setup_config(const struct cli_opts *o, struct config **out_cfg);
/** Level, format and file: command line, then plugins.conf [log], then the defaults. */
int setup_log(const struct cli_opts *o, const struct config *cfg);
/** Level and format only, for commands that print their results and never write the log
 *  file (plugins list, plugins check). */
void setup_log_console(const struct cli_opts *o, const struct config *cfg);
/** --plugin-dir list (each must be a directory: else a usage error), or the default search path for
 * cfg. Free with paths_plugin_dirs_free. */
int setup_plugin_dirs(const struct cli_opts *o, const struct config *cfg, struct plugin_dirs *pd);
/** The file of a [plugin NAME] section (error: "<file>:<line>: [plugin NAME] path: ..."). */
int setup_resolve(const struct config *cfg, const struct plugin_dirs *pd,
                  const struct conf_plugin *pl, char **out_path);

#endif /* BTTCD_SETUP_INT_H */
