/* `bttcd rootchain status`: the health of every enabled root-chain adapter. */
#ifndef BTTCD_ROOTCHAIN_CMD_INT_H
#define BTTCD_ROOTCHAIN_CMD_INT_H

#include "cli_int.h"

/** Load the enabled rootchain plugins of plugins.conf (checked in a child first, as `run`
 *  does), create and start them on a private runtime, ask each for its heights, and print
 *  one row per adapter -- head, finalized height, lag, last error and the adapter's metrics --
 *  as a table or, with --json, a JSON array. Nothing is written to the datadir. Returns
 *  CLI_EXIT_OK when every adapter answered, CLI_EXIT_FAIL when one failed, was refused or
 *  did not answer within the deadline, CLI_EXIT_USAGE for a plugins.conf error. */
int rootchain_status_cmd(const struct cli_opts *o);

#endif /* BTTCD_ROOTCHAIN_CMD_INT_H */
