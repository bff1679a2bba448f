/* rootchain-bsc: the BNB Smart Chain root-chain adapter (chain type 3, PROTOCOL.md §1). Thin by
 * design: everything but BSC's rules lives in the SDK's EVM adapter (bts/ethrpc.h).
 * Finality: the "finalized" tag where the node serves it (fast finality, BEP-126, about head -
 * 2), else head - 15 (the docs' 11-15 distinct validators; ROOTCHAINS.md §3, §6). Fees: BSC keeps
 * baseFeePerGas at 0, so the SDK falls back to legacy eth_gasPrice. Block times shrink across
 * forks, so every depth is in blocks, never seconds. Defaults: Delivery's 10 s poll. */
#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bts/ethrpc.h>

static const struct bts_evmchain_rules bsc_rules = {
    .name = "rootchain-bsc",
    .chain_type = BT_ROOTCHAIN_BSC,
    .url = "http://127.0.0.1:7545",
    .chain_id = "56",
    .confirmations = "15",
    .poll_interval = "10s",
    .max_log_range = "500",
    .tx_timeout = "30s",
    .receipt_poll = "1s",
};

static bt_status bsc_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    return bts_evmchain_create(&bsc_rules, host, hctx, out_self);
}

BT_PLUGIN_DEFINE(bts_evmchain_vtbl, .kind = BT_KIND_ROOTCHAIN, .name = "rootchain-bsc",
                 .version = "0.1.0", .create = bsc_create, .start = bts_evmchain_start,
                 .stop = bts_evmchain_stop, .destroy = bts_evmchain_destroy);
