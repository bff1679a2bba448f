/* RLP throughput: encode and decode a block body of legacy-shaped transactions
 * [nonce, gasPrice, gas, to(20), value, data(~100), v, r(32), s(32)], printing MB/s for encoding,
 * full-tree validation, and decoding with typed reads of every field, plus peak RSS.
 *   bench_rlp [--quick] [n_txs]      (default 2000 transactions; --quick: 20, one pass each) */
#include <bts/rlp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct tx {
    uint64_t nonce, gas_price, gas, v;
    uint8_t to[20];
    uint8_t value[32]; /* big-endian u256 */
    uint8_t data[128];
    size_t data_len;
    uint8_t r[32], s[32];
};

/* xorshift64: deterministic filler, so runs are comparable. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
}

static void make_tx(struct tx *t)
{
    memset(t, 0, sizeof(*t));
    t->nonce = rng() % 100000;
    t->gas_price = 1000000000u + rng() % 300000000000u;
    t->gas = 21000 + rng() % 1000000;
    t->v = 199 * 2 + 35 + (rng() & 1); /* EIP-155 with BTTC chain id 199 */
    fill(t->to, 20);
    size_t vl = 1 + rng() % 12; /* up to ~10^28 wei */
    fill(t->value + 32 - vl, vl);
    t->value[32 - vl] |= 1; /* no leading zero: the value has exactly vl bytes */
    t->data_len = 80 + rng() % 41;
    fill(t->data, t->data_len);
    fill(t->r, 32);
    fill(t->s, 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int encode_block(struct bts_buf *b, const struct tx *txs, size_t n)
{
    size_t block, m;
    int ok = bts_rlp_list_begin(b, &block) == BT_OK;
    for (size_t i = 0; ok && i < n; i++) {
        const struct tx *t = &txs[i];
        ok = bts_rlp_list_begin(b, &m) == BT_OK && bts_rlp_encode_u64(b, t->nonce) == BT_OK &&
             bts_rlp_encode_u64(b, t->gas_price) == BT_OK &&
             bts_rlp_encode_u64(b, t->gas) == BT_OK &&
             bts_rlp_encode_bytes(b, t->to, 20) == BT_OK &&
             bts_rlp_encode_u256_be(b, t->value) == BT_OK &&
             bts_rlp_encode_bytes(b, t->data, t->data_len) == BT_OK &&
             bts_rlp_encode_u64(b, t->v) == BT_OK && bts_rlp_encode_bytes(b, t->r, 32) == BT_OK &&
             bts_rlp_encode_bytes(b, t->s, 32) == BT_OK && bts_rlp_list_end(b, m) == BT_OK;
    }
    return ok && bts_rlp_list_end(b, block) == BT_OK;
}

/* Decode one transaction with typed reads; returns 0 on any error. */
static int decode_tx(const struct bts_rlp_item *list, struct tx *t)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item f[9], extra;
    bts_rlp_iter_init(&it, list);
    for (size_t i = 0; i < 9; i++)
        if (bts_rlp_iter_next(&it, &f[i]) != BT_OK)
            return 0;
    const uint8_t *data;
    return bts_rlp_iter_next(&it, &extra) == BT_ENOTFOUND &&
           bts_rlp_item_u64(&f[0], &t->nonce) == BT_OK &&
           bts_rlp_item_u64(&f[1], &t->gas_price) == BT_OK &&
           bts_rlp_item_u64(&f[2], &t->gas) == BT_OK &&
           bts_rlp_item_fixed(&f[3], t->to, 20) == BT_OK &&
           bts_rlp_item_u256_be(&f[4], t->value) == BT_OK &&
           bts_rlp_item_bytes(&f[5], &data, &t->data_len) == BT_OK && t->data_len <= 128 &&
           (memcpy(t->data, data, t->data_len), 1) && bts_rlp_item_u64(&f[6], &t->v) == BT_OK &&
           bts_rlp_item_fixed(&f[7], t->r, 32) == BT_OK &&
           bts_rlp_item_fixed(&f[8], t->s, 32) == BT_OK;
}

static size_t decode_block(const struct bts_buf *b, struct tx *out, size_t cap)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it;
    size_t n = 0;
    if (bts_rlp_decode(&top, b->data, b->len) != BT_OK)
        return 0;
    bts_rlp_iter_init(&it, &top);
    while (n < cap && bts_rlp_iter_next(&it, &item) == BT_OK)
        if (!decode_tx(&item, &out[n++]))
            return 0;
    return n;
}

static int same_tx(const struct tx *a, const struct tx *b)
{
    return a->nonce == b->nonce && a->gas_price == b->gas_price && a->gas == b->gas &&
           a->v == b->v && !memcmp(a->to, b->to, 20) && !memcmp(a->value, b->value, 32) &&
           a->data_len == b->data_len && !memcmp(a->data, b->data, a->data_len) &&
           !memcmp(a->r, b->r, 32) && !memcmp(a->s, b->s, 32);
}

/* What one timed pass works on. */
struct bench {
    const struct tx *txs;
    struct tx *back;
    size_t n_txs;
    struct bts_buf *b;
};

static int pass_encode(struct bench *x)
{
    bts_buf_reset(x->b);
    return encode_block(x->b, x->txs, x->n_txs);
}

static int pass_validate(struct bench *x)
{
    return bts_rlp_validate(x->b->data, x->b->len, BTS_RLP_MAX_DEPTH) == BT_OK;
}

static int pass_decode(struct bench *x)
{
    return decode_block(x->b, x->back, x->n_txs) == x->n_txs;
}

/* Repeat `pass` until at least `min_s` seconds have passed (once when min_s is 0); returns MB/s
 * of `bytes` per pass, or a negative value if a pass failed. */
static double timed(double min_s, size_t bytes, int (*pass)(struct bench *), struct bench *x)
{
    double t0 = now(), t;
    size_t reps = 0;
    int ok = 1;
    do {
        ok &= pass(x);
        reps++;
    } while ((t = now() - t0) < min_s);
    return ok ? (double)bytes * (double)reps / t / 1e6 : -1.0;
}

int main(int argc, char **argv)
{
    size_t n_txs = 2000;
    double min_s = 1.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) {
            n_txs = 20;
            min_s = 0;
        } else {
            n_txs = (size_t)strtoul(argv[i], NULL, 10);
        }
    }
    struct tx *txs = calloc(n_txs ? n_txs : 1, sizeof(*txs));
    struct tx *back = calloc(n_txs ? n_txs : 1, sizeof(*back));
    struct bts_buf b = BTS_BUF_INIT;
    if (!txs || !back)
        return 2;
    for (size_t i = 0; i < n_txs; i++)
        make_tx(&txs[i]);

    /* Correctness first: one encode, one decode, compare every field. */
    if (!encode_block(&b, txs, n_txs) || decode_block(&b, back, n_txs) != n_txs) {
        fprintf(stderr, "bench_rlp: encode/decode failed\n");
        return 1;
    }
    for (size_t i = 0; i < n_txs; i++)
        if (!same_tx(&txs[i], &back[i])) {
            fprintf(stderr, "bench_rlp: tx %zu differs after round trip\n", i);
            return 1;
        }
    size_t block_len = b.len;

    struct bench x = {txs, back, n_txs, &b};
    double enc = timed(min_s, block_len, pass_encode, &x);
    double val = timed(min_s, block_len, pass_validate, &x);
    double dec = timed(min_s, block_len, pass_decode, &x);
    if (enc < 0 || val < 0 || dec < 0) {
        fprintf(stderr, "bench_rlp: a timed pass failed\n");
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("rlp: %zu legacy txs, block %zu bytes (%.1f bytes/tx)\n", n_txs, block_len,
           n_txs ? (double)block_len / (double)n_txs : 0.0);
    printf("rlp encode:            %8.1f MB/s  (%.0f blocks/s)\n", enc, enc * 1e6 / block_len);
    printf("rlp validate:          %8.1f MB/s\n", val);
    printf("rlp decode+typed read: %8.1f MB/s  (%.0f blocks/s)\n", dec, dec * 1e6 / block_len);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    bts_buf_free(&b);
    free(txs);
    free(back);
    return 0;
}
