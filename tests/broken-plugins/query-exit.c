/* Broken plugin: bt_plugin_query calls exit(0). In-process this would end the node quietly
 * with status 0; the check child turns it into a refusal. */
#include "common.h"

#include <stdlib.h>

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    tp_use_all();
    exit(0);
}
