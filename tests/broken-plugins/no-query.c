/* Broken plugin: no bt_plugin_query symbol (it exports a differently named function). */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;
static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-no-query"), .vtbl = &vtbl};

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query_v1(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query_v1(void)
{
    tp_use_all();
    return &desc;
}
