/* Small helpers of the transports: bound ports, comma-separated lists, and geth's vhost and
 * WebSocket origin rules (node/rpcstack.go). */
#include "net_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/util.h>

void *net_accept_conn(struct event_base *base, int fd, size_t conn_size,
                      struct bufferevent **out_bev)
{
    void *c = calloc(1, conn_size);
    *out_bev = c ? bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE) : NULL;
    if (!*out_bev) {
        free(c);
        evutil_closesocket(fd);
        return NULL;
    }
    return c;
}

uint16_t net_bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

bt_status net_list_parse(const char *csv, struct net_list *out)
{
    memset(out, 0, sizeof(*out));
    if (!csv)
        return BT_OK;
    const char *p = csv;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *s = p;
        size_t len = n;
        while (len && isspace((unsigned char)*s))
            s++, len--;
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (len) {
            char **items = realloc(out->items, (out->n + 1) * sizeof(*items));
            char *item = malloc(len + 1);
            if (items)
                out->items = items;
            if (!items || !item) {
                free(item);
                net_list_free(out);
                return BT_ENOMEM;
            }
            for (size_t i = 0; i < len; i++)
                item[i] = (char)tolower((unsigned char)s[i]);
            item[len] = 0;
            out->items[out->n++] = item;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return BT_OK;
}

void net_list_free(struct net_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

int net_list_has(const struct net_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

static int is_ip(const char *host)
{
    struct in6_addr a6;
    struct in_addr a4;
    return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

int net_vhost_ok(const struct net_list *vhosts, const char *host)
{
    if (!host || !*host)
        return 1;
    char h[256];
    snprintf(h, sizeof(h), "%s", host);
    /* net.SplitHostPort: "[v6]:port", "name:port"; more colons without brackets: a bare v6. */
    if (h[0] == '[') {
        char *e = strchr(h, ']');
        if (e) {
            *e = 0;
            memmove(h, h + 1, strlen(h + 1) + 1);
        }
    } else {
        char *c = strchr(h, ':');
        if (c && !strchr(c + 1, ':'))
            *c = 0;
    }
    if (is_ip(h))
        return 1;
    return net_list_has(vhosts, "*") || net_list_has(vhosts, h);
}

/* Split "scheme://host:port" into its parts (each may be empty). */
static void origin_split(const char *o, char *scheme, char *host, char *port, size_t cap)
{
    scheme[0] = host[0] = port[0] = 0;
    const char *p = strstr(o, "://");
    if (p) {
        snprintf(scheme, cap, "%.*s", (int)(p - o), o);
        o = p + 3;
    }
    const char *c = strrchr(o, ':');
    if (c && !strchr(c, ']')) {
        snprintf(host, cap, "%.*s", (int)(c - o), o);
        snprintf(port, cap, "%s", c + 1);
    } else {
        snprintf(host, cap, "%s", o);
    }
}

static int rule_allows(const char *rule, const char *origin)
{
    char rs[256], rh[256], rp[256], os[256], oh[256], op[256];
    origin_split(rule, rs, rh, rp, sizeof(rs));
    origin_split(origin, os, oh, op, sizeof(os));
    if (*rs && strcasecmp(rs, os) != 0)
        return 0;
    if (*rp && strcmp(rp, op) != 0)
        return 0;
    return strcasecmp(rh, oh) == 0;
}

int net_origin_ok(const struct net_list *origins, const char *origin)
{
    if (!origin)
        return 1;
    if (net_list_has(origins, "*"))
        return 1;
    if (origins->n == 0) {
        char hn[256], buf[300];
        if (strcasecmp(origin, "http://localhost") == 0)
            return 1;
        if (gethostname(hn, sizeof(hn)) == 0) {
            hn[sizeof(hn) - 1] = 0;
            snprintf(buf, sizeof(buf), "http://%s", hn);
            return strcasecmp(origin, buf) == 0;
        }
        return 0;
    }
    for (size_t i = 0; i < origins->n; i++)
        if (rule_allows(origins->items[i], origin))
            return 1;
    return 0;
}
