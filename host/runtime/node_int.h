/* The commands that read plugins.conf: `bttcd run` and `bttcd plugins list`. */
#ifndef BTTCD_NODE_INT_H
#define BTTCD_NODE_INT_H

#include "cli_int.h"

/** `bttcd run`: load, create, start, serve until a signal, then stop and destroy in reverse
 *  order. Returns the process exit status (CLI_EXIT_*). */
int node_run(const struct cli_opts *o);
/** `bttcd plugins list`. Returns the exit status. */
int node_plugins_list(const struct cli_opts *o);

#endif /* BTTCD_NODE_INT_H */
