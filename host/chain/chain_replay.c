/* Replaying part of a block (chain_int.h chain_state_before_tx): the parent's state with the
 * block's first transactions applied, for debug_traceTransaction and calls at a position inside
 * a block. Source: go-ethereum eth/state_accessor.go (stateAtTransaction). */
#include "chain_priv.h"

#include <string.h>

bt_status chain_state_before_tx(struct chain *c, const uint8_t block_hash[32], uint32_t index,
                                struct state **out, struct chain_header *out_header, char *err,
                                size_t err_cap)
{
    *out = NULL;
    memset(out_header, 0, sizeof(*out_header));
    struct chain_body body;
    struct chain_receipts rs;
    memset(&body, 0, sizeof(body));
    memset(&rs, 0, sizeof(rs));
    bt_status rc = chain_header_by_hash(c, block_hash, out_header);
    if (rc == BT_OK)
        rc = chain_body_by_hash(c, block_hash, &body);
    if (rc == BT_OK)
        rc = chain_receipts_by_hash(c, block_hash, &rs); /* the senders */
    if (rc == BT_OK && (index > body.n_txs || out_header->h.number == 0))
        rc = BT_ENOTFOUND;
    if (rc == BT_OK)
        rc = chain_state_at(c, out_header->h.parent_hash.bytes, out);
    uint8_t to[20];
    if (rc == BT_OK)
        rc = chain_fee_to(c, &out_header->h, to);
    for (uint32_t i = 0; rc == BT_OK && i < index; i++) {
        struct bt_evm_result r;
        rc = block_exec_tx(&c->bx, *out, &out_header->h, to, &body.txs[i], &rs.r[i].from, 0, &r,
                           err, err_cap);
        if (rc == BT_OK) {
            rc = state_apply(*out, &r);
            if (r.release)
                r.release(&r);
        }
    }
    chain_body_free(&body);
    chain_receipts_free(&rs);
    if (rc != BT_OK) {
        state_free(*out);
        *out = NULL;
        chain_header_free(out_header);
    }
    return rc;
}
