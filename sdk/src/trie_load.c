/* Loading trie nodes from the store: decoding RLP node encodings (go-ethereum trie/node.go
 * decodeNode rules) into in-memory nodes, with embedded children decoded on the spot. */
#include <string.h>

#include "trie_int.h"

bt_status trie_hp_decode(const uint8_t *hp, size_t len, uint8_t *out_nibbles, size_t *out_n,
                         int *out_is_leaf)
{
    if (len == 0 || len > 1 + BTS_TRIE_MAX_KEY_LEN)
        return BT_EPROTO;
    unsigned flag = hp[0] >> 4;
    if (flag > 3 || (!(flag & 1) && (hp[0] & 0x0f)))
        return BT_EPROTO;
    size_t n = 0;
    if (flag & 1)
        out_nibbles[n++] = hp[0] & 0x0f;
    for (size_t i = 1; i < len; i++) {
        out_nibbles[n++] = hp[i] >> 4;
        out_nibbles[n++] = hp[i] & 0x0f;
    }
    *out_n = n;
    *out_is_leaf = (flag & 2) != 0;
    return BT_OK;
}

bt_status trie_node_items(const struct bts_rlp_item *node, struct bts_rlp_item items[17],
                          size_t *out_n)
{
    struct bts_rlp_iter it;
    size_t n = 0;
    bts_rlp_iter_init(&it, node);
    for (;;) {
        struct bts_rlp_item item;
        bt_status st = bts_rlp_iter_next(&it, &item);
        if (st == BT_ENOTFOUND)
            break;
        if (st != BT_OK || n == 17)
            return BT_EPROTO;
        items[n++] = item;
    }
    if (n != 2 && n != 17)
        return BT_EPROTO;
    *out_n = n;
    return BT_OK;
}

static bt_status decode_node(struct bts_trie *t, const struct bts_rlp_item *node, uint8_t *path,
                             size_t depth, struct tnode **out);

/* A child reference: empty, a 32-byte hash, or an embedded node shorter than 32 bytes. */
static bt_status decode_ref(struct bts_trie *t, const struct bts_rlp_item *item, uint8_t *path,
                            size_t depth, struct tnode **out)
{
    *out = NULL;
    if (!item->is_list) {
        if (item->payload_len == 0)
            return BT_OK;
        if (item->payload_len != 32)
            return BT_EPROTO;
        *out = trie_hashnode_new(t, item->payload);
        return *out ? BT_OK : BT_ENOMEM;
    }
    if (item->raw_len >= 32)
        return BT_EPROTO; /* a node this large must be referenced by hash */
    bt_status st = decode_node(t, item, path, depth, out);
    if (st != BT_OK)
        return st;
    memcpy((*out)->ref, item->raw, item->raw_len);
    (*out)->ref_len = (uint8_t)item->raw_len;
    return BT_OK;
}

/* A leaf holding the key path[0, depth) + nibbles. */
static bt_status make_leaf(struct bts_trie *t, uint8_t *path, size_t depth, const uint8_t *nibbles,
                           size_t n, const struct bts_rlp_item *val, struct tnode **out)
{
    size_t total = depth + n;
    if ((total & 1) || total > TRIE_MAX_NIBBLES || val->is_list || val->payload_len == 0 ||
        val->payload_len > BTS_TRIE_MAX_VALUE_LEN)
        return BT_EPROTO;
    for (size_t i = 0; i < n; i++)
        nib_set(path, depth + i, nibbles[i]);
    struct tleaf *l = trie_leaf_new(t, path, total / 2, depth, val->payload, val->payload_len);
    if (!l)
        return BT_ENOMEM;
    l->n.is_stored = 1;
    *out = &l->n;
    return BT_OK;
}

static bt_status decode_short(struct bts_trie *t, const struct bts_rlp_item items[2], uint8_t *path,
                              size_t depth, struct tnode **out)
{
    uint8_t nibbles[TRIE_MAX_NIBBLES + 1];
    size_t n;
    int is_leaf;
    if (items[0].is_list ||
        trie_hp_decode(items[0].payload, items[0].payload_len, nibbles, &n, &is_leaf) != BT_OK)
        return BT_EPROTO;
    if (is_leaf)
        return make_leaf(t, path, depth, nibbles, n, &items[1], out);
    if (n == 0 || depth + n > TRIE_MAX_NIBBLES)
        return BT_EPROTO;
    struct text *e = trie_ext_new(t, n);
    if (!e)
        return BT_ENOMEM;
    e->n.is_stored = 1;
    memcpy(e->nibbles, nibbles, n);
    for (size_t i = 0; i < n; i++)
        nib_set(path, depth + i, nibbles[i]);
    bt_status st = decode_ref(t, &items[1], path, depth + n, &e->child);
    if (st == BT_OK && !e->child)
        st = BT_EPROTO; /* an extension always leads somewhere */
    if (st != BT_OK) {
        trie_tree_free(t, &e->n);
        return st;
    }
    *out = &e->n;
    return BT_OK;
}

static bt_status decode_branch(struct bts_trie *t, const struct bts_rlp_item items[17],
                               uint8_t *path, size_t depth, struct tnode **out)
{
    struct tbranch *b = trie_branch_new(t);
    if (!b)
        return BT_ENOMEM;
    b->n.is_stored = 1;
    bt_status st = BT_OK;
    for (unsigned i = 0; i < 16 && st == BT_OK; i++) {
        if (depth >= TRIE_MAX_NIBBLES) { /* no key is longer: children must be empty */
            if (items[i].is_list || items[i].payload_len != 0)
                st = BT_EPROTO;
            continue;
        }
        nib_set(path, depth, i);
        st = decode_ref(t, &items[i], path, depth + 1, &b->child[i]);
    }
    if (st == BT_OK && (items[16].is_list || items[16].payload_len != 0)) {
        struct tnode *v = NULL;
        st = make_leaf(t, path, depth, NULL, 0, &items[16], &v);
        b->value = (struct tleaf *)v;
    }
    if (st != BT_OK) {
        trie_tree_free(t, &b->n);
        return st;
    }
    *out = &b->n;
    return BT_OK;
}

static bt_status decode_node(struct bts_trie *t, const struct bts_rlp_item *node, uint8_t *path,
                             size_t depth, struct tnode **out)
{
    struct bts_rlp_item items[17];
    size_t n;
    *out = NULL;
    if (!node->is_list || trie_node_items(node, items, &n) != BT_OK)
        return BT_EPROTO;
    return n == 2 ? decode_short(t, items, path, depth, out)
                  : decode_branch(t, items, path, depth, out);
}

bt_status trie_resolve(struct bts_trie *t, struct tnode **slot, const uint8_t *prefix, size_t depth)
{
    struct tnode *h = *slot;
    if (!t->has_store)
        return BT_EINTERNAL; /* hash nodes only come from a store */
    struct bt_value v = {0};
    bt_status st = t->store.get(t->store.self, h->ref + 1, &v);
    if (st == BT_ENOTFOUND)
        return BT_EIO; /* a missing node is a broken store, not an absent key */
    if (st != BT_OK)
        return st;
    /* Nibbles of the path are written in place while decoding: keep a private copy. */
    uint8_t path[BTS_TRIE_MAX_KEY_LEN + 1] = {0};
    memcpy(path, prefix, (depth + 1) / 2);
    struct bts_rlp_item item;
    struct tnode *n = NULL;
    if (bts_rlp_decode(&item, v.data, v.len) != BT_OK || item.raw_len != v.len)
        st = BT_EPROTO;
    else
        st = decode_node(t, &item, path, depth, &n);
    if (v.release)
        v.release(&v);
    if (st != BT_OK)
        return st;
    memcpy(n->ref, h->ref, 33);
    n->ref_len = 33;
    *slot = n;
    trie_node_free(t, h);
    return BT_OK;
}
