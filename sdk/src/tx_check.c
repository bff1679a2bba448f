/* Fork-dependent validity of transactions (bts/tx.h): allowed types, intrinsic gas, the
 * state-independent checks of go-ethereum's state transition and pool, and sender recovery. */
#include <bts/tx.h>

#include <string.h>

#include <bts/rlp.h>
#include <bts/secp.h>

/* secp256k1 group order n and n/2 (SEC 2 §2.4.1), for the r, s range checks of EIP-2. */
static const uint8_t secp_n_be[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
static const uint8_t secp_half_n_be[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

/* Gas schedule (Yellow Paper appendix G; EIP-2028, EIP-2930, EIP-3860). */
#define G_TX             21000u
#define G_TXCREATE       32000u
#define G_TXDATAZERO     4u
#define G_TXDATANONZERO  16u
#define G_ACCESS_ADDRESS 2400u
#define G_ACCESS_KEY     1900u
#define G_INITCODE_WORD  2u

/* The blob versioned-hash version byte (EIP-4844 VERSIONED_HASH_VERSION_KZG). */
#define BLOB_HASH_VERSION 0x01

const char *bts_tx_strerror(bt_status st)
{
    switch (st) {
    case BTS_TX_ETYPE:
        return "transaction type not supported";
    case BTS_TX_ESHORT:
        return "typed transaction too short";
    case BTS_TX_EFIELDS:
        return "rlp: wrong number of transaction fields";
    case BTS_TX_ETO:
        return "rlp: recipient address is neither empty nor 20 bytes";
    case BTS_TX_EACCESS_LIST:
        return "rlp: malformed access list";
    case BTS_TX_ENONCE_MAX:
        return "nonce has max value";
    case BTS_TX_EINTRINSIC:
        return "intrinsic gas too low";
    case BTS_TX_EGAS_OVERFLOW:
        return "gas uint64 overflow";
    case BTS_TX_ETIP_ABOVE_FEE_CAP:
        return "max priority fee per gas higher than max fee per gas";
    case BTS_TX_EFEE_OVERFLOW:
        return "insufficient funds for gas * price + value: gas times fee cap exceeds 256 bits";
    case BTS_TX_EINITCODE_SIZE:
        return "max initcode size exceeded";
    case BTS_TX_EBLOB_CREATE:
        return "blob transaction of type create";
    case BTS_TX_EBLOB_MISSING:
        return "blob transaction missing blob hashes";
    case BTS_TX_EBLOB_VERSION:
        return "blob hash version mismatch";
    case BTS_TX_ESIG:
        return "invalid transaction v, r, s values";
    case BTS_TX_ECHAIN_ID:
        return "invalid chain id for signer";
    case BTS_TX_ESENDER:
        return "invalid sender";
    }
    return bts_rlp_strerror(st);
}

int bts_tx_type_allowed(uint32_t fork, uint8_t type)
{
    switch (type) {
    case BTS_TX_LEGACY:
        return 1;
    case BTS_TX_ACCESS_LIST:
        return fork >= BT_EVM_BERLIN;
    case BTS_TX_DYNAMIC_FEE:
        return fork >= BT_EVM_LONDON;
    case BTS_TX_BLOB:
        return fork >= BT_EVM_CANCUN;
    }
    return 0;
}

/* a += n * unit, failing on 64-bit overflow. */
static int add_mul(uint64_t *a, uint64_t n, uint64_t unit)
{
    uint64_t p;
    return !__builtin_mul_overflow(n, unit, &p) && !__builtin_add_overflow(*a, p, a);
}

bt_status bts_tx_intrinsic_gas(const struct bts_tx *tx, uint32_t fork, uint64_t *out_gas)
{
    uint64_t gas = tx->has_to ? G_TX : (uint64_t)G_TX + G_TXCREATE, nz = 0;
    *out_gas = 0;
    for (size_t i = 0; i < tx->data_len; i++)
        nz += tx->data[i] != 0;
    int ok = add_mul(&gas, nz, G_TXDATANONZERO) && add_mul(&gas, tx->data_len - nz, G_TXDATAZERO) &&
             add_mul(&gas, tx->n_access_addresses, G_ACCESS_ADDRESS) &&
             add_mul(&gas, tx->n_access_keys, G_ACCESS_KEY);
    if (ok && !tx->has_to && fork >= BT_EVM_SHANGHAI)
        ok = add_mul(&gas, tx->data_len / 32 + (tx->data_len % 32 != 0), G_INITCODE_WORD);
    if (!ok)
        return BTS_TX_EGAS_OVERFLOW;
    *out_gas = gas;
    return BT_OK;
}

/* gas x fee cap must fit in 256 bits: go-ethereum's buyGas computes it in 256 bits and refuses
 * an overflow, so such a transaction can never be paid for. */
static int fee_fits(const struct bts_tx *tx)
{
    uint64_t prod[8];
    struct bts_u256 gas = bts_u256_from_u64(tx->gas);
    bts_u256_mul_full(prod, &gas, &tx->gas_price);
    return (prod[4] | prod[5] | prod[6] | prod[7]) == 0;
}

static bt_status check_blobs(const struct bts_tx *tx)
{
    uint8_t h[32];
    if (tx->n_blob_hashes == 0)
        return BTS_TX_EBLOB_MISSING;
    for (size_t i = 0; i < tx->n_blob_hashes; i++) {
        if (bts_tx_blob_hash(tx, i, h) != BT_OK || h[0] != BLOB_HASH_VERSION)
            return BTS_TX_EBLOB_VERSION;
    }
    return BT_OK;
}

bt_status bts_tx_check(const struct bts_tx *tx, const struct bts_tx_rules *rules,
                       uint64_t *out_intrinsic)
{
    bt_status st;
    *out_intrinsic = 0;
    if (!bts_tx_type_allowed(rules->fork, tx->type))
        return BTS_TX_ETYPE;
    if (tx->nonce == UINT64_MAX)
        return BTS_TX_ENONCE_MAX;
    if (bts_u256_lt(&tx->gas_price, &tx->gas_tip_cap))
        return BTS_TX_ETIP_ABOVE_FEE_CAP;
    if (!fee_fits(tx))
        return BTS_TX_EFEE_OVERFLOW;
    if (tx->type == BTS_TX_BLOB && (st = check_blobs(tx)) != BT_OK)
        return st;
    if (!tx->has_to && rules->fork >= BT_EVM_SHANGHAI && tx->data_len > BTS_TX_MAX_INITCODE_SIZE)
        return BTS_TX_EINITCODE_SIZE;
    if ((st = bts_tx_intrinsic_gas(tx, rules->fork, out_intrinsic)) != BT_OK)
        return st;
    return tx->gas < *out_intrinsic ? BTS_TX_EINTRINSIC : BT_OK;
}

/* y parity from v, with the chain-id rules of EIP-155 (legacy) or EIP-2718 (typed). Mirrors
 * go-ethereum: legacy v 0/1 is an unprotected signature with a bad v; any other v below 35
 * except 27/28 counts as protected with an impossible chain id. */
static bt_status parity_of(const struct bts_tx *tx, const struct bts_tx_rules *rules, uint8_t *out)
{
    struct bts_u256 want = bts_u256_from_u64(rules->chain_id);
    uint64_t v = bts_u256_fits_u64(&tx->v) ? tx->v.w[0] : UINT64_MAX;
    if (tx->type != BTS_TX_LEGACY) {
        if (!bts_u256_eq(&tx->chain_id, &want))
            return BTS_TX_ECHAIN_ID;
        if (v > 1)
            return BTS_TX_ESIG;
        *out = (uint8_t)v;
        return BT_OK;
    }
    if (v == 27 || v == 28) {
        *out = (uint8_t)(v - 27);
        return BT_OK;
    }
    if (v <= 1)
        return BTS_TX_ESIG;
    /* Derived from v here rather than trusting tx->chain_id, so a struct edited by hand cannot
     * pass with a v that says otherwise. */
    struct bts_u256 c35 = bts_u256_from_u64(35), cid;
    if (v < 35)
        return BTS_TX_ECHAIN_ID;
    bts_u256_sub(&cid, &tx->v, &c35);
    bts_u256_shr(&cid, &cid, 1);
    if (!bts_u256_eq(&cid, &want) || !tx->has_chain_id || !bts_u256_eq(&tx->chain_id, &want))
        return BTS_TX_ECHAIN_ID;
    *out = (uint8_t)((tx->v.w[0] - 35) & 1);
    return BT_OK;
}

/* r and s in [1, n-1], s <= n/2 (go-ethereum crypto.ValidateSignatureValues, homestead). */
static int sig_values_ok(const struct bts_tx *tx)
{
    struct bts_u256 n, half;
    bts_u256_load_be(&n, secp_n_be);
    bts_u256_load_be(&half, secp_half_n_be);
    return !bts_u256_is_zero(&tx->r) && !bts_u256_is_zero(&tx->s) && bts_u256_lt(&tx->r, &n) &&
           !bts_u256_gt(&tx->s, &half);
}

bt_status bts_tx_sender(struct bt_address *out_addr, const struct bts_tx *tx,
                        const struct bts_tx_rules *rules)
{
    uint8_t sig[65], digest[32], parity = 0;
    bt_status st;
    memset(out_addr, 0, sizeof(*out_addr));
    if (!bts_tx_type_allowed(rules->fork, tx->type))
        return BTS_TX_ETYPE;
    if ((st = parity_of(tx, rules, &parity)) != BT_OK)
        return st;
    if (!sig_values_ok(tx))
        return BTS_TX_ESIG;
    if ((st = bts_tx_signing_hash(digest, tx)) != BT_OK)
        return st;
    bts_u256_store_be(sig, &tx->r);
    bts_u256_store_be(sig + 32, &tx->s);
    sig[64] = parity;
    if (bts_secp_recover(out_addr->bytes, digest, sig, BTS_SECP_F_LOW_S) != BT_OK) {
        memset(out_addr, 0, sizeof(*out_addr));
        return BTS_TX_ESENDER;
    }
    return BT_OK;
}
