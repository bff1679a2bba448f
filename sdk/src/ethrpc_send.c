/* bts/ethrpc.h bts_evmchain_send: build, sign (host->sign by key id), broadcast and track a
 * contract call to a final receipt (ROOTCHAINS.md §3 "Fee strategy", "Nonces", error table;
 * §2.6 "where bttcd should differ": pending nonce plus a local counter, >= 10 % bumps keeping
 * every hash of the nonce, estimateGas errors checked). */
#include <bts/ethrpc.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/log.h>
#include <bts/secp.h>
#include <bts/tx.h>
#include <bts/u256.h>

#include "ethrpc_chain_int.h"
#include "ethrpc_int.h"

#define MAX_HASHES 16

struct evm_send {
    struct bts_evmchain *c;
    struct evm_send *next, **pprev;
    bt_rootchain_receipt_fn cb;
    void *arg;
    char key_id[128];
    uint8_t from[20], to[20], value[32];
    uint8_t *data;
    size_t data_len;
    uint64_t chain_id, nonce, gas;
    int is_1559;
    uint64_t base_fee, tip, fee_cap, gas_price; /* wei */
    uint8_t hashes[MAX_HASHES][32];             /* every broadcast of this nonce */
    size_t n_hashes, poll_idx;
    uint8_t *raw;
    size_t raw_len;
    uint32_t bumps, resyncs;
    uint64_t t_start, t_sent, timer;
    int busy; /* a request is in flight (its callback will come) */
};

static uint64_t now(const struct bts_evmchain *c)
{
    return c->host->now_ms(c->hctx);
}

static void send_unlink(struct evm_send *s)
{
    if (s->pprev) {
        *s->pprev = s->next;
        if (s->next)
            s->next->pprev = s->pprev;
        s->pprev = NULL;
    }
}

static void send_free(struct evm_send *s)
{
    free(s->data);
    free(s->raw);
    free(s);
}

/* Final answer: st with an optional receipt; frees the send. */
static void send_finish(struct evm_send *s, bt_status st, const struct bt_rootchain_receipt *r,
                        const char *err)
{
    struct bts_evmchain *c = s->c;
    if (s->timer)
        c->host->timer_del(c->hctx, s->timer);
    s->timer = 0;
    send_unlink(s);
    if (st == BT_OK && r && r->tx_status == BT_ROOTCHAIN_TX_SUCCESS)
        c->err[0] = 0;
    else
        snprintf(c->err, sizeof(c->err), "%s: send: %s", c->rules->name,
                 st == BT_ECANCELED && !*err ? "cancelled by shutdown" : err);
    if (st != BT_OK && st != BT_ECANCELED)
        evm_note(c, st, c->err);
    s->cb(s->arg, st, r);
    send_free(s);
}

static void send_failf(struct evm_send *s, bt_status st, const char *fmt, ...) BT_PRINTF(3, 4);
static void send_failf(struct evm_send *s, bt_status st, const char *fmt, ...)
{
    char err[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, sizeof(err), fmt, ap);
    va_end(ap);
    send_finish(s, st, NULL, err);
}

static void dropped(struct evm_send *s, bt_status st, const char *why)
{
    struct bt_rootchain_receipt r = {.struct_size = sizeof(r),
                                     .tx_status = BT_ROOTCHAIN_TX_DROPPED};
    if (s->n_hashes)
        memcpy(r.tx_hash, s->hashes[s->n_hashes - 1], 32);
    send_finish(s, st, &r, why);
}

static void step_nonce(struct evm_send *s);
static void step_broadcast(struct evm_send *s);
static void arm_poll(struct evm_send *s);

/* Requests go through here: a failure to even send ends the send. */
static int issued(struct evm_send *s, bt_status st, const char *what)
{
    if (st == BT_OK) {
        s->busy = 1;
        return 1;
    }
    send_failf(s, st, "%s: cannot send: %s", what, bts_status_str(st));
    return 0;
}

/* --- build and sign ------------------------------------------------------------------------ */

static bt_status build_signed(struct evm_send *s, char *err, size_t cap)
{
    struct bts_evmchain *c = s->c;
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.type = s->is_1559 ? BTS_TX_DYNAMIC_FEE : BTS_TX_LEGACY;
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(s->chain_id);
    tx.nonce = s->nonce;
    tx.gas_price = bts_u256_from_u64(s->is_1559 ? s->fee_cap : s->gas_price);
    tx.gas_tip_cap = bts_u256_from_u64(s->is_1559 ? s->tip : s->gas_price);
    tx.gas = s->gas;
    tx.has_to = 1;
    memcpy(tx.to.bytes, s->to, 20);
    bts_u256_load_be(&tx.value, s->value);
    tx.data = s->data;
    tx.data_len = s->data_len;
    uint8_t digest[32], sig[65];
    bt_status st = bts_tx_signing_hash(digest, &tx);
    if (st != BT_OK) {
        snprintf(err, cap, "signing hash: %s", bts_tx_strerror(st));
        return st;
    }
    st = c->host->sign(c->hctx, sig, s->key_id, digest);
    if (st != BT_OK) {
        snprintf(err, cap, "signer refused key \"%s\": %s (%s)", s->key_id, bts_status_str(st),
                 c->host->last_error(c->hctx));
        return st;
    }
    if (bts_tx_set_signature(&tx, sig) != BT_OK) {
        snprintf(err, cap, "signer returned v = %u, expected 0 or 1", sig[64]);
        return BT_EPROTO;
    }
    struct bts_buf raw;
    bts_buf_init(&raw);
    st = bts_tx_encode(&raw, &tx);
    if (st != BT_OK) {
        bts_buf_free(&raw);
        snprintf(err, cap, "encode: %s", bts_tx_strerror(st));
        return st;
    }
    /* The signature must be the sender's: a signer answering for another key is caught here. */
    uint8_t who[20];
    if (bts_secp_recover(who, digest, sig, 0) != BT_OK || memcmp(who, s->from, 20) != 0) {
        bts_buf_free(&raw);
        snprintf(err, cap, "signature of key \"%s\" does not recover to its address", s->key_id);
        return BT_EPROTO;
    }
    free(s->raw);
    s->raw_len = raw.len;
    s->raw = bts_buf_detach(&raw, NULL);
    if (!s->raw)
        return BT_ENOMEM;
    if (s->n_hashes == MAX_HASHES) { /* keep the newest ones */
        memmove(s->hashes[0], s->hashes[1], (MAX_HASHES - 1) * 32);
        s->n_hashes--;
    }
    bts_keccak256(s->hashes[s->n_hashes++], s->raw, s->raw_len);
    return BT_OK;
}

/* Raise every price field by fee_bump_percent (>= 10 %, the replacement rule), capped. */
static int bump(struct evm_send *s)
{
    struct bts_evmchain *c = s->c;
    uint64_t cap = c->conf.max_fee_gwei * 1000000000u, pct = c->conf.fee_bump_percent;
    uint64_t *fields[2] = {s->is_1559 ? &s->fee_cap : &s->gas_price, s->is_1559 ? &s->tip : NULL};
    int raised = 0;
    for (int i = 0; i < 2; i++) {
        if (!fields[i])
            continue;
        uint64_t v = *fields[i], nv = v + v / 100 * pct + (v % 100) * pct / 100 + 1;
        if (nv > cap)
            nv = cap;
        if (nv > v) {
            raised = 1;
            *fields[i] = nv;
        }
    }
    if (s->is_1559 && s->tip > s->fee_cap)
        s->tip = s->fee_cap;
    return raised;
}

/* --- receipts ------------------------------------------------------------------------------ */

static void on_receipt(void *arg, bt_status st, const struct bts_ethrpc_receipt *r, const char *err)
{
    struct evm_send *s = arg;
    struct bts_evmchain *c = s->c;
    s->busy = 0;
    if (st == BT_ECANCELED) {
        send_finish(s, st, NULL, "");
        return;
    }
    if (st == BT_OK && r) {
        struct bt_rootchain_receipt out = {
            .struct_size = sizeof(out),
            .tx_status = r->success ? BT_ROOTCHAIN_TX_SUCCESS : BT_ROOTCHAIN_TX_REVERTED,
            .block_number = r->block_number,
            .gas_used = r->gas_used,
            .logs = r->logs.logs,
            .n_logs = r->logs.n_logs,
        };
        memcpy(out.tx_hash, r->tx_hash, 32);
        c->nonce_valid = c->nonce_valid && c->next_nonce > s->nonce;
        char msg[200] = "";
        if (!r->success) {
            char hx[80];
            size_t hl;
            if (bts_hex_encode(hx, sizeof(hx), &hl, r->tx_hash, 32, BTS_HEX_0X) != BT_OK)
                hx[0] = 0;
            snprintf(msg, sizeof(msg), "transaction %s reverted in block %llu", hx,
                     (unsigned long long)r->block_number);
        }
        send_finish(s, BT_OK, &out, msg);
        return;
    }
    if (st != BT_OK) /* an outage while tracking: keep going, the timeout rules still apply */
        evm_note(c, st, err);
    if (++s->poll_idx < s->n_hashes) {
        issued(s, bts_ethrpc_get_receipt(c->rpc, s->hashes[s->poll_idx], on_receipt, s),
               "eth_getTransactionReceipt");
        return;
    }
    arm_poll(s);
}

static void poll_fire(void *arg)
{
    struct evm_send *s = arg;
    struct bts_evmchain *c = s->c;
    s->timer = 0;
    uint64_t t = now(c);
    if (t - s->t_sent >= c->conf.tx_timeout_ms) {
        if (t - s->t_start >= c->conf.tx_timeout_ms * (c->conf.max_bumps + 2)) {
            dropped(s, BT_ETIMEDOUT, "no receipt after every fee bump; gave up");
            return;
        }
        if (s->bumps < c->conf.max_bumps && bump(s)) {
            s->bumps++;
            char err[400];
            bt_status st = build_signed(s, err, sizeof(err));
            if (st != BT_OK) {
                send_failf(s, st, "fee bump: %s", err);
                return;
            }
            BTS_WARN(c->hctx, "fee bump", "nonce=%llu bumps=%u", (unsigned long long)s->nonce,
                     s->bumps);
        }
        step_broadcast(s); /* re-broadcast (the same bytes at the cap) */
        return;
    }
    s->poll_idx = 0;
    issued(s, bts_ethrpc_get_receipt(c->rpc, s->hashes[0], on_receipt, s),
           "eth_getTransactionReceipt");
}

static void arm_poll(struct evm_send *s)
{
    struct bts_evmchain *c = s->c;
    bt_status st = c->host->timer_add(c->hctx, c->conf.receipt_poll_ms, 0, poll_fire, s, &s->timer);
    if (st != BT_OK) {
        s->timer = 0;
        send_failf(s, st, "cannot arm the receipt timer: %s", bts_status_str(st));
    }
}

/* --- broadcast ----------------------------------------------------------------------------- */

static void on_broadcast(void *arg, bt_status st, const uint8_t *out, size_t out_len,
                         const char *err)
{
    struct evm_send *s = arg;
    struct bts_evmchain *c = s->c;
    (void)out, (void)out_len;
    s->busy = 0;
    if (st == BT_ECANCELED) {
        send_finish(s, st, NULL, "");
        return;
    }
    s->t_sent = now(c);
    if (st == BT_OK || (st == BTS_ETHRPC_EREMOTE && ethrpc_contains_ci(err, "already known"))) {
        if (!c->nonce_valid || c->next_nonce <= s->nonce)
            c->next_nonce = s->nonce + 1;
        c->nonce_valid = 1;
        arm_poll(s);
        return;
    }
    if (st == BTS_ETHRPC_EREMOTE && (ethrpc_contains_ci(err, "underpriced") ||
                                     ethrpc_contains_ci(err, "less than block base fee"))) {
        /* Our price is too low for the pool: bump at once (the tracking rules cap it). */
        if (s->bumps < c->conf.max_bumps && bump(s)) {
            s->bumps++;
            char e2[400];
            bt_status bs = build_signed(s, e2, sizeof(e2));
            if (bs != BT_OK) {
                send_failf(s, bs, "fee bump: %s", e2);
                return;
            }
            step_broadcast(s);
            return;
        }
        send_failf(s, st, "%s (fee cap %llu gwei reached)", err,
                   (unsigned long long)c->conf.max_fee_gwei);
        return;
    }
    if (st == BTS_ETHRPC_EREMOTE &&
        (ethrpc_contains_ci(err, "nonce too low") || ethrpc_contains_ci(err, "nonce too high"))) {
        c->nonce_valid = 0;
        if (s->n_hashes > 1) { /* an earlier broadcast of this nonce may have landed */
            arm_poll(s);
            return;
        }
        if (s->resyncs++ < 3) {
            s->n_hashes = 0;
            step_nonce(s);
            return;
        }
    }
    if (st == BTS_ETHRPC_EREMOTE || st == BT_EPROTO) {
        send_failf(s, st, "%s", err);
        return;
    }
    /* Transport trouble: the tx may or may not have arrived; track it and retry on timeout. */
    evm_note(c, st, err);
    arm_poll(s);
}

static void step_broadcast(struct evm_send *s)
{
    issued(s, bts_ethrpc_send_raw(s->c->rpc, s->raw, s->raw_len, on_broadcast, s),
           "eth_sendRawTransaction");
}

/* --- fees, gas, nonce, chain id ------------------------------------------------------------- */

static void on_fees(void *arg, bt_status st, int has_base_fee, uint64_t base_fee, uint64_t tip,
                    const char *err)
{
    struct evm_send *s = arg;
    struct bts_evmchain *c = s->c;
    s->busy = 0;
    if (st != BT_OK) {
        send_finish(s, st, NULL, err);
        return;
    }
    uint64_t cap = c->conf.max_fee_gwei * 1000000000u;
    if (has_base_fee) {
        s->is_1559 = 1;
        s->base_fee = base_fee;
        if (base_fee >= cap) {
            send_failf(s, BT_ERANGE, "base fee %llu wei is at or above max_fee_gwei %llu",
                       (unsigned long long)base_fee, (unsigned long long)c->conf.max_fee_gwei);
            return;
        }
        s->tip = tip < cap - base_fee ? tip : cap - base_fee;
        /* maxFee = 2 x next base fee + tip survives six full blocks of base fee growth. */
        uint64_t fc = base_fee > (UINT64_MAX - s->tip) / 2 ? UINT64_MAX : 2 * base_fee + s->tip;
        s->fee_cap = fc < cap ? fc : cap;
    } else {
        if (tip > cap) {
            send_failf(s, BT_ERANGE, "gas price %llu wei above max_fee_gwei %llu",
                       (unsigned long long)tip, (unsigned long long)c->conf.max_fee_gwei);
            return;
        }
        s->gas_price = tip;
    }
    if (c->nonce_valid && c->next_nonce > s->nonce)
        s->nonce = c->next_nonce; /* our own pending sends the node may not count yet */
    char e2[400];
    st = build_signed(s, e2, sizeof(e2));
    if (st != BT_OK) {
        send_failf(s, st, "%s", e2);
        return;
    }
    s->t_start = s->t_sent = now(c);
    step_broadcast(s);
}

static void step_fees(struct evm_send *s)
{
    issued(s, bts_ethrpc_fees(s->c->rpc, on_fees, s), "fees");
}

static void on_estimate(void *arg, bt_status st, uint64_t gas, const char *err)
{
    struct evm_send *s = arg;
    s->busy = 0;
    if (st != BT_OK) {
        send_finish(s, st, NULL, err);
        return;
    }
    uint64_t extra = gas / 100 * s->c->conf.gas_headroom_percent;
    s->gas = gas + extra;
    step_fees(s);
}

static void on_nonce(void *arg, bt_status st, uint64_t nonce, const char *err)
{
    struct evm_send *s = arg;
    struct bts_evmchain *c = s->c;
    s->busy = 0;
    if (st != BT_OK) {
        send_finish(s, st, NULL, err);
        return;
    }
    s->nonce = nonce;
    if (s->gas) {
        step_fees(s);
        return;
    }
    struct bts_ethrpc_callmsg m = {
        .from = s->from, .to = s->to, .data = s->data, .data_len = s->data_len, .value = s->value};
    issued(s, bts_ethrpc_estimate_gas(c->rpc, &m, on_estimate, s), "eth_estimateGas");
}

static void step_nonce(struct evm_send *s)
{
    issued(s, bts_ethrpc_nonce(s->c->rpc, s->from, on_nonce, s), "eth_getTransactionCount");
}

static void on_chain_id(void *arg, bt_status st, uint64_t id, const char *err)
{
    struct evm_send *s = arg;
    s->busy = 0;
    if (st != BT_OK) {
        send_finish(s, st, NULL, err);
        return;
    }
    s->chain_id = id;
    step_nonce(s);
}

bt_status bts_evmchain_send(void *self, const struct bt_rootchain_send_req *req,
                            bt_rootchain_receipt_fn cb, void *arg)
{
    struct bts_evmchain *c = self;
    const struct bt_host *h = c->host;
    if (c->stopped || !c->rpc) {
        h->set_error(c->hctx, "%s: send after stop", c->rules->name);
        return BT_ECANCELED;
    }
    const char *key = req->key_id && req->key_id[0] ? req->key_id : c->conf.signer;
    if (!key[0] || strlen(key) >= sizeof(((struct evm_send *)0)->key_id)) {
        h->set_error(c->hctx, "send: no signer key id (request or config `signer`)");
        return BT_EINVAL;
    }
    struct evm_send *s = calloc(1, sizeof(*s));
    if (!s)
        return BT_ENOMEM;
    s->c = c;
    s->cb = cb;
    s->arg = arg;
    strcpy(s->key_id, key);
    bt_status st = h->key_address(c->hctx, key, s->from);
    if (st != BT_OK) {
        h->set_error(c->hctx, "send: key \"%s\": %s", key, bts_status_str(st));
        free(s);
        return st;
    }
    memcpy(s->to, req->to, 20);
    memcpy(s->value, req->value, 32);
    s->gas = req->gas_limit;
    s->data = malloc(req->data_len ? req->data_len : 1);
    if (!s->data) {
        free(s);
        return BT_ENOMEM;
    }
    if (req->data_len)
        memcpy(s->data, req->data, req->data_len);
    s->data_len = req->data_len;
    s->next = c->sends;
    if (c->sends)
        c->sends->pprev = &s->next;
    c->sends = s;
    s->pprev = &c->sends;
    st = bts_ethrpc_u64(c->rpc, "eth_chainId", on_chain_id, s);
    if (st != BT_OK) {
        send_unlink(s);
        send_free(s);
        h->set_error(c->hctx, "send: %s", bts_status_str(st));
        return st;
    }
    s->busy = 1;
    return BT_OK;
}

void evm_send_cancel_all(struct bts_evmchain *c)
{
    struct evm_send *s = c->sends;
    while (s) {
        struct evm_send *next = s->next;
        if (!s->busy) /* busy ones are answered by their request's cancellation */
            send_finish(s, BT_ECANCELED, NULL, "");
        s = next;
    }
}
