/* eth/66 messages (devp2p caps/eth.md at eth/66; request ids from EIP-2481): Status,
 * GetBlockHeaders, NewBlock and the list-shaped messages, decoded as checked zero-copy views. */
#include <bts/ethwire.h>

#include <string.h>

#include "rlp_wire_int.h"

/* Validate a whole message and open its top-level list. */
static bt_status open_msg(struct bts_rlp_item *top, struct bts_rlp_iter *it, const uint8_t *in,
                          size_t in_len)
{
    if (in_len > BTS_ETH_MAX_MSG)
        return BT_EPROTO;
    bt_status st = bts_rlp_decode_max_depth(top, in, in_len, BTS_ETH_MAX_DEPTH);
    if (st == BT_ENOMEM)
        return st;
    if (st != BT_OK || !top->is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(it, top);
    return BT_OK;
}

static bt_status at_end(struct bts_rlp_iter *it)
{
    struct bts_rlp_item item;
    return bts_rlp_iter_next(it, &item) == BT_ENOTFOUND ? BT_OK : BT_EPROTO;
}

bt_status bts_eth_status_encode(struct bts_buf *out, const struct bts_eth_status *s)
{
    size_t mark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, s->version);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, s->network_id);
    if (st == BT_OK)
        st = bts_rlp_encode_u256_be(out, s->td);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, s->head, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, s->genesis, 32);
    if (st == BT_OK)
        st = bts_forkid_encode(out, &s->fork_id);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    return st;
}

bt_status bts_eth_status_decode(struct bts_eth_status *out, const uint8_t *in, size_t in_len)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it;
    memset(out, 0, sizeof(*out));
    bt_status st = open_msg(&top, &it, in, in_len);
    if (st == BT_OK &&
        (rlp_wire_next_u64(&it, &out->version) || rlp_wire_next_u64(&it, &out->network_id) ||
         rlp_wire_next(&it, &item) || bts_rlp_item_u256_be(&item, out->td) ||
         rlp_wire_next_fixed(&it, out->head, 32) || rlp_wire_next_fixed(&it, out->genesis, 32) ||
         rlp_wire_next(&it, &item) || bts_forkid_decode(&out->fork_id, &item)))
        st = BT_EPROTO;
    if (st != BT_OK)
        memset(out, 0, sizeof(*out));
    return st;
}

bt_status bts_eth_get_headers_encode(struct bts_buf *out, const struct bts_eth_get_headers *q)
{
    size_t mark, inner;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, q->req_id);
    if (st == BT_OK)
        st = bts_rlp_list_begin(out, &inner);
    if (st == BT_OK)
        st = q->is_by_hash ? bts_rlp_encode_bytes(out, q->origin_hash, 32)
                           : bts_rlp_encode_u64(out, q->origin_number);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, q->amount);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, q->skip);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, q->is_reverse ? 1 : 0);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, inner);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    return st;
}

bt_status bts_eth_get_headers_decode(struct bts_eth_get_headers *out, const uint8_t *in,
                                     size_t in_len)
{
    struct bts_rlp_item top, q, origin;
    struct bts_rlp_iter it, qit;
    uint64_t rev;
    memset(out, 0, sizeof(*out));
    bt_status st = open_msg(&top, &it, in, in_len);
    if (st != BT_OK)
        return st;
    if (rlp_wire_next_u64(&it, &out->req_id) || rlp_wire_next(&it, &q) || !q.is_list || at_end(&it))
        goto fail;
    bts_rlp_iter_init(&qit, &q);
    if (rlp_wire_next(&qit, &origin) != BT_OK || origin.is_list)
        goto fail;
    /* Origin: a 32-byte string is a hash, anything up to 8 bytes a number (go-ethereum's
     * HashOrNumber decoding). */
    if (origin.payload_len == 32) {
        out->is_by_hash = 1;
        memcpy(out->origin_hash, origin.payload, 32);
    } else if (bts_rlp_item_u64(&origin, &out->origin_number) != BT_OK) {
        goto fail;
    }
    if (rlp_wire_next_u64(&qit, &out->amount) || rlp_wire_next_u64(&qit, &out->skip) ||
        rlp_wire_next_u64(&qit, &rev) || rev > 1 || at_end(&qit))
        goto fail;
    out->is_reverse = (int)rev;
    return BT_OK;
fail:
    memset(out, 0, sizeof(*out));
    return BT_EPROTO;
}

/* Shapes of list-shaped messages. */
enum item_kind { K_HASH, K_HASH_NUMBER, K_TX, K_LIST, K_BODY };

struct shape {
    int has_req_id;
    enum item_kind kind;
    size_t max; /* 0: size-limited only */
};

static int shape_of(int code, struct shape *s)
{
    switch (code) {
    case BTS_ETH_NEW_BLOCK_HASHES:
        *s = (struct shape){0, K_HASH_NUMBER, BTS_ETH_MAX_HASHES};
        return 1;
    case BTS_ETH_TRANSACTIONS:
        *s = (struct shape){0, K_TX, 0};
        return 1;
    case BTS_ETH_NEW_POOLED_TX_HASHES:
        *s = (struct shape){0, K_HASH, BTS_ETH_MAX_HASHES};
        return 1;
    case BTS_ETH_GET_BLOCK_BODIES:
    case BTS_ETH_GET_POOLED_TXS:
    case BTS_ETH_GET_RECEIPTS:
        *s = (struct shape){1, K_HASH, BTS_ETH_MAX_HASHES};
        return 1;
    case BTS_ETH_BLOCK_HEADERS:
    case BTS_ETH_RECEIPTS:
        *s = (struct shape){1, K_LIST, BTS_ETH_MAX_ITEMS};
        return 1;
    case BTS_ETH_BLOCK_BODIES:
        *s = (struct shape){1, K_BODY, BTS_ETH_MAX_ITEMS};
        return 1;
    case BTS_ETH_POOLED_TXS:
        *s = (struct shape){1, K_TX, 0};
        return 1;
    default: /* code is the peer's integer, not our enum */
        return 0;
    }
}

static int item_ok(enum item_kind kind, const struct bts_rlp_item *item)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item a, b;
    uint8_t h[32];
    uint64_t n;
    switch (kind) {
    case K_HASH:
        return bts_rlp_item_fixed(item, h, 32) == BT_OK;
    case K_HASH_NUMBER:
        if (!item->is_list)
            return 0;
        bts_rlp_iter_init(&it, item);
        return rlp_wire_next_fixed(&it, h, 32) == BT_OK && rlp_wire_next_u64(&it, &n) == BT_OK &&
               at_end(&it) == BT_OK;
    case K_TX:
        /* Legacy: a list. Typed (EIP-2718): a string whose first byte is the type < 0x80. */
        return item->is_list || (item->payload_len > 0 && item->payload[0] < 0x80);
    case K_LIST:
        return item->is_list;
    case K_BODY:
        if (!item->is_list)
            return 0;
        bts_rlp_iter_init(&it, item);
        return bts_rlp_iter_next(&it, &a) == BT_OK && a.is_list &&
               bts_rlp_iter_next(&it, &b) == BT_OK && b.is_list;
    }
    return 0;
}

bt_status bts_eth_list_decode(struct bts_eth_list *out, int code, const uint8_t *in, size_t in_len)
{
    struct shape sh;
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it, lit;
    memset(out, 0, sizeof(*out));
    if (!shape_of(code, &sh))
        return BT_EINVAL;
    bt_status st = open_msg(&top, &it, in, in_len);
    if (st != BT_OK)
        return st;
    if (sh.has_req_id) {
        if (rlp_wire_next_u64(&it, &out->req_id) || rlp_wire_next(&it, &out->list) ||
            !out->list.is_list || at_end(&it))
            goto fail;
    } else {
        out->list = top;
    }
    bts_rlp_iter_init(&lit, &out->list);
    while ((st = bts_rlp_iter_next(&lit, &item)) == BT_OK) {
        if ((sh.max && out->count == sh.max) || !item_ok(sh.kind, &item))
            goto fail;
        out->count++;
    }
    if (st == BT_ENOTFOUND)
        return BT_OK;
fail:
    memset(out, 0, sizeof(*out));
    return BT_EPROTO;
}

static bt_status list_open(struct bts_buf *out, const struct shape *sh, uint64_t req_id,
                           size_t *mark, size_t *inner)
{
    bt_status st = bts_rlp_list_begin(out, mark);
    if (st == BT_OK && sh->has_req_id) {
        st = bts_rlp_encode_u64(out, req_id);
        if (st == BT_OK)
            st = bts_rlp_list_begin(out, inner);
    }
    return st;
}

static bt_status list_close(struct bts_buf *out, const struct shape *sh, size_t mark, size_t inner)
{
    bt_status st = sh->has_req_id ? bts_rlp_list_end(out, inner) : BT_OK;
    return st == BT_OK ? bts_rlp_list_end(out, mark) : st;
}

bt_status bts_eth_list_encode(struct bts_buf *out, int code, uint64_t req_id,
                              const uint8_t *const *items, const size_t *lens, size_t n)
{
    struct shape sh;
    size_t mark, inner = 0;
    if (!shape_of(code, &sh) || sh.kind == K_HASH)
        return BT_EINVAL;
    bt_status st = list_open(out, &sh, req_id, &mark, &inner);
    for (size_t i = 0; st == BT_OK && i < n; i++)
        st = bts_rlp_encode_raw(out, items[i], lens[i]);
    return st == BT_OK ? list_close(out, &sh, mark, inner) : st;
}

bt_status bts_eth_hashes_encode(struct bts_buf *out, int code, uint64_t req_id,
                                const uint8_t *hashes, size_t n)
{
    struct shape sh;
    size_t mark, inner = 0;
    if (!shape_of(code, &sh) || sh.kind != K_HASH)
        return BT_EINVAL;
    bt_status st = list_open(out, &sh, req_id, &mark, &inner);
    for (size_t i = 0; st == BT_OK && i < n; i++)
        st = bts_rlp_encode_bytes(out, hashes + 32 * i, 32);
    return st == BT_OK ? list_close(out, &sh, mark, inner) : st;
}

bt_status bts_eth_hash_number_encode(struct bts_buf *out, const uint8_t hash[32], uint64_t number)
{
    bt_status st = bts_rlp_encode_list_header(out, 33 + bts_rlp_u64_len(number));
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, hash, 32);
    if (st == BT_OK)
        st = bts_rlp_encode_u64(out, number);
    return st;
}

bt_status bts_eth_hash_number_next(struct bts_rlp_iter *it, uint8_t out_hash[32],
                                   uint64_t *out_number)
{
    struct bts_rlp_item pair;
    struct bts_rlp_iter pit;
    bt_status st = bts_rlp_iter_next(it, &pair);
    if (st == BT_ENOTFOUND)
        return st;
    if (st != BT_OK || !pair.is_list)
        return BT_EPROTO;
    bts_rlp_iter_init(&pit, &pair);
    if (rlp_wire_next_fixed(&pit, out_hash, 32) || rlp_wire_next_u64(&pit, out_number) ||
        at_end(&pit))
        return BT_EPROTO;
    return BT_OK;
}

bt_status bts_eth_new_block_encode(struct bts_buf *out, const uint8_t *block, size_t block_len,
                                   const uint8_t td[32])
{
    size_t mark;
    bt_status st = bts_rlp_list_begin(out, &mark);
    if (st == BT_OK)
        st = bts_rlp_encode_raw(out, block, block_len);
    if (st == BT_OK)
        st = bts_rlp_encode_u256_be(out, td);
    if (st == BT_OK)
        st = bts_rlp_list_end(out, mark);
    return st;
}

bt_status bts_eth_new_block_decode(struct bts_eth_new_block *out, const uint8_t *in, size_t in_len)
{
    struct bts_rlp_item top, item;
    struct bts_rlp_iter it, bit;
    memset(out, 0, sizeof(*out));
    bt_status st = open_msg(&top, &it, in, in_len);
    if (st != BT_OK)
        return st;
    if (rlp_wire_next(&it, &out->block) || !out->block.is_list || rlp_wire_next(&it, &item) ||
        bts_rlp_item_u256_be(&item, out->td) || at_end(&it))
        goto fail;
    /* block = [header, txs, uncles]: the three must be lists. */
    bts_rlp_iter_init(&bit, &out->block);
    if (rlp_wire_next(&bit, &out->header) || !out->header.is_list || rlp_wire_next(&bit, &item) ||
        !item.is_list || rlp_wire_next(&bit, &item) || !item.is_list)
        goto fail;
    return BT_OK;
fail:
    memset(out, 0, sizeof(*out));
    return BT_EPROTO;
}

const char *bts_eth_msg_name(uint64_t code)
{
    static const char *const names[] = {
        "Status",
        "NewBlockHashes",
        "Transactions",
        "GetBlockHeaders",
        "BlockHeaders",
        "GetBlockBodies",
        "BlockBodies",
        "NewBlock",
        "NewPooledTransactionHashes",
        "GetPooledTransactions",
        "PooledTransactions",
        NULL,
        NULL,
        "GetNodeData", /* 0x0d/0x0e: in eth/66, gone in eth/67 (bttcd never asks) */
        "NodeData",
        "GetReceipts",
        "Receipts",
    };
    if (code < BTS_ARRAY_SIZE(names) && names[code])
        return names[code];
    return "unknown";
}
