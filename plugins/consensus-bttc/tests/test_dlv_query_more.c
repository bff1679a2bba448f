/* Delivery REST routes of dlv_query_more.c: /overview, /checkpoints/list, /bor/span/list,
 * /staking/proposer/{times}, /staking/validator-status/{address}: upstream's shapes, its key
 * order for the lists (decimal strings: 1, 10, 11, 12, 2, ...), its pagination quirks and its
 * argument errors. */
#include "test_dlv_util.h"

#include "dlv_app_int.h"
#include "dlv_query.h"

/* One height that writes checkpoints 1..n_ckpt of TRON (start_block = number) with the ack
 * count n_ckpt, and spans 1..n_span (copies of span 0, id changed) with the latest span id,
 * straight into the state (the lists only read what is stored). */
static void seed_state(struct tchain *c, uint64_t n_ckpt, uint64_t n_span)
{
    struct dlv_application *a = c->app;
    uint64_t h;
    uint8_t hash[32];
    CU_ASSERT_EQUAL_FATAL(dlv_app_info(a, &h, hash), BT_OK);
    c->time_ms += 5000;
    CU_ASSERT_EQUAL_FATAL(dlv_app_begin_block(a, h + 1, c->time_ms, tkeys[0].addr, NULL, 0), BT_OK);
    for (uint64_t i = 1; i <= n_ckpt; i++) {
        struct dlv_checkpoint ck;
        memset(&ck, 0, sizeof ck);
        memcpy(ck.proposer, tkeys[0].addr, 20);
        ck.start_block = i;
        ck.end_block = i + 1;
        strcpy(ck.bor_chain_id, "1029");
        ck.timestamp = 1700000000 + i;
        CU_ASSERT_EQUAL_FATAL(dlv_put_checkpoint(a, DLV_T_CKPT, DLV_ROOT_TRON, i, &ck), BT_OK);
    }
    struct dlv_key k;
    dlv_key_init(&k, DLV_T_ACK_COUNT);
    dlv_key_u8(&k, DLV_ROOT_TRON);
    CU_ASSERT_EQUAL_FATAL(dlv_put_u64(a, &k, n_ckpt), BT_OK);
    struct dlv_span_rec s;
    CU_ASSERT_EQUAL_FATAL(dlv_get_span(a, 0, &s, 0), BT_OK);
    for (uint64_t i = 1; i <= n_span; i++) {
        s.id = i;
        CU_ASSERT_EQUAL_FATAL(dlv_put_span(a, &s), BT_OK);
    }
    dlv_span_rec_free(&s);
    dlv_key_init(&k, DLV_T_LATEST_SPAN);
    CU_ASSERT_EQUAL_FATAL(dlv_put_u64(a, &k, n_span), BT_OK);
    CU_ASSERT_EQUAL_FATAL(dlv_state_tx_commit(&a->st), BT_OK);
    const struct dlv_val_update *u;
    size_t nu;
    CU_ASSERT_EQUAL_FATAL(dlv_app_end_block(a, h + 1, &u, &nu), BT_OK);
    CU_ASSERT_EQUAL_FATAL(dlv_app_commit(a, NULL, NULL, hash), BT_OK);
}

/* The values of `key` in an array of objects, as a comma-separated list. */
static void field_list(char *out, size_t cap, json_t *arr, const char *key)
{
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; i < json_array_size(arr); i++)
        n += (size_t)snprintf(
            out + n, cap - n, "%s%lld", i ? "," : "",
            (long long)json_integer_value(json_object_get(json_array_get(arr, i), key)));
}

static void test_dlv_query_more_checkpoint_list(void)
{
    struct tchain c;
    tchain_init(&c);
    json_t *d, *r;
    char got[128];
    /* Nothing stored yet: an empty page is null (a nil Go slice), not []. */
    r = t_get(c.app, "/checkpoints/list", "root=tron&page=1&limit=5", 200, &d);
    CU_ASSERT_TRUE(json_is_null(r));
    json_decref(d);
    seed_state(&c, 12, 0);
    r = t_get(c.app, "/checkpoints/list", "root=tron&page=1&limit=5", 200, &d);
    field_list(got, sizeof got, r, "start_block");
    CU_ASSERT_STRING_EQUAL(got, "1,10,11,12,2"); /* the store's decimal-string key order */
    static const char *const keys[] = {"proposer",  "start_block",  "end_block",
                                       "root_hash", "bor_chain_id", "timestamp"};
    json_t *first = json_array_get(r, 0);
    CU_ASSERT_EQUAL_FATAL(json_object_size(first), 6);
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT_PTR_NOT_NULL(json_object_get(first, keys[i]));
    json_decref(d);
    r = t_get(c.app, "/checkpoints/list", "root=tron&page=3&limit=5", 200, &d);
    field_list(got, sizeof got, r, "start_block");
    CU_ASSERT_STRING_EQUAL(got, "8,9");
    json_decref(d);
    r = t_get(c.app, "/checkpoints/list", "root=tron&page=1&limit=100", 200, &d);
    CU_ASSERT_EQUAL(json_array_size(r), 12); /* limit capped at 20 */
    json_decref(d);
    r = t_get(c.app, "/checkpoints/list", "root=tron&page=0&limit=5", 200, &d);
    CU_ASSERT_TRUE(json_is_null(r)); /* (0-1)*limit wraps: everything skipped */
    json_decref(d);
    r = t_get(c.app, "/checkpoints/list", "root=eth&page=1&limit=5", 200, &d);
    CU_ASSERT_TRUE(json_is_null(r));
    json_decref(d);
    r = t_get(c.app, "/checkpoints/list", "root=doge&page=1&limit=5", 400, &d);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(d, "error")), "valid root chain doge");
    json_decref(d);
    t_get(c.app, "/checkpoints/list", "root=tron&limit=5", 400, &d);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(d, "error")),
                           "'' is not a valid uint64");
    json_decref(d);
    t_get(c.app, "/checkpoints/list", "root=tron&page=1&limit=x", 400, &d);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(d, "error")),
                           "'x' is not a valid uint64");
    json_decref(d);
    tchain_free(&c);
}

static void test_dlv_query_more_span_list(void)
{
    struct tchain c;
    tchain_init(&c);
    json_t *d, *r;
    char got[128];
    r = t_get(c.app, "/bor/span/list", "page=1&limit=5", 200, &d);
    field_list(got, sizeof got, r, "span_id");
    CU_ASSERT_STRING_EQUAL(got, "0"); /* the genesis span */
    CU_ASSERT_PTR_NOT_NULL(json_object_get(json_array_get(r, 0), "selected_producers"));
    json_decref(d);
    seed_state(&c, 0, 11);
    r = t_get(c.app, "/bor/span/list", "page=1&limit=4", 200, &d);
    field_list(got, sizeof got, r, "span_id");
    CU_ASSERT_STRING_EQUAL(got, "0,1,10,11");
    json_decref(d);
    r = t_get(c.app, "/bor/span/list", "page=3&limit=4", 200, &d);
    field_list(got, sizeof got, r, "span_id");
    CU_ASSERT_STRING_EQUAL(got, "6,7,8,9");
    json_decref(d);
    r = t_get(c.app, "/bor/span/list", "page=4&limit=4", 200, &d);
    CU_ASSERT_TRUE(json_is_null(r));
    json_decref(d);
    t_get(c.app, "/bor/span/list", "page=1", 400, &d);
    json_decref(d);
    tchain_free(&c);
}

static void test_dlv_query_more_overview_and_staking(void)
{
    struct tchain c;
    tchain_init(&c);
    json_t *d, *r;
    r = t_get(c.app, "/overview", NULL, 200, &d);
    static const char *const keys[] = {"ack_count", "checkpoint_buffer", "validator_count",
                                       "validator_set", "last_noack_time"};
    CU_ASSERT_EQUAL_FATAL(json_object_size(r), 5);
    void *it = json_object_iter(r);
    for (size_t i = 0; i < 5 && it; i++, it = json_object_iter_next(r, it))
        CU_ASSERT_STRING_EQUAL(json_object_iter_key(it), keys[i]);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "ack_count")), 0);
    CU_ASSERT_TRUE(json_is_null(json_object_get(r, "checkpoint_buffer")));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "validator_count")), 1);
    CU_ASSERT_EQUAL(
        json_array_size(json_object_get(json_object_get(r, "validator_set"), "validators")), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "last_noack_time")),
                           "1970-01-01T00:00:00Z");
    json_decref(d);
    seed_state(&c, 3, 0);
    r = t_get(c.app, "/overview", NULL, 200, &d);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "ack_count")), 3);
    json_decref(d);

    /* One validator: proposer/{times} is capped at the set size. */
    r = t_get(c.app, "/staking/proposer/5", NULL, 200, &d);
    CU_ASSERT_EQUAL(json_array_size(r), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(r, 0), "ID")), 1);
    json_decref(d);
    r = t_get(c.app, "/staking/proposer/0", NULL, 200, &d);
    CU_ASSERT_TRUE(json_is_null(r));
    json_decref(d);
    t_get(c.app, "/staking/proposer/-1", NULL, 400, &d);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(d, "error")),
                           "'-1' is not a valid uint64");
    json_decref(d);

    char path[96];
    size_t n;
    strcpy(path, "/staking/validator-status/");
    CU_ASSERT_EQUAL(bts_hex_encode(path + strlen(path), 43, &n, tkeys[0].addr, 20, BTS_HEX_0X),
                    BT_OK);
    r = t_get(c.app, path, NULL, 200, &d);
    CU_ASSERT_TRUE(json_is_true(json_object_get(r, "result")));
    json_decref(d);
    strcpy(path, "/staking/validator-status/");
    CU_ASSERT_EQUAL(bts_hex_encode(path + strlen(path), 43, &n, tkeys[5].addr, 20, BTS_HEX_0X),
                    BT_OK);
    r = t_get(c.app, path, NULL, 200, &d);
    CU_ASSERT_TRUE(json_is_false(json_object_get(r, "result"))); /* not a validator */
    json_decref(d);
    r = t_get(c.app, "/staking/validator-status/nonsense", NULL, 200, &d);
    CU_ASSERT_TRUE(json_is_false(json_object_get(r, "result")));
    json_decref(d);
    tchain_free(&c);
}

/* Three more validators written straight into the state (end_block adds them to the set):
 * /staking/proposer/{times} lists the proposer, then the proposer after each
 * IncrementProposerPriority(1), with their accums at the time, and leaves the stored set as it
 * was. */
static void test_dlv_query_more_proposer_rotation(void)
{
    struct tchain c;
    tchain_init(&c);
    struct dlv_application *a = c.app;
    uint64_t h;
    uint8_t hash[32];
    CU_ASSERT_EQUAL_FATAL(dlv_app_info(a, &h, hash), BT_OK);
    CU_ASSERT_EQUAL_FATAL(dlv_app_begin_block(a, h + 1, c.time_ms + 5000, tkeys[0].addr, NULL, 0),
                          BT_OK);
    for (int i = 0; i < 3; i++) {
        struct dlv_validator v;
        memset(&v, 0, sizeof v);
        v.id = (uint64_t)i + 11;
        v.power = 1;
        memcpy(v.pub_key, tkeys[i + 1].pub, 65);
        memcpy(v.signer, tkeys[i + 1].addr, 20);
        CU_ASSERT_EQUAL_FATAL(dlv_put_validator(a, &v), BT_OK);
    }
    CU_ASSERT_EQUAL_FATAL(dlv_state_tx_commit(&a->st), BT_OK);
    const struct dlv_val_update *u;
    size_t nu;
    CU_ASSERT_EQUAL_FATAL(dlv_app_end_block(a, h + 1, &u, &nu), BT_OK);
    CU_ASSERT_EQUAL_FATAL(dlv_app_commit(a, NULL, NULL, hash), BT_OK);
    /* What the route must show, from the stored set. */
    struct bts_valset want;
    bts_valset_init(&want);
    CU_ASSERT_EQUAL_FATAL(dlv_get_valset(a, &want, 1), BT_OK);
    CU_ASSERT_EQUAL_FATAL(want.n, 4);
    json_t *d, *r = t_get(a, "/staking/proposer/9", NULL, 200, &d);
    CU_ASSERT_EQUAL_FATAL(json_array_size(r), 4); /* capped at the set size */
    for (size_t i = 0; i < 4; i++) {
        size_t p = bts_valset_proposer(&want);
        json_t *v = json_array_get(r, i);
        CU_ASSERT_EQUAL(json_integer_value(json_object_get(v, "accum")), want.v[p].priority);
        uint8_t signer[20];
        const char *sg = json_string_value(json_object_get(v, "signer"));
        CU_ASSERT_FATAL(sg && bts_hex_parse_address(signer, sg, strlen(sg)) == BT_OK);
        CU_ASSERT(memcmp(signer, want.v[p].address, 20) == 0);
        long id = (long)json_integer_value(json_object_get(v, "ID"));
        CU_ASSERT(id == 1 || (id >= 11 && id <= 13));
        CU_ASSERT_EQUAL_FATAL(bts_valset_increment(&want, 1), BT_OK);
    }
    json_decref(d);
    /* The route did not move the stored proposer. */
    r = t_get(a, "/staking/proposer/1", NULL, 200, &d);
    struct bts_valset again;
    bts_valset_init(&again);
    CU_ASSERT_EQUAL(dlv_get_valset(a, &again, 1), BT_OK);
    size_t p0 = bts_valset_proposer(&again);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(r, 0), "accum")),
                    again.v[p0].priority);
    json_decref(d);
    bts_valset_free(&again);
    bts_valset_free(&want);
    tchain_free(&c);
}

struct oldtx {
    struct dlv_application *a;
    struct dlv_oracle_query q;
    uint32_t status;
    struct bts_buf body;
};

static void on_oldtx(void *arg, const struct dlv_oracle_answer *ans)
{
    struct oldtx *o = arg;
    CU_ASSERT_EQUAL(dlv_query_isoldtx_answer(o->a, &o->q, ans, &o->status, &o->body), BT_OK);
}

/* /clerk/isoldtx as dlv_rest.c runs it: parse, ask the oracle, answer. Returns the status;
 * the body is left in o->body. */
static uint32_t isoldtx(struct tchain *c, struct oldtx *o, const char *query)
{
    o->a = c->app;
    o->status = 0;
    bts_buf_reset(&o->body);
    CU_ASSERT_EQUAL_FATAL(dlv_query_isoldtx_start(c->app, query, &o->q, &o->status, &o->body),
                          BT_OK);
    if (o->status)
        return o->status;
    CU_ASSERT_EQUAL(o->q.kind, DLV_Q_RECEIPT_LOG);
    CU_ASSERT_EQUAL(o->q.a, 0);
    CU_ASSERT_EQUAL_FATAL(toracle_iface.query(c->oracle, &o->q, on_oldtx, o), BT_OK);
    return o->status;
}

static const char *body_error(struct oldtx *o, json_t **doc)
{
    *doc = json_loadb((const char *)o->body.data, o->body.len, 0, NULL);
    return json_string_value(json_object_get(*doc, "error"));
}

static void test_dlv_query_more_isoldtx(void)
{
    struct tchain c;
    tchain_init(&c);
    tchain_empty(&c, 2); /* side txs of heights <= 2 are not stored */
    struct bts_buf tx;
    t_record(&c, &tx, DLV_ROOT_TRON, 1, 0x51, 900, "hello");
    CU_ASSERT_EQUAL_FATAL(tchain_tx(&c, &tx), DLV_CODE_OK); /* applied: sequence used */
    bts_buf_free(&tx);
    t_record(&c, &tx, DLV_ROOT_TRON, 2, 0x52, 901, "later"); /* on TRON, not delivered */
    bts_buf_free(&tx);
    static const char h51[] = "0x5151515151515151515151515151515151515151515151515151515151515151";
    static const char h52[] = "0x5252525252525252525252525252525252525252525252525252525252525252";
    char q[256];
    struct oldtx o;
    json_t *doc;
    bts_buf_init(&o.body);

    snprintf(q, sizeof q, "txhash=%s&logindex=1&rootchaintype=tron", h51);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, q), 200);
    doc = json_loadb((const char *)o.body.data, o.body.len, 0, NULL);
    CU_ASSERT_TRUE(json_is_true(json_object_get(doc, "result")));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(doc, "height"));
    json_decref(doc);
    /* Seen on the root chain, not processed yet. */
    snprintf(q, sizeof q, "txhash=%s&logindex=1&rootchaintype=tron", h52);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, q), 404);
    CU_ASSERT_STRING_EQUAL(body_error(&o, &doc), "No sequence found");
    json_decref(doc);
    /* No such log (the oracle cannot confirm it). */
    snprintf(q, sizeof q, "txhash=%s&logindex=7&rootchaintype=tron", h51);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, q), 500);
    CU_ASSERT(strncmp(body_error(&o, &doc), "Transaction is not confirmed yet", 32) == 0);
    json_decref(doc);
    /* The same log asked on another root chain: another sequence, and no receipt there. */
    snprintf(q, sizeof q, "txhash=%s&logindex=1&rootchaintype=eth", h51);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, q), 500);
    /* Argument errors, as upstream's handler. */
    snprintf(q, sizeof q, "txhash=%s&logindex=x&rootchaintype=tron", h51);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, q), 400);
    CU_ASSERT_STRING_EQUAL(body_error(&o, &doc), "'x' is not a valid uint64");
    json_decref(doc);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, "logindex=1&rootchaintype=tron"), 200);
    CU_ASSERT_EQUAL(o.body.len, 0); /* upstream writes nothing */
    snprintf(q, sizeof q, "txhash=%s&logindex=1&rootchaintype=doge", h51);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, q), 500);
    CU_ASSERT_STRING_EQUAL(body_error(&o, &doc),
                           "wrong chain type = doge please pass correct chainType like eth or "
                           "tron");
    json_decref(doc);
    CU_ASSERT_EQUAL(isoldtx(&c, &o, "txhash=zz&logindex=1&rootchaintype=tron"), 500);
    /* Through the plain query path it needs the oracle. */
    doc = NULL;
    t_get(c.app, "/clerk/isoldtx", q, 503, &doc);
    json_decref(doc);
    bts_buf_free(&o.body);
    tchain_free(&c);
}

/* Five more dividend accounts written straight into the state (7 in all: odd counts on two
 * levels). Every account's path folds back to /topup/dividend-account-root (the SDK's
 * bts_dlvckpt_account_root), verify accepts it and refuses a changed one, an unknown user has
 * an empty path. */
static void test_dlv_query_more_account_proof(void)
{
    struct tchain c;
    tchain_init(&c);
    struct dlv_application *a = c.app;
    uint8_t users[7][20], fees[7][32];
    memset(users, 0, sizeof users);
    memset(fees, 0, sizeof fees);
    memcpy(users[0], tkeys[0].addr, 20); /* genesis: fee 0 */
    memcpy(users[1], tkeys[5].addr, 20); /* genesis: fee 5 */
    fees[1][31] = 5;
    uint64_t h;
    uint8_t hash[32];
    CU_ASSERT_EQUAL_FATAL(dlv_app_info(a, &h, hash), BT_OK);
    CU_ASSERT_EQUAL_FATAL(dlv_app_begin_block(a, h + 1, c.time_ms + 5000, tkeys[0].addr, NULL, 0),
                          BT_OK);
    for (int i = 2; i < 7; i++) {
        users[i][0] = (uint8_t)(0x10 * i + 1);
        users[i][19] = (uint8_t)i;
        fees[i][30] = (uint8_t)i;
        struct dlv_key k;
        dlv_key_init(&k, DLV_T_DIVIDEND);
        dlv_key_bytes(&k, users[i], 20);
        CU_ASSERT_EQUAL_FATAL(dlv_state_put(&a->st, &k, fees[i], 32), BT_OK);
    }
    CU_ASSERT_EQUAL_FATAL(dlv_state_tx_commit(&a->st), BT_OK);
    const struct dlv_val_update *u;
    size_t nu;
    CU_ASSERT_EQUAL_FATAL(dlv_app_end_block(a, h + 1, &u, &nu), BT_OK);
    CU_ASSERT_EQUAL_FATAL(dlv_app_commit(a, NULL, NULL, hash), BT_OK);
    json_t *d, *r = t_get(a, "/topup/dividend-account-root", NULL, 200, &d);
    uint8_t root[32];
    CU_ASSERT_EQUAL_FATAL(
        bts_hex_parse_hash(root, json_string_value(r), strlen(json_string_value(r))), BT_OK);
    json_decref(d);
    int seen[7] = {0};
    for (int i = 0; i < 7; i++) {
        char path[128], q[600];
        size_t n;
        strcpy(path, "/topup/account-proof/");
        CU_ASSERT_EQUAL(bts_hex_encode(path + strlen(path), 43, &n, users[i], 20, BTS_HEX_0X),
                        BT_OK);
        r = t_get(a, path, NULL, 200, &d);
        CU_ASSERT_EQUAL(json_object_size(r), 3);
        const char *ps = json_string_value(json_object_get(r, "accountProof"));
        uint64_t index = (uint64_t)json_integer_value(json_object_get(r, "index"));
        CU_ASSERT_FATAL(ps != NULL && index < 7);
        seen[index]++;
        uint8_t proof[8 * 32];
        size_t plen = 0;
        CU_ASSERT_EQUAL_FATAL(
            bts_hex_decode(proof, sizeof proof, &plen, ps, strlen(ps), BTS_HEX_0X), BT_OK);
        CU_ASSERT_EQUAL(plen, 3 * 32); /* 8 leaves (7 + the duplicate): three levels */
        uint8_t leaf[64] = {0}, acc[32];
        memcpy(leaf + 12, users[i], 20);
        memcpy(leaf + 32, fees[i], 32);
        bts_keccak256(acc, leaf, 64);
        uint64_t at = index;
        for (size_t k = 0; k < plen / 32; k++, at /= 2) {
            uint8_t pair[64];
            memcpy(pair + (at & 1 ? 32 : 0), acc, 32);
            memcpy(pair + (at & 1 ? 0 : 32), proof + 32 * k, 32);
            bts_keccak256(acc, pair, 64);
        }
        CU_ASSERT(memcmp(acc, root, 32) == 0);
        snprintf(q, sizeof q, "proof=%s", ps);
        json_decref(d);
        strcat(path, "/verify");
        r = t_get(a, path, q, 200, &d);
        CU_ASSERT_TRUE(json_is_true(json_object_get(r, "result")));
        json_decref(d);
        q[strlen(q) - 1] = q[strlen(q) - 1] == '0' ? '1' : '0';
        r = t_get(a, path, q, 200, &d);
        CU_ASSERT_TRUE(json_is_false(json_object_get(r, "result")));
        json_decref(d);
    }
    for (int i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(seen[i], 1);
    r = t_get(a, "/topup/account-proof/0x00000000000000000000000000000000000000ee", NULL, 200, &d);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "accountProof")), "0x");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "index")), 0);
    json_decref(d);
    tchain_free(&c);
}

BTS_TEST_SUITE("dlv_query_more", NULL, NULL, BTS_TEST(test_dlv_query_more_checkpoint_list),
               BTS_TEST(test_dlv_query_more_span_list),
               BTS_TEST(test_dlv_query_more_overview_and_staking),
               BTS_TEST(test_dlv_query_more_proposer_rotation),
               BTS_TEST(test_dlv_query_more_isoldtx), BTS_TEST(test_dlv_query_more_account_proof));
