/* Private interfaces of the EVM plugin (never installed). One execution = one struct evm_ctx:
 * it owns the account cache over the host's read-only state view, the journal that makes call
 * frames revertible, the logs, the per-depth stacks and memories and the jump-destination
 * analyses, so executions share nothing and run on any thread (abi/bt/evm.h). */
#ifndef EVM_INT_H
#define EVM_INT_H

#include <bt/evm.h>
#include <bts/keccak.h>
#include <bts/u256.h>

#include <stdint.h>
#include <string.h>

/* Everything below is private to the plugin: hidden declarations let calls between its files
 * go direct instead of through the PLT in the position-independent build. */
#pragma GCC visibility push(hidden)

#define EVM_MAX_DEPTH    1024
#define EVM_STACK_MAX    1024
#define EVM_MAX_CODE     24576 /* EIP-170 */
#define EVM_MAX_INITCODE 49152 /* EIP-3860 */

/* Outcome of one frame (the transaction outcome uses the ABI's enum bt_evm_outcome). */
enum evm_status { EVM_OK = 0, EVM_REVERTED = 1, EVM_FAILED = 2, EVM_FATAL = 3 /* host I/O */ };

enum evm_call_kind {
    EVM_CALL,
    EVM_CALLCODE,
    EVM_DELEGATECALL,
    EVM_STATICCALL,
    EVM_CREATE,
    EVM_CREATE2
};

/* One storage slot as the transaction sees it. `orig` is the value at the start of the
 * transaction (EIP-2200 "original value"), `cur` the current one. */
struct evm_slot {
    struct bts_u256 key;
    struct bts_u256 orig;
    struct bts_u256 cur;
    uint8_t used;
    uint8_t warm;
};

/* A transient storage slot (EIP-1153). */
struct evm_tslot {
    struct bts_u256 key;
    struct bts_u256 val;
    uint8_t used;
};

struct evm_account {
    uint8_t addr[20];
    uint32_t idx;        /* position in the chunked account array (stable) */
    uint8_t exists;      /* present in the state now */
    uint8_t warm;        /* EIP-2929 accessed_addresses */
    uint8_t touched;     /* EIP-161: checked for emptiness at the end */
    uint8_t destructed;  /* SELFDESTRUCT executed (deleted at the end) */
    uint8_t created;     /* created by this transaction (EIP-6780; storage starts empty) */
    uint8_t code_loaded; /* code/code_len valid */
    uint8_t code_set;    /* code deployed by this transaction */
    uint64_t nonce, orig_nonce;
    struct bts_u256 balance, orig_balance;
    uint8_t orig_exists;
    uint8_t code_hash[32];
    const uint8_t *code;
    size_t code_len;
    struct bt_value code_val; /* host copy of the code, released at the end */
    uint8_t *own_code;        /* code deployed here (malloc'd) */
    struct evm_slot *slots;
    uint32_t slot_cap, slot_n;
    struct evm_tslot *tslots;
    uint32_t tslot_cap, tslot_n;
};

enum evm_journal_kind {
    J_BALANCE,
    J_NONCE,
    J_STORAGE,
    J_TSTORAGE,
    J_WARM_ACCOUNT,
    J_WARM_SLOT,
    J_TOUCH,
    J_CREATE,
    J_DESTRUCT,
    J_CODE,
    J_LOG,
    J_REFUND
};

struct evm_journal {
    uint32_t kind;
    uint32_t acct;
    uint32_t idx;        /* slot index, log count, ... */
    uint32_t flags;      /* saved flags for J_CREATE */
    struct bts_u256 key; /* slot key for J_STORAGE, J_TSTORAGE, J_WARM_SLOT */
    struct bts_u256 old;
};

struct evm_code;      /* analysed code, analysis.c */
struct evm_codecache; /* analyses shared between executions, analysis.c */

/* Per-depth scratch: the stack, memory and return-data buffer of the frame at that depth,
 * kept for reuse by later frames at the same depth. */
struct evm_scratch {
    struct bts_u256 stack[EVM_STACK_MAX];
    uint8_t *mem;
    size_t mem_cap;
    uint8_t *ret; /* return data of the last call made from this depth */
    size_t ret_len, ret_cap;
    /* ADDMOD/MULMOD divisor cache: field code reduces by one prime over and over (zeroed by
     * calloc = empty) */
    struct bts_u256_modctx modctx;
};

struct evm_logrec {
    uint8_t address[20];
    uint32_t n_topics;
    uint8_t topics[4][32];
    size_t data_off, data_len;
};

/* Constant gas and stack shape per opcode for one fork. */
struct evm_optab {
    uint16_t gas[256];
    uint16_t req[256]; /* items needed on the stack; 0xffff: undefined opcode */
    int16_t grow[256]; /* net stack change */
};

struct evm_ctx {
    /* inputs */
    const struct bt_evm_state_iface *st;
    void *st_ctx;
    const struct bt_evm_block *block;
    const struct bt_evm_tx *tx;
    uint32_t fork, flags;
    struct bts_u256 gas_price; /* effective price (GASPRICE) */
    uint8_t origin[20];
    struct evm_optab tab;

    /* account cache: accounts live in chunks of EVM_ACCT_CHUNK (they never move); an
     * open-addressing table of indices + 1 finds them by address */
    struct evm_account **chunks;
    uint32_t n_chunks;
    uint32_t *acct_tab;
    uint32_t acct_cap, acct_n;

    struct evm_journal *jr;
    size_t jr_n, jr_cap;
    int64_t refund;

    struct evm_logrec *logs;
    size_t n_logs, logs_cap;
    uint8_t *logdata;
    size_t logdata_len, logdata_cap;

    struct evm_scratch *scratch[EVM_MAX_DEPTH + 1];
    int scratch_n; /* scratch[scratch_n..] are all NULL */

    /* analyses this execution uses, keyed by code hash; `cache` (may be NULL) is the engine's
     * shared cache they come from */
    struct evm_code **codes;
    uint32_t code_cap, code_n;
    struct evm_codecache *cache;
    struct evm_engine *engine;     /* the pool this context returns to (NULL: freed) */
    struct evm_account *self_hint; /* last account looked up by evm_acct (accounts never move) */

    int io_error; /* a host read failed: the whole execution fails with BT_EIO */
    char err[256];

    /* tracing (trace.c): NULL unless bt_evm_config.tracer is set */
    const struct bt_evm_tracer *tracer;
    uint8_t (*tr_stack)[32]; /* EVM_STACK_MAX big-endian words for struct bt_evm_step */
    char tr_msg[64];         /* error text with numbers in it */
};

/* A message: one call or create frame. */
struct evm_msg {
    uint32_t kind; /* enum evm_call_kind */
    int is_static;
    int depth;
    int64_t gas;
    uint8_t recipient[20];    /* ADDRESS: whose storage and balance */
    uint8_t sender[20];       /* CALLER */
    uint8_t code_address[20]; /* whose code runs (for CALL/STATICCALL = recipient) */
    struct bts_u256 value;    /* CALLVALUE */
    int transfer;             /* CALL/CREATE move value; CALLCODE/DELEGATECALL do not */
    const uint8_t *input;
    size_t input_len;
    struct bts_u256 salt; /* CREATE2 */
};

struct evm_frame_result {
    int status; /* enum evm_status */
    int64_t gas_left;
    const uint8_t *out; /* valid until the next frame at the same depth runs */
    size_t out_len;
    uint8_t created[20];
};

/* analysis.c */
#define EVM_CODE_PRE         32          /* zero bytes before the code (PUSHn word loads) */
#define EVM_CODE_POST        33          /* zero bytes after it (STOP, PUSH32 at the end) */
#define EVM_CODE_CACHE_BYTES (64u << 20) /* engine-wide analysis cache budget */

/* A basic block's entry check: constant gas of all its instructions, stack items needed on
 * entry, highest growth of the stack inside it. */
struct evm_block {
    uint32_t gas;
    int16_t req;
    int16_t grow;
};

struct evm_code {
    uint8_t hash[32];
    uint32_t fork;         /* block gas depends on the fork's table */
    uint32_t refs;         /* executions holding it (engine cache, under its lock) */
    int shared;            /* in the engine cache (else owned by one execution) */
    size_t len, bytes;     /* code length; whole allocation */
    uint8_t *padded;       /* code, EVM_CODE_PRE zero bytes before, EVM_CODE_POST after */
    uint64_t *jumpdest;    /* bitmap, bit i = a JUMPDEST opcode at i */
    struct evm_block *blk; /* len + 1 entries, meaningful at block starts */
};
struct evm_code *evm_code_analyse(const uint8_t *code, size_t len, const struct evm_optab *t,
                                  uint32_t fork);
void evm_code_free(struct evm_code *c);
/* The analysis of an account's code for the execution's fork, by code hash: from the
 * execution's table, else the engine cache, else analysed now. NULL on allocation failure. */
struct evm_code *evm_code_get(struct evm_ctx *c, const uint8_t hash[32], const uint8_t *code,
                              size_t len);
/* Give back every analysis the execution holds (end of the transaction). */
void evm_code_release_all(struct evm_ctx *c);
struct evm_codecache *evm_codecache_new(void);
void evm_codecache_free(struct evm_codecache *k);
static inline int evm_code_is_jumpdest(const struct evm_code *c, uint64_t pc)
{
    return pc < c->len && ((c->jumpdest[pc >> 6] >> (pc & 63)) & 1);
}

/* gas.c */
void evm_optab_fill(struct evm_optab *t, uint32_t fork);

/* state.c */
extern const uint8_t evm_empty_code_hash[32];
int evm_state_init(struct evm_ctx *c);
void evm_state_free(struct evm_ctx *c);
int evm_state_reset(struct evm_ctx *c); /* empty for the next transaction, buffers kept */
struct evm_account *evm_acct(struct evm_ctx *c, const uint8_t addr[20]); /* NULL: I/O or OOM */
const uint8_t *evm_acct_code(struct evm_ctx *c, struct evm_account *a, size_t *out_len);
int evm_acct_is_empty(const struct evm_account *a); /* EIP-161 */
int evm_acct_is_dead(const struct evm_account *a);  /* not existing or empty */
struct evm_slot *evm_slot(struct evm_ctx *c, struct evm_account *a, const struct bts_u256 *key);
void evm_slot_set(struct evm_ctx *c, struct evm_account *a, struct evm_slot *s,
                  const struct bts_u256 *v);
struct bts_u256 evm_tload(struct evm_account *a, const struct bts_u256 *key);
int evm_tstore(struct evm_ctx *c, struct evm_account *a, const struct bts_u256 *key,
               const struct bts_u256 *v);
void evm_set_balance(struct evm_ctx *c, struct evm_account *a, const struct bts_u256 *v);
void evm_set_nonce(struct evm_ctx *c, struct evm_account *a, uint64_t n);
void evm_touch(struct evm_ctx *c, struct evm_account *a);
int evm_warm_account(struct evm_ctx *c, struct evm_account *a); /* returns 1 if it was cold */
int evm_warm_slot(struct evm_ctx *c, struct evm_account *a, struct evm_slot *s);
void evm_create_account(struct evm_ctx *c, struct evm_account *a);
void evm_destruct(struct evm_ctx *c, struct evm_account *a);
int evm_set_code(struct evm_ctx *c, struct evm_account *a, const uint8_t *code, size_t len);
void evm_add_refund(struct evm_ctx *c, int64_t delta);
int evm_add_log(struct evm_ctx *c, const uint8_t addr[20], const uint8_t (*topics)[32],
                uint32_t n_topics, const uint8_t *data, size_t len);
size_t evm_snapshot(const struct evm_ctx *c);
void evm_revert(struct evm_ctx *c, size_t snap);
#define EVM_ACCT_CHUNK 64
static inline struct evm_account *evm_acct_at(const struct evm_ctx *c, uint32_t i)
{
    return &c->chunks[i / EVM_ACCT_CHUNK][i % EVM_ACCT_CHUNK];
}

/* interp.c */
void evm_interpret(struct evm_ctx *c, const struct evm_msg *m, const struct evm_code *code,
                   struct evm_frame_result *r);
struct evm_scratch *evm_scratch_at(struct evm_ctx *c, int depth);

/* trace.c: the traced interpreter's reporting (struct bt_evm_tracer). */
/* Report the instruction at pc (state before it) to c->tracer. 0 on a state read failure. */
int evm_trace_step(struct evm_ctx *c, const struct evm_msg *m, const struct evm_scratch *sc,
                   uint64_t pc, uint8_t op, int64_t gas, const struct bts_u256 *stack,
                   const struct bts_u256 *sp, size_t msize);
/* geth's error when op cannot start with n items on the stack (undefined opcode, stack
 * underflow or overflow), else NULL. The text lives in c until the next call. */
const char *evm_trace_check(struct evm_ctx *c, uint8_t op, int64_t n);
/* "invalid opcode: opcode 0x.. not defined" for an undefined opcode (text in c). */
const char *evm_trace_undefined(struct evm_ctx *c, uint8_t op);
/* Prepare c for a tracer (buffers), or clear it with NULL. 0 on allocation failure. */
int evm_trace_setup(struct evm_ctx *c, const struct bt_evm_tracer *t);

/* call.c: run a message (value transfer, precompile or code, snapshot/revert). */
void evm_call(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r);
void evm_create(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r);
int evm_transfer(struct evm_ctx *c, struct evm_account *from, struct evm_account *to,
                 const struct bts_u256 *amount);
void evm_create_address(uint8_t out[20], const uint8_t sender[20], uint64_t nonce);
void evm_create2_address(uint8_t out[20], const uint8_t sender[20], const uint8_t salt[32],
                         const uint8_t *init, size_t init_len);

/* precompiles.c */
int evm_is_precompile(const struct evm_ctx *c, const uint8_t addr[20]);
/* Runs precompile `addr`; sets r->status/gas_left/out (out in the depth's scratch). */
void evm_precompile_run(struct evm_ctx *c, const struct evm_msg *m, struct evm_frame_result *r);

/* tx.c: the whole transaction. Returns BT_OK, BT_EINVAL (c->err), BT_EIO, BT_ENOMEM,
 * BT_ENOTSUP; fills out (owned by c) on BT_OK. */
bt_status evm_execute_tx(struct evm_ctx *c, struct bt_evm_result *out);

/* An engine: what executions may share, the analysed-code cache and a pool of execution
 * contexts with their per-depth stacks and memories (so a transaction allocates almost
 * nothing). Thread: any number of evm_execute_in calls may use one engine at once. */
struct evm_engine;
struct evm_engine *evm_engine_new(void);    /* NULL on allocation failure */
void evm_engine_free(struct evm_engine *e); /* after every result was released; NULL ok */

/* Convenience: the whole ABI-shaped entry used by plugin.c, tools and tests. On BT_OK the result
 * owns everything and out->release must be called; on error err holds the message.
 * evm_execute_in runs within an engine (NULL: share nothing, as evm_execute). */
bt_status evm_execute_in(struct evm_engine *eng, const struct bt_evm_state_iface *state,
                         void *state_ctx, const struct bt_evm_block *block,
                         const struct bt_evm_tx *tx, const struct bt_evm_config *cfg,
                         struct bt_evm_result *out, char *err, size_t err_len);
bt_status evm_execute(const struct bt_evm_state_iface *state, void *state_ctx,
                      const struct bt_evm_block *block, const struct bt_evm_tx *tx,
                      const struct bt_evm_config *cfg, struct bt_evm_result *out, char *err,
                      size_t err_len);

/* Memory size cost: 3 words + words^2 / 512 (Yellow Paper C_mem). */
static inline uint64_t evm_mem_cost(uint64_t words)
{
    return 3 * words + words * words / 512;
}

static inline uint64_t evm_words(uint64_t n)
{
    return (n + 31) / 32;
}

static inline void evm_addr_to_u256(struct bts_u256 *out, const uint8_t a[20])
{
    uint8_t w[32] = {0};
    memcpy(w + 12, a, 20);
    bts_u256_load_be(out, w);
}

static inline void evm_u256_to_addr(uint8_t out[20], const struct bts_u256 *v)
{
    uint8_t w[32];
    bts_u256_store_be(w, v);
    memcpy(out, w + 12, 20);
}

#pragma GCC visibility pop

#endif /* EVM_INT_H */
