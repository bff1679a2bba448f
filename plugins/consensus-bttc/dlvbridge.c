/* dlvbridge.h: the bridge's life cycle in the plugin: config, metrics, the oracle proxy, the
 * wrap of the application table (the commit hook), adapters, listeners, proposer, timers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/dlvside.h>
#include <bts/hash.h>
#include <bts/hex.h>

#include "bttc_int.h"
#include "dlv_app_int.h"
#include "dlvb_msgs.h"
#include "dlvbridge.h"

/* --- config --------------------------------------------------------------------------------- */

static const char *const KEYS[] = {"bridge",
                                   "bridge_poll_tron",
                                   "bridge_poll_eth",
                                   "bridge_poll_bsc",
                                   "checkpoint_poll_interval",
                                   "span_poll_interval",
                                   "bridge_noack_wait",
                                   "bridge_tron_confirmations",
                                   "bridge_start_block_tron",
                                   "bridge_start_block_eth",
                                   "bridge_start_block_bsc",
                                   "staking_poll_interval"};

int bttc_dlvb_conf_key(const char *key)
{
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (strcmp(key, KEYS[i]) == 0)
            return 1;
    return 0;
}

bt_status bttc_dlvb_duration(const char *s, uint64_t *out_ms)
{
    uint64_t n = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (UINT64_MAX - 9) / 10)
            return BT_EINVAL;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    uint64_t unit;
    if (p == s)
        return BT_EINVAL;
    if (!*p || !strcmp(p, "s"))
        unit = 1000;
    else if (!strcmp(p, "ms"))
        unit = 1;
    else if (!strcmp(p, "m"))
        unit = 60000;
    else if (!strcmp(p, "h"))
        unit = 3600000;
    else
        return BT_EINVAL;
    if (n == 0 || n > UINT64_MAX / unit)
        return BT_EINVAL;
    *out_ms = n * unit;
    return BT_OK;
}

static bt_status conf_duration(struct bttc_dlvb *x, const char *key, uint64_t *out)
{
    struct bt_conf_entry e;
    if (x->host->conf_get(x->hctx, key, &e) != BT_OK)
        return BT_OK; /* keep the default */
    if (bttc_dlvb_duration(e.value, out) == BT_OK)
        return BT_OK;
    x->host->set_error(x->hctx, "%s:%u: %s: want a duration like 3s, 1m, 500ms", e.file, e.line,
                       key);
    return BT_EINVAL;
}

/* An unsigned decimal (digits only) up to `max`: confirmations (a block count up to 1,000,000)
 * and a listener's first block on a real network (tens of millions). `want` ends the error. */
static bt_status conf_uint(struct bttc_dlvb *x, const char *key, uint64_t max, const char *want,
                           uint64_t *out)
{
    struct bt_conf_entry e;
    if (x->host->conf_get(x->hctx, key, &e) != BT_OK)
        return BT_OK; /* keep the default */
    uint64_t n = 0;
    const char *p = e.value;
    for (; *p >= '0' && *p <= '9' && n <= (UINT64_MAX - 9) / 10; p++)
        n = n * 10 + (uint64_t)(*p - '0');
    if (p != e.value && !*p && n <= max) {
        *out = n;
        return BT_OK;
    }
    x->host->set_error(x->hctx, "%s:%u: %s: want %s", e.file, e.line, key, want);
    return BT_EINVAL;
}

/* --- metrics -------------------------------------------------------------------------------- */

static void metrics(struct bttc_dlvb *x)
{
    static const struct {
        const char *name, *help;
        size_t off;
    } M[] = {
        {"bridge_events_relayed_total", "root-chain events sent to Delivery as msgs",
         offsetof(struct bttc_dlvb, m_events)},
        {"bridge_checkpoints_proposed_total", "MsgCheckpoint sent by this validator",
         offsetof(struct bttc_dlvb, m_proposed)},
        {"bridge_checkpoints_submitted_total", "checkpoints this validator landed on a root chain",
         offsetof(struct bttc_dlvb, m_submitted)},
        {"bridge_checkpoints_acked_total", "checkpoint acks committed by Delivery",
         offsetof(struct bttc_dlvb, m_acked)},
        {"bridge_spans_proposed_total", "MsgProposeSpan sent by this validator",
         offsetof(struct bttc_dlvb, m_spans)},
    };
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++) {
        uint32_t *id = (uint32_t *)((char *)x + M[i].off);
        if (x->host->metric_register(x->hctx, BT_METRIC_COUNTER, M[i].name, M[i].help, NULL, 0,
                                     id) != BT_OK)
            *id = 0;
    }
}

bt_status bttc_dlvb_new(struct bttc_dlvb **out, struct bttc *b, const char *key_id, int has_key)
{
    *out = NULL;
    struct bt_conf_entry e;
    if (b->host->conf_get(b->hctx, "bridge", &e) == BT_OK) {
        if (strcmp(e.value, "off") == 0)
            return BT_OK;
        if (strcmp(e.value, "on") != 0)
            return bttc_fail(b, BT_EINVAL, "%s:%u: bridge: want on or off", e.file, e.line);
    }
    struct bttc_dlvb *x = calloc(1, sizeof *x);
    if (!x)
        return BT_ENOMEM;
    x->host = b->host;
    x->hctx = b->hctx;
    x->b = b;
    x->enabled = 1;
    x->has_key = has_key;
    snprintf(x->key_id, sizeof x->key_id, "%s", key_id);
    if (has_key && bts_hex_parse_address(x->me, key_id, strlen(key_id)) != BT_OK)
        x->has_key = 0;
    /* upstream defaults (helper/config.go): TRON 3 s, ETH 1 min, BSC 10 s, checkpoints 30 min,
     * spans 1 min, no-ack wait 30 min */
    x->poll_ms[DLV_ROOT_TRON] = 3000;
    x->poll_ms[DLV_ROOT_ETH] = 60000;
    x->poll_ms[DLV_ROOT_BSC] = 10000;
    x->ckpt_ms = 30 * 60000;
    x->span_ms = 60000;
    x->noack_wait_ms = 30 * 60000;
    x->stake_ms = 60000; /* StakingPollInterval */
    x->tron_conf = 18;   /* PROTOCOL.md §4 params: TRON confirmations */
    bt_status st = BT_OK;
    if ((st = conf_duration(x, "bridge_poll_tron", &x->poll_ms[DLV_ROOT_TRON])) != BT_OK ||
        (st = conf_duration(x, "bridge_poll_eth", &x->poll_ms[DLV_ROOT_ETH])) != BT_OK ||
        (st = conf_duration(x, "bridge_poll_bsc", &x->poll_ms[DLV_ROOT_BSC])) != BT_OK ||
        (st = conf_duration(x, "checkpoint_poll_interval", &x->ckpt_ms)) != BT_OK ||
        (st = conf_duration(x, "span_poll_interval", &x->span_ms)) != BT_OK ||
        (st = conf_duration(x, "bridge_noack_wait", &x->noack_wait_ms)) != BT_OK ||
        (st = conf_duration(x, "staking_poll_interval", &x->stake_ms)) != BT_OK ||
        (st = conf_uint(x, "bridge_tron_confirmations", 1000000, "a block count (0 to 1000000)",
                        &x->tron_conf)) != BT_OK ||
        (st = conf_uint(x, "bridge_start_block_tron", UINT64_MAX, "a block number",
                        &x->start_block[DLV_ROOT_TRON])) != BT_OK ||
        (st = conf_uint(x, "bridge_start_block_eth", UINT64_MAX, "a block number",
                        &x->start_block[DLV_ROOT_ETH])) != BT_OK ||
        (st = conf_uint(x, "bridge_start_block_bsc", UINT64_MAX, "a block number",
                        &x->start_block[DLV_ROOT_BSC])) != BT_OK) {
        free(x);
        return st;
    }
    metrics(x);
    *out = x;
    return BT_OK;
}

/* --- the oracle proxy ------------------------------------------------------------------------ */

static bt_status proxy_query(void *self, const struct dlv_oracle_query *q, dlv_oracle_done_fn done,
                             void *arg)
{
    struct bttc_dlvb *x = self;
    if (!x->oracle)
        return BT_EBUSY; /* not started: the app votes Skip */
    return dlvb_oracle_iface.query(x->oracle, q, done, arg);
}

static void proxy_cancel(void *self)
{
    struct bttc_dlvb *x = self;
    if (x->oracle)
        dlvb_oracle_iface.cancel_all(x->oracle);
}

const struct dlv_oracle_iface bttc_dlvb_oracle_iface = {
    .struct_size = sizeof(struct dlv_oracle_iface),
    .query = proxy_query,
    .cancel_all = proxy_cancel,
};

/* --- progress store over the plugin's storage ------------------------------------------------ */

static bt_status store_load(void *arg, const char *key, uint64_t *out)
{
    struct bttc_dlvb *x = arg;
    char k[96];
    int kl = snprintf(k, sizeof k, "bridge/%s", key);
    struct bts_buf v = BTS_BUF_INIT;
    bt_status st = dlv_kv_storage_iface()->get(x->kvs, (const uint8_t *)k, (size_t)kl, &v);
    if (st == BT_OK && v.len != 8)
        st = BT_EIO;
    if (st == BT_OK) {
        *out = 0;
        for (int i = 0; i < 8; i++)
            *out = *out << 8 | v.data[i];
    }
    bts_buf_free(&v);
    return st;
}

static bt_status store_save(void *arg, const char *key, uint64_t value)
{
    struct bttc_dlvb *x = arg;
    char k[96];
    int kl = snprintf(k, sizeof k, "bridge/%s", key);
    uint8_t v[8];
    for (int i = 0; i < 8; i++)
        v[i] = (uint8_t)(value >> (56 - 8 * i));
    struct dlv_kv_op op = {
        .key = (const uint8_t *)k, .key_len = (size_t)kl, .value = v, .value_len = 8};
    return dlv_kv_storage_iface()->write(x->kvs, &op, 1);
}

/* --- what the proposer reads from the application ------------------------------------------- */

int bttc_dlvb_is_proposer(struct bttc_dlvb *x, uint64_t next_count)
{
    struct bts_valset vs;
    bts_valset_init(&vs);
    int yes = 0;
    if (x->has_key && dlv_app_valset(x->app, &vs) == BT_OK && vs.n) {
        for (uint64_t i = 0; i < next_count && i < vs.n && !yes; i++) {
            if (i && bts_valset_increment(&vs, 1) != BT_OK)
                break;
            size_t p = bts_valset_proposer(&vs);
            yes = p < vs.n && memcmp(vs.v[p].address, x->me, 20) == 0;
        }
    }
    bts_valset_free(&vs);
    return yes;
}

static int view_is_proposer(void *arg)
{
    return bttc_dlvb_is_proposer(arg, 1);
}

static int view_buffered(void *arg, uint32_t root_type, uint64_t *out_time)
{
    struct bttc_dlvb *x = arg;
    enum dlv_root r;
    struct dlv_checkpoint c;
    if (dlvb_root_of(&r, root_type) != BT_OK ||
        dlv_get_checkpoint(x->app, DLV_T_CKPT_BUFFER, r, 0, &c, 1) != BT_OK)
        return 0;
    *out_time = c.timestamp;
    return 1;
}

static bt_status view_account_root(void *arg, uint8_t out[32])
{
    struct bttc_dlvb *x = arg;
    return dlv_account_root(x->app, out, 1);
}

struct bttc_dlvb_root *bttc_dlvb_root_of(struct bttc_dlvb *x, enum dlv_root r)
{
    for (size_t i = 0; i < x->n_roots; i++)
        if (x->roots[i].root == r)
            return &x->roots[i];
    return NULL;
}

/* --- start ---------------------------------------------------------------------------------- */

/* how often the relayed events due again are looked at */
#define RELAY_TICK_MS 2000

static const uint8_t *addr_or_null(const uint8_t a[20])
{
    static const uint8_t zero[20];
    return memcmp(a, zero, 20) ? a : NULL;
}

static void poll_tick(void *arg)
{
    struct bttc_dlvb_root *r = arg;
    bt_status st = dlvb_listener_poll(r->l);
    if (st != BT_OK && st != BT_EBUSY && st != r->last_poll)
        r->x->host->log(r->x->hctx, BT_LOG_WARN, "bridge poll refused", "root=%s status=%d",
                        r->ad.name, (int)st);
    r->last_poll = st;
    struct dlvb_listener_stats ls;
    dlvb_listener_stats(r->l, &ls);
    uint64_t now = r->x->host->now_ms(r->x->hctx);
    if (ls.errors > r->errors && (!r->err_log_ms || now - r->err_log_ms >= 60000)) {
        r->err_log_ms = now;
        r->x->host->log(r->x->hctx, BT_LOG_WARN, "bridge listener error",
                        "root=%s errors=%llu status=%d error=\"%s\"", r->ad.name,
                        (unsigned long long)ls.errors, (int)ls.last_status, ls.last_error);
    }
    r->errors = ls.errors;
}

static bt_status timer(struct bttc_dlvb *x, uint64_t ms, bt_timer_fn fn, void *arg, uint64_t *id)
{
    return x->host->timer_add(x->hctx, ms, ms, fn, arg, id);
}

/* One adapter: its root, contract addresses from the genesis "roots", a listener. */
static bt_status add_root(struct bttc_dlvb *x, const struct dlvb_adapter *ad,
                          struct dlvb_oracle_chain *oc, struct dlvb_proposer_chain *pc,
                          size_t *n_oc, size_t *n_pc)
{
    enum dlv_root r;
    if (dlvb_root_of(&r, ad->chain_type) != BT_OK || bttc_dlvb_root_of(x, r) ||
        x->n_roots == BTTC_DLVB_ROOTS) {
        x->host->log(x->hctx, BT_LOG_WARN, "bridge adapter ignored", "adapter=%s type=%u", ad->name,
                     ad->chain_type);
        return BT_OK;
    }
    const struct dlv_root_params *rp = &x->app->p.root[r];
    if (!rp->enabled) {
        x->host->log(x->hctx, BT_LOG_INFO, "bridge adapter ignored",
                     "adapter=%s root=%s reason=\"root not in the genesis\"", ad->name,
                     dlv_root_name(r));
        return BT_OK;
    }
    struct bttc_dlvb_root *br = &x->roots[x->n_roots];
    memset(br, 0, sizeof *br);
    br->x = x;
    br->ad = *ad;
    br->root = r;
    br->poll_ms = x->poll_ms[r];
    br->acks = dlv_ack_count(x->app, r, 1);
    oc[*n_oc] = (struct dlvb_oracle_chain){.root = r, .vt = ad->vt, .self = ad->self};
    memcpy(oc[*n_oc].root_chain, rp->root_chain, 20);
    memcpy(oc[*n_oc].stake_manager, rp->stake_manager, 20);
    oc[*n_oc].confirmations = r == DLV_ROOT_TRON ? x->tron_conf : 0;
    (*n_oc)++;
    if (addr_or_null(rp->root_chain)) {
        pc[*n_pc] = (struct dlvb_proposer_chain){.root_type = ad->chain_type,
                                                 .vt = ad->vt,
                                                 .self = ad->self,
                                                 .activation = rp->activation_height};
        memcpy(pc[*n_pc].root_chain, rp->root_chain, 20);
        (*n_pc)++;
    }
    x->n_roots++;
    if (!x->has_key)
        return BT_OK; /* an observer relays nothing */
    struct dlvb_listener_config lc = {
        .name = dlv_root_name(r),
        .root_type = ad->chain_type,
        .staking_info = r == DLV_ROOT_TRON ? addr_or_null(rp->staking_info) : NULL,
        .state_sender = addr_or_null(rp->state_sender),
        .root_chain = addr_or_null(rp->root_chain),
        .confirmations = r == DLV_ROOT_TRON ? x->tron_conf : 0,
        .max_blocks = r == DLV_ROOT_TRON ? 5 : 1000,
        .start_block = x->start_block[r], /* used only while no progress is stored */
    };
    if (!lc.staking_info && !lc.state_sender && !lc.root_chain) {
        x->host->log(x->hctx, BT_LOG_WARN, "bridge listener off",
                     "root=%s reason=\"no contract address in the genesis roots\"",
                     dlv_root_name(r));
        return BT_OK;
    }
    struct dlvb_store store = {.load = store_load, .save = store_save, .arg = x};
    bt_status st = dlvb_listener_new(&br->l, ad->vt, ad->self, &lc, &store, bttc_dlvb_on_event, br);
    if (st != BT_OK) {
        x->host->log(x->hctx, BT_LOG_ERROR, "bridge listener failed", "root=%s status=%d",
                     dlv_root_name(r), (int)st);
        return st == BT_ENOMEM ? st : BT_OK;
    }
    if ((st = timer(x, br->poll_ms, poll_tick, br, &br->timer)) != BT_OK)
        return st;
    x->host->log(x->hctx, BT_LOG_INFO, "bridge listener",
                 "root=%s adapter=%s poll_ms=%llu start_block=%llu", dlv_root_name(r), ad->name,
                 (unsigned long long)br->poll_ms, (unsigned long long)x->start_block[r]);
    return BT_OK;
}

bt_status bttc_dlvb_start(struct bttc_dlvb *x, struct dlv_application *app,
                          struct dlv_kv_storage *kvs, struct dlv_node *node)
{
    x->app = app;
    x->kvs = kvs;
    x->node = node;
    struct dlvb_adapter ads[BTTC_DLVB_ROOTS];
    size_t n = 0;
    if (dlvb_adapters_find(x->host, x->hctx, ads, BTTC_DLVB_ROOTS, &n) != BT_OK)
        n = BTTC_DLVB_ROOTS;
    struct dlvb_oracle_chain oc[BTTC_DLVB_ROOTS];
    struct dlvb_proposer_chain pc[BTTC_DLVB_ROOTS];
    size_t n_oc = 0, n_pc = 0;
    bt_status st = BT_OK;
    for (size_t i = 0; i < n && st == BT_OK; i++)
        st = add_root(x, &ads[i], oc, pc, &n_oc, &n_pc);
    if (st != BT_OK)
        return st;
    if (x->b->chain) {
        x->chain_src.iface = x->b->chain;
        x->chain_src.self = x->b->chain_self;
        dlvb_chain_local_init(&x->local, &x->chain_src);
    }
    if (x->b->chain && (st = dlvb_oracle_new(&x->oracle, oc, n_oc, &x->local)) != BT_OK)
        return st;
    if (x->b->chain && x->has_key && n_pc) {
        struct dlvb_app_view view = {.is_proposer = view_is_proposer,
                                     .buffered = view_buffered,
                                     .account_root = view_account_root,
                                     .arg = x};
        st = dlvb_proposer_new(&x->proposer, pc, n_pc, app->p.checkpoint_buffer_time, &x->local,
                               &view, bttc_dlvb_on_proposal, x);
        /* the genesis lengths: upstream's on mainnet, short ones on a dev net */
        if (st == BT_OK && dlvb_proposer_set_range(x->proposer, app->p.avg_checkpoint_length,
                                                   app->p.max_checkpoint_length,
                                                   app->p.bttc_confirmations) != BT_OK)
            x->host->log(x->hctx, BT_LOG_WARN, "bridge checkpoint lengths ignored",
                         "avg=%llu max=%llu", (unsigned long long)app->p.avg_checkpoint_length,
                         (unsigned long long)app->p.max_checkpoint_length);
        if (st != BT_OK)
            return st;
    }
    if (x->has_key) {
        if (n_pc && (st = timer(x, x->ckpt_ms, bttc_dlvb_noack_tick, x, &x->t_noack)) != BT_OK)
            return st;
        if (n_oc > 1 && (st = timer(x, x->ckpt_ms / 2 ? x->ckpt_ms / 2 : 1, bttc_dlvb_sync_tick, x,
                                    &x->t_sync)) != BT_OK)
            return st;
        if (x->oracle && (st = timer(x, x->span_ms, bttc_dlvb_span_tick, x, &x->t_span)) != BT_OK)
            return st;
        if ((st = timer(x, RELAY_TICK_MS, bttc_dlvb_relay_tick, x, &x->t_relay)) != BT_OK)
            return st;
        if ((st = timer(x, x->stake_ms, bttc_dlvb_stake_tick, x, &x->t_stake)) != BT_OK)
            return st;
    }
    x->started = 1;
    x->host->log(x->hctx, BT_LOG_INFO, "bridge started",
                 "adapters=%zu roots=%zu checkpoint_roots=%zu key=%s", n, x->n_roots, n_pc,
                 x->has_key ? x->key_id : "none");
    return BT_OK;
}

void bttc_dlvb_on_head(struct bttc_dlvb *x, uint64_t number)
{
    if (!x || !x->started)
        return;
    x->head = number;
    if (!x->proposer)
        return;
    (void)dlvb_proposer_on_head(x->proposer, number, x->host->wall_ms(x->hctx) / 1000);
    struct dlvb_proposer_stats ps;
    dlvb_proposer_stats(x->proposer, &ps);
    uint64_t now = x->host->now_ms(x->hctx);
    /* one line per new failure kind, then at most one a minute (a head a second otherwise) */
    if (ps.errors > x->prop_errors &&
        (ps.last_status != x->prop_logged || now - x->prop_log_ms >= 60000)) {
        x->prop_logged = ps.last_status;
        x->prop_log_ms = now;
        x->host->log(x->hctx, BT_LOG_WARN, "bridge proposer error",
                     "head=%llu errors=%llu status=%d", (unsigned long long)number,
                     (unsigned long long)ps.errors, (int)ps.last_status);
    }
    x->prop_errors = ps.errors;
}

void bttc_dlvb_stop(struct bttc_dlvb *x)
{
    if (!x)
        return;
    x->started = 0;
    uint64_t *ids[] = {&x->t_noack, &x->t_sync, &x->t_span, &x->t_relay, &x->t_stake};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (*ids[i]) {
            (void)x->host->timer_del(x->hctx, *ids[i]);
            *ids[i] = 0;
        }
    for (size_t i = 0; i < x->n_roots; i++)
        if (x->roots[i].timer) {
            (void)x->host->timer_del(x->hctx, x->roots[i].timer);
            x->roots[i].timer = 0;
        }
}

void bttc_dlvb_free(struct bttc_dlvb *x)
{
    if (!x)
        return;
    bttc_dlvb_stop(x);
    for (size_t i = 0; i < x->n_roots; i++)
        dlvb_listener_free(x->roots[i].l);
    dlvb_proposer_free(x->proposer);
    dlvb_oracle_free(x->oracle);
    bttc_dlvb_relay_free(x);
    bttc_dlvb_stake_free(x);
    while (x->pending) {
        struct bttc_dlvb_pending *p = x->pending;
        x->pending = p->next;
        dlv_msg_free(&p->msg);
        free(p);
    }
    /* calls in flight finish later without us (their callbacks free them) */
    for (struct bttc_dlvb_call *c = x->calls; c; c = c->next)
        c->x = NULL;
    free(x->votes);
    free(x->vote_sigs);
    free(x->vote_power);
    free(x);
}
