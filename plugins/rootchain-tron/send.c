/* rootchain-tron sends (ROOTCHAINS.md §1.2-§1.6, §2.6): build a TriggerSmartContract locally
 * from the head block (TaPoS reference, expiration = head time + `expiration`, fee_limit), txID =
 * sha256(raw), sign the txID with the host's signer (the key never enters the plugin), check the
 * signature recovers to the owner, broadcast with wallet/broadcasthex, then poll
 * gettransactioninfobyid. Before expiry the same bytes are re-broadcast every `rebroadcast`;
 * once the chain's head is past the expiration and one more round still finds nothing, the tx
 * can never be included (java-tron refuses expired transactions), so it is rebuilt with a new
 * reference and re-signed, at most `max_rebuilds` times. Every txID of the send is polled each
 * round, so whichever build lands is reported, exactly once. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/log.h>

#include "tron_int.h"

#define MAX_IDS 8
/* Consecutive rounds without any answer from the node before a send gives up. */
#define MAX_OUTAGE_ROUNDS 40

struct tron_send {
    struct tron *t;
    struct tron_send *next, **pprev;
    bt_rootchain_receipt_fn cb;
    void *arg;
    char key_id[128];
    uint8_t owner[BTS_TRON_ADDR_LEN], to[BTS_TRON_ADDR_LEN];
    int64_t amount, fee_limit;
    uint8_t *data;
    size_t data_len;
    char *body;         /* {"transaction":"<hex>"} of the current build */
    int64_t expiration; /* of the current build, chain ms */
    uint8_t ids[MAX_IDS][32];
    size_t n_ids, poll_idx;
    uint32_t rebuilds, outages, broadcasts;
    uint64_t last_bcast_ms, timer;
    int expired_seen; /* the head was past expiration at the end of the previous round */
    int busy;         /* a request is in flight (its callback will come) */
};

static void send_unlink(struct tron_send *s)
{
    if (s->pprev) {
        *s->pprev = s->next;
        if (s->next)
            s->next->pprev = s->pprev;
        s->pprev = NULL;
    }
}

static void send_free(struct tron_send *s)
{
    free(s->data);
    free(s->body);
    free(s);
}

static void send_finish(struct tron_send *s, bt_status st, const struct bt_rootchain_receipt *r,
                        const char *err)
{
    struct tron *t = s->t;
    if (s->timer)
        t->host->timer_del(t->hctx, s->timer);
    s->timer = 0;
    send_unlink(s);
    if (st == BT_OK && r && r->tx_status == BT_ROOTCHAIN_TX_SUCCESS)
        t->err[0] = 0;
    else
        snprintf(t->err, sizeof(t->err), "rootchain-tron: send: %s",
                 st == BT_ECANCELED && !*err ? "cancelled by shutdown" : err);
    s->cb(s->arg, st, r);
    send_free(s);
}

static void send_failf(struct tron_send *s, bt_status st, const char *fmt, ...) BT_PRINTF(3, 4);
static void send_failf(struct tron_send *s, bt_status st, const char *fmt, ...)
{
    char err[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, sizeof(err), fmt, ap);
    va_end(ap);
    send_finish(s, st, NULL, err);
}

static void dropped(struct tron_send *s, const char *why)
{
    struct bt_rootchain_receipt r = {.struct_size = sizeof(r),
                                     .tx_status = BT_ROOTCHAIN_TX_DROPPED};
    if (s->n_ids)
        memcpy(r.tx_hash, s->ids[s->n_ids - 1], 32);
    send_finish(s, BT_ETIMEDOUT, &r, why);
}

static void step_build(struct tron_send *s);
static void step_broadcast(struct tron_send *s);
static void step_poll(struct tron_send *s);
static void arm(struct tron_send *s, void (*next)(void *));

/* A request could not even be queued (shutdown, no memory): the send ends. */
static int issued(struct tron_send *s, bt_status st, const char *what)
{
    if (st == BT_OK) {
        s->busy = 1;
        return 1;
    }
    send_failf(s, st, "%s: cannot send: %s", what, bts_status_str(st));
    return 0;
}

/* A round in which the node did not answer; too many in a row end the send. */
static int outage(struct tron_send *s, bt_status st, const char *err)
{
    if (st == BT_ECANCELED) {
        send_finish(s, st, NULL, "");
        return 1;
    }
    if (++s->outages > MAX_OUTAGE_ROUNDS) {
        send_failf(s, st, "node unreachable for %u rounds: %s", s->outages - 1, err);
        return 1;
    }
    return 0;
}

/* --- build and sign ------------------------------------------------------------------------ */

static bt_status build_signed(struct tron_send *s, const struct bts_tron_block *ref, char *err,
                              size_t cap)
{
    struct tron *t = s->t;
    struct tron_call c = {.owner = s->owner,
                          .to = s->to,
                          .amount = s->amount,
                          .data = s->data,
                          .data_len = s->data_len};
    struct tron_built out;
    bt_status st = tron_build_signed(t, &c, s->key_id, s->fee_limit, ref, &out, err, cap);
    if (st != BT_OK)
        return st;
    free(s->body);
    s->body = out.body;
    s->expiration = out.expiration;
    if (s->n_ids == MAX_IDS) { /* keep the newest; older builds expired long ago */
        memmove(s->ids[0], s->ids[1], (MAX_IDS - 1) * 32);
        s->n_ids--;
    }
    memcpy(s->ids[s->n_ids++], out.id, 32);
    s->expired_seen = 0;
    s->broadcasts = 0;
    return BT_OK;
}

static void build_fire(void *arg)
{
    struct tron_send *s = arg;
    s->timer = 0;
    step_build(s);
}

static void on_build_head(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct tron_send *s = arg;
    struct tron *t = s->t;
    s->busy = 0;
    char perr[400];
    struct bts_tron_block b;
    if (st == BT_OK) {
        st = bts_tron_parse_block(&b, body, len, perr, sizeof(perr));
        tron_note(t, st, perr);
        err = perr;
    }
    if (st != BT_OK) {
        if (!outage(s, st, err))
            arm(s, build_fire);
        return;
    }
    s->outages = 0;
    tron_saw_head(t, &b);
    st = build_signed(s, &b, perr, sizeof(perr));
    if (st != BT_OK) {
        send_failf(s, st, "%s", perr);
        return;
    }
    step_broadcast(s);
}

static void step_build(struct tron_send *s)
{
    issued(s, tron_post(s->t, TRON_EP_NOWBLOCK, "{}", on_build_head, s), "getnowblock");
}

/* A new reference and signature once the current build can no longer be included. */
static void rebuild(struct tron_send *s, const char *why)
{
    if (s->rebuilds >= s->t->conf.max_rebuilds) {
        char msg[300];
        snprintf(msg, sizeof(msg), "%s; gave up after %u rebuilds", why, s->rebuilds);
        dropped(s, msg);
        return;
    }
    s->rebuilds++;
    BTS_WARN(s->t->hctx, "send rebuilt", "rebuilds=%u why=\"%s\"", s->rebuilds, why);
    step_build(s);
}

/* --- broadcast ----------------------------------------------------------------------------- */

static void poll_fire(void *arg)
{
    struct tron_send *s = arg;
    s->timer = 0;
    s->poll_idx = 0;
    step_poll(s);
}

static void arm(struct tron_send *s, void (*next)(void *))
{
    struct tron *t = s->t;
    bt_status st = t->host->timer_add(t->hctx, t->conf.receipt_poll_ms, 0, next, s, &s->timer);
    if (st != BT_OK) {
        s->timer = 0;
        send_failf(s, st, "cannot arm a timer: %s", bts_status_str(st));
    }
}

static void on_broadcast(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct tron_send *s = arg;
    struct tron *t = s->t;
    s->busy = 0;
    if (st == BT_ECANCELED) {
        send_finish(s, st, NULL, "");
        return;
    }
    char perr[400];
    struct bts_tron_broadcast b;
    if (st == BT_OK) {
        st = bts_tron_parse_broadcast(&b, s->ids[s->n_ids - 1], body, len, perr, sizeof(perr));
        tron_note(t, st, perr);
        err = perr;
    }
    /* No usable answer: the bytes may or may not be in the node's pool; poll, and the
     * re-broadcast rule sends them again. */
    if (st != BT_OK) {
        BTS_DEBUG(t->hctx, "broadcast unanswered", "err=\"%s\"", err);
        s->last_bcast_ms = 0;
        arm(s, poll_fire);
        return;
    }
    switch ((enum bts_tron_bcast_action)b.action) {
    case BTS_TRON_BCAST_ACCEPTED:
    case BTS_TRON_BCAST_KNOWN:
        arm(s, poll_fire);
        return;
    case BTS_TRON_BCAST_RETRY:
        s->last_bcast_ms = 0;
        arm(s, poll_fire);
        return;
    case BTS_TRON_BCAST_REBUILD: {
        char why[400];
        snprintf(why, sizeof(why), "broadcast: %s %s", b.code, b.message);
        rebuild(s, why);
        return;
    }
    case BTS_TRON_BCAST_FATAL:
        /* A refusal of a re-broadcast may just mean the first one is in a block already. */
        if (s->broadcasts > 1) {
            arm(s, poll_fire);
            return;
        }
        send_failf(s, BTS_TRON_EREMOTE, "broadcast refused: %s: %s", b.code, b.message);
        return;
    }
    send_failf(s, BT_EINTERNAL, "broadcast: unknown action %u", b.action);
}

static void step_broadcast(struct tron_send *s)
{
    s->broadcasts++;
    s->last_bcast_ms = s->t->host->now_ms(s->t->hctx);
    issued(s, tron_post(s->t, TRON_EP_BROADCAST, s->body, on_broadcast, s), "broadcasthex");
}

/* --- tracking ------------------------------------------------------------------------------ */

static void rebuild(struct tron_send *s, const char *why);

static void found(struct tron_send *s, const struct bts_tron_txinfo *info)
{
    /* Out of energy: the fee_limit was too low for this call (§1.5); the failed transaction is
     * final (and charged), so a new one with a doubled limit, up to max_fee_limit, is sent
     * (§2.6: "so a failed OUT_OF_ENERGY submit is retried"). */
    struct tron *t = s->t;
    if (info->failed && !strcmp(info->receipt_result, "OUT_OF_ENERGY") &&
        (uint64_t)s->fee_limit < t->conf.max_fee_limit && s->rebuilds < t->conf.max_rebuilds) {
        uint64_t fee = (uint64_t)s->fee_limit * 2;
        s->fee_limit = (int64_t)(fee > t->conf.max_fee_limit ? t->conf.max_fee_limit : fee);
        s->n_ids = 0; /* the failed one will not change: stop polling it */
        char why[160];
        snprintf(why, sizeof(why), "out of energy in block %llu; fee_limit now %lld sun",
                 (unsigned long long)info->block_number, (long long)s->fee_limit);
        rebuild(s, why);
        return;
    }
    struct bt_rootchain_receipt r = {
        .struct_size = sizeof(r),
        .tx_status = info->failed ? BT_ROOTCHAIN_TX_REVERTED : BT_ROOTCHAIN_TX_SUCCESS,
        .block_number = info->block_number,
        .gas_used = info->energy_used,
        .logs = info->logs,
        .n_logs = info->n_logs,
    };
    memcpy(r.tx_hash, info->id, 32);
    char msg[500] = "";
    if (info->failed) {
        char hx[BTS_HEX_U256_CAP];
        size_t hl;
        if (bts_hex_encode(hx, sizeof(hx), &hl, info->id, 32, 0) != BT_OK)
            hx[0] = 0;
        snprintf(msg, sizeof(msg), "transaction %s failed in block %llu: %s%s%s", hx,
                 (unsigned long long)info->block_number,
                 info->receipt_result[0] ? info->receipt_result : "FAILED",
                 info->message[0] ? ": " : "", info->message);
    }
    send_finish(s, BT_OK, &r, msg);
}

static void on_round_head(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct tron_send *s = arg;
    struct tron *t = s->t;
    s->busy = 0;
    char perr[400];
    struct bts_tron_block b;
    if (st == BT_OK) {
        st = bts_tron_parse_block(&b, body, len, perr, sizeof(perr));
        tron_note(t, st, perr);
        err = perr;
    }
    if (st != BT_OK) {
        if (!outage(s, st, err))
            arm(s, poll_fire);
        return;
    }
    s->outages = 0;
    tron_saw_head(t, &b);
    /* java-tron includes a tx only while expiration > head time (Manager.validateCommon). */
    if ((int64_t)b.timestamp_ms >= s->expiration) {
        if (s->expired_seen) { /* a full round after expiry found nothing: it never will */
            rebuild(s, "transaction expired without being included");
            return;
        }
        s->expired_seen = 1;
        arm(s, poll_fire);
        return;
    }
    uint64_t now = t->host->now_ms(t->hctx);
    if (!s->last_bcast_ms || now - s->last_bcast_ms >= t->conf.rebroadcast_ms) {
        step_broadcast(s);
        return;
    }
    arm(s, poll_fire);
}

static void on_txinfo(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct tron_send *s = arg;
    struct tron *t = s->t;
    s->busy = 0;
    if (st == BT_ECANCELED) {
        send_finish(s, st, NULL, "");
        return;
    }
    char perr[400];
    if (st == BT_OK) {
        struct bts_tron_txinfo info;
        st = bts_tron_parse_txinfo(&info, s->ids[s->poll_idx], body, len, perr, sizeof(perr));
        tron_note(t, st, perr);
        if (st == BT_OK) {
            found(s, &info);
            bts_tron_txinfo_free(&info);
            return;
        }
        err = perr;
    }
    if (st != BT_ENOTFOUND) { /* outage or a bad answer: try the whole round again later */
        if (!outage(s, st, err))
            arm(s, poll_fire);
        return;
    }
    s->outages = 0;
    if (++s->poll_idx < s->n_ids) {
        step_poll(s);
        return;
    }
    issued(s, tron_post(t, TRON_EP_NOWBLOCK, "{}", on_round_head, s), "getnowblock");
}

static void step_poll(struct tron_send *s)
{
    char body[120], hx[BTS_HEX_U256_CAP];
    size_t hl;
    if (bts_hex_encode(hx, sizeof(hx), &hl, s->ids[s->poll_idx], 32, 0) != BT_OK) {
        send_failf(s, BT_EINTERNAL, "txID does not format");
        return;
    }
    snprintf(body, sizeof(body), "{\"value\":\"%s\"}", hx);
    issued(s, tron_post(s->t, TRON_EP_TXINFO, body, on_txinfo, s), "gettransactioninfobyid");
}

/* --- dry run ------------------------------------------------------------------------------- */

/* The call as triggerconstantcontract from the owner first (§1.5: what a dry run is for): a
 * revert there (say, a checkpoint already submitted) ends the send before any fee is burnt, as
 * eth_estimateGas does for the EVM adapters. No answer: the send goes ahead, the node decides. */
static void on_dry_run(void *arg, bt_status st, const char *body, size_t len, const char *err)
{
    struct tron_send *s = arg;
    struct tron *t = s->t;
    s->busy = 0;
    if (st == BT_ECANCELED) {
        send_finish(s, st, NULL, "");
        return;
    }
    char perr[300];
    if (st == BT_OK) {
        struct bts_buf out = BTS_BUF_INIT;
        uint64_t energy;
        st = bts_tron_parse_constant(&out, &energy, body, len, perr, sizeof(perr));
        bts_buf_free(&out);
        tron_note(t, st, perr);
        if (st == BTS_TRON_EREVERT || st == BTS_TRON_EREMOTE) {
            send_failf(s, st, "dry run: %s", perr);
            return;
        }
    }
    (void)err;
    step_build(s);
}

static bt_status dry_run(struct tron_send *s)
{
    struct tron_call c = {.owner = s->owner,
                          .to = s->to,
                          .amount = s->amount,
                          .data = s->data,
                          .data_len = s->data_len};
    struct bts_buf q = BTS_BUF_INIT;
    bt_status st = tron_call_body(&q, &c);
    if (st == BT_OK)
        st = tron_post(s->t, TRON_EP_CONSTANT, (const char *)q.data, on_dry_run, s);
    bts_buf_free(&q);
    return st;
}

/* --- entry --------------------------------------------------------------------------------- */

bt_status tron_send(void *self, const struct bt_rootchain_send_req *req, bt_rootchain_receipt_fn cb,
                    void *arg)
{
    struct tron *t = self;
    const struct bt_host *h = t->host;
    if (t->stopped) {
        h->set_error(t->hctx, "rootchain-tron: send after stop");
        return BT_ECANCELED;
    }
    const char *key = req->key_id && req->key_id[0] ? req->key_id : t->conf.signer;
    if (!key[0] || strlen(key) >= sizeof(((struct tron_send *)0)->key_id)) {
        h->set_error(t->hctx, "send: no signer key id (request or config `signer`)");
        return BT_EINVAL;
    }
    /* call_value is an int64 of sun: the 32-byte value must fit. */
    for (int i = 0; i < 24; i++)
        if (req->value[i]) {
            h->set_error(t->hctx, "send: value above int64 sun");
            return BT_EINVAL;
        }
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | req->value[i];
    uint64_t fee = req->fee_limit ? req->fee_limit : t->conf.fee_limit;
    if (v > INT64_MAX || fee > INT64_MAX) {
        h->set_error(t->hctx, "send: value or fee_limit above int64");
        return BT_EINVAL;
    }
    struct tron_send *s = calloc(1, sizeof(*s));
    if (!s)
        return BT_ENOMEM;
    s->t = t;
    s->cb = cb;
    s->arg = arg;
    strcpy(s->key_id, key);
    uint8_t from[20];
    bt_status st = h->key_address(t->hctx, key, from);
    if (st != BT_OK) {
        h->set_error(t->hctx, "send: key \"%s\": %s", key, bts_status_str(st));
        free(s);
        return st;
    }
    bts_tron_address_from_evm(s->owner, from);
    bts_tron_address_from_evm(s->to, req->to);
    s->amount = (int64_t)v;
    s->fee_limit = (int64_t)fee;
    s->data = malloc(req->data_len ? req->data_len : 1);
    if (!s->data) {
        free(s);
        return BT_ENOMEM;
    }
    if (req->data_len)
        memcpy(s->data, req->data, req->data_len);
    s->data_len = req->data_len;
    st = t->conf.dry_run ? dry_run(s) : tron_post(t, TRON_EP_NOWBLOCK, "{}", on_build_head, s);
    if (st != BT_OK) {
        send_free(s);
        h->set_error(t->hctx, "send: %s", bts_status_str(st));
        return st;
    }
    s->busy = 1;
    s->next = t->sends;
    if (t->sends)
        t->sends->pprev = &s->next;
    t->sends = s;
    s->pprev = &t->sends;
    return BT_OK;
}

void tron_send_cancel_all(struct tron *t)
{
    struct tron_send *s = t->sends;
    while (s) {
        struct tron_send *next = s->next;
        if (!s->busy) /* busy ones are answered by their request's cancellation */
            send_finish(s, BT_ECANCELED, NULL, "");
        s = next;
    }
}
