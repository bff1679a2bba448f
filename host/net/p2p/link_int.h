/* The chain attached to the p2p node (issue #11, chain half): the eth/66 backend answering from
 * host/chain (link.c), block and transaction propagation from the chain's events (link.c), and
 * the sync from the best peer (sync.c): headers first, then bodies, imported in batches through
 * the normal chain_import pipeline. Private to host/net/p2p. Thread: loop. */
#ifndef BTTCD_P2P_LINK_INT_H
#define BTTCD_P2P_LINK_INT_H

#include "chain_int.h"
#include "p2p_priv.h"

/* Blocks per request (go-ethereum downloader: MaxHeaderFetch 192, MaxBlockFetch 128). */
#define SYNC_BATCH 128
/* Batches requested ahead of the one being imported. */
#define SYNC_WINDOW 4
/* A request not answered within this is a stalled peer (go-ethereum ttlLimit is a minute;
 * on a LAN this is plenty). */
#define SYNC_TIMEOUT_MS 15000
/* A pause between two sync ticks longer than this is our own loop stalling (ticks come every
 * 200 ms): the excess is not counted as waiting for the peer. */
#define SYNC_STALL_MS 1000
/* A gap at least this long counts as syncing for eth_syncing and the progress lines; shorter
 * gaps (a missed announcement) are fetched quietly. */
#define SYNC_REPORT_GAP 32

/* One batch of consecutive blocks: headers requested, then bodies, then imported. */
struct sync_batch {
    int state; /* 0 free, 1 headers asked, 2 bodies asked, 3 complete */
    uint64_t from;
    size_t count;     /* asked; after headers: received */
    uint64_t req_id;  /* the request in flight */
    uint64_t sent_ms; /* when it was sent */
    uint8_t (*hashes)[32];
    uint8_t (*parents)[32];
    uint8_t **hdr; /* header RLP, then the whole block RLP once its body came */
    size_t *len;
    size_t n_bodies; /* bodies received (in order) */
};

struct sync {
    uint64_t peer; /* 0: idle */
    uint64_t target;
    uint64_t next; /* next block number to ask headers for */
    struct sync_batch b[SYNC_WINDOW];
    size_t first; /* index of the lowest batch */
    int is_reported;
    uint64_t start_head, start_ms, last_log_ms, last_log_head;
    uint64_t blocks, txs;
    uint64_t last_tick_ms; /* the previous sync_tick (stalls of our own loop are not the peer's) */
};

struct p2p_link {
    struct p2p *p2p;
    struct chain *c;
    uint64_t sub_id;
    struct p2p_backend saved_backend;
    struct p2p_chain saved_chain;
    struct event *timer;
    /* Transaction hashes entered into the pool since the last flush (announced together). */
    uint8_t *tx_hashes;
    size_t n_tx, cap_tx;
    struct event *tx_timer;
    int is_tx_armed;
    struct sync sync;
    /* Another branch: the peer whose blocks did not link to ours, and how far below our head
     * the next sync with it starts (doubled at each miss, so the fork point is found in a few
     * rounds; chain_import skips the blocks we have and imports the rest as a side branch). */
    uint64_t back_peer, back;
};

/* sync.c */
/* Every tick: learn peers' heads, start, advance or time out the sync. */
void sync_tick(struct p2p_link *l);
/* A BlockHeaders or BlockBodies answer (other codes ignored). */
void sync_on_response(struct p2p_link *l, uint64_t peer, int code, const struct bts_eth_list *lst);
/* Whether a long sync runs (announcements of imported blocks are held back). */
int sync_is_busy(const struct p2p_link *l);
/* A peer announced a block it has (NewBlock, NewBlockHashes): raise its known head. */
void sync_peer_has(struct p2p_link *l, uint64_t peer, uint64_t number);
/* A peer's total difficulty at block `number` is known (NewBlock): the sync picks by it. */
void sync_peer_td(struct p2p_link *l, uint64_t peer, uint64_t number, const uint8_t td[32]);
/* Drop every batch (shutdown). */
void sync_reset(struct p2p_link *l, const char *why);

#endif /* BTTCD_P2P_LINK_INT_H */
