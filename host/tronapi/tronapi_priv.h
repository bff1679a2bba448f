/* Internals shared by the dev TRON API's files. Thread: loop. */
#ifndef BTTCD_TRONAPI_PRIV_H
#define BTTCD_TRONAPI_PRIV_H

#include "tronapi_int.h"

#include "chain_int.h"

/** A transaction accepted by broadcast: the TRON form and the EVM transaction it became. */
struct tronapi_rec {
    uint8_t txid[32];
    struct bt_hash evm_hash;
    uint8_t *raw; /* canonical Transaction.raw */
    size_t raw_len;
    uint8_t (*sigs)[BTS_TRON_SIG_LEN];
    size_t n_sigs;
};

/** A contract made by CreateSmartContract: its java-tron address and where the EVM put it. */
struct tronapi_alias {
    uint8_t tron[20];
    uint8_t evm[20];
    size_t rec; /* index of the CreateSmartContract in tronapi.recs */
};

struct tronapi {
    struct tronapi_opts o;
    struct tronapi_alias *alias; /* tronapi_alias.c */
    size_t n_alias, cap_alias;
    struct tronapi_rec *recs;
    size_t n_recs, cap_recs;
    struct bt_address *dev; /* addresses of the dev keys, derived on first broadcast */
    size_t n_dev;
    int has_dev;
    struct evhttp *http;
};

/** What a handler gets: the parameters and whether the path was /walletsolidity/. */
typedef json_t *(*tronapi_fn)(struct tronapi *t, const json_t *params, int is_solid);

/** {"Error":"class java.lang.IllegalArgumentException : <msg>"} (java-tron Util.printErrorMsg). */
json_t *tronapi_error(const char *msg);
/** {"result":{"code":CODE,"message":"<hex of msg>"}} (trigger endpoints' validation errors). */
json_t *tronapi_result_error(const char *code, const char *msg);

/** Block id: 8-byte big-endian number ‖ bytes 8..31 of the EVM hash (ROOTCHAINS.md §4.1). */
void tronapi_block_id(uint8_t out[32], uint64_t number, const uint8_t hash[32]);
/** The solid head: head - solid_lag (0 when the chain is shorter). */
uint64_t tronapi_solid_head(struct tronapi *t);
/** The accepted transaction with this txID / EVM hash, or NULL. */
const struct tronapi_rec *tronapi_rec_by_txid(const struct tronapi *t, const uint8_t txid[32]);
const struct tronapi_rec *tronapi_rec_by_evm(const struct tronapi *t, const uint8_t hash[32]);

/** Record an accepted transaction in memory and, when the server has storage, in storage.
 *  Returns: BT_OK, BT_ENOMEM, a storage error. */
bt_status tronapi_rec_add(struct tronapi *t, const uint8_t txid[32], const struct bt_hash *evm,
                          const uint8_t *raw, size_t raw_len,
                          const uint8_t (*sigs)[BTS_TRON_SIG_LEN], size_t n_sigs);
/** Load every recorded transaction from storage. Returns: BT_OK, BT_ENOMEM, BT_EIO. */
bt_status tronapi_rec_load(struct tronapi *t);

/* The TRON view of CreateSmartContract-made contracts (tronapi_alias.c). */
/** The CREATE address: keccak256(rlp([from, nonce]))[12:] (Yellow Paper eq. 85). */
void tronapi_create_address(uint8_t out[20], const uint8_t from[20], uint64_t nonce);
/** Record that the contract java-tron calls `tron` lives at `evm`, made by recs[rec].
 *  BT_OK, BT_ENOMEM. */
bt_status tronapi_alias_add(struct tronapi *t, const uint8_t tron[20], const uint8_t evm[20],
                            size_t rec);
/** The alias whose TRON-view address is `tron`, or NULL. */
const struct tronapi_alias *tronapi_alias_find(const struct tronapi *t, const uint8_t tron[20]);
/** The alias of a recorded transaction when it is a mined CreateSmartContract (else nothing).
 *  Returns: BT_OK, BT_ENOMEM, storage errors. */
bt_status tronapi_alias_of_rec(struct tronapi *t, size_t rec);
/** The EVM address of a (20-byte) TRON-view address, or addr itself. */
const uint8_t *tronapi_to_evm(const struct tronapi *t, const uint8_t addr[20]);
/** The TRON-view address of an EVM address, or addr itself. */
const uint8_t *tronapi_to_tron(const struct tronapi *t, const uint8_t addr[20]);
/** Rewrite, in place, every ABI address word (12 zero bytes ‖ address) of p: to the EVM
 *  address (to_evm) or to the TRON view. */
void tronapi_rewrite_words(const struct tronapi *t, uint8_t *p, size_t len, int to_evm);
/** tronapi_jhex of a copy of p rewritten to the TRON view (NULL on ENOMEM). */
json_t *tronapi_jhex_view(const struct tronapi *t, const uint8_t *p, size_t n);

/* Handlers (tronapi_block.c, tronapi_call.c, tronapi_send.c, tronapi_rpc.c). */
json_t *tronapi_getnowblock(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_getblockbynum(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_getblock(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_getblockbyid(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_getaccount(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_getcontract(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_getchainparameters(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_triggerconstant(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_triggersmart(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_broadcasttransaction(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_broadcasthex(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_gettransactionbyid(struct tronapi *t, const json_t *params, int is_solid);
json_t *tronapi_gettransactioninfobyid(struct tronapi *t, const json_t *params, int is_solid);
/** POST /jsonrpc: one request object (or a batch array) → the answer. */
json_t *tronapi_jsonrpc(struct tronapi *t, const json_t *req);

#endif /* BTTCD_TRONAPI_PRIV_H */
