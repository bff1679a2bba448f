/* Broken plugin: the mandatory destroy entry of the descriptor is NULL. */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-no-destroy"), .vtbl = &vtbl,
                                               .destroy = NULL};
    tp_use_all();
    return &desc;
}
