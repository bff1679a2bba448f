/* The host's logger: logfmt (default) or JSON lines, one level filter, stderr or a file that
 * SIGHUP reopens. Thread-safe: every line is built in a local buffer and written with one
 * write(2) under a mutex, so lines from the loop and the workers never interleave. */
#ifndef BTTCD_LOG_INT_H
#define BTTCD_LOG_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <bt/abi.h>

enum log_format { LOG_FORMAT_LOGFMT = 0, LOG_FORMAT_JSON = 1 };

/** Longest line written; longer ones are cut and end with "...". */
#define LOG_LINE_MAX 8192

/** Parse "error|warn|info|debug|trace" into a BT_LOG_* level. Returns BT_OK or BT_EINVAL. */
bt_status log_level_parse(const char *s, uint32_t *out_level);
/** "error" ... "trace"; "?" for an out-of-range level. */
const char *log_level_name(uint32_t level);
/** Parse "logfmt|json". Returns BT_OK or BT_EINVAL. */
bt_status log_format_parse(const char *s, enum log_format *out_format);

void log_set_level(uint32_t level);
uint32_t log_get_level(void);
void log_set_format(enum log_format format);
/** Write to `path` (appended, created 0640) instead of stderr; NULL goes back to stderr.
 *  Returns BT_OK or BT_EIO with errno's text in err. */
bt_status log_set_file(const char *path, char *err, size_t err_cap);
/** Reopen the log file (after rotation, on SIGHUP). Keeps the old descriptor on failure and
 *  logs why. Nothing to do when logging to stderr. */
void log_reopen(void);
/** Nonzero when the log goes to a file (not stderr). */
int log_to_file(void);
/** Close the log file and free its path; later lines go to stderr. */
void log_shutdown(void);

/** Nonzero if a line at `level` passes the filter. */
int log_enabled(uint32_t level);

/** Format one line (without writing it) into out[cap], NUL-terminated and ending with '\n'.
 *  `who_key` is "plugin" or "component", `fields` a logfmt field string or NULL.
 *  Returns the length written. Exposed for the tests. */
size_t log_format_line(char *out, size_t cap, enum log_format format, uint64_t wall_ms,
                       uint32_t level, const char *who_key, const char *who, const char *msg,
                       const char *fields);

/** Filter, format and write one line. */
void log_emit(uint32_t level, const char *who_key, const char *who, const char *msg,
              const char *fields);
/** A host line from a signal handler: async-signal-safe (no lock, no allocation, no stdio).
 *  Written to the log and, when the log is a file, to stderr too. */
void log_emit_async(uint32_t level, const char *msg);
/** Same as log_emit, with the fields given as printf format and arguments (fmt may be NULL). */
void log_vemit(uint32_t level, const char *who_key, const char *who, const char *msg,
               const char *fmt, va_list ap);

/** `s` as a quoted logfmt value ("..." with \" \\ \n \t \r \xNN escapes) in out[cap]: for
 *  text of unknown origin (a plugin's message, a path) in a field. Always NUL-terminated and
 *  closed; a value that does not fit ends with "...". Returns the length. */
size_t log_quote(char *out, size_t cap, const char *s);
/** Room LOG_Q gives a quoted value: longer ones end with "..." inside the quotes. */
#define LOG_Q_MAX 512
/** A value for a logfmt field, quoted and escaped: `hlog(..., "reason=%s", LOG_Q(why))`. The
 *  caller writes no quotes of its own; the JSON format unquotes it back to the original text.
 *  The buffer is a compound literal of the enclosing block, so the result is valid for that
 *  statement's call (and the rest of the block). NULL gives "". */
#define LOG_Q(s) log_q((char[LOG_Q_MAX]){0}, LOG_Q_MAX, (s))
/** log_quote into buf[cap] (NULL: ""), returning buf. Used by LOG_Q. */
const char *log_q(char *buf, size_t cap, const char *s);
/** `s` with control characters escaped (\n \t \r \xNN), for one-line messages printed
 *  before the logger runs. Same bounds as log_quote. Returns the length. */
size_t log_escape_text(char *out, size_t cap, const char *s);

/** A host line: component=host. */
void hlog(uint32_t level, const char *msg, const char *fmt, ...) BT_PRINTF(3, 4);

/** Tests: send every line to fn instead of the file/stderr (NULL restores). */
void log_set_sink(void (*fn)(void *arg, const char *line, size_t len), void *arg);

#endif /* BTTCD_LOG_INT_H */
