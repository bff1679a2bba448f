/* bttcd plugin ABI: consensus engines (kind BT_KIND_CONSENSUS), DESIGN.md §2 and §4.
 * The host's chain pipeline asks the engine to verify headers on import, to decide when and
 * with which header fields to produce, to run its end-of-block system calls, and to seal.
 * The engine reaches the chain through the "chain" service (struct bt_chain_iface below),
 * found with host->service_find(h, "chain", ...) from start() on.
 * Headers cross the ABI decoded (struct bt_header) with their RLP alongside, so an engine can
 * hash or re-encode them with the SDK without another parse. */
#ifndef BT_CONSENSUS_H
#define BT_CONSENSUS_H

#include <bt/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A decoded block header (geth 1.10 layout, PROTOCOL.md §3.1). Borrowed for the call. */
struct bt_header {
    uint32_t struct_size;
    uint8_t hash[32]; /* keccak(rlp) */
    uint8_t parent_hash[32];
    uint8_t uncle_hash[32];
    uint8_t coinbase[20];
    uint8_t state_root[32];
    uint8_t tx_root[32];
    uint8_t receipt_root[32];
    uint8_t bloom[256];
    uint8_t difficulty[32];
    uint64_t number;
    uint64_t gas_limit;
    uint64_t gas_used;
    uint64_t time; /* seconds */
    const uint8_t *extra;
    size_t extra_len;
    uint8_t mix_digest[32];
    uint8_t nonce[8];
    uint32_t has_base_fee;
    uint8_t base_fee[32];
    const uint8_t *rlp; /* the canonical encoding this was decoded from */
    size_t rlp_len;
};

/** Fields of a block being produced that the engine decides in prepare(). The host fills the
 *  rest (roots, gas used, bloom) after execution. `extra` is a host buffer of extra_cap bytes;
 *  the engine writes extra_len bytes, including room for its seal. */
struct bt_header_draft {
    uint32_t struct_size;
    uint64_t number;
    uint64_t time;
    uint64_t gas_limit;
    uint8_t coinbase[20];
    uint8_t difficulty[32];
    uint8_t mix_digest[32];
    uint8_t nonce[8];
    uint8_t *extra;
    size_t extra_cap;
    size_t extra_len;
};

/** State operations available to finalize() while the host builds or imports a block: after
 *  every user transaction, before the state root is computed. Thread: loop. */
struct bt_block_state_ops {
    uint32_t struct_size;
    /** Execute a system call (PROTOCOL.md §3.6: from 0xff..fe, gas 2^63-1, price 0, value 0, no
     *  nonce change) whose state changes stay in the block. Returns BT_OK even when the call
     *  reverted (*out_reverted set; upstream ignores it); BT_EIO on state failure.
     *  Out: output: release once; may be NULL when unused. */
    bt_status (*system_call)(void *state, const uint8_t to[20], const uint8_t *data,
                             size_t data_len, uint64_t gas, struct bt_value *output,
                             uint32_t *out_reverted);
    /** Replace the code of an account (BlockAlloc, PROTOCOL.md §3.6 step 2). */
    bt_status (*set_code)(void *state, const uint8_t addr[20], const uint8_t *code,
                          size_t code_len);
};

/** The host's chain, offered to plugins as the service "chain". Every entry: Thread: loop. */
struct bt_chain_iface {
    uint32_t struct_size;
    /** Number and hash of the current head. */
    bt_status (*head)(void *chain, uint64_t *out_number, uint8_t out_hash[32]);
    /** RLP of the canonical header at `number`. Returns BT_OK, BT_ENOTFOUND. Out: release once. */
    bt_status (*header_by_number)(void *chain, uint64_t number, struct bt_value *out_rlp);
    /** RLP of a known header by hash (canonical or not). Returns BT_OK, BT_ENOTFOUND. */
    bt_status (*header_by_hash)(void *chain, const uint8_t hash[32], struct bt_value *out_rlp);
    /** Read-only message call against the state after block `block_hash` (eth_call semantics,
     *  from the zero address unless `from` is given). Returns BT_OK (see *out_reverted),
     *  BT_ENOTFOUND (no such state). Out: output: release once. */
    bt_status (*call)(void *chain, const uint8_t block_hash[32], const uint8_t *from20,
                      const uint8_t to[20], const uint8_t *data, size_t data_len, uint64_t gas,
                      struct bt_value *output, uint32_t *out_reverted);
};

/** verify_header flags. */
enum bt_verify_flags {
    BT_VERIFY_SEAL = 1u << 0 /* also check the seal/signature (skippable for trusted ranges) */
};

/** The consensus table. Every entry: Thread: loop. */
struct bt_consensus_vtbl {
    uint32_t struct_size;

    /** Check `h` against its parent by the engine's rules.
     *  Returns: BT_OK; BT_EINVAL (rule broken; the message names the rule, e.g. "wrong
     *  difficulty: have 3, want 4"); BT_EBUSY (from the future: retry later, not invalid);
     *  BT_ENOTFOUND (an ancestor or span the rule needs is missing). */
    bt_status (*verify_header)(void *self, const struct bt_header *h,
                               const struct bt_header *parent, uint32_t flags);

    /** When may this node produce the child of `parent`? `n_pending` is the number of
     *  executable transactions in the pool. Out: *out_time_ms, wall-clock ms (may be in the
     *  past: now). Returns: BT_OK; BT_ENOTFOUND (this node is not a producer for it, or nothing
     *  to do yet: ask again on the next head or transaction). */
    bt_status (*schedule)(void *self, const struct bt_header *parent, uint64_t n_pending,
                          uint64_t *out_time_ms);

    /** Fill the engine's fields of the child of `parent` (time, difficulty, coinbase, extra with
     *  room for the seal, mix digest, nonce). Returns: BT_OK, BT_ERANGE (extra_cap too small,
     *  extra_len set to the need), BT_ENOTFOUND (not authorised). */
    bt_status (*prepare)(void *self, const struct bt_header *parent, struct bt_header_draft *draft);

    /** Run the end-of-block rules (system calls, code swaps) for block `h` (whose roots are not
     *  final yet), during both production and import. */
    bt_status (*finalize)(void *self, const struct bt_header *h,
                          const struct bt_block_state_ops *ops, void *state);

    /** Seal a complete header: write the signature into the last bytes of `extra` (the same
     *  bytes prepare() reserved) through host->sign. Returns: BT_OK, BT_EPERM (no key),
     *  BT_EBUSY (signer busy). */
    bt_status (*seal)(void *self, const struct bt_header *h, uint8_t *extra, size_t extra_len);

    /** The block's author (signer) for COINBASE/fees and bor_getAuthor.
     *  Returns: BT_OK, BT_EINVAL (bad seal). */
    bt_status (*author)(void *self, const struct bt_header *h, uint8_t out_addr[20]);

    /** Optional (may be NULL): a new canonical head was committed. */
    void (*on_head)(void *self, const struct bt_header *head);
    /* ABI 1.x additions go here, never above. */
};

#ifdef __cplusplus
}
#endif

#endif /* BT_CONSENSUS_H */
