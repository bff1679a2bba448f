/* Merkle proofs of the trie (go-ethereum trie/proof.go): building the list of nodes on a key's
 * path, and checking such a list against a root without a trie. */
#include <string.h>

#include <bts/keccak.h>

#include "trie_int.h"

bt_status bts_trie_prove(struct bts_trie *t, const uint8_t *key, size_t key_len,
                         struct bts_buf *out)
{
    if (key_len > BTS_TRIE_MAX_KEY_LEN)
        return BT_EINVAL;
    uint8_t root[32], hashed[32];
    bt_status st = bts_trie_root(t, root); /* every node on the path gets its reference */
    if (st != BT_OK)
        return st;
    size_t klen, mark, d = 0;
    const uint8_t *k = trie_key(t->flags, key, key_len, hashed, &klen);
    size_t kn = 2 * klen;
    if ((st = bts_rlp_list_begin(out, &mark)) != BT_OK)
        return st;
    struct tnode **slot = &t->root;
    while (*slot) {
        struct tnode *n = *slot;
        if (n->kind == TN_HASH) {
            if ((st = trie_resolve(t, slot, k, d)) != BT_OK)
                return st;
            continue;
        }
        /* Embedded nodes travel inside their parent; the root is always listed. */
        if (n == t->root || n->ref_len == 33) {
            if ((st = trie_encode(t, n)) != BT_OK ||
                (st = bts_rlp_encode_raw(out, t->enc.data, t->enc.len)) != BT_OK)
                return st;
        }
        if (n->kind == TN_LEAF)
            break;
        if (n->kind == TN_EXT) {
            struct text *e = (struct text *)n;
            size_t i = 0;
            while (i < e->n_nibbles && d + i < kn && e->nibbles[i] == nib_at(k, d + i))
                i++;
            if (i < e->n_nibbles)
                break;
            d += i;
            slot = &e->child;
            continue;
        }
        if (d == kn)
            break;
        slot = &((struct tbranch *)n)->child[nib_at(k, d)];
        d++;
    }
    return bts_rlp_list_end(out, mark);
}

/* Proof walk state: the key, how much of it is consumed, and the remaining proof nodes. */
struct walk {
    const uint8_t *k;
    size_t kn, d;
    struct bts_rlp_iter nodes;
};

enum step { STEP_ABSENT, STEP_VALUE, STEP_HASH, STEP_INLINE };

/* Follow one node along the key. On STEP_HASH *next holds the 32-byte reference, on
 * STEP_INLINE the embedded node, on STEP_VALUE the value. */
static bt_status follow(struct walk *w, const struct bts_rlp_item *node, struct bts_rlp_item *next,
                        enum step *out)
{
    struct bts_rlp_item items[17];
    size_t n;
    if (!node->is_list || trie_node_items(node, items, &n) != BT_OK)
        return BT_EPROTO;
    const struct bts_rlp_item *child;
    if (n == 2) {
        uint8_t nibbles[TRIE_MAX_NIBBLES + 1];
        size_t np;
        int is_leaf;
        if (items[0].is_list ||
            trie_hp_decode(items[0].payload, items[0].payload_len, nibbles, &np, &is_leaf) != BT_OK)
            return BT_EPROTO;
        if (!is_leaf && np == 0)
            return BT_EPROTO;
        int matches = w->d + np <= w->kn && (!is_leaf || w->d + np == w->kn);
        for (size_t i = 0; matches && i < np; i++)
            matches = nibbles[i] == nib_at(w->k, w->d + i);
        if (!matches) {
            *out = STEP_ABSENT;
            return BT_OK;
        }
        w->d += np;
        child = &items[1];
        if (is_leaf) {
            if (child->is_list || child->payload_len == 0)
                return BT_EPROTO;
            *next = *child;
            *out = STEP_VALUE;
            return BT_OK;
        }
    } else if (w->d == w->kn) {
        if (items[16].is_list)
            return BT_EPROTO;
        *next = items[16];
        *out = items[16].payload_len ? STEP_VALUE : STEP_ABSENT;
        return BT_OK;
    } else {
        child = &items[nib_at(w->k, w->d)];
        w->d++;
    }
    *next = *child;
    if (!child->is_list && child->payload_len == 0)
        *out = STEP_ABSENT;
    else if (!child->is_list && child->payload_len == 32)
        *out = STEP_HASH;
    else if (child->is_list && child->raw_len < 32)
        *out = STEP_INLINE;
    else
        return BT_EPROTO;
    return BT_OK;
}

bt_status bts_trie_verify_proof(const uint8_t root[32], uint32_t flags, const uint8_t *key,
                                size_t key_len, const uint8_t *proof, size_t proof_len,
                                const uint8_t **out_val, size_t *out_val_len)
{
    *out_val = NULL;
    *out_val_len = 0;
    if ((flags & ~(uint32_t)BTS_TRIE_SECURE) || key_len > BTS_TRIE_MAX_KEY_LEN)
        return BT_EINVAL;
    struct bts_rlp_item list, node, next;
    if (proof_len == 0 || bts_rlp_decode(&list, proof, proof_len) != BT_OK ||
        list.raw_len != proof_len || !list.is_list)
        return BT_EPROTO;
    uint8_t hashed[32], want[32], got[32];
    size_t klen;
    struct walk w = {.k = trie_key(flags, key, key_len, hashed, &klen)};
    w.kn = 2 * klen;
    bts_rlp_iter_init(&w.nodes, &list);
    memcpy(want, root, 32);
    enum step step = STEP_HASH;
    if (list.payload_len == 0) /* only the empty trie has no node at all */
        return memcmp(root, bts_trie_empty_root, 32) == 0 ? BT_ENOTFOUND : BT_EPROTO;
    while (step == STEP_HASH) {
        if (bts_rlp_iter_next(&w.nodes, &node) != BT_OK)
            return BT_EPROTO; /* missing or malformed node */
        bts_keccak256(got, node.raw, node.raw_len);
        if (memcmp(got, want, 32) != 0)
            return BT_EPROTO;
        do {
            if (follow(&w, &node, &next, &step) != BT_OK)
                return BT_EPROTO;
            node = next;
        } while (step == STEP_INLINE);
        if (step == STEP_HASH)
            memcpy(want, next.payload, 32);
    }
    if (bts_rlp_iter_next(&w.nodes, &node) != BT_ENOTFOUND)
        return BT_EPROTO; /* nodes past the end of the path */
    if (step == STEP_ABSENT)
        return BT_ENOTFOUND;
    *out_val = next.payload;
    *out_val_len = next.payload_len;
    return BT_OK;
}
