/* consensus-bttc: a client of Delivery's REST API as a span and event-record source
 * (PROTOCOL.md §4.9; delivery_url=). Requests run on the SDK's asynchronous HTTP client; a
 * failed or empty answer is asked again every 5 s, forever, as Bttc's rest.go does. Calls never
 * block: they answer BT_EBUSY until the data has arrived. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/http.h>
#include <bts/log.h>

#include "bttc_int.h"

#define REST_RETRY_MS   5000
#define REST_TIMEOUT_MS 5000
#define REST_PAGE       50
#define REST_SPANS      4

struct bttc_rest {
    struct bttc *b;
    struct bts_http *http;
    int closing;
    struct bts_span spans[REST_SPANS]; /* recent answers, id 0 unused slots (n_producers 0) */
    int span_used[REST_SPANS];
    size_t span_next;
    uint64_t span_want; /* being fetched */
    int span_busy;
    uint64_t span_timer;
    /* event records: one request (from, to) at a time, fetched page by page */
    uint64_t rec_from, rec_next;
    int64_t rec_to;
    int rec_state; /* 0 idle, 1 fetching, 2 done */
    struct bts_event_list recs;
    uint64_t rec_timer;
    uint64_t span_gen, rec_gen; /* bumped when a request is abandoned: stale answers are dropped */
};

/* One request in flight: the answer counts only if its generation is still current. */
struct rest_ticket {
    struct bttc_rest *r;
    uint64_t gen;
};

static struct rest_ticket *ticket(struct bttc_rest *r, uint64_t gen)
{
    struct rest_ticket *t = malloc(sizeof(*t));
    if (t) {
        t->r = r;
        t->gen = gen;
    }
    return t;
}

static void span_get(struct bttc_rest *r);
static void rec_get(struct bttc_rest *r);

static void span_retry_fire(void *arg)
{
    struct bttc_rest *r = arg;
    r->span_timer = 0;
    span_get(r);
}

static void rec_retry_fire(void *arg)
{
    struct bttc_rest *r = arg;
    r->rec_timer = 0;
    rec_get(r);
}

static void retry(struct bttc_rest *r, bt_timer_fn fn, uint64_t *timer, const char *what,
                  const char *why)
{
    struct bttc *b = r->b;
    b->host->log(b->hctx, BT_LOG_WARN, "delivery request failed, retrying in 5s", "what=%s err=%s",
                 BTS_LOG_Q(what), BTS_LOG_Q(why));
    if (b->host->timer_add(b->hctx, REST_RETRY_MS, 0, fn, r, timer) != BT_OK)
        *timer = 0;
}

static void span_done(void *arg, const struct bts_http_resp *resp)
{
    struct rest_ticket *t = arg;
    struct bttc_rest *r = t->r;
    int stale = t->gen != r->span_gen;
    free(t);
    if (resp->st == BT_ECANCELED || r->closing || stale)
        return;
    char what[64];
    snprintf(what, sizeof(what), "/bor/span/%" PRIu64, r->span_want);
    if (resp->st != BT_OK) {
        retry(r, span_retry_fire, &r->span_timer, what, resp->error);
        return;
    }
    if (resp->http_status != 200) {
        char why[48];
        snprintf(why, sizeof(why), "http status %ld", resp->http_status);
        retry(r, span_retry_fire, &r->span_timer, what, why);
        return;
    }
    struct bts_span s;
    char err[200] = "";
    bt_status st =
        bts_span_parse_json(&s, (const char *)resp->body, resp->body_len, err, sizeof(err));
    if (st == BT_OK && s.id != r->span_want) {
        snprintf(err, sizeof(err), "answer is span %" PRIu64, s.id);
        bts_span_free(&s);
        st = BT_EPROTO;
    }
    if (st != BT_OK) {
        retry(r, span_retry_fire, &r->span_timer, what, err);
        return;
    }
    size_t slot = r->span_next;
    r->span_next = (r->span_next + 1) % REST_SPANS;
    if (r->span_used[slot])
        bts_span_free(&r->spans[slot]);
    r->spans[slot] = s;
    r->span_used[slot] = 1;
    r->span_busy = 0;
}

static void span_get(struct bttc_rest *r)
{
    char path[64];
    snprintf(path, sizeof(path), "/bor/span/%" PRIu64, r->span_want);
    struct rest_ticket *t = ticket(r, r->span_gen);
    bt_status st = t ? bts_http_get(r->http, path, span_done, t) : BT_ENOMEM;
    if (st != BT_OK)
        free(t);
    if (st != BT_OK)
        retry(r, span_retry_fire, &r->span_timer, path, bts_status_str(st));
}

static bt_status rest_span(void *self, uint64_t id, struct bts_span *out)
{
    struct bttc_rest *r = self;
    for (size_t i = 0; i < REST_SPANS; i++)
        if (r->span_used[i] && r->spans[i].id == id)
            return bts_span_copy(out, &r->spans[i]);
    if (r->span_busy && r->span_want == id)
        return BT_EBUSY;
    if (r->span_busy) { /* another id: drop the old request and its retry */
        r->span_gen++;
        if (r->span_timer)
            r->b->host->timer_del(r->b->hctx, r->span_timer);
        r->span_timer = 0;
    }
    r->span_want = id;
    r->span_busy = 1;
    span_get(r);
    return BT_EBUSY;
}

static void rec_done(void *arg, const struct bts_http_resp *resp)
{
    struct rest_ticket *t = arg;
    struct bttc_rest *r = t->r;
    int stale = t->gen != r->rec_gen;
    free(t);
    if (resp->st == BT_ECANCELED || r->closing || stale || r->rec_state != 1)
        return;
    const char *what = "/clerk/event-record/list";
    if (resp->st != BT_OK) {
        retry(r, rec_retry_fire, &r->rec_timer, what, resp->error);
        return;
    }
    if (resp->http_status == 204) { /* no content: the list ends here */
        r->rec_state = 2;
        return;
    }
    if (resp->http_status != 200) {
        char why[48];
        snprintf(why, sizeof(why), "http status %ld", resp->http_status);
        retry(r, rec_retry_fire, &r->rec_timer, what, why);
        return;
    }
    size_t before = r->recs.n;
    char err[200] = "";
    bt_status st = bts_event_list_parse_json(&r->recs, (const char *)resp->body, resp->body_len,
                                             err, sizeof(err));
    if (st != BT_OK) {
        while (r->recs.n > before) /* drop a partial page */
            free(r->recs.v[--r->recs.n].data);
        retry(r, rec_retry_fire, &r->rec_timer, what, err);
        return;
    }
    if (r->recs.n - before < REST_PAGE) {
        r->rec_state = 2;
        return;
    }
    r->rec_next += REST_PAGE;
    rec_get(r);
}

static void rec_get(struct bttc_rest *r)
{
    char path[128];
    snprintf(path, sizeof(path),
             "/clerk/event-record/list?from-id=%" PRIu64 "&to-time=%" PRId64 "&limit=%d",
             r->rec_next, r->rec_to, REST_PAGE);
    struct rest_ticket *t = ticket(r, r->rec_gen);
    bt_status st = t ? bts_http_get(r->http, path, rec_done, t) : BT_ENOMEM;
    if (st != BT_OK)
        free(t);
    if (st != BT_OK)
        retry(r, rec_retry_fire, &r->rec_timer, path, bts_status_str(st));
}

static bt_status rest_records(void *self, uint64_t from_id, int64_t to_time,
                              struct bts_event_list *out)
{
    struct bttc_rest *r = self;
    if (r->rec_state != 0 && r->rec_from == from_id && r->rec_to == to_time) {
        if (r->rec_state == 1)
            return BT_EBUSY;
        for (size_t i = 0; i < r->recs.n; i++) {
            bt_status st = bts_event_list_push(out, &r->recs.v[i]);
            if (st != BT_OK)
                return st;
        }
        return BT_OK;
    }
    if (r->rec_timer)
        r->b->host->timer_del(r->b->hctx, r->rec_timer);
    r->rec_timer = 0;
    r->rec_gen++;
    bts_event_list_free(&r->recs);
    r->rec_from = r->rec_next = from_id;
    r->rec_to = to_time;
    r->rec_state = 1;
    rec_get(r);
    return r->rec_state == 2 ? rest_records(self, from_id, to_time, out) : BT_EBUSY;
}

bt_status bttc_rest_new(struct bttc_rest **out, struct bttc *b, const char *url)
{
    *out = NULL;
    struct bttc_rest *r = calloc(1, sizeof(*r));
    if (!r)
        return BT_ENOMEM;
    r->b = b;
    /* Strip one trailing slash so paths join cleanly. */
    char base[512];
    snprintf(base, sizeof(base), "%s", url);
    size_t n = strlen(base);
    if (n && base[n - 1] == '/')
        base[n - 1] = 0;
    const char *urls[1] = {base};
    struct bts_http_conf conf = {
        .urls = urls, .n_urls = 1, .timeout_ms = REST_TIMEOUT_MS, .attempts = 1};
    bt_status st = bts_http_new(&r->http, b->host, b->hctx, &conf);
    if (st != BT_OK) {
        free(r);
        return st;
    }
    *out = r;
    return BT_OK;
}

void bttc_rest_free(struct bttc_rest *r)
{
    if (!r)
        return;
    r->closing = 1;
    if (r->span_timer)
        r->b->host->timer_del(r->b->hctx, r->span_timer);
    if (r->rec_timer)
        r->b->host->timer_del(r->b->hctx, r->rec_timer);
    bts_http_free(r->http);
    for (size_t i = 0; i < REST_SPANS; i++)
        if (r->span_used[i])
            bts_span_free(&r->spans[i]);
    bts_event_list_free(&r->recs);
    free(r);
}

const struct bts_span_source_iface bttc_rest_iface = {
    .struct_size = sizeof(struct bts_span_source_iface),
    .span = rest_span,
    .event_records = rest_records,
};
