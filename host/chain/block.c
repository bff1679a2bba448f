/* The block processor: transactions through the EVM, receipts, roots (block_int.h).
 * Sources: Yellow Paper §4.3 (block validity), §4.3.1 (receipts); go-ethereum
 * core/state_processor.go (Process, ApplyTransaction) and core/block_validator.go
 * (ValidateState messages). */
#include "block_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bts/hex.h>
#include <bts/receipt.h>
#include <bts/trie.h>
#include <bts/u256.h>

static void msg(char *err, size_t err_cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void msg(char *err, size_t err_cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && err_cap)
        vsnprintf(err, err_cap, fmt, ap);
    va_end(ap);
}

void block_receipts_free(struct block_receipts *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->r[i].rlp);
    free(rs->r);
    rs->r = NULL;
    rs->n = 0;
}

bt_status block_derive_root(size_t n, bt_status (*item)(void *arg, size_t i, struct bts_buf *buf),
                            void *arg, uint8_t out_root[32])
{
    struct bts_trie *t = NULL;
    struct bts_buf v = BTS_BUF_INIT;
    bt_status rc = bts_trie_new(&t, NULL, NULL, 0);
    for (size_t i = 0; rc == BT_OK && i < n; i++) {
        uint8_t key[BTS_INDEX_KEY_MAX];
        size_t klen = bts_receipt_index_key(key, i);
        bts_buf_reset(&v);
        if ((rc = item(arg, i, &v)) == BT_OK)
            rc = bts_trie_put(t, key, klen, v.data, v.len);
    }
    if (rc == BT_OK)
        rc = bts_trie_root(t, out_root);
    bts_buf_free(&v);
    bts_trie_free(t);
    return rc;
}

static bt_status tx_item(void *arg, size_t i, struct bts_buf *buf)
{
    const struct bts_tx *txs = arg;
    return bts_tx_encode(buf, &txs[i]);
}

bt_status block_tx_root(const struct bts_tx *txs, size_t n_txs, uint8_t out_root[32])
{
    return block_derive_root(n_txs, tx_item, (void *)txs, out_root);
}

static bt_status receipt_item(void *arg, size_t i, struct bts_buf *buf)
{
    const struct block_receipts *rs = arg;
    return bts_buf_append(buf, rs->r[i].rlp, rs->r[i].rlp_len);
}

/* EIP-4844 fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS = 1, excess, 3338477). */
static void blob_base_fee(uint8_t out[32], uint64_t excess)
{
    struct bts_u256 den = bts_u256_from_u64(3338477), num = bts_u256_from_u64(excess);
    struct bts_u256 acc = den, sum = bts_u256_from_u64(0), t;
    for (uint64_t i = 1; !bts_u256_is_zero(&acc) && i < 1000; i++) {
        bts_u256_add(&sum, &sum, &acc);
        bts_u256_mul(&t, &acc, &num);
        struct bts_u256 d = bts_u256_from_u64(3338477 * i);
        bts_u256_div(&acc, &t, &d);
    }
    bts_u256_div(&t, &sum, &den);
    bts_u256_store_be(out, &t);
}

/* The EVM's view of one transaction. Access-list keys and blob hashes are copied into
 * contiguous arrays (the wire form interleaves RLP headers). */
struct etx {
    struct bt_evm_tx t;
    struct bt_evm_access *acc;
    uint8_t (*keys)[32];
    uint8_t (*blobs)[32];
};

static void etx_free(struct etx *e)
{
    free(e->acc);
    free(e->keys);
    free(e->blobs);
}

static bt_status etx_fill(struct etx *e, const struct bts_tx *tx, const uint8_t from[20],
                          const struct bts_u256 *base_fee)
{
    memset(e, 0, sizeof(*e));
    struct bt_evm_tx *t = &e->t;
    t->struct_size = sizeof(*t);
    t->type = tx->type;
    t->has_to = (uint32_t)tx->has_to;
    memcpy(t->from, from, 20);
    memcpy(t->to, tx->to.bytes, 20);
    t->nonce = tx->nonce;
    t->gas_limit = tx->gas;
    struct bts_u256 price = tx->gas_price;
    if (tx->type >= BTS_TX_DYNAMIC_FEE) {
        /* Effective price: min(feeCap, baseFee + tip) (EIP-1559); the EVM checks the cap. */
        struct bts_u256 eff;
        bts_u256_add(&eff, base_fee, &tx->gas_tip_cap);
        if (bts_u256_lt(&eff, &tx->gas_price))
            price = eff;
        bts_u256_store_be(t->max_fee, &tx->gas_price);
        bts_u256_store_be(t->max_priority_fee, &tx->gas_tip_cap);
    }
    bts_u256_store_be(t->gas_price, &price);
    bts_u256_store_be(t->max_blob_fee, &tx->blob_fee_cap);
    bts_u256_store_be(t->value, &tx->value);
    t->data = tx->data;
    t->data_len = tx->data_len;
    if (tx->n_access_addresses) {
        e->acc = calloc(tx->n_access_addresses, sizeof(*e->acc));
        e->keys = calloc(tx->n_access_keys ? tx->n_access_keys : 1, 32);
        if (!e->acc || !e->keys)
            return BT_ENOMEM;
        size_t pos = 0, n = 0, k = 0;
        struct bt_address a;
        const uint8_t *keys;
        size_t n_keys;
        while (n < tx->n_access_addresses &&
               bts_tx_access_next(tx, &pos, &a, &keys, &n_keys) == BT_OK) {
            memcpy(e->acc[n].address, a.bytes, 20);
            e->acc[n].keys = (const uint8_t(*)[32])e->keys[k];
            e->acc[n].n_keys = n_keys;
            for (size_t j = 0; j < n_keys && k < tx->n_access_keys; j++)
                memcpy(e->keys[k++], keys + 33 * j + 1, 32);
            n++;
        }
        t->access_list = e->acc;
        t->n_access = n;
    }
    if (tx->n_blob_hashes) {
        if (!(e->blobs = calloc(tx->n_blob_hashes, 32)))
            return BT_ENOMEM;
        for (size_t i = 0; i < tx->n_blob_hashes; i++) {
            if (bts_tx_blob_hash(tx, i, e->blobs[i]) != BT_OK)
                return BT_EINVAL;
        }
        t->blob_hashes = (const uint8_t(*)[32])e->blobs;
        t->n_blob_hashes = tx->n_blob_hashes;
    }
    return BT_OK;
}

/* Receipt of an executed transaction: status, cumulative gas, logs and their bloom. */
static bt_status make_receipt(const struct bts_tx *tx, const struct bt_evm_result *r,
                              uint64_t cumulative, struct block_receipt *out,
                              uint8_t block_bloom[BTS_BLOOM_LEN])
{
    struct bts_log *logs = r->n_logs ? calloc(r->n_logs, sizeof(*logs)) : NULL;
    struct bt_hash *topics = r->n_logs ? calloc(r->n_logs * 4, sizeof(*topics)) : NULL;
    struct bts_buf b = BTS_BUF_INIT;
    bt_status rc = BT_ENOMEM;
    if (r->n_logs && (!logs || !topics))
        goto out;
    for (size_t i = 0; i < r->n_logs; i++) {
        const struct bt_evm_log *l = &r->logs[i];
        memcpy(logs[i].address.bytes, l->address, 20);
        for (uint32_t k = 0; k < l->n_topics && k < 4; k++)
            memcpy(topics[4 * i + k].bytes, l->topics[k], 32);
        logs[i].topics = &topics[4 * i];
        logs[i].n_topics = l->n_topics < 4 ? l->n_topics : 4;
        logs[i].data = l->data;
        logs[i].data_len = l->data_len;
    }
    struct bts_receipt rc_ = {.type = tx->type,
                              .status = r->outcome == BT_EVM_SUCCESS,
                              .cumulative_gas = cumulative,
                              .logs = logs,
                              .n_logs = r->n_logs};
    bts_receipt_bloom(rc_.bloom, logs, r->n_logs);
    bts_bloom_or(block_bloom, rc_.bloom);
    if ((rc = bts_receipt_encode(&b, &rc_)) != BT_OK)
        goto out;
    out->gas_used = r->gas_used;
    out->has_created = r->has_created;
    memcpy(out->created, r->created, 20);
    out->rlp = bts_buf_detach(&b, &out->rlp_len);
    rc = out->rlp ? BT_OK : BT_ENOMEM;
out:
    bts_buf_free(&b);
    free(logs);
    free(topics);
    return rc;
}

static bt_status run_tx(const struct block_exec *bx, struct state *st,
                        const struct bt_evm_block *blk, const struct bt_evm_config *cfg,
                        const struct bts_tx *tx, const struct bt_address *from, size_t idx,
                        uint64_t *cumulative, struct block_receipt *out, uint8_t bloom[256],
                        char *err, size_t err_cap)
{
    struct bts_tx_rules rules = {.fork = cfg->fork, .chain_id = blk->chain_id};
    uint64_t intrinsic;
    bt_status rc = bts_tx_check(tx, &rules, &intrinsic);
    if (rc != BT_OK) {
        msg(err, err_cap, "tx %zu: %s", idx, bts_tx_strerror(rc));
        return BT_EINVAL;
    }
    /* The block's gas pool (go-ethereum core/gaspool.go: ErrGasLimitReached). */
    if (tx->gas > blk->gas_limit - *cumulative) {
        msg(err, err_cap, "tx %zu: gas limit reached", idx);
        return BT_EINVAL;
    }
    struct etx e;
    struct bts_u256 base_fee;
    bts_u256_load_be(&base_fee, blk->base_fee);
    if ((rc = etx_fill(&e, tx, from->bytes, &base_fee)) != BT_OK) {
        etx_free(&e);
        return rc;
    }
    struct bt_evm_result r;
    memset(&r, 0, sizeof(r));
    rc = bx->evm->execute(bx->evm_self, &state_evm_iface, st, blk, &e.t, cfg, &r);
    etx_free(&e);
    if (rc != BT_OK) {
        const char *why = bx->evm_error ? bx->evm_error(bx->evm_error_arg) : NULL;
        msg(err, err_cap, "tx %zu: %s", idx, why && *why ? why : bts_status_str(rc));
        return rc;
    }
    *cumulative += r.gas_used;
    rc = state_apply(st, &r);
    if (rc == BT_OK)
        rc = make_receipt(tx, &r, *cumulative, out, bloom);
    if (r.release)
        r.release(&r);
    if (rc != BT_OK)
        msg(err, err_cap, "tx %zu: %s", idx, bts_status_str(rc));
    return rc;
}

/* The EVM's block context and configuration of block `h` with fees to `fee_to`. */
static void fill_block(const struct block_exec *bx, const struct bts_header *h,
                       const uint8_t fee_to[20], struct bt_evm_block *out_blk,
                       struct bt_evm_config *out_cfg)
{
    struct bt_evm_block blk = {.struct_size = sizeof(blk),
                               .number = h->number,
                               .timestamp = h->time,
                               .gas_limit = h->gas_limit,
                               .chain_id = bx->cfg->chain_id};
    memcpy(blk.coinbase, fee_to, 20);
    bts_u256_store_be(blk.difficulty, &h->difficulty);
    memcpy(blk.prev_randao, h->mix_hash.bytes, 32);
    if (h->n_optional >= BTS_HEADER_OPT_BASE_FEE)
        bts_u256_store_be(blk.base_fee, &h->base_fee);
    struct bt_evm_config cfg = {.struct_size = sizeof(cfg),
                                .fork = chaincfg_fork_at(bx->cfg, h->number, h->time),
                                .flags = chaincfg_bttc_logs(bx->cfg) ? BT_EVM_F_BTTC_LOGS : 0};
    if (cfg.fork >= BT_EVM_CANCUN)
        blob_base_fee(blk.blob_base_fee, h->excess_blob_gas);
    *out_blk = blk;
    *out_cfg = cfg;
}

bt_status block_exec_tx(const struct block_exec *bx, struct state *st, const struct bts_header *h,
                        const uint8_t fee_to[20], const struct bts_tx *tx,
                        const struct bt_address *from, uint32_t flags, struct bt_evm_result *out,
                        char *err, size_t err_cap)
{
    struct bt_evm_block blk;
    struct bt_evm_config cfg;
    fill_block(bx, h, fee_to, &blk, &cfg);
    cfg.flags |= flags;
    struct etx e;
    struct bts_u256 base_fee;
    bts_u256_load_be(&base_fee, blk.base_fee);
    memset(out, 0, sizeof(*out));
    bt_status rc = etx_fill(&e, tx, from->bytes, &base_fee);
    if (rc == BT_OK) {
        rc = bx->evm->execute(bx->evm_self, &state_evm_iface, st, &blk, &e.t, &cfg, out);
        if (rc != BT_OK) {
            const char *why = bx->evm_error ? bx->evm_error(bx->evm_error_arg) : NULL;
            msg(err, err_cap, "%s", why && *why ? why : bts_status_str(rc));
        }
    }
    etx_free(&e);
    return rc;
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

bt_status block_process(const struct block_exec *bx, struct state *st, struct bts_header *h,
                        const uint8_t fee_to[20], const struct bts_tx *txs,
                        const struct bt_address *senders, size_t n_txs, struct block_receipts *out,
                        char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    struct bt_evm_block blk;
    struct bt_evm_config cfg;
    fill_block(bx, h, fee_to, &blk, &cfg);

    uint64_t cumulative = 0;
    uint8_t bloom[BTS_BLOOM_LEN] = {0};
    bt_status rc = BT_OK;
    if (n_txs && !(out->r = calloc(n_txs, sizeof(*out->r))))
        return BT_ENOMEM;
    for (size_t i = 0; rc == BT_OK && i < n_txs; i++) {
        if (bx->stop_at_ms > 0 && i > 0 && i % 16 == 0 && mono_ms() >= bx->stop_at_ms)
            break; /* production's time is up: the block holds the first i */
        rc = run_tx(bx, st, &blk, &cfg, &txs[i], &senders[i], i, &cumulative, &out->r[i], bloom,
                    err, err_cap);
        if (rc == BT_OK)
            out->n = i + 1;
    }
    if (rc == BT_OK)
        n_txs = out->n;
    if (rc == BT_OK && bx->finalize)
        rc = bx->finalize(bx->finalize_arg, st, h, err, err_cap);
    uint8_t tx_root[32], receipt_root[32], state_root_[32];
    if (rc == BT_OK)
        rc = block_tx_root(txs, n_txs, tx_root);
    if (rc == BT_OK)
        rc = block_derive_root(out->n, receipt_item, out, receipt_root);
    if (rc == BT_OK && (rc = state_root(st, state_root_)) != BT_OK)
        msg(err, err_cap, "state root: %s", bts_status_str(rc));
    if (rc != BT_OK) {
        block_receipts_free(out);
        return rc;
    }
    h->gas_used = cumulative;
    memcpy(h->bloom, bloom, sizeof(bloom));
    memcpy(h->tx_root.bytes, tx_root, 32);
    memcpy(h->receipt_root.bytes, receipt_root, 32);
    memcpy(h->state_root.bytes, state_root_, 32);
    return BT_OK;
}

static int hash_mismatch(const struct bt_hash *remote, const struct bt_hash *local,
                         const char *what, char *err, size_t err_cap)
{
    if (memcmp(remote->bytes, local->bytes, 32) == 0)
        return 0;
    char r[67], l[67];
    size_t n;
    if (bts_hex_encode(r, sizeof(r), &n, remote->bytes, 32, BTS_HEX_0X) != BT_OK ||
        bts_hex_encode(l, sizeof(l), &n, local->bytes, 32, BTS_HEX_0X) != BT_OK)
        r[0] = l[0] = '\0';
    msg(err, err_cap, "%s (remote: %s local: %s)", what, r, l);
    return 1;
}

bt_status block_import_check(const struct block_exec *bx, struct state *st,
                             const struct bts_header *h, const uint8_t fee_to[20],
                             const struct bts_tx *txs, const struct bt_address *senders,
                             size_t n_txs, struct block_receipts *out, char *err, size_t err_cap)
{
    struct bts_header mine = *h;
    struct block_exec whole = *bx; /* an import runs every transaction, whatever the clock */
    whole.stop_at_ms = 0;
    bt_status rc = block_process(&whole, st, &mine, fee_to, txs, senders, n_txs, out, err, err_cap);
    if (rc != BT_OK)
        return rc;
    /* The order of go-ethereum's ValidateBody (tx root) then ValidateState. */
    int bad =
        hash_mismatch(&h->tx_root, &mine.tx_root, "transaction root hash mismatch", err, err_cap);
    if (!bad && h->gas_used != mine.gas_used) {
        msg(err, err_cap, "invalid gas used (remote: %llu local: %llu)",
            (unsigned long long)h->gas_used, (unsigned long long)mine.gas_used);
        bad = 1;
    }
    if (!bad && memcmp(h->bloom, mine.bloom, sizeof(h->bloom)) != 0) {
        msg(err, err_cap, "invalid bloom");
        bad = 1;
    }
    bad = bad || hash_mismatch(&h->receipt_root, &mine.receipt_root, "invalid receipt root hash",
                               err, err_cap);
    bad =
        bad || hash_mismatch(&h->state_root, &mine.state_root, "invalid merkle root", err, err_cap);
    if (bad) {
        block_receipts_free(out);
        return BT_EINVAL;
    }
    return BT_OK;
}
