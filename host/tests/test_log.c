/* Logging: logfmt and JSON line formats, escaping, level filtering, thread-safe emission. */
#include "log_int.h"

#include <bt/host.h>
#include <bts/test.h>

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 2026-11-29T23:40:00.123Z */
#define TS_MS 1795995600123ull

static char line[LOG_LINE_MAX];

static const char *fmt_line(enum log_format f, uint32_t level, const char *who_key, const char *who,
                            const char *msg, const char *fields)
{
    log_format_line(line, sizeof(line), f, TS_MS, level, who_key, who, msg, fields);
    return line;
}

static void test_log_logfmt_line(void)
{
    CU_ASSERT_STRING_EQUAL(fmt_line(LOG_FORMAT_LOGFMT, BT_LOG_INFO, "plugin", "rootchain-bsc",
                                    "rpc retry", "endpoint=http://x attempt=3"),
                           "ts=2026-11-29T23:40:00.123Z level=info plugin=rootchain-bsc "
                           "msg=\"rpc retry\" endpoint=http://x attempt=3\n");
    CU_ASSERT_STRING_EQUAL(
        fmt_line(LOG_FORMAT_LOGFMT, BT_LOG_WARN, "component", "host", "bttcd ready", NULL),
        "ts=2026-11-29T23:40:00.123Z level=warn component=host "
        "msg=\"bttcd ready\"\n");
}

static void test_log_logfmt_escapes(void)
{
    /* Quotes and backslashes in msg are escaped; control characters never break the line. */
    CU_ASSERT_STRING_EQUAL(fmt_line(LOG_FORMAT_LOGFMT, BT_LOG_ERROR, "plugin", "p",
                                    "say \"hi\"\\\n", "a=1\nb=2\tc=\x01"),
                           "ts=2026-11-29T23:40:00.123Z level=error plugin=p "
                           "msg=\"say \\\"hi\\\"\\\\\\n\" a=1\\nb=2\\tc=\\x01\n");
}

static json_t *parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fprintf(stderr, "\ninvalid JSON (%s): %s\n", e.text, s);
    return j;
}

static void test_log_json_line(void)
{
    fmt_line(LOG_FORMAT_JSON, BT_LOG_DEBUG, "plugin", "evm", "exec \"x\"\n",
             "gas=21000 err=\"out of \\\"gas\\\"\" flag msg=shadow =v");
    CU_ASSERT_EQUAL(line[strlen(line) - 1], '\n');
    json_t *j = parse(line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "ts")), "2026-11-29T23:40:00.123Z");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "level")), "debug");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "plugin")), "evm");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "msg")), "exec \"x\"\n");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "gas")), "21000");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "err")), "out of \"gas\"");
    CU_ASSERT_TRUE(json_is_true(json_object_get(j, "flag")));
    /* A field may not shadow the line's own members. */
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "_msg")), "shadow");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "_")), "v");
    json_decref(j);
    /* Host lines may carry a plugin= field: it is not theirs to shadow. */
    fmt_line(LOG_FORMAT_JSON, BT_LOG_INFO, "component", "host", "plugin loaded", "plugin=evm");
    j = parse(line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "component")), "host");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "plugin")), "evm");
    json_decref(j);
}

static void test_log_long_lines_are_cut(void)
{
    size_t n = LOG_LINE_MAX * 2;
    char *fields = malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fields);
    memcpy(fields, "a=1 big=", 8);
    memset(fields + 8, 'x', n - 8);
    fields[n] = 0;
    size_t len = log_format_line(line, sizeof(line), LOG_FORMAT_LOGFMT, TS_MS, BT_LOG_INFO,
                                 "plugin", "p", "m", fields);
    CU_ASSERT(len < sizeof(line));
    CU_ASSERT_EQUAL(strlen(line), len);
    CU_ASSERT_STRING_EQUAL(line + len - 4, "...\n");
    len = log_format_line(line, sizeof(line), LOG_FORMAT_JSON, TS_MS, BT_LOG_INFO, "plugin", "p",
                          "m", fields);
    CU_ASSERT(len < sizeof(line));
    json_t *j = parse(line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "a")), "1");
    CU_ASSERT_TRUE(json_is_true(json_object_get(j, "cut")));
    json_decref(j);
    free(fields);
}

struct capture {
    pthread_mutex_t lock;
    size_t n;
    char last[LOG_LINE_MAX];
};

static void capture_sink(void *arg, const char *l, size_t len)
{
    struct capture *c = arg;
    pthread_mutex_lock(&c->lock);
    c->n++;
    memcpy(c->last, l, len + 1);
    pthread_mutex_unlock(&c->lock);
}

static void test_log_level_filter(void)
{
    struct capture c = {.lock = PTHREAD_MUTEX_INITIALIZER};
    log_set_sink(capture_sink, &c);
    log_set_format(LOG_FORMAT_LOGFMT);
    log_set_level(BT_LOG_WARN);
    CU_ASSERT_TRUE(log_enabled(BT_LOG_ERROR));
    CU_ASSERT_TRUE(log_enabled(BT_LOG_WARN));
    CU_ASSERT_FALSE(log_enabled(BT_LOG_INFO));
    hlog(BT_LOG_INFO, "dropped", NULL);
    hlog(BT_LOG_DEBUG, "dropped", "x=%d", 1);
    CU_ASSERT_EQUAL(c.n, 0);
    hlog(BT_LOG_WARN, "kept", "x=%d", 2);
    CU_ASSERT_EQUAL(c.n, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.last, " level=warn component=host msg=\"kept\" x=2\n"));
    log_set_level(BT_LOG_TRACE);
    log_emit(BT_LOG_TRACE, "plugin", "p", "deep", NULL);
    CU_ASSERT_EQUAL(c.n, 2);
    log_set_sink(NULL, NULL);
    log_set_level(BT_LOG_INFO);
}

static void *spam(void *arg)
{
    (void)arg;
    for (int i = 0; i < 500; i++)
        hlog(BT_LOG_INFO, "spam", "i=%d", i);
    return NULL;
}

static void test_log_threads(void)
{
    struct capture c = {.lock = PTHREAD_MUTEX_INITIALIZER};
    log_set_sink(capture_sink, &c);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(pthread_create(&t[i], NULL, spam, NULL), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    log_set_sink(NULL, NULL);
    CU_ASSERT_EQUAL(c.n, 2000);
}

static void test_log_parsers(void)
{
    uint32_t lv = 99;
    enum log_format f = LOG_FORMAT_LOGFMT;
    CU_ASSERT_EQUAL(log_level_parse("trace", &lv), BT_OK);
    CU_ASSERT_EQUAL(lv, BT_LOG_TRACE);
    CU_ASSERT_EQUAL(log_level_parse("INFO", &lv), BT_EINVAL);
    CU_ASSERT_EQUAL(log_format_parse("json", &f), BT_OK);
    CU_ASSERT_EQUAL(f, LOG_FORMAT_JSON);
    CU_ASSERT_EQUAL(log_format_parse("text", &f), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(log_level_name(BT_LOG_ERROR), "error");
    CU_ASSERT_STRING_EQUAL(log_level_name(42), "?");
}

static void test_log_file_and_reopen(void)
{
    char path[] = "/tmp/bttcd-test-log-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    char err[128];
    CU_ASSERT_EQUAL_FATAL(log_set_file(path, err, sizeof(err)), BT_OK);
    hlog(BT_LOG_ERROR, "first", NULL);
    char moved[64];
    snprintf(moved, sizeof(moved), "%s.1", path);
    CU_ASSERT_EQUAL(rename(path, moved), 0);
    log_reopen();
    hlog(BT_LOG_ERROR, "second", NULL);
    log_shutdown();
    char *a = bts_test_read_file(moved, NULL), *b = bts_test_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(a && strstr(a, "msg=\"first\"") ? a : NULL);
    CU_ASSERT_PTR_NOT_NULL(b && strstr(b, "msg=\"second\"") ? b : NULL);
    CU_ASSERT_PTR_NULL(a ? strstr(a, "second") : NULL);
    free(a);
    free(b);
    unlink(path);
    unlink(moved);
    CU_ASSERT_EQUAL(log_set_file("/nonexistent/dir/x.log", err, sizeof(err)), BT_EIO);
    CU_ASSERT_STRING_EQUAL(err, "No such file or directory");
}

/* Run fn with fd 2 sent to a temporary file; returns what was written there (malloc'd). */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
    char path[] = "/tmp/bttcd-test-stderr-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    close(fd);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *out = bts_test_read_file(path, NULL);
    unlink(path);
    return out;
}

static void test_log_json_replaces_bad_utf8(void)
{
    /* A lone continuation byte, an overlong '/', a surrogate and a cut sequence become
     * U+FFFD; good multi-byte characters pass. */
    fmt_line(LOG_FORMAT_JSON, BT_LOG_INFO, "plugin", "p",
             "a\x80"
             "b\xc0\xaf"
             "c\xed\xa0\x80",
             "v=\"\xe2\x82\xac ok\" w=\xf0\x9f");
    json_t *j = parse(line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "msg")), "a\xef\xbf\xbd"
                                                                         "b\xef\xbf\xbd\xef\xbf\xbd"
                                                                         "c\xef\xbf\xbd\xef\xbf\xbd"
                                                                         "\xef\xbf\xbd");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "v")), "\xe2\x82\xac ok");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "w")), "\xef\xbf\xbd\xef\xbf\xbd");
    json_decref(j);
}

static void test_log_json_duplicate_keys_keep_last(void)
{
    fmt_line(LOG_FORMAT_JSON, BT_LOG_INFO, "plugin", "p", "m", "a=1 b=x a=2 msg=1 msg=2");
    CU_ASSERT_PTR_NULL(strstr(line, "\"a\":\"1\""));
    CU_ASSERT_PTR_NULL(strstr(line, "\"_msg\":\"1\""));
    json_t *j = parse(line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "a")), "2");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "_msg")), "2");
    CU_ASSERT_EQUAL(json_object_size(j), 7); /* ts level plugin msg a b _msg */
    json_decref(j);
}

static void test_log_json_long_msg_is_kept(void)
{
    size_t n = LOG_LINE_MAX + 100;
    char *msg = malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    memset(msg, 'm', n);
    msg[n] = 0;
    log_format_line(line, sizeof(line), LOG_FORMAT_JSON, TS_MS, BT_LOG_INFO, "plugin", "p", msg,
                    "a=1");
    json_t *j = parse(line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    const char *m = json_string_value(json_object_get(j, "msg"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT(strlen(m) > 1000 && strlen(m) < n);
    CU_ASSERT_TRUE(json_is_true(json_object_get(j, "cut")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "a")), "1");
    json_decref(j);
    /* Quotes in a value cut half way never leave invalid JSON behind. */
    memset(msg, '"', n);
    log_format_line(line, sizeof(line), LOG_FORMAT_JSON, TS_MS, BT_LOG_INFO, "plugin", "p", "m",
                    msg);
    j = parse(line);
    CU_ASSERT_PTR_NOT_NULL(j);
    json_decref(j);
    free(msg);
}

static void test_log_logfmt_reserved_fields_renamed(void)
{
    /* A plugin cannot make its line claim another plugin, level or the host. */
    CU_ASSERT_STRING_EQUAL(fmt_line(LOG_FORMAT_LOGFMT, BT_LOG_INFO, "plugin", "p", "m",
                                    "plugin=other level=error ts=0 msg=x component=host ok=1"),
                           "ts=2026-11-29T23:40:00.123Z level=info plugin=p msg=\"m\" "
                           "_plugin=other _level=error _ts=0 _msg=x _component=host ok=1\n");
    /* Host lines keep plugin=: it names the subject. */
    CU_ASSERT_STRING_EQUAL(
        fmt_line(LOG_FORMAT_LOGFMT, BT_LOG_INFO, "component", "host", "m", "plugin=evm x=\"a b"),
        "ts=2026-11-29T23:40:00.123Z level=info component=host msg=\"m\" plugin=evm x=\"a b\"\n");
    fmt_line(LOG_FORMAT_JSON, BT_LOG_INFO, "plugin", "p", "m", "component=host");
    json_t *j = parse(line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_PTR_NULL(json_object_get(j, "component"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "_component")), "host");
    json_decref(j);
}

static void test_log_timestamps(void)
{
    static const struct {
        uint64_t ms;
        const char *ts;
    } cases[] = {{0, "1970-01-01T00:00:00.000Z"},
                 {951782400001ull, "2000-02-29T00:00:00.001Z"},
                 {4107542399999ull, "2100-02-28T23:59:59.999Z"},
                 {1709251199000ull, "2024-02-29T23:59:59.000Z"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        log_format_line(line, sizeof(line), LOG_FORMAT_LOGFMT, cases[i].ms, BT_LOG_INFO,
                        "component", "host", "m", NULL);
        CU_ASSERT_NSTRING_EQUAL(line + 3, cases[i].ts, strlen(cases[i].ts));
    }
}

static void test_log_quote_and_escape(void)
{
    char q[16];
    log_quote(q, sizeof(q), "a\"b\\c\nd");
    CU_ASSERT_STRING_EQUAL(q, "\"a\\\"b\\\\c\\nd\"");
    log_quote(q, sizeof(q), "\x1b[31mred\x1b[0m and more");
    CU_ASSERT_STRING_EQUAL(q, "\"\\x1b[31mre...\"");
    char e[32];
    log_escape_text(e, sizeof(e), "x\ny\t\x1b\"z\"");
    CU_ASSERT_STRING_EQUAL(e, "x\\ny\\t\\x1b\"z\"");
}

/* A reason with quotes, a backslash, '=' and a newline: quoted with LOG_Q it stays one field
 * in logfmt and comes back unchanged in JSON; NULL is an empty value. */
static void test_log_q_values_round_trip(void)
{
    const char *why = "peer said \"bye\" = c:\\x\nnext";
    char f[1024];
    snprintf(f, sizeof(f), "peer=7 reason=%s err=%s n=2", LOG_Q(why), LOG_Q(NULL));
    CU_ASSERT_STRING_EQUAL(f,
                           "peer=7 reason=\"peer said \\\"bye\\\" = c:\\\\x\\nnext\" err=\"\" n=2");
    CU_ASSERT_STRING_EQUAL(
        fmt_line(LOG_FORMAT_LOGFMT, BT_LOG_WARN, "component", "host", "m", f),
        "ts=2026-11-29T23:40:00.123Z level=warn component=host msg=\"m\" "
        "peer=7 reason=\"peer said \\\"bye\\\" = c:\\\\x\\nnext\" err=\"\" n=2\n");
    json_error_t e;
    json_t *j =
        json_loads(fmt_line(LOG_FORMAT_JSON, BT_LOG_WARN, "component", "host", "m", f), 0, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "reason")), why);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "err")), "");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "peer")), "7");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "n")), "2");
    CU_ASSERT_EQUAL(json_object_size(j), 8); /* ts level component msg peer reason err n */
    json_decref(j);
    /* A value longer than LOG_Q_MAX is cut inside its quotes; the next field survives. */
    char big[LOG_Q_MAX * 2];
    memset(big, '"', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    snprintf(f, sizeof(f), "reason=%s n=3", LOG_Q(big));
    j = json_loads(fmt_line(LOG_FORMAT_JSON, BT_LOG_WARN, "component", "host", "m", f), 0, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    const char *r = json_string_value(json_object_get(j, "reason"));
    CU_ASSERT(r && strlen(r) > 100 && strlen(r) < LOG_Q_MAX && strstr(r, "\"\"...") != NULL);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "n")), "3");
    json_decref(j);
}

static void write_to_full(void *arg)
{
    (void)arg;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(log_set_file("/dev/full", err, sizeof(err)), BT_OK);
    hlog(BT_LOG_ERROR, "lost", NULL);
    hlog(BT_LOG_ERROR, "lost again", NULL);
    log_shutdown();
}

static void test_log_write_failure_is_reported_once(void)
{
    char *out = capture_stderr(write_to_full, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, "bttcd: log file /dev/full: write failed: No space left on device "
                                "(log lines are lost until it is writable or reopened)\n");
    free(out);
}

static void emit_async(void *arg)
{
    (void)arg;
    log_set_format(LOG_FORMAT_JSON);
    log_emit_async(BT_LOG_WARN, "second signal, exiting immediately");
    log_set_format(LOG_FORMAT_LOGFMT);
}

static void test_log_async_line_follows_format(void)
{
    char *out = capture_stderr(emit_async, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    json_t *j = parse(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "level")), "warn");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "msg")),
                           "second signal, exiting immediately");
    json_decref(j);
    free(out);
}

BTS_TEST_SUITE("log", NULL, NULL, BTS_TEST(test_log_logfmt_line), BTS_TEST(test_log_logfmt_escapes),
               BTS_TEST(test_log_json_line), BTS_TEST(test_log_long_lines_are_cut),
               BTS_TEST(test_log_level_filter), BTS_TEST(test_log_threads),
               BTS_TEST(test_log_parsers), BTS_TEST(test_log_file_and_reopen),
               BTS_TEST(test_log_json_replaces_bad_utf8),
               BTS_TEST(test_log_json_duplicate_keys_keep_last),
               BTS_TEST(test_log_json_long_msg_is_kept),
               BTS_TEST(test_log_logfmt_reserved_fields_renamed), BTS_TEST(test_log_timestamps),
               BTS_TEST(test_log_quote_and_escape), BTS_TEST(test_log_q_values_round_trip),
               BTS_TEST(test_log_write_failure_is_reported_once),
               BTS_TEST(test_log_async_line_follows_format));
