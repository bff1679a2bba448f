/* bts/conform_rootchain.h: the checks. Each opens its own adapter instance on a fresh mock. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bts/hex.h>

#include "conform_contract.h"
#include "conform_int.h"

/* keccak256("StateSynced(uint256,address,bytes)"), PROTOCOL.md §4.8. */
static const uint8_t topic_state_synced[32] = {
    0x10, 0x3f, 0xed, 0x9d, 0xb6, 0x5e, 0xac, 0x19, 0xc4, 0xd8, 0x70, 0xf4, 0x9a, 0xb7, 0x52, 0x0f,
    0xe0, 0x3b, 0x99, 0xf1, 0x83, 0x8e, 0x59, 0x96, 0xca, 0xf4, 0x7e, 0x9e, 0x43, 0x30, 0x83, 0x92};

#define LIMIT_MS 60000

struct wait {
    int done;
    bt_status st;
    uint64_t head, finalized;
    uint8_t out[256];
    size_t out_len;
    struct bt_rootchain_log logs[64];
    uint8_t data[64][128];
    size_t n_logs;
    struct bt_rootchain_receipt rc;
    int has_rc;
};

static void on_heights(void *arg, bt_status st, uint64_t head, uint64_t fin)
{
    struct wait *w = arg;
    w->done = 1, w->st = st, w->head = head, w->finalized = fin;
}

static void keep_logs(struct wait *w, const struct bt_rootchain_log *logs, size_t n)
{
    w->n_logs = n < 64 ? n : 64;
    for (size_t i = 0; i < w->n_logs; i++) {
        w->logs[i] = logs[i];
        size_t len = logs[i].data_len < 128 ? logs[i].data_len : 128;
        memcpy(w->data[i], logs[i].data, len);
        w->logs[i].data = w->data[i];
        w->logs[i].data_len = len;
    }
}

static void on_logs(void *arg, bt_status st, const struct bt_rootchain_log *logs, size_t n)
{
    struct wait *w = arg;
    w->done = 1, w->st = st;
    if (st == BT_OK)
        keep_logs(w, logs, n);
}

static void on_call(void *arg, bt_status st, const uint8_t *out, size_t n)
{
    struct wait *w = arg;
    w->done = 1, w->st = st;
    w->out_len = n < sizeof(w->out) ? n : sizeof(w->out);
    if (out)
        memcpy(w->out, out, w->out_len);
}

static void on_receipt(void *arg, bt_status st, const struct bt_rootchain_receipt *r)
{
    struct wait *w = arg;
    w->done = 1, w->st = st;
    if (r) {
        w->rc = *r;
        w->has_rc = 1;
        keep_logs(w, r->logs, r->n_logs);
    }
}

static void put_word(uint8_t *p, uint64_t v)
{
    memset(p, 0, 32);
    for (int i = 0; i < 8; i++)
        p[31 - i] = (uint8_t)(v >> (8 * i));
}

static void put_sel(uint8_t *p, uint32_t sel)
{
    p[0] = (uint8_t)(sel >> 24), p[1] = (uint8_t)(sel >> 16), p[2] = (uint8_t)(sel >> 8),
    p[3] = (uint8_t)sel;
}

/* sync(n, "conform") calldata. */
static size_t sync_call(uint8_t out[132], uint64_t n)
{
    put_sel(out, CONFORM_SEL_SYNC);
    put_word(out + 4, n);
    put_word(out + 36, 0x40);
    put_word(out + 68, 7);
    memset(out + 100, 0, 32);
    memcpy(out + 100, "conform", 7);
    return 132;
}

static int send_wait(struct crc *t, void *self, const uint8_t *data, size_t len, uint64_t gas,
                     struct wait *w)
{
    struct bt_rootchain_send_req req = {
        .struct_size = sizeof(req), .data = data, .data_len = len, .gas_limit = gas};
    memcpy(req.to, t->contract, 20);
    memset(w, 0, sizeof(*w));
    bt_status st = t->vt->send(self, &req, on_receipt, w);
    if (st != BT_OK) {
        crc_fail(t, "send refused: %s: %s", bts_status_str(st), bts_mockhost_error(t->m));
        return 0;
    }
    if (!crc_pump(t, &w->done, LIMIT_MS)) {
        crc_fail(t, "send: no answer within %d ms", LIMIT_MS);
        return 0;
    }
    return 1;
}

static void check_heights(struct crc *t)
{
    void *self = NULL;
    if (crc_open(t, t->c->url, NULL, &self) != BT_OK)
        return;
    uint64_t ph = 0, pf = 0;
    for (int i = 0; i < 3; i++) {
        struct wait w = {0};
        if (t->vt->heights(self, on_heights, &w) != BT_OK || !crc_pump(t, &w.done, LIMIT_MS) ||
            w.st != BT_OK) {
            crc_fail(t, "heights: %s: %s", bts_status_str(w.st), t->vt->error_message(self));
            break;
        }
        if (w.finalized > w.head)
            crc_fail(t, "finalized %llu above head %llu", (unsigned long long)w.finalized,
                     (unsigned long long)w.head);
        if (w.head < ph || w.finalized < pf)
            crc_fail(t, "heights went back: %llu/%llu after %llu/%llu", (unsigned long long)w.head,
                     (unsigned long long)w.finalized, (unsigned long long)ph,
                     (unsigned long long)pf);
        ph = w.head, pf = w.finalized;
    }
    struct bt_rootchain_status s;
    if (t->vt->status(self, &s) != BT_OK || s.head != ph || !s.url || !s.last_error ||
        s.last_ok_ms == 0)
        crc_fail(t, "status does not reflect the last heights (head %llu, last_ok %llu)",
                 (unsigned long long)s.head, (unsigned long long)s.last_ok_ms);
    crc_close(t, self);
}

/* Three sends in three blocks, then the logs: one query must equal 1-block windows, and every
 * log must match its receipt (block, index, fields). */
static void check_send_and_logs(struct crc *t)
{
    void *self = NULL;
    static struct wait rc[3], big, small;
    if (crc_open(t, t->c->url, NULL, &self) != BT_OK)
        return;
    uint8_t cd[132];
    size_t n_expected = 0;
    uint64_t first = UINT64_MAX, last = 0;
    for (int i = 0; i < 3; i++) {
        if (!send_wait(t, self, cd, sync_call(cd, (uint64_t)i + 1), 0, &rc[i]))
            goto out;
        if (rc[i].st != BT_OK || !rc[i].has_rc || rc[i].rc.tx_status != BT_ROOTCHAIN_TX_SUCCESS) {
            crc_fail(t, "send %d: %s tx_status %u: %s", i, bts_status_str(rc[i].st),
                     rc[i].rc.tx_status, t->vt->error_message(self));
            goto out;
        }
        if (rc[i].n_logs != (size_t)i + 1)
            crc_fail(t, "send %d: %zu logs in the receipt, expected %d", i, rc[i].n_logs, i + 1);
        n_expected += (size_t)i + 1;
        if (rc[i].rc.block_number < first)
            first = rc[i].rc.block_number;
        if (rc[i].rc.block_number > last)
            last = rc[i].rc.block_number;
    }
    const uint8_t(*addrs)[20] = (const uint8_t(*)[20])t->contract;
    const uint8_t(*topic0)[32] = (const uint8_t(*)[32])topic_state_synced;
    struct bt_rootchain_filter f = {.struct_size = sizeof(f),
                                    .addresses = addrs,
                                    .n_addresses = 1,
                                    .topics = {topic0},
                                    .n_topics = {1},
                                    .from_block = first,
                                    .to_block = last};
    memset(&big, 0, sizeof(big));
    if (t->vt->get_logs(self, &f, on_logs, &big) != BT_OK || !crc_pump(t, &big.done, LIMIT_MS) ||
        big.st != BT_OK) {
        crc_fail(t, "get_logs: %s: %s", bts_status_str(big.st), t->vt->error_message(self));
        goto out;
    }
    crc_close(t, self);
    self = NULL;
    static const char *const one_block[] = {"max_log_range", "1", NULL};
    if (crc_open(t, t->c->url, one_block, &self) != BT_OK)
        return;
    memset(&small, 0, sizeof(small));
    if (t->vt->get_logs(self, &f, on_logs, &small) != BT_OK ||
        !crc_pump(t, &small.done, LIMIT_MS) || small.st != BT_OK) {
        crc_fail(t, "get_logs (1-block windows): %s: %s", bts_status_str(small.st),
                 t->vt->error_message(self));
        goto out;
    }
    if (big.n_logs != n_expected || small.n_logs != n_expected)
        crc_fail(t, "logs: %zu in one query, %zu in 1-block windows, expected %zu", big.n_logs,
                 small.n_logs, n_expected);
    size_t k = 0;
    for (int i = 0; i < 3 && k < big.n_logs; i++)
        for (size_t j = 0; j < rc[i].n_logs && k < big.n_logs; j++, k++) {
            const struct bt_rootchain_log *a = &big.logs[k], *b = &small.logs[k],
                                          *r = &rc[i].logs[j];
            if (memcmp(a, b, offsetof(struct bt_rootchain_log, data)) ||
                a->data_len != b->data_len || memcmp(a->data, b->data, a->data_len) ||
                a->block_number != b->block_number || a->log_index != b->log_index ||
                memcmp(a->tx_hash, b->tx_hash, 32) || memcmp(a->block_hash, b->block_hash, 32))
                crc_fail(t, "log %zu differs between one query and 1-block windows", k);
            if (a->block_number != rc[i].rc.block_number || a->log_index != r->log_index ||
                memcmp(a->tx_hash, rc[i].rc.tx_hash, 32))
                crc_fail(t, "log %zu: block %llu index %u, receipt says block %llu index %u", k,
                         (unsigned long long)a->block_number, a->log_index,
                         (unsigned long long)rc[i].rc.block_number, r->log_index);
            if (a->n_topics != 3 || memcmp(a->topics[0], topic_state_synced, 32) ||
                memcmp(a->topics[2] + 12, t->from, 20) || memcmp(a->address, t->contract, 20))
                crc_fail(t, "log %zu: wrong topics or address", k);
            if (a->data_len != 96 || a->data[63] != 7 || memcmp(a->data + 64, "conform", 7))
                crc_fail(t, "log %zu: data does not decode to bytes \"conform\"", k);
            if (k > 0 && a->topics[1][31] != (uint8_t)(big.logs[k - 1].topics[1][31] + 1))
                crc_fail(t, "log %zu: state id not consecutive", k);
        }
out:
    crc_close(t, self);
}

static void check_call(struct crc *t)
{
    void *self = NULL;
    static struct wait w;
    if (crc_open(t, t->c->url, NULL, &self) != BT_OK)
        return;
    uint8_t cd[4];
    put_sel(cd, CONFORM_SEL_COUNTER);
    memset(&w, 0, sizeof(w));
    if (t->vt->call(self, t->contract, cd, 4, 0, on_call, &w) != BT_OK ||
        !crc_pump(t, &w.done, LIMIT_MS) || w.st != BT_OK || w.out_len != 32) {
        crc_fail(t, "counter(): %s, %zu bytes: %s", bts_status_str(w.st), w.out_len,
                 t->vt->error_message(self));
        goto out;
    }
    put_sel(cd, CONFORM_SEL_FAIL);
    memset(&w, 0, sizeof(w));
    if (t->vt->call(self, t->contract, cd, 4, 0, on_call, &w) != BT_OK ||
        !crc_pump(t, &w.done, LIMIT_MS)) {
        crc_fail(t, "fail(): no answer");
        goto out;
    }
    if (w.st == BT_OK || !strstr(t->vt->error_message(self), "revert"))
        crc_fail(t, "fail(): status %s, message \"%s\"; expected a revert", bts_status_str(w.st),
                 t->vt->error_message(self));
    /* Error(string) "conform: fail": selector 08c379a0. */
    if (w.out_len < 4 || w.out[0] != 0x08 || w.out[1] != 0xc3)
        crc_fail(t, "fail(): revert data missing (%zu bytes)", w.out_len);
out:
    crc_close(t, self);
}

static void check_send_reverts(struct crc *t)
{
    void *self = NULL;
    static struct wait w;
    uint8_t cd[4];
    put_sel(cd, CONFORM_SEL_FAIL);
    if (crc_open(t, t->c->url, NULL, &self) != BT_OK)
        return;
    /* With a gas limit the tx is mined and reverts on chain. */
    if (send_wait(t, self, cd, 4, 100000, &w) &&
        (w.st != BT_OK || !w.has_rc || w.rc.tx_status != BT_ROOTCHAIN_TX_REVERTED ||
         !strstr(t->vt->error_message(self), "reverted")))
        crc_fail(t, "fixed-gas revert: %s tx_status %u \"%s\"", bts_status_str(w.st),
                 w.rc.tx_status, t->vt->error_message(self));
    /* Without one, gas estimation sees the revert first: a clear error, nothing sent. */
    if (send_wait(t, self, cd, 4, 0, &w) &&
        (w.st == BT_OK || w.has_rc || !strstr(t->vt->error_message(self), "revert")))
        crc_fail(t, "estimated revert: %s has_receipt %d \"%s\"", bts_status_str(w.st), w.has_rc,
                 t->vt->error_message(self));
    crc_close(t, self);
}

/* A port nobody listens on, and one that accepts connections but never answers. */
static void check_dead_url(struct crc *t)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0), dfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    char dead[64], silent[64];
    if (lfd < 0 || dfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 8) ||
        getsockname(lfd, (struct sockaddr *)&a, &al)) {
        crc_fail(t, "cannot open a loopback socket");
        goto out;
    }
    snprintf(silent, sizeof(silent), "http://127.0.0.1:%u", ntohs(a.sin_port));
    a.sin_port = 0;
    al = sizeof(a);
    if (bind(dfd, (struct sockaddr *)&a, sizeof(a)) || getsockname(dfd, (struct sockaddr *)&a, &al))
        goto out;
    snprintf(dead, sizeof(dead), "http://127.0.0.1:%u", ntohs(a.sin_port)); /* bound, no listen */
    static const char *const quick[] = {"request_timeout", "1s", "retries", "2", NULL};
    const char *urls[2] = {dead, silent};
    for (int i = 0; i < 2; i++) {
        void *self = NULL;
        struct wait w = {0};
        if (crc_open(t, urls[i], quick, &self) != BT_OK)
            goto out;
        uint64_t t0 = crc_real_ms();
        if (t->vt->heights(self, on_heights, &w) != BT_OK || !crc_pump(t, &w.done, 10000))
            crc_fail(t, "%s: no answer within 10 s", urls[i]);
        uint64_t took = crc_real_ms() - t0;
        const char *msg = t->vt->error_message(self);
        if (w.st == BT_OK || !strstr(msg, urls[i]))
            crc_fail(t, "%s: status %s, message \"%s\": expected an error naming the URL", urls[i],
                     bts_status_str(w.st), msg);
        if (took > 2 * 1000 + 1500)
            crc_fail(t, "%s: took %llu ms for 2 attempts of 1 s", urls[i],
                     (unsigned long long)took);
        struct bt_rootchain_status s;
        if (t->vt->status(self, &s) != BT_OK || !s.last_error[0])
            crc_fail(t, "%s: status() shows no last error", urls[i]);
        crc_close(t, self);
    }
out:
    if (lfd >= 0)
        close(lfd);
    if (dfd >= 0)
        close(dfd);
}

static void check_wrong_chain(struct crc *t)
{
    void *self = NULL;
    struct wait w = {0};
    char other[24];
    snprintf(other, sizeof(other), "%llu", (unsigned long long)t->c->chain_id + 1);
    const char *const wrong[] = {"chain_id", other, NULL};
    if (crc_open(t, t->c->url, wrong, &self) != BT_OK)
        return;
    if (t->vt->heights(self, on_heights, &w) != BT_OK || !crc_pump(t, &w.done, LIMIT_MS) ||
        w.st == BT_OK || !strstr(t->vt->error_message(self), "chain id"))
        crc_fail(t, "a node of another chain: status %s \"%s\"", bts_status_str(w.st),
                 t->vt->error_message(self));
    crc_close(t, self);
}

struct block_wait {
    int done;
    bt_status st;
    struct bt_rootchain_block b;
    char hash[67], parent[67];
    uint64_t timestamp;
};

static void on_block(void *arg, bt_status st, const struct bt_rootchain_block *b)
{
    struct block_wait *w = arg;
    w->done = 1, w->st = st;
    if ((st == BT_OK) != (b != NULL))
        w->st = BT_EPROTO; /* caught below as a wrong status */
    else if (b)
        w->b = *b;
}

/* The node's own eth_getBlockByNumber answer, read field by field (not through the adapter's
 * parser). */
static void on_raw_block(void *arg, const struct bts_ethrpc_reply *r)
{
    struct block_wait *w = arg;
    w->done = 1, w->st = r->st;
    const char *h = json_string_value(json_object_get(r->result, "hash"));
    const char *p = json_string_value(json_object_get(r->result, "parentHash"));
    const char *ts = json_string_value(json_object_get(r->result, "timestamp"));
    if (r->st == BT_OK && (!h || !p || !ts || bts_hex_parse_u64(&w->timestamp, ts, strlen(ts))))
        w->st = BT_EPROTO;
    if (w->st == BT_OK) {
        snprintf(w->hash, sizeof(w->hash), "%s", h);
        snprintf(w->parent, sizeof(w->parent), "%s", p);
    }
}

static int same_hash(const uint8_t h[32], const char *hex)
{
    uint8_t v[32];
    return bts_hex_parse_hash(v, hex, strlen(hex)) == BT_OK && memcmp(v, h, 32) == 0;
}

/* get_block(N) equals the node's eth_getBlockByNumber(N) (the span seed, PROTOCOL.md §4.5.2);
 * a block beyond the head is BT_ENOTFOUND. */
static void check_get_block(struct crc *t)
{
    if (!BT_HAS(struct bt_rootchain_vtbl, t->vt, get_block)) {
        printf("conform-rootchain %s: the adapter's table has no get_block (built before the "
               "entry): nothing to check\n",
               t->check);
        return;
    }
    void *self = NULL;
    struct bts_ethrpc *rpc = NULL;
    struct wait hw = {0};
    struct block_wait node = {0}, got = {0}, far = {0};
    if (crc_open(t, t->c->url, NULL, &self) != BT_OK)
        return;
    if (t->vt->heights(self, on_heights, &hw) != BT_OK || !crc_pump(t, &hw.done, LIMIT_MS) ||
        hw.st != BT_OK) {
        crc_fail(t, "heights: %s: %s", bts_status_str(hw.st), t->vt->error_message(self));
        goto out;
    }
    uint64_t n = hw.head > 0 ? hw.head - 1 : 0;
    struct bts_ethrpc_conf rc = {.http = {.urls = &t->c->url, .n_urls = 1}};
    char num[24];
    snprintf(num, sizeof(num), "0x%llx", (unsigned long long)n);
    if (bts_ethrpc_new(&rpc, bts_mockhost_host(t->m), bts_mockhost_ctx(t->m), &rc) != BT_OK ||
        bts_ethrpc_request(rpc, "eth_getBlockByNumber", json_pack("[sb]", num, 0), on_raw_block,
                           &node) != BT_OK ||
        !crc_pump(t, &node.done, LIMIT_MS) || node.st != BT_OK) {
        crc_fail(t, "the node's eth_getBlockByNumber(%s): %s", num, bts_status_str(node.st));
        goto out;
    }
    if (t->vt->get_block(self, n, on_block, &got) != BT_OK || !crc_pump(t, &got.done, LIMIT_MS) ||
        got.st != BT_OK) {
        crc_fail(t, "get_block(%llu): %s: %s", (unsigned long long)n, bts_status_str(got.st),
                 t->vt->error_message(self));
        goto out;
    }
    if (got.b.number != n || !same_hash(got.b.hash, node.hash) ||
        !same_hash(got.b.parent_hash, node.parent) || got.b.timestamp != node.timestamp)
        crc_fail(t,
                 "get_block(%llu): number %llu, hash or parent or timestamp %llu differ from "
                 "the node's (hash %s, timestamp %llu)",
                 (unsigned long long)n, (unsigned long long)got.b.number,
                 (unsigned long long)got.b.timestamp, node.hash,
                 (unsigned long long)node.timestamp);
    uint64_t beyond = hw.head + 1000000;
    if (t->vt->get_block(self, beyond, on_block, &far) != BT_OK ||
        !crc_pump(t, &far.done, LIMIT_MS) || far.st != BT_ENOTFOUND)
        crc_fail(t, "get_block(%llu) beyond the head: %s, expected BT_ENOTFOUND",
                 (unsigned long long)beyond, bts_status_str(far.st));
out:
    bts_ethrpc_free(rpc);
    crc_close(t, self);
}

const struct crc_check crc_checks[] = {
    {"heights", check_heights, 0},     {"send_and_logs", check_send_and_logs, 1},
    {"call", check_call, 1},           {"send_reverts", check_send_reverts, 1},
    {"dead_url", check_dead_url, 0},   {"wrong_chain", check_wrong_chain, 0},
    {"get_block", check_get_block, 0}, {NULL, NULL, 0}};
