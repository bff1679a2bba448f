/* TRON codecs: Base58 and Base58Check with the Bitcoin alphabet, and TRON addresses in their four
 * forms: "T..." Base58Check text, 21 raw bytes (0x41 ‖ 20), 42-digit hex ("41..."), and the
 * 20-byte EVM address the TVM uses (ROOTCHAINS.md §1.1); transactions: the canonical protobuf
 * of Transaction.raw for TriggerSmartContract and TransferContract, the txID, the TaPoS
 * reference and signatures (ROOTCHAINS.md §1.2-§1.4). */
#ifndef BTS_TRON_H
#define BTS_TRON_H

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The first byte of every TRON address on public networks (java-tron Constant.java). */
#define BTS_TRON_PREFIX 0x41
/** Bytes of a raw TRON address: the prefix and the 20-byte EVM address. */
#define BTS_TRON_ADDR_LEN 21
/** Capacity of a Base58Check TRON address string: always 34 characters, plus the NUL. */
#define BTS_TRON_BASE58_CAP 35
/** Capacity of a hex TRON address string: 42 lowercase digits ("41..."), plus the NUL. */
#define BTS_TRON_HEX_CAP 43

/** Encode bytes in Base58 (alphabet 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz;
 *  each leading zero byte becomes a '1'), NUL-terminated. Quadratic in data_len: meant for
 *  addresses and keys, not bulk data.
 *  Returns: BT_OK; BT_ERANGE when out_cap is too small (*out_len = the out_cap needed, exact);
 *           BT_ENOMEM.
 *  Out:     out, out_cap: the text; *out_len: its length without the NUL.
 *  In:      data, data_len (data may be NULL when data_len is 0). Thread: any. */
BTS_API bt_status bts_base58_encode(char *out, size_t out_cap, size_t *out_len, const void *data,
                                    size_t data_len) BT_MUST_CHECK;

/** Decode Base58 text. Every character must be in the alphabet (no whitespace, no '0', 'O',
 *  'I', 'l'); each leading '1' becomes a zero byte; "" decodes to no bytes.
 *  Returns: BT_OK; BT_EINVAL (bad character); BT_ERANGE when out_cap is too small (nothing
 *           written; *out_len = bytes needed, exact); BT_ENOMEM.
 *  Out:     out, out_cap: the bytes (out may be NULL when out_cap is 0); *out_len: their number.
 *  In:      s, s_len: the text (no NUL needed). Thread: any. */
BTS_API bt_status bts_base58_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *s,
                                    size_t s_len) BT_MUST_CHECK;

/** Base58Check: Base58 of payload ‖ first 4 bytes of sha256(sha256(payload)).
 *  Returns, Out: as bts_base58_encode (also BT_EINTERNAL if hashing fails).
 *  In:      payload, payload_len. Thread: any. */
BTS_API bt_status bts_base58check_encode(char *out, size_t out_cap, size_t *out_len,
                                         const void *payload, size_t payload_len) BT_MUST_CHECK;

/** Decode Base58Check text and verify its 4-byte checksum; out receives the payload only.
 *  Returns: BT_OK; BT_EINVAL (bad character, fewer than 4 bytes, checksum mismatch); BT_ERANGE
 *           (out_cap too small; *out_len = payload bytes needed); BT_ENOMEM, BT_EINTERNAL.
 *  Out:     out, out_cap; *out_len: payload length. In: s, s_len. Thread: any. */
BTS_API bt_status bts_base58check_decode(uint8_t *out, size_t out_cap, size_t *out_len,
                                         const char *s, size_t s_len) BT_MUST_CHECK;

/** Parse a "T..." address: Base58Check whose payload is exactly 21 bytes starting with 0x41
 *  (tronweb isAddressValid / decode58Check).
 *  Returns: BT_OK, BT_EINVAL (bad character, checksum, length or prefix; out untouched).
 *  Out:     out: 21 raw bytes. In: s, s_len. Thread: any. */
BTS_API bt_status bts_tron_address_from_base58(uint8_t out[BTS_TRON_ADDR_LEN], const char *s,
                                               size_t s_len) BT_MUST_CHECK;

/** Format a raw address as "T..." (34 characters and a NUL).
 *  Returns: BT_OK, BT_EINVAL (addr[0] is not 0x41; out set to ""). Thread: any. */
BTS_API bt_status bts_tron_address_to_base58(char out[BTS_TRON_BASE58_CAP],
                                             const uint8_t addr[BTS_TRON_ADDR_LEN]) BT_MUST_CHECK;

/** Parse the hex form TRON's HTTP API uses: exactly 42 hex digits (either case, no "0x")
 *  whose first byte is 0x41.
 *  Returns: BT_OK, BT_EINVAL (out untouched). Thread: any. */
BTS_API bt_status bts_tron_address_from_hex(uint8_t out[BTS_TRON_ADDR_LEN], const char *s,
                                            size_t s_len) BT_MUST_CHECK;

/** Format a raw address as 42 lowercase hex digits and a NUL. Any prefix byte is written as
 *  it is (the hex form is also how a bad address gets logged). Thread: any. */
BTS_API void bts_tron_address_to_hex(char out[BTS_TRON_HEX_CAP],
                                     const uint8_t addr[BTS_TRON_ADDR_LEN]);

/** Parse either text form: 42 hex digits ("41...") or Base58Check ("T...").
 *  Returns: BT_OK, BT_EINVAL (out untouched). Thread: any. */
BTS_API bt_status bts_tron_address_parse(uint8_t out[BTS_TRON_ADDR_LEN], const char *s,
                                         size_t s_len) BT_MUST_CHECK;

/** The raw TRON address of a 20-byte EVM address: 0x41 ‖ evm. Thread: any. */
BTS_API void bts_tron_address_from_evm(uint8_t out[BTS_TRON_ADDR_LEN], const uint8_t evm[20]);

/** The 20-byte EVM address of a raw TRON address (drops the 0x41).
 *  Returns: BT_OK, BT_EINVAL (addr[0] is not 0x41; out untouched). Thread: any. */
BTS_API bt_status bts_tron_address_to_evm(uint8_t out[20],
                                          const uint8_t addr[BTS_TRON_ADDR_LEN]) BT_MUST_CHECK;

/* --- transactions (ROOTCHAINS.md §1.2-§1.4) ------------------------------------------------ */

/** ContractType values the codec builds (tronprotocol/protocol core/Tron.proto). */
#define BTS_TRON_TRANSFER_CONTRACT      1
#define BTS_TRON_CREATE_SMART_CONTRACT  30
#define BTS_TRON_TRIGGER_SMART_CONTRACT 31
/** Bytes of a TRON signature: r(32) ‖ s(32) ‖ v(1). */
#define BTS_TRON_SIG_LEN 65

/** The signed part of a one-contract transaction (Transaction.raw), in plain fields. Integers
 *  are the int64 of the protobuf; negative values are refused. Zero fields are omitted on the
 *  wire (proto3 defaults), as java-tron re-serializes them. */
struct bts_tron_tx {
    uint8_t ref_block_bytes[2]; /* TaPoS: low 16 bits of the reference block number */
    uint8_t ref_block_hash[8];  /* TaPoS: bytes 8..15 of the reference block id */
    int64_t expiration;         /* unix ms; must be > 0 */
    int64_t timestamp;          /* unix ms of creation; 0: omitted */
    int64_t fee_limit;          /* sun; 0: omitted (then no energy can be bought) */
    uint32_t type;              /* BTS_TRON_TRIGGER_SMART_CONTRACT or BTS_TRON_TRANSFER_CONTRACT */
    int32_t permission_id;      /* 0: owner permission */
    uint8_t owner[BTS_TRON_ADDR_LEN]; /* owner_address, 0x41 ‖ 20 */
    uint8_t to[BTS_TRON_ADDR_LEN];    /* contract_address (trigger) or to_address (transfer) */
    int64_t amount;                   /* call_value (trigger) or amount (transfer), sun */
    const uint8_t *data; /* trigger: selector ‖ ABI args; create: new_contract.bytecode (init
                            code ‖ constructor args); borrowed; NULL if none */
    size_t data_len;
    /* CreateSmartContract only (its new_contract, a SmartContract; `to` must be all zero and
     * `amount` is new_contract.call_value). Zero / NULL fields are omitted on the wire. */
    const uint8_t *abi; /* new_contract.abi: a serialized SmartContract.ABI, kept as bytes; it
                           must decode as one and pack back to the same bytes */
    size_t abi_len;
    const char *name; /* new_contract.name, UTF-8, not NUL-terminated; borrowed */
    size_t name_len;
    int64_t consume_user_resource_percent; /* 0..100 */
    int64_t origin_energy_limit;
    uint8_t origin[BTS_TRON_ADDR_LEN]; /* new_contract.origin_address; all zero: omitted */
};

/** Set the TaPoS reference of tx from a block id: ref_block_bytes = id[6..7], ref_block_hash =
 *  id[8..15] (java-tron TransactionCapsule.setReference; the id starts with the 8-byte block
 *  number, §1.4). Thread: any. */
BTS_API void bts_tron_tx_set_ref(struct bts_tron_tx *tx, const uint8_t block_id[32])
    BT_NONNULL(1, 2);

/** Append the canonical protobuf of Transaction.raw (fields in ascending order, defaults
 *  omitted, one contract wrapped in google.protobuf.Any with type URL
 *  "type.googleapis.com/protocol.<Message>"; §1.2) to out.
 *  Returns: BT_OK; BT_EINVAL (unknown type, negative integer, expiration 0, an address without
 *           the 0x41 prefix, data on a transfer); BT_ENOMEM. out is unchanged on error.
 *  In:      tx: borrowed. Thread: any. */
BTS_API bt_status bts_tron_tx_encode(struct bts_buf *out,
                                     const struct bts_tron_tx *tx) BT_MUST_CHECK BT_NONNULL(1, 2);

/** The address java-tron gives the contract a CreateSmartContract transaction makes:
 *  0x41 ‖ last 20 bytes of keccak256(txID ‖ owner) (java-tron WalletUtil.generateContractAddress,
 *  tronweb TransactionBuilder/helper.ts genContractAddress; ROOTCHAINS.md §1.3).
 *  Out: out: 21 raw bytes. In: txid: the transaction's txID; owner: 0x41 ‖ 20. Thread: any. */
BTS_API void bts_tron_contract_address(uint8_t out[BTS_TRON_ADDR_LEN], const uint8_t txid[32],
                                       const uint8_t owner[BTS_TRON_ADDR_LEN]) BT_NONNULL(1, 2, 3);

/** Decode Transaction.raw bytes (e.g. raw_data_hex of a node's answer) into out. Strict: one
 *  contract of a type above, no field the struct cannot hold (ref_block_num, data, scripts,
 *  auths, token fields), 21-byte 0x41 addresses, and the bytes must be canonical (encoding out
 *  again gives them back), since java-tron hashes its own re-serialization.
 *  Returns: BT_OK; BT_EINVAL (malformed, unsupported or non-canonical; out zeroed); BT_ENOMEM.
 *  Out:     out; out->data (and a create's abi and name) point into out_data (call bts_buf_free
 *           on it, also after an error).
 *  In:      raw, raw_len. Thread: any. */
BTS_API bt_status bts_tron_tx_decode(struct bts_tron_tx *out, struct bts_buf *out_data,
                                     const uint8_t *raw, size_t raw_len) BT_MUST_CHECK
    BT_NONNULL(1, 2);

/** txID = sha256(raw) over the serialized Transaction.raw (java-tron TransactionCapsule
 *  getRawHash; plain SHA-256, not keccak).
 *  Returns: BT_OK, BT_EINTERNAL (hashing failed). Thread: any. */
BTS_API bt_status bts_tron_tx_id(uint8_t out[32], const uint8_t *raw, size_t raw_len) BT_MUST_CHECK
    BT_NONNULL(1);

/** Append the serialized Transaction{raw_data, signature...} (what wallet/broadcasthex takes)
 *  to out: field 1 = raw, then one field 2 per 65-byte signature.
 *  Returns: BT_OK, BT_EINVAL (raw does not decode as by bts_tron_tx_decode), BT_ENOMEM.
 *  In:      raw, raw_len; sigs, n_sigs (NULL when 0). Thread: any. */
BTS_API bt_status bts_tron_tx_wrap(struct bts_buf *out, const uint8_t *raw, size_t raw_len,
                                   const uint8_t (*sigs)[BTS_TRON_SIG_LEN],
                                   size_t n_sigs) BT_MUST_CHECK BT_NONNULL(1);

/** Recover the raw TRON address that made a signature over a txID. v may be 0/1 (java-tron,
 *  go-ethereum) or 27/28 (tronweb), as java-tron accepts both (ECKey.signatureToKeyBytes).
 *  Returns: BT_OK, BT_EINVAL (bad v, r or s, or no key recovers; out zeroed).
 *  Out: out: 0x41 ‖ 20. In: txid, sig. Thread: any. */
BTS_API bt_status bts_tron_sig_recover(uint8_t out[BTS_TRON_ADDR_LEN], const uint8_t txid[32],
                                       const uint8_t sig[BTS_TRON_SIG_LEN]) BT_MUST_CHECK
    BT_NONNULL(1, 2, 3);

#ifdef __cplusplus
}
#endif

#endif /* BTS_TRON_H */
