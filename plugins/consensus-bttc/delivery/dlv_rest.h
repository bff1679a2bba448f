/* Registration of Delivery's REST routes (dlv_query.h) on the host's REST server
 * (abi/bt/host.h http_register / http_reply, served by host/net/rest.c on
 * --delivery.rest.port). The plugin calls dlv_rest_register from its start(). */
#ifndef DLV_REST_H
#define DLV_REST_H

#include <bt/host.h>

#include "dlv_app.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Register every route of dlv_query_routes with `host`; requests are answered from `a`'s
 *  committed state (synchronously), /bor/next-span-seed through `a`'s oracle (asynchronously:
 *  the request is answered when the Ethereum block hash arrives, or 503 if it cannot be asked).
 *  `a` must outlive the registration (the host drops routes when the plugin stops).
 *  Returns: BT_OK; the first http_register error (BT_EEXIST, BT_ENOMEM); BT_ENOTSUP when the
 *  host has no REST service (http_register NULL). Thread: loop. */
bt_status dlv_rest_register(const struct bt_host *host, struct bt_host_ctx *hctx,
                            struct dlv_application *a) BT_MUST_CHECK BT_NONNULL(1, 3);

#ifdef __cplusplus
}
#endif

#endif /* DLV_REST_H */
