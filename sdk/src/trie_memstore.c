/* In-memory trie node store: an open-addressing hash table keyed by node hash (keccak output is
 * uniform, so its first bytes index the table directly) over records packed into large blocks.
 * For tests, benches and scratch tries. */
#include <stdlib.h>
#include <string.h>

#include "trie_int.h"

/* A stored node: its hash, then its encoding, in one record inside a block. */
struct ms_record {
    uint8_t hash[32];
    size_t len;
    uint8_t data[];
};

struct ms_block {
    struct ms_block *next;
    size_t used, size;
    _Alignas(16) uint8_t mem[];
};

/* Blocks double from 4 KiB to 1 MiB: small stores stay small. */
#define MS_BLOCK_MIN (4u << 10)
#define MS_BLOCK_MAX (1u << 20)

struct ms_entry {
    uint64_t tag;             /* first 8 bytes of the hash: most misses end here */
    struct ms_record *record; /* NULL: empty slot */
};

struct bts_trie_memstore {
    struct bts_trie_store store;
    struct ms_entry *slots;
    size_t cap, count; /* cap: power of two */
    struct ms_block *blocks;
};

static uint64_t tag_of(const uint8_t hash[32])
{
    uint64_t h;
    memcpy(&h, hash, sizeof(h));
    return h;
}

static struct ms_entry *find(const struct bts_trie_memstore *ms, const uint8_t hash[32])
{
    uint64_t tag = tag_of(hash);
    for (size_t i = (size_t)tag & (ms->cap - 1);; i = (i + 1) & (ms->cap - 1)) {
        struct ms_entry *e = &ms->slots[i];
        if (!e->record || (e->tag == tag && memcmp(e->record->hash, hash, 32) == 0))
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
        if (ms->slots[i].record)
            *find(&bigger, ms->slots[i].record->hash) = ms->slots[i];
    free(ms->slots);
    ms->slots = slots;
    ms->cap = cap;
    return BT_OK;
}

static struct ms_record *record_new(struct bts_trie_memstore *ms, size_t len)
{
    size_t need = (sizeof(struct ms_record) + len + 15) & ~(size_t)15;
    struct ms_block *b = ms->blocks;
    if (!b || b->size - b->used < need) {
        size_t size = b ? 2 * b->size : MS_BLOCK_MIN;
        if (size > MS_BLOCK_MAX)
            size = MS_BLOCK_MAX;
        if (size < need)
            size = need;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->next = ms->blocks;
        b->used = 0;
        b->size = size;
        ms->blocks = b;
    }
    struct ms_record *r = (struct ms_record *)(b->mem + b->used);
    b->used += need;
    return r;
}

static bt_status ms_get(void *self, const uint8_t hash[32], struct bt_value *out)
{
    const struct ms_entry *e = find(self, hash);
    if (!e->record)
        return BT_ENOTFOUND;
    *out = (struct bt_value){e->record->data, e->record->len, NULL, NULL};
    return BT_OK;
}

static bt_status ms_commit(void *self, const struct bts_trie_node *nodes, size_t n_nodes)
{
    struct bts_trie_memstore *ms = self;
    for (size_t i = 0; i < n_nodes; i++) {
        if (2 * (ms->count + 1) > ms->cap && grow(ms) != BT_OK)
            return BT_ENOMEM;
        struct ms_entry *e = find(ms, nodes[i].hash);
        if (e->record)
            continue; /* same hash, same content */
        struct ms_record *r = record_new(ms, nodes[i].len);
        if (!r)
            return BT_ENOMEM;
        memcpy(r->hash, nodes[i].hash, 32);
        r->len = nodes[i].len;
        if (nodes[i].len)
            memcpy(r->data, nodes[i].data, nodes[i].len);
        *e = (struct ms_entry){tag_of(r->hash), r};
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
    while (ms->blocks) {
        struct ms_block *next = ms->blocks->next;
        free(ms->blocks);
        ms->blocks = next;
    }
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
