/* libFuzzer target: arbitrary bytes as an HTTP body and as an IPC stream into the JSON-RPC
 * dispatcher. Every answer must be valid JSON (an object, or a non-empty array for batches),
 * and nothing may leak; notifications-only input may produce no answer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rpc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(void *arg, const char *json, size_t len)
{
    (void)arg;
    if (!json)
        return;
    json_t *v = json_loadb(json, len, 0, NULL);
    if (!v || !(json_is_object(v) || (json_is_array(v) && json_array_size(v) > 0)))
        abort();
    json_decref(v);
}

static void m_echo(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    rpc_call_result(call, call->params);
}

static void m_hold(void *arg, struct bt_rpc_call *call)
{
    (void)arg, (void)call; /* never answered: freed with the server */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rpc_limits lim = {.max_request = 1 << 20, .max_batch = 8, .max_batch_resp = 256};
    struct rpc_server *s = rpc_server_new(&lim);
    if (!s)
        return 0;
    rpc_register(s, NULL, "t_echo", 0, m_echo, NULL);
    rpc_register(s, NULL, "t_hold", 0, m_hold, NULL);
    rpc_register(s, NULL, "admin_x", RPC_F_ADMIN, m_echo, NULL);
    struct rpc_pending pending = {0};
    struct rpc_peer peer = {"fuzz", size & 1, NULL};
    rpc_handle_body(s, &peer, (const char *)data, size, &pending, check_answer, NULL);
    /* The same bytes as a stream of values, as the IPC server frames them. */
    size_t pos = 0;
    while (pos < size) {
        size_t end;
        int rc = rpc_stream_next((const char *)data + pos, size - pos, 1, &end);
        if (rc != 1 || end == 0 ||
            rpc_handle_value(s, &peer, (const char *)data + pos, end, &pending, check_answer,
                             NULL) != BT_OK)
            break;
        pos += end;
    }
    rpc_pending_cancel(&pending);
    rpc_server_free(s);
    return 0;
}
