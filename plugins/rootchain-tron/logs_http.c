/* rootchain-tron logs without JSON-RPC (`logs_via = http`): java-tron serves /jsonrpc only when
 * node.jsonrpc.httpFullNodeEnable is on (ROOTCHAINS.md §1.7), so a plain fullnode is read block
 * by block: wallet/getblockbynum for the block id, then wallet/gettransactioninfobyblocknum for
 * its receipts; logs are filtered by the filter's addresses and topics and numbered per block in
 * transaction order, as java-tron's eth_getLogs numbers them (logIndex counts within the
 * block). Sequential, one block at a time: slower than eth_getLogs, never a burst. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tron_int.h"

struct hl_ctx {
    struct tron *t;
    bt_rootchain_logs_fn cb;
    void *arg;
    /* the filter, copied */
    uint8_t (*addrs)[20];
    size_t n_addrs;
    uint8_t (*topics[4])[32];
    size_t n_topics[4];
    uint64_t next, to;
    uint8_t block_id[32];
    /* results */
    struct bt_rootchain_log *logs;
    size_t n_logs, cap_logs;
    uint8_t **datas; /* one copy per log */
};

static void hl_free(struct hl_ctx *h)
{
    for (size_t i = 0; i < h->n_logs; i++)
        free(h->datas[i]);
    free(h->datas);
    free(h->logs);
    free(h->addrs);
    for (int i = 0; i < 4; i++)
        free(h->topics[i]);
    free(h);
}

static void hl_done(struct hl_ctx *h, bt_status st, const char *err)
{
    struct tron *t = h->t;
    tron_set_err(t, st, err);
    h->cb(h->arg, st, st == BT_OK ? h->logs : NULL, st == BT_OK ? h->n_logs : 0);
    hl_free(h);
}

static int hl_match(const struct hl_ctx *h, const struct bt_rootchain_log *l)
{
    int ok = h->n_addrs == 0;
    for (size_t i = 0; i < h->n_addrs && !ok; i++)
        ok = !memcmp(h->addrs[i], l->address, 20);
    for (int k = 0; k < 4 && ok; k++) {
        if (!h->n_topics[k])
            continue;
        ok = 0;
        for (size_t i = 0; i < h->n_topics[k] && !ok && (uint32_t)k < l->n_topics; i++)
            ok = !memcmp(h->topics[k][i], l->topics[k], 32);
    }
    return ok;
}

static bt_status hl_keep(struct hl_ctx *h, const struct bt_rootchain_log *l, uint32_t log_index)
{
    if (h->n_logs == h->cap_logs) {
        size_t cap = h->cap_logs ? h->cap_logs * 2 : 16;
        struct bt_rootchain_log *nl = realloc(h->logs, cap * sizeof(*nl));
        if (!nl)
            return BT_ENOMEM;
        h->logs = nl;
        uint8_t **nd = realloc(h->datas, cap * sizeof(*nd));
        if (!nd)
            return BT_ENOMEM;
        h->datas = nd;
        h->cap_logs = cap;
    }
    uint8_t *d = malloc(l->data_len ? l->data_len : 1);
    if (!d)
        return BT_ENOMEM;
    if (l->data_len)
        memcpy(d, l->data, l->data_len);
    struct bt_rootchain_log *o = &h->logs[h->n_logs];
    *o = *l;
    o->data = d;
    o->log_index = log_index;
    memcpy(o->block_hash, h->block_id, 32);
    h->datas[h->n_logs++] = d;
    return BT_OK;
}

static void hl_next(struct hl_ctx *h);
static void on_block(void *arg, bt_status st, const char *body, size_t len, const char *err);

static void on_infos(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct hl_ctx *h = arg;
    char perr[300], msg[400];
    struct bts_tron_txinfo_list l;
    if (st == BT_OK) {
        st = bts_tron_parse_txinfo_list(&l, h->next, body, len, perr, sizeof(perr));
        snprintf(msg, sizeof(msg), "gettransactioninfobyblocknum %llu: %s",
                 (unsigned long long)h->next, perr);
        tron_note(h->t, st, msg);
        err = msg;
    }
    if (st != BT_OK) {
        hl_done(h, st, err);
        return;
    }
    uint32_t idx = 0;
    for (size_t i = 0; i < l.n && st == BT_OK; i++)
        for (size_t k = 0; k < l.infos[i].n_logs && st == BT_OK; k++, idx++)
            if (hl_match(h, &l.infos[i].logs[k]))
                st = hl_keep(h, &l.infos[i].logs[k], idx);
    bts_tron_txinfo_list_free(&l);
    if (st != BT_OK) {
        hl_done(h, st, "get_logs: out of memory");
        return;
    }
    if (h->next == h->to) {
        hl_done(h, BT_OK, "");
        return;
    }
    h->next++;
    hl_next(h);
}

static void on_block(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct hl_ctx *h = arg;
    char perr[300], msg[400];
    struct bts_tron_block b;
    if (st == BT_OK) {
        st = bts_tron_parse_block(&b, body, len, perr, sizeof(perr));
        if (st == BT_OK && b.number != h->next) {
            st = BT_EPROTO;
            snprintf(perr, sizeof(perr), "the node answered block %llu",
                     (unsigned long long)b.number);
        }
        if (st == BT_ENOTFOUND) /* beyond the node's head: a range error of the caller */
            st = BT_ERANGE;
        snprintf(msg, sizeof(msg), "getblockbynum %llu: %s", (unsigned long long)h->next, perr);
        tron_note(h->t, st == BT_ERANGE ? BT_OK : st, msg);
        err = msg;
    }
    if (st != BT_OK) {
        hl_done(h, st, err);
        return;
    }
    memcpy(h->block_id, b.id, 32);
    char q[64];
    snprintf(q, sizeof(q), "{\"num\":%llu}", (unsigned long long)h->next);
    st = tron_post(h->t, TRON_EP_INFOS_BY_NUM, q, on_infos, h);
    if (st != BT_OK)
        hl_done(h, st, "gettransactioninfobyblocknum: cannot send");
}

static bt_status hl_ask_block(struct hl_ctx *h)
{
    char q[64];
    snprintf(q, sizeof(q), "{\"num\":%llu}", (unsigned long long)h->next);
    return tron_post(h->t, TRON_EP_BLOCK_BY_NUM, q, on_block, h);
}

static void hl_next(struct hl_ctx *h)
{
    bt_status st = hl_ask_block(h);
    if (st != BT_OK)
        hl_done(h, st, "getblockbynum: cannot send");
}

bt_status tron_get_logs_http(struct tron *t, const struct bt_rootchain_filter *f,
                             bt_rootchain_logs_fn cb, void *arg)
{
    struct hl_ctx *h = calloc(1, sizeof(*h));
    if (!h)
        return BT_ENOMEM;
    h->t = t;
    h->cb = cb;
    h->arg = arg;
    h->next = f->from_block;
    h->to = f->to_block;
    int oom = 0;
    if (f->n_addresses) {
        h->addrs = malloc(f->n_addresses * 20);
        oom |= !h->addrs;
        if (h->addrs) {
            memcpy(h->addrs, f->addresses, f->n_addresses * 20);
            h->n_addrs = f->n_addresses;
        }
    }
    for (int k = 0; k < 4 && !oom; k++) {
        if (!f->topics[k] || !f->n_topics[k])
            continue;
        h->topics[k] = malloc(f->n_topics[k] * 32);
        oom |= !h->topics[k];
        if (h->topics[k]) {
            memcpy(h->topics[k], f->topics[k], f->n_topics[k] * 32);
            h->n_topics[k] = f->n_topics[k];
        }
    }
    if (oom) {
        hl_free(h);
        return BT_ENOMEM;
    }
    bt_status st = hl_ask_block(h);
    if (st != BT_OK)
        hl_free(h);
    return st;
}
