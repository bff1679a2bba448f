/* swap_driver: a node-shaped process for the crash matrix (crash_matrix.sh).
 *   swap_driver run DATADIR FROM TO ACKFILE
 *     open DATADIR on FROM, preload keys, start a writer thread (batch j puts w<j> = j and
 *     hot = j, then appends "j" to ACKFILE: the acknowledgement), swap to TO while it writes,
 *     keep writing a little, exit 0. BTTCD_TEST_CRASH_AT kills it at a swap step.
 *   swap_driver check DATADIR FROM WANT ACKFILE
 *     restart on DATADIR (recovery included) and check: the backend is WANT, every
 *     acknowledged batch is there, nothing from batches never begun, the preload is whole,
 *     no intent file and no second database directory. Exit 0 if all holds. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log_int.h"
#include "stor_node_int.h"

enum { N_PRE = 12000 };

struct drv {
    const char *datadir;
    struct host_rt rt;
    struct config cfg;
    struct plugin_dirs pd;
    struct stor_node sn;
    int ack_fd;
    int stop;       /* __atomic */
    unsigned acked; /* __atomic */
    pthread_t tid;
    struct stor_swap_report rep;
};

static int die(const char *what, const char *detail)
{
    fprintf(stderr, "swap_driver: %s: %s\n", what, detail);
    return 2;
}

static int open_node(struct drv *d, const char *from)
{
    d->cfg.file = "swap_driver.conf";
    d->cfg.dir = ".";
    d->cfg.storage_backend = (char *)from;
    if (rt_init(&d->rt, 2, d->datadir) != BT_OK ||
        paths_default_plugin_dirs(&d->pd, ".", NULL) != BT_OK)
        return die("runtime", "cannot start");
    d->rt.phase = RT_PHASE_RUN;
    d->sn.rt = &d->rt;
    d->sn.cfg = &d->cfg;
    d->sn.pd = &d->pd;
    char err[2048];
    if (stor_node_open(&d->sn, d->datadir, 1, err, sizeof(err)) != BT_OK)
        return die("storage", err);
    return 0;
}

static void close_node(struct drv *d)
{
    rt_quiesce(&d->rt);
    stor_node_close(&d->sn);
    rt_free(&d->rt);
    paths_plugin_dirs_free(&d->pd);
}

static void *writer(void *arg)
{
    struct drv *d = arg;
    for (unsigned j = 1; !__atomic_load_n(&d->stop, __ATOMIC_SEQ_CST); j++) {
        char k[32], v[32];
        snprintf(k, sizeof(k), "w%08u", j);
        snprintf(v, sizeof(v), "%u", j);
        struct stor_op ops[2] = {{.type = BT_STORAGE_PUT,
                                  .ns = &stor_ns_chain,
                                  .key = (const uint8_t *)k,
                                  .key_len = strlen(k),
                                  .value = (const uint8_t *)v,
                                  .value_len = strlen(v)},
                                 {.type = BT_STORAGE_PUT,
                                  .ns = &stor_ns_chain,
                                  .key = (const uint8_t *)"hot",
                                  .key_len = 3,
                                  .value = (const uint8_t *)v,
                                  .value_len = strlen(v)}};
        if (stor_write(d->sn.s, ops, 2, 0) != BT_OK) {
            fprintf(stderr, "swap_driver: write %u failed\n", j);
            exit(4);
        }
        char line[16];
        int n = snprintf(line, sizeof(line), "%u\n", j);
        if (write(d->ack_fd, line, (size_t)n) != n)
            exit(4);
        __atomic_store_n(&d->acked, j, __ATOMIC_SEQ_CST);
        if (j % 64 == 0)
            usleep(200); /* a steady load, not a flood */
    }
    return NULL;
}

static void wait_acked(struct drv *d, unsigned n)
{
    while (__atomic_load_n(&d->acked, __ATOMIC_SEQ_CST) < n)
        usleep(500);
}

static void keepalive(void *arg)
{
    (void)arg;
}

static void on_swap(void *arg, const struct stor_swap_report *r)
{
    struct drv *d = arg;
    if (!r->is_done)
        return;
    d->rep = *r;
    loop_stop(&d->rt.loop);
}

static int cmd_run(struct drv *d, const char *from, const char *to, const char *ackfile)
{
    int rc = open_node(d, from);
    if (rc)
        return rc;
    /* In batches: a backend that syncs each commit (LMDB) would take a while otherwise. */
    static char keys[N_PRE][16];
    static struct stor_op ops[N_PRE];
    for (int i = 0; i < N_PRE; i++) {
        snprintf(keys[i], sizeof(keys[i]), "pre%05d", i);
        ops[i] = (struct stor_op){.type = BT_STORAGE_PUT,
                                  .ns = &stor_ns_state,
                                  .key = (const uint8_t *)keys[i],
                                  .key_len = strlen(keys[i]),
                                  .value = (const uint8_t *)"preloaded",
                                  .value_len = 9};
    }
    if (stor_write(d->sn.s, ops, N_PRE, 0) != BT_OK)
        return die("preload", "write failed");
    d->ack_fd = open(ackfile, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600);
    if (d->ack_fd < 0)
        return die("ackfile", ackfile);
    pthread_create(&d->tid, NULL, writer, d);
    wait_acked(d, 20);
    const struct stor_backend *be;
    char err[2048];
    char *path = stor_node_path(d->datadir, to, NULL);
    if (stor_node_backend(&d->sn, to, &be, err, sizeof(err)) != BT_OK ||
        stor_swap_start(d->sn.s, &d->rt, d->datadir, be, path, on_swap, d, err, sizeof(err)) !=
            BT_OK)
        return die("swap", err);
    free(path);
    uint64_t id;
    loop_timer_add(&d->rt.loop, d, 1000, 1000, keepalive, NULL, &id);
    loop_run(&d->rt.loop);
    loop_timer_del(&d->rt.loop, d, id);
    wait_acked(d, __atomic_load_n(&d->acked, __ATOMIC_SEQ_CST) + 20);
    __atomic_store_n(&d->stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(d->tid, NULL);
    close(d->ack_fd);
    close_node(d);
    if (d->rep.status != BT_OK)
        return die("swap failed", d->rep.error);
    printf("swap ok keys=%llu pause_ms=%.2f\n", (unsigned long long)d->rep.digest.n_keys,
           d->rep.pause_ms);
    return 0;
}

static unsigned last_ack(const char *ackfile)
{
    FILE *f = fopen(ackfile, "r");
    unsigned last = 0, v;
    while (f && fscanf(f, "%u", &v) == 1)
        last = v;
    if (f)
        fclose(f);
    return last;
}

/* The value of chain key k as a number; -1 when absent. */
static long get_num(struct stor *s, const char *k)
{
    struct bt_value out;
    if (stor_get(s, &stor_ns_chain, NULL, (const uint8_t *)k, strlen(k), &out) != BT_OK)
        return -1;
    char buf[32] = "";
    memcpy(buf, out.data, out.len < 31 ? out.len : 31);
    if (out.release)
        out.release(&out);
    return strtol(buf, NULL, 10);
}

static int cmd_check(struct drv *d, const char *from, const char *want, const char *ackfile)
{
    unsigned last = last_ack(ackfile);
    int rc = open_node(d, from);
    if (rc)
        return rc;
    struct stor *s = d->sn.s;
    int bad = 0;
    if (strcmp(stor_backend_name(s), want) != 0) {
        fprintf(stderr, "backend %s, want %s\n", stor_backend_name(s), want);
        bad++;
    }
    for (unsigned j = 1; j <= last; j++) {
        char k[32];
        snprintf(k, sizeof(k), "w%08u", j);
        if (get_num(s, k) != (long)j) {
            if (bad++ < 5)
                fprintf(stderr, "acknowledged batch %u missing\n", j);
        }
    }
    /* Batch last+1 may have been committed before the kill without being acknowledged. */
    long extra = 0;
    for (unsigned j = last + 2; j < last + 200; j++) {
        char k[32];
        snprintf(k, sizeof(k), "w%08u", j);
        extra += get_num(s, k) >= 0;
    }
    long hot = get_num(s, "hot");
    if (extra || hot < (long)last || hot > (long)last + 1) {
        fprintf(stderr, "writes never begun are present (extra=%ld hot=%ld last=%u)\n", extra, hot,
                last);
        bad++;
    }
    struct stor_digest dg;
    if (stor_digest(s, &dg) != BT_OK ||
        dg.n_keys != (uint64_t)N_PRE + 1 + (unsigned long)(hot > 0 ? hot : 0)) {
        fprintf(stderr, "key count %llu, want %llu\n", (unsigned long long)dg.n_keys,
                (unsigned long long)(N_PRE + 1 + (hot > 0 ? hot : 0)));
        bad++;
    }
    char p[4200], other[4200];
    snprintf(p, sizeof(p), "%s/storage.swap", d->datadir);
    if (access(p, F_OK) == 0) {
        fprintf(stderr, "intent file left\n");
        bad++;
    }
    char *pf = stor_node_path(d->datadir, from, STOR_DEFAULT_PATH);
    snprintf(other, sizeof(other), "%s", pf);
    free(pf);
    if (strcmp(want, from) == 0) {
        /* The target of the interrupted swap must be gone. */
        static const char *const disk[] = {"storage-leveldb", "storage-lmdb"};
        for (size_t i = 0; i < 2; i++) {
            if (strcmp(disk[i], from) == 0)
                continue;
            char *pt = stor_node_path(d->datadir, disk[i], NULL);
            if (access(pt, F_OK) == 0) {
                fprintf(stderr, "half-copied target %s left\n", pt);
                bad++;
            }
            free(pt);
        }
    } else if (access(other, F_OK) == 0) {
        fprintf(stderr, "old database %s left\n", other);
        bad++;
    }
    close_node(d);
    printf("backend=%s acked=%u hot=%ld keys=%llu\n", want, last, hot,
           (unsigned long long)dg.n_keys);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    struct drv d;
    memset(&d, 0, sizeof(d));
    log_set_level(BT_LOG_WARN);
    if (argc == 6 && strcmp(argv[1], "run") == 0) {
        d.datadir = argv[2];
        return cmd_run(&d, argv[3], argv[4], argv[5]);
    }
    if (argc == 6 && strcmp(argv[1], "check") == 0) {
        d.datadir = argv[2];
        return cmd_check(&d, argv[3], argv[4], argv[5]);
    }
    fprintf(stderr, "usage: swap_driver run DATADIR FROM TO ACKFILE\n"
                    "       swap_driver check DATADIR FROM WANT ACKFILE\n");
    return 2;
}
