/* Arguments of the call methods (eth_call, eth_estimateGas, debug_traceCall): geth's
 * TransactionArgs into a chain message, the state override applied to a state, and the error
 * geth answers for a reverted call. go-ethereum internal/ethapi/transaction_args.go,
 * internal/ethapi/api.go (StateOverride.Apply, revertError), accounts/abi (UnpackRevert). */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/json.h>
#include <bts/rlp.h>

/* --- revert errors ---------------------------------------------------------------------- */

static uint64_t be_word_u64(const uint8_t *w, int *out_big)
{
    uint64_t v = 0;
    *out_big = 0;
    for (int i = 0; i < 24; i++)
        if (w[i])
            *out_big = 1;
    for (int i = 24; i < 32; i++)
        v = v << 8 | w[i];
    return v;
}

char *eth_revert_error(const uint8_t *out, size_t out_len, char *msg, size_t msg_cap)
{
    snprintf(msg, msg_cap, "execution reverted");
    /* Error(string): selector 0x08c379a0, then offset, length, bytes (abi.UnpackRevert). */
    static const uint8_t sel[4] = {0x08, 0xc3, 0x79, 0xa0};
    if (out_len >= 4 + 64 && memcmp(out, sel, 4) == 0) {
        const uint8_t *a = out + 4;
        size_t n = out_len - 4;
        int big1, big2;
        uint64_t off = be_word_u64(a, &big1);
        if (!big1 && off <= n - 32) {
            uint64_t len = be_word_u64(a + off, &big2);
            if (!big2 && len <= n - off - 32)
                snprintf(msg, msg_cap, "execution reverted: %.*s", (int)len,
                         (const char *)a + off + 32);
        }
    }
    json_t *d = bts_json_new_data(out, out_len);
    char *text = d ? json_dumps(d, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    json_decref(d);
    return text;
}

void eth_reply_revert(struct bt_rpc_call *call, const uint8_t *out, size_t out_len)
{
    char msg[1024];
    char *data = eth_revert_error(out, out_len, msg, sizeof(msg));
    if (!data) {
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    rpc_call_error(call, 3, msg, data);
    free(data);
}

/* --- arguments ---------------------------------------------------------------------------- */

void eth_call_args_free(struct eth_call_args *a)
{
    free(a->data);
    bts_buf_free(&a->access);
}

/* The access list as the RLP a transaction carries: [[addr, [key, ..]], ..]. */
static bt_status access_rlp(struct bts_buf *b, const json_t *list, char *err, size_t err_cap)
{
    if (!json_is_array(list)) {
        snprintf(err, err_cap, "accessList: not an array");
        return BT_EINVAL;
    }
    size_t outer;
    bt_status rc = bts_rlp_list_begin(b, &outer);
    for (size_t i = 0; rc == BT_OK && i < json_array_size(list); i++) {
        const json_t *e = json_array_get(list, i);
        const json_t *keys = json_object_get(e, "storageKeys");
        uint8_t addr[20], key[32];
        size_t tuple, kl;
        if (bts_json_get_address(addr, e, "address", err, err_cap) != BT_OK)
            return BT_EINVAL;
        if ((rc = bts_rlp_list_begin(b, &tuple)) != BT_OK ||
            (rc = bts_rlp_encode_bytes(b, addr, 20)) != BT_OK ||
            (rc = bts_rlp_list_begin(b, &kl)) != BT_OK)
            break;
        for (size_t k = 0; rc == BT_OK && k < json_array_size(keys); k++) {
            if (bts_json_as_hash(key, json_array_get(keys, k), err, err_cap) != BT_OK)
                return BT_EINVAL;
            rc = bts_rlp_encode_bytes(b, key, 32);
        }
        if (rc == BT_OK && (rc = bts_rlp_list_end(b, kl)) == BT_OK)
            rc = bts_rlp_list_end(b, tuple);
    }
    if (rc == BT_OK)
        rc = bts_rlp_list_end(b, outer);
    return rc;
}

static bt_status get_u256(struct bts_u256 *out, const json_t *o, const char *key, int *out_has,
                          char *err, size_t err_cap)
{
    uint8_t be[32];
    bt_status rc = bts_json_get_u256(be, o, key, err, err_cap);
    *out_has = rc == BT_OK;
    if (rc == BT_ENOTFOUND)
        return BT_OK;
    if (rc == BT_OK)
        bts_u256_load_be(out, be);
    return rc;
}

/* geth TransactionArgs: from, to, gas, gasPrice | maxFeePerGas + maxPriorityFeePerGas,
 * value, input | data (equal when both), accessList. */
bt_status eth_call_args_parse(struct eth_call_args *a, const json_t *o, char *err, size_t err_cap)
{
    memset(a, 0, sizeof(*a));
    bts_buf_init(&a->access);
    if (!json_is_object(o)) {
        snprintf(err, err_cap,
                 "json: cannot unmarshal non-object into Go value of type "
                 "ethapi.TransactionArgs");
        return BT_EINVAL;
    }
    bt_status rc = bts_json_get_address(a->m.from.bytes, o, "from", err, err_cap);
    if (rc != BT_OK && rc != BT_ENOTFOUND)
        return rc;
    rc = bts_json_get_address(a->m.to.bytes, o, "to", err, err_cap);
    if (rc != BT_OK && rc != BT_ENOTFOUND)
        return rc;
    a->m.has_to = rc == BT_OK;
    rc = bts_json_get_u64(&a->m.gas, o, "gas", err, err_cap);
    if (rc != BT_OK && rc != BT_ENOTFOUND)
        return rc;
    a->has_gas = rc == BT_OK;
    int has_price, has_fee, has_tip, has_value;
    if ((rc = get_u256(&a->m.gas_price, o, "gasPrice", &has_price, err, err_cap)) != BT_OK ||
        (rc = get_u256(&a->max_fee, o, "maxFeePerGas", &has_fee, err, err_cap)) != BT_OK ||
        (rc = get_u256(&a->max_tip, o, "maxPriorityFeePerGas", &has_tip, err, err_cap)) != BT_OK ||
        (rc = get_u256(&a->m.value, o, "value", &has_value, err, err_cap)) != BT_OK)
        return rc;
    if (has_price && (has_fee || has_tip)) {
        snprintf(err, err_cap,
                 "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) "
                 "specified");
        return BT_EINVAL;
    }
    a->has_fee = has_fee || has_tip;
    if (has_fee && has_tip && bts_u256_lt(&a->max_fee, &a->max_tip)) {
        snprintf(err, err_cap, "maxFeePerGas (%s) < maxPriorityFeePerGas (%s)", "fee", "tip");
        return BT_EINVAL;
    }
    uint8_t *in = NULL, *dt = NULL;
    size_t in_len = 0, dt_len = 0;
    rc = bts_json_get_data(&in, &in_len, o, "input", err, err_cap);
    if (rc != BT_OK && rc != BT_ENOTFOUND)
        return rc;
    bt_status rd = bts_json_get_data(&dt, &dt_len, o, "data", err, err_cap);
    if (rd != BT_OK && rd != BT_ENOTFOUND) {
        free(in);
        return rd;
    }
    if (in && dt && (in_len != dt_len || memcmp(in, dt, in_len) != 0)) {
        free(in);
        free(dt);
        snprintf(err, err_cap,
                 "both \"data\" and \"input\" are set and not equal. Please use "
                 "\"input\" to pass transaction call data");
        return BT_EINVAL;
    }
    a->data = in ? in : dt;
    a->m.data_len = in ? in_len : dt_len;
    if (in)
        free(dt);
    a->m.data = a->data;
    const json_t *al = json_object_get(o, "accessList");
    if (al && !json_is_null(al)) {
        if ((rc = access_rlp(&a->access, al, err, err_cap)) != BT_OK)
            return rc;
        a->m.access_list = a->access.data;
        a->m.access_list_len = a->access.len;
    }
    return BT_OK;
}

/* --- state override ----------------------------------------------------------------------- */

/* {ADDR: {balance, nonce, code, state | stateDiff}} onto st (geth StateOverride.Apply). */
bt_status eth_state_override(struct state *st, const json_t *ov, char *err, size_t err_cap)
{
    if (!ov || json_is_null(ov))
        return BT_OK;
    if (!json_is_object(ov)) {
        snprintf(err, err_cap,
                 "json: cannot unmarshal non-object into Go value of type "
                 "ethapi.StateOverride");
        return BT_EINVAL;
    }
    const char *k;
    json_t *acc;
    json_object_foreach((json_t *)ov, k, acc)
    {
        struct bt_evm_account_change ch;
        memset(&ch, 0, sizeof(ch));
        json_t *ks = json_string(k);
        bt_status rc = bts_json_as_address(ch.address, ks, err, err_cap);
        json_decref(ks);
        if (rc != BT_OK)
            return rc;
        const json_t *state = json_object_get(acc, "state"),
                     *diff = json_object_get(acc, "stateDiff");
        if (state && !json_is_null(state) && diff && !json_is_null(diff)) {
            snprintf(err, err_cap, "account %s has both 'state' and 'stateDiff'", k);
            return BT_EINVAL;
        }
        /* Current values for the fields not overridden. */
        uint8_t ch_hash[32];
        struct bt_value code = {0};
        if (state_evm_iface.get_account(st, ch.address, &ch.nonce, ch.balance, ch_hash) ==
            BT_ENOTFOUND) {
            ch.nonce = 0;
            memset(ch.balance, 0, 32);
        }
        uint8_t *new_code = NULL;
        size_t new_len = 0;
        rc = bts_json_get_u64(&ch.nonce, acc, "nonce", err, err_cap);
        if (rc == BT_OK || rc == BT_ENOTFOUND)
            rc = bts_json_get_u256(ch.balance, acc, "balance", err, err_cap);
        if (rc == BT_OK || rc == BT_ENOTFOUND)
            rc = bts_json_get_data(&new_code, &new_len, acc, "code", err, err_cap);
        if (rc != BT_OK && rc != BT_ENOTFOUND)
            return rc;
        if (!new_code) {
            if (state_evm_iface.get_code(st, ch.address, &code) == BT_OK) {
                ch.code = code.data;
                ch.code_len = code.len;
            }
        } else {
            ch.code = new_code;
            ch.code_len = new_len;
        }
        ch.flags = BT_EVM_ACCOUNT_CODE;
        const json_t *slots = state && !json_is_null(state) ? state : diff;
        if (slots == state && slots)
            ch.flags |= BT_EVM_ACCOUNT_CREATED; /* replaces the whole storage */
        size_t n = json_object_size(slots);
        struct bt_evm_storage_change *sc = n ? calloc(n, sizeof(*sc)) : NULL;
        const char *sk;
        json_t *sv;
        size_t i = 0;
        rc = n && !sc ? BT_ENOMEM : BT_OK;
        if (sc) {
            json_object_foreach((json_t *)slots, sk, sv)
            {
                json_t *kj = json_string(sk);
                rc = bts_json_as_hash(sc[i].key, kj, err, err_cap);
                json_decref(kj);
                if (rc == BT_OK)
                    rc = bts_json_as_hash(sc[i].value, sv, err, err_cap);
                if (rc != BT_OK)
                    break;
                i++;
            }
        }
        ch.storage = sc;
        ch.n_storage = i;
        struct bt_evm_result r;
        memset(&r, 0, sizeof(r));
        r.struct_size = sizeof(r);
        r.changes = &ch;
        r.n_changes = 1;
        if (rc == BT_OK)
            rc = state_apply(st, &r);
        free(sc);
        free(new_code);
        if (code.release)
            code.release(&code);
        if (rc != BT_OK)
            return rc;
    }
    return BT_OK;
}
