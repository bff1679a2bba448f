/* Broken plugin: a valid descriptor, but an ELF constructor that writes to stdout and stderr
 * when the file is loaded (dlopen runs it before any check). Its text, a fake verdict, must
 * not reach `plugins check`'s output. */
#include "common.h"

#include <stdio.h>

__attribute__((constructor)) static void ctor_print(void)
{
    fputs("garbage.so: ok kind=fake name=fake version=0 abi=1.0\n", stdout);
    fflush(stdout);
    fputs("ctor-print: constructor ran\n", stderr);
}

static const struct bt_rootchain_vtbl ctor_vtbl = TP_VTBL_INIT;
static const struct bt_plugin_desc ctor_desc = {TP_DESC_INIT("broken-ctor-print"),
                                                .vtbl = &ctor_vtbl};

BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);
BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)
{
    tp_use_all();
    return &ctor_desc;
}
