/* bts/conform_rootchain.h: the driver -- load the adapter, run it on a mock host against a live
 * node, deploy the conformance contract, then run the checks of checks.c. */
#include <bts/conform_rootchain.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bt/plugin.h>
#include <bts/hex.h>
#include <bts/json.h>
#include <bts/secp.h>
#include <bts/tx.h>
#include <bts/u256.h>

#include "conform_contract.h"
#include "conform_int.h"

uint64_t crc_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void crc_fail(struct crc *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!t->failed) {
        printf("conform-rootchain %s: FAIL\n", t->check);
    }
    printf("    ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    t->failed = 1;
}

int crc_pump(struct crc *t, const int *done, uint64_t real_limit_ms)
{
    uint64_t t0 = crc_real_ms();
    while (!*done) {
        if (bts_mockhost_run_deferred(t->m) == 0 && !*done) {
            bts_mockhost_advance(t->m, 20); /* fake time runs ahead; timeouts are configured long */
            usleep(500);
        }
        if (crc_real_ms() - t0 > real_limit_ms)
            return 0;
    }
    return 1;
}

static bt_status crc_sign(void *arg, uint8_t sig[65], const char *key_id, const uint8_t d[32])
{
    struct crc *t = arg;
    if (strcmp(key_id, CRC_KEY_ID) != 0)
        return BT_ENOTFOUND;
    return bts_secp_sign(sig, t->c->seckey, d);
}

static bt_status crc_key_address(void *arg, const char *key_id, uint8_t out[20])
{
    struct crc *t = arg;
    if (strcmp(key_id, CRC_KEY_ID) != 0)
        return BT_ENOTFOUND;
    memcpy(out, t->from, 20);
    return BT_OK;
}

static void crc_on_mock_failure(void *arg, const char *what)
{
    struct crc *t = arg;
    crc_fail(t, "mock host: %s", what);
}

struct bts_mockhost *crc_mock(struct crc *t)
{
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_on_failure(m, crc_on_mock_failure, t);
    bts_mockhost_use_log(m, BT_LOG_INFO);
    bts_mockhost_use_conf(m);
    bts_mockhost_use_timers(m);
    bts_mockhost_use_defer(m);
    bts_mockhost_use_work(m, BTS_MOCK_WORK_INLINE);
    bts_mockhost_use_metrics(m);
    bts_mockhost_set_signer(m, crc_sign, crc_key_address, t);
    return m;
}

static int has_key(const char *const *pairs, const char *key)
{
    for (const char *const *p = pairs; p && p[0] && p[1]; p += 2)
        if (!strcmp(p[0], key))
            return 1;
    return 0;
}

/* The suite's keys first, unless the caller's config or the check sets them. */
static void crc_set(struct crc *t, const char *const *extra, const char *key, const char *value)
{
    if (!has_key(t->c->conf, key) && !has_key(extra, key))
        bts_mockhost_conf_set(t->m, key, value);
}

bt_status crc_open(struct crc *t, const char *url, const char *const *extra, void **out_self)
{
    char chain[24];
    snprintf(chain, sizeof(chain), "%llu", (unsigned long long)t->c->chain_id);
    t->m = crc_mock(t);
    crc_set(t, extra, "url", url);
    crc_set(t, extra, "chain_id", chain);
    crc_set(t, extra, "signer", CRC_KEY_ID);
    crc_set(t, extra, "tx_timeout", "1h");
    crc_set(t, extra, "receipt_poll", "100ms");
    crc_set(t, extra, "poll_interval", "1h");
    for (const char *const *p = t->c->conf; p && p[0] && p[1]; p += 2)
        bts_mockhost_conf_set(t->m, p[0], p[1]);
    for (const char *const *p = extra; p && p[0] && p[1]; p += 2)
        bts_mockhost_conf_set(t->m, p[0], p[1]);
    bt_status st = t->desc->create(bts_mockhost_host(t->m), bts_mockhost_ctx(t->m), out_self);
    if (st != BT_OK) {
        crc_fail(t, "create: %s: %s", bts_status_str(st), bts_mockhost_error(t->m));
        bts_mockhost_free(t->m);
        t->m = NULL;
    }
    return st;
}

void crc_close(struct crc *t, void *self)
{
    if (self) {
        if (t->desc->stop)
            t->desc->stop(self);
        t->desc->destroy(self);
    }
    bts_mockhost_free(t->m);
    t->m = NULL;
}

/* --- deploying the contract (a raw signed create, so any node works) ------------------------ */

struct rpc_wait {
    int done;
    bt_status st;
    uint64_t u;
    json_t *res;
    char err[512];
};

static void on_u64(void *arg, bt_status st, uint64_t v, const char *err)
{
    struct rpc_wait *w = arg;
    w->done = 1;
    w->st = st;
    w->u = v;
    snprintf(w->err, sizeof(w->err), "%s", err);
}

static void on_raw(void *arg, const struct bts_ethrpc_reply *r)
{
    struct rpc_wait *w = arg;
    w->done = 1;
    w->st = r->st;
    w->res = r->result ? json_incref((json_t *)r->result) : NULL;
    snprintf(w->err, sizeof(w->err), "%s", r->err);
}

static void on_bytes(void *arg, bt_status st, const uint8_t *o, size_t n, const char *err)
{
    (void)o, (void)n;
    on_u64(arg, st, 0, err);
}

static int crc_deploy(struct crc *t)
{
    struct rpc_wait w = {0};
    struct bts_ethrpc *rpc = NULL;
    struct bts_ethrpc_conf rc = {.http = {.urls = &t->c->url, .n_urls = 1}};
    int ok = 0;
    t->m = crc_mock(t);
    if (bts_ethrpc_new(&rpc, bts_mockhost_host(t->m), bts_mockhost_ctx(t->m), &rc) != BT_OK)
        goto out;
#define WAIT(call)                                                                                 \
    do {                                                                                           \
        memset(&w, 0, sizeof(w));                                                                  \
        if ((call) != BT_OK || !crc_pump(t, &w.done, 30000) || w.st != BT_OK) {                    \
            crc_fail(t, "%s: %s", #call, w.err);                                                   \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)
    WAIT(bts_ethrpc_nonce(rpc, t->from, on_u64, &w));
    uint64_t nonce = w.u;
    WAIT(bts_ethrpc_u64(rpc, "eth_gasPrice", on_u64, &w));
    uint64_t price = w.u * 2 + 1000000000u;
    struct bts_buf code;
    bts_buf_init(&code);
    if (bts_hex_decode_buf(&code, conform_bytecode_hex, strlen(conform_bytecode_hex), 0) != BT_OK)
        goto out;
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.type = BTS_TX_LEGACY;
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(t->c->chain_id);
    tx.nonce = nonce;
    tx.gas_price = tx.gas_tip_cap = bts_u256_from_u64(price);
    tx.gas = 1000000;
    tx.data = code.data;
    tx.data_len = code.len;
    uint8_t digest[32], sig[65];
    struct bts_buf raw;
    bts_buf_init(&raw);
    if (bts_tx_signing_hash(digest, &tx) != BT_OK || bts_secp_sign(sig, t->c->seckey, digest))
        goto out;
    if (bts_tx_set_signature(&tx, sig) != BT_OK || bts_tx_encode(&raw, &tx) != BT_OK)
        goto out;
    bts_buf_free(&code);
    uint8_t hash[32];
    WAIT(bts_ethrpc_send_raw(rpc, raw.data, raw.len, on_bytes, &w));
    bts_keccak256(hash, raw.data, raw.len);
    bts_buf_free(&raw);
    for (int i = 0; i < 300; i++) {
        WAIT(bts_ethrpc_request(rpc, "eth_getTransactionReceipt",
                                json_pack("[o]", bts_json_new_hash(hash)), on_raw, &w));
        if (json_is_object(w.res)) {
            char err[200];
            uint64_t status = 0;
            ok = bts_json_get_address(t->contract, w.res, "contractAddress", err, sizeof(err)) ==
                     BT_OK &&
                 bts_json_get_u64(&status, w.res, "status", err, sizeof(err)) == BT_OK &&
                 status == 1;
            if (!ok)
                crc_fail(t, "deploy receipt: status %llu %s", (unsigned long long)status, err);
            json_decref(w.res);
            break;
        }
        json_decref(w.res);
        usleep(100000);
    }
#undef WAIT
out:
    bts_ethrpc_free(rpc);
    bts_mockhost_free(t->m);
    t->m = NULL;
    return ok;
}

bt_status bts_conform_rootchain_run(const struct bts_conform_rootchain *c, const char *only,
                                    struct bts_conform_rootchain_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!c->plugin_path || !c->url || !c->seckey)
        return BT_EINVAL;
    void *so = dlopen(c->plugin_path, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        printf("conform-rootchain: dlopen %s: %s\n", c->plugin_path, dlerror());
        return BT_EINVAL;
    }
    bt_plugin_query_fn q = (bt_plugin_query_fn)(uintptr_t)dlsym(so, BT_PLUGIN_QUERY_SYMBOL);
    struct crc t = {.c = c, .desc = q ? q() : NULL};
    if (!t.desc || t.desc->kind != BT_KIND_ROOTCHAIN || !t.desc->vtbl) {
        printf("conform-rootchain: %s is not a rootchain plugin\n", c->plugin_path);
        dlclose(so);
        return BT_EINVAL;
    }
    t.vt = t.desc->vtbl;
    if (bts_secp_seckey_to_address(t.from, c->seckey) != BT_OK) {
        dlclose(so);
        return BT_EINVAL;
    }
    t.check = "deploy";
    int deployed = crc_deploy(&t);
    out->n_run++;
    if (deployed) {
        out->n_passed++;
        printf("conform-rootchain deploy: ok\n");
    } else {
        out->n_failed++;
    }
    for (const struct crc_check *k = crc_checks; k->name; k++) {
        if (only && !strstr(k->name, only))
            continue;
        if (k->needs_contract && !deployed)
            continue;
        t.check = k->name;
        t.failed = 0;
        k->fn(&t);
        out->n_run++;
        if (t.failed) {
            out->n_failed++;
        } else {
            out->n_passed++;
            printf("conform-rootchain %s: ok\n", k->name);
        }
    }
    printf("conform-rootchain: %u run, %u passed, %u failed\n", out->n_run, out->n_passed,
           out->n_failed);
    fflush(stdout);
    /* The plugin stays loaded, as in bttcd: its copy of libbtsdk keeps process-wide state. */
    return BT_OK;
}
