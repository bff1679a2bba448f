/* The REST server behind host->http_register (Delivery's API): a pattern router
 * ("/bor/span/{id}") and a libevent evhttp server on --rest.addr:--rest.port, started when
 * some plugin registered a route. Loop thread only. */
#ifndef BTTCD_REST_INT_H
#define BTTCD_REST_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/host.h>

struct event_base;
struct rest_router;

struct rest_router *rest_router_new(void);
/** Free the router and stop its server; pending requests are dropped. NULL ok. */
void rest_router_free(struct rest_router *r);

/** Nonzero if `pattern` is "/" followed by segments of [A-Za-z0-9._~-]+ or {name}. */
int rest_pattern_ok(const char *pattern);
/** Add a route. Returns BT_OK, BT_EEXIST (same method and pattern), BT_ENOMEM. */
bt_status rest_register(struct rest_router *r, void *owner, const char *method, const char *pattern,
                        bt_http_fn fn, void *arg);
/** Drop owner's routes; its pending requests get 503. */
void rest_drop_owner(struct rest_router *r, void *owner);
/** Number of routes. */
size_t rest_route_count(const struct rest_router *r);

/** Back end of host->http_reply. Returns BT_OK or BT_EINVAL (*out_why: not pending, or not
 *  owner's). content_type NULL means application/json. */
bt_status rest_reply(struct rest_router *r, void *owner, struct bt_http_request *req,
                     uint32_t status, const char *content_type, const uint8_t *body,
                     size_t body_len, const char **out_why);

/** Serve the routes on addr:port (port 0: any free port; *out_port gets the bound one).
 *  Returns BT_OK, BT_EIO (err says why). */
bt_status rest_server_start(struct rest_router *r, struct event_base *base, const char *addr,
                            uint16_t port, uint16_t *out_port, char *err, size_t err_cap);

#endif /* BTTCD_REST_INT_H */
