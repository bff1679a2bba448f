/* consensus-bttc: the bor_* JSON-RPC namespace (bttcprotocol/bttc@v1.0.8:consensus/bor/api.go):
 * snapshots, signers, authors, the current proposer and validators, and the checkpoint root
 * bor_getRootHash (PROTOCOL.md §3.11: lowercase hex without 0x, at most 2^15 blocks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/hex.h>
#include <bts/json.h>
#include <bts/merkle.h>

#include "bttc_int.h"

#define RPC_ERR -32000 /* go-ethereum's code for an error returned by a method */

/* --- bor_getRootHash ----------------------------------------------------------------------- */

bt_status bttc_root_hash(struct bttc *b, uint64_t start, uint64_t end, char out[65])
{
    uint64_t length = end - start + 1; /* wraps as upstream's uint64 arithmetic does */
    if (length > BTS_MERKLE_MAX_LEAVES) {
        snprintf(b->rpc_err, sizeof(b->rpc_err),
                 "Start: %llu and end block: %llu exceed max allowed checkpoint length: %u",
                 (unsigned long long)start, (unsigned long long)end, BTS_MERKLE_MAX_LEAVES);
        return BT_EINVAL;
    }
    uint64_t head = 0;
    uint8_t head_hash[32];
    if (!b->chain || b->chain->head(b->chain_self, &head, head_hash) != BT_OK) {
        snprintf(b->rpc_err, sizeof(b->rpc_err), "unknown block");
        return BT_ENOTFOUND;
    }
    if (start > end || end > head) {
        snprintf(b->rpc_err, sizeof(b->rpc_err),
                 "Invalid parameters start: %llu and end block: %llu params",
                 (unsigned long long)start, (unsigned long long)end);
        return BT_EINVAL;
    }
    uint8_t *leaves = malloc(32 * (size_t)length);
    if (!leaves)
        return BT_ENOMEM;
    bt_status st = BT_OK;
    for (uint64_t i = 0; i < length && st == BT_OK; i++) {
        uint64_t n = start + i;
        struct bttc_leafent *e = b->leaves ? &b->leaves[n % BTTC_LEAF_CACHE] : NULL;
        if (e && e->used && e->number == n && head - n < BTTC_LEAF_CACHE) {
            memcpy(leaves + 32 * i, e->leaf, 32);
            continue;
        }
        struct bttc_hdr hd;
        st = bttc_header_by_number(b, n, &hd);
        if (st != BT_OK) {
            snprintf(b->rpc_err, sizeof(b->rpc_err), "unknown block %llu", (unsigned long long)n);
            break;
        }
        bts_merkle_leaf(leaves + 32 * i, n, hd.h.time, hd.h.tx_root.bytes, hd.h.receipt_root.bytes);
        if (e) {
            e->number = n;
            memcpy(e->hash, hd.hash, 32);
            memcpy(e->leaf, leaves + 32 * i, 32);
            e->used = 1;
        }
        bttc_hdr_free(&hd);
    }
    uint8_t root[32];
    if (st == BT_OK)
        st = bts_merkle_root(root, leaves, (size_t)length);
    free(leaves);
    if (st == BT_OK)
        for (int i = 0; i < 32; i++)
            snprintf(out + 2 * i, 3, "%02x", root[i]);
    return st;
}

/* --- parameters ------------------------------------------------------------------------------ */

/* A uint64 parameter: JSON number, decimal or 0x-hex string. */
static int param_u64(const json_t *v, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return bts_hex_parse_u64(out, s, strlen(s)) == BT_OK ? 0 : -1;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (!*s || *end)
        return -1;
    *out = x;
    return 0;
}

/* The header named by an optional block-number parameter (absent, null, "latest": the head). */
static bt_status header_param(struct bttc *b, const json_t *params, struct bttc_hdr *out)
{
    const json_t *v = json_array_get(params, 0);
    uint64_t n;
    if (!v || json_is_null(v) ||
        (json_is_string(v) && (strcmp(json_string_value(v), "latest") == 0 ||
                               strcmp(json_string_value(v), "pending") == 0))) {
        uint8_t h[32];
        if (!b->chain || b->chain->head(b->chain_self, &n, h) != BT_OK)
            return BT_ENOTFOUND;
        return bttc_header_by_hash(b, h, out);
    }
    if (json_is_string(v) && strcmp(json_string_value(v), "earliest") == 0)
        n = 0;
    else if (param_u64(v, &n) != 0)
        return BT_EINVAL;
    return bttc_header_by_number(b, n, out);
}

static bt_status hash_param(struct bttc *b, const json_t *params, struct bttc_hdr *out)
{
    const json_t *v = json_array_get(params, 0);
    uint8_t h[32];
    if (!json_is_string(v) ||
        bts_hex_parse_hash(h, json_string_value(v), json_string_length(v)) != BT_OK)
        return BT_EINVAL;
    return bttc_header_by_hash(b, h, out);
}

/* --- JSON of snapshots ----------------------------------------------------------------------- */

static json_t *validator_json(const struct bts_validator *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "ID", json_integer(0));
    json_object_set_new(o, "signer", bts_json_new_address(v->address));
    json_object_set_new(o, "power", json_integer(v->power));
    json_object_set_new(o, "accum", json_integer(v->priority));
    return o;
}

static json_t *validators_json(const struct bttc_snap *s)
{
    json_t *a = json_array();
    for (size_t i = 0; i < s->vs.n; i++)
        json_array_append_new(a, validator_json(&s->vs.v[i]));
    return a;
}

/* Upstream's Recents: the signers of the last `sprint` blocks up to the snapshot's, by number
 * (block 0 has none). Recovered on demand from the headers (signatures are cached). */
static json_t *recents_json(struct bttc *b, const struct bttc_snap *s)
{
    json_t *o = json_object();
    uint64_t k = s->number < b->p.sprint ? s->number : b->p.sprint;
    uint8_t hash[32];
    memcpy(hash, s->hash, 32);
    uint8_t(*who)[20] = calloc(k ? k : 1, 20);
    uint64_t got = 0;
    for (; who && got < k; got++) {
        struct bttc_hdr hd;
        if (bttc_header_by_hash(b, hash, &hd) != BT_OK)
            break;
        int ok = bttc_signer(b, &hd.h, hd.hash, who[got]) == BT_OK;
        memcpy(hash, hd.h.parent_hash.bytes, 32);
        bttc_hdr_free(&hd);
        if (!ok)
            break;
    }
    for (uint64_t i = got; i-- > 0;) {
        char key[24];
        snprintf(key, sizeof(key), "%llu", (unsigned long long)(s->number - i));
        json_object_set_new(o, key, bts_json_new_address(who[i]));
    }
    free(who);
    return o;
}

static json_t *snapshot_json(struct bttc *b, struct bttc_snap *s)
{
    json_t *vs = json_object();
    json_object_set_new(vs, "validators", validators_json(s));
    size_t p = bts_valset_proposer(&s->vs);
    json_object_set_new(vs, "proposer", p == SIZE_MAX ? json_null() : validator_json(&s->vs.v[p]));
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer((json_int_t)s->number));
    json_object_set_new(o, "hash", bts_json_new_hash(s->hash));
    json_object_set_new(o, "validatorSet", vs);
    json_object_set_new(o, "recents", recents_json(b, s));
    return o;
}

static json_t *signers_json(const struct bttc_snap *s)
{
    json_t *a = json_array();
    for (size_t i = 0; i < s->vs.n; i++)
        json_array_append_new(a, bts_json_new_address(s->vs.v[i].address));
    return a;
}

/* --- dispatch -------------------------------------------------------------------------------- */

enum rpc_kind {
    RPC_AUTHOR = 1,
    RPC_SNAPSHOT,
    RPC_SNAPSHOT_AT_HASH,
    RPC_SIGNERS,
    RPC_SIGNERS_AT_HASH,
    RPC_CURRENT_PROPOSER,
    RPC_CURRENT_VALIDATORS,
    RPC_ROOT_HASH
};

struct rpc_route {
    const char *method;
    enum rpc_kind kind;
};

static const struct rpc_route ROUTES[] = {
    {"bor_getAuthor", RPC_AUTHOR},
    {"bor_getSnapshot", RPC_SNAPSHOT},
    {"bor_getSnapshotAtHash", RPC_SNAPSHOT_AT_HASH},
    {"bor_getSigners", RPC_SIGNERS},
    {"bor_getSignersAtHash", RPC_SIGNERS_AT_HASH},
    {"bor_getCurrentProposer", RPC_CURRENT_PROPOSER},
    {"bor_getCurrentValidators", RPC_CURRENT_VALIDATORS},
    {"bor_getRootHash", RPC_ROOT_HASH},
};

struct bttc_rpc_arg {
    struct bttc *b;
    enum rpc_kind kind;
};

/* Compute a method's answer: a JSON value, or NULL with the message in b->rpc_err. */
static json_t *rpc_answer(struct bttc *b, enum rpc_kind kind, const json_t *params)
{
    struct bttc_hdr hd;
    bt_status st = BT_EINVAL;
    b->rpc_err[0] = 0;
    if (kind == RPC_ROOT_HASH) {
        uint64_t s, e;
        if (param_u64(json_array_get(params, 0), &s) || param_u64(json_array_get(params, 1), &e)) {
            snprintf(b->rpc_err, sizeof(b->rpc_err), "invalid argument: want (start, end)");
            return NULL;
        }
        char root[65];
        if (bttc_root_hash(b, s, e, root) != BT_OK)
            return NULL;
        return json_string(root);
    }
    switch (kind) {
    case RPC_SNAPSHOT_AT_HASH:
    case RPC_SIGNERS_AT_HASH:
        st = hash_param(b, params, &hd);
        break;
    case RPC_AUTHOR:
    case RPC_SNAPSHOT:
    case RPC_SIGNERS:
    case RPC_CURRENT_PROPOSER:
    case RPC_CURRENT_VALIDATORS:
    case RPC_ROOT_HASH:
        st = header_param(
            b, kind == RPC_CURRENT_PROPOSER || kind == RPC_CURRENT_VALIDATORS ? NULL : params, &hd);
        break;
    }
    if (st != BT_OK) {
        snprintf(b->rpc_err, sizeof(b->rpc_err),
                 st == BT_EINVAL ? "invalid argument 0" : "unknown block");
        return NULL;
    }
    json_t *res = NULL;
    if (kind == RPC_AUTHOR) {
        uint8_t a[20];
        if (bttc_signer(b, &hd.h, hd.hash, a) == BT_OK)
            res = bts_json_new_address(a);
        else
            snprintf(b->rpc_err, sizeof(b->rpc_err), "recovery failed");
        bttc_hdr_free(&hd);
        return res;
    }
    struct bttc_snap *s;
    st = bttc_snapshot(b, hd.h.number, hd.hash, &s);
    bttc_hdr_free(&hd);
    if (st != BT_OK) {
        snprintf(b->rpc_err, sizeof(b->rpc_err), "%s",
                 b->host->last_error(b->hctx)[0] ? b->host->last_error(b->hctx) : "unknown block");
        return NULL;
    }
    switch (kind) {
    case RPC_SNAPSHOT:
    case RPC_SNAPSHOT_AT_HASH:
        return snapshot_json(b, s);
    case RPC_SIGNERS:
    case RPC_SIGNERS_AT_HASH:
        return signers_json(s);
    case RPC_CURRENT_PROPOSER: {
        size_t p = bts_valset_proposer(&s->vs);
        return p == SIZE_MAX ? json_null() : bts_json_new_address(s->vs.v[p].address);
    }
    case RPC_CURRENT_VALIDATORS:
        return validators_json(s);
    case RPC_AUTHOR:
    case RPC_ROOT_HASH:
        break;
    }
    return NULL;
}

static void rpc_handle(void *arg, struct bt_rpc_call *call)
{
    const struct bttc_rpc_arg *ra = arg;
    struct bttc *b = ra->b;
    json_error_t je;
    json_t *params = json_loadb(call->params, call->params_len, 0, &je);
    if (!params || !json_is_array(params)) {
        json_decref(params);
        b->host->rpc_error(b->hctx, call, -32602, "invalid params: want an array", NULL);
        return;
    }
    json_t *res = rpc_answer(b, ra->kind, params);
    json_decref(params);
    if (!res) {
        b->host->rpc_error(b->hctx, call, RPC_ERR, b->rpc_err[0] ? b->rpc_err : "internal error",
                           NULL);
        return;
    }
    char *txt = json_dumps(res, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(res);
    if (!txt) {
        b->host->rpc_error(b->hctx, call, RPC_ERR, "out of memory", NULL);
        return;
    }
    b->host->rpc_result(b->hctx, call, txt);
    free(txt);
}

struct bttc_rpc_args {
    struct bttc_rpc_arg a[sizeof(ROUTES) / sizeof(ROUTES[0])];
};

bt_status bttc_rpc_register(struct bttc *b)
{
    struct bttc_rpc_args *args = b->host->mem_alloc(b->hctx, sizeof(*args));
    if (!args)
        return BT_ENOMEM;
    b->rpc_args = args;
    for (size_t i = 0; i < BTS_ARRAY_SIZE(ROUTES); i++) {
        args->a[i].b = b;
        args->a[i].kind = ROUTES[i].kind;
        bt_status st = b->host->rpc_register(b->hctx, ROUTES[i].method, rpc_handle, &args->a[i]);
        if (st != BT_OK)
            return bttc_fail(b, st, "cannot register %s", ROUTES[i].method);
    }
    return BT_OK;
}
