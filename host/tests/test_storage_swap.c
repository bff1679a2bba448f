/* Hot swap between every ordered pair of backends while a writer thread commits batches
 * continuously: afterwards every acknowledged key has its last value and no other key exists;
 * handles of the retired database answer BT_ESTALE; the record names the new backend and a
 * restart opens it. Plus clean aborts: a target under a regular file, a full filesystem. */
#include "stor_testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

enum { N_KEYS = 1500, N_PRE = 3000, OPS = 8 };

struct writer {
    struct stor *s;
    pthread_t tid;
    int stop;               /* __atomic */
    uint64_t n_batches;     /* __atomic: acknowledged */
    uint32_t model[N_KEYS]; /* 0: absent, else the batch number that last wrote it */
    uint64_t rng;
    bt_status err;
};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    char keys[OPS][16], vals[OPS][16];
    while (!__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST)) {
        uint32_t seq = (uint32_t)w->n_batches + 1;
        struct stor_op ops[OPS];
        uint32_t idx[OPS];
        for (int i = 0; i < OPS; i++) {
            idx[i] = (uint32_t)(rnd(&w->rng) % N_KEYS);
            snprintf(keys[i], sizeof(keys[i]), "key%05u", idx[i]);
            snprintf(vals[i], sizeof(vals[i]), "v%u", seq);
            int del = rnd(&w->rng) % 5 == 0;
            ops[i] = (struct stor_op){.type = del ? BT_STORAGE_DELETE : BT_STORAGE_PUT,
                                      .ns = &stor_ns_chain,
                                      .key = (const uint8_t *)keys[i],
                                      .key_len = strlen(keys[i]),
                                      .value = (const uint8_t *)vals[i],
                                      .value_len = strlen(vals[i])};
        }
        bt_status st = stor_write(w->s, ops, OPS, 0);
        if (st != BT_OK) {
            w->err = st;
            break;
        }
        for (int i = 0; i < OPS; i++) /* in order: a later op on the same key wins */
            w->model[idx[i]] = ops[i].type == BT_STORAGE_PUT ? seq : 0;
        __atomic_store_n(&w->n_batches, seq, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void wait_batches(struct writer *w, uint64_t n)
{
    while (__atomic_load_n(&w->n_batches, __ATOMIC_SEQ_CST) < n && !w->err)
        usleep(1000);
}

/* Every key of the model holds its last value, and nothing else is stored. */
static void check_model(struct stor *s, const struct writer *w)
{
    size_t live = 0, bad = 0;
    for (uint32_t i = 0; i < N_KEYS; i++) {
        char k[16], v[16];
        snprintf(k, sizeof(k), "key%05u", i);
        snprintf(v, sizeof(v), "v%u", w->model[i]);
        if (!stl_has(s, &stor_ns_chain, k, w->model[i] ? v : NULL))
            bad++;
        live += w->model[i] != 0;
    }
    CU_ASSERT_EQUAL(bad, 0);
    struct stor_digest d;
    CU_ASSERT_EQUAL(stor_digest(s, &d), BT_OK);
    CU_ASSERT_EQUAL(d.n_keys, live + N_PRE);
}

static void preload(struct stor *s)
{
    for (int i = 0; i < N_PRE; i++) {
        char k[16];
        snprintf(k, sizeof(k), "pre%05d", i);
        CU_ASSERT_EQUAL(stl_put(s, &stor_ns_state, k, "preloaded-value-of-some-length"), BT_OK);
    }
}

struct done {
    struct host_rt *rt;
    struct stor_swap_report r;
    int n_progress;
};

static void on_swap(void *arg, const struct stor_swap_report *r)
{
    struct done *d = arg;
    d->n_progress++;
    if (!r->is_done)
        return;
    d->r = *r;
    loop_stop(&d->rt->loop);
}

static void swap_pair(const char *from, const char *to)
{
    fprintf(stderr, "\n  swap %s -> %s\n", from, to);
    struct stl t;
    stl_open(&t, from);
    struct stor *s = t.sn.s;
    preload(s);
    struct stor_snap *old_snap;
    struct stor_iter *old_it;
    CU_ASSERT_EQUAL_FATAL(stor_snapshot_new(s, &old_snap), BT_OK);
    CU_ASSERT_EQUAL_FATAL(stor_iter_new(s, &stor_ns_state, old_snap, NULL, &old_it), BT_OK);
    CU_ASSERT_EQUAL(stor_iter_seek(old_it, NULL, 0), BT_OK);
    CU_ASSERT_TRUE(stor_iter_valid(old_it));

    struct writer w = {.s = s, .rng = 0x9e3779b97f4a7c15ull};
    CU_ASSERT_EQUAL_FATAL(pthread_create(&w.tid, NULL, writer_main, &w), 0);
    wait_batches(&w, 50);
    const struct stor_backend *be;
    char err[2048] = "";
    CU_ASSERT_EQUAL_FATAL(stor_node_backend(&t.sn, to, &be, err, sizeof(err)), BT_OK);
    char *path = stor_node_path(t.dir, to, NULL);
    struct done d = {.rt = &t.rt};
    bt_status st = stor_swap_start(s, &t.rt, t.dir, be, path, on_swap, &d, err, sizeof(err));
    if (st != BT_OK)
        fprintf(stderr, "swap start: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(st, BT_OK);
    stl_run(&t);
    uint64_t at_switch = __atomic_load_n(&w.n_batches, __ATOMIC_SEQ_CST);
    wait_batches(&w, at_switch + 50); /* writes after the switch land on the new backend */
    __atomic_store_n(&w.stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(w.tid, NULL);
    CU_ASSERT_EQUAL(w.err, BT_OK);
    if (d.r.status != BT_OK)
        fprintf(stderr, "swap failed: %s\n", d.r.error);
    CU_ASSERT_EQUAL_FATAL(d.r.status, BT_OK);
    CU_ASSERT(d.r.keys_copied > 0 && d.r.bytes_copied >= d.r.keys_copied * 8); /* 8-byte keys */
    fprintf(stderr,
            "  keys=%llu tail_ops=%llu pause_ms=%.2f max_commit_wait_ms=%.2f batches=%llu\n",
            (unsigned long long)d.r.digest.n_keys, (unsigned long long)d.r.tail_ops, d.r.pause_ms,
            d.r.max_commit_wait_ms, (unsigned long long)w.n_batches);
    CU_ASSERT_STRING_EQUAL(stor_backend_name(s), to);
    CU_ASSERT_EQUAL(stor_generation(s), 1);
    CU_ASSERT_FALSE(stor_swap_running(s));
    check_model(s, &w);

    /* Handles of the retired database are stale; freeing them is fine. */
    struct bt_value v;
    CU_ASSERT_EQUAL(stor_get(s, &stor_ns_state, old_snap, (const uint8_t *)"pre00000", 8, &v),
                    BT_ESTALE);
    CU_ASSERT_EQUAL(stor_iter_next(old_it), BT_ESTALE);
    CU_ASSERT_FALSE(stor_iter_valid(old_it));
    CU_ASSERT_EQUAL(stor_iter_status(old_it), BT_ESTALE);
    struct stor_iter *it2;
    CU_ASSERT_EQUAL(stor_iter_new(s, &stor_ns_state, old_snap, NULL, &it2), BT_ESTALE);
    stor_iter_free(old_it);
    stor_snapshot_free(old_snap);

    /* The record names the new backend; the intent is gone; the old files are gone. */
    struct stor_record r;
    CU_ASSERT_EQUAL(stor_record_read(t.dir, &r, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(r.backend, to);
    CU_ASSERT_STRING_EQUAL(r.path, path);
    char p[512];
    snprintf(p, sizeof(p), "%s/storage.swap", t.dir);
    CU_ASSERT_EQUAL(access(p, F_OK), -1);
    if (strcmp(from, "storage-memory") != 0) {
        snprintf(p, sizeof(p), "%s/chaindata", t.dir);
        CU_ASSERT_EQUAL(access(p, F_OK), -1);
    }
    /* Restart: a disk backend comes back with the same data. */
    if (strcmp(to, "storage-memory") != 0) {
        struct stor_digest before, after;
        CU_ASSERT_EQUAL(stor_digest(s, &before), BT_OK);
        stl_stop(&t);
        stl_open_in(&t, from);
        CU_ASSERT_STRING_EQUAL(stor_backend_name(t.sn.s), to);
        CU_ASSERT_EQUAL(stor_digest(t.sn.s, &after), BT_OK);
        CU_ASSERT_EQUAL(before.n_keys, after.n_keys);
        CU_ASSERT_EQUAL(memcmp(before.hash, after.hash, 32), 0);
        check_model(t.sn.s, &w);
    }
    free(path);
    stl_close(&t);
}

static void test_storage_swap_memory_leveldb(void)
{
    swap_pair("storage-memory", "storage-leveldb");
}
static void test_storage_swap_memory_lmdb(void)
{
    swap_pair("storage-memory", "storage-lmdb");
}
static void test_storage_swap_leveldb_memory(void)
{
    swap_pair("storage-leveldb", "storage-memory");
}
static void test_storage_swap_leveldb_lmdb(void)
{
    swap_pair("storage-leveldb", "storage-lmdb");
}
static void test_storage_swap_lmdb_memory(void)
{
    swap_pair("storage-lmdb", "storage-memory");
}
static void test_storage_swap_lmdb_leveldb(void)
{
    swap_pair("storage-lmdb", "storage-leveldb");
}

/* The node keeps serving on the old backend after a refused or failed swap. */
static void still_on(struct stl *t, const char *backend)
{
    CU_ASSERT_STRING_EQUAL(stor_backend_name(t->sn.s), backend);
    CU_ASSERT_FALSE(stor_swap_running(t->sn.s));
    CU_ASSERT_EQUAL(stl_put(t->sn.s, &stor_ns_chain, "after", "x"), BT_OK);
    CU_ASSERT_TRUE(stl_has(t->sn.s, &stor_ns_chain, "after", "x"));
    char p[512];
    snprintf(p, sizeof(p), "%s/storage.swap", t->dir);
    CU_ASSERT_EQUAL(access(p, F_OK), -1);
    struct stor_record r;
    char err[256];
    CU_ASSERT_EQUAL(stor_record_read(t->dir, &r, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(r.backend, backend);
}

static void test_storage_swap_refuses_bad_targets(void)
{
    struct stl t;
    stl_open(&t, "storage-leveldb");
    preload(t.sn.s);
    const struct stor_backend *be;
    char err[2048] = "", path[512];
    CU_ASSERT_EQUAL_FATAL(stor_node_backend(&t.sn, "storage-lmdb", &be, err, sizeof(err)), BT_OK);
    /* Under a regular file: the target cannot be made. */
    snprintf(path, sizeof(path), "%s/file", t.dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0600);
    CU_ASSERT_TRUE(fd >= 0);
    close(fd);
    snprintf(path, sizeof(path), "%s/file/db", t.dir);
    bt_status st = stor_swap_start(t.sn.s, &t.rt, t.dir, be, path, NULL, NULL, err, sizeof(err));
    CU_ASSERT_NOT_EQUAL(st, BT_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "file/db"));
    still_on(&t, "storage-leveldb");
    /* Not empty, the current database itself, relative. */
    CU_ASSERT_EQUAL(stor_swap_start(t.sn.s, &t.rt, t.dir, be, t.dir, NULL, NULL, err, sizeof(err)),
                    BT_EEXIST);
    const struct stor_backend *same;
    CU_ASSERT_EQUAL(stor_node_backend(&t.sn, "storage-leveldb", &same, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(stor_swap_start(t.sn.s, &t.rt, t.dir, same, stor_path(t.sn.s), NULL, NULL, err,
                                    sizeof(err)),
                    BT_EINVAL);
    CU_ASSERT_EQUAL(stor_swap_start(t.sn.s, &t.rt, t.dir, be, "rel", NULL, NULL, err, sizeof(err)),
                    BT_EINVAL);
    still_on(&t, "storage-leveldb");
    stl_close(&t);
}

static void full_fs(const char *to)
{
    struct stl t;
    stl_open(&t, "storage-memory");
    char mnt[512];
    snprintf(mnt, sizeof(mnt), "%s/tiny", t.dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(mnt, 0700), 0);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=256k") != 0) {
        fprintf(stderr, "\n  SKIPPED: full filesystem case (mount tmpfs: %s)\n", strerror(errno));
        stl_close(&t);
        return;
    }
    /* ~4 MB of values: far more than the 256 KiB filesystem holds. */
    char v[1025];
    memset(v, 'v', 1024);
    v[1024] = 0;
    for (int i = 0; i < 4000; i++) {
        char k[16];
        snprintf(k, sizeof(k), "big%05d", i);
        CU_ASSERT_EQUAL(stl_put(t.sn.s, &stor_ns_state, k, v), BT_OK);
    }
    const struct stor_backend *be;
    char err[2048] = "", path[600];
    CU_ASSERT_EQUAL_FATAL(stor_node_backend(&t.sn, to, &be, err, sizeof(err)), BT_OK);
    snprintf(path, sizeof(path), "%s/db", mnt);
    struct done d = {.rt = &t.rt};
    bt_status st = stor_swap_start(t.sn.s, &t.rt, t.dir, be, path, on_swap, &d, err, sizeof(err));
    if (st == BT_OK) {
        stl_run(&t);
        CU_ASSERT_NOT_EQUAL(d.r.status, BT_OK);
        fprintf(stderr, "\n  %s on a full filesystem: aborted: %s\n", to, d.r.error);
    } else {
        fprintf(stderr, "\n  %s on a full filesystem: refused at open: %s\n", to, err);
    }
    still_on(&t, "storage-memory");
    CU_ASSERT_EQUAL(access(path, F_OK), -1); /* the half-made target is gone */
    CU_ASSERT_EQUAL(umount(mnt), 0);
    stl_close(&t);
}

static void test_storage_swap_full_filesystem_aborts(void)
{
    full_fs("storage-leveldb");
    full_fs("storage-lmdb");
}

BTS_TEST_SUITE("storage_swap", NULL, NULL, BTS_TEST(test_storage_swap_memory_leveldb),
               BTS_TEST(test_storage_swap_memory_lmdb), BTS_TEST(test_storage_swap_leveldb_memory),
               BTS_TEST(test_storage_swap_leveldb_lmdb), BTS_TEST(test_storage_swap_lmdb_memory),
               BTS_TEST(test_storage_swap_lmdb_leveldb),
               BTS_TEST(test_storage_swap_refuses_bad_targets),
               BTS_TEST(test_storage_swap_full_filesystem_aborts));
