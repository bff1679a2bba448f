/* bttcd: parse the command line and hand over to the command. */
#include <stdio.h>
#include <stdlib.h>

#include "bridge/bridge_int.h"
#include "devnet/devnet_int.h"
#include "evmtool/evmtool_int.h"
#include "keys/keys_cli_int.h"
#include "net/p2p/p2p_int.h"
#include "runtime/cli_int.h"
#include "runtime/loader_int.h"
#include "runtime/log_int.h"
#include "runtime/node_chain_int.h"
#include "runtime/node_int.h"
#include "runtime/paths_int.h"
#include "runtime/rootchain_cmd_int.h"
#include "runtime/setup_int.h"
#include "storage/stor_cli_int.h"

int main(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, &o, stderr);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (o.wants_help && o.cmd == CLI_CMD_EVM) {
        evmtool_help(stdout);
    } else if (o.wants_help && o.cmd == CLI_CMD_DEVNET) {
        char *help_argv[] = {"devnet", "--help", NULL};
        rc = devnet_main(2, help_argv);
    } else if (o.wants_help && o.cmd == CLI_CMD_BRIDGE) {
        char *help_argv[] = {"bridge", "--help", NULL};
        rc = bridge_main(2, help_argv);
    } else if (o.wants_help) {
        cli_help(stdout, o.cmd, o.is_top);
    } else {
        switch (o.cmd) {
        case CLI_CMD_RUN:
            rc = node_run(&o);
            break;
        case CLI_CMD_PLUGINS:
            cli_help(stdout, o.cmd, 0);
            break;
        case CLI_CMD_PLUGINS_LIST:
            rc = node_plugins_list(&o);
            break;
        case CLI_CMD_PLUGINS_CHECK:
            setup_log_console(&o, NULL); /* check prints; it never writes the log file */
            rc = loader_check_files(o.files, o.n_files, stdout);
            break;
        case CLI_CMD_ATTACH: {
            char err[256], *dd = NULL, *path = NULL;
            if (!o.ipc_path)
                dd = o.datadir ? NULL : paths_default_datadir(err, sizeof(err));
            if (!o.ipc_path && !o.datadir && !dd) {
                fprintf(stderr, "bttcd: datadir: %s\n", err);
                rc = CLI_EXIT_FAIL;
                break;
            }
            if (!o.ipc_path)
                path = paths_join(o.datadir ? o.datadir : dd, "bttcd.ipc");
            rc = net_attach(o.ipc_path ? o.ipc_path : path ? path : "bttcd.ipc", o.exec);
            free(path);
            free(dd);
            break;
        }
        case CLI_CMD_KEYS:
            cli_help(stdout, o.cmd, 0);
            break;
        case CLI_CMD_KEYS_NEW:
            rc = keys_cmd_new(&o);
            break;
        case CLI_CMD_KEYS_IMPORT:
            rc = keys_cmd_import(&o);
            break;
        case CLI_CMD_KEYS_LIST:
            rc = keys_cmd_list(&o);
            break;
        case CLI_CMD_KEYS_NODEKEY:
            rc = p2p_cmd_nodekey(&o);
            break;
        case CLI_CMD_VERSION:
            printf("bttcd %s (plugin ABI %d.%d)\n", BTTCD_VERSION, BT_ABI_MAJOR, BT_ABI_MINOR);
            break;
        case CLI_CMD_STORAGE:
            cli_help(stdout, o.cmd, 0);
            break;
        case CLI_CMD_STORAGE_STATS:
        case CLI_CMD_STORAGE_VERIFY:
        case CLI_CMD_STORAGE_EXPORT:
        case CLI_CMD_STORAGE_IMPORT:
            rc = stor_cli_run(&o);
            break;
        case CLI_CMD_EVM:
            setup_log_console(&o, NULL); /* the tools print; they never write the log file */
            rc = evmtool_main(o.evm_argc, o.evm_argv, o.plugin_dirs, o.n_plugin_dirs);
            break;
        case CLI_CMD_DEVNET:
            rc = devnet_main(o.devnet_argc, o.devnet_argv);
            break;
        case CLI_CMD_BRIDGE:
            rc = bridge_main(o.bridge_argc, o.bridge_argv);
            break;
        case CLI_CMD_STORAGE_SWAP:
            rc = stor_swap_cli_run(&o);
            break;
        case CLI_CMD_ROOTCHAIN:
            cli_help(stdout, o.cmd, 0);
            break;
        case CLI_CMD_ROOTCHAIN_STATUS:
            rc = rootchain_status_cmd(&o);
            break;
        case CLI_CMD_INIT:
            rc = node_chain_init_cmd(&o);
            break;
        case CLI_CMD_EXPORT:
        case CLI_CMD_IMPORT:
            rc = node_run(&o);
            break;
        case CLI_CMD_N:
            break;
        }
    }
    cli_opts_free(&o);
    /* A full disk or a closed pipe must not pass for success (`bttcd version >/dev/full`). */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("bttcd: cannot write to stdout");
        if (rc == CLI_EXIT_OK)
            rc = CLI_EXIT_FAIL;
    }
    return rc;
}
