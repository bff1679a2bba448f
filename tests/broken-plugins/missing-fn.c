/* Broken plugin: a mandatory entry of the root-chain table (send) is NULL. */
#include "common.h"

static const struct bt_rootchain_vtbl vtbl = {.struct_size = sizeof(struct bt_rootchain_vtbl),
                                              .chain_type = tp_chain_type,
                                              .heights = tp_heights,
                                              .get_logs = tp_get_logs,
                                              .call = tp_call,
                                              .send = NULL,
                                              .status = tp_status,
                                              .error_message = tp_error_message};

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-missing-fn"), .vtbl = &vtbl};
    tp_use_all();
    return &desc;
}
