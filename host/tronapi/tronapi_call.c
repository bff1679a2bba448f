/* wallet/triggerconstantcontract (a dry run on the EVM) and wallet/triggersmartcontract (an
 * unsigned transaction with a TaPoS reference to the head, expiration head + 60 s and the
 * caller's fee_limit), ROOTCHAINS.md §1.6 items 2-3 and §4.2. */
#include "tronapi_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>

/* The call a trigger request describes. data is built in `data`. NULL: ok; else a message. */
static const char *parse_trigger(const json_t *p, struct bts_tron_tx *tx, struct bts_buf *data)
{
    memset(tx, 0, sizeof(*tx));
    tx->type = BTS_TRON_TRIGGER_SMART_CONTRACT;
    if (json_is_true(json_object_get(p, "visible")))
        return "visible=true is not supported by the dev TRON API";
    if (!json_object_get(p, "owner_address"))
        return "owner_address isn't set.";
    if (tronapi_get_address(tx->owner, p, "owner_address") != BT_OK)
        return "owner_address is not a TRON address";
    if (tronapi_get_address(tx->to, p, "contract_address") != BT_OK)
        return "contract_address is not a TRON address";
    if (tronapi_get_i64(&tx->amount, p, "call_value", 0) != BT_OK)
        return "call_value must be a non-negative integer";
    if (tronapi_get_i64(&tx->fee_limit, p, "fee_limit", 0) != BT_OK ||
        tx->fee_limit > TRONAPI_MAX_FEE_LIMIT)
        return "fee_limit must be in [0, getMaxFeeLimit]";
    const char *d = json_string_value(json_object_get(p, "data"));
    const char *sel = json_string_value(json_object_get(p, "function_selector"));
    const char *par = json_string_value(json_object_get(p, "parameter"));
    if (d) {
        if (bts_hex_decode_buf(data, d, strlen(d), 0) != BT_OK)
            return "data is not hex";
    } else if (sel) {
        uint8_t h[32];
        bts_keccak256(h, sel, strlen(sel));
        if (bts_buf_append(data, h, 4) != BT_OK ||
            (par && bts_hex_decode_buf(data, par, strlen(par), 0) != BT_OK))
            return "parameter is not hex";
    }
    tx->data = data->len ? data->data : NULL;
    tx->data_len = data->len;
    return NULL;
}

/* The unsigned transaction for tx at block `hd` (TaPoS reference and times), java-tron JSON. */
static json_t *build_tx(struct bts_tron_tx *tx, const struct chain_header *hd)
{
    uint8_t id[32];
    tronapi_block_id(id, hd->h.number, hd->hash);
    bts_tron_tx_set_ref(tx, id);
    tx->timestamp = (int64_t)hd->h.time * 1000;
    tx->expiration = tx->timestamp + TRONAPI_EXPIRATION_MS;
    struct bts_buf raw;
    bts_buf_init(&raw);
    json_t *j =
        bts_tron_tx_encode(&raw, tx) == BT_OK ? tronapi_tx_json(raw.data, raw.len, NULL, 0) : NULL;
    bts_buf_free(&raw);
    return j;
}

/* Whether the contract has code at the block. */
static int has_code(struct state *st, const uint8_t evm[20])
{
    struct bt_value code;
    memset(&code, 0, sizeof(code));
    if (state_evm_iface.get_code(st, evm, &code) != BT_OK)
        return 0;
    int has = code.len > 0;
    if (code.release)
        code.release(&code);
    return has;
}

static json_t *trigger(struct tronapi *t, const json_t *p, int is_solid, int is_constant)
{
    struct bts_tron_tx tx;
    struct bts_buf data;
    bts_buf_init(&data);
    const char *why = parse_trigger(p, &tx, &data);
    if (why) {
        bts_buf_free(&data);
        return tronapi_result_error("CONTRACT_VALIDATE_ERROR", why);
    }
    uint64_t n;
    uint8_t hash[32];
    chain_head(t->o.chain, &n, hash);
    if (is_solid)
        n = tronapi_solid_head(t);
    struct chain_header hd;
    struct state *st = NULL;
    memset(&hd, 0, sizeof(hd));
    json_t *ans = NULL;
    if (chain_header_by_number(t->o.chain, n, &hd) != BT_OK ||
        chain_state_at(t->o.chain, hd.hash, &st) != BT_OK) {
        ans = tronapi_result_error("OTHER_ERROR", "state not available");
        goto out;
    }
    struct chain_msg m;
    memset(&m, 0, sizeof(m));
    memcpy(m.from.bytes, tx.owner + 1, 20);               /* 0x41 ‖ 20, checked by parsing */
    memcpy(m.to.bytes, tronapi_to_evm(t, tx.to + 1), 20); /* 0x41 ‖ 20, checked by parsing */
    m.has_to = 1;
    if (!has_code(st, m.to.bytes)) {
        ans = tronapi_result_error("CONTRACT_VALIDATE_ERROR",
                                   "No contract or not a valid smart contract");
        goto out;
    }
    json_t *txj = build_tx(&tx, &hd);
    if (!txj)
        goto out;
    if (!is_constant) {
        ans = json_pack("{s:{s:b},s:o}", "result", "result", 1, "transaction", txj);
        goto out;
    }
    struct bts_u256 sun = bts_u256_from_u64((uint64_t)tx.amount),
                    scale = bts_u256_from_u64(1000000000000ULL);
    bts_u256_mul(&m.value, &sun, &scale);
    /* the unsigned transaction above keeps the TRON view; the EVM runs on EVM addresses */
    tronapi_rewrite_words(t, data.data, data.len, 1);
    m.data = tx.data;
    m.data_len = tx.data_len;
    struct bt_evm_result r;
    char err[256] = "";
    memset(&r, 0, sizeof(r));
    bt_status rc = chain_call(t->o.chain, st, &hd.h, &m, &r, err, sizeof(err));
    if (rc != BT_OK) {
        json_decref(txj);
        ans = tronapi_result_error(rc == BT_EINVAL ? "CONTRACT_VALIDATE_ERROR" : "OTHER_ERROR",
                                   err[0] ? err : "call failed");
        goto out;
    }
    if (r.outcome == BT_EVM_FAILURE) {
        json_decref(txj);
        ans = tronapi_result_error("OTHER_ERROR",
                                   "class org.tron.core.vm.program.Program$OutOfEnergyException "
                                   ": execution failed (exceptional halt)");
    } else {
        int is_revert = r.outcome == BT_EVM_REVERT;
        static const char revert_msg[] = "REVERT opcode executed";
        json_t *res = is_revert ? json_pack("{s:b,s:o}", "result", 1, "message",
                                            tronapi_jhex(revert_msg, sizeof(revert_msg) - 1))
                                : json_pack("{s:b}", "result", 1);
        json_t *ret = is_revert ? json_pack("[{s:s}]", "ret", "FAILED") : json_pack("[{}]");
        if (ret)
            json_object_set_new(txj, "ret", ret);
        ans = res ? json_pack("{s:o,s:I,s:[o],s:o}", "result", res, "energy_used",
                              (json_int_t)r.gas_used, "constant_result",
                              tronapi_jhex_view(t, r.output, r.output_len), "transaction", txj)
                  : NULL;
        if (!res)
            json_decref(txj);
    }
    if (r.release)
        r.release(&r);
out:
    state_free(st);
    chain_header_free(&hd);
    bts_buf_free(&data);
    return ans;
}

json_t *tronapi_triggerconstant(struct tronapi *t, const json_t *params, int is_solid)
{
    return trigger(t, params, is_solid, 1);
}

json_t *tronapi_triggersmart(struct tronapi *t, const json_t *params, int is_solid)
{
    return trigger(t, params, is_solid, 0);
}
