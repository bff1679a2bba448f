/* The Delivery node bound to the host ABI (dlvnode/dlv_host.h) on the mock host: config keys,
 * genesis file, host timers, the host signer by key id, topics, the storage service, metrics
 * and logs; a one-validator chain commits, stops, and resumes from storage at its height. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bt/storage_service.h>
#include <bts/keccak.h>
#include <bts/mockhost.h>
#include <bts/secp.h>
#include <bts/test.h>

#include "dlv_host.h"

/* --- a storage service backed by memory (get and write are all the node uses) -------------- */

static struct {
    uint8_t *k[1024], *v[1024];
    size_t kl[1024], vl[1024], n;
} disk;

static long find(const uint8_t *k, size_t kl)
{
    for (size_t i = 0; i < disk.n; i++)
        if (disk.kl[i] == kl && !memcmp(disk.k[i], k, kl))
            return (long)i;
    return -1;
}

static void rel(struct bt_value *v)
{
    free((void *)v->data);
}

static bt_status s_get(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                       const uint8_t *key, size_t key_len, struct bt_value *out)
{
    (void)self, (void)h, (void)snap;
    long i = find(key, key_len);
    if (i < 0)
        return BT_ENOTFOUND;
    uint8_t *c = malloc(disk.vl[i] + 1);
    memcpy(c, disk.v[i], disk.vl[i]);
    out->data = c;
    out->len = disk.vl[i];
    out->release = rel;
    return BT_OK;
}

static int writes_sync = 1;

static bt_status s_write(void *self, struct bt_host_ctx *h, const struct bt_storage_batch *b)
{
    (void)self, (void)h;
    if (!(b->flags & BT_STORAGE_SYNC))
        writes_sync = 0;
    for (size_t j = 0; j < b->n_ops; j++) {
        const struct bt_storage_op *op = &b->ops[j];
        long i = find(op->key, op->key_len);
        if (i < 0) {
            CU_ASSERT_FATAL(disk.n < 1024);
            i = (long)disk.n++;
            disk.k[i] = malloc(op->key_len);
            memcpy(disk.k[i], op->key, op->key_len);
            disk.kl[i] = op->key_len;
            disk.v[i] = NULL;
        }
        free(disk.v[i]);
        disk.v[i] = malloc(op->value_len + 1);
        memcpy(disk.v[i], op->value, op->value_len);
        disk.vl[i] = op->type == BT_STORAGE_PUT ? op->value_len : 0;
    }
    return BT_OK;
}

static const struct bt_storage_svc stor = {
    .struct_size = sizeof(struct bt_storage_svc), .get = s_get, .write = s_write};

/* --- a counter app: every tx adds one; app hash = keccak(count) ---------------------------- */

struct capp {
    uint64_t h, count;
    uint8_t hash[32];
    struct bts_valset *genesis;
};

static bt_status c_info(void *self, uint64_t *h, uint8_t hash[32])
{
    struct capp *a = self;
    *h = a->h;
    memcpy(hash, a->hash, 32);
    return BT_OK;
}
static bt_status c_valset(void *self, uint64_t h, struct bts_valset *out)
{
    struct capp *a = self;
    (void)h;
    return bts_valset_copy(out, a->genesis);
}
static bt_status c_check(void *self, const uint8_t *tx, size_t len)
{
    (void)self, (void)tx;
    return len < 100 ? BT_OK : BT_EINVAL;
}
static bt_status c_begin(void *self, const struct dlv_block_info *b,
                         const struct dlv_last_commit *l)
{
    (void)self, (void)b, (void)l;
    return BT_OK;
}
static bt_status c_deliver(void *self, const uint8_t *tx, size_t len, uint32_t *code)
{
    struct capp *a = self;
    (void)tx, (void)len;
    a->count++;
    *code = 0;
    return BT_OK;
}
static bt_status c_end(void *self, uint64_t h, const struct dlv_valset_update **u, size_t *n)
{
    (void)self, (void)h;
    *u = NULL;
    *n = 0;
    return BT_OK;
}
static bt_status c_commit(void *self, struct dlv_batch *b, uint8_t out[32])
{
    struct capp *a = self;
    uint8_t rec[48];
    a->h++;
    bts_keccak256(a->hash, &a->count, sizeof a->count);
    memcpy(out, a->hash, 32);
    memcpy(rec, &a->h, 8);
    memcpy(rec + 8, &a->count, 8);
    memcpy(rec + 16, a->hash, 32);
    return dlv_batch_put(b, (const uint8_t *)"app/c", 5, rec, sizeof rec);
}

static void c_load(struct capp *a)
{
    long i = find((const uint8_t *)"app/c", 5);
    a->h = a->count = 0;
    memset(a->hash, 0, 32);
    if (i >= 0 && disk.vl[i] == 48) {
        memcpy(&a->h, disk.v[i], 8);
        memcpy(&a->count, disk.v[i] + 8, 8);
        memcpy(a->hash, disk.v[i] + 16, 32);
    }
}

/* --- the signer: the key lives in the test, as in the host's keystore ---------------------- */

static uint8_t seckey[32] = {0x22, [31] = 7};
static uint8_t address[20];
static char key_id[43];
static unsigned signs;

static bt_status t_sign(void *arg, uint8_t sig[65], const char *kid, const uint8_t d[32])
{
    (void)arg;
    if (strcmp(kid, key_id) != 0)
        return BT_ENOTFOUND;
    signs++;
    return bts_secp_sign(sig, seckey, d);
}
static bt_status t_addr(void *arg, const char *kid, uint8_t out[20])
{
    (void)arg;
    if (strcmp(kid, key_id) != 0)
        return BT_ENOTFOUND;
    memcpy(out, address, 20);
    return BT_OK;
}

static bt_status t_topic_register(struct bt_host_ctx *h, const char *topic, size_t max,
                                  bt_topic_fn fn, void *arg, uint32_t *out_id)
{
    static uint32_t next;
    (void)h, (void)topic, (void)fn, (void)arg;
    CU_ASSERT(max > 0 && max <= 4u * 1024 * 1024);
    *out_id = ++next;
    return BT_OK;
}
static unsigned sent;
static bt_status t_topic_send(struct bt_host_ctx *h, uint32_t id, uint64_t peer, const uint8_t *msg,
                              size_t len)
{
    (void)h, (void)id, (void)peer, (void)msg, (void)len;
    sent++;
    return BT_OK;
}

static struct bts_mockhost *mock(const char *genesis_path)
{
    struct bts_mockhost *m = bts_mockhost_new();
    bts_mockhost_use_timers(m);
    bts_mockhost_use_services(m);
    bts_mockhost_use_metrics(m);
    bts_mockhost_use_log(m, BT_LOG_INFO);
    bts_mockhost_use(m, BTS_MOCK_SET_ERROR);
    bts_mockhost_set_datadir(m, "/tmp");
    bts_mockhost_conf_set(m, "delivery", "on");
    bts_mockhost_conf_set(m, "delivery_key", key_id);
    bts_mockhost_conf_set(m, "delivery_genesis", genesis_path);
    bts_mockhost_conf_set(m, "delivery_timeout_propose_ms", "500");
    bts_mockhost_conf_set(m, "delivery_timeout_commit_ms", "1000");
    bts_mockhost_set_signer(m, t_sign, t_addr, NULL);
    CU_ASSERT(bts_mockhost_service_add(m, "storage", &stor, NULL) == BT_OK);
    struct bt_host *t = bts_mockhost_table(m);
    t->topic_register = t_topic_register;
    t->topic_send = t_topic_send;
    return m;
}

static void test_dlvnode_host_commits_and_resumes(void)
{
    char gpath[64];
    char chain[64];
    struct bts_valset g;
    CU_ASSERT_FATAL(bts_secp_seckey_to_address(address, seckey) == BT_OK);
    snprintf(key_id, sizeof key_id, "0x");
    for (int i = 0; i < 20; i++)
        snprintf(key_id + 2 + 2 * i, 3, "%02x", address[i]);
    snprintf(gpath, sizeof gpath, "/tmp/dlvnode_genesis_%d.json", (int)getpid());
    FILE *f = fopen(gpath, "w");
    CU_ASSERT_FATAL(f != NULL);
    fprintf(f, "{\"chain_id\":\"delivery-test\",\"validators\":[{\"address\":\"%s\",\"power\":5}]}",
            key_id);
    fclose(f);
    bts_valset_init(&g);

    uint64_t first = 0;
    for (int life = 0; life < 2; life++) {
        struct bts_mockhost *m = mock(gpath);
        const struct bt_host *host = bts_mockhost_host(m);
        struct bt_host_ctx *hctx = bts_mockhost_ctx(m);
        struct dlv_host_config cfg;
        CU_ASSERT_FATAL(dlv_host_config_read(host, hctx, &cfg) == BT_OK);
        CU_ASSERT(cfg.enabled && cfg.has_key && cfg.propose_ms == 500);
        CU_ASSERT_FATAL(dlv_genesis_load(cfg.genesis, chain, sizeof chain, &g) == BT_OK);
        CU_ASSERT_STRING_EQUAL(chain, "delivery-test");
        struct capp app = {.genesis = &g};
        c_load(&app);
        struct dlv_app tab = {.self = &app,
                              .info = c_info,
                              .valset = c_valset,
                              .check_tx = c_check,
                              .begin_block = c_begin,
                              .deliver_tx = c_deliver,
                              .end_block = c_end,
                              .commit = c_commit};
        struct dlv_host *d;
        CU_ASSERT_FATAL(dlv_host_new(&d, host, hctx, &cfg, chain, &tab) == BT_OK);
        bt_status sst = dlv_host_start(d);
        if (sst != BT_OK) {
            for (size_t k = 0; k < bts_mockhost_log_count(m); k++)
                fprintf(stderr, "%s\n", bts_mockhost_log_line(m, k));
            fprintf(stderr, "start: %d %s\n", (int)sst, bts_mockhost_error(m));
        }
        CU_ASSERT_FATAL(sst == BT_OK);
        struct dlv_node_status s;
        dlv_node_status(dlv_host_node(d), &s);
        /* resumes at the last committed height (a lone validator decides the next at once) */
        CU_ASSERT(s.height >= first && s.height <= first + 1);
        CU_ASSERT_EQUAL(dlv_node_submit_tx(dlv_host_node(d), (const uint8_t *)"tick", 4), BT_OK);
        bts_mockhost_advance(m, 20000);
        dlv_node_status(dlv_host_node(d), &s);
        CU_ASSERT(s.height >= first + 3);
        CU_ASSERT_EQUAL(s.mempool_txs, 0);
        CU_ASSERT_EQUAL(app.count, (uint64_t)life + 1);
        double hm = 0;
        CU_ASSERT(bts_mockhost_metric(m, "delivery_height", &hm) == BT_OK);
        CU_ASSERT_EQUAL((uint64_t)hm, s.height);
        CU_ASSERT(bts_mockhost_log_find(m, "dlv_commit") >= 3);
        first = s.height;
        dlv_host_free(d);
        bts_mockhost_free(m);
    }
    CU_ASSERT(signs > 0 && sent > 0 && writes_sync);
    bts_valset_free(&g);
    remove(gpath);
    for (size_t i = 0; i < disk.n; i++) {
        free(disk.k[i]);
        free(disk.v[i]);
    }
    disk.n = 0;
}

static void test_dlvnode_host_config_errors(void)
{
    const char *bad[][2] = {
        {"delivery", "maybe"}, {"delivery_key", "0x1234"}, {"delivery_timeout_vote_ms", "fast"}};
    for (size_t i = 0; i < 3; i++) {
        struct bts_mockhost *m = bts_mockhost_new();
        bts_mockhost_use(m, BTS_MOCK_SET_ERROR);
        bts_mockhost_set_datadir(m, "/tmp");
        bts_mockhost_conf_set(m, bad[i][0], bad[i][1]);
        struct dlv_host_config cfg;
        CU_ASSERT_EQUAL(dlv_host_config_read(bts_mockhost_host(m), bts_mockhost_ctx(m), &cfg),
                        BT_EINVAL);
        CU_ASSERT(strstr(bts_mockhost_error(m), bad[i][0]) != NULL);
        bts_mockhost_free(m);
    }
    struct bts_valset g;
    char c[8];
    bts_valset_init(&g);
    CU_ASSERT_EQUAL(dlv_genesis_load("/nonexistent/genesis.json", c, sizeof c, &g), BT_EIO);
}

BTS_TEST_SUITE("dlvnode_host", NULL, NULL, BTS_TEST(test_dlvnode_host_commits_and_resumes),
               BTS_TEST(test_dlvnode_host_config_errors));
