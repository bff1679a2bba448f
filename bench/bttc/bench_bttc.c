/* bench_bttc: figures for consensus-bttc (issue 12).
 *   1. header verification: a fresh instance verifies a sealed 4-producer chain (sprint 64) in
 *      order with BT_VERIFY_SEAL: signer recovery, snapshot apply, difficulty and timing.
 *   2. bor_getRootHash(0, 32767): cold (headers decoded from the chain service) and warm (leaf
 *      cache filled), checked against a direct computation.
 * CPU time (CLOCK_PROCESS_CPUTIME_ID); peak RSS from getrusage. --quick: tiny sizes, checks only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bts/keccak.h>
#include <bts/merkle.h>
#include <bts/secp.h>

#include "bttc_int.h"

/* --- a minimal host and chain ------------------------------------------------------------------
 */

static uint64_t WALL_MS = 1767225600000ull;

static void h_log(struct bt_host_ctx *h, uint32_t level, const char *msg, const char *fmt, ...)
{
    (void)h;
    (void)level;
    (void)msg;
    (void)fmt;
}
static int h_log_enabled(struct bt_host_ctx *h, uint32_t level)
{
    (void)h;
    (void)level;
    return 0;
}
static char ERR[1024];
static void h_set_error(struct bt_host_ctx *h, const char *fmt, ...)
{
    (void)h;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ERR, sizeof(ERR), fmt, ap);
    va_end(ap);
}
static const char *h_last_error(struct bt_host_ctx *h)
{
    (void)h;
    return ERR;
}
static bt_status h_conf_next(struct bt_host_ctx *h, size_t *it, struct bt_conf_entry *out)
{
    (void)h;
    static const char *const kv[][2] = {{"chain", "devnet"}};
    if (*it >= 1)
        return BT_ENOTFOUND;
    out->key = kv[*it][0];
    out->value = kv[*it][1];
    out->file = "bench";
    out->line = 1;
    (*it)++;
    return BT_OK;
}
static uint64_t h_wall_ms(struct bt_host_ctx *h)
{
    (void)h;
    return WALL_MS;
}

static const struct bt_host HOST = {
    .struct_size = sizeof(struct bt_host),
    .log = h_log,
    .log_enabled = h_log_enabled,
    .set_error = h_set_error,
    .last_error = h_last_error,
    .conf_next = h_conf_next,
    .wall_ms = h_wall_ms,
};

struct chain {
    uint8_t **rlp;
    size_t *len;
    uint8_t (*hash)[32];
    size_t n, cap;
    uint8_t vals[4][20];
};

static void release(struct bt_value *v)
{
    (void)v; /* borrowed from the chain */
}

static bt_status c_head(void *self, uint64_t *n, uint8_t h[32])
{
    struct chain *c = self;
    *n = c->n - 1;
    memcpy(h, c->hash[c->n - 1], 32);
    return BT_OK;
}
static bt_status c_by_number(void *self, uint64_t n, struct bt_value *out)
{
    struct chain *c = self;
    if (n >= c->n)
        return BT_ENOTFOUND;
    out->data = c->rlp[n];
    out->len = c->len[n];
    out->release = release;
    return BT_OK;
}
static bt_status c_by_hash(void *self, const uint8_t h[32], struct bt_value *out)
{
    struct chain *c = self;
    for (size_t i = c->n; i-- > 0;)
        if (memcmp(c->hash[i], h, 32) == 0)
            return c_by_number(self, i, out);
    return BT_ENOTFOUND;
}
static void word(uint8_t *w, uint64_t v)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(v >> (8 * i));
}
static uint8_t CALL_OUT[64 + 2 * 32 * 5];
static bt_status c_call(void *self, const uint8_t bh[32], const uint8_t *from, const uint8_t to[20],
                        const uint8_t *data, size_t len, uint64_t gas, struct bt_value *out,
                        uint32_t *rev)
{
    struct chain *c = self;
    (void)bh;
    (void)from;
    (void)to;
    (void)data;
    (void)len;
    (void)gas;
    *rev = 0;
    word(CALL_OUT, 64);
    word(CALL_OUT + 32, 64 + 32 + 32 * 4);
    word(CALL_OUT + 64, 4);
    for (int i = 0; i < 4; i++) {
        memset(CALL_OUT + 96 + 32 * i, 0, 12);
        memcpy(CALL_OUT + 96 + 32 * i + 12, c->vals[i], 20);
    }
    word(CALL_OUT + 96 + 128, 4);
    for (int i = 0; i < 4; i++)
        word(CALL_OUT + 128 + 128 + 32 * i, 1);
    out->data = CALL_OUT;
    out->len = 128 + 64 * 4;
    out->release = release;
    return BT_OK;
}
static const struct bt_chain_iface CHAIN = {.struct_size = sizeof(struct bt_chain_iface),
                                            .head = c_head,
                                            .header_by_number = c_by_number,
                                            .header_by_hash = c_by_hash,
                                            .call = c_call};

static void push(struct chain *c, uint8_t *rlp, size_t len)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->rlp = realloc(c->rlp, c->cap * sizeof(*c->rlp));
        c->len = realloc(c->len, c->cap * sizeof(*c->len));
        c->hash = realloc(c->hash, c->cap * sizeof(*c->hash));
    }
    c->rlp[c->n] = rlp;
    c->len[c->n] = len;
    bts_keccak256(c->hash[c->n], rlp, len);
    c->n++;
}

static void chain_free(struct chain *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->rlp[i]);
    free(c->rlp);
    free(c->len);
    free(c->hash);
    memset(c, 0, sizeof(*c));
}

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_bttc: %s (%s)\n", what, ERR);
    exit(1);
}

static struct bttc *instance(struct chain *c)
{
    void *self;
    if (bttc_create(&HOST, NULL, &self) != BT_OK)
        die("create");
    struct bttc *b = self;
    b->chain = &CHAIN;
    b->chain_self = c;
    b->p.sprint = 64;
    return b;
}

static const uint8_t EMPTY_UNCLES[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

/* A header after `parent` at `time`; sealed by `key` when non-NULL. */
static uint8_t *make(const uint8_t parent[32], uint64_t number, uint64_t time, uint64_t diff,
                     const uint8_t *vals, size_t k, const uint8_t *key, size_t *out_len)
{
    struct bts_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.parent_hash.bytes, parent, 32);
    memcpy(h.uncle_hash.bytes, EMPTY_UNCLES, 32);
    h.difficulty = bts_u256_from_u64(diff);
    h.number = number;
    h.gas_limit = 20000000;
    h.time = time;
    memset(h.tx_root.bytes, (int)(number & 0xff), 32);
    memset(h.receipt_root.bytes, 0x56, 32);
    size_t elen = 32 + 40 * k + 65;
    uint8_t extra[32 + 40 * 4 + 65];
    memset(extra, 0, sizeof(extra));
    for (size_t i = 0; i < k; i++) {
        memcpy(extra + 32 + 40 * i, vals + 20 * i, 20);
        extra[32 + 40 * i + 39] = 1;
    }
    h.extra = extra;
    h.extra_len = elen;
    if (key) {
        uint8_t d[32];
        if (bts_header_bor_seal_hash(d, &h, 0) != BT_OK ||
            bts_secp_sign(extra + elen - 65, key, d) != BT_OK)
            die("seal");
    }
    struct bts_buf b;
    bts_buf_init(&b);
    if (bts_header_encode(&b, &h) != BT_OK)
        die("encode");
    return bts_buf_detach(&b, out_len);
}

static void abi(struct bt_header *out, const struct chain *c, size_t i)
{
    memset(out, 0, sizeof(*out));
    out->struct_size = sizeof(*out);
    struct bts_header h;
    if (bts_header_decode(&h, c->rlp[i], c->len[i]) != BT_OK)
        die("decode");
    memcpy(out->hash, c->hash[i], 32);
    out->number = h.number;
    out->time = h.time;
    out->rlp = c->rlp[i];
    out->rlp_len = c->len[i];
}

static int cmp20(const void *a, const void *b)
{
    return memcmp(a, b, 20);
}

static void bench_verify(size_t n_blocks)
{
    uint8_t keys[4][32];
    struct chain c = {0};
    for (int i = 0; i < 4; i++) {
        memset(keys[i], 0, 32);
        keys[i][0] = 0x22;
        keys[i][31] = (uint8_t)(i + 1);
        if (bts_secp_seckey_to_address(c.vals[i], keys[i]) != BT_OK)
            die("key");
    }
    qsort(c.vals, 4, 20, cmp20);
    uint8_t zero[32] = {0};
    size_t len;
    uint64_t t = WALL_MS / 1000 - 10 * n_blocks - 100;
    uint8_t *g = make(zero, 0, t, 1, NULL, 0, NULL, &len);
    push(&c, g, len);
    /* build the chain, sealing each block by its in-turn producer */
    struct bttc *maker = instance(&c);
    for (size_t n = 1; n <= n_blocks; n++) {
        struct bttc_snap *s;
        if (bttc_snapshot(maker, n - 1, c.hash[n - 1], &s) != BT_OK)
            die("snapshot while building");
        const uint8_t *who = s->vs.v[bts_valset_proposer(&s->vs)].address;
        int key = 0;
        for (int i = 0; i < 4; i++) {
            uint8_t a[20];
            if (bts_secp_seckey_to_address(a, keys[i]) == BT_OK && memcmp(a, who, 20) == 0)
                key = i;
        }
        size_t k = (n + 1) % 64 == 0 ? 4 : 0;
        t += n % 64 == 0 ? 6 : 2;
        uint8_t *r = make(c.hash[n - 1], n, t, 4, (const uint8_t *)c.vals, k, keys[key], &len);
        push(&c, r, len);
    }
    bttc_destroy(maker);
    struct bttc *b = instance(&c);
    double t0 = cpu_s();
    for (size_t n = 1; n <= n_blocks; n++) {
        struct bt_header h, p;
        abi(&h, &c, n);
        abi(&p, &c, n - 1);
        if (bttc_verify_header(b, &h, &p, BT_VERIFY_SEAL) != BT_OK)
            die("verify");
    }
    double dt = cpu_s() - t0;
    printf("verify_header (seal + snapshot, 4 producers, sprint 64): %zu headers in %.3f s CPU: "
           "%.0f headers/s\n",
           n_blocks, dt, (double)n_blocks / dt);
    bttc_destroy(b);
    chain_free(&c);
}

static void bench_root(size_t n_blocks, int quick)
{
    struct chain c = {0};
    uint8_t parent[32] = {0};
    for (size_t n = 0; n < n_blocks; n++) {
        size_t len;
        uint8_t *r = make(parent, n, 1638950000 + 2 * n, 1, NULL, 0, NULL, &len);
        push(&c, r, len);
        memcpy(parent, c.hash[n], 32);
    }
    struct bttc *b = instance(&c);
    char root[65], root2[65];
    double t0 = cpu_s();
    if (bttc_root_hash(b, 0, n_blocks - 1, root) != BT_OK)
        die("root cold");
    double cold = cpu_s() - t0;
    int reps = quick ? 1 : 20;
    t0 = cpu_s();
    for (int i = 0; i < reps; i++)
        if (bttc_root_hash(b, 0, n_blocks - 1, root2) != BT_OK)
            die("root warm");
    double warm = (cpu_s() - t0) / reps;
    /* check against a direct computation */
    uint8_t *leaves = malloc(32 * n_blocks), r[32];
    for (size_t n = 0; n < n_blocks; n++) {
        struct bts_header h;
        if (bts_header_decode(&h, c.rlp[n], c.len[n]) != BT_OK)
            die("decode");
        bts_merkle_leaf(leaves + 32 * n, n, h.time, h.tx_root.bytes, h.receipt_root.bytes);
    }
    if (bts_merkle_root(r, leaves, n_blocks) != BT_OK)
        die("merkle");
    char want[65];
    for (int i = 0; i < 32; i++)
        snprintf(want + 2 * i, 3, "%02x", r[i]);
    if (strcmp(root, want) || strcmp(root2, want))
        die("root mismatch");
    free(leaves);
    printf("bor_getRootHash(0, %zu): cold %.2f ms, warm (leaf cache) %.2f ms CPU (target <= 25 "
           "ms)\n",
           n_blocks - 1, cold * 1e3, warm * 1e3);
    bttc_destroy(b);
    chain_free(&c);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    bench_verify(quick ? 130 : 8192);
    bench_root(quick ? 1024 : 32768, quick);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
