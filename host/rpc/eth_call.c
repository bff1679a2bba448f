/* eth_call (block tag, state override) and eth_estimateGas (binary search) on the chain's
 * message executor (chain_call), with go-ethereum's answers: internal/ethapi/api.go (DoCall,
 * DoEstimateGas, revertError), internal/ethapi/transaction_args.go (defaults),
 * eth/gasestimator (search bounds and the 1.5 % stopping rule), accounts/abi (Error(string)). */
#include "eth_int.h"

#include "chain_trace_int.h"
#include "structlog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/json.h>
#include <bts/rlp.h>

#define TX_GAS 21000u /* params.TxGas: the lower bound of any estimate */

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

static void reply_revert(struct bt_rpc_call *call, const uint8_t *out, size_t out_len)
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

struct call_args {
    struct chain_msg m;
    int has_gas, has_fee;
    struct bts_u256 max_fee, max_tip;
    uint8_t *data;
    struct bts_buf access; /* RLP list */
};

static void call_args_free(struct call_args *a)
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
static bt_status parse_call(struct call_args *a, const json_t *o, char *err, size_t err_cap)
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
static bt_status apply_override(struct state *st, const json_t *ov, char *err, size_t err_cap)
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

/* --- execution ------------------------------------------------------------------------------ */

struct run {
    struct eth_api *api;
    struct chain_header hd; /* the block the call is in */
    struct bts_header blk;  /* its context (base fee zeroed for a zero-price call) */
    const json_t *override;
    struct call_args a;
    int is_override_bad; /* the last run_once failed on the override: argument error */
};

/* One execution of a.m on a fresh state. Returns chain_call's status; *out as chain_call. */
static bt_status run_traced(struct run *r, uint64_t gas, const struct bt_evm_tracer *tracer,
                            struct bt_evm_result *out, char *err, size_t err_cap)
{
    struct state *st = NULL;
    bt_status rc = chain_state_at(r->api->c, r->hd.hash, &st);
    if (rc != BT_OK) {
        snprintf(err, err_cap, "%s", rc == BT_ENOTFOUND ? "header not found" : bts_status_str(rc));
        return rc == BT_ENOTFOUND ? BT_EIO : rc;
    }
    r->is_override_bad = 0;
    if ((rc = apply_override(st, r->override, err, err_cap)) != BT_OK)
        r->is_override_bad = rc == BT_EINVAL;
    else {
        struct chain_msg m = r->a.m;
        m.gas = gas;
        rc = tracer ? chain_trace_call(r->api->c, st, &r->blk, &m, tracer, out, err, err_cap)
                    : chain_call(r->api->c, st, &r->blk, &m, out, err, err_cap);
    }
    state_free(st);
    return rc;
}

static bt_status run_once(struct run *r, uint64_t gas, struct bt_evm_result *out, char *err,
                          size_t err_cap)
{
    return run_traced(r, gas, NULL, out, err, err_cap);
}

/* Parse [call, block?, override?] and set up the run. Answers on failure. */
static int prepare(struct eth_api *api, struct bt_rpc_call *call, json_t *p, struct run *r)
{
    char err[300];
    memset(r, 0, sizeof(*r));
    r->api = api;
    if (parse_call(&r->a, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        return -1;
    }
    if (json_array_size(p) > 1 && !json_is_null(json_array_get(p, 1))) {
        if (eth_block_arg(api, call, p, 1, &r->hd, NULL) != BT_OK)
            return -1;
    } else {
        json_t *latest = json_pack("[s,s]", "", "latest");
        bt_status rc = eth_block_arg(api, call, latest, 1, &r->hd, NULL);
        json_decref(latest);
        if (rc != BT_OK)
            return -1;
    }
    r->override = json_array_get(p, 2);
    r->blk = r->hd.h;
    int is_london = r->blk.n_optional >= BTS_HEADER_OPT_BASE_FEE;
    if (r->a.has_fee) {
        /* Effective price: min(maxFee, baseFee + tip) (transaction_args.go ToMessage). */
        struct bts_u256 eff = r->blk.base_fee;
        bts_u256_add(&eff, &eff, &r->a.max_tip);
        if (bts_u256_is_zero(&r->a.max_fee) || bts_u256_lt(&r->a.max_fee, &eff))
            eff = r->a.max_fee;
        r->a.m.gas_price = eff;
    }
    /* A call without any price runs with no base fee (geth: NoBaseFee for eth_call). */
    if (is_london && bts_u256_is_zero(&r->a.m.gas_price))
        r->blk.base_fee = bts_u256_from_u64(0);
    return 0;
}

static uint64_t cap_gas(const struct run *r, uint64_t g)
{
    uint64_t cap = r->api->gas_cap;
    if (cap && g > cap)
        g = cap;
    if (g > r->blk.gas_limit)
        g = r->blk.gas_limit;
    return g;
}

static void m_call(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 3, 1, &p) != BT_OK)
        return;
    struct run r;
    char err[300];
    if (prepare(api, call, p, &r) == 0) {
        struct bt_evm_result out;
        uint64_t gas = cap_gas(&r, r.a.has_gas ? r.a.m.gas : r.blk.gas_limit);
        bt_status rc = run_once(&r, gas, &out, err, sizeof(err));
        if (rc != BT_OK && r.is_override_bad) {
            eth_bad_arg(call, 2, err);
        } else if (rc != BT_OK) {
            eth_server_error(call, err[0] ? err : bts_status_str(rc));
        } else {
            if (out.outcome == BT_EVM_SUCCESS)
                eth_reply(call, bts_json_new_data(out.output, out.output_len));
            else if (out.outcome == BT_EVM_REVERT)
                reply_revert(call, out.output, out.output_len);
            else
                eth_server_error(call, out.gas_used >= gas ? "out of gas" : "execution failed");
            if (out.release)
                out.release(&out);
        }
    }
    chain_header_free(&r.hd);
    call_args_free(&r.a);
    json_decref(p);
}

/* Outcome of one try at `gas`: 1 success, 0 failure (out of gas or reverted; revert data
 * kept in *rev when asked), -1 error (err). */
static int try_gas(struct run *r, uint64_t gas, uint64_t *out_used, uint8_t **rev, size_t *rev_len,
                   int *is_revert, char *err, size_t err_cap)
{
    struct bt_evm_result out;
    err[0] = '\0';
    bt_status rc = run_once(r, gas, &out, err, err_cap);
    if (rc == BT_EINVAL) {
        /* "intrinsic gas too low" and friends: too little gas, keep searching. */
        if (strstr(err, "intrinsic gas") || strstr(err, "gas too low"))
            return 0;
        return -1;
    }
    if (rc != BT_OK)
        return -1;
    int ok = out.outcome == BT_EVM_SUCCESS;
    if (out_used)
        *out_used = out.gas_used;
    if (!ok && rev) {
        *is_revert = out.outcome == BT_EVM_REVERT;
        free(*rev);
        *rev = malloc(out.output_len ? out.output_len : 1);
        if (*rev)
            memcpy(*rev, out.output, out.output_len);
        *rev_len = *rev ? out.output_len : 0;
    }
    if (out.release)
        out.release(&out);
    return ok;
}

/* Whether the call's target has no code (in the state of the block, after overrides). */
static int is_plain_target(struct run *r)
{
    struct state *st = NULL;
    char err[64];
    int plain = 0;
    if (chain_state_at(r->api->c, r->hd.hash, &st) == BT_OK &&
        apply_override(st, r->override, err, sizeof(err)) == BT_OK) {
        struct bt_value code = {0};
        bt_status rc = state_evm_iface.get_code(st, r->a.m.to.bytes, &code);
        plain = rc == BT_ENOTFOUND || (rc == BT_OK && code.len == 0);
        if (code.release)
            code.release(&code);
    }
    state_free(st);
    return plain;
}

static void m_estimate(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 3, 1, &p) != BT_OK)
        return;
    struct run r;
    char err[300];
    uint8_t *rev = NULL;
    size_t rev_len = 0;
    int is_revert = 0;
    if (prepare(api, call, p, &r) != 0)
        goto out;
    uint64_t hi = cap_gas(&r, r.a.has_gas && r.a.m.gas >= TX_GAS ? r.a.m.gas : r.blk.gas_limit);
    uint64_t lo = TX_GAS - 1, used = 0;
    /* geth: a plain transfer to an account without code costs exactly 21000. */
    int ok = try_gas(&r, hi, &used, &rev, &rev_len, &is_revert, err, sizeof(err));
    if (ok < 0) {
        if (r.is_override_bad)
            eth_bad_arg(call, 2, err);
        else
            eth_server_error(call, err[0] ? err : "internal error");
        goto out;
    }
    if (!ok) {
        if (is_revert) {
            reply_revert(call, rev, rev_len);
        } else {
            char m[100];
            snprintf(m, sizeof(m), "gas required exceeds allowance (%llu)", (unsigned long long)hi);
            eth_server_error(call, m);
        }
        goto out;
    }
    /* geth: a plain transfer (no data, to an account without code) costs exactly 21000. */
    if (r.a.m.has_to && r.a.m.data_len == 0 && used == TX_GAS && is_plain_target(&r)) {
        eth_reply(call, bts_json_new_u64(TX_GAS));
        goto out;
    }
    /* The gas used (after refunds) minus one can never suffice... except with refunds, which
     * the search below covers: start just under it. */
    if (used > 0 && used - 1 > lo)
        lo = used - 1 < hi ? used - 1 : lo;
    /* geth's optimistic first guess: used * 64/63 covers the 1/64 rule of nested calls. */
    uint64_t guess = used + used / 63 + 2300;
    if (guess > lo && guess < hi) {
        int g = try_gas(&r, guess, NULL, NULL, NULL, NULL, err, sizeof(err));
        if (g < 0) {
            eth_server_error(call, err[0] ? err : "internal error");
            goto out;
        }
        if (g)
            hi = guess;
        else
            lo = guess;
    }
    while (lo + 1 < hi) {
        /* geth's stopping rule: within 1.5 % of the upper bound is close enough. */
        if ((double)(hi - lo) / (double)hi < 0.015)
            break;
        uint64_t mid = lo + (hi - lo) / 2;
        int g = try_gas(&r, mid, NULL, NULL, NULL, NULL, err, sizeof(err));
        if (g < 0) {
            eth_server_error(call, err[0] ? err : "internal error");
            goto out;
        }
        if (g)
            hi = mid;
        else
            lo = mid;
    }
    eth_reply(call, bts_json_new_u64(hi));
out:
    free(rev);
    chain_header_free(&r.hd);
    call_args_free(&r.a);
    json_decref(p);
}

bt_status eth_trace_opts(struct bt_rpc_call *call, const json_t *opts, size_t idx,
                         struct structlog_cfg *out)
{
    char err[200];
    const json_t *t = json_object_get(opts, "tracer");
    if (json_is_string(t) && json_string_length(t) &&
        strcmp(json_string_value(t), "structLogger")) {
        snprintf(err, sizeof(err),
                 "tracer %.100s is not supported (only the default struct logger)",
                 json_string_value(t));
        eth_server_error(call, err);
        return BT_ENOTSUP;
    }
    if (opts && !json_is_null(opts) && !json_is_object(opts)) {
        eth_bad_arg(call, idx,
                    "json: cannot unmarshal non-object into Go value of type "
                    "tracers.TraceConfig");
        return BT_EINVAL;
    }
    if (structlog_cfg_from_json(out, opts, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, idx, err);
        return BT_EINVAL;
    }
    return BT_OK;
}

/* debug_traceCall(call, block, {tracer options, stateOverrides}): geth's struct logger. */
static void m_trace_call(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 3, 1, &p) != BT_OK)
        return;
    struct run r;
    char err[300];
    struct structlog_cfg lcfg;
    struct structlog *sl = NULL;
    const json_t *opts = json_array_get(p, 2);
    if (prepare(api, call, p, &r) == 0 && eth_trace_opts(call, opts, 2, &lcfg) == BT_OK) {
        r.override = json_object_get(opts, "stateOverrides");
        struct bt_evm_result out;
        json_t *res = NULL;
        uint64_t gas = cap_gas(&r, r.a.has_gas ? r.a.m.gas : r.blk.gas_limit);
        bt_status rc = structlog_new(&sl, &lcfg);
        if (rc == BT_OK)
            rc = run_traced(&r, gas, structlog_tracer(sl), &out, err, sizeof(err));
        if (rc != BT_OK && r.is_override_bad) {
            eth_bad_arg(call, 2, err);
        } else if (rc != BT_OK) {
            eth_server_error(call, err[0] ? err : bts_status_str(rc));
        } else {
            rc = structlog_result(sl, &out, &res);
            if (out.release)
                out.release(&out);
            if (rc == BT_OK)
                eth_reply(call, res);
            else
                rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        }
    }
    structlog_free(sl);
    chain_header_free(&r.hd);
    call_args_free(&r.a);
    json_decref(p);
}

bt_status eth_call_register(struct eth_api *api)
{
    bt_status rc = rpc_register(api->srv, api, "eth_call", 0, m_call, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "debug_traceCall", 0, m_trace_call, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_estimateGas", 0, m_estimate, api);
    return rc;
}
