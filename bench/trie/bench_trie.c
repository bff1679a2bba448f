/* Trie benchmark: insert N random 32-byte keys with 32-byte values into an empty in-memory trie
 * and compute the root, then M random updates of existing keys and the root again; then commit
 * to the in-memory store. Prints seconds, keys/s and peak RSS.
 *   bench_trie [--quick] [N [M]]      (defaults 1000000 100000; --quick: 2000 200 + checks) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bts/trie.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
    /* splitmix64: fast and good enough for benchmark keys */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = rng_next();
        memcpy(p + i, &v, n - i < 8 ? n - i : 8);
    }
}

/* The machine is shared: CPU time is the figure that compares across runs; wall time is
 * printed beside it. */
struct stamp {
    double cpu, wall;
};

static struct stamp now(void)
{
    struct timespec c, w;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    clock_gettime(CLOCK_MONOTONIC, &w);
    return (struct stamp){(double)c.tv_sec + (double)c.tv_nsec / 1e9,
                          (double)w.tv_sec + (double)w.tv_nsec / 1e9};
}

/* "<what> <n> keys: ops X s, root Y s, total Z s cpu (W s wall), K keys/s; root R" */
static void report(const char *what, size_t n, struct stamp t0, struct stamp t1, struct stamp t2,
                   const uint8_t root[32])
{
    char root_hex[65];
    for (int i = 0; i < 32; i++)
        sprintf(root_hex + 2 * i, "%02x", root[i]);
    double total = t2.cpu - t0.cpu;
    printf("%s %zu keys: ops %.3f s, root %.3f s, total %.3f s cpu (%.3f s wall), %.0f keys/s;"
           " root %s\n",
           what, n, t1.cpu - t0.cpu, t2.cpu - t1.cpu, total, t2.wall - t0.wall, (double)n / total,
           root_hex);
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        bt_status st_ = (expr);                                                                    \
        if (st_ != BT_OK) {                                                                        \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, bts_status_str(st_));    \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

/* Rebuild from scratch in reverse order and compare roots (quick mode's correctness check). */
static int same_root_rebuilt(const uint8_t *keys, const uint8_t *vals, size_t n,
                             const uint8_t *root)
{
    struct bts_trie *t;
    uint8_t got[32];
    CHECK(bts_trie_new(&t, NULL, NULL, 0));
    for (size_t i = n; i-- > 0;)
        CHECK(bts_trie_put(t, keys + 32 * i, 32, vals + 32 * i, 32));
    CHECK(bts_trie_root(t, got));
    bts_trie_free(t);
    return memcmp(got, root, 32) == 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    int argi = quick ? 2 : 1;
    size_t n = quick ? 2000 : 1000000, m = quick ? 200 : 100000;
    if (argc > argi)
        n = strtoul(argv[argi], NULL, 10);
    if (argc > argi + 1)
        m = strtoul(argv[argi + 1], NULL, 10);
    if (n == 0) {
        fprintf(stderr, "N must be > 0\n");
        return 2;
    }
    uint8_t *keys = malloc(32 * n), *vals = malloc(32 * n);
    if (!keys || !vals)
        return 1;
    rng_fill(keys, 32 * n);
    rng_fill(vals, 32 * n);

    struct bts_trie *t;
    uint8_t root[32];
    CHECK(bts_trie_new(&t, NULL, NULL, 0));
    struct stamp t0 = now();
    for (size_t i = 0; i < n; i++)
        CHECK(bts_trie_put(t, keys + 32 * i, 32, vals + 32 * i, 32));
    struct stamp t1 = now();
    CHECK(bts_trie_root(t, root));
    struct stamp t2 = now();
    report("insert", n, t0, t1, t2, root);
    printf("peak RSS after insert+root: %.1f MiB\n", peak_rss_mib());
    if (quick && !same_root_rebuilt(keys, vals, n, root)) {
        fprintf(stderr, "root differs from a trie rebuilt in reverse order\n");
        return 1;
    }

    t0 = now();
    for (size_t i = 0; i < m; i++) {
        size_t k = (size_t)(rng_next() % n);
        rng_fill(vals + 32 * k, 32);
        CHECK(bts_trie_put(t, keys + 32 * k, 32, vals + 32 * k, 32));
    }
    t1 = now();
    CHECK(bts_trie_root(t, root));
    t2 = now();
    report("update", m, t0, t1, t2, root);
    if (quick && !same_root_rebuilt(keys, vals, n, root)) {
        fprintf(stderr, "updated root differs from a trie rebuilt in reverse order\n");
        return 1;
    }

    /* Commit everything to the in-memory store, then read every key back through a fresh trie
     * loading nodes lazily. */
    struct bts_trie_memstore *ms;
    struct bts_trie *s, *r;
    CHECK(bts_trie_memstore_new(&ms));
    CHECK(bts_trie_new(&s, bts_trie_memstore_store(ms), NULL, 0));
    for (size_t i = 0; i < n; i++)
        CHECK(bts_trie_put(s, keys + 32 * i, 32, vals + 32 * i, 32));
    CHECK(bts_trie_root(s, root));
    t0 = now();
    CHECK(bts_trie_commit(s, root));
    t1 = now();
    printf("commit %zu nodes (hashes already computed): %.3f s cpu\n", bts_trie_memstore_count(ms),
           t1.cpu - t0.cpu);
    CHECK(bts_trie_new(&r, bts_trie_memstore_store(ms), root, 0));
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        const uint8_t *v;
        size_t vl;
        CHECK(bts_trie_get(r, keys + 32 * i, 32, &v, &vl));
        if (vl != 32 || memcmp(v, vals + 32 * i, 32) != 0) {
            fprintf(stderr, "reloaded value differs for key %zu\n", i);
            return 1;
        }
    }
    t1 = now();
    printf("get %zu keys from a reloaded trie: %.3f s cpu, %.0f keys/s\n", n, t1.cpu - t0.cpu,
           (double)n / (t1.cpu - t0.cpu));
    printf("peak RSS: %.1f MiB\n", peak_rss_mib());
    bts_trie_free(r);
    bts_trie_free(s);
    bts_trie_memstore_free(ms);
    bts_trie_free(t);
    free(keys);
    free(vals);
    return 0;
}
