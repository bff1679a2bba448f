/* libFuzzer target, differential: arbitrary bytes as an HTTP body into two dispatchers with
 * the same methods, one with fast paths (host/rpc/fast.c) and one without. Both must give the
 * same answer, byte for byte (or both none). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t fast_num(void *arg, char *out, size_t cap)
{
    (void)arg;
    return (size_t)snprintf(out, cap, "\"0x2a\"");
}

static void m_num(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    if (strcmp(call->params, "[]") != 0 && strcmp(call->params, "null") != 0)
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS, "too many arguments, want at most 0", NULL);
    else
        rpc_call_result(call, "\"0x2a\"");
}

static void on_done(void *arg, const char *json, size_t len)
{
    char **out = arg;
    free(*out);
    *out = json ? strndup(json, len) : strdup("<none>");
}

static char *answer(const uint8_t *data, size_t size, int with_fast)
{
    struct rpc_server *s = rpc_server_new(NULL);
    if (!s)
        abort();
    static const int owner;
    rpc_register(s, (void *)&owner, "eth_blockNumber", 0, m_num, NULL);
    rpc_register(s, (void *)&owner, "admin_n", RPC_F_ADMIN, m_num, NULL);
    if (with_fast) {
        rpc_set_fast(s, (void *)&owner, "eth_blockNumber", fast_num);
        rpc_set_fast(s, (void *)&owner, "admin_n", fast_num);
    }
    struct rpc_pending pending = {0};
    struct rpc_peer peer = {"fuzz", size & 1, NULL};
    char *out = NULL;
    rpc_handle_body(s, &peer, (const char *)data, size, &pending, on_done, &out);
    rpc_pending_cancel(&pending);
    rpc_server_free(s);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *a = answer(data, size, 1), *b = answer(data, size, 0);
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0)) {
        fprintf(stderr, "fast: %s\nslow: %s\n", a ? a : "(null)", b ? b : "(null)");
        abort();
    }
    free(a);
    free(b);
    return 0;
}
