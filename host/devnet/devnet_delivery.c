/* Delivery in the devnet's validators (consensus-bttc `delivery = on`): the Delivery genesis
 * (plugins/consensus-bttc/delivery/dlv_genesis.c shape) written from what the basechains hold
 * after staking, and the Delivery facts of `devnet status` (heights over JSON-RPC `dlv_status`,
 * spans, checkpoints and event records over each validator's REST server, §4.9).
 *
 * Delivery needs TRON: it is the staking chain (PROTOCOL.md §4.3), so without a tron basechain
 * (or with --no-delivery) the validators run without Delivery and take their spans from
 * DIR/spans.json. */
#include "devnet_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/hex.h>
#include <bts/secp.h>
#include <bts/solabi.h>

#include "genesis_int.h"

#define STATUS_TIMEOUT_MS 800
/* Dev params (PROTOCOL.md §2 has mainnet's): a checkpoint every minute or so of short ranges,
 * few confirmations, spans as long as the Bttc genesis span and the span file's. */
#define DLV_CHECKPOINT_BUFFER_S 60
#define DLV_STAKING_BUFFER_S    60
#define DLV_AVG_CHECKPOINT_LEN  16
#define DLV_MAX_CHECKPOINT_LEN  256
#define DLV_BTTC_CONFIRMATIONS  2
/* RootChain's MAX_DEPOSITS: header block numbers step by it (contracts/src/root/RootChain.sol). */
#define DLV_CHILD_BLOCK_INTERVAL 10000
/* Records counted for the pending state syncs: 50 a page (the server's cap), at most this many
 * pages; a devnet with more says so instead of a wrong count. */
#define RECORD_PAGES 40

int dn_has_delivery(const struct devnet *d)
{
    return d->base[DN_TRON].is_enabled && !d->is_delivery_off;
}

const char *dn_delivery_off_reason(const struct devnet *d)
{
    return dn_has_delivery(d)   ? ""
           : d->is_delivery_off ? "Delivery is off (--no-delivery)"
                                : "Delivery is off (no tron basechain)";
}

void dn_missing(json_t *o, const char *field, const char *why)
{
    json_t *m = json_object_get(o, "missing");
    if (!m) {
        m = json_object();
        json_object_set_new(o, "missing", m);
    }
    json_object_set_new(m, field, json_string(why));
}

/* eth_call of a view taking one uint256/address word, returning uint256 words: word `k`. */
static bt_status call_word(const char *url, const uint8_t to[20], const char *sig,
                           const uint8_t arg[32], size_t k, uint64_t *out, char *err,
                           size_t err_cap)
{
    uint8_t data[36], *res = NULL;
    size_t n = 0;
    bt_status st = bts_solabi_selector(data, sig);
    memcpy(data + 4, arg, 32);
    if (st == BT_OK)
        st = dn_rpc_call(url, to, data, sizeof(data), &res, &n, err, err_cap);
    if (st == BT_OK && (n < 32 * (k + 1) || bts_solabi_word_to_u64(out, res + 32 * k) != BT_OK)) {
        dn_fmt(err, err_cap, "%s: %zu bytes", sig, n);
        st = BT_EPROTO;
    }
    free(res);
    return st;
}

static void word_u64(uint8_t w[32], uint64_t v)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(v >> (8 * i));
}

bt_status dn_read_stakes(const struct devnet *d, struct dn_stake *out, char *err, size_t err_cap)
{
    const struct dn_base *t = &d->base[DN_TRON];
    bt_status st = BT_OK;
    for (uint32_t i = 0; st == BT_OK && i < d->n_val; i++) {
        uint8_t w[32];
        struct dn_stake *k = &out[i];
        memset(w, 0, 32);
        memcpy(w + 12, d->val[i].addr, 20);
        st = call_word(t->url, t->addr[DN_C_STAKE_MANAGER], "signerToValidator(address)", w, 0,
                       &k->id, err, err_cap);
        if (st == BT_OK && k->id == 0) {
            dn_fmt(err, err_cap, "%s is not staked on tron", d->val[i].addr_hex);
            st = BT_EPROTO;
        }
        word_u64(w, k->id);
        if (st == BT_OK)
            st = call_word(t->url, t->addr[DN_C_STAKE_MANAGER], "validators(uint256)", w, 2,
                           &k->epoch, err, err_cap);
        if (st == BT_OK)
            st = call_word(t->url, t->addr[DN_C_STAKING_INFO], "validatorNonce(uint256)", w, 0,
                           &k->nonce, err, err_cap);
    }
    return st;
}

/* One validator as the Staked event carried it. */
static json_t *validator_json(const struct devnet *d, uint32_t i, const struct dn_stake *k)
{
    uint8_t key[32], pub[65];
    bt_status st = genesis_dev_key(key, i);
    if (st == BT_OK)
        st = bts_secp_seckey_to_pubkey(pub, key);
    explicit_bzero(key, sizeof(key));
    char ph[2 * 65 + 3], sh[43];
    size_t n;
    if (st != BT_OK || bts_hex_encode(ph, sizeof(ph), &n, pub, 65, BTS_HEX_0X) != BT_OK)
        return NULL;
    dn_addr_hex(sh, d->val[i].addr);
    /* Power 1: BTTC ignores the stake amount (PROTOCOL.md §4.3.2, join sets power 1). */
    return json_pack("{s:I,s:I,s:i,s:I,s:i,s:s,s:s,s:s,s:b}", "ID", (json_int_t)k->id, "startEpoch",
                     (json_int_t)k->epoch, "endEpoch", 0, "nonce", (json_int_t)k->nonce, "power", 1,
                     "pubKey", ph, "signer", sh, "last_updated", "", "jailed", 0);
}

/* "roots": per enabled basechain the four addresses the application and the bridge use
 * (20-byte 0x-hex; TRON's in EVM form, without 0x41). */
static json_t *roots_json(const struct devnet *d)
{
    json_t *roots = json_object();
    for (int c = 0; c < DN_N_CHAINS; c++) {
        const struct dn_base *b = &d->base[c];
        if (!b->is_enabled)
            continue;
        char a[4][43];
        dn_addr_hex(a[0], b->addr[DN_C_STAKING_INFO]);
        dn_addr_hex(a[1], b->addr[DN_C_STATE_SENDER]);
        dn_addr_hex(a[2], b->addr[DN_C_ROOT_CHAIN]);
        dn_addr_hex(a[3], b->addr[DN_C_STAKE_MANAGER]);
        json_object_set_new(roots, dn_chain_names[c],
                            json_pack("{s:i,s:s,s:s,s:s,s:s}", "activation_height", 0,
                                      "staking_info", a[0], "state_sender", a[1], "root_chain",
                                      a[2], "stake_manager", a[3]));
    }
    return roots;
}

char *dn_dlv_genesis_text(const struct devnet *d, const struct dn_stake *stakes)
{
    json_t *vals = json_array();
    /* A dividend account (fee 0) per validator, as upstream's generated genesis has: the
     * checkpoint's account root hashes them, and an empty list has no root (no checkpoint). */
    json_t *accs = json_array();
    for (uint32_t i = 0; vals && accs && i < d->n_val; i++) {
        json_t *v = validator_json(d, i, &stakes[i]);
        json_t *a = json_pack("{s:s,s:s}", "user", d->val[i].addr_hex, "feeAmount", "0");
        /* json_array_append_new takes the value also when it fails */
        int bad = !v || !a;
        if (bad) {
            json_decref(v);
            json_decref(a);
        }
        if (bad || json_array_append_new(vals, v) != 0 || json_array_append_new(accs, a) != 0) {
            json_decref(vals);
            json_decref(accs);
            return NULL;
        }
    }
    if (!vals || !accs) {
        json_decref(vals);
        json_decref(accs);
        return NULL;
    }
    char chain[32];
    dn_fmt(chain, sizeof(chain), "delivery-%d", DN_BTTC_CHAIN_ID);
    json_t *params =
        json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:o}", "bor_chain_id", "1337",
                  "span_duration", DN_DLV_SPAN_LEN, "sprint_duration", DN_SPRINT, "producer_count",
                  (int)(d->n_val > DN_PRODUCER_COUNT ? d->n_val : DN_PRODUCER_COUNT),
                  "checkpoint_buffer_time", DLV_CHECKPOINT_BUFFER_S, "avg_checkpoint_length",
                  DLV_AVG_CHECKPOINT_LEN, "max_checkpoint_length", DLV_MAX_CHECKPOINT_LEN,
                  "child_block_interval", DLV_CHILD_BLOCK_INTERVAL, "bttc_confirmations",
                  DLV_BTTC_CONFIRMATIONS, "staking_buffer_time", DLV_STAKING_BUFFER_S, "roots",
                  roots_json(d));
    /* Span 0 is the Bttc genesis span (bttc-genesis.json, spans.json's first). */
    json_t *g = json_pack("{s:s,s:o,s:o,s:{s:i,s:i,s:i},s:o}", "chain_id", chain, "params", params,
                          "validators", vals, "span", "span_id", 0, "start_block", 0, "end_block",
                          DN_SPAN_LEN - 1, "dividend_accounts", accs);
    char *text = g ? json_dumps(g, JSON_INDENT(1)) : NULL;
    json_decref(g);
    return text;
}

bt_status dn_write_dlv_genesis(const struct devnet *d, char *err, size_t err_cap)
{
    char path[4200];
    dn_path(d, path, sizeof(path), DN_DLV_GENESIS, NULL);
    if (!dn_has_delivery(d) || access(path, F_OK) == 0)
        return BT_OK;
    struct dn_stake stakes[DN_MAX_VALIDATORS];
    bt_status st = dn_read_stakes(d, stakes, err, err_cap);
    if (st != BT_OK)
        return st;
    char *text = dn_dlv_genesis_text(d, stakes);
    int rc = text ? dn_write_file(path, text, 0, err, err_cap) : -1;
    if (!text)
        dn_fmt(err, err_cap, "%s: out of memory", path);
    free(text);
    return rc == 0 ? BT_OK : text ? BT_EIO : BT_ENOMEM;
}

/* --- status ----------------------------------------------------------------------------------- */

void dn_dlv_validator_status(const struct devnet *d, uint32_t i, json_t *v)
{
    char url[64], e[256];
    if (!dn_has_delivery(d)) {
        json_object_set_new(v, "rest", json_null());
        json_object_set_new(v, "delivery_height", json_null());
        dn_missing(v, "delivery_height", dn_delivery_off_reason(d));
        return;
    }
    dn_fmt(url, sizeof(url), "http://127.0.0.1:%d", d->val[i].rest_port);
    json_object_set_new(v, "rest", json_string(url));
    json_t *res = NULL, *h = NULL;
    if (!json_is_true(json_object_get(v, "running")))
        dn_fmt(e, sizeof(e), "validator down");
    else if (!json_is_integer(json_object_get(v, "head")))
        dn_fmt(e, sizeof(e), "validator does not answer");
    else if (dn_rpc(json_string_value(json_object_get(v, "http")), "dlv_status", NULL, &res,
                    STATUS_TIMEOUT_MS, e, sizeof(e)) == BT_OK &&
             !json_is_integer(h = json_object_get(res, "height")))
        dn_fmt(e, sizeof(e), "dlv_status: no height");
    json_object_set_new(v, "delivery_height", json_is_integer(h) ? json_incref(h) : json_null());
    if (!json_is_integer(h))
        dn_missing(v, "delivery_height", e);
    json_decref(res);
}

/* GET base+path; the "result" of upstream's {"height","result"} envelope (new reference). */
static json_t *rest_result(const char *base, const char *path, char *err, size_t err_cap)
{
    char url[256];
    dn_fmt(url, sizeof(url), "%s%s", base, path);
    json_t *j = NULL, *r = NULL;
    long code = 0;
    if (dn_http_get(url, STATUS_TIMEOUT_MS, &j, &code, err, err_cap) != BT_OK)
        return NULL;
    if (code == 200 && (r = json_object_get(j, "result")) != NULL)
        json_incref(r);
    else
        dn_fmt(err, err_cap, "%s: HTTP %ld%s", path, code, code == 200 ? " without result" : "");
    json_decref(j);
    return r;
}

static json_t *latest_span(const char *rest, char *err, size_t err_cap)
{
    json_t *r = rest_result(rest, "/bor/latest-span", err, err_cap);
    if (!r)
        return NULL;
    json_t *prods = json_array(), *p;
    size_t k;
    json_array_foreach(json_object_get(r, "selected_producers"), k, p)
        json_array_append(prods, json_object_get(p, "signer"));
    json_t *o = json_pack("{s:O?,s:O?,s:O?,s:o}", "id", json_object_get(r, "span_id"),
                          "start_block", json_object_get(r, "start_block"), "end_block",
                          json_object_get(r, "end_block"), "producers", prods);
    json_decref(r);
    return o;
}

/* Event records in Delivery per root chain (counted over the list pages); -1: unknown. */
static int count_records(const char *rest, long out[DN_N_CHAINS], char *err, size_t err_cap)
{
    memset(out, 0, sizeof(long) * DN_N_CHAINS);
    for (int page = 1; page <= RECORD_PAGES; page++) {
        char path[64];
        dn_fmt(path, sizeof(path), "/clerk/event-record/list?page=%d&limit=50", page);
        json_t *r = rest_result(rest, path, err, err_cap), *rec;
        size_t k;
        if (!json_is_array(r)) {
            json_decref(r);
            return -1;
        }
        json_array_foreach(r, k, rec)
        {
            const char *t = json_string_value(json_object_get(rec, "root_chain_type"));
            for (int c = 0; t && c < DN_N_CHAINS; c++)
                if (strcmp(t, dn_chain_names[c]) == 0)
                    out[c]++;
        }
        size_t n = json_array_size(r);
        json_decref(r);
        if (n < 50)
            return 0;
    }
    dn_fmt(err, err_cap, "more than %d records: not counted", RECORD_PAGES * 50);
    return -1;
}

/* Per basechain object: Delivery's checkpoint count and the state syncs still to come. `why`:
 * the reason of the facts left null (no REST, or the records not counted). */
static void base_facts(json_t *b, const char *rest, const long recs[DN_N_CHAINS], int has_recs,
                       const char *why)
{
    const char *name = json_string_value(json_object_get(b, "name"));
    char path[64], e[256];
    dn_fmt(e, sizeof(e), "%s", why);
    json_t *r = NULL;
    if (rest) {
        dn_fmt(path, sizeof(path), "/checkpoints/count/%s", name);
        r = rest_result(rest, path, e, sizeof(e));
    }
    json_t *n = json_object_get(r, "result");
    json_object_set_new(b, "delivery_checkpoints",
                        json_is_integer(n) ? json_incref(n) : json_null());
    if (!json_is_integer(n))
        dn_missing(b, "delivery_checkpoints", e);
    json_decref(r);
    json_t *ss = json_object_get(b, "state_syncs");
    int c = 0;
    while (c < DN_N_CHAINS && strcmp(name, dn_chain_names[c]) != 0)
        c++;
    if (!ss || c == DN_N_CHAINS)
        return;
    json_t *sent = json_object_get(ss, "sent");
    json_object_set_new(ss, "in_delivery", has_recs ? json_integer(recs[c]) : json_null());
    if (!has_recs)
        dn_missing(ss, "in_delivery", why);
    if (has_recs && json_is_integer(sent))
        json_object_set_new(ss, "pending", json_integer(json_integer_value(sent) - recs[c]));
    else {
        json_object_set_new(ss, "pending", json_null());
        const char *sw = json_string_value(json_object_get(json_object_get(ss, "missing"), "sent"));
        dn_missing(ss, "pending", !has_recs ? why : sw ? sw : "StateSender.counter() unknown");
    }
}

void dn_dlv_status(const struct devnet *d, json_t *root)
{
    json_t *o = json_object(), *v;
    json_object_set_new(root, "delivery", o);
    json_object_set_new(o, "enabled", json_boolean(dn_has_delivery(d)));
    const char *rest = NULL, *seen = NULL;
    size_t i;
    json_array_foreach(json_object_get(root, "validators"), i,
                       v) if (json_is_integer(json_object_get(v, "delivery_height")))
    {
        rest = json_string_value(json_object_get(v, "rest"));
        seen = json_string_value(json_object_get(v, "name"));
        break;
    }
    char e[256] = "no validator's Delivery answers", re[256] = "";
    json_t *span = NULL;
    if (!dn_has_delivery(d))
        dn_fmt(e, sizeof(e), "%s", dn_delivery_off_reason(d));
    if (rest)
        span = latest_span(rest, e, sizeof(e));
    json_object_set_new(o, "latest_span", span ? span : json_null());
    if (!span)
        dn_missing(o, "latest_span", e);
    json_object_set_new(o, "seen_by", seen ? json_string(seen) : json_null());
    long recs[DN_N_CHAINS];
    int has_recs = rest && count_records(rest, recs, re, sizeof(re)) == 0;
    if (!rest)
        dn_fmt(re, sizeof(re), "%s", dn_has_delivery(d) ? "no validator's Delivery answers" : e);
    json_t *b;
    json_array_foreach(json_object_get(root, "basechains"), i, b)
        base_facts(b, rest, recs, has_recs, re);
}
