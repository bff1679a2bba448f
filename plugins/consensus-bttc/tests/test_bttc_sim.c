/* Four producers in one process over one shared chain (no p2p): each node asks schedule() when
 * it may seal the next block, the earliest one prepares and seals it through its own host
 * signer, and every running node verifies it with the seal check. In-turn blocks carry
 * difficulty 4, sprint ends carry the producer list, the in-turn producer moves every sprint,
 * every node's snapshot agrees; stopping the in-turn producer lets the first backup seal after
 * period + backupMultiplier with difficulty 3, and the stopped node catches up on restart.
 * Sprint 4, period 2, producer delay 6, backup multiplier 2. */
#include "bttc_test.h"

#define NODES 4

struct node {
    struct bts_mockhost *m;
    struct bttc *b;
    int key;
    int live;
};

static struct node N[NODES];
static struct fake_chain *C;
static uint64_t SIM_MS; /* the simulated wall clock every node's mock follows */

/* Move a node's fake clock to SIM_MS. */
static void sync_clock(struct node *n)
{
    uint64_t wall = bts_mockhost_host(n->m)->wall_ms(bts_mockhost_ctx(n->m));
    if (SIM_MS > wall)
        bts_mockhost_advance(n->m, SIM_MS - wall);
}

static bt_status node_sign(void *arg, uint8_t out[65], const char *key_id, const uint8_t d[32])
{
    (void)key_id;
    return bts_secp_sign(out, tk_sec[*(int *)arg], d);
}

static void start_node(struct node *n, int key)
{
    n->m = bts_mockhost_new();
    n->key = key;
    n->live = 1;
    bts_mockhost_use_log(n->m, BT_LOG_INFO);
    bts_mockhost_use_timers(n->m);
    bts_mockhost_use_services(n->m);
    bts_mockhost_conf_set(n->m, "chain", "devnet");
    bts_mockhost_conf_set(n->m, "sprint", "4");
    char signer[43] = "0x";
    for (int i = 0; i < 20; i++)
        snprintf(signer + 2 + 2 * i, 3, "%02x", tk_addr[key][i]);
    bts_mockhost_conf_set(n->m, "signer", signer);
    bts_mockhost_set_signer(n->m, node_sign, NULL, &n->key);
    CU_ASSERT_FATAL(bts_mockhost_service_add(n->m, "chain", &fc_iface, C) == BT_OK);
    void *self;
    CU_ASSERT_FATAL(bttc_create(bts_mockhost_host(n->m), bts_mockhost_ctx(n->m), &self) == BT_OK);
    n->b = self;
    bts_mockhost_table(n->m)->rpc_register = fixture_rpc_register_ok;
    CU_ASSERT_FATAL(bttc_start(n->b) == BT_OK);
    sync_clock(n);
}

static void stop_node(struct node *n)
{
    bttc_destroy(n->b);
    bts_mockhost_free(n->m);
    n->b = NULL;
    n->m = NULL;
    n->live = 0;
}

/* Produce the next block: returns the producing node, the block's difficulty and time gap. */
static int produce(uint64_t *out_diff, uint64_t *out_gap)
{
    struct bttc_hdr kp;
    struct bt_header p;
    abi_of(&p, &kp, C->rlp[C->n - 1], C->len[C->n - 1]);
    int best = -1;
    uint64_t best_t = UINT64_MAX;
    for (int i = 0; i < NODES; i++) {
        uint64_t t;
        if (N[i].live && bttc_vtbl.schedule(N[i].b, &p, 0, &t) == BT_OK && t < best_t) {
            best_t = t;
            best = i;
        }
    }
    CU_ASSERT_FATAL(best >= 0);
    if (best_t > SIM_MS) /* wait for the slot */
        SIM_MS = best_t;
    for (int i = 0; i < NODES; i++)
        if (N[i].live)
            sync_clock(&N[i]);
    uint8_t extra[512];
    struct bt_header_draft d = {.struct_size = sizeof(d), .extra = extra, .extra_cap = 512};
    CU_ASSERT_FATAL(bttc_vtbl.prepare(N[best].b, &p, &d) == BT_OK);
    CU_ASSERT_EQUAL(d.time * 1000, best_t);
    struct bts_header h;
    struct bts_u256 diff;
    bts_u256_load_be(&diff, d.difficulty);
    hdr_init(&h, p.hash, d.number, d.time, diff.w[0]);
    h.gas_limit = d.gas_limit;
    h.extra = extra;
    h.extra_len = d.extra_len;
    struct bts_buf b;
    bts_buf_init(&b);
    CU_ASSERT_FATAL(bts_header_encode(&b, &h) == BT_OK);
    struct bttc_hdr kh;
    struct bt_header ah;
    abi_of(&ah, &kh, b.data, b.len);
    CU_ASSERT_FATAL(bttc_vtbl.seal(N[best].b, &ah, (uint8_t *)kh.h.extra, kh.h.extra_len) == BT_OK);
    fc_push(C, kh.rlp, kh.rlp_len);
    bttc_hdr_free(&kh);
    bts_buf_free(&b);
    /* every running node verifies and takes the new head */
    abi_of(&ah, &kh, C->rlp[C->n - 1], C->len[C->n - 1]);
    for (int i = 0; i < NODES; i++) {
        if (!N[i].live)
            continue;
        bt_status st = bttc_vtbl.verify_header(N[i].b, &ah, &p, BT_VERIFY_SEAL);
        if (st != BT_OK)
            fprintf(stderr, "node %d refused block %llu: %s\n", i, (unsigned long long)ah.number,
                    bts_mockhost_error(N[i].m));
        CU_ASSERT_EQUAL(st, BT_OK);
        bttc_vtbl.on_head(N[i].b, &ah);
    }
    *out_diff = diff.w[0];
    *out_gap = ah.time - p.time;
    CU_ASSERT_EQUAL(kh.h.extra_len, (ah.number + 1) % 4 == 0 ? 32 + 4 * 40 + 65 : 97);
    bttc_hdr_free(&kh);
    bttc_hdr_free(&kp);
    return best;
}

/* Every running node has the same snapshot at the head. */
static void snapshots_agree(void)
{
    struct bttc_snap *ref = NULL;
    struct bts_validator v[NODES];
    size_t prop = 0;
    for (int i = 0; i < NODES; i++) {
        if (!N[i].live)
            continue;
        struct bttc_snap *s;
        CU_ASSERT_FATAL(bttc_snapshot(N[i].b, C->n - 1, C->hash[C->n - 1], &s) == BT_OK);
        CU_ASSERT_EQUAL_FATAL(s->vs.n, NODES);
        if (!ref) {
            ref = s;
            memcpy(v, s->vs.v, sizeof(v));
            prop = bts_valset_proposer(&s->vs);
            continue;
        }
        CU_ASSERT_EQUAL(memcmp(v, s->vs.v, sizeof(v)), 0);
        CU_ASSERT_EQUAL(bts_valset_proposer(&s->vs), prop);
    }
}

static void test_bttc_sim_four_producers(void)
{
    memset(N, 0, sizeof(N));
    tk_init();
    C = calloc(1, sizeof(*C));
    fc_set_vals(C, NODES);
    struct bts_mockhost *clock = bts_mockhost_new();
    bts_mockhost_use_timers(clock);
    SIM_MS = bts_mockhost_host(clock)->wall_ms(bts_mockhost_ctx(clock));
    bts_mockhost_free(clock);
    uint64_t t0 = SIM_MS / 1000 - 1; /* block 1 is due in a second */
    uint8_t zero[32] = {0};
    struct bts_header g;
    hdr_init(&g, zero, 0, t0, 1);
    size_t len;
    uint8_t *rlp = hdr_seal(&g, NULL, 0, -1, &len);
    fc_push(C, rlp, len);
    free(rlp);
    for (int i = 0; i < NODES; i++)
        start_node(&N[i], i);
    int order[NODES];
    tk_sorted(NODES, order);

    /* 3 sprints all in turn: the producer of sprint k is the k-th lowest address */
    for (uint64_t n = 1; n <= 12; n++) {
        uint64_t diff, gap;
        int who = produce(&diff, &gap);
        CU_ASSERT_EQUAL(diff, 4);
        CU_ASSERT_EQUAL(gap, n % 4 == 0 ? 6 : 2);
        CU_ASSERT_EQUAL(N[who].key, order[(n / 4) % NODES]);
        snapshots_agree();
    }
    /* block 13: the in-turn producer (sprint 3) is stopped; the first backup seals */
    int in_turn = -1;
    for (int i = 0; i < NODES; i++)
        if (N[i].key == order[3])
            in_turn = i;
    stop_node(&N[in_turn]);
    uint64_t diff, gap;
    int who = produce(&diff, &gap);
    CU_ASSERT_EQUAL(diff, 3);
    CU_ASSERT_EQUAL(gap, 2 + 2);
    CU_ASSERT_EQUAL(N[who].key, order[0]); /* the next address, wrapping around */
    who = produce(&diff, &gap);
    CU_ASSERT_EQUAL(diff, 3);
    snapshots_agree();
    /* restart: the node rebuilds its snapshot from the chain and takes its turn again */
    start_node(&N[in_turn], order[3]);
    snapshots_agree();
    who = produce(&diff, &gap); /* block 15 (sprint end) */
    CU_ASSERT_EQUAL(diff, 4);
    CU_ASSERT_EQUAL(N[who].key, order[3]);
    who = produce(&diff, &gap); /* block 16: sprint 4, back to the lowest address */
    CU_ASSERT_EQUAL(diff, 4);
    CU_ASSERT_EQUAL(gap, 6);
    CU_ASSERT_EQUAL(N[who].key, order[0]);
    snapshots_agree();
    for (int i = 0; i < NODES; i++)
        if (N[i].live)
            stop_node(&N[i]);
    fc_free(C);
}

BTS_TEST_SUITE("bttc_sim", NULL, NULL, BTS_TEST(test_bttc_sim_four_producers));
