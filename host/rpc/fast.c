/* The dispatcher's fast path for calls without parameters (eth_blockNumber, eth_chainId,
 * net_version): a request that is one plain call object is recognised by a small scanner and
 * answered from the method's fast function, without a jansson parse, a call record and the
 * result's reparse. Anything the scanner does not know for sure (escapes, odd keys, key case,
 * repeated keys, non-empty params, ids jansson would print differently) goes the normal way,
 * so both ways give the same answer. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dispatch_int.h"
#include "metrics_int.h"

/* Longest id and method accepted here (longer ones go the normal way). */
#define FAST_ID_MAX     64
#define FAST_METHOD_MAX 127
#define FAST_RESULT_MAX 256

struct scan {
    const char *p, *end;
};

static void ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int eat(struct scan *s, char ch)
{
    ws(s);
    if (s->p >= s->end || *s->p != ch)
        return 0;
    s->p++;
    return 1;
}

/* A string of printable ASCII without escapes (what jansson prints back unchanged): its
 * contents in *out (not NUL-terminated), *out_len. 1, or 0 for anything else. */
static int plain_string(struct scan *s, const char **out, size_t *out_len)
{
    if (!eat(s, '"'))
        return 0;
    const char *b = s->p;
    while (s->p < s->end && *s->p != '"') {
        unsigned char ch = (unsigned char)*s->p;
        if (ch < 0x20 || ch > 0x7e || ch == '\\')
            return 0;
        s->p++;
    }
    if (s->p >= s->end)
        return 0;
    *out = b;
    *out_len = (size_t)(s->p - b);
    s->p++;
    return 1;
}

/* An id jansson prints back as it is written: a plain string, null, or an integer of at
 * most 15 digits without leading zeros or "-0". The text (quotes included) in *out. */
static int plain_id(struct scan *s, const char **out, size_t *out_len)
{
    ws(s);
    const char *b = s->p;
    if (s->p < s->end && *s->p == '"') {
        const char *str;
        size_t n;
        if (!plain_string(s, &str, &n) || n + 2 > FAST_ID_MAX)
            return 0;
    } else if ((size_t)(s->end - s->p) >= 4 && memcmp(s->p, "null", 4) == 0) {
        s->p += 4;
    } else {
        if (s->p < s->end && *s->p == '-')
            s->p++;
        const char *d = s->p;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
            s->p++;
        size_t nd = (size_t)(s->p - d);
        if (nd == 0 || nd > 15 || (*d == '0' && (nd > 1 || d > b)))
            return 0;
    }
    /* A number or null must end here (no fraction, exponent or longer word). */
    if (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ' ' && *s->p != '\t' &&
        *s->p != '\n' && *s->p != '\r' && s->p[-1] != '"')
        return 0;
    *out = b;
    *out_len = (size_t)(s->p - b);
    return 1;
}

/* {"jsonrpc":"2.0","id":ID,"method":"M"[,"params":[]]}, members in any order, each once,
 * lower-case keys. 1 with the id text and method name, or 0. */
static int scan_call(const char *text, size_t len, const char **id, size_t *id_len,
                     const char **method, size_t *method_len)
{
    struct scan s = {text, text + len};
    int seen_ver = 0, seen_id = 0, seen_method = 0, seen_params = 0;
    if (!eat(&s, '{'))
        return 0;
    do {
        const char *key;
        size_t kn;
        if (!plain_string(&s, &key, &kn) || !eat(&s, ':'))
            return 0;
        if (kn == 7 && memcmp(key, "jsonrpc", 7) == 0 && !seen_ver) {
            const char *v;
            size_t vn;
            if (!plain_string(&s, &v, &vn) || vn != 3 || memcmp(v, "2.0", 3) != 0)
                return 0;
            seen_ver = 1;
        } else if (kn == 2 && memcmp(key, "id", 2) == 0 && !seen_id) {
            if (!plain_id(&s, id, id_len))
                return 0;
            seen_id = 1;
        } else if (kn == 6 && memcmp(key, "method", 6) == 0 && !seen_method) {
            if (!plain_string(&s, method, method_len) || *method_len == 0 ||
                *method_len > FAST_METHOD_MAX)
                return 0;
            seen_method = 1;
        } else if (kn == 6 && memcmp(key, "params", 6) == 0 && !seen_params) {
            if (!eat(&s, '[') || !eat(&s, ']'))
                return 0;
            seen_params = 1;
        } else {
            return 0;
        }
    } while (eat(&s, ','));
    return eat(&s, '}') && seen_ver && seen_id && seen_method;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int rpc_fast_try(struct rpc_server *s, const struct rpc_peer *peer, const char *text, size_t len,
                 rpc_done_fn done, void *arg)
{
    const char *id = NULL, *mp = NULL;
    size_t id_len = 0, mn = 0;
    if (!s->n_fast || !scan_call(text, len, &id, &id_len, &mp, &mn))
        return 0;
    char name[FAST_METHOD_MAX + 1];
    memcpy(name, mp, mn);
    name[mn] = 0;
    const struct rpc_method *m = rpc_method_find(s, name);
    if (!m || !m->fast || ((m->flags & RPC_F_ADMIN) && !peer->is_admin))
        return 0;
    uint64_t t0 = now_ns();
    char result[FAST_RESULT_MAX];
    size_t rn = m->fast(m->arg, result, sizeof(result));
    if (rn == 0 || rn >= sizeof(result))
        return 0;
    char out[FAST_RESULT_MAX + FAST_ID_MAX + 40];
    int n = snprintf(out, sizeof(out), "{\"jsonrpc\":\"2.0\",\"id\":%.*s,\"result\":%s}",
                     (int)id_len, id, result);
    metric_add(m->m_calls, 1);
    metric_observe(m->m_time, (double)(now_ns() - t0) / 1e9);
    done(arg, out, (size_t)n);
    return 1;
}

bt_status rpc_set_fast(struct rpc_server *s, void *owner, const char *method, rpc_fast_fn fn)
{
    struct rpc_method *m = rpc_method_find(s, method);
    if (!m || m->owner != owner)
        return BT_ENOTFOUND;
    if (!m->fast)
        s->n_fast++;
    m->fast = fn;
    return BT_OK;
}
