/* The chain's records in stor_ns_chain (chaindb_int.h): keys, the per-block batch, and the
 * decoders of stored bodies and receipt records. Sources: go-ethereum core/rawdb (what is kept
 * per block), internal/ethapi (the derived receipt fields). */
#include "chaindb_int.h"

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

const uint8_t chaindb_key_head[1] = {'H'};

size_t chaindb_key_hash(uint8_t out[CHAINDB_KEY_MAX], enum chaindb_kind kind,
                        const uint8_t hash[32])
{
    out[0] = (uint8_t)kind;
    memcpy(out + 1, hash, 32);
    return 33;
}

static void be64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

static uint64_t rd64(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | in[i];
    return v;
}

size_t chaindb_key_number(uint8_t out[CHAINDB_KEY_MAX], uint64_t number)
{
    out[0] = 'n';
    be64(out + 1, number);
    return 9;
}

/* --- batch ----------------------------------------------------------------------------------- */

bt_status chaindb_put(struct chaindb_batch *b, const uint8_t *key, size_t key_len,
                      const uint8_t *val, size_t val_len)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        struct chaindb_op *ops = realloc(b->ops, cap * sizeof(*ops));
        if (!ops)
            return BT_ENOMEM;
        b->ops = ops;
        b->cap = cap;
    }
    struct chaindb_op *op = &b->ops[b->n];
    op->koff = b->mem.len;
    op->klen = key_len;
    if (bts_buf_append(&b->mem, key, key_len) != BT_OK)
        return BT_ENOMEM;
    op->voff = b->mem.len;
    op->vlen = val_len;
    if (val_len && bts_buf_append(&b->mem, val, val_len) != BT_OK)
        return BT_ENOMEM;
    op->is_delete = 0;
    b->n++;
    return BT_OK;
}

bt_status chaindb_del(struct chaindb_batch *b, const uint8_t *key, size_t key_len)
{
    bt_status rc = chaindb_put(b, key, key_len, NULL, 0);
    if (rc == BT_OK)
        b->ops[b->n - 1].is_delete = 1;
    return rc;
}

bt_status chaindb_batch_ops(struct chaindb_batch *b, const struct stor_op **out, size_t *out_n)
{
    free(b->out);
    b->out = calloc(b->n ? b->n : 1, sizeof(*b->out));
    if (!b->out)
        return BT_ENOMEM;
    for (size_t i = 0; i < b->n; i++) {
        const struct chaindb_op *op = &b->ops[i];
        b->out[i] = (struct stor_op){op->is_delete ? BT_STORAGE_DELETE : BT_STORAGE_PUT,
                                     &stor_ns_chain,
                                     b->mem.data + op->koff,
                                     op->klen,
                                     op->is_delete ? NULL : b->mem.data + op->voff,
                                     op->is_delete ? 0 : op->vlen};
    }
    *out = b->out;
    *out_n = b->n;
    return BT_OK;
}

void chaindb_batch_free(struct chaindb_batch *b)
{
    bts_buf_free(&b->mem);
    free(b->ops);
    free(b->out);
    memset(b, 0, sizeof(*b));
}

bt_status chaindb_add_records(struct chaindb_batch *b, const struct chaindb_block *blk)
{
    uint8_t k[CHAINDB_KEY_MAX], td[32];
    bts_u256_store_be(td, blk->td);
    bt_status rc = BT_OK;
    if ((rc = chaindb_put(b, k, chaindb_key_hash(k, CHAINDB_HEADER, blk->hash), blk->header_rlp,
                          blk->header_rlp_len)) != BT_OK ||
        (rc = chaindb_put(b, k, chaindb_key_hash(k, CHAINDB_BODY, blk->hash), blk->body_rlp,
                          blk->body_rlp_len)) != BT_OK ||
        (rc = chaindb_put(b, k, chaindb_key_hash(k, CHAINDB_RECEIPTS, blk->hash), blk->receipts_rlp,
                          blk->receipts_rlp_len)) != BT_OK)
        return rc;
    return chaindb_put(b, k, chaindb_key_hash(k, CHAINDB_TD, blk->hash), td, 32);
}

bt_status chaindb_add_canonical(struct chaindb_batch *b, uint64_t number, const uint8_t hash[32],
                                const struct bts_tx *txs, size_t n_txs)
{
    uint8_t k[CHAINDB_KEY_MAX], loc[44];
    bt_status rc = chaindb_put(b, k, chaindb_key_number(k, number), hash, 32);
    be64(loc, number);
    memcpy(loc + 8, hash, 32);
    for (size_t i = 0; rc == BT_OK && i < n_txs; i++) {
        loc[40] = (uint8_t)(i >> 24);
        loc[41] = (uint8_t)(i >> 16);
        loc[42] = (uint8_t)(i >> 8);
        loc[43] = (uint8_t)i;
        rc = chaindb_put(b, k, chaindb_key_hash(k, CHAINDB_LOOKUP, txs[i].hash.bytes), loc,
                         sizeof(loc));
    }
    return rc;
}

bt_status chaindb_add_block(struct chaindb_batch *b, const struct chaindb_block *blk)
{
    bt_status rc = chaindb_add_records(b, blk);
    if (rc == BT_OK)
        rc = chaindb_add_canonical(b, blk->number, blk->hash, blk->txs, blk->n_txs);
    /* The head last: readers of a batch never see it before the records it names. */
    return rc == BT_OK ? chaindb_put(b, chaindb_key_head, 1, blk->hash, 32) : rc;
}

/* --- encoders -------------------------------------------------------------------------------- */

bt_status chaindb_receipts_record(struct bts_buf *out, const struct block_receipts *rs,
                                  const struct bt_address *senders)
{
    size_t outer, inner;
    bt_status rc = bts_rlp_list_begin(out, &outer);
    for (size_t i = 0; rc == BT_OK && i < rs->n; i++) {
        const struct block_receipt *r = &rs->r[i];
        if ((rc = bts_rlp_list_begin(out, &inner)) != BT_OK ||
            (rc = bts_rlp_encode_bytes(out, r->rlp, r->rlp_len)) != BT_OK ||
            (rc = bts_rlp_encode_u64(out, r->gas_used)) != BT_OK ||
            (rc = bts_rlp_encode_bytes(out, r->created, r->has_created ? 20 : 0)) != BT_OK ||
            (rc = bts_rlp_encode_bytes(out, senders[i].bytes, 20)) != BT_OK)
            break;
        rc = bts_rlp_list_end(out, inner);
    }
    if (rc == BT_OK)
        rc = bts_rlp_list_end(out, outer);
    return rc;
}

bt_status chaindb_body_encode(struct bts_buf *out, const uint8_t *txs_raw, size_t txs_raw_len,
                              const uint8_t *uncles_raw, size_t uncles_raw_len)
{
    static const uint8_t empty[1] = {0xc0};
    if (!txs_raw)
        txs_raw = empty, txs_raw_len = 1;
    if (!uncles_raw)
        uncles_raw = empty, uncles_raw_len = 1;
    bt_status rc = bts_rlp_encode_list_header(out, txs_raw_len + uncles_raw_len);
    if (rc == BT_OK)
        rc = bts_rlp_encode_raw(out, txs_raw, txs_raw_len);
    if (rc == BT_OK)
        rc = bts_rlp_encode_raw(out, uncles_raw, uncles_raw_len);
    return rc;
}

/* --- readers --------------------------------------------------------------------------------- */

bt_status chaindb_get(struct stor *s, const uint8_t *key, size_t key_len, uint8_t **out,
                      size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    struct bt_value v;
    bt_status rc = stor_get(s, &stor_ns_chain, NULL, key, key_len, &v);
    if (rc != BT_OK)
        return rc;
    uint8_t *p = malloc(v.len ? v.len : 1);
    if (p)
        memcpy(p, v.data, v.len);
    size_t n = v.len;
    if (v.release)
        v.release(&v);
    if (!p)
        return BT_ENOMEM;
    *out = p;
    *out_len = n;
    return BT_OK;
}

bt_status chaindb_header_decode(struct chain_header *out, uint8_t *rlp, size_t rlp_len)
{
    memset(out, 0, sizeof(*out));
    if (bts_header_decode(&out->h, rlp, rlp_len) != BT_OK) {
        free(rlp);
        return BT_EIO;
    }
    out->rlp = rlp;
    out->rlp_len = rlp_len;
    bts_keccak256(out->hash, rlp, rlp_len);
    return BT_OK;
}

bt_status chaindb_body_decode(struct chain_body *out, uint8_t *rlp, size_t rlp_len)
{
    memset(out, 0, sizeof(*out));
    out->rlp = rlp;
    out->rlp_len = rlp_len;
    struct bts_rlp_item top, txs, it;
    struct bts_rlp_iter i;
    size_t n = 0;
    if (bts_rlp_decode(&top, rlp, rlp_len) != BT_OK || !top.is_list)
        goto bad;
    bts_rlp_iter_init(&i, &top);
    if (bts_rlp_iter_next(&i, &txs) != BT_OK || bts_rlp_list_count(&txs, &n) != BT_OK)
        goto bad;
    if (n) {
        out->txs = calloc(n, sizeof(*out->txs));
        out->senders = calloc(n, sizeof(*out->senders));
        if (!out->txs || !out->senders) {
            chain_body_free(out);
            return BT_ENOMEM;
        }
    }
    bts_rlp_iter_init(&i, &txs);
    for (size_t k = 0; k < n; k++) {
        if (bts_rlp_iter_next(&i, &it) != BT_OK ||
            bts_tx_decode_block_item(&out->txs[k], it.raw, it.raw_len) != BT_OK)
            goto bad;
    }
    out->n_txs = n;
    return BT_OK;
bad:
    chain_body_free(out);
    return BT_EIO;
}

void chaindb_effective_price(struct bts_u256 *out, const struct bts_tx *tx,
                             const struct bts_header *h)
{
    *out = tx->gas_price;
    if (tx->type >= BTS_TX_DYNAMIC_FEE && h->n_optional >= BTS_HEADER_OPT_BASE_FEE) {
        struct bts_u256 eff;
        bts_u256_add(&eff, &h->base_fee, &tx->gas_tip_cap);
        if (bts_u256_lt(&eff, out))
            *out = eff;
    }
}

/* Count the logs of a consensus receipt: [status, cumulative, bloom, logs]. */
static bt_status receipt_fields(const uint8_t *p, size_t n, uint8_t *out_type,
                                struct bts_rlp_item *out_list)
{
    *out_type = 0;
    if (n && p[0] < 0x7f) {
        *out_type = p[0];
        p++, n--;
    }
    if (bts_rlp_decode(out_list, p, n) != BT_OK || !out_list->is_list)
        return BT_EIO;
    return BT_OK;
}

/* One receipt's decoded record fields. */
struct rec {
    const uint8_t *cons;
    size_t cons_len;
    uint64_t gas_used;
    const uint8_t *created;
    size_t created_len;
    const uint8_t *sender;
    size_t sender_len;
};

static bt_status rec_read(const struct bts_rlp_item *item, struct rec *r)
{
    struct bts_rlp_iter i;
    struct bts_rlp_item f[4];
    bts_rlp_iter_init(&i, item);
    for (int k = 0; k < 4; k++)
        if (bts_rlp_iter_next(&i, &f[k]) != BT_OK)
            return BT_EIO;
    if (bts_rlp_item_bytes(&f[0], &r->cons, &r->cons_len) != BT_OK ||
        bts_rlp_item_u64(&f[1], &r->gas_used) != BT_OK ||
        bts_rlp_item_bytes(&f[2], &r->created, &r->created_len) != BT_OK ||
        bts_rlp_item_bytes(&f[3], &r->sender, &r->sender_len) != BT_OK || r->sender_len != 20 ||
        (r->created_len != 0 && r->created_len != 20))
        return BT_EIO;
    return BT_OK;
}

/* Decode one consensus receipt into r (logs written at logs[*n_logs...]). With logs NULL only
 * counts. */
static bt_status receipt_decode(struct chain_receipt *r, const struct rec *rc_,
                                struct chain_log *logs, size_t *n_logs)
{
    struct bts_rlp_item list, f[4], lg, lf[3], t;
    struct bts_rlp_iter i, li, ti;
    uint8_t type;
    if (receipt_fields(rc_->cons, rc_->cons_len, &type, &list) != BT_OK)
        return BT_EIO;
    bts_rlp_iter_init(&i, &list);
    for (int k = 0; k < 4; k++)
        if (bts_rlp_iter_next(&i, &f[k]) != BT_OK)
            return BT_EIO;
    uint64_t status;
    if (bts_rlp_item_u64(&f[0], &status) != BT_OK || status > 1 ||
        bts_rlp_item_u64(&f[1], &r->cumulative_gas) != BT_OK ||
        bts_rlp_item_fixed(&f[2], r->bloom, BTS_BLOOM_LEN) != BT_OK || !f[3].is_list)
        return BT_EIO;
    r->type = type;
    r->status = (uint8_t)status;
    r->rlp = rc_->cons;
    r->rlp_len = rc_->cons_len;
    r->logs = logs ? logs + *n_logs : NULL;
    r->n_logs = 0;
    bts_rlp_iter_init(&li, &f[3]);
    bt_status st;
    while ((st = bts_rlp_iter_next(&li, &lg)) == BT_OK) {
        if (logs) {
            struct chain_log *l = &logs[*n_logs];
            struct bts_rlp_iter fi;
            bts_rlp_iter_init(&fi, &lg);
            for (int k = 0; k < 3; k++)
                if (bts_rlp_iter_next(&fi, &lf[k]) != BT_OK)
                    return BT_EIO;
            if (bts_rlp_item_fixed(&lf[0], l->log.address.bytes, 20) != BT_OK ||
                bts_rlp_item_bytes(&lf[2], &l->log.data, &l->log.data_len) != BT_OK)
                return BT_EIO;
            bts_rlp_iter_init(&ti, &lf[1]);
            size_t nt = 0;
            while (bts_rlp_iter_next(&ti, &t) == BT_OK) {
                if (nt == 4 || bts_rlp_item_fixed(&t, l->topics[nt].bytes, 32) != BT_OK)
                    return BT_EIO;
                nt++;
            }
            l->log.topics = l->topics;
            l->log.n_topics = nt;
            l->log_index = (uint32_t)*n_logs;
        }
        (*n_logs)++;
        r->n_logs++;
    }
    return st == BT_ENOTFOUND ? BT_OK : BT_EIO;
}

bt_status chaindb_receipts_decode(struct chain_receipts *out, uint8_t *rlp, size_t rlp_len,
                                  const struct chain_header *hd, struct chain_body *body)
{
    memset(out, 0, sizeof(*out));
    out->rlp = rlp;
    out->rlp_len = rlp_len;
    memcpy(out->block_hash.bytes, hd->hash, 32);
    out->block_number = hd->h.number;
    struct bts_rlp_item top, item;
    struct bts_rlp_iter i;
    size_t n = 0, n_logs = 0;
    bt_status rc = BT_EIO;
    if (bts_rlp_decode(&top, rlp, rlp_len) != BT_OK || bts_rlp_list_count(&top, &n) != BT_OK ||
        n != body->n_txs)
        goto bad;
    if (n && !(out->r = calloc(n, sizeof(*out->r)))) {
        rc = BT_ENOMEM;
        goto bad;
    }
    /* Two passes: count the logs, then fill them (views point into one array). */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && n_logs && !(out->logs = calloc(n_logs, sizeof(*out->logs)))) {
            rc = BT_ENOMEM;
            goto bad;
        }
        n_logs = 0;
        bts_rlp_iter_init(&i, &top);
        for (size_t k = 0; k < n; k++) {
            struct rec rec;
            if (bts_rlp_iter_next(&i, &item) != BT_OK || rec_read(&item, &rec) != BT_OK ||
                receipt_decode(&out->r[k], &rec, pass ? out->logs : NULL, &n_logs) != BT_OK)
                goto bad;
            if (pass == 0)
                continue;
            struct chain_receipt *r = &out->r[k];
            const struct bts_tx *tx = &body->txs[k];
            r->gas_used = rec.gas_used;
            r->has_contract = rec.created_len == 20;
            if (r->has_contract)
                memcpy(r->contract.bytes, rec.created, 20);
            memcpy(r->from.bytes, rec.sender, 20);
            if (body->senders)
                body->senders[k] = r->from;
            r->has_to = tx->has_to;
            r->to = tx->to;
            r->tx_hash = tx->hash;
            r->tx_index = (uint32_t)k;
            chaindb_effective_price(&r->effective_gas_price, tx, &hd->h);
        }
    }
    out->n = n;
    out->n_logs = n_logs;
    return BT_OK;
bad:
    chain_receipts_free(out);
    return rc;
}

/* --- frees ----------------------------------------------------------------------------------- */

void chain_header_free(struct chain_header *hd)
{
    free(hd->rlp);
    memset(hd, 0, sizeof(*hd));
}

void chain_body_free(struct chain_body *b)
{
    free(b->txs);
    free(b->senders);
    free(b->rlp);
    memset(b, 0, sizeof(*b));
}

void chain_receipts_free(struct chain_receipts *rs)
{
    free(rs->r);
    free(rs->logs);
    free(rs->rlp);
    memset(rs, 0, sizeof(*rs));
}

void chain_tx_free(struct chain_tx *t)
{
    free(t->raw);
    memset(t, 0, sizeof(*t));
}

bt_status chaindb_lookup_decode(const uint8_t *v, size_t v_len, struct chain_tx_loc *out)
{
    if (v_len != 44)
        return BT_EIO;
    out->block_number = rd64(v);
    memcpy(out->block_hash.bytes, v + 8, 32);
    out->index = (uint32_t)v[40] << 24 | (uint32_t)v[41] << 16 | (uint32_t)v[42] << 8 | v[43];
    return BT_OK;
}
