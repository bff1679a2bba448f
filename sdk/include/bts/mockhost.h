/* A mock host for plugin unit tests (STYLE.md "Tests"; Core Lightning's stubs and SQLite's
 * test_vfs are the models). bts_mockhost_new() gives a complete struct bt_host whose services
 * all start as traps: calling one fails the current CUnit test with "unexpected host call:
 * <name>", so a mock cannot be silently wrong. A test opts into the real behaviours it needs:
 * a recording logger, a config section it fills, timers fired by a fake clock, a defer queue
 * and a worker pool it runs by hand, a service registry, metrics, and a programmable signer.
 * Always real: set_error/last_error and accounted memory (leaks fail the test at free).
 * Faults are injected on a countdown, transient or persistent, and the table can pose as an
 * older ABI minor by shrinking struct_size.
 *
 *   struct bts_mockhost *m = bts_mockhost_new();
 *   bts_mockhost_use_log(m, BT_LOG_DEBUG);
 *   bts_mockhost_conf_set(m, "url", "http://127.0.0.1:8545");
 *   bts_mockhost_fault(m, BTS_MOCK_MEM_ALLOC, 2, BT_ENOMEM, BTS_MOCK_FAULT_ONCE);
 *   st = desc->create(bts_mockhost_host(m), bts_mockhost_ctx(m), &self);
 *   ...
 *   bts_mockhost_free(m);
 *
 * Thread: the mock's own API is for the test's thread. The services it implements may be
 * called from other threads where host.h says "Thread: any" (they lock); callbacks (timers,
 * deferred calls, work) run only on the thread that calls advance/run_*. */
#ifndef BTS_MOCKHOST_H
#define BTS_MOCKHOST_H

#include <bt/host.h>

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bts_mockhost;

/** One value per entry of struct bt_host, in table order. */
enum bts_mock_svc {
    BTS_MOCK_LOG = 0,
    BTS_MOCK_LOG_ENABLED,
    BTS_MOCK_SET_ERROR,
    BTS_MOCK_LAST_ERROR,
    BTS_MOCK_MEM_ALLOC,
    BTS_MOCK_MEM_REALLOC,
    BTS_MOCK_MEM_FREE,
    BTS_MOCK_CONF_GET,
    BTS_MOCK_CONF_NEXT,
    BTS_MOCK_DATADIR,
    BTS_MOCK_NOW_MS,
    BTS_MOCK_WALL_MS,
    BTS_MOCK_TIMER_ADD,
    BTS_MOCK_TIMER_DEL,
    BTS_MOCK_DEFER,
    BTS_MOCK_WORK_SUBMIT,
    BTS_MOCK_METRIC_REGISTER,
    BTS_MOCK_METRIC_UPDATE,
    BTS_MOCK_RPC_REGISTER,
    BTS_MOCK_RPC_RESULT,
    BTS_MOCK_RPC_ERROR,
    BTS_MOCK_HTTP_REGISTER,
    BTS_MOCK_HTTP_REPLY,
    BTS_MOCK_TOPIC_REGISTER,
    BTS_MOCK_TOPIC_SEND,
    BTS_MOCK_PEER_PENALISE,
    BTS_MOCK_SERVICE_PROVIDE,
    BTS_MOCK_SERVICE_FIND,
    BTS_MOCK_SERVICE_EACH,
    BTS_MOCK_SIGN,
    BTS_MOCK_KEY_ADDRESS,
    BTS_MOCK_N_SVC
};

/** The host.h name of a service ("sign"); "?" if out of range. */
BTS_API const char *bts_mockhost_svc_name(uint32_t svc);

/* --- lifetime and the table ---------------------------------------------------------------- */

/** A new mock with every service trapped (except errors and memory). Aborts on allocation
 *  failure (a test cannot continue). Free with bts_mockhost_free. */
BTS_API struct bts_mockhost *bts_mockhost_new(void);

/** Check for leaks (blocks from mem_alloc still live fail the test, naming count and bytes),
 *  then free everything. Pending timers, deferred calls and work are dropped without running:
 *  call it after the plugin's destroy. NULL is ignored. */
BTS_API void bts_mockhost_free(struct bts_mockhost *m);

/** The services table to pass to create(); valid until bts_mockhost_free. */
BTS_API const struct bt_host *bts_mockhost_host(struct bts_mockhost *m);
/** The same table, writable: patch an entry to script a service the mock does not back
 *  (rpc_register, topic_send, ...). Find the mock from the hctx with bts_mockhost_of(). */
BTS_API struct bt_host *bts_mockhost_table(struct bts_mockhost *m);
/** The instance context to pass to create(). */
BTS_API struct bt_host_ctx *bts_mockhost_ctx(struct bts_mockhost *m);
/** The mock behind an hctx it handed out; NULL (and a test failure) for a foreign pointer. */
BTS_API struct bts_mockhost *bts_mockhost_of(struct bt_host_ctx *h);

/** Pose as an older ABI minor: set struct_size (between 8 and sizeof(struct bt_host)). BT_HAS
 *  then reports entries past it as absent, and calling one anyway fails the test with "host
 *  call beyond struct_size: <name>". */
BTS_API void bts_mockhost_set_struct_size(struct bts_mockhost *m, uint32_t struct_size);

/* --- test failures ------------------------------------------------------------------------- */

/** Receives every failure the mock detects: "unexpected host call: sign", "host call beyond
 *  struct_size: ...", "misuse: ...", "leak: ...". The default handler prints the text to
 *  stderr and records a (non-fatal) CUnit failure in the running test. */
typedef void (*bts_mock_failure_fn)(void *arg, const char *what);
BTS_API void bts_mockhost_on_failure(struct bts_mockhost *m, bts_mock_failure_fn fn, void *arg);
/** Failures reported so far (by any handler). */
BTS_API uint32_t bts_mockhost_failures(const struct bts_mockhost *m);

/* --- opt-in behaviours --------------------------------------------------------------------- */

/** Make one service real. Services without a real behaviour here (rpc_*, http_*, topic_*,
 *  peer_penalise) stay traps and report misuse: patch them through bts_mockhost_table(). */
BTS_API void bts_mockhost_use(struct bts_mockhost *m, uint32_t svc);

/** Recording logger: log_enabled answers level <= max_level, and log keeps each written line
 *  as "level=<name> msg=\"<msg>\" <fields>". With BTS_MOCKHOST_LOG=1 in the environment, lines
 *  are echoed to stderr as well. */
BTS_API void bts_mockhost_use_log(struct bts_mockhost *m, uint32_t max_level);
BTS_API size_t bts_mockhost_log_count(const struct bts_mockhost *m);
/** Line i (0-based), or NULL past the end. */
BTS_API const char *bts_mockhost_log_line(const struct bts_mockhost *m, size_t i);
/** Number of recorded lines containing `needle`. */
BTS_API size_t bts_mockhost_log_find(const struct bts_mockhost *m, const char *needle);

/** Config section: enables conf_get/conf_next (an empty section until keys are set). */
BTS_API void bts_mockhost_use_conf(struct bts_mockhost *m);
/** Append key = value to the section (copied; enables conf). Entries report file
 *  "plugins.conf" and lines 2, 3, ... in the order set, as under a "[plugin x]" header on
 *  line 1. Setting a key twice appends a duplicate, as a careless operator would. */
BTS_API void bts_mockhost_conf_set(struct bts_mockhost *m, const char *key, const char *value);
/** The data directory datadir() returns (copied; enables datadir). */
BTS_API void bts_mockhost_set_datadir(struct bts_mockhost *m, const char *path);

/** Fake clock and timers: enables now_ms, wall_ms, timer_add and timer_del. The clock starts
 *  at now_ms = 1000000 and wall_ms = 1767225600000 (2026-01-01) and moves only by advance. */
BTS_API void bts_mockhost_use_timers(struct bts_mockhost *m);
/** Move the clock forward by `ms`, firing every timer that falls due, in due order, each at
 *  its own due time (periodic ones re-armed). Returns the number of callbacks run. */
BTS_API size_t bts_mockhost_advance(struct bts_mockhost *m, uint64_t ms);
/** Timers currently armed. */
BTS_API size_t bts_mockhost_timer_count(const struct bts_mockhost *m);
/** The fake monotonic clock. */
BTS_API uint64_t bts_mockhost_now(const struct bts_mockhost *m);

/** Enables defer. Deferred calls wait for bts_mockhost_run_deferred. */
BTS_API void bts_mockhost_use_defer(struct bts_mockhost *m);
/** Run queued deferred calls (and those they queue) until the queue is empty. Returns the
 *  number run. */
BTS_API size_t bts_mockhost_run_deferred(struct bts_mockhost *m);

/** Worker pool modes. INLINE: on_worker runs inside work_submit, on_done is queued like a
 *  deferred call (bts_mockhost_run_deferred runs it), as a real pool would order them.
 *  QUEUED: nothing runs until bts_mockhost_run_work or bts_mockhost_cancel_work. */
enum bts_mock_work_mode { BTS_MOCK_WORK_INLINE = 1, BTS_MOCK_WORK_QUEUED = 2 };
BTS_API void bts_mockhost_use_work(struct bts_mockhost *m, uint32_t mode);
/** QUEUED mode: run each queued job's on_worker then on_done(BT_OK). Returns jobs run. */
BTS_API size_t bts_mockhost_run_work(struct bts_mockhost *m);
/** Call on_done(BT_ECANCELED) for each queued job without running it (node shutdown). */
BTS_API size_t bts_mockhost_cancel_work(struct bts_mockhost *m);

/** Service registry: enables service_provide, service_find and service_each. */
BTS_API void bts_mockhost_use_services(struct bts_mockhost *m);
/** Register a service as another plugin would (enables the registry). Returns BT_OK or
 *  BT_EEXIST. */
BTS_API bt_status bts_mockhost_service_add(struct bts_mockhost *m, const char *name,
                                           const void *iface, void *self);

/** Metrics: enables metric_register and metric_update. */
BTS_API void bts_mockhost_use_metrics(struct bts_mockhost *m);
/** Current value of a registered metric (counter: sum, gauge: last, histogram: number of
 *  observations). Returns BT_OK or BT_ENOTFOUND. */
BTS_API bt_status bts_mockhost_metric(const struct bts_mockhost *m, const char *name,
                                      double *out_value);

/** The signer: sign and key_address call these (key_address stays a trap if addr is NULL).
 *  A test key lives in the test; the mock never sees a private key it did not get from it. */
typedef bt_status (*bts_mock_sign_fn)(void *arg, uint8_t out_sig65[65], const char *key_id,
                                      const uint8_t digest[32]);
typedef bt_status (*bts_mock_key_address_fn)(void *arg, const char *key_id, uint8_t out_addr[20]);
BTS_API void bts_mockhost_set_signer(struct bts_mockhost *m, bts_mock_sign_fn sign,
                                     bts_mock_key_address_fn addr, void *arg);

/* --- inspection ---------------------------------------------------------------------------- */

/** Calls made to a service so far (traps and faults included). */
BTS_API uint64_t bts_mockhost_calls(const struct bts_mockhost *m, uint32_t svc);
/** The last message the plugin left with set_error ("" if none). */
BTS_API const char *bts_mockhost_error(const struct bts_mockhost *m);
/** Blocks and bytes currently allocated through mem_alloc/mem_realloc. */
BTS_API size_t bts_mockhost_mem_blocks(const struct bts_mockhost *m);
BTS_API size_t bts_mockhost_mem_bytes(const struct bts_mockhost *m);

/* --- fault injection (SQLite test_vfs style) ----------------------------------------------- */

enum bts_mock_fault_mode {
    BTS_MOCK_FAULT_ONCE = 1,   /* only the nth call fails */
    BTS_MOCK_FAULT_PERSIST = 2 /* the nth call and every later one fail */
};

/** Make the nth call from now (1: the next) of `svc` fail with `st` (mem_alloc/mem_realloc
 *  return NULL instead; last_error() then reads "injected fault: <name>"). A fault fires even
 *  on a service left as a trap: the test expected the call. Only services that can fail may
 *  be faulted; others report misuse. A new fault replaces the old one for that service. */
BTS_API void bts_mockhost_fault(struct bts_mockhost *m, uint32_t svc, uint32_t nth, bt_status st,
                                uint32_t mode);
/** Remove the fault of a service. */
BTS_API void bts_mockhost_fault_clear(struct bts_mockhost *m, uint32_t svc);
/** How many calls the fault of `svc` has failed so far (kept across fault_clear). */
BTS_API uint64_t bts_mockhost_fault_hits(const struct bts_mockhost *m, uint32_t svc);

#ifdef __cplusplus
}
#endif

#endif /* BTS_MOCKHOST_H */
