/* `bttcd evm run`: one call of some code on a state holding only that code and a funded
 * sender, through the plugin's execute; optionally timed (--bench) or traced (--trace). */
#include "evmtool_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bts/tx.h>

#include "memstate_int.h"
#include "structlog_int.h"

/* The same addresses every run (a sender nobody has the key of, a contract). */
static const uint8_t run_from[20] = {0xa9, 0x4f, [19] = 0x0b};
static const uint8_t run_to[20] = {0xbe, 0x7c, 0x43, 0xa5, 0x80, [19] = 0x01};

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Execute once; the state is never changed (the change set is dropped). */
static bt_status run_once(struct evmtool_evm *e, struct memstate *s, const struct bt_evm_block *blk,
                          const struct bt_evm_tx *tx, const struct bt_evm_config *cfg,
                          struct bt_evm_result *r, char *err, size_t err_cap)
{
    hctx_clear_error(e->h);
    bt_status st = e->vt->execute(e->self, &memstate_iface, s, blk, tx, cfg, r);
    if (st != BT_OK)
        snprintf(err, err_cap, "%s",
                 *evmtool_evm_error(e) ? evmtool_evm_error(e) : bts_status_str(st));
    return st;
}

/* Time repeated executions: batches of k executions (k so that a batch takes about 1 ms),
 * at least 9 batches, until bench_s of CPU time has passed (at most 100000 batches). The
 * median of the batch averages is robust against the other processes of a shared machine. */
static bt_status bench(struct evmtool_evm *e, struct memstate *s, const struct bt_evm_block *blk,
                       const struct bt_evm_tx *tx, const struct bt_evm_config *cfg, double bench_s,
                       struct evmtool_run_result *res, char *err, size_t err_cap)
{
    size_t cap = 64, n = 0, k = 1;
    int calibrated = 0;
    double *times = malloc(cap * sizeof(*times)), start = cpu_now();
    if (!times)
        return BT_ENOMEM;
    bt_status st = BT_OK;
    while (n < 9 || (cpu_now() - start < bench_s && n < 100000)) {
        double t0 = cpu_now();
        for (size_t i = 0; st == BT_OK && i < k; i++) {
            struct bt_evm_result r;
            st = run_once(e, s, blk, tx, cfg, &r, err, err_cap);
            if (st == BT_OK)
                r.release(&r);
        }
        double t = (cpu_now() - t0) / (double)k;
        if (st != BT_OK)
            break;
        if (!calibrated) { /* the first batch (one execution) sets the batch size */
            calibrated = 1;
            if (t < 1e-3) {
                k = (size_t)(1e-3 / (t > 1e-7 ? t : 1e-7));
                continue;
            }
        }
        if (n == cap) {
            double *nt = realloc(times, 2 * cap * sizeof(*times));
            if (!nt) {
                st = BT_ENOMEM;
                break;
            }
            times = nt;
            cap *= 2;
        }
        times[n++] = t;
    }
    if (st == BT_OK) {
        qsort(times, n, sizeof(*times), cmp_double);
        res->reps = n * k;
        res->median_s = times[n / 2];
    }
    free(times);
    return st;
}

bt_status evmtool_run(struct evmtool_evm *e, const struct evmtool_run_opts *o, FILE *out,
                      struct evmtool_run_result *res, char *err, size_t err_cap)
{
    memset(res, 0, sizeof(*res));
    struct memstate s = {0};
    struct alloc_account *from = memstate_account(&s.a, run_from);
    if (from)
        from->balance = bts_u256_from_u64(UINT64_MAX);
    struct alloc_account *to = memstate_account(&s.a, run_to);
    if (!from || !to || (o->code_len && !(to->code = malloc(o->code_len)))) {
        memstate_free(&s);
        snprintf(err, err_cap, "out of memory");
        return BT_ENOMEM;
    }
    if (o->code_len)
        memcpy(to->code, o->code, o->code_len);
    to->code_len = o->code_len;

    /* The frame gets o->gas: the transaction adds its intrinsic gas (the SDK's rule). */
    struct bts_tx stx = {.has_to = 1, .data = o->input, .data_len = o->input_len};
    uint64_t intrinsic = 0;
    bt_status st = bts_tx_intrinsic_gas(&stx, o->fork, &intrinsic);
    struct bt_evm_block blk = {
        .struct_size = sizeof(blk), .number = 1, .gas_limit = UINT64_MAX, .chain_id = 1};
    struct bt_evm_tx tx = {.struct_size = sizeof(tx),
                           .has_to = 1,
                           .gas_limit = o->gas + intrinsic,
                           .data = o->input,
                           .data_len = o->input_len};
    memcpy(tx.from, run_from, 20);
    memcpy(tx.to, run_to, 20);
    struct bt_evm_config cfg = {
        .struct_size = sizeof(cfg), .fork = o->fork, .flags = BT_EVM_F_NO_CHECKS};
    if (st != BT_OK || o->gas > UINT64_MAX - intrinsic) {
        snprintf(err, err_cap, "gas too large");
        memstate_free(&s);
        return BT_ERANGE;
    }
    struct bt_evm_result r;
    if (o->is_trace) {
        json_t *j = NULL;
        hctx_clear_error(e->h);
        st = structlog_execute(e->vt, e->self, &memstate_iface, &s, &blk, &tx, &cfg, NULL, &j, &r);
        if (st == BT_OK) {
            json_dumpf(j, out, JSON_INDENT(1));
            fputc('\n', out);
            json_decref(j);
        } else {
            snprintf(err, err_cap, "%s",
                     *evmtool_evm_error(e) ? evmtool_evm_error(e) : bts_status_str(st));
        }
    } else {
        st = run_once(e, &s, &blk, &tx, &cfg, &r, err, err_cap);
    }
    if (st == BT_OK) {
        res->outcome = r.outcome;
        res->gas_used = r.gas_used - intrinsic;
        res->gas_refund = r.gas_refund;
        if (r.output_len && (res->output = malloc(r.output_len)) != NULL) {
            memcpy(res->output, r.output, r.output_len);
            res->output_len = r.output_len;
        }
        r.release(&r);
        if (o->bench_s > 0)
            st = bench(e, &s, &blk, &tx, &cfg, o->bench_s, res, err, err_cap);
    }
    memstate_free(&s);
    return st;
}
