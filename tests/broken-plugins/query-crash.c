/* Broken plugin: bt_plugin_query dereferences an unmapped address (SIGSEGV). plugins check
 * survives it thanks to the fork. */
#include "common.h"

#include <stdint.h>

/* Not NULL (UBSan has nothing to say) and unknown to the compiler: the fault itself ends the
 * process. */
static volatile uintptr_t unmapped = 64;

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    tp_use_all();
    const struct bt_plugin_desc *const *p = (const struct bt_plugin_desc *const *)unmapped;
    return *p;
}
