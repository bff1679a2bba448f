/* Internal: an ordered byte-string map (sorted array, binary search) with tombstones, the
 * building block of the in-memory store and of the application's per-block and per-tx
 * overlays (dlv_state.c). Not part of the library's interface. */
#ifndef DLV_MAP_H
#define DLV_MAP_H

#include <bts/common.h>

struct dlv_map_ent {
    uint8_t *key;
    size_t key_len;
    uint8_t *val; /* NULL: tombstone (a delete in an overlay) */
    size_t val_len;
};

struct dlv_map {
    struct dlv_map_ent *e;
    size_t n, cap;
};

/* memcmp order, a proper prefix first. */
int dlv_key_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);
/* Index of the first entry >= key. */
size_t dlv_map_lower(const struct dlv_map *m, const uint8_t *key, size_t key_len);
/* The entry for key or NULL. */
struct dlv_map_ent *dlv_map_find(const struct dlv_map *m, const uint8_t *key, size_t key_len);
/* Insert or replace; val NULL stores a tombstone. Copies key and value. */
bt_status dlv_map_put(struct dlv_map *m, const uint8_t *key, size_t key_len, const uint8_t *val,
                      size_t val_len) BT_MUST_CHECK;
/* Remove an entry outright (no tombstone). */
void dlv_map_erase(struct dlv_map *m, const uint8_t *key, size_t key_len);
void dlv_map_clear(struct dlv_map *m);
void dlv_map_free(struct dlv_map *m);

#endif /* DLV_MAP_H */
