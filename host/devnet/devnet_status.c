/* `devnet status`: every fact is asked from the running processes (JSON-RPC of each validator
 * and basechain, eth_call on the recorded contracts) with short timeouts; a process that does
 * not answer shows as such. The same JSON feeds the table and `--json`. */
#include "devnet_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/solabi.h>

#include "genesis_int.h"

#define RPC_TIMEOUT_MS 800

static json_t *u64_or_null(const char *url, const char *method)
{
    uint64_t v;
    char e[256];
    return dn_rpc_u64(url, method, &v, RPC_TIMEOUT_MS, e, sizeof(e)) == BT_OK
               ? json_integer((json_int_t)v)
               : json_null();
}

/* eth_call of a no-argument view returning uint256 words; the first word, or null. */
static json_t *call_word(const char *url, const uint8_t to[20], const char *sig, size_t word)
{
    uint8_t sel[4], *res = NULL;
    size_t n = 0;
    uint64_t v = 0;
    char e[256];
    json_t *out = json_null();
    if (bts_solabi_selector(sel, sig) == BT_OK &&
        dn_rpc_call(url, to, sel, 4, &res, &n, e, sizeof(e)) == BT_OK && n >= 32 * (word + 1) &&
        bts_solabi_word_to_u64(&v, res + 32 * word) == BT_OK) {
        json_decref(out);
        out = json_integer((json_int_t)v);
    }
    free(res);
    return out;
}

static json_t *validator_json(const struct devnet *d, uint32_t i)
{
    const struct dn_val *v = &d->val[i];
    char name[16], url[64], ws[64];
    dn_fmt(name, sizeof(name), "v%u", i);
    dn_fmt(url, sizeof(url), "http://127.0.0.1:%d", v->http_port);
    dn_fmt(ws, sizeof(ws), "ws://127.0.0.1:%d", v->ws_port);
    pid_t pid = dn_pid_alive(d, name);
    json_t *o =
        json_pack("{s:s,s:s,s:b,s:s,s:s,s:i,s:s}", "name", name, "address", v->addr_hex, "running",
                  pid != 0, "http", url, "ws", ws, "p2p_port", v->p2p_port, "enode", v->enode);
    json_object_set_new(o, "pid", pid ? json_integer(pid) : json_null());
    json_t *head = pid ? u64_or_null(url, "eth_blockNumber") : json_null();
    json_object_set_new(o, "head", head);
    json_object_set_new(o, "peers", pid ? u64_or_null(url, "net_peerCount") : json_null());
    json_t *blk = NULL, *prop = NULL;
    char e[256];
    if (json_is_integer(head) &&
        dn_rpc(url, "eth_getBlockByNumber", json_pack("[s,b]", "latest", 0), &blk, RPC_TIMEOUT_MS,
               e, sizeof(e)) == BT_OK)
        json_object_set(o, "hash", json_object_get(blk, "hash"));
    json_decref(blk);
    if (json_is_integer(head) &&
        dn_rpc(url, "bor_getCurrentProposer", NULL, &prop, RPC_TIMEOUT_MS, e, sizeof(e)) == BT_OK)
        json_object_set(o, "proposer", prop);
    json_decref(prop);
    json_object_set_new(o, "health",
                        json_string(!pid                    ? "down"
                                    : json_is_integer(head) ? "ok"
                                                            : "no answer"));
    return o;
}

static json_t *base_json(const struct devnet *d, enum dn_chain c)
{
    const struct dn_base *b = &d->base[c];
    pid_t pid = b->is_external ? 0 : dn_pid_alive(d, dn_chain_names[c]);
    json_t *o = json_pack("{s:s,s:s,s:I,s:b,s:b}", "name", dn_chain_names[c], "url", b->url,
                          "chain_id", (json_int_t)b->chain_id, "external", b->is_external,
                          "running", b->is_external || pid != 0);
    if (c == DN_TRON) {
        char t[64];
        dn_fmt(t, sizeof(t), "http://127.0.0.1:%d", b->tron_api_port);
        json_object_set_new(o, "tron_api", json_string(t));
    }
    json_t *head = b->is_external || pid ? u64_or_null(b->url, "eth_blockNumber") : json_null();
    json_object_set_new(o, "head", head);
    if (b->is_deployed) {
        json_t *cs = json_object();
        for (int k = 0; k < DN_N_CONTRACTS; k++) {
            char h[43];
            (c == DN_TRON ? dn_tron_hex : dn_addr_hex)(h, b->addr[k]);
            json_object_set_new(cs, dn_contract_names[k], json_string(h));
        }
        json_object_set_new(o, "contracts", cs);
    }
    int is_up = json_is_integer(head) && b->is_deployed;
    json_object_set_new(
        o, "staked",
        is_up ? call_word(b->url, b->addr[DN_C_STAKE_MANAGER], "currentValidatorSetSize()", 0)
              : json_null());
    /* RootChain.currentHeaderBlock(): 0 until the first checkpoint lands. */
    json_t *ck = is_up ? call_word(b->url, b->addr[DN_C_ROOT_CHAIN], "currentHeaderBlock()", 0)
                       : json_null();
    if (json_is_integer(ck) && json_integer_value(ck) == 0) {
        json_decref(ck);
        ck = json_null();
    }
    json_object_set_new(o, "last_checkpoint", ck);
    return o;
}

json_t *dn_status_json(const struct devnet *d)
{
    json_t *root = json_object(), *vals = json_array(), *bases = json_array(), *keys = json_array();
    pid_t sup = dn_pid_alive(d, "devnet");
    json_object_set_new(root, "dir", json_string(d->dir));
    json_object_set_new(root, "supervisor", sup ? json_integer(sup) : json_null());
    json_object_set_new(root, "bttc_chain_id", json_integer(DN_BTTC_CHAIN_ID));
    char page[64];
    dn_fmt(page, sizeof(page), "http://127.0.0.1:%d/", d->status_port);
    json_object_set_new(root, "status_page", d->status_port ? json_string(page) : json_null());
    for (uint32_t i = 0; i < d->n_val; i++)
        json_array_append_new(vals, validator_json(d, i));
    json_object_set_new(root, "validators", vals);
    /* The span and its producers as the first validator that answers sees them. */
    json_t *span = json_object();
    for (uint32_t i = 0; i < d->n_val; i++) {
        const json_t *v = json_array_get(vals, i);
        if (!json_is_integer(json_object_get(v, "head")))
            continue;
        const char *url = json_string_value(json_object_get(v, "http"));
        static const uint8_t vs[20] = {[18] = 0x10};
        json_object_set_new(span, "id", call_word(url, vs, "getCurrentSpan()", 0));
        json_object_set_new(span, "start_block", call_word(url, vs, "getCurrentSpan()", 1));
        json_object_set_new(span, "end_block", call_word(url, vs, "getCurrentSpan()", 2));
        json_t *prods = NULL;
        char e[256];
        if (dn_rpc(url, "bor_getCurrentValidators", NULL, &prods, RPC_TIMEOUT_MS, e, sizeof(e)) ==
            BT_OK)
            json_object_set_new(span, "producers", prods);
        json_object_set_new(span, "seen_by",
                            json_string(json_string_value(json_object_get(v, "name"))));
        break;
    }
    json_object_set_new(root, "span", span);
    for (int c = 0; c < DN_N_CHAINS; c++)
        if (d->base[c].is_enabled)
            json_array_append_new(bases, base_json(d, (enum dn_chain)c));
    json_object_set_new(root, "basechains", bases);
    uint32_t n_keys = d->n_val > GENESIS_DEV_ACCOUNTS ? d->n_val : GENESIS_DEV_ACCOUNTS;
    for (uint32_t i = 0; i < n_keys; i++) {
        uint8_t key[32];
        struct bt_address a;
        char addr[BTS_HEX_EIP55_CAP], hex[67];
        size_t hl;
        if (genesis_dev_key(key, i) != BT_OK || genesis_dev_address(&a, i) != BT_OK ||
            bts_hex_encode(hex, sizeof(hex), &hl, key, 32, BTS_HEX_0X) != BT_OK)
            break;
        explicit_bzero(key, sizeof(key));
        bts_hex_format_eip55(addr, a.bytes);
        json_array_append_new(keys, json_pack("{s:s,s:s,s:b}", "address", addr, "private_key", hex,
                                              "validator", i < d->n_val));
    }
    json_object_set_new(root, "dev_keys", keys);
    json_object_set_new(
        root, "dev_keys_warning",
        json_string("PUBLIC development keys (anvil/hardhat test mnemonic): "
                    "anyone can spend from them; never use them on a real network"));
    return root;
}

static void print_int(const json_t *v, int width)
{
    if (json_is_integer(v))
        printf("%*lld", width, (long long)json_integer_value(v));
    else
        printf("%*s", width, "-");
}

void dn_status_print(const struct devnet *d, json_t *st, int is_tty)
{
    if (is_tty)
        printf("\033[H\033[2J");
    const json_t *sup = json_object_get(st, "supervisor");
    printf("bttcd devnet  %s  (%u validators, Bttc chain id %d)%s\n\n", d->dir, d->n_val,
           DN_BTTC_CHAIN_ID, json_is_integer(sup) ? "" : "  [supervisor not running]");
    if (json_is_string(json_object_get(st, "status_page")))
        printf("status page %s (served by v0)\n\n",
               json_string_value(json_object_get(st, "status_page")));
    printf("%-4s %-42s %-7s %8s %-12s %5s  %-22s %s\n", "node", "signer", "health", "head", "hash",
           "peers", "json-rpc", "ws");
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(st, "validators"), i, v)
    {
        const char *hash = json_string_value(json_object_get(v, "hash"));
        char h[16] = "-";
        if (hash && strlen(hash) > 10)
            dn_fmt(h, sizeof(h), "%.10s..", hash);
        printf("%-4s %-42s %-7s ", json_string_value(json_object_get(v, "name")),
               json_string_value(json_object_get(v, "address")),
               json_string_value(json_object_get(v, "health")));
        print_int(json_object_get(v, "head"), 8);
        printf(" %-12s ", h);
        print_int(json_object_get(v, "peers"), 5);
        printf("  %-22s %s\n", json_string_value(json_object_get(v, "http")),
               json_string_value(json_object_get(v, "ws")));
    }
    const json_t *span = json_object_get(st, "span");
    printf("\nspan ");
    print_int(json_object_get(span, "id"), 0);
    printf(" (blocks ");
    print_int(json_object_get(span, "start_block"), 0);
    printf("-");
    print_int(json_object_get(span, "end_block"), 0);
    printf("), producers:");
    const json_t *prods = json_object_get(span, "producers"), *p;
    size_t k;
    json_array_foreach(prods, k, p)
    {
        const char *s = json_string_value(json_object_get(p, "signer"));
        printf(" %.10s", s ? s : "?");
    }
    if (!json_array_size(prods))
        printf(" -");
    printf("\n\n%-5s %-11s %8s %7s %-10s  %s\n", "base", "chain id", "head", "staked", "checkpoint",
           "endpoint");
    json_array_foreach(json_object_get(st, "basechains"), i, v)
    {
        const json_t *ck = json_object_get(v, "last_checkpoint");
        printf("%-5s %-11lld ", json_string_value(json_object_get(v, "name")),
               (long long)json_integer_value(json_object_get(v, "chain_id")));
        print_int(json_object_get(v, "head"), 8);
        printf(" ");
        print_int(json_object_get(v, "staked"), 7);
        if (json_is_integer(ck))
            printf(" %-10lld", (long long)json_integer_value(ck));
        else
            printf(" %-10s", "none yet");
        printf("  %s", json_string_value(json_object_get(v, "url")));
        const char *tron = json_string_value(json_object_get(v, "tron_api"));
        if (tron)
            printf(" (TRON API %s)", tron);
        printf("%s\n", json_is_true(json_object_get(v, "external")) ? " (external)" : "");
    }
    printf("\nDEVELOPMENT KEYS (public anvil/hardhat test keys: never use them on a real "
           "network;\nfunded on every basechain and on Bttc; * = validator signer):\n");
    json_array_foreach(json_object_get(st, "dev_keys"), i, v)
    {
        if (i >= 4 && i >= d->n_val)
            break;
        printf("%c %s %s\n", json_is_true(json_object_get(v, "validator")) ? '*' : ' ',
               json_string_value(json_object_get(v, "address")),
               json_string_value(json_object_get(v, "private_key")));
    }
    printf("(all keys: bttcd devnet status --json; Delivery heights, pending state syncs: not "
           "yet, see docs/devnet.md)\n");
    fflush(stdout);
}
