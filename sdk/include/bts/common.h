/* SDK-wide basics: the export attribute and status names. Every SDK header includes this. */
#ifndef BTS_COMMON_H
#define BTS_COMMON_H

#include <bt/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks SDK functions that are part of libbtsdk's public API. libbtsdk is a static library
 *  built with -fvisibility=hidden; plugins link it with -Wl,--exclude-libs,ALL (bt_add_plugin
 *  and btsdk.pc add it), so in a plugin these stay private to the plugin's .so. */
#define BTS_API BT_EXPORT

/** Number of elements of a fixed-size array. */
#define BTS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** The constant name of a status code's primary part ("ok", "invalid argument", ...).
 *  Never NULL; unknown codes give "unknown status". Thread: any. */
BTS_API const char *bts_status_str(bt_status st);

#ifdef __cplusplus
}
#endif

#endif /* BTS_COMMON_H */
