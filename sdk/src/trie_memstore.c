/* In-memory trie node store: an open-addressing hash table keyed by node hash (keccak output is
 * uniform, so its first bytes index the table directly). For tests, benches and scratch tries. */
#include <stdlib.h>
#include <string.h>

#include "trie_int.h"

struct ms_entry {
    uint8_t hash[32];
    uint8_t *data; /* NULL: empty slot */
    size_t len;
};

struct bts_trie_memstore {
    struct bts_trie_store store;
    struct ms_entry *slots;
    size_t cap, count; /* cap: power of two */
};

static size_t slot_of(const uint8_t hash[32], size_t cap)
{
    uint64_t h;
    memcpy(&h, hash, sizeof(h));
    return (size_t)h & (cap - 1);
}

static struct ms_entry *find(const struct bts_trie_memstore *ms, const uint8_t hash[32])
{
    for (size_t i = slot_of(hash, ms->cap);; i = (i + 1) & (ms->cap - 1)) {
        struct ms_entry *e = &ms->slots[i];
        if (!e->data || memcmp(e->hash, hash, 32) == 0)
            return e;
    }
}

static bt_status grow(struct bts_trie_memstore *ms)
{
    size_t cap = ms->cap * 2;
    struct ms_entry *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return BT_ENOMEM;
    struct bts_trie_memstore bigger = {.slots = slots, .cap = cap};
    for (size_t i = 0; i < ms->cap; i++)
        if (ms->slots[i].data)
            *find(&bigger, ms->slots[i].hash) = ms->slots[i];
    free(ms->slots);
    ms->slots = slots;
    ms->cap = cap;
    return BT_OK;
}

static bt_status ms_get(void *self, const uint8_t hash[32], struct bt_value *out)
{
    const struct ms_entry *e = find(self, hash);
    if (!e->data)
        return BT_ENOTFOUND;
    *out = (struct bt_value){e->data, e->len, NULL, NULL};
    return BT_OK;
}

static bt_status ms_commit(void *self, const struct bts_trie_node *nodes, size_t n_nodes)
{
    struct bts_trie_memstore *ms = self;
    for (size_t i = 0; i < n_nodes; i++) {
        if (2 * (ms->count + 1) > ms->cap && grow(ms) != BT_OK)
            return BT_ENOMEM;
        struct ms_entry *e = find(ms, nodes[i].hash);
        if (e->data)
            continue; /* same hash, same content */
        e->data = malloc(nodes[i].len ? nodes[i].len : 1);
        if (!e->data)
            return BT_ENOMEM;
        memcpy(e->hash, nodes[i].hash, 32);
        memcpy(e->data, nodes[i].data, nodes[i].len);
        e->len = nodes[i].len;
        ms->count++;
    }
    return BT_OK;
}

bt_status bts_trie_memstore_new(struct bts_trie_memstore **out_ms)
{
    struct bts_trie_memstore *ms = calloc(1, sizeof(*ms));
    *out_ms = NULL;
    if (!ms)
        return BT_ENOMEM;
    ms->cap = 64;
    ms->slots = calloc(ms->cap, sizeof(*ms->slots));
    if (!ms->slots) {
        free(ms);
        return BT_ENOMEM;
    }
    ms->store = (struct bts_trie_store){ms_get, ms_commit, ms};
    *out_ms = ms;
    return BT_OK;
}

void bts_trie_memstore_free(struct bts_trie_memstore *ms)
{
    if (!ms)
        return;
    for (size_t i = 0; i < ms->cap; i++)
        free(ms->slots[i].data);
    free(ms->slots);
    free(ms);
}

const struct bts_trie_store *bts_trie_memstore_store(struct bts_trie_memstore *ms)
{
    return &ms->store;
}

size_t bts_trie_memstore_count(const struct bts_trie_memstore *ms)
{
    return ms->count;
}
