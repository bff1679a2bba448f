/* eth_getLogs, the polling filters (eth_newFilter, eth_newBlockFilter,
 * eth_newPendingTransactionFilter, eth_getFilterChanges, eth_getFilterLogs,
 * eth_uninstallFilter; unpolled for 5 minutes: removed) and eth_subscribe (newHeads, logs,
 * newPendingTransactions) over the connection's subscription sink. go-ethereum
 * eth/filters/api.go and filter.go. */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <bts/json.h>

#include "txjson_int.h"

#define FILTER_MAX_QUEUED 10000 /* changes kept per filter between polls */

enum fkind { F_LOGS, F_BLOCKS, F_PENDING };

struct eth_filter {
    struct eth_filter *next;
    char id[RPC_SUB_ID_MAX];
    enum fkind kind;
    struct logfilter crit;
    uint64_t last_poll;
    json_t *queued; /* array of changes since the last poll */
};

/* A live eth_subscribe subscription. */
struct eth_sub {
    struct eth_sub *next;
    struct eth_api *api;
    struct rpc_sink *sink;
    char id[RPC_SUB_ID_MAX];
    enum fkind kind; /* F_BLOCKS: newHeads */
    int is_full_tx;  /* newPendingTransactions with true */
    struct logfilter crit;
};

struct eth_filters {
    struct eth_filter *head;
};

struct eth_subs {
    struct eth_sub *head;
};

/* geth rpc.NewID: 16 random bytes, hex, leading zeros trimmed. */
static bt_status new_id(char out[RPC_SUB_ID_MAX])
{
    uint8_t b[16];
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        return BT_EIO;
    char hex[33];
    for (size_t i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", b[i]);
    const char *h = hex;
    while (*h == '0' && h[1])
        h++;
    snprintf(out, RPC_SUB_ID_MAX, "0x%s", h);
    return BT_OK;
}

static void filter_free(struct eth_filter *f)
{
    logfilter_free(&f->crit);
    json_decref(f->queued);
    free(f);
}

/* Drop filters not polled within the timeout. */
static void sweep(struct eth_api *api)
{
    uint64_t now = api->now_s();
    for (struct eth_filter **pp = &api->filters->head; *pp;) {
        struct eth_filter *f = *pp;
        if (now - f->last_poll > (uint64_t)api->filter_timeout_s) {
            *pp = f->next;
            filter_free(f);
        } else {
            pp = &f->next;
        }
    }
}

static struct eth_filter *filter_find(struct eth_api *api, const char *id)
{
    for (struct eth_filter *f = api->filters->head; f; f = f->next)
        if (strcmp(f->id, id) == 0)
            return f;
    return NULL;
}

/* --- log queries --------------------------------------------------------------------------- */

/* Append the logs of one block that match to arr (removed: a block a reorg dropped). */
static bt_status block_logs(struct eth_api *api, const struct logfilter *crit,
                            const struct chain_header *hd, const struct chain_receipts *given,
                            int removed, json_t *arr)
{
    if (!logfilter_bloom_ok(crit, hd->h.bloom))
        return BT_OK;
    struct chain_receipts rs;
    const struct chain_receipts *r = given;
    if (!r) {
        bt_status rc = chain_receipts_by_hash(api->c, hd->hash, &rs);
        if (rc != BT_OK)
            return rc;
        r = &rs;
    }
    bt_status rc = BT_OK;
    for (size_t i = 0; rc == BT_OK && i < r->n; i++) {
        const struct chain_receipt *rc_ = &r->r[i];
        for (size_t k = 0; rc == BT_OK && k < rc_->n_logs; k++) {
            if (!logfilter_match(crit, &rc_->logs[k].log))
                continue;
            json_t *l = ethjson_log(&rc_->logs[k], &r->block_hash, r->block_number, &rc_->tx_hash,
                                    rc_->tx_index, removed);
            if (!l || json_array_append_new(arr, l) != 0)
                rc = BT_ENOMEM;
        }
    }
    if (!given)
        chain_receipts_free(&rs);
    return rc;
}

/* The logs of crit's range (or block hash); answers the call on failure and returns NULL. */
static json_t *query_logs(struct eth_api *api, struct bt_rpc_call *call,
                          const struct logfilter *crit)
{
    char err[200];
    json_t *arr = json_array();
    if (!arr) {
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        return NULL;
    }
    if (crit->has_block_hash) {
        struct chain_header hd;
        if (chain_header_by_hash(api->c, crit->block_hash, &hd) != BT_OK) {
            eth_server_error(call, "unknown block");
            json_decref(arr);
            return NULL;
        }
        bt_status rc = block_logs(api, crit, &hd, NULL, 0, arr);
        chain_header_free(&hd);
        if (rc != BT_OK) {
            eth_server_error(call, bts_status_str(rc));
            json_decref(arr);
            return NULL;
        }
        return arr;
    }
    uint64_t from, to, head;
    uint8_t hh[32];
    chain_head(api->c, &head, hh);
    if (eth_block_number_of(api, crit->from_block, &from, err, sizeof(err)) != BT_OK ||
        eth_block_number_of(api, crit->to_block, &to, err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        json_decref(arr);
        return NULL;
    }
    if (from > to) {
        eth_server_error(call, "invalid block range params");
        json_decref(arr);
        return NULL;
    }
    if (from > head)
        return arr; /* nothing there yet */
    if (to > head)
        to = head;
    if (api->log_range_max && to - from + 1 > api->log_range_max) {
        snprintf(err, sizeof(err),
                 "block range too large: %llu blocks (from %llu to %llu), the limit is %llu",
                 (unsigned long long)(to - from + 1), (unsigned long long)from,
                 (unsigned long long)to, (unsigned long long)api->log_range_max);
        eth_server_error(call, err);
        json_decref(arr);
        return NULL;
    }
    for (uint64_t b = from; b <= to; b++) {
        struct chain_header hd;
        bt_status rc = chain_header_by_number(api->c, b, &hd);
        if (rc == BT_OK)
            rc = block_logs(api, crit, &hd, NULL, 0, arr);
        chain_header_free(&hd);
        if (rc != BT_OK) {
            eth_server_error(call, bts_status_str(rc));
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static void m_get_logs(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    struct logfilter crit;
    char err[200];
    if (logfilter_parse(&crit, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
    } else {
        json_t *arr = query_logs(api, call, &crit);
        if (arr)
            rpc_call_result_json(call, arr);
        logfilter_free(&crit);
    }
    json_decref(p);
}

/* --- polling filters ----------------------------------------------------------------------- */

static void install(struct eth_api *api, struct bt_rpc_call *call, enum fkind kind,
                    const json_t *crit_json)
{
    sweep(api);
    struct eth_filter *f = calloc(1, sizeof(*f));
    char err[200];
    if (!f || !(f->queued = json_array()) || new_id(f->id) != BT_OK) {
        if (f)
            json_decref(f->queued);
        free(f);
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    f->kind = kind;
    if (kind == F_LOGS && logfilter_parse(&f->crit, crit_json, err, sizeof(err)) != BT_OK) {
        filter_free(f);
        eth_bad_arg(call, 0, err);
        return;
    }
    f->last_poll = api->now_s();
    f->next = api->filters->head;
    api->filters->head = f;
    rpc_call_result_json(call, json_string(f->id));
}

static void m_new_filter(void *arg, struct bt_rpc_call *call)
{
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    install(arg, call, F_LOGS, json_array_get(p, 0));
    json_decref(p);
}

static void m_new_block_filter(void *arg, struct bt_rpc_call *call)
{
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    install(arg, call, F_BLOCKS, NULL);
}

static void m_new_pending_filter(void *arg, struct bt_rpc_call *call)
{
    json_t *p;
    if (rpc_params(call, 1, 0, &p) != BT_OK)
        return;
    json_decref(p);
    install(arg, call, F_PENDING, NULL);
}

/* The filter named by params[0], or NULL after answering "filter not found" (geth). */
static struct eth_filter *filter_arg(struct eth_api *api, struct bt_rpc_call *call, json_t **p)
{
    if (rpc_params(call, 1, 1, p) != BT_OK)
        return NULL;
    sweep(api);
    const char *id = json_string_value(json_array_get(*p, 0));
    struct eth_filter *f = id ? filter_find(api, id) : NULL;
    if (!f)
        eth_server_error(call, "filter not found");
    return f;
}

static void m_filter_changes(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p = NULL;
    struct eth_filter *f = filter_arg(api, call, &p);
    if (f) {
        json_t *out = f->queued;
        f->queued = json_array();
        f->last_poll = api->now_s();
        rpc_call_result_json(call, out);
    }
    json_decref(p);
}

static void m_filter_logs(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p = NULL;
    struct eth_filter *f = filter_arg(api, call, &p);
    if (f && f->kind != F_LOGS) {
        eth_server_error(call, "filter not found");
    } else if (f) {
        f->last_poll = api->now_s();
        json_t *arr = query_logs(api, call, &f->crit);
        if (arr)
            rpc_call_result_json(call, arr);
    }
    json_decref(p);
}

static void m_uninstall(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    const char *id = json_string_value(json_array_get(p, 0));
    int found = 0;
    for (struct eth_filter **pp = &api->filters->head; id && *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->id, id) == 0) {
            struct eth_filter *f = *pp;
            *pp = f->next;
            filter_free(f);
            found = 1;
            break;
        }
    }
    json_decref(p);
    rpc_call_result(call, found ? "true" : "false");
}

/* --- subscriptions -------------------------------------------------------------------------- */

static void sub_dropped(void *arg)
{
    struct eth_sub *s = arg;
    for (struct eth_sub **pp = &s->api->subs->head; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    }
    logfilter_free(&s->crit);
    free(s);
}

static void m_subscribe(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 2, 1, &p) != BT_OK)
        return;
    struct rpc_sink *sink = rpc_call_sink(call);
    if (!sink) {
        json_decref(p);
        return;
    }
    const char *kind = json_string_value(json_array_get(p, 0));
    struct eth_sub *s = calloc(1, sizeof(*s));
    char err[200];
    if (!s) {
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        goto out;
    }
    s->api = api;
    s->sink = sink;
    if (kind && strcmp(kind, "newHeads") == 0) {
        s->kind = F_BLOCKS;
    } else if (kind && strcmp(kind, "newPendingTransactions") == 0) {
        s->kind = F_PENDING;
        s->is_full_tx = json_is_true(json_array_get(p, 1));
    } else if (kind && strcmp(kind, "logs") == 0) {
        s->kind = F_LOGS;
        if (logfilter_parse(&s->crit, json_array_get(p, 1), err, sizeof(err)) != BT_OK) {
            free(s);
            eth_bad_arg(call, 1, err);
            goto out;
        }
    } else {
        free(s);
        char m[200];
        snprintf(m, sizeof(m), "no \"%.100s\" subscription in eth namespace", kind ? kind : "");
        eth_server_error(call, m);
        goto out;
    }
    if (rpc_sub_new(sink, sub_dropped, s, s->id) != BT_OK) {
        logfilter_free(&s->crit);
        free(s);
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        goto out;
    }
    s->next = api->subs->head;
    api->subs->head = s;
    rpc_call_result_sub_id(call, s->id);
out:
    json_decref(p);
}

/* --- chain events ---------------------------------------------------------------------------- */

static void queue(struct eth_filter *f, json_t *v)
{
    if (v && json_array_size(f->queued) < FILTER_MAX_QUEUED)
        json_array_append(f->queued, v);
}

/* Notifications are built for every subscription first and sent afterwards, by id: sending
 * may close a connection and drop subscriptions (the list changes under a walk). */
struct outgoing {
    char id[RPC_SUB_ID_MAX];
    json_t *v;    /* one result, or an array of results sent one by one */
    int is_multi; /* v is an array of results */
};

static void send_all(struct eth_api *api, struct outgoing *o, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = 0, count = o[i].is_multi ? json_array_size(o[i].v) : 1;
        for (; o[i].v && k < count; k++) {
            json_t *v = o[i].is_multi ? json_array_get(o[i].v, k) : o[i].v;
            char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            if (!text || rpc_sub_notify(api->srv, o[i].id, text) != BT_OK)
                k = count; /* gone (or out of memory): nothing more for it */
            free(text);
        }
        json_decref(o[i].v);
    }
    free(o);
}

static struct outgoing *outgoing_new(struct eth_api *api, size_t *out_n)
{
    size_t n = 0;
    for (struct eth_sub *s = api->subs->head; s; s = s->next)
        n++;
    *out_n = 0;
    return n ? calloc(n, sizeof(struct outgoing)) : NULL;
}

/* A new head block (or a block of a reorg's new branch), or with `removed` a block a reorg
 * dropped: its logs go out with removed: true (geth RemovedLogsEvent), to log filters and log
 * subscriptions only. */
static void on_block(struct eth_api *api, const struct chain_event *ev, int removed)
{
    json_t *hash = bts_json_new_hash(ev->header->hash);
    for (struct eth_filter *f = api->filters->head; f; f = f->next) {
        if (f->kind == F_BLOCKS) {
            if (!removed)
                queue(f, hash);
        } else if (f->kind == F_LOGS && !f->crit.has_block_hash) {
            json_t *arr = json_array();
            if (arr && block_logs(api, &f->crit, ev->header, ev->receipts, removed, arr) == BT_OK) {
                size_t i;
                json_t *l;
                json_array_foreach(arr, i, l) queue(f, l);
            }
            json_decref(arr);
        }
    }
    json_decref(hash);
    size_t n;
    struct outgoing *o = outgoing_new(api, &n);
    json_t *head = NULL;
    for (struct eth_sub *s = api->subs->head; o && s; s = s->next) {
        json_t *v = NULL;
        if (s->kind == F_BLOCKS && !removed) {
            if (!head)
                head = ethjson_header(ev->header);
            v = json_incref(head);
        } else if (s->kind == F_LOGS) {
            v = json_array();
            if (v && block_logs(api, &s->crit, ev->header, ev->receipts, removed, v) != BT_OK) {
                json_decref(v);
                v = NULL;
            }
        }
        if (!v)
            continue;
        memcpy(o[n].id, s->id, RPC_SUB_ID_MAX);
        o[n].v = v;
        o[n].is_multi = s->kind == F_LOGS;
        n++;
    }
    json_decref(head);
    if (o)
        send_all(api, o, n);
}

static void on_pending(struct eth_api *api, const struct chain_event *ev)
{
    json_t *hash = bts_json_new_hash(ev->tx->tx.hash.bytes), *full = NULL;
    for (struct eth_filter *f = api->filters->head; f; f = f->next)
        if (f->kind == F_PENDING)
            queue(f, hash);
    size_t n;
    struct outgoing *o = outgoing_new(api, &n);
    for (struct eth_sub *s = api->subs->head; o && s; s = s->next) {
        if (s->kind != F_PENDING)
            continue;
        if (s->is_full_tx && !full)
            full = txjson_new(&ev->tx->tx, &ev->tx->from, NULL);
        json_t *v = s->is_full_tx ? full : hash;
        if (!v)
            continue;
        memcpy(o[n].id, s->id, RPC_SUB_ID_MAX);
        o[n].v = json_incref(v);
        n++;
    }
    json_decref(hash);
    json_decref(full);
    if (o)
        send_all(api, o, n);
}

void eth_filter_on_event(struct eth_api *api, const struct chain_event *ev)
{
    switch (ev->kind) {
    case CHAIN_EV_HEAD:
        sweep(api);
        on_block(api, ev, 0);
        break;
    case CHAIN_EV_REMOVED:
        on_block(api, ev, 1);
        break;
    case CHAIN_EV_PENDING_TX:
        on_pending(api, ev);
        break;
    case CHAIN_EV_REORG:
        break; /* the REMOVED and HEAD events that follow carry what filters report */
    }
}

void eth_filter_free_all(struct eth_api *api)
{
    if (api->filters) {
        while (api->filters->head) {
            struct eth_filter *f = api->filters->head;
            api->filters->head = f->next;
            filter_free(f);
        }
        free(api->filters);
        api->filters = NULL;
    }
    if (api->subs) {
        /* Cancelling runs sub_dropped, which unlinks and frees. */
        while (api->subs->head) {
            struct eth_sub *s = api->subs->head;
            if (rpc_sub_cancel(s->sink, s->id) != BT_OK)
                sub_dropped(s);
        }
        free(api->subs);
        api->subs = NULL;
    }
}

bt_status eth_filter_register(struct eth_api *api)
{
    api->filters = calloc(1, sizeof(*api->filters));
    api->subs = calloc(1, sizeof(*api->subs));
    if (!api->filters || !api->subs)
        return BT_ENOMEM;
    static const struct {
        const char *name;
        bt_rpc_fn fn;
    } m[] = {
        {"eth_getLogs", m_get_logs},
        {"eth_newFilter", m_new_filter},
        {"eth_newBlockFilter", m_new_block_filter},
        {"eth_newPendingTransactionFilter", m_new_pending_filter},
        {"eth_getFilterChanges", m_filter_changes},
        {"eth_getFilterLogs", m_filter_logs},
        {"eth_uninstallFilter", m_uninstall},
        {"eth_subscribe", m_subscribe},
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        bt_status rc = rpc_register(api->srv, api, m[i].name, 0, m[i].fn, api);
        if (rc != BT_OK)
            return rc;
    }
    return rpc_register(api->srv, api, "eth_unsubscribe", 0, rpc_m_unsubscribe, NULL);
}
