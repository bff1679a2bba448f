/* Delivery bridge: the local Bttc chain read through the host's "chain" service
 * (dlvb_proposer.h dlvb_chain_local_init): head and bor_getRootHash (PROTOCOL.md §3.11). */
#include <stdlib.h>
#include <string.h>

#include <bts/header.h>
#include <bts/merkle.h>

#include "dlvb_proposer.h"

static bt_status chain_head(void *arg, uint64_t *out)
{
    struct dlvb_chain_local *c = arg;
    uint8_t hash[32];
    return c->iface->head(c->self, out, hash);
}

/* The checkpoint leaf of block n. */
static bt_status leaf_of(struct dlvb_chain_local *c, uint64_t n, uint8_t out[32])
{
    struct bt_value v = {0};
    bt_status st = c->iface->header_by_number(c->self, n, &v);
    if (st != BT_OK)
        return st;
    struct bts_header h;
    st = bts_header_decode(&h, v.data, v.len) == BT_OK ? BT_OK : BT_EPROTO;
    if (st == BT_OK)
        bts_merkle_leaf(out, h.number, h.time, h.tx_root.bytes, h.receipt_root.bytes);
    if (v.release)
        v.release(&v);
    return st;
}

static bt_status chain_root_hash(void *arg, uint64_t start, uint64_t end, uint8_t out[32])
{
    struct dlvb_chain_local *c = arg;
    uint64_t head = 0;
    uint8_t hash[32];
    if (start > end || end - start >= BTS_MERKLE_MAX_LEAVES)
        return BT_EINVAL;
    bt_status st = c->iface->head(c->self, &head, hash);
    if (st != BT_OK)
        return st;
    if (end > head)
        return BT_EINVAL;
    size_t n = (size_t)(end - start + 1);
    uint8_t *leaves = malloc(32 * n);
    if (!leaves)
        return BT_ENOMEM;
    for (size_t i = 0; i < n && st == BT_OK; i++)
        st = leaf_of(c, start + i, leaves + 32 * i);
    if (st == BT_OK)
        st = bts_merkle_root(out, leaves, n);
    free(leaves);
    return st;
}

void dlvb_chain_local_init(struct dlvb_local *out, struct dlvb_chain_local *c)
{
    out->head = chain_head;
    out->root_hash = chain_root_hash;
    out->arg = c;
}
