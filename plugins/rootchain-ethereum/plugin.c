/* rootchain-ethereum: the Ethereum root-chain adapter (chain type 2, PROTOCOL.md §1). Thin by
 * design: everything but Ethereum's rules lives in the SDK's EVM adapter (bts/ethrpc.h).
 * Finality: the "finalized" tag (2-3 epochs behind head), falling back to head - 6, Delivery's
 * confirmations (ROOTCHAINS.md §0, §2.3). Fees: EIP-1559 (type 2). Defaults: Delivery's poll
 * (1 min) and a 1000-block log window that halves when a provider refuses it. */
#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bts/ethrpc.h>

static const struct bts_evmchain_rules eth_rules = {
    .name = "rootchain-ethereum",
    .chain_type = BT_ROOTCHAIN_ETH,
    .url = "http://127.0.0.1:8545",
    .chain_id = "1",
    .confirmations = "6",
    .poll_interval = "1m",
    .max_log_range = "1000",
    .tx_timeout = "3m",
    .receipt_poll = "4s",
};

static bt_status eth_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    return bts_evmchain_create(&eth_rules, host, hctx, out_self);
}

BT_PLUGIN_DEFINE(bts_evmchain_vtbl, .kind = BT_KIND_ROOTCHAIN, .name = "rootchain-ethereum",
                 .version = "0.1.0", .create = eth_create, .start = bts_evmchain_start,
                 .stop = bts_evmchain_stop, .destroy = bts_evmchain_destroy);
