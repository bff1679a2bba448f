/* The node's storage: block store, validator sets, the WAL record, evidence (dlv_node.h lists
 * the keys), and the commit of a block into the application. Internal to dlvnode. */
#ifndef DLV_STORE_H
#define DLV_STORE_H

#include "dlv_node_int.h"

/* Load head, set and check the app (replaying stored blocks it lacks). */
bt_status dlv_store_load(struct dlv_node *n);
/* Apply block `height = n->height + 1` to the app and write it with cert (encoded) in one
 * batch; advance n. Returns BT_OK or an error (then n->halted). */
bt_status dlv_store_apply(struct dlv_node *n, const uint8_t *block, size_t len, int32_t round,
                          const uint8_t *cert, size_t cert_len);
bt_status dlv_store_cert_encode(struct dlv_node *n, const struct bft_msg *cert, size_t cert_n,
                                uint8_t **out, size_t *out_len);
/* Check votes_raw (a vote list payload) as a commit certificate of height h for value. */
bt_status dlv_store_cert_ok(struct dlv_node *n, uint64_t h, const uint8_t value[32], int32_t round,
                            const uint8_t *votes_raw, size_t votes_len);
bt_status dlv_store_block_hash(struct dlv_node *n, uint64_t h, uint8_t out[32]);
bt_status dlv_store_wal_write(struct dlv_node *n, const struct bft_wal_rec *rec, const uint8_t *ext,
                              size_t ext_len);
/* *out_pol: malloc'd lock proof the record points to (free after bft_engine_init). */
bt_status dlv_store_wal_read(struct dlv_node *n, struct bft_wal_rec *rec, struct bft_msg **out_pol);
bt_status dlv_store_set_load(struct dlv_node *n, uint64_t h, struct bts_valset *out);
bt_status dlv_store_evidence(struct dlv_node *n, const struct bft_msg *a, const struct bft_msg *b);

#endif /* DLV_STORE_H */
