/* rootchain-example: a basechain adapter for "another EVM chain", written against the installed
 * bttcd SDK only (docs/plugin-authors.md §10 walks through it). The chain speaks the Ethereum
 * JSON-RPC API but serves no "finalized" block tag: a block counts as final once `confirmations`
 * blocks sit on top of it (finality = head - N). Everything else an adapter does -- log paging,
 * calls, building, signing through the host, broadcasting and tracking a transaction, failover,
 * retries, validation of every answer, metrics -- is the SDK's EVM adapter (bts/ethrpc.h), so the
 * plugin is its rules and a create. A chain that differs further replaces single entries of the
 * table instead (see the guide). */
#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bts/ethrpc.h>

/* What makes this chain this chain. Every value is a default the operator can override in the
 * plugin's plugins.conf section (the key of the same name). */
static const struct bts_evmchain_rules example_rules = {
    .name = "rootchain-example",
    .chain_type = BT_ROOTCHAIN_OTHER, /* not one of PROTOCOL.md §1's ids: a third-party chain */
    .url = "http://127.0.0.1:8545",
    .chain_id = "0",          /* 0: not checked; set chain_id in plugins.conf for a real chain */
    .finalized_tag = "false", /* never ask for "finalized": finality is head - confirmations */
    .confirmations = "12",    /* N */
    .poll_interval = "5s",
    .max_log_range = "2000", /* halved automatically when the node refuses a window */
    .tx_timeout = "1m",      /* no receipt after this long: bump the fee and re-broadcast */
    .receipt_poll = "2s",
};

static bt_status example_create(const struct bt_host *host, struct bt_host_ctx *hctx,
                                void **out_self)
{
    return bts_evmchain_create(&example_rules, host, hctx, out_self);
}

BT_PLUGIN_DEFINE(bts_evmchain_vtbl, .kind = BT_KIND_ROOTCHAIN, .name = "rootchain-example",
                 .version = "0.1.0", .create = example_create, .start = bts_evmchain_start,
                 .stop = bts_evmchain_stop, .destroy = bts_evmchain_destroy);
