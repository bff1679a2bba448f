/* `bttcd storage swap --to BACKEND [--path DIR]`: a JSON-RPC client of the running node's IPC
 * socket. It subscribes to swap events (admin_storageSwapSubscribe), starts the swap
 * (admin_storageSwap), prints each progress notification of that swap and the final report.
 * Subscribing first means no event of the new swap can be missed: its answer, and so its id,
 * reaches us before any of its notifications (one connection, in order). */
#include "stor_cli_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "net_int.h"
#include "paths_int.h"
#include "rpc_int.h"

struct conn {
    int fd;
    char *buf;
    size_t len, cap;
};

static int send_request(struct conn *c, json_int_t id, const char *method, json_t *params)
{
    json_t *req = json_pack("{s:s,s:I,s:s,s:o}", "jsonrpc", "2.0", "id", id, "method", method,
                            "params", params ? params : json_array());
    char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!text)
        return -1;
    size_t n = strlen(text);
    int rc = write(c->fd, text, n) == (ssize_t)n && write(c->fd, "\n", 1) == 1 ? 0 : -1;
    free(text);
    return rc;
}

/* The next JSON message, or NULL when the connection ends or sends garbage. */
static json_t *read_message(struct conn *c)
{
    for (;;) {
        size_t end;
        int rc = rpc_stream_next(c->buf, c->len, 0, &end);
        if (rc == 1) {
            json_t *v = json_loadb(c->buf, end, JSON_DECODE_ANY, NULL);
            memmove(c->buf, c->buf + end, c->len - end);
            c->len -= end;
            return v;
        }
        if (rc < 0)
            return NULL;
        if (c->len + 4096 > c->cap) {
            char *nb = realloc(c->buf, c->cap * 2 + 4096);
            if (!nb)
                return NULL;
            c->buf = nb;
            c->cap = c->cap * 2 + 4096;
        }
        ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return NULL;
        c->len += (size_t)r;
    }
}

/* Wait for the answer to request id (skipping notifications). Returns the message (caller
 * decrefs; check its "error") or NULL when the connection ended. */
static json_t *wait_answer(struct conn *c, json_int_t id)
{
    json_t *v;
    while ((v = read_message(c))) {
        if (json_integer_value(json_object_get(v, "id")) == id && !json_object_get(v, "method"))
            return v;
        json_decref(v);
    }
    return NULL;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "?";
}

static double num(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static void print_progress(const json_t *st)
{
    double copied = num(st, "keysCopied"), total = num(st, "keysTotalEst");
    printf("%-8s keys copied %.0f", str(st, "phase"), copied);
    if (total > 0)
        printf(" of ~%.0f (%.0f%%)", total, copied < total ? copied * 100 / total : 100.0);
    printf(", %.0f keys/s", num(st, "keysPerSec"));
    const json_t *eta = json_object_get(st, "etaSec");
    if (json_is_number(eta))
        printf(", ETA %.1f s", json_number_value(eta));
    if (num(st, "tailOps") > 0)
        printf(", %.0f ops written meanwhile", num(st, "tailOps"));
    printf(", elapsed %.1f s\n", num(st, "elapsedMs") / 1e3);
    fflush(stdout);
}

/* The final report. Returns the exit status. */
static int print_final(const json_t *st)
{
    const char *from = str(st, "from"), *to = str(st, "to"), *path = str(st, "path");
    int ok = strcmp(str(st, "phase"), "done") == 0;
    printf("storage swap %s: %s -> %s (%s)\n", ok ? "done" : "aborted", from, to,
           *path ? path : "memory");
    printf("  migration time:      %.0f ms\n", num(st, "elapsedMs"));
    printf("  keys copied:         %.0f (then %.0f ops in %.0f batches written meanwhile)\n",
           num(st, "keysCopied"), num(st, "tailOps"), num(st, "tailBatches"));
    printf("  keys/s:              %.0f\n", num(st, "keysPerSec"));
    printf("  pause:               %.2f ms\n", num(st, "pauseMs"));
    printf("  longest commit wait: %.2f ms\n", num(st, "maxCommitWaitMs"));
    const json_t *ver = json_object_get(st, "verified");
    if (ok) {
        printf("  verified:            %.0f keys, %.0f bytes, digest %s\n", num(ver, "keys"),
               num(ver, "bytes"), str(ver, "digest"));
        printf("the node now runs on %s; the datadir records it for the next start\n", to);
    } else {
        printf("the node stays on %s\n", from);
        fprintf(stderr, "bttcd: storage swap aborted: %s\n", str(st, "error"));
    }
    fflush(stdout);
    return ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* Follow notifications of subscription sub for swap id until it ends. */
static int follow(struct conn *c, const char *sub, json_int_t id)
{
    json_t *v;
    while ((v = read_message(c))) {
        json_t *p = json_object_get(v, "params");
        json_t *st = json_object_get(p, "result");
        const char *s = json_string_value(json_object_get(p, "subscription"));
        if (s && strcmp(s, sub) == 0 && json_integer_value(json_object_get(st, "id")) == id) {
            if (json_is_false(json_object_get(st, "running"))) {
                int rc = print_final(st);
                json_decref(v);
                return rc;
            }
            print_progress(st);
        }
        json_decref(v);
    }
    fprintf(stderr, "bttcd: storage swap: connection to the node lost (the swap may go on: "
                    "'bttcd attach --exec admin_storageSwapStatus' tells)\n");
    return CLI_EXIT_FAIL;
}

/* Print an error answer as "bttcd: storage swap: MESSAGE". */
static int answer_failed(json_t *a, const char *what)
{
    const char *m = json_string_value(json_object_get(json_object_get(a, "error"), "message"));
    if (a)
        fprintf(stderr, "bttcd: storage swap: %s%s\n", what, m ? m : "unexpected answer");
    else
        fprintf(stderr, "bttcd: storage swap: connection to the node lost\n");
    json_decref(a);
    return CLI_EXIT_FAIL;
}

static int run(struct conn *c, const struct cli_opts *o)
{
    if (send_request(c, 1, "admin_storageSwapSubscribe", NULL) != 0)
        return answer_failed(NULL, "");
    json_t *a = wait_answer(c, 1);
    const char *sub = json_string_value(json_object_get(a, "result"));
    if (!sub)
        return answer_failed(a, "");
    char sub_id[RPC_SUB_ID_MAX];
    snprintf(sub_id, sizeof(sub_id), "%s", sub);
    json_decref(a);
    json_t *arg = json_pack("{s:s}", "to", o->swap_to);
    if (arg && o->swap_path)
        json_object_set_new(arg, "path", json_string(o->swap_path));
    if (!arg || send_request(c, 2, "admin_storageSwap", json_pack("[o]", arg)) != 0)
        return answer_failed(NULL, "");
    a = wait_answer(c, 2);
    json_t *st = json_object_get(a, "result");
    if (!json_is_object(st))
        return answer_failed(a, "refused: ");
    json_int_t id = json_integer_value(json_object_get(st, "id"));
    const char *path = str(st, "path");
    printf("storage swap %lld started: %s -> %s (%s)\n", (long long)id, str(st, "from"),
           str(st, "to"), *path ? path : "memory");
    fflush(stdout);
    json_decref(a);
    return follow(c, sub_id, id);
}

int stor_swap_cli_run(const struct cli_opts *o)
{
    char err[256], *dd = NULL;
    if (!o->datadir && !(dd = paths_default_datadir(err, sizeof(err)))) {
        fprintf(stderr, "bttcd: datadir: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    char *path = paths_join(o->datadir ? o->datadir : dd, "bttcd.ipc");
    free(dd);
    if (!path) {
        fprintf(stderr, "bttcd: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    struct conn c = {.fd = net_ipc_connect(path)};
    int rc;
    if (c.fd < 0) {
        fprintf(stderr, "no bttcd at %s (is the node running?)\n", path);
        rc = CLI_EXIT_FAIL;
    } else {
        rc = run(&c, o);
        close(c.fd);
    }
    free(c.buf);
    free(path);
    return rc;
}
