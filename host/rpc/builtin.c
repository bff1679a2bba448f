/* Methods every node serves: web3_clientVersion, web3_sha3 and rpc_modules, with geth's
 * argument errors (rpc/json.go parsePositionalArguments, common/hexutil). */
#include "rpc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/keccak.h>

#include "dispatch_int.h"

#ifndef BTTCD_VERSION
#define BTTCD_VERSION "0.0.0"
#endif

#define STR_(x) #x
#define STR(x)  STR_(x)
#if defined(__clang__)
#define RPC_CC "clang" STR(__clang_major__) "." STR(__clang_minor__) "." STR(__clang_patchlevel__)
#elif defined(__GNUC__)
#define RPC_CC "gcc" STR(__GNUC__) "." STR(__GNUC_MINOR__) "." STR(__GNUC_PATCHLEVEL__)
#else
#define RPC_CC "cc"
#endif
#if defined(__x86_64__)
#define RPC_ARCH "amd64"
#elif defined(__aarch64__)
#define RPC_ARCH "arm64"
#else
#define RPC_ARCH "unknown"
#endif

/* geth's shape: Geth/v1.13.5-stable/linux-amd64/go1.21.4. */
const char rpc_client_version[] = "bttcd/v" BTTCD_VERSION "/linux-" RPC_ARCH "/" RPC_CC;

bt_status rpc_params(struct bt_rpc_call *call, size_t n_max, size_t n_required, json_t **out)
{
    *out = NULL;
    json_t *p = json_loads(call->params, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    char msg[96];
    if (!p) {
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
        return BT_ENOMEM;
    }
    if (json_is_null(p)) { /* geth allows "params":null */
        json_decref(p);
        p = json_array();
    }
    if (!json_is_array(p)) {
        json_decref(p);
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS, "non-array args", NULL);
        return BT_EINVAL;
    }
    if (json_array_size(p) > n_max) {
        snprintf(msg, sizeof(msg), "too many arguments, want at most %zu", n_max);
    } else if (json_array_size(p) < n_required) {
        snprintf(msg, sizeof(msg), "missing value for required argument %zu", json_array_size(p));
    } else {
        *out = p;
        return BT_OK;
    }
    json_decref(p);
    rpc_call_error(call, RPC_ERR_INVALID_PARAMS, msg, NULL);
    return BT_EINVAL;
}

static void m_client_version(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    char out[sizeof(rpc_client_version) + 2];
    snprintf(out, sizeof(out), "\"%s\"", rpc_client_version);
    rpc_call_result(call, out);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* hexutil.Bytes.UnmarshalJSON; on error *out_err is geth's text. */
static uint8_t *unhex_bytes(const json_t *v, size_t *out_len, const char **out_err)
{
    if (!json_is_string(v)) {
        *out_err = "json: cannot unmarshal non-string into Go value of type hexutil.Bytes";
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    } else if (n > 0) {
        *out_err = "json: cannot unmarshal hex string without 0x prefix into Go value of type "
                   "hexutil.Bytes";
        return NULL;
    }
    if (n % 2) {
        *out_err = "json: cannot unmarshal hex string of odd length into Go value of type "
                   "hexutil.Bytes";
        return NULL;
    }
    uint8_t *b = malloc(n / 2 + 1);
    if (!b) {
        *out_err = "out of memory";
        return NULL;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            *out_err = "json: cannot unmarshal invalid hex string into Go value of type "
                       "hexutil.Bytes";
            return NULL;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = n / 2;
    return b;
}

static void m_sha3(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    json_t *p;
    if (rpc_params(call, 1, 1, &p) != BT_OK)
        return;
    size_t n = 0;
    const char *err = NULL;
    uint8_t *data = unhex_bytes(json_array_get(p, 0), &n, &err);
    json_decref(p);
    if (!data) {
        char msg[160];
        snprintf(msg, sizeof(msg), "invalid argument 0: %s", err);
        rpc_call_error(call, RPC_ERR_INVALID_PARAMS, msg, NULL);
        return;
    }
    uint8_t h[32];
    bts_keccak256(h, data, n);
    free(data);
    char out[70] = "\"0x";
    for (size_t i = 0; i < 32; i++)
        snprintf(out + 3 + 2 * i, 3, "%02x", h[i]);
    strcat(out, "\"");
    rpc_call_result(call, out);
}

static void add_module(void *arg, const char *method)
{
    json_t *o = arg;
    const char *us = strchr(method, '_');
    if (!us || us == method)
        return;
    char ns[128];
    snprintf(ns, sizeof(ns), "%.*s", (int)(us - method), method);
    json_object_set_new(o, ns, json_string("1.0"));
}

static void m_modules(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    json_t *p;
    if (rpc_params(call, 0, 0, &p) != BT_OK)
        return;
    json_decref(p);
    json_t *o = json_object();
    rpc_each_method(rpc_call_server(call), rpc_call_peer(call), add_module, o);
    char *out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (out)
        rpc_call_result(call, out);
    else
        rpc_call_error(call, RPC_ERR_INTERNAL, "out of memory", NULL);
    free(out);
}

bt_status rpc_builtin_register(struct rpc_server *s)
{
    bt_status st = rpc_register(s, NULL, "web3_clientVersion", 0, m_client_version, NULL);
    if (st == BT_OK)
        st = rpc_register(s, NULL, "web3_sha3", 0, m_sha3, NULL);
    if (st == BT_OK)
        st = rpc_register(s, NULL, "rpc_modules", 0, m_modules, NULL);
    return st;
}
