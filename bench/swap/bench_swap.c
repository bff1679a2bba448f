/* bench_swap: N keys (32-byte random keys, 100-byte values) in storage-leveldb, then a hot swap
 * to storage-lmdb while a writer thread commits batches continuously. Prints the migration
 * time, keys/s, the pause (commit lock held at the batch boundary), the longest time any commit
 * waited for the lock, the writer's slowest commit, and checks the result (digest verified by
 * the swap; every acknowledged write read back afterwards).
 *   bench_swap [--quick] [--keys N] [--dir DIR] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log_int.h"
#include "stor_node_int.h"

enum { KEY_LEN = 32, VAL_LEN = 100, LOAD_BATCH = 10000, W_OPS = 16 };

struct bench {
    char dir[512];
    struct host_rt rt;
    struct config cfg;
    struct plugin_dirs pd;
    struct stor_node sn;
    struct stor_swap_report rep;
    int stop; /* __atomic */
    uint64_t w_batches, w_seed;
    double w_max_ms;
};

static uint64_t rnd(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void make_kv(uint64_t *seed, uint8_t key[KEY_LEN], uint8_t val[VAL_LEN])
{
    for (int i = 0; i < KEY_LEN; i += 8) {
        uint64_t r = rnd(seed);
        memcpy(key + i, &r, 8);
    }
    for (int i = 0; i < VAL_LEN; i++)
        val[i] = (uint8_t)(key[i % KEY_LEN] * 7 + i);
}

static int load(struct bench *b, uint64_t n_keys)
{
    static uint8_t keys[LOAD_BATCH][KEY_LEN], vals[LOAD_BATCH][VAL_LEN];
    static struct stor_op ops[LOAD_BATCH];
    uint64_t seed = 0x243f6a8885a308d3ull;
    for (uint64_t done = 0; done < n_keys;) {
        size_t n = n_keys - done < LOAD_BATCH ? (size_t)(n_keys - done) : LOAD_BATCH;
        for (size_t i = 0; i < n; i++) {
            make_kv(&seed, keys[i], vals[i]);
            ops[i] = (struct stor_op){.type = BT_STORAGE_PUT,
                                      .ns = &stor_ns_state,
                                      .key = keys[i],
                                      .key_len = KEY_LEN,
                                      .value = vals[i],
                                      .value_len = VAL_LEN};
        }
        if (stor_write(b->sn.s, ops, n, 0) != BT_OK)
            return -1;
        done += n;
    }
    return 0;
}

/* The continuous load: batches of W_OPS random puts in the chain namespace. */
static void *writer(void *arg)
{
    struct bench *b = arg;
    uint8_t keys[W_OPS][KEY_LEN], vals[W_OPS][VAL_LEN];
    struct stor_op ops[W_OPS];
    uint64_t seed = b->w_seed;
    while (!__atomic_load_n(&b->stop, __ATOMIC_SEQ_CST)) {
        for (int i = 0; i < W_OPS; i++) {
            make_kv(&seed, keys[i], vals[i]);
            ops[i] = (struct stor_op){.type = BT_STORAGE_PUT,
                                      .ns = &stor_ns_chain,
                                      .key = keys[i],
                                      .key_len = KEY_LEN,
                                      .value = vals[i],
                                      .value_len = VAL_LEN};
        }
        double t0 = stor_now_ms();
        if (stor_write(b->sn.s, ops, W_OPS, 0) != BT_OK) {
            fprintf(stderr, "bench_swap: writer: commit failed\n");
            exit(1);
        }
        double dt = stor_now_ms() - t0;
        if (dt > b->w_max_ms)
            b->w_max_ms = dt;
        __atomic_add_fetch(&b->w_batches, 1, __ATOMIC_SEQ_CST);
        usleep(500); /* ~2000 commits/s at most: a busy chain, not a flood */
    }
    return NULL;
}

/* Every batch the writer acknowledged reads back with its value. */
static uint64_t check_writer(struct bench *b)
{
    uint64_t seed = b->w_seed, bad = 0;
    uint8_t key[KEY_LEN], val[VAL_LEN];
    for (uint64_t i = 0; i < b->w_batches * W_OPS; i++) {
        make_kv(&seed, key, val);
        struct bt_value out;
        if (stor_get(b->sn.s, &stor_ns_chain, NULL, key, KEY_LEN, &out) != BT_OK) {
            bad++;
            continue;
        }
        bad += out.len != VAL_LEN || memcmp(out.data, val, VAL_LEN) != 0;
        if (out.release)
            out.release(&out);
    }
    return bad;
}

static void keepalive(void *arg)
{
    (void)arg;
}

static void on_swap(void *arg, const struct stor_swap_report *r)
{
    struct bench *b = arg;
    if (!r->is_done) {
        printf("  progress: %llu keys copied, %.0f keys/s, eta %.1f s\n",
               (unsigned long long)r->keys_copied, r->rate_keys_s, r->eta_s);
        return;
    }
    b->rep = *r;
    loop_stop(&b->rt.loop);
}

int main(int argc, char **argv)
{
    uint64_t n_keys = 1000000;
    const char *base = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            n_keys = 20000;
        else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
            n_keys = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            base = argv[++i];
        else {
            fprintf(stderr, "usage: bench_swap [--quick] [--keys N] [--dir DIR]\n");
            return 2;
        }
    }
    log_set_level(BT_LOG_WARN);
    static struct bench b;
    snprintf(b.dir, sizeof(b.dir), "%s/bench-swap-XXXXXX", base);
    if (!mkdtemp(b.dir)) {
        perror("mkdtemp");
        return 1;
    }
    b.cfg.file = "bench.conf";
    b.cfg.dir = ".";
    b.cfg.storage_backend = "storage-leveldb";
    b.w_seed = 0x13198a2e03707344ull;
    char err[2048];
    if (rt_init(&b.rt, 4, b.dir) != BT_OK || paths_default_plugin_dirs(&b.pd, ".", NULL) != BT_OK)
        return 1;
    b.rt.phase = RT_PHASE_RUN;
    b.sn.rt = &b.rt;
    b.sn.cfg = &b.cfg;
    b.sn.pd = &b.pd;
    if (stor_node_open(&b.sn, b.dir, 1, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bench_swap: %s\n", err);
        return 1;
    }
    printf("bench_swap: %llu keys (%d-byte keys, %d-byte values) in storage-leveldb -> "
           "storage-lmdb, writer: %d puts per commit\n",
           (unsigned long long)n_keys, KEY_LEN, VAL_LEN, W_OPS);
    double t0 = stor_now_ms();
    if (load(&b, n_keys) != 0)
        return 1;
    printf("  load: %.2f s\n", (stor_now_ms() - t0) / 1e3);
    pthread_t tid;
    pthread_create(&tid, NULL, writer, &b);
    usleep(100000);
    const struct stor_backend *be;
    char *path = stor_node_path(b.dir, "storage-lmdb", NULL);
    if (stor_node_backend(&b.sn, "storage-lmdb", &be, err, sizeof(err)) != BT_OK ||
        stor_swap_start(b.sn.s, &b.rt, b.dir, be, path, on_swap, &b, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bench_swap: %s\n", err);
        return 1;
    }
    free(path);
    b.w_max_ms = 0;
    uint64_t id;
    loop_timer_add(&b.rt.loop, &b, 1000, 1000, keepalive, NULL, &id);
    loop_run(&b.rt.loop);
    loop_timer_del(&b.rt.loop, &b, id);
    usleep(100000);
    __atomic_store_n(&b.stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(tid, NULL);
    if (b.rep.status != BT_OK) {
        fprintf(stderr, "bench_swap: swap failed: %s\n", b.rep.error);
        return 1;
    }
    uint64_t bad = check_writer(&b);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const struct stor_swap_report *r = &b.rep;
    printf("  migration: %.2f s total, %llu keys verified, %.0f keys/s (%llu copied, %llu "
           "captured ops in %llu commits)\n",
           r->elapsed_ms / 1e3, (unsigned long long)r->digest.n_keys,
           (double)r->digest.n_keys * 1e3 / r->elapsed_ms, (unsigned long long)r->keys_copied,
           (unsigned long long)r->tail_ops, (unsigned long long)r->tail_batches);
    printf("  pause (commit lock held at the boundary): %.2f ms\n", r->pause_ms);
    printf("  longest commit wait during the swap: %.2f ms\n", r->max_commit_wait_ms);
    printf("  writer: %llu commits acknowledged, slowest commit %.2f ms, %llu mismatches after\n",
           (unsigned long long)b.w_batches, b.w_max_ms, (unsigned long long)bad);
    printf("  targets: migration >= 200000 keys/s: %s; pause <= 50 ms: %s\n",
           (double)r->digest.n_keys * 1e3 / r->elapsed_ms >= 200000 ? "met" : "MISSED",
           r->max_commit_wait_ms <= 50 ? "met" : "MISSED");
    printf("  peak RSS: %ld MiB\n", ru.ru_maxrss / 1024);
    rt_quiesce(&b.rt);
    stor_node_close(&b.sn);
    rt_free(&b.rt);
    paths_plugin_dirs_free(&b.pd);
    stor_remove_tree(b.dir);
    return bad ? 1 : 0;
}
