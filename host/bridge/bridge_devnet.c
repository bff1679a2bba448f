/* Defaults of `bttcd bridge` from a `bttcd devnet` directory: its state file DIR/devnet.json
 * (written by host/devnet, read here on its own so the two commands stay independent) gives
 * each basechain's JSON-RPC URL and contract addresses, and the validators' HTTP ports. Only the
 * fields this command needs are read:
 *   {"basechains": {"eth": {"url": "...", "contracts": {"RootChain": "0x..", ...},
 *                           "bttc": {"ChildChain": "0x..", "ChildToken": "0x.."}},
 *                   "tron": {..., "tron_api_port": N}, ...},
 *    "nodes": [{"http_port": N, ...}, ...]} */
#include "bridge_int.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bts/hex.h>

static int get_addr(const json_t *cs, const char *name, uint8_t out[20])
{
    const char *s = json_string_value(json_object_get(cs, name));
    return s && bts_hex_parse_address(out, s, strlen(s)) == BT_OK ? 1 : 0;
}

bt_status br_devnet_defaults(struct br_ctx *ctx, const char *dir, char *err, size_t err_cap)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/devnet.json", dir ? dir : "devnet");
    if (access(path, F_OK) != 0) {
        if (dir) {
            snprintf(err, err_cap, "%s: no devnet state file there", path);
            return BT_EINVAL;
        }
        return BT_ENOTFOUND;
    }
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, err_cap, "%s:%d: %s", path, je.line, je.text);
        return BT_EINVAL;
    }
    const json_t *base = json_object_get(json_object_get(root, "basechains"), ctx->root_name);
    const json_t *cs = json_object_get(base, "contracts");
    const char *url = json_string_value(json_object_get(base, "url"));
    if (!base) {
        snprintf(err, err_cap, "%s: the devnet has no basechain '%s'", path, ctx->root_name);
        json_decref(root);
        return BT_EINVAL;
    }
    /* TRON: the dev TRON API as on java-tron, reads on its /jsonrpc, writes on wallet/... */
    json_int_t api = json_integer_value(json_object_get(base, "tron_api_port"));
    if (!ctx->tron_api[0] && api > 0 && api < 65536 && strcmp(ctx->root_name, "tron") == 0)
        snprintf(ctx->tron_api, sizeof(ctx->tron_api), "http://127.0.0.1:%d", (int)api);
    if (!ctx->root_url[0] && ctx->tron_api[0] && strcmp(ctx->root_name, "tron") == 0)
        snprintf(ctx->root_url, sizeof(ctx->root_url), "%.480s/jsonrpc", ctx->tron_api);
    if (!ctx->root_url[0] && url)
        snprintf(ctx->root_url, sizeof(ctx->root_url), "%s", url);
    if (!ctx->has_deposit_manager)
        ctx->has_deposit_manager = get_addr(cs, "DepositManager", ctx->deposit_manager);
    if (!ctx->has_root_chain)
        ctx->has_root_chain = get_addr(cs, "RootChain", ctx->root_chain);
    if (!ctx->has_predicate)
        ctx->has_predicate = get_addr(cs, "ERC20Predicate", ctx->predicate);
    if (!ctx->has_root_token)
        ctx->has_root_token = get_addr(cs, "TestToken", ctx->root_token);
    if (!ctx->has_child_token)
        ctx->has_child_token =
            get_addr(json_object_get(base, "bttc"), "ChildToken", ctx->child_token);
    json_int_t port = json_integer_value(
        json_object_get(json_array_get(json_object_get(root, "nodes"), 0), "http_port"));
    if (!ctx->bttc_url[0] && port > 0 && port < 65536)
        snprintf(ctx->bttc_url, sizeof(ctx->bttc_url), "http://127.0.0.1:%d", (int)port);
    json_decref(root);
    return BT_OK;
}
