/* Root-chain adapter conformance suite (STYLE.md "Tests": sdk/conform/<kind>), for EVM
 * JSON-RPC basechains: any adapter .so, built in tree or out of tree, runs it against a live
 * node URL (anvil in bttcd's tests). It loads the plugin as bttcd does (dlopen, descriptor),
 * drives it on a mock host whose signer signs with a test key, deploys a small contract
 * (sdk/conform/rootchain/Conform.sol) and checks: heights monotone and finalized <= head; log
 * queries split into 1-block windows equal one big query, with block numbers, log indexes and
 * decoded fields matching the receipts; a call round-trip; a revert from eth_call; a send that
 * lands and one that reverts (tx_status REVERTED), and a revert caught by gas estimation; a
 * dead URL failing with a message within its timeout; get_block(N) equal to the node's
 * eth_getBlockByNumber(N) and BT_ENOTFOUND beyond the head (when the table has the entry).
 * Installed with the SDK: link BtSDK::btsdk_conform_rootchain (find_package(BtSDK)) or run
 * bin/btsdk-conform-rootchain PLUGIN.so URL CHAIN_ID KEYFILE [--only NAME] [KEY=VALUE...]
 * (docs/plugin-authors.md §10; examples/rootchain-example is a complete out-of-tree user). */
#ifndef BTS_CONFORM_ROOTCHAIN_H
#define BTS_CONFORM_ROOTCHAIN_H

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The adapter and node under test. */
struct bts_conform_rootchain {
    const char *plugin_path; /* the adapter .so */
    const char *url;         /* a live JSON-RPC endpoint */
    uint64_t chain_id;       /* what the endpoint reports */
    const uint8_t *seckey;   /* 32 bytes: an account funded on the node (test key only) */
    /** Extra "key", "value" pairs for the plugin's section (NULL-terminated list, may be NULL);
     *  the suite sets url, chain_id, signer and timeouts itself. */
    const char *const *conf;
};

/** Counts of one run. */
struct bts_conform_rootchain_result {
    uint32_t n_run, n_passed, n_failed;
};

/** Run every check (or those whose name contains `only`). Prints one line per check to stdout
 *  ("conform-rootchain <name>: ok|FAIL") and, for a failure, what was expected and found.
 *  Returns: BT_OK (the checks ran; see *out), BT_EINVAL (c incomplete or the plugin does not
 *           load).
 *  Thread:  call it from one thread; it runs the mock host's loop itself. */
BTS_API bt_status bts_conform_rootchain_run(const struct bts_conform_rootchain *c, const char *only,
                                            struct bts_conform_rootchain_result *out) BT_MUST_CHECK
    BT_NONNULL(1, 3);

#ifdef __cplusplus
}
#endif

#endif /* BTS_CONFORM_ROOTCHAIN_H */
