/* bts/http.h: HTTP POST and GET with failover and retries. Every transfer is a blocking libcurl
 * easy call on a host worker thread (work_submit); the loop only schedules, classifies and retries,
 * so it never blocks. Retry delays are host timers, so tests drive them with a fake clock. */
#include <bts/http.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <bts/buf.h>

struct http_job;

struct bts_http {
    const struct bt_host *host;
    struct bt_host_ctx *hctx;
    char **urls;
    size_t n_urls;
    struct curl_slist *headers;
    uint32_t timeout_ms, attempts, backoff_ms, backoff_max_ms;
    size_t max_response;
    size_t pref;        /* index of the URL that answered last */
    unsigned rng;       /* jitter; no need for quality */
    uint32_t in_worker; /* jobs whose transfer runs now: they keep the client alive */
    int closing;
    struct http_job *jobs; /* every job not yet answered */
};

struct http_job {
    struct bts_http *c;
    struct http_job *next, **pprev;
    uint8_t *body;
    size_t body_len;
    char *url_buf; /* GET: the request URL (endpoint + path) of the current try */
    char *path;    /* GET: the path appended to each endpoint; NULL for POST */
    bts_http_done_fn cb;
    void *arg;
    uint32_t attempt; /* transfers started */
    size_t url_idx;
    uint64_t timer; /* retry timer, 0: none */
    int answered;   /* the callback ran (client freed while the transfer was on a worker) */
    int in_worker;  /* between work_submit and http_done */
    /* Worker results. */
    CURLcode cc;
    long http_status;
    int over_cap;
    struct bts_buf resp;
    char curl_err[CURL_ERROR_SIZE];
    char err[384];
};

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode http_init_rc = CURLE_FAILED_INIT;

static void http_global_init(void)
{
    http_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t http_write(char *p, size_t size, size_t n, void *arg)
{
    struct http_job *j = arg;
    size_t len = size * n;
    if (j->resp.len + len > j->c->max_response) {
        j->over_cap = 1;
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    }
    if (bts_buf_append(&j->resp, p, len) != BT_OK)
        return 0;
    return len;
}

/* Worker thread: one transfer. Touches only the job and the client's constant settings. */
static void http_worker(void *arg)
{
    struct http_job *j = arg;
    struct bts_http *c = j->c;
    bts_buf_reset(&j->resp);
    j->over_cap = 0;
    j->http_status = 0;
    j->curl_err[0] = 0;
    CURL *e = curl_easy_init();
    if (!e) {
        j->cc = CURLE_OUT_OF_MEMORY;
        return;
    }
    if (j->path) {
        free(j->url_buf);
        size_t a = strlen(c->urls[j->url_idx]), b = strlen(j->path);
        j->url_buf = malloc(a + b + 1);
        if (!j->url_buf) {
            curl_easy_cleanup(e);
            j->cc = CURLE_OUT_OF_MEMORY;
            return;
        }
        memcpy(j->url_buf, c->urls[j->url_idx], a);
        memcpy(j->url_buf + a, j->path, b + 1);
        curl_easy_setopt(e, CURLOPT_URL, j->url_buf);
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_URL, c->urls[j->url_idx]);
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, (const char *)j->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->body_len);
    }
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->curl_err);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    j->cc = curl_easy_perform(e);
    if (j->cc == CURLE_OK)
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &j->http_status);
    curl_easy_cleanup(e);
}

static void http_unlink(struct http_job *j)
{
    if (j->pprev) {
        *j->pprev = j->next;
        if (j->next)
            j->next->pprev = j->pprev;
        j->pprev = NULL;
        j->next = NULL;
    }
}

static void http_job_free(struct http_job *j)
{
    bts_buf_free(&j->resp);
    free(j->body);
    free(j->url_buf);
    free(j->path);
    free(j);
}

static void http_client_release(struct bts_http *c)
{
    for (size_t i = 0; i < c->n_urls; i++)
        free(c->urls[i]);
    free(c->urls);
    curl_slist_free_all(c->headers);
    free(c);
}

/* Answer a job (once) and free it unless a worker still holds it. */
static void http_finish(struct http_job *j, bt_status st)
{
    struct bts_http *c = j->c;
    struct bts_http_resp r = {
        .st = st,
        .http_status = j->http_status,
        .body = j->resp.data,
        .body_len = j->resp.len,
        .url = c->urls[j->url_idx],
        .error = st == BT_OK ? "" : j->err,
        .attempts = j->attempt,
    };
    http_unlink(j);
    j->answered = 1;
    j->cb(j->arg, &r);
    http_job_free(j);
}

static void http_start(struct http_job *j);

static void http_retry_fire(void *arg)
{
    struct http_job *j = arg;
    j->timer = 0;
    http_start(j);
}

/* Milliseconds before try number `attempt + 1`: backoff x 2^(attempt-1), capped, +-25%. */
static uint64_t http_delay(struct bts_http *c, uint32_t attempt)
{
    uint64_t d = c->backoff_ms;
    for (uint32_t i = 1; i < attempt && d < c->backoff_max_ms; i++)
        d *= 2;
    if (d > c->backoff_max_ms)
        d = c->backoff_max_ms;
    uint64_t span = d / 2;
    if (span)
        d = d - span / 2 + (uint64_t)rand_r(&c->rng) % (span + 1);
    return d;
}

static void http_done(void *arg, bt_status wst)
{
    struct http_job *j = arg;
    struct bts_http *c = j->c;
    c->in_worker--;
    j->in_worker = 0;
    if (j->answered) { /* the client was freed meanwhile */
        http_job_free(j);
        if (c->closing && c->in_worker == 0)
            http_client_release(c);
        return;
    }
    const char *url = c->urls[j->url_idx];
    bt_status st;
    int retry;
    if (wst != BT_OK) {
        snprintf(j->err, sizeof(j->err), "%s: cancelled by shutdown", url);
        http_finish(j, BT_ECANCELED);
        return;
    }
    if (j->cc == CURLE_OK) {
        if (j->http_status == 429 || j->http_status >= 500) {
            st = j->http_status == 429 ? BT_EBUSY : BT_EIO;
            snprintf(j->err, sizeof(j->err), "%s: http status %ld", url, j->http_status);
            retry = 1;
        } else {
            c->pref = j->url_idx;
            http_finish(j, BT_OK);
            return;
        }
    } else if (j->over_cap) {
        snprintf(j->err, sizeof(j->err), "%s: response larger than %zu bytes", url,
                 c->max_response);
        st = BT_ERANGE;
        retry = 0;
    } else if (j->cc == CURLE_OUT_OF_MEMORY) {
        snprintf(j->err, sizeof(j->err), "%s: out of memory", url);
        st = BT_ENOMEM;
        retry = 0;
    } else {
        st = j->cc == CURLE_OPERATION_TIMEDOUT ? BT_ETIMEDOUT : BT_EIO;
        if (st == BT_ETIMEDOUT)
            snprintf(j->err, sizeof(j->err), "%s: no answer within %u ms", url, c->timeout_ms);
        else
            snprintf(j->err, sizeof(j->err), "%s: %s", url,
                     j->curl_err[0] ? j->curl_err : curl_easy_strerror(j->cc));
        retry = 1;
    }
    if (!retry || j->attempt >= c->attempts) {
        http_finish(j, st);
        return;
    }
    if (c->host->log_enabled(c->hctx, BT_LOG_DEBUG))
        c->host->log(c->hctx, BT_LOG_DEBUG, "http retry", "attempt=%u err=\"%s\"", j->attempt,
                     j->err);
    j->url_idx = (j->url_idx + 1) % c->n_urls;
    bt_status ts =
        c->host->timer_add(c->hctx, http_delay(c, j->attempt), 0, http_retry_fire, j, &j->timer);
    if (ts != BT_OK) {
        j->timer = 0;
        http_finish(j, st);
    }
}

/* Hand the next transfer to a worker; on failure answer the job now. */
static void http_start(struct http_job *j)
{
    struct bts_http *c = j->c;
    j->attempt++;
    c->in_worker++;
    j->in_worker = 1;
    bt_status st = c->host->work_submit(c->hctx, http_worker, http_done, j);
    if (st != BT_OK) {
        c->in_worker--;
        j->in_worker = 0;
        snprintf(j->err, sizeof(j->err), "%s: cannot queue the request: %s", c->urls[j->url_idx],
                 bts_status_str(st));
        http_finish(j, st);
    }
}

bt_status bts_http_new(struct bts_http **out, const struct bt_host *host, struct bt_host_ctx *hctx,
                       const struct bts_http_conf *conf)
{
    *out = NULL;
    if (conf->n_urls == 0 || !conf->urls)
        return BT_EINVAL;
    pthread_once(&http_once, http_global_init);
    if (http_init_rc != CURLE_OK)
        return BT_ENOMEM;
    struct bts_http *c = calloc(1, sizeof(*c));
    if (!c)
        return BT_ENOMEM;
    c->host = host;
    c->hctx = hctx;
    c->timeout_ms = conf->timeout_ms ? conf->timeout_ms : 10000;
    c->attempts = conf->attempts;
    if (!c->attempts)
        c->attempts = conf->n_urls * 2 < 3 ? 3 : (uint32_t)conf->n_urls * 2;
    c->backoff_ms = conf->backoff_ms ? conf->backoff_ms : 200;
    c->backoff_max_ms = conf->backoff_max_ms ? conf->backoff_max_ms : 5000;
    c->max_response = conf->max_response ? conf->max_response : (size_t)32 << 20;
    c->rng = (unsigned)(uintptr_t)c ^ 0x9e3779b9u;
    c->urls = calloc(conf->n_urls, sizeof(char *));
    if (!c->urls)
        goto fail;
    c->n_urls = conf->n_urls;
    for (size_t i = 0; i < conf->n_urls; i++)
        if (!(c->urls[i] = strdup(conf->urls[i])))
            goto fail;
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (!h)
        goto fail;
    c->headers = h;
    if (!(h = curl_slist_append(c->headers, "Expect:")))
        goto fail;
    for (size_t i = 0; i < conf->n_headers; i++)
        if (!(h = curl_slist_append(c->headers, conf->headers[i])))
            goto fail;
    *out = c;
    return BT_OK;
fail:
    http_client_release(c);
    return BT_ENOMEM;
}

void bts_http_free(struct bts_http *c)
{
    if (!c)
        return;
    c->closing = 1;
    while (c->jobs) {
        struct http_job *j = c->jobs;
        if (j->timer)
            c->host->timer_del(c->hctx, j->timer);
        j->timer = 0;
        snprintf(j->err, sizeof(j->err), "%s: cancelled: client closed", c->urls[j->url_idx]);
        struct bts_http_resp r = {.st = BT_ECANCELED,
                                  .body = (const uint8_t *)"",
                                  .url = c->urls[j->url_idx],
                                  .error = j->err,
                                  .attempts = j->attempt};
        http_unlink(j);
        j->answered = 1;
        j->cb(j->arg, &r);
        if (!j->in_worker) /* between tries: ours to free; else http_done frees it */
            http_job_free(j);
    }
    if (c->in_worker == 0)
        http_client_release(c);
}

static bt_status http_submit(struct bts_http *c, const uint8_t *body, size_t body_len,
                             const char *path, bts_http_done_fn cb, void *arg)
{
    struct http_job *j = calloc(1, sizeof(*j));
    if (!j)
        return BT_ENOMEM;
    bts_buf_init(&j->resp);
    j->body = malloc(body_len + 1);
    if (!j->body || (path && !(j->path = strdup(path)))) {
        free(j->body);
        free(j);
        return BT_ENOMEM;
    }
    if (body_len)
        memcpy(j->body, body, body_len);
    j->body[body_len] = 0;
    j->body_len = body_len;
    j->c = c;
    j->cb = cb;
    j->arg = arg;
    j->url_idx = c->pref;
    j->attempt = 1;
    j->next = c->jobs;
    if (c->jobs)
        c->jobs->pprev = &j->next;
    c->jobs = j;
    j->pprev = &c->jobs;
    c->in_worker++;
    j->in_worker = 1;
    bt_status st = c->host->work_submit(c->hctx, http_worker, http_done, j);
    if (st != BT_OK) {
        c->in_worker--;
        http_unlink(j);
        http_job_free(j);
        return st;
    }
    return BT_OK;
}

bt_status bts_http_post(struct bts_http *c, const uint8_t *body, size_t body_len,
                        bts_http_done_fn cb, void *arg)
{
    return http_submit(c, body, body_len, NULL, cb, arg);
}

bt_status bts_http_get(struct bts_http *c, const char *path, bts_http_done_fn cb, void *arg)
{
    return http_submit(c, NULL, 0, path, cb, arg);
}

const char *bts_http_current_url(const struct bts_http *c)
{
    return c->urls[c->pref];
}
