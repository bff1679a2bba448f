/* The Delivery node (dlvnode/dlv_node.h) on an in-memory network of 4 validators under a
 * simulated clock: commits with a key-value test application ("k=v" txs, app hash over the
 * map), identical app hashes everywhere, side-tx results carried in precommits to begin_block
 * two heights later, restarts from storage (also killed right after a WAL write) without ever
 * signing two values, catch-up of a validator that was down, and a halt without a fork when
 * two of four are down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/test.h>

#include "bft.h"
#include "dlv_node.h"

#define NV    4
#define MAXKV 256
#define MAXH  256

/* --- an in-memory key-value store per validator (its "disk": survives restarts) ------------- */

struct kv {
    uint8_t *k[4096], *v[4096];
    size_t kl[4096], vl[4096], n;
};

static long kv_find(struct kv *s, const uint8_t *k, size_t kl)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->kl[i] == kl && !memcmp(s->k[i], k, kl))
            return (long)i;
    return -1;
}

static void kv_put(struct kv *s, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    long i = kv_find(s, k, kl);
    if (i < 0) {
        CU_ASSERT_FATAL(s->n < 4096);
        i = (long)s->n++;
        s->k[i] = malloc(kl);
        memcpy(s->k[i], k, kl);
        s->kl[i] = kl;
        s->v[i] = NULL;
    }
    free(s->v[i]);
    s->v[i] = malloc(vl ? vl : 1);
    if (vl)
        memcpy(s->v[i], v, vl);
    s->vl[i] = vl;
}

static void kv_free(struct kv *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->k[i]);
        free(s->v[i]);
    }
    memset(s, 0, sizeof *s);
}

/* --- the test application: "k=v" txs; "side:x" txs get a side-tx result ------------------ */

struct kvapp {
    struct kv *disk;
    uint64_t height;
    uint8_t hash[32];
    char keys[MAXKV][40], vals[MAXKV][40];
    size_t n;
    uint8_t hashes[MAXH + 1][32]; /* app hash per committed height (this life and replays) */
    uint8_t side_tx[MAXH + 1][32];
    int has_side[MAXH + 1];
    size_t side_votes[MAXH + 1];      /* side results seen in begin_block(h) */
    struct dlv_valset_update upd[NV]; /* "power=<i>:<p>" txs of the current block */
    size_t n_upd;
};

static void app_serialise(struct kvapp *a, uint8_t *buf, size_t *len)
{
    size_t o = 0;
    for (size_t i = 0; i < a->n; i++)
        o += (size_t)sprintf((char *)buf + o, "%s=%s\n", a->keys[i], a->vals[i]);
    *len = o;
}

static void app_load(struct kvapp *a)
{
    long i = kv_find(a->disk, (const uint8_t *)"app/state", 9);
    a->n = 0;
    a->height = 0;
    memset(a->hash, 0, 32);
    if (i < 0)
        return;
    const uint8_t *p = a->disk->v[i];
    size_t len = a->disk->vl[i];
    CU_ASSERT_FATAL(len >= 40);
    memcpy(&a->height, p, 8);
    memcpy(a->hash, p + 8, 32);
    char *txt = strndup((const char *)p + 40, len - 40), *save = NULL;
    for (char *l = strtok_r(txt, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(l, '=');
        *eq = 0;
        snprintf(a->keys[a->n], 40, "%s", l);
        snprintf(a->vals[a->n], 40, "%s", eq + 1);
        a->n++;
    }
    free(txt);
}

static bt_status app_info(void *self, uint64_t *h, uint8_t hash[32])
{
    struct kvapp *a = self;
    *h = a->height;
    memcpy(hash, a->hash, 32);
    return BT_OK;
}

static struct bts_validator genesis[NV];

static bt_status app_valset(void *self, uint64_t h, struct bts_valset *out)
{
    (void)self, (void)h;
    return bts_valset_new(out, genesis, NV);
}

static bt_status app_check(void *self, const uint8_t *tx, size_t len)
{
    (void)self;
    const uint8_t *eq = memchr(tx, '=', len);
    if (len >= 40 || !eq || eq == tx || memchr(tx, '\n', len))
        return BT_EINVAL;
    return BT_OK;
}

static uint64_t cur_h;

static bt_status app_begin(void *self, const struct dlv_block_info *b,
                           const struct dlv_last_commit *last)
{
    struct kvapp *a = self;
    CU_ASSERT_EQUAL(b->height, a->height + 1);
    CU_ASSERT(memcmp(b->last_app_hash, a->hash, 32) == 0);
    cur_h = b->height;
    if (b->height <= MAXH) {
        a->side_votes[b->height] = 0;
        for (size_t i = 0; i < last->n; i++)
            for (size_t k = 0; k < last->votes[i].side_n; k++) {
                /* results of height-2's side txs, as signed in the precommits of height-1 */
                CU_ASSERT(b->height >= 3 && a->has_side[b->height - 2] &&
                          !memcmp(last->votes[i].side[k].tx_hash, a->side_tx[b->height - 2], 32));
                a->side_votes[b->height]++;
            }
        a->has_side[b->height] = 0;
    }
    return BT_OK;
}

static bt_status app_deliver(void *self, const uint8_t *tx, size_t len, uint32_t *code)
{
    struct kvapp *a = self;
    char k[40], v[40];
    const uint8_t *eq = memchr(tx, '=', len);
    *code = 0;
    snprintf(k, sizeof k, "%.*s", (int)(eq - tx), (const char *)tx);
    snprintf(v, sizeof v, "%.*s", (int)(len - (size_t)(eq - tx) - 1), (const char *)eq + 1);
    unsigned vi, pw;
    if (!strcmp(k, "power") && sscanf(v, "%u:%u", &vi, &pw) == 2 && vi < NV && a->n_upd < NV) {
        memcpy(a->upd[a->n_upd].address, genesis[vi].address, 20);
        a->upd[a->n_upd++].power = pw;
    }
    if (!strcmp(k, "side") && a->height + 1 <= MAXH) {
        a->has_side[a->height + 1] = 1;
        bts_keccak256(a->side_tx[a->height + 1], tx, len);
    }
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->keys[i], k)) {
            snprintf(a->vals[i], 40, "%s", v);
            return BT_OK;
        }
    if (a->n == MAXKV) {
        *code = 1;
        return BT_OK;
    }
    snprintf(a->keys[a->n], 40, "%s", k);
    snprintf(a->vals[a->n], 40, "%s", v);
    a->n++;
    return BT_OK;
}

static bt_status app_end(void *self, uint64_t h, const struct dlv_valset_update **u, size_t *n)
{
    struct kvapp *a = self;
    (void)h;
    *u = a->n_upd ? a->upd : NULL;
    *n = a->n_upd;
    a->n_upd = 0; /* valid until commit returns: nothing touches it before then */
    return BT_OK;
}

static bt_status app_commit(void *self, struct dlv_batch *b, uint8_t out[32])
{
    struct kvapp *a = self;
    static uint8_t buf[MAXKV * 70 + 64];
    size_t len;
    app_serialise(a, buf + 40, &len);
    a->height++;
    bts_keccak256(a->hash, buf + 40, len);
    memcpy(buf, &a->height, 8);
    memcpy(buf + 8, a->hash, 32);
    memcpy(out, a->hash, 32);
    if (a->height <= MAXH)
        memcpy(a->hashes[a->height], a->hash, 32);
    return dlv_batch_put(b, (const uint8_t *)"app/state", 9, buf, len + 40);
}

static bt_status app_side(void *self, uint64_t h, struct dlv_side_result *out, size_t cap,
                          size_t *n)
{
    struct kvapp *a = self;
    *n = 0;
    if (h <= MAXH && a->has_side[h] && cap > 0) {
        memset(&out[0], 0, sizeof out[0]);
        memcpy(out[0].tx_hash, a->side_tx[h], 32);
        out[0].result = 1; /* Yes */
        *n = 1;
    }
    return BT_OK;
}

/* --- the network ------------------------------------------------------------------------- */

enum ev_kind { EV_TIMER, EV_MSG };
struct ev {
    uint64_t t, seq;
    enum ev_kind kind;
    uint32_t to, from;
    uint32_t life; /* the receiver's life it was meant for (timers) */
    uint64_t id;
    void (*fn)(void *);
    void *arg;
    enum dlv_topic topic;
    uint8_t *msg;
    size_t len;
};

struct tnode {
    uint32_t i;
    struct dlv_node *n;
    struct kvapp app;
    struct kv disk;
    uint8_t key[32], addr[20];
    int up, dying;
    uint32_t life;
    int crash_at_wal;
    uint32_t vidx; /* index in the validator set (sorted by address) */
};

static struct tnode nodes[NV];
static struct ev *evq;
static size_t evn, evcap;
static uint64_t now, seq, rng = 1, timer_ids;
static int cut[NV];       /* 1: the node's links are down */
static int no_parts = -1; /* a validator that never receives block parts */

/* what each validator signed: (h, r, type) -> value ‖ ext hash */
struct signed_rec {
    uint32_t v;
    uint64_t h;
    int32_t r;
    uint8_t type;
    uint8_t has;
    uint8_t value[32], ext[32];
};
static struct signed_rec *sigs;
static size_t nsigs, capsigs;
static int double_signs;
static int wal_kills;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void push(const struct ev *e)
{
    if (evn == evcap) {
        evcap = evcap ? evcap * 2 : 1024;
        evq = realloc(evq, evcap * sizeof *evq);
        CU_ASSERT_FATAL(evq != NULL);
    }
    evq[evn] = *e;
    evq[evn].seq = seq++;
    evn++;
}

static int pop(struct ev *out)
{
    if (!evn)
        return 0;
    size_t best = 0;
    for (size_t i = 1; i < evn; i++)
        if (evq[i].t < evq[best].t || (evq[i].t == evq[best].t && evq[i].seq < evq[best].seq))
            best = i;
    *out = evq[best];
    evq[best] = evq[--evn];
    return 1;
}

static uint64_t e_now(void *self)
{
    (void)self;
    return now;
}

static uint64_t e_wall(void *self)
{
    (void)self;
    return 1767225600000ull + now;
}

static bt_status e_timer_add(void *self, uint64_t delay, void (*fn)(void *), void *arg,
                             uint64_t *out_id)
{
    struct tnode *t = self;
    struct ev e = {.t = now + delay,
                   .kind = EV_TIMER,
                   .to = t->i,
                   .life = t->life,
                   .fn = fn,
                   .arg = arg,
                   .id = ++timer_ids};
    push(&e);
    *out_id = e.id;
    return BT_OK;
}

static void e_timer_del(void *self, uint64_t id)
{
    (void)self;
    for (size_t i = 0; i < evn; i++)
        if (evq[i].kind == EV_TIMER && evq[i].id == id) {
            evq[i] = evq[--evn];
            return;
        }
}

static void note_signed(uint32_t v, const struct bft_msg *m)
{
    for (size_t i = 0; i < nsigs; i++) {
        struct signed_rec *s = &sigs[i];
        if (s->v == v && s->h == m->height && s->r == m->round && s->type == m->type) {
            if (s->has != m->has_value || memcmp(s->value, m->value, 32) ||
                memcmp(s->ext, m->ext_hash, 32)) {
                double_signs++;
                fprintf(stderr, "double signing: v%u h=%llu r=%d type=%d\n", v,
                        (unsigned long long)m->height, m->round, m->type);
            }
            return;
        }
    }
    if (nsigs == capsigs) {
        capsigs = capsigs ? capsigs * 2 : 1024;
        sigs = realloc(sigs, capsigs * sizeof *sigs);
    }
    struct signed_rec *s = &sigs[nsigs++];
    s->v = v;
    s->h = m->height;
    s->r = m->round;
    s->type = m->type;
    s->has = m->has_value;
    memcpy(s->value, m->value, 32);
    memcpy(s->ext, m->ext_hash, 32);
}

static void deliver_to(struct tnode *t, uint32_t to, enum dlv_topic topic, const uint8_t *msg,
                       size_t len)
{
    if (to == t->i || cut[to] || cut[t->i] || (topic == DLV_TOPIC_PART && (int)to == no_parts))
        return;
    struct ev e = {.t = now + 1 + rnd() % 5,
                   .kind = EV_MSG,
                   .to = to,
                   .from = t->i,
                   .topic = topic,
                   .len = len};
    e.msg = malloc(len ? len : 1);
    memcpy(e.msg, msg, len);
    push(&e);
}

static bt_status e_send(void *self, enum dlv_topic topic, uint64_t peer, const uint8_t *msg,
                        size_t len)
{
    struct tnode *t = self;
    if (t->dying)
        return BT_OK; /* killed: nothing leaves any more */
    if (topic == DLV_TOPIC_CONS) {
        struct bft_msg m;
        const uint8_t *ext;
        size_t el;
        CU_ASSERT_FATAL(bft_msg_decode_ext(&m, msg, len, &ext, &el) == BT_OK);
        if (m.validator == t->vidx)
            note_signed(t->i, &m); /* our own signature (not a relayed vote) */
    }
    if (peer == DLV_PEER_ALL) {
        for (uint32_t j = 0; j < NV; j++)
            deliver_to(t, j, topic, msg, len);
    } else if (peer >= 1 && peer <= NV) {
        deliver_to(t, (uint32_t)peer - 1, topic, msg, len);
    }
    return BT_OK;
}

static bt_status e_sign(void *self, const uint8_t d[32], uint8_t sig[65])
{
    struct tnode *t = self;
    return bts_secp_sign(sig, t->key, d);
}

static bt_status e_get(void *self, const uint8_t *k, size_t kl, uint8_t **out, size_t *len)
{
    struct tnode *t = self;
    long i = kv_find(&t->disk, k, kl);
    if (i < 0)
        return BT_ENOTFOUND;
    *out = malloc(t->disk.vl[i] ? t->disk.vl[i] : 1);
    memcpy(*out, t->disk.v[i], t->disk.vl[i]);
    *len = t->disk.vl[i];
    return BT_OK;
}

static bt_status e_write(void *self, const struct bt_storage_op *ops, size_t n)
{
    struct tnode *t = self;
    if (t->dying)
        return BT_EIO; /* a dead process writes nothing */
    for (size_t i = 0; i < n; i++) {
        if (ops[i].type == BT_STORAGE_PUT) {
            kv_put(&t->disk, ops[i].key, ops[i].key_len, ops[i].value, ops[i].value_len);
        } else {
            long j = kv_find(&t->disk, ops[i].key, ops[i].key_len);
            if (j >= 0)
                kv_put(&t->disk, ops[i].key, ops[i].key_len, NULL, 0);
        }
    }
    if (t->crash_at_wal && n == 1 && ops[0].key_len == 7 && !memcmp(ops[0].key, "dlv/wal", 7)) {
        t->crash_at_wal = 0;
        t->dying = 1; /* killed right after the guard record is durable, before it signs */
        wal_kills++;
    }
    return BT_OK;
}

static void boot(struct tnode *t)
{
    struct dlv_env env = {.self = t,
                          .now_ms = e_now,
                          .wall_ms = e_wall,
                          .timer_add = e_timer_add,
                          .timer_del = e_timer_del,
                          .send = e_send,
                          .sign = e_sign,
                          .get = e_get,
                          .write = e_write};
    struct dlv_app app = {.self = &t->app,
                          .info = app_info,
                          .valset = app_valset,
                          .check_tx = app_check,
                          .begin_block = app_begin,
                          .deliver_tx = app_deliver,
                          .end_block = app_end,
                          .commit = app_commit,
                          .side_results = app_side};
    struct dlv_node_config cfg = {.chain_id = "delivery-test",
                                  .has_key = 1,
                                  .propose_ms = 300,
                                  .propose_delta_ms = 100,
                                  .vote_ms = 100,
                                  .vote_delta_ms = 50,
                                  .rebroadcast_ms = 300};
    memcpy(cfg.address, t->addr, 20);
    t->app.disk = &t->disk;
    app_load(&t->app);
    t->life++;
    t->dying = 0;
    CU_ASSERT_FATAL(dlv_node_new(&t->n, &cfg, &env, &app) == BT_OK);
    CU_ASSERT_FATAL(dlv_node_start(t->n) == BT_OK);
    t->up = 1;
}

static void kill_node(struct tnode *t)
{
    dlv_node_free(t->n);
    t->n = NULL;
    t->up = 0;
    t->life++;
}

static void setup(uint64_t seed)
{
    now = 0;
    seq = 0;
    rng = seed * 2654435761u + 1;
    nsigs = 0;
    double_signs = 0;
    memset(cut, 0, sizeof cut);
    no_parts = -1;
    for (uint32_t i = 0; i < NV; i++) {
        struct tnode *t = &nodes[i];
        kv_free(&t->disk);
        memset(t, 0, sizeof *t);
        t->i = i;
        memset(t->key, 0, 32);
        t->key[31] = (uint8_t)(i + 1);
        t->key[0] = 0x11;
        CU_ASSERT_FATAL(bts_secp_seckey_to_address(t->addr, t->key) == BT_OK);
        memcpy(genesis[i].address, t->addr, 20);
        genesis[i].power = 10;
        genesis[i].priority = 0;
    }
    for (uint32_t i = 0; i < NV; i++)
        for (uint32_t j = 0; j < NV; j++)
            nodes[i].vidx += memcmp(genesis[j].address, nodes[i].addr, 20) < 0;
    for (uint32_t i = 0; i < NV; i++)
        boot(&nodes[i]);
}

static void teardown(void)
{
    for (uint32_t i = 0; i < NV; i++) {
        if (nodes[i].up)
            kill_node(&nodes[i]);
        kv_free(&nodes[i].disk);
    }
    for (size_t i = 0; i < evn; i++)
        free(evq[i].msg);
    free(evq);
    evq = NULL;
    evn = evcap = 0;
    free(sigs);
    sigs = NULL;
    nsigs = capsigs = 0;
}

/* Run the network until time `until`. */
static void run_until(uint64_t until)
{
    struct ev e;
    while (evn) {
        size_t best = 0;
        for (size_t i = 1; i < evn; i++)
            if (evq[i].t < evq[best].t || (evq[i].t == evq[best].t && evq[i].seq < evq[best].seq))
                best = i;
        if (evq[best].t > until)
            break;
        CU_ASSERT_FATAL(pop(&e));
        now = e.t;
        struct tnode *t = &nodes[e.to];
        if (e.kind == EV_TIMER) {
            if (t->up && e.life == t->life)
                e.fn(e.arg);
        } else {
            if (t->up && !cut[e.to] && !cut[e.from])
                dlv_node_on_topic(t->n, e.topic, e.from + 1, e.msg, e.len);
            free(e.msg);
        }
        if (t->up && t->dying) /* the kill lands now: the process is gone */
            kill_node(t);
    }
    now = until;
}

static uint64_t height_of(uint32_t i)
{
    struct dlv_node_status s;
    if (!nodes[i].up)
        return nodes[i].app.height;
    dlv_node_status(nodes[i].n, &s);
    return s.height;
}

/* Every pair of validators agrees on the app hash of every height both committed. */
static void check_agree(void)
{
    for (uint32_t i = 0; i < NV; i++)
        for (uint32_t j = i + 1; j < NV; j++) {
            uint64_t h = nodes[i].app.height < nodes[j].app.height ? nodes[i].app.height
                                                                   : nodes[j].app.height;
            for (uint64_t k = 1; k <= h && k <= MAXH; k++)
                CU_ASSERT(memcmp(nodes[i].app.hashes[k], nodes[j].app.hashes[k], 32) == 0);
        }
    CU_ASSERT_EQUAL(double_signs, 0);
}

static void submit(uint32_t i, const char *tx)
{
    bt_status st = dlv_node_submit_tx(nodes[i].n, (const uint8_t *)tx, strlen(tx));
    CU_ASSERT(st == BT_OK);
}

/* --- tests --------------------------------------------------------------------------------- */

static void test_dlvnode_four_commit_same_app_hash(void)
{
    setup(1);
    submit(0, "alpha=1");
    submit(1, "beta=2");
    run_until(5000);
    for (uint32_t i = 0; i < NV; i++) {
        CU_ASSERT(height_of(i) >= 5);
        CU_ASSERT_EQUAL(nodes[i].app.n, 2); /* both txs, gossiped and committed everywhere */
        struct dlv_node_status s;
        dlv_node_status(nodes[i].n, &s);
        CU_ASSERT_EQUAL(s.mempool_txs, 0);
    }
    check_agree();
    /* blocks and certificates are in the store, and the block chain links */
    uint8_t *b, *c;
    size_t bl, cl;
    CU_ASSERT_EQUAL(dlv_node_block(nodes[2].n, 3, &b, &bl, &c, &cl), BT_OK);
    struct dlv_block blk;
    CU_ASSERT_EQUAL(dlv_block_decode(&blk, b, bl), BT_OK);
    CU_ASSERT_EQUAL(blk.height, 3);
    CU_ASSERT(blk.n_votes >= 3);
    CU_ASSERT(memcmp(blk.last_app_hash, nodes[2].app.hashes[2], 32) == 0);
    free(b);
    free(c);
    teardown();
}

static void test_dlvnode_side_results_reach_begin_block(void)
{
    setup(2);
    run_until(1500);
    submit(2, "side=x");
    run_until(8000);
    uint64_t h = 0;
    for (uint64_t k = 1; k <= MAXH; k++)
        if (nodes[0].app.has_side[k])
            h = k;
    CU_ASSERT_FATAL(h > 0);
    for (uint32_t i = 0; i < NV; i++) {
        CU_ASSERT(nodes[i].app.height >= h + 2);
        CU_ASSERT(nodes[i].app.side_votes[h + 2] >= 3); /* +2/3 of the precommits carried it */
    }
    check_agree();
    teardown();
}

static void test_dlvnode_one_down_continues_two_down_halts(void)
{
    setup(3);
    run_until(2000);
    kill_node(&nodes[3]);
    uint64_t h0 = height_of(0);
    run_until(5000);
    CU_ASSERT(height_of(0) >= h0 + 3); /* 3 of 4 keep committing */
    kill_node(&nodes[2]);
    run_until(6000);
    uint64_t stuck = height_of(0);
    run_until(12000);
    CU_ASSERT(height_of(0) <= stuck + 1); /* at most the height that was in flight */
    CU_ASSERT_EQUAL(height_of(0), height_of(1));
    uint64_t halted = height_of(0);
    boot(&nodes[2]); /* one returns: 3 of 4 again */
    run_until(20000);
    CU_ASSERT(height_of(0) >= halted + 3);
    CU_ASSERT(height_of(2) >= halted + 2);
    boot(&nodes[3]); /* the last one catches up from its peers' block store */
    run_until(30000);
    CU_ASSERT(height_of(3) + 1 >= height_of(0));
    CU_ASSERT(height_of(3) > halted);
    check_agree();
    teardown();
}

static void test_dlvnode_restarts_never_double_sign(void)
{
    for (uint64_t seed = 10; seed < 16; seed++) {
        setup(seed);
        for (int step = 0; step < 40; step++) {
            run_until(now + 150 + rnd() % 400);
            uint32_t v = (uint32_t)(rnd() % NV);
            struct tnode *t = &nodes[v];
            if (!t->up) {
                boot(t);
                continue;
            }
            int down = 0;
            for (uint32_t j = 0; j < NV; j++)
                down += !nodes[j].up;
            if (down)
                continue; /* one at a time, so 3 of 4 stay up */
            if (rnd() % 2)
                t->crash_at_wal = 1; /* dies right after its next guard record */
            else
                kill_node(t);
        }
        for (uint32_t j = 0; j < NV; j++) {
            nodes[j].crash_at_wal = 0;
            if (!nodes[j].up)
                boot(&nodes[j]);
        }
        uint64_t before = height_of(0);
        run_until(now + 8000);
        for (uint32_t j = 0; j < NV; j++)
            CU_ASSERT(height_of(j) >= before + 2);
        check_agree();
        CU_ASSERT(nsigs > 100); /* every validator's signatures were watched */
        teardown();
    }
    CU_ASSERT(wal_kills > 0); /* the worst moment was hit */
}

/* A validator that never gets the proposed blocks still decides from the others' precommits,
 * then fetches each decided block by sync before applying it. */
static void test_dlvnode_decided_without_block_fetches_it(void)
{
    setup(5);
    no_parts = 3;
    submit(0, "x=1");
    run_until(6000);
    CU_ASSERT(height_of(0) >= 5);
    CU_ASSERT(height_of(3) + 1 >= height_of(0));
    CU_ASSERT_STRING_EQUAL(nodes[3].app.vals[0], "1");
    check_agree();
    teardown();
}

/* end_block's validator-set update at H takes effect at H+2: once validator 0 holds more than
 * 2/3 of the power, it commits alone with the other three down. */
static void test_dlvnode_valset_update_applies(void)
{
    setup(6);
    submit(0, "power=0:100");
    run_until(3000);
    uint64_t h = 0;
    for (uint32_t i = 1; i < NV; i++)
        kill_node(&nodes[i]);
    run_until(4000);
    h = height_of(0);
    run_until(8000);
    CU_ASSERT(height_of(0) >= h + 3);
    for (uint32_t i = 1; i < NV; i++)
        boot(&nodes[i]); /* they sync what validator 0 committed alone */
    run_until(14000);
    for (uint32_t i = 1; i < NV; i++)
        CU_ASSERT(height_of(i) + 1 >= height_of(0));
    check_agree();
    teardown();
}

/* Two prevotes of validator 3 for different values at one (height, round): recorded. */
static void test_dlvnode_equivocation_recorded(void)
{
    setup(7);
    run_until(500);
    struct dlv_node_status st;
    dlv_node_status(nodes[0].n, &st);
    for (int k = 0; k < 2; k++) {
        struct bft_msg m;
        uint8_t sb[BFT_MSG_MAX], d[32], enc[BFT_MSG_MAX];
        size_t n, len;
        memset(&m, 0, sizeof m);
        m.type = BFT_PREVOTE;
        m.height = st.cur_height;
        m.round = st.round + 1; /* a round not reached yet: no quorum is disturbed */
        m.pol_round = -1;
        m.has_value = 1;
        memset(m.value, 0x40 + k, 32);
        m.validator = 0;
        for (uint32_t j = 0; j < NV; j++) /* validator 3's index in the set (sorted by address) */
            m.validator += memcmp(genesis[j].address, nodes[3].addr, 20) < 0;
        CU_ASSERT_FATAL(bft_msg_sign_bytes("delivery-test", &m, sb, &n) == BT_OK);
        bts_keccak256(d, sb, n);
        CU_ASSERT_FATAL(bts_secp_sign(m.sig, nodes[3].key, d) == BT_OK);
        CU_ASSERT_FATAL(bft_msg_encode(&m, enc, &len) == BT_OK);
        dlv_node_on_topic(nodes[0].n, DLV_TOPIC_CONS, 4, enc, len);
    }
    int found = 0;
    for (size_t i = 0; i < nodes[0].disk.n; i++)
        found |= nodes[0].disk.kl[i] == 18 && !memcmp(nodes[0].disk.k[i], "dlv/e/", 6);
    CU_ASSERT(found);
    teardown();
}

static void test_dlvnode_mempool_rules(void)
{
    setup(4);
    CU_ASSERT_EQUAL(dlv_node_submit_tx(nodes[0].n, (const uint8_t *)"a=1", 3), BT_OK);
    CU_ASSERT_EQUAL(dlv_node_submit_tx(nodes[0].n, (const uint8_t *)"a=1", 3), BT_EEXIST);
    CU_ASSERT_EQUAL(dlv_node_submit_tx(nodes[0].n, (const uint8_t *)"novalue", 7), BT_EINVAL);
    CU_ASSERT_EQUAL(dlv_node_submit_tx(nodes[0].n, (const uint8_t *)"", 0), BT_EINVAL);
    run_until(50);
    struct dlv_node_status s;
    dlv_node_status(nodes[3].n, &s);
    CU_ASSERT_EQUAL(s.mempool_txs, 1); /* gossiped */
    run_until(3000);
    dlv_node_status(nodes[3].n, &s);
    CU_ASSERT_EQUAL(s.mempool_txs, 0); /* removed on commit */
    teardown();
}

BTS_TEST_SUITE("dlvnode_net", NULL, NULL, BTS_TEST(test_dlvnode_four_commit_same_app_hash),
               BTS_TEST(test_dlvnode_side_results_reach_begin_block),
               BTS_TEST(test_dlvnode_one_down_continues_two_down_halts),
               BTS_TEST(test_dlvnode_restarts_never_double_sign),
               BTS_TEST(test_dlvnode_decided_without_block_fetches_it),
               BTS_TEST(test_dlvnode_valset_update_applies),
               BTS_TEST(test_dlvnode_equivocation_recorded), BTS_TEST(test_dlvnode_mempool_rules));
