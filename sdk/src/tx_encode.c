/* Canonical encoding of transactions (bts/tx.h), the block-body item form, the transaction hash
 * and the signing hash, all from the field layouts of tx_int.h. */
#include <bts/tx.h>

#include <bts/keccak.h>
#include <bts/rlp.h>

#include "tx_int.h"

static bt_status put_u256(struct bts_buf *out, const struct bts_u256 *v)
{
    uint8_t be[32];
    bts_u256_store_be(be, v);
    return bts_rlp_encode_u256_be(out, be);
}

/* An RLP list field; NULL/0 stands for the empty list. */
static bt_status put_list(struct bts_buf *out, const uint8_t *raw, size_t raw_len)
{
    if (raw_len == 0)
        return bts_rlp_encode_list_header(out, 0);
    return bts_rlp_encode_raw(out, raw, raw_len);
}

static bt_status put_field(struct bts_buf *out, enum tx_field f, const struct bts_tx *tx)
{
    switch (f) {
    case TXF_CHAIN_ID:
        return put_u256(out, &tx->chain_id);
    case TXF_NONCE:
        return bts_rlp_encode_u64(out, tx->nonce);
    case TXF_GAS_PRICE:
        return put_u256(out, &tx->gas_price);
    case TXF_TIP_CAP:
        return put_u256(out, &tx->gas_tip_cap);
    case TXF_GAS:
        return bts_rlp_encode_u64(out, tx->gas);
    case TXF_TO:
        return bts_rlp_encode_bytes(out, tx->to.bytes, tx->has_to ? 20 : 0);
    case TXF_VALUE:
        return put_u256(out, &tx->value);
    case TXF_DATA:
        return bts_rlp_encode_bytes(out, tx->data, tx->data_len);
    case TXF_ACCESS_LIST:
        return put_list(out, tx->access_list, tx->access_list_len);
    case TXF_BLOB_FEE_CAP:
        return put_u256(out, &tx->blob_fee_cap);
    case TXF_BLOB_HASHES:
        return put_list(out, tx->blob_hashes, tx->blob_hashes_len);
    case TXF_V:
        return put_u256(out, &tx->v);
    case TXF_R:
        return put_u256(out, &tx->r);
    case TXF_S:
        return put_u256(out, &tx->s);
    }
    return BT_EINVAL;
}

/* type byte (typed only) and the payload list; `signing` drops v, r, s and, for EIP-155 legacy
 * transactions, appends [chainId, 0, 0] in their place. */
static bt_status encode(struct bts_buf *out, const struct bts_tx *tx, int signing)
{
    const struct tx_layout *lay = tx_layout_of(tx->type);
    size_t mark, n;
    bt_status st;
    if (!lay)
        return BTS_TX_ETYPE;
    n = signing ? lay->n - 3 : lay->n;
    if (tx->type != BTS_TX_LEGACY && (st = bts_buf_append_byte(out, tx->type)) != BT_OK)
        return st;
    if ((st = bts_rlp_list_begin(out, &mark)) != BT_OK)
        return st;
    for (size_t i = 0; i < n && st == BT_OK; i++)
        st = put_field(out, lay->fields[i], tx);
    if (st == BT_OK && signing && tx->type == BTS_TX_LEGACY && tx->has_chain_id) {
        st = put_u256(out, &tx->chain_id);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(out, 0);
        if (st == BT_OK)
            st = bts_rlp_encode_u64(out, 0);
    }
    return st == BT_OK ? bts_rlp_list_end(out, mark) : st;
}

bt_status bts_tx_encode(struct bts_buf *out, const struct bts_tx *tx)
{
    return encode(out, tx, 0);
}

bt_status bts_tx_encode_block_item(struct bts_buf *out, const struct bts_tx *tx)
{
    if (tx->type == BTS_TX_LEGACY)
        return encode(out, tx, 0);
    struct bts_buf inner = BTS_BUF_INIT;
    bt_status st = encode(&inner, tx, 0);
    if (st == BT_OK)
        st = bts_rlp_encode_bytes(out, inner.data, inner.len);
    bts_buf_free(&inner);
    return st;
}

static bt_status hash_of(uint8_t out[32], const struct bts_tx *tx, int signing)
{
    struct bts_buf b = BTS_BUF_INIT;
    bt_status st = encode(&b, tx, signing);
    if (st == BT_OK)
        bts_keccak256(out, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

bt_status bts_tx_hash(uint8_t out[32], const struct bts_tx *tx)
{
    return hash_of(out, tx, 0);
}

bt_status bts_tx_signing_hash(uint8_t out[32], const struct bts_tx *tx)
{
    return hash_of(out, tx, 1);
}

BTS_API bt_status bts_tx_set_signature(struct bts_tx *tx, const uint8_t sig[65])
{
    if (sig[64] > 1)
        return BT_EINVAL;
    struct bts_u256 v = bts_u256_from_u64(sig[64]);
    if (tx->type == BTS_TX_LEGACY && !tx->has_chain_id) {
        v = bts_u256_from_u64(27u + sig[64]);
    } else if (tx->type == BTS_TX_LEGACY) {
        /* EIP-155: chainId * 2 + 35 + recovery id, checked for wrap-around (the top bit of
         * chainId would be shifted out). */
        struct bts_u256 twice, base = bts_u256_from_u64(35u + sig[64]);
        if (bts_u256_bit_len(&tx->chain_id) > 254)
            return BT_ERANGE;
        bts_u256_add(&twice, &tx->chain_id, &tx->chain_id);
        bts_u256_add(&v, &twice, &base);
    }
    tx->v = v;
    bts_u256_load_be(&tx->r, sig);
    bts_u256_load_be(&tx->s, sig + 32);
    return BT_OK;
}
