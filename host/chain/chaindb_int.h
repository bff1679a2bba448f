/* The chain's records in stor_ns_chain: key layout, one batch builder for a block's records,
 * and the decoders of bodies and receipt records into the views of chain_int.h.
 *
 * Key layout (stor_ns_chain, after its 0x01 prefix):
 *   'h' || hash(32)        header RLP
 *   'b' || hash(32)        body RLP: rlp([[tx block item, ...], [uncle, ...]])
 *   'r' || hash(32)        receipts record: rlp([[consensus receipt (bytes), gas used, contract
 *                          address (0 or 20 bytes), sender (20 bytes)], ...])
 *   't' || hash(32)        total difficulty, 32 bytes big-endian
 *   'n' || number(8 BE)    canonical hash
 *   'l' || txhash(32)      lookup: block number(8 BE) || block hash(32) || index(4 BE)
 *   "H"                    head block hash (32)
 * Big-endian numbers keep canonical entries in order for iteration.
 * Private to host/chain. */
#ifndef BTTCD_CHAINDB_INT_H
#define BTTCD_CHAINDB_INT_H

#include <bts/buf.h>

#include "chain_int.h"

#define CHAINDB_KEY_MAX 33

enum chaindb_kind {
    CHAINDB_HEADER = 'h',
    CHAINDB_BODY = 'b',
    CHAINDB_RECEIPTS = 'r',
    CHAINDB_TD = 't',
    CHAINDB_LOOKUP = 'l'
};

/** Key of a record by hash (enum chaindb_kind). Returns the key length (33). */
size_t chaindb_key_hash(uint8_t out[CHAINDB_KEY_MAX], enum chaindb_kind kind,
                        const uint8_t hash[32]);
/** Key of the canonical entry of `number`. Returns 9. */
size_t chaindb_key_number(uint8_t out[CHAINDB_KEY_MAX], uint64_t number);
/** The head key. */
extern const uint8_t chaindb_key_head[1];

/** Operations collected for one stor_write. Keys and values are copied. */
struct chaindb_batch {
    struct bts_buf mem;
    struct chaindb_op {
        size_t koff, klen, voff, vlen;
        int is_delete;
    } * ops;
    size_t n, cap;
    struct stor_op *out; /* built by chaindb_batch_ops */
};

/** Add a PUT in stor_ns_chain. Returns: BT_OK, BT_ENOMEM. */
bt_status chaindb_put(struct chaindb_batch *b, const uint8_t *key, size_t key_len,
                      const uint8_t *val, size_t val_len);
/** Add a DELETE in stor_ns_chain. Returns: BT_OK, BT_ENOMEM. */
bt_status chaindb_del(struct chaindb_batch *b, const uint8_t *key, size_t key_len);
/** The stor_op array (valid until the batch changes or is freed). Returns BT_OK, BT_ENOMEM. */
bt_status chaindb_batch_ops(struct chaindb_batch *b, const struct stor_op **out, size_t *out_n);
void chaindb_batch_free(struct chaindb_batch *b);

/** What one block adds. */
struct chaindb_block {
    const uint8_t *hash;
    uint64_t number;
    const uint8_t *header_rlp;
    size_t header_rlp_len;
    const uint8_t *body_rlp;
    size_t body_rlp_len;
    const uint8_t *receipts_rlp; /* the record (chaindb_receipts_record) */
    size_t receipts_rlp_len;
    const struct bts_tx *txs; /* hash set */
    size_t n_txs;
    const struct bts_u256 *td;
};

/** Add every record of a canonical block that becomes the head: header, body, receipts, TD,
 *  canonical entry, lookups, head. Returns BT_OK, BT_ENOMEM. */
bt_status chaindb_add_block(struct chaindb_batch *b, const struct chaindb_block *blk);

/** Add the records of a block by hash only (header, body, receipts, TD): a side block, or the
 *  first part of a block that a reorg makes canonical. Returns BT_OK, BT_ENOMEM. */
bt_status chaindb_add_records(struct chaindb_batch *b, const struct chaindb_block *blk);

/** Add the canonical entry of `number` -> `hash` and the lookups of its transactions (txs:
 *  hash set). Returns BT_OK, BT_ENOMEM. */
bt_status chaindb_add_canonical(struct chaindb_batch *b, uint64_t number, const uint8_t hash[32],
                                const struct bts_tx *txs, size_t n_txs);

/** Encode the receipts record of a block. Returns BT_OK, BT_ENOMEM. */
bt_status chaindb_receipts_record(struct bts_buf *out, const struct block_receipts *rs,
                                  const struct bt_address *senders);

/** Encode a body from block items: rlp([txs, uncles]) where txs_raw/uncles_raw are the whole
 *  RLP lists (NULL: empty list). Returns BT_OK, BT_ENOMEM. */
bt_status chaindb_body_encode(struct bts_buf *out, const uint8_t *txs_raw, size_t txs_raw_len,
                              const uint8_t *uncles_raw, size_t uncles_raw_len);

/** Read a raw record (malloc'd copy). Returns BT_OK, BT_ENOTFOUND, storage errors, BT_ENOMEM. */
bt_status chaindb_get(struct stor *s, const uint8_t *key, size_t key_len, uint8_t **out,
                      size_t *out_len);

/** Decode a stored header (takes ownership of rlp, also on failure). BT_OK, BT_EIO. */
bt_status chaindb_header_decode(struct chain_header *out, uint8_t *rlp, size_t rlp_len);

/** Decode a stored body (takes ownership of rlp). Senders are left zero (they live in the
 *  receipts record). BT_OK, BT_EIO, BT_ENOMEM. */
bt_status chaindb_body_decode(struct chain_body *out, uint8_t *rlp, size_t rlp_len);

/** Decode a receipts record (takes ownership of rlp) with the block's header and body for the
 *  derived fields; fills body->senders when it has room (body->senders allocated here).
 *  BT_OK, BT_EIO (damaged or not matching the body), BT_ENOMEM. */
bt_status chaindb_receipts_decode(struct chain_receipts *out, uint8_t *rlp, size_t rlp_len,
                                  const struct chain_header *hd, struct chain_body *body);

/** Decode a lookup value. BT_OK, BT_EIO (not 44 bytes). */
bt_status chaindb_lookup_decode(const uint8_t *v, size_t v_len, struct chain_tx_loc *out);

/** Effective gas price of a transaction in a block with (optional) base fee. */
void chaindb_effective_price(struct bts_u256 *out, const struct bts_tx *tx,
                             const struct bts_header *h);

#endif /* BTTCD_CHAINDB_INT_H */
