/* The devnet's Delivery pieces without processes: the Delivery genesis the devnet writes is one
 * the Delivery application accepts (dlv_app_init_genesis) with the validators, span 0 and
 * params as meant, and the validators' plugins.conf switch Delivery on (TRON present) or use
 * the span file (no TRON). */
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/hex.h>

#include "devnet_int.h"
#include "dlv_app.h"
#include "dlv_kv.h"
#include "dlv_query.h"
#include "genesis_int.h"
#include "keys_int.h"

static char g_tmp[64];

static int suite_init(void)
{
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/bttcd-devnet-dlv-XXXXXX");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int suite_clean(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* n validators (dev accounts), basechains tron+eth (+bsc when with_bsc), deployed with
 * distinct fake addresses per contract and chain. */
static void make_devnet(struct devnet *d, const char *sub, uint32_t n, int with_tron)
{
    memset(d, 0, sizeof(*d));
    snprintf(d->dir, sizeof(d->dir), "%s/%s", g_tmp, sub);
    CU_ASSERT_FATAL(dn_mkdir(d->dir) == 0);
    d->n_val = n;
    for (uint32_t i = 0; i < n; i++) {
        struct bt_address a;
        CU_ASSERT_FATAL(genesis_dev_address(&a, i) == BT_OK);
        memcpy(d->val[i].addr, a.bytes, 20);
        bts_hex_format_eip55(d->val[i].addr_hex, a.bytes);
        d->val[i].http_port = 20000 + (int)i;
        d->val[i].ws_port = 21000 + (int)i;
        d->val[i].p2p_port = 22000 + (int)i;
        d->val[i].rest_port = 25000 + (int)i;
    }
    for (int c = 0; c < DN_N_CHAINS; c++) {
        struct dn_base *b = &d->base[c];
        b->is_enabled = c != DN_BSC && (with_tron || c != DN_TRON);
        b->chain_id = 100 + (uint64_t)c;
        b->http_port = 23000 + c;
        snprintf(b->url, sizeof(b->url), "http://127.0.0.1:%d", b->http_port);
        b->is_deployed = b->is_enabled;
        for (int k = 0; k < DN_N_CONTRACTS; k++)
            memset(b->addr[k], 0x10 * (c + 1) + k, 20);
    }
}

static char *read_all(const char *path)
{
    char *t = NULL, err[256];
    size_t n = 0;
    return keydir_read_file(&t, &n, path, err, sizeof(err)) == BT_OK ? t : NULL;
}

static json_t *query(struct dlv_application *a, const char *path, json_t **doc)
{
    struct bts_buf b;
    uint32_t status = 0;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL_FATAL(dlv_query(a, path, NULL, &status, &b), BT_OK);
    CU_ASSERT_EQUAL(status, 200);
    *doc = json_loadb((const char *)b.data, b.len, 0, NULL);
    bts_buf_free(&b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*doc);
    return json_object_get(*doc, "result");
}

static void test_devnet_delivery_genesis_accepted(void)
{
    struct devnet *d = calloc(1, sizeof(*d));
    make_devnet(d, "genesis", 4, 1);
    /* StakeManager gave the IDs in its own order: the genesis keeps them. */
    struct dn_stake stakes[4] = {{2, 1, 1}, {1, 1, 1}, {3, 1, 1}, {4, 1, 1}};
    char *text = dn_dlv_genesis_text(d, stakes);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    json_t *g = json_loads(text, 0, NULL);
    CU_ASSERT_FATAL(json_is_object(g));
    const json_t *p = json_object_get(g, "params"), *roots = json_object_get(p, "roots");
    /* a dividend account (fee 0) per validator: the checkpoints' account root needs one */
    const json_t *accs = json_object_get(g, "dividend_accounts");
    CU_ASSERT_EQUAL(json_array_size(accs), d->n_val);
    for (size_t i = 0; i < json_array_size(accs) && i < d->n_val; i++) {
        const json_t *a = json_array_get(accs, i);
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(a, "user")), d->val[i].addr_hex);
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(a, "feeAmount")), "0");
    }
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(p, "span_duration")), DN_DLV_SPAN_LEN);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(p, "sprint_duration")), DN_SPRINT);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(p, "producer_count")), DN_PRODUCER_COUNT);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "bor_chain_id")), "1337");
    /* roots: tron and eth (bsc off), TRON's addresses in EVM form, the four keys */
    CU_ASSERT_EQUAL(json_object_size(roots), 2);
    const json_t *tr = json_object_get(roots, "tron");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tr, "root_chain")),
                           "0x1616161616161616161616161616161616161616");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tr, "stake_manager")),
                           "0x1515151515151515151515151515151515151515");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tr, "staking_info")),
                           "0x1212121212121212121212121212121212121212");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(roots, "eth"), "state_sender")),
        "0x3737373737373737373737373737373737373737");
    CU_ASSERT_PTR_NULL(json_object_get(roots, "bsc"));
    json_decref(g);
    /* the application takes it: span 0 = the Bttc genesis span with the four as producers */
    struct dlv_memkv *kv;
    struct dlv_application *a;
    CU_ASSERT_EQUAL_FATAL(dlv_memkv_new(&kv), BT_OK);
    struct dlv_app_config cfg = {dlv_memkv_iface(), kv, NULL, NULL, NULL, NULL};
    CU_ASSERT_EQUAL_FATAL(dlv_app_open(&a, &cfg), BT_OK);
    char err[256] = "";
    bt_status st = dlv_app_init_genesis(a, text, strlen(text), err, sizeof(err));
    if (st != BT_OK)
        fprintf(stderr, "genesis refused: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(st, BT_OK);
    CU_ASSERT_STRING_EQUAL(dlv_app_chain_id(a), "delivery-1337");
    json_t *doc;
    json_t *r = query(a, "/bor/span/0", &doc);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "start_block")), 0);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "end_block")), DN_SPAN_LEN - 1);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "selected_producers")), 4);
    json_decref(doc);
    r = query(a, "/staking/validator/2", &doc);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "signer")),
                           "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "power")), 1);
    json_decref(doc);
    dlv_app_free(a);
    dlv_memkv_free(kv);
    free(text);
    free(d);
}

/* v0's plugins.conf after dn_write_confs. */
static char *conf_of(struct devnet *d)
{
    char err[512], path[4300];
    snprintf(path, sizeof(path), "%s/nodes", d->dir);
    CU_ASSERT_FATAL(dn_mkdir(path) == 0);
    for (uint32_t i = 0; i < d->n_val; i++) {
        snprintf(path, sizeof(path), "%s/nodes/v%u", d->dir, i);
        CU_ASSERT_FATAL(dn_mkdir(path) == 0);
    }
    CU_ASSERT_FATAL(dn_write_confs(d, err, sizeof(err)) == BT_OK);
    snprintf(path, sizeof(path), "%s/nodes/v0/plugins.conf", d->dir);
    return read_all(path);
}

static void test_devnet_delivery_confs(void)
{
    struct devnet *d = calloc(1, sizeof(*d));
    char want[4400];
    /* TRON present: Delivery on, its genesis and key, no span file (Delivery serves spans) */
    make_devnet(d, "conf-on", 2, 1);
    CU_ASSERT(dn_has_delivery(d));
    char *c = conf_of(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(strstr(c, "\ndelivery = on\n") != NULL);
    CU_ASSERT(strstr(c, "\ndelivery_key = 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n") != NULL);
    snprintf(want, sizeof(want), "\ndelivery_genesis = %s/%s\n", d->dir, DN_DLV_GENESIS);
    CU_ASSERT(strstr(c, want) != NULL);
    CU_ASSERT(strstr(c, "delivery_timeout_propose_ms = ") != NULL);
    CU_ASSERT(strstr(c, "bridge_poll_tron = 1s") != NULL);
    CU_ASSERT(strstr(c, "span_poll_interval = 5s") != NULL);
    CU_ASSERT(strstr(c, "\nbridge_tron_confirmations = 2\n") != NULL);
    CU_ASSERT(strstr(c, "# bridge") == NULL); /* the bridge keys are live */
    CU_ASSERT(strstr(c, "span_file") == NULL);
    CU_ASSERT(strstr(c, "(25000)") != NULL); /* the REST port it is told (--rest.port) */
    free(c);
    /* no TRON: Delivery off, spans from the file */
    make_devnet(d, "conf-off", 2, 0);
    CU_ASSERT(!dn_has_delivery(d));
    c = conf_of(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(strstr(c, "delivery = on") == NULL);
    snprintf(want, sizeof(want), "\nspan_file = %s/spans.json\n", d->dir);
    CU_ASSERT(strstr(c, want) != NULL);
    CU_ASSERT(strstr(c, "no tron basechain") != NULL);
    free(c);
    /* --no-delivery with TRON: off too */
    make_devnet(d, "conf-no", 2, 1);
    d->is_delivery_off = 1;
    CU_ASSERT(!dn_has_delivery(d));
    c = conf_of(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(strstr(c, "delivery = on") == NULL);
    CU_ASSERT(strstr(c, "--no-delivery") != NULL);
    CU_ASSERT(strstr(c, "span_file = ") != NULL);
    free(c);
    free(d);
}

static void test_devnet_delivery_state_rest_port(void)
{
    struct devnet *d = calloc(1, sizeof(*d)), *e = calloc(1, sizeof(*e));
    char err[512];
    make_devnet(d, "state", 2, 1);
    CU_ASSERT_FATAL(dn_state_save(d, err, sizeof(err)) == BT_OK);
    snprintf(e->dir, sizeof(e->dir), "%s", d->dir);
    CU_ASSERT_FATAL(dn_state_load(e, err, sizeof(err)) == BT_OK);
    CU_ASSERT_EQUAL(e->val[1].rest_port, 25001);
    CU_ASSERT(!e->is_delivery_off);
    d->is_delivery_off = 1;
    CU_ASSERT_FATAL(dn_state_save(d, err, sizeof(err)) == BT_OK);
    CU_ASSERT_FATAL(dn_state_load(e, err, sizeof(err)) == BT_OK);
    CU_ASSERT(e->is_delivery_off);
    free(d);
    free(e);
}

static void test_devnet_delivery_missing(void)
{
    json_t *o = json_object();
    dn_missing(o, "head", "validator down");
    dn_missing(o, "hash", "validator down");
    const json_t *m = json_object_get(o, "missing");
    CU_ASSERT_EQUAL(json_object_size(m), 2);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(m, "head")), "validator down");
    json_decref(o);
}

BTS_TEST_SUITE("devnet_delivery", suite_init, suite_clean,
               BTS_TEST(test_devnet_delivery_genesis_accepted),
               BTS_TEST(test_devnet_delivery_confs), BTS_TEST(test_devnet_delivery_state_rest_port),
               BTS_TEST(test_devnet_delivery_missing));
