/* The discovery v4 node table: Kademlia k-buckets keyed by the log distance between
 * keccak256(node id)s, 16 buckets of 16 entries as go-ethereum's p2p/discover/table.go lays
 * them out (the nearest distances share the first bucket). Only nodes that answered our Ping
 * (endpoint proof) are added. Pure data structure: no sockets, the caller passes the time. */
#ifndef BTTCD_P2P_TABLE_INT_H
#define BTTCD_P2P_TABLE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bts/enode.h>

#define TABLE_BUCKETS     16
#define TABLE_BUCKET_SIZE 16

struct table_entry {
    struct bts_enode n;
    uint8_t hash[32]; /* keccak256(id) */
    uint64_t added_ms, checked_ms;
};

struct table {
    uint8_t self_hash[32];
    struct table_entry b[TABLE_BUCKETS][TABLE_BUCKET_SIZE];
    size_t count[TABLE_BUCKETS];
};

/** Empty table around our own id. */
void table_init(struct table *t, const uint8_t self_id[64]);
/** Bucket index of `id` (0..TABLE_BUCKETS-1). */
size_t table_bucket_of(const struct table *t, const uint8_t id[64]);
/** Add or refresh a verified node. Returns 1 added, 0 refreshed, -1 bucket full or self. */
int table_add(struct table *t, const struct bts_enode *n, uint64_t now_ms);
/** Remove node `id`; returns 1 if it was there. */
int table_remove(struct table *t, const uint8_t id[64]);
/** The entry of `id`, or NULL. */
struct table_entry *table_find(struct table *t, const uint8_t id[64]);
/** Up to `cap` nodes closest to `target` (a node id), nearest first. Returns how many. */
size_t table_closest(const struct table *t, const uint8_t target[64], struct bts_enode *out,
                     size_t cap);
/** Total entries. */
size_t table_size(const struct table *t);
/** The least recently checked entry of a non-empty bucket chosen by `pick`, or NULL. */
struct table_entry *table_to_check(struct table *t, uint32_t pick);

#endif /* BTTCD_P2P_TABLE_INT_H */
