/* bts/ethrpc.h bts_evmchain_*: the EVM root-chain adapter shared by rootchain-ethereum,
 * rootchain-bsc and third-party EVM chains -- config, heights (finality rule), logs, calls and
 * status. Sends live in ethrpc_send.c. Plugins keep only their rules (STYLE.md "Habits": the
 * adapters share the JSON-RPC client and differ only in what truly differs). */
#include <bts/ethrpc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/log.h>

#include "ethrpc_chain_int.h"

#define OFF(f) offsetof(struct evm_conf, f)

/* Defaults that do not depend on the chain; the per-chain ones come from the rules. */
static const struct bts_conf_key evm_keys[] = {
    {"url", BTS_CONF_URL_LIST, OFF(urls), NULL, "JSON-RPC endpoints, in order of preference", NULL},
    {"chain_id", BTS_CONF_U64, OFF(chain_id), NULL, "chain id every endpoint must report (0: any)",
     NULL},
    {"confirmations", BTS_CONF_U64, OFF(confirmations), NULL,
     "blocks behind head counted final when the finalized tag is not served", NULL},
    {"finalized_tag", BTS_CONF_BOOL, OFF(finalized_tag), "true",
     "ask the node for its \"finalized\" block", NULL},
    {"poll_interval", BTS_CONF_DURATION_MS, OFF(poll_ms), NULL, "head polling period", NULL},
    {"max_log_range", BTS_CONF_U64, OFF(max_log_range), NULL,
     "largest eth_getLogs window in blocks (halved when refused)", NULL},
    {"request_timeout", BTS_CONF_DURATION_MS, OFF(request_timeout_ms), "10s",
     "time limit of one HTTP attempt", NULL},
    {"retries", BTS_CONF_U32, OFF(retries), "0", "attempts per request (0: 2 x urls, >= 3)", NULL},
    {"root_chain", BTS_CONF_STR, OFF(root_chain), "", "RootChain contract address", NULL},
    {"state_sender", BTS_CONF_STR, OFF(state_sender), "", "StateSender contract address", NULL},
    {"stake_manager", BTS_CONF_STR, OFF(stake_manager), "", "StakeManager contract address", NULL},
    {"staking_info", BTS_CONF_STR, OFF(staking_info), "", "StakingInfo contract address", NULL},
    {"signer", BTS_CONF_STR, OFF(signer), "", "default key id for sends", NULL},
    {"max_fee_gwei", BTS_CONF_U64, OFF(max_fee_gwei), "400",
     "cap of the gas price / max fee per gas in gwei", NULL},
    {"fee_bump_percent", BTS_CONF_U32, OFF(fee_bump_percent), "15",
     "fee increase of a replacement (>= 10, go-ethereum PriceBump)", NULL},
    {"gas_headroom_percent", BTS_CONF_U32, OFF(gas_headroom_percent), "25",
     "added to eth_estimateGas", NULL},
    {"tx_timeout", BTS_CONF_DURATION_MS, OFF(tx_timeout_ms), NULL,
     "time without a receipt before a fee bump", NULL},
    {"max_bumps", BTS_CONF_U32, OFF(max_bumps), "5", "fee bumps before giving up", NULL},
    {"receipt_poll", BTS_CONF_DURATION_MS, OFF(receipt_poll_ms), NULL,
     "receipt polling period of a send", NULL},
    BTS_CONF_END};

static const struct {
    const char *name, *help;
} evm_metric_names[EVM_M_N] = {
    [EVM_M_REQUESTS] = {"rpc_requests_total", "JSON-RPC requests sent to the basechain"},
    [EVM_M_ERR_TRANSPORT] = {"rpc_errors_transport_total", "requests with no HTTP answer"},
    [EVM_M_ERR_TIMEOUT] = {"rpc_errors_timeout_total", "requests that timed out"},
    [EVM_M_ERR_REMOTE] = {"rpc_errors_remote_total", "JSON-RPC error objects"},
    [EVM_M_ERR_INVALID] = {"rpc_errors_invalid_total", "malformed or truncated answers"},
    [EVM_M_ERR_CHAIN] = {"rpc_errors_chain_total", "answers from a node of another chain"},
    [EVM_M_RECONNECTS] = {"reconnects_total", "answers that ended an outage"},
    [EVM_M_HEAD] = {"head", "basechain head height"},
    [EVM_M_FINALIZED] = {"finalized", "basechain finalized height"},
};

static void evm_metrics_register(struct bts_evmchain *c)
{
    if (!BT_HAS(struct bt_host, c->host, metric_register))
        return;
    for (int i = 0; i < EVM_M_N; i++) {
        uint32_t type = i >= EVM_M_HEAD ? BT_METRIC_GAUGE : BT_METRIC_COUNTER;
        if (c->host->metric_register(c->hctx, type, evm_metric_names[i].name,
                                     evm_metric_names[i].help, NULL, 0, &c->metric[i]) != BT_OK)
            c->metric[i] = 0; /* metrics are a convenience: the adapter works without them */
    }
}

void evm_metrics_sync(struct bts_evmchain *c)
{
    struct bts_ethrpc_stats k;
    if (!c->rpc)
        return;
    bts_ethrpc_get_stats(c->rpc, &k);
    const uint64_t now[EVM_M_N] = {
        [EVM_M_REQUESTS] = k.requests,       [EVM_M_ERR_TRANSPORT] = k.err_transport,
        [EVM_M_ERR_TIMEOUT] = k.err_timeout, [EVM_M_ERR_REMOTE] = k.err_remote,
        [EVM_M_ERR_INVALID] = k.err_invalid, [EVM_M_ERR_CHAIN] = k.err_chain,
        [EVM_M_RECONNECTS] = k.reconnects,   [EVM_M_HEAD] = c->head,
        [EVM_M_FINALIZED] = c->finalized,
    };
    for (int i = 0; i < EVM_M_N; i++) {
        if (!c->metric[i] || now[i] == c->pushed[i])
            continue;
        if (i >= EVM_M_HEAD)
            c->host->metric_update(c->hctx, c->metric[i], (double)now[i]);
        else if (now[i] > c->pushed[i])
            c->host->metric_update(c->hctx, c->metric[i], (double)(now[i] - c->pushed[i]));
        c->pushed[i] = now[i];
    }
}

void evm_note(struct bts_evmchain *c, bt_status st, const char *err)
{
    evm_metrics_sync(c);
    if (st == BT_OK) {
        c->last_ok_ms = c->host->wall_ms(c->hctx);
        return;
    }
    if (st == BT_ECANCELED)
        return;
    snprintf(c->last_err, sizeof(c->last_err), "%s", err);
}

void evm_set_err(struct bts_evmchain *c, bt_status st, const char *err)
{
    if (st == BT_OK)
        c->err[0] = 0;
    else
        snprintf(c->err, sizeof(c->err), "%s: %s", c->rules->name,
                 st == BT_ECANCELED && !*err ? "cancelled by shutdown" : err);
}

static bt_status evm_check_addr(struct bt_host_ctx *h, const struct bt_host *host, const char *key,
                                const char *v)
{
    uint8_t a[20];
    if (!v[0] || bts_hex_parse_address(a, v, strlen(v)) == BT_OK)
        return BT_OK;
    host->set_error(h, "%s: not a 0x-prefixed 20-byte address: \"%s\"", key, v);
    return BT_EINVAL;
}

static void evm_free(struct bts_evmchain *c)
{
    bts_ethrpc_free(c->rpc);
    c->rpc = NULL;
    bts_conf_free(c->host, c->hctx, c->keys, &c->conf);
    free(c);
}

bt_status bts_evmchain_create(const struct bts_evmchain_rules *rules, const struct bt_host *host,
                              struct bt_host_ctx *hctx, void **out_self)
{
    *out_self = NULL;
    bts_plugin_init(host);
    struct bts_evmchain *c = calloc(1, sizeof(*c));
    if (!c) {
        host->set_error(hctx, "%s: out of memory", rules->name);
        return BT_ENOMEM;
    }
    c->rules = rules;
    c->host = host;
    c->hctx = hctx;
    _Static_assert(sizeof(evm_keys) <= sizeof(c->keys), "key table too small");
    memcpy(c->keys, evm_keys, sizeof(evm_keys));
    for (struct bts_conf_key *k = c->keys; k->name; k++) {
        const char *def = !strcmp(k->name, "url")             ? rules->url
                          : !strcmp(k->name, "chain_id")      ? rules->chain_id
                          : !strcmp(k->name, "confirmations") ? rules->confirmations
                          : !strcmp(k->name, "poll_interval") ? rules->poll_interval
                          : !strcmp(k->name, "max_log_range") ? rules->max_log_range
                          : !strcmp(k->name, "tx_timeout")    ? rules->tx_timeout
                          : !strcmp(k->name, "receipt_poll")  ? rules->receipt_poll
                          : !strcmp(k->name, "finalized_tag") ? rules->finalized_tag
                                                              : NULL;
        if (def) /* a rule left NULL keeps the SDK's default */
            k->def = def;
    }
    bt_status st = bts_conf_parse(host, hctx, c->keys, &c->conf);
    if (st != BT_OK) {
        free(c);
        return st;
    }
    struct evm_conf *f = &c->conf;
    st = BT_EINVAL;
    if (f->urls.n_items == 0) {
        host->set_error(hctx, "url: at least one endpoint is needed");
        goto fail;
    }
    if (f->poll_ms == 0 || f->receipt_poll_ms == 0 || f->tx_timeout_ms == 0) {
        host->set_error(hctx, "poll_interval, receipt_poll, tx_timeout: must be more than 0");
        goto fail;
    }
    if (f->fee_bump_percent < 10) {
        host->set_error(hctx, "fee_bump_percent: %u is below 10 (nodes refuse the replacement)",
                        f->fee_bump_percent);
        goto fail;
    }
    if (f->max_fee_gwei == 0 || f->max_fee_gwei > UINT64_MAX / 1000000000u) {
        host->set_error(hctx, "max_fee_gwei: %llu out of range",
                        (unsigned long long)f->max_fee_gwei);
        goto fail;
    }
    if (evm_check_addr(hctx, host, "root_chain", f->root_chain) != BT_OK ||
        evm_check_addr(hctx, host, "state_sender", f->state_sender) != BT_OK ||
        evm_check_addr(hctx, host, "stake_manager", f->stake_manager) != BT_OK ||
        evm_check_addr(hctx, host, "staking_info", f->staking_info) != BT_OK)
        goto fail;
    struct bts_ethrpc_conf rc = {
        .http = {.urls = (const char *const *)f->urls.items,
                 .n_urls = f->urls.n_items,
                 .timeout_ms =
                     (uint32_t)(f->request_timeout_ms > UINT32_MAX ? UINT32_MAX
                                                                   : f->request_timeout_ms),
                 .attempts = f->retries},
        .chain_id = f->chain_id,
    };
    st = bts_ethrpc_new(&c->rpc, host, hctx, &rc);
    if (st != BT_OK) {
        host->set_error(hctx, "%s: cannot create the JSON-RPC client: %s", rules->name,
                        bts_status_str(st));
        goto fail;
    }
    evm_metrics_register(c);
    *out_self = c;
    return BT_OK;
fail:
    evm_free(c);
    return st;
}

/* --- heights ------------------------------------------------------------------------------ */

struct heights_ctx {
    struct bts_evmchain *c;
    bt_rootchain_heights_fn cb; /* NULL: the poll timer's own request */
    void *arg;
    int have_final;
    uint64_t final;
};

static void heights_done(struct heights_ctx *h, bt_status st, const char *err)
{
    struct bts_evmchain *c = h->c;
    evm_note(c, st, err);
    if (!h->cb)
        c->polling = 0;
    if (h->cb) {
        evm_set_err(c, st, err);
        h->cb(h->arg, st, st == BT_OK ? c->head : 0, st == BT_OK ? c->finalized : 0);
    }
    free(h);
}

static void heights_on_latest(void *arg, bt_status st, const struct bts_ethrpc_block *b,
                              const char *err)
{
    struct heights_ctx *h = arg;
    struct bts_evmchain *c = h->c;
    if (st == BT_OK && !b) {
        st = BT_EPROTO;
        err = "eth_getBlockByNumber: node has no \"latest\" block";
    }
    if (st != BT_OK) {
        heights_done(h, st, err);
        return;
    }
    /* Never report a height going back (failover to a lagging endpoint); finalized <= head. */
    if (b->number > c->head)
        c->head = b->number;
    uint64_t fin = h->have_final                       ? h->final
                   : b->number > c->conf.confirmations ? b->number - c->conf.confirmations
                                                       : 0;
    if (fin > c->head)
        fin = c->head;
    if (fin > c->finalized)
        c->finalized = fin;
    heights_done(h, BT_OK, "");
}

static void heights_ask_latest(struct heights_ctx *h)
{
    bt_status st = bts_ethrpc_get_block(h->c->rpc, "latest", 0, heights_on_latest, h);
    if (st != BT_OK)
        heights_done(h, st, "eth_getBlockByNumber: cannot send");
}

static void heights_on_final(void *arg, bt_status st, const struct bts_ethrpc_block *b,
                             const char *err)
{
    struct heights_ctx *h = arg;
    /* Remote refusals (pre-merge -39001, an old node) fall back to confirmations; transport
     * failures and wrong answers fail the request. */
    if (st == BT_OK && b) {
        h->have_final = 1;
        h->final = b->number;
    } else if (st != BT_OK && st != BTS_ETHRPC_EREMOTE) {
        heights_done(h, st, err);
        return;
    }
    heights_ask_latest(h);
}

static bt_status heights_start(struct bts_evmchain *c, bt_rootchain_heights_fn cb, void *arg)
{
    if (c->stopped || !c->rpc) {
        c->host->set_error(c->hctx, "%s: heights after stop", c->rules->name);
        return BT_ECANCELED;
    }
    struct heights_ctx *h = calloc(1, sizeof(*h));
    if (!h)
        return BT_ENOMEM;
    h->c = c;
    h->cb = cb;
    h->arg = arg;
    bt_status st = c->conf.finalized_tag
                       ? bts_ethrpc_get_block(c->rpc, "finalized", 0, heights_on_final, h)
                       : bts_ethrpc_get_block(c->rpc, "latest", 0, heights_on_latest, h);
    if (st != BT_OK) {
        free(h);
        c->host->set_error(c->hctx, "%s: heights: %s", c->rules->name, bts_status_str(st));
    }
    return st;
}

bt_status bts_evmchain_heights(void *self, bt_rootchain_heights_fn cb, void *arg)
{
    return heights_start(self, cb, arg);
}

static void evm_poll(void *arg)
{
    struct bts_evmchain *c = arg;
    if (c->polling)
        return; /* the previous poll is still out: a slow node gets no pile-up */
    if (heights_start(c, NULL, NULL) == BT_OK)
        c->polling = 1;
}

bt_status bts_evmchain_start(void *self)
{
    struct bts_evmchain *c = self;
    bt_status st = c->host->timer_add(c->hctx, 0, c->conf.poll_ms, evm_poll, c, &c->timer);
    if (st != BT_OK) {
        c->timer = 0;
        c->host->set_error(c->hctx, "%s: cannot arm the poll timer: %s", c->rules->name,
                           bts_status_str(st));
        return st;
    }
    BTS_INFO(c->hctx, "started", "url=%s chain_id=%llu poll_ms=%llu", bts_ethrpc_url(c->rpc),
             (unsigned long long)c->conf.chain_id, (unsigned long long)c->conf.poll_ms);
    return BT_OK;
}

void bts_evmchain_stop(void *self)
{
    struct bts_evmchain *c = self;
    if (c->timer)
        c->host->timer_del(c->hctx, c->timer);
    c->timer = 0;
    c->stopped = 1;
    struct bts_ethrpc *rpc = c->rpc;
    c->rpc = NULL;
    bts_ethrpc_free(rpc);   /* answers requests in flight with BT_ECANCELED */
    evm_send_cancel_all(c); /* and sends waiting on a timer */
}

void bts_evmchain_destroy(void *self)
{
    struct bts_evmchain *c = self;
    if (!c)
        return;
    if (!c->stopped)
        bts_evmchain_stop(c);
    evm_free(c);
}

/* --- logs and calls ------------------------------------------------------------------------ */

struct op_ctx {
    struct bts_evmchain *c;
    union {
        bt_rootchain_logs_fn logs;
        bt_rootchain_call_fn call;
    } cb;
    void *arg;
};

static void on_logs(void *arg, bt_status st, const struct bt_rootchain_log *logs, size_t n,
                    const char *err)
{
    struct op_ctx *o = arg;
    evm_note(o->c, st, err);
    evm_set_err(o->c, st, err);
    o->cb.logs(o->arg, st, logs, n);
    free(o);
}

bt_status bts_evmchain_get_logs(void *self, const struct bt_rootchain_filter *f,
                                bt_rootchain_logs_fn cb, void *arg)
{
    struct bts_evmchain *c = self;
    if (c->stopped || !c->rpc) {
        c->host->set_error(c->hctx, "%s: get_logs after stop", c->rules->name);
        return BT_ECANCELED;
    }
    if (f->from_block > f->to_block) {
        c->host->set_error(c->hctx, "get_logs: from_block %llu above to_block %llu",
                           (unsigned long long)f->from_block, (unsigned long long)f->to_block);
        return BT_EINVAL;
    }
    struct op_ctx *o = calloc(1, sizeof(*o));
    if (!o)
        return BT_ENOMEM;
    o->c = c;
    o->cb.logs = cb;
    o->arg = arg;
    bt_status st = bts_ethrpc_get_logs(c->rpc, f, c->conf.max_log_range, on_logs, o);
    if (st != BT_OK) {
        free(o);
        c->host->set_error(c->hctx, "get_logs: %s", bts_status_str(st));
    }
    return st;
}

static void on_call(void *arg, bt_status st, const uint8_t *out, size_t out_len, const char *err)
{
    struct op_ctx *o = arg;
    evm_note(o->c, st == BTS_ETHRPC_EREVERT ? BT_OK : st, err);
    evm_set_err(o->c, st, err);
    o->cb.call(o->arg, st, out, out_len);
    free(o);
}

bt_status bts_evmchain_call(void *self, const uint8_t to[20], const uint8_t *data, size_t data_len,
                            uint64_t block, bt_rootchain_call_fn cb, void *arg)
{
    struct bts_evmchain *c = self;
    if (c->stopped || !c->rpc) {
        c->host->set_error(c->hctx, "%s: call after stop", c->rules->name);
        return BT_ECANCELED;
    }
    struct op_ctx *o = calloc(1, sizeof(*o));
    if (!o)
        return BT_ENOMEM;
    o->c = c;
    o->cb.call = cb;
    o->arg = arg;
    struct bts_ethrpc_callmsg m = {.to = to, .data = data, .data_len = data_len};
    bt_status st = bts_ethrpc_call(c->rpc, &m, block, on_call, o);
    if (st != BT_OK) {
        free(o);
        c->host->set_error(c->hctx, "call: %s", bts_status_str(st));
    }
    return st;
}

bt_status bts_evmchain_status(void *self, struct bt_rootchain_status *out)
{
    struct bts_evmchain *c = self;
    evm_metrics_sync(c);
    memset(out, 0, sizeof(*out));
    out->struct_size = sizeof(*out);
    out->head = c->head;
    out->finalized = c->finalized;
    out->last_ok_ms = c->last_ok_ms;
    out->url = c->rpc ? bts_ethrpc_url(c->rpc) : c->conf.urls.items[0];
    out->last_error = c->last_err;
    return BT_OK;
}

const char *bts_evmchain_error_message(void *self)
{
    return ((struct bts_evmchain *)self)->err;
}

uint32_t bts_evmchain_chain_type(void *self)
{
    const struct bts_evmchain *c = self;
    return c->rules->chain_type;
}

const struct bt_rootchain_vtbl bts_evmchain_vtbl = {
    .struct_size = sizeof(struct bt_rootchain_vtbl),
    .chain_type = bts_evmchain_chain_type,
    .heights = bts_evmchain_heights,
    .get_logs = bts_evmchain_get_logs,
    .call = bts_evmchain_call,
    .send = bts_evmchain_send,
    .status = bts_evmchain_status,
    .error_message = bts_evmchain_error_message,
    .get_block = bts_evmchain_get_block,
};
