/* Parsers for the java-tron HTTP API answers a TRON root-chain adapter reads (ROOTCHAINS.md §1.6):
 * wallet/getnowblock (and getblockbynum), wallet/triggerconstantcontract, wallet/broadcasthex
 * and broadcasttransaction, wallet/gettransactioninfobyid. java-tron answers HTTP 200 even on
 * errors, prints protobuf as JSON with default fields omitted and int64 as numbers (or strings
 * with int64_as_string), and says "not found" with {}. Every parser validates what it returns
 * field by field: a truncated, hostile or wrong-chain body is a status and a message naming
 * the field, never a crash or a wrong value. All expect visible=false (hex addresses).
 *
 * Common returns: BT_OK; BT_ENOTFOUND ({} where that means "none"); BTS_TRON_EREMOTE (the node
 * answered with an error: {"Error":...} or a Return code; err holds its text); BT_EBUSY (a
 * TronGrid rate-limit answer); BT_EPROTO (not the expected JSON: err names the field);
 * BT_ENOMEM. Out-parameters are zeroed on entry. err, err_cap: message on failure ("" on
 * BT_OK); err may be NULL when err_cap is 0. Thread: any. */
#ifndef BTS_TRON_HTTP_H
#define BTS_TRON_HTTP_H

#include <bt/rootchain.h>

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The node answered with an error object ({"Error":...} or a Return code other than SUCCESS).
 *  Same value as BTS_ETHRPC_EREMOTE, so callers of any root-chain adapter test one code. */
#define BTS_TRON_EREMOTE (BT_EIO | (80 << 8))
/** triggerconstantcontract: the call reverted (REVERT opcode; ret FAILED). Same value as
 *  BTS_ETHRPC_EREVERT. */
#define BTS_TRON_EREVERT (BT_EIO | (81 << 8))

/** A block header from wallet/getnowblock, walletsolidity/getnowblock or getblockbynum. */
struct bts_tron_block {
    uint64_t number;
    uint8_t id[32];        /* blockID: 8-byte big-endian number ‖ 24 hash bytes (§1.4) */
    uint8_t parent_id[32]; /* parentHash */
    uint64_t timestamp_ms;
};

/** Parse a block. Required: blockID (64 hex) whose first 8 bytes equal
 *  block_header.raw_data.number (java-tron JsonRpcApiUtil.getBlockID; a body failing this is
 *  not a TRON block), timestamp; parentHash when number > 0 (its first 8 bytes = number - 1).
 *  Returns: common; BT_ENOTFOUND for {}. */
BTS_API bt_status bts_tron_parse_block(struct bts_tron_block *out, const char *body,
                                       size_t body_len, char *err, size_t err_cap) BT_MUST_CHECK
    BT_NONNULL(1);

/** Parse a wallet/triggerconstantcontract answer (TransactionExtention).
 *  Returns: BT_OK (out = constant_result[0], energy_used); BTS_TRON_EREVERT (result.message or
 *           transaction.ret[0].ret FAILED: out = the revert data, err = the decoded message);
 *           BTS_TRON_EREMOTE (result.code, e.g. CONTRACT_VALIDATE_ERROR, with its decoded
 *           message, or {"Error":...}); BT_EBUSY; BT_EPROTO; BT_ENOMEM.
 *  Out:     out: appended to (reset first); *out_energy: energy_used (0 if absent). */
BTS_API bt_status bts_tron_parse_constant(struct bts_buf *out, uint64_t *out_energy,
                                          const char *body, size_t body_len, char *err,
                                          size_t err_cap) BT_MUST_CHECK BT_NONNULL(1, 2);

/** What a broadcast answer asks the sender to do (ROOTCHAINS.md §1.6 item 5). */
enum bts_tron_bcast_action {
    BTS_TRON_BCAST_ACCEPTED = 1, /* result true: in the node's pool */
    BTS_TRON_BCAST_KNOWN = 2,    /* DUP_TRANSACTION_ERROR / "already exists": treat as pending */
    BTS_TRON_BCAST_REBUILD = 3,  /* TAPOS_ERROR, TRANSACTION_EXPIRATION_ERROR: new ref, re-sign */
    BTS_TRON_BCAST_RETRY = 4,    /* SERVER_BUSY, NO_CONNECTION, NOT_ENOUGH_EFFECTIVE_CONNECTION,
                                    BLOCK_UNSOLIDIFIED: same bytes later */
    BTS_TRON_BCAST_FATAL = 5     /* SIGERROR, CONTRACT_VALIDATE_ERROR, BANDWITH_ERROR, ... */
};

/** A broadcast answer. */
struct bts_tron_broadcast {
    uint32_t action;   /* enum bts_tron_bcast_action */
    char code[40];     /* Return.code name ("SUCCESS" when absent and result true) */
    char message[256]; /* Return.message, hex-decoded when it is hex; printable ASCII only */
    int has_txid;
    uint8_t txid[32];
};

/** Parse a wallet/broadcasthex or wallet/broadcasttransaction answer. A txid in the answer,
 *  if any, must equal expect_txid (when not NULL).
 *  Returns: BT_OK (see out->action, also for refusals), BTS_TRON_EREMOTE ({"Error":...}),
 *           BT_EBUSY, BT_EPROTO (unknown shape, txid mismatch). */
BTS_API bt_status bts_tron_parse_broadcast(struct bts_tron_broadcast *out,
                                           const uint8_t *expect_txid, const char *body,
                                           size_t body_len, char *err, size_t err_cap) BT_MUST_CHECK
    BT_NONNULL(1);

/** A TransactionInfo (the receipt). logs[i].data points into arena. */
struct bts_tron_txinfo {
    uint8_t id[32];
    uint64_t block_number, block_time_ms;
    uint64_t fee;            /* sun */
    uint64_t energy_used;    /* receipt.energy_usage_total */
    int failed;              /* "result":"FAILED" */
    char receipt_result[32]; /* receipt.result ("SUCCESS", "REVERT", "OUT_OF_ENERGY", ...; "" if
                                absent) */
    char message[256];       /* resMessage, decoded */
    struct bt_rootchain_log *logs; /* block_number, tx_hash = id, log_index = index in the tx */
    size_t n_logs;
    uint8_t *arena;
};

/** Parse wallet/gettransactioninfobyid (or the walletsolidity twin). id must equal expect_id
 *  when not NULL; blockNumber is required; log addresses are 20 bytes (40 hex; a 41-prefixed
 *  42-hex form is accepted), topics 32 bytes (at most 4), data hex.
 *  Returns: common; BT_ENOTFOUND for {} (not in a block yet).
 *  Out:     free with bts_tron_txinfo_free (also after an error). */
BTS_API bt_status bts_tron_parse_txinfo(struct bts_tron_txinfo *out, const uint8_t *expect_id,
                                        const char *body, size_t body_len, char *err,
                                        size_t err_cap) BT_MUST_CHECK BT_NONNULL(1);
/** Free what bts_tron_parse_txinfo allocated; the struct may be reused. */
BTS_API void bts_tron_txinfo_free(struct bts_tron_txinfo *t) BT_NONNULL(1);

/** The transaction infos of one block (wallet/gettransactioninfobyblocknum, {"num":N}), in the
 *  block's transaction order. */
struct bts_tron_txinfo_list {
    struct bts_tron_txinfo *infos; /* logs[].tx_index = position in the list */
    size_t n;
};

/** Parse a gettransactioninfobyblocknum answer: a JSON array of TransactionInfo objects (each as
 *  bts_tron_parse_txinfo) whose blockNumber must all be `block`; [] or {} is an empty list.
 *  Returns: common (never BT_ENOTFOUND); err names the element ("[3]: log[0].data: not hex").
 *  Out:     free with bts_tron_txinfo_list_free (also after an error). */
BTS_API bt_status bts_tron_parse_txinfo_list(struct bts_tron_txinfo_list *out, uint64_t block,
                                             const char *body, size_t body_len, char *err,
                                             size_t err_cap) BT_MUST_CHECK BT_NONNULL(1);
/** Free what bts_tron_parse_txinfo_list allocated. */
BTS_API void bts_tron_txinfo_list_free(struct bts_tron_txinfo_list *l) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_TRON_HTTP_H */
