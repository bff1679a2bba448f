/* The state's roots and its commit: dirty slots and accounts are written into the tries, the
 * tries hash, and their new nodes and the new code go out with the caller's block data as one
 * atomic storage batch (DESIGN.md §4). */
#include "state_int.h"

#include <stdlib.h>
#include <string.h>

#include <bts/rlp.h>

#include "state_priv.h"

static bt_status trie_status(bt_status rc)
{
    /* A trie failure other than memory means a node is missing or damaged in the store. */
    return rc == BT_OK || rc == BT_ENOMEM ? rc : BT_EIO;
}

bt_status state_flush_storage(struct state *st, struct state_acct *a)
{
    if (!a->is_slots_dirty)
        return BT_OK;
    bt_status rc = state_acct_trie(st, a);
    struct bts_buf v = BTS_BUF_INIT;
    for (size_t i = 0; rc == BT_OK && i < a->slot_cap; i++) {
        struct state_slot *s = &a->slots[i];
        if (!s->is_used || !s->is_dirty)
            continue;
        size_t skip = 0;
        while (skip < 32 && s->val[skip] == 0)
            skip++;
        /* Zero slots are absent (go-ethereum StateDB: setting zero deletes the slot); others
         * hold rlp(value without leading zeros), Yellow Paper §4.1. */
        if (skip == 32) {
            rc = bts_trie_delete(a->trie, s->key, 32);
        } else {
            bts_buf_reset(&v);
            rc = bts_rlp_encode_bytes(&v, s->val + skip, 32 - skip);
            if (rc == BT_OK)
                rc = bts_trie_put(a->trie, s->key, 32, v.data, v.len);
        }
        if (rc == BT_OK)
            s->is_dirty = 0;
    }
    bts_buf_free(&v);
    if (rc == BT_OK)
        rc = bts_trie_root(a->trie, a->storage_root);
    if (rc != BT_OK)
        return trie_status(rc);
    a->is_slots_dirty = 0;
    a->is_trie_changed = 1;
    a->is_dirty = 1; /* the storage root is part of the account */
    return BT_OK;
}

/* Write one account into the account trie: rlp([nonce, balance, storageRoot, codeHash]). */
static bt_status flush_acct(struct state *st, struct state_acct *a, struct bts_buf *v)
{
    bt_status rc = state_flush_storage(st, a);
    if (rc != BT_OK || !a->is_dirty)
        return rc;
    if (!a->is_live) {
        rc = bts_trie_delete(st->trie, a->addr, 20);
    } else {
        size_t mark;
        bts_buf_reset(v);
        if ((rc = bts_rlp_list_begin(v, &mark)) == BT_OK &&
            (rc = bts_rlp_encode_u64(v, a->nonce)) == BT_OK &&
            (rc = bts_rlp_encode_u256_be(v, a->balance)) == BT_OK &&
            (rc = bts_rlp_encode_bytes(v, a->storage_root, 32)) == BT_OK &&
            (rc = bts_rlp_encode_bytes(v, a->code_hash, 32)) == BT_OK &&
            (rc = bts_rlp_list_end(v, mark)) == BT_OK)
            rc = bts_trie_put(st->trie, a->addr, 20, v->data, v->len);
    }
    if (rc != BT_OK)
        return trie_status(rc);
    a->is_dirty = 0;
    return BT_OK;
}

static bt_status flush_all(struct state *st)
{
    struct bts_buf v = BTS_BUF_INIT;
    bt_status rc = BT_OK;
    for (size_t i = 0; rc == BT_OK && i < st->acct_cap; i++) {
        if (st->accts[i])
            rc = flush_acct(st, st->accts[i], &v);
    }
    bts_buf_free(&v);
    return rc;
}

bt_status state_root(struct state *st, uint8_t out_root[32])
{
    bt_status rc = flush_all(st);
    if (rc == BT_OK)
        rc = trie_status(bts_trie_root(st->trie, out_root));
    return rc;
}

bt_status state_pend_add(struct state *st, const uint8_t *key, size_t key_len, const uint8_t *val,
                         size_t val_len)
{
    if (st->n_pends == st->pend_cap) {
        size_t cap = st->pend_cap ? st->pend_cap * 2 : 256;
        struct state_pend *p = realloc(st->pends, cap * sizeof(*p));
        if (!p)
            return BT_ENOMEM;
        st->pends = p;
        st->pend_cap = cap;
    }
    struct state_pend *p = &st->pends[st->n_pends];
    p->key_off = st->pend.len;
    p->key_len = key_len;
    p->val_off = st->pend.len + key_len;
    p->val_len = val_len;
    if (bts_buf_append(&st->pend, key, key_len) != BT_OK ||
        bts_buf_append(&st->pend, val, val_len) != BT_OK) {
        st->pend.len = p->key_off;
        return BT_ENOMEM;
    }
    st->n_pends++;
    return BT_OK;
}

static void pend_reset(struct state *st)
{
    bts_buf_reset(&st->pend);
    st->n_pends = 0;
}

/* Trie nodes of every changed trie and the new code, into the pending list. */
static bt_status collect(struct state *st, uint8_t root[32])
{
    bt_status rc = flush_all(st);
    for (size_t i = 0; rc == BT_OK && i < st->acct_cap; i++) {
        struct state_acct *a = st->accts[i];
        if (!a)
            continue;
        if (a->is_trie_changed && a->trie)
            rc = trie_status(bts_trie_commit(a->trie, NULL));
        if (rc == BT_OK && a->is_code_new) {
            uint8_t key[33];
            key[0] = STATE_CODE_PREFIX;
            memcpy(key + 1, a->code_hash, 32);
            rc = state_pend_add(st, key, sizeof(key), a->code, a->code_len);
        }
    }
    if (rc == BT_OK)
        rc = trie_status(bts_trie_commit(st->trie, root));
    return rc;
}

bt_status state_commit(struct state *st, const struct stor_op *extra, size_t n_extra,
                       uint32_t flags, uint8_t *out_root)
{
    uint8_t root[32];
    pend_reset(st);
    bt_status rc = collect(st, root);
    if (rc != BT_OK) {
        pend_reset(st);
        return rc;
    }
    size_t n = st->n_pends + n_extra;
    struct stor_op *ops = calloc(n ? n : 1, sizeof(*ops));
    if (!ops) {
        pend_reset(st);
        return BT_ENOMEM;
    }
    for (size_t i = 0; i < st->n_pends; i++) {
        const struct state_pend *p = &st->pends[i];
        ops[i] = (struct stor_op){.type = BT_STORAGE_PUT,
                                  .ns = &stor_ns_state,
                                  .key = st->pend.data + p->key_off,
                                  .key_len = p->key_len,
                                  .value = st->pend.data + p->val_off,
                                  .value_len = p->val_len};
    }
    if (n_extra)
        memcpy(ops + st->n_pends, extra, n_extra * sizeof(*ops));
    rc = n ? stor_write(st->s, ops, n, flags) : BT_OK;
    free(ops);
    pend_reset(st);
    if (rc != BT_OK)
        return rc;
    /* The tries' nodes are committed: later commits send only what changes after this. */
    for (size_t i = 0; i < st->acct_cap; i++) {
        struct state_acct *a = st->accts[i];
        if (a) {
            a->is_trie_changed = 0;
            a->is_code_new = 0;
            a->is_cleared = 0;
        }
    }
    if (out_root)
        memcpy(out_root, root, 32);
    return BT_OK;
}
