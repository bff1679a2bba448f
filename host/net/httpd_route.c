/* Routing of one HTTP request on the JSON-RPC server. The checks and their order follow
 * geth's node/rpcstack.go and rpc/http.go: WebSocket upgrade, vhosts, CORS, path, health GET,
 * method, size, content type, then the admin token and the dispatcher. */
#include "httpd_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log_int.h"

/* http.Error: text/plain, the message and a newline. */
void httpd_respond_error(struct hconn *c, int status, const char *msg, const char *extra,
                         int do_close)
{
    char body[256];
    int n = msg ? snprintf(body, sizeof(body), "%s\n", msg) : 0;
    hconn_respond(c, status, msg ? "text/plain; charset=utf-8" : NULL, extra, msg ? body : NULL,
                  (size_t)n, do_close);
}

static void on_rpc_done(void *arg, const char *json, size_t len)
{
    struct hconn *c = arg;
    char extra[512] = "";
    if (c->d->cfg.cors.n) {
        /* rs/cors handleActualRequest (geth's CORS handler). */
        size_t n = (size_t)snprintf(extra, sizeof(extra), "Vary: Origin\r\n");
        if (c->req.origin &&
            (net_list_has(&c->d->cfg.cors, "*") || net_list_has(&c->d->cfg.cors, c->req.origin)))
            snprintf(extra + n, sizeof(extra) - n, "Access-Control-Allow-Origin: %s\r\n",
                     net_list_has(&c->d->cfg.cors, "*") ? "*" : c->req.origin);
    }
    /* geth's json.Encoder ends the body with a newline (none without a body). */
    hconn_respond_json(c, extra, json, json ? len : 0);
    if (!c->in_process)
        hconn_resume(c);
}

static int cors_preflight(struct hconn *c)
{
    struct hreq *r = &c->req;
    if (strcmp(r->method, "OPTIONS") != 0 || !r->ac_method)
        return 0;
    const struct net_list *cors = &c->d->cfg.cors;
    char extra[1024];
    size_t n = (size_t)snprintf(extra, sizeof(extra),
                                "Vary: Origin\r\nVary: Access-Control-Request-Method\r\n"
                                "Vary: Access-Control-Request-Headers\r\n");
    int ok_origin = r->origin && (net_list_has(cors, "*") || net_list_has(cors, r->origin));
    int ok_method = strcasecmp(r->ac_method, "POST") == 0 || strcasecmp(r->ac_method, "GET") == 0;
    if (ok_origin && ok_method) {
        n += (size_t)snprintf(extra + n, sizeof(extra) - n,
                              "Access-Control-Allow-Origin: %s\r\n"
                              "Access-Control-Allow-Methods: %s\r\n",
                              net_list_has(cors, "*") ? "*" : r->origin, r->ac_method);
        if (r->ac_headers && *r->ac_headers)
            n += (size_t)snprintf(extra + n, sizeof(extra) - n,
                                  "Access-Control-Allow-Headers: %.200s\r\n", r->ac_headers);
        snprintf(extra + n, sizeof(extra) - n, "Access-Control-Max-Age: 600\r\n");
    }
    hconn_respond(c, 200, NULL, extra, NULL, 0, 0);
    return 1;
}

static int content_type_ok(const char *ct)
{
    if (!ct)
        return 0;
    static const char *const ok[] = {"application/json", "application/json-rpc",
                                     "application/jsonrequest"};
    size_t n = strcspn(ct, ";");
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < 3; i++)
        if (strlen(ok[i]) == n && strncasecmp(ct, ok[i], n) == 0)
            return 1;
    return 0;
}

/* Authorization: Bearer <admin token>. Returns 1 admin, 0 none, -1 wrong token (answered). */
static int check_token(struct hconn *c)
{
    const char *a = c->req.auth;
    if (!a)
        return 0;
    if (strncasecmp(a, "Bearer ", 7) == 0 &&
        net_token_equal(a + 7, strlen(a + 7), c->d->cfg.token_hex))
        return 1;
    httpd_respond_error(c, 401, "invalid admin token", NULL, 0);
    return -1;
}

static void upgrade(struct hconn *c)
{
    struct hreq *r = &c->req;
    if (!net_origin_ok(&c->d->cfg.origins, r->origin)) {
        hlog(BT_LOG_WARN, "rejected websocket connection", "origin=\"%.200s\"", r->origin);
        httpd_respond_error(c, 403, "origin not allowed", NULL, 1);
        return;
    }
    int adm = check_token(c);
    if (adm < 0)
        return;
    if (strcmp(r->method, "GET") != 0 || !r->ws_key || !r->ws_version ||
        strcmp(r->ws_version, "13") != 0) {
        httpd_respond_error(c, 400, "bad websocket handshake", NULL, 1);
        return;
    }
    c->is_admin = adm;
    if (hconn_to_bev(c) != BT_OK) {
        hconn_close(c, 0);
        return;
    }
    ws_upgrade(c);
}

void httpd_route(struct hconn *c, const char *body, size_t len)
{
    struct hreq *r = &c->req;
    const struct httpd_cfg *cfg = &c->d->cfg;
    c->keep_alive = r->minor >= 1 ? !httpd_has_token(r->connection, "close")
                                  : httpd_has_token(r->connection, "keep-alive");
    if (cfg->serves_ws && httpd_has_token(r->upgrade, "websocket") &&
        httpd_has_token(r->connection, "upgrade")) {
        upgrade(c);
        return;
    }
    if (!cfg->serves_http) {
        httpd_respond_error(c, 404, NULL, NULL, 0);
        return;
    }
    if (!net_vhost_ok(&cfg->vhosts, r->host)) {
        httpd_respond_error(c, 403, "invalid host specified", NULL, 0);
        return;
    }
    if (cfg->cors.n && cors_preflight(c))
        return;
    size_t plen = strcspn(r->target, "?");
    if (!(plen == 1 && r->target[0] == '/') && plen != 0) {
        httpd_respond_error(c, 404, NULL, NULL, 0);
        return;
    }
    if (strcmp(r->method, "GET") == 0 && len == 0 && !r->target[plen]) {
        httpd_respond_error(c, 200, NULL, NULL, 0); /* health check */
        return;
    }
    if (strcmp(r->method, "PUT") == 0 || strcmp(r->method, "DELETE") == 0) {
        httpd_respond_error(c, 405, "method not allowed", NULL, 0);
        return;
    }
    if (strcmp(r->method, "OPTIONS") != 0 && !content_type_ok(r->ctype)) {
        httpd_respond_error(c, 415, "invalid content type, only application/json is supported",
                            NULL, 0);
        return;
    }
    int adm = check_token(c);
    if (adm < 0)
        return;
    struct rpc_peer peer = {"http", adm, NULL};
    rpc_handle_body(cfg->rpc, &peer, body, len, &c->pending, on_rpc_done, c);
}
