/* Trie deletion (go-ethereum trie/trie.go `delete`): a branch left with one entry collapses into
 * a short node and extensions merge. A read-only pass first loads every node the restructuring can
 * touch (the path, and the lone sibling of each branch that may collapse) and the pool reserves
 * room for the at most two new extensions, so the mutation itself cannot fail half way. */
#include <string.h>

#include "trie_int.h"

static void stale(struct tnode *n)
{
    n->ref_len = 0;
    n->is_stored = 0;
}

/* Load the sibling j of the path at branch b (depth d) if it is still only a hash. */
static bt_status load_sibling(struct bts_trie *t, struct tbranch *b, unsigned j, const uint8_t *k,
                              size_t d)
{
    if (!b->child[j] || b->child[j]->kind != TN_HASH)
        return BT_OK;
    uint8_t prefix[BTS_TRIE_MAX_KEY_LEN + 1];
    memcpy(prefix, k, d / 2 + 1);
    nib_set(prefix, d, j);
    return trie_resolve(t, &b->child[j], prefix, d + 1);
}

/* The read-only pass. *out_found tells whether the key is present. */
static bt_status prepare(struct bts_trie *t, const uint8_t *k, size_t klen, int *out_found)
{
    size_t d = 0, kn = 2 * klen;
    struct tnode **slot = &t->root;
    *out_found = 0;
    for (;;) {
        struct tnode *n = *slot;
        if (!n)
            return BT_OK;
        if (n->kind == TN_HASH) {
            bt_status st = trie_resolve(t, slot, k, d);
            if (st != BT_OK)
                return st;
            continue;
        }
        if (n->kind == TN_LEAF) {
            struct tleaf *l = (struct tleaf *)n;
            *out_found = l->key_len == klen && (!klen || memcmp(leaf_key(l), k, klen) == 0);
            return BT_OK;
        }
        if (n->kind == TN_EXT) {
            struct text *e = (struct text *)n;
            if (d + e->n_nibbles > kn)
                return BT_OK;
            for (size_t i = 0; i < e->n_nibbles; i++)
                if (e->nibbles[i] != nib_at(k, d + i))
                    return BT_OK;
            d += e->n_nibbles;
            slot = &e->child;
            continue;
        }
        struct tbranch *b = (struct tbranch *)n;
        unsigned on_path = d == kn ? 16 : nib_at(k, d);
        if (on_path == 16 ? !b->value : !b->child[on_path])
            return BT_OK;
        unsigned others = 0, other = 16;
        for (unsigned j = 0; j < 16; j++)
            if (b->child[j] && j != on_path) {
                others++;
                other = j;
            }
        if (on_path != 16 && b->value)
            others++;
        if (others == 1 && other < 16) {
            bt_status st = load_sibling(t, b, other, k, d);
            if (st != BT_OK)
                return st;
        }
        if (on_path == 16) {
            *out_found = 1;
            return BT_OK;
        }
        slot = &b->child[on_path];
        d++;
    }
}

/* Extension *slot at depth d after its child changed: absorb a leaf or extension child. */
static bt_status fix_ext(struct bts_trie *t, struct tnode **slot, size_t d)
{
    struct text *e = (struct text *)*slot;
    struct tnode *c = e->child;
    stale(&e->n);
    if (!c) { /* only in a malformed stored trie: the child was a single leaf */
        *slot = NULL;
        trie_node_free(t, &e->n);
    } else if (c->kind == TN_LEAF) {
        ((struct tleaf *)c)->start = (uint16_t)d;
        stale(c);
        *slot = c;
        trie_node_free(t, &e->n);
    } else if (c->kind == TN_EXT) {
        struct text *ce = (struct text *)c;
        struct text *m = trie_ext_new(t, (size_t)e->n_nibbles + ce->n_nibbles);
        if (!m)
            return BT_EINTERNAL; /* the reservation guarantees room */
        memcpy(m->nibbles, e->nibbles, e->n_nibbles);
        memcpy(m->nibbles + e->n_nibbles, ce->nibbles, ce->n_nibbles);
        m->child = ce->child;
        *slot = &m->n;
        trie_node_free(t, c);
        trie_node_free(t, &e->n);
    }
    return BT_OK;
}

/* Branch *slot at depth d after one entry went: collapse it if a single entry is left. */
static bt_status collapse(struct bts_trie *t, struct tnode **slot, size_t d)
{
    struct tbranch *b = (struct tbranch *)*slot;
    unsigned count = b->value ? 1 : 0, only = 16;
    stale(&b->n);
    for (unsigned j = 0; j < 16; j++)
        if (b->child[j]) {
            count++;
            only = j;
        }
    if (count >= 2)
        return BT_OK;
    if (count == 0) { /* only in a malformed stored trie: a branch with one entry */
        *slot = NULL;
        trie_node_free(t, &b->n);
        return BT_OK;
    }
    if (only == 16) { /* just the value: a leaf with an empty path */
        stale(&b->value->n);
        *slot = &b->value->n;
        trie_node_free(t, &b->n);
        return BT_OK;
    }
    struct tnode *c = b->child[only];
    if (c->kind == TN_LEAF) {
        ((struct tleaf *)c)->start = (uint16_t)d;
        stale(c);
        *slot = c;
    } else if (c->kind == TN_EXT || c->kind == TN_BRANCH) {
        size_t tail = c->kind == TN_EXT ? ((struct text *)c)->n_nibbles : 0;
        struct text *m = trie_ext_new(t, 1 + tail);
        if (!m)
            return BT_EINTERNAL; /* the reservation guarantees room */
        m->nibbles[0] = (uint8_t)only;
        if (tail) {
            memcpy(m->nibbles + 1, ((struct text *)c)->nibbles, tail);
            m->child = ((struct text *)c)->child;
            trie_node_free(t, c);
        } else {
            m->child = c;
        }
        *slot = &m->n;
    } else {
        return BT_EINTERNAL; /* prepare() loaded it */
    }
    trie_node_free(t, &b->n);
    return BT_OK;
}

/* Remove the key, known to be present below *slot (depth d). */
static bt_status remove_at(struct bts_trie *t, struct tnode **slot, size_t d, const uint8_t *k,
                           size_t kn)
{
    struct tnode *n = *slot;
    bt_status st;
    switch ((enum tnode_kind)n->kind) {
    case TN_LEAF:
        trie_node_free(t, n);
        *slot = NULL;
        return BT_OK;
    case TN_EXT: {
        struct text *e = (struct text *)n;
        st = remove_at(t, &e->child, d + e->n_nibbles, k, kn);
        return st != BT_OK ? st : fix_ext(t, slot, d);
    }
    case TN_BRANCH: {
        struct tbranch *b = (struct tbranch *)n;
        if (d == kn) {
            trie_node_free(t, &b->value->n);
            b->value = NULL;
        } else {
            st = remove_at(t, &b->child[nib_at(k, d)], d + 1, k, kn);
            if (st != BT_OK)
                return st;
        }
        return collapse(t, slot, d);
    }
    case TN_HASH:
        break;
    }
    return BT_EINTERNAL; /* prepare() loaded the whole path */
}

bt_status bts_trie_delete(struct bts_trie *t, const uint8_t *key, size_t key_len)
{
    if (key_len > BTS_TRIE_MAX_KEY_LEN)
        return BT_EINVAL;
    uint8_t hashed[32];
    size_t klen;
    const uint8_t *k = trie_key(t->flags, key, key_len, hashed, &klen);
    int found;
    bt_status st = prepare(t, k, klen, &found);
    if (st != BT_OK || !found)
        return st;
    st = tpool_reserve(&t->pool, 2 * (ext_size(TRIE_MAX_NIBBLES + 1) + POOL_GRAIN));
    if (st != BT_OK)
        return st;
    return remove_at(t, &t->root, 0, k, 2 * klen);
}
