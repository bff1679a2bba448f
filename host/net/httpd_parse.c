/* HTTP/1.1 request framing for the JSON-RPC server (httpd.c): the request head (RFC 9112
 * §3, §5), comma-separated header tokens, and chunked bodies (§7.1). Pure functions over
 * bytes; the connection handling is in httpd.c. */
#include "httpd_int.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

int httpd_parse_head(struct hreq *r, char *head)
{
    memset(r, 0, sizeof(*r));
    r->clen = -1;
    char *save = NULL;
    char *line = strtok_r(head, "\r\n", &save);
    if (!line)
        return -1;
    char *sp1 = strchr(line, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || !sp2[8] || sp2[9])
        return -1;
    *sp1 = *sp2 = 0;
    r->method = line;
    r->target = sp1 + 1;
    r->minor = sp2[8] - '0';
    static const struct {
        const char *name;
        size_t off;
    } known[] = {
        {"host", offsetof(struct hreq, host)},
        {"content-type", offsetof(struct hreq, ctype)},
        {"origin", offsetof(struct hreq, origin)},
        {"authorization", offsetof(struct hreq, auth)},
        {"upgrade", offsetof(struct hreq, upgrade)},
        {"connection", offsetof(struct hreq, connection)},
        {"sec-websocket-key", offsetof(struct hreq, ws_key)},
        {"sec-websocket-version", offsetof(struct hreq, ws_version)},
        {"access-control-request-method", offsetof(struct hreq, ac_method)},
        {"access-control-request-headers", offsetof(struct hreq, ac_headers)},
        {"transfer-encoding", offsetof(struct hreq, te)},
    };
    while ((line = strtok_r(NULL, "\r\n", &save))) {
        char *colon = strchr(line, ':');
        if (!colon || colon == line)
            return -1;
        *colon = 0;
        char *val = trim(colon + 1);
        if (strcasecmp(line, "content-length") == 0) {
            char *end;
            long long v = strtoll(val, &end, 10);
            if (*val < '0' || *val > '9' || *end || v < 0)
                return -1;
            r->clen = v;
            continue;
        }
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            if (strcasecmp(line, known[i].name) == 0)
                *(const char **)((char *)r + known[i].off) = val;
    }
    return 0;
}

int httpd_has_token(const char *list, const char *tok)
{
    if (!list)
        return 0;
    size_t n = strlen(tok);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && t[-1] == ' ')
            t--;
        if ((size_t)(t - p) == n && strncasecmp(p, tok, n) == 0)
            return 1;
        p = e;
    }
    return 0;
}

int httpd_chunked_decode(const char *in, size_t len, size_t max, char **out, size_t *out_len,
                         size_t *consumed)
{
    size_t pos = 0, total = 0;
    char *body = NULL;
    for (;;) {
        const char *eol = memchr(in + pos, '\n', len - pos);
        if (!eol)
            goto incomplete;
        /* chunk-size = 1*HEXDIG: strtoull then stops at eol at the latest (in is not
         * NUL-terminated; a leading space would let it skip on past the line). */
        if (!isxdigit((unsigned char)in[pos]))
            goto malformed;
        char *end;
        unsigned long long n = strtoull(in + pos, &end, 16);
        if (end == in + pos || (*end != ';' && *end != '\r' && *end != '\n'))
            goto malformed;
        pos = (size_t)(eol - in) + 1;
        if (n == 0) {
            for (;;) { /* trailers up to an empty line */
                const char *e2 = memchr(in + pos, '\n', len - pos);
                if (!e2)
                    goto incomplete;
                size_t llen = (size_t)(e2 - (in + pos));
                pos = (size_t)(e2 - in) + 1;
                if (llen == 0 || (llen == 1 && in[pos - 2] == '\r'))
                    break;
            }
            *out = body ? body : malloc(1);
            *out_len = total;
            *consumed = pos;
            return *out ? 1 : -1;
        }
        if ((max && total + n > max) || n > (1ull << 32))
            goto too_large;
        if (len - pos < n + 2)
            goto incomplete;
        char *nb = realloc(body, total + (size_t)n + 1);
        if (!nb)
            goto malformed;
        body = nb;
        memcpy(body + total, in + pos, (size_t)n);
        total += (size_t)n;
        pos += (size_t)n;
        if (in[pos] == '\r')
            pos++;
        if (pos >= len || in[pos] != '\n')
            goto malformed;
        pos++;
    }
incomplete:
    free(body);
    return 0;
malformed:
    free(body);
    return -1;
too_large:
    free(body);
    return -2;
}
