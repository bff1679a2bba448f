/* Whole-transaction processing (Yellow Paper section 6; go-ethereum core/state_transition.go
 * is the reference for the order of checks and the error wording): validity checks, intrinsic
 * gas (EIP-2028, EIP-2930, EIP-3860), fee purchase (EIP-1559, EIP-4844), access-list warm-up
 * (EIP-2929, EIP-3651), the call or create, refunds (EIP-3529), fee payment, BTTC's fee log
 * (PROTOCOL.md §3.10) and the change set. */
#include "evm_int.h"

#include <bts/tx.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int evm_bttc_log(struct evm_ctx *c, const uint8_t sig[32], const uint8_t from[20],
                 const uint8_t to[20], const struct bts_u256 *amount, const struct bts_u256 *in1,
                 const struct bts_u256 *in2, const struct bts_u256 *out1,
                 const struct bts_u256 *out2);

/* keccak256("LogFeeTransfer(address,address,address,uint256,uint256,uint256,uint256,uint256)") */
static const uint8_t bttc_fee_sig[32] = {
    0x4d, 0xfe, 0x1b, 0xbb, 0xcf, 0x07, 0x7d, 0xdc, 0x3e, 0x01, 0x29, 0x1e, 0xea, 0x2d, 0x5c, 0x70,
    0xc2, 0xb4, 0x22, 0xb4, 0x15, 0xd9, 0x56, 0x45, 0xb9, 0xad, 0xcf, 0xd6, 0x78, 0xcb, 0x1d, 0x63};

#define BLOB_GAS_PER_BLOB 131072u
#define MAX_BLOBS         6u

/* EIP-55 mixed-case hex, as go-ethereum prints addresses in its error messages. */
static void addr_str(char out[43], const uint8_t a[20])
{
    static const char hex[] = "0123456789abcdef";
    char low[40];
    uint8_t h[32];
    for (int i = 0; i < 20; i++) {
        low[2 * i] = hex[a[i] >> 4];
        low[2 * i + 1] = hex[a[i] & 15];
    }
    bts_keccak256(h, low, 40);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        int nib = (h[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        char ch = low[i];
        out[2 + i] = (ch >= 'a' && nib >= 8) ? (char)(ch - 32) : ch;
    }
    out[42] = 0;
}

static bt_status fail(struct evm_ctx *c, const char *fmt, ...) BT_PRINTF(2, 3);
static bt_status fail(struct evm_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof(c->err), fmt, ap);
    va_end(ap);
    return BT_EINVAL;
}

/* a * b; returns 0 on overflow of 256 bits. */
static int mul_ok(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
{
    uint64_t p[8];
    bts_u256_mul_full(p, a, b);
    for (int i = 0; i < 4; i++)
        out->w[i] = p[i];
    return (p[4] | p[5] | p[6] | p[7]) == 0;
}

static int add_ok(struct bts_u256 *out, const struct bts_u256 *a, const struct bts_u256 *b)
{
    return bts_u256_add_carry(out, a, b) == 0;
}

/* EIP-4844 blob gas price is given by the host (block->blob_base_fee). */

/* Intrinsic gas by the SDK's rule (bts_tx_intrinsic_gas), the one the host's transaction
 * checks use (txpool, block processor, TransactionTests): one formula for both sides. Returns
 * BT_OK or BTS_TX_EGAS_OVERFLOW. */
static bt_status intrinsic_gas(const struct evm_ctx *c, const struct bt_evm_tx *tx,
                               uint64_t *out_gas)
{
    struct bts_tx t;
    memset(&t, 0, sizeof(t));
    t.has_to = (int)tx->has_to;
    t.data = tx->data;
    t.data_len = tx->data_len;
    t.n_access_addresses = tx->n_access;
    for (size_t i = 0; i < tx->n_access; i++)
        t.n_access_keys += tx->access_list[i].n_keys;
    return bts_tx_intrinsic_gas(&t, c->fork, out_gas);
}

static void frame_outcome(struct bt_evm_result *out, int status)
{
    out->outcome = status == EVM_OK         ? BT_EVM_SUCCESS
                   : status == EVM_REVERTED ? BT_EVM_REVERT
                                            : BT_EVM_FAILURE;
}

static bt_status io_status(const struct evm_ctx *c)
{
    return c->io_error == 3 ? BT_ENOTSUP : c->io_error == 2 ? BT_ENOMEM : BT_EIO;
}

static bt_status build_changes(struct evm_ctx *c, struct bt_evm_result *out);

bt_status evm_execute_tx(struct evm_ctx *c, struct bt_evm_result *out)
{
    const struct bt_evm_tx *tx = c->tx;
    const struct bt_evm_block *blk = c->block;
    int sys = (c->flags & BT_EVM_F_SYSTEM_CALL) != 0;
    int nochk = (c->flags & BT_EVM_F_NO_CHECKS) != 0 || sys;
    int london = c->fork >= BT_EVM_LONDON;
    char as[43];
    addr_str(as, tx->from);
    memcpy(c->origin, tx->from, 20);

    if ((tx->type == 1 && c->fork < BT_EVM_BERLIN) || (tx->type == 2 && !london) ||
        (tx->type == 3 && c->fork < BT_EVM_CANCUN) || tx->type > 3)
        return fail(c, "transaction type not supported");

    struct evm_account *sender = evm_acct(c, tx->from);
    if (!sender)
        return io_status(c);
    struct evm_account *coinbase = evm_acct(c, blk->coinbase);
    if (!coinbase)
        return io_status(c);
    struct bts_u256 in1 = sender->balance, in2 = coinbase->balance; /* BTTC fee log inputs */

    /* Fee parameters: effective price, cap and tip. */
    struct bts_u256 basefee, feecap, tip, price, value, gaslim;
    bts_u256_load_be(&basefee, blk->base_fee);
    bts_u256_load_be(&value, tx->value);
    gaslim = bts_u256_from_u64(tx->gas_limit);
    if (tx->type >= 2) {
        bts_u256_load_be(&feecap, tx->max_fee);
        bts_u256_load_be(&tip, tx->max_priority_fee);
    } else {
        bts_u256_load_be(&feecap, tx->gas_price);
        tip = feecap;
    }
    if (london) {
        struct bts_u256 s;
        int ok = add_ok(&s, &basefee, &tip);
        price = (!ok || bts_u256_lt(&feecap, &s)) ? feecap : s;
    } else {
        price = feecap;
    }
    c->gas_price = price;

    if (!nochk) {
        if (tx->nonce < sender->nonce)
            return fail(c, "nonce too low: address %s, tx: %llu state: %llu", as,
                        (unsigned long long)tx->nonce, (unsigned long long)sender->nonce);
        if (tx->nonce > sender->nonce)
            return fail(c, "nonce too high: address %s, tx: %llu state: %llu", as,
                        (unsigned long long)tx->nonce, (unsigned long long)sender->nonce);
        if (sender->nonce == UINT64_MAX)
            return fail(c, "nonce has max value: address %s, nonce: %llu", as,
                        (unsigned long long)sender->nonce);
        size_t cl;
        evm_acct_code(c, sender, &cl);
        if (c->io_error)
            return io_status(c);
        if (memcmp(sender->code_hash, evm_empty_code_hash, 32) != 0) /* EIP-3607 */
            return fail(c, "sender not an eoa: address %s", as);
        if (london) {
            char a[BTS_U256_DEC_MAX], b[BTS_U256_DEC_MAX];
            if (bts_u256_lt(&feecap, &tip)) {
                bts_u256_to_dec(a, &tip);
                bts_u256_to_dec(b, &feecap);
                return fail(c,
                            "max priority fee per gas higher than max fee per gas: address %s, "
                            "maxPriorityFeePerGas: %s, maxFeePerGas: %s",
                            as, a, b);
            }
            if (bts_u256_lt(&feecap, &basefee)) {
                bts_u256_to_dec(a, &feecap);
                bts_u256_to_dec(b, &basefee);
                return fail(c,
                            "max fee per gas less than block base fee: address %s, "
                            "maxFeePerGas: %s, baseFee: %s",
                            as, a, b);
            }
        }
    }
    struct bts_u256 blobfee = bts_u256_from_u64(0), blobcap = bts_u256_from_u64(0);
    if (tx->type == 3) {
        if (!tx->has_to)
            return fail(c, "blob transaction of type create");
        if (tx->n_blob_hashes == 0)
            return fail(c, "blob transaction missing blob hashes");
        if (tx->n_blob_hashes > MAX_BLOBS)
            return fail(c, "blob gas limit exceeded");
        for (size_t i = 0; i < tx->n_blob_hashes; i++) {
            if (tx->blob_hashes[i][0] != 0x01)
                return fail(c, "blob with invalid hash %zu: version %u", i, tx->blob_hashes[i][0]);
        }
        struct bts_u256 bbf, mbf, bg = bts_u256_from_u64(BLOB_GAS_PER_BLOB * tx->n_blob_hashes);
        bts_u256_load_be(&bbf, blk->blob_base_fee);
        bts_u256_load_be(&mbf, tx->max_blob_fee);
        if (!nochk && bts_u256_lt(&mbf, &bbf))
            return fail(c, "max fee per blob gas less than block blob gas fee: address %s", as);
        (void)mul_ok(&blobfee, &bg, &bbf);
        (void)mul_ok(&blobcap, &bg, &mbf);
    }

    /* Gas purchase (buyGas): the balance must cover gas * cap + value (+ blob gas). */
    struct bts_u256 mgval = bts_u256_from_u64(0);
    if (!nochk) {
        struct bts_u256 want;
        int ok = mul_ok(&mgval, &gaslim, &price) && add_ok(&mgval, &mgval, &blobfee);
        ok = ok && mul_ok(&want, &gaslim, &feecap) && add_ok(&want, &want, &value) &&
             add_ok(&want, &want, &blobcap);
        if (!ok || bts_u256_lt(&sender->balance, &want)) {
            char have[BTS_U256_DEC_MAX], w[BTS_U256_DEC_MAX];
            bts_u256_to_dec(have, &sender->balance);
            if (ok)
                bts_u256_to_dec(w, &want);
            else
                snprintf(w, sizeof(w), "more than 2^256");
            return fail(c, "insufficient funds for gas * price + value: address %s have %s want %s",
                        as, have, w);
        }
        if (tx->gas_limit > blk->gas_limit)
            return fail(c, "gas limit reached");
    }
    uint64_t intrinsic = 0;
    if (!sys) {
        if (intrinsic_gas(c, tx, &intrinsic) != BT_OK)
            return fail(c, "gas uint64 overflow");
        if (tx->gas_limit < intrinsic)
            return fail(c, "intrinsic gas too low: have %llu, want %llu",
                        (unsigned long long)tx->gas_limit, (unsigned long long)intrinsic);
        if (!tx->has_to && c->fork >= BT_EVM_SHANGHAI && tx->data_len > EVM_MAX_INITCODE)
            return fail(c, "max initcode size exceeded: code size %zu limit %d", tx->data_len,
                        EVM_MAX_INITCODE);
    }
    if (!nochk) {
        struct bts_u256 nb;
        bts_u256_sub(&nb, &sender->balance, &mgval);
        evm_set_balance(c, sender, &nb);
    }
    if (bts_u256_lt(&sender->balance, &value))
        return fail(c, "insufficient funds for transfer: address %s", as);

    /* Access-list warm-up (EIP-2929, EIP-2930, EIP-3651). */
    if (c->fork >= BT_EVM_BERLIN && !sys) {
        evm_warm_account(c, sender);
        if (tx->has_to) {
            struct evm_account *to = evm_acct(c, tx->to);
            if (!to)
                return io_status(c);
            evm_warm_account(c, to);
        }
        uint8_t pa[20] = {0};
        for (unsigned i = 1; i <= (c->fork >= BT_EVM_CANCUN ? 10u : 9u); i++) {
            pa[19] = (uint8_t)i;
            struct evm_account *p = evm_acct(c, pa);
            if (!p)
                return io_status(c);
            evm_warm_account(c, p);
        }
        for (size_t i = 0; i < tx->n_access; i++) {
            struct evm_account *a = evm_acct(c, tx->access_list[i].address);
            if (!a)
                return io_status(c);
            evm_warm_account(c, a);
            for (size_t k = 0; k < tx->access_list[i].n_keys; k++) {
                struct bts_u256 key;
                bts_u256_load_be(&key, tx->access_list[i].keys[k]);
                struct evm_slot *s = evm_slot(c, a, &key);
                if (!s)
                    return io_status(c);
                evm_warm_slot(c, a, s);
            }
        }
        if (c->fork >= BT_EVM_SHANGHAI)
            evm_warm_account(c, coinbase);
    }

    /* The message. */
    struct evm_msg m;
    memset(&m, 0, sizeof(m));
    m.depth = 0;
    m.gas = (int64_t)(tx->gas_limit - intrinsic);
    if (m.gas < 0)
        m.gas = INT64_MAX; /* system calls pass 2^63 - 1; anything above acts alike */
    memcpy(m.sender, tx->from, 20);
    m.value = value;
    m.transfer = 1;
    m.input = tx->data;
    m.input_len = tx->data_len;
    struct evm_frame_result r;
    if (tx->has_to) {
        m.kind = EVM_CALL;
        memcpy(m.recipient, tx->to, 20);
        memcpy(m.code_address, tx->to, 20);
        if (!sys)
            evm_set_nonce(c, sender, sender->nonce + 1);
        evm_call(c, &m, &r);
    } else {
        m.kind = EVM_CREATE;
        evm_create(c, &m, &r);
    }
    if (r.status == EVM_FATAL || c->io_error)
        return io_status(c);

    uint64_t gas_left = (uint64_t)r.gas_left;
    uint64_t gas_used = tx->gas_limit > gas_left ? tx->gas_limit - gas_left : 0;
    uint64_t refund = 0;
    if (!sys) {
        uint64_t cap = gas_used / (london ? 5 : 2);
        refund = c->refund > 0 ? (uint64_t)c->refund : 0;
        if (refund > cap)
            refund = cap;
        gas_left += refund;
        gas_used -= refund;
    }
    if (!nochk) {
        struct bts_u256 back, gl = bts_u256_from_u64(gas_left), nb;
        (void)mul_ok(&back, &gl, &price);
        bts_u256_add(&nb, &sender->balance, &back);
        evm_set_balance(c, sender, &nb);
        struct bts_u256 eff = price, fee, gu = bts_u256_from_u64(gas_used);
        if (london)
            bts_u256_sub(&eff, &price, &basefee);
        (void)mul_ok(&fee, &gu, &eff);
        bts_u256_add(&nb, &coinbase->balance, &fee);
        evm_set_balance(c, coinbase, &nb); /* touches the coinbase even for a zero fee */
        if ((c->flags & BT_EVM_F_BTTC_LOGS) && !bts_u256_is_zero(&fee)) {
            struct bts_u256 o1, o2;
            bts_u256_sub(&o1, &in1, &fee);
            bts_u256_add(&o2, &in2, &fee);
            if (!evm_bttc_log(c, bttc_fee_sig, tx->from, blk->coinbase, &fee, &in1, &in2, &o1, &o2))
                return io_status(c);
        }
    }

    frame_outcome(out, r.status);
    out->gas_used = gas_used;
    out->gas_refund = refund;
    out->output = r.status == EVM_FAILED ? NULL : r.out;
    out->output_len = r.status == EVM_FAILED ? 0 : r.out_len;
    if (!tx->has_to && r.status == EVM_OK) {
        out->has_created = 1;
        memcpy(out->created, r.created, 20);
    }
    return build_changes(c, out);
}

static bt_status build_changes(struct evm_ctx *c, struct bt_evm_result *out)
{
    struct bt_evm_log *logs = NULL;
    if (c->n_logs) {
        logs = calloc(c->n_logs, sizeof(*logs));
        if (!logs)
            return BT_ENOMEM;
        for (size_t i = 0; i < c->n_logs; i++) {
            const struct evm_logrec *l = &c->logs[i];
            memcpy(logs[i].address, l->address, 20);
            logs[i].n_topics = l->n_topics;
            memcpy(logs[i].topics, l->topics, sizeof(l->topics));
            logs[i].data = c->logdata + l->data_off;
            logs[i].data_len = l->data_len;
        }
    }
    out->logs = logs;
    out->n_logs = c->n_logs;

    struct bt_evm_account_change *ch = calloc(c->acct_n ? c->acct_n : 1, sizeof(*ch));
    if (!ch)
        return BT_ENOMEM;
    out->changes = ch;
    size_t n = 0;
    for (uint32_t i = 0; i < c->acct_n; i++) {
        struct evm_account *a = evm_acct_at(c, i);
        struct bt_evm_account_change *x = &ch[n];
        memcpy(x->address, a->addr, 20);
        if (a->destructed) {
            if (a->orig_exists || a->exists) {
                x->flags = BT_EVM_ACCOUNT_DESTROYED;
                n++;
            }
            continue;
        }
        if (!a->exists)
            continue;
        if (a->touched && evm_acct_is_empty(a)) {
            if (a->orig_exists) {
                x->flags = BT_EVM_ACCOUNT_TOUCHED_EMPTY;
                n++;
            }
            continue;
        }
        size_t ns = 0;
        for (uint32_t k = 0; k < a->slot_cap; k++) {
            const struct evm_slot *s = &a->slots[k];
            if (s->used &&
                (a->created ? !bts_u256_is_zero(&s->cur) : !bts_u256_eq(&s->cur, &s->orig)))
                ns++;
        }
        int changed = a->created || a->code_set || ns || !a->orig_exists ||
                      a->nonce != a->orig_nonce || !bts_u256_eq(&a->balance, &a->orig_balance);
        if (!changed)
            continue;
        x->flags =
            (a->created ? BT_EVM_ACCOUNT_CREATED : 0) | (a->code_set ? BT_EVM_ACCOUNT_CODE : 0);
        x->nonce = a->nonce;
        bts_u256_store_be(x->balance, &a->balance);
        if (a->code_set) {
            x->code = a->code;
            x->code_len = a->code_len;
        }
        if (ns) {
            struct bt_evm_storage_change *sc = calloc(ns, sizeof(*sc));
            if (!sc) {
                out->n_changes = n;
                return BT_ENOMEM;
            }
            size_t j = 0;
            for (uint32_t k = 0; k < a->slot_cap; k++) {
                const struct evm_slot *s = &a->slots[k];
                if (s->used &&
                    (a->created ? !bts_u256_is_zero(&s->cur) : !bts_u256_eq(&s->cur, &s->orig))) {
                    bts_u256_store_be(sc[j].key, &s->key);
                    bts_u256_store_be(sc[j].value, &s->cur);
                    j++;
                }
            }
            x->storage = sc;
            x->n_storage = ns;
        }
        n++;
    }
    out->n_changes = n;
    return BT_OK;
}

/* --- the context, the engine and the ABI-shaped entry ------------------------------------ */

/* A pooled context keeps the scratch of its shallow depths and memories up to this size;
 * deeper or bigger ones are given back to the allocator. */
#define POOL_MAX        16
#define POOL_KEEP_DEPTH 32
#define POOL_KEEP_MEM   (1u << 20)

struct evm_engine {
    struct evm_codecache *codes;
    pthread_mutex_t mu; /* guards pool */
    struct evm_ctx *pool[POOL_MAX];
    unsigned n_pool;
};

static void scratch_free(struct evm_ctx *c, int from)
{
    for (int i = from; i < c->scratch_n; i++) {
        if (c->scratch[i]) {
            free(c->scratch[i]->mem);
            free(c->scratch[i]->ret);
            free(c->scratch[i]);
            c->scratch[i] = NULL;
        }
    }
    if (c->scratch_n > from)
        c->scratch_n = from;
}

static void ctx_free(struct evm_ctx *c)
{
    if (!c)
        return;
    evm_state_free(c);
    scratch_free(c, 0);
    evm_code_release_all(c);
    free(c->codes);
    free(c->logs);
    free(c->logdata);
    free(c->tr_stack);
    free(c);
}

/* Clear what one transaction left in a context, keeping its buffers. Returns 0 on failure. */
static int ctx_reset(struct evm_ctx *c)
{
    int ok = evm_state_reset(c);
    evm_code_release_all(c);
    scratch_free(c, POOL_KEEP_DEPTH);
    for (int i = 0; i < POOL_KEEP_DEPTH && i < c->scratch_n; i++) {
        struct evm_scratch *sc = c->scratch[i];
        if (sc && sc->mem_cap > POOL_KEEP_MEM) {
            free(sc->mem);
            sc->mem = NULL;
            sc->mem_cap = 0;
        }
        if (sc && sc->ret_cap > POOL_KEEP_MEM) {
            free(sc->ret);
            sc->ret = NULL;
            sc->ret_cap = 0;
        }
    }
    c->refund = 0;
    c->n_logs = 0;
    c->logdata_len = 0;
    c->io_error = 0;
    c->err[0] = 0;
    c->self_hint = NULL;
    c->tracer = NULL;
    return ok;
}

struct evm_engine *evm_engine_new(void)
{
    struct evm_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->codes = evm_codecache_new();
    if (!e->codes || pthread_mutex_init(&e->mu, NULL) != 0) {
        evm_codecache_free(e->codes);
        free(e);
        return NULL;
    }
    return e;
}

void evm_engine_free(struct evm_engine *e)
{
    if (!e)
        return;
    for (unsigned i = 0; i < e->n_pool; i++)
        ctx_free(e->pool[i]);
    pthread_mutex_destroy(&e->mu);
    evm_codecache_free(e->codes);
    free(e);
}

static struct evm_ctx *ctx_get(struct evm_engine *e)
{
    struct evm_ctx *c = NULL;
    if (e) {
        pthread_mutex_lock(&e->mu);
        if (e->n_pool)
            c = e->pool[--e->n_pool];
        pthread_mutex_unlock(&e->mu);
        if (c)
            return c;
    }
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    if (!evm_state_init(c)) {
        free(c);
        return NULL;
    }
    c->engine = e;
    c->cache = e ? e->codes : NULL;
    return c;
}

static void ctx_put(struct evm_ctx *c)
{
    struct evm_engine *e = c->engine;
    if (e && ctx_reset(c)) {
        pthread_mutex_lock(&e->mu);
        if (e->n_pool < POOL_MAX) {
            e->pool[e->n_pool++] = c;
            c = NULL;
        }
        pthread_mutex_unlock(&e->mu);
    }
    ctx_free(c);
}

static void result_release(struct bt_evm_result *r)
{
    if (!r || !r->opaque)
        return;
    for (size_t i = 0; i < r->n_changes; i++)
        free((void *)r->changes[i].storage);
    free((void *)r->changes);
    free((void *)r->logs);
    ctx_put(r->opaque);
    r->opaque = NULL;
}

bt_status evm_execute(const struct bt_evm_state_iface *state, void *state_ctx,
                      const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                      const struct bt_evm_config *cfg, struct bt_evm_result *out, char *err,
                      size_t err_len)
{
    return evm_execute_in(NULL, state, state_ctx, block, tx, cfg, out, err, err_len);
}

bt_status evm_execute_in(struct evm_engine *eng, const struct bt_evm_state_iface *state,
                         void *state_ctx, const struct bt_evm_block *block,
                         const struct bt_evm_tx *tx, const struct bt_evm_config *cfg,
                         struct bt_evm_result *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    if (err_len)
        err[0] = 0;
    if (cfg->fork < BT_EVM_ISTANBUL || cfg->fork > BT_EVM_CANCUN) {
        if (err_len)
            snprintf(err, err_len, "unsupported fork %u", cfg->fork);
        return BT_ENOTSUP;
    }
    struct evm_ctx *c = ctx_get(eng);
    if (!c)
        return BT_ENOMEM;
    c->st = state;
    c->st_ctx = state_ctx;
    c->block = block;
    c->tx = tx;
    c->fork = cfg->fork;
    c->flags = cfg->flags;
    /* The tracer entry exists only when the caller's struct is new enough (abi/CHANGES.md). */
    const struct bt_evm_tracer *tr = NULL;
    if (cfg->struct_size >= offsetof(struct bt_evm_config, tracer) + sizeof(cfg->tracer))
        tr = cfg->tracer;
    if (tr && (tr->struct_size < sizeof(*tr) || !tr->step || !tr->step_result)) {
        if (err_len)
            snprintf(err, err_len, "tracer without step callbacks");
        ctx_put(c);
        return BT_EINVAL;
    }
    if (!evm_trace_setup(c, tr)) {
        ctx_put(c);
        return BT_ENOMEM;
    }
    evm_optab_fill(&c->tab, c->fork);
    struct bt_evm_result r;
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    r.opaque = c;
    r.release = result_release;
    bt_status st = evm_execute_tx(c, &r);
    if (st != BT_OK) {
        if (err_len) {
            if (c->err[0])
                snprintf(err, err_len, "%s", c->err);
            else if (st == BT_ENOTSUP)
                snprintf(err, err_len, "precompile not supported");
            else
                snprintf(err, err_len, "%s",
                         st == BT_ENOMEM ? "out of memory" : "state read failed");
        }
        result_release(&r);
        return st;
    }
    *out = r;
    return BT_OK;
}
