/* The Barrett kernel of MULMOD by a 4-limb modulus (included by u256_div.c only): the product and
 * its reduction in one pass, every limb in a local. Two versions of the same steps: portable C
 * with 128-bit products, and x86-64 inline assembly with BMI2 MULX and ADX ADCX/ADOX (two
 * independent carry chains per row, about half the instructions of what GCC makes of the C),
 * chosen at run time from CPUID. Needs <bts/u256.h> and struct bts_u256_modctx's fields. */
#ifndef BTS_U256_BARRETT_H
#define BTS_U256_BARRETT_H

typedef unsigned __int128 u128;

/* The end of both Barrett kernels: r = (x - t mod b^5) reduced below m, where x - t, the
 * remainder plus at most three times m, is below 4m. */
static inline void barrett_finish(uint64_t r[4], uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
                                  uint64_t x4, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3,
                                  uint64_t t4, const struct bts_u256_modctx *ctx)
{
    const uint64_t m0 = ctx->m.w[0], m1 = ctx->m.w[1], m2 = ctx->m.w[2], m3 = ctx->m.w[3];
    u128 d = (u128)x0 - t0;
    x0 = (uint64_t)d;
    d = (u128)x1 - t1 - (uint64_t)(d >> 127);
    x1 = (uint64_t)d;
    d = (u128)x2 - t2 - (uint64_t)(d >> 127);
    x2 = (uint64_t)d;
    d = (u128)x3 - t3 - (uint64_t)(d >> 127);
    x3 = (uint64_t)d;
    x4 = x4 - t4 - (uint64_t)(d >> 127);

    /* Subtract m while x >= m: for a field prime and reduced operands almost never, for other
     * moduli zero or one time at random, so the first round is a select, not a branch. */
    for (int round = 0;; round++) {
        d = (u128)x0 - m0;
        uint64_t y0 = (uint64_t)d;
        d = (u128)x1 - m1 - (uint64_t)(d >> 127);
        uint64_t y1 = (uint64_t)d;
        d = (u128)x2 - m2 - (uint64_t)(d >> 127);
        uint64_t y2 = (uint64_t)d;
        d = (u128)x3 - m3 - (uint64_t)(d >> 127);
        uint64_t y3 = (uint64_t)d;
        d = (u128)x4 - (uint64_t)(d >> 127);
        uint64_t keep = (uint64_t)0 - (uint64_t)(d >> 127); /* all ones when x < m */
        if (round > 0 && keep)
            break;
        x0 = (x0 & keep) | (y0 & ~keep);
        x1 = (x1 & keep) | (y1 & ~keep);
        x2 = (x2 & keep) | (y2 & ~keep);
        x3 = (x3 & keep) | (y3 & ~keep);
        x4 = (x4 & keep) | ((uint64_t)d & ~keep);
    }
    r[0] = x0;
    r[1] = x1;
    r[2] = x2;
    r[3] = x3;
}

/* One multiply-accumulate step of a row of a schoolbook product: (hi:lo) = x * y + acc + carry
 * cannot overflow 128 bits, and GCC compiles it to a mul and two add/adc pairs. */
#define MAC(lo, carry, x, y, acc)                                                                  \
    do {                                                                                           \
        u128 t_ = (u128)(x) * (y) + (acc) + (carry);                                               \
        (lo) = (uint64_t)t_;                                                                       \
        (carry) = (uint64_t)(t_ >> 64);                                                            \
    } while (0)

/* r = a * b mod m for a 4-limb m prepared in ctx (MULMOD by a 256-bit modulus, the
 * field-arithmetic case), multiplication and reduction in one pass with every limb in a local.
 * The reduction is Barrett's (HAC algorithm 14.42, b = 2^64, k = 4) on the 512-bit product x:
 * q = floor(floor(x / b^3) * mu / b^5) underestimates floor(x / m) by at most 2, and by at most
 * one more because the products below b^3 in that multiplication are left out (together below
 * 3 b^4 < b^5, as in HAC note 14.44), so x - q m, computed mod b^5, is below 4m and a few
 * subtractions finish it. a, b and r may alias. */
static inline void mulmod_barrett_c(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                                    const struct bts_u256_modctx *ctx)
{
    const uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    const uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    uint64_t x0, x1, x2, x3, x4, x5, x6, x7, c;

    /* x = a * b, row by row */
    c = 0;
    MAC(x0, c, a0, b0, 0);
    MAC(x1, c, a0, b1, 0);
    MAC(x2, c, a0, b2, 0);
    MAC(x3, c, a0, b3, 0);
    x4 = c;
    c = 0;
    MAC(x1, c, a1, b0, x1);
    MAC(x2, c, a1, b1, x2);
    MAC(x3, c, a1, b2, x3);
    MAC(x4, c, a1, b3, x4);
    x5 = c;
    c = 0;
    MAC(x2, c, a2, b0, x2);
    MAC(x3, c, a2, b1, x3);
    MAC(x4, c, a2, b2, x4);
    MAC(x5, c, a2, b3, x5);
    x6 = c;
    c = 0;
    MAC(x3, c, a3, b0, x3);
    MAC(x4, c, a3, b1, x4);
    MAC(x5, c, a3, b2, x5);
    MAC(x6, c, a3, b3, x6);
    x7 = c;

    /* (x3..x7) * mu: the limbs at b^3 and up of the rows' products at b^3 and up; the limbs
     * at b^5..b^9 form q. Row i (x(3+i) times mu) starts at limb i, its products below limb 3
     * are the ones left out. */
    const uint64_t u0 = ctx->mu[0], u1 = ctx->mu[1], u2 = ctx->mu[2], u3 = ctx->mu[3],
                   u4 = ctx->mu[4];
    uint64_t s3, s4, s5, s6, s7, s8, s9, lo;
    /* row 0 (x3): mu3, mu4 land at limbs 3, 4 */
    c = 0;
    MAC(s3, c, x3, u3, 0);
    MAC(s4, c, x3, u4, 0);
    s5 = c;
    /* row 1 (x4): mu2..mu4 at limbs 3..5 */
    c = 0;
    MAC(s3, c, x4, u2, s3);
    MAC(s4, c, x4, u3, s4);
    MAC(s5, c, x4, u4, s5);
    s6 = c;
    /* row 2 (x5): mu1..mu4 at limbs 3..6 */
    c = 0;
    MAC(s3, c, x5, u1, s3);
    MAC(s4, c, x5, u2, s4);
    MAC(s5, c, x5, u3, s5);
    MAC(s6, c, x5, u4, s6);
    s7 = c;
    /* row 3 (x6): mu0..mu4 at limbs 3..7 */
    c = 0;
    MAC(s3, c, x6, u0, s3);
    MAC(s4, c, x6, u1, s4);
    MAC(s5, c, x6, u2, s5);
    MAC(s6, c, x6, u3, s6);
    MAC(s7, c, x6, u4, s7);
    s8 = c;
    /* row 4 (x7): mu0..mu4 at limbs 4..8 */
    c = 0;
    MAC(lo, c, x7, u0, s4);
    MAC(s5, c, x7, u1, s5);
    MAC(s6, c, x7, u2, s6);
    MAC(s7, c, x7, u3, s7);
    MAC(s8, c, x7, u4, s8);
    s9 = c;
    (void)s3;
    (void)lo;
    const uint64_t q0 = s5, q1 = s6, q2 = s7, q3 = s8, q4 = s9;

    /* t = q * m mod b^5 */
    const uint64_t m0 = ctx->m.w[0], m1 = ctx->m.w[1], m2 = ctx->m.w[2], m3 = ctx->m.w[3];
    uint64_t t0, t1, t2, t3, t4;
    c = 0;
    MAC(t0, c, q0, m0, 0);
    MAC(t1, c, q0, m1, 0);
    MAC(t2, c, q0, m2, 0);
    MAC(t3, c, q0, m3, 0);
    t4 = c;
    c = 0;
    MAC(t1, c, q1, m0, t1);
    MAC(t2, c, q1, m1, t2);
    MAC(t3, c, q1, m2, t3);
    t4 += c + q1 * m3;
    c = 0;
    MAC(t2, c, q2, m0, t2);
    MAC(t3, c, q2, m1, t3);
    t4 += c + q2 * m2;
    c = 0;
    MAC(t3, c, q3, m0, t3);
    t4 += c + q3 * m1 + q4 * m0;

    barrett_finish(r, x0, x1, x2, x3, x4, t0, t1, t2, t3, t4, ctx);
}
#undef MAC

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BTS_U256_HAVE_ADX_KERNEL 1
#include <cpuid.h>
#include <stdatomic.h>
#include <stddef.h>

/* bts_u256_barrett_adx_(r, a, b, ctx): mulmod_barrett_c's steps as a leaf function in x86-64
 * assembly (System V: rdi = r, rsi = a, rdx = b, rcx = ctx), every limb in a register:
 * MULX products added through two independent carry chains per row, ADCX for the low limbs
 * and ADOX for the high ones (the pattern of Intel's white paper "New instructions supporting
 * large integer arithmetic"), which is about half the instructions of what GCC makes of the C
 * version and no spills. Same bounds and same steps as the C version, which the tests compare
 * it with; for a modulus below 2^254 (ctx->adx == 2: BN254's field and group orders, for
 * instance) the quotient times m and the final subtractions are done mod b^4, which the bound
 * x - q m < 4m < 2^256 allows. ctx offsets: m.w at 0, mu at 72, adx at 120 (checked below). a,
 * b and r may alias: r is written last. */
_Static_assert(offsetof(struct bts_u256_modctx, m) == 0, "ctx->m offset used by the assembly");
_Static_assert(offsetof(struct bts_u256_modctx, mu) == 72, "ctx->mu offset used by the assembly");
_Static_assert(offsetof(struct bts_u256_modctx, adx) == 120,
               "ctx->adx offset used by the assembly");
__attribute__((visibility("hidden"))) void bts_u256_barrett_adx_(uint64_t r[4], const uint64_t a[4],
                                                                 const uint64_t b[4],
                                                                 const struct bts_u256_modctx *ctx);
__asm__(".pushsection .text\n"
        ".globl bts_u256_barrett_adx_\n"
        ".hidden bts_u256_barrett_adx_\n"
        ".type bts_u256_barrett_adx_, @function\n"
        ".p2align 4\n"
        "bts_u256_barrett_adx_:\n"
        "    push %rbx\n"
        "    push %rbp\n"
        "    push %r12\n"
        "    push %r13\n"
        "    push %r14\n"
        "    push %r15\n"
        "    sub $40, %rsp\n"
        "mov %rdx, %rbp\n"
        /* x = a * b into r8..r15: row 0 with one ADD/ADC chain, rows 1..3 with two */
        "mov (%rsi), %rdx\n"
        "mulx (%rbp), %r8, %r9\n"
        "mulx 8(%rbp), %rax, %r10\n"
        "add %rax, %r9\n"
        "mulx 16(%rbp), %rax, %r11\n"
        "adc %rax, %r10\n"
        "mulx 24(%rbp), %rax, %r12\n"
        "adc %rax, %r11\n"
        "adc $0, %r12\n"
        "mov 8(%rsi), %rdx\n"
        "xor %r13d, %r13d\n"
        "mulx (%rbp), %rax, %rbx\n"
        "adcx %rax, %r9\n"
        "adox %rbx, %r10\n"
        "mulx 8(%rbp), %rax, %rbx\n"
        "adcx %rax, %r10\n"
        "adox %rbx, %r11\n"
        "mulx 16(%rbp), %rax, %rbx\n"
        "adcx %rax, %r11\n"
        "adox %rbx, %r12\n"
        "mulx 24(%rbp), %rax, %rbx\n"
        "adcx %rax, %r12\n"
        "adox %rbx, %r13\n"
        "adc $0, %r13\n"
        "mov 16(%rsi), %rdx\n"
        "xor %r14d, %r14d\n"
        "mulx (%rbp), %rax, %rbx\n"
        "adcx %rax, %r10\n"
        "adox %rbx, %r11\n"
        "mulx 8(%rbp), %rax, %rbx\n"
        "adcx %rax, %r11\n"
        "adox %rbx, %r12\n"
        "mulx 16(%rbp), %rax, %rbx\n"
        "adcx %rax, %r12\n"
        "adox %rbx, %r13\n"
        "mulx 24(%rbp), %rax, %rbx\n"
        "adcx %rax, %r13\n"
        "adox %rbx, %r14\n"
        "adc $0, %r14\n"
        "mov 24(%rsi), %rdx\n"
        "xor %r15d, %r15d\n"
        "mulx (%rbp), %rax, %rbx\n"
        "adcx %rax, %r11\n"
        "adox %rbx, %r12\n"
        "mulx 8(%rbp), %rax, %rbx\n"
        "adcx %rax, %r12\n"
        "adox %rbx, %r13\n"
        "mulx 16(%rbp), %rax, %rbx\n"
        "adcx %rax, %r13\n"
        "adox %rbx, %r14\n"
        "mulx 24(%rbp), %rax, %rbx\n"
        "adcx %rax, %r14\n"
        "adox %rbx, %r15\n"
        "adc $0, %r15\n"
        "mov %r8, (%rsp)\n"
        "mov %r9, 8(%rsp)\n"
        "mov %r10, 16(%rsp)\n"
        "mov %r11, 24(%rsp)\n"
        "mov %r12, 32(%rsp)\n"
        /* s = (x3..x7) * mu from limb 3 up: s3 r8, s4 r9, s5 r10, s6 rsi, s7 rbp, s8 r11, s9 r12 */
        "mov %r11, %rdx\n"
        "mulx 96(%rcx), %r8, %r9\n"
        "mulx 104(%rcx), %rax, %r10\n"
        "add %rax, %r9\n"
        "adc $0, %r10\n"
        "mov %r12, %rdx\n"
        "xor %esi, %esi\n"
        "mulx 88(%rcx), %rax, %rbx\n"
        "adcx %rax, %r8\n"
        "adox %rbx, %r9\n"
        "mulx 96(%rcx), %rax, %rbx\n"
        "adcx %rax, %r9\n"
        "adox %rbx, %r10\n"
        "mulx 104(%rcx), %rax, %rbx\n"
        "adcx %rax, %r10\n"
        "adox %rbx, %rsi\n"
        "adc $0, %rsi\n"
        "mov %r13, %rdx\n"
        "xor %ebp, %ebp\n"
        "mulx 80(%rcx), %rax, %rbx\n"
        "adcx %rax, %r8\n"
        "adox %rbx, %r9\n"
        "mulx 88(%rcx), %rax, %rbx\n"
        "adcx %rax, %r9\n"
        "adox %rbx, %r10\n"
        "mulx 96(%rcx), %rax, %rbx\n"
        "adcx %rax, %r10\n"
        "adox %rbx, %rsi\n"
        "mulx 104(%rcx), %rax, %rbx\n"
        "adcx %rax, %rsi\n"
        "adox %rbx, %rbp\n"
        "adc $0, %rbp\n"
        "mov %r14, %rdx\n"
        "xor %r11d, %r11d\n"
        "mulx 72(%rcx), %rax, %rbx\n"
        "adcx %rax, %r8\n"
        "adox %rbx, %r9\n"
        "mulx 80(%rcx), %rax, %rbx\n"
        "adcx %rax, %r9\n"
        "adox %rbx, %r10\n"
        "mulx 88(%rcx), %rax, %rbx\n"
        "adcx %rax, %r10\n"
        "adox %rbx, %rsi\n"
        "mulx 96(%rcx), %rax, %rbx\n"
        "adcx %rax, %rsi\n"
        "adox %rbx, %rbp\n"
        "mulx 104(%rcx), %rax, %rbx\n"
        "adcx %rax, %rbp\n"
        "adox %rbx, %r11\n"
        "adc $0, %r11\n"
        "mov %r15, %rdx\n"
        "xor %r12d, %r12d\n"
        "mulx 72(%rcx), %rax, %rbx\n"
        "adcx %rax, %r9\n"
        "adox %rbx, %r10\n"
        "mulx 80(%rcx), %rax, %rbx\n"
        "adcx %rax, %r10\n"
        "adox %rbx, %rsi\n"
        "mulx 88(%rcx), %rax, %rbx\n"
        "adcx %rax, %rsi\n"
        "adox %rbx, %rbp\n"
        "mulx 96(%rcx), %rax, %rbx\n"
        "adcx %rax, %rbp\n"
        "adox %rbx, %r11\n"
        "mulx 104(%rcx), %rax, %rbx\n"
        "adcx %rax, %r11\n"
        "adox %rbx, %r12\n"
        "adc $0, %r12\n"
        /* ctx->adx == 2: m < 2^254, so the remainder plus 3m is below 2^256 and all that
         * follows can work mod b^4 (label 3) */
        "cmpl $2, 120(%rcx)\n"
        "je 3f\n"
        /* q = (r10, rsi, rbp, r11, r12); t = q * m mod b^5 into r8, r9, r13, r14, r15 */
        "mov %r10, %rdx\n"
        "mulx (%rcx), %r8, %r9\n"
        "mulx 8(%rcx), %rax, %r13\n"
        "add %rax, %r9\n"
        "mulx 16(%rcx), %rax, %r14\n"
        "adc %rax, %r13\n"
        "mulx 24(%rcx), %rax, %r15\n"
        "adc %rax, %r14\n"
        "adc $0, %r15\n"
        "mov %rsi, %rdx\n"
        "mov %rsi, %r10\n"
        "imul 24(%rcx), %r10\n"
        "xor %eax, %eax\n"
        "mulx (%rcx), %rax, %rbx\n"
        "adcx %rax, %r9\n"
        "adox %rbx, %r13\n"
        "mulx 8(%rcx), %rax, %rbx\n"
        "adcx %rax, %r13\n"
        "adox %rbx, %r14\n"
        "mulx 16(%rcx), %rax, %rbx\n"
        "adcx %rax, %r14\n"
        "adox %rbx, %r15\n"
        "adcx %r10, %r15\n"
        "mov %rbp, %rdx\n"
        "mov %rbp, %r10\n"
        "imul 16(%rcx), %r10\n"
        "xor %eax, %eax\n"
        "mulx (%rcx), %rax, %rbx\n"
        "adcx %rax, %r13\n"
        "adox %rbx, %r14\n"
        "mulx 8(%rcx), %rax, %rbx\n"
        "adcx %rax, %r14\n"
        "adox %rbx, %r15\n"
        "adcx %r10, %r15\n"
        "mov %r11, %rdx\n"
        "mov %r11, %r10\n"
        "imul 8(%rcx), %r10\n"
        "xor %eax, %eax\n"
        "mulx (%rcx), %rax, %rbx\n"
        "adcx %rax, %r14\n"
        "adox %rbx, %r15\n"
        "adcx %r10, %r15\n"
        "imul (%rcx), %r12\n"
        "add %r12, %r15\n"
        /* x - t mod b^5 into (rax, rbx, rsi, rbp, r10): the remainder plus at most 3m */
        "mov (%rsp), %rax\n"
        "sub %r8, %rax\n"
        "mov 8(%rsp), %rbx\n"
        "sbb %r9, %rbx\n"
        "mov 16(%rsp), %rsi\n"
        "sbb %r13, %rsi\n"
        "mov 24(%rsp), %rbp\n"
        "sbb %r14, %rbp\n"
        "mov 32(%rsp), %r10\n"
        "sbb %r15, %r10\n"
        /* subtract m while no borrow: the first time with conditional moves (a coin flip for most
         * moduli), then a loop that a field prime with reduced operands almost never enters */
        "mov %rax, %r8\n"
        "sub (%rcx), %r8\n"
        "mov %rbx, %r9\n"
        "sbb 8(%rcx), %r9\n"
        "mov %rsi, %r11\n"
        "sbb 16(%rcx), %r11\n"
        "mov %rbp, %r12\n"
        "sbb 24(%rcx), %r12\n"
        "mov %r10, %r13\n"
        "sbb $0, %r13\n"
        "cmovae %r8, %rax\n"
        "cmovae %r9, %rbx\n"
        "cmovae %r11, %rsi\n"
        "cmovae %r12, %rbp\n"
        "cmovae %r13, %r10\n"
        "1:\n"
        "mov %rax, %r8\n"
        "sub (%rcx), %r8\n"
        "mov %rbx, %r9\n"
        "sbb 8(%rcx), %r9\n"
        "mov %rsi, %r11\n"
        "sbb 16(%rcx), %r11\n"
        "mov %rbp, %r12\n"
        "sbb 24(%rcx), %r12\n"
        "mov %r10, %r13\n"
        "sbb $0, %r13\n"
        "jb 2f\n"
        "mov %r8, %rax\n"
        "mov %r9, %rbx\n"
        "mov %r11, %rsi\n"
        "mov %r12, %rbp\n"
        "mov %r13, %r10\n"
        "jmp 1b\n"
        "2:\n"
        "mov %rax, (%rdi)\n"
        "mov %rbx, 8(%rdi)\n"
        "mov %rsi, 16(%rdi)\n"
        "mov %rbp, 24(%rdi)\n"
        "    add $40, %rsp\n"
        "    pop %r15\n"
        "    pop %r14\n"
        "    pop %r13\n"
        "    pop %r12\n"
        "    pop %rbp\n"
        "    pop %rbx\n"
        "    ret\n"
        "3:\n"
        /* t = q * m mod b^4 into r8, r9, r13, r14 (the IMULs first: they change the flags) */
        "mov %r10, %rdx\n"
        "mov %r10, %r15\n"
        "imul 24(%rcx), %r15\n"
        "mulx (%rcx), %r8, %r9\n"
        "mulx 8(%rcx), %rax, %r13\n"
        "mulx 16(%rcx), %rbx, %r14\n"
        "add %rax, %r9\n"
        "adc %rbx, %r13\n"
        "adc %r15, %r14\n"
        "mov %rsi, %rdx\n"
        "mov %rsi, %r15\n"
        "imul 16(%rcx), %r15\n"
        "xor %eax, %eax\n"
        "mulx (%rcx), %rax, %rbx\n"
        "adcx %rax, %r9\n"
        "adox %rbx, %r13\n"
        "mulx 8(%rcx), %rax, %rbx\n"
        "adcx %rax, %r13\n"
        "adox %rbx, %r14\n"
        "adcx %r15, %r14\n"
        "mov %rbp, %rdx\n"
        "mov %rbp, %r15\n"
        "imul 8(%rcx), %r15\n"
        "xor %eax, %eax\n"
        "mulx (%rcx), %rax, %rbx\n"
        "adcx %rax, %r13\n"
        "adox %rbx, %r14\n"
        "adcx %r15, %r14\n"
        "imul (%rcx), %r11\n"
        "add %r11, %r14\n"
        /* x - t mod b^4 into (rax, rbx, rsi, rbp): the remainder plus at most 3m, exactly */
        "mov (%rsp), %rax\n"
        "sub %r8, %rax\n"
        "mov 8(%rsp), %rbx\n"
        "sbb %r9, %rbx\n"
        "mov 16(%rsp), %rsi\n"
        "sbb %r13, %rsi\n"
        "mov 24(%rsp), %rbp\n"
        "sbb %r14, %rbp\n"
        /* subtract m while no borrow; with a field prime and reduced operands the loop almost
         * always ends at the first test, which the branch predictor learns */
        "4:\n"
        "mov %rax, %r8\n"
        "sub (%rcx), %r8\n"
        "mov %rbx, %r9\n"
        "sbb 8(%rcx), %r9\n"
        "mov %rsi, %r11\n"
        "sbb 16(%rcx), %r11\n"
        "mov %rbp, %r12\n"
        "sbb 24(%rcx), %r12\n"
        "jb 2b\n"
        "mov %r8, %rax\n"
        "mov %r9, %rbx\n"
        "mov %r11, %rsi\n"
        "mov %r12, %rbp\n"
        "jmp 4b\n"
        ".size bts_u256_barrett_adx_, .-bts_u256_barrett_adx_\n"
        ".popsection\n");

/* BMI2 and ADX (CPUID leaf 7, EBX bits 8 and 19), asked once: an idempotent answer, so racing
 * first calls at worst both ask. */
static int cpu_has_adx(void)
{
    static atomic_int known; /* 0 unknown, 1 no, 2 yes */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (k == 0) {
        unsigned eax, ebx = 0, ecx, edx;
        int ok = __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & (1u << 8)) &&
                 (ebx & (1u << 19));
        k = ok ? 2 : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}
#endif

/* r = a * b mod m for a 4-limb m prepared in ctx; a, b and r may alias. */
static inline void mulmod_barrett(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                                  const struct bts_u256_modctx *ctx)
{
#ifdef BTS_U256_HAVE_ADX_KERNEL
    if (ctx->adx) {
        bts_u256_barrett_adx_(r, a, b, ctx);
        return;
    }
#endif
    mulmod_barrett_c(r, a, b, ctx);
}

#endif
