/* Broken plugin: bt_plugin_query returns NULL. */
#include "common.h"

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    tp_use_all();
    return NULL;
}
