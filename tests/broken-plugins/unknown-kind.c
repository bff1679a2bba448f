/* Broken plugin: kind 9, which no host knows. */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-unknown-kind"), .vtbl = &vtbl,
                                               .kind = 9};
    tp_use_all();
    return &desc;
}
