/* Internals shared by the txpool files (txpool.c, txpool_iter.c, txpool_journal.c,
 * txpool_json.c). Not for other users: they see txpool_int.h. */
#ifndef BTTCD_TXPOOL_PRIV_H
#define BTTCD_TXPOOL_PRIV_H

#include <bts/buf.h>

#include "txpool_int.h"

/** One sender: its transactions sorted by nonce; the first n_pending are executable
 *  (nonces state_nonce, state_nonce + 1, ...), the rest are queued behind a gap. */
struct txpool_account {
    struct bt_address addr;
    uint64_t state_nonce;
    struct bts_u256 balance;
    struct txpool_tx **txs;
    size_t n, cap;
    size_t n_pending;
    uint64_t reset_gen; /* txpool_reset_senders pass that refreshed it last */
};

/** Open-addressing map from a fixed-size key inside the value to the value. */
struct txpool_map {
    void **slots;
    size_t cap; /* power of two, or 0 */
    size_t n;
    size_t key_off; /* offset of the key inside the value */
    size_t key_len;
};

/** The value whose key equals `key` (key_len bytes), or NULL. */
void *txpool_map_get(const struct txpool_map *m, const uint8_t *key);
/** Insert a value whose key is not present. Returns BT_OK, BT_ENOMEM (map unchanged). */
bt_status txpool_map_put(struct txpool_map *m, void *v);
/** Remove a value that is present (by pointer). */
void txpool_map_del(struct txpool_map *m, const void *v);

/* Entries of the sender cache (txpool_senders.c): a power of two, a few blocks' worth of a
 * flood (72 bytes each). */
#define TXPOOL_SENDERS 65536
struct txpool_sender_slot;

struct txpool {
    struct txpool_config cfg;
    const struct chaincfg *chain;
    struct txpool_state state;
    struct txpool_head head;
    struct txpool_map by_hash;   /* struct txpool_tx, key tx.hash */
    struct txpool_map by_sender; /* struct txpool_account, key addr */
    size_t n_pending, n_queued;
    uint64_t next_seq;
    int journal_fd; /* -1: none */
    char *journal_path;
    int replaying;         /* journal replay: do not append */
    unsigned journal_hold; /* txpool_journal_hold depth: appends go to journal_buf */
    struct bts_buf journal_buf;
    struct txpool_sender_slot *senders; /* NULL until the first entry */
    uint64_t reset_gen;                 /* txpool_reset_senders passes */
};

/** Effective tip of a transaction at a base fee: min(tip cap, fee cap - base fee); returns 0
 *  and sets *out when the fee cap covers the base fee, else -1 (the transaction cannot pay:
 *  it sorts below every payable one). */
int txpool_effective_tip(const struct txpool_tx *t, const struct txpool_head *head,
                         struct bts_u256 *out);

/** Compare two transactions by effective tip at the pool's head: <0 if a pays less. */
int txpool_tip_cmp(const struct txpool *p, const struct txpool_tx *a, const struct txpool_tx *b);

/** Accounts in address order (malloc'd array; free() it). Returns BT_OK, BT_ENOMEM. */
bt_status txpool_sorted_accounts(const struct txpool *p, struct txpool_account ***out,
                                 size_t *out_n);

/** Append one transaction to the journal (block-body encoding). Returns BT_OK, BT_EIO. */
bt_status txpool_journal_append(struct txpool *p, const struct txpool_tx *t);

/** Close the journal if open. */
void txpool_journal_close(struct txpool *p);

#endif /* BTTCD_TXPOOL_PRIV_H */
