/* eth/66 (devp2p caps/eth.md, EIP-2481 request ids): the Status exchange with the checks that
 * refuse another network, genesis or fork (EIP-2124), the request handlers answering from the
 * chain backend (GetBlockHeaders by hash or number with skip and reverse, GetBlockBodies,
 * GetReceipts, GetPooledTransactions) within go-ethereum's limits (1024 items, about 2 MiB
 * per response: eth/protocols/eth/handler.go softResponseLimit), and the announcements handed
 * to the backend. */
#include "p2p_priv.h"

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "log_int.h"

/* go-ethereum: softResponseLimit 2 MiB, maxHeadersServe 1024. */
#define ETH_SOFT_LIMIT (2u * 1024 * 1024)
/* Most hashes we ask for in one GetPooledTransactions (go-ethereum fetcher: 256). */
#define ETH_MAX_TX_FETCH 256

bt_status eth_status_make(struct p2p *p, struct bts_buf *out)
{
    struct p2p_head h;
    memset(&h, 0, sizeof(h));
    p->backend.head(p->backend.self, &h);
    struct bts_eth_status st;
    memset(&st, 0, sizeof(st));
    st.version = BTS_ETH_VERSION;
    st.network_id = p->chain.network_id;
    memcpy(st.td, h.td, 32);
    memcpy(st.head, h.hash, 32);
    memcpy(st.genesis, p->chain.genesis, 32);
    bts_forkid_compute(&st.fork_id, p->chain.genesis, p->chain.forks, p->chain.n_forks, h.number);
    return bts_eth_status_encode(out, &st);
}

int eth_status_check(struct p2p *p, const struct bts_eth_status *st, const char **why)
{
    if (st->version != BTS_ETH_VERSION) {
        *why = "eth protocol version mismatch";
        return BTS_RLPX_DISC_SUBPROTOCOL_ERROR;
    }
    if (st->network_id != p->chain.network_id) {
        *why = "network id mismatch";
        return BTS_RLPX_DISC_SUBPROTOCOL_ERROR;
    }
    if (memcmp(st->genesis, p->chain.genesis, 32) != 0) {
        *why = "genesis mismatch";
        return BTS_RLPX_DISC_SUBPROTOCOL_ERROR;
    }
    struct p2p_head h;
    memset(&h, 0, sizeof(h));
    p->backend.head(p->backend.self, &h);
    bt_status fs = bts_forkid_validate(p->chain.genesis, p->chain.forks, p->chain.n_forks, h.number,
                                       &st->fork_id);
    if (fs != BT_OK) {
        *why = fs == BTS_FORKID_EREMOTE_STALE ? "fork id: remote is stale"
                                              : "fork id: incompatible chain";
        return BTS_RLPX_DISC_SUBPROTOCOL_ERROR;
    }
    return 0;
}

bt_status eth_start(struct p2p_peer *pe)
{
    struct bts_buf b;
    bts_buf_init(&b);
    bt_status st = eth_status_make(pe->p2p, &b);
    if (st == BT_OK)
        st = peer_send(pe, pe->eth_cap, BTS_ETH_STATUS, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

/* Items collected for a response: one buffer, with offsets. */
struct items {
    struct bts_buf data;
    size_t *off;
    size_t n, cap;
};

static bt_status items_mark(struct items *it)
{
    if (it->n == it->cap) {
        size_t nc = it->cap ? 2 * it->cap : 64;
        size_t *no = realloc(it->off, (nc + 1) * sizeof(*no));
        if (!no)
            return BT_ENOMEM;
        it->off = no;
        it->cap = nc;
    }
    it->off[it->n + 1] = it->data.len;
    it->n++;
    return BT_OK;
}

static bt_status items_send(struct p2p_peer *pe, int code, uint64_t req_id, struct items *it)
{
    const uint8_t **ptrs = calloc(it->n ? it->n : 1, sizeof(*ptrs));
    size_t *lens = calloc(it->n ? it->n : 1, sizeof(*lens));
    struct bts_buf msg;
    bts_buf_init(&msg);
    bt_status st = ptrs && lens ? BT_OK : BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < it->n; i++) {
        ptrs[i] = it->data.data + it->off[i];
        lens[i] = it->off[i + 1] - it->off[i];
    }
    if (st == BT_OK)
        st = bts_eth_list_encode(&msg, code, req_id, ptrs, lens, it->n);
    if (st == BT_OK)
        st = peer_send(pe, pe->eth_cap, (uint64_t)code, msg.data, msg.len);
    bts_buf_free(&msg);
    free(ptrs);
    free(lens);
    return st;
}

static void items_init(struct items *it)
{
    memset(it, 0, sizeof(*it));
    bts_buf_init(&it->data);
}

static void items_free(struct items *it)
{
    bts_buf_free(&it->data);
    free(it->off);
}

static bt_status serve_headers(struct p2p_peer *pe, const uint8_t *data, size_t len)
{
    struct p2p *p = pe->p2p;
    struct bts_eth_get_headers q;
    if (bts_eth_get_headers_decode(&q, data, len) != BT_OK)
        return BT_EPROTO;
    struct items it;
    items_init(&it);
    it.off = calloc(65, sizeof(*it.off));
    it.cap = it.off ? 64 : 0;
    bt_status st = it.off ? BT_OK : BT_ENOMEM;
    uint64_t amount = q.amount < BTS_ETH_MAX_ITEMS ? q.amount : BTS_ETH_MAX_ITEMS;
    uint64_t n = q.origin_number;
    int found = 1;
    if (st == BT_OK && amount > 0) {
        bt_status fs = q.is_by_hash
                           ? p->backend.header_by_hash(p->backend.self, q.origin_hash, &it.data, &n)
                           : p->backend.header_by_number(p->backend.self, n, &it.data);
        found = fs == BT_OK;
        if (fs == BT_OK)
            st = items_mark(&it);
        else if (fs != BT_ENOTFOUND)
            st = fs;
    }
    uint64_t step = q.skip + 1;
    while (st == BT_OK && found && it.n < amount && it.data.len < ETH_SOFT_LIMIT && step != 0) {
        if (q.is_reverse) {
            if (n < step)
                break;
            n -= step;
        } else {
            if (n > UINT64_MAX - step)
                break;
            n += step;
        }
        bt_status fs = p->backend.header_by_number(p->backend.self, n, &it.data);
        if (fs == BT_ENOTFOUND)
            break;
        st = fs == BT_OK ? items_mark(&it) : fs;
    }
    if (st == BT_OK)
        st = items_send(pe, BTS_ETH_BLOCK_HEADERS, q.req_id, &it);
    items_free(&it);
    return st;
}

/* GetBlockBodies, GetReceipts, GetPooledTransactions: look every hash up; unknown ones are
 * skipped (bodies, receipts: go-ethereum stops at none but skips missing ones). */
static bt_status serve_hashes(struct p2p_peer *pe, int code, const uint8_t *data, size_t len)
{
    struct p2p *p = pe->p2p;
    struct bts_eth_list l;
    if (bts_eth_list_decode(&l, code, data, len) != BT_OK)
        return BT_EPROTO;
    int resp = code == BTS_ETH_GET_BLOCK_BODIES ? BTS_ETH_BLOCK_BODIES
               : code == BTS_ETH_GET_RECEIPTS   ? BTS_ETH_RECEIPTS
                                                : BTS_ETH_POOLED_TXS;
    struct items it;
    items_init(&it);
    it.off = calloc(65, sizeof(*it.off));
    it.cap = it.off ? 64 : 0;
    bt_status st = it.off ? BT_OK : BT_ENOMEM;
    struct bts_rlp_iter iter;
    struct bts_rlp_item h;
    bts_rlp_iter_init(&iter, &l.list);
    while (st == BT_OK && it.n < BTS_ETH_MAX_ITEMS && it.data.len < ETH_SOFT_LIMIT &&
           bts_rlp_iter_next(&iter, &h) == BT_OK) {
        uint8_t hash[32];
        if (bts_rlp_item_fixed(&h, hash, 32) != BT_OK)
            return items_free(&it), BT_EPROTO;
        bt_status fs =
            code == BTS_ETH_GET_BLOCK_BODIES ? p->backend.body(p->backend.self, hash, &it.data)
            : code == BTS_ETH_GET_RECEIPTS   ? p->backend.receipts(p->backend.self, hash, &it.data)
                                           : p->backend.pooled_tx(p->backend.self, hash, &it.data);
        if (fs == BT_OK)
            st = items_mark(&it);
        else if (fs != BT_ENOTFOUND)
            st = fs;
    }
    if (st == BT_OK)
        st = items_send(pe, resp, l.req_id, &it);
    items_free(&it);
    return st;
}

/* Hash of a transaction as it travels: a legacy tx is a list (hash of its encoding), a typed
 * one a string holding type || payload (hash of those bytes). */
static void tx_hash(uint8_t out[32], const struct bts_rlp_item *tx)
{
    if (tx->is_list)
        bts_keccak256(out, tx->raw, tx->raw_len);
    else
        bts_keccak256(out, tx->payload, tx->payload_len);
}

static int on_txs(struct p2p_peer *pe, int code, const uint8_t *data, size_t len)
{
    struct p2p *p = pe->p2p;
    struct bts_eth_list l;
    if (bts_eth_list_decode(&l, code, data, len) != BT_OK) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed transactions");
        return 0;
    }
    struct bts_rlp_iter iter;
    struct bts_rlp_item tx;
    bts_rlp_iter_init(&iter, &l.list);
    int is_held = p->backend.on_tx && p->backend.txs_begin && p->backend.txs_end;
    if (is_held)
        p->backend.txs_begin(p->backend.self);
    while (bts_rlp_iter_next(&iter, &tx) == BT_OK) {
        uint8_t h[32];
        tx_hash(h, &tx);
        p2p_known_add(&pe->known_txs, h);
        if (!p->backend.on_tx)
            continue;
        const uint8_t *raw = tx.is_list ? tx.raw : tx.payload;
        size_t raw_len = tx.is_list ? tx.raw_len : tx.payload_len;
        if (p->backend.on_tx(p->backend.self, pe->id, raw, raw_len) == BT_EINVAL) {
            peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "invalid transaction");
            break;
        }
    }
    if (is_held)
        p->backend.txs_end(p->backend.self);
    return 0;
}

static int on_tx_hashes(struct p2p_peer *pe, const uint8_t *data, size_t len)
{
    struct p2p *p = pe->p2p;
    struct bts_eth_list l;
    if (bts_eth_list_decode(&l, BTS_ETH_NEW_POOLED_TX_HASHES, data, len) != BT_OK) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed tx announcement");
        return 0;
    }
    uint8_t want[ETH_MAX_TX_FETCH * 32];
    size_t n = 0;
    struct bts_rlp_iter iter;
    struct bts_rlp_item it;
    bts_rlp_iter_init(&iter, &l.list);
    while (bts_rlp_iter_next(&iter, &it) == BT_OK) {
        uint8_t h[32];
        if (bts_rlp_item_fixed(&it, h, 32) != BT_OK)
            continue;
        p2p_known_add(&pe->known_txs, h);
        if (n < ETH_MAX_TX_FETCH && p->backend.has_tx && !p->backend.has_tx(p->backend.self, h))
            memcpy(want + 32 * n++, h, 32);
    }
    if (n == 0)
        return 0;
    uint64_t req;
    p2p_rand(&req, sizeof(req));
    struct bts_buf b;
    bts_buf_init(&b);
    if (bts_eth_hashes_encode(&b, BTS_ETH_GET_POOLED_TXS, req, want, n) == BT_OK)
        (void)peer_send(pe, pe->eth_cap, BTS_ETH_GET_POOLED_TXS, b.data, b.len);
    bts_buf_free(&b);
    return 0;
}

static int on_block_hashes(struct p2p_peer *pe, const uint8_t *data, size_t len)
{
    struct p2p *p = pe->p2p;
    struct bts_eth_list l;
    if (bts_eth_list_decode(&l, BTS_ETH_NEW_BLOCK_HASHES, data, len) != BT_OK) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed block announcement");
        return 0;
    }
    struct bts_rlp_iter iter;
    bts_rlp_iter_init(&iter, &l.list);
    uint8_t h[32];
    uint64_t num;
    while (bts_eth_hash_number_next(&iter, h, &num) == BT_OK) {
        p2p_known_add(&pe->known_blocks, h);
        if (p->backend.on_block_hash)
            p->backend.on_block_hash(p->backend.self, pe->id, h, num);
    }
    return 0;
}

static int on_new_block(struct p2p_peer *pe, const uint8_t *data, size_t len)
{
    struct p2p *p = pe->p2p;
    struct bts_eth_new_block b;
    if (bts_eth_new_block_decode(&b, data, len) != BT_OK) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed new block");
        return 0;
    }
    uint8_t h[32];
    bts_keccak256(h, b.header.raw, b.header.raw_len);
    p2p_known_add(&pe->known_blocks, h);
    /* Its head moved (go-ethereum: peer.SetHead with the announced td). */
    if (memcmp(b.td, pe->status.td, 32) > 0) {
        memcpy(pe->status.td, b.td, 32);
        memcpy(pe->status.head, h, 32);
    }
    if (p->backend.on_new_block)
        p->backend.on_new_block(p->backend.self, pe->id, &b);
    return 0;
}

static int on_response(struct p2p_peer *pe, int code, const uint8_t *data, size_t len)
{
    struct p2p *p = pe->p2p;
    struct bts_eth_list l;
    if (bts_eth_list_decode(&l, code, data, len) != BT_OK) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed response");
        return 0;
    }
    if (code == BTS_ETH_POOLED_TXS)
        return on_txs(pe, code, data, len);
    if (p->backend.on_response)
        p->backend.on_response(p->backend.self, pe->id, code, &l);
    return 0;
}

static int on_status(struct p2p_peer *pe, const uint8_t *data, size_t len)
{
    if (pe->has_status) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "second status");
        return 0;
    }
    if (bts_eth_status_decode(&pe->status, data, len) != BT_OK) {
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed status");
        return 0;
    }
    const char *why = NULL;
    int reason = eth_status_check(pe->p2p, &pe->status, &why);
    if (reason) {
        pe->p2p->n_refused++;
        hlog(BT_LOG_WARN, "peer refused", "peer=%llu addr=%s reason=%s network=%llu",
             (unsigned long long)pe->id, pe->addr, LOG_Q(why),
             (unsigned long long)pe->status.network_id);
        if (!pe->is_trusted)
            p2p_ban(pe->p2p, pe->sess.remote_id, why);
        peer_close(pe, (uint64_t)reason, why);
        return 0;
    }
    pe->has_status = 1;
    peer_set_ready(pe);
    return 0;
}

int eth_on_msg(struct p2p_peer *pe, uint64_t code, const uint8_t *data, size_t len)
{
    if (code == BTS_ETH_STATUS)
        return on_status(pe, data, len);
    if (!pe->has_status) {
        peer_misbehave(pe, BTS_RLPX_DISC_PROTOCOL_ERROR, "eth message before status");
        return 0;
    }
    bt_status st = BT_OK;
    switch (code) {
    case BTS_ETH_GET_BLOCK_HEADERS:
        st = serve_headers(pe, data, len);
        break;
    case BTS_ETH_GET_BLOCK_BODIES:
    case BTS_ETH_GET_RECEIPTS:
    case BTS_ETH_GET_POOLED_TXS:
        st = serve_hashes(pe, (int)code, data, len);
        break;
    case BTS_ETH_TRANSACTIONS:
        return on_txs(pe, BTS_ETH_TRANSACTIONS, data, len);
    case BTS_ETH_NEW_POOLED_TX_HASHES:
        return on_tx_hashes(pe, data, len);
    case BTS_ETH_NEW_BLOCK_HASHES:
        return on_block_hashes(pe, data, len);
    case BTS_ETH_NEW_BLOCK:
        return on_new_block(pe, data, len);
    case BTS_ETH_BLOCK_HEADERS:
    case BTS_ETH_BLOCK_BODIES:
    case BTS_ETH_RECEIPTS:
    case BTS_ETH_POOLED_TXS:
        return on_response(pe, (int)code, data, len);
    default:
        peer_misbehave(pe, BTS_RLPX_DISC_PROTOCOL_ERROR, "unknown eth message");
        return 0;
    }
    if (st == BT_EPROTO)
        peer_misbehave(pe, BTS_RLPX_DISC_SUBPROTOCOL_ERROR, "malformed request");
    else if (st != BT_OK && st != BT_EINVAL)
        peer_close(pe, BTS_RLPX_DISC_NETWORK_ERROR, bts_status_str(st));
    return 0;
}
