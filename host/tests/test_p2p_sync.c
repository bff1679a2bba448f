/* The chain behind eth/66 (host/net/p2p/link.c, sync.c), in one process: three chains with the
 * real EVM on in-memory storage, each attached to a p2p node on loopback. A new node syncs the
 * producer's blocks (headers, then bodies, imported through chain_import) after refusing a
 * rogue peer that serves a longer chain sealed by another key (or, in the second case, a rogue
 * with valid headers but the wrong bodies); then a produced block reaches it by announcement,
 * and a transaction submitted to it reaches the producer's pool by gossip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

#include "chain_testlib.h"
#include "genesis_int.h"
#include "p2p_testlib.h"
#include "stor_testlib.h"

struct snode {
    struct stl t;
    struct genesis g;
    struct ctl_engine e;
    struct chain *c;
    struct tnode n;
    struct p2p_link *link;
    uint64_t nonces[4];
};

static void snode_open(struct snode *s, struct event_base *base, uint8_t seed, int key_byte)
{
    memset(s, 0, sizeof(*s));
    stl_open(&s->t, "storage-memory");
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(genesis_preset(&s->g, "dev", 4, err, sizeof(err)), BT_OK);
    ctl_engine_init(&s->e);
    if (key_byte) {
        memset(s->e.key, key_byte, 32);
        CU_ASSERT_EQUAL_FATAL(bts_secp_seckey_to_address(s->e.addr, s->e.key), BT_OK);
    }
    struct chain_opts o;
    ctl_opts(&o, s->t.sn.s, &s->g, &s->e, &s->t.rt.workers);
    CU_ASSERT_EQUAL_FATAL(chain_open(&s->c, &o, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL_FATAL(tnode_start(base, &s->n, seed, NULL, NULL), BT_OK);
    CU_ASSERT_EQUAL_FATAL(p2p_attach_chain(s->n.p, s->c, &s->link), BT_OK);
}

static void snode_close(struct snode *s)
{
    p2p_detach_chain(s->link);
    tnode_stop(&s->n);
    chain_close(s->c);
    stl_close(&s->t);
    genesis_free(&s->g);
}

static uint8_t to_addr[20] = {[19] = 0x42};

static void submit(struct snode *s, uint32_t acct, uint64_t nonce)
{
    uint8_t key[32];
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, acct), BT_OK);
    CU_ASSERT_EQUAL_FATAL(ctl_sign_tx(&b, key, nonce, 1000000000, 21000, to_addr, 1, NULL, 0),
                          BT_OK);
    CU_ASSERT_EQUAL(chain_submit_tx(s->c, b.data, b.len, NULL), BT_OK);
    bts_buf_free(&b);
}

static void produce(struct snode *s, int n, int txs)
{
    uint64_t *nonces = s->nonces;
    char err[512] = "";
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < txs; k++)
            submit(s, (uint32_t)k % 4, nonces[k % 4]++);
        bt_status rc = chain_produce(s->c, 0, NULL, err, sizeof(err));
        if (rc != BT_OK)
            fprintf(stderr, "produce: %s\n", err);
        CU_ASSERT_EQUAL_FATAL(rc, BT_OK);
    }
}

struct pair {
    struct snode *a, *b;
};

static int same_head(void *arg)
{
    struct pair *p = arg;
    uint64_t na, nb;
    uint8_t ha[32], hb[32];
    chain_head(p->a->c, &na, ha);
    chain_head(p->b->c, &nb, hb);
    return na == nb && memcmp(ha, hb, 32) == 0;
}

struct pooled {
    struct snode *s;
    uint8_t hash[32];
};

static int in_pool(void *arg)
{
    struct pooled *p = arg;
    return txpool_get(chain_txpool(p->s->c), p->hash) != NULL;
}

static void test_p2p_sync_from_scratch(void)
{
    struct event_base *base = event_base_new();
    struct snode *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)), *r = calloc(1, sizeof(*r));
    CU_ASSERT_PTR_NOT_NULL_FATAL(base);
    snode_open(a, base, 1, 0);
    snode_open(b, base, 2, 0);
    snode_open(r, base, 3, 0x22); /* the rogue: another sealer */
    produce(a, 300, 3);
    produce(r, 340, 0);
    /* The rogue is the highest: the sync picks it first, refuses its blocks, drops it. */
    CU_ASSERT_EQUAL(p2p_add_peer(b->n.p, p2p_enode(r->n.p), 0), BT_OK);
    CU_ASSERT_EQUAL(p2p_add_peer(b->n.p, p2p_enode(a->n.p), 0), BT_OK);
    struct pair ab = {a, b};
    CU_ASSERT_TRUE(run_until(base, same_head, &ab, 60000));
    CU_ASSERT_EQUAL(chain_head_header(b->c)->h.number, 300);
    CU_ASSERT_TRUE(p2p_is_banned(b->n.p, r->n.p->id));
    struct chain_sync sy;
    chain_sync_status(b->c, &sy);
    CU_ASSERT_FALSE(sy.is_syncing);
    CU_ASSERT_EQUAL(sy.current_block, 300);
    struct chain_stats st;
    chain_get_stats(b->c, &st);
    CU_ASSERT_EQUAL(st.txs, 900);

    /* Propagation: a produced block is announced and imported; a transaction submitted to
     * the follower is gossiped into the producer's pool. */
    produce(a, 1, 2);
    CU_ASSERT_TRUE(run_until(base, same_head, &ab, 10000));
    CU_ASSERT_EQUAL(chain_head_header(b->c)->h.number, 301);
    struct pooled pl = {a, {0}};
    uint8_t key[32];
    struct bts_buf tx = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_key(key, 3), BT_OK);
    uint64_t nonce = 0;
    struct bt_address from;
    CU_ASSERT_EQUAL_FATAL(genesis_dev_address(&from, 3), BT_OK);
    CU_ASSERT_EQUAL(txpool_nonce(chain_txpool(b->c), &from, &nonce), BT_OK);
    CU_ASSERT_EQUAL_FATAL(ctl_sign_tx(&tx, key, nonce, 2000000000, 21000, to_addr, 7, NULL, 0),
                          BT_OK);
    struct txpool_added added;
    CU_ASSERT_EQUAL(chain_submit_tx(b->c, tx.data, tx.len, &added), BT_OK);
    memcpy(pl.hash, added.hash.bytes, 32);
    CU_ASSERT_TRUE(run_until(base, in_pool, &pl, 10000));
    bts_buf_free(&tx);

    snode_close(a);
    snode_close(b);
    snode_close(r);
    free(a);
    free(b);
    free(r);
    event_base_free(base);
}

/* A rogue serving its own (validly sealed) chain with each block's body swapped for the next
 * block's (the last one's for the one before): the transaction root does not match. */
static struct snode *rogue;

static bt_status swapped_body(void *self, const uint8_t hash[32], struct bts_buf *out)
{
    (void)self;
    struct chain_header hd, next;
    memset(&hd, 0, sizeof(hd));
    memset(&next, 0, sizeof(next));
    bt_status st = chain_header_by_hash(rogue->c, hash, &hd);
    if (st == BT_OK && chain_header_by_number(rogue->c, hd.h.number + 1, &next) != BT_OK)
        st = chain_header_by_number(rogue->c, hd.h.number - 1, &next); /* the last block */
    struct chain_body b;
    memset(&b, 0, sizeof(b));
    if (st == BT_OK)
        st = chain_body_by_hash(rogue->c, next.hash, &b);
    if (st == BT_OK)
        st = bts_buf_append(out, b.rlp, b.rlp_len);
    chain_body_free(&b);
    chain_header_free(&hd);
    chain_header_free(&next);
    return st;
}

static void test_p2p_sync_bad_body_dropped(void)
{
    struct event_base *base = event_base_new();
    struct snode *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)), *r = calloc(1, sizeof(*r));
    CU_ASSERT_PTR_NOT_NULL_FATAL(base);
    snode_open(a, base, 4, 0);
    snode_open(b, base, 5, 0);
    snode_open(r, base, 6, 0); /* the same sealer: its headers pass, its bodies do not */
    produce(a, 60, 2);
    produce(r, 90, 2);
    rogue = r;
    r->n.p->backend.body = swapped_body;
    CU_ASSERT_EQUAL(p2p_add_peer(b->n.p, p2p_enode(r->n.p), 0), BT_OK);
    CU_ASSERT_EQUAL(p2p_add_peer(b->n.p, p2p_enode(a->n.p), 0), BT_OK);
    struct pair ab = {a, b};
    CU_ASSERT_TRUE(run_until(base, same_head, &ab, 60000));
    CU_ASSERT_EQUAL(chain_head_header(b->c)->h.number, 60);
    CU_ASSERT_TRUE(p2p_is_banned(b->n.p, r->n.p->id));
    snode_close(a);
    snode_close(b);
    snode_close(r);
    free(a);
    free(b);
    free(r);
    event_base_free(base);
}

/* Fork choice by total difficulty (go-ethereum's chainSyncer): a peer with the higher head but
 * the lighter chain (120 blocks of difficulty 1) loses to a heavier one (60 blocks of
 * difficulty 3, as Bor's in-turn blocks weigh more); whichever the node hears of first, it
 * ends on the heavy chain, and stays there. */
static void test_p2p_sync_picks_heaviest(void)
{
    struct event_base *base = event_base_new();
    struct snode *h = calloc(1, sizeof(*h)), *b = calloc(1, sizeof(*b)),
                 *lt = calloc(1, sizeof(*lt));
    CU_ASSERT_PTR_NOT_NULL_FATAL(base);
    snode_open(h, base, 7, 0);
    snode_open(b, base, 8, 0);
    snode_open(lt, base, 9, 0); /* the same sealer: both chains are valid */
    h->e.difficulty = 3;
    produce(h, 60, 1);
    produce(lt, 120, 0);
    struct bts_u256 td_h, td_l;
    CU_ASSERT_EQUAL_FATAL(chain_td(h->c, chain_head_header(h->c)->hash, &td_h), BT_OK);
    CU_ASSERT_EQUAL_FATAL(chain_td(lt->c, chain_head_header(lt->c)->hash, &td_l), BT_OK);
    CU_ASSERT_TRUE_FATAL(bts_u256_cmp(&td_h, &td_l) > 0);
    CU_ASSERT_EQUAL(p2p_add_peer(b->n.p, p2p_enode(lt->n.p), 0), BT_OK);
    CU_ASSERT_EQUAL(p2p_add_peer(b->n.p, p2p_enode(h->n.p), 0), BT_OK);
    struct pair hb = {h, b};
    CU_ASSERT_TRUE(run_until(base, same_head, &hb, 60000));
    /* A while longer: the lighter, higher peer does not pull it away. */
    struct pair never = {lt, b};
    CU_ASSERT_FALSE(run_until(base, same_head, &never, 3000));
    CU_ASSERT_TRUE(same_head(&hb));
    CU_ASSERT_EQUAL(chain_head_header(b->c)->h.number, 60);
    CU_ASSERT_FALSE(p2p_is_banned(b->n.p, lt->n.p->id));
    struct chain_stats st;
    chain_get_stats(b->c, &st);
    CU_ASSERT_EQUAL(st.txs, 60);
    snode_close(h);
    snode_close(b);
    snode_close(lt);
    free(h);
    free(b);
    free(lt);
    event_base_free(base);
}

static int init(void)
{
    return 0;
}

static int clean(void)
{
    return 0;
}

BTS_TEST_SUITE("p2p_sync", init, clean, BTS_TEST(test_p2p_sync_from_scratch),
               BTS_TEST(test_p2p_sync_bad_body_dropped), BTS_TEST(test_p2p_sync_picks_heaviest));
