/* Logger: builds each line in a fixed buffer (logfmt or JSON) and writes it with one write(2)
 * under a mutex. Plugins reach it through host->log; the host through hlog(). */
#include "log_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bt/host.h>

static const char *const level_names[] = {"error", "warn", "info", "debug", "trace"};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t log_level = BT_LOG_INFO; /* read without the lock: a word-sized hint */
static enum log_format log_fmt = LOG_FORMAT_LOGFMT;
static int log_fd = 2;
static char *log_path;
static void (*log_sink)(void *arg, const char *line, size_t len);
static void *log_sink_arg;

bt_status log_level_parse(const char *s, uint32_t *out_level)
{
    for (uint32_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out_level = i;
            return BT_OK;
        }
    }
    return BT_EINVAL;
}

const char *log_level_name(uint32_t level)
{
    return level <= BT_LOG_TRACE ? level_names[level] : "?";
}

bt_status log_format_parse(const char *s, enum log_format *out_format)
{
    if (strcmp(s, "logfmt") == 0)
        *out_format = LOG_FORMAT_LOGFMT;
    else if (strcmp(s, "json") == 0)
        *out_format = LOG_FORMAT_JSON;
    else
        return BT_EINVAL;
    return BT_OK;
}

void log_set_level(uint32_t level)
{
    __atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

uint32_t log_get_level(void)
{
    return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

void log_set_format(enum log_format format)
{
    pthread_mutex_lock(&log_lock);
    log_fmt = format;
    pthread_mutex_unlock(&log_lock);
}

int log_enabled(uint32_t level)
{
    return level <= log_get_level();
}

static int open_log(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

bt_status log_set_file(const char *path, char *err, size_t err_cap)
{
    int fd = 2;
    char *copy = NULL;
    if (path) {
        copy = strdup(path);
        if (!copy) {
            snprintf(err, err_cap, "out of memory");
            return BT_ENOMEM;
        }
        fd = open_log(path);
        if (fd < 0) {
            snprintf(err, err_cap, "%s", strerror(errno));
            free(copy);
            return BT_EIO;
        }
    }
    pthread_mutex_lock(&log_lock);
    if (log_fd != 2)
        close(log_fd);
    free(log_path);
    log_fd = fd;
    log_path = copy;
    pthread_mutex_unlock(&log_lock);
    return BT_OK;
}

void log_reopen(void)
{
    pthread_mutex_lock(&log_lock);
    if (!log_path) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
    int fd = open_log(log_path);
    int saved = errno;
    if (fd >= 0) {
        close(log_fd);
        log_fd = fd;
    }
    pthread_mutex_unlock(&log_lock);
    if (fd < 0)
        hlog(BT_LOG_ERROR, "log reopen failed", "file=\"%s\" err=\"%s\"", log_path,
             strerror(saved));
    else
        hlog(BT_LOG_INFO, "log reopened", NULL);
}

void log_shutdown(void)
{
    pthread_mutex_lock(&log_lock);
    if (log_fd != 2)
        close(log_fd);
    log_fd = 2;
    free(log_path);
    log_path = NULL;
    pthread_mutex_unlock(&log_lock);
}

void log_set_sink(void (*fn)(void *arg, const char *line, size_t len), void *arg)
{
    pthread_mutex_lock(&log_lock);
    log_sink = fn;
    log_sink_arg = arg;
    pthread_mutex_unlock(&log_lock);
}

/* --- line building ----------------------------------------------------------------------- */

/* A fixed-capacity writer: overflowing text is dropped and the line later ends with "...". */
struct lw {
    char *p;
    size_t len, cap; /* cap excludes room for "...\n\0" */
    int cut;
};

static void lw_putc(struct lw *w, char c)
{
    if (w->len < w->cap)
        w->p[w->len++] = c;
    else
        w->cut = 1;
}

static void lw_puts(struct lw *w, const char *s)
{
    while (*s)
        lw_putc(w, *s++);
}

static void lw_hex(struct lw *w, const char *prefix, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    lw_puts(w, prefix);
    lw_putc(w, hex[c >> 4]);
    lw_putc(w, hex[c & 15]);
}

/* Control characters never reach the output raw: one event stays one line. */
static void lw_escape_logfmt(struct lw *w, const char *s, size_t n, int in_quotes)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            lw_puts(w, "\\n");
        else if (c == '\t')
            lw_puts(w, "\\t");
        else if (c == '\r')
            lw_puts(w, "\\r");
        else if (c < 0x20 || c == 0x7f)
            lw_hex(w, "\\x", c);
        else if (in_quotes && (c == '"' || c == '\\')) {
            lw_putc(w, '\\');
            lw_putc(w, (char)c);
        } else
            lw_putc(w, (char)c);
    }
}

static void lw_json_str(struct lw *w, const char *s, size_t n)
{
    lw_putc(w, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            lw_putc(w, '\\');
            lw_putc(w, (char)c);
        } else if (c == '\n')
            lw_puts(w, "\\n");
        else if (c == '\t')
            lw_puts(w, "\\t");
        else if (c == '\r')
            lw_puts(w, "\\r");
        else if (c < 0x20 || c == 0x7f)
            lw_hex(w, "\\u00", c);
        else
            lw_putc(w, (char)c);
    }
    lw_putc(w, '"');
}

static void format_ts(char out[32], uint64_t wall_ms)
{
    time_t secs = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03uZ", (unsigned)(wall_ms % 1000));
}

static int is_reserved_key(const char *k, size_t n, const char *who_key)
{
    const char *const reserved[] = {"ts", "level", "msg", who_key};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strlen(reserved[i]) == n && memcmp(reserved[i], k, n) == 0)
            return 1;
    return 0;
}

/* Turn a logfmt field string into JSON members: key=value, key="quoted \" value", or a bare
 * key (true). Every value is a JSON string: the field string carries no types. Keys that would
 * shadow the line's own members get a leading underscore. */
static void json_fields(struct lw *w, const char *f, const char *who_key)
{
    while (*f) {
        while (*f == ' ')
            f++;
        if (!*f)
            break;
        const char *k = f;
        while (*f && *f != '=' && *f != ' ')
            f++;
        size_t kn = (size_t)(f - k);
        lw_putc(w, ',');
        if (kn == 0 || is_reserved_key(k, kn, who_key)) {
            char tmp[128];
            size_t tn = kn < sizeof(tmp) - 1 ? kn : sizeof(tmp) - 2;
            tmp[0] = '_';
            memcpy(tmp + 1, k, tn);
            lw_json_str(w, tmp, tn + 1);
        } else {
            lw_json_str(w, k, kn);
        }
        lw_putc(w, ':');
        if (*f != '=') {
            lw_puts(w, "true");
            continue;
        }
        f++;
        if (*f == '"') {
            /* Unescape into a bounded scratch buffer, then re-escape as JSON. */
            char val[LOG_LINE_MAX];
            size_t vn = 0;
            f++;
            while (*f && *f != '"') {
                char c = *f++;
                if (c == '\\' && *f) {
                    c = *f++;
                    if (c == 'n')
                        c = '\n';
                    else if (c == 't')
                        c = '\t';
                    else if (c == 'r')
                        c = '\r';
                }
                if (vn < sizeof(val))
                    val[vn++] = c;
            }
            if (*f == '"')
                f++;
            lw_json_str(w, val, vn);
        } else {
            const char *v = f;
            while (*f && *f != ' ')
                f++;
            lw_json_str(w, v, (size_t)(f - v));
        }
    }
}

size_t log_format_line(char *out, size_t cap, enum log_format format, uint64_t wall_ms,
                       uint32_t level, const char *who_key, const char *who, const char *msg,
                       const char *fields)
{
    struct lw w = {out, 0, cap > 5 ? cap - 5 : 0, 0};
    char ts[32];
    format_ts(ts, wall_ms);
    if (!msg)
        msg = "";
    if (format == LOG_FORMAT_JSON) {
        lw_puts(&w, "{\"ts\":\"");
        lw_puts(&w, ts);
        lw_puts(&w, "\",\"level\":\"");
        lw_puts(&w, log_level_name(level));
        lw_puts(&w, "\",");
        lw_json_str(&w, who_key, strlen(who_key));
        lw_putc(&w, ':');
        lw_json_str(&w, who, strlen(who));
        lw_puts(&w, ",\"msg\":");
        lw_json_str(&w, msg, strlen(msg));
        if (fields)
            json_fields(&w, fields, who_key);
        if (w.cut) {
            /* A cut JSON line must still parse: drop to the last complete member. */
            while (w.len > 0 && w.p[w.len - 1] != ',')
                w.len--;
            if (w.len > 0)
                w.len--;
            w.cap += 4;
            lw_puts(&w, ",\"cut\":true}");
            w.cut = 0;
        } else {
            lw_putc(&w, '}');
        }
    } else {
        lw_puts(&w, "ts=");
        lw_puts(&w, ts);
        lw_puts(&w, " level=");
        lw_puts(&w, log_level_name(level));
        lw_putc(&w, ' ');
        lw_puts(&w, who_key);
        lw_putc(&w, '=');
        lw_escape_logfmt(&w, who, strlen(who), 0);
        lw_puts(&w, " msg=\"");
        lw_escape_logfmt(&w, msg, strlen(msg), 1);
        lw_putc(&w, '"');
        if (fields && *fields) {
            lw_putc(&w, ' ');
            lw_escape_logfmt(&w, fields, strlen(fields), 0);
        }
    }
    if (w.cut) {
        w.cap += 3;
        lw_puts(&w, "...");
    }
    w.cap += 2;
    lw_putc(&w, '\n');
    out[w.len] = 0;
    return w.len;
}

static uint64_t wall_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

void log_emit(uint32_t level, const char *who_key, const char *who, const char *msg,
              const char *fields)
{
    if (!log_enabled(level))
        return;
    char line[LOG_LINE_MAX];
    uint64_t now = wall_now_ms();
    pthread_mutex_lock(&log_lock);
    size_t n = log_format_line(line, sizeof(line), log_fmt, now, level, who_key, who, msg, fields);
    if (log_sink) {
        log_sink(log_sink_arg, line, n);
    } else {
        size_t off = 0;
        while (off < n) {
            ssize_t k = write(log_fd, line + off, n - off);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break; /* nowhere left to report a logging failure */
            off += (size_t)k;
        }
    }
    pthread_mutex_unlock(&log_lock);
}

void log_vemit(uint32_t level, const char *who_key, const char *who, const char *msg,
               const char *fmt, va_list ap)
{
    if (!log_enabled(level))
        return;
    char fields[LOG_LINE_MAX];
    if (fmt)
        vsnprintf(fields, sizeof(fields), fmt, ap);
    log_emit(level, who_key, who, msg, fmt ? fields : NULL);
}

void hlog(uint32_t level, const char *msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vemit(level, "component", "host", msg, fmt, ap);
    va_end(ap);
}
