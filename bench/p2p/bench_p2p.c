/* RLPx on TCP loopback, with the host's session state machine (host/net/p2p/sess.c): one thread
 * dials, one accepts, each with blocking sockets.
 *   bench_p2p [--quick]   --quick: tiny sizes, only checks that everything arrives intact.
 * Figures: handshakes/s (TCP connect, EIP-8 auth/ack with ECIES, secrets, Hello both ways,
 * capability negotiation) and frame throughput in MB/s of message payload for 64 KiB messages,
 * incompressible and compressible (Snappy is on: p2p v5). Wall time of the run and process CPU
 * time (both threads) are printed; per-handshake CPU is the figure that does not depend on the
 * machine's load. */
#include "sess_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bts/enode.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_p2p: %s\n", what);
    exit(1);
}

static void sys_rand(void *buf, size_t n)
{
    if (getrandom(buf, n, 0) != (ssize_t)n)
        die("getrandom");
}

static uint8_t key_a[32], key_b[32], id_a[64], id_b[64];
static struct sess_cap caps[1] = {{{"eth", 66}, 17, 1u << 20}};
static struct sess_cfg cfg_a, cfg_b;
static int listen_fd;
static uint16_t port;

struct rx {
    uint64_t bytes, msgs;
    uint64_t sum; /* a cheap checksum of every payload received (FNV-1a over 8-byte words) */
};

static uint64_t checksum(uint64_t h, const uint8_t *d, size_t len)
{
    for (size_t i = 0; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, d + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    return h ^ len;
}

static int on_msg(void *arg, struct sess *s, size_t cap, uint64_t code, const uint8_t *d,
                  size_t len)
{
    (void)s, (void)cap, (void)code;
    struct rx *r = arg;
    if (!r)
        return 0;
    r->bytes += len;
    r->msgs++;
    r->sum = checksum(r->sum, d, len);
    return 0;
}

static void write_all(int fd, struct bts_buf *b)
{
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->data + off, b->len - off);
        if (w <= 0)
            die("write");
        off += (size_t)w;
    }
    bts_buf_reset(b);
}

/* Read and feed until `done(s)` or the peer closes. */
static void pump_until(int fd, struct sess *s, int (*done)(const struct sess *, const void *),
                       const void *arg)
{
    uint8_t buf[65536];
    while (!done(s, arg)) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            die("read");
        if (sess_feed(s, buf, (size_t)n) != BT_OK)
            die(s->error ? s->error : "session failed");
        if (s->out.len)
            write_all(fd, &s->out);
    }
}

static int is_active(const struct sess *s, const void *arg)
{
    (void)arg;
    return s->state == SESS_ACTIVE;
}

static int got_all(const struct sess *s, const void *arg)
{
    const struct rx *r = s->ev.arg;
    return r->msgs >= *(const uint64_t *)arg;
}

struct job {
    size_t n_handshakes;
    uint64_t n_msgs;
    struct rx rx;
};

static int connect_lo(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
        die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* The accepting side: handshakes, then (when n_msgs) receive messages. */
static void *acceptor(void *arg)
{
    struct job *j = arg;
    for (size_t i = 0; i < j->n_handshakes + (j->n_msgs ? 1 : 0); i++) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0)
            die("accept");
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct sess s;
        struct sess_events ev = {NULL, on_msg, NULL, i == j->n_handshakes ? &j->rx : NULL};
        if (sess_init(&s, &cfg_b, &ev, NULL) != BT_OK)
            die("sess_init");
        pump_until(fd, &s, is_active, NULL);
        if (i == j->n_handshakes)
            pump_until(fd, &s, got_all, &j->n_msgs);
        sess_free(&s);
        close(fd);
    }
    return NULL;
}

static struct sess *dial(int *out_fd)
{
    static struct sess s;
    struct sess_events ev = {NULL, on_msg, NULL, NULL};
    *out_fd = connect_lo();
    if (sess_init(&s, &cfg_a, &ev, id_b) != BT_OK)
        die("sess_init");
    write_all(*out_fd, &s.out);
    pump_until(*out_fd, &s, is_active, NULL);
    return &s;
}

static void setup(void)
{
    do
        sys_rand(key_a, 32);
    while (bts_enode_id_from_seckey(id_a, key_a) != BT_OK);
    do
        sys_rand(key_b, 32);
    while (bts_enode_id_from_seckey(id_b, key_b) != BT_OK);
    cfg_a = (struct sess_cfg){key_a, id_a, "bench/a", 0, caps, 1, sys_rand};
    cfg_b = (struct sess_cfg){key_b, id_b, "bench/b", 0, caps, 1, sys_rand};
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sin);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        listen(listen_fd, 64) != 0 || getsockname(listen_fd, (struct sockaddr *)&sin, &sl) != 0)
        die("listen");
    port = ntohs(sin.sin_port);
}

static void bench_handshakes(size_t n)
{
    struct job j = {n, 0, {0}};
    pthread_t t;
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    pthread_create(&t, NULL, acceptor, &j);
    for (size_t i = 0; i < n; i++) {
        int fd;
        struct sess *s = dial(&fd);
        if (s->n_shared != 1 || strcmp(s->remote_client, "bench/b") != 0)
            die("handshake result");
        sess_free(s);
        close(fd);
    }
    pthread_join(t, NULL);
    double wall = clock_s(CLOCK_MONOTONIC) - w0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("handshakes: %zu in %.3f s wall: %.0f/s wall, %.0f/s per CPU-second "
           "(%.2f ms CPU each, both sides)\n",
           n, wall, (double)n / wall, (double)n / cpu, cpu * 1e3 / (double)n);
}

static void bench_frames(uint64_t n_msgs, size_t msg_len, int compressible)
{
    struct job j = {0, n_msgs, {0}};
    pthread_t t;
    pthread_create(&t, NULL, acceptor, &j);
    int fd;
    struct sess *s = dial(&fd);
    uint8_t *msg = malloc(msg_len);
    if (!msg)
        die("out of memory");
    uint64_t x = 88172645463325252ull, want = 0;
    for (size_t k = 0; k < msg_len; k++) { /* made once: the timing is the transport's */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        msg[k] = compressible ? (uint8_t)("abcdefgh"[x & 7]) : (uint8_t)x;
    }
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    for (uint64_t i = 0; i < n_msgs; i++) {
        memcpy(msg, &i, sizeof(i)); /* every message differs */
        want = checksum(want, msg, msg_len);
        if (sess_send(s, 0, 3, msg, msg_len) != BT_OK)
            die("send");
        write_all(fd, &s->out);
    }
    pthread_join(t, NULL);
    double wall = clock_s(CLOCK_MONOTONIC) - w0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (j.rx.msgs != n_msgs || j.rx.bytes != n_msgs * msg_len || j.rx.sum != want)
        die("frames arrived damaged or incomplete");
    double mb = (double)(n_msgs * msg_len) / 1e6;
    printf("frames (%s, %zu-byte messages): %.1f MB in %.3f s: %.1f MB/s wall, "
           "%.1f MB per CPU-second (both sides)\n",
           compressible ? "compressible" : "incompressible", msg_len, mb, wall, mb / wall,
           mb / cpu);
    free(msg);
    sess_free(s);
    close(fd);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    setup();
    bench_handshakes(quick ? 3 : 500);
    bench_frames(quick ? 4 : 2000, quick ? 4096 : 65536, 0);
    bench_frames(quick ? 4 : 2000, quick ? 4096 : 65536, 1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    close(listen_fd);
    return 0;
}
