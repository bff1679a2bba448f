/* Internals of the Delivery node shared by its files (not part of the plugin's API). */
#ifndef DLV_NODE_INT_H
#define DLV_NODE_INT_H

#include <bts/buf.h>
#include <bts/valset.h>

#include "bft.h"
#include "dlv_node.h"

/* Block header fields for encoding. */
struct dlv_block_hdr {
    uint64_t height, time_ms;
    uint8_t proposer[20];
    uint8_t last_app_hash[32];
    int32_t last_round;
};

/* dlv_codec.c: encode a block from the RLP payloads of its tx list and vote list. */
bt_status dlv_block_encode(struct bts_buf *b, const struct dlv_block_hdr *h, const uint8_t *txs_raw,
                           size_t txs_raw_len, const uint8_t *votes_raw, size_t votes_raw_len);

/* dlv_batch.c: the commit batch (ops own copies of keys and values). */
struct dlv_batch {
    struct bt_storage_op *ops;
    size_t n, cap;
};
void dlv_batch_init(struct dlv_batch *b);
void dlv_batch_free(struct dlv_batch *b);
/* As dlv_batch_put, for the node's own keys (no prefix rule). */
bt_status dlv_batch_add(struct dlv_batch *b, uint32_t type, const uint8_t *key, size_t key_len,
                        const uint8_t *value, size_t value_len);

/* dlv_mempool.c: txs waiting for a block, in arrival order, de-duplicated by keccak hash. */
struct dlv_mp_tx {
    uint8_t hash[32];
    uint8_t *tx;
    size_t len;
};
struct dlv_mempool {
    struct dlv_mp_tx *v;
    size_t n, cap, bytes;
    size_t max_txs, max_bytes;
};
void dlv_mempool_init(struct dlv_mempool *m, size_t max_txs, size_t max_bytes);
void dlv_mempool_free(struct dlv_mempool *m);
int dlv_mempool_has(const struct dlv_mempool *m, const uint8_t hash[32]);
/* Returns BT_OK, BT_EEXIST, BT_ERANGE (full), BT_ENOMEM. tx copied. */
bt_status dlv_mempool_add(struct dlv_mempool *m, const uint8_t *tx, size_t len);
/* Remove the tx with this hash if present. */
void dlv_mempool_remove(struct dlv_mempool *m, const uint8_t hash[32]);

/* --- the node (dlv_node.c: lifecycle, engine, commit; dlv_net.c: topics) ------------------- */

struct dlv_node;

struct dlv_timer {
    struct dlv_node *n;
    uint64_t id;
    enum bft_timer t;
    uint64_t h;
    int32_t r;
    struct dlv_timer *next, *prev;
};

/* A precommit extension blob, kept by hash to relay votes and store certificates. */
struct dlv_blob {
    uint64_t height;
    uint8_t hash[32];
    uint8_t *p;
    size_t len;
};

/* A complete block we hold for a height not yet committed (proposed, reassembled, synced). */
struct dlv_cand {
    uint64_t height;
    uint8_t hash[32];
    uint8_t *p;
    size_t len;
};

/* A block being reassembled from dlv/part messages. */
struct dlv_parts {
    uint8_t hash[32];
    uint64_t height;
    uint16_t total, got;
    uint8_t *have;
    uint8_t *buf;
    size_t last_len;
    uint64_t last_ms;
};

#define DLV_MAX_CANDS   8
#define DLV_MAX_PARTS   4
#define DLV_MAX_BLOBS   (4 * BFT_MAX_VALIDATORS)
#define DLV_MAX_PENDING 8
/* A proposed block's time may be at most this far ahead of our wall clock. */
#define DLV_MAX_CLOCK_AHEAD_MS 30000

struct dlv_node {
    struct dlv_node_config cfg;
    struct dlv_env env;
    struct dlv_app app;
    struct bft_engine *e;
    uint64_t gen; /* bumped when the engine is replaced: stale action lists stop */
    int started, halted;
    uint64_t height; /* last committed */
    uint8_t app_hash[32];
    uint64_t last_time;
    int32_t last_round; /* round the last committed height was decided in */
    uint64_t height_start_ms;
    struct bts_valset set; /* the set of height + 1 */
    int32_t self;          /* our index in set, -1 */
    struct dlv_timer *timers;
    struct dlv_blob blobs[DLV_MAX_BLOBS];
    size_t n_blobs, blob_next;
    struct dlv_cand cands[DLV_MAX_CANDS];
    size_t cand_next;
    struct dlv_parts parts[DLV_MAX_PARTS];
    struct {
        uint64_t h;
        int32_t r;
        uint8_t v[32];
        int used;
    } pend_valid[DLV_MAX_PENDING];
    /* a decision whose block we lack (decided from votes or a certificate) */
    int pend_commit;
    uint64_t pend_h;
    int32_t pend_r;
    uint8_t pend_v[32];
    uint8_t *pend_cert; /* encoded certificate (RLP list) */
    size_t pend_cert_len;
    uint64_t cur_peer; /* sender of the message being handled (for CATCHUP) */
    uint64_t sync_req_ms;
    uint64_t sync_peer; /* the peer whose sync answer gave the last height (0: none) */
    uint64_t peer_top;
    uint64_t next_timer;
    /* the timer starting the next height (0: none) */ /* highest height seen in peers'
                                                          consensus messages */
    struct dlv_mempool mp;
};

/* dlv_node.c */
void dlv_node_run(struct dlv_node *n, struct bft_actions *a);
void dlv_node_log(struct dlv_node *n, int level, const char *event, const char *fmt, ...)
    BT_PRINTF(4, 5);
const struct dlv_cand *dlv_cand_find(const struct dlv_node *n, const uint8_t hash[32]);
void dlv_cand_add(struct dlv_node *n, uint64_t height, const uint8_t hash[32], const uint8_t *p,
                  size_t len);
/* A complete block arrived: answer pending validations, finish a pending commit. */
void dlv_node_block_ready(struct dlv_node *n, const uint8_t hash[32]);
const struct dlv_blob *dlv_blob_find(const struct dlv_node *n, const uint8_t hash[32]);
void dlv_blob_add(struct dlv_node *n, uint64_t height, const uint8_t hash[32], const uint8_t *p,
                  size_t len);
uint64_t dlv_cur_height(const struct dlv_node *n);
bt_status dlv_store_get(struct dlv_node *n, const char *prefix, uint64_t h, uint8_t **out,
                        size_t *out_len);

/* dlv_net.c */
bt_status dlv_net_encode_vote(struct dlv_node *n, const struct bft_msg *m, struct bts_buf *b);
void dlv_net_send_parts(struct dlv_node *n, const struct dlv_cand *c);
void dlv_net_sync_request(struct dlv_node *n, uint64_t peer, uint64_t height);
void dlv_net_sync_serve(struct dlv_node *n, uint64_t peer, uint64_t height);

/* Big-endian u64 in store keys and wire payloads (heights sort in byte order). */
static inline void dlv_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static inline uint64_t dlv_get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

#endif /* DLV_NODE_INT_H */
