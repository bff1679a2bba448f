/* Private to sdk/mockhost: the mock's state and the entry check every service runs first. */
#ifndef BTS_MOCKHOST_INT_H
#define BTS_MOCKHOST_INT_H

#include <bts/mockhost.h>

#include <pthread.h>

#define MOCK_MAGIC 0x4d4f434bu /* "MOCK" */

struct mock_block;

struct mock_conf {
    char *key, *value;
    uint32_t line;
};

struct mock_timer {
    uint64_t id, due, period;
    bt_timer_fn fn;
    void *arg;
};

/* A queued call: a deferred fn, or the on_done of a job (done != NULL). */
struct mock_call {
    bt_defer_fn fn;
    bt_work_fn worker;
    bt_work_done_fn done;
    void *arg;
    bt_status st;
};

struct mock_service {
    char *name;
    const void *iface;
    void *self;
};

struct mock_metric {
    char *name;
    uint32_t type;
    double value;
};

struct mock_fault {
    uint32_t countdown; /* 0: no fault armed */
    uint32_t persistent, firing;
    bt_status st;
    uint64_t hits;
};

/* A growable array of T: items, n, cap. */
#define MOCK_VEC(T)                                                                                \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }

struct bts_mockhost {
    uint32_t magic; /* first: bts_mockhost_of() checks it */
    struct bt_host table;
    pthread_mutex_t lock; /* recursive; never held while plugin code runs */
    uint8_t enabled[BTS_MOCK_N_SVC];
    uint64_t calls[BTS_MOCK_N_SVC];
    struct mock_fault faults[BTS_MOCK_N_SVC];
    bts_mock_failure_fn on_failure;
    void *on_failure_arg;
    uint32_t n_failures;
    char error[1024];      /* from set_error */
    char last_error[1024]; /* for last_error */
    /* memory */
    size_t mem_blocks, mem_bytes;
    struct mock_block *mem_list; /* live blocks, newest first (mock_mem.c) */
    /* log */
    uint32_t log_max;
    int log_echo;
    MOCK_VEC(char *) log;
    /* config */
    MOCK_VEC(struct mock_conf) conf;
    char *datadir;
    /* clock, timers, queues */
    uint64_t now;
    uint64_t next_timer_id;
    MOCK_VEC(struct mock_timer) timers;
    MOCK_VEC(struct mock_call) deferred;
    MOCK_VEC(struct mock_call) jobs;
    uint32_t work_mode;
    /* registry, metrics, signer */
    MOCK_VEC(struct mock_service) services;
    MOCK_VEC(struct mock_metric) metrics;
    bts_mock_sign_fn sign;
    bts_mock_key_address_fn key_address;
    void *signer_arg;
};

/* Grow a MOCK_VEC by one slot; aborts on OOM (test infrastructure). Returns the new slot. */
#define MOCK_PUSH(vec)                                                                             \
    ((vec).n == (vec).cap ? bts_mk_grow((void **)&(vec).v, &(vec).cap, sizeof(*(vec).v))           \
                          : (void)0,                                                               \
     &(vec).v[(vec).n++])
void bts_mk_grow(void **v, size_t *cap, size_t elem);
char *bts_mk_strdup(const char *s);

/* Every service starts here. Returns the mock to carry on with the real behaviour, or NULL
 * when the call must fail at once: *out_st is then the status to return (an injected fault,
 * BT_EINTERNAL for a trap, BT_EINVAL for a foreign hctx). Counts the call. */
struct bts_mockhost *bts_mk_enter(struct bt_host_ctx *h, uint32_t svc, bt_status *out_st);
/* Report a failure through the handler ("unexpected host call: x", "misuse: ..."). */
void bts_mk_fail(struct bts_mockhost *m, const char *fmt, ...) BT_PRINTF(2, 3);
void bts_mk_lock(struct bts_mockhost *m);
void bts_mk_unlock(struct bts_mockhost *m);

/* The service implementations, one file per group, installed into the table by mockhost.c. */
void bts_mk_install_mem(struct bt_host *t);
void bts_mk_install_log_conf(struct bt_host *t);
void bts_mk_install_loop(struct bt_host *t);
void bts_mk_install_registry(struct bt_host *t);
void bts_mk_free_mem_check(struct bts_mockhost *m);

#endif /* BTS_MOCKHOST_INT_H */
