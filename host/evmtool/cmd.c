/* `bttcd evm`: option parsing, help and the two commands' output (evmtool_int.h). */
#include "evmtool_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bts/buf.h>
#include <bts/hex.h>

static const char evm_help[] =
    "Usage: bttcd [--plugin-dir DIR] evm statetest [OPTIONS] PATH...\n"
    "       bttcd [--plugin-dir DIR] evm run --code HEX|@FILE [OPTIONS]\n"
    "\n"
    "EVM tools. Both load the EVM plugin (evm.so from the plugin search path, or --plugin)\n"
    "through the plugin loader and execute through its ABI, as the node does.\n"
    "\n"
    "statetest: run Ethereum GeneralStateTests JSON files, or directories of them (walked\n"
    "in name order). For every test, fork and (data, gas, value) index the transaction is\n"
    "executed on the test's pre-state and the post-state root and logs hash are compared\n"
    "with the fixture's; a transaction the fixture expects to be rejected must be rejected\n"
    "and leave the state unchanged. Failures are printed with the expected and the\n"
    "computed root. The last line is 'N passed, M failed, K skipped' (cases the plugin\n"
    "does not support, such as the KZG point-evaluation precompile 0x0a). Exit status 1\n"
    "on any failure.\n"
    "  --fork NAME       only this fork: Istanbul, Berlin, London, Paris (or Merge),\n"
    "                    Shanghai, Cancun (default: every fork a case has, Istanbul on)\n"
    "  --filter SUBSTR   only tests whose file path or name contains SUBSTR\n"
    "  --json            print a JSON array, one object per case: name, file, fork,\n"
    "                    indexes, pass, stateRoot, expectedRoot, logsHash,\n"
    "                    expectedLogsHash, error, skipped (the summary goes to stderr)\n"
    "  --trace           for each failing case also print the accounts the transaction\n"
    "                    changed and geth's struct log of its execution (first 5000 steps)\n"
    "  --quiet           do not list the skipped cases\n"
    "  --traced          execute with a tracer attached that keeps nothing: checks that\n"
    "                    traced execution (debug_trace*) computes the same results\n"
    "\n"
    "run: call HEX (or the hex in FILE) with the input as call data, on a state holding\n"
    "only that code and a funded sender. Prints the outcome, the output and the gas the\n"
    "call used (the transaction's gas minus its intrinsic gas).\n"
    "  --code HEX|@FILE  the code (\"0x\" optional)\n"
    "  --input HEX       call data (default: empty)\n"
    "  --gas N           gas for the call (default: 1000000000)\n"
    "  --fork NAME       fork rules (default: Cancun)\n"
    "  --bench SECONDS   repeat for about SECONDS of CPU time (at least 9 runs) and print\n"
    "                    the median CPU time of one execution and Mgas/s\n"
    "  --trace           print geth's struct log (debug_traceTransaction's default\n"
    "                    tracer: gas, failed, returnValue, structLogs) instead\n"
    "\n"
    "Both:\n"
    "  --plugin FILE     the EVM plugin file to load (default: evm in the plugin path)\n"
    "  -h, --help        show this help\n";

void evmtool_help(FILE *out)
{
    fputs(evm_help, out);
}

static int usage(const char *fmt, const char *arg)
{
    fputs("bttcd evm: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'bttcd evm --help'.\n", stderr);
    return 2;
}

/* HEX or @FILE (hex text; whitespace ignored) into a buffer. Returns 0 or an exit status. */
static int read_hex_arg(struct bts_buf *b, const char *arg, const char *what)
{
    char *text = NULL;
    const char *s = arg;
    if (arg[0] == '@') {
        FILE *f = fopen(arg + 1, "rb");
        if (!f) {
            fprintf(stderr, "bttcd evm: %s: %s\n", arg + 1, strerror(errno));
            return 1;
        }
        struct bts_buf t = BTS_BUF_INIT;
        char chunk[4096];
        size_t n;
        bt_status st = BT_OK;
        while (st == BT_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            for (size_t i = 0; st == BT_OK && i < n; i++) {
                if (chunk[i] != ' ' && chunk[i] != '\n' && chunk[i] != '\r' && chunk[i] != '\t')
                    st = bts_buf_append(&t, chunk + i, 1);
            }
        }
        fclose(f);
        if (st == BT_OK)
            st = bts_buf_append(&t, "", 1);
        if (st != BT_OK) {
            bts_buf_free(&t);
            return usage("%s: out of memory", what);
        }
        text = (char *)t.data; /* handed over: freed below */
        s = text;
    }
    bt_status st = bts_hex_decode_buf(b, s, strlen(s), 0);
    free(text);
    if (st != BT_OK)
        return usage("%s: not a hex string", what);
    return 0;
}

static int parse_u64(uint64_t *out, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return 0;
    *out = v;
    return 1;
}

static const char *outcome_name(uint32_t o)
{
    return o == BT_EVM_SUCCESS ? "success" : o == BT_EVM_REVERT ? "revert" : "failure";
}

static int cmd_run(struct evmtool_evm *e, struct evmtool_run_opts *o)
{
    struct evmtool_run_result res;
    char err[512];
    bt_status st = evmtool_run(e, o, stdout, &res, err, sizeof(err));
    if (st != BT_OK) {
        fprintf(stderr, "bttcd evm run: %s\n", err);
        free(res.output);
        return 1;
    }
    if (!o->is_trace) {
        struct bts_buf hex = BTS_BUF_INIT;
        if (bts_hex_encode_buf(&hex, res.output, res.output_len, BTS_HEX_0X) != BT_OK ||
            bts_buf_append(&hex, "", 1) != BT_OK) {
            bts_buf_free(&hex);
            free(res.output);
            fprintf(stderr, "bttcd evm run: out of memory\n");
            return 1;
        }
        printf("status: %s\noutput: %s\ngas used: %llu\n", outcome_name(res.outcome),
               (const char *)hex.data, (unsigned long long)res.gas_used);
        bts_buf_free(&hex);
    }
    free(res.output);
    if (o->bench_s > 0)
        printf("bench: %zu runs, median %.3f ms, %.1f Mgas/s\n", res.reps, res.median_s * 1e3,
               res.median_s > 0 ? (double)res.gas_used / res.median_s / 1e6 : 0.0);
    return 0;
}

int evmtool_main(int argc, char **argv, const char *const *dirs, size_t n_dirs)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        evmtool_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1], *plugin = NULL;
    int is_statetest = !strcmp(sub, "statetest"), is_run = !strcmp(sub, "run");
    if (!is_statetest && !is_run)
        return usage("unknown command '%s' (statetest or run)", sub);
    struct evmtool_st_opts so = {0};
    struct evmtool_run_opts ro = {.gas = 1000000000, .fork = BT_EVM_CANCUN};
    struct bts_buf code = BTS_BUF_INIT, input = BTS_BUF_INIT;
    char **paths = calloc((size_t)argc, sizeof(*paths));
    size_t n_paths = 0;
    int rc = 0, has_code = 0;
    if (!paths)
        return 2;
    for (int i = 2; i < argc && !rc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = !strcmp(a, "--fork") || !strcmp(a, "--filter") || !strcmp(a, "--plugin") ||
                    !strcmp(a, "--code") || !strcmp(a, "--input") || !strcmp(a, "--gas") ||
                    !strcmp(a, "--bench");
        if (takes && !v) {
            rc = usage("%s needs a value", a);
            break;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            evmtool_help(stdout);
            rc = -1;
        } else if (!strcmp(a, "--plugin")) {
            plugin = v;
        } else if (!strcmp(a, "--fork")) {
            so.fork = ro.fork = evmtool_fork_of(v);
            if (!so.fork)
                rc = usage("unknown fork '%s'", v);
        } else if (is_statetest && !strcmp(a, "--filter")) {
            so.filter = v;
        } else if (is_statetest && !strcmp(a, "--json")) {
            so.is_json = 1;
        } else if (is_statetest && !strcmp(a, "--quiet")) {
            so.is_quiet = 1;
        } else if (is_statetest && !strcmp(a, "--traced")) {
            so.is_traced = 1;
        } else if (!strcmp(a, "--trace")) {
            so.is_trace = ro.is_trace = 1;
        } else if (is_run && !strcmp(a, "--code")) {
            rc = read_hex_arg(&code, v, "--code");
            has_code = 1;
        } else if (is_run && !strcmp(a, "--input")) {
            rc = read_hex_arg(&input, v, "--input");
        } else if (is_run && !strcmp(a, "--gas")) {
            if (!parse_u64(&ro.gas, v))
                rc = usage("--gas: not a number: '%s'", v);
        } else if (is_run && !strcmp(a, "--bench")) {
            char *end;
            ro.bench_s = strtod(v, &end);
            if (end == v || *end || ro.bench_s < 0)
                rc = usage("--bench: not a number of seconds: '%s'", v);
        } else if (a[0] == '-' && a[1]) {
            rc = usage("unknown option '%s'", a);
        } else if (is_statetest) {
            paths[n_paths++] = argv[i];
            continue;
        } else {
            rc = usage("unexpected argument '%s'", a);
        }
        if (takes)
            i++;
    }
    if (!rc && is_statetest && !n_paths)
        rc = usage("%s", "statetest needs at least one PATH");
    if (!rc && is_run && !has_code)
        rc = usage("%s", "run needs --code HEX|@FILE");
    /* Missing fixtures are a skip for CTest (exit 77), not a failure. */
    for (size_t i = 0; !rc && i < n_paths; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0) {
            fprintf(stderr, "bttcd evm statetest: %s: fixtures not found, skipping\n", paths[i]);
            rc = 77;
        }
    }
    if (!rc) {
        struct evmtool_evm e;
        char err[2048];
        if (evmtool_evm_open(&e, plugin, dirs, n_dirs, err, sizeof(err)) != BT_OK) {
            fprintf(stderr, "bttcd evm: %s\n", err);
            rc = 1;
        } else if (is_statetest) {
            rc = evmtool_statetest(&e, &so, paths, n_paths);
        } else {
            ro.code = code.data;
            ro.code_len = code.len;
            ro.input = input.data;
            ro.input_len = input.len;
            rc = cmd_run(&e, &ro);
        }
        evmtool_evm_close(&e);
    }
    bts_buf_free(&code);
    bts_buf_free(&input);
    free(paths);
    return rc < 0 ? 0 : rc;
}
