/* Request parsing of the dev TRON API: parameters from a POST body or a query string, and
 * transactions from java-tron's JSON form (Util.packTransaction: raw_data rebuilt from JSON)
 * or its protobuf form (wallet/broadcasthex). No chain here: this is what the fuzz target
 * feeds. */
#include "tronapi_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

json_t *tronapi_jhex(const void *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    size_t len;
    if (!s || bts_hex_encode(s, 2 * n + 1, &len, p, n, 0) != BT_OK) {
        free(s);
        return NULL;
    }
    json_t *j = json_stringn(s, len);
    free(s);
    return j;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode s[0..n) ('+' is a space) into a new string. */
static char *urldecode(const char *s, size_t n)
{
    char *o = malloc(n + 1), *w = o;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
            hexval((unsigned char)s[i + 2]) >= 0) {
            *w++ = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
            i += 2;
        } else {
            *w++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    *w = '\0';
    return o;
}

json_t *tronapi_params(const char *query, const char *body, size_t body_len, char *err,
                       size_t err_cap)
{
    size_t skip = 0;
    while (body && skip < body_len && isspace((unsigned char)body[skip]))
        skip++;
    if (body && skip < body_len) {
        json_error_t je;
        json_t *j = json_loadb(body + skip, body_len - skip, JSON_REJECT_DUPLICATES, &je);
        if (!j || !json_is_object(j)) {
            snprintf(err, err_cap, "%s", j ? "the body is not a JSON object" : je.text);
            json_decref(j);
            return NULL;
        }
        return j;
    }
    json_t *o = json_object();
    for (const char *p = query; o && p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        char *k = urldecode(p, eq ? (size_t)(eq - p) : n);
        char *v = eq ? urldecode(eq + 1, n - (size_t)(eq - p) - 1) : strdup("");
        if (!k || !v || (*k && json_object_set_new(o, k, json_string(v)) != 0)) {
            /* json_string refuses invalid UTF-8: treat the pair as malformed */
            free(k);
            free(v);
            json_decref(o);
            snprintf(err, err_cap, "malformed query string");
            return NULL;
        }
        free(k);
        free(v);
        p = amp ? amp + 1 : p + n;
    }
    if (!o)
        snprintf(err, err_cap, "out of memory");
    return o;
}

bt_status tronapi_get_address(uint8_t out[BTS_TRON_ADDR_LEN], const json_t *params, const char *key)
{
    const char *s = json_string_value(json_object_get(params, key));
    if (!s)
        return BT_EINVAL;
    return bts_tron_address_parse(out, s, strlen(s)) == BT_OK ? BT_OK : BT_EINVAL;
}

bt_status tronapi_get_i64(int64_t *out, const json_t *params, const char *key, int64_t def)
{
    const json_t *v = json_object_get(params, key);
    if (!v || json_is_null(v)) {
        *out = def;
        return BT_OK;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return *out >= 0 ? BT_OK : BT_EINVAL;
    }
    const char *s = json_string_value(v);
    if (!s || !*s || !isdigit((unsigned char)*s))
        return BT_EINVAL;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (*end || errno)
        return BT_EINVAL;
    *out = x;
    return BT_OK;
}

void tronapi_txin_init(struct tronapi_txin *t)
{
    memset(t, 0, sizeof(*t));
    bts_buf_init(&t->data);
    bts_buf_init(&t->raw);
}

void tronapi_txin_free(struct tronapi_txin *t)
{
    bts_buf_free(&t->data);
    bts_buf_free(&t->raw);
    free(t->sigs);
    t->sigs = NULL;
    t->n_sigs = 0;
}

/* Exactly n bytes of hex from obj[key] into out. */
static int get_hexn(uint8_t *out, size_t n, const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && bts_hex_decode_exact(out, n, s, strlen(s), 0) == BT_OK;
}

static bt_status fail(char *err, size_t err_cap, const char *msg)
{
    snprintf(err, err_cap, "%s", msg);
    return BT_EINVAL;
}

static bt_status add_sig(struct tronapi_txin *out, const uint8_t *sig, size_t len)
{
    if (len != BTS_TRON_SIG_LEN)
        return BT_EINVAL;
    if (out->n_sigs >= 32) /* java-tron: at most the permission's keys (default 5) */
        return BT_EINVAL;
    void *v = realloc(out->sigs, (out->n_sigs + 1) * sizeof(*out->sigs));
    if (!v)
        return BT_ENOMEM;
    out->sigs = v;
    memcpy(out->sigs[out->n_sigs++], sig, len);
    return BT_OK;
}

/* Encode out->tx canonically into out->raw and hash it. */
static bt_status finish(struct tronapi_txin *out, char *err, size_t err_cap)
{
    bts_buf_reset(&out->raw);
    bt_status st = bts_tron_tx_encode(&out->raw, &out->tx);
    if (st == BT_ENOMEM)
        return st;
    if (st != BT_OK)
        return fail(err, err_cap, "invalid raw_data");
    if (out->raw.len > TRONAPI_MAX_TX_BYTES)
        return fail(err, err_cap, "transaction too big");
    if (bts_tron_tx_id(out->txid, out->raw.data, out->raw.len) != BT_OK)
        return fail(err, err_cap, "hashing failed");
    return BT_OK;
}

/* The txID and signatures of a transaction object (after its raw data is set). */
static bt_status sigs_and_id(struct tronapi_txin *out, const json_t *txj, char *err,
                             size_t err_cap);

/* A CreateSmartContract object: its ABI is a JSON rendering java-tron parses with its own
 * field and enum names, so the dev TRON API takes the bytes tronweb signed, raw_data_hex (which
 * tronweb builds from the same JSON and checks, transaction.ts txCheck), decodes them strictly
 * and requires the owner of the JSON to be theirs. */
static bt_status create_from_json(struct tronapi_txin *out, const json_t *txj, const json_t *val,
                                  char *err, size_t err_cap)
{
    const char *h = json_string_value(json_object_get(txj, "raw_data_hex"));
    uint8_t owner[BTS_TRON_ADDR_LEN];
    if (!h)
        return fail(err, err_cap, "CreateSmartContract needs raw_data_hex");
    if (tronapi_get_address(owner, val, "owner_address") != BT_OK)
        return fail(err, err_cap, "owner_address missing or malformed");
    bts_buf_reset(&out->raw);
    bt_status st = bts_hex_decode_buf(&out->raw, h, strlen(h), 0);
    if (st == BT_ENOMEM)
        return st;
    if (st != BT_OK)
        return fail(err, err_cap, "raw_data_hex is not hex");
    if (out->raw.len > TRONAPI_MAX_TX_BYTES)
        return fail(err, err_cap, "transaction too big");
    st = bts_tron_tx_decode(&out->tx, &out->data, out->raw.data, out->raw.len);
    if (st == BT_ENOMEM)
        return st;
    if (st != BT_OK || out->tx.type != BTS_TRON_CREATE_SMART_CONTRACT)
        return fail(err, err_cap, "raw_data_hex is not a canonical CreateSmartContract");
    if (memcmp(owner, out->tx.owner, sizeof(owner)) != 0)
        return fail(err, err_cap, "raw_data and raw_data_hex name different owners");
    if (bts_tron_tx_id(out->txid, out->raw.data, out->raw.len) != BT_OK)
        return fail(err, err_cap, "hashing failed");
    return sigs_and_id(out, txj, err, err_cap);
}

bt_status tronapi_tx_from_json(struct tronapi_txin *out, const json_t *txj, char *err,
                               size_t err_cap)
{
    const json_t *raw = json_object_get(txj, "raw_data");
    if (!json_is_object(raw))
        return fail(err, err_cap, "no raw_data");
    const json_t *vis = json_object_get(txj, "visible");
    if (json_is_true(vis))
        return fail(err, err_cap, "visible=true is not supported by the dev TRON API");
    struct bts_tron_tx *tx = &out->tx;
    int64_t v;
    if (!get_hexn(tx->ref_block_bytes, 2, raw, "ref_block_bytes") ||
        !get_hexn(tx->ref_block_hash, 8, raw, "ref_block_hash"))
        return fail(err, err_cap, "ref_block_bytes or ref_block_hash missing or malformed");
    if (tronapi_get_i64(&tx->expiration, raw, "expiration", 0) != BT_OK ||
        tronapi_get_i64(&tx->timestamp, raw, "timestamp", 0) != BT_OK ||
        tronapi_get_i64(&tx->fee_limit, raw, "fee_limit", 0) != BT_OK)
        return fail(err, err_cap, "expiration, timestamp or fee_limit malformed");
    if (json_object_get(raw, "ref_block_num") || json_object_get(raw, "data") ||
        json_object_get(raw, "scripts") || json_object_get(raw, "auths"))
        return fail(err, err_cap, "raw_data field not supported");
    const json_t *cs = json_object_get(raw, "contract");
    if (!json_is_array(cs) || json_array_size(cs) != 1)
        return fail(err, err_cap, "exactly one contract is required");
    const json_t *c = json_array_get(cs, 0);
    const char *type = json_string_value(json_object_get(c, "type"));
    const json_t *val = json_object_get(json_object_get(c, "parameter"), "value");
    if (!type || !json_is_object(val))
        return fail(err, err_cap, "contract type or parameter missing");
    if (strcmp(type, "CreateSmartContract") == 0)
        return create_from_json(out, txj, val, err, err_cap);
    if (tronapi_get_i64(&v, c, "Permission_id", 0) != BT_OK || v > INT32_MAX)
        return fail(err, err_cap, "Permission_id malformed");
    tx->permission_id = (int32_t)v;
    if (tronapi_get_address(tx->owner, val, "owner_address") != BT_OK)
        return fail(err, err_cap, "owner_address missing or malformed");
    if (strcmp(type, "TriggerSmartContract") == 0) {
        tx->type = BTS_TRON_TRIGGER_SMART_CONTRACT;
        if (tronapi_get_address(tx->to, val, "contract_address") != BT_OK)
            return fail(err, err_cap, "contract_address missing or malformed");
        if (tronapi_get_i64(&tx->amount, val, "call_value", 0) != BT_OK)
            return fail(err, err_cap, "call_value malformed");
        if (json_object_get(val, "call_token_value") || json_object_get(val, "token_id"))
            return fail(err, err_cap, "TRC-10 tokens are not supported");
        const char *d = json_string_value(json_object_get(val, "data"));
        if (d && bts_hex_decode_buf(&out->data, d, strlen(d), 0) != BT_OK)
            return fail(err, err_cap, "data is not hex");
    } else if (strcmp(type, "TransferContract") == 0) {
        tx->type = BTS_TRON_TRANSFER_CONTRACT;
        if (tronapi_get_address(tx->to, val, "to_address") != BT_OK)
            return fail(err, err_cap, "to_address missing or malformed");
        if (tronapi_get_i64(&tx->amount, val, "amount", 0) != BT_OK)
            return fail(err, err_cap, "amount malformed");
    } else {
        return fail(err, err_cap, "contract type not supported by the dev TRON API");
    }
    tx->data = out->data.len ? out->data.data : NULL;
    tx->data_len = out->data.len;
    bt_status st = finish(out, err, err_cap);
    if (st != BT_OK)
        return st;
    return sigs_and_id(out, txj, err, err_cap);
}

static bt_status sigs_and_id(struct tronapi_txin *out, const json_t *txj, char *err, size_t err_cap)
{
    bt_status st;
    const json_t *sigs = json_object_get(txj, "signature");
    if (sigs && !json_is_array(sigs))
        return fail(err, err_cap, "signature is not an array");
    for (size_t i = 0; i < json_array_size(sigs); i++) {
        const char *s = json_string_value(json_array_get(sigs, i));
        uint8_t sig[BTS_TRON_SIG_LEN];
        if (!s || bts_hex_decode_exact(sig, sizeof(sig), s, strlen(s), 0) != BT_OK)
            return fail(err, err_cap, "signature is not 65 bytes of hex");
        if ((st = add_sig(out, sig, sizeof(sig))) != BT_OK)
            return st == BT_ENOMEM ? st : fail(err, err_cap, "too many signatures");
    }
    const json_t *id = json_object_get(txj, "txID");
    if (id) {
        uint8_t want[32];
        if (!get_hexn(want, 32, txj, "txID"))
            return fail(err, err_cap, "txID malformed");
        if (memcmp(want, out->txid, 32) != 0)
            return fail(err, err_cap, "txID does not match raw_data");
    }
    return BT_OK;
}

/* A protobuf varint at p[*i..len). */
static int varint(const uint8_t *p, size_t len, size_t *i, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && *i < len; shift += 7) {
        uint8_t b = p[(*i)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

bt_status tronapi_tx_from_proto(struct tronapi_txin *out, const uint8_t *p, size_t len, char *err,
                                size_t err_cap)
{
    const uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (len > TRONAPI_MAX_TX_BYTES)
        return fail(err, err_cap, "transaction too big");
    for (size_t i = 0; i < len;) {
        uint64_t key, n;
        if (!varint(p, len, &i, &key))
            return fail(err, err_cap, "malformed protobuf");
        if ((key & 7) != 2 || !varint(p, len, &i, &n) || n > len - i)
            return fail(err, err_cap, "malformed protobuf");
        if (key >> 3 == 1) {
            if (raw)
                return fail(err, err_cap, "raw_data given twice");
            raw = p + i;
            raw_len = (size_t)n;
        } else if (key >> 3 == 2) {
            bt_status st = add_sig(out, p + i, (size_t)n);
            if (st != BT_OK)
                return st == BT_ENOMEM ? st : fail(err, err_cap, "bad signature field");
        } else if (key >> 3 != 5) {
            return fail(err, err_cap, "unknown Transaction field");
        }
        i += (size_t)n;
    }
    if (!raw)
        return fail(err, err_cap, "no raw_data");
    bt_status st = bts_tron_tx_decode(&out->tx, &out->data, raw, raw_len);
    if (st == BT_ENOMEM)
        return st;
    if (st != BT_OK)
        return fail(err, err_cap, "raw_data does not decode (or is not canonical)");
    return finish(out, err, err_cap);
}

static int set(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0;
}

/* new_contract of a CreateSmartContract as java-tron prints it (defaults omitted). */
static json_t *create_json(const struct bts_tron_tx *tx)
{
    char hex[BTS_TRON_HEX_CAP];
    static const uint8_t zero[BTS_TRON_ADDR_LEN];
    json_t *o = json_object();
    int ok = o != NULL;
    if (ok && memcmp(tx->origin, zero, sizeof(zero)) != 0) {
        bts_tron_address_to_hex(hex, tx->origin);
        ok = set(o, "origin_address", json_string(hex));
    }
    json_t *abi = tx->abi_len ? tronapi_abi_json(tx->abi, tx->abi_len) : NULL;
    if (ok && abi) /* (the codec checked the ABI's protobuf; only ENOMEM leaves it out) */
        ok = set(o, "abi", abi);
    if (ok && tx->data_len)
        ok = set(o, "bytecode", tronapi_jhex(tx->data, tx->data_len));
    if (ok && tx->amount)
        ok = set(o, "call_value", json_integer(tx->amount));
    if (ok && tx->consume_user_resource_percent)
        ok = set(o, "consume_user_resource_percent",
                 json_integer(tx->consume_user_resource_percent));
    json_t *name = tx->name_len ? json_stringn(tx->name, tx->name_len) : NULL;
    if (ok && name) /* NULL: not UTF-8, which JSON cannot carry (raw_data_hex still does) */
        ok = set(o, "name", name);
    if (ok && tx->origin_energy_limit)
        ok = set(o, "origin_energy_limit", json_integer(tx->origin_energy_limit));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *tronapi_tx_json(const uint8_t *raw, size_t raw_len, const uint8_t (*sigs)[BTS_TRON_SIG_LEN],
                        size_t n_sigs)
{
    struct bts_tron_tx tx;
    struct bts_buf data;
    uint8_t id[32];
    char hex[BTS_TRON_HEX_CAP];
    bts_buf_init(&data);
    json_t *o = json_object(), *rd = json_object(), *val = json_object(), *par = json_object(),
           *c = json_object(), *cs = json_array();
    int ok = o && rd && val && par && c && cs &&
             bts_tron_tx_decode(&tx, &data, raw, raw_len) == BT_OK &&
             bts_tron_tx_id(id, raw, raw_len) == BT_OK;
    int is_trigger = ok && tx.type == BTS_TRON_TRIGGER_SMART_CONTRACT;
    int is_create = ok && tx.type == BTS_TRON_CREATE_SMART_CONTRACT;
    const char *tname = is_trigger  ? "TriggerSmartContract"
                        : is_create ? "CreateSmartContract"
                                    : "TransferContract";
    char url[80];
    snprintf(url, sizeof(url), "type.googleapis.com/protocol.%s", tname);
    if (is_create) {
        bts_tron_address_to_hex(hex, tx.owner);
        json_t *nc = create_json(&tx);
        ok = set(val, "owner_address", json_string(hex)) && set(val, "new_contract", nc);
    } else if (ok) {
        bts_tron_address_to_hex(hex, tx.owner);
        ok = set(val, "owner_address", json_string(hex));
        bts_tron_address_to_hex(hex, tx.to);
        ok = ok && set(val, is_trigger ? "contract_address" : "to_address", json_string(hex));
        if (is_trigger && tx.data_len)
            ok = ok && set(val, "data", tronapi_jhex(tx.data, tx.data_len));
        if (tx.amount)
            ok = ok && set(val, is_trigger ? "call_value" : "amount", json_integer(tx.amount));
    }
    if (ok) {
        ok = set(par, "value", json_incref(val)) && set(par, "type_url", json_string(url)) &&
             set(c, "parameter", json_incref(par)) && set(c, "type", json_string(tname));
        if (tx.permission_id)
            ok = ok && set(c, "Permission_id", json_integer(tx.permission_id));
        ok = ok && json_array_append(cs, c) == 0 && set(rd, "contract", json_incref(cs)) &&
             set(rd, "ref_block_bytes", tronapi_jhex(tx.ref_block_bytes, 2)) &&
             set(rd, "ref_block_hash", tronapi_jhex(tx.ref_block_hash, 8)) &&
             set(rd, "expiration", json_integer(tx.expiration));
        if (tx.fee_limit)
            ok = ok && set(rd, "fee_limit", json_integer(tx.fee_limit));
        if (tx.timestamp)
            ok = ok && set(rd, "timestamp", json_integer(tx.timestamp));
        if (n_sigs) {
            json_t *sa = json_array();
            for (size_t i = 0; sa && i < n_sigs; i++)
                if (json_array_append_new(sa, tronapi_jhex(sigs[i], BTS_TRON_SIG_LEN)) != 0)
                    ok = 0;
            ok = ok && set(o, "signature", sa);
        }
        ok = ok && set(o, "visible", json_false()) && set(o, "txID", tronapi_jhex(id, 32)) &&
             set(o, "raw_data", json_incref(rd)) &&
             set(o, "raw_data_hex", tronapi_jhex(raw, raw_len));
    }
    bts_buf_free(&data);
    json_decref(rd);
    json_decref(val);
    json_decref(par);
    json_decref(c);
    json_decref(cs);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}
