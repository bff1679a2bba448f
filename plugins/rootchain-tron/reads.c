/* rootchain-tron reads: heights (head from wallet/getnowblock, finalized from the solidity node
 * or head - confirmations, ROOTCHAINS.md §1.8), logs (/jsonrpc eth_getLogs through the SDK's
 * paging client: 20-byte addresses, ranges split when refused, §1.7), and read-only calls
 * (wallet/triggerconstantcontract, §1.6 item 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/log.h>

#include "tron_int.h"

/* --- heights ------------------------------------------------------------------------------- */

struct heights_ctx {
    struct tron *t;
    bt_rootchain_heights_fn cb; /* NULL: the poll timer's own request */
    void *arg;
};

static void heights_done(struct heights_ctx *h, bt_status st, const char *err)
{
    struct tron *t = h->t;
    if (!h->cb)
        t->polling = 0;
    if (h->cb) {
        tron_set_err(t, st, err);
        h->cb(h->arg, st, st == BT_OK ? t->head : 0, st == BT_OK ? t->finalized : 0);
    }
    free(h);
}

static void set_finalized(struct tron *t, uint64_t fin)
{
    if (fin > t->head) /* a solidity node ahead of the fullnode we asked: never above head */
        fin = t->head;
    if (fin > t->finalized) {
        t->finalized = fin;
        if (t->has_metric)
            t->host->metric_update(t->hctx, t->metric[TRON_M_FINALIZED], (double)fin);
    }
}

static void on_solid(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct heights_ctx *h = arg;
    struct tron *t = h->t;
    char perr[300];
    struct bts_tron_block b;
    if (st == BT_ECANCELED) {
        heights_done(h, st, err);
        return;
    }
    if (st == BT_OK) {
        st = bts_tron_parse_block(&b, body, len, perr, sizeof(perr));
        if (st != BT_OK) {
            snprintf(perr + strlen(perr), sizeof(perr) - strlen(perr), " (walletsolidity)");
            tron_note(t, st, perr);
        }
    }
    if (st == BT_ENOTSUP && !t->solid_missing) { /* not served there: stop asking */
        t->solid_missing = 1;
        BTS_WARN(t->hctx, "no solidity endpoint",
                 "err=\"%s\" finalized=\"head - %llu\" hint=\"set solidity_url\"", err,
                 (unsigned long long)t->conf.confirmations);
    }
    /* No solidity answer (none served, node down, hostile): fall back to head - depth. */
    if (st == BT_OK) {
        tron_note(t, BT_OK, "");
        set_finalized(t, b.number);
    } else {
        set_finalized(t, t->head > t->conf.confirmations ? t->head - t->conf.confirmations : 0);
    }
    heights_done(h, BT_OK, "");
}

static void on_head(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct heights_ctx *h = arg;
    struct tron *t = h->t;
    char perr[300];
    if (st != BT_OK) {
        t->chain_ok = 0;
        heights_done(h, st, err);
        return;
    }
    struct bts_tron_block b;
    st = bts_tron_parse_block(&b, body, len, perr, sizeof(perr));
    if (st == BT_ENOTFOUND) {
        st = BT_EPROTO;
        snprintf(perr, sizeof(perr), "getnowblock: the node has no head block");
    }
    tron_note(t, st, perr);
    if (st != BT_OK) {
        char e2[400];
        snprintf(e2, sizeof(e2), "getnowblock: %s", perr);
        heights_done(h, st, e2);
        return;
    }
    tron_saw_head(t, &b);
    if (!t->conf.use_solidity || t->solid_missing) {
        set_finalized(t, t->head > t->conf.confirmations ? t->head - t->conf.confirmations : 0);
        heights_done(h, BT_OK, "");
        return;
    }
    st = tron_post(t, TRON_EP_SOLID_NOWBLOCK, "{}", on_solid, h);
    if (st != BT_OK)
        heights_done(h, st, "walletsolidity/getnowblock: cannot send");
}

/* With chain_id set, the node must be on that chain: TRON's chain id is the last 4 bytes of
 * the genesis block id (java-tron TronJsonRpcImpl.ethChainId, ROOTCHAINS.md §0), so block 0 is
 * read before the first heights and again after an outage (failover may land elsewhere). */
static void on_genesis(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct heights_ctx *h = arg;
    struct tron *t = h->t;
    char perr[300], msg[400];
    if (st == BT_OK) {
        struct bts_tron_block b;
        st = bts_tron_parse_block(&b, body, len, perr, sizeof(perr));
        if (st == BT_OK) {
            uint32_t got = (uint32_t)b.id[28] << 24 | (uint32_t)b.id[29] << 16 |
                           (uint32_t)b.id[30] << 8 | b.id[31];
            if (got != (uint32_t)t->conf.chain_id) {
                st = BT_EPROTO;
                snprintf(perr, sizeof(perr),
                         "the node is on chain 0x%08x (genesis id), not 0x%08llx: wrong chain", got,
                         (unsigned long long)t->conf.chain_id);
            }
        }
        snprintf(msg, sizeof(msg), "getblockbynum 0: %s", perr);
        tron_note(t, st, msg);
        err = msg;
    }
    if (st != BT_OK) {
        heights_done(h, st, err);
        return;
    }
    t->chain_ok = 1;
    st = tron_post(t, TRON_EP_NOWBLOCK, "{}", on_head, h);
    if (st != BT_OK)
        heights_done(h, st, "getnowblock: cannot send");
}

static bt_status heights_start(struct tron *t, bt_rootchain_heights_fn cb, void *arg)
{
    if (t->stopped) {
        t->host->set_error(t->hctx, "rootchain-tron: heights after stop");
        return BT_ECANCELED;
    }
    struct heights_ctx *h = calloc(1, sizeof(*h));
    if (!h)
        return BT_ENOMEM;
    h->t = t;
    h->cb = cb;
    h->arg = arg;
    bt_status st = t->conf.chain_id && !t->chain_ok
                       ? tron_post(t, TRON_EP_BLOCK_BY_NUM, "{\"num\":0}", on_genesis, h)
                       : tron_post(t, TRON_EP_NOWBLOCK, "{}", on_head, h);
    if (st != BT_OK) {
        free(h);
        t->host->set_error(t->hctx, "rootchain-tron: heights: %s", bts_status_str(st));
    }
    return st;
}

bt_status tron_heights(void *self, bt_rootchain_heights_fn cb, void *arg)
{
    return heights_start(self, cb, arg);
}

void tron_poll(void *arg)
{
    struct tron *t = arg;
    if (t->polling)
        return; /* the previous poll is still out: a slow node gets no pile-up */
    if (heights_start(t, NULL, NULL) == BT_OK)
        t->polling = 1;
}

/* --- logs ---------------------------------------------------------------------------------- */

struct op_ctx {
    struct tron *t;
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
    tron_note(o->t, st, err);
    tron_set_err(o->t, st, err);
    o->cb.logs(o->arg, st, logs, n);
    free(o);
}

bt_status tron_get_logs(void *self, const struct bt_rootchain_filter *f, bt_rootchain_logs_fn cb,
                        void *arg)
{
    struct tron *t = self;
    if (t->stopped || !t->rpc) {
        t->host->set_error(t->hctx, "rootchain-tron: get_logs after stop");
        return BT_ECANCELED;
    }
    if (f->from_block > f->to_block) {
        t->host->set_error(t->hctx, "get_logs: from_block %llu above to_block %llu",
                           (unsigned long long)f->from_block, (unsigned long long)f->to_block);
        return BT_EINVAL;
    }
    if (t->conf.logs_via == TRON_LOGS_HTTP) {
        bt_status hs = tron_get_logs_http(t, f, cb, arg);
        if (hs != BT_OK)
            t->host->set_error(t->hctx, "get_logs: %s", bts_status_str(hs));
        return hs;
    }
    struct op_ctx *o = calloc(1, sizeof(*o));
    if (!o)
        return BT_ENOMEM;
    o->t = t;
    o->cb.logs = cb;
    o->arg = arg;
    bt_status st = bts_ethrpc_get_logs(t->rpc, f, t->conf.max_log_range, on_logs, o);
    if (st != BT_OK) {
        free(o);
        t->host->set_error(t->hctx, "get_logs: %s", bts_status_str(st));
    }
    return st;
}

/* --- read-only calls ----------------------------------------------------------------------- */

static void on_constant(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct op_ctx *o = arg;
    struct tron *t = o->t;
    struct bts_buf out = BTS_BUF_INIT;
    char perr[300], msg[400];
    if (st == BT_OK) {
        uint64_t energy;
        st = bts_tron_parse_constant(&out, &energy, body, len, perr, sizeof(perr));
        snprintf(msg, sizeof(msg), "triggerconstantcontract: %s", perr);
        tron_note(t, st, msg);
        err = msg;
    }
    tron_set_err(t, st, err);
    o->cb.call(o->arg, st, out.data, out.len);
    bts_buf_free(&out);
    free(o);
}

bt_status tron_call(void *self, const uint8_t to[20], const uint8_t *data, size_t data_len,
                    uint64_t block, bt_rootchain_call_fn cb, void *arg)
{
    struct tron *t = self;
    if (t->stopped) {
        t->host->set_error(t->hctx, "rootchain-tron: call after stop");
        return BT_ECANCELED;
    }
    /* java-tron runs constant calls on its head state only (no block parameter, §1.6, §1.7). */
    if (block != 0) {
        t->host->set_error(t->hctx,
                           "call: block %llu: java-tron calls run at the head only "
                           "(pass 0)",
                           (unsigned long long)block);
        return BT_ENOTSUP;
    }
    uint8_t contract[BTS_TRON_ADDR_LEN];
    bts_tron_address_from_evm(contract, to);
    struct tron_call c = {
        .owner = t->call_owner, .to = contract, .data = data, .data_len = data_len};
    struct bts_buf body = BTS_BUF_INIT;
    bt_status st = tron_call_body(&body, &c);
    struct op_ctx *o = st == BT_OK ? calloc(1, sizeof(*o)) : NULL;
    if (!o) {
        bts_buf_free(&body);
        return BT_ENOMEM;
    }
    o->t = t;
    o->cb.call = cb;
    o->arg = arg;
    st = tron_post(t, TRON_EP_CONSTANT, (const char *)body.data, on_constant, o);
    bts_buf_free(&body);
    if (st != BT_OK) {
        free(o);
        t->host->set_error(t->hctx, "call: %s", bts_status_str(st));
    }
    return st;
}

/* --- one block (get_block) ---------------------------------------------------------------- */

struct block_ctx {
    struct tron *t;
    uint64_t number;
    bt_rootchain_block_fn cb;
    void *arg;
};

static void on_block_by_num(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct block_ctx *x = arg;
    struct tron *t = x->t;
    char perr[300], msg[400];
    struct bts_tron_block b;
    if (st == BT_OK) {
        /* {} is java-tron's answer for a block beyond its head: BT_ENOTFOUND, an answer. */
        st = bts_tron_parse_block(&b, body, len, perr, sizeof(perr));
        if (st == BT_ENOTFOUND)
            snprintf(perr, sizeof(perr), "no block %llu (beyond the head)",
                     (unsigned long long)x->number);
        else if (st == BT_OK && b.number != x->number) {
            st = BT_EPROTO;
            snprintf(perr, sizeof(perr), "the node answered block %llu",
                     (unsigned long long)b.number);
        }
        snprintf(msg, sizeof(msg), "getblockbynum %llu: %s", (unsigned long long)x->number, perr);
        tron_note(t, st, msg);
        err = msg;
    }
    tron_set_err(t, st, err);
    struct bt_rootchain_block out = {.struct_size = sizeof(out)};
    if (st == BT_OK) {
        out.number = b.number;
        memcpy(out.hash, b.id, 32);
        memcpy(out.parent_hash, b.parent_id, 32);
        out.timestamp = b.timestamp_ms / 1000;
    }
    x->cb(x->arg, st, st == BT_OK ? &out : NULL);
    free(x);
}

bt_status tron_get_block(void *self, uint64_t number, bt_rootchain_block_fn cb, void *arg)
{
    struct tron *t = self;
    if (t->stopped) {
        t->host->set_error(t->hctx, "rootchain-tron: get_block after stop");
        return BT_ECANCELED;
    }
    struct block_ctx *x = calloc(1, sizeof(*x));
    if (!x)
        return BT_ENOMEM;
    x->t = t;
    x->number = number;
    x->cb = cb;
    x->arg = arg;
    char q[64];
    snprintf(q, sizeof(q), "{\"num\":%llu}", (unsigned long long)number);
    bt_status st = tron_post(t, TRON_EP_BLOCK_BY_NUM, q, on_block_by_num, x);
    if (st != BT_OK) {
        free(x);
        t->host->set_error(t->hctx, "get_block: %s", bts_status_str(st));
    }
    return st;
}
