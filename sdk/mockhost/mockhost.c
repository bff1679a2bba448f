/* The mock host's core: the table, traps, posing as an older minor, fault countdowns, the
 * failure handler, errors, and the inspection API (bts/mockhost.h). Service groups live in
 * mock_*.c. */
#include <bts/mockhost.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mockhost_int.h"

#define SVC(field, can_fail, has_real)                                                             \
    {                                                                                              \
#field, offsetof(struct bt_host, field) + sizeof(((struct bt_host *)0)->field), can_fail,  \
            has_real                                                                               \
    }

/* Table order, as enum bts_mock_svc. `end` is where the entry ends (for struct_size posing);
 * can_fail: a fault may be injected; has_real: bts_mockhost_use() can make it real. */
static const struct {
    const char *name;
    size_t end;
    uint8_t can_fail, has_real;
} svc_info[BTS_MOCK_N_SVC] = {
    SVC(log, 0, 1),           SVC(log_enabled, 0, 1),     SVC(set_error, 0, 1),
    SVC(last_error, 0, 1),    SVC(mem_alloc, 1, 1),       SVC(mem_realloc, 1, 1),
    SVC(mem_free, 0, 1),      SVC(conf_get, 1, 1),        SVC(conf_next, 1, 1),
    SVC(datadir, 0, 1),       SVC(now_ms, 0, 1),          SVC(wall_ms, 0, 1),
    SVC(timer_add, 1, 1),     SVC(timer_del, 1, 1),       SVC(defer, 1, 1),
    SVC(work_submit, 1, 1),   SVC(metric_register, 1, 1), SVC(metric_update, 0, 1),
    SVC(rpc_register, 1, 0),  SVC(rpc_result, 0, 0),      SVC(rpc_error, 0, 0),
    SVC(http_register, 1, 0), SVC(http_reply, 0, 0),      SVC(topic_register, 1, 0),
    SVC(topic_send, 1, 0),    SVC(peer_penalise, 0, 0),   SVC(service_provide, 1, 1),
    SVC(service_find, 1, 1),  SVC(service_each, 0, 1),    SVC(sign, 1, 1),
    SVC(key_address, 1, 1),
};

const char *bts_mockhost_svc_name(uint32_t svc)
{
    return svc < BTS_MOCK_N_SVC ? svc_info[svc].name : "?";
}

void bts_mk_grow(void **v, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    void *nv = realloc(*v, ncap * elem);
    if (!nv)
        abort();
    *v = nv;
    *cap = ncap;
}

char *bts_mk_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

void bts_mk_lock(struct bts_mockhost *m)
{
    pthread_mutex_lock(&m->lock);
}

void bts_mk_unlock(struct bts_mockhost *m)
{
    pthread_mutex_unlock(&m->lock);
}

static void default_failure(void *arg, const char *what)
{
    (void)arg;
    fprintf(stderr, "mockhost: %s\n", what);
    CU_assertImplementation(CU_FALSE, 0, what, "mockhost", "", CU_FALSE);
}

void bts_mk_fail(struct bts_mockhost *m, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (!m) {
        default_failure(NULL, what);
        return;
    }
    bts_mk_lock(m);
    m->n_failures++;
    bts_mock_failure_fn fn = m->on_failure;
    void *arg = m->on_failure_arg;
    bts_mk_unlock(m);
    fn(arg, what);
}

struct bts_mockhost *bts_mockhost_of(struct bt_host_ctx *h)
{
    struct bts_mockhost *m = (struct bts_mockhost *)h;
    if (!m || m->magic != MOCK_MAGIC) {
        bts_mk_fail(NULL, "misuse: host service called with an hctx the mock did not hand out");
        return NULL;
    }
    return m;
}

struct bts_mockhost *bts_mk_enter(struct bt_host_ctx *h, uint32_t svc, bt_status *out_st)
{
    struct bts_mockhost *m = bts_mockhost_of(h);
    if (!m) {
        *out_st = BT_EINVAL;
        return NULL;
    }
    bts_mk_lock(m);
    m->calls[svc]++;
    m->last_error[0] = 0;
    int beyond = svc_info[svc].end > m->table.struct_size;
    struct mock_fault *f = &m->faults[svc];
    int fire = 0;
    if (f->firing) {
        fire = 1;
    } else if (f->countdown && --f->countdown == 0) {
        fire = 1;
        f->firing = f->persistent;
    }
    if (fire && !beyond) {
        f->hits++;
        *out_st = f->st;
        snprintf(m->last_error, sizeof(m->last_error), "injected fault: %s", svc_info[svc].name);
    }
    int trapped = !m->enabled[svc];
    bts_mk_unlock(m);
    if (beyond) {
        bts_mk_fail(m, "host call beyond struct_size: %s (struct_size %u, entry ends at %zu)",
                    svc_info[svc].name, m->table.struct_size, svc_info[svc].end);
        *out_st = BT_EINTERNAL;
        return NULL;
    }
    if (fire)
        return NULL;
    if (trapped) {
        bts_mk_fail(m, "unexpected host call: %s", svc_info[svc].name);
        *out_st = BT_EINTERNAL;
        return NULL;
    }
    return m;
}

/* --- errors: always real --------------------------------------------------------------------- */

static void mk_set_error(struct bt_host_ctx *h, const char *fmt, ...)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_SET_ERROR, &st);
    if (!m)
        return;
    char buf[sizeof(m->error)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    bts_mk_lock(m);
    memcpy(m->error, buf, sizeof(buf));
    bts_mk_unlock(m);
}

static const char *mk_last_error(struct bt_host_ctx *h)
{
    struct bts_mockhost *m = bts_mockhost_of(h);
    if (!m)
        return "";
    /* Not through bts_mk_enter: reading the message must not clear it. */
    bts_mk_lock(m);
    m->calls[BTS_MOCK_LAST_ERROR]++;
    bts_mk_unlock(m);
    return m->last_error;
}

/* --- lifetime ------------------------------------------------------------------------------- */

struct bts_mockhost *bts_mockhost_new(void)
{
    struct bts_mockhost *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    m->magic = MOCK_MAGIC;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m->lock, &a);
    pthread_mutexattr_destroy(&a);
    m->on_failure = default_failure;
    m->table.struct_size = sizeof(struct bt_host);
    m->table.abi_major = BT_ABI_MAJOR;
    m->table.abi_minor = BT_ABI_MINOR;
    m->table.host_version = "mockhost";
    m->table.set_error = mk_set_error;
    m->table.last_error = mk_last_error;
    bts_mk_install_mem(&m->table);
    bts_mk_install_log_conf(&m->table);
    bts_mk_install_loop(&m->table);
    bts_mk_install_registry(&m->table);
    /* Errors and memory are real from the start: every plugin uses them on every path. */
    static const uint32_t always[] = {BTS_MOCK_SET_ERROR, BTS_MOCK_LAST_ERROR, BTS_MOCK_MEM_ALLOC,
                                      BTS_MOCK_MEM_REALLOC, BTS_MOCK_MEM_FREE};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(always); i++)
        m->enabled[always[i]] = 1;
    m->now = 1000000;
    m->next_timer_id = 1;
    const char *echo = getenv("BTS_MOCKHOST_LOG");
    m->log_echo = echo && *echo && *echo != '0';
    return m;
}

void bts_mockhost_free(struct bts_mockhost *m)
{
    if (!m)
        return;
    bts_mk_free_mem_check(m);
    for (size_t i = 0; i < m->log.n; i++)
        free(m->log.v[i]);
    free(m->log.v);
    for (size_t i = 0; i < m->conf.n; i++) {
        free(m->conf.v[i].key);
        free(m->conf.v[i].value);
    }
    free(m->conf.v);
    free(m->datadir);
    free(m->timers.v);
    free(m->deferred.v);
    free(m->jobs.v);
    for (size_t i = 0; i < m->services.n; i++)
        free(m->services.v[i].name);
    free(m->services.v);
    for (size_t i = 0; i < m->metrics.n; i++)
        free(m->metrics.v[i].name);
    free(m->metrics.v);
    pthread_mutex_destroy(&m->lock);
    m->magic = 0;
    free(m);
}

const struct bt_host *bts_mockhost_host(struct bts_mockhost *m)
{
    return &m->table;
}

struct bt_host *bts_mockhost_table(struct bts_mockhost *m)
{
    return &m->table;
}

struct bt_host_ctx *bts_mockhost_ctx(struct bts_mockhost *m)
{
    return (struct bt_host_ctx *)m;
}

void bts_mockhost_set_struct_size(struct bts_mockhost *m, uint32_t struct_size)
{
    if (struct_size < offsetof(struct bt_host, host_version) ||
        struct_size > sizeof(struct bt_host)) {
        bts_mk_fail(m, "misuse: set_struct_size %u outside 8..%zu", struct_size,
                    sizeof(struct bt_host));
        return;
    }
    m->table.struct_size = struct_size;
}

void bts_mockhost_on_failure(struct bts_mockhost *m, bts_mock_failure_fn fn, void *arg)
{
    bts_mk_lock(m);
    m->on_failure = fn ? fn : default_failure;
    m->on_failure_arg = fn ? arg : NULL;
    bts_mk_unlock(m);
}

uint32_t bts_mockhost_failures(const struct bts_mockhost *m)
{
    return m->n_failures;
}

void bts_mockhost_use(struct bts_mockhost *m, uint32_t svc)
{
    if (svc >= BTS_MOCK_N_SVC || !svc_info[svc].has_real) {
        bts_mk_fail(m, "misuse: bts_mockhost_use(%s): no real behaviour; patch the table",
                    bts_mockhost_svc_name(svc));
        return;
    }
    bts_mk_lock(m);
    m->enabled[svc] = 1;
    bts_mk_unlock(m);
}

uint64_t bts_mockhost_calls(const struct bts_mockhost *m, uint32_t svc)
{
    return svc < BTS_MOCK_N_SVC ? m->calls[svc] : 0;
}

const char *bts_mockhost_error(const struct bts_mockhost *m)
{
    return m->error;
}

/* --- faults --------------------------------------------------------------------------------- */

void bts_mockhost_fault(struct bts_mockhost *m, uint32_t svc, uint32_t nth, bt_status st,
                        uint32_t mode)
{
    if (svc >= BTS_MOCK_N_SVC || !svc_info[svc].can_fail) {
        bts_mk_fail(m, "misuse: fault injection on %s: it cannot fail", bts_mockhost_svc_name(svc));
        return;
    }
    if (nth == 0 || (mode != BTS_MOCK_FAULT_ONCE && mode != BTS_MOCK_FAULT_PERSIST)) {
        bts_mk_fail(m, "misuse: fault on %s: nth must be >= 1 and mode ONCE or PERSIST",
                    svc_info[svc].name);
        return;
    }
    bts_mk_lock(m);
    struct mock_fault *f = &m->faults[svc];
    f->countdown = nth;
    f->persistent = mode == BTS_MOCK_FAULT_PERSIST;
    f->firing = 0;
    f->st = st;
    bts_mk_unlock(m);
}

void bts_mockhost_fault_clear(struct bts_mockhost *m, uint32_t svc)
{
    if (svc >= BTS_MOCK_N_SVC)
        return;
    bts_mk_lock(m);
    m->faults[svc].countdown = 0;
    m->faults[svc].firing = 0;
    bts_mk_unlock(m);
}

uint64_t bts_mockhost_fault_hits(const struct bts_mockhost *m, uint32_t svc)
{
    return svc < BTS_MOCK_N_SVC ? m->faults[svc].hits : 0;
}
