/* The dev TRON API inside `bttcd run`: started after the JSON-RPC transports when
 * --tron-api.port is given. Thread: loop. */
#ifndef BTTCD_TRONAPI_NODE_INT_H
#define BTTCD_TRONAPI_NODE_INT_H

#include "cli_int.h"
#include "tronapi_int.h"

/** Serve the dev TRON API over `chain` (its accepted transactions recorded in `s`) on
 * --tron-api.addr:--tron-api.port (logs "tron api" with the bound port). Only with --dev (its
 * transactions are signed with the dev keys). Returns: CLI_EXIT_OK (*out: free with tronapi_free),
 * CLI_EXIT_USAGE (no --dev, no chain), CLI_EXIT_FAIL (cannot listen); the reason is logged and
 * printed. */
int tronapi_node_start(const struct cli_opts *o, struct event_base *base, struct chain *chain,
                       struct stor *s, struct tronapi **out);

#endif /* BTTCD_TRONAPI_NODE_INT_H */
