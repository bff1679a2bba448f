/* Logger state: level, format, destination; each line is built in a fixed buffer
 * (log_format.c) and written with one write(2) under a mutex. Plugins reach it through
 * host->log; the host through hlog(). */
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
static int log_write_failed; /* the file's first write error was reported on stderr */
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
    log_write_failed = 0;
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
        log_write_failed = 0;
    }
    char qpath[1024];
    log_quote(qpath, sizeof(qpath), log_path);
    pthread_mutex_unlock(&log_lock);
    if (fd >= 0) {
        hlog(BT_LOG_INFO, "log reopened", NULL);
        return;
    }
    /* The old file may be rotated away already: the operator looks at stderr too. */
    char text[1200];
    log_escape_text(text, sizeof(text), qpath);
    fprintf(stderr, "bttcd: log file %s: cannot reopen: %s (still writing to the old file)\n", text,
            strerror(saved));
    hlog(BT_LOG_ERROR, "log reopen failed", "file=%s err=\"%s\"", qpath, strerror(saved));
}

int log_to_file(void)
{
    pthread_mutex_lock(&log_lock);
    int is_file = log_fd != 2;
    pthread_mutex_unlock(&log_lock);
    return is_file;
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

static uint64_t wall_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Write a whole line. The first failure on a log file is said once on stderr (a full disk
 * must not lose the logs silently); on stderr itself there is nowhere left to say it. */
static void write_all(int fd, const char *line, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t k = write(fd, line + off, n - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (fd != 2 && !log_write_failed) {
                log_write_failed = 1;
                char msg[1400], path[1100];
                log_escape_text(path, sizeof(path), log_path ? log_path : "?");
                int mn = snprintf(msg, sizeof(msg),
                                  "bttcd: log file %s: write failed: %s (log lines are lost until "
                                  "it is writable or reopened)\n",
                                  path, k < 0 ? strerror(errno) : "no progress");
                if (mn > 0)
                    write_all(2, msg, (size_t)mn < sizeof(msg) ? (size_t)mn : sizeof(msg) - 1);
            }
            return;
        }
        off += (size_t)k;
    }
}

void log_emit_async(uint32_t level, const char *msg)
{
    static char line[LOG_LINE_MAX];
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    uint64_t now = (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
    size_t n =
        log_format_line(line, sizeof(line), log_fmt, now, level, "component", "host", msg, NULL);
    /* No lock: the handler may have interrupted a writer holding it. */
    ssize_t k = write(log_fd, line, n);
    if (log_fd != 2)
        k = write(2, line, n);
    (void)k;
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
        write_all(log_fd, line, n);
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
