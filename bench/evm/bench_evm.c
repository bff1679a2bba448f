/* bench_evm: the standard EVM interpreter benchmarks (fixtures/evm-benchmarks/README.md) through
 * bttcd's EVM plugin and through @ethereumjs/evm, in the same run.
 *   bench_evm [--quick] [--no-ref] [--seconds S] [DIR] [NAME-SUBSTR]
 * Ours: the code path of `bttcd evm run --bench` (host/evmtool: the plugin loaded through the
 * host loader, executed through its ABI), London rules, median CPU time of one execution.
 * Theirs: node ethjs_bench.mjs (same inputs, London, median process CPU time of one call after
 * a warm-up). Prints per input: our time, theirs, the ratio, our Mgas/s; then peak RSS.
 * --quick: one execution each (smoke test); --no-ref: skip ethereumjs. Exit 1 if one of our
 * executions fails or does not succeed. A gas figure of ethereumjs that differs from ours is
 * shown, not counted as a failure: its runCall is not a whole transaction (snailtracer differs
 * by its SSTORE pricing), while ours is checked by the benchmarks' own London state tests
 * (`bttcd evm statetest fixtures/evm-benchmarks/NAME/NAME.json`: all pass). */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <bts/buf.h>
#include <bts/hex.h>

#include "evmtool_int.h"

struct ref {
    char name[64], label[64];
    double ms;
    uint64_t gas;
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct bts_buf b = BTS_BUF_INIT;
    char chunk[4096];
    size_t n;
    int ok = 1;
    while (ok && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ok = bts_buf_append(&b, chunk, n) == BT_OK;
    fclose(f);
    if (!ok || bts_buf_append(&b, "", 1) != BT_OK) {
        bts_buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* Run the reference and collect its lines. Returns the number of results (0 if unavailable). */
static size_t run_ref(struct ref **out, const char *dir, const char *only, int quick,
                      double seconds)
{
    *out = NULL;
    struct stat sb;
    if (stat(BENCH_SRC "/node_modules/@ethereumjs/evm", &sb) != 0) {
        printf("ethereumjs: not installed (npm ci in bench/evm), reference skipped\n");
        return 0;
    }
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "node '%s/ethjs_bench.mjs' '%s' %s --seconds %g %s%s%s", BENCH_SRC,
             dir, quick ? "--quick" : "", seconds, only ? "'" : "", only ? only : "",
             only ? "'" : "");
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    size_t n = 0, cap = 0;
    char line[4096];
    while (fgets(line, sizeof(line), p)) {
        json_t *j = json_loads(line, 0, NULL);
        if (!j)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            struct ref *nr = realloc(*out, cap * sizeof(**out));
            if (!nr) {
                json_decref(j);
                break;
            }
            *out = nr;
        }
        struct ref *r = &(*out)[n++];
        snprintf(r->name, sizeof(r->name), "%s", json_string_value(json_object_get(j, "name")));
        snprintf(r->label, sizeof(r->label), "%s", json_string_value(json_object_get(j, "label")));
        r->ms = json_number_value(json_object_get(j, "ms"));
        r->gas = (uint64_t)json_integer_value(json_object_get(j, "gas"));
        json_decref(j);
    }
    if (pclose(p) != 0)
        printf("ethereumjs: the reference run failed\n");
    return n;
}

static const struct ref *find_ref(const struct ref *refs, size_t n, const char *name,
                                  const char *label)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(refs[i].name, name) && !strcmp(refs[i].label, label))
            return &refs[i];
    }
    return NULL;
}

/* Expand the older evmone format's "(NxHH)" shorthand (HH repeated N times) and drop blanks
 * (fixtures/evm-benchmarks/README.md). Returns a malloc'd string or NULL. */
static char *expand_hex(const char *s, size_t len)
{
    struct bts_buf b = BTS_BUF_INIT;
    int ok = 1;
    for (size_t i = 0; ok && i < len; i++) {
        unsigned long n;
        char *x, *end;
        if (s[i] == '(' && (n = strtoul(s + i + 1, &x, 10)) > 0 && *x == 'x' &&
            (end = memchr(x, ')', len - (size_t)(x - s))) != NULL) {
            for (unsigned long k = 0; ok && k < n; k++)
                ok = bts_buf_append(&b, x + 1, (size_t)(end - x - 1)) == BT_OK;
            i = (size_t)(end - s);
        } else if (s[i] != ' ' && s[i] != '\r' && s[i] != '\n') {
            ok = bts_buf_append(&b, s + i, 1) == BT_OK;
        }
    }
    if (!ok || bts_buf_append(&b, "", 1) != BT_OK) {
        bts_buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* A benchmark only in the older format (<name>.bin-runtime, <name>.inputs: blocks of label,
 * call data, expected output): its code as hex and its inputs as "label hex" lines. */
static int load_old_format(const char *dir, const char *name, char **out_hex, char **out_inputs)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s/%s.bin-runtime", dir, name, name);
    char *bin = slurp(path);
    snprintf(path, sizeof(path), "%s/%s/%s.inputs", dir, name, name);
    char *inp = bin ? slurp(path) : NULL;
    *out_hex = bin ? expand_hex(bin, strlen(bin)) : NULL;
    struct bts_buf lines = BTS_BUF_INIT;
    int ok = *out_hex && inp;
    char *label = NULL;
    /* Four lines a block: label, call data, expected output, blank (either may be empty). */
    size_t idx = 0;
    for (char *l = inp; ok && l && *l; idx++) {
        char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        if (idx % 4 == 0) {
            label = l;
            label[n] = 0;
        } else if (idx % 4 == 1 && label) {
            char *data = expand_hex(l, n);
            ok = data && bts_buf_append(&lines, label, strlen(label)) == BT_OK &&
                 bts_buf_append(&lines, " ", 1) == BT_OK &&
                 bts_buf_append(&lines, data, strlen(data)) == BT_OK &&
                 bts_buf_append(&lines, "\n", 1) == BT_OK;
            free(data);
        }
        l = nl ? nl + 1 : NULL;
    }
    free(bin);
    free(inp);
    if (!ok || bts_buf_append(&lines, "", 1) != BT_OK) {
        bts_buf_free(&lines);
        free(*out_hex);
        *out_hex = NULL;
        return 0;
    }
    *out_inputs = (char *)lines.data;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int quick = 0, no_ref = 0;
    double seconds = 1.0;
    const char *dir = BENCH_DIR, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--no-ref"))
            no_ref = 1;
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
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
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256) {
        if (de->d_name[0] != '.' && strcmp(de->d_name, "README.md"))
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmp_str);

    /* The reference first: popen before the plugin's runtime has started its threads. */
    struct ref *refs = NULL;
    size_t n_refs = no_ref ? 0 : run_ref(&refs, dir, only, quick, seconds);
    struct evmtool_evm e;
    char err[2048];
    const char *pdirs[] = {BENCH_PLUGIN_DIR};
    if (evmtool_evm_open(&e, NULL, pdirs, 1, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bench_evm: %s\n", err);
        evmtool_evm_close(&e);
        free(refs);
        return 1;
    }
    printf("%-24s %-22s %10s %12s %8s %10s %12s\n", "benchmark", "input", "ours ms", "ethjs ms",
           "ratio", "Mgas/s", "gas");
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s/code.hex", dir, names[i]);
        int skip = only && !strstr(names[i], only);
        char *hex = skip ? NULL : slurp(path), *inputs = NULL;
        snprintf(path, sizeof(path), "%s/%s/inputs.txt", dir, names[i]);
        if (hex)
            inputs = slurp(path);
        else if (!skip)
            load_old_format(dir, names[i], &hex, &inputs);
        struct bts_buf code = BTS_BUF_INIT;
        if (hex && inputs && bts_hex_decode_buf(&code, hex, strcspn(hex, "\r\n"), 0) == BT_OK) {
            char *save = NULL;
            for (char *line = strtok_r(inputs, "\n", &save); line;
                 line = strtok_r(NULL, "\n", &save)) {
                char *sp = strchr(line, ' ');
                const char *h = "";
                if (sp) {
                    *sp = 0;
                    h = sp + 1;
                }
                struct bts_buf in = BTS_BUF_INIT;
                if (bts_hex_decode_buf(&in, h, strcspn(h, "\r\n "), 0) != BT_OK) {
                    failures++;
                    continue;
                }
                struct evmtool_run_opts o = {.code = code.data,
                                             .code_len = code.len,
                                             .input = in.data,
                                             .input_len = in.len,
                                             .gas = 1000000000,
                                             .fork = BT_EVM_LONDON,
                                             .bench_s = quick ? 1e-9 : seconds};
                struct evmtool_run_result res;
                bt_status st = evmtool_run(&e, &o, stdout, &res, err, sizeof(err));
                const struct ref *r = find_ref(refs, n_refs, names[i], line);
                if (st != BT_OK || res.outcome != BT_EVM_SUCCESS) {
                    printf("%-24s %-22s error: %s\n", names[i], line,
                           st != BT_OK ? err : "execution did not succeed");
                    failures++;
                } else {
                    char theirs[32] = "n/a", ratio[32] = "n/a";
                    if (r) {
                        snprintf(theirs, sizeof(theirs), "%.3f", r->ms);
                        snprintf(ratio, sizeof(ratio), "%.0fx", r->ms / (res.median_s * 1e3));
                    }
                    /* gas executed, before the refund: what ethereumjs reports as
                     * executionGasUsed */
                    uint64_t gas = res.gas_used + res.gas_refund;
                    char note[64] = "";
                    if (r && r->gas != gas)
                        snprintf(note, sizeof(note), " (ethjs: %llu gas)",
                                 (unsigned long long)r->gas);
                    printf("%-24s %-22s %10.3f %12s %8s %10.1f %12llu%s\n", names[i], line,
                           res.median_s * 1e3, theirs, ratio, (double)gas / res.median_s / 1e6,
                           (unsigned long long)gas, note);
                }
                free(res.output);
                bts_buf_free(&in);
            }
        }
        bts_buf_free(&code);
        free(hex);
        free(inputs);
        free(names[i]);
    }
    evmtool_evm_close(&e);
    free(refs);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld KiB\n", ru.ru_maxrss);
    return failures ? 1 : 0;
}
