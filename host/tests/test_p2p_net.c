/* Two and three in-process p2p nodes on loopback (one event base): connect, RLPx handshake,
 * Hello, eth/66 Status, keepalive Ping/Pong, clean disconnect; a peer with another genesis
 * or network id is refused (and banned) on both sides; discovery v4 finds a node through a
 * bootnode; dlv/1 topics deliver with their size limits; the node key file. */
#include "p2p_testlib.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void dial(struct tnode *from, const struct tnode *to)
{
    char url[BTS_ENODE_URL_MAX];
    snprintf(url, sizeof(url), "%s", p2p_enode(to->p));
    CU_ASSERT_EQUAL(p2p_add_peer(from->p, url, 0), BT_OK);
}

struct pair {
    struct tnode *a, *b;
    size_t want;
};

static int both_have(void *arg)
{
    struct pair *p = arg;
    return p2p_peer_count(p->a->p) == p->want && p2p_peer_count(p->b->p) == p->want;
}

static int pongs(void *arg)
{
    struct p2p_peer *pe = first_peer(arg);
    return pe && pe->n_pongs > 0;
}

static int no_conns(void *arg)
{
    struct pair *p = arg;
    return p->a->p->n_conns == 0 && p->b->p->n_conns == 0;
}

static void test_p2p_net_connect_status_ping_disconnect(void)
{
    struct tnode a = {0}, b = {0};
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 1, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 2, NULL, NULL), BT_OK);
    dial(&b, &a);
    struct pair pr = {&a, &b, 1};
    CU_ASSERT_FATAL(run_until(base, both_have, &pr, 5000));
    struct p2p_peer *pa = first_peer(a.p), *pb = first_peer(b.p);
    CU_ASSERT(pa->is_inbound && !pb->is_inbound && pb->is_static);
    CU_ASSERT(pa->has_status && pb->has_status);
    CU_ASSERT_EQUAL(pa->status.network_id, 1337);
    CU_ASSERT_EQUAL(memcmp(pb->status.genesis, a.chain.genesis, 32), 0);
    CU_ASSERT(pa->eth_cap >= 0 && pa->dlv_cap >= 0);
    CU_ASSERT_EQUAL(memcmp(pa->sess.remote_id, b.p->id, 64), 0);
    /* Keepalive: a Ping answered by a Pong. */
    CU_ASSERT_EQUAL(sess_ping(&pb->sess), BT_OK);
    bufferevent_write(pb->bev, pb->sess.out.data, pb->sess.out.len);
    bts_buf_reset(&pb->sess.out);
    CU_ASSERT(run_until(base, pongs, b.p, 3000));
    /* admin_peers' view. */
    json_t *peers = p2p_peers_json(a.p);
    CU_ASSERT_EQUAL(json_array_size(peers), 1);
    json_t *eth = json_object_get(json_object_get(json_array_get(peers, 0), "protocols"), "eth");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(eth, "version")), 66);
    json_decref(peers);
    json_t *info = json_object();
    p2p_node_info(a.p, info);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(info, "enode")), p2p_enode(a.p));
    json_t *stats = json_object_get(info, "p2pStats");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(stats, "peers")), 1);
    json_t *st_in = json_object_get(json_object_get(stats, "messagesIn"), "eth/Status");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(st_in, "msgs")), 1);
    CU_ASSERT(json_integer_value(json_object_get(stats, "bytesIn")) > 0);
    json_decref(info);
    /* Clean disconnect: requested, seen as such by the other side. */
    peer_close(pb, BTS_RLPX_DISC_REQUESTED, "test");
    struct pair gone = {&a, &b, 0};
    CU_ASSERT(run_until(base, no_conns, &gone, 3000));
    CU_ASSERT_EQUAL(p2p_peer_count(a.p), 0);
    CU_ASSERT_EQUAL(a.p->n_dropped, 1);
    CU_ASSERT_EQUAL(a.p->stats.dropped[BTS_RLPX_DISC_REQUESTED], 1);
    CU_ASSERT_EQUAL(a.p->n_banned, 0); /* a requested disconnect is not misbehaviour */
    tnode_stop(&a);
    tnode_stop(&b);
}

/* b's chain differs from a's by `how`: 0 genesis, 1 network id, 2 fork id. */
static void refused(int how)
{
    struct tnode a = {0}, b = {0};
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 3, NULL, NULL), BT_OK);
    struct bts_buf h;
    bts_buf_init(&h);
    char err[256];
    CU_ASSERT_EQUAL_FATAL(p2p_chain_load("dev", &b.chain, &h, err, sizeof(err)), BT_OK);
    b.be = p2p_genesis_backend_new(b.chain.genesis, h.data, h.len);
    bts_buf_free(&h);
    if (how == 0)
        b.chain.genesis[5] ^= 1;
    else if (how == 1)
        b.chain.network_id = 1029;
    /* Fork id: b has a fork at block 1 that a's chain does not schedule, and b is past it
     * (head 199 of the in-memory chain): each side sees the other on another fork. */
    struct memchain *mc = how == 2 ? memchain_new() : NULL;
    if (how == 2)
        b.chain.forks[b.chain.n_forks++] = 1;
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 4, NULL, mc ? &mc->b : NULL), BT_OK);
    dial(&b, &a);
    struct pair gone = {&a, &b, 0};
    /* Give the handshake time to happen, then wait until both sides dropped it. */
    struct pair one = {&a, &b, 1};
    CU_ASSERT_FALSE(run_until(base, both_have, &one, 700));
    CU_ASSERT(run_until(base, no_conns, &gone, 3000));
    CU_ASSERT(a.p->n_refused >= 1 && b.p->n_refused >= 1); /* both sides refuse */
    CU_ASSERT(p2p_is_banned(a.p, b.p->id));
    CU_ASSERT(p2p_is_banned(b.p, a.p->id));
    CU_ASSERT_EQUAL(p2p_peer_count(a.p), 0);
    CU_ASSERT_EQUAL(p2p_peer_count(b.p), 0);
    tnode_stop(&a);
    tnode_stop(&b);
    if (mc)
        memchain_free(mc);
}

static void test_p2p_net_genesis_mismatch_refused(void)
{
    refused(0);
}

static void test_p2p_net_network_mismatch_refused(void)
{
    refused(1);
}

static void test_p2p_net_forkid_mismatch_refused(void)
{
    refused(2);
}

struct disc3 {
    struct tnode *x;
    const uint8_t *id;
};

static int knows(void *arg)
{
    struct disc3 *d = arg;
    return disc_has_node(d->x->p->disc, d->id);
}

static void test_p2p_net_discovery_via_bootnode(void)
{
    struct tnode boot = {0}, b = {0}, c = {0};
    struct p2p_opts o;
    p2p_opts_default(&o);
    o.max_peers = 0; /* discovery only: no TCP peers */
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &boot, 5, &o, NULL), BT_OK);
    char url[BTS_ENODE_URL_MAX];
    snprintf(url, sizeof(url), "%s", p2p_enode(boot.p));
    o.bootnodes = url;
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &c, 7, &o, NULL), BT_OK);
    struct disc3 bc = {&boot, c.p->id};
    CU_ASSERT_FATAL(run_until(base, knows, &bc, 5000)); /* c bonded with the bootnode */
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 6, &o, NULL), BT_OK);
    struct disc3 want = {&b, c.p->id};
    CU_ASSERT(run_until(base, knows, &want, 8000)); /* b learnt c from the bootnode */
    CU_ASSERT(disc_has_node(b.p->disc, boot.p->id));
    CU_ASSERT(disc_table_size(b.p->disc) >= 2);
    tnode_stop(&b);
    tnode_stop(&c);
    tnode_stop(&boot);
}

struct got {
    size_t n;
    uint64_t peer;
    uint8_t msg[64];
    size_t len;
};

static void on_topic(void *arg, uint64_t peer, const uint8_t *msg, size_t len)
{
    struct got *g = arg;
    g->n++;
    g->peer = peer;
    g->len = len < sizeof(g->msg) ? len : sizeof(g->msg);
    memcpy(g->msg, msg, g->len);
}

static int got_one(void *arg)
{
    return ((struct got *)arg)->n > 0;
}

static int banned_b(void *arg)
{
    struct pair *p = arg;
    return p->a->p->n_banned > 0 && p->a->p->n_conns == 0;
}

static void test_p2p_net_dlv_topics(void)
{
    struct tnode a = {0}, b = {0};
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 8, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 9, NULL, NULL), BT_OK);
    struct got ga = {0}, gb = {0};
    uint32_t ta, tb, t2;
    int owner_a, owner_b;
    CU_ASSERT_EQUAL(p2p_topic_register(a.p, &owner_a, "dlv/vote", 16, on_topic, &ga, &ta), BT_OK);
    CU_ASSERT_EQUAL(p2p_topic_register(a.p, &owner_a, "dlv/vote", 16, on_topic, &ga, &t2),
                    BT_EEXIST);
    CU_ASSERT_EQUAL(p2p_topic_register(a.p, &owner_a, "", 16, on_topic, &ga, &t2), BT_EINVAL);
    CU_ASSERT_EQUAL(p2p_topic_register(a.p, &owner_a, "x", 0, on_topic, &ga, &t2), BT_EINVAL);
    /* b declares a larger limit for the same topic: it can send what a refuses. */
    CU_ASSERT_EQUAL(p2p_topic_register(b.p, &owner_b, "dlv/vote", 4096, on_topic, &gb, &tb), BT_OK);
    dial(&b, &a);
    struct pair pr = {&a, &b, 1};
    CU_ASSERT_FATAL(run_until(base, both_have, &pr, 5000));
    CU_ASSERT_EQUAL(p2p_topic_send(b.p, &owner_b, tb, BT_PEER_BROADCAST, (const uint8_t *)"yes", 3),
                    BT_OK);
    CU_ASSERT(run_until(base, got_one, &ga, 3000));
    CU_ASSERT_EQUAL(ga.len, 3);
    CU_ASSERT_EQUAL(memcmp(ga.msg, "yes", 3), 0);
    CU_ASSERT_EQUAL(ga.peer, first_peer(a.p)->id);
    /* Reply to the sender by peer id. */
    CU_ASSERT_EQUAL(p2p_topic_send(a.p, &owner_a, ta, ga.peer, (const uint8_t *)"ok", 2), BT_OK);
    CU_ASSERT(run_until(base, got_one, &gb, 3000));
    /* Local checks: over the topic's size, someone else's topic, unknown peer. */
    uint8_t big[17] = {0};
    CU_ASSERT_EQUAL(p2p_topic_send(a.p, &owner_a, ta, BT_PEER_BROADCAST, big, 17), BT_ERANGE);
    CU_ASSERT_EQUAL(p2p_topic_send(a.p, &owner_b, ta, BT_PEER_BROADCAST, big, 1), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(p2p_topic_send(a.p, &owner_a, ta, 999, big, 1), BT_ENOTFOUND);
    /* An oversized message from the peer: a bans it. */
    uint8_t huge[100] = {0};
    CU_ASSERT_EQUAL(p2p_topic_send(b.p, &owner_b, tb, BT_PEER_BROADCAST, huge, sizeof(huge)),
                    BT_OK);
    CU_ASSERT(run_until(base, banned_b, &pr, 3000));
    CU_ASSERT_EQUAL(ga.n, 1);
    CU_ASSERT(p2p_is_banned(a.p, b.p->id));
    p2p_topic_drop_owner(a.p, &owner_a);
    CU_ASSERT_EQUAL(p2p_topic_send(a.p, &owner_a, ta, BT_PEER_BROADCAST, big, 1), BT_ENOTFOUND);
    tnode_stop(&a);
    tnode_stop(&b);
}

struct quad {
    struct tnode *a, *b, *c, *d;
};

static int limit_settled(void *arg)
{
    struct quad *q = arg;
    /* a: one ordinary peer and the trusted one; b or c refused with "too many peers". */
    return p2p_peer_count(q->a->p) == 2 && p2p_peer_count(q->d->p) == 1 &&
           p2p_peer_count(q->b->p) + p2p_peer_count(q->c->p) == 1 &&
           q->b->p->n_conns + q->c->p->n_conns == 1;
}

static void test_p2p_net_max_peers_and_trusted(void)
{
    struct tnode a = {0}, b = {0}, c = {0}, d = {0};
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &d, 14, NULL, NULL), BT_OK);
    struct p2p_opts o;
    p2p_opts_default(&o);
    o.is_nodiscover = 1;
    o.max_peers = 1;
    char url[BTS_ENODE_URL_MAX];
    snprintf(url, sizeof(url), "%s", p2p_enode(d.p));
    o.trusted_nodes = url; /* a dials d and keeps it over the limit */
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 11, &o, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &b, 12, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &c, 13, NULL, NULL), BT_OK);
    dial(&b, &a);
    dial(&c, &a);
    struct quad q = {&a, &b, &c, &d};
    CU_ASSERT(run_until(base, limit_settled, &q, 5000));
    int trusted = 0;
    for (struct p2p_peer *pe = a.p->peers; pe; pe = pe->next)
        trusted += pe->is_ready && pe->is_trusted && !pe->is_inbound;
    CU_ASSERT_EQUAL(trusted, 1);
    CU_ASSERT_EQUAL(a.p->n_banned, 0); /* "too many peers" is no misbehaviour */
    tnode_stop(&a);
    tnode_stop(&b);
    tnode_stop(&c);
    tnode_stop(&d);
}

static void test_p2p_net_nodekey_file(void)
{
    char dir[] = "/tmp/bttcd-p2p-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    uint8_t k1[32], k2[32];
    char err[256], path[256];
    CU_ASSERT_EQUAL(p2p_nodekey_load(dir, k1, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(p2p_nodekey_load(dir, k2, err, sizeof(err)), BT_OK); /* same key again */
    CU_ASSERT_EQUAL(memcmp(k1, k2, 32), 0);
    snprintf(path, sizeof(path), "%s/nodekey", dir);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    CU_ASSERT_EQUAL(st.st_size, 64);
    FILE *f = fopen(path, "w");
    fputs("not hex\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(p2p_nodekey_load(dir, k2, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a node key"));
    unlink(path);
    rmdir(dir);
}

/* The Status identity of each preset: network id, genesis hash (PROTOCOL.md §2) and the
 * EIP-2124 fork id (sdk/tests/test_forkid.c has Bttc's); a bad name or file is an error. */
static void test_p2p_net_chain_presets(void)
{
    static const struct {
        const char *name;
        uint64_t network;
        uint8_t g0; /* first genesis byte */
        uint32_t fork_hash;
    } want[] = {{"mainnet", 199, 0x02, 0xa9cb3ba5}, {"donau", 1029, 0x9b, 0x7e3c5e4e}};
    char err[256];
    for (size_t i = 0; i < BTS_ARRAY_SIZE(want); i++) {
        struct p2p_chain c;
        struct bts_buf h;
        bts_buf_init(&h);
        CU_ASSERT_EQUAL_FATAL(p2p_chain_load(want[i].name, &c, &h, err, sizeof(err)), BT_OK);
        CU_ASSERT_EQUAL(c.network_id, want[i].network);
        CU_ASSERT_EQUAL(c.genesis[0], want[i].g0);
        CU_ASSERT_EQUAL(h.len, 0); /* allocation not bundled: no header to serve */
        struct bts_forkid id;
        bts_forkid_compute(&id, c.genesis, c.forks, c.n_forks, 30000000);
        CU_ASSERT_EQUAL(id.hash, want[i].fork_hash);
        CU_ASSERT_EQUAL(id.next, 0);
        bts_buf_free(&h);
    }
    struct p2p_chain c;
    struct bts_buf h;
    bts_buf_init(&h);
    CU_ASSERT_EQUAL(p2p_chain_load("dev", &c, &h, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(c.network_id, 1337);
    uint8_t hh[32];
    bts_keccak256(hh, h.data, h.len); /* the served header hashes to the announced genesis */
    CU_ASSERT_EQUAL(memcmp(hh, c.genesis, 32), 0);
    bts_buf_free(&h);
    CU_ASSERT_NOT_EQUAL(p2p_chain_load("nope", &c, NULL, err, sizeof(err)), BT_OK);
    CU_ASSERT_NOT_EQUAL(p2p_chain_load("/nonexistent/genesis.json", &c, NULL, err, sizeof(err)),
                        BT_OK);
}

static void test_p2p_net_bad_enode_refused(void)
{
    struct tnode a = {0};
    struct p2p_opts o;
    p2p_opts_default(&o);
    o.is_nodiscover = 1;
    o.static_nodes = "enode://1234@127.0.0.1:1";
    CU_ASSERT_EQUAL(tnode_start(base, &a, 10, &o, NULL), BT_EINVAL);
    CU_ASSERT_PTR_NULL(a.p);
    o.static_nodes = NULL;
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &a, 10, &o, NULL), BT_OK);
    CU_ASSERT_EQUAL(p2p_add_peer(a.p, "enode://zz@1.2.3.4:5", 0), BT_EINVAL);
    tnode_stop(&a);
}

BTS_TEST_SUITE("p2p_net", init, clean, BTS_TEST(test_p2p_net_connect_status_ping_disconnect),
               BTS_TEST(test_p2p_net_genesis_mismatch_refused),
               BTS_TEST(test_p2p_net_network_mismatch_refused),
               BTS_TEST(test_p2p_net_forkid_mismatch_refused),
               BTS_TEST(test_p2p_net_discovery_via_bootnode), BTS_TEST(test_p2p_net_dlv_topics),
               BTS_TEST(test_p2p_net_max_peers_and_trusted), BTS_TEST(test_p2p_net_nodekey_file),
               BTS_TEST(test_p2p_net_bad_enode_refused), BTS_TEST(test_p2p_net_chain_presets));
