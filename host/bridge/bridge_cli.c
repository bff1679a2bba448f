/* `bttcd bridge deposit|withdraw|exit-payload`: options, help, keys, and the two simple
 * commands (deposit: approve + DepositManager.depositERC20ForUser on a root chain; withdraw:
 * ChildERC20.withdraw on Bttc). exit-payload is bridge_exit.c. */
#include "bridge_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/secp.h>
#include <bts/solabi.h>
#include <bts/u256.h>

#include "genesis_int.h"

static const char HELP[] =
    "Usage: bttcd bridge COMMAND [OPTIONS]\n"
    "\n"
    "The ERC-20 bridge between a root chain (eth, bsc, tron) and Bttc, for development\n"
    "networks. URLs and contract addresses default to a running 'bttcd devnet' (./devnet, or\n"
    "--dir DIR); the flags below override them.\n"
    "\n"
    "Commands:\n"
    "  deposit       lock --amount of root token --token in the DepositManager (approve +\n"
    "                depositERC20ForUser); Bttc mints the child token when the state sync\n"
    "                reaches it. Prints the tx hash and the state-sync id.\n"
    "  withdraw      burn --amount of child token --token on Bttc (ChildERC20.withdraw).\n"
    "                Prints the tx hash and block; exit once a checkpoint covers that block.\n"
    "  exit-payload  build the exit payload of burn --tx (PROTOCOL.md 5.4: checkpoint header\n"
    "                block, the block's Merkle proof in the checkpoint root, the receipt's\n"
    "                Merkle-Patricia proof, the log index), check it as the contracts do and\n"
    "                print it as hex. --submit sends it to the ERC20Predicate, which releases\n"
    "                the tokens at once; a second exit of the same burn is refused.\n"
    "\n"
    "Options:\n"
    "  --rootchain eth|bsc|tron   the root chain (default eth)\n"
    "  --dir DIR                  the devnet directory (default ./devnet when it exists)\n"
    "  --rpc URL, --root-rpc URL  the root chain's JSON-RPC\n"
    "  --bttc-rpc URL             a Bttc node's JSON-RPC\n"
    "  --tron-api URL             tron: TRON's HTTP API (wallet/...), where the transactions go\n"
    "                             (default: the devnet's dev TRON API, whose /jsonrpc is then\n"
    "                             the default --root-rpc; TRON's JSON-RPC has no writes)\n"
    "  --token ADDR               deposit: root token (default: the devnet's TestToken);\n"
    "                             withdraw: child token on Bttc (default: the devnet's\n"
    "                             ChildERC20 mapped to that TestToken)\n"
    "  --amount N                 token base units, decimal (or 0x-hex)\n"
    "  --to ADDR                  deposit: who is credited on Bttc (default: the sender)\n"
    "  --key devN|HEX             the sender: public dev key N (0-19; the devnet's, anvil's and\n"
    "                             hardhat's test mnemonic) or a raw private key in hex\n"
    "  --from ADDR                the sender by address, among the dev keys\n"
    "  --tx HASH                  exit-payload: the burn transaction on Bttc\n"
    "  --log-index N              exit-payload: the Withdraw log (default: the first one)\n"
    "  --submit                   exit-payload: send it (key: --key, else the burner's dev key)\n"
    "  --deposit-manager ADDR, --root-chain ADDR, --predicate ADDR\n"
    "                             root-chain contracts (default: the devnet's)\n"
    "  --quiet                    only the result on stdout\n"
    "\n"
    "Exit status: 0 done, 1 refused or failed (the reason is printed), 2 usage error.\n"
    "Every dev key is public: use them on development networks only.\n";

__attribute__((format(printf, 1, 2))) static int usage(const char *fmt, ...);

static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bttcd bridge: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'bttcd bridge --help'.\n");
    return 2;
}

bt_status br_dev_key_of(const uint8_t addr[20], uint8_t out_key[32])
{
    for (uint32_t i = 0; i < BR_DEV_KEYS; i++) {
        struct bt_address a;
        if (genesis_dev_address(&a, i) == BT_OK && memcmp(a.bytes, addr, 20) == 0)
            return genesis_dev_key(out_key, i);
    }
    return BT_ENOTFOUND;
}

static int parse_addr(const char *s, uint8_t out[20])
{
    return bts_hex_parse_address(out, s, strlen(s)) == BT_OK ? 0 : -1;
}

static int parse_key(struct br_ctx *ctx, const char *s)
{
    char *end = NULL;
    if (strncmp(s, "dev", 3) == 0) {
        unsigned long i = strtoul(s + 3, &end, 10);
        if (end == s + 3 || *end || i >= BR_DEV_KEYS || genesis_dev_key(ctx->key, (uint32_t)i))
            return -1;
    } else if (bts_hex_decode_exact(ctx->key, 32, s, strlen(s), 0) != BT_OK) {
        return -1;
    }
    ctx->has_key = 1;
    return bts_secp_seckey_to_address(ctx->from, ctx->key) == BT_OK ? 0 : -1;
}

static int parse_amount(const char *s, uint8_t out[32])
{
    struct bts_u256 v;
    bt_status st = strncmp(s, "0x", 2) == 0 ? bts_u256_from_hex(&v, s, strlen(s))
                                            : bts_u256_from_dec(&v, s, strlen(s));
    if (st != BT_OK || bts_u256_is_zero(&v))
        return -1;
    bts_u256_store_be(out, &v);
    return 0;
}

/* selector(sig) ‖ words: every argument here is one static word. */
static bt_status calldata(struct bts_buf *out, const char *sig, const uint8_t (*w)[32], size_t n)
{
    uint8_t sel[4];
    bt_status st = bts_solabi_selector(sel, sig);
    if (st == BT_OK)
        st = bts_buf_append(out, sel, 4);
    for (size_t i = 0; st == BT_OK && i < n; i++)
        st = bts_buf_append(out, w[i], 32);
    return st;
}

static void print_hash(const char *what, const uint8_t h[32], const json_t *receipt)
{
    char hex[67];
    size_t n;
    uint64_t block = 0;
    if (bts_hex_encode(hex, sizeof(hex), &n, h, 32, BTS_HEX_0X) != BT_OK)
        hex[0] = '\0';
    br_json_u64(receipt, "blockNumber", &block);
    printf("%s: tx %s in block %" PRIu64 "\n", what, hex, block);
}

static int send_call(const struct br_ctx *ctx, const char *url, const uint8_t to[20],
                     const char *sig, const uint8_t (*w)[32], size_t n, const char *what,
                     json_t **out_receipt)
{
    struct bts_buf data;
    bts_buf_init(&data);
    char err[512] = "";
    uint8_t hash[32];
    json_t *rc = NULL;
    bt_status st = calldata(&data, sig, w, n);
    if (st == BT_OK)
        st = br_transact(ctx, url, to, data.data, data.len, hash, &rc, err, sizeof(err));
    bts_buf_free(&data);
    if (st != BT_OK) {
        fprintf(stderr, "bttcd bridge: %s refused: %s\n", what, err[0] ? err : bts_status_str(st));
        return 1;
    }
    if (!ctx->is_quiet || out_receipt == NULL)
        print_hash(what, hash, rc);
    if (out_receipt)
        *out_receipt = rc;
    else
        json_decref(rc);
    return 0;
}

static int cmd_deposit(const struct br_ctx *ctx, const uint8_t token[20], const uint8_t amount[32],
                       const uint8_t user[20])
{
    if (!ctx->root_url[0] || !ctx->has_deposit_manager)
        return usage("deposit needs --root-rpc and --deposit-manager (or a devnet: --dir)");
    uint8_t w[3][32];
    bts_solabi_word_address(w[0], ctx->deposit_manager);
    memcpy(w[1], amount, 32);
    if (send_call(ctx, ctx->root_url, token, "approve(address,uint256)", (const uint8_t(*)[32])w, 2,
                  "approve", NULL) != 0)
        return 1;
    bts_solabi_word_address(w[0], token);
    bts_solabi_word_address(w[1], user);
    memcpy(w[2], amount, 32);
    json_t *rc = NULL;
    if (send_call(ctx, ctx->root_url, ctx->deposit_manager,
                  "depositERC20ForUser(address,address,uint256)", (const uint8_t(*)[32])w, 3,
                  "deposit", &rc) != 0)
        return 1;
    /* StateSynced(uint256 indexed id, address indexed contractAddress, bytes data) */
    uint8_t topic[32];
    if (bts_solabi_event_topic(topic, "StateSynced(uint256,address,bytes)") != BT_OK)
        memset(topic, 0, 32);
    const json_t *logs = json_object_get(rc, "logs");
    for (size_t i = 0; i < json_array_size(logs); i++) {
        const json_t *ts = json_object_get(json_array_get(logs, i), "topics");
        const char *t0 = json_string_value(json_array_get(ts, 0));
        const char *t1 = json_string_value(json_array_get(ts, 1));
        uint8_t t[32], id[32];
        uint64_t n = 0;
        if (t0 && t1 && bts_hex_parse_hash(t, t0, strlen(t0)) == BT_OK &&
            memcmp(t, topic, 32) == 0 && bts_hex_parse_hash(id, t1, strlen(t1)) == BT_OK &&
            bts_solabi_word_to_u64(&n, id) == BT_OK)
            printf("state sync id %" PRIu64 ": Bttc credits the child token once it commits it\n",
                   n);
    }
    json_decref(rc);
    return 0;
}

static int cmd_withdraw(const struct br_ctx *ctx, const uint8_t token[20], const uint8_t amount[32])
{
    if (!ctx->bttc_url[0])
        return usage("withdraw needs --bttc-rpc (or a devnet: --dir)");
    uint8_t w[1][32];
    memcpy(w[0], amount, 32);
    json_t *rc = NULL;
    if (send_call(ctx, ctx->bttc_url, token, "withdraw(uint256)", (const uint8_t(*)[32])w, 1,
                  "withdraw (burn)", &rc) != 0)
        return 1;
    if (!ctx->is_quiet)
        printf("exit with: bttcd bridge exit-payload --rootchain %s --tx %s --submit (once a "
               "checkpoint covers that block)\n",
               ctx->root_name, json_string_value(json_object_get(rc, "transactionHash")));
    else
        printf("%s\n", json_string_value(json_object_get(rc, "transactionHash")));
    json_decref(rc);
    return 0;
}

/* The value of option argv[*i] (advancing *i), or NULL after a usage message. */
static const char *value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        usage("option %s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int bridge_main(int argc, char **argv)
{
    struct br_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    snprintf(ctx.root_name, sizeof(ctx.root_name), "eth");
    const char *cmd = NULL, *dir = NULL, *tx = NULL, *v;
    uint8_t token[20], amount[32], to[20], txh[32];
    int has_token = 0, has_amount = 0, has_to = 0, is_submit = 0, rc = 2;
    int64_t log_index = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int bad = 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0) {
            fputs(HELP, stdout);
            return 0;
        } else if (a[0] != '-') {
            if (cmd)
                return usage("unexpected argument '%s'", a);
            cmd = a;
        } else if (strcmp(a, "--submit") == 0) {
            is_submit = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            ctx.is_quiet = 1;
        } else if (!(v = value(argc, argv, &i))) {
            return 2;
        } else if (strcmp(a, "--rootchain") == 0) {
            bad = strcmp(v, "eth") && strcmp(v, "bsc") && strcmp(v, "tron");
            snprintf(ctx.root_name, sizeof(ctx.root_name), "%s", v);
        } else if (strcmp(a, "--dir") == 0) {
            dir = v;
        } else if (strcmp(a, "--rpc") == 0 || strcmp(a, "--root-rpc") == 0) {
            snprintf(ctx.root_url, sizeof(ctx.root_url), "%s", v);
        } else if (strcmp(a, "--bttc-rpc") == 0) {
            snprintf(ctx.bttc_url, sizeof(ctx.bttc_url), "%s", v);
        } else if (strcmp(a, "--tron-api") == 0) {
            snprintf(ctx.tron_api, sizeof(ctx.tron_api), "%s", v);
        } else if (strcmp(a, "--token") == 0) {
            bad = parse_addr(v, token);
            has_token = 1;
        } else if (strcmp(a, "--amount") == 0) {
            bad = parse_amount(v, amount);
            has_amount = 1;
        } else if (strcmp(a, "--to") == 0) {
            bad = parse_addr(v, to);
            has_to = 1;
        } else if (strcmp(a, "--key") == 0) {
            bad = parse_key(&ctx, v);
        } else if (strcmp(a, "--from") == 0) {
            bad = parse_addr(v, ctx.from) || br_dev_key_of(ctx.from, ctx.key) != BT_OK;
            ctx.has_key = !bad;
        } else if (strcmp(a, "--tx") == 0) {
            bad = bts_hex_parse_hash(txh, v, strlen(v)) != BT_OK;
            tx = v;
        } else if (strcmp(a, "--log-index") == 0) {
            char *end = NULL;
            unsigned long long n = strtoull(v, &end, 10);
            bad = !*v || *end || n >= 1000;
            log_index = (int64_t)n;
        } else if (strcmp(a, "--deposit-manager") == 0) {
            bad = parse_addr(v, ctx.deposit_manager);
            ctx.has_deposit_manager = 1;
        } else if (strcmp(a, "--root-chain") == 0) {
            bad = parse_addr(v, ctx.root_chain);
            ctx.has_root_chain = 1;
        } else if (strcmp(a, "--predicate") == 0) {
            bad = parse_addr(v, ctx.predicate);
            ctx.has_predicate = 1;
        } else {
            return usage("unknown option '%s'", a);
        }
        if (bad) {
            explicit_bzero(ctx.key, sizeof(ctx.key));
            if (strcmp(a, "--from") == 0)
                return usage("--from %s: not one of the dev keys 0-19", v);
            return usage("bad value for %s", a);
        }
    }
    if (!cmd)
        return usage("a command is needed: deposit, withdraw or exit-payload");
    char err[512] = "";
    bt_status st = br_devnet_defaults(&ctx, dir, err, sizeof(err));
    if (st == BT_EINVAL) {
        fprintf(stderr, "bttcd bridge: %s\n", err);
        return 1;
    }
    if (!ctx.has_key && strcmp(cmd, "exit-payload") != 0 && parse_key(&ctx, "dev0") != 0)
        return 1;
    if (strcmp(cmd, "deposit") == 0) {
        if (!has_token && ctx.has_root_token) {
            memcpy(token, ctx.root_token, 20);
            has_token = 1;
        }
        if (!has_token || !has_amount)
            rc = usage("deposit needs --token and --amount");
        else
            rc = cmd_deposit(&ctx, token, amount, has_to ? to : ctx.from);
    } else if (strcmp(cmd, "withdraw") == 0) {
        if (!has_token && ctx.has_child_token) {
            memcpy(token, ctx.child_token, 20);
            has_token = 1;
        }
        if (!has_token || !has_amount)
            rc = usage("withdraw needs --token (the child token on Bttc) and --amount");
        else
            rc = cmd_withdraw(&ctx, token, amount);
    } else if (strcmp(cmd, "exit-payload") == 0) {
        if (!tx)
            rc = usage("exit-payload needs --tx HASH (the burn on Bttc)");
        else if (!ctx.bttc_url[0] || !ctx.root_url[0] || !ctx.has_root_chain)
            rc = usage("exit-payload needs --bttc-rpc, --root-rpc and --root-chain (or a devnet: "
                       "--dir)");
        else
            rc = br_exit_payload(&ctx, txh, log_index, is_submit);
    } else {
        rc = usage("unknown command '%s' (deposit, withdraw, exit-payload)", cmd);
    }
    explicit_bzero(ctx.key, sizeof(ctx.key));
    return rc;
}
