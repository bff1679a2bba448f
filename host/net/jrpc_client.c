/* Blocking JSON-RPC over HTTP for the command-line tools (see jrpc_client.h). */
#include "jrpc_client.h"

#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#include <bts/buf.h>

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    return bts_buf_append(arg, p, size * n) == BT_OK ? size * n : 0;
}

bt_status jrpc_post(const char *url, json_t *req, int timeout_ms, json_t **out, char *err,
                    size_t err_cap)
{
    *out = NULL;
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!body)
        return BT_ENOMEM;
    struct bts_buf resp;
    bts_buf_init(&resp);
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    bt_status st = BT_EIO;
    if (h && hdr) {
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        CURLcode cc = curl_easy_perform(h);
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        if (cc != CURLE_OK)
            snprintf(err, err_cap, "%s: %s", url, curl_easy_strerror(cc));
        else if (code != 200)
            snprintf(err, err_cap, "%s: HTTP %ld", url, code);
        else if (!(*out = json_loadb((const char *)resp.data, resp.len, 0, NULL)))
            snprintf(err, err_cap, "%s: the answer is not JSON", url);
        else
            st = BT_OK;
    }
    curl_slist_free_all(hdr);
    if (h)
        curl_easy_cleanup(h);
    free(body);
    bts_buf_free(&resp);
    return st;
}

bt_status jrpc_take_result(json_t *ans, const char *method, json_t **out, char *err, size_t err_cap)
{
    json_t *e = json_object_get(ans, "error"), *r = json_object_get(ans, "result");
    if (e && !json_is_null(e)) {
        const char *m = json_string_value(json_object_get(e, "message"));
        snprintf(err, err_cap, "%s: %s", method, m ? m : "error answer");
        return BT_EPROTO;
    }
    if (!r) {
        snprintf(err, err_cap, "%s: no result in the answer", method);
        return BT_EPROTO;
    }
    *out = json_incref(r);
    return BT_OK;
}
