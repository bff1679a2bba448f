/* Message counters, and propagation helpers for the chain core: blocks announced as go-ethereum's
 * eth/handler.go BroadcastBlock does (the full block to sqrt(n) peers that do not know it, the
 * hash to the rest), transactions as its BroadcastTransactions (full to sqrt(n) peers, hashes
 * to the rest) or hashes only, to peers that have not seen them, and the
 * per-peer memory of known hashes that keeps us from echoing what a peer sent. */
#include "p2p_priv.h"

#include <stdlib.h>
#include <string.h>

void p2p_stat_msg(struct p2p *p, const struct p2p_peer *pe, int shared_cap, uint64_t code,
                  size_t len, int is_out)
{
    if (shared_cap < 0 || (size_t)shared_cap >= pe->sess.n_shared || code >= P2P_STAT_CODES)
        return;
    size_t c = pe->sess.shared_local[shared_cap]; /* index into p->caps: P2P_CAP_* */
    if (c >= P2P_N_CAPS)
        return;
    if (is_out) {
        p->stats.msgs_out[c][code]++;
        p->stats.bytes_out[c][code] += len;
    } else {
        p->stats.msgs_in[c][code]++;
        p->stats.bytes_in[c][code] += len;
    }
}

/* The set's key of a hash: its first 8 bytes (uniform already), 0 kept for empty slots. */
static uint64_t known_key(const uint8_t h[32])
{
    uint64_t v;
    memcpy(&v, h, 8);
    return v ? v : 1;
}

#define KNOWN_MASK ((size_t)P2P_KNOWN_SLOTS - 1)

/* The slot holding key, or the empty slot where the probe ended. */
static size_t known_slot(const struct p2p_known *k, uint64_t key)
{
    size_t i = (size_t)key & KNOWN_MASK;
    while (k->set[i] && k->set[i] != key)
        i = (i + 1) & KNOWN_MASK;
    return i;
}

/* Remove a present key, shifting later entries of its probe run back (no tombstones). */
static void known_del(struct p2p_known *k, uint64_t key)
{
    size_t i = known_slot(k, key);
    if (!k->set[i])
        return;
    for (size_t j = i;;) {
        j = (j + 1) & KNOWN_MASK;
        if (!k->set[j])
            break;
        size_t home = (size_t)k->set[j] & KNOWN_MASK;
        /* Entry j may move to i only if its home is not in (i, j] (cyclically). */
        int stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (stays)
            continue;
        k->set[i] = k->set[j];
        i = j;
    }
    k->set[i] = 0;
}

int p2p_known_has(const struct p2p_known *k, const uint8_t h[32])
{
    return k->set[known_slot(k, known_key(h))] != 0;
}

void p2p_known_add(struct p2p_known *k, const uint8_t h[32])
{
    uint64_t key = known_key(h);
    size_t i = known_slot(k, key);
    if (k->set[i])
        return;
    if (k->n == P2P_KNOWN) {
        known_del(k, k->ring[k->next]); /* the oldest */
        i = known_slot(k, key);
    } else {
        k->n++;
    }
    k->set[i] = key;
    k->ring[k->next] = key;
    k->next = (k->next + 1) % P2P_KNOWN;
}

void p2p_announce_block(struct p2p *p, const uint8_t hash[32], uint64_t number,
                        const uint8_t *block, size_t block_len, const uint8_t td[32])
{
    size_t n = 0;
    for (struct p2p_peer *pe = p->peers; pe; pe = pe->next)
        n += pe->is_ready && pe->has_status && !p2p_known_has(&pe->known_blocks, hash);
    size_t full = 0;
    while ((full + 1) * (full + 1) <= n) /* floor(sqrt(n)) */
        full++;
    struct bts_buf nb, hb, item;
    bts_buf_init(&nb);
    bts_buf_init(&hb);
    bts_buf_init(&item);
    bt_status st = bts_eth_new_block_encode(&nb, block, block_len, td);
    if (st == BT_OK)
        st = bts_eth_hash_number_encode(&item, hash, number);
    if (st == BT_OK) {
        const uint8_t *ip = item.data;
        size_t il = item.len;
        st = bts_eth_list_encode(&hb, BTS_ETH_NEW_BLOCK_HASHES, 0, &ip, &il, 1);
    }
    size_t i = 0;
    for (struct p2p_peer *pe = p->peers; st == BT_OK && pe; pe = pe->next) {
        if (!pe->is_ready || !pe->has_status || pe->is_closing ||
            p2p_known_has(&pe->known_blocks, hash))
            continue;
        p2p_known_add(&pe->known_blocks, hash);
        if (i++ < full)
            (void)peer_send(pe, pe->eth_cap, BTS_ETH_NEW_BLOCK, nb.data, nb.len);
        else
            (void)peer_send(pe, pe->eth_cap, BTS_ETH_NEW_BLOCK_HASHES, hb.data, hb.len);
    }
    bts_buf_free(&nb);
    bts_buf_free(&hb);
    bts_buf_free(&item);
}

void p2p_announce_txs(struct p2p *p, const uint8_t *hashes, size_t n)
{
    uint8_t *want = malloc(n ? 32 * n : 1);
    if (!want)
        return;
    for (struct p2p_peer *pe = p->peers; pe; pe = pe->next) {
        if (!pe->is_ready || !pe->has_status || pe->is_closing)
            continue;
        size_t k = 0;
        for (size_t i = 0; i < n && k < BTS_ETH_MAX_HASHES; i++) {
            if (p2p_known_has(&pe->known_txs, hashes + 32 * i))
                continue;
            p2p_known_add(&pe->known_txs, hashes + 32 * i);
            memcpy(want + 32 * k++, hashes + 32 * i, 32);
        }
        if (k == 0)
            continue;
        struct bts_buf b;
        bts_buf_init(&b);
        if (bts_eth_hashes_encode(&b, BTS_ETH_NEW_POOLED_TX_HASHES, 0, want, k) == BT_OK)
            (void)peer_send(pe, pe->eth_cap, BTS_ETH_NEW_POOLED_TX_HASHES, b.data, b.len);
        bts_buf_free(&b);
    }
    free(want);
}

/* Transactions to one peer: the ones it does not know, as full transactions (`get` gives a
 * transaction's network form; a hash it cannot find is skipped) or as hashes. */
static void txs_to_peer(struct p2p_peer *pe, const uint8_t *hashes, size_t n, int is_full,
                        p2p_tx_get_fn get, void *arg)
{
    struct bts_buf items, msg;
    bts_buf_init(&items);
    bts_buf_init(&msg);
    const uint8_t **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    size_t *lens = calloc(n ? n : 1, sizeof(*lens)), *offs = calloc(n + 1, sizeof(*offs));
    size_t k = 0;
    bt_status st = ptrs && lens && offs ? BT_OK : BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < n && k < BTS_ETH_MAX_HASHES; i++) {
        const uint8_t *h = hashes + 32 * i;
        if (p2p_known_has(&pe->known_txs, h))
            continue;
        size_t before = items.len;
        bt_status gs = is_full ? get(arg, h, &items) : bts_buf_append(&items, h, 32);
        if (gs == BT_ENOTFOUND)
            continue;
        if ((st = gs) != BT_OK)
            break;
        p2p_known_add(&pe->known_txs, h);
        offs[k] = before;
        lens[k++] = items.len - before;
    }
    for (size_t i = 0; st == BT_OK && i < k; i++)
        ptrs[i] = items.data + offs[i];
    if (st == BT_OK && k > 0) {
        if (is_full)
            st = bts_eth_list_encode(&msg, BTS_ETH_TRANSACTIONS, 0, ptrs, lens, k);
        else
            st = bts_eth_hashes_encode(&msg, BTS_ETH_NEW_POOLED_TX_HASHES, 0, items.data, k);
        if (st == BT_OK)
            (void)peer_send(pe, pe->eth_cap,
                            is_full ? BTS_ETH_TRANSACTIONS : BTS_ETH_NEW_POOLED_TX_HASHES, msg.data,
                            msg.len);
    }
    free(ptrs);
    free(lens);
    free(offs);
    bts_buf_free(&items);
    bts_buf_free(&msg);
}

void p2p_broadcast_txs(struct p2p *p, const uint8_t *hashes, size_t n, p2p_tx_get_fn get, void *arg)
{
    size_t m = 0, full = 0, i = 0;
    for (struct p2p_peer *pe = p->peers; pe; pe = pe->next)
        m += pe->is_ready && pe->has_status && !pe->is_closing;
    while ((full + 1) * (full + 1) <= m) /* floor(sqrt(m)) */
        full++;
    for (struct p2p_peer *pe = p->peers; pe; pe = pe->next) {
        if (!pe->is_ready || !pe->has_status || pe->is_closing)
            continue;
        txs_to_peer(pe, hashes, n, i++ < full, get, arg);
    }
}
