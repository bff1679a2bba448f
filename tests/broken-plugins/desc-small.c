/* Broken plugin: descriptor struct_size smaller than the 1.0 descriptor. */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-desc-small"), .vtbl = &vtbl,
                                               .struct_size = 16};
    tp_use_all();
    return &desc;
}
