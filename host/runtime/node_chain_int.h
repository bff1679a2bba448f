/* The chain inside `bttcd run` (and `bttcd import|export`): which genesis (--dev, --genesis,
 * --chain, or the datadir's genesis.json from `bttcd init`), the EVM and consensus plugins it
 * drives, the "chain" service, and the --dev extras (plugins.conf sections, the dev signer key,
 * the pre-funded accounts). Thread: loop. */
#ifndef BTTCD_NODE_CHAIN_INT_H
#define BTTCD_NODE_CHAIN_INT_H

#include "chain_int.h"
#include "cli_int.h"
#include "config_int.h"
#include "keys_int.h"
#include "services_int.h"

/** File name of the genesis `bttcd init` keeps in the datadir. */
#define NODE_GENESIS_FILE "genesis.json"
/** File naming the address of the --dev signer key (in the datadir). */
#define NODE_DEV_SIGNER_FILE "dev-signer"

/** The plugins the chain uses (NULL vt: absent), found by node.c among the created ones. */
struct node_chain_plugins {
    const struct bt_evm_vtbl *evm;
    void *evm_self;
    struct bt_host_ctx *evm_h;
    const struct bt_consensus_vtbl *cons;
    void *cons_self;
    struct bt_host_ctx *cons_h;
};

struct node_chain {
    struct genesis g;
    int has_g;
    struct chain *c; /* NULL: running without a chain */
    char *journal;
    struct host_rt *rt;
};

/** Open the chain over storage `s`, register the "chain" service (self: the struct chain,
 *  so host code finds the chain with registry_find(&rt->registry, "chain", ...)), print the
 *  --dev accounts. Without any genesis source the node runs without a chain (logged).
 *  Returns CLI_EXIT_OK or CLI_EXIT_FAIL/CLI_EXIT_USAGE with err set (one line). */
int node_chain_open(struct node_chain *nc, const struct cli_opts *o, struct host_rt *rt,
                    struct stor *s, const char *datadir, const struct node_chain_plugins *pl,
                    char *err, size_t err_cap);

/** After every plugin started: let the engine produce (run), or do the import/export command.
 *  Returns CLI_EXIT_*; *out_exit set when the command is done and the node should stop. */
int node_chain_after_start(struct node_chain *nc, const struct cli_opts *o, int *out_exit);

/** Close the chain, drop the service. Safe on a zeroed struct. */
void node_chain_close(struct node_chain *nc);

/** `bttcd init --genesis FILE`: check it, keep it as <datadir>/genesis.json. Exit status. */
int node_chain_init_cmd(const struct cli_opts *o);

/* --- --dev (node_dev.c) ---------------------------------------------------------------------- */

/** Before the plugins are collected: add [plugin evm] and [plugin consensus-dev] (period from
 *  --dev.period) when plugins.conf lacks them; without --datadir make a temporary datadir
 *  (*out_tmpdir, removed by the caller at exit) with storage in memory; create the password-less
 *  dev signer key on first start and name it in consensus-dev's `signer` key.
 *  `*cfg` may be NULL (no plugins.conf: an empty one is made).
 *  Returns CLI_EXIT_OK or an exit status after printing one error line. */
int node_dev_setup(const struct cli_opts *o, struct config **cfg, char **out_tmpdir);

/** After the signer started: unlock the dev key (empty password). Exit status. */
int node_dev_unlock(const struct config *cfg, struct signer *sg);

/** Print the --dev accounts (address, private key) on stdout, marked as development keys. */
void node_dev_print_accounts(uint32_t n);

#endif /* BTTCD_NODE_CHAIN_INT_H */
