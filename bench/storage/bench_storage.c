/* bench_storage: for each storage backend (loaded from the build's plugin directory like the
 * host loads it), N random 32-byte keys with 100-byte values: batched random puts/s, random
 * gets/s, full-scan keys/s and bytes on disk, printed as a table. Checks every value it reads.
 *   bench_storage [--quick] [--keys N] [--dir PLUGIN_DIR] */
#include <dlfcn.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bt/plugin.h>
#include <bt/storage.h>
#include <bts/common.h>

enum { KEY_LEN = 32, VAL_LEN = 100, BATCH = 1000 };

/* A minimal host: storage plugins need only errors and (empty) config. */
static char bs_err[1024];
static void bs_set_error(struct bt_host_ctx *h, const char *fmt, ...)
{
    (void)h;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bs_err, sizeof(bs_err), fmt, ap);
    va_end(ap);
}
static bt_status bs_conf_get(struct bt_host_ctx *h, const char *key, struct bt_conf_entry *out)
{
    (void)h, (void)key;
    *out = (struct bt_conf_entry){0};
    return BT_ENOTFOUND;
}
static bt_status bs_conf_next(struct bt_host_ctx *h, size_t *iter, struct bt_conf_entry *out)
{
    (void)h, (void)iter;
    *out = (struct bt_conf_entry){0};
    return BT_ENOTFOUND;
}
static const struct bt_host bs_host = {.struct_size = sizeof(struct bt_host),
                                       .set_error = bs_set_error,
                                       .conf_get = bs_conf_get,
                                       .conf_next = bs_conf_next};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void make_value(uint8_t out[VAL_LEN], const uint8_t *key)
{
    for (int i = 0; i < VAL_LEN; i++)
        out[i] = (uint8_t)(key[i % KEY_LEN] * 7 + i);
}

static uint64_t du_total;
static int du_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)p, (void)f;
    if (flag == FTW_F)
        du_total += (uint64_t)st->st_blocks * 512;
    return 0;
}
static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)f;
    return flag == FTW_DP ? rmdir(p) : unlink(p);
}

struct result {
    double puts, gets, scan;
    uint64_t disk;
    int ok;
};

static int fail(const char *what, bt_status st)
{
    fprintf(stderr, "bench_storage: %s: %s (%s)\n", what, bts_status_str(st), bs_err);
    return 0;
}

static int run_db(const struct bt_storage_vtbl *v, void *self, struct bt_storage_db *db,
                  const uint8_t *keys, size_t n, struct result *r)
{
    struct bt_storage_op *ops = calloc(BATCH, sizeof(*ops));
    uint8_t(*vals)[VAL_LEN] = malloc((size_t)BATCH * VAL_LEN);
    if (!ops || !vals)
        return free(ops), free(vals), fail("out of memory", BT_ENOMEM);
    bt_status st = BT_OK;
    double t0 = now_s();
    for (size_t i = 0; i < n && st == BT_OK; i += BATCH) {
        size_t m = n - i < BATCH ? n - i : BATCH;
        for (size_t j = 0; j < m; j++) {
            const uint8_t *k = keys + (i + j) * KEY_LEN;
            make_value(vals[j], k);
            ops[j] = (struct bt_storage_op){BT_STORAGE_PUT, k, KEY_LEN, vals[j], VAL_LEN};
        }
        struct bt_storage_batch b = {.struct_size = sizeof(b), .ops = ops, .n_ops = m};
        st = v->write(self, db, &b);
    }
    r->puts = (double)n / (now_s() - t0);
    free(ops);
    free(vals);
    if (st != BT_OK)
        return fail("write", st);

    /* Gets in an order unrelated to insertion: stride by a prime. */
    size_t stride = 1000003 % n ? 1000003 : 999983;
    t0 = now_s();
    for (size_t i = 0, idx = 0; i < n; i++, idx = (idx + stride) % n) {
        const uint8_t *k = keys + idx * KEY_LEN;
        uint8_t want[VAL_LEN];
        struct bt_value out;
        st = v->get(self, db, NULL, k, KEY_LEN, &out);
        if (st != BT_OK)
            return fail("get", st);
        make_value(want, k);
        int same = out.len == VAL_LEN && memcmp(out.data, want, VAL_LEN) == 0;
        if (out.release)
            out.release(&out);
        if (!same)
            return fail("get returned a wrong value", BT_EINTERNAL);
    }
    r->gets = (double)n / (now_s() - t0);

    struct bt_storage_iter *it = NULL;
    st = v->iter_new(self, db, NULL, NULL, &it);
    if (st != BT_OK)
        return fail("iter_new", st);
    size_t count = 0;
    uint8_t prev[KEY_LEN] = {0};
    int ordered = 1;
    t0 = now_s();
    for (v->iter_seek(it, NULL, 0); v->iter_valid(it); v->iter_next(it), count++) {
        const uint8_t *k, *val;
        size_t kl, vl;
        v->iter_entry(it, &k, &kl, &val, &vl);
        if (count && memcmp(prev, k, KEY_LEN) >= 0)
            ordered = 0;
        memcpy(prev, k, KEY_LEN);
    }
    r->scan = (double)count / (now_s() - t0);
    st = v->iter_status(it);
    v->iter_free(it);
    if (st != BT_OK || !ordered || count != n) {
        fprintf(stderr, "bench_storage: scan saw %zu of %zu keys, %s\n", count, n,
                ordered ? "in order" : "OUT OF ORDER");
        return 0;
    }
    return 1;
}

static int run_backend(const char *plugdir, const char *name, const uint8_t *keys, size_t n,
                       struct result *r)
{
    char so[1024], dir[256];
    snprintf(so, sizeof(so), "%s/%s.so", plugdir, name);
    void *dl = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "bench_storage: %s\n", dlerror());
        return 0;
    }
    bt_plugin_query_fn q = (bt_plugin_query_fn)dlsym(dl, BT_PLUGIN_QUERY_SYMBOL);
    const struct bt_plugin_desc *d = q ? q() : NULL;
    if (!d || d->kind != BT_KIND_STORAGE)
        return fail("not a storage plugin", BT_EINVAL);
    const struct bt_storage_vtbl *v = d->vtbl;
    void *self = NULL;
    bt_status st = d->create(&bs_host, NULL, &self);
    if (st != BT_OK)
        return fail("create", st);
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/bench-storage-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return fail("mkdtemp", BT_EIO);
    char path[300];
    snprintf(path, sizeof(path), "%s/db", dir);
    struct bt_storage_open_opts o = {
        .struct_size = sizeof(o), .path = path, .flags = BT_STORAGE_OPEN_CREATE};
    struct bt_storage_db *db = NULL;
    st = v->open(self, &o, &db);
    if (st == BT_OK) {
        r->ok = run_db(v, self, db, keys, n, r);
        v->close(self, db);
    } else {
        fail("open", st);
    }
    du_total = 0;
    nftw(dir, du_one, 16, FTW_PHYS);
    r->disk = du_total;
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    d->destroy(self);
    if (d->flags & BT_PLUGIN_F_UNLOAD_SAFE)
        dlclose(dl);
    return r->ok;
}

int main(int argc, char **argv)
{
    size_t n = 1000000;
    const char *plugdir = BT_PLUGIN_DIR;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            n = 20000;
        else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            plugdir = argv[++i];
        else
            return fprintf(stderr, "usage: %s [--quick] [--keys N] [--dir DIR]\n", argv[0]), 2;
    }
    if (n < 2)
        n = 2;
    uint8_t *keys = malloc(n * KEY_LEN);
    if (!keys)
        return 1;
    uint64_t s = 0x2545f4914f6cdd1du;
    for (size_t i = 0; i < n * KEY_LEN; i += 8) {
        uint64_t x = rng_next(&s);
        memcpy(keys + i, &x, 8);
    }
    static const char *const backends[] = {"storage-memory", "storage-leveldb", "storage-lmdb"};
    int ok = 1;
    printf("%zu keys of %d bytes, values of %d bytes, batches of %d\n", n, KEY_LEN, VAL_LEN, BATCH);
    printf("%-16s %12s %12s %14s %12s\n", "backend", "puts/s", "gets/s", "scan keys/s", "disk MiB");
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        struct result r = {0};
        if (!run_backend(plugdir, backends[i], keys, n, &r)) {
            printf("%-16s FAILED\n", backends[i]);
            ok = 0;
            continue;
        }
        printf("%-16s %12.0f %12.0f %14.0f %12.1f\n", backends[i], r.puts, r.gets, r.scan,
               (double)r.disk / (1 << 20));
        fflush(stdout);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %.1f MiB\n", (double)ru.ru_maxrss / 1024);
    free(keys);
    return ok ? 0 : 1;
}
