/* The REST router behind host->http_register: pattern checks, duplicate routes, and a real
 * evhttp round trip with path parameters, query, 404 and 405, answered through the services
 * table as a plugin would. */
#include "rest_int.h"

#include <bts/test.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "services_int.h"

static struct host_rt rt;
static uint16_t port;

static void span_handler(void *arg, struct bt_http_request *req)
{
    struct bt_host_ctx *h = arg;
    char body[256];
    int n = snprintf(body, sizeof(body), "{\"id\":\"%s\",\"query\":\"%s\",\"n\":%zu}",
                     req->path_params[0], req->query, req->n_path_params);
    services_table.http_reply(h, req, 200, "application/json", (const uint8_t *)body, (size_t)n);
}

static void test_rpc_rest_patterns(void)
{
    CU_ASSERT_TRUE(rest_pattern_ok("/"));
    CU_ASSERT_TRUE(rest_pattern_ok("/bor/span/{id}"));
    CU_ASSERT_TRUE(rest_pattern_ok("/checkpoints/latest"));
    CU_ASSERT_FALSE(rest_pattern_ok(""));
    CU_ASSERT_FALSE(rest_pattern_ok("bor"));
    CU_ASSERT_FALSE(rest_pattern_ok("/bor//span"));
    CU_ASSERT_FALSE(rest_pattern_ok("/bor/{}"));
    CU_ASSERT_FALSE(rest_pattern_ok("/bor/{id"));
    CU_ASSERT_FALSE(rest_pattern_ok("/bor/span/"));
}

/* A blocking HTTP/1.0 client on its own thread; the loop stops when it is done. */
struct fetch {
    const char *request;
    char response[2048];
};

static void *client(void *arg)
{
    struct fetch *f = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    size_t got = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        write(fd, f->request, strlen(f->request)) == (ssize_t)strlen(f->request)) {
        ssize_t r;
        while (got < sizeof(f->response) - 1 &&
               (r = read(fd, f->response + got, sizeof(f->response) - 1 - got)) > 0)
            got += (size_t)r;
    }
    f->response[got] = 0;
    close(fd);
    event_base_loopbreak(rt.loop.base);
    return NULL;
}

static void fetch(struct fetch *f)
{
    pthread_t t;
    pthread_create(&t, NULL, client, f);
    loop_run(&rt.loop);
    pthread_join(t, NULL);
}

static void test_rpc_rest_round_trip(void)
{
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt, 1, "/tmp"), BT_OK);
    rt.phase = RT_PHASE_RUN;
    struct bt_host_ctx *h = hctx_new(&rt, "test-plugin", NULL, NULL);
    const struct bt_host *H = &services_table;
    CU_ASSERT_EQUAL(H->http_register(h, "GET", "/bor/span/{id}", span_handler, h), BT_OK);
    CU_ASSERT_EQUAL(H->http_register(h, "GET", "/bor/span/{id}", span_handler, h), BT_EEXIST);
    CU_ASSERT_EQUAL(rest_route_count(rt.rest), 1);
    char err[128];
    CU_ASSERT_EQUAL_FATAL(
        rest_server_start(rt.rest, rt.loop.base, "127.0.0.1", 0, &port, err, sizeof(err)), BT_OK);
    CU_ASSERT_NOT_EQUAL(port, 0);
    struct fetch f = {.request = "GET /bor/span/7?x=1 HTTP/1.0\r\n\r\n"};
    fetch(&f);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.response, "HTTP/1.0 200"));
    CU_ASSERT_PTR_NOT_NULL(strstr(f.response, "\r\n\r\n{\"id\":\"7\",\"query\":\"x=1\",\"n\":1}"));
    struct fetch nf = {.request = "GET /bor/nope HTTP/1.0\r\n\r\n"};
    fetch(&nf);
    CU_ASSERT_PTR_NOT_NULL(strstr(nf.response, " 404 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(nf.response, "{\"error\":\"not found\"}"));
    struct fetch na = {.request = "POST /bor/span/7 HTTP/1.0\r\nContent-Length: 0\r\n\r\n"};
    fetch(&na);
    CU_ASSERT_PTR_NOT_NULL(strstr(na.response, " 405 "));
    rt_quiesce(&rt);
    hctx_release(h); /* drops its routes */
    CU_ASSERT_EQUAL(rest_route_count(rt.rest), 0);
    rt_free(&rt);
}

BTS_TEST_SUITE("rpc_rest", NULL, NULL, BTS_TEST(test_rpc_rest_patterns),
               BTS_TEST(test_rpc_rest_round_trip));
