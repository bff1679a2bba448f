/* Internals shared by state.c (dirty layer, EVM view, change sets) and state_commit.c (trie
 * flush, root, the one storage batch). Not for other users: they see state_int.h. */
#ifndef BTTCD_STATE_PRIV_H
#define BTTCD_STATE_PRIV_H

#include <bts/buf.h>
#include <bts/trie.h>

#include "state_int.h"

/** One storage slot of the dirty layer: a clean slot caches the stored value. */
struct state_slot {
    uint8_t key[32];
    uint8_t val[32];
    uint8_t is_used;
    uint8_t is_dirty;
};

/** One account as of the last applied change. Loaded from the trie on first use (a missing
 *  account is an entry with is_live 0), so every later read is answered from memory. */
struct state_acct {
    uint8_t addr[20];
    int is_live; /* exists in the state */
    uint64_t nonce;
    uint8_t balance[32];
    uint8_t code_hash[32];
    uint8_t storage_root[32]; /* of `trie` as of the last flush */
    uint8_t *code;            /* malloc'd when loaded or set; NULL with code_len 0 otherwise */
    size_t code_len;
    int has_code;          /* code/code_len hold the code of code_hash */
    int is_code_new;       /* code to write at commit */
    int is_dirty;          /* account fields changed since the last flush */
    int is_slots_dirty;    /* some slot is dirty */
    int is_cleared;        /* storage wiped in this state: nothing below comes from the old trie */
    int is_trie_changed;   /* trie has nodes to commit */
    struct bts_trie *trie; /* storage trie, opened on first use */
    struct state_slot *slots; /* open addressing, slot_cap a power of two (or 0) */
    size_t slot_cap, n_slots;
};

/** One node or code blob waiting for the commit batch: offsets into state.pend. */
struct state_pend {
    size_t key_off, key_len;
    size_t val_off, val_len;
};

struct state {
    struct stor *s;
    struct bts_trie_store store; /* nodes read from stor_ns_state, written into pend */
    struct bts_trie *trie;       /* the account trie */
    struct state_acct **accts;   /* open addressing by address */
    size_t acct_cap, n_accts;
    state_block_hash_fn block_hash;
    void *block_hash_arg;
    struct bts_buf pend; /* keys and values of the pending writes */
    struct state_pend *pends;
    size_t n_pends, pend_cap;
};

/** The account entry of `addr`, loaded from the trie when not cached. BT_OK, BT_ENOMEM, BT_EIO. */
bt_status state_acct_get(struct state *st, const uint8_t addr[20], struct state_acct **out);

/** Open the account's storage trie if it is not open yet. BT_OK, BT_ENOMEM. */
bt_status state_acct_trie(struct state *st, struct state_acct *a);

/** Write the account's dirty slots into its storage trie and recompute its storage root.
 *  BT_OK, BT_ENOMEM, BT_EIO. */
bt_status state_flush_storage(struct state *st, struct state_acct *a);

/** Append one pending write (copied). BT_OK or BT_ENOMEM. */
bt_status state_pend_add(struct state *st, const uint8_t *key, size_t key_len, const uint8_t *val,
                         size_t val_len);

#endif /* BTTCD_STATE_PRIV_H */
