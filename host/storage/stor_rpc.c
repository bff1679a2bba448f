/* The storage admin methods (RPC_F_ADMIN: IPC, or HTTP/WS with the admin token): start a hot
 * swap and follow it (status, or notifications on IPC/WS), backend figures, a full digest.
 * `bttcd storage swap` is a client of these (stor_swap_cli.c). Loop thread only. */
#include "stor_rpc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log_int.h"

/* One admin_storageSwapSubscribe: its id on the connection's sink. */
struct stor_rpc_sub {
    struct stor_rpc_sub *next;
    struct stor_rpc *r;
    struct rpc_sink *sink;
    char id[RPC_SUB_ID_MAX];
};

json_t *stor_rpc_object_param(struct bt_rpc_call *call, const char *want)
{
    json_t *p;
    if (rpc_params(call, 1, 0, &p) != BT_OK)
        return NULL;
    json_t *o = json_array_size(p) ? json_incref(json_array_get(p, 0)) : json_object();
    json_decref(p);
    if (!json_is_object(o)) {
        json_decref(o);
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS, want, NULL);
        return NULL;
    }
    return o;
}

/* --- swap state ------------------------------------------------------------------------- */

static const char *phase_name(const struct stor_rpc *r)
{
    if (r->rep.is_done)
        return r->rep.status == BT_OK ? "done" : "aborted";
    return stor_step_name(r->rep.step);
}

/* The status object (admin_storageSwapStatus, notifications); JSON null before any swap. */
static json_t *status_json(const struct stor_rpc *r)
{
    if (!r->id)
        return json_null();
    const struct stor_swap_report *p = &r->rep;
    json_t *o = json_pack(
        "{s:I,s:s,s:b,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f}", "id", (json_int_t)r->id,
        "phase", phase_name(r), "running", r->is_running, "from", r->from, "to", r->to, "path",
        r->path, "keysCopied", (json_int_t)p->keys_copied, "keysTotalEst",
        (json_int_t)p->keys_total_est, "tailOps", (json_int_t)p->tail_ops, "tailBatches",
        (json_int_t)p->tail_batches, "keysPerSec", p->rate_keys_s, "elapsedMs", p->elapsed_ms,
        "pauseMs", p->pause_ms, "maxCommitWaitMs", p->max_commit_wait_ms);
    if (!o)
        return NULL;
    json_object_set_new(o, "bytesCopied", json_integer((json_int_t)p->bytes_copied));
    json_object_set_new(o, "bytesTotalEst", json_integer((json_int_t)p->bytes_total_est));
    json_object_set_new(o, "etaSec", p->eta_s >= 0 ? json_real(p->eta_s) : json_null());
    if (p->is_done && p->status == BT_OK) {
        char hex[67] = "0x";
        stor_digest_hex(&p->digest, hex + 2);
        json_object_set_new(o, "verified",
                            json_pack("{s:I,s:I,s:s}", "keys", (json_int_t)p->digest.n_keys,
                                      "bytes", (json_int_t)p->digest.n_bytes, "digest", hex));
    } else if (p->is_done) {
        json_object_set_new(o, "error", json_string(p->error));
        json_object_set_new(o, "status", json_string(bts_status_str(p->status)));
    }
    return o;
}

/* Push the status to every subscriber. Ids are copied first: a failing send may close a
 * connection and drop subscriptions while we walk. */
static void notify_all(struct stor_rpc *r)
{
    size_t n = 0;
    for (struct stor_rpc_sub *u = r->subs; u; u = u->next)
        n++;
    if (n == 0)
        return;
    char(*ids)[RPC_SUB_ID_MAX] = calloc(n, sizeof(*ids));
    json_t *st = status_json(r);
    char *text = st ? json_dumps(st, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(st);
    if (ids && text) {
        size_t i = 0;
        for (struct stor_rpc_sub *u = r->subs; u; u = u->next)
            memcpy(ids[i++], u->id, RPC_SUB_ID_MAX);
        for (i = 0; i < n; i++)
            rpc_sub_notify(r->rpc, ids[i], text);
    }
    free(ids);
    free(text);
}

static void on_swap_event(void *arg, const struct stor_swap_report *rep)
{
    struct stor_rpc *r = arg;
    r->rep = *rep;
    r->rep.from = r->from;
    r->rep.to = r->to;
    r->rep.to_path = r->path;
    if (rep->is_done)
        r->is_running = 0;
    notify_all(r);
}

/* --- admin_storageSwap {to, path?} ----------------------------------------------------------- */

static void m_swap(void *arg, struct bt_rpc_call *call)
{
    struct stor_rpc *r = arg;
    struct stor_node *sn = r->sn;
    json_t *o = stor_rpc_object_param(call, "want {\"to\": BACKEND, \"path\": DIR (optional)}");
    if (!o)
        return;
    const char *to = json_string_value(json_object_get(o, "to"));
    json_t *jp = json_object_get(o, "path");
    const char *path = json_string_value(jp);
    if (!to || (jp && !json_is_null(jp) && (!path || !*path))) {
        json_decref(o);
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS,
                       "want {\"to\": BACKEND, \"path\": DIR (optional)}", NULL);
        return;
    }
    char err[2048] = "";
    const struct stor_backend *be = NULL;
    char *abs = NULL;
    bt_status st = BT_EBUSY;
    if (stor_swap_running(sn->s)) {
        snprintf(err, sizeof(err), "a storage swap is already running");
    } else if ((st = stor_node_backend(sn, to, &be, err, sizeof(err))) != BT_OK) {
        /* err names the backend and why */
    } else if (!(abs = stor_node_path(sn->datadir, to, path)) || strlen(abs) >= sizeof(r->path)) {
        snprintf(err, sizeof(err), "target path too long or out of memory");
        st = BT_ENOMEM;
    } else {
        /* Set before starting: a report may come before stor_swap_start returns (a swap that
         * fails to queue its first job ends at once). A refusal restores the last swap. */
        struct stor_swap_report prev_rep = r->rep;
        char prev_from[sizeof(r->from)], prev_to[sizeof(r->to)], prev_path[sizeof(r->path)];
        memcpy(prev_from, r->from, sizeof(prev_from));
        memcpy(prev_to, r->to, sizeof(prev_to));
        memcpy(prev_path, r->path, sizeof(prev_path));
        uint64_t prev = r->id;
        r->id = prev + 1;
        r->is_running = 1;
        memset(&r->rep, 0, sizeof(r->rep));
        r->rep.eta_s = -1;
        snprintf(r->from, sizeof(r->from), "%s", stor_backend_name(sn->s));
        snprintf(r->to, sizeof(r->to), "%s", to);
        snprintf(r->path, sizeof(r->path), "%s", abs);
        st = stor_swap_start(sn->s, sn->rt, sn->datadir, be, abs, on_swap_event, r, err,
                             sizeof(err));
        if (st != BT_OK) {
            r->id = prev;
            r->is_running = 0;
            r->rep = prev_rep;
            memcpy(r->from, prev_from, sizeof(prev_from));
            memcpy(r->to, prev_to, sizeof(prev_to));
            memcpy(r->path, prev_path, sizeof(prev_path));
        }
    }
    free(abs);
    if (st != BT_OK)
        hlog(BT_LOG_WARN, "storage swap refused", "to=%s err=%s", to, LOG_Q(err));
    json_decref(o); /* to points into it */
    if (st != BT_OK) {
        rpc_call_error(call, RPC_ERR_SERVER, err, NULL);
        return;
    }
    rpc_call_result_json(call, status_json(r));
    notify_all(r);
}

static void m_swap_status(void *arg, struct bt_rpc_call *call)
{
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    rpc_call_result_json(call, status_json(arg));
}

/* --- subscriptions ---------------------------------------------------------------------------- */

static void sub_drop(void *arg)
{
    struct stor_rpc_sub *u = arg;
    for (struct stor_rpc_sub **pp = &u->r->subs; *pp; pp = &(*pp)->next) {
        if (*pp == u) {
            *pp = u->next;
            break;
        }
    }
    free(u);
}

static void m_subscribe(void *arg, struct bt_rpc_call *call)
{
    struct stor_rpc *r = arg;
    struct rpc_sink *sink = rpc_call_sink(call);
    if (!sink)
        return;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    struct stor_rpc_sub *u = calloc(1, sizeof(*u));
    if (!u || rpc_sub_new(sink, sub_drop, u, u->id) != BT_OK) {
        free(u);
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    u->r = r;
    u->sink = sink;
    u->next = r->subs;
    r->subs = u;
    rpc_call_result_sub_id(call, u->id); /* the id goes out before the first notification */
    if (r->is_running) {
        json_t *st = status_json(r);
        char *text = st ? json_dumps(st, JSON_COMPACT) : NULL;
        json_decref(st);
        if (text)
            rpc_sub_notify(r->rpc, u->id, text);
        free(text);
    }
}

/* --- stats and verify ---------------------------------------------------------------------------
 */

static void m_stats(void *arg, struct bt_rpc_call *call)
{
    struct stor_rpc *r = arg;
    struct stor *s = r->sn->s;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    struct bt_storage_stats st;
    bt_status rc = stor_stats(s, &st);
    if (rc != BT_OK) {
        char msg[128];
        snprintf(msg, sizeof(msg), "storage stats: %s", bts_status_str(rc));
        rpc_call_error(call, RPC_ERR_SERVER, msg, NULL);
        return;
    }
    rpc_call_result_json(
        call,
        json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:b}", "backend", stor_backend_name(s), "path",
                  stor_path(s), "generation", (json_int_t)stor_generation(s), "approxKeys",
                  (json_int_t)st.approx_keys, "approxBytes", (json_int_t)st.approx_bytes,
                  "diskBytes", (json_int_t)st.disk_bytes, "swapRunning", stor_swap_running(s)));
}

struct verify_job {
    struct stor *s;
    struct bt_rpc_call *call;
    char backend[BT_PLUGIN_NAME_MAX + 1];
    struct stor_digest d;
    bt_status st;
};

static void job_verify(void *arg)
{
    struct verify_job *v = arg;
    snprintf(v->backend, sizeof(v->backend), "%s", stor_backend_name(v->s));
    v->st = stor_digest(v->s, &v->d);
}

static void done_verify(void *arg, bt_status st)
{
    struct verify_job *v = arg;
    if (st == BT_OK)
        st = v->st;
    if (st != BT_OK) {
        char msg[160];
        snprintf(msg, sizeof(msg), "storage verify: read error after %llu keys: %s",
                 (unsigned long long)v->d.n_keys, bts_status_str(st));
        rpc_call_error(v->call, RPC_ERR_SERVER, msg, NULL);
    } else {
        char hex[67] = "0x";
        stor_digest_hex(&v->d, hex + 2);
        rpc_call_result_json(v->call, json_pack("{s:s,s:I,s:I,s:s}", "backend", v->backend, "keys",
                                                (json_int_t)v->d.n_keys, "bytes",
                                                (json_int_t)v->d.n_bytes, "digest", hex));
    }
    free(v);
}

/* Reading every pair takes a while: a worker does it, the answer comes back on the loop. */
static void m_verify(void *arg, struct bt_rpc_call *call)
{
    struct stor_rpc *r = arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    struct verify_job *v = calloc(1, sizeof(*v));
    bt_status st = v ? BT_OK : BT_ENOMEM;
    if (v) {
        v->s = r->sn->s;
        v->call = call;
        st = workers_submit(&r->sn->rt->workers, r, job_verify, done_verify, v);
    }
    if (st != BT_OK) {
        free(v);
        rpc_call_error(call, RPC_ERR_INTERNAL, bts_status_str(st), NULL);
    }
}

/* --- registration ---------------------------------------------------------------------------- */

static const struct {
    const char *name;
    bt_rpc_fn fn;
} methods[] = {
    {"admin_storageSwap", m_swap},
    {"admin_storageSwapStatus", m_swap_status},
    {"admin_storageSwapSubscribe", m_subscribe},
    {"admin_storageSwapUnsubscribe", rpc_m_unsubscribe},
    {"admin_storageStats", m_stats},
    {"admin_storageVerify", m_verify},
};

bt_status stor_rpc_register(struct stor_node *sn)
{
    if (!sn->rt->rpc)
        return BT_OK;
    struct stor_rpc *r = calloc(1, sizeof(*r));
    if (!r)
        return BT_ENOMEM;
    r->sn = sn;
    r->rpc = sn->rt->rpc;
    sn->rpc = r;
    bt_status st = BT_OK;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]) && st == BT_OK; i++)
        st = rpc_register(r->rpc, r, methods[i].name, RPC_F_ADMIN, methods[i].fn, r);
    const char *t = getenv("BTTCD_STORAGE_TEST");
    if (st == BT_OK && t && strcmp(t, "1") == 0)
        st = stor_rpc_test_register(r);
    return st;
}

void stor_rpc_drop(struct stor_node *sn)
{
    struct stor_rpc *r = sn->rpc;
    if (!r)
        return;
    stor_rpc_test_drop(r);
    rpc_drop_owner(r->rpc, r);
    while (r->subs) /* sub_drop unlinks it */
        if (rpc_sub_cancel(r->subs->sink, r->subs->id) != BT_OK)
            sub_drop(r->subs);
    free(r);
    sn->rpc = NULL;
}
