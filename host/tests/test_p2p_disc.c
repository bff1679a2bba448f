/* Discovery v4 on a running node, from a hand-made peer on a UDP socket: an expired Ping is
 * ignored, a fresh one gets a Pong naming its hash (and a Ping back, to prove our endpoint);
 * FindNode from an unproven endpoint gets nothing, and after the peer answered that Ping it
 * gets Neighbors. Plus the dialer's backoff for a node that does not answer. */
#include "p2p_testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bts/discv4.h>

static struct event_base *base;

static int init(void)
{
    base = event_base_new();
    return base ? 0 : 1;
}

static int clean(void)
{
    event_base_free(base);
    return 0;
}

struct udp_peer {
    int fd;
    uint8_t key[32], id[64];
    uint16_t port;
    struct sockaddr_in node;
};

static void udp_open(struct udp_peer *pr, uint16_t node_port)
{
    memset(pr, 0, sizeof(*pr));
    memset(pr->key, 0x3c, 32);
    CU_ASSERT_EQUAL_FATAL(bts_enode_id_from_seckey(pr->id, pr->key), BT_OK);
    pr->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sin);
    CU_ASSERT_FATAL(bind(pr->fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    getsockname(pr->fd, (struct sockaddr *)&sin, &sl);
    pr->port = ntohs(sin.sin_port);
    pr->node = sin;
    pr->node.sin_port = htons(node_port);
}

static void udp_send(struct udp_peer *pr, struct bts_discv4_packet *pk, uint64_t expiration,
                     uint8_t *out_hash)
{
    pk->expiration = expiration;
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_EQUAL_FATAL(bts_discv4_encode(&b, out_hash, pr->key, pk), BT_OK);
    CU_ASSERT(sendto(pr->fd, b.data, b.len, 0, (struct sockaddr *)&pr->node, sizeof(pr->node)) ==
              (ssize_t)b.len);
    bts_buf_free(&b);
}

static void ep_lo(struct bts_discv4_endpoint *ep, uint16_t port)
{
    memset(ep, 0, sizeof(*ep));
    ep->ip[0] = 127;
    ep->ip[3] = 1;
    ep->ip_len = 4;
    ep->udp_port = ep->tcp_port = port;
}

static void ping(struct udp_peer *pr, uint16_t node_port, uint64_t expiration, uint8_t hash[32])
{
    struct bts_discv4_packet pk;
    memset(&pk, 0, sizeof(pk));
    pk.type = BTS_DISCV4_PING;
    pk.u.ping.version = 4;
    ep_lo(&pk.u.ping.from, pr->port);
    ep_lo(&pk.u.ping.to, node_port);
    udp_send(pr, &pk, expiration, hash);
}

/* Packets the node sent us within `ms`, by type (index = type). */
static void collect(struct udp_peer *pr, int ms, struct bts_discv4_packet *last, int counts[8])
{
    memset(counts, 0, 8 * sizeof(int));
    uint64_t end = p2p_now_ms() + (uint64_t)ms;
    while (p2p_now_ms() < end) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        uint8_t buf[1500];
        ssize_t n = recv(pr->fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            usleep(2000);
            continue;
        }
        struct bts_discv4_packet pk;
        if (bts_discv4_decode(&pk, buf, (size_t)n) == BT_OK && pk.type > 0 && pk.type < 8) {
            counts[pk.type]++;
            last[pk.type] = pk;
        }
    }
}

static void test_p2p_disc_ping_expiry_and_bonding(void)
{
    struct tnode a = {0};
    struct p2p_opts o;
    p2p_opts_default(&o);
    o.max_peers = 0;
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 41, &o, NULL), BT_OK);
    uint16_t port = p2p_port(a.p);
    struct udp_peer pr;
    udp_open(&pr, port);
    struct bts_discv4_packet got[8];
    int n[8];
    uint8_t h[32];
    uint64_t now = (uint64_t)time(NULL);
    ping(&pr, port, now - 10, h); /* expired */
    collect(&pr, 300, got, n);
    CU_ASSERT_EQUAL(n[BTS_DISCV4_PONG], 0);
    /* FindNode before any bond: no answer (no amplification). */
    struct bts_discv4_packet fn;
    memset(&fn, 0, sizeof(fn));
    fn.type = BTS_DISCV4_FINDNODE;
    udp_send(&pr, &fn, now + 20, NULL);
    collect(&pr, 300, got, n);
    CU_ASSERT_EQUAL(n[BTS_DISCV4_NEIGHBORS], 0);
    ping(&pr, port, now + 20, h);
    collect(&pr, 500, got, n);
    CU_ASSERT_EQUAL(n[BTS_DISCV4_PONG], 1);
    CU_ASSERT_EQUAL(memcmp(got[BTS_DISCV4_PONG].u.pong.ping_hash, h, 32), 0);
    CU_ASSERT_EQUAL(memcmp(got[BTS_DISCV4_PONG].node_id, a.p->id, 64), 0);
    CU_ASSERT_EQUAL(n[BTS_DISCV4_PING], 1); /* the node proves our endpoint */
    /* Answer its Ping: we are now in its table, and FindNode is served. */
    struct bts_discv4_packet pong;
    memset(&pong, 0, sizeof(pong));
    pong.type = BTS_DISCV4_PONG;
    ep_lo(&pong.u.pong.to, port);
    memcpy(pong.u.pong.ping_hash, got[BTS_DISCV4_PING].hash, 32);
    udp_send(&pr, &pong, now + 20, NULL);
    collect(&pr, 300, got, n);
    CU_ASSERT(disc_has_node(a.p->disc, pr.id));
    udp_send(&pr, &fn, now + 20, NULL);
    collect(&pr, 300, got, n);
    CU_ASSERT_EQUAL(n[BTS_DISCV4_NEIGHBORS], 1);
    CU_ASSERT_EQUAL(got[BTS_DISCV4_NEIGHBORS].u.neighbors.n_nodes, 1); /* just us */
    close(pr.fd);
    tnode_stop(&a);
}

static int dialled_twice(void *arg)
{
    struct p2p *p = arg;
    return p->dialees && p->dialees->backoff_ms >= 4 * P2P_BACKOFF_MIN_MS;
}

static void test_p2p_disc_dial_backoff(void)
{
    struct tnode a = {0};
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 42, NULL, NULL), BT_OK);
    /* A static node on a port nobody listens on (our own UDP peer's port, TCP closed). */
    struct udp_peer pr;
    udp_open(&pr, 0);
    char url[BTS_ENODE_URL_MAX], hex[129];
    for (int i = 0; i < 64; i++)
        snprintf(hex + 2 * i, 3, "%02x", pr.id[i]);
    snprintf(url, sizeof(url), "enode://%s@127.0.0.1:%u", hex, pr.port);
    CU_ASSERT_EQUAL(p2p_add_peer(a.p, url, 0), BT_OK);
    struct p2p_dialee *d = a.p->dialees;
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->backoff_ms, 2 * P2P_BACKOFF_MIN_MS); /* first dial at once */
    CU_ASSERT(d->next_ms > p2p_now_ms() + P2P_BACKOFF_MIN_MS - 500);
    CU_ASSERT(run_until(base, dialled_twice, a.p, 8000)); /* second dial after 5 s */
    CU_ASSERT_EQUAL(p2p_peer_count(a.p), 0);
    close(pr.fd);
    tnode_stop(&a);
}

BTS_TEST_SUITE("p2p_disc", init, clean, BTS_TEST(test_p2p_disc_ping_expiry_and_bonding),
               BTS_TEST(test_p2p_disc_dial_backoff));
