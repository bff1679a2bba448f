/* Ordered byte-string map (dlv_map.h). */
#include "dlv_map.h"

#include <stdlib.h>
#include <string.h>

int dlv_key_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return an < bn ? -1 : an > bn;
}

size_t dlv_map_lower(const struct dlv_map *m, const uint8_t *key, size_t key_len)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dlv_key_cmp(m->e[mid].key, m->e[mid].key_len, key, key_len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct dlv_map_ent *dlv_map_find(const struct dlv_map *m, const uint8_t *key, size_t key_len)
{
    size_t i = dlv_map_lower(m, key, key_len);
    if (i < m->n && dlv_key_cmp(m->e[i].key, m->e[i].key_len, key, key_len) == 0)
        return &m->e[i];
    return NULL;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

bt_status dlv_map_put(struct dlv_map *m, const uint8_t *key, size_t key_len, const uint8_t *val,
                      size_t val_len)
{
    uint8_t *v = NULL;
    if (val && !(v = dup_bytes(val, val_len)))
        return BT_ENOMEM;
    size_t i = dlv_map_lower(m, key, key_len);
    if (i < m->n && dlv_key_cmp(m->e[i].key, m->e[i].key_len, key, key_len) == 0) {
        free(m->e[i].val);
        m->e[i].val = v;
        m->e[i].val_len = val ? val_len : 0;
        return BT_OK;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        struct dlv_map_ent *e = realloc(m->e, cap * sizeof *e);
        if (!e) {
            free(v);
            return BT_ENOMEM;
        }
        m->e = e;
        m->cap = cap;
    }
    uint8_t *k = dup_bytes(key, key_len);
    if (!k) {
        free(v);
        return BT_ENOMEM;
    }
    memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof *m->e);
    m->e[i] = (struct dlv_map_ent){k, key_len, v, val ? val_len : 0};
    m->n++;
    return BT_OK;
}

void dlv_map_erase(struct dlv_map *m, const uint8_t *key, size_t key_len)
{
    size_t i = dlv_map_lower(m, key, key_len);
    if (i >= m->n || dlv_key_cmp(m->e[i].key, m->e[i].key_len, key, key_len) != 0)
        return;
    free(m->e[i].key);
    free(m->e[i].val);
    memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof *m->e);
    m->n--;
}

void dlv_map_clear(struct dlv_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].key);
        free(m->e[i].val);
    }
    m->n = 0;
}

void dlv_map_free(struct dlv_map *m)
{
    dlv_map_clear(m);
    free(m->e);
    memset(m, 0, sizeof *m);
}
