/* libFuzzer target for the Delivery node (plugins/consensus-bttc/dlvnode): arbitrary bytes
 * arrive on its four dlv/1 topics (consensus messages with extensions, block parts, txs, sync
 * requests and answers) from several peers, mixed with timer expiries, on a node of a
 * 4-validator set running the kv app over an in-memory store. Invariants: no crash or leak,
 * the committed height never goes back, every message it sends stays within its topic's
 * limit and every consensus message it sends decodes. Input: frames [topic|peer][len][bytes];
 * topic 7 fires the earliest timer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/secp.h>

#include "bft.h"
#include "dlv_kvapp.h"
#include "dlv_node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_bft_dlvnode: %s\n", what);
        abort();
    }
}

#define KVN 256
static uint8_t *kk[KVN], *kv[KVN];
static size_t kkl[KVN], kvl[KVN], kn;
struct tm_ {
    uint64_t at, id;
    void (*fn)(void *);
    void *arg;
};
static struct tm_ timers[512];
static size_t ntimers;
static uint64_t now, ids;

static uint64_t f_now(void *s)
{
    (void)s;
    return now;
}
static bt_status f_timer_add(void *s, uint64_t d, void (*fn)(void *), void *arg, uint64_t *id)
{
    (void)s;
    if (ntimers == 512)
        return BT_ENOMEM;
    timers[ntimers] = (struct tm_){now + d, ++ids, fn, arg};
    *id = ids;
    ntimers++;
    return BT_OK;
}
static void f_timer_del(void *s, uint64_t id)
{
    (void)s;
    for (size_t i = 0; i < ntimers; i++)
        if (timers[i].id == id) {
            timers[i] = timers[--ntimers];
            return;
        }
}
static bt_status f_send(void *s, enum dlv_topic t, uint64_t peer, const uint8_t *m, size_t len)
{
    (void)s, (void)peer;
    check(len <= dlv_topic_max[t], "message over its topic's limit");
    if (t == DLV_TOPIC_CONS) {
        struct bft_msg x;
        const uint8_t *e;
        size_t el;
        check(bft_msg_decode_ext(&x, m, len, &e, &el) == BT_OK, "sent an undecodable vote");
    }
    return BT_OK;
}
static const uint8_t key[32] = {0x33, [31] = 1};
static bt_status f_sign(void *s, const uint8_t d[32], uint8_t sig[65])
{
    (void)s;
    return bts_secp_sign(sig, key, d);
}
static long kfind(const uint8_t *k, size_t l)
{
    for (size_t i = 0; i < kn; i++)
        if (kkl[i] == l && !memcmp(kk[i], k, l))
            return (long)i;
    return -1;
}
static bt_status f_get(void *s, const uint8_t *k, size_t l, uint8_t **out, size_t *ol)
{
    (void)s;
    long i = kfind(k, l);
    if (i < 0)
        return BT_ENOTFOUND;
    *out = malloc(kvl[i] + 1);
    memcpy(*out, kv[i], kvl[i]);
    *ol = kvl[i];
    return BT_OK;
}
static bt_status f_write(void *s, const struct bt_storage_op *ops, size_t n)
{
    (void)s;
    for (size_t j = 0; j < n; j++) {
        long i = kfind(ops[j].key, ops[j].key_len);
        if (i < 0) {
            if (kn == KVN)
                return BT_EIO;
            i = (long)kn++;
            kk[i] = malloc(ops[j].key_len);
            memcpy(kk[i], ops[j].key, ops[j].key_len);
            kkl[i] = ops[j].key_len;
            kv[i] = NULL;
        }
        free(kv[i]);
        kv[i] = malloc(ops[j].value_len + 1);
        memcpy(kv[i], ops[j].value, ops[j].value_len);
        kvl[i] = ops[j].value_len;
    }
    return BT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bts_validator v[4];
    struct bts_valset g;
    struct dlv_kvapp *kva;
    struct dlv_app app;
    struct dlv_node *n;
    struct dlv_env env = {.now_ms = f_now,
                          .wall_ms = f_now,
                          .timer_add = f_timer_add,
                          .timer_del = f_timer_del,
                          .send = f_send,
                          .sign = f_sign,
                          .get = f_get,
                          .write = f_write};
    struct dlv_node_config cfg = {.chain_id = "fuzz", .has_key = 1};
    memset(v, 0, sizeof v);
    check(bts_secp_seckey_to_address(cfg.address, key) == BT_OK, "address");
    for (int i = 0; i < 4; i++) {
        v[i].address[0] = (uint8_t)(0x10 * (i + 1));
        v[i].power = 10;
    }
    memcpy(v[1].address, cfg.address, 20);
    bts_valset_init(&g);
    check(bts_valset_new(&g, v, 4) == BT_OK, "set");
    now = 1000;
    ntimers = 0;
    check(dlv_kvapp_new(&kva, &g, NULL, 0, &app) == BT_OK, "app");
    check(dlv_node_new(&n, &cfg, &env, &app) == BT_OK, "node");
    check(dlv_node_start(n) == BT_OK, "start");
    uint64_t last = 0;
    size_t p = 0;
    while (p + 2 <= size) {
        uint8_t tp = data[p], len = data[p + 1];
        p += 2;
        if ((tp & 7) == 7) {
            size_t best = SIZE_MAX;
            for (size_t i = 0; i < ntimers; i++)
                if (best == SIZE_MAX || timers[i].at < timers[best].at)
                    best = i;
            if (best != SIZE_MAX) {
                struct tm_ t = timers[best];
                timers[best] = timers[--ntimers];
                if (t.at > now)
                    now = t.at;
                t.fn(t.arg);
            }
            continue;
        }
        if (len > size - p)
            len = (uint8_t)(size - p);
        dlv_node_on_topic(n, (enum dlv_topic)(tp & 3), 1 + (tp >> 4), data + p, len);
        p += len;
        struct dlv_node_status s;
        dlv_node_status(n, &s);
        check(s.height >= last, "height went back");
        last = s.height;
    }
    dlv_node_free(n);
    dlv_kvapp_free(kva);
    bts_valset_free(&g);
    for (size_t i = 0; i < kn; i++) {
        free(kk[i]);
        free(kv[i]);
    }
    kn = 0;
    return 0;
}
