/* Merkle-Patricia trie: lifetime, lookup and insertion over the in-memory node tree (go-ethereum
 * trie/trie.go semantics). Deletion is in trie_delete.c, hashing in trie_hash.c. */
#include <bts/trie.h>

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "trie_int.h"

const uint8_t bts_trie_empty_root[32] = {
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

static void node_init(struct tnode *n, enum tnode_kind kind)
{
    n->kind = (uint8_t)kind;
    n->is_stored = 0;
    n->ref_len = 0;
}

struct tleaf *trie_leaf_new(struct bts_trie *t, const uint8_t *key, size_t key_len, size_t start,
                            const uint8_t *val, size_t val_len)
{
    struct tleaf *l = tpool_alloc(&t->pool, leaf_size(key_len, val_len));
    if (!l)
        return NULL;
    node_init(&l->n, TN_LEAF);
    l->start = (uint16_t)start;
    l->key_len = (uint16_t)key_len;
    l->val_len = (uint32_t)val_len;
    if (key_len)
        memcpy(l->data, key, key_len);
    memcpy(l->data + key_len, val, val_len);
    return l;
}

struct text *trie_ext_new(struct bts_trie *t, size_t n_nibbles)
{
    struct text *e = tpool_alloc(&t->pool, ext_size(n_nibbles));
    if (!e)
        return NULL;
    node_init(&e->n, TN_EXT);
    e->n_nibbles = (uint16_t)n_nibbles;
    e->child = NULL;
    return e;
}

struct tbranch *trie_branch_new(struct bts_trie *t)
{
    struct tbranch *b = tpool_alloc(&t->pool, sizeof(*b));
    if (!b)
        return NULL;
    node_init(&b->n, TN_BRANCH);
    memset(b->child, 0, sizeof(b->child));
    b->value = NULL;
    return b;
}

struct tnode *trie_hashnode_new(struct bts_trie *t, const uint8_t hash[32])
{
    struct tnode *n = tpool_alloc(&t->pool, sizeof(*n));
    if (!n)
        return NULL;
    n->kind = TN_HASH;
    n->is_stored = 1;
    n->ref_len = 33;
    n->ref[0] = 0xa0;
    memcpy(n->ref + 1, hash, 32);
    return n;
}

static size_t node_size(const struct tnode *n)
{
    switch ((enum tnode_kind)n->kind) {
    case TN_LEAF: {
        const struct tleaf *l = (const struct tleaf *)n;
        return leaf_size(l->key_len, l->val_len);
    }
    case TN_EXT:
        return ext_size(((const struct text *)n)->n_nibbles);
    case TN_BRANCH:
        return sizeof(struct tbranch);
    case TN_HASH:
        return sizeof(struct tnode);
    }
    abort(); /* corrupted node: continuing would free the wrong size */
}

void trie_node_free(struct bts_trie *t, struct tnode *n)
{
    if (n)
        tpool_free(&t->pool, n, node_size(n));
}

void trie_tree_free(struct bts_trie *t, struct tnode *n)
{
    if (!n)
        return;
    if (n->kind == TN_EXT) {
        trie_tree_free(t, ((struct text *)n)->child);
    } else if (n->kind == TN_BRANCH) {
        struct tbranch *b = (struct tbranch *)n;
        for (int i = 0; i < 16; i++)
            trie_tree_free(t, b->child[i]);
        trie_node_free(t, (struct tnode *)b->value);
    }
    trie_node_free(t, n);
}

const uint8_t *trie_key(uint32_t flags, const uint8_t *key, size_t key_len, uint8_t hashed[32],
                        size_t *out_len)
{
    if (!(flags & BTS_TRIE_SECURE)) {
        *out_len = key_len;
        return key;
    }
    bts_keccak256(hashed, key, key_len);
    *out_len = 32;
    return hashed;
}

bt_status bts_trie_new(struct bts_trie **out_trie, const struct bts_trie_store *store,
                       const uint8_t *root, uint32_t flags)
{
    *out_trie = NULL;
    int is_empty = !root || memcmp(root, bts_trie_empty_root, 32) == 0;
    if ((flags & ~(uint32_t)BTS_TRIE_SECURE) || (!is_empty && !store))
        return BT_EINVAL;
    if (store && (!store->get || !store->commit))
        return BT_EINVAL;
    struct bts_trie *t = calloc(1, sizeof(*t));
    if (!t)
        return BT_ENOMEM;
    bts_buf_init(&t->enc);
    t->flags = flags;
    if (store) {
        t->store = *store;
        t->has_store = 1;
    }
    if (!is_empty) {
        t->root = trie_hashnode_new(t, root);
        if (!t->root) {
            bts_trie_free(t);
            return BT_ENOMEM;
        }
    }
    *out_trie = t;
    return BT_OK;
}

void bts_trie_free(struct bts_trie *t)
{
    if (!t)
        return;
    if (t->pool.n_direct) /* else every node dies with the chunks: no need to walk the tree */
        trie_tree_free(t, t->root);
    tpool_release(&t->pool);
    bts_buf_free(&t->enc);
    free(t);
}

bt_status bts_trie_get(struct bts_trie *t, const uint8_t *key, size_t key_len,
                       const uint8_t **out_val, size_t *out_val_len)
{
    *out_val = NULL;
    *out_val_len = 0;
    if (key_len > BTS_TRIE_MAX_KEY_LEN)
        return BT_EINVAL;
    uint8_t hashed[32];
    size_t klen;
    const uint8_t *k = trie_key(t->flags, key, key_len, hashed, &klen);
    size_t d = 0, kn = 2 * klen;
    struct tnode **slot = &t->root;
    for (;;) {
        struct tnode *n = *slot;
        if (!n)
            return BT_ENOTFOUND;
        switch ((enum tnode_kind)n->kind) {
        case TN_HASH: {
            bt_status st = trie_resolve(t, slot, k, d);
            if (st != BT_OK)
                return st;
            continue;
        }
        case TN_LEAF: {
            struct tleaf *l = (struct tleaf *)n;
            if (l->key_len != klen || (klen && memcmp(leaf_key(l), k, klen) != 0))
                return BT_ENOTFOUND;
            *out_val = leaf_val(l);
            *out_val_len = l->val_len;
            return BT_OK;
        }
        case TN_EXT: {
            struct text *e = (struct text *)n;
            if (d + e->n_nibbles > kn)
                return BT_ENOTFOUND;
            for (size_t i = 0; i < e->n_nibbles; i++)
                if (e->nibbles[i] != nib_at(k, d + i))
                    return BT_ENOTFOUND;
            d += e->n_nibbles;
            slot = &e->child;
            continue;
        }
        case TN_BRANCH: {
            struct tbranch *b = (struct tbranch *)n;
            if (d == kn) {
                if (!b->value)
                    return BT_ENOTFOUND;
                *out_val = leaf_val(b->value);
                *out_val_len = b->value->val_len;
                return BT_OK;
            }
            slot = &b->child[nib_at(k, d)];
            d++;
            continue;
        }
        }
        return BT_EINTERNAL;
    }
}

/* Overwrite the value of *slot (a leaf holding exactly this key). */
static bt_status replace_value(struct bts_trie *t, struct tleaf **slot, const uint8_t *val,
                               size_t val_len, int *changed)
{
    struct tleaf *l = *slot;
    if (l->val_len == val_len) {
        if (memcmp(leaf_val(l), val, val_len) == 0)
            return BT_OK; /* same value: keep every cached hash */
        memcpy(l->data + l->key_len, val, val_len);
        l->n.ref_len = 0;
        l->n.is_stored = 0;
        *changed = 1;
        return BT_OK;
    }
    struct tleaf *nl = trie_leaf_new(t, leaf_key(l), l->key_len, l->start, val, val_len);
    if (!nl)
        return BT_ENOMEM;
    *slot = nl;
    trie_node_free(t, &l->n);
    *changed = 1;
    return BT_OK;
}

/* Hang leaf l (whole key of kn nibbles) below branch b sitting at nibble depth m. */
static void branch_place(struct tbranch *b, size_t m, struct tleaf *l)
{
    size_t kn = 2 * (size_t)l->key_len;
    l->n.ref_len = 0;
    l->n.is_stored = 0;
    if (kn == m) {
        l->start = (uint16_t)m;
        b->value = l;
    } else {
        l->start = (uint16_t)(m + 1);
        b->child[nib_at(leaf_key(l), m)] = &l->n;
    }
}

/* Number of equal nibbles of a and b from nibble `from`, up to nibble `limit` (both packed). */
static size_t common_nibbles(const uint8_t *a, const uint8_t *b, size_t from, size_t limit)
{
    size_t m = from;
    if ((m & 1) && m < limit) {
        if (nib_at(a, m) != nib_at(b, m))
            return m;
        m++;
    }
    while (m + 2 <= limit && a[m >> 1] == b[m >> 1])
        m += 2;
    while (m < limit && nib_at(a, m) == nib_at(b, m))
        m++;
    return m;
}

/* *slot is a leaf at depth d with another key: split it into [ext] -> branch -> two leaves. */
static bt_status split_leaf(struct bts_trie *t, struct tnode **slot, size_t d, const uint8_t *k,
                            size_t klen, const uint8_t *val, size_t val_len)
{
    struct tleaf *old = (struct tleaf *)*slot;
    size_t lim = 2 * (klen < old->key_len ? klen : (size_t)old->key_len);
    size_t m = common_nibbles(k, leaf_key(old), d, lim);
    struct tleaf *nl = trie_leaf_new(t, k, klen, 0, val, val_len);
    struct tbranch *b = trie_branch_new(t);
    struct text *e = m > d ? trie_ext_new(t, m - d) : NULL;
    if (!nl || !b || (m > d && !e)) {
        trie_node_free(t, (struct tnode *)nl);
        trie_node_free(t, (struct tnode *)b);
        trie_node_free(t, (struct tnode *)e);
        return BT_ENOMEM;
    }
    branch_place(b, m, old);
    branch_place(b, m, nl);
    if (!e) {
        *slot = &b->n;
        return BT_OK;
    }
    for (size_t i = 0; i < m - d; i++)
        e->nibbles[i] = (uint8_t)nib_at(k, d + i);
    e->child = &b->n;
    *slot = &e->n;
    return BT_OK;
}

/* *slot is an extension at depth d sharing only c < n_nibbles nibbles with the key: split it
 * into [ext c] -> branch -> ([ext rest] -> old child) plus the new leaf. */
static bt_status split_ext(struct bts_trie *t, struct tnode **slot, size_t d, size_t c,
                           const uint8_t *k, size_t klen, const uint8_t *val, size_t val_len)
{
    struct text *old = (struct text *)*slot;
    size_t rest = old->n_nibbles - c - 1;
    struct tleaf *nl = trie_leaf_new(t, k, klen, 0, val, val_len);
    struct tbranch *b = trie_branch_new(t);
    struct text *head = c ? trie_ext_new(t, c) : NULL;
    struct text *tail = rest ? trie_ext_new(t, rest) : NULL;
    if (!nl || !b || (c && !head) || (rest && !tail)) {
        trie_node_free(t, (struct tnode *)nl);
        trie_node_free(t, (struct tnode *)b);
        trie_node_free(t, (struct tnode *)head);
        trie_node_free(t, (struct tnode *)tail);
        return BT_ENOMEM;
    }
    if (tail) {
        memcpy(tail->nibbles, old->nibbles + c + 1, rest);
        tail->child = old->child;
        b->child[old->nibbles[c]] = &tail->n;
    } else {
        b->child[old->nibbles[c]] = old->child;
    }
    branch_place(b, d + c, nl);
    if (head) {
        memcpy(head->nibbles, old->nibbles, c);
        head->child = &b->n;
        *slot = &head->n;
    } else {
        *slot = &b->n;
    }
    trie_node_free(t, &old->n);
    return BT_OK;
}

static bt_status insert(struct bts_trie *t, const uint8_t *k, size_t klen, const uint8_t *val,
                        size_t val_len)
{
    /* Nodes passed on the way down; their hashes go stale only once the insert succeeded. */
    struct tnode *path[TRIE_MAX_NIBBLES + 2];
    size_t n_path = 0, d = 0, kn = 2 * klen;
    struct tnode **slot = &t->root;
    int changed = 1;
    bt_status st = BT_EINTERNAL;
    for (;;) {
        struct tnode *n = *slot;
        if (!n) {
            struct tleaf *l = trie_leaf_new(t, k, klen, d, val, val_len);
            st = l ? BT_OK : BT_ENOMEM;
            *slot = l ? &l->n : NULL;
            break;
        }
        if (n->kind == TN_HASH) {
            st = trie_resolve(t, slot, k, d);
            if (st != BT_OK)
                return st;
            continue;
        }
        if (n->kind == TN_LEAF) {
            struct tleaf *l = (struct tleaf *)n;
            if (l->key_len == klen && (!klen || memcmp(leaf_key(l), k, klen) == 0)) {
                changed = 0;
                st = replace_value(t, (struct tleaf **)slot, val, val_len, &changed);
            } else {
                st = split_leaf(t, slot, d, k, klen, val, val_len);
            }
            break;
        }
        path[n_path++] = n;
        if (n->kind == TN_EXT) {
            struct text *e = (struct text *)n;
            size_t c = 0;
            while (c < e->n_nibbles && d + c < kn && e->nibbles[c] == nib_at(k, d + c))
                c++;
            if (c < e->n_nibbles) {
                st = split_ext(t, slot, d, c, k, klen, val, val_len);
                n_path--; /* the old extension is gone */
                break;
            }
            d += c;
            slot = &e->child;
            continue;
        }
        struct tbranch *b = (struct tbranch *)n;
        if (d == kn) {
            if (b->value) {
                changed = 0;
                st = replace_value(t, &b->value, val, val_len, &changed);
            } else {
                b->value = trie_leaf_new(t, k, klen, d, val, val_len);
                st = b->value ? BT_OK : BT_ENOMEM;
            }
            break;
        }
        slot = &b->child[nib_at(k, d)];
        d++;
    }
    if (st == BT_OK && changed)
        for (size_t i = 0; i < n_path; i++) {
            path[i]->ref_len = 0;
            path[i]->is_stored = 0;
        }
    return st;
}

bt_status bts_trie_put(struct bts_trie *t, const uint8_t *key, size_t key_len, const uint8_t *val,
                       size_t val_len)
{
    if (key_len > BTS_TRIE_MAX_KEY_LEN)
        return BT_EINVAL;
    if (val_len == 0)
        return bts_trie_delete(t, key, key_len);
    if (val_len > BTS_TRIE_MAX_VALUE_LEN)
        return BT_ERANGE;
    uint8_t hashed[32];
    size_t klen;
    const uint8_t *k = trie_key(t->flags, key, key_len, hashed, &klen);
    return insert(t, k, klen, val, val_len);
}
