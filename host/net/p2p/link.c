/* The chain as the eth/66 backend (link_int.h): Status from the chain's genesis, head and total
 * difficulty; headers, bodies and receipts read from host/chain; pool transactions; peers'
 * transactions into the pool through chain_submit_tx (the same door as eth_sendRawTransaction);
 * a NewBlock on our head imported at once, anything further left to the sync. Propagation from
 * the chain's events as go-ethereum's eth/handler.go: a new head goes to peers as a full block
 * (sqrt(n)) or its hash (the rest, p2p_announce_block), new pool transactions the same way
 * (p2p_broadcast_txs), gathered for a few milliseconds so a flood goes out in few messages. */
#include "link_int.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "log_int.h"

/* How long new pool transactions gather before they are announced. */
#define TX_FLUSH_MS 20
/* Most transactions in one broadcast (go-ethereum's fetcher asks for 256 hashes at a time). */
#define TX_ANNOUNCE_MAX 256
#define TICK_MS         200

static void lk_head(void *self, struct p2p_head *out)
{
    struct p2p_link *l = self;
    memset(out, 0, sizeof(*out));
    const struct chain_header *hd = chain_head_header(l->c);
    out->number = hd->h.number;
    memcpy(out->hash, hd->hash, 32);
    struct bts_u256 td;
    if (chain_td(l->c, hd->hash, &td) == BT_OK)
        bts_u256_store_be(out->td, &td);
}

static bt_status put_header(struct chain_header *hd, bt_status st, struct bts_buf *out,
                            uint64_t *out_number)
{
    if (st == BT_OK) {
        st = bts_buf_append(out, hd->rlp, hd->rlp_len);
        if (out_number)
            *out_number = hd->h.number;
    }
    chain_header_free(hd);
    return st;
}

static bt_status lk_header_by_number(void *self, uint64_t number, struct bts_buf *out)
{
    struct p2p_link *l = self;
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    return put_header(&hd, chain_header_by_number(l->c, number, &hd), out, NULL);
}

static bt_status lk_header_by_hash(void *self, const uint8_t hash[32], struct bts_buf *out,
                                   uint64_t *out_number)
{
    struct p2p_link *l = self;
    struct chain_header hd;
    memset(&hd, 0, sizeof(hd));
    return put_header(&hd, chain_header_by_hash(l->c, hash, &hd), out, out_number);
}

static bt_status lk_body(void *self, const uint8_t hash[32], struct bts_buf *out)
{
    struct p2p_link *l = self;
    struct chain_body b;
    memset(&b, 0, sizeof(b));
    bt_status st = chain_body_by_hash(l->c, hash, &b);
    if (st == BT_OK) /* stored as rlp([txs, uncles]) with block-item txs: the wire form */
        st = bts_buf_append(out, b.rlp, b.rlp_len);
    chain_body_free(&b);
    return st;
}

/* A typed transaction or receipt travels as an RLP string holding type || payload; a legacy one
 * is its RLP list (EIP-2718 on devp2p). */
static bt_status put_typed(struct bts_buf *out, const uint8_t *raw, size_t len)
{
    if (len && raw[0] >= 0xc0)
        return bts_buf_append(out, raw, len);
    return bts_rlp_encode_bytes(out, raw, len);
}

static bt_status lk_receipts(void *self, const uint8_t hash[32], struct bts_buf *out)
{
    struct p2p_link *l = self;
    struct chain_receipts rs;
    memset(&rs, 0, sizeof(rs));
    bt_status st = chain_receipts_by_hash(l->c, hash, &rs);
    size_t mark = 0;
    if (st == BT_OK)
        st = bts_rlp_list_begin(out, &mark);
    for (size_t i = 0; st == BT_OK && i < rs.n; i++)
        st = put_typed(out, rs.r[i].rlp, rs.r[i].rlp_len);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    chain_receipts_free(&rs);
    return st;
}

static bt_status lk_pooled_tx(void *self, const uint8_t hash[32], struct bts_buf *out)
{
    struct p2p_link *l = self;
    const struct txpool_tx *t = txpool_get(chain_txpool(l->c), hash);
    return t ? put_typed(out, t->raw, t->raw_len) : BT_ENOTFOUND;
}

static int lk_has_tx(void *self, const uint8_t hash[32])
{
    struct p2p_link *l = self;
    struct chain_tx_loc loc;
    return txpool_get(chain_txpool(l->c), hash) != NULL ||
           chain_tx_lookup(l->c, hash, &loc) == BT_OK;
}

static bt_status lk_on_tx(void *self, uint64_t peer, const uint8_t *tx, size_t tx_len)
{
    struct p2p_link *l = self;
    struct txpool_added added;
    /* Refusals (known, nonce too low, underpriced) are normal on a gossip network: a peer is
     * not punished for them, only the transaction is dropped (go-ethereum does the same). */
    bt_status st = chain_submit_tx(l->c, tx, tx_len, &added);
    if (st != BT_OK)
        hlog(BT_LOG_DEBUG, "peer transaction refused", "peer=%llu err=\"%s\"",
             (unsigned long long)peer, bts_status_str(st));
    return BT_OK;
}

static void lk_txs_begin(void *self)
{
    struct p2p_link *l = self;
    chain_submit_begin(l->c);
}

static void lk_txs_end(void *self)
{
    struct p2p_link *l = self;
    if (chain_submit_end(l->c) != BT_OK)
        hlog(BT_LOG_WARN, "txpool journal write failed", "from=%s", "peer");
}

static void lk_on_new_block(void *self, uint64_t peer, const struct bts_eth_new_block *b)
{
    struct p2p_link *l = self;
    struct bts_header h;
    if (bts_header_decode(&h, b->header.raw, b->header.raw_len) != BT_OK) {
        p2p_penalise(l->p2p, peer, "new block: malformed header");
        return;
    }
    sync_peer_has(l, peer, h.number);
    sync_peer_td(l, peer, h.number, b->td);
    const struct chain_header *head = chain_head_header(l->c);
    if (sync_is_busy(l))
        return;
    if (h.number > head->h.number + 1) {
        sync_tick(l); /* a gap: the sync fetches what is missing */
        return;
    }
    /* On our head, or a block of another branch (perhaps heavier: a competing in-turn block
     * at our height): chain_import takes any block whose parent it knows and reorgs to the
     * heaviest branch (host/chain/chain_reorg.c). */
    char err[512] = "";
    bt_status st = chain_import(l->c, b->block.raw, b->block.raw_len, NULL, err, sizeof(err));
    if (st == BT_ENOTFOUND) {
        /* Its parent is unknown: another branch forking further back; the sync fetches its
         * ancestors from this peer (sync.c steps back to the fork point). */
        if (h.number > 1) {
            l->back_peer = peer;
            l->back = head->h.number + 1 >= h.number ? head->h.number + 2 - h.number : 1;
            sync_peer_has(l, peer, h.number);
            sync_tick(l);
        }
        return;
    }
    if (st == BT_EINVAL) {
        char why[600];
        snprintf(why, sizeof(why), "invalid block %llu: %s", (unsigned long long)h.number, err);
        p2p_penalise(l->p2p, peer, why);
    } else if (st != BT_OK) {
        hlog(BT_LOG_DEBUG, "announced block not imported", "peer=%llu number=%llu err=%s",
             (unsigned long long)peer, (unsigned long long)h.number,
             LOG_Q(err[0] ? err : bts_status_str(st)));
    }
}

static void lk_on_block_hash(void *self, uint64_t peer, const uint8_t hash[32], uint64_t number)
{
    struct p2p_link *l = self;
    (void)hash;
    sync_peer_has(l, peer, number);
    if (number > chain_head_header(l->c)->h.number)
        sync_tick(l);
}

static void lk_on_response(void *self, uint64_t peer, int code, const struct bts_eth_list *lst)
{
    sync_on_response(self, peer, code, lst);
}

/* --- propagation ----------------------------------------------------------------------------- */

static void announce_head(struct p2p_link *l, const struct chain_header *hd,
                          const struct chain_body *body)
{
    uint8_t *blk = NULL;
    size_t blk_len = 0;
    struct bts_u256 td;
    uint8_t tdb[32];
    if (p2p_peer_count(l->p2p) == 0)
        return;
    /* The block from the event (not read back and decoded: a flood's block is thousands of
     * transactions). */
    if (chain_td(l->c, hd->hash, &td) != BT_OK || !body ||
        chain_block_rlp_of(hd, body, &blk, &blk_len) != BT_OK)
        return;
    bts_u256_store_be(tdb, &td);
    p2p_announce_block(l->p2p, hd->hash, hd->h.number, blk, blk_len, tdb);
    free(blk);
}

static void flush_txs(evutil_socket_t fd, short what, void *arg)
{
    struct p2p_link *l = arg;
    (void)fd, (void)what;
    l->is_tx_armed = 0;
    for (size_t i = 0; i < l->n_tx; i += TX_ANNOUNCE_MAX) {
        size_t k = l->n_tx - i < TX_ANNOUNCE_MAX ? l->n_tx - i : TX_ANNOUNCE_MAX;
        p2p_broadcast_txs(l->p2p, l->tx_hashes + 32 * i, k, lk_pooled_tx, l);
    }
    l->n_tx = 0;
}

static void on_event(void *arg, const struct chain_event *ev)
{
    struct p2p_link *l = arg;
    if (ev->kind == CHAIN_EV_HEAD) {
        if (!sync_is_busy(l))
            announce_head(l, ev->header, ev->body);
        return;
    }
    if (ev->kind != CHAIN_EV_PENDING_TX || !ev->tx)
        return;
    if (l->n_tx == l->cap_tx) {
        size_t cap = l->cap_tx ? 2 * l->cap_tx : 256;
        uint8_t *v = realloc(l->tx_hashes, 32 * cap);
        if (!v)
            return; /* the announcement is lost; peers still get the block */
        l->tx_hashes = v;
        l->cap_tx = cap;
    }
    memcpy(l->tx_hashes + 32 * l->n_tx++, ev->tx->tx.hash.bytes, 32);
    if (!l->is_tx_armed) {
        struct timeval tv = {0, TX_FLUSH_MS * 1000};
        l->is_tx_armed = event_add(l->tx_timer, &tv) == 0;
    }
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    sync_tick(arg);
}

/* --- attach ---------------------------------------------------------------------------------- */

bt_status p2p_attach_chain(struct p2p *p, struct chain *c, struct p2p_link **out)
{
    *out = NULL;
    struct p2p_link *l = calloc(1, sizeof(*l));
    if (!l)
        return BT_ENOMEM;
    l->p2p = p;
    l->c = c;
    struct p2p_chain id;
    memset(&id, 0, sizeof(id));
    const struct chaincfg *cfg = chain_config(c);
    id.network_id = cfg->network_id;
    if (cfg->berlin_block != CHAINCFG_NEVER)
        id.forks[id.n_forks++] = cfg->berlin_block;
    if (cfg->london_block != CHAINCFG_NEVER)
        id.forks[id.n_forks++] = cfg->london_block;
    bt_status st = chain_canonical_hash(c, 0, id.genesis);
    if (st != BT_OK) {
        free(l);
        return st == BT_ENOMEM ? st : BT_EIO;
    }
    l->timer = event_new(p->base, -1, EV_PERSIST, on_tick, l);
    l->tx_timer = evtimer_new(p->base, flush_txs, l);
    struct timeval tv = {0, TICK_MS * 1000};
    if (!l->timer || !l->tx_timer || event_add(l->timer, &tv) != 0 ||
        chain_subscribe(c, on_event, l, &l->sub_id) != BT_OK) {
        if (l->timer)
            event_free(l->timer);
        if (l->tx_timer)
            event_free(l->tx_timer);
        free(l);
        return BT_ENOMEM;
    }
    l->saved_backend = p->backend;
    l->saved_chain = p->chain;
    p->chain = id;
    p->backend = (struct p2p_backend){
        .self = l,
        .head = lk_head,
        .header_by_number = lk_header_by_number,
        .header_by_hash = lk_header_by_hash,
        .body = lk_body,
        .receipts = lk_receipts,
        .pooled_tx = lk_pooled_tx,
        .has_tx = lk_has_tx,
        .on_tx = lk_on_tx,
        .txs_begin = lk_txs_begin,
        .txs_end = lk_txs_end,
        .on_new_block = lk_on_new_block,
        .on_block_hash = lk_on_block_hash,
        .on_response = lk_on_response,
    };
    p->link = l;
    *out = l;
    return BT_OK;
}

void p2p_detach_chain(struct p2p_link *l)
{
    if (!l)
        return;
    sync_reset(l, "shutdown");
    chain_unsubscribe(l->c, l->sub_id);
    event_free(l->timer);
    event_free(l->tx_timer);
    l->p2p->backend = l->saved_backend;
    l->p2p->chain = l->saved_chain;
    l->p2p->link = NULL;
    free(l->tx_hashes);
    free(l);
}
