/* A GMP model of every bts_u256 operation, shared by the randomized test (test_u256_gmp.c) and
 * the fuzz target (tests/fuzz/fuzz_u256.c): u256_ref_check() runs all operations on one triple
 * of operands and names the first one whose result differs from GMP's. The model is written
 * from the Yellow Paper's definitions (appendix H), not from the code under test. */
#ifndef BTS_TEST_U256_REF_H
#define BTS_TEST_U256_REF_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include <bts/u256.h>

/* z = a as an unsigned integer. */
static inline void ref_get(mpz_t z, const struct bts_u256 *a)
{
    mpz_import(z, 4, -1, sizeof(uint64_t), 0, 0, a->w);
}

/* z = a read as two's complement. */
static inline void ref_get_signed(mpz_t z, const struct bts_u256 *a)
{
    ref_get(z, a);
    if (bts_u256_is_neg(a)) {
        mpz_t t;
        mpz_init(t);
        mpz_setbit(t, 256);
        mpz_sub(z, z, t);
        mpz_clear(t);
    }
}

/* out = z mod 2^256 (z may be negative). */
static inline void ref_put(struct bts_u256 *out, const mpz_t z)
{
    mpz_t t;
    mpz_init(t);
    mpz_fdiv_r_2exp(t, z, 256);
    memset(out, 0, sizeof(*out));
    mpz_export(out->w, NULL, -1, sizeof(uint64_t), 0, 0, t);
    mpz_clear(t);
}

/* Writes a printf-style description of a failure into why and returns 1. */
static inline int ref_fail(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int ref_fail(char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
    return 1;
}

/* Reports a mismatch into why (op name and operands in hex) and returns 1; 0 when equal. */
static inline int ref_differs(char *why, size_t why_len, const char *op, const struct bts_u256 *got,
                              const struct bts_u256 *want, const struct bts_u256 *a,
                              const struct bts_u256 *b, const struct bts_u256 *c)
{
    if (bts_u256_eq(got, want))
        return 0;
    char ha[BTS_U256_HEX_MAX], hb[BTS_U256_HEX_MAX], hc[BTS_U256_HEX_MAX];
    char hg[BTS_U256_HEX_MAX], hw[BTS_U256_HEX_MAX];
    bts_u256_to_hex(ha, a);
    bts_u256_to_hex(hb, b);
    bts_u256_to_hex(hc, c);
    bts_u256_to_hex(hg, got);
    bts_u256_to_hex(hw, want);
    snprintf(why, why_len, "%s: a=%s b=%s c=%s got=%s want=%s", op, ha, hb, hc, hg, hw);
    return 1;
}

/* The binary operations checked on (a, b); ADDMOD and MULMOD also use c. */
enum ref_op {
    REF_ADD,
    REF_SUB,
    REF_MUL,
    REF_DIV,
    REF_MOD,
    REF_SDIV,
    REF_SMOD,
    REF_ADDMOD,
    REF_MULMOD,
    REF_EXP,
    REF_SHL,
    REF_SHR,
    REF_SAR,
    REF_BYTE,
    REF_SIGNEXTEND,
    REF_N_OPS
};

static const char *const ref_op_names[REF_N_OPS] = {
    "add",    "sub", "mul", "div", "mod", "sdiv", "smod",      "addmod",
    "mulmod", "exp", "shl", "shr", "sar", "byte", "signextend"};

/* GMP's answer for op on (a, b, c), EVM semantics. */
static inline void ref_eval(struct bts_u256 *out, enum ref_op op, const struct bts_u256 *a,
                            const struct bts_u256 *b, const struct bts_u256 *c)
{
    mpz_t x, y, z, r;
    mpz_inits(x, y, z, r, NULL);
    ref_get(x, a);
    ref_get(y, b);
    ref_get(z, c);
    uint64_t n = bts_u256_to_u64_sat(a); /* shift amount / index: EVM operand order */
    switch (op) {
    case REF_ADD:
        mpz_add(r, x, y);
        break;
    case REF_SUB:
        mpz_sub(r, x, y);
        break;
    case REF_MUL:
        mpz_mul(r, x, y);
        break;
    case REF_DIV:
        if (mpz_sgn(y))
            mpz_tdiv_q(r, x, y);
        break;
    case REF_MOD:
        if (mpz_sgn(y))
            mpz_tdiv_r(r, x, y);
        break;
    case REF_SDIV:
    case REF_SMOD:
        ref_get_signed(x, a);
        ref_get_signed(y, b);
        if (mpz_sgn(y) && op == REF_SDIV)
            mpz_tdiv_q(r, x, y); /* truncation toward zero */
        else if (mpz_sgn(y))
            mpz_tdiv_r(r, x, y); /* the remainder takes the dividend's sign */
        break;
    case REF_ADDMOD:
        if (mpz_sgn(z)) {
            mpz_add(r, x, y);
            mpz_mod(r, r, z);
        }
        break;
    case REF_MULMOD:
        if (mpz_sgn(z)) {
            mpz_mul(r, x, y);
            mpz_mod(r, r, z);
        }
        break;
    case REF_EXP:
        mpz_set_ui(z, 0);
        mpz_setbit(z, 256);
        mpz_powm(r, x, y, z);
        if (mpz_sgn(y) == 0)
            mpz_set_ui(r, 1);
        break;
    case REF_SHL: /* SHL(shift = a, value = b) */
        if (n < 256)
            mpz_mul_2exp(r, y, n);
        break;
    case REF_SHR:
        if (n < 256)
            mpz_fdiv_q_2exp(r, y, n);
        break;
    case REF_SAR:
        ref_get_signed(y, b);
        mpz_fdiv_q_2exp(r, y, n < 256 ? n : 256); /* floor: -1 for every negative at >= 256 */
        break;
    case REF_BYTE: /* BYTE(i = a, x = b) */
        if (n < 32) {
            mpz_fdiv_q_2exp(r, y, 8 * (31 - n));
            mpz_fdiv_r_2exp(r, r, 8);
        }
        break;
    case REF_SIGNEXTEND: /* SIGNEXTEND(k = a, x = b) */
        if (n >= 31) {
            mpz_set(r, y);
        } else {
            mpz_fdiv_r_2exp(r, y, 8 * n + 8);
            if (mpz_tstbit(r, 8 * n + 7)) {
                mpz_set_ui(z, 0);
                mpz_setbit(z, 8 * n + 8);
                mpz_sub(r, r, z);
            }
        }
        break;
    case REF_N_OPS:
        break;
    }
    ref_put(out, r);
    mpz_clears(x, y, z, r, NULL);
}

/* The library's answer for op on (a, b, c). */
static inline void ref_lib(struct bts_u256 *out, enum ref_op op, const struct bts_u256 *a,
                           const struct bts_u256 *b, const struct bts_u256 *c)
{
    uint64_t n = bts_u256_to_u64_sat(a);
    switch (op) {
    case REF_ADD:
        bts_u256_add(out, a, b);
        break;
    case REF_SUB:
        bts_u256_sub(out, a, b);
        break;
    case REF_MUL:
        bts_u256_mul(out, a, b);
        break;
    case REF_DIV:
        bts_u256_div(out, a, b);
        break;
    case REF_MOD:
        bts_u256_mod(out, a, b);
        break;
    case REF_SDIV:
        bts_u256_sdiv(out, a, b);
        break;
    case REF_SMOD:
        bts_u256_smod(out, a, b);
        break;
    case REF_ADDMOD:
        bts_u256_addmod(out, a, b, c);
        break;
    case REF_MULMOD:
        bts_u256_mulmod(out, a, b, c);
        break;
    case REF_EXP:
        bts_u256_exp(out, a, b);
        break;
    case REF_SHL:
        bts_u256_shl(out, b, n);
        break;
    case REF_SHR:
        bts_u256_shr(out, b, n);
        break;
    case REF_SAR:
        bts_u256_sar(out, b, n);
        break;
    case REF_BYTE:
        bts_u256_byte(out, a, b);
        break;
    case REF_SIGNEXTEND:
        bts_u256_signextend(out, a, b);
        break;
    case REF_N_OPS:
        *out = bts_u256_from_u64(0);
        break;
    }
}

/* Predicates and sizes, folded into one value per operation so they share the report path. */
static inline int ref_check_predicates(char *why, size_t why_len, const struct bts_u256 *a,
                                       const struct bts_u256 *b, const struct bts_u256 *c)
{
    mpz_t x, y, sx, sy;
    mpz_inits(x, y, sx, sy, NULL);
    ref_get(x, a);
    ref_get(y, b);
    ref_get_signed(sx, a);
    ref_get_signed(sy, b);
    struct {
        const char *name;
        uint64_t got, want;
    } v[] = {
        {"lt", (uint64_t)bts_u256_lt(a, b), mpz_cmp(x, y) < 0},
        {"gt", (uint64_t)bts_u256_gt(a, b), mpz_cmp(x, y) > 0},
        {"eq", (uint64_t)bts_u256_eq(a, b), mpz_cmp(x, y) == 0},
        {"cmp", (uint64_t)(int64_t)bts_u256_cmp(a, b),
         (uint64_t)(int64_t)((mpz_cmp(x, y) > 0) - (mpz_cmp(x, y) < 0))},
        {"slt", (uint64_t)bts_u256_slt(a, b), mpz_cmp(sx, sy) < 0},
        {"sgt", (uint64_t)bts_u256_sgt(a, b), mpz_cmp(sx, sy) > 0},
        {"is_zero", (uint64_t)bts_u256_is_zero(a), mpz_sgn(x) == 0},
        {"bit_len", bts_u256_bit_len(a), mpz_sgn(x) ? mpz_sizeinbase(x, 2) : 0},
        {"byte_len", bts_u256_byte_len(a), mpz_sgn(x) ? (mpz_sizeinbase(x, 2) + 7) / 8 : 0},
        {"fits_u64", (uint64_t)bts_u256_fits_u64(a), mpz_sizeinbase(x, 2) <= 64},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) && !bad; i++) {
        if (v[i].got != v[i].want) {
            struct bts_u256 g = bts_u256_from_u64(v[i].got), w = bts_u256_from_u64(v[i].want);
            bad = ref_differs(why, why_len, v[i].name, &g, &w, a, b, c);
        }
    }
    mpz_clears(x, y, sx, sy, NULL);
    return bad;
}

/* The 512-bit product, quotient/remainder consistency and the text and byte round trips. */
static inline int ref_check_misc(char *why, size_t why_len, const struct bts_u256 *a,
                                 const struct bts_u256 *b, const struct bts_u256 *c)
{
    int bad = 0;
    mpz_t x, y, p, g;
    mpz_inits(x, y, p, g, NULL);
    ref_get(x, a);
    ref_get(y, b);

    uint64_t full[8];
    bts_u256_mul_full(full, a, b);
    mpz_mul(p, x, y);
    mpz_import(g, 8, -1, sizeof(uint64_t), 0, 0, full);
    if (mpz_cmp(g, p) != 0) {
        struct bts_u256 lo = {{full[0], full[1], full[2], full[3]}};
        struct bts_u256 hi = {{full[4], full[5], full[6], full[7]}};
        bad = ref_differs(why, why_len, "mul_full (got lo, want hi)", &lo, &hi, a, b, c);
    }

    struct bts_u256 q, r, chk;
    bts_u256_divmod(&q, &r, a, b);
    struct bts_u256 q2, r2;
    bts_u256_div(&q2, a, b);
    bts_u256_mod(&r2, a, b);
    if (!bad)
        bad = ref_differs(why, why_len, "divmod q", &q, &q2, a, b, c);
    if (!bad)
        bad = ref_differs(why, why_len, "divmod r", &r, &r2, a, b, c);

    char dec[BTS_U256_DEC_MAX], hex[BTS_U256_HEX_MAX];
    size_t dn = bts_u256_to_dec(dec, a), hn = bts_u256_to_hex(hex, a);
    char *want_dec = mpz_get_str(NULL, 10, x), *want_hex = mpz_get_str(NULL, 16, x);
    if (!bad && (dn != strlen(dec) || strcmp(dec, want_dec) != 0))
        bad = ref_fail(why, why_len, "to_dec: got %s want %s", dec, want_dec);
    if (!bad && (hn != strlen(hex) || strncmp(hex, "0x", 2) != 0 || strcmp(hex + 2, want_hex)))
        bad = ref_fail(why, why_len, "to_hex: got %s want 0x%s", hex, want_hex);
    free(want_dec);
    free(want_hex);
    if (!bad && (bts_u256_from_dec(&chk, dec, dn) != BT_OK || !bts_u256_eq(&chk, a)))
        bad = ref_fail(why, why_len, "from_dec round trip of %s", dec);
    if (!bad && (bts_u256_from_hex(&chk, hex, hn) != BT_OK || !bts_u256_eq(&chk, a)))
        bad = ref_fail(why, why_len, "from_hex round trip of %s", hex);

    uint8_t be[32];
    bts_u256_store_be(be, a);
    mpz_import(g, 32, 1, 1, 1, 0, be);
    if (!bad && mpz_cmp(g, x) != 0)
        bad = ref_fail(why, why_len, "store_be of %s", hex);
    bts_u256_load_be(&chk, be);
    if (!bad)
        bad = ref_differs(why, why_len, "load_be", &chk, a, a, b, c);

    mpz_clears(x, y, p, g, NULL);
    return bad;
}

/* Runs every check on (a, b, c). Returns 0 when the library agrees with GMP, else 1 with a
 * description of the first disagreement in why. */
static inline int u256_ref_check(char *why, size_t why_len, const struct bts_u256 *a,
                                 const struct bts_u256 *b, const struct bts_u256 *c)
{
    why[0] = '\0';
    for (int op = 0; op < REF_N_OPS; op++) {
        struct bts_u256 got, want;
        ref_lib(&got, (enum ref_op)op, a, b, c);
        ref_eval(&want, (enum ref_op)op, a, b, c);
        if (ref_differs(why, why_len, ref_op_names[op], &got, &want, a, b, c))
            return 1;
        /* The same operation with the output aliasing the first operand. */
        struct bts_u256 alias = *a;
        ref_lib(&alias, (enum ref_op)op, &alias, b, c);
        if (ref_differs(why, why_len, ref_op_names[op], &alias, &want, a, b, c))
            return 1;
        alias = *b;
        ref_lib(&alias, (enum ref_op)op, a, &alias, c);
        if (ref_differs(why, why_len, ref_op_names[op], &alias, &want, a, b, c))
            return 1;
    }
    return ref_check_predicates(why, why_len, a, b, c) || ref_check_misc(why, why_len, a, b, c);
}

#endif /* BTS_TEST_U256_REF_H */
