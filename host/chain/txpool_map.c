/* The txpool's hash maps: open addressing with linear probing over pointers to values that
 * hold their own fixed-size key (transaction hash, sender address). */
#include "txpool_priv.h"

#include <stdlib.h>
#include <string.h>

/* --- map ----------------------------------------------------------------------------------- */

static const uint8_t *map_key(const struct txpool_map *m, const void *v)
{
    return (const uint8_t *)v + m->key_off;
}

/* Keys are hashes or addresses: mix their 8-byte words (no attacker gains more than a slower
 * probe from choosing vanity addresses). */
static size_t map_hash(const struct txpool_map *m, const uint8_t *key)
{
    uint64_t h = 0x9e3779b97f4a7c15u, w;
    for (size_t i = 0; i + 8 <= m->key_len; i += 8) {
        memcpy(&w, key + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
    }
    memcpy(&w, key + m->key_len - 8, 8);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    return (size_t)(h ^ (h >> 29)) & (m->cap - 1);
}

void *txpool_map_get(const struct txpool_map *m, const uint8_t *key)
{
    if (m->cap == 0)
        return NULL;
    for (size_t i = map_hash(m, key);; i = (i + 1) & (m->cap - 1)) {
        void *v = m->slots[i];
        if (!v)
            return NULL;
        if (memcmp(map_key(m, v), key, m->key_len) == 0)
            return v;
    }
}

bt_status txpool_map_put(struct txpool_map *m, void *v)
{
    if ((m->n + 1) * 4 > m->cap * 3) { /* load factor 3/4 */
        size_t ncap = m->cap ? m->cap * 2 : 64;
        void **old = m->slots;
        size_t ocap = m->cap;
        void **slots = calloc(ncap, sizeof(*slots));
        if (!slots)
            return BT_ENOMEM;
        m->slots = slots;
        m->cap = ncap;
        m->n = 0;
        for (size_t i = 0; i < ocap; i++) {
            if (old[i])
                (void)txpool_map_put(m, old[i]); /* cannot grow again */
        }
        free(old);
    }
    size_t i = map_hash(m, map_key(m, v));
    while (m->slots[i])
        i = (i + 1) & (m->cap - 1);
    m->slots[i] = v;
    m->n++;
    return BT_OK;
}

/* Remove by backward shift, so lookups never need tombstones. */
void txpool_map_del(struct txpool_map *m, const void *v)
{
    size_t i = map_hash(m, map_key(m, v));
    while (m->slots[i] != v)
        i = (i + 1) & (m->cap - 1);
    m->slots[i] = NULL;
    m->n--;
    for (size_t j = (i + 1) & (m->cap - 1); m->slots[j]; j = (j + 1) & (m->cap - 1)) {
        size_t home = map_hash(m, map_key(m, m->slots[j]));
        /* Move slots[j] into the hole if its home is not cyclically within (i, j]. */
        if (((j - home) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
            m->slots[i] = m->slots[j];
            m->slots[j] = NULL;
            i = j;
        }
    }
}
