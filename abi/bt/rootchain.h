/* bttcd plugin ABI: root-chain adapters (kind BT_KIND_ROOTCHAIN), DESIGN.md §2; one plugin per
 * basechain (TRON, BSC, Ethereum, third-party ones). Every operation is asynchronous on the host
 * loop: the call returns at once and the callback runs later on the loop thread, exactly once,
 * with a status (BT_ECANCELED on shutdown). A slow or dead basechain never blocks the node.
 * Addresses are 20-byte EVM form on every chain (TRON's 0x41 prefix dropped). */
#ifndef BT_ROOTCHAIN_H
#define BT_ROOTCHAIN_H

#include <bt/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Chain type ids (PROTOCOL.md §1). */
enum bt_rootchain_type {
    BT_ROOTCHAIN_TRON = 1,
    BT_ROOTCHAIN_ETH = 2,
    BT_ROOTCHAIN_BSC = 3,
    BT_ROOTCHAIN_OTHER = 255 /* third-party basechains */
};

/** A log read from the basechain. Borrowed for the callback. */
struct bt_rootchain_log {
    uint8_t address[20];
    uint32_t n_topics;
    uint8_t topics[4][32];
    const uint8_t *data;
    size_t data_len;
    uint64_t block_number;
    uint8_t block_hash[32];
    uint8_t tx_hash[32];
    uint32_t tx_index;
    uint32_t log_index;
};

/** Log filter: logs from `address` (n_addresses of them; 0: any) whose topic i equals one of
 *  topics[i] (a NULL entry or n_topics[i] == 0: any), blocks from..to inclusive. The adapter
 *  splits ranges the node refuses as too large. Borrowed for the call to get_logs. */
struct bt_rootchain_filter {
    uint32_t struct_size;
    const uint8_t (*addresses)[20];
    size_t n_addresses;
    const uint8_t (*topics[4])[32];
    size_t n_topics[4];
    uint64_t from_block;
    uint64_t to_block;
};

/** A transaction to send: a contract call signed by the host's signer with key `key_id`. */
struct bt_rootchain_send_req {
    uint32_t struct_size;
    const char *key_id;
    uint8_t to[20];
    const uint8_t *data;
    size_t data_len;
    uint8_t value[32];
    uint64_t gas_limit; /* 0: estimate with headroom */
    uint64_t fee_limit; /* TRON fee_limit in sun; 0: adapter default */
};

/** Final status of a send. */
enum bt_rootchain_tx_status {
    BT_ROOTCHAIN_TX_SUCCESS = 1,
    BT_ROOTCHAIN_TX_REVERTED = 2,
    BT_ROOTCHAIN_TX_DROPPED = 3 /* gave up (see the status and message) */
};

/** Receipt of a sent transaction. Borrowed for the callback. */
struct bt_rootchain_receipt {
    uint32_t struct_size;
    uint32_t tx_status; /* enum bt_rootchain_tx_status */
    uint8_t tx_hash[32];
    uint64_t block_number;
    uint64_t gas_used; /* TRON: energy used */
    const struct bt_rootchain_log *logs;
    size_t n_logs;
};

/** Snapshot of an adapter's health for `bttcd rootchain status` and metrics. Strings valid
 *  until the next call into the adapter. */
struct bt_rootchain_status {
    uint32_t struct_size;
    uint64_t head;
    uint64_t finalized;
    uint64_t last_ok_ms;    /* wall ms of the last good answer; 0: never */
    const char *url;        /* endpoint in use */
    const char *last_error; /* "" if none */
};

/** A basechain block header as get_block reads it. Borrowed for the callback. */
struct bt_rootchain_block {
    uint32_t struct_size;
    uint64_t number;
    uint8_t hash[32];        /* Ethereum/BSC: keccak256 of the RLP header, the "hash" of
                                eth_getBlockByNumber; TRON: the blockID */
    uint8_t parent_hash[32]; /* TRON: the parent's blockID */
    uint64_t timestamp;      /* seconds */
};

typedef void (*bt_rootchain_heights_fn)(void *arg, bt_status st, uint64_t head, uint64_t finalized);
typedef void (*bt_rootchain_logs_fn)(void *arg, bt_status st, const struct bt_rootchain_log *logs,
                                     size_t n_logs);
typedef void (*bt_rootchain_call_fn)(void *arg, bt_status st, const uint8_t *output,
                                     size_t output_len);
typedef void (*bt_rootchain_receipt_fn)(void *arg, bt_status st,
                                        const struct bt_rootchain_receipt *receipt);
/** block is non-NULL exactly when st is BT_OK. */
typedef void (*bt_rootchain_block_fn)(void *arg, bt_status st,
                                      const struct bt_rootchain_block *block);

/** The root-chain table. Every entry: Thread: loop. An entry that returns an error has not
 *  scheduled its callback; once it returns BT_OK the callback runs exactly once. The message
 *  that goes with a failing callback status is read with error_message(). */
struct bt_rootchain_vtbl {
    uint32_t struct_size;

    /** enum bt_rootchain_type of this basechain. */
    uint32_t (*chain_type)(void *self);
    /** Head and finalized height (finalized <= head). */
    bt_status (*heights)(void *self, bt_rootchain_heights_fn cb, void *arg);
    /** Logs matching a filter, in (block, log index) order. */
    bt_status (*get_logs)(void *self, const struct bt_rootchain_filter *f, bt_rootchain_logs_fn cb,
                          void *arg);
    /** Read-only contract call at the latest (block 0) or a given block. */
    bt_status (*call)(void *self, const uint8_t to[20], const uint8_t *data, size_t data_len,
                      uint64_t block, bt_rootchain_call_fn cb, void *arg);
    /** Build, sign (host->sign, by key id), broadcast and track a transaction until a receipt
     *  or a final failure; re-broadcasts and fee bumps are the adapter's business. */
    bt_status (*send)(void *self, const struct bt_rootchain_send_req *req,
                      bt_rootchain_receipt_fn cb, void *arg);
    /** Health figures. Synchronous. */
    bt_status (*status)(void *self, struct bt_rootchain_status *out);
    /** The message that goes with the failing status last passed to one of this adapter's
     *  callbacks ("" if none); valid until the next callback. */
    const char *(*error_message)(void *self);
    /* ABI 1.x additions go here, never above. */
    /** (Optional, appended) The header of block `number` as the node serves it now (not checked
     *  final: callers compare `number` with heights() themselves). Callback status:
     *  BT_ENOTFOUND for a block beyond the node's head. An adapter built before the entry lacks it:
     *  test it with BT_HAS(struct bt_rootchain_vtbl, vt, get_block) and treat its
     *  absence as BT_ENOTSUP. Used for the span seed (PROTOCOL.md §4.5.2). */
    bt_status (*get_block)(void *self, uint64_t number, bt_rootchain_block_fn cb, void *arg);
};

#ifdef __cplusplus
}
#endif

#endif /* BT_ROOTCHAIN_H */
