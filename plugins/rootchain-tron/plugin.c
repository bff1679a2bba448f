/* rootchain-tron: the TRON root-chain adapter (chain type 1, PROTOCOL.md §1) over the java-tron
 * HTTP API (ROOTCHAINS.md §1.6) and, for logs, its /jsonrpc eth_getLogs (the path Delivery
 * reads, §2.1). Finality: the solidified block (walletsolidity/getnowblock), falling back to
 * head - 19 (§1.8). Sends are built here (TaPoS, expiration, fee_limit, txID = sha256(raw),
 * §1.2-§1.5), signed by the host's signer and broadcast with wallet/broadcasthex (send.c).
 * This file: configuration, lifecycle and status. */
#include <bt/plugin.h>
#include <bt/rootchain.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/log.h>

#include "tron_int.h"

#define OFF(f) offsetof(struct tron_conf, f)

static const char *const logs_via_names[] = {"jsonrpc", "http", NULL};

/* Defaults: java-tron's fullnode port, Delivery's 3 s poll and 200 TRX fee limit (§2.5),
 * java-tron's 60 s expiration (§1.4), the 19-block solidity depth (§1.8). */
static const struct bts_conf_key tron_keys[] = {
    {"url", BTS_CONF_URL_LIST, OFF(urls), "http://127.0.0.1:8090",
     "java-tron HTTP API base URLs, in order of preference", NULL},
    {"solidity_url", BTS_CONF_URL_LIST, OFF(solidity_urls), "",
     "base URLs serving /walletsolidity/* (\"\": url)", NULL},
    {"jsonrpc_url", BTS_CONF_URL_LIST, OFF(jsonrpc_urls), "",
     "TRON JSON-RPC endpoints for eth_getLogs (\"\": url + /jsonrpc)", NULL},
    {"chain_id", BTS_CONF_U64, OFF(chain_id), "0",
     "eth_chainId the JSON-RPC must report (mainnet 0x2b6653dc; 0: any)", NULL},
    {"confirmations", BTS_CONF_U64, OFF(confirmations), "19",
     "blocks behind head counted final when no solidity node answers", NULL},
    {"solidity", BTS_CONF_BOOL, OFF(use_solidity), "true",
     "read the solidified head from walletsolidity/getnowblock", NULL},
    {"poll_interval", BTS_CONF_DURATION_MS, OFF(poll_ms), "3s", "head polling period", NULL},
    {"logs_via", BTS_CONF_ENUM, OFF(logs_via), "jsonrpc",
     "log source: jsonrpc (eth_getLogs) or http (getblockbynum + gettransactioninfobyblocknum)",
     logs_via_names},
    {"max_log_range", BTS_CONF_U64, OFF(max_log_range), "1000",
     "largest eth_getLogs window in blocks (halved when refused; java-tron caps 5000)", NULL},
    {"request_timeout", BTS_CONF_DURATION_MS, OFF(request_timeout_ms), "10s",
     "time limit of one HTTP attempt", NULL},
    {"retries", BTS_CONF_U32, OFF(retries), "0", "attempts per request (0: 2 x urls, >= 3)", NULL},
    {"api_key", BTS_CONF_STR, OFF(api_key), "", "TRON-PRO-API-KEY header (TronGrid)", NULL},
    {"root_chain", BTS_CONF_STR, OFF(root_chain), "", "RootChain address (T... or 41...)", NULL},
    {"state_sender", BTS_CONF_STR, OFF(state_sender), "", "StateSender address", NULL},
    {"stake_manager", BTS_CONF_STR, OFF(stake_manager), "", "StakeManager address", NULL},
    {"staking_info", BTS_CONF_STR, OFF(staking_info), "", "StakingInfo address", NULL},
    {"call_owner", BTS_CONF_STR, OFF(call_owner), "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb",
     "owner_address of read-only calls (java-tron requires one)", NULL},
    {"signer", BTS_CONF_STR, OFF(signer), "", "default key id for sends", NULL},
    {"dry_run", BTS_CONF_BOOL, OFF(dry_run), "true",
     "run a send as triggerconstantcontract first: a revert costs no fee", NULL},
    {"fee_limit", BTS_CONF_U64, OFF(fee_limit), "200000000",
     "fee_limit of a send in sun when the request gives none", NULL},
    {"max_fee_limit", BTS_CONF_U64, OFF(max_fee_limit), "1000000000",
     "cap when a send that ran out of energy is retried with a doubled fee_limit (sun)", NULL},
    {"expiration", BTS_CONF_DURATION_MS, OFF(expiration_ms), "60s",
     "expiration of a built transaction after its reference block", NULL},
    {"receipt_poll", BTS_CONF_DURATION_MS, OFF(receipt_poll_ms), "3s",
     "gettransactioninfobyid polling period of a send", NULL},
    {"rebroadcast", BTS_CONF_DURATION_MS, OFF(rebroadcast_ms), "15s",
     "re-broadcast period of an unconfirmed send before it expires", NULL},
    {"max_rebuilds", BTS_CONF_U32, OFF(max_rebuilds), "3",
     "rebuilds (new reference, re-signed) after expiry before giving up", NULL},
    BTS_CONF_END};

static bt_status check_addr(struct tron *t, const char *key, const char *v, uint8_t *out)
{
    uint8_t a[BTS_TRON_ADDR_LEN];
    if (!v[0])
        return BT_OK;
    if (bts_tron_address_parse(a, v, strlen(v)) != BT_OK) {
        t->host->set_error(t->hctx, "%s: not a TRON address (T... or 41 + 40 hex): \"%s\"", key, v);
        return BT_EINVAL;
    }
    if (out)
        memcpy(out, a, sizeof(a));
    return BT_OK;
}

static void tron_free(struct tron *t)
{
    tron_api_close(t);
    bts_conf_free(t->host, t->hctx, t->keys, &t->conf);
    free(t);
}

static void register_metrics(struct tron *t)
{
    static const struct {
        uint32_t type;
        const char *name, *help;
    } m[TRON_M_COUNT] = {
        [TRON_M_ERRORS] = {BT_METRIC_COUNTER, "request_errors_total",
                           "failed requests (transport, timeout, HTTP, node error)"},
        [TRON_M_BAD] = {BT_METRIC_COUNTER, "bad_answers_total",
                        "answers refused by validation (truncated, hostile, wrong chain)"},
        [TRON_M_HEAD] = {BT_METRIC_GAUGE, "head", "TRON head block"},
        [TRON_M_FINALIZED] = {BT_METRIC_GAUGE, "finalized", "TRON solidified block"},
        [TRON_M_RECONNECTS] = {BT_METRIC_COUNTER, "reconnects_total",
                               "answers after a transport failure (the node came back)"},
    };
    if (!BT_HAS(struct bt_host, t->host, metric_register))
        return;
    for (int i = 0; i < TRON_M_COUNT; i++)
        if (t->host->metric_register(t->hctx, m[i].type, m[i].name, m[i].help, NULL, 0,
                                     &t->metric[i]) != BT_OK)
            return;
    t->has_metric = 1;
}

static bt_status tron_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    *out_self = NULL;
    bts_plugin_init(host);
    struct tron *t = calloc(1, sizeof(*t));
    if (!t) {
        host->set_error(hctx, "rootchain-tron: out of memory");
        return BT_ENOMEM;
    }
    t->host = host;
    t->hctx = hctx;
    _Static_assert(sizeof(tron_keys) <= sizeof(t->keys), "key table too small");
    memcpy(t->keys, tron_keys, sizeof(tron_keys));
    bt_status st = bts_conf_parse(host, hctx, t->keys, &t->conf);
    if (st != BT_OK) {
        free(t);
        return st;
    }
    const struct tron_conf *f = &t->conf;
    st = BT_EINVAL;
    if (f->urls.n_items == 0) {
        host->set_error(hctx, "url: at least one endpoint is needed");
        goto fail;
    }
    if (f->poll_ms == 0 || f->receipt_poll_ms == 0 || f->rebroadcast_ms == 0) {
        host->set_error(hctx, "poll_interval, receipt_poll, rebroadcast: must be more than 0");
        goto fail;
    }
    /* java-tron refuses expirations more than 24 h past the head (Manager.validateCommon). */
    if (f->expiration_ms < 3000 || f->expiration_ms > 24ull * 3600 * 1000) {
        host->set_error(hctx, "expiration: %llu ms is outside 3 s .. 24 h",
                        (unsigned long long)f->expiration_ms);
        goto fail;
    }
    if (f->fee_limit > INT64_MAX || f->max_fee_limit > INT64_MAX) {
        host->set_error(hctx, "fee_limit, max_fee_limit: above int64");
        goto fail;
    }
    if (check_addr(t, "root_chain", f->root_chain, NULL) != BT_OK ||
        check_addr(t, "state_sender", f->state_sender, NULL) != BT_OK ||
        check_addr(t, "stake_manager", f->stake_manager, NULL) != BT_OK ||
        check_addr(t, "staking_info", f->staking_info, NULL) != BT_OK ||
        check_addr(t, "call_owner", f->call_owner, t->call_owner) != BT_OK)
        goto fail;
    if (!f->call_owner[0]) {
        host->set_error(hctx, "call_owner: must be set (java-tron requires an owner_address)");
        goto fail;
    }
    st = tron_api_open(t);
    if (st != BT_OK) {
        host->set_error(hctx, "rootchain-tron: cannot create the HTTP clients: %s",
                        bts_status_str(st));
        goto fail;
    }
    register_metrics(t);
    *out_self = t;
    return BT_OK;
fail:
    tron_free(t);
    return st;
}

static bt_status tron_start(void *self)
{
    struct tron *t = self;
    bt_status st = t->host->timer_add(t->hctx, 0, t->conf.poll_ms, tron_poll, t, &t->timer);
    if (st != BT_OK) {
        t->timer = 0;
        t->host->set_error(t->hctx, "rootchain-tron: cannot arm the poll timer: %s",
                           bts_status_str(st));
        return st;
    }
    BTS_INFO(t->hctx, "started", "url=%s poll_ms=%llu root_chain=%s",
             bts_http_current_url(t->ep[TRON_EP_NOWBLOCK]), (unsigned long long)t->conf.poll_ms,
             t->conf.root_chain[0] ? t->conf.root_chain : "-");
    return BT_OK;
}

static void tron_stop(void *self)
{
    struct tron *t = self;
    if (t->timer)
        t->host->timer_del(t->hctx, t->timer);
    t->timer = 0;
    t->stopped = 1;
    tron_api_close(t);       /* answers requests in flight with BT_ECANCELED */
    tron_send_cancel_all(t); /* and sends waiting on a timer */
}

static void tron_destroy(void *self)
{
    struct tron *t = self;
    if (!t)
        return;
    if (!t->stopped)
        tron_stop(t);
    tron_free(t);
}

static uint32_t tron_chain_type(void *self)
{
    (void)self;
    return BT_ROOTCHAIN_TRON;
}

static bt_status tron_status(void *self, struct bt_rootchain_status *out)
{
    struct tron *t = self;
    memset(out, 0, sizeof(*out));
    out->struct_size = sizeof(*out);
    out->head = t->head;
    out->finalized = t->finalized;
    out->last_ok_ms = t->last_ok_ms;
    /* The base URL in use: the head endpoint's current URL without its path. */
    const char *u = t->ep[TRON_EP_NOWBLOCK] ? bts_http_current_url(t->ep[TRON_EP_NOWBLOCK])
                                            : t->conf.urls.items[0];
    size_t n = strlen(u), p = strlen("/wallet/getnowblock");
    if (n >= p && !strcmp(u + n - p, "/wallet/getnowblock"))
        n -= p;
    snprintf(t->status_url, sizeof(t->status_url), "%.*s", (int)n, u);
    out->url = t->status_url;
    out->last_error = t->last_err;
    return BT_OK;
}

static const char *tron_error_message(void *self)
{
    return ((struct tron *)self)->err;
}

static const struct bt_rootchain_vtbl tron_vtbl = {
    .struct_size = sizeof(struct bt_rootchain_vtbl),
    .chain_type = tron_chain_type,
    .heights = tron_heights,
    .get_logs = tron_get_logs,
    .call = tron_call,
    .send = tron_send,
    .status = tron_status,
    .error_message = tron_error_message,
    .get_block = tron_get_block,
};

BT_PLUGIN_DEFINE(tron_vtbl, .kind = BT_KIND_ROOTCHAIN, .name = "rootchain-tron", .version = "0.1.0",
                 .create = tron_create, .start = tron_start, .stop = tron_stop,
                 .destroy = tron_destroy);
