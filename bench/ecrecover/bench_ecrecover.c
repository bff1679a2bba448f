/* ecrecover per second through the SDK (bts_secp_recover, and the ECRECOVER precompile entry
 * bts_secp_ecrecover) against direct libsecp256k1 calls doing the same work (recoverable
 * signature parse, recover, serialize, keccak of the point, last 20 bytes), measured in
 * alternating rounds of one run so both see the same machine state. Prints ops/s, the ratio
 * SDK / direct (target >= 0.95) and peak RSS. `--quick` only checks that both paths agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <bts/keccak.h>
#include <bts/secp.h>

#define N_SIGS 256

struct vec {
    uint8_t digest[32];
    uint8_t sig[65];
    uint8_t addr[20];
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: reproducible keys and digests. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        p[i] = (uint8_t)((rng_state * 0x2545f4914f6cdd1dull) >> 56);
    }
}

static int make_vectors(struct vec *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t key[32];
        do
            rng_fill(key, 32);
        while (bts_secp_seckey_to_address(v[i].addr, key) != BT_OK);
        rng_fill(v[i].digest, 32);
        if (bts_secp_sign(v[i].sig, key, v[i].digest) != BT_OK)
            return 1;
    }
    return 0;
}

/* The same work as bts_secp_recover, written directly against libsecp256k1. */
static int direct_recover(const secp256k1_context *ctx, uint8_t out[20], const uint8_t digest[32],
                          const uint8_t sig65[65])
{
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pk;
    uint8_t pub[65], h[32];
    size_t len = sizeof(pub);
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, sig65, sig65[64]) ||
        !secp256k1_ecdsa_recover(ctx, &pk, &sig, digest))
        return 0;
    secp256k1_ec_pubkey_serialize(ctx, pub, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    bts_keccak256(h, pub + 1, 64);
    memcpy(out, h + 12, 20);
    return 1;
}

static volatile uint8_t sink;

/* One pass over the vectors by one path; returns the seconds it took. */
enum path { PATH_DIRECT, PATH_SDK, PATH_PRECOMPILE, N_PATHS };

static double run_pass(enum path p, const secp256k1_context *ctx, const struct vec *v)
{
    uint8_t a[20], w[32] = {0};
    double t0 = now();
    for (size_t i = 0; i < N_SIGS; i++) {
        const struct vec *x = &v[i];
        int ok = 0;
        switch (p) {
        case PATH_DIRECT:
            ok = direct_recover(ctx, a, x->digest, x->sig);
            break;
        case PATH_SDK:
            ok = bts_secp_recover(a, x->digest, x->sig, 0) == BT_OK;
            break;
        case PATH_PRECOMPILE:
            w[31] = (uint8_t)(27 + x->sig[64]);
            ok = bts_secp_ecrecover(a, x->digest, w, x->sig, x->sig + 32) == BT_OK;
            break;
        case N_PATHS:
            break;
        }
        if (!ok)
            abort();
        sink ^= a[0];
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    static struct vec v[N_SIGS];
    if (make_vectors(v, N_SIGS)) {
        fprintf(stderr, "bench_ecrecover: signing failed\n");
        return 1;
    }
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);

    /* Correctness first: all three paths give the signer's address for every vector. */
    for (size_t i = 0; i < N_SIGS; i++) {
        uint8_t a[20], b[20], c[20], w[32] = {0};
        w[31] = (uint8_t)(27 + v[i].sig[64]);
        if (bts_secp_recover(a, v[i].digest, v[i].sig, BTS_SECP_F_LOW_S) != BT_OK ||
            !direct_recover(ctx, b, v[i].digest, v[i].sig) ||
            bts_secp_ecrecover(c, v[i].digest, w, v[i].sig, v[i].sig + 32) != BT_OK ||
            memcmp(a, v[i].addr, 20) || memcmp(b, v[i].addr, 20) || memcmp(c, v[i].addr, 20)) {
            fprintf(stderr, "bench_ecrecover: vector %zu: paths disagree\n", i);
            return 1;
        }
    }
    if (quick) {
        printf("bench_ecrecover: %d vectors agree (quick mode, no timing)\n", N_SIGS);
        secp256k1_context_destroy(ctx);
        return 0;
    }

    /* Interleave the paths pass by pass, rotating which goes first, and sum each one's time:
     * on a shared machine load changes over seconds, and fine interleaving spreads it evenly
     * over the paths instead of favouring whichever ran in a quiet moment. */
    const int rounds = 120;
    double secs[N_PATHS] = {0};
    for (int p = 0; p < N_PATHS; p++) /* warm-up: caches, the lazily made context */
        run_pass((enum path)p, ctx, v);
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < N_PATHS; k++) {
            enum path p = (enum path)((r + k) % N_PATHS);
            secs[p] += run_pass(p, ctx, v);
        }
    double n = (double)rounds * N_SIGS;
    double direct_ops = n / secs[PATH_DIRECT], sdk_ops = n / secs[PATH_SDK];
    double pre_ops = n / secs[PATH_PRECOMPILE];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("ecrecover direct libsecp256k1: %10.0f ops/s\n", direct_ops);
    printf("ecrecover bts_secp_recover:    %10.0f ops/s\n", sdk_ops);
    printf("ecrecover bts_secp_ecrecover:  %10.0f ops/s (precompile entry)\n", pre_ops);
    printf("ratio sdk/direct:              %10.3f (target >= 0.95)\n", sdk_ops / direct_ops);
    printf("ratio precompile/direct:       %10.3f\n", pre_ops / direct_ops);
    printf("peak RSS:                      %10ld KiB\n", ru.ru_maxrss);
    printf("(%d interleaved rounds x %d recoveries per path)\n", rounds, N_SIGS);
    secp256k1_context_destroy(ctx);
    return 0;
}
