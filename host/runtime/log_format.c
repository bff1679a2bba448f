/* Building one log line (logfmt or JSON) in a caller's buffer, and the escaping helpers for
 * text that reaches stderr or a log field. No allocation, no locale, no stdio: the signal
 * handler of signals.c formats its line with the same code. */
#include "log_int.h"

#include <string.h>

#include <bt/host.h>

/* A fixed-capacity writer: overflowing text is dropped and the line later ends with "...". */
struct lw {
    char *p;
    size_t len, cap; /* cap excludes the room kept for the line's ending */
    int cut;
};

static void lw_putc(struct lw *w, char c)
{
    if (w->len < w->cap)
        w->p[w->len++] = c;
    else
        w->cut = 1;
}

static void lw_put(struct lw *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lw_putc(w, s[i]);
}

static void lw_puts(struct lw *w, const char *s)
{
    lw_put(w, s, strlen(s));
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

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 table 2: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0 if the bytes there are not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

/* A JSON string of s[0..n). Bytes that are not UTF-8 become U+FFFD (RFC 8259 §8.1 requires
 * UTF-8). At most `max` output bytes: *out_cut is set when s did not fit whole, and the
 * string is still closed, never split inside an escape or a character. */
static void lw_json_str_max(struct lw *w, const char *s, size_t n, size_t max, int *out_cut)
{
    size_t end = w->len + max;
    lw_putc(w, '"');
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)s + i;
        char esc[8];
        size_t en, step = 1;
        if (*u == '"' || *u == '\\') {
            esc[0] = '\\', esc[1] = (char)*u, en = 2;
        } else if (*u == '\n' || *u == '\t' || *u == '\r') {
            esc[0] = '\\', esc[1] = *u == '\n' ? 'n' : *u == '\t' ? 't' : 'r', en = 2;
        } else if (*u < 0x20 || *u == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[*u >> 4], esc[5] = hex[*u & 15], en = 6;
        } else if ((step = utf8_len(u, n - i)) == 0) {
            memcpy(esc, "\\ufffd", 6), en = 6, step = 1;
        } else {
            memcpy(esc, u, step), en = step;
        }
        if (w->len + en + 1 > end || w->len + en + 1 > w->cap) {
            if (out_cut)
                *out_cut = 1;
            break;
        }
        lw_put(w, esc, en);
        i += step;
    }
    lw_putc(w, '"');
}

static void lw_json_str(struct lw *w, const char *s, size_t n)
{
    lw_json_str_max(w, s, n, (size_t)-1 / 2, &w->cut);
}

/* YYYY-MM-DDTHH:MM:SS.mmmZ without gmtime or strftime (neither is async-signal-safe): days
 * to civil date as in Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms". */
static void format_ts(char out[32], uint64_t wall_ms)
{
    uint64_t secs = wall_ms / 1000;
    int64_t z = (int64_t)(secs / 86400) + 719468;
    uint64_t rem = secs % 86400;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    unsigned v[] = {(unsigned)y,
                    (unsigned)m,
                    (unsigned)d,
                    (unsigned)(rem / 3600),
                    (unsigned)(rem / 60 % 60),
                    (unsigned)(rem % 60),
                    (unsigned)(wall_ms % 1000)};
    static const unsigned widths[] = {4, 2, 2, 2, 2, 2, 3};
    static const char seps[] = "--T::.Z";
    size_t o = 0;
    for (size_t i = 0; i < 7; i++) {
        for (unsigned k = widths[i], x = v[i]; k > 0; k--, x /= 10)
            out[o + k - 1] = (char)('0' + x % 10);
        o += widths[i];
        out[o++] = seps[i];
    }
    out[o] = 0;
}

/* --- fields: the logfmt text a caller formatted, split into tokens ------------------------- */

struct field {
    const char *k, *v;
    size_t kn, vn;
    int has_v, is_quoted;
};

/* The next token: key, key=value or key="quoted \" value". Total over any text. */
static int next_field(const char **pf, struct field *fd)
{
    const char *f = *pf;
    while (*f == ' ')
        f++;
    if (!*f)
        return 0;
    fd->k = f;
    while (*f && *f != '=' && *f != ' ')
        f++;
    fd->kn = (size_t)(f - fd->k);
    fd->has_v = *f == '=';
    fd->is_quoted = 0;
    fd->v = f;
    if (fd->has_v) {
        fd->v = ++f;
        if (*f == '"') {
            fd->is_quoted = 1;
            for (f++; *f && *f != '"'; f++)
                if (*f == '\\' && f[1])
                    f++;
            if (*f == '"')
                f++;
        } else {
            while (*f && *f != ' ')
                f++;
        }
    }
    fd->vn = fd->has_v ? (size_t)(f - fd->v) : 0;
    *pf = f;
    return 1;
}

/* A field may not pass for the line's own members: ts, level, msg, the who member, and on
 * plugin lines "component" too (a plugin must not pose as the host). */
static int is_reserved_key(const char *k, size_t n, const char *who_key)
{
    const char *const reserved[] = {"ts", "level", "msg", who_key,
                                    strcmp(who_key, "plugin") == 0 ? "component" : "ts"};
    if (n == 0)
        return 1;
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strlen(reserved[i]) == n && memcmp(reserved[i], k, n) == 0)
            return 1;
    return 0;
}

/* The key as written out: reserved ones get a leading underscore. */
static size_t display_key(const struct field *fd, const char *who_key, char *out, size_t cap)
{
    size_t o = 0;
    if (is_reserved_key(fd->k, fd->kn, who_key))
        out[o++] = '_';
    size_t n = fd->kn < cap - o - 1 ? fd->kn : cap - o - 1;
    memcpy(out + o, fd->k, n);
    out[o + n] = 0;
    return o + n;
}

static void logfmt_fields(struct lw *w, const char *f, const char *who_key)
{
    struct field fd;
    while (next_field(&f, &fd)) {
        char key[128];
        size_t kn = display_key(&fd, who_key, key, sizeof(key));
        lw_putc(w, ' ');
        lw_escape_logfmt(w, key, kn, 0);
        if (!fd.has_v)
            continue;
        lw_putc(w, '=');
        lw_escape_logfmt(w, fd.v, fd.vn, 0);
        if (fd.is_quoted && (fd.vn < 2 || fd.v[fd.vn - 1] != '"'))
            lw_putc(w, '"'); /* an unterminated quote would swallow the rest of the line */
    }
}

#define MAX_FIELDS 256

/* Undo logfmt quoting (\" \\ \n \t \r \xNN) into out; returns the length. */
static size_t unquote(const char *v, size_t vn, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 1; i < vn && v[i] != '"' && o < cap; i++) {
        char c = v[i];
        if (c == '\\' && i + 1 < vn) {
            c = v[++i];
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
            else if (c == 'r')
                c = '\r';
            else if (c == 'x' && i + 2 < vn) {
                unsigned x = 0;
                int ok = 1;
                for (int k = 1; k <= 2; k++) {
                    char h = v[i + (size_t)k];
                    x = x * 16 + (unsigned)(h >= '0' && h <= '9'   ? h - '0'
                                            : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                                                   : (ok = 0));
                }
                if (ok) {
                    c = (char)x;
                    i += 2;
                }
            }
        }
        out[o++] = c;
    }
    return o;
}

/* logfmt fields as JSON members, every value a string (the text carries no types), a bare
 * key true. A key given twice keeps its last value: JSON objects have unique names. Returns
 * the offset after the last member written whole. */
static size_t json_fields(struct lw *w, const char *f, const char *who_key)
{
    struct field fs[MAX_FIELDS];
    size_t n = 0, good = w->len;
    struct field fd;
    while (n < MAX_FIELDS && next_field(&f, &fd))
        fs[n++] = fd;
    if (n == MAX_FIELDS && next_field(&f, &fd))
        w->cut = 1;
    for (size_t i = 0; i < n && !w->cut; i++) {
        char key[128], later[128];
        size_t kn = display_key(&fs[i], who_key, key, sizeof(key)), dup = 0;
        for (size_t j = i + 1; j < n && !dup; j++)
            dup = display_key(&fs[j], who_key, later, sizeof(later)) == kn &&
                  memcmp(key, later, kn) == 0;
        if (dup)
            continue;
        lw_putc(w, ',');
        lw_json_str(w, key, kn);
        lw_putc(w, ':');
        if (!fs[i].has_v) {
            lw_puts(w, "true");
        } else if (fs[i].is_quoted) {
            char val[LOG_LINE_MAX];
            lw_json_str(w, val, unquote(fs[i].v, fs[i].vn, val, sizeof(val)));
        } else {
            lw_json_str(w, fs[i].v, fs[i].vn);
        }
        if (!w->cut)
            good = w->len;
    }
    return good;
}

size_t log_format_line(char *out, size_t cap, enum log_format format, uint64_t wall_ms,
                       uint32_t level, const char *who_key, const char *who, const char *msg,
                       const char *fields)
{
    /* Room kept for the ending: "...\n" or ",\"cut\":true}\n", and the NUL. */
    struct lw w = {out, 0, cap > 16 ? cap - 16 : 0, 0};
    char ts[32];
    format_ts(ts, wall_ms);
    if (!msg)
        msg = "";
    if (format == LOG_FORMAT_JSON) {
        int msg_cut = 0;
        lw_puts(&w, "{\"ts\":\"");
        lw_puts(&w, ts);
        lw_puts(&w, "\",\"level\":\"");
        lw_puts(&w, log_level_name(level));
        lw_puts(&w, "\",");
        lw_json_str(&w, who_key, strlen(who_key));
        lw_putc(&w, ':');
        lw_json_str(&w, who, strlen(who));
        lw_puts(&w, ",\"msg\":");
        /* Every object has its msg: a long one is shortened to half the line, not dropped. */
        lw_json_str_max(&w, msg, strlen(msg), w.cap / 2, &msg_cut);
        size_t good = w.len;
        if (fields && !w.cut)
            good = json_fields(&w, fields, who_key);
        if (w.cut || msg_cut) {
            w.len = good;
            w.cap = cap - 2;
            lw_puts(&w, ",\"cut\":true");
            w.cut = 0;
        }
        w.cap = cap - 2;
        lw_putc(&w, '}');
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
        if (fields)
            logfmt_fields(&w, fields, who_key);
        if (w.cut) {
            w.cap = cap - 2;
            lw_puts(&w, "...");
        }
    }
    w.cap = cap - 1;
    lw_putc(&w, '\n');
    out[w.len] = 0;
    return w.len;
}

size_t log_quote(char *out, size_t cap, const char *s)
{
    struct lw w = {out, 0, cap > 5 ? cap - 5 : 0, 0};
    lw_putc(&w, '"');
    for (; *s && !w.cut; s++) {
        size_t before = w.len;
        lw_escape_logfmt(&w, s, 1, 1);
        if (w.cut)
            w.len = before; /* never end on half an escape */
    }
    w.cap = cap - 1;
    if (w.cut)
        lw_puts(&w, "...");
    lw_putc(&w, '"');
    out[w.len] = 0;
    return w.len;
}

const char *log_q(char *buf, size_t cap, const char *s)
{
    log_quote(buf, cap, s ? s : "");
    return buf;
}

size_t log_escape_text(char *out, size_t cap, const char *s)
{
    struct lw w = {out, 0, cap > 5 ? cap - 5 : 0, 0};
    for (; *s && !w.cut; s++) {
        size_t before = w.len;
        lw_escape_logfmt(&w, s, 1, 0);
        if (w.cut)
            w.len = before;
    }
    w.cap = cap - 1;
    if (w.cut)
        lw_puts(&w, "...");
    out[w.len] = 0;
    return w.len;
}
