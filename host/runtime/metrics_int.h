/* The host's metrics registry (DESIGN.md §5, "Prometheus /metrics"): counters, gauges and
 * histograms, each a series of one metric family with an optional label set, rendered in the
 * Prometheus text exposition format (version 0.0.4). Registration takes a mutex; updating a
 * series is lock-free (C11 atomics), so hot paths (every RPC call, every imported block) keep
 * the series pointer and update it from any thread. Series live as long as the registry.
 * Source: prometheus.io/docs/instrumenting/exposition_formats ("Text-based format"). */
#ifndef BTTCD_METRICS_INT_H
#define BTTCD_METRICS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/abi.h>

enum metric_kind { METRIC_COUNTER = 0, METRIC_GAUGE = 1, METRIC_HISTOGRAM = 2 };

struct metrics;
struct metric;

/** Most buckets of one histogram (the +Inf bucket not counted). */
#define METRICS_MAX_BUCKETS 24

/** A new, empty registry. NULL on ENOMEM. */
struct metrics *metrics_new(void);
/** Free the registry and every series in it (no series pointer may be used after). NULL ok. */
void metrics_free(struct metrics *m);

/** The process's registry, created on first use (the node's /metrics serves it). NULL on
 *  ENOMEM. Thread: any. */
struct metrics *metrics_global(void);

/** The series `name`{labels} of a counter family, created at first use (later calls return
 *  the same series). `name` is a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*); `labels`
 *  is the text between the braces, e.g. `method="eth_call"` (values already escaped with
 *  metrics_label_escape), or NULL / "" for none; `help` is the family's # HELP text (the
 *  first registration's wins). A family has one kind: asking for another kind of an
 *  existing family, or an invalid name, returns NULL, as does ENOMEM.
 *  Thread: any (takes the registry's mutex). */
struct metric *metrics_counter(struct metrics *m, const char *name, const char *labels,
                               const char *help);
/** A gauge series, as metrics_counter. */
struct metric *metrics_gauge(struct metrics *m, const char *name, const char *labels,
                             const char *help);
/** A histogram series with cumulative buckets `le` = bounds[0..n_bounds) (strictly
 *  increasing; at most METRICS_MAX_BUCKETS; the +Inf bucket is implied), as metrics_counter.
 *  Every series of a family must use the same bounds (NULL otherwise). */
struct metric *metrics_histogram(struct metrics *m, const char *name, const char *labels,
                                 const char *help, const double *bounds, size_t n_bounds);
/** A gauge read at render time: fn(arg) gives the value. fn runs on the thread that renders
 *  (the loop, for /metrics), under the registry mutex: it must not call back into the
 *  registry. Re-registering the same series replaces fn/arg; fn NULL turns the series back
 *  into a plain gauge (use it before arg goes away). Returns BT_OK, BT_EINVAL (bad name, a
 *  family of another kind), BT_ENOMEM. */
bt_status metrics_gauge_fn(struct metrics *m, const char *name, const char *labels,
                           const char *help, double (*fn)(void *arg), void *arg);

/** A counter read at render time (a total kept elsewhere, e.g. the chain's block counts),
 *  as metrics_gauge_fn. fn must never go down. */
bt_status metrics_counter_fn(struct metrics *m, const char *name, const char *labels,
                             const char *help, double (*fn)(void *arg), void *arg);

/** Add n to a counter (or a gauge). NULL series ok (no-op). Thread: any. */
void metric_add(struct metric *s, uint64_t n);
/** Add d >= 0 to a counter (or a gauge): the plugins' metric_update takes doubles (a
 *  negative or NaN d is ignored, as the counter rule says). NULL ok. Thread: any. */
void metric_add_double(struct metric *s, double d);
/** Set a gauge. NULL ok. Thread: any. */
void metric_set(struct metric *s, double v);
/** Record one observation in a histogram. NULL ok. Thread: any. */
void metric_observe(struct metric *s, double v);
/** The current value of a counter or gauge (tests). */
double metric_value(const struct metric *s);

/** Escape a label value for the text format (backslash, double quote, newline). Writes at
 *  most cap bytes with a NUL (truncating). */
void metrics_label_escape(char *out, size_t cap, const char *value);

/** Render every family in name order, series in registration order, as the text exposition
 *  format: "# HELP", "# TYPE" lines, then samples (histograms as _bucket{le=...}, _sum,
 *  _count). Returns a malloc'd NUL-terminated text (length in *out_len), or NULL on ENOMEM.
 *  Thread: any. */
char *metrics_render(struct metrics *m, size_t *out_len);

/** Buckets for durations in seconds (1 ms .. 10 s). */
extern const double metrics_seconds_buckets[];
extern const size_t metrics_seconds_n_buckets;

#endif /* BTTCD_METRICS_INT_H */
