/* consensus-bttc bor_* RPC (bttcprotocol/bttc@v1.0.8:consensus/bor/api.go): the checkpoint
 * root over the PROTOCOL.md §7.4 headers with upstream's errors, every method through the
 * host's dispatcher; production (schedule, prepare); snapshots that survive a restart through
 * the storage service. */
#include <jansson.h>

#include "bttc_test.h"

static struct fixture F;

/* --- scripted rpc_register / rpc_result / rpc_error --------------------------------------- */

#define MAX_METHODS 16
static struct {
    char name[64];
    bt_rpc_fn fn;
    void *arg;
} METHODS[MAX_METHODS];
static size_t N_METHODS;
static char RESULT[4096];
static int32_t ERR_CODE;

static bt_status rec_register(struct bt_host_ctx *h, const char *method, bt_rpc_fn fn, void *arg)
{
    (void)h;
    CU_ASSERT_FATAL(N_METHODS < MAX_METHODS);
    snprintf(METHODS[N_METHODS].name, 64, "%s", method);
    METHODS[N_METHODS].fn = fn;
    METHODS[N_METHODS].arg = arg;
    N_METHODS++;
    return BT_OK;
}

static void rec_result(struct bt_host_ctx *h, struct bt_rpc_call *call, const char *json)
{
    (void)h;
    (void)call;
    snprintf(RESULT, sizeof(RESULT), "%s", json);
    ERR_CODE = 0;
}

static void rec_error(struct bt_host_ctx *h, struct bt_rpc_call *call, int32_t code,
                      const char *message, const char *data_json)
{
    (void)h;
    (void)call;
    (void)data_json;
    snprintf(RESULT, sizeof(RESULT), "%s", message);
    ERR_CODE = code;
}

static int rpc(const char *method, const char *params)
{
    for (size_t i = 0; i < N_METHODS; i++)
        if (strcmp(METHODS[i].name, method) == 0) {
            struct bt_rpc_call call = {.struct_size = sizeof(call),
                                       .method = method,
                                       .params = params,
                                       .params_len = strlen(params)};
            RESULT[0] = 0;
            METHODS[i].fn(METHODS[i].arg, &call);
            return ERR_CODE;
        }
    CU_FAIL("method not registered");
    return -1;
}

static void start_scripted(void)
{
    fixture_start(&F, 0);
    struct bt_host *t = bts_mockhost_table(F.m);
    N_METHODS = 0;
    t->rpc_register = rec_register;
    t->rpc_result = rec_result;
    t->rpc_error = rec_error;
    fixture_started(&F, 0);
}

/* §7.4 chain: timestamp(n) = 1638950000 + 2n, tx and receipt roots the empty-trie root. */
static void build_74_chain(size_t n)
{
    for (size_t i = 0; i < F.c->n; i++)
        free(F.c->rlp[i]);
    F.c->n = 0;
    uint8_t *er =
        bts_test_unhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", NULL);
    uint8_t parent[32] = {0};
    for (size_t i = 0; i < n; i++) {
        struct bts_header h;
        hdr_init(&h, parent, i, 1638950000 + 2 * i, 1);
        memcpy(h.tx_root.bytes, er, 32);
        memcpy(h.receipt_root.bytes, er, 32);
        size_t len;
        uint8_t *rlp = hdr_seal(&h, NULL, 0, -1, &len);
        fc_push(F.c, rlp, len);
        free(rlp);
        memcpy(parent, F.c->hash[i], 32);
    }
    free(er);
}

static void test_bttc_rpc_root_hash_vectors(void)
{
    start_scripted();
    build_74_chain(512);
    static const struct {
        uint64_t s, e;
        const char *root;
    } V[] = {
        {0, 0, "454f5b992c77c3cd9ba394baba4c819221a2ae91b42c67f0caa8229261243912"},
        {1, 1, "7fd515cc36759b47789da58853945df9e6ca00be17790c79d5232eb68e4b2b68"},
        {0, 1, "5be2d50b0dca6833a32c05fa554fb63b400df58f43254ddb0e6412b8a4947647"},
        {0, 2, "ecadef8035ebf9a319cbde76d15e7b08465c0ae35d2f931bd954a5327db80b33"},
        {1, 3, "beddd2cd9f617bbb94f67cb4ee07b0b60ff90df43414a89e51f4a769f706575a"},
        {0, 255, "155f6ab0fa491d21bba5646453326f4a404e72aceca9c60b3b87021d52a2cec0"},
        {256, 511, "95bfeccdc2e16d78d5a3ee9753b758b799206b83e2478d4324d2be1bad181fe7"},
    };
    for (int pass = 0; pass < 2; pass++) /* second pass: from the leaf cache */
        for (size_t i = 0; i < BTS_ARRAY_SIZE(V); i++) {
            char root[65];
            CU_ASSERT_EQUAL(bttc_root_hash(F.b, V[i].s, V[i].e, root), BT_OK);
            CU_ASSERT_STRING_EQUAL(root, V[i].root);
        }
    /* through the dispatcher: a JSON string, lowercase, no 0x; numbers or quantities */
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "[0,255]"), 0);
    CU_ASSERT_STRING_EQUAL(RESULT,
                           "\"155f6ab0fa491d21bba5646453326f4a404e72aceca9c60b3b87021d52a2cec0\"");
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "[\"0x100\",\"0x1ff\"]"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(RESULT, "95bfeccd"));
    /* upstream's errors, in upstream's order */
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "[0,32768]"), -32000);
    CU_ASSERT_STRING_EQUAL(RESULT, "Start: 0 and end block: 32768 exceed max allowed checkpoint "
                                   "length: 32768");
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "[5,3]"), -32000); /* the length wraps first */
    CU_ASSERT_PTR_NOT_NULL(strstr(RESULT, "exceed max allowed checkpoint length"));
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "[5,4]"), -32000);
    CU_ASSERT_STRING_EQUAL(RESULT, "Invalid parameters start: 5 and end block: 4 params");
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "[0,512]"), -32000); /* beyond the head */
    CU_ASSERT_STRING_EQUAL(RESULT, "Invalid parameters start: 0 and end block: 512 params");
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "[0]"), -32000);
    CU_ASSERT_EQUAL(rpc("bor_getRootHash", "{}"), -32602);
    fixture_free(&F);
}

/* The leaf cache follows a reorg: on_head of the new head repairs the replaced blocks. */
static void test_bttc_rpc_root_hash_after_reorg(void)
{
    start_scripted();
    build_74_chain(10);
    char before[65], after[65];
    CU_ASSERT_EQUAL(bttc_root_hash(F.b, 0, 9, before), BT_OK); /* fills the cache */
    /* replace blocks 6..9 with others (another tx root) */
    uint8_t parent[32];
    memcpy(parent, F.c->hash[5], 32);
    for (size_t i = 6; i < 10; i++)
        free(F.c->rlp[i]);
    F.c->n = 6;
    for (uint64_t n = 6; n < 10; n++) {
        struct bts_header h;
        hdr_init(&h, parent, n, 1638950000 + 2 * n + 1, 1);
        memset(h.tx_root.bytes, 0x77, 32);
        size_t len;
        uint8_t *rlp = hdr_seal(&h, NULL, 0, -1, &len);
        fc_push(F.c, rlp, len);
        free(rlp);
        memcpy(parent, F.c->hash[n], 32);
    }
    struct bttc_hdr k;
    struct bt_header head;
    abi_of(&head, &k, F.c->rlp[9], F.c->len[9]);
    bttc_vtbl.on_head(F.b, &head);
    bttc_hdr_free(&k);
    CU_ASSERT_EQUAL(bttc_root_hash(F.b, 0, 9, after), BT_OK);
    CU_ASSERT_STRING_NOT_EQUAL(before, after);
    /* what a fresh instance computes from the chain alone */
    struct bttc *saved = F.b;
    void *fresh;
    CU_ASSERT_EQUAL_FATAL(bttc_create(bts_mockhost_host(F.m), bts_mockhost_ctx(F.m), &fresh),
                          BT_OK);
    struct bttc *fb = fresh;
    fb->chain = saved->chain;
    fb->chain_self = saved->chain_self;
    char want[65];
    CU_ASSERT_EQUAL(bttc_root_hash(fb, 0, 9, want), BT_OK);
    CU_ASSERT_STRING_EQUAL(after, want);
    bttc_destroy(fb);
    fixture_free(&F);
}

static void test_bttc_rpc_snapshot_methods(void)
{
    start_scripted();
    int order[FC_KEYS];
    tk_sorted(3, order);
    for (int i = 0; i < 5; i++)
        fc_add_block(&F, order[i < 3 ? 0 : 1], i == 3 ? 6 : 2, 3);
    char want[64];
    snprintf(want, sizeof(want), "\"0x");
    for (int i = 0; i < 20; i++)
        snprintf(want + 3 + 2 * i, 3, "%02x", tk_addr[order[1]][i]);
    strcat(want, "\"");
    CU_ASSERT_EQUAL(rpc("bor_getAuthor", "[]"), 0); /* head: block 5 by order[1] */
    CU_ASSERT_STRING_EQUAL(RESULT, want);
    CU_ASSERT_EQUAL(rpc("bor_getAuthor", "[\"0x4\"]"), 0);
    CU_ASSERT_STRING_EQUAL(RESULT, want);
    CU_ASSERT_EQUAL(rpc("bor_getCurrentProposer", "[]"), 0);
    CU_ASSERT_STRING_EQUAL(RESULT, want);
    CU_ASSERT_EQUAL(rpc("bor_getSigners", "[\"latest\"]"), 0);
    json_t *a = json_loads(RESULT, 0, NULL);
    CU_ASSERT_EQUAL(json_array_size(a), 3);
    json_decref(a);
    CU_ASSERT_EQUAL(rpc("bor_getCurrentValidators", "[]"), 0);
    a = json_loads(RESULT, 0, NULL);
    CU_ASSERT_EQUAL(json_array_size(a), 3);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(a, 0), "power")), 1);
    json_decref(a);
    CU_ASSERT_EQUAL(rpc("bor_getSnapshot", "[\"0x2\"]"), 0);
    json_t *o = json_loads(RESULT, 0, NULL);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(o, "number")), 2);
    json_t *prop = json_object_get(json_object_get(o, "validatorSet"), "proposer");
    CU_ASSERT_PTR_NOT_NULL(strstr(json_string_value(json_object_get(prop, "signer")), "0x"));
    /* recents: blocks 1 and 2 (up to a sprint back), both by the in-turn producer */
    json_t *rec = json_object_get(o, "recents");
    CU_ASSERT_EQUAL(json_object_size(rec), 2);
    char a1[43] = "0x";
    for (int i = 0; i < 20; i++)
        snprintf(a1 + 2 + 2 * i, 3, "%02x", tk_addr[order[0]][i]);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rec, "2")), a1);
    json_decref(o);
    CU_ASSERT_EQUAL(rpc("bor_getSnapshot", "[]"), 0); /* head 5: blocks 2..5 */
    o = json_loads(RESULT, 0, NULL);
    CU_ASSERT_EQUAL(json_object_size(json_object_get(o, "recents")), 4);
    CU_ASSERT_PTR_NULL(json_object_get(json_object_get(o, "recents"), "1"));
    json_decref(o);
    char params[128];
    snprintf(params, sizeof(params), "[\"0x");
    for (int i = 0; i < 32; i++)
        snprintf(params + 4 + 2 * i, 3, "%02x", F.c->hash[3][i]);
    strcat(params, "\"]");
    CU_ASSERT_EQUAL(rpc("bor_getSnapshotAtHash", params), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(RESULT, "\"number\":3"));
    CU_ASSERT_EQUAL(rpc("bor_getSignersAtHash", params), 0);
    params[5] = params[5] == '0' ? '1' : '0';
    CU_ASSERT_EQUAL(rpc("bor_getSignersAtHash", params), -32000);
    CU_ASSERT_STRING_EQUAL(RESULT, "unknown block");
    CU_ASSERT_EQUAL(rpc("bor_getSnapshot", "[\"0x99\"]"), -32000);
    CU_ASSERT_STRING_EQUAL(RESULT, "unknown block");
    CU_ASSERT_EQUAL(rpc("bor_getSnapshot", "[true]"), -32000);
    CU_ASSERT_EQUAL(N_METHODS, 8);
    fixture_free(&F);
}

/* --- production ------------------------------------------------------------------------------ */

static bt_status sign_test(void *arg, uint8_t out[65], const char *key_id, const uint8_t d[32])
{
    (void)key_id;
    return bts_secp_sign(out, tk_sec[*(int *)arg], d);
}

static void test_bttc_rpc_produce(void)
{
    memset(&F, 0, sizeof(F));
    F.m = bts_mockhost_new();
    fixture_conf(&F);
    tk_init();
    int order[FC_KEYS];
    tk_sorted(3, order);
    char signer[43] = "0x";
    for (int i = 0; i < 20; i++)
        snprintf(signer + 2 + 2 * i, 3, "%02x", tk_addr[order[1]][i]);
    bts_mockhost_conf_set(F.m, "signer", signer);
    bts_mockhost_conf_set(F.m, "vanity", "0x6274746364");
    fixture_start(&F, 1);
    fixture_started(&F, 1);
    bts_mockhost_set_signer(F.m, sign_test, NULL, &order[1]);
    struct bttc_hdr kp;
    struct bt_header p;
    /* block 1: we are the first backup */
    abi_of(&p, &kp, F.c->rlp[0], F.c->len[0]);
    uint64_t t;
    CU_ASSERT_EQUAL(bttc_vtbl.schedule(F.b, &p, 0, &t), BT_OK);
    CU_ASSERT_EQUAL(t, (F.t0 + 4) * 1000);
    uint8_t extra[256];
    struct bt_header_draft d = {.struct_size = sizeof(d), .extra = extra, .extra_cap = 50};
    CU_ASSERT_EQUAL(bttc_vtbl.prepare(F.b, &p, &d), BT_ERANGE);
    CU_ASSERT_EQUAL(d.extra_len, 97);
    d.extra_cap = sizeof(extra);
    CU_ASSERT_EQUAL(bttc_vtbl.prepare(F.b, &p, &d), BT_OK);
    CU_ASSERT_EQUAL(d.number, 1);
    CU_ASSERT_EQUAL(d.difficulty[31], 2);
    CU_ASSERT_EQUAL(d.extra_len, 97);
    CU_ASSERT_EQUAL(memcmp(extra, "bttcd", 5), 0);
    uint64_t now = bts_mockhost_host(F.m)->wall_ms(bts_mockhost_ctx(F.m)) / 1000;
    CU_ASSERT_EQUAL(d.time, now); /* the parent is old: now */
    bttc_hdr_free(&kp);
    /* build the block the host would, seal it, and verify it */
    struct bts_header h;
    hdr_init(&h, F.c->hash[0], 1, F.t0 + 4, 2);
    h.extra = extra;
    h.extra_len = d.extra_len;
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL(bts_header_encode(&b, &h), BT_OK);
    struct bttc_hdr kh;
    struct bt_header ah;
    abi_of(&ah, &kh, b.data, b.len);
    CU_ASSERT_EQUAL(bttc_vtbl.seal(F.b, &ah, (uint8_t *)kh.h.extra, kh.h.extra_len), BT_OK);
    fc_push(F.c, kh.rlp, kh.rlp_len);
    bttc_hdr_free(&kh);
    bts_buf_free(&b);
    abi_of(&ah, &kh, F.c->rlp[1], F.c->len[1]);
    abi_of(&p, &kp, F.c->rlp[0], F.c->len[0]);
    CU_ASSERT_EQUAL(bttc_vtbl.verify_header(F.b, &ah, &p, BT_VERIFY_SEAL), BT_OK);
    bttc_hdr_free(&kp);
    bttc_hdr_free(&kh);
    /* up to block 2 by the in-turn producer; block 3 ends the sprint: prepare writes the list */
    fc_add_block(&F, order[0], 2, 3);
    abi_of(&p, &kp, F.c->rlp[2], F.c->len[2]);
    CU_ASSERT_EQUAL(bttc_vtbl.prepare(F.b, &p, &d), BT_OK);
    CU_ASSERT_EQUAL(d.extra_len, 32 + 3 * 40 + 65);
    CU_ASSERT_EQUAL(memcmp(extra + 32, tk_addr[order[0]], 20), 0);
    CU_ASSERT_EQUAL(extra + 32 + 39 - extra, 71);
    CU_ASSERT_EQUAL(extra[71], 1);
    bttc_hdr_free(&kp);
    /* a node without a key, or not in the set, does not produce */
    struct bts_mockhost *m2 = bts_mockhost_new();
    bts_mockhost_conf_set(m2, "sprint", "4");
    void *self2;
    CU_ASSERT_EQUAL(bttc_create(bts_mockhost_host(m2), bts_mockhost_ctx(m2), &self2), BT_OK);
    abi_of(&p, &kp, F.c->rlp[0], F.c->len[0]);
    CU_ASSERT_EQUAL(bttc_vtbl.schedule(self2, &p, 0, &t), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bttc_vtbl.seal(self2, &p, extra, 97), BT_EPERM);
    bttc_hdr_free(&kp);
    bttc_destroy(self2);
    bts_mockhost_free(m2);
    fixture_free(&F);
}

/* --- storage checkpoints ---------------------------------------------------------------------- */

struct fake_store {
    uint8_t key[64][40];
    size_t klen[64];
    uint8_t *val[64];
    size_t vlen[64];
    size_t n;
    unsigned gets, writes;
};

static void fs_release(struct bt_value *v)
{
    free((void *)v->data);
}

static bt_status fs_get(void *self, struct bt_host_ctx *h, const struct bt_storage_svc_snap *snap,
                        const uint8_t *key, size_t key_len, struct bt_value *out)
{
    struct fake_store *s = self;
    (void)h;
    (void)snap;
    s->gets++;
    for (size_t i = 0; i < s->n; i++)
        if (s->klen[i] == key_len && memcmp(s->key[i], key, key_len) == 0) {
            fc_give(out, s->val[i], s->vlen[i]);
            out->release = fs_release;
            return BT_OK;
        }
    return BT_ENOTFOUND;
}

static bt_status fs_write(void *self, struct bt_host_ctx *h, const struct bt_storage_batch *batch)
{
    struct fake_store *s = self;
    (void)h;
    s->writes++;
    for (size_t i = 0; i < batch->n_ops; i++) {
        const struct bt_storage_op *op = &batch->ops[i];
        CU_ASSERT_FATAL(s->n < 64 && op->key_len <= 40);
        memcpy(s->key[s->n], op->key, op->key_len);
        s->klen[s->n] = op->key_len;
        s->val[s->n] = malloc(op->value_len);
        memcpy(s->val[s->n], op->value, op->value_len);
        s->vlen[s->n] = op->value_len;
        s->n++;
    }
    return BT_OK;
}

static const struct bt_storage_svc FS_IFACE = {
    .struct_size = sizeof(struct bt_storage_svc), .get = fs_get, .write = fs_write};

static void test_bttc_rpc_snapshot_checkpoint(void)
{
    struct fake_store *store = calloc(1, sizeof(*store));
    memset(&F, 0, sizeof(F));
    F.m = bts_mockhost_new();
    fixture_conf(&F);
    fixture_start(&F, 1);
    CU_ASSERT_EQUAL(bts_mockhost_service_add(F.m, "storage", &FS_IFACE, store), BT_OK);
    fixture_started(&F, 1);
    int order[FC_KEYS];
    tk_sorted(3, order);
    struct bttc_snap *s;
    CU_ASSERT_EQUAL(bttc_snapshot(F.b, 0, F.c->hash[0], &s), BT_OK);
    CU_ASSERT_EQUAL(F.c->validator_calls, 1);
    CU_ASSERT_EQUAL(store->writes, 1); /* the genesis snapshot */
    struct bttc_snap copy = {0};
    bts_valset_init(&copy.vs);
    uint8_t *enc;
    size_t len;
    CU_ASSERT_EQUAL(bttc_snap_encode(s, &enc, &len), BT_OK);
    CU_ASSERT_EQUAL(bttc_snap_decode(&copy, enc, len), BT_OK);
    CU_ASSERT_EQUAL(copy.vs.n, 3);
    CU_ASSERT_EQUAL(memcmp(copy.vs.v, s->vs.v, 3 * sizeof(*s->vs.v)), 0);
    CU_ASSERT_EQUAL(copy.vs.proposer, s->vs.proposer);
    CU_ASSERT_EQUAL(bttc_snap_decode(&copy, enc, len - 1), BT_EINVAL);
    free(enc);
    bts_valset_free(&copy.vs);
    /* a restart: a new instance over the same chain and storage reads the genesis snapshot
     * back instead of asking the contract again */
    bttc_destroy(F.b);
    void *self;
    CU_ASSERT_EQUAL(bttc_create(bts_mockhost_host(F.m), bts_mockhost_ctx(F.m), &self), BT_OK);
    F.b = self;
    fixture_started(&F, 1);
    for (int i = 0; i < 3; i++)
        fc_add_block(&F, order[0], 2, 3);
    CU_ASSERT_EQUAL(bttc_snapshot(F.b, 3, F.c->hash[3], &s), BT_OK);
    CU_ASSERT_EQUAL(F.c->validator_calls, 1);
    CU_ASSERT_TRUE(store->gets >= 1);
    CU_ASSERT_EQUAL(memcmp(s->vs.v[bts_valset_proposer(&s->vs)].address, tk_addr[order[1]], 20), 0);
    uint8_t unknown[32];
    memset(unknown, 0x5a, 32);
    CU_ASSERT_EQUAL(bttc_snapshot(F.b, 7, unknown, &s), BT_ENOTFOUND);
    fc_add_block(&F, order[1], 6, 3);                                    /* block 4 */
    CU_ASSERT_EQUAL(bttc_snapshot(F.b, 5, F.c->hash[4], &s), BT_EINVAL); /* wrong number */
    CU_ASSERT_PTR_NOT_NULL(strstr(bts_mockhost_error(F.m), "header 5 has number 4"));
    fixture_free(&F);
    for (size_t i = 0; i < store->n; i++)
        free(store->val[i]);
    free(store);
}

BTS_TEST_SUITE("bttc_rpc", NULL, NULL, BTS_TEST(test_bttc_rpc_root_hash_vectors),
               BTS_TEST(test_bttc_rpc_root_hash_after_reorg),
               BTS_TEST(test_bttc_rpc_snapshot_methods), BTS_TEST(test_bttc_rpc_produce),
               BTS_TEST(test_bttc_rpc_snapshot_checkpoint));
