/* Trie hashing and commit: node encodings (Yellow Paper appendix D, c(J,i)), cached references,
 * the root hash, and writing changed nodes to the store in one batch. */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "trie_int.h"

static const uint8_t EMPTY_ITEM[1] = {0x80}; /* rlp("") : an absent child or value */

#if defined(__GNUC__) || defined(__clang__)
#define TRIE_PREFETCH(p) __builtin_prefetch(p)
#else
#define TRIE_PREFETCH(p) ((void)(p))
#endif

size_t trie_hp_packed(uint8_t *out, const uint8_t *packed, size_t from, size_t to)
{
    /* Appendix C: flag nibble 2 (leaf) + 1 if odd; an odd path carries its first nibble in the
     * flag byte. `to` is a whole key's end (even), so what follows is byte-aligned in the key. */
    if ((to - from) & 1) {
        out[0] = (uint8_t)(0x30 | nib_at(packed, from));
        from++;
    } else {
        out[0] = 0x20;
    }
    size_t bytes = (to - from) / 2;
    if (bytes)
        memcpy(out + 1, packed + from / 2, bytes);
    return 1 + bytes;
}

size_t trie_hp_nibbles(uint8_t *out, const uint8_t *nibbles, size_t n)
{
    size_t i = 0;
    if (n & 1)
        out[0] = (uint8_t)(0x10 | nibbles[i++]);
    else
        out[0] = 0x00;
    size_t o = 1;
    for (; i < n; i += 2)
        out[o++] = (uint8_t)(nibbles[i] << 4 | nibbles[i + 1]);
    return o;
}

/* Every node's payload size is known before writing it, so the list header goes first and
 * nothing is moved afterwards (list_begin/list_end would shift long payloads by a byte). */
bt_status trie_encode(struct bts_trie *t, const struct tnode *n)
{
    struct bts_buf *b = &t->enc;
    uint8_t hp[1 + BTS_TRIE_MAX_KEY_LEN];
    size_t hp_len, payload;
    bt_status st;
    bts_buf_reset(b);
    switch ((enum tnode_kind)n->kind) {
    case TN_LEAF: {
        const struct tleaf *l = (const struct tleaf *)n;
        hp_len = trie_hp_packed(hp, leaf_key(l), l->start, 2 * (size_t)l->key_len);
        payload = bts_rlp_bytes_len(hp, hp_len) + bts_rlp_bytes_len(leaf_val(l), l->val_len);
        if ((st = bts_rlp_encode_list_header(b, payload)) != BT_OK ||
            (st = bts_rlp_encode_bytes(b, hp, hp_len)) != BT_OK)
            return st;
        return bts_rlp_encode_bytes(b, leaf_val(l), l->val_len);
    }
    case TN_EXT: {
        const struct text *e = (const struct text *)n;
        hp_len = trie_hp_nibbles(hp, e->nibbles, e->n_nibbles);
        payload = bts_rlp_bytes_len(hp, hp_len) + e->child->ref_len;
        if ((st = bts_rlp_encode_list_header(b, payload)) != BT_OK ||
            (st = bts_rlp_encode_bytes(b, hp, hp_len)) != BT_OK)
            return st;
        return bts_rlp_encode_raw(b, e->child->ref, e->child->ref_len);
    }
    case TN_BRANCH: {
        const struct tbranch *br = (const struct tbranch *)n;
        payload = br->value ? bts_rlp_bytes_len(leaf_val(br->value), br->value->val_len) : 1;
        for (int i = 0; i < 16; i++)
            payload += br->child[i] ? br->child[i]->ref_len : 1;
        if ((st = bts_rlp_encode_list_header(b, payload)) != BT_OK ||
            (st = bts_buf_reserve(b, payload)) != BT_OK)
            return st;
        for (int i = 0; i < 16; i++) {
            const struct tnode *c = br->child[i];
            st = c ? bts_rlp_encode_raw(b, c->ref, c->ref_len)
                   : bts_rlp_encode_raw(b, EMPTY_ITEM, 1);
            if (st != BT_OK)
                return st;
        }
        return br->value ? bts_rlp_encode_bytes(b, leaf_val(br->value), br->value->val_len)
                         : bts_rlp_encode_raw(b, EMPTY_ITEM, 1);
    }
    case TN_HASH:
        break;
    }
    return BT_EINTERNAL; /* only loaded nodes can be encoded */
}

bt_status trie_ref(struct bts_trie *t, struct tnode *n)
{
    if (n->ref_len)
        return BT_OK;
    bt_status st;
    if (n->kind == TN_EXT) {
        if ((st = trie_ref(t, ((struct text *)n)->child)) != BT_OK)
            return st;
    } else if (n->kind == TN_BRANCH) {
        struct tbranch *b = (struct tbranch *)n;
        /* Children sit at random places in the pool: start all their cache misses at once
         * instead of one after the other (a leaf spans two lines). */
        for (int i = 0; i < 16; i++)
            if (b->child[i]) {
                TRIE_PREFETCH(b->child[i]);
                TRIE_PREFETCH((const char *)b->child[i] + 64);
            }
        for (int i = 0; i < 16; i++)
            if (b->child[i] && (st = trie_ref(t, b->child[i])) != BT_OK)
                return st;
    }
    if ((st = trie_encode(t, n)) != BT_OK)
        return st;
    if (t->enc.len < 32) {
        memcpy(n->ref, t->enc.data, t->enc.len);
        n->ref_len = (uint8_t)t->enc.len;
    } else {
        n->ref[0] = 0xa0;
        bts_keccak256(n->ref + 1, t->enc.data, t->enc.len);
        n->ref_len = 33;
    }
    return BT_OK;
}

bt_status bts_trie_root(struct bts_trie *t, uint8_t out_root[32])
{
    if (!t->root) {
        memcpy(out_root, bts_trie_empty_root, 32);
        return BT_OK;
    }
    bt_status st = trie_ref(t, t->root);
    if (st != BT_OK)
        return st;
    /* The root is always referenced by hash, even when its encoding is short. */
    if (t->root->ref_len == 33)
        memcpy(out_root, t->root->ref + 1, 32);
    else
        bts_keccak256(out_root, t->root->ref, t->root->ref_len);
    return BT_OK;
}

/* Nodes to write: offsets into the encoding blob, turned into pointers once it stops moving. */
struct pending {
    const uint8_t *hash;
    size_t off, len;
};

struct collect {
    struct bts_buf blob;
    struct pending *items;
    size_t n, cap;
    uint8_t root_hash[32];
};

/* Gather n and its changed descendants (children first). Only nodes referenced by hash are
 * stored; embedded ones travel inside their parent. */
static bt_status collect(struct bts_trie *t, struct tnode *n, int is_root, struct collect *c)
{
    if (!n || n->is_stored)
        return BT_OK;
    bt_status st;
    if (n->kind == TN_EXT) {
        if ((st = collect(t, ((struct text *)n)->child, 0, c)) != BT_OK)
            return st;
    } else if (n->kind == TN_BRANCH) {
        struct tbranch *b = (struct tbranch *)n;
        for (int i = 0; i < 16; i++)
            if ((st = collect(t, b->child[i], 0, c)) != BT_OK)
                return st;
    }
    if (n->ref_len != 33 && !is_root)
        return BT_OK;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        struct pending *p = realloc(c->items, cap * sizeof(*p));
        if (!p)
            return BT_ENOMEM;
        c->items = p;
        c->cap = cap;
    }
    if ((st = trie_encode(t, n)) != BT_OK)
        return st;
    const uint8_t *hash = n->ref + 1;
    if (n->ref_len != 33) {
        bts_keccak256(c->root_hash, t->enc.data, t->enc.len);
        hash = c->root_hash;
    }
    c->items[c->n++] = (struct pending){hash, c->blob.len, t->enc.len};
    return bts_buf_append(&c->blob, t->enc.data, t->enc.len);
}

static void mark_stored(struct tnode *n)
{
    if (!n || n->is_stored)
        return;
    n->is_stored = 1;
    if (n->kind == TN_EXT) {
        mark_stored(((struct text *)n)->child);
    } else if (n->kind == TN_BRANCH) {
        struct tbranch *b = (struct tbranch *)n;
        for (int i = 0; i < 16; i++)
            mark_stored(b->child[i]);
    }
}

bt_status bts_trie_commit(struct bts_trie *t, uint8_t *out_root)
{
    uint8_t root[32];
    if (!t->has_store)
        return BT_EINVAL;
    bt_status st = bts_trie_root(t, root);
    if (st != BT_OK)
        return st;
    struct collect c = {.blob = BTS_BUF_INIT};
    st = collect(t, t->root, 1, &c);
    if (st == BT_OK && c.n > 0) {
        struct bts_trie_node *nodes = malloc(c.n * sizeof(*nodes));
        if (!nodes) {
            st = BT_ENOMEM;
        } else {
            for (size_t i = 0; i < c.n; i++)
                nodes[i] = (struct bts_trie_node){c.items[i].hash, c.blob.data + c.items[i].off,
                                                  c.items[i].len};
            st = t->store.commit(t->store.self, nodes, c.n);
            free(nodes);
        }
        if (st == BT_OK)
            mark_stored(t->root);
    }
    free(c.items);
    bts_buf_free(&c.blob);
    if (st == BT_OK && out_root)
        memcpy(out_root, root, 32);
    return st;
}
