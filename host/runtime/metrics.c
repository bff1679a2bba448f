/* The metrics registry and its text exposition (metrics_int.h). Families are kept sorted by
 * name; a series' values are C11 atomics holding IEEE doubles (bit patterns), updated with
 * compare-and-swap so any thread may count without the registry mutex. */
#include "metrics_int.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/buf.h>

const double metrics_seconds_buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,  0.5,    1,     2.5,  5,     10};
const size_t metrics_seconds_n_buckets =
    sizeof(metrics_seconds_buckets) / sizeof(metrics_seconds_buckets[0]);

struct metric {
    struct metric *next;
    struct family *fam;
    char *labels;                                  /* "" for none */
    _Atomic uint64_t value;                        /* double bits: counter, gauge */
    _Atomic uint64_t sum;                          /* double bits: histogram */
    _Atomic uint64_t count;                        /* histogram observations */
    _Atomic uint64_t buckets[METRICS_MAX_BUCKETS]; /* non-cumulative; rendered cumulative */
    double (*fn)(void *arg);                       /* computed gauge, or NULL */
    void *fn_arg;
};

struct family {
    char *name, *help;
    enum metric_kind kind;
    double bounds[METRICS_MAX_BUCKETS];
    size_t n_bounds;
    struct metric *first, *last;
};

struct metrics {
    pthread_mutex_t mu;
    struct family **fams; /* sorted by name */
    size_t n, cap;
};

static uint64_t dbits(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof(u));
    return u;
}

static double dval(uint64_t u)
{
    double v;
    memcpy(&v, &u, sizeof(v));
    return v;
}

static void atomic_add_double(_Atomic uint64_t *p, double d)
{
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(p, &old, dbits(dval(old) + d),
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }
}

struct metrics *metrics_new(void)
{
    struct metrics *m = calloc(1, sizeof(*m));
    if (m && pthread_mutex_init(&m->mu, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        struct family *f = m->fams[i];
        for (struct metric *s = f->first, *nx; s; s = nx) {
            nx = s->next;
            free(s->labels);
            free(s);
        }
        free(f->name);
        free(f->help);
        free(f);
    }
    free(m->fams);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static struct metrics *g_metrics;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
    g_metrics = metrics_new();
}

struct metrics *metrics_global(void)
{
    pthread_once(&g_once, global_init);
    return g_metrics;
}

static int name_ok(const char *n)
{
    if (!n || !*n || (*n >= '0' && *n <= '9'))
        return 0;
    for (; *n; n++) {
        char c = *n;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == ':'))
            return 0;
    }
    return 1;
}

/* The family `name`, created with kind and bounds when absent; NULL on a kind or bounds
 * clash or ENOMEM. Mutex held. */
static struct family *family_get(struct metrics *m, const char *name, enum metric_kind kind,
                                 const char *help, const double *bounds, size_t n_bounds)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(m->fams[mid]->name, name);
        if (c == 0) {
            struct family *f = m->fams[mid];
            if (f->kind != kind || f->n_bounds != n_bounds ||
                (n_bounds && memcmp(f->bounds, bounds, n_bounds * sizeof(double)) != 0))
                return NULL;
            return f;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        struct family **nf = realloc(m->fams, cap * sizeof(*nf));
        if (!nf)
            return NULL;
        m->fams = nf;
        m->cap = cap;
    }
    struct family *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->name = strdup(name);
    f->help = strdup(help ? help : "");
    if (!f->name || !f->help) {
        free(f->name);
        free(f->help);
        free(f);
        return NULL;
    }
    f->kind = kind;
    f->n_bounds = n_bounds;
    if (n_bounds)
        memcpy(f->bounds, bounds, n_bounds * sizeof(double));
    memmove(&m->fams[lo + 1], &m->fams[lo], (m->n - lo) * sizeof(*m->fams));
    m->fams[lo] = f;
    m->n++;
    return f;
}

static struct metric *series_get(struct metrics *m, const char *name, const char *labels,
                                 const char *help, enum metric_kind kind, const double *bounds,
                                 size_t n_bounds)
{
    if (!m || !name_ok(name) || n_bounds > METRICS_MAX_BUCKETS)
        return NULL;
    for (size_t i = 1; i < n_bounds; i++)
        if (!(bounds[i] > bounds[i - 1]))
            return NULL;
    if (!labels)
        labels = "";
    pthread_mutex_lock(&m->mu);
    struct metric *s = NULL;
    struct family *f = family_get(m, name, kind, help, bounds, n_bounds);
    if (f) {
        for (s = f->first; s && strcmp(s->labels, labels) != 0; s = s->next) {
        }
        if (!s && (s = calloc(1, sizeof(*s))) != NULL) {
            if (!(s->labels = strdup(labels))) {
                free(s);
                s = NULL;
            } else {
                s->fam = f;
                atomic_init(&s->value, dbits(0));
                atomic_init(&s->sum, dbits(0));
                if (f->last)
                    f->last->next = s;
                else
                    f->first = s;
                f->last = s;
            }
        }
    }
    pthread_mutex_unlock(&m->mu);
    return s;
}

struct metric *metrics_counter(struct metrics *m, const char *name, const char *labels,
                               const char *help)
{
    return series_get(m, name, labels, help, METRIC_COUNTER, NULL, 0);
}

struct metric *metrics_gauge(struct metrics *m, const char *name, const char *labels,
                             const char *help)
{
    return series_get(m, name, labels, help, METRIC_GAUGE, NULL, 0);
}

struct metric *metrics_histogram(struct metrics *m, const char *name, const char *labels,
                                 const char *help, const double *bounds, size_t n_bounds)
{
    return series_get(m, name, labels, help, METRIC_HISTOGRAM, bounds, n_bounds);
}

static bt_status series_fn(struct metrics *m, enum metric_kind kind, const char *name,
                           const char *labels, const char *help, double (*fn)(void *arg), void *arg)
{
    struct metric *s = series_get(m, name, labels, help, kind, NULL, 0);
    if (!s && (!m || !name_ok(name)))
        return BT_EINVAL;
    if (!s) { /* a family of another kind, else out of memory */
        bt_status rc = BT_ENOMEM;
        pthread_mutex_lock(&m->mu);
        for (size_t i = 0; i < m->n; i++)
            if (strcmp(m->fams[i]->name, name) == 0)
                rc = BT_EINVAL;
        pthread_mutex_unlock(&m->mu);
        return rc;
    }
    pthread_mutex_lock(&m->mu);
    s->fn = fn;
    s->fn_arg = fn ? arg : NULL;
    pthread_mutex_unlock(&m->mu);
    return BT_OK;
}

bt_status metrics_gauge_fn(struct metrics *m, const char *name, const char *labels,
                           const char *help, double (*fn)(void *arg), void *arg)
{
    return series_fn(m, METRIC_GAUGE, name, labels, help, fn, arg);
}

bt_status metrics_counter_fn(struct metrics *m, const char *name, const char *labels,
                             const char *help, double (*fn)(void *arg), void *arg)
{
    return series_fn(m, METRIC_COUNTER, name, labels, help, fn, arg);
}

void metric_add(struct metric *s, uint64_t n)
{
    if (s)
        atomic_add_double(&s->value, (double)n);
}

void metric_add_double(struct metric *s, double d)
{
    if (s && d >= 0)
        atomic_add_double(&s->value, d);
}

void metric_set(struct metric *s, double v)
{
    if (s)
        atomic_store_explicit(&s->value, dbits(v), memory_order_relaxed);
}

void metric_observe(struct metric *s, double v)
{
    if (!s)
        return;
    const struct family *f = s->fam;
    size_t i = 0;
    while (i < f->n_bounds && v > f->bounds[i])
        i++;
    if (i < f->n_bounds)
        atomic_fetch_add_explicit(&s->buckets[i], 1, memory_order_relaxed);
    atomic_add_double(&s->sum, v);
    atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

double metric_value(const struct metric *s)
{
    return s ? dval(atomic_load_explicit(&((struct metric *)s)->value, memory_order_relaxed)) : 0;
}

void metrics_label_escape(char *out, size_t cap, const char *value)
{
    size_t o = 0;
    if (!cap)
        return;
    for (const char *p = value; *p; p++) {
        const char *rep = NULL;
        char one[2] = {*p, 0};
        if (*p == '\\')
            rep = "\\\\";
        else if (*p == '"')
            rep = "\\\"";
        else if (*p == '\n')
            rep = "\\n";
        else
            rep = one;
        size_t n = strlen(rep);
        if (o + n >= cap)
            break;
        memcpy(out + o, rep, n);
        o += n;
    }
    out[o] = '\0';
}

/* A sample value as Prometheus clients print it: integers without a fraction, "+Inf",
 * "-Inf", "NaN", anything else with enough digits to round-trip. */
static void fmt_value(char *out, size_t cap, double v)
{
    if (isnan(v))
        snprintf(out, cap, "NaN");
    else if (isinf(v))
        snprintf(out, cap, v > 0 ? "+Inf" : "-Inf");
    else if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v)
        snprintf(out, cap, "%.0f", v);
    else
        snprintf(out, cap, "%.17g", v);
}

/* HELP text escaping: backslash and newline. */
static bt_status put_help(struct bts_buf *b, const char *help)
{
    bt_status rc = BT_OK;
    for (const char *p = help; *p && rc == BT_OK; p++) {
        if (*p == '\\')
            rc = bts_buf_append(b, "\\\\", 2);
        else if (*p == '\n')
            rc = bts_buf_append(b, "\\n", 2);
        else
            rc = bts_buf_append(b, p, 1);
    }
    return rc;
}

static const char *kind_name(enum metric_kind k)
{
    switch (k) {
    case METRIC_COUNTER:
        return "counter";
    case METRIC_GAUGE:
        return "gauge";
    case METRIC_HISTOGRAM:
        return "histogram";
    }
    return "untyped";
}

static bt_status render_histogram(struct bts_buf *b, const struct family *f, struct metric *s)
{
    const char *sep = *s->labels ? "," : "";
    uint64_t cum = 0;
    char v[40], le[40];
    bt_status rc = BT_OK;
    for (size_t i = 0; i < f->n_bounds && rc == BT_OK; i++) {
        cum += atomic_load_explicit(&s->buckets[i], memory_order_relaxed);
        fmt_value(le, sizeof(le), f->bounds[i]);
        if (f->bounds[i] != (double)(int64_t)f->bounds[i])
            snprintf(le, sizeof(le), "%.6g", f->bounds[i]);
        rc = bts_buf_printf(b, "%s_bucket{%s%sle=\"%s\"} %llu\n", f->name, s->labels, sep, le,
                            (unsigned long long)cum);
    }
    uint64_t count = atomic_load_explicit(&s->count, memory_order_relaxed);
    fmt_value(v, sizeof(v), dval(atomic_load_explicit(&s->sum, memory_order_relaxed)));
    const char *lo = *s->labels ? "{" : "", *lc = *s->labels ? "}" : "";
    if (rc == BT_OK)
        rc = bts_buf_printf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", f->name, s->labels, sep,
                            (unsigned long long)count);
    if (rc == BT_OK)
        rc = bts_buf_printf(b, "%s_sum%s%s%s %s\n", f->name, lo, s->labels, lc, v);
    if (rc == BT_OK)
        rc = bts_buf_printf(b, "%s_count%s%s%s %llu\n", f->name, lo, s->labels, lc,
                            (unsigned long long)count);
    return rc;
}

char *metrics_render(struct metrics *m, size_t *out_len)
{
    struct bts_buf b = BTS_BUF_INIT;
    bt_status rc = BT_OK;
    if (!m)
        return NULL;
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < m->n && rc == BT_OK; i++) {
        const struct family *f = m->fams[i];
        if (*f->help) {
            rc = bts_buf_printf(&b, "# HELP %s ", f->name);
            if (rc == BT_OK)
                rc = put_help(&b, f->help);
            if (rc == BT_OK)
                rc = bts_buf_append(&b, "\n", 1);
        }
        if (rc == BT_OK)
            rc = bts_buf_printf(&b, "# TYPE %s %s\n", f->name, kind_name(f->kind));
        for (struct metric *s = f->first; s && rc == BT_OK; s = s->next) {
            if (f->kind == METRIC_HISTOGRAM) {
                rc = render_histogram(&b, f, s);
                continue;
            }
            char v[40];
            double val = s->fn ? s->fn(s->fn_arg)
                               : dval(atomic_load_explicit(&s->value, memory_order_relaxed));
            fmt_value(v, sizeof(v), val);
            if (*s->labels)
                rc = bts_buf_printf(&b, "%s{%s} %s\n", f->name, s->labels, v);
            else
                rc = bts_buf_printf(&b, "%s %s\n", f->name, v);
        }
    }
    pthread_mutex_unlock(&m->mu);
    if (rc == BT_OK)
        rc = bts_buf_append(&b, "", 1); /* NUL */
    if (rc != BT_OK) {
        bts_buf_free(&b);
        return NULL;
    }
    size_t len;
    char *out = (char *)bts_buf_detach(&b, &len);
    if (out_len)
        *out_len = len - 1;
    return out;
}
