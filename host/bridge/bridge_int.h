/* `bttcd bridge`: the ERC-20 bridge from the command line (docs/bridge.md). `deposit` locks
 * root-chain tokens in the DepositManager, `withdraw` burns child tokens on Bttc, `exit-payload`
 * builds the exit proof of a burn (PROTOCOL.md §5.4) once a checkpoint covers it and, with
 * --submit, sends it to the ERC20Predicate, which releases the tokens. Endpoints and addresses
 * default to a running `bttcd devnet` (its DIR/devnet.json). Blocking calls, one at a time. */
#ifndef BTTCD_BRIDGE_INT_H
#define BTTCD_BRIDGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <bt/abi.h>

/** What the command line and the devnet state give; a field empty/zero when unknown. */
struct br_ctx {
    char root_name[8];  /* --rootchain: eth, bsc or tron */
    char root_url[512]; /* --root-rpc / --rpc, else the devnet's basechain URL */
    char bttc_url[512]; /* --bttc-rpc, else the devnet's first validator */
    char tron_api[512]; /* --tron-api: TRON's HTTP API (wallet/...), else the devnet's; with
                           --rootchain tron the root chain's transactions go there */
    int has_deposit_manager, has_root_chain, has_predicate, has_root_token;
    uint8_t deposit_manager[20], root_chain[20], predicate[20];
    uint8_t root_token[20]; /* the devnet's TestToken: deposit's default --token */
    int has_child_token;
    uint8_t child_token[20]; /* its ChildERC20 on Bttc: withdraw's default --token */
    int has_key;
    uint8_t key[32]; /* the sender's private key (a public dev key, or given) */
    uint8_t from[20];
    int is_quiet; /* --quiet: only the result on stdout */
};

/** `bttcd bridge ...`: argv[0] is "bridge". Returns the process exit status. */
int bridge_main(int argc, char **argv);

/* --- bridge_devnet.c: defaults from DIR/devnet.json ------------------------------------------ */

/** Fill the URLs and addresses ctx does not have yet from the devnet state of `dir` (NULL: the
 *  default ./devnet). Returns BT_OK, BT_ENOTFOUND (no state file: nothing changed; not an error
 *  when the flags give everything), BT_EINVAL (unreadable; err). */
bt_status br_devnet_defaults(struct br_ctx *ctx, const char *dir, char *err, size_t err_cap);

/* --- bridge_rpc.c: JSON-RPC and transactions ------------------------------------------------- */

/** One JSON-RPC call; params stolen. Returns BT_OK (*out: new reference, may be JSON null),
 *  BT_EIO (transport), BT_EPROTO (error answer: err holds its message). */
bt_status br_rpc(const char *url, const char *method, json_t *params, json_t **out, char *err,
                 size_t err_cap);
/** A batch of calls of one method; params_list (array of params arrays) stolen. *out: array of
 *  results in request order. Returns as br_rpc (any member failing fails the batch). */
bt_status br_rpc_batch(const char *url, const char *method, json_t *params_list, json_t **out,
                       char *err, size_t err_cap);
/** eth_call of `data` on `to` (latest); *out malloc'd. A revert is BT_EPROTO with the reason. */
bt_status br_call(const char *url, const uint8_t to[20], const uint8_t *data, size_t len,
                  uint8_t **out, size_t *out_len, char *err, size_t err_cap);
/** A view returning words: selector(sig) ‖ args (n_args words) → the first n_out words. */
bt_status br_call_words(const char *url, const uint8_t to[20], const char *sig,
                        const uint8_t (*args)[32], size_t n_args, uint8_t (*out)[32], size_t n_out,
                        char *err, size_t err_cap);
/** Sign (legacy EIP-155, chain id, nonce and gas price from the node, gas estimated: a call
 *  that would revert fails here with the reason) and send a call of `data` to `to` from
 *  ctx->key, then wait for the receipt (60 s). Returns BT_OK (*out_receipt: the receipt object),
 *  BT_EINVAL (reverted: err says so), BT_EPROTO (refused: err), BT_EIO, BT_ETIMEDOUT. */
bt_status br_transact(const struct br_ctx *ctx, const char *url, const uint8_t to[20],
                      const uint8_t *data, size_t len, uint8_t out_hash[32], json_t **out_receipt,
                      char *err, size_t err_cap);
/** Whether `url` is the root chain of a TRON context with an HTTP API: its transactions then go
 *  through br_tron_transact (TRON's JSON-RPC has no writes). */
int br_is_tron_api(const struct br_ctx *ctx, const char *url);
/** 0x-hex of bytes as a JSON string (NULL on ENOMEM). */
json_t *br_hex_json(const uint8_t *p, size_t n);
/** A QUANTITY member of a JSON object. Returns 0 or -1. */
int br_json_u64(const json_t *o, const char *key, uint64_t *out);
/** A 32-byte hex member of a JSON object. Returns 0 or -1. */
int br_json_hash(const json_t *o, const char *key, uint8_t out[32]);

/** The private key of the dev account (public test mnemonic, accounts 0..BR_DEV_KEYS-1) whose
 *  address is `addr`. Returns BT_OK or BT_ENOTFOUND. */
bt_status br_dev_key_of(const uint8_t addr[20], uint8_t out_key[32]);
#define BR_DEV_KEYS 20

/* --- bridge_tron.c: transactions through TRON's HTTP API ------------------------------------ */

/** br_transact on TRON (ctx->tron_api): a call of `data` to `to` from ctx->key as a signed
 *  TriggerSmartContract (wallet/triggerconstantcontract dry run first: a revert fails with its
 *  reason, nothing sent; wallet/getnowblock, wallet/broadcasthex, then
 *  wallet/gettransactioninfobyid for 60 s). Returns as br_transact; out_hash: the txID;
 *  *out_receipt: {transactionHash, blockNumber, status, logs[{address, topics, data}]}.
 *  Rules: ROOTCHAINS.md §1.2-§1.7 (java-tron's HTTP API). */
bt_status br_tron_transact(const struct br_ctx *ctx, const uint8_t to[20], const uint8_t *data,
                           size_t len, uint8_t out_hash[32], json_t **out_receipt, char *err,
                           size_t err_cap);

/* --- bridge_exit.c ------------------------------------------------------------------------- */

/** `bridge exit-payload`: tx hash, optional log index (-1: the first Withdraw log), submit. */
int br_exit_payload(const struct br_ctx *ctx, const uint8_t tx[32], int64_t log_index,
                    int is_submit);

#endif /* BTTCD_BRIDGE_INT_H */
