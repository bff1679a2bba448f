/* Kademlia table (table_int.h). Distances: discv4.md "Node Identities" (XOR of the keccak256
 * hashes of the ids); bucket layout: go-ethereum p2p/discover/table.go (nBuckets of
 * bucketSize, distances at or below bucketMinDistance share bucket 0). */
#include "table_int.h"

#include <stdlib.h>
#include <string.h>

#include <bts/discv4.h>
#include <bts/keccak.h>

void table_init(struct table *t, const uint8_t self_id[64])
{
    memset(t, 0, sizeof(*t));
    bts_keccak256(t->self_hash, self_id, 64);
}

static size_t bucket_of_hash(const struct table *t, const uint8_t h[32])
{
    unsigned d = 0;
    for (int i = 0; i < 32; i++) {
        uint8_t x = t->self_hash[i] ^ h[i];
        if (x) {
            d = (unsigned)(32 - i) * 8;
            while (!(x & 0x80)) {
                x <<= 1;
                d--;
            }
            break;
        }
    }
    const unsigned min_dist = 256 - TABLE_BUCKETS;
    return d <= min_dist ? 0 : d - min_dist - 1;
}

size_t table_bucket_of(const struct table *t, const uint8_t id[64])
{
    uint8_t h[32];
    bts_keccak256(h, id, 64);
    return bucket_of_hash(t, h);
}

struct table_entry *table_find(struct table *t, const uint8_t id[64])
{
    size_t b = table_bucket_of(t, id);
    for (size_t i = 0; i < t->count[b]; i++)
        if (memcmp(t->b[b][i].n.id, id, 64) == 0)
            return &t->b[b][i];
    return NULL;
}

int table_add(struct table *t, const struct bts_enode *n, uint64_t now_ms)
{
    uint8_t h[32];
    bts_keccak256(h, n->id, 64);
    if (memcmp(h, t->self_hash, 32) == 0)
        return -1;
    size_t b = bucket_of_hash(t, h);
    for (size_t i = 0; i < t->count[b]; i++) {
        if (memcmp(t->b[b][i].n.id, n->id, 64) == 0) {
            t->b[b][i].n = *n; /* the endpoint it answered from is the current one */
            t->b[b][i].checked_ms = now_ms;
            return 0;
        }
    }
    if (t->count[b] == TABLE_BUCKET_SIZE)
        return -1; /* full: the live entries stay (Kademlia prefers long-lived nodes) */
    struct table_entry *e = &t->b[b][t->count[b]++];
    e->n = *n;
    memcpy(e->hash, h, 32);
    e->added_ms = e->checked_ms = now_ms;
    return 1;
}

int table_remove(struct table *t, const uint8_t id[64])
{
    size_t b = table_bucket_of(t, id);
    for (size_t i = 0; i < t->count[b]; i++) {
        if (memcmp(t->b[b][i].n.id, id, 64) == 0) {
            memmove(&t->b[b][i], &t->b[b][i + 1], (t->count[b] - i - 1) * sizeof(t->b[b][0]));
            t->count[b]--;
            return 1;
        }
    }
    return 0;
}

size_t table_size(const struct table *t)
{
    size_t n = 0;
    for (size_t b = 0; b < TABLE_BUCKETS; b++)
        n += t->count[b];
    return n;
}

struct by_dist {
    uint8_t d[32];
    const struct table_entry *e;
};

static int cmp_dist(const void *a, const void *b)
{
    return memcmp(((const struct by_dist *)a)->d, ((const struct by_dist *)b)->d, 32);
}

size_t table_closest(const struct table *t, const uint8_t target[64], struct bts_enode *out,
                     size_t cap)
{
    static struct by_dist all[TABLE_BUCKETS * TABLE_BUCKET_SIZE]; /* loop thread only */
    uint8_t th[32];
    bts_keccak256(th, target, 64);
    size_t n = 0;
    for (size_t b = 0; b < TABLE_BUCKETS; b++) {
        for (size_t i = 0; i < t->count[b]; i++) {
            for (int k = 0; k < 32; k++)
                all[n].d[k] = t->b[b][i].hash[k] ^ th[k];
            all[n++].e = &t->b[b][i];
        }
    }
    qsort(all, n, sizeof(all[0]), cmp_dist);
    size_t k = n < cap ? n : cap;
    for (size_t i = 0; i < k; i++)
        out[i] = all[i].e->n;
    return k;
}

struct table_entry *table_to_check(struct table *t, uint32_t pick)
{
    for (size_t k = 0; k < TABLE_BUCKETS; k++) {
        size_t b = (pick + k) % TABLE_BUCKETS;
        if (t->count[b] == 0)
            continue;
        struct table_entry *old = &t->b[b][0];
        for (size_t i = 1; i < t->count[b]; i++)
            if (t->b[b][i].checked_ms < old->checked_ms)
                old = &t->b[b][i];
        return old;
    }
    return NULL;
}
