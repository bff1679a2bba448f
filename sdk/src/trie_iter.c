/* In-order walks of the trie: the iterator (first key >= start, then upwards), the predecessor
 * lookup and the key count. Nodes still in the store are loaded on the way. */
#include <stdlib.h>
#include <string.h>

#include "trie_int.h"

/* One node on the walk's stack. `pos` is the next thing to visit: for a branch -1 (its value),
 * 0..15 (children), 16 (done); for an extension 0 (child) or 1 (done); for a leaf 0 (emit) or 1.
 * POS_FRESH: not looked at yet (its kind may not even be loaded). */
#define POS_FRESH (-2)

struct frame {
    struct tnode **slot;
    uint16_t depth;
    int8_t pos;
};

struct bts_trie_iter {
    struct bts_trie *t;
    size_t n_frames;
    uint8_t path[BTS_TRIE_MAX_KEY_LEN + 1]; /* nibbles of the path to the top frame */
    struct frame frames[TRIE_MAX_NIBBLES + 2];
};

/* Load *slot if it is a hash; `path` holds its first `depth` nibbles. */
static bt_status load(struct bts_trie *t, struct tnode **slot, const uint8_t *path, size_t depth)
{
    return (*slot)->kind == TN_HASH ? trie_resolve(t, slot, path, depth) : BT_OK;
}

static void push(struct bts_trie_iter *it, struct tnode **slot, size_t depth, int pos)
{
    it->frames[it->n_frames++] = (struct frame){slot, (uint16_t)depth, (int8_t)pos};
}

/* Leaf key vs the target key: <0, 0, >0 in byte order (a prefix sorts first). */
static int key_cmp(const struct tleaf *l, const uint8_t *k, size_t klen)
{
    size_t m = l->key_len < klen ? l->key_len : klen;
    int c = m ? memcmp(leaf_key(l), k, m) : 0;
    if (c)
        return c;
    return (l->key_len > klen) - (l->key_len < klen);
}

/* Build the stack so that the next emitted key is the first one >= start. */
static bt_status seek(struct bts_trie_iter *it, const uint8_t *k, size_t klen)
{
    size_t d = 0, kn = 2 * klen;
    struct tnode **slot = &it->t->root;
    if (klen)
        memcpy(it->path, k, klen);
    while (*slot) {
        bt_status st = load(it->t, slot, it->path, d);
        if (st != BT_OK)
            return st;
        struct tnode *n = *slot;
        if (n->kind == TN_LEAF) {
            push(it, slot, d, key_cmp((struct tleaf *)n, k, klen) >= 0 ? 0 : 1);
            return BT_OK;
        }
        if (n->kind == TN_EXT) {
            struct text *e = (struct text *)n;
            for (size_t i = 0; i < e->n_nibbles; i++) {
                if (d + i == kn || e->nibbles[i] != nib_at(k, d + i)) {
                    /* start ends inside, or the path is greater: all of it; smaller: none */
                    int all = d + i == kn || e->nibbles[i] > nib_at(k, d + i);
                    push(it, slot, d, all ? 0 : 1);
                    return BT_OK;
                }
            }
            push(it, slot, d, 1);
            d += e->n_nibbles;
            slot = &e->child;
            continue;
        }
        if (d == kn) {
            push(it, slot, d, -1);
            return BT_OK;
        }
        unsigned i = nib_at(k, d);
        push(it, slot, d, (int)i + 1);
        slot = &((struct tbranch *)n)->child[i];
        d++;
    }
    return BT_OK;
}

bt_status bts_trie_iter_new(struct bts_trie_iter **out_it, struct bts_trie *t, const uint8_t *start,
                            size_t start_len)
{
    *out_it = NULL;
    if (start_len > BTS_TRIE_MAX_KEY_LEN)
        return BT_EINVAL;
    struct bts_trie_iter *it = malloc(sizeof(*it));
    if (!it)
        return BT_ENOMEM;
    it->t = t;
    it->n_frames = 0;
    memset(it->path, 0, sizeof(it->path));
    bt_status st = seek(it, start, start_len);
    if (st != BT_OK) {
        free(it);
        return st;
    }
    *out_it = it;
    return BT_OK;
}

void bts_trie_iter_free(struct bts_trie_iter *it)
{
    free(it);
}

static void emit(const struct tleaf *l, const uint8_t **out_key, size_t *out_key_len,
                 const uint8_t **out_val, size_t *out_val_len)
{
    *out_key = leaf_key(l);
    *out_key_len = l->key_len;
    *out_val = leaf_val(l);
    *out_val_len = l->val_len;
}

bt_status bts_trie_iter_next(struct bts_trie_iter *it, const uint8_t **out_key, size_t *out_key_len,
                             const uint8_t **out_val, size_t *out_val_len)
{
    while (it->n_frames) {
        struct frame *f = &it->frames[it->n_frames - 1];
        bt_status st = load(it->t, f->slot, it->path, f->depth);
        if (st != BT_OK)
            return st;
        struct tnode *n = *f->slot;
        if (f->pos == POS_FRESH)
            f->pos = n->kind == TN_BRANCH ? -1 : 0;
        if (n->kind == TN_LEAF) {
            it->n_frames--;
            if (f->pos == 0) {
                emit((struct tleaf *)n, out_key, out_key_len, out_val, out_val_len);
                return BT_OK;
            }
        } else if (n->kind == TN_EXT) {
            struct text *e = (struct text *)n;
            if (f->pos != 0) {
                it->n_frames--;
                continue;
            }
            f->pos = 1;
            for (size_t i = 0; i < e->n_nibbles; i++)
                nib_set(it->path, f->depth + i, e->nibbles[i]);
            push(it, &e->child, f->depth + e->n_nibbles, POS_FRESH);
        } else {
            struct tbranch *b = (struct tbranch *)n;
            if (f->pos == -1) {
                f->pos = 0;
                if (b->value) {
                    emit(b->value, out_key, out_key_len, out_val, out_val_len);
                    return BT_OK;
                }
            }
            while (f->pos < 16 && !b->child[f->pos])
                f->pos++;
            if (f->pos == 16) {
                it->n_frames--;
                continue;
            }
            nib_set(it->path, f->depth, (unsigned)f->pos);
            push(it, &b->child[f->pos], f->depth + 1, POS_FRESH);
            f->pos++;
        }
    }
    return BT_ENOTFOUND;
}

/* Greatest key in the subtree at *slot (depth d); *out NULL if the subtree is empty. */
static bt_status last_leaf(struct bts_trie *t, struct tnode **slot, size_t d, uint8_t *path,
                           struct tleaf **out)
{
    *out = NULL;
    while (*slot) {
        bt_status st = load(t, slot, path, d);
        if (st != BT_OK)
            return st;
        struct tnode *n = *slot;
        if (n->kind == TN_LEAF) {
            *out = (struct tleaf *)n;
            return BT_OK;
        }
        if (n->kind == TN_EXT) {
            struct text *e = (struct text *)n;
            for (size_t i = 0; i < e->n_nibbles; i++)
                nib_set(path, d + i, e->nibbles[i]);
            d += e->n_nibbles;
            slot = &e->child;
            continue;
        }
        struct tbranch *b = (struct tbranch *)n;
        int i = 15;
        while (i >= 0 && !b->child[i])
            i--;
        if (i < 0) {
            *out = b->value;
            return BT_OK;
        }
        nib_set(path, d, (unsigned)i);
        slot = &b->child[i];
        d++;
    }
    return BT_OK;
}

/* Greatest key < k in the subtree at *slot (depth d), whose path equals k's first d nibbles. */
static bt_status prev_below(struct bts_trie *t, struct tnode **slot, size_t d, const uint8_t *k,
                            size_t klen, uint8_t *path, struct tleaf **out)
{
    size_t kn = 2 * klen;
    *out = NULL;
    if (!*slot)
        return BT_OK;
    bt_status st = load(t, slot, path, d);
    if (st != BT_OK)
        return st;
    struct tnode *n = *slot;
    if (n->kind == TN_LEAF) {
        if (key_cmp((struct tleaf *)n, k, klen) < 0)
            *out = (struct tleaf *)n;
        return BT_OK;
    }
    if (n->kind == TN_EXT) {
        struct text *e = (struct text *)n;
        for (size_t i = 0; i < e->n_nibbles; i++) {
            if (d + i == kn || e->nibbles[i] > nib_at(k, d + i))
                return BT_OK; /* every key below is greater */
            if (e->nibbles[i] < nib_at(k, d + i))
                return last_leaf(t, slot, d, path, out);
        }
        return prev_below(t, &e->child, d + e->n_nibbles, k, klen, path, out);
    }
    struct tbranch *b = (struct tbranch *)n;
    if (d == kn)
        return BT_OK; /* the value equals k and children are longer */
    unsigned i = nib_at(k, d);
    if ((st = prev_below(t, &b->child[i], d + 1, k, klen, path, out)) != BT_OK || *out)
        return st;
    for (int j = (int)i - 1; j >= 0; j--) {
        if (!b->child[j])
            continue;
        nib_set(path, d, (unsigned)j);
        return last_leaf(t, &b->child[j], d + 1, path, out);
    }
    *out = b->value; /* a proper prefix of k */
    return BT_OK;
}

bt_status bts_trie_get_prev(struct bts_trie *t, const uint8_t *key, size_t key_len,
                            const uint8_t **out_key, size_t *out_key_len, const uint8_t **out_val,
                            size_t *out_val_len)
{
    *out_key = *out_val = NULL;
    *out_key_len = *out_val_len = 0;
    if (key_len > BTS_TRIE_MAX_KEY_LEN)
        return BT_EINVAL;
    uint8_t path[BTS_TRIE_MAX_KEY_LEN + 1] = {0};
    if (key_len)
        memcpy(path, key, key_len);
    struct tleaf *l;
    bt_status st = prev_below(t, &t->root, 0, key, key_len, path, &l);
    if (st != BT_OK)
        return st;
    if (!l)
        return BT_ENOTFOUND;
    emit(l, out_key, out_key_len, out_val, out_val_len);
    return BT_OK;
}

bt_status bts_trie_count(struct bts_trie *t, size_t *out_count)
{
    struct bts_trie_iter *it;
    const uint8_t *k, *v;
    size_t kl, vl, n = 0;
    *out_count = 0;
    bt_status st = bts_trie_iter_new(&it, t, NULL, 0);
    if (st != BT_OK)
        return st;
    while ((st = bts_trie_iter_next(it, &k, &kl, &v, &vl)) == BT_OK)
        n++;
    bts_trie_iter_free(it);
    if (st != BT_ENOTFOUND)
        return st;
    *out_count = n;
    return BT_OK;
}
