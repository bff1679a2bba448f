/* bench_u256: nanoseconds per bts_u256 operation over 1024 random operand sets, with GMP's mpz
 * timed in the same run for MUL, the 512-bit product, DIV at several sizes, MULMOD and EXP
 * (GMP reduced mod 2^256 where the EVM wraps). Before timing, every compared operation's
 * results are checked against GMP's; a mismatch exits 1.
 *   bench_u256 [--quick]     (--quick: a few iterations, for the CTest smoke run) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gmp.h>

#include <bts/u256.h>

#define N 256 /* operand sets; a power of two, small enough to stay in L1 */

static int quick;
static double target_ns = 5e6; /* grow the iteration count until a run takes this long */

static struct bts_u256 A[N], B[N], OUT[N], M256[N], E256[N], E8[N], SH[N];
static struct bts_u256 D64[N], D128[N], D192[N], D256[N], A64[N], A128[N];
static mpz_t ZA[N], ZB[N], ZM256[N], ZE256[N], ZE8[N], ZD64[N], ZD128[N], ZD192[N], ZD256[N];
static mpz_t ZA64[N], ZA128[N], ZOUT[N], Z2_256;
static int failures;

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static double now_ns(void)
{
    struct timespec ts;
    /* CPU time of this thread: time spent descheduled by other load does not count. */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A random value of exactly `bits` significant bits (top bit set). */
static struct bts_u256 random_bits(unsigned bits)
{
    struct bts_u256 x = {{rng(), rng(), rng(), rng()}}, one = bts_u256_from_u64(1), top;
    bts_u256_shr(&x, &x, 256 - bits);
    bts_u256_shl(&top, &one, bits - 1);
    bts_u256_or(&x, &x, &top);
    return x;
}

static void to_mpz(mpz_t z, const struct bts_u256 *a)
{
    mpz_import(z, 4, -1, sizeof(uint64_t), 0, 0, a->w);
}

static void setup(void)
{
    mpz_init(Z2_256);
    mpz_setbit(Z2_256, 256);
    for (int i = 0; i < N; i++) {
        A[i] = random_bits(256);
        B[i] = random_bits(256);
        M256[i] = random_bits(256);
        E256[i] = random_bits(256);
        E8[i] = random_bits(8);
        SH[i] = bts_u256_from_u64(rng() % 256);
        D64[i] = random_bits(64);
        D128[i] = random_bits(128);
        D192[i] = random_bits(192);
        D256[i] = random_bits(255); /* below A's 256 bits so the quotient is not always 1 */
        A64[i] = random_bits(64);
        A128[i] = random_bits(128);
        mpz_t *zs[] = {ZA, ZB, ZM256, ZE256, ZE8, ZD64, ZD128, ZD192, ZD256, ZA64, ZA128, ZOUT};
        struct bts_u256 *vs[] = {A, B, M256, E256, E8, D64, D128, D192, D256, A64, A128, OUT};
        for (size_t k = 0; k < sizeof(zs) / sizeof(zs[0]); k++) {
            mpz_init(zs[k][i]);
            to_mpz(zs[k][i], &vs[k][i]);
        }
    }
}

/* OUT[i] must equal ZOUT[i] mod 2^256 for every i. */
static void verify(const char *name)
{
    for (int i = 0; i < N; i++) {
        struct bts_u256 w = bts_u256_from_u64(0);
        mpz_fdiv_r_2exp(ZOUT[i], ZOUT[i], 256);
        mpz_export(w.w, NULL, -1, sizeof(uint64_t), 0, 0, ZOUT[i]);
        if (!bts_u256_eq(&w, &OUT[i])) {
            fprintf(stderr, "bench_u256: %s: result %d differs from GMP\n", name, i);
            failures++;
            return;
        }
    }
}

/* Runs `body` (which may use i, the operand index) often enough to time it, then nine more
 * times, and sets out_ns to the fastest run: the minimum is the figure least disturbed by
 * other load on the machine. */
#define MEASURE(out_ns, body)                                                                      \
    do {                                                                                           \
        size_t iters_ = quick ? N : 16 * N;                                                        \
        double best_ = 0;                                                                          \
        for (int rep_ = 0, reps_ = quick ? 1 : 9; rep_ < reps_; rep_++) {                          \
            double t0_ = now_ns();                                                                 \
            for (size_t it_ = 0; it_ < iters_; it_++) {                                            \
                size_t i = it_ & (N - 1);                                                          \
                body;                                                                              \
            }                                                                                      \
            double dt_ = (now_ns() - t0_) / (double)iters_;                                        \
            if (rep_ == 0 && !quick && dt_ * (double)iters_ < target_ns) {                         \
                iters_ *= 2; /* still calibrating: this run does not count */                      \
                rep_--;                                                                            \
                continue;                                                                          \
            }                                                                                      \
            if (rep_ == 0 || dt_ < best_)                                                          \
                best_ = dt_;                                                                       \
        }                                                                                          \
        (out_ns) = best_;                                                                          \
    } while (0)

/* One table row: the SDK alone, or the SDK and GMP (checked against each other first). */
#define ROW_SDK(name, body)                                                                        \
    do {                                                                                           \
        double ns_;                                                                                \
        MEASURE(ns_, body);                                                                        \
        printf("%-26s %10.2f %12s %10s\n", name, ns_, "-", "-");                                   \
    } while (0)

#define ROW_CMP(name, body, gmp_body)                                                              \
    do {                                                                                           \
        for (size_t i = 0; i < N; i++) {                                                           \
            body;                                                                                  \
            gmp_body;                                                                              \
        }                                                                                          \
        verify(name);                                                                              \
        double ns_, gns_;                                                                          \
        MEASURE(ns_, body);                                                                        \
        MEASURE(gns_, gmp_body);                                                                   \
        printf("%-26s %10.2f %12.2f %9.2fx\n", name, ns_, gns_, gns_ / ns_);                       \
    } while (0)

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else {
            fprintf(stderr, "usage: bench_u256 [--quick]\n");
            return 2;
        }
    }
    setup();
    uint64_t full[8];
    char text[BTS_U256_DEC_MAX];
    volatile uint64_t sink = 0;

    printf("bts_u256: ns/op (best of 9, thread CPU time) over %d random operand sets%s\n", N,
           quick ? " (quick)" : "");
    printf("%-26s %10s %12s %10s\n", "operation", "bts ns/op", "gmp ns/op", "gmp/bts");
    ROW_SDK("add", bts_u256_add(&OUT[i], &A[i], &B[i]));
    ROW_SDK("sub", bts_u256_sub(&OUT[i], &A[i], &B[i]));
    ROW_SDK("lt", OUT[i].w[0] = (uint64_t)bts_u256_lt(&A[i], &B[i]));
    ROW_SDK("slt", OUT[i].w[0] = (uint64_t)bts_u256_slt(&A[i], &B[i]));
    ROW_SDK("shl (0..255)", bts_u256_shl(&OUT[i], &A[i], SH[i].w[0]));
    ROW_SDK("sar (0..255)", bts_u256_sar(&OUT[i], &A[i], SH[i].w[0]));
    ROW_SDK("byte", bts_u256_byte(&OUT[i], &SH[i], &A[i]));
    ROW_SDK("signextend", bts_u256_signextend(&OUT[i], &SH[i], &A[i]));
    ROW_CMP("mul", bts_u256_mul(&OUT[i], &A[i], &B[i]),
            (mpz_mul(ZOUT[i], ZA[i], ZB[i]), mpz_tdiv_r_2exp(ZOUT[i], ZOUT[i], 256)));
    ROW_CMP("mul_full 256x256->512",
            (bts_u256_mul_full(full, &A[i], &B[i]), memcpy(OUT[i].w, full, 32)),
            mpz_mul(ZOUT[i], ZA[i], ZB[i]));
    ROW_CMP("div 64/64", bts_u256_div(&OUT[i], &A64[i], &D64[i]),
            mpz_tdiv_q(ZOUT[i], ZA64[i], ZD64[i]));
    ROW_CMP("div 128/64", bts_u256_div(&OUT[i], &A128[i], &D64[i]),
            mpz_tdiv_q(ZOUT[i], ZA128[i], ZD64[i]));
    ROW_CMP("div 256/64", bts_u256_div(&OUT[i], &A[i], &D64[i]),
            mpz_tdiv_q(ZOUT[i], ZA[i], ZD64[i]));
    ROW_CMP("div 256/128", bts_u256_div(&OUT[i], &A[i], &D128[i]),
            mpz_tdiv_q(ZOUT[i], ZA[i], ZD128[i]));
    ROW_CMP("div 256/192", bts_u256_div(&OUT[i], &A[i], &D192[i]),
            mpz_tdiv_q(ZOUT[i], ZA[i], ZD192[i]));
    ROW_CMP("div 256/255", bts_u256_div(&OUT[i], &A[i], &D256[i]),
            mpz_tdiv_q(ZOUT[i], ZA[i], ZD256[i]));
    ROW_CMP("mod 256/128", bts_u256_mod(&OUT[i], &A[i], &D128[i]),
            mpz_tdiv_r(ZOUT[i], ZA[i], ZD128[i]));
    ROW_SDK("sdiv 256/128", bts_u256_sdiv(&OUT[i], &A[i], &D128[i]));
    ROW_CMP("addmod (256-bit m)", bts_u256_addmod(&OUT[i], &A[i], &B[i], &M256[i]),
            (mpz_add(ZOUT[i], ZA[i], ZB[i]), mpz_mod(ZOUT[i], ZOUT[i], ZM256[i])));
    ROW_CMP("mulmod (256-bit m)", bts_u256_mulmod(&OUT[i], &A[i], &B[i], &M256[i]),
            (mpz_mul(ZOUT[i], ZA[i], ZB[i]), mpz_mod(ZOUT[i], ZOUT[i], ZM256[i])));
    ROW_CMP("mulmod (128-bit m)", bts_u256_mulmod(&OUT[i], &A[i], &B[i], &D128[i]),
            (mpz_mul(ZOUT[i], ZA[i], ZB[i]), mpz_mod(ZOUT[i], ZOUT[i], ZD128[i])));
    ROW_CMP("exp (8-bit exponent)", bts_u256_exp(&OUT[i], &A[i], &E8[i]),
            mpz_powm(ZOUT[i], ZA[i], ZE8[i], Z2_256));
    ROW_CMP("exp (256-bit exponent)", bts_u256_exp(&OUT[i], &A[i], &E256[i]),
            mpz_powm(ZOUT[i], ZA[i], ZE256[i], Z2_256));
    ROW_SDK("to_dec (256-bit)", sink = bts_u256_to_dec(text, &A[i]));
    ROW_SDK("to_hex (256-bit)", sink = bts_u256_to_hex(text, &A[i]));

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    (void)sink;
    if (failures) {
        fprintf(stderr, "bench_u256: %d operations differ from GMP\n", failures);
        return 1;
    }
    printf("bench_u256: results match GMP\n");
    return 0;
}
