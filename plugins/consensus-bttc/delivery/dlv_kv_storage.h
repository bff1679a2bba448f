/* Delivery's store (dlv_kv.h) over the host's storage service (abi/bt/storage_service.h): the
 * node passes this table and a struct dlv_kv_storage as self to dlv_app_open, so the
 * application loads its committed state from the plugin's namespace; commits normally go
 * through the node's commit batch (dlv_app_commit's sink), `write` serves standalone use. */
#ifndef DLV_KV_STORAGE_H
#define DLV_KV_STORAGE_H

#include <bt/storage_service.h>

#include "dlv_kv.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The binding: the service table, its self, and the plugin's own hctx (the namespace). */
struct dlv_kv_storage {
    const struct bt_storage_svc *svc;
    void *svc_self;
    struct bt_host_ctx *hctx;
};

/** The dlv_kv_iface for a struct dlv_kv_storage self (a constant). Writes are BT_STORAGE_SYNC;
 *  iteration takes an implicit snapshot. Thread: loop. */
const struct dlv_kv_iface *dlv_kv_storage_iface(void);

#ifdef __cplusplus
}
#endif

#endif /* DLV_KV_STORAGE_H */
