/* Broken plugin: one of two files (dup-a, dup-b) declaring the same name; the second one loaded is
 * refused as a duplicate. */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-dup"), .vtbl = &vtbl};
    tp_use_all();
    return &desc;
}
