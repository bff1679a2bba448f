/* The Delivery mempool: admitted txs in arrival order (the proposer takes them in that order),
 * de-duplicated by keccak256, bounded in count and bytes. Linear scans: the pool is small
 * (thousands) and touched once per tx and once per commit. */
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

#include "dlv_node_int.h"

void dlv_mempool_init(struct dlv_mempool *m, size_t max_txs, size_t max_bytes)
{
    memset(m, 0, sizeof *m);
    m->max_txs = max_txs;
    m->max_bytes = max_bytes;
}

void dlv_mempool_free(struct dlv_mempool *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].tx);
    free(m->v);
    memset(m, 0, sizeof *m);
}

static long find(const struct dlv_mempool *m, const uint8_t hash[32])
{
    for (size_t i = 0; i < m->n; i++)
        if (!memcmp(m->v[i].hash, hash, 32))
            return (long)i;
    return -1;
}

int dlv_mempool_has(const struct dlv_mempool *m, const uint8_t hash[32])
{
    return find(m, hash) >= 0;
}

bt_status dlv_mempool_add(struct dlv_mempool *m, const uint8_t *tx, size_t len)
{
    uint8_t h[32];
    bts_keccak256(h, tx, len);
    if (find(m, h) >= 0)
        return BT_EEXIST;
    if (m->n >= m->max_txs || m->bytes + len > m->max_bytes)
        return BT_ERANGE;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct dlv_mp_tx *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return BT_ENOMEM;
        m->v = v;
        m->cap = cap;
    }
    uint8_t *c = malloc(len ? len : 1);
    if (!c)
        return BT_ENOMEM;
    memcpy(c, tx, len);
    memcpy(m->v[m->n].hash, h, 32);
    m->v[m->n].tx = c;
    m->v[m->n].len = len;
    m->n++;
    m->bytes += len;
    return BT_OK;
}

void dlv_mempool_remove(struct dlv_mempool *m, const uint8_t hash[32])
{
    long i = find(m, hash);
    if (i < 0)
        return;
    m->bytes -= m->v[i].len;
    free(m->v[i].tx);
    memmove(&m->v[i], &m->v[i + 1], (m->n - (size_t)i - 1) * sizeof *m->v);
    m->n--;
}
