/* Broken plugin: a name with upper-case letters and an underscore. */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-bad-name"), .vtbl = &vtbl,
                                               .name = "Broken_Name"};
    tp_use_all();
    return &desc;
}
