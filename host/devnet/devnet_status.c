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

/* v[field] = the result of a JSON-RPC call on a validator that answered, else null and why. */
static void rpc_field(json_t *v, const char *field, const char *url, const char *method,
                      json_t *params, const char *key, const char *why_not)
{
    json_t *res = NULL;
    char e[256];
    const json_t *val = NULL;
    if (why_not)
        dn_fmt(e, sizeof(e), "%s", why_not);
    else if (dn_rpc(url, method, params, &res, RPC_TIMEOUT_MS, e, sizeof(e)) == BT_OK &&
             !(val = key ? json_object_get(res, key) : res))
        dn_fmt(e, sizeof(e), "%s: no %s in the answer", method, key);
    if (why_not)
        json_decref(params);
    json_object_set_new(v, field, val && !json_is_null(val) ? json_deep_copy(val) : json_null());
    if (!val || json_is_null(val))
        dn_missing(v, field, e);
    json_decref(res);
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
    /* Every field is there for every validator: null (and "missing" says why) when unknown. */
    json_t *head = pid ? u64_or_null(url, "eth_blockNumber") : json_null();
    json_object_set_new(o, "head", head);
    if (!json_is_integer(head))
        dn_missing(o, "head", pid ? "eth_blockNumber: no answer" : "validator down");
    const char *why = !pid ? "validator down" : json_is_integer(head) ? NULL : "no answer";
    json_t *peers = why ? json_null() : u64_or_null(url, "net_peerCount");
    json_object_set_new(o, "peers", peers);
    if (!json_is_integer(peers))
        dn_missing(o, "peers", why ? why : "net_peerCount: no answer");
    rpc_field(o, "hash", url, "eth_getBlockByNumber", json_pack("[s,b]", "latest", 0), "hash", why);
    rpc_field(o, "proposer", url, "bor_getCurrentProposer", NULL, NULL, why);
    json_object_set_new(o, "health", json_string(!pid ? "down" : why ? "no answer" : "ok"));
    dn_dlv_validator_status(d, i, o);
    return o;
}

/* o[field] = word 0 of a view of the basechain, or null and why. */
static void view_field(json_t *o, const char *field, const char *url, const uint8_t to[20],
                       const char *sig, const char *why_not)
{
    json_t *v = why_not ? json_null() : call_word(url, to, sig, 0);
    json_object_set_new(o, field, v);
    if (json_is_null(v))
        dn_missing(o, field, why_not ? why_not : sig);
}

static json_t *base_json(const struct devnet *d, enum dn_chain c)
{
    const struct dn_base *b = &d->base[c];
    pid_t pid = b->is_external ? 0 : dn_pid_alive(d, dn_chain_names[c]);
    int is_running = b->is_external || pid != 0;
    json_t *o =
        json_pack("{s:s,s:s,s:I,s:b,s:b}", "name", dn_chain_names[c], "url", b->url, "chain_id",
                  (json_int_t)b->chain_id, "external", b->is_external, "running", is_running);
    if (c == DN_TRON) {
        char t[64];
        dn_fmt(t, sizeof(t), "http://127.0.0.1:%d", b->tron_api_port);
        json_object_set_new(o, "tron_api", json_string(t));
    }
    json_t *head = is_running ? u64_or_null(b->url, "eth_blockNumber") : json_null();
    json_object_set_new(o, "head", head);
    const char *why = !is_running              ? "basechain down"
                      : !json_is_integer(head) ? "basechain does not answer"
                      : !b->is_deployed        ? "contracts not deployed yet"
                                               : NULL;
    json_object_set_new(o, "health",
                        json_string(!is_running             ? "down"
                                    : json_is_integer(head) ? "ok"
                                                            : "no answer"));
    if (!json_is_integer(head))
        dn_missing(o, "head", why);
    if (b->is_deployed) {
        json_t *cs = json_object();
        for (int k = 0; k < DN_N_CONTRACTS; k++) {
            char h[43];
            (c == DN_TRON ? dn_tron_hex : dn_addr_hex)(h, b->addr[k]);
            json_object_set_new(cs, dn_contract_names[k], json_string(h));
        }
        json_object_set_new(o, "contracts", cs);
    }
    if (b->is_mapped) {
        char cc[43], ct[43];
        dn_addr_hex(cc, b->child_chain);
        dn_addr_hex(ct, b->child_token);
        json_object_set_new(o, "bttc", json_pack("{s:s,s:s}", "ChildChain", cc, "ChildToken", ct));
    }
    const uint8_t *sm = b->addr[DN_C_STAKE_MANAGER], *rc = b->addr[DN_C_ROOT_CHAIN];
    view_field(o, "staked", b->url, sm, "currentValidatorSetSize()", why);
    /* RootChain.currentHeaderBlock(): 0 until the first checkpoint lands (shown as null). */
    view_field(o, "last_checkpoint", b->url, rc, "currentHeaderBlock()", why);
    json_t *ck = json_object_get(o, "last_checkpoint");
    if (json_is_integer(ck) && json_integer_value(ck) == 0) {
        json_object_set_new(o, "last_checkpoint", json_null());
        dn_missing(o, "last_checkpoint", "none yet (RootChain.currentHeaderBlock() is 0)");
    }
    view_field(o, "last_child_block", b->url, rc, "getLastChildBlock()", why);
    json_t *ss = json_object();
    json_object_set_new(o, "state_syncs", ss);
    view_field(ss, "sent", b->url, b->addr[DN_C_STATE_SENDER], "counter()", why);
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
    dn_dlv_status(d, root);
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

/* A basechain fact: the number, "down" when the basechain is down, else "-". */
static void print_base_int(const json_t *b, const json_t *v, int width)
{
    const char *health = json_string_value(json_object_get(b, "health"));
    if (!json_is_integer(v) && health && strcmp(health, "down") == 0)
        printf("%*s", width, "down");
    else
        print_int(v, width);
}

static void print_producers(const json_t *prods)
{
    const json_t *p;
    size_t k;
    json_array_foreach(prods, k, p)
    {
        const char *s = json_is_string(p) ? json_string_value(p)
                                          : json_string_value(json_object_get(p, "signer"));
        printf(" %.10s", s ? s : "?");
    }
    if (!json_array_size(prods))
        printf(" -");
}

static void print_validators(const json_t *st)
{
    printf("%-4s %-42s %-9s %8s %-12s %5s %8s  %-22s %-22s %s\n", "node", "signer", "health",
           "head", "hash", "peers", "delivery", "json-rpc", "ws", "delivery rest");
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(st, "validators"), i, v)
    {
        const char *hash = json_string_value(json_object_get(v, "hash"));
        const char *rest = json_string_value(json_object_get(v, "rest"));
        char h[16] = "-";
        if (hash && strlen(hash) > 10)
            dn_fmt(h, sizeof(h), "%.10s..", hash);
        printf("%-4s %-42s %-9s ", json_string_value(json_object_get(v, "name")),
               json_string_value(json_object_get(v, "address")),
               json_string_value(json_object_get(v, "health")));
        print_int(json_object_get(v, "head"), 8);
        printf(" %-12s ", h);
        print_int(json_object_get(v, "peers"), 5);
        printf(" ");
        print_int(json_object_get(v, "delivery_height"), 8);
        printf("  %-22s %-22s %s\n", json_string_value(json_object_get(v, "http")),
               json_string_value(json_object_get(v, "ws")), rest ? rest : "-");
    }
}

static void print_spans(const json_t *st)
{
    const json_t *span = json_object_get(st, "span");
    printf("\nBttc span ");
    print_int(json_object_get(span, "id"), 0);
    printf(" (blocks ");
    print_int(json_object_get(span, "start_block"), 0);
    printf("-");
    print_int(json_object_get(span, "end_block"), 0);
    printf("), producers:");
    print_producers(json_object_get(span, "producers"));
    const json_t *dlv = json_object_get(st, "delivery");
    const json_t *ls = json_object_get(dlv, "latest_span");
    printf("\nDelivery ");
    if (json_is_object(ls)) {
        printf("latest span ");
        print_int(json_object_get(ls, "id"), 0);
        printf(" (blocks ");
        print_int(json_object_get(ls, "start_block"), 0);
        printf("-");
        print_int(json_object_get(ls, "end_block"), 0);
        printf("), producers:");
        print_producers(json_object_get(ls, "producers"));
        printf("\n");
    } else {
        const char *why =
            json_string_value(json_object_get(json_object_get(dlv, "missing"), "latest_span"));
        printf("span: - (%s)\n", why ? why : "unknown");
    }
}

static void print_bases(const json_t *st)
{
    printf("\n%-5s %-11s %-9s %8s %6s %10s %11s %6s %9s  %s\n", "base", "chain id", "health",
           "head", "staked", "checkpoint", "child block", "acked", "syncs", "endpoint");
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(st, "basechains"), i, v)
    {
        const json_t *ck = json_object_get(v, "last_checkpoint");
        const json_t *ss = json_object_get(v, "state_syncs");
        const char *why =
            json_string_value(json_object_get(json_object_get(v, "missing"), "last_checkpoint"));
        printf("%-5s %-11lld %-9s ", json_string_value(json_object_get(v, "name")),
               (long long)json_integer_value(json_object_get(v, "chain_id")),
               json_string_value(json_object_get(v, "health")));
        print_base_int(v, json_object_get(v, "head"), 8);
        printf(" ");
        print_base_int(v, json_object_get(v, "staked"), 6);
        printf(" ");
        if (!json_is_integer(ck) && why && strncmp(why, "none yet", 8) == 0)
            printf("%10s", "none yet");
        else
            print_base_int(v, ck, 10);
        printf(" ");
        print_base_int(v, json_object_get(v, "last_child_block"), 11);
        printf(" ");
        print_int(json_object_get(v, "delivery_checkpoints"), 6);
        /* state syncs: sent on the basechain / still pending in Delivery */
        char sy[32];
        const json_t *sent = json_object_get(ss, "sent"), *pend = json_object_get(ss, "pending");
        if (json_is_integer(sent) && json_is_integer(pend))
            dn_fmt(sy, sizeof(sy), "%lld/%lld", (long long)json_integer_value(sent),
                   (long long)json_integer_value(pend));
        else if (json_is_integer(sent))
            dn_fmt(sy, sizeof(sy), "%lld/-", (long long)json_integer_value(sent));
        else
            dn_fmt(sy, sizeof(sy), "%s",
                   strcmp(json_string_value(json_object_get(v, "health")), "down") == 0 ? "down"
                                                                                        : "-");
        printf(" %9s  %s", sy, json_string_value(json_object_get(v, "url")));
        const char *tron = json_string_value(json_object_get(v, "tron_api"));
        if (tron)
            printf(" (TRON API %s)", tron);
        printf("%s\n", json_is_true(json_object_get(v, "external")) ? " (external)" : "");
    }
    printf("(checkpoint: RootChain.currentHeaderBlock(); child block: getLastChildBlock(); acked: "
           "checkpoints in Delivery;\n syncs: StateSender.counter() / not yet in Delivery; "
           "\"-\": unknown, see --json \"missing\")\n");
}

void dn_status_print(const struct devnet *d, json_t *st, int is_tty)
{
    if (is_tty)
        printf("\033[H\033[2J");
    const json_t *sup = json_object_get(st, "supervisor");
    printf("bttcd devnet  %s  (%u validators, Bttc chain id %d, Delivery %s)%s\n\n", d->dir,
           d->n_val, DN_BTTC_CHAIN_ID, dn_has_delivery(d) ? "on" : "off",
           json_is_integer(sup) ? "" : "  [supervisor not running]");
    if (json_is_string(json_object_get(st, "status_page")))
        printf("status page %s (served by v0)\n\n",
               json_string_value(json_object_get(st, "status_page")));
    print_validators(st);
    print_spans(st);
    print_bases(st);
    printf("\nDEVELOPMENT KEYS (public anvil/hardhat test keys: never use them on a real "
           "network;\nfunded on every basechain and on Bttc; * = validator signer):\n");
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(st, "dev_keys"), i, v)
    {
        if (i >= 4 && i >= d->n_val)
            break;
        printf("%c %s %s\n", json_is_true(json_object_get(v, "validator")) ? '*' : ' ',
               json_string_value(json_object_get(v, "address")),
               json_string_value(json_object_get(v, "private_key")));
    }
    printf("(all keys: bttcd devnet status --json)\n");
    fflush(stdout);
}
