/* Message calls and contract creation (Yellow Paper sections 7 and 8; EIP-150 depth/gas,
 * EIP-161 empty accounts, EIP-170 code size, EIP-684/EIP-1014 address collisions and CREATE2,
 * EIP-2929 warm created addresses, EIP-3541 0xEF rejection), and the value transfer with BTTC's
 * synthetic transfer log (PROTOCOL.md §3.10, bttc core/evm.go Transfer). */
#include "evm_int.h"

#include <pthread.h>

/* BTTC's MRC20 native-token contract, the address of the synthetic logs. */
static const uint8_t bttc_log_addr[20] = {0, 0, 0, 0, 0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x10};
/* keccak256("LogTransfer(address,address,address,uint256,uint256,uint256,uint256,uint256)") */
static const uint8_t bttc_transfer_sig[32] = {
    0xe6, 0x49, 0x7e, 0x3e, 0xe5, 0x48, 0xa3, 0x37, 0x21, 0x36, 0xaf, 0x2f, 0xcb, 0x06, 0x96, 0xdb,
    0x31, 0xfc, 0x6c, 0xf2, 0x02, 0x60, 0x70, 0x76, 0x45, 0x06, 0x8b, 0xd3, 0xfe, 0x97, 0xf3, 0xc4};

/* The 4-topic, 5-word log shared by transfer and fee logs (bttc core/bor_fee_log.go). */
int evm_bttc_log(struct evm_ctx *c, const uint8_t sig[32], const uint8_t from[20],
                 const uint8_t to[20], const struct bts_u256 *amount, const struct bts_u256 *in1,
                 const struct bts_u256 *in2, const struct bts_u256 *out1,
                 const struct bts_u256 *out2);
int evm_bttc_log(struct evm_ctx *c, const uint8_t sig[32], const uint8_t from[20],
                 const uint8_t to[20], const struct bts_u256 *amount, const struct bts_u256 *in1,
                 const struct bts_u256 *in2, const struct bts_u256 *out1,
                 const struct bts_u256 *out2)
{
    uint8_t topics[4][32] = {{0}};
    memcpy(topics[0], sig, 32);
    memcpy(topics[1] + 12, bttc_log_addr, 20);
    memcpy(topics[2] + 12, from, 20);
    memcpy(topics[3] + 12, to, 20);
    uint8_t data[160];
    bts_u256_store_be(data, amount);
    bts_u256_store_be(data + 32, in1);
    bts_u256_store_be(data + 64, in2);
    bts_u256_store_be(data + 96, out1);
    bts_u256_store_be(data + 128, out2);
    return evm_add_log(c, bttc_log_addr, (const uint8_t(*)[32])topics, 4, data, sizeof(data));
}

int evm_transfer(struct evm_ctx *c, struct evm_account *from, struct evm_account *to,
                 const struct bts_u256 *amount)
{
    if (bts_u256_is_zero(amount)) {
        evm_touch(c, to); /* a zero credit still touches the recipient (EIP-161) */
        return 1;
    }
    struct bts_u256 in1 = from->balance, in2 = to->balance, v;
    bts_u256_sub(&v, &from->balance, amount);
    evm_set_balance(c, from, &v);
    bts_u256_add(&v, &to->balance, amount);
    evm_set_balance(c, to, &v);
    if (c->flags & BT_EVM_F_BTTC_LOGS)
        return evm_bttc_log(c, bttc_transfer_sig, from->addr, to->addr, amount, &in1, &in2,
                            &from->balance, &to->balance);
    return 1;
}

void evm_create_address(uint8_t out[20], const uint8_t sender[20], uint64_t nonce)
{
    uint8_t buf[32], h[32];
    size_t n = 0, nl = 0;
    uint8_t nb[8];
    for (int i = 7; i >= 0; i--) {
        uint8_t b = (uint8_t)(nonce >> (8 * i));
        if (nl || b)
            nb[nl++] = b;
    }
    buf[n++] = 0; /* list header, filled below */
    buf[n++] = 0x94;
    memcpy(buf + n, sender, 20);
    n += 20;
    if (nonce == 0) {
        buf[n++] = 0x80;
    } else if (nonce < 0x80) {
        buf[n++] = (uint8_t)nonce;
    } else {
        buf[n++] = (uint8_t)(0x80 + nl);
        memcpy(buf + n, nb, nl);
        n += nl;
    }
    buf[0] = (uint8_t)(0xc0 + n - 1);
    bts_keccak256(h, buf, n);
    memcpy(out, h + 12, 20);
}

void evm_create2_address(uint8_t out[20], const uint8_t sender[20], const uint8_t salt[32],
                         const uint8_t *init, size_t init_len)
{
    uint8_t buf[85], h[32];
    buf[0] = 0xff;
    memcpy(buf + 1, sender, 20);
    memcpy(buf + 21, salt, 32);
    bts_keccak256(buf + 53, init, init_len);
    bts_keccak256(h, buf, sizeof(buf));
    memcpy(out, h + 12, 20);
}

static void finish(struct evm_ctx *c, size_t snap, struct evm_frame_result *r)
{
    if (r->status == EVM_OK || r->status == EVM_FATAL)
        return;
    evm_revert(c, snap);
    if (r->status == EVM_FAILED) {
        r->gas_left = 0;
        r->out_len = 0;
    }
}

static void call_frame(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r)
{
    r->out = NULL;
    r->out_len = 0;
    size_t snap = evm_snapshot(c);
    int pre = evm_is_precompile(c, m->code_address);
    if (m->transfer) {
        struct evm_account *to = evm_acct(c, m->recipient);
        struct evm_account *from = evm_acct(c, m->sender);
        if (!to || !from)
            goto fatal;
        if (!to->exists) {
            if (!pre && bts_u256_is_zero(&m->value)) {
                /* EIP-158: a zero-value call to nothing creates nothing. */
                r->status = EVM_OK;
                r->gas_left = m->gas;
                return;
            }
            evm_create_account(c, to);
        }
        if (!evm_transfer(c, from, to, &m->value))
            goto fatal;
    }
    if (m->kind == EVM_STATICCALL) {
        /* go-ethereum's StaticCall adds a zero balance to touch the target (EIP-161). */
        struct evm_account *to = evm_acct(c, m->recipient);
        if (!to)
            goto fatal;
        evm_touch(c, to);
    }
    if (pre) {
        evm_precompile_run(c, m, r);
        finish(c, snap, r);
        return;
    }
    struct evm_account *ca = evm_acct(c, m->code_address);
    if (!ca)
        goto fatal;
    size_t len;
    const uint8_t *code = evm_acct_code(c, ca, &len);
    if (c->io_error)
        goto fatal;
    if (len == 0) {
        r->status = EVM_OK;
        r->gas_left = m->gas;
        return;
    }
    struct evm_code *an = evm_code_get(c, ca->code_hash, code, len);
    if (!an) {
        c->io_error = 2;
        goto fatal;
    }
    evm_interpret(c, m, an, r);
    finish(c, snap, r);
    return;
fatal:
    r->status = EVM_FATAL;
    r->gas_left = 0;
}

static void create_frame(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r)
{
    r->out = NULL;
    r->out_len = 0;
    r->gas_left = m->gas;
    r->status = EVM_FAILED;
    memset(r->created, 0, 20);
    struct evm_account *creator = evm_acct(c, m->sender);
    if (!creator)
        goto fatal;
    /* Failures that return the gas: depth, balance, nonce overflow (EIP-2681). */
    if (m->depth > EVM_MAX_DEPTH || bts_u256_lt(&creator->balance, &m->value) ||
        creator->nonce == UINT64_MAX)
        return;
    uint8_t addr[20];
    if (m->kind == EVM_CREATE2) {
        uint8_t salt[32];
        bts_u256_store_be(salt, &m->salt);
        evm_create2_address(addr, m->sender, salt, m->input, m->input_len);
    } else {
        evm_create_address(addr, m->sender, creator->nonce);
    }
    evm_set_nonce(c, creator, creator->nonce + 1);
    struct evm_account *target = evm_acct(c, addr);
    if (!target)
        goto fatal;
    if (c->fork >= BT_EVM_BERLIN)
        evm_warm_account(c, target);
    int has_storage = 0;
    if (target->orig_exists && !target->created &&
        BT_HAS(struct bt_evm_state_iface, c->st, has_storage) &&
        c->st->has_storage(c->st_ctx, addr, &has_storage) != BT_OK) {
        c->io_error = 1;
        goto fatal;
    }
    if (target->nonce != 0 || memcmp(target->code_hash, evm_empty_code_hash, 32) != 0 ||
        has_storage) {
        r->gas_left = 0; /* address collision consumes the gas */
        return;
    }
    size_t snap = evm_snapshot(c);
    evm_create_account(c, target);
    evm_set_nonce(c, target, 1); /* EIP-161 */
    if (!evm_transfer(c, creator, target, &m->value))
        goto fatal;
    struct evm_msg im = *m;
    memcpy(im.recipient, addr, 20);
    memcpy(im.code_address, addr, 20);
    im.input = NULL; /* init code sees empty call data; its code is the input */
    im.input_len = 0;
    if (m->input_len == 0) {
        r->status = EVM_OK;
        r->gas_left = m->gas;
    } else {
        struct evm_code *an = evm_code_analyse(m->input, m->input_len, &c->tab, c->fork);
        if (!an) {
            c->io_error = 2;
            goto fatal;
        }
        evm_interpret(c, &im, an, r);
        evm_code_free(an);
    }
    if (r->status == EVM_OK) {
        size_t n = r->out_len;
        uint64_t cost = 200ull * n;
        if (n > EVM_MAX_CODE || (c->fork >= BT_EVM_LONDON && n && r->out[0] == 0xef) ||
            (uint64_t)r->gas_left < cost) {
            r->status = EVM_FAILED;
        } else {
            r->gas_left -= (int64_t)cost;
            if (!evm_set_code(c, target, r->out, n))
                goto fatal;
            memcpy(r->created, addr, 20);
            r->out_len = 0;
        }
    }
    finish(c, snap, r);
    return;
fatal:
    r->status = EVM_FATAL;
    r->gas_left = 0;
}

/* --- the C stack ------------------------------------------------------------------------ */

/* The interpreter recurses once per call frame (evm_interpret -> evm_call/evm_create ->
 * evm_interpret), up to EVM_MAX_DEPTH + 1 frames. Measured (-fstack-usage, and the 1024-deep
 * GeneralStateTests under `ulimit -s`): about 2 KiB per depth at -O2, 1-2 MiB in all; with
 * AddressSanitizer's redzones 4-8 MiB. Each frame entry checks the stack left on its thread;
 * below STACK_LOW (room for one frame and whatever a precompile needs: GMP allocates up to
 * 64 KiB on the stack) the frame runs on a helper thread with STACK_BIG of stack while this
 * one waits, so any worker thread may call execute() and shallow executions cost nothing. */
#if defined(__SANITIZE_ADDRESS__)
#define EVM_ASAN_ 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EVM_ASAN_ 1
#endif
#endif
#ifdef EVM_ASAN_
#define STACK_LOW (1u << 20)
#define STACK_BIG (32u << 20)
#else
#define STACK_LOW (256u << 10)
#define STACK_BIG (8u << 20)
#endif

/* Lowest address of this thread's stack, found once per thread (pthread_getattr_np reads
 * /proc on the main thread). 1: unknown (then frames never move). Initial-exec: 8 bytes of the
 * static TLS that glibc reserves for dlopen'd modules, read without a __tls_get_addr call. The
 * default (dynamic) model made LeakSanitizer crash at exit: GCC 12's libasan guesses where a
 * dynamic TLS block starts from the 16 bytes before it when the block sits 16 bytes past a page
 * boundary, which an ASan heap block does by chance (google/sanitizers#1409), and then scans
 * a garbage range (bench/evm_quick_ref hit it every run). */
static _Thread_local uintptr_t tl_stack_lo __attribute__((tls_model("initial-exec")));

static int stack_is_low(void)
{
    if (!tl_stack_lo) {
        pthread_attr_t a;
        void *lo = NULL;
        size_t sz = 0;
        tl_stack_lo = 1;
        if (pthread_getattr_np(pthread_self(), &a) == 0) {
            if (pthread_attr_getstack(&a, &lo, &sz) == 0 && lo)
                tl_stack_lo = (uintptr_t)lo;
            pthread_attr_destroy(&a);
        }
    }
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    return tl_stack_lo != 1 && here - tl_stack_lo < STACK_LOW;
}

struct frame_run {
    void (*fn)(struct evm_ctx *, const struct evm_msg *, struct evm_frame_result *);
    struct evm_ctx *c;
    const struct evm_msg *m;
    struct evm_frame_result *r;
};

static void *frame_thread(void *p)
{
    struct frame_run *x = p;
    x->fn(x->c, x->m, x->r);
    return NULL;
}

/* Run fn on a fresh STACK_BIG stack. Returns 0 if no thread could be made. */
static int run_on_big_stack(void (*fn)(struct evm_ctx *, const struct evm_msg *,
                                       struct evm_frame_result *),
                            struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r)
{
    struct frame_run x = {fn, c, m, r};
    pthread_attr_t a;
    pthread_t th;
    if (pthread_attr_init(&a) != 0)
        return 0;
    int rc = pthread_attr_setstacksize(&a, STACK_BIG);
    if (rc == 0)
        rc = pthread_create(&th, &a, frame_thread, &x);
    pthread_attr_destroy(&a);
    if (rc != 0)
        return 0;
    pthread_join(th, NULL);
    return 1;
}

static void call_frame(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r);
static void create_frame(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r);

static void on_big_stack(void (*fn)(struct evm_ctx *, const struct evm_msg *,
                                    struct evm_frame_result *),
                         struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r)
{
    if (!stack_is_low()) {
        fn(c, m, r);
    } else if (!run_on_big_stack(fn, c, m, r)) {
        c->io_error = 2;
        r->out = NULL;
        r->out_len = 0;
        r->status = EVM_FATAL;
        r->gas_left = 0;
    }
}

void evm_call(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r)
{
    on_big_stack(call_frame, c, m, r);
}

void evm_create(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r)
{
    on_big_stack(create_frame, c, m, r);
}
