/* Test support for the Delivery application (included by tests/test_dlv_*.c; static
 * functions): test keys, a mock oracle holding programmable root-chain and Bttc facts (answers
 * synchronously or deferred), a dev genesis, tx builders, and a driver running heights with a
 * last commit in which every validator of the app's set votes what the app itself decided (or a
 * forced result). */
#ifndef TEST_DLV_UTIL_H
#define TEST_DLV_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/dlvckpt.h>
#include <bts/dlvside.h>
#include <bts/hash.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/solabi.h>
#include <bts/test.h>

#include "dlv_app.h"
#include "dlv_query.h"

#define T_KEYS    6
#define T_CHAIN   "delivery-1029"
#define T_LOGS    32
#define T_HEADERS 16
#define T_DEFER   32

struct tkey {
    uint8_t sec[32];
    uint8_t pub[65];
    uint8_t addr[20];
};

static struct tkey tkeys[T_KEYS];

static inline void tkeys_init(void)
{
    for (int i = 0; i < T_KEYS; i++) {
        memset(tkeys[i].sec, 0x11 * (i + 1), 32);
        CU_ASSERT_EQUAL_FATAL(bts_secp_seckey_to_pubkey(tkeys[i].pub, tkeys[i].sec), BT_OK);
        CU_ASSERT_EQUAL_FATAL(bts_secp_pubkey_to_address(tkeys[i].addr, tkeys[i].pub, 65), BT_OK);
    }
}

/* --- mock oracle ------------------------------------------------------------------------- */

struct tlog {
    enum dlv_root root;
    uint8_t tx_hash[32];
    uint64_t log_index;
    struct dlv_log log;
    uint8_t data[512];
};

struct tdefer {
    struct dlv_oracle_query q;
    dlv_oracle_done_fn done;
    void *arg;
};

struct toracle {
    uint64_t bttc_head;
    int down;  /* every query refused */
    int defer; /* queue answers until toracle_flush */
    struct tlog logs[T_LOGS];
    size_t n_logs;
    struct {
        enum dlv_root root;
        uint64_t id;
        struct dlv_header_block h;
    } headers[T_HEADERS];
    size_t n_headers;
    uint64_t nonce[DLV_ROOT_COUNT];
    uint64_t synced[DLV_ROOT_COUNT];
    struct tdefer q[T_DEFER];
    size_t n_q;
    unsigned queries;
};

/* The fake Bttc root over [start, end] and the fake Ethereum block hash of n. */
static inline void t_bttc_root(uint8_t out[32], uint64_t start, uint64_t end)
{
    uint8_t b[17] = {'r'};
    for (int i = 0; i < 8; i++) {
        b[1 + i] = (uint8_t)(start >> (56 - 8 * i));
        b[9 + i] = (uint8_t)(end >> (56 - 8 * i));
    }
    bts_keccak256(out, b, sizeof b);
}

static inline void t_eth_hash(uint8_t out[32], uint64_t n)
{
    uint8_t b[9] = {'e'};
    for (int i = 0; i < 8; i++)
        b[1 + i] = (uint8_t)(n >> (56 - 8 * i));
    bts_keccak256(out, b, sizeof b);
}

static inline void toracle_answer(struct toracle *o, const struct dlv_oracle_query *q,
                                  dlv_oracle_done_fn done, void *arg)
{
    struct dlv_oracle_answer a;
    memset(&a, 0, sizeof a);
    a.status = BT_ENOTFOUND;
    switch (q->kind) {
    case DLV_Q_BTTC_HEAD:
        a.status = BT_OK;
        a.number = o->bttc_head;
        break;
    case DLV_Q_BTTC_ROOT_HASH:
        if (q->b <= o->bttc_head) {
            a.status = BT_OK;
            t_bttc_root(a.hash, q->a, q->b);
        }
        break;
    case DLV_Q_ETH_BLOCK_HASH:
        a.status = BT_OK;
        t_eth_hash(a.hash, q->a);
        break;
    case DLV_Q_HEADER_BLOCK:
        for (size_t i = 0; i < o->n_headers; i++)
            if (o->headers[i].root == q->root && o->headers[i].id == q->a) {
                a.status = BT_OK;
                a.header = o->headers[i].h;
            }
        break;
    case DLV_Q_RECEIPT_LOG:
        for (size_t i = 0; i < o->n_logs; i++)
            if (o->logs[i].root == q->root && memcmp(o->logs[i].tx_hash, q->tx_hash, 32) == 0 &&
                o->logs[i].log_index == q->log_index) {
                a.status = BT_OK;
                a.log = o->logs[i].log;
                a.log.data = o->logs[i].data;
            }
        break;
    case DLV_Q_VALIDATOR_NONCE:
        a.status = BT_OK;
        a.number = o->nonce[q->root];
        break;
    case DLV_Q_SYNCED_CHECKPOINT:
        a.status = BT_OK;
        a.number = o->synced[q->a < DLV_ROOT_COUNT ? q->a : 0];
        break;
    }
    done(arg, &a);
}

static inline bt_status toracle_query(void *self, const struct dlv_oracle_query *q,
                                      dlv_oracle_done_fn done, void *arg)
{
    struct toracle *o = self;
    o->queries++;
    if (o->down)
        return BT_EIO;
    if (o->defer) {
        if (o->n_q == T_DEFER)
            return BT_EBUSY;
        o->q[o->n_q++] = (struct tdefer){*q, done, arg};
        return BT_OK;
    }
    toracle_answer(o, q, done, arg);
    return BT_OK;
}

static inline void toracle_flush(struct toracle *o)
{
    size_t n = o->n_q;
    o->n_q = 0;
    for (size_t i = 0; i < n; i++)
        toracle_answer(o, &o->q[i].q, o->q[i].done, o->q[i].arg);
}

static inline void toracle_cancel(void *self)
{
    ((struct toracle *)self)->n_q = 0;
}

static const struct dlv_oracle_iface toracle_iface = {
    .struct_size = sizeof(struct dlv_oracle_iface),
    .query = toracle_query,
    .cancel_all = toracle_cancel,
};

static struct tlog *toracle_add_log(struct toracle *o, enum dlv_root root, uint8_t tx_byte,
                                    uint64_t log_index, uint64_t block)
{
    CU_ASSERT_FATAL(o->n_logs < T_LOGS);
    struct tlog *l = &o->logs[o->n_logs++];
    memset(l, 0, sizeof *l);
    l->root = root;
    memset(l->tx_hash, tx_byte, 32);
    l->log_index = log_index;
    l->log.block_number = block;
    return l;
}

static inline void tlog_topic_hex(struct tlog *l, const char *hex)
{
    CU_ASSERT_EQUAL(bts_hex_parse_hash(l->log.topics[l->log.n_topics++], hex, strlen(hex)), BT_OK);
}

static inline void tlog_topic_u64(struct tlog *l, uint64_t v)
{
    bts_solabi_word_u64(l->log.topics[l->log.n_topics++], v);
}

static inline void tlog_topic_addr(struct tlog *l, const uint8_t a[20])
{
    bts_solabi_word_address(l->log.topics[l->log.n_topics++], a);
}

static inline void tlog_word_u64(struct tlog *l, uint64_t v)
{
    bts_solabi_word_u64(l->data + l->log.data_len, v);
    l->log.data_len += 32;
}

/* Appends an ABI `bytes` tail; its offset word must already be in place at `off_word`. */
static inline void tlog_bytes(struct tlog *l, size_t off_word, const uint8_t *p, size_t n)
{
    bts_solabi_word_u64(l->data + 32 * off_word, l->log.data_len);
    tlog_word_u64(l, n);
    memcpy(l->data + l->log.data_len, p, n);
    l->log.data_len += (n + 31) / 32 * 32;
}

static inline void toracle_add_header(struct toracle *o, enum dlv_root root, uint64_t id,
                                      uint64_t start, uint64_t end, const uint8_t proposer[20])
{
    CU_ASSERT_FATAL(o->n_headers < T_HEADERS);
    o->headers[o->n_headers].root = root;
    o->headers[o->n_headers].id = id;
    memset(&o->headers[o->n_headers].h, 0, sizeof o->headers[0].h);
    o->headers[o->n_headers].h.start = start;
    o->headers[o->n_headers].h.end = end;
    memcpy(o->headers[o->n_headers].h.proposer, proposer, 20);
    t_bttc_root(o->headers[o->n_headers].h.root, start, end);
    o->n_headers++;
}

/* --- the chain under test ------------------------------------------------------------------- */

struct tchain {
    struct dlv_memkv *kv;
    struct dlv_application *app;
    struct toracle *oracle;
    uint64_t time_ms;
    /* Forced vote: -1 none; else every validator votes this on every side tx (yes_count of
     * them Yes, the rest `other`). */
    int force;
    size_t yes_count;
    uint8_t other;
    /* Validator-set updates of the last end_block. */
    size_t n_updates;
    struct dlv_val_update updates[16];
};

static inline bt_status t_sign(void *ctx, const uint8_t digest[32], uint8_t out[65])
{
    (void)ctx;
    return bts_secp_sign(out, tkeys[0].sec, digest);
}

static inline char *t_genesis_json(void)
{
    char pub[2 * 65 + 3];
    size_t n;
    CU_ASSERT_EQUAL(bts_hex_encode(pub, sizeof pub, &n, tkeys[0].pub, 65, BTS_HEX_0X), BT_OK);
    char a1[43], a2[43];
    CU_ASSERT_EQUAL(bts_hex_encode(a1, sizeof a1, &n, tkeys[0].addr, 20, BTS_HEX_0X), BT_OK);
    CU_ASSERT_EQUAL(bts_hex_encode(a2, sizeof a2, &n, tkeys[5].addr, 20, BTS_HEX_0X), BT_OK);
    char *s = malloc(4096);
    snprintf(s, 4096,
             "{\"chain_id\":\"" T_CHAIN "\",\"params\":{\"bor_chain_id\":\"1029\","
             "\"span_duration\":64,\"sprint_duration\":16,\"producer_count\":3,"
             "\"checkpoint_buffer_time\":100,\"staking_buffer_time\":60,"
             "\"new_select_height\":0,"
             "\"roots\":{\"tron\":{\"activation_height\":0,"
             "\"staking_info\":\"0x00000000000000000000000000000000000000a1\","
             "\"state_sender\":\"0x00000000000000000000000000000000000000a2\"},"
             "\"eth\":{\"activation_height\":0,"
             "\"state_sender\":\"0x00000000000000000000000000000000000000e2\"}}},"
             "\"validators\":[{\"ID\":1,\"startEpoch\":0,\"endEpoch\":0,\"nonce\":1,\"power\":1,"
             "\"pubKey\":\"%s\",\"signer\":\"%s\",\"last_updated\":\"\",\"jailed\":false,"
             "\"accum\":0}],"
             "\"span\":{\"span_id\":0,\"start_block\":0,\"end_block\":255},"
             "\"dividend_accounts\":[{\"user\":\"%s\",\"feeAmount\":\"0\"},"
             "{\"user\":\"%s\",\"feeAmount\":\"5\"}]}",
             pub, a1, a1, a2);
    return s;
}

static inline void tchain_open(struct tchain *c, struct dlv_memkv *kv, struct toracle *o)
{
    c->kv = kv;
    c->oracle = o;
    struct dlv_app_config cfg = {dlv_memkv_iface(), kv, &toracle_iface, o, t_sign, NULL};
    CU_ASSERT_EQUAL_FATAL(dlv_app_open(&c->app, &cfg), BT_OK);
}

static inline void tchain_init(struct tchain *c)
{
    memset(c, 0, sizeof *c);
    tkeys_init();
    struct dlv_memkv *kv;
    CU_ASSERT_EQUAL_FATAL(dlv_memkv_new(&kv), BT_OK);
    struct toracle *o = calloc(1, sizeof *o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    o->bttc_head = 100;
    tchain_open(c, kv, o);
    char *g = t_genesis_json();
    char err[128] = "";
    CU_ASSERT_EQUAL_FATAL(dlv_app_init_genesis(c->app, g, strlen(g), err, sizeof err), BT_OK);
    free(g);
    c->time_ms = 1700000000000ull;
    c->force = -1;
}

static inline void tchain_free(struct tchain *c)
{
    dlv_app_free(c->app);
    dlv_memkv_free(c->kv);
    free(c->oracle);
}

/* Run one height with the given txs; returns the app hash. The last commit: every validator
 * of the app's set votes on the side txs of height-2 what this app decided (or `force`). */
static inline void tchain_block(struct tchain *c, const struct bts_buf *txs, size_t n,
                                uint32_t *codes, uint8_t out_hash[32])
{
    uint64_t h;
    uint8_t hash[32];
    CU_ASSERT_EQUAL_FATAL(dlv_app_info(c->app, &h, hash), BT_OK);
    h++;
    struct dlv_side_answer ans[16];
    size_t n_ans = 0;
    if (h > 2)
        CU_ASSERT_EQUAL(dlv_app_side_results(c->app, h - 2, ans, 16, &n_ans, NULL), BT_OK);
    struct bts_valset vs;
    bts_valset_init(&vs);
    CU_ASSERT_EQUAL_FATAL(dlv_app_valset(c->app, &vs), BT_OK);
    struct dlv_commit_val *last = calloc(vs.n ? vs.n : 1, sizeof *last);
    struct dlv_side_vote(*votes)[16] = calloc(vs.n ? vs.n : 1, sizeof *votes);
    for (size_t i = 0; i < vs.n; i++) {
        memcpy(last[i].address, vs.v[i].address, 20);
        last[i].power = vs.v[i].power;
        for (size_t j = 0; j < n_ans; j++) {
            memcpy(votes[i][j].tx_hash, ans[j].tx_hash, 32);
            votes[i][j].result = ans[j].result;
            if (c->force >= 0)
                votes[i][j].result = i < c->yes_count ? BTS_DLVSIDE_YES : c->other;
        }
        last[i].side = votes[i];
        last[i].n_side = n_ans;
    }
    c->time_ms += 5000;
    CU_ASSERT_EQUAL_FATAL(dlv_app_begin_block(c->app, h, c->time_ms, tkeys[0].addr, last, vs.n),
                          BT_OK);
    for (size_t i = 0; i < n; i++) {
        uint32_t code = 99;
        CU_ASSERT_EQUAL(dlv_app_deliver_tx(c->app, txs[i].data, txs[i].len, &code), BT_OK);
        if (codes)
            codes[i] = code;
    }
    const struct dlv_val_update *u;
    size_t nu;
    CU_ASSERT_EQUAL_FATAL(dlv_app_end_block(c->app, h, &u, &nu), BT_OK);
    c->n_updates = nu < 16 ? nu : 16;
    if (nu)
        memcpy(c->updates, u, c->n_updates * sizeof *u);
    CU_ASSERT_EQUAL_FATAL(dlv_app_commit(c->app, NULL, NULL, hash), BT_OK);
    if (out_hash)
        memcpy(out_hash, hash, 32);
    free(last);
    free(votes);
    bts_valset_free(&vs);
}

static inline void tchain_empty(struct tchain *c, int blocks)
{
    for (int i = 0; i < blocks; i++)
        tchain_block(c, NULL, 0, NULL, NULL);
}

/* One tx through two empty blocks: delivered at H, voted in H+1, applied at H+2. */
static inline uint32_t tchain_tx(struct tchain *c, const struct bts_buf *tx)
{
    uint32_t code = 99;
    tchain_block(c, tx, 1, &code, NULL);
    tchain_empty(c, 2);
    return code;
}

static inline void t_sign_msg(struct bts_buf *out, const struct dlv_msg *m, int key)
{
    struct dlv_tx tx;
    bts_buf_init(out);
    CU_ASSERT_EQUAL_FATAL(dlv_tx_sign(&tx, m, T_CHAIN, tkeys[key].sec), BT_OK);
    CU_ASSERT_EQUAL_FATAL(dlv_tx_encode(out, &tx), BT_OK);
    dlv_tx_free(&tx);
}

static const char *const T_STAKED_HEX =
    "0x68c13e4125b983d7e2d6114246f443e567ec6c4ee5b4d4a7ef6100b1402bfd84";
static const char *const T_STATE_SYNCED_HEX =
    "0x103fed9db65eac19c4d870f49ab7520fe03b99f1838e5996caf47e9e43308392";

/* A Staked log on TRON for key k (validator id) and the matching MsgValidatorJoin tx. */
static inline void t_join(struct tchain *c, struct bts_buf *tx, int k, uint64_t id, uint64_t epoch,
                          uint8_t tx_byte, uint64_t block)
{
    static const uint8_t staking_info[20] = {[19] = 0xa1};
    struct tlog *l = toracle_add_log(c->oracle, DLV_ROOT_TRON, tx_byte, 0, block);
    memcpy(l->log.address, staking_info, 20);
    tlog_topic_hex(l, T_STAKED_HEX);
    tlog_topic_addr(l, tkeys[k].addr);
    tlog_topic_u64(l, id);
    tlog_topic_u64(l, epoch);
    tlog_word_u64(l, 7);    /* nonce */
    tlog_word_u64(l, 1000); /* amount */
    tlog_word_u64(l, 1000); /* total */
    tlog_word_u64(l, 0);    /* offset placeholder */
    tlog_bytes(l, 3, tkeys[k].pub + 1, 64);
    struct dlv_msg m;
    memset(&m, 0, sizeof m);
    m.type = DLV_MSG_VALIDATOR_JOIN;
    memcpy(m.u.join.from, tkeys[0].addr, 20);
    m.u.join.id = id;
    m.u.join.activation_epoch = epoch;
    m.u.join.amount[31] = 0xe8;
    m.u.join.amount[30] = 0x03;
    memcpy(m.u.join.pub_key, tkeys[k].pub, 65);
    memset(m.u.join.log.tx_hash, tx_byte, 32);
    m.u.join.log.block_number = block;
    m.u.join.nonce = 7;
    t_sign_msg(tx, &m, 0);
}

/* A StateSynced log on `root` and the matching MsgEventRecord tx. */
static inline void t_record(struct tchain *c, struct bts_buf *tx, enum dlv_root root, uint64_t id,
                            uint8_t tx_byte, uint64_t block, const char *payload)
{
    static const uint8_t sender_tron[20] = {[19] = 0xa2}, sender_eth[20] = {[19] = 0xe2};
    static const uint8_t receiver[20] = {[0] = 0xcc, [19] = 0x01};
    struct tlog *l = toracle_add_log(c->oracle, root, tx_byte, 1, block);
    memcpy(l->log.address, root == DLV_ROOT_TRON ? sender_tron : sender_eth, 20);
    tlog_topic_hex(l, T_STATE_SYNCED_HEX);
    tlog_topic_u64(l, id);
    tlog_topic_addr(l, receiver);
    tlog_word_u64(l, 0);
    tlog_bytes(l, 0, (const uint8_t *)payload, strlen(payload));
    struct dlv_msg m;
    memset(&m, 0, sizeof m);
    m.type = DLV_MSG_EVENT_RECORD;
    memcpy(m.u.record.from, tkeys[0].addr, 20);
    memset(m.u.record.log.tx_hash, tx_byte, 32);
    m.u.record.log.log_index = 1;
    m.u.record.log.block_number = block;
    memcpy(m.u.record.contract, receiver, 20);
    m.u.record.data = (uint8_t *)payload;
    m.u.record.data_len = strlen(payload);
    m.u.record.id = id;
    strcpy(m.u.record.bor_chain_id, "1029");
    m.u.record.root = root;
    t_sign_msg(tx, &m, 0);
}

/* The checkpoint proposer's key index (the app's valset proposer). */
static inline int t_proposer_key(struct tchain *c)
{
    struct bts_valset vs;
    bts_valset_init(&vs);
    CU_ASSERT_EQUAL_FATAL(dlv_app_valset(c->app, &vs), BT_OK);
    size_t p = bts_valset_proposer(&vs);
    int k = -1;
    for (int i = 0; i < T_KEYS; i++)
        if (memcmp(tkeys[i].addr, vs.v[p].address, 20) == 0)
            k = i;
    bts_valset_free(&vs);
    CU_ASSERT_FATAL(k >= 0);
    return k;
}

static inline void t_checkpoint_msg(struct dlv_msg *m, int prop, uint64_t start, uint64_t end,
                                    uint64_t epoch, enum dlv_root root)
{
    memset(m, 0, sizeof *m);
    m->type = DLV_MSG_CHECKPOINT;
    memcpy(m->u.checkpoint.proposer, tkeys[prop].addr, 20);
    m->u.checkpoint.start_block = start;
    m->u.checkpoint.end_block = end;
    t_bttc_root(m->u.checkpoint.root_hash, start, end);
    struct bts_dlvckpt_account acc[2];
    memset(acc, 0, sizeof acc);
    /* The genesis accounts sorted by user. */
    int first = memcmp(tkeys[0].addr, tkeys[5].addr, 20) < 0 ? 0 : 5;
    memcpy(acc[0].user, tkeys[first].addr, 20);
    memcpy(acc[1].user, tkeys[first == 0 ? 5 : 0].addr, 20);
    acc[first == 0 ? 1 : 0].fee[31] = 5;
    CU_ASSERT_EQUAL(bts_dlvckpt_account_root(m->u.checkpoint.account_root_hash, acc, 2), BT_OK);
    strcpy(m->u.checkpoint.bor_chain_id, "1029");
    m->u.checkpoint.epoch = epoch;
    m->u.checkpoint.root = root;
}

/* REST GET: parse the body; returns the "result" member (borrowed from *doc). */
static inline json_t *t_get(struct dlv_application *a, const char *path, const char *query,
                            uint32_t want, json_t **doc)
{
    struct bts_buf b;
    uint32_t status = 0;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL_FATAL(dlv_query(a, path, query, &status, &b), BT_OK);
    if (status != want)
        fprintf(stderr, "GET %s -> %u %s\n", path, status, (const char *)b.data);
    CU_ASSERT_EQUAL(status, want);
    *doc = json_loadb((const char *)b.data, b.len, 0, NULL);
    bts_buf_free(&b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*doc);
    return json_object_get(*doc, want == 200 ? "result" : "error");
}

#endif /* TEST_DLV_UTIL_H */
