/* Private to sdk/src/ethrpc*.c. */
#ifndef BTS_ETHRPC_INT_H
#define BTS_ETHRPC_INT_H

#include <stddef.h>

#include <bt/abi.h>

/** snprintf into err, then replace control characters and quotes (remote text goes to logs). */
void ethrpc_errf(char *err, size_t err_cap, const char *fmt, ...) BT_PRINTF(3, 4);
/** 1 if `hay` contains the lower-case `needle`, ignoring case. */
int ethrpc_contains_ci(const char *hay, const char *needle);

#endif
