/* rootchain-template: a complete, working root-chain adapter to copy when writing a new one
 * (DESIGN.md §2 "rootchain-*"). Its "chain" is a counter: a periodic timer polls, and every
 * poll is one new block, so heights() reports head = polls made and finalized = head -
 * confirmations. The other operations answer BT_ENOTSUP through their callbacks (get_block:
 * BT_ENOTFOUND beyond the head, as every adapter must): they are the
 * parts a real adapter writes (look for "YOURS TO WRITE"). Everything else -- descriptor,
 * config table, lifecycle, timers, asynchronous answers, cancellation, errors -- is what a
 * real adapter keeps as it is. */
#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bts/conf.h>
#include <bts/log.h>

#include <stdio.h>
#include <string.h>

#define TPL_NAME "rootchain-template"

/* --- configuration: the [plugin rootchain-template] section of plugins.conf ----------------- */

struct tpl_conf {
    char *url;              /* the basechain endpoint a real adapter would talk to */
    uint64_t poll_ms;       /* how often to ask the chain for its head */
    uint64_t confirmations; /* blocks behind head that count as final */
};

static const struct bts_conf_key tpl_conf_keys[] = {
    {"url", BTS_CONF_URL, offsetof(struct tpl_conf, url), "http://127.0.0.1:8545",
     "JSON-RPC endpoint of the basechain", NULL},
    {"poll_interval", BTS_CONF_DURATION_MS, offsetof(struct tpl_conf, poll_ms), "1s",
     "head polling period", NULL},
    {"confirmations", BTS_CONF_U64, offsetof(struct tpl_conf, confirmations), "0",
     "blocks behind head that count as finalized", NULL},
    BTS_CONF_END};

/* --- the instance --------------------------------------------------------------------------- */

enum tpl_op { TPL_HEIGHTS = 1, TPL_GET_LOGS, TPL_CALL, TPL_SEND, TPL_GET_BLOCK };

/* A request waiting for its answer. The ABI wants every answer later, on the loop, exactly
 * once: requests queue here and one deferred flush answers them all. */
struct tpl_req {
    struct tpl_req *next;
    enum tpl_op op;
    union {
        bt_rootchain_heights_fn heights;
        bt_rootchain_logs_fn logs;
        bt_rootchain_call_fn call;
        bt_rootchain_receipt_fn receipt;
        bt_rootchain_block_fn block;
    } cb;
    void *arg;
    uint64_t number; /* TPL_GET_BLOCK */
};

struct tpl {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    struct tpl_conf conf;
    uint64_t timer;      /* 0: not armed */
    uint64_t polls;      /* the "chain": one block per poll */
    uint64_t last_ok_ms; /* wall clock of the last poll */
    struct tpl_req *pending, **pending_tail;
    int flush_scheduled, stopped;
    char err[160]; /* message of the failing status last passed to a callback */
};

static uint64_t tpl_finalized(const struct tpl *t)
{
    return t->polls > t->conf.confirmations ? t->polls - t->conf.confirmations : 0;
}

static const char *tpl_op_name(enum tpl_op op)
{
    switch (op) {
    case TPL_HEIGHTS:
        return "heights";
    case TPL_GET_LOGS:
        return "get_logs";
    case TPL_CALL:
        return "call";
    case TPL_SEND:
        return "send";
    case TPL_GET_BLOCK:
        return "get_block";
    }
    return "?";
}

/* Answer one request with `st`; frees it. */
static void tpl_answer(struct tpl *t, struct tpl_req *r, bt_status st)
{
    if (st == BT_OK)
        t->err[0] = 0;
    else if (st == BT_ECANCELED)
        snprintf(t->err, sizeof(t->err), TPL_NAME ": %s cancelled by shutdown", tpl_op_name(r->op));
    else if (st == BT_ENOTFOUND)
        snprintf(t->err, sizeof(t->err), TPL_NAME ": get_block: no block %llu (beyond the head)",
                 (unsigned long long)r->number);
    else /* YOURS TO WRITE: get_logs, call and send talk to the basechain in a real adapter. */
        snprintf(t->err, sizeof(t->err), TPL_NAME ": %s is yours to write", tpl_op_name(r->op));
    switch (r->op) {
    case TPL_HEIGHTS:
        r->cb.heights(r->arg, st, st == BT_OK ? t->polls : 0, st == BT_OK ? tpl_finalized(t) : 0);
        break;
    case TPL_GET_LOGS:
        r->cb.logs(r->arg, st, NULL, 0);
        break;
    case TPL_CALL:
        r->cb.call(r->arg, st, NULL, 0);
        break;
    case TPL_SEND:
        r->cb.receipt(r->arg, st, NULL);
        break;
    case TPL_GET_BLOCK:
        r->cb.block(r->arg, st, NULL);
        break;
    }
    t->host->mem_free(t->hctx, r);
}

/* Take the whole queue first: a callback may issue new requests, which then wait for the
 * next flush instead of being answered inside this one. */
static void tpl_flush(void *arg)
{
    struct tpl *t = arg;
    struct tpl_req *r = t->pending;
    t->pending = NULL;
    t->pending_tail = &t->pending;
    t->flush_scheduled = 0;
    while (r) {
        struct tpl_req *next = r->next;
        /* A block beyond the head is BT_ENOTFOUND, the rule every adapter keeps; YOURS TO
         * WRITE: a real get_block reads the header of a block the chain has. */
        bt_status st = r->op == TPL_HEIGHTS                             ? BT_OK
                       : r->op == TPL_GET_BLOCK && r->number > t->polls ? BT_ENOTFOUND
                                                                        : BT_ENOTSUP;
        tpl_answer(t, r, st);
        r = next;
    }
}

static void tpl_cancel_all(struct tpl *t)
{
    struct tpl_req *r = t->pending;
    t->pending = NULL;
    t->pending_tail = &t->pending;
    while (r) {
        struct tpl_req *next = r->next;
        tpl_answer(t, r, BT_ECANCELED);
        r = next;
    }
}

/* Queue a request; its callback runs from the next flush. On error nothing is scheduled. */
static bt_status tpl_enqueue(struct tpl *t, enum tpl_op op, void (*cb)(void), void *arg,
                             uint64_t number)
{
    if (t->stopped) {
        t->host->set_error(t->hctx, TPL_NAME ": %s after stop", tpl_op_name(op));
        return BT_ECANCELED;
    }
    struct tpl_req *r = t->host->mem_alloc(t->hctx, sizeof(*r));
    if (!r) {
        t->host->set_error(t->hctx, TPL_NAME ": %s: out of memory", tpl_op_name(op));
        return BT_ENOMEM;
    }
    if (!t->flush_scheduled) {
        bt_status st = t->host->defer(t->hctx, tpl_flush, t);
        if (st != BT_OK) {
            t->host->mem_free(t->hctx, r);
            t->host->set_error(t->hctx, TPL_NAME ": %s: cannot schedule answer: %s",
                               tpl_op_name(op), bts_status_str(st));
            return st;
        }
        t->flush_scheduled = 1;
    }
    memset(r, 0, sizeof(*r));
    r->op = op;
    r->arg = arg;
    r->number = number;
    /* One generic slot for five callback types; each is called back through its own type. */
    switch (op) {
    case TPL_HEIGHTS:
        r->cb.heights = (bt_rootchain_heights_fn)cb;
        break;
    case TPL_GET_LOGS:
        r->cb.logs = (bt_rootchain_logs_fn)cb;
        break;
    case TPL_CALL:
        r->cb.call = (bt_rootchain_call_fn)cb;
        break;
    case TPL_SEND:
        r->cb.receipt = (bt_rootchain_receipt_fn)cb;
        break;
    case TPL_GET_BLOCK:
        r->cb.block = (bt_rootchain_block_fn)cb;
        break;
    }
    *t->pending_tail = r;
    t->pending_tail = &r->next;
    return BT_OK;
}

/* --- the kind table (struct bt_rootchain_vtbl) ---------------------------------------------- */

static uint32_t tpl_chain_type(void *self)
{
    (void)self;
    return BT_ROOTCHAIN_OTHER;
}

static bt_status tpl_heights(void *self, bt_rootchain_heights_fn cb, void *arg)
{
    return tpl_enqueue(self, TPL_HEIGHTS, (void (*)(void))cb, arg, 0);
}

static bt_status tpl_get_logs(void *self, const struct bt_rootchain_filter *f,
                              bt_rootchain_logs_fn cb, void *arg)
{
    (void)f; /* YOURS TO WRITE: page f->from_block..f->to_block through eth_getLogs */
    return tpl_enqueue(self, TPL_GET_LOGS, (void (*)(void))cb, arg, 0);
}

static bt_status tpl_call(void *self, const uint8_t to[20], const uint8_t *data, size_t data_len,
                          uint64_t block, bt_rootchain_call_fn cb, void *arg)
{
    (void)to, (void)data, (void)data_len, (void)block; /* YOURS TO WRITE: eth_call */
    return tpl_enqueue(self, TPL_CALL, (void (*)(void))cb, arg, 0);
}

static bt_status tpl_send(void *self, const struct bt_rootchain_send_req *req,
                          bt_rootchain_receipt_fn cb, void *arg)
{
    (void)req; /* YOURS TO WRITE: build, host->sign, broadcast, track the receipt */
    return tpl_enqueue(self, TPL_SEND, (void (*)(void))cb, arg, 0);
}

static bt_status tpl_get_block(void *self, uint64_t number, bt_rootchain_block_fn cb, void *arg)
{
    /* YOURS TO WRITE: eth_getBlockByNumber(number); null (beyond the head) is BT_ENOTFOUND */
    return tpl_enqueue(self, TPL_GET_BLOCK, (void (*)(void))cb, arg, number);
}

static bt_status tpl_status(void *self, struct bt_rootchain_status *out)
{
    struct tpl *t = self;
    memset(out, 0, sizeof(*out));
    out->struct_size = sizeof(*out);
    out->head = t->polls;
    out->finalized = tpl_finalized(t);
    out->last_ok_ms = t->last_ok_ms;
    out->url = t->conf.url;
    out->last_error = t->err;
    return BT_OK;
}

static const char *tpl_error_message(void *self)
{
    return ((struct tpl *)self)->err;
}

static const struct bt_rootchain_vtbl tpl_vtbl = {
    .struct_size = sizeof(struct bt_rootchain_vtbl),
    .chain_type = tpl_chain_type,
    .heights = tpl_heights,
    .get_logs = tpl_get_logs,
    .call = tpl_call,
    .send = tpl_send,
    .status = tpl_status,
    .error_message = tpl_error_message,
    .get_block = tpl_get_block,
};

/* --- lifecycle ------------------------------------------------------------------------------ */

/* The poll timer: in a real adapter, ask the endpoint for its head (via work_submit or an
 * async client) and record it; here every poll is a new block. */
static void tpl_poll(void *arg)
{
    struct tpl *t = arg;
    t->polls++;
    t->last_ok_ms = t->host->wall_ms(t->hctx);
    BTS_DEBUG(t->hctx, "poll", "head=%llu finalized=%llu", (unsigned long long)t->polls,
              (unsigned long long)tpl_finalized(t));
}

static void tpl_destroy(void *self)
{
    struct tpl *t = self;
    if (!t)
        return;
    tpl_cancel_all(t); /* destroy without stop still answers every request once */
    bts_conf_free(t->host, t->hctx, tpl_conf_keys, &t->conf);
    t->host->mem_free(t->hctx, t);
}

static bt_status tpl_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    *out_self = NULL;
    bts_plugin_init(host);
    struct tpl *t = host->mem_alloc(hctx, sizeof(*t));
    if (!t) {
        host->set_error(hctx, TPL_NAME ": out of memory");
        return BT_ENOMEM;
    }
    memset(t, 0, sizeof(*t));
    t->host = host;
    t->hctx = hctx;
    t->pending_tail = &t->pending;
    bt_status st = bts_conf_parse(host, hctx, tpl_conf_keys, &t->conf);
    if (st != BT_OK) {
        host->mem_free(hctx, t); /* the message is bts_conf_parse's */
        return st;
    }
    if (t->conf.poll_ms == 0) {
        host->set_error(hctx, "poll_interval: must be more than 0");
        tpl_destroy(t);
        return BT_EINVAL;
    }
    *out_self = t;
    return BT_OK;
}

static bt_status tpl_start(void *self)
{
    struct tpl *t = self;
    bt_status st =
        t->host->timer_add(t->hctx, t->conf.poll_ms, t->conf.poll_ms, tpl_poll, t, &t->timer);
    if (st != BT_OK) {
        t->host->set_error(t->hctx, TPL_NAME ": cannot arm the poll timer: %s", bts_status_str(st));
        return st;
    }
    BTS_INFO(t->hctx, "started", "url=%s poll_ms=%llu confirmations=%llu", t->conf.url,
             (unsigned long long)t->conf.poll_ms, (unsigned long long)t->conf.confirmations);
    return BT_OK;
}

static void tpl_stop(void *self)
{
    struct tpl *t = self;
    if (t->timer)
        t->host->timer_del(t->hctx, t->timer);
    t->timer = 0;
    t->stopped = 1;
    tpl_cancel_all(t);
    BTS_INFO(t->hctx, "stopped", "polls=%llu", (unsigned long long)t->polls);
}

BT_PLUGIN_DEFINE(tpl_vtbl, .kind = BT_KIND_ROOTCHAIN, .name = TPL_NAME, .version = "0.1.0",
                 .create = tpl_create, .start = tpl_start, .stop = tpl_stop,
                 .destroy = tpl_destroy);
