/* Blocks, accounts, contracts and chain parameters of the dev TRON API (ROOTCHAINS.md §1.6, §4.2):
 * EVM blocks shown as TRON blocks (block id = number ‖ hash[8..31], times in ms), balances in
 * sun (wei / 10^12). */
#include "tronapi_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/header.h>
#include <bts/hex.h>
#include <bts/keccak.h>

static int set(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0;
}

/* The TRON transactions of a block: those broadcast through this API, with their outcome. */
static int add_block_txs(struct tronapi *t, json_t *blk, uint64_t number)
{
    struct chain_body body;
    memset(&body, 0, sizeof(body));
    if (chain_body_by_number(t->o.chain, number, &body) != BT_OK)
        return 1;
    struct chain_receipts rs;
    memset(&rs, 0, sizeof(rs));
    int has_rs = 0, ok = 1;
    json_t *arr = NULL;
    for (size_t i = 0; ok && i < body.n_txs; i++) {
        const struct tronapi_rec *r = tronapi_rec_by_evm(t, body.txs[i].hash.bytes);
        if (!r)
            continue;
        if (!has_rs)
            has_rs = chain_receipts_by_number(t->o.chain, number, &rs) == BT_OK ? 1 : -1;
        json_t *tx = tronapi_tx_json(r->raw, r->raw_len,
                                     (const uint8_t(*)[BTS_TRON_SIG_LEN])r->sigs, r->n_sigs);
        int is_ok = has_rs == 1 && i < rs.n && rs.r[i].status == 1;
        json_t *ret = json_pack("[{s:s}]", "contractRet", is_ok ? "SUCCESS" : "REVERT");
        if (!arr)
            arr = json_array();
        ok = tx && ret && arr && set(tx, "ret", ret) && json_array_append_new(arr, tx) == 0;
        if (!ok) {
            json_decref(tx);
            json_decref(ret);
        }
    }
    if (ok && arr)
        ok = set(blk, "transactions", arr);
    else
        json_decref(arr);
    chain_body_free(&body);
    if (has_rs == 1)
        chain_receipts_free(&rs);
    return ok;
}

/* A block as java-tron prints it, {} when there is no such block, NULL on ENOMEM. */
static json_t *block_json(struct tronapi *t, uint64_t number)
{
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    if (chain_header_by_number(t->o.chain, number, &hd) != BT_OK) {
        chain_header_free(&hd);
        return json_object();
    }
    uint8_t id[32], pid[32];
    uint8_t wa[BTS_TRON_ADDR_LEN];
    tronapi_block_id(id, number, hd.hash);
    tronapi_block_id(pid, number ? number - 1 : 0, hd.h.parent_hash.bytes);
    /* The witness is the block's producer: Bor and consensus-dev leave the coinbase zero and
     * seal instead, so the seal's signer names it (java-tron never shows a zero witness). */
    struct bt_address who = hd.h.coinbase;
    static const uint8_t zero[20];
    if (memcmp(who.bytes, zero, 20) == 0 && hd.h.extra_len >= 65 &&
        bts_header_bor_signer(&who, &hd.h, 0) != BT_OK)
        who = hd.h.coinbase;
    bts_tron_address_from_evm(wa, who.bytes);
    json_t *o = json_object(), *raw = json_object(), *bh = json_object();
    int ok = o && raw && bh;
    if (ok && number)
        ok = set(raw, "number", json_integer((json_int_t)number));
    ok = ok && set(raw, "txTrieRoot", tronapi_jhex(hd.h.tx_root.bytes, 32)) &&
         set(raw, "witness_address", tronapi_jhex(wa, sizeof(wa))) &&
         set(raw, "parentHash", tronapi_jhex(pid, 32)) && set(raw, "version", json_integer(30));
    if (ok && hd.h.time)
        ok = set(raw, "timestamp", json_integer((json_int_t)(hd.h.time * 1000)));
    ok = ok && set(bh, "raw_data", json_incref(raw));
    if (ok && hd.h.extra_len >= 65) /* the seal (consensus-dev, Bor): the witness signature */
        ok = set(bh, "witness_signature", tronapi_jhex(hd.h.extra + hd.h.extra_len - 65, 65));
    ok = ok && set(o, "blockID", tronapi_jhex(id, 32)) && set(o, "block_header", json_incref(bh)) &&
         add_block_txs(t, o, number);
    json_decref(raw);
    json_decref(bh);
    chain_header_free(&hd);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static uint64_t head_for(struct tronapi *t, int is_solid)
{
    uint64_t head;
    uint8_t hash[32];
    if (is_solid)
        return tronapi_solid_head(t);
    chain_head(t->o.chain, &head, hash);
    return head;
}

json_t *tronapi_getnowblock(struct tronapi *t, const json_t *params, int is_solid)
{
    (void)params;
    return block_json(t, head_for(t, is_solid));
}

json_t *tronapi_getblockbynum(struct tronapi *t, const json_t *params, int is_solid)
{
    int64_t num;
    if (tronapi_get_i64(&num, params, "num", -1) != BT_OK || num < 0)
        return tronapi_error("num is required");
    if ((uint64_t)num > head_for(t, is_solid))
        return json_object();
    return block_json(t, (uint64_t)num);
}

/* The number of a 32-byte block id, when the id names a canonical block. */
static int block_of_id(struct tronapi *t, const char *s, uint64_t *out)
{
    uint8_t id[32], hash[32];
    if (!s || bts_hex_decode_exact(id, 32, s, strlen(s), 0) != BT_OK)
        return 0;
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n = n << 8 | id[i];
    if (chain_canonical_hash(t->o.chain, n, hash) != BT_OK || memcmp(hash + 8, id + 8, 24) != 0)
        return 0;
    *out = n;
    return 1;
}

json_t *tronapi_getblockbyid(struct tronapi *t, const json_t *params, int is_solid)
{
    uint64_t n;
    if (!block_of_id(t, json_string_value(json_object_get(params, "value")), &n) ||
        n > head_for(t, is_solid))
        return json_object();
    return block_json(t, n);
}

json_t *tronapi_getblock(struct tronapi *t, const json_t *params, int is_solid)
{
    const json_t *v = json_object_get(params, "id_or_num");
    const char *s = json_string_value(v);
    uint64_t head = head_for(t, is_solid), n = head;
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0)
            return tronapi_error("id_or_num must be a number or a block id");
        n = (uint64_t)json_integer_value(v);
    } else if (s && *s && strlen(s) != 64) {
        char *end;
        unsigned long long x = strtoull(s, &end, 10);
        if (*end || *s < '0' || *s > '9')
            return tronapi_error("id_or_num must be a number or a block id");
        n = x;
    } else if (s && *s && !block_of_id(t, s, &n)) {
        return json_object();
    }
    if (n > head)
        return json_object();
    json_t *b = block_json(t, n);
    /* detail=false: java-tron then leaves the transactions out */
    const json_t *d = json_object_get(params, "detail");
    const char *ds = json_string_value(d);
    if (b && !(json_is_true(d) || (ds && strcmp(ds, "true") == 0)))
        json_object_del(b, "transactions");
    return b;
}

/* The state after block `number` (the head or the solid head). */
static bt_status state_for(struct tronapi *t, int is_solid, struct state **out)
{
    uint8_t hash[32];
    bt_status st = chain_canonical_hash(t->o.chain, head_for(t, is_solid), hash);
    return st == BT_OK ? chain_state_at(t->o.chain, hash, out) : st;
}

json_t *tronapi_getaccount(struct tronapi *t, const json_t *params, int is_solid)
{
    uint8_t addr[BTS_TRON_ADDR_LEN], evm[20], bal[32], code_hash[32];
    uint64_t nonce = 0;
    if (tronapi_get_address(addr, params, "address") != BT_OK ||
        bts_tron_address_to_evm(evm, addr) != BT_OK)
        return tronapi_error("address is not a TRON address (41 + 20 bytes hex)");
    struct state *st = NULL;
    if (state_for(t, is_solid, &st) != BT_OK)
        return tronapi_error("state not available");
    bt_status rc = state_evm_iface.get_account(st, evm, &nonce, bal, code_hash);
    state_free(st);
    if (rc == BT_ENOTFOUND)
        return json_object();
    if (rc != BT_OK)
        return tronapi_error("state not available");
    struct bts_u256 wei, q, r, scale = bts_u256_from_u64(1000000000000ULL);
    bts_u256_load_be_bytes(&wei, bal, 32);
    bts_u256_divmod(&q, &r, &wei, &scale);
    uint64_t sun;
    if (bts_u256_to_u64(&sun, &q) != BT_OK || sun > (uint64_t)INT64_MAX)
        sun = (uint64_t)INT64_MAX;
    json_t *o = json_pack("{s:o}", "address", tronapi_jhex(addr, sizeof(addr)));
    if (o && sun && !set(o, "balance", json_integer((json_int_t)sun))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* origin_address, abi, name, consume_user_resource_percent of the creating transaction. */
static void add_create_fields(struct tronapi *t, json_t *o, const struct tronapi_rec *r)
{
    (void)t;
    struct bts_tron_tx tx;
    struct bts_buf data;
    char hex[BTS_TRON_HEX_CAP];
    bts_buf_init(&data);
    if (bts_tron_tx_decode(&tx, &data, r->raw, r->raw_len) == BT_OK &&
        tx.type == BTS_TRON_CREATE_SMART_CONTRACT) {
        bts_tron_address_to_hex(hex, tx.owner);
        json_object_set_new(o, "origin_address", json_string(hex));
        if (tx.abi_len) {
            json_t *abi = tronapi_abi_json(tx.abi, tx.abi_len);
            if (abi)
                json_object_set_new(o, "abi", abi);
        }
        if (tx.name_len)
            json_object_set_new(o, "name", json_stringn(tx.name, tx.name_len));
        if (tx.consume_user_resource_percent)
            json_object_set_new(o, "consume_user_resource_percent",
                                json_integer(tx.consume_user_resource_percent));
        if (tx.origin_energy_limit)
            json_object_set_new(o, "origin_energy_limit", json_integer(tx.origin_energy_limit));
    }
    bts_buf_free(&data);
}

json_t *tronapi_getcontract(struct tronapi *t, const json_t *params, int is_solid)
{
    uint8_t addr[BTS_TRON_ADDR_LEN], evm[20], code_hash[32];
    if (tronapi_get_address(addr, params, "value") != BT_OK ||
        bts_tron_address_to_evm(evm, addr) != BT_OK)
        return tronapi_error("value is not a TRON address (41 + 20 bytes hex)");
    memcpy(evm, tronapi_to_evm(t, evm), 20);
    struct state *st = NULL;
    if (state_for(t, is_solid, &st) != BT_OK)
        return tronapi_error("state not available");
    struct bt_value code;
    memset(&code, 0, sizeof(code));
    bt_status rc = state_evm_iface.get_code(st, evm, &code);
    json_t *o = NULL;
    if (rc == BT_OK && code.len == 0) {
        o = json_object();
    } else if (rc == BT_OK) {
        bts_keccak256(code_hash, code.data, code.len);
        /* No ABI: contracts made through the Ethereum JSON-RPC carry none (ROOTCHAINS.md
         * §4.2.1); the caller loads one (contract.loadAbi). A CreateSmartContract's ABI, name
         * and origin are the ones it carried. */
        o = json_pack("{s:o,s:o,s:i,s:o}", "contract_address", tronapi_jhex(addr, sizeof(addr)),
                      "bytecode", tronapi_jhex(code.data, code.len), "origin_energy_limit",
                      10000000, "code_hash", tronapi_jhex(code_hash, 32));
        const struct tronapi_alias *al = tronapi_alias_find(t, addr + 1);
        if (o && al)
            add_create_fields(t, o, &t->recs[al->rec]);
    } else {
        o = tronapi_error("state not available");
    }
    if (rc == BT_OK && code.release)
        code.release(&code);
    state_free(st);
    return o;
}

json_t *tronapi_getchainparameters(struct tronapi *t, const json_t *params, int is_solid)
{
    (void)t, (void)params, (void)is_solid;
    return json_pack("{s:[{s:s,s:I},{s:s,s:I},{s:s,s:I}]}", "chainParameter", "key",
                     "getMaxFeeLimit", "value", (json_int_t)TRONAPI_MAX_FEE_LIMIT, "key",
                     "getEnergyFee", "value", (json_int_t)TRONAPI_ENERGY_FEE, "key",
                     "getTransactionFee", "value", (json_int_t)1000);
}
