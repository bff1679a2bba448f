/* Block headers: the geth 1.10 / Bor header with its optional trailing fields (EIP-1559 baseFee,
 * then the Shanghai/Cancun fields a dev chain may schedule), strict RLP decoding, encoding, the
 * block hash, and Bor's extraData layout, seal hash and signer recovery (PROTOCOL.md §3.1-§3.3).
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_HEADER_H
#define BTS_HEADER_H

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/u256.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- status sub-codes (bits 8.., numbers 64..79; primary BT_EINVAL) -------------------------- */

/** The header list has fewer than 15 or more than 20 fields. */
#define BTS_HEADER_EFIELDS (BT_EINVAL | (64 << 8))
/** extraData shorter than 32 bytes ("extra-data 32 byte vanity prefix missing"). */
#define BTS_HEADER_EVANITY (BT_EINVAL | (65 << 8))
/** extraData shorter than 32 + 65 bytes ("extra-data 65 byte signature suffix missing"). */
#define BTS_HEADER_ESIGNATURE (BT_EINVAL | (66 << 8))
/** Validator bytes in a block that does not end a sprint ("non-sprint-end block contains extra
 *  validator list"). */
#define BTS_HEADER_EEXTRA_VALIDATORS (BT_EINVAL | (67 << 8))
/** Sprint-end validator bytes not a multiple of 40 ("invalid validator list on sprint end
 *  block"). */
#define BTS_HEADER_EVALIDATORS (BT_EINVAL | (68 << 8))
/** No key recovers from the seal. */
#define BTS_HEADER_ESEAL (BT_EINVAL | (69 << 8))

/** Name of a header sub-code (Bor's text where it has one); RLP sub-codes by bts_rlp_strerror(),
 *  anything else by bts_status_str(). Never NULL; static text. Thread: any. */
BTS_API const char *bts_header_strerror(bt_status st);

/* --- the header ------------------------------------------------------------------------------ */

/** Optional trailing fields, in their RLP order. go-ethereum decodes any prefix of them, and
 *  encodes a later field only together with all earlier ones, so a count says which are set. */
enum bts_header_optional {
    BTS_HEADER_OPT_NONE = 0,
    BTS_HEADER_OPT_BASE_FEE = 1,          /* London, EIP-1559 (absent on BTTC: §3.10) */
    BTS_HEADER_OPT_WITHDRAWALS_ROOT = 2,  /* Shanghai, EIP-4895 */
    BTS_HEADER_OPT_BLOB_GAS_USED = 3,     /* Cancun, EIP-4844 */
    BTS_HEADER_OPT_EXCESS_BLOB_GAS = 4,   /* Cancun, EIP-4844 */
    BTS_HEADER_OPT_PARENT_BEACON_ROOT = 5 /* Cancun, EIP-4788 */
};

/** A header. Decoding fills it zero-copy: `extra` points into the input, which must outlive the
 *  struct. Fields beyond `n_optional` are zero and not encoded. */
struct bts_header {
    struct bt_hash parent_hash;
    struct bt_hash uncle_hash; /* sha3Uncles */
    struct bt_address coinbase;
    struct bt_hash state_root;
    struct bt_hash tx_root;
    struct bt_hash receipt_root;
    uint8_t bloom[256];
    struct bts_u256 difficulty;
    uint64_t number;
    uint64_t gas_limit;
    uint64_t gas_used;
    uint64_t time;
    const uint8_t *extra;
    size_t extra_len;
    struct bt_hash mix_hash;
    uint8_t nonce[8];
    uint32_t n_optional; /* enum bts_header_optional: how many trailing fields are present */
    struct bts_u256 base_fee;
    struct bt_hash withdrawals_root;
    uint64_t blob_gas_used;
    uint64_t excess_blob_gas;
    struct bt_hash parent_beacon_root;
};

/** Decode an RLP header: 15 mandatory fields then 0..5 optional ones; hashes 32 bytes, address
 *  20, bloom 256, nonce 8, difficulty and baseFee within 256 bits, number, gas and time within
 *  64 bits, all integers canonical.
 *  Returns: BT_OK, BTS_HEADER_EFIELDS, and the RLP sub-codes of bts/rlp.h.
 *  Out:     out: the header (zeroed on failure).
 *  In:      in, in_len: one RLP list spanning the input; borrowed, must outlive `out`.
 *  Thread:  any. Source: bttcprotocol/bttc@v1.0.8:core/types/block.go (Header, rlp:"optional"). */
BTS_API bt_status bts_header_decode(struct bts_header *out, const uint8_t *in,
                                    size_t in_len) BT_MUST_CHECK BT_NONNULL(1);

/** Append the RLP of a header (reproduces a decoded input exactly).
 *  Returns: BT_OK, BT_ENOMEM, BT_EINVAL (n_optional > 5: misuse). Thread: any. */
BTS_API bt_status bts_header_encode(struct bts_buf *out, const struct bts_header *h) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Block hash: keccak(rlp(header)) (PROTOCOL.md §3.1).
 *  Returns: BT_OK, BT_ENOMEM, BT_EINVAL (as bts_header_encode). Out: out: 32 bytes.
 *  Thread: any. */
BTS_API bt_status bts_header_hash(uint8_t out[32], const struct bts_header *h) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/* --- Bor extraData and seal (PROTOCOL.md §3.2, §3.3) --------------------------------------- */

#define BTS_HEADER_BOR_VANITY_LEN    32
#define BTS_HEADER_BOR_SEAL_LEN      65
#define BTS_HEADER_BOR_VALIDATOR_LEN 40 /* address(20) || power as 20-byte big-endian */

/** Seal-hash flag: include baseFee when the header has one, as Bor does from its Jaipur fork.
 *  BTTC v1.0.8 has no Jaipur fork (and no baseFee), so BTTC callers pass 0. */
#define BTS_HEADER_BOR_SEAL_F_BASE_FEE (1u << 0)

/** Check the extraData layout of block `number`: vanity(32) || validators(40 k) || seal(65),
 *  with k = 0 unless the block ends a sprint ((number + 1) % sprint == 0).
 *  Returns: BT_OK, BTS_HEADER_EVANITY, BTS_HEADER_ESIGNATURE, BTS_HEADER_EEXTRA_VALIDATORS,
 *           BTS_HEADER_EVALIDATORS, BT_EINVAL (sprint 0: misuse).
 *  Out:     out_n_validators: k (0 on failure).
 *  In:      extra, extra_len: may be NULL when extra_len is 0.
 *  Thread:  any. Source: bttcprotocol/bttc@v1.0.8:consensus/bor/bor.go (verifyHeader). */
BTS_API bt_status bts_header_bor_extra_check(const uint8_t *extra, size_t extra_len,
                                             uint64_t number, uint64_t sprint,
                                             size_t *out_n_validators) BT_MUST_CHECK BT_NONNULL(5);

/** Validator `i` of the validator bytes of an extraData that passed bts_header_bor_extra_check().
 *  Returns: BT_OK, BT_ERANGE (i >= k, or extra too short to hold it).
 *  Out:     out_address: 20 bytes. out_power: the 20-byte big-endian power.
 *  Thread:  any. Source: bttcprotocol/bttc@v1.0.8:consensus/bor/validator.go (HeaderBytes). */
BTS_API bt_status bts_header_bor_validator(const uint8_t *extra, size_t extra_len, size_t i,
                                           struct bt_address *out_address,
                                           struct bts_u256 *out_power) BT_MUST_CHECK
    BT_NONNULL(1, 4, 5);

/** Bor seal hash: keccak(rlp([the 15 mandatory fields with extraData minus its last 65 bytes]
 *  (+ baseFee with BTS_HEADER_BOR_SEAL_F_BASE_FEE))). The optional Shanghai/Cancun fields never
 * enter. Returns: BT_OK, BTS_HEADER_ESIGNATURE (extra shorter than 65 bytes), BT_ENOMEM. Out: out:
 * 32 bytes. Thread:  any. Source: PROTOCOL.md §3.3; bttcprotocol/bttc@v1.0.8:consensus/bor/bor.go.
 */
BTS_API bt_status bts_header_bor_seal_hash(uint8_t out[32], const struct bts_header *h,
                                           uint32_t flags) BT_MUST_CHECK BT_NONNULL(1, 2);

/** The block's signer: ecrecover(seal hash, last 65 bytes of extraData as r || s || v, v in
 *  {0, 1}). High s is accepted, as go-ethereum's crypto.Ecrecover does.
 *  Returns: BT_OK, BTS_HEADER_ESIGNATURE, BTS_HEADER_ESEAL (no key recovers), BT_ENOMEM.
 *  Out:     out_addr: 20 bytes (zeroed on failure).
 *  In:      flags: as bts_header_bor_seal_hash().
 *  Thread:  any. Source: PROTOCOL.md §3.3 (ecrecover). */
BTS_API bt_status bts_header_bor_signer(struct bt_address *out_addr, const struct bts_header *h,
                                        uint32_t flags) BT_MUST_CHECK BT_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif

#endif /* BTS_HEADER_H */
