/* The dev TRON API (ROOTCHAINS.md §4): the minimal java-tron HTTP API (`/wallet/...`,
 * `/walletsolidity/...`, `/jsonrpc`) served over the EVM dev chain by `bttcd run --dev
 * --tron-api.port N`, so tronweb and the rootchain-tron adapter work unchanged against a local
 * chain.
 *
 * Mapping (ROOTCHAINS.md §4.1):
 *  - addresses: 0x41 ‖ the 20-byte EVM address; block id: 8-byte big-endian number ‖ bytes
 *    8..31 of the EVM block hash (so TaPoS ref_block_hash = EVM hash bytes 8..15);
 *    timestamps: the header time × 1000 (ms).
 *  - amounts: 1 sun = 10^12 wei, so 1 TRX is 1 unit (10^18 wei) of the dev chain's coin;
 *    balances are floor(wei / 10^12).
 *  - energy = EVM gas; the energy price (getEnergyFee) is TRONAPI_ENERGY_FEE sun and a
 *    transaction's gas limit is min(fee_limit / energy fee, block gas limit).
 *  - a broadcast transaction (TriggerSmartContract, TransferContract or CreateSmartContract) is
 *    verified like
 *    java-tron does (txID, signature of the owner, TaPoS, expiration, fee limit, duplicate) and
 *    then executed as an ordinary signed EVM transaction from the owner's 20-byte address: the
 *    dev node holds the keys of its pre-funded dev accounts (genesis_dev_key), so an owner
 *    among them gets a legacy EIP-155 transaction (next pool nonce, gas price 2 × base fee +
 *    1 gwei) signed with that key and submitted through chain_submit_tx. An owner that is not a
 *    dev account is refused (CONTRACT_VALIDATE_ERROR): the dev node cannot sign for it, and
 *    forging a sender would make blocks other nodes cannot import.
 *  - a CreateSmartContract (what tronweb's transactionBuilder.createSmartContract and
 *    contract().new() build locally and send to broadcasttransaction; taken from its
 *    raw_data_hex) is an EVM creation from the owner; the contract is then shown under the
 *    address java-tron gives it, 0x41 ‖ keccak256(txID ‖ owner)[12:], which tronweb computes
 *    itself: addresses, calldata, return data and logs are translated at the API's edge
 *    (tronapi_alias.c), and getcontract serves the ABI, name and origin the creation carried.
 *  - a known txID is a duplicate only while its EVM transaction is pending or mined (a pool
 *    lost in a restart without a journal does not make a re-broadcast fail forever).
 *  - the TRON txID → EVM hash mapping, with the TRON transaction itself, is recorded in
 *    storage (stor_ns_chain, key 'T' ‖ txID(32), value evm hash(32) ‖ n_sigs(1) ‖ signatures
 *    (65 each) ‖ canonical raw data; written when the transaction is accepted) and loaded at
 *    start, so gettransactionbyid / gettransactioninfobyid, the blocks' `transactions` and the
 *    duplicate check survive a restart of a node with a --datadir.
 *
 * Thread: loop (every function). */
#ifndef BTTCD_TRONAPI_INT_H
#define BTTCD_TRONAPI_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/tron.h>

struct chain;
struct event_base;
struct stor;

/** getEnergyFee of the dev chain (sun per unit of energy = gas); java-tron mainnet's value. */
#define TRONAPI_ENERGY_FEE 420
/** getMaxFeeLimit (sun): 15,000 TRX, so that fee_limit / TRONAPI_ENERGY_FEE covers the deployment
 *  of a contract near the 24 KiB code limit (java-tron's genesis default, 1,000 TRX, buys 2.38 M
 *  energy: less than StakeManager's creation takes). */
#define TRONAPI_MAX_FEE_LIMIT 15000000000LL
/** Expiration given to transactions built by triggersmartcontract: head time + 60 s. */
#define TRONAPI_EXPIRATION_MS 60000
/** Largest accepted transaction (java-tron TRANSACTION_MAX_BYTE_SIZE 500 KiB). */
#define TRONAPI_MAX_TX_BYTES (500 * 1024)

/* --- request parsing (tronapi_parse.c; no chain needed: the fuzz target's surface) ----------- */

/** The parameters of a request: the JSON object of a POST body (an empty body is {}), or the
 *  query string's key=value pairs as strings (GET; values percent-decoded). A body that is not
 *  a JSON object is an error.
 *  Returns: a new object, or NULL with a message in err. */
json_t *tronapi_params(const char *query, const char *body, size_t body_len, char *err,
                       size_t err_cap);

/** A transaction received for broadcast: canonical Transaction.raw bytes, its txID, the
 *  decoded fields and the signatures. */
struct tronapi_txin {
    struct bts_tron_tx tx; /* tx.data points into data */
    struct bts_buf data;
    struct bts_buf raw; /* canonical Transaction.raw (what txID hashes) */
    uint8_t txid[32];
    uint8_t (*sigs)[BTS_TRON_SIG_LEN];
    size_t n_sigs;
};
void tronapi_txin_init(struct tronapi_txin *t);
void tronapi_txin_free(struct tronapi_txin *t);

/** A transaction object as wallet/broadcasttransaction takes it (`raw_data` JSON rebuilt into
 *  protobuf as java-tron's Util.packTransaction does, `signature` hex strings, optional `txID`
 *  which must equal sha256 of the rebuilt raw data). Only visible=false (hex addresses).
 *  Returns: BT_OK; BT_EINVAL (message in err: malformed, unsupported contract type, txID
 *           mismatch); BT_ENOMEM. */
bt_status tronapi_tx_from_json(struct tronapi_txin *out, const json_t *tx, char *err,
                               size_t err_cap);

/** A serialized Transaction{raw_data=1, signature=2..., ret=5 ignored} (wallet/broadcasthex).
 *  The raw data must decode strictly (bts_tron_tx_decode: canonical).
 *  Returns: as tronapi_tx_from_json. */
bt_status tronapi_tx_from_proto(struct tronapi_txin *out, const uint8_t *p, size_t len, char *err,
                                size_t err_cap);

/** The java-tron JSON of a transaction (visible=false): {"visible":false,"txID","raw_data",
 *  "raw_data_hex"} plus "signature" when n_sigs > 0. NULL on ENOMEM or an undecodable raw. */
json_t *tronapi_tx_json(const uint8_t *raw, size_t raw_len, const uint8_t (*sigs)[BTS_TRON_SIG_LEN],
                        size_t n_sigs);

/** java-tron's JSON of a serialized SmartContract.ABI ({"entrys":[…]}); NULL when malformed or
 *  on ENOMEM (tronapi_abi.c). */
json_t *tronapi_abi_json(const uint8_t *abi, size_t abi_len);

/** A JSON string of the lowercase hex of bytes (NULL on ENOMEM). */
json_t *tronapi_jhex(const void *p, size_t n);

/** Read a TRON address (41-hex, or base58 when visible) from params[key]. BT_OK, BT_EINVAL. */
bt_status tronapi_get_address(uint8_t out[BTS_TRON_ADDR_LEN], const json_t *params,
                              const char *key);
/** Read an integer (number or decimal string) from params[key]; absent: def.
 *  BT_OK, BT_EINVAL (not an integer or negative). */
bt_status tronapi_get_i64(int64_t *out, const json_t *params, const char *key, int64_t def);

/* --- the server (tronapi.c) --------------------------------------------------------------------
 */

struct tronapi_opts {
    struct chain *chain; /* borrowed; must outlive the server */
    uint64_t solid_lag;  /* walletsolidity/... and "finalized": head - solid_lag (dev: 0) */
    uint32_t n_dev_keys; /* dev accounts whose keys sign accepted transactions */
    struct stor *s;      /* where accepted transactions are recorded; NULL: memory only */
};

struct tronapi;

/** A server over the chain (not yet listening), with the transactions recorded in o->s loaded.
 *  Returns: BT_OK, BT_ENOMEM, BT_EIO (a record cannot be read or is damaged). */
bt_status tronapi_new(struct tronapi **out, const struct tronapi_opts *o);
/** Stop listening and free everything. NULL ok. */
void tronapi_free(struct tronapi *t);

/** Answer one request. path: "/wallet/getnowblock" etc.; query: the raw query string (NULL: none);
 *  body: the POST body (NULL/0: none). The answer is always JSON text (HTTP 200, as java-tron).
 *  Returns: BT_OK with *out malloc'd (NUL-terminated, *out_len bytes), BT_ENOTFOUND (unknown
 *  path: HTTP 404), BT_ENOMEM. */
bt_status tronapi_handle(struct tronapi *t, const char *path, const char *query, const char *body,
                         size_t body_len, char **out, size_t *out_len);

/** Serve on addr:port (port 0: any free port) with libevent's evhttp on `base`.
 *  Returns: BT_OK (*out_port: the bound port), BT_EIO (err says why). */
bt_status tronapi_listen(struct tronapi *t, struct event_base *base, const char *addr,
                         uint16_t port, uint16_t *out_port, char *err, size_t err_cap);

#endif /* BTTCD_TRONAPI_INT_H */
