/* debug_traceTransaction with geth's default struct logger: the transaction re-executed on the
 * state before it (its block's parent plus the earlier transactions of the block).
 * go-ethereum eth/tracers/api.go (TraceTransaction). */
#include "eth_int.h"

#include <stdio.h>
#include <string.h>

#include <bts/json.h>

#include "chain_trace_int.h"
#include "structlog_int.h"

static void m_trace_tx(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 2, 1, &p) != BT_OK)
        return;
    uint8_t h[32];
    char err[300] = "";
    struct structlog_cfg lcfg;
    struct structlog *sl = NULL;
    if (bts_json_as_hash(h, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
    } else if (eth_trace_opts(call, json_array_get(p, 1), 1, &lcfg) == BT_OK) {
        struct bt_evm_result out;
        json_t *res = NULL;
        bt_status rc = structlog_new(&sl, &lcfg);
        if (rc == BT_OK)
            rc = chain_trace_tx(api->c, h, structlog_tracer(sl), &out, err, sizeof(err));
        if (rc == BT_ENOTFOUND) {
            eth_server_error(call, "transaction not found"); /* geth's text */
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
    json_decref(p);
}

bt_status eth_debug_register(struct eth_api *api)
{
    return rpc_register(api->srv, api, "debug_traceTransaction", 0, m_trace_tx, api);
}
