/* `bttcd run --dev --tron-api.port N`: the dev TRON API beside the Ethereum JSON-RPC. */
#include "tronapi_node_int.h"

#include <stdio.h>

#include "genesis_int.h"
#include "log_int.h"
#include "setup_int.h"

int tronapi_node_start(const struct cli_opts *o, struct event_base *base, struct chain *chain,
                       struct stor *s, struct tronapi **out)
{
    *out = NULL;
    if (!o->is_dev || !chain) {
        setup_error("bttcd: --tron-api.port needs --dev (the dev TRON API executes transactions "
                    "with the dev accounts' keys)");
        return CLI_EXIT_USAGE;
    }
    struct tronapi_opts to = {chain, o->tron_api_solid_lag,
                              o->has_dev_accounts ? o->dev_accounts : GENESIS_DEV_ACCOUNTS, s};
    const char *addr = o->tron_api_addr ? o->tron_api_addr : "127.0.0.1";
    char err[256];
    uint16_t port = 0;
    if (tronapi_new(out, &to) != BT_OK) {
        setup_error("bttcd: tron api: cannot load the recorded transactions");
        return CLI_EXIT_FAIL;
    }
    if (tronapi_listen(*out, base, addr, (uint16_t)o->tron_api_port, &port, err, sizeof(err)) !=
        BT_OK) {
        setup_error("bttcd: tron api: %s", err);
        hlog(BT_LOG_ERROR, "tron api failed", "err=%s", LOG_Q(err));
        tronapi_free(*out);
        *out = NULL;
        return CLI_EXIT_FAIL;
    }
    hlog(BT_LOG_INFO, "tron api", "addr=%s:%u solid_lag=%llu", addr, port,
         (unsigned long long)to.solid_lag);
    return CLI_EXIT_OK;
}
