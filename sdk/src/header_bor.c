/* Bor's use of the header (bts/header.h): the extraData layout of PROTOCOL.md §3.2, the seal hash
 * and signer recovery of §3.3. */
#include <bts/header.h>

#include <string.h>

#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/secp.h>

#include "header_int.h"

bt_status bts_header_bor_extra_check(const uint8_t *extra, size_t extra_len, uint64_t number,
                                     uint64_t sprint, size_t *out_n_validators)
{
    (void)extra;
    *out_n_validators = 0;
    if (sprint == 0)
        return BT_EINVAL;
    if (extra_len < BTS_HEADER_BOR_VANITY_LEN)
        return BTS_HEADER_EVANITY;
    if (extra_len < BTS_HEADER_BOR_VANITY_LEN + BTS_HEADER_BOR_SEAL_LEN)
        return BTS_HEADER_ESIGNATURE;
    size_t vbytes = extra_len - BTS_HEADER_BOR_VANITY_LEN - BTS_HEADER_BOR_SEAL_LEN;
    /* (number + 1) % sprint without overflow at number = 2^64 - 1. */
    int sprint_end = number % sprint == sprint - 1;
    if (!sprint_end && vbytes != 0)
        return BTS_HEADER_EEXTRA_VALIDATORS;
    if (sprint_end && vbytes % BTS_HEADER_BOR_VALIDATOR_LEN != 0)
        return BTS_HEADER_EVALIDATORS;
    *out_n_validators = vbytes / BTS_HEADER_BOR_VALIDATOR_LEN;
    return BT_OK;
}

bt_status bts_header_bor_validator(const uint8_t *extra, size_t extra_len, size_t i,
                                   struct bt_address *out_address, struct bts_u256 *out_power)
{
    memset(out_address, 0, sizeof(*out_address));
    *out_power = bts_u256_from_u64(0);
    size_t fixed = BTS_HEADER_BOR_VANITY_LEN + BTS_HEADER_BOR_SEAL_LEN;
    if (extra_len < fixed || i >= (extra_len - fixed) / BTS_HEADER_BOR_VALIDATOR_LEN)
        return BT_ERANGE;
    const uint8_t *p = extra + BTS_HEADER_BOR_VANITY_LEN + i * BTS_HEADER_BOR_VALIDATOR_LEN;
    memcpy(out_address->bytes, p, 20);
    bts_u256_load_be_bytes(out_power, p + 20, 20);
    return BT_OK;
}

bt_status bts_header_bor_seal_hash(uint8_t out[32], const struct bts_header *h, uint32_t flags)
{
    struct bts_buf b = BTS_BUF_INIT;
    size_t mark;
    if (h->extra_len < BTS_HEADER_BOR_SEAL_LEN)
        return BTS_HEADER_ESIGNATURE;
    uint32_t n_opt =
        (flags & BTS_HEADER_BOR_SEAL_F_BASE_FEE) && h->n_optional >= BTS_HEADER_OPT_BASE_FEE
            ? BTS_HEADER_OPT_BASE_FEE
            : BTS_HEADER_OPT_NONE;
    bt_status st = bts_rlp_list_begin(&b, &mark);
    if (st == BT_OK)
        st = header_put_fields(&b, h, h->extra_len - BTS_HEADER_BOR_SEAL_LEN, n_opt);
    if (st == BT_OK)
        st = bts_rlp_list_end(&b, mark);
    if (st == BT_OK)
        bts_keccak256(out, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

bt_status bts_header_bor_signer(struct bt_address *out_addr, const struct bts_header *h,
                                uint32_t flags)
{
    uint8_t digest[32];
    memset(out_addr, 0, sizeof(*out_addr));
    bt_status st = bts_header_bor_seal_hash(digest, h, flags);
    if (st != BT_OK)
        return st;
    /* Seals are not held to EIP-2's low s: go-ethereum's Ecrecover accepts any s. */
    if (bts_secp_recover(out_addr->bytes, digest, h->extra + h->extra_len - BTS_HEADER_BOR_SEAL_LEN,
                         0) != BT_OK) {
        memset(out_addr, 0, sizeof(*out_addr));
        return BTS_HEADER_ESEAL;
    }
    return BT_OK;
}
