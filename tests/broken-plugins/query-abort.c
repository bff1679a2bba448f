/* Broken plugin: bt_plugin_query calls abort() (SIGABRT). */
#include "common.h"

#include <stdlib.h>

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    tp_use_all();
    abort();
}
