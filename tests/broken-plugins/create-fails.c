/* Broken plugin: valid descriptor, but create fails with a message (refused by bttcd run;
 * plugins check runs no create and says ok). The message carries a newline and a terminal
 * escape: the log must show them escaped, on one line. */
#include "common.h"

static bt_status failing_create(const struct bt_host *host, struct bt_host_ctx *hctx,
                                void **out_self)
{
    *out_self = NULL;
    host->set_error(hctx, "cannot open database: %s\n\x1b[31mforged line", "/nonexistent/db");
    return BT_EIO;
}

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-create-fails"), .vtbl = &vtbl,
                                               .create = failing_create};
    tp_use_all();
    return &desc;
}
