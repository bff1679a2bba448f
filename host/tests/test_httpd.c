/* The HTTP/1.1 JSON-RPC server (host/net/httpd*.c) over a real loopback socket: keep-alive,
 * pipelining (also behind an asynchronous answer), requests split over many reads (a parsed
 * head waiting while the input buffer grows), chunked bodies, Connection: close and HTTP/1.0,
 * a half-closed client, head and body limits, and a WebSocket upgrade with a frame right
 * behind it on the same port. Exact response texts. */
#include "httpd_int.h"

#include <bts/test.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

static struct event_base *base;
static struct rpc_server *srv;
static struct httpd *hd;
static uint16_t port;

/* test_later: answers "later" from a timer, 5 ms after the call. */
struct later {
    struct event *ev;
    struct bt_rpc_call *call;
};

static void later_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct later *l = arg;
    rpc_call_result(l->call, "\"later\"");
    event_free(l->ev);
    free(l);
}

static void m_later(void *arg, struct bt_rpc_call *call)
{
    (void)arg;
    struct later *l = calloc(1, sizeof(*l));
    l->call = call;
    l->ev = evtimer_new(base, later_fire, l);
    struct timeval tv = {0, 5000};
    evtimer_add(l->ev, &tv);
}

static void start(size_t max_body)
{
    base = event_base_new();
    srv = rpc_server_new(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    CU_ASSERT_EQUAL(rpc_register(srv, NULL, "test_later", 0, m_later, NULL), BT_OK);
    struct httpd_cfg cfg = {.name = "http",
                            .serves_http = 1,
                            .serves_ws = 1,
                            .rpc = srv,
                            .max_body = max_body,
                            .token_hex = ""};
    CU_ASSERT_EQUAL(net_list_parse("http://a.example", &cfg.cors), BT_OK);
    CU_ASSERT_EQUAL(net_list_parse("localhost", &cfg.vhosts), BT_OK);
    char err[128];
    CU_ASSERT_EQUAL_FATAL(httpd_start(base, &cfg, "127.0.0.1", 0, &hd, &port, err, sizeof(err)),
                          BT_OK);
}

static void stop(void)
{
    httpd_stop(hd);
    rpc_server_free(srv);
    event_base_free(base);
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CU_ASSERT_FATAL(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    return fd;
}

static void put(int fd, const char *s, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(send(fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void put_str(int fd, const char *s)
{
    put(fd, s, strlen(s));
}

/* Run the loop and read until `want` bytes arrived, the peer closed (*closed = 1) or ms
 * passed. Returns the bytes read (NUL-terminated, malloc'd). */
static char *pump_ms(int fd, size_t want, int *closed, long ms)
{
    size_t cap = want + 65536, len = 0;
    char *out = calloc(1, cap + 1);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *closed = 0;
    for (;;) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        ssize_t n = recv(fd, out + len, cap - len, MSG_DONTWAIT);
        if (n > 0)
            len += (size_t)n;
        if (n == 0) {
            *closed = 1;
            break;
        }
        if (len >= want)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
            break;
        usleep(200);
    }
    out[len] = 0;
    return out;
}

static char *pump(int fd, size_t want, int *closed)
{
    return pump_ms(fd, want, closed, 2000);
}

/* One exact answer text for a JSON body, as the server frames it. */
static char *answer(const char *json, const char *extra)
{
    char *s = malloc(strlen(json) + 256);
    sprintf(
        s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%sContent-Length: %zu\r\n\r\n%s\n",
        extra ? extra : "Vary: Origin\r\n", strlen(json) + 1, json);
    return s;
}

static char *post(const char *json, const char *extra_headers)
{
    char *s = malloc(strlen(json) + 256);
    sprintf(s,
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n%s"
            "Content-Length: %zu\r\n\r\n%s",
            extra_headers ? extra_headers : "", strlen(json), json);
    return s;
}

#define SHA_REQ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x\"]}"
#define SHA_RES                                                                                    \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"                                                    \
    "\"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\"}"
#define LATER_REQ "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test_later\",\"params\":[]}"
#define LATER_RES "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"later\"}"

static void test_httpd_keep_alive_and_pipelining(void)
{
    start(0);
    int fd = dial(), closed;
    char *req = post(SHA_REQ, NULL), *res = answer(SHA_RES, NULL);
    /* Two requests one after the other on one connection. */
    for (int i = 0; i < 2; i++) {
        put_str(fd, req);
        char *got = pump(fd, strlen(res), &closed);
        CU_ASSERT_STRING_EQUAL(got, res);
        CU_ASSERT_EQUAL(closed, 0);
        free(got);
    }
    /* Three in one write: three answers in order. */
    char three[4096];
    snprintf(three, sizeof(three), "%s%s%s", req, req, req);
    put_str(fd, three);
    char *got = pump(fd, 3 * strlen(res), &closed);
    char want[4096];
    snprintf(want, sizeof(want), "%s%s%s", res, res, res);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
    /* An asynchronous answer, then one pipelined behind it (already buffered when the first is
     * answered), then one sent later. */
    char *lreq = post(LATER_REQ, NULL), *lres = answer(LATER_RES, NULL);
    snprintf(three, sizeof(three), "%s%s", lreq, req);
    put_str(fd, three);
    got = pump(fd, strlen(lres) + strlen(res), &closed);
    snprintf(want, sizeof(want), "%s%s", lres, res);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
    put_str(fd, req);
    got = pump(fd, strlen(res), &closed);
    CU_ASSERT_STRING_EQUAL(got, res);
    free(got);
    close(fd);
    free(req), free(res), free(lreq), free(lres);
    stop();
}

static void test_httpd_split_reads_and_big_body(void)
{
    start(0);
    /* A 60 KB body behind a head naming an Origin: the head is parsed and waits while the input
     * buffer grows (its strings move with it: the CORS answer quotes the Origin). */
    size_t n = 30000;
    char *json = malloc(2 * n + 128);
    int k =
        sprintf(json, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x");
    memset(json + k, '0', 2 * n);
    strcpy(json + k + 2 * n, "\"]}");
    char *req = post(json, "Origin: http://a.example\r\n");
    int fd = dial(), closed;
    size_t len = strlen(req), head = (size_t)(strstr(req, "\r\n\r\n") - req) + 4;
    put(fd, req, 10); /* the head in two parts, each read on its own */
    free(pump_ms(fd, 1, &closed, 20));
    put(fd, req + 10, head - 10);
    free(pump_ms(fd, 1, &closed, 20));
    for (size_t off = head; off < len; off += 5000) {
        if (off > head)
            free(pump_ms(fd, 1, &closed, 20));
        put(fd, req + off, len - off < 5000 ? len - off : 5000);
    }
    char *got = pump(fd, 1, &closed);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "HTTP/1.1 200 OK\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "Access-Control-Allow-Origin: http://a.example\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "\"result\":\"0x"));
    CU_ASSERT_EQUAL(closed, 0);
    free(got);
    /* The connection goes on. */
    char *sreq = post(SHA_REQ, NULL), *sres = answer(SHA_RES, NULL);
    put_str(fd, sreq);
    got = pump(fd, strlen(sres), &closed);
    CU_ASSERT_STRING_EQUAL(got, sres);
    free(got);
    /* A chunked body in three chunks. */
    const char *chunked = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n"
                          "11\r\n{\"jsonrpc\":\"2.0\",\r\n"
                          "2c;ext=1\r\n\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x\"]}\r\n"
                          "0\r\n\r\n";
    put_str(fd, chunked);
    got = pump(fd, strlen(sres), &closed);
    CU_ASSERT_STRING_EQUAL(got, sres);
    free(got);
    close(fd);
    free(json), free(req), free(sreq), free(sres);
    stop();
}

static void test_httpd_close_and_half_close(void)
{
    start(0);
    int closed;
    /* Connection: close: the answer says so and the server closes. */
    int fd = dial();
    char *req = post(SHA_REQ, "Connection: close\r\n");
    put_str(fd, req);
    char *got = pump(fd, 100000, &closed);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "\r\nConnection: close\r\n\r\n" SHA_RES "\n"));
    CU_ASSERT_EQUAL(closed, 1);
    free(got), free(req);
    close(fd);
    /* HTTP/1.0 without keep-alive: closed after the answer. */
    fd = dial();
    put_str(
        fd,
        "POST / HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 61\r\n\r\n" SHA_REQ);
    got = pump(fd, 100000, &closed);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, SHA_RES "\n"));
    CU_ASSERT_EQUAL(closed, 1);
    free(got);
    close(fd);
    /* A client that half-closes after its request still gets the answer. */
    fd = dial();
    req = post(LATER_REQ, NULL);
    put_str(fd, req);
    shutdown(fd, SHUT_WR);
    got = pump(fd, 100000, &closed);
    char *res = answer(LATER_RES, NULL);
    CU_ASSERT_STRING_EQUAL(got, res);
    free(got), free(req), free(res);
    close(fd);
    stop();
}

static void test_httpd_limits(void)
{
    start(100);
    int closed;
    int fd = dial();
    put_str(fd, "POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 101\r\n\r\n");
    char *got = pump(fd, 100000, &closed);
    CU_ASSERT_STRING_EQUAL(got,
                           "HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: text/plain; "
                           "charset=utf-8\r\nContent-Length: 35\r\nConnection: close\r\n\r\n"
                           "content length too large (101>100)\n");
    CU_ASSERT_EQUAL(closed, 1);
    free(got);
    close(fd);
    /* No end of head within 64 KB. */
    fd = dial();
    char *big = malloc(70000);
    memcpy(big, "POST / HTTP/1.1\r\nX: ", 20);
    memset(big + 20, 'a', 70000 - 20);
    put(fd, big, 70000);
    got = pump(fd, 100000, &closed);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    free(got), free(big);
    close(fd);
    /* A malformed request line. */
    fd = dial();
    put_str(fd, "BAD\r\n\r\n");
    got = pump(fd, 100000, &closed);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "HTTP/1.1 400 Bad Request\r\n"));
    CU_ASSERT_EQUAL(closed, 1);
    free(got);
    close(fd);
    stop();
}

static void test_httpd_websocket_upgrade(void)
{
    start(0);
    int fd = dial(), closed;
    /* A plain request first, then the upgrade and a masked text frame in one write. */
    char *req = post(SHA_REQ, NULL), *res = answer(SHA_RES, NULL);
    put_str(fd, req);
    char *got = pump(fd, strlen(res), &closed);
    CU_ASSERT_STRING_EQUAL(got, res);
    free(got);
    const char *up = "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n";
    const char *msg = SHA_REQ;
    size_t ul = strlen(up), ml = strlen(msg);
    unsigned char buf[1024];
    memcpy(buf, up, ul);
    unsigned char *f = buf + ul;
    const unsigned char mask[4] = {1, 2, 3, 4};
    f[0] = 0x81;
    f[1] = (unsigned char)(0x80 | ml);
    memcpy(f + 2, mask, 4);
    for (size_t i = 0; i < ml; i++)
        f[6 + i] = (unsigned char)msg[i] ^ mask[i % 4];
    put(fd, (const char *)buf, ul + 6 + ml);
    const char *hs = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                     "Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    size_t hl = strlen(hs), rl = strlen(SHA_RES);
    got = pump(fd, hl + 2 + rl, &closed);
    CU_ASSERT_EQUAL(memcmp(got, hs, hl), 0);
    CU_ASSERT_EQUAL((unsigned char)got[hl], 0x81);
    CU_ASSERT_EQUAL((unsigned char)got[hl + 1], rl);
    CU_ASSERT_STRING_EQUAL(got + hl + 2, SHA_RES);
    free(got), free(req), free(res);
    close(fd);
    stop();
}

BTS_TEST_SUITE("httpd", NULL, NULL, BTS_TEST(test_httpd_keep_alive_and_pipelining),
               BTS_TEST(test_httpd_split_reads_and_big_body),
               BTS_TEST(test_httpd_close_and_half_close), BTS_TEST(test_httpd_limits),
               BTS_TEST(test_httpd_websocket_upgrade));
