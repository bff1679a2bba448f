/* Delivery REST answers (dlv_query.h). */
#include "dlv_query.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bts/hex.h>
#include <bts/u256.h>

#include "dlv_app_int.h"
#include "dlv_query_int.h"

const char *const dlv_query_routes[] = {
    "/bor/span/list",
    "/bor/span/{id}",
    "/bor/latest-span",
    "/bor/next-span-seed",
    "/bor/prepare-next-span",
    "/bor/params",
    "/clerk/event-record/list",
    "/clerk/event-record/{id}",
    "/clerk/isoldtx",
    "/checkpoints/latest/{root}",
    "/checkpoints/buffer/{root}",
    "/checkpoints/sync/{root}",
    "/checkpoints/count/{root}",
    "/checkpoints/last-no-ack",
    "/checkpoints/epoch",
    "/checkpoints/activation-height/{root}",
    "/checkpoints/list",
    "/checkpoints/{root}/{number}",
    "/overview",
    "/staking/validator-set",
    "/staking/validator/{id}",
    "/staking/signer/{address}",
    "/staking/current-proposer",
    "/staking/proposer/{times}",
    "/staking/validator-status/{address}",
    "/staking/totalpower",
    "/staking/queue/{root}",
    "/staking/next/{root}",
    "/topup/dividend-account-root",
    "/topup/dividend-account/{address}",
    "/topup/account-proof/{address}",
    "/topup/account-proof/{address}/verify",
    NULL,
};

void dlv_format_time(char out[40], uint64_t ms)
{
    time_t s = (time_t)(ms / 1000);
    unsigned frac = (unsigned)(ms % 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    /* Go's RFC3339Nano drops trailing zeros of the fraction, and the dot with them. */
    if (frac) {
        char f[8];
        snprintf(f, sizeof f, ".%03u", frac);
        size_t fl = strlen(f);
        while (f[fl - 1] == '0')
            f[--fl] = 0;
        snprintf(out + n, 40 - n, "%sZ", f);
    } else {
        snprintf(out + n, 40 - n, "Z");
    }
}

json_t *dlvq_hex(const uint8_t *p, size_t n)
{
    char s[2 * 65 + 3];
    size_t len;
    if (n > 65 || bts_hex_encode(s, sizeof s, &len, p, n, BTS_HEX_0X) != BT_OK)
        return NULL;
    return json_string(s);
}

static json_t *jdata(const uint8_t *p, size_t n)
{
    struct bts_buf b;
    bts_buf_init(&b);
    json_t *s = NULL;
    if (bts_hex_encode_buf(&b, p, n, BTS_HEX_0X) == BT_OK)
        s = json_stringn((const char *)b.data, b.len);
    bts_buf_free(&b);
    return s;
}

json_t *dlvq_u(uint64_t v)
{
    return json_integer((json_int_t)v);
}

/* Builds an object from (key, value) pairs; a NULL value makes the whole object NULL. */
json_t *dlvq_obj(int n, ...)
{
    va_list ap;
    json_t *o = json_object();
    int bad = !o;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *k = va_arg(ap, const char *);
        json_t *v = va_arg(ap, json_t *);
        if (!v || bad || json_object_set_new(o, k, v) != 0)
            bad = 1;
    }
    va_end(ap);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *dlvq_validator_json(const struct dlv_validator *v, int64_t accum)
{
    return dlvq_obj(10, "ID", dlvq_u(v->id), "startEpoch", dlvq_u(v->start_epoch), "endEpoch",
                    dlvq_u(v->end_epoch), "nonce", dlvq_u(v->nonce), "power",
                    json_integer(v->power), "pubKey", dlvq_hex(v->pub_key, 65), "signer",
                    dlvq_hex(v->signer, 20), "last_updated", json_string(v->last_updated), "jailed",
                    json_boolean(v->jailed), "accum", json_integer(accum));
}

/* {"validators":[...],"proposer":V} of a set whose records are `vals` (same order). */
json_t *dlvq_valset_json(struct bts_valset *s, const struct dlv_validator *vals)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (json_array_append_new(arr, dlvq_validator_json(&vals[i], s->v[i].priority)) != 0) {
            json_decref(arr);
            return NULL;
        }
    json_t *prop = s->n ? dlvq_validator_json(&vals[bts_valset_proposer(s)],
                                              s->v[bts_valset_proposer(s)].priority)
                        : json_null();
    return dlvq_obj(2, "validators", arr, "proposer", prop);
}

json_t *dlvq_span_json(struct dlv_span_rec *s)
{
    json_t *prods = json_array();
    for (size_t i = 0; prods && i < s->n_producers; i++)
        if (json_array_append_new(prods, dlvq_validator_json(&s->producers[i], 0)) != 0) {
            json_decref(prods);
            prods = NULL;
        }
    /* Producers carry the accum of their entry in the set (Bttc reads `accum`, §4.9). */
    for (size_t i = 0; prods && i < s->n_producers; i++) {
        long idx = bts_valset_find(&s->set, s->producers[i].signer);
        if (idx >= 0)
            json_object_set_new(json_array_get(prods, i), "accum",
                                json_integer(s->set.v[idx].priority));
    }
    return dlvq_obj(6, "span_id", dlvq_u(s->id), "start_block", dlvq_u(s->start_block), "end_block",
                    dlvq_u(s->end_block), "validator_set", dlvq_valset_json(&s->set, s->set_vals),
                    "selected_producers", prods, "bor_chain_id", json_string(s->bor_chain_id));
}

static json_t *record_json(const struct dlv_record *r)
{
    char t[40];
    dlv_format_time(t, r->record_time_ms);
    return dlvq_obj(8, "id", dlvq_u(r->id), "contract", dlvq_hex(r->contract, 20), "data",
                    jdata(r->data, r->data_len), "tx_hash", dlvq_hex(r->tx_hash, 32), "log_index",
                    dlvq_u(r->log_index), "bor_chain_id", json_string(r->bor_chain_id),
                    "record_time", json_string(t), "root_chain_type",
                    json_string(dlv_root_name(r->root)));
}

json_t *dlvq_checkpoint_json(const struct dlv_checkpoint *c, int with_id, uint64_t id)
{
    json_t *o =
        dlvq_obj(6, "proposer", dlvq_hex(c->proposer, 20), "start_block", dlvq_u(c->start_block),
                 "end_block", dlvq_u(c->end_block), "root_hash", dlvq_hex(c->root_hash, 32),
                 "bor_chain_id", json_string(c->bor_chain_id), "timestamp", dlvq_u(c->timestamp));
    if (o && with_id) {
        /* CheckpointWithID puts "id" first. */
        json_t *w = dlvq_obj(1, "id", dlvq_u(id));
        if (!w || json_object_update(w, o) != 0) {
            json_decref(w);
            w = NULL;
        }
        json_decref(o);
        o = w;
    }
    return o;
}

static json_t *stake_record_json(const struct dlv_stake_record *r)
{
    return dlvq_obj(6, "type", json_string(r->type), "id", dlvq_u(r->id), "nonce", dlvq_u(r->nonce),
                    "height", json_integer(r->height), "tx_hash", dlvq_hex(r->tx_hash, 32),
                    "timestamp", dlvq_u(r->timestamp));
}

/* --- answers ------------------------------------------------------------------------------ */

bt_status dlvq_write_answer(struct dlv_application *a, const struct dlvq_answer *ans,
                            uint32_t *out_status, struct bts_buf *out)
{
    json_t *o;
    if (ans->status == 200) {
        char h[24];
        snprintf(h, sizeof h, "%llu", (unsigned long long)a->height);
        o = dlvq_obj(2, "height", json_string(h), "result", ans->result);
    } else {
        json_decref(ans->result);
        o = dlvq_obj(1, "error", json_string(ans->error ? ans->error : "error"));
    }
    if (!o)
        return BT_ENOMEM;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        return BT_ENOMEM;
    bt_status st = bts_buf_append_str(out, s);
    free(s);
    *out_status = ans->status;
    return st;
}

int dlvq_parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0 || n > 20)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || x > (UINT64_MAX - 9) / 10)
            return 0;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    *out = x;
    return 1;
}

/* Value of `key` in a query string into out (at most cap-1 chars); 0 if absent. */
int dlvq_query_get(const char *query, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl = len - kl - 1;
            if (vl >= cap)
                vl = cap - 1;
            memcpy(out, p + kl + 1, vl);
            out[vl] = 0;
            return 1;
        }
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}

struct dlvq_answer dlvq_not_found(const char *why)
{
    return (struct dlvq_answer){404, NULL, why};
}

struct dlvq_answer dlvq_bad(const char *why)
{
    return (struct dlvq_answer){400, NULL, why};
}

struct dlvq_answer dlvq_ok(json_t *r)
{
    if (!r)
        return (struct dlvq_answer){500, NULL, "out of memory"};
    return (struct dlvq_answer){200, r, NULL};
}

static struct dlvq_answer q_span(struct dlv_application *a, int latest, const char *id_s)
{
    struct dlv_span_rec s;
    uint64_t id = 0;
    if (!latest && !dlvq_parse_u64(id_s, strlen(id_s), &id))
        return dlvq_bad("invalid span id");
    bt_status st = latest ? dlv_latest_span(a, &s, 1) : dlv_get_span(a, id, &s, 1);
    if (st != BT_OK)
        return dlvq_not_found("No span found");
    json_t *j = dlvq_span_json(&s);
    dlv_span_rec_free(&s);
    return dlvq_ok(j);
}

static struct dlvq_answer q_record(struct dlv_application *a, const char *id_s)
{
    struct dlv_record r;
    uint64_t id;
    if (!dlvq_parse_u64(id_s, strlen(id_s), &id))
        return dlvq_bad("invalid record id");
    if (dlv_get_record(a, id, &r, 1) != BT_OK)
        return dlvq_not_found("No record found");
    json_t *j = record_json(&r);
    dlv_record_free(&r);
    return dlvq_ok(j);
}

static struct dlvq_answer q_record_list(struct dlv_application *a, const char *query)
{
    char v[32];
    uint64_t limit = 50, from = 1, page = 1, latest = 0;
    int64_t to_time = INT64_MAX;
    int by_id = 0;
    if (dlvq_query_get(query, "limit", v, sizeof v)) {
        uint64_t l;
        if (!dlvq_parse_u64(v, strlen(v), &l))
            return dlvq_bad("invalid limit");
        if (l < limit)
            limit = l;
    }
    if (dlvq_query_get(query, "page", v, sizeof v) &&
        (!dlvq_parse_u64(v, strlen(v), &page) || page == 0))
        return dlvq_bad("invalid page");
    if (dlvq_query_get(query, "from-id", v, sizeof v)) {
        if (!dlvq_parse_u64(v, strlen(v), &from))
            return dlvq_bad("invalid from-id");
        uint64_t t;
        if (!dlvq_query_get(query, "to-time", v, sizeof v) || !dlvq_parse_u64(v, strlen(v), &t) ||
            t > (uint64_t)INT64_MAX)
            return dlvq_bad("invalid to-time");
        to_time = (int64_t)t;
        by_id = 1;
    } else {
        from = (page - 1) * limit + 1;
    }
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_RECORD_LATEST);
    if (dlv_get_u64(a, &k, &latest, 1) != BT_OK)
        latest = 0;
    json_t *arr = json_array();
    for (uint64_t id = from; arr && limit && id <= latest; id++, limit--) {
        struct dlv_record r;
        if (dlv_get_record(a, id, &r, 1) != BT_OK)
            break;
        /* from-id form: consecutive ids whose record_time (s) is before to-time. */
        if (by_id && (int64_t)(r.record_time_ms / 1000) >= to_time) {
            dlv_record_free(&r);
            break;
        }
        if (json_array_append_new(arr, record_json(&r)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
        dlv_record_free(&r);
    }
    return dlvq_ok(arr);
}

static int root_of(const char *s, enum dlv_root *r)
{
    return dlv_root_parse(r, s) == BT_OK;
}

static struct dlvq_answer q_checkpoint(struct dlv_application *a, const char *what,
                                       const char *root_s, const char *num_s)
{
    enum dlv_root r;
    struct dlv_checkpoint c;
    if (!root_of(root_s, &r))
        return dlvq_bad("invalid root chain");
    if (strcmp(what, "latest") == 0) {
        uint64_t acks = dlv_ack_count(a, r, 1);
        if (!acks || dlv_get_checkpoint(a, DLV_T_CKPT, r, acks, &c, 1) != BT_OK)
            return dlvq_not_found("No checkpoint found");
        return dlvq_ok(dlvq_checkpoint_json(&c, 1, acks));
    }
    if (strcmp(what, "buffer") == 0 || strcmp(what, "sync") == 0) {
        uint8_t t = what[0] == 'b' ? DLV_T_CKPT_BUFFER : DLV_T_SYNC_BUFFER;
        if (dlv_get_checkpoint(a, t, r, 0, &c, 1) != BT_OK)
            return dlvq_ok(json_null()); /* upstream answers an empty buffer with null */
        return dlvq_ok(dlvq_checkpoint_json(&c, 0, 0));
    }
    if (strcmp(what, "count") == 0)
        return dlvq_ok(dlvq_obj(1, "result", dlvq_u(dlv_ack_count(a, r, 1))));
    if (strcmp(what, "activation-height") == 0)
        return dlvq_ok(dlvq_obj(1, "result", dlvq_u(a->p.root[r].activation_height)));
    uint64_t n;
    if (!dlvq_parse_u64(num_s, strlen(num_s), &n))
        return dlvq_bad("invalid checkpoint number");
    if (dlv_get_checkpoint(a, DLV_T_CKPT, r, n, &c, 1) != BT_OK)
        return dlvq_not_found("No checkpoint found");
    return dlvq_ok(dlvq_checkpoint_json(&c, 1, n));
}

static struct dlvq_answer q_valset(struct dlv_application *a, int proposer_only)
{
    struct bts_valset s;
    bts_valset_init(&s);
    if (dlv_get_valset(a, &s, 1) != BT_OK) {
        bts_valset_free(&s);
        return dlvq_not_found("No validator set found");
    }
    struct dlv_validator *vals = calloc(s.n ? s.n : 1, sizeof *vals);
    json_t *j = NULL;
    int okv = vals != NULL;
    for (size_t i = 0; okv && i < s.n; i++)
        okv = dlv_get_validator(a, s.v[i].address, &vals[i], 1) == BT_OK;
    if (okv && proposer_only && s.n) {
        size_t p = bts_valset_proposer(&s);
        j = dlvq_validator_json(&vals[p], s.v[p].priority);
    } else if (okv) {
        j = dlvq_valset_json(&s, vals);
    }
    free(vals);
    bts_valset_free(&s);
    return dlvq_ok(j);
}

static struct dlvq_answer q_validator(struct dlv_application *a, const char *key, int by_signer)
{
    struct dlv_validator v;
    uint64_t id;
    uint8_t addr[20];
    bt_status st;
    if (by_signer) {
        if (bts_hex_parse_address(addr, key, strlen(key)) != BT_OK)
            return dlvq_bad("invalid address");
        st = dlv_get_validator(a, addr, &v, 1);
    } else {
        if (!dlvq_parse_u64(key, strlen(key), &id))
            return dlvq_bad("invalid validator id");
        st = dlv_get_validator_by_id(a, id, &v, 1);
    }
    if (st != BT_OK)
        return dlvq_not_found("No validator found");
    struct bts_valset s;
    bts_valset_init(&s);
    int64_t accum = 0;
    if (dlv_get_valset(a, &s, 1) == BT_OK) {
        long idx = bts_valset_find(&s, v.signer);
        if (idx >= 0)
            accum = s.v[idx].priority;
    }
    bts_valset_free(&s);
    return dlvq_ok(dlvq_validator_json(&v, accum));
}

struct qlist {
    json_t *arr;
    int first_only;
};

static int visit_queue(void *arg, const uint8_t *key, size_t key_len, const uint8_t *val,
                       size_t val_len)
{
    (void)key;
    (void)key_len;
    struct qlist *q = arg;
    struct dlv_stake_record r;
    if (dlv_stake_record_decode(&r, val, val_len) != BT_OK)
        return 1;
    json_array_append_new(q->arr, stake_record_json(&r));
    return q->first_only;
}

static struct dlvq_answer q_queue(struct dlv_application *a, const char *root_s, int head_only)
{
    enum dlv_root r;
    if (!root_of(root_s, &r))
        return dlvq_bad("invalid root chain");
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_STAKE_QUEUE);
    dlv_key_u8(&k, (uint8_t)r);
    struct qlist q = {json_array(), head_only};
    if (!q.arr || dlv_state_iter(&a->st, &k, 1, visit_queue, &q) != BT_OK) {
        json_decref(q.arr);
        return dlvq_ok(NULL);
    }
    if (!head_only)
        return dlvq_ok(q.arr);
    json_t *h = json_array_size(q.arr) ? json_incref(json_array_get(q.arr, 0)) : NULL;
    json_decref(q.arr);
    return h ? dlvq_ok(h) : dlvq_not_found("No staking record found");
}

static struct dlvq_answer q_topup(struct dlv_application *a, const char *addr_s)
{
    if (!addr_s) {
        uint8_t root[32];
        if (dlv_account_root(a, root, 1) != BT_OK)
            return dlvq_not_found("No dividend accounts");
        return dlvq_ok(dlvq_hex(root, 32));
    }
    uint8_t user[20];
    if (bts_hex_parse_address(user, addr_s, strlen(addr_s)) != BT_OK)
        return dlvq_bad("invalid address");
    struct dlv_key k;
    const uint8_t *v;
    size_t n;
    dlv_key_init(&k, DLV_T_DIVIDEND);
    dlv_key_bytes(&k, user, 20);
    if (dlv_state_get_committed(&a->st, &k, &v, &n) != BT_OK || n != 32)
        return dlvq_not_found("No dividend account found");
    struct bts_u256 x;
    char dec[BTS_U256_DEC_MAX];
    bts_u256_load_be(&x, v);
    bts_u256_to_dec(dec, &x);
    return dlvq_ok(dlvq_obj(2, "user", dlvq_hex(user, 20), "feeAmount", json_string(dec)));
}

static json_t *params_json(struct dlv_application *a)
{
    return dlvq_obj(3, "sprint_duration", dlvq_u(a->p.sprint_duration), "span_duration",
                    dlvq_u(a->p.span_duration), "producer_count", dlvq_u(a->p.producer_count));
}

static struct dlvq_answer route(struct dlv_application *a, char **seg, size_t n, const char *query)
{
    struct dlvq_answer more;
    if (dlvq_route_more(a, seg, n, query, &more))
        return more;
    if (n >= 2 && strcmp(seg[0], "bor") == 0) {
        if (n == 3 && strcmp(seg[1], "span") == 0)
            return q_span(a, 0, seg[2]);
        if (n == 2 && strcmp(seg[1], "latest-span") == 0)
            return q_span(a, 1, NULL);
        if (n == 2 && strcmp(seg[1], "params") == 0)
            return dlvq_ok(params_json(a));
        if (n == 2 &&
            (strcmp(seg[1], "next-span-seed") == 0 || strcmp(seg[1], "prepare-next-span") == 0))
            return (struct dlvq_answer){503, NULL, "seed needs the Ethereum node"};
    }
    if (n == 2 && strcmp(seg[0], "clerk") == 0 && strcmp(seg[1], "isoldtx") == 0) {
        return (struct dlvq_answer){503, NULL, "isoldtx needs the root chain"};
    }
    if (n == 3 && strcmp(seg[0], "clerk") == 0 && strcmp(seg[1], "event-record") == 0)
        return strcmp(seg[2], "list") == 0 ? q_record_list(a, query) : q_record(a, seg[2]);
    if (n >= 2 && strcmp(seg[0], "checkpoints") == 0) {
        if (n == 2 && strcmp(seg[1], "last-no-ack") == 0) {
            uint64_t t = 0;
            struct dlv_key k;
            dlv_key_init(&k, DLV_T_LAST_NOACK);
            if (dlv_get_u64(a, &k, &t, 1) != BT_OK)
                t = 0;
            return dlvq_ok(dlvq_obj(1, "result", dlvq_u(t)));
        }
        if (n == 2 && strcmp(seg[1], "epoch") == 0)
            return dlvq_ok(dlvq_obj(1, "result", dlvq_u(dlv_ack_count(a, DLV_ROOT_TRON, 1) + 1)));
        if (n == 3 && (strcmp(seg[1], "latest") == 0 || strcmp(seg[1], "buffer") == 0 ||
                       strcmp(seg[1], "sync") == 0 || strcmp(seg[1], "count") == 0 ||
                       strcmp(seg[1], "activation-height") == 0))
            return q_checkpoint(a, seg[1], seg[2], NULL);
        if (n == 3)
            return q_checkpoint(a, "number", seg[1], seg[2]);
    }
    if (n >= 2 && strcmp(seg[0], "staking") == 0) {
        if (n == 2 && strcmp(seg[1], "validator-set") == 0)
            return q_valset(a, 0);
        if (n == 2 && strcmp(seg[1], "current-proposer") == 0)
            return q_valset(a, 1);
        if (n == 2 && strcmp(seg[1], "totalpower") == 0) {
            struct bts_valset s;
            bts_valset_init(&s);
            int64_t total = dlv_get_valset(a, &s, 1) == BT_OK ? s.total : 0;
            bts_valset_free(&s);
            return dlvq_ok(dlvq_obj(1, "result", json_integer(total)));
        }
        if (n == 3 && strcmp(seg[1], "validator") == 0)
            return q_validator(a, seg[2], 0);
        if (n == 3 && strcmp(seg[1], "signer") == 0)
            return q_validator(a, seg[2], 1);
        if (n == 3 && (strcmp(seg[1], "queue") == 0 || strcmp(seg[1], "next") == 0))
            return q_queue(a, seg[2], seg[1][0] == 'n');
    }
    if (n >= 2 && strcmp(seg[0], "topup") == 0) {
        if (n == 2 && strcmp(seg[1], "dividend-account-root") == 0)
            return q_topup(a, NULL);
        if (n == 3 && strcmp(seg[1], "dividend-account") == 0)
            return q_topup(a, seg[2]);
    }
    return dlvq_not_found("no such route");
}

#define MAX_SEGS 8

bt_status dlv_query(struct dlv_application *a, const char *path, const char *query,
                    uint32_t *out_status, struct bts_buf *out_body)
{
    if (!a->have_genesis) {
        struct dlvq_answer ans = {503, NULL, "no genesis"};
        return dlvq_write_answer(a, &ans, out_status, out_body);
    }
    char *copy = strdup(path);
    if (!copy)
        return BT_ENOMEM;
    char *seg[MAX_SEGS], *save = NULL;
    size_t n = 0;
    for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (n == MAX_SEGS) {
            n = 0;
            break;
        }
        seg[n++] = t;
    }
    struct dlvq_answer ans =
        n ? route(a, seg, n, query ? query : "") : dlvq_not_found("no such route");
    free(copy);
    return dlvq_write_answer(a, &ans, out_status, out_body);
}

uint64_t dlv_query_seed_block(struct dlv_application *a)
{
    struct dlv_key k;
    uint64_t last = 0;
    dlv_key_init(&k, DLV_T_LAST_ETH);
    if (dlv_get_u64(a, &k, &last, 1) != BT_OK)
        last = 0;
    return last + 1;
}

bt_status dlv_query_seed_answer(struct dlv_application *a, const uint8_t hash[32],
                                struct bts_buf *out)
{
    struct dlvq_answer ans = dlvq_ok(dlvq_hex(hash, 32));
    uint32_t status;
    return dlvq_write_answer(a, &ans, &status, out);
}

bt_status dlv_query_prepare_span(struct dlv_application *a, const char *query,
                                 const uint8_t seed[32], uint32_t *out_status,
                                 struct bts_buf *out_body)
{
    char v[40];
    struct dlv_msg_propose_span m;
    memset(&m, 0, sizeof m);
    struct dlvq_answer ans;
    if (!dlvq_query_get(query, "span_id", v, sizeof v) || !dlvq_parse_u64(v, strlen(v), &m.span_id))
        ans = dlvq_bad("invalid span_id");
    else if (!dlvq_query_get(query, "start_block", v, sizeof v) ||
             !dlvq_parse_u64(v, strlen(v), &m.start_block) ||
             m.start_block > UINT64_MAX - a->p.span_duration)
        ans = dlvq_bad("invalid start_block");
    else if (!dlvq_query_get(query, "chain_id", m.bor_chain_id, sizeof m.bor_chain_id))
        ans = dlvq_bad("invalid chain_id");
    else {
        struct dlv_span_rec s;
        m.end_block = m.start_block + a->p.span_duration - 1;
        if (dlv_build_span(a, &m, seed, a->height, 1, &s) != BT_OK) {
            ans = dlvq_not_found("no eligible validators");
        } else {
            ans = dlvq_ok(dlvq_span_json(&s));
            dlv_span_rec_free(&s);
        }
    }
    return dlvq_write_answer(a, &ans, out_status, out_body);
}
