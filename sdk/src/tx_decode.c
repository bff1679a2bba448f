/* Strict decoding of the transaction envelopes (bts/tx.h): EIP-2718 type dispatch, then one
 * pass over the payload list driven by the per-type field layout of tx_int.h. */
#include <bts/tx.h>

#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "tx_int.h"

static const enum tx_field legacy_fields[] = {TXF_NONCE, TXF_GAS_PRICE, TXF_GAS, TXF_TO, TXF_VALUE,
                                              TXF_DATA,  TXF_V,         TXF_R,   TXF_S};
static const enum tx_field access_list_fields[] = {
    TXF_CHAIN_ID, TXF_NONCE,       TXF_GAS_PRICE, TXF_GAS, TXF_TO, TXF_VALUE,
    TXF_DATA,     TXF_ACCESS_LIST, TXF_V,         TXF_R,   TXF_S};
static const enum tx_field dynamic_fee_fields[] = {
    TXF_CHAIN_ID, TXF_NONCE, TXF_TIP_CAP,     TXF_GAS_PRICE, TXF_GAS, TXF_TO,
    TXF_VALUE,    TXF_DATA,  TXF_ACCESS_LIST, TXF_V,         TXF_R,   TXF_S};
static const enum tx_field blob_fields[] = {
    TXF_CHAIN_ID, TXF_NONCE,       TXF_TIP_CAP,      TXF_GAS_PRICE,   TXF_GAS, TXF_TO, TXF_VALUE,
    TXF_DATA,     TXF_ACCESS_LIST, TXF_BLOB_FEE_CAP, TXF_BLOB_HASHES, TXF_V,   TXF_R,  TXF_S};

static const struct tx_layout layouts[] = {
    {BTS_ARRAY_SIZE(legacy_fields), legacy_fields},
    {BTS_ARRAY_SIZE(access_list_fields), access_list_fields},
    {BTS_ARRAY_SIZE(dynamic_fee_fields), dynamic_fee_fields},
    {BTS_ARRAY_SIZE(blob_fields), blob_fields},
};

const struct tx_layout *tx_layout_of(uint8_t type)
{
    return type < BTS_ARRAY_SIZE(layouts) ? &layouts[type] : NULL;
}

/* Nesting of the deepest valid payload: tx list > access list > tuple > key list. */
#define TX_MAX_DEPTH 4

static bt_status read_u256(const struct bts_rlp_item *it, struct bts_u256 *out)
{
    uint8_t be[32];
    bt_status st = bts_rlp_item_u256_be(it, be);
    bts_u256_load_be(out, be);
    return st;
}

/* Access list (EIP-2930): [[address(20), [key(32), ...]], ...]; counts tuples and keys. */
static bt_status read_access_list(const struct bts_rlp_item *list, struct bts_tx *tx)
{
    struct bts_rlp_iter it, kit;
    struct bts_rlp_item tuple, addr, keys, key, extra;
    bt_status st;
    if (!list->is_list)
        return BTS_TX_EACCESS_LIST;
    bts_rlp_iter_init(&it, list);
    while ((st = bts_rlp_iter_next(&it, &tuple)) == BT_OK) {
        struct bts_rlp_iter tit;
        if (!tuple.is_list)
            return BTS_TX_EACCESS_LIST;
        bts_rlp_iter_init(&tit, &tuple);
        if (bts_rlp_iter_next(&tit, &addr) != BT_OK || addr.is_list || addr.payload_len != 20 ||
            bts_rlp_iter_next(&tit, &keys) != BT_OK || !keys.is_list ||
            bts_rlp_iter_next(&tit, &extra) != BT_ENOTFOUND)
            return BTS_TX_EACCESS_LIST;
        bts_rlp_iter_init(&kit, &keys);
        while ((st = bts_rlp_iter_next(&kit, &key)) == BT_OK) {
            if (key.is_list || key.payload_len != 32)
                return BTS_TX_EACCESS_LIST;
            tx->n_access_keys++;
        }
        if (st != BT_ENOTFOUND)
            return BTS_TX_EACCESS_LIST;
        tx->n_access_addresses++;
    }
    if (st != BT_ENOTFOUND)
        return BTS_TX_EACCESS_LIST;
    tx->access_list = list->raw;
    tx->access_list_len = list->raw_len;
    return BT_OK;
}

/* Blob versioned hashes (EIP-4844): a list of 32-byte strings. */
static bt_status read_blob_hashes(const struct bts_rlp_item *list, struct bts_tx *tx)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item h;
    bt_status st;
    if (!list->is_list)
        return BTS_RLP_EWRONG_TYPE;
    bts_rlp_iter_init(&it, list);
    while ((st = bts_rlp_iter_next(&it, &h)) == BT_OK) {
        if (h.is_list)
            return BTS_RLP_EWRONG_TYPE;
        if (h.payload_len != 32)
            return BTS_RLP_EWRONG_SIZE;
        tx->n_blob_hashes++;
    }
    if (st != BT_ENOTFOUND)
        return st;
    tx->blob_hashes = list->raw;
    tx->blob_hashes_len = list->raw_len;
    return BT_OK;
}

static bt_status read_to(const struct bts_rlp_item *it, struct bts_tx *tx)
{
    if (it->is_list)
        return BTS_RLP_EWRONG_TYPE;
    if (it->payload_len == 0)
        return tx->type == BTS_TX_BLOB ? BTS_TX_EBLOB_CREATE : BT_OK;
    if (it->payload_len != 20)
        return BTS_TX_ETO;
    memcpy(tx->to.bytes, it->payload, 20);
    tx->has_to = 1;
    return BT_OK;
}

static bt_status read_field(enum tx_field f, const struct bts_rlp_item *it, struct bts_tx *tx)
{
    switch (f) {
    case TXF_CHAIN_ID:
        return read_u256(it, &tx->chain_id);
    case TXF_NONCE:
        return bts_rlp_item_u64(it, &tx->nonce);
    case TXF_GAS_PRICE:
        return read_u256(it, &tx->gas_price);
    case TXF_TIP_CAP:
        return read_u256(it, &tx->gas_tip_cap);
    case TXF_GAS:
        return bts_rlp_item_u64(it, &tx->gas);
    case TXF_TO:
        return read_to(it, tx);
    case TXF_VALUE:
        return read_u256(it, &tx->value);
    case TXF_DATA:
        return bts_rlp_item_bytes(it, &tx->data, &tx->data_len);
    case TXF_ACCESS_LIST:
        return read_access_list(it, tx);
    case TXF_BLOB_FEE_CAP:
        return read_u256(it, &tx->blob_fee_cap);
    case TXF_BLOB_HASHES:
        return read_blob_hashes(it, tx);
    case TXF_V:
        return read_u256(it, &tx->v);
    case TXF_R:
        return read_u256(it, &tx->r);
    case TXF_S:
        return read_u256(it, &tx->s);
    }
    return BT_EINVAL;
}

/* Legacy v says whether the transaction is EIP-155 protected: v = 35 + 2 chainId + parity.
 * 27/28 (and every other value below 35) carry no chain id; bts_tx_sender() rejects the rest. */
static void legacy_chain_id(struct bts_tx *tx)
{
    struct bts_u256 c35 = bts_u256_from_u64(35);
    if (bts_u256_lt(&tx->v, &c35))
        return;
    bts_u256_sub(&tx->chain_id, &tx->v, &c35);
    bts_u256_shr(&tx->chain_id, &tx->chain_id, 1);
    tx->has_chain_id = 1;
}

/* Decode the payload list of a transaction of a known type. */
static bt_status decode_payload(struct bts_tx *tx, const uint8_t *p, size_t n)
{
    const struct tx_layout *lay = tx_layout_of(tx->type);
    struct bts_rlp_item list, it;
    struct bts_rlp_iter iter;
    size_t count;
    bt_status st = bts_rlp_decode_max_depth(&list, p, n, TX_MAX_DEPTH);
    if (st != BT_OK)
        return st;
    if (!list.is_list)
        return BTS_RLP_EWRONG_TYPE;
    st = bts_rlp_list_count(&list, &count);
    if (st != BT_OK)
        return st;
    if (count != lay->n)
        return BTS_TX_EFIELDS;
    bts_rlp_iter_init(&iter, &list);
    for (size_t i = 0; i < lay->n; i++) {
        st = bts_rlp_iter_next(&iter, &it);
        if (st == BT_OK)
            st = read_field(lay->fields[i], &it, tx);
        if (st != BT_OK)
            return st;
    }
    if (tx->type == BTS_TX_LEGACY || tx->type == BTS_TX_ACCESS_LIST)
        tx->gas_tip_cap = tx->gas_price;
    if (tx->type == BTS_TX_LEGACY)
        legacy_chain_id(tx);
    else
        tx->has_chain_id = 1;
    return BT_OK;
}

bt_status bts_tx_decode(struct bts_tx *out, const uint8_t *in, size_t in_len)
{
    bt_status st;
    memset(out, 0, sizeof(*out));
    if (in_len == 0)
        return BTS_TX_ESHORT;
    if (in[0] >= 0x80) { /* an RLP item: legacy (EIP-2718 keeps 0xc0.. for it) */
        out->type = BTS_TX_LEGACY;
        st = decode_payload(out, in, in_len);
    } else if (in[0] == 0 || in[0] > BTS_TX_BLOB) {
        st = BTS_TX_ETYPE;
    } else if (in_len == 1) {
        st = BTS_TX_ESHORT;
    } else {
        out->type = in[0];
        st = decode_payload(out, in + 1, in_len - 1);
    }
    if (st != BT_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    bts_keccak256(out->hash.bytes, in, in_len);
    return BT_OK;
}

bt_status bts_tx_decode_block_item(struct bts_tx *out, const uint8_t *raw, size_t raw_len)
{
    struct bts_rlp_item item;
    memset(out, 0, sizeof(*out));
    bt_status st = bts_rlp_decode_prefix(&item, raw, raw_len);
    if (st != BT_OK)
        return st;
    if (item.raw_len != raw_len)
        return BTS_RLP_ETRAILING;
    if (item.is_list)
        return bts_tx_decode(out, raw, raw_len);
    /* A typed transaction wrapped in a string; a legacy list inside a string is refused. */
    if (item.payload_len > 0 && item.payload[0] >= 0x80)
        return BTS_TX_ETYPE;
    return bts_tx_decode(out, item.payload, item.payload_len);
}

bt_status bts_tx_access_next(const struct bts_tx *tx, size_t *pos, struct bt_address *out_address,
                             const uint8_t **out_keys, size_t *out_n_keys)
{
    struct bts_rlp_item list, tuple, addr, keys;
    struct bts_rlp_iter it;
    *out_keys = NULL;
    *out_n_keys = 0;
    memset(out_address, 0, sizeof(*out_address));
    if (tx->access_list_len == 0)
        return BT_ENOTFOUND;
    if (bts_rlp_decode_prefix(&list, tx->access_list, tx->access_list_len) != BT_OK ||
        !list.is_list || *pos > list.payload_len)
        return BTS_TX_EACCESS_LIST;
    it.p = list.payload + *pos;
    it.left = list.payload_len - *pos;
    bt_status st = bts_rlp_iter_next(&it, &tuple);
    if (st == BT_ENOTFOUND)
        return BT_ENOTFOUND;
    if (st != BT_OK || !tuple.is_list)
        return BTS_TX_EACCESS_LIST;
    bts_rlp_iter_init(&it, &tuple);
    if (bts_rlp_iter_next(&it, &addr) != BT_OK || bts_rlp_item_fixed(&addr, out_address, 20) ||
        bts_rlp_iter_next(&it, &keys) != BT_OK || !keys.is_list || keys.payload_len % 33 != 0)
        return BTS_TX_EACCESS_LIST;
    *out_keys = keys.payload;
    *out_n_keys = keys.payload_len / 33;
    *pos = (size_t)(tuple.raw + tuple.raw_len - list.payload);
    return BT_OK;
}

bt_status bts_tx_blob_hash(const struct bts_tx *tx, size_t i, uint8_t out[32])
{
    struct bts_rlp_item list;
    if (i >= tx->n_blob_hashes ||
        bts_rlp_decode_prefix(&list, tx->blob_hashes, tx->blob_hashes_len) != BT_OK ||
        list.payload_len < 33 * (i + 1))
        return BT_ERANGE;
    memcpy(out, list.payload + 33 * i + 1, 32);
    return BT_OK;
}
