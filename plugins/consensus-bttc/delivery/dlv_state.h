/* Internal: Delivery's state as typed records over an ordered key-value view with two
 * overlays (the block being executed and the tx being run), plus the table of keys.
 *
 * Keys ("app/" ‖ table byte ‖ ...; integers 8-byte big-endian so numeric order is byte order):
 *   0x01                     meta: last committed height, app hash (not hashed into the state)
 *   0x02                     params (genesis; dlv_params)
 *   0x11 ‖ root              checkpoint ack count (PROTOCOL.md §4.6.7)
 *   0x12 ‖ root              checkpoint buffer
 *   0x13 ‖ root ‖ number     acked checkpoint
 *   0x14                     time of the last no-ack (s)
 *   0x15 ‖ root              checkpoint-sync buffer (§4.7)
 *   0x16 ‖ root              last checkpoint-sync number acked on TRON
 *   0x21 ‖ signer            validator record (§4.3.1: iteration in signer order)
 *   0x22 ‖ id                signer of validator id
 *   0x23                     the Delivery validator set with proposer priorities (§4.4)
 *   0x31 ‖ root ‖ seq        staking-sync queue entry (§4.3.4), seq = insertion counter
 *   0x32 ‖ root              staking-sync queue insertion counter
 *   0x35 ‖ id                span (§4.5)
 *   0x36                     latest span id
 *   0x38                     last Ethereum block used as a span seed (§4.5.2)
 *   0x41 ‖ user              dividend account fee, 32 bytes (§4.6.4)
 *   0x42 ‖ user              fee-token balance from topups, 32 bytes (upstream's bank module)
 *   0x51 ‖ id                event record (§4.8)
 *   0x52 ‖ root ‖ root id    Delivery record id of (root chain, StateSender id)
 *   0x53 ‖ time ‖ id         time index of records
 *   0x54                     latest record id
 *   0x61 ‖ module ‖ seq      replay sequences (§4.2): module 1 staking, 2 topup, 3 clerk
 *   0x71 ‖ height ‖ txhash   side txs of a height awaiting their votes (§4.1) */
#ifndef DLV_STATE_H
#define DLV_STATE_H

#include <bts/buf.h>
#include <bts/common.h>
#include <bts/valset.h>

#include "dlv_kv.h"
#include "dlv_map.h"
#include "dlv_msg.h"

#define DLV_KEY_PREFIX     "app/"
#define DLV_KEY_PREFIX_LEN 4
#define DLV_KEY_MAX        96

enum {
    DLV_T_META = 0x01,
    DLV_T_PARAMS = 0x02,
    DLV_T_ACK_COUNT = 0x11,
    DLV_T_CKPT_BUFFER = 0x12,
    DLV_T_CKPT = 0x13,
    DLV_T_LAST_NOACK = 0x14,
    DLV_T_SYNC_BUFFER = 0x15,
    DLV_T_SYNC_LAST = 0x16,
    DLV_T_VALIDATOR = 0x21,
    DLV_T_VAL_ID = 0x22,
    DLV_T_VALSET = 0x23,
    DLV_T_STAKE_QUEUE = 0x31,
    DLV_T_STAKE_QSEQ = 0x32,
    DLV_T_SPAN = 0x35,
    DLV_T_LATEST_SPAN = 0x36,
    DLV_T_LAST_ETH = 0x38,
    DLV_T_DIVIDEND = 0x41,
    DLV_T_FEE_BALANCE = 0x42,
    DLV_T_RECORD = 0x51,
    DLV_T_RECORD_MAP = 0x52,
    DLV_T_RECORD_TIME = 0x53,
    DLV_T_RECORD_LATEST = 0x54,
    DLV_T_SEQUENCE = 0x61,
    DLV_T_SIDE_TX = 0x71,
};

/** A key under construction. */
struct dlv_key {
    uint8_t b[DLV_KEY_MAX];
    size_t n;
};
void dlv_key_init(struct dlv_key *k, uint8_t table);
void dlv_key_u8(struct dlv_key *k, uint8_t v);
void dlv_key_u64(struct dlv_key *k, uint64_t v);
void dlv_key_bytes(struct dlv_key *k, const uint8_t *p, size_t n);

/** The state: everything committed (a full in-memory copy, loaded at open) and two overlays. */
struct dlv_state {
    const struct dlv_kv_iface *kv;
    void *kv_self;
    struct dlv_map committed;
    struct dlv_map block; /* writes of the current block (tombstones = deletes) */
    struct dlv_map tx;    /* writes of the current tx / handler run */
};

bt_status dlv_state_load(struct dlv_state *s, const struct dlv_kv_iface *kv,
                         void *kv_self) BT_MUST_CHECK;
void dlv_state_free(struct dlv_state *s);
/* Read through tx, block, committed. Returns BT_OK (borrowed pointer valid until the next
 * write) or BT_ENOTFOUND. */
bt_status dlv_state_get(struct dlv_state *s, const struct dlv_key *k, const uint8_t **val,
                        size_t *val_len);
/* Read committed state only (queries). */
bt_status dlv_state_get_committed(const struct dlv_state *s, const struct dlv_key *k,
                                  const uint8_t **val, size_t *val_len);
bt_status dlv_state_put(struct dlv_state *s, const struct dlv_key *k, const uint8_t *val,
                        size_t val_len) BT_MUST_CHECK;
bt_status dlv_state_del(struct dlv_state *s, const struct dlv_key *k) BT_MUST_CHECK;
/* Visit the merged view of all keys with the prefix, ascending. fn returns nonzero to stop.
 * committed_only: skip the overlays. */
typedef int (*dlv_state_visit_fn)(void *arg, const uint8_t *key, size_t key_len, const uint8_t *val,
                                  size_t val_len);
bt_status dlv_state_iter(struct dlv_state *s, const struct dlv_key *prefix, int committed_only,
                         dlv_state_visit_fn fn, void *arg) BT_MUST_CHECK;
/* Move the tx overlay into the block overlay / drop it. */
bt_status dlv_state_tx_commit(struct dlv_state *s) BT_MUST_CHECK;
void dlv_state_tx_abort(struct dlv_state *s);
/* Drop the block overlay (and the tx one). */
void dlv_state_block_abort(struct dlv_state *s);
/* Hash of the block overlay's changes: keccak over (key_len ‖ key ‖ flag ‖ val_len ‖ val) of
 * each change in key order (flag 1 put, 0 delete; lengths as 4-byte big-endian). */
void dlv_state_block_digest(const struct dlv_state *s, uint8_t out[32]);
/* Write the block overlay plus extra ops atomically to the kv store (if kv is set), or hand
 * them to `sink` when non-NULL instead, then fold the overlay into the committed copy. */
typedef bt_status (*dlv_state_sink_fn)(void *arg, const struct dlv_kv_op *ops, size_t n);
bt_status dlv_state_block_commit(struct dlv_state *s, const struct dlv_kv_op *extra, size_t n_extra,
                                 dlv_state_sink_fn sink, void *sink_arg) BT_MUST_CHECK;

/* --- record encodings ------------------------------------------------------------------ */

/** A writer / reader of fixed binary layouts (big-endian integers). */
struct dlv_rd {
    const uint8_t *p;
    size_t n;
    int bad;
};
bt_status dlv_w_u64(struct bts_buf *b, uint64_t v) BT_MUST_CHECK;
bt_status dlv_w_bytes(struct bts_buf *b, const void *p, size_t n) BT_MUST_CHECK;
bt_status dlv_w_var(struct bts_buf *b, const void *p, size_t n) BT_MUST_CHECK; /* u32 len + */
uint64_t dlv_r_u64(struct dlv_rd *r);
void dlv_r_bytes(struct dlv_rd *r, void *out, size_t n);
/* A length-prefixed field: pointer into the input (borrowed), *len set. */
const uint8_t *dlv_r_var(struct dlv_rd *r, size_t *len);

/** Validator record (§4.3.1). */
struct dlv_validator {
    uint64_t id;
    uint64_t start_epoch;
    uint64_t end_epoch;
    uint64_t nonce;
    int64_t power;
    uint8_t pub_key[65];
    uint8_t signer[20];
    char last_updated[32];
    uint8_t jailed;
};

/** Checkpoint (buffer or acked; upstream types/header.go Checkpoint). */
struct dlv_checkpoint {
    uint8_t proposer[20];
    uint64_t start_block;
    uint64_t end_block;
    uint8_t root_hash[32];
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
    uint64_t timestamp; /* s */
};

/** Staking-sync queue entry (upstream staking/types/stake_record.go). */
struct dlv_stake_record {
    char type[16]; /* "validatorJoin", "validatorExit", "signerUpdate" */
    uint64_t id;
    uint64_t nonce;
    int64_t height;
    uint8_t tx_hash[32];
    uint64_t timestamp;
};

/** A span as stored: producers by validator id and slot count; the validator set is the full
 *  set (addresses, power, priority) at freeze time. */
struct dlv_span_rec {
    uint64_t id;
    uint64_t start_block;
    uint64_t end_block;
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
    struct bts_valset set;           /* owned */
    struct dlv_validator *set_vals;  /* owned, set.n records matching set.v[i] */
    struct dlv_validator *producers; /* owned; power = slots */
    size_t n_producers;
};

/** Event record (§4.8). */
struct dlv_record {
    uint64_t id;
    uint8_t contract[20];
    uint8_t *data; /* owned */
    size_t data_len;
    uint8_t tx_hash[32];
    uint64_t log_index;
    char bor_chain_id[DLV_CHAIN_ID_MAX + 1];
    uint64_t record_time_ms;
    enum dlv_root root;
};

bt_status dlv_validator_encode(struct bts_buf *b, const struct dlv_validator *v) BT_MUST_CHECK;
bt_status dlv_validator_decode(struct dlv_validator *v, const uint8_t *p, size_t n) BT_MUST_CHECK;
bt_status dlv_checkpoint_encode(struct bts_buf *b, const struct dlv_checkpoint *c) BT_MUST_CHECK;
bt_status dlv_checkpoint_decode(struct dlv_checkpoint *c, const uint8_t *p, size_t n) BT_MUST_CHECK;
bt_status dlv_stake_record_encode(struct bts_buf *b,
                                  const struct dlv_stake_record *r) BT_MUST_CHECK;
bt_status dlv_stake_record_decode(struct dlv_stake_record *r, const uint8_t *p,
                                  size_t n) BT_MUST_CHECK;
bt_status dlv_valset_encode(struct bts_buf *b, const struct bts_valset *s) BT_MUST_CHECK;
bt_status dlv_valset_decode(struct bts_valset *s, const uint8_t *p, size_t n) BT_MUST_CHECK;
bt_status dlv_span_encode(struct bts_buf *b, const struct dlv_span_rec *s) BT_MUST_CHECK;
bt_status dlv_span_decode(struct dlv_span_rec *s, const uint8_t *p, size_t n) BT_MUST_CHECK;
void dlv_span_rec_free(struct dlv_span_rec *s);
bt_status dlv_record_encode(struct bts_buf *b, const struct dlv_record *r) BT_MUST_CHECK;
bt_status dlv_record_decode(struct dlv_record *r, const uint8_t *p, size_t n) BT_MUST_CHECK;
void dlv_record_free(struct dlv_record *r);

#endif /* DLV_STATE_H */
