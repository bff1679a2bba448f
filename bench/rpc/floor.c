/* The floor server (floor.h): level-triggered epoll like libevent's, one read() per readable
 * connection, every complete request in it answered by one write() of canned answers. */
#include "floor.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONN_BUF 16384

static const char ANSWER[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Content-Length: 40\r\n\r\n"
                             "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x0\"}\n";

struct fconn {
    int fd;
    size_t len;
    char buf[CONN_BUF];
};

/* Length of the first complete request in buf (head and Content-Length body), 0 if it is
 * incomplete; *is_close: it asked for Connection: close (the bench's readiness probe). */
static size_t request_len(const char *buf, size_t len, int *is_close)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t head = (size_t)(end - buf) + 4, body = 0;
    const char *cl = memmem(buf, head, "Content-Length:", 15);
    if (cl)
        body = (size_t)strtoul(cl + 15, NULL, 10);
    if (memmem(buf, head, "Connection: close", 17))
        *is_close = 1;
    return len - head >= body ? head + body : 0;
}

static void conn_free(int ep, struct fconn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

/* One read; answers for every complete request in one write. 0, or -1: close. */
static int conn_read(struct fconn *c)
{
    ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
    if (n <= 0)
        return -1;
    c->len += (size_t)n;
    char out[sizeof(ANSWER) * 32];
    size_t out_len = 0, off = 0, r;
    int is_close = 0;
    while (out_len + sizeof(ANSWER) <= sizeof(out) &&
           (r = request_len(c->buf + off, c->len - off, &is_close)) > 0) {
        memcpy(out + out_len, ANSWER, sizeof(ANSWER) - 1);
        out_len += sizeof(ANSWER) - 1;
        off += r;
    }
    memmove(c->buf, c->buf + off, c->len - off);
    c->len -= off;
    if (c->len == sizeof(c->buf))
        return -1; /* a request larger than the buffer: not this bench's load */
    if (out_len && write(c->fd, out, out_len) != (ssize_t)out_len)
        return -1; /* small answers: the socket buffer always takes them here */
    return is_close ? -1 : 0;
}

int floor_serve(int lfd)
{
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0)
        return 1;
    for (;;) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);
        for (int i = 0; i < n; i++) {
            struct fconn *c = evs[i].data.ptr;
            if (!c) {
                int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                c = fd >= 0 ? calloc(1, sizeof(*c)) : NULL;
                if (!c) {
                    if (fd >= 0)
                        close(fd);
                    continue;
                }
                c->fd = fd;
                struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) != 0) {
                    close(fd);
                    free(c);
                }
                continue;
            }
            if (conn_read(c) != 0)
                conn_free(ep, c);
        }
    }
}
