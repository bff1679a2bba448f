/* The SDK's copy of the host services table, set once per plugin by bts_plugin_init(), and the
 * fallback for log lines written before it. */
#include <bts/log.h>

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* One per plugin .so (libbtsdk is static and hidden). Atomic because "Thread: any" services
 * such as log may read it from worker threads while a second instance's create stores it. */
static _Atomic(const struct bt_host *) bts_host_table;

void bts_plugin_init(const struct bt_host *host)
{
    atomic_store_explicit(&bts_host_table, host, memory_order_release);
}

const struct bt_host *bts_host(void)
{
    return atomic_load_explicit(&bts_host_table, memory_order_acquire);
}

void bts_log_uninit_(uint32_t level, const char *msg)
{
    static const char *const names[] = {"error", "warn", "info", "debug", "trace"};
    const char *lvl = level < BTS_ARRAY_SIZE(names) ? names[level] : "unknown";
    fprintf(stderr, "level=%s msg=\"%s\" note=\"logged before bts_plugin_init()\"\n", lvl,
            msg ? msg : "");
}

/* The escape of byte c into esc[4]; returns its length. */
static size_t quote_esc(char esc[4], unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (c == '"' || c == '\\')
        esc[n++] = '\\', esc[n++] = (char)c;
    else if (c == '\n' || c == '\t' || c == '\r')
        esc[n++] = '\\', esc[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
    else if (c < 0x20 || c == 0x7f)
        esc[n++] = '\\', esc[n++] = 'x', esc[n++] = hex[c >> 4], esc[n++] = hex[c & 15];
    else
        esc[n++] = (char)c;
    return n;
}

const char *bts_log_quote(char *out, size_t cap, const char *s)
{
    if (cap < 6) {
        if (cap)
            out[0] = 0;
        return out;
    }
    const unsigned char *v = (const unsigned char *)(s ? s : "");
    char esc[4];
    size_t whole = 0;
    for (const unsigned char *p = v; *p; p++)
        whole += quote_esc(esc, *p);
    /* Whole if it fits with its two quotes and the NUL; else cut with room for "...". */
    size_t limit = whole + 3 <= cap ? whole : cap - 6, o = 0;
    out[o++] = '"';
    for (const unsigned char *p = v; *p; p++) {
        size_t n = quote_esc(esc, *p);
        if (o - 1 + n > limit)
            break;
        memcpy(out + o, esc, n);
        o += n;
    }
    if (limit < whole) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = 0;
    return out;
}
