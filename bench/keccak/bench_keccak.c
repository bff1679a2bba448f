/* Keccak-256 throughput (bts/keccak.h) against OpenSSL EVP SHA3-256 in the same run: both use
 * Keccak-f[1600] with a 136-byte rate, so the ratio compares the permutation and absorb code.
 *   bench_keccak [--quick]     --quick: tiny sizes, only checks that results are right.
 * OpenSSL is measured at its best: one EVP_MD fetched up front and one reused EVP_MD_CTX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <bts/keccak.h>

/* Thread CPU time, not wall time: the figures should not depend on what else the machine runs
 * (both sides are single-threaded and do no I/O, so the two agree on an idle machine). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct ossl {
    EVP_MD *md;
    EVP_MD_CTX *ctx;
};

static void ossl_hash(struct ossl *o, uint8_t out[32], const uint8_t *p, size_t n)
{
    unsigned len = 0;
    if (EVP_DigestInit_ex2(o->ctx, o->md, NULL) != 1 || EVP_DigestUpdate(o->ctx, p, n) != 1 ||
        EVP_DigestFinal_ex(o->ctx, out, &len) != 1 || len != 32) {
        fprintf(stderr, "bench_keccak: OpenSSL SHA3-256 failed\n");
        exit(1);
    }
}

/* Hash `iters` messages of msg_len bytes; each message's first bytes are the previous digest,
 * so no call can be skipped or hoisted. Returns MB/s (10^6 bytes per second). */
static double run_ours(uint8_t *msg, size_t msg_len, size_t iters)
{
    uint8_t h[32] = {0};
    double t0 = now_s();
    for (size_t i = 0; i < iters; i++) {
        memcpy(msg, h, msg_len < 32 ? msg_len : 32);
        bts_keccak256(h, msg, msg_len);
    }
    double dt = now_s() - t0;
    msg[0] ^= h[0];
    return (double)msg_len * (double)iters / dt / 1e6;
}

static double run_ossl(struct ossl *o, uint8_t *msg, size_t msg_len, size_t iters)
{
    uint8_t h[32] = {0};
    double t0 = now_s();
    for (size_t i = 0; i < iters; i++) {
        memcpy(msg, h, msg_len < 32 ? msg_len : 32);
        ossl_hash(o, h, msg, msg_len);
    }
    double dt = now_s() - t0;
    msg[0] ^= h[0];
    return (double)msg_len * (double)iters / dt / 1e6;
}

static int hex_eq(const uint8_t *h, const char *hex)
{
    char s[65];
    for (int i = 0; i < 32; i++)
        snprintf(s + 2 * i, 3, "%02x", h[i]);
    return strcmp(s, hex) == 0;
}

/* Known answers for both sides, so a broken build never prints a fast but wrong figure. */
static int check(struct ossl *o)
{
    uint8_t h[32];
    bts_keccak256(h, "abc", 3);
    if (!hex_eq(h, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"))
        return 0;
    ossl_hash(o, h, (const uint8_t *)"abc", 3);
    return hex_eq(h, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    struct ossl o = {EVP_MD_fetch(NULL, "SHA3-256", NULL), EVP_MD_CTX_new()};
    if (!o.md || !o.ctx) {
        fprintf(stderr, "bench_keccak: OpenSSL SHA3-256 unavailable\n");
        return 1;
    }
    if (!check(&o)) {
        fprintf(stderr, "bench_keccak: known-answer check FAILED\n");
        return 1;
    }
    struct {
        const char *name;
        size_t len, iters;
    } cases[] = {
        {"32 B", 32, quick ? 1000 : 400000},
        {"136 B", 136, quick ? 1000 : 200000},
        {"1 KiB", 1024, quick ? 100 : 40000},
        {"1 MiB", 1 << 20, quick ? 2 : 60},
    };
    int reps = quick ? 1 : 15;
    uint8_t *msg = malloc(1 << 20);
    if (!msg)
        return 1;
    for (size_t i = 0; i < 1 << 20; i++)
        msg[i] = (uint8_t)(i * 131 + 17);
    printf("Keccak-256 (bts_keccak256) vs OpenSSL %s EVP SHA3-256, best of %d, CPU time\n",
           OpenSSL_version(OPENSSL_VERSION_STRING), reps);
    printf("%-8s %14s %16s %10s\n", "input", "ours MB/s", "OpenSSL MB/s", "ours/OSSL");
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        double best_ours = 0, best_ossl = 0;
        /* Interleave the two and keep each one's best run: frequency changes and noisy
         * neighbours hit both alike. */
        for (int r = 0; r < reps; r++) {
            double a = run_ours(msg, cases[c].len, cases[c].iters);
            double b = run_ossl(&o, msg, cases[c].len, cases[c].iters);
            best_ours = a > best_ours ? a : best_ours;
            best_ossl = b > best_ossl ? b : best_ossl;
        }
        printf("%-8s %14.1f %16.1f %10.3f\n", cases[c].name, best_ours, best_ossl,
               best_ours / best_ossl);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    free(msg);
    EVP_MD_CTX_free(o.ctx);
    EVP_MD_free(o.md);
    return 0;
}
