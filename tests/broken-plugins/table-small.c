/* Broken plugin: the root-chain table is cut before its last 1.0 entry (vtbl_size and
 * struct_size agree, so only the size check can catch it). */
#include "common.h"

#include <stddef.h>

#define SMALL offsetof(struct bt_rootchain_vtbl, error_message)
static const struct bt_rootchain_vtbl vtbl = {.struct_size = SMALL,
                                              .chain_type = tp_chain_type,
                                              .heights = tp_heights,
                                              .get_logs = tp_get_logs,
                                              .call = tp_call,
                                              .send = tp_send,
                                              .status = tp_status};

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-table-small"), .vtbl = &vtbl,
                                               .vtbl_size = SMALL};
    tp_use_all();
    return &desc;
}
