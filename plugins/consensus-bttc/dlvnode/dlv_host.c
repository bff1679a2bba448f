/* dlv_host.h: the Delivery node's environment over the host services. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bt/storage_service.h>
#include <bts/hex.h>

#include "dlv_host.h"
#include "dlv_kvapp.h"

struct dlv_host {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    const struct bt_storage_svc *stor;
    void *stor_self;
    struct dlv_host_config cfg;
    uint32_t topic[DLV_TOPIC_N];
    uint32_t metric[DLV_METRIC_N];
    int has_metric;
    struct dlv_node *node;
    struct dlv_kvapp *kv; /* owned when run with dlv_host_run_kv */
    char chain_id[65];
    struct dlv_app app;
};

/* --- config -------------------------------------------------------------------------------- */

static bt_status conf_u64(const struct bt_host *host, struct bt_host_ctx *hctx, const char *key,
                          uint64_t *out)
{
    struct bt_conf_entry e;
    if (host->conf_get(hctx, key, &e) != BT_OK)
        return BT_OK;
    char *end;
    unsigned long long v = strtoull(e.value, &end, 10);
    if (*e.value == 0 || *end || v == 0 || v > 3600000) {
        host->set_error(hctx, "%s:%u: %s: not a number of milliseconds (1..3600000)", e.file,
                        e.line, key);
        return BT_EINVAL;
    }
    *out = v;
    return BT_OK;
}

bt_status dlv_host_config_read(const struct bt_host *host, struct bt_host_ctx *hctx,
                               struct dlv_host_config *out)
{
    struct bt_conf_entry e;
    memset(out, 0, sizeof *out);
    if (host->conf_get(hctx, "delivery", &e) == BT_OK) {
        if (!strcmp(e.value, "on"))
            out->enabled = 1;
        else if (strcmp(e.value, "off") != 0) {
            host->set_error(hctx, "%s:%u: delivery: expected on or off", e.file, e.line);
            return BT_EINVAL;
        }
    }
    if (host->conf_get(hctx, "delivery_app", &e) == BT_OK) {
        if (!strcmp(e.value, "kv"))
            out->app_kv = 1;
        else if (strcmp(e.value, "delivery") != 0) {
            host->set_error(hctx, "%s:%u: delivery_app: expected delivery or kv", e.file, e.line);
            return BT_EINVAL;
        }
    }
    if (host->conf_get(hctx, "delivery_key", &e) == BT_OK) {
        uint8_t a[20];
        if (bts_hex_decode_exact(a, 20, e.value, strlen(e.value), BTS_HEX_0X) != BT_OK) {
            host->set_error(hctx, "%s:%u: delivery_key: not an address (0x + 40 hex)", e.file,
                            e.line);
            return BT_EINVAL;
        }
        snprintf(out->key_id, sizeof out->key_id, "%s", e.value);
        out->has_key = 1;
    }
    if (host->conf_get(hctx, "delivery_genesis", &e) == BT_OK) {
        const char *dd = host->datadir(hctx);
        int n = e.value[0] == '/'
                    ? snprintf(out->genesis, sizeof out->genesis, "%s", e.value)
                    : snprintf(out->genesis, sizeof out->genesis, "%s/%s", dd, e.value);
        if (n < 0 || (size_t)n >= sizeof out->genesis) {
            host->set_error(hctx, "%s:%u: delivery_genesis: path too long", e.file, e.line);
            return BT_EINVAL;
        }
    }
    bt_status st = conf_u64(host, hctx, "delivery_timeout_propose_ms", &out->propose_ms);
    if (st == BT_OK)
        st = conf_u64(host, hctx, "delivery_timeout_propose_delta_ms", &out->propose_delta_ms);
    if (st == BT_OK)
        st = conf_u64(host, hctx, "delivery_timeout_vote_ms", &out->vote_ms);
    if (st == BT_OK)
        st = conf_u64(host, hctx, "delivery_timeout_vote_delta_ms", &out->vote_delta_ms);
    if (st == BT_OK)
        st = conf_u64(host, hctx, "delivery_timeout_commit_ms", &out->commit_ms);
    return st;
}

bt_status dlv_genesis_load(const char *path, char *chain_id, size_t cap, struct bts_valset *out)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root)
        return BT_EIO;
    bt_status st = BT_EINVAL;
    json_t *cid = json_object_get(root, "chain_id");
    json_t *vals = json_object_get(root, "validators");
    size_t n = json_array_size(vals);
    struct bts_validator *v = n ? calloc(n, sizeof *v) : NULL;
    if (!json_is_string(cid) || strlen(json_string_value(cid)) >= cap || !v)
        goto out;
    snprintf(chain_id, cap, "%s", json_string_value(cid));
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(vals, i);
        json_t *a = json_object_get(o, "address"), *p = json_object_get(o, "power");
        if (!json_is_string(a) || !json_is_integer(p) || json_integer_value(p) <= 0 ||
            bts_hex_decode_exact(v[i].address, 20, json_string_value(a),
                                 strlen(json_string_value(a)), BTS_HEX_0X) != BT_OK)
            goto out;
        v[i].power = json_integer_value(p);
    }
    st = bts_valset_new(out, v, n);
out:
    free(v);
    json_decref(root);
    return st;
}

/* --- the environment ------------------------------------------------------------------------- */

static uint64_t e_now(void *self)
{
    struct dlv_host *d = self;
    return d->host->now_ms(d->hctx);
}

static uint64_t e_wall(void *self)
{
    struct dlv_host *d = self;
    return d->host->wall_ms(d->hctx);
}

static bt_status e_timer_add(void *self, uint64_t delay, void (*fn)(void *), void *arg,
                             uint64_t *out_id)
{
    struct dlv_host *d = self;
    return d->host->timer_add(d->hctx, delay, 0, fn, arg, out_id);
}

static void e_timer_del(void *self, uint64_t id)
{
    struct dlv_host *d = self;
    (void)d->host->timer_del(d->hctx, id); /* BT_ENOTFOUND: it fired already */
}

static bt_status e_send(void *self, enum dlv_topic t, uint64_t peer, const uint8_t *msg, size_t len)
{
    struct dlv_host *d = self;
    return d->host->topic_send(d->hctx, d->topic[t], peer, msg, len);
}

static bt_status e_sign(void *self, const uint8_t digest[32], uint8_t sig[65])
{
    struct dlv_host *d = self;
    return d->host->sign(d->hctx, sig, d->cfg.key_id, digest);
}

static bt_status e_get(void *self, const uint8_t *key, size_t key_len, uint8_t **out,
                       size_t *out_len)
{
    struct dlv_host *d = self;
    struct bt_value v;
    memset(&v, 0, sizeof v);
    bt_status st = d->stor->get(d->stor_self, d->hctx, NULL, key, key_len, &v);
    if (st != BT_OK)
        return st;
    *out = malloc(v.len ? v.len : 1);
    if (*out) {
        if (v.len)
            memcpy(*out, v.data, v.len);
        *out_len = v.len;
    }
    if (v.release)
        v.release(&v);
    return *out ? BT_OK : BT_ENOMEM;
}

static bt_status e_write(void *self, const struct bt_storage_op *ops, size_t n)
{
    struct dlv_host *d = self;
    struct bt_storage_batch b = {
        .struct_size = sizeof b, .ops = ops, .n_ops = n, .flags = BT_STORAGE_SYNC};
    return d->stor->write(d->stor_self, d->hctx, &b);
}

static void e_log(void *self, int level, const char *event, const char *fields)
{
    struct dlv_host *d = self;
    if (d->host->log_enabled(d->hctx, (uint32_t)level))
        d->host->log(d->hctx, (uint32_t)level, event, "%s", fields ? fields : "");
}

static void e_metric(void *self, enum dlv_metric m, double v)
{
    struct dlv_host *d = self;
    if (d->has_metric)
        d->host->metric_update(d->hctx, d->metric[m], v);
}

static void on_topic(void *arg, uint64_t peer, const uint8_t *msg, size_t len, enum dlv_topic t)
{
    struct dlv_host *d = arg;
    if (d->node)
        dlv_node_on_topic(d->node, t, peer, msg, len);
}

static void on_cons(void *arg, uint64_t peer, const uint8_t *msg, size_t len)
{
    on_topic(arg, peer, msg, len, DLV_TOPIC_CONS);
}
static void on_part(void *arg, uint64_t peer, const uint8_t *msg, size_t len)
{
    on_topic(arg, peer, msg, len, DLV_TOPIC_PART);
}
static void on_tx(void *arg, uint64_t peer, const uint8_t *msg, size_t len)
{
    on_topic(arg, peer, msg, len, DLV_TOPIC_TX);
}
static void on_sync(void *arg, uint64_t peer, const uint8_t *msg, size_t len)
{
    on_topic(arg, peer, msg, len, DLV_TOPIC_SYNC);
}

/* --- API ----------------------------------------------------------------------------------- */

bt_status dlv_host_new(struct dlv_host **out, const struct bt_host *host, struct bt_host_ctx *hctx,
                       const struct dlv_host_config *cfg, const char *chain_id,
                       const struct dlv_app *app)
{
    static const bt_topic_fn fns[DLV_TOPIC_N] = {on_cons, on_part, on_tx, on_sync};
    static const char *const metric_names[DLV_METRIC_N] = {
        "delivery_height", "delivery_round", "delivery_votes_total", "delivery_commit_ms",
        "delivery_mempool"};
    static const uint32_t metric_types[DLV_METRIC_N] = {
        BT_METRIC_GAUGE, BT_METRIC_GAUGE, BT_METRIC_COUNTER, BT_METRIC_HISTOGRAM, BT_METRIC_GAUGE};
    static const double buckets[] = {100, 250, 500, 1000, 2000, 5000, 10000, 30000};
    const void *iface;
    void *svc;
    *out = NULL;
    struct dlv_host *d = calloc(1, sizeof *d);
    if (!d)
        return BT_ENOMEM;
    d->host = host;
    d->hctx = hctx;
    d->cfg = *cfg;
    if (strlen(chain_id) >= sizeof d->chain_id) {
        free(d);
        return BT_EINVAL;
    }
    snprintf(d->chain_id, sizeof d->chain_id, "%s", chain_id);
    d->app = *app;
    bt_status st = BT_ENOTSUP;
    if (host->service_find(hctx, "storage", &iface, &svc) != BT_OK ||
        !BT_HAS(struct bt_storage_svc, (const struct bt_storage_svc *)iface, write)) {
        host->set_error(hctx, "delivery: no storage service");
        goto fail;
    }
    d->stor = iface;
    d->stor_self = svc;
    struct dlv_node_config nc = {.chain_id = d->chain_id,
                                 .has_key = cfg->has_key,
                                 .propose_ms = cfg->propose_ms,
                                 .propose_delta_ms = cfg->propose_delta_ms,
                                 .vote_ms = cfg->vote_ms,
                                 .vote_delta_ms = cfg->vote_delta_ms,
                                 .commit_wait_ms = cfg->commit_ms};
    if (cfg->has_key && (st = host->key_address(hctx, cfg->key_id, nc.address)) != BT_OK) {
        host->set_error(hctx, "delivery_key: %s not in the keystore", cfg->key_id);
        goto fail;
    }
    for (int t = 0; t < DLV_TOPIC_N; t++)
        if ((st = host->topic_register(hctx, dlv_topic_names[t], dlv_topic_max[t], fns[t], d,
                                       &d->topic[t])) != BT_OK)
            goto fail;
    d->has_metric = 1;
    for (int m = 0; m < DLV_METRIC_N && d->has_metric; m++)
        if (host->metric_register(hctx, metric_types[m], metric_names[m], metric_names[m],
                                  metric_types[m] == BT_METRIC_HISTOGRAM ? buckets : NULL,
                                  metric_types[m] == BT_METRIC_HISTOGRAM ? 8 : 0,
                                  &d->metric[m]) != BT_OK)
            d->has_metric = 0; /* metrics are optional: run without */
    struct dlv_env env = {.self = d,
                          .now_ms = e_now,
                          .wall_ms = e_wall,
                          .timer_add = e_timer_add,
                          .timer_del = e_timer_del,
                          .send = e_send,
                          .sign = e_sign,
                          .get = e_get,
                          .write = e_write,
                          .log = e_log,
                          .metric = e_metric};
    st = dlv_node_new(&d->node, &nc, &env, &d->app);
    if (st != BT_OK)
        goto fail;
    *out = d;
    return BT_OK;
fail:
    free(d);
    return st;
}

bt_status dlv_host_start(struct dlv_host *d)
{
    bt_status st = dlv_node_start(d->node);
    if (st != BT_OK)
        d->host->set_error(d->hctx, "delivery: start failed (%d)", (int)st);
    return st;
}

struct dlv_node *dlv_host_node(struct dlv_host *d)
{
    return d->node;
}

void dlv_host_stop(struct dlv_host *d)
{
    if (d)
        dlv_node_stop(d->node);
}

void dlv_host_free(struct dlv_host *d)
{
    if (!d)
        return;
    dlv_node_free(d->node);
    dlv_kvapp_free(d->kv);
    free(d);
}

/* --- the kv stand-in app with its JSON-RPC methods ------------------------------------------ */

static void rpc_status(void *arg, struct bt_rpc_call *call)
{
    struct dlv_host *d = arg;
    struct dlv_node_status s;
    char hex[65], json[256];
    dlv_node_status(d->node, &s);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", s.app_hash[i]);
    snprintf(json, sizeof json,
             "{\"height\":%llu,\"appHash\":\"0x%s\",\"round\":%d,\"mempool\":%zu,"
             "\"halted\":%s}",
             (unsigned long long)s.height, hex, s.round, s.mempool_txs,
             s.halted ? "true" : "false");
    d->host->rpc_result(d->hctx, call, json);
}

static void rpc_submit(void *arg, struct bt_rpc_call *call)
{
    struct dlv_host *d = arg;
    json_t *p = json_loadb(call->params, call->params_len, 0, NULL);
    json_t *tx = json_array_get(p, 0);
    if (!json_is_string(tx)) {
        d->host->rpc_error(d->hctx, call, -32602, "want [\"key=value\"]", NULL);
    } else {
        bt_status st = dlv_node_submit_tx(d->node, (const uint8_t *)json_string_value(tx),
                                          json_string_length(tx));
        if (st == BT_OK || st == BT_EEXIST)
            d->host->rpc_result(d->hctx, call, "true");
        else
            d->host->rpc_error(d->hctx, call, -32000, "tx refused", NULL);
    }
    json_decref(p);
}

void dlv_host_rpc_register(struct dlv_host *d)
{
    if (d->host->rpc_register(d->hctx, "dlv_status", rpc_status, d) != BT_OK ||
        d->host->rpc_register(d->hctx, "dlv_submitTx", rpc_submit, d) != BT_OK)
        d->host->log(d->hctx, BT_LOG_WARN, "dlv rpc methods not registered", NULL);
}

bt_status dlv_host_run_kv(struct dlv_host **out, const struct bt_host *host,
                          struct bt_host_ctx *hctx, const struct dlv_host_config *cfg)
{
    struct bts_valset g;
    char chain[65];
    struct dlv_app app;
    struct dlv_kvapp *kv = NULL;
    const void *iface;
    void *svc;
    struct bt_value v;
    *out = NULL;
    bts_valset_init(&g);
    if (!cfg->genesis[0]) {
        host->set_error(hctx, "delivery_genesis: missing");
        return BT_EINVAL;
    }
    bt_status st = dlv_genesis_load(cfg->genesis, chain, sizeof chain, &g);
    if (st != BT_OK) {
        host->set_error(hctx, "delivery_genesis: %s: unreadable or malformed", cfg->genesis);
        return st;
    }
    memset(&v, 0, sizeof v);
    if (host->service_find(hctx, "storage", &iface, &svc) != BT_OK) {
        bts_valset_free(&g);
        host->set_error(hctx, "delivery: no storage service");
        return BT_ENOTSUP;
    }
    const struct bt_storage_svc *stor = iface;
    bt_status gs = stor->get(svc, hctx, NULL, (const uint8_t *)"app/kv", 6, &v);
    st = gs == BT_OK || gs == BT_ENOTFOUND
             ? dlv_kvapp_new(&kv, &g, gs == BT_OK ? v.data : NULL, gs == BT_OK ? v.len : 0, &app)
             : gs;
    if (gs == BT_OK && v.release)
        v.release(&v);
    bts_valset_free(&g);
    if (st != BT_OK)
        return st;
    struct dlv_host *d;
    st = dlv_host_new(&d, host, hctx, cfg, chain, &app);
    if (st != BT_OK) {
        dlv_kvapp_free(kv);
        return st;
    }
    d->kv = kv;
    dlv_host_rpc_register(d);
    st = dlv_host_start(d);
    if (st != BT_OK) {
        dlv_host_free(d);
        return st;
    }
    *out = d;
    return BT_OK;
}
