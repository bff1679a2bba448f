/* The chain: open (genesis on first use), reads of headers, bodies, receipts and lookups, state
 * at a block, calls, the pool bound to the head state, and events (chain_int.h).
 * Sources: go-ethereum core/genesis.go (SetupGenesisBlock: write once, then compare),
 * core/rawdb (what is read), internal/ethapi (derived receipt fields). */
#include "chain_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/trie.h>

#include "loop_int.h"

void chain_msg(char *err, size_t err_cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && err_cap)
        vsnprintf(err, err_cap, fmt, ap);
    va_end(ap);
}

static void hex32(char out[67], const uint8_t h[32])
{
    size_t n;
    if (bts_hex_encode(out, 67, &n, h, 32, BTS_HEX_0X) != BT_OK)
        out[0] = '\0';
}

/* --- state views ----------------------------------------------------------------------------- */

static bt_status block_hash_fn(void *arg, uint64_t number, uint8_t out_hash[32])
{
    return chain_canonical_hash(arg, number, out_hash);
}

static bt_status pool_account(void *ctx, const struct bt_address *addr, uint64_t *out_nonce,
                              struct bts_u256 *out_balance)
{
    struct chain *c = ctx;
    uint8_t bal[32], code_hash[32];
    bt_status rc = state_evm_iface.get_account(c->work, addr->bytes, out_nonce, bal, code_hash);
    if (rc == BT_ENOTFOUND) {
        *out_nonce = 0;
        *out_balance = bts_u256_from_u64(0);
        return BT_OK;
    }
    if (rc == BT_OK)
        bts_u256_load_be(out_balance, bal);
    return rc;
}

bt_status chain_work_reset(struct chain *c)
{
    state_free(c->work);
    c->work = NULL;
    bt_status rc = state_new(&c->work, c->o.s, c->head.h.state_root.bytes);
    if (rc == BT_OK)
        state_set_block_hash_fn(c->work, block_hash_fn, c);
    return rc;
}

void chain_pool_head(const struct chain *c, struct txpool_head *out)
{
    memset(out, 0, sizeof(*out));
    out->number = c->head.h.number + 1;
    out->time = c->head.h.time + 1;
    out->gas_limit = c->head.h.gas_limit;
    out->has_base_fee = c->head.h.n_optional >= BTS_HEADER_OPT_BASE_FEE;
    out->base_fee = c->head.h.base_fee;
}

/* --- open ------------------------------------------------------------------------------------ */

static bt_status read_header(struct chain *c, const uint8_t hash[32], struct chain_header *out)
{
    uint8_t k[CHAINDB_KEY_MAX];
    uint8_t *v;
    size_t n;
    memset(out, 0, sizeof(*out));
    bt_status rc = chaindb_get(c->o.s, k, chaindb_key_hash(k, CHAINDB_HEADER, hash), &v, &n);
    return rc == BT_OK ? chaindb_header_decode(out, v, n) : rc;
}

bt_status chain_td(struct chain *c, const uint8_t hash[32], struct bts_u256 *out)
{
    uint8_t k[CHAINDB_KEY_MAX];
    uint8_t *v;
    size_t n;
    bt_status rc = chaindb_get(c->o.s, k, chaindb_key_hash(k, CHAINDB_TD, hash), &v, &n);
    if (rc != BT_OK)
        return rc;
    if (n == 32)
        bts_u256_load_be(out, v);
    free(v);
    return n == 32 ? BT_OK : BT_EIO;
}

/* First open: the allocation, the genesis block's records and the head, one batch. */
static bt_status write_genesis(struct chain *c, const struct bts_header *gh, const uint8_t hash[32],
                               char *err, size_t err_cap)
{
    struct state *st = NULL;
    struct bts_buf hdr = BTS_BUF_INIT, body = BTS_BUF_INIT;
    struct chaindb_batch b = {0};
    static const uint8_t no_receipts[1] = {0xc0};
    const struct stor_op *ops;
    size_t n_ops;
    uint8_t root[32];
    bt_status rc = state_new(&st, c->o.s, NULL);
    if (rc == BT_OK)
        rc = state_apply_alloc(st, &c->o.g->alloc);
    if (rc == BT_OK)
        rc = bts_header_encode(&hdr, gh);
    if (rc == BT_OK)
        rc = chaindb_body_encode(&body, NULL, 0, NULL, 0);
    if (rc == BT_OK) {
        struct chaindb_block blk = {hash,      gh->number, hdr.data,       hdr.len,
                                    body.data, body.len,   no_receipts,    1,
                                    NULL,      0,          &gh->difficulty};
        rc = chaindb_add_block(&b, &blk);
    }
    if (rc == BT_OK)
        rc = chaindb_batch_ops(&b, &ops, &n_ops);
    if (rc == BT_OK)
        rc = state_commit(st, ops, n_ops, BT_STORAGE_SYNC, root);
    if (rc == BT_OK && memcmp(root, gh->state_root.bytes, 32) != 0)
        rc = BT_EIO; /* cannot happen: both come from the same allocation */
    if (rc != BT_OK)
        chain_msg(err, err_cap, "writing the genesis block: %s", bts_status_str(rc));
    state_free(st);
    bts_buf_free(&hdr);
    bts_buf_free(&body);
    chaindb_batch_free(&b);
    return rc;
}

static bt_status load_head(struct chain *c, char *err, size_t err_cap)
{
    uint8_t *v;
    size_t n;
    bt_status rc = chaindb_get(c->o.s, chaindb_key_head, 1, &v, &n);
    if (rc != BT_OK)
        return rc;
    uint8_t hash[32];
    if (n != 32) {
        free(v);
        chain_msg(err, err_cap, "damaged head pointer");
        return BT_EIO;
    }
    memcpy(hash, v, 32);
    free(v);
    chain_header_free(&c->head);
    if ((rc = read_header(c, hash, &c->head)) != BT_OK ||
        (rc = chain_td(c, hash, &c->head_td)) != BT_OK) {
        char h[67];
        hex32(h, hash);
        chain_msg(err, err_cap, "the head %s is missing: %s", h, bts_status_str(rc));
        return BT_EIO;
    }
    /* The head's state root node must be there too: blocks and their trie nodes are written in
     * one batch, so anything else is a damaged database. */
    if (memcmp(c->head.h.state_root.bytes, bts_trie_empty_root, 32) != 0) {
        struct bt_value sv;
        rc = stor_get(c->o.s, &stor_ns_state, NULL, c->head.h.state_root.bytes, 32, &sv);
        if (rc != BT_OK) {
            char h[67];
            hex32(h, c->head.h.state_root.bytes);
            chain_msg(err, err_cap, "the state root %s of the head is missing: %s", h,
                      bts_status_str(rc));
            return BT_EIO;
        }
        if (sv.release)
            sv.release(&sv);
    }
    return BT_OK;
}

bt_status chain_open(struct chain **out, const struct chain_opts *o, char *err, size_t err_cap)
{
    *out = NULL;
    struct chain *c = calloc(1, sizeof(*c));
    if (!c)
        return BT_ENOMEM;
    c->o = *o;
    c->cfg = &o->g->config;
    c->bx = o->exec;
    c->bx.cfg = c->cfg;
    c->next_sub_id = 1;
    struct bts_header gh;
    bt_status rc = genesis_hash(o->g, c->genesis_hash, &gh, err, err_cap);
    if (rc != BT_OK)
        goto fail;
    rc = load_head(c, err, err_cap);
    if (rc == BT_ENOTFOUND) {
        if ((rc = write_genesis(c, &gh, c->genesis_hash, err, err_cap)) != BT_OK)
            goto fail;
        rc = load_head(c, err, err_cap);
    }
    if (rc != BT_OK)
        goto fail;
    uint8_t stored[32];
    if ((rc = chain_canonical_hash(c, 0, stored)) != BT_OK) {
        chain_msg(err, err_cap, "no genesis block in the database: %s", bts_status_str(rc));
        rc = BT_EIO;
        goto fail;
    }
    if (memcmp(stored, c->genesis_hash, 32) != 0) {
        char have[67], want[67];
        hex32(have, stored);
        hex32(want, c->genesis_hash);
        chain_msg(err, err_cap, "database contains incompatible genesis (have %s, new %s)", have,
                  want);
        rc = BT_ESTALE;
        goto fail;
    }
    if ((rc = chain_work_reset(c)) != BT_OK)
        goto fail;
    struct txpool_config pc = o->pool;
    if (!pc.account_slots)
        txpool_config_default(&pc);
    struct txpool_head ph;
    chain_pool_head(c, &ph);
    c->pool_state = (struct txpool_state){pool_account, c};
    if ((rc = txpool_new(&c->pool, &pc, c->cfg, &c->pool_state, &ph)) != BT_OK)
        goto fail;
    if (o->journal_path &&
        (rc = txpool_journal_open(c->pool, o->journal_path, NULL, err, err_cap)) != BT_OK)
        goto fail;
    c->rejournal_at = chain_now_ms();
    *out = c;
    return BT_OK;
fail:
    chain_close(c);
    return rc;
}

void chain_close(struct chain *c)
{
    if (!c)
        return;
    if (c->timer_id && c->o.loop)
        loop_timer_del(c->o.loop, c, c->timer_id);
    if (c->pool && c->o.journal_path)
        txpool_journal_rotate(c->pool, NULL, 0);
    txpool_free(c->pool);
    state_free(c->work);
    chain_header_free(&c->head);
    free(c->subs);
    free(c);
}

const struct chaincfg *chain_config(const struct chain *c)
{
    return c->cfg;
}

/* --- reads ----------------------------------------------------------------------------------- */

void chain_head(const struct chain *c, uint64_t *out_number, uint8_t out_hash[32])
{
    *out_number = c->head.h.number;
    memcpy(out_hash, c->head.hash, 32);
}

const struct chain_header *chain_head_header(const struct chain *c)
{
    return &c->head;
}

bt_status chain_canonical_hash(struct chain *c, uint64_t number, uint8_t out_hash[32])
{
    if (number > c->head.h.number)
        return BT_ENOTFOUND;
    if (number == c->head.h.number) {
        memcpy(out_hash, c->head.hash, 32);
        return BT_OK;
    }
    uint8_t k[CHAINDB_KEY_MAX];
    struct bt_value v;
    bt_status rc = stor_get(c->o.s, &stor_ns_chain, NULL, k, chaindb_key_number(k, number), &v);
    if (rc != BT_OK)
        return rc;
    if (v.len == 32)
        memcpy(out_hash, v.data, 32);
    else
        rc = BT_EIO;
    if (v.release)
        v.release(&v);
    return rc;
}

bt_status chain_header_by_hash(struct chain *c, const uint8_t hash[32], struct chain_header *out)
{
    return read_header(c, hash, out);
}

bt_status chain_header_by_number(struct chain *c, uint64_t number, struct chain_header *out)
{
    uint8_t hash[32];
    memset(out, 0, sizeof(*out));
    bt_status rc = chain_canonical_hash(c, number, hash);
    return rc == BT_OK ? read_header(c, hash, out) : rc;
}

bt_status chain_body_by_hash(struct chain *c, const uint8_t hash[32], struct chain_body *out)
{
    uint8_t k[CHAINDB_KEY_MAX];
    uint8_t *v;
    size_t n;
    memset(out, 0, sizeof(*out));
    bt_status rc = chaindb_get(c->o.s, k, chaindb_key_hash(k, CHAINDB_BODY, hash), &v, &n);
    return rc == BT_OK ? chaindb_body_decode(out, v, n) : rc;
}

bt_status chain_body_by_number(struct chain *c, uint64_t number, struct chain_body *out)
{
    uint8_t hash[32];
    memset(out, 0, sizeof(*out));
    bt_status rc = chain_canonical_hash(c, number, hash);
    return rc == BT_OK ? chain_body_by_hash(c, hash, out) : rc;
}

/* Header, body (with senders) and receipts of one block. */
static bt_status read_block(struct chain *c, const uint8_t hash[32], struct chain_header *hd,
                            struct chain_body *body, struct chain_receipts *rs)
{
    uint8_t k[CHAINDB_KEY_MAX];
    uint8_t *v;
    size_t n;
    memset(rs, 0, sizeof(*rs));
    bt_status rc = read_header(c, hash, hd);
    if (rc == BT_OK)
        rc = chain_body_by_hash(c, hash, body);
    if (rc == BT_OK) {
        rc = chaindb_get(c->o.s, k, chaindb_key_hash(k, CHAINDB_RECEIPTS, hash), &v, &n);
        if (rc == BT_OK)
            rc = chaindb_receipts_decode(rs, v, n, hd, body);
    }
    return rc;
}

bt_status chain_receipts_by_hash(struct chain *c, const uint8_t hash[32],
                                 struct chain_receipts *out)
{
    struct chain_header hd;
    struct chain_body body;
    memset(&body, 0, sizeof(body));
    bt_status rc = read_block(c, hash, &hd, &body, out);
    chain_header_free(&hd);
    chain_body_free(&body);
    return rc;
}

bt_status chain_receipts_by_number(struct chain *c, uint64_t number, struct chain_receipts *out)
{
    uint8_t hash[32];
    memset(out, 0, sizeof(*out));
    bt_status rc = chain_canonical_hash(c, number, hash);
    return rc == BT_OK ? chain_receipts_by_hash(c, hash, out) : rc;
}

bt_status chain_tx_lookup(struct chain *c, const uint8_t tx_hash[32], struct chain_tx_loc *out)
{
    uint8_t k[CHAINDB_KEY_MAX];
    struct bt_value v;
    bt_status rc =
        stor_get(c->o.s, &stor_ns_chain, NULL, k, chaindb_key_hash(k, CHAINDB_LOOKUP, tx_hash), &v);
    if (rc != BT_OK)
        return rc;
    rc = chaindb_lookup_decode(v.data, v.len, out);
    if (v.release)
        v.release(&v);
    return rc;
}

bt_status chain_tx_by_block(struct chain *c, const uint8_t block_hash[32], uint32_t index,
                            struct chain_tx *out)
{
    struct chain_header hd;
    struct chain_body body;
    struct chain_receipts rs;
    memset(out, 0, sizeof(*out));
    memset(&body, 0, sizeof(body));
    bt_status rc = read_block(c, block_hash, &hd, &body, &rs);
    if (rc == BT_OK && index >= body.n_txs)
        rc = BT_ENOTFOUND;
    if (rc == BT_OK) {
        struct bts_buf b = BTS_BUF_INIT;
        rc = bts_tx_encode(&b, &body.txs[index]);
        if (rc == BT_OK && !(out->raw = bts_buf_detach(&b, &out->raw_len)))
            rc = BT_ENOMEM;
        bts_buf_free(&b);
        if (rc == BT_OK && bts_tx_decode(&out->tx, out->raw, out->raw_len) != BT_OK)
            rc = BT_EIO;
        if (rc == BT_OK) {
            out->from = body.senders[index];
            memcpy(out->loc.block_hash.bytes, hd.hash, 32);
            out->loc.block_number = hd.h.number;
            out->loc.index = index;
            chaindb_effective_price(&out->effective_gas_price, &out->tx, &hd.h);
        }
    }
    if (rc != BT_OK)
        chain_tx_free(out);
    chain_header_free(&hd);
    chain_body_free(&body);
    chain_receipts_free(&rs);
    return rc;
}

bt_status chain_tx_by_hash(struct chain *c, const uint8_t tx_hash[32], struct chain_tx *out)
{
    struct chain_tx_loc loc;
    memset(out, 0, sizeof(*out));
    bt_status rc = chain_tx_lookup(c, tx_hash, &loc);
    return rc == BT_OK ? chain_tx_by_block(c, loc.block_hash.bytes, loc.index, out) : rc;
}

bt_status chain_receipt_by_tx(struct chain *c, const uint8_t tx_hash[32],
                              struct chain_receipts *out)
{
    struct chain_tx_loc loc;
    memset(out, 0, sizeof(*out));
    bt_status rc = chain_tx_lookup(c, tx_hash, &loc);
    if (rc == BT_OK)
        rc = chain_receipts_by_hash(c, loc.block_hash.bytes, out);
    if (rc == BT_OK && loc.index >= out->n)
        rc = BT_EIO;
    if (rc != BT_OK) {
        chain_receipts_free(out);
        return rc;
    }
    out->r[0] = out->r[loc.index];
    out->n = 1;
    return BT_OK;
}

bt_status chain_block_rlp_of(const struct chain_header *hd, const struct chain_body *body,
                             uint8_t **out, size_t *out_len)
{
    struct bts_buf b = BTS_BUF_INIT;
    *out = NULL;
    *out_len = 0;
    /* rlp([header, txs, uncles]): the body's list payload follows the header. */
    struct bts_rlp_item top;
    bt_status rc = bts_rlp_decode(&top, body->rlp, body->rlp_len) == BT_OK ? BT_OK : BT_EIO;
    if (rc == BT_OK)
        rc = bts_rlp_encode_list_header(&b, hd->rlp_len + top.payload_len);
    if (rc == BT_OK)
        rc = bts_rlp_encode_raw(&b, hd->rlp, hd->rlp_len);
    if (rc == BT_OK)
        rc = bts_rlp_encode_raw(&b, top.payload, top.payload_len);
    if (rc == BT_OK && !(*out = bts_buf_detach(&b, out_len)))
        rc = BT_ENOMEM;
    bts_buf_free(&b);
    return rc;
}

bt_status chain_block_rlp(struct chain *c, uint64_t number, uint8_t **out, size_t *out_len)
{
    struct chain_header hd;
    struct chain_body body;
    *out = NULL;
    *out_len = 0;
    memset(&body, 0, sizeof(body));
    bt_status rc = chain_header_by_number(c, number, &hd);
    if (rc == BT_OK)
        rc = chain_body_by_hash(c, hd.hash, &body);
    if (rc == BT_OK)
        rc = chain_block_rlp_of(&hd, &body, out, out_len);
    chain_header_free(&hd);
    chain_body_free(&body);
    return rc;
}

/* --- state and calls ------------------------------------------------------------------------- */

bt_status chain_state_at(struct chain *c, const uint8_t block_hash[32], struct state **out)
{
    struct chain_header hd;
    *out = NULL;
    bt_status rc = read_header(c, block_hash, &hd);
    if (rc == BT_OK)
        rc = state_new(out, c->o.s, hd.h.state_root.bytes);
    if (rc == BT_OK)
        state_set_block_hash_fn(*out, block_hash_fn, c);
    chain_header_free(&hd);
    return rc;
}

/* The fee recipient of block h: its author by the engine, else the coinbase. */
bt_status chain_fee_to(struct chain *c, const struct bts_header *h, uint8_t out[20])
{
    memcpy(out, h->coinbase.bytes, 20);
    if (!c->o.engine.vt || h->number == 0)
        return BT_OK;
    struct bts_buf b = BTS_BUF_INIT;
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    if (bts_header_encode(&b, h) == BT_OK) {
        hd.h = *h;
        hd.rlp = b.data;
        hd.rlp_len = b.len;
        bts_keccak256(hd.hash, b.data, b.len);
        struct bt_header bh;
        chain_bt_header(&hd, &bh);
        uint8_t a[20];
        if (c->o.engine.vt->author(c->o.engine.self, &bh, a) == BT_OK)
            memcpy(out, a, 20);
    }
    bts_buf_free(&b);
    return BT_OK;
}

bt_status chain_call(struct chain *c, struct state *st, const struct bts_header *blk,
                     const struct chain_msg *m, struct bt_evm_result *out, char *err,
                     size_t err_cap)
{
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    memset(out, 0, sizeof(*out));
    tx.type = m->access_list ? BTS_TX_ACCESS_LIST : BTS_TX_LEGACY;
    tx.gas = m->gas ? m->gas : blk->gas_limit;
    tx.gas_price = m->gas_price;
    tx.gas_tip_cap = m->gas_price;
    tx.has_to = m->has_to;
    tx.to = m->to;
    tx.value = m->value;
    tx.data = m->data;
    tx.data_len = m->data_len;
    if (m->access_list) {
        tx.access_list = m->access_list;
        tx.access_list_len = m->access_list_len;
        size_t pos = 0, nk;
        struct bt_address a;
        const uint8_t *keys;
        while (bts_tx_access_next(&tx, &pos, &a, &keys, &nk) == BT_OK) {
            tx.n_access_addresses++;
            tx.n_access_keys += nk;
        }
    }
    uint8_t to[20];
    chain_fee_to(c, blk, to);
    /* Nonce: the sender's current one, so creation addresses come out as a real send would. */
    uint8_t bal[32], ch[32];
    if (state_evm_iface.get_account(st, m->from.bytes, &tx.nonce, bal, ch) != BT_OK)
        tx.nonce = 0;
    bt_status rc =
        block_exec_tx(&c->bx, st, blk, to, &tx, &m->from, BT_EVM_F_NO_CHECKS, out, err, err_cap);
    if (rc != BT_OK)
        return rc;
    if ((rc = state_apply(st, out)) != BT_OK) {
        if (out->release)
            out->release(out);
        memset(out, 0, sizeof(*out));
    }
    return rc;
}
