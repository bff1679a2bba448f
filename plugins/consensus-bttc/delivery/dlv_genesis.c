/* Delivery genesis: parameters and the initial state (validators, their set, span 0, dividend
 * accounts) from a JSON document, committed as height 0.
 *
 * Shape (numbers as JSON numbers or decimal strings; addresses and keys 0x-hex):
 *
 *   {"chain_id":"delivery-199",
 *    "params":{"bor_chain_id":"199","span_duration":6400,"sprint_duration":64,
 *              "producer_count":11,"checkpoint_buffer_time":1000,"avg_checkpoint_length":256,
 *              "max_checkpoint_length":1024,"child_block_interval":10000,
 *              "bttc_confirmations":10,"staking_buffer_time":600,"new_select_height":375300,
 *              "no_ack_validator_check":false,
 *              "roots":{"tron":{"activation_height":0,"staking_info":"0x…","state_sender":"0x…",
 *                               "root_chain":"0x…","stake_manager":"0x…"},
 *                       "eth":{…},"bsc":{…}}},
 *    "validators":[{"ID":1,"startEpoch":0,"endEpoch":0,"nonce":1,"power":1,"pubKey":"0x04…",
 *                   "signer":"0x…","last_updated":"","jailed":false}],
 *    "span":{"span_id":0,"start_block":0,"end_block":255},
 *    "dividend_accounts":[{"user":"0x…","feeAmount":"0"}]}
 *
 * Omitted params take the mainnet values of PROTOCOL.md §2 (dev networks shorten them);
 * "roots" defaults to TRON and ETH enabled from block 0 without contract-address checks.
 * root_chain and stake_manager (20 bytes, TRON in EVM form without 0x41) are optional: they
 * only tell the bridge (../dlvbridge.c) where to read and submit, and are written back only
 * when set, so genesis documents without them keep their app hash. The
 * validator and account shapes are upstream's (bttcprotocol/delivery@v1.0.9:types/validator.go,
 * types/dividend-account.go, helper/allocs/mainnet.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/secp.h>
#include <bts/u256.h>

#include "dlv_app_int.h"

static bt_status j_u64(uint64_t *out, const json_t *obj, const char *key, uint64_t def)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = def;
        return BT_OK;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return BT_OK;
    }
    if (!json_is_string(v))
        return BT_EINVAL;
    const char *s = json_string_value(v);
    if (!*s)
        return BT_EINVAL;
    uint64_t x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
            return BT_EINVAL;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *out = x;
    return BT_OK;
}

static bt_status j_hex(uint8_t *out, size_t n, const json_t *obj, const char *key, int optional)
{
    const json_t *v = json_object_get(obj, key);
    if (!v && optional) {
        memset(out, 0, n);
        return BT_OK;
    }
    if (!json_is_string(v))
        return BT_EINVAL;
    return bts_hex_decode_exact(out, n, json_string_value(v), json_string_length(v), BTS_HEX_0X);
}

static bt_status j_str(char *out, size_t cap, const json_t *obj, const char *key, const char *def)
{
    const json_t *v = json_object_get(obj, key);
    const char *s = v ? json_string_value(v) : def;
    if (!s || strlen(s) >= cap)
        return BT_EINVAL;
    memcpy(out, s, strlen(s) + 1);
    return BT_OK;
}

#define CHECK(x, what)                                                                             \
    do {                                                                                           \
        if ((x) != BT_OK) {                                                                        \
            if (err && err_cap)                                                                    \
                snprintf(err, err_cap, "genesis: bad %s", what);                                   \
            return BT_EINVAL;                                                                      \
        }                                                                                          \
    } while (0)

bt_status dlv_params_from_json(struct dlv_params *p, const json_t *j, char *err, size_t err_cap)
{
    memset(p, 0, sizeof *p);
    const json_t *pj = json_object_get(j, "params");
    if (!pj)
        pj = j;
    CHECK(j_str(p->chain_id, sizeof p->chain_id, j, "chain_id", NULL), "chain_id");
    CHECK(j_str(p->bor_chain_id, sizeof p->bor_chain_id, pj, "bor_chain_id", "199"),
          "bor_chain_id");
    CHECK(j_u64(&p->span_duration, pj, "span_duration", 6400), "span_duration");
    CHECK(j_u64(&p->sprint_duration, pj, "sprint_duration", 64), "sprint_duration");
    CHECK(j_u64(&p->producer_count, pj, "producer_count", 11), "producer_count");
    CHECK(j_u64(&p->checkpoint_buffer_time, pj, "checkpoint_buffer_time", 1000),
          "checkpoint_buffer_time");
    CHECK(j_u64(&p->avg_checkpoint_length, pj, "avg_checkpoint_length", 256),
          "avg_checkpoint_length");
    CHECK(j_u64(&p->max_checkpoint_length, pj, "max_checkpoint_length", 1024),
          "max_checkpoint_length");
    CHECK(j_u64(&p->child_block_interval, pj, "child_block_interval", 10000),
          "child_block_interval");
    CHECK(j_u64(&p->bttc_confirmations, pj, "bttc_confirmations", 10), "bttc_confirmations");
    CHECK(j_u64(&p->staking_buffer_time, pj, "staking_buffer_time", 600), "staking_buffer_time");
    CHECK(j_u64(&p->new_select_height, pj, "new_select_height", 375300), "new_select_height");
    p->no_ack_validator_check = json_is_true(json_object_get(pj, "no_ack_validator_check"));
    if (p->span_duration == 0 || p->child_block_interval == 0 || p->producer_count == 0)
        CHECK(BT_EINVAL, "zero span_duration / child_block_interval / producer_count");
    const json_t *roots = json_object_get(pj, "roots");
    if (!roots) {
        p->root[DLV_ROOT_TRON].enabled = 1;
        p->root[DLV_ROOT_ETH].enabled = 1;
        return BT_OK;
    }
    const char *name;
    const json_t *rv;
    json_object_foreach((json_t *)roots, name, rv)
    {
        enum dlv_root r;
        CHECK(dlv_root_parse(&r, name), "roots: unknown root chain");
        struct dlv_root_params *rp = &p->root[r];
        rp->enabled = 1;
        CHECK(j_u64(&rp->activation_height, rv, "activation_height", 0), "activation_height");
        CHECK(j_hex(rp->staking_info, 20, rv, "staking_info", 1), "staking_info");
        CHECK(j_hex(rp->state_sender, 20, rv, "state_sender", 1), "state_sender");
        CHECK(j_hex(rp->root_chain, 20, rv, "root_chain", 1), "root_chain");
        CHECK(j_hex(rp->stake_manager, 20, rv, "stake_manager", 1), "stake_manager");
    }
    if (!p->root[DLV_ROOT_TRON].enabled)
        CHECK(BT_EINVAL, "roots: tron (the staking chain) missing");
    return BT_OK;
}

static int set_u64(json_t *o, const char *k, uint64_t v)
{
    return json_object_set_new(o, k, json_integer((json_int_t)v));
}

static int set_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    char s[2 * 32 + 3];
    size_t len;
    if (bts_hex_encode(s, sizeof s, &len, p, n, BTS_HEX_0X) != BT_OK)
        return -1;
    return json_object_set_new(o, k, json_string(s));
}

json_t *dlv_params_to_json(const struct dlv_params *p)
{
    json_t *o = json_object(), *pj = json_object(), *roots = json_object();
    int bad = !o || !pj || !roots;
    bad |= json_object_set_new(o, "chain_id", json_string(p->chain_id));
    bad |= json_object_set_new(pj, "bor_chain_id", json_string(p->bor_chain_id));
    bad |= set_u64(pj, "span_duration", p->span_duration);
    bad |= set_u64(pj, "sprint_duration", p->sprint_duration);
    bad |= set_u64(pj, "producer_count", p->producer_count);
    bad |= set_u64(pj, "checkpoint_buffer_time", p->checkpoint_buffer_time);
    bad |= set_u64(pj, "avg_checkpoint_length", p->avg_checkpoint_length);
    bad |= set_u64(pj, "max_checkpoint_length", p->max_checkpoint_length);
    bad |= set_u64(pj, "child_block_interval", p->child_block_interval);
    bad |= set_u64(pj, "bttc_confirmations", p->bttc_confirmations);
    bad |= set_u64(pj, "staking_buffer_time", p->staking_buffer_time);
    bad |= set_u64(pj, "new_select_height", p->new_select_height);
    bad |=
        json_object_set_new(pj, "no_ack_validator_check", json_boolean(p->no_ack_validator_check));
    for (int r = DLV_ROOT_TRON; r <= DLV_ROOT_BSC && !bad; r++) {
        if (!p->root[r].enabled)
            continue;
        json_t *rv = json_object();
        bad |= !rv;
        bad |= set_u64(rv, "activation_height", p->root[r].activation_height);
        bad |= set_hex(rv, "staking_info", p->root[r].staking_info, 20);
        bad |= set_hex(rv, "state_sender", p->root[r].state_sender, 20);
        static const uint8_t zero[20];
        if (memcmp(p->root[r].root_chain, zero, 20) != 0)
            bad |= set_hex(rv, "root_chain", p->root[r].root_chain, 20);
        if (memcmp(p->root[r].stake_manager, zero, 20) != 0)
            bad |= set_hex(rv, "stake_manager", p->root[r].stake_manager, 20);
        bad |= json_object_set_new(roots, dlv_root_name((enum dlv_root)r), rv);
    }
    bad |= json_object_set_new(pj, "roots", roots);
    roots = NULL;
    bad |= json_object_set_new(o, "params", pj);
    pj = NULL;
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

bt_status dlv_app_load_params(struct dlv_application *a)
{
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_PARAMS);
    const uint8_t *v;
    size_t n;
    bt_status st = dlv_state_get(&a->st, &k, &v, &n);
    if (st != BT_OK)
        return st == BT_ENOTFOUND ? BT_EIO : st;
    json_t *j = json_loadb((const char *)v, n, 0, NULL);
    if (!j)
        return BT_EIO;
    st = dlv_params_from_json(&a->p, j, NULL, 0);
    json_decref(j);
    return st == BT_OK ? BT_OK : BT_EIO;
}

static bt_status parse_validator(struct dlv_validator *v, const json_t *o)
{
    uint64_t power;
    memset(v, 0, sizeof *v);
    if (j_u64(&v->id, o, "ID", 0) != BT_OK || v->id == 0 ||
        j_u64(&v->start_epoch, o, "startEpoch", 0) != BT_OK ||
        j_u64(&v->end_epoch, o, "endEpoch", 0) != BT_OK ||
        j_u64(&v->nonce, o, "nonce", 0) != BT_OK || j_u64(&power, o, "power", 1) != BT_OK ||
        power > (uint64_t)INT64_MAX / 8 || j_hex(v->pub_key, 65, o, "pubKey", 0) != BT_OK ||
        j_str(v->last_updated, sizeof v->last_updated, o, "last_updated", "") != BT_OK)
        return BT_EINVAL;
    v->power = (int64_t)power;
    v->jailed = json_is_true(json_object_get(o, "jailed"));
    if (bts_secp_pubkey_to_address(v->signer, v->pub_key, 65) != BT_OK)
        return BT_EINVAL;
    uint8_t given[20];
    /* The signer is derived from the key; a given "signer" must agree. */
    if (json_object_get(o, "signer") &&
        (j_hex(given, 20, o, "signer", 0) != BT_OK || memcmp(given, v->signer, 20) != 0))
        return BT_EINVAL;
    return BT_OK;
}

/* Build the set of current validators (address = signer) as a fresh bts_valset. */
static bt_status fresh_valset(struct dlv_application *a, struct bts_valset *vs,
                              struct dlv_validator **cur, size_t *n)
{
    bt_status st = dlv_current_validators(a, cur, n, 0);
    if (st != BT_OK)
        return st;
    struct bts_validator *list = calloc(*n ? *n : 1, sizeof *list);
    if (!list)
        return BT_ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        memcpy(list[i].address, (*cur)[i].signer, 20);
        list[i].power = (*cur)[i].power;
    }
    st = bts_valset_new(vs, list, *n);
    free(list);
    return st;
}

static bt_status genesis_state(struct dlv_application *a, const json_t *j, char *err,
                               size_t err_cap)
{
    const json_t *vals = json_object_get(j, "validators");
    if (!json_is_array(vals) || json_array_size(vals) == 0)
        CHECK(BT_EINVAL, "validators (need at least one)");
    size_t i;
    const json_t *o;
    json_array_foreach(vals, i, o)
    {
        struct dlv_validator v, old;
        CHECK(parse_validator(&v, o), "validator");
        if (dlv_get_validator_by_id(a, v.id, &old, 0) == BT_OK ||
            dlv_get_validator(a, v.signer, &old, 0) == BT_OK)
            CHECK(BT_EINVAL, "validator (duplicate ID or signer)");
        if (dlv_put_validator(a, &v) != BT_OK)
            return BT_ENOMEM;
    }
    struct bts_valset vs;
    bts_valset_init(&vs);
    struct dlv_validator *cur = NULL;
    size_t n = 0;
    bt_status st = fresh_valset(a, &vs, &cur, &n);
    if (st == BT_OK && n == 0)
        st = BT_EINVAL;
    if (st == BT_OK)
        st = dlv_put_valset(a, &vs);
    /* Span 0: the genesis set produces (bttcprotocol/delivery@v1.0.9:bor/genesis.go). */
    struct dlv_span_rec sp;
    memset(&sp, 0, sizeof sp);
    const json_t *sj = json_object_get(j, "span");
    if (st == BT_OK &&
        (j_u64(&sp.id, sj, "span_id", 0) != BT_OK ||
         j_u64(&sp.start_block, sj, "start_block", 0) != BT_OK ||
         j_u64(&sp.end_block, sj, "end_block", 255) != BT_OK || sp.end_block < sp.start_block))
        st = BT_EINVAL;
    if (st == BT_OK) {
        memcpy(sp.bor_chain_id, a->p.bor_chain_id, sizeof sp.bor_chain_id);
        sp.set = vs;
        sp.set_vals = cur;
        sp.producers = cur;
        sp.n_producers = n;
        st = dlv_put_span(a, &sp);
    }
    free(cur);
    bts_valset_free(&vs);
    if (st != BT_OK) {
        if (err && err_cap && st == BT_EINVAL)
            snprintf(err, err_cap, "genesis: bad validators or span");
        return st;
    }
    const json_t *accs = json_object_get(j, "dividend_accounts");
    json_array_foreach(accs, i, o)
    {
        uint8_t user[20], fee[32];
        const json_t *fv = json_object_get(o, "feeAmount");
        struct bts_u256 x;
        CHECK(j_hex(user, 20, o, "user", 0), "dividend account user");
        CHECK(json_is_string(fv)
                  ? bts_u256_from_dec(&x, json_string_value(fv), json_string_length(fv))
                  : BT_EINVAL,
              "dividend account feeAmount");
        bts_u256_store_be(fee, &x);
        struct dlv_key k;
        dlv_key_init(&k, DLV_T_DIVIDEND);
        dlv_key_bytes(&k, user, 20);
        if (dlv_state_put(&a->st, &k, fee, 32) != BT_OK)
            return BT_ENOMEM;
    }
    return BT_OK;
}

bt_status dlv_app_init_genesis(struct dlv_application *a, const char *json, size_t json_len,
                               char *err, size_t err_cap)
{
    if (a->have_genesis)
        return BT_EEXIST;
    json_error_t je;
    json_t *j = json_loadb(json, json_len, 0, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        if (err && err_cap)
            snprintf(err, err_cap, "genesis: not a JSON object (%s)", je.text);
        return BT_EINVAL;
    }
    bt_status st = dlv_params_from_json(&a->p, j, err, err_cap);
    json_t *pj = st == BT_OK ? dlv_params_to_json(&a->p) : NULL;
    char *ptext = pj ? json_dumps(pj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(pj);
    if (st == BT_OK && !ptext)
        st = BT_ENOMEM;
    if (st == BT_OK) {
        struct dlv_key k;
        dlv_key_init(&k, DLV_T_PARAMS);
        st = dlv_state_put(&a->st, &k, (const uint8_t *)ptext, strlen(ptext));
    }
    free(ptext);
    if (st == BT_OK)
        st = genesis_state(a, j, err, err_cap);
    json_decref(j);
    if (st == BT_OK)
        st = dlv_state_tx_commit(&a->st);
    if (st == BT_OK)
        st = dlv_app_commit_height(a, 0, NULL, NULL);
    if (st != BT_OK) {
        dlv_state_block_abort(&a->st);
        memset(&a->p, 0, sizeof a->p);
        return st;
    }
    a->have_genesis = 1;
    return BT_OK;
}
