/* `bttcd storage stats|verify|export FILE|import FILE`: offline operator commands on the
 * datadir's database (the node must not be running: the backend's lock refuses a second
 * opener). */
#ifndef BTTCD_STOR_CLI_INT_H
#define BTTCD_STOR_CLI_INT_H

#include <stdio.h>

#include "cli_int.h"
#include "stor_int.h"

/** Run one of the offline CLI_CMD_STORAGE_* commands. Returns the exit status (CLI_EXIT_*). */
int stor_cli_run(const struct cli_opts *o);
/** `bttcd storage swap --to BACKEND [--path DIR]`: start a hot swap on the running node over
 *  <datadir>/bttcd.ipc, print progress and the final report (stor_swap_cli.c). Returns 0 when
 *  the swap is done, 1 when refused, aborted or no node listens. */
int stor_swap_cli_run(const struct cli_opts *o);

/** Write every pair of s as a stream (format in `bttcd storage export --help`) to f.
 *  *out_digest gets the count and digest written at the end. BT_OK, BT_EIO. */
bt_status stor_export(struct stor *s, FILE *f, struct stor_digest *out_digest, char *err,
                      size_t err_cap);
/** Load a stream from f into s (which should be empty). The trailer's count and digest must
 *  match what was read. BT_OK, BT_EPROTO (malformed or mismatch, err), BT_EIO. */
bt_status stor_import(struct stor *s, FILE *f, struct stor_digest *out_digest, char *err,
                      size_t err_cap);

#endif /* BTTCD_STOR_CLI_INT_H */
