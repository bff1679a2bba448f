/* `bttcd evm ...`: the EVM tools (issue 6). They run the EVM plugin through the plugin ABI
 * (abi/bt/evm.h): the plugin file is loaded and validated by the host loader and created with
 * the host's services table, exactly as `bttcd run` does, and executes against the in-memory
 * state of memstate_int.h.
 *   bttcd evm statetest [--fork NAME] [--filter SUBSTR] [--json] [--trace] [--quiet] PATH...
 *   bttcd evm run --code HEX|@FILE [--input HEX] [--gas N] [--fork NAME] [--bench SECONDS]
 *                 [--trace]
 * Both accept --plugin FILE (the evm plugin to load) besides bttcd's --plugin-dir.
 * Private to the host. */
#ifndef BTTCD_EVMTOOL_INT_H
#define BTTCD_EVMTOOL_INT_H

#include <stdint.h>
#include <stdio.h>

#include <bt/evm.h>

#include "loader_int.h"
#include "services_int.h"

/** A created instance of the EVM plugin. */
struct evmtool_evm {
    struct host_rt rt;
    int has_rt;
    struct loader_plugin *lp;
    struct bt_host_ctx *h;
    void *self;
    const struct bt_evm_vtbl *vt; /* the host's copy of the plugin's table */
};

/** Load the EVM plugin and create an instance. `file`: a plugin file or name ("evm"; NULL:
 *  "evm"), resolved as plugins.conf path= values are, in `dirs` (NULL/0: the default plugin
 *  search path: the build tree's plugins/ or the installation's).
 *  Returns: BT_OK, BT_ENOTFOUND, BT_EINVAL (refused by the loader, or not an EVM plugin),
 *           BT_ENOMEM, or create's failure; the message is in err.
 *  Out: e: close with evmtool_evm_close() (also after a failure). */
bt_status evmtool_evm_open(struct evmtool_evm *e, const char *file, const char *const *dirs,
                           size_t n_dirs, char *err, size_t err_cap);

/** Destroy the instance and unload. Safe on a zeroed or half-opened struct. */
void evmtool_evm_close(struct evmtool_evm *e);

/** The plugin's message for the last failed execute on this thread ("" if none). */
const char *evmtool_evm_error(struct evmtool_evm *e);

/** enum bt_evm_fork of a fork name (Istanbul, Berlin, London, Paris or Merge, Shanghai,
 *  Cancun), 0 if unknown. */
uint32_t evmtool_fork_of(const char *name);

/** `bttcd evm ...`: argv[0] is "evm". dirs: bttcd's --plugin-dir list (may be empty).
 *  Returns the exit status: 0 ok, 1 failures, 2 usage, 77 when fixtures are missing. */
int evmtool_main(int argc, char **argv, const char *const *dirs, size_t n_dirs);

/** Print the help of `bttcd evm`. */
void evmtool_help(FILE *out);

/** Options of one `evm statetest` run. */
struct evmtool_st_opts {
    uint32_t fork; /* 0: every fork the file has (Istanbul on) */
    const char *filter;
    int is_json, is_trace, is_quiet;
    int is_traced; /* execute with a tracer that keeps nothing (checks the traced interpreter) */
};

/** Run GeneralStateTests files or directories. Returns the exit status (0, 1, 2). */
int evmtool_statetest(struct evmtool_evm *e, const struct evmtool_st_opts *o, char *const *paths,
                      size_t n_paths);

/** Options of one `evm run`. */
struct evmtool_run_opts {
    const uint8_t *code;
    size_t code_len;
    const uint8_t *input;
    size_t input_len;
    uint64_t gas;   /* gas for the call frame (the transaction adds its intrinsic gas) */
    uint32_t fork;  /* enum bt_evm_fork */
    double bench_s; /* > 0: repeat for about this long and time it */
    int is_trace;   /* print geth's struct log instead of the plain result */
};

/** What one `evm run` measured. */
struct evmtool_run_result {
    uint32_t outcome;    /* enum bt_evm_outcome */
    uint64_t gas_used;   /* by the call frame (the transaction's minus its intrinsic gas) */
    uint64_t gas_refund; /* refund applied at the end (gas_used is after it) */
    uint8_t *output;     /* return or revert data, malloc'd (free it); NULL when empty */
    size_t output_len;
    size_t reps;     /* executions timed (bench) */
    double median_s; /* median CPU time of one execution (bench) */
};

/** One call of `code` with `input` on a state holding only the code and a funded sender,
 *  through the plugin's execute (BT_EVM_F_NO_CHECKS). With bench_s > 0 repeat it and measure
 *  the median CPU time (CLOCK_THREAD_CPUTIME_ID) of one execute: short executions are timed in
 *  batches of about 1 ms (the clock itself costs a system call), the median taken over the
 *  batches' averages. With is_trace print geth's
 *  JSON trace to `out`; otherwise nothing is printed here.
 *  Returns: BT_OK (out_res filled), or execute's failure (message in err). */
bt_status evmtool_run(struct evmtool_evm *e, const struct evmtool_run_opts *o, FILE *out,
                      struct evmtool_run_result *out_res, char *err, size_t err_cap);

#endif /* BTTCD_EVMTOOL_INT_H */
