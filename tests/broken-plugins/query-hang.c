/* Broken plugin: bt_plugin_query never returns, and ignores the signals a polite timeout
 * would send: only the check's SIGKILL ends it. */
#include "common.h"

#include <signal.h>
#include <unistd.h>

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    tp_use_all();
    signal(SIGALRM, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    for (;;)
        pause();
}
