/* The services table's p2p entries (host->topic_register, topic_send, peer_penalise) backed by a
 * running p2p node: two runtimes, each with its node and a plugin context; a topic message
 * crosses from one plugin to the other; the errors a plugin sees (duplicate, unknown peer,
 * over the size); peer_penalise bans; releasing the context drops its topics. */
#include "p2p_testlib.h"
#include "services_int.h"

static struct host_rt rt_a, rt_b;
static struct tnode na, nb;

struct got {
    size_t n;
    uint64_t peer;
    size_t len;
};

static void on_topic(void *arg, uint64_t peer, const uint8_t *msg, size_t len)
{
    (void)msg;
    struct got *g = arg;
    g->n++;
    g->peer = peer;
    g->len = len;
}

static int got_one(void *arg)
{
    return ((struct got *)arg)->n > 0;
}

static int connected(void *arg)
{
    (void)arg;
    return p2p_peer_count(na.p) == 1 && p2p_peer_count(nb.p) == 1;
}

static int gone(void *arg)
{
    (void)arg;
    return na.p->n_conns == 0;
}

static void test_p2p_services_topics(void)
{
    memset(&na, 0, sizeof(na));
    memset(&nb, 0, sizeof(nb));
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt_a, 1, "/tmp"), BT_OK);
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt_b, 1, "/tmp"), BT_OK);
    rt_a.phase = rt_b.phase = RT_PHASE_RUN;
    struct event_base *base = rt_a.loop.base; /* both nodes on a's loop (one thread) */
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &na, 31, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &nb, 32, NULL, NULL), BT_OK);
    rt_a.p2p = na.p;
    rt_b.p2p = nb.p;
    struct bt_host_ctx *ha = hctx_new(&rt_a, "plugin-a", NULL, NULL);
    struct bt_host_ctx *hb = hctx_new(&rt_b, "plugin-b", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ha);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hb);
    const struct bt_host *H = &services_table;
    struct got ga = {0}, gb = {0};
    uint32_t ta, tb, tx;
    CU_ASSERT_EQUAL(H->topic_register(ha, "dlv/vote", 64, on_topic, &ga, &ta), BT_OK);
    CU_ASSERT_EQUAL(H->topic_register(ha, "dlv/vote", 64, on_topic, &ga, &tx), BT_EEXIST);
    CU_ASSERT_PTR_NOT_NULL(strstr(H->last_error(ha), "already registered"));
    CU_ASSERT_EQUAL(H->topic_register(hb, "dlv/vote", 64, on_topic, &gb, &tb), BT_OK);
    CU_ASSERT_EQUAL(p2p_add_peer(nb.p, p2p_enode(na.p), 0), BT_OK);
    CU_ASSERT_FATAL(run_until(base, connected, NULL, 5000));
    CU_ASSERT_EQUAL(H->topic_send(hb, tb, BT_PEER_BROADCAST, (const uint8_t *)"vote", 4), BT_OK);
    CU_ASSERT(run_until(base, got_one, &ga, 3000));
    CU_ASSERT_EQUAL(ga.len, 4);
    uint8_t big[65] = {0};
    CU_ASSERT_EQUAL(H->topic_send(ha, ta, ga.peer, big, sizeof(big)), BT_ERANGE);
    CU_ASSERT_EQUAL(H->topic_send(ha, ta, 12345, big, 1), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(H->topic_send(ha, tb + 7, ga.peer, big, 1), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(H->topic_send(ha, ta, ga.peer, (const uint8_t *)"ack", 3), BT_OK);
    CU_ASSERT(run_until(base, got_one, &gb, 3000));
    /* The plugin reports the peer: the host bans and disconnects it. */
    H->peer_penalise(ha, ga.peer, "bad vote");
    CU_ASSERT(run_until(base, gone, NULL, 3000));
    CU_ASSERT(p2p_is_banned(na.p, nb.p->id));
    /* Releasing the context drops its topic: the name is free again. */
    hctx_release(ha);
    struct bt_host_ctx *ha2 = hctx_new(&rt_a, "plugin-a2", NULL, NULL);
    CU_ASSERT_EQUAL(H->topic_register(ha2, "dlv/vote", 64, on_topic, &ga, &tx), BT_OK);
    hctx_release(ha2);
    hctx_release(hb);
    rt_a.p2p = rt_b.p2p = NULL;
    tnode_stop(&na);
    tnode_stop(&nb);
    rt_quiesce(&rt_a);
    rt_quiesce(&rt_b);
    rt_free(&rt_a);
    rt_free(&rt_b);
}

static void test_p2p_services_without_p2p(void)
{
    CU_ASSERT_EQUAL_FATAL(rt_init(&rt_a, 1, "/tmp"), BT_OK);
    struct bt_host_ctx *h = hctx_new(&rt_a, "plugin", NULL, NULL);
    uint32_t id;
    CU_ASSERT_EQUAL(services_table.topic_register(h, "t", 8, on_topic, NULL, &id), BT_ENOTSUP);
    CU_ASSERT_PTR_NOT_NULL(strstr(services_table.last_error(h), "p2p is off"));
    hctx_release(h);
    rt_quiesce(&rt_a);
    rt_free(&rt_a);
}

BTS_TEST_SUITE("p2p_services", NULL, NULL, BTS_TEST(test_p2p_services_topics),
               BTS_TEST(test_p2p_services_without_p2p));
