/* rootchain-tron, loaded from its .so as bttcd loads it, on the mock host against mock_tron (a
 * small stateful java-tron stand-in): heights with and without a solidity node, failover from a
 * dead URL, a dead URL alone, truncated / hostile / HTTP 500 answers (clear error + metric),
 * constant calls and reverts, paged logs, and sends that land, revert, are refused, are lost and
 * rebuilt after expiry, survive an outage, and are cancelled by stop. With BT_TRON_API_URL set
 * (e.g. `bttcd run --dev --tron-api.port N`), test_tron_adapter_live also reads that node. */
#include <bt/plugin.h>
#include <bt/rootchain.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/hex.h>
#include <bts/mockhost.h>
#include <bts/secp.h>
#include <bts/test.h>
#include <bts/tron.h>
#include <bts/tron_http.h>

#include "mock_tron.h"

static void key_setup(void);

static void *so;
static const struct bt_plugin_desc *desc;
static const struct bt_rootchain_vtbl *vt;

static int suite_init(void)
{
    so = dlopen(TRON_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    if (!so)
        return 1;
    bt_plugin_query_fn q = (bt_plugin_query_fn)(uintptr_t)dlsym(so, BT_PLUGIN_QUERY_SYMBOL);
    desc = q ? q() : NULL;
    if (!desc || desc->kind != BT_KIND_ROOTCHAIN)
        return 1;
    vt = desc->vtbl;
    key_setup();
    return 0;
}

/* The .so stays loaded, as bttcd never unloads plugin code (DESIGN.md §3): its libbtsdk copy
 * keeps process-wide contexts (secp256k1) that dlclose would turn into leaks. */
static int suite_cleanup(void)
{
    return 0;
}

/* --- the signer: §5 #3's key 0x46..46 (a test key) ----------------------------------------- */

/* The signer's key: a test key only. BT_TRON_API_KEY (64 hex digits) replaces it for the live
 * check against a dev node whose accounts are funded. */
static uint8_t test_key[32];
static char KEY_ID[43] = "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f";
static int sign_wrong; /* sign with another key: the adapter must notice */

static void key_setup(void)
{
    memset(test_key, 0x46, sizeof(test_key));
    const char *k = getenv("BT_TRON_API_KEY");
    uint8_t a[20];
    if (k && bts_hex_decode_exact(test_key, 32, k, strlen(k), 0) != BT_OK)
        memset(test_key, 0x46, sizeof(test_key));
    size_t n;
    if (bts_secp_seckey_to_address(a, test_key) == BT_OK &&
        bts_hex_encode(KEY_ID, sizeof(KEY_ID), &n, a, 20, BTS_HEX_0X) != BT_OK)
        KEY_ID[0] = 0;
}

static bt_status t_sign(void *arg, uint8_t out[65], const char *key_id, const uint8_t d[32])
{
    (void)arg;
    uint8_t k[32];
    memcpy(k, test_key, sizeof(k));
    if (sign_wrong)
        k[31] ^= 1;
    if (strcmp(key_id, KEY_ID) != 0)
        return BT_ENOTFOUND;
    return bts_secp_sign(out, k, d);
}

static bt_status t_addr(void *arg, const char *key_id, uint8_t out[20])
{
    (void)arg;
    if (strcmp(key_id, KEY_ID) != 0)
        return BT_ENOTFOUND;
    return bts_secp_seckey_to_address(out, test_key);
}

/* --- fixture ------------------------------------------------------------------------------- */

struct fx {
    struct bts_mockhost *m;
    struct mock_tron *srv;
    void *self;
    char url[160];
};

/* conf: NULL-terminated key, value pairs on top of the defaults below; "url" "" keeps the
 * mock's URL. */
static bt_status fx_open_st(struct fx *x, uint64_t head, const char *const *conf)
{
    memset(x, 0, sizeof(*x));
    sign_wrong = 0;
    x->srv = mock_tron_start(head);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x->srv);
    snprintf(x->url, sizeof(x->url), "%s", mock_tron_url(x->srv));
    x->m = bts_mockhost_new();
    bts_mockhost_use_log(x->m, BT_LOG_DEBUG);
    bts_mockhost_use_timers(x->m);
    bts_mockhost_use_defer(x->m);
    bts_mockhost_use_work(x->m, BTS_MOCK_WORK_INLINE);
    bts_mockhost_use_metrics(x->m);
    bts_mockhost_use_conf(x->m);
    bts_mockhost_set_signer(x->m, t_sign, t_addr, NULL);
    int has_url = 0;
    for (size_t i = 0; conf && conf[i]; i += 2) {
        if (!strcmp(conf[i], "url")) {
            has_url = 1;
            if (conf[i + 1][0])
                snprintf(x->url, sizeof(x->url), conf[i + 1], mock_tron_url(x->srv));
        }
    }
    bts_mockhost_conf_set(x->m, "url", x->url);
    static const char *const defaults[] = {"request_timeout",
                                           "2s",
                                           "receipt_poll",
                                           "100ms",
                                           "signer",
                                           KEY_ID,
                                           "root_chain",
                                           "TMvs6n9qy1R13CPd1AfxhW41GBG21NSXNj",
                                           "stake_manager",
                                           "41353e4da7c074be2ff9e3e692eaeb1e65f0f32e10",
                                           NULL};
    for (size_t i = 0; defaults[i]; i += 2) {
        int given = 0;
        for (size_t k = 0; conf && conf[k]; k += 2)
            given |= !strcmp(conf[k], defaults[i]);
        if (!given)
            bts_mockhost_conf_set(x->m, defaults[i], defaults[i + 1]);
    }
    for (size_t i = 0; conf && conf[i]; i += 2)
        if (strcmp(conf[i], "url") != 0)
            bts_mockhost_conf_set(x->m, conf[i], conf[i + 1]);
    (void)has_url;
    return desc->create(bts_mockhost_host(x->m), bts_mockhost_ctx(x->m), &x->self);
}

static void fx_open(struct fx *x, uint64_t head, const char *const *conf)
{
    CU_ASSERT_EQUAL_FATAL(fx_open_st(x, head, conf), BT_OK);
}

static void fx_close(struct fx *x)
{
    if (x->self) {
        desc->stop(x->self);
        desc->destroy(x->self);
    }
    bts_mockhost_free(x->m);
    mock_tron_stop(x->srv);
}

static void knobs(struct fx *x, void (*edit)(struct mock_tron_knobs *k, int v), int v)
{
    struct mock_tron_knobs k;
    mock_tron_get(x->srv, &k);
    edit(&k, v);
    mock_tron_set(x->srv, &k);
}

static void pump(struct fx *x, const int *done, int max_iter)
{
    for (int i = 0; i < max_iter && !*done; i++)
        if (bts_mockhost_run_deferred(x->m) == 0)
            bts_mockhost_advance(x->m, 10);
    CU_ASSERT_TRUE(*done);
}

static double metric(struct fx *x, const char *name)
{
    double v = -1;
    if (bts_mockhost_metric(x->m, name, &v) != BT_OK)
        return -1;
    return v;
}

/* --- heights ------------------------------------------------------------------------------- */

struct hres {
    int done;
    bt_status st;
    uint64_t head, fin;
};

static void on_heights(void *arg, bt_status st, uint64_t head, uint64_t fin)
{
    struct hres *r = arg;
    r->done = 1, r->st = st, r->head = head, r->fin = fin;
}

static void heights(struct fx *x, struct hres *r)
{
    memset(r, 0, sizeof(*r));
    CU_ASSERT_EQUAL_FATAL(vt->heights(x->self, on_heights, r), BT_OK);
    pump(x, &r->done, 100000);
}

static void k_solid_lag(struct mock_tron_knobs *k, int v)
{
    k->solid_lag = (uint64_t)v;
}
static void k_solid_error(struct mock_tron_knobs *k, int v)
{
    k->solid_error = v;
}
static void k_solid_hostile(struct mock_tron_knobs *k, int v)
{
    k->solid_hostile = v;
}
static void k_solid_404(struct mock_tron_knobs *k, int v)
{
    k->solid_404 = v;
}
static void k_truncate(struct mock_tron_knobs *k, int v)
{
    k->truncate = v;
}
static void k_hostile(struct mock_tron_knobs *k, int v)
{
    k->hostile = v;
}
static void k_http500(struct mock_tron_knobs *k, int v)
{
    k->http_500 = v;
}
static void k_mine(struct mock_tron_knobs *k, int v)
{
    k->mine_on_nowblock = v;
}
static void k_blackhole(struct mock_tron_knobs *k, int v)
{
    k->blackhole = v;
}
static void k_log_limit(struct mock_tron_knobs *k, int v)
{
    k->log_limit = (uint64_t)v;
}

static void test_tron_adapter_heights_from_solidity(void)
{
    struct fx x;
    struct hres r;
    fx_open(&x, 100, NULL);
    CU_ASSERT_EQUAL(vt->chain_type(x.self), BT_ROOTCHAIN_TRON);
    CU_ASSERT_STRING_EQUAL(desc->name, "rootchain-tron");
    knobs(&x, k_solid_lag, 19);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.head, 100);
    CU_ASSERT_EQUAL(r.fin, 81);
    mock_tron_mine(x.srv, 5);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.head, 105);
    CU_ASSERT_EQUAL(r.fin, 86);
    struct bt_rootchain_status s;
    CU_ASSERT_EQUAL(vt->status(x.self, &s), BT_OK);
    CU_ASSERT_EQUAL(s.head, 105);
    CU_ASSERT_EQUAL(s.finalized, 86);
    CU_ASSERT(s.last_ok_ms > 0);
    CU_ASSERT_STRING_EQUAL(s.last_error, "");
    CU_ASSERT_STRING_EQUAL(s.url, x.url);
    CU_ASSERT_EQUAL(metric(&x, "head"), 105);
    /* The poll timer keeps heights fresh on its own. */
    CU_ASSERT_EQUAL(desc->start(x.self), BT_OK);
    mock_tron_mine(x.srv, 2);
    for (int i = 0; i < 1000 && s.head != 107; i++) {
        bts_mockhost_run_deferred(x.m);
        bts_mockhost_advance(x.m, 10);
        CU_ASSERT_EQUAL(vt->status(x.self, &s), BT_OK);
    }
    CU_ASSERT_EQUAL(s.head, 107);
    fx_close(&x);
}

static void test_tron_adapter_heights_fallback_depth(void)
{
    static const char *const conf[] = {"confirmations", "5", NULL};
    struct fx x;
    struct hres r;
    fx_open(&x, 100, conf);
    knobs(&x, k_solid_error, 1);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.fin, 95);
    /* A hostile solidity answer: refused, counted, and the depth rule is used instead. */
    knobs(&x, k_solid_error, 0);
    knobs(&x, k_solid_hostile, 1);
    knobs(&x, k_solid_lag, 1);
    mock_tron_mine(x.srv, 1);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.head, 101);
    CU_ASSERT_EQUAL(r.fin, 96);
    CU_ASSERT(metric(&x, "bad_answers_total") >= 1);
    CU_ASSERT(bts_mockhost_log_find(x.m, "not a TRON block") >= 1);
    fx_close(&x);
    /* A fullnode port without /walletsolidity (404): said once, then no longer asked. */
    fx_open(&x, 100, conf);
    knobs(&x, k_solid_404, 1);
    for (int i = 0; i < 3; i++) {
        heights(&x, &r);
        CU_ASSERT_EQUAL(r.st, BT_OK);
        CU_ASSERT_EQUAL(r.fin, 95);
    }
    CU_ASSERT_EQUAL(mock_tron_requests(x.srv, "/walletsolidity/"), 1);
    CU_ASSERT_EQUAL(bts_mockhost_log_find(x.m, "no solidity endpoint"), 1);
    fx_close(&x);
}

static void test_tron_adapter_failover_from_dead_url(void)
{
    static const char *const conf[] = {"url", "http://127.0.0.1:1,%s", NULL};
    struct fx x;
    struct hres r;
    fx_open(&x, 50, conf);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.head, 50);
    struct bt_rootchain_status s;
    CU_ASSERT_EQUAL(vt->status(x.self, &s), BT_OK);
    CU_ASSERT_STRING_EQUAL(s.url, mock_tron_url(x.srv)); /* the good one, now preferred */
    fx_close(&x);
}

static void test_tron_adapter_dead_url_is_a_clear_error(void)
{
    static const char *const conf[] = {"url", "http://127.0.0.1:1", "retries", "2", NULL};
    struct fx x;
    struct hres r;
    fx_open(&x, 50, conf);
    heights(&x, &r);
    CU_ASSERT_EQUAL(BT_STATUS_PRIMARY(r.st), BT_EIO);
    CU_ASSERT(strstr(vt->error_message(x.self), "127.0.0.1:1") != NULL);
    CU_ASSERT(metric(&x, "request_errors_total") >= 1);
    struct bt_rootchain_status s;
    CU_ASSERT_EQUAL(vt->status(x.self, &s), BT_OK);
    CU_ASSERT(s.last_error[0] != 0);
    CU_ASSERT_EQUAL(s.head, 0);
    fx_close(&x);
}

/* chain_id set: the genesis id (last 4 bytes = chain id) is checked once, before any height. */
static void test_tron_adapter_wrong_chain_refused(void)
{
    static const char *const right[] = {"chain_id", "728126428", NULL};  /* mainnet */
    static const char *const wrong[] = {"chain_id", "3448148188", NULL}; /* Nile */
    struct fx x;
    struct hres r;
    fx_open(&x, 100, right);
    for (int i = 0; i < 3; i++) {
        heights(&x, &r);
        CU_ASSERT_EQUAL(r.st, BT_OK);
        CU_ASSERT_EQUAL(r.head, 100);
    }
    CU_ASSERT_EQUAL(mock_tron_requests(x.srv, "/wallet/getblockbynum"), 1);
    fx_close(&x);
    fx_open(&x, 100, wrong);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_EPROTO);
    CU_ASSERT(strstr(vt->error_message(x.self), "wrong chain") != NULL);
    CU_ASSERT_EQUAL(metric(&x, "bad_answers_total"), 1);
    struct bt_rootchain_status s;
    CU_ASSERT_EQUAL(vt->status(x.self, &s), BT_OK);
    CU_ASSERT_EQUAL(s.head, 0); /* nothing of the wrong chain is believed */
    fx_close(&x);
}

static void test_tron_adapter_truncated_and_hostile_answers(void)
{
    static const char *const conf[] = {"retries", "1", NULL};
    struct fx x;
    struct hres r;
    fx_open(&x, 100, conf);
    knobs(&x, k_truncate, 1);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_EPROTO);
    CU_ASSERT(strstr(vt->error_message(x.self), "not JSON") != NULL);
    CU_ASSERT_EQUAL(metric(&x, "bad_answers_total"), 1);
    knobs(&x, k_truncate, 0);
    knobs(&x, k_hostile, 1);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_EPROTO);
    CU_ASSERT(strstr(vt->error_message(x.self), "not a TRON block") != NULL);
    CU_ASSERT_EQUAL(metric(&x, "bad_answers_total"), 2);
    knobs(&x, k_hostile, 0);
    knobs(&x, k_http500, 1);
    heights(&x, &r);
    CU_ASSERT_EQUAL(r.st, BT_EIO);
    CU_ASSERT(strstr(vt->error_message(x.self), "http status 500") != NULL);
    knobs(&x, k_http500, 0);
    heights(&x, &r); /* and a good answer afterwards is taken */
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.head, 100);
    fx_close(&x);
}

/* --- calls and logs ------------------------------------------------------------------------ */

struct cres {
    int done;
    bt_status st;
    uint8_t out[64];
    size_t n;
};

static void on_call(void *arg, bt_status st, const uint8_t *out, size_t n)
{
    struct cres *r = arg;
    r->done = 1, r->st = st, r->n = n;
    memcpy(r->out, out, n < sizeof(r->out) ? n : sizeof(r->out));
}

static void call(struct fx *x, uint32_t selector, struct cres *r)
{
    uint8_t to[20] = {0x83, 0x30}, data[4] = {(uint8_t)(selector >> 24), (uint8_t)(selector >> 16),
                                              (uint8_t)(selector >> 8), (uint8_t)selector};
    memset(r, 0, sizeof(*r));
    CU_ASSERT_EQUAL_FATAL(vt->call(x->self, to, data, 4, 0, on_call, r), BT_OK);
    pump(x, &r->done, 100000);
}

static void test_tron_adapter_call_and_revert(void)
{
    struct fx x;
    struct cres r;
    fx_open(&x, 42, NULL);
    call(&x, 0xec7e4855, &r);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.n, 32);
    CU_ASSERT_EQUAL(r.out[31], 42);
    call(&x, 0xdeadbeef, &r);
    CU_ASSERT_EQUAL(r.st, BTS_TRON_EREVERT);
    CU_ASSERT_EQUAL(r.n, 4);
    CU_ASSERT(strstr(vt->error_message(x.self), "REVERT opcode executed") != NULL);
    call(&x, 0x0badc0de, &r);
    CU_ASSERT_EQUAL(r.st, BTS_TRON_EREMOTE);
    CU_ASSERT(strstr(vt->error_message(x.self), "CONTRACT_VALIDATE_ERROR") != NULL);
    uint8_t to[20] = {0};
    CU_ASSERT_EQUAL(vt->call(x.self, to, NULL, 0, 7, on_call, &r), BT_ENOTSUP);
    fx_close(&x);
}

struct lres {
    int done;
    bt_status st;
    size_t n;
    uint64_t blocks[64];
};

static void on_logs(void *arg, bt_status st, const struct bt_rootchain_log *l, size_t n)
{
    struct lres *r = arg;
    r->done = 1, r->st = st, r->n = n;
    for (size_t i = 0; i < n && i < 64; i++) {
        r->blocks[i] = l[i].block_number;
        CU_ASSERT_EQUAL(l[i].data_len, 2);
        CU_ASSERT_EQUAL(l[i].address[19], 0xaa);
        CU_ASSERT_EQUAL(l[i].block_hash[7], (uint8_t)l[i].block_number); /* TRON ids */
    }
}

static void test_tron_adapter_logs_paged_over_jsonrpc(void)
{
    static const char *const conf[] = {"max_log_range", "16", "chain_id", "728126428", NULL};
    static const uint8_t addr[1][20] = {{[19] = 0xaa}};
    struct fx x;
    struct lres r = {0};
    fx_open(&x, 100, conf);
    knobs(&x, k_log_limit, 6);
    struct bt_rootchain_filter f = {.struct_size = sizeof(f),
                                    .addresses = addr,
                                    .n_addresses = 1,
                                    .from_block = 11,
                                    .to_block = 50};
    CU_ASSERT_EQUAL_FATAL(vt->get_logs(x.self, &f, on_logs, &r), BT_OK);
    pump(&x, &r.done, 100000);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL_FATAL(r.n, 40);
    for (size_t i = 0; i < r.n; i++)
        CU_ASSERT_EQUAL(r.blocks[i], 11 + i);
    CU_ASSERT(mock_tron_requests(x.srv, "/jsonrpc") > 7);
    fx_close(&x);
    /* A node of another chain is refused before any log is believed. */
    static const char *const wrong[] = {"chain_id", "3448148188", NULL}; /* Nile */
    fx_open(&x, 100, wrong);
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL_FATAL(vt->get_logs(x.self, &f, on_logs, &r), BT_OK);
    pump(&x, &r.done, 100000);
    CU_ASSERT_EQUAL(BT_STATUS_PRIMARY(r.st), BT_EPROTO);
    CU_ASSERT_EQUAL(r.n, 0);
    fx_close(&x);
}

/* --- sends --------------------------------------------------------------------------------- */

struct sres {
    int done;
    bt_status st;
    int has_receipt;
    struct bt_rootchain_receipt r;
    size_t n_logs;
    size_t log0_len;
};

static void on_receipt(void *arg, bt_status st, const struct bt_rootchain_receipt *r)
{
    struct sres *s = arg;
    s->done = 1, s->st = st;
    if (r) {
        s->has_receipt = 1;
        s->r = *r;
        s->n_logs = r->n_logs;
        s->log0_len = r->n_logs ? r->logs[0].data_len : 0;
        s->r.logs = NULL;
    }
}

static void send_start(struct fx *x, uint32_t selector, struct sres *s)
{
    uint8_t data[36] = {(uint8_t)(selector >> 24), (uint8_t)(selector >> 16),
                        (uint8_t)(selector >> 8), (uint8_t)selector};
    data[35] = 7;
    struct bt_rootchain_send_req q = {
        .struct_size = sizeof(q), .to = {0x83, 0x30, 0x10}, .data = data, .data_len = sizeof(data)};
    memset(s, 0, sizeof(*s));
    CU_ASSERT_EQUAL_FATAL(vt->send(x->self, &q, on_receipt, s), BT_OK);
}

/* Every endpoint fails over on its own: a send over (dead, good) lands, and logs come too. */
static void test_tron_adapter_failover_send_and_logs(void)
{
    static const char *const conf[] = {"url", "http://127.0.0.1:1/,%s/", NULL};
    static const uint8_t addr[1][20] = {{[19] = 0xaa}};
    struct fx x;
    fx_open(&x, 50, conf);
    knobs(&x, k_mine, 1);
    struct sres s;
    send_start(&x, 0x4e43e495, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_SUCCESS);
    struct bt_rootchain_filter f = {.struct_size = sizeof(f),
                                    .addresses = addr,
                                    .n_addresses = 1,
                                    .from_block = 1,
                                    .to_block = 10};
    struct lres r = {0};
    CU_ASSERT_EQUAL_FATAL(vt->get_logs(x.self, &f, on_logs, &r), BT_OK);
    pump(&x, &r.done, 100000);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.n, 10);
    fx_close(&x);
}

static void test_tron_adapter_send_lands(void)
{
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, NULL);
    knobs(&x, k_mine, 1);
    send_start(&x, 0x4e43e495, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_FATAL(s.has_receipt);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_SUCCESS);
    CU_ASSERT(s.r.block_number > 1000);
    CU_ASSERT_EQUAL(s.r.gas_used, 1032);
    CU_ASSERT_EQUAL(s.n_logs, 1);
    CU_ASSERT_EQUAL(s.log0_len, 32);
    CU_ASSERT_EQUAL(mock_tron_included(x.srv), 1);
    CU_ASSERT_EQUAL(mock_tron_included_id(x.srv, s.r.tx_hash), 1);
    CU_ASSERT_STRING_EQUAL(vt->error_message(x.self), "");
    fx_close(&x);
}

static void test_tron_adapter_send_reverts(void)
{
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, NULL);
    knobs(&x, k_mine, 1);
    send_start(&x, 0xbadbad00, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_FATAL(s.has_receipt);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_REVERTED);
    CU_ASSERT(strstr(vt->error_message(x.self), "REVERT") != NULL);
    fx_close(&x);
}

static void on_logs_http(void *arg, bt_status st, const struct bt_rootchain_log *l, size_t n)
{
    struct lres *r = arg;
    r->done = 1, r->st = st, r->n = n;
    for (size_t i = 0; i < n && i < 64; i++) {
        r->blocks[i] = l[i].block_number;
        CU_ASSERT_EQUAL(l[i].data_len, 32);
        CU_ASSERT_EQUAL(l[i].data[31], 7);
        CU_ASSERT_EQUAL(l[i].address[0], 0x83);
        CU_ASSERT_EQUAL(l[i].n_topics, 1);
        CU_ASSERT_EQUAL(l[i].log_index, 0);
        CU_ASSERT_EQUAL(l[i].block_hash[7], (uint8_t)l[i].block_number);
    }
}

/* logs_via = http: block by block over getblockbynum + gettransactioninfobyblocknum, for a
 * fullnode without JSON-RPC. The logs are those of two sends that landed. */
static void test_tron_adapter_logs_over_http(void)
{
    static const char *const conf[] = {"logs_via", "http", NULL};
    static const uint8_t addr[1][20] = {{0x83, 0x30, 0x10}}, other[1][20] = {{0x01}};
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, conf);
    knobs(&x, k_mine, 1);
    uint64_t landed[2];
    for (int i = 0; i < 2; i++) {
        send_start(&x, 0x4e43e495, &s);
        pump(&x, &s.done, 200000);
        CU_ASSERT_EQUAL_FATAL(s.st, BT_OK);
        landed[i] = s.r.block_number;
    }
    struct bt_rootchain_filter f = {.struct_size = sizeof(f),
                                    .addresses = addr,
                                    .n_addresses = 1,
                                    .from_block = 1000,
                                    .to_block = mock_tron_head(x.srv)};
    struct lres r = {0};
    CU_ASSERT_EQUAL_FATAL(vt->get_logs(x.self, &f, on_logs_http, &r), BT_OK);
    pump(&x, &r.done, 200000);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL_FATAL(r.n, 2);
    CU_ASSERT_EQUAL(r.blocks[0], landed[0]);
    CU_ASSERT_EQUAL(r.blocks[1], landed[1]);
    CU_ASSERT_EQUAL(mock_tron_requests(x.srv, "/jsonrpc"), 0);
    f.addresses = other; /* filtered out */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL_FATAL(vt->get_logs(x.self, &f, on_logs_http, &r), BT_OK);
    pump(&x, &r.done, 200000);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.n, 0);
    f.to_block = mock_tron_head(x.srv) + 1000; /* past the head: a range error, said clearly */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL_FATAL(vt->get_logs(x.self, &f, on_logs_http, &r), BT_OK);
    pump(&x, &r.done, 200000);
    CU_ASSERT_EQUAL(r.st, BT_ERANGE);
    CU_ASSERT(strstr(vt->error_message(x.self), "getblockbynum") != NULL);
    fx_close(&x);
}

struct bres {
    int done;
    bt_status st;
    struct bt_rootchain_block b;
};

static void on_block(void *arg, bt_status st, const struct bt_rootchain_block *b)
{
    struct bres *r = arg;
    r->done = 1, r->st = st;
    CU_ASSERT((st == BT_OK) == (b != NULL));
    if (b)
        r->b = *b;
}

/* get_block: the blockID (8-byte number ‖ hash) and the parent's id of getblockbynum; beyond
 * the head an answer BT_ENOTFOUND. */
static void test_tron_adapter_get_block(void)
{
    struct fx x;
    struct bres r = {0};
    fx_open(&x, 100, NULL);
    CU_ASSERT_FATAL(BT_HAS(struct bt_rootchain_vtbl, vt, get_block));
    CU_ASSERT_EQUAL_FATAL(vt->get_block(x.self, 42, on_block, &r), BT_OK);
    pump(&x, &r.done, 100000);
    CU_ASSERT_EQUAL_FATAL(r.st, BT_OK);
    CU_ASSERT_EQUAL(r.b.number, 42);
    CU_ASSERT_EQUAL(r.b.hash[7], 42);
    CU_ASSERT_EQUAL(r.b.parent_hash[7], 41);
    CU_ASSERT(r.b.timestamp > 0);
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL_FATAL(vt->get_block(x.self, 101, on_block, &r), BT_OK);
    pump(&x, &r.done, 100000);
    CU_ASSERT_EQUAL(r.st, BT_ENOTFOUND);
    CU_ASSERT(strstr(vt->error_message(x.self), "beyond the head") != NULL);
    knobs(&x, k_hostile, 1); /* another chain's block: refused, not passed on */
    memset(&r, 0, sizeof(r));
    CU_ASSERT_EQUAL_FATAL(vt->get_block(x.self, 42, on_block, &r), BT_OK);
    pump(&x, &r.done, 100000);
    CU_ASSERT_EQUAL(r.st, BT_EPROTO);
    fx_close(&x);
}

/* OUT_OF_ENERGY: the failed tx is final; a new one with a doubled fee_limit lands. */
static void test_tron_adapter_send_out_of_energy_retried(void)
{
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, NULL);
    knobs(&x, k_mine, 1);
    send_start(&x, 0x0e0e0e0e, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_SUCCESS);
    CU_ASSERT_EQUAL(bts_mockhost_log_find(x.m, "out of energy"), 1);
    CU_ASSERT_EQUAL(bts_mockhost_log_find(x.m, "fee_limit now 400000000"), 1);
    CU_ASSERT_EQUAL(mock_tron_included(x.srv), 2); /* the failed one and the good one */
    fx_close(&x);
    /* At the cap already: reported as it is. */
    static const char *const capped[] = {"max_fee_limit", "200000000", NULL};
    fx_open(&x, 1000, capped);
    knobs(&x, k_mine, 1);
    send_start(&x, 0x0e0e0e0e, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_REVERTED);
    CU_ASSERT(strstr(vt->error_message(x.self), "OUT_OF_ENERGY") != NULL);
    fx_close(&x);
}

static void k_refuse(struct mock_tron_knobs *k, int v)
{
    k->refuse = v == 1 ? "CONTRACT_VALIDATE_ERROR" : v == 2 ? "TAPOS_ERROR" : NULL;
    k->refuse_once = v == 2;
}

static void test_tron_adapter_send_refused(void)
{
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, NULL);
    knobs(&x, k_refuse, 1);
    send_start(&x, 0x4e43e495, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BTS_TRON_EREMOTE);
    CU_ASSERT_FALSE(s.has_receipt);
    CU_ASSERT(strstr(vt->error_message(x.self), "broadcast refused: CONTRACT_VALIDATE_ERROR") !=
              NULL);
    CU_ASSERT_EQUAL(mock_tron_included(x.srv), 0);
    /* A call that reverts in the dry run is never broadcast (no fee burnt). */
    knobs(&x, k_refuse, 0);
    unsigned b0 = mock_tron_requests(x.srv, "/wallet/broadcasthex");
    send_start(&x, 0xdeadbeef, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BTS_TRON_EREVERT);
    CU_ASSERT(strstr(vt->error_message(x.self), "dry run: execution reverted") != NULL);
    CU_ASSERT_EQUAL(mock_tron_requests(x.srv, "/wallet/broadcasthex"), b0);
    /* A signer that answers with another key's signature is caught before the broadcast. */
    knobs(&x, k_refuse, 0);
    sign_wrong = 1;
    unsigned before = mock_tron_requests(x.srv, "/wallet/broadcasthex");
    send_start(&x, 0x4e43e495, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_EPROTO);
    CU_ASSERT(strstr(vt->error_message(x.self), "does not recover") != NULL);
    CU_ASSERT_EQUAL(mock_tron_requests(x.srv, "/wallet/broadcasthex"), before);
    fx_close(&x);
}

static void test_tron_adapter_send_rebuilt_after_tapos_error(void)
{
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, NULL);
    knobs(&x, k_mine, 1);
    knobs(&x, k_refuse, 2);
    send_start(&x, 0x4e43e495, &s);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_SUCCESS);
    CU_ASSERT_EQUAL(bts_mockhost_log_find(x.m, "send rebuilt"), 1);
    CU_ASSERT_EQUAL(mock_tron_included(x.srv), 1);
    fx_close(&x);
}

static void test_tron_adapter_send_lost_then_rebuilt_once(void)
{
    static const char *const conf[] = {"expiration", "6s", "rebroadcast", "1h", NULL};
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, conf);
    knobs(&x, k_mine, 1);
    knobs(&x, k_blackhole, 1);
    send_start(&x, 0x4e43e495, &s);
    pump(&x, &s.done, 400000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_SUCCESS);
    CU_ASSERT_EQUAL(bts_mockhost_log_find(x.m, "send rebuilt"), 1);
    CU_ASSERT_EQUAL(mock_tron_included(x.srv), 1); /* exactly once */
    CU_ASSERT_EQUAL(mock_tron_included_id(x.srv, s.r.tx_hash), 1);
    fx_close(&x);
    /* Lost every time: dropped after max_rebuilds, with a clear status. */
    static const char *const conf2[] = {"expiration",   "6s", "rebroadcast", "1h",
                                        "max_rebuilds", "1",  NULL};
    fx_open(&x, 1000, conf2);
    knobs(&x, k_mine, 1);
    knobs(&x, k_blackhole, 100);
    send_start(&x, 0x4e43e495, &s);
    pump(&x, &s.done, 400000);
    CU_ASSERT_EQUAL(s.st, BT_ETIMEDOUT);
    CU_ASSERT(s.has_receipt && s.r.tx_status == BT_ROOTCHAIN_TX_DROPPED);
    CU_ASSERT(strstr(vt->error_message(x.self), "gave up after 1 rebuilds") != NULL);
    fx_close(&x);
}

static void test_tron_adapter_send_survives_outage(void)
{
    static const char *const conf[] = {"retries", "1", NULL};
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, conf);
    knobs(&x, k_mine, 1);
    knobs(&x, k_http500, 1); /* the node is down when the send starts */
    send_start(&x, 0x4e43e495, &s);
    for (int i = 0; i < 150 && !s.done; i++)
        if (bts_mockhost_run_deferred(x.m) == 0)
            bts_mockhost_advance(x.m, 10);
    CU_ASSERT_FALSE(s.done);
    struct bt_rootchain_status st;
    CU_ASSERT_EQUAL(vt->status(x.self, &st), BT_OK);
    CU_ASSERT(strstr(st.last_error, "http status 500") != NULL); /* the outage is reported */
    knobs(&x, k_http500, 0);
    pump(&x, &s.done, 200000);
    CU_ASSERT_EQUAL(s.st, BT_OK);
    CU_ASSERT_EQUAL(s.r.tx_status, BT_ROOTCHAIN_TX_SUCCESS);
    CU_ASSERT_EQUAL(mock_tron_included(x.srv), 1);
    fx_close(&x);
}

static void test_tron_adapter_stop_cancels_sends(void)
{
    struct fx x;
    struct sres s;
    fx_open(&x, 1000, NULL);
    send_start(&x, 0x4e43e495, &s); /* never mined: waits for a receipt */
    for (int i = 0; i < 200; i++)
        if (bts_mockhost_run_deferred(x.m) == 0)
            bts_mockhost_advance(x.m, 10);
    CU_ASSERT_FALSE(s.done);
    desc->stop(x.self);
    bts_mockhost_run_deferred(x.m);
    CU_ASSERT_TRUE(s.done);
    CU_ASSERT_EQUAL(s.st, BT_ECANCELED);
    struct hres r;
    CU_ASSERT_EQUAL(vt->heights(x.self, on_heights, &r), BT_ECANCELED);
    fx_close(&x);
}

static void test_tron_adapter_config_errors(void)
{
    static const char *const bad_addr[] = {"root_chain", "TMvs6n9qy1R13CPd1AfxhW41GBG21NSXNk",
                                           NULL};
    static const char *const bad_exp[] = {"expiration", "48h", NULL};
    static const char *const typo[] = {"fee_limti", "1", NULL};
    const char *const *cases[] = {bad_addr, bad_exp, typo};
    const char *want[] = {"root_chain", "expiration", "fee_limti"};
    for (size_t i = 0; i < 3; i++) {
        struct fx x;
        CU_ASSERT_NOT_EQUAL(fx_open_st(&x, 1, cases[i]), BT_OK);
        CU_ASSERT_PTR_NULL(x.self);
        CU_ASSERT(strstr(bts_mockhost_error(x.m), want[i]) != NULL);
        fx_close(&x);
    }
}

/* Against a real node (the dev TRON API or a java-tron), in real time: heights; with
 * BT_TRON_API_CONTRACT (T... or 41...) a call of BT_TRON_API_DATA (hex, default
 * currentHeaderBlock()); with BT_TRON_API_SEND=1 also a send of it, signed by BT_TRON_API_KEY. */
static void pump_real(struct fx *x, const int *done, int max_ms)
{
    for (int i = 0; i < max_ms / 10 && !*done; i++) {
        if (bts_mockhost_run_deferred(x->m) == 0) {
            usleep(10000);
            bts_mockhost_advance(x->m, 10);
        }
    }
    CU_ASSERT_TRUE(*done);
}

static void test_tron_adapter_live(void)
{
    const char *url = getenv("BT_TRON_API_URL");
    if (!url || !url[0]) {
        printf("\n  (BT_TRON_API_URL not set: live check skipped) ");
        return;
    }
    struct fx x;
    const char *conf[] = {"url", url, "receipt_poll", "1s", NULL};
    fx_open(&x, 1, conf);
    struct hres r = {0};
    CU_ASSERT_EQUAL_FATAL(vt->heights(x.self, on_heights, &r), BT_OK);
    pump_real(&x, &r.done, 30000);
    CU_ASSERT_EQUAL(r.st, BT_OK);
    CU_ASSERT(r.fin <= r.head);
    printf("\n  live %s: head %llu finalized %llu (%s) ", url, (unsigned long long)r.head,
           (unsigned long long)r.fin, vt->error_message(x.self));
    const char *ct = getenv("BT_TRON_API_CONTRACT"), *dh = getenv("BT_TRON_API_DATA");
    uint8_t c21[21], data[256];
    size_t dl = 0;
    if (ct && bts_tron_address_parse(c21, ct, strlen(ct)) == BT_OK &&
        bts_hex_decode(data, sizeof(data), &dl, dh ? dh : "ec7e4855", strlen(dh ? dh : "ec7e4855"),
                       0) == BT_OK) {
        struct cres c = {0};
        CU_ASSERT_EQUAL_FATAL(vt->call(x.self, c21 + 1, data, dl, 0, on_call, &c), BT_OK);
        pump_real(&x, &c.done, 30000);
        CU_ASSERT_EQUAL(c.st, BT_OK);
        printf("\n  live call: %zu bytes (%s) ", c.n, vt->error_message(x.self));
        const char *snd = getenv("BT_TRON_API_SEND");
        if (snd && !strcmp(snd, "1")) {
            struct bt_rootchain_send_req q = {
                .struct_size = sizeof(q), .data = data, .data_len = dl};
            memcpy(q.to, c21 + 1, 20);
            struct sres sr = {0};
            CU_ASSERT_EQUAL_FATAL(vt->send(x.self, &q, on_receipt, &sr), BT_OK);
            pump_real(&x, &sr.done, 180000);
            CU_ASSERT_EQUAL(sr.st, BT_OK);
            printf("\n  live send: status %s tx_status %u block %llu (%s) ", bts_status_str(sr.st),
                   sr.r.tx_status, (unsigned long long)sr.r.block_number,
                   vt->error_message(x.self));
        }
    }
    fx_close(&x);
}

BTS_TEST_SUITE("tron_adapter", suite_init, suite_cleanup,
               BTS_TEST(test_tron_adapter_heights_from_solidity),
               BTS_TEST(test_tron_adapter_heights_fallback_depth),
               BTS_TEST(test_tron_adapter_failover_from_dead_url),
               BTS_TEST(test_tron_adapter_failover_send_and_logs),
               BTS_TEST(test_tron_adapter_dead_url_is_a_clear_error),
               BTS_TEST(test_tron_adapter_wrong_chain_refused),
               BTS_TEST(test_tron_adapter_truncated_and_hostile_answers),
               BTS_TEST(test_tron_adapter_call_and_revert),
               BTS_TEST(test_tron_adapter_logs_paged_over_jsonrpc),
               BTS_TEST(test_tron_adapter_send_lands), BTS_TEST(test_tron_adapter_send_reverts),
               BTS_TEST(test_tron_adapter_logs_over_http), BTS_TEST(test_tron_adapter_get_block),
               BTS_TEST(test_tron_adapter_send_out_of_energy_retried),
               BTS_TEST(test_tron_adapter_send_refused),
               BTS_TEST(test_tron_adapter_send_rebuilt_after_tapos_error),
               BTS_TEST(test_tron_adapter_send_lost_then_rebuilt_once),
               BTS_TEST(test_tron_adapter_send_survives_outage),
               BTS_TEST(test_tron_adapter_stop_cancels_sends),
               BTS_TEST(test_tron_adapter_config_errors), BTS_TEST(test_tron_adapter_live));
