/* bttcd plugin ABI: the EVM (kind BT_KIND_EVM), DESIGN.md §2; shaped after EVMC.
 * The EVM executes one whole transaction (intrinsic gas, nonce and balance checks, fee purchase,
 * call/create frames, precompiles, refunds, fee payment) against a read-only view of the
 * pre-transaction state that the host provides, and returns the change set, logs and gas.
 * The host applies the change set; it never interprets bytecode. No global mutable state:
 * independent executions run concurrently on worker threads. */
#ifndef BT_EVM_H
#define BT_EVM_H

#include <bt/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Fork levels, in activation order (EVMC revision numbering is not reused on purpose: only
 *  these are supported). */
enum bt_evm_fork {
    BT_EVM_ISTANBUL = 1,
    BT_EVM_BERLIN = 2,
    BT_EVM_LONDON = 3,
    BT_EVM_PARIS = 4,
    BT_EVM_SHANGHAI = 5,
    BT_EVM_CANCUN = 6
};

/** Execution flags (struct bt_evm_config.flags). */
enum bt_evm_flags {
    /** BTTC's synthetic transfer and fee logs (PROTOCOL.md §3.10). On for Bttc chain configs. */
    BT_EVM_F_BTTC_LOGS = 1u << 0,
    /** eth_call / eth_estimateGas: skip nonce check, balance check for fees, fee purchase and
     *  EIP-3607 sender-has-code check. */
    BT_EVM_F_NO_CHECKS = 1u << 1,
    /** A system call (PROTOCOL.md §3.6): no nonce change, no gas purchase, no fees, no refund,
     *  no intrinsic gas. */
    BT_EVM_F_SYSTEM_CALL = 1u << 2
};

/** Status of a transaction that was executed (included). */
enum bt_evm_outcome {
    BT_EVM_SUCCESS = 0,
    BT_EVM_REVERT = 1,  /* REVERT: output holds the revert data */
    BT_EVM_FAILURE = 2, /* exceptional halt: out of gas, invalid opcode, stack, ... */
};

/** Read-only view of the state before the transaction, provided by the host. Every entry is
 *  Thread: any (the EVM calls it from the worker thread that runs execute). `ctx` is the
 *  host's. */
struct bt_evm_state_iface {
    uint32_t struct_size;
    /** Account fields. Returns BT_OK, BT_ENOTFOUND (no account: all fields zero). */
    bt_status (*get_account)(void *ctx, const uint8_t addr[20], uint64_t *out_nonce,
                             uint8_t out_balance[32], uint8_t out_code_hash[32]);
    /** Code of an account; out->release() once. Empty value for no code. */
    bt_status (*get_code)(void *ctx, const uint8_t addr[20], struct bt_value *out);
    /** Storage slot value (zero when absent). */
    bt_status (*get_storage)(void *ctx, const uint8_t addr[20], const uint8_t key[32],
                             uint8_t out_value[32]);
    /** Hash of an ancestor block for BLOCKHASH (the EVM checks the 256-block window).
     *  BT_ENOTFOUND gives zero. */
    bt_status (*get_block_hash)(void *ctx, uint64_t number, uint8_t out_hash[32]);
    /* --- appended in 1.0 draft; optional: the EVM tests it with BT_HAS --- */
    /** Whether the account has any storage (a storage root other than the empty trie's): an
     *  address whose account has storage counts as taken for CREATE/CREATE2 (EIP-7610). Returns
     *  BT_OK (*out_has 0 or 1; 0 for no account). When absent, storage is assumed empty. */
    bt_status (*has_storage)(void *ctx, const uint8_t addr[20], int *out_has);
};

/** Block context. */
struct bt_evm_block {
    uint32_t struct_size;
    uint64_t number;
    uint64_t timestamp;
    uint64_t gas_limit;
    uint64_t chain_id;
    uint8_t coinbase[20];      /* fee recipient: the block's signer on Bttc (PROTOCOL.md §3.10) */
    uint8_t difficulty[32];    /* pre-Paris DIFFICULTY */
    uint8_t prev_randao[32];   /* Paris+ PREVRANDAO */
    uint8_t base_fee[32];      /* London+ */
    uint8_t blob_base_fee[32]; /* Cancun+ */
};

/** One access-list entry (EIP-2930): an address and its storage keys. */
struct bt_evm_access {
    uint8_t address[20];
    const uint8_t (*keys)[32];
    size_t n_keys;
};

/** The transaction (already decoded and signature-recovered by the host). */
struct bt_evm_tx {
    uint32_t struct_size;
    uint32_t type;   /* 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844 */
    uint32_t has_to; /* 0: contract creation */
    uint8_t from[20];
    uint8_t to[20];
    uint64_t nonce;
    uint64_t gas_limit;
    uint8_t gas_price[32];        /* legacy/2930; for 1559 the host passes the effective price */
    uint8_t max_fee[32];          /* 1559+ */
    uint8_t max_priority_fee[32]; /* 1559+ */
    uint8_t max_blob_fee[32];     /* 4844 */
    uint8_t value[32];
    const uint8_t *data;
    size_t data_len;
    const struct bt_evm_access *access_list;
    size_t n_access;
    const uint8_t (*blob_hashes)[32];
    size_t n_blob_hashes;
};

/** What a traced instruction does to storage (struct bt_evm_step.storage_op), as geth's struct
 *  logger records it. */
enum bt_evm_step_storage {
    BT_EVM_STEP_NO_STORAGE = 0,
    BT_EVM_STEP_SLOAD = 1, /* storage_key is read; storage_value is the value it will load */
    BT_EVM_STEP_SSTORE = 2 /* storage_key is written with storage_value */
};

/** One instruction about to execute (the EVM's state before it), for a tracer. Every pointer is
 *  borrowed and valid only during the callback; the tracer copies what it keeps. */
struct bt_evm_step {
    uint32_t struct_size;
    uint32_t op;         /* the opcode byte */
    uint64_t pc;         /* offset of the opcode in the running code */
    uint64_t gas;        /* gas left before the instruction (its constant cost not yet charged) */
    uint64_t refund;     /* the transaction's refund counter so far (before the end-of-tx cap) */
    uint32_t depth;      /* call depth: 1 for the transaction's own frame (as geth counts) */
    uint32_t storage_op; /* enum bt_evm_step_storage */
    uint8_t address[20]; /* the executing account (ADDRESS: whose storage is used) */
    uint8_t storage_key[32];    /* SLOAD/SSTORE: the slot (big-endian) */
    uint8_t storage_value[32];  /* SLOAD: value loaded; SSTORE: value written */
    const uint8_t (*stack)[32]; /* the stack as big-endian words, bottom first (top last) */
    size_t stack_len;
    const uint8_t *memory; /* the frame's memory (always a multiple of 32 bytes) */
    size_t memory_len;
    const uint8_t *return_data; /* return data of the frame's last call (RETURNDATASIZE) */
    size_t return_data_len;
};

/** A per-instruction tracer (debug_traceTransaction / debug_traceCall), passed in
 *  struct bt_evm_config.tracer. For every instruction the EVM calls `step` (state before it)
 *  and then exactly once `step_result` (its cost), before the next `step` of any frame:
 *  - most instructions: after they ran; gas_cost = gas before - gas after (constant plus
 *    dynamic cost: memory expansion, copies, cold access, SSTORE, ...);
 *  - CALL, CALLCODE, DELEGATECALL, STATICCALL: before the callee runs (its steps follow);
 *    gas_cost includes the gas handed to the callee without the 2300 stipend, as geth counts;
 *  - CREATE, CREATE2: before the init code runs; gas_cost excludes the gas handed to it (geth);
 *  - a failing instruction: error is geth's text ("out of gas", "invalid jump destination",
 *    "stack underflow (0 <=> 2)", "write protection", "invalid opcode: INVALID", ...) and
 *    gas_cost the part of its cost charged when it failed (its constant cost at least); the
 *    frame then ends with all its gas consumed. error is NULL otherwise (a REVERT is not an
 *    error here: the transaction's outcome says it).
 *  Precompiles and calls to accounts without code produce no steps. Without a tracer the EVM
 *  runs its untraced interpreter: tracing costs nothing when absent.
 *  Thread: called on the thread that runs execute (or its helper thread, see execute), never
 *  concurrently for one execution. The callbacks must not call back into the EVM. */
struct bt_evm_tracer {
    uint32_t struct_size;
    void *ctx; /* the tracer's, passed back */
    void (*step)(void *ctx, const struct bt_evm_step *s);
    void (*step_result)(void *ctx, uint64_t gas_cost, const char *error);
};

/** Per-execution configuration. */
struct bt_evm_config {
    uint32_t struct_size;
    uint32_t fork;  /* enum bt_evm_fork */
    uint32_t flags; /* enum bt_evm_flags */
    /* --- appended in 1.0 draft; optional (covered by struct_size) --- */
    /** Per-instruction tracer, or NULL (no tracing). Borrowed for the call. */
    const struct bt_evm_tracer *tracer;
};

/** A log emitted by the transaction. */
struct bt_evm_log {
    uint8_t address[20];
    uint32_t n_topics;
    uint8_t topics[4][32];
    const uint8_t *data;
    size_t data_len;
};

/** One changed storage slot. */
struct bt_evm_storage_change {
    uint8_t key[32];
    uint8_t value[32];
};

/** Account change flags. */
enum bt_evm_change_flags {
    BT_EVM_ACCOUNT_DESTROYED = 1u << 0,    /* remove the account and its storage */
    BT_EVM_ACCOUNT_CREATED = 1u << 1,      /* new contract: wipe any prior storage first */
    BT_EVM_ACCOUNT_CODE = 1u << 2,         /* code/code_len are set */
    BT_EVM_ACCOUNT_TOUCHED_EMPTY = 1u << 3 /* EIP-161: touched and empty: delete */
};

/** The post-transaction value of one account that changed. */
struct bt_evm_account_change {
    uint8_t address[20];
    uint32_t flags; /* enum bt_evm_change_flags */
    uint64_t nonce;
    uint8_t balance[32];
    const uint8_t *code;
    size_t code_len;
    const struct bt_evm_storage_change *storage;
    size_t n_storage;
};

/** Result of execute, owned by the plugin until release(r) is called exactly once. */
struct bt_evm_result {
    uint32_t struct_size;
    uint32_t outcome;      /* enum bt_evm_outcome */
    uint64_t gas_used;     /* after refund: what the receipt reports */
    uint64_t gas_refund;   /* refund applied */
    const uint8_t *output; /* return or revert data */
    size_t output_len;
    uint32_t has_created;
    uint8_t created[20]; /* contract address on creation */
    const struct bt_evm_log *logs;
    size_t n_logs;
    const struct bt_evm_account_change *changes;
    size_t n_changes;
    void (*release)(struct bt_evm_result *r);
    void *opaque;
};

/** The EVM table. */
struct bt_evm_vtbl {
    uint32_t struct_size;

    /** Execute one transaction.
     *  Returns: BT_OK (included: see out->outcome), BT_EINVAL (invalid transaction, not
     *  includable: nonce mismatch, insufficient funds, intrinsic gas too low, ...; the message
     *  from set_error uses geth's wording, and *out is zeroed with no release), BT_ENOTSUP
     *  (fork or feature not supported), BT_EIO (state read failed).
     *  In: all inputs borrowed for the call. Thread: any.
     *  Stack: call frames recurse on the C stack (up to 1025 frames, about 2 KiB each).
     *  Each frame checks the stack left on its thread; when less than 256 KiB (1 MiB under
     *  AddressSanitizer) remain, that frame and the frames it calls run on a helper thread
     *  with an 8 MiB (32 MiB) stack while the thread below waits. So any thread, whatever its
     *  stack size, may call execute; the state callbacks and the tracer may then be called
     *  from such a helper thread (never concurrently: the caller is blocked in execute), and
     *  must not rely on the caller's thread-local state. */
    bt_status (*execute)(void *self, const struct bt_evm_state_iface *state, void *state_ctx,
                         const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                         const struct bt_evm_config *cfg, struct bt_evm_result *out);
    /* ABI 1.x additions go here, never above. */
};

#ifdef __cplusplus
}
#endif

#endif /* BT_EVM_H */
