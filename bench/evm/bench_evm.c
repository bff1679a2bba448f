/* bench_evm: the standard EVM interpreter benchmarks (fixtures/evm-benchmarks/README.md).
 *   bench_evm [--quick] [DIR] [NAME-SUBSTR]
 * For every benchmark and input: a London transaction calling the benchmarked contract with
 * the input as call data, repeated; prints the median CPU time of the calling thread per
 * execution (the machine is shared, wall time is noisy) and Mgas/s of the gas used (whole
 * transaction). --quick runs each input once (smoke test). */
#include "tests/memstate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static uint8_t *read_hex(const char *s, size_t *out_len)
{
    size_t n = strlen(s), o = 0;
    uint8_t *b = malloc(n / 2 + 1);
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned v;
        if (sscanf(s + i, "%2x", &v) != 1)
            break;
        b[o++] = (uint8_t)v;
    }
    *out_len = o;
    return b;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int bench_one(struct evm_engine *eng, const char *name, const uint8_t *code, size_t code_len,
                     const char *label, const uint8_t *input, size_t input_len, int quick)
{
    static const uint8_t from[20] = {0xa9, 0x4f, [19] = 0x0b};
    static const uint8_t to[20] = {0xbe, 0x7c, 0x43, 0xa5, 0x80, [19] = 0x01};
    struct ms_state s = {0};
    ms_add(&s, from, UINT64_MAX, NULL, 0);
    ms_add(&s, to, 0, code, code_len);
    struct bt_evm_block blk = {
        .struct_size = sizeof(blk), .number = 1, .gas_limit = UINT64_MAX, .chain_id = 1};
    struct bt_evm_tx tx = {.struct_size = sizeof(tx), .has_to = 1, .gas_limit = 1000000000};
    memcpy(tx.from, from, 20);
    memcpy(tx.to, to, 20);
    tx.data = input;
    tx.data_len = input_len;
    struct bt_evm_config cfg = {sizeof(cfg), BT_EVM_LONDON, 0};
    double times[256];
    int reps = quick ? 1 : 0;
    uint64_t gas = 0;
    uint32_t outcome = 0;
    double start = now();
    for (int i = 0; i < 256; i++) {
        struct bt_evm_result r;
        char err[256];
        double t0 = now();
        bt_status st = evm_execute_in(eng, &ms_iface, &s, &blk, &tx, &cfg, &r, err, sizeof(err));
        double t1 = now();
        if (st != BT_OK) {
            printf("%-24s %-28s error: %s\n", name, label, err);
            return 0;
        }
        gas = r.gas_used;
        outcome = r.outcome;
        r.release(&r);
        times[i] = t1 - t0;
        reps = i + 1;
        if (quick || (reps >= 9 && now() - start > 1.0))
            break;
    }
    qsort(times, (size_t)reps, sizeof(double), cmp_d);
    double med = times[reps / 2];
    printf("%-24s %-28s %10.3f ms %12llu gas %9.1f Mgas/s %s\n", name, label, med * 1e3,
           (unsigned long long)gas, (double)gas / med / 1e6,
           outcome == BT_EVM_SUCCESS  ? ""
           : outcome == BT_EVM_REVERT ? "(revert)"
                                      : "(failure)");
    return 1;
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *dir = BENCH_DIR, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (argv[i][0] == '/' || argv[i][0] == '.')
            dir = argv[i];
        else
            only = argv[i];
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: not found, skipping\n", dir);
        return 77;
    }
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        if (e->d_name[0] != '.' && strcmp(e->d_name, "README.md"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(char *), (int (*)(const void *, const void *))strcmp);
    int failures = 0;
    struct evm_engine *eng = evm_engine_new(); /* as the plugin: analyses and scratch reused */
    if (!eng)
        return 1;
    for (int i = 0; i < n; i++) {
        if (only && !strstr(names[i], only))
            goto next;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s/code.hex", dir, names[i]);
        char *hex = slurp(path);
        snprintf(path, sizeof(path), "%s/%s/inputs.txt", dir, names[i]);
        char *inputs = slurp(path);
        if (!hex || !inputs) {
            free(hex);
            free(inputs);
            goto next;
        }
        size_t code_len;
        hex[strcspn(hex, "\r\n")] = 0;
        uint8_t *code = read_hex(hex, &code_len);
        for (char *line = strtok(inputs, "\n"); line; line = strtok(NULL, "\n")) {
            char *sp = strchr(line, ' ');
            const char *h = "";
            if (sp) {
                *sp = 0;
                h = sp + 1;
            }
            size_t in_len;
            uint8_t *in = read_hex(h, &in_len);
            failures += !bench_one(eng, names[i], code, code_len, line, in, in_len, quick);
            free(in);
        }
        free(code);
        free(hex);
        free(inputs);
    next:
        free(names[i]);
    }
    evm_engine_free(eng);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld KiB\n", ru.ru_maxrss);
    return failures ? 1 : 0;
}
