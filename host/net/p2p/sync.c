/* Sync from the best peer (link_int.h), as go-ethereum's downloader does it in full-sync mode,
 * reduced to one peer at a time: learn each peer's head (its Status head hash, asked once; then
 * NewBlock and NewBlockHashes) and total difficulty (Status, NewBlock), pick the heaviest
 * (go-ethereum's chainSyncer: the peer with the highest td, if above ours), then fetch SYNC_BATCH
 * headers at a
 * time (a window of SYNC_WINDOW batches in flight), each batch's bodies once its headers link
 * up, and import complete batches in order through chain_import_blocks (consensus verify,
 * execution, roots, commit: the normal pipeline). A peer that answers with malformed or
 * unlinked headers, or whose blocks fail import, is dropped and banned (p2p_penalise); one that
 * stalls is disconnected; the sync then goes on with the next best peer. */
#include "link_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "log_int.h"

/* How long a peer's head answer is waited for before the sync picks among the others. */
#define SYNC_HEAD_WAIT_MS 2000
/* Log a progress line at most this often. */
#define SYNC_LOG_MS 2000
/* First step back below our head when a peer's blocks do not link to ours (then doubled). */
#define SYNC_BACK_FIRST 8

static uint64_t new_req(void)
{
    uint64_t r = 0;
    while (r <= 1) {
        p2p_rand(&r, sizeof(r));
        r >>= 1; /* stay clear of the top bit: some clients read ids as int64 */
    }
    return r;
}

static struct p2p_peer *live_peer(struct p2p_link *l, uint64_t id)
{
    struct p2p_peer *pe = id ? p2p_find_peer(l->p2p, id) : NULL;
    return pe && pe->is_ready && pe->has_status && !pe->is_closing ? pe : NULL;
}

int sync_is_busy(const struct p2p_link *l)
{
    return l->sync.peer != 0 && l->sync.is_reported;
}

static void batch_free(struct sync_batch *b)
{
    for (size_t i = 0; b->hdr && i < b->count; i++)
        free(b->hdr[i]);
    free(b->hdr);
    free(b->len);
    free(b->hashes);
    free(b->parents);
    memset(b, 0, sizeof(*b));
}

static void set_status(struct p2p_link *l, int is_syncing)
{
    struct chain_sync s;
    memset(&s, 0, sizeof(s));
    s.is_syncing = is_syncing;
    s.starting_block = l->sync.start_head;
    s.current_block = chain_head_header(l->c)->h.number;
    s.highest_block = l->sync.target;
    chain_set_sync(l->c, &s);
    p2p_metrics_sync(is_syncing, s.current_block, s.highest_block);
}

/* Our head's total difficulty, big-endian (zero if unknown). */
static void head_td(struct p2p_link *l, uint8_t out[32])
{
    struct bts_u256 td;
    memset(out, 0, 32);
    if (chain_td(l->c, chain_head_header(l->c)->hash, &td) == BT_OK)
        bts_u256_store_be(out, &td);
}

static double rate(uint64_t n, uint64_t ms)
{
    return ms ? (double)n * 1000.0 / (double)ms : 0.0;
}

static void log_progress(struct p2p_link *l, const char *msg)
{
    struct sync *s = &l->sync;
    uint64_t now = p2p_now_ms(), head = chain_head_header(l->c)->h.number;
    double bps = rate(s->blocks, now - s->start_ms);
    double eta = bps > 0 && s->target > head ? (double)(s->target - head) / bps : 0.0;
    hlog(BT_LOG_INFO, msg,
         "height=%llu target=%llu blocks=%llu txs=%llu blocks_per_s=%.0f tx_per_s=%.0f "
         "eta_s=%.0f peer=%llu",
         (unsigned long long)head, (unsigned long long)s->target, (unsigned long long)s->blocks,
         (unsigned long long)s->txs, bps, rate(s->txs, now - s->start_ms), eta,
         (unsigned long long)s->peer);
    s->last_log_ms = now;
    p2p_metrics_sync(-1, head, s->target);
}

void sync_reset(struct p2p_link *l, const char *why)
{
    struct sync *s = &l->sync;
    for (size_t i = 0; i < SYNC_WINDOW; i++)
        batch_free(&s->b[i]);
    if (s->peer && s->is_reported) {
        if (why)
            hlog(BT_LOG_WARN, "sync interrupted", "peer=%llu reason=\"%s\"",
                 (unsigned long long)s->peer, why);
        set_status(l, 0);
    }
    s->peer = 0;
    s->first = 0;
    s->is_reported = 0;
}

/* The sync ended: the target is reached. The peer's chain is ours now, or lighter (kept as a
 * side branch): a td it claimed above ours was not delivered, so it no longer counts (else the
 * next tick would fetch the same blocks again). */
static void finish(struct p2p_link *l)
{
    struct sync *s = &l->sync;
    struct p2p_peer *pe = live_peer(l, s->peer);
    if (pe) {
        uint8_t ours[32];
        head_td(l, ours);
        if (memcmp(pe->status.td, ours, 32) > 0)
            memcpy(pe->status.td, ours, 32);
        if (pe->td_number < pe->best_number)
            pe->td_number = pe->best_number;
    }
    if (s->is_reported) {
        log_progress(l, "sync done");
        set_status(l, 0);
    }
    s->peer = 0;
    s->first = 0;
    s->is_reported = 0;
}

/* Drop the sync peer: `is_ban` for a wrong chain (banned, as p2p_penalise), else a plain
 * disconnect (stalled or useless). The sync restarts with another peer on the next tick. */
static void drop_peer(struct p2p_link *l, const char *why, int is_ban)
{
    uint64_t id = l->sync.peer;
    struct p2p_peer *pe = live_peer(l, id);
    sync_reset(l, why);
    if (!pe)
        return;
    pe->has_best = 0;
    if (is_ban)
        p2p_penalise(l->p2p, id, why);
    else
        peer_close(pe, BTS_RLPX_DISC_USELESS_PEER, why);
}

void sync_peer_has(struct p2p_link *l, uint64_t peer, uint64_t number)
{
    struct p2p_peer *pe = live_peer(l, peer);
    if (!pe)
        return;
    if (!pe->has_best || number > pe->best_number) {
        pe->best_number = number;
        pe->has_best = 1;
    }
    if (peer == l->sync.peer && number > l->sync.target) {
        l->sync.target = number;
        if (l->sync.is_reported)
            set_status(l, 1);
    }
}

void sync_peer_td(struct p2p_link *l, uint64_t peer, uint64_t number, const uint8_t td[32])
{
    struct p2p_peer *pe = live_peer(l, peer);
    /* eth.c keeps the highest td announced: this one is the peer's if it is that. */
    if (pe && memcmp(pe->status.td, td, 32) == 0 && number > pe->td_number)
        pe->td_number = number;
}

static bt_status send_headers(struct p2p_peer *pe, struct sync_batch *b)
{
    struct bts_eth_get_headers q;
    memset(&q, 0, sizeof(q));
    q.req_id = b->req_id = new_req();
    q.origin_number = b->from;
    q.amount = b->count;
    struct bts_buf m;
    bts_buf_init(&m);
    bt_status st = bts_eth_get_headers_encode(&m, &q);
    if (st == BT_OK)
        st = peer_send(pe, pe->eth_cap, BTS_ETH_GET_BLOCK_HEADERS, m.data, m.len);
    bts_buf_free(&m);
    b->state = 1;
    b->sent_ms = p2p_now_ms();
    return st;
}

static bt_status send_bodies(struct p2p_peer *pe, struct sync_batch *b)
{
    b->req_id = new_req();
    struct bts_buf m;
    bts_buf_init(&m);
    bt_status st = bts_eth_hashes_encode(&m, BTS_ETH_GET_BLOCK_BODIES, b->req_id,
                                         &b->hashes[b->n_bodies][0], b->count - b->n_bodies);
    if (st == BT_OK)
        st = peer_send(pe, pe->eth_cap, BTS_ETH_GET_BLOCK_BODIES, m.data, m.len);
    bts_buf_free(&m);
    b->state = 2;
    b->sent_ms = p2p_now_ms();
    return st;
}

/* Ask for more batches while the window has room and the target is not reached. */
static void fill(struct p2p_link *l, struct p2p_peer *pe)
{
    struct sync *s = &l->sync;
    for (size_t k = 0; k < SYNC_WINDOW && s->next <= s->target; k++) {
        struct sync_batch *b = &s->b[(s->first + k) % SYNC_WINDOW];
        if (b->state != 0)
            continue;
        uint64_t left = s->target - s->next + 1;
        b->from = s->next;
        b->count = left < SYNC_BATCH ? (size_t)left : SYNC_BATCH;
        s->next += b->count;
        b->hdr = calloc(b->count, sizeof(*b->hdr));
        b->len = calloc(b->count, sizeof(*b->len));
        b->hashes = calloc(b->count, 32);
        b->parents = calloc(b->count, 32);
        if (!b->hdr || !b->len || !b->hashes || !b->parents || send_headers(pe, b) != BT_OK) {
            drop_peer(l, "cannot send a sync request", 0);
            return;
        }
    }
}

/* Import the complete batches at the front of the window. */
static void import_ready(struct p2p_link *l)
{
    struct sync *s = &l->sync;
    while (s->peer && s->b[s->first].state == 3) {
        struct sync_batch *b = &s->b[s->first];
        struct chain_stats before, after;
        chain_get_stats(l->c, &before);
        size_t done = 0;
        char err[768] = "";
        bt_status st = chain_import_blocks(l->c, (const uint8_t *const *)b->hdr, b->len, b->count,
                                           &done, err, sizeof(err));
        chain_get_stats(l->c, &after);
        s->blocks += done;
        s->txs += after.txs - before.txs;
        if (st == BT_ENOTFOUND && b->from + done > 1 &&
            (l->back_peer != s->peer || l->back < s->start_head)) {
            /* Unknown ancestor: the peer is on another branch that forks below where we asked
             * from. Step further back and try again with the same peer (geth's downloader finds
             * the common ancestor the same way, by asking for older headers). */
            uint64_t peer = s->peer;
            l->back = l->back_peer == peer && l->back ? l->back * 2 : SYNC_BACK_FIRST;
            l->back_peer = peer;
            hlog(BT_LOG_DEBUG, "sync: peer on another branch", "peer=%llu back=%llu",
                 (unsigned long long)peer, (unsigned long long)l->back);
            sync_reset(l, NULL);
            return;
        }
        if (st == BT_EBUSY) {
            /* A future block (the engine says retry later): not the peer's fault. */
            sync_reset(l, NULL);
            return;
        }
        if (st != BT_OK) {
            char why[900];
            snprintf(why, sizeof(why), "bad block %llu from sync peer: %s",
                     (unsigned long long)(b->from + done), err[0] ? err : bts_status_str(st));
            /* Invalid blocks, or unlinked down to genesis: a wrong chain. Anything else
             * (storage) is ours. */
            drop_peer(l, why, st == BT_EINVAL || st == BT_ENOTFOUND);
            return;
        }
        batch_free(b);
        s->first = (s->first + 1) % SYNC_WINDOW;
        if (s->is_reported) {
            set_status(l, 1);
            if (p2p_now_ms() - s->last_log_ms >= SYNC_LOG_MS)
                log_progress(l, "syncing");
        }
    }
    if (!s->peer)
        return;
    if (s->next > s->target && s->b[s->first].state == 0) {
        if (l->back_peer == s->peer)
            l->back_peer = l->back = 0;
        finish(l);
        return;
    }
    struct p2p_peer *pe = live_peer(l, s->peer);
    if (pe)
        fill(l, pe);
}

static struct sync_batch *find_batch(struct sync *s, uint64_t req_id, int state)
{
    for (size_t i = 0; i < SYNC_WINDOW; i++)
        if (s->b[i].state == state && s->b[i].req_id == req_id)
            return &s->b[i];
    return NULL;
}

/* Forget the batches after `b` (their ranges no longer follow on) and ask again from `next`. */
static void cut_after(struct sync *s, struct sync_batch *b, uint64_t next)
{
    size_t i = (size_t)(b - s->b);
    for (size_t k = 1; k < SYNC_WINDOW; k++) {
        size_t j = (i + k) % SYNC_WINDOW;
        if (j == s->first)
            break;
        batch_free(&s->b[j]);
    }
    s->next = next;
}

static void on_headers(struct p2p_link *l, struct p2p_peer *pe, struct sync_batch *b,
                       const struct bts_eth_list *lst)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item item;
    size_t n = 0;
    bts_rlp_iter_init(&it, &lst->list);
    while (n < b->count && bts_rlp_iter_next(&it, &item) == BT_OK) {
        struct bts_header h;
        if (bts_header_decode(&h, item.raw, item.raw_len) != BT_OK || h.number != b->from + n ||
            (n > 0 && memcmp(h.parent_hash.bytes, b->hashes[n - 1], 32) != 0)) {
            drop_peer(l, "sync: malformed or unlinked headers", 1);
            return;
        }
        bts_keccak256(b->hashes[n], item.raw, item.raw_len);
        memcpy(b->parents[n], h.parent_hash.bytes, 32);
        if (!(b->hdr[n] = malloc(item.raw_len))) {
            drop_peer(l, "out of memory", 0);
            return;
        }
        memcpy(b->hdr[n], item.raw, item.raw_len);
        b->len[n++] = item.raw_len;
    }
    if (n == 0) {
        /* It announced more than it serves (or went to another branch). */
        drop_peer(l, "sync: peer has no headers past our head", 0);
        return;
    }
    if (n < b->count) {
        cut_after(&l->sync, b, b->from + n);
        b->count = n;
    }
    if (send_bodies(pe, b) != BT_OK)
        drop_peer(l, "cannot send a sync request", 0);
}

static void on_bodies(struct p2p_link *l, struct p2p_peer *pe, struct sync_batch *b,
                      const struct bts_eth_list *lst)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item body;
    size_t got = 0;
    bts_rlp_iter_init(&it, &lst->list);
    while (b->n_bodies < b->count && bts_rlp_iter_next(&it, &body) == BT_OK) {
        if (!body.is_list) {
            drop_peer(l, "sync: malformed body", 1);
            return;
        }
        /* The block: rlp([header, txs, uncles]) = list(header || the body list's items). */
        size_t k = b->n_bodies, hl = b->len[k], pl = hl + body.payload_len;
        struct bts_buf blk;
        bts_buf_init(&blk);
        if (bts_rlp_encode_list_header(&blk, pl) != BT_OK ||
            bts_buf_append(&blk, b->hdr[k], hl) != BT_OK ||
            bts_buf_append(&blk, body.payload, body.payload_len) != BT_OK) {
            bts_buf_free(&blk);
            drop_peer(l, "out of memory", 0);
            return;
        }
        free(b->hdr[k]);
        b->hdr[k] = blk.data; /* taken over */
        b->len[k] = blk.len;
        b->n_bodies++;
        got++;
    }
    if (got == 0) {
        drop_peer(l, "sync: peer serves no bodies", 0);
        return;
    }
    if (b->n_bodies < b->count) {
        if (send_bodies(pe, b) != BT_OK)
            drop_peer(l, "cannot send a sync request", 0);
        return;
    }
    b->state = 3;
    import_ready(l);
}

void sync_on_response(struct p2p_link *l, uint64_t peer, int code, const struct bts_eth_list *lst)
{
    struct p2p_peer *pe = live_peer(l, peer);
    if (!pe)
        return;
    if (code == BTS_ETH_BLOCK_HEADERS && pe->head_req > 1 && lst->req_id == pe->head_req) {
        /* Its Status head: now we know its height. */
        pe->head_req = 1;
        struct bts_rlp_iter it;
        struct bts_rlp_item item;
        struct bts_header h;
        bts_rlp_iter_init(&it, &lst->list);
        if (bts_rlp_iter_next(&it, &item) == BT_OK &&
            bts_header_decode(&h, item.raw, item.raw_len) == BT_OK) {
            uint8_t hash[32];
            bts_keccak256(hash, item.raw, item.raw_len);
            sync_peer_has(l, peer, h.number);
            if (memcmp(hash, pe->status.head, 32) == 0 && h.number > pe->td_number)
                pe->td_number = h.number; /* status.td is this block's */
        }
        sync_tick(l);
        return;
    }
    if (peer != l->sync.peer)
        return;
    struct sync_batch *b;
    if (code == BTS_ETH_BLOCK_HEADERS && (b = find_batch(&l->sync, lst->req_id, 1)))
        on_headers(l, pe, b, lst);
    else if (code == BTS_ETH_BLOCK_BODIES && (b = find_batch(&l->sync, lst->req_id, 2)))
        on_bodies(l, pe, b, lst);
}

static void ask_head(struct p2p_peer *pe)
{
    struct bts_eth_get_headers q;
    memset(&q, 0, sizeof(q));
    q.req_id = pe->head_req = new_req();
    pe->head_req_ms = p2p_now_ms();
    q.is_by_hash = 1;
    memcpy(q.origin_hash, pe->status.head, 32);
    q.amount = 1;
    struct bts_buf m;
    bts_buf_init(&m);
    if (bts_eth_get_headers_encode(&m, &q) == BT_OK)
        (void)peer_send(pe, pe->eth_cap, BTS_ETH_GET_BLOCK_HEADERS, m.data, m.len);
    bts_buf_free(&m);
}

/* Whether a peer is worth syncing from. Its td known at its announced head (Status, NewBlock):
 * only if heavier than our head, at any height (go-ethereum's chainSyncer); its newer blocks
 * announced as hashes only (no td): also if higher than our head, as its td is then only a lower
 * bound. The peer whose branch is being traced back (l->back) stays one until that is done. */
static int is_candidate(const struct p2p_link *l, const struct p2p_peer *pe, uint64_t head,
                        const uint8_t our_td[32])
{
    if (!pe->is_ready || !pe->has_status || pe->is_closing || !pe->has_best)
        return 0;
    if (pe->id == l->back_peer && l->back > 0)
        return 1;
    int is_heavier = memcmp(pe->status.td, our_td, 32) > 0;
    if (pe->td_number >= pe->best_number)
        return is_heavier;
    return is_heavier || pe->best_number > head;
}

/* Heavier first, then higher. */
static int is_better(const struct p2p_peer *pe, const struct p2p_peer *best)
{
    if (!best)
        return 1;
    int c = memcmp(pe->status.td, best->status.td, 32);
    return c > 0 || (c == 0 && pe->best_number > best->best_number);
}

void sync_tick(struct p2p_link *l)
{
    struct sync *s = &l->sync;
    uint64_t now = p2p_now_ms();
    for (struct p2p_peer *pe = l->p2p->peers; pe; pe = pe->next)
        if (pe->is_ready && pe->has_status && !pe->is_closing && pe->head_req == 0)
            ask_head(pe);
    /* Our loop was stuck (a long import, a big block built): answers sat unread in the socket
     * meanwhile, so that time does not count against the requests in flight. */
    uint64_t gap = s->last_tick_ms && now > s->last_tick_ms ? now - s->last_tick_ms : 0;
    s->last_tick_ms = now;
    if (gap > SYNC_STALL_MS)
        for (size_t i = 0; i < SYNC_WINDOW; i++) {
            /* Never past now: a request sent during the stall would wrap `now - sent_ms`. */
            uint64_t t = s->b[i].sent_ms + (gap - SYNC_STALL_MS);
            s->b[i].sent_ms = t < now ? t : now;
        }
    if (s->peer) {
        if (!live_peer(l, s->peer)) {
            sync_reset(l, "peer gone");
        } else {
            for (size_t i = 0; i < SYNC_WINDOW; i++) {
                if ((s->b[i].state == 1 || s->b[i].state == 2) && now > s->b[i].sent_ms &&
                    now - s->b[i].sent_ms > SYNC_TIMEOUT_MS) {
                    drop_peer(l, "sync: request timed out", 0);
                    break;
                }
            }
        }
        if (s->peer && s->is_reported && now - s->last_log_ms >= SYNC_LOG_MS)
            log_progress(l, "syncing");
    }
    if (s->peer)
        return;
    uint64_t head = chain_head_header(l->c)->h.number;
    struct p2p_peer *best = NULL;
    /* Wait (a little) for every peer's head before choosing: the best is not the first. */
    for (struct p2p_peer *pe = l->p2p->peers; pe; pe = pe->next)
        if (pe->is_ready && !pe->is_closing && pe->head_req > 1 &&
            now - pe->head_req_ms < SYNC_HEAD_WAIT_MS)
            return;
    uint8_t our_td[32];
    head_td(l, our_td);
    for (struct p2p_peer *pe = l->p2p->peers; pe; pe = pe->next)
        if (is_candidate(l, pe, head, our_td) && is_better(pe, best))
            best = pe;
    if (!best)
        return;
    if (best->best_number <= head && !(best->id == l->back_peer && l->back > 0)) {
        /* Heavier but not higher: another branch. Fetch from its head down (import_ready steps
         * further back until its blocks link to ours; the chain then reorgs to it). */
        l->back_peer = best->id;
        l->back = head + 1 - best->best_number;
    }
    uint64_t back = l->back_peer == best->id ? l->back : 0;
    if (back > head)
        back = head;
    if (best->best_number < head + 1 - back) {
        l->back_peer = l->back = 0; /* nothing of its branch left to fetch */
        return;
    }
    memset(s, 0, sizeof(*s));
    s->peer = best->id;
    s->target = best->best_number;
    s->next = head + 1 - back;
    s->start_head = head;
    s->start_ms = now;
    /* The first imported batch logs a progress line at once (then every SYNC_LOG_MS), so even
     * a sync shorter than the interval shows its rate. */
    s->last_log_ms = now - SYNC_LOG_MS;
    s->is_reported = s->target > head && s->target - head >= SYNC_REPORT_GAP;
    if (s->is_reported) {
        set_status(l, 1);
        hlog(BT_LOG_INFO, "sync started", "height=%llu target=%llu peer=%llu addr=%s",
             (unsigned long long)head, (unsigned long long)s->target, (unsigned long long)best->id,
             best->addr);
    }
    fill(l, best);
}
