/* Test-only storage methods, registered when BTTCD_STORAGE_TEST=1 (admin only): the node has
 * no chain yet, so tests/storage-swap/node_swap.sh drives writes through these.
 *   test_storageFill {batches, keys}  preload: batch b puts f<b>-<i> (i < keys), on a worker
 *   test_storageWriteStart            a writer thread: batch j = 1, 2, ... puts w<j> = j and
 *                                     hot = j; j is acknowledged once the write returned BT_OK
 *   test_storageWriteStop             join it; {"acked": last acknowledged j, "error"?}
 *   test_storageCheck {acked, batches, keys}  on a worker: every w<j> j <= acked with its value,
 *                                     no w<acked+1>, hot = acked, every fill key; counts back
 * Keys live in the namespace of the (fictional) plugin "bttcd-test". */
#include "stor_rpc_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define TEST_NS_NAME "bttcd-test"

struct stor_test {
    struct stor_rpc *r;
    struct stor_ns ns;
    pthread_t tid;
    int is_writing;
    int stop;       /* __atomic */
    uint64_t acked; /* __atomic */
    bt_status st;   /* the writer's first error */
};

static bt_status put_batch(struct stor *s, const struct stor_ns *ns, char (*k)[40], char (*v)[40],
                           size_t n)
{
    struct stor_op ops[64];
    for (size_t i = 0; i < n; i++)
        ops[i] = (struct stor_op){.type = BT_STORAGE_PUT,
                                  .ns = ns,
                                  .key = (const uint8_t *)k[i],
                                  .key_len = strlen(k[i]),
                                  .value = (const uint8_t *)v[i],
                                  .value_len = strlen(v[i])};
    return stor_write(s, ops, n, 0);
}

/* --- the writer thread ------------------------------------------------------------------------ */

static void *writer(void *arg)
{
    struct stor_test *t = arg;
    for (uint64_t j = 1; !__atomic_load_n(&t->stop, __ATOMIC_SEQ_CST); j++) {
        char k[2][40], v[2][40];
        snprintf(k[0], sizeof(k[0]), "w%010llu", (unsigned long long)j);
        snprintf(k[1], sizeof(k[1]), "hot");
        snprintf(v[0], sizeof(v[0]), "%llu", (unsigned long long)j);
        snprintf(v[1], sizeof(v[1]), "%llu", (unsigned long long)j);
        bt_status st = put_batch(t->r->sn->s, &t->ns, k, v, 2);
        if (st != BT_OK) {
            t->st = st;
            break;
        }
        __atomic_store_n(&t->acked, j, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void m_write_start(void *arg, struct bt_rpc_call *call)
{
    struct stor_test *t = arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    if (t->is_writing) {
        rpc_call_error(call, RPC_ERR_SERVER, "the test writer is already running", NULL);
        return;
    }
    t->stop = 0;
    t->acked = 0;
    t->st = BT_OK;
    if (pthread_create(&t->tid, NULL, writer, t) != 0) {
        rpc_call_error(call, RPC_ERR_INTERNAL, "cannot start a thread", NULL);
        return;
    }
    t->is_writing = 1;
    rpc_call_result(call, "true");
}

static void writer_stop(struct stor_test *t)
{
    if (!t->is_writing)
        return;
    __atomic_store_n(&t->stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(t->tid, NULL); /* at most one commit: a swap's pause is milliseconds */
    t->is_writing = 0;
}

static void m_write_stop(void *arg, struct bt_rpc_call *call)
{
    struct stor_test *t = arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    if (!t->is_writing) {
        rpc_call_error(call, RPC_ERR_SERVER, "the test writer is not running", NULL);
        return;
    }
    writer_stop(t);
    json_t *o = json_pack("{s:I}", "acked", (json_int_t)t->acked);
    if (o && t->st != BT_OK)
        json_object_set_new(o, "error", json_string(bts_status_str(t->st)));
    rpc_call_result_json(call, o);
}

/* --- fill and check, on a worker
 * ------------------------------------------------------------------ */

struct test_job {
    struct stor_test *t;
    struct bt_rpc_call *call;
    int is_check;
    uint64_t batches, keys, acked;
    uint64_t checked, missing, wrong, extra;
    bt_status st;
};

static void fill_kv(uint64_t b, uint64_t i, char k[40], char v[40])
{
    snprintf(k, 40, "f%08u-%04u", (unsigned)b, (unsigned)i);
    snprintf(v, 40, "v%u-%u-0123456789abcdef", (unsigned)b, (unsigned)i);
}

/* Compare key k with want (NULL: must be absent). */
static bt_status check_key(struct test_job *j, const char *k, const char *want)
{
    struct bt_value v;
    memset(&v, 0, sizeof(v));
    bt_status st = stor_get(j->t->r->sn->s, &j->t->ns, NULL, (const uint8_t *)k, strlen(k), &v);
    j->checked++;
    if (st == BT_ENOTFOUND) {
        j->missing += want != NULL;
        return BT_OK;
    }
    if (st != BT_OK)
        return st;
    if (!want)
        j->extra++;
    else if (v.len != strlen(want) || memcmp(v.data, want, v.len) != 0)
        j->wrong++;
    if (v.release)
        v.release(&v);
    return BT_OK;
}

static void job_run(void *arg)
{
    struct test_job *j = arg;
    struct stor *s = j->t->r->sn->s;
    char k[64][40], v[64][40];
    j->st = BT_OK;
    for (uint64_t b = 0; b < j->batches && j->st == BT_OK; b++) {
        for (uint64_t i = 0; i < j->keys; i++)
            fill_kv(b, i, k[i], v[i]);
        if (!j->is_check) {
            j->st = put_batch(s, &j->t->ns, k, v, j->keys);
            continue;
        }
        for (uint64_t i = 0; i < j->keys && j->st == BT_OK; i++)
            j->st = check_key(j, k[i], v[i]);
    }
    if (!j->is_check)
        return;
    for (uint64_t w = 1; w <= j->acked + 1 && j->st == BT_OK; w++) {
        snprintf(k[0], sizeof(k[0]), "w%010llu", (unsigned long long)w);
        snprintf(v[0], sizeof(v[0]), "%llu", (unsigned long long)w);
        j->st = check_key(j, k[0], w <= j->acked ? v[0] : NULL);
    }
    snprintf(v[0], sizeof(v[0]), "%llu", (unsigned long long)j->acked);
    if (j->st == BT_OK)
        j->st = check_key(j, "hot", j->acked ? v[0] : NULL);
}

static void job_done(void *arg, bt_status st)
{
    struct test_job *j = arg;
    if (st == BT_OK)
        st = j->st;
    if (st != BT_OK) {
        char msg[128];
        snprintf(msg, sizeof(msg), "%s: %s", j->is_check ? "check" : "fill", bts_status_str(st));
        rpc_call_error(j->call, RPC_ERR_SERVER, msg, NULL);
    } else if (j->is_check) {
        struct stor *s = j->t->r->sn->s;
        rpc_call_result_json(
            j->call, json_pack("{s:s,s:I,s:I,s:I,s:I}", "backend", stor_backend_name(s), "checked",
                               (json_int_t)j->checked, "missing", (json_int_t)j->missing, "wrong",
                               (json_int_t)j->wrong, "extra", (json_int_t)j->extra));
    } else {
        rpc_call_result_json(j->call,
                             json_pack("{s:I}", "keys", (json_int_t)(j->batches * j->keys)));
    }
    free(j);
}

static void start_job(struct stor_test *t, struct bt_rpc_call *call, int is_check)
{
    json_t *o = stor_rpc_object_param(call, "want {\"batches\": N, \"keys\": 1..64, \"acked\": N}");
    if (!o)
        return;
    json_int_t nb = json_integer_value(json_object_get(o, "batches"));
    json_int_t nk = json_integer_value(json_object_get(o, "keys"));
    json_int_t na = json_integer_value(json_object_get(o, "acked"));
    json_decref(o);
    if (nb < 0 || nk < 0 || nk > 64 || na < 0 || (nb > 0 && nk == 0)) {
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS, "want batches >= 0, keys 1..64, acked >= 0",
                       NULL);
        return;
    }
    struct test_job *j = calloc(1, sizeof(*j));
    bt_status st = j ? BT_OK : BT_ENOMEM;
    if (j) {
        *j = (struct test_job){.t = t,
                               .call = call,
                               .is_check = is_check,
                               .batches = (uint64_t)nb,
                               .keys = (uint64_t)nk,
                               .acked = (uint64_t)na};
        st = workers_submit(&t->r->sn->rt->workers, t->r, job_run, job_done, j);
    }
    if (st != BT_OK) {
        free(j);
        rpc_call_error(call, RPC_ERR_INTERNAL, bts_status_str(st), NULL);
    }
}

static void m_fill(void *arg, struct bt_rpc_call *call)
{
    start_job(arg, call, 0);
}

static void m_check(void *arg, struct bt_rpc_call *call)
{
    start_job(arg, call, 1);
}

bt_status stor_rpc_test_register(struct stor_rpc *r)
{
    struct stor_test *t = calloc(1, sizeof(*t));
    if (!t)
        return BT_ENOMEM;
    t->r = r;
    r->test = t;
    bt_status st = stor_ns_plugin(&t->ns, TEST_NS_NAME);
    if (st == BT_OK)
        st = rpc_register(r->rpc, r, "test_storageFill", RPC_F_ADMIN, m_fill, t);
    if (st == BT_OK)
        st = rpc_register(r->rpc, r, "test_storageWriteStart", RPC_F_ADMIN, m_write_start, t);
    if (st == BT_OK)
        st = rpc_register(r->rpc, r, "test_storageWriteStop", RPC_F_ADMIN, m_write_stop, t);
    if (st == BT_OK)
        st = rpc_register(r->rpc, r, "test_storageCheck", RPC_F_ADMIN, m_check, t);
    return st;
}

void stor_rpc_test_drop(struct stor_rpc *r)
{
    if (!r->test)
        return;
    writer_stop(r->test);
    free(r->test);
    r->test = NULL;
}
