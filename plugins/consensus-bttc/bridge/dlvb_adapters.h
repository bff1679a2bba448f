/* Delivery bridge: finding the root-chain adapters a node runs. Every rootchain plugin is in the
 * host's service registry as "rootchain/<plugin name>" with its struct bt_rootchain_vtbl as
 * interface (abi/bt/host.h service_provide); the bridge builds one listener, proposer chain and
 * oracle chain per adapter, keyed by its chain type (PROTOCOL.md §1). Thread: loop. */
#ifndef DLVB_ADAPTERS_H
#define DLVB_ADAPTERS_H

#include <bt/host.h>
#include <bt/rootchain.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One adapter found in the registry. */
struct dlvb_adapter {
    char name[64];                      /**< plugin name, without "rootchain/" */
    const struct bt_rootchain_vtbl *vt; /**< the plugin's table (lives as long as the plugin) */
    void *self;
    uint32_t chain_type; /**< vt->chain_type(self) */
};

/** List the "rootchain/" services in registration order. Tables too small to hold every entry
 *  the bridge calls (an adapter built against an older ABI minor that lacks one) are skipped.
 *  Call from start() on (services appear during create).
 *  Returns: BT_OK; BT_ERANGE (more than cap: *out_n says how many were found, out holds the
 *           first cap).
 *  Out: out, cap; out_n. In: host, h: the plugin's services table and context. */
bt_status dlvb_adapters_find(const struct bt_host *host, struct bt_host_ctx *h,
                             struct dlvb_adapter *out, size_t cap, size_t *out_n) BT_MUST_CHECK
    BT_NONNULL(1, 2, 5);

/** The first adapter of a chain type in a list, or NULL. */
const struct dlvb_adapter *dlvb_adapters_by_type(const struct dlvb_adapter *list, size_t n,
                                                 uint32_t chain_type);

#ifdef __cplusplus
}
#endif

#endif /* DLVB_ADAPTERS_H */
