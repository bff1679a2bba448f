/* Genesis-style account allocations ("alloc" of genesis.json, Bor's blockAlloc) and the lenient
 * number readers geth's genesis format needs. Private to host/chain. */
#ifndef BTTCD_ALLOC_INT_H
#define BTTCD_ALLOC_INT_H

#include <jansson.h>

#include <bts/common.h>
#include <bts/u256.h>

/** One storage slot: both sides are 32-byte words. */
struct alloc_slot {
    struct bt_hash key;
    struct bt_hash value;
};

/** One account of an allocation. */
struct alloc_account {
    struct bt_address addr;
    uint64_t nonce;
    struct bts_u256 balance;
    uint8_t *code; /* malloc'd, NULL when code_len is 0 */
    size_t code_len;
    struct alloc_slot *storage; /* malloc'd, sorted by key, no duplicates */
    size_t n_storage;
};

/** An allocation: accounts sorted by address, no duplicates. Zero-initialised is empty. */
struct alloc {
    struct alloc_account *accounts;
    size_t n;
};

/** Parse an alloc object: {"<address>": {"balance": N, "nonce": N, "code": "0x..",
 *  "storage": {"<word>": "<word>"}}}. Addresses with or without 0x; balance (required, as in
 *  geth) and nonce are numbers, decimal strings or hex strings (leading zeros allowed:
 *  go-ethereum math.HexOrDecimal256/64); storage keys and values are hex words of up to 32 bytes,
 *  right-aligned (go-ethereum common.HexToHash). Unknown members (geth's "secretKey", comments)
 *  are ignored, as geth's decoder does.
 *  Returns: BT_OK, BT_EINVAL (message in err naming the path, e.g.
 *           "alloc.0x..01.balance: not a number"), BT_ENOMEM.
 *  Out:     out: the allocation (empty on failure); free with alloc_free().
 *  In:      what: the path prefix for messages ("alloc", "config.bor.blockAlloc.841500"). */
bt_status alloc_parse(struct alloc *out, const json_t *obj, const char *what, char *err,
                      size_t err_cap);

/** Add one account (balance only) to an allocation, keeping it sorted.
 *  Returns: BT_OK, BT_EINVAL (address already present), BT_ENOMEM. */
bt_status alloc_add_balance(struct alloc *a, const struct bt_address *addr,
                            const struct bts_u256 *balance);

/** Find an account. Returns NULL when absent. */
const struct alloc_account *alloc_find(const struct alloc *a, const struct bt_address *addr);

/** Release everything; leaves `a` empty. NULL-safe on an empty allocation. */
void alloc_free(struct alloc *a);

/** State root of the allocation: the secure trie of keccak(address) ->
 *  rlp([nonce, balance, storageRoot, codeHash]), each storage root the secure trie of
 *  keccak(key) -> rlp(value without leading zero bytes), zero values left out.
 *  Returns: BT_OK, BT_ENOMEM. Out: out_root: 32 bytes.
 *  Source: Yellow Paper §4.1 (account state), appendix D; go-ethereum core/genesis.go. */
bt_status alloc_state_root(const struct alloc *a, uint8_t out_root[32]);

/* --- lenient number readers (geth genesis and chain-config JSON) ----------------------------- */

/** dst = a "." b, the JSON path of a member for messages, truncated to fit. */
void alloc_json_path(char *dst, size_t cap, const char *a, const char *b);

/** Open a JSON object whose members become the elements of an array: check that obj is an
 *  object and calloc one element of elem_size per member.
 *  Returns: BT_OK (*out NULL when the object is empty), BT_EINVAL ("<what>: not an object" in
 *  err), BT_ENOMEM. Out: *out: free() it. */
bt_status alloc_json_object_array(void **out, const json_t *obj, size_t elem_size, const char *what,
                                  char *err, size_t err_cap);

/** Read a non-negative integer: a JSON integer, a decimal string, or a "0x" hex string (leading
 *  zeros allowed). Returns: BT_OK, BT_EINVAL (message "<what>: ..." in err), BT_ERANGE
 *  (message too: does not fit). */
bt_status alloc_json_u64(uint64_t *out, const json_t *v, const char *what, char *err,
                         size_t err_cap);
/** As alloc_json_u64 for a 256-bit value. */
bt_status alloc_json_u256(struct bts_u256 *out, const json_t *v, const char *what, char *err,
                          size_t err_cap);
/** Read a hex byte string ("0x" optional; "" and "0x" are empty) into a malloc'd block
 *  (NULL when empty). Returns: BT_OK, BT_EINVAL (message in err), BT_ENOMEM. */
bt_status alloc_json_bytes(uint8_t **out, size_t *out_len, const json_t *v, const char *what,
                           char *err, size_t err_cap);
/** Read a hex word of up to 32 bytes ("0x" optional), right-aligned as go-ethereum
 *  common.HexToHash does (an odd digit count gets a leading zero).
 *  Returns: BT_OK, BT_EINVAL (message in err). */
bt_status alloc_json_word(uint8_t out[32], const char *s, const char *what, char *err,
                          size_t err_cap);
/** Read an address: 40 hex digits, "0x" optional. Returns BT_OK, BT_EINVAL (message). */
bt_status alloc_json_address(struct bt_address *out, const char *s, const char *what, char *err,
                             size_t err_cap);

#endif /* BTTCD_ALLOC_INT_H */
