/* The eth/66 wire protocol (devp2p caps/eth.md as of eth/66, EIP-2481 request ids): message
 * codes, Status, GetBlockHeaders, NewBlock, and the list-shaped messages (hashes, headers,
 * bodies, transactions, receipts) as zero-copy views with strict limits. Messages are the
 * msg-data after the RLPx msg-id, already decompressed. Pure codec.
 * Unless stated otherwise, pointer arguments must not be NULL. */
#ifndef BTS_ETHWIRE_H
#define BTS_ETHWIRE_H

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/forkid.h>
#include <bts/rlp.h>

#ifdef __cplusplus
extern "C" {
#endif

/** eth/66 message codes, relative to the capability's offset. */
enum bts_eth_msg {
    BTS_ETH_STATUS = 0x00,
    BTS_ETH_NEW_BLOCK_HASHES = 0x01,
    BTS_ETH_TRANSACTIONS = 0x02,
    BTS_ETH_GET_BLOCK_HEADERS = 0x03,
    BTS_ETH_BLOCK_HEADERS = 0x04,
    BTS_ETH_GET_BLOCK_BODIES = 0x05,
    BTS_ETH_BLOCK_BODIES = 0x06,
    BTS_ETH_NEW_BLOCK = 0x07,
    BTS_ETH_NEW_POOLED_TX_HASHES = 0x08,
    BTS_ETH_GET_POOLED_TXS = 0x09,
    BTS_ETH_POOLED_TXS = 0x0a,
    BTS_ETH_GET_RECEIPTS = 0x0f,
    BTS_ETH_RECEIPTS = 0x10
};

/** The protocol version and the message ids it uses (0x00..0x10). */
#define BTS_ETH_VERSION   66
#define BTS_ETH_PROTO_LEN 17

/** Largest eth message accepted (go-ethereum eth/protocols/eth maxMessageSize). */
#define BTS_ETH_MAX_MSG (10u * 1024 * 1024)
/** Most hashes in NewBlockHashes, NewPooledTransactionHashes, GetPooledTransactions,
 *  GetBlockBodies and GetReceipts (go-ethereum's announcement cap is 4096). */
#define BTS_ETH_MAX_HASHES 4096
/** Most headers, bodies or receipt lists in one response (go-ethereum serves at most 1024). */
#define BTS_ETH_MAX_ITEMS 1024
/** Nesting allowed in any eth message (the deepest, Receipts, needs 7). */
#define BTS_ETH_MAX_DEPTH 16

/** Status: [version, networkid, td, head, genesis, forkid]. */
struct bts_eth_status {
    uint64_t version;
    uint64_t network_id;
    uint8_t td[32]; /* total difficulty, big-endian */
    uint8_t head[32];
    uint8_t genesis[32];
    struct bts_forkid fork_id;
};

/** Append a Status. Returns: BT_OK, BT_ENOMEM. Thread: any. */
BTS_API bt_status bts_eth_status_encode(struct bts_buf *out,
                                        const struct bts_eth_status *s) BT_MUST_CHECK;

/** Decode a Status (extra list elements ignored, as go-ethereum's decoder tolerates none but
 *  EIP-8 asks; the caller checks network id, genesis and fork id).
 *  Returns: BT_OK, BT_EPROTO (malformed or over BTS_ETH_MAX_MSG). Out: zeroed on failure. */
BTS_API bt_status bts_eth_status_decode(struct bts_eth_status *out, const uint8_t *in,
                                        size_t in_len) BT_MUST_CHECK;

/** GetBlockHeaders: [request-id, [origin (hash or number), amount, skip, reverse]]. */
struct bts_eth_get_headers {
    uint64_t req_id;
    int is_by_hash;
    uint8_t origin_hash[32]; /* when is_by_hash */
    uint64_t origin_number;  /* otherwise */
    uint64_t amount;
    uint64_t skip;
    int is_reverse;
};

/** Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_eth_get_headers_encode(struct bts_buf *out,
                                             const struct bts_eth_get_headers *q) BT_MUST_CHECK;

/** Returns: BT_OK, BT_EPROTO (malformed; origin neither 32 bytes nor an integer; reverse not
 *  0 or 1). The caller caps `amount` to what it serves. */
BTS_API bt_status bts_eth_get_headers_decode(struct bts_eth_get_headers *out, const uint8_t *in,
                                             size_t in_len) BT_MUST_CHECK;

/** A list-shaped message as a view: the request id (0 for messages without one) and the list
 *  of items, each checked for its message's shape:
 *    NEW_BLOCK_HASHES        [[hash, number], ...]           at most BTS_ETH_MAX_HASHES
 *    TRANSACTIONS            [tx, ...]                       size-limited only
 *    NEW_POOLED_TX_HASHES    [hash, ...]                     at most BTS_ETH_MAX_HASHES
 *    GET_BLOCK_BODIES, GET_POOLED_TXS, GET_RECEIPTS  [id, [hash, ...]]  BTS_ETH_MAX_HASHES
 *    BLOCK_HEADERS           [id, [header (list), ...]]      at most BTS_ETH_MAX_ITEMS
 *    BLOCK_BODIES            [id, [[txs, uncles, ...], ...]] at most BTS_ETH_MAX_ITEMS
 *    POOLED_TXS              [id, [tx, ...]]                 size-limited only
 *    RECEIPTS                [id, [[receipt, ...], ...]]     at most BTS_ETH_MAX_ITEMS
 *  A tx is a list (legacy) or a string starting with a type byte < 0x80 (EIP-2718). Items
 *  are not decoded further: the caller iterates `list` with bts_rlp_iter_*. */
struct bts_eth_list {
    uint64_t req_id;
    struct bts_rlp_item list; /* borrows from the input */
    size_t count;
};

/** Decode a list-shaped message of type `code`. The whole message is validated as RLP
 *  (canonical, depth <= BTS_ETH_MAX_DEPTH); trailing bytes are refused.
 *  Returns: BT_OK, BT_EPROTO (malformed, wrong shape, over a limit), BT_EINVAL (`code` is
 *           not list-shaped: misuse), BT_ENOMEM.
 *  Out:     out: zeroed on failure. */
BTS_API bt_status bts_eth_list_decode(struct bts_eth_list *out, int code, const uint8_t *in,
                                      size_t in_len) BT_MUST_CHECK;

/** Encode a list-shaped message of type `code` from n already-encoded RLP items (headers,
 *  bodies, transactions, per-block receipt lists, or [hash, number] pairs), wrapped with
 *  req_id when the message has one. Items are copied unchecked.
 *  Returns: BT_OK, BT_EINVAL (code not list-shaped, or a hash-list code: use
 *           bts_eth_hashes_encode), BT_ENOMEM. */
BTS_API bt_status bts_eth_list_encode(struct bts_buf *out, int code, uint64_t req_id,
                                      const uint8_t *const *items, const size_t *lens,
                                      size_t n) BT_MUST_CHECK BT_NONNULL(1);

/** Encode a hash-list message (NEW_POOLED_TX_HASHES, GET_BLOCK_BODIES, GET_POOLED_TXS,
 *  GET_RECEIPTS) from n contiguous 32-byte hashes.
 *  Returns: BT_OK, BT_EINVAL (other code), BT_ENOMEM. */
BTS_API bt_status bts_eth_hashes_encode(struct bts_buf *out, int code, uint64_t req_id,
                                        const uint8_t *hashes, size_t n) BT_MUST_CHECK
    BT_NONNULL(1);

/** Append one [hash, number] item for NewBlockHashes. Returns: BT_OK, BT_ENOMEM. */
BTS_API bt_status bts_eth_hash_number_encode(struct bts_buf *out, const uint8_t hash[32],
                                             uint64_t number) BT_MUST_CHECK;

/** Read the next [hash, number] of a decoded NewBlockHashes list.
 *  Returns: BT_OK, BT_ENOTFOUND (end), BT_EPROTO. */
BTS_API bt_status bts_eth_hash_number_next(struct bts_rlp_iter *it, uint8_t out_hash[32],
                                           uint64_t *out_number) BT_MUST_CHECK;

/** NewBlock: [block, td] with block = [header, txs, uncles, ...]. */
struct bts_eth_new_block {
    struct bts_rlp_item block;  /* borrows from the input */
    struct bts_rlp_item header; /* the block's first element */
    uint8_t td[32];
};

/** Returns: BT_OK, BT_ENOMEM. block, block_len: the block's RLP, copied unchecked. */
BTS_API bt_status bts_eth_new_block_encode(struct bts_buf *out, const uint8_t *block,
                                           size_t block_len, const uint8_t td[32]) BT_MUST_CHECK;

/** Returns: BT_OK, BT_EPROTO (malformed, over limits). Out: zeroed on failure. */
BTS_API bt_status bts_eth_new_block_decode(struct bts_eth_new_block *out, const uint8_t *in,
                                           size_t in_len) BT_MUST_CHECK;

/** Name of an eth/66 message code as go-ethereum's eth/protocols/eth/protocol.go names it
 *  ("Status", "GetBlockHeaders", ..., "GetNodeData", "Receipts"); "unknown" otherwise.
 *  Returns a static string. Thread: any. */
BTS_API const char *bts_eth_msg_name(uint64_t code);

#ifdef __cplusplus
}
#endif

#endif /* BTS_ETHWIRE_H */
