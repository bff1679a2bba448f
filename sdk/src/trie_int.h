/* Private to the trie files: node layout, the node pool and nibble helpers. */
#ifndef BTS_TRIE_INT_H
#define BTS_TRIE_INT_H

#include <bts/buf.h>
#include <bts/rlp.h>
#include <bts/trie.h>

/* Longest nibble path: every key nibble plus nothing (leaves carry no terminator here). */
#define TRIE_MAX_NIBBLES (2 * BTS_TRIE_MAX_KEY_LEN)

enum tnode_kind {
    TN_LEAF = 1,   /* short node with a value (HP flag "terminated") */
    TN_EXT = 2,    /* short node with a child */
    TN_BRANCH = 3, /* 16 children and an optional value */
    TN_HASH = 4    /* not loaded yet: only its hash is known (ref) */
};

/* Every node starts with this. `ref` caches the item the parent's encoding embeds (Yellow Paper
 * c(J,i)): the node's own encoding when shorter than 32 bytes, else 0xa0 ‖ keccak(encoding).
 * ref_len == 0 means "changed since last hashed"; a change clears it on the whole path up. */
struct tnode {
    uint8_t kind;      /* enum tnode_kind */
    uint8_t is_stored; /* the encoding is in the store (or embedded in a stored parent) */
    uint8_t ref_len;   /* 0: not computed; 1..31: embedded encoding; 33: 0xa0 ‖ hash */
    uint8_t ref[33];
};

/* Leaves keep the WHOLE key, packed, and the nibble where their own path starts: the path above
 * is the key's prefix, so moving a leaf up or down the trie only changes `start`, and iteration
 * reads keys straight from leaves. A branch's value is a leaf with start == 2 * key_len. */
struct tleaf {
    struct tnode n;
    uint16_t start;   /* first nibble of this leaf's own path */
    uint16_t key_len; /* bytes */
    uint32_t val_len; /* bytes, > 0 */
    uint8_t data[];   /* key_len key bytes, then val_len value bytes */
};

struct text {
    struct tnode n;
    uint16_t n_nibbles; /* >= 1 */
    struct tnode *child;
    uint8_t nibbles[]; /* one nibble per byte */
};

struct tbranch {
    struct tnode n;
    struct tnode *child[16];
    struct tleaf *value; /* NULL or a leaf whose path is empty */
};

/* Size-class allocator: nodes are carved from large chunks and recycled through per-class free
 * lists, so steady-state updates never call malloc. Sizes are multiples of 8 below POOL_BIG;
 * larger blocks go to malloc. The caller passes the size again on free. */
#define POOL_GRAIN   8u
#define POOL_BIG     1024u
#define POOL_CLASSES (POOL_BIG / POOL_GRAIN)

struct pool_chunk;
struct tpool {
    void *free_list[POOL_CLASSES + 1];
    uint8_t *cur, *end; /* unused tail of the newest chunk */
    size_t chunk_size;  /* size of the next chunk (0: the smallest) */
    size_t n_direct;    /* live blocks from malloc: only these need freeing one by one */
    struct pool_chunk *chunks;
};

void *tpool_alloc(struct tpool *p, size_t size);
void tpool_free(struct tpool *p, void *ptr, size_t size);
void tpool_release(struct tpool *p);
/* Make sure allocations totalling `bytes` (each <= POOL_BIG) cannot fail until the next call:
 * delete reserves before it restructures, so it never fails half way. BT_OK or BT_ENOMEM. */
bt_status tpool_reserve(struct tpool *p, size_t bytes);

struct bts_trie {
    struct tnode *root; /* NULL: empty */
    struct bts_trie_store store;
    int has_store;
    uint32_t flags;
    struct tpool pool;
    struct bts_buf enc; /* scratch for node encodings */
};

static inline unsigned nib_at(const uint8_t *packed, size_t i)
{
    return (packed[i >> 1] >> ((i & 1) ? 0 : 4)) & 0xf;
}

static inline void nib_set(uint8_t *packed, size_t i, unsigned v)
{
    uint8_t *b = &packed[i >> 1];
    if (i & 1)
        *b = (uint8_t)((*b & 0xf0) | v);
    else
        *b = (uint8_t)((*b & 0x0f) | (v << 4));
}

static inline const uint8_t *leaf_key(const struct tleaf *l)
{
    return l->data;
}

static inline const uint8_t *leaf_val(const struct tleaf *l)
{
    return l->data + l->key_len;
}

static inline size_t leaf_size(size_t key_len, size_t val_len)
{
    return sizeof(struct tleaf) + key_len + val_len;
}

static inline size_t ext_size(size_t n_nibbles)
{
    return sizeof(struct text) + n_nibbles;
}

/* Allocation and release of nodes (trie.c). */
struct tleaf *trie_leaf_new(struct bts_trie *t, const uint8_t *key, size_t key_len, size_t start,
                            const uint8_t *val, size_t val_len);
struct text *trie_ext_new(struct bts_trie *t, size_t n_nibbles);
struct tbranch *trie_branch_new(struct bts_trie *t);
struct tnode *trie_hashnode_new(struct bts_trie *t, const uint8_t hash[32]);
void trie_node_free(struct bts_trie *t, struct tnode *n);
void trie_tree_free(struct bts_trie *t, struct tnode *n);

/* Replace the unloaded node in *slot by its decoded form, read from the store. `prefix` holds
 * (packed) the first `depth` nibbles of the path to the node (trie_load.c).
 * Returns BT_OK, BT_EIO (missing), BT_EPROTO (malformed), BT_ENOMEM or a store failure. */
bt_status trie_resolve(struct bts_trie *t, struct tnode **slot, const uint8_t *prefix,
                       size_t depth);

/* Decode hex-prefix bytes into one nibble per byte (out_nibbles: 2 * len - 1 bytes at most).
 * BT_OK or BT_EPROTO (bad flag nibble, or longer than a key). */
bt_status trie_hp_decode(const uint8_t *hp, size_t len, uint8_t *out_nibbles, size_t *out_n,
                         int *out_is_leaf);
/* Split a node's list into its 2 (short node) or 17 (branch) items. BT_OK or BT_EPROTO. */
bt_status trie_node_items(const struct bts_rlp_item *node, struct bts_rlp_item items[17],
                          size_t *out_n);

/* Compute (and cache) n's ref, hashing changed descendants first (trie_hash.c). */
bt_status trie_ref(struct bts_trie *t, struct tnode *n);
/* Encode n (whose children have refs) into t->enc, replacing its content. */
bt_status trie_encode(struct bts_trie *t, const struct tnode *n);

/* Hex-prefix encoding (Yellow Paper appendix C) into out (1 + n/2 bytes): of nibbles
 * [from, to) of a packed string (leaves), or of n one-per-byte nibbles (extensions). */
size_t trie_hp_packed(uint8_t *out, const uint8_t *packed, size_t from, size_t to);
size_t trie_hp_nibbles(uint8_t *out, const uint8_t *nibbles, size_t n);

/* Key to use for a caller's key: itself, or keccak(key) in a secure trie. */
const uint8_t *trie_key(uint32_t flags, const uint8_t *key, size_t key_len, uint8_t hashed[32],
                        size_t *out_len);

#endif /* BTS_TRIE_INT_H */
