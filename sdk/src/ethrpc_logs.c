/* bts/ethrpc.h bts_ethrpc_get_logs: eth_getLogs paged over windows that adapt to what the node
 * accepts (ROOTCHAINS.md §3 "eth_getLogs limits": start from the configured window, halve on a
 * range/size refusal, grow slowly after successes, always filter by address). Every log is
 * checked against its window and the filter, so a wrong answer cannot pass as events. */
#include <bts/ethrpc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/json.h>

#include "ethrpc_int.h"

struct logs_ctx {
    struct bts_ethrpc *rpc;
    bts_ethrpc_logs_fn cb;
    void *arg;
    json_t *tmpl; /* {"address": [...], "topics": [...]} shared by every window */
    uint8_t (*addrs)[20];
    size_t n_addrs;
    uint8_t (*topics[4])[32];
    size_t n_topics[4];
    uint64_t next, to, window, max_range, win_to;
    struct bt_rootchain_log *logs;
    size_t n, cap;
    struct bts_buf arena; /* data of every log; logs[i].data holds an offset until the end */
};

static void logs_ctx_free(struct logs_ctx *c)
{
    json_decref(c->tmpl);
    free(c->addrs);
    for (int i = 0; i < 4; i++)
        free(c->topics[i]);
    free(c->logs);
    bts_buf_free(&c->arena);
    free(c);
}

static void logs_fail(struct logs_ctx *c, bt_status st, const char *err)
{
    c->cb(c->arg, st, NULL, 0, err);
    logs_ctx_free(c);
}

static int log_cmp(const void *a, const void *b)
{
    const struct bt_rootchain_log *x = a, *y = b;
    if (x->block_number != y->block_number)
        return x->block_number < y->block_number ? -1 : 1;
    return x->log_index < y->log_index ? -1 : x->log_index > y->log_index;
}

static int logs_match(const struct logs_ctx *c, const struct bt_rootchain_log *l)
{
    if (c->n_addrs) {
        size_t i = 0;
        while (i < c->n_addrs && memcmp(c->addrs[i], l->address, 20) != 0)
            i++;
        if (i == c->n_addrs)
            return 0;
    }
    for (int t = 0; t < 4; t++) {
        if (!c->n_topics[t])
            continue;
        if ((uint32_t)t >= l->n_topics)
            return 0;
        size_t i = 0;
        while (i < c->n_topics[t] && memcmp(c->topics[t][i], l->topics[t], 32) != 0)
            i++;
        if (i == c->n_topics[t])
            return 0;
    }
    return 1;
}

static bt_status logs_next(struct logs_ctx *c);

static void logs_on_reply(void *arg, const struct bts_ethrpc_reply *r)
{
    struct logs_ctx *c = arg;
    char err[600], sub[400];
    if (r->st != BT_OK) {
        int range = (r->st == BTS_ETHRPC_EREMOTE || r->st == BT_EPROTO) &&
                    bts_ethrpc_is_range_error(r->code, r->err, r->http_status);
        if (!range) {
            logs_fail(c, r->st, r->err);
            return;
        }
        uint64_t asked = c->win_to - c->next + 1;
        if (asked <= 1) {
            snprintf(err, sizeof(err), "eth_getLogs: node refuses even one block (%llu): %s",
                     (unsigned long long)c->next, r->err);
            logs_fail(c, BTS_ETHRPC_ELOGLIMIT, err);
            return;
        }
        c->window = asked / 2;
    } else {
        struct bts_ethrpc_logs got;
        bt_status st = bts_ethrpc_parse_logs(&got, r->result, sub, sizeof(sub));
        if (st != BT_OK) {
            bts_ethrpc_logs_free(&got);
            ethrpc_errf(err, sizeof(err), "eth_getLogs: %s: %s", r->url, sub);
            logs_fail(c, st == BT_ENOMEM ? st : BT_EPROTO, err);
            return;
        }
        for (size_t i = 0; i < got.n_logs; i++) {
            struct bt_rootchain_log *l = &got.logs[i];
            if (l->block_number < c->next || l->block_number > c->win_to || !logs_match(c, l)) {
                ethrpc_errf(err, sizeof(err),
                            "eth_getLogs: %s: log %zu (block %llu) is outside the filter of "
                            "blocks %llu..%llu",
                            r->url, i, (unsigned long long)l->block_number,
                            (unsigned long long)c->next, (unsigned long long)c->win_to);
                bts_ethrpc_logs_free(&got);
                logs_fail(c, BT_EPROTO, err);
                return;
            }
        }
        if (c->n + got.n_logs > c->cap) {
            size_t cap = c->cap ? c->cap : 64;
            while (cap < c->n + got.n_logs)
                cap *= 2;
            void *p = realloc(c->logs, cap * sizeof(*c->logs));
            if (!p) {
                bts_ethrpc_logs_free(&got);
                logs_fail(c, BT_ENOMEM, "eth_getLogs: out of memory");
                return;
            }
            c->logs = p;
            c->cap = cap;
        }
        for (size_t i = 0; i < got.n_logs; i++) {
            struct bt_rootchain_log *l = &c->logs[c->n++];
            *l = got.logs[i];
            l->data = (const uint8_t *)(uintptr_t)c->arena.len;
            if (bts_buf_append(&c->arena, got.logs[i].data, got.logs[i].data_len) != BT_OK) {
                bts_ethrpc_logs_free(&got);
                logs_fail(c, BT_ENOMEM, "eth_getLogs: out of memory");
                return;
            }
        }
        bts_ethrpc_logs_free(&got);
        if (c->win_to >= c->to) {
            for (size_t i = 0; i < c->n; i++)
                c->logs[i].data = c->arena.data + (uintptr_t)c->logs[i].data;
            if (c->n) /* qsort(NULL, 0, ...) is undefined behaviour (C11 7.22.5) */
                qsort(c->logs, c->n, sizeof(*c->logs), log_cmp);
            c->cb(c->arg, BT_OK, c->logs, c->n, "");
            logs_ctx_free(c);
            return;
        }
        c->next = c->win_to + 1;
        if (c->max_range) {
            uint64_t grown = c->window + c->window / 4 + 1;
            c->window = grown < c->max_range ? grown : c->max_range;
        }
    }
    bt_status st = logs_next(c);
    if (st != BT_OK) {
        snprintf(err, sizeof(err), "eth_getLogs: cannot send: %s", bts_status_str(st));
        logs_fail(c, st, err);
    }
}

static bt_status logs_next(struct logs_ctx *c)
{
    uint64_t span = c->to - c->next; /* blocks after next */
    c->win_to = c->window && c->window - 1 < span ? c->next + c->window - 1 : c->to;
    json_t *q = json_deep_copy(c->tmpl);
    if (!q || bts_json_set_u64(q, "fromBlock", c->next) != BT_OK ||
        bts_json_set_u64(q, "toBlock", c->win_to) != BT_OK) {
        json_decref(q);
        return BT_ENOMEM;
    }
    json_t *p = json_pack("[o]", q);
    if (!p)
        return BT_ENOMEM;
    return bts_ethrpc_request(c->rpc, "eth_getLogs", p, logs_on_reply, c);
}

/* The filter as JSON and as copies for checking answers. */
static bt_status logs_setup(struct logs_ctx *c, const struct bt_rootchain_filter *f)
{
    c->tmpl = json_object();
    json_t *addrs = json_array(), *topics = json_array();
    if (!c->tmpl || !addrs || !topics)
        goto nomem;
    if (json_object_set_new(c->tmpl, "address", addrs) != 0) {
        json_decref(topics);
        return BT_ENOMEM;
    }
    if (json_object_set_new(c->tmpl, "topics", topics) != 0)
        return BT_ENOMEM;
    if (f->n_addresses) {
        c->addrs = malloc(f->n_addresses * 20);
        if (!c->addrs)
            return BT_ENOMEM;
        memcpy(c->addrs, f->addresses, f->n_addresses * 20);
        c->n_addrs = f->n_addresses;
        for (size_t i = 0; i < f->n_addresses; i++)
            if (json_array_append_new(addrs, bts_json_new_address(f->addresses[i])) != 0)
                return BT_ENOMEM;
    } else {
        json_object_del(c->tmpl, "address");
    }
    int last = -1;
    for (int t = 0; t < 4; t++)
        if (f->topics[t] && f->n_topics[t])
            last = t;
    for (int t = 0; t <= last; t++) {
        if (!f->topics[t] || !f->n_topics[t]) {
            if (json_array_append_new(topics, json_null()) != 0)
                return BT_ENOMEM;
            continue;
        }
        json_t *alt = json_array();
        if (!alt || json_array_append_new(topics, alt) != 0)
            return BT_ENOMEM;
        c->topics[t] = malloc(f->n_topics[t] * 32);
        if (!c->topics[t])
            return BT_ENOMEM;
        memcpy(c->topics[t], f->topics[t], f->n_topics[t] * 32);
        c->n_topics[t] = f->n_topics[t];
        for (size_t i = 0; i < f->n_topics[t]; i++)
            if (json_array_append_new(alt, bts_json_new_hash(f->topics[t][i])) != 0)
                return BT_ENOMEM;
    }
    return BT_OK;
nomem:
    json_decref(addrs);
    json_decref(topics);
    return BT_ENOMEM;
}

bt_status bts_ethrpc_get_logs(struct bts_ethrpc *rpc, const struct bt_rootchain_filter *f,
                              uint64_t max_range, bts_ethrpc_logs_fn cb, void *arg)
{
    if (f->from_block > f->to_block || (f->n_addresses && !f->addresses))
        return BT_EINVAL;
    struct logs_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return BT_ENOMEM;
    bts_buf_init(&c->arena);
    c->rpc = rpc;
    c->cb = cb;
    c->arg = arg;
    c->next = f->from_block;
    c->to = f->to_block;
    c->max_range = max_range;
    c->window = max_range;
    bt_status st = logs_setup(c, f);
    if (st == BT_OK)
        st = logs_next(c);
    if (st != BT_OK)
        logs_ctx_free(c);
    return st;
}
