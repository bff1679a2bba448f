/* The state's dirty layer: account and slot caches over the tries, the EVM's read view, and
 * the application of change sets and allocations. Roots and the commit are in state_commit.c. */
#include "state_int.h"

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "state_priv.h"

/* keccak256 of the empty string: the code hash of an account without code. */
static const uint8_t empty_code_hash[32] = {
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

static size_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a: keys are addresses and slots, often tiny */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

/* --- slots ------------------------------------------------------------------------------- */

static struct state_slot *slot_find(struct state_acct *a, const uint8_t key[32])
{
    if (!a->slot_cap)
        return NULL;
    size_t mask = a->slot_cap - 1;
    for (size_t i = hash_bytes(key, 32) & mask;; i = (i + 1) & mask) {
        struct state_slot *s = &a->slots[i];
        if (!s->is_used)
            return NULL;
        if (memcmp(s->key, key, 32) == 0)
            return s;
    }
}

static struct state_slot *slot_insert_raw(struct state_slot *tab, size_t cap, const uint8_t key[32])
{
    size_t mask = cap - 1;
    size_t i = hash_bytes(key, 32) & mask;
    while (tab[i].is_used)
        i = (i + 1) & mask;
    memcpy(tab[i].key, key, 32);
    tab[i].is_used = 1;
    return &tab[i];
}

/* A new slot for a key that is not present (caller sets val and is_dirty). */
static bt_status slot_add(struct state_acct *a, const uint8_t key[32], struct state_slot **out)
{
    if ((a->n_slots + 1) * 4 > a->slot_cap * 3) {
        size_t cap = a->slot_cap ? a->slot_cap * 2 : 16;
        struct state_slot *tab = calloc(cap, sizeof(*tab));
        if (!tab)
            return BT_ENOMEM;
        for (size_t i = 0; i < a->slot_cap; i++) {
            if (a->slots[i].is_used)
                *slot_insert_raw(tab, cap, a->slots[i].key) = a->slots[i];
        }
        free(a->slots);
        a->slots = tab;
        a->slot_cap = cap;
    }
    *out = slot_insert_raw(a->slots, a->slot_cap, key);
    a->n_slots++;
    return BT_OK;
}

/* The slot of `key`, loaded from the storage trie when not cached. */
static bt_status slot_get(struct state *st, struct state_acct *a, const uint8_t key[32],
                          struct state_slot **out)
{
    struct state_slot *s = slot_find(a, key);
    if (s) {
        *out = s;
        return BT_OK;
    }
    uint8_t val[32] = {0};
    if (a->is_live && !a->is_cleared) {
        bt_status rc = state_acct_trie(st, a);
        const uint8_t *v;
        size_t vlen;
        if (rc == BT_OK)
            rc = bts_trie_get(a->trie, key, 32, &v, &vlen);
        if (rc == BT_OK) {
            /* The value is rlp(word without leading zeros). */
            struct bts_rlp_item it;
            const uint8_t *p;
            size_t n;
            if (bts_rlp_decode(&it, v, vlen) != BT_OK || bts_rlp_item_bytes(&it, &p, &n) != BT_OK ||
                n > 32)
                return BT_EIO;
            memcpy(val + 32 - n, p, n);
        } else if (rc != BT_ENOTFOUND) {
            return rc == BT_ENOMEM ? BT_ENOMEM : BT_EIO;
        }
    }
    bt_status rc = slot_add(a, key, &s);
    if (rc != BT_OK)
        return rc;
    memcpy(s->val, val, 32);
    s->is_dirty = 0;
    *out = s;
    return BT_OK;
}

static bt_status slot_set(struct state *st, struct state_acct *a, const uint8_t key[32],
                          const uint8_t val[32])
{
    struct state_slot *s = slot_find(a, key);
    if (!s) {
        /* No need to read the old value: the flush writes (or deletes) the new one. */
        bt_status rc = slot_add(a, key, &s);
        if (rc != BT_OK)
            return rc;
    }
    (void)st;
    memcpy(s->val, val, 32);
    s->is_dirty = 1;
    a->is_slots_dirty = 1;
    return BT_OK;
}

/* --- accounts ---------------------------------------------------------------------------- */

static struct state_acct **acct_slot(struct state_acct **tab, size_t cap, const uint8_t addr[20])
{
    size_t mask = cap - 1;
    for (size_t i = hash_bytes(addr, 20) & mask;; i = (i + 1) & mask) {
        if (!tab[i] || memcmp(tab[i]->addr, addr, 20) == 0)
            return &tab[i];
    }
}

static bt_status acct_insert(struct state *st, struct state_acct *a)
{
    if ((st->n_accts + 1) * 4 > st->acct_cap * 3) {
        size_t cap = st->acct_cap ? st->acct_cap * 2 : 64;
        struct state_acct **tab = calloc(cap, sizeof(*tab));
        if (!tab)
            return BT_ENOMEM;
        for (size_t i = 0; i < st->acct_cap; i++) {
            if (st->accts[i])
                *acct_slot(tab, cap, st->accts[i]->addr) = st->accts[i];
        }
        free(st->accts);
        st->accts = tab;
        st->acct_cap = cap;
    }
    *acct_slot(st->accts, st->acct_cap, a->addr) = a;
    st->n_accts++;
    return BT_OK;
}

/* Decode rlp([nonce, balance, storageRoot, codeHash]) (Yellow Paper §4.1). */
static bt_status acct_decode(struct state_acct *a, const uint8_t *v, size_t vlen)
{
    struct bts_rlp_item list, f;
    struct bts_rlp_iter it;
    if (bts_rlp_decode(&list, v, vlen) != BT_OK || !list.is_list)
        return BT_EIO;
    bts_rlp_iter_init(&it, &list);
    if (bts_rlp_iter_next(&it, &f) != BT_OK || bts_rlp_item_u64(&f, &a->nonce) != BT_OK ||
        bts_rlp_iter_next(&it, &f) != BT_OK || bts_rlp_item_u256_be(&f, a->balance) != BT_OK ||
        bts_rlp_iter_next(&it, &f) != BT_OK ||
        bts_rlp_item_fixed(&f, a->storage_root, 32) != BT_OK ||
        bts_rlp_iter_next(&it, &f) != BT_OK || bts_rlp_item_fixed(&f, a->code_hash, 32) != BT_OK)
        return BT_EIO;
    return BT_OK;
}

bt_status state_acct_get(struct state *st, const uint8_t addr[20], struct state_acct **out)
{
    *out = NULL;
    if (st->acct_cap) {
        struct state_acct *a = *acct_slot(st->accts, st->acct_cap, addr);
        if (a) {
            *out = a;
            return BT_OK;
        }
    }
    struct state_acct *a = calloc(1, sizeof(*a));
    if (!a)
        return BT_ENOMEM;
    memcpy(a->addr, addr, 20);
    memcpy(a->code_hash, empty_code_hash, 32);
    memcpy(a->storage_root, bts_trie_empty_root, 32);
    const uint8_t *v;
    size_t vlen;
    bt_status rc = bts_trie_get(st->trie, addr, 20, &v, &vlen);
    if (rc == BT_OK) {
        a->is_live = 1;
        rc = acct_decode(a, v, vlen);
    } else if (rc == BT_ENOTFOUND) {
        rc = BT_OK;
    } else if (rc != BT_ENOMEM) {
        rc = BT_EIO;
    }
    if (rc == BT_OK)
        rc = acct_insert(st, a);
    if (rc != BT_OK) {
        free(a);
        return rc;
    }
    *out = a;
    return BT_OK;
}

bt_status state_acct_trie(struct state *st, struct state_acct *a)
{
    if (a->trie)
        return BT_OK;
    bt_status rc = bts_trie_new(&a->trie, &st->store, a->storage_root, BTS_TRIE_SECURE);
    return rc == BT_OK ? BT_OK : BT_ENOMEM;
}

/* Wipe the account's storage: the old trie is left behind (its nodes stay in the store). */
static void acct_clear_storage(struct state_acct *a)
{
    bts_trie_free(a->trie);
    a->trie = NULL;
    free(a->slots);
    a->slots = NULL;
    a->slot_cap = a->n_slots = 0;
    memcpy(a->storage_root, bts_trie_empty_root, 32);
    a->is_cleared = 1;
    a->is_slots_dirty = 0;
    a->is_trie_changed = 0;
}

static void acct_free(struct state_acct *a)
{
    bts_trie_free(a->trie);
    free(a->slots);
    free(a->code);
    free(a);
}

static bt_status acct_set_code(struct state_acct *a, const uint8_t *code, size_t code_len)
{
    uint8_t *copy = NULL;
    if (code_len) {
        if (!(copy = malloc(code_len)))
            return BT_ENOMEM;
        memcpy(copy, code, code_len);
    }
    free(a->code);
    a->code = copy;
    a->code_len = code_len;
    a->has_code = 1;
    a->is_code_new = code_len > 0;
    bts_keccak256(a->code_hash, code, code_len);
    return BT_OK;
}

/* --- the state object -------------------------------------------------------------------- */

static bt_status store_get(void *self, const uint8_t hash[32], struct bt_value *out)
{
    struct state *st = self;
    return stor_get(st->s, &stor_ns_state, NULL, hash, 32, out);
}

static bt_status store_commit(void *self, const struct bts_trie_node *nodes, size_t n_nodes)
{
    struct state *st = self;
    for (size_t i = 0; i < n_nodes; i++) {
        bt_status rc = state_pend_add(st, nodes[i].hash, 32, nodes[i].data, nodes[i].len);
        if (rc != BT_OK)
            return rc;
    }
    return BT_OK;
}

bt_status state_new(struct state **out, struct stor *s, const uint8_t *root)
{
    *out = NULL;
    struct state *st = calloc(1, sizeof(*st));
    if (!st)
        return BT_ENOMEM;
    st->s = s;
    st->store.get = store_get;
    st->store.commit = store_commit;
    st->store.self = st;
    bts_buf_init(&st->pend);
    if (bts_trie_new(&st->trie, &st->store, root, BTS_TRIE_SECURE) != BT_OK) {
        state_free(st);
        return BT_ENOMEM;
    }
    *out = st;
    return BT_OK;
}

void state_free(struct state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->acct_cap; i++) {
        if (st->accts[i])
            acct_free(st->accts[i]);
    }
    free(st->accts);
    bts_trie_free(st->trie);
    bts_buf_free(&st->pend);
    free(st->pends);
    free(st);
}

void state_set_block_hash_fn(struct state *st, state_block_hash_fn fn, void *arg)
{
    st->block_hash = fn;
    st->block_hash_arg = arg;
}

/* --- the EVM's view ---------------------------------------------------------------------- */

static bt_status if_get_account(void *ctx, const uint8_t addr[20], uint64_t *out_nonce,
                                uint8_t out_balance[32], uint8_t out_code_hash[32])
{
    struct state_acct *a;
    bt_status rc = state_acct_get(ctx, addr, &a);
    if (rc != BT_OK)
        return rc;
    if (!a->is_live)
        return BT_ENOTFOUND;
    *out_nonce = a->nonce;
    memcpy(out_balance, a->balance, 32);
    memcpy(out_code_hash, a->code_hash, 32);
    return BT_OK;
}

/* Code is returned borrowed from the account entry (release NULL): the entry lives as long as
 * the state and changes only in state_apply, never during an execution. */
static bt_status if_get_code(void *ctx, const uint8_t addr[20], struct bt_value *out)
{
    struct state *st = ctx;
    struct state_acct *a;
    memset(out, 0, sizeof(*out));
    bt_status rc = state_acct_get(st, addr, &a);
    if (rc != BT_OK)
        return rc;
    if (!a->has_code && memcmp(a->code_hash, empty_code_hash, 32) != 0) {
        uint8_t key[33];
        struct bt_value v;
        key[0] = STATE_CODE_PREFIX;
        memcpy(key + 1, a->code_hash, 32);
        rc = stor_get(st->s, &stor_ns_state, NULL, key, sizeof(key), &v);
        if (rc != BT_OK)
            return rc == BT_ENOMEM ? BT_ENOMEM : BT_EIO; /* code of a live hash must exist */
        uint8_t *copy = v.len ? malloc(v.len) : NULL;
        if (v.len && copy)
            memcpy(copy, v.data, v.len);
        size_t n = v.len;
        if (v.release)
            v.release(&v);
        if (n && !copy)
            return BT_ENOMEM;
        a->code = copy;
        a->code_len = n;
        a->has_code = 1;
    }
    out->data = a->code_len ? a->code : (const uint8_t *)"";
    out->len = a->code_len;
    return BT_OK;
}

static bt_status if_get_storage(void *ctx, const uint8_t addr[20], const uint8_t key[32],
                                uint8_t out_value[32])
{
    struct state *st = ctx;
    struct state_acct *a;
    struct state_slot *s;
    memset(out_value, 0, 32);
    bt_status rc = state_acct_get(st, addr, &a);
    if (rc == BT_OK && a->is_live)
        rc = slot_get(st, a, key, &s);
    else
        return rc;
    if (rc == BT_OK)
        memcpy(out_value, s->val, 32);
    return rc;
}

static bt_status if_get_block_hash(void *ctx, uint64_t number, uint8_t out_hash[32])
{
    struct state *st = ctx;
    memset(out_hash, 0, 32);
    if (!st->block_hash)
        return BT_ENOTFOUND;
    return st->block_hash(st->block_hash_arg, number, out_hash);
}

static bt_status if_has_storage(void *ctx, const uint8_t addr[20], int *out_has)
{
    struct state *st = ctx;
    struct state_acct *a;
    *out_has = 0;
    bt_status rc = state_acct_get(st, addr, &a);
    if (rc != BT_OK || !a->is_live)
        return rc;
    /* Exact even after in-block writes: flush the slots so the storage root is current. */
    if ((rc = state_flush_storage(st, a)) != BT_OK)
        return rc;
    *out_has = memcmp(a->storage_root, bts_trie_empty_root, 32) != 0;
    return BT_OK;
}

const struct bt_evm_state_iface state_evm_iface = {
    .struct_size = sizeof(struct bt_evm_state_iface),
    .get_account = if_get_account,
    .get_code = if_get_code,
    .get_storage = if_get_storage,
    .get_block_hash = if_get_block_hash,
    .has_storage = if_has_storage,
};

/* --- changes ----------------------------------------------------------------------------- */

static void acct_delete(struct state_acct *a)
{
    a->is_live = 0;
    a->nonce = 0;
    memset(a->balance, 0, 32);
    memcpy(a->code_hash, empty_code_hash, 32);
    free(a->code);
    a->code = NULL;
    a->code_len = 0;
    a->has_code = 1;
    a->is_code_new = 0;
    acct_clear_storage(a);
    a->is_dirty = 1;
}

bt_status state_apply(struct state *st, const struct bt_evm_result *r)
{
    for (size_t i = 0; i < r->n_changes; i++) {
        const struct bt_evm_account_change *c = &r->changes[i];
        struct state_acct *a;
        bt_status rc = state_acct_get(st, c->address, &a);
        if (rc != BT_OK)
            return rc;
        if (c->flags & (BT_EVM_ACCOUNT_DESTROYED | BT_EVM_ACCOUNT_TOUCHED_EMPTY)) {
            acct_delete(a);
            continue;
        }
        if (c->flags & BT_EVM_ACCOUNT_CREATED)
            acct_clear_storage(a);
        a->is_live = 1;
        a->is_dirty = 1;
        a->nonce = c->nonce;
        memcpy(a->balance, c->balance, 32);
        if ((c->flags & BT_EVM_ACCOUNT_CODE) &&
            (rc = acct_set_code(a, c->code, c->code_len)) != BT_OK)
            return rc;
        for (size_t k = 0; k < c->n_storage; k++) {
            if ((rc = slot_set(st, a, c->storage[k].key, c->storage[k].value)) != BT_OK)
                return rc;
        }
    }
    return BT_OK;
}

bt_status state_apply_alloc(struct state *st, const struct alloc *al)
{
    for (size_t i = 0; i < al->n; i++) {
        const struct alloc_account *src = &al->accounts[i];
        struct state_acct *a;
        bt_status rc = state_acct_get(st, src->addr.bytes, &a);
        if (rc != BT_OK)
            return rc;
        a->is_live = 1;
        a->is_dirty = 1;
        a->nonce = src->nonce;
        bts_u256_store_be(a->balance, &src->balance);
        if ((rc = acct_set_code(a, src->code, src->code_len)) != BT_OK)
            return rc;
        for (size_t k = 0; k < src->n_storage; k++) {
            rc = slot_set(st, a, src->storage[k].key.bytes, src->storage[k].value.bytes);
            if (rc != BT_OK)
                return rc;
        }
    }
    return BT_OK;
}

bt_status state_set_code(struct state *st, const uint8_t addr[20], const uint8_t *code,
                         size_t code_len)
{
    struct state_acct *a;
    bt_status rc = state_acct_get(st, addr, &a);
    if (rc != BT_OK)
        return rc;
    a->is_live = 1;
    a->is_dirty = 1;
    return acct_set_code(a, code, code_len);
}
