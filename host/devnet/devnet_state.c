/* DIR/devnet.json: what a restart needs to resume the same network (ports chosen at the first
 * start, basechain URLs and chain ids, contract addresses, validators), plus small file and
 * port helpers. */
#include "devnet_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bts/hex.h>

const char *const dn_chain_names[DN_N_CHAINS] = {"tron", "bsc", "eth"};
const char *const dn_contract_names[DN_N_CONTRACTS] = {
    "TestToken",     "Registry",  "StakingInfo", "StakingNFT",     "ValidatorShareFactory",
    "StakeManager",  "RootChain", "StateSender", "DepositManager", "WithdrawManager",
    "ERC20Predicate"};

void dn_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    (void)n;
}

void dn_path(const struct devnet *d, char *out, size_t cap, const char *a, const char *b)
{
    dn_fmt(out, cap, "%s/%s%s%s", d->dir, a, b ? "/" : "", b ? b : "");
}

int dn_mkdir(const char *path)
{
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

int dn_write_file(const char *path, const char *text, int is_secret, char *err, size_t err_cap)
{
    char tmp[4200];
    dn_fmt(tmp, sizeof(tmp), "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, is_secret ? 0600 : 0644);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
        dn_fmt(err, err_cap, "%s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        dn_fmt(err, err_cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

void dn_addr_hex(char out[43], const uint8_t addr[20])
{
    size_t n;
    if (bts_hex_encode(out, 43, &n, addr, 20, BTS_HEX_0X) != BT_OK)
        out[0] = '\0';
}

void dn_tron_hex(char out[43], const uint8_t addr[20])
{
    size_t n;
    out[0] = '4';
    out[1] = '1';
    if (bts_hex_encode(out + 2, 41, &n, addr, 20, 0) != BT_OK)
        out[0] = '\0';
}

int dn_free_port(const int *used, size_t n_used)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return 0;
        struct sockaddr_in a;
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t al = sizeof(a);
        int port = 0;
        if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
            getsockname(fd, (struct sockaddr *)&a, &al) == 0)
            port = ntohs(a.sin_port);
        close(fd);
        int is_used = port == 0;
        for (size_t i = 0; i < n_used && !is_used; i++)
            is_used = used[i] == port;
        if (!is_used)
            return port;
    }
    return 0;
}

static json_t *addr_json(const uint8_t a[20])
{
    char h[43];
    dn_addr_hex(h, a);
    return json_string(h);
}

bt_status dn_state_save(const struct devnet *d, char *err, size_t err_cap)
{
    json_t *root = json_object(), *bases = json_object(), *vals = json_array();
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "bttc_chain_id", json_integer(DN_BTTC_CHAIN_ID));
    json_object_set_new(root, "validators", json_integer(d->n_val));
    json_object_set_new(root, "delivery", json_boolean(!d->is_delivery_off));
    for (int c = 0; c < DN_N_CHAINS; c++) {
        const struct dn_base *b = &d->base[c];
        if (!b->is_enabled)
            continue;
        json_t *o = json_pack("{s:s,s:b,s:I,s:i,s:b}", "url", b->url, "external", b->is_external,
                              "chain_id", (json_int_t)b->chain_id, "http_port", b->http_port,
                              "deployed", b->is_deployed);
        if (c == DN_TRON)
            json_object_set_new(o, "tron_api_port", json_integer(b->tron_api_port));
        if (b->is_deployed) {
            json_t *cs = json_object();
            for (int k = 0; k < DN_N_CONTRACTS; k++)
                json_object_set_new(cs, dn_contract_names[k], addr_json(b->addr[k]));
            json_object_set_new(o, "contracts", cs);
        }
        if (b->is_mapped) /* the bridge's child side on Bttc (devnet_child.c) */
            json_object_set_new(o, "bttc",
                                json_pack("{s:o,s:o}", "ChildChain", addr_json(b->child_chain),
                                          "ChildToken", addr_json(b->child_token)));
        json_object_set_new(bases, dn_chain_names[c], o);
    }
    json_object_set_new(root, "basechains", bases);
    for (uint32_t i = 0; i < d->n_val; i++) {
        const struct dn_val *v = &d->val[i];
        json_array_append_new(vals, json_pack("{s:s,s:i,s:i,s:i,s:i,s:s}", "address", v->addr_hex,
                                              "http_port", v->http_port, "ws_port", v->ws_port,
                                              "p2p_port", v->p2p_port, "rest_port", v->rest_port,
                                              "enode", v->enode));
    }
    json_object_set_new(root, "nodes", vals);
    json_object_set_new(root, "status_port", json_integer(d->status_port));
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    if (!text)
        return BT_ENOMEM;
    char path[4200];
    dn_path(d, path, sizeof(path), DN_STATE_FILE, NULL);
    size_t n = strlen(text);
    char *t2 = realloc(text, n + 2);
    if (!t2) {
        free(text);
        return BT_ENOMEM;
    }
    t2[n] = '\n';
    t2[n + 1] = '\0';
    int rc = dn_write_file(path, t2, 0, err, err_cap);
    free(t2);
    return rc == 0 ? BT_OK : BT_EIO;
}

static int get_addr(const json_t *o, const char *key, uint8_t out[20])
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && bts_hex_parse_address(out, s, strlen(s)) == BT_OK ? 0 : -1;
}

bt_status dn_state_load(struct devnet *d, char *err, size_t err_cap)
{
    char path[4200];
    dn_path(d, path, sizeof(path), DN_STATE_FILE, NULL);
    if (access(path, F_OK) != 0)
        return BT_ENOTFOUND;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        dn_fmt(err, err_cap, "%s:%d: %s", path, je.line, je.text);
        return BT_EINVAL;
    }
    bt_status st = BT_OK;
    json_int_t n_val = json_integer_value(json_object_get(root, "validators"));
    const json_t *bases = json_object_get(root, "basechains"),
                 *nodes = json_object_get(root, "nodes");
    if (n_val < 1 || n_val > DN_MAX_VALIDATORS || !json_is_object(bases) || !json_is_array(nodes) ||
        json_array_size(nodes) != (size_t)n_val) {
        dn_fmt(err, err_cap, "%s: not a devnet state file (validators, basechains, nodes)", path);
        st = BT_EINVAL;
    }
    if (st == BT_OK)
        d->n_val = (uint32_t)n_val;
    /* absent (a devnet made before Delivery): on, as a new network */
    d->is_delivery_off = json_is_false(json_object_get(root, "delivery"));
    d->status_port = (int)json_integer_value(json_object_get(root, "status_port"));
    for (int c = 0; st == BT_OK && c < DN_N_CHAINS; c++) {
        struct dn_base *b = &d->base[c];
        const json_t *o = json_object_get(bases, dn_chain_names[c]);
        memset(b, 0, sizeof(*b));
        if (!o)
            continue;
        const char *url = json_string_value(json_object_get(o, "url"));
        b->is_enabled = 1;
        b->is_external = json_is_true(json_object_get(o, "external"));
        b->chain_id = (uint64_t)json_integer_value(json_object_get(o, "chain_id"));
        b->http_port = (int)json_integer_value(json_object_get(o, "http_port"));
        b->tron_api_port = (int)json_integer_value(json_object_get(o, "tron_api_port"));
        b->is_deployed = json_is_true(json_object_get(o, "deployed"));
        dn_fmt(b->url, sizeof(b->url), "%s", url ? url : "");
        const json_t *cs = json_object_get(o, "contracts");
        for (int k = 0; b->is_deployed && k < DN_N_CONTRACTS; k++)
            if (get_addr(cs, dn_contract_names[k], b->addr[k]) != 0) {
                dn_fmt(err, err_cap, "%s: %s: contract %s missing", path, dn_chain_names[c],
                       dn_contract_names[k]);
                st = BT_EINVAL;
                break;
            }
        /* absent (a devnet made before the token mapping): mapped at this start */
        const json_t *bt = json_object_get(o, "bttc");
        b->is_mapped = bt && get_addr(bt, "ChildChain", b->child_chain) == 0 &&
                       get_addr(bt, "ChildToken", b->child_token) == 0;
        if (st == BT_OK && !url) {
            dn_fmt(err, err_cap, "%s: %s: no url", path, dn_chain_names[c]);
            st = BT_EINVAL;
        }
    }
    for (uint32_t i = 0; st == BT_OK && i < d->n_val; i++) {
        struct dn_val *v = &d->val[i];
        const json_t *o = json_array_get(nodes, i);
        v->http_port = (int)json_integer_value(json_object_get(o, "http_port"));
        v->ws_port = (int)json_integer_value(json_object_get(o, "ws_port"));
        v->p2p_port = (int)json_integer_value(json_object_get(o, "p2p_port"));
        /* absent in a devnet made before Delivery: the start picks one */
        v->rest_port = (int)json_integer_value(json_object_get(o, "rest_port"));
        if (get_addr(o, "address", v->addr) != 0 || !v->http_port || !v->ws_port || !v->p2p_port) {
            dn_fmt(err, err_cap, "%s: validator %u: address or ports missing", path, i);
            st = BT_EINVAL;
            break;
        }
        bts_hex_format_eip55(v->addr_hex, v->addr);
        const char *en = json_string_value(json_object_get(o, "enode"));
        dn_fmt(v->enode, sizeof(v->enode), "%s", en ? en : "");
    }
    json_decref(root);
    return st;
}
