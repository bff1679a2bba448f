/* A small key-value Delivery application for tests and local networks ("delivery_app = kv"):
 * txs are "key=value" (key and value 1..63 bytes of printable ASCII, no '=' in the key), the
 * state is the map, the app hash is keccak256 of the map serialised as sorted "k=v\n" lines.
 * It is honest about being a stand-in: it runs the node end to end (mempool, blocks,
 * commits, restarts) until the Delivery application (delivery/) is wired in its place.
 * State lives in one key, "app/kv", written in the node's commit batch.
 * Thread: loop (as every dlv_app). */
#ifndef DLV_KVAPP_H
#define DLV_KVAPP_H

#include "dlv_abci.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dlv_kvapp; /* opaque */

/** Create the app with the genesis validator set (copied) and its stored state (the value of
 *  "app/kv", NULL/0: none). Returns: BT_OK, BT_EINVAL (stored state malformed), BT_ENOMEM.
 *  Out: out_app: the table to hand to the node (self = the app). */
bt_status dlv_kvapp_new(struct dlv_kvapp **out, const struct bts_valset *genesis,
                        const uint8_t *state, size_t state_len,
                        struct dlv_app *out_app) BT_MUST_CHECK;
void dlv_kvapp_free(struct dlv_kvapp *a);
/** Number of keys and the value of one key (NULL: none). */
size_t dlv_kvapp_size(const struct dlv_kvapp *a);
const char *dlv_kvapp_get(const struct dlv_kvapp *a, const char *key);

#ifdef __cplusplus
}
#endif

#endif /* DLV_KVAPP_H */
