/* Command line: commands, options and their help texts (docs/operator.md mirrors them). */
#ifndef BTTCD_CLI_INT_H
#define BTTCD_CLI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_int.h"
#include "net_int.h"
#include "p2p_int.h"
#include "status_int.h"

enum cli_cmd {
    CLI_CMD_RUN = 0,
    CLI_CMD_PLUGINS = 1, /* "plugins" without a subcommand: only valid with --help */
    CLI_CMD_PLUGINS_LIST = 2,
    CLI_CMD_PLUGINS_CHECK = 3,
    CLI_CMD_VERSION = 4,
    CLI_CMD_ATTACH = 5,
    CLI_CMD_KEYS = 6, /* "keys" without a subcommand: only valid with --help */
    CLI_CMD_KEYS_NEW = 7,
    CLI_CMD_KEYS_IMPORT = 8,
    CLI_CMD_KEYS_LIST = 9,
    CLI_CMD_STORAGE = 10, /* "storage" without a subcommand: only valid with --help */
    CLI_CMD_STORAGE_STATS = 11,
    CLI_CMD_STORAGE_VERIFY = 12,
    CLI_CMD_STORAGE_EXPORT = 13,
    CLI_CMD_STORAGE_IMPORT = 14,
    CLI_CMD_STORAGE_SWAP = 15,
    CLI_CMD_KEYS_NODEKEY = 16,
    CLI_CMD_ROOTCHAIN = 17, /* "rootchain" without a subcommand: only valid with --help */
    CLI_CMD_ROOTCHAIN_STATUS = 18,
    CLI_CMD_INIT = 19,   /* init --genesis FILE */
    CLI_CMD_EXPORT = 20, /* export FILE [FROM TO] */
    CLI_CMD_IMPORT = 21, /* import FILE */
    CLI_CMD_EVM = 22,    /* "evm ...": the words after it go to evmtool_main (host/evmtool) */
    CLI_CMD_DEVNET = 23, /* "devnet ...": the words after it go to devnet_main (host/devnet) */
    CLI_CMD_BRIDGE = 24, /* "bridge ...": the words after it go to bridge_main (host/bridge) */
    CLI_CMD_N = 25
};

/** Exit codes of bttcd. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

struct cli_opts {
    enum cli_cmd cmd;
    int wants_help;
    int is_top;          /* no command word: help shows the overview */
    const char *config;  /* --config; default "plugins.conf" */
    int has_config;      /* --config given (keys commands then require the file) */
    const char *datadir; /* --datadir with ~ expanded (points at datadir_owned) */
    char *datadir_owned;
    int has_log_level;
    uint32_t log_level;
    int has_log_format;
    enum log_format log_format;
    const char *log_file;
    const char **plugin_dirs; /* --plugin-dir, in order (malloc'd array of argv pointers) */
    size_t n_plugin_dirs;
    const char *password_file; /* --password-file / --password */
    const char *unlock;        /* --unlock ADDR,... */
    int is_lightkdf;           /* --lightkdf */
    char **files; /* plugins check FILE..., keys import FILE, storage export|import FILE
                   * (malloc'd array of argv pointers) */
    size_t n_files;
    char **words;          /* the command words (owns the array files points into) */
    struct net_opts net;   /* --http*, --ws*, --rest.*, --rpc.*, --ipcdisable */
    const char *ipc_path;  /* attach IPC_PATH */
    const char *exec;      /* attach --exec */
    const char *swap_to;   /* storage swap --to BACKEND */
    const char *swap_path; /* storage swap --path DIR */
    struct p2p_opts p2p;   /* --p2p.*, --bootnodes, --nodiscover, --maxpeers */
    int has_p2p_port;      /* --p2p.port given: a port in use is then fatal */
    int is_json;           /* rootchain status --json */
    /* The chain (host/runtime/node_chain.c, node_dev.c). */
    int is_dev;             /* --dev */
    uint64_t dev_period;    /* --dev.period N (seconds; 0: a block per transaction) */
    uint32_t dev_accounts;  /* --dev.accounts N (default GENESIS_DEV_ACCOUNTS) */
    int has_dev_accounts;   /* --dev.accounts given */
    const char *dev_follow; /* --dev.follow ADDR: verify-only consensus-dev */
    const char *chain_name; /* --chain dev|donau|mainnet */
    const char *genesis;    /* --genesis FILE */
    /* --txpool.accountslots, --txpool.globalslots, --txpool.globalqueue (0: geth's default). */
    uint32_t txpool_account_slots, txpool_global_slots, txpool_global_queue;
    uint64_t export_from, export_to; /* export FILE [FROM TO]: default 0 .. UINT64_MAX */
    int evm_argc;                    /* evm: "evm" and everything after it, options included */
    char **evm_argv;
    int devnet_argc; /* devnet: "devnet" and everything after it, options included */
    char **devnet_argv;
    int bridge_argc; /* bridge: "bridge" and everything after it, options included */
    char **bridge_argv;
    /* The dev TRON API (host/tronapi). */
    int has_tron_api;            /* --tron-api.port given */
    int tron_api_port;           /* --tron-api.port N */
    const char *tron_api_addr;   /* --tron-api.addr; NULL: 127.0.0.1 */
    uint64_t tron_api_solid_lag; /* --tron-api.solid-lag N (default 0) */
    struct status_opts status;   /* --status.* (host/status) */
};

/** Parse argv. Returns CLI_EXIT_OK, or CLI_EXIT_USAGE after printing one error line and a hint
 *  to `err`. On success free with cli_opts_free. Strings point into argv. */
int cli_parse(int argc, char **argv, struct cli_opts *o, FILE *err);
void cli_opts_free(struct cli_opts *o);
/** Print the help of a command (CLI_CMD_RUN also covers the top level when is_top). */
void cli_help(FILE *out, enum cli_cmd cmd, int is_top);

#endif /* BTTCD_CLI_INT_H */
