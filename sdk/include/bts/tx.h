/* Ethereum/BTTC transactions: the four envelopes (legacy with or without EIP-155, EIP-2930,
 * EIP-1559, EIP-4844 without blobs), strict decoding, canonical encoding, signing and transaction
 * hashes, sender recovery and the intrinsic-validity checks a transaction must pass before it is
 * executed (shared by the host's pool and block import and by the EVM plugins).
 * Sources: EIP-155, EIP-2718, EIP-2930, EIP-1559, EIP-4844, EIP-2, EIP-2028, EIP-2681, EIP-3860;
 * the error texts are go-ethereum's (core/error.go, core/types/transaction.go).
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_TX_H
#define BTS_TX_H

#include <bt/evm.h>

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/u256.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- status sub-codes ---------------------------------------------------------------------
 * Bits 8.. of the status (STYLE.md "Status codes"); the numbers 32..63 are this header's so
 * they never collide with the RLP sub-codes (1..31), which decoding also returns unchanged.
 * BT_STATUS_PRIMARY() of each is BT_EINVAL. bts_tx_strerror() names them. */

/** Unknown type byte, or a type the fork does not allow ("transaction type not supported"). */
#define BTS_TX_ETYPE (BT_EINVAL | (32 << 8))
/** Typed envelope of one byte or less ("typed transaction too short"). */
#define BTS_TX_ESHORT (BT_EINVAL | (33 << 8))
/** The payload list has too few or too many fields for its type. */
#define BTS_TX_EFIELDS (BT_EINVAL | (34 << 8))
/** `to` is neither empty (create) nor 20 bytes. */
#define BTS_TX_ETO (BT_EINVAL | (35 << 8))
/** A malformed access list: not a list of [address(20), [key(32), ...]]. */
#define BTS_TX_EACCESS_LIST (BT_EINVAL | (36 << 8))
/** Nonce is 2^64 - 1, which EIP-2681 forbids ("nonce has max value"). */
#define BTS_TX_ENONCE_MAX (BT_EINVAL | (37 << 8))
/** Gas limit below the intrinsic gas ("intrinsic gas too low"). */
#define BTS_TX_EINTRINSIC (BT_EINVAL | (38 << 8))
/** Intrinsic gas does not fit in 64 bits ("gas uint64 overflow"). */
#define BTS_TX_EGAS_OVERFLOW (BT_EINVAL | (39 << 8))
/** maxPriorityFeePerGas > maxFeePerGas ("max priority fee per gas higher than max fee per gas"). */
#define BTS_TX_ETIP_ABOVE_FEE_CAP (BT_EINVAL | (40 << 8))
/** gas limit x fee cap does not fit in 256 bits, so no balance can pay for it. */
#define BTS_TX_EFEE_OVERFLOW (BT_EINVAL | (41 << 8))
/** Contract-creation data longer than 49152 bytes from Shanghai ("max initcode size exceeded"). */
#define BTS_TX_EINITCODE_SIZE (BT_EINVAL | (42 << 8))
/** A blob transaction without `to` ("blob transaction of type create"). */
#define BTS_TX_EBLOB_CREATE (BT_EINVAL | (43 << 8))
/** A blob transaction without blob hashes ("blob transaction missing blob hashes"). */
#define BTS_TX_EBLOB_MISSING (BT_EINVAL | (44 << 8))
/** A blob versioned hash whose first byte is not 0x01 (EIP-4844 VERSIONED_HASH_VERSION_KZG). */
#define BTS_TX_EBLOB_VERSION (BT_EINVAL | (45 << 8))
/** v, r or s out of range, or high s (EIP-2) ("invalid transaction v, r, s values"). */
#define BTS_TX_ESIG (BT_EINVAL | (46 << 8))
/** Chain id of the transaction (or derived from legacy v) is not the chain's ("invalid chain id
 *  for signer"). Unprotected legacy v that is not 27/28 also lands here, as in go-ethereum. */
#define BTS_TX_ECHAIN_ID (BT_EINVAL | (47 << 8))
/** No public key recovers from the signature ("invalid sender"). */
#define BTS_TX_ESENDER (BT_EINVAL | (48 << 8))

/** Name of a transaction sub-code (go-ethereum's text where it has one); RLP sub-codes are named
 *  by bts_rlp_strerror(), anything else by bts_status_str(). Never NULL; static text.
 *  Thread: any. */
BTS_API const char *bts_tx_strerror(bt_status st);

/* --- the decoded transaction ----------------------------------------------------------------- */

/** EIP-2718 type bytes. */
enum bts_tx_type {
    BTS_TX_LEGACY = 0,
    BTS_TX_ACCESS_LIST = 1, /* EIP-2930 */
    BTS_TX_DYNAMIC_FEE = 2, /* EIP-1559 */
    BTS_TX_BLOB = 3         /* EIP-4844, block (network-without-sidecar) form */
};

/** Largest contract-creation data from Shanghai (EIP-3860: 2 x the EIP-170 code size limit). */
#define BTS_TX_MAX_INITCODE_SIZE 49152

/** A transaction. Decoding fills it zero-copy: `data`, `access_list` and `blob_hashes` point into
 *  the decoded input, which must outlive the struct. To encode a transaction built in memory,
 *  fill the fields of its type (unused ones zero) and point the two list fields at RLP lists
 *  (NULL/0 means the empty list).
 *  Integer fields use struct bts_u256 (native limbs), the form the fee and balance arithmetic
 *  works on; the wire form is 32 big-endian bytes (bts_u256_store_be). */
struct bts_tx {
    uint8_t type;     /* enum bts_tx_type */
    int has_chain_id; /* typed: always 1; legacy: 1 if v says EIP-155 (v >= 35) */
    struct bts_u256 chain_id;
    uint64_t nonce;
    struct bts_u256 gas_price;   /* legacy, 2930: gasPrice; 1559, 4844: maxFeePerGas */
    struct bts_u256 gas_tip_cap; /* 1559, 4844: maxPriorityFeePerGas; legacy, 2930: = gas_price */
    uint64_t gas;
    int has_to; /* 0: contract creation */
    struct bt_address to;
    struct bts_u256 value;
    const uint8_t *data;
    size_t data_len;
    /* Types 1..3: the access list as its whole RLP list item (header included), already
     * validated by decoding; walk it with bts_tx_access_next(). */
    const uint8_t *access_list;
    size_t access_list_len;
    size_t n_access_addresses; /* tuples in the list */
    size_t n_access_keys;      /* storage keys over all tuples */
    /* Type 3 only. */
    struct bts_u256 blob_fee_cap; /* maxFeePerBlobGas */
    const uint8_t *blob_hashes;   /* RLP list of 32-byte strings, header included */
    size_t blob_hashes_len;
    size_t n_blob_hashes;
    /* Signature: `v` as on the wire (legacy: 27/28 or 35 + 2 chainId + parity; typed: yParity,
     * which the sender check requires to be 0 or 1). */
    struct bts_u256 v;
    struct bts_u256 r;
    struct bts_u256 s;
    /* Set by decoding only: keccak of the input (legacy: the RLP; typed: type || RLP). */
    struct bt_hash hash;
};

/** Chain rules the fork-dependent checks use. */
struct bts_tx_rules {
    uint32_t fork;     /* enum bt_evm_fork */
    uint64_t chain_id; /* BTTC mainnet 199, Donau 1029; ethereum-tests use 1 */
};

/* --- decoding and encoding ------------------------------------------------------------------- */

/** Decode a transaction in its raw (network, RPC "rawTransaction") form: an RLP list for
 *  legacy, type || RLP list for types 1..3. Decoding is strict and fork independent: canonical
 *  RLP, exact field counts, nonce and gas within 64 bits, amounts within 256 bits, `to` empty or
 *  20 bytes (required for type 3), access-list and blob-hash shapes. It does not check the
 *  signature, chain id or fees: see bts_tx_check() and bts_tx_sender().
 *  Returns: BT_OK, BTS_TX_ETYPE (first byte 0x04..0x7f, or 0x00), BTS_TX_ESHORT, BTS_TX_EFIELDS,
 *           BTS_TX_ETO, BTS_TX_EACCESS_LIST, BTS_TX_EBLOB_CREATE, and the RLP sub-codes of
 *           bts/rlp.h (BTS_RLP_EINT_OVERFLOW for a field too wide, ...).
 *  Out:     out: the transaction (zeroed on failure), hash set.
 *  In:      in, in_len: borrowed; must outlive `out`.
 *  Thread:  any. Source: EIP-2718 (envelope), EIP-2930/1559/4844 (payloads), go-ethereum
 *           core/types/transaction.go (decodeTyped). */
BTS_API bt_status bts_tx_decode(struct bts_tx *out, const uint8_t *in, size_t in_len) BT_MUST_CHECK
    BT_NONNULL(1);

/** Decode one transaction item of a block body's transaction list: a legacy transaction is the
 *  RLP list itself, a typed one an RLP string holding type || RLP (EIP-2718).
 *  Returns: as bts_tx_decode(), plus BTS_TX_ETYPE for a string that holds a legacy list
 * (go-ethereum rejects that form too). In:      raw, raw_len: the whole item (header included),
 * e.g. bts_rlp_item.raw; borrowed. Thread:  any. */
BTS_API bt_status bts_tx_decode_block_item(struct bts_tx *out, const uint8_t *raw,
                                           size_t raw_len) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Append the canonical raw form (legacy: RLP list; typed: type || RLP list). For a decoded
 *  transaction it reproduces the input exactly.
 *  Returns: BT_OK, BT_ENOMEM, BTS_TX_ETYPE (type > 3).
 *  Thread:  any (one buffer per thread). */
BTS_API bt_status bts_tx_encode(struct bts_buf *out, const struct bts_tx *tx) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Append the form a block body's transaction list holds: legacy as the RLP list, typed as an
 *  RLP string of type || RLP (EIP-2718).
 *  Returns: BT_OK, BT_ENOMEM, BTS_TX_ETYPE. Thread: any. */
BTS_API bt_status bts_tx_encode_block_item(struct bts_buf *out,
                                           const struct bts_tx *tx) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Transaction hash: keccak of bts_tx_encode() (decoding already fills tx->hash).
 *  Returns: BT_OK, BT_ENOMEM, BTS_TX_ETYPE. Out: out: 32 bytes. Thread: any. */
BTS_API bt_status bts_tx_hash(uint8_t out[32], const struct bts_tx *tx) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** The hash the sender signed. Legacy without chain id: keccak(rlp([nonce, gasPrice, gas, to,
 *  value, data])); legacy with chain id (EIP-155): the same list plus [chainId, 0, 0]; typed:
 *  keccak(type || rlp(payload without yParity, r, s)).
 *  Returns: BT_OK, BT_ENOMEM, BTS_TX_ETYPE.
 *  Out:     out: 32 bytes.
 *  Thread:  any. Source: EIP-155, EIP-2930, EIP-1559, EIP-4844. */
BTS_API bt_status bts_tx_signing_hash(uint8_t out[32], const struct bts_tx *tx) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Put a recoverable signature of bts_tx_signing_hash() into the transaction: r, s and v as the
 *  wire carries it — typed: yParity (the recovery id); legacy with has_chain_id set: 35 +
 *  2 chainId + recovery id (EIP-155); legacy without: 27 + recovery id.
 *  Returns: BT_OK, BT_EINVAL (recovery id above 1; tx unchanged), BT_ERANGE (2 chainId + 36
 *           does not fit 256 bits; tx unchanged).
 *  In:      sig: 65 bytes r || s || recovery id, as bts_secp_sign() writes them.
 *  Thread:  any. Source: EIP-155, EIP-2930, go-ethereum core/types/transaction_signing.go
 *           (SignatureValues). */
BTS_API bt_status bts_tx_set_signature(struct bts_tx *tx, const uint8_t sig[65]) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** Walk the access list: call with *pos = 0 first; each call gives the next tuple.
 *  Returns: BT_OK, BT_ENOTFOUND (no more tuples). Only for a list bts_tx_decode() accepted (or
 *           one built to the same shape); anything else ends the walk with BTS_TX_EACCESS_LIST.
 *  Out:     out_address: 20 bytes. out_keys: the key list's payload, n_keys strings of 32 bytes
 *           each encoded as 0xa0 || key (so key i is at out_keys + 33 i + 1).
 *  In/Out:  pos: byte offset of the next tuple.
 *  Thread:  any. */
BTS_API bt_status bts_tx_access_next(const struct bts_tx *tx, size_t *pos,
                                     struct bt_address *out_address, const uint8_t **out_keys,
                                     size_t *out_n_keys) BT_MUST_CHECK BT_NONNULL(1, 2, 3, 4, 5);

/** Blob versioned hash number `i` (< tx->n_blob_hashes) of a decoded type-3 transaction.
 *  Returns: BT_OK, BT_ERANGE (i too large). Out: out: 32 bytes. Thread: any. */
BTS_API bt_status bts_tx_blob_hash(const struct bts_tx *tx, size_t i, uint8_t out[32]) BT_MUST_CHECK
    BT_NONNULL(1, 3);

/* --- validity -------------------------------------------------------------------------------- */

/** Whether a fork accepts a transaction type: legacy always, type 1 from Berlin, type 2 from
 *  London, type 3 from Cancun. BTTC runs Berlin rules (PROTOCOL.md §3.10), so type 2 is refused.
 *  Returns: 1 or 0. Thread: any. */
BTS_API int bts_tx_type_allowed(uint32_t fork, uint8_t type);

/** Intrinsic gas: 21000 (53000 for creation); per data byte 4 if zero, else 16 (EIP-2028); per
 *  access-list address 2400 and storage key 1900 (EIP-2930); from Shanghai 2 per 32-byte word of
 *  creation data (EIP-3860).
 *  Returns: BT_OK, BTS_TX_EGAS_OVERFLOW (the sum exceeds 2^64 - 1).
 *  Out:     out_gas (0 on failure).
 *  Thread:  any. Source: Yellow Paper eq. 60 (g0); go-ethereum core/state_transition.go
 *           IntrinsicGas. */
BTS_API bt_status bts_tx_intrinsic_gas(const struct bts_tx *tx, uint32_t fork,
                                       uint64_t *out_gas) BT_MUST_CHECK BT_NONNULL(1, 3);

/** The state-independent validity checks of a decoded transaction under a fork, in this order:
 *  type allowed, nonce < 2^64 - 1 (EIP-2681), tip <= fee cap (EIP-1559), gas x fee cap within
 *  256 bits, blob fields (EIP-4844), initcode size (EIP-3860), gas >= intrinsic gas.
 *  The signature and chain id are checked by bts_tx_sender().
 *  Returns: BT_OK, BTS_TX_ETYPE, BTS_TX_ENONCE_MAX, BTS_TX_ETIP_ABOVE_FEE_CAP,
 *           BTS_TX_EFEE_OVERFLOW, BTS_TX_EBLOB_MISSING, BTS_TX_EBLOB_VERSION,
 *           BTS_TX_EINITCODE_SIZE, BTS_TX_EGAS_OVERFLOW, BTS_TX_EINTRINSIC.
 *  Out:     out_intrinsic: the intrinsic gas (0 when not computed).
 *  Thread:  any. */
BTS_API bt_status bts_tx_check(const struct bts_tx *tx, const struct bts_tx_rules *rules,
                               uint64_t *out_intrinsic) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** Recover the sender. Legacy: v 27/28 (unprotected) or 35 + 2 chainId + {0,1} with chainId
 *  equal to rules->chain_id; typed: chainId equal to rules->chain_id and yParity 0 or 1. r and s
 *  in [1, n-1] and s <= n/2 (EIP-2; every supported fork is past Homestead).
 *  Returns: BT_OK, BTS_TX_ETYPE (type not allowed by the fork), BTS_TX_ECHAIN_ID, BTS_TX_ESIG,
 *           BTS_TX_ESENDER (no key recovers), BT_ENOMEM.
 *  Out:     out_addr: 20 bytes (zeroed on failure).
 *  Thread:  any. Source: EIP-155, EIP-2, go-ethereum core/types/transaction_signing.go. */
BTS_API bt_status bts_tx_sender(struct bt_address *out_addr, const struct bts_tx *tx,
                                const struct bts_tx_rules *rules) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

#ifdef __cplusplus
}
#endif

#endif /* BTS_TX_H */
