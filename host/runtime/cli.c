/* Command-line parsing: a static table of options and one of commands; options may come
 * before or after the command words; "--" ends the options. */
#include "cli_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bt/abi.h>

#include "paths_int.h"

enum opt_id {
    OPT_HELP,
    OPT_CONFIG,
    OPT_DATADIR,
    OPT_LOG_LEVEL,
    OPT_LOG_FORMAT,
    OPT_LOG_FILE,
    OPT_PLUGIN_DIR,
    OPT_VERSION,
    OPT_HTTP,
    OPT_HTTP_ADDR,
    OPT_HTTP_PORT,
    OPT_HTTP_CORS,
    OPT_HTTP_VHOSTS,
    OPT_WS,
    OPT_WS_ADDR,
    OPT_WS_PORT,
    OPT_WS_ORIGINS,
    OPT_REST_ADDR,
    OPT_REST_PORT,
    OPT_IPC_OFF,
    OPT_RPC_BATCH_LIMIT,
    OPT_RPC_BATCH_RESP,
    OPT_RPC_MAX_REQUEST,
    OPT_EXEC,
    OPT_PASSWORD_FILE,
    OPT_UNLOCK,
    OPT_LIGHTKDF,
    OPT_TO,
    OPT_PATH,
    OPT_METRICS,
    OPT_METRICS_ADDR,
    OPT_METRICS_PORT,
    OPT_DEV,
    OPT_DEV_PERIOD,
    OPT_DEV_ACCOUNTS,
    OPT_DEV_FOLLOW,
    OPT_CHAIN,
    OPT_GENESIS,
    OPT_P2P_PORT,
    OPT_P2P_ADDR,
    OPT_BOOTNODES,
    OPT_NODISCOVER,
    OPT_MAXPEERS,
    OPT_P2P_STATIC,
    OPT_P2P_TRUSTED,
    OPT_P2P_CHAIN,
    OPT_JSON,
    OPT_TRON_API_ADDR,
    OPT_TRON_API_PORT,
    OPT_TRON_API_SOLID_LAG,
    OPT_STATUS_PAGE,
    OPT_STATUS_ADDR,
    OPT_STATUS_NAME,
    OPT_STATUS_PORT,
    OPT_STATUS_PEERS,
    OPT_STATUS_ROOTCHAINS,
    OPT_TXPOOL_ACCOUNT_SLOTS,
    OPT_TXPOOL_GLOBAL_SLOTS,
    OPT_TXPOOL_GLOBAL_QUEUE
};

struct opt {
    enum opt_id id;
    const char *name;    /* without the leading "--" */
    const char *metavar; /* NULL: takes no value */
    const char *help;
};

static const struct opt opts[] = {
    {OPT_CONFIG, "config", "FILE", "plugins.conf to use (default: ./plugins.conf)"},
    {OPT_DATADIR, "datadir", "DIR",
     "data directory, created with mode 0700 and locked while\nthe node runs; ~ is $HOME "
     "(default: [node] datadir,\nelse ~/.bttcd)"},
    {OPT_LOG_LEVEL, "log.level", "LEVEL",
     "error, warn, info, debug or trace\n(default: [log] level, else info)"},
    {OPT_LOG_FORMAT, "log.format", "FORMAT",
     "logfmt or json, one line per event\n(default: [log] format, else logfmt)"},
    {OPT_LOG_FILE, "log.file", "PATH",
     "append logs to PATH instead of stderr; SIGHUP reopens it\n(default: [log] file)"},
    {OPT_PLUGIN_DIR, "plugin-dir", "DIR",
     "look for plugin files in DIR; repeatable; replaces the default\nsearch path (config file "
     "dir, then the build tree's plugins/\nor the installation's lib/bttcd/plugins)"},
    {OPT_HTTP, "http", NULL, "serve JSON-RPC over HTTP"},
    {OPT_HTTP_ADDR, "http.addr", "ADDR", "HTTP-RPC listen address (default: 127.0.0.1)"},
    {OPT_HTTP_PORT, "http.port", "PORT", "HTTP-RPC port, 0 for any free port (default: 8545)"},
    {OPT_HTTP_CORS, "http.corsdomain", "LIST",
     "comma-separated origins allowed by CORS, * for any\n(default: none)"},
    {OPT_HTTP_VHOSTS, "http.vhosts", "LIST",
     "comma-separated Host names accepted, * for any\n(default: localhost; IP addresses always)"},
    {OPT_WS, "ws", NULL, "serve JSON-RPC over WebSocket"},
    {OPT_WS_ADDR, "ws.addr", "ADDR", "WS-RPC listen address (default: 127.0.0.1)"},
    {OPT_WS_PORT, "ws.port", "PORT",
     "WS-RPC port (default: 8546); equal to --http.port: served\non the HTTP server"},
    {OPT_WS_ORIGINS, "ws.origins", "LIST",
     "comma-separated WebSocket origins, * for any\n(default: http://localhost)"},
    {OPT_REST_ADDR, "rest.addr", "ADDR", "REST server address (default: 127.0.0.1)"},
    {OPT_REST_PORT, "rest.port", "PORT",
     "REST server port (default: 1317); the server runs when a\nplugin registers a route"},
    {OPT_IPC_OFF, "ipcdisable", NULL, "do not serve JSON-RPC on <datadir>/bttcd.ipc"},
    {OPT_METRICS, "metrics", NULL, "serve Prometheus metrics at /metrics on its own port"},
    {OPT_METRICS_ADDR, "metrics.addr", "ADDR", "metrics listen address (default: 127.0.0.1)"},
    {OPT_METRICS_PORT, "metrics.port", "PORT", "metrics port, 0 for any free port (default: 6060)"},
    {OPT_RPC_BATCH_LIMIT, "rpc.batch-request-limit", "N",
     "most requests in a JSON-RPC batch, 0: no limit (default: 1000)"},
    {OPT_RPC_BATCH_RESP, "rpc.batch-response-max-size", "BYTES",
     "most result bytes in a batch response, 0: no limit\n(default: 25000000)"},
    {OPT_RPC_MAX_REQUEST, "rpc.max-request-size", "BYTES",
     "largest request body or message (default: 5242880)"},
    {OPT_EXEC, "exec", "'METHOD [PARAMS]'", "attach: send one request, print the answer, exit"},
    {OPT_UNLOCK, "unlock", "ADDR,...",
     "run: unlock these keystore keys for the signer at start\n(default: [signer] unlock)"},
    {OPT_PASSWORD_FILE, "password-file", "FILE",
     "passwords, one a line: keys new/import use the first;\nrun uses line i for the i-th "
     "--unlock key (the last\nline for the rest); default: [signer] password_file,\nelse a "
     "prompt on the terminal"},
    {OPT_PASSWORD_FILE, "password", "FILE", "same as --password-file (geth's name)"},
    {OPT_LIGHTKDF, "lightkdf", NULL,
     "keys new/import: scrypt n=4096 p=6 (4 MiB) instead of\nn=262144 p=1 (256 MiB): faster, "
     "weaker"},
    {OPT_TO, "to", "BACKEND", "storage swap: the backend plugin to move to"},
    {OPT_PATH, "path", "DIR",
     "storage swap: the new database directory, relative to the\ndatadir (default: "
     "chaindata-<backend without storage->)"},
    {OPT_DEV, "dev", NULL,
     "development chain: consensus-dev with a password-less key in\nthe datadir, pre-funded "
     "accounts; without --datadir it is\nephemeral (a temporary datadir, storage in memory)"},
    {OPT_DEV_PERIOD, "dev.period", "N",
     "--dev: seal a block every N seconds (default 0: as soon as\na transaction arrives)"},
    {OPT_DEV_ACCOUNTS, "dev.accounts", "N",
     "--dev: fund N accounts of the anvil/hardhat test mnemonic and\nprint their keys "
     "(default 10, at most 1000)"},
    {OPT_DEV_FOLLOW, "dev.follow", "ADDR",
     "--dev: follow a dev chain sealed by ADDR (another node's\nsigner): verify its blocks, "
     "never produce; no signer key made"},
    {OPT_CHAIN, "chain", "NAME", "run: the chain preset, dev, devnet, donau or mainnet"},
    {OPT_GENESIS, "genesis", "FILE", "run, init: a geth-style genesis.json"},
    {OPT_P2P_PORT, "p2p.port", "PORT",
     "devp2p port, TCP (RLPx) and UDP (discovery), 0 for any\nfree port (default: 30303; when the "
     "default is taken the\nnode runs without p2p and says so)"},
    {OPT_P2P_ADDR, "p2p.addr", "ADDR", "devp2p listen address (default: 0.0.0.0)"},
    {OPT_BOOTNODES, "bootnodes", "LIST", "comma-separated enode URLs for discovery"},
    {OPT_NODISCOVER, "nodiscover", NULL,
     "no discovery (UDP); with --maxpeers 0 the node runs\nwithout p2p"},
    {OPT_MAXPEERS, "maxpeers", "N",
     "most peers, trusted ones aside; at most a third dialled\n(default: 50)"},
    {OPT_P2P_STATIC, "p2p.static", "LIST", "comma-separated enode URLs kept connected"},
    {OPT_TXPOOL_ACCOUNT_SLOTS, "txpool.accountslots", "N",
     "transactions per sender in the pool (default 64, as geth)"},
    {OPT_TXPOOL_GLOBAL_SLOTS, "txpool.globalslots", "N",
     "executable transactions in the pool in all (default 5120,\nas geth)"},
    {OPT_TXPOOL_GLOBAL_QUEUE, "txpool.globalqueue", "N",
     "non-executable (queued) transactions in all (default 1024)"},
    {OPT_P2P_TRUSTED, "p2p.trusted", "LIST",
     "comma-separated enode URLs kept connected, exempt from\nthe peer limits and bans"},
    {OPT_P2P_CHAIN, "p2p.chain", "NAME|FILE",
     "deprecated: --chain NAME or --genesis FILE (the chain the\nnode runs is the one p2p "
     "serves)"},
    {OPT_JSON, "json", NULL, "rootchain status: print a JSON array instead of a table"},
    {OPT_TRON_API_PORT, "tron-api.port", "PORT",
     "--dev: serve the dev TRON API (/wallet/*, /walletsolidity/*,\n/jsonrpc) on PORT, 0 for any "
     "free port (default: off)"},
    {OPT_TRON_API_ADDR, "tron-api.addr", "ADDR",
     "dev TRON API listen address (default: 127.0.0.1)"},
    {OPT_TRON_API_SOLID_LAG, "tron-api.solid-lag", "N",
     "dev TRON API: the solid block is head - N (walletsolidity,\nfinalized); 19 rehearses "
     "mainnet timing (default: 0)"},
    {OPT_STATUS_PAGE, "status.page", NULL,
     "serve the status page (/ and /status.json) on its own port"},
    {OPT_STATUS_ADDR, "status.addr", "ADDR", "status page listen address (default: 127.0.0.1)"},
    {OPT_STATUS_NAME, "status.name", "NAME", "status page: this node's name (default: none)"},
    {OPT_STATUS_PORT, "status.port", "PORT",
     "status page port, 0 for any free port (default: 8550)"},
    {OPT_STATUS_PEERS, "status.peers", "NAME=URL,...",
     "status page: other nodes' JSON-RPC URLs, polled every second"},
    {OPT_STATUS_ROOTCHAINS, "status.rootchains", "NAME=URL=ADDR,...",
     "status page: basechain JSON-RPC URLs and RootChain addresses\n(head, last checkpoint, "
     "lag)"},
    {OPT_HELP, "help", NULL, "show help for the command and exit (also -h)"},
    {OPT_VERSION, "version", NULL, "print the version and exit (same as 'bttcd version')"},
};

struct cmd_help {
    const char *usage;
    const char *text;
};

static const struct cmd_help cmd_helps[CLI_CMD_N] = {
    [CLI_CMD_RUN] =
        {"bttcd [OPTIONS] [run]",
         "Run the node: load the plugins enabled in plugins.conf (in file order), "
         "create and start\nthem, and serve until SIGINT or SIGTERM (Ctrl-C). A "
         "second signal exits at once.\nSIGHUP reopens the log file. Every enabled plugin "
         "is checked in a child process\nfirst (as 'plugins check' does). Exit "
         "status: 0 after a clean shutdown, 1 if a\nplugin is refused or fails to "
         "start, or the data directory cannot be made,\nwritten or locked (another "
         "node uses it), 2 for a usage or plugins.conf error\n(a plugin's own "
         "config errors included)."},
    [CLI_CMD_PLUGINS] = {"bttcd [OPTIONS] plugins list|check ...",
                         "Inspect plugins. Commands:\n"
                         "  list         show the plugins of plugins.conf and whether they load\n"
                         "  check FILE.. validate plugin files in a child process"},
    [CLI_CMD_PLUGINS_LIST] = {"bttcd [OPTIONS] plugins list",
                              "List every [plugin NAME] section of plugins.conf: enabled or "
                              "not, the file it resolves\nto and the result of the descriptor "
                              "checks (as 'plugins check' does). Exit status 1 if\nan enabled "
                              "plugin would be refused, 2 for a plugins.conf error."},
    [CLI_CMD_PLUGINS_CHECK] = {"bttcd [OPTIONS] plugins check FILE.so...",
                               "Validate plugin files: load each in a child process, call its "
                               "bt_plugin_query and\ncheck the descriptor and kind table as the "
                               "node would. create is not called; the\nplugin's ELF "
                               "constructors do run, in the child, with its output discarded.\n"
                               "Prints one line per file, 'FILE: ok kind=... name=... "
                               "version=...\nabi=...' or 'FILE: refused: REASON (DETAIL)'. A "
                               "name already seen earlier in the list\nis refused as duplicate, "
                               "a child that does not answer within 10 s as timed out.\n"
                               "Exit status 0 if every file is ok, 1 otherwise."},
    [CLI_CMD_VERSION] = {"bttcd version", "Print the bttcd version and the plugin ABI version."},
    [CLI_CMD_ATTACH] = {"bttcd [--datadir DIR] attach [IPC_PATH] [--exec 'METHOD [PARAMS]']",
                        "Talk JSON-RPC to a running node over its IPC socket (IPC_PATH, else\n"
                        "<datadir>/bttcd.ipc). With --exec, send one request; otherwise read one "
                        "request per\nline from stdin (a '> ' prompt on a terminal). A request "
                        "is METHOD and optional\nJSON params: an array, or one value taken as "
                        "the only parameter. Results are printed\nas indented JSON, errors as "
                        "'error CODE: MESSAGE'. Exit status 1 on an error answer\nor when no "
                        "node listens."},
    [CLI_CMD_KEYS] = {"bttcd [OPTIONS] keys new|import|list ...",
                      "Manage the keystore (<datadir>/keystore: Ethereum keystore v3 files, as "
                      "geth writes them).\nCommands:\n"
                      "  new          create a key and write its encrypted key file\n"
                      "  import FILE  add a key from a keystore JSON file or a hex private key "
                      "file\n"
                      "  list         show the address and file of every key\n"
                      "  nodekey      print the node's enode URL (p2p identity)"},
    [CLI_CMD_KEYS_NEW] = {"bttcd [OPTIONS] keys new [--password-file FILE] [--lightkdf]",
                          "Create a random private key, encrypt it with a password (scrypt, "
                          "AES-128-CTR) and write\n<datadir>/keystore/UTC--<time>--<address> "
                          "(mode 0600). The password comes from the first\nline of "
                          "--password-file, else it is asked twice on the terminal. Prints the "
                          "address\nand the file. Keep a copy of the file and the password: "
                          "without both the key is lost.\nExit status 0 on success, 1 if the "
                          "key cannot be written or the passwords differ, 2 for\na usage "
                          "error."},
    [CLI_CMD_KEYS_IMPORT] = {"bttcd [OPTIONS] keys import [--password-file FILE] FILE",
                             "Add a key to the keystore. FILE is a keystore v3 JSON file (from "
                             "geth, ethers, MetaMask...):\nit is decrypted with the password "
                             "(first line of --password-file, else asked) and written\nagain, "
                             "encrypted with the same password, under <datadir>/keystore. Or "
                             "FILE holds a private\nkey as 64 hex digits (0x allowed): it is "
                             "encrypted with the password (asked twice when not\nfrom a file). "
                             "A key already in the keystore is refused. Prints the address and "
                             "the\nnew file. Exit status 0 on success, 1 on failure (wrong "
                             "password, bad file, duplicate),\n2 for a usage error."},
    [CLI_CMD_KEYS_NODEKEY] = {"bttcd [--datadir DIR] keys nodekey",
                              "Print the node's enode URL (enode://ID@127.0.0.1:PORT with "
                              "--p2p.port). The node key\nis <datadir>/nodekey (64 hex digits, "
                              "mode 0600, as geth writes it); it is created\nhere when missing, "
                              "as 'run' does at first start."},
    [CLI_CMD_KEYS_LIST] = {"bttcd [OPTIONS] keys list",
                           "Print one line per key file of <datadir>/keystore: the address "
                           "(EIP-55) and the file.\nNothing is decrypted. Exit status 0, or 1 "
                           "if the directory cannot be read."},
    [CLI_CMD_STORAGE] = {"bttcd [OPTIONS] storage stats|verify|export|import|swap ...",
                         "Storage commands. Offline (the node must not be running on the "
                         "datadir):\n"
                         "  stats        backend, path and figures of the datadir's database\n"
                         "  verify       read every pair: key count and digest\n"
                         "  export FILE  write every pair to FILE as a portable stream\n"
                         "  import FILE  load a stream into the datadir's (empty) database\n"
                         "On the running node (over its IPC socket):\n"
                         "  swap --to B  move the node's data to backend B while it runs"},
    [CLI_CMD_STORAGE_STATS] = {"bttcd [OPTIONS] storage stats",
                               "Open the datadir's database (the backend its storage.record "
                               "names, else [storage] of\nplugins.conf) and print backend, path, "
                               "approximate keys and bytes, bytes on disk.\nExit status 1 if "
                               "it cannot be opened (for example while the node runs)."},
    [CLI_CMD_STORAGE_VERIFY] = {"bttcd [OPTIONS] storage verify",
                                "Read every key/value pair in key order and print the key "
                                "count, the bytes and the\ndigest (Keccak-256 over "
                                "u32be(len) key u32be(len) value of each pair), the figures a\n"
                                "hot swap compares. Exit status 1 on a read error."},
    [CLI_CMD_STORAGE_EXPORT] = {"bttcd [OPTIONS] storage export FILE",
                                "Write every pair to FILE ('-' for stdout): an 16-byte header "
                                "(\"BTTCDKV\\0\", version 1),\nthen u32be key length, key, "
                                "u32be value length, value per pair, then 0xffffffff,\nu64be "
                                "pair count and the digest 'storage verify' prints. Any backend "
                                "can import it."},
    [CLI_CMD_STORAGE_IMPORT] = {"bttcd [OPTIONS] storage import FILE",
                                "Load a stream written by 'storage export' into the datadir's "
                                "database, which must be\nempty (a new datadir: set [storage] "
                                "backend first to choose the backend). The count and\ndigest "
                                "at the end of the stream are checked, then the database is "
                                "read back and\ncompared. Exit status 1 on any mismatch."},
    [CLI_CMD_INIT] = {"bttcd [--datadir DIR] init --genesis FILE",
                      "Check a genesis.json (config, alloc) and keep it in the datadir as "
                      "genesis.json:\nlater runs without --genesis/--chain use it; the "
                      "genesis block is written on\nthe first run. Prints the genesis hash."},
    [CLI_CMD_EXPORT] = {"bttcd [OPTIONS] export FILE [FROM TO]",
                        "Write canonical blocks FROM..TO (default: all) to FILE as concatenated "
                        "block\nRLP (go-ethereum's export format)."},
    [CLI_CMD_IMPORT] = {"bttcd [OPTIONS] import FILE",
                        "Import concatenated block RLP (go-ethereum's export format) through "
                        "the full\npipeline (verify, execute, commit), with progress output. "
                        "Blocks already\nstored are skipped, so an interrupted import "
                        "resumes."},
    [CLI_CMD_DEVNET] =
        {"bttcd devnet [up|down|status|restart|stop|add-validator|unstake] [OPTIONS]",
         "A local BTTC network: 'bttcd devnet --help' lists its options."},
    [CLI_CMD_BRIDGE] = {"bttcd bridge deposit|withdraw|exit-payload [OPTIONS]",
                        "The ERC-20 bridge: 'bttcd bridge --help' lists its options."},
    [CLI_CMD_EVM] = {"bttcd [--plugin-dir DIR] evm statetest|run ...",
                     "EVM tools: 'bttcd evm --help' lists their commands and options."},
    [CLI_CMD_STORAGE_SWAP] = {"bttcd [--datadir DIR] storage swap --to BACKEND [--path DIR]",
                              "Hot-swap the running node's storage to BACKEND (for example "
                              "storage-lmdb) over its IPC\nsocket <datadir>/bttcd.ipc "
                              "(admin_storageSwap): the data is copied while the node\n"
                              "keeps serving, commits pause for a moment at a batch boundary, "
                              "both sides are\nverified (key count and digest), the node "
                              "switches and the old database is deleted.\nProgress lines show "
                              "the step, keys copied, rate and ETA; at the end the report\n"
                              "gives the migration time, keys/s, the pause, the longest commit "
                              "wait and the\nverified count and digest. The datadir records "
                              "the new backend: a restart opens it.\nExit status 0 when the "
                              "swap is done, 1 when it is refused or aborted (the node\nthen "
                              "stays on its old backend; the reason is printed) or no node "
                              "listens, 2 for a\nusage error."},
};

static const struct cmd_help rootchain_helps[2] = {
    {"bttcd [OPTIONS] rootchain status [--json]",
     "Root-chain adapters. Commands:\n"
     "  status       head, finalized height, lag and last error of each enabled adapter"},
    {"bttcd [OPTIONS] rootchain status [--json]",
     "Create and start every enabled rootchain plugin of plugins.conf (checked in a child\n"
     "process first, as 'run' does), ask each basechain for its heights once, and print one\n"
     "row per adapter: chain type, head, finalized height, lag (head - finalized), the last\n"
     "error, the URL in use and the adapter's metrics (requests, errors by kind, reconnects).\n"
     "--json prints the same as a JSON array. Nothing is written to the datadir. Exit status\n"
     "0 when every adapter answered, 1 when one failed, was refused or stayed silent for\n"
     "60 s, 2 for a usage or plugins.conf error."},
};

static void usage_error(FILE *err, const char *fmt, const char *a, const char *b)
{
    /* The values come from argv: a newline or a terminal escape in them must not split the
     * message or reach the terminal raw. */
    char raw[2048], text[2048];
    snprintf(raw, sizeof(raw), fmt, a, b);
    log_escape_text(text, sizeof(text), raw);
    fprintf(err, "bttcd: %s\nTry 'bttcd --help' for the commands and options.\n", text);
}

void cli_help(FILE *out, enum cli_cmd cmd, int is_top)
{
    if (is_top) {
        fputs("bttcd: a BTTC proof-of-stake node built from plugins.\n\n"
              "Usage: bttcd [OPTIONS] [COMMAND]\n\n"
              "Commands:\n"
              "  run                      run the node (the default)\n"
              "  plugins list             show the plugins of plugins.conf\n"
              "  plugins check FILE.so..  validate plugin files (in a child process)\n"
              "  attach [IPC_PATH]        JSON-RPC console on a running node's IPC socket\n"
              "  keys new|import|list     manage the keystore (signing keys)\n"
              "  keys nodekey             print the node's enode URL\n"
              "  storage stats|verify     the datadir's database (offline)\n"
              "  storage export|import F  portable key/value stream (offline)\n"
              "  storage swap --to B      move a running node to storage backend B\n"
              "  rootchain status         heights, lag and errors of the basechain adapters\n"
              "  init --genesis FILE      keep a genesis.json in the datadir\n"
              "  export FILE [FROM TO]    write blocks as concatenated RLP\n"
              "  import FILE              import concatenated block RLP\n"
              "  evm statetest|run ...    EVM tools: state tests, run and trace code\n"
              "  devnet [COMMAND]         a local BTTC network (basechains, validators):\n"
              "                           down, status, restart, stop, add-validator, unstake\n"
              "  bridge COMMAND           ERC-20 bridge: deposit, withdraw, exit-payload\n"
              "  version                  print the version\n"
              "  help [COMMAND]           show help (same as COMMAND --help)\n",
              out);
    } else if (cmd == CLI_CMD_ROOTCHAIN || cmd == CLI_CMD_ROOTCHAIN_STATUS) {
        const struct cmd_help *h = &rootchain_helps[cmd == CLI_CMD_ROOTCHAIN_STATUS];
        fprintf(out, "Usage: %s\n\n%s\n", h->usage, h->text);
    } else {
        fprintf(out, "Usage: %s\n\n%s\n", cmd_helps[cmd].usage, cmd_helps[cmd].text);
    }
    fputs("\nOptions (accepted before or after the command):\n", out);
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].metavar ? " " : "",
                 opts[i].metavar ? opts[i].metavar : "");
        if (strlen(left) > 22)
            fprintf(out, "  %s\n%25s", left, ""); /* long names get their own line */
        else
            fprintf(out, "  %-22s ", left);
        for (const char *c = opts[i].help; *c; c++)
            fputs(*c == '\n' ? "\n                         " : (char[2]){*c, 0}, out);
        fputc('\n', out);
    }
    if (is_top)
        fputs("\nplugins.conf, logging and signals are described in docs/operator.md.\n", out);
}

static const struct opt *find_opt(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (strlen(opts[i].name) == n && strncmp(opts[i].name, name, n) == 0)
            return &opts[i];
    return NULL;
}

/* Options with a decimal value: ports (0..65535) and limits. */
static int apply_number(struct cli_opts *o, const struct opt *op, const char *val, FILE *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (op->id == OPT_DEV_PERIOD || op->id == OPT_DEV_ACCOUNTS) {
        if (*val < '0' || *val > '9' || *end || errno || (op->id == OPT_DEV_ACCOUNTS && v > 1000)) {
            usage_error(err, "--%s: '%s' is not a valid number", op->name, val);
            return -1;
        }
        if (op->id == OPT_DEV_PERIOD) {
            o->dev_period = v;
        } else {
            o->dev_accounts = (uint32_t)v;
            o->has_dev_accounts = 1;
        }
        return 0;
    }
    int is_port = op->id == OPT_HTTP_PORT || op->id == OPT_WS_PORT || op->id == OPT_REST_PORT ||
                  op->id == OPT_P2P_PORT || op->id == OPT_METRICS_PORT ||
                  op->id == OPT_TRON_API_PORT || op->id == OPT_STATUS_PORT;
    if (op->id == OPT_MAXPEERS && v > 100000)
        v = 100000;
    if (op->id == OPT_TXPOOL_ACCOUNT_SLOTS || op->id == OPT_TXPOOL_GLOBAL_SLOTS ||
        op->id == OPT_TXPOOL_GLOBAL_QUEUE) {
        /* Pool limits: 1 .. 10^7 (a zero would mean "default" further down). */
        if (*val < '0' || *val > '9' || *end || errno || v == 0 || v > 10000000) {
            usage_error(err, "--%s: '%s' is not a valid number", op->name, val);
            return -1;
        }
        uint32_t *slot = op->id == OPT_TXPOOL_ACCOUNT_SLOTS  ? &o->txpool_account_slots
                         : op->id == OPT_TXPOOL_GLOBAL_SLOTS ? &o->txpool_global_slots
                                                             : &o->txpool_global_queue;
        *slot = (uint32_t)v;
        return 0;
    }
    if (*val < '0' || *val > '9' || *end || errno || (is_port && v > 65535)) {
        usage_error(err, "--%s: '%s' is not a valid number", op->name, val);
        return -1;
    }
    if (op->id == OPT_HTTP_PORT)
        o->net.http_port = (int)v;
    else if (op->id == OPT_WS_PORT)
        o->net.ws_port = (int)v;
    else if (op->id == OPT_REST_PORT)
        o->net.rest_port = (int)v;
    else if (op->id == OPT_P2P_PORT)
        o->p2p.port = (int)v, o->has_p2p_port = 1;
    else if (op->id == OPT_MAXPEERS)
        o->p2p.max_peers = (int)v;
    else if (op->id == OPT_METRICS_PORT)
        o->net.metrics_port = (int)v;
    else if (op->id == OPT_TRON_API_PORT)
        o->tron_api_port = (int)v, o->has_tron_api = 1;
    else if (op->id == OPT_TRON_API_SOLID_LAG)
        o->tron_api_solid_lag = (uint64_t)v;
    else if (op->id == OPT_STATUS_PORT)
        o->status.port = (int)v;
    else if (op->id == OPT_RPC_BATCH_LIMIT)
        o->net.lim.max_batch = (size_t)v;
    else if (op->id == OPT_RPC_BATCH_RESP)
        o->net.lim.max_batch_resp = (size_t)v;
    else
        o->net.lim.max_request = (size_t)v;
    return 0;
}

static int apply_opt(struct cli_opts *o, const struct opt *op, const char *val, FILE *err)
{
    switch (op->id) {
    case OPT_HELP:
        o->wants_help = 1;
        return 0;
    case OPT_VERSION:
        o->cmd = CLI_CMD_VERSION;
        return 0;
    case OPT_CONFIG:
        o->config = val;
        o->has_config = 1;
        return 0;
    case OPT_PASSWORD_FILE:
        o->password_file = val;
        return 0;
    case OPT_UNLOCK:
        o->unlock = val;
        return 0;
    case OPT_LIGHTKDF:
        o->is_lightkdf = 1;
        return 0;
    case OPT_DATADIR: {
        char msg[256];
        free(o->datadir_owned);
        o->datadir_owned = NULL;
        if (paths_expand_home(val, &o->datadir_owned, msg, sizeof(msg)) != BT_OK) {
            usage_error(err, "--datadir: %s%s", msg, "");
            return -1;
        }
        o->datadir = o->datadir_owned;
        return 0;
    }
    case OPT_LOG_LEVEL:
        if (log_level_parse(val, &o->log_level) != BT_OK) {
            usage_error(err, "--log.level: '%s' is not %s", val, "error|warn|info|debug|trace");
            return -1;
        }
        o->has_log_level = 1;
        return 0;
    case OPT_LOG_FORMAT:
        if (log_format_parse(val, &o->log_format) != BT_OK) {
            usage_error(err, "--log.format: '%s' is not %s", val, "logfmt|json");
            return -1;
        }
        o->has_log_format = 1;
        return 0;
    case OPT_LOG_FILE:
        o->log_file = val;
        return 0;
    case OPT_HTTP:
        o->net.is_http = 1;
        return 0;
    case OPT_HTTP_ADDR:
        o->net.http_addr = val;
        return 0;
    case OPT_HTTP_CORS:
        o->net.http_cors = val;
        return 0;
    case OPT_HTTP_VHOSTS:
        o->net.http_vhosts = val;
        return 0;
    case OPT_WS:
        o->net.is_ws = 1;
        return 0;
    case OPT_WS_ADDR:
        o->net.ws_addr = val;
        return 0;
    case OPT_WS_ORIGINS:
        o->net.ws_origins = val;
        return 0;
    case OPT_REST_ADDR:
        o->net.rest_addr = val;
        return 0;
    case OPT_TRON_API_ADDR:
        o->tron_api_addr = val;
        return 0;
    case OPT_IPC_OFF:
        o->net.is_ipc_off = 1;
        return 0;
    case OPT_METRICS:
        o->net.is_metrics = 1;
        return 0;
    case OPT_STATUS_PAGE:
        o->status.is_on = 1;
        return 0;
    case OPT_STATUS_ADDR:
        o->status.addr = val;
        return 0;
    case OPT_STATUS_NAME:
        o->status.name = val;
        return 0;
    case OPT_STATUS_PEERS:
        o->status.peers = val;
        return 0;
    case OPT_STATUS_ROOTCHAINS:
        o->status.rootchains = val;
        return 0;
    case OPT_METRICS_ADDR:
        o->net.metrics_addr = val;
        return 0;
    case OPT_EXEC:
        o->exec = val;
        return 0;
    case OPT_TO:
        o->swap_to = val;
        return 0;
    case OPT_PATH:
        o->swap_path = val;
        return 0;
    case OPT_DEV:
        o->is_dev = 1;
        return 0;
    case OPT_CHAIN:
        o->chain_name = val;
        return 0;
    case OPT_GENESIS:
        o->genesis = val;
        return 0;
    case OPT_P2P_ADDR:
        o->p2p.listen_addr = val;
        return 0;
    case OPT_BOOTNODES:
        o->p2p.bootnodes = val;
        return 0;
    case OPT_NODISCOVER:
        o->p2p.is_nodiscover = 1;
        return 0;
    case OPT_P2P_STATIC:
        o->p2p.static_nodes = val;
        return 0;
    case OPT_P2P_TRUSTED:
        o->p2p.trusted_nodes = val;
        return 0;
    case OPT_P2P_CHAIN:
        /* Deprecated alias: one chain for the node and its peers. */
        o->p2p.chain = val;
        if (strchr(val, '/') || (strlen(val) > 5 && strcmp(val + strlen(val) - 5, ".json") == 0))
            o->genesis = o->genesis ? o->genesis : val;
        else
            o->chain_name = o->chain_name ? o->chain_name : val;
        return 0;
    case OPT_DEV_FOLLOW:
        o->dev_follow = val;
        return 0;
    case OPT_JSON:
        o->is_json = 1;
        return 0;
    case OPT_P2P_PORT:
    case OPT_MAXPEERS:
    case OPT_DEV_PERIOD:
    case OPT_DEV_ACCOUNTS:
    case OPT_HTTP_PORT:
    case OPT_WS_PORT:
    case OPT_REST_PORT:
    case OPT_METRICS_PORT:
    case OPT_TRON_API_PORT:
    case OPT_TRON_API_SOLID_LAG:
    case OPT_STATUS_PORT:
    case OPT_RPC_BATCH_LIMIT:
    case OPT_RPC_BATCH_RESP:
    case OPT_RPC_MAX_REQUEST:
    case OPT_TXPOOL_ACCOUNT_SLOTS:
    case OPT_TXPOOL_GLOBAL_SLOTS:
    case OPT_TXPOOL_GLOBAL_QUEUE:
        return apply_number(o, op, val, err);
    case OPT_PLUGIN_DIR: {
        const char **nd = realloc(o->plugin_dirs, (o->n_plugin_dirs + 1) * sizeof(*nd));
        if (!nd) {
            fputs("bttcd: out of memory\n", err);
            return -1;
        }
        o->plugin_dirs = nd;
        nd[o->n_plugin_dirs++] = val;
        return 0;
    }
    }
    return -1;
}

/* One option at argv[*i]; consumes its value. Returns 0 or -1 (reported). */
static int parse_opt(int argc, char **argv, int *i, struct cli_opts *o, FILE *err)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "-h") == 0)
        return apply_opt(o, find_opt("help", 4), NULL, err);
    if (arg[1] != '-') {
        usage_error(err, "unknown option '%s'%s", arg, "");
        return -1;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t n = eq ? (size_t)(eq - name) : strlen(name);
    const struct opt *op = find_opt(name, n);
    if (!op) {
        usage_error(err, "unknown option '%s'%s", arg, "");
        return -1;
    }
    const char *val = NULL;
    if (op->metavar) {
        if (eq) {
            val = eq + 1;
        } else if (*i + 1 < argc) {
            val = argv[++*i];
        } else {
            usage_error(err, "option '--%s' needs a value (%s)", op->name, op->metavar);
            return -1;
        }
        if (!*val) {
            usage_error(err, "option '--%s' needs a non-empty value (%s)", op->name, op->metavar);
            return -1;
        }
    } else if (eq) {
        usage_error(err, "option '--%s' takes no value%s", op->name, "");
        return -1;
    }
    return apply_opt(o, op, val, err);
}

/* "keys new|import FILE|list". Returns 0 or -1 (reported). */
static int parse_keys(char **w, size_t n, struct cli_opts *o, FILE *err)
{
    o->cmd = CLI_CMD_KEYS;
    if (n == 1) {
        if (o->wants_help)
            return 0;
        usage_error(err, "'keys' needs a command: %s%s", "new, import FILE, list or nodekey", "");
        return -1;
    }
    size_t want = 2;
    if (strcmp(w[1], "new") == 0) {
        o->cmd = CLI_CMD_KEYS_NEW;
    } else if (strcmp(w[1], "list") == 0) {
        o->cmd = CLI_CMD_KEYS_LIST;
    } else if (strcmp(w[1], "nodekey") == 0) {
        o->cmd = CLI_CMD_KEYS_NODEKEY;
    } else if (strcmp(w[1], "import") == 0) {
        o->cmd = CLI_CMD_KEYS_IMPORT;
        o->files = w + 2;
        o->n_files = n > 2 ? 1 : 0;
        want = 3;
        if (n == 2 && !o->wants_help) {
            usage_error(err, "'keys import' needs a FILE (%s)%s",
                        "a keystore JSON file or a hex private key file", "");
            return -1;
        }
    } else {
        usage_error(err, "unknown command 'keys %s'%s", w[1], "");
        return -1;
    }
    if (n > want) {
        usage_error(err, "unexpected argument '%s'%s", w[want], "");
        return -1;
    }
    return 0;
}

/* "storage stats|verify|export FILE|import FILE|swap --to BACKEND". */
static int parse_storage(char **w, size_t n, struct cli_opts *o, FILE *err)
{
    static const struct {
        const char *word;
        enum cli_cmd cmd;
        size_t n_files;
    } subs[] = {{"stats", CLI_CMD_STORAGE_STATS, 0},
                {"verify", CLI_CMD_STORAGE_VERIFY, 0},
                {"export", CLI_CMD_STORAGE_EXPORT, 1},
                {"import", CLI_CMD_STORAGE_IMPORT, 1},
                {"swap", CLI_CMD_STORAGE_SWAP, 0}};
    o->cmd = CLI_CMD_STORAGE;
    if (n == 1) {
        if (o->wants_help)
            return 0;
        usage_error(err, "'storage' needs a command: %s%s", "stats, verify, export, import or swap",
                    "");
        return -1;
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (strcmp(w[1], subs[i].word) != 0)
            continue;
        o->cmd = subs[i].cmd;
        o->files = w + 2;
        o->n_files = n - 2;
        if (o->wants_help)
            return 0;
        if (o->n_files != subs[i].n_files) {
            usage_error(err, "'storage %s' takes %s", w[1],
                        subs[i].n_files ? "one FILE" : "no arguments");
            return -1;
        }
        if (o->cmd == CLI_CMD_STORAGE_SWAP && !o->swap_to) {
            usage_error(err, "'storage swap' needs --to BACKEND (%s)%s", "for example storage-lmdb",
                        "");
            return -1;
        }
        return 0;
    }
    usage_error(err, "unknown command 'storage %s'%s", w[1], "");
    return -1;
}

/* Map the command words to a command. Returns 0 or -1 (reported). */
static int parse_words(char **w, size_t n, struct cli_opts *o, FILE *err)
{
    size_t used = 1;
    if (n == 0)
        o->is_top = 1;
    if (n == 0 || strcmp(w[0], "run") == 0) {
        o->cmd = o->cmd == CLI_CMD_VERSION ? CLI_CMD_VERSION : CLI_CMD_RUN;
        used = n ? 1 : 0;
    } else if (strcmp(w[0], "version") == 0) {
        o->cmd = CLI_CMD_VERSION;
    } else if (strcmp(w[0], "attach") == 0) {
        o->cmd = CLI_CMD_ATTACH;
        if (n > 1)
            o->ipc_path = w[1];
        used = n > 1 ? 2 : 1;
    } else if (strcmp(w[0], "help") == 0) {
        o->wants_help = 1;
        if (n == 1) {
            o->cmd = CLI_CMD_RUN;
            o->is_top = 1;
            return 0;
        }
        return parse_words(w + 1, n - 1, o, err);
    } else if (strcmp(w[0], "plugins") == 0) {
        if (n == 1) {
            o->cmd = CLI_CMD_PLUGINS;
            if (o->wants_help)
                return 0;
            usage_error(err, "'plugins' needs a command: %s%s", "list or check FILE.so...", "");
            return -1;
        }
        used = 2;
        if (strcmp(w[1], "list") == 0) {
            o->cmd = CLI_CMD_PLUGINS_LIST;
        } else if (strcmp(w[1], "check") == 0) {
            o->cmd = CLI_CMD_PLUGINS_CHECK;
            o->files = w + 2;
            o->n_files = n - 2;
            if (o->n_files == 0 && !o->wants_help) {
                usage_error(err, "'plugins check' needs at least one FILE.so%s%s", "", "");
                return -1;
            }
            return 0;
        } else {
            usage_error(err, "unknown command 'plugins %s'%s", w[1], "");
            return -1;
        }
    } else if (strcmp(w[0], "rootchain") == 0) {
        o->cmd = CLI_CMD_ROOTCHAIN;
        if (n == 1 && !o->wants_help) {
            usage_error(err, "'rootchain' needs a command: %s%s", "status", "");
            return -1;
        }
        if (n > 1 && strcmp(w[1], "status") != 0) {
            usage_error(err, "unknown command 'rootchain %s'%s", w[1], "");
            return -1;
        }
        if (n > 1)
            o->cmd = CLI_CMD_ROOTCHAIN_STATUS;
        used = n > 1 ? 2 : 1;
    } else if (strcmp(w[0], "init") == 0) {
        o->cmd = CLI_CMD_INIT;
        if (!o->genesis && !o->wants_help) {
            usage_error(err, "'init' needs --genesis FILE%s%s", "", "");
            return -1;
        }
    } else if (strcmp(w[0], "export") == 0 || strcmp(w[0], "import") == 0) {
        int is_export = w[0][0] == 'e';
        o->cmd = is_export ? CLI_CMD_EXPORT : CLI_CMD_IMPORT;
        o->export_to = UINT64_MAX;
        if (o->wants_help)
            return 0;
        if (n < 2 || (!is_export && n > 2) || (is_export && n != 2 && n != 4)) {
            usage_error(err, "usage: %s%s", is_export ? "export FILE [FROM TO]" : "import FILE",
                        "");
            return -1;
        }
        o->files = w + 1;
        o->n_files = 1;
        if (n == 4) {
            char *e1, *e2;
            o->export_from = strtoull(w[2], &e1, 10);
            o->export_to = strtoull(w[3], &e2, 10);
            if (*e1 || *e2 || w[2][0] < '0' || w[2][0] > '9' || w[3][0] < '0' || w[3][0] > '9' ||
                o->export_from > o->export_to) {
                usage_error(err, "export: '%s %s' is not a block range FROM TO", w[2], w[3]);
                return -1;
            }
        }
        return 0;
    } else if (strcmp(w[0], "keys") == 0) {
        return parse_keys(w, n, o, err);
    } else if (strcmp(w[0], "storage") == 0) {
        return parse_storage(w, n, o, err);
    } else if (strcmp(w[0], "evm") == 0) {
        o->cmd = CLI_CMD_EVM; /* reached only by "help evm" */
        used = n;
    } else if (strcmp(w[0], "devnet") == 0) {
        o->cmd = CLI_CMD_DEVNET; /* reached only by "help devnet" */
        used = n;
    } else if (strcmp(w[0], "bridge") == 0) {
        o->cmd = CLI_CMD_BRIDGE; /* reached only by "help bridge" */
        used = n;
    } else {
        usage_error(err, "unknown command '%s'%s", w[0], "");
        return -1;
    }
    if (used < n) {
        usage_error(err, "unexpected argument '%s'%s", w[used], "");
        return -1;
    }
    return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *o, FILE *err)
{
    memset(o, 0, sizeof(*o));
    o->config = "plugins.conf";
    o->cmd = CLI_CMD_RUN;
    net_opts_default(&o->net);
    status_opts_default(&o->status);
    p2p_opts_default(&o->p2p);
    /* Command words, in order; plugins check keeps its files here too. */
    char **words = calloc((size_t)argc + 1, sizeof(*words));
    if (!words) {
        fputs("bttcd: out of memory\n", err);
        return CLI_EXIT_USAGE;
    }
    size_t n_words = 0;
    int no_more_opts = 0;
    for (int i = 1; i < argc; i++) {
        if (!no_more_opts && strcmp(argv[i], "--") == 0) {
            no_more_opts = 1;
        } else if (n_words == 0 && strcmp(argv[i], "evm") == 0) {
            /* The EVM tools parse their own options (host/evmtool): only bttcd's options
             * before the word apply here. */
            o->cmd = CLI_CMD_EVM;
            o->evm_argc = argc - i;
            o->evm_argv = argv + i;
            o->words = words;
            return CLI_EXIT_OK;
        } else if (n_words == 0 && strcmp(argv[i], "devnet") == 0) {
            /* `bttcd devnet` parses its own options (host/devnet). */
            o->cmd = CLI_CMD_DEVNET;
            o->devnet_argc = argc - i;
            o->devnet_argv = argv + i;
            o->words = words;
            return CLI_EXIT_OK;
        } else if (n_words == 0 && strcmp(argv[i], "bridge") == 0) {
            o->cmd = CLI_CMD_BRIDGE; /* host/bridge parses its own options */
            o->bridge_argc = argc - i;
            o->bridge_argv = argv + i;
            o->words = words;
            return CLI_EXIT_OK;
        } else if (!no_more_opts && argv[i][0] == '-' && argv[i][1]) {
            if (parse_opt(argc, argv, &i, o, err) != 0)
                goto fail;
        } else {
            words[n_words++] = argv[i];
        }
    }
    int is_version = o->cmd == CLI_CMD_VERSION;
    if (parse_words(words, n_words, o, err) != 0)
        goto fail;
    if (is_version && !o->wants_help)
        o->cmd = CLI_CMD_VERSION;
    o->words = words; /* o->files points into it */
    return CLI_EXIT_OK;
fail:
    free(words);
    free(o->plugin_dirs);
    free(o->datadir_owned);
    memset(o, 0, sizeof(*o));
    return CLI_EXIT_USAGE;
}

void cli_opts_free(struct cli_opts *o)
{
    free(o->words);
    free(o->plugin_dirs);
    free(o->datadir_owned);
    memset(o, 0, sizeof(*o));
}
