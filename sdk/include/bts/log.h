/* Logging for plugins: level-checked macros over the host's log service (STYLE.md "Logging").
 * Lines are logfmt; the host adds ts, level and plugin=<name>. A plugin registers the host
 * table once with bts_plugin_init() in its create function, then logs through its hctx:
 *   BTS_WARN(hctx, "rpc retry", "endpoint=%s attempt=%u", url, attempt);
 * The format is only evaluated when host->log_enabled() says the level is on. */
#ifndef BTS_LOG_H
#define BTS_LOG_H

#include <bt/host.h>

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Remember the process-wide host services table for the SDK's helpers (the log macros
 *  below). Call it first thing in the plugin's create(); calling it again with the same table
 *  (a second instance) is harmless. The pointer is stored per plugin .so, since every plugin
 *  links its own copy of libbtsdk. Passing NULL forgets the table (tests).
 *  Args:   host: the table create() received; must stay valid while the SDK uses it (the
 *                host's table lives until the process ends).
 *  Thread: any (an atomic store; the table itself is constant). */
BTS_API void bts_plugin_init(const struct bt_host *host);

/** The table set by bts_plugin_init(), or NULL before it. Thread: any (an atomic load). */
BTS_API const struct bt_host *bts_host(void);

/** Log one line at `level` (enum bt_log_level) for instance `hctx` if that level is enabled.
 *  `msg` is a short constant event name, `fmt` the printf format of the logfmt fields, or NULL
 *  when there are none: BTS_INFO(hctx, "started", NULL). Before bts_plugin_init() the line is
 *  written to stderr instead, so a forgotten init shows up rather than silencing the plugin.
 *  Thread: any (the log service is Thread: any). */
#define BTS_LOG(hctx, level, msg, ...)                                                             \
    do {                                                                                           \
        const struct bt_host *bts_log_h_ = bts_host();                                             \
        if (!bts_log_h_)                                                                           \
            bts_log_uninit_((level), (msg));                                                       \
        else if (bts_log_h_->log_enabled((hctx), (level)))                                         \
            bts_log_h_->log((hctx), (level), (msg), __VA_ARGS__);                                  \
    } while (0)

#define BTS_ERROR(hctx, msg, ...) BTS_LOG(hctx, BT_LOG_ERROR, msg, __VA_ARGS__)
#define BTS_WARN(hctx, msg, ...)  BTS_LOG(hctx, BT_LOG_WARN, msg, __VA_ARGS__)
#define BTS_INFO(hctx, msg, ...)  BTS_LOG(hctx, BT_LOG_INFO, msg, __VA_ARGS__)
#define BTS_DEBUG(hctx, msg, ...) BTS_LOG(hctx, BT_LOG_DEBUG, msg, __VA_ARGS__)
#define BTS_TRACE(hctx, msg, ...) BTS_LOG(hctx, BT_LOG_TRACE, msg, __VA_ARGS__)

/** True when a line at `level` would be written: guard loops that build log data. */
#define BTS_LOG_ON(hctx, level) (bts_host() && bts_host()->log_enabled((hctx), (level)))

/** Room BTS_LOG_Q gives one quoted value, quotes and NUL included. */
#define BTS_LOG_Q_MAX 512

/** Write `s` as a quoted logfmt field value into out[cap]: between double quotes, with \" \\
 *  \n \t \r and \xNN (other control bytes) escaped, so text of unknown origin (an error from
 *  a server, a reason a peer sent) stays one field and the host's JSON format gets the
 *  original text back. A value that does not fit is cut on a whole escape and ends with "..."
 *  inside the quotes. NULL is written as "". Returns out.
 *  Args:   out: at least 6 bytes; cap its size. Thread: any. (logfmt: brandur.org/logfmt.) */
BTS_API const char *bts_log_quote(char *out, size_t cap, const char *s);

/** `s` quoted for a field, as a printf argument; the caller writes no quotes of its own:
 *  BTS_WARN(hctx, "rpc failed", "err=%s", BTS_LOG_Q(why)). The buffer is a C compound
 *  literal living until the end of the enclosing block (C only). */
#define BTS_LOG_Q(s) bts_log_quote((char[BTS_LOG_Q_MAX]){0}, BTS_LOG_Q_MAX, (s))

/* Used by BTS_LOG before bts_plugin_init(); not for direct use. */
BTS_API void bts_log_uninit_(uint32_t level, const char *msg);

#ifdef __cplusplus
}
#endif

#endif /* BTS_LOG_H */
