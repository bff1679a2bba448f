/* bench_chain: block import through the full pipeline (header verify with seal recovery, sender
 * recovery on the worker pool, EVM execution, roots, one atomic batch per block) on LevelDB.
 *   ETH:    100,000 pre-signed transfers from 1,000 senders (1,000 per block, gas limit 60M)
 *   ERC-20: 50,000 transfers of a minimal hand-assembled token (transfer with a Transfer log)
 * The blocks are produced first by a second chain in memory (not timed), then imported.
 * Prints transactions/s and blocks/s in wall time and in process CPU time (all threads), and
 * peak RSS. --quick: 2,000 + 1,000 transactions from 100 senders (a smoke test: checks that the
 * importing chain ends at the producer's head and state root). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bts/hex.h>
#include <bts/rlp.h>

#include "chain_testlib.h"
#include "genesis_int.h"
#include "log_int.h"
#include "paths_int.h"
#include "stor_node_int.h"

/* The token: calldata [4-byte selector (ignored)][to][amount]; balances in slot = address;
 * reverts when the balance is short; LOG3 Transfer(from, to, amount); returns true. */
static const uint8_t token_code[] = {
    0x60, 0x04, 0x35, 0x60, 0x24, 0x35, 0x33, 0x54, 0x81, 0x81, 0x10, 0x60, 0x4d, 0x57, 0x81, 0x90,
    0x03, 0x33, 0x55, 0x81, 0x54, 0x81, 0x01, 0x82, 0x55, 0x60, 0x00, 0x52, 0x33, 0x7f,
    /* keccak("Transfer(address,address,uint256)") */
    0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0, 0x68, 0xfc, 0x37, 0x8d, 0xaa,
    0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4, 0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef,
    0x60, 0x20, 0x60, 0x00, 0xa3, 0x60, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3, 0x5b,
    0x60, 0x00, 0x80, 0xfd};
static const uint8_t token_addr[20] = {0x70, 0x4e, 0x4e, [19] = 0x20};

struct side {
    char dir[64];
    struct host_rt rt;
    struct config cfg;
    struct plugin_dirs pd;
    struct stor_node sn;
    struct chain *c;
};

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench_chain: %s: %s\n", what, err);
    exit(1);
}

static void side_open(struct side *s, const char *backend, struct genesis *g, struct ctl_engine *e)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "/tmp/bench-chain-XXXXXX");
    if (!mkdtemp(s->dir))
        die("mkdtemp", "failed");
    s->cfg.file = "bench_chain.conf";
    s->cfg.dir = ".";
    s->cfg.storage_backend = (char *)backend;
    char err[1024] = "";
    if (rt_init(&s->rt, 2, s->dir) != BT_OK ||
        paths_plugin_dirs_add(&s->pd, BENCH_PLUGIN_DIR) != BT_OK)
        die("runtime", "init");
    s->rt.phase = RT_PHASE_RUN;
    s->sn.rt = &s->rt;
    s->sn.cfg = &s->cfg;
    s->sn.pd = &s->pd;
    if (stor_node_open(&s->sn, s->dir, 0, err, sizeof(err)) != BT_OK)
        die("storage", err);
    struct chain_opts o;
    ctl_opts(&o, s->sn.s, g, e, &s->rt.workers);
    if (chain_open(&s->c, &o, err, sizeof(err)) != BT_OK)
        die("chain", err);
}

static void side_close(struct side *s)
{
    chain_close(s->c);
    rt_quiesce(&s->rt);
    stor_node_close(&s->sn);
    rt_free(&s->rt);
    paths_plugin_dirs_free(&s->pd);
    stor_remove_tree(s->dir);
}

static int slot_cmp(const void *a, const void *b)
{
    return memcmp(((const struct alloc_slot *)a)->key.bytes,
                  ((const struct alloc_slot *)b)->key.bytes, 32);
}

static int addr_cmp(const void *a, const void *b)
{
    return memcmp(((const struct alloc_account *)a)->addr.bytes,
                  ((const struct alloc_account *)b)->addr.bytes, 20);
}

/* The dev genesis with n senders plus the token holding 10^24 units for each sender. */
static void make_genesis(struct genesis *g, uint32_t n)
{
    char err[256];
    if (genesis_preset(g, "dev", n, err, sizeof(err)) != BT_OK)
        die("genesis", err);
    /* Room for a round of 1,000 transfers under the EIP-1559 target, so the base fee falls
     * during the ETH phase instead of pricing transactions out. */
    g->gas_limit = 60000000;
    struct alloc_account tok;
    memset(&tok, 0, sizeof(tok));
    memcpy(tok.addr.bytes, token_addr, 20);
    tok.code = malloc(sizeof(token_code));
    tok.storage = calloc(n, sizeof(*tok.storage));
    if (!tok.code || !tok.storage)
        die("genesis", "out of memory");
    memcpy(tok.code, token_code, sizeof(token_code));
    tok.code_len = sizeof(token_code);
    for (uint32_t i = 0; i < n; i++) {
        struct bt_address a;
        if (genesis_dev_address(&a, i) != BT_OK)
            die("genesis", "address");
        memcpy(tok.storage[i].key.bytes + 12, a.bytes, 20);
        tok.storage[i].value.bytes[21] = 0xd3; /* 0xd3c21bcecceda1000000 = 10^24 */
        tok.storage[i].value.bytes[22] = 0xc2;
        tok.storage[i].value.bytes[23] = 0x1b;
        tok.storage[i].value.bytes[24] = 0xce;
        tok.storage[i].value.bytes[25] = 0xcc;
        tok.storage[i].value.bytes[26] = 0xed;
        tok.storage[i].value.bytes[27] = 0xa1;
    }
    qsort(tok.storage, n, sizeof(*tok.storage), slot_cmp);
    tok.n_storage = n;
    struct alloc_account *v = realloc(g->alloc.accounts, (g->alloc.n + 1) * sizeof(*v));
    if (!v)
        die("genesis", "out of memory");
    v[g->alloc.n++] = tok;
    g->alloc.accounts = v;
    qsort(v, g->alloc.n, sizeof(*v), addr_cmp);
}

static double now_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct blocks {
    uint8_t **rlp;
    size_t *len;
    size_t n, cap;
    uint64_t txs;
};

/* Produce on `a` until its pool is empty; keep every new block's RLP. */
static void drain(struct side *a, struct blocks *bl)
{
    char err[1024];
    for (;;) {
        size_t p, q;
        txpool_counts(chain_txpool(a->c), &p, &q);
        if (p == 0)
            return;
        if (chain_produce(a->c, 0, NULL, err, sizeof(err)) != BT_OK)
            die("produce", err);
        if (bl->n == bl->cap) {
            bl->cap = bl->cap ? 2 * bl->cap : 64;
            bl->rlp = realloc(bl->rlp, bl->cap * sizeof(*bl->rlp));
            bl->len = realloc(bl->len, bl->cap * sizeof(*bl->len));
            if (!bl->rlp || !bl->len)
                die("blocks", "out of memory");
        }
        uint64_t num = chain_head_header(a->c)->h.number;
        if (chain_block_rlp(a->c, num, &bl->rlp[bl->n], &bl->len[bl->n]) != BT_OK)
            die("block", "rlp");
        struct chain_body body;
        if (chain_body_by_number(a->c, num, &body) != BT_OK)
            die("block", "body");
        bl->txs += body.n_txs;
        chain_body_free(&body);
        bl->n++;
    }
}

/* Rounds of one transaction per sender: ETH transfers (erc20 0) or token transfers. */
static void generate(struct side *a, uint8_t (*keys)[32], uint64_t *nonces, uint32_t n_senders,
                     uint64_t total, int erc20, struct blocks *bl)
{
    struct bts_buf b = BTS_BUF_INIT;
    uint8_t data[68] = {0xa9, 0x05, 0x9c, 0xbb}, to[20] = {0xee};
    uint64_t done = 0;
    while (done < total) {
        for (uint32_t i = 0; i < n_senders && done < total; i++, done++) {
            uint32_t r = (uint32_t)(done % 4096);
            to[18] = (uint8_t)(r >> 8);
            to[19] = (uint8_t)r;
            bt_status rc;
            if (erc20) {
                memset(data + 4, 0, 64);
                memcpy(data + 16, to, 20);
                data[67] = 1;
                rc = ctl_sign_tx(&b, keys[i], nonces[i]++, 100000000000, 60000, token_addr, 0, data,
                                 sizeof(data));
            } else {
                rc = ctl_sign_tx(&b, keys[i], nonces[i]++, 100000000000, 21000, to, 1, NULL, 0);
            }
            if (rc == BT_OK)
                rc = chain_submit_tx(a->c, b.data, b.len, NULL);
            if (rc != BT_OK)
                die("submit", txpool_strerror(rc));
        }
        drain(a, bl);
    }
    bts_buf_free(&b);
}

/* Import the blocks [from, n) into b as `bttcd import` does (a file of concatenated blocks,
 * chain_import_file: senders of the next block recovered while one executes); print figures. */
static void import(struct side *b, const struct blocks *bl, size_t from, const char *what)
{
    char err[1024], path[128];
    snprintf(path, sizeof(path), "%s/blocks.rlp", b->dir);
    FILE *f = fopen(path, "wb");
    for (size_t i = from; f && i < bl->n; i++)
        if (fwrite(bl->rlp[i], 1, bl->len[i], f) != bl->len[i])
            die("file", "write");
    if (!f || fclose(f) != 0)
        die("file", path);
    uint64_t head0 = chain_head_header(b->c)->h.number;
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID),
           l0 = now_s(CLOCK_THREAD_CPUTIME_ID);
    if (chain_import_file(b->c, path, NULL, NULL, err, sizeof(err)) != BT_OK)
        die("import", err);
    double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0,
           loop = now_s(CLOCK_THREAD_CPUTIME_ID) - l0;
    uint64_t txs = 0;
    for (size_t i = from; i < bl->n; i++) {
        struct bts_rlp_item top, it;
        struct bts_rlp_iter iter;
        size_t n = 0;
        if (bts_rlp_decode(&top, bl->rlp[i], bl->len[i]) == BT_OK) {
            bts_rlp_iter_init(&iter, &top);
            if (bts_rlp_iter_next(&iter, &it) == BT_OK && bts_rlp_iter_next(&iter, &it) == BT_OK &&
                bts_rlp_list_count(&it, &n) == BT_OK)
                txs += n;
        }
    }
    size_t nb = bl->n - from;
    if (chain_head_header(b->c)->h.number != head0 + nb)
        die("import", "head did not advance by every block");
    printf("%-7s %6zu blocks %7llu txs | wall %6.2f s: %8.0f tx/s %6.1f blocks/s | cpu %6.2f s: "
           "%8.0f tx/s %6.1f blocks/s\n",
           what, nb, (unsigned long long)txs, wall, (double)txs / wall, (double)nb / wall, cpu,
           (double)txs / cpu, (double)nb / cpu);
    /* On an otherwise idle 2-core machine the import takes at least the loop thread's CPU
     * time (execution, commit) and at least half the process's (recovery spreads over both
     * cores): the larger bound is the 2-core estimate. */
    double bound = loop > cpu / 2 ? loop : cpu / 2;
    printf("%-7s loop thread cpu %6.2f s, other threads %6.2f s | 2-core bound %6.2f s: %8.0f tx/s "
           "%6.1f blocks/s\n",
           what, loop, cpu - loop, bound, (double)txs / bound, (double)nb / bound);
    remove(path);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    uint32_t n_senders = quick ? 100 : 1000;
    uint64_t n_eth = quick ? 2000 : 100000, n_erc = quick ? 1000 : 50000;
    log_set_level(BT_LOG_WARN);
    struct genesis g;
    make_genesis(&g, n_senders);
    struct ctl_engine e;
    ctl_engine_init(&e);
    uint8_t(*keys)[32] = calloc(n_senders, 32);
    uint64_t *nonces = calloc(n_senders, sizeof(*nonces));
    if (!keys || !nonces)
        die("keys", "out of memory");
    for (uint32_t i = 0; i < n_senders; i++)
        if (genesis_dev_key(keys[i], i) != BT_OK)
            die("keys", "derive");

    struct side a, b;
    side_open(&a, "storage-memory", &g, &e);
    struct blocks bl = {0};
    double t0 = now_s(CLOCK_MONOTONIC);
    generate(&a, keys, nonces, n_senders, n_eth, 0, &bl);
    size_t n_eth_blocks = bl.n;
    generate(&a, keys, nonces, n_senders, n_erc, 1, &bl);
    printf("produced %zu blocks (%llu txs) in %.1f s (signing, pool, production: not the "
           "figure)\n",
           bl.n, (unsigned long long)bl.txs, now_s(CLOCK_MONOTONIC) - t0);

    side_open(&b, "storage-leveldb", &g, &e);
    struct blocks eth = bl;
    eth.n = n_eth_blocks;
    import(&b, &eth, 0, "eth");
    import(&b, &bl, n_eth_blocks, "erc20");

    const struct chain_header *ha = chain_head_header(a.c), *hb = chain_head_header(b.c);
    int ok = ha->h.number == hb->h.number && memcmp(ha->hash, hb->hash, 32) == 0 &&
             memcmp(ha->h.state_root.bytes, hb->h.state_root.bytes, 32) == 0;
    /* Every ERC-20 transfer succeeded (status 1) in the last block. */
    struct chain_receipts rs;
    if (chain_receipts_by_number(b.c, hb->h.number, &rs) != BT_OK || rs.n == 0)
        ok = 0;
    for (size_t i = 0; ok && i < rs.n; i++)
        ok = rs.r[i].status == 1 && rs.r[i].n_logs == 1;
    chain_receipts_free(&rs);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("head %llu, roots %s; peak RSS %.0f MiB\n", (unsigned long long)hb->h.number,
           ok ? "match" : "DIFFER", (double)ru.ru_maxrss / 1024.0);
    for (size_t i = 0; i < bl.n; i++)
        free(bl.rlp[i]);
    free(bl.rlp);
    free(bl.len);
    side_close(&a);
    side_close(&b);
    genesis_free(&g);
    free(keys);
    free(nonces);
    return ok ? 0 : 1;
}
