/* eth_call (block tag, state override), eth_estimateGas (binary search) and debug_traceCall
 * on the chain's message executor (chain_call), with go-ethereum's answers:
 * internal/ethapi/api.go (DoCall, DoEstimateGas), eth/gasestimator (search bounds and the
 * 1.5 % stopping rule), eth/tracers/api.go (TraceCall). Arguments: eth_callargs.c. */
#include "eth_int.h"

#include "chain_trace_int.h"
#include "structlog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/json.h>

#define TX_GAS 21000u /* params.TxGas: the lower bound of any estimate */

/* --- execution ------------------------------------------------------------------------------ */

struct run {
    struct eth_api *api;
    struct chain_header hd; /* the block the call is in ("pending": chain_pending's) */
    int is_pending;         /* the state is chain_pending's, rebuilt for every run */
    struct bts_header blk;  /* its context (base fee zeroed for a zero-price call) */
    const json_t *override;
    struct eth_call_args a;
    int is_override_bad; /* the last run_once failed on the override: argument error */
};

/* A fresh state of the run's block: the block's, or the pending block's (geth 1.10: "pending"
 * reads the miner's pending state: head + the pool's pending transactions). */
static bt_status run_state(struct run *r, struct state **st, char *err, size_t err_cap)
{
    if (r->is_pending)
        return chain_pending(r->api->c, st, NULL, NULL, err, err_cap);
    return chain_state_at(r->api->c, r->hd.hash, st);
}

/* One execution of a.m on a fresh state. Returns chain_call's status; *out as chain_call. */
static bt_status run_traced(struct run *r, uint64_t gas, const struct bt_evm_tracer *tracer,
                            struct bt_evm_result *out, char *err, size_t err_cap)
{
    struct state *st = NULL;
    err[0] = '\0';
    bt_status rc = run_state(r, &st, err, err_cap);
    if (rc != BT_OK) {
        if (!err[0] || rc == BT_ENOTFOUND)
            snprintf(err, err_cap, "%s",
                     rc == BT_ENOTFOUND ? "header not found" : bts_status_str(rc));
        return rc == BT_ENOTFOUND ? BT_EIO : rc;
    }
    r->is_override_bad = 0;
    if ((rc = eth_state_override(st, r->override, err, err_cap)) != BT_OK)
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
    if (eth_call_args_parse(&r->a, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        return -1;
    }
    if (json_array_size(p) > 1 && !json_is_null(json_array_get(p, 1))) {
        if (eth_block_arg(api, call, p, 1, &r->hd, &r->is_pending) != BT_OK)
            return -1;
        if (r->is_pending) {
            chain_header_free(&r->hd);
            err[0] = '\0';
            bt_status rc = chain_pending(api->c, NULL, &r->hd, NULL, err, sizeof(err));
            if (rc != BT_OK) {
                eth_server_error(call, err[0] ? err : bts_status_str(rc));
                return -1;
            }
        }
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
                rpc_call_result_json(call, bts_json_new_data(out.output, out.output_len));
            else if (out.outcome == BT_EVM_REVERT)
                eth_reply_revert(call, out.output, out.output_len);
            else
                eth_server_error(call, out.gas_used >= gas ? "out of gas" : "execution failed");
            if (out.release)
                out.release(&out);
        }
    }
    chain_header_free(&r.hd);
    eth_call_args_free(&r.a);
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
    if (run_state(r, &st, err, sizeof(err)) == BT_OK &&
        eth_state_override(st, r->override, err, sizeof(err)) == BT_OK) {
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
            eth_reply_revert(call, rev, rev_len);
        } else {
            char m[100];
            snprintf(m, sizeof(m), "gas required exceeds allowance (%llu)", (unsigned long long)hi);
            eth_server_error(call, m);
        }
        goto out;
    }
    /* geth: a plain transfer (no data, to an account without code) costs exactly 21000. */
    if (r.a.m.has_to && r.a.m.data_len == 0 && used == TX_GAS && is_plain_target(&r)) {
        rpc_call_result_json(call, bts_json_new_u64(TX_GAS));
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
    rpc_call_result_json(call, bts_json_new_u64(hi));
out:
    free(rev);
    chain_header_free(&r.hd);
    eth_call_args_free(&r.a);
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
                rpc_call_result_json(call, res);
            else
                rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        }
    }
    structlog_free(sl);
    chain_header_free(&r.hd);
    eth_call_args_free(&r.a);
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
