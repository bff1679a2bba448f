/* Broken plugin: calls a function no library defines; built without -z defs, so only
 * dlopen(RTLD_NOW) notices. */
#include "common.h"

void bt_test_no_such_function(void);

static bt_status unresolved_create(const struct bt_host *host, struct bt_host_ctx *hctx,
                                   void **out_self)
{
    (void)host, (void)hctx;
    bt_test_no_such_function();
    *out_self = NULL;
    return BT_OK;
}

static const struct bt_rootchain_vtbl vtbl = TP_VTBL_INIT;

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    static const struct bt_plugin_desc desc = {TP_DESC_INIT("broken-unresolved"), .vtbl = &vtbl,
                                               .create = unresolved_create};
    tp_use_all();
    return &desc;
}
