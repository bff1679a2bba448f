/* The pending block (chain_int.h chain_pending): what the "pending" block tag of JSON-RPC reads.
 * go-ethereum 1.10's miner keeps a pending block (head + the pool's executable transactions,
 * rebuilt on every head and pool change) and answers "pending" from it; bttcd builds the same
 * block on request instead: the pool's pending transactions in production order on the head
 * state, without the engine's finalize and seal.
 * Sources: go-ethereum miner/worker.go (pending block, commitTransactions), internal/ethapi
 * (StateAndHeaderByNumber: "pending" = the miner's pending state). */
#include "chain_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bts/rlp.h>
#include <bts/trie.h>

/* keccak(rlp([])). */
static const uint8_t empty_uncle_hash[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

/* The pending header before execution: the child of the head. */
static void pending_header(struct chain *c, struct bts_header *h)
{
    const struct bts_header *ph = &c->head.h;
    memset(h, 0, sizeof(*h));
    memcpy(h->parent_hash.bytes, c->head.hash, 32);
    memcpy(h->uncle_hash.bytes, empty_uncle_hash, 32);
    /* Fees go to the producer of the next block; on a chain with one producer (the dev chain)
     * that is the head's author. */
    chain_fee_to(c, ph, h->coinbase.bytes);
    h->difficulty = ph->difficulty;
    h->number = ph->number + 1;
    h->gas_limit = ph->gas_limit;
    uint64_t now = (uint64_t)time(NULL);
    h->time = now > ph->time ? now : ph->time + 1;
    uint32_t fork = chaincfg_fork_at(c->cfg, h->number, h->time);
    if (fork >= BT_EVM_LONDON) {
        h->n_optional = BTS_HEADER_OPT_BASE_FEE;
        h->base_fee = chain_next_base_fee(ph, ph->n_optional >= BTS_HEADER_OPT_BASE_FEE);
    }
    if (fork >= BT_EVM_SHANGHAI) {
        h->n_optional = BTS_HEADER_OPT_WITHDRAWALS_ROOT;
        memcpy(h->withdrawals_root.bytes, bts_trie_empty_root, 32);
    }
    if (fork >= BT_EVM_CANCUN)
        h->n_optional = BTS_HEADER_OPT_PARENT_BEACON_ROOT;
}

/* The header (hash of the unsealed header) and the body with its senders. */
static bt_status pending_out(const struct bts_header *h, const struct chain_pick *p,
                             struct chain_header *out_hd, struct chain_body *out_body)
{
    struct bts_buf b = BTS_BUF_INIT, txl = BTS_BUF_INIT;
    bt_status rc = BT_OK;
    if (out_hd) {
        size_t len;
        uint8_t *raw;
        rc = bts_header_encode(&b, h);
        if (rc == BT_OK && !(raw = bts_buf_detach(&b, &len)))
            rc = BT_ENOMEM;
        if (rc == BT_OK)
            rc = chaindb_header_decode(out_hd, raw, len);
    }
    if (rc == BT_OK && out_body) {
        size_t mark, len;
        uint8_t *raw;
        bts_buf_reset(&b);
        rc = bts_rlp_list_begin(&txl, &mark);
        for (size_t k = 0; rc == BT_OK && k < p->n; k++)
            rc = bts_tx_encode_block_item(&txl, &p->txs[k]);
        if (rc == BT_OK)
            rc = bts_rlp_list_end(&txl, mark);
        if (rc == BT_OK)
            rc = chaindb_body_encode(&b, txl.data, txl.len, NULL, 0);
        if (rc == BT_OK && !(raw = bts_buf_detach(&b, &len)))
            rc = BT_ENOMEM;
        if (rc == BT_OK)
            rc = chaindb_body_decode(out_body, raw, len);
        for (size_t k = 0; rc == BT_OK && k < out_body->n_txs; k++)
            out_body->senders[k] = p->senders[k];
    }
    bts_buf_free(&b);
    bts_buf_free(&txl);
    return rc;
}

bt_status chain_pending(struct chain *c, struct state **out_st, struct chain_header *out_hd,
                        struct chain_body *out_body, char *err, size_t err_cap)
{
    if (out_st)
        *out_st = NULL;
    if (out_hd)
        memset(out_hd, 0, sizeof(*out_hd));
    if (out_body)
        memset(out_body, 0, sizeof(*out_body));
    struct bts_header h;
    pending_header(c, &h);
    struct chain_pick p = {0};
    struct block_receipts rs = {0};
    struct state *st = NULL;
    struct block_exec bx = c->bx;
    bx.finalize = NULL; /* no system calls: the engine finalizes only blocks it seals */
    bt_status rc = chain_pick_txs(c, h.gas_limit, &p);
    /* A transaction the EVM refuses is left out with its sender's later ones, as production
     * does, and the block is executed again. */
    while (rc == BT_OK) {
        state_free(st);
        st = NULL;
        if ((rc = chain_state_at(c, c->head.hash, &st)) != BT_OK)
            break;
        struct bts_header work = h;
        rc = block_process(&bx, st, &work, h.coinbase.bytes, p.txs, p.senders, p.n, &rs, err,
                           err_cap);
        if (rc == BT_OK) {
            h = work;
            break;
        }
        size_t bad;
        if (rc != BT_EINVAL || sscanf(err, "tx %zu:", &bad) != 1 || bad >= p.n)
            break;
        chain_pick_drop(&p, bad);
        rc = BT_OK;
    }
    block_receipts_free(&rs);
    if (rc == BT_OK)
        rc = pending_out(&h, &p, out_hd, out_body);
    free(p.txs);
    free(p.senders);
    if (rc == BT_OK && out_st) {
        *out_st = st;
        st = NULL;
    }
    state_free(st);
    if (rc != BT_OK) {
        if (out_hd)
            chain_header_free(out_hd);
        if (out_body)
            chain_body_free(out_body);
    }
    return rc;
}
