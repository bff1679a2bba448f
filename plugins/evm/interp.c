/* The bytecode interpreter (Yellow Paper section 9 and appendix H, with the EIPs of each fork
 * up to Cancun). Dispatch is a computed goto (labels as values) on the raw bytecode, with the
 * instruction pointer, stack pointer and gas in locals. The constant gas and the stack bounds
 * are checked once per basic block (analysis.c explains why that is exact); bodies charge only
 * the dynamic part. No allocation in the loop except memory growth; the stack and memory come
 * from the per-depth scratch, which the engine's context pool keeps between transactions. */
#include "evm_int.h"

#include <stdlib.h>

#if !defined(__GNUC__) && !defined(__clang__)
#error "the interpreter needs GCC/Clang labels as values"
#endif

struct evm_scratch *evm_scratch_at(struct evm_ctx *c, int depth)
{
    if (!c->scratch[depth]) {
        c->scratch[depth] = calloc(1, sizeof(struct evm_scratch));
        if (!c->scratch[depth])
            c->io_error = 2;
        else if (depth >= c->scratch_n)
            c->scratch_n = depth + 1;
    }
    return c->scratch[depth];
}

/* Largest memory size accepted; beyond it the expansion cost exceeds any 64-bit gas. */
#define MEM_LIMIT 0x1FFFFFFFE0ull

/* Make memory cover [off, off + len) when len > 0, charging the expansion (Yellow Paper
 * C_mem). Returns 0 when out of gas. *o and *l get the offsets as 64-bit numbers. */
static inline int mem_expand(struct evm_scratch *sc, size_t *msize, int64_t *gas,
                             const struct bts_u256 *off, const struct bts_u256 *len, uint64_t *o,
                             uint64_t *l)
{
    if (bts_u256_is_zero(len)) {
        *o = 0;
        *l = 0;
        return 1;
    }
    if (!bts_u256_fits_u64(off) || !bts_u256_fits_u64(len) || off->w[0] > MEM_LIMIT ||
        len->w[0] > MEM_LIMIT)
        return 0;
    *o = off->w[0];
    *l = len->w[0];
    uint64_t end = *o + *l;
    if (end <= *msize)
        return 1;
    if (end > MEM_LIMIT)
        return 0;
    uint64_t nw = evm_words(end), ow = *msize / 32;
    uint64_t cost = evm_mem_cost(nw) - evm_mem_cost(ow);
    if ((int64_t)cost > *gas)
        return 0;
    *gas -= (int64_t)cost;
    size_t nbytes = (size_t)(nw * 32);
    if (nbytes > sc->mem_cap) {
        size_t cap = sc->mem_cap ? sc->mem_cap * 2 : 4096;
        while (cap < nbytes)
            cap *= 2;
        uint8_t *m = realloc(sc->mem, cap);
        if (!m)
            return 0;
        sc->mem = m;
        sc->mem_cap = cap;
    }
    memset(sc->mem + *msize, 0, nbytes - *msize);
    *msize = nbytes;
    return 1;
}

/* Copy src[off .. off+len) into dst, zero-filling what lies past src_len (CALLDATACOPY,
 * CODECOPY, EXTCODECOPY). */
static void copy_padded(uint8_t *dst, const uint8_t *src, size_t src_len,
                        const struct bts_u256 *off, uint64_t len)
{
    uint64_t o = bts_u256_to_u64_sat(off);
    uint64_t n = 0;
    if (o < src_len)
        n = src_len - o < len ? src_len - o : len;
    if (n)
        memcpy(dst, src + o, n);
    if (n < len)
        memset(dst + n, 0, len - n);
}

/* PUSHn: the immediate p[0..n) as a word. The code is padded (analysis.c) so whole 64-bit
 * loads ending at p + n stay in bounds; bytes before p are masked off. */
static inline void push_n(struct bts_u256 *out, const uint8_t *p, unsigned n)
{
    const uint8_t *e = p + n;
    for (unsigned i = 0; i < 4; i++) {
        int avail = (int)n - 8 * (int)i;
        uint64_t w = 0;
        if (avail > 0) {
            w = bts_u256_be64_(e - 8 * (i + 1));
            if (avail < 8)
                w &= (1ull << (8 * avail)) - 1;
        }
        out->w[i] = w;
    }
}

/* a * b mod 2^256, schoolbook on 64-bit limbs with 128-bit products (the SDK's out-of-line
 * version costs a call per MUL). */
static inline void fast_mul(struct bts_u256 *out, const struct bts_u256 *a,
                            const struct bts_u256 *b)
{
    typedef unsigned __int128 u128;
    uint64_t a0 = a->w[0], a1 = a->w[1], a2 = a->w[2], a3 = a->w[3];
    uint64_t b0 = b->w[0], b1 = b->w[1], b2 = b->w[2], b3 = b->w[3];
    u128 t = (u128)a0 * b0;
    uint64_t r0 = (uint64_t)t, r1, r2, r3, k = (uint64_t)(t >> 64);
    t = (u128)a0 * b1 + k;
    r1 = (uint64_t)t, k = (uint64_t)(t >> 64);
    t = (u128)a0 * b2 + k;
    r2 = (uint64_t)t, k = (uint64_t)(t >> 64);
    r3 = a0 * b3 + k;
    t = (u128)a1 * b0 + r1;
    r1 = (uint64_t)t, k = (uint64_t)(t >> 64);
    t = (u128)a1 * b1 + r2 + k;
    r2 = (uint64_t)t, k = (uint64_t)(t >> 64);
    r3 += a1 * b2 + k;
    t = (u128)a2 * b0 + r2;
    r2 = (uint64_t)t, k = (uint64_t)(t >> 64);
    r3 += a2 * b1 + k + a3 * b0;
    out->w[0] = r0;
    out->w[1] = r1;
    out->w[2] = r2;
    out->w[3] = r3;
}

/* log2(b) if b is a power of two, else -1: DIV and MOD by powers of two (how pre-EIP-145
 * compilers shift) become shifts and masks. */
static inline int pow2_log(const struct bts_u256 *b)
{
    for (int i = 0; i < 4; i++) {
        uint64_t x = b->w[i];
        if (!x)
            continue;
        if (x & (x - 1))
            return -1;
        for (int j = i + 1; j < 4; j++) {
            if (b->w[j])
                return -1;
        }
        return 64 * i + __builtin_ctzll(x);
    }
    return -1;
}

/* SIGNEXTEND in place on x (the SDK's rule, inline: the out-of-line call and two word copies
 * cost more than the operation). */
static inline void fast_signextend(const struct bts_u256 *b, struct bts_u256 *x)
{
    if ((b->w[1] | b->w[2] | b->w[3]) != 0 || b->w[0] >= 31)
        return; /* bit 255 is already the sign */
    unsigned bit = 8u * (unsigned)b->w[0] + 7u, limb = bit / 64, off = bit % 64;
    uint64_t keep = ((uint64_t)2 << off) - 1; /* off == 63: 2 << 63 wraps, keep all */
    uint64_t fill = (uint64_t)0 - ((x->w[limb] >> off) & 1);
    x->w[limb] = (x->w[limb] & keep) | (fill & ~keep);
    for (unsigned i = limb + 1; i < 4; i++)
        x->w[i] = fill;
}

/* (hi:lo) / d with hi < d, so the quotient fits 64 bits: one hardware divide on x86-64 (the
 * compiler would call __udivmodti4 for a 128-bit dividend). */
static inline uint64_t div_2by1(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
    *rem = r;
    return q;
#else
    unsigned __int128 x = ((unsigned __int128)hi << 64) | lo;
    *rem = (uint64_t)(x % d);
    return (uint64_t)(x / d);
#endif
}

/* a / d and a % d for a 64-bit d != 0 (fixed-point code divides wide values by scales):
 * schoolbook over the four limbs, each step's remainder below d. */
static inline uint64_t divrem_u64(struct bts_u256 *q, const struct bts_u256 *a, uint64_t d)
{
    uint64_t r = 0;
    for (int i = 3; i >= 0; i--)
        q->w[i] = div_2by1(r, a->w[i], d, &r);
    return r;
}

static inline void fast_div(struct bts_u256 *out, const struct bts_u256 *a,
                            const struct bts_u256 *b)
{
    if ((a->w[1] | a->w[2] | a->w[3] | b->w[1] | b->w[2] | b->w[3]) == 0) {
        *out = bts_u256_from_u64(b->w[0] ? a->w[0] / b->w[0] : 0);
        return;
    }
    int k = pow2_log(b);
    if (k >= 0)
        bts_u256_shr(out, a, (uint64_t)k);
    else if ((b->w[1] | b->w[2] | b->w[3]) == 0 && b->w[0])
        divrem_u64(out, a, b->w[0]);
    else
        bts_u256_div(out, a, b);
}

/* ADDMOD and MULMOD by 2^k (k < 256), e.g. 2^64 in code emulating 64-bit arithmetic: 2^k
 * divides 2^256, so reducing the wrapped 256-bit result is exact. */
static inline void mask_low(struct bts_u256 *x, int k)
{
    for (int i = 0; i < 4; i++) {
        int lo = 64 * i;
        if (k <= lo)
            x->w[i] = 0;
        else if (k < lo + 64)
            x->w[i] &= (1ull << (k - lo)) - 1;
    }
}

static inline void fast_addmod(struct bts_u256 *out, const struct bts_u256 *a,
                               const struct bts_u256 *b, const struct bts_u256 *n,
                               struct bts_u256_modctx *ctx)
{
    int k = pow2_log(n);
    if (k < 0) {
        bts_u256_addmod_ctx(out, a, b, n, ctx);
        return;
    }
    bts_u256_add(out, a, b);
    mask_low(out, k);
}

static inline void fast_mulmod(struct bts_u256 *out, const struct bts_u256 *a,
                               const struct bts_u256 *b, const struct bts_u256 *n,
                               struct bts_u256_modctx *ctx)
{
    int k = pow2_log(n);
    if (k < 0) {
        bts_u256_mulmod_ctx(out, a, b, n, ctx);
        return;
    }
    fast_mul(out, a, b);
    mask_low(out, k);
}

/* SDIV when both operands fit in int64 (the common case of fixed-point code), else the SDK's.
 * INT64_MIN / -1 would overflow int64 and takes the slow path. */
static inline void fast_sdiv(struct bts_u256 *out, const struct bts_u256 *a,
                             const struct bts_u256 *b)
{
    uint64_t sa = (uint64_t)((int64_t)a->w[0] >> 63), sb = (uint64_t)((int64_t)b->w[0] >> 63);
    if (((a->w[1] ^ sa) | (a->w[2] ^ sa) | (a->w[3] ^ sa) | (b->w[1] ^ sb) | (b->w[2] ^ sb) |
         (b->w[3] ^ sb)) == 0 &&
        a->w[0] != (1ull << 63)) {
        int64_t x = (int64_t)a->w[0], y = (int64_t)b->w[0];
        int64_t q = y ? x / y : 0;
        uint64_t s = (uint64_t)(q >> 63);
        out->w[0] = (uint64_t)q;
        out->w[1] = out->w[2] = out->w[3] = s;
        return;
    }
    bts_u256_sdiv(out, a, b);
}

/* Memory words: four unaligned 64-bit loads or stores with byte swaps, straight between memory
 * and the stack (a 32-byte temporary would be written in 8-byte pieces and read back in 16-byte
 * ones, which store forwarding cannot serve). */
static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return __builtin_bswap64(w);
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}

static inline void load_word(struct bts_u256 *out, const uint8_t *p)
{
    out->w[3] = load_be64(p);
    out->w[2] = load_be64(p + 8);
    out->w[1] = load_be64(p + 16);
    out->w[0] = load_be64(p + 24);
}

static inline void store_word(uint8_t *p, const struct bts_u256 *v)
{
    store_be64(p, v->w[3]);
    store_be64(p + 8, v->w[2]);
    store_be64(p + 16, v->w[1]);
    store_be64(p + 24, v->w[0]);
}

/* Stack words move as four 64-bit limbs through general registers. Most producers write a
 * word limb by limb; copying it with 16-byte vector loads (what the compiler would make of a
 * struct copy) reads across two 8-byte stores, which store forwarding cannot serve: a stall of
 * a dozen cycles on every DUP and SWAP right after arithmetic. The empty asm keeps the limbs in
 * general registers. */
static inline void copy_word(struct bts_u256 *dst, const struct bts_u256 *src)
{
    uint64_t a = src->w[0], b = src->w[1], c = src->w[2], d = src->w[3];
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    dst->w[0] = a;
    dst->w[1] = b;
    dst->w[2] = c;
    dst->w[3] = d;
}

static inline void swap_words(struct bts_u256 *x, struct bts_u256 *y)
{
    uint64_t a = x->w[0], b = x->w[1], c = x->w[2], d = x->w[3];
    uint64_t e = y->w[0], f = y->w[1], g = y->w[2], h = y->w[3];
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f), "+r"(g), "+r"(h));
    x->w[0] = e;
    x->w[1] = f;
    x->w[2] = g;
    x->w[3] = h;
    y->w[0] = a;
    y->w[1] = b;
    y->w[2] = c;
    y->w[3] = d;
}

/* AND, OR, XOR limb by limb in general registers (see copy_word). */
#define BITWISE(name, opr)                                                                         \
    static inline void name(struct bts_u256 *out, const struct bts_u256 *a,                        \
                            const struct bts_u256 *b)                                              \
    {                                                                                              \
        uint64_t a0 = a->w[0], a1 = a->w[1], a2 = a->w[2], a3 = a->w[3];                           \
        uint64_t b0 = b->w[0], b1 = b->w[1], b2 = b->w[2], b3 = b->w[3];                           \
        __asm__(""                                                                                 \
                : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3)); \
        out->w[0] = a0 opr b0;                                                                     \
        out->w[1] = a1 opr b1;                                                                     \
        out->w[2] = a2 opr b2;                                                                     \
        out->w[3] = a3 opr b3;                                                                     \
    }
BITWISE(fast_and, &)
BITWISE(fast_or, |)
BITWISE(fast_xor, ^)
#undef BITWISE

static inline void fast_mod(struct bts_u256 *out, const struct bts_u256 *a,
                            const struct bts_u256 *b)
{
    if ((a->w[1] | a->w[2] | a->w[3] | b->w[1] | b->w[2] | b->w[3]) == 0) {
        *out = bts_u256_from_u64(b->w[0] ? a->w[0] % b->w[0] : 0);
        return;
    }
    int k = pow2_log(b);
    if (k >= 0) {
        struct bts_u256 one = bts_u256_from_u64(1), mask;
        bts_u256_shl(&mask, &one, (uint64_t)k);
        bts_u256_sub(&mask, &mask, &one);
        bts_u256_and(out, a, &mask);
    } else if ((b->w[1] | b->w[2] | b->w[3]) == 0 && b->w[0]) {
        struct bts_u256 q;
        *out = bts_u256_from_u64(divrem_u64(&q, a, b->w[0]));
    } else {
        bts_u256_mod(out, a, b);
    }
}

static int copy_ret(struct evm_scratch *sc, const uint8_t *p, size_t n)
{
    if (n > sc->ret_cap) {
        size_t cap = sc->ret_cap ? sc->ret_cap : 256;
        while (cap < n)
            cap *= 2;
        uint8_t *r = realloc(sc->ret, cap);
        if (!r)
            return 0;
        sc->ret = r;
        sc->ret_cap = cap;
    }
    if (n)
        memcpy(sc->ret, p, n);
    sc->ret_len = n;
    return 1;
}

/* The untraced interpreter, then the traced one (trace.c has the step reporting). */
#define INTERP_NAME   interpret_plain
#define INTERP_TRACED 0
#include "interp_body.h"
#undef INTERP_NAME
#undef INTERP_TRACED
#define INTERP_NAME   interpret_traced
#define INTERP_TRACED 1
#include "interp_body.h"
#undef INTERP_NAME
#undef INTERP_TRACED

/* One test per call frame picks the interpreter: the untraced loop has no tracing branch. */
void evm_interpret(struct evm_ctx *c, const struct evm_msg *m, const struct evm_code *code,
                   struct evm_frame_result *r)
{
    if (__builtin_expect(c->tracer != NULL, 0))
        interpret_traced(c, m, code, r);
    else
        interpret_plain(c, m, code, r);
}
