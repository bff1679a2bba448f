/* Broken plugin: the magic is not BTTP. */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-bad-magic"), .vtbl = &vtbl,
                                               .magic = 0x50545442u};
    tp_use_all();
    return &desc;
}
