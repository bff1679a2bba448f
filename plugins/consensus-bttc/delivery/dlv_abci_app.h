/* The thin adapter presenting the Delivery application (dlv_app.h) as the node's ABCI-like
 * table (dlvnode/dlv_abci.h `struct dlv_app`): conversions only, no rules. */
#ifndef DLV_ABCI_APP_H
#define DLV_ABCI_APP_H

#include "dlv_abci.h"
#include "dlv_app.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dlv_abci_app; /* opaque */

/** Wrap `a` (borrowed: must outlive the adapter) and fill `out_table` for dlv_node; the table's
 *  self is the adapter. The app must hold a genesis (dlv_app_init_genesis) before the node
 *  starts: info answers BT_EIO otherwise.
 *  Returns: BT_OK, BT_ENOMEM. Thread: loop. */
bt_status dlv_abci_app_new(struct dlv_abci_app **out, struct dlv_application *a,
                           struct dlv_app *out_table) BT_MUST_CHECK BT_NONNULL(1, 2, 3);

/** Free the adapter (not the app). NULL ignored. */
void dlv_abci_app_free(struct dlv_abci_app *w);

#ifdef __cplusplus
}
#endif

#endif /* DLV_ABCI_APP_H */
