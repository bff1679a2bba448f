/* Registering the eth_* methods over a chain, the chain-event fan-out to filters and
 * subscriptions, and the chain's metrics (head, txpool sizes, storage size). */
#include "eth_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics_int.h"

static uint64_t mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec;
}

static void on_event(void *arg, const struct chain_event *ev)
{
    struct eth_api *api = arg;
    if (ev->kind == CHAIN_EV_HEAD) {
        metric_set(api->m_head, (double)ev->header->h.number);
        metric_add(api->m_txs, ev->body ? ev->body->n_txs : 0);
        metric_add(api->m_gas, ev->header->h.gas_used);
    }
    eth_filter_on_event(api, ev);
}

static double pool_pending(void *arg)
{
    size_t p, q;
    txpool_counts(chain_txpool(((struct eth_api *)arg)->c), &p, &q);
    return (double)p;
}

static double pool_queued(void *arg)
{
    size_t p, q;
    txpool_counts(chain_txpool(((struct eth_api *)arg)->c), &p, &q);
    return (double)q;
}

static double stor_keys(void *arg)
{
    struct bt_storage_stats s;
    return stor_stats(((struct eth_api *)arg)->st, &s) == BT_OK ? (double)s.approx_keys : 0;
}

static double stor_bytes(void *arg)
{
    struct bt_storage_stats s;
    return stor_stats(((struct eth_api *)arg)->st, &s) == BT_OK ? (double)s.approx_bytes : 0;
}

static double stor_disk(void *arg)
{
    struct bt_storage_stats s;
    return stor_stats(((struct eth_api *)arg)->st, &s) == BT_OK ? (double)s.disk_bytes : 0;
}

static struct chain_stats stats_of(void *arg)
{
    struct chain_stats st;
    chain_get_stats(((struct eth_api *)arg)->c, &st);
    return st;
}

static double blocks_imported(void *arg)
{
    return (double)stats_of(arg).blocks_imported;
}

static double blocks_produced(void *arg)
{
    return (double)stats_of(arg).blocks_produced;
}

static double blocks_refused(void *arg)
{
    return (double)stats_of(arg).blocks_refused;
}

static double reorgs(void *arg)
{
    return (double)stats_of(arg).reorgs;
}

static double block_seconds_total(void *arg)
{
    return stats_of(arg).total_block_ms / 1000.0;
}

static double block_seconds_last(void *arg)
{
    return stats_of(arg).last_block_ms / 1000.0;
}

/* Series computed at render time; is_counter: a total. */
static const struct {
    const char *name, *help;
    double (*fn)(void *arg);
    int needs_stor, is_counter;
} gauges[] = {
    {"bttcd_chain_blocks_imported_total", "Blocks imported (verified, executed, committed)",
     blocks_imported, 0, 1},
    {"bttcd_chain_blocks_produced_total", "Blocks produced and committed by this node",
     blocks_produced, 0, 1},
    {"bttcd_chain_blocks_refused_total", "Imported blocks refused by validation", blocks_refused, 0,
     1},
    {"bttcd_chain_reorgs_total", "Switches of the canonical chain to a heavier branch", reorgs, 0,
     1},
    {"bttcd_chain_block_seconds_total",
     "Wall time spent importing or producing blocks, commit included (divide by the block "
     "counts for the time per block)",
     block_seconds_total, 0, 1},
    {"bttcd_chain_block_seconds_last", "Wall time of the last block import or production",
     block_seconds_last, 0, 0},
    {"bttcd_txpool_pending", "Transactions in the pool's pending (executable) set", pool_pending, 0,
     0},
    {"bttcd_txpool_queued", "Transactions in the pool waiting for a nonce gap", pool_queued, 0, 0},
    {"bttcd_storage_keys", "Approximate number of keys in the chain database", stor_keys, 1, 0},
    {"bttcd_storage_bytes", "Approximate logical size of the chain database", stor_bytes, 1, 0},
    {"bttcd_storage_disk_bytes", "Bytes the chain database takes on disk", stor_disk, 1, 0},
};

bt_status eth_api_new(struct rpc_server *s, struct chain *c, struct stor *st, struct eth_api **out)
{
    *out = NULL;
    struct eth_api *api = calloc(1, sizeof(*api));
    if (!api)
        return BT_ENOMEM;
    api->c = c;
    api->srv = s;
    api->st = st;
    api->log_range_max = ETH_LOG_RANGE_MAX;
    api->gas_cap = ETH_RPC_GAS_CAP;
    api->filter_timeout_s = ETH_FILTER_TIMEOUT_S;
    api->now_s = mono_s;
    bt_status rc = eth_filter_register(api);
    if (rc == BT_OK)
        rc = eth_block_register(api);
    if (rc == BT_OK)
        rc = eth_fee_register(api);
    if (rc == BT_OK)
        rc = eth_state_register(api);
    if (rc == BT_OK)
        rc = eth_tx_register(api);
    if (rc == BT_OK)
        rc = eth_call_register(api);
    if (rc == BT_OK)
        rc = eth_debug_register(api);
    if (rc == BT_OK)
        rc = chain_subscribe(c, on_event, api, &api->chain_sub);
    if (rc != BT_OK) {
        eth_api_free(api);
        return rc;
    }
    struct metrics *m = metrics_global();
    api->m_head = metrics_gauge(m, "bttcd_chain_head_block", NULL, "Number of the head block");
    api->m_txs = metrics_counter(m, "bttcd_chain_transactions_total", NULL,
                                 "Transactions in blocks committed since start");
    api->m_gas = metrics_counter(m, "bttcd_chain_gas_used_total", NULL,
                                 "Gas used by blocks committed since start");
    uint64_t head;
    uint8_t hh[32];
    chain_head(c, &head, hh);
    metric_set(api->m_head, (double)head);
    for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
        if (!gauges[i].needs_stor || st)
            (gauges[i].is_counter ? metrics_counter_fn : metrics_gauge_fn)(
                m, gauges[i].name, NULL, gauges[i].help, gauges[i].fn, api);
    *out = api;
    return BT_OK;
}

void eth_api_free(struct eth_api *api)
{
    if (!api)
        return;
    struct metrics *m = metrics_global();
    for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
        if (!gauges[i].needs_stor || api->st)
            (gauges[i].is_counter ? metrics_counter_fn : metrics_gauge_fn)(
                m, gauges[i].name, NULL, gauges[i].help, NULL, NULL);
    if (api->chain_sub)
        chain_unsubscribe(api->c, api->chain_sub);
    eth_filter_free_all(api);
    rpc_drop_owner(api->srv, api);
    free(api);
}
